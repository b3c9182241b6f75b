// RUN: tcc-opt %s | tcc-opt | FileCheck %s
// RUN: tcc-opt %s --mlir-print-op-generic | tcc-opt | FileCheck %s

// Round trip of every tcc op through the custom and the generic form.

//===----------------------------------------------------------------------===//
// Binary ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @binary_f32
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3xf32>)
func.func @binary_f32(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[ADD:.+]] = tcc.add %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %0 = tcc.add %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[SUB:.+]] = tcc.sub %[[ADD]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = tcc.sub %0, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MUL:.+]] = tcc.mul %[[SUB]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = tcc.mul %1, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[DIV:.+]] = tcc.div %[[MUL]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %3 = tcc.div %2, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[POW:.+]] = tcc.pow %[[DIV]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %4 = tcc.pow %3, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MAX:.+]] = tcc.max %[[POW]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %5 = tcc.max %4, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  // CHECK: %[[MIN:.+]] = tcc.min %[[MAX]], %[[B]] : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %6 = tcc.min %5, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: return %[[MIN]]
  return %6 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @binary_f64_scalar
// CHECK-SAME: (%[[A:.+]]: tensor<4x1xf64>, %[[B:.+]]: tensor<f64>)
func.func @binary_f64_scalar(%a: tensor<4x1xf64>, %b: tensor<f64>) -> tensor<4x1xf64> {
  // CHECK: %[[R:.+]] = tcc.add %[[B]], %[[A]] : (tensor<f64>, tensor<4x1xf64>) -> tensor<4x1xf64>
  %0 = tcc.add %b, %a : (tensor<f64>, tensor<4x1xf64>) -> tensor<4x1xf64>
  // CHECK: return %[[R]]
  return %0 : tensor<4x1xf64>
}

// CHECK-LABEL: func.func @binary_broadcast_both
// CHECK-SAME: (%[[A:.+]]: tensor<4x1xf32>, %[[B:.+]]: tensor<1x5xf32>)
func.func @binary_broadcast_both(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>) -> tensor<4x5xf32> {
  // CHECK: tcc.mul %[[A]], %[[B]] : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
  %0 = tcc.mul %a, %b : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
  return %0 : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @binary_i64
// CHECK-SAME: (%[[A:.+]]: tensor<5xi64>, %[[B:.+]]: tensor<5xi64>)
func.func @binary_i64(%a: tensor<5xi64>, %b: tensor<5xi64>) -> tensor<5xi64> {
  // CHECK: %[[ADD:.+]] = tcc.add %[[A]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %0 = tcc.add %a, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[SUB:.+]] = tcc.sub %[[ADD]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %1 = tcc.sub %0, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[MUL:.+]] = tcc.mul %[[SUB]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %2 = tcc.mul %1, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[DIV:.+]] = tcc.div %[[MUL]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %3 = tcc.div %2, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[POW:.+]] = tcc.pow %[[DIV]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %4 = tcc.pow %3, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[MAX:.+]] = tcc.max %[[POW]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %5 = tcc.max %4, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: %[[MIN:.+]] = tcc.min %[[MAX]], %[[B]] : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  %6 = tcc.min %5, %b : (tensor<5xi64>, tensor<5xi64>) -> tensor<5xi64>
  // CHECK: return %[[MIN]]
  return %6 : tensor<5xi64>
}

// CHECK-LABEL: func.func @binary_i32
// CHECK-SAME: (%[[A:.+]]: tensor<2x2xi32>, %[[B:.+]]: tensor<i32>)
func.func @binary_i32(%a: tensor<2x2xi32>, %b: tensor<i32>) -> tensor<2x2xi32> {
  // CHECK: %[[R:.+]] = tcc.div %[[A]], %[[B]] : (tensor<2x2xi32>, tensor<i32>) -> tensor<2x2xi32>
  %0 = tcc.div %a, %b : (tensor<2x2xi32>, tensor<i32>) -> tensor<2x2xi32>
  // CHECK: return %[[R]]
  return %0 : tensor<2x2xi32>
}

// CHECK-LABEL: func.func @binary_small_ints
// CHECK-SAME: (%[[A:.+]]: tensor<3xi8>, %[[B:.+]]: tensor<3xi16>)
func.func @binary_small_ints(%a: tensor<3xi8>, %b: tensor<3xi16>) -> (tensor<3xi8>, tensor<3xi16>) {
  // CHECK: %[[R0:.+]] = tcc.add %[[A]], %[[A]] : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  %0 = tcc.add %a, %a : (tensor<3xi8>, tensor<3xi8>) -> tensor<3xi8>
  // CHECK: %[[R1:.+]] = tcc.sub %[[B]], %[[B]] : (tensor<3xi16>, tensor<3xi16>) -> tensor<3xi16>
  %1 = tcc.sub %b, %b : (tensor<3xi16>, tensor<3xi16>) -> tensor<3xi16>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<3xi8>, tensor<3xi16>
}

// CHECK-LABEL: func.func @logical
// CHECK-SAME: (%[[A:.+]]: tensor<4xi1>, %[[B:.+]]: tensor<2x4xi1>)
func.func @logical(%a: tensor<4xi1>, %b: tensor<2x4xi1>) -> tensor<2x4xi1> {
  // CHECK: %[[AND:.+]] = tcc.and %[[A]], %[[B]] : (tensor<4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  %0 = tcc.and %a, %b : (tensor<4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  // CHECK: %[[OR:.+]] = tcc.or %[[AND]], %[[A]] : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  %1 = tcc.or %0, %a : (tensor<2x4xi1>, tensor<4xi1>) -> tensor<2x4xi1>
  // CHECK: %[[XOR:.+]] = tcc.xor %[[OR]], %[[B]] : (tensor<2x4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  %2 = tcc.xor %1, %b : (tensor<2x4xi1>, tensor<2x4xi1>) -> tensor<2x4xi1>
  // CHECK: %[[NOT:.+]] = tcc.not %[[XOR]] : tensor<2x4xi1>
  %3 = tcc.not %2 : tensor<2x4xi1>
  // CHECK: return %[[NOT]]
  return %3 : tensor<2x4xi1>
}

//===----------------------------------------------------------------------===//
// Comparisons and select
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @compare_f32
// CHECK-SAME: (%[[A:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xf32>)
func.func @compare_f32(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  // CHECK: %[[EQ:.+]] = tcc.equal %[[A]], %[[B]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %0 = tcc.equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  // CHECK: %[[LT:.+]] = tcc.less %[[A]], %[[B]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %1 = tcc.less %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  // CHECK: %[[LE:.+]] = tcc.less_equal %[[A]], %[[B]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %2 = tcc.less_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  // CHECK: %[[GT:.+]] = tcc.greater %[[A]], %[[B]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %3 = tcc.greater %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  // CHECK: %[[GE:.+]] = tcc.greater_equal %[[A]], %[[B]] : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  %4 = tcc.greater_equal %a, %b : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
  // CHECK: return %[[EQ]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
  return %0, %1, %2, %3, %4 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// CHECK-LABEL: func.func @compare_mixed
// CHECK-SAME: (%[[I:.+]]: tensor<3x1xi64>, %[[J:.+]]: tensor<4xi64>, %[[P:.+]]: tensor<2xi1>, %[[Q:.+]]: tensor<2xi1>, %[[X:.+]]: tensor<f64>)
func.func @compare_mixed(%i: tensor<3x1xi64>, %j: tensor<4xi64>, %p: tensor<2xi1>, %q: tensor<2xi1>, %x: tensor<f64>) -> (tensor<3x4xi1>, tensor<2xi1>, tensor<i1>) {
  // CHECK: %[[R0:.+]] = tcc.less %[[I]], %[[J]] : (tensor<3x1xi64>, tensor<4xi64>) -> tensor<3x4xi1>
  %0 = tcc.less %i, %j : (tensor<3x1xi64>, tensor<4xi64>) -> tensor<3x4xi1>
  // CHECK: %[[R1:.+]] = tcc.greater %[[P]], %[[Q]] : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  %1 = tcc.greater %p, %q : (tensor<2xi1>, tensor<2xi1>) -> tensor<2xi1>
  // CHECK: %[[R2:.+]] = tcc.equal %[[X]], %[[X]] : (tensor<f64>, tensor<f64>) -> tensor<i1>
  %2 = tcc.equal %x, %x : (tensor<f64>, tensor<f64>) -> tensor<i1>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<3x4xi1>, tensor<2xi1>, tensor<i1>
}

// CHECK-LABEL: func.func @select
// CHECK-SAME: (%[[C:.+]]: tensor<2x2xi1>, %[[A:.+]]: tensor<2x2xf32>, %[[B:.+]]: tensor<f32>, %[[I:.+]]: tensor<2xi64>)
func.func @select(%c: tensor<2x2xi1>, %a: tensor<2x2xf32>, %b: tensor<f32>, %i: tensor<2xi64>) -> (tensor<2x2xf32>, tensor<2x2xi64>, tensor<2x2xi1>) {
  // CHECK: %[[R0:.+]] = tcc.select %[[C]], %[[A]], %[[B]] : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  %0 = tcc.select %c, %a, %b : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
  // CHECK: %[[R1:.+]] = tcc.select %[[C]], %[[I]], %[[I]] : (tensor<2x2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  %1 = tcc.select %c, %i, %i : (tensor<2x2xi1>, tensor<2xi64>, tensor<2xi64>) -> tensor<2x2xi64>
  // CHECK: %[[R2:.+]] = tcc.select %[[C]], %[[C]], %[[C]] : (tensor<2x2xi1>, tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  %2 = tcc.select %c, %c, %c : (tensor<2x2xi1>, tensor<2x2xi1>, tensor<2x2xi1>) -> tensor<2x2xi1>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<2x2xf32>, tensor<2x2xi64>, tensor<2x2xi1>
}

//===----------------------------------------------------------------------===//
// Unary ops and convert
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @unary_float
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
func.func @unary_float(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // CHECK: %[[V0:.+]] = tcc.neg %[[X]] : tensor<2x3xf32>
  %0 = tcc.neg %x : tensor<2x3xf32>
  // CHECK: %[[V1:.+]] = tcc.abs %[[V0]] : tensor<2x3xf32>
  %1 = tcc.abs %0 : tensor<2x3xf32>
  // CHECK: %[[V2:.+]] = tcc.sign %[[V1]] : tensor<2x3xf32>
  %2 = tcc.sign %1 : tensor<2x3xf32>
  // CHECK: %[[V3:.+]] = tcc.exp %[[V2]] : tensor<2x3xf32>
  %3 = tcc.exp %2 : tensor<2x3xf32>
  // CHECK: %[[V4:.+]] = tcc.log %[[V3]] : tensor<2x3xf32>
  %4 = tcc.log %3 : tensor<2x3xf32>
  // CHECK: %[[V5:.+]] = tcc.sqrt %[[V4]] : tensor<2x3xf32>
  %5 = tcc.sqrt %4 : tensor<2x3xf32>
  // CHECK: %[[V6:.+]] = tcc.rsqrt %[[V5]] : tensor<2x3xf32>
  %6 = tcc.rsqrt %5 : tensor<2x3xf32>
  // CHECK: %[[V7:.+]] = tcc.reciprocal %[[V6]] : tensor<2x3xf32>
  %7 = tcc.reciprocal %6 : tensor<2x3xf32>
  // CHECK: %[[V8:.+]] = tcc.tanh %[[V7]] : tensor<2x3xf32>
  %8 = tcc.tanh %7 : tensor<2x3xf32>
  // CHECK: %[[V9:.+]] = tcc.erf %[[V8]] : tensor<2x3xf32>
  %9 = tcc.erf %8 : tensor<2x3xf32>
  // CHECK: %[[V10:.+]] = tcc.sigmoid %[[V9]] : tensor<2x3xf32>
  %10 = tcc.sigmoid %9 : tensor<2x3xf32>
  // CHECK: %[[V11:.+]] = tcc.sin %[[V10]] : tensor<2x3xf32>
  %11 = tcc.sin %10 : tensor<2x3xf32>
  // CHECK: %[[V12:.+]] = tcc.cos %[[V11]] : tensor<2x3xf32>
  %12 = tcc.cos %11 : tensor<2x3xf32>
  // CHECK: %[[V13:.+]] = tcc.floor %[[V12]] : tensor<2x3xf32>
  %13 = tcc.floor %12 : tensor<2x3xf32>
  // CHECK: %[[V14:.+]] = tcc.ceil %[[V13]] : tensor<2x3xf32>
  %14 = tcc.ceil %13 : tensor<2x3xf32>
  // CHECK: return %[[V14]]
  return %14 : tensor<2x3xf32>
}

// CHECK-LABEL: func.func @unary_f64
// CHECK-SAME: (%[[X:.+]]: tensor<f64>)
func.func @unary_f64(%x: tensor<f64>) -> tensor<f64> {
  // CHECK: %[[V0:.+]] = tcc.exp %[[X]] : tensor<f64>
  %0 = tcc.exp %x : tensor<f64>
  // CHECK: %[[V1:.+]] = tcc.sigmoid %[[V0]] : tensor<f64>
  %1 = tcc.sigmoid %0 : tensor<f64>
  // CHECK: return %[[V1]]
  return %1 : tensor<f64>
}

// CHECK-LABEL: func.func @unary_int
// CHECK-SAME: (%[[X:.+]]: tensor<7xi64>, %[[Y:.+]]: tensor<7xi32>)
func.func @unary_int(%x: tensor<7xi64>, %y: tensor<7xi32>) -> (tensor<7xi64>, tensor<7xi32>) {
  // CHECK: %[[V0:.+]] = tcc.neg %[[X]] : tensor<7xi64>
  %0 = tcc.neg %x : tensor<7xi64>
  // CHECK: %[[V1:.+]] = tcc.abs %[[V0]] : tensor<7xi64>
  %1 = tcc.abs %0 : tensor<7xi64>
  // CHECK: %[[V2:.+]] = tcc.sign %[[Y]] : tensor<7xi32>
  %2 = tcc.sign %y : tensor<7xi32>
  // CHECK: return %[[V1]], %[[V2]]
  return %1, %2 : tensor<7xi64>, tensor<7xi32>
}

// CHECK-LABEL: func.func @convert
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>, %[[B:.+]]: tensor<4xi1>)
func.func @convert(%x: tensor<4xf32>, %b: tensor<4xi1>) -> (tensor<4xi64>, tensor<4xf64>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>) {
  // CHECK: %[[V0:.+]] = tcc.convert %[[X]] : tensor<4xf32> to tensor<4xi64>
  %0 = tcc.convert %x : tensor<4xf32> to tensor<4xi64>
  // CHECK: %[[V1:.+]] = tcc.convert %[[V0]] : tensor<4xi64> to tensor<4xf64>
  %1 = tcc.convert %0 : tensor<4xi64> to tensor<4xf64>
  // CHECK: %[[V2:.+]] = tcc.convert %[[V1]] : tensor<4xf64> to tensor<4xi1>
  %2 = tcc.convert %1 : tensor<4xf64> to tensor<4xi1>
  // CHECK: %[[V3:.+]] = tcc.convert %[[B]] : tensor<4xi1> to tensor<4xi32>
  %3 = tcc.convert %b : tensor<4xi1> to tensor<4xi32>
  // CHECK: %[[V4:.+]] = tcc.convert %[[X]] : tensor<4xf32> to tensor<4xf32>
  %4 = tcc.convert %x : tensor<4xf32> to tensor<4xf32>
  // CHECK: return %[[V0]], %[[V1]], %[[V2]], %[[V3]], %[[V4]]
  return %0, %1, %2, %3, %4 : tensor<4xi64>, tensor<4xf64>, tensor<4xi1>, tensor<4xi32>, tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.+]]: tensor<8x4x16xf32>, %[[B:.+]]: tensor<16x32xf32>, %[[C:.+]]: tensor<2x3xi64>, %[[D:.+]]: tensor<5x3x4xi64>)
