//===- ImportShape.cpp - ONNX constants, shape queries and reshapes -------===//
//
// Constant, ConstantOfShape, Shape, Size, Range, Reshape, Flatten, Squeeze,
// Unsqueeze and Transpose. Shape queries and constants are always known at
// import; see ShapeCommon.h for when the other ops are folded on the host.
//
//===----------------------------------------------------------------------===//

#include "ShapeCommon.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

/// Constants (ConstantOfShape, Range) larger than this are refused rather than
/// allocated on the host.
static constexpr int64_t kConstantLimit = int64_t(1) << 28;

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
    return ctx.error("shape " + formatShape(*shape) +
                     " is invalid or too large");
  HostTensor value(DType::F32, {});
  if (const auto *a = ctx.attr("value")) {
    std::string err;
    if (!tensorFromProto(a->t(), ctx.baseDir(), value, err))
      return ctx.error("value: " + err);
    if (value.numElements() != 1)
      return ctx.error("value must have one element, not " + value.describe());
  }
  if (n <= kShapeFoldLimit) {
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
        return ctx.error("shape " + formatShape(*req) + " copies dimension " +
                         Twine(i) + " of a rank-" + Twine(in->size()) +
                         " input");
      d = (*in)[i];
    }
    if (d == -1) {
      if (inferred >= 0)
        return ctx.error("shape " + formatShape(*req) +
                         " has more than one -1");
      inferred = i;
      shape.push_back(1);
      continue;
    }
    if (d < 0)
      return ctx.error("shape " + formatShape(*req) +
                       " has a negative dimension");
    shape.push_back(d);
    known = product(shape);
    if (known < 0)
      return ctx.error("shape " + formatShape(*req) + " is too large");
  }
  int64_t total = product(*in);
  if (inferred >= 0) {
    if (known == 0 || total % known != 0)
      return ctx.error("cannot reshape " + formatShape(*in) + " to " +
                       formatShape(*req));
    shape[inferred] = total / known;
  }
  if (product(shape) != total)
    return ctx.error("cannot reshape " + formatShape(*in) + " (" +
                     Twine(total) + " elements) to " + formatShape(shape));
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
// Transpose
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
    return ctx.error("perm " + formatShape(perm) + " is not a permutation of " +
                     Twine(rank) + " dimensions");
  Shape shape;
  for (int64_t p : perm)
    shape.push_back((*in)[p]);
  auto transposedIndex = [&](ArrayRef<int64_t> idx, ArrayRef<int64_t> strides) {
    int64_t f = 0;
    for (int64_t d = 0; d < rank; ++d)
      f += idx[d] * strides[perm[d]];
    return f;
  };
  if (foldMove(ctx, 0, shape, transposedIndex))
    return success();
  Value x = ctx.input(0);
  ctx.setOutput(0, TransposeOp::create(ctx.b, ctx.loc,
                                       resultType(ctx, 0, shape), x, perm));
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
}
