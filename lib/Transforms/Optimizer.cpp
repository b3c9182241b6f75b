//===- Optimizer.cpp - training and evaluation steps ----------------------===//
//
// Builds @train_step from the loss-and-gradients function: gradient
// accumulation over micro-batches, regularization terms, global-norm
// clipping, the learning-rate schedule and one torch.optim-equivalent
// parameter update; and @eval_step from the (inference-mode) loss function.
// Everything is tcc ops on tensors, so the result lowers like any model.
// The semantics are documented with the pass in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "OptimizerSupport.h"
#include "tcc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>
#include <limits>

namespace mlir::tcc {
#define GEN_PASS_DEF_OPTIMIZERPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::optimizer;

// Attributes of the training contract beyond those in Passes.h.
static constexpr llvm::StringLiteral kStateAttr = kStateAttrName;
static constexpr llvm::StringLiteral kGradAttr = kGradAttrName;
static constexpr llvm::StringLiteral kStateUpdateAttr = kStateUpdateAttrName;
static constexpr llvm::StringLiteral kParamUpdateAttr = kParamUpdateAttrName;
static constexpr llvm::StringLiteral kStepAttr = kStepAttrName;
static constexpr llvm::StringLiteral kLossAttr = kLossAttrName;

//===----------------------------------------------------------------------===//
// Configuration
//===----------------------------------------------------------------------===//

namespace {
enum class OptKind { SGD, Momentum, Nesterov, Adam, AdamW, Adagrad, RMSprop, Lamb };

struct OptimizerConfig {
  OptKind kind = OptKind::SGD;
  double lr = 0, momentum = 0.9, weightDecay = 0, beta1 = 0.9, beta2 = 0.999,
         eps = 1e-8, alpha = 0.99;
  int64_t gradAccum = 1;
  double clipGradNorm = 0, l1 = 0, l2 = 0;
  ScheduleConfig schedule;
};
} // namespace

/// Per-parameter state slots, named as in torch.optim's state dicts.
static ArrayRef<StringRef> slotNames(OptKind kind) {
  static const StringRef momentum[] = {"momentum_buffer"};
  static const StringRef adam[] = {"exp_avg", "exp_avg_sq"};
  static const StringRef adagrad[] = {"sum"};
  static const StringRef rmsprop[] = {"square_avg"};
  switch (kind) {
  case OptKind::SGD:
    return {};
  case OptKind::Momentum:
  case OptKind::Nesterov:
    return momentum;
  case OptKind::Adam:
  case OptKind::AdamW:
  case OptKind::Lamb:
    return adam;
  case OptKind::Adagrad:
    return adagrad;
  case OptKind::RMSprop:
    return rmsprop;
  }
  llvm_unreachable("unknown optimizer");
}

//===----------------------------------------------------------------------===//
// The loss-and-gradients function's signature
//===----------------------------------------------------------------------===//

namespace {
/// Roles of the arguments and results of `@forward_loss_grad`.
struct Signature {
  SmallVector<unsigned> params, states, inputs, labels; // argument indices
  DenseMap<unsigned, unsigned> gradOf;        // param arg -> result index
  DenseMap<unsigned, unsigned> stateUpdateOf; // state arg -> result index
};
} // namespace

static StringAttr symbolOf(func::FuncOp f, unsigned arg, StringRef attr) {
  auto ref = f.getArgAttrOfType<FlatSymbolRefAttr>(arg, attr);
  return ref ? ref.getAttr() : StringAttr();
}

static bool isFloatTensor(Type t) {
  auto tt = dyn_cast<RankedTensorType>(t);
  return tt && isa<FloatType>(tt.getElementType()) && tt.hasStaticShape();
}

/// Maps each `{attr = @name}` result to the argument named `@name` with
/// `argAttr`, checking the types agree.
static LogicalResult
matchResults(func::FuncOp f, StringRef attr, StringRef argAttr,
             ArrayRef<unsigned> args, DenseMap<unsigned, unsigned> &out) {
  DenseMap<StringAttr, unsigned> byName;
  for (unsigned a : args)
    byName[symbolOf(f, a, argAttr)] = a;
  for (unsigned r = 0, e = f.getNumResults(); r < e; ++r) {
    auto ref = f.getResultAttrOfType<FlatSymbolRefAttr>(r, attr);
    if (!ref)
      continue;
    auto it = byName.find(ref.getAttr());
    if (it == byName.end())
      return f.emitError("tcc-optimizer: result ")
             << r << " has {" << attr << " = " << ref
             << "} but no argument has {" << argAttr << " = " << ref << "}";
    if (f.getResultTypes()[r] != f.getArgumentTypes()[it->second])
      return f.emitError("tcc-optimizer: result ")
             << r << " (" << attr << " = " << ref << ") has type "
             << f.getResultTypes()[r] << " but its argument has type "
             << f.getArgumentTypes()[it->second];
    if (!out.try_emplace(it->second, r).second)
      return f.emitError("tcc-optimizer: two results have {")
             << attr << " = " << ref << "}";
  }
  return success();
}

static FailureOr<Signature> analyze(func::FuncOp f) {
  if (!llvm::hasSingleElement(f.getBody()))
    return f.emitError("tcc-optimizer: '")
           << f.getSymName() << "' must have a body of one block";
  if (f.getNumResults() == 0 || !isFloatTensor(f.getResultTypes()[0]) ||
      cast<RankedTensorType>(f.getResultTypes()[0]).getRank() != 0)
    return f.emitError("tcc-optimizer: the first result of '")
           << f.getSymName() << "' must be the loss, a 0-d float tensor";
  Signature sig;
  for (unsigned i = 0, e = f.getNumArguments(); i < e; ++i) {
    Type t = f.getArgumentTypes()[i];
    auto tt = dyn_cast<RankedTensorType>(t);
    if (!tt || !tt.hasStaticShape())
      return f.emitError("tcc-optimizer: argument ")
             << i << " of '" << f.getSymName()
             << "' must be a statically shaped tensor, not " << t;
    bool isParam = bool(symbolOf(f, i, kParamAttrName));
    bool isState = bool(symbolOf(f, i, kStateAttr));
    if ((isParam || isState) && !isFloatTensor(t))
      return f.emitError("tcc-optimizer: parameter or state argument ")
             << i << " must be a float tensor, not " << t;
    if (isParam)
      sig.params.push_back(i);
    else if (isState)
      sig.states.push_back(i);
    else if (f.getArgAttr(i, kLabelAttrName))
      sig.labels.push_back(i);
    else
      sig.inputs.push_back(i);
  }
  if (failed(matchResults(f, kGradAttr, kParamAttrName, sig.params,
                          sig.gradOf)) ||
      failed(matchResults(f, kStateUpdateAttr, kStateAttr, sig.states,
                          sig.stateUpdateOf)))
    return failure();
  return sig;
}

/// Clones `callee`'s body (one block) at `b`'s insertion point with its
/// arguments replaced by `args`; returns the values it returns.
static SmallVector<Value>
inlineBody(OpBuilder &b, func::FuncOp callee, ValueRange args,
           SmallVectorImpl<Operation *> *cloned = nullptr) {
  Block &body = callee.getBody().front();
  IRMapping map;
  map.map(body.getArguments(), args);
  for (Operation &op : body.without_terminator()) {
    Operation *copy = b.clone(op, map);
    if (cloned)
      cloned->push_back(copy);
  }
  return llvm::map_to_vector(body.getTerminator()->getOperands(),
                             [&](Value v) { return map.lookupOrDefault(v); });
}

/// Dropout masks must differ from step to step (as PyTorch's do), yet stay
/// a pure function of the step so a resumed run repeats them exactly: every
/// `tcc.random_uniform` among the `inlined` ops gets its seed mixed with the
/// micro-batch number `step * microBatches + k`.
static void reseedRandomness(OpBuilder &b, Location loc,
                             ArrayRef<Operation *> inlined, Value step,
                             int64_t k, int64_t microBatches) {
  for (Operation *op : inlined) {
    auto r = dyn_cast<RandomUniformOp>(op);
    if (!r)
      continue;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(r);
    auto i64 = cast<RankedTensorType>(r.getSeed().getType());
    Value n = MulOp::create(b, loc, step, createSplat(b, loc, i64, double(microBatches)));
    n = AddOp::create(b, loc, n, createSplat(b, loc, i64, double(k + 1)));
    // Spread consecutive numbers over the seed space (golden-ratio constant).
    Value golden = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(i64, b.getI64IntegerAttr(int64_t(0x9E3779B97F4A7C15ull))));
    Value seed = AddOp::create(b, loc, r.getSeed(), MulOp::create(b, loc, n, golden));
    r.getSeedMutable().assign(seed);
  }
}