func.func @matmul(%a: tensor<8x4x16xf32>, %b: tensor<16x32xf32>, %c: tensor<2x3xi64>, %d: tensor<5x3x4xi64>) -> (tensor<8x4x32xf32>, tensor<5x2x4xi64>) {
  // CHECK: %[[R0:.+]] = tcc.matmul %[[A]], %[[B]] : (tensor<8x4x16xf32>, tensor<16x32xf32>) -> tensor<8x4x32xf32>
  %0 = tcc.matmul %a, %b : (tensor<8x4x16xf32>, tensor<16x32xf32>) -> tensor<8x4x32xf32>
  // CHECK: %[[R1:.+]] = tcc.matmul %[[C]], %[[D]] : (tensor<2x3xi64>, tensor<5x3x4xi64>) -> tensor<5x2x4xi64>
  %1 = tcc.matmul %c, %d : (tensor<2x3xi64>, tensor<5x3x4xi64>) -> tensor<5x2x4xi64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<8x4x32xf32>, tensor<5x2x4xi64>
}

// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK-SAME: (%[[A:.+]]: tensor<2x1x3x4xf64>, %[[B:.+]]: tensor<5x4x6xf64>)
func.func @matmul_batch_broadcast(%a: tensor<2x1x3x4xf64>, %b: tensor<5x4x6xf64>) -> tensor<2x5x3x6xf64> {
  // CHECK: tcc.matmul %[[A]], %[[B]] : (tensor<2x1x3x4xf64>, tensor<5x4x6xf64>) -> tensor<2x5x3x6xf64>
  %0 = tcc.matmul %a, %b : (tensor<2x1x3x4xf64>, tensor<5x4x6xf64>) -> tensor<2x5x3x6xf64>
  return %0 : tensor<2x5x3x6xf64>
}

