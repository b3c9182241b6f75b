//===- Pipeline.cpp - the tcc CPU compilation pipeline -------------------===//

#include "tcc/Target/CPU/Pipeline.h"
#include "tcc/Target/CPU/Passes.h"

#include "tcc/Conversion/Passes.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir;

void tcc::buildTccCpuPipeline(OpPassManager &pm,
                              const CpuPipelineOptions &options) {
  // Target-independent tensor level.
  pm.addPass(createDropParamInitializersPass());
  pm.addNestedPass<func::FuncOp>(createConvertTccToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createFormKernelsPass());
  pm.addNestedPass<func::FuncOp>(createCollapseContractionDimsPass());
  // Each accumulator its own zero fill, not a copy of a shared one.
  pm.addNestedPass<func::FuncOp>(createCloneFillInitsPass());

  // Buffers: the caller owns inputs and outputs; results become out-params.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  // Writes into slices of a tensor.empty (im2col) happen in place.
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  // LLVM 22's hoisting of allocations into out-params crashes on a function
  // returning one buffer twice (llvm-project#219492, autodiff's equal
  // gradients); tcc-in-place-out-params does it, and makes each out-param
  // safe to alias its input (in-place updates of params and state).
  outParams.hoistStaticAllocs = false;
  outParams.addResultAttribute = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addNestedPass<func::FuncOp>(createInPlaceOutParamsPass());
  // Bufferized insert_slices of slabs written in place (im2col) are copies
  // between two equal subviews: CSE makes them self-copies, which fold.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());

  // Vector code for contractions and elementwise ops; loops for the rest.
  pm.addNestedPass<func::FuncOp>(createStridedCopiesToLinalgPass());
  // Transposes that move the innermost dimension: 8x8 register blocks
  // rather than vectors gathered element by element.
  pm.addNestedPass<func::FuncOp>(createVectorizeTransposesPass());
  // Register tiles and vectors sized for the target's registers: with 16
  // of them (AVX2), a 6x16 tile of C takes 12 and leaves B's row and A's
  // broadcast; with 32 zmm (AVX-512), a 12x32 tile takes 24. Elementwise
  // and row-reduction vectors are two registers wide.
  int64_t bits = options.vectorBits ? options.vectorBits : hostVectorBits();
  int64_t lanes = bits / 32;
  VectorizeRowReductionsPassOptions rows;
  rows.maxWidth = 2 * lanes;
  TileAndVectorizePassOptions tiles;
  tiles.registerTiles = {bits >= 512 ? 12 : 6, 2 * lanes, 1};
  tiles.vectorWidth = 2 * lanes;
  pm.addNestedPass<func::FuncOp>(createVectorizeRowReductionsPass(rows));
  pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass(tiles));
  // No allocation left in the steps: one static arena per function. After
  // vectorization, whose hoisting of accumulators out of loops needs
  // buffers it can tell apart (views of one arena may alias).
  pm.addPass(createPlanBuffersPass());
  // Each top-level op of a step is now one kernel: time them (--profile).
  if (options.profile)
    pm.addPass(createInstrumentKernelsPass());
  if (options.stopAfterBufferPlanning)
    return;
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
  // The parallel loops (scf.parallel) of tcc-cpu-tile-and-vectorize become
  // OpenMP worksharing loops; the thread count is libomp's
  // (omp_set_num_threads, OMP_NUM_THREADS). The canonicalizer then inlines
  // the memref.alloca_scope each loop body gets, which must go before SCF
  // lowering puts several blocks in it.
  pm.addPass(createConvertSCFToOpenMPPass());
  pm.addPass(createCanonicalizerPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  // Integer powers become generated functions; math with an LLVM intrinsic
  // goes there; the rest (erf, tanh) to libm.
  pm.addPass(createConvertMathToFuncs());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  // Lowers what tcc-cpu-tile-and-vectorize left as n-D vector ops (LLVM
  // arrays of vectors) before the generic conversion.
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

int64_t tcc::hostVectorBits() {
  llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
  if (features.lookup("avx512f"))
    return 512;
  return features.lookup("avx") ? 256 : 128;
}

void tcc::registerTccCpuPipeline() {
  registerTccCpuPasses();
  PassPipelineRegistration<CpuPipelineOptions>(
      "tcc-cpu-pipeline",
      "Lower tcc to the LLVM dialect for the host CPU (bufferized, results "
      "as out-params)",
      buildTccCpuPipeline);
}
