//===- Convolution.cpp - tcc convolutions and pooling to linalg ----------===//
//
// Convolutions become one linalg.generic over
//   (n, g, m, o1..ok, c, k1..kk)
// on operands reshaped to expose the groups (input [N, G, C/G, D...], output
// [N, G, M/G, O...]); the input is zero-padded first. A transposed
// convolution places its input, strided, into a zero tensor padded so that
// the same kind of generic (with the kernel read backwards) computes it.
// Pooling is a generic over (n, c, o1..ok, k1..kk) with a dummy operand of
// the kernel's shape that bounds the window loops, as linalg.pooling_* does.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::tcc;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Pads the spatial dimensions (all but the first two) of `input` with
/// `value`, `lo[i]` elements before and `hi[i]` after; no-op if all are zero.
static Value padSpatial(OpBuilder &b, Location loc, Value input,
                        ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                        TypedAttr value) {
  if (llvm::all_of(lo, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(hi, [](int64_t p) { return p == 0; }))
    return input;
  RankedTensorType type = tensorType(input);
  SmallVector<int64_t> shape(type.getShape());
  SmallVector<OpFoldResult> low(2, b.getIndexAttr(0)), high = low;
  for (size_t i = 0; i < lo.size(); ++i) {
    shape[i + 2] += lo[i] + hi[i];
    low.push_back(b.getIndexAttr(lo[i]));
    high.push_back(b.getIndexAttr(hi[i]));
  }
  Value pad = arith::ConstantOp::create(b, loc, value);
  return tensor::PadOp::create(b, loc, type.clone(shape), input, low, high, pad)
      .getResult();
}

/// Splits dimension `dim` of `v` into (`outer`, size / `outer`).
static Value splitDim(OpBuilder &b, Location loc, Value v, int64_t dim,
                      int64_t outer) {
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] /= outer;
  shape.insert(shape.begin() + dim, outer);
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0, j = 0; i < type.getRank(); ++i) {
    if (i == dim) {
      reassoc.push_back({j, j + 1});
      j += 2;
    } else {
      reassoc.push_back({j++});
    }
  }
  return tensor::ExpandShapeOp::create(b, loc, type.clone(shape), v, reassoc);
}

/// Merges dimensions `dim` and `dim + 1` of `v`.
static Value mergeDims(OpBuilder &b, Location loc, Value v, int64_t dim) {
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] *= shape[dim + 1];
  shape.erase(shape.begin() + dim + 1);
  SmallVector<ReassociationIndices> reassoc;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    if (i == dim + 1)
      reassoc.back().push_back(i);
    else
      reassoc.push_back({i});
  }
  return tensor::CollapseShapeOp::create(b, loc, type.clone(shape), v, reassoc);
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

namespace {
/// The iteration space (n, g, m, o1..ok, c, k1..kk) of a grouped convolution
/// with k spatial dimensions.
struct ConvLoops {
  MLIRContext *ctx;
  unsigned k;

  AffineExpr dim(unsigned i) const { return getAffineDimExpr(i, ctx); }
  AffineExpr n() const { return dim(0); }
  AffineExpr g() const { return dim(1); }
  AffineExpr m() const { return dim(2); }
  AffineExpr out(unsigned i) const { return dim(3 + i); }
  AffineExpr c() const { return dim(3 + k); }
  AffineExpr kern(unsigned i) const { return dim(4 + k + i); }

  AffineMap map(ArrayRef<AffineExpr> exprs) const {
    return AffineMap::get(4 + 2 * k, 0, exprs, ctx);
  }
  /// `lead` followed by one expression per spatial dimension.
  AffineMap map(ArrayRef<AffineExpr> lead,
                function_ref<AffineExpr(unsigned)> spatial) const {
    SmallVector<AffineExpr> exprs(lead);
    for (unsigned i = 0; i < k; ++i)
      exprs.push_back(spatial(i));
    return map(exprs);
  }
  SmallVector<utils::IteratorType> iterators() const {
    SmallVector<utils::IteratorType> it = parallelIterators(3 + k);
    it.append(1 + k, utils::IteratorType::reduction);
    return it;
  }
};
} // namespace

