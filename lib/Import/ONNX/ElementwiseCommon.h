//===- ElementwiseCommon.h - elementwise importer helpers -------*- C++ -*-===//
//
// Operand checks, a small op builder for decompositions, and host constant
// folding, shared by ImportElementwise.cpp and ImportActivations.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_IMPORT_ONNX_ELEMENTWISECOMMON_H
#define TCC_LIB_IMPORT_ONNX_ELEMENTWISECOMMON_H

#include "ImporterImpl.h"

namespace mlir::tcc::onnx_import {

//===----------------------------------------------------------------------===//
// Operand checks
//===----------------------------------------------------------------------===//

inline bool isFloat(Type t) { return isa<FloatType>(t); }
inline bool isBool(Type t) { return t.isInteger(1); }

/// "float32", "bool", ... for diagnostics.
std::string typeName(Type t);

enum class ElementKind { Any, Numeric, Float, Bool };

/// Checks that `v` has an element type of kind `k`.
LogicalResult checkKind(NodeContext &ctx, Value v, ElementKind k,
                        StringRef what);

/// Checks that all `vs` share an element type and broadcast together.
LogicalResult checkBroadcastOperands(NodeContext &ctx, ArrayRef<Value> vs);

/// Builds a broadcasting binary op after checking its operands.
template <typename OpTy>
FailureOr<Value> binary(NodeContext &ctx, Value a, Value b) {
  if (failed(checkBroadcastOperands(ctx, {a, b})))
    return failure();
  return OpTy::create(ctx.b, ctx.loc, a, b).getResult();
}

/// The float input 0 of an activation, or null after an error.
Value floatInput(NodeContext &ctx);

/// A splat constant of `shape` and element type `el`.
Value splat(NodeContext &ctx, ArrayRef<int64_t> shape, Type el, double v);

//===----------------------------------------------------------------------===//
// Decompositions
//===----------------------------------------------------------------------===//

/// Small builders for decompositions (operands are known to be tensors of
/// one element type, scalars broadcast).
struct Emitter {
  NodeContext &ctx;
  Type el;
  Value c(double v) { return ctx.scalar(el, v); }
  Value add(Value a, Value b) { return AddOp::create(ctx.b, ctx.loc, a, b); }
  Value sub(Value a, Value b) { return SubOp::create(ctx.b, ctx.loc, a, b); }
  Value mul(Value a, Value b) { return MulOp::create(ctx.b, ctx.loc, a, b); }
  Value div(Value a, Value b) { return DivOp::create(ctx.b, ctx.loc, a, b); }
  Value min(Value a, Value b) { return MinOp::create(ctx.b, ctx.loc, a, b); }
  Value max(Value a, Value b) { return MaxOp::create(ctx.b, ctx.loc, a, b); }
  Value exp(Value a) { return ExpOp::create(ctx.b, ctx.loc, a); }
  Value log(Value a) { return LogOp::create(ctx.b, ctx.loc, a); }
  Value tanh(Value a) { return TanhOp::create(ctx.b, ctx.loc, a); }
  Value neg(Value a) { return NegOp::create(ctx.b, ctx.loc, a); }
  Value abs(Value a) { return AbsOp::create(ctx.b, ctx.loc, a); }
  Value floor(Value a) { return FloorOp::create(ctx.b, ctx.loc, a); }
  Value ceil(Value a) { return CeilOp::create(ctx.b, ctx.loc, a); }
  Value less(Value a, Value b) { return LessOp::create(ctx.b, ctx.loc, a, b); }
  Value greater(Value a, Value b) {
    return GreaterOp::create(ctx.b, ctx.loc, a, b);
  }
  Value equal(Value a, Value b) {
    return EqualOp::create(ctx.b, ctx.loc, a, b);
  }
  Value logicalAnd(Value a, Value b) {
    return AndOp::create(ctx.b, ctx.loc, a, b);
  }
  Value logicalOr(Value a, Value b) {
    return OrOp::create(ctx.b, ctx.loc, a, b);
  }
  Value select(Value c, Value t, Value f) {
    return SelectOp::create(ctx.b, ctx.loc, c, t, f);
  }
};

/// Imports a node whose float input 0 `x` maps to output 0 `build(e, x)`,
/// `e` emitting in x's element type.
LogicalResult
decomposeFloatUnary(NodeContext &ctx,
                    function_ref<Value(Emitter &e, Value x)> build);

//===----------------------------------------------------------------------===//
// Host constant folding
//===----------------------------------------------------------------------===//

enum class HostOp {
  Add, Sub, Mul, Div, Min, Max,            // arithmetic, operand type
  Equal, Less, LessEq, Greater, GreaterEq, // comparisons, bool
  And, Or, Xor,                            // logic, bool
};

/// The constant inputs of the node if all of them are known and small.
std::optional<SmallVector<const HostTensor *>>
smallConstantInputs(NodeContext &ctx);

/// Computes `out[o] = fn(elements of ins at idx)` with broadcasting, `idx`
/// holding one flat index per input; `fn` returns false to give up (e.g.
/// integer division by zero).
std::optional<HostTensor>
foldBroadcast(ArrayRef<const HostTensor *> ins, DType outType,
              function_ref<bool(ArrayRef<int64_t> idx, HostTensor &out,
                                int64_t o)>
                  fn);

/// Converts `t` to `to` as ONNX Cast does; nullopt where a float does not
/// fit an integer (undefined behaviour, left to the compiled code).
std::optional<HostTensor> foldCast(const HostTensor &t, DType to);

/// Folds Neg, Abs or Not elementwise.
std::optional<HostTensor> foldUnary(StringRef opType, const HostTensor &t);

/// Folds a variadic/binary node on its small constant inputs, pairwise;
/// true if output 0 was set.
bool tryFoldBinaryNode(NodeContext &ctx, HostOp op);

} // namespace mlir::tcc::onnx_import

#endif // TCC_LIB_IMPORT_ONNX_ELEMENTWISECOMMON_H
