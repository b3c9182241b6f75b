#!/usr/bin/python3
"""Finite-difference gradient checks of every differentiable tcc op.

Each case is a small MLIR body computing `%out` from some f64 tensors. The
driver wraps it into

    func.func @f(<float args>, <int args>, %__c: tensor<OUT x f64>) -> tensor<f64>
        = reduce_sum(%out * %__c)          (%__c random: a random cotangent)

differentiates it with `tcc-opt --tcc-autodiff="function=f all-args=true"`,
and adds a function `@check` that calls `@f_grad` once at the point x and
`@f` at x + eps*v and x - eps*v for 2 random directions v per float argument
(each argument perturbed alone, the others held). One `tcc-run --entry check`
per case gives everything; the driver compares, per argument and direction,

    (f(x + eps v) - f(x - eps v)) / (2 eps)   with   <grad_arg, v>

in float64 with eps = 1e-6, within 1e-6 relative plus a small absolute term
scaled by sum|out * c| (the rounding noise of f). An op without a VJP rule makes
tcc-opt fail: that case fails with tcc-opt's error, it is never skipped.

Case files
----------
python/tcc_tests/gradcheck_cases/<family>.py define `CASES`, a list of dicts:

    dict(name="mul_broadcast",                       # unique in the family
         args=[("x", [2, 3]), ("y", [3])],           # f64 tensors, differentiated
         body='''%out = tcc.mul %x, %y : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>''',
         # optional keys:
         int_args=[("idx", [2], "i64", [0, 2])],     # name, shape, dtype, flat values;
                                                     #   fixed, not differentiated
         positive=["x"],                             # drawn as |normal| + 0.5
         values={"y": [0.5, -1.0, 2.0]},             # fixed values (flat or nested)
         out=[2, 3],                                 # %out's shape, if the driver
                                                     #   cannot read it from the body
         eps=1e-6, rtol=1e-6, atol=1e-8)             # step and tolerances (defaults)

`body` is MLIR (any number of lines) that uses the arguments by name and
defines `%out`, an f64 tensor (a 0-d one is fine); names starting with `__`
are the driver's. Float arguments are random normal unless `positive` or
`values` say otherwise; random values come from a seed derived from the case
name (and --seed), so a case is deterministic. %out's shape is read from the
last `tensor<...>` type on the line that defines %out.

Tolerance: |fd - <grad, v>| <= rtol * max(|fd|, |<grad, v>|) + atol * (1 +
sum|out * c|). Change eps/rtol/atol only where the math says why: a case
whose forward value passes through f32 has 6e-8 relative rounding noise,
which a 1e-6 step turns into 6% error; such a case takes a large step (say
0.1) on a function that is at most quadratic along each argument (central
differences are then exact).

Non-differentiable points: ops with kinks or jumps (relu, abs, max/min of
two different arguments that tie, floor, ceil, pooling maxima) are only
checked away from them.
Random normal inputs are within eps of a kink with probability ~1e-6 per
element, and the seed is fixed, so a case either always passes or always
fails; where a case needs specific points (ties, values near a kink on
purpose, integer-valued inputs) it sets them with `values`.

Output: one line per failing case (with the argument, the two numbers and the
kept working directory), a summary per family, and the closing line
`N passed, M failed`; exit code 1 on any failure.

  /usr/bin/python3 python/tcc_tests/gradcheck.py [--tools-dir DIR]
      [--family NAME] [--filter SUBSTRING] [--seed N] [--jobs 2] [-v]
"""
import argparse
import concurrent.futures
import importlib
import os
import pkgutil
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zlib

import numpy as np

# Case modules live in tcc_tests.gradcheck_cases; make python/ importable when
# the driver is run by path without PYTHONPATH.
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
EPS = 1e-6
RTOL = 1e-6
ATOL = 1e-8   # absolute slack per unit of sum|out * c| (the size of f's terms)
DIRECTIONS = 2
TIMEOUT_S = 300
INT_DTYPES = {"i64": np.int64, "i32": np.int32, "i16": np.int16, "i8": np.int8,
              "i1": np.bool_}


class CaseError(Exception):
    """A malformed case dict: reported as that case's failure."""


# ------------------------------------------------------------ cases
def tensor_type(shape, el):
    return "tensor<" + "".join(f"{d}x" for d in shape) + el + ">"


