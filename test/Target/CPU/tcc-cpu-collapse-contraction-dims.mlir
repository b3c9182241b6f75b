// RUN: tcc-opt %s --split-input-file --tcc-cpu-collapse-contraction-dims | FileCheck %s

// An im2col convolution after reshape propagation split its flat loops:
// (n, g, m, oh, ow, c, kh, kw). (oh, ow) and (c, kh, kw) are contiguous in
// every operand and become single loops again: (n, g, m, p, r), operands
// collapsed to match and the result expanded back.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d0, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv
// CHECK: %[[WV:.*]] = tensor.collapse_shape %arg0 {{\[}}[0], [1], [2, 3, 4]] : tensor<1x8x4x3x3xf32> into tensor<1x8x36xf32>
// CHECK: %[[CV:.*]] = tensor.collapse_shape %arg1 {{\[}}[0], [1, 2, 3], [4], [5, 6]] : tensor<1x4x3x3x2x5x5xf32> into tensor<1x36x2x25xf32>
// CHECK: %[[O:.*]] = tensor.collapse_shape %arg2 {{\[}}[0], [1], [2], [3, 4]] : tensor<2x1x8x5x5xf32> into tensor<2x1x8x25xf32>
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[W]], #[[COL]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%[[WV]], %[[CV]] : tensor<1x8x36xf32>, tensor<1x36x2x25xf32>) outs(%[[O]] : tensor<2x1x8x25xf32>)
// CHECK: tensor.expand_shape %[[G]] {{\[}}[0], [1], [2], [3, 4]] output_shape [2, 1, 8, 5, 5]
func.func @conv(%w: tensor<1x8x4x3x3xf32>, %col: tensor<1x4x3x3x2x5x5xf32>, %out: tensor<2x1x8x5x5xf32>) -> tensor<2x1x8x5x5xf32> {
  %r = linalg.generic {
      indexing_maps = [affine_map<(n, g, m, oh, ow, c, kh, kw) -> (g, m, c, kh, kw)>,
                       affine_map<(n, g, m, oh, ow, c, kh, kw) -> (g, c, kh, kw, n, oh, ow)>,
                       affine_map<(n, g, m, oh, ow, c, kh, kw) -> (n, g, m, oh, ow)>],
      iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel",
                        "reduction", "reduction", "reduction"]}
      ins(%w, %col : tensor<1x8x4x3x3xf32>, tensor<1x4x3x3x2x5x5xf32>)
      outs(%out : tensor<2x1x8x5x5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x1x8x5x5xf32>
  return %r : tensor<2x1x8x5x5xf32>
}

// -----

// A matmul with a transposed operand: (i, j) is contiguous in the output
// but reversed in B, so nothing is collapsed.
// CHECK-LABEL: func.func @no_contiguous_run
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @no_contiguous_run(%a: tensor<4x8xf32>, %b: tensor<3x2x8xf32>, %out: tensor<4x2x3xf32>) -> tensor<4x2x3xf32> {
  %r = linalg.generic {
      indexing_maps = [affine_map<(m, i, j, k) -> (m, k)>,
                       affine_map<(m, i, j, k) -> (j, i, k)>,
                       affine_map<(m, i, j, k) -> (m, i, j)>],
      iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x8xf32>, tensor<3x2x8xf32>) outs(%out : tensor<4x2x3xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<4x2x3xf32>
  return %r : tensor<4x2x3xf32>
}
