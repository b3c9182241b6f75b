//===- TileAndVectorize.cpp - register-tiled vector code for linalg ops --===//
//
// Turns bufferized linalg contractions (matmul, batch_matmul and generic
// contractions) into cache- and register-tiled loops around vector FMAs, and
// elementwise ops into loops over full vectors. Every tile loop is peeled so
// all tiles have static shapes: the vectorizer then needs no masks, and the
// remainder tiles are vectorized with their own (smaller) static shapes.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_TILEANDVECTORIZEPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {

/// Marks the ops a tiling step produced, so the next step finds the full and
/// the peeled copies alike (clones keep attributes). Removed at the end.
constexpr StringLiteral kStageAttr = "tcc.cpu_tile_stage";
enum Stage : int64_t { CacheTiled = 1, RegisterTiled = 2 };

/// True if every shaped operand of `op` is a statically shaped f32 memref.
bool hasStaticF32Buffers(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics())
    return false;
  for (Value v : op->getOperands()) {
    Type t = v.getType();
    if (auto memref = dyn_cast<MemRefType>(t)) {
      if (!memref.hasStaticShape() || !memref.getElementType().isF32())
        return false;
    } else if (!t.isF32()) {
      return false;
    }
  }
  return true;
}

void setStage(Operation *op, Stage stage) {
  op->setAttr(kStageAttr,
              IntegerAttr::get(IntegerType::get(op->getContext(), 64), stage));
}

SmallVector<linalg::LinalgOp> collectStage(func::FuncOp func, Stage stage) {
  SmallVector<linalg::LinalgOp> ops;
  func.walk([&](linalg::LinalgOp op) {
    auto attr = op->getAttrOfType<IntegerAttr>(kStageAttr);
    if (attr && attr.getInt() == stage)
      ops.push_back(op);
  });
  return ops;
}

/// Every canonicalization pattern of the loaded dialects and registered ops,
/// as the canonicalizer collects them: folds the peeled loops' affine.min
/// sizes into constants and the subviews (and the linalg ops on them) into
/// static shapes.
void addCanonicalizations(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  for (Dialect *dialect : ctx->getLoadedDialects())
    dialect->getCanonicalizationPatterns(patterns);
  for (RegisteredOperationName op : ctx->getRegisteredOperations())
    op.getCanonicalizationPatterns(patterns, ctx);
}

/// Not converging within the driver's limits is no error here (as in the
/// canonicalizer pass): the IR is valid either way.
void canonicalize(func::FuncOp func) {
  RewritePatternSet patterns(func.getContext());
  addCanonicalizations(patterns);
  (void)applyPatternsGreedily(func, std::move(patterns));
}

/// Tiles `op` by `sizes` (0: untiled) with loops in `interchange` order,
/// peels every tile loop (innermost first, so the outer peeled copies hold
/// already-peeled inner loops) and marks the tiled ops with `next`.
LogicalResult tileAndPeel(RewriterBase &rewriter, linalg::LinalgOp op,
                          ArrayRef<int64_t> sizes,
                          ArrayRef<unsigned> interchange, Stage next) {
  linalg::LinalgTilingOptions options;
  options.setTileSizes(sizes).setLoopType(linalg::LinalgTilingLoopType::Loops);
  if (!interchange.empty())
    options.setInterchange(interchange);
  rewriter.setInsertionPoint(op);
  FailureOr<linalg::TiledLinalgOp> tiled =
      linalg::tileLinalgOp(rewriter, op, options);
  if (failed(tiled))
    return failure();
  setStage(tiled->op, next);
  rewriter.eraseOp(op);
  for (Operation *loop : llvm::reverse(tiled->loops)) {
    auto forOp = dyn_cast<scf::ForOp>(loop);
    scf::ForOp partial;
    if (forOp)
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
  }
  return success();
}

/// The loop dimensions of a contraction that the register tile spans: the
/// output's innermost M and N dimensions and the innermost K dimension.
struct MatmulDims {
  unsigned m, n, k;
};