//===----------------------------------------------------------------------===//
// Parameter updates (torch.optim 1.13, single-tensor code paths; scalars
// combine in f64 as Python floats do, then round to the parameter's type)
//===----------------------------------------------------------------------===//

namespace {
/// Step-dependent scalars (0-d f64 tensors), computed once per step.
struct StepScalars {
  Value lr;       // the scheduled learning rate
  Value bc1, bc2; // bias corrections 1 - beta^t, t counted from 1
};

class ParamUpdater {
public:
  ParamUpdater(TensorMath &m, const OptimizerConfig &c, const StepScalars &s)
      : m(m), c(c), s(s) {}

  /// The new parameter and slots from gradient `g`.
  SmallVector<Value> update(Value p, Value g, ArrayRef<Value> slots) {
    switch (c.kind) {
    case OptKind::SGD:
    case OptKind::Momentum:
    case OptKind::Nesterov:
      return sgd(p, g, slots);
    case OptKind::Adam:
    case OptKind::AdamW:
      return adam(p, g, slots);
    case OptKind::Adagrad:
      return adagrad(p, g, slots);
    case OptKind::RMSprop:
      return rmsprop(p, g, slots);
    case OptKind::Lamb:
      return lamb(p, g, slots);
    }
    llvm_unreachable("unknown optimizer");
  }

private:
  Value k(Value like, double v) { return m.scalarLike(like, v); }
  /// An f64 step scalar in `like`'s element type.
  Value as(Value scalar, Value like) {
    return m.convert(scalar, cast<RankedTensorType>(like.getType()).getElementType());
  }
  /// grad.add(param, alpha=weight_decay)
  Value decayed(Value p, Value g) {
    return c.weightDecay == 0 ? g : m.add(g, m.mul(k(p, c.weightDecay), p));
  }
  /// param.addcdiv_(t1, t2, value=v): p + v * t1 / t2
  Value addcdiv(Value p, Value v, Value t1, Value t2) {
    return m.add(p, m.div(m.mul(v, t1), t2));
  }
  /// ema.mul_(beta).add_(g, alpha=1-beta)
  Value ema(Value avg, Value g, double beta) {
    return m.add(m.mul(avg, k(avg, beta)), m.mul(k(g, 1 - beta), g));
  }
  /// avg.mul_(beta).addcmul_(g, g, value=1-beta)
  Value emaSquare(Value avg, Value g, double beta) {
    return m.add(m.mul(avg, k(avg, beta)), m.mul(m.mul(k(g, 1 - beta), g), g));
  }
  Value negLr(Value like) { return as(m.neg(s.lr), like); }

