//===- JitRunner.cpp - compile tcc IR for the host and call it -----------===//

#include "tcc/Target/CPU/JitRunner.h"
#include "tcc/Target/CPU/Pipeline.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "llvm/Support/TargetSelect.h"

using namespace mlir;
using ::tccrt::DType;
using ::tccrt::HostTensor;

std::optional<DType> tcc::toDType(Type t) {
  if (t.isF32()) return DType::F32;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(64)) return DType::I64;
  if (t.isInteger(32)) return DType::I32;
  if (t.isInteger(16)) return DType::I16;
  if (t.isInteger(8)) return DType::I8;
  if (t.isInteger(1)) return DType::Bool;
  return std::nullopt;
}

FailureOr<std::unique_ptr<tcc::CpuJit>>
tcc::CpuJit::create(ModuleOp module, StringRef entry) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func)
    return module.emitError("no function '") << entry << "' to run";
  auto jit = std::unique_ptr<CpuJit>(new CpuJit());
  jit->entry = entry.str();
  jit->context = module.getContext();
  for (Type t : func.getArgumentTypes())
    jit->argTypes.push_back(cast<RankedTensorType>(t));
  for (Type t : func.getResultTypes())
    jit->resultTypes.push_back(cast<RankedTensorType>(t));
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                UnitAttr::get(module.getContext()));

  PassManager pm(module.getContext());
  buildTccCpuPipeline(pm, CpuPipelineOptions());
  if (failed(pm.run(module)))
    return failure();

  static bool initialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)initialized;
  DialectRegistry registry;
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // Parallel loops are omp ops: outlined and lowered to libomp calls.
  registerOpenMPDialectTranslation(registry);
  module.getContext()->appendDialectRegistry(registry);

  ExecutionEngineOptions options;
  options.transformer = makeOptimizingTransformer(2, 0, nullptr);
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // The parallel loops call into LLVM's OpenMP runtime.
  StringRef libs[] = {TCC_OPENMP_LIBRARY};
  options.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(module, options);
  if (!engine) {
    std::string msg = llvm::toString(engine.takeError());
    return module.emitError("JIT compilation failed: ") << msg;
  }
  jit->engine = std::move(*engine);
  // Strided memref copies lower to a call into MLIR's C runner utilities;
  // bind it explicitly so it resolves whatever the linker kept.
  jit->engine->registerSymbols([](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap map;
    map[interner("memrefCopy")] = {llvm::orc::ExecutorAddr::fromPtr(&memrefCopy),
                                   llvm::JITSymbolFlags::Exported};
    return map;
  });
  return jit;
}

/// A strided memref descriptor for a contiguous buffer, as words:
/// {allocated, aligned, offset, sizes..., strides...}.
static std::vector<int64_t> makeDescriptor(void *data,
                                           ArrayRef<int64_t> shape) {
  std::vector<int64_t> d{reinterpret_cast<int64_t>(data),
                         reinterpret_cast<int64_t>(data), 0};
  d.insert(d.end(), shape.begin(), shape.end());
  std::vector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  d.insert(d.end(), strides.begin(), strides.end());
  return d;
}

FailureOr<std::vector<HostTensor>>
tcc::CpuJit::run(const std::vector<const HostTensor *> &args) {
  auto fail = [&](const Twine &msg) {
    emitError(UnknownLoc::get(context)) << msg;
    return failure();
  };
  if (args.size() != argTypes.size())
    return fail("expected " + Twine(argTypes.size()) + " arguments, got " +
                Twine(args.size()));
  std::vector<HostTensor> results;
  std::vector<std::vector<int64_t>> descriptors;
  for (auto [i, arg] : llvm::enumerate(args)) {
    RankedTensorType t = argTypes[i];
    if (toDType(t.getElementType()) != arg->dtype ||
        std::vector<int64_t>(t.getShape()) != arg->shape)
      return fail("argument " + Twine(i) + " is " + arg->describe() +
                  " but the function expects " +
                  ::tccrt::dtypeName(*toDType(t.getElementType())) + " of shape " +
                  HostTensor(*toDType(t.getElementType()), t.getShape()).describe());
    // The callee never writes its inputs, so casting away const is safe.
    descriptors.push_back(
        makeDescriptor(const_cast<uint8_t *>(arg->data.data()), arg->shape));
  }
  for (RankedTensorType t : resultTypes) {
    results.emplace_back(*toDType(t.getElementType()),
                         std::vector<int64_t>(t.getShape()));
    descriptors.push_back(
        makeDescriptor(results.back().data.data(), results.back().shape));
  }
  std::vector<void *> pointers, packed;
  for (auto &d : descriptors)
    pointers.push_back(d.data());
  for (auto &p : pointers)
    packed.push_back(&p);
  if (auto err = engine->invokePacked("_mlir_ciface_" + entry, packed))
    return fail("call failed: " + llvm::toString(std::move(err)));
  return results;
}
