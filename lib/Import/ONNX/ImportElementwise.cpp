//===- ImportElementwise.cpp - ONNX elementwise ops ----------------------===//
//
// Arithmetic, comparison, logic, activation and conversion ops. Composite
// activations are decomposed into primitive tcc ops. When every input is a
// small known constant (the shape arithmetic PyTorch exports), the common
// ops are computed on the host instead, so later shape-taking ops see the
// values.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Type helpers and checks
//===----------------------------------------------------------------------===//

static Type elementType(Value v) {
  return cast<RankedTensorType>(v.getType()).getElementType();
}
static ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}
static bool isFloat(Type t) { return isa<FloatType>(t); }
static bool isBool(Type t) { return t.isInteger(1); }

/// "float32", "bool", ... for diagnostics.
static std::string typeName(Type t) {
  if (auto d = dtypeOf(t))
    return ::tccrt::dtypeName(*d);
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

static std::string shapeName(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

enum class Kind { Any, Numeric, Float, Bool };

/// Checks that `v` has an element type of kind `k`.
static LogicalResult checkKind(NodeContext &ctx, Value v, Kind k,
                               StringRef what) {
  Type t = elementType(v);
  bool ok = k == Kind::Any || (k == Kind::Float && isFloat(t)) ||
            (k == Kind::Bool && isBool(t)) || (k == Kind::Numeric && !isBool(t));
  if (ok)
    return success();
  const char *want = k == Kind::Float  ? "a floating-point"
                     : k == Kind::Bool ? "a bool"
                                       : "a numeric (non-bool)";
  return ctx.error(what + " has element type " + typeName(t) + ", expected " +
                   want + " tensor");
}

/// Checks that all `vs` share an element type and broadcast together.
static LogicalResult checkBroadcastOperands(NodeContext &ctx,
                                            ArrayRef<Value> vs) {
  SmallVector<int64_t> shape;
  for (auto [i, v] : llvm::enumerate(vs)) {
    if (elementType(v) != elementType(vs[0]))
      return ctx.error("operands have different element types: " +
                       typeName(elementType(vs[0])) + " and " +
                       typeName(elementType(v)) +
                       " (ONNX requires the same type; insert a Cast)");
    auto b = broadcastShapes(shape, shapeOf(v));
    if (failed(b))
      return ctx.error("operand shapes " + shapeName(shape) + " and " +
                       shapeName(shapeOf(v)) + " are not broadcastable");
    shape = *b;
  }
  return success();
}

/// Builds a broadcasting binary op after checking its operands.
template <typename OpTy>
static FailureOr<Value> binary(NodeContext &ctx, Value a, Value b) {
  if (failed(checkBroadcastOperands(ctx, {a, b})))
    return failure();
  return OpTy::create(ctx.b, ctx.loc, a, b).getResult();
}

/// Gathers all present inputs, failing if one is missing.
static FailureOr<SmallVector<Value>> allInputs(NodeContext &ctx,
                                               size_t minCount = 1) {
  if (ctx.numInputs() < minCount)
    return ctx.error("expects at least " + Twine(minCount) + " inputs");
  SmallVector<Value> vs;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    Value v = ctx.input(i);
    if (!v)
      return failure();
    vs.push_back(v);
  }
  return vs;
}

//===----------------------------------------------------------------------===//
// Host constant folding
//===----------------------------------------------------------------------===//

/// Inputs and outputs above this many elements are left to the compiled code.
static constexpr int64_t kFoldLimit = 4096;

enum class HostOp {
  Add, Sub, Mul, Div, Min, Max,     // arithmetic, operand type
  Equal, Less, LessEq, Greater, GreaterEq, // comparisons, bool
  And, Or, Xor,                      // logic, bool
};

/// The constant inputs of the node if all of them are known and small.
static std::optional<SmallVector<const HostTensor *>>
smallConstantInputs(NodeContext &ctx) {
  if (ctx.numInputs() == 0 || !ctx.allInputsConstant())
    return std::nullopt;
  SmallVector<const HostTensor *> ts;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    const HostTensor *t = ctx.constantInput(i);
    if (!t || t->numElements() > kFoldLimit)
      return std::nullopt;
    ts.push_back(t);
  }
  return ts;
}

