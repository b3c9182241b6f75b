//===- Checkpoint.cpp - checkpoint writing and validated reading ---------===//
//
// Layout (little-endian; docs/checkpoint-format.md):
//   header (80 bytes, its own CRC), one record per tensor (with a CRC),
//   trailer (end magic, tensor count, CRC of the whole file before it).
//
//===----------------------------------------------------------------------===//

#include "tcc/Runtime/Checkpoint.h"
#include "tcc/Runtime/FileUtil.h"

#include <array>
#include <cstdio>
#include <cstring>

namespace tccrt {

const char kCheckpointMagic[8] = {'T', 'C', 'C', '-', 'C', 'K', 'P', 'T'};
static const char kEndMagic[8] = {'T', 'C', 'C', '-', 'E', 'N', 'D', '\0'};
static constexpr size_t kHeaderSize = 80;
static constexpr size_t kTrailerSize = 16;
static constexpr uint32_t kMaxNameLength = 4096;
static constexpr uint32_t kMaxRank = 16;
static constexpr uint32_t kFlagShuffle = 1;

uint32_t crc32(const void *data, size_t size, uint32_t crc) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  const uint8_t *p = static_cast<const uint8_t *>(data);
  crc = ~crc;
  for (size_t i = 0; i < size; ++i)
    crc = table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

//===----------------------------------------------------------------------===//
// Little-endian encoding
//===----------------------------------------------------------------------===//

namespace {

/// Appends little-endian integers to a byte buffer.
struct Encoder {
  std::vector<uint8_t> bytes;
  void u8(uint8_t v) { bytes.push_back(v); }
  void u16(uint16_t v) { uint(v, 2); }
  void u32(uint32_t v) { uint(v, 4); }
  void u64(uint64_t v) { uint(v, 8); }
  void raw(const void *p, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    bytes.insert(bytes.end(), b, b + n);
  }
  void uint(uint64_t v, int n) {
    for (int i = 0; i < n; ++i)
      bytes.push_back(uint8_t(v >> (8 * i)));
  }
};

/// Reads little-endian integers with bounds checks; the first failure sticks.
struct Decoder {
  const uint8_t *p;
  size_t size, pos = 0;
  bool ok = true;
  Decoder(const uint8_t *p, size_t size) : p(p), size(size) {}
  size_t remaining() const { return size - pos; }
  bool need(size_t n) {
    if (!ok || remaining() < n)
      ok = false;
    return ok;
  }
  uint64_t uint(int n) {
    if (!need(size_t(n)))
      return 0;
    uint64_t v = 0;
    for (int i = 0; i < n; ++i)
      v |= uint64_t(p[pos + i]) << (8 * i);
    pos += size_t(n);
    return v;
  }
  uint8_t u8() { return uint8_t(uint(1)); }
  uint16_t u16() { return uint16_t(uint(2)); }
  uint32_t u32() { return uint32_t(uint(4)); }
  uint64_t u64() { return uint(8); }
  const uint8_t *take(size_t n) {
    if (!need(n))
      return nullptr;
    const uint8_t *r = p + pos;
    pos += n;
    return r;
  }
};

} // namespace

static std::vector<uint8_t> encodeHeader(const CheckpointHeader &h,
                                         uint32_t numTensors) {
  Encoder e;
  e.raw(kCheckpointMagic, 8);
  e.u32(kCheckpointVersion);
  e.u32(uint32_t(kHeaderSize));
  e.u64(h.fingerprint);
  e.u64(uint64_t(h.step));
  e.u64(uint64_t(h.data.epoch));
  e.u64(uint64_t(h.data.batchInEpoch));
  e.u64(h.data.seed);
  e.u64(uint64_t(h.data.numSamples));
  e.u32(h.data.shuffle ? kFlagShuffle : 0);
  e.u32(numTensors);
  e.u32(0); // reserved
  e.u32(crc32(e.bytes.data(), e.bytes.size()));
  return e.bytes;
}

/// The record of one tensor, without its data bytes and CRC.
static std::vector<uint8_t> encodeRecordHead(const CheckpointTensorRef &t) {
  Encoder e;
  e.u32(uint32_t(t.name.size()));
  e.raw(t.name.data(), t.name.size());
  e.u8(uint8_t(t.kind));
  e.u8(uint8_t(t.value->dtype));
  e.u16(0); // reserved
  e.u32(uint32_t(t.value->shape.size()));
  for (int64_t d : t.value->shape)
    e.u64(uint64_t(d));
  e.u64(uint64_t(t.value->numBytes()));
  return e.bytes;
}

bool writeCheckpointTo(FILE *f, const CheckpointHeader &header,
                       const std::vector<CheckpointTensorRef> &tensors,
                       std::string &error) {
  uint32_t fileCrc = 0;
  bool ok = true;
  auto put = [&](const void *p, size_t n) {
    if (n && std::fwrite(p, 1, n, f) != n)
      ok = false;
    fileCrc = crc32(p, n, fileCrc);
  };
  std::vector<uint8_t> head = encodeHeader(header, uint32_t(tensors.size()));
  put(head.data(), head.size());
  for (const CheckpointTensorRef &t : tensors) {
    if (t.name.size() > kMaxNameLength || t.value->shape.size() > kMaxRank) {
      error = "tensor '" + t.name.substr(0, 64) +
              "' has too long a name or too high a rank for a checkpoint";
      return false;
    }
    std::vector<uint8_t> rec = encodeRecordHead(t);
    uint32_t crc = crc32(rec.data(), rec.size());
    crc = crc32(t.value->data.data(), t.value->numBytes(), crc);
    put(rec.data(), rec.size());
    put(t.value->data.data(), t.value->numBytes());
    Encoder c;
    c.u32(crc);
    put(c.bytes.data(), 4);
  }
  Encoder trailer;
  trailer.raw(kEndMagic, 8);
  trailer.u32(uint32_t(tensors.size()));
  put(trailer.bytes.data(), trailer.bytes.size());
  Encoder c;
  c.u32(fileCrc);
  put(c.bytes.data(), 4);
  if (!ok)
    error = "write error";
  return ok;
}

bool writeCheckpoint(const std::string &path, const CheckpointHeader &header,
                     const std::vector<CheckpointTensorRef> &tensors,
                     std::string &error) {
  std::string why;
  if (!writeFileAtomic(
          path,
          [&](FILE *f, std::string &err) {
            return writeCheckpointTo(f, header, tensors, err);
          },
          why)) {
    error = "cannot write checkpoint '" + path + "': " + why;
    return false;
  }
  return true;
}

//===----------------------------------------------------------------------===//
// Reading
//===----------------------------------------------------------------------===//

static bool parseHeader(Decoder &d, const std::string &src,
                        CheckpointHeader &h, uint32_t &numTensors,
                        std::string &error) {
  const uint8_t *magic = d.take(8);
  if (!magic || std::memcmp(magic, kCheckpointMagic, 8) != 0) {
    error = "'" + src + "' is not a tcc checkpoint (bad magic)";
    return false;
  }
  uint32_t version = d.u32();
  uint32_t headerSize = d.u32();
  if (!d.ok) {
    error = "checkpoint '" + src + "' is truncated (in the header)";
    return false;
  }
  if (version != kCheckpointVersion) {
    error = "checkpoint '" + src + "' has format version " +
            std::to_string(version) + "; this runtime reads version " +
            std::to_string(kCheckpointVersion);
    return false;
  }
  if (headerSize != kHeaderSize || d.size < kHeaderSize) {
    error = "checkpoint '" + src + "' is truncated or has a bad header size";
    return false;
  }
  uint32_t expectedCrc = crc32(d.p, kHeaderSize - 4);
  h.fingerprint = d.u64();
  h.step = int64_t(d.u64());
  h.data.epoch = int64_t(d.u64());
  h.data.batchInEpoch = int64_t(d.u64());
  h.data.seed = d.u64();
  h.data.numSamples = int64_t(d.u64());
  uint32_t flags = d.u32();
  numTensors = d.u32();
  d.u32(); // reserved
  uint32_t crc = d.u32();
  if (crc != expectedCrc) {
    error = "checkpoint '" + src + "' is corrupt (header checksum mismatch)";
    return false;
  }
  h.data.shuffle = flags & kFlagShuffle;
  if (h.step < 0 || h.data.epoch < 0 || h.data.batchInEpoch < 0 ||
      h.data.numSamples < 0) {
    error = "checkpoint '" + src + "' has a negative step or data position";
    return false;
  }
  return true;
}

static bool parseRecord(Decoder &d, const std::string &src, size_t index,
                        CheckpointTensor &t, std::string &error) {
  std::string where =
      "checkpoint '" + src + "', tensor #" + std::to_string(index);
  size_t start = d.pos;
  uint32_t nameLen = d.u32();
  if (d.ok && nameLen > kMaxNameLength) {
    error = where + ": name length " + std::to_string(nameLen) +
            " is too large (corrupt file)";
    return false;
  }
  const uint8_t *name = d.take(nameLen);
  uint8_t kind = d.u8();
  uint8_t dtype = d.u8();
  d.u16();
  uint32_t rank = d.u32();
  if (d.ok && (rank > kMaxRank || kind > 1 || dtype > uint8_t(DType::Bool))) {
    error = where + ": bad kind, dtype or rank (corrupt file)";
    return false;
  }
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < rank && d.ok; ++i)
    shape.push_back(int64_t(d.u64()));
  uint64_t dataBytes = d.u64();
  if (!d.ok) {
    error = where + ": file is truncated";
    return false;
  }
  t.name.assign(reinterpret_cast<const char *>(name), nameLen);
  where = "checkpoint '" + src + "', tensor '" + t.name + "'";
  int64_t n = checkedNumElements(shape);
  if (n < 0 || uint64_t(n) * dtypeSize(DType(dtype)) != dataBytes) {
    error = where + ": shape and data size disagree (corrupt file)";
    return false;
  }
  const uint8_t *data = d.take(size_t(dataBytes));
  uint32_t crc = d.u32();
  if (!d.ok) {
    error = where + ": file is truncated";
    return false;
  }
  if (crc32(d.p + start, d.pos - 4 - start) != crc) {
    error = where + ": checksum mismatch (corrupt file)";
    return false;
  }
  t.kind = TensorKind(kind);
  t.value = HostTensor(DType(dtype), shape);
  if (dataBytes)
    std::memcpy(t.value.data.data(), data, size_t(dataBytes));
  return true;
}

