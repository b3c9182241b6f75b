//===- Contraction.cpp - tcc matmul and einsum to linalg -----------------===//
//
// Contractions become one linalg.generic each: parallel iterators for the
// result dimensions, reduction iterators for the summed ones, a zero-filled
// accumulator, and a multiply-add body. Matmuls that are plain or batched
// matmuls up to reshapes of their batch dimensions use the named linalg ops,
// which the CPU pipeline turns into register-tiled FMA kernels.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::tcc;

/// `a * b` for float or integer scalars.
static Value buildMul(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::MulFOp::create(b, loc, x, y);
  return arith::MulIOp::create(b, loc, x, y);
}

/// `a + b` for float or integer scalars.
static Value buildAdd(OpBuilder &b, Location loc, Value x, Value y) {
  if (isa<FloatType>(x.getType()))
    return arith::AddFOp::create(b, loc, x, y);
  return arith::AddIOp::create(b, loc, x, y);
}

/// A tensor of `type` filled with zeros: the accumulator of a contraction.
static Value createZeros(OpBuilder &b, Location loc, RankedTensorType type) {
  return createFilled(b, loc, type, b.getZeroAttr(type.getElementType()));
}

/// The reduction body: the product of all inputs, added to the accumulator.
static void buildMultiplyAccumulate(OpBuilder &b, Location loc,
                                    ValueRange args) {
  Value prod = args.front();
  for (Value v : args.drop_front().drop_back())
    prod = buildMul(b, loc, prod, v);
  linalg::YieldOp::create(b, loc, buildAdd(b, loc, args.back(), prod));
}

//===----------------------------------------------------------------------===//
// tcc.matmul
//===----------------------------------------------------------------------===//

