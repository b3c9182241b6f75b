//===- Reduction.cpp - tcc reductions, scans and randomness to linalg ----===//
//
// Reductions become a linalg.generic whose output drops the reduced axes
// (re-inserted as unit dims with tensor.expand_shape for keep_dims), with the
// init filled by the reduction's identity so that reducing an empty axis
// yields the identity. Long float sums add blocks of terms in float32, then
// the block sums in float64 (buildLongFloatSum). Argmax/argmin carry (best
// value, best index) as two outputs. Cumsum is a quadratic masked reduction along the axis, and
// random_uniform hashes each element's linear index with the seed.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

#include "llvm/ADT/SmallBitVector.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tcc;

namespace {

/// The longest float sum accumulated in its own (narrower than f64) type:
/// sequential f32 sums of this many terms stay within ~1e-6 relative of the
/// exact sum in practice (error growing with the square root of the count).
constexpr int64_t kMaxF32SumTerms = 4096;

/// The combiners and identities of the four reductions.
enum class ReduceKind { Sum, Prod, Max, Min };

TypedAttr getIdentityAttr(ReduceKind kind, Type type) {
  switch (kind) {
  case ReduceKind::Sum:
  case ReduceKind::Prod: {
    double v = kind == ReduceKind::Sum ? 0.0 : 1.0;
    if (isa<FloatType>(type))
      return FloatAttr::get(type, v);
    return IntegerAttr::get(type, static_cast<int64_t>(v));
  }
  case ReduceKind::Max:
    return getLowestAttr(type);
  case ReduceKind::Min:
    return getHighestAttr(type);
  }
  llvm_unreachable("unknown reduction");
}

/// Combines two scalars; float max/min propagate NaN.
Value combine(OpBuilder &b, Location loc, ReduceKind kind, Value x, Value y) {
  bool isFloat = isa<FloatType>(x.getType());
  switch (kind) {
  case ReduceKind::Sum:
    return isFloat ? Value(arith::AddFOp::create(b, loc, x, y))
                   : Value(arith::AddIOp::create(b, loc, x, y));
  case ReduceKind::Prod:
    return isFloat ? Value(arith::MulFOp::create(b, loc, x, y))
                   : Value(arith::MulIOp::create(b, loc, x, y));
  case ReduceKind::Max:
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, x, y))
                   : Value(arith::MaxSIOp::create(b, loc, x, y));
  case ReduceKind::Min:
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, x, y))
                   : Value(arith::MinSIOp::create(b, loc, x, y));
  }
  llvm_unreachable("unknown reduction");
}

/// The shape of `shape` without the dimensions marked in `reduced`.
SmallVector<int64_t> dropDims(ArrayRef<int64_t> shape,
                              const llvm::SmallBitVector &reduced) {
  SmallVector<int64_t> kept;
  for (auto [i, d] : llvm::enumerate(shape))
    if (!reduced.test(i))
      kept.push_back(d);
  return kept;
}

