//===- TccElementwiseOps.td - elementwise ops -------------*- tablegen -*-===//

#ifndef TCC_ELEMENTWISE_OPS_TD
#define TCC_ELEMENTWISE_OPS_TD

//===----------------------------------------------------------------------===//
// Binary ops with NumPy broadcasting
//===----------------------------------------------------------------------===//

class Tcc_BroadcastingOp<string mnemonic, list<Trait> traits = []>
    : Tcc_Op<mnemonic, traits # [Pure, InferTypeOpAdaptor,
          DeclareOpInterfaceMethods<Tcc_ElementwiseOpInterface>]> {
  let assemblyFormat = [{
    operands attr-dict `:` functional-type(operands, results)
  }];
}

class Tcc_BinaryOp<string mnemonic, string what, Type operandType,
                   list<Trait> traits = []>
    : Tcc_BroadcastingOp<mnemonic, traits> {
  let summary = "elementwise " # what # " with broadcasting";
  let description = [{
    Computes }] # what # [{ of the two operands element by element. The
    operands have the same element type and NumPy-broadcastable shapes; the
    result has the broadcast shape. Integer operations are signed.

    Example:

    ```mlir
    %r = tcc.}] # mnemonic # [{ %a, %b
        : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
    ```
  }];
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs Tcc_Tensor:$result);
}

// Ops whose float results carry gradients state their VJP (buildVJP in
// TccElementwiseOps.cpp). Boolean results (comparisons, and/or/xor/not) carry
// none, so those ops need no rule: tcc-autodiff never asks them.
// (A file-specific name: the other op files may define their own.)
defvar Tcc_EwDifferentiable = DeclareOpInterfaceMethods<Tcc_DifferentiableOpInterface>;

def Tcc_AddOp : Tcc_BinaryOp<"add", "the sum", Tcc_NumericTensor, [Commutative, Tcc_EwDifferentiable]>;
def Tcc_SubOp : Tcc_BinaryOp<"sub", "the difference", Tcc_NumericTensor, [Tcc_EwDifferentiable]>;
def Tcc_MulOp : Tcc_BinaryOp<"mul", "the product", Tcc_NumericTensor, [Commutative, Tcc_EwDifferentiable]>;
def Tcc_DivOp : Tcc_BinaryOp<"div", "the quotient (integer division truncates)", Tcc_NumericTensor, [Tcc_EwDifferentiable]>;
def Tcc_PowOp : Tcc_BinaryOp<"pow", "`lhs` raised to the power `rhs`", Tcc_NumericTensor, [Tcc_EwDifferentiable]>;
def Tcc_MaxOp : Tcc_BinaryOp<"max", "the maximum (NaN propagates)", Tcc_NumericTensor, [Commutative, Tcc_EwDifferentiable]>;
def Tcc_MinOp : Tcc_BinaryOp<"min", "the minimum (NaN propagates)", Tcc_NumericTensor, [Commutative, Tcc_EwDifferentiable]>;
def Tcc_AndOp : Tcc_BinaryOp<"and", "the logical and", Tcc_BoolTensor, [Commutative]>;
def Tcc_OrOp : Tcc_BinaryOp<"or", "the logical or", Tcc_BoolTensor, [Commutative]>;
def Tcc_XorOp : Tcc_BinaryOp<"xor", "the logical exclusive or", Tcc_BoolTensor, [Commutative]>;

class Tcc_CompareOp<string mnemonic, string what>
    : Tcc_BroadcastingOp<mnemonic> {
  let summary = "elementwise comparison `lhs " # what # " rhs` with broadcasting";
  let description = [{
    Compares the operands element by element (`lhs }] # what # [{ rhs`) and
    returns a boolean (`i1`) tensor of the broadcast shape. Float
    comparisons are ordered: any comparison with NaN is false.

    Example:

    ```mlir
    %r = tcc.}] # mnemonic # [{ %a, %b
        : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xi1>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$lhs, Tcc_Tensor:$rhs);
  let results = (outs Tcc_BoolTensor:$result);
}

def Tcc_EqualOp : Tcc_CompareOp<"equal", "==">;
def Tcc_LessOp : Tcc_CompareOp<"less", "<">;
def Tcc_LessEqualOp : Tcc_CompareOp<"less_equal", "<=">;
def Tcc_GreaterOp : Tcc_CompareOp<"greater", ">">;
def Tcc_GreaterEqualOp : Tcc_CompareOp<"greater_equal", ">=">;

def Tcc_SelectOp : Tcc_BroadcastingOp<"select", [Tcc_EwDifferentiable]> {
  let summary = "elementwise choice between two tensors, with broadcasting";
  let description = [{
    Returns `on_true` where `condition` is true and `on_false` elsewhere.
    All three operands broadcast against each other (ONNX `Where`).

    Example:

    ```mlir
    %r = tcc.select %c, %a, %b
        : (tensor<2x2xi1>, tensor<2x2xf32>, tensor<f32>) -> tensor<2x2xf32>
    ```
  }];
  let arguments = (ins Tcc_BoolTensor:$condition, Tcc_Tensor:$on_true,
                       Tcc_Tensor:$on_false);
  let results = (outs Tcc_Tensor:$result);
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

class Tcc_UnaryOp<string mnemonic, string what, Type operandType,
                  list<Trait> traits = [Tcc_EwDifferentiable]>
    : Tcc_Op<mnemonic, traits # [Pure, SameOperandsAndResultType,
          DeclareOpInterfaceMethods<Tcc_ElementwiseOpInterface>]> {
  let summary = "elementwise " # what;
  let description = [{
    Computes }] # what # [{ of every element.

    Example:

    ```mlir
    %r = tcc.}] # mnemonic # [{ %x : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins operandType:$operand);
  let results = (outs operandType:$result);
  let assemblyFormat = "$operand attr-dict `:` type($result)";
}

