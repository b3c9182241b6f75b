//===- Report.cpp - tcc-compile --report ---------------------------------===//

#include "Report.h"

#include "dialects/tcc/TccOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
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
/// 2 * |result| * (|weight| / output channels).
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
    return 2 * out * (w.getNumElements() / w.getDimSize(0));
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
  os << "  ops in @train_step:\n";
  std::vector<std::pair<int64_t, std::string>> sorted;
  for (auto &[name, n] : ops)
    sorted.push_back({-n, name});
  llvm::sort(sorted);
  for (auto &[n, name] : sorted)
    os << "    " << llvm::format("%-24s", name.c_str()) << -n << "\n";
}
