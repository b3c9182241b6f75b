//===- tcc-import.cpp - print an ONNX model as tcc IR --------------------===//

#include "tcc/Import/ONNXImporter.h"
#include "tcc/InitAll.h"
#include "tcc/Tools/Diagnostics.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.onnx>"));
static cl::opt<bool> listOps("list-onnx-ops",
                             cl::desc("Print the supported ONNX op types and exit"));
static cl::opt<std::string> outputFile("o", cl::desc("Output file (default: stdout)"),
                                       cl::value_desc("file"), cl::init("-"));
static cl::opt<int64_t> batch("batch",
                              cl::desc("Size of a dynamic first input dimension"),
                              cl::init(0));
static cl::opt<bool> inference(
    "inference",
    cl::desc("Import with inference semantics: BatchNormalization uses its "
             "running statistics and Dropout is the identity, whatever the "
             "model's training_mode says"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(
      argc, argv,
      "tcc-import: translate an ONNX model to the tcc dialect\n\n"
      "Prints a module with func @forward(params..., inputs...) -> outputs.\n"
      "Parameters' initial values are ml_program.globals (dense_resource blobs).\n");

  if (listOps) {
    for (const std::string &op : tcc::getSupportedONNXOps())
      llvm::outs() << op << "\n";
    return 0;
  }
  if (inputFile.empty()) {
    llvm::errs() << "tcc-import: error: no input file (see --help)\n";
    return 1;
  }

  DialectRegistry registry;
  tcc::registerAllDialects(registry);
  MLIRContext context(registry);
  tcc::ToolDiagnosticHandler diagnostics(&context, "tcc-import");

  tcc::ONNXImportOptions options;
  options.inference = inference;
  if (batch.getNumOccurrences()) {
    if (batch <= 0) {
      llvm::errs() << "tcc-import: error: --batch must be positive\n";
      return 1;
    }
    options.batch = batch;
  }
  OwningOpRef<ModuleOp> module =
      tcc::importONNXModel(&context, inputFile, options);
  if (!module)
    return 1;

  std::string error;
  auto output = openOutputFile(outputFile, &error);
  if (!output) {
    llvm::errs() << "tcc-import: error: " << error << "\n";
    return 1;
  }
  module->print(output->os());
  output->os() << "\n";
  output->keep();
  return 0;
}