  SmallVector<Value> sgd(Value p, Value g, ArrayRef<Value> slots) {
    Value d = decayed(p, g);
    SmallVector<Value> out{Value()};
    if (c.kind != OptKind::SGD) {
      // A zero buffer times momentum plus d is d: torch's first-step clone.
      Value buf = m.add(m.mul(slots[0], k(p, c.momentum)), d);
      d = c.kind == OptKind::Nesterov ? m.add(d, m.mul(k(p, c.momentum), buf))
                                      : buf;
      out.push_back(buf);
    }
    out[0] = m.add(p, m.mul(negLr(p), d));
    return out;
  }

  SmallVector<Value> adam(Value p, Value g, ArrayRef<Value> slots) {
    if (c.kind == OptKind::AdamW) // param.mul_(1 - lr * weight_decay)
      p = m.mul(p, as(m.sub(m.f64(1.0), m.mul(s.lr, m.f64(c.weightDecay))), p));
    else
      g = decayed(p, g);
    Value expAvg = ema(slots[0], g, c.beta1);
    Value expAvgSq = emaSquare(slots[1], g, c.beta2);
    Value negStepSize = m.neg(m.div(s.lr, s.bc1));
    Value denom = m.add(m.div(m.sqrt(expAvgSq), as(m.sqrt(s.bc2), p)),
                        k(p, c.eps));
    return {addcdiv(p, as(negStepSize, p), expAvg, denom), expAvg, expAvgSq};
  }

  SmallVector<Value> adagrad(Value p, Value g, ArrayRef<Value> slots) {
    g = decayed(p, g);
    Value sum = m.add(slots[0], m.mul(g, g));
    Value std = m.add(m.sqrt(sum), k(p, c.eps));
    return {addcdiv(p, negLr(p), g, std), sum};
  }

  SmallVector<Value> rmsprop(Value p, Value g, ArrayRef<Value> slots) {
    g = decayed(p, g);
    Value squareAvg = emaSquare(slots[0], g, c.alpha);
    Value avg = m.add(m.sqrt(squareAvg), k(p, c.eps));
    return {addcdiv(p, negLr(p), g, avg), squareAvg};
  }

  /// You et al. 2019, Algorithm 2, with the trust ratio per tensor.
  SmallVector<Value> lamb(Value p, Value g, ArrayRef<Value> slots) {
    Value expAvg = ema(slots[0], g, c.beta1);
    Value expAvgSq = emaSquare(slots[1], g, c.beta2);
    Value mHat = m.div(expAvg, as(s.bc1, p));
    Value vHat = m.div(expAvgSq, as(s.bc2, p));
    Value r = m.div(mHat, m.add(m.sqrt(vHat), k(p, c.eps)));
    if (c.weightDecay != 0)
      r = m.add(r, m.mul(k(p, c.weightDecay), p));
    Value pNorm = m.norm(p), rNorm = m.norm(r);
    Value zero = k(pNorm, 0.0);
    Value bothPositive =
        m.logicalAnd(m.less(zero, pNorm), m.less(zero, rNorm));
    Value ratio = m.select(bothPositive, m.div(pNorm, rNorm), k(pNorm, 1.0));
    Value newP = m.add(p, m.mul(m.mul(negLr(p), ratio), r));
    return {newP, expAvg, expAvgSq};
  }

