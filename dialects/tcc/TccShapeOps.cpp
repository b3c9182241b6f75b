//===- TccShapeOps.cpp - data movement ops -------------------------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
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

/// Shared checks of gather_elements / scatter_add: per-element `indices`
/// along `axis` of `input` (same rank, no larger in the other dimensions, and
/// never into an empty axis).
static LogicalResult verifyAlongAxisIndices(Operation *op, ShapedType in,
                                            ShapedType idx, int64_t axis,
                                            StringRef verb) {
  if (idx.getRank() != in.getRank())
    return op->emitOpError("indices must have the input's rank");
  if (axis < 0 || axis >= in.getRank())
    return op->emitOpError("axis ") << axis << " is out of range for rank "
                                    << in.getRank();
  for (int64_t d = 0; d < in.getRank(); ++d)
    if (d != axis && idx.getDimSize(d) > in.getDimSize(d))
      return op->emitOpError("indices dimension ")
             << d << " is larger than the input's";
  if (in.getDimSize(axis) == 0 && idx.getNumElements() != 0)
    return op->emitOpError() << verb << " an empty axis";
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto in = getInput().getType(), idx = getIndices().getType();
  int64_t axis = getAxis();
  return verifyAlongAxisIndices(*this, in, idx, axis, "gathers from");
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

//===----------------------------------------------------------------------===//
// ScatterAddOp
//===----------------------------------------------------------------------===//

LogicalResult ScatterAddOp::inferReturnTypes(MLIRContext *,
                                             std::optional<Location>,
                                             Adaptor a,
                                             SmallVectorImpl<Type> &r) {
  r.push_back(a.getInput().getType());
  return success();
}

LogicalResult ScatterAddOp::verify() {
  auto in = rankedType(getInput()), idx = rankedType(getIndices()),
       upd = rankedType(getUpdates());
  int64_t axis = getAxis();
  if (upd.getElementType() != in.getElementType())
    return emitOpError("updates must have the input's element type");
  if (idx.getShape() != upd.getShape())
    return emitOpError("indices and updates must have the same shape");
  return verifyAlongAxisIndices(*this, in, idx, axis, "scatters into");
}

//===----------------------------------------------------------------------===//
// Vector-Jacobian products
//===----------------------------------------------------------------------===//

static Value zerosOf(OpBuilder &b, Location loc, Type type) {
  return createSplat(b, loc, cast<RankedTensorType>(type), 0.0);
}

/// A 0-d tensor of `elementType` holding `v` (the value operand of pads).
static Value scalarTensor(OpBuilder &b, Location loc, Type elementType,
                          double v) {
  return createSplat(b, loc, RankedTensorType::get({}, elementType), v);
}

/// `x` with dimension `d` shrunk to `size` elements from `start` by `step`.
static Value sliceDim(OpBuilder &b, Location loc, Value x, int64_t d,
                      int64_t start, int64_t size, int64_t step = 1) {
  auto type = rankedType(x);
  SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1),
      shape(type.getShape());
  starts[d] = start;
  steps[d] = step;
  shape[d] = size;
  return SliceOp::create(b, loc,
                         RankedTensorType::get(shape, type.getElementType()),
                         x, starts, steps);
}

/// `x` zero-padded by `low` and `high` elements along dimension `d`.
static Value zeroPadDim(OpBuilder &b, Location loc, Value x, int64_t d,
                        int64_t low, int64_t high) {
  auto type = rankedType(x);
  SmallVector<int64_t> padding(2 * type.getRank(), 0);
  padding[d] = low;
  padding[type.getRank() + d] = high;
  return PadOp::create(b, loc, x,
                       scalarTensor(b, loc, type.getElementType(), 0.0),
                       padding, "constant");
}

LogicalResult ReshapeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] =
      ReshapeOp::create(b, getLoc(), getInput().getType(), resultGrads[0]);
  return success();
}

LogicalResult TransposeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  operandGrads[0] = TransposeOp::create(b, getLoc(), resultGrads[0], inverse);
  return success();
}

LogicalResult BroadcastToOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                      SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = sumToShape(b, getLoc(), resultGrads[0],
                               rankedType(getInput()));
  return success();
}

