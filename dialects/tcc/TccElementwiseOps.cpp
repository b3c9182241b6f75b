//===- TccElementwiseOps.cpp - elementwise ops ---------------------------===//
//
// Shape inference for broadcasting ops, and the scalar semantics of every
// elementwise op (ElementwiseOpInterface::buildScalar).
//
//===----------------------------------------------------------------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::tcc;

//===----------------------------------------------------------------------===//
// Shape inference
//===----------------------------------------------------------------------===//

static LogicalResult inferBroadcast(std::optional<Location> loc,
                                    ValueRange operands, Type elementType,
                                    SmallVectorImpl<Type> &results) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    auto type = cast<RankedTensorType>(v.getType());
    auto b = broadcastShapes(shape, type.getShape());
    if (failed(b))
      return emitOptionalError(loc, "operand shapes are not broadcastable");
    shape = *b;
  }
  results.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

static LogicalResult inferBinary(std::optional<Location> loc, Value lhs,
                                 Value rhs, bool boolResult,
                                 SmallVectorImpl<Type> &results) {
  Type el = getElementTypeOrSelf(lhs.getType());
  if (el != getElementTypeOrSelf(rhs.getType()))
    return emitOptionalError(loc, "operands have different element types: ",
                             el, " and ", getElementTypeOrSelf(rhs.getType()));
  Type resultEl = boolResult ? IntegerType::get(lhs.getContext(), 1) : el;
  return inferBroadcast(loc, {lhs, rhs}, resultEl, results);
}

#define TCC_INFER_BINARY(OP, BOOL)                                             \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> l, \
                                     Adaptor a, SmallVectorImpl<Type> &r) {    \
    return inferBinary(l, a.getLhs(), a.getRhs(), BOOL, r);                    \
  }
TCC_INFER_BINARY(AddOp, false)
TCC_INFER_BINARY(SubOp, false)
TCC_INFER_BINARY(MulOp, false)
TCC_INFER_BINARY(DivOp, false)
TCC_INFER_BINARY(PowOp, false)
TCC_INFER_BINARY(MaxOp, false)
TCC_INFER_BINARY(MinOp, false)
TCC_INFER_BINARY(AndOp, false)
TCC_INFER_BINARY(OrOp, false)
TCC_INFER_BINARY(XorOp, false)
TCC_INFER_BINARY(EqualOp, true)
TCC_INFER_BINARY(LessOp, true)
TCC_INFER_BINARY(LessEqualOp, true)
TCC_INFER_BINARY(GreaterOp, true)
TCC_INFER_BINARY(GreaterEqualOp, true)
#undef TCC_INFER_BINARY

LogicalResult SelectOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  Type el = getElementTypeOrSelf(a.getOnTrue().getType());
  if (el != getElementTypeOrSelf(a.getOnFalse().getType()))
    return emitOptionalError(loc, "on_true and on_false have different "
                                  "element types");
  return inferBroadcast(loc, {a.getCondition(), a.getOnTrue(), a.getOnFalse()},
                        el, r);
}

//===----------------------------------------------------------------------===//
// Scalar semantics
//===----------------------------------------------------------------------===//

static bool isFloat(Type t) { return isa<FloatType>(t); }
static bool isBool(Type t) { return t.isInteger(1); }

static Value constantLike(OpBuilder &b, Location loc, Type t, double v) {
  if (isFloat(t))
    return arith::ConstantOp::create(b, loc, t, b.getFloatAttr(t, v));
  return arith::ConstantOp::create(b, loc, t,
                                   b.getIntegerAttr(t, static_cast<int64_t>(v)));
}

#define TCC_BINARY_SCALAR(OP, FOP, IOP)                                        \
  Value OP::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {   \
    if (isFloat(args[0].getType()))                                            \
      return FOP::create(b, loc, args[0], args[1]);                            \
    return IOP::create(b, loc, args[0], args[1]);                              \
  }
