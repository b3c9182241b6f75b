//===- FileUtil.cpp - atomic writes and file identity --------------------===//

#include "tcc/Runtime/FileUtil.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace tccrt {

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

bool sameFile(const std::string &a, const std::string &b) {
  struct stat sa, sb;
  if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0)
    return false;
  return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

bool writeFileAtomic(const std::string &path,
                     const std::function<bool(FILE *, std::string &)> &write,
                     std::string &error) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    error = "'" + path + "' exists and is not a regular file";
    return false;
  }
  // mkstemp never clobbers an existing file, unlike a fixed "FILE.tmp".
  std::string tmpl = path + ".tmp.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  if (fd < 0) {
    error = "cannot create a temporary file next to '" + path +
            "': " + std::strerror(errno);
    return false;
  }
  std::string tmp(name.data());
  ::fchmod(fd, 0644);
  FILE *f = ::fdopen(fd, "wb");
  if (!f) {
    error = "cannot open '" + tmp + "': " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  }
  bool ok = write(f, error);
  if (ok && (std::fflush(f) != 0 || ::fsync(fd) != 0)) {
    error = "cannot write '" + tmp + "': " + std::strerror(errno);
    ok = false;
  }
  if (std::fclose(f) != 0 && ok) {
    error = "cannot write '" + tmp + "': " + std::strerror(errno);
    ok = false;
  }
  if (ok && std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = "cannot rename '" + tmp + "' to '" + path +
            "': " + std::strerror(errno);
    ok = false;
  }
  if (!ok)
    ::unlink(tmp.c_str());
  return ok;
}

bool readFileBytes(const std::string &path, std::vector<uint8_t> &out,
                   std::string &error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  if (!S_ISREG(st.st_mode)) {
    error = "'" + path + "' is not a regular file";
    return false;
  }
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot open '" + path + "': " + std::strerror(errno);
    return false;
  }
  out.resize(size_t(st.st_size));
  size_t got = out.empty() ? 0 : std::fread(out.data(), 1, out.size(), f);
  bool readError = std::ferror(f);
  std::fclose(f);
  if (readError || got != out.size()) {
    error = "cannot read '" + path + "'";
    return false;
  }
  return true;
}

} // namespace tccrt
