// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Operands are read through broadcasting maps; the body is the op's scalar
// rule.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
func.func @add_broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %r = tcc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// -----

// A float32 erf is a rational function of the input clamped to [-4, 4] (no
// libm call): x * P(x^2) / Q(x^2), both by Horner's rule with FMAs.
// CHECK-LABEL: func.func @erf_f32
// CHECK: linalg.generic
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NOT: math.erf
// CHECK: %[[LO:.*]] = arith.maxnumf %[[X]], %{{.*}} : f32
// CHECK: %[[C:.*]] = arith.minnumf %[[LO]], %{{.*}} : f32
// CHECK: %[[X2:.*]] = arith.mulf %[[C]], %[[C]] : f32
// CHECK-COUNT-6: math.fma
// CHECK: %[[P:.*]] = arith.mulf %[[C]], %{{.*}} : f32
// CHECK-COUNT-4: math.fma
// CHECK: %[[R:.*]] = arith.divf %[[P]], %{{.*}} : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @erf_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = tcc.erf %x : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// Float64 keeps math.erf (libm's double-precision erf).
// CHECK-LABEL: func.func @erf_f64
// CHECK: math.erf %{{.*}} : f64
func.func @erf_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  %r = tcc.erf %x : tensor<4xf64>
  return %r : tensor<4xf64>
}

// -----

// A float32 exp is x = n ln2 + r (floor, two-part ln2), a polynomial in r,
// and 2^n applied in two halves through the exponent bits; NaN is passed on.
// CHECK-LABEL: func.func @exp_f32
// CHECK: ^bb0(%[[X:.*]]: f32, %{{.*}}: f32):
// CHECK-NOT: math.exp
// CHECK: arith.maximumf %[[X]]
// CHECK: arith.minimumf
// CHECK: math.floor
// CHECK: arith.fptosi %{{.*}} : f32 to i32
// CHECK: arith.shrsi
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: arith.bitcast %{{.*}} : i32 to f32
// CHECK: %[[NAN:.*]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK: %[[R:.*]] = arith.select %[[NAN]], %[[X]], %{{.*}} : f32
// CHECK: linalg.yield %[[R]] : f32
func.func @exp_f32(%x: tensor<4xf32>) -> tensor<4xf32> {
  %r = tcc.exp %x : tensor<4xf32>
  return %r : tensor<4xf32>
}
