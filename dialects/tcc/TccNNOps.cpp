//===- TccNNOps.cpp - contractions, convolutions, reductions -------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::tcc;

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  auto lhs = rankedType(a.getLhs()), rhs = rankedType(a.getRhs());
  if (lhs.getRank() < 2 || rhs.getRank() < 2)
    return emitOptionalError(loc, "operands must have rank 2 or more");
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "operands have different element types");
  ArrayRef<int64_t> ls = lhs.getShape(), rs = rhs.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), k2 = rs[rs.size() - 2],
          n = rs.back();
  if (k != k2)
    return emitOptionalError(loc, "contracting dimensions differ: ", k,
                             " and ", k2);
  auto batch = broadcastShapes(ls.drop_back(2), rs.drop_back(2));
  if (failed(batch))
    return emitOptionalError(loc, "batch dimensions are not broadcastable");
  SmallVector<int64_t> shape = *batch;
  shape.append({m, n});
  r.push_back(RankedTensorType::get(shape, lhs.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// EinsumOp
//===----------------------------------------------------------------------===//

/// Splits an explicit equation "ab,bc->ac" into input terms and output term.
static LogicalResult parseEinsum(StringRef eq, SmallVectorImpl<StringRef> &ins,
                                 StringRef &out) {
  auto [lhs, rhs] = eq.split("->");
  if (lhs.size() == eq.size())
    return failure();
  lhs.split(ins, ',');
  out = rhs;
  auto isLetters = [](StringRef s) { return llvm::all_of(s, llvm::isAlpha); };
  return success(llvm::all_of(ins, isLetters) && isLetters(out));
}

LogicalResult EinsumOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  SmallVector<StringRef> ins;
  StringRef out;
  if (failed(parseEinsum(a.getEquation(), ins, out)))
    return emitOptionalError(loc, "equation must be explicit, like "
                                  "'ij,jk->ik', with letters only");
  if (ins.size() != a.getInputs().size())
    return emitOptionalError(loc, "equation has ", ins.size(),
                             " input terms but the op has ",
                             a.getInputs().size(), " inputs");
  llvm::DenseMap<char, int64_t> sizes;
  Type el;
  for (auto [term, v] : llvm::zip(ins, a.getInputs())) {
    auto t = rankedType(v);
    if (el && el != t.getElementType())
      return emitOptionalError(loc, "inputs have different element types");
    el = t.getElementType();
    if ((int64_t)term.size() != t.getRank())
      return emitOptionalError(loc, "term '", term, "' does not match rank ",
                               t.getRank());
    for (auto [c, d] : llvm::zip(term, t.getShape())) {
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && it->second != d)
        return emitOptionalError(loc, "index '", StringRef(&c, 1),
                                 "' has sizes ", it->second, " and ", d);
    }
  }
  SmallVector<int64_t> shape;
  for (char c : out) {
    auto it = sizes.find(c);
    if (it == sizes.end() || llvm::count(out, c) != 1)
      return emitOptionalError(loc, "output index '", StringRef(&c, 1),
                               "' must appear once and in some input");
    shape.push_back(it->second);
  }
  r.push_back(RankedTensorType::get(shape, el));
  return success();
}

LogicalResult EinsumOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

/// Checks window attributes for `k` spatial dimensions.
static LogicalResult verifyWindow(std::optional<Location> loc, int64_t k,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> dilations,
                                  ArrayRef<int64_t> padding) {
  if ((int64_t)strides.size() != k || (int64_t)dilations.size() != k ||
      (int64_t)padding.size() != 2 * k)
    return emitOptionalError(loc, "expected ", k, " strides and dilations and ",
                             2 * k, " padding values for ", k,
                             " spatial dimensions");
  if (llvm::any_of(strides, [](int64_t s) { return s <= 0; }) ||
      llvm::any_of(dilations, [](int64_t s) { return s <= 0; }))
    return emitOptionalError(loc, "strides and dilations must be positive");
  if (llvm::any_of(padding, [](int64_t s) { return s < 0; }))
    return emitOptionalError(loc, "padding must be non-negative");
  return success();
}

