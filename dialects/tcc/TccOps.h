//===- TccOps.h - tcc operations --------------------------------*- C++ -*-===//

#ifndef TCC_DIALECT_TCCOPS_H
#define TCC_DIALECT_TCCOPS_H

#include "dialects/tcc/TccDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "dialects/tcc/TccInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/tcc/TccOps.h.inc"

namespace mlir::tcc {

/// NumPy broadcast of two static shapes; failure if they do not broadcast.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<int64_t> a,
                                                ArrayRef<int64_t> b);

/// Output extent of a sliding window (convolution and pooling).
int64_t windowOutputSize(int64_t in, int64_t padLo, int64_t padHi,
                         int64_t kernel, int64_t stride, int64_t dilation,
                         bool ceilMode = false);

/// Sums `grad` (of a NumPy-broadcast result shape) down to `target`'s shape:
/// the reverse of broadcasting, used by the VJP of every broadcasting op.
Value sumToShape(OpBuilder &b, Location loc, Value grad,
                 RankedTensorType target);

/// A tensor of `type` filled with `value` (a splat constant).
Value createSplat(OpBuilder &b, Location loc, RankedTensorType type,
                  double value);

} // namespace mlir::tcc

#endif // TCC_DIALECT_TCCOPS_H
