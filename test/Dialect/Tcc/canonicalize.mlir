// RUN: tcc-opt %s --canonicalize --split-input-file | FileCheck %s

// CHECK-LABEL: func.func @convert_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK-NOT: tcc.convert
// CHECK: return %[[X]]
func.func @convert_same_type(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tcc.convert %x : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @convert_other_type
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = tcc.convert %[[X]] : tensor<4xf32> to tensor<4xf64>
// CHECK: return %[[R]]
func.func @convert_other_type(%x: tensor<4xf32>) -> tensor<4xf64> {
  %0 = tcc.convert %x : tensor<4xf32> to tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: tcc.reshape
// CHECK: return %[[X]]
func.func @reshape_identity(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tcc.reshape %x : tensor<2x3xf32> to tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_of_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NEXT: %[[R:.+]] = tcc.reshape %[[X]] : tensor<2x3x4xf32> to tensor<4x6xf32>
// CHECK-NEXT: return %[[R]]
func.func @reshape_of_reshape(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = tcc.reshape %x : tensor<2x3x4xf32> to tensor<24xf32>
  %1 = tcc.reshape %0 : tensor<24xf32> to tensor<4x6xf32>
  return %1 : tensor<4x6xf32>
}

// -----

// A chain of reshapes back to the input's shape folds away entirely.
// CHECK-LABEL: func.func @reshape_round_trip
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xi64>)
// CHECK-NOT: tcc.reshape
// CHECK: return %[[X]]
func.func @reshape_round_trip(%x: tensor<2x3xi64>) -> tensor<2x3xi64> {
  %0 = tcc.reshape %x : tensor<2x3xi64> to tensor<6xi64>
  %1 = tcc.reshape %0 : tensor<6xi64> to tensor<3x2xi64>
  %2 = tcc.reshape %1 : tensor<3x2xi64> to tensor<2x3xi64>
  return %2 : tensor<2x3xi64>
}

// -----

// The inner reshape has another use, so it stays; the outer one still reads
// the original input.
// CHECK-LABEL: func.func @reshape_of_shared_reshape
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-DAG: %[[A:.+]] = tcc.reshape %[[X]] : tensor<2x3xf32> to tensor<6xf32>
// CHECK-DAG: %[[B:.+]] = tcc.reshape %[[X]] : tensor<2x3xf32> to tensor<3x2xf32>
// CHECK: return %[[A]], %[[B]]
func.func @reshape_of_shared_reshape(%x: tensor<2x3xf32>) -> (tensor<6xf32>, tensor<3x2xf32>) {
  %0 = tcc.reshape %x : tensor<2x3xf32> to tensor<6xf32>
  %1 = tcc.reshape %0 : tensor<6xf32> to tensor<3x2xf32>
  return %0, %1 : tensor<6xf32>, tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_not_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK: %[[R:.+]] = tcc.reshape %[[X]] : tensor<2x3xf32> to tensor<3x2xf32>
// CHECK: return %[[R]]
func.func @reshape_not_identity(%x: tensor<2x3xf32>) -> tensor<3x2xf32> {
  %0 = tcc.reshape %x : tensor<2x3xf32> to tensor<3x2xf32>
  return %0 : tensor<3x2xf32>
}

// -----

// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x4xf32>)
// CHECK-NOT: tcc.transpose
// CHECK: return %[[X]]
func.func @transpose_identity(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = tcc.transpose %x {permutation = array<i64: 0, 1, 2>} : (tensor<2x3x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Swapping two dimensions of equal size keeps the type but is no identity.
// CHECK-LABEL: func.func @transpose_same_type_not_identity
// CHECK-SAME: (%[[X:.+]]: tensor<3x3xf32>)
// CHECK: %[[R:.+]] = tcc.transpose %[[X]] {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
// CHECK: return %[[R]]
func.func @transpose_same_type_not_identity(%x: tensor<3x3xf32>) -> tensor<3x3xf32> {
  %0 = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<3x3xf32>) -> tensor<3x3xf32>
  return %0 : tensor<3x3xf32>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_same_type
// CHECK-SAME: (%[[X:.+]]: tensor<3x1xi1>)
// CHECK-NOT: tcc.broadcast_to
// CHECK: return %[[X]]
func.func @broadcast_to_same_type(%x: tensor<3x1xi1>) -> tensor<3x1xi1> {
  %0 = tcc.broadcast_to %x : tensor<3x1xi1> to tensor<3x1xi1>
  return %0 : tensor<3x1xi1>
}

// -----

// CHECK-LABEL: func.func @broadcast_to_larger
// CHECK-SAME: (%[[X:.+]]: tensor<3x1xf32>)
// CHECK: %[[R:.+]] = tcc.broadcast_to %[[X]] : tensor<3x1xf32> to tensor<3x4xf32>
// CHECK: return %[[R]]
func.func @broadcast_to_larger(%x: tensor<3x1xf32>) -> tensor<3x4xf32> {
  %0 = tcc.broadcast_to %x : tensor<3x1xf32> to tensor<3x4xf32>
  return %0 : tensor<3x4xf32>
}

// -----

// CHECK-LABEL: func.func @concat_single_input
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: tcc.concat
// CHECK: return %[[X]]
func.func @concat_single_input(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tcc.concat %x {axis = 1 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

// CHECK-LABEL: func.func @concat_two_inputs
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>, %[[Y:.+]]: tensor<2x1xf32>)
// CHECK: %[[R:.+]] = tcc.concat %[[X]], %[[Y]] {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
// CHECK: return %[[R]]
func.func @concat_two_inputs(%x: tensor<2x3xf32>, %y: tensor<2x1xf32>) -> tensor<2x4xf32> {
  %0 = tcc.concat %x, %y {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

// CHECK-LABEL: func.func @slice_full
// CHECK-SAME: (%[[X:.+]]: tensor<4x10xf32>)
// CHECK-NOT: tcc.slice
// CHECK: return %[[X]]
func.func @slice_full(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = tcc.slice %x {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x10xf32> to tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// Reading backwards keeps the shape but reverses the elements.
// CHECK-LABEL: func.func @slice_reversed
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = tcc.slice %[[X]] {starts = array<i64: 3>, steps = array<i64: -1>} : tensor<4xf32> to tensor<4xf32>
// CHECK: return %[[R]]
func.func @slice_reversed(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = tcc.slice %x {starts = array<i64: 3>, steps = array<i64: -1>} : tensor<4xf32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @slice_partial
// CHECK-SAME: (%[[X:.+]]: tensor<4xf32>)
// CHECK: %[[R:.+]] = tcc.slice %[[X]] {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> to tensor<2xf32>
// CHECK: return %[[R]]
func.func @slice_partial(%x: tensor<4xf32>) -> tensor<2xf32> {
  %0 = tcc.slice %x {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<4xf32> to tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// CHECK-LABEL: func.func @reduce_no_axes
// CHECK-SAME: (%[[X:.+]]: tensor<4x8xf32>, %[[Y:.+]]: tensor<3xi64>)
// CHECK-NOT: tcc.reduce
// CHECK: return %[[X]], %[[X]], %[[Y]], %[[Y]]
func.func @reduce_no_axes(%x: tensor<4x8xf32>, %y: tensor<3xi64>) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<3xi64>, tensor<3xi64>) {
  %0 = tcc.reduce_sum %x {axes = array<i64>, keep_dims = false} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = tcc.reduce_prod %x {axes = array<i64>, keep_dims = true} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = tcc.reduce_max %y {axes = array<i64>, keep_dims = false} : (tensor<3xi64>) -> tensor<3xi64>
  %3 = tcc.reduce_min %y {axes = array<i64>, keep_dims = true} : (tensor<3xi64>) -> tensor<3xi64>
  return %0, %1, %2, %3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<3xi64>, tensor<3xi64>
}

// -----

// Reducing a size-1 axis with keep_dims keeps the type but is still a
// reduction as far as the folder knows; it must not fold.
// CHECK-LABEL: func.func @reduce_with_axes
// CHECK-SAME: (%[[X:.+]]: tensor<4x1xf32>, %[[Y:.+]]: tensor<3xi32>)
// CHECK: %[[S:.+]] = tcc.reduce_sum %[[X]] {axes = array<i64: 1>, keep_dims = true} : (tensor<4x1xf32>) -> tensor<4x1xf32>
// CHECK: %[[P:.+]] = tcc.reduce_prod %[[X]] {axes = array<i64: 0>, keep_dims = false} : (tensor<4x1xf32>) -> tensor<1xf32>
// CHECK: %[[MX:.+]] = tcc.reduce_max %[[Y]] {axes = array<i64: 0>, keep_dims = false} : (tensor<3xi32>) -> tensor<i32>
// CHECK: %[[MN:.+]] = tcc.reduce_min %[[Y]] {axes = array<i64: 0>, keep_dims = true} : (tensor<3xi32>) -> tensor<1xi32>
// CHECK: return %[[S]], %[[P]], %[[MX]], %[[MN]]
func.func @reduce_with_axes(%x: tensor<4x1xf32>, %y: tensor<3xi32>) -> (tensor<4x1xf32>, tensor<1xf32>, tensor<i32>, tensor<1xi32>) {
  %0 = tcc.reduce_sum %x {axes = array<i64: 1>, keep_dims = true} : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %1 = tcc.reduce_prod %x {axes = array<i64: 0>, keep_dims = false} : (tensor<4x1xf32>) -> tensor<1xf32>
  %2 = tcc.reduce_max %y {axes = array<i64: 0>, keep_dims = false} : (tensor<3xi32>) -> tensor<i32>
  %3 = tcc.reduce_min %y {axes = array<i64: 0>, keep_dims = true} : (tensor<3xi32>) -> tensor<1xi32>
  return %0, %1, %2, %3 : tensor<4x1xf32>, tensor<1xf32>, tensor<i32>, tensor<1xi32>
}

// -----

// Folding goes through chains: every op here is an identity.
// CHECK-LABEL: func.func @identity_chain
// CHECK-SAME: (%[[X:.+]]: tensor<2x3xf32>)
// CHECK-NOT: tcc.
// CHECK: return %[[X]]
func.func @identity_chain(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %0 = tcc.convert %x : tensor<2x3xf32> to tensor<2x3xf32>
  %1 = tcc.transpose %0 {permutation = array<i64: 0, 1>} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = tcc.broadcast_to %1 : tensor<2x3xf32> to tensor<2x3xf32>
  %3 = tcc.concat %2 {axis = 0 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %4 = tcc.slice %3 {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x3xf32> to tensor<2x3xf32>
  %5 = tcc.reduce_sum %4 {axes = array<i64>, keep_dims = false} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %6 = tcc.reshape %5 : tensor<2x3xf32> to tensor<2x3xf32>
  return %6 : tensor<2x3xf32>
}