/// Broadcasts the host tensors' shapes; nullopt if incompatible or too big.
static std::optional<std::vector<int64_t>>
hostBroadcastShape(ArrayRef<const HostTensor *> ts) {
  SmallVector<int64_t> shape;
  for (const HostTensor *t : ts) {
    auto b = broadcastShapes(shape, t->shape);
    if (failed(b))
      return std::nullopt;
    shape = *b;
  }
  std::vector<int64_t> out(shape.begin(), shape.end());
  int64_t n = ::tccrt::checkedNumElements(out);
  if (n < 0 || n > kFoldLimit)
    return std::nullopt;
  return out;
}

/// For every element of `outShape` (row-major), the linear index of the
/// element of `in` it reads under NumPy broadcasting.
static std::vector<int64_t> broadcastIndices(const std::vector<int64_t> &outShape,
                                             const HostTensor &in) {
  size_t rank = outShape.size(), offset = rank - in.shape.size();
  std::vector<int64_t> strides(rank, 0);
  int64_t stride = 1;
  for (size_t d = rank; d-- > offset;) {
    int64_t size = in.shape[d - offset];
    strides[d] = size == 1 ? 0 : stride;
    stride *= size;
  }
  int64_t n = ::tccrt::checkedNumElements(outShape);
  std::vector<int64_t> result(n);
  std::vector<int64_t> idx(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t lin = 0;
    for (size_t d = 0; d < rank; ++d)
      lin += idx[d] * strides[d];
    result[i] = lin;
    for (size_t d = rank; d-- > 0;) {
      if (++idx[d] < outShape[d])
        break;
      idx[d] = 0;
    }
  }
  return result;
}

/// Computes `out[i] = fn(elements of ins at i)` with broadcasting; `fn`
/// returns false to give up (e.g. integer division by zero).
static std::optional<HostTensor>
foldBroadcast(ArrayRef<const HostTensor *> ins, DType outType,
              function_ref<bool(ArrayRef<int64_t> idx, HostTensor &out,
                                int64_t o)>
                  fn) {
  auto shape = hostBroadcastShape(ins);
  if (!shape)
    return std::nullopt;
  std::vector<std::vector<int64_t>> maps;
  for (const HostTensor *t : ins)
    maps.push_back(broadcastIndices(*shape, *t));
  HostTensor out(outType, *shape);
  SmallVector<int64_t> idx(ins.size());
  for (int64_t o = 0; o < out.numElements(); ++o) {
    for (size_t k = 0; k < ins.size(); ++k)
      idx[k] = maps[k][o];
    if (!fn(idx, out, o))
      return std::nullopt;
  }
  return out;
}

static bool isIntDType(DType t) {
  return !::tccrt::isFloatDType(t) && t != DType::Bool;
}

/// Integer arithmetic in int64 with wrap-around (the result is truncated to
/// the operand type when stored, as the compiled code wraps).
static bool intArith(HostOp op, int64_t a, int64_t b, int64_t &r) {
  auto ua = uint64_t(a), ub = uint64_t(b);
  switch (op) {
  case HostOp::Add: r = int64_t(ua + ub); return true;
  case HostOp::Sub: r = int64_t(ua - ub); return true;
  case HostOp::Mul: r = int64_t(ua * ub); return true;
  case HostOp::Div:
    if (b == 0 || (b == -1 && a == std::numeric_limits<int64_t>::min()))
      return false;
    r = a / b; // C++ truncates, as ONNX integer Div does
    return true;
  case HostOp::Min: r = std::min(a, b); return true;
  case HostOp::Max: r = std::max(a, b); return true;
  default: return false;
  }
}

/// Float arithmetic in double; rounding the exact double result to float
/// gives the float32 result for these operations.
static double floatArith(HostOp op, double a, double b) {
  switch (op) {
  case HostOp::Add: return a + b;
  case HostOp::Sub: return a - b;
  case HostOp::Mul: return a * b;
  case HostOp::Div: return a / b;
  case HostOp::Min:
  case HostOp::Max:
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<double>::quiet_NaN();
    return op == HostOp::Min ? std::min(a, b) : std::max(a, b);
  default: return 0;
  }
}

