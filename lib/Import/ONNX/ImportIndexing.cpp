//===- ImportIndexing.cpp - ONNX gather ops -------------------------------===//
//
// Gather and GatherElements: indices are checked against the data when
// known at import, and the ops are folded on the host when everything is.
//
//===----------------------------------------------------------------------===//

#include "ShapeCommon.h"

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

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
    return ctx.error("indices " + formatShape(*idxShape) +
                     " must have the rank of the data " + formatShape(*in) +
                     " (at least 1)");
  auto axis = ctx.normalizeAxis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis && (*idxShape)[d] > (*in)[d])
      return ctx.error("indices " + formatShape(*idxShape) +
                       " exceed the data " + formatShape(*in) +
                       " in dimension " + Twine(d));
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

void mlir::tcc::onnx_import::registerIndexingImporters(ImportTable &table) {
  table["Gather"] = importGather;
  table["GatherElements"] = importGatherElements;
}
