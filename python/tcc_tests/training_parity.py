#!/usr/bin/python3
"""Training parity: tcc-compile's training binaries against PyTorch eager.

For each case the script exports a PyTorch model to ONNX (TRAINING mode,
opset 17), compiles it with `tcc-compile --emit=exe` and the case's loss and
optimizer flags, writes the case's batches in order as .npy, runs
`BIN --train X.npy Y.npy --steps S --no-shuffle --log L.jsonl` and compares
the loss of every step with PyTorch training a freshly built copy of the
same model (same seed, hence the same initial weights; a fresh copy because
the TRAINING-mode export runs a forward pass that moves BatchNorm's running
statistics) on the same batches in the same order: zero_grad, loss,
backward, [clip], step, [scheduler step].

Cases:
  mlp, cnn, gpt     the reference workloads (tcc_models/reference.py), 50
                    steps each with their own optimizer and batch size; every
                    loss within 5e-3 relative of PyTorch's;
  shared-weights, dropout-p0, relu-at-zero, opt-*, sched-*, grad-accum,
  clip-grad-norm, label-smoothing
                    tiny models (tcc_testmodels/parity_models.py), 15 steps,
                    within 1e-4 relative: every optimizer, every LR schedule
                    (mapped to torch.optim.lr_scheduler as
                    lib/Transforms/Optimizer.cpp documents), gradient
                    accumulation, clipping and label smoothing. LAMB, which
                    torch lacks, is implemented here from You et al. 2019.

Per case it prints the worst relative loss error (and its step), the first
and last loss of both sides, and, for information only, tcc's compile time
and the median step time of both (tcc's from the arrival times of its log
lines). Cases run `--jobs` at a time (default 2). Closing line
`N passed, M failed`; exit status 1 on any failure.

  /usr/bin/python3 python/tcc_tests/training_parity.py [--tools-dir DIR]
      [--only NAME[,NAME...]] [--jobs N] [--keep]
"""
import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tcc_models import reference  # noqa: E402
from tcc_testmodels import parity_models  # noqa: E402

DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
WORKLOAD_RTOL = 5e-3
EXTRA_RTOL = 1e-4
WORKLOAD_STEPS = 50
EXTRA_STEPS = 15
EXTRA_BATCH = 8
COMPILE_TIMEOUT_S = 600
TRAIN_TIMEOUT_S = 1200

# torch.onnx.export and torch.manual_seed use process-wide state: building
# and exporting models is serialized across the worker threads.
_TORCH_GLOBAL = threading.Lock()


