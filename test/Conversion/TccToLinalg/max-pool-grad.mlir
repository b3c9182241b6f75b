// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// max_pool_indices: a generic over (n, c, o..., k...) keeping the best value
// and its flat input index; padding positions are masked off (never read out
// of bounds: the coordinates are clamped), the first strictly larger element
// (or a NaN) wins.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_indices
// CHECK: %[[IDX0:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<1x3x4x4xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic {indexing_maps = [#[[WIN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: outs(%{{.*}}, %[[IDX0]] : tensor<1x3x4x4xf32>, tensor<1x3x4x4xi64>)
// CHECK: arith.minsi
// CHECK: tensor.extract %arg0
// CHECK: arith.cmpf uno
// CHECK: arith.cmpf ogt
// CHECK: arith.index_cast %{{.*}} : index to i64
// CHECK: linalg.yield
// CHECK: return %[[R]]#1
func.func @max_pool_indices(%x: tensor<1x3x6x6xf32>) -> tensor<1x3x4x4xi64> {
  %i = tcc.max_pool_indices %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = true}
      : (tensor<1x3x6x6xf32>) -> tensor<1x3x4x4xi64>
  return %i : tensor<1x3x4x4xi64>
}

// -----

// max_pool_grad: a gather over input positions (n, c, p) and window offsets
// j (a reduction): the window o = (p + lo - j*d) / s adds its cotangent when
// the division is exact, o is in range and its index names p.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @max_pool_grad
// CHECK: linalg.generic {indexing_maps = [#[[WIN]], #[[IN]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: outs(%{{.*}} : tensor<2x4x10xf64>)
// CHECK: arith.divsi
// CHECK: arith.remsi
// CHECK: %[[I:.*]] = tensor.extract %arg1
// CHECK: %[[G:.*]] = tensor.extract %arg0
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[I]], %{{.*}} : i64
// CHECK: %[[AND:.*]] = arith.andi %{{.*}}, %[[HIT]]
// CHECK: %[[C:.*]] = arith.select %[[AND]], %[[G]], %{{.*}} : f64
// CHECK: arith.addf %{{.*}}, %[[C]] : f64
func.func @max_pool_grad(%g: tensor<2x4x5xf64>, %i: tensor<2x4x5xi64>) -> tensor<2x4x10xf64> {
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 3>, strides = array<i64: 2>,
      dilations = array<i64: 1>, padding = array<i64: 1, 1>, ceil_mode = false}
      : (tensor<2x4x5xf64>, tensor<2x4x5xi64>) -> tensor<2x4x10xf64>
  return %dx : tensor<2x4x10xf64>
}

// -----

// An einsum without summed letters writes each element once: the product
// into an empty tensor, never reading it (an accumulating body would be
// re-run by linalg-fuse-elementwise-ops when fused into a larger loop nest).
// CHECK-LABEL: func.func @einsum_no_sum
// CHECK-NOT: linalg.fill
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 : tensor<4xf32>, tensor<4x4xf32>) outs(%[[E]] : tensor<4x4xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[P]] : f32
func.func @einsum_no_sum(%v: tensor<4xf32>, %m: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = tcc.einsum "i,ia->ia" %v, %m : (tensor<4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// max_pool_grad of windows that tile the input (stride = kernel 2, no
// padding; the last row of 5 is in no window): one pass over the covered
// input viewed as [N, C, O, K, O, K] with no window loop, each position
// taking its window's cotangent when the index names it; the leftover row
// stays zero.
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @max_pool_grad_tiled
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x5x4xf32>)
// CHECK: %[[S:.*]] = tensor.extract_slice %[[Z]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[}}[0], [1], [2, 3], [4, 5]] output_shape [1, 2, 2, 2, 2, 2]
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[WIN]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>) outs(%[[E]] : tensor<1x2x2x2x2x2xf32>)
// CHECK: arith.cmpi eq
// CHECK: arith.select
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1], [2, 3], [4, 5]]
// CHECK: tensor.insert_slice %[[C]] into %[[Z]][0, 0, 0, 0] [1, 2, 4, 4] [1, 1, 1, 1]
func.func @max_pool_grad_tiled(%g: tensor<1x2x2x2xf32>, %i: tensor<1x2x2x2xi64>) -> tensor<1x2x5x4xf32> {
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xi64>) -> tensor<1x2x5x4xf32>
  return %dx : tensor<1x2x5x4xf32>
}

// -----

// max_pool_grad of max_pool_indices of the same tiled pool: the scan keeps
// each window's winning slice as an i32 ordinal (in window order, first
// strictly larger or NaN wins), and the gradient compares it with the
// position's window offset j1 * 2 + j2; no flat i64 index (the indices'
// own scan, now unused, goes at the next canonicalization).
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-LABEL: func.func @max_pool_grad_of_indices
// CHECK: linalg.yield %{{.*}} : i64
// CHECK: %[[S0:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [2, 3, 4, 4] [1, 1, 2, 2]
// CHECK: %[[S1:.*]] = tensor.extract_slice %arg0[0, 0, 0, 1] [2, 3, 4, 4] [1, 1, 2, 2]
// CHECK: %[[S2:.*]] = tensor.extract_slice %arg0[0, 0, 1, 0] [2, 3, 4, 4] [1, 1, 2, 2]
// CHECK: %[[S3:.*]] = tensor.extract_slice %arg0[0, 0, 1, 1] [2, 3, 4, 4] [1, 1, 2, 2]
// CHECK: %[[O:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ID4]], #[[ID4]], #[[ID4]], #[[ID4]]]
// CHECK-SAME: ins(%[[S0]], %[[S1]], %[[S2]], %[[S3]] : {{.*}}) outs(%{{.*}} : tensor<2x3x4x4xi32>)
// CHECK: arith.cmpf ogt
// CHECK: arith.select %{{.*}}, %c3_i32, %{{.*}} : i32
// CHECK: linalg.yield %{{.*}} : i32
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[WIN]], #[[WIN]], #[[ID]]]
// CHECK-SAME: ins(%arg1, %[[O]] : tensor<2x3x4x4xf32>, tensor<2x3x4x4xi32>) outs(%{{.*}} : tensor<2x3x4x2x4x2xf32>)
// CHECK: %[[J1:.*]] = linalg.index 3 : index
// CHECK: %[[J2:.*]] = linalg.index 5 : index
// CHECK: arith.index_cast %{{.*}} : index to i32
// CHECK: arith.cmpi eq, %{{.*}}, %{{.*}} : i32
// CHECK: tensor.collapse_shape %[[G]] {{\[}}[0], [1], [2, 3], [4, 5]] : tensor<2x3x4x2x4x2xf32> into tensor<2x3x8x8xf32>
func.func @max_pool_grad_of_indices(%x: tensor<2x3x8x8xf32>, %g: tensor<2x3x4x4xf32>) -> tensor<2x3x8x8xf32> {
  %i = tcc.max_pool_indices %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<2x3x8x8xf32>) -> tensor<2x3x4x4xi64>
  %dx = tcc.max_pool_grad %g, %i {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<2x3x4x4xf32>, tensor<2x3x4x4xi64>) -> tensor<2x3x8x8xf32>
  return %dx : tensor<2x3x8x8xf32>
}
