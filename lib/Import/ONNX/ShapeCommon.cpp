//===- ShapeCommon.cpp - shape and data-movement importer helpers ---------===//
//
// Host folding by index maps, operand readers and the reshape and slice
// emitters shared by the shape, indexing and data-movement importers.
//
//===----------------------------------------------------------------------===//

#include "ShapeCommon.h"

#include <cstring>

namespace mlir::tcc::onnx_import {

int64_t product(ArrayRef<int64_t> shape) {
  return ::tccrt::checkedNumElements(std::vector<int64_t>(shape));
}

//===----------------------------------------------------------------------===//
// Host-side data movement
//===----------------------------------------------------------------------===//

HostTensor hostMap(const HostTensor &src, ArrayRef<int64_t> outShape,
                   IndexMap srcIndex, const HostTensor *fill) {
  HostTensor out(src.dtype, std::vector<int64_t>(outShape));
  size_t esize = ::tccrt::dtypeSize(src.dtype);
  forEachIndex(outShape, [&](ArrayRef<int64_t> idx, int64_t n) {
    int64_t from = srcIndex(idx);
    const uint8_t *p = from < 0 ? fill->data.data() : &src.data[from * esize];
    std::memcpy(&out.data[n * esize], p, esize);
    return true;
  });
  return out;
}

HostTensor hostReshape(const HostTensor &t, ArrayRef<int64_t> shape) {
  HostTensor out = t;
  out.shape.assign(shape.begin(), shape.end());
  return out;
}

bool shouldFold(NodeContext &ctx, ArrayRef<int64_t> outShape) {
  int64_t n = product(outShape);
  return n >= 0 && n <= kShapeFoldLimit && ctx.allInputsConstant();
}

bool foldMove(
    NodeContext &ctx, size_t out, ArrayRef<int64_t> shape,
    function_ref<int64_t(ArrayRef<int64_t> idx, ArrayRef<int64_t> strides)>
        srcIndex) {
  if (!shouldFold(ctx, shape))
    return false;
  const HostTensor &src = *ctx.constantInput(0);
  Shape strides = stridesOf(src.shape);
  ctx.setOutputConstant(out, hostMap(src, shape, [&](ArrayRef<int64_t> idx) {
                          return srcIndex(idx, strides);
                        }));
  return true;
}

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

std::optional<Shape> inputShape(NodeContext &ctx, size_t i) {
  if (const HostTensor *t = ctx.constantInput(i))
    return Shape(t->shape.begin(), t->shape.end());
  if (RankedTensorType type = ctx.inputType(i))
    return Shape(type.getShape());
  return std::nullopt;
}

Type inputElementType(NodeContext &ctx, size_t i) {
  if (const HostTensor *t = ctx.constantInput(i))
    return elementTypeOf(ctx.b.getContext(), t->dtype);
  RankedTensorType type = ctx.inputType(i);
  return type ? type.getElementType() : Type();
}

RankedTensorType resultType(NodeContext &ctx, size_t input,
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

FailureOr<Shape> knownInts(NodeContext &ctx, size_t i, StringRef what) {
  auto t = ctx.requireConstantInput(i, what);
  if (failed(t))
    return failure();
  return tensorInts(ctx, **t, what);
}

FailureOr<std::optional<Shape>>
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

FailureOr<Shape> normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes,
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

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

LogicalResult emitReshape(NodeContext &ctx, ArrayRef<int64_t> shape) {
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

void emitSlice(NodeContext &ctx, size_t out, ArrayRef<int64_t> starts,
               ArrayRef<int64_t> steps, ArrayRef<int64_t> sizes) {
  auto sliceIndex = [&](ArrayRef<int64_t> idx, ArrayRef<int64_t> strides) {
    int64_t f = 0;
    for (size_t d = 0; d < idx.size(); ++d)
      f += (starts[d] + idx[d] * steps[d]) * strides[d];
    return f;
  };
  if (foldMove(ctx, out, sizes, sliceIndex))
    return;
  Value x = ctx.input(0);
  ctx.setOutput(out, SliceOp::create(ctx.b, ctx.loc, resultType(ctx, 0, sizes),
                                     x, starts, steps));
}

} // namespace mlir::tcc::onnx_import
