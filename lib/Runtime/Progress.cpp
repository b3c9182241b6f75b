//===- Progress.cpp - progress bar and periodic progress lines -----------===//

#include "tcc/Runtime/Progress.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace tccrt {

std::string formatDuration(double s) {
  if (!(s >= 0) || s > 1e8)
    return "--";
  long total = long(std::lround(s));
  char buf[32];
  if (total < 60)
    std::snprintf(buf, sizeof buf, "%lds", total);
  else if (total < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", total / 60, total % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", total / 3600,
                  (total % 3600) / 60);
  return buf;
}

std::string formatCount(double v) {
  char buf[32];
  if (!(v >= 0) || !std::isfinite(v))
    return "--";
  const char *suffix = "";
  if (v >= 1e6) {
    v /= 1e6;
    suffix = "M";
  } else if (v >= 1e4) {
    v /= 1e3;
    suffix = "k";
  }
  if (*suffix == '\0')
    std::snprintf(buf, sizeof buf, "%.0f", v);
  else
    std::snprintf(buf, sizeof buf, v >= 100 ? "%.0f%s" : v >= 10 ? "%.1f%s"
                                                                 : "%.2f%s",
                  v, suffix);
  return buf;
}

std::string formatProgressLine(const ProgressInfo &p, int barWidth) {
  std::string line;
  if (barWidth > 0 && p.totalSteps > 0) {
    double frac = std::min(1.0, double(p.step) / double(p.totalSteps));
    int filled = int(frac * barWidth);
    line = "[";
    for (int i = 0; i < barWidth; ++i)
      line += i < filled ? '=' : (i == filled ? '>' : ' ');
    line += "] ";
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "step %lld/%lld epoch %lld loss %.4g ",
                (long long)p.step, (long long)p.totalSteps,
                (long long)p.epoch, p.loss);
  line += buf;
  line += formatCount(p.samplesPerSecond) + " samples/s ETA " +
          formatDuration(p.etaSeconds);
  return line;
}

bool ProgressReporter::isTerminal(FILE *f) { return ::isatty(::fileno(f)); }

ProgressReporter::ProgressReporter(FILE *out, bool terminal, int64_t startStep,
                                   int64_t totalSteps, int64_t batchSize)
    : out_(out), terminal_(terminal), startStep_(startStep),
      totalSteps_(totalSteps), batch_(batchSize),
      interval_(std::max<int64_t>(1, (totalSteps - startStep) / 20)),
      start_(Clock::now()), lastDraw_(start_) {}

void ProgressReporter::update(int64_t step, int64_t epoch, double loss) {
  lossSum_ += loss;
  ++lossCount_;
  Clock::time_point now = Clock::now();
  bool last = step >= totalSteps_;
  bool due = terminal_ ? now - lastDraw_ >= std::chrono::milliseconds(100)
                       : (step - startStep_) % interval_ == 0;
  if (!due && !last)
    return;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double done = double(step - startStep_);
  ProgressInfo info;
  info.step = step;
  info.totalSteps = totalSteps_;
  info.epoch = epoch;
  info.loss = lossSum_ / double(lossCount_);
  info.samplesPerSecond = elapsed > 0 ? done * double(batch_) / elapsed : 0;
  info.etaSeconds =
      done > 0 ? elapsed / done * double(totalSteps_ - step) : -1;
  draw(info);
  lastDraw_ = now;
  lossSum_ = 0;
  lossCount_ = 0;
}

void ProgressReporter::draw(const ProgressInfo &info) {
  if (terminal_) {
    std::fprintf(out_, "\r%s\033[K", formatProgressLine(info, 30).c_str());
    barShown_ = true;
  } else {
    std::fprintf(out_, "%s\n", formatProgressLine(info, 0).c_str());
  }
  std::fflush(out_);
}

void ProgressReporter::message(const std::string &line, FILE *dest) {
  if (barShown_) {
    std::fprintf(out_, "\r\033[K");
    std::fflush(out_);
  }
  barShown_ = false;
  dest = dest ? dest : out_;
  std::fprintf(dest, "%s\n", line.c_str());
  std::fflush(dest);
}

void ProgressReporter::finish() {
  if (barShown_)
    std::fprintf(out_, "\n");
  barShown_ = false;
  std::fflush(out_);
}

} // namespace tccrt
