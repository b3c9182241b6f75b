//===- AppendLoss.cpp - append a loss to the forward function ------------===//
//
// From `@forward(params..., inputs...) -> (pred, ...)` builds
// `@forward_loss(params..., inputs..., labels {tcc.label})
//      -> (loss: tensor<f32>, pred, ...)`.
// The forward's outputs stay as results 1.. (evaluation needs the
// predictions; autodiff differentiates result 0 only). With loss=output the
// forward's first result is the loss: the function is the forward, renamed. Every loss is built
// from primitive tcc ops, so autodiff needs no loss-specific rule, and its
// semantics are PyTorch's (torch.nn.functional.*, reduction mean or sum).
//
//===----------------------------------------------------------------------===//

#include "dialects/tcc/TccOps.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_APPENDLOSSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

namespace {
enum class LossKind { CrossEntropy, MSE, L1, BCEWithLogits, Output };

/// The validated options of one run of the pass.
struct LossSpec {
  LossKind kind;
  bool mean;
  double smoothing;
  SmallVector<double> classWeights;
};

/// Builds the loss of `pred` against `labels` with tcc ops.
class LossBuilder {
public:
  LossBuilder(ImplicitLocOpBuilder &b, const LossSpec &spec, Value pred,
              Value labels)
      : b(b), spec(spec), pred(pred), labels(labels),
        predType(cast<RankedTensorType>(pred.getType())),
        et(predType.getElementType()) {}

  /// The 0-d f32 loss.
  Value build() {
    Value loss;
    switch (spec.kind) {
    case LossKind::CrossEntropy:
      loss = crossEntropy();
      break;
    case LossKind::MSE:
      loss = elementwiseLoss(squaredError());
      break;
    case LossKind::L1:
      loss = elementwiseLoss(AbsOp::create(b, sub(pred, labels)));
      break;
    case LossKind::BCEWithLogits:
      loss = elementwiseLoss(bceWithLogits());
      break;
    case LossKind::Output:
      llvm_unreachable("loss=output builds nothing");
    }
    auto f32 = RankedTensorType::get({}, b.getF32Type());
    if (loss.getType() != f32)
      loss = ConvertOp::create(b, f32, loss);
    return loss;
  }

private:
  ImplicitLocOpBuilder &b;
  const LossSpec &spec;
  Value pred, labels;
  RankedTensorType predType;
  Type et;

  Value scalar(double v) {
    return createSplat(b, b.getLoc(), RankedTensorType::get({}, et), v);
  }
  Value add(Value x, Value y) { return AddOp::create(b, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, x, y); }

