// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{cache-tiles=0,0,0}),canonicalize)' | FileCheck %s
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{cache-tiles=6,16,4}),canonicalize)' | FileCheck %s --check-prefix=CACHE
// RUN: not tcc-opt %s --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{register-tiles=6,16}))' 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: tcc-cpu-tile-and-vectorize: 'register-tiles' must be three positive integers M,N,K

// A 8x20x5 matmul: register tiles 6x16 (full), 2x16, 6x4 and 2x4 (peeled),
// each a K loop carrying its accumulator rows in registers.
// CHECK-LABEL: func.func @matmul
// CHECK-NOT:     linalg.matmul
// CHECK:         vector.load {{.*}} vector<16xf32>
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-6:   vector.fma {{.*}} : vector<16xf32>
// CHECK:           scf.yield
// CHECK:         vector.store %{{.*}}#0, %{{.*}}[%c0, %c0]
// CHECK-COUNT-5: vector.store {{.*}} vector<16xf32>
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>)
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>, vector<4xf32>)
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<4xf32>, vector<4xf32>)
// CHECK-NOT:     linalg.matmul

// With a 6x16x4 cache tile, K = 5 is cut into even blocks of 3 and 2 (the
// last chosen by scf.if); the register K loops cover one block.
// CACHE-LABEL: func.func @matmul
// CACHE-NOT:     linalg.matmul
// CACHE:         scf.if
// CACHE:         scf.for %{{.*}} = %c0 to %c2 step %c1 iter_args
// CACHE:         vector.fma
// CACHE:         scf.for %{{.*}} = %c0 to %c3 step %c1 iter_args
// CACHE:         vector.fma
func.func @matmul(%a: memref<8x5xf32>, %b: memref<5x20xf32>, %c: memref<8x20xf32>) {
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x20xf32>) outs(%c : memref<8x20xf32>)
  return
}

// -----

// Batched: the batch loop has tile 1, the rest as for a matmul.
// CHECK-LABEL: func.func @batch_matmul
// CHECK-NOT:     linalg.batch_matmul
// CHECK:         scf.for {{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-NOT:     linalg.batch_matmul
func.func @batch_matmul(%a: memref<2x6x3xf32>, %b: memref<2x3x16xf32>, %c: memref<2x6x16xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<2x6x3xf32>, memref<2x3x16xf32>) outs(%c : memref<2x6x16xf32>)
  return
}

// -----

// Elementwise with a broadcast operand: vectors of 16 along the innermost
// dimension and a peeled remainder of 4.
// CHECK-LABEL: func.func @add_bias
// CHECK-NOT:     linalg.generic
// CHECK:         vector.load {{.*}} vector<16xf32>
// CHECK:         arith.addf {{.*}} : vector<16xf32>
// CHECK:         vector.store {{.*}} vector<16xf32>
// CHECK:         arith.addf {{.*}} : vector<4xf32>
#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
func.func @add_bias(%x: memref<3x20xf32>, %bias: memref<20xf32>, %y: memref<3x20xf32>) {
  linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %bias : memref<3x20xf32>, memref<20xf32>) outs(%y : memref<3x20xf32>) {
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Dynamic shapes and other element types are left for convert-linalg-to-loops.
// CHECK-LABEL: func.func @left_alone
// CHECK:         linalg.matmul ins({{.*}} : memref<?x4xf32>, memref<4x4xf32>)
// CHECK:         linalg.matmul ins({{.*}} : memref<4x4xf64>, memref<4x4xf64>)
func.func @left_alone(%a: memref<?x4xf32>, %b: memref<4x4xf32>, %c: memref<?x4xf32>,
                      %d: memref<4x4xf64>, %e: memref<4x4xf64>) {
  linalg.matmul ins(%a, %b : memref<?x4xf32>, memref<4x4xf32>) outs(%c : memref<?x4xf32>)
  linalg.matmul ins(%d, %d : memref<4x4xf64>, memref<4x4xf64>) outs(%e : memref<4x4xf64>)
  return
}
