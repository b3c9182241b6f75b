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
/// Argument attribute naming the global holding a state tensor's initial
/// value (BatchNorm statistics, optimizer state): `{tcc.state = @name}`.
inline constexpr llvm::StringLiteral kStateAttrName = "tcc.state";
/// Result attributes: the new value of a state / parameter argument, and the
/// gradient of a parameter.
inline constexpr llvm::StringLiteral kStateUpdateAttrName = "tcc.state_update";
inline constexpr llvm::StringLiteral kParamUpdateAttrName = "tcc.param_update";
inline constexpr llvm::StringLiteral kGradAttrName = "tcc.grad";
/// @train_step's step-count argument and loss result.
inline constexpr llvm::StringLiteral kStepAttrName = "tcc.step";
inline constexpr llvm::StringLiteral kLossAttrName = "tcc.loss";

#define GEN_PASS_DECL
#include "tcc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "tcc/Transforms/Passes.h.inc"

} // namespace mlir::tcc

#endif // TCC_TRANSFORMS_PASSES_H
