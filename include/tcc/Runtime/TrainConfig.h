//===- TrainConfig.h - the training configuration text ----------*- C++ -*-===//
//
// tcc-compile stores its configuration in tcc_model::config as key=value
// pairs separated by whitespace (it uses newlines), e.g.
//   "loss=cross-entropy\noptimizer=adamw\nlr=0.001\nlr-schedule=warmup-cosine\n
//    warmup-steps=100\ntotal-steps=1000\nbetas=0.9,0.999"
// The learning-rate schedule is compiled into train_step and the runtime
// cannot observe it, so for logs the runtime recomputes the rate from this
// text with the same formulas (torch.optim.lr_scheduler semantics, see
// learningRateAt). Keys may use '-' or '_'; values of lr_schedule too.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_TRAINCONFIG_H
#define TCC_RUNTIME_TRAINCONFIG_H

#include <cstdint>
#include <map>
#include <string>

namespace tccrt {

struct TrainConfig {
  std::map<std::string, std::string> values; // keys normalized to '_'

  bool has(const std::string &key) const { return values.count(key) != 0; }
  /// The value of `key`, or `def` when absent.
  std::string get(const std::string &key, const std::string &def = "") const;
  /// Parses `key` as a number; false if absent or not a number.
  bool getNumber(const std::string &key, double &out) const;
};

/// Parses "k=v k=v ..." (tokens without '=' are ignored). Null is empty.
TrainConfig parseTrainConfig(const char *text);

/// The learning rate applied by the 0-based optimizer step `step`, with the
/// closed forms of tcc-optimizer (lib/Transforms/LearningRate.cpp), which
/// follow torch.optim.lr_scheduler:
///   constant       lr
///   step           lr * gamma^floor(step / step_size)         (StepLR)
///   exponential    lr * gamma^step                            (ExponentialLR)
///   cosine         lr * (1 + cos(pi * step / total_steps)) / 2 (CosineAnnealingLR,
///                  eta_min 0, T_max total_steps)
///   warmup_cosine  lr * step / warmup_steps while step < warmup_steps, then
///                  cosine over total_steps - warmup_steps (zero after it)
///   one_cycle      OneCycleLR(max_lr=lr, total_steps, pct_start (0.3),
///                  cos, div_factor (25), final_div_factor (1e4)); constant
///                  after the last step
/// Absent lr_schedule means constant; absent lr the optimizer's torch
/// default (1e-3 adam/adamw/lamb, 1e-2 adagrad/rmsprop). False (and a
/// reason) when the text lacks lr for SGD or a parameter the schedule
/// needs, or names an unknown schedule.
bool learningRateAt(const TrainConfig &config, int64_t step, double &lr,
                    std::string &why);

} // namespace tccrt

#endif // TCC_RUNTIME_TRAINCONFIG_H
