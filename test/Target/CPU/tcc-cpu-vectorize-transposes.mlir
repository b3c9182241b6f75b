// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-vectorize-transposes),canonicalize)' | FileCheck %s
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-vectorize-transposes{min-parallel-elements=100000000000}),canonicalize)' | FileCheck %s --check-prefix=SERIAL

// A convolution weight gradient's dY [N, M, P] -> [N, P, M] (P = 20: two
// 8-blocks and a remainder of 4). The batch loop is shared among threads;
// each 8x8 block is 8 row loads along P, 24 shuffles, 8 row stores along M.
// The 4 leftover positions stay a linalg.transpose.
// CHECK-LABEL: func.func @dy_transpose
// CHECK:         scf.parallel (%[[N:.*]]) = (%c0) to (%c64) step (%c1) {
// CHECK:           scf.for %[[P:.*]] = %c0 to %c16 step %c8 {
// CHECK:             scf.for %[[M:.*]] = %c0 to %c64 step %c8 {
// CHECK-COUNT-8:       vector.load %{{.*}}[%[[N]], %{{.*}}, %[[P]]] : memref<64x64x20xf32>, vector<8xf32>
// CHECK-COUNT-24:      vector.shuffle
// CHECK-COUNT-8:       vector.store %{{.*}}, %{{.*}}[%[[N]], %{{.*}}, %[[M]]] : memref<64x20x64xf32>, vector<8xf32>
// CHECK:         linalg.transpose ins(%{{.*}} : memref<64x64x4xf32, strided<[1280, 20, 1], offset: 16>>) outs(%{{.*}} : memref<64x4x64xf32, strided<[1280, 64, 1], offset: 1024>>) permutation = [0, 2, 1]
// CHECK-NOT:     linalg.transpose
// SERIAL-LABEL: func.func @dy_transpose
// SERIAL-NOT:     scf.parallel
// SERIAL:         vector.shuffle
func.func @dy_transpose(%dy: memref<64x64x20xf32>, %t: memref<64x20x64xf32>) {
  linalg.transpose ins(%dy : memref<64x64x20xf32>) outs(%t : memref<64x20x64xf32>) permutation = [0, 2, 1]
  return
}

// -----

// A 2-D transpose of 12 x 9 (output 9 x 12): one 8x8 block, then the
// leftover row of the output's q dimension (input's innermost) and the
// leftover columns. Small: serial.
// CHECK-LABEL: func.func @remainders
// CHECK-NOT:     scf.parallel
// CHECK-COUNT-8: vector.load
// CHECK:         linalg.transpose ins(%{{.*}} : memref<12x1xf32, strided<[9, 1], offset: 8>>) outs(%{{.*}} : memref<1x12xf32, strided<[12, 1], offset: 96>>) permutation = [1, 0]
// CHECK:         linalg.transpose ins(%{{.*}} : memref<4x8xf32, strided<[9, 1], offset: 72>>) outs(%{{.*}} : memref<8x4xf32, strided<[12, 1], offset: 8>>) permutation = [1, 0]
func.func @remainders(%a: memref<12x9xf32>, %b: memref<9x12xf32>) {
  linalg.transpose ins(%a : memref<12x9xf32>) outs(%b : memref<9x12xf32>) permutation = [1, 0]
  return
}

// -----

// Left alone: the innermost dimension stays innermost (contiguous rows
// already), a dimension shorter than a block, and non-f32 elements.
// CHECK-LABEL: func.func @kept
// CHECK-NOT:     vector.shuffle
// CHECK-COUNT-3: linalg.transpose
func.func @kept(%a: memref<4x8x16xf32>, %b: memref<8x4x16xf32>, %c: memref<16x4xf32>, %d: memref<4x16xf32>, %e: memref<16x16xi64>, %f: memref<16x16xi64>) {
  linalg.transpose ins(%a : memref<4x8x16xf32>) outs(%b : memref<8x4x16xf32>) permutation = [1, 0, 2]
  linalg.transpose ins(%c : memref<16x4xf32>) outs(%d : memref<4x16xf32>) permutation = [1, 0]
  linalg.transpose ins(%e : memref<16x16xi64>) outs(%f : memref<16x16xi64>) permutation = [1, 0]
  return
}
