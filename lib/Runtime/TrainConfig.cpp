//===- TrainConfig.cpp - configuration text and learning-rate schedules --===//

#include "tcc/Runtime/TrainConfig.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace tccrt {

static std::string normalize(std::string s) {
  for (char &c : s)
    if (c == '-')
      c = '_';
  return s;
}

std::string TrainConfig::get(const std::string &key,
                             const std::string &def) const {
  auto it = values.find(key);
  return it == values.end() ? def : it->second;
}

bool TrainConfig::getNumber(const std::string &key, double &out) const {
  auto it = values.find(key);
  if (it == values.end() || it->second.empty())
    return false;
  char *end = nullptr;
  out = std::strtod(it->second.c_str(), &end);
  return end && *end == '\0' && std::isfinite(out);
}

TrainConfig parseTrainConfig(const char *text) {
  TrainConfig c;
  std::istringstream in(text ? text : "");
  std::string tok;
  while (in >> tok) {
    size_t eq = tok.find('=');
    if (eq == std::string::npos || eq == 0)
      continue;
    c.values[normalize(tok.substr(0, eq))] = tok.substr(eq + 1);
  }
  return c;
}

static double cosineFactor(double t, double total) {
  return 0.5 * (1.0 + std::cos(M_PI * t / total));
}

/// torch.optim.lr_scheduler.OneCycleLR, two phases, cosine annealing; past
/// the last step the rate stays at its final value (as tcc-optimizer does).
static double oneCycle(const TrainConfig &c, double maxLr, double step,
                       double total) {
  double pctStart = 0.3, divFactor = 25, finalDiv = 1e4;
  c.getNumber("pct_start", pctStart);
  c.getNumber("div_factor", divFactor);
  c.getNumber("final_div_factor", finalDiv);
  double initial = maxLr / divFactor, minLr = initial / finalDiv;
  double peakStep = pctStart * total - 1, endStep = total - 1;
  auto anneal = [](double from, double to, double pct) {
    return to + (from - to) / 2.0 * (std::cos(M_PI * pct) + 1);
  };
  step = std::min(step, endStep);
  if (step <= peakStep)
    return anneal(initial, maxLr, step / peakStep);
  return anneal(maxLr, minLr, (step - peakStep) / (endStep - peakStep));
}

/// tcc-optimizer's default when lr is not given (torch.optim's defaults).
static bool defaultLr(const TrainConfig &c, double &lr) {
  std::string opt = c.get("optimizer");
  if (opt == "adam" || opt == "adamw" || opt == "lamb")
    lr = 1e-3;
  else if (opt == "adagrad" || opt == "rmsprop")
    lr = 1e-2;
  else
    return false; // SGD has no default
  return true;
}

bool learningRateAt(const TrainConfig &c, int64_t step, double &lr,
                    std::string &why) {
  double base;
  if (!c.getNumber("lr", base) && !defaultLr(c, base)) {
    why = "the configuration has no lr";
    return false;
  }
  std::string schedule = normalize(c.get("lr_schedule", "constant"));
  double t = double(step), stepSize, gamma, total, warmup;
  auto need = [&](const char *key, double &v) {
    if (c.getNumber(key, v) && v > 0)
      return true;
    why = "schedule " + schedule + " needs a positive " + key;
    return false;
  };
  if (schedule == "constant" || schedule == "none") {
    lr = base;
  } else if (schedule == "step") {
    if (!need("step_size", stepSize) || !need("gamma", gamma))
      return false;
    lr = base * std::pow(gamma, std::floor(t / stepSize));
  } else if (schedule == "exponential") {
    if (!need("gamma", gamma))
      return false;
    lr = base * std::pow(gamma, t);
  } else if (schedule == "cosine") {
    if (!need("total_steps", total))
      return false;
    lr = base * cosineFactor(t, total);
  } else if (schedule == "warmup_cosine") {
    if (!need("total_steps", total))
      return false;
    warmup = 0;
    c.getNumber("warmup_steps", warmup);
    double progress = std::min(1.0, (t - warmup) / std::max(1.0, total - warmup));
    lr = t < warmup ? base * t / std::max(1.0, warmup)
                    : base * cosineFactor(progress, 1.0);
  } else if (schedule == "one_cycle") {
    if (!need("total_steps", total))
      return false;
    lr = oneCycle(c, base, t, total);
  } else {
    why = "unknown lr_schedule '" + schedule + "'";
    return false;
  }
  return true;
}

} // namespace tccrt
