//===- DataMovement.cpp - tcc shape and indexing ops to linalg/tensor ----===//
//
// Reshapes, slices and concatenations become tensor ops that bufferize to
// views or copies; permutations, broadcasts and every data-dependent or
// backwards read become a linalg.generic over the result, reading the input
// through an affine map or with tensor.extract at a computed index;
// scatter_add is a loop nest over its updates.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::tcc;

namespace {

/// The patterns handle static shapes only; others stay unconverted (and the
/// conversion reports them).
LogicalResult requireStatic(Operation *op, PatternRewriter &rewriter) {
  for (Type t : op->getOperandTypes())
    if (!cast<RankedTensorType>(t).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "expected static shapes");
  if (!cast<RankedTensorType>(op->getResult(0).getType()).hasStaticShape())
    return rewriter.notifyMatchFailure(op, "expected a static result shape");
  return success();
}

//===----------------------------------------------------------------------===//
// reshape, transpose, broadcast_to, concat
//===----------------------------------------------------------------------===//

/// Collapses to 1-D (or 0-D) and expands to the target: both bufferize to
/// views of a contiguous buffer, and both accept zero-size dimensions.
struct ReshapeToCollapseExpand : public OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value value = adaptor.getInput();
    auto srcType = cast<RankedTensorType>(value.getType());
    auto dstType = cast<RankedTensorType>(op.getType());
    if (srcType == dstType) {
      rewriter.replaceOp(op, value);
      return success();
    }
    auto flatType = RankedTensorType::get({srcType.getNumElements()},
                                          srcType.getElementType());
    // Source to 1-D: all dims in one group; from rank 0 it is an expansion.
    if (srcType.getRank() == 0)
      value = tensor::ExpandShapeOp::create(rewriter, loc, flatType, value,
                                            ArrayRef<ReassociationIndices>{});
    else if (srcType.getRank() > 1)
      value = tensor::CollapseShapeOp::create(
          rewriter, loc, flatType, value,
          ArrayRef<ReassociationIndices>{
              llvm::to_vector(llvm::seq<int64_t>(0, srcType.getRank()))});
    // 1-D to the target.
    if (dstType.getRank() == 0)
      value = tensor::CollapseShapeOp::create(rewriter, loc, dstType, value,
                                              ArrayRef<ReassociationIndices>{});
    else if (dstType.getRank() > 1)
      value = tensor::ExpandShapeOp::create(
          rewriter, loc, dstType, value,
          ArrayRef<ReassociationIndices>{
              llvm::to_vector(llvm::seq<int64_t>(0, dstType.getRank()))});
    rewriter.replaceOp(op, value);
    return success();
  }
};

struct TransposeToLinalg : public OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    auto type = cast<RankedTensorType>(op.getType());
    Value init = createEmpty(rewriter, op.getLoc(), type);
    auto transpose = linalg::TransposeOp::create(
        rewriter, op.getLoc(), adaptor.getInput(), init, op.getPermutation());
    rewriter.replaceOp(op, transpose.getResult());
    return success();
  }
};

