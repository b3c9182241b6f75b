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

#include "Accumulators.h"
#include "PackPanels.h"

#include <array>

#include "mlir/Conversion/VectorToSCF/VectorToSCF.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
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
using namespace mlir::tcc::cpu;

namespace {

/// Marks the ops a tiling step produced, so the next step finds the full and
/// the peeled copies alike (clones keep attributes). Removed at the end.
constexpr StringLiteral kStageAttr = "tcc.cpu_tile_stage";
enum Stage : int64_t {
  ThreadTiled = 1,
  ToPack = 2, // A block of M rows whose B panel gets packed.
  CacheTiled = 3,
  RegisterTiled = 4
};

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

/// True for the elementwise path: static memrefs of f32, i32 or i64, at
/// least one of them f32 (pooling's argmax and its gradient mix f32 values
/// with i64 indices). Purely integer ops stay scalar; i1/i8 memrefs too
/// (a vector<Nxi1> store packs bits where the memref holds a byte each).
bool hasStaticElementwiseBuffers(linalg::LinalgOp op) {
  if (!op.hasPureBufferSemantics())
    return false;
  bool anyF32 = false;
  for (Value v : op->getOperands()) {
    Type t = v.getType();
    if (auto memref = dyn_cast<MemRefType>(t)) {
      if (!memref.hasStaticShape())
        return false;
      t = memref.getElementType();
    }
    anyF32 |= t.isF32();
    auto integer = dyn_cast<IntegerType>(t);
    if (!t.isF32() &&
        !(integer && (integer.getWidth() == 32 || integer.getWidth() == 64)))
      return false;
  }
  return anyF32;
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
/// already-peeled inner loops) and marks the tiled ops with `next`. Returns
/// the tile loops, outermost first.
FailureOr<SmallVector<Operation *>>
tileAndPeel(RewriterBase &rewriter, linalg::LinalgOp op,
            ArrayRef<int64_t> sizes, ArrayRef<unsigned> interchange,
            Stage next) {
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
  // The register tile's K loop (innermost) starts from the output's fill.
  if (Attribute init = op->getAttr(kInitAttr); init && !tiled->loops.empty())
    tiled->loops.back()->setAttr(kInitAttr, init);
  rewriter.eraseOp(op);
  for (Operation *loop : llvm::reverse(tiled->loops)) {
    auto forOp = dyn_cast<scf::ForOp>(loop);
    scf::ForOp partial;
    if (forOp)
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, forOp, partial);
  }
  return SmallVector<Operation *>(tiled->loops.begin(), tiled->loops.end());
}

std::optional<MatmulDims> getMatmulDims(linalg::LinalgOp op) {
  if (!linalg::isaContractionOpInterface(op) || !hasStaticF32Buffers(op))
    return std::nullopt;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  if (failed(dims) || dims->m.empty() || dims->n.empty() || dims->k.empty())
    return std::nullopt;
  // Prefer the dimensions the output (and so the accumulator) is contiguous
  // along: the last M and N dimensions in the output's order that have more
  // than one iteration. Once B is a packed panel, indexed by (k, n) only,
  // the batch loops count as M loops too: a head loop between the rows and
  // columns of the output (attention's [b, t, h, d]) must not become the
  // M of the register tile.
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  std::optional<unsigned> m, n;
  auto better = [&](std::optional<unsigned> current, unsigned d) {
    return !current || ranges[d] != 1 || ranges[*current] == 1;
  };
  for (AffineExpr e : outMap.getResults()) {
    unsigned d = cast<AffineDimExpr>(e).getPosition();
    if (llvm::is_contained(dims->m, d) && better(m, d))
      m = d;
    if (llvm::is_contained(dims->n, d) && better(n, d))
      n = d;
  }
  if (!m || !n)
    return std::nullopt;
  return MatmulDims{*m, *n, dims->k.back()};
}

/// True if `op` already runs inside a parallel loop: a nested fork would
/// oversubscribe the cores.
bool insideParallelLoop(Operation *op) {
  return op->getParentOfType<scf::ParallelOp>() ||
         op->getParentOfType<scf::ForallOp>() ||
         op->getParentOfType<omp::ParallelOp>();
}

/// Replaces a loop without iter_args by an `scf.parallel` over the same
/// range (the iterations write disjoint tiles).
void makeParallel(RewriterBase &rewriter, scf::ForOp loop) {
  rewriter.setInsertionPoint(loop);
  auto par = scf::ParallelOp::create(
      rewriter, loop.getLoc(), ValueRange{loop.getLowerBound()},
      ValueRange{loop.getUpperBound()}, ValueRange{loop.getStep()});
  rewriter.eraseOp(loop.getBody()->getTerminator());
  rewriter.inlineBlockBefore(loop.getBody(), par.getBody()->getTerminator(),
                             par.getInductionVars());
  rewriter.eraseOp(loop);
}

/// At most `tile` (0: untiled) wide blocks of `range`, evened out so the
/// last is not much smaller than the others (threads get equal work), in
/// multiples of `unit` (the register tile).
int64_t balancedTile(int64_t range, int64_t tile, int64_t unit) {
  if (tile <= 0 || tile >= range)
    return range;
  int64_t count = llvm::divideCeil(range, tile);
  int64_t even = llvm::divideCeil(range, count);
  return std::min<int64_t>(tile, llvm::divideCeil(even, unit) * unit);
}

/// Which tiles of a contraction (M rows, N columns) threads share: the N
/// cache tiles, each thread packing its own panels of B (one fork per op and
/// packing in parallel), or the M blocks of each cache tile (a fork per cache
/// tile, after packing its panel once). Returns the N tile to share, or
/// nullopt for the M blocks. N tiles are shared when they divide evenly
/// among threads (an even count or many of them), or when M is one block
/// (N then split in two if it is a single tile).
std::optional<int64_t> parallelNTile(int64_t m, int64_t n, int64_t nTile,
                                     int64_t mTile, int64_t mUnit,
                                     int64_t nUnit) {
  int64_t nTiles = llvm::divideCeil(n, nTile);
  int64_t mBlocks = llvm::divideCeil(m, balancedTile(m, mTile, mUnit));
  if (nTiles == 1 && mBlocks == 1 && n >= 2 * nUnit)
    return llvm::divideCeil(llvm::divideCeil(n, 2), nUnit) * nUnit;
  if (nTiles >= 2 && (nTiles % 2 == 0 || nTiles >= 8 || mBlocks == 1))
    return nTile;
  return std::nullopt;
}

/// A loop over the tiles of one loop dimension of a linalg op.
struct TileLoop {
  unsigned dim;
  int64_t tile, count;
};

/// Tile loops, outermost first; the first `numParallel` form one
/// `scf.parallel`, the others serial `scf.for`s inside it.
struct TilePlan {
  SmallVector<TileLoop> loops;
  unsigned numParallel = 0;
  /// The loop (over K cache tiles) of which only the first tile keeps the
  /// op's `kInitAttr`: the later tiles add to what it stored.
  std::optional<unsigned> initLoop;
};

/// Adds a loop over `dim` in tiles of `tile` if that makes more than one.
void addTileLoop(TilePlan &plan, ArrayRef<int64_t> ranges, unsigned dim,
                 int64_t tile) {
  int64_t count = llvm::divideCeil(ranges[dim], tile);
  if (count > 1)
    plan.loops.push_back({dim, tile, count});
}

int64_t flopsOf(linalg::LinalgOp op) {
  int64_t flops = 2;
  for (int64_t range : op.getStaticLoopRanges())
    flops *= range;
  return flops;
}

/// Emits the tile of `op` at tile indices `ivs` (one per loop of `plan`):
/// one copy of the op per combination of full and partial (last, smaller)
/// tiles, chosen by `scf.if`, so every copy has static sizes for the later
/// tiling steps.
void emitTile(OpBuilder &b, Location loc, linalg::LinalgOp op,
              const TilePlan &plan, ValueRange ivs, Stage next,
              SmallVector<int64_t> sizes, bool dropInit, unsigned from = 0) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  // Branch on the next loop whose last tile is partial.
  for (unsigned i = from; i < plan.loops.size(); ++i) {
    TileLoop loop = plan.loops[i];
    int64_t rest = ranges[loop.dim] % loop.tile;
    if (rest == 0)
      continue;
    Value last = arith::ConstantIndexOp::create(b, loc, loop.count - 1);
    Value isLast = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         ivs[i], last);
    auto branch = [&](int64_t size) {
      return [&, size](OpBuilder &nested, Location nestedLoc) {
        SmallVector<int64_t> s = sizes;
        s[loop.dim] = size;
        emitTile(nested, nestedLoc, op, plan, ivs, next, s, dropInit, i + 1);
        scf::YieldOp::create(nested, nestedLoc);
      };
    };
    scf::IfOp::create(b, loc, isLast, branch(rest), branch(loop.tile));
    return;
  }
  SmallVector<OpFoldResult> offsets(ranges.size(), b.getIndexAttr(0));
  for (auto [loop, iv] : llvm::zip_equal(plan.loops, ivs)) {
    Value tile = arith::ConstantIndexOp::create(b, loc, loop.tile);
    offsets[loop.dim] = arith::MulIOp::create(b, loc, iv, tile).getResult();
  }
  SmallVector<OpFoldResult> tileSizes, bounds;
  for (auto [size, range] : llvm::zip_equal(sizes, ranges)) {
    tileSizes.push_back(b.getIndexAttr(size));
    bounds.push_back(b.getIndexAttr(range));
  }
  SmallVector<Value> operands =
      linalg::makeTiledShapes(b, loc, op, op->getOperands(), offsets,
                              tileSizes, bounds, /*omitPartialTileCheck=*/true);
  Operation *tile = clone(b, op, TypeRange{}, operands);
  setStage(tile, next);
  if (dropInit)
    tile->removeAttr(kInitAttr);
}

