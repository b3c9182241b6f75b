//===- CloneFillInits.cpp - one filled init tensor per op -----------------===//
//
// Undoes CSE's sharing of `linalg.fill` results among destination-style ops
// before bufferization, which would otherwise copy the shared zero buffer
// into every accumulator.
//
//===----------------------------------------------------------------------===//

#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_CLONEFILLINITSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {
/// The uses of `fill`'s result as the init of another destination-style
/// op, except one (the fill itself serves that one).
SmallVector<OpOperand *> initUsesToClone(linalg::FillOp fill) {
  SmallVector<OpOperand *> inits;
  bool readElsewhere = false;
  for (OpOperand &use : fill.result().getUses()) {
    auto dps = dyn_cast<DestinationStyleOpInterface>(use.getOwner());
    if (dps && dps.isDpsInit(&use))
      inits.push_back(&use);
    else
      readElsewhere = true;
  }
  // With other readers, the original stays for them and every init gets a
  // clone; else the first init after the fill in its block keeps it (use
  // lists are in no useful order).
  if (readElsewhere || inits.empty())
    return inits;
  for (Operation *op = fill->getNextNode(); op; op = op->getNextNode()) {
    auto *first = llvm::find_if(
        inits, [&](OpOperand *use) { return use->getOwner() == op; });
    if (first != inits.end()) {
      inits.erase(first);
      return inits;
    }
  }
  inits.pop_back();
  return inits;
}

struct CloneFillInitsPass
    : tcc::impl::CloneFillInitsPassBase<CloneFillInitsPass> {
  void runOnOperation() override {
    // A reshaped fill becomes a fill of the reshaped shape first, so the
    // accumulators of reductions (often reached through expand_shape) are
    // direct uses too.
    RewritePatternSet patterns(&getContext());
    linalg::FillOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    (void)applyPatternsGreedily(getOperation(), std::move(patterns));
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) {
      if (fill.hasPureTensorSemantics())
        fills.push_back(fill);
    });
    OpBuilder b(&getContext());
    for (linalg::FillOp fill : fills) {
      for (OpOperand *use : initUsesToClone(fill)) {
        b.setInsertionPoint(use->getOwner());
        IRMapping map;
        // A fresh destination too: a shared `tensor.empty` would make the
        // clones conflict with each other in bufferization.
        Value dest = fill.getDpsInits().front();
        if (auto empty = dest.getDefiningOp<tensor::EmptyOp>())
          map.map(dest, b.clone(*empty)->getResult(0));
        use->set(b.clone(*fill, map)->getResult(0));
      }
    }
  }
};
} // namespace
