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

using namespace mlir;

void tcc::buildTccCpuPipeline(OpPassManager &pm,
                              const CpuPipelineOptions &options) {
  // Target-independent tensor level.
  pm.addPass(createDropParamInitializersPass());
  pm.addNestedPass<func::FuncOp>(createConvertTccToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createLinalgElementwiseOpFusionPass());

  // Buffers: the caller owns inputs and outputs; results become out-params.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  // Not hoisting allocations into the out-params costs a copy per result,
  // but LLVM 22's hoisting crashes on a function returning one buffer twice
  // (llvm-project#219492), which autodiff produces (equal gradients).
  outParams.hoistStaticAllocs = false;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  pm.addPass(createCanonicalizerPass());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);

  // Vector code for contractions and elementwise ops; loops for the rest.
  pm.addNestedPass<func::FuncOp>(createTileAndVectorizePass());
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

void tcc::registerTccCpuPipeline() {
  registerTccCpuPasses();
  PassPipelineRegistration<CpuPipelineOptions>(
      "tcc-cpu-pipeline",
      "Lower tcc to the LLVM dialect for the host CPU (bufferized, results "
      "as out-params)",
      buildTccCpuPipeline);
}
