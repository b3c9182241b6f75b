#!/usr/bin/python3
"""tcc-append-loss against torch.nn.functional, one case per loss and option.

Each case writes a tiny module by hand (`@forward` returns its [4, 5] input
unchanged, or a [2, 3, 5] one for language-model logits), runs
`tcc-opt --tcc-append-loss=...`, then `tcc-run --entry forward_loss` on
random data, and compares result 0 (the loss) with PyTorch's loss computed
in float64 on the same data, within 1e-6 relative; result 1 must be the
forward's output, unchanged. An out-of-range label must not crash the
compiled code (its sample contributes nothing). Prints one line per case
and a closing line `N passed, M failed`; exits 1 on any failure.

  /usr/bin/python3 python/tcc_tests/loss_parity.py [--tools-dir DIR] [--keep]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn.functional as F

DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
RTOL = 1e-6
TIMEOUT_S = 120
CLASSES = 5
WEIGHTS = [0.5, 2.0, 1.0, 3.0, 0.25]

MLIR_TYPES = {np.float32: "f32", np.float64: "f64"}


def forward_module(shape, dtype):
    t = "tensor<%sx%s>" % ("x".join(map(str, shape)), MLIR_TYPES[dtype])
    return ('func.func @forward(%%x: %s {tcc.input = "x"}) -> (%s {tcc.output = "y"}) {\n'
            "  return %%x : %s\n}\n" % (t, t, t))


def scalar_module(shape):
    t = "tensor<%sxf32>" % "x".join(map(str, shape))
    axes = ", ".join(str(i) for i in range(len(shape)))
    return ('func.func @forward(%%x: %s {tcc.input = "x"}) -> (tensor<f32>, %s) {\n'
            "  %%0 = tcc.reduce_sum %%x {axes = array<i64: %s>, keep_dims = false}"
            " : (%s) -> tensor<f32>\n  return %%0, %%x : tensor<f32>, %s\n}\n"
            % (t, t, axes, t, t))


class Case:
    """A loss configuration: pass options, data, and torch's reference."""

    def __init__(self, name, options, pred, labels, reference, module=None):
        self.name, self.options = name, options
        self.pred, self.labels = pred, labels
        self.reference = reference  # float, from torch in float64
        self.module = module or forward_module(pred.shape, pred.dtype.type)


