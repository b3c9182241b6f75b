//===- ImportActivations.cpp - ONNX activation ops ------------------------===//
//
// Relu and its relatives, the smooth activations (Gelu, Mish, ...), Clip and
// Dropout. Composite activations are decomposed into primitive tcc ops.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseCommon.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Piecewise-linear activations
//===----------------------------------------------------------------------===//

static LogicalResult importRelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, ElementKind::Numeric, "input 0")))
    return failure();
  ctx.setOutput(0, ReluOp::create(ctx.b, ctx.loc, x));
  return success();
}

static LogicalResult importLeakyRelu(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value alpha = e.c(ctx.attrFloat("alpha", 0.01f));
    return e.select(e.less(x, e.c(0)), e.mul(alpha, x), x);
  });
}

/// PRelu: the slope broadcasts to x's shape (unidirectionally).
static LogicalResult importPRelu(NodeContext &ctx) {
  Value x = floatInput(ctx), slope = ctx.input(1);
  if (!x || !slope || failed(checkBroadcastOperands(ctx, {x, slope})))
    return failure();
  auto shape = broadcastShapes(shapeOf(x), shapeOf(slope));
  if (ArrayRef<int64_t>(*shape) != shapeOf(x))
    return ctx.error("slope of shape " + formatShape(shapeOf(slope)) +
                     " does not broadcast to the input shape " +
                     formatShape(shapeOf(x)));
  Emitter e{ctx, elementTypeOf(x)};
  ctx.setOutput(0, e.select(e.less(x, e.c(0)), e.mul(slope, x), x));
  return success();
}

static LogicalResult importHardSigmoid(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value lin = e.add(e.mul(e.c(ctx.attrFloat("alpha", 0.2f)), x),
                      e.c(ctx.attrFloat("beta", 0.5f)));
    return e.max(e.c(0), e.min(e.c(1), lin));
  });
}

static LogicalResult importHardSwish(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [](Emitter &e, Value x) {
    Value gate =
        e.max(e.c(0), e.min(e.c(1), e.add(e.div(x, e.c(6)), e.c(0.5))));
    return e.mul(x, gate);
  });
}

static LogicalResult importThresholdedRelu(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
    return e.select(e.greater(x, alpha), x, e.c(0));
  });
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between.
static LogicalResult importShrink(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value bias = e.c(ctx.attrFloat("bias", 0.0f));
    Value lambd = e.c(ctx.attrFloat("lambd", 0.5f));
    Value above = e.select(e.greater(x, lambd), e.sub(x, bias), e.c(0));
    return e.select(e.less(x, e.neg(lambd)), e.add(x, bias), above);
  });
}

/// Clip: bounds are optional inputs from opset 11, attributes before.
static LogicalResult importClip(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, ElementKind::Numeric, "input 0")))
    return failure();
  Type el = elementTypeOf(x);
  Value lo, hi;
  if (ctx.opset >= 11) {
    if (ctx.hasInput(1))
      lo = ctx.input(1);
    if (ctx.hasInput(2))
      hi = ctx.input(2);
  } else {
    if (ctx.hasAttr("min"))
      lo = ctx.scalar(el, ctx.attrFloat("min", 0));
    if (ctx.hasAttr("max"))
      hi = ctx.scalar(el, ctx.attrFloat("max", 0));
  }
  for (Value bound : {lo, hi})
    if (bound && shapeOf(bound).size() > 0 &&
        !(shapeOf(bound).size() == 1 && shapeOf(bound)[0] == 1))
      return ctx.error("min and max must be scalars, got shape " +
                       formatShape(shapeOf(bound)));
  Value r = x;
  if (lo) {
    lo = ctx.reshape(lo, {});
    auto m = binary<MaxOp>(ctx, r, lo);
    if (failed(m))
      return failure();
    r = *m;
  }
  if (hi) {
    hi = ctx.reshape(hi, {});
    auto m = binary<MinOp>(ctx, r, hi);
    if (failed(m))
      return failure();
    r = *m;
  }
  ctx.setOutput(0, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Exponential and smooth activations
//===----------------------------------------------------------------------===//

static LogicalResult importElu(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
    Value neg = e.mul(alpha, e.sub(e.exp(x), e.c(1)));
    return e.select(e.less(x, e.c(0)), neg, x);
  });
}

static LogicalResult importSelu(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value alpha = e.c(ctx.attrFloat("alpha", 1.67326319217681884765625f));
    Value gamma = e.c(ctx.attrFloat("gamma", 1.05070102214813232421875f));
    Value neg = e.sub(e.mul(alpha, e.exp(x)), alpha);
    Value isNeg = LessEqualOp::create(ctx.b, ctx.loc, x, e.c(0));
    return e.mul(gamma, e.select(isNeg, neg, x));
  });
}

/// Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
static LogicalResult importCelu(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [&](Emitter &e, Value x) {
    Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
    Value neg = e.mul(alpha, e.sub(e.exp(e.div(x, alpha)), e.c(1)));
    return e.add(e.max(e.c(0), x), e.min(e.c(0), neg));
  });
}

static LogicalResult importSoftplus(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [](Emitter &e, Value x) {
    return e.log(e.add(e.exp(x), e.c(1)));
  });
}

static LogicalResult importSoftsign(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [](Emitter &e, Value x) {
    return e.div(x, e.add(e.c(1), e.abs(x)));
  });
}

/// Mish: x * tanh(softplus(x)).
static LogicalResult importMish(NodeContext &ctx) {
  return decomposeFloatUnary(ctx, [](Emitter &e, Value x) {
    return e.mul(x, e.tanh(e.log(e.add(e.exp(x), e.c(1)))));
  });
}

/// Gelu: 0.5 x (1 + erf(x / sqrt 2)), or with approximate="tanh"
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
static LogicalResult importGelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  std::string approx = ctx.attrString("approximate", "none");
  if (approx != "none" && approx != "tanh")
    return ctx.error("approximate='" + approx +
                     "' is not supported (expected 'none' or 'tanh')");
  Emitter e{ctx, elementTypeOf(x)};
  Value inner;
  if (approx == "none") {
    inner = ErfOp::create(ctx.b, ctx.loc, e.mul(x, e.c(M_SQRT1_2)));
  } else {
    Value cube = e.mul(e.mul(x, x), x);
    inner = e.tanh(e.mul(e.c(std::sqrt(2.0 / M_PI)),
                         e.add(x, e.mul(e.c(0.044715), cube))));
  }
  ctx.setOutput(0, e.mul(e.mul(e.c(0.5), x), e.add(e.c(1), inner)));
  return success();
}

//===----------------------------------------------------------------------===//
// Dropout
//===----------------------------------------------------------------------===//

/// Dropout: identity in inference; in training mode (opset 12+,
/// training_mode true) keeps each element with probability 1 - ratio and
/// scales it by 1 / (1 - ratio), using tcc.random_uniform seeded by `seed`.
static LogicalResult importDropout(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  // Before opset 12 there is no training mode: the op is an identity; an
  // inference import makes it one whatever the model says.
  bool training = false;
  double ratio = 0.5;
  if (ctx.opset >= 12 && !ctx.options().inference) {
    if (ctx.hasInput(2)) {
      auto t = ctx.requireConstantInput(2, "training_mode");
      if (failed(t))
        return failure();
      if ((*t)->numElements() != 1)
        return ctx.error("training_mode must be a scalar");
      training = (*t)->getInt(0) != 0;
    }
    if (training && ctx.hasInput(1)) {
      auto r = ctx.requireConstantInput(1, "ratio");
      if (failed(r))
        return failure();
      if ((*r)->numElements() != 1)
        return ctx.error("ratio must be a scalar");
      ratio = (*r)->getDouble(0);
    }
  }
  if (training && (ratio < 0 || ratio >= 1))
    return ctx.error("ratio " + std::to_string(ratio) + " is outside [0, 1)");
  Type maskEl = ctx.opset >= 10 ? ctx.b.getI1Type() : elementTypeOf(x);
  if (!training || ratio == 0) {
    ctx.setOutput(0, x);
    if (ctx.wantsOutput(1))
      ctx.setOutput(1, splat(ctx, shapeOf(x), maskEl, 1));
    return success();
  }
  HostTensor seed(DType::I64, {});
  seed.setInt(0, ctx.attrInt("seed", 0));
  Emitter e{ctx, elementTypeOf(x)};
  Value u = RandomUniformOp::create(ctx.b, ctx.loc, x.getType(),
                                    ctx.constant(seed));
  Value keep = GreaterEqualOp::create(ctx.b, ctx.loc, u, e.c(ratio));
  ctx.setOutput(0, e.select(keep, e.div(x, e.c(1 - ratio)), e.c(0)));
  if (ctx.wantsOutput(1))
    ctx.setOutput(1, ctx.convert(keep, maskEl));
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tcc::onnx_import::registerActivationImporters(ImportTable &table) {
  table["Relu"] = &importRelu;
  table["LeakyRelu"] = &importLeakyRelu;
  table["PRelu"] = &importPRelu;
  table["HardSigmoid"] = &importHardSigmoid;
  table["HardSwish"] = &importHardSwish;
  table["ThresholdedRelu"] = &importThresholdedRelu;
  table["Shrink"] = &importShrink;
  table["Clip"] = &importClip;
  table["Elu"] = &importElu;
  table["Selu"] = &importSelu;
  table["Celu"] = &importCelu;
  table["Softplus"] = &importSoftplus;
  table["Softsign"] = &importSoftsign;
  table["Mish"] = &importMish;
  table["Gelu"] = &importGelu;
  table["Dropout"] = &importDropout;
}