// CHECK-LABEL: func.func @einsum
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<3x4xf32>, %[[C:.+]]: tensor<3x3xf32>, %[[D:.+]]: tensor<2x5x3xi32>)
func.func @einsum(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<3x3xf32>, %d: tensor<2x5x3xi32>) -> (tensor<2x4xf32>, tensor<3xf32>, tensor<f32>, tensor<3x2xi32>) {
  // CHECK: %[[R0:.+]] = tcc.einsum "ij,jk->ik" %[[A]], %[[B]] : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %0 = tcc.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  // CHECK: %[[R1:.+]] = tcc.einsum "ii->i" %[[C]] : (tensor<3x3xf32>) -> tensor<3xf32>
  %1 = tcc.einsum "ii->i" %c : (tensor<3x3xf32>) -> tensor<3xf32>
  // CHECK: %[[R2:.+]] = tcc.einsum "ij,ij->" %[[A]], %[[A]] : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<f32>
  %2 = tcc.einsum "ij,ij->" %a, %a : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<f32>
  // CHECK: %[[R3:.+]] = tcc.einsum "bij->jb" %[[D]] : (tensor<2x5x3xi32>) -> tensor<3x2xi32>
  %3 = tcc.einsum "bij->jb" %d : (tensor<2x5x3xi32>) -> tensor<3x2xi32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]]
  return %0, %1, %2, %3 : tensor<2x4xf32>, tensor<3xf32>, tensor<f32>, tensor<3x2xi32>
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @conv2d
// CHECK-SAME: (%[[X:.+]]: tensor<8x1x28x28xf32>, %[[W:.+]]: tensor<32x1x3x3xf32>)
func.func @conv2d(%x: tensor<8x1x28x28xf32>, %w: tensor<32x1x3x3xf32>) -> tensor<8x32x28x28xf32> {
  // CHECK: %[[R:.+]] = tcc.conv %[[X]], %[[W]]
  // CHECK-SAME: dilations = array<i64: 1, 1>
  // CHECK-SAME: groups = 1 : i64
  // CHECK-SAME: padding = array<i64: 1, 1, 1, 1>
  // CHECK-SAME: strides = array<i64: 1, 1>
  // CHECK-SAME: : (tensor<8x1x28x28xf32>, tensor<32x1x3x3xf32>) -> tensor<8x32x28x28xf32>
  %0 = tcc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                        padding = array<i64: 1, 1, 1, 1>, groups = 1 : i64}
      : (tensor<8x1x28x28xf32>, tensor<32x1x3x3xf32>) -> tensor<8x32x28x28xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<8x32x28x28xf32>
}

