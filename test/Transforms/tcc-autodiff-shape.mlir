// RUN: tcc-opt %s --split-input-file --tcc-autodiff="function=f all-args=true" | FileCheck %s

// The VJP rules of the data-movement ops (TccShapeOps.cpp). Their numerical
// correctness is checked against finite differences by
// python/tcc_tests/gradcheck_cases/shape.py; this checks their form.

// Transpose: the inverse permutation.
// CHECK-LABEL: func.func @f_grad
// CHECK: tcc.transpose %{{.*}} {permutation = array<i64: 1, 2, 0>} : (tensor<4x2x3xf32>) -> tensor<2x3x4xf32>
func.func @f(%x: tensor<2x3x4xf32>) -> tensor<f32> {
  %t = tcc.transpose %x {permutation = array<i64: 2, 0, 1>} : (tensor<2x3x4xf32>) -> tensor<4x2x3xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1, 2>, keep_dims = false} : (tensor<4x2x3xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Concat: one slice of the cotangent per input.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[A:.*]] = tcc.slice %[[G:.*]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<2x8xf32> to tensor<2x3xf32>
// CHECK: %[[B:.*]] = tcc.slice %[[G]] {starts = array<i64: 0, 3>, steps = array<i64: 1, 1>} : tensor<2x8xf32> to tensor<2x5xf32>
// CHECK: return %{{.*}}, %[[A]], %[[B]]
func.func @f(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<f32> {
  %t = tcc.concat %a, %b {axis = 1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<2x8xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x8xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Slice: backwards dimensions are reversed, strided ones spread with zeros
// (unit dimension, pad, merge, trim), then the whole is zero-padded into place.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[FLIP:.*]] = tcc.slice %{{.*}} {starts = array<i64: 0, 3>, steps = array<i64: 1, -1>} : tensor<2x4xf32> to tensor<2x4xf32>
// CHECK: %[[S0:.*]] = tcc.reshape %[[FLIP]] : tensor<2x4xf32> to tensor<2x1x4xf32>
// CHECK: %[[P0:.*]] = tcc.pad %[[S0]], %{{.*}} {mode = "constant", padding = array<i64: 0, 0, 0, 0, 1, 0>} : (tensor<2x1x4xf32>, tensor<f32>) -> tensor<2x2x4xf32>
// CHECK: %[[M0:.*]] = tcc.reshape %[[P0]] : tensor<2x2x4xf32> to tensor<4x4xf32>
// CHECK: %[[T0:.*]] = tcc.slice %[[M0]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x4xf32> to tensor<3x4xf32>
// CHECK: %[[S1:.*]] = tcc.reshape %[[T0]] : tensor<3x4xf32> to tensor<3x4x1xf32>
// CHECK: %[[P1:.*]] = tcc.pad %[[S1]], %{{.*}} {mode = "constant", padding = array<i64: 0, 0, 0, 0, 0, 2>} : (tensor<3x4x1xf32>, tensor<f32>) -> tensor<3x4x3xf32>
// CHECK: %[[M1:.*]] = tcc.reshape %[[P1]] : tensor<3x4x3xf32> to tensor<3x12xf32>
// CHECK: %[[T1:.*]] = tcc.slice %[[M1]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<3x12xf32> to tensor<3x10xf32>
// CHECK: %[[R:.*]] = tcc.pad %[[T1]], %{{.*}} {mode = "constant", padding = array<i64: 1, 0, 0, 0>} : (tensor<3x10xf32>, tensor<f32>) -> tensor<4x10xf32>
// CHECK: return %{{.*}}, %[[R]]
func.func @f(%x: tensor<4x10xf32>) -> tensor<f32> {
  %t = tcc.slice %x {starts = array<i64: 1, 9>, steps = array<i64: 2, -3>} : tensor<4x10xf32> to tensor<2x4xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Gather: scatter_add of the cotangent (indices' dimensions merged) into
// zeros, with the indices broadcast to the updates; no gradient for indices.
// CHECK-LABEL: func.func @f_grad
// CHECK-SAME: -> (tensor<f32>, tensor<7x4xf32> {tcc.grad = 0 : i64})
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<7x4xf32>
// CHECK-DAG: %[[U:.*]] = tcc.reshape %{{.*}} : tensor<2x3x4xf32> to tensor<6x4xf32>
// CHECK-DAG: %[[I:.*]] = tcc.reshape %arg1 : tensor<2x3xi32> to tensor<6x1xi32>
// CHECK: %[[IB:.*]] = tcc.broadcast_to %[[I]] : tensor<6x1xi32> to tensor<6x4xi32>
// CHECK: %[[R:.*]] = tcc.scatter_add %[[Z]], %[[IB]], %[[U]] {axis = 0 : i64} : (tensor<7x4xf32>, tensor<6x4xi32>, tensor<6x4xf32>) -> tensor<7x4xf32>
// CHECK: return %{{.*}}, %[[R]]
func.func @f(%x: tensor<7x4xf32>, %i: tensor<2x3xi32>) -> tensor<f32> {
  %t = tcc.gather %x, %i {axis = 0 : i64} : (tensor<7x4xf32>, tensor<2x3xi32>) -> tensor<2x3x4xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1, 2>, keep_dims = false} : (tensor<2x3x4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Gather_elements: scatter_add of the cotangent with the same indices.
// CHECK-LABEL: func.func @f_grad
// CHECK: tcc.scatter_add %{{.*}}, %arg1, %{{.*}} {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x5xi64>, tensor<3x5xf32>) -> tensor<3x4xf32>
func.func @f(%x: tensor<3x4xf32>, %i: tensor<3x5xi64>) -> tensor<f32> {
  %t = tcc.gather_elements %x, %i {axis = 1 : i64} : (tensor<3x4xf32>, tensor<3x5xi64>) -> tensor<3x5xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<3x5xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Constant pad: the input gets the middle of the cotangent, the value the
// sum of the cotangent over the padded positions (a mask padded with ones).
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[X:.*]] = tcc.slice %[[G:.*]] {starts = array<i64: 1, 0>, steps = array<i64: 1, 1>} : tensor<4x6xf32> to tensor<3x4xf32>
// CHECK-DAG: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CHECK-DAG: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<3x4xf32>
// CHECK: %[[MASK:.*]] = tcc.pad %[[Z]], %[[ONE]] {mode = "constant", padding = array<i64: 1, 0, 0, 2>}
// CHECK: %[[GM:.*]] = tcc.mul %[[G]], %[[MASK]]
// CHECK: %[[V:.*]] = tcc.reduce_sum %[[GM]] {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<4x6xf32>) -> tensor<f32>
// CHECK: return %{{.*}}, %[[X]], %[[V]]
func.func @f(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<f32> {
  %t = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 0, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x6xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<4x6xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Reflect pad: mirrored cotangents are reversed and added onto the elements
// they copied; the value operand gets no gradient (zeros).
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[MID:.*]] = tcc.slice %[[G:.*]] {starts = array<i64: 0, 2>, steps = array<i64: 1, 1>} : tensor<3x7xf32> to tensor<3x4xf32>
// CHECK: %[[LO:.*]] = tcc.slice %[[G]] {starts = array<i64: 0, 1>, steps = array<i64: 1, -1>} : tensor<3x7xf32> to tensor<3x2xf32>
// CHECK: %[[LOP:.*]] = tcc.pad %[[LO]], %{{.*}} {mode = "constant", padding = array<i64: 0, 1, 0, 1>}
// CHECK: %[[S:.*]] = tcc.add %[[MID]], %[[LOP]]
// CHECK: %[[HI:.*]] = tcc.slice %[[G]] {starts = array<i64: 0, 6>, steps = array<i64: 1, -1>} : tensor<3x7xf32> to tensor<3x1xf32>
// CHECK: %[[HIP:.*]] = tcc.pad %[[HI]], %{{.*}} {mode = "constant", padding = array<i64: 0, 2, 0, 1>}
// CHECK: %[[R:.*]] = tcc.add %[[S]], %[[HIP]]
// CHECK: return %{{.*}}, %[[R]], %{{.*}} : tensor<f32>, tensor<3x4xf32>, tensor<f32>
func.func @f(%x: tensor<3x4xf32>, %v: tensor<f32>) -> tensor<f32> {
  %t = tcc.pad %x, %v {mode = "reflect", padding = array<i64: 0, 2, 0, 1>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<3x7xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<3x7xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// Edge pad: the cotangents of the padded runs are summed onto the edge.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[MID:.*]] = tcc.slice %[[G:.*]] {starts = array<i64: 3>, steps = array<i64: 1>} : tensor<6xf32> to tensor<2xf32>
// CHECK: %[[LO:.*]] = tcc.slice %[[G]] {starts = array<i64: 0>, steps = array<i64: 1>} : tensor<6xf32> to tensor<3xf32>
// CHECK: %[[LOS:.*]] = tcc.reduce_sum %[[LO]] {axes = array<i64: 0>, keep_dims = true} : (tensor<3xf32>) -> tensor<1xf32>
// CHECK: tcc.pad %[[LOS]], %{{.*}} {mode = "constant", padding = array<i64: 0, 1>}
// CHECK: %[[HI:.*]] = tcc.slice %[[G]] {starts = array<i64: 5>, steps = array<i64: 1>} : tensor<6xf32> to tensor<1xf32>
// CHECK: %[[HIS:.*]] = tcc.reduce_sum %[[HI]] {axes = array<i64: 0>, keep_dims = true}
// CHECK: tcc.pad %[[HIS]], %{{.*}} {mode = "constant", padding = array<i64: 1, 0>}
func.func @f(%x: tensor<2xf32>) -> tensor<f32> {
  %z = arith.constant dense<0.0> : tensor<f32>
  %t = tcc.pad %x, %z {mode = "edge", padding = array<i64: 3, 1>} : (tensor<2xf32>, tensor<f32>) -> tensor<6xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0>, keep_dims = false} : (tensor<6xf32>) -> tensor<f32>
  return %s : tensor<f32>
}

// -----

// A constant pad value gets no cotangent (constants have no rule), so no
// mask is built.
// CHECK-LABEL: func.func @f_grad
// CHECK: %[[X:.*]] = tcc.slice %{{.*}} {starts = array<i64: 1, 0>, steps = array<i64: 1, 1>} : tensor<4x6xf32> to tensor<3x4xf32>
// CHECK-NOT: tcc.pad
// CHECK: return %{{.*}}, %[[X]]
func.func @f(%x: tensor<3x4xf32>) -> tensor<f32> {
  %v = arith.constant dense<0.0> : tensor<f32>
  %t = tcc.pad %x, %v {mode = "constant", padding = array<i64: 1, 0, 0, 2>} : (tensor<3x4xf32>, tensor<f32>) -> tensor<4x6xf32>
  %s = tcc.reduce_sum %t {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<4x6xf32>) -> tensor<f32>
  return %s : tensor<f32>
}