/// Sums `input[inputMap] * weight[weightMap]` into a zero tensor of shape
/// [N, G, M/G, O...] over `loops`, then merges the groups back:
/// the result is [N, M, O...] of `resultType`.
static Value buildGroupedConv(OpBuilder &b, Location loc,
                              const ConvLoops &loops, Value input,
                              AffineMap inputMap, Value weight,
                              AffineMap weightMap, RankedTensorType resultType,
                              int64_t groups) {
  SmallVector<int64_t> shape(resultType.getShape());
  shape[1] /= groups;
  shape.insert(shape.begin() + 1, groups);
  auto accType = resultType.clone(shape);
  Value init =
      createFilled(b, loc, accType, b.getZeroAttr(resultType.getElementType()));
  AffineMap outMap = loops.map({loops.n(), loops.g(), loops.m()},
                               [&](unsigned i) { return loops.out(i); });
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{accType}, ValueRange{input, weight}, ValueRange{init},
      ArrayRef<AffineMap>{inputMap, weightMap, outMap}, loops.iterators(),
      [](OpBuilder &nb, Location l, ValueRange args) {
        Value prod = arith::MulFOp::create(nb, l, args[0], args[1]);
        Value sum = arith::AddFOp::create(nb, l, args[2], prod);
        linalg::YieldOp::create(nb, l, sum);
      });
  return mergeDims(b, loc, generic.getResult(0), 1);
}

