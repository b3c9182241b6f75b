// RUN: tcc-opt %s --split-input-file --verify-diagnostics

// Verifier and shape-inference errors of max_pool_indices and max_pool_grad.

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