LogicalResult ConvOp::inferReturnTypes(MLIRContext *,
                                       std::optional<Location> loc, Adaptor a,
                                       SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput()), w = rankedType(a.getWeight());
  if (in.getRank() < 3 || in.getRank() != w.getRank())
    return emitOptionalError(loc, "input and weight must have the same rank, "
                                  "at least 3");
  if (in.getElementType() != w.getElementType())
    return emitOptionalError(loc, "input and weight have different element "
                                  "types");
  int64_t k = in.getRank() - 2, g = a.getGroups();
  if (failed(verifyWindow(loc, k, a.getStrides(), a.getDilations(),
                          a.getPadding())))
    return failure();
  int64_t c = in.getDimSize(1), m = w.getDimSize(0);
  if (g <= 0 || c % g != 0 || m % g != 0)
    return emitOptionalError(loc, "groups (", g, ") must divide the input "
                             "channels (", c, ") and output channels (", m, ")");
  if (w.getDimSize(1) * g != c)
    return emitOptionalError(loc, "weight has ", w.getDimSize(1),
                             " input channels per group, expected ", c / g);
  if (llvm::any_of(w.getShape().drop_front(2), [](int64_t d) { return d < 1; }))
    return emitOptionalError(loc, "kernel sizes must be positive");
  SmallVector<int64_t> shape{in.getDimSize(0), m};
  for (int64_t i = 0; i < k; ++i) {
    int64_t o = windowOutputSize(in.getDimSize(i + 2), a.getPadding()[i],
                                 a.getPadding()[i + k], w.getDimSize(i + 2),
                                 a.getStrides()[i], a.getDilations()[i]);
    if (o <= 0)
      return emitOptionalError(loc, "kernel does not fit spatial dimension ",
                               i);
    shape.push_back(o);
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult ConvTransposeOp::inferReturnTypes(MLIRContext *,
                                                std::optional<Location> loc,
                                                Adaptor a,
                                                SmallVectorImpl<Type> &r) {
  auto in = rankedType(a.getInput()), w = rankedType(a.getWeight());
  if (in.getRank() < 3 || in.getRank() != w.getRank())
    return emitOptionalError(loc, "input and weight must have the same rank, "
                                  "at least 3");
  if (in.getElementType() != w.getElementType())
    return emitOptionalError(loc, "input and weight have different element "
                                  "types");
  int64_t k = in.getRank() - 2, g = a.getGroups();
  if (failed(verifyWindow(loc, k, a.getStrides(), a.getDilations(),
                          a.getPadding())))
    return failure();
  if ((int64_t)a.getOutputPadding().size() != k)
    return emitOptionalError(loc, "expected ", k, " output_padding values");
  int64_t c = in.getDimSize(1);
  if (g <= 0 || c % g != 0)
    return emitOptionalError(loc, "groups (", g,
                             ") must divide the input channels (", c, ")");
  if (w.getDimSize(0) != c)
    return emitOptionalError(loc, "weight has ", w.getDimSize(0),
                             " input channels, expected ", c);
  if (llvm::any_of(w.getShape().drop_front(2), [](int64_t d) { return d < 1; }))
    return emitOptionalError(loc, "kernel sizes must be positive");
  for (int64_t i = 0; i < k; ++i) {
    int64_t op = a.getOutputPadding()[i];
    if (op < 0 || op >= std::max(a.getStrides()[i], a.getDilations()[i]))
      return emitOptionalError(loc, "output_padding must be in [0, "
                               "max(stride, dilation)) in every dimension");
  }
  SmallVector<int64_t> shape{in.getDimSize(0), w.getDimSize(1) * g};
  for (int64_t i = 0; i < k; ++i) {
    int64_t o = a.getStrides()[i] * (in.getDimSize(i + 2) - 1) +
                a.getOutputPadding()[i] +
                a.getDilations()[i] * (w.getDimSize(i + 2) - 1) + 1 -
                a.getPadding()[i] - a.getPadding()[i + k];
    if (o <= 0)
      return emitOptionalError(loc, "padding leaves no output in spatial "
                               "dimension ", i);
    shape.push_back(o);
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult ConvWeightGradOp::verify() {
  auto in = rankedType(getInput()), dy = rankedType(getGrad());
  RankedTensorType w = getType();
  int64_t rank = in.getRank(), k = rank - 2, g = getGroups();
  if (rank < 3 || dy.getRank() != rank || w.getRank() != rank)
    return emitOpError("input, grad and result must have the same rank, at "
                       "least 3");
  if (dy.getElementType() != in.getElementType() ||
      w.getElementType() != in.getElementType())
    return emitOpError("input, grad and result have different element types");
  if (failed(verifyWindow(getLoc(), k, getStrides(), getDilations(),
                          getPadding())))
    return failure();
  int64_t c = in.getDimSize(1), m = dy.getDimSize(1);
  if (dy.getDimSize(0) != in.getDimSize(0))
    return emitOpError("grad batch size ") << dy.getDimSize(0)
           << " differs from the input's " << in.getDimSize(0);
  if (g <= 0 || c % g != 0 || m % g != 0)
    return emitOpError("groups (") << g << ") must divide the input channels ("
           << c << ") and grad channels (" << m << ")";
  if (w.getDimSize(0) != m || w.getDimSize(1) * g != c)
    return emitOpError("result ") << w << " must be [" << m << ", " << c / g
                                  << ", kernel...]";
  for (int64_t i = 0; i < k; ++i) {
    int64_t kernel = w.getDimSize(i + 2);
    int64_t o = kernel < 1 ? 0
                           : windowOutputSize(in.getDimSize(i + 2),
                                              getPadding()[i],
                                              getPadding()[i + k], kernel,
                                              getStrides()[i],
                                              getDilations()[i]);
    if (o <= 0)
      return emitOpError("kernel does not fit spatial dimension ") << i;
    if (dy.getDimSize(i + 2) > o)
      return emitOpError("grad has ") << dy.getDimSize(i + 2)
             << " positions in spatial dimension " << i
             << ", more than the convolution's " << o;
  }
  return success();
}

static LogicalResult inferPool(std::optional<Location> loc,
                               RankedTensorType in, ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> padding, bool ceilMode,
                               SmallVectorImpl<Type> &r) {
  if (in.getRank() < 3)
    return emitOptionalError(loc, "input must have rank 3 or more");
  int64_t k = in.getRank() - 2;
  if ((int64_t)kernel.size() != k)
    return emitOptionalError(loc, "expected ", k, " kernel sizes");
  if (failed(verifyWindow(loc, k, strides, dilations, padding)))
    return failure();
  SmallVector<int64_t> shape{in.getDimSize(0), in.getDimSize(1)};
  for (int64_t i = 0; i < k; ++i) {
    if (kernel[i] <= 0)
      return emitOptionalError(loc, "kernel sizes must be positive");
    if (padding[i] >= (kernel[i] - 1) * dilations[i] + 1 ||
        padding[i + k] >= (kernel[i] - 1) * dilations[i] + 1)
      return emitOptionalError(loc, "padding must be smaller than the window");
    int64_t o = windowOutputSize(in.getDimSize(i + 2), padding[i],
                                 padding[i + k], kernel[i], strides[i],
                                 dilations[i], ceilMode);
    if (o <= 0)
      return emitOptionalError(loc, "window does not fit spatial dimension ",
                               i);
    shape.push_back(o);
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

LogicalResult MaxPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a, SmallVectorImpl<Type> &r) {
  return inferPool(loc, rankedType(a.getInput()), a.getKernel(), a.getStrides(),
                   a.getDilations(), a.getPadding(), a.getCeilMode(), r);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a, SmallVectorImpl<Type> &r) {
  return inferPool(loc, rankedType(a.getInput()), a.getKernel(), a.getStrides(),
                   a.getDilations(), a.getPadding(), a.getCeilMode(), r);
}

LogicalResult MaxPoolIndicesOp::inferReturnTypes(MLIRContext *ctx,
                                                 std::optional<Location> loc,
                                                 Adaptor a,
                                                 SmallVectorImpl<Type> &r) {
  SmallVector<Type> pooled;
  if (failed(inferPool(loc, rankedType(a.getInput()), a.getKernel(),
                       a.getStrides(), a.getDilations(), a.getPadding(),
                       a.getCeilMode(), pooled)))
    return failure();
  r.push_back(
      cast<RankedTensorType>(pooled.front()).clone(IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult MaxPoolGradOp::verify() {
  auto grad = getGrad().getType(), indices = getIndices().getType();
  auto result = getType();
  if (grad.getShape() != indices.getShape())
    return emitOpError("grad ") << grad << " and indices " << indices
                                << " must have the same shape";
  if (result.getElementType() != grad.getElementType())
    return emitOpError("result element type ") << result.getElementType()
           << " differs from the grad's " << grad.getElementType();
  SmallVector<Type> pooled;
  if (failed(inferPool(getLoc(), result, getKernel(), getStrides(),
                       getDilations(), getPadding(), getCeilMode(), pooled)))
    return failure();
  if (cast<RankedTensorType>(pooled.front()).getShape() != grad.getShape())
    return emitOpError("pooling the result type ")
           << result << " gives " << pooled.front() << ", not the grad's shape";
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

static LogicalResult inferReduce(std::optional<Location> loc, Value input,
                                 ArrayRef<int64_t> axes, bool keepDims,
                                 SmallVectorImpl<Type> &r) {
  auto in = rankedType(input);
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= in.getRank())
      return emitOptionalError(loc, "axis ", axes[i], " is out of range for "
                               "rank ", in.getRank());
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitOptionalError(loc, "axes must be sorted and distinct");
  }
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(in.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  r.push_back(RankedTensorType::get(shape, in.getElementType()));
  return success();
}

#define TCC_REDUCE(OP)                                                         \
  LogicalResult OP::inferReturnTypes(MLIRContext *,                            \
                                     std::optional<Location> loc, Adaptor a,   \
                                     SmallVectorImpl<Type> &r) {               \
    return inferReduce(loc, a.getInput(), a.getAxes(), a.getKeepDims(), r);   \
  }                                                                            \
  OpFoldResult OP::fold(FoldAdaptor) {                                         \
    if (getAxes().empty())                                                     \
      return getInput();                                                       \
    return {};                                                                 \
  }
TCC_REDUCE(ReduceSumOp)
TCC_REDUCE(ReduceProdOp)
TCC_REDUCE(ReduceMaxOp)
TCC_REDUCE(ReduceMinOp)
#undef TCC_REDUCE

static LogicalResult inferArgReduce(std::optional<Location> loc, Value input,
                                    int64_t axis, bool keepDims,
                                    SmallVectorImpl<Type> &r) {
  SmallVector<Type> tmp;
  if (failed(inferReduce(loc, input, {axis}, keepDims, tmp)))
    return failure();
  auto t = cast<RankedTensorType>(tmp.front());
  r.push_back(t.clone(IntegerType::get(input.getContext(), 64)));
  return success();
}

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  return inferArgReduce(loc, a.getInput(), a.getAxis(), a.getKeepDims(), r);
}

LogicalResult ArgMinOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor a, SmallVectorImpl<Type> &r) {
  return inferArgReduce(loc, a.getInput(), a.getAxis(), a.getKeepDims(), r);
}

LogicalResult CumSumOp::verify() {
  int64_t rank = getType().getRank(), axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError("axis ") << axis << " is out of range for rank "
                                << rank;
  return success();
}

//===----------------------------------------------------------------------===//
// Vector-Jacobian products (DifferentiableOpInterface)
//
// Rules are written with tcc ops only, so the backward pass lowers wherever
// the forward one does. Integer operands get no cotangent.
//===----------------------------------------------------------------------===//

static bool isFloatValue(Value v) {
  return isa<FloatType>(rankedType(v).getElementType());
}

/// A constant of float tensor `type` holding `values` (row-major).
static Value floatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          ArrayRef<double> values) {
  const llvm::fltSemantics &sem =
      cast<FloatType>(type.getElementType()).getFloatSemantics();
  SmallVector<APFloat> elems;
  for (double v : values) {
    APFloat f(v);
    bool lost;
    f.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    elems.push_back(f);
  }
  return arith::ConstantOp::create(b, loc, DenseElementsAttr::get(type, elems));
}

/// `v` with its last two dimensions swapped.
static Value transposeLastTwo(OpBuilder &b, Location loc, Value v) {
  int64_t rank = rankedType(v).getRank();
  SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, rank));
  std::swap(perm[rank - 1], perm[rank - 2]);
  return TransposeOp::create(b, loc, v, perm);
}

/// The leading `shape.size()` elements of every dimension of `v`.
static Value sliceFront(OpBuilder &b, Location loc, Value v,
                        ArrayRef<int64_t> shape) {
  RankedTensorType type = rankedType(v);
  if (type.getShape() == shape)
    return v;
  SmallVector<int64_t> zeros(shape.size(), 0), ones(shape.size(), 1);
  return SliceOp::create(b, loc, type.clone(shape), v, zeros, ones);
}

LogicalResult MatmulOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(getLhs()))
    return success();
  Location loc = getLoc();
  Value g = resultGrads[0];
  // dA = dC * B^T and dB = A^T * dC, with broadcast batch dims summed away.
  Value da = MatmulOp::create(b, loc, g, transposeLastTwo(b, loc, getRhs()));
  operandGrads[0] = sumToShape(b, loc, da, rankedType(getLhs()));
  RankedTensorType lhsType = rankedType(getLhs()), rhsType = rankedType(getRhs());
  if (rhsType.getRank() == 2 && lhsType.getRank() > 2 &&
      lhsType.getNumElements() != 0) {
    // A 2-D B shared by all batches (a linear layer): dB = A^T * dC with the
    // batches joined to the rows, one matmul summing over all of them, not
    // a batch of matmuls and a sum over their results.
    int64_t k = lhsType.getShape().back(), n = rhsType.getShape().back();
    int64_t rows = lhsType.getNumElements() / k;
    Value a = ReshapeOp::create(b, loc, lhsType.clone({rows, k}), getLhs());
    Value dc = ReshapeOp::create(
        b, loc, rankedType(g).clone({rows, n}), g);
    operandGrads[1] = MatmulOp::create(b, loc, transposeLastTwo(b, loc, a), dc);
    return success();
  }
  Value db = MatmulOp::create(b, loc, transposeLastTwo(b, loc, getLhs()), g);
  operandGrads[1] = sumToShape(b, loc, db, rhsType);
  return success();
}

