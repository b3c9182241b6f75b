// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Grouped 2-D convolution through im2col: the input, split into groups
// [N, G, C/G, H, W], is zero-padded (zeros, the input inserted into the
// interior: the fill's only user, so it is filled once, in place); each of the 3x3 kernel offsets copies its strided window into
// its slab of the column tensor [G, C/G, KH, KW, N, OH, OW] (the copy reads
// through a map that drops the slab's unit dims and moves N); the columns
// [G, C/G*KH*KW, N, OH*OW] are multiplied by the weight [G, M/G, C/G*KH*KW]
// in one linalg.contract over (n, g, m, p, r).
// CHECK-DAG: #[[COPY:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d4, d0, d1, d5, d6)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d2, d4)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d0, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @conv_groups
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x5x5xf32>, %[[WT:.*]]: tensor<6x2x3x3xf32>)
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 2, 5, 5]
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x2x7x7xf32>)
// CHECK-NOT: tensor.extract_slice %[[Z]]
// CHECK: %[[PAD:.*]] = tensor.insert_slice %[[XG]] into %[[Z]][0, 0, 0, 1, 1] [1, 2, 2, 5, 5] [1, 1, 1, 1, 1]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x2x3x3x1x3x3xf32>
// CHECK: %[[SLAB:.*]] = tensor.extract_slice %[[E]][0, 0, 0, 0, 0, 0, 0] [2, 2, 1, 1, 1, 3, 3] [1, 1, 1, 1, 1, 1, 1]
// CHECK: %[[WIN:.*]] = tensor.extract_slice %[[PAD]][0, 0, 0, 0, 0] [1, 2, 2, 3, 3] [1, 1, 1, 2, 2]
// CHECK: %[[COPY0:.*]] = linalg.generic {indexing_maps = [#[[COPY]], #{{.*}}], {{.*}} ins(%[[WIN]] : tensor<1x2x2x3x3xf32>) outs(%[[SLAB]] : tensor<2x2x1x1x1x3x3xf32>)
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[V]]
// CHECK: tensor.insert_slice %[[COPY0]] into %[[E]][0, 0, 0, 0, 0, 0, 0] [2, 2, 1, 1, 1, 3, 3]
// CHECK: tensor.extract_slice %[[PAD]][0, 0, 0, 2, 2] [1, 2, 2, 3, 3] [1, 1, 1, 2, 2]
// CHECK: %[[LAST:.*]] = tensor.insert_slice %{{.*}}[0, 0, 2, 2, 0, 0, 0] [2, 2, 1, 1, 1, 3, 3]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[LAST]] {{\[}}[0], [1, 2, 3], [4], [5, 6]] : tensor<2x2x3x3x1x3x3xf32> into tensor<2x18x1x9xf32>
// CHECK: %[[WF:.*]] = tensor.collapse_shape %[[WT]] {{\[}}[0], [1, 2, 3]] : tensor<6x2x3x3xf32> into tensor<6x18xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[WF]] {{\[}}[0, 1], [2]] output_shape [2, 3, 18]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x2x3x9xf32>)
// CHECK: %[[Y:.*]] = linalg.contract indexing_maps = [#[[W]], #[[COL]], #[[OUT]]] ins(%[[WG]], %[[C]] : tensor<2x3x18xf32>, tensor<2x18x1x9xf32>) outs(%[[INIT]] : tensor<1x2x3x9xf32>)
// CHECK: %[[YM:.*]] = tensor.collapse_shape %[[Y]] {{\[}}[0], [1, 2], [3]] : tensor<1x2x3x9xf32> into tensor<1x6x9xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[YM]] {{\[}}[0], [1], [2, 3]] output_shape [1, 6, 3, 3]
// CHECK: return %[[R]]
func.func @conv_groups(%x: tensor<1x4x5x5xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %r = tcc.conv %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 1, 1, 1>, groups = 2 : i64}
      : (tensor<1x4x5x5xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %r : tensor<1x6x3x3xf32>
}

// -----

// No padding: no fill. Dilation 2 and stride 3: kernel offset j reads the
// window starting at 2*j with stride 3; the last offset starts at 4.
// CHECK-LABEL: func.func @conv_1d_dilated
// CHECK-NOT: linalg.fill
// CHECK: tensor.empty() : tensor<1x3x3x2x2xf32>
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0] [2, 1, 3, 2] [1, 1, 1, 3]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 2] [2, 1, 3, 2] [1, 1, 1, 3]
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 4] [2, 1, 3, 2] [1, 1, 1, 3]
// CHECK: linalg.contract {{.*}} ins(%{{.*}}, %{{.*}} : tensor<1x5x9xf32>, tensor<1x9x2x2xf32>) outs(%{{.*}} : tensor<2x1x5x2xf32>)
func.func @conv_1d_dilated(%x: tensor<2x3x10xf32>, %w: tensor<5x3x3xf32>) -> tensor<2x5x2xf32> {
  %r = tcc.conv %x, %w {strides = array<i64: 3>, dilations = array<i64: 2>,
      padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<2x3x10xf32>, tensor<5x3x3xf32>) -> tensor<2x5x2xf32>
  return %r : tensor<2x5x2xf32>
}

