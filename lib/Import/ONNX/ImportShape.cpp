//===- ImportShape.cpp - ONNX shape and data-movement ops ----------------===//
//
// Constant, ConstantOfShape, Shape, Size, Range, Reshape, Flatten, Transpose,
// Squeeze, Unsqueeze, Concat, Split, Slice, Gather, GatherElements, Expand,
// Tile and Pad.
//
// Shapes are static in tcc, so every operand that determines a result shape
// (Reshape's shape, Slice's starts, ...) must be known at import. PyTorch
// exports shape arithmetic as Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape chains; when all inputs of a node are constants and its result is
// small, the node is computed here on the host, so those chains fold away.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

using Shape = SmallVector<int64_t>;

/// Results with at most this many elements are computed on the host when all
/// inputs are constants.
static constexpr int64_t kFoldLimit = 65536;
/// Larger constants (ConstantOfShape, Range) are refused rather than
/// allocated on the host.
static constexpr int64_t kConstantLimit = int64_t(1) << 28;

static std::string str(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

static int64_t product(ArrayRef<int64_t> shape) {
  return ::tccrt::checkedNumElements(std::vector<int64_t>(shape));
}

//===----------------------------------------------------------------------===//
// Host-side data movement
//===----------------------------------------------------------------------===//

static Shape stridesOf(ArrayRef<int64_t> shape) {
  Shape s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

static int64_t flatIndex(ArrayRef<int64_t> idx, ArrayRef<int64_t> strides) {
  int64_t f = 0;
  for (auto [i, s] : llvm::zip(idx, strides))
    f += i * s;
  return f;
}

/// Every data-movement op is an index map: result element `idx` is `src`'s
/// element `srcIndex(idx)` (a flat index), or `fill`'s only element where
/// that is negative (constant padding).
using IndexMap = llvm::function_ref<int64_t(ArrayRef<int64_t>)>;

static HostTensor hostMap(const HostTensor &src, ArrayRef<int64_t> outShape,
                          IndexMap srcIndex, const HostTensor *fill = nullptr) {
  HostTensor out(src.dtype, std::vector<int64_t>(outShape));
  size_t esize = ::tccrt::dtypeSize(src.dtype);
  Shape idx(outShape.size(), 0);
  for (int64_t n = 0, e = out.numElements(); n < e; ++n) {
    int64_t from = srcIndex(idx);
    const uint8_t *p = from < 0 ? fill->data.data() : &src.data[from * esize];
    std::memcpy(&out.data[n * esize], p, esize);
    for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

static HostTensor hostReshape(const HostTensor &t, ArrayRef<int64_t> shape) {
  HostTensor out = t;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// The shape of input `i`, without materializing a constant.
static std::optional<Shape> inputShape(NodeContext &ctx, size_t i) {
  if (const HostTensor *t = ctx.constantInput(i))
    return Shape(t->shape.begin(), t->shape.end());
  if (RankedTensorType type = ctx.inputType(i))
    return Shape(type.getShape());
  return std::nullopt;
}

/// The element type of input `i`, without materializing a constant.
static Type inputElementType(NodeContext &ctx, size_t i) {
  if (const HostTensor *t = ctx.constantInput(i))
    return elementTypeOf(ctx.b.getContext(), t->dtype);
  RankedTensorType type = ctx.inputType(i);
  return type ? type.getElementType() : Type();
}

/// True if the node should be computed on the host: every input is a
/// constant and the result has at most kFoldLimit elements.
static bool shouldFold(NodeContext &ctx, ArrayRef<int64_t> outShape) {
  int64_t n = product(outShape);
  return n >= 0 && n <= kFoldLimit && ctx.allInputsConstant();
}

static RankedTensorType resultType(NodeContext &ctx, size_t input,
                                   ArrayRef<int64_t> shape) {
  return ctx.inputType(input).clone(shape);
}

static FailureOr<Shape> tensorInts(NodeContext &ctx, const HostTensor &t,
                                   StringRef what) {
  if (::tccrt::isFloatDType(t.dtype) || t.shape.size() > 1)
    return ctx.error(what + " must be a 0-d or 1-d integer tensor, not " +
                     t.describe());
  Shape v;
  for (int64_t i = 0, e = t.numElements(); i < e; ++i)
    v.push_back(t.getInt(i));
  return v;
}

/// The integers of input `i`, which must be known at import.
static FailureOr<Shape> knownInts(NodeContext &ctx, size_t i, StringRef what) {
  auto t = ctx.requireConstantInput(i, what);
  if (failed(t))
    return failure();
  return tensorInts(ctx, **t, what);
}

/// A list given by input `input` from opset `sinceOpset` on and by attribute
/// `name` before; nullopt if absent.
static FailureOr<std::optional<Shape>>
intsFromInputOrAttr(NodeContext &ctx, size_t input, StringRef name,
                    int64_t sinceOpset) {
  if (ctx.opset < sinceOpset)
    return std::optional<Shape>(ctx.attrInts(name));
  if (!ctx.hasInput(input))
    return std::optional<Shape>();
  auto v = knownInts(ctx, input, name);
  if (failed(v))
    return failure();
  return std::optional<Shape>(*v);
}

/// Normalizes every axis of `axes` for `rank`; duplicates are an error.
static FailureOr<Shape> normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes,
                                      int64_t rank) {
  Shape out;
  for (int64_t a : axes) {
    if (a < -rank || a >= rank)
      return ctx.error("axis " + Twine(a) + " is out of range for rank " +
                       Twine(rank));
    a = a < 0 ? a + rank : a;
    if (llvm::is_contained(out, a))
      return ctx.error("axis " + Twine(a) + " appears twice");
    out.push_back(a);
  }
  return out;
}

/// Sets output 0 to input 0 reshaped to `shape` (folded if constant).
static LogicalResult emitReshape(NodeContext &ctx, ArrayRef<int64_t> shape) {
  if (shouldFold(ctx, shape)) {
    ctx.setOutputConstant(0, hostReshape(*ctx.constantInput(0), shape));
    return success();
  }
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ctx.setOutput(0, ctx.reshape(x, shape));
  return success();
}

/// Emits (or folds) a tcc.slice of input 0 with the given clamped starts,
/// steps and sizes into output `out`.
static void emitSlice(NodeContext &ctx, size_t out, ArrayRef<int64_t> starts,
                      ArrayRef<int64_t> steps, ArrayRef<int64_t> sizes) {
  if (shouldFold(ctx, sizes)) {
    const HostTensor &src = *ctx.constantInput(0);
    Shape strides = stridesOf(src.shape);
    ctx.setOutputConstant(out, hostMap(src, sizes, [&](ArrayRef<int64_t> idx) {
      int64_t f = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        f += (starts[d] + idx[d] * steps[d]) * strides[d];
      return f;
    }));
    return;
  }
  Value x = ctx.input(0);
  ctx.setOutput(out, SliceOp::create(ctx.b, ctx.loc, resultType(ctx, 0, sizes),
                                     x, starts, steps));
}

//===----------------------------------------------------------------------===//
// Constants and shape queries
//===----------------------------------------------------------------------===//

static HostTensor intVector(ArrayRef<int64_t> v) {
  HostTensor t(DType::I64, {int64_t(v.size())});
  for (auto [i, x] : llvm::enumerate(v))
    t.setInt(i, x);
  return t;
}

static LogicalResult importConstant(NodeContext &ctx) {
  for (StringRef bad : {"sparse_value", "value_string", "value_strings"})
    if (ctx.hasAttr(bad))
      return ctx.error("attribute '" + bad + "' is not supported");
  if (const auto *a = ctx.attr("value")) {
    HostTensor t;
    std::string err;
    if (!tensorFromProto(a->t(), ctx.baseDir(), t, err))
      return ctx.error("value: " + err);
    ctx.setOutputConstant(0, std::move(t));
  } else if (const auto *a = ctx.attr("value_float")) {
    HostTensor t(DType::F32, {});
    t.setDouble(0, a->f());
    ctx.setOutputConstant(0, std::move(t));
  } else if (auto fs = ctx.attrFloats("value_floats")) {
    HostTensor t(DType::F32, {int64_t(fs->size())});
    for (auto [i, f] : llvm::enumerate(*fs))
      t.setDouble(i, f);
    ctx.setOutputConstant(0, std::move(t));
  } else if (const auto *a = ctx.attr("value_int")) {
    HostTensor t(DType::I64, {});
    t.setInt(0, a->i());
    ctx.setOutputConstant(0, std::move(t));
  } else if (auto is = ctx.attrInts("value_ints")) {
    ctx.setOutputConstant(0, intVector(*is));
  } else {
    return ctx.error("has no value attribute");
  }
  return success();
}

static LogicalResult importConstantOfShape(NodeContext &ctx) {
  auto shape = knownInts(ctx, 0, "shape");
  if (failed(shape))
    return failure();
  int64_t n = product(*shape);
  if (n < 0 || n > kConstantLimit)
    return ctx.error("shape " + str(*shape) + " is invalid or too large");
  HostTensor value(DType::F32, {});
  if (const auto *a = ctx.attr("value")) {
    std::string err;
    if (!tensorFromProto(a->t(), ctx.baseDir(), value, err))
      return ctx.error("value: " + err);
    if (value.numElements() != 1)
      return ctx.error("value must have one element, not " + value.describe());
  }
  if (n <= kFoldLimit) {
    ctx.setOutputConstant(0, hostMap(value, *shape, [](ArrayRef<int64_t>) {
                            return int64_t(0);
                          }));
    return success();
  }
  // A large splat: broadcast the scalar rather than storing every element.
  Value scalar = ctx.constant(hostReshape(value, {}));
  auto type = cast<RankedTensorType>(scalar.getType()).clone(*shape);
  ctx.setOutput(0, BroadcastToOp::create(ctx.b, ctx.loc, type, scalar));
  return success();
}

static LogicalResult importShape(NodeContext &ctx) {
  auto shape = inputShape(ctx, 0);
  if (!shape)
    return failure();
  int64_t rank = shape->size();
  auto clampAxis = [&](int64_t a) {
    a = a < 0 ? a + rank : a;
    return std::clamp<int64_t>(a, 0, rank);
  };
  int64_t start = clampAxis(ctx.attrInt("start", 0));
  int64_t end = clampAxis(ctx.attrInt("end", rank));
  ArrayRef<int64_t> dims(*shape);
  ctx.setOutputConstant(
      0, intVector(start < end ? dims.slice(start, end - start)
                               : ArrayRef<int64_t>()));
  return success();
}

static LogicalResult importSize(NodeContext &ctx) {
  auto shape = inputShape(ctx, 0);
  if (!shape)
    return failure();
  HostTensor t(DType::I64, {});
  t.setInt(0, product(*shape));
  ctx.setOutputConstant(0, std::move(t));
  return success();
}

static LogicalResult importRange(NodeContext &ctx) {
  const HostTensor *v[3];
  const char *names[3] = {"start", "limit", "delta"};
  for (size_t i = 0; i < 3; ++i) {
    auto t = ctx.requireConstantInput(i, names[i]);
    if (failed(t))
      return failure();
    v[i] = *t;
    if (v[i]->numElements() != 1 || v[i]->dtype != v[0]->dtype)
      return ctx.error(Twine(names[i]) + " must be a scalar of start's type, "
                       "not " + v[i]->describe());
  }
  DType dtype = v[0]->dtype;
  bool isFloat = ::tccrt::isFloatDType(dtype);
  double start = v[0]->getDouble(0), limit = v[1]->getDouble(0),
         delta = v[2]->getDouble(0);
  if (delta == 0)
    return ctx.error("delta is zero");
  double count = std::ceil((limit - start) / delta);
  if (!(count < double(kConstantLimit)))
    return ctx.error("the range has too many elements");
  int64_t n = std::max<int64_t>(int64_t(count), 0);
  HostTensor out(dtype, {n});
  for (int64_t i = 0; i < n; ++i) {
    if (isFloat)
      out.setDouble(i, start + double(i) * delta);
    else
      out.setInt(i, v[0]->getInt(0) + i * v[2]->getInt(0));
  }
  ctx.setOutputConstant(0, std::move(out));
  return success();
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

static LogicalResult importReshape(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto req = knownInts(ctx, 1, "shape");
  if (!in || failed(req))
    return failure();
  bool allowZero = ctx.attrInt("allowzero", 0) != 0;
  Shape shape;
  int64_t inferred = -1, known = 1;
  for (auto [i, d] : llvm::enumerate(*req)) {
    if (d == 0 && !allowZero) {
      if (i >= in->size())
        return ctx.error("shape " + str(*req) + " copies dimension " +
                         Twine(i) + " of a rank-" + Twine(in->size()) +
                         " input");
      d = (*in)[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return ctx.error("shape " + str(*req) + " has more than one -1");
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return ctx.error("shape " + str(*req) + " has a negative dimension");
    shape.push_back(d);
    known = product(shape);
    if (known < 0)
      return ctx.error("shape " + str(*req) + " is too large");
  }
  int64_t total = product(*in);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return ctx.error("cannot reshape " + str(*in) + " to " + str(*req));
    shape[inferred] = total / known;
  }
  if (product(shape) != total)
    return ctx.error("cannot reshape " + str(*in) + " (" + Twine(total) +
                     " elements) to " + str(shape));
  return emitReshape(ctx, shape);
}

static LogicalResult importFlatten(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  if (!in)
    return failure();
  int64_t rank = in->size(), axis = ctx.attrInt("axis", 1);
  if (axis < -rank || axis > rank)
    return ctx.error("axis " + Twine(axis) + " is out of range for rank " +
                     Twine(rank));
  if (axis < 0)
    axis += rank;
  ArrayRef<int64_t> dims(*in);
  return emitReshape(ctx, {product(dims.take_front(axis)),
                           product(dims.drop_front(axis))});
}

static LogicalResult importSqueeze(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto axesOr = intsFromInputOrAttr(ctx, 1, "axes", 13);
  if (!in || failed(axesOr))
    return failure();
  int64_t rank = in->size();
  Shape axes;
  if (*axesOr) {
    auto norm = normalizeAxes(ctx, **axesOr, rank);
    if (failed(norm))
      return failure();
    axes = *norm;
  } else {
    for (int64_t d = 0; d < rank; ++d)
      if ((*in)[d] == 1)
        axes.push_back(d);
  }
  Shape shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back((*in)[d]);
    else if ((*in)[d] != 1)
      return ctx.error("cannot squeeze dimension " + Twine(d) + " of size " +
                       Twine((*in)[d]));
  }
  return emitReshape(ctx, shape);
}

static LogicalResult importUnsqueeze(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto axesOr = intsFromInputOrAttr(ctx, 1, "axes", 13);
  if (!in || failed(axesOr))
    return failure();
  if (!*axesOr)
    return ctx.error("axes are required");
  int64_t rank = in->size() + (*axesOr)->size();
  auto axes = normalizeAxes(ctx, **axesOr, rank);
  if (failed(axes))
    return failure();
  Shape shape;
  for (int64_t d = 0, next = 0; d < rank; ++d)
    shape.push_back(llvm::is_contained(*axes, d) ? 1 : (*in)[next++]);
  return emitReshape(ctx, shape);
}

//===----------------------------------------------------------------------===//
// Transpose, Concat, Split, Slice
//===----------------------------------------------------------------------===//

static LogicalResult importTranspose(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  if (!in)
    return failure();
  int64_t rank = in->size();
  Shape perm;
  if (auto p = ctx.attrInts("perm"))
    perm = *p;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  Shape sorted = perm;
  llvm::sort(sorted);
  if ((int64_t)perm.size() != rank ||
      !llvm::equal(sorted, llvm::seq<int64_t>(0, rank)))
    return ctx.error("perm " + str(perm) + " is not a permutation of " +
                     Twine(rank) + " dimensions");
  Shape shape;
  for (int64_t p : perm)
    shape.push_back((*in)[p]);
  if (shouldFold(ctx, shape)) {
    const HostTensor &src = *ctx.constantInput(0);
    Shape strides = stridesOf(src.shape);
    ctx.setOutputConstant(0, hostMap(src, shape, [&](ArrayRef<int64_t> idx) {
      int64_t f = 0;
      for (int64_t d = 0; d < rank; ++d)
        f += idx[d] * strides[perm[d]];
      return f;
    }));
    return success();
  }
  Value x = ctx.input(0);
  ctx.setOutput(0, TransposeOp::create(ctx.b, ctx.loc,
                                       resultType(ctx, 0, shape), x, perm));
  return success();
}

static HostTensor hostConcat(ArrayRef<const HostTensor *> ins, int64_t axis,
                             ArrayRef<int64_t> shape) {
  HostTensor out(ins[0]->dtype, std::vector<int64_t>(shape));
  int64_t outer = product(shape.take_front(axis));
  uint8_t *dst = out.data.data();
  for (int64_t o = 0; o < outer; ++o)
    for (const HostTensor *t : ins) {
      size_t chunk = t->data.size() / std::max<int64_t>(outer, 1);
      std::memcpy(dst, t->data.data() + o * chunk, chunk);
      dst += chunk;
    }
  return out;
}

static LogicalResult importConcat(NodeContext &ctx) {
  if (ctx.numInputs() == 0 || !ctx.hasAttr("axis"))
    return ctx.error("needs at least one input and an axis");
  SmallVector<Shape> shapes;
  SmallVector<Type> types;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    auto s = inputShape(ctx, i);
    if (!s)
      return failure();
    shapes.push_back(*s);
    types.push_back(inputElementType(ctx, i));
  }
  int64_t rank = shapes[0].size();
  if (rank == 0)
    return ctx.error("cannot concatenate 0-d tensors");
  auto axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  Shape shape = shapes[0];
  shape[*axis] = 0;
  for (auto [s, t] : llvm::zip(shapes, types)) {
    if (t != types[0])
      return ctx.error("inputs differ in element type");
    bool ok = (int64_t)s.size() == rank;
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *axis || s[d] == shape[d];
    if (!ok)
      return ctx.error("cannot concatenate " + str(s) + " with " +
                       str(shapes[0]) + " along axis " + Twine(*axis));
    shape[*axis] += s[*axis];
  }
  if (shouldFold(ctx, shape)) {
    SmallVector<const HostTensor *> ins;
    for (size_t i = 0; i < ctx.numInputs(); ++i)
      ins.push_back(ctx.constantInput(i));
    ctx.setOutputConstant(0, hostConcat(ins, *axis, shape));
    return success();
  }
  SmallVector<Value> operands;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (shapes[i][*axis] != 0)
      operands.push_back(ctx.input(i));
  if (operands.empty())
    operands.push_back(ctx.input(0));
  if (operands.size() == 1) {
    ctx.setOutput(0, operands[0]);
    return success();
  }
  ctx.setOutput(0, ConcatOp::create(ctx.b, ctx.loc, resultType(ctx, 0, shape),
                                    operands, uint64_t(*axis)));
  return success();
}

/// The sizes of Split's outputs along an axis of size `dim`.
static FailureOr<Shape> splitSizes(NodeContext &ctx, int64_t dim) {
  int64_t n = ctx.numOutputs();
  auto split = intsFromInputOrAttr(ctx, 1, "split", 13);
  if (failed(split))
    return failure();
  Shape sizes;
  if (*split) {
    sizes = **split;
  } else if (ctx.opset >= 18 && ctx.hasAttr("num_outputs")) {
    if (ctx.attrInt("num_outputs", 0) != n)
      return ctx.error("num_outputs differs from the number of outputs");
    // The last chunk holds what remains.
    int64_t chunk = (dim + n - 1) / std::max<int64_t>(n, 1);
    sizes.assign(n, chunk);
    if (n)
      sizes.back() = dim - chunk * (n - 1);
  } else {
    if (n == 0 || dim % n != 0)
      return ctx.error("cannot split a dimension of size " + Twine(dim) +
                       " into " + Twine(n) + " equal parts");
    sizes.assign(n, dim / n);
  }
  int64_t sum = 0;
  for (int64_t s : sizes) {
    if (s < 0)
      return ctx.error("split sizes " + str(sizes) + " are invalid");
    sum += s;
  }
  if ((int64_t)sizes.size() != n || sum != dim)
    return ctx.error("split sizes " + str(sizes) + " do not split " +
                     Twine(dim) + " into " + Twine(n) + " outputs");
  return sizes;
}

static LogicalResult importSplit(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  if (!in)
    return failure();
  int64_t rank = in->size();
  if (rank == 0)
    return ctx.error("cannot split a 0-d tensor");
  auto axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  auto sizes = splitSizes(ctx, (*in)[*axis]);
  if (failed(sizes))
    return failure();
  Shape starts(rank, 0), steps(rank, 1), shape = *in;
  int64_t offset = 0;
  for (auto [i, s] : llvm::enumerate(*sizes)) {
    starts[*axis] = s ? offset : 0;
    shape[*axis] = s;
    emitSlice(ctx, i, starts, steps, shape);
    offset += s;
  }
  return success();
}

/// Clamps one dimension of an ONNX Slice; returns {start, step, size}.
static std::array<int64_t, 3> clampSlice(int64_t start, int64_t end,
                                         int64_t step, int64_t dim) {
  if (dim == 0)
    return {0, 1, 0};
  if (start < 0)
    start += dim;
  if (end < 0)
    end += dim;
  int64_t size;
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, dim);
    end = std::clamp<int64_t>(end, 0, dim);
    size = end > start ? 1 + (end - start - 1) / step : 0;
  } else {
    start = std::clamp<int64_t>(start, 0, dim - 1);
    end = std::clamp<int64_t>(end, -1, dim - 1);
    // -step cannot overflow: steps of magnitude >= dim read one element.
    int64_t neg = step < -dim ? std::max<int64_t>(dim, 1) : -step;
    size = start > end ? 1 + (start - end - 1) / neg : 0;
  }
  if (size == 0)
    return {0, 1, 0};
  if (size == 1)
    step = 1;
  return {start, step, size};
}

static LogicalResult importSlice(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  if (!in)
    return failure();
  int64_t rank = in->size();
  std::optional<Shape> starts, ends, axes, steps;
  if (ctx.opset < 10) {
    starts = ctx.attrInts("starts");
    ends = ctx.attrInts("ends");
    axes = ctx.attrInts("axes");
  } else {
    const char *names[] = {"starts", "ends", "axes", "steps"};
    std::optional<Shape> *lists[] = {&starts, &ends, &axes, &steps};
    for (size_t i = 0; i < 4; ++i) {
      if (!ctx.hasInput(i + 1))
        continue;
      auto v = knownInts(ctx, i + 1, names[i]);
      if (failed(v))
        return failure();
      *lists[i] = *v;
    }
  }
  if (!starts || !ends || starts->size() != ends->size())
    return ctx.error("needs starts and ends of the same length");
  size_t n = starts->size();
  if (!axes)
    axes = llvm::to_vector(llvm::seq<int64_t>(0, n));
  if (!steps)
    steps = Shape(n, 1);
  if (axes->size() != n || steps->size() != n)
    return ctx.error("starts, ends, axes and steps differ in length");
  auto normAxes = normalizeAxes(ctx, *axes, rank);
  if (failed(normAxes))
    return failure();

  Shape outStarts(rank, 0), outSteps(rank, 1), sizes = *in;
  for (size_t i = 0; i < n; ++i) {
    int64_t d = (*normAxes)[i];
    if ((*steps)[i] == 0)
      return ctx.error("step of axis " + Twine(d) + " is zero");
    auto [start, step, size] =
        clampSlice((*starts)[i], (*ends)[i], (*steps)[i], (*in)[d]);
    outStarts[d] = start;
    outSteps[d] = step;
    sizes[d] = size;
  }
  emitSlice(ctx, 0, outStarts, outSteps, sizes);
  return success();
}

//===----------------------------------------------------------------------===//
// Gather, GatherElements
//===----------------------------------------------------------------------===//

static LogicalResult checkIndices(NodeContext &ctx, int64_t dim) {
  Type type = inputElementType(ctx, 1);
  if (!type)
    return failure();
  if (!type.isInteger(64) && !type.isInteger(32))
    return ctx.error("indices must be int32 or int64");
  if (const HostTensor *idx = ctx.constantInput(1))
    for (int64_t i = 0, e = idx->numElements(); i < e; ++i)
      if (idx->getInt(i) < -dim || idx->getInt(i) >= dim)
        return ctx.error("index " + Twine(idx->getInt(i)) +
                         " is out of range for a dimension of size " +
                         Twine(dim));
  return success();
}

static LogicalResult importGather(NodeContext &ctx) {
  auto in = inputShape(ctx, 0), idxShape = inputShape(ctx, 1);
  if (!in || !idxShape)
    return failure();
  int64_t rank = in->size();
  if (rank == 0)
    return ctx.error("cannot gather from a 0-d tensor");
  auto axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  int64_t dim = (*in)[*axis];
  if (failed(checkIndices(ctx, dim)))
    return failure();
  ArrayRef<int64_t> dims(*in);
  Shape shape(dims.take_front(*axis));
  llvm::append_range(shape, *idxShape);
  llvm::append_range(shape, dims.drop_front(*axis + 1));
  if (shouldFold(ctx, shape)) {
    const HostTensor &src = *ctx.constantInput(0),
                     &idx = *ctx.constantInput(1);
    Shape strides = stridesOf(src.shape), idxStrides = stridesOf(idx.shape);
    int64_t k = idx.shape.size();
    ctx.setOutputConstant(0, hostMap(src, shape, [&](ArrayRef<int64_t> o) {
      int64_t i = idx.getInt(flatIndex(o.slice(*axis, k), idxStrides));
      Shape s(o.take_front(*axis));
      s.push_back(i < 0 ? i + dim : i);
      llvm::append_range(s, o.drop_front(*axis + k));
      return flatIndex(s, strides);
    }));
    return success();
  }
  Value x = ctx.input(0), idx = ctx.input(1);
  ctx.setOutput(0, GatherOp::create(ctx.b, ctx.loc, resultType(ctx, 0, shape),
                                    x, idx, uint64_t(*axis)));
  return success();
}

static LogicalResult importGatherElements(NodeContext &ctx) {
  auto in = inputShape(ctx, 0), idxShape = inputShape(ctx, 1);
  if (!in || !idxShape)
    return failure();
  int64_t rank = in->size();
  if (rank == 0 || (int64_t)idxShape->size() != rank)
    return ctx.error("indices " + str(*idxShape) +
                     " must have the rank of the data " + str(*in) +
                     " (at least 1)");
  auto axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && (*idxShape)[d] > (*in)[d])
      return ctx.error("indices " + str(*idxShape) + " exceed the data " +
                       str(*in) + " in dimension " + Twine(d));
  int64_t dim = (*in)[*axis];
  if (dim == 0 && product(*idxShape) != 0)
    return ctx.error("cannot gather from an empty axis");
  if (failed(checkIndices(ctx, dim)))
    return failure();
  if (shouldFold(ctx, *idxShape)) {
    const HostTensor &src = *ctx.constantInput(0),
                     &idx = *ctx.constantInput(1);
    Shape strides = stridesOf(src.shape), idxStrides = stridesOf(idx.shape);
    ctx.setOutputConstant(0, hostMap(src, *idxShape, [&](ArrayRef<int64_t> o) {
      int64_t i = idx.getInt(flatIndex(o, idxStrides));
      Shape s(o);
      s[*axis] = i < 0 ? i + dim : i;
      return flatIndex(s, strides);
    }));
    return success();
  }
  Value x = ctx.input(0), idx = ctx.input(1);
  ctx.setOutput(0, GatherElementsOp::create(ctx.b, ctx.loc,
                                            resultType(ctx, 0, *idxShape), x,
                                            idx, uint64_t(*axis)));
  return success();
}

//===----------------------------------------------------------------------===//
// Expand, Tile, Pad
//===----------------------------------------------------------------------===//

/// Index map of a NumPy broadcast of `in` (aligned right) into an output.
static int64_t broadcastIndex(ArrayRef<int64_t> o, ArrayRef<int64_t> in,
                              ArrayRef<int64_t> strides) {
  int64_t lead = o.size() - in.size(), f = 0;
  for (size_t d = 0; d < in.size(); ++d)
    f += (in[d] == 1 ? 0 : o[lead + d]) * strides[d];
  return f;
}

static LogicalResult importExpand(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto req = knownInts(ctx, 1, "shape");
  if (!in || failed(req))
    return failure();
  // Bidirectional broadcast: the result is the broadcast of both shapes.
  size_t rank = std::max(in->size(), req->size());
  Shape shape(rank);
  for (size_t d = 0; d < rank; ++d) {
    auto dimOf = [&](const Shape &s) {
      return d + s.size() < rank ? 1 : s[d + s.size() - rank];
    };
    int64_t a = dimOf(*in), b = dimOf(*req);
    if (b < 0 || (a != b && a != 1 && b != 1))
      return ctx.error("cannot expand " + str(*in) + " to " + str(*req));
    shape[d] = a == 1 ? b : a;
  }
  if (shouldFold(ctx, shape)) {
    const HostTensor &src = *ctx.constantInput(0);
    Shape strides = stridesOf(src.shape);
    ctx.setOutputConstant(0, hostMap(src, shape, [&](ArrayRef<int64_t> o) {
      return broadcastIndex(o, *in, strides);
    }));
    return success();
  }
  Value x = ctx.input(0);
  ctx.setOutput(0, BroadcastToOp::create(ctx.b, ctx.loc,
                                         resultType(ctx, 0, shape), x));
  return success();
}

static LogicalResult importTile(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto repeats = knownInts(ctx, 1, "repeats");
  if (!in || failed(repeats))
    return failure();
  int64_t rank = in->size();
  if ((int64_t)repeats->size() != rank)
    return ctx.error("repeats " + str(*repeats) + " must have one entry per "
                     "dimension of " + str(*in));
  Shape shape, interleaved, expanded;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t r = (*repeats)[d];
    if (r < 0 || (r > 0 && (*in)[d] > std::numeric_limits<int64_t>::max() / r))
      return ctx.error("repeats " + str(*repeats) + " are invalid for " +
                       str(*in));
    shape.push_back(r * (*in)[d]);
    llvm::append_range(interleaved, ArrayRef<int64_t>{1, (*in)[d]});
    llvm::append_range(expanded, ArrayRef<int64_t>{r, (*in)[d]});
  }
  if (product(shape) < 0)
    return ctx.error("the result " + str(shape) + " is too large");
  if (shouldFold(ctx, shape)) {
    const HostTensor &src = *ctx.constantInput(0);
    Shape strides = stridesOf(src.shape);
    ctx.setOutputConstant(0, hostMap(src, shape, [&](ArrayRef<int64_t> o) {
      int64_t f = 0;
      for (int64_t d = 0; d < rank; ++d)
        f += (o[d] % (*in)[d]) * strides[d];
      return f;
    }));
    return success();
  }
  // [d0, d1] -> [1, d0, 1, d1] -> [r0, d0, r1, d1] -> [r0 * d0, r1 * d1].
  Value x = ctx.reshape(ctx.input(0), interleaved);
  Value b = BroadcastToOp::create(ctx.b, ctx.loc, resultType(ctx, 0, expanded),
                                  x);
  ctx.setOutput(0, ctx.reshape(b, shape));
  return success();
}

