//===- Passes.h - tcc transformation passes ---------------------*- C++ -*-===//

#ifndef TCC_TRANSFORMS_PASSES_H
#define TCC_TRANSFORMS_PASSES_H

#include "dialects/tcc/TccDialect.h"
#include "mlir/Dialect/MLProgram/IR/MLProgram.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::tcc {

/// Argument attribute naming the global that holds a parameter's initial
/// value: `{tcc.param = @fc1.weight}`.
inline constexpr llvm::StringLiteral kParamAttrName = "tcc.param";
/// Argument / result attributes holding the ONNX graph input / output name.
inline constexpr llvm::StringLiteral kInputAttrName = "tcc.input";
inline constexpr llvm::StringLiteral kOutputAttrName = "tcc.output";
/// Argument attribute marking the labels (targets) of a loss function.
inline constexpr llvm::StringLiteral kLabelAttrName = "tcc.label";

#define GEN_PASS_DECL
#include "tcc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tcc/Transforms/Passes.h.inc"

} // namespace mlir::tcc

#endif // TCC_TRANSFORMS_PASSES_H
