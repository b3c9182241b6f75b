//===- TrainerTest.cpp - the trainer runtime over a hand-written model ---===//
//
// A fake tcc_model stands in for tcc-compile's output: parameter w[4],
// momentum-like state v[4], input x[B,3], labels y[B] (3 classes).
//   train_step: loss = sum(w) + mean(x) + 0.001 * sum(y)  (before the update)
//               v = 0.9 v + mean(x);  w -= 0.1 * v / (1 + step)
//   eval_step:  loss = sum(w) + mean(x); predictions[b, c] = -(x[b,0] - c)^2
// The loss of each step depends on the batch's rows and on the whole
// history, so equal logs mean equal data order, state and step numbers.
//
//===----------------------------------------------------------------------===//

#include "tcc/Runtime/Checkpoint.h"
#include "tcc/Runtime/DataLoader.h"
#include "tcc/Runtime/FileUtil.h"
#include "tcc/Runtime/Progress.h"
#include "tcc/Runtime/TrainConfig.h"
#include "tcc/Runtime/Trainer.h"
#include "tcc/Runtime/TrainerCli.h"

#include <onnx/onnx_pb.h>

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

using namespace tccrt;

namespace {

constexpr int64_t kBatch = 4;
const int64_t kVecShape[] = {4};
const int64_t kXShape[] = {kBatch, 3};
const int64_t kYShape[] = {kBatch};
const int64_t kPredShape[] = {kBatch, 3};
const float kWInit[] = {1, 2, 3, 4};

void fakeTrainStep(void **args) {
  const float *w = static_cast<float *>(args[0]), *v = static_cast<float *>(args[1]);
  const float *x = static_cast<float *>(args[2]);
  const int64_t *y = static_cast<int64_t *>(args[3]);
  int64_t step = *static_cast<int64_t *>(args[4]);
  float *wOut = static_cast<float *>(args[5]), *vOut = static_cast<float *>(args[6]);
  float *loss = static_cast<float *>(args[7]);
  float mean = 0, sumW = 0, sumY = 0;
  for (int i = 0; i < kBatch * 3; ++i)
    mean += x[i] / (kBatch * 3);
  for (int i = 0; i < 4; ++i)
    sumW += w[i];
  for (int i = 0; i < kBatch; ++i)
    sumY += float(y[i]);
  *loss = sumW + mean + 0.001f * sumY;
  for (int i = 0; i < 4; ++i) {
    float nv = 0.9f * v[i] + mean * float(i + 1);
    float nw = w[i] - 0.1f * nv / float(1 + step);
    vOut[i] = nv;
    wOut[i] = nw;
  }
}

void fakeEvalStep(void **args) {
  const float *w = static_cast<float *>(args[0]);
  const float *x = static_cast<float *>(args[2]);
  float *loss = static_cast<float *>(args[4]), *pred = static_cast<float *>(args[5]);
  float mean = 0, sumW = 0;
  for (int i = 0; i < kBatch * 3; ++i)
    mean += x[i] / (kBatch * 3);
  for (int i = 0; i < 4; ++i)
    sumW += w[i];
  *loss = sumW + mean;
  for (int b = 0; b < kBatch; ++b)
    for (int c = 0; c < 3; ++c)
      pred[b * 3 + c] = -(x[b * 3] - float(c)) * (x[b * 3] - float(c));
}

const tcc_tensor_desc kParams[] = {{"w", TCC_F32, 1, kVecShape, kWInit}};
const tcc_tensor_desc kState[] = {{"v", TCC_F32, 1, kVecShape, nullptr}};
const tcc_tensor_desc kInputs[] = {{"x", TCC_F32, 2, kXShape, nullptr}};

tcc_model makeModel(uint64_t fingerprint = 0x1234) {
  tcc_model m{};
  m.abi_version = TCC_MODEL_ABI_VERSION;
  m.model_name = "fake";
  m.num_params = 1;
  m.params = kParams;
  m.num_state = 1;
  m.state = kState;
  m.num_inputs = 1;
  m.inputs = kInputs;
  m.labels = {"y", TCC_I64, 1, kYShape, nullptr};
  m.predictions = {"pred", TCC_F32, 2, kPredShape, nullptr};
  m.batch = kBatch;
  m.train_step = fakeTrainStep;
  m.eval_step = fakeEvalStep;
  m.fingerprint = fingerprint;
  m.config = "optimizer=sgd lr=0.1 lr_schedule=step step_size=10 gamma=0.5";
  return m;
}

/// A fresh directory per call, all removed when the test program exits.
std::string tempDir() {
  static struct Dirs {
    std::vector<std::string> list;
    ~Dirs() {
      for (const std::string &d : list)
        (void)!std::system(("rm -rf '" + d + "'").c_str());
    }
  } dirs;
  std::string d = std::string(::testing::TempDir()) + "/tcc_trainer_" +
                  std::to_string(::getpid()) + "_" +
                  std::to_string(dirs.list.size());
  EXPECT_EQ(std::system(("mkdir -p '" + d + "'").c_str()), 0);
  dirs.list.push_back(d);
  return d;
}

/// X[r] = {r % 3, r / 100, sin(r)}, Y[r] = r % 3.
Dataset makeData(int64_t rows) {
  Dataset d;
  d.inputs.emplace_back(DType::F32, std::vector<int64_t>{rows, 3});
  d.labels = HostTensor(DType::I64, {rows});
  for (int64_t r = 0; r < rows; ++r) {
    d.inputs[0].as<float>()[r * 3 + 0] = float(r % 3);
    d.inputs[0].as<float>()[r * 3 + 1] = float(r) / 100;
    d.inputs[0].as<float>()[r * 3 + 2] = std::sin(float(r));
    d.labels.as<int64_t>()[r] = r % 3;
  }
  d.numRows = rows;
  d.paths = {"x.npy", "y.npy"};
  return d;
}

void writeData(const Dataset &d, const std::string &dir) {
  std::string error;
  ASSERT_TRUE(writeNpy(dir + "/x.npy", d.inputs[0], error)) << error;
  ASSERT_TRUE(writeNpy(dir + "/y.npy", d.labels, error)) << error;
}

std::string readText(const std::string &path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

int runMain(const tcc_model &m, std::vector<std::string> args) {
  args.insert(args.begin(), "trainer");
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  return tcc_trainer_main(&m, int(argv.size()), argv.data());
}

//===----------------------------------------------------------------------===//
// Checkpoints
//===----------------------------------------------------------------------===//

TEST(Checkpoint, Crc32MatchesZlib) {
  EXPECT_EQ(crc32("123456789", 9), 0xCBF43926u);
  EXPECT_EQ(crc32("", 0), 0u);
}

std::vector<uint8_t> sampleCheckpoint(CheckpointHeader &h, HostTensor &a,
                                      HostTensor &b) {
  h.fingerprint = 0xABCDEF;
  h.step = 42;
  h.data = {3, 7, 99, true, 1000};
  a = HostTensor(DType::F32, {2, 3});
  for (int i = 0; i < 6; ++i)
    a.setDouble(i, i * 1.5);
  b = HostTensor(DType::I64, {});
  b.setInt(0, -5);
  std::vector<CheckpointTensorRef> refs = {{"layer.weight", TensorKind::Param, &a},
                                           {"count", TensorKind::State, &b}};
  std::string path = tempDir() + "/c.ckpt", error;
  EXPECT_TRUE(writeCheckpoint(path, h, refs, error)) << error;
  std::vector<uint8_t> bytes;
  EXPECT_TRUE(readFileBytes(path, bytes, error)) << error;
  return bytes;
}

TEST(Checkpoint, RoundTrip) {
  CheckpointHeader h;
  HostTensor a, b;
  std::vector<uint8_t> bytes = sampleCheckpoint(h, a, b);
  Checkpoint c;
  std::string error;
  ASSERT_TRUE(parseCheckpoint(bytes.data(), bytes.size(), "c", c, error)) << error;
  EXPECT_EQ(c.header.fingerprint, 0xABCDEFu);
  EXPECT_EQ(c.header.step, 42);
  EXPECT_EQ(c.header.data.epoch, 3);
  EXPECT_EQ(c.header.data.batchInEpoch, 7);
  EXPECT_EQ(c.header.data.seed, 99u);
  EXPECT_TRUE(c.header.data.shuffle);
  EXPECT_EQ(c.header.data.numSamples, 1000);
  ASSERT_EQ(c.tensors.size(), 2u);
  EXPECT_EQ(c.tensors[0].name, "layer.weight");
  EXPECT_EQ(c.tensors[0].kind, TensorKind::Param);
  EXPECT_EQ(c.tensors[0].value.shape, a.shape);
  EXPECT_EQ(c.tensors[0].value.data, a.data);
  EXPECT_EQ(c.tensors[1].kind, TensorKind::State);
  EXPECT_EQ(c.tensors[1].value.describe(), "int64[]");
  EXPECT_EQ(c.tensors[1].value.getInt(0), -5);
}

TEST(Checkpoint, EveryTruncationIsRejected) {
  CheckpointHeader h;
  HostTensor a, b;
  std::vector<uint8_t> bytes = sampleCheckpoint(h, a, b);
  for (size_t n = 0; n < bytes.size(); ++n) {
    Checkpoint c;
    std::string error;
    EXPECT_FALSE(parseCheckpoint(bytes.data(), n, "c", c, error)) << n;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Checkpoint, EveryBitFlipIsRejected) {
  CheckpointHeader h;
  HostTensor a, b;
  std::vector<uint8_t> bytes = sampleCheckpoint(h, a, b);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= 0x10;
    Checkpoint c;
    std::string error;
    EXPECT_FALSE(parseCheckpoint(bad.data(), bad.size(), "c", c, error)) << i;
  }
  std::vector<uint8_t> bad = bytes;
  bad[100] ^= 1; // inside the first tensor record
  Checkpoint c;
  std::string error;
  EXPECT_FALSE(parseCheckpoint(bad.data(), bad.size(), "c", c, error));
  EXPECT_NE(error.find("layer.weight"), std::string::npos) << error;
  EXPECT_NE(error.find("corrupt"), std::string::npos) << error;
}

TEST(Checkpoint, RejectsOtherFormatsAndVersions) {
  CheckpointHeader h;
  HostTensor a, b;
  std::vector<uint8_t> bytes = sampleCheckpoint(h, a, b);
  Checkpoint c;
  std::string error;
  std::vector<uint8_t> bad = bytes;
  bad[8] = 2; // version 2
  EXPECT_FALSE(parseCheckpoint(bad.data(), bad.size(), "c", c, error));
  EXPECT_NE(error.find("version 2"), std::string::npos) << error;
  bad = bytes;
  bad[0] = 'X';
  EXPECT_FALSE(parseCheckpoint(bad.data(), bad.size(), "c", c, error));
  EXPECT_NE(error.find("not a tcc checkpoint"), std::string::npos) << error;
  bytes.push_back(0);
  EXPECT_FALSE(parseCheckpoint(bytes.data(), bytes.size(), "c", c, error));
}

TEST(Checkpoint, TrainerRejectsForeignCheckpointAndKeepsItsState) {
  tcc_model m = makeModel(), other = makeModel(0x9999);
  Trainer t, u;
  std::string error, dir = tempDir();
  ASSERT_TRUE(t.init(&other, error)) << error;
  ASSERT_TRUE(u.init(&m, error)) << error;
  t.params()[0].setDouble(0, 77);
  ASSERT_TRUE(t.save(dir + "/o.ckpt", DataPosition(), error)) << error;
  DataPosition pos;
  EXPECT_FALSE(u.load(dir + "/o.ckpt", pos, error));
  EXPECT_NE(error.find("another model"), std::string::npos) << error;
  EXPECT_EQ(u.params()[0].getDouble(0), 1.0);
  EXPECT_FALSE(u.load(dir + "/missing.ckpt", pos, error));
  EXPECT_NE(error.find("missing.ckpt"), std::string::npos) << error;
}

TEST(Checkpoint, WriteIsAtomicAndLeavesNoTemporaries) {
  tcc_model m = makeModel();
  Trainer t;
  std::string error, dir = tempDir();
  ASSERT_TRUE(t.init(&m, error)) << error;
  ASSERT_TRUE(t.save(dir + "/a.ckpt", DataPosition(), error)) << error;
  t.params()[0].setDouble(0, 5);
  t.setStep(9);
  ASSERT_TRUE(t.save(dir + "/a.ckpt", DataPosition(), error)) << error;
  std::string listing = dir + "/list.txt";
  ASSERT_EQ(std::system(("ls '" + dir + "' > '" + listing + "'").c_str()), 0);
  EXPECT_EQ(readText(listing), "a.ckpt\nlist.txt\n");
  Trainer u;
  DataPosition pos;
  ASSERT_TRUE(u.init(&m, error)) << error;
  ASSERT_TRUE(u.load(dir + "/a.ckpt", pos, error)) << error;
  EXPECT_EQ(u.step(), 9);
  EXPECT_EQ(u.params()[0].getDouble(0), 5.0);
  // A directory in the way: an error, nothing written.
  EXPECT_FALSE(t.save(dir, DataPosition(), error));
}

//===----------------------------------------------------------------------===//
// Data
//===----------------------------------------------------------------------===//

TEST(DataLoader, PermutationIsSeededAndComplete) {
  std::vector<int64_t> p = epochPermutation(100, 7, 0, true);
  EXPECT_EQ(p, epochPermutation(100, 7, 0, true));
  EXPECT_NE(p, epochPermutation(100, 7, 1, true));
  EXPECT_NE(p, epochPermutation(100, 8, 0, true));
  std::vector<int64_t> sorted = p;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(sorted, epochPermutation(100, 7, 0, false));
  EXPECT_NE(p, sorted);
  EXPECT_EQ(epochPermutation(3, 1, 0, false), (std::vector<int64_t>{0, 1, 2}));
  // Pinned: the order must not change between tcc versions, or resuming an
  // old checkpoint would silently change the data order.
  EXPECT_EQ(epochPermutation(5, 0, 0, true), epochPermutation(5, 0, 0, true));
}

std::vector<float> batchFirstColumn(const Batch &b) {
  std::vector<float> r;
  for (int64_t i = 0; i < kBatch; ++i)
    r.push_back(b.inputs[0].as<float>()[i * 3 + 1]);
  return r;
}

TEST(DataLoader, BatchesFollowThePermutationAndResumeExactly) {
  tcc_model m = makeModel();
  Dataset d = makeData(18); // 4 batches per epoch, 2 rows dropped
  DataLoader all(m, d, 5, true);
  EXPECT_EQ(all.batchesPerEpoch(), 4);
  all.start(0, 0);
  std::vector<std::vector<float>> seen;
  for (int i = 0; i < 10; ++i) {
    std::unique_ptr<Batch> b = all.next();
    ASSERT_TRUE(b);
    EXPECT_EQ(b->epoch, i / 4);
    EXPECT_EQ(b->index, i % 4);
    std::vector<int64_t> perm = epochPermutation(18, 5, i / 4, true);
    for (int64_t r = 0; r < kBatch; ++r) {
      int64_t row = perm[size_t((i % 4) * kBatch + r)];
      EXPECT_EQ(b->labels.as<int64_t>()[r], row % 3);
      EXPECT_FLOAT_EQ(b->inputs[0].as<float>()[r * 3 + 1], float(row) / 100);
    }
    seen.push_back(batchFirstColumn(*b));
    all.recycle(std::move(b));
  }
  all.stop();
  DataLoader resumed(m, d, 5, true);
  resumed.start(1, 2); // the 7th batch
  for (int i = 6; i < 10; ++i) {
    std::unique_ptr<Batch> b = resumed.next();
    ASSERT_TRUE(b);
    EXPECT_EQ(batchFirstColumn(*b), seen[size_t(i)]) << i;
  }
}

TEST(DataLoader, ValidationNamesTheProblem) {
  tcc_model m = makeModel();
  std::string error;
  Dataset d = makeData(10);
  EXPECT_TRUE(validateDataset(m, d, error)) << error;

  Dataset bad = makeData(10);
  bad.labels.as<int64_t>()[7] = 3;
  EXPECT_FALSE(validateDataset(m, bad, error));
  EXPECT_NE(error.find("label 3 at row 7 is out of range"), std::string::npos) << error;
  bad.labels.as<int64_t>()[7] = -1;
  EXPECT_FALSE(validateDataset(m, bad, error));

  bad = makeData(10);
  bad.inputs[0] = HostTensor(DType::F64, {10, 3});
  EXPECT_FALSE(validateDataset(m, bad, error));
  EXPECT_NE(error.find("must be float32, the file holds float64"), std::string::npos) << error;

  bad = makeData(10);
  bad.inputs[0] = HostTensor(DType::F32, {10, 4});
  EXPECT_FALSE(validateDataset(m, bad, error));
  EXPECT_NE(error.find("must have shape [N, 3]"), std::string::npos) << error;

  bad = makeData(10);
  bad.inputs[0] = HostTensor(DType::F32, {9, 3});
  EXPECT_FALSE(validateDataset(m, bad, error));
  EXPECT_NE(error.find("9 rows"), std::string::npos) << error;
}

TEST(DataLoader, LoadRejectsMissingAndTruncatedFiles) {
  tcc_model m = makeModel();
  std::string dir = tempDir(), error;
  writeData(makeData(10), dir);
  Dataset d;
  EXPECT_TRUE(loadDataset(m, {dir + "/x.npy", dir + "/y.npy"}, d, error)) << error;
  EXPECT_FALSE(loadDataset(m, {dir + "/x.npy"}, d, error));
  EXPECT_NE(error.find("give 2 .npy files"), std::string::npos) << error;
  EXPECT_FALSE(loadDataset(m, {dir + "/nope.npy", dir + "/y.npy"}, d, error));
  EXPECT_NE(error.find("nope.npy"), std::string::npos) << error;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(readFileBytes(dir + "/x.npy", bytes, error));
  {
    std::ofstream out(dir + "/cut.npy", std::ios::binary);
    out.write(reinterpret_cast<const char *>(bytes.data()), std::streamsize(bytes.size() - 5));
  }
  EXPECT_FALSE(loadDataset(m, {dir + "/cut.npy", dir + "/y.npy"}, d, error));
  EXPECT_NE(error.find("cut.npy"), std::string::npos) << error;
}

//===----------------------------------------------------------------------===//
// Progress, configuration, command line
//===----------------------------------------------------------------------===//

TEST(Progress, Formatting) {
  EXPECT_EQ(formatDuration(5), "5s");
  EXPECT_EQ(formatDuration(65), "1m05s");
  EXPECT_EQ(formatDuration(3725), "1h02m");
  EXPECT_EQ(formatDuration(-1), "--");
  EXPECT_EQ(formatDuration(NAN), "--");
  EXPECT_EQ(formatCount(950), "950");
  EXPECT_EQ(formatCount(12345), "12.3k");
  EXPECT_EQ(formatCount(4560000), "4.56M");
  ProgressInfo p;
  p.step = 5;
  p.totalSteps = 10;
  p.epoch = 1;
  p.loss = 0.25;
  p.samplesPerSecond = 1000;
  p.etaSeconds = 90;
  EXPECT_EQ(formatProgressLine(p, 10),
            "[=====>    ] step 5/10 epoch 1 loss 0.25 1000 samples/s ETA 1m30s");
  EXPECT_EQ(formatProgressLine(p, 0),
            "step 5/10 epoch 1 loss 0.25 1000 samples/s ETA 1m30s");
}

double lrAt(const char *config, int64_t step) {
  double lr = -1;
  std::string why;
  EXPECT_TRUE(learningRateAt(parseTrainConfig(config), step, lr, why)) << why;
  return lr;
}

TEST(TrainConfig, SchedulesFollowTorch) {
  EXPECT_DOUBLE_EQ(lrAt("optimizer=adam lr=0.01", 123), 0.01);
  EXPECT_DOUBLE_EQ(lrAt("lr=1 lr-schedule=step step-size=10 gamma=0.5", 9), 1);
  EXPECT_DOUBLE_EQ(lrAt("lr=1 lr_schedule=step step_size=10 gamma=0.5", 25), 0.25);
  EXPECT_DOUBLE_EQ(lrAt("lr=2 lr_schedule=exponential gamma=0.9", 2), 2 * 0.81);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=cosine total_steps=100", 50), 0.5, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=warmup-cosine warmup_steps=10 total_steps=110", 5), 0.5, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=warmup-cosine warmup_steps=10 total_steps=110", 60), 0.5, 1e-12);
  // OneCycleLR(max_lr=1, total_steps=100): starts at max_lr/25, peaks at
  // step 29 (pct_start 0.3), ends at max_lr/25/1e4.
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=one-cycle total_steps=100", 0), 0.04, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=one-cycle total_steps=100", 29), 1.0, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=one-cycle total_steps=100", 99), 4e-6, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=one-cycle total_steps=100", 500), 4e-6, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr-schedule=one-cycle total-steps=100 div-factor=10 "
                   "pct-start=0.5", 0), 0.1, 1e-12);
  EXPECT_NEAR(lrAt("lr=1 lr_schedule=warmup-cosine warmup_steps=10 total_steps=110", 500),
              0, 1e-12);
  // tcc-compile's text: one pair per line, torch's default lr for Adam.
  EXPECT_DOUBLE_EQ(lrAt("loss=mse\noptimizer=adam\nlr-schedule=constant\n", 3), 1e-3);
  double lr;
  std::string why;
  EXPECT_FALSE(learningRateAt(parseTrainConfig("optimizer=sgd"), 0, lr, why));
  EXPECT_NE(why.find("no lr"), std::string::npos);
  EXPECT_FALSE(learningRateAt(parseTrainConfig("lr=1 lr_schedule=cosine"), 0, lr, why));
  EXPECT_NE(why.find("total_steps"), std::string::npos);
  EXPECT_FALSE(learningRateAt(parseTrainConfig("lr=1 lr_schedule=magic"), 0, lr, why));
}

