//===- DataLoader.cpp - dataset validation and background batching ------===//

#include "tcc/Runtime/DataLoader.h"
#include "tcc/Runtime/ModelInfo.h"

#include <cstring>

namespace tccrt {

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

/// `array` must be [N, desc.shape[1:]...] of desc's dtype.
static bool checkArray(const HostTensor &array, const tcc_tensor_desc &desc,
                       const std::string &path, const std::string &role,
                       std::string &error) {
  std::vector<int64_t> want = descShape(desc);
  std::string wantText = "[N";
  for (size_t i = 1; i < want.size(); ++i)
    wantText += ", " + std::to_string(want[i]);
  wantText += "]";
  if (array.dtype != descDType(desc)) {
    error = "'" + path + "': " + role + " '" + desc.name + "' must be " +
            dtypeName(descDType(desc)) + ", the file holds " +
            dtypeName(array.dtype);
    return false;
  }
  bool shapeOk = array.shape.size() == want.size() && !want.empty();
  for (size_t i = 1; shapeOk && i < want.size(); ++i)
    shapeOk = array.shape[i] == want[i];
  if (!shapeOk) {
    error = "'" + path + "': " + role + " '" + desc.name + "' must have shape " +
            wantText + " (N rows), the file holds " + array.describe();
    return false;
  }
  return true;
}

static bool checkLabelRange(const tcc_model &model, const Dataset &data,
                            std::string &error) {
  int64_t classes = numClasses(model);
  if (classes == 0)
    return true;
  const HostTensor &y = data.labels;
  int64_t n = y.numElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = y.getInt(i);
    if (v < 0 || v >= classes) {
      int64_t perRow = rowElements(model.labels);
      error = "'" + data.paths.back() + "': label " + std::to_string(v) +
              " at row " + std::to_string(i / (perRow ? perRow : 1)) +
              " is out of range: the model predicts " +
              std::to_string(classes) + " classes (0.." +
              std::to_string(classes - 1) + ")";
      return false;
    }
  }
  return true;
}

bool validateDataset(const tcc_model &model, const Dataset &data,
                     std::string &error) {
  size_t want = size_t(model.num_inputs) + 1;
  if (data.inputs.size() + 1 != want || data.paths.size() != want) {
    error = "the model takes " + std::to_string(model.num_inputs) +
            " input array(s) and a label array; got " +
            std::to_string(data.paths.size()) + " file(s)";
    return false;
  }
  for (int32_t i = 0; i < model.num_inputs; ++i)
    if (!checkArray(data.inputs[size_t(i)], model.inputs[i], data.paths[size_t(i)],
                    "input", error))
      return false;
  if (!checkArray(data.labels, model.labels, data.paths.back(), "labels", error))
    return false;
  int64_t rows = data.labels.shape[0];
  for (size_t i = 0; i < data.inputs.size(); ++i)
    if (data.inputs[i].shape[0] != rows) {
      error = "'" + data.paths[i] + "' has " +
              std::to_string(data.inputs[i].shape[0]) + " rows but '" +
              data.paths.back() + "' has " + std::to_string(rows);
      return false;
    }
  if (data.numRows != rows) {
    error = "dataset row count is inconsistent";
    return false;
  }
  return checkLabelRange(model, data, error);
}

bool loadDataset(const tcc_model &model, const std::vector<std::string> &paths,
                 Dataset &out, std::string &error) {
  if (paths.size() != size_t(model.num_inputs) + 1) {
    error = "the model takes " + std::to_string(model.num_inputs) +
            " input array(s) and a label array, so give " +
            std::to_string(model.num_inputs + 1) + " .npy files; got " +
            std::to_string(paths.size());
    return false;
  }
  out = Dataset();
  out.paths = paths;
  out.inputs.resize(paths.size() - 1);
  for (size_t i = 0; i < paths.size(); ++i) {
    HostTensor &t = i + 1 < paths.size() ? out.inputs[i] : out.labels;
    if (!readNpy(paths[i], t, error))
      return false;
    if (t.shape.empty()) {
      error = "'" + paths[i] + "' holds a scalar; expected rows of data";
      return false;
    }
  }
  out.numRows = out.labels.shape[0];
  return validateDataset(model, out, error);
}

//===----------------------------------------------------------------------===//
// Order
//===----------------------------------------------------------------------===//

uint64_t splitMix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// Uniform in [0, bound) without modulo bias (rejection sampling).
static uint64_t uniformBelow(uint64_t &state, uint64_t bound) {
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t r;
  do
    r = splitMix64(state);
  while (r >= limit);
  return r % bound;
}