template <typename T> static bool compareHost(HostOp op, T a, T b) {
  switch (op) {
  case HostOp::Equal: return a == b;
  case HostOp::Less: return a < b;
  case HostOp::LessEq: return a <= b;
  case HostOp::Greater: return a > b;
  case HostOp::GreaterEq: return a >= b;
  default: return false;
  }
}

/// Folds a binary op on two host tensors of the same dtype.
static std::optional<HostTensor> foldBinary(HostOp op, const HostTensor &a,
                                            const HostTensor &b) {
  if (a.dtype != b.dtype)
    return std::nullopt;
  bool isFloatIn = ::tccrt::isFloatDType(a.dtype);
  const HostTensor *ins[] = {&a, &b};
  switch (op) {
  case HostOp::Add: case HostOp::Sub: case HostOp::Mul:
  case HostOp::Div: case HostOp::Min: case HostOp::Max:
    if (a.dtype == DType::Bool)
      return std::nullopt;
    return foldBroadcast(ins, a.dtype, [&](ArrayRef<int64_t> i, HostTensor &out,
                                          int64_t o) {
      if (isFloatIn) {
        out.setDouble(o, floatArith(op, a.getDouble(i[0]), b.getDouble(i[1])));
        return true;
      }
      int64_t r;
      if (!intArith(op, a.getInt(i[0]), b.getInt(i[1]), r))
        return false;
      out.setInt(o, r);
      return true;
    });
  case HostOp::Equal: case HostOp::Less: case HostOp::LessEq:
  case HostOp::Greater: case HostOp::GreaterEq:
    return foldBroadcast(ins, DType::Bool, [&](ArrayRef<int64_t> i,
                                               HostTensor &out, int64_t o) {
      bool r = isFloatIn
                   ? compareHost(op, a.getDouble(i[0]), b.getDouble(i[1]))
                   : compareHost(op, a.getInt(i[0]), b.getInt(i[1]));
      out.setInt(o, r);
      return true;
    });
  case HostOp::And: case HostOp::Or: case HostOp::Xor:
    if (a.dtype != DType::Bool)
      return std::nullopt;
    return foldBroadcast(ins, DType::Bool, [&](ArrayRef<int64_t> i,
                                               HostTensor &out, int64_t o) {
      bool x = a.getInt(i[0]), y = b.getInt(i[1]);
      out.setInt(o, op == HostOp::And ? (x && y)
                    : op == HostOp::Or ? (x || y)
                                       : (x != y));
      return true;
    });
  }
  return std::nullopt;
}

/// Converts `t` to `to` as ONNX Cast does; nullopt where a float does not
/// fit an integer (undefined behaviour, left to the compiled code).
static std::optional<HostTensor> foldCast(const HostTensor &t, DType to) {
  HostTensor out(to, t.shape);
  bool fromFloat = ::tccrt::isFloatDType(t.dtype);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (!fromFloat) {
      out.setInt(i, t.getInt(i));
      continue;
    }
    double v = t.getDouble(i);
    if (isIntDType(to) && !(std::fabs(v) < 9.2e18))
      return std::nullopt;
    out.setDouble(i, v);
  }
  return out;
}

/// Folds Neg, Abs or Not elementwise.
static std::optional<HostTensor> foldUnary(StringRef opType,
                                           const HostTensor &t) {
  HostTensor out(t.dtype, t.shape);
  bool fl = ::tccrt::isFloatDType(t.dtype);
  if ((opType == "Not") != (t.dtype == DType::Bool))
    return std::nullopt;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (opType == "Not") {
      out.setInt(i, !t.getInt(i));
    } else if (fl) {
      double v = t.getDouble(i);
      out.setDouble(i, opType == "Neg" ? -v : std::fabs(v));
    } else {
      int64_t v = t.getInt(i);
      int64_t negated = int64_t(0 - uint64_t(v)); // wraps like the code
      out.setInt(i, opType == "Neg" || v < 0 ? negated : v);
    }
  }
  return out;
}

/// Folds a variadic/binary node on its small constant inputs, pairwise.
static bool tryFoldBinaryNode(NodeContext &ctx, HostOp op) {
  auto ins = smallConstantInputs(ctx);
  if (!ins)
    return false;
  std::optional<HostTensor> acc = *(*ins)[0];
  for (size_t k = 1; k < ins->size() && acc; ++k)
    acc = foldBinary(op, *acc, *(*ins)[k]);
  if (!acc)
    return false;
  ctx.setOutputConstant(0, std::move(*acc));
  return true;
}

