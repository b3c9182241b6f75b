#!/usr/bin/python3
"""GEMM micro-benchmark: tcc's generated f32 matmul against numpy/OpenBLAS.

For each shape, a one-op function `tcc.matmul` is lowered by tcc-opt's
`tcc-cpu-pipeline` (the pipeline training programs use), turned into a shared
library with LLVM 22's opt/llc for the host CPU (as tcc's object emitter
does), and timed in a ctypes loop with OMP_NUM_THREADS=--threads (used when
the generated code has OpenMP loops). numpy's sgemm is timed in subprocesses
with OpenBLAS pinned to 1 and to 2 threads. Prints GFLOP/s side by side as a
markdown table: square sizes, then the reference workloads' GEMM shapes.

  /usr/bin/python3 bench/gemm.py [--build DIR] [--sizes 128,...,2048]
                                 [--workloads mlp,cnn,gpt] [--threads 1]
                                 [--shapes 128x512x784^T,...] [--transpose-b]

A shape MxNxK^T (or every shape, with --transpose-b) reads B as an N x K
array (C = A.B^T: a weight of x.W^T, the attention's k^T): a
`linalg.matmul` whose indexing map transposes B, as tcc lowers a matmul of a
transposed operand.
"""
import argparse
import ctypes
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LLVM_BIN = "/usr/lib/llvm-22/bin"
LLVM_LIB = "/usr/lib/llvm-22/lib"  # libomp, for generated OpenMP loops

# (M, N, K, what) of the reference workloads' steps, as C[MxN] = A[MxK].B[KxN].
# MLP, batch 128 (784-512-256-10): forward X.W^T, backward dX = dY.W and
# dW^T = X^T.dY.
MLP_SHAPES = [(128, 512, 784, "fc1 fwd"), (128, 256, 512, "fc2 fwd"),
              (128, 10, 256, "fc3 fwd"), (128, 256, 10, "fc3 dX"),
              (128, 512, 256, "fc2 dX"), (256, 10, 128, "fc3 dW"),
              (512, 256, 128, "fc2 dW"), (784, 512, 128, "fc1 dW")]
# CNN, batch 64: convolutions as im2col GEMMs, C[Cout x pixels] =
# W[Cout x Cin*9].col[Cin*9 x pixels], per image and over the whole batch
# (conv1 1->32 at 28x28, conv2 32->64 at 14x14), and its fully connected layers.
CNN_SHAPES = [(32, 784, 9, "conv1 fwd/img"), (32, 64 * 784, 9, "conv1 fwd"),
              (64, 196, 288, "conv2 fwd/img"), (64, 64 * 196, 288, "conv2 fwd"),
              (288, 64 * 196, 64, "conv2 dX (col)"), (64, 288, 64 * 196, "conv2 dW"),
              (64, 128, 3136, "fc1 fwd"), (64, 3136, 128, "fc1 dX"),
              (3136, 128, 64, "fc1 dW")]
# GPT, 16x64 = 1024 tokens, d 128, 4 heads of 32: the linear layers forward
# and backward, and one head's attention products.
GPT_SHAPES = [(1024, 384, 128, "qkv fwd"), (1024, 128, 384, "qkv dX"),
              (128, 384, 1024, "qkv dW"), (1024, 128, 128, "proj fwd"),
              (1024, 512, 128, "fc fwd"), (1024, 128, 512, "out fwd / fc dX"),
              (512, 128, 1024, "fc dW"), (1024, 256, 128, "head fwd"),
              (64, 64, 32, "attn q.k^T"), (64, 32, 64, "attn p.v")]
WORKLOAD_SHAPES = {"mlp": MLP_SHAPES, "cnn": CNN_SHAPES, "gpt": GPT_SHAPES}


def matmul_mlir(m, n, k, tb=False):
    if tb:
        return matmul_bt_mlir(m, n, k)
    return f"""func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{k}x{n}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %c = tcc.matmul %a, %b : (tensor<{m}x{k}xf32>, tensor<{k}x{n}xf32>)
      -> tensor<{m}x{n}xf32>
  return %c : tensor<{m}x{n}xf32>
}}
"""