/// The cotangent of einsum operand `i`: an einsum of the result's cotangent
/// with the other operands, producing operand i's term. A letter repeated in
/// that term (a diagonal) gets a fresh letter tied to the first one by an
/// identity matrix; a letter no other term supplies (summed over in the
/// forward) gets a vector of ones, which broadcasts the cotangent along it.
static FailureOr<Value> einsumOperandVJP(OpBuilder &b, EinsumOp op,
                                         ArrayRef<StringRef> terms,
                                         StringRef out, Value g, unsigned i) {
  Location loc = op.getLoc();
  RankedTensorType type = rankedType(op.getInputs()[i]);
  std::string used = op.getEquation().str();
  auto freshLetter = [&]() -> char {
    for (char c : StringRef("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"))
      if (!llvm::is_contained(used, c)) {
        used.push_back(c);
        return c;
      }
    return 0;
  };
  SmallVector<std::string> inTerms{out.str()};
  SmallVector<Value> inValues{g};
  for (auto [j, term] : llvm::enumerate(terms))
    if (j != i) {
      inTerms.push_back(term.str());
      inValues.push_back(op.getInputs()[j]);
    }
  StringRef term = terms[i];
  std::string target;
  for (auto [pos, c] : llvm::enumerate(term)) {
    if (!term.take_front(pos).contains(c)) {
      target.push_back(c);
      continue;
    }
    char fresh = freshLetter();
    if (!fresh)
      return op.emitOpError("tcc-autodiff: no free letter left to express the "
                            "gradient of a diagonal");
    target.push_back(fresh);
    int64_t n = type.getDimSize(pos);
    SmallVector<double> eye(n * n, 0.0);
    for (int64_t k = 0; k < n; ++k)
      eye[k * n + k] = 1.0;
    inTerms.push_back({c, fresh});
    inValues.push_back(
        floatConstant(b, loc, RankedTensorType::get({n, n}, type.getElementType()), eye));
  }
  for (auto [pos, c] : llvm::enumerate(target)) {
    if (llvm::any_of(inTerms, [&](const std::string &t) {
          return llvm::is_contained(t, c);
        }))
      continue;
    auto onesType =
        RankedTensorType::get({type.getDimSize(pos)}, type.getElementType());
    inTerms.push_back(std::string(1, c));
    inValues.push_back(createSplat(b, loc, onesType, 1.0));
  }
  std::string equation = llvm::join(inTerms, ",") + "->" + target;
  return EinsumOp::create(b, loc, equation, inValues).getResult();
}