// -----

// Transposed convolution: the columns W^T x ([N, G, M/G*KH*KW, H*W], one
// linalg.contract over (n, g, r, p, c)), then col2im: the first kernel
// offset's slab is inserted into its strided window of a (-0.0) zero image
// padded to hold every position (7x7: 2*(3-1) + 2 + 1), the fill's only
// user; the others are added into theirs. The interior [1, 6) is the
// result.
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d2)>
// CHECK-DAG: #[[X:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-LABEL: func.func @conv_transpose
// CHECK: %[[COL:.*]] = linalg.contract indexing_maps = [#[[W]], #[[X]], #{{.*}}] ins(%{{.*}}, %{{.*}} : tensor<1x2x27xf32>, tensor<1x1x2x9xf32>) outs(%{{.*}} : tensor<1x1x27x9xf32>)
// CHECK: %[[SLABS:.*]] = tensor.expand_shape %[[COL]] {{\[}}[0], [1], [2, 3, 4], [5, 6]] output_shape [1, 1, 3, 3, 3, 3, 3]
// CHECK: %[[Z:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x1x3x7x7xf32>)
// CHECK: %[[SLAB:.*]] = tensor.extract_slice %[[SLABS]][0, 0, 0, 0, 0, 0, 0] [1, 1, 3, 1, 1, 3, 3] [1, 1, 1, 1, 1, 1, 1] : tensor<1x1x3x3x3x3x3xf32> to tensor<1x1x3x3x3xf32>
// CHECK: %[[IMG0:.*]] = tensor.insert_slice %[[SLAB]] into %[[Z]][0, 0, 0, 0, 0] [1, 1, 3, 3, 3] [1, 1, 1, 2, 2]
// CHECK: %[[SLAB1:.*]] = tensor.extract_slice %[[SLABS]][0, 0, 0, 0, 1, 0, 0]
// CHECK: %[[WIN1:.*]] = tensor.extract_slice %[[IMG0]][0, 0, 0, 0, 1] [1, 1, 3, 3, 3] [1, 1, 1, 2, 2]
// CHECK: linalg.generic {{.*}} ins(%[[SLAB1]] : tensor<1x1x3x3x3xf32>) outs(%[[WIN1]] : tensor<1x1x3x3x3xf32>)
// CHECK: arith.addf
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 2, 2] [1, 1, 3, 3, 3] [1, 1, 1, 2, 2]
// CHECK: %[[IMG:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2], [3], [4]] : tensor<1x1x3x7x7xf32> into tensor<1x3x7x7xf32>
// CHECK: %[[R:.*]] = tensor.extract_slice %[[IMG]][0, 0, 1, 1] [1, 3, 5, 5] [1, 1, 1, 1]
// CHECK: return %[[R]]
func.func @conv_transpose(%x: tensor<1x2x3x3xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32> {
  %r = tcc.conv_transpose %x, %w {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x2x3x3xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x5x5xf32>
  return %r : tensor<1x3x5x5xf32>
}

// -----

// Stride 1 (the input gradient of a padded 3x3 convolution): col2im is a
// gather. Which kernel offsets land inside the input is constant on the
// segments [0, 1), [1, 3), [3, 4) of each dimension, so the result is nine
// regions, each one sum of its offsets' columns in offset order: four at
// the corners, six at the edges, all nine in the interior.
// CHECK-LABEL: func.func @conv_transpose_stride1
// CHECK: %[[SLABS:.*]] = tensor.expand_shape %{{.*}} output_shape [1, 1, 3, 3, 3, 4, 4]
// CHECK-NOT: linalg.fill
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x1x3x1x1xf32>, {{.*}}) outs(%{{.*}} : tensor<1x1x3x1x1xf32>)
// CHECK: %[[A:.*]] = tensor.extract_slice %[[SLABS]][0, 0, 0, 0, 0, 2, 2] [1, 1, 3, 1, 1, 2, 2] [1, 1, 1, 1, 1, 1, 1] : tensor<1x1x3x3x3x4x4xf32> to tensor<1x1x3x2x2xf32>
// CHECK: %[[Z:.*]] = tensor.extract_slice %[[SLABS]][0, 0, 0, 2, 2, 0, 0] [1, 1, 3, 1, 1, 2, 2]
// CHECK: linalg.generic {{.*}} ins(%[[A]], {{.*}}, %[[Z]] : {{.*}}) outs(%{{.*}} : tensor<1x1x3x2x2xf32>)
// CHECK-COUNT-8: arith.addf
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 1, 1] [1, 1, 3, 2, 2] [1, 1, 1, 1, 1]
// CHECK: %[[R:.*]] = tensor.collapse_shape %{{.*}} : tensor<1x1x3x4x4xf32> into tensor<1x3x4x4xf32>
// CHECK: return %[[R]]
func.func @conv_transpose_stride1(%x: tensor<1x2x4x4xf32>, %w: tensor<2x3x3x3xf32>) -> tensor<1x3x4x4xf32> {
  %r = tcc.conv_transpose %x, %w {strides = array<i64: 1, 1>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 1, 1, 1>, output_padding = array<i64: 0, 0>, groups = 1 : i64}
      : (tensor<1x2x4x4xf32>, tensor<2x3x3x3xf32>) -> tensor<1x3x4x4xf32>
  return %r : tensor<1x3x4x4xf32>
}

