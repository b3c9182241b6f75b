//===- CollapseContractionDims.cpp - flat loops for contractions ---------===//
//
// Reshape propagation (linalg-fuse-elementwise-ops folds collapse_shape and
// expand_shape ops into the linalg ops next to them) splits the flat matrix
// dimensions of a contraction back into the shapes around it: an im2col
// convolution's (n, g, m, p, r) becomes (n, g, m, oh, ow, c, kh, kw), and
// tcc-cpu-tile-and-vectorize, which register-tiles only the innermost M, N
// and K loops, then sees N = ow (14) and K = kw (3). This pass merges every
// run of consecutive loops of one iterator type that stays contiguous in
// all operands back into one loop (linalg::collapseOpIterationDims), with
// reshapes of the operands, which are free on contiguous tensors.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_COLLAPSECONTRACTIONDIMSPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {

/// Greedy maximal runs of consecutive loops with one iterator type that
/// every indexing map keeps contiguous; only runs of two or more.
SmallVector<ReassociationIndices> collapsibleRuns(linalg::LinalgOp op) {
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
  SmallVector<ReassociationIndices> runs;
  ReassociationIndices run{0};
  auto close = [&] {
    if (run.size() > 1)
      runs.push_back(run);
  };
  for (int64_t d = 1, e = op.getNumLoops(); d < e; ++d) {
    ReassociationIndices longer(run);
    longer.push_back(d);
    if (iterators[d] == iterators[run.front()] &&
        linalg::areDimSequencesPreserved(maps, {longer})) {
      run = std::move(longer);
      continue;
    }
    close();
    run = {d};
  }
  close();
  return runs;
}

struct CollapseContractionDimsPass
    : tcc::impl::CollapseContractionDimsPassBase<CollapseContractionDimsPass> {
  void runOnOperation() override {
    SmallVector<linalg::GenericOp> todo;
    getOperation().walk([&](linalg::GenericOp op) {
      if (op.hasPureTensorSemantics() && op.getNumLoops() > 1 &&
          linalg::isaContractionOpInterface(op))
        todo.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::GenericOp op : todo) {
      SmallVector<ReassociationIndices> runs = collapsibleRuns(op);
      if (runs.empty())
        continue;
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::CollapseResult> collapsed =
          linalg::collapseOpIterationDims(op, runs, rewriter);
      if (succeeded(collapsed))
        rewriter.replaceOp(op, collapsed->results);
    }
  }
};

} // namespace
