// RUN: tcc-opt %s --split-input-file --verify-diagnostics --tcc-cpu-instrument-kernels | FileCheck %s

// Each kernel between begin/end calls, the whole body in one more pair; the
// views and constants between kernels are not kernels. Consecutive ops of
// one location and kind writing one buffer are one kernel (the first two
// /fc1/Gemm loops; not the third, which writes another buffer, and the
// scratch %p, written by another node too, does not count); the table
// names the ids in order: function, kind, node names.

// CHECK-LABEL: func.func @step
// CHECK-NEXT:    %[[W:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    call @__tcc_profile_begin(%[[W]]) : (i32) -> ()
// CHECK:         memref.subview
// CHECK-NEXT:    %[[C1:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    call @__tcc_profile_begin(%[[C1]])
// CHECK-NEXT:    linalg.fill
// CHECK-NEXT:    %[[C1E:.*]] = arith.constant 1 : i32
// CHECK-NEXT:    call @__tcc_profile_end(%[[C1E]])
// CHECK-NEXT:    arith.constant 2 : i32
// CHECK-NEXT:    call @__tcc_profile_begin
// CHECK-NEXT:    scf.for
// CHECK:         vector.fma
// CHECK:         memref.subview
// CHECK-NEXT:    scf.for
// CHECK:         vector.fma
// CHECK:         }
// CHECK-NEXT:    arith.constant 2 : i32
// CHECK-NEXT:    call @__tcc_profile_end
// CHECK-NEXT:    arith.constant 3 : i32
// CHECK-NEXT:    call @__tcc_profile_begin
// CHECK-NEXT:    scf.for
// CHECK:         }
// CHECK-NEXT:    arith.constant 3 : i32
// CHECK-NEXT:    call @__tcc_profile_end
// CHECK-NEXT:    arith.constant 4 : i32
// CHECK-NEXT:    call @__tcc_profile_begin
// CHECK-NEXT:    memref.copy
// CHECK-NEXT:    arith.constant 4 : i32
// CHECK-NEXT:    call @__tcc_profile_end
// CHECK:         linalg.generic
// CHECK:         arith.constant 6 : i32
// CHECK-NEXT:    call @__tcc_profile_begin
// CHECK-NEXT:    scf.for
// CHECK:         memref.store
// CHECK-NEXT:    arith.constant 6 : i32
// CHECK-NEXT:    call @__tcc_profile_end
// CHECK:         linalg.fill
// CHECK:         call @__tcc_profile_end
// CHECK-NEXT:    %[[WE:.*]] = arith.constant 0 : i32
// CHECK-NEXT:    call @__tcc_profile_end(%[[WE]])
// CHECK-NEXT:    return

// CHECK-LABEL: func.func @other
// CHECK-COUNT-2: call @__tcc_profile_begin
// CHECK-NEXT:    memref.copy
// CHECK:         call @__tcc_profile_begin
// CHECK-NEXT:    call @helper

// Private functions are not steps.
// CHECK-LABEL: func.func private @helper
// CHECK-NEXT:    return

// CHECK: func.func private @__tcc_profile_begin(i32)
// CHECK: func.func private @__tcc_profile_end(i32)
// CHECK: llvm.mlir.global external constant @__tcc_profile_names("step\09step\09\0Astep\09fill\09/fc1/Gemm\0Astep\09matmul\09/fc1/Gemm\0Astep\09matmul\09/fc1/Gemm\0Astep\09copy\09/Relu, /fc1/Gemm\0Astep\09elementwise\09/a, /b, /c +2 more\0Astep\09reduction\09(no ONNX node)\0Astep\09fill\09/Relu\0Aother\09step\09\0Aother\09copy\09/x\0Aother\09call\09(no ONNX node)\0A\00")
// CHECK: llvm.mlir.global external constant @__tcc_profile_count(11 : i32)

#gemm = loc("/fc1/Gemm"("m.onnx":0:0))
#relu = loc("/Relu"("m.onnx":0:0))
#loss = loc("m.onnx":0:0)
#map = affine_map<(d0) -> (d0)>
func.func @step(%a: memref<8x16xf32>, %b: memref<8x16xf32>, %c: memref<16xf32>,
                %d: memref<16xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %p = memref.alloca() : memref<16xf32>
  %row = memref.subview %a[0, 0] [1, 16] [1, 1] : memref<8x16xf32> to memref<16xf32, strided<[1]>>
  linalg.fill ins(%zero : f32) outs(%b : memref<8x16xf32>) loc(#gemm)
  scf.for %i = %c0 to %c8 step %c1 {
    %x = vector.load %a[%i, %c0] : memref<8x16xf32>, vector<16xf32>
    %y = vector.fma %x, %x, %x : vector<16xf32>
    vector.store %y, %p[%c0] : memref<16xf32>, vector<16xf32>
    vector.store %y, %b[%i, %c0] : memref<8x16xf32>, vector<16xf32>
  } loc(#gemm)
  %rest = memref.subview %b[4, 0] [4, 16] [1, 1] : memref<8x16xf32> to memref<4x16xf32, strided<[16, 1], offset: 64>>
  scf.for %i = %c0 to %c4 step %c1 {
    %x = vector.load %a[%i, %c0] : memref<8x16xf32>, vector<16xf32>
    %y = vector.fma %x, %x, %x : vector<16xf32>
    vector.store %y, %rest[%i, %c0] : memref<4x16xf32, strided<[16, 1], offset: 64>>, vector<16xf32>
  } loc(#gemm)
  scf.for %i = %c0 to %c8 step %c1 {
    %x = vector.load %b[%i, %c0] : memref<8x16xf32>, vector<16xf32>
    %y = vector.fma %x, %x, %x : vector<16xf32>
    vector.store %y, %p[%c0] : memref<16xf32>, vector<16xf32>
    vector.store %y, %a[%i, %c0] : memref<8x16xf32>, vector<16xf32>
  } loc(#gemm)
  memref.copy %row, %c : memref<16xf32, strided<[1]>> to memref<16xf32> loc(fused[#relu, #gemm])
  linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%c : memref<16xf32>) outs(%d : memref<16xf32>) {
  ^bb0(%in: f32, %out: f32):
    %e = arith.addf %in, %in : f32
    linalg.yield %e : f32
  } loc(fused["/a"("m.onnx":0:0), "/b"("m.onnx":0:0), "/c"("m.onnx":0:0),
              "/a"("m.onnx":0:0), "/d"("m.onnx":0:0), "/e"("m.onnx":0:0)])
  %s = scf.for %i = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
    %v = memref.load %c[%i] : memref<16xf32>
    %n = arith.addf %acc, %v : f32
    scf.yield %n : f32
  } loc(#loss)
  memref.store %s, %d[%c0] : memref<16xf32> loc(#loss)
  linalg.fill ins(%zero : f32) outs(%p : memref<16xf32>) loc(#relu)
  return
}

func.func @other(%a: memref<16xf32>, %b: memref<16xf32>) {
  memref.copy %a, %b : memref<16xf32> to memref<16xf32> loc("/x"("m.onnx":0:0))
  call @helper(%a) : (memref<16xf32>) -> ()
  return
}

func.func private @helper(%a: memref<16xf32>) {
  return
}

// -----

// expected-error @below {{the module is already instrumented (it defines @__tcc_profile_begin)}}
module {
  func.func private @__tcc_profile_begin(i32)
}