std::optional<MatmulDims> getMatmulDims(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op) || !hasStaticF32Buffers(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
    return std::nullopt;
  // Prefer the dimensions the output (and so the accumulator) is contiguous
  // along: the last M and N dimensions in the output's order.
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  std::optional<unsigned> m, n;
  for (AffineExpr e : outMap.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (llvm::is_contained(dims->m, d))
      m = d;
    if (llvm::is_contained(dims->n, d))
      n = d;
  }
  if (!m || !n)
    return std::nullopt;
  return MatmulDims{*m, *n, dims->k.back()};
}

/// The buffer a view (subview, cast, reshape) of `v` looks into.
Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>())
    v = view.getViewSource();
  return v;
}

/// Keeps a register tile's accumulator in registers across its K loop. In
/// a loop whose memory writes are all `vector.store`s at loop-invariant
/// places, each preceded by a `vector.load` of the same place, and whose
/// other loads read other root buffers, the loads move before the loop, the
/// stores after it, and the vectors are carried as iter_args. (Upstream's
/// `linalg::hoistRedundantVectorTransfers` refuses any transfer on a
/// subview, which is what tiling on buffers produces.)
LogicalResult hoistAccumulator(RewriterBase &rewriter, scf::ForOp loop) {
  // The place (base and indices) an access reads or writes is invariant.
  auto invariant = [&](auto access) {
    return loop.isDefinedOutsideOfLoop(access.getBase()) &&
           llvm::all_of(access.getIndices(), [&](Value v) {
             return loop.isDefinedOutsideOfLoop(v);
           });
  };
  SmallVector<vector::StoreOp> stores;
  SmallVector<vector::LoadOp> loads;
  for (Operation &op : loop.getBody()->without_terminator()) {
    if (auto load = dyn_cast<vector::LoadOp>(op))
      loads.push_back(load);
    else if (auto store = dyn_cast<vector::StoreOp>(op))
      stores.push_back(store);
    else if (!isMemoryEffectFree(&op))
      return failure();
  }
  if (stores.empty())
    return failure();
  // Pair every store with the load of the same place before it.
  SmallVector<vector::LoadOp> matched;
  llvm::SmallDenseSet<Value> roots;
  for (vector::StoreOp store : stores) {
    auto it = llvm::find_if(loads, [&](vector::LoadOp load) {
      return load.getBase() == store.getBase() &&
             load.getIndices() == store.getIndices() &&
             load.getVectorType() == store.getVectorType() &&
             load->isBeforeInBlock(store) && !llvm::is_contained(matched, load);
    });
    if (!invariant(store) || it == loads.end() || !invariant(*it) ||
        llvm::any_of(stores, [&](vector::StoreOp other) {
          return other != store && other.getBase() == store.getBase() &&
                 other.getIndices() == store.getIndices();
        }))
      return failure();
    matched.push_back(*it);
    roots.insert(rootBuffer(store.getBase()));
  }
  for (vector::LoadOp load : loads)
    if (!llvm::is_contained(matched, load) &&
        roots.contains(rootBuffer(load.getBase())))
      return failure();

  SmallVector<Value> inits;
  for (vector::LoadOp load : matched) {
    rewriter.moveOpBefore(load, loop);
    inits.push_back(load.getResult());
  }
  FailureOr<LoopLikeOpInterface> newLoop =
      cast<LoopLikeOpInterface>(loop.getOperation())
          .replaceWithAdditionalYields(
              rewriter, inits, /*replaceInitOperandUsesInLoop=*/true,
              [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                SmallVector<Value> yields;
                for (vector::StoreOp s : stores)
                  yields.push_back(s.getValueToStore());
                return yields;
              });
  if (failed(newLoop))
    return failure();
  SmallVector<Value> results(
      (*newLoop)->getResults().take_back(stores.size()));
  // In reverse, so the stores keep their order after the loop.
  for (auto [store, result] :
       llvm::reverse(llvm::zip_equal(stores, results))) {
    rewriter.moveOpAfter(store, *newLoop);
    rewriter.modifyOpInPlace(
        store, [&] { store.getValueToStoreMutable().assign(result); });
  }
  return success();
}

void hoistAccumulators(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops) {
    // Tiling puts the accumulator's subview inside the K loop.
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    (void)hoistAccumulator(rewriter, loop);
  }
}

struct TileAndVectorizePass
    : tcc::impl::TileAndVectorizePassBase<TileAndVectorizePass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *ctx) override;
  void runOnOperation() override;

