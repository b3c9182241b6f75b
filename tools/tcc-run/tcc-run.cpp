//===- tcc-run.cpp - run an ONNX model's forward pass on the CPU ---------===//
//
//   tcc-run MODEL.onnx --input FILE [--input FILE ...] --output-dir DIR
//
// Inputs (.npy or ONNX TensorProto .pb) are given in graph-input order; the
// model is specialized on their shapes (and, where an op needs it, values),
// compiled for the host CPU and run; outputs are written as output_N.npy.
//
//===----------------------------------------------------------------------===//

#include "tcc/Import/ONNXImporter.h"
#include "tcc/InitAll.h"
#include "tcc/Runtime/HostTensor.h"
#include "tcc/Target/CPU/JitRunner.h"
#include "tcc/Tools/Diagnostics.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;
using tccrt::HostTensor;

static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required);
static cl::list<std::string>
    inputFiles("input", cl::desc("An input tensor (.npy or .pb), in graph-input order"),
               cl::value_desc("file"));
static cl::opt<std::string> outputDir("output-dir",
                                      cl::desc("Directory for output_N.npy"),
                                      cl::value_desc("dir"), cl::Required);
static cl::opt<std::string>
    entry("entry",
          cl::desc("Function to run when MODEL is a .mlir file (default: forward)"),
          cl::init("forward"));
static cl::opt<bool> printIR("print-ir",
                             cl::desc("Print the imported tcc IR to stderr"));

static bool readInput(const std::string &path, HostTensor &t,
                      std::string &error) {
  if (llvm::StringRef(path).ends_with(".pb"))
    return tcc::readTensorProtoFile(path, t, error);
  return tccrt::readNpy(path, t, error);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "tcc-run: compile an ONNX model for this CPU and "
                              "run its forward pass\n");
  auto start = std::chrono::steady_clock::now();
  auto seconds = [](auto a, auto b) {
    return std::chrono::duration<double>(b - a).count();
  };

  std::vector<HostTensor> inputs(inputFiles.size());
  for (size_t i = 0; i < inputFiles.size(); ++i) {
    std::string error;
    if (!readInput(inputFiles[i], inputs[i], error)) {
      llvm::errs() << "tcc-run: error: input " << i << ": " << error << "\n";
      return 1;
    }
  }
  if (llvm::sys::fs::exists(outputDir) && !llvm::sys::fs::is_directory(outputDir)) {
    llvm::errs() << "tcc-run: error: --output-dir '" << outputDir
                 << "' exists and is not a directory\n";
    return 1;
  }

  DialectRegistry registry;
  tcc::registerAllDialects(registry);
  MLIRContext context(registry);
  tcc::ToolDiagnosticHandler diagnostics(&context, "tcc-run");

  // An ONNX model is imported and specialized on the inputs; a .mlir file
  // (tcc IR, e.g. after tcc-autodiff) is run as it is.
  std::string entryName = entry;
  OwningOpRef<ModuleOp> module;
  if (llvm::StringRef(modelFile).ends_with(".mlir")) {
    module = parseSourceFile<ModuleOp>(modelFile, &context);
  } else {
    tcc::ONNXImportOptions options;
    for (const HostTensor &t : inputs)
      options.positionalInputValues.push_back(&t);
    module = tcc::importONNXModel(&context, modelFile, options);
    entryName = options.functionName;
  }
  if (!module)
    return 1;
  auto func = module->lookupSymbol<func::FuncOp>(entryName);
  if (!func) {
    llvm::errs() << "tcc-run: error: " << modelFile << ": no function '"
                 << entryName << "'\n";
    return 1;
  }
  if (printIR)
    module->print(llvm::errs());

  // Arguments: parameters (initial values) then the given inputs.
  auto params = tcc::getParamInitialValues(func);
  if (failed(params))
    return 1;
  size_t numInputs = 0;
  for (auto &p : *params)
    numInputs += !p;
  if (numInputs != inputs.size()) {
    llvm::errs() << "tcc-run: error: " << modelFile << ": the model has "
                 << numInputs << " inputs but " << inputs.size()
                 << " were given\n";
    return 1;
  }
  std::vector<const HostTensor *> args;
  size_t next = 0;
  for (auto &p : *params)
    args.push_back(p ? &*p : &inputs[next++]);

  auto compileStart = std::chrono::steady_clock::now();
  auto jit = tcc::CpuJit::create(*module, entryName);
  if (failed(jit))
    return 1;
  auto runStart = std::chrono::steady_clock::now();
  auto results = (*jit)->run(args);
  if (failed(results))
    return 1;
  auto end = std::chrono::steady_clock::now();

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir)) {
    llvm::errs() << "tcc-run: error: cannot create '" << outputDir
                 << "': " << ec.message() << "\n";
    return 1;
  }
  std::string shapes;
  for (size_t i = 0; i < results->size(); ++i) {
    llvm::SmallString<256> path(outputDir);
    llvm::sys::path::append(path, "output_" + std::to_string(i) + ".npy");
    std::string error;
    if (!tccrt::writeNpy(path.str().str(), (*results)[i], error)) {
      llvm::errs() << "tcc-run: error: " << error << "\n";
      return 1;
    }
    shapes += (i ? ", " : "") + (*results)[i].describe();
  }
  llvm::outs() << "tcc-run: " << llvm::sys::path::filename(modelFile) << ": "
               << inputs.size() << " input(s), " << results->size()
               << " output(s) [" << shapes << "] written to " << outputDir
               << " (import " << llvm::format("%.3f", seconds(start, compileStart))
               << " s, compile " << llvm::format("%.3f", seconds(compileStart, runStart))
               << " s, run " << llvm::format("%.4f", seconds(runStart, end)) << " s)\n";
  return 0;
}
