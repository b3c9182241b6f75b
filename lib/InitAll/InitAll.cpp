//===- InitAll.cpp - register tcc's dialects and passes ------------------===//

#include "tcc/InitAll.h"

#include "dialects/tcc/TccDialect.h"
#include "tcc/Conversion/Passes.h"
#include "tcc/Target/CPU/Pipeline.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"

void mlir::tcc::registerAllDialects(DialectRegistry &registry) {
  registry.insert<TccDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
}

void mlir::tcc::registerAllPasses() {
  mlir::registerAllPasses();
  registerTccConversionPasses();
  registerTccPasses();
  registerTccCpuPipeline();
}