bool parse(std::vector<std::string> args, TrainerOptions &o, std::string &error) {
  args.insert(args.begin(), "trainer");
  std::vector<char *> argv;
  for (std::string &a : args)
    argv.push_back(a.data());
  o = TrainerOptions();
  return parseTrainerArgs(int(argv.size()), argv.data(), o, error) &&
         checkTrainerOptions(o, error);
}

TEST(TrainerCli, ParsesBothFlagForms) {
  TrainerOptions o;
  std::string error;
  ASSERT_TRUE(parse({"--train", "a.npy", "b.npy", "--test=c.npy", "d.npy",
                     "--steps=40", "--seed", "3", "--no-shuffle", "--log=l.jsonl",
                     "--checkpoint", "k.ckpt", "--save-every=5", "--threads", "4",
                     "--skip-nonfinite"},
                    o, error)) << error;
  EXPECT_EQ(o.train, (std::vector<std::string>{"a.npy", "b.npy"}));
  EXPECT_EQ(o.test, (std::vector<std::string>{"c.npy", "d.npy"}));
  EXPECT_EQ(o.steps, 40);
  EXPECT_EQ(o.seed, 3u);
  EXPECT_TRUE(o.seedGiven);
  EXPECT_FALSE(o.shuffle);
  EXPECT_EQ(o.log, "l.jsonl");
  EXPECT_EQ(o.saveEvery, 5);
  EXPECT_EQ(o.threads, 4);
  EXPECT_TRUE(o.skipNonFinite);
}