  TensorMath &m;
  const OptimizerConfig &c;
  const StepScalars &s;
};
} // namespace

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {
struct OptimizerPass : tcc::impl::OptimizerPassBase<OptimizerPass> {
  using Base::Base;

  void runOnOperation() override;

private:
  FailureOr<OptimizerConfig> parseConfig();
  LogicalResult buildTrainStep(func::FuncOp grad, const Signature &sig,
                               const OptimizerConfig &config);
  LogicalResult buildEvalStep(func::FuncOp grad, const Signature &sig);
  InFlightDiagnostic error() { return getOperation().emitError(); }
};
} // namespace

FailureOr<OptimizerConfig> OptimizerPass::parseConfig() {
  OptimizerConfig c;
  auto kind = llvm::StringSwitch<std::optional<OptKind>>(optimizer)
                  .Case("sgd", OptKind::SGD)
                  .Case("momentum", OptKind::Momentum)
                  .Case("nesterov", OptKind::Nesterov)
                  .Case("adam", OptKind::Adam)
                  .Case("adamw", OptKind::AdamW)
                  .Case("adagrad", OptKind::Adagrad)
                  .Case("rmsprop", OptKind::RMSprop)
                  .Case("lamb", OptKind::Lamb)
                  .Default(std::nullopt);
  if (!kind)
    return error() << "tcc-optimizer: unknown optimizer '" << optimizer
                   << "' (expected sgd, momentum, nesterov, adam, adamw, "
                      "adagrad, rmsprop or lamb)";
  c.kind = *kind;
  bool isSgd = c.kind == OptKind::SGD || c.kind == OptKind::Momentum ||
               c.kind == OptKind::Nesterov;
  // torch.optim's defaults where an option was not given.
  // Unset options are NaN (also when the pass is built from an options
  // struct, where every option counts as given).
  if (!std::isnan(lr))
    c.lr = lr;
  else if (isSgd)
    return error() << "tcc-optimizer: optimizer '" << optimizer
                   << "' needs lr (torch.optim.SGD has no default)";
  else
    c.lr = (c.kind == OptKind::Adagrad || c.kind == OptKind::RMSprop) ? 1e-2
                                                                        : 1e-3;
  c.weightDecay = !std::isnan(weightDecay) ? double(weightDecay)
                  : c.kind == OptKind::AdamW ? 1e-2
                                             : 0.0;
  c.eps = !std::isnan(eps) ? double(eps)
          : c.kind == OptKind::Adagrad ? 1e-10
          : c.kind == OptKind::Lamb    ? 1e-6
                                       : 1e-8;
  c.momentum = isSgd && c.kind != OptKind::SGD ? double(momentum) : 0.0;
  c.alpha = alpha;
  if (!betas.empty()) {
    if (betas.size() != 2)
      return error() << "tcc-optimizer: betas needs two values, got "
                     << betas.size();
    c.beta1 = betas[0];
    c.beta2 = betas[1];
  }
  c.gradAccum = gradAccum;
  c.clipGradNorm = clipGradNorm;
  c.l1 = l1;
  c.l2 = l2;

  auto check = [&](bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    return error() << "tcc-optimizer: " << what;
  };
  // Written so that NaN fails each check.
  if (failed(check(c.lr >= 0, "lr must be >= 0")) ||
      failed(check(c.weightDecay >= 0, "weight-decay must be >= 0")) ||
      failed(check(c.eps >= 0, "eps must be >= 0")) ||
      failed(check(c.beta1 >= 0 && c.beta1 < 1 && c.beta2 >= 0 && c.beta2 < 1,
                   "betas must be in [0, 1)")) ||
      failed(check(c.alpha >= 0, "alpha must be >= 0")) ||
      failed(check(!isSgd || c.kind == OptKind::SGD || c.momentum > 0,
                   "momentum must be > 0 for the momentum and nesterov "
                   "optimizers")) ||
      failed(check(c.gradAccum >= 1, "grad-accum must be >= 1")) ||
      failed(check(c.clipGradNorm >= 0, "clip-grad-norm must be >= 0")) ||
      failed(check(c.l1 >= 0 && c.l2 >= 0, "l1 and l2 must be >= 0")))
    return failure();

  c.schedule.kind = lrSchedule;
  c.schedule.lr = c.lr;
  c.schedule.stepSize = stepSize;
  c.schedule.gamma = gamma;
  c.schedule.warmupSteps = warmupSteps;
  c.schedule.totalSteps = totalSteps;
  c.schedule.pctStart = pctStart;
  c.schedule.divFactor = divFactor;
  c.schedule.finalDivFactor = finalDivFactor;
  if (failed(verifySchedule(c.schedule, [&] { return error(); })))
    return failure();
  return c;
}

