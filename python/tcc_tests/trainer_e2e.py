#!/usr/bin/python3
"""End-to-end tests of training programs built by tcc-compile.

A small real workload (tcc_testmodels.e2e_models: a 2-layer MLP exported
from PyTorch, trained on 768 Fashion-MNIST images reduced to 8x8, batch 32,
24 steps per epoch) is compiled with `tcc-compile --emit=exe` and
`--emit=lib`, and the binaries are checked as a user would drive them:

  * exact resume: 40 steps == 20 steps + checkpoint + --resume --steps 40
    (shuffled, seeded; also with --save-every, at an epoch boundary in
    --epochs mode, and after the run was killed with SIGKILL): identical
    logged losses, identical exported weights, identical final checkpoints;
  * the --log JSONL, per-epoch test loss/accuracy, plain progress lines when
    stderr is not a terminal (and a redrawn bar when it is);
  * --export-onnx: onnx.checker (full_check) passes, tcc-run on the exported
    model predicts what PyTorch predicts with the exported weights and what
    the program's own eval step predicts, and the accuracy the binary
    reported;
  * bad input (labels out of range, wrong shape/dtype, missing/truncated
    .npy, foreign or corrupt checkpoints, outputs naming input files): exit
    code non-zero, a message with "error", every pre-existing file
    byte-identical and no file left behind;
  * a diverging run stops with the step number; --skip-nonfinite goes on;
  * the ctypes binding (python/tcc/trainer.py) trains, evaluates, saves and
    loads, with the binary's losses;
  * --profile: the binary (and library) prints a table of its kernels whose
    times add up to at most the step's, and trains exactly as without it.

Prints one line per case, then `N passed, M failed`; exits 1 on failure.

  /usr/bin/python3 python/tcc_tests/trainer_e2e.py [--tools-dir DIR] [--keep]
"""
import argparse
import hashlib
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tcc_testmodels import e2e_models  # noqa: E402

DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
TIMEOUT_S = 60
BATCH, STEPS_PER_EPOCH = 32, 24  # 768 training rows
TRAIN = ["--train", "train_x.npy", "train_y.npy"]
TEST = ["--test", "test_x.npy", "test_y.npy"]
CASES = []


def case(fn):
    CASES.append(fn)
    return fn


class Env:
    """The scratch directory with the model, data and compiled programs.
    Programs and pristine inputs live in `root`; each case works in a fresh
    copy of the data (`workdir`)."""

    def __init__(self, tools, root):
        self.tools, self.root = tools, root
        self.n = 0

    def workdir(self, name):
        d = os.path.join(self.root, "cases", name)
        os.makedirs(d)
        for f in ("train_x.npy", "train_y.npy", "test_x.npy", "test_y.npy", "mlp8.onnx"):
            shutil.copy(os.path.join(self.root, f), d)
        return d

    def exe(self, name):
        return os.path.join(self.root, name)


def run(cmd, cwd, rc=0, **kw):
    """Runs cmd; checks its exit code (None: any non-zero) and never a signal."""
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S, **kw)
    out = p.stdout + p.stderr
    if p.returncode < 0:
        raise AssertionError("%s died of signal %d:\n%s" % (cmd[0], -p.returncode, out[-2000:]))
    if (rc is None and p.returncode == 0) or (rc is not None and p.returncode != rc):
        raise AssertionError("%s exited %d (want %s):\n%s"
                             % (" ".join(cmd), p.returncode, "non-zero" if rc is None else rc, out[-2000:]))
    return p


