//===- VectorizeRowReductions.cpp - reductions along contiguous rows -----===//
//
// Softmax, layer norm and their gradients reduce along the innermost,
// contiguous dimension (rows of 64 or 128 elements). Tiled by
// tcc-cpu-tile-and-vectorize, each 16-wide piece of a row is reduced to a
// scalar by a `vector.reduction`, which LLVM lowers to an ordered chain of
// scalar adds (no reassociation): the row costs as much as a scalar loop.
// Here the whole body runs on vectors of two registers (`max-width` lanes,
// 16 for AVX2), each reduction accumulates lane-wise, and one tree of
// shuffles per row folds the accumulator into the output; outputs the body
// also writes at every point (fused producers) are stored per vector. The
// summation order changes (one partial sum per lane, then
// a pairwise tree), as with any vectorized sum; it does not depend on the
// thread count.
//
// Column sums (bias gradients: reduction loops outermost) are left to the
// tiler, whose accumulator row stays in L1 while the rows stream past:
// register blocks of columns measured slower (strided passes over the rows).
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_VECTORIZEROWREDUCTIONSPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {

/// A generic whose only reduction loop is the innermost one.
struct Reduction {
  linalg::GenericOp op;
  /// The loop the vector lanes run along: the innermost one (the row).
  unsigned vecDim = 0;
  int64_t width = 0;
  /// Per output: the combiner (addf, maximumf, ...) of a reduced output, or
  /// null for an output written at every point (a fused producer's result).
  SmallVector<Operation *> combiners;
};

bool isCombiner(Operation *op) {
  return isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp,
             arith::MaxNumFOp, arith::MinNumFOp>(op);
}

/// The value x with combine(acc, x) = x.
TypedAttr neutralElement(Operation *combiner, FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  APFloat value =
      llvm::TypeSwitch<Operation *, APFloat>(combiner)
          .Case<arith::AddFOp>(
              [&](auto) { return APFloat::getZero(sem, true); })
          .Case<arith::MulFOp>([&](auto) { return APFloat::getOne(sem); })
          .Case<arith::MaximumFOp, arith::MaxNumFOp>(
              [&](auto) { return APFloat::getInf(sem, true); })
          .Default([&](auto) { return APFloat::getInf(sem); });
  return FloatAttr::get(type, value);
}

/// Every result of `map` is a loop dimension or the constant 0 (unit dims).
bool hasSimpleResults(AffineMap map) {
  return llvm::all_of(map.getResults(), [](AffineExpr e) {
    if (isa<AffineDimExpr>(e))
      return true;
    auto c = dyn_cast<AffineConstantExpr>(e);
    return c && c.getValue() == 0;
  });
}

bool hasUnitInnerStride(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         !strides.empty() && strides.back() == 1;
}

/// An operand is read along the lanes (vector loads) when its map ends with
/// the lanes' loop, which it uses nowhere else, on a contiguous innermost
/// dimension; it is uniform across the lanes when it does not use that loop
/// at all. Anything else does not match.
enum class Access { Lanes, Uniform, Invalid };
Access accessOf(AffineMap map, MemRefType type, unsigned rowDim) {
  if (!hasSimpleResults(map))
    return Access::Invalid;
  if (!map.isFunctionOfDim(rowDim))
    return Access::Uniform;
  ArrayRef<AffineExpr> results = map.getResults();
  auto last = dyn_cast<AffineDimExpr>(results.back());
  if (!last || last.getPosition() != rowDim || !hasUnitInnerStride(type))
    return Access::Invalid;
  for (AffineExpr e : results.drop_back())
    if (e.isFunctionOfDim(rowDim))
      return Access::Invalid;
  return Access::Lanes;
}

/// A matrix product (rows of A against columns of B) that
/// tcc-cpu-tile-and-vectorize register-tiles: dot products per output
/// point would lose its reuse of operands across outputs.
bool isTiledContraction(linalg::GenericOp op) {
  if (!linalg::isaContractionOpInterface(op))
    return false;
  FailureOr<linalg::ContractionDimensions> dims =
      linalg::inferContractionDims(op);
  return succeeded(dims) && !dims->m.empty() && !dims->n.empty();
}

/// out = combine(out, x), the old value read nowhere else, f32 only.
Operation *matchCombiner(BlockArgument out, Value yielded, Block *body) {
  Operation *combiner = yielded.getDefiningOp();
  if (!combiner || combiner->getBlock() != body || !isCombiner(combiner) ||
      !out.hasOneUse() || !combiner->hasOneUse() || !out.getType().isF32() ||
      (combiner->getOperand(0) != out && combiner->getOperand(1) != out) ||
      combiner->getOperand(0) == combiner->getOperand(1))
    return nullptr;
  return combiner;
}

std::optional<Reduction> matchReduction(linalg::GenericOp op,
                                        int64_t maxWidth) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() < 2 ||
      op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::reduction ||
      op.hasIndexSemantics() || isTiledContraction(op))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  // Two vector registers' worth of lanes where the row allows, else one.
  Reduction match{op, op.getNumLoops() - 1, 0, {}};
  match.width = ranges.back() % maxWidth == 0         ? maxWidth
                : ranges.back() % (maxWidth / 2) == 0 ? maxWidth / 2
                                                      : 0;
  if (!match.width)
    return std::nullopt;

  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    Type element = type ? type.getElementType() : Type();
    if (!type || !type.hasStaticShape() ||
        // Bytes in memory (an i1 buffer holds one byte per element, which
        // a vector<16xi1> load would read as bits).
        !(isa<FloatType>(element) || element.isSignlessInteger()) ||
        element.getIntOrFloatBitWidth() % 8 != 0 ||
        accessOf(op.getMatchingIndexingMap(&operand), type, match.vecDim) ==
            Access::Invalid)
      return std::nullopt;
  }

  Block *body = op.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  for (OpOperand &init : op.getDpsInitsMutable()) {
    BlockArgument arg = op.getMatchingBlockArgument(&init);
    Value yielded =
        yield->getOperand(init.getOperandNumber() - op.getNumDpsInputs());
    if (op.getMatchingIndexingMap(&init).isFunctionOfDim(match.vecDim)) {
      // Written at every point (a fused producer), never read.
      if (!arg.use_empty())
        return std::nullopt;
      match.combiners.push_back(nullptr);
      continue;
    }
    Operation *combiner = matchCombiner(arg, yielded, body);
    if (!combiner)
      return std::nullopt;
    match.combiners.push_back(combiner);
  }

  // Everything else in the body must map elementwise onto vectors.
  for (Operation &inner : body->without_terminator()) {
    if (llvm::is_contained(match.combiners, &inner))
      continue;
    bool scalarTypes = llvm::all_of(inner.getResultTypes(),
                                    [](Type t) { return t.isIntOrFloat(); });
    if (!scalarTypes || inner.getNumRegions() != 0 ||
        !isMemoryEffectFree(&inner) ||
        !(OpTrait::hasElementwiseMappableTraits(&inner) ||
          isa<arith::ConstantOp>(inner)))
      return std::nullopt;
  }
  return match;
}

