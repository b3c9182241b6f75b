//===- TccDialect.h - tcc dialect -------------------------------*- C++ -*-===//

#ifndef TCC_DIALECT_TCCDIALECT_H
#define TCC_DIALECT_TCCDIALECT_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dialects/tcc/TccOpsDialect.h.inc"

#endif // TCC_DIALECT_TCCDIALECT_H
