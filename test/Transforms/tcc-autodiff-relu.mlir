// RUN: tcc-opt %s --tcc-autodiff="function=f all-args=true" | FileCheck %s

// relu's rule is PyTorch's threshold_backward: the cotangent where the
// result is positive, 0 elsewhere (at 0 too; tcc.max(x, 0) would give half
// of it there, splitting the tie as torch.maximum does). It reads the
// result, not the input.
// CHECK-LABEL: func.func @f_grad(
// CHECK:         %[[R:.*]] = tcc.relu %arg0 : tensor<4xf32>
// CHECK:         %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : tensor<f32>
// CHECK:         %[[POS:.*]] = tcc.greater %[[R]], %[[ZERO]]
// CHECK:         %[[G:.*]] = tcc.select %[[POS]], %{{.*}}, %[[ZERO]]
// CHECK:         return %{{.*}}, %[[G]]
func.func @f(%x: tensor<4xf32>) -> tensor<f32> {
  %r = tcc.relu %x : tensor<4xf32>
  %s = tcc.reduce_sum %r {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %s : tensor<f32>
}
