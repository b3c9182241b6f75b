// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{cache-tiles=12,32,8 min-parallel-flops=1000}),canonicalize)' | FileCheck %s
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize{cache-tiles=12,32,8 register-tiles=6,16,2}),canonicalize)' | FileCheck %s --check-prefix=REG2

// K = 20 in cache tiles of 8 is split into tiles of 7, 7 and 6 (the last
// one partial). The first K tile's accumulators start at the fill's value
// (no load of C), the later ones load what it stored; the fill goes. N
// tiles are shared by the threads, each packing its own panels of B.
// CHECK-LABEL: func.func @n_threads
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.parallel (%{{.*}}) = (%c0) to (%c2)
// CHECK:           scf.for %[[K:.*]] = %c0 to %c3
// CHECK:             %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:             scf.if %[[FIRST]] {
// CHECK-NOT:           vector.load %{{.*}} : memref<6x16xf32, strided<[64, 1]
// CHECK:               scf.for %{{.*}} = %c0 to %c7 {{.*}} iter_args(%{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]], %{{.*}} = %[[Z]])
// CHECK-NOT:           vector.load %{{.*}} : memref<6x16xf32, strided<[64, 1]
// CHECK:             } else {
// CHECK:               %[[LAST:.*]] = arith.cmpi eq, %[[K]], %c2
// CHECK:               scf.if %[[LAST]] {
// CHECK:                 %[[ACC6:.*]] = vector.load %{{.*}} : memref<6x16xf32, strided<[64, 1]
// CHECK:                 scf.for %{{.*}} = %c0 to %c6 {{.*}} iter_args(%{{.*}} = %[[ACC6]],
// CHECK:               } else {
// CHECK:                 %[[ACC7:.*]] = vector.load %{{.*}} : memref<6x16xf32, strided<[64, 1]
// CHECK:                 scf.for %{{.*}} = %c0 to %c7 {{.*}} iter_args(%{{.*}} = %[[ACC7]],
// CHECK-NOT:     linalg.fill
func.func @n_threads(%a: memref<48x20xf32>, %b: memref<20x64xf32>, %c: memref<48x64xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<48x64xf32>)
  linalg.matmul ins(%a, %b : memref<48x20xf32>, memref<20x64xf32>) outs(%c : memref<48x64xf32>)
  return
}

// -----

// One N tile: the threads share the M blocks of each K tile; any constant.
// CHECK-LABEL: func.func @m_threads
// CHECK-DAG:     %[[TWO:.*]] = arith.constant dense<2.000000e+00> : vector<16xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for %[[K:.*]] = %c0 to %c3
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:           scf.if %[[FIRST]] {
// CHECK:             scf.parallel
// CHECK-NOT:           vector.load %{{.*}} : memref<6x16xf32
// CHECK:               iter_args(%{{.*}} = %[[TWO]],
// CHECK-NOT:           vector.load %{{.*}} : memref<6x16xf32
// CHECK:           } else {
// CHECK:             scf.parallel
// CHECK:               %[[ACC:.*]] = vector.load %{{.*}} : memref<6x16xf32
// CHECK:               iter_args(%{{.*}} = %[[ACC]],
// CHECK-NOT:     linalg.fill
func.func @m_threads(%a: memref<24x20xf32>, %b: memref<20x32xf32>, %c: memref<24x32xf32>) {
  %two = arith.constant 2.0 : f32
  linalg.fill ins(%two : f32) outs(%c : memref<24x32xf32>)
  linalg.matmul ins(%a, %b : memref<24x20xf32>, memref<20x32xf32>) outs(%c : memref<24x32xf32>)
  return
}

// -----

// Batched: the batch is the parallel loop, K tiles inside it.
// CHECK-LABEL: func.func @batched
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.parallel
// CHECK:           scf.for %[[K:.*]] = %c0 to %c3
// CHECK:             %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:             scf.if %[[FIRST]] {
// CHECK-NOT:           vector.load %{{.*}} : memref<1x6x16xf32
// CHECK:               iter_args(%{{.*}} = %[[Z]],
// CHECK-NOT:           vector.load %{{.*}} : memref<1x6x16xf32
// CHECK:             } else {
// CHECK:               %[[ACC:.*]] = vector.load %{{.*}} : memref<1x6x16xf32
// CHECK:               iter_args(%{{.*}} = %[[ACC]],
// CHECK-NOT:     linalg.fill
func.func @batched(%a: memref<2x12x20xf32>, %b: memref<2x20x16xf32>, %c: memref<2x12x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<2x12x16xf32>)
  linalg.batch_matmul ins(%a, %b : memref<2x12x20xf32>, memref<2x20x16xf32>) outs(%c : memref<2x12x16xf32>)
  return
}

// -----

// K split into register tiles too (of 2, second RUN): no K loop runs over
// a whole cache tile, so C is loaded in every K tile and the fill stays.
// REG2-LABEL: func.func @fill_stays
// REG2:         %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// REG2:         scf.for %{{.*}} = %c0 to %c6
// REG2:           vector.store %[[Z]]
// REG2:         scf.for %[[K:.*]] = %c0 to %c3
// REG2-NOT:       arith.cmpi eq, %[[K]], %c0
// REG2:           arith.cmpi eq, %[[K]], %c2
// REG2:           %[[ACC:.*]] = vector.load %arg2[%c0, %c0] : memref<6x16xf32
// REG2:           iter_args(%{{.*}} = %[[ACC]],
func.func @fill_stays(%a: memref<6x20xf32>, %b: memref<20x16xf32>, %c: memref<6x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<6x16xf32>)
  linalg.matmul ins(%a, %b : memref<6x20xf32>, memref<20x16xf32>) outs(%c : memref<6x16xf32>)
  return
}