//===----------------------------------------------------------------------===//
// Binary and variadic ops
//===----------------------------------------------------------------------===//

template <typename OpTy, HostOp H, Kind K>
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

/// Min, Max, Sum: folds the inputs pairwise with broadcasting.
template <typename OpTy, HostOp H>
static LogicalResult importVariadic(NodeContext &ctx) {
  if (tryFoldBinaryNode(ctx, H))
    return success();
  auto vs = allInputs(ctx);
  if (failed(vs))
    return failure();
  for (Value v : *vs)
    if (failed(checkKind(ctx, v, Kind::Numeric, "an input")))
      return failure();
  if (failed(checkBroadcastOperands(ctx, *vs)))
    return failure();
  Value acc = (*vs)[0];
  for (Value v : ArrayRef<Value>(*vs).drop_front())
    acc = OpTy::create(ctx.b, ctx.loc, acc, v);
  ctx.setOutput(0, acc);
  return success();
}

static LogicalResult importMean(NodeContext &ctx) {
  auto vs = allInputs(ctx);
  if (failed(vs))
    return failure();
  for (Value v : *vs)
    if (failed(checkKind(ctx, v, Kind::Float, "an input")))
      return failure();
  if (failed(checkBroadcastOperands(ctx, *vs)))
    return failure();
  Value acc = (*vs)[0];
  for (Value v : ArrayRef<Value>(*vs).drop_front())
    acc = AddOp::create(ctx.b, ctx.loc, acc, v);
  if (vs->size() > 1)
    acc = DivOp::create(ctx.b, ctx.loc, acc,
                        ctx.scalar(elementType(acc), double(vs->size())));
  ctx.setOutput(0, acc);
  return success();
}

/// Pow: the exponent may have another type than the base; the result has
/// the base's type. An integer base with a float exponent is computed in
/// the exponent's float type and converted back.
static LogicalResult importPow(NodeContext &ctx) {
  Value x = ctx.input(0), y = ctx.input(1);
  if (!x || !y || failed(checkKind(ctx, x, Kind::Numeric, "the base")) ||
      failed(checkKind(ctx, y, Kind::Numeric, "the exponent")))
    return failure();
  Type xt = elementType(x), yt = elementType(y);
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

template <typename OpTy, Kind K>
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

/// The float input 0 of an activation, or null after an error.
static Value floatInput(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, Kind::Float, "input 0")))
    return {};
  return x;
}

static LogicalResult importRelu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, Kind::Numeric, "input 0")))
    return failure();
  ctx.setOutput(0, MaxOp::create(ctx.b, ctx.loc, x,
                                 ctx.scalar(elementType(x), 0.0)));
  return success();
}

/// A splat constant of `shape` and element type `el`.
static Value splat(NodeContext &ctx, ArrayRef<int64_t> shape, Type el,
                   double v) {
  auto type = RankedTensorType::get(shape, el);
  TypedAttr a = isFloat(el) ? TypedAttr(ctx.b.getFloatAttr(el, v))
                            : TypedAttr(ctx.b.getIntegerAttr(el, int64_t(v)));
  return arith::ConstantOp::create(ctx.b, ctx.loc,
                                   DenseElementsAttr::get(type, a));
}

/// Small builders for the decompositions below (operands are known to be
/// float tensors of one element type, scalars broadcast).
namespace {
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
  Value neg(Value a) { return NegOp::create(ctx.b, ctx.loc, a); }
  Value abs(Value a) { return AbsOp::create(ctx.b, ctx.loc, a); }
  Value floor(Value a) { return FloorOp::create(ctx.b, ctx.loc, a); }
  Value ceil(Value a) { return CeilOp::create(ctx.b, ctx.loc, a); }
  Value less(Value a, Value b) { return LessOp::create(ctx.b, ctx.loc, a, b); }
  Value greater(Value a, Value b) {
    return GreaterOp::create(ctx.b, ctx.loc, a, b);
  }
  Value equal(Value a, Value b) { return EqualOp::create(ctx.b, ctx.loc, a, b); }
  Value logicalAnd(Value a, Value b) {
    return AndOp::create(ctx.b, ctx.loc, a, b);
  }
  Value logicalOr(Value a, Value b) { return OrOp::create(ctx.b, ctx.loc, a, b); }
  Value select(Value c, Value t, Value f) {
    return SelectOp::create(ctx.b, ctx.loc, c, t, f);
  }
};
} // namespace

