//===- ImportNormalization.cpp - ONNX normalization and reduction ops -----===//
//
// Softmax, the Reduce* family, ArgMax/ArgMin, CumSum and the normalization
// layers (BatchNormalization, LayerNormalization, InstanceNormalization).
// Everything composite is decomposed here into primitive tcc reductions and
// elementwise ops, so later passes (autodiff above all) only need rules for
// the primitives.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

using namespace mlir;
using namespace mlir::tcc;
using namespace mlir::tcc::onnx_import;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// Fails with a diagnostic unless `v` holds floating-point elements.
static LogicalResult requireFloat(NodeContext &nc, Value v, StringRef what) {
  if (isa<FloatType>(elementTypeOf(v)))
    return success();
  return nc.error(what + " must have a floating-point element type");
}

/// Product of the sizes of `axes` of `shape`.
static int64_t countOver(ArrayRef<int64_t> shape, ArrayRef<int64_t> axes) {
  int64_t n = 1;
  for (int64_t a : axes)
    n *= shape[a];
  return n;
}

/// The axes [begin, end).
static SmallVector<int64_t> axesIn(int64_t begin, int64_t end) {
  SmallVector<int64_t> axes;
  for (int64_t i = begin; i < end; ++i)
    axes.push_back(i);
  return axes;
}

/// All axes of `rank` except `skip` (skip < 0: none skipped).
static SmallVector<int64_t> allAxesBut(int64_t rank, int64_t skip = -1) {
  SmallVector<int64_t> axes;
  for (int64_t i = 0; i < rank; ++i)
    if (i != skip)
      axes.push_back(i);
  return axes;
}

/// Reduces `x` over `axes` with the tcc reduction `OpTy`; no axes is the
/// identity, so that ops emit nothing for it.
template <typename OpTy>
static Value reduce(NodeContext &nc, Value x, ArrayRef<int64_t> axes,
                    bool keep) {
  if (axes.empty())
    return x;
  return OpTy::create(nc.b, nc.loc, x, axes, keep);
}

/// Mean over `axes` (sum / count; integer division for integer types).
static Value mean(NodeContext &nc, Value x, ArrayRef<int64_t> axes,
                  bool keep) {
  int64_t n = countOver(typeOf(x).getShape(), axes);
  Value sum = reduce<ReduceSumOp>(nc, x, axes, keep);
  if (n == 1)
    return sum;
  return DivOp::create(nc.b, nc.loc, sum, nc.scalar(elementTypeOf(x), n));
}

static Value sub(NodeContext &nc, Value a, Value b) {
  return SubOp::create(nc.b, nc.loc, a, b);
}
static Value mul(NodeContext &nc, Value a, Value b) {
  return MulOp::create(nc.b, nc.loc, a, b);
}
static Value add(NodeContext &nc, Value a, Value b) {
  return AddOp::create(nc.b, nc.loc, a, b);
}

/// `x` centered and scaled to unit variance over `axes` (population
/// variance): returns (x - mean) * rsqrt(var + eps), and the kept-dims mean
/// and inverse standard deviation through the out-parameters.
static Value standardize(NodeContext &nc, Value x, ArrayRef<int64_t> axes,
                         double epsilon, Value *meanOut = nullptr,
                         Value *varOut = nullptr, Value *invStdOut = nullptr) {
  Value m = mean(nc, x, axes, /*keep=*/true);
  Value d = sub(nc, x, m);
  Value var = mean(nc, mul(nc, d, d), axes, /*keep=*/true);
  Value eps = nc.scalar(elementTypeOf(x), epsilon);
  Value invStd = RsqrtOp::create(nc.b, nc.loc, add(nc, var, eps));
  if (meanOut)
    *meanOut = m;
  if (varOut)
    *varOut = var;
  if (invStdOut)
    *invStdOut = invStd;
  return mul(nc, d, invStd);
}

/// A per-channel tensor ([C], or anything with C elements) reshaped to
/// [C, 1, ..., 1] so that it broadcasts over [N, C, D1, ..., Dk] (rank
/// `rank`), converted to `elemType`.
static FailureOr<Value> perChannel(NodeContext &nc, size_t input, int64_t rank,
                                   int64_t channels, Type elemType,
                                   StringRef what) {
  Value v = nc.input(input);
  if (!v)
    return failure();
  if (typeOf(v).getNumElements() != channels)
    return nc.error(what + " (input " + Twine(input) + ") must have " +
                    Twine(channels) + " elements, one per channel");
  SmallVector<int64_t> shape(rank - 1, 1);
  shape[0] = channels;
  return nc.convert(nc.reshape(v, shape), elemType);
}