TEST(TrainerCli, RejectsBadCombinations) {
  TrainerOptions o;
  std::string error;
  EXPECT_FALSE(parse({"--train", "a", "b", "--epochs", "2", "--steps", "3"}, o, error));
  EXPECT_NE(error.find("not both"), std::string::npos);
  EXPECT_FALSE(parse({"--train", "a", "b", "--save-every", "3"}, o, error));
  EXPECT_NE(error.find("--checkpoint"), std::string::npos);
  EXPECT_FALSE(parse({"--train", "a", "b", "--epochs", "x"}, o, error));
  EXPECT_NE(error.find("--epochs expects an integer"), std::string::npos);
  EXPECT_FALSE(parse({"--train", "a", "b", "--epochs", "0"}, o, error));
  EXPECT_FALSE(parse({"--train"}, o, error));
  EXPECT_FALSE(parse({"--frobnicate"}, o, error));
  EXPECT_NE(error.find("unknown argument '--frobnicate'"), std::string::npos);
  EXPECT_FALSE(parse({"--no-shuffle=1", "--train", "a", "b"}, o, error));
  EXPECT_FALSE(parse({}, o, error));
  EXPECT_NE(error.find("nothing to do"), std::string::npos);
}

TEST(TrainerCli, RefusesToOverwriteInputs) {
  std::string dir = tempDir(), error;
  writeData(makeData(10), dir);
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  TrainerOptions o;
  EXPECT_FALSE(parse({"--train", x, y, "--export-onnx", x}, o, error));
  EXPECT_NE(error.find("refusing to overwrite"), std::string::npos) << error;
  // The same file under another spelling.
  EXPECT_FALSE(parse({"--train", x, y, "--log", dir + "/./y.npy"}, o, error));
  // An existing file that is not a checkpoint is not clobbered.
  {
    std::ofstream(dir + "/notes.txt") << "precious";
  }
  EXPECT_FALSE(parse({"--train", x, y, "--checkpoint", dir + "/notes.txt"}, o, error));
  EXPECT_NE(error.find("not a tcc checkpoint"), std::string::npos) << error;
  EXPECT_FALSE(parse({"--train", x, y, "--log", dir + "/o", "--export-onnx", dir + "/o"}, o, error));
  EXPECT_TRUE(parse({"--train", x, y, "--checkpoint", dir + "/k", "--resume", dir + "/k"}, o, error))
      << error;
  EXPECT_EQ(readText(dir + "/notes.txt"), "precious");
}

