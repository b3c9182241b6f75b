#!/usr/bin/python3
"""Training benchmark: tcc against PyTorch and ONNX Runtime on the reference workloads.

For each workload of the reference workloads.py (mlp, cnn, gpt), one run:
exports the model to ONNX (Debian's PyTorch 1.13, as the reference does),
compiles it with tcc-compile (timed), writes the data set as .npy, and then
trains it for the same number of steps, on the same batches in order, with
the same thread count, with every side in turn, for several rounds:

  tcc             the compiled training binary (--no-shuffle, step times from its --log)
  torch-1.13      Debian's PyTorch 1.13, eager           (workloads.py train)
  torch-2         PyTorch 2.x from PyPI, eager           (bench/.venv, bench/peers.sh)
  torch-2-compile PyTorch 2.x with torch.compile/Inductor (workloads.py train --compile)
  ort             ONNX Runtime training                  (bench/ort_peer.py)

Each side's step time is the median over the steps after the first 10
(warm-up, as workloads.py does) of one run; a side's figure is the median of
its rounds. Peak resident memory is each process's own (wait4's rusage).

  /usr/bin/python3 bench/train.py [--workloads mlp,cnn,gpt] [--steps 60] [--rounds 3]
                                  [--threads 2] [--json out.json] [--markdown]
"""
import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "bench")
DEFAULT_REFERENCE = "/work/shared/reference/workloads.py"
DEBIAN_PYTHON = "/usr/bin/python3"
WARMUP_STEPS = 10  # workloads.py skips as many
NOT_INSTALLED = "not installed (run bench/peers.sh)"

# tcc-compile flags: those of python/tcc_tests/training_parity.py, which
# checks that they reproduce the reference's loss curves.
TCC_FLAGS = {
    "mlp": ["--batch", "128", "--loss", "cross-entropy", "--optimizer", "adamw",
            "--lr", "0.001", "--weight-decay", "0.01"],
    "cnn": ["--batch", "64", "--loss", "cross-entropy", "--optimizer", "momentum",
            "--lr", "0.01", "--momentum", "0.9", "--weight-decay", "0"],
    "gpt": ["--batch", "16", "--loss", "cross-entropy", "--optimizer", "adamw",
            "--lr", "0.0003", "--weight-decay", "0.01"],
}
# ONNX Runtime training: same hyper-parameters, but ORT has no SGD momentum.
ORT_FLAGS = {
    "mlp": dict(batch=128, lr=1e-3, optimizer="adamw", weight_decay=0.01),
    "cnn": dict(batch=64, lr=1e-2, optimizer="sgd", weight_decay=0.0),
    "gpt": dict(batch=16, lr=3e-4, optimizer="adamw", weight_decay=0.01),
}
ORT_NOTES = {"cnn": "ORT has no SGD momentum: plain SGD, so its losses differ"}
SIDES = ["tcc", "torch-1.13", "torch-2", "torch-2-compile", "ort"]


QUIET = False  # --markdown: nothing but the tables


def fail(message):
    sys.exit(f"bench/train.py: {message}")


def progress(message):
    if not QUIET:
        print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------- processes
class Measured:
    """A finished subprocess: exit status, wall time, peak RSS (MiB)."""

    def __init__(self, rc, wall_s, peak_mib, log_path):
        self.rc, self.wall_s, self.peak_mib, self.log_path = rc, wall_s, peak_mib, log_path

    def tail(self, lines=6):
        with open(self.log_path, errors="replace") as f:
            return "".join(f.readlines()[-lines:])


def kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def run_measured(cmd, log_path, env=None, timeout=None):
    """Runs `cmd` with stdout and stderr to `log_path`; the peak RSS is the
    child's own from wait4 (RUSAGE_CHILDREN would be the maximum over every
    child this script ever waited for). The child gets its own process
    group, killed on timeout or when this script is interrupted."""
    with open(log_path, "w") as log:
        log.write("$ " + " ".join(cmd) + "\n")
        log.flush()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
        timer = threading.Timer(timeout, kill_group, [proc.pid]) if timeout else None
        if timer:
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            kill_group(proc.pid)
            raise
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if timeout and wall >= timeout:
            log.write(f"\nbench/train.py: killed after the --timeout of {timeout:g} s\n")
    return Measured(proc.returncode, wall, usage.ru_maxrss / 1024.0, log_path)


def quiet_output(cmd, **kw):
    """stdout of a quick command, or None when it fails."""
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True,
                              timeout=300, **kw).stdout
    except (OSError, subprocess.SubprocessError):
        return None


# ------------------------------------------------------------------ sides
def python_with(python, probe):
    """`python` when it runs `probe` successfully, else None."""
    if not os.path.exists(python):
        return None
    return python if quiet_output([python, "-c", probe]) is not None else None


