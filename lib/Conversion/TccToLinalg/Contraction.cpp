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
//
// A matmul is a contraction over the loops (batch..., m, n, k). The
// transposes around it are not written out: an operand produced by
// transposes (the weight of x.W^T, attention heads split off a strided view)
// is read from the transposes' input through a permuted indexing map, and a
// result read only by a transpose is written in the transposed layout.
// Contractions that are plain or batched matmuls up to reshapes use the
// named linalg ops (with indexing maps for operands read transposed); the
// others become linalg.contract ops (linalg.generic with broadcast batch
// dimensions). The CPU tiler register-tiles all of them
// (linalg::inferContractionDims).

namespace {

/// How a contraction reads or writes a tensor: the (converted) value and the
/// map from the contraction's loops to its dimensions.
struct Access {
  Value value;
  AffineMap map;
};

bool hasStaticShape(Value v) {
  return cast<RankedTensorType>(v.getType()).hasStaticShape();
}

/// Whether the lowering converts `op` (it needs static shapes).
bool isConvertible(MatmulOp op) {
  return hasStaticShape(op.getLhs()) && hasStaticShape(op.getRhs()) &&
         hasStaticShape(op.getResult());
}

/// The transpose that is the only reader of `op`'s result, when `op` writes
/// the transposed tensor directly instead: its innermost dimension must be
/// N, or M (the operands are then exchanged: C^T = B^T A^T), so that the
/// register tiles still store contiguous vectors. Null otherwise.
TransposeOp resultTranspose(MatmulOp op) {
  if (!op->hasOneUse() || !isConvertible(op))
    return nullptr;
  auto transpose = dyn_cast<TransposeOp>(*op->user_begin());
  int64_t rank = cast<RankedTensorType>(op.getType()).getRank();
  if (!transpose || transpose.getPermutation().back() < rank - 2)
    return nullptr;
  return transpose;
}

/// Whether the matmul that `transpose` reads writes it directly.
bool isWrittenByMatmul(TransposeOp transpose) {
  auto matmul = transpose.getInput().getDefiningOp<MatmulOp>();
  return matmul && resultTranspose(matmul) == transpose;
}

/// Whether `transpose` is dead once the matmuls reading it read its input
/// instead: every reader is a matmul, directly or through more such
/// transposes. A transpose that stays materialized for other readers is read
/// as it is (contiguous, where its input may be a strided view).
bool diesWhenFolded(TransposeOp transpose) {
  if (isWrittenByMatmul(transpose))
    return false;
  return llvm::all_of(transpose->getUsers(), [](Operation *user) {
    if (auto matmul = dyn_cast<MatmulOp>(user))
      return isConvertible(matmul);
    auto next = dyn_cast<TransposeOp>(user);
    return next && diesWhenFolded(next);
  });
}

/// How the contraction reads `operand`, whose dimensions `map` indexes: from
/// the input of the transposes producing it that die once folded.
Access readThroughTransposes(Value operand, AffineMap map,
                             ConversionPatternRewriter &rewriter) {
  SmallVector<AffineExpr> exprs(map.getResults());
  while (auto transpose = operand.getDefiningOp<TransposeOp>()) {
    if (!diesWhenFolded(transpose))
      break;
    // Dimension i of the transpose is dimension perm[i] of its input.
    SmallVector<AffineExpr> inputExprs(exprs.size());
    for (auto [i, d] : llvm::enumerate(transpose.getPermutation()))
      inputExprs[d] = exprs[i];
    exprs = std::move(inputExprs);
    operand = transpose.getInput();
  }
  return {rewriter.getRemappedValue(operand),
          AffineMap::get(map.getNumDims(), 0, exprs, map.getContext())};
}

/// The map from (batch..., m, n, k) to an operand's batch dimensions
/// (broadcast NumPy-style) followed by `rows` and `cols`.
AffineMap operandMap(MLIRContext *ctx, ArrayRef<int64_t> shape,
                     ArrayRef<int64_t> batch, AffineExpr rows,
                     AffineExpr cols) {
  AffineMap bcast = getBroadcastMap(ctx, shape.drop_back(2), batch);
  SmallVector<AffineExpr> exprs(bcast.getResults());
  exprs.append({rows, cols});
  return AffineMap::get(batch.size() + 3, 0, exprs, ctx);
}

/// Whether `map` reads `lead` leading loops in order, then `a`, `b` (false)
/// or `b`, `a` (true: the matrix is read transposed); nullopt otherwise.
std::optional<bool> matrixLayout(AffineMap map, unsigned lead, AffineExpr a,
                                 AffineExpr b) {
  ArrayRef<AffineExpr> exprs = map.getResults();
  if (exprs.size() != lead + 2)
    return std::nullopt;
  for (unsigned i = 0; i < lead; ++i)
    if (exprs[i] != getAffineDimExpr(i, map.getContext()))
      return std::nullopt;
  if (exprs[lead] == a && exprs[lead + 1] == b)
    return false;
  if (exprs[lead] == b && exprs[lead + 1] == a)
    return true;
  return std::nullopt;
}

bool isPlain(std::optional<bool> layout) { return layout && !*layout; }

/// The reassociation of `rank` dimensions merging [from, to) into one.
SmallVector<ReassociationIndices> mergeDims(int64_t rank, int64_t from,
                                            int64_t to) {
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
Value collapseDims(OpBuilder &b, Location loc, Value v, int64_t from,
                   int64_t to) {
  if (to - from == 1)
    return v;
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  return tensor::CollapseShapeOp::create(b, loc, v, mergeDims(rank, from, to));
}

/// A named matmul (`batched`: batch_matmul) of `type` accumulating into
/// zeros, with indexing maps when an operand is read transposed.
Value createNamedMatmul(OpBuilder &b, Location loc, bool batched, Value lhs,
                        bool lhsTransposed, Value rhs, bool rhsTransposed,
                        RankedTensorType type) {
  SmallVector<Value, 2> ins{lhs, rhs};
  Value init = createZeros(b, loc, type);
  linalg::LinalgOp op =
      batched ? cast<linalg::LinalgOp>(
                    linalg::BatchMatmulOp::create(b, loc, ins, init)
                        .getOperation())
              : cast<linalg::LinalgOp>(
                    linalg::MatmulOp::create(b, loc, ins, init).getOperation());
  if (lhsTransposed || rhsTransposed) {
    MLIRContext *ctx = b.getContext();
    unsigned lead = batched ? 1 : 0;
    AffineExpr m = getAffineDimExpr(lead, ctx),
               n = getAffineDimExpr(lead + 1, ctx),
               k = getAffineDimExpr(lead + 2, ctx);
    auto map = [&](AffineExpr x, AffineExpr y) {
      SmallVector<AffineExpr> exprs;
      if (batched)
        exprs.push_back(getAffineDimExpr(0, ctx));
      exprs.append({x, y});
      return AffineMapAttr::get(AffineMap::get(lead + 3, 0, exprs, ctx));
    };
    op->setAttr("indexing_maps",
                b.getArrayAttr({lhsTransposed ? map(k, m) : map(m, k),
                                rhsTransposed ? map(n, k) : map(k, n),
                                map(m, n)}));
  }
  return op->getResult(0);
}

/// The contraction as a named linalg.matmul or linalg.batch_matmul, which
/// the CPU pipeline turns into register-tiled FMA kernels, when it is one up
/// to reshapes: batch dimensions of a lhs multiplied by a 2-D rhs join the
/// rows (`[b..., m, k] x [k, n]` is a `[b*m, k] x [k, n]` matmul) and equal
/// batch dimensions on both sides join into one. Null otherwise (broadcast
/// or permuted batch dimensions in an operand or the result, a batched lhs
/// read transposed times a 2-D rhs).
Value buildNamedMatmul(OpBuilder &b, Location loc, Access lhs, Access rhs,
                       AffineMap out, RankedTensorType type) {
  MLIRContext *ctx = b.getContext();
  unsigned nb = type.getRank() - 2;
  AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
             k = getAffineDimExpr(nb + 2, ctx);
  if (type.getNumElements() == 0 || !isPlain(matrixLayout(out, nb, m, n)))
    return nullptr;
  std::optional<bool> lhsLayout = matrixLayout(lhs.map, nb, m, k);
  std::optional<bool> rhsLayout = matrixLayout(rhs.map, nb, k, n);
  std::optional<bool> matrixRhs = matrixLayout(rhs.map, 0, k, n);
  if (nb == 0)
    return lhsLayout && rhsLayout
               ? createNamedMatmul(b, loc, false, lhs.value, *lhsLayout,
                                   rhs.value, *rhsLayout, type)
               : nullptr;
  ArrayRef<int64_t> shape = type.getShape();
  int64_t rank = type.getRank();
  Value result;
  int64_t mergedTo;
  if (isPlain(lhsLayout) && matrixRhs) {
    // [b..., m, k] x [k, n]: the rows of all batches at once.
    mergedTo = rank - 1;
    auto flatType = RankedTensorType::get(
        {type.getNumElements() / shape.back(), shape.back()},
        type.getElementType());
    result = createNamedMatmul(b, loc, false,
                               collapseDims(b, loc, lhs.value, 0, mergedTo),
                               false, rhs.value, *matrixRhs, flatType);
  } else if (lhsLayout && rhsLayout) {
    // Equal batch dimensions: one batch dimension.
    mergedTo = rank - 2;
    int64_t rows = shape[rank - 2], cols = shape[rank - 1];
    auto batchedType = RankedTensorType::get(
        {type.getNumElements() / (rows * cols), rows, cols},
        type.getElementType());
    result = createNamedMatmul(
        b, loc, true, collapseDims(b, loc, lhs.value, 0, mergedTo), *lhsLayout,
        collapseDims(b, loc, rhs.value, 0, mergedTo), *rhsLayout, batchedType);
  } else {
    return nullptr;
  }
  if (mergedTo == 1)
    return result;
  return tensor::ExpandShapeOp::create(b, loc, type, result,
                                       mergeDims(rank, 0, mergedTo));
}

/// The contraction as a linalg.contract over (batch..., m, n, k), which the
/// CPU pipeline vectorizes into vector.contract like the named matmuls; a
/// linalg.generic where a broadcast batch dimension reads index 0 (not a
/// projected permutation, which linalg.contract needs).
Value buildContraction(OpBuilder &b, Location loc, Access lhs, Access rhs,
                       AffineMap out, RankedTensorType type) {
  SmallVector<Value, 2> ins{lhs.value, rhs.value};
  Value init = createZeros(b, loc, type);
  if (lhs.map.isProjectedPermutation() && rhs.map.isProjectedPermutation())
    return linalg::ContractOp::create(
               b, loc, TypeRange{type}, ins, ValueRange{init},
               b.getAffineMapArrayAttr({lhs.map, rhs.map, out}))
        .getResult(0);
  SmallVector<utils::IteratorType> iters =
      parallelIterators(out.getNumDims() - 1);
  iters.push_back(utils::IteratorType::reduction);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ins, ValueRange{init},
             ArrayRef<AffineMap>{lhs.map, rhs.map, out}, iters,
             [](OpBuilder &nb, Location l, ValueRange args) {
               buildMultiplyAccumulate(nb, l, args);
             })
      .getResult(0);
}

struct MatmulToLinalg : public OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isConvertible(op))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    MLIRContext *ctx = op.getContext();
    auto type = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> batch = type.getShape().drop_back(2);
    unsigned nb = batch.size();
    AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
               k = getAffineDimExpr(nb + 2, ctx);
    auto shapeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    Access lhs = readThroughTransposes(
        op.getLhs(), operandMap(ctx, shapeOf(op.getLhs()), batch, m, k),
        rewriter);
    Access rhs = readThroughTransposes(
        op.getRhs(), operandMap(ctx, shapeOf(op.getRhs()), batch, k, n),
        rewriter);
    AffineMap out =
        AffineMap::getMultiDimIdentityMap(nb + 3, ctx).getMajorSubMap(nb + 2);
    TransposeOp transpose = resultTranspose(op);
    if (transpose) {
      // Dimension i of the transpose is dimension perm[i] of the product.
      SmallVector<AffineExpr> exprs;
      for (int64_t d : transpose.getPermutation())
        exprs.push_back(out.getResult(d));
      out = AffineMap::get(nb + 3, 0, exprs, ctx);
      type = cast<RankedTensorType>(transpose.getType());
    }
    if (out.getResults().back() == m) {
      // Written along M: C^T = B^T A^T, with M and N exchanged so that N is
      // the output's innermost dimension again.
      SmallVector<AffineExpr> exchanged(
          AffineMap::getMultiDimIdentityMap(nb + 3, ctx).getResults());
      std::swap(exchanged[nb], exchanged[nb + 1]);
      AffineMap exchange = AffineMap::get(nb + 3, 0, exchanged, ctx);
      std::swap(lhs, rhs);
      lhs.map = lhs.map.compose(exchange);
      rhs.map = rhs.map.compose(exchange);
      out = out.compose(exchange);
    }
    Location loc = op.getLoc();
    Value result = buildNamedMatmul(rewriter, loc, lhs, rhs, out, type);
    if (!result)
      result = buildContraction(rewriter, loc, lhs, rhs, out, type);
    if (!transpose) {
      rewriter.replaceOp(op, result);
      return success();
    }
    rewriter.replaceOp(transpose, result);
    rewriter.eraseOp(op);
    return success();
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
