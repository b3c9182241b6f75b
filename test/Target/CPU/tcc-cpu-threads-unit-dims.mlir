// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize),canonicalize)' | FileCheck %s

// An im2col slab copy [G = 1, C, N, P]: the leading group dimension has one
// iteration, so the rows shared among threads are those of the next loop
// (C), not none.
// CHECK-LABEL: func.func @leading_unit_dim
// CHECK:         scf.parallel (%[[C:.*]]) = (%c0) to (%c32) step (%c1) {
// CHECK:           scf.for %{{.*}} = %c0 to %c64 step %c1 {
// CHECK:             vector.load
// CHECK:             vector.store
// CHECK:           scf.reduce
#in = affine_map<(d0, d1, d2, d3) -> (d2, d0, d1, d3)>
#out = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @leading_unit_dim(%x: memref<64x1x32x196xf32>, %col: memref<1x32x64x196xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : memref<64x1x32x196xf32>) outs(%col : memref<1x32x64x196xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Only unit loops before the innermost one: nothing to share.
// CHECK-LABEL: func.func @all_unit_but_inner
// CHECK-NOT:     scf.parallel
func.func @all_unit_but_inner(%x: memref<1x1x131072xf32>, %y: memref<1x1x131072xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : memref<1x1x131072xf32>) outs(%y : memref<1x1x131072xf32>) {
  ^bb0(%a: f32, %b: f32):
    %n = arith.negf %a : f32
    linalg.yield %n : f32
  }
  return
}