def find_peers(venv):
    venv_python = os.path.join(venv, "bin", "python")
    torch2 = python_with(venv_python, "import sys, torch; "
                         "sys.exit(int(torch.__version__.split('.')[0]) < 2)")
    ort = python_with(venv_python, "import sys; sys.modules['torch'] = None; "
                      "from onnxruntime.capi import _pybind_state as C; C.Module")
    ort_prepare = python_with(venv_python, "from onnxruntime.training import artifacts")
    return {
        "torch-1.13": python_with(DEBIAN_PYTHON, "import torch"),
        "torch-2": torch2,
        "torch-2-compile": torch2,
        "ort": ort if ort_prepare else None,
    }


def versions(peers):
    probe = {"torch-1.13": "import torch; print('torch', torch.__version__)",
             "torch-2": "import torch; print('torch', torch.__version__)",
             "ort": "import sys; sys.modules['torch'] = None; import onnxruntime as o; "
                    "print('onnxruntime', o.__version__)"}
    tree = quiet_output(["git", "-C", ROOT, "describe", "--always", "--dirty"])
    out = {"tcc": "git " + tree.strip() if tree else "?"}
    for side, code in probe.items():
        if peers.get(side):
            text = quiet_output([peers[side], "-c", code])
            out[side] = text.strip().splitlines()[-1] if text else "?"
    return out


# ----------------------------------------------------------- preparation
class Workload:
    def __init__(self, name, work):
        self.name = name
        self.dir = os.path.join(work, name)
        self.onnx = os.path.join(self.dir, "model.onnx")
        self.params = os.path.join(self.dir, "params.json")
        self.binary = os.path.join(self.dir, "tcc-train")
        self.data = os.path.join(self.dir, "data")
        self.ort_artifacts = os.path.join(self.dir, "ort")
        self.compile = None  # Measured
        self.compile_error = None
        self.ort_error = None
        self.results = {side: [] for side in SIDES}  # per round: dict or error


def prepare(w, args, tools, peers):
    os.makedirs(w.dir, exist_ok=True)
    log = lambda what: os.path.join(w.dir, what + ".log")
    ref = [DEBIAN_PYTHON, args.reference]
    r = run_measured(ref + ["export", w.name, w.onnx], log("export"))
    if r.rc:
        fail(f"exporting {w.name} failed; see {r.log_path}:\n{r.tail()}")
    code = ("import json, sys; sys.path.insert(0, %r); import workloads; "
            "json.dump([n for n, _ in workloads.build(%r).named_parameters()], open(%r, 'w'))"
            % (os.path.dirname(args.reference), w.name, w.params))
    r = run_measured([DEBIAN_PYTHON, "-c", code], log("params"))
    if r.rc:
        fail(f"listing {w.name}'s parameters failed; see {r.log_path}")
    if not os.path.exists(os.path.join(w.data, "train_y.npy")):
        r = run_measured(ref + ["data", w.name, w.data], log("data"))
        if r.rc:
            fail(f"writing {w.name}'s data failed; see {r.log_path}:\n{r.tail()}")
    w.compile = run_measured([os.path.join(tools, "tcc-compile"), w.onnx, "--emit=exe",
                              "-o", w.binary] + TCC_FLAGS[w.name], log("tcc-compile"))
    if w.compile.rc:  # reported in the tables; the peers still run
        w.compile_error = f"compile failed (see {w.compile.log_path})"
        print(f"bench/train.py: tcc-compile failed on {w.name}:\n{w.compile.tail()}",
              file=sys.stderr)
    if peers.get("ort"):
        o = ORT_FLAGS[w.name]
        r = run_measured([peers["ort"], os.path.join(HERE, "ort_peer.py"), "prepare", w.onnx,
                          w.params, w.ort_artifacts, "--optimizer", o["optimizer"],
                          "--weight-decay", str(o["weight_decay"])], log("ort-prepare"))
        if r.rc:
            w.ort_error = f"artifacts failed (see {r.log_path})"


# ------------------------------------------------------------- training
def thread_env(threads, extra=None):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads),
               OPENBLAS_NUM_THREADS=str(threads))
    env.update(extra or {})
    return env


def warm_median(times):
    return statistics.median(times[min(WARMUP_STEPS, len(times) - 1):])


def train_tcc(w, args, out):
    log = out + ".jsonl"
    if os.path.exists(log):
        os.remove(log)
    cmd = [w.binary, "--train", os.path.join(w.data, "train_x.npy"),
           os.path.join(w.data, "train_y.npy"), "--steps", str(args.steps), "--no-shuffle",
           "--threads", str(args.threads), "--log", log, "--log-step-time"]
    r = run_measured(cmd, out + ".log", thread_env(args.threads, {}),
                     args.timeout)
    if r.rc:
        return r, None
    with open(log) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if not rows or "step_s" not in rows[0]:
        fail(f"{w.binary} logs no \"step_s\": rebuild tcc (the trainer writes it with "
             "--log-step-time)")
    return r, {"median_step_s": warm_median([x["step_s"] for x in rows]),
               "last_loss": rows[-1]["loss"]}