/// The output map of a reduction over the `reduced` dims of a rank-`rank`
/// iteration space: the kept dims in order.
AffineMap keptDimsMap(MLIRContext *ctx, unsigned rank,
                      const llvm::SmallBitVector &reduced) {
  SmallVector<AffineExpr> exprs;
  for (unsigned i = 0; i < rank; ++i)
    if (!reduced.test(i))
      exprs.push_back(getAffineDimExpr(i, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

/// Parallel iterators, except reduction ones for the `reduced` dims.
SmallVector<utils::IteratorType>
reductionIterators(unsigned rank, const llvm::SmallBitVector &reduced) {
  SmallVector<utils::IteratorType> iters = parallelIterators(rank);
  for (unsigned i = 0; i < rank; ++i)
    if (reduced.test(i))
      iters[i] = utils::IteratorType::reduction;
  return iters;
}

/// Re-inserts the reduced dims of a rank-`rank` input as unit dims:
/// `value` (the reduction without them) is expanded to `keptType`.
Value expandReducedDims(OpBuilder &b, Location loc, Value value,
                        RankedTensorType keptType,
                        const llvm::SmallBitVector &reduced) {
  if (value.getType() == keptType)
    return value;
  // Each unit dim joins the group of the previous kept dim (or of the first
  // kept dim when it leads); with no kept dims the reassociation is empty.
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices leading;
  for (int64_t i = 0, e = keptType.getRank(); i < e; ++i) {
    if (reduced.test(i)) {
      if (groups.empty())
        leading.push_back(i);
      else
        groups.back().push_back(i);
      continue;
    }
    ReassociationIndices group = leading;
    leading.clear();
    group.push_back(i);
    groups.push_back(group);
  }
  return tensor::ExpandShapeOp::create(b, loc, keptType, value, groups);
}

/// `value` converted elementwise to the narrower float type of `type`.
Value truncateElements(OpBuilder &b, Location loc, Value value,
                       RankedTensorType type) {
  unsigned rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{type}, ValueRange{value},
      ValueRange{createEmpty(b, loc, type)}, ArrayRef<AffineMap>{id, id},
      parallelIterators(rank), [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l,
            arith::TruncFOp::create(nb, l, type.getElementType(), args[0])
                .getResult());
      });
  return generic.getResult(0);
}

/// A generic reducing the `reduced` dims of `input` with `kind` into a
/// tensor of `accType` elements (the input's, or a wider float they are
/// extended to) over the kept dims, started from the identity. `loops`
/// orders the loops (input dims, outermost first); the last must be the
/// input's last dim, along which the CPU backend vectorizes.
Value buildReduceGeneric(OpBuilder &b, Location loc, Value input,
                         const llvm::SmallBitVector &reduced, ReduceKind kind,
                         Type accType, ArrayRef<unsigned> loops) {
  MLIRContext *ctx = b.getContext();
  auto inputType = cast<RankedTensorType>(input.getType());
  unsigned rank = inputType.getRank();
  // Loop position of each input dim.
  SmallVector<unsigned> loopOf(rank);
  for (auto [pos, dim] : llvm::enumerate(loops))
    loopOf[dim] = pos;
  SmallVector<AffineExpr> inExprs, outExprs;
  SmallVector<utils::IteratorType> iters = parallelIterators(rank);
  for (unsigned dim = 0; dim < rank; ++dim) {
    AffineExpr e = getAffineDimExpr(loopOf[dim], ctx);
    inExprs.push_back(e);
    if (reduced.test(dim))
      iters[loopOf[dim]] = utils::IteratorType::reduction;
    else
      outExprs.push_back(e);
  }
  auto accTensorType = RankedTensorType::get(
      dropDims(inputType.getShape(), reduced), accType);
  Value init =
      createFilled(b, loc, accTensorType, getIdentityAttr(kind, accType));
  SmallVector<AffineMap> maps = {AffineMap::get(rank, 0, inExprs, ctx),
                                 AffineMap::get(rank, 0, outExprs, ctx)};
  Type elemType = inputType.getElementType();
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{accTensorType}, ValueRange{input}, ValueRange{init},
      maps, iters, [&](OpBuilder &nb, Location l, ValueRange args) {
        Value x = args[0];
        if (accType != elemType)
          x = arith::ExtFOp::create(nb, l, accType, x);
        linalg::YieldOp::create(nb, l, combine(nb, l, kind, args[1], x));
      });
  return generic.getResult(0);
}

/// The loops of a generic over a rank-`rank` input in the input's order.
SmallVector<unsigned> inputOrder(unsigned rank) {
  SmallVector<unsigned> loops;
  for (unsigned dim = 0; dim < rank; ++dim)
    loops.push_back(dim);
  return loops;
}

/// The most terms a block of a long float sum adds in float32. A block's
/// rounding errors (a few ulps of the block's sum in practice, at most
/// B - 1) are small against the whole sum, which has many blocks: the
/// result stays within the final rounding to float32, as in float64.
constexpr int64_t kMaxBlockTerms = 64;
/// Blocks of fewer terms leave the float64 stage too long to pay.
constexpr int64_t kMinBlockTerms = 8;

/// The reduced dims of a long float sum that form its blocks: whole dims,
/// never the last one (along it the vector lanes keep independent partial
/// sums), whose extents multiply to the most terms up to kMaxBlockTerms;
/// none if fewer than kMinBlockTerms.
std::optional<llvm::SmallBitVector>
chooseBlockDims(ArrayRef<int64_t> shape, const llvm::SmallBitVector &reduced) {
  SmallVector<unsigned> candidates;
  for (unsigned dim = 0; dim + 1 < shape.size(); ++dim)
    if (reduced.test(dim) && shape[dim] > 1 && shape[dim] <= kMaxBlockTerms)
      candidates.push_back(dim);
  if (candidates.size() > 12) // Subsets to try; no such shapes in practice.
    return std::nullopt;
  int64_t bestTerms = 0;
  llvm::SmallBitVector best(shape.size());
  for (unsigned subset = 1; subset < (1u << candidates.size()); ++subset) {
    int64_t terms = 1;
    llvm::SmallBitVector dims(shape.size());
    for (auto [i, dim] : llvm::enumerate(candidates))
      if (subset & (1u << i)) {
        terms *= shape[dim];
        dims.set(dim);
      }
    if (terms <= kMaxBlockTerms && terms > bestTerms) {
      bestTerms = terms;
      best = dims;
    }
  }
  if (bestTerms < kMinBlockTerms)
    return std::nullopt;
  return best;
}

