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
  Option<bool> profile{
      *this, "profile",
      llvm::cl::desc("Time each kernel of the steps (tcc-cpu-instrument-"
                     "kernels; the trainer runtime prints the table)"),
      llvm::cl::init(false)};
  Option<int64_t> vectorBits{
      *this, "vector-bits",
      llvm::cl::desc("Bits of the target's vector registers, which size "
                     "register tiles and vectors: 512 (AVX-512), 256 "
                     "(AVX/AVX2) or 128; 0: the host CPU's"),
      llvm::cl::init(0)};
};

/// Bits of the host CPU's vector registers: 512 with AVX-512F, 256 with
/// AVX, else 128 (SSE, NEON).
int64_t hostVectorBits();

/// tcc (on tensors) -> linalg -> buffers -> loops -> LLVM dialect, for the
/// host CPU. Functions keep their names; results become trailing out-params.
void buildTccCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options);

/// Registers the pipeline as `tcc-cpu-pipeline` in tcc-opt.
void registerTccCpuPipeline();

} // namespace mlir::tcc

#endif // TCC_TARGET_CPU_PIPELINE_H
