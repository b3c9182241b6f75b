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

#endif // TCC_INTERFACES_TD
