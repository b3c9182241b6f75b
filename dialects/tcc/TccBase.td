//===- TccBase.td - tcc dialect definition ----------------*- tablegen -*-===//
//
// The tcc dialect: value-semantic tensor operations that ONNX models are
// imported into, and that autodiff, fusion and the target lowerings consume.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_BASE_TD
#define TCC_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Tcc_Dialect : Dialect {
  let name = "tcc";
  let cppNamespace = "::mlir::tcc";
  let summary = "Tensor operations for ahead-of-time compiled training";
  let description = [{
    The `tcc` dialect holds the operations of a neural network on ranked,
    statically shaped tensors with value semantics. It is deliberately
    small: ONNX operators with the same shape of computation share one op
    (all binary elementwise arithmetic broadcasts the NumPy way), and
    operators that are compositions of others (Softmax, LayerNormalization,
    Gemm, Selu, ...) are expanded into primitives by the importer, so that
    every later pass (autodiff, fusion, lowering) has few ops to know.

    Element types are the builtin ones: `f32`, `f64`, `i64`, `i32`, `i8`,
    `i16` and `i1` (boolean). Integers are signless and treated as signed.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

class Tcc_Op<string mnemonic, list<Trait> traits = []>
    : Op<Tcc_Dialect, mnemonic, traits>;

// Element types tcc computes with.
def Tcc_Float : AnyTypeOf<[F32, F64]>;
def Tcc_Int : AnyTypeOf<[I64, I32, I16, I8]>;
def Tcc_Bool : I<1>;
def Tcc_ElementType : AnyTypeOf<[F32, F64, I64, I32, I16, I8, I1]>;

def Tcc_Tensor : StaticShapeTensorOf<[Tcc_ElementType]>;
def Tcc_FloatTensor : StaticShapeTensorOf<[Tcc_Float]>;
def Tcc_IntTensor : StaticShapeTensorOf<[Tcc_Int]>;
def Tcc_BoolTensor : StaticShapeTensorOf<[I1]>;
def Tcc_NumericTensor : StaticShapeTensorOf<[F32, F64, I64, I32, I16, I8]>;
def Tcc_IndexTensor : StaticShapeTensorOf<[I64, I32]>;
def Tcc_SeedTensor : 0DTensorOf<[I64]>;

#endif // TCC_BASE_TD
