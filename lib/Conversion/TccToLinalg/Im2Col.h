//===- Im2Col.h - convolutions as matrix products ---------------*- C++ -*-===//
//
// The building blocks of the convolution lowering (Convolution.cpp): the
// column matrix of a convolution's input (im2col), its adjoint (col2im),
// and grouped matrix products shaped so that tcc-cpu-tile-and-vectorize
// recognises them as contractions.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_CONVERSION_TCCTOLINALG_IM2COL_H
#define TCC_LIB_CONVERSION_TCCTOLINALG_IM2COL_H

#include "Utils.h"

namespace mlir::tcc {

/// The windows of a grouped convolution with k spatial dimensions: output
/// position o reads input position o * stride + j * dilation - padLo for
/// kernel offset j (per dimension).
struct ConvWindows {
  int64_t groups;
  SmallVector<int64_t> kernel, strides, dilations, padLo;

  unsigned rank() const { return kernel.size(); }
  /// The number of kernel offsets, prod(kernel).
  int64_t kernelVolume() const;
};

/// The column matrix of `input` ([N, C, D1..Dk]) for the output positions
/// `outSizes`: [G, C/G * prod(K), N, prod(O)] with
///   col[g, (c, j), n, o] = input[n, g * C/G + c, o * s + j * d - lo]
/// (zero in the padding). The batch sits next to the positions so that the
/// weight gradient contracts over one flat (n, o) dimension. One strided
/// copy per kernel offset, each vectorizable along the innermost O.
Value buildIm2Col(OpBuilder &b, Location loc, Value input,
                  const ConvWindows &w, ArrayRef<int64_t> outSizes);

/// The adjoint of im2col: sums the columns `col` ([N, G, M/G * prod(K),
/// prod(D)], for the input positions `inSizes` = D) back into an image of
/// spatial size `outSizes` = O: result [N, M, O...] with
///   result[n, g * M/G + m, p] = sum over (j, i) with i * s + j * d - lo = p
///                               of col[n, g, (m, j), i].
/// With unit strides, a gather: one generic per region of the result on
/// which the same offsets land, summing their columns. Otherwise one
/// strided copy (the first kernel offset) or accumulation (the others) per
/// kernel offset, into a zero image padded so that every offset lands
/// inside; the padding is cut off at the end.
Value buildCol2Im(OpBuilder &b, Location loc, Value col, const ConvWindows &w,
                  ArrayRef<int64_t> inSizes, RankedTensorType resultType);

/// The contraction out[outDims] = sum lhs[lhsDims] * rhs[rhsDims] over
/// `numLoops` loops (each operand indexed by a list of loops; the loops
/// missing from `outDims` are summed), into a zero tensor of `outType`.
/// A linalg.contract rather than a linalg.generic, so that elementwise
/// fusion does not merge producers into its body (the CPU tiler takes only
/// plain multiply-add contractions). Reshape propagation may still fold the
/// reshapes around it into its loops, splitting its flat matrix dimensions
/// (p into oh, ow; r into c, kh, kw); tcc-cpu-collapse-contraction-dims
/// merges them back.
Value buildGemm(OpBuilder &b, Location loc, unsigned numLoops,
                Value lhs, ArrayRef<unsigned> lhsDims, Value rhs,
                ArrayRef<unsigned> rhsDims, RankedTensorType outType,
                ArrayRef<unsigned> outDims);

/// Reshapes `v` to `shape` (same element count) through a collapse to 1-D
/// and an expand, or directly when one is a refinement of the other
/// (canonicalization folds the pair where it can).
Value reshapeTo(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> shape);

/// `v` with its dimensions permuted: result dim i is `v`'s dim perm[i].
Value transpose(OpBuilder &b, Location loc, Value v, ArrayRef<int64_t> perm);

} // namespace mlir::tcc

#endif // TCC_LIB_CONVERSION_TCCTOLINALG_IM2COL_H