static LogicalResult importLeakyRelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value alpha = e.c(ctx.attrFloat("alpha", 0.01f));
  ctx.setOutput(0, e.select(e.less(x, e.c(0)), e.mul(alpha, x), x));
  return success();
}

static LogicalResult importElu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
  Value neg = e.mul(alpha, e.sub(e.exp(x), e.c(1)));
  ctx.setOutput(0, e.select(e.less(x, e.c(0)), neg, x));
  return success();
}

static LogicalResult importSelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value alpha = e.c(ctx.attrFloat("alpha", 1.67326319217681884765625f));
  Value gamma = e.c(ctx.attrFloat("gamma", 1.05070102214813232421875f));
  Value neg = e.sub(e.mul(alpha, e.exp(x)), alpha);
  Value isNeg = LessEqualOp::create(ctx.b, ctx.loc, x, e.c(0));
  ctx.setOutput(0, e.mul(gamma, e.select(isNeg, neg, x)));
  return success();
}

/// PRelu: the slope broadcasts to x's shape (unidirectionally).
static LogicalResult importPRelu(NodeContext &ctx) {
  Value x = floatInput(ctx), slope = ctx.input(1);
  if (!x || !slope || failed(checkBroadcastOperands(ctx, {x, slope})))
    return failure();
  auto shape = broadcastShapes(shapeOf(x), shapeOf(slope));
  if (ArrayRef<int64_t>(*shape) != shapeOf(x))
    return ctx.error("slope of shape " + shapeName(shapeOf(slope)) +
                     " does not broadcast to the input shape " +
                     shapeName(shapeOf(x)));
  Emitter e{ctx, elementType(x)};
  ctx.setOutput(0, e.select(e.less(x, e.c(0)), e.mul(slope, x), x));
  return success();
}

static LogicalResult importSoftplus(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  ctx.setOutput(0, LogOp::create(ctx.b, ctx.loc, e.add(e.exp(x), e.c(1))));
  return success();
}

/// Gelu: 0.5 x (1 + erf(x / sqrt 2)), or with approximate="tanh"
/// 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
static LogicalResult importGelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  std::string approx = ctx.attrString("approximate", "none");
  Value inner;
  if (approx == "none") {
    inner = ErfOp::create(ctx.b, ctx.loc, e.mul(x, e.c(M_SQRT1_2)));
  } else if (approx == "tanh") {
    Value cube = e.mul(e.mul(x, x), x);
    Value arg = e.mul(e.c(std::sqrt(2.0 / M_PI)),
                      e.add(x, e.mul(e.c(0.044715), cube)));
    inner = TanhOp::create(ctx.b, ctx.loc, arg);
  } else {
    return ctx.error("approximate='" + approx +
                     "' is not supported (expected 'none' or 'tanh')");
  }
  ctx.setOutput(0, e.mul(e.mul(e.c(0.5), x), e.add(e.c(1), inner)));
  return success();
}

static LogicalResult importHardSigmoid(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value lin = e.add(e.mul(e.c(ctx.attrFloat("alpha", 0.2f)), x),
                    e.c(ctx.attrFloat("beta", 0.5f)));
  ctx.setOutput(0, e.max(e.c(0), e.min(e.c(1), lin)));
  return success();
}

static LogicalResult importHardSwish(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value gate = e.max(e.c(0), e.min(e.c(1), e.add(e.div(x, e.c(6)), e.c(0.5))));
  ctx.setOutput(0, e.mul(x, gate));
  return success();
}

static LogicalResult importSoftsign(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  ctx.setOutput(0, e.div(x, e.add(e.c(1), e.abs(x))));
  return success();
}

/// Mish: x * tanh(softplus(x)).
static LogicalResult importMish(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value sp = LogOp::create(ctx.b, ctx.loc, e.add(e.exp(x), e.c(1)));
  ctx.setOutput(0, e.mul(x, TanhOp::create(ctx.b, ctx.loc, sp)));
  return success();
}

