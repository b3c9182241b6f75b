#!/usr/bin/python3
"""tcc-optimizer against torch.optim: every optimizer, schedule and option.

A tiny model (w: 3x4, b: 4, a BatchNorm-like running mean as state, MSE
loss on a batch of 2) is written by hand in MLIR as the
`@forward_loss_grad` / `@forward_loss` pair that tcc-append-loss and
tcc-autodiff produce. For each case the script runs
`tcc-opt --tcc-optimizer=OPTIONS --tcc-drop-param-initializers`, then
`tcc-run --entry train_step` for several consecutive steps (feeding the
returned parameters and state back in, with a new batch each step) and does
the same steps with torch.optim (and torch.optim.lr_scheduler) in float32.
After every step the parameters, the model and optimizer state and the loss
must agree within 1e-6 relative: max|tcc - torch| <= 1e-6 * max|torch|
per tensor. Schedules are checked through the parameters SGD produces with
them (p' = p - lr_t * g, so a wrong rate at any step shows). The last case
checks @eval_step against the torch forward.

Prints one line per case, then `N passed, M failed`; exits 1 on failure.

  /usr/bin/python3 python/tcc_tests/optimizer_parity.py [--tools-dir DIR]
"""
import argparse
import math
import os
import re
import subprocess
import sys
import tempfile
import zlib

import numpy as np
import torch

RTOL = 1e-6
RUN_TIMEOUT_S = 120
DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
BATCH = 2

MODEL = """
module {
  func.func @forward_loss_grad(%w: tensor<3x4xf32> {tcc.param = @w}, %b: tensor<4xf32> {tcc.param = @b},
                               %s: tensor<3xf32> {tcc.state = @running_mean},
                               %x: tensor<2x3xf32> {tcc.input = "x"}, %y: tensor<2x4xf32> {tcc.label})
      -> (tensor<f32>, tensor<2x4xf32>, tensor<3xf32> {tcc.state_update = @running_mean},
          tensor<3x4xf32> {tcc.grad = @w}, tensor<4xf32> {tcc.grad = @b}) {
    %xw = tcc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    %p = tcc.add %xw, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %d = tcc.sub %p, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %d2 = tcc.mul %d, %d : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %sum = tcc.reduce_sum %d2 {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<f32>
    %n = arith.constant dense<8.0> : tensor<f32>
    %loss = tcc.div %sum, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
    %c = arith.constant dense<0.25> : tensor<f32>
    %dp = tcc.mul %d, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
    %xt = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
    %gw = tcc.matmul %xt, %dp : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
    %gb = tcc.reduce_sum %dp {axes = array<i64: 0>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<4xf32>
    %xs = tcc.reduce_sum %x {axes = array<i64: 0>, keep_dims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
    %c05 = arith.constant dense<0.05> : tensor<f32>
    %c09 = arith.constant dense<0.9> : tensor<f32>
    %sd = tcc.mul %s, %c09 : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    %xm = tcc.mul %xs, %c05 : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
    %s2 = tcc.add %sd, %xm : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
    return %loss, %p, %s2, %gw, %gb : tensor<f32>, tensor<2x4xf32>, tensor<3xf32>, tensor<3x4xf32>, tensor<4xf32>
  }
  func.func @forward_loss(%w: tensor<3x4xf32> {tcc.param = @w}, %b: tensor<4xf32> {tcc.param = @b},
                          %s: tensor<3xf32> {tcc.state = @running_mean},
                          %x: tensor<2x3xf32> {tcc.input = "x"}, %y: tensor<2x4xf32> {tcc.label})
      -> (tensor<f32>, tensor<2x4xf32>) {
    %xw = tcc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
    %p = tcc.add %xw, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
    %d = tcc.sub %p, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %d2 = tcc.mul %d, %d : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
    %sum = tcc.reduce_sum %d2 {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<f32>
    %n = arith.constant dense<8.0> : tensor<f32>
    %loss = tcc.div %sum, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
    return %loss, %p : tensor<f32>, tensor<2x4xf32>
  }
}
"""

