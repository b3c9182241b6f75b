//===- Passes.td - tcc CPU backend passes -----------------*- tablegen -*-===//

#ifndef TCC_TARGET_CPU_PASSES_TD
#define TCC_TARGET_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAndVectorizePass
    : Pass<"tcc-cpu-tile-and-vectorize", "::mlir::func::FuncOp"> {
  let summary = "Tile and vectorize linalg ops on buffers for the host CPU";
  let description = [{
    Runs on bufferized linalg (memrefs), before `convert-linalg-to-loops`,
    and leaves 1-D vector code that `convert-to-llvm` lowers.

    f32 contractions (`linalg.matmul`, `linalg.batch_matmul`, contraction
    generics; static shapes) are tiled three times, each tile loop's last
    partial tile being a separate static-shaped copy chosen by `scf.if`:
    1. cache tiles of K x N (`cache-tiles` N and K, evened out), in serial
       loops (batch, N, K), so that panel of B stays in cache;
    2. within one, blocks of M rows (`cache-tiles` M) of A streaming past
       the panel. For contractions whose B is indexed by (k, n) or (n, k)
       (other loops single-iteration) with at least 48 rows the panel is
       first packed (`pack`) into a scratch buffer, as column strips of
       K x 16 (an N x K B by a transposing copy in 8x8 register blocks;
       a K x N B whose rows are a page or more apart row by row, all strips
       of a row at once; columns past the last full strip are read in
       place),
       so register tiles read B contiguously (on the stack; in a
       parallel loop of at most 16 iterations, one slot per iteration of a
       buffer that `tcc-plan-buffers` puts in the arena; else on the heap);
    3. register tiles (`register-tiles` = M,N,K), loops (N, M, K).
    Contraction generics become `linalg.contract` (FMA vectorization). A
    contraction whose output a constant `linalg.fill` has just written,
    with K one cache tile, starts its accumulators at that constant and the
    fill goes.
    A register tile becomes a `vector.contract`, lowered to outer products
    (one FMA per row of the tile); the accumulator tile of C is read before
    and written after the K loop (hoisted), so it lives in registers, and
    the K loop is unrolled by 4.

    Threads: contractions of at least `min-parallel-flops` flops run one
    loop as an `scf.parallel` (lowered to OpenMP by
    `convert-scf-to-openmp`): the batch loops if there are any; else the
    N cache tiles when they divide evenly among threads (an even count or
    at least 8) or M is a single block (a single N tile is then split in
    two): one fork per op, each thread packing its own panels; else the M
    blocks of each cache tile with at least `min-parallel-flops` flops,
    forked after the panel is packed. K is never split across threads, so
    every sum is computed in the same order whatever the thread count. A fork/join of
    libomp's team costs a few microseconds; the default threshold (1 MFLOP,
    about 20 us on one core) keeps that overhead small.

    Other linalg ops with static shapes on f32 buffers (i32/i64 buffers
    beside f32 ones too, as pooling's argmax and gradient have) that the upstream vectorizer
    accepts (elementwise generics, fills, transposes, reductions) are tiled
    to `vector-width` along the innermost loop (1 along the others), peeled,
    and vectorized; when the outermost loop with more than one iteration
    is parallel and the op covers at
    least `min-parallel-elements` elements (about 20 us of work on one core),
    that loop becomes an `scf.parallel`. Ops already inside a parallel loop
    are never parallelized again (no nested thread teams).

    Anything else (dynamic shapes, convolutions, gathers, other element
    types) is left for `convert-linalg-to-loops`.
  }];
  let options = [
    ListOption<"registerTiles", "register-tiles", "int64_t",
               "Register tile of matmuls: M,N,K (default 6,16,1)">,
    ListOption<"cacheTiles", "cache-tiles", "int64_t",
               "Cache tile of matmuls: M,N,K, multiples of the register "
               "tile (default 72,256,256; 0 disables cache tiling and "
               "packing)">,
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "Elements per vector for elementwise ops (0 disables them)">,
    Option<"packB", "pack", "bool", "true",
           "Pack the K x N panel of B of plain matmuls into contiguous "
           "column strips (a stack scratch buffer per function)">,
    Option<"minParallelFlops", "min-parallel-flops", "int64_t", "1000000",
           "Contractions of at least this many flops (2*M*N*K) run their "
           "thread tiles in an scf.parallel">,
    Option<"minParallelElements", "min-parallel-elements", "int64_t",
           "65536",
           "Other vectorized ops over at least this many elements share "
           "their outer loop among threads">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def VectorizeRowReductionsPass
    : Pass<"tcc-cpu-vectorize-row-reductions", "::mlir::func::FuncOp"> {
  let summary = "Vector accumulators for reductions along contiguous rows";
  let description = [{
    On buffers, before `tcc-cpu-tile-and-vectorize`: a `linalg.generic`
    whose only reduction loop is the innermost one (softmax, norms and their
    gradients), with static shapes, a row length that is a multiple of 8,
    operands that are either read contiguously along the row or constant
    along it, an elementwise body and `out = combine(out, x)` reductions
    (addf, mulf, maximumf, minimumf, maxnumf, minnumf on f32), becomes a loop
    over the rows whose body runs on `max-width`-wide vectors (half as
    wide where the row needs it; 16 and 8 by default, two and one AVX2
    registers): each
    reduction accumulates lane-wise and is folded into its output once per
    row by a pairwise shuffle tree; outputs written at every point are stored
    per vector. Matrix products (contractions with M and N loops) are left
    to the tiler. The first loop around the rows with more than one
    iteration is an `scf.parallel` when the op covers at least
    `min-parallel-elements` points. No linalg op is left for what it
    rewrites.
  }];
  let options = [
    Option<"minParallelElements", "min-parallel-elements", "int64_t",
           "262144",
           "Reductions over at least this many points share their rows "
           "among threads (vectorized, a layer norm's 131072 points take "
           "~10 us on one core: not worth a fork/join)">,
    Option<"maxWidth", "max-width", "int64_t", "16",
           "Lanes of a row accumulator (a power of two >= 2; rows that "
           "are a multiple of half of it only use half)">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def StridedCopiesToLinalgPass
    : Pass<"tcc-cpu-strided-copies-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Turn strided memref.copy ops into linalg.copy";
  let description = [{
    On buffers, before `tcc-cpu-tile-and-vectorize`: a `memref.copy` between
    statically shaped buffers that are not both contiguous (the interior of
    a zero-padded convolution input, a slab of a strided view) would become
    a call to the runtime's generic `memrefCopy`, which walks the elements
    one by one with index arithmetic, on one thread. As a `linalg.copy` it
    is vectorized along its innermost dimension and its rows shared among
    threads like any elementwise op. Contiguous copies stay (they become
    `memcpy`).
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def VectorizeTransposesPass
    : Pass<"tcc-cpu-vectorize-transposes", "::mlir::func::FuncOp"> {
  let summary = "Transpose f32 buffers in 8x8 register blocks";
  let description = [{
    On buffers, before `tcc-cpu-tile-and-vectorize`: a `linalg.transpose`
    of statically shaped f32 buffers that moves the input's innermost
    (unit-stride) dimension away from the output's innermost one would be
    vectorized along the output's rows, each vector gathered element by
    element. Here the two dimensions are instead walked in 8x8 blocks:
    eight vector loads along the input's rows, an in-register transpose
    (shuffles), eight vector stores along the output's rows. What the
    blocks leave (dimensions not a multiple of 8) stays a `linalg.transpose`
    of the remaining slices. The first block loop with more than one
    iteration is an `scf.parallel` when the transpose moves at least
    `min-parallel-elements` elements and is not already in a parallel loop.
  }];
  let options = [
    Option<"minParallelElements", "min-parallel-elements", "int64_t",
           "65536",
           "Transposes of at least this many elements share their outer "
           "block loop among threads">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

def CollapseContractionDimsPass
    : Pass<"tcc-cpu-collapse-contraction-dims", "::mlir::func::FuncOp"> {
  let summary = "Merge the contiguous loops of contraction generics";
  let description = [{
    On tensors, after reshape propagation: in every contraction
    `linalg.generic`, each maximal run of consecutive loops of one iterator
    type that all indexing maps keep contiguous becomes one loop (operands
    reshaped to match), so that `tcc-cpu-tile-and-vectorize` register-tiles
    the whole flattened M, N and K extents (an im2col convolution's output
    positions and kernel rows) rather than their innermost pieces.
  }];
}

def InstrumentKernelsPass
    : Pass<"tcc-cpu-instrument-kernels", "::mlir::ModuleOp"> {
  let summary = "Time each kernel of the public functions (tcc-compile --profile)";
  let description = [{
    On buffers, after `tcc-cpu-tile-and-vectorize` and `tcc-plan-buffers`
    and before OpenMP lowering, when the body of a step function is a
    sequence of kernels (loop nests, linalg ops, copies) between views and
    constants. In every public function with a one-block body, each
    kernel is wrapped in `func.call @__tcc_profile_begin(id)` /
    `@__tcc_profile_end(id)` (i32 ids, private external declarations that
    the trainer runtime defines, lib/Runtime/Profile.cpp), and the whole
    body in one more pair. Consecutive top-level ops of one location and
    kind that write one buffer form one kernel (the peeled pieces of a
    matmul, an im2col's copy loops; but the im2col apart from the matmul
    reading it, a node's dX product apart from its dW); views,
    constants, allocations and other effect-free ops between them are not
    kernels.

    The ids are described by `@__tcc_profile_names`, an `llvm.mlir.global`
    NUL-terminated string with one line per id,
    `function<TAB>kind<TAB>nodes`, where kind is `step` for a whole
    function, else one of conv, matmul, reduction, elementwise, copy, fill,
    call, other; nodes are the node names of the kernel's location
    (NameLocs, fused by kernel formation; at most 3, then `+N more`), or
    `(no ONNX node)`. `@__tcc_profile_count` (i32) is the number of ids.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
  ];
}

#endif // TCC_TARGET_CPU_PASSES_TD