struct BroadcastToGeneric : public OpConversionPattern<BroadcastToOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(BroadcastToOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    SmallVector<AffineMap> maps = {
        getBroadcastMap(ctx, cast<RankedTensorType>(input.getType()).getShape(),
                        type.getShape()),
        AffineMap::getMultiDimIdentityMap(type.getRank(), ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input},
        ValueRange{createEmpty(rewriter, loc, type)}, maps,
        parallelIterators(type.getRank()),
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// A chain of tensor.insert_slice into a tensor.empty at running offsets.
struct ConcatToInsertSlices : public OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    int64_t rank = type.getRank();
    if (axis >= rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Value result = createEmpty(rewriter, loc, type);
    SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
    for (Value input : adaptor.getInputs()) {
      auto inType = cast<RankedTensorType>(input.getType());
      if (inType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, ValueRange{}, ValueRange{},
          ValueRange{}, offsets, inType.getShape(), strides);
      offsets[axis] += inType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// slice
//===----------------------------------------------------------------------===//

/// Forward slices are strided views; any backwards step reads through the
/// affine map d -> start + step * d instead.
struct SliceToLinalg : public OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput();
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> starts = op.getStarts(), steps = op.getSteps();
    int64_t rank = type.getRank();
    if (static_cast<int64_t>(starts.size()) != rank ||
        static_cast<int64_t>(steps.size()) != rank)
      return rewriter.notifyMatchFailure(op, "starts/steps size mismatch");

    // An empty result reads nothing (its starts need not be in bounds).
    if (type.getNumElements() == 0) {
      rewriter.replaceOp(op, createEmpty(rewriter, loc, type));
      return success();
    }
    if (llvm::all_of(steps, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, type, input, ValueRange{}, ValueRange{}, ValueRange{},
          rewriter.getDenseI64ArrayAttr(starts),
          rewriter.getDenseI64ArrayAttr(type.getShape()),
          rewriter.getDenseI64ArrayAttr(steps));
      return success();
    }
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      exprs.push_back(getAffineConstantExpr(starts[d], ctx) +
                      getAffineDimExpr(d, ctx) * steps[d]);
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, exprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{input},
        ValueRange{createEmpty(rewriter, loc, type)}, maps,
        parallelIterators(rank), [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// gather, gather_elements
//===----------------------------------------------------------------------===//

Value indexConst(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Turns an integer index read from data into an in-bounds `index` for a
/// dimension of size `dim`: negative values count from the end, the rest is
/// clamped to [0, dim - 1].
Value normalizeIndex(OpBuilder &b, Location loc, Value raw, int64_t dim) {
  Value idx = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value zero = indexConst(b, loc, 0);
  Value isNeg =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, idx, zero);
  Value wrapped = arith::AddIOp::create(b, loc, idx, indexConst(b, loc, dim));
  idx = arith::SelectOp::create(b, loc, isNeg, wrapped, idx);
  idx = arith::MaxSIOp::create(b, loc, idx, zero);
  return arith::MinSIOp::create(
      b, loc, idx, indexConst(b, loc, std::max<int64_t>(dim - 1, 0)));
}

/// result[o..., i..., p...] = input[o..., indices[i...], p...] with the
/// indices' dims at `axis` of the result.
struct GatherToGeneric : public OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto idxRank = cast<RankedTensorType>(indices.getType()).getRank();
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    if (axis >= inType.getRank() || rank != inType.getRank() - 1 + idxRank)
      return rewriter.notifyMatchFailure(op, "inconsistent gather shapes");
    if (inType.getDimSize(axis) == 0 && type.getNumElements() != 0)
      return op.emitError("gather from an empty axis");

    SmallVector<AffineExpr> idxExprs;
    for (int64_t d = axis; d < axis + idxRank; ++d)
      idxExprs.push_back(getAffineDimExpr(d, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank, 0, idxExprs, ctx),
        AffineMap::getMultiDimIdentityMap(rank, ctx)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices},
        ValueRange{createEmpty(rewriter, loc, type)}, maps,
        parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(
              normalizeIndex(b, l, args[0], inType.getDimSize(axis)));
          for (int64_t d = axis + idxRank; d < rank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// result[p] = input[p with p[axis] replaced by indices[p]].
struct GatherElementsToGeneric : public OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    Value input = adaptor.getInput(), indices = adaptor.getIndices();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    if (axis >= rank || inType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "inconsistent shapes");
    if (inType.getDimSize(axis) == 0 && type.getNumElements() != 0)
      return op.emitError("gather from an empty axis");

    auto id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{indices},
        ValueRange{createEmpty(rewriter, loc, type)},
        SmallVector<AffineMap>{id, id}, parallelIterators(rank),
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d)
            coords.push_back(
                d == axis ? normalizeIndex(b, l, args[0], inType.getDimSize(d))
                          : Value(linalg::IndexOp::create(b, l, d)));
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// scatter_add
//===----------------------------------------------------------------------===//

/// A loop nest over the updates, carrying the result tensor:
/// out[p with p[axis] = indices[p]] += updates[p]. That is O(updates), where
/// a linalg.generic comparing every output index with every update would be
/// O(output x updates) (for an embedding gradient, a one-hot matmul). Each
/// output element still receives its updates in increasing order along
/// `axis`, as a sequential reduction would add them. After bufferization the
/// loop updates the result buffer in place.
struct ScatterAddToLoops : public OpConversionPattern<ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput(), indices = adaptor.getIndices(),
          updates = adaptor.getUpdates();
    auto inType = cast<RankedTensorType>(input.getType());
    auto updType = cast<RankedTensorType>(updates.getType());
    int64_t axis = op.getAxis(), rank = inType.getRank();
    if (axis >= rank || updType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "inconsistent shapes");
    if (updType.getNumElements() == 0) {
      rewriter.replaceOp(op, input);
      return success();
    }
    int64_t dim = inType.getDimSize(axis);
    if (dim == 0)
      return op.emitError("scatter into an empty axis");

    if (auto rows = rowIndices(op, rewriter)) {
      rewriter.replaceOp(op, buildRowScatter(rewriter, loc, input, rows->first,
                                             updates, axis, rows->second));
      return success();
    }
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t size : updType.getShape()) {
      lbs.push_back(indexConst(rewriter, loc, 0));
      ubs.push_back(indexConst(rewriter, loc, size));
      steps.push_back(indexConst(rewriter, loc, 1));
    }
    bool isFloat = isa<FloatType>(inType.getElementType());
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{input},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange acc) -> scf::ValueVector {
          Value raw = tensor::ExtractOp::create(b, l, indices, ivs);
          SmallVector<Value> coords(ivs);
          coords[axis] = normalizeIndex(b, l, raw, dim);
          Value old = tensor::ExtractOp::create(b, l, acc[0], coords);
          Value upd = tensor::ExtractOp::create(b, l, updates, ivs);
          Value sum = isFloat ? Value(arith::AddFOp::create(b, l, old, upd))
                              : Value(arith::AddIOp::create(b, l, old, upd));
          return {tensor::InsertOp::create(b, l, sum, acc[0], coords)};
        });
    rewriter.replaceOp(op, nest.results);
    return success();
  }

  /// When the indices broadcast a tensor of the same rank along trailing
  /// dimensions after `axis` (an embedding gradient: one row index per
  /// token, broadcast over the embedding), the (converted) tensor and the
  /// first broadcast dimension: each index then moves a whole row.
  static std::optional<std::pair<Value, int64_t>>
  rowIndices(ScatterAddOp op, ConversionPatternRewriter &rewriter) {
    auto bcast = op.getIndices().getDefiningOp<BroadcastToOp>();
    if (!bcast)
      return std::nullopt;
    auto src = cast<RankedTensorType>(bcast.getInput().getType());
    auto type = cast<RankedTensorType>(bcast.getType());
    int64_t rank = type.getRank(), first = rank;
    if (src.getRank() != rank || !src.hasStaticShape())
      return std::nullopt;
    while (first > op.getAxis() + 1 && src.getDimSize(first - 1) == 1 &&
           type.getDimSize(first - 1) != 1)
      --first;
    if (first == rank)
      return std::nullopt;
    for (int64_t d = 0; d < first; ++d)
      if (src.getDimSize(d) != type.getDimSize(d))
        return std::nullopt;
    return std::make_pair(rewriter.getRemappedValue(bcast.getInput()), first);
  }

  /// The loop nest over the dimensions before `first`, each iteration adding
  /// one row of updates (dimensions `first`..) to the row its index names,
  /// with a linalg.add on slices (vectorized; in place after bufferization).
  /// Every output element gets its updates in the same order as the
  /// element-wise loops.
  static Value buildRowScatter(OpBuilder &rewriter, Location loc, Value input,
                               Value indices, Value updates, int64_t axis,
                               int64_t first) {
    auto updType = cast<RankedTensorType>(updates.getType());
    int64_t rank = updType.getRank();
    int64_t dim = cast<RankedTensorType>(input.getType()).getDimSize(axis);
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d = 0; d < first; ++d) {
      lbs.push_back(indexConst(rewriter, loc, 0));
      ubs.push_back(indexConst(rewriter, loc, updType.getDimSize(d)));
      steps.push_back(indexConst(rewriter, loc, 1));
    }
    SmallVector<int64_t> rowShape(first, 1);
    llvm::append_range(rowShape, updType.getShape().drop_front(first));
    auto rowType = RankedTensorType::get(rowShape, updType.getElementType());
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{input},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange acc) -> scf::ValueVector {
          SmallVector<OpFoldResult> at(ivs.begin(), ivs.end());
          at.append(rank - first, b.getIndexAttr(0));
          SmallVector<Value> idx(ivs);
          idx.append(rank - first, indexConst(b, l, 0));
          Value raw = tensor::ExtractOp::create(b, l, indices, idx);
          SmallVector<OpFoldResult> to(at);
          to[axis] = normalizeIndex(b, l, raw, dim);
          SmallVector<OpFoldResult> sizes, ones(rank, b.getIndexAttr(1));
          for (int64_t size : rowShape)
            sizes.push_back(b.getIndexAttr(size));
          Value old = tensor::ExtractSliceOp::create(b, l, rowType, acc[0], to,
                                                     sizes, ones);
          Value upd = tensor::ExtractSliceOp::create(b, l, rowType, updates,
                                                     at, sizes, ones);
          Value sum = linalg::AddOp::create(b, l, ValueRange{old, upd},
                                            ValueRange{old})
                          .getResult(0);
          return {tensor::InsertSliceOp::create(b, l, sum, acc[0], to, sizes,
                                                ones)};
        });
    return nest.results.front();
  }
};