LogicalResult EinsumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  SmallVector<StringRef> terms;
  StringRef out;
  if (failed(parseEinsum(getEquation(), terms, out)))
    return emitOpError("tcc-autodiff: cannot parse the equation");
  for (auto [i, input] : llvm::enumerate(getInputs())) {
    if (!isFloatValue(input))
      continue;
    FailureOr<Value> g =
        einsumOperandVJP(b, *this, terms, out, resultGrads[0], i);
    if (failed(g))
      return failure();
    operandGrads[i] = *g;
  }
  return success();
}

/// The input-gradient output padding of a convolution with input `in` and
/// weight `w`: the rows its last window left over (so that the transposed
/// convolution of the cotangent has the input's size).
static SmallVector<int64_t> convLeftover(RankedTensorType in,
                                         RankedTensorType w,
                                         ArrayRef<int64_t> strides,
                                         ArrayRef<int64_t> dilations,
                                         ArrayRef<int64_t> pads) {
  int64_t k = in.getRank() - 2;
  SmallVector<int64_t> leftover;
  for (int64_t i = 0; i < k; ++i) {
    int64_t span = in.getDimSize(i + 2) + pads[i] + pads[i + k] -
                   dilations[i] * (w.getDimSize(i + 2) - 1) - 1;
    leftover.push_back(span % strides[i]);
  }
  return leftover;
}

