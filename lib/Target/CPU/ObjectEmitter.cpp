//===- ObjectEmitter.cpp - LLVM dialect to a host object file ------------===//
//
// The ahead-of-time counterpart of the JIT: the same LLVM IR, optimized with
// the same O-level pipeline, but written as a relocatable object that the
// system linker combines with the generated glue and the trainer runtime.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/ObjectEmitter.h"

#include <algorithm>
#include <cmath>
#include <thread>

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
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

/// Machine-code generation of `m` into an object; false if the target
/// cannot emit object files.
static bool generateObject(llvm::Module &m, llvm::TargetMachine &tm,
                           llvm::SmallVectorImpl<char> &object) {
  object.clear();
  llvm::raw_svector_ostream os(object);
  llvm::legacy::PassManager codegen;
  if (tm.addPassesToEmitFile(codegen, os, nullptr,
                             llvm::CodeGenFileType::ObjectFile))
    return false;
  codegen.run(m);
  return true;
}

/// Whether `m` can be split by function: comdat groups and appending
/// globals (llvm.global_ctors, llvm.used) would need to stay together, and
/// keepPartition does not handle aliases (tcc's modules have none of these).
static bool isSplittable(const llvm::Module &m) {
  if (!m.getComdatSymbolTable().empty() || !m.alias_empty() || !m.ifunc_empty())
    return false;
  return llvm::none_of(m.globals(), [](const llvm::GlobalVariable &gv) {
    return gv.hasAppendingLinkage();
  });
}

/// Gives every local (or unnamed) symbol external linkage and hidden
/// visibility, under a prefixed name, so that another partition (object) can
/// refer to it while nothing outside the linked model sees or collides with
/// it. Partitions are told apart by name, hence names for unnamed globals.
static void externalizeLocals(llvm::Module &m) {
  auto externalize = [](llvm::GlobalValue &gv) {
    if (!gv.hasLocalLinkage() && gv.hasName())
      return;
    gv.setLinkage(llvm::GlobalValue::ExternalLinkage);
    gv.setVisibility(llvm::GlobalValue::HiddenVisibility);
    gv.setName("__tcc_local." + (gv.hasName() ? gv.getName() : "anon"));
  };
  for (llvm::Function &f : m)
    externalize(f);
  for (llvm::GlobalVariable &gv : m.globals())
    externalize(gv);
}

/// Assigns each function definition to one of `n` partitions, largest first
/// to the least loaded one. Code generation time grows faster than the
/// instruction count: train_step (25k instructions on the GPT) takes about 4x
/// longer per instruction than its 500-instruction outlined loops, hence the
/// size^1.5 cost. A global variable goes with its first user inside a
/// function so constant data usually stays in the same object as its code.
static llvm::StringMap<unsigned> partitionModule(llvm::Module &m, unsigned n) {
  std::vector<std::pair<double, llvm::Function *>> funcs;
  for (llvm::Function &f : m)
    if (!f.isDeclaration())
      funcs.push_back({std::pow(double(f.getInstructionCount()), 1.5), &f});
  llvm::stable_sort(funcs, [](const auto &a, const auto &b) {
    return a.first > b.first;
  });
  std::vector<double> load(n, 0);
  llvm::StringMap<unsigned> part;
  for (auto [size, f] : funcs) {
    unsigned i = std::min_element(load.begin(), load.end()) - load.begin();
    load[i] += size;
    part[f->getName()] = i;
  }
  for (llvm::GlobalVariable &gv : m.globals()) {
    unsigned p = 0;
    for (const llvm::User *user : gv.users())
      if (const auto *inst = llvm::dyn_cast<llvm::Instruction>(user)) {
        p = part.lookup(inst->getFunction()->getName());
        break;
      }
    part[gv.getName()] = p;
  }
  return part;
}

/// Turns every definition of `m` that `part` assigns to another partition
/// than `index` into a declaration.
static void keepPartition(llvm::Module &m, const llvm::StringMap<unsigned> &part,
                          unsigned index) {
  for (llvm::Function &f : m)
    if (!f.isDeclaration() && part.lookup(f.getName()) != index)
      f.deleteBody();
  for (llvm::GlobalVariable &gv : m.globals())
    if (!gv.isDeclaration() && part.lookup(gv.getName()) != index) {
      gv.setInitializer(nullptr);
      gv.setLinkage(llvm::GlobalValue::ExternalLinkage);
    }
}