/// Celu: max(0, x) + min(0, alpha * (exp(x / alpha) - 1)).
static LogicalResult importCelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
  Value neg = e.mul(alpha, e.sub(e.exp(e.div(x, alpha)), e.c(1)));
  ctx.setOutput(0, e.add(e.max(e.c(0), x), e.min(e.c(0), neg)));
  return success();
}

static LogicalResult importThresholdedRelu(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value alpha = e.c(ctx.attrFloat("alpha", 1.0f));
  ctx.setOutput(0, e.select(e.greater(x, alpha), x, e.c(0)));
  return success();
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 between.
static LogicalResult importShrink(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value bias = e.c(ctx.attrFloat("bias", 0.0f));
  Value lambd = e.c(ctx.attrFloat("lambd", 0.5f));
  Value above = e.select(e.greater(x, lambd), e.sub(x, bias), e.c(0));
  ctx.setOutput(0, e.select(e.less(x, e.neg(lambd)), e.add(x, bias), above));
  return success();
}

/// Sinh, Cosh (from exp) and Tan (sin / cos).
static LogicalResult importHyperbolicOrTan(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  StringRef op = ctx.node.op_type();
  if (op == "Tan") {
    ctx.setOutput(0, e.div(SinOp::create(ctx.b, ctx.loc, x),
                           CosOp::create(ctx.b, ctx.loc, x)));
    return success();
  }
  Value ep = e.exp(x), en = e.exp(e.neg(x));
  Value num = op == "Sinh" ? e.sub(ep, en) : e.add(ep, en);
  ctx.setOutput(0, e.mul(e.c(0.5), num));
  return success();
}

/// Round: to nearest, ties to even.
static LogicalResult importRound(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  Value r = e.floor(x), frac = e.sub(x, r);
  Value odd = e.equal(e.sub(r, e.mul(e.c(2), e.floor(e.mul(r, e.c(0.5))))),
                      e.c(1));
  Value tie = e.logicalAnd(e.equal(frac, e.c(0.5)), odd);
  Value up = e.logicalOr(e.greater(frac, e.c(0.5)), tie);
  ctx.setOutput(0, e.select(up, e.add(r, e.c(1)), r));
  return success();
}

static LogicalResult importIsNaN(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  ctx.setOutput(0, NotOp::create(ctx.b, ctx.loc, e.equal(x, x)));
  return success();
}

static LogicalResult importIsInf(NodeContext &ctx) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementType(x)};
  double inf = std::numeric_limits<double>::infinity();
  Value r;
  if (ctx.attrInt("detect_positive", 1))
    r = e.equal(x, e.c(inf));
  if (ctx.attrInt("detect_negative", 1)) {
    Value isNegInf = e.equal(x, e.c(-inf));
    r = r ? e.logicalOr(r, isNegInf) : isNegInf;
  }
  ctx.setOutput(0, r ? r : splat(ctx, shapeOf(x), ctx.b.getI1Type(), 0));
  return success();
}

/// Mod: fmod=1 takes the dividend's sign (C fmod), fmod=0 the divisor's
/// (Python %, integers only).
static LogicalResult importMod(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b || failed(checkKind(ctx, a, Kind::Numeric, "input 0")) ||
      failed(checkBroadcastOperands(ctx, {a, b})))
    return failure();
  Type el = elementType(a);
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

/// Clip: bounds are optional inputs from opset 11, attributes before.
static LogicalResult importClip(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, Kind::Numeric, "input 0")))
    return failure();
  Type el = elementType(x);
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
                       shapeName(shapeOf(bound)));
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
  if (!c || !x || !y || failed(checkKind(ctx, c, Kind::Bool, "the condition")))
    return failure();
  if (failed(checkBroadcastOperands(ctx, {x, y})))
    return failure();
  auto valueShape = broadcastShapes(shapeOf(x), shapeOf(y));
  if (failed(broadcastShapes(shapeOf(c), *valueShape)))
    return ctx.error("the condition's shape " + shapeName(shapeOf(c)) +
                     " does not broadcast with the operands' shape " +
                     shapeName(*valueShape));
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
  ctx.setOutput(0, ctx.convert(x, elementType(like)));
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
  Type maskEl = ctx.opset >= 10 ? ctx.b.getI1Type() : elementType(x);
  if (!training || ratio == 0) {
    ctx.setOutput(0, x);
    if (ctx.wantsOutput(1))
      ctx.setOutput(1, splat(ctx, shapeOf(x), maskEl, 1));
    return success();
  }
  HostTensor seed(DType::I64, {});
  seed.setInt(0, ctx.attrInt("seed", 0));
  Emitter e{ctx, elementType(x)};
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

