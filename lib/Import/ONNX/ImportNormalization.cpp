//===- ImportNormalization.cpp - ONNX Normalization ops ---------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

void mlir::tcc::onnx_import::registerNormalizationImporters(ImportTable &table) {}