/// `emitTile`, with the first tile of `plan.initLoop` (if any) apart: it
/// alone keeps the op's `kInitAttr`, and its index there is the constant 0
/// (so its offsets and partial-tile tests fold).
void emitTiles(OpBuilder &b, Location loc, linalg::LinalgOp op,
               const TilePlan &plan, ValueRange ivs, Stage next,
               ArrayRef<int64_t> sizes) {
  SmallVector<int64_t> s(sizes);
  if (!plan.initLoop || !op->hasAttr(kInitAttr)) {
    emitTile(b, loc, op, plan, ivs, next, s, /*dropInit=*/false);
    return;
  }
  unsigned i = *plan.initLoop;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value isFirst = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                        ivs[i], zero);
  auto branch = [&](bool first) {
    return [&, first](OpBuilder &nested, Location nestedLoc) {
      SmallVector<Value> tileIvs(ivs.begin(), ivs.end());
      if (first)
        tileIvs[i] = zero;
      emitTile(nested, nestedLoc, op, plan, tileIvs, next, s, !first);
      scf::YieldOp::create(nested, nestedLoc);
    };
  };
  scf::IfOp::create(b, loc, isFirst, branch(true), branch(false));
}

/// Replaces `op` by its tiles in the loops of `plan`, each tile marked with
/// `next` (the op itself is marked if there are no loops).
void tileOp(RewriterBase &rewriter, linalg::LinalgOp op, const TilePlan &plan,
            Stage next) {
  if (plan.loops.empty()) {
    setStage(op, next);
    return;
  }
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  SmallVector<Value> lbs(plan.loops.size(), zero),
      steps(plan.loops.size(), one), ubs;
  for (TileLoop loop : plan.loops)
    ubs.push_back(arith::ConstantIndexOp::create(rewriter, loc, loop.count));
  SmallVector<int64_t> sizes = op.getStaticLoopRanges();
  for (TileLoop loop : plan.loops)
    sizes[loop.dim] = loop.tile;
  unsigned p = plan.numParallel;
  auto serial = [&](OpBuilder &b, Location l, ValueRange outerIvs) {
    ArrayRef<Value> lb(lbs), ub(ubs), st(steps);
    scf::buildLoopNest(
        b, l, lb.drop_front(p), ub.drop_front(p), st.drop_front(p),
        [&](OpBuilder &nested, Location nestedLoc, ValueRange innerIvs) {
          SmallVector<Value> ivs(outerIvs.begin(), outerIvs.end());
          llvm::append_range(ivs, innerIvs);
          emitTiles(nested, nestedLoc, op, plan, ivs, next, sizes);
        });
  };
  if (p == 0) {
    serial(rewriter, loc, {});
  } else {
    ArrayRef<Value> lb(lbs), ub(ubs), st(steps);
    scf::ParallelOp::create(rewriter, loc, lb.take_front(p), ub.take_front(p),
                            st.take_front(p), serial);
  }
  rewriter.eraseOp(op);
}

