//===- HostIndexing.h - row-major index arithmetic on the host --*- C++ -*-===//
//
// Index helpers shared by the importers that compute small constant results
// on the host (elementwise folding, data movement), so every fold walks
// tensors the same way.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_LIB_IMPORT_ONNX_HOSTINDEXING_H
#define TCC_LIB_IMPORT_ONNX_HOSTINDEXING_H

#include "ImporterImpl.h"

namespace mlir::tcc::onnx_import {

/// Row-major strides of `shape`.
inline SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

inline int64_t flatIndex(ArrayRef<int64_t> idx, ArrayRef<int64_t> strides) {
  int64_t f = 0;
  for (auto [i, s] : llvm::zip(idx, strides))
    f += i * s;
  return f;
}

/// The flat index of the element of a tensor of shape `in` (row-major
/// `strides`) that result index `o` reads under NumPy broadcasting.
inline int64_t broadcastIndex(ArrayRef<int64_t> o, ArrayRef<int64_t> in,
                              ArrayRef<int64_t> strides) {
  int64_t lead = o.size() - in.size(), f = 0;
  for (size_t d = 0; d < in.size(); ++d)
    f += (in[d] == 1 ? 0 : o[lead + d]) * strides[d];
  return f;
}

/// Calls `fn(idx, n)` for every index `idx` of `shape` in row-major order,
/// `n` counting from 0; stops and returns false when `fn` does.
inline bool
forEachIndex(ArrayRef<int64_t> shape,
             function_ref<bool(ArrayRef<int64_t> idx, int64_t n)> fn) {
  int64_t total = ::tccrt::checkedNumElements(std::vector<int64_t>(shape));
  SmallVector<int64_t> idx(shape.size(), 0);
  for (int64_t n = 0; n < total; ++n) {
    if (!fn(idx, n))
      return false;
    for (int64_t d = int64_t(idx.size()) - 1; d >= 0; --d) {
      if (++idx[d] < shape[d])
        break;
      idx[d] = 0;
    }
  }
  return true;
}

} // namespace mlir::tcc::onnx_import

#endif // TCC_LIB_IMPORT_ONNX_HOSTINDEXING_H
