//===- Autodiff.cpp - reverse-mode differentiation -----------------------===//
//
// Builds `@f_grad` from `@f` by walking `@f`'s body backwards and asking each
// op for its vector-Jacobian product through DifferentiableOpInterface. The
// pass knows no op: every rule lives beside its op's definition.
//
//===----------------------------------------------------------------------===//

#include "dialects/tcc/TccOps.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_AUTODIFFPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

static bool isFloatTensor(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  return tt && isa<FloatType>(tt.getElementType());
}

namespace {
/// Cotangents accumulated so far, keyed by primal value.
class Cotangents {
public:
  Cotangents(OpBuilder &b) : b(b) {}

  Value lookup(Value v) const { return grads.lookup(v); }

  /// Adds `g` to the cotangent of `v` (values used several times get the
  /// sum of their uses' cotangents).
  void accumulate(Value v, Value g) {
    Value &slot = grads[v];
    slot = slot ? AddOp::create(b, v.getLoc(), slot, g).getResult() : g;
  }

  /// The cotangent of `v`, or zeros of its type.
  Value getOrZeros(Value v) {
    if (Value g = lookup(v))
      return g;
    return createSplat(b, v.getLoc(), cast<RankedTensorType>(v.getType()), 0.0);
  }

private:
  OpBuilder &b;
  DenseMap<Value, Value> grads;
};
} // namespace

/// `loc` with " (backward)" after each node name in it.
static Location backwardLoc(Location loc) {
  constexpr StringLiteral kSuffix = " (backward)";
  MLIRContext *ctx = loc.getContext();
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (name.getName().strref().ends_with(kSuffix))
      return loc;
    return NameLoc::get(StringAttr::get(ctx, name.getName().str() + kSuffix),
                        name.getChildLoc());
  }
  if (auto fused = dyn_cast<FusedLoc>(loc)) {
    SmallVector<Location> parts;
    for (Location part : fused.getLocations())
      parts.push_back(backwardLoc(part));
    return FusedLoc::get(ctx, parts, fused.getMetadata());
  }
  return loc;
}

/// Emits the backward pass of `op` given the cotangents of its results.
static LogicalResult differentiateOp(Operation *op, Cotangents &cot,
                                     OpBuilder &b) {
  if (llvm::none_of(op->getResults(),
                    [&](Value r) { return isFloatTensor(r.getType()) && cot.lookup(r); }))
    return success(); // No gradient flows through this op.
  if (llvm::none_of(op->getOperandTypes(), isFloatTensor))
    return success(); // Constants, iota-like ops: nothing to propagate to.
  auto iface = dyn_cast<DifferentiableOpInterface>(op);
  if (!iface)
    return op->emitError("tcc-autodiff: '")
           << op->getName() << "' has no differentiation rule";
  SmallVector<Value> resultGrads;
  for (Value r : op->getResults())
    resultGrads.push_back(cot.getOrZeros(r));
  SmallVector<Value> operandGrads(op->getNumOperands());
  b.setInsertionPoint(b.getInsertionBlock()->getTerminator());
  if (failed(iface.buildVJP(b, resultGrads, operandGrads)))
    return failure();
  for (auto [operand, g] : llvm::zip(op->getOperands(), operandGrads)) {
    if (!g || !isFloatTensor(operand.getType()))
      continue;
    if (g.getType() != operand.getType())
      return op->emitError("tcc-autodiff: the rule of '")
             << op->getName() << "' gave a cotangent of type " << g.getType()
             << " for an operand of type " << operand.getType();
    cot.accumulate(operand, g);
  }
  return success();
}

static LogicalResult differentiate(func::FuncOp func, bool allArgs) {
  if (!func.getBody().hasOneBlock())
    return func.emitError("tcc-autodiff: expected a function with one block");
  auto ret = cast<func::ReturnOp>(func.getBody().front().getTerminator());
  if (ret.getNumOperands() == 0 || !isFloatTensor(ret.getOperand(0).getType()) ||
      cast<RankedTensorType>(ret.getOperand(0).getType()).getRank() != 0)
    return func.emitError("tcc-autodiff: the first result of '")
           << func.getName() << "' must be a 0-d float tensor (the loss)";

  auto grad = func.clone();
  grad.setName((func.getName() + "_grad").str());
  SymbolTable::setSymbolVisibility(grad, SymbolTable::getSymbolVisibility(func));
  func->getBlock()->getOperations().insertAfter(func->getIterator(), grad);

  Block &body = grad.getBody().front();
  auto gradRet = cast<func::ReturnOp>(body.getTerminator());
  OpBuilder b(gradRet);
  Cotangents cot(b);
  Value loss = gradRet.getOperand(0);
  cot.accumulate(loss, createSplat(b, loss.getLoc(),
                                   cast<RankedTensorType>(loss.getType()), 1.0));

  SmallVector<Operation *> forward;
  for (Operation &op : body.without_terminator())
    forward.push_back(&op);
  for (Operation *op : llvm::reverse(forward)) {
    Operation *before = gradRet->getPrevNode();
    if (failed(differentiateOp(op, cot, b)))
      return failure();
    // What the rule emitted is the backward code of op's node(s): say so in
    // diagnostics and in kernel profiles (`tcc-compile --profile`).
    for (Operation *emitted = before->getNextNode(); emitted != gradRet;
         emitted = emitted->getNextNode())
      emitted->setLoc(backwardLoc(emitted->getLoc()));
  }

  // Results: the original ones, then one gradient per differentiated argument.
  b.setInsertionPoint(gradRet);
  SmallVector<Value> results(gradRet.getOperands());
  SmallVector<Attribute> gradOf;
  for (BlockArgument arg : body.getArguments()) {
    auto param = grad.getArgAttr(arg.getArgNumber(), kParamAttrName);
    if (!isFloatTensor(arg.getType()) || (!param && !allArgs))
      continue;
    // An argument the function never reads (an initializer the importer
    // consumed as a compile-time constant, a dead branch) has no gradient,
    // as in PyTorch (grad None): the optimizer then leaves it alone.
    if (arg.use_empty() && param)
      continue;
    results.push_back(cot.getOrZeros(arg));
    gradOf.push_back(param ? param : b.getI64IntegerAttr(arg.getArgNumber()));
  }
  SmallVector<DictionaryAttr> resultAttrs;
  grad.getAllResultAttrs(resultAttrs);
  for (Attribute of : gradOf)
    resultAttrs.push_back(b.getDictionaryAttr(b.getNamedAttr(kGradAttrName, of)));
  func::ReturnOp::create(b, gradRet.getLoc(), results);
  gradRet.erase();
  grad.setType(FunctionType::get(grad.getContext(), grad.getArgumentTypes(),
                                 ValueRange(results).getTypes()));
  grad.setAllResultAttrs(resultAttrs);
  return success();
}

namespace {
struct AutodiffPass : tcc::impl::AutodiffPassBase<AutodiffPass> {
  using Base::Base;
  void runOnOperation() override {
    auto func = getOperation().lookupSymbol<func::FuncOp>(function);
    if (!func) {
      getOperation().emitError("tcc-autodiff: no function '")
          << function << "' to differentiate";
      return signalPassFailure();
    }
    if (failed(differentiate(func, allArgs)))
      signalPassFailure();
  }
};
} // namespace