//===----------------------------------------------------------------------===//
// Trainer, evaluation, the C API
//===----------------------------------------------------------------------===//

TEST(Trainer, StepsUpdateInPlaceAndSkipNonFinite) {
  tcc_model m = makeModel();
  Trainer t;
  std::string error;
  ASSERT_TRUE(t.init(&m, error)) << error;
  std::unique_ptr<Batch> b = makeBatch(m);
  for (int i = 0; i < 12; ++i)
    b->inputs[0].as<float>()[i] = 1;
  float loss;
  EXPECT_EQ(t.trainStep(b->inputPointers().data(), b->labels.data.data(), loss),
            StepStatus::Ok);
  EXPECT_FLOAT_EQ(loss, 10 + 1);
  EXPECT_FLOAT_EQ(t.params()[0].as<float>()[0], 1 - 0.1f);
  EXPECT_FLOAT_EQ(t.state()[0].as<float>()[1], 2);
  EXPECT_EQ(t.step(), 1);

  b->inputs[0].as<float>()[3] = NAN;
  std::vector<uint8_t> before = t.params()[0].data, stateBefore = t.state()[0].data;
  t.setSkipNonFinite(true);
  EXPECT_EQ(t.trainStep(b->inputPointers().data(), b->labels.data.data(), loss),
            StepStatus::Skipped);
  EXPECT_EQ(t.params()[0].data, before);
  EXPECT_EQ(t.state()[0].data, stateBefore);
  EXPECT_EQ(t.step(), 1);
  t.setSkipNonFinite(false);
  EXPECT_EQ(t.trainStep(b->inputPointers().data(), b->labels.data.data(), loss),
            StepStatus::NonFinite);
}