//===----------------------------------------------------------------------===//
// pad
//===----------------------------------------------------------------------===//

/// The source index of padded index `i` (already shifted by the low pad, so
/// possibly outside [0, dim)): `edge` clamps, `reflect` mirrors about the
/// first and last element without repeating them, periodically like NumPy.
Value sourceIndex(OpBuilder &b, Location loc, Value i, int64_t dim,
                  bool reflect) {
  if (!reflect || dim == 1) {
    Value clamped = arith::MaxSIOp::create(b, loc, i, indexConst(b, loc, 0));
    return arith::MinSIOp::create(b, loc, clamped, indexConst(b, loc, dim - 1));
  }
  // m = i mod 2(dim-1) in [0, 2(dim-1)); the second half runs backwards.
  int64_t period = 2 * (dim - 1);
  Value p = indexConst(b, loc, period);
  Value m = arith::RemSIOp::create(b, loc, i, p);
  Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, m,
                                    indexConst(b, loc, 0));
  m = arith::SelectOp::create(b, loc, neg, arith::AddIOp::create(b, loc, m, p),
                              m);
  Value back = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, m,
                                     indexConst(b, loc, dim));
  return arith::SelectOp::create(b, loc, back,
                                 arith::SubIOp::create(b, loc, p, m), m);
}

