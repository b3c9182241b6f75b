//===- PackPanels.cpp - packing B panels of contractions ------------------===//
//
// The packing step of tcc-cpu-tile-and-vectorize (see PackPanels.h).
//
//===----------------------------------------------------------------------===//

#include "PackPanels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace mlir::tcc::cpu {

Value constIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value mulIndex(OpBuilder &b, Location loc, Value v, int64_t c) {
  return arith::MulIOp::create(b, loc, v, constIndex(b, loc, c));
}

Value block(OpBuilder &b, Location loc, Value buffer, OpFoldResult row,
            OpFoldResult col, int64_t rows, int64_t width) {
  return memref::SubViewOp::create(
      b, loc, buffer, ArrayRef<OpFoldResult>{row, col},
      ArrayRef<OpFoldResult>{b.getIndexAttr(rows), b.getIndexAttr(width)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
}

SmallVector<Value> transpose8x8(OpBuilder &b, Location loc,
                                ArrayRef<Value> rows) {
  auto shuffle = [&](Value x, Value y, ArrayRef<int64_t> mask) -> Value {
    return vector::ShuffleOp::create(b, loc, x, y, mask);
  };
  SmallVector<Value> t, s(8), cols(8);
  for (unsigned i = 0; i < 8; i += 2) {
    t.push_back(shuffle(rows[i], rows[i + 1], {0, 8, 1, 9, 4, 12, 5, 13}));
    t.push_back(shuffle(rows[i], rows[i + 1], {2, 10, 3, 11, 6, 14, 7, 15}));
  }
  // t[4h + 2p + q]: rows 4h + 2p, +1; q selects elements (0,1,4,5) or
  // (2,3,6,7). s[4h + 2q + r]: rows 4h..4h+3 of columns 2q + r and 2q + r + 4.
  for (unsigned h = 0; h < 2; ++h)
    for (unsigned q = 0; q < 2; ++q) {
      Value lo = t[4 * h + q], hi = t[4 * h + 2 + q];
      s[4 * h + 2 * q] = shuffle(lo, hi, {0, 1, 8, 9, 4, 5, 12, 13});
      s[4 * h + 2 * q + 1] = shuffle(lo, hi, {2, 3, 10, 11, 6, 7, 14, 15});
    }
  for (unsigned c = 0; c < 4; ++c) {
    cols[c] = shuffle(s[c], s[4 + c], {0, 1, 2, 3, 8, 9, 10, 11});
    cols[c + 4] = shuffle(s[c], s[4 + c], {4, 5, 6, 7, 12, 13, 14, 15});
  }
  return cols;
}

namespace {

/// The dimensions among m, n and k that `map` indexes, in its order, if its
/// other results are single-iteration loops; nullopt for other maps.
std::optional<SmallVector<unsigned>> mainDims(AffineMap map, MatmulDims d) {
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults()) {
    auto dim = dyn_cast<AffineDimExpr>(e);
    if (!dim)
      return std::nullopt;
    unsigned p = dim.getPosition();
    if (p == d.m || p == d.n || p == d.k)
      dims.push_back(p);
  }
  return dims;
}

/// Emits `body(nb)` in a loop over the `count` column strips of a panel.
void forEachStrip(OpBuilder &b, Location loc, int64_t count,
                  function_ref<void(OpBuilder &, Location, Value)> body) {
  scf::buildLoopNest(b, loc, constIndex(b, loc, 0), constIndex(b, loc, count),
                     constIndex(b, loc, 1),
                     [&](OpBuilder &nested, Location l, ValueRange ivs) {
                       body(nested, l, ivs.front());
                     });
}

/// B of `op` as a 2-D view (k, n) or (n, k): its single-iteration
/// dimensions dropped by a rank-reducing subview.
Value view2d(OpBuilder &b, Location loc, linalg::LinalgOp op,
             PackableB operands, MatmulDims d) {
  Value buffer = op->getOperand(operands.b);
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 2)
    return buffer;
  AffineMap map = op.getIndexingMapsArray()[operands.b];
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
      strides(type.getRank(), b.getIndexAttr(1)), sizes;
  SmallVector<int64_t> shape;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    int64_t size = type.getDimSize(i);
    sizes.push_back(b.getIndexAttr(size));
    unsigned p = cast<AffineDimExpr>(e).getPosition();
    if (p == d.n || p == d.k)
      shape.push_back(size);
  }
  auto reduced = memref::SubViewOp::inferRankReducedResultType(
      shape, type, offsets, sizes, strides);
  return memref::SubViewOp::create(b, loc, reduced, buffer, offsets, sizes,
                                   strides);
}

