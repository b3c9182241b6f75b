//===- ObjectEmitter.cpp - LLVM dialect to a host object file ------------===//
//
// The ahead-of-time counterpart of the JIT: the same LLVM IR, optimized with
// the same O-level pipeline, but written as a relocatable object that the
// system linker combines with the generated glue and the trainer runtime.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/ObjectEmitter.h"

#include <algorithm>

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

/// A target machine for the CPU this compiler runs on, with all of its
/// features (the binary is meant to run where it was built, like -march=native).
static FailureOr<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(ModuleOp module, const tcc::ObjectEmitterOptions &opts) {
  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return module.emitError("no LLVM target for the host triple '")
           << triple.str() << "': " << error;
  std::string features;
  for (const auto &f : llvm::sys::getHostCPUFeatures())
    features += (features.empty() ? "" : ",") + std::string(f.second ? "+" : "-") +
                f.first().str();
  llvm::CodeGenOptLevel level = opts.optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
                                : opts.optLevel == 2 ? llvm::CodeGenOptLevel::Default
                                : opts.optLevel == 1 ? llvm::CodeGenOptLevel::Less
                                                     : llvm::CodeGenOptLevel::None;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features, llvm::TargetOptions(),
      opts.pic ? llvm::Reloc::PIC_ : llvm::Reloc::Static, std::nullopt, level));
  if (!tm)
    return module.emitError("cannot create an LLVM target machine for '")
           << triple.str() << "'";
  return tm;
}

LogicalResult tcc::emitHostObject(ModuleOp module,
                                  llvm::SmallVectorImpl<char> &object,
                                  const ObjectEmitterOptions &options) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // Parallel loops are omp ops: outlined and lowered to libomp calls.
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  auto tm = createHostTargetMachine(module, options);
  if (failed(tm))
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "tcc-model");
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR");
  llvmModule->setTargetTriple((*tm)->getTargetTriple());
  llvmModule->setDataLayout((*tm)->createDataLayout());

  // The IR pipeline runs at -O2 at most: -O3 takes about 2.5x as long on a
  // large training step (most of it in IndVarSimplify on the many tile
  // loops) for no measurable gain on tcc's already vectorized kernels.
  auto optimize = makeOptimizingTransformer(std::min(options.optLevel, 2u),
                                            /*sizeLevel=*/0, tm->get());
  if (llvm::Error err = optimize(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(err));

  object.clear();
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if ((*tm)->addPassesToEmitFile(codegen, os, nullptr,
                                 llvm::CodeGenFileType::ObjectFile))
    return module.emitError("the host target cannot emit object files");
  codegen.run(*llvmModule);
  return success();
}
