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
    `tcc.param` (and `tcc.state`) references to them, and every other
    `tcc.*` interface attribute of arguments and results (input and output
    names, labels, gradients, ...), leaving a module code generation can
    lower. Globals that are still used by an op are kept.
  }];
  let dependentDialects = ["::mlir::ml_program::MLProgramDialect"];
}

def AppendLossPass : Pass<"tcc-append-loss", "::mlir::ModuleOp"> {
  let summary = "Append a loss to the forward function";
  let description = [{
    Creates `@<function>_loss(params..., inputs..., labels) -> (loss,
    outputs...)` from `@<function>(params..., inputs...) -> outputs` (the
    first output is the prediction). Result 0 is the loss, a 0-d f32 tensor
    (computed in the prediction's float type), mean-reduced unless
    `reduction=sum`; results 1.. are the forward's outputs, unchanged. The
    new `labels` argument
    carries `{tcc.label}` (a forward that already has such an argument keeps
    it, and its type must fit the loss). Semantics are PyTorch's:
    `cross-entropy` (int64 class labels of the prediction's shape minus its
    last (class) dimension; optional `label-smoothing` in [0, 1) and
    per-class `class-weights`, averaged like torch.nn.CrossEntropyLoss: the
    mean divides by the sum of the labels' weights; a label outside [0, C)
    contributes nothing and never reads out of bounds), `mse`, `l1`,
    `bce-with-logits` (float targets of the prediction's shape, computed as
    max(x,0) - x*y + log(1 + exp(-|x|))), and `output` (the first output
    already is the loss, a 0-d f32 tensor: the loss function is the forward
    itself, renamed, with no labels).
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

def OptimizerPass : Pass<"tcc-optimizer", "::mlir::ModuleOp"> {
  let summary = "Build the training step (optimizer, schedule) and the "
                "evaluation step";
  let description = [{
    From `@forward_loss_grad(params..., state..., inputs..., labels...) ->
    (loss, preds..., state_updates..., grads...)` (arguments marked
    `tcc.param` / `tcc.state` / `tcc.input` / `tcc.label`, results
    `tcc.state_update` / `tcc.grad`) builds

    ```
    @train_step(params..., state..., opt_state..., inputs..., labels...,
                %step: tensor<i64> {tcc.step})
        -> (params'..., state'..., opt_state'..., loss)
    @eval_step(params..., state..., opt_state..., inputs..., labels...)
        -> (loss, preds...)
    ```

    Optimizer state arguments carry `{tcc.state = @<param>.<slot>}` (slots
    named as in torch.optim's state: `momentum_buffer`, `exp_avg`,
    `exp_avg_sq`, `sum`, `square_avg`), one zero-initialized
    `ml_program.global` each, ordered parameter by parameter. `%step` is the
    number of optimizer steps already taken; the learning rate and Adam's
    bias corrections are computed from it in the IR (in f64, then rounded to
    f32, as torch.optim does with Python floats).

    Optimizers follow torch.optim 1.13 exactly (`sgd` = SGD without
    momentum, `momentum` / `nesterov` = SGD with that momentum, dampening 0;
    weight decay is added to the gradient except for `adamw`, where it is
    decoupled; `rmsprop` is non-centered without momentum; `adagrad` has
    lr_decay 0 and initial accumulator 0). `lamb` follows You et al. 2019:
    Adam moments with bias correction, `r = m^/(sqrt(v^)+eps) + wd*p`,
    `p -= lr * (||p||/||r||) * r`, the ratio being 1 when either norm is 0.
    Unset `lr`, `eps` and `weight-decay` take the optimizer's torch default
    (sgd, momentum and nesterov require `lr`; adamw's weight decay is 0.01;
    adagrad's eps 1e-10; lamb's eps 1e-6).

    Schedules (learning rate at step t, torch.optim.lr_scheduler semantics):
    `constant`; `step` (StepLR: lr * gamma^floor(t/step-size));
    `exponential` (ExponentialLR: lr * gamma^t); `cosine`
    (CosineAnnealingLR, T_max = total-steps, eta_min = 0);
    `warmup-cosine` (lr * t/warmup-steps while t < warmup-steps, then
    lr * (1 + cos(pi * p)) / 2 with p = (t - warmup) / (total - warmup)
    clamped to 1: transformers' get_cosine_schedule_with_warmup, staying at
    0 after total-steps); `one-cycle` (OneCycleLR with max_lr = lr, cosine
    annealing, pct-start / div-factor / final-div-factor, momentum cycling
    off; t is clamped to total-steps - 1 where torch would raise).

    Per optimizer step, in order: the gradients of `grad-accum` = K
    micro-batches are averaged (every input and label then has K times the
    model's first dimension, micro-batch k being rows [k*B, (k+1)*B); model
    state flows through the micro-batches in order; the loss is the mean of
    the K losses), then the regularization terms `l1 * sum|p| + l2 * sum p^2`
    over all parameters are added to the loss and their gradients
    (`l1 * sign(p) + 2 * l2 * p`) to the gradients (unlike weight decay they
    go through clipping and the optimizer's moment estimates), then
    `clip-grad-norm` scales all gradients by min(1, max/(norm + 1e-6))
    with norm their global L2 norm (torch.nn.utils.clip_grad_norm_), then
    the optimizer updates the parameters. The returned loss includes the
    regularization terms. Parameters without a `tcc.grad` result are
    returned unchanged and get no optimizer state. `@eval_step` inlines
    `@forward_eval_loss` (the inference-mode variant) when it exists, else
    `@forward_loss`, on one micro-batch.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"forward_loss_grad\"",
           "The loss-and-gradients function">,
    Option<"evalFunction", "eval-function", "std::string", "\"\"",
           "The evaluation function (default: forward_eval_loss if it "
           "exists, else forward_loss)">,
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "sgd | momentum | nesterov | adam | adamw | adagrad | rmsprop | "
           "lamb">,
    // Unset (NaN) options take the optimizer's torch.optim default.
    Option<"lr", "lr", "double", "std::numeric_limits<double>::quiet_NaN()",
           "Learning rate (default: the optimizer's torch.optim default)">,
    Option<"momentum", "momentum", "double", "0.9",
           "Momentum of the momentum and nesterov optimizers">,
    Option<"weightDecay", "weight-decay", "double",
           "std::numeric_limits<double>::quiet_NaN()",
           "Weight decay (default 0, adamw 0.01)">,
    ListOption<"betas", "betas", "double",
               "Adam, AdamW and LAMB betas (default 0.9,0.999)">,
    Option<"eps", "eps", "double", "std::numeric_limits<double>::quiet_NaN()",
           "Denominator epsilon (default 1e-8, adagrad 1e-10, lamb 1e-6)">,
    Option<"alpha", "alpha", "double", "0.99",
           "RMSprop smoothing constant">,
    Option<"lrSchedule", "lr-schedule", "std::string", "\"constant\"",
           "constant | step | exponential | cosine | warmup-cosine | "
           "one-cycle">,
    Option<"stepSize", "step-size", "int64_t", "0",
           "Steps between decays of the step schedule">,
    Option<"gamma", "gamma", "double", "0.1",
           "Decay factor of the step and exponential schedules">,
    Option<"warmupSteps", "warmup-steps", "int64_t", "0",
           "Linear warmup steps of warmup-cosine">,
    Option<"totalSteps", "total-steps", "int64_t", "0",
           "Schedule length of cosine, warmup-cosine and one-cycle">,
    Option<"pctStart", "pct-start", "double", "0.3",
           "one-cycle: fraction of the steps spent increasing the rate">,
    Option<"divFactor", "div-factor", "double", "25.0",
           "one-cycle: initial rate = lr / div-factor">,
    Option<"finalDivFactor", "final-div-factor", "double", "1e4",
           "one-cycle: final rate = initial rate / final-div-factor">,
    Option<"gradAccum", "grad-accum", "int64_t", "1",
           "Micro-batches per optimizer step">,
    Option<"clipGradNorm", "clip-grad-norm", "double", "0.0",
           "Maximal global L2 norm of the gradients (0: no clipping)">,
    Option<"l1", "l1", "double", "0.0", "L1 regularization coefficient">,
    Option<"l2", "l2", "double", "0.0", "L2 regularization coefficient">
  ];
  let dependentDialects = ["::mlir::tcc::TccDialect",
                           "::mlir::ml_program::MLProgramDialect"];
}

#endif // TCC_TRANSFORMS_PASSES_TD
