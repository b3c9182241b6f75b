// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// Reshape goes through 1-D: both steps are views of a contiguous buffer.
// CHECK-LABEL: func.func @reshape
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK: tensor.expand_shape %[[FLAT]] {{\[}}[0, 1]] output_shape [6, 4] : tensor<24xf32> into tensor<6x4xf32>
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %r = tcc.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  return %r : tensor<6x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_rank0
// CHECK: %[[E:.*]] = tensor.expand_shape %arg0 [] output_shape [1] : tensor<f32> into tensor<1xf32>
// CHECK: tensor.expand_shape %[[E]] {{\[}}[0, 1, 2]] output_shape [1, 1, 1] : tensor<1xf32> into tensor<1x1x1xf32>
func.func @reshape_rank0(%x: tensor<f32>) -> tensor<1x1x1xf32> {
  %r = tcc.reshape %x : tensor<f32> to tensor<1x1x1xf32>
  return %r : tensor<1x1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_to_rank0
// CHECK: %[[C:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<1x1xi64> into tensor<1xi64>
// CHECK: tensor.collapse_shape %[[C]] [] : tensor<1xi64> into tensor<i64>
func.func @reshape_to_rank0(%x: tensor<1x1xi64>) -> tensor<i64> {
  %r = tcc.reshape %x : tensor<1x1xi64> to tensor<i64>
  return %r : tensor<i64>
}

// -----

// CHECK-LABEL: func.func @reshape_zero_size
// CHECK: tensor.collapse_shape %arg0 {{\[}}[0, 1]] : tensor<0x3xf32> into tensor<0xf32>
// CHECK: tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [3, 0, 2] : tensor<0xf32> into tensor<3x0x2xf32>
func.func @reshape_zero_size(%x: tensor<0x3xf32>) -> tensor<3x0x2xf32> {
  %r = tcc.reshape %x : tensor<0x3xf32> to tensor<3x0x2xf32>
  return %r : tensor<3x0x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose
// CHECK: %[[INIT:.*]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK: linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %r = tcc.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  return %r : tensor<4x2x3xf32>
}

// -----

// CHECK-DAG: #[[BCAST:.*]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @broadcast_to
// CHECK: linalg.generic {indexing_maps = [#[[BCAST]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<3x1xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: linalg.yield %[[IN]] : f32
func.func @broadcast_to(%x: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %r = tcc.broadcast_to %x : tensor<3x1xf32> to tensor<2x3x4xf32>
  return %r : tensor<2x3x4xf32>
}

// -----

// Running offsets along the axis; empty inputs are skipped.
// CHECK-LABEL: func.func @concat
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x8xf32>
// CHECK: %[[A:.*]] = tensor.insert_slice %arg0 into %[[E]][0, 0] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x8xf32>
// CHECK-NOT: %arg1
// CHECK: %[[B:.*]] = tensor.insert_slice %arg2 into %[[A]][0, 3] [2, 5] [1, 1] : tensor<2x5xf32> into tensor<2x8xf32>
// CHECK: return %[[B]]
func.func @concat(%a: tensor<2x3xf32>, %e: tensor<2x0xf32>, %b: tensor<2x5xf32>) -> tensor<2x8xf32> {
  %r = tcc.concat %a, %e, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x0xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

// CHECK-LABEL: func.func @slice_forward
// CHECK: tensor.extract_slice %arg0[1, 0] [2, 5] [2, 2] : tensor<4x10xf32> to tensor<2x5xf32>
func.func @slice_forward(%x: tensor<4x10xf32>) -> tensor<2x5xf32> {
  %r = tcc.slice %x {starts = array<i64: 1, 0>, steps = array<i64: 2, 2>} : tensor<4x10xf32> to tensor<2x5xf32>
  return %r : tensor<2x5xf32>
}

// -----

// A backwards step reads through start + step * d.
// CHECK-DAG: #[[REV:.*]] = affine_map<(d0, d1) -> (d0 * 2, -d1 + 9)>
// CHECK-LABEL: func.func @slice_backward
// CHECK: linalg.generic {indexing_maps = [#[[REV]], #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%arg0 : tensor<4x10xf32>)
func.func @slice_backward(%x: tensor<4x10xf32>) -> tensor<2x10xf32> {
  %r = tcc.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 2, -1>} : tensor<4x10xf32> to tensor<2x10xf32>
  return %r : tensor<2x10xf32>
}

// -----

// CHECK-LABEL: func.func @slice_empty
// CHECK: %[[E:.*]] = tensor.empty() : tensor<0xf32>
// CHECK: return %[[E]]
func.func @slice_empty(%x: tensor<4xf32>) -> tensor<0xf32> {
  %r = tcc.slice %x {starts = array<i64: 4>, steps = array<i64: -1>} : tensor<4xf32> to tensor<0xf32>
  return %r : tensor<0xf32>
}

// -----

// The indices are read through a projection; the data element is extracted
// at (result dims before axis, normalized index, result dims after).
// CHECK-DAG: #[[IDX:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-LABEL: func.func @gather
// CHECK: linalg.generic {indexing_maps = [#[[IDX]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%arg1 : tensor<2x5xi64>)
// CHECK: ^bb0(%[[I:.*]]: i64, %{{.*}}: f32):
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: %[[CAST:.*]] = arith.index_cast %[[I]] : i64 to index
// CHECK: arith.cmpi slt, %[[CAST]]
// CHECK: arith.maxsi
// CHECK: %[[CL:.*]] = arith.minsi
// CHECK: %[[D3:.*]] = linalg.index 3 : index
// CHECK: %[[V:.*]] = tensor.extract %arg0[%[[D0]], %[[CL]], %[[D3]]] : tensor<3x7x4xf32>
// CHECK: linalg.yield %[[V]] : f32
func.func @gather(%x: tensor<3x7x4xf32>, %i: tensor<2x5xi64>) -> tensor<3x2x5x4xf32> {
  %r = tcc.gather %x, %i {axis = 1 : i64} : (tensor<3x7x4xf32>, tensor<2x5xi64>) -> tensor<3x2x5x4xf32>
  return %r : tensor<3x2x5x4xf32>
}

// -----

// CHECK-LABEL: func.func @gather_scalar_index
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg1 : tensor<i32>)
// CHECK: tensor.extract %arg0[%{{.*}}] : tensor<5xf32>
func.func @gather_scalar_index(%x: tensor<5xf32>, %i: tensor<i32>) -> tensor<f32> {
  %r = tcc.gather %x, %i {axis = 0 : i64} : (tensor<5xf32>, tensor<i32>) -> tensor<f32>
  return %r : tensor<f32>
}

