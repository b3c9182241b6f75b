//===- DataLoader.h - training data: loading, validation, batching -*- C++ -*-===//
//
// A Dataset is the model's inputs and labels as whole arrays (rows along
// dimension 0), checked against the model's descriptors. The DataLoader
// walks it batch by batch, in a per-epoch permutation that is a pure
// function of (seed, epoch): resuming at (epoch, batch) replays exactly the
// order an uninterrupted run would have seen. A background thread gathers
// the rows of the next batches while the current step runs. The last
// incomplete batch of an epoch is dropped (the compiled step has a fixed
// batch size).
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_DATALOADER_H
#define TCC_RUNTIME_DATALOADER_H

#include "tcc/Runtime/HostTensor.h"
#include "tcc/Runtime/Model.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tccrt {

struct Dataset {
  std::vector<HostTensor> inputs; // one per model input, rows along dim 0
  HostTensor labels;
  int64_t numRows = 0;
  std::vector<std::string> paths; // inputs..., labels (for messages)
};

/// Checks that `data` fits `model`: one array per input plus labels, the
/// descriptors' dtypes, the descriptors' shapes apart from the batch
/// dimension, the same row count everywhere, and integer labels within
/// [0, classes) where classes is the predictions' last dimension.
bool validateDataset(const tcc_model &model, const Dataset &data,
                     std::string &error);

/// Reads .npy files (inputs in model order, then labels) and validates them.
bool loadDataset(const tcc_model &model, const std::vector<std::string> &paths,
                 Dataset &out, std::string &error);

/// SplitMix64: a tiny, portable PRNG (same stream on every platform).
uint64_t splitMix64(uint64_t &state);

/// The order of rows in `epoch`: identity without shuffling, else a
/// Fisher-Yates shuffle driven by SplitMix64 seeded from (seed, epoch).
std::vector<int64_t> epochPermutation(int64_t numRows, uint64_t seed,
                                      int64_t epoch, bool shuffle);

/// One batch: buffers shaped like the model's inputs and labels.
struct Batch {
  int64_t epoch = 0, index = 0; // position of this batch in the stream
  std::vector<HostTensor> inputs;
  HostTensor labels;
  std::vector<const void *> inputPointers() const;
};

/// Allocates a batch with the model's input and label shapes.
std::unique_ptr<Batch> makeBatch(const tcc_model &model);

/// Copies rows `rows[0..count)` of `data` into the first `count` rows of `b`.
void gatherRows(const Dataset &data, const int64_t *rows, int64_t count,
                Batch &b);

class DataLoader {
public:
  DataLoader(const tcc_model &model, const Dataset &data, uint64_t seed,
             bool shuffle, int prefetch = 2);
  ~DataLoader();
  DataLoader(const DataLoader &) = delete;
  DataLoader &operator=(const DataLoader &) = delete;

  int64_t batchesPerEpoch() const { return batchesPerEpoch_; }

  /// Starts producing batches from (epoch, batchIndex) on, indefinitely.
  void start(int64_t epoch, int64_t batchIndex);
  /// The next batch in order (waits for the background thread).
  std::unique_ptr<Batch> next();
  /// Gives a batch's buffers back for reuse.
  void recycle(std::unique_ptr<Batch> b);
  /// Stops and joins the background thread.
  void stop();

private:
  void produce(int64_t epoch, int64_t batchIndex);

  const tcc_model &model_;
  const Dataset &data_;
  uint64_t seed_;
  bool shuffle_;
  size_t prefetch_;
  int64_t batchesPerEpoch_;

  std::thread worker_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Batch>> ready_, free_;
  bool stopping_ = false;
};

} // namespace tccrt

#endif // TCC_RUNTIME_DATALOADER_H
