//===- Report.cpp - tcc-compile --report ---------------------------------===//

#include "Report.h"

#include "dialects/tcc/TccOps.h"
#include "tcc/Target/CPU/Pipeline.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "tcc/Conversion/Passes.h"
#include "tcc/Transforms/KernelStats.h"
#include "tcc/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"

#include <map>

using namespace mlir;
using namespace mlir::tcc;

static int64_t tensorBytes(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  if (!tt || !tt.hasStaticShape())
    return 0;
  int64_t bits = tt.getElementType().getIntOrFloatBitWidth();
  return tt.getNumElements() * std::max<int64_t>(bits / 8, 1);
}

static int64_t numElements(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  return tt && tt.hasStaticShape() ? tt.getNumElements() : 0;
}

/// Multiply-adds count twice. Matmul: 2 * |result| * K; convolution:
/// 2 * |result| * (|weight| / output channels); transposed convolution:
/// 2 * |input| * (|weight| / input channels); weight gradient: as its
/// convolution.
static int64_t opFlops(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumOperands() < 2)
    return 0;
  int64_t out = numElements(op->getResult(0).getType());
  if (isa<tcc::MatmulOp>(op)) {
    auto lhs = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    return lhs && lhs.getRank() ? 2 * out * lhs.getShape().back() : 0;
  }
  if (isa<tcc::ConvOp, tcc::ConvTransposeOp>(op)) {
    auto w = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
    if (!w || !w.hasStaticShape() || w.getRank() == 0 || w.getDimSize(0) == 0)
      return 0;
    // A convolution's weight is [O, I/groups, k...]: each output element
    // takes |w| / O multiply-adds. A transposed one's is [I, O/groups, k...]:
    // each *input* element scatters into |w| / I outputs.
    int64_t points =
        isa<tcc::ConvOp>(op) ? out : numElements(op->getOperand(0).getType());
    return 2 * points * (w.getNumElements() / w.getDimSize(0));
  }
  // The weight gradient does the forward's multiply-adds: one per element
  // of the cotangent [N, M, O...] and per weight element of its channel.
  if (auto dw = dyn_cast<tcc::ConvWeightGradOp>(op)) {
    auto w = dyn_cast<RankedTensorType>(dw.getType());
    if (!w || !w.hasStaticShape() || w.getRank() == 0 || w.getDimSize(0) == 0)
      return 0;
    return 2 * numElements(dw.getGrad().getType()) *
           (w.getNumElements() / w.getDimSize(0));
  }
  return 0;
}

/// The functions reachable from `root` (the step and what it calls).
static SmallVector<func::FuncOp> reachable(ModuleOp module, func::FuncOp root) {
  SmallVector<func::FuncOp> out{root};
  for (size_t i = 0; i < out.size(); ++i)
    out[i].walk([&](func::CallOp call) {
      auto f = module.lookupSymbol<func::FuncOp>(call.getCallee());
      if (f && !llvm::is_contained(out, f))
        out.push_back(f);
    });
  return out;
}

static std::string humanBytes(int64_t b) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (b >= (int64_t(1) << 20))
    os << llvm::format("%.1f MiB", double(b) / (1 << 20));
  else if (b >= 1024)
    os << llvm::format("%.1f KiB", double(b) / 1024);
  else
    os << b << " B";
  return s;
}

//===----------------------------------------------------------------------===//
// Kernels before and after tcc-form-kernels
//===----------------------------------------------------------------------===//

static KernelStats trainStepKernels(ModuleOp module) {
  KernelStats stats;
  if (auto train = module.lookupSymbol<func::FuncOp>("train_step"))
    for (func::FuncOp f : reachable(module, train))
      stats.add(collectKernelStats(f));
  return stats;
}

static void printKernels(llvm::raw_ostream &os, StringRef when,
                         const KernelStats &k) {
  os << "    " << llvm::format("%-30s", when.str().c_str())
     << llvm::format("%5lld", (long long)k.total()) << "  ("
     << k.contraction << " contraction, " << k.elementwise << " elementwise, "
     << k.reduction << " reduction, " << k.dataMovement
     << " data movement), traffic " << humanBytes(k.trafficBytes) << "\n";
}

/// Lowers a copy of the module with the tensor-level passes of
/// buildTccCpuPipeline and counts @train_step's kernels (linalg ops) after
/// convert-tcc-to-linalg and after tcc-form-kernels.
static void printKernelReport(ModuleOp module, llvm::raw_ostream &os) {
  OwningOpRef<ModuleOp> copy = module.clone();
  MLIRContext *ctx = module.getContext();
  // A module the lowering rejects is reported by the compilation itself.
  ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
  PassManager lower(ctx);
  lower.addPass(createDropParamInitializersPass());
  lower.addNestedPass<func::FuncOp>(createConvertTccToLinalgPass());
  lower.addPass(createCanonicalizerPass());
  lower.addPass(createCSEPass());
  PassManager fuse(ctx);
  fuse.addNestedPass<func::FuncOp>(createFormKernelsPass());
  os << "  kernels of @train_step (linalg ops; traffic: each reads its "
        "operands and writes its results once):\n";
  if (failed(lower.run(*copy))) {
    os << "    unavailable: the module does not lower to linalg\n";
    return;
  }
  KernelStats before = trainStepKernels(*copy);
  printKernels(os, "after convert-tcc-to-linalg", before);
  if (failed(fuse.run(*copy))) {
    os << "    unavailable: tcc-form-kernels failed\n";
    return;
  }
  KernelStats after = trainStepKernels(*copy);
  printKernels(os, "after tcc-form-kernels", after);
  os << "    fusion saved " << humanBytes(before.trafficBytes - after.trafficBytes)
     << " of traffic per step and "
     << before.total() - after.total() << " kernels\n";
}

