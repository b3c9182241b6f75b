//===- ONNXImporter.h - ONNX to tcc -----------------------------*- C++ -*-===//

#ifndef TCC_IMPORT_ONNXIMPORTER_H
#define TCC_IMPORT_ONNXIMPORTER_H

#include "tcc/Runtime/HostTensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <map>
#include <optional>
#include <string>

namespace mlir::tcc {

struct ONNXImportOptions {
  /// Size for a dynamic first dimension of the graph inputs (`--batch`).
  std::optional<int64_t> batch;
  /// Values of graph inputs known at import time (tcc-run has them). Their
  /// shapes replace the model's declared dimensions, and an op that needs an
  /// input's *value* to know its result shape (Reshape's shape, Range's
  /// bounds, ...) is specialized on it.
  std::map<std::string, const ::tccrt::HostTensor *> inputValues;
  /// The same, by position among the graph inputs that are not
  /// initializers (tcc-run's --input order). If non-empty, its size must
  /// equal the number of such inputs.
  std::vector<const ::tccrt::HostTensor *> positionalInputValues;
  /// Name of the function holding the forward pass.
  std::string functionName = "forward";
  /// Import with inference semantics: BatchNormalization uses its running
  /// statistics and Dropout is the identity, whatever the model's
  /// training_mode says. Otherwise the model's mode is followed, and in
  /// training mode BatchNorm's running statistics are state
  /// (`{tcc.state}` arguments, `{tcc.state_update}` results).
  bool inference = false;
};

/// Imports the ONNX model at `path` as a module holding
/// `func @forward(params..., inputs...) -> outputs`. Parameters (the float
/// initializers) are arguments with `{tcc.param = @name}`, whose initial
/// values are `ml_program.global`s; inputs carry `{tcc.input = "name"}`,
/// results `{tcc.output = "name"}`. Returns null after emitting a
/// diagnostic on any error.
OwningOpRef<ModuleOp> importONNXModel(MLIRContext *context, StringRef path,
                                      const ONNXImportOptions &options = {});

/// The ONNX op types (default domain) the importer handles, sorted.
std::vector<std::string> getSupportedONNXOps();

/// Reads a serialized ONNX TensorProto (.pb file).
bool readTensorProtoFile(const std::string &path, ::tccrt::HostTensor &out,
                         std::string &error);

/// The initial value of every parameter (`tcc.param`) and state
/// (`tcc.state`) argument of `func`, in argument order; std::nullopt for
/// the other arguments.
FailureOr<std::vector<std::optional<::tccrt::HostTensor>>>
getParamInitialValues(func::FuncOp func);

} // namespace mlir::tcc

#endif // TCC_IMPORT_ONNXIMPORTER_H
