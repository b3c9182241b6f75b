// RUN: tcc-opt %s --split-input-file --verify-diagnostics

// Verifier errors of tcc.scatter_add.

func.func @scatter_add_shapes_differ(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x3xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op indices and updates must have the same shape}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x3xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_rank(%x: tensor<3x5xf32>, %i: tensor<2xi64>, %u: tensor<2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op indices must have the input's rank}}
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<3x5xf32>, tensor<2xi64>, tensor<2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_axis(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op axis 2 is out of range for rank 2}}
  %r = tcc.scatter_add %x, %i, %u {axis = 2 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_too_large(%x: tensor<3x5xf32>, %i: tensor<4x2xi64>, %u: tensor<4x2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op indices dimension 0 is larger than the input's}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<4x2xi64>, tensor<4x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_element_type(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf64>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op updates must have the input's element type}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf64>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_empty_axis(%x: tensor<3x0xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x0xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op scatters into an empty axis}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x0xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x0xf32>
  return %r : tensor<3x0xf32>
}

// -----

func.func @scatter_add_float_indices(%x: tensor<3x5xf32>, %i: tensor<3x2xf32>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'tcc.scatter_add' op operand #1 must be statically shaped tensor of 64-bit signless integer or 32-bit signless integer values}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xf32>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

func.func @scatter_add_wrong_result(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'tcc.scatter_add' op inferred type(s) 'tensor<3x5xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{'tcc.scatter_add' op failed to infer returned types}}
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}
