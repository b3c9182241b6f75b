//===- ImportElementwise.cpp - ONNX elementwise ops ----------------------===//
//
// Arithmetic, comparison, logic, unary math, selection and conversion ops;
// composite math (Round, Mod, ...) is decomposed into primitive tcc ops.
// Activations are in ImportActivations.cpp; the host constant folding of
// the common ops, in ElementwiseCommon.cpp.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseCommon.h"

#include <limits>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Binary and variadic ops
//===----------------------------------------------------------------------===//

template <typename OpTy, HostOp H, ElementKind K>
static LogicalResult importBinary(NodeContext &ctx) {
  if (ctx.numInputs() != 2)
    return ctx.error("expects 2 inputs");
  if (tryFoldBinaryNode(ctx, H))
    return success();
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b || failed(checkKind(ctx, a, K, "input 0")) ||
      failed(checkKind(ctx, b, K, "input 1")))
    return failure();
  auto r = binary<OpTy>(ctx, a, b);
  if (failed(r))
    return failure();
  ctx.setOutput(0, *r);
  return success();
}

/// The inputs, each of kind `k` and broadcasting together, combined left to
/// right with OpTy.
template <typename OpTy>
static FailureOr<Value> combineInputs(NodeContext &ctx, ElementKind k) {
  auto vs = ctx.allInputs();
  if (failed(vs))
    return failure();
  for (Value v : *vs)
    if (failed(checkKind(ctx, v, k, "an input")))
      return failure();
  if (failed(checkBroadcastOperands(ctx, *vs)))
    return failure();
  Value acc = (*vs)[0];
  for (Value v : ArrayRef<Value>(*vs).drop_front())
    acc = OpTy::create(ctx.b, ctx.loc, acc, v);
  return acc;
}

/// Min, Max, Sum: folds the inputs pairwise with broadcasting.
template <typename OpTy, HostOp H>
static LogicalResult importVariadic(NodeContext &ctx) {
  if (tryFoldBinaryNode(ctx, H))
    return success();
  auto acc = combineInputs<OpTy>(ctx, ElementKind::Numeric);
  if (failed(acc))
    return failure();
  ctx.setOutput(0, *acc);
  return success();
}

static LogicalResult importMean(NodeContext &ctx) {
  auto acc = combineInputs<AddOp>(ctx, ElementKind::Float);
  if (failed(acc))
    return failure();
  Value mean = *acc;
  if (size_t n = ctx.numInputs(); n > 1)
    mean = DivOp::create(ctx.b, ctx.loc, mean,
                         ctx.scalar(elementTypeOf(mean), double(n)));
  ctx.setOutput(0, mean);
  return success();
}

/// Pow: the exponent may have another type than the base; the result has
/// the base's type. An integer base with a float exponent is computed in
/// the exponent's float type and converted back.
static LogicalResult importPow(NodeContext &ctx) {
  Value x = ctx.input(0), y = ctx.input(1);
  if (!x || !y ||
      failed(checkKind(ctx, x, ElementKind::Numeric, "the base")) ||
      failed(checkKind(ctx, y, ElementKind::Numeric, "the exponent")))
    return failure();
  Type xt = elementTypeOf(x), yt = elementTypeOf(y);
  Type computeType = !isFloat(xt) && isFloat(yt) ? yt : xt;
  auto r = binary<PowOp>(ctx, ctx.convert(x, computeType),
                         ctx.convert(y, computeType));
  if (failed(r))
    return failure();
  ctx.setOutput(0, ctx.convert(*r, xt));
  return success();
}

//===----------------------------------------------------------------------===//
// Unary ops
//===----------------------------------------------------------------------===//

template <typename OpTy, ElementKind K>
static LogicalResult importUnary(NodeContext &ctx) {
  if (auto ins = smallConstantInputs(ctx); ins && ins->size() == 1) {
    StringRef op = ctx.node.op_type();
    if (op == "Neg" || op == "Abs" || op == "Not")
      if (auto r = foldUnary(op, *(*ins)[0])) {
        ctx.setOutputConstant(0, std::move(*r));
        return success();
      }
  }
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, K, "input 0")))
    return failure();
  ctx.setOutput(0, OpTy::create(ctx.b, ctx.loc, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Composite math
//===----------------------------------------------------------------------===//

/// Sinh, Cosh (from exp) and Tan (sin / cos).
static LogicalResult importHyperbolicOrTan(NodeContext &ctx) {
  StringRef op = ctx.node.op_type();
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) -> Value {
    if (op == "Tan")
      return e.div(SinOp::create(ctx.b, ctx.loc, x),
                   CosOp::create(ctx.b, ctx.loc, x));
    Value ep = e.exp(x), en = e.exp(e.neg(x));
    Value num = op == "Sinh" ? e.sub(ep, en) : e.add(ep, en);
    return e.mul(e.c(0.5), num);
  });
}