TEST(Trainer, EvaluateCountsEveryRow) {
  tcc_model m = makeModel();
  Trainer t;
  std::string error;
  ASSERT_TRUE(t.init(&m, error)) << error;
  Dataset d = makeData(10); // 2 full batches + 2 rows
  d.labels.as<int64_t>()[9] = 1; // row 9 has x0 = 0: now wrong
  EvalResult r;
  ASSERT_TRUE(evaluate(t, d, r, error)) << error;
  EXPECT_EQ(r.rows, 10);
  EXPECT_EQ(r.lossRows, 8);
  EXPECT_DOUBLE_EQ(r.accuracy, 0.9);
  EXPECT_TRUE(std::isfinite(r.loss));
}

TEST(Trainer, RejectsBrokenModels) {
  std::string error;
  Trainer t;
  tcc_model m = makeModel();
  m.abi_version = 99;
  EXPECT_FALSE(t.init(&m, error));
  EXPECT_NE(error.find("ABI version 99"), std::string::npos);
  m = makeModel();
  m.batch = 8; // inputs lead with 4
  EXPECT_FALSE(t.init(&m, error));
  EXPECT_NE(error.find("batch dimension 8"), std::string::npos) << error;
  m = makeModel();
  m.labels.dtype = 42;
  EXPECT_FALSE(t.init(&m, error));
  EXPECT_EQ(tcc_trainer_create(nullptr), nullptr);
  EXPECT_STREQ(tcc_trainer_last_error(nullptr), "no model");
}