void OptimizerPass::runOnOperation() {
  ModuleOp module = getOperation();
  FailureOr<OptimizerConfig> config = parseConfig();
  if (failed(config))
    return signalPassFailure();
  auto grad = module.lookupSymbol<func::FuncOp>(function);
  if (!grad) {
    error() << "tcc-optimizer: no function '" << function << "'";
    return signalPassFailure();
  }
  for (StringRef name : {"train_step", "eval_step"})
    if (module.lookupSymbol(name)) {
      error() << "tcc-optimizer: the module already has a symbol '" << name
              << "'";
      return signalPassFailure();
    }
  FailureOr<Signature> sig = analyze(grad);
  if (failed(sig) || failed(buildTrainStep(grad, *sig, *config)) ||
      failed(buildEvalStep(grad, *sig)))
    return signalPassFailure();
}

//===----------------------------------------------------------------------===//
// @train_step
//===----------------------------------------------------------------------===//

namespace {
/// Builds the body of @train_step; one instance per pass run.
class TrainStepBuilder {
public:
  TrainStepBuilder(func::FuncOp grad, const Signature &sig,
                   const OptimizerConfig &c)
      : grad(grad), sig(sig), c(c) {}

  LogicalResult build(ModuleOp module);

private:
  /// Parameters with a gradient: those the optimizer updates.
  SmallVector<unsigned> trainedParams() const {
    return llvm::filter_to_vector(sig.params,
                                  [&](unsigned a) { return sig.gradOf.count(a); });
  }
  std::string slotName(unsigned param, StringRef slot) const {
    return (symbolOf(grad, param, kParamAttrName).getValue() + "." + slot).str();
  }
  LogicalResult createSignature(ModuleOp module);
  void runMicroBatches(TensorMath &m);
  void regularize(TensorMath &m);
  void clip(TensorMath &m);
  SmallVector<Value> applyOptimizer(TensorMath &m);

  func::FuncOp grad;
  const Signature &sig;
  const OptimizerConfig &c;

  func::FuncOp step;
  // Block arguments of @train_step by role.
  DenseMap<unsigned, Value> argOf; // grad-function argument -> train arg
  SmallVector<SmallVector<Value>> slotArgs; // per trained param
  Value stepArg;
  // Running values while building.
  DenseMap<unsigned, Value> gradOf;  // param arg -> gradient
  DenseMap<unsigned, Value> stateOf; // state arg -> current value
  Value loss;
};
} // namespace

