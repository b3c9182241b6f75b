// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize),canonicalize)' | FileCheck %s
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{min-parallel-flops=100000000000 min-parallel-elements=100000000000}),canonicalize)' | FileCheck %s --check-prefix=SERIAL
// RUN: tcc-opt %s --split-input-file --tcc-cpu-pipeline | FileCheck %s --check-prefix=OMP
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{pack=false}),canonicalize)' | FileCheck %s --check-prefix=NOPACK

// A 256x520x300 matmul (80 MFLOP): serial loops over N (2 cache tiles of
// 256 + 264 -> even tiles of 176) and K (2 tiles of 150), then the M blocks
// of each cache tile (66 rows, the last 58) shared among threads. Nothing
// parallel outside the M loop, and K is never inside it.
// CHECK-LABEL: func.func @matmul
// CHECK:         scf.for %[[N:.*]] = %c0 to %c3 step %c1 {
// CHECK:           scf.for %[[K:.*]] = %c0 to %c2 step %c1 {
// CHECK-NOT:         scf.parallel
// CHECK:             scf.parallel (%[[M:.*]]) = (%c0) to (%c4) step (%c1) {
// CHECK:               arith.cmpi eq, %[[M]], %c3
// CHECK:               scf.if
// CHECK:               memref.subview %{{.*}} [58, 150]
// CHECK:               vector.fma
// CHECK:             scf.reduce
// SERIAL-LABEL: func.func @matmul
// SERIAL-NOT:    scf.parallel
// OMP-LABEL: llvm.func @matmul
// OMP:         omp.parallel {
// OMP:           omp.wsloop {
// OMP:             omp.loop_nest
// OMP:               llvm.intr.fmuladd
// OMP-NOT:     scf.parallel
func.func @matmul(%a: memref<256x300xf32>, %b: memref<300x520xf32>, %c: memref<256x520xf32>) {
  linalg.matmul ins(%a, %b : memref<256x300xf32>, memref<300x520xf32>) outs(%c : memref<256x520xf32>)
  return
}

// -----

// Too little work to pay for a fork (2*8*20*5 flops): serial.
// CHECK-LABEL: func.func @small_matmul
// CHECK-NOT:     scf.parallel
// CHECK:         vector.fma
// OMP-LABEL: llvm.func @small_matmul
// OMP-NOT:     omp.parallel
func.func @small_matmul(%a: memref<8x5xf32>, %b: memref<5x20xf32>, %c: memref<8x20xf32>) {
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x20xf32>) outs(%c : memref<8x20xf32>)
  return
}

// -----

