// RUN: tcc-opt %s --split-input-file --verify-diagnostics

// One case per verifier and shape-inference error of the tcc ops. Shape
// inference errors come with MLIR's follow-up "failed to infer returned types".

//===----------------------------------------------------------------------===//
// Element types and ranks (ODS constraints)
//===----------------------------------------------------------------------===//

func.func @exp_of_int(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tcc.exp' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values, but got 'tensor<4xi32>'}}
  %0 = tcc.exp %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @not_of_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tcc.not' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = tcc.not %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @neg_of_bool(%x: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'tcc.neg' op operand #0 must be statically shaped tensor of}}
  %0 = tcc.neg %x : tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @add_of_bool(%a: tensor<4xi1>) -> tensor<4xi1> {
  // expected-error @+1 {{'tcc.add' op operand #0 must be statically shaped tensor of}}
  %0 = tcc.add %a, %a : (tensor<4xi1>, tensor<4xi1>) -> tensor<4xi1>
  return %0 : tensor<4xi1>
}

// -----

func.func @and_of_int(%a: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tcc.and' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = tcc.and %a, %a : (tensor<4xi32>, tensor<4xi32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @unsupported_element_type(%a: tensor<4xbf16>) -> tensor<4xbf16> {
  // expected-error @+1 {{'tcc.neg' op operand #0 must be statically shaped tensor of}}
  %0 = tcc.neg %a : tensor<4xbf16>
  return %0 : tensor<4xbf16>
}

// -----

func.func @unranked(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{'tcc.abs' op operand #0 must be statically shaped tensor of}}
  %0 = "tcc.abs"(%a) : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @compare_result_not_bool(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tcc.less' op result #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = tcc.less %a, %a : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_condition_not_bool(%c: tensor<4xi32>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'tcc.select' op operand #0 must be statically shaped tensor of 1-bit signless integer values}}
  %0 = tcc.select %c, %a, %a : (tensor<4xi32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @unary_type_mismatch(%a: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{'tcc.exp' op requires the same type for all operands and results}}
  %0 = "tcc.exp"(%a) : (tensor<4xf32>) -> tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

func.func @convert_changes_shape(%a: tensor<4xf32>) -> tensor<2x2xi64> {
  // expected-error @+1 {{'tcc.convert' op requires the same shape for all operands and results}}
  %0 = tcc.convert %a : tensor<4xf32> to tensor<2x2xi64>
  return %0 : tensor<2x2xi64>
}

// -----

func.func @max_pool_of_bool(%a: tensor<1x1x4xi1>) -> tensor<1x1x2xi1> {
  // expected-error @+1 {{'tcc.max_pool' op operand #0 must be statically shaped tensor of}}
  %0 = tcc.max_pool %a {kernel = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = false}
      : (tensor<1x1x4xi1>) -> tensor<1x1x2xi1>
  return %0 : tensor<1x1x2xi1>
}

// -----

func.func @avg_pool_of_int(%a: tensor<1x1x4xi32>) -> tensor<1x1x2xi32> {
  // expected-error @+1 {{'tcc.avg_pool' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = tcc.avg_pool %a {kernel = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = false}
      : (tensor<1x1x4xi32>) -> tensor<1x1x2xi32>
  return %0 : tensor<1x1x2xi32>
}

// -----

func.func @conv_of_int(%x: tensor<1x1x4xi32>, %w: tensor<1x1x2xi32>) -> tensor<1x1x3xi32> {
  // expected-error @+1 {{'tcc.conv' op operand #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4xi32>, tensor<1x1x2xi32>) -> tensor<1x1x3xi32>
  return %0 : tensor<1x1x3xi32>
}

// -----

func.func @conv_missing_groups(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  // expected-error @+1 {{'tcc.conv' op requires attribute 'groups'}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @argmax_result_not_i64(%a: tensor<4x3xf32>) -> tensor<4xi32> {
  // expected-error @+1 {{'tcc.argmax' op result #0 must be statically shaped tensor of 64-bit signless integer values}}
  %0 = tcc.argmax %a {axis = 1 : i64, keep_dims = false, select_last_index = false}
      : (tensor<4x3xf32>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @random_seed_not_scalar(%s: tensor<1xi64>) -> tensor<4xf32> {
  // expected-error @+1 {{'tcc.random_uniform' op operand #0 must be 0D tensor of 64-bit signless integer values}}
  %0 = tcc.random_uniform %s : (tensor<1xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @random_of_int(%s: tensor<i64>) -> tensor<4xi32> {
  // expected-error @+1 {{'tcc.random_uniform' op result #0 must be statically shaped tensor of 32-bit float or 64-bit float values}}
  %0 = tcc.random_uniform %s : (tensor<i64>) -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

func.func @gather_float_indices(%a: tensor<4x3xf32>, %i: tensor<2xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tcc.gather' op operand #1 must be statically shaped tensor of 64-bit signless integer or 32-bit signless integer values}}
  %0 = tcc.gather %a, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

//===----------------------------------------------------------------------===//
// Broadcasting elementwise ops
//===----------------------------------------------------------------------===//

// -----

func.func @not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<4xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{operand shapes are not broadcastable}}
  // expected-error @+1 {{'tcc.add' op failed to infer returned types}}
  %0 = tcc.add %a, %b : (tensor<2x3xf32>, tensor<4xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @binary_element_types_differ(%a: tensor<3xf32>, %b: tensor<3xf64>) -> tensor<3xf32> {
  // expected-error @+2 {{operands have different element types: 'f32' and 'f64'}}
  // expected-error @+1 {{'tcc.mul' op failed to infer returned types}}
  %0 = tcc.mul %a, %b : (tensor<3xf32>, tensor<3xf64>) -> tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @compare_element_types_differ(%a: tensor<3xi64>, %b: tensor<3xi32>) -> tensor<3xi1> {
  // expected-error @+2 {{operands have different element types: 'i64' and 'i32'}}
  // expected-error @+1 {{'tcc.equal' op failed to infer returned types}}
  %0 = tcc.equal %a, %b : (tensor<3xi64>, tensor<3xi32>) -> tensor<3xi1>
  return %0 : tensor<3xi1>
}

// -----

func.func @binary_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{'tcc.sub' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<3x2xf32>'}}
  // expected-error @+1 {{'tcc.sub' op failed to infer returned types}}
  %0 = tcc.sub %a, %b : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @select_branch_types_differ(%c: tensor<4xi1>, %a: tensor<4xf32>, %b: tensor<4xi64>) -> tensor<4xf32> {
  // expected-error @+2 {{on_true and on_false have different element types}}
  // expected-error @+1 {{'tcc.select' op failed to infer returned types}}
  %0 = tcc.select %c, %a, %b : (tensor<4xi1>, tensor<4xf32>, tensor<4xi64>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @select_condition_not_broadcastable(%c: tensor<3xi1>, %a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{operand shapes are not broadcastable}}
  // expected-error @+1 {{'tcc.select' op failed to infer returned types}}
  %0 = tcc.select %c, %a, %a : (tensor<3xi1>, tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

//===----------------------------------------------------------------------===//
// Matmul and einsum
//===----------------------------------------------------------------------===//

// -----

func.func @matmul_rank_1(%a: tensor<3xf32>, %b: tensor<3x4xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{operands must have rank 2 or more}}
  // expected-error @+1 {{'tcc.matmul' op failed to infer returned types}}
  %0 = tcc.matmul %a, %b : (tensor<3xf32>, tensor<3x4xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @matmul_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<3x4xf64>) -> tensor<2x4xf32> {
  // expected-error @+2 {{operands have different element types}}
  // expected-error @+1 {{'tcc.matmul' op failed to infer returned types}}
  %0 = tcc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_contracting_differ(%a: tensor<2x3xf32>, %b: tensor<5x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+2 {{contracting dimensions differ: 3 and 5}}
  // expected-error @+1 {{'tcc.matmul' op failed to infer returned types}}
  %0 = tcc.matmul %a, %b : (tensor<2x3xf32>, tensor<5x4xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @matmul_batch_not_broadcastable(%a: tensor<2x2x3xf32>, %b: tensor<3x3x4xf32>) -> tensor<2x2x4xf32> {
  // expected-error @+2 {{batch dimensions are not broadcastable}}
  // expected-error @+1 {{'tcc.matmul' op failed to infer returned types}}
  %0 = tcc.matmul %a, %b : (tensor<2x2x3xf32>, tensor<3x3x4xf32>) -> tensor<2x2x4xf32>
  return %0 : tensor<2x2x4xf32>
}

// -----

func.func @matmul_wrong_result(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{'tcc.matmul' op inferred type(s) 'tensor<2x4xf32>' are incompatible with return type(s) of operation 'tensor<4x2xf32>'}}
  // expected-error @+1 {{'tcc.matmul' op failed to infer returned types}}
  %0 = tcc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @einsum_implicit(%a: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{equation must be explicit, like 'ij,jk->ik', with letters only}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij" %a : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @einsum_ellipsis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{equation must be explicit, like 'ij,jk->ik', with letters only}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "...j->...j" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @einsum_term_count(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{equation has 2 input terms but the op has 1 inputs}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij,jk->ij" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @einsum_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<3xf64>) -> tensor<2xf32> {
  // expected-error @+2 {{inputs have different element types}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij,j->i" %a, %b : (tensor<2x3xf32>, tensor<3xf64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_term_rank(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{term 'ijk' does not match rank 2}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ijk->i" %a : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_index_sizes_differ(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<2x5xf32> {
  // expected-error @+2 {{index 'j' has sizes 3 and 4}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij,jk->ik" %a, %b : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @einsum_output_index_unknown(%a: tensor<2x3xf32>) -> tensor<2xf32> {
  // expected-error @+2 {{output index 'k' must appear once and in some input}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij->k" %a : (tensor<2x3xf32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @einsum_output_index_repeated(%a: tensor<3x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{output index 'i' must appear once and in some input}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij->ii" %a : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @einsum_no_inputs() -> tensor<f32> {
  // expected-error @+1 {{'tcc.einsum' op needs at least one input}}
  %0 = tcc.einsum "->" : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @einsum_wrong_result(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tcc.einsum' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'tcc.einsum' op failed to infer returned types}}
  %0 = tcc.einsum "ij->ji" %a : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

// -----

func.func @conv_rank_2(%x: tensor<1x4xf32>, %w: tensor<1x4xf32>) -> tensor<1x1xf32> {
  // expected-error @+2 {{input and weight must have the same rank, at least 3}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64>, dilations = array<i64>, padding = array<i64>, groups = 1 : i64}
      : (tensor<1x4xf32>, tensor<1x4xf32>) -> tensor<1x1xf32>
  return %0 : tensor<1x1xf32>
}

// -----

func.func @conv_ranks_differ(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+2 {{input and weight must have the same rank, at least 3}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                        padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_element_types_differ(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf64>) -> tensor<1x1x3xf32> {
  // expected-error @+2 {{input and weight have different element types}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf64>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @conv_window_attr_sizes(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+2 {{expected 2 strides and dilations and 4 padding values for 2 spatial dimensions}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x3x3xf32>
  return %0 : tensor<1x1x3x3xf32>
}

// -----

func.func @conv_zero_stride(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  // expected-error @+2 {{strides and dilations must be positive}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 0>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @conv_negative_dilation(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x3xf32> {
  // expected-error @+2 {{strides and dilations must be positive}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: -1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

// -----

func.func @conv_negative_padding(%x: tensor<1x1x4xf32>, %w: tensor<1x1x2xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{padding must be non-negative}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: -1, 0>, groups = 1 : i64}
      : (tensor<1x1x4xf32>, tensor<1x1x2xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @conv_groups_not_dividing(%x: tensor<1x4x4xf32>, %w: tensor<6x2x2xf32>) -> tensor<1x6x3xf32> {
  // expected-error @+2 {{groups (3) must divide the input channels (4) and output channels (6)}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 3 : i64}
      : (tensor<1x4x4xf32>, tensor<6x2x2xf32>) -> tensor<1x6x3xf32>
  return %0 : tensor<1x6x3xf32>
}

// -----

func.func @conv_zero_groups(%x: tensor<1x4x4xf32>, %w: tensor<6x2x2xf32>) -> tensor<1x6x3xf32> {
  // expected-error @+2 {{groups (0) must divide the input channels (4) and output channels (6)}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 0 : i64}
      : (tensor<1x4x4xf32>, tensor<6x2x2xf32>) -> tensor<1x6x3xf32>
  return %0 : tensor<1x6x3xf32>
}

// -----

func.func @conv_weight_channels(%x: tensor<1x4x4xf32>, %w: tensor<6x4x2xf32>) -> tensor<1x6x3xf32> {
  // expected-error @+2 {{weight has 4 input channels per group, expected 2}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 2 : i64}
      : (tensor<1x4x4xf32>, tensor<6x4x2xf32>) -> tensor<1x6x3xf32>
  return %0 : tensor<1x6x3xf32>
}

// -----

func.func @conv_kernel_too_big(%x: tensor<1x1x4x4xf32>, %w: tensor<1x1x2x3xf32>) -> tensor<1x1x3x1xf32> {
  // expected-error @+2 {{kernel does not fit spatial dimension 1}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 2>,
                        padding = array<i64: 0, 0, 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4x4xf32>, tensor<1x1x2x3xf32>) -> tensor<1x1x3x1xf32>
  return %0 : tensor<1x1x3x1xf32>
}

// -----

func.func @conv_wrong_result(%x: tensor<1x1x4xf32>, %w: tensor<2x1x2xf32>) -> tensor<1x2x4xf32> {
  // expected-error @+2 {{'tcc.conv' op inferred type(s) 'tensor<1x2x3xf32>' are incompatible with return type(s) of operation 'tensor<1x2x4xf32>'}}
  // expected-error @+1 {{'tcc.conv' op failed to infer returned types}}
  %0 = tcc.conv %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x1x4xf32>, tensor<2x1x2xf32>) -> tensor<1x2x4xf32>
  return %0 : tensor<1x2x4xf32>
}

//===----------------------------------------------------------------------===//
// Transposed convolution
//===----------------------------------------------------------------------===//

// -----

func.func @conv_transpose_ranks_differ(%x: tensor<1x1x3xf32>, %w: tensor<1x1x3x3xf32>) -> tensor<1x1x5xf32> {
  // expected-error @+2 {{input and weight must have the same rank, at least 3}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64: 0>,
                                  groups = 1 : i64}
      : (tensor<1x1x3xf32>, tensor<1x1x3x3xf32>) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// -----

func.func @conv_transpose_element_types_differ(%x: tensor<1x1x3xf64>, %w: tensor<1x1x3xf32>) -> tensor<1x1x5xf64> {
  // expected-error @+2 {{input and weight have different element types}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64: 0>,
                                  groups = 1 : i64}
      : (tensor<1x1x3xf64>, tensor<1x1x3xf32>) -> tensor<1x1x5xf64>
  return %0 : tensor<1x1x5xf64>
}

// -----

func.func @conv_transpose_window_attr_sizes(%x: tensor<1x1x3xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x5xf32> {
  // expected-error @+2 {{expected 1 strides and dilations and 2 padding values for 1 spatial dimensions}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64: 0>,
                                  groups = 1 : i64}
      : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// -----

func.func @conv_transpose_output_padding_size(%x: tensor<1x1x3xf32>, %w: tensor<1x1x3xf32>) -> tensor<1x1x5xf32> {
  // expected-error @+2 {{expected 1 output_padding values}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64>,
                                  groups = 1 : i64}
      : (tensor<1x1x3xf32>, tensor<1x1x3xf32>) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// -----

func.func @conv_transpose_groups(%x: tensor<1x3x3xf32>, %w: tensor<3x1x3xf32>) -> tensor<1x2x5xf32> {
  // expected-error @+2 {{groups (2) must divide the input channels (3)}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64: 0>,
                                  groups = 2 : i64}
      : (tensor<1x3x3xf32>, tensor<3x1x3xf32>) -> tensor<1x2x5xf32>
  return %0 : tensor<1x2x5xf32>
}

// -----

func.func @conv_transpose_weight_channels(%x: tensor<1x2x3xf32>, %w: tensor<3x1x3xf32>) -> tensor<1x1x5xf32> {
  // expected-error @+2 {{weight has 3 input channels, expected 2}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 0, 0>, output_padding = array<i64: 0>,
                                  groups = 1 : i64}
      : (tensor<1x2x3xf32>, tensor<3x1x3xf32>) -> tensor<1x1x5xf32>
  return %0 : tensor<1x1x5xf32>
}

// -----

func.func @conv_transpose_no_output(%x: tensor<1x1x1xf32>, %w: tensor<1x1x1xf32>) -> tensor<1x1x1xf32> {
  // expected-error @+2 {{padding leaves no output in spatial dimension 0}}
  // expected-error @+1 {{'tcc.conv_transpose' op failed to infer returned types}}
  %0 = tcc.conv_transpose %x, %w {strides = array<i64: 1>, dilations = array<i64: 1>,
                                  padding = array<i64: 1, 0>, output_padding = array<i64: 0>,
                                  groups = 1 : i64}
      : (tensor<1x1x1xf32>, tensor<1x1x1xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// -----

func.func @pool_rank_2(%x: tensor<4x4xf32>) -> tensor<4x2xf32> {
  // expected-error @+2 {{input must have rank 3 or more}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64>, strides = array<i64>, dilations = array<i64>,
                        padding = array<i64>, ceil_mode = false}
      : (tensor<4x4xf32>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @pool_kernel_count(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+2 {{expected 2 kernel sizes}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64: 2>, strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
                        padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32>
  return %0 : tensor<1x1x2x2xf32>
}

// -----

func.func @pool_window_attr_sizes(%x: tensor<1x1x4xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{expected 1 strides and dilations and 2 padding values for 1 spatial dimensions}}
  // expected-error @+1 {{'tcc.avg_pool' op failed to infer returned types}}
  %0 = tcc.avg_pool %x {kernel = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0>, ceil_mode = false, count_include_pad = true}
      : (tensor<1x1x4xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @pool_zero_stride(%x: tensor<1x1x4xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{strides and dilations must be positive}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64: 2>, strides = array<i64: 0>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = false}
      : (tensor<1x1x4xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @pool_negative_padding(%x: tensor<1x1x4xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{padding must be non-negative}}
  // expected-error @+1 {{'tcc.avg_pool' op failed to infer returned types}}
  %0 = tcc.avg_pool %x {kernel = array<i64: 2>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0, -1>, ceil_mode = false, count_include_pad = true}
      : (tensor<1x1x4xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @pool_zero_kernel(%x: tensor<1x1x4xf32>) -> tensor<1x1x2xf32> {
  // expected-error @+2 {{kernel sizes must be positive}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64: 0>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = false}
      : (tensor<1x1x4xf32>) -> tensor<1x1x2xf32>
  return %0 : tensor<1x1x2xf32>
}

// -----

func.func @pool_padding_as_big_as_window(%x: tensor<1x1x4xf32>) -> tensor<1x1x4xf32> {
  // expected-error @+2 {{padding must be smaller than the window}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64: 2>, strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 2>, ceil_mode = false}
      : (tensor<1x1x4xf32>) -> tensor<1x1x4xf32>
  return %0 : tensor<1x1x4xf32>
}

// -----

func.func @pool_window_too_big(%x: tensor<1x1x2xf32>) -> tensor<1x1x1xf32> {
  // expected-error @+2 {{window does not fit spatial dimension 0}}
  // expected-error @+1 {{'tcc.avg_pool' op failed to infer returned types}}
  %0 = tcc.avg_pool %x {kernel = array<i64: 3>, strides = array<i64: 1>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = false, count_include_pad = false}
      : (tensor<1x1x2xf32>) -> tensor<1x1x1xf32>
  return %0 : tensor<1x1x1xf32>
}

// -----

func.func @pool_wrong_result(%x: tensor<1x1x8xf32>) -> tensor<1x1x3xf32> {
  // ceil_mode gives 4 windows, not 3.
  // expected-error @+2 {{'tcc.max_pool' op inferred type(s) 'tensor<1x1x4xf32>' are incompatible with return type(s) of operation 'tensor<1x1x3xf32>'}}
  // expected-error @+1 {{'tcc.max_pool' op failed to infer returned types}}
  %0 = tcc.max_pool %x {kernel = array<i64: 3>, strides = array<i64: 2>, dilations = array<i64: 1>,
                        padding = array<i64: 0, 0>, ceil_mode = true}
      : (tensor<1x1x8xf32>) -> tensor<1x1x3xf32>
  return %0 : tensor<1x1x3xf32>
}

//===----------------------------------------------------------------------===//
// Reductions and scans
//===----------------------------------------------------------------------===//

// -----

func.func @reduce_axis_out_of_range(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'tcc.reduce_sum' op failed to infer returned types}}
  %0 = tcc.reduce_sum %x {axes = array<i64: 2>, keep_dims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_negative_axis(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{axis -1 is out of range for rank 2}}
  // expected-error @+1 {{'tcc.reduce_max' op failed to infer returned types}}
  %0 = tcc.reduce_max %x {axes = array<i64: -1>, keep_dims = false} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @reduce_axes_unsorted(%x: tensor<2x3x4xi64>) -> tensor<3xi64> {
  // expected-error @+2 {{axes must be sorted and distinct}}
  // expected-error @+1 {{'tcc.reduce_prod' op failed to infer returned types}}
  %0 = tcc.reduce_prod %x {axes = array<i64: 2, 0>, keep_dims = false} : (tensor<2x3x4xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @reduce_axes_repeated(%x: tensor<2x3xi32>) -> tensor<3xi32> {
  // expected-error @+2 {{axes must be sorted and distinct}}
  // expected-error @+1 {{'tcc.reduce_min' op failed to infer returned types}}
  %0 = tcc.reduce_min %x {axes = array<i64: 0, 0>, keep_dims = false} : (tensor<2x3xi32>) -> tensor<3xi32>
  return %0 : tensor<3xi32>
}

// -----

func.func @reduce_wrong_result(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tcc.reduce_sum' op inferred type(s) 'tensor<4x1xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{'tcc.reduce_sum' op failed to infer returned types}}
  %0 = tcc.reduce_sum %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

func.func @argmax_axis_out_of_range(%x: tensor<4x8xf32>) -> tensor<4xi64> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'tcc.argmax' op failed to infer returned types}}
  %0 = tcc.argmax %x {axis = 2 : i64, keep_dims = false, select_last_index = false}
      : (tensor<4x8xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @argmin_of_scalar(%x: tensor<f32>) -> tensor<i64> {
  // expected-error @+2 {{axis 0 is out of range for rank 0}}
  // expected-error @+1 {{'tcc.argmin' op failed to infer returned types}}
  %0 = tcc.argmin %x {axis = 0 : i64, keep_dims = false, select_last_index = false}
      : (tensor<f32>) -> tensor<i64>
  return %0 : tensor<i64>
}

// -----

func.func @argmin_wrong_result(%x: tensor<4x8xf32>) -> tensor<4xi64> {
  // expected-error @+2 {{'tcc.argmin' op inferred type(s) 'tensor<4x1xi64>' are incompatible with return type(s) of operation 'tensor<4xi64>'}}
  // expected-error @+1 {{'tcc.argmin' op failed to infer returned types}}
  %0 = tcc.argmin %x {axis = 1 : i64, keep_dims = true, select_last_index = false}
      : (tensor<4x8xf32>) -> tensor<4xi64>
  return %0 : tensor<4xi64>
}

// -----

func.func @cumsum_axis_out_of_range(%x: tensor<5xf32>) -> tensor<5xf32> {
  // expected-error @+1 {{'tcc.cumsum' op axis 1 is out of range for rank 1}}
  %0 = tcc.cumsum %x {axis = 1 : i64, exclusive = false, reverse = false} : tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @cumsum_negative_axis(%x: tensor<5xf32>) -> tensor<5xf32> {
  // The axis attribute reads as unsigned, so the message shows -1 as 2^64 - 1.
  // expected-error-re @+1 {{'tcc.cumsum' op axis {{.*}} is out of range for rank 1}}
  %0 = tcc.cumsum %x {axis = -1 : i64, exclusive = false, reverse = false} : tensor<5xf32>
  return %0 : tensor<5xf32>
}

//===----------------------------------------------------------------------===//
// Reshape, transpose, broadcast_to
//===----------------------------------------------------------------------===//

// -----

func.func @reshape_element_type(%x: tensor<6xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'tcc.reshape' op changes the element type}}
  %0 = tcc.reshape %x : tensor<6xf32> to tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

func.func @reshape_element_count(%x: tensor<6xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'tcc.reshape' op changes the element count from 6 to 8}}
  %0 = tcc.reshape %x : tensor<6xf32> to tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @transpose_permutation_size(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{permutation has 3 entries for rank 2}}
  // expected-error @+1 {{'tcc.transpose' op failed to infer returned types}}
  %0 = tcc.transpose %x {permutation = array<i64: 1, 0, 2>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_repeated_dimension(%x: tensor<2x3xf32>) -> tensor<3x3xf32> {
  // expected-error @+2 {{permutation is not a permutation of the dimensions}}
  // expected-error @+1 {{'tcc.transpose' op failed to infer returned types}}
  %0 = tcc.transpose %x {permutation = array<i64: 1, 1>} : (tensor<2x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

func.func @transpose_dimension_out_of_range(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  // expected-error @+2 {{permutation is not a permutation of the dimensions}}
  // expected-error @+1 {{'tcc.transpose' op failed to infer returned types}}
  %0 = tcc.transpose %x {permutation = array<i64: 1, -1>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

func.func @transpose_wrong_result(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+2 {{'tcc.transpose' op inferred type(s) 'tensor<3x2xf32>' are incompatible with return type(s) of operation 'tensor<2x3xf32>'}}
  // expected-error @+1 {{'tcc.transpose' op failed to infer returned types}}
  %0 = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @broadcast_to_element_type(%x: tensor<3xf32>) -> tensor<2x3xf64> {
  // expected-error @+1 {{'tcc.broadcast_to' op changes the element type}}
  %0 = tcc.broadcast_to %x : tensor<3xf32> to tensor<2x3xf64>
  return %0 : tensor<2x3xf64>
}

// -----

func.func @broadcast_to_lower_rank(%x: tensor<1x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tcc.broadcast_to' op cannot broadcast rank 2 to lower rank 1}}
  %0 = tcc.broadcast_to %x : tensor<1x3xf32> to tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @broadcast_to_incompatible(%x: tensor<3x2xf32>) -> tensor<4x3x4xf32> {
  // expected-error @+1 {{'tcc.broadcast_to' op input dimension 1 (2) does not broadcast to 4}}
  %0 = tcc.broadcast_to %x : tensor<3x2xf32> to tensor<4x3x4xf32>
  return %0 : tensor<4x3x4xf32>
}

//===----------------------------------------------------------------------===//
// Concat and slice
//===----------------------------------------------------------------------===//

// -----

func.func @concat_no_inputs() -> tensor<2xf32> {
  // expected-error @+2 {{needs at least one input}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat {axis = 0 : i64} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @concat_axis_out_of_range(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat %a, %a {axis = 2 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_element_types_differ(%a: tensor<2x3xf32>, %b: tensor<2x3xf64>) -> tensor<2x6xf32> {
  // expected-error @+2 {{inputs differ in element type or rank}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x3xf64>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_ranks_differ(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{inputs differ in element type or rank}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_dimension_differs(%a: tensor<2x3xf32>, %b: tensor<4x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{inputs differ in dimension 0}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @concat_wrong_result(%a: tensor<2x3xf32>) -> tensor<2x6xf32> {
  // expected-error @+2 {{'tcc.concat' op inferred type(s) 'tensor<4x3xf32>' are incompatible with return type(s) of operation 'tensor<2x6xf32>'}}
  // expected-error @+1 {{'tcc.concat' op failed to infer returned types}}
  %0 = tcc.concat %a, %a {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  return %0 : tensor<2x6xf32>
}

// -----

func.func @slice_element_type(%x: tensor<4xf32>) -> tensor<2xf64> {
  // expected-error @+1 {{'tcc.slice' op changes the element type}}
  %0 = tcc.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> to tensor<2xf64>
  return %0 : tensor<2xf64>
}

// -----

func.func @slice_rank_changes(%x: tensor<4x2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'tcc.slice' op needs one start and one step per dimension, and a result of the input's rank}}
  %0 = tcc.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x2xf32> to tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @slice_starts_count(%x: tensor<4x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'tcc.slice' op needs one start and one step per dimension, and a result of the input's rank}}
  %0 = tcc.slice %x {starts = array<i64: 0>, steps = array<i64: 1, 1>} : tensor<4x2xf32> to tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_zero_step(%x: tensor<4x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'tcc.slice' op step of dimension 1 is zero}}
  %0 = tcc.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 0>} : tensor<4x2xf32> to tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_reads_past_end(%x: tensor<4x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'tcc.slice' op dimension 0 reads indices 1 to 5 outside [0, 4)}}
  %0 = tcc.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 4, 1>} : tensor<4x2xf32> to tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @slice_reads_before_start(%x: tensor<4xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'tcc.slice' op dimension 0 reads indices 1 to -1 outside [0, 4)}}
  %0 = tcc.slice %x {starts = array<i64: 1>, steps = array<i64: -1>} : tensor<4xf32> to tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @slice_negative_start(%x: tensor<4xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'tcc.slice' op dimension 0 reads indices -1 to -1 outside [0, 4)}}
  %0 = tcc.slice %x {starts = array<i64: -1>, steps = array<i64: 1>} : tensor<4xf32> to tensor<1xf32>
  return %0 : tensor<1xf32>
}

//===----------------------------------------------------------------------===//
// Gather and pad
//===----------------------------------------------------------------------===//

// -----

func.func @gather_axis_out_of_range(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<4x2xf32> {
  // expected-error @+2 {{axis 2 is out of range for rank 2}}
  // expected-error @+1 {{'tcc.gather' op failed to infer returned types}}
  %0 = tcc.gather %x, %i {axis = 2 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<4x2xf32>
  return %0 : tensor<4x2xf32>
}

// -----

func.func @gather_wrong_result(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2x4xf32> {
  // expected-error @+2 {{'tcc.gather' op inferred type(s) 'tensor<4x2xf32>' are incompatible with return type(s) of operation 'tensor<2x4xf32>'}}
  // expected-error @+1 {{'tcc.gather' op failed to infer returned types}}
  %0 = tcc.gather %x, %i {axis = 1 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

func.func @gather_elements_ranks_differ(%x: tensor<4x3xf32>, %i: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{'tcc.gather_elements' op indices must have the input's rank}}
  %0 = tcc.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @gather_elements_axis_out_of_range(%x: tensor<4x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  // The axis attribute reads as unsigned, so the message shows -1 as 2^64 - 1.
  // expected-error-re @+1 {{'tcc.gather_elements' op axis {{.*}} is out of range for rank 2}}
  %0 = tcc.gather_elements %x, %i {axis = -1 : i64} : (tensor<4x3xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_elements_indices_too_large(%x: tensor<4x3xf32>, %i: tensor<2x5xi64>) -> tensor<2x5xf32> {
  // expected-error @+1 {{'tcc.gather_elements' op indices dimension 1 is larger than the input's}}
  %0 = tcc.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x5xi64>) -> tensor<2x5xf32>
  return %0 : tensor<2x5xf32>
}

// -----

func.func @gather_elements_empty_axis(%x: tensor<0x3xf32>, %i: tensor<2x3xi64>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'tcc.gather_elements' op gathers from an empty axis}}
  %0 = tcc.gather_elements %x, %i {axis = 0 : i64} : (tensor<0x3xf32>, tensor<2x3xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @gather_elements_wrong_result(%x: tensor<4x3xf32>, %i: tensor<2x3xi64>) -> tensor<4x3xf32> {
  // expected-error @+2 {{'tcc.gather_elements' op inferred type(s) 'tensor<2x3xf32>' are incompatible with return type(s) of operation 'tensor<4x3xf32>'}}
  // expected-error @+1 {{'tcc.gather_elements' op failed to infer returned types}}
  %0 = tcc.gather_elements %x, %i {axis = 0 : i64} : (tensor<4x3xf32>, tensor<2x3xi64>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @pad_unknown_mode(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<5xf32> {
  // expected-error @+2 {{mode must be constant, reflect or edge, not 'wrap'}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "wrap", padding = array<i64: 1, 1>} : (tensor<3xf32>, tensor<f32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_value_not_scalar(%x: tensor<3xf32>, %v: tensor<1xf32>) -> tensor<5xf32> {
  // expected-error @+2 {{value must be a 0-d tensor of the input's element type}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 1>} : (tensor<3xf32>, tensor<1xf32>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_value_element_type(%x: tensor<3xf32>, %v: tensor<i64>) -> tensor<5xf32> {
  // expected-error @+2 {{value must be a 0-d tensor of the input's element type}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 1>} : (tensor<3xf32>, tensor<i64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @pad_padding_count(%x: tensor<3x2xf32>, %v: tensor<f32>) -> tensor<5x2xf32> {
  // expected-error @+2 {{expected 4 padding values}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 1>} : (tensor<3x2xf32>, tensor<f32>) -> tensor<5x2xf32>
  return %0 : tensor<5x2xf32>
}

// -----

func.func @pad_negative(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+2 {{padding must be non-negative}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "constant", padding = array<i64: 0, -1>} : (tensor<3xf32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @pad_reflect_too_small(%x: tensor<2x3xf32>, %v: tensor<f32>) -> tensor<2x7xf32> {
  // expected-error @+2 {{dimension 1 of size 3 is too small for reflect padding}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "reflect", padding = array<i64: 0, 3, 0, 1>} : (tensor<2x3xf32>, tensor<f32>) -> tensor<2x7xf32>
  return %0 : tensor<2x7xf32>
}

// -----

func.func @pad_edge_of_empty(%x: tensor<0xf32>, %v: tensor<f32>) -> tensor<2xf32> {
  // expected-error @+2 {{dimension 0 of size 0 is too small for edge padding}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "edge", padding = array<i64: 1, 1>} : (tensor<0xf32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @pad_wrong_result(%x: tensor<3xf32>, %v: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+2 {{'tcc.pad' op inferred type(s) 'tensor<5xf32>' are incompatible with return type(s) of operation 'tensor<4xf32>'}}
  // expected-error @+1 {{'tcc.pad' op failed to infer returned types}}
  %0 = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 1>} : (tensor<3xf32>, tensor<f32>) -> tensor<4xf32>
  return %0 : tensor<4xf32>
}
