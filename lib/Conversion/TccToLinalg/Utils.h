//===- Utils.h - helpers shared by the tcc-to-linalg patterns ---*- C++ -*-===//

#ifndef TCC_LIB_CONVERSION_TCCTOLINALG_UTILS_H
#define TCC_LIB_CONVERSION_TCCTOLINALG_UTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"

namespace mlir::tcc {

/// The map from a result iteration space of rank `resultRank` and shape
/// `resultShape` to an operand of shape `operandShape` broadcast NumPy-style
/// (trailing alignment; size-1 dimensions read index 0).
AffineMap getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                          ArrayRef<int64_t> resultShape);

/// A tensor.empty of `type`.
Value createEmpty(OpBuilder &b, Location loc, RankedTensorType type);

/// A tensor of `type` filled with the scalar attribute `value`.
Value createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                   TypedAttr value);

/// A scalar constant of `type` (float or integer) with value `v`.
Value createScalar(OpBuilder &b, Location loc, Type type, double v);

/// The largest/smallest finite-or-infinite value of `type`: -inf / +inf for
/// floats, the signed integer limits otherwise (true/false for i1).
TypedAttr getLowestAttr(Type type);
TypedAttr getHighestAttr(Type type);

/// A linalg.generic iterator list of `n` parallel iterators.
SmallVector<utils::IteratorType> parallelIterators(unsigned n);

/// A linalg.generic computing a fresh tensor of `resultType` pointwise from
/// `inputs`, all of its shape (identity maps, parallel loops); `body` gets
/// the inputs' elements and the output's, and yields.
Value createPointwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType resultType,
    function_ref<void(OpBuilder &, Location, ValueRange)> body);

} // namespace mlir::tcc

#endif // TCC_LIB_CONVERSION_TCCTOLINALG_UTILS_H