def train_peer(side, w, args, python, out):
    json_path = out + ".json"
    if side == "ort":
        o = ORT_FLAGS[w.name]
        cmd = [python, os.path.join(HERE, "ort_peer.py"), "train", w.ort_artifacts, w.data,
               "--batch", str(o["batch"]), "--lr", str(o["lr"])]
    else:
        cmd = [python, args.reference, "train", w.name]
        if side == "torch-2-compile":
            cmd.append("--compile")
    cmd += ["--steps", str(args.steps), "--threads", str(args.threads), "--json", json_path]
    r = run_measured(cmd, out + ".log", thread_env(args.threads), args.timeout)
    if r.rc:
        return r, None
    with open(json_path) as f:
        data = json.load(f)
    return r, {"median_step_s": data["median_step_s"], "last_loss": data["losses"][-1]}


def train_round(w, args, peers, round_no):
    order = SIDES[round_no % len(SIDES):] + SIDES[:round_no % len(SIDES)]
    for side in order:
        if side != "tcc" and not peers.get(side):
            continue
        if (side == "ort" and w.ort_error) or (side == "tcc" and w.compile_error):
            continue
        out = os.path.join(w.dir, f"{side}.r{round_no}")
        if side == "tcc":
            r, res = train_tcc(w, args, out)
        else:
            r, res = train_peer(side, w, args, peers[side], out)
        if res is None:
            res = {"error": f"failed (exit {r.rc}; see {r.log_path})"}
        res.update(peak_mib=r.peak_mib, wall_s=r.wall_s)
        w.results[side].append(res)
        shown = (f"{res['median_step_s'] * 1e3:.2f} ms/step" if "median_step_s" in res
                 else res["error"])
        progress(f"  round {round_no + 1} {w.name:4} {side:16} {shown}")


# --------------------------------------------------------------- summary
def summarize(w, side, peers):
    """One side of one workload over its rounds."""
    if side != "tcc" and not peers.get(side):
        return {"status": NOT_INSTALLED}
    if side == "ort" and w.ort_error:
        return {"status": w.ort_error}
    if side == "tcc" and w.compile_error:
        return {"status": w.compile_error}
    runs = w.results[side]
    good = [r for r in runs if "median_step_s" in r]
    if not good:
        return {"status": runs[0]["error"] if runs else "not run"}
    medians = [r["median_step_s"] for r in good]
    return {"status": "ok", "median_step_s": statistics.median(medians),
            "round_medians_s": medians, "peak_mib": max(r["peak_mib"] for r in good),
            "last_loss": good[-1]["last_loss"], "failed_rounds": len(runs) - len(good),
            "process_wall_s": [r["wall_s"] for r in good]}


def cell_ms(s):
    return f"{s['median_step_s'] * 1e3:.2f}" if s["status"] == "ok" else s["status"]


def markdown(workloads, summaries, meta):
    lines = [f"{meta['date']} · {meta['cpu']} · {meta['threads']} thread(s) · "
             f"{meta['steps']} steps ({WARMUP_STEPS} warm-up) × {meta['rounds']} round(s) · "
             f"load average {meta['load_before']} before, {meta['load_after']} after",
             "",
             "Median step time in ms; in parentheses the ratio peer / tcc (above 1: tcc is faster).",
             "",
             "| workload | tcc compile s | " + " | ".join(SIDES) + " |",
             "|---|---:|" + "---:|" * len(SIDES)]
    for w in workloads:
        s = summaries[w.name]
        tcc = s["tcc"]
        cells = []
        for side in SIDES:
            c = cell_ms(s[side])
            if side != "tcc" and s[side]["status"] == "ok" and tcc["status"] == "ok":
                c += f" ({s[side]['median_step_s'] / tcc['median_step_s']:.2f}×)"
            cells.append(c)
        compile_s = "failed" if w.compile_error else f"{w.compile.wall_s:.1f}"
        lines.append(f"| {w.name} | {compile_s} | " + " | ".join(cells) + " |")
    lines += ["", "Peak resident memory in MiB (each process's own) and the last loss "
              "(a sanity check: the sides train the same model on the same batches).", "",
              "| workload | " + " | ".join(SIDES) + " |", "|---|" + "---:|" * len(SIDES)]
    for w in workloads:
        s = summaries[w.name]
        cells = [f"{s[side]['peak_mib']:.0f} MiB, loss {s[side]['last_loss']:.4f}"
                 if s[side]["status"] == "ok" else s[side]["status"] for side in SIDES]
        lines.append(f"| {w.name} | " + " | ".join(cells) + " |")
    notes = [f"{w.name}: {ORT_NOTES[w.name]}" for w in workloads if w.name in ORT_NOTES]
    tool_versions = ", ".join(f"{k}: {v}" for k, v in meta["versions"].items())
    lines += ["", "tcc compile peak memory: " + ", ".join(
        f"{w.name} {w.compile.peak_mib:.0f} MiB" for w in workloads) + ".",
        f"Versions: {tool_versions}."] + [f"Note: {n}." for n in notes]
    return "\n".join(lines)