  /// Sum of all elements of `x`, as a 0-d tensor.
  Value sumAll(Value x) {
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    if (rank == 0)
      return x;
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, rank));
    return ReduceSumOp::create(b, x, axes, /*keep_dims=*/false);
  }

  /// Mean or sum (per `reduction`) of per-element losses.
  Value elementwiseLoss(Value perElement) {
    Value total = sumAll(perElement);
    if (!spec.mean)
      return total;
    return div(total, scalar(double(predType.getNumElements())));
  }

  Value squaredError() {
    Value d = sub(pred, labels);
    return mul(d, d);
  }

  /// max(x, 0) - x·y + log(1 + exp(-|x|)): never overflows exp.
  /// (Operands are built in separate statements so the IR's order does not
  /// depend on the compiler's argument evaluation order.)
  Value bceWithLogits() {
    Value zero = scalar(0.0);
    Value relu = MaxOp::create(b, pred, zero);
    Value expNegAbs =
        ExpOp::create(b, NegOp::create(b, AbsOp::create(b, pred)));
    Value one = scalar(1.0);
    Value softplus = LogOp::create(b, add(one, expNegAbs));
    return add(sub(relu, mul(pred, labels)), softplus);
  }

  /// log_softmax over the last (class) axis: z - max - log(sum(exp(z - max))).
  Value logSoftmax() {
    int64_t classAxis = predType.getRank() - 1;
    Value max = ReduceMaxOp::create(b, pred, {classAxis}, /*keep_dims=*/true);
    Value shifted = sub(pred, max);
    Value sumExp = ReduceSumOp::create(b, ExpOp::create(b, shifted),
                                       {classAxis}, /*keep_dims=*/true);
    return sub(shifted, LogOp::create(b, sumExp));
  }

  /// One-hot encoding [..., C] of the labels in the prediction's type. A
  /// label outside [0, C) gives a zero row, never an out-of-bounds read.
  Value oneHot() {
    int64_t classes = predType.getShape().back();
    auto i64 = b.getI64Type();
    SmallVector<int64_t> iota = llvm::to_vector(llvm::seq<int64_t>(0, classes));
    auto iotaType = RankedTensorType::get({classes}, i64);
    Value classIds = arith::ConstantOp::create(
        b, DenseElementsAttr::get(iotaType, ArrayRef<int64_t>(iota)));
    auto labelType = cast<RankedTensorType>(labels.getType());
    SmallVector<int64_t> column(labelType.getShape());
    column.push_back(1);
    Value labelColumn =
        ReshapeOp::create(b, labelType.clone(column), labels);
    Value hit = EqualOp::create(b, labelColumn, classIds);
    return ConvertOp::create(b, predType, hit);
  }

  /// torch.nn.functional.cross_entropy with label_smoothing ε and class
  /// weights w (1 when absent): per sample i with label y_i,
  ///   (1-ε)·w[y_i]·(-logp[i, y_i]) + (ε/C)·Σ_c w[c]·(-logp[i, c]),
  /// summed over samples; the mean divides by Σ_i w[y_i] (the sample count
  /// without weights), as torch does for both terms.
  Value crossEntropy() {
    int64_t classes = predType.getShape().back();
    Value logp = logSoftmax();
    Value onehot = oneHot();
    Value weights;
    if (!spec.classWeights.empty()) {
      auto wType = RankedTensorType::get({classes}, et);
      SmallVector<Attribute> ws;
      for (double w : spec.classWeights)
        ws.push_back(b.getFloatAttr(et, w));
      weights = arith::ConstantOp::create(b, DenseElementsAttr::get(wType, ws));
    }
    // coef[i, c] multiplies -logp[i, c] in the sum above.
    double eps = spec.smoothing;
    Value coef = onehot;
    if (eps != 0.0) {
      Value keep = scalar(1.0 - eps);
      Value spread = scalar(eps / double(classes));
      coef = add(mul(onehot, keep), spread);
    }
    if (weights)
      coef = mul(coef, weights);
    Value total = NegOp::create(b, sumAll(mul(coef, logp)));
    if (!spec.mean)
      return total;
    Value denom = weights ? sumAll(mul(onehot, weights))
                          : scalar(double(predType.getNumElements() / classes));
    return div(total, denom);
  }
};

struct AppendLossPass : tcc::impl::AppendLossPassBase<AppendLossPass> {
  using Base::Base;
  void runOnOperation() override;

private:
  FailureOr<LossSpec> parseOptions(Operation *anchor);
  FailureOr<RankedTensorType> labelType(func::FuncOp func, const LossSpec &spec,
                                        RankedTensorType pred);
};
} // namespace

FailureOr<LossSpec> AppendLossPass::parseOptions(Operation *anchor) {
  auto kind = llvm::StringSwitch<std::optional<LossKind>>(loss)
                  .Case("cross-entropy", LossKind::CrossEntropy)
                  .Case("mse", LossKind::MSE)
                  .Case("l1", LossKind::L1)
                  .Case("bce-with-logits", LossKind::BCEWithLogits)
                  .Case("output", LossKind::Output)
                  .Default(std::nullopt);
  if (!kind)
    return anchor->emitError("tcc-append-loss: unknown loss '")
           << loss << "' (expected cross-entropy, mse, l1, bce-with-logits "
           << "or output)";
  if (reduction != "mean" && reduction != "sum")
    return anchor->emitError("tcc-append-loss: unknown reduction '")
           << reduction << "' (expected mean or sum)";
  if (!(labelSmoothing >= 0.0 && labelSmoothing < 1.0))
    return anchor->emitError("tcc-append-loss: label-smoothing ")
           << labelSmoothing << " is outside [0, 1)";
  bool ce = *kind == LossKind::CrossEntropy;
  if (!ce && (labelSmoothing != 0.0 || !classWeights.empty()))
    return anchor->emitError("tcc-append-loss: label-smoothing and "
                             "class-weights apply only to cross-entropy");
  return LossSpec{*kind, reduction == "mean", labelSmoothing,
                  SmallVector<double>(classWeights.begin(), classWeights.end())};
}

