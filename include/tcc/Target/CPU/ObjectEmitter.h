//===- ObjectEmitter.h - LLVM dialect to a host object file -----*- C++ -*-===//

#ifndef TCC_TARGET_CPU_OBJECTEMITTER_H
#define TCC_TARGET_CPU_OBJECTEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/SmallVector.h"

namespace mlir::tcc {

struct ObjectEmitterOptions {
  /// LLVM optimization level of code generation, and of the IR pipeline up
  /// to 2 (see ObjectEmitter.cpp).
  unsigned optLevel = 3;
  /// Position-independent code, so the object links into executables and
  /// shared libraries alike.
  bool pic = true;
  /// Machine-code generation of the optimized module runs on up to this
  /// many threads, one partition of the functions each (emitHostObjects).
  unsigned codegenThreads = 1;
  /// Where the phases (translation, -O2, code generation) are timed, if
  /// anywhere.
  TimingScope *timing = nullptr;
};

/// Translates `module` (LLVM dialect only, e.g. after buildTccCpuPipeline)
/// to LLVM IR, optimizes it and generates an ELF/Mach-O object for the host
/// CPU into `object`. Emits a diagnostic on `module` and fails on any error.
LogicalResult emitHostObject(ModuleOp module, llvm::SmallVectorImpl<char> &object,
                             const ObjectEmitterOptions &options = {});

/// Like emitHostObject, but after the IR pipeline (which still sees the
/// whole module) the functions are split into up to `options.codegenThreads`
/// partitions of about equal code generation cost, compiled concurrently into
/// one object each, with the same machine code per function as one object.
/// The objects must be linked together: local symbols become hidden globals
/// named __tcc_local.*.
LogicalResult emitHostObjects(ModuleOp module,
                              llvm::SmallVectorImpl<llvm::SmallVector<char, 0>> &objects,
                              const ObjectEmitterOptions &options = {});

} // namespace mlir::tcc

#endif // TCC_TARGET_CPU_OBJECTEMITTER_H