LogicalResult ConvOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                               SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  RankedTensorType in = rankedType(getInput()), w = rankedType(getWeight());
  ArrayRef<int64_t> pads = getPadding(), strides = getStrides(),
                    dilations = getDilations();
  // dX is the transposed convolution of dY with the same weight; the rows
  // the forward's last window left over come back as output padding.
  operandGrads[0] = ConvTransposeOp::create(
      b, loc, g, getWeight(), strides, dilations, pads,
      convLeftover(in, w, strides, dilations, pads), getGroups());
  operandGrads[1] = ConvWeightGradOp::create(b, loc, w, getInput(), g, strides,
                                             dilations, pads, getGroups());
  return success();
}

LogicalResult ConvTransposeOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                        SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value g = resultGrads[0];
  RankedTensorType in = rankedType(getInput());
  // conv_transpose is the adjoint of conv in its input, so dX is a
  // convolution of dY; output padding can make it a little larger than X.
  Value dx = ConvOp::create(b, loc, g, getWeight(), getStrides(),
                            getDilations(), getPadding(), getGroups());
  operandGrads[0] = sliceFront(b, loc, dx, in.getShape());
  // dW[c, m, k] = sum x[n, c, i] dY[n, G(c) * M/G + m, i*s + k*d - lo]: the
  // weight gradient of the convolution from dY's shape to X's, with the
  // roles of the input and cotangent exchanged.
  operandGrads[1] = ConvWeightGradOp::create(
      b, loc, rankedType(getWeight()), g, getInput(), getStrides(),
      getDilations(), getPadding(), getGroups());
  return success();
}