TCC_BINARY_SCALAR(AddOp, arith::AddFOp, arith::AddIOp)
TCC_BINARY_SCALAR(SubOp, arith::SubFOp, arith::SubIOp)
TCC_BINARY_SCALAR(MulOp, arith::MulFOp, arith::MulIOp)
TCC_BINARY_SCALAR(DivOp, arith::DivFOp, arith::DivSIOp)
TCC_BINARY_SCALAR(PowOp, math::PowFOp, math::IPowIOp)
TCC_BINARY_SCALAR(MaxOp, arith::MaximumFOp, arith::MaxSIOp)
TCC_BINARY_SCALAR(MinOp, arith::MinimumFOp, arith::MinSIOp)
TCC_BINARY_SCALAR(AndOp, arith::AndIOp, arith::AndIOp)
TCC_BINARY_SCALAR(OrOp, arith::OrIOp, arith::OrIOp)
TCC_BINARY_SCALAR(XorOp, arith::XOrIOp, arith::XOrIOp)
#undef TCC_BINARY_SCALAR

static Value compare(OpBuilder &b, Location loc, ValueRange args,
                     arith::CmpFPredicate fp, arith::CmpIPredicate sp,
                     arith::CmpIPredicate up) {
  Type t = args[0].getType();
  if (isFloat(t))
    return arith::CmpFOp::create(b, loc, fp, args[0], args[1]);
  // Booleans compare as unsigned (true > false).
  return arith::CmpIOp::create(b, loc, isBool(t) ? up : sp, args[0], args[1]);
}

#define TCC_COMPARE_SCALAR(OP, F, S, U)                                        \
  Value OP::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {   \
    return compare(b, loc, args, arith::CmpFPredicate::F,                      \
                   arith::CmpIPredicate::S, arith::CmpIPredicate::U);          \
  }
TCC_COMPARE_SCALAR(EqualOp, OEQ, eq, eq)
TCC_COMPARE_SCALAR(LessOp, OLT, slt, ult)
TCC_COMPARE_SCALAR(LessEqualOp, OLE, sle, ule)
TCC_COMPARE_SCALAR(GreaterOp, OGT, sgt, ugt)
TCC_COMPARE_SCALAR(GreaterEqualOp, OGE, sge, uge)
#undef TCC_COMPARE_SCALAR

Value SelectOp::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

#define TCC_FLOAT_UNARY_SCALAR(OP, MOP)                                        \
  Value OP::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {   \
    return MOP::create(b, loc, args[0]);                                       \
  }
TCC_FLOAT_UNARY_SCALAR(ExpOp, math::ExpOp)
TCC_FLOAT_UNARY_SCALAR(LogOp, math::LogOp)
TCC_FLOAT_UNARY_SCALAR(SqrtOp, math::SqrtOp)
TCC_FLOAT_UNARY_SCALAR(RsqrtOp, math::RsqrtOp)
TCC_FLOAT_UNARY_SCALAR(TanhOp, math::TanhOp)
TCC_FLOAT_UNARY_SCALAR(ErfOp, math::ErfOp)
TCC_FLOAT_UNARY_SCALAR(SinOp, math::SinOp)
TCC_FLOAT_UNARY_SCALAR(CosOp, math::CosOp)
TCC_FLOAT_UNARY_SCALAR(FloorOp, math::FloorOp)
TCC_FLOAT_UNARY_SCALAR(CeilOp, math::CeilOp)
#undef TCC_FLOAT_UNARY_SCALAR

Value ReciprocalOp::buildScalar(OpBuilder &b, Location loc, ValueRange args,
                                Type) {
  Value one = constantLike(b, loc, args[0].getType(), 1.0);
  return arith::DivFOp::create(b, loc, one, args[0]);
}

Value SigmoidOp::buildScalar(OpBuilder &b, Location loc, ValueRange args,
                             Type) {
  Type t = args[0].getType();
  Value one = constantLike(b, loc, t, 1.0);
  Value e = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, args[0]));
  return arith::DivFOp::create(b, loc, one, arith::AddFOp::create(b, loc, one, e));
}

Value NegOp::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {
  Type t = args[0].getType();
  if (isFloat(t))
    return arith::NegFOp::create(b, loc, args[0]);
  return arith::SubIOp::create(b, loc, constantLike(b, loc, t, 0), args[0]);
}

