//===- Pipeline.h - the tcc CPU compilation pipeline ------------*- C++ -*-===//

#ifndef TCC_TARGET_CPU_PIPELINE_H
#define TCC_TARGET_CPU_PIPELINE_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::tcc {

struct CpuPipelineOptions : public PassPipelineOptions<CpuPipelineOptions> {
  // Options are added as the CPU backend grows (tiling, threads, ...).
  Option<bool> stopAfterBufferPlanning{
      *this, "stop-after-buffer-planning",
      llvm::cl::desc("Stop once buffers are planned (for reports and tests)"),
      llvm::cl::init(false)};
};

/// tcc (on tensors) -> linalg -> buffers -> loops -> LLVM dialect, for the
/// host CPU. Functions keep their names; results become trailing out-params.
void buildTccCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options);

/// Registers the pipeline as `tcc-cpu-pipeline` in tcc-opt.
void registerTccCpuPipeline();

} // namespace mlir::tcc

#endif // TCC_TARGET_CPU_PIPELINE_H