LogicalResult ConcatOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  int64_t axis = getAxis(), offset = 0;
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    int64_t size = rankedType(input).getDimSize(axis);
    operandGrads[i] =
        sliceDim(b, getLoc(), resultGrads[0], axis, offset, size);
    offset += size;
  }
  return success();
}

/// Spreads dimension `d` of `x` (n elements) to (n - 1) * stride + 1 with
/// stride - 1 zeros between neighbours: append a unit dimension, zero-pad it
/// to `stride`, merge the two and drop the trailing zeros.
static Value interleaveZeros(OpBuilder &b, Location loc, Value x, int64_t d,
                             int64_t stride) {
  auto type = rankedType(x);
  Type el = type.getElementType();
  int64_t n = type.getDimSize(d);
  SmallVector<int64_t> split(type.getShape());
  split.insert(split.begin() + d + 1, 1);
  Value y = ReshapeOp::create(b, loc, RankedTensorType::get(split, el), x);
  y = zeroPadDim(b, loc, y, d + 1, 0, stride - 1);
  SmallVector<int64_t> merged(type.getShape());
  merged[d] = n * stride;
  y = ReshapeOp::create(b, loc, RankedTensorType::get(merged, el), y);
  return sliceDim(b, loc, y, d, 0, (n - 1) * stride + 1);
}

/// The cotangent goes back to the positions the slice read; the rest of the
/// input gets zeros. Backwards dimensions are reversed first, so that every
/// dimension is a forward stride placed with interleaved zeros and a pad.
LogicalResult SliceOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  auto inType = rankedType(getInput()), outType = getType();
  if (outType.getNumElements() == 0) {
    operandGrads[0] = zerosOf(b, loc, inType);
    return success();
  }
  int64_t rank = inType.getRank();
  Value g = resultGrads[0];
  SmallVector<int64_t> low(rank), flipStarts(rank, 0), flipSteps(rank, 1);
  bool flip = false;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = outType.getDimSize(d), step = getSteps()[d];
    low[d] = step > 0 ? getStarts()[d] : getStarts()[d] + (n - 1) * step;
    if (step < 0 && n > 1) {
      flip = true;
      flipStarts[d] = n - 1;
      flipSteps[d] = -1;
    }
  }
  if (flip)
    g = SliceOp::create(b, loc, outType, g, flipStarts, flipSteps);
  SmallVector<int64_t> padding(2 * rank, 0);
  for (int64_t d = 0; d < rank; ++d) {
    int64_t n = outType.getDimSize(d), stride = std::abs(getSteps()[d]);
    if (stride > 1 && n > 1)
      g = interleaveZeros(b, loc, g, d, stride);
    padding[d] = low[d];
    padding[rank + d] =
        inType.getDimSize(d) - low[d] - rankedType(g).getDimSize(d);
  }
  if (llvm::any_of(padding, [](int64_t p) { return p != 0; }))
    g = PadOp::create(b, loc, g,
                      scalarTensor(b, loc, inType.getElementType(), 0.0),
                      padding, "constant");
  operandGrads[0] = g;
  return success();
}

/// Every gathered slice adds its cotangent back at its (normalized, clamped)
/// index: a scatter_add whose updates are the cotangent with the indices'
/// dimensions merged into one, and whose indices are broadcast to match.
LogicalResult GatherOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  auto inType = rankedType(getInput()), idxType = rankedType(getIndices());
  int64_t axis = getAxis(), rank = inType.getRank();
  Value zeros = zerosOf(b, loc, inType);
  if (idxType.getNumElements() == 0 || inType.getNumElements() == 0) {
    operandGrads[0] = zeros;
    return success();
  }
  SmallVector<int64_t> merged(inType.getShape()), idxShape(rank, 1);
  merged[axis] = idxShape[axis] = idxType.getNumElements();
  Value updates = ReshapeOp::create(
      b, loc, RankedTensorType::get(merged, inType.getElementType()),
      resultGrads[0]);
  Value indices = ReshapeOp::create(
      b, loc, RankedTensorType::get(idxShape, idxType.getElementType()),
      getIndices());
  indices = BroadcastToOp::create(
      b, loc, RankedTensorType::get(merged, idxType.getElementType()), indices);
  operandGrads[0] =
      ScatterAddOp::create(b, loc, zeros, indices, updates, getAxisAttr());
  return success();
}

