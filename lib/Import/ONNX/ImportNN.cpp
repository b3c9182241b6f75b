//===- ImportNN.cpp - ONNX contractions, convolutions and pooling ---------===//
//
// MatMul, Gemm, Einsum, Conv, ConvTranspose and the pooling ops. ONNX's
// conveniences (1-D matmul operands, transposed Gemm operands, implicit and
// ellipsis einsum equations, auto_pad, output_shape) are resolved here, so
// the tcc ops only see explicit forms.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <map>

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Creates `OpTy` with its inferred result type. The generated inferring
/// builders abort when inference fails; here the failure becomes a node
/// error carrying the op's own message, and the result is null.
template <typename OpTy, typename... Args>
static Value createInferred(NodeContext &ctx, Args &&...args) {
  MLIRContext *mctx = ctx.b.getContext();
  OperationState state(ctx.loc, OpTy::getOperationName());
  OpTy::build(ctx.b, state, Type(), std::forward<Args>(args)...);
  state.types.clear();
  SmallVector<Type> types;
  std::string message;
  LogicalResult inferred = failure();
  {
    ScopedDiagnosticHandler capture(mctx, [&](Diagnostic &diag) {
      message = diag.str();
      return success();
    });
    inferred =
        OpTy::inferReturnTypes(mctx, state.location, state.operands,
                               state.attributes.getDictionary(mctx),
                               state.getRawProperties(), state.regions, types);
  }
  if (failed(inferred)) {
    (void)ctx.error("cannot build " + OpTy::getOperationName() + ": " +
                    message);
    return {};
  }
  state.addTypes(types);
  return ctx.b.create(state)->getResult(0);
}

/// Reads an INTS attribute of exactly `n` values, or `dflt` repeated when it
/// is absent. `minValue` is the smallest allowed value.
static FailureOr<SmallVector<int64_t>> intsAttr(NodeContext &ctx,
                                                StringRef name, size_t n,
                                                int64_t dflt,
                                                int64_t minValue) {
  auto v = ctx.attrInts(name);
  if (!v)
    return SmallVector<int64_t>(n, dflt);
  if (v->size() != n) {
    (void)ctx.error("attribute '" + name + "' has " + Twine(v->size()) +
                    " values, expected " + Twine(n));
    return failure();
  }
  if (llvm::any_of(*v, [&](int64_t x) { return x < minValue; })) {
    (void)ctx.error("attribute '" + name + "' = " + formatShape(*v) +
                    " has a value below " + Twine(minValue));
    return failure();
  }
  return *v;
}

/// Requires a float element type (convolutions, average pooling).
static LogicalResult requireFloat(NodeContext &ctx, Value v) {
  if (isa<FloatType>(typeOf(v).getElementType()))
    return success();
  return ctx.error("only floating-point inputs are supported");
}

//===----------------------------------------------------------------------===//
// MatMul, Gemm
//===----------------------------------------------------------------------===//

/// NumPy matmul: a 1-D operand gets a unit dimension that is dropped again.
static Value buildMatmul(NodeContext &ctx, Value lhs, Value rhs) {
  auto lt = typeOf(lhs), rt = typeOf(rhs);
  if (lt.getRank() == 0 || rt.getRank() == 0) {
    (void)ctx.error("operands must have rank 1 or more");
    return {};
  }
  bool lhsVec = lt.getRank() == 1, rhsVec = rt.getRank() == 1;
  if (lhsVec)
    lhs = ctx.reshape(lhs, {1, lt.getDimSize(0)});
  if (rhsVec)
    rhs = ctx.reshape(rhs, {rt.getDimSize(0), 1});
  Value r = createInferred<MatmulOp>(ctx, lhs, rhs);
  if (!r || (!lhsVec && !rhsVec))
    return r;
  SmallVector<int64_t> shape(typeOf(r).getShape());
  if (rhsVec)
    shape.pop_back();
  if (lhsVec)
    shape.erase(shape.end() - (rhsVec ? 1 : 2));
  return ctx.reshape(r, shape);
}

