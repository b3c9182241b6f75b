//===- TrainerCli.h - the training binary's command line --------*- C++ -*-===//

#ifndef TCC_RUNTIME_TRAINERCLI_H
#define TCC_RUNTIME_TRAINERCLI_H

#include <cstdint>
#include <string>
#include <vector>

namespace tccrt {

struct TrainerOptions {
  std::vector<std::string> train, test; // inputs..., labels
  int64_t epochs = -1, steps = -1;      // -1: not given (default: 1 epoch)
  bool shuffle = true;
  uint64_t seed = 0;
  bool seedGiven = false, shuffleGiven = false;
  int64_t threads = 0; // 0: every core this process may run on
  std::string log, checkpoint, resume, exportOnnx;
  int64_t saveEvery = 0;
  bool skipNonFinite = false;
  bool logStepTime = false; // step_s in the log (not reproducible: off)
  std::string profileOut;   // the --profile table's file (default: stderr)
  int64_t profileWarmup = 0; // steps left out of the --profile table
  bool info = false, help = false;
};

/// Parses argv[1..argc); both "--flag value" and "--flag=value" forms.
/// `--train` and `--test` take the following arguments up to the next flag.
bool parseTrainerArgs(int argc, char **argv, TrainerOptions &out,
                      std::string &error);

/// Checks combinations (e.g. --save-every needs --checkpoint), and that no
/// output (checkpoint, exported model, log) is one of the input files or a
/// file of another kind that it would clobber.
bool checkTrainerOptions(const TrainerOptions &o, std::string &error);

std::string trainerUsage(const char *program);

} // namespace tccrt

#endif // TCC_RUNTIME_TRAINERCLI_H