//===----------------------------------------------------------------------===//
// The memory plan of the CPU pipeline (tcc-plan-buffers)
//===----------------------------------------------------------------------===//

namespace {
struct Arena {
  int64_t bytes = 0, unshared = 0, buffers = 0, leftover = 0;
};
} // namespace

/// `fn`'s arena in a module planned by tcc-plan-buffers, and how many
/// allocations are left to run time.
static Arena arenaOf(ModuleOp module, StringRef fn) {
  Arena a;
  auto f = module.lookupSymbol<func::FuncOp>(fn);
  if (!f)
    return a;
  f.walk([&](memref::AllocOp) { ++a.leftover; });
  auto global = module.lookupSymbol<memref::GlobalOp>(("__tcc_arena_" + fn).str());
  if (!global)
    return a;
  a.bytes = global.getType().getNumElements();
  if (auto n = global->getAttrOfType<IntegerAttr>("tcc.unshared_bytes"))
    a.unshared = n.getInt();
  if (auto n = global->getAttrOfType<IntegerAttr>("tcc.buffers"))
    a.buffers = n.getInt();
  return a;
}

/// Runs the CPU pipeline up to its buffer planning on a copy of the module
/// and prints the peak it plans: `fixedBytes` (params, state, batch) plus
/// the static arenas of both steps.
static void printPlannedPeak(ModuleOp module, int64_t fixedBytes,
                             llvm::raw_ostream &os) {
  OwningOpRef<ModuleOp> copy = module.clone();
  MLIRContext *ctx = module.getContext();
  // A module the lowering rejects is reported by the compilation itself.
  ScopedDiagnosticHandler quiet(ctx, [](Diagnostic &) { return success(); });
  PassManager pm(ctx);
  CpuPipelineOptions options;
  options.stopAfterBufferPlanning = true;
  buildTccCpuPipeline(pm, options);
  os << "  planned peak:    ";
  if (failed(pm.run(*copy))) {
    os << "unavailable: the module does not bufferize\n";
    return;
  }
  Arena train = arenaOf(*copy, "train_step"), eval = arenaOf(*copy, "eval_step");
  os << humanBytes(fixedBytes + train.bytes + eval.bytes)
     << " = params + state + batch + static buffers of @train_step ("
     << humanBytes(train.bytes) << ": " << train.buffers
     << " buffers sharing what would take " << humanBytes(train.unshared)
     << ") and @eval_step (" << humanBytes(eval.bytes) << ")";
  if (train.leftover + eval.leftover)
    os << "; " << train.leftover + eval.leftover
       << " buffers allocated at run time";
  os << "\n";
}

void tcc::printTrainingReport(ModuleOp module, const TrainingSignature &sig,
                              llvm::raw_ostream &os) {
  int64_t params = 0, paramBytes = 0, stateBytes = 0, dataBytes = 0;
  for (auto &t : sig.params) {
    params += t.numElements();
    paramBytes += t.numBytes();
  }
  for (auto &t : sig.state)
    stateBytes += t.numBytes();
  for (auto &t : sig.inputs)
    dataBytes += t.numBytes();
  if (sig.labels)
    dataBytes += sig.labels->numBytes();

  std::map<std::string, int64_t> ops;
  int64_t stepFlops = 0, tempBytes = 0;
  auto train = module.lookupSymbol<func::FuncOp>("train_step");
  for (func::FuncOp f : reachable(module, train))
    f.walk([&](Operation *op) {
      if (isa<func::FuncOp>(op) || op->hasTrait<OpTrait::IsTerminator>())
        return;
      ++ops[op->getName().getStringRef().str()];
      stepFlops += opFlops(op);
      for (Value r : op->getResults())
        tempBytes += tensorBytes(r.getType());
    });
  os << "tcc-compile report\n";
  os << "  parameters:      " << params << " in " << sig.params.size()
     << " tensors (" << humanBytes(paramBytes) << ")\n";
  os << "  state:           " << sig.state.size() << " tensors ("
     << humanBytes(stateBytes) << ", optimizer and model state)\n";
  os << "  batch:           " << sig.batch << "\n";
  // Counted on the step itself, so the backward's contractions are exact
  // rather than the usual 3x-forward estimate.
  os << "  FLOPs per step:  " << stepFlops
     << " (matmuls and convolutions of @train_step: forward and backward)\n";
  os << "  memory plan:     " << humanBytes(paramBytes + stateBytes + dataBytes + tempBytes)
     << " upper bound = params + state + batch (" << humanBytes(dataBytes)
     << ") + every intermediate of @train_step (" << humanBytes(tempBytes)
     << "), without buffer reuse\n";
  printPlannedPeak(module, paramBytes + stateBytes + dataBytes, os);
  printKernelReport(module, os);
  os << "  ops in @train_step:\n";
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (auto &[name, n] : ops)
    sorted.push_back({-n, name});
  llvm::sort(sorted);
  for (auto &[n, name] : sorted)
    os << "    " << llvm::format("%-24s", name.c_str()) << -n << "\n";
}
