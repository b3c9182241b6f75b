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
