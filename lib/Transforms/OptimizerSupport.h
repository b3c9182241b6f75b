//===- OptimizerSupport.h - shared by the tcc-optimizer sources -*- C++ -*-===//
//
// Private to lib/Transforms: tensor arithmetic with tcc ops, and the
// learning-rate schedules (LearningRate.cpp) used by Optimizer.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_TRANSFORMS_OPTIMIZERSUPPORT_H
#define TCC_LIB_TRANSFORMS_OPTIMIZERSUPPORT_H

#include "dialects/tcc/TccOps.h"

#include <string>

namespace mlir::tcc::optimizer {

/// Builds tcc ops at one location. Scalars are 0-d tensors; binary ops
/// broadcast them against whole tensors.
class TensorMath {
public:
  TensorMath(OpBuilder &b, Location loc) : b(b), loc(loc) {}

  Value f64(double v) { return scalar(b.getF64Type(), v); }
  Value f32(double v) { return scalar(b.getF32Type(), v); }
  /// A 0-d constant of `like`'s element type.
  Value scalarLike(Value like, double v) {
    return scalar(cast<RankedTensorType>(like.getType()).getElementType(), v);
  }
  Value convert(Value x, Type elementType) {
    auto t = cast<RankedTensorType>(x.getType());
    if (t.getElementType() == elementType)
      return x;
    return ConvertOp::create(b, loc, t.clone(elementType), x);
  }
  Value toF32(Value x) { return convert(x, b.getF32Type()); }
  Value toF64(Value x) { return convert(x, b.getF64Type()); }

  Value add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
  Value pow(Value x, Value y) { return PowOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return MinOp::create(b, loc, x, y); }
  Value lessEqual(Value x, Value y) { return LessEqualOp::create(b, loc, x, y); }
  Value less(Value x, Value y) { return LessOp::create(b, loc, x, y); }
  Value logicalAnd(Value x, Value y) { return AndOp::create(b, loc, x, y); }
  Value select(Value c, Value x, Value y) {
    return SelectOp::create(b, loc, c, x, y);
  }
  Value neg(Value x) { return NegOp::create(b, loc, x); }
  Value abs(Value x) { return AbsOp::create(b, loc, x); }
  Value sign(Value x) { return SignOp::create(b, loc, x); }
  Value sqrt(Value x) { return SqrtOp::create(b, loc, x); }
  Value cos(Value x) { return CosOp::create(b, loc, x); }
  Value floor(Value x) { return FloorOp::create(b, loc, x); }

  /// The sum of all elements, as a 0-d tensor.
  Value sumAll(Value x) {
    auto t = cast<RankedTensorType>(x.getType());
    if (t.getRank() == 0)
      return x;
    SmallVector<int64_t> axes =
        llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()));
    return ReduceSumOp::create(b, loc, x, b.getDenseI64ArrayAttr(axes),
                               b.getBoolAttr(false));
  }
  /// sqrt(sum(x * x)): the L2 norm of a whole tensor, as a 0-d tensor.
  Value norm(Value x) { return sqrt(sumAll(mul(x, x))); }

  OpBuilder &builder() { return b; }
  Location location() const { return loc; }

private:
  Value scalar(Type elementType, double v) {
    return createSplat(b, loc, RankedTensorType::get({}, elementType), v);
  }

  OpBuilder &b;
  Location loc;
};

/// A learning-rate schedule (torch.optim.lr_scheduler semantics; see the
/// pass description in Passes.td).
struct ScheduleConfig {
  std::string kind = "constant";
  double lr = 0.0;
  int64_t stepSize = 0, warmupSteps = 0, totalSteps = 0;
  double gamma = 0.1, pctStart = 0.3, divFactor = 25.0, finalDivFactor = 1e4;
};

/// Checks the schedule's kind and parameters; the message names the
/// offending option.
LogicalResult verifySchedule(const ScheduleConfig &config,
                             llvm::function_ref<InFlightDiagnostic()> emitError);

/// The learning rate at optimizer step `step` (a 0-d f64 tensor counting
/// the steps already taken), as a 0-d f64 tensor.
Value buildLearningRate(TensorMath &m, Value step,
                        const ScheduleConfig &config);

} // namespace mlir::tcc::optimizer

#endif // TCC_LIB_TRANSFORMS_OPTIMIZERSUPPORT_H
