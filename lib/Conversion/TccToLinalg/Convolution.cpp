//===- Convolution.cpp - tcc convolutions and pooling to linalg ----------===//
//
// Convolutions are matrix products over column matrices (Im2Col.h), with
// the groups g as a batch dimension, the kernel rows r = (c, j...) (C/G
// channels times the kernel offsets) and the spatial positions p = (o...)
// flattened:
//
//   conv:             out[n, g, m, p] = sum_r W[g, m, r] * col(x)[g, r, n, p]
//   conv_transpose:   col[n, g, r, p] = sum_c W[g, c, r] * x[n, g, c, p],
//                     then col2im (the adjoint of im2col)
//   conv_weight_grad: dW^T[g, r, m]   = sum_q col(x)[g, r, q] * dY^T[g, q, m]
//                     with q = (n, p) flattened
//
// Each product is one linalg.contract with a single reduction loop whose
// innermost output loop (p, or m for the weight gradient) is contiguous in
// the output and in the second operand: tcc-cpu-tile-and-vectorize
// register-tiles it into FMAs with vectors along that loop. dY is
// transposed for the weight gradient (a small copy) so that its vectors run
// along m. The column matrix of an input is the same in the forward
// convolution and in its weight gradient, so CSE shares it. A named op
// rather than a generic keeps the elementwise fusion from merging
// producers into it.
//
// Pooling is a generic over (n, c, o1..ok, k1..kk) with a dummy operand of
// the kernel's shape that bounds the window loops, as linalg.pooling_* does.
// Max pooling (and its indices) over windows that tile the input (stride =
// kernel, the common 2x2 pool) is instead elementwise over one strided
// slice of the input per window offset, which the CPU backend vectorizes.
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"
#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

using namespace mlir;
using namespace mlir::tcc;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// Convolution
//===----------------------------------------------------------------------===//

/// The windows of a convolution whose weight has the spatial shape `kernel`.
static ConvWindows getWindows(ArrayRef<int64_t> kernel,
                              ArrayRef<int64_t> strides,
                              ArrayRef<int64_t> dilations,
                              ArrayRef<int64_t> padding, int64_t groups) {
  unsigned k = kernel.size();
  ConvWindows w;
  w.groups = groups;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides.assign(strides.begin(), strides.end());
  w.dilations.assign(dilations.begin(), dilations.end());
  // The high pads follow from the output size (im2col pads what its windows
  // reach; col2im cuts the result out of an image that holds every window).
  w.padLo.assign(padding.begin(), padding.begin() + k);
  return w;
}

/// `shape` with its spatial dimensions (all but the first two) merged.
static SmallVector<int64_t> flatSpatial(ArrayRef<int64_t> shape) {
  int64_t p = 1;
  for (int64_t d : shape.drop_front(2))
    p *= d;
  return {shape[0], shape[1], p};
}

/// `v` of shape [A, B, rest...] as [A, groups, B / groups, prod(rest)].
static Value groupedMatrix(OpBuilder &b, Location loc, Value v,
                           int64_t groups) {
  SmallVector<int64_t> flat = flatSpatial(tensorType(v).getShape());
  v = reshapeTo(b, loc, v, flat);
  return reshapeTo(b, loc, v, {flat[0], groups, flat[1] / groups, flat[2]});
}

/// A weight [A, B, K...] as [groups, A / groups, B * prod(K)].
static Value groupedWeight(OpBuilder &b, Location loc, Value w,
                           int64_t groups) {
  ArrayRef<int64_t> shape = tensorType(w).getShape();
  int64_t a = shape[0], rows = tensorType(w).getNumElements() / a;
  w = reshapeTo(b, loc, w, {a, rows});
  return reshapeTo(b, loc, w, {groups, a / groups, rows});
}

static bool allStatic(ArrayRef<Value> values) {
  return llvm::all_of(
      values, [](Value v) { return tensorType(v).hasStaticShape(); });
}

