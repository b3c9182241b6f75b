//===- Im2Col.cpp - convolutions as matrix products ----------------------===//
//
// im2col and col2im are written as one strided copy (accumulation) per
// kernel offset rather than one generic with `o * s + j * d` indexing maps:
// the vectorizer only takes projected permutations, so a single generic
// would stay scalar, while each per-offset copy is a plain loop nest over
// (n, g, c, o...) that is vectorized along the output's innermost dimension.
// The number of offsets (prod(K), 9 for a 3x3 kernel) bounds the IR size.
//
//===----------------------------------------------------------------------===//

#include "Im2Col.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

using namespace mlir;
using namespace mlir::tcc;

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static int64_t product(ArrayRef<int64_t> v) {
  int64_t p = 1;
  for (int64_t x : v)
    p *= x;
  return p;
}

int64_t ConvWindows::kernelVolume() const { return product(kernel); }

Value tcc::reshapeTo(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorType(v);
  if (type.getShape() == shape)
    return v;
  RankedTensorType target = type.clone(shape);
  if (target.getRank() < type.getRank())
    if (auto reassoc = getReassociationIndicesForReshape(type, target))
      return tensor::CollapseShapeOp::create(b, loc, target, v, *reassoc);
  if (target.getRank() > type.getRank())
    if (auto reassoc = getReassociationIndicesForReshape(type, target))
      return tensor::ExpandShapeOp::create(b, loc, target, v, *reassoc);
  // Through 1-D (canonicalization folds the pair where it can).
  auto flat = type.clone({type.getNumElements()});
  SmallVector<ReassociationIndices> all{
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  Value collapsed = tensor::CollapseShapeOp::create(b, loc, flat, v, all);
  all = {llvm::to_vector(llvm::seq<int64_t>(0, target.getRank()))};
  return tensor::ExpandShapeOp::create(b, loc, target, collapsed, all);
}

Value tcc::transpose(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> perm) {
  RankedTensorType type = tensorType(v);
  SmallVector<int64_t> shape;
  for (int64_t d : perm)
    shape.push_back(type.getDimSize(d));
  Value init = createEmpty(b, loc, type.clone(shape));
  return linalg::TransposeOp::create(b, loc, v, init, perm).getResult()[0];
}

/// Calls `fn` with every kernel offset j in [0, K1) x .. x [0, Kk), in
/// row-major order (the order of the (c, j) rows of a column matrix).
static void forEachOffset(ArrayRef<int64_t> kernel,
                          function_ref<void(ArrayRef<int64_t>)> fn) {
  SmallVector<int64_t> j(kernel.size(), 0);
  for (int64_t count = product(kernel); count > 0; --count) {
    fn(j);
    for (int64_t i = kernel.size() - 1; i >= 0; --i) {
      if (++j[i] < kernel[i])
        break;
      j[i] = 0;
    }
  }
}

/// Adds `src` into `dst` (same shape) with a generic over all elements.
static Value accumulateInto(OpBuilder &b, Location loc, Value src, Value dst) {
  unsigned rank = tensorType(dst).getRank();
  AffineMap id = b.getMultiDimIdentityMap(rank);
  return linalg::GenericOp::create(
             b, loc, TypeRange{dst.getType()}, ValueRange{src},
             ValueRange{dst}, ArrayRef<AffineMap>{id, id},
             parallelIterators(rank),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               Value sum = arith::AddFOp::create(nb, l, args[1], args[0]);
               linalg::YieldOp::create(nb, l, sum);
             })
      .getResult(0);
}

/// Copies `src` into `dst` with a generic over `dst`'s elements that reads
/// `src` at the loops `srcDims`. The copies here always drop unit loops or
/// permute, so the maps differ: a copy whose maps are all equal would be
/// folded into tensor.insert_slice(tensor.extract_slice), which bufferizes
/// to a strided memref.copy (a runtime call, element by element) instead of
/// vector code.
static Value copyInto(OpBuilder &b, Location loc, Value src, Value dst,
                      ArrayRef<unsigned> srcDims) {
  unsigned rank = tensorType(dst).getRank();
  AffineMap in =
      AffineMap::getMultiDimMapWithTargets(rank, srcDims, b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{dst.getType()}, ValueRange{src},
             ValueRange{dst},
             ArrayRef<AffineMap>{in, b.getMultiDimIdentityMap(rank)},
             parallelIterators(rank),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(nb, l, args[0]);
             })
      .getResult(0);
}

namespace {
/// Static offsets, sizes and strides of a tensor.extract_slice or
/// tensor.insert_slice.
struct Slice {
  SmallVector<int64_t> offsets, sizes, strides;

