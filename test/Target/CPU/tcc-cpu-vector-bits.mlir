// The CPU pipeline sizes register tiles and vectors for the target's vector
// registers (`vector-bits`; tcc-compile uses the host's): 6x16 tiles of C
// and 16-lane vectors for AVX2, 12x32 tiles and 32 lanes for AVX-512's 32
// zmm registers, 6x8 and 8 lanes for 128-bit SIMD.
// RUN: tcc-opt %s --tcc-cpu-pipeline="stop-after-buffer-planning vector-bits=256" | FileCheck %s --check-prefix=AVX2
// RUN: tcc-opt %s --tcc-cpu-pipeline="stop-after-buffer-planning vector-bits=512" | FileCheck %s --check-prefix=AVX512
// RUN: tcc-opt %s --tcc-cpu-pipeline="stop-after-buffer-planning vector-bits=128" | FileCheck %s --check-prefix=SSE
// The AVX-512 code is machine code on zmm registers: one FMA per row of the
// 12x32 tile and K step is two zmm FMAs, and the tile does not spill.
// RUN: tcc-opt %s --tcc-cpu-pipeline="vector-bits=512" | mlir-translate --mlir-to-llvmir | llc -O3 -mtriple=x86_64-unknown-linux-gnu -mcpu=skylake-avx512 | FileCheck %s --check-prefix=ASM
// A width that is not a power of two is an error, not a crash.
// RUN: not tcc-opt %s --tcc-cpu-pipeline="vector-bits=96" 2>&1 | FileCheck %s --check-prefix=BAD

// BAD: 'max-width' must be a power of two >= 2, got 6

// AVX2-LABEL:   func.func @matmul
// AVX2:           memref.subview {{.*}} [6, 16] [1, 1]
// AVX2-COUNT-6:   vector.fma {{.*}} : vector<16xf32>
// AVX512-LABEL:   func.func @matmul
// AVX512:           memref.subview {{.*}} [12, 32] [1, 1]
// AVX512-COUNT-12:  vector.fma {{.*}} : vector<32xf32>
// SSE-LABEL:      func.func @matmul
// SSE:              memref.subview {{.*}} [6, 8] [1, 1]
// SSE-COUNT-6:      vector.fma {{.*}} : vector<8xf32>
// ASM-LABEL:      matmul:
// ASM-COUNT-24:     vfmadd231ps {{.*}}zmm
// ASM-NOT:          vfmadd231ps {{.*}}(%rsp)
// ASM-LABEL:      row_max:
func.func @matmul(%a: tensor<144x128xf32>, %b: tensor<128x256xf32>) -> tensor<144x256xf32> {
  %r = tcc.matmul %a, %b : (tensor<144x128xf32>, tensor<128x256xf32>) -> tensor<144x256xf32>
  return %r : tensor<144x256xf32>
}

// Row reductions accumulate on two registers' worth of lanes.
// AVX2-LABEL:   func.func @row_max
// AVX2:           arith.maximumf {{.*}} : vector<16xf32>
// AVX512-LABEL:   func.func @row_max
// AVX512:           arith.maximumf {{.*}} : vector<32xf32>
// SSE-LABEL:      func.func @row_max
// SSE:              arith.maximumf {{.*}} : vector<8xf32>
func.func @row_max(%x: tensor<64x128xf32>) -> tensor<64x1xf32> {
  %r = tcc.reduce_max %x {axes = array<i64: 1>, keep_dims = true} : (tensor<64x128xf32>) -> tensor<64x1xf32>
  return %r : tensor<64x1xf32>
}

// Elementwise ops run on vectors of two registers too.
// AVX2-LABEL:   func.func @exp
// AVX2:           vector.load {{.*}} vector<16xf32>
// AVX512-LABEL:   func.func @exp
// AVX512:           vector.load {{.*}} vector<32xf32>
// SSE-LABEL:      func.func @exp
// SSE:              vector.load {{.*}} vector<8xf32>
func.func @exp(%x: tensor<64x128xf32>) -> tensor<64x128xf32> {
  %r = tcc.exp %x : tensor<64x128xf32>
  return %r : tensor<64x128xf32>
}
