//===- Checkpoint.h - the training checkpoint format ------------*- C++ -*-===//
//
// A checkpoint holds everything needed to continue training exactly where it
// stopped: the optimizer step, the position in the data stream (epoch, batch
// within the epoch, shuffle seed) and every parameter and state tensor.
// The byte layout is documented in docs/checkpoint-format.md; every part is
// covered by a CRC-32, and readers reject unknown versions, another model's
// checkpoint (fingerprint) and any truncation or corruption.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_CHECKPOINT_H
#define TCC_RUNTIME_CHECKPOINT_H

#include "tcc/Runtime/HostTensor.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tccrt {

/// CRC-32 (IEEE 802.3, as zlib's crc32), continuing from `crc`.
uint32_t crc32(const void *data, size_t size, uint32_t crc = 0);

constexpr uint32_t kCheckpointVersion = 1;
/// The first 8 bytes of every checkpoint.
extern const char kCheckpointMagic[8];

/// Where the data stream stands: the next batch to train on is batch
/// `batchInEpoch` of epoch `epoch` (0-based) under the permutation that
/// (`seed`, `epoch`, `shuffle`) determine over `numSamples` rows.
struct DataPosition {
  int64_t epoch = 0;
  int64_t batchInEpoch = 0;
  uint64_t seed = 0;
  bool shuffle = true;
  int64_t numSamples = 0;
};

enum class TensorKind : uint8_t { Param = 0, State = 1 };

/// A tensor to save, by reference (no copy of the model's buffers).
struct CheckpointTensorRef {
  std::string name;
  TensorKind kind;
  const HostTensor *value;
};

struct CheckpointTensor {
  std::string name;
  TensorKind kind;
  HostTensor value;
};

struct CheckpointHeader {
  uint64_t fingerprint = 0;
  int64_t step = 0; // optimizer steps completed
  DataPosition data;
};

struct Checkpoint {
  CheckpointHeader header;
  std::vector<CheckpointTensor> tensors;
};

/// Serializes a checkpoint to `f`.
bool writeCheckpointTo(FILE *f, const CheckpointHeader &header,
                       const std::vector<CheckpointTensorRef> &tensors,
                       std::string &error);
/// Writes a checkpoint atomically (temporary file, fsync, rename).
bool writeCheckpoint(const std::string &path, const CheckpointHeader &header,
                     const std::vector<CheckpointTensorRef> &tensors,
                     std::string &error);

/// Parses checkpoint bytes; `source` names them in messages.
bool parseCheckpoint(const uint8_t *bytes, size_t size,
                     const std::string &source, Checkpoint &out,
                     std::string &error);
bool readCheckpoint(const std::string &path, Checkpoint &out,
                    std::string &error);

/// True if `path` is a readable file starting with the checkpoint magic.
bool looksLikeCheckpoint(const std::string &path);

} // namespace tccrt

#endif // TCC_RUNTIME_CHECKPOINT_H