bool hasUnitInnerStride(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  auto [strides, offset] = type.getStridesAndOffset();
  return !strides.empty() && strides.back() == 1;
}

/// Whether consecutive rows of the 2-D `buffer` are at least a page (4 KiB)
/// apart (or an unknown distance).
bool rowsOnSeparatePages(Value buffer) {
  auto [strides, offset] =
      cast<MemRefType>(buffer.getType()).getStridesAndOffset();
  return ShapedType::isDynamic(strides.front()) ||
         strides.front() * 4 >= 4096;
}

/// dst (kc x w) = transpose(src (w x kc)). With K contiguous in `src` and w
/// a multiple of 8, in 8x8 blocks transposed in registers; the last kc % 8
/// columns (or all, otherwise) by a `linalg.transpose`, which the
/// elementwise path vectorizes along w.
void transposeStrip(OpBuilder &b, Location loc, Value src, Value dst,
                    int64_t w, int64_t kc) {
  int64_t full = w % 8 == 0 && hasUnitInnerStride(src) ? kc / 8 * 8 : 0;
  if (full > 0) {
    auto vecType = VectorType::get({8}, b.getF32Type());
    scf::buildLoopNest(
        b, loc, constIndex(b, loc, 0), constIndex(b, loc, full),
        constIndex(b, loc, 8),
        [&](OpBuilder &nb, Location l, ValueRange ivs) {
          Value k0 = ivs.front();
          for (int64_t j0 = 0; j0 < w; j0 += 8) {
            SmallVector<Value> rows;
            for (int64_t i = 0; i < 8; ++i)
              rows.push_back(vector::LoadOp::create(
                  nb, l, vecType, src,
                  ValueRange{constIndex(nb, l, j0 + i), k0}));
            SmallVector<Value> cols = transpose8x8(nb, l, rows);
            for (int64_t i = 0; i < 8; ++i) {
              Value k = arith::AddIOp::create(nb, l, k0, constIndex(nb, l, i));
              vector::StoreOp::create(nb, l, cols[i], dst,
                                      ValueRange{k, constIndex(nb, l, j0)});
            }
          }
        });
  }
  if (full == kc)
    return;
  Value rest = block(b, loc, src, b.getIndexAttr(0), b.getIndexAttr(full), w,
                     kc - full);
  Value restDst = block(b, loc, dst, b.getIndexAttr(full), b.getIndexAttr(0),
                        kc - full, w);
  linalg::TransposeOp::create(b, loc, rest, restDst,
                              ArrayRef<int64_t>{1, 0});
}

} // namespace

std::optional<PackableB> packableB(linalg::LinalgOp op, MatmulDims d) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  for (unsigned l = 0; l < ranges.size(); ++l)
    if (l != d.m && l != d.n && l != d.k && ranges[l] != 1)
      return std::nullopt;
  // Dropping B's unit dimensions must not be ambiguous with a K of 1.
  if (ranges.size() > 3 && ranges[d.k] < 2)
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  std::optional<SmallVector<unsigned>> c = mainDims(maps[2], d);
  if (!c || *c != SmallVector<unsigned>{d.m, d.n})
    return std::nullopt;
  for (unsigned b = 0; b < 2; ++b) {
    std::optional<SmallVector<unsigned>> dims = mainDims(maps[b], d),
                                         other = mainDims(maps[1 - b], d);
    if (!dims || !other || !llvm::is_contained(*other, d.m))
      continue;
    if (*dims == SmallVector<unsigned>{d.k, d.n})
      return PackableB{1 - b, b, 2, /*transposed=*/false};
    if (*dims == SmallVector<unsigned>{d.n, d.k})
      return PackableB{1 - b, b, 2, /*transposed=*/true};
  }
  return std::nullopt;
}

