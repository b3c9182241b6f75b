// RUN: tcc-opt %s --split-input-file --tcc-plan-buffers | FileCheck %s

// Three 4 KiB temporaries in a chain: %a dies where %c is born, so %c
// takes %a's bytes; %b overlaps both. The arena holds two buffers.
// CHECK:       memref.global "private" @__tcc_arena_chain : memref<8192xi8> = uninitialized
// CHECK-SAME:    alignment = 64
// CHECK-SAME:    tcc.buffers = 3
// CHECK-SAME:    tcc.unshared_bytes = 12288
// CHECK-LABEL: func.func @chain
// CHECK-NOT:     memref.alloc
// CHECK:         %[[ARENA:.*]] = memref.get_global @__tcc_arena_chain
// CHECK:         memref.view %[[ARENA]][%[[OFF_A:.*]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK:         memref.view %[[ARENA]][%[[OFF_B:.*]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK:         memref.view %[[ARENA]][%[[OFF_A]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NOT:     memref.dealloc
func.func @chain(%x: memref<1024xf32>, %y: memref<1024xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  linalg.copy ins(%x : memref<1024xf32>) outs(%a : memref<1024xf32>)
  %b = memref.alloc() : memref<1024xf32>
  linalg.add ins(%a, %x : memref<1024xf32>, memref<1024xf32>) outs(%b : memref<1024xf32>)
  %c = memref.alloc() : memref<1024xf32>
  linalg.add ins(%b, %b : memref<1024xf32>, memref<1024xf32>) outs(%c : memref<1024xf32>)
  linalg.copy ins(%c : memref<1024xf32>) outs(%y : memref<1024xf32>)
  memref.dealloc %a : memref<1024xf32>
  return
}

// -----

// A buffer used through a view inside a loop lives until the loop ends:
// %a and %b overlap, %c (allocated after the loop) takes %a's bytes, and so
// does %m, dead before %a is born. Sizes round up to 64 bytes (i1: a byte).
// CHECK:       memref.global "private" @__tcc_arena_loop : memref<128xi8>
// CHECK-LABEL: func.func @loop
// CHECK-DAG:     %[[ARENA:.*]] = memref.get_global @__tcc_arena_loop
// CHECK-DAG:     %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG:     %[[C64:.*]] = arith.constant 64 : index
// CHECK:         memref.view %[[ARENA]][%[[C0]]][] : memref<128xi8> to memref<4x4xi1>
// CHECK:         memref.view %[[ARENA]][%[[C0]]][] : memref<128xi8> to memref<2x8xf32>
// CHECK:         memref.view %[[ARENA]][%[[C64]]][] : memref<128xi8> to memref<16xf32>
// CHECK:         scf.for
// CHECK:         memref.view %[[ARENA]][%[[C0]]][] : memref<128xi8> to memref<16xf32>
func.func @loop(%x: memref<16xf32>, %f: memref<4x4xi1>) {
  %m = memref.alloc() : memref<4x4xi1>
  memref.copy %f, %m : memref<4x4xi1> to memref<4x4xi1>
  %a = memref.alloc() : memref<2x8xf32>
  %b = memref.alloc() : memref<16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  scf.for %i = %c0 to %c4 step %c1 {
    %v = memref.collapse_shape %a [[0, 1]] : memref<2x8xf32> into memref<16xf32>
    linalg.copy ins(%x : memref<16xf32>) outs(%v : memref<16xf32>)
    linalg.copy ins(%v : memref<16xf32>) outs(%b : memref<16xf32>)
  }
  %c = memref.alloc() : memref<16xf32>
  linalg.copy ins(%b : memref<16xf32>) outs(%c : memref<16xf32>)
  linalg.copy ins(%c : memref<16xf32>) outs(%x : memref<16xf32>)
  return
}

// -----

// Not planned: a dynamic shape, a buffer returned, one allocated in a loop.
// CHECK-LABEL: func.func @unplanned
// CHECK-NOT:     memref.get_global
// CHECK:         memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK:         memref.alloc() : memref<4xf32>
// CHECK:         scf.for
// CHECK-NEXT:      memref.alloc() : memref<8xf32>
func.func @unplanned(%n: index) -> memref<4xf32> {
  %d = memref.alloc(%n) : memref<?xf32>
  %r = memref.alloc() : memref<4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    %t = memref.alloc() : memref<8xf32>
  }
  return %r : memref<4xf32>
}