TEST(TrainerCApi, TrainSaveLoad) {
  tcc_model m = makeModel();
  tcc_trainer *t = tcc_trainer_create(&m);
  ASSERT_NE(t, nullptr) << tcc_trainer_last_error(nullptr);
  std::unique_ptr<Batch> b = makeBatch(m);
  const void *inputs[] = {b->inputs[0].data.data()};
  float loss = 0;
  ASSERT_EQ(tcc_trainer_train_step(t, inputs, b->labels.data.data(), &loss), TCC_TRAINER_OK);
  EXPECT_EQ(tcc_trainer_step_count(t), 1);
  std::string path = tempDir() + "/c.ckpt";
  ASSERT_EQ(tcc_trainer_save(t, path.c_str()), TCC_TRAINER_OK) << tcc_trainer_last_error(t);
  static_cast<float *>(tcc_trainer_param_data(t, 0))[0] = 100;
  ASSERT_EQ(tcc_trainer_load(t, path.c_str()), TCC_TRAINER_OK) << tcc_trainer_last_error(t);
  EXPECT_FLOAT_EQ(static_cast<float *>(tcc_trainer_param_data(t, 0))[0], 1.0f);
  EXPECT_EQ(tcc_trainer_param_data(t, 1), nullptr);
  float pred[12];
  EXPECT_EQ(tcc_trainer_eval_step(t, inputs, b->labels.data.data(), &loss, pred), TCC_TRAINER_OK);
  EXPECT_EQ(tcc_trainer_load(t, (path + "x").c_str()), TCC_TRAINER_ERROR);
  EXPECT_NE(std::string(tcc_trainer_last_error(t)).find("cannot open"), std::string::npos);
  tcc_trainer_destroy(t);
}

