//===- Report.h - tcc-compile --report ------------------------------------===//

#ifndef TCC_LIB_COMPILER_REPORT_H
#define TCC_LIB_COMPILER_REPORT_H

#include "ModelGlue.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir::tcc {

/// Parameter count, op counts of @train_step, FLOPs per step and a memory
/// estimate of a tcc-level training module.
void printTrainingReport(ModuleOp module, const TrainingSignature &sig,
                         llvm::raw_ostream &os);

} // namespace mlir::tcc

#endif // TCC_LIB_COMPILER_REPORT_H