/// Where the packing buffer of a contraction goes: the body of the parallel
/// loop it runs in (one buffer per thread), else the function's entry block
/// (shared by the threads of the M blocks forked after packing); null inside
/// other kinds of parallel regions.
Block *scratchHome(linalg::LinalgOp op, func::FuncOp func) {
  if (auto par = op->getParentOfType<scf::ParallelOp>())
    return par.getBody();
  return insideParallelLoop(op) ? nullptr : &func.getBody().front();
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
  Value createScratch(func::FuncOp func, Block *home);
  bool startsFromFill(linalg::LinalgOp op, MatmulDims d) const;

  /// The effective tile sizes (options, or the defaults).
  SmallVector<int64_t, 3> regTiles, l2Tiles;
  /// Elements of the packing scratch buffer: the largest K x N panel.
  int64_t scratchSize() const {
    return int64_t(llvm::alignTo(l2Tiles[1], regTiles[1])) * l2Tiles[2];
  }
  /// Rows of A below which packing B costs more than it saves.
  static constexpr int64_t kMinPackRows = 48;
  /// Parallel iterations that get a packing buffer each in the arena
  /// (beyond, each allocates its own).
  static constexpr int64_t kMaxScratchSlots = 16;
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

/// Contractions: a cache tile of K x N (the panel of B that stays in
/// cache) in loops (batch, N, K), then within it blocks of M rows (A streams
/// past the panel), then a register tile with loops (N, M, K). The panel
/// of B is packed (PackPanels.h) whether B is laid out K x N or N x K;
/// contraction generics become `linalg.contract` before register tiling
/// (vectorized to FMAs, not multi-reductions). A contraction whose output
/// was just filled with a constant is marked (`kInitAttr`), and so are the
/// tiles of its first K cache tile: their accumulators start at the
/// constant (Accumulators.h); the later K tiles load what it stored.
///
/// Threads (ops of at least `min-parallel-flops` flops): batch dimensions,
/// if any, are the parallel loop; else the N cache tiles when they share
/// well among threads (`parallelNTile`); else the M blocks of each cache
/// tile big enough to pay for a fork.
/// K is never split across threads, so every sum is computed in the same
/// order whatever the thread count. A fork/join of libomp's team costs a
/// few microseconds; the default threshold (1 MFLOP, about 20 us on one
/// core) keeps that overhead small.
LogicalResult TileAndVectorizePass::tileMatmuls(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  bool cacheTiling = llvm::all_of(l2Tiles, [](int64_t t) { return t != 0; });
  // Packing buffers, one per block they are allocated in.
  llvm::DenseMap<Block *, Value> scratches;
  SmallVector<std::pair<linalg::LinalgOp, MatmulDims>> todo;
  func.walk([&](linalg::LinalgOp op) {
    if (std::optional<MatmulDims> dims = getMatmulDims(op))
      todo.push_back({op, *dims});
  });
  int64_t fills = 0;
  for (auto [op, d] : todo) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (startsFromFill(op, d))
      if (linalg::FillOp fill = initFill(op)) {
        auto id = rewriter.getI64IntegerAttr(fills++);
        op->setAttr(kInitAttr, id);
        fill->setAttr(kInitAttr, id);
      }
    SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
    TilePlan plan;
    for (unsigned l = 0; l < ranges.size(); ++l)
      if (l != d.m && l != d.n && l != d.k)
        addTileLoop(plan, ranges, l, 1);
    // Batch loops run in parallel when the whole op pays for it.
    bool parallel = flopsOf(op) >= minParallelFlops && !insideParallelLoop(op);
    while (parallel && plan.numParallel < plan.loops.size() &&
           iters[plan.loops[plan.numParallel].dim] ==
               utils::IteratorType::parallel)
      ++plan.numParallel;
    if (cacheTiling) {
      int64_t nTile = balancedTile(ranges[d.n], l2Tiles[1], regTiles[1]);
      std::optional<int64_t> parallelN;
      if (parallel && plan.loops.empty())
        parallelN = parallelNTile(ranges[d.m], ranges[d.n], nTile, l2Tiles[0],
                                  regTiles[0], regTiles[1]);
      addTileLoop(plan, ranges, d.n, parallelN.value_or(nTile));
      addTileLoop(plan, ranges, d.k,
                  balancedTile(ranges[d.k], l2Tiles[2], regTiles[2]));
      if (!plan.loops.empty() && plan.loops.back().dim == d.k)
        plan.initLoop = plan.loops.size() - 1;
      if (parallelN)
        plan.numParallel = 1;
    }
    if (op.hasIndexSemantics())
      plan = TilePlan(); // linalg.index would need offsets: untiled.
    tileOp(rewriter, op, plan, ThreadTiled);
  }
  canonicalize(func);
  for (linalg::LinalgOp op : collectStage(func, ThreadTiled)) {
    std::optional<MatmulDims> d = getMatmulDims(op);
    if (!d || op.hasIndexSemantics()) {
      setStage(op, CacheTiled);
      continue;
    }
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    TilePlan plan;
    if (cacheTiling)
      addTileLoop(plan, ranges, d->m,
                  balancedTile(ranges[d->m], l2Tiles[0], regTiles[0]));
    if (!plan.loops.empty() && flopsOf(op) >= minParallelFlops &&
        !insideParallelLoop(op))
      plan.numParallel = 1;
    // Packing the K x N panel of B into contiguous column strips pays when
    // enough rows of A stream past it. Outside parallel loops it is done
    // before the M blocks fork (the threads share it), in one scratch
    // buffer per function: such panels are used one after the other.
    int64_t strip = regTiles[1];
    // Inside a parallel loop (N tiles shared among threads), each thread
    // packs its own panels into its own buffer (`createScratch`).
    Block *home = scratchHome(op, func);
    // B laid out N x K (x.W^T, k^T) is packed by a transposing copy.
    std::optional<PackableB> operands;
    if (packB && cacheTiling && home && ranges[d->m] >= kMinPackRows &&
        ranges[d->n] >= strip &&
        ranges[d->n] * ranges[d->k] <= scratchSize())
      operands = packableB(op, *d);
    Value scratch;
    if (operands) {
      Value &slot = scratches[home];
      if (!slot)
        slot = createScratch(func, home);
      scratch = slot;
      packPanel(rewriter, op, *d, *operands, scratch, strip);
    }
    tileOp(rewriter, op, plan, operands ? ToPack : CacheTiled);
    if (operands)
      for (linalg::LinalgOp block : collectStage(func, ToPack))
        for (Operation *tile :
             usePackedPanel(rewriter, block, *d, *operands, scratch, strip))
          setStage(tile, CacheTiled);
  }
  canonicalize(func);
  for (linalg::LinalgOp tile : collectStage(func, CacheTiled)) {
    linalg::LinalgOp op = toNamedContraction(rewriter, tile);
    std::optional<MatmulDims> dims = getMatmulDims(op);
    if (!dims) // Left with dynamic sizes: stays scalar.
      continue;
    // Register tile sizes and loop order (N, M, K) over all loop
    // dimensions; the other (batch, extra M/N/K) dimensions get tile 1 and
    // go outermost.
    unsigned rank = op.getNumLoops();
    SmallVector<int64_t> sizes(rank, 1);
    SmallVector<unsigned> interchange;
    for (unsigned l = 0; l < rank; ++l)
      if (l != dims->m && l != dims->n && l != dims->k)
        interchange.push_back(l);
    interchange.append({dims->n, dims->m, dims->k});
    sizes[dims->m] = regTiles[0];
    sizes[dims->n] = regTiles[1];
    sizes[dims->k] = regTiles[2];
    if (failed(tileAndPeel(rewriter, op, sizes, interchange, RegisterTiled)))
      return op->emitError("cannot tile this contraction for registers");
  }
  return success();
}

