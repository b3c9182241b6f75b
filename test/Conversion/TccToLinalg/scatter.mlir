// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// scatter_add is a loop nest over the updates carrying the result: each
// update's normalized, clamped index names the element it adds to (O(updates),
// not O(output x updates)).
// CHECK-LABEL: func.func @scatter_add
// CHECK-NOT: linalg.generic
// CHECK: %[[R:.*]] = scf.for %[[I0:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A0:.*]] = %arg0) -> (tensor<3x5xf32>)
// CHECK: %[[R1:.*]] = scf.for %[[I1:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A1:.*]] = %[[A0]]) -> (tensor<3x5xf32>)
// CHECK: %[[RAW:.*]] = tensor.extract %arg1[%[[I0]], %[[I1]]] : tensor<3x2xi64>
// CHECK: arith.index_cast %[[RAW]] : i64 to index
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: %[[OLD:.*]] = tensor.extract %[[A1]][%[[I0]], %[[K]]] : tensor<3x5xf32>
// CHECK: %[[U:.*]] = tensor.extract %arg2[%[[I0]], %[[I1]]] : tensor<3x2xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[OLD]], %[[U]] : f32
// CHECK: %[[NEW:.*]] = tensor.insert %[[SUM]] into %[[A1]][%[[I0]], %[[K]]] : tensor<3x5xf32>
// CHECK: scf.yield %[[NEW]]
// CHECK: scf.yield %[[R1]]
// CHECK: return %[[R]]
func.func @scatter_add(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// Updates covering part of the input off the axis index it directly (the
// loops run over the updates' shape); integers add with addi.
// CHECK-LABEL: func.func @scatter_add_partial
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[C7:.*]] = arith.constant 7 : index
// CHECK: %[[C3:.*]] = arith.constant 3 : index
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C7]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[C3]]
// CHECK: tensor.extract %{{.*}} : tensor<4x5xi32>
// CHECK: arith.addi
// CHECK: tensor.insert %{{.*}} : tensor<4x5xi32>
// CHECK-NOT: tensor.insert_slice
func.func @scatter_add_partial(%x: tensor<4x5xi32>, %i: tensor<7x3xi32>, %u: tensor<7x3xi32>) -> tensor<4x5xi32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<4x5xi32>, tensor<7x3xi32>, tensor<7x3xi32>) -> tensor<4x5xi32>
  return %r : tensor<4x5xi32>
}

// -----

// No updates: the input itself.
// CHECK-LABEL: func.func @scatter_add_empty
// CHECK-NOT: scf.for
// CHECK: return %arg0
func.func @scatter_add_empty(%x: tensor<4x5xf32>, %i: tensor<0x5xi64>, %u: tensor<0x5xf32>) -> tensor<4x5xf32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<4x5xf32>, tensor<0x5xi64>, tensor<0x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}

// -----

// Indices broadcast along the trailing dimensions (an embedding gradient:
// one row index per token) move whole rows: one loop over the tokens, each
// adding a row of updates with a linalg.add on slices; the broadcast index
// tensor is not read.
// CHECK-LABEL: func.func @scatter_add_rows
// CHECK-SAME:    (%[[X:.*]]: tensor<5x8xf32>, %[[I:.*]]: tensor<6x1xi64>, %[[U:.*]]: tensor<6x8xf32>)
// CHECK: %[[R:.*]] = scf.for %[[T:.*]] = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[A:.*]] = %[[X]]) -> (tensor<5x8xf32>)
// CHECK-NOT: scf.for
// CHECK: %[[RAW:.*]] = tensor.extract %[[I]][%[[T]], %{{.*}}] : tensor<6x1xi64>
// CHECK: %[[K:.*]] = arith.minsi
// CHECK: %[[OLD:.*]] = tensor.extract_slice %[[A]][%[[K]], 0] [1, 8] [1, 1] : tensor<5x8xf32> to tensor<1x8xf32>
// CHECK: %[[UPD:.*]] = tensor.extract_slice %[[U]][%[[T]], 0] [1, 8] [1, 1] : tensor<6x8xf32> to tensor<1x8xf32>
// CHECK: %[[SUM:.*]] = linalg.add ins(%[[OLD]], %[[UPD]] : tensor<1x8xf32>, tensor<1x8xf32>) outs(%[[OLD]] : tensor<1x8xf32>)
// CHECK: %[[NEW:.*]] = tensor.insert_slice %[[SUM]] into %[[A]][%[[K]], 0] [1, 8] [1, 1]
// CHECK: scf.yield %[[NEW]]
// CHECK: return %[[R]]
func.func @scatter_add_rows(%x: tensor<5x8xf32>, %i: tensor<6x1xi64>, %u: tensor<6x8xf32>) -> tensor<5x8xf32> {
  %b = tcc.broadcast_to %i : tensor<6x1xi64> to tensor<6x8xi64>
  %r = tcc.scatter_add %x, %b, %u {axis = 0 : i64} : (tensor<5x8xf32>, tensor<6x8xi64>, tensor<6x8xf32>) -> tensor<5x8xf32>
  return %r : tensor<5x8xf32>
}