/// conv_weight_grad is bilinear, the adjoint of conv in the weight: with H
/// the cotangent of its result, <H, dW(x, dy)> = <conv(x, H), dy>, so
/// d(dy) = conv(x, H) (cut to dy's size) and d(x) = conv_transpose(dy, H)
/// (dy padded with zeros to the full convolution output first).
LogicalResult ConvWeightGradOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                         SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  Value h = resultGrads[0];
  RankedTensorType in = rankedType(getInput()), dy = rankedType(getGrad());
  ArrayRef<int64_t> pads = getPadding(), strides = getStrides(),
                    dilations = getDilations();
  Value conv = ConvOp::create(b, loc, getInput(), h, strides, dilations, pads,
                              getGroups());
  RankedTensorType full = rankedType(conv);
  operandGrads[1] = sliceFront(b, loc, conv, dy.getShape());
  Value g = getGrad();
  if (full != dy) {
    int64_t rank = dy.getRank();
    SmallVector<int64_t> padding(2 * rank, 0);
    for (int64_t d = 0; d < rank; ++d)
      padding[rank + d] = full.getDimSize(d) - dy.getDimSize(d);
    Value zero = createSplat(
        b, loc, RankedTensorType::get({}, dy.getElementType()), 0.0);
    g = PadOp::create(b, loc, g, zero, padding, "constant");
  }
  operandGrads[0] = ConvTransposeOp::create(
      b, loc, g, h, strides, dilations, pads,
      convLeftover(in, rankedType(h), strides, dilations, pads), getGroups());
  return success();
}

