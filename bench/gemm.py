#!/usr/bin/python3
"""GEMM micro-benchmark: tcc's generated f32 matmul against numpy/OpenBLAS.

For each shape, a one-op function `tcc.matmul` is lowered by tcc-opt's
`tcc-cpu-pipeline` (the pipeline training programs use), turned into a shared
library with LLVM 22's opt/llc for the host CPU (as tcc's object emitter
does), and timed in a ctypes loop. numpy's sgemm is timed in subprocesses
with OpenBLAS pinned to 1 and to 2 threads. Prints GFLOP/s side by side.

  /usr/bin/python3 bench/gemm.py [--build DIR] [--sizes 128,256] [--mlp]
"""
import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM_BIN = "/usr/lib/llvm-22/bin"

# (M, N, K) of the reference MLP's step at batch 128 (784-512-256-10):
# forward X.W^T, backward dX = dY.W and dW^T = X^T.dY.
MLP_SHAPES = [(128, 512, 784), (128, 256, 512), (128, 10, 256),
              (128, 256, 10), (128, 512, 256), (256, 10, 128),
              (512, 256, 128), (784, 512, 128)]


def matmul_mlir(m, n, k):
    return f"""func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %c = tcc.matmul %a, %b : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
      -> tensor<{m}x{n}xf32>
  return %c : tensor<{m}x{n}xf32>
}}
"""


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"gemm.py: {' '.join(cmd)} failed:\n{r.stderr}")


def build_library(build, workdir, m, n, k):
    """tcc IR -> LLVM dialect (tcc-opt) -> object (opt, llc) -> .so."""
    base = os.path.join(workdir, f"mm_{m}x{n}x{k}")
    with open(base + ".mlir", "w") as f:
        f.write(matmul_mlir(m, n, k))
    run([os.path.join(build, "bin", "tcc-opt"), base + ".mlir",
         "--tcc-cpu-pipeline", "-o", base + ".llvm.mlir"])
    run([f"{LLVM_BIN}/mlir-translate", "--mlir-to-llvmir",
         base + ".llvm.mlir", "-o", base + ".ll"])
    run([f"{LLVM_BIN}/opt", "-O3", "-mcpu=native", base + ".ll",
         "-o", base + ".bc"])
    run([f"{LLVM_BIN}/llc", "-O3", "-mcpu=native", "-filetype=obj",
         "--relocation-model=pic", base + ".bc", "-o", base + ".o"])
    run(["cc", "-shared", base + ".o", "-o", base + ".so"])
    return base + ".so"


def memref_args(a):
    """A 2-D contiguous array as the expanded memref arguments."""
    p = a.ctypes.data_as(ctypes.c_void_p)
    return [p, p, 0, a.shape[0], a.shape[1], a.strides[0] // 4, 1]


def bench(fn, min_time=0.2, repeats=3):
    """Best over `repeats` of the mean time per call in a loop of ~min_time."""
    fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-6)
    iters = max(1, int(min_time / once))
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        best = min(best, (time.perf_counter() - t0) / iters)
    return best


def time_tcc(lib_path, m, n, k, rng):
    lib = ctypes.CDLL(lib_path)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.zeros((m, n), np.float32)
    args = memref_args(a) + memref_args(b) + memref_args(c)
    types = [ctypes.c_void_p, ctypes.c_void_p] + [ctypes.c_int64] * 5
    lib.mm.argtypes = types * 3
    lib.mm.restype = None
    lib.mm(*args)
    err = np.abs(c - a @ b).max() / max(1.0, np.abs(a @ b).max())
    if err > 1e-4:
        sys.exit(f"gemm.py: wrong result for {m}x{n}x{k} (rel. error {err})")
    return bench(lambda: lib.mm(*args))


NUMPY_SNIPPET = """
import sys, time, numpy as np
sys.path.insert(0, {here!r})
from gemm import bench
rng = np.random.default_rng(0)
for m, n, k in {shapes!r}:
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), np.float32)
    print(bench(lambda: np.matmul(a, b, out=c)))
"""


def time_numpy(shapes, threads):
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads),
               OMP_NUM_THREADS=str(threads))
    code = NUMPY_SNIPPET.format(here=os.path.dirname(os.path.abspath(__file__)),
                                shapes=shapes)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                         capture_output=True, text=True).stdout
    return [float(x) for x in out.split()]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--sizes", default="128,256,512,1024",
                   help="square sizes, comma-separated")
    p.add_argument("--mlp", action="store_true",
                   help="also the reference MLP's shapes")
    args = p.parse_args()
    shapes = [(s, s, s) for s in map(int, args.sizes.split(",")) if s]
    if args.mlp:
        shapes += MLP_SHAPES
    rng = np.random.default_rng(0)
    blas1 = time_numpy(shapes, 1)
    blas2 = time_numpy(shapes, 2)
    print(f"{'M x N x K':>16} {'tcc ms':>9} {'tcc GF/s':>9} "
          f"{'BLAS-1t GF/s':>13} {'BLAS-2t GF/s':>13} {'tcc/BLAS-1t':>12}")
    with tempfile.TemporaryDirectory() as workdir:
        for (m, n, k), t1, t2 in zip(shapes, blas1, blas2):
            t = time_tcc(build_library(args.build, workdir, m, n, k),
                         m, n, k, rng)
            gf = lambda s: 2.0 * m * n * k / s / 1e9
            print(f"{f'{m}x{n}x{k}':>16} {t * 1e3:9.3f} {gf(t):9.1f} "
                  f"{gf(t1):13.1f} {gf(t2):13.1f} {t1 / t:12.2f}", flush=True)


if __name__ == "__main__":
    main()