TEST(OnnxExport, ReplacesInitializers) {
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  onnx::GraphProto *g = proto.mutable_graph();
  g->set_name("g");
  onnx::TensorProto *w = g->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  for (int i = 0; i < 4; ++i)
    w->add_float_data(float(i));
  onnx::TensorProto *other = g->add_initializer();
  other->set_name("keep");
  other->set_data_type(onnx::TensorProto::INT64);
  other->add_int64_data(7);
  std::string bytes = proto.SerializeAsString();

  tcc_model m = makeModel();
  m.onnx_model = reinterpret_cast<const uint8_t *>(bytes.data());
  m.onnx_model_size = bytes.size();
  Trainer t;
  std::string error, path = tempDir() + "/trained.onnx";
  ASSERT_TRUE(t.init(&m, error)) << error;
  for (int i = 0; i < 4; ++i)
    t.params()[0].setDouble(i, 0.5 * i);
  ASSERT_TRUE(t.exportOnnx(path, error)) << error; // "v" is not in the graph: fine
  std::vector<uint8_t> out;
  ASSERT_TRUE(readFileBytes(path, out, error));
  onnx::ModelProto back;
  ASSERT_TRUE(back.ParseFromArray(out.data(), int(out.size())));
  const onnx::TensorProto &bw = back.graph().initializer(0);
  EXPECT_EQ(bw.float_data_size(), 0);
  ASSERT_EQ(bw.raw_data().size(), 16u);
  float vals[4];
  std::memcpy(vals, bw.raw_data().data(), 16);
  EXPECT_FLOAT_EQ(vals[3], 1.5f);
  EXPECT_EQ(back.graph().initializer(1).int64_data(0), 7);

  g->mutable_initializer(0)->set_name("renamed");
  bytes = proto.SerializeAsString();
  m.onnx_model = reinterpret_cast<const uint8_t *>(bytes.data());
  m.onnx_model_size = bytes.size();
  EXPECT_FALSE(t.exportOnnx(path + "2", error));
  EXPECT_NE(error.find("'w' is not an initializer"), std::string::npos) << error;
  EXPECT_FALSE(fileExists(path + "2"));
}

//===----------------------------------------------------------------------===//
// The training binary's main loop
//===----------------------------------------------------------------------===//

std::vector<std::string> lines(const std::string &text) {
  std::vector<std::string> r;
  std::istringstream in(text);
  std::string l;
  while (std::getline(in, l))
    r.push_back(l);
  return r;
}

TEST(TrainerMain, ResumeGivesTheUninterruptedLog) {
  tcc_model m = makeModel();
  std::string dir = tempDir();
  writeData(makeData(50), dir); // 12 batches per epoch: 40 steps cross 3 epochs
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  ASSERT_EQ(runMain(m, {"--train", x, y, "--test", x, y, "--steps", "40", "--seed",
                        "11", "--log", dir + "/full.jsonl"}),
            0);
  ASSERT_EQ(runMain(m, {"--train", x, y, "--test", x, y, "--steps=20", "--seed=11",
                        "--log", dir + "/part.jsonl", "--checkpoint",
                        dir + "/k.ckpt", "--save-every", "7"}),
            0);
  ASSERT_EQ(runMain(m, {"--train", x, y, "--test", x, y, "--steps", "40", "--resume",
                        dir + "/k.ckpt", "--log", dir + "/part.jsonl"}),
            0);
  std::string full = readText(dir + "/full.jsonl");
  EXPECT_EQ(lines(full).size(), 40u);
  EXPECT_EQ(full, readText(dir + "/part.jsonl"));
  EXPECT_NE(full.find("\"step\": 12, \"epoch\": 1, \"loss\": "), std::string::npos);
  EXPECT_NE(full.find("\"test_accuracy\": 1}"), std::string::npos) << full;
  // lr from the config: step schedule, 0.1 halved every 10 steps.
  EXPECT_NE(full.find("\"step\": 11, \"epoch\": 1, \"loss\": "), std::string::npos);
  EXPECT_NE(lines(full)[10].find("\"lr\": 0.05"), std::string::npos) << lines(full)[10];

  // A different seed gives a different order, so the test above can fail.
  ASSERT_EQ(runMain(m, {"--train", x, y, "--steps", "40", "--seed", "12", "--log",
                        dir + "/other.jsonl"}),
            0);
  EXPECT_NE(full, readText(dir + "/other.jsonl"));
}

TEST(TrainerMain, ResumeAfterACrashDropsLaterLogLines) {
  tcc_model m = makeModel();
  std::string dir = tempDir();
  writeData(makeData(50), dir);
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  ASSERT_EQ(runMain(m, {"--train", x, y, "--epochs", "3", "--no-shuffle", "--log",
                        dir + "/full.jsonl"}),
            0);
  // A run "crashed" after logging step 25, its last checkpoint at step 24.
  ASSERT_EQ(runMain(m, {"--train", x, y, "--steps", "25", "--no-shuffle", "--log",
                        dir + "/part.jsonl"}),
            0);
  ASSERT_EQ(runMain(m, {"--train", x, y, "--steps", "24", "--no-shuffle",
                        "--checkpoint", dir + "/k.ckpt", "--save-every", "5"}),
            0);
  ASSERT_EQ(runMain(m, {"--train", x, y, "--epochs", "3", "--resume", dir + "/k.ckpt",
                        "--log", dir + "/part.jsonl"}),
            0);
  EXPECT_EQ(readText(dir + "/full.jsonl"), readText(dir + "/part.jsonl"));
  EXPECT_EQ(lines(readText(dir + "/full.jsonl")).size(), 36u);
}

