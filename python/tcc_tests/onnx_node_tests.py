#!/usr/bin/python3
"""Runs ONNX's own backend node tests through tcc-run.

Every test in the node test data (Debian package libonnx-testdata) is a
one-node (or few-node) model with inputs and expected outputs. A test is in
scope when all of its ops are ones tcc imports (`tcc-import --list-onnx-ops`)
and all of its tensors have element types tcc supports; such a test must run
and match the expected outputs (rtol 1e-3, atol 1e-5). Tests whose expected
outputs come from a random number generator tcc cannot reproduce, and known
failures, are listed with their reason in test/onnx-node-xfail.txt: they still
run (so a crash is caught), and an unexpected pass is reported.
Out-of-scope tests (unsupported element types) must fail cleanly: exit code 1
and a message, never a signal.

Prints the counts and ends with `N passed, M failed`; exits 1 on any failure.
"""
import argparse
import concurrent.futures
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper

NODE_DIR = "/usr/share/libonnx-testdata/data/node"
SUPPORTED_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.DOUBLE, onnx.TensorProto.INT64,
                   onnx.TensorProto.INT32, onnx.TensorProto.INT16, onnx.TensorProto.INT8,
                   onnx.TensorProto.BOOL}
RTOL, ATOL = 1e-3, 1e-5


def tensor_types(model):
    types = set()
    for v in list(model.graph.input) + list(model.graph.output):
        types.add(v.type.tensor_type.elem_type)
    for init in model.graph.initializer:
        types.add(init.data_type)
    for node in model.graph.node:
        for a in node.attribute:
            if a.type == onnx.AttributeProto.TENSOR:
                types.add(a.t.data_type)
    return types


def load_xfail(path):
    xfail = {}
    if os.path.exists(path):
        for line in open(path):
            line = line.split("#", 1)
            name = line[0].strip()
            if name:
                xfail[name] = line[1].strip() if len(line) > 1 else ""
    return xfail


def run_test(tools, test, tmp):
    """Returns (status, detail): status in pass, fail, crash, error."""
    d = os.path.join(NODE_DIR, test)
    data = os.path.join(d, "test_data_set_0")
    inputs = sorted((f for f in os.listdir(data) if f.startswith("input_")),
                    key=lambda f: int(f[6:-3]))
    outputs = sorted((f for f in os.listdir(data) if f.startswith("output_")),
                     key=lambda f: int(f[7:-3]))
    out_dir = os.path.join(tmp, test)
    cmd = [os.path.join(tools, "tcc-run"), os.path.join(d, "model.onnx"), "--output-dir", out_dir]
    for f in inputs:
        cmd += ["--input", os.path.join(data, f)]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    except subprocess.TimeoutExpired:
        return "fail", "timed out"
    if p.returncode < 0:
        return "crash", f"signal {-p.returncode}: {p.stderr.strip()[-300:]}"
    if p.returncode != 0:
        return "error", p.stderr.strip().splitlines()[-1] if p.stderr.strip() else f"exit {p.returncode}"
    for i, f in enumerate(outputs):
        expected = numpy_helper.to_array(onnx.load_tensor(os.path.join(data, f)))
        path = os.path.join(out_dir, f"output_{i}.npy")
        if not os.path.exists(path):
            return "fail", f"output {i} missing"
        got = np.load(path)
        if got.shape != expected.shape:
            return "fail", f"output {i}: shape {got.shape}, expected {expected.shape}"
        if got.dtype != expected.dtype:
            return "fail", f"output {i}: dtype {got.dtype}, expected {expected.dtype}"
        if expected.dtype == bool or np.issubdtype(expected.dtype, np.integer):
            ok = np.array_equal(got, expected)
        else:
            ok = np.allclose(got, expected, rtol=RTOL, atol=ATOL, equal_nan=True)
        if not ok:
            err = np.max(np.abs(got.astype(np.float64) - expected.astype(np.float64)))
            return "fail", f"output {i}: max abs error {err:.3g}"
    return "pass", ""


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=os.environ.get("TCC_TOOLS_DIR", os.path.join(root, "build", "bin")))
    ap.add_argument("--xfail", default=os.path.join(root, "test", "onnx-node-xfail.txt"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--filter", default="", help="only tests whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    supported = set(subprocess.run([os.path.join(a.tools_dir, "tcc-import"), "--list-onnx-ops"],
                                   capture_output=True, text=True, check=True).stdout.split())
    xfail = load_xfail(a.xfail)
    tests = sorted(t for t in os.listdir(NODE_DIR) if a.filter in t)
    in_scope, wrong_type = [], []
    for t in tests:
        m = onnx.load(os.path.join(NODE_DIR, t, "model.onnx"))
        if not {n.op_type for n in m.graph.node} <= supported or any(
                n.domain not in ("", "ai.onnx") for n in m.graph.node):
            continue
        (in_scope if tensor_types(m) <= SUPPORTED_TYPES else wrong_type).append(t)

    results = {}
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futures = {pool.submit(run_test, a.tools_dir, t, tmp): t for t in in_scope + wrong_type}
        for f in concurrent.futures.as_completed(futures):
            results[futures[f]] = f.result()

    counts = dict(passed=0, failed=0, xfailed=0)
    problems = []
    for t in in_scope:
        status, detail = results[t]
        if t in xfail:
            if status == "pass":
                problems.append(f"XPASS {t}: listed in {os.path.basename(a.xfail)} but passes; remove it")
                counts["failed"] += 1
            elif status == "crash":
                problems.append(f"CRASH {t}: {detail}")
                counts["failed"] += 1
            else:
                counts["xfailed"] += 1
                if a.verbose:
                    print(f"XFAIL {t}: {xfail[t]} ({detail})")
        elif status == "pass":
            counts["passed"] += 1
            if a.verbose:
                print(f"PASS {t}")
        else:
            problems.append(f"{status.upper()} {t}: {detail}")
            counts["failed"] += 1
    clean_rejects = 0
    for t in wrong_type:
        status, detail = results[t]
        if status == "crash":
            problems.append(f"CRASH {t} (unsupported element type): {detail}")
            counts["failed"] += 1
        elif status == "error":
            clean_rejects += 1
        # A pass is fine too (e.g. an unsupported type only in an unused attribute).
    for p in sorted(problems):
        print(p)
    print(f"ONNX node tests: {len(tests)} in total, {len(in_scope) + len(wrong_type)} use only "
          f"ops tcc supports; {len(in_scope)} of those use supported element types: "
          f"{counts['passed']} pass, {counts['xfailed']} expected failures "
          f"(test/onnx-node-xfail.txt), {counts['failed']} fail; "
          f"{len(wrong_type)} use unsupported element types ({clean_rejects} rejected with "
          f"a clear error, none may crash)")
    print(f"{counts['passed'] + clean_rejects} passed, {counts['failed']} failed")
    return 1 if counts["failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