/// Whether the register tiles of `op`'s first K cache tile (all of them if
/// K is one cache tile) can start their accumulators from a fill of the
/// output rather than from memory: their K loops run over the whole cache
/// tile, which starts at 0 and has more than one iteration (so the tiles
/// have a K loop), K is not split into register tiles, and the other
/// reduction loops have a single iteration.
bool TileAndVectorizePass::startsFromFill(linalg::LinalgOp op,
                                          MatmulDims d) const {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  bool cacheTiling = llvm::all_of(l2Tiles, [](int64_t t) { return t != 0; });
  if (ranges[d.k] < 2 || regTiles[2] != 1)
    return false;
  if (cacheTiling &&
      balancedTile(ranges[d.k], l2Tiles[2], regTiles[2]) < 2)
    return false;
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  for (unsigned l = 0; l < ranges.size(); ++l)
    if (l != d.k && iters[l] == utils::IteratorType::reduction &&
        ranges[l] != 1)
      return false;
  return true;
}

/// A packing buffer for the contractions in `home`. In the function's
/// entry block: on the stack. In a parallel loop of a few iterations: one
/// slot per iteration of a buffer in the entry block (which
/// `tcc-plan-buffers` places in the static arena). Else on the heap, once
/// per iteration. (The loop body must stay free of allocas: the
/// alloca_scope they would need cannot hold the lowered loops.)
Value TileAndVectorizePass::createScratch(func::FuncOp func, Block *home) {
  int64_t strip = regTiles[1], rows = scratchSize() / strip;
  Location loc = func.getLoc();
  OpBuilder entry = OpBuilder::atBlockBegin(&func.getBody().front());
  auto type = [&](int64_t count) {
    return MemRefType::get({count * rows, strip}, entry.getF32Type());
  };
  if (home == &func.getBody().front())
    return memref::AllocaOp::create(entry, loc, type(1),
                                    entry.getI64IntegerAttr(64));
  auto par = cast<scf::ParallelOp>(home->getParentOp());
  std::optional<int64_t> count =
      par.getNumLoops() == 1 ? getConstantIntValue(par.getUpperBound()[0])
                             : std::nullopt;
  OpBuilder b = OpBuilder::atBlockBegin(home);
  if (!count || *count > kMaxScratchSlots ||
      getConstantIntValue(par.getLowerBound()[0]) != 0 ||
      getConstantIntValue(par.getStep()[0]) != 1)
    return memref::AllocOp::create(b, loc, type(1), b.getI64IntegerAttr(64));
  Value all = memref::AllocOp::create(entry, loc, type(*count),
                                      entry.getI64IntegerAttr(64));
  return block(b, loc, all, mulIndex(b, loc, par.getInductionVars()[0], rows),
               b.getIndexAttr(0), rows, strip);
}