// -----

// Pads beyond the kernel extent drop input elements: the image holds all
// 11 positions 2*i + j, the result is [3, 10).
// CHECK-LABEL: func.func @conv_transpose_large_pad
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<1x1x1x11xf32>)
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 3] [1, 1, 7] [1, 1, 1] : tensor<1x1x11xf32> to tensor<1x1x7xf32>
func.func @conv_transpose_large_pad(%x: tensor<1x2x5xf32>, %w: tensor<2x1x3xf32>) -> tensor<1x1x7xf32> {
  %r = tcc.conv_transpose %x, %w {strides = array<i64: 2>, dilations = array<i64: 1>,
      padding = array<i64: 3, 2>, output_padding = array<i64: 1>, groups = 1 : i64}
      : (tensor<1x2x5xf32>, tensor<2x1x3xf32>) -> tensor<1x1x7xf32>
  return %r : tensor<1x1x7xf32>
}

// -----

// Weight gradient: the same columns as the forward convolution, with the
// batch and positions merged into one reduction dimension q = (n, p)
// ([G, C/G*KH*KW, N*OH*OW]), against dY transposed to [G, N*OH*OW, M/G]:
// one linalg.contract over (g, r, m, q), transposed back to [M, C/G, KH, KW].
// Padding reaches row 9 (the high pad row 8 is read): a 9x6 image.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[DY:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[DW:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @conv_weight_grad
// CHECK-SAME: (%{{.*}}: tensor<2x4x7x6xf32>, %{{.*}}: tensor<2x6x4x3xf32>)
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<2x2x2x9x6xf32>)
// CHECK: tensor.empty() : tensor<2x2x3x2x2x4x3xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1, 2, 3], [4], [5, 6]] : tensor<2x2x3x2x2x4x3xf32> into tensor<2x12x2x12xf32>
// CHECK: %[[CQ:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1], [2, 3]] : tensor<2x12x2x12xf32> into tensor<2x12x24xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%{{.*}} : tensor<2x2x3x12xf32>) outs(%{{.*}} : tensor<2x2x12x3xf32>) permutation = [1, 0, 3, 2]
// CHECK: %[[DYQ:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2], [3]] : tensor<2x2x12x3xf32> into tensor<2x24x3xf32>
// CHECK: %[[DWT:.*]] = linalg.contract indexing_maps = [#[[COL]], #[[DY]], #[[DW]]] ins(%[[CQ]], %[[DYQ]] : tensor<2x12x24xf32>, tensor<2x24x3xf32>) outs(%{{.*}} : tensor<2x12x3xf32>)
// CHECK: linalg.transpose ins(%[[DWT]] : tensor<2x12x3xf32>) outs(%{{.*}} : tensor<2x3x12xf32>) permutation = [0, 2, 1]
// CHECK: tensor.expand_shape %{{.*}} output_shape [6, 2, 3, 2] : tensor<6x12xf32> into tensor<6x2x3x2xf32>
func.func @conv_weight_grad(%x: tensor<2x4x7x6xf32>, %dy: tensor<2x6x4x3xf32>) -> tensor<6x2x3x2xf32> {
  %r = tcc.conv_weight_grad %x, %dy {strides = array<i64: 2, 2>, dilations = array<i64: 1, 1>,
      padding = array<i64: 1, 0, 1, 1>, groups = 2 : i64}
      : (tensor<2x4x7x6xf32>, tensor<2x6x4x3xf32>) -> tensor<6x2x3x2xf32>
  return %r : tensor<6x2x3x2xf32>
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
