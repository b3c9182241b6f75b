// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-clone-fill-inits))' | FileCheck %s
// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-clone-fill-inits),one-shot-bufferize{bufferize-function-boundaries})' | FileCheck %s --check-prefix=BUF

// Two matmuls accumulate into one CSE'd zero tensor: the second gets its
// own empty tensor and fill, right before it. Bufferized, each matmul
// writes its own zero-filled buffer and nothing is copied.
// CHECK-LABEL: func.func @shared_zero
// CHECK:         %[[E:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x4xf32>) outs(%[[F]] : tensor<4x4xf32>)
// CHECK:         %[[E2:.*]] = tensor.empty() : tensor<4x4xf32>
// CHECK:         %[[F2:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[E2]] : tensor<4x4xf32>)
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8x4xf32>) outs(%[[F2]] : tensor<4x4xf32>)
// BUF-LABEL: func.func @shared_zero
// BUF-NOT:     memref.copy
// BUF:         return
func.func @shared_zero(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>, %c: tensor<4x8xf32>)
    -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %1 = linalg.matmul ins(%c, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0, %1 : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

// A fill also read as an input keeps the original for that reader; the
// init use gets a clone.
// CHECK-LABEL: func.func @read_and_init
// CHECK:         %[[F:.*]] = linalg.fill
// CHECK:         %[[F2:.*]] = linalg.fill
// CHECK:         linalg.matmul ins(%{{.*}}, %{{.*}} : {{.*}}) outs(%[[F2]] : tensor<4x4xf32>)
// CHECK:         linalg.add ins(%[[F]], %{{.*}} : {{.*}})
func.func @read_and_init(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %one = arith.constant 1.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%one : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<4x4xf32>
  %1 = linalg.add ins(%f, %0 : tensor<4x4xf32>, tensor<4x4xf32>) outs(%e2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %1 : tensor<4x4xf32>
}

// -----

// A fill with one init use is left alone.
// CHECK-LABEL: func.func @single_use
// CHECK-COUNT-1: linalg.fill
// CHECK-NOT:     linalg.fill
func.func @single_use(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %0 = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x4xf32>) outs(%f : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

// A fill reaching a reduction through expand_shape is first refolded into a
// fill of the expanded shape, then cloned like the others.
// CHECK-LABEL: func.func @through_reshape
// CHECK-NOT:     tensor.expand_shape
// CHECK:         linalg.fill {{.*}} -> tensor<4x1xf32>
// CHECK:         linalg.reduce
// CHECK:         linalg.fill {{.*}} -> tensor<4x1xf32>
// CHECK:         linalg.reduce
// BUF-LABEL: func.func @through_reshape
// BUF-NOT:     memref.copy
// BUF:         return
func.func @through_reshape(%a: tensor<4x1x8xf32>, %b: tensor<4x1x8xf32>)
    -> (tensor<4x1xf32>, tensor<4x1xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %x = tensor.expand_shape %f [[0, 1]] output_shape [4, 1] : tensor<4xf32> into tensor<4x1xf32>
  %0 = linalg.reduce ins(%a : tensor<4x1x8xf32>) outs(%x : tensor<4x1xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %s = arith.addf %in, %acc : f32
                            linalg.yield %s : f32 }
  %1 = linalg.reduce ins(%b : tensor<4x1x8xf32>) outs(%x : tensor<4x1xf32>) dimensions = [2]
    (%in: f32, %acc: f32) { %s = arith.addf %in, %acc : f32
                            linalg.yield %s : f32 }
  return %0, %1 : tensor<4x1xf32>, tensor<4x1xf32>
}
