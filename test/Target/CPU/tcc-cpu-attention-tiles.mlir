// RUN: tcc-opt %s --tcc-cpu-pipeline="stop-after-buffer-planning vector-bits=256" | FileCheck %s

// Attention's P.V per (batch, head): out[b, t, h, d] = sum_s P[b, h, t, s] *
// V[b, s, h, d], with the heads between the rows (t) and the columns (d) of
// the output. Once the panel of V is packed, the batch and head loops are
// M loops of the contraction too; the register tile's M must be t (6 rows
// of 16-wide accumulators, 60 rows in full tiles), not the single-iteration
// head loop (which gave 1-row tiles at half the speed).
// CHECK-LABEL: func.func @pv
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c60 step %c6
// CHECK:             scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK-COUNT-6:       vector.fma {{.*}} : vector<16xf32>
func.func @pv(%p: tensor<16x4x64x64xf32>, %v: tensor<16x64x4x32xf32>) -> tensor<16x64x4x32xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<16x64x4x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<16x64x4x32xf32>) -> tensor<16x64x4x32xf32>
  %c = linalg.contract indexing_maps = [affine_map<(b, h, t, d, s) -> (b, h, t, s)>,
                                        affine_map<(b, h, t, d, s) -> (b, s, h, d)>,
                                        affine_map<(b, h, t, d, s) -> (b, t, h, d)>]
      ins(%p, %v : tensor<16x4x64x64xf32>, tensor<16x64x4x32xf32>)
      outs(%f : tensor<16x64x4x32xf32>) -> tensor<16x64x4x32xf32>
  return %c : tensor<16x64x4x32xf32>
}