static LogicalResult importMatMul(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b)
    return failure();
  Value r = buildMatmul(ctx, a, b);
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  return success();
}

static Value transpose2D(NodeContext &ctx, Value v) {
  return createInferred<TransposeOp>(ctx, v, ArrayRef<int64_t>{1, 0});
}

static LogicalResult importGemm(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b)
    return failure();
  if (typeOf(a).getRank() != 2 || typeOf(b).getRank() != 2)
    return ctx.error("A and B must be matrices (rank 2)");
  if (ctx.attrInt("transA", 0))
    a = transpose2D(ctx, a);
  if (ctx.attrInt("transB", 0))
    b = transpose2D(ctx, b);
  Value r = createInferred<MatmulOp>(ctx, a, b);
  if (!r)
    return failure();
  Type el = typeOf(r).getElementType();
  float alpha = ctx.attrFloat("alpha", 1.0f),
        beta = ctx.attrFloat("beta", 1.0f);
  if (alpha != 1.0f)
    r = MulOp::create(ctx.b, ctx.loc, r, ctx.scalar(el, alpha));
  if (ctx.hasInput(2)) {
    Value c = ctx.input(2);
    ArrayRef<int64_t> outShape = typeOf(r).getShape();
    auto bcast = broadcastShapes(typeOf(c).getShape(), outShape);
    if (failed(bcast) || ArrayRef<int64_t>(*bcast) != outShape)
      return ctx.error("C of shape " + formatShape(typeOf(c).getShape()) +
                       " does not broadcast to the result shape " +
                       formatShape(outShape));
    if (typeOf(c).getElementType() != el)
      return ctx.error("C has a different element type from A and B");
    if (beta != 1.0f)
      c = MulOp::create(ctx.b, ctx.loc, c, ctx.scalar(el, beta));
    r = AddOp::create(ctx.b, ctx.loc, r, c);
  }
  ctx.setOutput(0, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

namespace {
/// An ONNX einsum equation rewritten into tcc's explicit, letters-only form.
struct EinsumPlan {
  SmallVector<std::string> inputs;
  std::string output;
  /// Per input: the shape it must be broadcast to (ellipsis dimensions of
  /// size 1 meeting larger ones), or empty if none is needed.
  SmallVector<SmallVector<int64_t>> broadcastTo;
};
} // namespace

/// Splits `term` around its ellipsis; fails on a misplaced '.' or a
/// non-letter.
static LogicalResult splitTerm(StringRef term, StringRef &before,
                               StringRef &after, bool &hasEllipsis) {
  size_t pos = term.find("...");
  hasEllipsis = pos != StringRef::npos;
  before = hasEllipsis ? term.take_front(pos) : term;
  after = hasEllipsis ? term.drop_front(pos + 3) : StringRef();
  auto letters = [](StringRef s) { return llvm::all_of(s, llvm::isAlpha); };
  return success(letters(before) && letters(after));
}

static FailureOr<EinsumPlan> planEinsum(NodeContext &ctx, StringRef equation,
                                        ArrayRef<RankedTensorType> types) {
  std::string eq;
  for (char c : equation)
    if (!llvm::isSpace(c))
      eq.push_back(c);
  auto [lhs, rhs] = StringRef(eq).split("->");
  bool explicitOut = lhs.size() != eq.size();
  SmallVector<StringRef> terms;
  StringRef(lhs).split(terms, ',');
  if (terms.size() != types.size()) {
    (void)ctx.error("equation '" + equation + "' has " + Twine(terms.size()) +
                    " input terms but the node has " + Twine(types.size()) +
                    " inputs");
    return failure();
  }

  // Letters for the ellipsis dimensions: fresh ones, unused in the equation.
  std::string fresh;
  for (char c :
       StringRef("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"))
    if (eq.find(c) == std::string::npos)
      fresh.push_back(c);

  EinsumPlan plan;
  SmallVector<int64_t> ellipsisRank(terms.size(), 0);
  int64_t maxEllipsis = 0;
  std::map<char, int> counts;
  for (auto [i, term] : llvm::enumerate(terms)) {
    StringRef before, after;
    bool hasEllipsis;
    if (failed(splitTerm(term, before, after, hasEllipsis))) {
      (void)ctx.error("equation term '" + term + "' is malformed");
      return failure();
    }
    int64_t letters = before.size() + after.size();
    int64_t rank = types[i].getRank();
    if (letters > rank || (!hasEllipsis && letters != rank)) {
      (void)ctx.error("equation term '" + term + "' does not match input " +
                      Twine(i) + " of rank " + Twine(rank));
      return failure();
    }
    ellipsisRank[i] = rank - letters;
    maxEllipsis = std::max(maxEllipsis, ellipsisRank[i]);
    for (char c : before.str() + after.str())
      ++counts[c];
  }
  if (maxEllipsis > (int64_t)fresh.size()) {
    (void)ctx.error("the ellipsis has too many dimensions");
    return failure();
  }
  std::string ellipsis = fresh.substr(0, maxEllipsis);

  // Expand each term; ellipsis dimensions align to the right and broadcast.
  SmallVector<int64_t> ellipsisSize(maxEllipsis, 1);
  for (auto [i, term] : llvm::enumerate(terms)) {
    StringRef before, after;
    bool hasEllipsis;
    (void)splitTerm(term, before, after, hasEllipsis);
    int64_t e = ellipsisRank[i], offset = maxEllipsis - e;
    plan.inputs.push_back(before.str() + ellipsis.substr(offset) + after.str());
    for (int64_t d = 0; d < e; ++d) {
      int64_t size = types[i].getDimSize(before.size() + d);
      int64_t &global = ellipsisSize[offset + d];
      if (size != 1 && global != 1 && size != global) {
        (void)ctx.error("ellipsis dimensions of sizes " + Twine(size) +
                        " and " + Twine(global) + " do not broadcast");
        return failure();
      }
      if (size != 1)
        global = size;
    }
  }
  for (auto [i, term] : llvm::enumerate(terms)) {
    int64_t e = ellipsisRank[i], offset = maxEllipsis - e;
    size_t start = plan.inputs[i].find_first_of(ellipsis);
    SmallVector<int64_t> shape(types[i].getShape());
    for (int64_t d = 0; d < e; ++d)
      shape[start + d] = ellipsisSize[offset + d];
    plan.broadcastTo.push_back(ArrayRef<int64_t>(shape) == types[i].getShape()
                                   ? SmallVector<int64_t>()
                                   : shape);
  }

  if (explicitOut) {
    StringRef before, after;
    bool hasEllipsis;
    if (failed(splitTerm(rhs, before, after, hasEllipsis))) {
      (void)ctx.error("output term '" + rhs + "' is malformed");
      return failure();
    }
    plan.output = before.str() + (hasEllipsis ? ellipsis : "") + after.str();
  } else {
    // Implicit form: the ellipsis, then letters used once, in ASCII order.
    plan.output = ellipsis;
    for (auto [c, n] : counts)
      if (n == 1)
        plan.output.push_back(c);
  }
  return plan;
}

static LogicalResult importEinsum(NodeContext &ctx) {
  auto operands = ctx.allInputs(/*minCount=*/0);
  if (failed(operands))
    return failure();
  SmallVector<Value> &inputs = *operands;
  if (inputs.empty())
    return ctx.error("needs at least one input");
  SmallVector<RankedTensorType> types;
  for (Value v : inputs)
    types.push_back(typeOf(v));
  if (!ctx.hasAttr("equation"))
    return ctx.error("attribute 'equation' is required");
  std::string equation = ctx.attrString("equation", "");
  auto plan = planEinsum(ctx, equation, types);
  if (failed(plan))
    return failure();
  std::string explicitEq = llvm::join(plan->inputs, ",") + "->" + plan->output;
  for (auto [v, shape] : llvm::zip(inputs, plan->broadcastTo))
    if (!shape.empty())
      v = BroadcastToOp::create(ctx.b, ctx.loc, typeOf(v).clone(shape), v);
  Value r =
      createInferred<EinsumOp>(ctx, StringRef(explicitEq), ValueRange(inputs));
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Windows: kernel, strides, dilations and padding of Conv and pooling
//===----------------------------------------------------------------------===//

namespace {
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padding;
};
} // namespace

/// Resolves `auto_pad` and `pads` for `Conv` and the pooling ops: SAME_*
/// pads so that the output size is ceil(in / stride), the odd one at the end
/// (SAME_UPPER) or the beginning (SAME_LOWER).
static LogicalResult resolvePadding(NodeContext &ctx, ArrayRef<int64_t> in,
                                    Window &w) {
  size_t k = in.size();
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "NOTSET") {
    auto pads = intsAttr(ctx, "pads", 2 * k, 0, 0);
    if (failed(pads))
      return failure();
    w.padding = *pads;
    return success();
  }
  if (ctx.hasAttr("pads") &&
      llvm::any_of(*ctx.attrInts("pads"), [](int64_t p) { return p != 0; }))
    return ctx.error("attribute 'pads' cannot be used with auto_pad '" +
                     autoPad + "'");
  w.padding.assign(2 * k, 0);
  if (autoPad == "VALID")
    return success();
  if (autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER")
    return ctx.error("attribute 'auto_pad' has unknown value '" + autoPad +
                     "'");
  for (size_t i = 0; i < k; ++i) {
    int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
    int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total =
        std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in[i]);
    int64_t small = total / 2, large = total - small;
    w.padding[i] = autoPad == "SAME_UPPER" ? small : large;
    w.padding[i + k] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

/// Reads the window of a node over the spatial dimensions `in`; `kernel` is
/// the weight's spatial shape for convolutions, empty for pooling (where the
/// attribute is required).
static FailureOr<Window> readWindow(NodeContext &ctx, ArrayRef<int64_t> in,
                                    ArrayRef<int64_t> kernel) {
  size_t k = in.size();
  Window w;
  if (auto ks = ctx.attrInts("kernel_shape")) {
    if (!kernel.empty() && ArrayRef<int64_t>(*ks) != kernel)
      return ctx.error("attribute 'kernel_shape' = " + formatShape(*ks) +
                       " does not match the weight's spatial shape " +
                       formatShape(kernel));
  } else if (kernel.empty()) {
    return ctx.error("attribute 'kernel_shape' is required");
  }
  auto ks = intsAttr(ctx, "kernel_shape", k, 1, 1);
  auto strides = intsAttr(ctx, "strides", k, 1, 1);
  auto dilations = intsAttr(ctx, "dilations", k, 1, 1);
  if (failed(ks) || failed(strides) || failed(dilations))
    return failure();
  w.kernel = kernel.empty() ? *ks : SmallVector<int64_t>(kernel);
  w.strides = *strides;
  w.dilations = *dilations;
  if (failed(resolvePadding(ctx, in, w)))
    return failure();
  return w;
}

/// Checks that `x` is [N, C, spatial...] and returns its spatial shape.
static FailureOr<SmallVector<int64_t>> spatialShape(NodeContext &ctx, Value x) {
  auto t = typeOf(x);
  if (t.getRank() < 3)
    return ctx.error("input X must have rank 3 or more ([N, C, spatial...]), "
                     "got rank " +
                     Twine(t.getRank()));
  return SmallVector<int64_t>(t.getShape().drop_front(2));
}

/// Adds a per-channel bias B ([M]) to `r` ([N, M, spatial...]).
static Value addChannelBias(NodeContext &ctx, Value r, Value bias) {
  auto rt = typeOf(r), bt = typeOf(bias);
  int64_t m = rt.getDimSize(1);
  if (bt.getRank() != 1 || bt.getDimSize(0) != m) {
    (void)ctx.error("bias B of shape " + formatShape(bt.getShape()) +
                    " does not match the " + Twine(m) + " output channels");
    return {};
  }
  if (bt.getElementType() != rt.getElementType()) {
    (void)ctx.error("bias B has a different element type from X");
    return {};
  }
  SmallVector<int64_t> shape(rt.getRank() - 1, 1);
  shape[0] = m;
  return AddOp::create(ctx.b, ctx.loc, r, ctx.reshape(bias, shape));
}

//===----------------------------------------------------------------------===//
// Conv, ConvTranspose
//===----------------------------------------------------------------------===//

/// The inputs shared by Conv and ConvTranspose: X, W (same rank), and the
/// spatial shapes of both.
static LogicalResult convOperands(NodeContext &ctx, Value &x, Value &w,
                                  SmallVector<int64_t> &in,
                                  SmallVector<int64_t> &kernel) {
  x = ctx.input(0);
  w = ctx.input(1);
  if (!x || !w || failed(requireFloat(ctx, x)))
    return failure();
  auto spatial = spatialShape(ctx, x);
  if (failed(spatial))
    return failure();
  in = *spatial;
  if (typeOf(w).getRank() != typeOf(x).getRank())
    return ctx.error("weight W has rank " + Twine(typeOf(w).getRank()) +
                     ", expected " + Twine(typeOf(x).getRank()));
  kernel.assign(typeOf(w).getShape().begin() + 2, typeOf(w).getShape().end());
  return success();
}

static LogicalResult importConv(NodeContext &ctx) {
  Value x, w;
  SmallVector<int64_t> in, kernel;
  if (failed(convOperands(ctx, x, w, in, kernel)))
    return failure();
  auto win = readWindow(ctx, in, kernel);
  if (failed(win))
    return failure();
  int64_t groups = ctx.attrInt("group", 1);
  if (groups < 1)
    return ctx.error("attribute 'group' must be positive, got " +
                     Twine(groups));
  Value r =
      createInferred<ConvOp>(ctx, x, w, ArrayRef<int64_t>(win->strides),
                             ArrayRef<int64_t>(win->dilations),
                             ArrayRef<int64_t>(win->padding), uint64_t(groups));
  if (r && ctx.hasInput(2))
    r = addChannelBias(ctx, r, ctx.input(2));
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  return success();
}

/// Resolves ConvTranspose's padding. With `output_shape` (given, or implied
/// by SAME_*: in * stride) the total padding follows from the output size; a
/// negative total (a larger output) becomes extra output padding at the end.
static LogicalResult resolveTransposePadding(NodeContext &ctx,
                                             ArrayRef<int64_t> in, Window &w,
                                             SmallVector<int64_t> &outPad) {
  size_t k = in.size();
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  auto outShape = ctx.attrInts("output_shape");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!outShape && !same)
    return resolvePadding(ctx, in, w);
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return ctx.error("attribute 'auto_pad' has unknown value '" + autoPad +
                     "'");
  SmallVector<int64_t> target;
  if (outShape) {
    // Older models give the full [N, C, spatial...] shape.
    ArrayRef<int64_t> s = *outShape;
    if (s.size() == k + 2)
      s = s.drop_front(2);
    if (s.size() != k || llvm::any_of(s, [](int64_t d) { return d <= 0; }))
      return ctx.error("attribute 'output_shape' = " + formatShape(*outShape) +
                       " does not give " + Twine(k) + " positive sizes");
    target.assign(s.begin(), s.end());
  } else {
    for (size_t i = 0; i < k; ++i)
      target.push_back(in[i] * w.strides[i]);
  }
  w.padding.assign(2 * k, 0);
  for (size_t i = 0; i < k; ++i) {
    int64_t full = w.strides[i] * (in[i] - 1) + outPad[i] +
                   (w.kernel[i] - 1) * w.dilations[i] + 1;
    int64_t total = full - target[i];
    if (total < 0) {
      outPad[i] -= total;
      continue;
    }
    // As in the ONNX spec (and its test data): SAME_UPPER puts the odd pad
    // at the end, every other mode at the beginning.
    int64_t small = total / 2, large = total - small;
    w.padding[i] = autoPad == "SAME_UPPER" ? small : large;
    w.padding[i + k] = autoPad == "SAME_UPPER" ? large : small;
  }
  return success();
}

static LogicalResult importConvTranspose(NodeContext &ctx) {
  Value x, w;
  SmallVector<int64_t> in, kernel;
  if (failed(convOperands(ctx, x, w, in, kernel)))
    return failure();
  size_t k = in.size();
  Window win;
  if (auto ks = ctx.attrInts("kernel_shape"))
    if (ArrayRef<int64_t>(*ks) != ArrayRef<int64_t>(kernel))
      return ctx.error("attribute 'kernel_shape' = " + formatShape(*ks) +
                       " does not match the weight's spatial shape " +
                       formatShape(kernel));
  win.kernel = kernel;
  auto strides = intsAttr(ctx, "strides", k, 1, 1);
  auto dilations = intsAttr(ctx, "dilations", k, 1, 1);
  auto outPad = intsAttr(ctx, "output_padding", k, 0, 0);
  if (failed(strides) || failed(dilations) || failed(outPad))
    return failure();
  win.strides = *strides;
  win.dilations = *dilations;
  if (failed(resolveTransposePadding(ctx, in, win, *outPad)))
    return failure();
  int64_t groups = ctx.attrInt("group", 1);
  if (groups < 1)
    return ctx.error("attribute 'group' must be positive, got " +
                     Twine(groups));
  Value r = createInferred<ConvTransposeOp>(
      ctx, x, w, ArrayRef<int64_t>(win.strides),
      ArrayRef<int64_t>(win.dilations), ArrayRef<int64_t>(win.padding),
      ArrayRef<int64_t>(*outPad), uint64_t(groups));
  if (r && ctx.hasInput(2))
    r = addChannelBias(ctx, r, ctx.input(2));
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

/// MaxPool's Indices with storage_order = 1: the spatial part of the flat
/// row-major index `flat` re-linearized column-major (the first spatial
/// dimension varies fastest), batch and channel parts unchanged.
static Value toColumnMajor(NodeContext &ctx, Value flat,
                           ArrayRef<int64_t> spatial) {
  OpBuilder &b = ctx.b;
  Location loc = ctx.loc;
  auto c = [&](int64_t v) { return ctx.scalar(b.getI64Type(), double(v)); };
  auto divBy = [&](Value a, int64_t d) -> Value {
    return DivOp::create(b, loc, a, c(d));
  };
  auto mod = [&](Value a, int64_t m) -> Value {
    return SubOp::create(b, loc, a, MulOp::create(b, loc, divBy(a, m), c(m)));
  };
  int64_t total = 1;
  for (int64_t d : spatial)
    total *= d;
  Value result = SubOp::create(b, loc, flat, mod(flat, total));
  int64_t row = total, col = 1;
  for (int64_t d : spatial) {
    row /= d;
    Value coord = mod(divBy(flat, row), d);
    result =
        AddOp::create(b, loc, result, MulOp::create(b, loc, coord, c(col)));
    col *= d;
  }
  return result;
}

template <typename PoolOp> static LogicalResult importPool(NodeContext &ctx) {
  constexpr bool isMax = std::is_same_v<PoolOp, MaxPoolOp>;
  int64_t storageOrder = ctx.attrInt("storage_order", 0);
  if (isMax && storageOrder != 0 && storageOrder != 1)
    return ctx.error("attribute 'storage_order' must be 0 or 1, got " +
                     Twine(storageOrder));
  Value x = ctx.input(0);
  if (!x)
    return failure();
  if (!isMax && failed(requireFloat(ctx, x)))
    return failure();
  auto in = spatialShape(ctx, x);
  if (failed(in))
    return failure();
  auto win = readWindow(ctx, *in, {});
  if (failed(win))
    return failure();
  for (size_t i = 0, k = in->size(); i < k; ++i) {
    int64_t span = (win->kernel[i] - 1) * win->dilations[i] + 1;
    if (win->padding[i] >= span || win->padding[i + k] >= span)
      return ctx.error("attribute 'pads' = " + formatShape(win->padding) +
                       " must be smaller than the window");
  }
  bool ceilMode = ctx.attrInt("ceil_mode", 0) != 0;
  Value r;
  if constexpr (isMax)
    r = createInferred<MaxPoolOp>(ctx, x, ArrayRef<int64_t>(win->kernel),
                                  ArrayRef<int64_t>(win->strides),
                                  ArrayRef<int64_t>(win->dilations),
                                  ArrayRef<int64_t>(win->padding), ceilMode);
  else
    r = createInferred<AvgPoolOp>(
        ctx, x, ArrayRef<int64_t>(win->kernel), ArrayRef<int64_t>(win->strides),
        ArrayRef<int64_t>(win->dilations), ArrayRef<int64_t>(win->padding),
        ceilMode, ctx.attrInt("count_include_pad", 0) != 0);
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  if constexpr (isMax) {
    if (ctx.wantsOutput(1)) {
      Value indices = createInferred<MaxPoolIndicesOp>(
          ctx, x, ArrayRef<int64_t>(win->kernel),
          ArrayRef<int64_t>(win->strides), ArrayRef<int64_t>(win->dilations),
          ArrayRef<int64_t>(win->padding), ceilMode);
      if (!indices)
        return failure();
      if (storageOrder == 1)
        indices = toColumnMajor(ctx, indices, *in);
      ctx.setOutput(1, indices);
    }
  }
  return success();
}

/// GlobalAveragePool / GlobalMaxPool: reduce every spatial axis, keeping it.
template <bool isMax> static LogicalResult importGlobalPool(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  if (!isMax && failed(requireFloat(ctx, x)))
    return failure();
  auto in = spatialShape(ctx, x);
  if (failed(in))
    return failure();
  SmallVector<int64_t> axes;
  int64_t count = 1;
  for (size_t i = 0; i < in->size(); ++i) {
    axes.push_back(i + 2);
    count *= (*in)[i];
  }
  Value r;
  if constexpr (isMax) {
    r = createInferred<ReduceMaxOp>(ctx, x, ArrayRef<int64_t>(axes), true);
  } else {
    r = createInferred<ReduceSumOp>(ctx, x, ArrayRef<int64_t>(axes), true);
    if (r)
      r = DivOp::create(ctx.b, ctx.loc, r,
                        ctx.scalar(typeOf(x).getElementType(), count));
  }
  if (!r)
    return failure();
  ctx.setOutput(0, r);
  return success();
}

void mlir::tcc::onnx_import::registerNNImporters(ImportTable &table) {
  table["MatMul"] = &importMatMul;
  table["Gemm"] = &importGemm;
  table["Einsum"] = &importEinsum;
  table["Conv"] = &importConv;
  table["ConvTranspose"] = &importConvTranspose;
  table["MaxPool"] = &importPool<MaxPoolOp>;
  table["AveragePool"] = &importPool<AvgPoolOp>;
  table["GlobalAveragePool"] = &importGlobalPool<false>;
  table["GlobalMaxPool"] = &importGlobalPool<true>;
}
