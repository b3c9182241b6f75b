//===- Passes.td - tcc conversion passes ------------------*- tablegen -*-===//

#ifndef TCC_CONVERSION_PASSES_TD
#define TCC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertTccToLinalgPass : Pass<"convert-tcc-to-linalg"> {
  let summary = "Lower tcc ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every tcc op into upstream ops on tensors: elementwise ops
    become one `linalg.generic` each (the scalar body comes from the op's
    `ElementwiseOpInterface`), contractions, convolutions, pooling and
    reductions become `linalg.generic`s with reduction iterators, data
    movement becomes `tensor` ops or index-computing `linalg.generic`s.
    The result is target independent and ready for tiling, fusion and
    bufferization. Fails with a diagnostic on any tcc op it cannot lower.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // TCC_CONVERSION_PASSES_TD