void mlir::tcc::onnx_import::registerElementwiseImporters(ImportTable &table) {
  // Binary arithmetic, comparison and logic (host-folded when constant).
  table["Add"] = &importBinary<AddOp, HostOp::Add, Kind::Numeric>;
  table["Sub"] = &importBinary<SubOp, HostOp::Sub, Kind::Numeric>;
  table["Mul"] = &importBinary<MulOp, HostOp::Mul, Kind::Numeric>;
  table["Div"] = &importBinary<DivOp, HostOp::Div, Kind::Numeric>;
  table["Equal"] = &importBinary<EqualOp, HostOp::Equal, Kind::Any>;
  table["Less"] = &importBinary<LessOp, HostOp::Less, Kind::Any>;
  table["LessOrEqual"] = &importBinary<LessEqualOp, HostOp::LessEq, Kind::Any>;
  table["Greater"] = &importBinary<GreaterOp, HostOp::Greater, Kind::Any>;
  table["GreaterOrEqual"] =
      &importBinary<GreaterEqualOp, HostOp::GreaterEq, Kind::Any>;
  table["And"] = &importBinary<AndOp, HostOp::And, Kind::Bool>;
  table["Or"] = &importBinary<OrOp, HostOp::Or, Kind::Bool>;
  table["Xor"] = &importBinary<XorOp, HostOp::Xor, Kind::Bool>;
  table["Pow"] = &importPow;
  // Variadic.
  table["Min"] = &importVariadic<MinOp, HostOp::Min>;
  table["Max"] = &importVariadic<MaxOp, HostOp::Max>;
  table["Sum"] = &importVariadic<AddOp, HostOp::Add>;
  table["Mean"] = &importMean;
  // Unary.
  table["Neg"] = &importUnary<NegOp, Kind::Numeric>;
  table["Abs"] = &importUnary<AbsOp, Kind::Numeric>;
  table["Sign"] = &importUnary<SignOp, Kind::Numeric>;
  table["Not"] = &importUnary<NotOp, Kind::Bool>;
  table["Sqrt"] = &importUnary<SqrtOp, Kind::Float>;
  table["Reciprocal"] = &importUnary<ReciprocalOp, Kind::Float>;
  table["Exp"] = &importUnary<ExpOp, Kind::Float>;
  table["Log"] = &importUnary<LogOp, Kind::Float>;
  table["Erf"] = &importUnary<ErfOp, Kind::Float>;
  table["Tanh"] = &importUnary<TanhOp, Kind::Float>;
  table["Sigmoid"] = &importUnary<SigmoidOp, Kind::Float>;
  table["Sin"] = &importUnary<SinOp, Kind::Float>;
  table["Cos"] = &importUnary<CosOp, Kind::Float>;
  table["Floor"] = &importUnary<FloorOp, Kind::Float>;
  table["Ceil"] = &importUnary<CeilOp, Kind::Float>;
  // Activations.
  table["Relu"] = &importRelu;
  table["LeakyRelu"] = &importLeakyRelu;
  table["Elu"] = &importElu;
  table["Selu"] = &importSelu;
  table["PRelu"] = &importPRelu;
  table["Softplus"] = &importSoftplus;
  table["Gelu"] = &importGelu;
  table["HardSigmoid"] = &importHardSigmoid;
  table["Clip"] = &importClip;
  table["HardSwish"] = &importHardSwish;
  table["Softsign"] = &importSoftsign;
  table["Mish"] = &importMish;
  table["Celu"] = &importCelu;
  table["ThresholdedRelu"] = &importThresholdedRelu;
  table["Shrink"] = &importShrink;
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
  table["Dropout"] = &importDropout;
}
