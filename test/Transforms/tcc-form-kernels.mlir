// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(convert-tcc-to-linalg,canonicalize,cse,tcc-form-kernels))' | FileCheck %s

// Kernel formation by the traffic rule: fuse when the recomputation it
// causes (ops per point x extra points) is at most the bytes it saves.

// An elementwise chain becomes one kernel.
func.func @chain(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tcc.add %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %1 = tcc.mul %0, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %2 = tcc.tanh %1 : tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

// CHECK-LABEL: func.func @chain
// CHECK:         linalg.generic
// CHECK:           arith.addf
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      math.tanh
// CHECK-NOT:     linalg.generic
// CHECK:         return

// -----

// A cheap producer with two consumers is copied into both.
func.func @cheap_multi_use(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %d = tcc.sub %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %a = tcc.mul %d, %d : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %b = tcc.add %d, %x : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %a, %b : tensor<4x8xf32>, tensor<4x8xf32>
}

// CHECK-LABEL: func.func @cheap_multi_use
// CHECK:         %[[A:.+]] = linalg.generic
// CHECK:           arith.subf
// CHECK:           arith.mulf
// CHECK:         %[[B:.+]] = linalg.generic
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.subf
// CHECK-NEXT:      arith.addf
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[A]], %[[B]]

// -----