LogicalResult TrainStepBuilder::createSignature(ModuleOp module) {
  MLIRContext *ctx = module.getContext();
  OpBuilder b(ctx);
  Location loc = grad.getLoc();
  SmallVector<Type> argTypes;
  SmallVector<DictionaryAttr> argAttrs;
  auto addArg = [&](Type t, DictionaryAttr attrs) {
    argTypes.push_back(t);
    argAttrs.push_back(attrs ? attrs : b.getDictionaryAttr({}));
  };
  for (unsigned a : sig.params)
    addArg(grad.getArgumentTypes()[a], grad.getArgAttrDict(a));
  for (unsigned a : sig.states)
    addArg(grad.getArgumentTypes()[a], grad.getArgAttrDict(a));

  // Optimizer state: one zero-initialized global per slot.
  b.setInsertionPoint(grad);
  SymbolTable symbols(module);
  for (unsigned p : trainedParams()) {
    auto type = cast<RankedTensorType>(grad.getArgumentTypes()[p]);
    for (StringRef slot : slotNames(c.kind)) {
      std::string name = slotName(p, slot);
      if (symbols.lookup(name))
        return grad.emitError("tcc-optimizer: cannot create the optimizer "
                              "state global '@")
               << name << "': the symbol exists";
      auto zero = DenseElementsAttr::get(
          type, b.getFloatAttr(type.getElementType(), 0.0));
      ml_program::GlobalOp::create(b, loc, name, type, /*is_mutable=*/false,
                                   zero, b.getStringAttr("private"));
      addArg(type, b.getDictionaryAttr(b.getNamedAttr(
                       kStateAttr, FlatSymbolRefAttr::get(ctx, name))));
    }
  }
  // Inputs and labels hold gradAccum micro-batches along dimension 0.
  for (ArrayRef<unsigned> group : {ArrayRef<unsigned>(sig.inputs), ArrayRef<unsigned>(sig.labels)})
    for (unsigned a : group) {
      auto type = cast<RankedTensorType>(grad.getArgumentTypes()[a]);
      if (c.gradAccum > 1) {
        if (type.getRank() == 0)
          return grad.emitError("tcc-optimizer: grad-accum needs a batch "
                                "dimension, but argument ")
                 << a << " is 0-d";
        SmallVector<int64_t> shape(type.getShape());
        shape[0] *= c.gradAccum;
        type = type.clone(shape);
      }
      addArg(type, grad.getArgAttrDict(a));
    }
  addArg(RankedTensorType::get({}, b.getI64Type()),
         b.getDictionaryAttr(b.getNamedAttr(kStepAttr, b.getUnitAttr())));

  // Results: params', state', optimizer state', loss.
  SmallVector<Type> resultTypes;
  for (unsigned i = 0, e = sig.params.size() + sig.states.size(); i < e; ++i)
    resultTypes.push_back(argTypes[i]);
  size_t numSlotArgs = trainedParams().size() * slotNames(c.kind).size();
  for (size_t i = 0; i < numSlotArgs; ++i)
    resultTypes.push_back(argTypes[sig.params.size() + sig.states.size() + i]);
  resultTypes.push_back(grad.getResultTypes()[0]);

  b.setInsertionPointAfter(grad);
  step = func::FuncOp::create(b, loc, "train_step",
                              b.getFunctionType(argTypes, resultTypes));
  step.setAllArgAttrs(argAttrs);
  if (c.gradAccum > 1)
    step->setAttr("tcc.grad_accum", b.getI64IntegerAttr(c.gradAccum));
  Block *entry = step.addEntryBlock();

  // Name the block arguments by role.
  unsigned next = 0;
  for (ArrayRef<unsigned> group : {ArrayRef<unsigned>(sig.params), ArrayRef<unsigned>(sig.states)})
    for (unsigned a : group)
      argOf[a] = entry->getArgument(next++);
  for (unsigned p : trainedParams()) {
    (void)p;
    auto &slots = slotArgs.emplace_back();
    for (size_t s = 0; s < slotNames(c.kind).size(); ++s)
      slots.push_back(entry->getArgument(next++));
  }
  for (ArrayRef<unsigned> group : {ArrayRef<unsigned>(sig.inputs), ArrayRef<unsigned>(sig.labels)})
    for (unsigned a : group)
      argOf[a] = entry->getArgument(next++);
  stepArg = entry->getArgument(next);
  return success();
}

/// Runs the loss-and-gradients body once per micro-batch; the gradients and
/// losses are averaged, state flows from one micro-batch to the next.
void TrainStepBuilder::runMicroBatches(TensorMath &m) {
  OpBuilder &b = m.builder();
  for (unsigned a : sig.states)
    stateOf[a] = argOf[a];
  for (int64_t k = 0; k < c.gradAccum; ++k) {
    SmallVector<Value> args;
    for (unsigned a = 0, e = grad.getNumArguments(); a < e; ++a) {
      Value v = stateOf.lookup(a);
      if (!v)
        v = argOf[a];
      auto type = cast<RankedTensorType>(grad.getArgumentTypes()[a]);
      if (c.gradAccum > 1 && v.getType() != type) { // a micro-batch slice
        SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
        starts[0] = k * type.getDimSize(0);
        v = SliceOp::create(b, m.location(), type, v,
                            b.getDenseI64ArrayAttr(starts),
                            b.getDenseI64ArrayAttr(steps));
      }
      args.push_back(v);
    }
    SmallVector<Operation *> inlined;
    SmallVector<Value> results = inlineBody(b, grad, args, &inlined);
    reseedRandomness(b, m.location(), inlined, stepArg, k, c.gradAccum);
    auto accumulate = [&](Value &sum, Value v) {
      sum = sum ? m.add(sum, v) : v;
    };
    accumulate(loss, results[0]);
    for (unsigned a : trainedParams())
      accumulate(gradOf[a], results[sig.gradOf.lookup(a)]);
    for (auto [state, r] : sig.stateUpdateOf)
      stateOf[state] = results[r];
  }
  if (c.gradAccum == 1)
    return;
  Value count = m.scalarLike(loss, double(c.gradAccum));
  loss = m.div(loss, count);
  for (unsigned a : trainedParams())
    gradOf[a] = m.div(gradOf[a], m.scalarLike(gradOf[a], double(c.gradAccum)));
}