// CHECK-LABEL: func.func @conv1d_grouped_strided
// CHECK-SAME: (%[[X:.+]]: tensor<2x4x10xf64>, %[[W:.+]]: tensor<6x2x3xf64>)
func.func @conv1d_grouped_strided(%x: tensor<2x4x10xf64>, %w: tensor<6x2x3xf64>) -> tensor<2x6x3xf64> {
  // CHECK: tcc.conv %[[X]], %[[W]]
  // CHECK-SAME: dilations = array<i64: 2>
  // CHECK-SAME: groups = 2 : i64
  // CHECK-SAME: padding = array<i64: 1, 0>
  // CHECK-SAME: strides = array<i64: 3>
  // CHECK-SAME: : (tensor<2x4x10xf64>, tensor<6x2x3xf64>) -> tensor<2x6x3xf64>
  %0 = tcc.conv %x, %w {strides = array<i64: 3>, dilations = array<i64: 2>,
                        padding = array<i64: 1, 0>, groups = 2 : i64}
      : (tensor<2x4x10xf64>, tensor<6x2x3xf64>) -> tensor<2x6x3xf64>
  return %0 : tensor<2x6x3xf64>
}

// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<1x1x3x3xf32>, %[[W:.+]]: tensor<1x2x3x3xf32>)
func.func @conv_transpose(%x: tensor<1x1x3x3xf32>, %w: tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32> {
  // CHECK: %[[R:.+]] = tcc.conv_transpose %[[X]], %[[W]]
  // CHECK-SAME: dilations = array<i64: 1, 1>
  // CHECK-SAME: groups = 1 : i64
  // CHECK-SAME: output_padding = array<i64: 0, 0>
  // CHECK-SAME: padding = array<i64: 0, 0, 0, 0>
  // CHECK-SAME: strides = array<i64: 2, 2>
  // CHECK-SAME: : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                                  padding = array<i64: 0, 0, 0, 0>,
                                  output_padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32>
  // CHECK: return %[[R]]
  return %0 : tensor<1x2x7x7xf32>
}

// CHECK-LABEL: func.func @conv_transpose_grouped
// CHECK-SAME: (%[[X:.+]]: tensor<1x4x5xf64>, %[[W:.+]]: tensor<4x3x2xf64>)
func.func @conv_transpose_grouped(%x: tensor<1x4x5xf64>, %w: tensor<4x3x2xf64>) -> tensor<1x6x10xf64> {
  // CHECK: tcc.conv_transpose %[[X]], %[[W]]
  // CHECK-SAME: groups = 2 : i64
  // CHECK-SAME: output_padding = array<i64: 1>
  // CHECK-SAME: padding = array<i64: 1, 0>
  // CHECK-SAME: : (tensor<1x4x5xf64>, tensor<4x3x2xf64>) -> tensor<1x6x10xf64>
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>,
                                  padding = array<i64: 1, 0>,
                                  output_padding = array<i64: 1>, groups = 2 : i64}
      : (tensor<1x4x5xf64>, tensor<4x3x2xf64>) -> tensor<1x6x10xf64>
  return %0 : tensor<1x6x10xf64>
}