def log_lines(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def losses(path):
    return [r["loss"] for r in log_lines(path)]


def onnx_weights(path):
    import onnx
    from onnx import numpy_helper
    return {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}


def same_weights(a, b):
    wa, wb = onnx_weights(a), onnx_weights(b)
    assert wa.keys() == wb.keys(), "initializer names differ: %s vs %s" % (sorted(wa), sorted(wb))
    for k in wa:
        assert wa[k].tobytes() == wb[k].tobytes(), \
            "weight %s differs (max |diff| %g)" % (k, np.abs(wa[k] - wb[k]).max())


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def tree_hashes(d):
    out = {}
    for base, _, files in os.walk(d):
        for f in files:
            p = os.path.join(base, f)
            out[os.path.relpath(p, d)] = hashlib.sha256(read_bytes(p)).hexdigest()
    return out


def ckpt_step(path):
    return int.from_bytes(read_bytes(path)[24:32], "little")


# ------------------------------------------------------------ exact resume
def check_resume(env, name, first, second, whole):
    """Runs `whole` once, `first` then `second` (a --resume) in another
    directory; the logs, exported weights and final checkpoints must agree."""
    exe = env.exe("mlp")
    a, b = env.workdir(name + "-whole"), env.workdir(name + "-split")
    common = TRAIN + ["--log", "run.jsonl", "--checkpoint", "run.ckpt"]
    run([exe] + common + whole + ["--export-onnx", "out.onnx"], a)
    run([exe] + common + first, b)
    p = run([exe] + common + second + ["--resume", "run.ckpt", "--export-onnx", "out.onnx"], b)
    assert "resumed from" in p.stderr, p.stderr
    la, lb = log_lines(os.path.join(a, "run.jsonl")), log_lines(os.path.join(b, "run.jsonl"))
    assert [r["step"] for r in la] == list(range(1, len(la) + 1)), "steps of the whole run"
    assert la == lb, "logs differ:\n%s\n%s" % (la, lb)
    same_weights(os.path.join(a, "out.onnx"), os.path.join(b, "out.onnx"))
    assert read_bytes(os.path.join(a, "run.ckpt")) == read_bytes(os.path.join(b, "run.ckpt")), \
        "final checkpoints differ"
    return la


@case
def resume_shuffled_steps(env):
    """40 steps vs 20 + resume to 40, shuffled with a seed (crosses an epoch)."""
    la = check_resume(env, "resume", ["--steps", "20", "--seed", "7"],
                      ["--steps", "40", "--seed", "7"], ["--steps", "40", "--seed", "7"])
    assert len(la) == 40 and la[-1]["epoch"] == 2
    # The seed matters: a different seed gives a different order, so other losses.
    d = env.workdir("resume-seed")
    run([env.exe("mlp")] + TRAIN + ["--steps", "40", "--seed", "8", "--log", "l.jsonl"], d)
    assert losses(os.path.join(d, "l.jsonl"))[1:] != [r["loss"] for r in la][1:], "--seed has no effect"


@case
def resume_save_every(env):
    """Same with --save-every 7 (saves at 7, 14, 21, 24 ... in both runs)."""
    check_resume(env, "save-every", ["--steps", "20", "--save-every", "7"],
                 ["--steps", "40", "--save-every", "7"], ["--steps", "40", "--save-every", "7"])
    # Saving does not perturb training: a run without checkpoints logs the same.
    d = env.workdir("save-every-plain")
    run([env.exe("mlp")] + TRAIN + ["--steps", "40", "--log", "l.jsonl"], d)
    whole = log_lines(os.path.join(env.root, "cases", "save-every-whole", "run.jsonl"))
    assert log_lines(os.path.join(d, "l.jsonl")) == whole
    # A log written past the checkpoint (as by a run that died after its
    # last save): resuming with it drops steps 21..30 and appends 21..40.
    run([env.exe("mlp")] + TRAIN + ["--steps", "20", "--checkpoint", "c20.ckpt"], d)
    run([env.exe("mlp")] + TRAIN + ["--steps", "30", "--log", "past.jsonl"], d)
    run([env.exe("mlp")] + TRAIN + ["--steps", "40", "--log", "past.jsonl", "--resume", "c20.ckpt"], d)
    assert log_lines(os.path.join(d, "past.jsonl")) == whole, "log not truncated to the checkpoint"


@case
def resume_epoch_boundary(env):
    """--epochs 1, then --resume --epochs 2, vs --epochs 2 (with --test)."""
    la = check_resume(env, "epochs", ["--epochs", "1"] + TEST, ["--epochs", "2"] + TEST,
                      ["--epochs", "2"] + TEST)
    assert len(la) == 2 * STEPS_PER_EPOCH


@case
def resume_after_kill(env):
    """SIGKILL mid-run: the checkpoint left is valid; resuming with the same
    --log drops the lines past it and the log reads like one run."""
    exe, d = env.exe("mlp"), env.workdir("kill")
    cmd = [exe] + TRAIN + ["--epochs", "100000", "--seed", "3", "--log", "run.jsonl",
                           "--checkpoint", "run.ckpt", "--save-every", "10"]
    p = subprocess.Popen(cmd, cwd=d, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = os.path.join(d, "run.jsonl")
    deadline = time.time() + 20
    try:
        while time.time() < deadline:
            if os.path.exists(log) and os.path.getsize(log) > 60 * 80:
                break
            time.sleep(0.005)
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait()
    assert p.returncode == -signal.SIGKILL, "the run ended by itself (rc %s)" % p.returncode
    for f in os.listdir(d):
        if ".tmp." in f:
            os.remove(os.path.join(d, f))  # a save cut short; never the checkpoint itself
    saved = ckpt_step(os.path.join(d, "run.ckpt"))
    logged = len(log_lines(log))
    assert saved > 0 and logged >= saved, "checkpoint at step %d, %d log lines" % (saved, logged)
    target = saved + 30
    run([exe] + TRAIN + ["--steps", str(target), "--resume", "run.ckpt", "--log", "run.jsonl",
                         "--checkpoint", "run.ckpt"], d)
    ref = env.workdir("kill-ref")
    run([exe] + TRAIN + ["--steps", str(target), "--seed", "3", "--log", "run.jsonl"], ref)
    assert log_lines(log) == log_lines(os.path.join(ref, "run.jsonl")), \
        "resumed log (checkpoint at %d of %d logged) differs" % (saved, logged)


# ------------------------------------------------------ log and progress
@case
def log_test_and_progress(env):
    d = env.workdir("log")
    p = run([env.exe("mlp")] + TRAIN + TEST + ["--epochs", "2", "--log", "run.jsonl"], d)
    rows = log_lines(os.path.join(d, "run.jsonl"))
    assert [r["step"] for r in rows] == list(range(1, 2 * STEPS_PER_EPOCH + 1)), "log steps"
    for r in rows:
        assert isinstance(r["loss"], float) and np.isfinite(r["loss"]), r
        assert r["lr"] == 0.01, r
    ends = [r for r in rows if "test_loss" in r]
    assert [r["step"] for r in ends] == [24, 48], "test results in the log at %s" % ends
    assert all(0 <= r["test_accuracy"] <= 1 for r in ends)
    out = p.stdout + p.stderr
    for e in (1, 2):
        assert ("epoch %d:" % e) in out and "test loss" in out and "accuracy" in out, out
    assert out.count("test loss") == 2, out
    assert "\r" not in out and "\033" not in out, "terminal control characters in non-terminal output"
    progress = [line for line in p.stderr.splitlines() if line.startswith("step ")]
    assert 5 <= len(progress) <= 60 and "/48" in progress[-1], "progress lines: %s" % progress
    # Training improves the loss on this real data.
    assert ends[-1]["test_loss"] < rows[0]["loss"] and ends[-1]["test_accuracy"] > 0.5, ends


@case
def log_step_time(env):
    """--log-step-time adds each step's wall time; without it the log has none
    (logs stay reproducible), and --threads 1 and 2 train identically."""
    d = env.workdir("steptime")
    base = [env.exe("mlp")] + TRAIN + ["--steps", "6", "--no-shuffle"]
    run(base + ["--threads", "2", "--log", "timed.jsonl", "--log-step-time"], d)
    run(base + ["--threads", "1", "--log", "plain.jsonl"], d)
    timed, plain = log_lines(os.path.join(d, "timed.jsonl")), log_lines(os.path.join(d, "plain.jsonl"))
    assert all(isinstance(r["step_s"], float) and 0 < r["step_s"] < 60 for r in timed), timed
    assert all("step_s" not in r for r in plain), plain
    assert [r["loss"] for r in timed] == [r["loss"] for r in plain], "losses depend on the thread count"
    run(base + ["--log-step-time=1"], d, rc=1)


@case
def progress_on_terminal(env):
    """With stderr a terminal, the progress line is redrawn in place."""
    d = env.workdir("tty")
    master, slave = pty.openpty()
    p = subprocess.Popen([env.exe("mlp")] + TRAIN + ["--steps", "30"], cwd=d, stdout=subprocess.DEVNULL,
                         stderr=slave)
    os.close(slave)
    chunks = []
    try:
        while True:  # read while it runs, so a full pty never blocks it
            try:
                c = os.read(master, 65536)
            except OSError:  # EIO: the program closed the terminal
                break
            if not c:
                break
            chunks.append(c)
    finally:
        os.close(master)
        p.wait(timeout=TIMEOUT_S)
    out = b"".join(chunks).decode(errors="replace")
    assert p.returncode == 0, out
    assert "\r" in out and "ETA" in out and "samples/s" in out, repr(out[-500:])


# ---------------------------------------------------------- ONNX export
def torch_logits(weights, x):
    import torch
    w = {k: torch.tensor(v) for k, v in weights.items()}
    h = torch.relu(torch.tensor(x).reshape(len(x), 64) @ w["fc1.weight"].T + w["fc1.bias"])
    return (h @ w["fc2.weight"].T + w["fc2.bias"]).numpy()


@case
def export_onnx(env):
    import onnx
    from tcc import trainer
    d = env.workdir("export")
    p = run([env.exe("mlp")] + TRAIN + TEST + ["--epochs", "2", "--export-onnx", "trained.onnx",
                                              "--checkpoint", "run.ckpt"], d)
    model = onnx.load(os.path.join(d, "trained.onnx"))
    onnx.checker.check_model(model, full_check=True)
    orig = onnx.load(os.path.join(d, "mlp8.onnx"))
    assert [n.op_type for n in model.graph.node] == [n.op_type for n in orig.graph.node], "graph changed"
    w, w0 = onnx_weights(os.path.join(d, "trained.onnx")), onnx_weights(os.path.join(d, "mlp8.onnx"))
    assert w.keys() == w0.keys() and all(w[k].shape == w0[k].shape for k in w)
    assert all(not np.array_equal(w[k], w0[k]) for k in w), "some weights were not trained"
    # tcc-run on the exported model vs PyTorch with its weights.
    x, y = np.load(os.path.join(d, "test_x.npy")), np.load(os.path.join(d, "test_y.npy"))
    run([os.path.join(env.tools, "tcc-run"), "trained.onnx", "--input", "test_x.npy",
         "--output-dir", "pred"], d)
    got = np.load(os.path.join(d, "pred", "output_0.npy"))
    want = torch_logits(w, x)
    assert got.shape == want.shape and np.allclose(got, want, rtol=1e-4, atol=1e-4), \
        "tcc-run vs torch: max |diff| %g" % np.abs(got - want).max()
    # ... vs the accuracy the binary reported after epoch 2.
    line = [s for s in (p.stdout + p.stderr).splitlines() if s.startswith("epoch 2:")][0]
    reported = float(line.split("accuracy ")[1].split("%")[0])
    acc = 100.0 * (got.argmax(1) == y).mean()
    assert abs(acc - reported) < 0.006, "tcc-run accuracy %.2f%%, binary reported %s" % (acc, line)
    # ... vs the program's own eval step on the final checkpoint (same program as a library).
    with trainer.Trainer(env.exe("libmlp.so")) as t:
        t.load(os.path.join(d, "run.ckpt"))
        for k in w:
            assert np.array_equal(t.params[k], w[k]), "checkpoint and export disagree on " + k
        for b in range(len(x) // BATCH):
            rows = slice(b * BATCH, (b + 1) * BATCH)
            _, pred = t.eval_step(x[rows], labels=y[rows])
            assert np.allclose(pred, got[rows], rtol=1e-5, atol=1e-5), \
                "eval_step vs tcc-run, batch %d: %g" % (b, np.abs(pred - got[rows]).max())


# ------------------------------------------------------------ bad input
def expect_failure(env, name, argv, setup=None, words=()):
    """Runs the mlp binary with argv in a fresh directory holding data, the
    model, a valid checkpoint (good.ckpt) and a log (old.jsonl); it must fail
    with "error" (and `words`) and leave every file as it was."""
    d = env.workdir(name)
    shutil.copy(os.path.join(env.root, "good.ckpt"), d)
    with open(os.path.join(d, "old.jsonl"), "w") as f:
        f.write('{"step": 1, "loss": 1.0, "lr": 0.01}\n')
    if setup:
        setup(d)
    before = tree_hashes(d)
    p = run([env.exe("mlp")] + argv, d, rc=None)
    msg = p.stdout + p.stderr
    assert "error" in msg.lower(), "no 'error' in: " + msg
    for w in words:
        assert w in msg, "message lacks %r: %s" % (w, msg)
    after = tree_hashes(d)
    changed = [f for f in before if after.get(f) != before[f]]
    new = sorted(set(after) - set(before))
    assert not changed and not new, "changed %s, new %s; message: %s" % (changed, new, msg)
    return msg


def save_npy(name, array):
    return lambda d: np.save(os.path.join(d, name), array)


# Outputs a failing run must not touch: an existing log and checkpoint, and
# an export that must not appear.
BAD_OUT = ["--log", "old.jsonl", "--checkpoint", "good.ckpt", "--export-onnx", "new.onnx"]


def labels_with(value):
    def setup(d):
        y = np.load(os.path.join(d, "train_y.npy"))
        y[100] = value
        np.save(os.path.join(d, "train_y.npy"), y)
    return setup


def rewrite(name, fn):
    def setup(d):
        p = os.path.join(d, name)
        raw = bytearray(read_bytes(p))
        with open(p, "wb") as f:
            f.write(bytes(fn(raw)))
    return setup


def flip(offset):
    def fn(raw):
        raw[offset if offset >= 0 else len(raw) + offset] ^= 0x10
        return raw
    return fn


def array_as(name, fn):
    def setup(d):
        p = os.path.join(d, name)
        np.save(p, fn(np.load(p)))
    return setup


BAD = {
    "label-too-large": (TRAIN, labels_with(10), ["label 10"]),
    "label-negative": (TRAIN, labels_with(-1), ["label -1"]),
    "test-label-out-of-range": (TRAIN + TEST, array_as("test_y.npy", lambda a: np.where(
        np.arange(len(a)) == 5, 11, a)), ["label 11"]),
    "x-wrong-shape": (TRAIN, array_as("train_x.npy", lambda a: a[:, :, :7, :].copy()), ["train_x.npy"]),
    "x-float64": (TRAIN, array_as("train_x.npy", lambda a: a.astype(np.float64)), ["train_x.npy"]),
    "y-float32": (TRAIN, array_as("train_y.npy", lambda a: a.astype(np.float32)), ["train_y.npy"]),
    "y-2d": (TRAIN, array_as("train_y.npy", lambda a: a.reshape(-1, 1)), ["train_y.npy"]),
    "rows-differ": (TRAIN, array_as("train_y.npy", lambda a: a[:-1].copy()), []),
    "test-x-wrong-shape": (TRAIN + TEST, array_as("test_x.npy", lambda a: a.reshape(-1, 1, 4, 16)),
                           ["test_x.npy"]),
    "missing-x": (["--train", "nothere.npy", "train_y.npy"], None, ["nothere.npy"]),
    "missing-test-y": (TRAIN + ["--test", "test_x.npy", "nothere.npy"], None, ["nothere.npy"]),
    "truncated-x": (TRAIN, rewrite("train_x.npy", lambda r: r[:len(r) // 2]), ["train_x.npy"]),
    "truncated-x-header": (TRAIN, rewrite("train_x.npy", lambda r: r[:40]), ["train_x.npy"]),
    "truncated-y-last-byte": (TRAIN, rewrite("train_y.npy", lambda r: r[:-1]), ["train_y.npy"]),
    "not-npy": (["--train", "mlp8.onnx", "train_y.npy"], None, ["mlp8.onnx"]),
    "foreign-checkpoint": (TRAIN + ["--resume", "other.ckpt", "--checkpoint", "other.ckpt"], "other",
                           ["another model"]),
    "other-optimizer-checkpoint": (TRAIN + ["--resume", "adam.ckpt", "--checkpoint", "adam.ckpt"], "adam",
                                   ["another model"]),
    "corrupt-checkpoint-data": (TRAIN + ["--resume", "good.ckpt", "--checkpoint", "good.ckpt"],
                                rewrite("good.ckpt", flip(1000)), ["good.ckpt"]),
    "corrupt-checkpoint-header": (TRAIN + ["--resume", "good.ckpt"], rewrite("good.ckpt", flip(30)),
                                  ["good.ckpt"]),
    "corrupt-checkpoint-trailer": (TRAIN + ["--resume", "good.ckpt"], rewrite("good.ckpt", flip(-3)),
                                   ["good.ckpt"]),
    "truncated-checkpoint": (TRAIN + ["--resume", "good.ckpt", "--checkpoint", "good.ckpt"],
                             rewrite("good.ckpt", lambda r: r[:-20]), ["good.ckpt"]),
    "missing-checkpoint": (TRAIN + ["--resume", "nothere.ckpt"], None, ["nothere.ckpt"]),
    "resume-other-data": (["--train", "test_x.npy", "test_y.npy", "--resume", "good.ckpt"], None,
                          ["rows"]),
    "export-onnx-is-train-x": (TRAIN + ["--export-onnx", "train_x.npy"], None, ["train_x.npy"]),
    "export-onnx-is-test-y": (TRAIN + TEST + ["--export-onnx", "test_y.npy"], None, ["test_y.npy"]),
    "export-onnx-is-model": (TRAIN + ["--export-onnx", "mlp8.onnx"], None, ["mlp8.onnx"]),
    "checkpoint-is-train-y": (TRAIN + ["--checkpoint", "train_y.npy"], None, ["train_y.npy"]),
    "checkpoint-is-test-x": (TRAIN + TEST + ["--checkpoint", "test_x.npy"], None, ["test_x.npy"]),
    "checkpoint-is-model": (TRAIN + ["--checkpoint", "mlp8.onnx"], None, ["mlp8.onnx"]),
    "log-is-train-x": (TRAIN + ["--log", "train_x.npy"], None, ["train_x.npy"]),
    "log-is-model": (TRAIN + ["--log", "mlp8.onnx"], None, ["mlp8.onnx"]),
    "log-is-checkpoint": (TRAIN + ["--log", "good.ckpt"], None, ["good.ckpt"]),
    "checkpoint-is-export": (TRAIN + ["--checkpoint", "good.ckpt", "--export-onnx", "good.ckpt"], None,
                             ["good.ckpt"]),
}


def bad_case(name, argv, setup, words):
    def fn(env):
        s = setup
        if s in ("other", "adam"):
            src = os.path.join(env.root, s + ".ckpt")
            s = lambda d: shutil.copy(src, d)  # noqa: E731
        extra = [] if any(a in argv for a in ("--export-onnx", "--checkpoint", "--log")) else BAD_OUT
        expect_failure(env, "bad-" + name, argv + extra, s, words)
    fn.__name__ = "bad_input:" + name
    return fn


for _name, (_argv, _setup, _words) in BAD.items():
    CASES.append(bad_case(_name, _argv, _setup, _words))


# ------------------------------------------------------------ non-finite
@case
def nonfinite_stops(env):
    """lr 1e10 diverges: the run stops naming the step, exits non-zero and
    does not save over the existing checkpoint."""
    d = env.workdir("nan")
    exe = env.exe("mlp-diverge")
    run([exe] + TRAIN + ["--steps", "1", "--checkpoint", "nan.ckpt"], d)
    before = read_bytes(os.path.join(d, "nan.ckpt"))
    p = run([exe] + TRAIN + ["--steps", "40", "--no-shuffle", "--log", "run.jsonl", "--checkpoint", "nan.ckpt",
                             "--export-onnx", "out.onnx"], d, rc=None)
    rows = log_lines(os.path.join(d, "run.jsonl"))
    bad = [r["step"] for r in rows if r.get("nonfinite")]
    assert len(bad) == 1 and bad[0] == rows[-1]["step"] > 1, "log: %s" % rows
    assert "error" in p.stderr and ("at step %d " % bad[0]) in p.stderr, p.stderr
    assert read_bytes(os.path.join(d, "nan.ckpt")) == before, "checkpoint overwritten after NaN"
    assert not os.path.exists(os.path.join(d, "out.onnx")), "exported a diverged model"


@case
def nonfinite_skipped(env):
    """A batch holding NaN inputs: without --skip-nonfinite the run stops at
    its step; with it the step is skipped, training goes on and matches a run
    without that batch's update."""
    d = env.workdir("nan-skip")
    x = np.load(os.path.join(d, "train_x.npy"))
    x[5 * BATCH + 3, 0, 4, 4] = np.nan  # batch 6 in order
    np.save(os.path.join(d, "train_x.npy"), x)
    exe = env.exe("mlp")
    p = run([exe] + TRAIN + ["--steps", "10", "--no-shuffle", "--log", "stop.jsonl"], d, rc=None)
    assert "error" in p.stderr and "at step 6 " in p.stderr, p.stderr
    p = run([exe] + TRAIN + ["--epochs", "2", "--no-shuffle", "--log", "skip.jsonl", "--skip-nonfinite",
                             "--export-onnx", "out.onnx"], d)
    rows = log_lines(os.path.join(d, "skip.jsonl"))
    skipped = [i for i, r in enumerate(rows) if r.get("skipped")]
    # Batch 6 of each epoch is skipped; the step count does not advance for it.
    assert skipped == [5, 5 + STEPS_PER_EPOCH], "skipped lines %s" % skipped
    assert rows[-1]["step"] == 2 * STEPS_PER_EPOCH - 2, rows[-1]
    assert "skipped" in p.stderr, p.stderr
    w = onnx_weights(os.path.join(d, "out.onnx"))
    assert all(np.isfinite(v).all() for v in w.values()), "non-finite weights exported"
    # The steps before the bad batch equal a clean run's.
    clean = env.workdir("nan-clean")
    run([exe] + TRAIN + ["--steps", "5", "--no-shuffle", "--log", "l.jsonl"], clean)
    assert [r["loss"] for r in rows[:5]] == losses(os.path.join(clean, "l.jsonl"))


@case
def nonfinite_skip_gives_up(env):
    """When every batch diverges from the current parameters, skipping cannot
    help: --skip-nonfinite --steps stops after an epoch's worth in a row
    (rather than looping and logging forever)."""
    d = env.workdir("nan-all")
    p = run([env.exe("mlp-diverge")] + TRAIN + ["--steps", "30", "--no-shuffle", "--skip-nonfinite",
                                                "--log", "l.jsonl", "--checkpoint", "c.ckpt"], d, rc=1)
    rows = log_lines(os.path.join(d, "l.jsonl"))
    ok = [r for r in rows if not r.get("skipped")]
    assert len(rows) == len(ok) + STEPS_PER_EPOCH and rows[-1].get("skipped"), "log: %s" % rows[:4]
    assert "error" in p.stderr and "in a row" in p.stderr and "step %d" % (len(ok) + 1) in p.stderr, p.stderr


# ------------------------------------------------------------ profiling
def profile_tables(text):
    """{function: (calls, kernel rows, kernels total ms, function ms)} of a
    --profile report."""
    import re
    tables, current = {}, None
    for line in text.splitlines():
        m = re.match(r"profile of (\w+): (\d+) calls, ([0-9.]+) ms .*, (\d+) kernels$", line)
        if m:
            current = m.group(1)
            tables[current] = [int(m.group(2)), [], None, float(m.group(3)), int(m.group(4))]
            continue
        m = re.match(r"\s*(\d+)\s+(\d+)\s+(\w+)\s+(\d+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)%  (.+)$", line)
        if m and current:
            tables[current][1].append(m.groups())
            continue
        m = re.match(r"kernels total ([0-9.]+) ms = [0-9.]+% of (\w+)'s ([0-9.]+) ms", line)
        if m:
            tables[m.group(2)][2] = float(m.group(1))
    return tables


@case
def profile(env):
    """A --profile binary prints its kernels after training (top 20 on stderr,
    all with --profile-out), each named by its ONNX nodes and kind, summing to
    at most the step's own time; the losses are the unprofiled binary's."""
    d = env.workdir("profile")
    base = TRAIN + ["--steps", "6", "--no-shuffle"]
    run([env.exe("mlp")] + base + ["--log", "plain.jsonl"], d)
    p = run([env.exe("mlp-prof")] + base + ["--log", "prof.jsonl"], d)
    assert losses(os.path.join(d, "prof.jsonl")) == losses(os.path.join(d, "plain.jsonl")), \
        "profiling changed the losses"
    t = profile_tables(p.stderr)
    assert list(t) == ["train_step"], p.stderr[-3000:]
    calls, rows, total, whole, kernels = t["train_step"]
    assert calls == 6 and kernels > 0 and 0 < len(rows) <= min(kernels, 20), p.stderr[-3000:]
    assert all(int(r[3]) == 6 for r in rows), rows
    assert any(r[2] == "matmul" and "Gemm" in r[7] for r in rows), rows
    assert 0 < total <= whole * 1.001 + 0.01, (total, whole)
    assert "the trainer measured" in p.stderr and "over 6 steps" in p.stderr
    # --profile-warmup leaves the first steps out.
    p = run([env.exe("mlp-prof")] + base + ["--profile-warmup", "2"], d)
    assert profile_tables(p.stderr)["train_step"][0] == 4 and "over 4 steps" in p.stderr, p.stderr[-2000:]
    # The whole table (and eval_step's, with --test) in a file.
    p = run([env.exe("mlp-prof")] + TRAIN + TEST + ["--epochs", "1", "--profile-out", "prof.txt"], d)
    assert "wrote the kernel profile to 'prof.txt'" in p.stderr and "profile of" not in p.stderr
    with open(os.path.join(d, "prof.txt")) as f:
        t = profile_tables(f.read())
    assert set(t) == {"train_step", "eval_step"}, t.keys()
    assert t["train_step"][0] == STEPS_PER_EPOCH and len(t["train_step"][1]) == t["train_step"][4]
    assert t["eval_step"][0] > 0 and t["eval_step"][4] > 0
    # Without --profile: no table, and --profile-out is an error.
    p = run([env.exe("mlp")] + base, d)
    assert "profile of" not in p.stderr
    p = run([env.exe("mlp")] + base + ["--profile-out", "no.txt"], d, rc=1)
    assert "error" in p.stderr and "tcc-compile --profile" in p.stderr, p.stderr
    assert not os.path.exists(os.path.join(d, "no.txt"))
    run([env.exe("mlp")] + base + ["--profile-warmup", "1"], d, rc=1)
    # The shared library: its main prints the table; tcc_profile_write too.
    import ctypes
    from tcc import trainer
    argv = [os.path.join(d, a) if a.endswith(".npy") else a for a in TRAIN]
    out = os.path.join(d, "lib.txt")
    saved_stderr = os.dup(2)  # in-process: silence its progress lines
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        rc = trainer.run_main(env.exe("libmlp-prof.so"),
                              argv + ["--steps", "3", "--no-shuffle", "--profile-out", out])
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    assert rc == 0
    with open(out) as f:
        assert profile_tables(f.read())["train_step"][0] == 3
    lib = ctypes.CDLL(env.exe("libmlp-prof.so"))  # the same, already loaded
    for name, want in (("lib2.txt", "profile of train_step: 3 calls"), ("lib3.txt", "no step ran")):
        assert lib.tcc_profile_write(os.fsencode(os.path.join(d, name))) == 0
        with open(os.path.join(d, name)) as f:
            assert want in f.read(), name
        lib.tcc_profile_reset()
    # The flag is documented; --emit=mlir has nothing to instrument.
    tc = os.path.join(env.tools, "tcc-compile")
    assert "--profile" in run([tc, "--help"], d).stdout
    p = run([tc, "mlp8.onnx", "-o", "m.mlir", "--emit=mlir", "--profile"], d, rc=1)
    assert "--profile" in p.stderr and not os.path.exists(os.path.join(d, "m.mlir")), p.stderr


# ------------------------------------------------------- ctypes binding
@case
def ctypes_binding(env):
    from tcc import trainer
    d = env.workdir("binding")
    run([env.exe("mlp")] + TRAIN + TEST + ["--steps", "12", "--no-shuffle", "--log", "exe.jsonl",
                                          "--checkpoint", "exe.ckpt"], d)
    want = losses(os.path.join(d, "exe.jsonl"))
    x, y = np.load(os.path.join(d, "train_x.npy")), np.load(os.path.join(d, "train_y.npy"))
    tx, ty = np.load(os.path.join(d, "test_x.npy")), np.load(os.path.join(d, "test_y.npy"))
    batch = lambda a, i: a[i * BATCH:(i + 1) * BATCH]  # noqa: E731
    with trainer.Trainer(env.exe("libmlp.so")) as t:
        assert t.batch == BATCH and t.input_specs[0][2] == (BATCH, 1, 8, 8)
        got = [t.train_step(batch(x, i), labels=batch(y, i)) for i in range(10)]
        assert got == [np.float32(v) for v in want[:10]], "binding %s vs binary %s" % (got, want[:10])
        assert t.step == 10
        loss, pred = t.eval_step(batch(tx, 0), labels=batch(ty, 0))
        assert np.isfinite(loss) and pred.shape == (BATCH, 10)
        saved = {k: v.copy() for k, v in t.params.items()}
        t.save(os.path.join(d, "lib.ckpt"))
        after = [t.train_step(batch(x, i), labels=batch(y, i)) for i in (10, 11)]
        assert after == [np.float32(v) for v in want[10:12]]
        assert any(not np.array_equal(saved[k], t.params[k]) for k in saved)
        t.load(os.path.join(d, "lib.ckpt"))
        assert t.step == 10 and all(np.array_equal(saved[k], t.params[k]) for k in saved)
        again = [t.train_step(batch(x, i), labels=batch(y, i)) for i in (10, 11)]
        assert again == after, "after load: %s vs %s" % (again, after)
        # The binary's checkpoint loads too, with the same parameters.
        t.load(os.path.join(d, "exe.ckpt"))
        assert t.step == 12 and all(np.array_equal(t.params[k], v) for k, v in t.params.items())
        # Errors raise, and leave the trainer as it was.
        p12 = {k: v.copy() for k, v in t.params.items()}
        bad = os.path.join(d, "bad.ckpt")
        raw = bytearray(read_bytes(os.path.join(d, "exe.ckpt")))
        raw[500] ^= 1
        with open(bad, "wb") as f:
            f.write(raw)
        for path in (bad, os.path.join(env.root, "other.ckpt")):
            try:
                t.load(path)
                raise AssertionError("loading %s did not fail" % path)
            except trainer.TrainerError as e:
                assert os.path.basename(path) in str(e), str(e)
        assert t.step == 12 and all(np.array_equal(p12[k], t.params[k]) for k in p12)
        try:
            t.train_step(batch(x, 0).astype(np.float64), labels=batch(y, 0))
            raise AssertionError("a float64 batch was accepted")
        except ValueError:
            pass
    # The library's main is the binary's command line.
    argv = [os.path.join(d, a) if a.endswith(".npy") else a for a in TRAIN]
    saved_stderr = os.dup(2)  # in-process: silence its progress lines
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
        rc = trainer.run_main(env.exe("libmlp.so"),
                              argv + ["--steps", "12", "--no-shuffle", "--log", os.path.join(d, "lib.jsonl")])
    finally:
        os.dup2(saved_stderr, 2)
        os.close(saved_stderr)
    assert rc == 0 and losses(os.path.join(d, "lib.jsonl")) == want


# ----------------------------------------------------------------- setup
def compile_all(env):
    root, tc = env.root, os.path.join(env.tools, "tcc-compile")
    e2e_models.export(os.path.join(root, "mlp8.onnx"), BATCH)
    e2e_models.export(os.path.join(root, "other.onnx"), BATCH, hidden=16)
    e2e_models.write_data(root)
    base = ["--batch", str(BATCH), "--loss", "cross-entropy"]
    builds = [("mlp8.onnx", "mlp", ["--optimizer", "adamw", "--lr", "0.01"]),
              ("mlp8.onnx", "libmlp.so", ["--optimizer", "adamw", "--lr", "0.01", "--emit=lib"]),
              ("mlp8.onnx", "mlp-adam", ["--optimizer", "adam", "--lr", "0.01"]),
              ("mlp8.onnx", "mlp-prof", ["--optimizer", "adamw", "--lr", "0.01", "--profile"]),
              ("mlp8.onnx", "libmlp-prof.so",
               ["--optimizer", "adamw", "--lr", "0.01", "--emit=lib", "--profile"]),
              ("mlp8.onnx", "mlp-diverge", ["--optimizer", "sgd", "--lr", "1e10"]),
              ("other.onnx", "other", ["--optimizer", "adamw", "--lr", "0.01"])]
    for model, out, flags in builds:
        run([tc, model, "-o", out] + base + flags, root)
    for exe in ("mlp", "mlp-adam", "other"):
        ckpt = {"mlp": "good", "mlp-adam": "adam", "other": "other"}[exe] + ".ckpt"
        run([env.exe(exe)] + TRAIN + ["--steps", "3", "--checkpoint", ckpt], root)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS)
    ap.add_argument("--keep", action="store_true", help="keep the scratch directory")
    ap.add_argument("-k", dest="only", help="run only cases whose name contains this")
    args = ap.parse_args()
    root = tempfile.mkdtemp(prefix="tcc-trainer-e2e-")
    env = Env(os.path.abspath(args.tools_dir), root)
    passed = failed = 0
    start = time.time()
    try:
        compile_all(env)
        for fn in CASES:
            name = fn.__name__
            if args.only and args.only not in name:
                continue
            t0 = time.time()
            try:
                fn(env)
                passed += 1
                print("PASS %s (%.1fs)" % (name, time.time() - t0), flush=True)
            except Exception as e:  # a failed case must not stop the others
                failed += 1
                detail = str(e) if isinstance(e, AssertionError) else traceback.format_exc()
                print("FAIL %s: %s" % (name, detail.strip()), flush=True)
    except Exception:
        failed += 1
        print("FAIL setup: %s" % traceback.format_exc().strip())
    finally:
        if args.keep:
            print("scratch directory: " + root)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print("(%.1fs)" % (time.time() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
