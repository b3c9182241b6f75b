// RUN: tcc-opt %s --tcc-cpu-pipeline="stop-after-buffer-planning vector-bits=256" | FileCheck %s

// An im2col convolution over a batch: per image n, C[m, p] = W[m, k] *
// col[k, n, p]. The rows of col's panel are 1600 floats (6.4 KB) apart, so
// the panel is packed row by row (all 12 strips of a row, then the next
// row: contiguous reads) rather than strip by strip (a new page per row);
// its 200 columns are 12 strips of 16 and 8 columns past them, which the
// register tiles read where they are. The packed strips are read through
// col's own map, as 1 x 32 x 1 x 16 views: n stays a batch loop.
// CHECK-LABEL: func.func @conv_like
// CHECK:         scf.parallel
// CHECK:           %[[SRC:.*]] = memref.expand_shape %{{.*}} {{\[\[}}0], [1, 2]] output_shape [32, 12, 16] : memref<32x192xf32, strided<[1600, 1], offset: ?>>
// CHECK:           %[[DST:.*]] = memref.expand_shape %{{.*}} {{\[\[}}0, 1], [2]] output_shape [12, 32, 16]
// CHECK:           scf.for %[[K:.*]] = %{{.*}} to %c32 step %c1 {
// CHECK-NEXT:        scf.for %[[S:.*]] = %{{.*}} to %c12 step %c1 {
// CHECK-NEXT:          memref.subview %[[SRC]][%[[K]], %[[S]], 0] [1, 1, 16]
// CHECK-NEXT:          memref.subview %[[DST]][%[[S]], %[[K]], 0] [1, 1, 16]
// CHECK:           memref.expand_shape %{{.*}} {{\[\[}}0, 1, 2], [3]] output_shape [1, 32, 1, 16]
// CHECK-COUNT-6:   vector.fma {{.*}} : vector<16xf32>
// The last 8 columns: 6 x 8 tiles on col itself.
// CHECK:           memref.subview %{{.*}} : memref<1x32x1x8xf32, strided<[51200, 1600, 200, 1], offset: ?>> to memref<1x1x1x8xf32
// CHECK-COUNT-6:   vector.fma {{.*}} : vector<8xf32>
func.func @conv_like(%w: tensor<1x48x32xf32>, %col: tensor<1x32x8x200xf32>) -> tensor<8x1x48x200xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x1x48x200xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<8x1x48x200xf32>) -> tensor<8x1x48x200xf32>
  %c = linalg.contract indexing_maps = [affine_map<(n, g, m, p, k) -> (g, m, k)>,
                                        affine_map<(n, g, m, p, k) -> (g, k, n, p)>,
                                        affine_map<(n, g, m, p, k) -> (n, g, m, p)>]
      ins(%w, %col : tensor<1x48x32xf32>, tensor<1x32x8x200xf32>)
      outs(%f : tensor<8x1x48x200xf32>) -> tensor<8x1x48x200xf32>
  return %c : tensor<8x1x48x200xf32>
}
