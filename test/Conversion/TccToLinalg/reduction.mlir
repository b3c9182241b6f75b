// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Reduced axes leave the output map; keep_dims re-inserts them as unit dims.
// Float32 sums of more than 4096 terms (here 64 x 65) add blocks of terms
// in float32 (the 64 of axis 1: never the last axis, along which the vector
// lanes keep separate sums), then the block sums in float64, rounded once at
// the end.
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEEP02:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[KEEP0:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @reduce_sum_keep_dims
// CHECK: %[[ZERO32:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT32:.*]] = linalg.fill ins(%[[ZERO32]] : f32) outs(%{{.*}} : tensor<2x65xf32>)
// CHECK: %[[BLOCKS:.*]] = linalg.generic {indexing_maps = [#[[ID3]], #[[KEEP02]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<2x64x65xf32>) outs(%[[INIT32]] : tensor<2x65xf32>)
// CHECK: arith.addf %{{.*}} : f32
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f64
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f64) outs(%{{.*}} : tensor<2xf64>)
// CHECK: %[[ACC:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[KEEP0]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME: ins(%[[BLOCKS]] : tensor<2x65xf32>) outs(%[[INIT]] : tensor<2xf64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.addf %{{.*}} : f64
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: ins(%[[ACC]] : tensor<2xf64>)
// CHECK: arith.truncf %{{.*}} : f64 to f32
// CHECK: tensor.expand_shape %[[SUM]] {{\[}}[0, 1, 2]] output_shape [2, 1, 1] : tensor<2xf32> into tensor<2x1x1xf32>
func.func @reduce_sum_keep_dims(%x: tensor<2x64x65xf32>) -> tensor<2x1x1xf32> {
  %r = tcc.reduce_sum %x {axes = array<i64: 1, 2>, keep_dims = true} : (tensor<2x64x65xf32>) -> tensor<2x1x1xf32>
  return %r : tensor<2x1x1xf32>
}

// -----

// BatchNorm's statistics over [N, C, H, W]: the blocks are the largest set
// of reduced axes (not the last) with at most 64 terms, here N; the
// channels lead the loops of the block sums, so threads share them out.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2, d3)>
// CHECK-DAG: #[[PART:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[ID3:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[KEEP0:.*]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-LABEL: func.func @reduce_sum_batch_norm
// CHECK: %[[BLOCKS:.*]] = linalg.generic {indexing_maps = [#[[IN]], #[[PART]]], iterator_types = ["parallel", "reduction", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<64x3x8x10xf32>) outs(%{{.*}} : tensor<3x8x10xf32>)
// CHECK: arith.addf %{{.*}} : f32
// CHECK: linalg.generic {indexing_maps = [#[[ID3]], #[[KEEP0]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME: ins(%[[BLOCKS]] : tensor<3x8x10xf32>) outs(%{{.*}} : tensor<3xf64>)
// CHECK: arith.addf %{{.*}} : f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @reduce_sum_batch_norm(%x: tensor<64x3x8x10xf32>) -> tensor<3xf32> {
  %r = tcc.reduce_sum %x {axes = array<i64: 0, 2, 3>, keep_dims = false} : (tensor<64x3x8x10xf32>) -> tensor<3xf32>
  return %r : tensor<3xf32>
}

// -----