void packPanel(RewriterBase &rewriter, linalg::LinalgOp op, MatmulDims d,
               PackableB operands, Value scratch, int64_t width) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t kc = ranges[d.k];
  Location loc = op.getLoc();
  rewriter.setInsertionPoint(op);
  Value b = view2d(rewriter, loc, op, operands, d);
  int64_t strips = ranges[d.n] / width;
  if (!operands.transposed && rowsOnSeparatePages(b)) {
    // Row by row of B, all strips of a row before the next: a row's strips
    // are contiguous in memory, where strip by strip every row would be a
    // new cache line of a new page (B's rows are far apart in a batch of
    // im2col columns), which the hardware prefetchers do not cross.
    // dst[s, k, j] = B[k, s * width + j], in loops (k, s, j).
    MLIRContext *ctx = rewriter.getContext();
    Value src = block(rewriter, loc, b, rewriter.getIndexAttr(0),
                      rewriter.getIndexAttr(0), kc, strips * width);
    Value src3 = memref::ExpandShapeOp::create(
        rewriter, loc, ArrayRef<int64_t>{kc, strips, width}, src,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}});
    Value dst = block(rewriter, loc, scratch, rewriter.getIndexAttr(0),
                      rewriter.getIndexAttr(0), strips * kc, width);
    Value dst3 = memref::ExpandShapeOp::create(
        rewriter, loc, ArrayRef<int64_t>{strips, kc, width}, dst,
        ArrayRef<ReassociationIndices>{{0, 1}, {2}});
    AffineExpr k = getAffineDimExpr(0, ctx), s = getAffineDimExpr(1, ctx),
               j = getAffineDimExpr(2, ctx);
    linalg::GenericOp::create(
        rewriter, loc, ValueRange{src3}, ValueRange{dst3},
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {k, s, j}, ctx),
                            AffineMap::get(3, 0, {s, k, j}, ctx)},
        SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
        [](OpBuilder &nb, Location l, ValueRange args) {
          linalg::YieldOp::create(nb, l, args[0]);
        });
    return;
  }
  forEachStrip(
      rewriter, loc, strips,
      [&](OpBuilder &nested, Location l, Value nb) {
        OpFoldResult zero = nested.getIndexAttr(0);
        Value col = mulIndex(nested, l, nb, width);
        Value dst = block(nested, l, scratch, mulIndex(nested, l, nb, kc),
                          zero, kc, width);
        if (operands.transposed) {
          Value src = block(nested, l, b, col, zero, width, kc);
          transposeStrip(nested, l, src, dst, width, kc);
        } else {
          Value src = block(nested, l, b, zero, col, kc, width);
          linalg::CopyOp::create(nested, l, ValueRange{src}, ValueRange{dst});
        }
      });
}

namespace {

/// The operands of `op` restricted to columns [col, col + size) of loop n.
SmallVector<Value> columnSlice(OpBuilder &b, Location loc, linalg::LinalgOp op,
                               ArrayRef<int64_t> ranges, unsigned n,
                               OpFoldResult col, int64_t size) {
  SmallVector<OpFoldResult> offsets(ranges.size(), b.getIndexAttr(0)), sizes,
      bounds;
  offsets[n] = col;
  for (auto [i, range] : llvm::enumerate(ranges)) {
    bounds.push_back(b.getIndexAttr(range));
    sizes.push_back(b.getIndexAttr(i == n ? size : range));
  }
  return linalg::makeTiledShapes(b, loc, op, op->getOperands(), offsets, sizes,
                                 bounds, /*omitPartialTileCheck=*/true);
}

/// A named contraction (a generic one would be vectorized as a
/// multi-reduction, not as a vector.contract) of `operands` (A, B, C) that
/// carries the pass's marks (names "tcc.*") of `from`.
linalg::ContractOp createMarkedContract(OpBuilder &b, Location loc,
                                        ArrayRef<Value> operands,
                                        ArrayRef<AffineMap> maps,
                                        Operation *from) {
  auto contract = linalg::ContractOp::create(
      b, loc, ValueRange{operands[0], operands[1]}, ValueRange{operands[2]},
      b.getAffineMapArrayAttr(maps));
  for (NamedAttribute attr : from->getAttrs())
    if (attr.getName().strref().starts_with("tcc."))
      contract->setAttr(attr.getName(), attr.getValue());
  return contract;
}

} // namespace