// -----

// CHECK-LABEL: func.func @gather_elements
// CHECK: linalg.generic
// CHECK-SAME: ins(%arg1 : tensor<3x2xi64>)
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: %[[CL:.*]] = arith.minsi
// CHECK: tensor.extract %arg0[%[[D0]], %[[CL]]] : tensor<3x3xf32>
func.func @gather_elements(%x: tensor<3x3xf32>, %i: tensor<3x2xi64>) -> tensor<3x2xf32> {
  %r = tcc.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x3xf32>, tensor<3x2xi64>) -> tensor<3x2xf32>
  return %r : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @pad_constant
// CHECK: %[[V:.*]] = tensor.extract %arg1[] : tensor<f32>
// CHECK: tensor.pad %arg0 low[0, 1] high[0, 1]
// CHECK: tensor.yield %[[V]] : f32
// CHECK: } : tensor<2x2xf32> to tensor<2x4xf32>
func.func @pad_constant(%x: tensor<2x2xf32>, %v: tensor<f32>) -> tensor<2x4xf32> {
  %r = tcc.pad %x, %v {mode = "constant", padding = array<i64: 0, 1, 0, 1>} : (tensor<2x2xf32>, tensor<f32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// Edge clamps the shifted index; unpadded dims use the loop index directly.
// CHECK-LABEL: func.func @pad_edge
// CHECK: linalg.generic
// CHECK-SAME: outs(%{{.*}} : tensor<3x7xf32>)
// CHECK: %[[D0:.*]] = linalg.index 0 : index
// CHECK: %[[D1:.*]] = linalg.index 1 : index
// CHECK: %[[S:.*]] = arith.subi %[[D1]], %c2 : index
// CHECK: %[[LO:.*]] = arith.maxsi %[[S]], %c0 : index
// CHECK: %[[HI:.*]] = arith.minsi %[[LO]], %c3 : index
// CHECK: tensor.extract %arg0[%[[D0]], %[[HI]]] : tensor<3x4xf32>
func.func @pad_edge(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<3x7xf32> {
  %r = tcc.pad %x, %v {mode = "edge", padding = array<i64: 0, 2, 0, 1>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  return %r : tensor<3x7xf32>
}

// -----

// Reflect folds the shifted index into [0, 2(D-1)) and mirrors the upper half.
// CHECK-LABEL: func.func @pad_reflect
// CHECK: linalg.generic
// CHECK: %[[S:.*]] = arith.subi %{{.*}}, %c2 : index
// CHECK: %[[M:.*]] = arith.remsi %[[S]], %c6 : index
// CHECK: %[[POS:.*]] = arith.select %{{.*}}, %{{.*}}, %[[M]] : index
// CHECK: %[[BACK:.*]] = arith.cmpi sge, %[[POS]], %c4 : index
// CHECK: %[[MIR:.*]] = arith.subi %c6, %[[POS]] : index
// CHECK: %[[IDX:.*]] = arith.select %[[BACK]], %[[MIR]], %[[POS]] : index
// CHECK: tensor.extract %arg0[%[[IDX]]] : tensor<4xf32>
func.func @pad_reflect(%x: tensor<4xf32>, %v: tensor<f32>) -> tensor<7xf32> {
  %r = tcc.pad %x, %v {mode = "reflect", padding = array<i64: 2, 1>} : (tensor<4xf32>, tensor<f32>) -> tensor<7xf32>
  return %r : tensor<7xf32>
}