Value ReluOp::buildScalar(OpBuilder &b, Location loc, ValueRange args,
                         Type) {
  Value zero = constantLike(b, loc, args[0].getType(), 0);
  if (isFloat(args[0].getType()))
    return arith::MaximumFOp::create(b, loc, args[0], zero);
  return arith::MaxSIOp::create(b, loc, args[0], zero);
}

Value AbsOp::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {
  if (isFloat(args[0].getType()))
    return math::AbsFOp::create(b, loc, args[0]);
  return math::AbsIOp::create(b, loc, args[0]);
}

Value SignOp::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {
  Type t = args[0].getType();
  Value zero = constantLike(b, loc, t, 0), one = constantLike(b, loc, t, 1),
        minusOne = constantLike(b, loc, t, -1);
  Value pos, neg;
  if (isFloat(t)) {
    pos = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, args[0], zero);
    neg = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, args[0], zero);
  } else {
    pos = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, args[0], zero);
    neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, args[0], zero);
  }
  Value r = arith::SelectOp::create(b, loc, neg, minusOne, zero);
  return arith::SelectOp::create(b, loc, pos, one, r);
}

Value NotOp::buildScalar(OpBuilder &b, Location loc, ValueRange args, Type) {
  Value t = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
  return arith::XOrIOp::create(b, loc, args[0], t);
}

Value ConvertOp::buildScalar(OpBuilder &b, Location loc, ValueRange args,
                             Type dst) {
  Value v = args[0];
  Type src = v.getType();
  if (src == dst)
    return v;
  if (isBool(dst)) {
    Value zero = constantLike(b, loc, src, 0);
    if (isFloat(src))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, v, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, v, zero);
  }
  if (isBool(src))
    return isFloat(dst) ? Value(arith::UIToFPOp::create(b, loc, dst, v))
                        : Value(arith::ExtUIOp::create(b, loc, dst, v));
  if (isFloat(src) && isFloat(dst))
    return src.getIntOrFloatBitWidth() < dst.getIntOrFloatBitWidth()
               ? Value(arith::ExtFOp::create(b, loc, dst, v))
               : Value(arith::TruncFOp::create(b, loc, dst, v));
  if (isFloat(src))
    return arith::FPToSIOp::create(b, loc, dst, v);
  if (isFloat(dst))
    return arith::SIToFPOp::create(b, loc, dst, v);
  return src.getIntOrFloatBitWidth() < dst.getIntOrFloatBitWidth()
             ? Value(arith::ExtSIOp::create(b, loc, dst, v))
             : Value(arith::TruncIOp::create(b, loc, dst, v));
}

OpFoldResult ConvertOp::fold(FoldAdaptor) {
  if (getOperand().getType() == getType())
    return getOperand();
  return {};
}

//===----------------------------------------------------------------------===//
// Vector-Jacobian products (DifferentiableOpInterface)
//
// Rules are written with tcc ops only, so the backward pass lowers wherever
// the forward one does. Every broadcasting operand's cotangent is summed back
// to its shape. Conventions follow PyTorch's derivatives.yaml.
//===----------------------------------------------------------------------===//

namespace {
/// Builds tcc ops at one location so that each rule reads like its formula.
/// Binary helpers broadcast the NumPy way, like the ops they create.
struct VJP {
  OpBuilder &b;
  Location loc;

  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
  Value neg(Value x) { return NegOp::create(b, loc, x); }
  Value select(Value c, Value t, Value f) {
    return SelectOp::create(b, loc, c, t, f);
  }
  /// A 0-d constant of `like`'s element type (it broadcasts against anything).
  Value scalar(Value like, double v) {
    Type el = cast<RankedTensorType>(like.getType()).getElementType();
    return createSplat(b, loc, RankedTensorType::get({}, el), v);
  }
  /// `x * c` for a constant `c`.
  Value scale(Value x, double c) { return mul(x, scalar(x, c)); }
  /// `g` summed back to the shape of `operand` (undoes broadcasting).
  Value to(Value g, Value operand) {
    return sumToShape(b, loc, g, cast<RankedTensorType>(operand.getType()));
  }
};
} // namespace

