//===- InitAll.h - register tcc's dialects and passes -----------*- C++ -*-===//

#ifndef TCC_INITALL_H
#define TCC_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::tcc {

/// Registers the tcc dialect and every upstream dialect and extension the
/// tcc pipelines produce or consume.
void registerAllDialects(DialectRegistry &registry);

/// Registers tcc's passes and pipelines, and the upstream passes.
void registerAllPasses();

} // namespace mlir::tcc

#endif // TCC_INITALL_H