def matmul_bt_mlir(m, n, k):
    """C = A.B^T with B given as N x K, read through the indexing map."""
    return f"""func.func @mm(%a: tensor<{m}x{k}xf32>, %b: tensor<{n}x{k}xf32>)
    -> tensor<{m}x{n}xf32> {{
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<{m}x{n}xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  %c = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>,
                                      affine_map<(m, n, k) -> (n, k)>,
                                      affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : tensor<{m}x{k}xf32>, tensor<{n}x{k}xf32>)
      outs(%f : tensor<{m}x{n}xf32>) -> tensor<{m}x{n}xf32>
  return %c : tensor<{m}x{n}xf32>
}}
"""


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"gemm.py: {' '.join(cmd)} failed:\n{r.stderr}")


def build_library(tcc_opt, workdir, m, n, k, tb=False):
    """tcc IR -> LLVM dialect (tcc-opt) -> object (opt, llc) -> .so."""
    base = os.path.join(workdir, f"mm_{m}x{n}x{k}" + ("t" if tb else ""))
    with open(base + ".mlir", "w") as f:
        f.write(matmul_mlir(m, n, k, tb))
    run([tcc_opt, base + ".mlir",
         "--tcc-cpu-pipeline", "-o", base + ".llvm.mlir"])
    run([f"{LLVM_BIN}/mlir-translate", "--mlir-to-llvmir",
         base + ".llvm.mlir", "-o", base + ".ll"])
    # The host triple, as tcc's object emitter sets it: without one, LLVM
    # knows no C library and expands memcpy into a byte-at-a-time loop.
    triple = subprocess.run([f"{LLVM_BIN}/llvm-config", "--host-target"],
                            capture_output=True, text=True).stdout.strip()
    target = [f"-mtriple={triple}"] if triple else []
    run([f"{LLVM_BIN}/opt", "-O3", "-mcpu=native", *target, base + ".ll",
         "-o", base + ".bc"])
    run([f"{LLVM_BIN}/llc", "-O3", "-mcpu=native", *target, "-filetype=obj",
         "--relocation-model=pic", base + ".bc", "-o", base + ".o"])
    link = ["cc", "-shared", base + ".o", "-o", base + ".so"]
    if uses_openmp(base + ".o"):
        link += [f"-L{LLVM_LIB}", "-lomp", f"-Wl,-rpath,{LLVM_LIB}"]
    run(link)
    return base + ".so"


def uses_openmp(obj):
    """Whether the generated code calls libomp (parallel loops)."""
    r = subprocess.run([f"{LLVM_BIN}/llvm-nm", "--undefined-only", obj],
                       capture_output=True, text=True)
    return "__kmpc_" in r.stdout


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


def time_tcc(lib_path, m, n, k, rng, tb=False):
    lib = ctypes.CDLL(lib_path)
    a = rng.standard_normal((m, k), dtype=np.float32)
    bt = rng.standard_normal((n, k), dtype=np.float32) if tb else None
    b = bt.T if tb else rng.standard_normal((k, n), dtype=np.float32)
    # NaN: the result must not depend on what the output held.
    c = np.full((m, n), np.nan, np.float32)
    args = memref_args(a) + memref_args(bt if tb else b) + memref_args(c)
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
for m, n, k, tb in {shapes!r}:
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = (rng.standard_normal((n, k), dtype=np.float32).T if tb else
         rng.standard_normal((k, n), dtype=np.float32))
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


def parse_shape(text):
    """MxNxK or MxNxK^T (B given as N x K) -> (m, n, k, transposed)."""
    tb = text.endswith("^T")
    try:
        m, n, k = (int(x) for x in text[:-2 if tb else None].split("x"))
    except ValueError:
        sys.exit(f"gemm.py: bad shape '{text}' (MxNxK or MxNxK^T)")
    return m, n, k, tb


