//===- Accumulators.cpp - register accumulators of contractions -----------===//
//
// The accumulator step of tcc-cpu-tile-and-vectorize (see Accumulators.h).
//
//===----------------------------------------------------------------------===//

#include "Accumulators.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

#include "llvm/ADT/DenseSet.h"

using namespace mlir;

namespace mlir::tcc::cpu {

namespace {

/// The bytes [first, second) a static `memref.view` takes of its arena.
std::optional<std::pair<int64_t, int64_t>> viewBytes(memref::ViewOp view) {
  MemRefType type = view.getType();
  std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
  if (!shift || !type.hasStaticShape() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t bytes =
      type.getNumElements() * type.getElementType().getIntOrFloatBitWidth() / 8;
  return std::make_pair(*shift, *shift + bytes);
}

} // namespace

/// The buffer a view (subview, cast, reshape) of `v` looks into; a
/// `memref.view` of a byte arena (a planned buffer) counts as a buffer.
Value rootBuffer(Value v) {
  while (auto view = v.getDefiningOp<ViewLikeOpInterface>()) {
    if (isa<memref::ViewOp>(view.getOperation()))
      return v;
    v = view.getViewSource();
  }
  return v;
}

/// Whether two root buffers may share memory: views of one arena do only
/// if their byte ranges overlap.
bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  auto va = a.getDefiningOp<memref::ViewOp>();
  auto vb = b.getDefiningOp<memref::ViewOp>();
  Value sa = va ? va.getSource() : a, sb = vb ? vb.getSource() : b;
  if (rootBuffer(sa) != rootBuffer(sb))
    return false;
  auto ra = va ? viewBytes(va) : std::nullopt;
  auto rb = vb ? viewBytes(vb) : std::nullopt;
  return !ra || !rb || (ra->first < rb->second && rb->first < ra->second);
}

namespace {

/// Keeps a register tile's accumulator in registers across its K loop. In
/// a loop whose memory writes are all `vector.store`s at loop-invariant
/// places, each preceded by a `vector.load` of the same place, and whose
/// other loads read other buffers (or disjoint views of one arena), the
/// loads move before the loop, the
/// stores after it, and the vectors are carried as iter_args. (Upstream's
/// `linalg::hoistRedundantVectorTransfers` refuses any transfer on a
/// subview, which is what tiling on buffers produces.)
/// With `init`, the accumulators start at that value instead (their loads
/// go).
FailureOr<scf::ForOp> hoistAccumulator(RewriterBase &rewriter,
                                       scf::ForOp loop, TypedAttr init) {
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
  SmallVector<Value> roots;
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
    roots.push_back(rootBuffer(store.getBase()));
  }
  for (vector::LoadOp load : loads)
    if (!llvm::is_contained(matched, load) &&
        llvm::any_of(roots, [&](Value root) {
          return mayAlias(root, rootBuffer(load.getBase()));
        }))
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
  // With a known start, the loads go (their only use is the loop's init).
  if (init) {
    rewriter.setInsertionPoint(*newLoop);
    for (vector::LoadOp load : matched) {
      auto splat = DenseElementsAttr::get(load.getVectorType(), init);
      rewriter.replaceOp(load, arith::ConstantOp::create(
                                   rewriter, load.getLoc(), splat));
    }
  }
  SmallVector<Value> results(
      (*newLoop)->getResults().take_back(stores.size()));
  // In reverse, so the stores keep their order after the loop.
  for (auto [store, result] :
       llvm::reverse(llvm::zip_equal(stores, results))) {
    rewriter.moveOpAfter(store, *newLoop);
    rewriter.modifyOpInPlace(
        store, [&] { store.getValueToStoreMutable().assign(result); });
  }
  return cast<scf::ForOp>(newLoop->getOperation());
}

/// Unroll factor of the register tiles' K loops.
constexpr uint64_t kUnrollK = 4;

} // namespace

linalg::FillOp initFill(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return {};
  Value out = op.getDpsInitOperand(0)->get();
  for (Operation *prev = op->getPrevNode(); prev; prev = prev->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(prev)) {
      if (fill.getDpsInits()[0] != out)
        return {};
      if (!matchPattern(fill.getDpsInputs()[0], m_Constant()))
        return {};
      return fill;
    }
    if (!isMemoryEffectFree(prev) && !isa<ViewLikeOpInterface>(prev))
      return {};
  }
  return {};
}

void hoistAccumulators(func::FuncOp func) {
  IRRewriter rewriter(func.getContext());
  auto idOf = [](Operation *op) -> std::optional<int64_t> {
    if (auto id = op->getAttrOfType<IntegerAttr>(kInitAttr))
      return id.getInt();
    return std::nullopt;
  };
  // The fills by id, with their values; the ids whose fill must stay.
  llvm::DenseMap<int64_t, std::pair<linalg::FillOp, TypedAttr>> fills;
  llvm::DenseSet<int64_t> keep;
  func.walk([&](linalg::FillOp fill) {
    TypedAttr value;
    if (std::optional<int64_t> id = idOf(fill))
      if (matchPattern(fill.getDpsInputs()[0], m_Constant(&value)))
        fills[*id] = {fill, value};
  });
  SmallVector<scf::ForOp> loops;
  func.walk([&](scf::ForOp loop) { loops.push_back(loop); });
  for (scf::ForOp loop : loops) {
    // Tiling puts the accumulator's subview inside the K loop.
    moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
    std::optional<int64_t> id = idOf(loop);
    TypedAttr init;
    if (id && fills.count(*id))
      init = fills[*id].second;
    else if (id)
      keep.insert(*id);
    FailureOr<scf::ForOp> kLoop = hoistAccumulator(rewriter, loop, init);
    if (failed(kLoop)) {
      if (id)
        keep.insert(*id);
      continue;
    }
    // K loops are unrolled here rather than left to LLVM, which does it
    // only at -O3 (too slow on a large training step).
    std::optional<int64_t> lb = getConstantIntValue(kLoop->getLowerBound()),
                           ub = getConstantIntValue(kLoop->getUpperBound()),
                           step = getConstantIntValue(kLoop->getStep());
    if (lb && ub && step && *step > 0 &&
        (*ub - *lb) / *step >= int64_t(2 * kUnrollK))
      (void)loopUnrollByFactor(*kLoop, kUnrollK);
  }
  // A marked tile left as a linalg op (not vectorized) reads its output.
  func.walk([&](linalg::LinalgOp op) {
    if (std::optional<int64_t> id = idOf(op); id && !isa<linalg::FillOp>(op))
      keep.insert(*id);
  });
  for (auto &[id, fill] : fills)
    if (!keep.contains(id))
      rewriter.eraseOp(fill.first);
  func.walk([](Operation *op) { op->removeAttr(kInitAttr); });
}

} // namespace mlir::tcc::cpu