# ------------------------------------------------------------------ main
def parse_args():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default="mlp,cnn,gpt")
    p.add_argument("--steps", type=int, default=60, help="steps per run (first 10 are warm-up)")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--build", default=os.path.join(ROOT, "build"), help="tcc's build directory")
    p.add_argument("--venv", default=os.path.join(HERE, ".venv"), help="peers' venv (bench/peers.sh)")
    p.add_argument("--reference", default=DEFAULT_REFERENCE, help="the reference workloads.py")
    p.add_argument("--work", default=None, help="scratch directory (default BUILD/bench)")
    p.add_argument("--skip", default="", help="comma-separated sides not to run")
    p.add_argument("--timeout", type=float, default=1800, help="seconds per training run")
    p.add_argument("--json", help="write all results here")
    p.add_argument("--markdown", action="store_true",
                   help="no progress on stderr: the output is the tables for docs/performance.md")
    args = p.parse_args()
    names = [n for n in args.workloads.split(",") if n]
    bad = [n for n in names if n not in TCC_FLAGS]
    if bad or not names:
        p.error(f"unknown workload(s) {bad}; choose from {sorted(TCC_FLAGS)}")
    args.workloads = names
    if args.steps <= WARMUP_STEPS:
        p.error(f"--steps must exceed the {WARMUP_STEPS} warm-up steps")
    if args.rounds < 1 or args.threads < 1:
        p.error("--rounds and --threads must be at least 1")
    skip = [s for s in args.skip.split(",") if s]
    if any(s not in SIDES[1:] for s in skip):
        p.error(f"--skip takes sides among {SIDES[1:]}")
    args.skip = skip
    args.work = args.work or os.path.join(args.build, "bench")
    return args


def check_tools(args):
    tools = os.path.join(args.build, "bin")
    if not os.access(os.path.join(tools, "tcc-compile"), os.X_OK):
        fail(f"{tools}/tcc-compile not found: build tcc first (bash scripts/build.sh, "
             "or ninja -C build tcc-compile), or pass --build DIR")
    if not os.path.exists(args.reference):
        fail(f"the reference workloads '{args.reference}' do not exist (--reference)")
    if not python_with(DEBIAN_PYTHON, "import torch, onnx, numpy"):
        fail(f"{DEBIAN_PYTHON} cannot import torch, onnx and numpy, which the export needs "
             "(apt-get install python3-torch python3-onnx python3-numpy)")
    return tools


def machine():
    out = quiet_output(["lscpu"]) or ""
    for line in out.splitlines():
        if line.startswith("Model name:"):
            return line.split(":", 1)[1].strip() + f", {os.cpu_count()} cores"
    return platform.processor() or platform.machine()


def main():
    global QUIET
    args = parse_args()
    QUIET = args.markdown
    tools = check_tools(args)
    peers = find_peers(args.venv)
    for side in args.skip:
        peers[side] = None
    missing = [s for s in SIDES[1:] if not peers.get(s) and s not in args.skip]
    if missing:
        print(f"bench/train.py: {', '.join(missing)}: {NOT_INSTALLED}", file=sys.stderr)
    meta = {"date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), "cpu": machine(),
            "threads": args.threads, "steps": args.steps, "rounds": args.rounds,
            "load_before": "%.1f" % os.getloadavg()[0], "versions": versions(peers)}
    workloads = [Workload(n, args.work) for n in args.workloads]
    for w in workloads:
        progress(f"preparing {w.name} (export, data, tcc-compile)")
        prepare(w, args, tools, peers)
        progress(f"  tcc-compile {w.compile_error or '%.1f s' % w.compile.wall_s}")
    for r in range(args.rounds):
        for w in workloads:
            train_round(w, args, peers, r)
    meta["load_after"] = "%.1f" % os.getloadavg()[0]
    summaries = {w.name: {side: summarize(w, side, peers) for side in SIDES} for w in workloads}
    for w in workloads:
        for side in args.skip:
            summaries[w.name][side] = {"status": "skipped (--skip)"}
    table = markdown(workloads, summaries, meta)
    print(table)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "results": {
                w.name: dict(summaries[w.name], tcc_compile_s=w.compile.wall_s,
                             tcc_compile_peak_mib=w.compile.peak_mib) for w in workloads}},
                      f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