namespace {
struct ConvToLinalg : public OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    RankedTensorType inType = tensorType(adaptor.getInput());
    if (!resultType.hasStaticShape() || !inType.hasStaticShape() ||
        !tensorType(adaptor.getWeight()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    unsigned k = inType.getRank() - 2;
    int64_t groups = op.getGroups();
    ArrayRef<int64_t> pads = op.getPadding(), strides = op.getStrides(),
                      dilations = op.getDilations();

    // input [N, C, D...] -> padded [N, G, C/G, Dp...];
    // weight [M, C/G, K...] -> [G, M/G, C/G, K...].
    Value input = padSpatial(rewriter, loc, adaptor.getInput(),
                             pads.take_front(k), pads.drop_front(k),
                             rewriter.getZeroAttr(inType.getElementType()));
    input = splitDim(rewriter, loc, input, 1, groups);
    Value weight = splitDim(rewriter, loc, adaptor.getWeight(), 0, groups);

    ConvLoops loops{op.getContext(), k};
    AffineMap inputMap =
        loops.map({loops.n(), loops.g(), loops.c()}, [&](unsigned i) {
          return loops.out(i) * strides[i] + loops.kern(i) * dilations[i];
        });
    AffineMap weightMap = loops.map({loops.g(), loops.m(), loops.c()},
                                    [&](unsigned i) { return loops.kern(i); });
    rewriter.replaceOp(op,
                       buildGroupedConv(rewriter, loc, loops, input, inputMap,
                                        weight, weightMap, resultType, groups));
    return success();
  }
};

/// conv_transpose as a stride-1 convolution: out[y] = sum over k of
/// P[y + d*(K-1) - d*k] * w[k], where P holds input element x at
/// d*(K-1) - pad_lo + s*x and zeros elsewhere. Input elements that would land
/// outside P (pads larger than the kernel extent) never reach the output.
struct ConvTransposeToLinalg : public OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    RankedTensorType inType = tensorType(adaptor.getInput());
    RankedTensorType wType = tensorType(adaptor.getWeight());
    if (!resultType.hasStaticShape() || !inType.hasStaticShape() ||
        !wType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    unsigned k = inType.getRank() - 2;
    int64_t groups = op.getGroups();
    ArrayRef<int64_t> dilations = op.getDilations();

    FailureOr<Value> spread =
        spreadInput(rewriter, loc, op, adaptor.getInput(), resultType);
    if (failed(spread)) {
      // No input element reaches the output.
      rewriter.replaceOp(
          op, createFilled(rewriter, loc, resultType,
                           rewriter.getZeroAttr(resultType.getElementType())));
      return success();
    }

    // P [N, C, P...] -> [N, G, C/G, P...]; weight [C, M/G, K...] ->
    // [G, C/G, M/G, K...].
    Value input = splitDim(rewriter, loc, *spread, 1, groups);
    Value weight = splitDim(rewriter, loc, adaptor.getWeight(), 0, groups);
    ConvLoops loops{op.getContext(), k};
    AffineMap inputMap =
        loops.map({loops.n(), loops.g(), loops.c()}, [&](unsigned i) {
          int64_t extent = dilations[i] * (wType.getDimSize(i + 2) - 1);
          return loops.out(i) + extent - loops.kern(i) * dilations[i];
        });
    AffineMap weightMap = loops.map({loops.g(), loops.c(), loops.m()},
                                    [&](unsigned i) { return loops.kern(i); });
    rewriter.replaceOp(op,
                       buildGroupedConv(rewriter, loc, loops, input, inputMap,
                                        weight, weightMap, resultType, groups));
    return success();
  }

private:
  /// Builds P: zeros of spatial size O + d*(K-1), with input element x at
  /// d*(K-1) - pad_lo + s*x when that lies inside. Fails when no element does.
  static FailureOr<Value> spreadInput(OpBuilder &b, Location loc,
                                      ConvTransposeOp op, Value input,
                                      RankedTensorType resultType) {
    RankedTensorType inType = tensorType(input);
    RankedTensorType wType = tensorType(op.getWeight());
    unsigned k = inType.getRank() - 2;
    SmallVector<int64_t> shape(inType.getShape().take_front(2));
    SmallVector<int64_t> sliceOffsets(2, 0), sliceSizes(shape), offsets(2, 0),
        strides(2, 1);
    bool whole = true;
    for (unsigned i = 0; i < k; ++i) {
      int64_t s = op.getStrides()[i], d = op.getDilations()[i];
      int64_t extent = d * (wType.getDimSize(i + 2) - 1);
      int64_t size = resultType.getDimSize(i + 2) + extent;
      int64_t lo = extent - op.getPadding()[i];
      // The input elements x0..x1 land inside [0, size).
      int64_t x0 = lo >= 0 ? 0 : llvm::divideCeilSigned(-lo, s);
      int64_t x1 = std::min(inType.getDimSize(i + 2) - 1,
                            llvm::divideFloorSigned(size - 1 - lo, s));
      if (x1 < x0)
        return failure();
      whole &= x0 == 0 && x1 == inType.getDimSize(i + 2) - 1;
      shape.push_back(size);
      sliceOffsets.push_back(x0);
      sliceSizes.push_back(x1 - x0 + 1);
      offsets.push_back(lo + s * x0);
      strides.push_back(s);
    }
    MLIRContext *ctx = b.getContext();
    auto ofr = [&](ArrayRef<int64_t> v) {
      return getAsIndexOpFoldResult(ctx, v);
    };
    SmallVector<int64_t> ones(inType.getRank(), 1);
    if (!whole)
      input = tensor::ExtractSliceOp::create(b, loc, input, ofr(sliceOffsets),
                                             ofr(sliceSizes), ofr(ones));
    Value zeros = createFilled(b, loc, inType.clone(shape),
                               b.getZeroAttr(inType.getElementType()));
    return tensor::InsertSliceOp::create(b, loc, input, zeros, ofr(offsets),
                                         ofr(sliceSizes), ofr(strides))
        .getResult();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

namespace {
/// The window attributes shared by max_pool and avg_pool.
struct PoolWindow {
  ArrayRef<int64_t> kernel, strides, dilations, padding;

  template <typename OpTy> static PoolWindow get(OpTy op) {
    return {op.getKernel(), op.getStrides(), op.getDilations(),
            op.getPadding()};
  }
  unsigned rank() const { return kernel.size(); }
  int64_t padLo(unsigned i) const { return padding[i]; }
  int64_t padHi(unsigned i) const { return padding[i + rank()]; }
};
} // namespace

/// Reduces every window of `input` with `combine`, starting from `init`
/// (which also pads): a generic over (n, c, o1..ok, k1..kk). Padding beyond
/// the explicit high pads covers the ceil_mode overhang.
static Value buildWindowReduction(
    OpBuilder &b, Location loc, Value input, const PoolWindow &w,
    RankedTensorType resultType, TypedAttr init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  MLIRContext *ctx = b.getContext();
  RankedTensorType inType = tensorType(input);
  unsigned k = w.rank(), numDims = 2 + 2 * k;
  SmallVector<int64_t> lo, hi;
  for (unsigned i = 0; i < k; ++i) {
    int64_t needed = (resultType.getDimSize(i + 2) - 1) * w.strides[i] +
                     w.dilations[i] * (w.kernel[i] - 1) + 1;
    lo.push_back(w.padLo(i));
    hi.push_back(
        std::max<int64_t>(0, needed - inType.getDimSize(i + 2) - w.padLo(i)));
  }
  input = padSpatial(b, loc, input, lo, hi, init);

  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> inExprs{d(0), d(1)}, winExprs, outExprs{d(0), d(1)};
  for (unsigned i = 0; i < k; ++i) {
    inExprs.push_back(d(2 + i) * w.strides[i] + d(2 + k + i) * w.dilations[i]);
    winExprs.push_back(d(2 + k + i));
    outExprs.push_back(d(2 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(numDims, 0, inExprs, ctx),
                              AffineMap::get(numDims, 0, winExprs, ctx),
                              AffineMap::get(numDims, 0, outExprs, ctx)};
  SmallVector<utils::IteratorType> iters = parallelIterators(2 + k);
  iters.append(k, utils::IteratorType::reduction);

  // The window operand only bounds the k1..kk loops; it is never read.
  Value window =
      tensor::EmptyOp::create(b, loc, w.kernel, resultType.getElementType());
  Value acc = createFilled(b, loc, resultType, init);
  return linalg::GenericOp::create(
             b, loc, TypeRange{resultType}, ValueRange{input, window},
             ValueRange{acc}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, combine(nb, l, args[2], args[0]));
             })
      .getResult(0);
}

/// The divisor of an average pool, as one vector per spatial dimension
/// (`[Oi]`; the divisor is their product): the window elements inside the
/// input, plus the explicit pads with `countIncludePad`, never those of the
/// ceil_mode overhang.
static SmallVector<DenseElementsAttr> poolCounts(const PoolWindow &w,
                                                 RankedTensorType inType,
                                                 RankedTensorType resultType,
                                                 bool countIncludePad) {
  Type el = resultType.getElementType();
  SmallVector<DenseElementsAttr> counts;
  for (unsigned i = 0; i < w.rank(); ++i) {
    int64_t begin = countIncludePad ? -w.padLo(i) : 0;
    int64_t end = inType.getDimSize(i + 2) + (countIncludePad ? w.padHi(i) : 0);
    SmallVector<Attribute> values;
    for (int64_t o = 0, e = resultType.getDimSize(i + 2); o < e; ++o) {
      int64_t count = 0;
      for (int64_t j = 0; j < w.kernel[i]; ++j) {
        int64_t p = o * w.strides[i] + j * w.dilations[i] - w.padLo(i);
        count += p >= begin && p < end;
      }
      // An all-padding window sums to zero; avoid 0/0.
      values.push_back(FloatAttr::get(el, std::max<int64_t>(count, 1)));
    }
    auto type = RankedTensorType::get({(int64_t)values.size()}, el);
    counts.push_back(DenseElementsAttr::get(type, values));
  }
  return counts;
}

namespace {
struct MaxPoolToLinalg : public OpConversionPattern<MaxPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!resultType.hasStaticShape() ||
        !tensorType(adaptor.getInput()).hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type el = resultType.getElementType();
    Value result = buildWindowReduction(
        rewriter, op.getLoc(), adaptor.getInput(), PoolWindow::get(op),
        resultType, getLowestAttr(el),
        [&](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          if (isa<FloatType>(el))
            return arith::MaximumFOp::create(b, l, acc, x);
          return arith::MaxSIOp::create(b, l, acc, x);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct AvgPoolToLinalg : public OpConversionPattern<AvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(AvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    RankedTensorType inType = tensorType(adaptor.getInput());
    if (!resultType.hasStaticShape() || !inType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    PoolWindow window = PoolWindow::get(op);
    Value sum = buildWindowReduction(
        rewriter, loc, adaptor.getInput(), window, resultType,
        rewriter.getZeroAttr(resultType.getElementType()),
        [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          return arith::AddFOp::create(b, l, acc, x);
        });

    // sum[n, c, o...] / (count_1[o1] * ... * count_k[ok]).
    MLIRContext *ctx = op.getContext();
    unsigned rank = resultType.getRank();
    AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, ctx);
    SmallVector<Value> ins{sum};
    SmallVector<AffineMap> maps{identity};
    for (auto [i, count] : llvm::enumerate(
             poolCounts(window, inType, resultType, op.getCountIncludePad()))) {
      ins.push_back(arith::ConstantOp::create(rewriter, loc, count));
      maps.push_back(identity.getSubMap({(unsigned)i + 2}));
    }
    maps.push_back(identity);
    auto divide = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, ins,
        ValueRange{createEmpty(rewriter, loc, resultType)}, maps,
        parallelIterators(rank), [](OpBuilder &b, Location l, ValueRange args) {
          Value count = args[1];
          for (Value c : args.drop_front(2).drop_back())
            count = arith::MulFOp::create(b, l, count, c);
          Value mean = arith::DivFOp::create(b, l, args[0], count);
          linalg::YieldOp::create(b, l, mean);
        });
    rewriter.replaceOp(op, divide.getResults());
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Max-pool indices and gradient
//===----------------------------------------------------------------------===//

static Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// `v` clamped to [0, size - 1], so that a tensor.extract stays in bounds
/// when the access is masked off anyway.
static Value clampIndex(OpBuilder &b, Location loc, Value v, int64_t size) {
  v = arith::MaxSIOp::create(b, loc, v, indexConstant(b, loc, 0));
  return arith::MinSIOp::create(b, loc, v, indexConstant(b, loc, size - 1));
}

/// The row-major linear offset of `coords` in `shape`, as an i64.
static Value linearIndex(OpBuilder &b, Location loc, ValueRange coords,
                         ArrayRef<int64_t> shape) {
  Value flat = indexConstant(b, loc, 0);
  for (auto [coord, size] : llvm::zip(coords, shape)) {
    flat = arith::MulIOp::create(b, loc, flat, indexConstant(b, loc, size));
    flat = arith::AddIOp::create(b, loc, flat, coord);
  }
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), flat);
}

static Value andOf(OpBuilder &b, Location loc, Value x, Value y) {
  return arith::AndIOp::create(b, loc, x, y);
}

/// The iteration space (n, c, s1..sk, j1..jk) of a window op: s over the
/// spatial positions of `outType`, j a reduction over the window, bounded by
/// a dummy operand of the kernel's shape. Returns the generic's result.
static Value buildWindowGeneric(
    OpBuilder &b, Location loc, ArrayRef<int64_t> kernel, ValueRange inits,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  unsigned k = kernel.size(), numDims = 2 + 2 * k;
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> winExprs, outExprs{d(0), d(1)};
  for (unsigned i = 0; i < k; ++i) {
    winExprs.push_back(d(2 + k + i));
    outExprs.push_back(d(2 + i));
  }
  SmallVector<AffineMap> maps{AffineMap::get(numDims, 0, winExprs, ctx)};
  maps.append(inits.size(), AffineMap::get(numDims, 0, outExprs, ctx));
  SmallVector<utils::IteratorType> iters = parallelIterators(2 + k);
  iters.append(k, utils::IteratorType::reduction);
  Value window = tensor::EmptyOp::create(b, loc, kernel, b.getI8Type());
  return linalg::GenericOp::create(b, loc, inits.getTypes(), ValueRange{window},
                                   inits, maps, iters, body)
      .getResult(inits.size() - 1);
}

namespace {
/// For each output window (n, c, o...), scans the window positions
/// p = o*s + j*d - lo in row-major order, skipping padding, and keeps the
/// first strictly larger element (or a NaN) with its flat input index.
struct MaxPoolIndicesToLinalg : public OpConversionPattern<MaxPoolIndicesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolIndicesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType inType = tensorType(input);
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!inType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type el = inType.getElementType();
    PoolWindow w = PoolWindow::get(op);
    unsigned k = w.rank();
    Value bestInit = createFilled(rewriter, loc, resultType.clone(el),
                                  getLowestAttr(el));
    Value indexInit = createFilled(rewriter, loc, resultType,
                                   rewriter.getI64IntegerAttr(-1));
    auto body = [&](OpBuilder &b, Location l, ValueRange args) {
      Value best = args[1], bestIndex = args[2];
      SmallVector<Value> coords{linalg::IndexOp::create(b, l, 0),
                                linalg::IndexOp::create(b, l, 1)};
      Value valid = arith::ConstantIntOp::create(b, l, 1, 1);
      for (unsigned i = 0; i < k; ++i) {
        Value o = linalg::IndexOp::create(b, l, 2 + i);
        Value j = linalg::IndexOp::create(b, l, 2 + k + i);
        Value p = arith::AddIOp::create(
            b, l,
            arith::MulIOp::create(b, l, o, indexConstant(b, l, w.strides[i])),
            arith::MulIOp::create(b, l, j,
                                  indexConstant(b, l, w.dilations[i])));
        p = arith::SubIOp::create(b, l, p, indexConstant(b, l, w.padLo(i)));
        int64_t size = inType.getDimSize(i + 2);
        valid = andOf(b, l, valid,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, p,
                                            indexConstant(b, l, 0)));
        valid = andOf(b, l, valid,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, p,
                                            indexConstant(b, l, size)));
        coords.push_back(clampIndex(b, l, p, size));
      }
      Value x = tensor::ExtractOp::create(b, l, input, coords);
      Value better;
      if (isa<FloatType>(el))
        better = arith::OrIOp::create(
            b, l,
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best),
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x));
      else
        better =
            arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x, best);
      Value first = arith::CmpIOp::create(
          b, l, arith::CmpIPredicate::slt, bestIndex,
          arith::ConstantIntOp::create(b, l, b.getI64Type(), 0));
      Value take = andOf(b, l, valid, arith::OrIOp::create(b, l, first, better));
      Value flat = linearIndex(b, l, coords, inType.getShape());
      linalg::YieldOp::create(
          b, l,
          ValueRange{arith::SelectOp::create(b, l, take, x, best),
                     arith::SelectOp::create(b, l, take, flat, bestIndex)});
    };
    rewriter.replaceOp(op, buildWindowGeneric(rewriter, loc, w.kernel,
                                              {bestInit, indexInit}, body));
    return success();
  }
};

