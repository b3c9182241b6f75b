//===- Convolution.cpp - tcc Convolution ops to linalg ------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

using namespace mlir;
using namespace mlir::tcc;

void tcc::populateTccConvolutionToLinalgPatterns(RewritePatternSet &patterns) {}
