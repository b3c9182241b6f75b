//===- ImportDataMovement.cpp - ONNX concat, slice, broadcast and pad ops -===//
//
// Concat, Split, Slice, Expand, Tile and Pad: ops that copy elements of
// their data input into a new shape (see ShapeCommon.h for host folding).
//
//===----------------------------------------------------------------------===//

#include "ShapeCommon.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

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
      return ctx.error("cannot concatenate " + formatShape(s) + " with " +
                       formatShape(shapes[0]) + " along axis " + Twine(*axis));
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
      return ctx.error("split sizes " + formatShape(sizes) + " are invalid");
    sum += s;
  }
  if ((int64_t)sizes.size() != n || sum != dim)
    return ctx.error("split sizes " + formatShape(sizes) + " do not split " +
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
// Expand, Tile, Pad
//===----------------------------------------------------------------------===//

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
      return ctx.error("cannot expand " + formatShape(*in) + " to " +
                       formatShape(*req));
    shape[d] = a == 1 ? b : a;
  }
  auto expandedIndex = [&](ArrayRef<int64_t> o, ArrayRef<int64_t> strides) {
    return broadcastIndex(o, *in, strides);
  };
  if (foldMove(ctx, 0, shape, expandedIndex))
    return success();
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
    return ctx.error("repeats " + formatShape(*repeats) +
                     " must have one entry per "
                     "dimension of " +
                     formatShape(*in));
  Shape shape, interleaved, expanded;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t r = (*repeats)[d];
    if (r < 0 || (r > 0 && (*in)[d] > std::numeric_limits<int64_t>::max() / r))
      return ctx.error("repeats " + formatShape(*repeats) +
                       " are invalid for " + formatShape(*in));
    shape.push_back(r * (*in)[d]);
    llvm::append_range(interleaved, ArrayRef<int64_t>{1, (*in)[d]});
    llvm::append_range(expanded, ArrayRef<int64_t>{r, (*in)[d]});
  }
  if (product(shape) < 0)
    return ctx.error("the result " + formatShape(shape) + " is too large");
  auto tiledIndex = [&](ArrayRef<int64_t> o, ArrayRef<int64_t> strides) {
    int64_t f = 0;
    for (int64_t d = 0; d < rank; ++d)
      f += (o[d] % (*in)[d]) * strides[d];
    return f;
  };
  if (foldMove(ctx, 0, shape, tiledIndex))
    return success();
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
      return ctx.error("pads " + formatShape(pads) +
                       " crop more than dimension " + Twine(d) + " holds");
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
                       " padding " + formatShape(pads));
    shape.push_back(cropped[d] + low[d] + high[d]);
  }
  if (product(shape) < 0)
    return ctx.error("the result " + formatShape(shape) + " is too large");

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


void mlir::tcc::onnx_import::registerDataMovementImporters(
    ImportTable &table) {
  table["Concat"] = importConcat;
  table["Split"] = importSplit;
  table["Slice"] = importSlice;
  table["Expand"] = importExpand;
  table["Tile"] = importTile;
  table["Pad"] = importPad;
}