private:
  LogicalResult tileMatmuls(func::FuncOp func);
  LogicalResult tileElementwise(func::FuncOp func);
  void vectorizeTiles(func::FuncOp func);
  void lowerVectors(func::FuncOp func);

  /// The effective tile sizes (options, or the defaults).
  SmallVector<int64_t, 3> regTiles, l2Tiles;
};

LogicalResult TileAndVectorizePass::initialize(MLIRContext *ctx) {
  auto check = [&](ArrayRef<int64_t> tiles, StringRef name,
                   bool allowZero) -> LogicalResult {
    if (tiles.size() == 3 && llvm::all_of(tiles, [&](int64_t t) {
          return t > 0 || (allowZero && t == 0);
        }))
      return success();
    return emitError(UnknownLoc::get(ctx))
           << "tcc-cpu-tile-and-vectorize: '" << name << "' must be three "
           << (allowZero ? "non-negative" : "positive") << " integers M,N,K";
  };
  regTiles.assign(registerTiles.begin(), registerTiles.end());
  if (regTiles.empty())
    regTiles = {6, 16, 1};
  l2Tiles.assign(cacheTiles.begin(), cacheTiles.end());
  if (l2Tiles.empty())
    l2Tiles = {72, 256, 256};
  if (failed(check(regTiles, "register-tiles", false)) ||
      failed(check(l2Tiles, "cache-tiles", true)))
    return failure();
  if (vectorWidth < 0)
    return emitError(UnknownLoc::get(ctx))
           << "tcc-cpu-tile-and-vectorize: 'vector-width' must be >= 0";
  return success();
}

/// Contractions: a cache tile with loops (N, K, M) so a KC x NC panel of B
/// is reused across M, then a register tile with loops (N, M, K).
LogicalResult TileAndVectorizePass::tileMatmuls(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  SmallVector<std::pair<linalg::LinalgOp, MatmulDims>> todo;
  func.walk([&](linalg::LinalgOp op) {
    if (std::optional<MatmulDims> dims = getMatmulDims(op))
      todo.push_back({op, *dims});
  });
  // Tile sizes and loop order over all loop dimensions; the other (batch,
  // extra M/N/K) dimensions get tile 1 and go outermost.
  auto plan = [](linalg::LinalgOp op, MatmulDims d, ArrayRef<int64_t> tiles,
                 ArrayRef<unsigned> order, bool others,
                 SmallVector<int64_t> &sizes,
                 SmallVector<unsigned> &interchange) {
    unsigned rank = op.getNumLoops();
    sizes.assign(rank, others ? 1 : 0);
    interchange.clear();
    unsigned dimOf[3] = {d.m, d.n, d.k};
    for (unsigned i = 0; i < 3; ++i)
      sizes[dimOf[i]] = tiles[i];
    for (unsigned l = 0; l < rank; ++l)
      if (l != d.m && l != d.n && l != d.k)
        interchange.push_back(l);
    for (unsigned i : order)
      interchange.push_back(dimOf[i]);
  };
  for (auto [op, dims] : todo) {
    SmallVector<int64_t> sizes;
    SmallVector<unsigned> interchange;
    if (llvm::all_of(l2Tiles, [](int64_t t) { return t != 0; })) {
      plan(op, dims, l2Tiles, {1, 2, 0}, /*others=*/true, sizes,
           interchange);
      if (failed(tileAndPeel(rewriter, op, sizes, interchange, CacheTiled)))
        return op->emitError("cannot tile this contraction for the cache");
    } else {
      setStage(op, CacheTiled);
    }
  }
  canonicalize(func);
  for (linalg::LinalgOp op : collectStage(func, CacheTiled)) {
    std::optional<MatmulDims> dims = getMatmulDims(op);
    if (!dims) // Left with dynamic sizes: stays scalar.
      continue;
    SmallVector<int64_t> sizes;
    SmallVector<unsigned> interchange;
    plan(op, *dims, regTiles, {1, 0, 2}, /*others=*/true, sizes,
         interchange);
    if (failed(tileAndPeel(rewriter, op, sizes, interchange, RegisterTiled)))
      return op->emitError("cannot tile this contraction for registers");
  }
  return success();
}