/// Reads a compile-time list of integers (an axes or axis input).
static FailureOr<SmallVector<int64_t>> constantInts(NodeContext &nc,
                                                    size_t input,
                                                    StringRef what) {
  FailureOr<const HostTensor *> t = nc.requireConstantInput(input, what);
  if (failed(t))
    return failure();
  if (tccrt::isFloatDType((*t)->dtype) || (*t)->dtype == DType::Bool)
    return nc.error(what + " (input " + Twine(input) +
                    ") must be an integer tensor");
  SmallVector<int64_t> values;
  for (int64_t i = 0, e = (*t)->numElements(); i < e; ++i)
    values.push_back((*t)->getInt(i));
  return values;
}

//===----------------------------------------------------------------------===//
// Softmax, LogSoftmax
//===----------------------------------------------------------------------===//

/// Numerically stable (log-)softmax of `x` along `axis`.
static Value softmaxAlong(NodeContext &nc, Value x, int64_t axis, bool log) {
  Value m = ReduceMaxOp::create(nc.b, nc.loc, x, ArrayRef<int64_t>{axis},
                                /*keep_dims=*/true);
  Value shifted = sub(nc, x, m);
  Value e = ExpOp::create(nc.b, nc.loc, shifted);
  Value s = ReduceSumOp::create(nc.b, nc.loc, e, ArrayRef<int64_t>{axis},
                                /*keep_dims=*/true);
  if (log)
    return sub(nc, shifted, LogOp::create(nc.b, nc.loc, s));
  return DivOp::create(nc.b, nc.loc, e, s);
}

