// RUN: tcc-opt %s --tcc-autodiff="function=f all-args=true" --mlir-print-debuginfo | FileCheck %s

// The ops a rule emits carry the node names of the op they differentiate,
// marked "(backward)", so diagnostics and kernel profiles tell forward and
// backward code apart; fused names are marked one by one.
// CHECK-LABEL: func.func @f_grad(
// CHECK:         tcc.mul %{{.*}} loc(#[[MUL:loc[0-9]*]])
// CHECK:         tcc.reduce_sum %{{.*}} loc(#[[SUM:loc[0-9]*]])
// CHECK:         tcc.broadcast_to %{{.*}} loc(#[[SUM_BW:loc[0-9]*]])
// CHECK:         tcc.mul %{{.*}} loc(#[[MUL_BW:loc[0-9]*]])
// CHECK:         tcc.mul %{{.*}} loc(#[[MUL_BW]])
// CHECK-DAG:   #[[SUM]] = loc("/sum"(
// CHECK-DAG:   #[[SUM_BW]] = loc("/sum (backward)"(
// CHECK-DAG:   #[[MUL_F:loc[0-9]*]] = loc("/mul"(
// CHECK-DAG:   #[[OTHER_F:loc[0-9]*]] = loc("/other"(
// CHECK-DAG:   #[[MUL_B:loc[0-9]*]] = loc("/mul (backward)"(
// CHECK-DAG:   #[[OTHER_B:loc[0-9]*]] = loc("/other (backward)"(
// CHECK-DAG:   #[[MUL]] = loc(fused[#[[MUL_F]], #[[OTHER_F]]])
// CHECK-DAG:   #[[MUL_BW]] = loc(fused[#[[MUL_B]], #[[OTHER_B]]])
func.func @f(%x: tensor<3xf32>, %y: tensor<3xf32>) -> tensor<f32> {
  %0 = tcc.mul %x, %y : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32> loc(fused["/mul"("m.onnx":0:0), "/other"("m.onnx":0:0)])
  %1 = tcc.reduce_sum %0 {axes = array<i64: 0>, keep_dims = false} : (tensor<3xf32>) -> tensor<f32> loc("/sum"("m.onnx":0:0))
  return %1 : tensor<f32>
}
