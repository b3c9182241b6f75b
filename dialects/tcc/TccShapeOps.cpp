//===- TccShapeOps.cpp - data movement ops -------------------------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::tcc;

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// ReshapeOp
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (in.getNumElements() != out.getNumElements())
    return emitOpError("changes the element count from ")
           << in.getNumElements() << " to " << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) == reshape(x)
  if (auto inner = getInput().getDefiningOp<ReshapeOp>()) {
    getInputMutable().assign(inner.getInput());
    return getResult();
  }
  return {};
}

//===----------------------------------------------------------------------===//
// TransposeOp
//===----------------------------------------------------------------------===//

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor a,
                                            SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput());
  ArrayRef<int64_t> perm = a.getPermutation();
  if ((int64_t)perm.size() != in.getRank())
    return emitOptionalError(loc, "permutation has ", perm.size(),
                             " entries for rank ", in.getRank());
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOptionalError(loc, "permutation is not a permutation of "
                                    "the dimensions");
    seen[p] = true;
    shape.push_back(in.getDimSize(p));
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  for (auto [i, p] : llvm::enumerate(getPermutation()))
    if ((int64_t)i != p)
      return {};
  return getInput();
}

//===----------------------------------------------------------------------===//
// BroadcastToOp
//===----------------------------------------------------------------------===//

LogicalResult BroadcastToOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (in.getRank() > out.getRank())
    return emitOpError("cannot broadcast rank ")
           << in.getRank() << " to lower rank " << out.getRank();
  int64_t lead = out.getRank() - in.getRank();
  for (int64_t i = 0; i < in.getRank(); ++i) {
    int64_t d = in.getDimSize(i);
    if (d != 1 && d != out.getDimSize(lead + i))
      return emitOpError("input dimension ")
             << i << " (" << d << ") does not broadcast to "
             << out.getDimSize(lead + i);
  }
  return success();
}

OpFoldResult BroadcastToOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// ConcatOp
//===----------------------------------------------------------------------===//

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  if (a.getInputs().empty())
    return emitOptionalError(loc, "needs at least one input");
  auto first = rankedType(a.getInputs().front());
  int64_t axis = a.getAxis();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             first.getRank());
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : a.getInputs()) {
    auto t = rankedType(v);
    if (t.getElementType() != first.getElementType() ||
        t.getRank() != first.getRank())
      return emitOptionalError(loc, "inputs differ in element type or rank");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != shape[d])
        return emitOptionalError(loc, "inputs differ in dimension ", d);
    shape[axis] += t.getDimSize(axis);
  }
  r.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

OpFoldResult ConcatOp::fold(FoldAdaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  return {};
}

//===----------------------------------------------------------------------===//
// SliceOp
//===----------------------------------------------------------------------===//

LogicalResult SliceOp::verify() {
  auto in = getInput().getType(), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (in.getRank() != out.getRank() ||
      (int64_t)getStarts().size() != in.getRank() ||
      (int64_t)getSteps().size() != in.getRank())
    return emitOpError("needs one start and one step per dimension, and a "
                       "result of the input's rank");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t start = getStarts()[d], step = getSteps()[d],
            size = out.getDimSize(d), dim = in.getDimSize(d);
    if (step == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    if (size == 0)
      continue;
    int64_t last = start + (size - 1) * step;
    if (start < 0 || start >= dim || last < 0 || last >= dim)
      return emitOpError("dimension ")
             << d << " reads indices " << start << " to " << last
             << " outside [0, " << dim << ")";
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() != getType())
    return {};
  for (auto [start, step] : llvm::zip(getStarts(), getSteps()))
    if (start != 0 || step != 1)
      return {};
  return getInput();
}

//===----------------------------------------------------------------------===//
// GatherOp / GatherElementsOp
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput()), idx = rankedType(a.getIndices());
  int64_t axis = a.getAxis();
  if (axis < 0 || axis >= in.getRank())
    return emitOptionalError(loc, "axis ", axis, " is out of range for rank ",
                             in.getRank());
  if (in.getDimSize(axis) == 0 && idx.getNumElements() != 0)
    return emitOptionalError(loc, "gathers from an empty axis");
  SmallVector<int64_t> shape(in.getShape().take_front(axis));
  llvm::append_range(shape, idx.getShape());
  llvm::append_range(shape, in.getShape().drop_front(axis + 1));
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor a,
                                                 SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput()), idx = rankedType(a.getIndices());
  r.push_back(RankedTensorType::get(idx.getShape(), in.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto in = getInput().getType(), idx = getIndices().getType();
  int64_t axis = getAxis();
  if (in.getRank() != idx.getRank())
    return emitOpError("indices must have the input's rank");
  if (axis < 0 || axis >= in.getRank())
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << in.getRank();
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (d != axis && idx.getDimSize(d) > in.getDimSize(d))
      return emitOpError("indices dimension ")
             << d << " is larger than the input's";
  if (in.getDimSize(axis) == 0 && idx.getNumElements() != 0)
    return emitOpError("gathers from an empty axis");
  return success();
}

//===----------------------------------------------------------------------===//
// PadOp
//===----------------------------------------------------------------------===//

LogicalResult PadOp::inferReturnTypes(MLIRContext *,
                                      std::optional<Location> loc, Adaptor a,
                                      SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput()), value = rankedType(a.getValue());
  int64_t rank = in.getRank();
  ArrayRef<int64_t> pad = a.getPadding();
  StringRef mode = a.getMode();
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return emitOptionalError(loc, "mode must be constant, reflect or edge, "
                                  "not '", mode, "'");
  if (value.getRank() != 0 || value.getElementType() != in.getElementType())
    return emitOptionalError(loc, "value must be a 0-d tensor of the input's "
                                  "element type");
  if ((int64_t)pad.size() != 2 * rank)
    return emitOptionalError(loc, "expected ", 2 * rank, " padding values");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (pad[d] < 0 || pad[d + rank] < 0)
      return emitOptionalError(loc, "padding must be non-negative");
    int64_t dim = in.getDimSize(d);
    if ((pad[d] || pad[d + rank]) &&
        ((mode == "reflect" && (pad[d] >= dim || pad[d + rank] >= dim)) ||
         (mode == "edge" && dim == 0)))
      return emitOptionalError(loc, "dimension ", d, " of size ", dim,
                               " is too small for ", mode, " padding");
    shape.push_back(dim + pad[d] + pad[d + rank]);
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}
