// RUN: tcc-opt %s --convert-tcc-to-linalg --split-input-file | FileCheck %s

// scatter_add is a linalg.generic over the updated part of the input and,
// as a reduction (first loop), the updates' positions along the axis; an
// update lands where its normalized, clamped index equals the output index.
// CHECK-DAG: #[[UPD:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK-LABEL: func.func @scatter_add
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[G:.*]] = linalg.generic {indexing_maps = [#[[UPD]], #[[UPD]], #[[OUT]]], iterator_types = ["parallel", "reduction", "parallel"]}
// CHECK-SAME: ins(%arg1, %arg2 : tensor<3x2xi64>, tensor<3x2xf32>) outs(%arg0 : tensor<3x5xf32>)
// CHECK: ^bb0(%[[I:.*]]: i64, %[[U:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK: %[[K:.*]] = linalg.index 2 : index
// CHECK: arith.index_cast %[[I]] : i64 to index
// CHECK: arith.cmpi slt
// CHECK: arith.maxsi
// CHECK: %[[CL:.*]] = arith.minsi
// CHECK: %[[HIT:.*]] = arith.cmpi eq, %[[CL]], %[[K]] : index
// CHECK: %[[SUM:.*]] = arith.addf %[[ACC]], %[[U]] : f32
// CHECK: %[[SEL:.*]] = arith.select %[[HIT]], %[[SUM]], %[[ACC]] : f32
// CHECK: linalg.yield %[[SEL]] : f32
// CHECK-NOT: tensor.insert_slice
// CHECK: return %[[G]]
func.func @scatter_add(%x: tensor<3x5xf32>, %i: tensor<3x2xi64>, %u: tensor<3x2xf32>) -> tensor<3x5xf32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 1 : i64} : (tensor<3x5xf32>, tensor<3x2xi64>, tensor<3x2xf32>) -> tensor<3x5xf32>
  return %r : tensor<3x5xf32>
}

// -----

// Updates covering part of the input off the axis work on a slice of it;
// integers add with addi.
// CHECK-LABEL: func.func @scatter_add_partial
// CHECK: %[[PART:.*]] = tensor.extract_slice %arg0[0, 0] [4, 3] [1, 1] : tensor<4x5xi32> to tensor<4x3xi32>
// CHECK: %[[G:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel", "parallel"]
// CHECK-SAME: ins(%arg1, %arg2 : tensor<7x3xi32>, tensor<7x3xi32>) outs(%[[PART]] : tensor<4x3xi32>)
// CHECK: arith.addi
// CHECK: %[[R:.*]] = tensor.insert_slice %[[G]] into %arg0[0, 0] [4, 3] [1, 1] : tensor<4x3xi32> into tensor<4x5xi32>
// CHECK: return %[[R]]
func.func @scatter_add_partial(%x: tensor<4x5xi32>, %i: tensor<7x3xi32>, %u: tensor<7x3xi32>) -> tensor<4x5xi32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<4x5xi32>, tensor<7x3xi32>, tensor<7x3xi32>) -> tensor<4x5xi32>
  return %r : tensor<4x5xi32>
}

// -----

// No updates: the input itself.
// CHECK-LABEL: func.func @scatter_add_empty
// CHECK-NOT: linalg.generic
// CHECK: return %arg0
func.func @scatter_add_empty(%x: tensor<4x5xf32>, %i: tensor<0x5xi64>, %u: tensor<0x5xf32>) -> tensor<4x5xf32> {
  %r = tcc.scatter_add %x, %i, %u {axis = 0 : i64} : (tensor<4x5xf32>, tensor<0x5xi64>, tensor<0x5xf32>) -> tensor<4x5xf32>
  return %r : tensor<4x5xf32>
}
