//===- Passes.h - tcc conversion passes -------------------------*- C++ -*-===//

#ifndef TCC_CONVERSION_PASSES_H
#define TCC_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::tcc {

#define GEN_PASS_DECL
#include "tcc/Conversion/Passes.h.inc"

/// Patterns lowering each tcc op family to linalg/tensor/arith/math.
void populateTccElementwiseToLinalgPatterns(RewritePatternSet &patterns);
void populateTccContractionToLinalgPatterns(RewritePatternSet &patterns);
void populateTccConvolutionToLinalgPatterns(RewritePatternSet &patterns);
void populateTccReductionToLinalgPatterns(RewritePatternSet &patterns);
void populateTccDataMovementToLinalgPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "tcc/Conversion/Passes.h.inc"

} // namespace mlir::tcc

#endif // TCC_CONVERSION_PASSES_H
