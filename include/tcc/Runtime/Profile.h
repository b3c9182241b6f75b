//===- Profile.h - per-kernel timing of the compiled steps ------*- C++ -*-===//
//
// A program built with `tcc-compile --profile` calls __tcc_profile_begin(id)
// and __tcc_profile_end(id) around each kernel of its steps, and around each
// step function as a whole (tcc-cpu-instrument-kernels); its object defines
// __tcc_profile_names and __tcc_profile_count, which describe the ids. The
// runtime refers to those weakly, so it links into every program and the
// profiler is on exactly in those built with --profile.
//
// One step at a time: the counters are plain (the compiled steps already
// keep their intermediates in static memory, so steps never overlap).
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_PROFILE_H
#define TCC_RUNTIME_PROFILE_H

#include <cstdint>
#include <cstdio>
#include <string>

extern "C" {
/// The instrumented code's hooks.
void __tcc_profile_begin(int32_t id);
void __tcc_profile_end(int32_t id);

/// The C API of --emit=lib builds: writes the table (path NULL or "-":
/// stderr); 0 on success, non-zero if the program was built without
/// --profile or the file cannot be written.
int tcc_profile_write(const char *path);
/// Zeroes the counters (e.g. after warm-up steps).
void tcc_profile_reset(void);
} // extern "C"

namespace tccrt {

/// True if this program was built with --profile.
bool profileAvailable();

/// What the caller measured around the train_step calls, for the summary
/// line: the trainer's own wall time of its steps.
struct MeasuredSteps {
  int64_t steps = 0;
  double seconds = 0;
};

/// Writes one table per step function that ran: its kernels by total time
/// (rank, id, kind, calls, total ms, ms per call, % of the function's time,
/// ONNX nodes), at most `maxRows` of them (0: all), then the sum of the
/// kernels against the function's own time and, for train_step, `measured`.
void writeProfileReport(FILE *out, const MeasuredSteps &measured,
                        int maxRows = 0);

} // namespace tccrt

#endif // TCC_RUNTIME_PROFILE_H