class Lamb(torch.optim.Optimizer):
    """LAMB (You et al. 2019, Algorithm 2, with Adam's bias correction):
    m = b1 m + (1-b1) g, v = b2 v + (1-b2) g^2, r = m^/(sqrt(v^)+eps) + wd p,
    p -= lr * (||p|| / ||r||) * r per parameter tensor, the trust ratio being
    1 when either norm is 0."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-6, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            b1, b2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                st = self.state[p]
                if not st:
                    st["step"] = 0
                    st["exp_avg"] = torch.zeros_like(p)
                    st["exp_avg_sq"] = torch.zeros_like(p)
                st["step"] += 1
                t, m, v, g = st["step"], st["exp_avg"], st["exp_avg_sq"], p.grad
                m.mul_(b1).add_(g, alpha=1 - b1)
                v.mul_(b2).addcmul_(g, g, value=1 - b2)
                r = (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + group["eps"])
                if group["weight_decay"]:
                    r = r + group["weight_decay"] * p
                pn, rn = p.norm(), r.norm()
                ratio = (pn / rn).item() if pn > 0 and rn > 0 else 1.0
                p.add_(r, alpha=-group["lr"] * ratio)


class Case:
    """One parity comparison. `build()` returns a fresh seeded model,
    `export(model, path, x)` writes its ONNX file, `data()` the (x, y) rows
    of all steps in order, `optimizer(params)` / `scheduler(opt)` the torch
    side of `flags`."""

    def __init__(self, name, build, data, batch, flags, optimizer, scheduler=None,
                 steps=EXTRA_STEPS, rtol=EXTRA_RTOL, accum=1, clip=None, smoothing=0.0,
                 loss=None, export=None, check_init=False):
        self.name, self.build, self.data, self.batch = name, build, data, batch
        self.flags, self.optimizer, self.scheduler = flags, optimizer, scheduler
        self.steps, self.rtol, self.accum, self.clip = steps, rtol, accum, clip
        self.smoothing, self.check_init = smoothing, check_init
        self.loss = loss or (lambda logits, y: F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]), y.reshape(-1), label_smoothing=smoothing))
        self.export = export or export_training


def export_training(model, path, example):
    torch.onnx.export(model, example, path, opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING,
                      input_names=["input"], output_names=["logits"])


# ------------------------------------------------------------------ cases
def workload_cases():
    adamw = lambda lr: ["--optimizer", "adamw", "--lr", str(lr), "--weight-decay", "0.01"]
    flags = {
        "mlp": adamw(1e-3),
        "cnn": ["--optimizer", "momentum", "--lr", "0.01", "--momentum", "0.9",
                "--weight-decay", "0"],
        "gpt": adamw(3e-4),
    }
    out = []
    for name in ("gpt", "cnn", "mlp"):  # longest first: it overlaps the others
        rows = WORKLOAD_STEPS * reference.batch_size(name)

        def data(name=name, rows=rows):
            x, y = reference.data(name, "train")
            return np.ascontiguousarray(x[:rows]), np.ascontiguousarray(y[:rows])

        out.append(Case(
            name, build=lambda name=name: reference.build(name), data=data,
            batch=reference.batch_size(name), flags=flags[name],
            optimizer=lambda ps, name=name: reference.make_optimizer(name, ps),
            steps=WORKLOAD_STEPS, rtol=WORKLOAD_RTOL, loss=reference.loss_fn,
            export=lambda model, path, x, name=name: reference.export(name, path),
            check_init=True))
    return out


def sched(kind, **kw):
    """torch.optim.lr_scheduler for tcc's --lr-schedule=kind (Passes.td)."""
    def make(opt):
        lr = opt.param_groups[0]["lr"]
        if kind == "step":
            return torch.optim.lr_scheduler.StepLR(opt, kw["step_size"], kw["gamma"])
        if kind == "exponential":
            return torch.optim.lr_scheduler.ExponentialLR(opt, kw["gamma"])
        if kind == "cosine":
            return torch.optim.lr_scheduler.CosineAnnealingLR(opt, kw["total"])
        if kind == "warmup-cosine":  # transformers' get_cosine_schedule_with_warmup
            warm, total = kw["warmup"], kw["total"]

            def factor(t):
                if t < warm:
                    return float(t) / float(max(1, warm))
                progress = float(t - warm) / float(max(1, total - warm))
                return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
            return torch.optim.lr_scheduler.LambdaLR(opt, factor)
        if kind == "one-cycle":
            return torch.optim.lr_scheduler.OneCycleLR(
                opt, max_lr=lr, total_steps=kw["total"], cycle_momentum=False)
        raise ValueError(kind)
    return make