  Value extract(OpBuilder &b, Location loc, RankedTensorType type,
                Value source) const {
    MLIRContext *ctx = b.getContext();
    return tensor::ExtractSliceOp::create(
        b, loc, type, source, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, sizes),
        getAsIndexOpFoldResult(ctx, strides));
  }
  Value insert(OpBuilder &b, Location loc, Value piece, Value dest) const {
    MLIRContext *ctx = b.getContext();
    return tensor::InsertSliceOp::create(
        b, loc, piece, dest, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, sizes),
        getAsIndexOpFoldResult(ctx, strides));
  }
};
} // namespace

/// The positions o * s + j * d (o < `outSizes`) of kernel offset `j` in an
/// image [A, B, C, P...]: [A, B, C, O...].
static Slice windowSlice(ArrayRef<int64_t> lead, const ConvWindows &w,
                         ArrayRef<int64_t> j, ArrayRef<int64_t> outSizes) {
  Slice s{SmallVector<int64_t>(3, 0), SmallVector<int64_t>(lead),
          SmallVector<int64_t>(3, 1)};
  for (unsigned i = 0; i < w.rank(); ++i) {
    s.offsets.push_back(j[i] * w.dilations[i]);
    s.sizes.push_back(outSizes[i]);
    s.strides.push_back(w.strides[i]);
  }
  return s;
}

/// The slab of kernel offset `j` in a tensor [lead..., K..., trail...]:
/// [lead..., 1.., trail...].
static Slice offsetSlab(ArrayRef<int64_t> lead, ArrayRef<int64_t> j,
                        ArrayRef<int64_t> trail) {
  Slice s;
  s.offsets.assign(lead.size(), 0);
  s.offsets.append(j.begin(), j.end());
  s.offsets.append(trail.size(), 0);
  s.sizes.assign(lead.begin(), lead.end());
  s.sizes.append(j.size(), 1);
  s.sizes.append(trail.begin(), trail.end());
  s.strides.assign(s.sizes.size(), 1);
  return s;
}

/// `x` ([N, G, C, D...]) zero-padded to `shape`, `lo` rows before: zeros,
/// with `x` inserted into the interior. The fill is the insert's only user,
/// so it is filled once, in place (tcc-clone-fill-inits would give an
/// extract_slice of it read by an accumulation a second fill, and
/// bufferization a copy between the two); the producer of `x` writes into
/// the interior (empty-tensor elimination), or the strided copy is
/// vectorized (tcc-cpu-strided-copies-to-linalg).
static Value zeroPadded(OpBuilder &b, Location loc, Value x,
                        ArrayRef<int64_t> lo, ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorType(x);
  if (type.getShape() == shape)
    return x;
  Value image = createFilled(b, loc, type.clone(shape),
                             b.getZeroAttr(type.getElementType()));
  SmallVector<int64_t> offsets(3, 0), ones(type.getRank(), 1);
  offsets.append(lo.begin(), lo.end());
  MLIRContext *ctx = b.getContext();
  return tensor::InsertSliceOp::create(
      b, loc, x, image, getAsIndexOpFoldResult(ctx, offsets),
      getAsIndexOpFoldResult(ctx, type.getShape()),
      getAsIndexOpFoldResult(ctx, ones));
}

Value tcc::buildIm2Col(OpBuilder &b, Location loc, Value input,
                       const ConvWindows &w, ArrayRef<int64_t> outSizes) {
  RankedTensorType inType = tensorType(input);
  unsigned k = w.rank();
  int64_t n = inType.getDimSize(0), g = w.groups,
          cg = inType.getDimSize(1) / g;
  // [N, C, D...] -> [N, G, C/G, D...], zero-padded; only the rows the
  // windows reach (the high pads may hold rows no window reads, and a
  // shorter `outSizes` reads fewer).
  SmallVector<int64_t> split{n, g, cg}, padded{n, g, cg};
  for (unsigned i = 0; i < k; ++i) {
    int64_t reach = (outSizes[i] - 1) * w.strides[i] +
                    w.dilations[i] * (w.kernel[i] - 1) + 1;
    split.push_back(inType.getDimSize(i + 2));
    padded.push_back(std::max(reach, split.back() + w.padLo[i]));
  }
  Value image =
      zeroPadded(b, loc, reshapeTo(b, loc, input, split), w.padLo, padded);

  // col [G, C/G, K..., N, O...]; per offset j, the slab [G, C/G, 1.., N,
  // O...] copies the window positions [N, G, C/G, O...] of the image.
  SmallVector<int64_t> full{g, cg}, trail{n};
  full.append(w.kernel.begin(), w.kernel.end());
  trail.append(outSizes.begin(), outSizes.end());
  full.append(trail.begin(), trail.end());
  Value col = createEmpty(b, loc, inType.clone(full));
  SmallVector<unsigned> srcDims{2 + k, 0, 1};
  for (unsigned i = 0; i < k; ++i)
    srcDims.push_back(3 + k + i);
  SmallVector<int64_t> window{n, g, cg};
  window.append(outSizes.begin(), outSizes.end());
  forEachOffset(w.kernel, [&](ArrayRef<int64_t> j) {
    Slice from = windowSlice({n, g, cg}, w, j, outSizes);
    Slice to = offsetSlab({g, cg}, j, trail);
    Value piece = copyInto(
        b, loc, from.extract(b, loc, inType.clone(window), image),
        to.extract(b, loc, inType.clone(to.sizes), col), srcDims);
    col = to.insert(b, loc, piece, col);
  });
  return reshapeTo(b, loc, col,
                   {g, cg * w.kernelVolume(), n, product(outSizes)});
}

