// RUN: tcc-opt %s --split-input-file --verify-diagnostics

// Verifier and shape-inference errors of max_pool_indices, max_pool_grad
// and conv_weight_grad.

func.func @indices_wrong_result(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xi64> {
  // expected-error @+2 {{'tcc.max_pool_indices' op inferred type(s) 'tensor<1x1x2x2xi64>' are incompatible with return type(s) of operation 'tensor<1x1x3x3xi64>'}}
  // expected-error @+1 {{'tcc.max_pool_indices' op failed to infer returned types}}
  %i = tcc.max_pool_indices %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xi64>
  return %i : tensor<1x1x3x3xi64>
}

// -----

func.func @indices_kernel_rank(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64> {
  // expected-error @+2 {{expected 2 kernel sizes}}
  // expected-error @+1 {{'tcc.max_pool_indices' op failed to infer returned types}}
  %i = tcc.max_pool_indices %x {kernel = array<i64: 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xi64>
  return %i : tensor<1x1x2x2xi64>
}

// -----

func.func @grad_indices_shape(%g: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x3xi64>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'tcc.max_pool_grad' op grad 'tensor<1x1x2x2xf32>' and indices 'tensor<1x1x2x3xi64>' must have the same shape}}
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x3xi64>) -> tensor<1x1x4x4xf32>
  return %dx : tensor<1x1x4x4xf32>
}

// -----

func.func @grad_element_type(%g: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf64> {
  // expected-error @+1 {{'tcc.max_pool_grad' op result element type 'f64' differs from the grad's 'f32'}}
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf64>
  return %dx : tensor<1x1x4x4xf64>
}

// -----

func.func @grad_result_shape(%g: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x6x6xf32> {
  // expected-error @+1 {{'tcc.max_pool_grad' op pooling the result type 'tensor<1x1x6x6xf32>' gives 'tensor<1x1x3x3xf32>', not the grad's shape}}
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x6x6xf32>
  return %dx : tensor<1x1x6x6xf32>
}

// -----

func.func @grad_window_too_big(%g: tensor<1x1x2x2xf32>, %i: tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{padding must be smaller than the window}}
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 2, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x2x2xf32>, tensor<1x1x2x2xi64>) -> tensor<1x1x4x4xf32>
  return %dx : tensor<1x1x4x4xf32>
}

// -----

func.func @conv_weight_grad_channels(%x: tensor<1x4x5x5xf32>, %dy: tensor<1x6x3x3xf32>) -> tensor<6x4x3x3xf32> {
  // expected-error @+1 {{'tcc.conv_weight_grad' op result 'tensor<6x4x3x3xf32>' must be [6, 2, kernel...]}}
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 0, 0, 0, 0>, groups = 2 : i64}
      : (tensor<1x4x5x5xf32>, tensor<1x6x3x3xf32>) -> tensor<6x4x3x3xf32>
  return %dw : tensor<6x4x3x3xf32>
}

// -----

func.func @conv_weight_grad_groups(%x: tensor<1x4x5x5xf32>, %dy: tensor<1x6x3x3xf32>) -> tensor<6x1x3x3xf32> {
  // expected-error @+1 {{'tcc.conv_weight_grad' op groups (4) must divide the input channels (4) and grad channels (6)}}
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 0, 0, 0, 0>, groups = 4 : i64}
      : (tensor<1x4x5x5xf32>, tensor<1x6x3x3xf32>) -> tensor<6x1x3x3xf32>
  return %dw : tensor<6x1x3x3xf32>
}

// -----

func.func @conv_weight_grad_too_long(%x: tensor<1x2x5x5xf32>, %dy: tensor<1x3x4x3xf32>) -> tensor<3x2x3x3xf32> {
  // expected-error @+1 {{'tcc.conv_weight_grad' op grad has 4 positions in spatial dimension 0, more than the convolution's 3}}
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
      : (tensor<1x2x5x5xf32>, tensor<1x3x4x3xf32>) -> tensor<3x2x3x3xf32>
  return %dw : tensor<3x2x3x3xf32>
}

// -----

func.func @conv_weight_grad_window(%x: tensor<1x2x5x5xf32>, %dy: tensor<1x3x3x3xf32>) -> tensor<3x2x3x3xf32> {
  // expected-error @+1 {{expected 2 strides and dilations and 4 padding values for 2 spatial dimensions}}
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
      : (tensor<1x2x5x5xf32>, tensor<1x3x3x3xf32>) -> tensor<3x2x3x3xf32>
  return %dw : tensor<3x2x3x3xf32>
}

// -----

func.func @conv_weight_grad_batch(%x: tensor<2x2x5x5xf32>, %dy: tensor<1x3x3x3xf32>) -> tensor<3x2x3x3xf32> {
  // expected-error @+1 {{'tcc.conv_weight_grad' op grad batch size 1 differs from the input's 2}}
  %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
      : (tensor<2x2x5x5xf32>, tensor<1x3x3x3xf32>) -> tensor<3x2x3x3xf32>
  return %dw : tensor<3x2x3x3xf32>
}
