// RUN: tcc-opt %s --split-input-file --tcc-autodiff="function=f all-args=true" | FileCheck %s

// The form of the VJP rules of the contraction, convolution, pooling,
// reduction and scan ops (TccNNOps.cpp). Their numerical correctness is
// checked against finite differences by python/tcc_tests/gradcheck_cases/nn.py.

// Matmul: dA = dC B^T, dB = A^T dC; a 2-D B shared by the batch gets one
// matmul with the batch joined to A's rows (no batch of products to sum).
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[BT:.*]] = tcc.transpose %arg1 {permutation = array<i64: 1, 0>}
// CHECK: %[[DA:.*]] = tcc.matmul %[[G:.*]], %[[BT]] : (tensor<2x3x5xf32>, tensor<5x4xf32>) -> tensor<2x3x4xf32>
// CHECK: %[[A2:.*]] = tcc.reshape %arg0 : tensor<2x3x4xf32> to tensor<6x4xf32>
// CHECK: %[[G2:.*]] = tcc.reshape %[[G]] : tensor<2x3x5xf32> to tensor<6x5xf32>
// CHECK: %[[AT:.*]] = tcc.transpose %[[A2]] {permutation = array<i64: 1, 0>}
// CHECK: %[[DB:.*]] = tcc.matmul %[[AT]], %[[G2]] : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
// CHECK-NOT: tcc.reduce_sum
// CHECK: return %{{.*}}, %[[DA]], %[[DB]]
func.func @f(%a: tensor<2x3x4xf32>, %b: tensor<4x5xf32>) -> tensor<f32> {
  %r = tcc.matmul %a, %b : (tensor<2x3x4xf32>, tensor<4x5xf32>) -> tensor<2x3x5xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0, 1, 2>, keep_dims = false} : (tensor<2x3x5xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Broadcast batch dims of A (size 1) are summed away from dA; B's batch
// matches the result's, so dB is a batched matmul.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[DA:.*]] = tcc.matmul %{{.*}} : (tensor<3x2x4xf32>, tensor<3x4x5xf32>) -> tensor<3x2x5xf32>
// CHECK: %[[DAS:.*]] = tcc.reduce_sum %[[DA]] {axes = array<i64: 0>, keep_dims = false}
// CHECK: tcc.reshape %[[DAS]] : tensor<2x5xf32> to tensor<1x2x5xf32>
// CHECK: tcc.matmul %{{.*}} : (tensor<1x5x2xf32>, tensor<3x2x4xf32>) -> tensor<3x5x4xf32>
func.func @f(%a: tensor<1x2x5xf32>, %b: tensor<3x5x4xf32>) -> tensor<f32> {
  %r = tcc.matmul %a, %b : (tensor<1x2x5xf32>, tensor<3x5x4xf32>) -> tensor<3x2x4xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0, 1, 2>, keep_dims = false} : (tensor<3x2x4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Conv (grouped, strided with leftover rows): dX is a conv_transpose whose
// output padding restores the input size; dW is a conv_weight_grad of the
// input and dY with the convolution's attributes.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[DX:.*]] = tcc.conv_transpose %[[G:.*]], %arg1 {dilations = array<i64: 1, 1>, groups = 2 : i64, output_padding = array<i64: 2, 2>, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 3>} : (tensor<1x4x2x2xf32>, tensor<4x1x3x3xf32>) -> tensor<1x2x8x8xf32>
// CHECK: %[[DW:.*]] = tcc.conv_weight_grad %arg0, %[[G]] {dilations = array<i64: 1, 1>, groups = 2 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 3, 3>} : (tensor<1x2x8x8xf32>, tensor<1x4x2x2xf32>) -> tensor<4x1x3x3xf32>
// CHECK: return %{{.*}}, %[[DX]], %[[DW]]
func.func @f(%x: tensor<1x2x8x8xf32>, %w: tensor<4x1x3x3xf32>) -> tensor<f32> {
  %r = tcc.conv %x, %w {strides = array<i64: 3, 3>, dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, groups = 2 : i64} : (tensor<1x2x8x8xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x2x2xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0, 1, 2, 3>, keep_dims = false} : (tensor<1x4x2x2xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Max pool: the window maxima's indices route the cotangent.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[I:.*]] = tcc.max_pool_indices %arg0 {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xi64>
// CHECK: %[[DX:.*]] = tcc.max_pool_grad %{{.*}}, %[[I]] {ceil_mode = false, dilations = array<i64: 1, 1>, kernel = array<i64: 3, 3>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x2x3x3xf32>, tensor<1x2x3x3xi64>) -> tensor<1x2x6x6xf32>
// CHECK: return %{{.*}}, %[[DX]]
func.func @f(%x: tensor<1x2x6x6xf32>) -> tensor<f32> {
  %r = tcc.max_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = false} : (tensor<1x2x6x6xf32>) -> tensor<1x2x3x3xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0, 1, 2, 3>, keep_dims = false} : (tensor<1x2x3x3xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Avg pool (padding not counted): dY / count, spread by a depthwise
// conv_transpose with a kernel of ones.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[R:.*]] = arith.constant dense<{{\[\[}}2.500000e-01, 0.166666672, 2.500000e-01], [0.166666672, 0.111111112, 0.166666672], [2.500000e-01, 0.166666672, 2.500000e-01]]> : tensor<3x3xf32>
// CHECK: %[[M:.*]] = tcc.mul %{{.*}}, %[[R]]
// CHECK: %[[ONES:.*]] = arith.constant dense<1.000000e+00> : tensor<2x1x3x3xf32>
// CHECK: %[[DX:.*]] = tcc.conv_transpose %[[M]], %[[ONES]] {dilations = array<i64: 1, 1>, groups = 2 : i64, output_padding = array<i64: 0, 0>, padding = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>}
// CHECK: return %{{.*}}, %[[DX]]
func.func @f(%x: tensor<1x2x5x5xf32>) -> tensor<f32> {
  %r = tcc.avg_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = false, count_include_pad = false} : (tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0, 1, 2, 3>, keep_dims = false} : (tensor<1x2x3x3xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Cumsum: the other direction, same exclusivity. Einsum "ij->": the
// summed-only letters get vectors of ones.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[E:.*]] = tcc.einsum ",i,j->ij" %{{.*}}, %{{.*}}, %{{.*}} : (tensor<f32>, tensor<3xf32>, tensor<4xf32>) -> tensor<3x4xf32>
// CHECK: %[[DX:.*]] = tcc.cumsum %[[E]] {axis = 1 : i64, exclusive = true, reverse = true} : tensor<3x4xf32>
// CHECK: return %{{.*}}, %[[DX]]
func.func @f(%x: tensor<3x4xf32>) -> tensor<f32> {
  %c = tcc.cumsum %x {axis = 1 : i64, exclusive = true, reverse = false} : tensor<3x4xf32>
  %d = tcc.einsum "ij->" %c : (tensor<3x4xf32>) -> tensor<f32>
  return %d : tensor<f32>
}

// -----

// Einsum diagonal: a fresh letter tied by an identity matrix. random_uniform
// (seed only) and argmax (integer result) need no gradient.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[G:.*]] = tcc.einsum ",i->i" %{{.*}}, %0
// CHECK: %[[EYE:.*]] = arith.constant dense<{{\[\[}}1.000000e+00, 0.000000e+00, 0.000000e+00], [0.000000e+00, 1.000000e+00, 0.000000e+00], [0.000000e+00, 0.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[DX:.*]] = tcc.einsum "i,ia->ia" %[[G]], %[[EYE]]
// CHECK: return %{{.*}}, %[[DX]] : tensor<f32>, tensor<3x3xf32>
func.func @f(%x: tensor<3x3xf32>, %seed: tensor<i64>) -> tensor<f32> {
  %u = tcc.random_uniform %seed : (tensor<i64>) -> tensor<3xf32>
  %d = tcc.einsum "ii->i" %x : (tensor<3x3xf32>) -> tensor<3xf32>
  %i = tcc.argmax %d {axis = 0 : i64, keep_dims = false, select_last_index = false} : (tensor<3xf32>) -> tensor<i64>
  %e = tcc.einsum "i,i->" %d, %u : (tensor<3xf32>, tensor<3xf32>) -> tensor<f32>
  return %e : tensor<f32>
}

// -----

// reduce_prod: prod / x, with the zero cases selected; reduce_max: the
// cotangent split evenly among the elements equal to the maximum.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[Z:.*]] = tcc.equal %0, %{{.*}} : (tensor<3xf32>, tensor<f32>) -> tensor<3xi1>
// CHECK: %[[NZ:.*]] = tcc.select %[[Z]], %{{.*}}, %0
// CHECK: tcc.reduce_prod %[[NZ]] {axes = array<i64: 0>, keep_dims = true}
// CHECK: tcc.div %{{.*}}, %[[NZ]]
// CHECK: %[[MAXK:.*]] = tcc.reshape %0 : tensor<3xf32> to tensor<3x1xf32>
// CHECK: %[[EQ:.*]] = tcc.equal %arg0, %[[MAXK]]
// CHECK: %[[MASK:.*]] = tcc.convert %[[EQ]] : tensor<3x4xi1> to tensor<3x4xf32>
// CHECK: %[[CNT:.*]] = tcc.reduce_sum %[[MASK]] {axes = array<i64: 1>, keep_dims = true}
// CHECK: %[[SHARE:.*]] = tcc.div %{{.*}}, %[[CNT]] : (tensor<3x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
// CHECK: %[[DX:.*]] = tcc.mul %[[MASK]], %[[SHARE]]
// CHECK: return %{{.*}}, %[[DX]]
func.func @f(%x: tensor<3x4xf32>) -> tensor<f32> {
  %m = tcc.reduce_max %x {axes = array<i64: 1>, keep_dims = false} : (tensor<3x4xf32>) -> tensor<3xf32>
  %p = tcc.reduce_prod %m {axes = array<i64: 0>, keep_dims = false} : (tensor<3xf32>) -> tensor<f32>
  return %p : tensor<f32>
}
