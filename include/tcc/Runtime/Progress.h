//===- Progress.h - training progress on stderr -----------------*- C++ -*-===//
//
// On a terminal: one line redrawn in place (bar, step, loss, samples/s,
// ETA) at most every 100 ms. Otherwise (a log file, CI): a plain line every
// `interval` steps and at the last step, so logs stay readable. Messages
// (epoch results, warnings) clear the bar first.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_PROGRESS_H
#define TCC_RUNTIME_PROGRESS_H

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

namespace tccrt {

/// "42s", "3m05s", "2h07m", "--" when unknown (negative, NaN, huge).
std::string formatDuration(double seconds);
/// "950", "12.3k", "4.56M" (three significant digits at most).
std::string formatCount(double value);

struct ProgressInfo {
  int64_t step = 0, totalSteps = 0; // optimizer steps (1-based current)
  int64_t epoch = 0;                // 1-based
  double loss = 0;                  // mean since the last report
  double samplesPerSecond = 0;
  double etaSeconds = -1;           // < 0: unknown
};

/// "[=====>    ] step 120/1876 epoch 1 loss 0.4312 1.23k samples/s ETA 1m23s";
/// no bar when barWidth is 0.
std::string formatProgressLine(const ProgressInfo &info, int barWidth);

class ProgressReporter {
public:
  /// `startStep`: steps already done (resume); `totalSteps`: the target.
  ProgressReporter(FILE *out, bool terminal, int64_t startStep,
                   int64_t totalSteps, int64_t batchSize);
  /// Steps since the last report are averaged into the shown loss.
  void update(int64_t step, int64_t epoch, double loss);
  /// Prints a line of its own to `dest` (default: the progress stream),
  /// clearing a terminal's bar first.
  void message(const std::string &line, FILE *dest = nullptr);
  /// Ends the bar line on a terminal.
  void finish();

  static bool isTerminal(FILE *f);

private:
  using Clock = std::chrono::steady_clock;
  void draw(const ProgressInfo &info);

  FILE *out_;
  bool terminal_;
  int64_t startStep_, totalSteps_, batch_, interval_;
  Clock::time_point start_, lastDraw_;
  double lossSum_ = 0;
  int64_t lossCount_ = 0;
  bool barShown_ = false;
};

} // namespace tccrt

#endif // TCC_RUNTIME_PROGRESS_H