def extra_cases():
    def small(name, model, flags, optimizer, scheduler=None, accum=1, clip=None,
              smoothing=0.0):
        rows = EXTRA_STEPS * accum * EXTRA_BATCH
        return Case(name, build=lambda: parity_models.build(model),
                    data=lambda: parity_models.batch(rows, seed=len(name)),
                    batch=EXTRA_BATCH, flags=flags, optimizer=optimizer, scheduler=scheduler,
                    accum=accum, clip=clip, smoothing=smoothing)

    sgd = lambda lr: (["--optimizer", "sgd", "--lr", str(lr)],
                      lambda ps: torch.optim.SGD(ps, lr=lr))
    mom = (["--optimizer", "momentum", "--lr", "0.05", "--momentum", "0.9"],
           lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9))
    adam = (["--optimizer", "adam", "--lr", "0.01"], lambda ps: torch.optim.Adam(ps, lr=0.01))
    opts = {
        "sgd": sgd(0.1),
        "momentum": mom,
        "nesterov": (["--optimizer", "nesterov", "--lr", "0.05", "--momentum", "0.8",
                      "--weight-decay", "0.001"],
                     lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, nesterov=True,
                                                weight_decay=0.001)),
        "adam": (["--optimizer", "adam", "--lr", "0.01", "--weight-decay", "0.001"],
                 lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.001)),
        "adamw": (["--optimizer", "adamw", "--lr", "0.01", "--weight-decay", "0.05",
                   "--betas", "0.8,0.99"],
                  lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.05, betas=(0.8, 0.99))),
        "adagrad": (["--optimizer", "adagrad", "--lr", "0.05"],
                    lambda ps: torch.optim.Adagrad(ps, lr=0.05)),
        "rmsprop": (["--optimizer", "rmsprop", "--lr", "0.001"],
                    lambda ps: torch.optim.RMSprop(ps, lr=0.001)),
        "lamb": (["--optimizer", "lamb", "--lr", "0.01", "--weight-decay", "0.01"],
                 lambda ps: Lamb(ps, lr=0.01, weight_decay=0.01)),
    }
    out = [small("shared-weights", "shared", *adam), small("dropout-p0", "dropout0", *adam),
           small("relu-at-zero", "relu0", *adam)]
    out += [small("opt-" + k, "small", *v) for k, v in opts.items()]
    total = str(EXTRA_STEPS)
    schedules = {
        "constant": (["--lr-schedule", "constant"], None),
        "step": (["--lr-schedule", "step", "--step-size", "4", "--gamma", "0.5"],
                 sched("step", step_size=4, gamma=0.5)),
        "exponential": (["--lr-schedule", "exponential", "--gamma", "0.85"],
                        sched("exponential", gamma=0.85)),
        "cosine": (["--lr-schedule", "cosine", "--total-steps", total],
                   sched("cosine", total=EXTRA_STEPS)),
        "warmup-cosine": (["--lr-schedule", "warmup-cosine", "--warmup-steps", "4",
                           "--total-steps", "12"], sched("warmup-cosine", warmup=4, total=12)),
        "one-cycle": (["--lr-schedule", "one-cycle", "--total-steps", total],
                      sched("one-cycle", total=EXTRA_STEPS)),
    }
    out += [small("sched-" + k, "small", mom[0] + f, mom[1], s)
            for k, (f, s) in schedules.items()]
    out.append(small("grad-accum", "small", adam[0] + ["--grad-accum", "2"], adam[1], accum=2))
    clip_sgd = sgd(0.1)
    out.append(small("clip-grad-norm", "small", clip_sgd[0] + ["--clip-grad-norm", "0.3"],
                     clip_sgd[1], clip=0.3))
    out.append(small("label-smoothing", "small", adam[0] + ["--label-smoothing", "0.1"],
                     adam[1], smoothing=0.1))
    return out


# -------------------------------------------------------------- the sides
def torch_run(case, model, x, y):
    """PyTorch eager training: per step (loss, seconds)."""
    opt = case.optimizer(model.parameters())
    scheduler = case.scheduler(opt) if case.scheduler else None
    model.train()
    rows = case.batch * case.accum
    losses, times = [], []
    for s in range(case.steps):
        start = time.perf_counter()
        opt.zero_grad()
        total = 0.0
        for k in range(case.accum):
            lo = s * rows + k * case.batch
            xb = torch.from_numpy(x[lo:lo + case.batch])
            yb = torch.from_numpy(y[lo:lo + case.batch])
            loss = case.loss(model(xb), yb)
            (loss / case.accum if case.accum > 1 else loss).backward()
            total += loss.item()
        if case.clip is not None:
            torch.nn.utils.clip_grad_norm_(model.parameters(), case.clip)
        opt.step()
        if scheduler:
            scheduler.step()
        times.append(time.perf_counter() - start)
        losses.append(total / case.accum)
    return losses, times


def run_logged(cmd, log_path, timeout):
    """Runs the training binary, timestamping each line of its --log as it
    appears (the runtime flushes every line): per-step seconds."""
    stamps = []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    reader = threading.Thread(target=lambda: output.append(proc.stdout.read()), daemon=True)
    reader.start()
    seen = 0
    while proc.poll() is None:
        if time.perf_counter() - start > timeout:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"training binary timed out after {timeout} s")
        try:
            with open(log_path, "rb") as f:
                lines = f.read().count(b"\n")
        except FileNotFoundError:
            lines = 0
        now = time.perf_counter()
        stamps += [now] * (lines - seen)
        seen = max(seen, lines)
        time.sleep(0.005)
    reader.join()
    if proc.returncode != 0:
        raise RuntimeError(f"training binary exit {proc.returncode}: "
                           + "".join(output).strip()[-600:])
    return [b - a for a, b in zip(stamps, stamps[1:])]


def run_tool(cmd, timeout):
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{os.path.basename(cmd[0])} exit {proc.returncode}: "
                           + (proc.stderr + proc.stdout).strip()[-600:])
    return time.perf_counter() - start


def read_log(path, steps):
    losses = {}
    with open(path) as f:
        for line in f:
            rec = json.loads(line)
            losses[int(rec["step"])] = float(rec["loss"])
    missing = [s for s in range(1, steps + 1) if s not in losses]
    if missing:
        raise RuntimeError(f"log has no loss for step(s) {missing[:5]}")
    return [losses[s] for s in range(1, steps + 1)]