/// The padding value: input 2 (opset >= 11) or attribute `value`, as a 0-d
/// value of `elementType`.
static FailureOr<Value> padValue(NodeContext &ctx, Type elementType) {
  if (ctx.opset < 11 || !ctx.hasInput(2))
    return ctx.scalar(elementType, ctx.attrFloat("value", 0));
  RankedTensorType type = ctx.inputType(2);
  if (!type)
    return failure();
  if (type.getNumElements() != 1 || type.getElementType() != elementType)
    return ctx.error("constant_value must be one element of the data's type");
  return ctx.reshape(ctx.input(2), {});
}

/// Pad folded on the host: `src` cropped to `cropped` elements from
/// `cropStart`, then padded by `low` (and up to `shape`).
static HostTensor hostPad(const HostTensor &src, const HostTensor &fill,
                          ArrayRef<int64_t> cropStart,
                          ArrayRef<int64_t> cropped, ArrayRef<int64_t> low,
                          ArrayRef<int64_t> shape, StringRef mode) {
  Shape strides = stridesOf(src.shape);
  return hostMap(
      src, shape,
      [&](ArrayRef<int64_t> o) {
        int64_t f = 0;
        for (size_t d = 0; d < o.size(); ++d) {
          int64_t i = o[d] - low[d], n = cropped[d];
          if (i < 0 || i >= n) {
            if (mode == "constant")
              return int64_t(-1);
            if (mode == "edge")
              i = std::clamp<int64_t>(i, 0, n - 1);
            else
              i = i < 0 ? -i : 2 * (n - 1) - i;
          }
          f += (i + cropStart[d]) * strides[d];
        }
        return f;
      },
      &fill);
}

