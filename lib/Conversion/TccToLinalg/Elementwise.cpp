//===- Elementwise.cpp - elementwise tcc ops to linalg.generic -----------===//
//
// One pattern for every op with ElementwiseOpInterface: operands are read
// through broadcasting indexing maps, the body is the op's own scalar rule.
//
//===----------------------------------------------------------------------===//

#include "Utils.h"
#include "dialects/tcc/TccOps.h"
#include "tcc/Conversion/Passes.h"

using namespace mlir;
using namespace mlir::tcc;

namespace {
struct ElementwiseToGeneric
    : public OpInterfaceConversionPattern<ElementwiseOpInterface> {
  using OpInterfaceConversionPattern::OpInterfaceConversionPattern;

  LogicalResult
  matchAndRewrite(ElementwiseOpInterface iface, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *op = iface.getOperation();
    Location loc = op->getLoc();
    auto resultType = cast<RankedTensorType>(op->getResult(0).getType());
    MLIRContext *ctx = op->getContext();

    SmallVector<AffineMap> maps;
    for (Value v : operands)
      maps.push_back(getBroadcastMap(
          ctx, cast<RankedTensorType>(v.getType()).getShape(),
          resultType.getShape()));
    maps.push_back(AffineMap::getMultiDimIdentityMap(resultType.getRank(), ctx));

    Value init = createEmpty(rewriter, loc, resultType);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, operands, ValueRange{init}, maps,
        parallelIterators(resultType.getRank()),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value r = iface.buildScalar(b, l, args.drop_back(),
                                      resultType.getElementType());
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};
} // namespace

void tcc::populateTccElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric>(patterns.getContext());
}
