//===- Contraction.cpp - tcc matmul and einsum to linalg -----------------===//
//
// Contractions become one linalg.generic each: parallel iterators for the
// result dimensions, reduction iterators for the summed ones, a zero-filled
// accumulator, and a multiply-add body. Plain 2-D matmuls and equal-batch
// 3-D matmuls use the named linalg ops so later tiling and vectorization
// recognize them.
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
    auto lhsType = cast<RankedTensorType>(adaptor.getLhs().getType());
    auto rhsType = cast<RankedTensorType>(adaptor.getRhs().getType());
    if (!resultType.hasStaticShape() || !lhsType.hasStaticShape() ||
        !rhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");

    Value init = createZeros(rewriter, loc, resultType);
    SmallVector<Value> ins{adaptor.getLhs(), adaptor.getRhs()};
    Value result;
    if (lhsType.getRank() == 2 && rhsType.getRank() == 2) {
      result = linalg::MatmulOp::create(rewriter, loc, ins, init).getResult(0);
    } else if (lhsType.getRank() == 3 && rhsType.getRank() == 3 &&
               lhsType.getDimSize(0) == rhsType.getDimSize(0)) {
      result =
          linalg::BatchMatmulOp::create(rewriter, loc, ins, init).getResult(0);
    } else {
      result = buildBroadcastMatmul(rewriter, loc, ins, init, resultType);
    }
    rewriter.replaceOp(op, result);
    return success();
  }

private:
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
