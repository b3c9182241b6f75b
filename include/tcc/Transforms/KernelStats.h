//===- KernelStats.h - kernels of linalg-on-tensors IR and their traffic --===//
//
// The cost model shared by tcc-form-kernels and `tcc-compile --report`:
// every linalg op (and tensor.pad / tensor.concat) on tensors is one kernel,
// a loop nest that reads each of its operands and writes each of its results
// once.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_TRANSFORMS_KERNELSTATS_H
#define TCC_TRANSFORMS_KERNELSTATS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::tcc {

enum class KernelKind { Contraction, Elementwise, Reduction, DataMovement };

/// The kind of `op` if it is a kernel (a linalg op or a copying tensor op
/// that is not nested in another kernel), else std::nullopt.
std::optional<KernelKind> classifyKernel(Operation *op);

/// Bytes of a statically shaped tensor (0 for anything else); i1 counts as
/// one byte.
int64_t tensorBytes(Type type);

/// The bytes kernel `op` moves: the operands it reads (an init only when the
/// payload reads it) and the results it writes.
int64_t kernelTrafficBytes(Operation *op);

/// Kernels of a function by kind, and their total traffic.
struct KernelStats {
  int64_t contraction = 0, elementwise = 0, reduction = 0, dataMovement = 0;
  int64_t trafficBytes = 0;
  int64_t total() const {
    return contraction + elementwise + reduction + dataMovement;
  }
  void add(const KernelStats &other);
};

KernelStats collectKernelStats(Operation *root);

} // namespace mlir::tcc

#endif // TCC_TRANSFORMS_KERNELSTATS_H
