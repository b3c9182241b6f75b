//===- tcc-opt.cpp - the tcc optimizer driver ----------------------------===//
//
// mlir-opt with the tcc dialect, passes and pipelines registered.
//
//===----------------------------------------------------------------------===//

#include "tcc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::tcc::registerAllDialects(registry);
  mlir::tcc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "tcc optimizer driver\n", registry));
}