/// col2im of a stride-1 convolution as a gather: result position p sums
/// col[.., j, p + lo - j * d] over the offsets j that land inside the input.
/// Which offsets land is constant on segments of each spatial dimension (cut
/// where some p + lo - j * d leaves [0, D)), so the result is a few regions
/// (9 for a padded 3x3 kernel), each one generic that reads its offsets'
/// columns and writes the sum once: no padded image, read and written again
/// per offset. The sums run in offset order, as the accumulations do.
/// Returns null when a region has fewer than two offsets (its generic would
/// be a plain copy, folded to a strided memref.copy).
static Value gatherCol2Im(OpBuilder &b, Location loc, Value col,
                          const ConvWindows &w, ArrayRef<int64_t> inSizes,
                          ArrayRef<int64_t> lead, ArrayRef<int64_t> outSizes,
                          FloatType el) {
  unsigned k = w.rank();
  // Per dimension, the segment starts (the last entry ends the last one).
  SmallVector<SmallVector<int64_t>> cuts(k);
  for (unsigned i = 0; i < k; ++i) {
    SmallVector<int64_t> &c = cuts[i];
    c = {0, outSizes[i]};
    for (int64_t j = 0; j < w.kernel[i]; ++j)
      for (int64_t edge : {j * w.dilations[i] - w.padLo[i],
                           j * w.dilations[i] - w.padLo[i] + inSizes[i]})
        if (edge > 0 && edge < outSizes[i])
          c.push_back(edge);
    llvm::sort(c);
    c.erase(llvm::unique(c), c.end());
  }
  auto lands = [&](unsigned i, int64_t j, int64_t p) {
    int64_t at = p + w.padLo[i] - j * w.dilations[i];
    return at >= 0 && at < inSizes[i];
  };

  // Calls fn(start, size) for each region, row-major over the segments.
  auto forEachRegion = [&](function_ref<void(ArrayRef<int64_t>,
                                             ArrayRef<int64_t>)> fn) {
    SmallVector<int64_t> seg(k, 0);
    while (true) {
      SmallVector<int64_t> start, size;
      for (unsigned i = 0; i < k; ++i) {
        start.push_back(cuts[i][seg[i]]);
        size.push_back(cuts[i][seg[i] + 1] - start.back());
      }
      fn(start, size);
      int64_t i = k - 1;
      while (i >= 0 && ++seg[i] + 1 == (int64_t)cuts[i].size())
        seg[i--] = 0;
      if (i < 0)
        return;
    }
  };
  // The offsets that land in the region starting at `start`.
  auto offsetsAt = [&](ArrayRef<int64_t> start) {
    SmallVector<SmallVector<int64_t>> offsets;
    forEachOffset(w.kernel, [&](ArrayRef<int64_t> j) {
      for (unsigned i = 0; i < k; ++i)
        if (!lands(i, j[i], start[i]))
          return;
      offsets.emplace_back(j);
    });
    return offsets;
  };
  bool copies = false;
  forEachRegion([&](ArrayRef<int64_t> start, ArrayRef<int64_t>) {
    copies |= offsetsAt(start).size() < 2;
  });
  if (copies)
    return nullptr;

  SmallVector<int64_t> full(lead);
  full.append(outSizes.begin(), outSizes.end());
  Value image = createEmpty(b, loc, RankedTensorType::get(full, el));
  MLIRContext *ctx = b.getContext();
  forEachRegion([&](ArrayRef<int64_t> start, ArrayRef<int64_t> size) {
    SmallVector<int64_t> regionShape(lead);
    regionShape.append(size.begin(), size.end());
    auto regionType = RankedTensorType::get(regionShape, el);
    SmallVector<Value> columns;
    for (ArrayRef<int64_t> j : offsetsAt(start)) {
      Slice from = offsetSlab(lead, j, size);
      for (unsigned i = 0; i < k; ++i)
        from.offsets[lead.size() + k + i] =
            start[i] + w.padLo[i] - j[i] * w.dilations[i];
      columns.push_back(from.extract(b, loc, regionType, col));
    }
    Value sum = createPointwise(
        b, loc, columns, regionType,
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value acc = args[0];
          for (Value x : args.drop_front().drop_back())
            acc = arith::AddFOp::create(nb, l, acc, x);
          linalg::YieldOp::create(nb, l, acc);
        });
    unsigned rank = regionShape.size();
    SmallVector<int64_t> offsets(lead.size(), 0), ones(rank, 1);
    offsets.append(start.begin(), start.end());
    image = tensor::InsertSliceOp::create(
        b, loc, sum, image, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, regionShape),
        getAsIndexOpFoldResult(ctx, ones));
  });
  return image;
}