# Optimizer state slots per optimizer, in @train_step's order (per parameter).
SLOTS = {
    "sgd": [], "momentum": ["momentum_buffer"], "nesterov": ["momentum_buffer"],
    "adam": ["exp_avg", "exp_avg_sq"], "adamw": ["exp_avg", "exp_avg_sq"],
    "adagrad": ["sum"], "rmsprop": ["square_avg"], "lamb": ["exp_avg", "exp_avg_sq"],
}


class Lamb(torch.optim.Optimizer):
    """LAMB as tcc implements it (You et al. 2019, Algorithm 2): Adam moments
    with bias correction, r = m^/(sqrt(v^)+eps) + wd*p, trust ratio
    ||p||/||r|| (1 when either is 0), p -= lr * ratio * r."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                state = self.state[p]
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                m, v, g = state["exp_avg"], state["exp_avg_sq"], p.grad
                m.mul_(beta1).add_(g, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(g, g, value=1 - beta2)
                m_hat = m / (1 - beta1 ** t)
                v_hat = v / (1 - beta2 ** t)
                r = m_hat / (v_hat.sqrt() + group["eps"])
                if group["weight_decay"] != 0:
                    r = r + group["weight_decay"] * p
                pn, rn = p.norm(), r.norm()
                ratio = pn / rn if pn > 0 and rn > 0 else torch.tensor(1.0)
                neg_lr = torch.tensor(-group["lr"], dtype=torch.float32)
                p.add_((neg_lr * ratio) * r)


def make_optimizer(name, params, opts):
    """torch's optimizer for tcc's `optimizer=name` and options dict."""
    kw = {}
    if "lr" in opts:
        kw["lr"] = opts["lr"]
    if "weight-decay" in opts:
        kw["weight_decay"] = opts["weight-decay"]
    if "eps" in opts:
        kw["eps"] = opts["eps"]
    if name == "sgd":
        return torch.optim.SGD(params, **kw)
    if name in ("momentum", "nesterov"):
        return torch.optim.SGD(params, momentum=opts.get("momentum", 0.9),
                               nesterov=name == "nesterov", **kw)
    betas = tuple(opts["betas"]) if "betas" in opts else (0.9, 0.999)
    if name == "adam":
        return torch.optim.Adam(params, betas=betas, **kw)
    if name == "adamw":
        return torch.optim.AdamW(params, betas=betas, **kw)
    if name == "adagrad":
        return torch.optim.Adagrad(params, **kw)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, **kw)
    if name == "lamb":
        return Lamb(params, betas=betas, **kw)
    raise ValueError(name)


def make_scheduler(opt, opts):
    kind = opts.get("lr-schedule", "constant")
    if kind == "constant":
        return None
    if kind == "step":
        return torch.optim.lr_scheduler.StepLR(opt, opts["step-size"], opts["gamma"])
    if kind == "exponential":
        return torch.optim.lr_scheduler.ExponentialLR(opt, opts["gamma"])
    if kind == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, opts["total-steps"])
    if kind == "warmup-cosine":
        warm, total = opts["warmup-steps"], opts["total-steps"]

        def factor(t):  # transformers' get_cosine_schedule_with_warmup, clamped
            if t < warm:
                return float(t) / float(max(1, warm))
            progress = float(t - warm) / float(max(1, total - warm))
            return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
        return torch.optim.lr_scheduler.LambdaLR(opt, factor)
    if kind == "one-cycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            opt, max_lr=opts["lr"], total_steps=opts["total-steps"], cycle_momentum=False)
    raise ValueError(kind)


def option_string(name, opts):
    parts = [f"optimizer={name}"]
    for key, value in opts.items():
        if isinstance(value, (list, tuple)):
            value = ",".join(repr(v) for v in value)
        parts.append(f"{key}={value}")
    return " ".join(parts)


def rel_error(got, want):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if got.shape != want.shape:
        return math.inf
    scale = max(np.max(np.abs(want)), 1e-30)
    return float(np.max(np.abs(got - want)) / scale)


class Case:
    def __init__(self, label, optimizer, opts, steps=3, accum=1):
        self.label, self.optimizer, self.opts = label, optimizer, opts
        self.steps, self.accum = steps, accum


def reference_run(case, w0, b0, batches):
    """torch.optim on the same model and batches: per step (w, b, state, slots, loss)."""
    w = torch.tensor(w0, requires_grad=True)
    b = torch.tensor(b0, requires_grad=True)
    running = torch.zeros(3)
    opt = make_optimizer(case.optimizer, [w, b], case.opts)
    sched = make_scheduler(opt, case.opts)
    l1, l2 = case.opts.get("l1", 0.0), case.opts.get("l2", 0.0)
    out = []
    for x, y in batches:
        opt.zero_grad()
        total = torch.zeros(())
        for k in range(case.accum):
            xk = torch.from_numpy(x[k * BATCH:(k + 1) * BATCH])
            yk = torch.from_numpy(y[k * BATCH:(k + 1) * BATCH])
            loss = ((xk @ w + b - yk) ** 2).sum() / 8
            (loss / case.accum).backward()
            total = total + loss.detach()
            running = running * 0.9 + xk.sum(0) * 0.05
        loss = total / case.accum
        if l1 or l2:
            reg = l1 * (w.abs().sum() + b.abs().sum()) + l2 * ((w * w).sum() + (b * b).sum())
            reg.backward()
            loss = loss + reg.detach()
        if "clip-grad-norm" in case.opts:
            torch.nn.utils.clip_grad_norm_([w, b], case.opts["clip-grad-norm"])
        opt.step()
        if sched:
            sched.step()
        slots = [opt.state[p][s].detach().numpy().copy()
                 for p in (w, b) for s in SLOTS[case.optimizer]]
        out.append((w.detach().numpy().copy(), b.detach().numpy().copy(),
                    running.numpy().copy(), slots, loss.item()))
    return out


def run_tool(cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    if proc.returncode != 0:
        lines = [l for l in (proc.stderr + proc.stdout).splitlines() if "error" in l]
        raise RuntimeError(f"{os.path.basename(cmd[0])} exit {proc.returncode}: "
                           + (lines[0] if lines else proc.stderr.strip()[:300]))


def tcc_step(tools, mlir, entry, args, work):
    for i, a in enumerate(args):
        np.save(os.path.join(work, f"arg{i}.npy"), a)
    out_dir = os.path.join(work, "out")
    cmd = [os.path.join(tools, "tcc-run"), mlir, "--entry", entry, "--output-dir", out_dir]
    for i in range(len(args)):
        cmd += ["--input", os.path.join(work, f"arg{i}.npy")]
    run_tool(cmd)
    outs = []
    i = 0
    while os.path.exists(os.path.join(out_dir, f"output_{i}.npy")):
        outs.append(np.load(os.path.join(out_dir, f"output_{i}.npy")))
        os.remove(os.path.join(out_dir, f"output_{i}.npy"))
        i += 1
    return outs


def compile_case(tools, case, work):
    src = os.path.join(work, "model.mlir")
    with open(src, "w") as f:
        f.write(MODEL)
    out = os.path.join(work, "train.mlir")
    opts = dict(case.opts)
    if case.accum > 1:
        opts["grad-accum"] = case.accum
    run_tool([os.path.join(tools, "tcc-opt"), src,
              f"--tcc-optimizer={option_string(case.optimizer, opts)}",
              "--tcc-drop-param-initializers", "-o", out])
    # tcc-run fills `tcc.state` arguments from their globals; this test feeds
    # every argument itself (the values of the previous step), so it drops
    # the marks as tcc-drop-param-initializers does for parameters.
    with open(out) as f:
        text = f.read()
    with open(out, "w") as f:
        f.write(re.sub(r" \{tcc\.state = @[\w.]+\}", "", text))
    return out


def check_case(tools, case, work):
    """Returns the worst relative error over all steps and tensors."""
    rng = np.random.default_rng(zlib.crc32(case.label.encode()))
    w0 = rng.standard_normal((3, 4)).astype(np.float32)
    b0 = rng.standard_normal(4).astype(np.float32)
    rows = BATCH * case.accum
    batches = [(rng.standard_normal((rows, 3)).astype(np.float32),
                rng.standard_normal((rows, 4)).astype(np.float32))
               for _ in range(case.steps)]
    want = reference_run(case, w0, b0, batches)
    mlir = compile_case(tools, case, work)

    w, b, running = w0, b0, np.zeros(3, np.float32)
    slots = [np.zeros_like(p) for p in (w0, b0) for _ in SLOTS[case.optimizer]]
    worst = 0.0
    for step, ((x, y), ref) in enumerate(zip(batches, want)):
        args = [w, b, running] + slots + [x, y, np.array(step, np.int64)]
        outs = tcc_step(tools, mlir, "train_step", args, work)
        if len(outs) != 4 + len(slots):
            raise RuntimeError(f"train_step returned {len(outs)} results")
        w, b, running = outs[0], outs[1], outs[2]
        slots, loss = outs[3:-1], outs[-1]
        ref_w, ref_b, ref_running, ref_slots, ref_loss = ref
        errors = [rel_error(w, ref_w), rel_error(b, ref_b), rel_error(running, ref_running),
                  rel_error(loss, ref_loss)]
        errors += [rel_error(s, r) for s, r in zip(slots, ref_slots)]
        if max(errors) > RTOL:
            names = ["w", "b", "running_mean", "loss"] + [
                f"{p}.{s}" for p in "wb" for s in SLOTS[case.optimizer]]
            bad = max(zip(errors, names))
            raise RuntimeError(f"step {step}: {bad[1]} differs by {bad[0]:.2e} relative")
        worst = max(worst, max(errors))
    return worst


def check_eval(tools, work):
    """@eval_step: (loss, predictions) of @forward_loss at the given parameters."""
    case = Case("eval", "adam", {"lr": 0.01})
    mlir = compile_case(tools, case, work)
    rng = np.random.default_rng(7)
    w = rng.standard_normal((3, 4)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    x = rng.standard_normal((2, 3)).astype(np.float32)
    y = rng.standard_normal((2, 4)).astype(np.float32)
    zeros = [np.zeros_like(w), np.zeros_like(w), np.zeros_like(b), np.zeros_like(b)]
    loss, preds = tcc_step(tools, mlir, "eval_step", [w, b, np.zeros(3, np.float32)] + zeros + [x, y], work)
    tw, tb = torch.from_numpy(w), torch.from_numpy(b)
    ref_preds = torch.from_numpy(x) @ tw + tb
    ref_loss = ((ref_preds - torch.from_numpy(y)) ** 2).sum() / 8
    err = max(rel_error(loss, ref_loss.item()), rel_error(preds, ref_preds.numpy()))
    if err > RTOL:
        raise RuntimeError(f"eval_step differs by {err:.2e} relative")
    return err


def cases():
    base = {"sgd": 0.1, "momentum": 0.1, "nesterov": 0.1, "adam": 0.01, "adamw": 0.01,
            "adagrad": 0.1, "rmsprop": 0.01, "lamb": 0.01}
    out = []
    for name, lr in base.items():
        out.append(Case(f"{name}", name, {"lr": lr}))
        out.append(Case(f"{name} weight-decay", name, {"lr": lr, "weight-decay": 0.1}))
    # torch.optim's defaults where tcc's options are left out.
    out.append(Case("adam defaults", "adam", {}))
    out.append(Case("adamw defaults (weight decay 0.01)", "adamw", {}))
    out.append(Case("adagrad defaults (eps 1e-10)", "adagrad", {}))
    out.append(Case("rmsprop defaults", "rmsprop", {}))
    out.append(Case("momentum 0.5", "momentum", {"lr": 0.1, "momentum": 0.5}))
    # Large eps, so that where eps enters the update shows.
    for name in ("adam", "adamw", "adagrad", "rmsprop", "lamb"):
        out.append(Case(f"{name} eps 0.1", name, {"lr": 0.01, "eps": 0.1}))
    out.append(Case("adam betas 0.8,0.99 eps 1e-6", "adam",
                    {"lr": 0.01, "betas": [0.8, 0.99], "eps": 1e-6}))
    # Schedules, through SGD's parameters (and Adam's bias correction).
    sgd = {"lr": 0.1}
    out.append(Case("schedule constant", "sgd", dict(sgd), steps=4))
    out.append(Case("schedule step", "sgd",
                    dict(sgd, **{"lr-schedule": "step", "step-size": 2, "gamma": 0.5}), steps=6))
    out.append(Case("schedule exponential", "sgd",
                    dict(sgd, **{"lr-schedule": "exponential", "gamma": 0.8}), steps=5))
    out.append(Case("schedule cosine (past total-steps)", "sgd",
                    dict(sgd, **{"lr-schedule": "cosine", "total-steps": 4}), steps=6))
    out.append(Case("schedule warmup-cosine (past total-steps)", "sgd",
                    dict(sgd, **{"lr-schedule": "warmup-cosine", "warmup-steps": 2,
                                 "total-steps": 5}), steps=7))
    out.append(Case("schedule one-cycle", "sgd",
                    dict(sgd, **{"lr-schedule": "one-cycle", "total-steps": 8}), steps=8))
    out.append(Case("schedule cosine with adamw", "adamw",
                    {"lr": 0.01, "lr-schedule": "cosine", "total-steps": 3}, steps=3))
    # Gradient accumulation, clipping, regularization.
    out.append(Case("grad-accum 2 (adam)", "adam", {"lr": 0.01}, accum=2))
    out.append(Case("grad-accum 3 (momentum)", "momentum", {"lr": 0.1}, accum=3))
    out.append(Case("clip-grad-norm active (momentum)", "momentum",
                    {"lr": 0.1, "clip-grad-norm": 0.05}))
    out.append(Case("clip-grad-norm inactive (sgd)", "sgd", {"lr": 0.1, "clip-grad-norm": 1e3}))
    out.append(Case("l1 + l2 (sgd)", "sgd", {"lr": 0.1, "l1": 0.01, "l2": 0.02}))
    out.append(Case("l2 + weight decay (adam)", "adam",
                    {"lr": 0.01, "l2": 0.05, "weight-decay": 0.1}))
    out.append(Case("everything (lamb)", "lamb",
                    {"lr": 0.01, "weight-decay": 0.01, "l1": 0.01, "clip-grad-norm": 0.1,
                     "lr-schedule": "warmup-cosine", "warmup-steps": 1, "total-steps": 3},
                    accum=2))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools-dir", default=DEFAULT_TOOLS)
    parser.add_argument("-k", default="", help="only cases whose label contains this")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="tcc-optimizer-parity-") as work:
        checks = [(c.label, lambda c=c: check_case(args.tools_dir, c, work)) for c in cases()]
        checks.append(("eval_step", lambda: check_eval(args.tools_dir, work)))
        for label, check in checks:
            if args.k not in label:
                continue
            try:
                err = check()
                print(f"PASS {label}: max relative error {err:.1e}")
                passed += 1
            except Exception as e:  # noqa: BLE001 - report and go on
                print(f"FAIL {label}: {e}")
                failed += 1
            sys.stdout.flush()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
