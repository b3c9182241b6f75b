//===- Passes.h - tcc CPU backend passes ------------------------*- C++ -*-===//

#ifndef TCC_TARGET_CPU_PASSES_H
#define TCC_TARGET_CPU_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tcc {

#define GEN_PASS_DECL
#include "tcc/Target/CPU/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tcc/Target/CPU/Passes.h.inc"

} // namespace mlir::tcc

#endif // TCC_TARGET_CPU_PASSES_H
