//===- AppendLoss.cpp - append a loss to the forward function ------------===//

#include "dialects/tcc/TccOps.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_APPENDLOSSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

namespace {
struct AppendLossPass : tcc::impl::AppendLossPassBase<AppendLossPass> {
  using Base::Base;
  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(function);
    if (!func) {
      getOperation().emitError("tcc-append-loss: no function '")
          << function << "'";
      return signalPassFailure();
    }
    if (loss != "output") {
      func.emitError("tcc-append-loss: loss '") << loss << "' is not supported";
      return signalPassFailure();
    }
    // The model's first output is the loss: the loss function is the
    // forward function with that output first.
    auto lossFunc = func.clone();
    lossFunc.setName(function + "_loss");
    func->getBlock()->getOperations().insertAfter(func->getIterator(), lossFunc);
  }
};
} // namespace
