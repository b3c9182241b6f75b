// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize),canonicalize)' | FileCheck %s

// A zero fill of exactly the output right before the contraction, K not
// split into cache tiles: the register tiles' accumulators start at zero
// (no load of C before the K loops) and the fill goes.
// CHECK-LABEL: func.func @zero_filled
// CHECK-DAG:     %[[Z16:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG:     %[[Z4:.*]] = arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK-NOT:     linalg.fill
// CHECK-NOT:     vector.load %arg2
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]])
// CHECK:           vector.fma
// CHECK:         vector.store
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[Z16]], %{{.*}} = %[[Z16]])
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[Z4]],
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[Z4]], %{{.*}} = %[[Z4]])
// CHECK-NOT:     linalg.fill
func.func @zero_filled(%a: memref<8x5xf32>, %b: memref<5x20xf32>, %c: memref<8x20xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<8x20xf32>)
  linalg.matmul ins(%a, %b : memref<8x5xf32>, memref<5x20xf32>) outs(%c : memref<8x20xf32>)
  return
}

// -----

// Any constant: the accumulators start at it. Packed and threaded tiles
// (96 rows, N shared by the threads) too.
// CHECK-LABEL: func.func @one_filled
// CHECK:         %[[ONE:.*]] = arith.constant dense<1.000000e+00> : vector<16xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[ONE]],
// CHECK-NOT:     linalg.fill
func.func @one_filled(%a: memref<96x64xf32>, %b: memref<64x512xf32>, %c: memref<96x512xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.fill ins(%one : f32) outs(%c : memref<96x512xf32>)
  linalg.matmul ins(%a, %b : memref<96x64xf32>, memref<64x512xf32>) outs(%c : memref<96x512xf32>)
  return
}

// -----

// K = 300 is split into two cache tiles: the first starts its accumulators
// at the fill's value, the second adds to what the first stored (loads C);
// the fill goes. (More in tcc-cpu-init-from-fill-k-split.mlir.)
// CHECK-LABEL: func.func @k_split
// CHECK-DAG:     %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-NOT:     linalg.fill
// CHECK:         scf.for %[[K:.*]] = %c0 to %c2
// CHECK:           %[[FIRST:.*]] = arith.cmpi eq, %[[K]], %c0
// CHECK:           scf.if %[[FIRST]] {
// CHECK-NOT:         vector.load %{{.*}} : memref<6x16xf32
// CHECK:             scf.for {{.*}} iter_args(%{{.*}} = %[[Z]],
// CHECK-NOT:         vector.load %{{.*}} : memref<6x16xf32
// CHECK:           } else {
// CHECK:             %[[ACC:.*]] = vector.load %{{.*}} : memref<6x16xf32
// CHECK:             scf.for {{.*}} iter_args(%{{.*}} = %[[ACC]],
// CHECK-NOT:     linalg.fill
func.func @k_split(%a: memref<8x300xf32>, %b: memref<300x16xf32>, %c: memref<8x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<8x16xf32>)
  linalg.matmul ins(%a, %b : memref<8x300xf32>, memref<300x16xf32>) outs(%c : memref<8x16xf32>)
  return
}

// -----

// Something writes C between the fill and the contraction, or the fill
// covers more than C: the accumulators are loaded, the fills stay.
// CHECK-LABEL: func.func @not_just_filled
// CHECK:         %[[Z:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK:         scf.for %{{.*}} = %c0 to %c6
// CHECK:           vector.store %[[Z]]
// CHECK:         memref.copy
// CHECK:         %[[C:.*]] = vector.load %arg2[%c0, %c0] : memref<6x16xf32>
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[C]],
// CHECK:         scf.for %{{.*}} = %c0 to %c12
// CHECK:           vector.store %[[Z]]
// CHECK:         %[[TOP:.*]] = memref.subview %arg4[0, 0] [6, 16]
// CHECK:         %[[E:.*]] = vector.load %[[TOP]][%c0, %c0]
// CHECK:         scf.for {{.*}} iter_args(%{{.*}} = %[[E]],
func.func @not_just_filled(%a: memref<6x5xf32>, %b: memref<5x16xf32>, %c: memref<6x16xf32>,
                           %d: memref<6x16xf32>, %e: memref<12x16xf32>) {
  %z = arith.constant 0.0 : f32
  linalg.fill ins(%z : f32) outs(%c : memref<6x16xf32>)
  memref.copy %d, %c : memref<6x16xf32> to memref<6x16xf32>
  linalg.matmul ins(%a, %b : memref<6x5xf32>, memref<5x16xf32>) outs(%c : memref<6x16xf32>)
  linalg.fill ins(%z : f32) outs(%e : memref<12x16xf32>)
  %top = memref.subview %e[0, 0] [6, 16] [1, 1] : memref<12x16xf32> to memref<6x16xf32, strided<[16, 1]>>
  linalg.matmul ins(%a, %b : memref<6x5xf32>, memref<5x16xf32>) outs(%top : memref<6x16xf32, strided<[16, 1]>>)
  return
}