bool parseCheckpoint(const uint8_t *bytes, size_t size,
                     const std::string &source, Checkpoint &out,
                     std::string &error) {
  Decoder d(bytes, size);
  uint32_t numTensors = 0;
  if (!parseHeader(d, source, out.header, numTensors, error))
    return false;
  // A tensor record takes at least 24 bytes: reject absurd counts early.
  if (numTensors > d.remaining() / 24) {
    error = "checkpoint '" + source + "' is truncated (declares " +
            std::to_string(numTensors) + " tensors)";
    return false;
  }
  out.tensors.assign(numTensors, CheckpointTensor());
  for (uint32_t i = 0; i < numTensors; ++i)
    if (!parseRecord(d, source, i, out.tensors[i], error))
      return false;
  size_t trailerPos = d.pos;
  const uint8_t *endMagic = d.take(8);
  uint32_t count = d.u32();
  uint32_t fileCrc = d.u32();
  if (!d.ok || std::memcmp(endMagic, kEndMagic, 8) != 0 ||
      count != numTensors) {
    error = "checkpoint '" + source + "' is truncated or corrupt (bad trailer)";
    return false;
  }
  if (crc32(bytes, trailerPos + 12) != fileCrc) {
    error = "checkpoint '" + source + "' is corrupt (file checksum mismatch)";
    return false;
  }
  if (d.remaining() != 0) {
    error = "checkpoint '" + source + "' has trailing bytes after the end";
    return false;
  }
  return true;
}

bool readCheckpoint(const std::string &path, Checkpoint &out,
                    std::string &error) {
  std::vector<uint8_t> bytes;
  if (!readFileBytes(path, bytes, error))
    return false;
  return parseCheckpoint(bytes.data(), bytes.size(), path, out, error);
}

bool looksLikeCheckpoint(const std::string &path) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return false;
  char magic[8];
  bool ok = std::fread(magic, 1, 8, f) == 8 &&
            std::memcmp(magic, kCheckpointMagic, 8) == 0;
  std::fclose(f);
  return ok;
}

} // namespace tccrt