LogicalResult GatherElementsOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  operandGrads[0] =
      ScatterAddOp::create(b, loc, zerosOf(b, loc, getInput().getType()),
                           getIndices(), resultGrads[0], getAxisAttr());
  return success();
}

LogicalResult ScatterAddOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = resultGrads[0];
  operandGrads[2] = GatherElementsOp::create(b, getLoc(), resultGrads[0],
                                             getIndices(), getAxisAttr());
  return success();
}

/// The adjoint of edge or reflect padding along dimension `d` (`low` and
/// `high` elements around `dim` source elements): the middle is the source's
/// own cotangent; each padded element's cotangent is added to the source
/// element it copied (the edge element, or its mirror image).
static Value unpadDim(OpBuilder &b, Location loc, Value g, int64_t d,
                      int64_t low, int64_t high, int64_t dim, bool reflect) {
  Value result = sliceDim(b, loc, g, d, low, dim);
  auto add = [&](Value part, int64_t before) {
    int64_t size = rankedType(part).getDimSize(d);
    Value placed = zeroPadDim(b, loc, part, d, before, dim - before - size);
    result = AddOp::create(b, loc, result, placed);
  };
  if (reflect) {
    // Padded position low - k copies source k; low + dim - 1 + k copies
    // dim - 1 - k (reflect padding is shorter than the dimension).
    if (low > 0)
      add(sliceDim(b, loc, g, d, low - 1, low, -1), 1);
    if (high > 0)
      add(sliceDim(b, loc, g, d, low + dim + high - 1, high, -1),
          dim - 1 - high);
    return result;
  }
  auto sumDim = [&](Value x) {
    return ReduceSumOp::create(b, loc, x, b.getDenseI64ArrayAttr({d}),
                               b.getBoolAttr(true));
  };
  if (low > 0)
    add(sumDim(sliceDim(b, loc, g, d, 0, low)), 0);
  if (high > 0)
    add(sumDim(sliceDim(b, loc, g, d, low + dim, high)), dim - 1);
  return result;
}

LogicalResult PadOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  auto inType = rankedType(getInput());
  Type el = inType.getElementType();
  int64_t rank = inType.getRank();
  ArrayRef<int64_t> padding = getPadding();
  Value g = resultGrads[0];
  if (getMode() == "constant") {
    SmallVector<int64_t> starts(padding.take_front(rank)), steps(rank, 1);
    operandGrads[0] = SliceOp::create(b, loc, inType, g, starts, steps);
    // A constant value (the usual case) needs no cotangent; building one
    // would also hand it to an op that has no rule.
    if (matchPattern(getValue(), m_Constant()))
      return success();
    // The value's cotangent sums the padded positions: mask = pad(0, 1).
    if (llvm::all_of(padding, [](int64_t p) { return p == 0; })) {
      operandGrads[1] = scalarTensor(b, loc, el, 0.0);
      return success();
    }
    Value mask = PadOp::create(b, loc, zerosOf(b, loc, inType),
                               scalarTensor(b, loc, el, 1.0), padding,
                               "constant");
    Value masked = MulOp::create(b, loc, g, mask);
    operandGrads[1] = ReduceSumOp::create(
        b, loc, masked,
        b.getDenseI64ArrayAttr(llvm::to_vector(llvm::seq<int64_t>(0, rank))),
        b.getBoolAttr(false));
    return success();
  }
  if (getMode() != "edge" && getMode() != "reflect")
    return emitOpError("has no differentiation rule for mode '")
           << getMode() << "'";
  bool reflect = getMode() == "reflect";
  for (int64_t d = 0; d < rank; ++d)
    if (padding[d] || padding[rank + d])
      g = unpadDim(b, loc, g, d, padding[d], padding[rank + d],
                   inType.getDimSize(d), reflect);
  operandGrads[0] = g;
  return success();
}
