//===- TrainerMain.cpp - the training binary's main loop -----------------===//
//
// tcc_trainer_main: parse the command line, load and validate data, resume,
// then train batch by batch (data gathered ahead by the DataLoader's
// thread), logging each step, evaluating after each epoch, checkpointing,
// and finally exporting ONNX. Errors print one "error: ..." line and return
// 1; user files are never overwritten (TrainerCli.cpp checks the outputs,
// and every output is written to a temporary file and renamed).
//
//===----------------------------------------------------------------------===//

#include "tcc/Runtime/ModelInfo.h"
#include "tcc/Runtime/Profile.h"
#include "tcc/Runtime/Progress.h"
#include "tcc/Runtime/TrainConfig.h"
#include "tcc/Runtime/Trainer.h"
#include "tcc/Runtime/TrainerCli.h"
#include "tcc/Runtime/FileUtil.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cinttypes>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include <sched.h>

// LLVM's OpenMP runtime, whose thread team runs the compiled step's
// parallel loops (the one thread pool of a training binary).
extern "C" void omp_set_num_threads(int);

namespace tccrt {
namespace {

/// Sizes the OpenMP team: `requested` threads, or (0) one per core this
/// process may run on (its affinity mask, as taskset or a container sets).
int64_t applyThreadCount(int64_t requested) {
  int64_t n = requested;
  if (n <= 0) {
    cpu_set_t set;
    n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
  }
  n = std::max<int64_t>(n, 1);
  omp_set_num_threads(static_cast<int>(n));
  return n;
}

volatile std::sig_atomic_t interrupted = 0;

extern "C" void onInterrupt(int sig) {
  interrupted = 1;
  std::signal(sig, SIG_DFL); // a second Ctrl-C ends the process at once
}

/// Ctrl-C / SIGTERM finish the current step, save and exit with 130.
struct SignalGuard {
  struct sigaction oldInt, oldTerm;
  SignalGuard() {
    interrupted = 0;
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_handler = onInterrupt;
    sigaction(SIGINT, &sa, &oldInt);
    sigaction(SIGTERM, &sa, &oldTerm);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &oldInt, nullptr);
    sigaction(SIGTERM, &oldTerm, nullptr);
  }
};

std::string jsonNumber(double v, const char *format = "%.9g") {
  if (!std::isfinite(v))
    return "null";
  char buf[40];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

/// `, "step_s": T`, the wall time of the step call, with --log-step-time
/// (bench/train.py uses it); otherwise nothing, so that logs stay
/// reproducible (a resumed run's log equals an uninterrupted one's).
std::string stepTimeMember(bool enabled, double seconds) {
  return enabled ? ", \"step_s\": " + jsonNumber(seconds, "%.6g") : "";
}

/// The step of a log line `{"step": N, ...}`, or -1.
int64_t stepOfLine(const std::string &line) {
  size_t k = line.find("\"step\":");
  return k == std::string::npos ? -1 : std::strtoll(line.c_str() + k + 7, nullptr, 10);
}

/// The --log file. On resume, lines of steps after the checkpoint (written
/// by the interrupted run past its last save) are dropped first, so the log
/// reads like one uninterrupted run.
class StepLog {
public:
  ~StepLog() {
    if (f_)
      std::fclose(f_);
  }
  bool open(const std::string &path, int64_t resumedStep, std::string &error) {
    if (resumedStep >= 0 && fileExists(path) && !truncateAfter(path, resumedStep, error))
      return false;
    f_ = std::fopen(path.c_str(), resumedStep >= 0 ? "a" : "w");
    if (!f_)
      error = "cannot open log '" + path + "': " + std::strerror(errno);
    return f_ != nullptr;
  }
  void write(const std::string &line) {
    if (!f_)
      return;
    std::fprintf(f_, "%s\n", line.c_str());
    std::fflush(f_);
  }

private:
  static bool truncateAfter(const std::string &path, int64_t step,
                            std::string &error) {
    std::vector<uint8_t> bytes;
    if (!readFileBytes(path, bytes, error))
      return false;
    std::istringstream in(std::string(bytes.begin(), bytes.end()));
    std::string kept, line;
    while (std::getline(in, line))
      if (!line.empty() && stepOfLine(line) <= step)
        kept += line + "\n";
    return writeFileAtomic(
        path,
        [&](FILE *f, std::string &err) {
          if (std::fwrite(kept.data(), 1, kept.size(), f) == kept.size())
            return true;
          err = "write error";
          return false;
        },
        error);
  }
  FILE *f_ = nullptr;
};

int fail(const std::string &message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return 1;
}

void printInfo(const tcc_model &m) {
  int64_t count = 0;
  for (int32_t i = 0; i < m.num_params; ++i)
    count += checkedNumElements(descShape(m.params[i]));
  std::printf("model %s: batch %" PRId64 ", %" PRId64 " parameters in %d tensors, "
              "%d state tensors\n",
              m.model_name ? m.model_name : "?", m.batch, count, m.num_params,
              m.num_state);
  for (int32_t i = 0; i < m.num_params; ++i)
    std::printf("  param  %s\n", describeDesc(m.params[i]).c_str());
  for (int32_t i = 0; i < m.num_state; ++i)
    std::printf("  state  %s\n", describeDesc(m.state[i]).c_str());
  for (int32_t i = 0; i < m.num_inputs; ++i)
    std::printf("  input  %s\n", describeDesc(m.inputs[i]).c_str());
  std::printf("  labels %s\n", describeDesc(m.labels).c_str());
  if (m.eval_step)
    std::printf("  predictions %s\n", describeDesc(m.predictions).c_str());
  std::printf("fingerprint %016" PRIx64 "\nconfig: %s\n", m.fingerprint,
              m.config ? m.config : "");
}

/// One training run (see the file comment).
class Run {
public:
  Run(const tcc_model &m, const TrainerOptions &o) : m_(m), o_(o) {}
  int main();
  /// The --profile table: the top kernels on stderr, or all in --profile-out.
  bool reportProfile(std::string &error);

private:
  bool prepare(std::string &error);
  bool resume(std::string &error);
  bool checkExportTarget(std::string &error);
  int trainLoop();
  /// Prints the epoch's mean training loss and test results (as `label`);
  /// returns the test results as JSON members for the step's log line.
  std::string endOfEpoch(const std::string &label, ProgressReporter *progress);
  bool save(std::string &error);
  std::string stepLine(int64_t step, int64_t epoch, float loss, StepStatus st);

  const tcc_model &m_;
  const TrainerOptions &o_;
  Trainer trainer_;
  Dataset train_, test_;
  DataPosition pos_;
  TrainConfig config_;
  StepLog log_;
  int64_t epochs_ = 1, batchesPerEpoch_ = 0, lastSaved_ = -1;
  double epochLoss_ = 0;
  int64_t epochSteps_ = 0, skipped_ = 0, skippedInARow_ = 0;
  MeasuredSteps measured_;
  int64_t stepsRun_ = 0;
};

/// Fails before training rather than after it: the program must carry its
/// ONNX model, and --export-onnx must not name the user's original model.
bool Run::checkExportTarget(std::string &error) {
  if (!m_.onnx_model || m_.onnx_model_size == 0) {
    error = "--export-onnx: this program was built without its ONNX model";
    return false;
  }
  std::vector<uint8_t> existing;
  std::string ignored;
  if (fileExists(o_.exportOnnx) && readFileBytes(o_.exportOnnx, existing, ignored) &&
      existing.size() == m_.onnx_model_size &&
      std::memcmp(existing.data(), m_.onnx_model, existing.size()) == 0) {
    error = "--export-onnx '" + o_.exportOnnx +
            "' is the original model this program was compiled from; "
            "refusing to overwrite it";
    return false;
  }
  return true;
}

bool Run::resume(std::string &error) {
  DataPosition saved;
  if (!trainer_.load(o_.resume, saved, error))
    return false;
  lastSaved_ = trainer_.step();
  if (!o_.train.empty() && saved.numSamples != train_.numRows) {
    error = "checkpoint '" + o_.resume + "' was trained on " +
            std::to_string(saved.numSamples) + " rows but --train has " +
            std::to_string(train_.numRows) +
            "; resuming exactly needs the same training data";
    return false;
  }
  if (o_.seedGiven && saved.seed != o_.seed)
    std::fprintf(stderr, "warning: --seed %" PRIu64 " ignored: resuming with "
                 "the checkpoint's seed %" PRIu64 "\n", o_.seed, saved.seed);
  if (o_.shuffleGiven && saved.shuffle != o_.shuffle)
    std::fprintf(stderr, "warning: --no-shuffle ignored: the checkpoint's run "
                 "shuffles\n");
  pos_ = saved;
  std::fprintf(stderr, "resumed from '%s' at step %" PRId64 " (epoch %" PRId64
               ", batch %" PRId64 ")\n", o_.resume.c_str(), trainer_.step(),
               pos_.epoch + 1, pos_.batchInEpoch);
  return true;
}

bool Run::prepare(std::string &error) {
  if (!trainer_.init(&m_, error))
    return false;
  if (!o_.test.empty() && !m_.eval_step) {
    error = "--test needs an evaluation step; this program has none";
    return false;
  }
  if (!o_.exportOnnx.empty() && !checkExportTarget(error))
    return false;
  if (!o_.train.empty() && !loadDataset(m_, o_.train, train_, error))
    return false;
  if (!o_.test.empty() && !loadDataset(m_, o_.test, test_, error))
    return false;
  pos_.seed = o_.seed;
  pos_.shuffle = o_.shuffle;
  pos_.numSamples = train_.numRows;
  if (!o_.resume.empty() && !resume(error))
    return false;
  config_ = parseTrainConfig(m_.config);
  trainer_.setSkipNonFinite(o_.skipNonFinite);
  epochs_ = o_.epochs > 0 ? o_.epochs : 1;
  return true;
}

bool Run::save(std::string &error) {
  if (!trainer_.save(o_.checkpoint, pos_, error))
    return false;
  lastSaved_ = trainer_.step();
  return true;
}

std::string Run::endOfEpoch(const std::string &label,
                            ProgressReporter *progress) {
  auto print = [&](const std::string &line) {
    if (progress)
      progress->message(line, stdout);
    else
      std::printf("%s\n", line.c_str());
  };
  std::string json, text = label + ":";
  if (epochSteps_) {
    char buf[96];
    std::snprintf(buf, sizeof buf, " train loss %.4f (mean of %" PRId64 " steps)",
                  epochLoss_ / double(epochSteps_), epochSteps_);
    text += buf;
  }
  epochLoss_ = 0;
  epochSteps_ = 0;
  if (!test_.numRows) {
    print(text);
    return json;
  }
  EvalResult r;
  std::string error;
  if (!evaluate(trainer_, test_, r, error)) {
    print(text + "; test evaluation failed: " + error);
    return json;
  }
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s test loss %.4f",
                text.back() == ':' ? "" : ",", r.loss);
  text += buf;
  json += ", \"test_loss\": " + jsonNumber(r.loss);
  if (r.accuracy >= 0) {
    std::snprintf(buf, sizeof buf, ", accuracy %.2f%%", 100 * r.accuracy);
    text += buf;
    json += ", \"test_accuracy\": " + jsonNumber(r.accuracy);
  }
  text += " (" + std::to_string(r.rows) + " samples)";
  print(text);
  return json;
}

std::string Run::stepLine(int64_t step, int64_t epoch, float loss,
                          StepStatus st) {
  double lr = 0;
  std::string why;
  bool haveLr = learningRateAt(config_, step - 1, lr, why);
  std::string line = "{\"step\": " + std::to_string(step) +
                     ", \"epoch\": " + std::to_string(epoch + 1) +
                     ", \"loss\": " + jsonNumber(loss) +
                     ", \"lr\": " + (haveLr ? jsonNumber(lr, "%.9g") : "null");
  if (st == StepStatus::Skipped)
    line += ", \"skipped\": true";
  if (st == StepStatus::NonFinite)
    line += ", \"nonfinite\": true";
  return line;
}

int Run::trainLoop() {
  std::string error;
  int64_t batch = m_.batch;
  bool stepsMode = o_.steps >= 0;
  int64_t done = pos_.epoch * batchesPerEpoch_ + pos_.batchInEpoch;
  int64_t remaining = stepsMode ? o_.steps - trainer_.step()
                                : epochs_ * batchesPerEpoch_ - done;
  int64_t target = trainer_.step() + std::max<int64_t>(0, remaining);
  ProgressReporter progress(stderr, ProgressReporter::isTerminal(stderr),
                            trainer_.step(), target, batch);
  DataLoader loader(m_, train_, pos_.seed, pos_.shuffle);
  loader.start(pos_.epoch, pos_.batchInEpoch);
  SignalGuard signals;
  while (!(stepsMode ? trainer_.step() >= o_.steps : pos_.epoch >= epochs_) &&
         !interrupted) {
    std::unique_ptr<Batch> b = loader.next();
    if (!b)
      return fail("the data loader stopped unexpectedly");
    float loss = 0;
    auto start = std::chrono::steady_clock::now();
    StepStatus st = trainer_.trainStep(b->inputPointers().data(),
                                       b->labels.data.data(), loss);
    double seconds = std::chrono::duration<double>(
                         std::chrono::steady_clock::now() - start)
                         .count();
    std::string stepTime = stepTimeMember(o_.logStepTime, seconds);
    measured_.seconds += seconds;
    ++measured_.steps;
    if (++stepsRun_ == o_.profileWarmup) { // the table starts after these
      tcc_profile_reset();
      measured_ = MeasuredSteps();
    }
    loader.recycle(std::move(b));
    int64_t epoch = pos_.epoch, stepNo = trainer_.step();
    if (st != StepStatus::Ok)
      ++stepNo; // the step that failed
    bool epochEnded = ++pos_.batchInEpoch == batchesPerEpoch_;
    if (epochEnded) {
      ++pos_.epoch;
      pos_.batchInEpoch = 0;
    }
    if (st == StepStatus::NonFinite) {
      log_.write(stepLine(stepNo, epoch, loss, st) + "}");
      progress.finish();
      return fail("the loss is " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                  " at step " + std::to_string(stepNo) + " (epoch " +
                  std::to_string(epoch + 1) + "); stopping without saving. "
                  "--skip-nonfinite discards such steps instead");
    }
    if (st == StepStatus::Skipped) {
      ++skipped_;
      progress.message("warning: non-finite loss at step " +
                       std::to_string(stepNo) + "; update discarded");
    } else {
      epochLoss_ += loss;
      ++epochSteps_;
      progress.update(stepNo, epoch + 1, loss);
    }
    std::string extra;
    if (epochEnded)
      extra = endOfEpoch("epoch " + std::to_string(epoch + 1), &progress);
    log_.write(stepLine(stepNo, epoch, loss, st) + stepTime + extra + "}");
    // Skipped steps leave the parameters as they were, so an epoch's worth
    // of them in a row means no batch can ever succeed: without this,
    // --steps would loop (and log) forever.
    skippedInARow_ = st == StepStatus::Skipped ? skippedInARow_ + 1 : 0;
    if (skippedInARow_ >= batchesPerEpoch_) {
      progress.finish();
      return fail("the loss was non-finite for " + std::to_string(skippedInARow_) +
                  " batches in a row (an epoch's worth) at step " +
                  std::to_string(stepNo) + "; the parameters cannot recover, "
                  "stopping without saving");
    }
    bool due = o_.saveEvery > 0 && st == StepStatus::Ok &&
               trainer_.step() % o_.saveEvery == 0;
    if (!o_.checkpoint.empty() && (due || epochEnded) && !save(error))
      return fail(error);
  }
  loader.stop();
  progress.finish();
  if (!o_.checkpoint.empty() && lastSaved_ != trainer_.step() && !save(error))
    return fail(error);
  if (interrupted) {
    std::fprintf(stderr, "interrupted after step %" PRId64 "%s\n",
                 trainer_.step(),
                 o_.checkpoint.empty() ? "" : "; checkpoint saved");
    return 130;
  }
  return 0;
}

bool Run::reportProfile(std::string &error) {
  if (o_.profileOut.empty()) {
    writeProfileReport(stderr, measured_, /*maxRows=*/20);
    return true;
  }
  if (!writeFileAtomic(
          o_.profileOut,
          [&](FILE *f, std::string &) {
            writeProfileReport(f, measured_);
            return true;
          },
          error))
    return false;
  std::fprintf(stderr, "wrote the kernel profile to '%s'\n",
               o_.profileOut.c_str());
  return true;
}

int Run::main() {
  std::string error;
  if (!prepare(error))
    return fail(error);
  if (!o_.train.empty()) {
    batchesPerEpoch_ = train_.numRows / m_.batch;
    if (batchesPerEpoch_ == 0)
      return fail("the training data has " + std::to_string(train_.numRows) +
                  " rows, fewer than one batch of " + std::to_string(m_.batch));
    if (pos_.batchInEpoch >= batchesPerEpoch_) {
      ++pos_.epoch;
      pos_.batchInEpoch = 0;
    }
    if (!o_.log.empty() &&
        !log_.open(o_.log, o_.resume.empty() ? -1 : trainer_.step(), error))
      return fail(error);
    double lr;
    std::string why;
    if (!o_.log.empty() && !learningRateAt(config_, 0, lr, why))
      std::fprintf(stderr, "note: the log's \"lr\" is null: %s\n", why.c_str());
    std::fprintf(stderr,
                 "training %s: %" PRId64 " rows, batch %" PRId64 ", %" PRId64
                 " steps per epoch, %s, threads %" PRId64 "\n",
                 m_.model_name ? m_.model_name : "model", train_.numRows,
                 m_.batch, batchesPerEpoch_,
                 pos_.shuffle ? "shuffled" : "in order", o_.threads);
    int rc = trainLoop();
    if (rc != 0)
      return rc;
    if (skipped_)
      std::fprintf(stderr, "%" PRId64 " step(s) with a non-finite loss were "
                   "skipped\n", skipped_);
  } else if (!o_.test.empty()) {
    endOfEpoch("evaluation", nullptr);
  }
  if (!o_.exportOnnx.empty()) {
    if (!trainer_.exportOnnx(o_.exportOnnx, error))
      return fail(error);
    std::fprintf(stderr, "exported the trained model to '%s'\n",
                 o_.exportOnnx.c_str());
  }
  return 0;
}

} // namespace
} // namespace tccrt

extern "C" int tcc_trainer_main(const tcc_model *model, int argc, char **argv) {
  using namespace tccrt;
  TrainerOptions o;
  std::string error;
  if (!parseTrainerArgs(argc, argv, o, error))
    return fail(error);
  if (o.help) {
    std::printf("%s", trainerUsage(argc > 0 ? argv[0] : nullptr).c_str());
    return 0;
  }
  if (!validateModel(model, error))
    return fail("the compiled program is broken: " + error);
  if (o.info) {
    printInfo(*model);
    return 0;
  }
  if (!checkTrainerOptions(o, error))
    return fail(error);
  o.threads = applyThreadCount(o.threads);
  Run run(*model, o);
  int rc = run.main();
  if ((rc == 0 || rc == 130) && profileAvailable() &&
      !run.reportProfile(error))
    return fail(error);
  return rc;
}
