//===- VectorizeTransposes.cpp - transposes in 8x8 register blocks -------===//
//
// tcc-cpu-tile-and-vectorize vectorizes a linalg.transpose along the
// output's innermost dimension; when that dimension is strided in the input
// (the transposes of a convolution's weight gradient, dY [N, M, P] to
// [N, P, M]), every vector lane is a separate scalar load. Here the two
// dimensions that trade places, q (innermost in the input) and l
// (innermost in the output), are walked in 8x8 blocks: eight 8-wide loads
// along q, the register transpose the B-panel packing uses
// (PackPanels.h), eight 8-wide stores along l. The remainder slices
// (q or l not a multiple of 8) stay linalg.transpose ops for the tiler.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "PackPanels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_VECTORIZETRANSPOSESPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc::cpu;

namespace {

constexpr int64_t kBlock = 8;

/// Static f32 memref with a unit innermost stride.
bool isUnitStrideF32(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  if (!type || !type.hasStaticShape() || !type.getElementType().isF32() ||
      type.getRank() < 2)
    return false;
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

/// The output dimension that is innermost in the input, if the transpose
/// moves it (else the elementwise path reads contiguous rows already).
std::optional<unsigned> movedInnerDim(linalg::TransposeOp op) {
  ArrayRef<int64_t> perm = op.getPermutation();
  unsigned rank = perm.size();
  for (unsigned j = 0; j < rank; ++j)
    if (perm[j] == int64_t(rank) - 1)
      return j == rank - 1 ? std::nullopt : std::optional<unsigned>(j);
  return std::nullopt;
}

/// The `sizes` slice at `offsets` of `buffer`, as a subview (same rank).
Value slice(OpBuilder &b, Location loc, Value buffer,
            ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
  SmallVector<OpFoldResult> offs, szs, strides;
  for (auto [o, s] : llvm::zip_equal(offsets, sizes)) {
    offs.push_back(b.getIndexAttr(o));
    szs.push_back(b.getIndexAttr(s));
    strides.push_back(b.getIndexAttr(1));
  }
  return memref::SubViewOp::create(b, loc, buffer, offs, szs, strides);
}

/// A linalg.transpose of the output slice `offsets`/`sizes` (output
/// coordinates) from the matching input slice; nothing if it is empty.
void transposeSlice(OpBuilder &b, Location loc, linalg::TransposeOp op,
                    ArrayRef<int64_t> offsets, ArrayRef<int64_t> sizes) {
  if (llvm::is_contained(sizes, 0))
    return;
  ArrayRef<int64_t> perm = op.getPermutation();
  SmallVector<int64_t> inOffsets(perm.size()), inSizes(perm.size());
  for (unsigned j = 0; j < perm.size(); ++j) {
    inOffsets[perm[j]] = offsets[j];
    inSizes[perm[j]] = sizes[j];
  }
  Value in = slice(b, loc, op.getInput(), inOffsets, inSizes);
  Value out = slice(b, loc, op.getInit(), offsets, sizes);
  linalg::TransposeOp::create(b, loc, in, out, perm);
}

void rewrite(linalg::TransposeOp op, unsigned q, int64_t minParallelElements) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  ArrayRef<int64_t> perm = op.getPermutation();
  auto outType = cast<MemRefType>(op.getInit().getType());
  ArrayRef<int64_t> shape = outType.getShape();
  unsigned rank = shape.size(), l = rank - 1;
  int64_t fullQ = shape[q] / kBlock * kBlock,
          fullL = shape[l] / kBlock * kBlock;

  // Loops over the other output dimensions (outermost first), then the
  // blocks of q and of l.
  struct Loop {
    unsigned dim;
    int64_t count, step;
  };
  SmallVector<Loop> loops;
  for (unsigned d = 0; d < rank; ++d)
    if (d != q && d != l && shape[d] > 1)
      loops.push_back({d, shape[d], 1});
  loops.push_back({q, fullQ, kBlock});
  loops.push_back({l, fullL, kBlock});
  bool parallel = outType.getNumElements() >= minParallelElements &&
                  !op->getParentOfType<scf::ParallelOp>() &&
                  !op->getParentOfType<omp::ParallelOp>();

  SmallVector<Value> idx(rank, constIndex(b, loc, 0));
  auto vecType = VectorType::get({kBlock}, b.getF32Type());
  auto body = [&](OpBuilder &nb, Location nl) {
    // rows[i]: input elements at output (.., q = q0..q0+7, .., l = l0 + i).
    SmallVector<Value> rows;
    for (int64_t i = 0; i < kBlock; ++i) {
      SmallVector<Value> in(rank);
      for (unsigned j = 0; j < rank; ++j)
        in[perm[j]] = j == l ? arith::AddIOp::create(
                                   nb, nl, idx[l], constIndex(nb, nl, i))
                                   .getResult()
                             : idx[j];
      rows.push_back(
          vector::LoadOp::create(nb, nl, vecType, op.getInput(), in));
    }
    SmallVector<Value> cols = transpose8x8(nb, nl, rows);
    for (int64_t i = 0; i < kBlock; ++i) {
      SmallVector<Value> out(idx);
      out[q] = arith::AddIOp::create(nb, nl, idx[q], constIndex(nb, nl, i));
      vector::StoreOp::create(nb, nl, cols[i], op.getInit(), out);
    }
  };
  std::function<void(OpBuilder &, unsigned)> nest = [&](OpBuilder &nb,
                                                        unsigned i) {
    if (i == loops.size())
      return body(nb, loc);
    Loop loop = loops[i];
    Value lb = constIndex(nb, loc, 0), ub = constIndex(nb, loc, loop.count),
          step = constIndex(nb, loc, loop.step);
    Block *block;
    if (parallel && loop.count > loop.step) {
      parallel = false;
      block = scf::ParallelOp::create(nb, loc, ValueRange{lb}, ValueRange{ub},
                                      ValueRange{step})
                  .getBody();
    } else {
      block = scf::ForOp::create(nb, loc, lb, ub, step).getBody();
    }
    OpBuilder inner = OpBuilder::atBlockBegin(block);
    idx[loop.dim] = block->getArgument(0);
    nest(inner, i + 1);
  };
  nest(b, 0);

  // The rest: q past the blocks (every l), then l past the blocks.
  SmallVector<int64_t> offsets(rank, 0), sizes(shape);
  offsets[q] = fullQ;
  sizes[q] = shape[q] - fullQ;
  transposeSlice(b, loc, op, offsets, sizes);
  offsets[q] = 0;
  sizes[q] = fullQ;
  offsets[l] = fullL;
  sizes[l] = shape[l] - fullL;
  transposeSlice(b, loc, op, offsets, sizes);
  op.erase();
}

struct VectorizeTransposesPass
    : tcc::impl::VectorizeTransposesPassBase<VectorizeTransposesPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<std::pair<linalg::TransposeOp, unsigned>> todo;
    getOperation().walk([&](linalg::TransposeOp op) {
      if (!op.hasPureBufferSemantics() || !isUnitStrideF32(op.getInput()) ||
          !isUnitStrideF32(op.getInit()))
        return;
      std::optional<unsigned> q = movedInnerDim(op);
      ArrayRef<int64_t> shape =
          cast<MemRefType>(op.getInit().getType()).getShape();
      if (q && shape[*q] >= kBlock && shape.back() >= kBlock)
        todo.push_back({op, *q});
    });
    for (auto [op, q] : todo)
      rewrite(op, q, minParallelElements);
  }
};

} // namespace