def parse_shapes(args):
    shapes = [(n, n, n, "square") for n in map(int, filter(None, args.sizes.split(",")))]
    names = [w for w in args.workloads.split(",") if w]
    if args.mlp and "mlp" not in names:
        names.append("mlp")
    for w in names:
        if w not in WORKLOAD_SHAPES:
            sys.exit(f"gemm.py: unknown workload '{w}' (mlp, cnn, gpt)")
        shapes += [(m, n, k, f"{w} {what}") for m, n, k, what in WORKLOAD_SHAPES[w]]
    shapes = [(m, n, k, args.transpose_b, what) for m, n, k, what in shapes]
    for text in filter(None, args.shapes.split(",")):
        shapes.append(parse_shape(text) + ("given",))
    return shapes


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--sizes", default="128,256,512,1024,2048",
                   help="square sizes, comma-separated ('' for none)")
    p.add_argument("--workloads", default="mlp,cnn,gpt",
                   help="the GEMM shapes of these reference workloads ('' for none)")
    p.add_argument("--mlp", action="store_true", help="same as adding mlp to --workloads")
    p.add_argument("--shapes", default="",
                   help="more shapes, MxNxK or MxNxK^T (B given as N x K), comma-separated")
    p.add_argument("--transpose-b", action="store_true",
                   help="give B as N x K in the --sizes and --workloads shapes")
    p.add_argument("--threads", type=int, default=1,
                   help="OMP_NUM_THREADS for tcc's code (used if it has OpenMP loops)")
    args = p.parse_args()
    if not os.access(os.path.join(args.build, "bin", "tcc-opt"), os.X_OK):
        sys.exit(f"gemm.py: {args.build}/bin/tcc-opt not found: build tcc first "
                 "(ninja -C build tcc-opt) or pass --build")
    # libomp reads it when the first OpenMP library loads, below.
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    shapes = parse_shapes(args)
    rng = np.random.default_rng(0)
    openmp = []
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        # A snapshot: a rebuild of the tree during the run cannot disturb it.
        tcc_opt = shutil.copy2(os.path.join(args.build, "bin", "tcc-opt"), workdir)
        for m, n, k, tb, what in shapes:
            lib = build_library(tcc_opt, workdir, m, n, k, tb)
            openmp.append(uses_openmp(lib[:-3] + ".o"))
            # One shape at a time, all sides back to back: machine noise
            # hits them alike.
            t = time_tcc(lib, m, n, k, rng, tb)
            [t1], [t2] = (time_numpy([(m, n, k, tb)], threads) for threads in (1, 2))
            ts = t1 if args.threads == 1 else t2
            gf = lambda s: 2.0 * m * n * k / s / 1e9
            rows.append(f"| {m}x{n}x{k}{'^T' if tb else ''} | {what} | {t * 1e3:.3f} | {gf(t):.1f} | "
                        f"{gf(t1):.1f} | {gf(t2):.1f} | {ts / t:.2f} |")
            print(rows[-1], file=sys.stderr, flush=True)
    threaded = ("OpenMP, OMP_NUM_THREADS=%d" % args.threads if all(openmp) else
                "single-threaded code (no OpenMP loops)" if not any(openmp) else
                "OpenMP in %d of %d shapes, OMP_NUM_THREADS=%d" % (sum(openmp), len(openmp),
                                                                     args.threads))
    print(f"tcc: {threaded}; OpenBLAS: 1 and 2 threads (OPENBLAS_NUM_THREADS); "
          f"ratio = tcc / OpenBLAS at {min(args.threads, 2)} thread(s), in GFLOP/s.\n")
    print("| M x N x K | shape | tcc ms | tcc GFLOP/s | OpenBLAS 1t GFLOP/s | "
          "OpenBLAS 2t GFLOP/s | tcc / OpenBLAS |")
    print("|---|---|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
