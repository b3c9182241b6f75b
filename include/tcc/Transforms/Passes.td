//===- Passes.td - tcc transformation passes --------------*- tablegen -*-===//

#ifndef TCC_TRANSFORMS_PASSES_TD
#define TCC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DropParamInitializersPass
    : Pass<"tcc-drop-param-initializers", "::mlir::ModuleOp"> {
  let summary = "Remove the initial values of parameters from the module";
  let description = [{
    Imported models keep each parameter's initial value in an
    `ml_program.global` named by the `tcc.param` attribute of the function
    argument that receives it. Once the runtime has taken the initial values
    (or when only code is wanted), this pass erases those globals and the
    `tcc.param` references to them, and the `tcc.input` / `tcc.output`
    names of graph inputs and outputs, leaving a module code generation can
    lower. Globals that are still used by an op are kept.
  }];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

def AppendLossPass : Pass<"tcc-append-loss", "::mlir::ModuleOp"> {
  let summary = "Append a loss to the forward function";
  let description = [{
    Creates `@<function>_loss(params..., inputs..., labels) -> loss` from
    `@<function>(params..., inputs...) -> outputs` (the first output is the
    prediction). The new `labels` argument carries `{tcc.label}`; the loss is
    a 0-d f32 tensor, mean-reduced over the batch unless `reduction=sum`.
    Losses: `cross-entropy` (integer class labels of the prediction's shape
    minus its last (class) dimension; optional `label-smoothing` and
    per-class `class-weights`, averaged like torch.nn.CrossEntropyLoss),
    `mse`, `l1`, `bce-with-logits` (float targets of the prediction's
    shape), and `output` (the model's first output already is the loss).
  }];
  let options = [
    Option<"function", "function", "std::string", "\"forward\"",
           "The forward function">,
    Option<"loss", "loss", "std::string", "\"cross-entropy\"",
           "cross-entropy | mse | l1 | bce-with-logits | output">,
    Option<"reduction", "reduction", "std::string", "\"mean\"",
           "mean | sum">,
    Option<"labelSmoothing", "label-smoothing", "double", "0.0",
           "Label smoothing for cross-entropy, in [0, 1)">,
    ListOption<"classWeights", "class-weights", "double",
               "Per-class weights for cross-entropy">
  ];
}

def AutodiffPass : Pass<"tcc-autodiff", "::mlir::ModuleOp"> {
  let summary = "Reverse-mode differentiation of a scalar-valued function";
  let description = [{
    From `@f(args...) -> (loss, extra...)` with a 0-d float `loss`, builds
    `@f_grad(args...) -> (loss, extra..., grads...)` with one gradient per
    argument carrying `{tcc.param}` (or per float argument with `all-args`).
    The pass is generic: each op states its vector-Jacobian product through
    `DifferentiableOpInterface`. Cotangents of values used several times are
    summed; integer and boolean values carry no gradient; an op that needs a
    rule and has none is an error naming it.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"forward_loss\"",
           "The function to differentiate">,
    Option<"allArgs", "all-args", "bool", "false",
           "Differentiate with respect to every float argument, not only "
           "parameters">
  ];
  let dependentDialects = ["::mlir::tcc::TccDialect"];
}

#endif // TCC_TRANSFORMS_PASSES_TD
