//===- TccToLinalg.cpp - the convert-tcc-to-linalg pass ------------------===//

#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_CONVERTTCCTOLINALGPASS
#include "tcc/Conversion/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {
struct ConvertTccToLinalgPass
    : tcc::impl::ConvertTccToLinalgPassBase<ConvertTccToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<tcc::TccDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(ctx);
    tcc::populateTccElementwiseToLinalgPatterns(patterns);
    tcc::populateTccContractionToLinalgPatterns(patterns);
    tcc::populateTccConvolutionToLinalgPatterns(patterns);
    tcc::populateTccReductionToLinalgPatterns(patterns);
    tcc::populateTccDataMovementToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