/// Adds l1 * sum|p| + l2 * sum p^2 over all trained parameters to the loss
/// and its gradient to each parameter's gradient.
void TrainStepBuilder::regularize(TensorMath &m) {
  if (c.l1 == 0 && c.l2 == 0)
    return;
  for (unsigned a : trainedParams()) {
    Value p = argOf[a];
    Value &g = gradOf[a];
    Type lossType = cast<RankedTensorType>(loss.getType()).getElementType();
    if (c.l1 != 0) {
      Value term = m.mul(m.scalarLike(p, c.l1), m.sumAll(m.abs(p)));
      loss = m.add(loss, m.convert(term, lossType));
      g = m.add(g, m.mul(m.scalarLike(g, c.l1), m.sign(p)));
    }
    if (c.l2 != 0) {
      Value term = m.mul(m.scalarLike(p, c.l2), m.sumAll(m.mul(p, p)));
      loss = m.add(loss, m.convert(term, lossType));
      g = m.add(g, m.mul(m.scalarLike(g, 2 * c.l2), p));
    }
  }
}

/// torch.nn.utils.clip_grad_norm_: every gradient times
/// min(1, max_norm / (total_norm + 1e-6)).
void TrainStepBuilder::clip(TensorMath &m) {
  if (c.clipGradNorm == 0 || gradOf.empty())
    return;
  Value sumSquares;
  for (unsigned a : trainedParams()) {
    Value g = gradOf[a];
    Value sq = m.toF32(m.sumAll(m.mul(g, g)));
    sumSquares = sumSquares ? m.add(sumSquares, sq) : sq;
  }
  Value norm = m.sqrt(sumSquares);
  Value coef = m.div(m.f32(c.clipGradNorm), m.add(norm, m.f32(1e-6)));
  coef = m.min(coef, m.f32(1.0));
  for (unsigned a : trainedParams()) {
    Value &g = gradOf[a];
    g = m.mul(g, m.convert(coef, cast<RankedTensorType>(g.getType())
                                     .getElementType()));
  }
}

/// The updated parameters followed by the updated slots, parameter by
/// parameter (trained parameters only).
SmallVector<Value> TrainStepBuilder::applyOptimizer(TensorMath &m) {
  StepScalars s;
  Value done = m.toF64(stepArg);
  s.lr = buildLearningRate(m, done, c.schedule);
  if (llvm::is_contained({OptKind::Adam, OptKind::AdamW, OptKind::Lamb},
                         c.kind)) {
    Value count = m.add(done, m.f64(1.0)); // this step, counted from 1
    s.bc1 = m.sub(m.f64(1.0), m.pow(m.f64(c.beta1), count));
    s.bc2 = m.sub(m.f64(1.0), m.pow(m.f64(c.beta2), count));
  }
  ParamUpdater updater(m, c, s);
  SmallVector<Value> params, slots;
  for (auto [i, a] : llvm::enumerate(trainedParams())) {
    SmallVector<Value> out = updater.update(argOf[a], gradOf[a], slotArgs[i]);
    params.push_back(out[0]);
    llvm::append_range(slots, ArrayRef<Value>(out).drop_front());
  }
  return llvm::to_vector(llvm::concat<Value>(params, slots));
}

LogicalResult TrainStepBuilder::build(ModuleOp module) {
  if (failed(createSignature(module)))
    return failure();
  OpBuilder b = OpBuilder::atBlockBegin(&step.getBody().front());
  // Named like the importer's node ops, for diagnostics and profiles.
  TensorMath m(b, NameLoc::get(b.getStringAttr("optimizer"), grad.getLoc()));
  runMicroBatches(m);
  regularize(m);
  clip(m);
  SmallVector<Value> updated = applyOptimizer(m);

  // Results in argument order; parameters without a gradient pass through.
  MLIRContext *ctx = module.getContext();
  SmallVector<Value> results;
  SmallVector<Value> newParams(ArrayRef<Value>(updated).take_front(
      trainedParams().size()));
  ArrayRef<Value> newSlots = ArrayRef<Value>(updated).drop_front(newParams.size());
  unsigned trained = 0, r = 0;
  auto setAttr = [&](StringRef name, StringAttr symbol) {
    step.setResultAttr(r++, name, FlatSymbolRefAttr::get(symbol));
  };
  for (unsigned a : sig.params) {
    results.push_back(sig.gradOf.count(a) ? newParams[trained++] : argOf[a]);
    setAttr(kParamUpdateAttr, symbolOf(grad, a, kParamAttrName));
  }
  for (unsigned a : sig.states) {
    results.push_back(stateOf[a]);
    setAttr(kStateUpdateAttr, symbolOf(grad, a, kStateAttr));
  }
  unsigned slot = 0;
  for (unsigned p : trainedParams())
    for (StringRef name : slotNames(c.kind)) {
      results.push_back(newSlots[slot++]);
      setAttr(kStateUpdateAttr, StringAttr::get(ctx, slotName(p, name)));
    }
  results.push_back(loss);
  step.setResultAttr(r, kLossAttr, UnitAttr::get(ctx));
  func::ReturnOp::create(b, grad.getLoc(), results);
  return success();
}