// CHECK-LABEL: func.func @max_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x8x8xf32>, %[[I:.+]]: tensor<2x2x8xi64>)
func.func @max_pool(%x: tensor<1x3x8x8xf32>, %i: tensor<2x2x8xi64>) -> (tensor<1x3x4x4xf32>, tensor<2x2x4xi64>) {
  // CHECK: %[[R0:.+]] = tcc.max_pool %[[X]]
  // CHECK-SAME: ceil_mode = false
  // CHECK-SAME: dilations = array<i64: 1, 1>
  // CHECK-SAME: kernel = array<i64: 2, 2>
  // CHECK-SAME: padding = array<i64: 0, 0, 0, 0>
  // CHECK-SAME: strides = array<i64: 2, 2>
  // CHECK-SAME: : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  %0 = tcc.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
                        dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>,
                        ceil_mode = false}
      : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xf32>
  // ceil_mode rounds (8 - 3) / 2 + 1 = 3.5 up to 4.
  // CHECK: %[[R1:.+]] = tcc.max_pool %[[I]]
  // CHECK-SAME: ceil_mode = true
  // CHECK-SAME: : (tensor<2x2x8xi64>) -> tensor<2x2x4xi64>
  %1 = tcc.max_pool %i {kernel = array<i64: 3>, strides = array<i64: 2>,
                        dilations = array<i64: 1>, padding = array<i64: 0, 0>,
                        ceil_mode = true}
      : (tensor<2x2x8xi64>) -> tensor<2x2x4xi64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<1x3x4x4xf32>, tensor<2x2x4xi64>
}

// CHECK-LABEL: func.func @avg_pool
// CHECK-SAME: (%[[X:.+]]: tensor<1x3x5x5xf64>)
func.func @avg_pool(%x: tensor<1x3x5x5xf64>) -> tensor<1x3x3x3xf64> {
  // CHECK: %[[R:.+]] = tcc.avg_pool %[[X]]
  // CHECK-SAME: ceil_mode = true
  // CHECK-SAME: count_include_pad = false
  // CHECK-SAME: dilations = array<i64: 1, 1>
  // CHECK-SAME: kernel = array<i64: 3, 3>
  // CHECK-SAME: padding = array<i64: 1, 1, 0, 0>
  // CHECK-SAME: strides = array<i64: 2, 2>
  // CHECK-SAME: : (tensor<1x3x5x5xf64>) -> tensor<1x3x3x3xf64>
  %0 = tcc.avg_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                        dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 0, 0>,
                        ceil_mode = true, count_include_pad = false}
      : (tensor<1x3x5x5xf64>) -> tensor<1x3x3x3xf64>
  // CHECK: return %[[R]]
  return %0 : tensor<1x3x3x3xf64>
}

