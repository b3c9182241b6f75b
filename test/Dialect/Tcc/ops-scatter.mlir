// RUN: tcc-opt %s | tcc-opt | FileCheck %s
// RUN: tcc-opt %s --mlir-print-op-generic | tcc-opt | FileCheck %s

// Round trip of tcc.scatter_add through the custom and the generic form.

// CHECK-LABEL: func.func @scatter_add
// CHECK-SAME: (%[[X:.+]]: tensor<3x5xf32>, %[[I:.+]]: tensor<3x2xi64>, %[[U:.+]]: tensor<3x2xf32>)
// CHECK: tcc.scatter_add %[[X]], %[[I]], %[[U]] {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
func.func @scatter_add(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// Updates may cover only part of the input off the axis, more than the input
// along it, and be integers indexed by i32.
// CHECK-LABEL: func.func @scatter_add_partial_i32
// CHECK: tcc.scatter_add %{{.+}}, %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<4x5xi64>, tensor<7x3xi32>, tensor<7x3xi64>) -> tensor<4x5xi64>
func.func @scatter_add_partial_i32(%x: tensor<4x5xi64>, %i: tensor<7x3xi32>, %u: tensor<7x3xi64>) -> tensor<4x5xi64> {
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<4x5xi64>, tensor<7x3xi32>, tensor<7x3xi64>) -> tensor<4x5xi64>
  return %r : tensor<4x5xi64>
}
