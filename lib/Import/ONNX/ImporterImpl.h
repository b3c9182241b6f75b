//===- ImporterImpl.h - shared state of the ONNX importer -------*- C++ -*-===//
//
// The per-node interface the op-family importers (Import*.cpp) are written
// against. This is the only place (with those files) where ONNX op-type
// strings are looked at.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_IMPORT_ONNX_IMPORTERIMPL_H
#define TCC_LIB_IMPORT_ONNX_IMPORTERIMPL_H

#include "dialects/tcc/TccOps.h"
#include "tcc/Import/ONNXImporter.h"
#include "tcc/Runtime/HostTensor.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

#include <optional>

namespace mlir::tcc::onnx_import {

using ::tccrt::DType;
using ::tccrt::HostTensor;

/// One ONNX value during import: an SSA value, a value known at import
/// time (constants, shape computations), or both.
struct ValueEntry {
  Value value;
  std::optional<HostTensor> constant;
  /// Set for graph inputs whose value the caller supplied: usable where a
  /// compile-time value is required, but not folded through otherwise.
  const HostTensor *specialized = nullptr;
  /// Set for parameters: their initial value, used only where an op needs
  /// a compile-time value (a float initializer holding Range bounds, say).
  const HostTensor *initialValue = nullptr;
};

class GraphImporter;

/// What an op importer sees of the node it imports.
class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node, OpBuilder &b,
              Location loc, int64_t opset)
      : graph(graph), node(node), b(b), loc(loc), opset(opset) {}

  GraphImporter &graph;
  const onnx::NodeProto &node;
  OpBuilder &b;
  Location loc;
  int64_t opset;

  /// The model's directory (external data is relative to it).
  const std::string &baseDir() const;
  /// The options of this import (inference semantics, ...).
  const ONNXImportOptions &options() const;

  /// Emits "node 'name' (OpType, opset N): msg" and returns failure.
  LogicalResult error(const Twine &msg);

  // Inputs. Optional inputs may be absent (empty name or past the end).
  size_t numInputs() const { return node.input_size(); }
  bool hasInput(size_t i) const {
    return int(i) < node.input_size() && !node.input(i).empty();
  }
  /// The SSA value of input `i` (materializing a known constant); null after
  /// an error if the input is absent.
  Value input(size_t i);
  /// The SSA values of all inputs; fails with an error if there are fewer
  /// than `minCount` or one is absent.
  FailureOr<SmallVector<Value>> allInputs(size_t minCount = 1);
  RankedTensorType inputType(size_t i);
  /// The value of input `i` if known at import time (constant, folded, or a
  /// specialized graph input), else null.
  const HostTensor *constantInput(size_t i);
  /// Like constantInput, but a missing value is an error naming `what`.
  FailureOr<const HostTensor *> requireConstantInput(size_t i, StringRef what);
  /// True if every present input is a constant (not a specialized input).
  bool allInputsConstant();

  // Outputs.
  size_t numOutputs() const { return node.output_size(); }
  bool wantsOutput(size_t i) const {
    return int(i) < node.output_size() && !node.output(i).empty();
  }
  void setOutput(size_t i, Value v);
  void setOutputConstant(size_t i, HostTensor t);
  /// True if input `i` is a parameter (a float initializer, a function
  /// argument with an initial value).
  bool isParameter(size_t i);
  /// Declares parameter input `i` model state that this node updates to
  /// `update` (a BatchNorm running statistic in training mode): its argument
  /// becomes `{tcc.state = @name}` and `update` a function result with
  /// `{tcc.state_update = @name}`. Fails if input `i` is not a parameter or
  /// another node already updates it.
  LogicalResult markState(size_t i, Value update);

  // Attributes.
  const onnx::AttributeProto *attr(StringRef name) const;
  bool hasAttr(StringRef name) const { return attr(name) != nullptr; }
  int64_t attrInt(StringRef name, int64_t dflt) const;
  float attrFloat(StringRef name, float dflt) const;
  std::string attrString(StringRef name, StringRef dflt) const;
  std::optional<SmallVector<int64_t>> attrInts(StringRef name) const;
  std::optional<SmallVector<float>> attrFloats(StringRef name) const;

  // Building blocks.
  /// A constant tensor with the contents of `t`.
  Value constant(const HostTensor &t);
  /// A 0-d constant of element type `type`.
  Value scalar(Type type, double v);
  /// `v` reshaped to `shape` (no-op if equal).
  Value reshape(Value v, ArrayRef<int64_t> shape);
  /// `v` converted to element type `type` (no-op if equal).
  Value convert(Value v, Type type);
  /// Normalizes a possibly negative axis for `rank`, or fails with an error.
  FailureOr<int64_t> normalizeAxis(int64_t axis, int64_t rank,
                                   StringRef what = "axis");
};

using ImportFn = LogicalResult (*)(NodeContext &);
using ImportTable = llvm::StringMap<ImportFn>;

// One registration function per op family (Import*.cpp); getImportTable in
// ONNXImporter.cpp calls them all.
void registerElementwiseImporters(ImportTable &table);
void registerActivationImporters(ImportTable &table);
void registerNNImporters(ImportTable &table);
void registerShapeImporters(ImportTable &table);
void registerIndexingImporters(ImportTable &table);
void registerDataMovementImporters(ImportTable &table);
void registerNormalizationImporters(ImportTable &table);

/// Converts between ONNX element types (TensorProto::DataType) and tcc's.
std::optional<DType> dtypeFromONNX(int32_t onnxType);
Type elementTypeOf(MLIRContext *ctx, DType t);
std::optional<DType> dtypeOf(Type elementType);

/// The ranked tensor type of an imported value (every one has one).
inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}
inline Type elementTypeOf(Value v) { return typeOf(v).getElementType(); }
inline ArrayRef<int64_t> shapeOf(Value v) { return typeOf(v).getShape(); }

/// "[2, 3]": a shape or list of integers, for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// Checks a node's attributes and input/output counts against ONNX's op
/// schema for `opset`; returns an error message, or "" if it conforms.
std::string checkNodeSchema(const onnx::NodeProto &node, int64_t opset);

/// Decodes a TensorProto (inline or external data relative to `baseDir`).
bool tensorFromProto(const onnx::TensorProto &proto, const std::string &baseDir,
                     HostTensor &out, std::string &error);

} // namespace mlir::tcc::onnx_import

#endif // TCC_LIB_IMPORT_ONNX_IMPORTERIMPL_H