def parse_shape(type_text):
    """`tensor<2x3xf64>` -> [2, 3]."""
    dims = type_text[len("tensor<"):-1].split("x")[:-1]
    return [int(d) for d in dims]


def out_shape(case):
    if "out" in case:
        return list(case["out"])
    for line in case["body"].splitlines():
        if re.match(r"\s*%out\s*=", line):
            types = re.findall(r"tensor<[^<>]*>", line)
            if not types or not types[-1].endswith("xf64>") and types[-1] != "tensor<f64>":
                raise CaseError("the line defining %out has no f64 result type; "
                                "set out=[...]")
            return parse_shape(types[-1])
    raise CaseError("the body does not define %out")


def check_case(case):
    """Validates a case dict, with messages naming what is wrong."""
    for key in ("name", "args", "body"):
        if key not in case:
            raise CaseError(f"missing key '{key}'")
    unknown = set(case) - {"name", "args", "body", "int_args", "positive", "values", "out",
                           "eps", "rtol", "atol"}
    if unknown:
        raise CaseError(f"unknown keys {sorted(unknown)}")
    names = [a[0] for a in case["args"]] + [a[0] for a in case.get("int_args", [])]
    if len(set(names)) != len(names):
        raise CaseError("argument names repeat")
    if not case["args"]:
        raise CaseError("no float argument to differentiate")
    for name, shape, dtype, values in case.get("int_args", []):
        if dtype not in INT_DTYPES:
            raise CaseError(f"int arg '{name}': dtype {dtype} is not one of {list(INT_DTYPES)}")
        if len(np.ravel(values)) != int(np.prod(shape, dtype=np.int64)):
            raise CaseError(f"int arg '{name}': {len(np.ravel(values))} values for shape {shape}")
    shapes = dict((a[0], a[1]) for a in case["args"])
    for name in case.get("positive", []):
        if name not in shapes:
            raise CaseError(f"positive names '{name}', which is not a float arg")
    for name, values in case.get("values", {}).items():
        if name not in shapes:
            raise CaseError(f"values names '{name}', which is not a float arg")
        if np.size(values) != int(np.prod(shapes[name], dtype=np.int64)):
            raise CaseError(f"values of '{name}': {np.size(values)} for shape {shapes[name]}")
    out_shape(case)


def load_cases(family_filter):
    """[(family, case)] from every module in gradcheck_cases/."""
    import tcc_tests.gradcheck_cases as pkg
    found = []
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if family_filter and info.name != family_filter:
            continue
        module = importlib.import_module(f"{pkg.__name__}.{info.name}")
        for case in getattr(module, "CASES", []):
            found.append((info.name, case))
    return found


def make_inputs(case, seed):
    """Float arg values (dict), the cotangent c, and the directions."""
    rng = np.random.default_rng([zlib.crc32(case["name"].encode()), seed])
    positive = set(case.get("positive", []))
    fixed = case.get("values", {})
    xs = {}
    for name, shape in case["args"]:
        if name in fixed:
            x = np.asarray(fixed[name], dtype=np.float64).reshape(shape)
        else:
            x = rng.standard_normal(shape)
            if name in positive:
                x = np.abs(x) + 0.5
        xs[name] = np.asarray(x, dtype=np.float64)
    c = np.asarray(rng.standard_normal(out_shape(case)), dtype=np.float64)
    dirs = {name: [rng.standard_normal(shape) for _ in range(DIRECTIONS)]
            for name, shape in case["args"]}
    return xs, c, dirs


# ------------------------------------------------------------ module text
def build_f(case):
    """The module with @f = reduce_sum(%out * %__c)."""
    oshape = out_shape(case)
    otype = tensor_type(oshape, "f64")
    params = [f"%{n}: {tensor_type(s, 'f64')}" for n, s in case["args"]]
    params += [f"%{n}: {tensor_type(s, d)}" for n, s, d, _ in case.get("int_args", [])]
    params.append(f"%__c: {otype}")
    body = "\n".join("    " + line.strip() for line in case["body"].strip().splitlines())
    axes = ", ".join(str(i) for i in range(len(oshape)))
    return f"""module {{
  func.func @f({", ".join(params)}) -> tensor<f64> {{
{body}
    %__p = tcc.mul %out, %__c : ({otype}, {otype}) -> {otype}
    %__l = tcc.reduce_sum %__p {{axes = array<i64{": " + axes if axes else ""}>, keep_dims = false}} : ({otype}) -> tensor<f64>
    return %__l : tensor<f64>
  }}
}}
"""


