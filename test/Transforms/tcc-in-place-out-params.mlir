// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-in-place-out-params))' | FileCheck %s

// Step 1: a state update (m' = 0.9 m + g) is computed straight into its
// out-param: it reads m only at the index it writes, and nothing reads m
// later. The copy, the temporary and the `bufferize.result` marks are gone.
// CHECK-LABEL: func.func @state_update
// CHECK-SAME:    (%[[M:.*]]: memref<8xf32>, %[[G:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<8xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.generic {{.*}} ins(%[[M]], %[[G]] : {{.*}}) outs(%[[OUT]] : memref<8xf32>)
// CHECK-NOT:     memref.copy
// CHECK:         return
#id = affine_map<(d0) -> (d0)>
func.func @state_update(%m: memref<8xf32>, %g: memref<8xf32>,
                        %out: memref<8xf32> {bufferize.result}) {
  %cst = arith.constant 0.9 : f32
  %t = memref.alloc() {alignment = 64 : i64} : memref<8xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%m, %g : memref<8xf32>, memref<8xf32>) outs(%t : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %cst : f32
    %1 = arith.addf %0, %b : f32
    linalg.yield %1 : f32
  }
  memref.copy %t, %out : memref<8xf32> to memref<8xf32>
  return
}

// -----

// Step 2: the result's buffer first holds the gradient, written before the
// last read of p (not elementwise: a transpose), so only the last writer,
// the update p - lr * m' reading p at the index it writes, is redirected
// into the out-param; the gradient keeps its temporary.
// CHECK-LABEL: func.func @param_update
// CHECK-SAME:    (%[[P:.*]]: memref<4x4xf32>, %[[OUT:.*]]: memref<4x4xf32>)
// CHECK:         %[[T:.*]] = memref.alloc
// CHECK:         linalg.transpose ins(%[[P]] : {{.*}}) outs(%[[T]] :
// CHECK:         %[[M:.*]] = memref.alloc
// CHECK:         linalg.generic {{.*}} ins(%[[P]], %[[M]] : {{.*}}) outs(%[[OUT]] : memref<4x4xf32>)
// CHECK-NOT:     memref.copy
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @param_update(%p: memref<4x4xf32>, %out: memref<4x4xf32> {bufferize.result}) {
  %t = memref.alloc() : memref<4x4xf32>
  linalg.transpose ins(%p : memref<4x4xf32>) outs(%t : memref<4x4xf32>) permutation = [1, 0]
  %m = memref.alloc() : memref<4x4xf32>
  linalg.copy ins(%t : memref<4x4xf32>) outs(%m : memref<4x4xf32>)
  linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%p, %m : memref<4x4xf32>, memref<4x4xf32>) outs(%t : memref<4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.subf %a, %b : f32
    linalg.yield %0 : f32
  }
  memref.copy %t, %out : memref<4x4xf32> to memref<4x4xf32>
  return
}

// -----

// The last writer accumulates into the result (its payload reads the
// init), so it cannot be redirected, and the result is written before the
// transpose reads p. Step 3: the final copy stays (no read of p follows).
// CHECK-LABEL: func.func @keeps_copy
// CHECK:         %[[T:.*]] = memref.alloc
// CHECK:         memref.copy %[[T]], %arg1
#id2 = affine_map<(d0, d1) -> (d0, d1)>
func.func @keeps_copy(%p: memref<4x4xf32>, %out: memref<4x4xf32> {bufferize.result}) {
  %t = memref.alloc() : memref<4x4xf32>
  linalg.copy ins(%p : memref<4x4xf32>) outs(%t : memref<4x4xf32>)
  %u = memref.alloc() : memref<4x4xf32>
  linalg.transpose ins(%p : memref<4x4xf32>) outs(%u : memref<4x4xf32>) permutation = [1, 0]
  linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%u : memref<4x4xf32>) outs(%t : memref<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %o : f32
    linalg.yield %0 : f32
  }
  memref.copy %t, %out : memref<4x4xf32> to memref<4x4xf32>
  return
}

// -----

