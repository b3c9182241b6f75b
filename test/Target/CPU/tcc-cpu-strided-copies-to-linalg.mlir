// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-strided-copies-to-linalg))' | FileCheck %s

// The interior of a zero-padded buffer is a strided view: its copy becomes
// a linalg.copy (vectorized and threaded later), not a memrefCopy call.
// CHECK-LABEL: func.func @pad_interior
// CHECK-NOT:     memref.copy
// CHECK:         linalg.copy ins(%{{.*}} : memref<2x4x4xf32>) outs(%{{.*}} : memref<2x4x4xf32, strided<[36, 6, 1], offset: 7>>)
func.func @pad_interior(%x: memref<2x4x4xf32>, %padded: memref<2x6x6xf32>) {
  %v = memref.subview %padded[0, 1, 1] [2, 4, 4] [1, 1, 1]
      : memref<2x6x6xf32> to memref<2x4x4xf32, strided<[36, 6, 1], offset: 7>>
  memref.copy %x, %v : memref<2x4x4xf32> to memref<2x4x4xf32, strided<[36, 6, 1], offset: 7>>
  return
}

// -----

// Contiguous copies (memcpy) and dynamic shapes stay.
// CHECK-LABEL: func.func @kept
// CHECK-NOT:     linalg.copy
// CHECK-COUNT-2: memref.copy
func.func @kept(%a: memref<4x4xf32>, %b: memref<4x4xf32>, %c: memref<?xf32>, %d: memref<?xf32, strided<[2]>>) {
  memref.copy %a, %b : memref<4x4xf32> to memref<4x4xf32>
  memref.copy %c, %d : memref<?xf32> to memref<?xf32, strided<[2]>>
  return
}
