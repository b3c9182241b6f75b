//===- TccDialect.cpp - tcc dialect registration -------------------------===//

#include "dialects/tcc/TccDialect.h"
#include "dialects/tcc/TccOps.h"

using namespace mlir;
using namespace mlir::tcc;

#include "dialects/tcc/TccOpsDialect.cpp.inc"

void TccDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/tcc/TccOps.cpp.inc"
      >();
}
