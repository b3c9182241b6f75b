// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-vectorize-row-reductions{min-parallel-elements=4096}),canonicalize)' | FileCheck %s

// A row sum (layer norm's mean): 16-wide partial sums per row, one shuffle
// tree per row, rows shared among threads (4096 points).
// CHECK-LABEL: func.func @row_sum
// CHECK:         scf.parallel
// CHECK:           scf.for %{{.*}} = %c0 to %c4
// CHECK:           scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (vector<16xf32>)
// CHECK:             vector.load {{.*}} : memref<8x4x128xf32>, vector<16xf32>
// CHECK:             arith.addf {{.*}} : vector<16xf32>
// CHECK:           memref.load
// CHECK:           vector.shuffle {{.*}} [0, 1, 2, 3, 4, 5, 6, 7]
// CHECK:           vector.shuffle {{.*}} [0]
// CHECK:           arith.addf {{.*}} : f32
// CHECK:           memref.store {{.*}} : memref<8x4x1xf32>
// CHECK-NOT:   linalg.generic
func.func @row_sum(%x: memref<8x4x128xf32>, %out: memref<8x4x1xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>,
                                   affine_map<(i, j, k) -> (i, j, 0)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x : memref<8x4x128xf32>) outs(%out : memref<8x4x1xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// The variance: a row-invariant operand (the mean) is loaded once per row
// and broadcast; under the threshold the rows stay serial.
// CHECK-LABEL: func.func @row_variance
// CHECK-NOT:     scf.parallel
// CHECK:         %[[MEAN:.*]] = memref.load %{{.*}} : memref<4x1xf32>
// CHECK:         scf.for
// CHECK:           vector.load {{.*}} vector<8xf32>
// CHECK:           %[[SPLAT:.*]] = vector.broadcast %[[MEAN]] : f32 to vector<8xf32>
// CHECK:           arith.subf %{{.*}}, %[[SPLAT]] : vector<8xf32>
// CHECK:           arith.mulf {{.*}} : vector<8xf32>
// CHECK:           arith.addf {{.*}} : vector<8xf32>
// CHECK-NOT:   linalg.generic
func.func @row_variance(%x: memref<4x24xf32>, %mean: memref<4x1xf32>,
                        %out: memref<4xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i, 0)>,
                                   affine_map<(i, k) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x, %mean : memref<4x24xf32>, memref<4x1xf32>)
      outs(%out : memref<4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %sq = arith.mulf %d, %d : f32
    %s = arith.addf %sq, %o : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A fused producer written at every point beside a row maximum: stored per
// vector; the maximum starts from -inf.
// CHECK-LABEL: func.func @scaled_max
// CHECK-DAG:     arith.constant dense<0xFF800000> : vector<16xf32>
// CHECK:         scf.for {{.*}} -> (vector<16xf32>)
// CHECK:           arith.mulf {{.*}} : vector<16xf32>
// CHECK:           vector.store {{.*}} : memref<2x64xf32>, vector<16xf32>
// CHECK:           arith.maximumf {{.*}} : vector<16xf32>
// CHECK:         arith.maximumf {{.*}} : vector<8xf32>
// CHECK-NOT:   linalg.generic
func.func @scaled_max(%x: memref<2x64xf32>, %scaled: memref<2x64xf32>,
                      %out: memref<2xf32>) {
  %c = arith.constant 0.125 : f32
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<2x64xf32>) outs(%scaled, %out : memref<2x64xf32>, memref<2xf32>) {
  ^bb0(%a: f32, %s: f32, %o: f32):
    %y = arith.mulf %a, %c : f32
    %m = arith.maximumf %y, %o : f32
    linalg.yield %y, %m : f32, f32
  }
  return
}

// -----

// Left alone: column sums (a bias gradient, and a reduction innermost but
// not contiguous), a row length
// that is no multiple of 8, a bool buffer, an index-dependent body, and a
// matrix product A.B^T (both operands contiguous along K, but register
// tiling reuses them across outputs) are left to tcc-cpu-tile-and-vectorize.
// CHECK-LABEL: func.func @left_alone
// CHECK-COUNT-6: linalg.generic
func.func @left_alone(%x: memref<64x16xf32>, %cols: memref<16xf32>,
                      %y: memref<4x12xf32>, %rows: memref<4xf32>,
                      %mask: memref<4x16xi1>, %z: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(j, i) -> (i, j)>,
                                   affine_map<(j, i) -> (j)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<64x16xf32>) outs(%cols : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%y : memref<4x12xf32>) outs(%rows : memref<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%mask, %z : memref<4x16xi1>, memref<4x16xf32>) outs(%rows : memref<4xf32>) {
  ^bb0(%m: i1, %a: f32, %o: f32):
    %zero = arith.constant 0.0 : f32
    %v = arith.select %m, %a, %zero : f32
    %s = arith.addf %v, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>,
                                   affine_map<(i, k) -> (i)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%z : memref<4x16xf32>) outs(%rows : memref<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %k = linalg.index 1 : index
    %ki = arith.index_cast %k : index to i32
    %kf = arith.sitofp %ki : i32 to f32
    %p = arith.mulf %a, %kf : f32
    %s = arith.addf %p, %o : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (j)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x16xf32>) outs(%cols : memref<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  }
  %prod = memref.alloc() : memref<4x4xf32>
  linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>,
                                   affine_map<(i, j, k) -> (j, k)>,
                                   affine_map<(i, j, k) -> (i, j)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%z, %z : memref<4x16xf32>, memref<4x16xf32>) outs(%prod : memref<4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %o, %p : f32
    linalg.yield %s : f32
  }
  return
}
