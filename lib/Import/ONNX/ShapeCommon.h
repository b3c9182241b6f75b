//===- ShapeCommon.h - shape and data-movement importer helpers -*- C++ -*-===//
//
// Shared by ImportShape.cpp, ImportIndexing.cpp and ImportDataMovement.cpp.
//
// Shapes are static in tcc, so every operand that determines a result shape
// (Reshape's shape, Slice's starts, ...) must be known at import. PyTorch
// exports shape arithmetic as Shape -> Gather -> Unsqueeze -> Concat ->
// Reshape chains; when all inputs of a node are constants and its result is
// small, the node is computed on the host, so those chains fold away.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_IMPORT_ONNX_SHAPECOMMON_H
#define TCC_LIB_IMPORT_ONNX_SHAPECOMMON_H

#include "HostIndexing.h"
#include "ImporterImpl.h"

namespace mlir::tcc::onnx_import {

using Shape = SmallVector<int64_t>;

/// Results with at most this many elements are computed on the host when all
/// inputs are constants.
constexpr int64_t kShapeFoldLimit = 65536;

/// The number of elements of `shape`; negative on overflow.
int64_t product(ArrayRef<int64_t> shape);

//===----------------------------------------------------------------------===//
// Host-side data movement
//===----------------------------------------------------------------------===//

/// Every data-movement op is an index map: result element `idx` is `src`'s
/// element `srcIndex(idx)` (a flat index), or `fill`'s only element where
/// that is negative (constant padding).
using IndexMap = function_ref<int64_t(ArrayRef<int64_t> idx)>;

HostTensor hostMap(const HostTensor &src, ArrayRef<int64_t> outShape,
                   IndexMap srcIndex, const HostTensor *fill = nullptr);

HostTensor hostReshape(const HostTensor &t, ArrayRef<int64_t> shape);

/// True if the node should be computed on the host: every input is a
/// constant and the result has at most kShapeFoldLimit elements.
bool shouldFold(NodeContext &ctx, ArrayRef<int64_t> outShape);

/// If the node should be folded, sets output `out` to input 0 moved into
/// `shape` by `srcIndex(idx, strides)` (the flat index of input 0, whose
/// row-major strides are `strides`, that result element `idx` reads) and
/// returns true.
bool foldMove(
    NodeContext &ctx, size_t out, ArrayRef<int64_t> shape,
    function_ref<int64_t(ArrayRef<int64_t> idx, ArrayRef<int64_t> strides)>
        srcIndex);

//===----------------------------------------------------------------------===//
// Operands
//===----------------------------------------------------------------------===//

/// The shape of input `i`, without materializing a constant.
std::optional<Shape> inputShape(NodeContext &ctx, size_t i);

/// The element type of input `i`, without materializing a constant.
Type inputElementType(NodeContext &ctx, size_t i);

/// The type of input `input` with the shape `shape`.
RankedTensorType resultType(NodeContext &ctx, size_t input,
                            ArrayRef<int64_t> shape);

/// The integers of input `i`, which must be known at import.
FailureOr<Shape> knownInts(NodeContext &ctx, size_t i, StringRef what);

/// A list given by input `input` from opset `sinceOpset` on and by attribute
/// `name` before; nullopt if absent.
FailureOr<std::optional<Shape>> intsFromInputOrAttr(NodeContext &ctx,
                                                    size_t input,
                                                    StringRef name,
                                                    int64_t sinceOpset);

/// Normalizes every axis of `axes` for `rank`; duplicates are an error.
FailureOr<Shape> normalizeAxes(NodeContext &ctx, ArrayRef<int64_t> axes,
                               int64_t rank);

//===----------------------------------------------------------------------===//
// Results
//===----------------------------------------------------------------------===//

/// Sets output 0 to input 0 reshaped to `shape` (folded if constant).
LogicalResult emitReshape(NodeContext &ctx, ArrayRef<int64_t> shape);

/// Emits (or folds) a tcc.slice of input 0 with the given clamped starts,
/// steps and sizes into output `out`.
void emitSlice(NodeContext &ctx, size_t out, ArrayRef<int64_t> starts,
               ArrayRef<int64_t> steps, ArrayRef<int64_t> sizes);

} // namespace mlir::tcc::onnx_import

#endif // TCC_LIB_IMPORT_ONNX_SHAPECOMMON_H
