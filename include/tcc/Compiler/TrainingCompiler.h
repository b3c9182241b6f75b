//===- TrainingCompiler.h - ONNX model to a training program ----*- C++ -*-===//
//
// The library behind `tcc-compile`: imports an ONNX model, builds the
// training module (loss, autodiff, optimizer: @train_step and @eval_step),
// lowers it to a host object, generates the C glue that describes it to the
// trainer runtime (include/tcc/Runtime/Model.h) and links the result.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_COMPILER_TRAININGCOMPILER_H
#define TCC_COMPILER_TRAININGCOMPILER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir::tcc {

/// Hyper-parameters of training. Defaults follow torch.optim where it has
/// one; unset optionals let the optimizer pass choose its default.
struct TrainingConfig {
  int64_t batch = 0; // 0: the model's own (static) batch dimension
  std::string loss = "cross-entropy";
  double labelSmoothing = 0.0;
  std::string optimizer = "sgd";
  // Unset: the optimizer's torch.optim default.
  std::optional<double> lr, weightDecay, eps;
  std::optional<std::pair<double, double>> betas;
  double momentum = 0.9;
  std::string lrSchedule = "constant";
  int64_t stepSize = 1;
  double gamma = 0.1;
  int64_t warmupSteps = 0;
  int64_t totalSteps = 0;
  int64_t gradAccum = 1;
  double clipGradNorm = 0.0; // 0: no clipping

  /// Checks names and ranges; returns an error message or "".
  std::string validate() const;
  /// `key=value` lines, for the binary's logs and its fingerprint.
  std::string toText() const;
  /// Options of the tcc-append-loss and tcc-optimizer passes.
  std::string lossPassOptions(llvm::StringRef function) const;
  std::string optimizerPassOptions(bool lines = false) const;
};

/// Parses "B1,B2" into the config; returns an error message or "".
std::string parseBetas(llvm::StringRef text, TrainingConfig &config);

enum class EmitKind { MLIR, Object, Executable, Library };

struct CompileOptions {
  /// .onnx; or .mlir holding @forward (and optionally @forward_eval), or
  /// already @train_step/@eval_step.
  std::string modelPath;
  std::string outputPath; // "-" is stdout for --emit=mlir
  EmitKind emit = EmitKind::Executable;
  TrainingConfig config;
  /// Print the IR after the pass of this name (a pass argument such as
  /// `tcc-autodiff`, or `all`) to stderr.
  std::string dumpIRAfter;
  bool report = false;
  bool keepTemps = false;
  /// Time each kernel of the steps (tcc-cpu-instrument-kernels); the
  /// trainer runtime prints the table.
  bool profile = false;
  /// Print the wall time of each phase and pass to stderr at the end.
  bool timeReport = false;
  /// Where libTccTrainer.a / libTccRuntime.a and the runtime headers are.
  std::string runtimeLibDir, runtimeIncludeDir;
  std::string cc = "cc", cxx = "c++";
};

/// The tcc-level training module (up to and including the optimizer):
/// @train_step and @eval_step with their parameter globals. Null after a
/// diagnostic.
OwningOpRef<ModuleOp> buildTrainingModule(MLIRContext *context,
                                          const CompileOptions &options);

/// Runs the whole compilation; writes nothing at `outputPath` unless every
/// step succeeded. Diagnostics go to the context's handler; other messages
/// (the report) to `out`.
LogicalResult compileTrainingProgram(MLIRContext *context,
                                     const CompileOptions &options,
                                     llvm::raw_ostream &out);

} // namespace mlir::tcc

#endif // TCC_COMPILER_TRAININGCOMPILER_H
