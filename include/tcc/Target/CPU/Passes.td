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

    f32 `linalg.matmul` and `linalg.batch_matmul` (default indexing maps,
    static shapes) are tiled twice: a cache-level tile (`cache-tiles` =
    M,N,K; loops ordered N, K, M so a K x N panel of B stays in cache while
    A streams past it), then a register tile (`register-tiles` = M,N,K)
    with K innermost. Every loop is peeled, so all tiles have static sizes.
    A register tile becomes a `vector.contract`, lowered to outer products
    (one FMA per row of the tile); the accumulator tile of C is read before
    and written after the K loop (hoisted), so it lives in registers.

    Other f32 linalg ops with static shapes that the upstream vectorizer
    accepts (elementwise generics, fills, transposes, reductions) are tiled
    to `vector-width` along the innermost loop (1 along the others), peeled,
    and vectorized.

    Anything else (dynamic shapes, convolutions, gathers, other element
    types) is left for `convert-linalg-to-loops`.
  }];
  let options = [
    ListOption<"registerTiles", "register-tiles", "int64_t",
               "Register tile of matmuls: M,N,K (default 6,16,1)">,
    ListOption<"cacheTiles", "cache-tiles", "int64_t",
               "Cache tile of matmuls: M,N,K, multiples of the register "
               "tile (default 72,256,256; 0 disables cache tiling)">,
    Option<"vectorWidth", "vector-width", "int64_t", "16",
           "Elements per vector for elementwise ops (0 disables them)">,
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
}

#endif // TCC_TARGET_CPU_PASSES_TD