/// The labels' type for a prediction of type `pred`, or a null type when the
/// loss takes no labels; failure (after a diagnostic) when the prediction
/// does not fit the loss.
FailureOr<RankedTensorType>
AppendLossPass::labelType(func::FuncOp func, const LossSpec &spec,
                          RankedTensorType pred) {
  bool isFloat = isa<FloatType>(pred.getElementType());
  switch (spec.kind) {
  case LossKind::Output:
    if (pred.getRank() != 0 || !pred.getElementType().isF32())
      return func.emitError("tcc-append-loss: loss 'output' needs the first "
                            "result to be the loss, a 0-d f32 tensor, but it "
                            "is ")
             << pred;
    return RankedTensorType();
  case LossKind::CrossEntropy: {
    if (!isFloat || pred.getRank() == 0)
      return func.emitError("tcc-append-loss: cross-entropy needs float "
                            "logits [..., C] as the first result, got ")
             << pred;
    int64_t classes = pred.getShape().back();
    if (classes == 0)
      return func.emitError("tcc-append-loss: the logits ")
             << pred << " have no classes";
    if (!spec.classWeights.empty() &&
        int64_t(spec.classWeights.size()) != classes)
      return func.emitError("tcc-append-loss: ")
             << spec.classWeights.size() << " class weights given for "
             << classes << " classes";
    return RankedTensorType::get(pred.getShape().drop_back(),
                                 IntegerType::get(func.getContext(), 64));
  }
  default:
    if (!isFloat)
      return func.emitError("tcc-append-loss: loss '")
             << loss << "' needs a float prediction, got " << pred;
    return pred;
  }
}

/// The argument marked `{tcc.label}` already, if any.
static std::optional<unsigned> existingLabelArg(func::FuncOp func) {
  for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
    if (func.getArgAttr(i, kLabelAttrName))
      return i;
  return std::nullopt;
}

void AppendLossPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto func = module.lookupSymbol<func::FuncOp>(function);
  if (!func) {
    module.emitError("tcc-append-loss: no function '") << function << "'";
    return signalPassFailure();
  }
  std::string lossName = function + "_loss";
  if (module.lookupSymbol(lossName)) {
    func.emitError("tcc-append-loss: '") << lossName << "' already exists";
    return signalPassFailure();
  }
  if (func.isExternal() || func.getNumResults() == 0) {
    func.emitError("tcc-append-loss: '")
        << function << "' needs a body and at least one result";
    return signalPassFailure();
  }
  FailureOr<LossSpec> spec = parseOptions(func);
  if (failed(spec))
    return signalPassFailure();
  auto predType = dyn_cast<RankedTensorType>(func.getResultTypes()[0]);
  if (!predType) {
    func.emitError("tcc-append-loss: the first result is not a ranked tensor");
    return signalPassFailure();
  }
  FailureOr<RankedTensorType> wantLabels = labelType(func, *spec, predType);
  if (failed(wantLabels))
    return signalPassFailure();

  // A forward that already takes labels (marked {tcc.label}) keeps them.
  std::optional<unsigned> labelArg = existingLabelArg(func);
  if (labelArg && *wantLabels &&
      func.getArgumentTypes()[*labelArg] != *wantLabels) {
    func.emitError("tcc-append-loss: the labels (argument ")
        << *labelArg << ") have type " << func.getArgumentTypes()[*labelArg]
        << " but loss '" << loss << "' on a prediction " << predType
        << " needs " << *wantLabels;
    return signalPassFailure();
  }

  auto lossFunc = func.clone();
  lossFunc.setName(lossName);
  module.getBody()->getOperations().insertAfter(func->getIterator(), lossFunc);
  Block &body = lossFunc.getBody().front();
  Value labels;
  if (labelArg) {
    labels = body.getArgument(*labelArg);
  } else if (*wantLabels) {
    unsigned idx = lossFunc.getNumArguments();
    auto attrs = DictionaryAttr::get(
        &getContext(),
        {NamedAttribute(kLabelAttrName, UnitAttr::get(&getContext()))});
    if (failed(lossFunc.insertArgument(idx, *wantLabels, attrs, func.getLoc())))
      return signalPassFailure();
    labels = body.getArgument(idx);
  }

  // loss=output: the forward's first result already is the loss.
  if (spec->kind == LossKind::Output)
    return;
  // One return (the importer's form); with several, each gets the loss.
  auto f32 = RankedTensorType::get({}, Float32Type::get(&getContext()));
  if (failed(lossFunc.insertResult(0, f32, DictionaryAttr())))
    return signalPassFailure();
  lossFunc.walk([&](func::ReturnOp ret) {
    // Named, as the importer names node ops: diagnostics and kernel
    // profiles say "loss".
    ImplicitLocOpBuilder b(
        NameLoc::get(StringAttr::get(&getContext(), "loss"), ret.getLoc()),
        ret);
    Value lossValue = LossBuilder(b, *spec, ret.getOperand(0), labels).build();
    ret->insertOperands(0, lossValue);
  });
}