struct PadToLinalg : public OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (failed(requireStatic(op, rewriter)))
      return failure();
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    auto inType = cast<RankedTensorType>(input.getType());
    auto type = cast<RankedTensorType>(op.getType());
    int64_t rank = type.getRank();
    ArrayRef<int64_t> padding = op.getPadding();
    if (static_cast<int64_t>(padding.size()) != 2 * rank ||
        llvm::any_of(padding, [](int64_t p) { return p < 0; }))
      return rewriter.notifyMatchFailure(op,
                                         "expected 2*rank non-negative pads");
    ArrayRef<int64_t> low = padding.take_front(rank),
                      high = padding.drop_front(rank);
    StringRef mode = op.getMode();

    if (mode == "constant")
      return rewriteConstant(op, input, adaptor.getValue(), low, high, type,
                             rewriter);
    if (mode != "reflect" && mode != "edge")
      return op.emitError("unknown pad mode '") << mode << "'";
    if (inType.getNumElements() == 0 && type.getNumElements() != 0)
      return op.emitError("cannot ") << mode << "-pad an empty tensor";

    bool reflect = mode == "reflect";
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{},
        ValueRange{createEmpty(rewriter, loc, type)},
        SmallVector<AffineMap>{
            AffineMap::getMultiDimIdentityMap(rank, op.getContext())},
        parallelIterators(rank), [&](OpBuilder &b, Location l, ValueRange) {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < rank; ++d) {
            Value i = linalg::IndexOp::create(b, l, d);
            if (low[d] == 0 && high[d] == 0) {
              coords.push_back(i);
              continue;
            }
            i = arith::SubIOp::create(b, l, i, indexConst(b, l, low[d]));
            coords.push_back(
                sourceIndex(b, l, i, inType.getDimSize(d), reflect));
          }
          Value v = tensor::ExtractOp::create(b, l, input, coords);
          linalg::YieldOp::create(b, l, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }

  static LogicalResult rewriteConstant(PadOp op, Value input, Value value,
                                       ArrayRef<int64_t> low,
                                       ArrayRef<int64_t> high,
                                       RankedTensorType type,
                                       ConversionPatternRewriter &rewriter) {
    Location loc = op.getLoc();
    Value scalar =
        tensor::ExtractOp::create(rewriter, loc, value, ValueRange{});
    auto pad = tensor::PadOp::create(
        rewriter, loc, type, input,
        getAsIndexOpFoldResult(op.getContext(), low),
        getAsIndexOpFoldResult(op.getContext(), high), scalar);
    rewriter.replaceOp(op, pad.getResult());
    return success();
  }
};

} // namespace

void tcc::populateTccDataMovementToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeToCollapseExpand, TransposeToLinalg, BroadcastToGeneric,
               ConcatToInsertSlices, SliceToLinalg, GatherToGeneric,
               GatherElementsToGeneric, ScatterAddToLoops, PadToLinalg>(
      patterns.getContext());
}
