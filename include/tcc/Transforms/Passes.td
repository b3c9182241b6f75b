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

def FormKernelsPass : Pass<"tcc-form-kernels", "::mlir::func::FuncOp"> {
  let summary = "Fuse linalg-on-tensors ops into kernels by a memory-traffic "
                "cost rule";
  let description = [{
    Target-independent kernel formation, run after `convert-tcc-to-linalg`
    and before bufferization. Each linalg op is a kernel that reads its
    operands and writes its results once; fusing a producer into a consumer
    saves the bytes of the intermediate tensor and may cost recomputation.
    One scalar op per iteration point counts as one byte of traffic (a
    division or square root as 4 ops, a transcendental function as 16).

    * A producer `P` (an all-parallel `linalg.generic`) is fused into a
      consumer generic `C` (upstream elementwise fusion) when

          ops(P) * max(points(C) - points(P), 0)
              <= |r| + sum of |results of P that only C reads|

      i.e. the work duplicated (when `C` broadcasts `P`'s result over more
      points) is at most the bytes saved (the consumer's read of `r`, and
      the writes of results no other op reads). When `P`'s results are also
      used elsewhere and `C` visits exactly `P`'s points (no broadcast)
      before those uses, one kernel computes both and writes `P`'s results
      too (nothing is recomputed); into a reduction only when `r` itself has
      no other reader (its write is saved too: a reduction writes `P`'s
      other results in its own loop order, which one saved read does not
      pay for). Otherwise `P` stays for its
      other readers and `C` would recompute it: saved is `|r|` less
      `|inputs of P|`, the extra work `ops(P) * points(C)`. This fuses
      elementwise chains, broadcasts and elementwise producers of reductions
      (softmax, norms, losses), and the elementwise chains of an optimizer
      update into one kernel per parameter. Transposes and broadcasts read
      only by such generics become generics, so they fuse too.
    * A producer with several consumers is copied into all of them when
      `|r| * (1 + n) - |inputs of P| * (n - 1)` (bytes saved by n copies)
      is at least `ops(P) * (sum of points(C) - points(P))`: cheap
      producers (broadcasts, a subtraction) are recomputed, expensive ones
      (exp, log) are computed once and their result is read again.
    * Reductions over the same iteration space that read a common input
      with the same indexing map, the later one not depending on the
      earlier, become one kernel with both results (BatchNorm backward's
      sum(dy), sum(dy * xhat), sum(dy * (x - mean))): the input is read
      once, nothing is recomputed.
    * Nothing is fused into a contraction or convolution (a producer would
      run once per step of the K loop, and the contraction would no longer
      be recognized by the backend's tiler).
    * `add(contraction(A, B, init = zeros), Y)` becomes
      `contraction(A, B, init = broadcast(Y))` (bias, residual and
      gradient-accumulation additions): the add kernel disappears at no extra
      work, since a contraction adds its products to its init.
    * Reshapes fold into single-use generics (upstream folding by
      expansion).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect"];
}

def CloneFillInitsPass : Pass<"tcc-clone-fill-inits", "::mlir::func::FuncOp"> {
  let summary = "Give each destination-style op its own filled init tensor";
  let description = [{
    CSE merges identical `linalg.fill`s, so every contraction (and
    reduction) of a function ends up accumulating into one shared zero
    tensor. One-shot bufferization must then keep that tensor intact for
    its other readers: it allocates one zero buffer and copies it into each
    accumulator (a `memref.copy` of the whole output per matmul). This pass
    runs just before bufferization and gives every use of a fill as the
    init (DPS "outs" operand) of another op a fill of its own, cloned right
    before that op together with the `tensor.empty` it fills; the fill then
    bufferizes into the op's own output buffer (a memset, no copy, and a
    pattern later passes can fold into the op). Fills used as inputs keep
    the original.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def InPlaceOutParamsPass
    : Pass<"tcc-in-place-out-params", "::mlir::func::FuncOp"> {
  let summary = "Write results into their out-params, safely aliasing inputs";
  let description = [{
    Runs after `buffer-results-to-out-params{add-result-attr}` (out-params
    carry `bufferize.result`, which this pass removes). tcc's step ABI lets
    the caller pass the same buffer as argument k and as the out-param of
    result k (in-place updates of parameters and optimizer state); the
    compiled function must then stay correct. For each such pair of equal
    static types, in order of preference (an out-param with no argument of
    its type in its place only gets steps 1 and 2):

    1. the allocation of the result is replaced by the out-param (no copy,
       no temporary), when no use of argument k follows a use of that
       buffer, except one elementwise linalg op reading argument k at the
       index it writes (parallel loops, equal bijective indexing maps);
    2. else the last op using the result, an elementwise linalg op that
       overwrites it (its payload ignores the init's value; it may read the
       old contents as an input), writes the out-param instead, under the
       same rule (the temporary keeps its earlier uses);
    3. else the final copy stays, if no read of argument k follows it;
    4. else argument k is copied on entry into a temporary that every read
       uses.

    Functions that are not a single block keep their copies (with a
    warning: their out-params must not alias inputs).
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def PlanBuffersPass : Pass<"tcc-plan-buffers", "::mlir::ModuleOp"> {
  let summary = "Place the buffers of each function in one static arena";
  let description = [{
    Runs on bufferized functions, before deallocations are inserted. Every
    statically shaped, identity-layout `memref.alloc` of a function's entry
    block whose buffer (and every view of it) stays inside the function
    becomes a `memref.view` of `@__tcc_arena_<function>`, an uninitialized
    `memref.global` aligned to 64 bytes: the function allocates nothing at
    run time, and is not reentrant (one call at a time). A buffer lives from
    its allocation to the entry-block op holding its last use (an op with
    regions, a loop, counts as a whole); buffers with disjoint lifetimes
    share bytes. Offsets (multiples of 64) are assigned largest buffer
    first, each at the lowest offset free during its lifetime. The global
    records `tcc.unshared_bytes` (the buffers' total without sharing) and
    `tcc.buffers`. Other allocations (dynamic shapes, nested in regions,
    escaping) are left to the deallocation pipeline.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // TCC_TRANSFORMS_PASSES_TD
