// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Grouped 2-D convolution: zero padding, groups exposed by expand_shape,
// one generic over (n, g, m, oh, ow, c, kh, kw), groups merged back.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 * 2 + d6, d4 * 2 + d7)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d2, d5, d6, d7)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d2, d3, d4)>
// CHECK-LABEL: func.func @conv_groups
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xf32>, %[[WT:.*]]: tensor<6x2x3x3xf32>)
// CHECK: %[[PAD:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %{{.*}} : f32
// CHECK: } : tensor<1x4x5x5xf32> to tensor<1x4x7x7xf32>
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[PAD]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 7, 7]
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[WT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x3x3x3xf32>)
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[W]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "reduction", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x2x2x7x7xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]] : tensor<1x2x3x3x3xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[G]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
// CHECK: return %[[R]]
func.func @conv_groups(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %r = tcc.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64}
      : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %r : tensor<1x6x3x3xf32>
}

// -----

// No padding: no tensor.pad; dilation scales the kernel index.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d3 * 3 + d5 * 2)>
// CHECK-LABEL: func.func @conv_1d_dilated
// CHECK-NOT: tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[IN]], {{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
func.func @conv_1d_dilated(%x: tensor<2x3x10xf32>, %w: tensor<5x3x3xf32>) -> tensor<2x5x2xf32> {
  %r = tcc.conv %x, %w {strides = array<i64: 3>, dilations = array<i64: 2>,
      padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<2x3x10xf32>, tensor<5x3x3xf32>) -> tensor<2x5x2xf32>
  return %r : tensor<2x5x2xf32>
}

// -----

// Transposed convolution: the input is spread with stride 2 into zeros
// (offset d*(K-1) - pad_lo = 1), then a stride-1 convolution reads the
// kernel backwards; the weight's [C, M/G] axes expand to [G, C/G, M/G].
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d0, d1, d5, d3 - d6 + 2, d4 - d7 + 2)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6, d7) -> (d1, d5, d2, d6, d7)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>, %[[WT:.*]]: tensor<2x3x3x3xf32>)
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x7x7xf32>)
// CHECK: %[[S:.*]] = tensor.insert_slice %[[X]] into %[[Z]][0, 0, 1, 1] [1, 2, 3, 3] [1, 1, 2, 2]
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[S]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 1, 2, 7, 7]
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[WT]] {{\[}}[0, 1], [2], [3], [4]] output_shape [1, 2, 3, 3, 3]
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[W]], {{.*}}]
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x1x2x7x7xf32>, tensor<1x2x3x3x3xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<1x3x5x5xf32>
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32> {
  %r = tcc.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32>
  return %r : tensor<1x3x5x5xf32>
}

// -----

// Pads beyond the kernel extent drop input elements: the first input element
// would land at -1, so the spread starts from element 1.
// CHECK-LABEL: func.func @conv_transpose_large_pad
// CHECK: %[[SL:.*]] = tensor.extract_slice %arg0[0, 0, 1] [1, 2, 4] [1, 1, 1] : tensor<1x2x5xf32> to tensor<1x2x4xf32>
// CHECK: tensor.insert_slice %[[SL]] into %{{.*}}[0, 0, 1] [1, 2, 4] [1, 1, 2] : tensor<1x2x4xf32> into tensor<1x2x9xf32>
func.func @conv_transpose_large_pad(%x: tensor<1x2x5xf32>, %w: tensor<2x1x3xf32>) -> tensor<1x1x7xf32> {
  %r = tcc.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>,
      padding = array<i64: 3, 2>, output_padding = array<i64: 1>, groups = 1 : i64}
      : (tensor<1x2x5xf32>, tensor<2x1x3xf32>) -> tensor<1x1x7xf32>
  return %r : tensor<1x1x7xf32>
}

// -----

// Max pooling with ceil_mode: -inf pads one extra row/column at the high end
// for the overhanging last window; a dummy kernel-shaped operand bounds the
// window loops.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2 * 2 + d4, d3 * 2 + d5)>
// CHECK-DAG: #[[WIN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d4, d5)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_ceil
// CHECK: %[[NEG:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %arg0 low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NEG]]
// CHECK: %[[WINDOW:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x1x3x3xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[WIN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[PAD]], %[[WINDOW]] : tensor<1x1x6x6xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<1x1x3x3xf32>)
// CHECK: arith.maximumf
func.func @max_pool_ceil(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %r = tcc.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = true}
      : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %r : tensor<1x1x3x3xf32>
}

// -----

// Integer max pooling pads with the lowest integer and uses maxsi. The last
// window ends before the high pad, so that pad is dropped.
// CHECK-LABEL: func.func @max_pool_int
// CHECK: arith.constant -2147483648 : i32
// CHECK: tensor.pad %arg0 low[0, 0, 1] high[0, 0, 0]
// CHECK: arith.maxsi
func.func @max_pool_int(%x: tensor<1x2x6xi32>) -> tensor<1x2x3xi32> {
  %r = tcc.max_pool %x {kernel = array<i64: 3>, strides = array<i64: 2>,
      dilations = array<i64: 1>, padding = array<i64: 1, 1>, ceil_mode = false}
      : (tensor<1x2x6xi32>) -> tensor<1x2x3xi32>
  return %r : tensor<1x2x3xi32>
}

// -----

// Average pooling sums over a zero-padded input, then divides by the
// per-position count, the product of per-dimension constants: without
// count_include_pad the border windows of a 3-wide window see 2 elements.
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1, d2, d3) -> (d2)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d3)>
// CHECK-LABEL: func.func @avg_pool_exclude_pad
// CHECK: tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: %[[NR:.*]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: %[[NC:.*]] = arith.constant dense<[2.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[ROW]], #[[COL]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[SUM]], %[[NR]], %[[NC]] : tensor<1x1x3x3xf32>, tensor<3xf32>, tensor<3xf32>)
// CHECK: ^bb0(%[[S:.*]]: f32, %[[R:.*]]: f32, %[[C:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[N:.*]] = arith.mulf %[[R]], %[[C]]
// CHECK: arith.divf %[[S]], %[[N]]
func.func @avg_pool_exclude_pad(%x: tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32> {
  %r = tcc.avg_pool %x {kernel = array<i64: 3, 3>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 1, 1, 1, 1>, ceil_mode = false,
      count_include_pad = false} : (tensor<1x1x5x5xf32>) -> tensor<1x1x3x3xf32>
  return %r : tensor<1x1x3x3xf32>
}

// -----

// With count_include_pad and ceil_mode, explicit pads count but the
// overhang of the last window (past the high pad) does not: 3, 3, 2.
// CHECK-LABEL: func.func @avg_pool_include_pad_ceil
// CHECK: tensor.pad %arg0 low[0, 0, 1] high[0, 0, 2]
// CHECK: arith.constant dense<[3.000000e+00, 3.000000e+00, 2.000000e+00]> : tensor<3xf32>
func.func @avg_pool_include_pad_ceil(%x: tensor<1x1x4xf32>) -> tensor<1x1x3xf32> {
  %r = tcc.avg_pool %x {kernel = array<i64: 3>, strides = array<i64: 2>,
      dilations = array<i64: 1>, padding = array<i64: 1, 1>, ceil_mode = true,
      count_include_pad = true} : (tensor<1x1x4xf32>) -> tensor<1x1x3xf32>
  return %r : tensor<1x1x3xf32>
}