// A result returned twice (equal gradients): the buffer becomes the first
// out-param, which the second copies (upstream's hoisting crashes here,
// llvm-project#219492).
// CHECK-LABEL: func.func @duplicate
// CHECK-SAME:    (%[[A:.*]]: memref<4xf32>, %[[B:.*]]: memref<4xf32>, %[[O0:.*]]: memref<4xf32>, %[[O1:.*]]: memref<4xf32>)
// CHECK-NEXT:    linalg.add ins(%[[A]], %[[B]] : {{.*}}) outs(%[[O0]] : memref<4xf32>)
// CHECK-NEXT:    memref.copy %[[O0]], %[[O1]]
// CHECK-NEXT:    return
func.func @duplicate(%a: memref<4xf32>, %b: memref<4xf32>,
                     %o0: memref<4xf32> {bufferize.result},
                     %o1: memref<4xf32> {bufferize.result}) {
  %t = memref.alloc() {alignment = 64 : i64} : memref<4xf32>
  linalg.add ins(%a, %b : memref<4xf32>, memref<4xf32>) outs(%t : memref<4xf32>)
  memref.copy %t, %o0 : memref<4xf32> to memref<4xf32>
  memref.copy %t, %o1 : memref<4xf32> to memref<4xf32>
  return
}

// -----

// Results swapped: result 0 is argument 1 and result 1 argument 0. Copying
// argument 1 into out-param 0 (argument 0's buffer) would clobber argument
// 0 before it is copied: step 4 copies argument 0 on entry first.
// CHECK-LABEL: func.func @swap
// CHECK-SAME:    (%[[X:.*]]: memref<4xf32>, %[[Y:.*]]: memref<4xf32>, %[[O0:.*]]: memref<4xf32>, %[[O1:.*]]: memref<4xf32>)
// CHECK-NEXT:    %[[S:.*]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT:    memref.copy %[[X]], %[[S]]
// CHECK-NEXT:    memref.copy %[[Y]], %[[O0]]
// CHECK-NEXT:    memref.copy %[[S]], %[[O1]]
func.func @swap(%x: memref<4xf32>, %y: memref<4xf32>,
                %o0: memref<4xf32> {bufferize.result},
                %o1: memref<4xf32> {bufferize.result}) {
  memref.copy %y, %o0 : memref<4xf32> to memref<4xf32>
  memref.copy %x, %o1 : memref<4xf32> to memref<4xf32>
  return
}

// -----

// A fused optimizer kernel writes v' over the gradient it reads (one-shot
// bufferization reuses the dead input): step 2 redirects that init to the
// out-param and leaves the gradient alone.
// CHECK-LABEL: func.func @over_input
// CHECK-SAME:    (%[[V:.*]]: memref<8xf32>, %[[X:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<8xf32>)
// CHECK:         %[[G:.*]] = memref.alloc
// CHECK:         linalg.generic {{.*}} ins(%[[V]], %[[G]] : {{.*}}) outs(%[[OUT]] : memref<8xf32>)
// CHECK-NOT:     memref.copy
#id = affine_map<(d0) -> (d0)>
func.func @over_input(%v: memref<8xf32>, %x: memref<8xf32>,
                      %out: memref<8xf32> {bufferize.result}) {
  %g = memref.alloc() : memref<8xf32>
  linalg.mul ins(%x, %v : memref<8xf32>, memref<8xf32>) outs(%g : memref<8xf32>)
  %u = memref.alloc() : memref<8xf32>
  linalg.copy ins(%v : memref<8xf32>) outs(%u : memref<8xf32>)
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%v, %g : memref<8xf32>, memref<8xf32>) outs(%g : memref<8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %b, %b : f32
    %1 = arith.addf %a, %0 : f32
    linalg.yield %1 : f32
  }
  memref.copy %g, %out : memref<8xf32> to memref<8xf32>
  return
}

// -----

// Out-param 0 has no argument of its type in its place (argument 0 is a
// vector, result 0 a scalar): nothing can alias it, and the sum is
// computed straight into it.
// CHECK-LABEL: func.func @no_alias
// CHECK-SAME:    (%[[X:.*]]: memref<8xf32>, %[[OUT:.*]]: memref<f32>)
// CHECK-NOT:     memref.alloc
// CHECK:         linalg.reduce ins(%[[X]] : memref<8xf32>) outs(%[[OUT]] : memref<f32>)
// CHECK-NOT:     memref.copy
func.func @no_alias(%x: memref<8xf32>, %out: memref<f32> {bufferize.result}) {
  %t = memref.alloc() : memref<f32>
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%t : memref<f32>)
  linalg.reduce ins(%x : memref<8xf32>) outs(%t : memref<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %0 = arith.addf %a, %b : f32
      linalg.yield %0 : f32
    }
  memref.copy %t, %out : memref<f32> to memref<f32>
  return
}