/// Emits the body of a matched generic on `width` lanes along `vecDim` at
/// the loop position `ivs` (the lane loop's entry is the first lane).
class BodyVectorizer {
public:
  BodyVectorizer(const Reduction &match, OpBuilder &b, Location loc)
      : match(match), op(match.op), b(b), loc(loc) {
    ivs.assign(op.getNumLoops(), Value());
  }

  SmallVector<Value> ivs;

  /// Loads the operands that do not vary along the lanes (scalars).
  void loadUniformInputs() {
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      if (!arg.use_empty() && !variesAlongLanes(input))
        scalars.map(arg, memref::LoadOp::create(b, loc, input->get(),
                                                indicesOf(input)));
    }
  }

  /// One vector step: loads, the body on vectors, stores of the outputs
  /// written at every point; returns combine(acc, x) per reduced output.
  SmallVector<Value> buildStep(ValueRange accs) {
    vectors.clear();
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      if (!arg.use_empty() && variesAlongLanes(input))
        vectors.map(arg,
                    vector::LoadOp::create(b, loc, vectorOf(arg.getType()),
                                           input->get(), indicesOf(input)));
    }
    Block *body = op.getBody();
    for (Operation &inner : body->without_terminator())
      if (!llvm::is_contained(match.combiners, &inner))
        vectorize(inner);

    auto yield = cast<linalg::YieldOp>(body->getTerminator());
    SmallVector<Value> newAccs;
    unsigned k = 0;
    for (auto [i, combiner] : llvm::enumerate(match.combiners)) {
      OpOperand *init = op.getDpsInitOperand(i);
      if (!combiner) {
        vector::StoreOp::create(b, loc, vectorFor(yield->getOperand(i)),
                                init->get(), indicesOf(init));
        continue;
      }
      BlockArgument arg = op.getMatchingBlockArgument(init);
      Value x = combiner->getOperand(combiner->getOperand(0) == arg ? 1 : 0);
      newAccs.push_back(combine(combiner, accs[k++], vectorFor(x)));
    }
    return newAccs;
  }

  /// The same combining op on new operands (keeps fastmath flags).
  Value combine(Operation *combiner, Value lhs, Value rhs) {
    OperationState state(loc, combiner->getName());
    state.addOperands({lhs, rhs});
    state.addTypes(lhs.getType());
    state.addAttributes(combiner->getAttrs());
    return b.create(state)->getResult(0);
  }

  /// Memref indices of `operand` at `ivs`.
  SmallVector<Value> indicesOf(OpOperand *operand) {
    SmallVector<Value> indices;
    for (AffineExpr e : op.getMatchingIndexingMap(operand).getResults()) {
      if (auto dim = dyn_cast<AffineDimExpr>(e))
        indices.push_back(ivs[dim.getPosition()]);
      else
        indices.push_back(arith::ConstantIndexOp::create(b, loc, 0));
    }
    return indices;
  }

  VectorType vectorOf(Type scalar) {
    return VectorType::get({match.width}, scalar);
  }

