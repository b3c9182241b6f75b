// RUN: tcc-opt %s --tcc-drop-param-initializers --split-input-file | FileCheck %s

// The initial values of parameters go away with their `tcc.param` references,
// and so do all other `tcc.*` annotations; other attributes stay.

// CHECK-LABEL: module
// CHECK-NOT: ml_program.global
// CHECK-NOT: tcc.param
// CHECK: func.func @forward(%[[W:.+]]: tensor<2xf32>, %[[B:.+]]: tensor<f32>, %[[X:.+]]: tensor<2xf32> {user.note = 0 : i64}) -> tensor<2xf32>
// CHECK-NOT: tcc.input
// CHECK-NOT: tcc.output
// CHECK-NOT: tcc.param
// CHECK: func.func @other(%{{.+}}: tensor<2xf32>)
// CHECK-NOT: ml_program.global
// CHECK-NOT: tcc.param
ml_program.global private @w(dense<[1.0, 2.0]> : tensor<2xf32>) : tensor<2xf32>
ml_program.global private @b(dense<0.5> : tensor<f32>) : tensor<f32>

func.func @forward(%w: tensor<2xf32> {tcc.param = @w}, %b: tensor<f32> {tcc.param = @b},
                   %x: tensor<2xf32> {tcc.input = "x", user.note = 0 : i64})
    -> (tensor<2xf32> {tcc.output = "y"}) {
  %0 = tcc.mul %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %1 = tcc.add %0, %b : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}

// A second function naming the same parameter.
func.func @other(%w: tensor<2xf32> {tcc.param = @w}) -> tensor<2xf32> {
  return %w : tensor<2xf32>
}

// -----

// A global that an op still reads is kept; the argument attribute naming it
// is dropped all the same.

// CHECK-LABEL: module
// CHECK-NOT: ml_program.global private @w
// CHECK: ml_program.global private mutable @step(dense<0> : tensor<i64>) : tensor<i64>
// CHECK-NOT: ml_program.global private @w
// CHECK: func.func @train(%{{.+}}: tensor<2xf32>, %{{.+}}: tensor<i64>) -> tensor<2xf32>
// CHECK: %[[S:.+]] = ml_program.global_load @step : tensor<i64>
// CHECK: ml_program.global_store @step = %[[S]] : tensor<i64>
// CHECK-NOT: tcc.param
ml_program.global private @w(dense<[1.0, 2.0]> : tensor<2xf32>) : tensor<2xf32>
ml_program.global private mutable @step(dense<0> : tensor<i64>) : tensor<i64>

func.func @train(%w: tensor<2xf32> {tcc.param = @w}, %s: tensor<i64> {tcc.param = @step}) -> tensor<2xf32> {
  %0 = ml_program.global_load @step : tensor<i64>
  ml_program.global_store @step = %0 : tensor<i64>
  return %w : tensor<2xf32>
}

// -----

// A module without parameters is left alone.

// CHECK-LABEL: module
// CHECK: func.func @plain(%[[X:.+]]: tensor<3xf32>) -> tensor<3xf32>
// CHECK: %[[R:.+]] = tcc.neg %[[X]] : tensor<3xf32>
// CHECK: return %[[R]]
func.func @plain(%x: tensor<3xf32>) -> tensor<3xf32> {
  %0 = tcc.neg %x : tensor<3xf32>
  return %0 : tensor<3xf32>
}