static VJP vjpAt(OpBuilder &b, Operation *op) { return VJP{b, op->getLoc()}; }

/// Most unary rules are `g * f'(x)`: `dfdx` builds f' from the op.
template <typename OpTy, typename Fn>
static LogicalResult unaryVJP(OpTy op, OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads, Fn dfdx) {
  VJP v = vjpAt(b, op);
  operandGrads[0] = v.mul(resultGrads[0], dfdx(v, op.getOperand(), op.getResult()));
  return success();
}

LogicalResult AddOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  operandGrads[0] = v.to(resultGrads[0], getLhs());
  operandGrads[1] = v.to(resultGrads[0], getRhs());
  return success();
}

LogicalResult SubOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  operandGrads[0] = v.to(resultGrads[0], getLhs());
  operandGrads[1] = v.to(v.neg(resultGrads[0]), getRhs());
  return success();
}

LogicalResult MulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value g = resultGrads[0];
  operandGrads[0] = v.to(v.mul(g, getRhs()), getLhs());
  operandGrads[1] = v.to(v.mul(g, getLhs()), getRhs());
  return success();
}

LogicalResult DivOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value g = resultGrads[0];
  operandGrads[0] = v.to(v.div(g, getRhs()), getLhs());
  // d(x/y)/dy = -(x/y)/y: reuses the result.
  operandGrads[1] = v.to(v.neg(v.div(v.mul(g, getResult()), getRhs())), getRhs());
  return success();
}

LogicalResult PowOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value g = resultGrads[0], x = getLhs(), y = getRhs(), zero = v.scalar(x, 0.0);
  // d/dx = y * x^(y-1), zero where y == 0 (so 0^-1 never makes 0 * inf).
  Value dx = v.mul(y, PowOp::create(b, v.loc, x, v.sub(y, v.scalar(y, 1.0))));
  dx = v.select(EqualOp::create(b, v.loc, y, zero), zero, dx);
  operandGrads[0] = v.to(v.mul(g, dx), x);
  // d/dy = x^y * log(x), zero where x == 0 and y >= 0 (log(0) = -inf).
  Value dy = v.mul(getResult(), LogOp::create(b, v.loc, x));
  Value xZero = AndOp::create(b, v.loc, EqualOp::create(b, v.loc, x, zero),
                              GreaterEqualOp::create(b, v.loc, y, zero));
  dy = v.select(xZero, zero, dy);
  operandGrads[1] = v.to(v.mul(g, dy), y);
  return success();
}

/// max and min: the cotangent goes to the selected operand; ties split it
/// evenly (torch.maximum/minimum). `lhsLoses` is where lhs is not selected.
static void maxMinVJP(VJP &v, Value lhs, Value rhs, Value g, Value lhsLoses,
                      Value rhsLoses, SmallVectorImpl<Value> &operandGrads) {
  Value tie = EqualOp::create(v.b, v.loc, lhs, rhs);
  Value shared = v.select(tie, v.scale(g, 0.5), g);
  Value zero = v.scalar(g, 0.0);
  operandGrads[0] = v.to(v.select(lhsLoses, zero, shared), lhs);
  operandGrads[1] = v.to(v.select(rhsLoses, zero, shared), rhs);
}

LogicalResult MaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value x = getLhs(), y = getRhs();
  maxMinVJP(v, x, y, resultGrads[0], LessOp::create(b, v.loc, x, y),
            GreaterOp::create(b, v.loc, x, y), operandGrads);
  return success();
}

LogicalResult MinOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value x = getLhs(), y = getRhs();
  maxMinVJP(v, x, y, resultGrads[0], GreaterOp::create(b, v.loc, x, y),
            LessOp::create(b, v.loc, x, y), operandGrads);
  return success();
}