private:
  bool variesAlongLanes(OpOperand *operand) {
    return op.getMatchingIndexingMap(operand).isFunctionOfDim(match.vecDim);
  }

  /// Clones `inner` on vectors when an operand varies along the lanes, as a
  /// scalar otherwise.
  void vectorize(Operation &inner) {
    bool varies = llvm::any_of(inner.getOperands(),
                               [&](Value v) { return vectors.contains(v); });
    if (!varies) {
      b.clone(inner, scalars);
      return;
    }
    OperationState state(loc, inner.getName());
    for (Value operand : inner.getOperands())
      state.addOperands(vectorFor(operand));
    for (Type type : inner.getResultTypes())
      state.addTypes(vectorOf(type));
    state.addAttributes(inner.getAttrs());
    Operation *vectorOp = b.create(state);
    vectors.map(inner.getResults(), vectorOp->getResults());
  }

  /// `v` as a vector: computed per step, or a uniform scalar broadcast.
  Value vectorFor(Value v) {
    if (Value vec = vectors.lookupOrNull(v))
      return vec;
    Value scalar = scalars.lookupOrDefault(v);
    Value vec =
        vector::BroadcastOp::create(b, loc, vectorOf(v.getType()), scalar);
    vectors.map(v, vec);
    return vec;
  }

  const Reduction &match;
  linalg::GenericOp op;
  OpBuilder &b;
  Location loc;
  IRMapping vectors, scalars;
};

Value indexConstant(OpBuilder &b, Location loc, int64_t value) {
  return arith::ConstantIndexOp::create(b, loc, value);
}

/// Pairwise tree over the accumulator's lanes, then lane 0.
Value foldLanes(BodyVectorizer &vec, OpBuilder &b, Location loc,
                Operation *combiner, Value acc, int64_t width) {
  for (int64_t half = width / 2; half >= 1; half /= 2) {
    auto type = VectorType::get({half}, b.getF32Type());
    SmallVector<int64_t> low, high;
    for (int64_t lane = 0; lane < half; ++lane) {
      low.push_back(lane);
      high.push_back(half + lane);
    }
    Value lo = vector::ShuffleOp::create(b, loc, type, acc, acc, low);
    Value hi = vector::ShuffleOp::create(b, loc, type, acc, acc, high);
    acc = vec.combine(combiner, lo, hi);
  }
  return vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{0});
}