SmallVector<Operation *> usePackedPanel(RewriterBase &rewriter,
                                        linalg::LinalgOp op, MatmulDims d,
                                        PackableB operands, Value scratch,
                                        int64_t width) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t kc = ranges[d.k];
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineMap> originalMaps = op.getIndexingMapsArray();
  SmallVector<AffineMap> maps = originalMaps;
  // The strip is read through B's own map (an N x K B's with n and k
  // swapped, as the strip is K x N), as a view with B's unit dimensions:
  // every loop keeps the operands it had, so a batch loop stays a batch
  // loop (not an M loop, nor a loop of the output alone).
  SmallVector<AffineExpr> bExprs(originalMaps[operands.b].getResults());
  SmallVector<int64_t> stripShape;
  SmallVector<ReassociationIndices> expansion;
  for (AffineExpr &e : bExprs) {
    unsigned dim = cast<AffineDimExpr>(e).getPosition();
    if (operands.transposed && (dim == d.n || dim == d.k))
      e = getAffineDimExpr(dim == d.n ? d.k : d.n, ctx);
    unsigned now = cast<AffineDimExpr>(e).getPosition();
    stripShape.push_back(now == d.k ? kc : now == d.n ? width : 1);
    if (expansion.empty() || now == d.n)
      expansion.emplace_back();
    expansion.back().push_back(stripShape.size() - 1);
  }
  maps[operands.b] = AffineMap::get(ranges.size(), 0, bExprs, ctx);
  Location loc = op.getLoc();
  SmallVector<Operation *> strips;
  rewriter.setInsertionPoint(op);
  forEachStrip(
      rewriter, loc, ranges[d.n] / width,
      [&](OpBuilder &nested, Location l, Value nb) {
        SmallVector<Value> tiled = columnSlice(
            nested, l, op, ranges, d.n, mulIndex(nested, l, nb, width), width);
        Value strip2d = block(nested, l, scratch, mulIndex(nested, l, nb, kc),
                              nested.getIndexAttr(0), kc, width);
        tiled[operands.b] =
            stripShape.size() == 2
                ? strip2d
                : memref::ExpandShapeOp::create(nested, l, stripShape, strip2d,
                                                expansion)
                      .getResult();
        strips.push_back(createMarkedContract(nested, l, tiled, maps, op));
      });
  // Columns past the last full strip (N not a multiple of the width) read
  // B where it is.
  int64_t full = ranges[d.n] / width * width;
  if (full != ranges[d.n])
    strips.push_back(createMarkedContract(
        rewriter, loc,
        columnSlice(rewriter, loc, op, ranges, d.n, rewriter.getIndexAttr(full),
                    ranges[d.n] - full),
        originalMaps, op));
  rewriter.eraseOp(op);
  return strips;
}

linalg::LinalgOp toNamedContraction(RewriterBase &rewriter,
                                    linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || !linalg::isaContractionOpInterface(op) ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !op.hasPureBufferSemantics())
    return op;
  rewriter.setInsertionPoint(op);
  SmallVector<Value> operands(op->getOperands());
  auto named = createMarkedContract(rewriter, op.getLoc(), operands,
                                    op.getIndexingMapsArray(), op);
  // The same computation only if linalg.contract infers the same loops.
  if (named.getIteratorTypesArray() != op.getIteratorTypesArray()) {
    rewriter.eraseOp(named);
    return op;
  }
  rewriter.eraseOp(op);
  return named;
}

} // namespace mlir::tcc::cpu
