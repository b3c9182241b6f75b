//===- TccNNOps.cpp - contractions, convolutions, reductions -------------===//

#include "dialects/tcc/TccOps.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/STLExtras.h"

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

static LogicalResult inferPool(std::optional<Location> loc, Value input,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilations,
                               ArrayRef<int64_t> padding, bool ceilMode,
                               SmallVectorImpl<Type> &r) {
  auto in = rankedType(input);
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
  return inferPool(loc, a.getInput(), a.getKernel(), a.getStrides(),
                   a.getDilations(), a.getPadding(), a.getCeilMode(), r);
}

LogicalResult AvgPoolOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location> loc,
                                          Adaptor a, SmallVectorImpl<Type> &r) {
  return inferPool(loc, a.getInput(), a.getKernel(), a.getStrides(),
                   a.getDilations(), a.getPadding(), a.getCeilMode(), r);
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