// exp is expensive: recomputing it for each of 64 columns costs more than
// reading its result again, so it stays a kernel of its own.
func.func @expensive_broadcast(%x: tensor<16x1xf32>, %y: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %e = tcc.exp %x : tensor<16x1xf32>
  %r = tcc.mul %e, %y : (tensor<16x1xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @expensive_broadcast
// CHECK:         %[[E:.+]] = linalg.generic {{.*}} ins(%arg0 : tensor<16x1xf32>)
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %arg1 :
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      linalg.yield

// -----

// Softmax: exp(x - max) feeds a sum and, after it, the division. x - max
// is fused into exp; exp is not copied into both consumers (too expensive)
// and cannot be computed in the division's kernel, which runs after the sum.
func.func @softmax(%x: tensor<16x64xf32>) -> tensor<16x64xf32> {
  %m = tcc.reduce_max %x {axes = array<i64: 1>, keep_dims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  %s = tcc.sub %x, %m : (tensor<16x64xf32>, tensor<16x1xf32>) -> tensor<16x64xf32>
  %e = tcc.exp %s : tensor<16x64xf32>
  %z = tcc.reduce_sum %e {axes = array<i64: 1>, keep_dims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  %r = tcc.div %e, %z : (tensor<16x64xf32>, tensor<16x1xf32>) -> tensor<16x64xf32>
  return %r : tensor<16x64xf32>
}

// CHECK-LABEL: func.func @softmax
// CHECK:         %[[MAX:.+]] = linalg.generic {{.*}}"reduction"
// CHECK:           arith.maximumf
// CHECK:         %[[E:.+]] = linalg.generic {{.*}} ins(%arg0, %[[MAX]] :
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.subf
// CHECK:         %[[E3:.+]] = tensor.expand_shape %[[E]]
// CHECK:         linalg.generic {{.*}}"reduction"{{.*}} ins(%[[E3]] :
// CHECK-NEXT:      ^bb0
// CHECK-NOT:       arith.subf
// CHECK:           arith.addf
// CHECK:         linalg.generic {{.*}} ins(%[[E]], %{{.+}} :
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.divf

// -----

// An elementwise producer fuses into the reduction that consumes it.
func.func @sum_of_squares(%x: tensor<16x64xf32>, %y: tensor<16x64xf32>) -> tensor<16x1xf32> {
  %d = tcc.sub %x, %y : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %sq = tcc.mul %d, %d : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %r = tcc.reduce_sum %sq {axes = array<i64: 1>, keep_dims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  return %r : tensor<16x1xf32>
}

// CHECK-LABEL: func.func @sum_of_squares
// CHECK:         linalg.generic {{.*}}"reduction"
// CHECK:           arith.subf
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic {{.*}}"parallel", "parallel"]} ins(%arg0, %arg1

// -----

// Bias and residual additions become the matmul's initial value; the
// activation stays outside the contraction.
func.func @linear(%x: tensor<16x32xf32>, %w: tensor<32x8xf32>, %b: tensor<8xf32>, %w2: tensor<32x8xf32>, %res: tensor<16x8xf32>) -> (tensor<16x8xf32>, tensor<16x8xf32>) {
  %mm = tcc.matmul %x, %w : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  %y = tcc.add %mm, %b : (tensor<16x8xf32>, tensor<8xf32>) -> tensor<16x8xf32>
  %zero = arith.constant dense<0.0> : tensor<f32>
  %r = tcc.max %y, %zero : (tensor<16x8xf32>, tensor<f32>) -> tensor<16x8xf32>
  %mm2 = tcc.matmul %x, %w2 : (tensor<16x32xf32>, tensor<32x8xf32>) -> tensor<16x8xf32>
  %z = tcc.add %res, %mm2 : (tensor<16x8xf32>, tensor<16x8xf32>) -> tensor<16x8xf32>
  return %r, %z : tensor<16x8xf32>, tensor<16x8xf32>
}

// CHECK-LABEL: func.func @linear
// CHECK:         %[[BIAS:.+]] = linalg.generic {{.*}} ins(%arg2 : tensor<8xf32>)
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      linalg.yield
// CHECK:         %[[MM:.+]] = linalg.matmul ins(%arg0, %arg1 : {{.*}}) outs(%[[BIAS]] :
// CHECK:         %[[RELU:.+]] = linalg.generic {{.*}} ins(%[[MM]] :
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.maximumf
// CHECK:         %[[RES:.+]] = linalg.matmul ins(%arg0, %arg3 : {{.*}}) outs(%arg4 :
// CHECK-NOT:     linalg.fill
// CHECK:         return %[[RELU]], %[[RES]]

// -----

// Nothing is fused into a contraction: the scaled operand stays a kernel.
func.func @into_contraction(%x: tensor<2x16x32xf32>, %w: tensor<2x32x8xf32>) -> tensor<2x16x8xf32> {
  %c = arith.constant dense<2.0> : tensor<f32>
  %s = tcc.mul %x, %c : (tensor<2x16x32xf32>, tensor<f32>) -> tensor<2x16x32xf32>
  %r = tcc.einsum "bij,bjk->bik" %s, %w : (tensor<2x16x32xf32>, tensor<2x32x8xf32>) -> tensor<2x16x8xf32>
  return %r : tensor<2x16x8xf32>
}

// CHECK-LABEL: func.func @into_contraction
// CHECK:         %[[S:.+]] = linalg.generic
// CHECK:           arith.mulf
// CHECK:         linalg.generic {{.*}}"reduction"]} ins(%[[S]], %arg1 :
// CHECK-NEXT:      ^bb0
// CHECK-NEXT:      arith.mulf
// CHECK-NEXT:      arith.addf
// CHECK-NEXT:      linalg.yield

// -----

// Adam: the moments and the parameter update are one kernel with three
// results; the step-size scalar is computed once, outside it.
func.func @adam(%p: tensor<64x32xf32>, %g: tensor<64x32xf32>, %m: tensor<64x32xf32>, %v: tensor<64x32xf32>, %t: tensor<f32>) -> (tensor<64x32xf32>, tensor<64x32xf32>, tensor<64x32xf32>) {
  %b1 = arith.constant dense<0.9> : tensor<f32>
  %nb1 = arith.constant dense<0.1> : tensor<f32>
  %b2 = arith.constant dense<0.999> : tensor<f32>
  %nb2 = arith.constant dense<0.001> : tensor<f32>
  %eps = arith.constant dense<1.0e-8> : tensor<f32>
  %lr = arith.constant dense<1.0e-3> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %m1 = tcc.mul %m, %b1 : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %m2 = tcc.mul %g, %nb1 : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %mn = tcc.add %m1, %m2 : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  %v1 = tcc.mul %v, %b2 : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %gg = tcc.mul %g, %g : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  %v2 = tcc.mul %gg, %nb2 : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %vn = tcc.add %v1, %v2 : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  %pw = tcc.pow %b1, %t : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %bc = tcc.sub %one, %pw : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %step = tcc.div %lr, %bc : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %sq = tcc.sqrt %vn : tensor<64x32xf32>
  %den = tcc.add %sq, %eps : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %q = tcc.div %mn, %den : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  %u = tcc.mul %q, %step : (tensor<64x32xf32>, tensor<f32>) -> tensor<64x32xf32>
  %pn = tcc.sub %p, %u : (tensor<64x32xf32>, tensor<64x32xf32>) -> tensor<64x32xf32>
  return %pn, %mn, %vn : tensor<64x32xf32>, tensor<64x32xf32>, tensor<64x32xf32>
}

// CHECK-LABEL: func.func @adam
// CHECK:         %[[STEP:.+]] = linalg.generic {{.*}}iterator_types = []
// CHECK:           math.powf
// CHECK:         %[[K:.+]]:3 = linalg.generic {{.*}} ins(%arg0, %arg2, %arg1, %arg3, %[[STEP]] :
// CHECK:           math.sqrt
// CHECK:           arith.divf
// CHECK:           linalg.yield %{{.+}}, %{{.+}}, %{{.+}} : f32, f32, f32
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[K]]#2, %[[K]]#1, %[[K]]#0

// -----

// Sibling reductions over one iteration space that read a common input
// (BatchNorm backward's sum(dy) and sum(dy * (x - mean))) are one kernel with
// a result each: dy is read once.
func.func @sibling_sums(%dy: tensor<16x64xf32>, %x: tensor<16x64xf32>, %m: tensor<16x1xf32>) -> (tensor<16xf32>, tensor<16xf32>) {
  %s = tcc.reduce_sum %dy {axes = array<i64: 1>, keep_dims = false} : (tensor<16x64xf32>) -> tensor<16xf32>
  %d = tcc.sub %x, %m : (tensor<16x64xf32>, tensor<16x1xf32>) -> tensor<16x64xf32>
  %p = tcc.mul %dy, %d : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %t = tcc.reduce_sum %p {axes = array<i64: 1>, keep_dims = false} : (tensor<16x64xf32>) -> tensor<16xf32>
  return %s, %t : tensor<16xf32>, tensor<16xf32>
}

// CHECK-LABEL: func.func @sibling_sums
// CHECK:         %[[K:.+]]:2 = linalg.generic {{.*}}"reduction"{{.*}} ins(%arg0, %arg1, %{{.+}} :
// CHECK:           arith.addf
// CHECK:           arith.subf
// CHECK:           arith.mulf
// CHECK:           arith.addf
// CHECK:           linalg.yield %{{.+}}, %{{.+}} : f32, f32
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[K]]#0, %[[K]]#1

// -----

// A kernel with two results, one read only by a reduction, fuses into the
// reduction, which then writes the other result: the write and read of the
// first are saved.
func.func @multi_result_into_reduction(%a: tensor<16x64xf32>, %b: tensor<16x64xf32>) -> (tensor<16x64xf32>, tensor<16x1xf32>) {
  %d = tcc.mul %a, %b : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %n = tcc.neg %d : tensor<16x64xf32>
  %s = tcc.reduce_sum %n {axes = array<i64: 1>, keep_dims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  return %d, %s : tensor<16x64xf32>, tensor<16x1xf32>
}

// CHECK-LABEL: func.func @multi_result_into_reduction
// CHECK:         %[[K:.+]]:2 = linalg.generic {{.*}}"reduction"{{.*}} ins(%arg0, %arg1 :
// CHECK:           arith.mulf
// CHECK:           arith.negf
// CHECK:           arith.addf
// CHECK-NOT:     linalg.generic
// CHECK:         return %[[K]]#0, %{{.+}}

// -----

// A result read by a reduction and by others stays its own kernel: fused, the
// reduction would only save one read and write the result in its loop order.
func.func @shared_into_reduction(%a: tensor<16x64xf32>, %b: tensor<16x64xf32>) -> (tensor<16x64xf32>, tensor<16x1xf32>) {
  %d = tcc.mul %a, %b : (tensor<16x64xf32>, tensor<16x64xf32>) -> tensor<16x64xf32>
  %s = tcc.reduce_sum %d {axes = array<i64: 1>, keep_dims = true} : (tensor<16x64xf32>) -> tensor<16x1xf32>
  return %d, %s : tensor<16x64xf32>, tensor<16x1xf32>
}

// CHECK-LABEL: func.func @shared_into_reduction
// CHECK:         %[[D:.+]] = linalg.generic {{.*}}iterator_types = ["parallel", "parallel"]} ins(%arg0, %arg1 :
// CHECK:           arith.mulf
// CHECK:         tensor.expand_shape %[[D]]
// CHECK:         linalg.generic {{.*}}"reduction"
// CHECK:         return %[[D]], %{{.+}}
