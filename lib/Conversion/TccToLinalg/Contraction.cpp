//===- Contraction.cpp - tcc Contraction ops to linalg ------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

using namespace mlir;
using namespace mlir::tcc;

void tcc::populateTccContractionToLinalgPatterns(RewritePatternSet &patterns) {}