LogicalResult SelectOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  VJP v = vjpAt(b, *this);
  Value g = resultGrads[0], c = getCondition(), zero = v.scalar(g, 0.0);
  // The condition is boolean: no cotangent.
  operandGrads[1] = v.to(v.select(c, g, zero), getOnTrue());
  operandGrads[2] = v.to(v.select(c, zero, g), getOnFalse());
  return success();
}

LogicalResult NegOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = vjpAt(b, *this).neg(resultGrads[0]);
  return success();
}

LogicalResult ReluOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  // PyTorch's threshold_backward: the cotangent where the result is
  // positive, 0 elsewhere. It reads the result, which the next op (a pool, a
  // matmul) keeps anyway, rather than the input.
  VJP v = vjpAt(b, *this);
  Value g = resultGrads[0], zero = v.scalar(g, 0.0);
  Value positive = GreaterOp::create(b, v.loc, getResult(), zero);
  operandGrads[0] = v.select(positive, g, zero);
  return success();
}

LogicalResult AbsOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  // sign(0) = 0, so abs'(0) = 0 as in PyTorch.
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value x, Value) -> Value {
                    return SignOp::create(v.b, v.loc, x);
                  });
}

// Piecewise constant: the derivative is zero wherever it exists (PyTorch
// gives zeros). A null cotangent contributes nothing, so none is built.
#define TCC_ZERO_VJP(OP)                                                       \
  LogicalResult OP::buildVJP(OpBuilder &, ValueRange,                          \
                             SmallVectorImpl<Value> &) {                       \
    return success();                                                          \
  }
TCC_ZERO_VJP(SignOp)
TCC_ZERO_VJP(FloorOp)
TCC_ZERO_VJP(CeilOp)
#undef TCC_ZERO_VJP

LogicalResult ExpOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &, Value, Value y) { return y; });
}

LogicalResult LogOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  operandGrads[0] = vjpAt(b, *this).div(resultGrads[0], getOperand());
  return success();
}

LogicalResult SqrtOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  // d sqrt(x) = 1 / (2 sqrt(x)).
  VJP v = vjpAt(b, *this);
  operandGrads[0] = v.div(v.scale(resultGrads[0], 0.5), getResult());
  return success();
}

LogicalResult RsqrtOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  // d x^(-1/2) = -1/2 x^(-3/2) = -1/2 y^3.
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value, Value y) {
                    return v.scale(v.mul(y, v.mul(y, y)), -0.5);
                  });
}

LogicalResult ReciprocalOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  // d (1/x) = -1/x^2 = -y^2.
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value, Value y) { return v.neg(v.mul(y, y)); });
}

LogicalResult TanhOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value, Value y) {
                    return v.sub(v.scalar(y, 1.0), v.mul(y, y));
                  });
}

LogicalResult ErfOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  // erf'(x) = 2/sqrt(pi) exp(-x^2).
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value x, Value) {
                    Value e = ExpOp::create(v.b, v.loc, v.neg(v.mul(x, x)));
                    return v.scale(e, 1.1283791670955126); // 2/sqrt(pi)
                  });
}

LogicalResult SigmoidOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value, Value y) {
                    return v.mul(y, v.sub(v.scalar(y, 1.0), y));
                  });
}

LogicalResult SinOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value x, Value) -> Value {
                    return CosOp::create(v.b, v.loc, x);
                  });
}

LogicalResult CosOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                              SmallVectorImpl<Value> &operandGrads) {
  return unaryVJP(*this, b, resultGrads, operandGrads,
                  [](VJP &v, Value x, Value) {
                    return v.neg(SinOp::create(v.b, v.loc, x));
                  });
}

LogicalResult ConvertOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  // Only float-to-float conversions pass a gradient: the cotangent converts
  // back. Integer or boolean operands get none; float-to-integer results
  // carry none, so tcc-autodiff never asks for them.
  Type src = getElementTypeOrSelf(getOperand().getType());
  Type dst = getElementTypeOrSelf(getType());
  if (isFloat(src) && isFloat(dst))
    operandGrads[0] = ConvertOp::create(b, getLoc(), getOperand().getType(),
                                        resultGrads[0]);
  return success();
}
