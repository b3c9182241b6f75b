//===- Utils.cpp - helpers shared by the tcc-to-linalg patterns ----------===//

#include "Utils.h"

#include "llvm/ADT/APFloat.h"

using namespace mlir;

AffineMap tcc::getBroadcastMap(MLIRContext *ctx, ArrayRef<int64_t> operandShape,
                               ArrayRef<int64_t> resultShape) {
  int64_t lead = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, d] : llvm::enumerate(operandShape)) {
    if (d == 1 && resultShape[lead + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(lead + i, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

Value tcc::createEmpty(OpBuilder &b, Location loc, RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value tcc::createFilled(OpBuilder &b, Location loc, RankedTensorType type,
                        TypedAttr value) {
  Value scalar = arith::ConstantOp::create(b, loc, value);
  Value empty = createEmpty(b, loc, type);
  return linalg::FillOp::create(b, loc, scalar, empty).getResult(0);
}

Value tcc::createScalar(OpBuilder &b, Location loc, Type type, double v) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, v));
  return arith::ConstantOp::create(
      b, loc, type, b.getIntegerAttr(type, static_cast<int64_t>(v)));
}

static TypedAttr getLimitAttr(Type type, bool lowest) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(
        type, llvm::APFloat::getInf(ft.getFloatSemantics(), /*Negative=*/lowest));
  unsigned width = type.getIntOrFloatBitWidth();
  if (width == 1)
    return IntegerAttr::get(type, lowest ? 0 : 1);
  return IntegerAttr::get(type, lowest ? llvm::APInt::getSignedMinValue(width)
                                       : llvm::APInt::getSignedMaxValue(width));
}

TypedAttr tcc::getLowestAttr(Type type) { return getLimitAttr(type, true); }
TypedAttr tcc::getHighestAttr(Type type) { return getLimitAttr(type, false); }

SmallVector<utils::IteratorType> tcc::parallelIterators(unsigned n) {
  return SmallVector<utils::IteratorType>(n, utils::IteratorType::parallel);
}

Value tcc::createPointwise(
    OpBuilder &b, Location loc, ValueRange inputs, RankedTensorType resultType,
    function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  unsigned rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(b, loc, TypeRange{resultType}, inputs,
                                   ValueRange{createEmpty(b, loc, resultType)},
                                   maps, parallelIterators(rank), body)
      .getResult(0);
}