/// Splits the optimized module `m` into `n` partitions and generates their
/// objects concurrently. Each thread owns an LLVMContext (contexts are not
/// thread-safe), so the module travels as bitcode, like in LTO's parallel
/// code generation. Each thread reads the whole module back and drops the
/// bodies of the other partitions: unlike CloneModule, this keeps the order
/// of use lists, so every function compiles to the same machine code as in
/// a single object.
static LogicalResult
generateObjectsInParallel(ModuleOp module, llvm::Module &m, unsigned n,
                          const tcc::ObjectEmitterOptions &options,
                          llvm::SmallVectorImpl<llvm::SmallVector<char, 0>> &objects) {
  externalizeLocals(m);
  llvm::StringMap<unsigned> part = partitionModule(m, n);
  llvm::SmallVector<char, 0> bitcode;
  {
    llvm::raw_svector_ostream os(bitcode);
    llvm::WriteBitcodeToFile(m, os, /*ShouldPreserveUseListOrder=*/true);
  }
  std::vector<std::unique_ptr<llvm::TargetMachine>> machines;
  for (unsigned i = 0; i < n; ++i) {
    auto tm = createHostTargetMachine(module, options);
    if (failed(tm))
      return failure();
    machines.push_back(std::move(*tm));
  }

  objects.assign(n, {});
  std::vector<std::string> errors(n);
  auto compile = [&](unsigned i) {
    llvm::LLVMContext context;
    auto piece = llvm::parseBitcodeFile(
        llvm::MemoryBufferRef(llvm::StringRef(bitcode.data(), bitcode.size()),
                              "partition"),
        context);
    if (!piece) {
      errors[i] = "cannot read back a partition: " +
                  llvm::toString(piece.takeError());
      return;
    }
    keepPartition(**piece, part, i);
    if (!generateObject(**piece, *machines[i], objects[i]))
      errors[i] = "the host target cannot emit object files";
  };
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < n; ++i)
    threads.emplace_back(compile, i);
  compile(0);
  for (std::thread &t : threads)
    t.join();
  for (const std::string &error : errors)
    if (!error.empty())
      return module.emitError(error);
  return success();
}

LogicalResult tcc::emitHostObject(ModuleOp module,
                                  llvm::SmallVectorImpl<char> &object,
                                  const ObjectEmitterOptions &options) {
  ObjectEmitterOptions single = options;
  single.codegenThreads = 1;
  SmallVector<SmallVector<char, 0>, 1> objects;
  if (failed(emitHostObjects(module, objects, single)))
    return failure();
  object.assign(objects.front().begin(), objects.front().end());
  return success();
}

LogicalResult
tcc::emitHostObjects(ModuleOp module,
                     llvm::SmallVectorImpl<llvm::SmallVector<char, 0>> &objects,
                     const ObjectEmitterOptions &options) {
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // Parallel loops are omp ops: outlined and lowered to libomp calls.
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  TimingScope untimed;
  TimingScope &timing = options.timing ? *options.timing : untimed;
  auto tm = createHostTargetMachine(module, options);
  if (failed(tm))
    return failure();
  llvm::LLVMContext llvmContext;
  TimingScope translation = timing.nest("translation to LLVM IR");
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "tcc-model");
  translation.stop();
  if (!llvmModule)
    return module.emitError("cannot translate the module to LLVM IR");
  llvmModule->setTargetTriple((*tm)->getTargetTriple());
  llvmModule->setDataLayout((*tm)->createDataLayout());

  // The IR pipeline runs at -O2 at most: -O3 takes about 2.5x as long on a
  // large training step (most of it in IndVarSimplify on the many tile
  // loops) for no measurable gain on tcc's already vectorized kernels.
  auto optimize = makeOptimizingTransformer(std::min(options.optLevel, 2u),
                                            /*sizeLevel=*/0, tm->get());
  TimingScope optimization = timing.nest("LLVM IR optimization");
  if (llvm::Error err = optimize(llvmModule.get()))
    return module.emitError("LLVM optimization failed: ")
           << llvm::toString(std::move(err));
  optimization.stop();

  unsigned defined = llvm::count_if(
      *llvmModule, [](const llvm::Function &f) { return !f.isDeclaration(); });
  unsigned n = std::min(options.codegenThreads, defined);
  TimingScope codegen = timing.nest("machine code");
  if (n > 1 && isSplittable(*llvmModule))
    return generateObjectsInParallel(module, *llvmModule, n, options, objects);
  objects.assign(1, {});
  if (!generateObject(*llvmModule, **tm, objects.front()))
    return module.emitError("the host target cannot emit object files");
  return success();
}