/// Round: to nearest, ties to even.
static LogicalResult importRound(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [](Emitter &e, Value x) {
    Value r = e.floor(x), frac = e.sub(x, r);
    Value odd = e.equal(e.sub(r, e.mul(e.c(2), e.floor(e.mul(r, e.c(0.5))))),
                        e.c(1));
    Value tie = e.logicalAnd(e.equal(frac, e.c(0.5)), odd);
    Value up = e.logicalOr(e.greater(frac, e.c(0.5)), tie);
    return e.select(up, e.add(r, e.c(1)), r);
  });
}

static LogicalResult importIsNaN(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) -> Value {
    return NotOp::create(ctx.b, ctx.loc, e.equal(x, x));
  });
}

static LogicalResult importIsInf(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    double inf = std::numeric_limits<double>::infinity();
    Value r;
    if (ctx.attrInt("detect_positive", 1))
      r = e.equal(x, e.c(inf));
    if (ctx.attrInt("detect_negative", 1)) {
      Value isNegInf = e.equal(x, e.c(-inf));
      r = r ? e.logicalOr(r, isNegInf) : isNegInf;
    }
    return r ? r : splat(ctx, shapeOf(x), ctx.b.getI1Type(), 0);
  });
}

/// Mod: fmod=1 takes the dividend's sign (C fmod), fmod=0 the divisor's
/// (Python %, integers only).
static LogicalResult importMod(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b ||
      failed(checkKind(ctx, a, ElementKind::Numeric, "input 0")) ||
      failed(checkBroadcastOperands(ctx, {a, b})))
    return failure();
  Type el = elementTypeOf(a);
  bool fmod = ctx.attrInt("fmod", 0);
  if (isFloat(el) && !fmod)
    return ctx.error("fmod must be 1 for floating-point inputs");
  Emitter e{ctx, el};
  Value q = e.div(a, b);
  if (isFloat(el)) // truncate the quotient toward zero
    q = e.select(e.less(q, e.c(0)), e.ceil(q), e.floor(q));
  Value r = e.sub(a, e.mul(q, b));
  if (!fmod) {
    Value signsDiffer = XorOp::create(ctx.b, ctx.loc, e.less(r, e.c(0)),
                                      e.less(b, e.c(0)));
    Value nonZero = NotOp::create(ctx.b, ctx.loc, e.equal(r, e.c(0)));
    r = e.select(e.logicalAnd(nonZero, signsDiffer), e.add(r, b), r);
  }
  ctx.setOutput(0, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Selection, conversion, pass-through
//===----------------------------------------------------------------------===//

static LogicalResult importWhere(NodeContext &ctx) {
  if (auto ins = smallConstantInputs(ctx); ins && ins->size() == 3) {
    const HostTensor &c = *(*ins)[0], &x = *(*ins)[1], &y = *(*ins)[2];
    if (c.dtype == DType::Bool && x.dtype == y.dtype) {
      bool fl = ::tccrt::isFloatDType(x.dtype);
      auto r = foldBroadcast(*ins, x.dtype, [&](ArrayRef<int64_t> i,
                                                HostTensor &out, int64_t o) {
        const HostTensor &src = c.getInt(i[0]) ? x : y;
        int64_t k = c.getInt(i[0]) ? i[1] : i[2];
        if (fl)
          out.setDouble(o, src.getDouble(k));
        else
          out.setInt(o, src.getInt(k));
        return true;
      });
      if (r) {
        ctx.setOutputConstant(0, std::move(*r));
        return success();
      }
    }
  }
  Value c = ctx.input(0), x = ctx.input(1), y = ctx.input(2);
  if (!c || !x || !y ||
      failed(checkKind(ctx, c, ElementKind::Bool, "the condition")))
    return failure();
  if (failed(checkBroadcastOperands(ctx, {x, y})))
    return failure();
  auto valueShape = broadcastShapes(shapeOf(x), shapeOf(y));
  if (failed(broadcastShapes(shapeOf(c), *valueShape)))
    return ctx.error("the condition's shape " + formatShape(shapeOf(c)) +
                     " does not broadcast with the operands' shape " +
                     formatShape(*valueShape));
  ctx.setOutput(0, SelectOp::create(ctx.b, ctx.loc, c, x, y));
  return success();
}

static std::string onnxTypeName(int64_t t) {
  if (onnx::TensorProto_DataType_IsValid(t))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(t));
  return "type " + std::to_string(t);
}

