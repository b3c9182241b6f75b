//===- StridedCopiesToLinalg.cpp - vectorizable strided copies ------------===//
//
// memref.copy lowers to memcpy when both sides are contiguous and to the
// runtime's element-by-element memrefCopy otherwise; the latter become
// linalg.copy ops, which tcc-cpu-tile-and-vectorize vectorizes and threads.
//
//===----------------------------------------------------------------------===//

#include "tcc/Target/CPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_STRIDEDCOPIESTOLINALGPASS
#include "tcc/Target/CPU/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;

namespace {
bool isContiguous(Value v) {
  return memref::isStaticShapeAndContiguousRowMajor(
      cast<MemRefType>(v.getType()));
}

struct StridedCopiesToLinalgPass
    : tcc::impl::StridedCopiesToLinalgPassBase<StridedCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto type = dyn_cast<MemRefType>(copy.getSource().getType());
      if (type && type.hasStaticShape() && type.getRank() > 0 &&
          isa<MemRefType>(copy.getTarget().getType()) &&
          !(isContiguous(copy.getSource()) && isContiguous(copy.getTarget())))
        copies.push_back(copy);
    });
    OpBuilder b(&getContext());
    for (memref::CopyOp copy : copies) {
      b.setInsertionPoint(copy);
      linalg::CopyOp::create(b, copy.getLoc(), ValueRange{copy.getSource()},
                             ValueRange{copy.getTarget()});
      copy.erase();
    }
  }
};
} // namespace