def t64(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def cross_entropy_cases(rng):
    cases = []
    for reduction in ("mean", "sum"):
        for smoothing in (0.0, 0.1):
            for weighted in (False, True):
                pred = rng.normal(0, 2, (4, CLASSES)).astype(np.float32)
                labels = rng.integers(0, CLASSES, 4).astype(np.int64)
                opts = ["reduction=" + reduction]
                kw = dict(reduction=reduction, label_smoothing=smoothing)
                if smoothing:
                    opts.append("label-smoothing=%g" % smoothing)
                if weighted:
                    opts.append("class-weights=" + ",".join(map(str, WEIGHTS)))
                    kw["weight"] = t64(WEIGHTS)
                ref = F.cross_entropy(t64(pred), torch.from_numpy(labels), **kw)
                name = "cross-entropy %s%s%s" % (
                    reduction, " smoothing=%g" % smoothing if smoothing else "",
                    " weighted" if weighted else "")
                cases.append(Case(name, ["loss=cross-entropy"] + opts, pred,
                                  labels, float(ref)))
    # Language-model logits [B, T, V], flattened the way the GPT workload does.
    pred = rng.normal(0, 2, (2, 3, CLASSES)).astype(np.float32)
    labels = rng.integers(0, CLASSES, (2, 3)).astype(np.int64)
    ref = F.cross_entropy(t64(pred).reshape(-1, CLASSES),
                          torch.from_numpy(labels).reshape(-1), label_smoothing=0.2)
    cases.append(Case("cross-entropy [B,T,V] smoothing=0.2",
                      ["loss=cross-entropy", "label-smoothing=0.2"], pred, labels,
                      float(ref)))
    # Double precision: computed in f64, returned as f32.
    pred = rng.normal(0, 2, (4, CLASSES))
    labels = rng.integers(0, CLASSES, 4).astype(np.int64)
    ref = F.cross_entropy(t64(pred), torch.from_numpy(labels),
                          weight=t64(WEIGHTS), label_smoothing=0.05)
    cases.append(Case("cross-entropy f64 weighted smoothing=0.05",
                      ["loss=cross-entropy", "label-smoothing=0.05",
                       "class-weights=" + ",".join(map(str, WEIGHTS))],
                      pred, labels, float(np.float32(float(ref)))))
    # An out-of-range label: its sample contributes nothing (the runtime
    # rejects such labels before they get here; the code must not crash).
    pred = rng.normal(0, 2, (4, CLASSES)).astype(np.float32)
    labels = np.array([1, 7, -3, 4], dtype=np.int64)
    valid = (labels >= 0) & (labels < CLASSES)
    logp = F.log_softmax(t64(pred), dim=-1).numpy()
    nll = -logp[np.arange(4)[valid], labels[valid]].sum() / 4
    cases.append(Case("cross-entropy out-of-range labels", ["loss=cross-entropy"],
                      pred, labels, float(nll)))
    return cases


def elementwise_cases(rng):
    cases = []
    for reduction in ("mean", "sum"):
        for loss, fn, target in (
                ("mse", F.mse_loss, lambda: rng.normal(0, 1, (4, CLASSES))),
                ("l1", F.l1_loss, lambda: rng.normal(0, 1, (4, CLASSES))),
                ("bce-with-logits", F.binary_cross_entropy_with_logits,
                 lambda: rng.uniform(0, 1, (4, CLASSES)))):
            pred = rng.normal(0, 3, (4, CLASSES)).astype(np.float32)
            labels = target().astype(np.float32)
            ref = fn(t64(pred), t64(labels), reduction=reduction)
            cases.append(Case("%s %s" % (loss, reduction),
                              ["loss=" + loss, "reduction=" + reduction],
                              pred, labels, float(ref)))
    # Large logits: the stable form must not overflow exp.
    pred = np.array([[80.0, -90.0, 0.5, -0.5, 200.0]] * 4, dtype=np.float32)
    labels = rng.uniform(0, 1, (4, CLASSES)).astype(np.float32)
    ref = F.binary_cross_entropy_with_logits(t64(pred), t64(labels))
    cases.append(Case("bce-with-logits large logits", ["loss=bce-with-logits"],
                      pred, labels, float(ref)))
    pred = rng.normal(0, 1, (4, CLASSES))
    labels = rng.normal(0, 1, (4, CLASSES))
    ref = F.mse_loss(t64(pred), t64(labels))
    cases.append(Case("mse f64", ["loss=mse"], pred, labels,
                      float(np.float32(float(ref)))))
    # The model's output is the loss.
    pred = rng.normal(0, 1, (4, CLASSES)).astype(np.float32)
    cases.append(Case("output", ["loss=output"], pred, None,
                      float(t64(pred).sum()), module=scalar_module(pred.shape)))
    return cases


def run(cmd):
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return "timed out after %ds" % TIMEOUT_S
    if proc.returncode != 0:
        lines = (proc.stderr or proc.stdout).strip().splitlines()
        return "exit %d: %s" % (proc.returncode, lines[0] if lines else "")
    return None


def check(tools, case, work):
    """Returns None if the case passes, else what went wrong."""
    src = os.path.join(work, "forward.mlir")
    lowered = os.path.join(work, "loss.mlir")
    with open(src, "w") as f:
        f.write(case.module)
    err = run([os.path.join(tools, "tcc-opt"), src,
               "--tcc-append-loss=" + " ".join(case.options), "-o", lowered])
    if err:
        return "tcc-opt " + err
    inputs = [("x.npy", case.pred)]
    if case.labels is not None:
        inputs.append(("labels.npy", case.labels))
    cmd = [os.path.join(tools, "tcc-run"), lowered, "--entry", "forward_loss",
           "--output-dir", os.path.join(work, "out")]
    for name, value in inputs:
        np.save(os.path.join(work, name), value)
        cmd += ["--input", os.path.join(work, name)]
    err = run(cmd)
    if err:
        return "tcc-run " + err
    loss = np.load(os.path.join(work, "out", "output_0.npy"))
    if loss.shape != () or loss.dtype != np.float32:
        return "the loss is %s %s, not a 0-d float32" % (loss.dtype, loss.shape)
    rel = abs(float(loss) - case.reference) / max(abs(case.reference), 1e-30)
    if not rel <= RTOL:
        return "loss %.9g, torch %.9g (relative error %.2e)" % (
            float(loss), case.reference, rel)
    # Results 1.. are the forward's (loss=output: the forward's result 0 is
    # the loss, result 1 is x).
    forward_results = [case.pred]
    for i, want in enumerate(forward_results, start=1):
        kept = np.load(os.path.join(work, "out", "output_%d.npy" % i))
        if not np.array_equal(kept, want):
            return "result %d is not the forward's result %d" % (i, i - 1)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    rng = np.random.default_rng(1234)
    cases = cross_entropy_cases(rng) + elementwise_cases(rng)
    root = tempfile.mkdtemp(prefix="tcc-loss-parity-")
    passed = failed = 0
    for i, case in enumerate(cases):
        work = os.path.join(root, "case%02d" % i)
        os.makedirs(work)
        problem = check(args.tools_dir, case, work)
        if problem:
            failed += 1
            print("FAIL %-45s %s (%s)" % (case.name, problem, work))
        else:
            passed += 1
            print("ok   %s" % case.name)
    if args.keep or failed:
        print("work directory: %s" % root)
    else:
        shutil.rmtree(root, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
