//===- JitRunner.h - compile tcc IR for the host and call it ----*- C++ -*-===//

#ifndef TCC_TARGET_CPU_JITRUNNER_H
#define TCC_TARGET_CPU_JITRUNNER_H

#include "tcc/Runtime/HostTensor.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>

namespace mlir::tcc {

/// Lowers a module of tcc functions with the CPU pipeline, JIT-compiles it
/// for the host, and calls one function on host tensors.
class CpuJit {
public:
  /// Lowers `module` in place (it must contain func `entry`); diagnostics go
  /// to the context's handler.
  static FailureOr<std::unique_ptr<CpuJit>> create(ModuleOp module,
                                                   StringRef entry);

  /// Calls the entry on `args` (one per function argument, of matching
  /// dtype and shape) and returns its results.
  FailureOr<std::vector<::tccrt::HostTensor>>
  run(const std::vector<const ::tccrt::HostTensor *> &args);

  ArrayRef<RankedTensorType> getArgumentTypes() const { return argTypes; }
  ArrayRef<RankedTensorType> getResultTypes() const { return resultTypes; }

private:
  std::unique_ptr<ExecutionEngine> engine;
  std::string entry;
  MLIRContext *context = nullptr;
  SmallVector<RankedTensorType> argTypes, resultTypes;
};

/// The runtime dtype of a tensor element type, if tcc supports it.
std::optional<::tccrt::DType> toDType(Type elementType);

} // namespace mlir::tcc

#endif // TCC_TARGET_CPU_JITRUNNER_H
