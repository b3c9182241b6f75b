#!/usr/bin/python3
"""End-to-end forward check of the reference workloads: tcc-run vs PyTorch.

For each workload (mlp, cnn, gpt): build it with seed 0, export it to ONNX
(TRAINING mode, so BatchNorm uses batch statistics), run a real batch of data
through `tcc-run`, and compare the logits with PyTorch's forward of the same
model in train() mode. A model passes when
    max|tcc - torch| <= atol + rtol * max|torch|.
Prints one line per model, then `N passed, M failed`; exits 1 on any failure.

  /usr/bin/python3 python/tcc_tests/reference_forward.py [--tools-dir DIR]
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from tcc_models import reference  # noqa: E402

RTOL, ATOL = 1e-3, 1e-4
RUN_TIMEOUT_S = 120
DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")


def torch_logits(name, x):
    model = reference.build(name, seed=0)
    model.train()  # the export is in TRAINING mode: BatchNorm on batch statistics
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()


def describe_exit(code):
    if code < 0:
        try:
            return f"tcc-run killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"tcc-run killed by signal {-code}"
    return f"tcc-run exit {code}"


def first_error(text):
    """The first diagnostic line that says `error:`, else the first non-empty line."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if "error:" in l]
    return (errors or lines or ["(no message)"])[0]


def tcc_logits(tools_dir, name, x, batch, work):
    """Exports the model for `batch`, runs tcc-run on `x`; returns (logits, error)."""
    model_path = os.path.join(work, f"{name}.onnx")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exporter chatter about BatchNorm counters
        reference.export(name, model_path, batch=batch, seed=0)
    input_path = os.path.join(work, f"{name}_input.npy")
    np.save(input_path, x)
    out_dir = os.path.join(work, f"{name}_out")
    os.makedirs(out_dir, exist_ok=True)
    cmd = [os.path.join(tools_dir, "tcc-run"), model_path, "--input", input_path,
           "--output-dir", out_dir]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"tcc-run timed out after {RUN_TIMEOUT_S} s: {' '.join(cmd)}"
    if proc.returncode != 0:
        return None, f"{describe_exit(proc.returncode)}: {first_error(proc.stderr or proc.stdout)}"
    out_path = os.path.join(out_dir, "output_0.npy")
    if not os.path.exists(out_path):
        return None, f"tcc-run wrote no {out_path}"
    return np.load(out_path), None


def check(tools_dir, name, batch, work):
    """Returns (passed, report line) for one workload."""
    x_all, _ = reference.data(name, "train")
    x = np.ascontiguousarray(x_all[batch: 2 * batch])  # a real batch (not the export example)
    start = time.perf_counter()
    got, err = tcc_logits(tools_dir, name, x, batch, work)
    if err:
        return False, f"{name}: FAIL ({err})"
    want = torch_logits(name, x)
    secs = time.perf_counter() - start
    if got.shape != want.shape or got.dtype != want.dtype:
        return False, (f"{name}: FAIL (output {got.dtype}{list(got.shape)}, "
                       f"expected {want.dtype}{list(want.shape)})")
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    if not np.all(np.isfinite(got)):
        return False, f"{name}: FAIL ({int((~np.isfinite(got)).sum())} non-finite logits)"
    scale = float(np.abs(want).max())
    max_abs = float(diff.max())
    max_rel = max_abs / scale if scale > 0 else max_abs
    ok = max_abs <= ATOL + RTOL * scale
    return ok, (f"{name}: {'PASS' if ok else 'FAIL'} batch {batch}, logits {list(want.shape)}, "
                f"max abs err {max_abs:.3e}, max rel err {max_rel:.3e} "
                f"(scale {scale:.3g}, {secs:.1f} s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS,
                    help="directory with tcc-run (default: $TCC_TOOLS_DIR or %(default)s)")
    ap.add_argument("--batch", type=int,
                    help="batch size for every workload (default: each workload's own)")
    ap.add_argument("--workloads", default="mlp,cnn,gpt", help="comma-separated list")
    ap.add_argument("--keep", metavar="DIR", help="keep models, inputs and outputs in DIR")
    a = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="tcc-refwd-") as tmp:
        work = a.keep or tmp
        os.makedirs(work, exist_ok=True)
        for name in a.workloads.split(","):
            try:
                ok, line = check(a.tools_dir, name, a.batch or reference.batch_size(name), work)
            except Exception as e:  # a driver problem must still be reported per model
                ok, line = False, f"{name}: FAIL (driver error: {type(e).__name__}: {e})"
            print(line, flush=True)
            passed, failed = passed + ok, failed + (not ok)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
