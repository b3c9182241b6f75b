//===- LearningRate.cpp - learning-rate schedules in the IR ---------------===//
//
// The learning rate of each step is computed inside the training step from
// its step counter, in f64 like torch.optim.lr_scheduler's Python floats,
// using the schedules' closed forms (torch's recursive forms agree with them
// to a few f64 ulps, far below f32's resolution).
//
//===----------------------------------------------------------------------===//

#include "OptimizerSupport.h"

#include <cmath>

using namespace mlir;
using namespace mlir::tcc::optimizer;

static constexpr double kPi = 3.141592653589793; // math.pi

LogicalResult mlir::tcc::optimizer::verifySchedule(
    const ScheduleConfig &c, llvm::function_ref<InFlightDiagnostic()> emitError) {
  auto needTotal = [&]() -> LogicalResult {
    if (c.totalSteps > 0)
      return success();
    return emitError() << "tcc-optimizer: lr-schedule '" << c.kind
                       << "' needs total-steps > 0";
  };
  if (c.kind == "constant")
    return success();
  if (c.kind == "step") {
    if (c.stepSize < 1)
      return emitError() << "tcc-optimizer: lr-schedule 'step' needs "
                            "step-size >= 1, got "
                         << c.stepSize;
    if (c.gamma < 0)
      return emitError() << "tcc-optimizer: gamma must be >= 0, got " << c.gamma;
    return success();
  }
  if (c.kind == "exponential") {
    if (c.gamma < 0)
      return emitError() << "tcc-optimizer: gamma must be >= 0, got " << c.gamma;
    return success();
  }
  if (c.kind == "cosine")
    return needTotal();
  if (c.kind == "warmup-cosine") {
    if (failed(needTotal()))
      return failure();
    if (c.warmupSteps < 0 || c.warmupSteps > c.totalSteps)
      return emitError() << "tcc-optimizer: warmup-steps must be in [0, "
                            "total-steps], got "
                         << c.warmupSteps;
    return success();
  }
  if (c.kind == "one-cycle") {
    if (failed(needTotal()))
      return failure();
    if (!(c.divFactor > 0) || !(c.finalDivFactor > 0))
      return emitError() << "tcc-optimizer: div-factor and final-div-factor "
                            "must be > 0";
    // OneCycleLR's phases must both be non-empty (torch divides by their
    // lengths).
    double warmEnd = c.pctStart * double(c.totalSteps) - 1;
    if (!(c.pctStart > 0 && c.pctStart < 1) || !(warmEnd > 0) ||
        !(double(c.totalSteps - 1) - warmEnd > 0))
      return emitError() << "tcc-optimizer: one-cycle needs pct-start in "
                            "(0, 1) with pct-start * total-steps > 1 and "
                            "both phases non-empty (pct-start "
                         << c.pctStart << ", total-steps " << c.totalSteps
                         << ")";
    return success();
  }
  return emitError() << "tcc-optimizer: unknown lr-schedule '" << c.kind
                     << "' (expected constant, step, exponential, cosine, "
                        "warmup-cosine or one-cycle)";
}

/// OneCycleLR's _annealing_cos: end + (start - end) / 2 * (cos(pi*pct) + 1).
static Value annealCos(TensorMath &m, double start, double end, Value pct) {
  Value cosOut = m.add(m.cos(m.mul(m.f64(kPi), pct)), m.f64(1.0));
  return m.add(m.f64(end), m.mul(m.f64((start - end) / 2.0), cosOut));
}

static Value oneCycle(TensorMath &m, Value t, const ScheduleConfig &c) {
  double initialLr = c.lr / c.divFactor;
  double minLr = initialLr / c.finalDivFactor;
  double warmEnd = c.pctStart * double(c.totalSteps) - 1;
  double lastStep = double(c.totalSteps - 1);
  // torch raises past total-steps; the rate stays at its final value.
  Value tc = m.min(t, m.f64(lastStep));
  Value up = annealCos(m, initialLr, c.lr, m.div(tc, m.f64(warmEnd)));
  Value down = annealCos(m, c.lr, minLr,
                         m.div(m.sub(tc, m.f64(warmEnd)),
                               m.f64(lastStep - warmEnd)));
  return m.select(m.lessEqual(tc, m.f64(warmEnd)), up, down);
}

static Value warmupCosine(TensorMath &m, Value t, const ScheduleConfig &c) {
  double warmup = double(c.warmupSteps);
  Value warm = m.div(t, m.f64(std::max(1.0, warmup)));
  Value progress =
      m.div(m.sub(t, m.f64(warmup)),
            m.f64(std::max(1.0, double(c.totalSteps - c.warmupSteps))));
  progress = m.min(progress, m.f64(1.0)); // zero after total-steps
  Value cosine = m.mul(m.f64(0.5),
                       m.add(m.f64(1.0), m.cos(m.mul(m.f64(kPi), progress))));
  Value factor = m.select(m.less(t, m.f64(warmup)), warm, cosine);
  return m.mul(m.f64(c.lr), factor);
}

Value mlir::tcc::optimizer::buildLearningRate(TensorMath &m, Value t,
                                              const ScheduleConfig &c) {
  if (c.kind == "step") {
    Value decays = m.floor(m.div(t, m.f64(double(c.stepSize))));
    return m.mul(m.f64(c.lr), m.pow(m.f64(c.gamma), decays));
  }
  if (c.kind == "exponential")
    return m.mul(m.f64(c.lr), m.pow(m.f64(c.gamma), t));
  if (c.kind == "cosine") {
    // CosineAnnealingLR (eta_min 0): lr * (1 + cos(pi * t / T)) / 2.
    Value angle = m.div(m.mul(m.f64(kPi), t), m.f64(double(c.totalSteps)));
    return m.div(m.mul(m.f64(c.lr), m.add(m.f64(1.0), m.cos(angle))),
                 m.f64(2.0));
  }
  if (c.kind == "warmup-cosine")
    return warmupCosine(m, t, c);
  if (c.kind == "one-cycle")
    return oneCycle(m, t, c);
  return m.f64(c.lr); // constant
}