// A long sum over the last axis alone has no blocks: float64 throughout.
// CHECK-LABEL: func.func @reduce_sum_long_last_axis
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: ins(%arg0 : tensor<2x5000xf32>) outs(%{{.*}} : tensor<2xf64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: arith.truncf %{{.*}} : f64 to f32
func.func @reduce_sum_long_last_axis(%x: tensor<2x5000xf32>) -> tensor<2xf32> {
  %r = tcc.reduce_sum %x {axes = array<i64: 1>, keep_dims = false} : (tensor<2x5000xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Sums of at most 4096 terms (64 x 64) accumulate in float32, vectorizable.
// CHECK-LABEL: func.func @reduce_sum_short
// CHECK-NOT: f64
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%{{.*}} : tensor<2xf32>)
// CHECK: %[[ACC:.*]] = linalg.generic
// CHECK-SAME: ins(%arg0 : tensor<2x64x64xf32>) outs(%[[INIT]] : tensor<2xf32>)
// CHECK: arith.addf %{{.*}} : f32
// CHECK-NOT: f64
// CHECK: return %[[ACC]]
func.func @reduce_sum_short(%x: tensor<2x64x64xf32>) -> tensor<2xf32> {
  %r = tcc.reduce_sum %x {axes = array<i64: 1, 2>, keep_dims = false} : (tensor<2x64x64xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_prod_int
// CHECK: arith.constant 1 : i32
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK: arith.muli
// CHECK-NOT: tensor.expand_shape
func.func @reduce_prod_int(%x: tensor<4x8xi32>) -> tensor<8xi32> {
  %r = tcc.reduce_prod %x {axes = array<i64: 0>, keep_dims = false} : (tensor<4x8xi32>) -> tensor<8xi32>
  return %r : tensor<8xi32>
}

// -----

// Float max starts at -inf and propagates NaN; a full reduction with
// keep_dims expands a 0-d tensor.
// CHECK-LABEL: func.func @reduce_max_all
// CHECK: arith.constant 0xFF800000 : f32
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "reduction"]
// CHECK-SAME: outs(%{{.*}} : tensor<f32>)
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
func.func @reduce_max_all(%x: tensor<3x5xf32>) -> tensor<1x1xf32> {
  %r = tcc.reduce_max %x {axes = array<i64: 0, 1>, keep_dims = true} : (tensor<3x5xf32>) -> tensor<1x1xf32>
  return %r : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_min_int
// CHECK: arith.constant 127 : i8
// CHECK: arith.minsi
func.func @reduce_min_int(%x: tensor<3x5xi8>) -> tensor<3xi8> {
  %r = tcc.reduce_min %x {axes = array<i64: 1>, keep_dims = false} : (tensor<3x5xi8>) -> tensor<3xi8>
  return %r : tensor<3xi8>
}

// -----

// CHECK-LABEL: func.func @reduce_min_float
// CHECK: arith.constant 0x7FF0000000000000 : f64
// CHECK: arith.minimumf
func.func @reduce_min_float(%x: tensor<3x5xf64>) -> tensor<3x1xf64> {
  %r = tcc.reduce_min %x {axes = array<i64: 1>, keep_dims = true} : (tensor<3x5xf64>) -> tensor<3x1xf64>
  return %r : tensor<3x1xf64>
}

// -----

// Two outputs (best value, best index); the first index wins ties, NaN wins.
// CHECK-LABEL: func.func @argmax
// CHECK: %[[V:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : tensor<4xf32>)
// CHECK: %[[I:.*]] = linalg.fill ins(%{{.*}} : i64) outs(%{{.*}} : tensor<4xi64>)
// CHECK: %[[R:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "reduction"]
// CHECK-SAME: outs(%[[V]], %[[I]] : tensor<4xf32>, tensor<4xi64>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %[[BEST:.*]]: f32, %[[BESTI:.*]]: i64):
// CHECK: %[[POS:.*]] = linalg.index 1 : index
// CHECK: %[[POS64:.*]] = arith.index_cast %[[POS]] : index to i64
// CHECK: arith.cmpf ogt, %[[IN]], %[[BEST]] : f32
// CHECK: arith.cmpf uno, %[[IN]], %[[IN]] : f32
// CHECK: %[[BETTER:.*]] = arith.ori
// CHECK: %[[NV:.*]] = arith.select %[[BETTER]], %[[IN]], %[[BEST]] : f32
// CHECK: %[[NI:.*]] = arith.select %[[BETTER]], %[[POS64]], %[[BESTI]] : i64
// CHECK: linalg.yield %[[NV]], %[[NI]] : f32, i64
// CHECK: return %[[R]]#1 : tensor<4xi64>
func.func @argmax(%x: tensor<4x10xf32>) -> tensor<4xi64> {
  %r = tcc.argmax %x {axis = 1 : i64, keep_dims = false, select_last_index = false} : (tensor<4x10xf32>) -> tensor<4xi64>
  return %r : tensor<4xi64>
}

// -----

// CHECK-LABEL: func.func @argmin_last_keep_dims
// CHECK: arith.constant 2147483647 : i32
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK: linalg.index 0 : index
// CHECK: arith.cmpi sle
// CHECK: tensor.expand_shape %{{.*}}#1 {{\[}}[0, 1]] output_shape [1, 6] : tensor<6xi64> into tensor<1x6xi64>
func.func @argmin_last_keep_dims(%x: tensor<5x6xi32>) -> tensor<1x6xi64> {
  %r = tcc.argmin %x {axis = 0 : i64, keep_dims = true, select_last_index = true} : (tensor<5x6xi32>) -> tensor<1x6xi64>
  return %r : tensor<1x6xi64>
}

// -----

// The scan adds a reduction dim j (d2) that reads along the axis and masks
// it against the output position along the axis (d0).
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @cumsum_exclusive
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK: ^bb0(%[[X:.*]]: f64, %[[ACC:.*]]: f64):
// CHECK: %[[J:.*]] = linalg.index 2 : index
// CHECK: %[[I:.*]] = linalg.index 0 : index
// CHECK: %[[TAKE:.*]] = arith.cmpi slt, %[[J]], %[[I]] : index
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC]], %[[X]] : f64
// CHECK: arith.select %[[TAKE]], %[[SUM]], %[[ACC]] : f64
func.func @cumsum_exclusive(%x: tensor<5x3xf64>) -> tensor<5x3xf64> {
  %r = tcc.cumsum %x {axis = 0 : i64, exclusive = true, reverse = false} : tensor<5x3xf64>
  return %r : tensor<5x3xf64>
}

// -----

// CHECK-LABEL: func.func @cumsum_reverse
// CHECK: arith.cmpi sge
// CHECK: arith.addi
func.func @cumsum_reverse(%x: tensor<7xi64>) -> tensor<7xi64> {
  %r = tcc.cumsum %x {axis = 0 : i64, exclusive = false, reverse = true} : tensor<7xi64>
  return %r : tensor<7xi64>
}

// -----

// SplitMix64 of seed + (linear index + 1) * golden ratio; f32 keeps 24 bits.
// CHECK-DAG: #[[SEED:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @random_uniform
// CHECK: linalg.generic {indexing_maps = [#[[SEED]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<i64>)
// CHECK: linalg.index 1
// CHECK: linalg.index 0
// CHECK: arith.constant -7046029254386353131 : i64
// CHECK: arith.constant -4658895280553007687 : i64
// CHECK: arith.constant -7723592293110705685 : i64
// CHECK: arith.constant 40 : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f32
// CHECK: arith.constant 5.96046448E-8 : f32
func.func @random_uniform(%seed: tensor<i64>) -> tensor<8x16xf32> {
  %u = tcc.random_uniform %seed : (tensor<i64>) -> tensor<8x16xf32>
  return %u : tensor<8x16xf32>
}

// -----

// CHECK-LABEL: func.func @random_uniform_f64
// CHECK: arith.constant 11 : i64
// CHECK: arith.uitofp %{{.*}} : i64 to f64
func.func @random_uniform_f64(%seed: tensor<i64>) -> tensor<3xf64> {
  %u = tcc.random_uniform %seed : (tensor<i64>) -> tensor<3xf64>
  return %u : tensor<3xf64>
}