std::vector<int64_t> epochPermutation(int64_t numRows, uint64_t seed,
                                      int64_t epoch, bool shuffle) {
  std::vector<int64_t> order(size_t(numRows > 0 ? numRows : 0));
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = int64_t(i);
  if (!shuffle)
    return order;
  uint64_t state = seed;
  uint64_t mix = splitMix64(state) ^ (uint64_t(epoch) * 0xD1B54A32D192ED03ull);
  state = mix;
  for (size_t i = order.size(); i > 1; --i)
    std::swap(order[i - 1], order[uniformBelow(state, i)]);
  return order;
}

//===----------------------------------------------------------------------===//
// Batches
//===----------------------------------------------------------------------===//

std::vector<const void *> Batch::inputPointers() const {
  std::vector<const void *> r;
  for (const HostTensor &t : inputs)
    r.push_back(t.data.data());
  return r;
}

std::unique_ptr<Batch> makeBatch(const tcc_model &model) {
  auto b = std::make_unique<Batch>();
  for (int32_t i = 0; i < model.num_inputs; ++i)
    b->inputs.emplace_back(descDType(model.inputs[i]),
                           descShape(model.inputs[i]));
  b->labels = HostTensor(descDType(model.labels), descShape(model.labels));
  return b;
}

static void gatherInto(const HostTensor &src, const int64_t *rows,
                       int64_t count, HostTensor &dst) {
  size_t rowBytes = src.shape[0] ? src.numBytes() / size_t(src.shape[0]) : 0;
  for (int64_t r = 0; r < count; ++r)
    std::memcpy(dst.data.data() + size_t(r) * rowBytes,
                src.data.data() + size_t(rows[r]) * rowBytes, rowBytes);
}

void gatherRows(const Dataset &data, const int64_t *rows, int64_t count,
                Batch &b) {
  for (size_t i = 0; i < data.inputs.size(); ++i)
    gatherInto(data.inputs[i], rows, count, b.inputs[i]);
  gatherInto(data.labels, rows, count, b.labels);
}

//===----------------------------------------------------------------------===//
// The background loader
//===----------------------------------------------------------------------===//

DataLoader::DataLoader(const tcc_model &model, const Dataset &data,
                       uint64_t seed, bool shuffle, int prefetch)
    : model_(model), data_(data), seed_(seed), shuffle_(shuffle),
      prefetch_(size_t(prefetch < 1 ? 1 : prefetch)),
      batchesPerEpoch_(data.numRows / model.batch) {}

DataLoader::~DataLoader() { stop(); }

void DataLoader::start(int64_t epoch, int64_t batchIndex) {
  stop();
  stopping_ = false;
  ready_.clear();
  worker_ = std::thread([this, epoch, batchIndex] { produce(epoch, batchIndex); });
}

void DataLoader::produce(int64_t epoch, int64_t batchIndex) {
  if (batchesPerEpoch_ == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true; // nothing to produce: next() returns null
    cv_.notify_all();
    return;
  }
  int64_t batch = model_.batch;
  while (true) {
    std::vector<int64_t> order =
        epochPermutation(data_.numRows, seed_, epoch, shuffle_);
    for (; batchIndex < batchesPerEpoch_; ++batchIndex) {
      std::unique_ptr<Batch> b;
      {
        std::unique_lock<std::mutex> lock(mu_);
        cv_.wait(lock, [&] { return stopping_ || ready_.size() < prefetch_; });
        if (stopping_)
          return;
        if (!free_.empty()) {
          b = std::move(free_.front());
          free_.pop_front();
        }
      }
      if (!b)
        b = makeBatch(model_);
      b->epoch = epoch;
      b->index = batchIndex;
      gatherRows(data_, order.data() + batchIndex * batch, batch, *b);
      std::lock_guard<std::mutex> lock(mu_);
      ready_.push_back(std::move(b));
      cv_.notify_all();
    }
    ++epoch;
    batchIndex = 0;
  }
}

std::unique_ptr<Batch> DataLoader::next() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [&] { return !ready_.empty() || stopping_; });
  if (ready_.empty())
    return nullptr;
  std::unique_ptr<Batch> b = std::move(ready_.front());
  ready_.pop_front();
  cv_.notify_all();
  return b;
}

void DataLoader::recycle(std::unique_ptr<Batch> b) {
  if (!b)
    return;
  std::lock_guard<std::mutex> lock(mu_);
  free_.push_back(std::move(b));
}

void DataLoader::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (worker_.joinable())
    worker_.join();
}

} // namespace tccrt