/// Elementwise ops, fills, transposes and simple reductions: tiles of one
/// vector along the innermost loop and 1 along the others.
LogicalResult TileAndVectorizePass::tileElementwise(func::FuncOp func) {
  if (vectorWidth == 0)
    return success();
  IRRewriter rewriter(func.getContext());
  SmallVector<linalg::LinalgOp> todo;
  func.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kStageAttr) || op.getNumLoops() == 0 ||
        !hasStaticF32Buffers(op) || linalg::isaContractionOpInterface(op) ||
        isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
        failed(linalg::vectorizeOpPrecondition(op)))
      return;
    todo.push_back(op);
  });
  for (linalg::LinalgOp op : todo) {
    SmallVector<int64_t> sizes(op.getNumLoops(), 1);
    sizes.back() = vectorWidth;
    if (failed(tileAndPeel(rewriter, op, sizes, {}, RegisterTiled)))
      return op->emitError("cannot tile this op into vectors");
  }
  return success();
}

/// Vectorizes the register tiles whose shapes canonicalization made static;
/// the others stay for convert-linalg-to-loops.
void TileAndVectorizePass::vectorizeTiles(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  for (linalg::LinalgOp op : collectStage(func, RegisterTiled)) {
    op->removeAttr(kStageAttr);
    if (!hasStaticF32Buffers(op) ||
        failed(linalg::vectorizeOpPrecondition(op)))
      continue;
    rewriter.setInsertionPoint(op);
    FailureOr<linalg::VectorizationResult> result = linalg::vectorize(
        rewriter, op, /*inputVectorSizes=*/{}, /*inputScalableVecDims=*/{},
        /*vectorizeNDExtract=*/false, /*flatten1DDepthwiseConv=*/false,
        /*assumeDynamicDimsMatchVecSizes=*/false,
        /*createNamedContraction=*/true);
    if (succeeded(result))
      rewriter.replaceOp(op, result->replacements);
  }
  // Tiles that were never vectorized (dynamic leftovers) lose their marks.
  func.walk([](Operation *op) { op->removeAttr(kStageAttr); });
}

/// Down to 1-D vector loads, stores and FMAs, which convert-to-llvm takes:
/// contractions become outer products (a broadcast and an FMA per row),
/// n-D transfers are unrolled into 1-D ones.
void TileAndVectorizePass::lowerVectors(func::FuncOp func) {
  MLIRContext *ctx = func.getContext();
  {
    // Unit dimensions first (batch dimensions of tile 1, the 1x..x1xW
    // elementwise tiles), so contractions are plain matmuls for the
    // outer-product lowering and elementwise ops work on W-vectors.
    RewritePatternSet patterns(ctx);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    addCanonicalizations(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
  {
    RewritePatternSet patterns(ctx);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorOuterProductLoweringPatterns(patterns);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::populateCastAwayVectorLeadingOneDimPatterns(patterns);
    addCanonicalizations(patterns);
    (void)applyPatternsGreedily(func, std::move(patterns));
  }
  RewritePatternSet patterns(ctx);
  vector::populateVectorTransposeLoweringPatterns(
      patterns, vector::VectorTransposeLowering::EltWise);
  vector::populateVectorBroadcastLoweringPatterns(patterns);
  vector::populateVectorShapeCastLoweringPatterns(patterns);
  vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
  populateVectorToSCFConversionPatterns(
      patterns, VectorTransferToSCFOptions().enableFullUnroll().setTargetRank(1));
  vector::populateVectorTransferLoweringPatterns(patterns,
                                                 /*maxTransferRank=*/1);
  // No canonicalizations here: they turn shape_casts and broadcasts back
  // into the forms these patterns lower, without end.
  (void)applyPatternsGreedily(func, std::move(patterns));
}

void TileAndVectorizePass::runOnOperation() {
  func::FuncOp func = getOperation();
  if (failed(tileMatmuls(func)) || failed(tileElementwise(func)))
    return signalPassFailure();
  canonicalize(func);
  vectorizeTiles(func);
  canonicalize(func);
  // On 1-D loads and stores, so each accumulator row is its own iter_arg
  // (n-D vectors would become LLVM aggregates).
  lowerVectors(func);
  hoistAccumulators(func);
}

} // namespace
