//===- HostTensor.h - a dense tensor in host memory -------------*- C++ -*-===//
//
// The runtime's tensor: element type, shape and row-major bytes. Plain C++
// (no MLIR), shared by the importer (initializers, known input values), the
// runtime and the tools.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_HOSTTENSOR_H
#define TCC_RUNTIME_HOSTTENSOR_H

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace tccrt {

enum class DType : uint8_t { F32, F64, I64, I32, I16, I8, Bool };

/// Bytes per element.
size_t dtypeSize(DType t);
/// "float32", "int64", "bool", ...
const char *dtypeName(DType t);
bool isFloatDType(DType t);

struct HostTensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; // row-major, numElements() * dtypeSize(dtype)

  HostTensor() = default;
  HostTensor(DType dtype, std::vector<int64_t> shape);

  int64_t numElements() const;
  size_t numBytes() const { return data.size(); }
  template <typename T> T *as() { return reinterpret_cast<T *>(data.data()); }
  template <typename T> const T *as() const {
    return reinterpret_cast<const T *>(data.data());
  }
  /// Element `i` converted to int64 / double, whatever the dtype.
  int64_t getInt(int64_t i) const;
  double getDouble(int64_t i) const;
  /// Stores `v` converted to the dtype at element `i`.
  void setDouble(int64_t i, double v);
  void setInt(int64_t i, int64_t v);
  /// "float32[2, 3]"
  std::string describe() const;
};

/// Number of elements of `shape`, or -1 if a dimension is negative or the
/// product overflows `limit`.
int64_t checkedNumElements(const std::vector<int64_t> &shape,
                           int64_t limit = int64_t(1) << 40);

/// Reads a NumPy .npy file (little-endian, C order; float32/64, int8/16/32/64,
/// bool). On failure returns false and sets `error`.
bool readNpy(const std::string &path, HostTensor &out, std::string &error);
/// Parses .npy bytes already in memory.
bool parseNpy(const uint8_t *bytes, size_t size, HostTensor &out,
              std::string &error);
/// Writes `t` as a .npy file (format 1.0).
bool writeNpy(const std::string &path, const HostTensor &t, std::string &error);

} // namespace tccrt

#endif // TCC_RUNTIME_HOSTTENSOR_H
