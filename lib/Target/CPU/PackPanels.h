//===- PackPanels.h - packing B panels of contractions --------*- C++ -*-===//
//
// The packing step of tcc-cpu-tile-and-vectorize: a cache tile's K x N panel
// of B is copied into a scratch buffer as column strips of K x W (W the
// register tile's N), so register tiles stream B contiguously. B may be laid
// out K x N (copied) or N x K (a transposing copy, vectorized in 8x8 blocks).
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_TARGET_CPU_PACKPANELS_H
#define TCC_LIB_TARGET_CPU_PACKPANELS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace mlir::tcc::cpu {

/// The loop dimensions of a contraction that the register tile spans: the
/// output's innermost M and N dimensions and the innermost K dimension.
struct MatmulDims {
  unsigned m, n, k;
};

/// How a contraction whose panel of B can be packed reads its operands.
struct PackableB {
  unsigned a, b, c;  // Operand numbers.
  bool transposed;   // B is laid out N x K (else K x N).
};

/// Whether `op` is C(m,n) += A(m,k) * B(.,.) over the loops of `d` (other
/// loops having a single iteration), with B indexed by (k, n) or (n, k)
/// only (besides single-iteration loops).
std::optional<PackableB> packableB(linalg::LinalgOp op, MatmulDims d);

Value constIndex(OpBuilder &b, Location loc, int64_t v);
Value mulIndex(OpBuilder &b, Location loc, Value v, int64_t c);

/// The `rows` x `width` block of the 2-D `buffer` at (row, col).
Value block(OpBuilder &b, Location loc, Value buffer, OpFoldResult row,
            OpFoldResult col, int64_t rows, int64_t width);

/// The 8 columns of the 8x8 block whose rows are `rows` (vector<8xf32>
/// each): the usual AVX sequence of unpacks, in-lane shuffles and lane
/// permutes (24 shuffles, no scalar moves).
SmallVector<Value> transpose8x8(OpBuilder &b, Location loc,
                                ArrayRef<Value> rows);

/// Copies the K x N panel of B that `op` reads into `scratch`, as
/// floor(N/width) column strips of K x width, one after another.
void packPanel(RewriterBase &rewriter, linalg::LinalgOp op, MatmulDims d,
               PackableB operands, Value scratch, int64_t width);

/// Replaces `op` (a block of M rows x the packed panel) by one op per column
/// strip that reads B from the packed strip (as a `linalg.contract` with B
/// indexed by (k, n)), and one for the N % width columns past the last strip
/// that reads B in place; returns them.
SmallVector<Operation *> usePackedPanel(RewriterBase &rewriter,
                                        linalg::LinalgOp op, MatmulDims d,
                                        PackableB operands, Value scratch,
                                        int64_t width);

/// A `linalg.contract` doing what the contraction generic `op` does (the
/// vectorizer turns only named contractions into vector.contract; generics
/// become multi-reductions, which lower to scalar code); other ops as they
/// are.
linalg::LinalgOp toNamedContraction(RewriterBase &rewriter,
                                    linalg::LinalgOp op);

} // namespace mlir::tcc::cpu

#endif // TCC_LIB_TARGET_CPU_PACKPANELS_H