/// A gather over input positions (n, c, p...): for each window offset j,
/// the window o with o*s + j*d - lo = p (if there is one) adds its cotangent
/// when its index names p. No scatter, so the loops stay parallel over p.
struct MaxPoolGradToLinalg : public OpConversionPattern<MaxPoolGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MaxPoolGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value grad = adaptor.getGrad(), indices = adaptor.getIndices();
    RankedTensorType gradType = tensorType(grad);
    auto resultType = cast<RankedTensorType>(op.getType());
    if (!gradType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    PoolWindow w = PoolWindow::get(op);
    unsigned k = w.rank();
    Value zeros = createFilled(rewriter, loc, resultType,
                               rewriter.getZeroAttr(resultType.getElementType()));
    auto body = [&](OpBuilder &b, Location l, ValueRange args) {
      SmallVector<Value> pos{linalg::IndexOp::create(b, l, 0),
                             linalg::IndexOp::create(b, l, 1)};
      SmallVector<Value> window(pos);
      Value zero = indexConstant(b, l, 0);
      Value valid = arith::ConstantIntOp::create(b, l, 1, 1);
      for (unsigned i = 0; i < k; ++i) {
        Value p = linalg::IndexOp::create(b, l, 2 + i);
        Value j = linalg::IndexOp::create(b, l, 2 + k + i);
        pos.push_back(p);
        // q = o * s: the window's start in padded coordinates.
        Value q = arith::SubIOp::create(
            b, l, arith::AddIOp::create(b, l, p, indexConstant(b, l, w.padLo(i))),
            arith::MulIOp::create(b, l, j, indexConstant(b, l, w.dilations[i])));
        Value s = indexConstant(b, l, w.strides[i]);
        Value o = arith::DivSIOp::create(b, l, q, s);
        int64_t size = gradType.getDimSize(i + 2);
        valid = andOf(b, l, valid,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, q,
                                            zero));
        valid = andOf(b, l, valid,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            arith::RemSIOp::create(b, l, q, s),
                                            zero));
        valid = andOf(b, l, valid,
                      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, o,
                                            indexConstant(b, l, size)));
        window.push_back(clampIndex(b, l, o, size));
      }
      Value index = tensor::ExtractOp::create(b, l, indices, window);
      Value g = tensor::ExtractOp::create(b, l, grad, window);
      Value flat = linearIndex(b, l, pos, resultType.getShape());
      Value hit = andOf(b, l, valid,
                        arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                              index, flat));
      Value contribution = arith::SelectOp::create(
          b, l, hit, g,
          arith::ConstantOp::create(b, l, b.getZeroAttr(g.getType())));
      linalg::YieldOp::create(
          b, l, ValueRange{arith::AddFOp::create(b, l, args[1], contribution)});
    };
    rewriter.replaceOp(
        op, buildWindowGeneric(rewriter, loc, w.kernel, {zeros}, body));
    return success();
  }
};
} // namespace

void tcc::populateTccConvolutionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToLinalg, ConvTransposeToLinalg, MaxPoolToLinalg,
               AvgPoolToLinalg, MaxPoolIndicesToLinalg, MaxPoolGradToLinalg>(
      patterns.getContext());
}