namespace {
struct ConvToLinalg : public OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), weight = adaptor.getWeight();
    if (!allStatic({x, weight, op.getResult()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto resultType = cast<RankedTensorType>(op.getType());
    ArrayRef<int64_t> out = resultType.getShape();
    int64_t g = op.getGroups();
    ConvWindows w =
        getWindows(tensorType(weight).getShape().drop_front(2), op.getStrides(),
                   op.getDilations(), op.getPadding(), g);
    // col [G, R, N, P]; weight [M, C/G, K...] -> [G, M/G, R].
    Value col = buildIm2Col(rewriter, loc, x, w, out.drop_front(2));
    Value wg = groupedWeight(rewriter, loc, weight, g);
    SmallVector<int64_t> flat = flatSpatial(out);
    auto gemmType =
        resultType.clone({flat[0], g, flat[1] / g, flat[2]});
    // Loops (n, g, m, p, r).
    Value y = buildGemm(rewriter, loc, 5, wg, {1, 2, 4}, col, {1, 4, 0, 3},
                        gemmType, {0, 1, 2, 3});
    y = reshapeTo(rewriter, loc, y, flat);
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, y, out));
    return success();
  }
};

/// The adjoint of conv in its input: the columns W^T x, summed back into
/// the image by col2im.
struct ConvTransposeToLinalg : public OpConversionPattern<ConvTransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvTransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), weight = adaptor.getWeight();
    if (!allStatic({x, weight, op.getResult()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    auto resultType = cast<RankedTensorType>(op.getType());
    RankedTensorType inType = tensorType(x);
    int64_t g = op.getGroups();
    ConvWindows w =
        getWindows(tensorType(weight).getShape().drop_front(2), op.getStrides(),
                   op.getDilations(), op.getPadding(), g);
    // x [N, C, D...] -> [N, G, C/G, P]; weight [C, M/G, K...] -> [G, C/G, R].
    Value xg = groupedMatrix(rewriter, loc, x, g);
    Value wg = groupedWeight(rewriter, loc, weight, g);
    int64_t rows = tensorType(wg).getDimSize(2);
    auto colType = resultType.clone(
        {inType.getDimSize(0), g, rows, tensorType(xg).getDimSize(3)});
    // Loops (n, g, r, p, c).
    Value col = buildGemm(rewriter, loc, 5, wg, {1, 4, 2}, xg, {0, 1, 4, 3},
                          colType, {0, 1, 2, 3});
    rewriter.replaceOp(op, buildCol2Im(rewriter, loc, col, w,
                                       inType.getShape().drop_front(2),
                                       resultType));
    return success();
  }
};

struct ConvWeightGradToLinalg : public OpConversionPattern<ConvWeightGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(ConvWeightGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput(), dy = adaptor.getGrad();
    if (!allStatic({x, dy, op.getResult()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    RankedTensorType resultType = op.getType();
    int64_t g = op.getGroups();
    ConvWindows w =
        getWindows(resultType.getShape().drop_front(2), op.getStrides(),
                   op.getDilations(), op.getPadding(), g);
    // col [G, R, N, P] -> [G, R, N*P];
    // dY [N, M, O...] -> [N, G, M/G, P] -> [G, N, P, M/G] -> [G, N*P, M/G].
    SmallVector<int64_t> out(tensorType(dy).getShape().drop_front(2));
    Value col = buildIm2Col(rewriter, loc, x, w, out);
    ArrayRef<int64_t> colShape = tensorType(col).getShape();
    int64_t rows = colShape[1], sum = colShape[2] * colShape[3],
            m = resultType.getDimSize(0);
    col = reshapeTo(rewriter, loc, col, {g, rows, sum});
    Value dyT = transpose(rewriter, loc, groupedMatrix(rewriter, loc, dy, g),
                          {1, 0, 3, 2});
    dyT = reshapeTo(rewriter, loc, dyT, {g, sum, m / g});
    // Loops (g, r, m, k): dW^T [G, R, M/G].
    Value dwT = buildGemm(rewriter, loc, 4, col, {0, 1, 3}, dyT, {0, 3, 2},
                          resultType.clone({g, rows, m / g}), {0, 1, 2});
    Value dw = transpose(rewriter, loc, dwT, {0, 2, 1});
    dw = reshapeTo(rewriter, loc, dw, {m, rows});
    rewriter.replaceOp(op, reshapeTo(rewriter, loc, dw, resultType.getShape()));
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

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

/// True if the windows tile the input: stride = kernel, no dilation, no low
/// padding and no window past the input, so every input position lies in
/// at most one window.
static bool windowsTile(const PoolWindow &w, RankedTensorType outType,
                        RankedTensorType inType) {
  for (unsigned i = 0; i < w.rank(); ++i)
    if (w.strides[i] != w.kernel[i] || w.dilations[i] != 1 ||
        w.padLo(i) != 0 ||
        outType.getDimSize(i + 2) * w.kernel[i] > inType.getDimSize(i + 2))
      return false;
  return true;
}

/// Kernels of at most this many elements take the tiled pooling lowering
/// (one operand per window offset).
static constexpr int64_t kMaxTiledWindow = 16;

/// True if the pooling of `inType` into `outType` reads each input element
/// at most once and its windows are small enough to be operands.
static bool tiledPool(const PoolWindow &w, RankedTensorType outType,
                      RankedTensorType inType) {
  int64_t size = 1;
  for (int64_t k : w.kernel)
    size *= k;
  return size <= kMaxTiledWindow && windowsTile(w, outType, inType);
}

/// For windows that tile `input`, one strided slice per window offset j,
/// in row-major window order: slice j holds x[n, c, o*k + j] for every
/// output position (n, c, o), in the shape of `outType`. An elementwise
/// generic over them (which the CPU backend vectorizes along the last
/// output dim) replaces the window loops. `offsets` gets each slice's flat
/// offset into the input from its window's first element.
static SmallVector<Value> windowSlices(OpBuilder &b, Location loc, Value input,
                                       const PoolWindow &w,
                                       RankedTensorType outType,
                                       SmallVectorImpl<int64_t> &offsets) {
  RankedTensorType inType = tensorType(input);
  int64_t k = w.rank();
  SmallVector<OpFoldResult> sizes =
      getAsIndexOpFoldResult(b.getContext(), outType.getShape());
  SmallVector<OpFoldResult> strides(2, b.getIndexAttr(1));
  for (int64_t s : w.strides)
    strides.push_back(b.getIndexAttr(s));
  auto sliceType = outType.clone(inType.getElementType());
  SmallVector<Value> slices;
  SmallVector<int64_t> j(k, 0);
  while (true) {
    SmallVector<OpFoldResult> starts(2, b.getIndexAttr(0));
    int64_t flat = 0, rowStride = 1;
    for (int64_t i = k - 1; i >= 0; --i) {
      flat += j[i] * rowStride;
      rowStride *= inType.getDimSize(i + 2);
    }
    for (int64_t ji : j)
      starts.push_back(b.getIndexAttr(ji));
    slices.push_back(tensor::ExtractSliceOp::create(b, loc, sliceType, input,
                                                    starts, sizes, strides));
    offsets.push_back(flat);
    // Next offset, row-major (the last window dim fastest).
    int64_t i = k - 1;
    while (i >= 0 && ++j[i] == w.kernel[i])
      j[i--] = 0;
    if (i < 0)
      return slices;
  }
}

/// The maximum of two scalars; float maxima propagate NaN.
static Value maxOf(OpBuilder &b, Location loc, Value acc, Value x) {
  if (isa<FloatType>(x.getType()))
    return arith::MaximumFOp::create(b, loc, acc, x);
  return arith::MaxSIOp::create(b, loc, acc, x);
}

/// max_pool of windows that tile the input: the elementwise maximum of the
/// window slices, in window order (as the window loop of the general case).
static Value buildTiledMaxPool(OpBuilder &b, Location loc, Value input,
                               const PoolWindow &w,
                               RankedTensorType resultType) {
  SmallVector<int64_t> offsets;
  SmallVector<Value> slices =
      windowSlices(b, loc, input, w, resultType, offsets);
  return createPointwise(b, loc, slices, resultType,
                         [&](OpBuilder &nb, Location l, ValueRange args) {
                           Value m = args[0];
                           for (Value x : args.drop_front().drop_back())
                             m = maxOf(nb, l, m, x);
                           linalg::YieldOp::create(nb, l, m);
                         });
}

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
    PoolWindow w = PoolWindow::get(op);
    if (tiledPool(w, resultType, tensorType(adaptor.getInput()))) {
      rewriter.replaceOp(op, buildTiledMaxPool(rewriter, op.getLoc(),
                                               adaptor.getInput(), w,
                                               resultType));
      return success();
    }
    Value result = buildWindowReduction(
        rewriter, op.getLoc(), adaptor.getInput(), w, resultType,
        getLowestAttr(resultType.getElementType()), maxOf);
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

/// The tag of the window slice a max-pool scan keeps, given one element of
/// each slice in window order, as the general case's window loop does: the
/// first is taken, then each strictly larger element (or NaN) replaces the
/// best. `tag(s)` builds slice s's tag.
static Value scanWindowSlices(OpBuilder &b, Location l, ValueRange elements,
                              function_ref<Value(unsigned)> tag) {
  Value best = elements[0], kept = tag(0);
  for (unsigned s = 1; s < elements.size(); ++s) {
    Value x = elements[s], better;
    if (isa<FloatType>(x.getType())) {
      Value gt = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
      Value nan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
      better = arith::OrIOp::create(b, l, gt, nan);
    } else {
      better = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x, best);
    }
    best = arith::SelectOp::create(b, l, better, x, best);
    Value mine = tag(s);
    kept = arith::SelectOp::create(b, l, better, mine, kept);
  }
  return kept;
}

/// max_pool_indices of windows that tile the input: an elementwise generic
/// over the window slices that scans them in window order, as the general
/// case does: the first slice is taken, then each strictly larger element
/// (or NaN) replaces the best. The index is the window's first element,
/// (n, c, o*k), plus the winning slice's flat offset.
static Value buildTiledMaxPoolIndices(OpBuilder &b, Location loc, Value input,
                                      const PoolWindow &w,
                                      RankedTensorType resultType) {
  RankedTensorType inType = tensorType(input);
  SmallVector<int64_t> offsets;
  SmallVector<Value> slices =
      windowSlices(b, loc, input, w, resultType, offsets);
  unsigned rank = resultType.getRank();
  auto body = [&](OpBuilder &nb, Location l, ValueRange args) {
    Value offset = scanWindowSlices(
        nb, l, args.drop_back(), [&](unsigned s) -> Value {
          return arith::ConstantIntOp::create(nb, l, nb.getI64Type(),
                                              offsets[s]);
        });
    SmallVector<Value> first;
    for (unsigned d = 0; d < rank; ++d) {
      Value o = linalg::IndexOp::create(nb, l, d);
      if (d >= 2)
        o = arith::MulIOp::create(nb, l, o,
                                  indexConstant(nb, l, w.strides[d - 2]));
      first.push_back(o);
    }
    Value flat = linearIndex(nb, l, first, inType.getShape());
    linalg::YieldOp::create(nb, l,
                            Value(arith::AddIOp::create(nb, l, flat, offset)));
  };
  return createPointwise(b, loc, slices, resultType, body);
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
    if (tiledPool(w, resultType, inType)) {
      rewriter.replaceOp(
          op, buildTiledMaxPoolIndices(rewriter, loc, input, w, resultType));
      return success();
    }
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

/// max_pool_grad of windows that tile the input (the common 2x2, stride 2
/// pool): one pass over the covered input, viewed as [N, C, O1, K1, ..],
/// that writes each window's cotangent where `hit` says the window's
/// maximum lies and zero elsewhere; no window loop and no division, unlike
/// the general gather below. `windowed` (the cotangent first) are indexed
/// by window; `hit` gets their elements and the window offset (j1, ..).
static Value buildTiledPoolGrad(
    OpBuilder &b, Location loc, ValueRange windowed, const PoolWindow &w,
    RankedTensorType resultType,
    function_ref<Value(OpBuilder &, Location, ValueRange, ArrayRef<Value>)>
        hit) {
  MLIRContext *ctx = b.getContext();
  unsigned k = w.rank(), numDims = 2 + 2 * k;
  RankedTensorType gradType = tensorType(windowed.front());
  SmallVector<int64_t> covered(gradType.getShape().take_front(2));
  SmallVector<int64_t> split(covered);
  SmallVector<ReassociationIndices> reassoc{{0}, {1}};
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  SmallVector<AffineExpr> windowExprs{d(0), d(1)};
  for (unsigned i = 0; i < k; ++i) {
    int64_t o = gradType.getDimSize(i + 2);
    covered.push_back(o * w.kernel[i]);
    split.append({o, w.kernel[i]});
    reassoc.push_back({2 + 2 * i, 3 + 2 * i});
    windowExprs.push_back(d(2 + 2 * i));
  }
  // Every covered position is written; the rest (rows past the last
  // window) stays zero.
  SmallVector<OpFoldResult> offsets(resultType.getRank(), b.getIndexAttr(0)),
      strides(resultType.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes = getAsIndexOpFoldResult(ctx, covered);
  bool whole = ArrayRef<int64_t>(covered) == resultType.getShape();
  Value zeros, init;
  if (whole) {
    init = createEmpty(b, loc, resultType.clone(split));
  } else {
    zeros = createFilled(b, loc, resultType,
                         b.getZeroAttr(resultType.getElementType()));
    init = tensor::ExtractSliceOp::create(b, loc, zeros, offsets, sizes,
                                          strides);
    init = tensor::ExpandShapeOp::create(b, loc, resultType.clone(split), init,
                                         reassoc);
  }
  SmallVector<AffineMap> maps(windowed.size(),
                              AffineMap::get(numDims, 0, windowExprs, ctx));
  maps.push_back(b.getMultiDimIdentityMap(numDims));
  auto body = [&](OpBuilder &nb, Location l, ValueRange args) {
    SmallVector<Value> js;
    for (unsigned i = 0; i < k; ++i)
      js.push_back(linalg::IndexOp::create(nb, l, 3 + 2 * i));
    Value zero =
        arith::ConstantOp::create(nb, l, nb.getZeroAttr(args[0].getType()));
    Value isMax = hit(nb, l, args.drop_back(), js);
    linalg::YieldOp::create(
        nb, l,
        ValueRange{arith::SelectOp::create(nb, l, isMax, args[0], zero)});
  };
  Value tiles = linalg::GenericOp::create(b, loc, TypeRange{init.getType()},
                                          windowed, ValueRange{init}, maps,
                                          parallelIterators(numDims), body)
                    .getResult(0);
  Value result = tensor::CollapseShapeOp::create(
      b, loc, resultType.clone(covered), tiles, reassoc);
  if (whole)
    return result;
  return tensor::InsertSliceOp::create(b, loc, result, zeros, offsets, sizes,
                                       strides);
}

/// The tiled max_pool_grad given the indices: the window offset j is the
/// maximum when the window's index names the input position (n, c, o*k + j).
static Value buildTiledPoolGradFromIndices(OpBuilder &b, Location loc,
                                           Value grad, Value indices,
                                           const PoolWindow &w,
                                           RankedTensorType resultType) {
  auto hit = [&](OpBuilder &nb, Location l, ValueRange args,
                 ArrayRef<Value> js) -> Value {
    SmallVector<Value> pos{linalg::IndexOp::create(nb, l, 0),
                           linalg::IndexOp::create(nb, l, 1)};
    for (unsigned i = 0; i < w.rank(); ++i) {
      Value o = linalg::IndexOp::create(nb, l, 2 + 2 * i);
      pos.push_back(arith::AddIOp::create(
          nb, l,
          arith::MulIOp::create(nb, l, o, indexConstant(nb, l, w.kernel[i])),
          js[i]));
    }
    Value flat = linearIndex(nb, l, pos, resultType.getShape());
    return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, args[1],
                                 flat);
  };
  return buildTiledPoolGrad(b, loc, ValueRange{grad, indices}, w, resultType,
                            hit);
}

/// The tiled max_pool_grad of max_pool_indices(x): the window offset j is
/// the maximum when it is the slice the indices' scan picks (the first
/// strictly larger element, or NaN, in window order). The scan yields the
/// slice's ordinal as an i32 rather than a flat i64 index: half the bytes
/// written and read back, and a cheaper test per input position.
static Value buildTiledPoolGradFromInput(OpBuilder &b, Location loc,
                                         Value grad, Value input,
                                         const PoolWindow &w,
                                         RankedTensorType resultType) {
  RankedTensorType gradType = tensorType(grad);
  SmallVector<int64_t> offsets;
  SmallVector<Value> slices =
      windowSlices(b, loc, input, w, gradType, offsets);
  Value ordinals = createPointwise(
      b, loc, slices, gradType.clone(b.getI32Type()),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        linalg::YieldOp::create(
            nb, l,
            scanWindowSlices(nb, l, args.drop_back(), [&](unsigned s) -> Value {
              return arith::ConstantIntOp::create(nb, l, nb.getI32Type(), s);
            }));
      });
  auto hit = [&](OpBuilder &nb, Location l, ValueRange args,
                 ArrayRef<Value> js) -> Value {
    // This position's slice: j in row-major window order.
    Value mine = js[0];
    for (unsigned i = 1; i < js.size(); ++i)
      mine = arith::AddIOp::create(
          nb, l,
          arith::MulIOp::create(nb, l, mine, indexConstant(nb, l, w.kernel[i])),
          js[i]);
    mine = arith::IndexCastOp::create(nb, l, nb.getI32Type(), mine);
    return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, args[1],
                                 mine);
  };
  return buildTiledPoolGrad(b, loc, ValueRange{grad, ordinals}, w, resultType,
                            hit);
}

/// Whether two pools have the same windows.
static bool sameWindow(const PoolWindow &a, const PoolWindow &b) {
  return a.kernel == b.kernel && a.strides == b.strides &&
         a.dilations == b.dilations && a.padding == b.padding;
}

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
    if (windowsTile(w, gradType, resultType)) {
      // Indices of the same pool: only which slice wins matters here, so
      // the pool's input is scanned for it (the flat i64 index is dead).
      auto pool = op.getIndices().getDefiningOp<MaxPoolIndicesOp>();
      Value input =
          pool ? rewriter.getRemappedValue(pool.getInput()) : Value();
      if (input && sameWindow(PoolWindow::get(pool), w) &&
          tensorType(input).getShape() == resultType.getShape() &&
          tiledPool(w, gradType, tensorType(input))) {
        rewriter.replaceOp(op, buildTiledPoolGradFromInput(
                                   rewriter, loc, grad, input, w, resultType));
        return success();
      }
      rewriter.replaceOp(op, buildTiledPoolGradFromIndices(
                                 rewriter, loc, grad, indices, w, resultType));
      return success();
    }
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
  patterns.add<ConvToLinalg, ConvTransposeToLinalg, ConvWeightGradToLinalg,
               MaxPoolToLinalg,
               AvgPoolToLinalg, MaxPoolIndicesToLinalg, MaxPoolGradToLinalg>(
      patterns.getContext());
}