def perturbations(case):
    """(arg name, direction, sign) in the order @check evaluates them."""
    return [(n, d, s) for n, _ in case["args"] for d in range(DIRECTIONS) for s in (1, -1)]


def build_check(case):
    """`@check(<f's args>, <perturbed args>) -> (f values..., f_grad results...)`."""
    fargs = [(n, tensor_type(s, "f64")) for n, s in case["args"]]
    iargs = [(n, tensor_type(s, d)) for n, s, d, _ in case.get("int_args", [])]
    ctype = tensor_type(out_shape(case), "f64")
    all_args = fargs + iargs + [("__c", ctype)]
    types = dict(all_args)
    perturbed = [(f"__p{i}", name) for i, (name, _, _) in enumerate(perturbations(case))]
    params = [f"%{n}: {t}" for n, t in all_args] + [f"%{p}: {types[n]}" for p, n in perturbed]
    arg_types = ", ".join(t for _, t in all_args)
    lines, results = [], []
    for i, (p, name) in enumerate(perturbed):
        call_args = ", ".join(f"%{p}" if n == name else f"%{n}" for n, _ in all_args)
        lines.append(f"    %__f{i} = func.call @f({call_args}) : ({arg_types}) -> tensor<f64>")
        results.append((f"%__f{i}", "tensor<f64>"))
    grad_types = ["tensor<f64>"] + [t for _, t in fargs] + [ctype]
    call_args = ", ".join(f"%{n}" for n, _ in all_args)
    lines.append(f"    %__g:{len(grad_types)} = func.call @f_grad({call_args}) "
                 f": ({arg_types}) -> ({', '.join(grad_types)})")
    results += [(f"%__g#{i}", t) for i, t in enumerate(grad_types)]
    return (f"  func.func @check({', '.join(params)}) -> ({', '.join(t for _, t in results)}) {{\n"
            + "\n".join(lines) + "\n"
            + f"    return {', '.join(v for v, _ in results)} : {', '.join(t for _, t in results)}\n"
            + "  }\n")


# ------------------------------------------------------------ one case
def run_tool(cmd, cwd):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {TIMEOUT_S}s: {' '.join(cmd[:2])}"
    return p, p.stderr.strip()


def failure_message(tool, p, err):
    if p is None:
        return f"{tool}: {err}"
    if p.returncode < 0:
        return f"{tool}: crashed with signal {-p.returncode} (run.sh in the directory reproduces it)"
    lines = [l for l in err.splitlines() if "error" in l] or err.splitlines() or ["(no message)"]
    return f"{tool}: {lines[0].strip()}"


def write_repro(workdir, cmd):
    with open(os.path.join(workdir, "run.sh"), "w") as fh:
        fh.write("#!/bin/sh\ncd \"$(dirname \"$0\")\"\n" + " ".join(shlex.quote(c) for c in cmd) + "\n")


def run_case(tools, case, seed, workdir):
    """Returns (ok, message)."""
    try:
        check_case(case)
        xs, c, dirs = make_inputs(case, seed)
        f_text = build_f(case)
    except CaseError as e:
        return False, f"malformed case: {e}"
    with open(os.path.join(workdir, "f.mlir"), "w") as fh:
        fh.write(f_text)
    cmd = [os.path.join(tools, "tcc-opt"), "f.mlir", "--tcc-autodiff=function=f all-args=true"]
    write_repro(workdir, cmd)
    p, err = run_tool(cmd, workdir)
    if p is None or p.returncode != 0:
        return False, failure_message("tcc-opt", p, err)
    module = p.stdout.rstrip()
    if not module.endswith("}"):
        return False, "tcc-opt printed no module"
    module = module[:-1] + build_check(case) + "}\n"
    with open(os.path.join(workdir, "check.mlir"), "w") as fh:
        fh.write(module)

    inputs = [xs[n] for n, _ in case["args"]]
    inputs += [np.asarray(v, dtype=INT_DTYPES[d]).reshape(s) for _, s, d, v in case.get("int_args", [])]
    inputs.append(c)
    for name, d, sign in perturbations(case):
        inputs.append(xs[name] + sign * case.get("eps", EPS) * dirs[name][d])
    cmd = [os.path.join(tools, "tcc-run"), "check.mlir", "--entry", "check", "--output-dir", "out"]
    for i, value in enumerate(inputs):
        np.save(os.path.join(workdir, f"in{i}.npy"), value)
        cmd += ["--input", f"in{i}.npy"]
    write_repro(workdir, cmd)
    p, err = run_tool(cmd, workdir)
    if p is None or p.returncode != 0:
        return False, failure_message("tcc-run", p, err)
    return compare(case, workdir, c, dirs)


