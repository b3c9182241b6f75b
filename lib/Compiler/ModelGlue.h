//===- ModelGlue.h - the C description of a compiled training module -----===//
//
// Internal to lib/Compiler. Reads the calling convention of @train_step and
// @eval_step from their signatures and argument attributes, and writes the
// C "glue" that presents the compiled functions to the runtime as a
// `tcc_model` (include/tcc/Runtime/Model.h).
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_COMPILER_MODELGLUE_H
#define TCC_LIB_COMPILER_MODELGLUE_H

#include "tcc/Runtime/HostTensor.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::tcc {

struct TensorInfo {
  std::string name;
  ::tccrt::DType dtype = ::tccrt::DType::F32;
  std::vector<int64_t> shape;
  /// Initial value (params, state with an initialized global).
  std::optional<std::vector<uint8_t>> init;

  int64_t numElements() const;
  int64_t numBytes() const;
};

/// Where each argument / result of a compiled step function comes from in
/// the runtime's `void **args` array.
struct StepABI {
  std::vector<TensorInfo> args, results;
  /// Slot in `args` of each function argument, then of each result; -1: a
  /// result the runtime does not take (extra predictions), written to a
  /// scratch buffer.
  std::vector<int> argSlots, resultSlots;
  /// With gradient accumulation over K micro-batches, @eval_step takes one
  /// micro-batch while the runtime passes all K: the wrapper calls it K
  /// times, advancing batched tensors by `sliceBytes` (0: not batched) and
  /// averaging the loss (result 0).
  int64_t microBatches = 1;
  std::vector<int64_t> argSliceBytes, resultSliceBytes;
};

struct TrainingSignature {
  std::vector<TensorInfo> params, state, inputs;
  std::optional<TensorInfo> labels, predictions;
  int64_t batch = 0;
  StepABI train, eval;
};

/// Reads the signature of @train_step / @eval_step of a tcc-level training
/// module (before lowering: initial values come from its globals). Emits a
/// diagnostic and fails when the functions do not follow Model.h.
FailureOr<TrainingSignature> readTrainingSignature(ModuleOp module);

struct GlueInputs {
  std::string modelName;
  std::string configText;
  std::string onnxPath; // embedded for --export-onnx; "" for none
  bool withMain = false;      // main() calls tcc_trainer_main
  bool withLibraryAPI = false; // tcc_get_model() for --emit=lib
};

/// FNV-1a digest of names, dtypes, shapes and the configuration.
uint64_t computeFingerprint(const TrainingSignature &sig,
                            llvm::StringRef configText);

/// Writes `dir`/model_glue.c and its data file `dir`/model_data.bin (the
/// initial values and the ONNX model, included with .incbin). Returns the
/// path of the C file, or fails with a diagnostic at `loc`.
FailureOr<std::string> writeModelGlue(Location loc, const TrainingSignature &sig,
                                      const GlueInputs &in, llvm::StringRef dir);

/// The C header of a shared library build (--emit=lib); `profile` declares
/// the profiler's C functions (tcc-compile --profile).
std::string generateLibraryHeader(const TrainingSignature &sig,
                                  llvm::StringRef guardName,
                                  llvm::StringRef modelName,
                                  bool profile = false);

} // namespace mlir::tcc

#endif // TCC_LIB_COMPILER_MODELGLUE_H