/// Elementwise ops, fills, transposes and simple reductions: tiles of one
/// vector along the innermost loop and 1 along the others.
LogicalResult TileAndVectorizePass::tileElementwise(func::FuncOp func) {
  if (vectorWidth == 0)
    return success();
  IRRewriter rewriter(func.getContext());
  SmallVector<linalg::LinalgOp> todo;
  func.walk([&](linalg::LinalgOp op) {
    if (op->hasAttr(kStageAttr) || op->hasAttr(kInitAttr) ||
        op.getNumLoops() == 0 ||
        !hasStaticElementwiseBuffers(op) ||
        linalg::isaContractionOpInterface(op) ||
        isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
        failed(linalg::vectorizeOpPrecondition(op)))
      return;
    todo.push_back(op);
  });
  for (linalg::LinalgOp op : todo) {
    SmallVector<int64_t> sizes(op.getNumLoops(), 1);
    sizes.back() = vectorWidth;
    // Rows are shared out among threads when the outer loop is parallel,
    // has rows to share and the op is big enough to pay for the fork. The
    // outer loop is the first with more than one iteration: leading unit
    // dimensions (a convolution's single group) are no loop to share.
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    unsigned outerDim = 0;
    while (outerDim + 1 < ranges.size() && ranges[outerDim] == 1)
      ++outerDim;
    bool parallel = outerDim + 1 < ranges.size() && ranges[outerDim] >= 2 &&
                    op.getIteratorTypesArray()[outerDim] ==
                        utils::IteratorType::parallel &&
                    !insideParallelLoop(op);
    int64_t points = 1;
    for (int64_t range : ranges)
      points *= range;
    FailureOr<SmallVector<Operation *>> loops =
        tileAndPeel(rewriter, op, sizes, {}, RegisterTiled);
    if (failed(loops))
      return op->emitError("cannot tile this op into vectors");
    // One tile loop per dimension, outermost first.
    if (parallel && points >= minParallelElements &&
        loops->size() == ranges.size())
      if (auto outer = dyn_cast<scf::ForOp>((*loops)[outerDim]))
        makeParallel(rewriter, outer);
  }
  return success();
}

/// Vectorizes the register tiles whose shapes canonicalization made static;
/// the others stay for convert-linalg-to-loops.
void TileAndVectorizePass::vectorizeTiles(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  for (linalg::LinalgOp op : collectStage(func, RegisterTiled)) {
    op->removeAttr(kStageAttr);
    if (!hasStaticElementwiseBuffers(op) ||
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