LogicalResult MaxPoolOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(getInput()))
    return success();
  Location loc = getLoc();
  Value indices = MaxPoolIndicesOp::create(b, loc, getInput(), getKernel(),
                                           getStrides(), getDilations(),
                                           getPadding(), getCeilMode());
  operandGrads[0] = MaxPoolGradOp::create(
      b, loc, getInput().getType(), resultGrads[0], indices, getKernel(),
      getStrides(), getDilations(), getPadding(), getCeilMode());
  return success();
}

/// Per output position, 1 / the divisor avg_pool used there (as in its
/// lowering: window elements inside the input, plus the explicit pads with
/// count_include_pad, never the ceil_mode overhang), of shape [O1..Ok].
static Value avgPoolReciprocalCounts(OpBuilder &b, AvgPoolOp op) {
  RankedTensorType in = rankedType(op.getInput()), out = op.getType();
  int64_t k = in.getRank() - 2;
  ArrayRef<int64_t> pads = op.getPadding();
  SmallVector<double> recip{1.0};
  for (int64_t i = 0; i < k; ++i) {
    int64_t lo = pads[i], hi = pads[i + k];
    int64_t begin = op.getCountIncludePad() ? -lo : 0;
    int64_t end = in.getDimSize(i + 2) + (op.getCountIncludePad() ? hi : 0);
    SmallVector<double> next;
    for (double r : recip)
      for (int64_t o = 0, e = out.getDimSize(i + 2); o < e; ++o) {
        int64_t count = 0;
        for (int64_t j = 0; j < op.getKernel()[i]; ++j) {
          int64_t p = o * op.getStrides()[i] + j * op.getDilations()[i] - lo;
          count += p >= begin && p < end;
        }
        next.push_back(r / std::max<int64_t>(count, 1));
      }
    recip = std::move(next);
  }
  auto type = RankedTensorType::get(out.getShape().drop_front(2),
                                    out.getElementType());
  return floatConstant(b, op.getLoc(), type, recip);
}

LogicalResult AvgPoolOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                  SmallVectorImpl<Value> &operandGrads) {
  Location loc = getLoc();
  RankedTensorType in = rankedType(getInput()), out = getType();
  int64_t k = in.getRank() - 2, c = in.getDimSize(1);
  Value scaled =
      MulOp::create(b, loc, resultGrads[0], avgPoolReciprocalCounts(b, *this));
  // Spreading each window's share over the window is a depthwise transposed
  // convolution with a kernel of ones; positions outside the input drop out.
  // High pads (or output padding) make its output exactly the input's size.
  SmallVector<int64_t> pads(getPadding()), outputPadding;
  SmallVector<int64_t> wShape{c, 1};
  for (int64_t i = 0; i < k; ++i) {
    int64_t full = getStrides()[i] * (out.getDimSize(i + 2) - 1) +
                   getDilations()[i] * (getKernel()[i] - 1) + 1 - pads[i];
    int64_t excess = full - in.getDimSize(i + 2);
    pads[i + k] = std::max<int64_t>(excess, 0);
    outputPadding.push_back(std::max<int64_t>(-excess, 0));
    wShape.push_back(getKernel()[i]);
  }
  Value ones = createSplat(b, loc, in.clone(wShape), 1.0);
  operandGrads[0] = ConvTransposeOp::create(b, loc, scaled, ones, getStrides(),
                                            getDilations(), pads, outputPadding,
                                            uint64_t(c));
  return success();
}