/// One row at `outerIvs`: its vector loop, then each accumulator folded
/// into its output (out = combine(out, tree(acc))).
void buildRow(const Reduction &match, OpBuilder &b, Location loc,
              ValueRange outerIvs) {
  BodyVectorizer vec(match, b, loc);
  llvm::copy(outerIvs, vec.ivs.begin());
  Value zero = indexConstant(b, loc, 0);
  vec.ivs[match.vecDim] = zero;
  // Row-invariant operands (means, scales) are read once per row.
  vec.loadUniformInputs();

  SmallVector<Value> inits;
  for (Operation *combiner : match.combiners)
    if (combiner) {
      VectorType type = vec.vectorOf(b.getF32Type());
      inits.push_back(arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(type,
                                 neutralElement(combiner, b.getF32Type()))));
    }
  linalg::GenericOp op = match.op;
  int64_t length = op.getStaticLoopRanges().back();
  auto loop = scf::ForOp::create(
      b, loc, zero, indexConstant(b, loc, length),
      indexConstant(b, loc, match.width), inits,
      [&](OpBuilder &nested, Location, Value pos, ValueRange accs) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(nested.getInsertionBlock(),
                            nested.getInsertionPoint());
        vec.ivs[match.vecDim] = pos;
        scf::YieldOp::create(b, loc, vec.buildStep(accs));
      });

  vec.ivs[match.vecDim] = zero;
  unsigned k = 0;
  for (auto [i, combiner] : llvm::enumerate(match.combiners)) {
    if (!combiner)
      continue;
    OpOperand *init = op.getDpsInitOperand(i);
    SmallVector<Value> indices = vec.indicesOf(init);
    Value old = memref::LoadOp::create(b, loc, init->get(), indices);
    Value total =
        foldLanes(vec, b, loc, combiner, loop.getResult(k++), match.width);
    memref::StoreOp::create(b, loc, vec.combine(combiner, old, total),
                            init->get(), indices);
  }
}

/// The loops around rows (the parallel loops): the first with more than
/// one iteration is an scf.parallel when the op covers enough points and is
/// not already in a parallel loop; the others are serial.
void rewrite(const Reduction &match, int64_t minParallelElements) {
  linalg::GenericOp op = match.op;
  OpBuilder b(op);
  Location loc = op.getLoc();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t points = 1;
  for (int64_t r : ranges)
    points *= r;
  bool parallel =
      points >= minParallelElements && !op->getParentOfType<scf::ParallelOp>();

  SmallVector<unsigned> dims;
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (op.getIteratorTypesArray()[d] == utils::IteratorType::parallel)
      dims.push_back(d);
  SmallVector<Value> ivs;
  std::function<void(unsigned)> nest = [&](unsigned i) {
    if (i == dims.size()) {
      buildRow(match, b, loc, ivs);
      return;
    }
    OpBuilder::InsertionGuard guard(b);
    Value zero = indexConstant(b, loc, 0);
    Value bound = indexConstant(b, loc, ranges[dims[i]]);
    Value one = indexConstant(b, loc, 1);
    Block *block;
    if (parallel && ranges[dims[i]] > 1) {
      parallel = false;
      block = scf::ParallelOp::create(b, loc, ValueRange{zero},
                                      ValueRange{bound}, ValueRange{one})
                  .getBody();
    } else {
      block = scf::ForOp::create(b, loc, zero, bound, one).getBody();
    }
    b.setInsertionPointToStart(block);
    ivs.push_back(block->getArgument(0));
    nest(i + 1);
    ivs.pop_back();
  };
  nest(0);
  op.erase();
}

struct VectorizeRowReductionsPass
    : tcc::impl::VectorizeRowReductionsPassBase<VectorizeRowReductionsPass> {
  using Base::Base;
  LogicalResult initialize(MLIRContext *ctx) override {
    int64_t width = maxWidth;
    if (width >= 2 && llvm::isPowerOf2_64(width))
      return success();
    return emitError(UnknownLoc::get(ctx))
           << "tcc-cpu-vectorize-row-reductions: 'max-width' must be a power "
              "of two >= 2, got "
           << width;
  }
  void runOnOperation() override {
    SmallVector<Reduction> matches;
    getOperation().walk([&](linalg::GenericOp op) {
      if (auto match = matchReduction(op, maxWidth))
        matches.push_back(*match);
    });
    for (const Reduction &match : matches)
      rewrite(match, minParallelElements);
  }
};

} // namespace