/// A float sum of more terms than kMaxF32SumTerms, rounded once to the
/// element type. The loop that adds the elements one after the other
/// loses ~1e-4 relative in float32 over BatchNorm's mean of N*H*W = 50k
/// values, which training amplifies into a loss curve visibly off
/// PyTorch's (tcc_tests/training_parity.py, cnn); float64 is exact enough
/// but scalar. So when the reduced dims allow, blocks of up to
/// kMaxBlockTerms terms are summed in the element type first, a vectorized
/// pass whose lanes are independent partial sums (for BatchNorm over
/// [N, C, H, W]: partial[c, h, w] = sum_n x[n, c, h, w], channels
/// outermost so that threads share them), and only the partial sums are
/// added in float64.
Value buildLongFloatSum(OpBuilder &b, Location loc, Value input,
                        const llvm::SmallBitVector &reduced) {
  auto inputType = cast<RankedTensorType>(input.getType());
  unsigned rank = inputType.getRank();
  Type f64 = b.getF64Type();
  std::optional<llvm::SmallBitVector> block =
      chooseBlockDims(inputType.getShape(), reduced);
  Value sum;
  if (!block) {
    sum = buildReduceGeneric(b, loc, input, reduced, ReduceKind::Sum, f64,
                             inputOrder(rank));
  } else {
    // Loops: the first dim outside the blocks leads, the rest in order.
    SmallVector<unsigned> loops;
    unsigned lead = static_cast<unsigned>(block->find_first_unset());
    loops.push_back(lead);
    for (unsigned dim = 0; dim < rank; ++dim)
      if (dim != lead)
        loops.push_back(dim);
    // Blocks of narrower floats add up in float32.
    Type blockType = inputType.getElementType();
    if (cast<FloatType>(blockType).getWidth() < 32)
      blockType = b.getF32Type();
    Value partial = buildReduceGeneric(b, loc, input, *block, ReduceKind::Sum,
                                       blockType, loops);
    // The rest of the reduced dims, numbered in the partial sums.
    llvm::SmallBitVector rest;
    for (unsigned dim = 0; dim < rank; ++dim)
      if (!block->test(dim))
        rest.push_back(reduced.test(dim));
    sum = buildReduceGeneric(b, loc, partial, rest, ReduceKind::Sum, f64,
                             inputOrder(rest.size()));
  }
  auto resultType = RankedTensorType::get(
      dropDims(inputType.getShape(), reduced), inputType.getElementType());
  return truncateElements(b, loc, sum, resultType);
}

