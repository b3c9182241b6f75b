//===- tcc-compile.cpp - compile an ONNX model into a training program ---===//
//
//   tcc-compile MODEL.onnx -o OUT [--batch N] [--loss L] [--optimizer O] ...
//
// A thin main over lib/Compiler (TrainingCompiler.h): parses the command
// line into a CompileOptions and runs the compilation.
//
//===----------------------------------------------------------------------===//

#include "tcc/Compiler/TrainingCompiler.h"
#include "tcc/InitAll.h"
#include "tcc/Tools/Diagnostics.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Process.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("tcc-compile options");
static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output file"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::opt<int64_t> batch("batch", cl::desc("Batch size (fixes a dynamic first dimension)"),
                              cl::init(0), cl::cat(category));
static cl::opt<std::string> loss("loss",
    cl::desc("cross-entropy | mse | l1 | bce-with-logits | output"),
    cl::init("cross-entropy"), cl::cat(category));
static cl::opt<double> labelSmoothing("label-smoothing",
    cl::desc("Label smoothing of cross-entropy"), cl::init(0.0), cl::cat(category));
static cl::opt<std::string> optimizer("optimizer",
    cl::desc("sgd | momentum | nesterov | adam | adamw | adagrad | rmsprop | lamb"),
    cl::init("sgd"), cl::cat(category));
static cl::opt<double> lr("lr", cl::desc("Learning rate (default: torch.optim's)"),
                          cl::cat(category));
static cl::opt<double> momentum("momentum", cl::desc("Momentum (momentum, nesterov)"),
                                cl::init(0.9), cl::cat(category));
static cl::opt<double> weightDecay("weight-decay", cl::desc("Weight decay"),
                                   cl::cat(category));
static cl::opt<std::string> betas("betas", cl::desc("Adam betas B1,B2"),
                                  cl::cat(category));
static cl::opt<double> eps("eps", cl::desc("Optimizer epsilon"), cl::cat(category));
static cl::opt<std::string> lrSchedule("lr-schedule",
    cl::desc("constant | step | exponential | cosine | warmup-cosine | one-cycle"),
    cl::init("constant"), cl::cat(category));
static cl::opt<int64_t> stepSize("step-size", cl::desc("Steps per decay (step)"),
                                 cl::init(1), cl::cat(category));
static cl::opt<double> gamma_("gamma", cl::desc("Decay factor (step, exponential)"),
                              cl::init(0.1), cl::cat(category));
static cl::opt<int64_t> warmupSteps("warmup-steps", cl::desc("Warmup steps"),
                                    cl::init(0), cl::cat(category));
static cl::opt<int64_t> totalSteps("total-steps", cl::desc("Schedule length"),
                                   cl::init(0), cl::cat(category));
static cl::opt<int64_t> gradAccum("grad-accum",
    cl::desc("Micro-batches per optimizer step"), cl::init(1), cl::cat(category));
static cl::opt<double> clipGradNorm("clip-grad-norm",
    cl::desc("Clip gradients to this global L2 norm (0: off)"), cl::init(0.0),
    cl::cat(category));
static cl::opt<tcc::EmitKind> emit("emit", cl::desc("What to produce"),
    cl::values(clEnumValN(tcc::EmitKind::MLIR, "mlir", "the tcc-level training module"),
               clEnumValN(tcc::EmitKind::Object, "obj", "an object file"),
               clEnumValN(tcc::EmitKind::Executable, "exe", "a training binary"),
               clEnumValN(tcc::EmitKind::Library, "lib",
                          "a shared library and a C header")),
    cl::init(tcc::EmitKind::Executable), cl::cat(category));
static cl::opt<std::string> dumpIRAfter("dump-ir-after",
    cl::desc("Print the IR after this pass (or 'import', or 'all') to stderr"),
    cl::value_desc("pass"), cl::cat(category));
static cl::opt<bool> report("report",
    cl::desc("Print parameter count, op counts, FLOPs and memory"), cl::cat(category));
static cl::opt<bool> profile("profile",
    cl::desc("Time each kernel of the steps: the training binary prints where "
             "a step's time goes, by ONNX node (exe, lib, obj)"),
    cl::cat(category));
static cl::opt<bool> timeReport("time-report",
    cl::desc("Print the wall time of each compilation phase and pass to "
             "stderr"),
    cl::cat(category));
static cl::opt<bool> keepTemps("keep-temps",
    cl::desc("Keep the generated glue and objects"), cl::Hidden, cl::cat(category));

static std::string envOr(const char *name, std::string fallback) {
  if (std::optional<std::string> v = llvm::sys::Process::GetEnv(name))
    if (!v->empty())
      return *v;
  return fallback;
}

/// Fills the configuration; returns an error message or "".
static std::string makeConfig(tcc::TrainingConfig &c) {
  c.batch = batch;
  c.loss = loss;
  c.labelSmoothing = labelSmoothing;
  c.optimizer = optimizer;
  if (lr.getNumOccurrences()) c.lr = lr;
  c.momentum = momentum;
  if (weightDecay.getNumOccurrences()) c.weightDecay = weightDecay;
  if (eps.getNumOccurrences()) c.eps = eps;
  if (betas.getNumOccurrences())
    if (std::string e = tcc::parseBetas(betas, c); !e.empty())
      return e;
  c.lrSchedule = lrSchedule;
  c.stepSize = stepSize;
  c.gamma = gamma_;
  c.warmupSteps = warmupSteps;
  c.totalSteps = totalSteps;
  c.gradAccum = gradAccum;
  c.clipGradNorm = clipGradNorm;
  return c.validate();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv,
                              "tcc-compile: compile an ONNX model into a "
                              "training program for this CPU\n");
  tcc::CompileOptions opts;
  opts.modelPath = modelFile;
  opts.outputPath = outputFile;
  opts.emit = emit;
  opts.dumpIRAfter = dumpIRAfter;
  opts.report = report;
  opts.keepTemps = keepTemps;
  opts.profile = profile;
  opts.timeReport = timeReport;
  opts.runtimeLibDir = envOr("TCC_RUNTIME_LIB_DIR", TCC_RUNTIME_LIB_DIR);
  opts.runtimeIncludeDir = envOr("TCC_RUNTIME_INCLUDE_DIR", TCC_RUNTIME_INCLUDE_DIR);
  opts.cc = envOr("TCC_CC", "cc");
  opts.cxx = envOr("TCC_CXX", "c++");
  if (std::string e = makeConfig(opts.config); !e.empty()) {
    llvm::errs() << "tcc-compile: error: " << e << "\n";
    return 1;
  }
  if (opts.profile && opts.emit == tcc::EmitKind::MLIR) {
    llvm::errs() << "tcc-compile: error: --profile instruments the compiled "
                    "code: use it with --emit=exe, lib or obj\n";
    return 1;
  }
  if (opts.outputPath == "-" && opts.emit != tcc::EmitKind::MLIR) {
    llvm::errs() << "tcc-compile: error: only --emit=mlir can write to stdout\n";
    return 1;
  }

  tcc::registerAllPasses();
  DialectRegistry registry;
  tcc::registerAllDialects(registry);
  MLIRContext context(registry);
  // Diagnostics name the ONNX node; a dump of the whole module would bury them.
  context.printOpOnDiagnostic(false);
  tcc::ToolDiagnosticHandler diagnostics(&context, "tcc-compile");
  return failed(tcc::compileTrainingProgram(&context, opts, llvm::outs())) ? 1 : 0;
}