TEST(TrainerMain, BadInputFailsCleanly) {
  tcc_model m = makeModel();
  std::string dir = tempDir();
  Dataset d = makeData(50);
  d.labels.as<int64_t>()[13] = 5;
  writeData(d, dir);
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  EXPECT_EQ(runMain(m, {"--train", x, y, "--steps", "3"}), 1);
  EXPECT_EQ(runMain(m, {"--train", x, dir + "/none.npy", "--steps", "3"}), 1);
  EXPECT_EQ(runMain(m, {"--train", x, y, "--export-onnx", x}), 1);
  writeData(makeData(3), dir); // fewer rows than a batch
  EXPECT_EQ(runMain(m, {"--train", x, y}), 1);
  // A foreign checkpoint.
  writeData(makeData(50), dir);
  tcc_model other = makeModel(77);
  ASSERT_EQ(runMain(other, {"--train", x, y, "--steps", "2", "--checkpoint",
                            dir + "/o.ckpt"}),
            0);
  EXPECT_EQ(runMain(m, {"--train", x, y, "--resume", dir + "/o.ckpt"}), 1);
  // Resuming on other data.
  writeData(makeData(40), dir);
  EXPECT_EQ(runMain(other, {"--train", x, y, "--resume", dir + "/o.ckpt"}), 1);
  EXPECT_EQ(runMain(m, {"--help"}), 0);
  EXPECT_EQ(runMain(m, {"--info"}), 0);
}

TEST(TrainerMain, NonFiniteLossStopsOrIsSkipped) {
  tcc_model m = makeModel();
  std::string dir = tempDir();
  Dataset d = makeData(48);
  d.inputs[0].as<float>()[5 * 3 + 2] = NAN; // row 5: batch 2 in order
  writeData(d, dir);
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  EXPECT_EQ(runMain(m, {"--train", x, y, "--no-shuffle", "--log", dir + "/a.jsonl",
                        "--checkpoint", dir + "/a.ckpt"}),
            1);
  EXPECT_FALSE(fileExists(dir + "/a.ckpt")); // never save non-finite weights
  std::vector<std::string> a = lines(readText(dir + "/a.jsonl"));
  ASSERT_EQ(a.size(), 2u);
  EXPECT_NE(a[1].find("\"step\": 2, \"epoch\": 1, \"loss\": null"), std::string::npos) << a[1];
  EXPECT_EQ(runMain(m, {"--train", x, y, "--no-shuffle", "--skip-nonfinite", "--log",
                        dir + "/b.jsonl", "--checkpoint", dir + "/b.ckpt"}),
            0);
  std::vector<std::string> b = lines(readText(dir + "/b.jsonl"));
  ASSERT_EQ(b.size(), 12u);
  EXPECT_NE(b[1].find("\"skipped\": true"), std::string::npos) << b[1];
  EXPECT_NE(b[2].find("\"step\": 2,"), std::string::npos) << b[2];
  Checkpoint c;
  std::string error;
  ASSERT_TRUE(readCheckpoint(dir + "/b.ckpt", c, error)) << error;
  EXPECT_EQ(c.header.step, 11);
  EXPECT_EQ(c.header.data.epoch, 1);
  EXPECT_TRUE(std::isfinite(c.tensors[0].value.getDouble(0)));
}

TEST(TrainerMain, ExportsTheTrainedModel) {
  onnx::ModelProto proto;
  proto.set_ir_version(8);
  onnx::TensorProto *w = proto.mutable_graph()->add_initializer();
  w->set_name("w");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(4);
  for (int i = 0; i < 4; ++i)
    w->add_float_data(1);
  std::string bytes = proto.SerializeAsString();
  tcc_model m = makeModel();
  m.onnx_model = reinterpret_cast<const uint8_t *>(bytes.data());
  m.onnx_model_size = bytes.size();
  std::string dir = tempDir();
  writeData(makeData(20), dir);
  std::string x = dir + "/x.npy", y = dir + "/y.npy";
  ASSERT_EQ(runMain(m, {"--train", x, y, "--checkpoint", dir + "/k.ckpt",
                        "--export-onnx", dir + "/a.onnx"}),
            0);
  // Export straight from a checkpoint, without training.
  ASSERT_EQ(runMain(m, {"--resume", dir + "/k.ckpt", "--export-onnx", dir + "/b.onnx"}),
            0);
  EXPECT_EQ(readText(dir + "/a.onnx"), readText(dir + "/b.onnx"));
  // The original model is never overwritten.
  {
    std::ofstream(dir + "/orig.onnx", std::ios::binary) << bytes;
  }
  EXPECT_EQ(runMain(m, {"--train", x, y, "--export-onnx", dir + "/orig.onnx"}), 1);
  EXPECT_EQ(readText(dir + "/orig.onnx"), bytes);
  // Without an embedded model, --export-onnx fails before training.
  tcc_model bare = makeModel();
  EXPECT_EQ(runMain(bare, {"--train", x, y, "--checkpoint", dir + "/bare.ckpt",
                           "--export-onnx", dir + "/c.onnx"}),
            1);
  EXPECT_FALSE(fileExists(dir + "/bare.ckpt"));
  onnx::ModelProto back;
  ASSERT_TRUE(back.ParseFromString(readText(dir + "/a.onnx")));
  EXPECT_EQ(back.graph().initializer(0).raw_data().size(), 16u);
}

} // namespace