LogicalResult OptimizerPass::buildTrainStep(func::FuncOp grad,
                                            const Signature &sig,
                                            const OptimizerConfig &config) {
  return TrainStepBuilder(grad, sig, config).build(getOperation());
}

//===----------------------------------------------------------------------===//
// @eval_step
//===----------------------------------------------------------------------===//

/// What identifies an argument across the training functions: its role and
/// name (or its position among unnamed arguments of that role).
static std::string argKey(func::FuncOp f, unsigned arg, unsigned &unnamedInputs,
                          unsigned &labels) {
  if (StringAttr s = symbolOf(f, arg, kParamAttrName))
    return ("param:" + s.getValue()).str();
  if (StringAttr s = symbolOf(f, arg, kStateAttr))
    return ("state:" + s.getValue()).str();
  if (f.getArgAttr(arg, kLabelAttrName))
    return "label#" + std::to_string(labels++);
  if (auto s = f.getArgAttrOfType<StringAttr>(arg, kInputAttrName))
    return ("input:" + s.getValue()).str();
  return "input#" + std::to_string(unnamedInputs++);
}

LogicalResult OptimizerPass::buildEvalStep(func::FuncOp grad,
                                           const Signature &sig) {
  ModuleOp module = getOperation();
  std::string name = evalFunction;
  if (name.empty())
    name = module.lookupSymbol<func::FuncOp>("forward_eval_loss")
               ? "forward_eval_loss"
               : "forward_loss";
  auto eval = module.lookupSymbol<func::FuncOp>(name);
  if (!eval)
    return error() << "tcc-optimizer: no evaluation function '" << name << "'";
  if (!llvm::hasSingleElement(eval.getBody()) || eval.getNumResults() == 0)
    return eval.emitError("tcc-optimizer: the evaluation function must have "
                          "one block and return the loss first");

  // @eval_step takes @train_step's arguments but the step, with the
  // model's own (one micro-batch) input shapes.
  auto train = module.lookupSymbol<func::FuncOp>("train_step");
  unsigned numArgs = train.getNumArguments() - 1;
  SmallVector<Type> argTypes(train.getArgumentTypes().drop_back());
  unsigned inputsBegin = numArgs - sig.inputs.size() - sig.labels.size();
  unsigned next = inputsBegin;
  for (ArrayRef<unsigned> group : {ArrayRef<unsigned>(sig.inputs), ArrayRef<unsigned>(sig.labels)})
    for (unsigned a : group)
      argTypes[next++] = grad.getArgumentTypes()[a];

  SmallVector<unsigned> preds;
  for (unsigned r = 1, e = eval.getNumResults(); r < e; ++r)
    if (!eval.getResultAttr(r, kStateUpdateAttr) &&
        !eval.getResultAttr(r, kGradAttr))
      preds.push_back(r);
  SmallVector<Type> resultTypes{eval.getResultTypes()[0]};
  for (unsigned r : preds)
    resultTypes.push_back(eval.getResultTypes()[r]);

  OpBuilder b(module.getContext());
  b.setInsertionPointAfter(train);
  auto evalStep = func::FuncOp::create(b, eval.getLoc(), "eval_step",
                                       b.getFunctionType(argTypes, resultTypes));
  for (unsigned i = 0; i < numArgs; ++i)
    evalStep.setArgAttrs(i, train.getArgAttrDict(i));
  Block *entry = evalStep.addEntryBlock();

  // Match the evaluation function's arguments to ours by role and name.
  llvm::StringMap<unsigned> byKey;
  unsigned unnamed = 0, labels = 0;
  for (unsigned i = 0; i < numArgs; ++i)
    byKey[argKey(train, i, unnamed, labels)] = i;
  unnamed = labels = 0;
  SmallVector<Value> args;
  for (unsigned i = 0, e = eval.getNumArguments(); i < e; ++i) {
    std::string key = argKey(eval, i, unnamed, labels);
    auto it = byKey.find(key);
    if (it == byKey.end() ||
        argTypes[it->second] != eval.getArgumentTypes()[i]) {
      evalStep.erase();
      return eval.emitError("tcc-optimizer: argument ")
             << i << " (" << key << ") of '" << name
             << "' matches no argument of '" << function
             << "' of the same type";
    }
    args.push_back(entry->getArgument(it->second));
  }
  b.setInsertionPointToStart(entry);
  SmallVector<Value> results = inlineBody(b, eval, args);
  SmallVector<Value> returned{results[0]};
  for (auto [i, r] : llvm::enumerate(preds)) {
    returned.push_back(results[r]);
    if (DictionaryAttr attrs = eval.getResultAttrDict(r))
      evalStep.setResultAttrs(i + 1, attrs);
  }
  evalStep.setResultAttr(0, kLossAttr, b.getUnitAttr());
  func::ReturnOp::create(b, eval.getLoc(), returned);
  return success();
}
