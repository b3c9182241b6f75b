//===- FileUtil.h - safe file writing for the trainer -----------*- C++ -*-===//
//
// Outputs of a training run (checkpoints, exported models, logs) are written
// to a temporary file in the destination's directory and renamed over it, so
// a crash or a full disk never leaves a half-written file, and the previous
// version stays intact until the new one is complete.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_FILEUTIL_H
#define TCC_RUNTIME_FILEUTIL_H

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

namespace tccrt {

bool fileExists(const std::string &path);

/// True if both paths name the same existing file (device and inode), so an
/// output path spelled differently from an input is still caught.
bool sameFile(const std::string &a, const std::string &b);

/// Calls `write` on a fresh temporary file next to `path`, then flushes,
/// fsyncs and renames it to `path`. `write` returns false (and sets `error`)
/// to abandon the write; the temporary file is removed and `path` untouched.
bool writeFileAtomic(const std::string &path,
                     const std::function<bool(FILE *, std::string &)> &write,
                     std::string &error);

/// Reads a whole file.
bool readFileBytes(const std::string &path, std::vector<uint8_t> &out,
                   std::string &error);

} // namespace tccrt

#endif // TCC_RUNTIME_FILEUTIL_H