static LogicalResult importCast(NodeContext &ctx) {
  if (!ctx.hasAttr("to"))
    return ctx.error("attribute 'to' is required");
  int64_t to = ctx.attrInt("to", 0);
  auto dtype = dtypeFromONNX(to);
  if (!dtype)
    return ctx.error("casting to " + onnxTypeName(to) +
                     " is not supported (tcc supports FLOAT, DOUBLE, INT64, "
                     "INT32, INT16, INT8 and BOOL)");
  if (auto ins = smallConstantInputs(ctx); ins && ins->size() == 1)
    if (auto r = foldCast(*(*ins)[0], *dtype)) {
      ctx.setOutputConstant(0, std::move(*r));
      return success();
    }
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ctx.setOutput(0, ctx.convert(x, elementTypeOf(ctx.b.getContext(), *dtype)));
  return success();
}

static LogicalResult importCastLike(NodeContext &ctx) {
  Value x = ctx.input(0), like = ctx.input(1);
  if (!x || !like)
    return failure();
  ctx.setOutput(0, ctx.convert(x, elementTypeOf(like)));
  return success();
}

static LogicalResult importIdentity(NodeContext &ctx) {
  if (ctx.allInputsConstant())
    if (const HostTensor *t = ctx.constantInput(0)) {
      ctx.setOutputConstant(0, *t);
      return success();
    }
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ctx.setOutput(0, x);
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tcc::onnx_import::registerElementwiseImporters(ImportTable &table) {
  using K = ElementKind;
  // Binary arithmetic, comparison and logic (host-folded when constant).
  table["Add"] = &importBinary<AddOp, HostOp::Add, K::Numeric>;
  table["Sub"] = &importBinary<SubOp, HostOp::Sub, K::Numeric>;
  table["Mul"] = &importBinary<MulOp, HostOp::Mul, K::Numeric>;
  table["Div"] = &importBinary<DivOp, HostOp::Div, K::Numeric>;
  table["Equal"] = &importBinary<EqualOp, HostOp::Equal, K::Any>;
  table["Less"] = &importBinary<LessOp, HostOp::Less, K::Any>;
  table["LessOrEqual"] = &importBinary<LessEqualOp, HostOp::LessEq, K::Any>;
  table["Greater"] = &importBinary<GreaterOp, HostOp::Greater, K::Any>;
  table["GreaterOrEqual"] =
      &importBinary<GreaterEqualOp, HostOp::GreaterEq, K::Any>;
  table["And"] = &importBinary<AndOp, HostOp::And, K::Bool>;
  table["Or"] = &importBinary<OrOp, HostOp::Or, K::Bool>;
  table["Xor"] = &importBinary<XorOp, HostOp::Xor, K::Bool>;
  table["Pow"] = &importPow;
  // Variadic.
  table["Min"] = &importVariadic<MinOp, HostOp::Min>;
  table["Max"] = &importVariadic<MaxOp, HostOp::Max>;
  table["Sum"] = &importVariadic<AddOp, HostOp::Add>;
  table["Mean"] = &importMean;
  // Unary.
  table["Neg"] = &importUnary<NegOp, K::Numeric>;
  table["Abs"] = &importUnary<AbsOp, K::Numeric>;
  table["Sign"] = &importUnary<SignOp, K::Numeric>;
  table["Not"] = &importUnary<NotOp, K::Bool>;
  table["Sqrt"] = &importUnary<SqrtOp, K::Float>;
  table["Reciprocal"] = &importUnary<ReciprocalOp, K::Float>;
  table["Exp"] = &importUnary<ExpOp, K::Float>;
  table["Log"] = &importUnary<LogOp, K::Float>;
  table["Erf"] = &importUnary<ErfOp, K::Float>;
  table["Tanh"] = &importUnary<TanhOp, K::Float>;
  table["Sigmoid"] = &importUnary<SigmoidOp, K::Float>;
  table["Sin"] = &importUnary<SinOp, K::Float>;
  table["Cos"] = &importUnary<CosOp, K::Float>;
  table["Floor"] = &importUnary<FloorOp, K::Float>;
  table["Ceil"] = &importUnary<CeilOp, K::Float>;
  // Composite math.
  table["Sinh"] = &importHyperbolicOrTan;
  table["Cosh"] = &importHyperbolicOrTan;
  table["Tan"] = &importHyperbolicOrTan;
  table["Round"] = &importRound;
  table["IsNaN"] = &importIsNaN;
  table["IsInf"] = &importIsInf;
  table["Mod"] = &importMod;
  // Selection, conversion, pass-through.
  table["Where"] = &importWhere;
  table["Cast"] = &importCast;
  table["CastLike"] = &importCastLike;
  table["Identity"] = &importIdentity;
}
