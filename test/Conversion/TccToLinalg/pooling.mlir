// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Max pooling whose windows tile the input (stride = kernel, no padding;
// the last row of 5 is in no window): an elementwise generic over one
// strided slice per window offset, in window order, which the CPU backend
// vectorizes; no window loops.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_tiled
// CHECK: %[[S0:.*]] = tensor.extract_slice %arg0[0, 0, 0, 0] [1, 2, 2, 2] [1, 1, 2, 2] : tensor<1x2x5x4xf32> to tensor<1x2x2x2xf32>
// CHECK: %[[S1:.*]] = tensor.extract_slice %arg0[0, 0, 0, 1] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: %[[S2:.*]] = tensor.extract_slice %arg0[0, 0, 1, 0] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: %[[S3:.*]] = tensor.extract_slice %arg0[0, 0, 1, 1] [1, 2, 2, 2] [1, 1, 2, 2]
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x2x2x2xf32>
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[S0]], %[[S1]], %[[S2]], %[[S3]] : {{.*}}) outs(%[[E]] : tensor<1x2x2x2xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[C:.*]]: f32, %[[D:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[M1:.*]] = arith.maximumf %[[A]], %[[B]] : f32
// CHECK: %[[M2:.*]] = arith.maximumf %[[M1]], %[[C]] : f32
// CHECK: %[[M3:.*]] = arith.maximumf %[[M2]], %[[D]] : f32
// CHECK: linalg.yield %[[M3]] : f32
func.func @max_pool_tiled(%x: tensor<1x2x5x4xf32>) -> tensor<1x2x2x2xf32> {
  %r = tcc.max_pool %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x2x5x4xf32>) -> tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// Integer windows that tile a 1-D input: maxsi over three slices.
// CHECK-LABEL: func.func @max_pool_tiled_int
// CHECK: tensor.extract_slice %arg0[0, 0, 0] [1, 2, 2] [1, 1, 3]
// CHECK: tensor.extract_slice %arg0[0, 0, 1] [1, 2, 2] [1, 1, 3]
// CHECK: tensor.extract_slice %arg0[0, 0, 2] [1, 2, 2] [1, 1, 3]
// CHECK-NOT: tensor.pad
// CHECK: arith.maxsi
// CHECK: arith.maxsi
// CHECK-NOT: arith.maxsi
// CHECK: linalg.yield
func.func @max_pool_tiled_int(%x: tensor<1x2x6xi32>) -> tensor<1x2x2xi32> {
  %r = tcc.max_pool %x {kernel = array<i64: 3>, strides = array<i64: 3>,
      dilations = array<i64: 1>, padding = array<i64: 0, 0>, ceil_mode = false}
      : (tensor<1x2x6xi32>) -> tensor<1x2x2xi32>
  return %r : tensor<1x2x2xi32>
}

// -----

// max_pool_indices of tiling windows: the same scan as the general case
// (the first offset is taken, then each strictly larger element or NaN
// replaces the best) over the window slices; the index is the window's
// first element, (n, c, 2*oh, 2*ow) flattened, plus the winning offset
// (0, 1, 4 or 5 in rows of 4).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @max_pool_indices_tiled
// CHECK-COUNT-4: tensor.extract_slice %arg0
// CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ID]], #[[ID]], #[[ID]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: outs(%{{.*}} : tensor<1x2x2x2xi64>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[C:.*]]: f32, %[[D:.*]]: f32, %{{.*}}: i64):
// CHECK: %[[O0:.*]] = arith.constant 0 : i64
// CHECK: %[[GT1:.*]] = arith.cmpf ogt, %[[B]], %[[A]] : f32
// CHECK: %[[NAN1:.*]] = arith.cmpf uno, %[[B]], %[[B]] : f32
// CHECK: %[[T1:.*]] = arith.ori %[[GT1]], %[[NAN1]] : i1
// CHECK: %[[BEST1:.*]] = arith.select %[[T1]], %[[B]], %[[A]] : f32
// CHECK: %[[C1:.*]] = arith.constant 1 : i64
// CHECK: %[[O1:.*]] = arith.select %[[T1]], %[[C1]], %[[O0]] : i64
// CHECK: arith.cmpf ogt, %[[C]], %[[BEST1]] : f32
// CHECK: arith.constant 4 : i64
// CHECK: arith.cmpf ogt, %[[D]], %{{.*}} : f32
// CHECK: arith.constant 5 : i64
// CHECK: %[[O3:.*]] = arith.select %{{.*}}, %{{.*}}, %{{.*}} : i64
// CHECK: %[[OH:.*]] = linalg.index 2 : index
// CHECK: arith.muli %[[OH]], %{{.*}} : index
// CHECK: %[[OW:.*]] = linalg.index 3 : index
// CHECK: arith.muli %[[OW]], %{{.*}} : index
// CHECK: %[[FLAT:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[I:.*]] = arith.addi %[[FLAT]], %[[O3]] : i64
// CHECK: linalg.yield %[[I]] : i64
func.func @max_pool_indices_tiled(%x: tensor<1x2x5x4xf32>) -> tensor<1x2x2x2xi64> {
  %i = tcc.max_pool_indices %x {kernel = array<i64: 2, 2>, strides = array<i64: 2, 2>,
      dilations = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, ceil_mode = false}
      : (tensor<1x2x5x4xf32>) -> tensor<1x2x2x2xi64>
  return %i : tensor<1x2x2x2xi64>
}