def Tcc_NegOp : Tcc_UnaryOp<"neg", "the negation", Tcc_NumericTensor>;
def Tcc_AbsOp : Tcc_UnaryOp<"abs", "the absolute value", Tcc_NumericTensor>;
def Tcc_ReluOp : Tcc_UnaryOp<"relu", "the rectifier `max(x, 0)` (ONNX `Relu`: "
    "a NaN stays NaN; the derivative is 1 where the result is positive and 0 "
    "elsewhere, at 0 too, as PyTorch's, where `tcc.max` would split a tie)",
    Tcc_NumericTensor>;
def Tcc_SignOp : Tcc_UnaryOp<"sign", "the sign (-1, 0 or 1)", Tcc_NumericTensor>;
def Tcc_ExpOp : Tcc_UnaryOp<"exp", "the exponential", Tcc_FloatTensor>;
def Tcc_LogOp : Tcc_UnaryOp<"log", "the natural logarithm", Tcc_FloatTensor>;
def Tcc_SqrtOp : Tcc_UnaryOp<"sqrt", "the square root", Tcc_FloatTensor>;
def Tcc_RsqrtOp : Tcc_UnaryOp<"rsqrt", "the reciprocal square root", Tcc_FloatTensor>;
def Tcc_ReciprocalOp : Tcc_UnaryOp<"reciprocal", "the reciprocal `1 / x`", Tcc_FloatTensor>;
def Tcc_TanhOp : Tcc_UnaryOp<"tanh", "the hyperbolic tangent", Tcc_FloatTensor>;
def Tcc_ErfOp : Tcc_UnaryOp<"erf", "the error function", Tcc_FloatTensor>;
def Tcc_SigmoidOp : Tcc_UnaryOp<"sigmoid", "the logistic function `1 / (1 + exp(-x))`", Tcc_FloatTensor>;
def Tcc_SinOp : Tcc_UnaryOp<"sin", "the sine", Tcc_FloatTensor>;
def Tcc_CosOp : Tcc_UnaryOp<"cos", "the cosine", Tcc_FloatTensor>;
def Tcc_FloorOp : Tcc_UnaryOp<"floor", "the largest integer not greater than the element", Tcc_FloatTensor>;
def Tcc_CeilOp : Tcc_UnaryOp<"ceil", "the smallest integer not less than the element", Tcc_FloatTensor>;
def Tcc_NotOp : Tcc_UnaryOp<"not", "the logical negation", Tcc_BoolTensor, []>;

def Tcc_ConvertOp : Tcc_Op<"convert", [Pure, SameOperandsAndResultShape,
      DeclareOpInterfaceMethods<Tcc_ElementwiseOpInterface>, Tcc_EwDifferentiable]> {
  let summary = "elementwise conversion to another element type";
  let description = [{
    Converts every element to the result's element type, as ONNX `Cast`
    does: floats to integers truncate toward zero, numbers to booleans test
    for non-zero, booleans become 0 or 1.

    Example:

    ```mlir
    %r = tcc.convert %x : tensor<4xf32> to tensor<4xi64>
    ```
  }];
  let arguments = (ins Tcc_Tensor:$operand);
  let results = (outs Tcc_Tensor:$result);
  let assemblyFormat = "$operand attr-dict `:` type($operand) `to` type($result)";
  let hasFolder = 1;
}

#endif // TCC_ELEMENTWISE_OPS_TD
