//===- ElementwiseCommon.cpp - elementwise importer helpers ---------------===//
//
// Operand checks and host constant folding for the elementwise importers.
// When every input is a small known constant (the shape arithmetic PyTorch
// exports), the common ops are computed here, so later shape-taking ops see
// the values.
//
//===----------------------------------------------------------------------===//

#include "ElementwiseCommon.h"
#include "HostIndexing.h"

#include <cmath>
#include <limits>

namespace mlir::tcc::onnx_import {

//===----------------------------------------------------------------------===//
// Operand checks
//===----------------------------------------------------------------------===//

std::string typeName(Type t) {
  if (auto d = dtypeOf(t))
    return ::tccrt::dtypeName(*d);
  std::string s;
  llvm::raw_string_ostream os(s);
  t.print(os);
  return s;
}

LogicalResult checkKind(NodeContext &ctx, Value v, ElementKind k,
                        StringRef what) {
  Type t = elementTypeOf(v);
  bool ok = k == ElementKind::Any ||
            (k == ElementKind::Float && isFloat(t)) ||
            (k == ElementKind::Bool && isBool(t)) ||
            (k == ElementKind::Numeric && !isBool(t));
  if (ok)
    return success();
  const char *want = k == ElementKind::Float  ? "a floating-point"
                     : k == ElementKind::Bool ? "a bool"
                                              : "a numeric (non-bool)";
  return ctx.error(what + " has element type " + typeName(t) + ", expected " +
                   want + " tensor");
}

LogicalResult checkBroadcastOperands(NodeContext &ctx, ArrayRef<Value> vs) {
  SmallVector<int64_t> shape;
  for (auto [i, v] : llvm::enumerate(vs)) {
    if (elementTypeOf(v) != elementTypeOf(vs[0]))
      return ctx.error("operands have different element types: " +
                       typeName(elementTypeOf(vs[0])) + " and " +
                       typeName(elementTypeOf(v)) +
                       " (ONNX requires the same type; insert a Cast)");
    auto b = broadcastShapes(shape, shapeOf(v));
    if (failed(b))
      return ctx.error("operand shapes " + formatShape(shape) + " and " +
                       formatShape(shapeOf(v)) + " are not broadcastable");
    shape = *b;
  }
  return success();
}

Value floatInput(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(checkKind(ctx, x, ElementKind::Float, "input 0")))
    return {};
  return x;
}

Value splat(NodeContext &ctx, ArrayRef<int64_t> shape, Type el, double v) {
  auto type = RankedTensorType::get(shape, el);
  TypedAttr a = isFloat(el) ? TypedAttr(ctx.b.getFloatAttr(el, v))
                            : TypedAttr(ctx.b.getIntegerAttr(el, int64_t(v)));
  return arith::ConstantOp::create(ctx.b, ctx.loc,
                                   DenseElementsAttr::get(type, a));
}

LogicalResult
decomposeFloatUnary(NodeContext &ctx,
                    function_ref<Value(Emitter &e, Value x)> build) {
  Value x = floatInput(ctx);
  if (!x)
    return failure();
  Emitter e{ctx, elementTypeOf(x)};
  ctx.setOutput(0, build(e, x));
  return success();
}

//===----------------------------------------------------------------------===//
// Host constant folding
//===----------------------------------------------------------------------===//

/// Inputs and outputs above this many elements are left to the compiled code.
static constexpr int64_t kFoldLimit = 4096;

std::optional<SmallVector<const HostTensor *>>
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

std::optional<HostTensor>
foldBroadcast(ArrayRef<const HostTensor *> ins, DType outType,
              function_ref<bool(ArrayRef<int64_t> idx, HostTensor &out,
                                int64_t o)>
                  fn) {
  auto shape = hostBroadcastShape(ins);
  if (!shape)
    return std::nullopt;
  SmallVector<SmallVector<int64_t>> strides;
  for (const HostTensor *t : ins)
    strides.push_back(stridesOf(t->shape));
  HostTensor out(outType, *shape);
  SmallVector<int64_t> idx(ins.size());
  bool done = forEachIndex(*shape, [&](ArrayRef<int64_t> o, int64_t n) {
    for (size_t k = 0; k < ins.size(); ++k)
      idx[k] = broadcastIndex(o, ins[k]->shape, strides[k]);
    return fn(idx, out, n);
  });
  if (!done)
    return std::nullopt;
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

std::optional<HostTensor> foldCast(const HostTensor &t, DType to) {
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

std::optional<HostTensor> foldUnary(StringRef opType, const HostTensor &t) {
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

bool tryFoldBinaryNode(NodeContext &ctx, HostOp op) {
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

} // namespace mlir::tcc::onnx_import
