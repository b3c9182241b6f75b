// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize),canonicalize)' | FileCheck %s

// B given as N x K (x.W^T) through the indexing map: each 20x16 strip of
// the panel is filled by a transposing copy, 8x8 blocks loaded as rows of
// 8, transposed by shuffles and stored as rows of the strip (K = 20: two
// blocks of 8, then the last 4 columns element by element); the register
// tiles then read B from the strips as for a K x N B.
// CHECK-LABEL: func.func @transposed_b
// CHECK:         %[[SCRATCH:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4096x16xf32>
// CHECK:         scf.for %[[NB:.*]] = %c0 to %c4 step %c1 {
// CHECK:           %[[STRIP:.*]] = memref.subview %[[SCRATCH]][%{{.*}}, 0] [20, 16] [1, 1]
// CHECK:           %[[SRC:.*]] = memref.subview %{{.*}}[%{{.*}}, 0] [16, 20] [1, 1] : memref<64x20xf32> to memref<16x20xf32
// CHECK:           scf.for %[[K:.*]] = %c0 to %c16 step %c8 {
// CHECK-COUNT-8:     vector.load %[[SRC]][%{{.*}}, %[[K]]] {{.*}} vector<8xf32>
// CHECK-COUNT-24:    vector.shuffle
// CHECK:             vector.store %{{.*}}, %[[STRIP]][%[[K]], %c0] {{.*}} vector<8xf32>
// CHECK-COUNT-7:     vector.store %{{.*}}, %[[STRIP]][%{{.*}}, %c0] {{.*}} vector<8xf32>
// CHECK-COUNT-8:     vector.load %[[SRC]][%{{.*}}, %[[K]]] {{.*}} vector<8xf32>
// CHECK-COUNT-24:    vector.shuffle
// CHECK-COUNT-8:     vector.store %{{.*}}, %[[STRIP]][%{{.*}}, %c8] {{.*}} vector<8xf32>
// CHECK:           }
// CHECK:           memref.subview %[[SRC]][0, 16] [16, 4] [1, 1]
// CHECK:         scf.for
// CHECK:           scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK:             memref.subview %[[SCRATCH]]
// CHECK:             vector.fma
// CHECK-NOT:     linalg.matmul
func.func @transposed_b(%a: memref<96x20xf32>, %b: memref<64x20xf32>, %c: memref<96x64xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<96x20xf32>, memref<64x20xf32>) outs(%c : memref<96x64xf32>)
  return
}

// -----

// A given as K x M as well: A is read through its map by the register
// tiles (a broadcast per element), B packed as above.
// CHECK-LABEL: func.func @transposed_a_and_b
// CHECK:         memref.alloca() {alignment = 64 : i64} : memref<4096x16xf32>
// CHECK:         vector.shuffle
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:           vector.fma
// CHECK-NOT:     linalg.matmul
func.func @transposed_a_and_b(%a: memref<16x48xf32>, %b: memref<32x16xf32>, %c: memref<48x32xf32>) {
  linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (k, m)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
      ins(%a, %b : memref<16x48xf32>, memref<32x16xf32>) outs(%c : memref<48x32xf32>)
  return
}

// -----

// Batched with B as N x K (q.k^T): the batch loop is parallel, and each
// iteration packs its own 64x32 panel (one slot each of a buffer in the
// entry block) before its register tiles.
// CHECK-LABEL: func.func @batch_transposed_b
// CHECK:         %[[ALL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32768x16xf32>
// CHECK:         scf.parallel (%[[BATCH:.*]]) = (%c0) to (%c8) step (%c1) {
// CHECK:           memref.subview %[[ALL]]
// CHECK:           vector.shuffle
// CHECK:           vector.fma
// CHECK-NOT:     linalg.batch_matmul
func.func @batch_transposed_b(%a: memref<8x64x32xf32>, %b: memref<8x64x32xf32>, %c: memref<8x64x64xf32>) {
  linalg.batch_matmul indexing_maps = [affine_map<(b, m, n, k) -> (b, m, k)>, affine_map<(b, m, n, k) -> (b, n, k)>, affine_map<(b, m, n, k) -> (b, m, n)>]
      ins(%a, %b : memref<8x64x32xf32>, memref<8x64x32xf32>) outs(%c : memref<8x64x64xf32>)
  return
}

// -----

// Attention scores from views of a qkv activation (B, T, 3H, D): a generic
// contraction over (b, h) batch loops with K = D contiguous. Its tiles
// become linalg.contract ops (a generic would be vectorized as a
// multi-reduction, without FMAs); B (the keys) is packed by the
// transposing copy.
// CHECK-LABEL: func.func @qk_views
// CHECK:         scf.parallel
// CHECK:           vector.shuffle
// CHECK:           scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK:             vector.fma
// CHECK-NOT:     linalg.generic
// CHECK-NOT:     vector.reduction
#q = affine_map<(b, h, m, n, d) -> (b, m, h, d)>
#k = affine_map<(b, h, m, n, d) -> (b, n, h, d)>
#s = affine_map<(b, h, m, n, d) -> (b, h, m, n)>
func.func @qk_views(%qkv: memref<2x64x12x32xf32>, %out: memref<2x4x64x64xf32>) {
  %q = memref.subview %qkv[0, 0, 0, 0] [2, 64, 4, 32] [1, 1, 1, 1] : memref<2x64x12x32xf32> to memref<2x64x4x32xf32, strided<[24576, 384, 32, 1]>>
  %k = memref.subview %qkv[0, 0, 4, 0] [2, 64, 4, 32] [1, 1, 1, 1] : memref<2x64x12x32xf32> to memref<2x64x4x32xf32, strided<[24576, 384, 32, 1], offset: 128>>
  linalg.generic {indexing_maps = [#q, #k, #s], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<2x64x4x32xf32, strided<[24576, 384, 32, 1]>>, memref<2x64x4x32xf32, strided<[24576, 384, 32, 1], offset: 128>>)
      outs(%out : memref<2x4x64x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}
