// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// A plain 2-D matmul is the named op, accumulating into zeros.
// CHECK-LABEL: func.func @matmul_2d
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<2x4xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x4xf32>)
// CHECK: %[[R:.*]] = linalg.matmul ins(%[[A]], %[[B]] : tensor<2x3xf32>, tensor<3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>)
// CHECK: return %[[R]]
func.func @matmul_2d(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>) -> tensor<2x4xf32> {
  %r = tcc.matmul %a, %b : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @matmul_batch
// CHECK: linalg.batch_matmul ins(%{{.*}}, %{{.*}} : tensor<5x2x3xf32>, tensor<5x3x4xf32>) outs(%{{.*}} : tensor<5x2x4xf32>)
func.func @matmul_batch(%a: tensor<5x2x3xf32>, %b: tensor<5x3x4xf32>) -> tensor<5x2x4xf32> {
  %r = tcc.matmul %a, %b : (tensor<5x2x3xf32>, tensor<5x3x4xf32>) -> tensor<5x2x4xf32>
  return %r : tensor<5x2x4xf32>
}

// -----

// Batch dimensions times a 2-D rhs join the rows: one [b*m, k] x [k, n]
// matmul on a view of the lhs, expanded back.
// CHECK-LABEL: func.func @matmul_rows
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1, 2], [3]] : tensor<2x5x3x4xf32> into tensor<30x4xf32>
// CHECK: %[[M:.*]] = linalg.matmul ins(%[[FLAT]], %arg1 : tensor<30x4xf32>, tensor<4x6xf32>) outs(%{{.*}} : tensor<30x6xf32>)
// CHECK: %[[R:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1, 2], [3]] output_shape [2, 5, 3, 6] : tensor<30x6xf32> into tensor<2x5x3x6xf32>
// CHECK: return %[[R]]
func.func @matmul_rows(%a: tensor<2x5x3x4xf32>, %b: tensor<4x6xf32>) -> tensor<2x5x3x6xf32> {
  %r = tcc.matmul %a, %b : (tensor<2x5x3x4xf32>, tensor<4x6xf32>) -> tensor<2x5x3x6xf32>
  return %r : tensor<2x5x3x6xf32>
}

// -----

// Equal batch dimensions on both sides merge into one batch_matmul.
// CHECK-LABEL: func.func @matmul_batch_4d
// CHECK-DAG: %[[L:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2], [3]] : tensor<2x5x3x4xf32> into tensor<10x3x4xf32>
// CHECK-DAG: %[[RH:.*]] = tensor.collapse_shape %arg1 {{\[}}[0, 1], [2], [3]] : tensor<2x5x4x6xf32> into tensor<10x4x6xf32>
// CHECK: %[[M:.*]] = linalg.batch_matmul ins(%[[L]], %[[RH]] : tensor<10x3x4xf32>, tensor<10x4x6xf32>) outs(%{{.*}} : tensor<10x3x6xf32>)
// CHECK: %[[R:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1], [2], [3]] output_shape [2, 5, 3, 6] : tensor<10x3x6xf32> into tensor<2x5x3x6xf32>
// CHECK: return %[[R]]
func.func @matmul_batch_4d(%a: tensor<2x5x3x4xf32>, %b: tensor<2x5x4x6xf32>) -> tensor<2x5x3x6xf32> {
  %r = tcc.matmul %a, %b : (tensor<2x5x3x4xf32>, tensor<2x5x4x6xf32>) -> tensor<2x5x3x6xf32>
  return %r : tensor<2x5x3x6xf32>
}

// -----