//===----------------------------------------------------------------------===//
// Reductions, scans and randomness
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reduce
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>, %[[Y:.+]]: tensor<2x3x4xi64>, %[[Z:.+]]: tensor<6xi32>)
func.func @reduce(%x: tensor<4x8xf32>, %y: tensor<2x3x4xi64>, %z: tensor<6xi32>) -> (tensor<4x1xf32>, tensor<3xi64>, tensor<1x1x1xi64>, tensor<i32>, tensor<4x8xf32>) {
  // CHECK: %[[R0:.+]] = tcc.reduce_sum %[[X]] {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  %0 = tcc.reduce_sum %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  // CHECK: %[[R1:.+]] = tcc.reduce_prod %[[Y]] {axes = array<i64: 0, 2>, keep_dims = false} : (tensor<2x3x4xi64>) -> tensor<3xi64>
  %1 = tcc.reduce_prod %y {axes = array<i64: 0, 2>, keep_dims = false} : (tensor<2x3x4xi64>) -> tensor<3xi64>
  // CHECK: %[[R2:.+]] = tcc.reduce_max %[[Y]] {axes = array<i64: 0, 1, 2>, keep_dims = true} : (tensor<2x3x4xi64>) -> tensor<1x1x1xi64>
  %2 = tcc.reduce_max %y {axes = array<i64: 0, 1, 2>, keep_dims = true} : (tensor<2x3x4xi64>) -> tensor<1x1x1xi64>
  // CHECK: %[[R3:.+]] = tcc.reduce_min %[[Z]] {axes = array<i64: 0>, keep_dims = false} : (tensor<6xi32>) -> tensor<i32>
  %3 = tcc.reduce_min %z {axes = array<i64: 0>, keep_dims = false} : (tensor<6xi32>) -> tensor<i32>
  // CHECK: %[[R4:.+]] = tcc.reduce_sum %[[X]] {axes = array<i64>, keep_dims = false} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = tcc.reduce_sum %x {axes = array<i64>, keep_dims = false} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]], %[[R3]], %[[R4]]
  return %0, %1, %2, %3, %4 : tensor<4x1xf32>, tensor<3xi64>, tensor<1x1x1xi64>, tensor<i32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @reduce_f64
// CHECK-SAME: (%[[X:.+]]: tensor<3x5xf64>)
func.func @reduce_f64(%x: tensor<3x5xf64>) -> tensor<5xf64> {
  // CHECK: tcc.reduce_max %[[X]] {axes = array<i64: 0>, keep_dims = false} : (tensor<3x5xf64>) -> tensor<5xf64>
  %0 = tcc.reduce_max %x {axes = array<i64: 0>, keep_dims = false} : (tensor<3x5xf64>) -> tensor<5xf64>
  return %0 : tensor<5xf64>
}

// CHECK-LABEL: func.func @arg_reduce
// CHECK-SAME: (%[[X:.+]]: tensor<4x10xf32>, %[[Y:.+]]: tensor<3x2xi32>)
func.func @arg_reduce(%x: tensor<4x10xf32>, %y: tensor<3x2xi32>) -> (tensor<4xi64>, tensor<1x2xi64>) {
  // CHECK: %[[R0:.+]] = tcc.argmax %[[X]] {axis = 1 : i64, keep_dims = false, select_last_index = false} : (tensor<4x10xf32>) -> tensor<4xi64>
  %0 = tcc.argmax %x {axis = 1 : i64, keep_dims = false, select_last_index = false} : (tensor<4x10xf32>) -> tensor<4xi64>
  // CHECK: %[[R1:.+]] = tcc.argmin %[[Y]] {axis = 0 : i64, keep_dims = true, select_last_index = true} : (tensor<3x2xi32>) -> tensor<1x2xi64>
  %1 = tcc.argmin %y {axis = 0 : i64, keep_dims = true, select_last_index = true} : (tensor<3x2xi32>) -> tensor<1x2xi64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<4xi64>, tensor<1x2xi64>
}

// CHECK-LABEL: func.func @cumsum
// CHECK-SAME: (%[[X:.+]]: tensor<5xf64>, %[[Y:.+]]: tensor<2x3xi64>)
func.func @cumsum(%x: tensor<5xf64>, %y: tensor<2x3xi64>) -> (tensor<5xf64>, tensor<2x3xi64>) {
  // CHECK: %[[R0:.+]] = tcc.cumsum %[[X]] {axis = 0 : i64, exclusive = false, reverse = false} : tensor<5xf64>
  %0 = tcc.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false} : tensor<5xf64>
  // CHECK: %[[R1:.+]] = tcc.cumsum %[[Y]] {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xi64>
  %1 = tcc.cumsum %y {axis = 1 : i64, exclusive = true, reverse = true} : tensor<2x3xi64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<5xf64>, tensor<2x3xi64>
}

