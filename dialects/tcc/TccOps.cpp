//===- TccOps.cpp - tcc op definitions and shared shape rules ------------===//
//
// The generated op classes live here; each op family's verifiers, shape
// inference and folders are in Tcc<Family>Ops.cpp.
//
//===----------------------------------------------------------------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::tcc;

#include "dialects/tcc/TccInterfaces.cpp.inc"

#define GET_OP_CLASSES
#include "dialects/tcc/TccOps.cpp.inc"

FailureOr<SmallVector<int64_t>> mlir::tcc::broadcastShapes(ArrayRef<int64_t> a,
                                                           ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return failure();
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t mlir::tcc::windowOutputSize(int64_t in, int64_t padLo, int64_t padHi,
                                    int64_t kernel, int64_t stride,
                                    int64_t dilation, bool ceilMode) {
  int64_t span = in + padLo + padHi - dilation * (kernel - 1) - 1;
  if (span < 0 || stride <= 0)
    return -1;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // A window must start inside the input or its low padding (PyTorch/ONNX).
  if (ceilMode && (out - 1) * stride >= in + padLo)
    --out;
  return out;
}

Value mlir::tcc::sumToShape(OpBuilder &b, Location loc, Value grad,
                            RankedTensorType target) {
  auto type = cast<RankedTensorType>(grad.getType());
  if (type == target)
    return grad;
  int64_t lead = type.getRank() - target.getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d < lead || (target.getDimSize(d - lead) == 1 && type.getDimSize(d) != 1))
      axes.push_back(d);
  Value summed = grad;
  if (!axes.empty())
    summed = ReduceSumOp::create(b, loc, grad, b.getDenseI64ArrayAttr(axes),
                                 b.getBoolAttr(false));
  if (cast<RankedTensorType>(summed.getType()) != target)
    summed = ReshapeOp::create(b, loc, target, summed);
  return summed;
}

Value mlir::tcc::createSplat(OpBuilder &b, Location loc, RankedTensorType type,
                             double value) {
  Type el = type.getElementType();
  TypedAttr scalar = isa<FloatType>(el)
                         ? TypedAttr(b.getFloatAttr(el, value))
                         : TypedAttr(b.getIntegerAttr(el, int64_t(value)));
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, scalar));
}
