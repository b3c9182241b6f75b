//===- TccInterfaces.td - tcc op interfaces ---------------*- tablegen -*-===//

#ifndef TCC_INTERFACES_TD
#define TCC_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Tcc_ElementwiseOpInterface : OpInterface<"ElementwiseOpInterface"> {
  let cppNamespace = "::mlir::tcc";
  let description = [{
    An op that applies a scalar function to each element of its (NumPy
    broadcast) operands. The op states its scalar semantics once, here; every
    consumer (the lowering to linalg, constant folding, later fusion and
    code generation for other targets) derives its work from it instead of
    knowing each op.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds the scalar computation on `args` (one scalar per operand, in
        operand order, of the operands' element types) and returns the scalar
        result of element type `resultElementType`.
      }],
      "::mlir::Value", "buildScalar",
      (ins "::mlir::OpBuilder &":$b, "::mlir::Location":$loc,
           "::mlir::ValueRange":$args, "::mlir::Type":$resultElementType)>
  ];
}

def Tcc_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::mlir::tcc";
  let description = [{
    An op that states its vector-Jacobian product (reverse-mode derivative
    rule). `tcc-autodiff` is generic: it walks a function backwards and asks
    each op, through this interface, to turn the cotangents of its results
    into cotangents of its operands.
  }];
  let methods = [
    InterfaceMethod<[{
        Given `resultGrads` (one cotangent per result, each of the result's
        type, never null), builds the cotangent of every operand at the
        builder's insertion point and stores it in `operandGrads` (which has
        one null entry per operand on entry). Entries left null have no
        gradient (integer or boolean operands, seeds). Each cotangent must
        have exactly its operand's type: broadcasting must be summed away
        (see `sumToShape`). The op's own operands and results may be used.
        Returns failure after emitting a diagnostic if the rule cannot be
        built.
      }],
      "::llvm::LogicalResult", "buildVJP",
      (ins "::mlir::OpBuilder &":$b, "::mlir::ValueRange":$resultGrads,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandGrads)>
  ];
}

#endif // TCC_INTERFACES_TD
