//===- TrainingConfig.cpp - tcc-compile's hyper-parameters ---------------===//

#include "tcc/Compiler/TrainingCompiler.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::tcc;

static const char *const kLosses[] = {"cross-entropy", "mse", "l1",
                                      "bce-with-logits", "output"};
static const char *const kOptimizers[] = {"sgd",     "momentum", "nesterov",
                                          "adam",    "adamw",    "adagrad",
                                          "rmsprop", "lamb"};
static const char *const kSchedules[] = {"constant", "step",          "exponential",
                                         "cosine",   "warmup-cosine", "one-cycle"};

template <size_t N>
static std::string checkChoice(StringRef flag, StringRef value,
                               const char *const (&choices)[N]) {
  if (llvm::is_contained(choices, value))
    return "";
  std::string msg = "--" + flag.str() + ": unknown value '" + value.str() +
                    "' (expected one of:";
  for (const char *c : choices)
    msg += std::string(" ") + c;
  return msg + ")";
}

/// Shortest round-tripping text of a double, for pass options and logs.
static std::string num(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.17g", v);
  return s;
}

std::string TrainingConfig::validate() const {
  for (std::string e : {checkChoice("loss", loss, kLosses),
                        checkChoice("optimizer", optimizer, kOptimizers),
                        checkChoice("lr-schedule", lrSchedule, kSchedules)})
    if (!e.empty())
      return e;
  if (batch < 0)
    return "--batch must be positive";
  if (lr && !(*lr > 0))
    return "--lr must be positive";
  if (!(momentum >= 0 && momentum < 1))
    return "--momentum must be in [0, 1)";
  if (weightDecay && !(*weightDecay >= 0))
    return "--weight-decay must be non-negative";
  if (eps && !(*eps > 0))
    return "--eps must be positive";
  if (!(labelSmoothing >= 0 && labelSmoothing < 1))
    return "--label-smoothing must be in [0, 1)";
  if (labelSmoothing > 0 && loss != "cross-entropy")
    return "--label-smoothing applies to --loss=cross-entropy only";
  if (gradAccum < 1)
    return "--grad-accum must be at least 1";
  if (!(clipGradNorm >= 0))
    return "--clip-grad-norm must be non-negative";
  if (!(gamma > 0))
    return "--gamma must be positive";
  if (stepSize < 0 || warmupSteps < 0 || totalSteps < 0)
    return "--step-size, --warmup-steps and --total-steps must be non-negative";
  if (lrSchedule == "step" && stepSize < 1)
    return "--lr-schedule=step needs --step-size >= 1";
  if ((lrSchedule == "cosine" || lrSchedule == "warmup-cosine" ||
       lrSchedule == "one-cycle") &&
      totalSteps < 1)
    return "--lr-schedule=" + lrSchedule + " needs --total-steps >= 1";
  if (lrSchedule == "warmup-cosine" && warmupSteps >= totalSteps)
    return "--warmup-steps must be smaller than --total-steps";
  return "";
}

std::string tcc::parseBetas(StringRef text, TrainingConfig &config) {
  SmallVector<StringRef> parts;
  text.split(parts, ',');
  double b[2];
  if (parts.size() != 2)
    return "--betas: expected two numbers B1,B2, got '" + text.str() + "'";
  for (int i = 0; i < 2; ++i)
    if (parts[i].trim().getAsDouble(b[i]) || !(b[i] >= 0 && b[i] < 1))
      return "--betas: '" + parts[i].str() + "' is not a number in [0, 1)";
  config.betas = {b[0], b[1]};
  return "";
}

std::string TrainingConfig::toText() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "loss=" << loss << "\n";
  if (labelSmoothing > 0)
    os << "label-smoothing=" << num(labelSmoothing) << "\n";
  os << "optimizer=" << optimizer << "\n" << optimizerPassOptions(/*lines=*/true);
  return s;
}

std::string TrainingConfig::lossPassOptions(StringRef function) const {
  std::string s = "function=" + function.str() + " loss=" + loss;
  if (labelSmoothing > 0)
    s += " label-smoothing=" + num(labelSmoothing);
  return s;
}

/// The options the user set (or that have a tcc-compile default), as
/// tcc-optimizer pass options; one per line for the configuration text.
std::string TrainingConfig::optimizerPassOptions(bool lines) const {
  SmallVector<std::string> opts;
  if (!lines)
    opts.push_back("optimizer=" + optimizer);
  if (lr) opts.push_back("lr=" + num(*lr));
  if (optimizer == "momentum" || optimizer == "nesterov")
    opts.push_back("momentum=" + num(momentum));
  if (weightDecay) opts.push_back("weight-decay=" + num(*weightDecay));
  if (betas) opts.push_back("betas=" + num(betas->first) + "," + num(betas->second));
  if (eps) opts.push_back("eps=" + num(*eps));
  opts.push_back("lr-schedule=" + lrSchedule);
  if (lrSchedule == "step")
    opts.push_back("step-size=" + std::to_string(stepSize));
  if (lrSchedule == "step" || lrSchedule == "exponential")
    opts.push_back("gamma=" + num(gamma));
  if (lrSchedule == "warmup-cosine")
    opts.push_back("warmup-steps=" + std::to_string(warmupSteps));
  if (totalSteps)
    opts.push_back("total-steps=" + std::to_string(totalSteps));
  if (gradAccum != 1)
    opts.push_back("grad-accum=" + std::to_string(gradAccum));
  if (clipGradNorm > 0)
    opts.push_back("clip-grad-norm=" + num(clipGradNorm));
  if (lines)
    return llvm::join(opts, "\n") + "\n";
  return llvm::join(opts, " ");
}