// Batched: the batch loop is the parallel one; the M blocks inside it stay
// serial (no nested thread teams).
// CHECK-LABEL: func.func @batch_matmul
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c8) step (%c1) {
// CHECK-NOT:       scf.parallel
// CHECK:           vector.fma
// CHECK:         scf.reduce
// CHECK-NOT:     scf.parallel
// OMP-LABEL: llvm.func @batch_matmul
// OMP:         omp.parallel
func.func @batch_matmul(%a: memref<8x144x64xf32>, %b: memref<8x64x64xf32>, %c: memref<8x144x64xf32>) {
  linalg.batch_matmul ins(%a, %b : memref<8x144x64xf32>, memref<8x64x64xf32>) outs(%c : memref<8x144x64xf32>)
  return
}

// -----

// Elementwise over 256x512 elements: rows shared among threads.
// CHECK-LABEL: func.func @add
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c256) step (%c1) {
// CHECK:           scf.for
// CHECK:             arith.addf %{{.*}} : vector<16xf32>
// SERIAL-LABEL: func.func @add
// SERIAL-NOT:    scf.parallel
func.func @add(%a: memref<256x512xf32>, %b: memref<256x512xf32>, %c: memref<256x512xf32>) {
  linalg.add ins(%a, %b : memref<256x512xf32>, memref<256x512xf32>) outs(%c : memref<256x512xf32>)
  return
}

// -----

// A column sum reduces along rows: its outer loop is not parallel.
// CHECK-LABEL: func.func @column_sum
// CHECK-NOT:     scf.parallel
func.func @column_sum(%a: memref<512x256xf32>, %c: memref<256xf32>) {
  linalg.reduce ins(%a : memref<512x256xf32>) outs(%c : memref<256xf32>) dimensions = [0]
    (%x: f32, %acc: f32) {
      %s = arith.addf %x, %acc : f32
      linalg.yield %s : f32
    }
  return
}

// -----

// Packing: the 32x64 panel of B is copied into the function's scratch
// buffer as 4 column strips of 32x16 (contiguous rows of 16), before the
// M rows stream past it; the register tiles read B from the strips.
// CHECK-LABEL: func.func @packed_matmul
// CHECK:         %[[SCRATCH:.*]] = memref.alloca() {alignment = 64 : i64} : memref<4096x16xf32>
// CHECK:         scf.for %[[NB:.*]] = %c0 to %c4 step %c1 {
// CHECK:           %[[ROW:.*]] = arith.muli %[[NB]], %c32
// CHECK:           %[[STRIP:.*]] = memref.subview %[[SCRATCH]][%[[ROW]], 0] [32, 16] [1, 1]
// CHECK:           scf.for %[[K:.*]] = %c0 to %c32 step %c1 {
// CHECK:             %[[ROW:.*]] = memref.subview %[[STRIP]][%[[K]], 0] [1, 16]
// CHECK:             %[[V:.*]] = vector.load {{.*}} vector<16xf32>
// CHECK:             vector.store %[[V]], %[[ROW]]
// CHECK:         scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK:           memref.subview %[[SCRATCH]]
// CHECK:           vector.fma
// NOPACK-LABEL: func.func @packed_matmul
// NOPACK-NOT:    memref.alloca
func.func @packed_matmul(%a: memref<96x32xf32>, %b: memref<32x64xf32>, %c: memref<96x64xf32>) {
  linalg.matmul ins(%a, %b : memref<96x32xf32>, memref<32x64xf32>) outs(%c : memref<96x64xf32>)
  return
}

// -----

// M is one block of 64 rows, N four cache tiles of 256: the threads share
// the N tiles (one fork for the op), and each packs its own panels into its
// own slot of a buffer (which tcc-plan-buffers puts in the arena; allocas
// in the loop would need an alloca_scope). The M blocks stay serial.
// CHECK-LABEL: func.func @n_parallel_matmul
// CHECK:         %[[ALL:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16384x16xf32>
// CHECK:         scf.parallel (%[[N:.*]]) = (%c0) to (%c4) step (%c1) {
// CHECK:           %[[ROW:.*]] = arith.muli %[[N]], %c4096
// CHECK:           %[[SCRATCH:.*]] = memref.subview %[[ALL]][%[[ROW]], 0] [4096, 16] [1, 1]
// CHECK-NOT:       scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c16 step %c1 {
// CHECK:             memref.subview %[[SCRATCH]]
// CHECK:           vector.fma
// CHECK:         scf.reduce
// OMP-LABEL: llvm.func @n_parallel_matmul
// OMP:         omp.parallel {
// OMP:           omp.wsloop {
// OMP:             llvm.intr.fmuladd
func.func @n_parallel_matmul(%a: memref<64x64xf32>, %b: memref<64x1024xf32>, %c: memref<64x1024xf32>) {
  linalg.matmul ins(%a, %b : memref<64x64xf32>, memref<64x1024xf32>) outs(%c : memref<64x1024xf32>)
  return
}

// -----

// 17 N tiles: more than the buffer slots, so each iteration allocates its
// own buffer on the heap (freed by the deallocation pipeline).
// CHECK-LABEL: func.func @many_n_tiles
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c17) step (%c1) {
// CHECK:           memref.alloc() {alignment = 64 : i64} : memref<4096x16xf32>
// CHECK:           vector.fma
// OMP-LABEL: llvm.func @many_n_tiles
// OMP:         omp.parallel {
// OMP:           omp.wsloop {
// OMP:             llvm.call @malloc
// OMP:             llvm.intr.fmuladd
// OMP:             llvm.call @free
func.func @many_n_tiles(%a: memref<64x16xf32>, %b: memref<16x4352xf32>, %c: memref<64x4352xf32>) {
  linalg.matmul ins(%a, %b : memref<64x16xf32>, memref<16x4352xf32>) outs(%c : memref<64x4352xf32>)
  return
}

// -----

// M one block and N one cache tile (2*64*128*128 flops): N is split in two
// tiles of 64 for the threads to share.
// CHECK-LABEL: func.func @split_n_matmul
// CHECK:         memref.alloc() {alignment = 64 : i64} : memref<8192x16xf32>
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c2) step (%c1) {
// CHECK:           scf.for %{{.*}} = %c0 to %c4 step %c1 {
// CHECK:           vector.fma
func.func @split_n_matmul(%a: memref<64x128xf32>, %b: memref<128x128xf32>, %c: memref<64x128xf32>) {
  linalg.matmul ins(%a, %b : memref<64x128xf32>, memref<128x128xf32>) outs(%c : memref<64x128xf32>)
  return
}