namespace {
struct MatmulToLinalg : public OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.hasStaticShape() ||
        !cast<RankedTensorType>(adaptor.getLhs().getType()).hasStaticShape() ||
        !cast<RankedTensorType>(adaptor.getRhs().getType()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");

    Value result;
    if (Value source = transposedLhsSource(op, rewriter))
      result = buildTransposedLhsMatmul(rewriter, loc, source,
                                        adaptor.getRhs(), resultType);
    else
      result = buildNamedMatmul(rewriter, loc, adaptor.getLhs(),
                                adaptor.getRhs(), resultType);
    if (!result) {
      Value init = createZeros(rewriter, loc, resultType);
      result = buildBroadcastMatmul(
          rewriter, loc, ValueRange{adaptor.getLhs(), adaptor.getRhs()}, init,
          resultType);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// The (converted) source X of a 2-D lhs `transpose(X)`, which the matmul
  /// reads in place (A^T * B, a weight gradient): the kernel then loads
  /// contiguous pieces of X's rows where a materialized transpose would
  /// read X down its columns. Null otherwise.
  static Value transposedLhsSource(MatmulOp op,
                                   ConversionPatternRewriter &rewriter) {
    auto transpose = op.getLhs().getDefiningOp<TransposeOp>();
    if (!transpose || transpose.getPermutation() != ArrayRef<int64_t>{1, 0} ||
        cast<RankedTensorType>(op.getRhs().getType()).getRank() != 2)
      return nullptr;
    return rewriter.getRemappedValue(transpose.getInput());
  }

  /// linalg.matmul reading its lhs transposed: C[m, n] += X[k, m] * B[k, n].
  static Value buildTransposedLhsMatmul(OpBuilder &b, Location loc, Value x,
                                        Value rhs,
                                        RankedTensorType resultType) {
    MLIRContext *ctx = b.getContext();
    AffineExpr m, n, k;
    bindDims(ctx, m, n, k);
    auto map = [&](ArrayRef<AffineExpr> exprs) {
      return AffineMapAttr::get(AffineMap::get(3, 0, exprs, ctx));
    };
    auto matmul = linalg::MatmulOp::create(
        b, loc, TypeRange{resultType}, ValueRange{x, rhs},
        ValueRange{createZeros(b, loc, resultType)});
    matmul.setIndexingMapsAttr(
        b.getArrayAttr({map({k, m}), map({k, n}), map({m, n})}));
    return matmul.getResult(0);
  }

  /// The reassociation of `rank` dimensions merging [from, to) into one.
  static SmallVector<ReassociationIndices> mergeDims(int64_t rank,
                                                    int64_t from, int64_t to) {
    SmallVector<ReassociationIndices> groups;
    for (int64_t d = 0; d < rank; ++d) {
      if (d <= from || d >= to)
        groups.push_back({d});
      else
        groups.back().push_back(d);
    }
    return groups;
  }

  /// `v` with dimensions [from, to) merged into one (a view after
  /// bufferization).
  static Value collapseDims(OpBuilder &b, Location loc, Value v, int64_t from,
                            int64_t to) {
    if (to - from == 1)
      return v;
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    return tensor::CollapseShapeOp::create(b, loc, v,
                                           mergeDims(rank, from, to));
  }

  /// The matmul as a named linalg.matmul or linalg.batch_matmul, which the
  /// CPU pipeline turns into register-tiled FMA kernels, when it is one up
  /// to reshapes: batch dimensions of an operand multiplied by a 2-D
  /// right-hand side join the rows (`[b..., m, k] x [k, n]` is a
  /// `[b*m, k] x [k, n]` matmul) and equal batch dimensions on both sides
  /// join into one. Null otherwise (broadcast batch dimensions).
  static Value buildNamedMatmul(OpBuilder &b, Location loc, Value lhs,
                                Value rhs, RankedTensorType resultType) {
    auto lhsType = cast<RankedTensorType>(lhs.getType());
    auto rhsType = cast<RankedTensorType>(rhs.getType());
    int64_t lhsRank = lhsType.getRank(), rank = resultType.getRank();
    ArrayRef<int64_t> shape = resultType.getShape();
    if (resultType.getNumElements() == 0 || lhsRank != rank ||
        lhsType.getShape().drop_back(2) != shape.drop_back(2))
      return nullptr;
    if (rank == 2)
      return linalg::MatmulOp::create(b, loc, ValueRange{lhs, rhs},
                                      createZeros(b, loc, resultType))
          .getResult(0);
    Value result;
    int64_t mergedFrom = 0, mergedTo;
    if (rhsType.getRank() == 2) {
      // [b..., m, k] x [k, n]: the rows of all batches at once.
      mergedTo = rank - 1;
      Value flat = collapseDims(b, loc, lhs, mergedFrom, mergedTo);
      auto type = RankedTensorType::get(
          {resultType.getNumElements() / shape.back(), shape.back()},
          resultType.getElementType());
      result = linalg::MatmulOp::create(b, loc, ValueRange{flat, rhs},
                                        createZeros(b, loc, type))
                   .getResult(0);
    } else if (rhsType.getShape().drop_back(2) == shape.drop_back(2)) {
      // Equal batch dimensions: one batch dimension.
      mergedTo = rank - 2;
      Value l = collapseDims(b, loc, lhs, mergedFrom, mergedTo);
      Value r = collapseDims(b, loc, rhs, mergedFrom, mergedTo);
      int64_t rows = shape[rank - 2], cols = shape[rank - 1];
      auto type = RankedTensorType::get(
          {resultType.getNumElements() / (rows * cols), rows, cols},
          resultType.getElementType());
      result = linalg::BatchMatmulOp::create(b, loc, ValueRange{l, r},
                                             createZeros(b, loc, type))
                   .getResult(0);
    } else {
      return nullptr;
    }
    if (mergedTo - mergedFrom == 1)
      return result;
    return tensor::ExpandShapeOp::create(b, loc, resultType, result,
                                         mergeDims(rank, mergedFrom, mergedTo));
  }

  /// The map from (batch..., m, n, k) to an operand's batch dimensions
  /// (broadcast NumPy-style) followed by `rows` and `cols`.
  static AffineMap operandMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                              ArrayRef<int64_t> batch, AffineExpr rows,
                              AffineExpr cols) {
    unsigned numBatch = batch.size();
    AffineMap bcast = getBroadcastMap(ctx, shape.drop_back(2), batch);
    SmallVector<AffineExpr> exprs(bcast.getResults());
    exprs.append({rows, cols});
    return AffineMap::get(numBatch + 3, 0, exprs, ctx);
  }

  /// A generic over (batch..., m, n, k) with broadcast batch dimensions.
  static Value buildBroadcastMatmul(OpBuilder &b, Location loc, ValueRange ins,
                                    Value init, RankedTensorType resultType) {
    MLIRContext *ctx = b.getContext();
    ArrayRef<int64_t> batch = resultType.getShape().drop_back(2);
    unsigned nb = batch.size();
    AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
               k = getAffineDimExpr(nb + 2, ctx);
    auto shapeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    SmallVector<AffineMap> maps{
        operandMap(ctx, shapeOf(ins[0]), batch, m, k),
        operandMap(ctx, shapeOf(ins[1]), batch, k, n),
        AffineMap::getMultiDimIdentityMap(nb + 3, ctx).getMajorSubMap(nb + 2)};
    SmallVector<utils::IteratorType> iters = parallelIterators(nb + 2);
    iters.push_back(utils::IteratorType::reduction);
    return linalg::GenericOp::create(
               b, loc, TypeRange{resultType}, ins, ValueRange{init}, maps,
               iters,
               [](OpBuilder &nb, Location l, ValueRange args) {
                 buildMultiplyAccumulate(nb, l, args);
               })
        .getResult(0);
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// tcc.einsum
//===----------------------------------------------------------------------===//

namespace {
/// An explicit einsum equation with its loop order: output letters first,
/// in output order, then the summed letters in order of first appearance.
struct EinsumSpec {
  SmallVector<StringRef> inputs;
  StringRef output;
  std::string loops;

  static FailureOr<EinsumSpec> parse(StringRef equation) {
    EinsumSpec spec;
    auto [lhs, rhs] = equation.split("->");
    if (lhs.size() == equation.size())
      return failure();
    lhs.split(spec.inputs, ',');
    spec.output = rhs;
    spec.loops = rhs.str();
    for (StringRef term : spec.inputs)
      for (char c : term)
        if (spec.loops.find(c) == std::string::npos)
          spec.loops.push_back(c);
    if (!llvm::all_of(spec.loops, llvm::isAlpha))
      return failure();
    return spec;
  }

  AffineMap termMap(MLIRContext *ctx, StringRef term) const {
    SmallVector<AffineExpr> exprs;
    for (char c : term)
      exprs.push_back(getAffineDimExpr(loops.find(c), ctx));
    return AffineMap::get(loops.size(), 0, exprs, ctx);
  }
};

struct EinsumToLinalg : public OpConversionPattern<EinsumOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(EinsumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = op.getContext();
    auto resultType = cast<RankedTensorType>(op.getType());
    FailureOr<EinsumSpec> spec = EinsumSpec::parse(op.getEquation());
    if (failed(spec) || spec->inputs.size() != adaptor.getInputs().size())
      return rewriter.notifyMatchFailure(op, "malformed einsum equation");

    SmallVector<AffineMap> maps;
    for (StringRef term : spec->inputs)
      maps.push_back(spec->termMap(ctx, term));
    maps.push_back(spec->termMap(ctx, spec->output));
    SmallVector<utils::IteratorType> iters =
        parallelIterators(spec->output.size());
    iters.append(spec->loops.size() - spec->output.size(),
                 utils::IteratorType::reduction);

    // Without summed letters every element is written once: the product
    // alone, not read from the init. (Reading it would also let
    // linalg-fuse-elementwise-ops fuse the op into a consumer with more loops
    // and re-accumulate it on every iteration of those.)
    bool sums = spec->loops.size() > spec->output.size();
    Value init = sums ? createZeros(rewriter, loc, resultType)
                      : createEmpty(rewriter, loc, resultType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, adaptor.getInputs(),
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          if (sums)
            return buildMultiplyAccumulate(b, l, args);
          Value prod = args.front();
          for (Value v : args.drop_front().drop_back())
            prod = buildMul(b, l, prod, v);
          linalg::YieldOp::create(b, l, prod);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};
} // namespace

void tcc::populateTccContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulToLinalg, EinsumToLinalg>(patterns.getContext());
}
