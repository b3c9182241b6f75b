// RUN: tcc-opt %s --tcc-cpu-pipeline=stop-after-buffer-planning | FileCheck %s

// A training-step-shaped function: p' = p - 0.1 * m', m' = 0.9 m + g with a
// gradient g = x * (p + 1) that has a temporary of its own and is returned
// twice (upstream's out-param hoisting crashes on that,
// llvm-project#219492). After bufferization and planning: m' and p' are
// computed straight into their out-params (which the step ABI lets alias
// m and p), the second g is a copy of the first, and the temporary lives
// in the static arena: no allocation is left.
// CHECK:       memref.global "private" @__tcc_arena_step : memref<256xi8> = uninitialized
// CHECK-LABEL: func.func @step(
// CHECK-SAME:    %[[P:[^:]*]]: memref<64xf32>, %[[M:[^:]*]]: memref<64xf32>, %[[X:[^:]*]]: memref<64xf32>,
// CHECK-SAME:    %[[PN:[^:]*]]: memref<64xf32>, %[[MN:[^:]*]]: memref<64xf32>, %[[G0:[^:]*]]: memref<64xf32>, %[[G1:[^:]*]]: memref<64xf32>)
// CHECK-NOT:     memref.alloc
// CHECK:         memref.get_global @__tcc_arena_step
// CHECK-NOT:     memref.alloc
// CHECK:         memref.copy %[[G0]], %[[G1]]
// CHECK-NOT:     memref.copy
// CHECK:         return
#id = affine_map<(d0) -> (d0)>
func.func @step(%p: tensor<64xf32>, %m: tensor<64xf32>, %x: tensor<64xf32>)
    -> (tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>) {
  %one = arith.constant 1.0 : f32
  %c09 = arith.constant 0.9 : f32
  %c01 = arith.constant 0.1 : f32
  %e = tensor.empty() : tensor<64xf32>
  %q = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%p : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %0 = arith.addf %a, %one : f32
    linalg.yield %0 : f32
  } -> tensor<64xf32>
  %g = linalg.mul ins(%x, %q : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %mn = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%m, %g : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %a, %c09 : f32
    %1 = arith.addf %0, %b : f32
    linalg.yield %1 : f32
  } -> tensor<64xf32>
  %pn = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%p, %mn : tensor<64xf32>, tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %0 = arith.mulf %b, %c01 : f32
    %1 = arith.subf %a, %0 : f32
    linalg.yield %1 : f32
  } -> tensor<64xf32>
  return %pn, %mn, %g, %g : tensor<64xf32>, tensor<64xf32>, tensor<64xf32>, tensor<64xf32>
}
