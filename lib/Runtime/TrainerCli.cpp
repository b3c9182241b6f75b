//===- TrainerCli.cpp - command-line parsing and output-path safety ------===//

#include "tcc/Runtime/TrainerCli.h"
#include "tcc/Runtime/Checkpoint.h"
#include "tcc/Runtime/FileUtil.h"
#include "tcc/Runtime/Profile.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>

namespace tccrt {

std::string trainerUsage(const char *program) {
  std::string p = program ? program : "trainer";
  return "usage: " + p + " --train X.npy Y.npy [options]\n"
R"(
Trains the compiled model. X.npy holds the inputs (one file per model input,
in order) and Y.npy the labels, rows along the first dimension.

  --train X.npy... Y.npy   training data (required to train)
  --test X.npy... Y.npy    test data: loss and accuracy after every epoch
  --epochs E               train until E epochs are done (default 1)
  --steps S                train until S optimizer steps are done, counted
                           from the start of training (also across --resume)
  --no-shuffle             keep the data order (default: shuffle each epoch)
  --seed N                 shuffle seed (default 0)
  --threads N              threads for the compiled step (default: every
                           core this process may run on)
  --log FILE.jsonl         one JSON object per optimizer step
                           ({"step", "epoch", "loss", "lr", ...})
  --log-step-time          add "step_s", the wall time of each step, to the
                           log (off by default: logs stay reproducible)
  --profile-out FILE       programs built with tcc-compile --profile print
                           the time of each kernel to stderr after training
                           (the top 20); this writes the whole table to FILE
  --profile-warmup N       leave the first N steps of this run out of it
  --checkpoint FILE        save a checkpoint at the end of every epoch, at the
                           end of training and when interrupted
  --save-every N           ... and every N optimizer steps
  --resume FILE            continue from a checkpoint exactly where it stopped
  --export-onnx FILE       write the original ONNX model with trained weights
  --skip-nonfinite         discard a step whose loss is NaN/Inf and go on
                           (default: stop with an error naming the step)
  --info                   describe the compiled model and exit
  --help                   this text
Each flag also accepts the --flag=value form.
)";
}

static bool parseInt(const std::string &flag, const std::string &text,
                     int64_t min, int64_t &out, std::string &error) {
  errno = 0;
  char *end = nullptr;
  long long v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || v < min) {
    error = flag + " expects an integer >= " + std::to_string(min) +
            ", got '" + text + "'";
    return false;
  }
  out = int64_t(v);
  return true;
}

namespace {
/// Walks argv, splitting "--flag=value".
struct ArgReader {
  std::vector<std::string> args;
  size_t pos = 0;
  std::string pending; // value from "--flag=value"
  bool hasPending = false;

  bool value(const std::string &flag, std::string &out, std::string &error) {
    if (hasPending) {
      out = pending;
      hasPending = false;
      return true;
    }
    if (pos >= args.size()) {
      error = flag + " needs a value";
      return false;
    }
    out = args[pos++];
    return true;
  }
  /// Values up to the next "--flag".
  std::vector<std::string> list() {
    std::vector<std::string> r;
    if (hasPending) {
      r.push_back(pending);
      hasPending = false;
    }
    while (pos < args.size() && args[pos].rfind("--", 0) != 0)
      r.push_back(args[pos++]);
    return r;
  }
};
} // namespace

bool parseTrainerArgs(int argc, char **argv, TrainerOptions &o,
                      std::string &error) {
  ArgReader r;
  for (int i = 1; i < argc; ++i)
    r.args.push_back(argv[i] ? argv[i] : "");
  using Handler = std::function<bool(const std::string &)>;
  std::string v;
  // Each handler writes through a pointer to its option.
  auto str = [&](std::string *dst) -> Handler {
    return [&, dst](const std::string &f) { return r.value(f, *dst, error); };
  };
  auto num = [&](int64_t *dst, int64_t min) -> Handler {
    return [&, dst, min](const std::string &f) {
      return r.value(f, v, error) && parseInt(f, v, min, *dst, error);
    };
  };
  auto files = [&](std::vector<std::string> *dst) -> Handler {
    return [&, dst](const std::string &f) {
      *dst = r.list();
      if (dst->empty())
        error = f + " needs .npy files (inputs..., labels)";
      return !dst->empty();
    };
  };
  auto flag = [&](bool *dst) -> Handler {
    return [&, dst](const std::string &f) {
      if (r.hasPending) {
        error = f + " takes no value";
        return false;
      }
      *dst = true;
      return true;
    };
  };
  bool noShuffle = false;
  int64_t seed = 0;
  std::map<std::string, Handler> handlers = {
      {"--train", files(&o.train)},       {"--test", files(&o.test)},
      {"--epochs", num(&o.epochs, 1)},    {"--steps", num(&o.steps, 0)},
      {"--no-shuffle", flag(&noShuffle)}, {"--seed", num(&seed, 0)},
      {"--threads", num(&o.threads, 1)},  {"--log", str(&o.log)},
      {"--checkpoint", str(&o.checkpoint)},
      {"--save-every", num(&o.saveEvery, 1)},
      {"--resume", str(&o.resume)},       {"--export-onnx", str(&o.exportOnnx)},
      {"--skip-nonfinite", flag(&o.skipNonFinite)},
      {"--log-step-time", flag(&o.logStepTime)},
      {"--profile-out", str(&o.profileOut)},
      {"--profile-warmup", num(&o.profileWarmup, 0)},
      {"--info", flag(&o.info)},          {"--help", flag(&o.help)},
      {"-h", flag(&o.help)}};
  while (r.pos < r.args.size()) {
    std::string arg = r.args[r.pos++];
    size_t eq = arg.find('=');
    r.hasPending = arg.rfind("--", 0) == 0 && eq != std::string::npos;
    if (r.hasPending) {
      r.pending = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
    }
    auto it = handlers.find(arg);
    if (it == handlers.end()) {
      error = "unknown argument '" + arg + "' (see --help)";
      return false;
    }
    if (arg == "--seed")
      o.seedGiven = true;
    if (!it->second(arg))
      return false;
  }
  o.shuffle = !noShuffle;
  o.shuffleGiven = noShuffle;
  o.seed = uint64_t(seed);
  return true;
}