def check_initializers(onnx_path, model):
    """The exported initializers that name a parameter must equal the fresh
    model's: otherwise both sides would not start from the same weights."""
    params = {k: v.detach().numpy() for k, v in model.named_parameters()}
    matched = 0
    for init in onnx.load(onnx_path).graph.initializer:
        if init.name in params:
            if not np.array_equal(numpy_helper.to_array(init), params[init.name]):
                raise RuntimeError(f"initial '{init.name}' differs between the ONNX export "
                                   "and the PyTorch model")
            matched += 1
    if matched == 0:
        raise RuntimeError("no ONNX initializer is named like a model parameter")


# ------------------------------------------------------------------ checks
def check(case, tools, work):
    d = os.path.join(work, case.name)
    os.makedirs(d, exist_ok=True)
    x, y = case.data()
    onnx_path, binary = os.path.join(d, "model.onnx"), os.path.join(d, "train")
    with _TORCH_GLOBAL:
        case.export(case.build(), onnx_path, torch.from_numpy(x[:case.batch]))
        model = case.build()
    if case.check_init:
        check_initializers(onnx_path, model)
    compile_s = run_tool([os.path.join(tools, "tcc-compile"), onnx_path, "-o", binary,
                          "--batch", str(case.batch), "--loss", "cross-entropy"] + case.flags,
                         COMPILE_TIMEOUT_S)
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "y.npy"), y)
    log = os.path.join(d, "log.jsonl")
    tcc_times = run_logged([binary, "--train", os.path.join(d, "x.npy"), os.path.join(d, "y.npy"),
                            "--steps", str(case.steps), "--no-shuffle", "--log", log],
                           log, TRAIN_TIMEOUT_S)
    got = read_log(log, case.steps)
    want, torch_times = torch_run(case, model, x, y)
    errors = [abs(g - w) / max(abs(w), 1e-12) for g, w in zip(got, want)]
    worst = max(range(case.steps), key=lambda i: errors[i])
    # tcc's step times come from polling its log every 5 ms: coarse.
    ms = lambda ts, floor=0.0: (f"{1e3 * statistics.median(ts):.1f} ms"
                                if ts and statistics.median(ts) > floor else f"< {1e3 * floor:.0f} ms")
    summary = (f"{case.steps} steps, max rel err {errors[worst]:.2e} at step {worst + 1} "
               f"(limit {case.rtol:g}); loss tcc {got[0]:.5f} -> {got[-1]:.5f}, "
               f"torch {want[0]:.5f} -> {want[-1]:.5f}; compile {compile_s:.1f} s; "
               f"median step tcc {ms(tcc_times, 0.01)}, torch {ms(torch_times)}")
    if not all(math.isfinite(g) for g in got) or errors[worst] > case.rtol:
        bad = [f"{i + 1}: {got[i]:.6g} vs {want[i]:.6g}" for i in range(case.steps)
               if not errors[i] <= case.rtol][:4]
        raise RuntimeError(summary + "; first bad steps " + ", ".join(bad))
    return summary


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools-dir", default=DEFAULT_TOOLS)
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at a time")
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--list", action="store_true", help="list the case names")
    args = parser.parse_args()
    torch.set_num_threads(1)  # reproducible, and fair to --jobs on small machines

    cases = workload_cases() + extra_cases()
    if args.list:
        print("\n".join(c.name for c in cases))
        return 0
    if args.only:
        wanted = args.only.split(",")
        unknown = [w for w in wanted if w not in {c.name for c in cases}]
        if unknown:
            print(f"error: unknown case(s) {', '.join(unknown)} (see --list)", file=sys.stderr)
            return 2
        cases = [c for c in cases if c.name in wanted]

    work = tempfile.mkdtemp(prefix="tcc-training-parity-")
    passed = failed = 0
    start = time.perf_counter()
    try:
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            futures = {pool.submit(check, c, args.tools_dir, work): c for c in cases}
            for fut in as_completed(futures):
                name = futures[fut].name
                try:
                    print(f"PASS {name}: {fut.result()}", flush=True)
                    passed += 1
                except Exception as e:  # noqa: BLE001 - report every failure the same way
                    print(f"FAIL {name}: {e}", flush=True)
                    failed += 1
    finally:
        if args.keep:
            print(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"total {time.perf_counter() - start:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