template <typename OpTy, ReduceKind Kind>
struct ReduceToGeneric : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = inputType.getRank();
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expected a static shape");
    if (op.getAxes().empty()) {
      rewriter.replaceOp(op, input);
      return success();
    }

    llvm::SmallBitVector reduced(rank);
    for (int64_t axis : op.getAxes()) {
      if (axis < 0 || axis >= static_cast<int64_t>(rank))
        return rewriter.notifyMatchFailure(op, "reduction axis out of range");
      reduced.set(axis);
    }
    // Short float sums (norms over a feature dimension, softmax
    // denominators, bias gradients) stay in their type, where the CPU
    // backend vectorizes them; long ones need more care.
    int64_t terms = 1;
    for (int64_t axis : reduced.set_bits())
      terms *= inputType.getDimSize(axis);
    Type elemType = inputType.getElementType();
    Value result;
    if (Kind == ReduceKind::Sum && isa<FloatType>(elemType) &&
        cast<FloatType>(elemType).getWidth() < 64 && terms > kMaxF32SumTerms)
      result = buildLongFloatSum(rewriter, loc, input, reduced);
    else
      result = buildReduceGeneric(rewriter, loc, input, reduced, Kind,
                                  elemType, inputOrder(rank));
    if (op.getKeepDims())
      result = expandReducedDims(rewriter, loc, result, resultType, reduced);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Whether `x` should replace the running best `best` of an argmax (or
/// argmin): strictly better for the first index, better-or-equal for the last.
/// NaN counts as the extreme in both directions (as in NumPy), and the first
/// (or last) NaN wins.
Value isBetter(OpBuilder &b, Location loc, Value x, Value best, bool isMax,
               bool last) {
  if (isa<FloatType>(x.getType())) {
    using P = arith::CmpFPredicate;
    P pred = isMax ? (last ? P::OGE : P::OGT) : (last ? P::OLE : P::OLT);
    Value cmp = arith::CmpFOp::create(b, loc, pred, x, best);
    Value xNan = arith::CmpFOp::create(b, loc, P::UNO, x, x);
    if (!last) {
      // Once the best is NaN nothing compares better; a NaN only replaces a
      // non-NaN best.
      Value bestNan = arith::CmpFOp::create(b, loc, P::UNO, best, best);
      Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
      Value bestNotNan = arith::XOrIOp::create(b, loc, bestNan, one);
      xNan = arith::AndIOp::create(b, loc, xNan, bestNotNan);
    }
    return arith::OrIOp::create(b, loc, cmp, xNan);
  }
  using P = arith::CmpIPredicate;
  P pred = isMax ? (last ? P::sge : P::sgt) : (last ? P::sle : P::slt);
  return arith::CmpIOp::create(b, loc, pred, x, best);
}

template <typename OpTy, bool IsMax>
struct ArgReduceToGeneric : public OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using OpAdaptor = typename OpTy::Adaptor;

  LogicalResult
  matchAndRewrite(OpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto resultType = cast<RankedTensorType>(op.getType());
    unsigned rank = inputType.getRank();
    int64_t axis = op.getAxis();
    if (!inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expected a static shape");
    if (axis >= static_cast<int64_t>(rank))
      return rewriter.notifyMatchFailure(op, "axis out of range");

    llvm::SmallBitVector reduced(rank);
    reduced.set(axis);
    Type elemType = inputType.getElementType();
    SmallVector<int64_t> keptShape = dropDims(inputType.getShape(), reduced);
    auto valueType = RankedTensorType::get(keptShape, elemType);
    auto indexType = RankedTensorType::get(keptShape, rewriter.getI64Type());
    Value valueInit = createFilled(rewriter, loc, valueType,
                                   IsMax ? getLowestAttr(elemType)
                                         : getHighestAttr(elemType));
    Value indexInit =
        createFilled(rewriter, loc, indexType, rewriter.getI64IntegerAttr(0));
    AffineMap outMap = keptDimsMap(ctx, rank, reduced);
    SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx),
                                   outMap, outMap};
    bool last = op.getSelectLastIndex();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueType, indexType}, ValueRange{input},
        ValueRange{valueInit, indexInit}, maps,
        reductionIterators(rank, reduced),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value pos = linalg::IndexOp::create(b, l, axis);
          pos = arith::IndexCastOp::create(b, l, b.getI64Type(), pos);
          Value better = isBetter(b, l, x, best, IsMax, last);
          Value newBest = arith::SelectOp::create(b, l, better, x, best);
          Value newIndex =
              arith::SelectOp::create(b, l, better, pos, bestIndex);
          linalg::YieldOp::create(b, l, ValueRange{newBest, newIndex});
        });
    Value result = generic.getResult(1);
    if (op.getKeepDims())
      result = expandReducedDims(rewriter, loc, result, resultType, reduced);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// out[i] = sum_j in[j] over the j selected by (exclusive, reverse): iterates