def compare(case, workdir, c, dirs):
    pert = perturbations(case)
    n_out = len(pert) + 1 + len(case["args"]) + 1
    outs = [np.load(os.path.join(workdir, "out", f"output_{i}.npy")) for i in range(n_out)]
    fvals = [float(v) for v in outs[:len(pert)]]
    grads = {n: outs[len(pert) + 1 + i] for i, (n, _) in enumerate(case["args"])}
    out_value = outs[-1]  # d loss / d c is %out itself
    eps, rtol = case.get("eps", EPS), case.get("rtol", RTOL)
    atol = case.get("atol", ATOL) * (1.0 + float(np.sum(np.abs(out_value * c))))
    worst_ratio, failure = 0.0, None
    for k in range(0, len(pert), 2):
        name, d, _ = pert[k]
        fd = (fvals[k] - fvals[k + 1]) / (2 * eps)
        an = float(np.sum(grads[name] * dirs[name][d]))
        err = abs(fd - an)
        bound = rtol * max(abs(fd), abs(an)) + atol
        ratio = err / bound
        if not err <= bound and (failure is None or not ratio < worst_ratio):  # NaN fails
            failure = (f"d/d{name} along v{d}: finite difference {fd:.10g}, "
                       f"gradient {an:.10g} (|diff| {err:.3g} > {bound:.3g})")
        worst_ratio = ratio if not ratio <= worst_ratio else worst_ratio
    if failure:
        return False, failure
    return True, f"error at most {worst_ratio:.2g} of the tolerance"


# ------------------------------------------------------------ main
def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS)
    ap.add_argument("--family", help="only gradcheck_cases/FAMILY.py")
    ap.add_argument("--filter", help="only cases whose name contains this")
    ap.add_argument("--seed", type=int, default=0, help="varies the random inputs")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("-v", "--verbose", action="store_true", help="also list passing cases")
    args = ap.parse_args()
    args.tools_dir = os.path.abspath(args.tools_dir)  # the tools run in each case's directory
    for tool in ("tcc-opt", "tcc-run"):
        if not os.access(os.path.join(args.tools_dir, tool), os.X_OK):
            print(f"error: no {tool} in {args.tools_dir}", file=sys.stderr)
            return 1

    cases = [(fam, c) for fam, c in load_cases(args.family)
             if not args.filter or args.filter in c.get("name", "")]
    if not cases:
        print("error: no case matches", file=sys.stderr)
        return 1
    seen = set()
    root = tempfile.mkdtemp(prefix="tcc-gradcheck-")
    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        for fam, case in cases:
            label = f"{fam}/{case.get('name', '?')}"
            if label in seen:
                label += f"#{len(seen)}"
            seen.add(label)
            workdir = os.path.join(root, label.replace("/", "."))
            os.makedirs(workdir)
            jobs.append((fam, label, workdir,
                         pool.submit(run_case, args.tools_dir, case, args.seed, workdir)))

    per_family = {}
    failed = 0
    for fam, label, workdir, fut in jobs:
        try:
            ok, message = fut.result()
        except Exception as e:  # a driver bug must not hide the other cases
            ok, message = False, f"driver error: {type(e).__name__}: {e}"
        counts = per_family.setdefault(fam, [0, 0])
        counts[0 if ok else 1] += 1
        if ok:
            shutil.rmtree(workdir, ignore_errors=True)
            if args.verbose:
                print(f"PASS {label}: {message}")
        else:
            failed += 1
            print(f"FAIL {label}: {message} [{workdir}]")
    if not failed:
        shutil.rmtree(root, ignore_errors=True)
    for fam, (p, f) in sorted(per_family.items()):
        print(f"{fam}: {p} passed, {f} failed")
    print(f"{len(jobs) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
