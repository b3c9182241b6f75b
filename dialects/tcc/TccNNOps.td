//===- TccNNOps.td - contractions, convolutions, reductions -*- tablegen -*-===//

#ifndef TCC_NN_OPS_TD
#define TCC_NN_OPS_TD

//===----------------------------------------------------------------------===//
// Contractions
//===----------------------------------------------------------------------===//

def Tcc_MatmulOp : Tcc_Op<"matmul", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "batched matrix product with broadcast batch dimensions";
  let description = [{
    Multiplies the last two dimensions of `lhs` (`[..., M, K]`) and `rhs`
    (`[..., K, N]`); the leading (batch) dimensions broadcast NumPy-style.
    Both operands have rank 2 or more (the importer reshapes ONNX's 1-D
    operands) and the same element type.

    Example:

    ```mlir
    %r = tcc.matmul %a, %b
        : (tensor<8x4x16xf32>, tensor<16x32xf32>) -> tensor<8x4x32xf32>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$lhs, Tcc_NumericTensor:$rhs);
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_EinsumOp : Tcc_Op<"einsum", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "Einstein summation";
  let description = [{
    Evaluates an explicit Einstein summation `equation` such as
    `"bij,bjk->bik"`: every letter is a loop index, letters missing from the
    output are summed over, a letter repeated within one operand takes the
    diagonal. The importer expands ONNX's ellipsis (`...`) and implicit
    output form, so the equation here is always explicit and has one term
    per operand.

    Example:

    ```mlir
    %r = tcc.einsum "ij,jk->ik" %a, %b
        : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins StrAttr:$equation, Variadic<Tcc_NumericTensor>:$inputs);
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = [{
    $equation $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Convolution and pooling (channels-first: [N, C, spatial...])
//===----------------------------------------------------------------------===//

def Tcc_ConvOp : Tcc_Op<"conv", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "N-D grouped convolution (cross-correlation)";
  let description = [{
    `input` is `[N, C, D1..Dk]`, `weight` is `[M, C/groups, K1..Kk]`, the
    result is `[N, M, O1..Ok]` with
    `Oi = (Di + pad_lo_i + pad_hi_i - dilation_i * (Ki - 1) - 1) / stride_i + 1`.
    `padding` holds the k low pads followed by the k high pads (ONNX order);
    `auto_pad` is resolved by the importer. Bias is a separate `tcc.add`.

    Example:

    ```mlir
    %r = tcc.conv %x, %w {strides = array<i64: 1, 1>,
        dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>,
        groups = 1 : i64}
        : (tensor<8x1x28x28xf32>, tensor<32x1x3x3xf32>) -> tensor<8x32x28x28xf32>
    ```
  }];
  let arguments = (ins Tcc_FloatTensor:$input, Tcc_FloatTensor:$weight,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, I64Attr:$groups);
  let results = (outs Tcc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_ConvTransposeOp : Tcc_Op<"conv_transpose", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "N-D grouped transposed convolution";
  let description = [{
    The gradient of `tcc.conv` with respect to its input, used as a layer
    (ONNX `ConvTranspose`). `input` is `[N, C, D1..Dk]`, `weight` is
    `[C, M/groups, K1..Kk]`, the result is `[N, M, O1..Ok]` with
    `Oi = stride_i * (Di - 1) + output_padding_i + dilation_i * (Ki - 1) + 1
          - pad_lo_i - pad_hi_i`.
    The importer turns ONNX's `output_shape` and `auto_pad` into explicit
    `padding` (k low pads, then k high pads).

    Example:

    ```mlir
    %r = tcc.conv_transpose %x, %w {strides = array<i64: 2, 2>,
        dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>,
        output_padding = array<i64: 0, 0>, groups = 1 : i64}
        : (tensor<1x1x3x3xf32>, tensor<1x2x3x3xf32>) -> tensor<1x2x7x7xf32>
    ```
  }];
  let arguments = (ins Tcc_FloatTensor:$input, Tcc_FloatTensor:$weight,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$output_padding, I64Attr:$groups);
  let results = (outs Tcc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_ConvWeightGradOp : Tcc_Op<"conv_weight_grad", [Pure,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "the weight cotangent of tcc.conv";
  let description = [{
    The gradient of `tcc.conv` with respect to its weight: `input` is the
    convolution's input `[N, C, D1..Dk]`, `grad` the cotangent of its result
    `[N, M, O1..Ok]`, and the result the weight's type `[M, C/groups,
    K1..Kk]`, with the convolution's attributes:

    `result[m, c, j] = sum_{n, o} input[n, g(m) * C/groups + c,
    o * stride + j * dilation - pad_lo] * grad[n, m, o]`

    (input positions in the padding read zero). `grad` may be shorter than
    the convolution's result in a spatial dimension; the missing positions
    count as zeros (the weight gradient of `tcc.conv_transpose` is this op
    with input and cotangent exchanged, where output padding can leave the
    input shorter). A separate op, rather than a convolution of the input
    with the cotangent as its kernel, so that the lowering can treat it as
    the matrix product it is (see `docs/architecture.md`).

    Example:

    ```mlir
    %dw = tcc.conv_weight_grad %x, %dy {strides = array<i64: 1, 1>,
        dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>,
        groups = 1 : i64}
        : (tensor<8x1x28x28xf32>, tensor<8x32x28x28xf32>) -> tensor<32x1x3x3xf32>
    ```
  }];
  let arguments = (ins Tcc_FloatTensor:$input, Tcc_FloatTensor:$grad,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, I64Attr:$groups);
  let results = (outs Tcc_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $grad attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

class Tcc_PoolOp<string mnemonic, string what> : Tcc_Op<mnemonic, [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = what # " pooling over the spatial dimensions";
  let description = [{
    Slides a window of size `kernel` with `strides` and `dilations` over the
    spatial dimensions of `input` (`[N, C, D1..Dk]`), padded by `padding`
    (k low pads, then k high pads), and takes the }] # what # [{ of each
    window. With `ceil_mode` the output size rounds up, so the last window may
    hang over the padded input; the overhang never contributes.
    Output size: `Oi = floor_or_ceil((Di + pad_lo_i + pad_hi_i -
    dilation_i * (Ki - 1) - 1) / stride_i) + 1`.
  }];
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_MaxPoolOp : Tcc_PoolOp<"max_pool", "maximum"> {
  let arguments = (ins Tcc_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, BoolAttr:$ceil_mode);
}

def Tcc_AvgPoolOp : Tcc_PoolOp<"avg_pool", "average"> {
  let description = [{
    Average pooling. Padding elements count in the divisor when
    `count_include_pad` is set; elements of the `ceil_mode` overhang never do.
  }];
  let arguments = (ins Tcc_FloatTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, BoolAttr:$ceil_mode,
                       BoolAttr:$count_include_pad);
}

def Tcc_MaxPoolIndicesOp : Tcc_Op<"max_pool_indices", [Pure, InferTypeOpAdaptor]> {
  let summary = "where each max_pool window's maximum is";
  let description = [{
    For the windows of `tcc.max_pool` with the same attributes, returns the
    position of each window's maximum as an `i64` flat index into `input`,
    row-major over all its dimensions (`((n * C + c) * D1 + d1) * D2 + ...`,
    ONNX MaxPool's `Indices`). Padding never wins; of equal elements the
    first in the window (row-major over the window) wins, and a NaN wins over
    any number (PyTorch's rule). `max_pool_grad` uses it to route
    cotangents.

    Example:

    ```mlir
    %i = tcc.max_pool_indices %x {kernel = array<i64: 2, 2>,
        strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
        padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
        : (tensor<1x3x8x8xf32>) -> tensor<1x3x4x4xi64>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$input, DenseI64ArrayAttr:$kernel,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$dilations,
                       DenseI64ArrayAttr:$padding, BoolAttr:$ceil_mode);
  let results = (outs StaticShapeTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_MaxPoolGradOp : Tcc_Op<"max_pool_grad", [Pure]> {
  let summary = "the input cotangent of max_pool, from the window maxima";
  let description = [{
    The backward of `tcc.max_pool`: `grad` (the cotangent of the pool's
    result) and `indices` (from `tcc.max_pool_indices` with the same
    attributes) have the pool's result shape; the result has the pool's
    input shape (its element type is `grad`'s). Each window's cotangent goes
    to the input element its index names, and elements that are the maximum
    of several overlapping windows receive the sum. An index that does not
    name an element of its own window contributes nothing.

    Example:

    ```mlir
    %dx = tcc.max_pool_grad %dy, %i {kernel = array<i64: 3>,
        strides = array<i64: 2>, dilations = array<i64: 1>,
        padding = array<i64: 1, 1>, ceil_mode = false}
        : (tensor<2x4x5xf32>, tensor<2x4x5xi64>) -> tensor<2x4x10xf32>
    ```
  }];
  let arguments = (ins Tcc_FloatTensor:$grad,
                       StaticShapeTensorOf<[I64]>:$indices,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$dilations, DenseI64ArrayAttr:$padding,
                       BoolAttr:$ceil_mode);
  let results = (outs Tcc_FloatTensor:$result);
  let assemblyFormat = [{
    $grad `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Reductions and scans
//===----------------------------------------------------------------------===//

class Tcc_ReduceOp<string mnemonic, string what> : Tcc_Op<mnemonic, [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "reduces the given axes by " # what;
  let description = [{
    Reduces `input` over `axes` (sorted, distinct, non-negative) by }] # what # [{.
    With `keep_dims` the reduced axes stay with size 1, otherwise they are
    dropped. Reducing no axes is the identity.

    Example:

    ```mlir
    %r = tcc.}] # mnemonic # [{ %x {axes = array<i64: 1>, keep_dims = true}
        : (tensor<4x8xf32>) -> tensor<4x1xf32>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$input, DenseI64ArrayAttr:$axes,
                       BoolAttr:$keep_dims);
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Tcc_ReduceSumOp : Tcc_ReduceOp<"reduce_sum", "summation">;
def Tcc_ReduceProdOp : Tcc_ReduceOp<"reduce_prod", "multiplication">;
def Tcc_ReduceMaxOp : Tcc_ReduceOp<"reduce_max", "maximum">;
def Tcc_ReduceMinOp : Tcc_ReduceOp<"reduce_min", "minimum">;

class Tcc_ArgReduceOp<string mnemonic, string what> : Tcc_Op<mnemonic, [Pure, InferTypeOpAdaptor]> {
  let summary = "index of the " # what # " along one axis";
  let description = [{
    Returns the `i64` index of the }] # what # [{ element along `axis`. Of
    equal elements the first wins, or the last with `select_last_index`.
    With `keep_dims` the axis stays with size 1.

    Example:

    ```mlir
    %r = tcc.}] # mnemonic # [{ %x {axis = 1 : i64, keep_dims = false,
        select_last_index = false} : (tensor<4x10xf32>) -> tensor<4xi64>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$input, I64Attr:$axis,
                       BoolAttr:$keep_dims, BoolAttr:$select_last_index);
  let results = (outs StaticShapeTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_ArgMaxOp : Tcc_ArgReduceOp<"argmax", "largest">;
def Tcc_ArgMinOp : Tcc_ArgReduceOp<"argmin", "smallest">;

def Tcc_CumSumOp : Tcc_Op<"cumsum", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "cumulative sum along one axis";
  let description = [{
    Running sum along `axis`. `exclusive` leaves the current element out;
    `reverse` sums from the end.

    Example:

    ```mlir
    %r = tcc.cumsum %x {axis = 0 : i64, exclusive = false, reverse = false}
        : tensor<5xf64>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$input, I64Attr:$axis,
                       BoolAttr:$exclusive, BoolAttr:$reverse);
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($result)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Randomness (the seed is data, so the op is a pure function)
//===----------------------------------------------------------------------===//

def Tcc_RandomUniformOp : Tcc_Op<"random_uniform", [Pure,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "counter-based uniform random numbers in [0, 1)";
  let description = [{
    Fills the result with numbers uniformly distributed in [0, 1), computed
    by a counter-based generator from `seed` and each element's linear
    index, so the same seed always gives the same tensor on every target and
    thread count. The seed is an operand (state carried as data).

    Example:

    ```mlir
    %u = tcc.random_uniform %seed : (tensor<i64>) -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins Tcc_SeedTensor:$seed);
  let results = (outs Tcc_FloatTensor:$result);
  let assemblyFormat = "$seed attr-dict `:` functional-type(operands, results)";
}

#endif // TCC_NN_OPS_TD