/// True if `path` starts with `magic`.
static bool startsWith(const std::string &path, const char *magic, size_t n) {
  std::vector<char> buf(n);
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  bool ok = std::fread(buf.data(), 1, n, f) == n &&
            std::memcmp(buf.data(), magic, n) == 0;
  std::fclose(f);
  return ok;
}

/// An existing --log file is overwritten by a fresh run, so it must be a
/// log already: empty or JSON lines (not, say, the user's model).
static bool looksLikeLog(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  int c = std::fgetc(f);
  std::fclose(f);
  return c == EOF || c == '{';
}

static bool checkOutputPaths(const TrainerOptions &o, std::string &error) {
  std::vector<std::pair<std::string, std::string>> inputs, outputs;
  for (const std::string &p : o.train)
    inputs.push_back({"--train", p});
  for (const std::string &p : o.test)
    inputs.push_back({"--test", p});
  if (!o.resume.empty())
    inputs.push_back({"--resume", o.resume});
  if (!o.checkpoint.empty())
    outputs.push_back({"--checkpoint", o.checkpoint});
  if (!o.exportOnnx.empty())
    outputs.push_back({"--export-onnx", o.exportOnnx});
  if (!o.log.empty())
    outputs.push_back({"--log", o.log});
  if (!o.profileOut.empty())
    outputs.push_back({"--profile-out", o.profileOut});
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto &[flag, path] = outputs[i];
    for (const auto &[inFlag, in] : inputs) {
      // Resuming from and saving to the same checkpoint is the usual loop.
      if (flag == "--checkpoint" && inFlag == "--resume")
        continue;
      if (path == in || sameFile(path, in)) {
        error = flag + " '" + path + "' is the " + inFlag +
                " file; refusing to overwrite an input";
        return false;
      }
    }
    for (size_t j = 0; j < i; ++j)
      if (path == outputs[j].second || sameFile(path, outputs[j].second)) {
        error = flag + " and " + outputs[j].first + " name the same file '" +
                path + "'";
        return false;
      }
    if (!fileExists(path))
      continue;
    bool isCheckpoint = looksLikeCheckpoint(path);
    bool isNpy = startsWith(path, "\x93NUMPY", 6);
    if (flag == "--checkpoint" ? !isCheckpoint : (isCheckpoint || isNpy)) {
      error = flag + " '" + path + "' exists and is " +
              (isNpy ? "a .npy file"
                     : isCheckpoint ? "a tcc checkpoint"
                                    : "not a tcc checkpoint") +
              "; refusing to overwrite it";
      return false;
    }
    if (flag == "--log" && !looksLikeLog(path)) {
      error = "--log '" + path + "' exists and is not a JSON-lines log; "
              "refusing to overwrite it";
      return false;
    }
  }
  return true;
}

bool checkTrainerOptions(const TrainerOptions &o, std::string &error) {
  if (o.epochs >= 0 && o.steps >= 0) {
    error = "give --epochs or --steps, not both";
    return false;
  }
  if ((!o.profileOut.empty() || o.profileWarmup > 0) && !profileAvailable()) {
    error = std::string(o.profileOut.empty() ? "--profile-warmup" : "--profile-out") +
            ": this program was built without profiling "
            "(compile it with tcc-compile --profile)";
    return false;
  }
  if (o.saveEvery > 0 && o.checkpoint.empty()) {
    error = "--save-every needs --checkpoint FILE";
    return false;
  }
  if (o.train.empty()) {
    if (o.epochs >= 0 || o.steps >= 0 || o.saveEvery > 0 ||
        !o.checkpoint.empty() || !o.log.empty()) {
      error = "--epochs, --steps, --checkpoint and --log need --train X.npy "
              "Y.npy";
      return false;
    }
    if (o.exportOnnx.empty() && o.test.empty()) {
      error = "nothing to do: give --train X.npy Y.npy (see --help)";
      return false;
    }
  }
  return checkOutputPaths(o, error);
}

} // namespace tccrt