Value tcc::buildCol2Im(OpBuilder &b, Location loc, Value col,
                       const ConvWindows &w, ArrayRef<int64_t> inSizes,
                       RankedTensorType resultType) {
  unsigned k = w.rank();
  int64_t n = resultType.getDimSize(0), g = w.groups,
          mg = resultType.getDimSize(1) / g;
  SmallVector<int64_t> full{n, g, mg};
  full.append(w.kernel.begin(), w.kernel.end());
  full.append(inSizes.begin(), inSizes.end());
  col = reshapeTo(b, loc, col, full);
  auto el = cast<FloatType>(resultType.getElementType());

  if (w.kernelVolume() > 1 &&
      llvm::all_of(w.strides, [](int64_t s) { return s == 1; })) {
    if (Value image =
            gatherCol2Im(b, loc, col, w, inSizes, {n, g, mg},
                         resultType.getShape().drop_front(2), el))
      return reshapeTo(b, loc, image, resultType.getShape());
  }

  // The padded image holds every position i * s + j * d; the result is its
  // window [lo, lo + O).
  SmallVector<int64_t> padded{n, g, mg}, offsets(2, 0);
  bool cut = false;
  for (unsigned i = 0; i < k; ++i) {
    int64_t reach =
        (inSizes[i] - 1) * w.strides[i] + w.dilations[i] * (w.kernel[i] - 1) + 1;
    int64_t size = std::max(reach, w.padLo[i] + resultType.getDimSize(i + 2));
    padded.push_back(size);
    offsets.push_back(w.padLo[i]);
    cut |= size != resultType.getDimSize(i + 2);
  }
  // Filled with -0.0, the exact identity of addition (-0 + x = x for every
  // x, +0 included). Unlike a +0.0 fill, CSE does not merge it with the zero
  // padding of an im2col of the same shape (a convolution's input and its
  // gradient have one), which would make bufferization copy the shared
  // buffer with strided, element-by-element memref.copy calls.
  Value image = createFilled(
      b, loc, resultType.clone(padded),
      b.getFloatAttr(el, APFloat::getZero(el.getFloatSemantics(),
                                          /*Negative=*/true)));
  SmallVector<int64_t> window{n, g, mg};
  window.append(inSizes.begin(), inSizes.end());
  auto windowType = resultType.clone(window);
  // The first offset's columns are copied in (-0.0 + x is x): the fill is
  // then only that insert's destination, filled once in place, rather than
  // also read through a slice (which tcc-clone-fill-inits would give a
  // second fill and bufferization a copy between the two).
  bool first = true;
  forEachOffset(w.kernel, [&](ArrayRef<int64_t> j) {
    Slice from = offsetSlab({n, g, mg}, j, inSizes);
    Slice to = windowSlice({n, g, mg}, w, j, inSizes);
    Value piece = from.extract(b, loc, windowType, col);
    if (!first)
      piece = accumulateInto(b, loc, piece,
                             to.extract(b, loc, windowType, image));
    first = false;
    image = to.insert(b, loc, piece, image);
  });
  SmallVector<int64_t> merged{n, g * mg};
  merged.append(padded.begin() + 3, padded.end());
  image = reshapeTo(b, loc, image, merged);
  if (!cut)
    return image;
  Slice result{offsets, SmallVector<int64_t>(resultType.getShape()),
               SmallVector<int64_t>(resultType.getRank(), 1)};
  return result.extract(b, loc, resultType, image);
}

Value tcc::buildGemm(OpBuilder &b, Location loc, unsigned numLoops,
                     Value lhs, ArrayRef<unsigned> lhsDims, Value rhs,
                     ArrayRef<unsigned> rhsDims, RankedTensorType outType,
                     ArrayRef<unsigned> outDims) {
  MLIRContext *ctx = b.getContext();
  auto map = [&](ArrayRef<unsigned> dims) -> Attribute {
    return AffineMapAttr::get(
        AffineMap::getMultiDimMapWithTargets(numLoops, dims, ctx));
  };
  Value init =
      createFilled(b, loc, outType, b.getZeroAttr(outType.getElementType()));
  return linalg::ContractOp::create(
             b, loc, TypeRange{outType}, ValueRange{lhs, rhs},
             ValueRange{init},
             b.getArrayAttr({map(lhsDims), map(rhsDims), map(outDims)}))
      .getResult(0);
}