/// A reduction's cotangent `g` with the reduced axes kept as size 1, so that
/// it broadcasts against the input.
static Value keepReducedDims(OpBuilder &b, Location loc, Value g,
                             RankedTensorType in, ArrayRef<int64_t> axes) {
  SmallVector<int64_t> shape(in.getShape());
  for (int64_t a : axes)
    shape[a] = 1;
  auto type = in.clone(shape);
  if (g.getType() == type)
    return g;
  return ReshapeOp::create(b, loc, type, g);
}

LogicalResult ReduceSumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(getInput()))
    return success();
  Location loc = getLoc();
  RankedTensorType in = rankedType(getInput());
  Value g = keepReducedDims(b, loc, resultGrads[0], in, getAxes());
  operandGrads[0] = BroadcastToOp::create(b, loc, in, g);
  return success();
}

LogicalResult ReduceProdOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                     SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(getInput()))
    return success();
  Location loc = getLoc();
  Value x = getInput();
  RankedTensorType in = rankedType(x);
  auto scalar = [&](double v) {
    return createSplat(b, loc, RankedTensorType::get({}, in.getElementType()), v);
  };
  Value zero = scalar(0.0), one = scalar(1.0);
  ArrayRef<int64_t> axes = getAxes();
  // d prod / dx_i is the product of the others: prod / x_i where x_i != 0;
  // where x_i == 0, the product of the non-zeros if x_i is the only zero,
  // else 0 (as PyTorch does).
  Value prod = keepReducedDims(b, loc, getResult(), in, axes);
  Value isZero = EqualOp::create(b, loc, x, zero);
  Value nonZeros = SelectOp::create(b, loc, isZero, one, x);
  Value nonZeroProd = ReduceProdOp::create(b, loc, nonZeros, axes, true);
  Value zeroCount = ReduceSumOp::create(
      b, loc, ConvertOp::create(b, loc, in, isZero), axes, true);
  Value onlyZero = EqualOp::create(b, loc, zeroCount, one);
  Value atZero = SelectOp::create(b, loc, onlyZero, nonZeroProd, zero);
  Value others = SelectOp::create(b, loc, isZero, atZero,
                                  DivOp::create(b, loc, prod, nonZeros));
  Value g = keepReducedDims(b, loc, resultGrads[0], in, axes);
  operandGrads[0] = MulOp::create(b, loc, g, others);
  return success();
}

/// reduce_max/reduce_min: the cotangent goes to the elements equal to the
/// extreme, split evenly among ties (torch.amax/amin).
template <typename OpTy>
static LogicalResult extremeVJP(OpTy op, OpBuilder &b, ValueRange resultGrads,
                                SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(op.getInput()))
    return success();
  Location loc = op.getLoc();
  Value x = op.getInput();
  RankedTensorType in = rankedType(x);
  ArrayRef<int64_t> axes = op.getAxes();
  Value extreme = keepReducedDims(b, loc, op.getResult(), in, axes);
  Value mask = ConvertOp::create(b, loc, in, EqualOp::create(b, loc, x, extreme));
  Value count = ReduceSumOp::create(b, loc, mask, axes, true);
  Value g = keepReducedDims(b, loc, resultGrads[0], in, axes);
  operandGrads[0] = MulOp::create(b, loc, mask, DivOp::create(b, loc, g, count));
  return success();
}

LogicalResult ReduceMaxOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  return extremeVJP(*this, b, resultGrads, operandGrads);
}

LogicalResult ReduceMinOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                    SmallVectorImpl<Value> &operandGrads) {
  return extremeVJP(*this, b, resultGrads, operandGrads);
}

LogicalResult CumSumOp::buildVJP(OpBuilder &b, ValueRange resultGrads,
                                 SmallVectorImpl<Value> &operandGrads) {
  if (!isFloatValue(getInput()))
    return success();
  // x_j reaches exactly the outputs a cumsum in the other direction would
  // sum into position j (with the same exclusivity).
  operandGrads[0] =
      CumSumOp::create(b, getLoc(), getType(), resultGrads[0], getAxis(),
                       getExclusive(), !getReverse());
  return success();
}

LogicalResult RandomUniformOp::buildVJP(OpBuilder &, ValueRange,
                                        SmallVectorImpl<Value> &) {
  // The numbers depend on the integer seed only: nothing to differentiate.
  return success();
}
