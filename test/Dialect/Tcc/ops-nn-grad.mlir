// RUN: tcc-opt %s | tcc-opt | FileCheck %s

// Round trip of the ops that the pooling and convolution VJPs introduce.

// CHECK-LABEL: func.func @max_pool_indices
// CHECK: tcc.max_pool_indices %{{.*}} {ceil_mode = true, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x6x6xf32>) -> tensor<1x3x4x4xi64>
func.func @max_pool_indices(%x: tensor<1x3x6x6xf32>) -> tensor<1x3x4x4xi64> {
  %i = tcc.max_pool_indices %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = true}
      : (tensor<1x3x6x6xf32>) -> tensor<1x3x4x4xi64>
  return %i : tensor<1x3x4x4xi64>
}

// CHECK-LABEL: func.func @max_pool_indices_int
// CHECK: tcc.max_pool_indices %{{.*}} : (tensor<2x2x9xi32>) -> tensor<2x2x4xi64>
func.func @max_pool_indices_int(%x: tensor<2x2x9xi32>) -> tensor<2x2x4xi64> {
  %i = tcc.max_pool_indices %x {kernel = array<i64: 3>, strides = array<i64: 2>,
      dilations = array<i64: 1>, padding = array<i64: 0, 0>, ceil_mode = false}
      : (tensor<2x2x9xi32>) -> tensor<2x2x4xi64>
  return %i : tensor<2x2x4xi64>
}

// CHECK-LABEL: func.func @max_pool_grad
// CHECK: tcc.max_pool_grad %{{.*}}, %{{.*}} {ceil_mode = false, dilations = array<i64: 1>, kernel = array<i64: 3>, padding = array<i64: 1, 1>, strides = array<i64: 2>} : (tensor<2x4x5xf64>, tensor<2x4x5xi64>) -> tensor<2x4x10xf64>
func.func @max_pool_grad(%g: tensor<2x4x5xf64>, %i: tensor<2x4x5xi64>) -> tensor<2x4x10xf64> {
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 3>, strides = array<i64: 2>,
      dilations = array<i64: 1>, padding = array<i64: 1, 1>, ceil_mode = false}
      : (tensor<2x4x5xf64>, tensor<2x4x5xi64>) -> tensor<2x4x10xf64>
  return %dx : tensor<2x4x10xf64>
}

// The weight gradient of conv (its VJP), grouped, with a grad shorter than
// the convolution's output (as conv_transpose's VJP produces).
// CHECK-LABEL: func.func @conv_weight_grad
// CHECK: tcc.conv_weight_grad %{{.*}}, %{{.*}} {dilations = array<i64: 1, 1>, groups = 2 : i64, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<2x4x7x7xf32>, tensor<2x6x3x4xf32>) -> tensor<6x2x3x3xf32>
func.func @conv_weight_grad(%x: tensor<2x4x7x7xf32>, %dy: tensor<2x6x3x4xf32>) -> tensor<6x2x3x3xf32> {
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64}
      : (tensor<2x4x7x7xf32>, tensor<2x6x3x4xf32>) -> tensor<6x2x3x3xf32>
  return %dw : tensor<6x2x3x3xf32>
}