// CHECK-LABEL: func.func @random_uniform
// CHECK-SAME: (%[[SEED:.+]]: tensor<i64>)
func.func @random_uniform(%seed: tensor<i64>) -> (tensor<8x16xf32>, tensor<3xf64>) {
  // CHECK: %[[R0:.+]] = tcc.random_uniform %[[SEED]] : (tensor<i64>) -> tensor<8x16xf32>
  %0 = tcc.random_uniform %seed : (tensor<i64>) -> tensor<8x16xf32>
  // CHECK: %[[R1:.+]] = tcc.random_uniform %[[SEED]] : (tensor<i64>) -> tensor<3xf64>
  %1 = tcc.random_uniform %seed : (tensor<i64>) -> tensor<3xf64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<8x16xf32>, tensor<3xf64>
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>, %[[B:.+]]: tensor<1xi1>)
func.func @reshape(%x: tensor<2x3x4xf32>, %b: tensor<1xi1>) -> (tensor<6x4xf32>, tensor<i1>, tensor<0xf32>) {
  // CHECK: %[[R0:.+]] = tcc.reshape %[[X]] : tensor<2x3x4xf32> to tensor<6x4xf32>
  %0 = tcc.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  // CHECK: %[[R1:.+]] = tcc.reshape %[[B]] : tensor<1xi1> to tensor<i1>
  %1 = tcc.reshape %b : tensor<1xi1> to tensor<i1>
  // CHECK: %[[E:.+]] = tcc.slice %[[X]]
  %e = tcc.slice %x {starts = array<i64: 0, 0, 0>, steps = array<i64: 1, 1, 1>} : tensor<2x3x4xf32> to tensor<0x3x4xf32>
  // CHECK: %[[R2:.+]] = tcc.reshape %[[E]] : tensor<0x3x4xf32> to tensor<0xf32>
  %2 = tcc.reshape %e : tensor<0x3x4xf32> to tensor<0xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<6x4xf32>, tensor<i1>, tensor<0xf32>
}

// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<2x3x4xi64>)
func.func @transpose(%x: tensor<2x3xf32>, %y: tensor<2x3x4xi64>) -> (tensor<3x2xf32>, tensor<4x2x3xi64>) {
  // CHECK: %[[R0:.+]] = tcc.transpose %[[X]] {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %0 = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  // CHECK: %[[R1:.+]] = tcc.transpose %[[Y]] {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xi64>) -> tensor<4x2x3xi64>
  %1 = tcc.transpose %y {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xi64>) -> tensor<4x2x3xi64>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<3x2xf32>, tensor<4x2x3xi64>
}

// CHECK-LABEL: func.func @broadcast_to
// CHECK-SAME: (%[[X:.+]]: tensor<3x1xf32>, %[[S:.+]]: tensor<i1>)
func.func @broadcast_to(%x: tensor<3x1xf32>, %s: tensor<i1>) -> (tensor<2x3x4xf32>, tensor<2x2xi1>) {
  // CHECK: %[[R0:.+]] = tcc.broadcast_to %[[X]] : tensor<3x1xf32> to tensor<2x3x4xf32>
  %0 = tcc.broadcast_to %x : tensor<3x1xf32> to tensor<2x3x4xf32>
  // CHECK: %[[R1:.+]] = tcc.broadcast_to %[[S]] : tensor<i1> to tensor<2x2xi1>
  %1 = tcc.broadcast_to %s : tensor<i1> to tensor<2x2xi1>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<2x3x4xf32>, tensor<2x2xi1>
}

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.+]]: tensor<2x3xf32>, %[[B:.+]]: tensor<2x5xf32>, %[[C:.+]]: tensor<1xi64>, %[[D:.+]]: tensor<4xi64>)
func.func @concat(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>, %c: tensor<1xi64>, %d: tensor<4xi64>) -> (tensor<2x8xf32>, tensor<6xi64>, tensor<4x3xf32>) {
  // CHECK: %[[R0:.+]] = tcc.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %0 = tcc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  // CHECK: %[[R1:.+]] = tcc.concat %[[C]], %[[D]], %[[C]] {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>, tensor<1xi64>) -> tensor<6xi64>
  %1 = tcc.concat %c, %d, %c {axis = 0 : i64} : (tensor<1xi64>, tensor<4xi64>, tensor<1xi64>) -> tensor<6xi64>
  // CHECK: %[[R2:.+]] = tcc.concat %[[A]], %[[A]] {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  %2 = tcc.concat %a, %a {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<2x8xf32>, tensor<6xi64>, tensor<4x3xf32>
}

// CHECK-LABEL: func.func @slice
// CHECK-SAME: (%[[X:.+]]: tensor<4x10xf32>, %[[Y:.+]]: tensor<5xi32>)
func.func @slice(%x: tensor<4x10xf32>, %y: tensor<5xi32>) -> (tensor<2x10xf32>, tensor<2xi32>, tensor<4x10xf32>) {
  // CHECK: %[[R0:.+]] = tcc.slice %[[X]] {starts = array<i64: 0, 9>, steps = array<i64: 2, -1>} : tensor<4x10xf32> to tensor<2x10xf32>
  %0 = tcc.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 2, -1>} : tensor<4x10xf32> to tensor<2x10xf32>
  // CHECK: %[[R1:.+]] = tcc.slice %[[Y]] {starts = array<i64: 1>, steps = array<i64: 3>} : tensor<5xi32> to tensor<2xi32>
  %1 = tcc.slice %y {starts = array<i64: 1>, steps = array<i64: 3>} : tensor<5xi32> to tensor<2xi32>
  // CHECK: %[[R2:.+]] = tcc.slice %[[X]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x10xf32> to tensor<4x10xf32>
  %2 = tcc.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x10xf32> to tensor<4x10xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<2x10xf32>, tensor<2xi32>, tensor<4x10xf32>
}