// A transposed 2-D lhs (A^T * B, a weight gradient) is read in place through
// the matmul's lhs map (the transpose is left dead, for canonicalize).
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transposed_lhs
// CHECK: %[[R:.*]] = linalg.matmul indexing_maps = [#[[AT]], #[[B]], #[[C]]] ins(%arg0, %arg1 : tensor<6x4xf32>, tensor<6x5xf32>) outs(%{{.*}} : tensor<4x5xf32>)
// CHECK: return %[[R]]
func.func @matmul_transposed_lhs(%a: tensor<6x4xf32>, %b: tensor<6x5xf32>) -> tensor<4x5xf32> {
  %t = tcc.transpose %a {permutation = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %r = tcc.matmul %t, %b : (tensor<4x6xf32>, tensor<6x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// -----

// A 2-D lhs times batched rhs is no named matmul (the batch cannot join a
// dimension of the lhs): a linalg.contract over (b, m, n, k).
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @matmul_lhs_broadcast
// CHECK-NOT: linalg.matmul
// CHECK: linalg.contract indexing_maps = [#[[A]], #[[B]], #[[C]]] ins(%arg0, %arg1 : tensor<3x4xf32>, tensor<2x4x6xf32>)
func.func @matmul_lhs_broadcast(%a: tensor<3x4xf32>, %b: tensor<2x4x6xf32>) -> tensor<2x3x6xf32> {
  %r = tcc.matmul %a, %b : (tensor<3x4xf32>, tensor<2x4x6xf32>) -> tensor<2x3x6xf32>
  return %r : tensor<2x3x6xf32>
}

// -----

// Broadcast batch dimensions: the size-1 batch dim of the lhs reads index 0,
// the rank-3 rhs aligns with the trailing batch dim; K is the reduction.
// CHECK-DAG: #[[LHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, 0, d2, d4)>
// CHECK-DAG: #[[RHS:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d1, d4, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @matmul_broadcast_int
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : i32)
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%arg0, %arg1 : tensor<5x1x2x3xi32>, tensor<4x3x6xi32>) outs(%[[INIT]] : tensor<5x4x2x6xi32>)
// CHECK: ^bb0(%[[X:.*]]: i32, %[[Y:.*]]: i32, %[[ACC:.*]]: i32):
// CHECK: %[[P:.*]] = arith.muli %[[X]], %[[Y]] : i32
// CHECK: %[[S:.*]] = arith.addi %[[ACC]], %[[P]] : i32
// CHECK: linalg.yield %[[S]] : i32
// CHECK-NOT: tcc.matmul
func.func @matmul_broadcast_int(%a: tensor<5x1x2x3xi32>, %b: tensor<4x3x6xi32>) -> tensor<5x4x2x6xi32> {
  %r = tcc.matmul %a, %b : (tensor<5x1x2x3xi32>, tensor<4x3x6xi32>) -> tensor<5x4x2x6xi32>
  return %r : tensor<5x4x2x6xi32>
}

// -----

// Output letters come first in the loop order, summed letters after.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @einsum_batch_matmul
// CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @einsum_batch_matmul(%a: tensor<2x3x4xf32>, %b: tensor<2x4x5xf32>) -> tensor<2x3x5xf32> {
  %r = tcc.einsum "bij,bjk->bik" %a, %b : (tensor<2x3x4xf32>, tensor<2x4x5xf32>) -> tensor<2x3x5xf32>
  return %r : tensor<2x3x5xf32>
}

// -----

// A repeated letter reads the diagonal.
// CHECK-DAG: #[[DIAG:.*]] = affine_map<(d0) -> (d0, d0)>
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @einsum_diagonal
// CHECK: linalg.generic {indexing_maps = [#[[DIAG]], #[[ID]]], iterator_types = ["parallel"]}
func.func @einsum_diagonal(%a: tensor<4x4xf32>) -> tensor<4xf32> {
  %r = tcc.einsum "ii->i" %a : (tensor<4x4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A full sum of three operands: every loop is a reduction, the body
// multiplies all inputs.
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1, d2) -> ()>
// CHECK-LABEL: func.func @einsum_three_inputs_full_sum
// CHECK: linalg.generic {indexing_maps = [{{.*}}, {{.*}}, {{.*}}, #[[SCALAR]]], iterator_types = ["reduction", "reduction", "reduction"]}
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32, %[[Z:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[XY:.*]] = arith.mulf %[[X]], %[[Y]]
// CHECK: %[[XYZ:.*]] = arith.mulf %[[XY]], %[[Z]]
// CHECK: arith.addf %[[ACC]], %[[XYZ]]
func.func @einsum_three_inputs_full_sum(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>) -> tensor<f32> {
  %r = tcc.einsum "ij,jk,k->" %a, %b, %c : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<f32>
  return %r : tensor<f32>
}