/// (d_0, ..., d_{n-1}, j) with j a reduction along the axis.
struct CumSumToGeneric : public OpConversionPattern<CumSumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(CumSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    unsigned rank = type.getRank();
    int64_t axis = op.getAxis();
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expected a static shape");
    if (axis >= static_cast<int64_t>(rank))
      return rewriter.notifyMatchFailure(op, "axis out of range");

    SmallVector<AffineExpr> inExprs, outExprs;
    for (unsigned i = 0; i < rank; ++i) {
      inExprs.push_back(getAffineDimExpr(i == axis ? rank : i, ctx));
      outExprs.push_back(getAffineDimExpr(i, ctx));
    }
    SmallVector<AffineMap> maps = {AffineMap::get(rank + 1, 0, inExprs, ctx),
                                   AffineMap::get(rank + 1, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iters = parallelIterators(rank + 1);
    iters[rank] = utils::IteratorType::reduction;

    Type elemType = type.getElementType();
    Value init = createFilled(rewriter, loc, type,
                              getIdentityAttr(ReduceKind::Sum, elemType));
    using P = arith::CmpIPredicate;
    P pred = op.getReverse() ? (op.getExclusive() ? P::sgt : P::sge)
                             : (op.getExclusive() ? P::slt : P::sle);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input}, ValueRange{init},
        maps, iters, [&](OpBuilder &b, Location l, ValueRange args) {
          Value j = linalg::IndexOp::create(b, l, rank);
          Value i = linalg::IndexOp::create(b, l, axis);
          Value take = arith::CmpIOp::create(b, l, pred, j, i);
          Value sum = combine(b, l, ReduceKind::Sum, args[1], args[0]);
          linalg::YieldOp::create(
              b, l, Value(arith::SelectOp::create(b, l, take, sum, args[1])));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// The SplitMix64 output function (Steele et al., "Fast splittable
/// pseudorandom number generators", 2014).
Value splitMix64(OpBuilder &b, Location loc, Value z) {
  auto c = [&](uint64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, b.getIntegerAttr(b.getI64Type(), static_cast<int64_t>(v)));
  };
  auto xorShift = [&](Value x, uint64_t s) -> Value {
    return arith::XOrIOp::create(b, loc, x,
                                 arith::ShRUIOp::create(b, loc, x, c(s)));
  };
  z = arith::MulIOp::create(b, loc, xorShift(z, 30), c(0xBF58476D1CE4E5B9ull));
  z = arith::MulIOp::create(b, loc, xorShift(z, 27), c(0x94D049BB133111EBull));
  return xorShift(z, 31);
}

/// Element k is the (k+1)-th output of a SplitMix64 stream seeded with
/// `seed`: splitmix64(seed + (k + 1) * golden), whose top 24 (f32) or 53
/// (f64) bits scaled by 2^-bits give a float in [0, 1).
struct RandomUniformToGeneric : public OpConversionPattern<RandomUniformOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(RandomUniformOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    if (!type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expected a static shape");
    auto floatType = cast<FloatType>(type.getElementType());
    unsigned bits = floatType.getFPMantissaWidth(); // 24 or 53
    unsigned rank = type.getRank();
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, {}, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    Value init = createEmpty(rewriter, loc, type);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getSeed()},
        ValueRange{init}, maps, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Type i64 = b.getI64Type();
          auto c = [&](int64_t v) -> Value {
            return arith::ConstantOp::create(b, l, b.getIntegerAttr(i64, v));
          };
          // Row-major linear index, plus one.
          Value linear = c(1);
          int64_t stride = 1;
          for (int64_t d = rank - 1; d >= 0; --d) {
            Value idx = linalg::IndexOp::create(b, l, d);
            idx = arith::IndexCastOp::create(b, l, i64, idx);
            idx = arith::MulIOp::create(b, l, idx, c(stride));
            linear = arith::AddIOp::create(b, l, linear, idx);
            stride *= type.getDimSize(d);
          }
          Value golden = c(static_cast<int64_t>(0x9E3779B97F4A7C15ull));
          Value state = arith::AddIOp::create(
              b, l, args[0], arith::MulIOp::create(b, l, linear, golden));
          Value z = splitMix64(b, l, state);
          z = arith::ShRUIOp::create(b, l, z, c(64 - bits));
          Value f = arith::UIToFPOp::create(b, l, floatType, z);
          Value scale =
              createScalar(b, l, floatType, std::ldexp(1.0, -int(bits)));
          linalg::YieldOp::create(b, l,
                                  Value(arith::MulFOp::create(b, l, f, scale)));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void tcc::populateTccReductionToLinalgPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ReduceToGeneric<ReduceSumOp, ReduceKind::Sum>,
               ReduceToGeneric<ReduceProdOp, ReduceKind::Prod>,
               ReduceToGeneric<ReduceMaxOp, ReduceKind::Max>,
               ReduceToGeneric<ReduceMinOp, ReduceKind::Min>,
               ArgReduceToGeneric<ArgMaxOp, true>,
               ArgReduceToGeneric<ArgMinOp, false>, CumSumToGeneric,
               RandomUniformToGeneric>(ctx);
}
