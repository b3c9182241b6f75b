//===- KernelStats.cpp - kernels of linalg-on-tensors IR ------------------===//

#include "tcc/Transforms/KernelStats.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::tcc;

int64_t tcc::tensorBytes(Type type) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape() || !t.getElementType().isIntOrIndexOrFloat())
    return 0;
  unsigned bits = t.getElementType().isIndex()
                      ? 64
                      : t.getElementType().getIntOrFloatBitWidth();
  return t.getNumElements() * std::max<int64_t>((bits + 7) / 8, 1);
}

/// A generic whose payload only forwards its inputs (a broadcast, transpose
/// or copy written as a generic).
static bool isPureCopy(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (!body.without_terminator().empty())
    return false;
  return llvm::all_of(body.getTerminator()->getOperands(), [&](Value v) {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getOwner() == &body &&
           arg.getArgNumber() < op.getNumDpsInputs();
  });
}

std::optional<KernelKind> tcc::classifyKernel(Operation *op) {
  if (isa<tensor::PadOp, tensor::ConcatOp>(op))
    return KernelKind::DataMovement;
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp || op->getParentOfType<linalg::LinalgOp>())
    return std::nullopt;
  if (linalg::isaContractionOpInterface(linalgOp) ||
      linalg::isaConvolutionOpInterface(linalgOp))
    return KernelKind::Contraction;
  if (isa<linalg::FillOp, linalg::TransposeOp, linalg::BroadcastOp,
          linalg::CopyOp>(op))
    return KernelKind::DataMovement;
  if (auto generic = dyn_cast<linalg::GenericOp>(op); generic &&
                                                      isPureCopy(generic))
    return KernelKind::DataMovement;
  if (linalgOp.getNumReductionLoops() > 0)
    return KernelKind::Reduction;
  return KernelKind::Elementwise;
}

int64_t tcc::kernelTrafficBytes(Operation *op) {
  int64_t bytes = 0;
  for (Value r : op->getResults())
    bytes += tensorBytes(r.getType());
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  if (!linalgOp) {
    for (Value v : op->getOperands())
      bytes += tensorBytes(v.getType());
    return bytes;
  }
  for (OpOperand *in : linalgOp.getDpsInputOperands())
    bytes += tensorBytes(in->get().getType());
  for (OpOperand &init : linalgOp.getDpsInitsMutable())
    if (linalgOp.payloadUsesValueFromOperand(&init))
      bytes += tensorBytes(init.get().getType());
  return bytes;
}

void KernelStats::add(const KernelStats &o) {
  contraction += o.contraction;
  elementwise += o.elementwise;
  reduction += o.reduction;
  dataMovement += o.dataMovement;
  trafficBytes += o.trafficBytes;
}

KernelStats tcc::collectKernelStats(Operation *root) {
  KernelStats stats;
  root->walk([&](Operation *op) {
    std::optional<KernelKind> kind = classifyKernel(op);
    if (!kind)
      return;
    switch (*kind) {
    case KernelKind::Contraction:
      ++stats.contraction;
      break;
    case KernelKind::Elementwise:
      ++stats.elementwise;
      break;
    case KernelKind::Reduction:
      ++stats.reduction;
      break;
    case KernelKind::DataMovement:
      ++stats.dataMovement;
      break;
    }
    stats.trafficBytes += kernelTrafficBytes(op);
  });
  return stats;
}