static LogicalResult importSoftmaxImpl(NodeContext &nc, bool log) {
  Value x = nc.input(0);
  if (!x || failed(requireFloat(nc, x, "the input")))
    return failure();
  ArrayRef<int64_t> shape = typeOf(x).getShape();
  int64_t rank = shape.size();
  if (rank == 0)
    return nc.error("the input must have rank 1 or more");
  bool legacy = nc.opset < 13;
  FailureOr<int64_t> axis =
      nc.normalizeAxis(nc.attrInt("axis", legacy ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  if (!legacy) {
    nc.setOutput(0, softmaxAlong(nc, x, *axis, log));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D [outer, inner] at `axis`
  // and normalized over all of `inner`.
  int64_t outer = countOver(shape, axesIn(0, *axis));
  int64_t inner = countOver(shape, axesIn(*axis, rank));
  Value flat = nc.reshape(x, {outer, inner});
  nc.setOutput(0, nc.reshape(softmaxAlong(nc, flat, 1, log), shape));
  return success();
}

static LogicalResult importSoftmax(NodeContext &nc) {
  return importSoftmaxImpl(nc, /*log=*/false);
}
static LogicalResult importLogSoftmax(NodeContext &nc) {
  return importSoftmaxImpl(nc, /*log=*/true);
}

//===----------------------------------------------------------------------===//
// Reduce*
//===----------------------------------------------------------------------===//

namespace {
/// How a Reduce* op is built from primitives.
enum class ReduceKind {
  Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare
};
} // namespace

/// The axes a Reduce* node reduces: sorted, distinct, non-negative. Absent
/// or empty axes mean all axes, or none with noop_with_empty_axes.
static FailureOr<SmallVector<int64_t>>
reductionAxes(NodeContext &nc, ReduceKind kind, int64_t rank) {
  // ReduceSum takes its axes as an input from opset 13, the others from 18.
  bool axesAsInput =
      nc.opset >= 18 || (nc.opset >= 13 && kind == ReduceKind::Sum);
  SmallVector<int64_t> raw;
  if (axesAsInput && nc.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> ints = constantInts(nc, 1, "axes");
    if (failed(ints))
      return failure();
    raw = *ints;
  } else if (!axesAsInput) {
    raw = nc.attrInts("axes").value_or(SmallVector<int64_t>{});
  }
  if (raw.empty())
    return nc.attrInt("noop_with_empty_axes", 0) ? SmallVector<int64_t>{}
                                                 : allAxesBut(rank);
  SmallVector<int64_t> axes;
  for (int64_t a : raw) {
    FailureOr<int64_t> n = nc.normalizeAxis(a, rank, "reduction axis");
    if (failed(n))
      return failure();
    axes.push_back(*n);
  }
  llvm::sort(axes);
  axes.erase(llvm::unique(axes), axes.end());
  return axes;
}

/// True for the kinds that need floating-point elements (logs and roots).
static bool needsFloat(ReduceKind kind) {
  return kind == ReduceKind::L2 || kind == ReduceKind::LogSum ||
         kind == ReduceKind::LogSumExp;
}

static Value buildReduction(NodeContext &nc, ReduceKind kind, Value x,
                            ArrayRef<int64_t> axes, bool keep) {
  OpBuilder &b = nc.b;
  switch (kind) {
  case ReduceKind::Sum:
    return reduce<ReduceSumOp>(nc, x, axes, keep);
  case ReduceKind::Mean:
    return mean(nc, x, axes, keep);
  case ReduceKind::Max:
    return reduce<ReduceMaxOp>(nc, x, axes, keep);
  case ReduceKind::Min:
    return reduce<ReduceMinOp>(nc, x, axes, keep);
  case ReduceKind::Prod:
    return reduce<ReduceProdOp>(nc, x, axes, keep);
  case ReduceKind::L1:
    return reduce<ReduceSumOp>(nc, AbsOp::create(b, nc.loc, x), axes, keep);
  case ReduceKind::SumSquare:
    return reduce<ReduceSumOp>(nc, mul(nc, x, x), axes, keep);
  case ReduceKind::L2:
    return SqrtOp::create(b, nc.loc,
                          reduce<ReduceSumOp>(nc, mul(nc, x, x), axes, keep));
  case ReduceKind::LogSum:
    return LogOp::create(b, nc.loc, reduce<ReduceSumOp>(nc, x, axes, keep));
  case ReduceKind::LogSumExp: {
    // log(sum(exp(x - m))) + m with m the maximum, so exp cannot overflow.
    Value m = reduce<ReduceMaxOp>(nc, x, axes, /*keep=*/true);
    Value e = ExpOp::create(b, nc.loc, sub(nc, x, m));
    Value lse =
        LogOp::create(b, nc.loc, reduce<ReduceSumOp>(nc, e, axes, keep));
    return add(nc, lse, keep ? m : nc.reshape(m, typeOf(lse).getShape()));
  }
  }
  llvm_unreachable("unknown reduction kind");
}

template <ReduceKind kind>
static LogicalResult importReduce(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x)
    return failure();
  if (needsFloat(kind) && failed(requireFloat(nc, x, "the input")))
    return failure();
  if (elementTypeOf(x).isInteger(1))
    return nc.error("boolean inputs are not supported");
  FailureOr<SmallVector<int64_t>> axes =
      reductionAxes(nc, kind, typeOf(x).getRank());
  if (failed(axes))
    return failure();
  bool keep = nc.attrInt("keepdims", 1) != 0;
  nc.setOutput(0, buildReduction(nc, kind, x, *axes, keep));
  return success();
}

//===----------------------------------------------------------------------===//
// ArgMax, ArgMin, CumSum
//===----------------------------------------------------------------------===//

template <typename OpTy> static LogicalResult importArgReduce(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x)
    return failure();
  if (typeOf(x).getRank() == 0)
    return nc.error("the input must have rank 1 or more");
  FailureOr<int64_t> axis =
      nc.normalizeAxis(nc.attrInt("axis", 0), typeOf(x).getRank());
  if (failed(axis))
    return failure();
  bool keep = nc.attrInt("keepdims", 1) != 0;
  bool last = nc.attrInt("select_last_index", 0) != 0;
  nc.setOutput(0, OpTy::create(nc.b, nc.loc, x, uint64_t(*axis), keep, last));
  return success();
}

static LogicalResult importCumSum(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> axisInput = constantInts(nc, 1, "axis");
  if (failed(axisInput))
    return failure();
  if (axisInput->size() != 1)
    return nc.error("axis (input 1) must hold exactly one value");
  int64_t rank = typeOf(x).getRank();
  if (rank == 0)
    return nc.error("the input must have rank 1 or more");
  FailureOr<int64_t> axis = nc.normalizeAxis((*axisInput)[0], rank);
  if (failed(axis))
    return failure();
  nc.setOutput(0, CumSumOp::create(nc.b, nc.loc, x, uint64_t(*axis),
                                   nc.attrInt("exclusive", 0) != 0,
                                   nc.attrInt("reverse", 0) != 0));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization, InstanceNormalization, LayerNormalization
//===----------------------------------------------------------------------===//

/// Checks the [N, C, ...] input of a channel normalization; returns C.
static FailureOr<int64_t> channelsOf(NodeContext &nc, Value x) {
  if (failed(requireFloat(nc, x, "the input")))
    return failure();
  if (typeOf(x).getRank() < 2)
    return nc.error("the input must have rank 2 or more ([N, C, ...])");
  return typeOf(x).getDimSize(1);
}

/// running * momentum + batchStat * factor * (1 - momentum), in the type
/// and shape of the running statistic (input `input`).
static Value updatedRunningStat(NodeContext &nc, size_t input, Value batchStat,
                                double momentum, double factor = 1.0) {
  Value running = nc.input(input);
  Type t = elementTypeOf(running);
  Value batch = nc.convert(
      nc.reshape(batchStat, typeOf(running).getShape()), t);
  return add(nc, mul(nc, running, nc.scalar(t, momentum)),
             mul(nc, batch, nc.scalar(t, factor * (1.0 - momentum))));
}

/// Training mode: the node's running-statistic outputs (ONNX semantics),
/// and the running statistics as model state (PyTorch semantics) where they
/// are parameters (graph inputs hold no state across steps).
static LogicalResult updateRunningStats(NodeContext &nc, Value batchMean,
                                        Value batchVar, int64_t count,
                                        double momentum) {
  // The mean's update is the same for both.
  if (nc.wantsOutput(1) || nc.isParameter(3)) {
    Value newMean = updatedRunningStat(nc, 3, batchMean, momentum);
    nc.setOutput(1, newMean);
    if (nc.isParameter(3) && failed(nc.markState(3, newMean)))
      return failure();
  }
  // Output 2 follows ONNX's reference: population variance. The state
  // update reproduces PyTorch training, which updates running_var with the
  // *unbiased* batch variance (n / (n - 1)). PyTorch refuses n = 1 in
  // training; keep the population variance there rather than divide by 0.
  if (nc.wantsOutput(2))
    nc.setOutput(2, updatedRunningStat(nc, 4, batchVar, momentum));
  double bessel = count > 1 ? double(count) / double(count - 1) : 1.0;
  if (nc.isParameter(4) &&
      failed(nc.markState(
          4, updatedRunningStat(nc, 4, batchVar, momentum, bessel))))
    return failure();
  return success();
}

static LogicalResult importBatchNormalization(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x)
    return failure();
  FailureOr<int64_t> channels = channelsOf(nc, x);
  if (failed(channels))
    return failure();
  if (nc.opset < 9 && nc.attrInt("spatial", 1) == 0)
    return nc.error("spatial=0 (per-activation statistics) is not supported");
  int64_t rank = typeOf(x).getRank();
  Type et = elementTypeOf(x);
  double epsilon = nc.attrFloat("epsilon", 1e-5f);
  double momentum = nc.attrFloat("momentum", 0.9f);
  // From opset 14 the mode is an attribute; before, asking for the running
  // statistics (outputs 1 and up) means training. An inference import
  // overrides both.
  bool training = nc.opset >= 14 ? nc.attrInt("training_mode", 0) != 0
                                 : nc.numOutputs() > 1;
  training = training && !nc.options().inference;

  FailureOr<Value> scale = perChannel(nc, 1, rank, *channels, et, "scale");
  FailureOr<Value> bias = perChannel(nc, 2, rank, *channels, et, "B");
  FailureOr<Value> inMean = perChannel(nc, 3, rank, *channels, et, "mean");
  FailureOr<Value> inVar = perChannel(nc, 4, rank, *channels, et, "var");
  if (failed(scale) || failed(bias) || failed(inMean) || failed(inVar))
    return failure();

  Value normalized;
  if (training) {
    Value batchMean, batchVar;
    SmallVector<int64_t> axes = allAxesBut(rank, 1);
    normalized = standardize(nc, x, axes, epsilon, &batchMean, &batchVar);
    if (failed(updateRunningStats(nc, batchMean, batchVar,
                                  countOver(typeOf(x).getShape(), axes),
                                  momentum)))
      return failure();
    // Opsets 9-13 also return the batch statistics themselves.
    if (nc.opset < 14) {
      nc.setOutput(3, nc.reshape(batchMean, {*channels}));
      nc.setOutput(4, nc.reshape(batchVar, {*channels}));
    }
  } else {
    Value eps = nc.scalar(et, epsilon);
    Value invStd = RsqrtOp::create(nc.b, nc.loc, add(nc, *inVar, eps));
    normalized = mul(nc, sub(nc, x, *inMean), invStd);
    // A training graph imported for inference: statistics stay as they are.
    nc.setOutput(1, nc.input(3));
    nc.setOutput(2, nc.input(4));
    if (nc.opset < 14) {
      nc.setOutput(3, nc.input(3));
      nc.setOutput(4, nc.input(4));
    }
  }
  nc.setOutput(0, add(nc, mul(nc, normalized, *scale), *bias));
  return success();
}

static LogicalResult importInstanceNormalization(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x)
    return failure();
  FailureOr<int64_t> channels = channelsOf(nc, x);
  if (failed(channels))
    return failure();
  int64_t rank = typeOf(x).getRank();
  Type et = elementTypeOf(x);
  FailureOr<Value> scale = perChannel(nc, 1, rank, *channels, et, "scale");
  FailureOr<Value> bias = perChannel(nc, 2, rank, *channels, et, "B");
  if (failed(scale) || failed(bias))
    return failure();
  Value normalized =
      standardize(nc, x, axesIn(2, rank), nc.attrFloat("epsilon", 1e-5f));
  nc.setOutput(0, add(nc, mul(nc, normalized, *scale), *bias));
  return success();
}

