// RUN: tcc-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(tcc-cpu-tile-and-vectorize),canonicalize)' | FileCheck %s

// f32 values with i64 indices (max-pool argmax and its gradient): the
// elementwise path vectorizes them.
// CHECK-LABEL: func.func @select_by_index
// CHECK:         vector.load {{.*}} vector<16xi64>
// CHECK:         vector.store {{.*}} vector<16xf32>
// CHECK-NOT:     linalg.generic
func.func @select_by_index(%g: memref<4x32xf32>, %idx: memref<4x32xi64>,
                           %out: memref<4x32xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%g, %idx : memref<4x32xf32>, memref<4x32xi64>)
      outs(%out : memref<4x32xf32>) {
  ^bb0(%a: f32, %k: i64, %o: f32):
    %c3 = arith.constant 3 : i64
    %z = arith.constant 0.0 : f32
    %hit = arith.cmpi eq, %k, %c3 : i64
    %r = arith.select %hit, %a, %z : f32
    linalg.yield %r : f32
  }
  return
}

// -----

// Bool buffers stay scalar (a vector<16xi1> store would pack bits into
// memory that holds one byte per element).
// CHECK-LABEL: func.func @compare_to_bool
// CHECK:         linalg.generic
// CHECK-NOT:     vector.store
func.func @compare_to_bool(%a: memref<4x32xf32>, %out: memref<4x32xi1>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x32xf32>) outs(%out : memref<4x32xi1>) {
  ^bb0(%x: f32, %o: i1):
    %z = arith.constant 0.0 : f32
    %r = arith.cmpf ogt, %x, %z : f32
    linalg.yield %r : i1
  }
  return
}

// -----

// Purely integer ops stay scalar.
// CHECK-LABEL: func.func @int_add
// CHECK:         linalg.generic
// CHECK-NOT:     vector.store
func.func @int_add(%a: memref<4x32xi64>, %out: memref<4x32xi64>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                   affine_map<(i, j) -> (i, j)>],
                  iterator_types = ["parallel", "parallel"]}
      ins(%a : memref<4x32xi64>) outs(%out : memref<4x32xi64>) {
  ^bb0(%x: i64, %o: i64):
    %r = arith.addi %x, %x : i64
    linalg.yield %r : i64
  }
  return
}
