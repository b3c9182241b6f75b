// RUN: tcc-opt %s --convert-tcc-to-linalg --canonicalize --split-input-file | FileCheck %s

// Transposes around tcc.matmul are read and written through the indexing
// maps of the contraction instead of being materialized; the transposes left
// dead are removed by the canonicalizer, as in the CPU pipeline.

// x.W^T: the transposed weight is read in place through the rhs map (n, k)
// of the named matmul; the batch dimensions of x still join the rows.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transposed_rhs
// CHECK-NOT: linalg.transpose
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %arg0 {{\[}}[0, 1], [2]] : tensor<2x5x4xf32> into tensor<10x4xf32>
// CHECK: %[[M:.*]] = linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[FLAT]], %arg1 : tensor<10x4xf32>, tensor<6x4xf32>) outs(%{{.*}} : tensor<10x6xf32>)
// CHECK: tensor.expand_shape %[[M]]
// CHECK-NOT: linalg.transpose
func.func @matmul_transposed_rhs(%x: tensor<2x5x4xf32>, %w: tensor<6x4xf32>) -> tensor<2x5x6xf32> {
  %t = tcc.transpose %w {permutation = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %r = tcc.matmul %x, %t : (tensor<2x5x4xf32>, tensor<4x6xf32>) -> tensor<2x5x6xf32>
  return %r : tensor<2x5x6xf32>
}

// -----

// A transpose that other ops read stays materialized, and the matmul reads
// the materialized copy (folding would not save writing it).
// CHECK-LABEL: func.func @matmul_transpose_kept
// CHECK: %[[T:.*]] = linalg.transpose ins(%arg1 : tensor<6x4xf32>)
// CHECK: linalg.matmul ins(%arg0, %[[T]] : tensor<5x4xf32>, tensor<4x6xf32>)
// CHECK: return %{{.*}}, %[[T]]
func.func @matmul_transpose_kept(%x: tensor<5x4xf32>, %w: tensor<6x4xf32>) -> (tensor<5x6xf32>, tensor<4x6xf32>) {
  %t = tcc.transpose %w {permutation = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %r = tcc.matmul %x, %t : (tensor<5x4xf32>, tensor<4x6xf32>) -> tensor<5x6xf32>
  return %r, %t : tensor<5x6xf32>, tensor<4x6xf32>
}

// -----

// Chains of transposes compose (W^T^T = W, as autodiff's input gradients
// read the forward's transposed weights); a transpose read by matmuls only
// through other transposes dies too.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transpose_chain
// CHECK-NOT: linalg.transpose
// CHECK: %[[Y:.*]] = linalg.matmul ins(%arg0, %arg1 : tensor<5x4xf32>, tensor<4x6xf32>)
// CHECK: linalg.matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%[[Y]], %arg1 : tensor<5x6xf32>, tensor<4x6xf32>)
// CHECK-NOT: linalg.transpose
func.func @matmul_transpose_chain(%x: tensor<5x4xf32>, %w: tensor<4x6xf32>) -> tensor<5x4xf32> {
  %t = tcc.transpose %w {permutation = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  %u = tcc.transpose %t {permutation = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  %y = tcc.matmul %x, %u : (tensor<5x4xf32>, tensor<4x6xf32>) -> tensor<5x6xf32>
  %r = tcc.matmul %y, %t : (tensor<5x6xf32>, tensor<6x4xf32>) -> tensor<5x4xf32>
  return %r : tensor<5x4xf32>
}

// -----

// A weight gradient dW = (X^T dY)^T: the result's only reader is a
// transpose, so the product is computed transposed, C^T = dY^T X (operands
// exchanged, so the output stays contiguous along N), with dY read
// transposed in place; neither transpose is written.
// CHECK-DAG: #[[AT:.*]] = affine_map<(d0, d1, d2) -> (d2, d0)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2) -> (d2, d1)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @matmul_transposed_result
// CHECK-NOT: linalg.transpose
// CHECK: %[[R:.*]] = linalg.matmul indexing_maps = [#[[AT]], #[[B]], #[[C]]] ins(%arg1, %arg0 : tensor<8x6xf32>, tensor<8x4xf32>) outs(%{{.*}} : tensor<6x4xf32>)
// CHECK-NOT: linalg.transpose
// CHECK: return %[[R]]
func.func @matmul_transposed_result(%x: tensor<8x4xf32>, %dy: tensor<8x6xf32>) -> tensor<6x4xf32> {
  %t = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<8x4xf32>) -> tensor<4x8xf32>
  %r = tcc.matmul %t, %dy : (tensor<4x8xf32>, tensor<8x6xf32>) -> tensor<4x6xf32>
  %g = tcc.transpose %r {permutation = array<i64: 1, 0>} : (tensor<4x6xf32>) -> tensor<6x4xf32>
  return %g : tensor<6x4xf32>
}

// -----

// A batched rhs transposed in its matrix dimensions: batch_matmul with maps.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @batch_matmul_transposed_rhs
// CHECK-NOT: linalg.transpose
// CHECK: linalg.batch_matmul indexing_maps = [#[[A]], #[[BT]], #[[C]]] ins(%arg0, %arg1 : tensor<3x5x4xf32>, tensor<3x6x4xf32>)
func.func @batch_matmul_transposed_rhs(%a: tensor<3x5x4xf32>, %b: tensor<3x6x4xf32>) -> tensor<3x5x6xf32> {
  %t = tcc.transpose %b {permutation = array<i64: 0, 2, 1>} : (tensor<3x6x4xf32>) -> tensor<3x4x6xf32>
  %r = tcc.matmul %a, %t : (tensor<3x5x4xf32>, tensor<3x4x6xf32>) -> tensor<3x5x6xf32>
  return %r : tensor<3x5x6xf32>
}

// -----

// Attention scores q.k^T per head: q[b,h,t,d] = Q[b,t,h,d] and
// k^T[b,h,d,s] = K[b,s,h,d] (heads split off the projection, batch
// dimensions permuted) are read from Q and K directly by a linalg.contract
// over (b, h, t, s, d).
// CHECK-DAG: #[[Q:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d4)>
// CHECK-DAG: #[[K:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d1, d4)>
// CHECK-DAG: #[[S:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @attention_scores
// CHECK-NOT: linalg.transpose
// CHECK: linalg.contract indexing_maps = [#[[Q]], #[[K]], #[[S]]]
// CHECK-SAME: ins(%arg0, %arg1 : tensor<2x3x4x5xf32>, tensor<2x3x4x5xf32>) outs(%{{.*}} : tensor<2x4x3x3xf32>)
// CHECK-NOT: linalg.transpose
func.func @attention_scores(%q: tensor<2x3x4x5xf32>, %k: tensor<2x3x4x5xf32>) -> tensor<2x4x3x3xf32> {
  %qt = tcc.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x3x5xf32>
  %kt = tcc.transpose %k {permutation = array<i64: 0, 2, 3, 1>} : (tensor<2x3x4x5xf32>) -> tensor<2x4x5x3xf32>
  %r = tcc.matmul %qt, %kt : (tensor<2x4x3x5xf32>, tensor<2x4x5x3xf32>) -> tensor<2x4x3x3xf32>
  return %r : tensor<2x4x3x3xf32>
}

// -----

// Heads merged back, (p.v).transpose(1, 2).reshape: the product is written
// as [b, t, h, d] through the output map, and the reshape is a view.
// CHECK-DAG: #[[P:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG: #[[Y:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3)>
// CHECK-LABEL: func.func @attention_heads_merged
// CHECK-NOT: linalg.transpose
// CHECK: %[[R:.*]] = linalg.contract indexing_maps = [#[[P]], #[[V]], #[[Y]]]
// CHECK-SAME: outs(%{{.*}} : tensor<2x3x4x5xf32>)
// CHECK: tensor.collapse_shape %[[R]] {{\[}}[0], [1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<2x3x20xf32>
// CHECK-NOT: linalg.transpose
func.func @attention_heads_merged(%p: tensor<2x4x3x3xf32>, %v: tensor<2x4x3x5xf32>) -> tensor<2x3x20xf32> {
  %o = tcc.matmul %p, %v : (tensor<2x4x3x3xf32>, tensor<2x4x3x5xf32>) -> tensor<2x4x3x5xf32>
  %t = tcc.transpose %o {permutation = array<i64: 0, 2, 1, 3>} : (tensor<2x4x3x5xf32>) -> tensor<2x3x4x5xf32>
  %r = tcc.reshape %t : tensor<2x3x4x5xf32> to tensor<2x3x20xf32>
  return %r : tensor<2x3x20xf32>
}

// -----

// A transposed result whose innermost dimension is M: the operands are
// exchanged (loops (b, h, n, m, k)) so N is innermost in the output again.
// CHECK-DAG: #[[BT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d2)>
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3)>
// CHECK-LABEL: func.func @matmul_result_along_m
// CHECK-NOT: linalg.transpose
// CHECK: linalg.contract indexing_maps = [#[[BT]], #[[A]], #[[C]]]
// CHECK-SAME: ins(%arg1, %arg0 : tensor<2x4x5x6xf32>, tensor<2x4x3x5xf32>) outs(%{{.*}} : tensor<2x6x4x3xf32>)
func.func @matmul_result_along_m(%a: tensor<2x4x3x5xf32>, %b: tensor<2x4x5x6xf32>) -> tensor<2x6x4x3xf32> {
  %o = tcc.matmul %a, %b : (tensor<2x4x3x5xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x3x6xf32>
  %t = tcc.transpose %o {permutation = array<i64: 0, 3, 1, 2>} : (tensor<2x4x3x6xf32>) -> tensor<2x6x4x3xf32>
  return %t : tensor<2x6x4x3xf32>
}

// -----

// A transposed result contiguous along a batch dimension is not folded: the
// register tiles would store strided vectors.
// CHECK-LABEL: func.func @matmul_result_along_batch
// CHECK: %[[M:.*]] = linalg.batch_matmul
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x4x3x6xf32>) outs(%{{.*}} : tensor<2x3x6x4xf32>) permutation = [0, 2, 3, 1]
func.func @matmul_result_along_batch(%a: tensor<2x4x3x5xf32>, %b: tensor<2x4x5x6xf32>) -> tensor<2x3x6x4xf32> {
  %o = tcc.matmul %a, %b : (tensor<2x4x3x5xf32>, tensor<2x4x5x6xf32>) -> tensor<2x4x3x6xf32>
  %t = tcc.transpose %o {permutation = array<i64: 0, 2, 3, 1>} : (tensor<2x4x3x6xf32>) -> tensor<2x3x6x4xf32>
  return %t : tensor<2x3x6x4xf32>
}