/// The element type LayerNormalization computes its statistics in.
static FailureOr<Type> stashType(NodeContext &nc) {
  int64_t stash = nc.attrInt("stash_type", onnx::TensorProto::FLOAT);
  std::optional<DType> dt = dtypeFromONNX(stash);
  if (!dt || !tccrt::isFloatDType(*dt)) {
    (void)nc.error("stash_type " + Twine(stash) + " is not supported");
    return failure();
  }
  return elementTypeOf(nc.b.getContext(), *dt);
}

static LogicalResult importLayerNormalization(NodeContext &nc) {
  Value x = nc.input(0);
  if (!x || failed(requireFloat(nc, x, "the input")))
    return failure();
  int64_t rank = typeOf(x).getRank();
  if (rank == 0)
    return nc.error("the input must have rank 1 or more");
  FailureOr<int64_t> axis = nc.normalizeAxis(nc.attrInt("axis", -1), rank);
  FailureOr<Type> stash = stashType(nc);
  if (failed(axis) || failed(stash))
    return failure();
  SmallVector<int64_t> axes = axesIn(*axis, rank);

  // Statistics (and the normalization itself) in the stash type, as ONNX's
  // function body does; the affine part in the input's type.
  Value meanV, invStd;
  Value normalized =
      standardize(nc, nc.convert(x, *stash), axes,
                  nc.attrFloat("epsilon", 1e-5f), &meanV, nullptr, &invStd);
  Type et = elementTypeOf(x);
  Value scale = nc.input(1);
  if (!scale)
    return failure();
  Value y = mul(nc, nc.convert(normalized, et), nc.convert(scale, et));
  if (nc.hasInput(2)) {
    Value bias = nc.input(2);
    if (!bias)
      return failure();
    y = add(nc, y, nc.convert(bias, et));
  }
  nc.setOutput(0, y);
  nc.setOutput(1, meanV);
  nc.setOutput(2, invStd);
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void mlir::tcc::onnx_import::registerNormalizationImporters(
    ImportTable &table) {
  table["Softmax"] = importSoftmax;
  table["LogSoftmax"] = importLogSoftmax;
  table["ReduceSum"] = importReduce<ReduceKind::Sum>;
  table["ReduceMean"] = importReduce<ReduceKind::Mean>;
  table["ReduceMax"] = importReduce<ReduceKind::Max>;
  table["ReduceMin"] = importReduce<ReduceKind::Min>;
  table["ReduceProd"] = importReduce<ReduceKind::Prod>;
  table["ReduceL1"] = importReduce<ReduceKind::L1>;
  table["ReduceL2"] = importReduce<ReduceKind::L2>;
  table["ReduceLogSum"] = importReduce<ReduceKind::LogSum>;
  table["ReduceLogSumExp"] = importReduce<ReduceKind::LogSumExp>;
  table["ReduceSumSquare"] = importReduce<ReduceKind::SumSquare>;
  table["ArgMax"] = importArgReduce<ArgMaxOp>;
  table["ArgMin"] = importArgReduce<ArgMinOp>;
  table["CumSum"] = importCumSum;
  table["BatchNormalization"] = importBatchNormalization;
  table["InstanceNormalization"] = importInstanceNormalization;
  table["LayerNormalization"] = importLayerNormalization;
}