// CHECK-LABEL: func.func @gather
// CHECK-SAME: (%[[T:.+]]: tensor<256x128xf32>, %[[IDS:.+]]: tensor<16x64xi64>, %[[X:.+]]: tensor<3x4x5xi64>, %[[I:.+]]: tensor<2xi32>, %[[S:.+]]: tensor<i64>)
func.func @gather(%t: tensor<256x128xf32>, %ids: tensor<16x64xi64>, %x: tensor<3x4x5xi64>, %i: tensor<2xi32>, %s: tensor<i64>) -> (tensor<16x64x128xf32>, tensor<3x2x5xi64>, tensor<256xf32>) {
  // CHECK: %[[R0:.+]] = tcc.gather %[[T]], %[[IDS]] {axis = 0 : i64} : (tensor<256x128xf32>, tensor<16x64xi64>) -> tensor<16x64x128xf32>
  %0 = tcc.gather %t, %ids {axis = 0 : i64} : (tensor<256x128xf32>, tensor<16x64xi64>) -> tensor<16x64x128xf32>
  // CHECK: %[[R1:.+]] = tcc.gather %[[X]], %[[I]] {axis = 1 : i64} : (tensor<3x4x5xi64>, tensor<2xi32>) -> tensor<3x2x5xi64>
  %1 = tcc.gather %x, %i {axis = 1 : i64} : (tensor<3x4x5xi64>, tensor<2xi32>) -> tensor<3x2x5xi64>
  // CHECK: %[[R2:.+]] = tcc.gather %[[T]], %[[S]] {axis = 1 : i64} : (tensor<256x128xf32>, tensor<i64>) -> tensor<256xf32>
  %2 = tcc.gather %t, %s {axis = 1 : i64} : (tensor<256x128xf32>, tensor<i64>) -> tensor<256xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<16x64x128xf32>, tensor<3x2x5xi64>, tensor<256xf32>
}

// CHECK-LABEL: func.func @gather_elements
// CHECK-SAME: (%[[X:.+]]: tensor<3x3xf32>, %[[I:.+]]: tensor<3x2xi64>, %[[Y:.+]]: tensor<4x2xi1>, %[[J:.+]]: tensor<5x2xi32>)
func.func @gather_elements(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>, %y: tensor<4x2xi1>, %j: tensor<5x2xi32>) -> (tensor<3x2xf32>, tensor<5x2xi1>) {
  // CHECK: %[[R0:.+]] = tcc.gather_elements %[[X]], %[[I]] {axis = 1 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  %0 = tcc.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  // CHECK: %[[R1:.+]] = tcc.gather_elements %[[Y]], %[[J]] {axis = 0 : i64} : (tensor<4x2xi1>, tensor<5x2xi32>) -> tensor<5x2xi1>
  %1 = tcc.gather_elements %y, %j {axis = 0 : i64} : (tensor<4x2xi1>, tensor<5x2xi32>) -> tensor<5x2xi1>
  // CHECK: return %[[R0]], %[[R1]]
  return %0, %1 : tensor<3x2xf32>, tensor<5x2xi1>
}

// CHECK-LABEL: func.func @pad
// CHECK-SAME: (%[[X:.+]]: tensor<2x2xf32>, %[[Z:.+]]: tensor<f32>, %[[Y:.+]]: tensor<3xi64>, %[[V:.+]]: tensor<i64>)
func.func @pad(%x: tensor<2x2xf32>, %z: tensor<f32>, %y: tensor<3xi64>, %v: tensor<i64>) -> (tensor<2x4xf32>, tensor<6xi64>, tensor<4x5xf32>) {
  // CHECK: %[[R0:.+]] = tcc.pad %[[X]], %[[Z]] {mode = "constant", padding = array<i64: 0, 1, 0, 1>} : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x4xf32>
  %0 = tcc.pad %x, %z {mode = "constant", padding = array<i64: 0, 1, 0, 1>} : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x4xf32>
  // CHECK: %[[R1:.+]] = tcc.pad %[[Y]], %[[V]] {mode = "reflect", padding = array<i64: 2, 1>} : (tensor<3xi64>, tensor<i64>) -> tensor<6xi64>
  %1 = tcc.pad %y, %v {mode = "reflect", padding = array<i64: 2, 1>} : (tensor<3xi64>, tensor<i64>) -> tensor<6xi64>
  // CHECK: %[[R2:.+]] = tcc.pad %[[X]], %[[Z]] {mode = "edge", padding = array<i64: 1, 0, 1, 3>} : (tensor<2x2xf32>, tensor<f32>) -> tensor<4x5xf32>
  %2 = tcc.pad %x, %z {mode = "edge", padding = array<i64: 1, 0, 1, 3>} : (tensor<2x2xf32>, tensor<f32>) -> tensor<4x5xf32>
  // CHECK: return %[[R0]], %[[R1]], %[[R2]]
  return %0, %1, %2 : tensor<2x4xf32>, tensor<6xi64>, tensor<4x5xf32>
}
