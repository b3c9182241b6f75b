//===- Profile.cpp - per-kernel timing of the compiled steps -------------===//
//
// The hooks tcc-cpu-instrument-kernels calls (two clock reads and three
// stores per kernel: nothing that allocates or locks), and the report.
//
//===----------------------------------------------------------------------===//

#include "tcc/Runtime/Profile.h"
#include "tcc/Runtime/FileUtil.h"

#include <algorithm>
#include <cinttypes>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <vector>

// Defined by the model's object when it was built with --profile. The names
// are a char array; declared as one char, since compilers may take the
// address of a weak array to be non-null.
extern "C" {
extern const char __tcc_profile_names __attribute__((weak));
extern const int32_t __tcc_profile_count __attribute__((weak));
}

namespace {

struct Counter {
  uint64_t start = 0, total = 0, calls = 0;
};

/// One per id, allocated at the first begin (the id count is a link-time
/// constant, so this happens once).
Counter *counters = nullptr;
int32_t numCounters = 0;

inline uint64_t nowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000u + uint64_t(ts.tv_nsec);
}

void allocateCounters() {
  numCounters = &__tcc_profile_count ? std::max(__tcc_profile_count, 0) : 0;
  counters = new Counter[std::max(numCounters, 1)]();
}

/// One line of the names table: `function<TAB>kind<TAB>nodes`.
struct Entry {
  std::string function, kind, nodes;
};

std::vector<Entry> readNames() {
  std::vector<Entry> entries;
  const char *p = &__tcc_profile_names;
  if (!p)
    return entries;
  while (*p) {
    const char *end = std::strchr(p, '\n');
    std::string line = end ? std::string(p, end) : std::string(p);
    Entry e;
    size_t t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    e.function = line.substr(0, t1);
    if (t1 != std::string::npos)
      e.kind = line.substr(t1 + 1, t2 == std::string::npos ? t2 : t2 - t1 - 1);
    if (t2 != std::string::npos)
      e.nodes = line.substr(t2 + 1);
    entries.push_back(std::move(e));
    if (!end)
      break;
    p = end + 1;
  }
  return entries;
}

double ms(uint64_t ns) { return double(ns) * 1e-6; }

} // namespace

extern "C" void __tcc_profile_begin(int32_t id) {
  if (!counters)
    allocateCounters();
  if (uint32_t(id) < uint32_t(numCounters))
    counters[id].start = nowNs();
}

extern "C" void __tcc_profile_end(int32_t id) {
  uint64_t now = nowNs();
  if (counters && uint32_t(id) < uint32_t(numCounters)) {
    Counter &c = counters[id];
    c.total += now - c.start;
    ++c.calls;
  }
}

extern "C" void tcc_profile_reset(void) {
  for (int32_t i = 0; counters && i < numCounters; ++i)
    counters[i] = Counter();
}

extern "C" int tcc_profile_write(const char *path) {
  if (!tccrt::profileAvailable())
    return 1;
  if (!path || std::strcmp(path, "-") == 0) {
    tccrt::writeProfileReport(stderr, {});
    return 0;
  }
  std::string error;
  bool ok = tccrt::writeFileAtomic(
      path,
      [](FILE *f, std::string &) {
        tccrt::writeProfileReport(f, {});
        return true;
      },
      error);
  return ok ? 0 : 1;
}

namespace tccrt {

bool profileAvailable() { return &__tcc_profile_count && &__tcc_profile_names; }

void writeProfileReport(FILE *out, const MeasuredSteps &measured, int maxRows) {
  std::vector<Entry> entries = readNames();
  int32_t n = std::min<int32_t>(int32_t(entries.size()), numCounters);
  // Functions in the order of the table; the "step" line of each is its
  // whole body.
  std::vector<std::string> functions;
  std::map<std::string, int32_t> wholeOf;
  for (int32_t i = 0; i < n; ++i)
    if (entries[i].kind == "step") {
      functions.push_back(entries[i].function);
      wholeOf[entries[i].function] = i;
    }
  bool any = false;
  for (const std::string &f : functions) {
    const Counter &whole = counters[wholeOf[f]];
    if (!whole.calls)
      continue;
    any = true;
    std::vector<int32_t> ids;
    for (int32_t i = 0; i < n; ++i)
      if (entries[i].function == f && entries[i].kind != "step")
        ids.push_back(i);
    std::stable_sort(ids.begin(), ids.end(), [](int32_t a, int32_t b) {
      return counters[a].total > counters[b].total;
    });
    double wholeMs = ms(whole.total);
    auto pct = [&](double v) { return wholeMs > 0 ? 100 * v / wholeMs : 0.0; };
    std::fprintf(out,
                 "profile of %s: %" PRIu64 " calls, %.2f ms (%.3f ms per "
                 "call), %zu kernels\n",
                 f.c_str(), whole.calls, wholeMs, wholeMs / double(whole.calls),
                 ids.size());
    std::fprintf(out, "%5s %5s  %-11s %6s %10s %9s %7s  %s\n", "rank", "id",
                 "kind", "calls", "total ms", "ms/call", "% step",
                 "ONNX nodes");
    double sum = 0, rest = 0;
    size_t shown = 0;
    for (size_t r = 0; r < ids.size(); ++r) {
      const Counter &c = counters[ids[r]];
      double t = ms(c.total);
      sum += t;
      if (maxRows > 0 && r >= size_t(maxRows)) {
        rest += t;
        continue;
      }
      ++shown;
      const Entry &e = entries[ids[r]];
      std::fprintf(
          out, "%5zu %5d  %-11s %6" PRIu64 " %10.3f %9.4f %6.2f%%  %s\n", r + 1,
          ids[r], e.kind.c_str(), c.calls, t,
          c.calls ? t / double(c.calls) : 0.0, pct(t), e.nodes.c_str());
    }
    if (shown < ids.size())
      std::fprintf(out, "  ... %zu more kernels: %.3f ms (%.2f%%)\n",
                   ids.size() - shown, rest, pct(rest));
    std::fprintf(out, "kernels total %.3f ms = %.2f%% of %s's %.3f ms", sum,
                 pct(sum), f.c_str(), wholeMs);
    if (f == "train_step" && measured.steps > 0)
      std::fprintf(out,
                   "; the trainer measured %.3f ms over %" PRId64
                   " steps (%.3f ms per step)",
                   measured.seconds * 1e3, measured.steps,
                   measured.seconds * 1e3 / double(measured.steps));
    std::fprintf(out, "\n");
  }
  if (!any)
    std::fprintf(out, "profile: no step ran\n");
}

} // namespace tccrt