static LogicalResult importPad(NodeContext &ctx) {
  auto in = inputShape(ctx, 0);
  auto padsOr = intsFromInputOrAttr(ctx, 1, "pads", 11);
  if (!in || failed(padsOr))
    return failure();
  std::string mode = ctx.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge")
    return ctx.error("mode '" + mode + "' is not supported");
  if (!*padsOr)
    return ctx.error("pads are required");
  int64_t rank = in->size();
  Shape axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  if (ctx.opset >= 18 && ctx.hasInput(3)) {
    auto a = knownInts(ctx, 3, "axes");
    if (failed(a))
      return failure();
    auto norm = normalizeAxes(ctx, *a, rank);
    if (failed(norm))
      return failure();
    axes = *norm;
  }
  const Shape &pads = **padsOr;
  int64_t k = axes.size();
  if ((int64_t)pads.size() != 2 * k)
    return ctx.error("expected " + Twine(2 * k) + " pads, got " +
                     Twine(pads.size()));
  // Negative pads crop: slice those away first, then pad the positive ones.
  Shape low(rank, 0), high(rank, 0), cropStart(rank, 0), cropped = *in;
  for (int64_t i = 0; i < k; ++i) {
    int64_t d = axes[i], lo = pads[i], hi = pads[i + k];
    cropStart[d] = std::max<int64_t>(-lo, 0);
    cropped[d] -= std::max<int64_t>(-lo, 0) + std::max<int64_t>(-hi, 0);
    if (cropped[d] < 0)
      return ctx.error("pads " + str(pads) + " crop more than dimension " +
                       Twine(d) + " holds");
    low[d] = std::max<int64_t>(lo, 0);
    high[d] = std::max<int64_t>(hi, 0);
  }
  Shape shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool padded = low[d] || high[d];
    if (padded && ((mode == "reflect" &&
                    (low[d] >= cropped[d] || high[d] >= cropped[d])) ||
                   (mode == "edge" && cropped[d] == 0)))
      return ctx.error("dimension " + Twine(d) + " of size " +
                       Twine(cropped[d]) + " is too small for " + mode +
                       " padding " + str(pads));
    shape.push_back(cropped[d] + low[d] + high[d]);
  }
  if (product(shape) < 0)
    return ctx.error("the result " + str(shape) + " is too large");

  if (shouldFold(ctx, shape)) {
    const HostTensor &src = *ctx.constantInput(0);
    HostTensor fill(src.dtype, {});
    fill.setDouble(0, ctx.opset < 11 ? ctx.attrFloat("value", 0) : 0);
    if (ctx.opset >= 11 && ctx.hasInput(2)) {
      const HostTensor *given = ctx.constantInput(2);
      if (given->dtype != src.dtype || given->numElements() != 1)
        return ctx.error("constant_value must be one element of the data's "
                         "type");
      fill = hostReshape(*given, {});
    }
    ctx.setOutputConstant(
        0, hostPad(src, fill, cropStart, cropped, low, shape, mode));
    return success();
  }
  RankedTensorType inType = ctx.inputType(0);
  if (!inType)
    return failure();
  auto value = padValue(ctx, inType.getElementType());
  if (failed(value))
    return failure();
  Value x = ctx.input(0);
  if (cropped != *in)
    x = SliceOp::create(ctx.b, ctx.loc, inType.clone(cropped), x, cropStart,
                        Shape(rank, 1));
  Shape padding = low;
  llvm::append_range(padding, high);
  ctx.setOutput(0, PadOp::create(ctx.b, ctx.loc, inType.clone(shape), x,
                                 *value, padding, mode));
  return success();
}

void mlir::tcc::onnx_import::registerShapeImporters(ImportTable &table) {
  table["Constant"] = importConstant;
  table["ConstantOfShape"] = importConstantOfShape;
  table["Shape"] = importShape;
  table["Size"] = importSize;
  table["Range"] = importRange;
  table["Reshape"] = importReshape;
  table["Flatten"] = importFlatten;
  table["Squeeze"] = importSqueeze;
  table["Unsqueeze"] = importUnsqueeze;
  table["Transpose"] = importTranspose;
  table["Concat"] = importConcat;
  table["Split"] = importSplit;
  table["Slice"] = importSlice;
  table["Gather"] = importGather;
  table["GatherElements"] = importGatherElements;
  table["Expand"] = importExpand;
  table["Tile"] = importTile;
  table["Pad"] = importPad;
}
