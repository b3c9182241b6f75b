//===- TccShapeOps.td - data movement ops -----------------*- tablegen -*-===//

#ifndef TCC_SHAPE_OPS_TD
#define TCC_SHAPE_OPS_TD

def Tcc_ReshapeOp : Tcc_Op<"reshape", [Pure,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "reinterprets a tensor with another shape";
  let description = [{
    Returns the elements of `input` in row-major order with the result's
    shape; the element count is unchanged. ONNX `Reshape`, `Flatten`,
    `Squeeze` and `Unsqueeze` all import to this op.

    Example:

    ```mlir
    %r = tcc.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tcc_TransposeOp : Tcc_Op<"transpose", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "permutes the dimensions";
  let description = [{
    Result dimension `i` is input dimension `permutation[i]`.

    Example:

    ```mlir
    %r = tcc.transpose %x {permutation = array<i64: 1, 0>}
        : (tensor<2x3xf32>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` functional-type(operands, results)
  }];
  let hasFolder = 1;
}

def Tcc_BroadcastToOp : Tcc_Op<"broadcast_to", [Pure,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "broadcasts a tensor to a larger shape";
  let description = [{
    Broadcasts `input` NumPy-style to the result shape: the input's
    dimensions align with the result's trailing ones and each is either
    equal or 1.

    Example:

    ```mlir
    %r = tcc.broadcast_to %x : tensor<3x1xf32> to tensor<2x3x4xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tcc_ConcatOp : Tcc_Op<"concat", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "joins tensors along one axis";
  let description = [{
    Concatenates the inputs along `axis`; all other dimensions and the
    element types agree.

    Example:

    ```mlir
    %r = tcc.concat %a, %b {axis = 1 : i64}
        : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<Tcc_Tensor>:$inputs, I64Attr:$axis);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = [{
    $inputs attr-dict `:` functional-type($inputs, results)
  }];
  let hasFolder = 1;
}

def Tcc_SliceOp : Tcc_Op<"slice", [Pure,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "strided slice, steps may be negative";
  let description = [{
    Result element `[i0, i1, ...]` is input element
    `[starts[0] + i0 * steps[0], starts[1] + i1 * steps[1], ...]`; the sizes
    are the result's shape. Every index read lies inside the input. Steps are
    non-zero and may be negative (reading backwards). The importer clamps
    ONNX's out-of-range starts and ends.

    Example:

    ```mlir
    %r = tcc.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 2, -1>}
        : tensor<4x10xf32> to tensor<2x10xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input, DenseI64ArrayAttr:$starts,
                       DenseI64ArrayAttr:$steps);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def Tcc_GatherOp : Tcc_Op<"gather", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "takes slices along one axis at the given indices";
  let description = [{
    ONNX `Gather`: the result is `input` with dimension `axis` replaced by
    the shape of `indices`. Negative indices count from the end. An index
    outside `[-D, D)` reads an unspecified element of `input` (never outside
    its buffer: indices are clamped).

    Example:

    ```mlir
    %r = tcc.gather %table, %ids {axis = 0 : i64}
        : (tensor<256x128xf32>, tensor<16x64xi64>) -> tensor<16x64x128xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input, Tcc_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_GatherElementsOp : Tcc_Op<"gather_elements", [Pure,
    InferTypeOpAdaptor, DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "takes elements along one axis at per-element indices";
  let description = [{
    ONNX `GatherElements`: the result has the shape of `indices`, and
    `result[i..., j, k...] = input[i..., indices[i..., j, k...], k...]` with
    `j` at position `axis`. Negative indices count from the end; indices are
    clamped to stay inside the input.

    Example:

    ```mlir
    %r = tcc.gather_elements %x, %idx {axis = 1 : i64}
        : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input, Tcc_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $indices attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Tcc_PadOp : Tcc_Op<"pad", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "pads a tensor with a constant, its reflection, or its edge";
  let description = [{
    Grows every dimension by `padding` (the low pads of all dimensions, then
    the high pads; all non-negative). `mode` is `"constant"` (new elements
    are `value`, a 0-d tensor of the element type), `"reflect"` (mirror
    without repeating the edge) or `"edge"` (repeat the edge).

    Example:

    ```mlir
    %r = tcc.pad %x, %zero {mode = "constant", padding = array<i64: 0, 1, 0, 1>}
        : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x4xf32>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$input, Tcc_Tensor:$value,
                       DenseI64ArrayAttr:$padding, StrAttr:$mode);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = [{
    $input `,` $value attr-dict `:` functional-type(operands, results)
  }];
}

def Tcc_ScatterAddOp : Tcc_Op<"scatter_add", [Pure, InferTypeOpAdaptor,
    DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>]> {
  let summary = "adds elements into a tensor at per-element indices along one axis";
  let description = [{
    ONNX `ScatterElements` with `reduction = "add"`, and the transpose of
    `gather_elements` (its gradient, and with broadcast indices that of
    `gather`): the result is `input` with, for every position `i` of
    `updates`,

    `result[i..., indices[i..., j, k...], k...] += updates[i..., j, k...]`

    (`j` at position `axis`). `indices` and `updates` have the same shape
    and the input's rank, and no dimension but `axis` is larger than the
    input's. Duplicate indices accumulate. Negative indices count from the
    end and indices are clamped to the input exactly as `gather_elements`
    clamps them, so an out-of-range index adds where the gather read.

    Example:

    ```mlir
    %r = tcc.scatter_add %zeros, %idx, %upd {axis = 1 : i64}
        : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
    ```
  }];
  let arguments = (ins Tcc_NumericTensor:$input, Tcc_IndexTensor:$indices,
                       Tcc_NumericTensor:$updates, I64Attr:$axis);
  let results = (outs Tcc_NumericTensor:$result);
  let assemblyFormat = [{
    $input `,` $indices `,` $updates attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

#endif // TCC_SHAPE_OPS_TD
