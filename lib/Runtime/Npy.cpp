//===- Npy.cpp - NumPy .npy reading and writing --------------------------===//

#include "tcc/Runtime/HostTensor.h"

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <algorithm>
#include <cctype>
#include <map>
#include <iterator>

namespace tccrt {

static bool parseDescr(const std::string &d, DType &t) {
  static const struct { const char *descr; DType t; } table[] = {
      {"<f4", DType::F32}, {"<f8", DType::F64}, {"<i8", DType::I64},
      {"<i4", DType::I32}, {"<i2", DType::I16}, {"|i1", DType::I8},
      {"|b1", DType::Bool}};
  for (const auto &e : table)
    if (d == e.descr) {
      t = e.t;
      return true;
    }
  return false;
}

static const char *descrOf(DType t) {
  switch (t) {
  case DType::F32: return "<f4";
  case DType::F64: return "<f8";
  case DType::I64: return "<i8";
  case DType::I32: return "<i4";
  case DType::I16: return "<i2";
  case DType::I8: return "|i1";
  case DType::Bool: return "|b1";
  }
  return "";
}

/// Parses the header's Python dict literal, e.g.
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`, into
/// key -> value text (strings unquoted). Rejects anything else.
static bool parseHeaderDict(const std::string &h,
                            std::map<std::string, std::string> &out) {
  size_t i = 0, n = h.size();
  auto skip = [&] {
    while (i < n && h[i] == ' ')
      ++i;
  };
  skip();
  if (i >= n || h[i++] != '{')
    return false;
  while (true) {
    skip();
    if (i < n && h[i] == '}')
      break;
    if (i >= n || (h[i] != '\'' && h[i] != '"'))
      return false;
    char q = h[i++];
    size_t k = h.find(q, i);
    if (k == std::string::npos)
      return false;
    std::string key = h.substr(i, k - i);
    i = k + 1;
    skip();
    if (i >= n || h[i++] != ':')
      return false;
    skip();
    std::string value;
    if (i < n && (h[i] == '\'' || h[i] == '"')) {
      char vq = h[i++];
      size_t e = h.find(vq, i);
      if (e == std::string::npos)
        return false;
      value = h.substr(i, e - i);
      i = e + 1;
    } else if (i < n && h[i] == '(') {
      size_t e = h.find(')', i);
      if (e == std::string::npos)
        return false;
      value = h.substr(i, e + 1 - i);
      i = e + 1;
    } else {
      while (i < n && std::isalpha(static_cast<unsigned char>(h[i])))
        value += h[i++];
      if (value.empty())
        return false;
    }
    if (!out.emplace(key, value).second)
      return false;
    skip();
    if (i < n && h[i] == ',') {
      ++i;
      continue;
    }
    if (i < n && h[i] == '}')
      break;
    return false;
  }
  ++i; // '}'
  skip();
  return i == n - 1 && h[i] == '\n';
}

bool parseNpy(const uint8_t *bytes, size_t size, HostTensor &out,
              std::string &error) {
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) {
    error = "not a .npy file (bad magic)";
    return false;
  }
  uint8_t major = bytes[6];
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = bytes[8] | (size_t(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) {
      error = "truncated .npy header";
      return false;
    }
    headerLen = bytes[8] | (size_t(bytes[9]) << 8) | (size_t(bytes[10]) << 16) |
                (size_t(bytes[11]) << 24);
    offset = 12;
  } else {
    error = "unsupported .npy version " + std::to_string(major);
    return false;
  }
  if (headerLen > size - offset) {
    error = "truncated .npy header";
    return false;
  }
  std::string h(reinterpret_cast<const char *>(bytes + offset), headerLen);
  std::map<std::string, std::string> dict;
  if (!parseHeaderDict(h, dict) || dict.size() != 3 || !dict.count("descr") ||
      !dict.count("fortran_order") || !dict.count("shape")) {
    error = "malformed .npy header";
    return false;
  }
  std::string descr = dict["descr"], fortran = dict["fortran_order"],
              shapeStr = dict["shape"];
  DType t;
  if (!parseDescr(descr, t)) {
    error = "unsupported .npy dtype '" + descr +
            "' (supported: float32, float64, int64, int32, int16, int8, bool)";
    return false;
  }
  if (fortran != "False") {
    error = "Fortran-ordered .npy arrays are not supported";
    return false;
  }
  std::vector<int64_t> shape;
  if (shapeStr.size() < 2 || shapeStr.front() != '(' || shapeStr.back() != ')') {
    error = "malformed .npy shape";
    return false;
  }
  std::string inner = shapeStr.substr(1, shapeStr.size() - 2);
  size_t pos = 0;
  while (pos < inner.size()) {
    size_t next = inner.find(',', pos);
    std::string tok = inner.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    size_t a = tok.find_first_not_of(' '), b = tok.find_last_not_of(' ');
    if (a != std::string::npos) {
      tok = tok.substr(a, b - a + 1);
      if (tok.empty() || tok.size() > 18 ||
          tok.find_first_not_of("0123456789") != std::string::npos) {
        error = "malformed .npy shape '" + shapeStr + "'";
        return false;
      }
      shape.push_back(std::stoll(tok));
    }
    if (next == std::string::npos)
      break;
    pos = next + 1;
  }
  int64_t n = checkedNumElements(shape);
  if (n < 0) {
    error = "unreasonable .npy shape '" + shapeStr + "'";
    return false;
  }
  size_t need = size_t(n) * dtypeSize(t), have = size - offset - headerLen;
  if (have < need) {
    error = "truncated .npy data: expected " + std::to_string(need) +
            " bytes, found " + std::to_string(have);
    return false;
  }
  if (have > need) {
    error = "trailing bytes after .npy data";
    return false;
  }
  out.dtype = t;
  out.shape = shape;
  out.data.assign(bytes + offset + headerLen, bytes + size);
  if (t == DType::Bool)
    for (auto &v : out.data)
      v = v != 0;
  return true;
}

bool readNpy(const std::string &path, HostTensor &out, std::string &error) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    error = "cannot open '" + path + "': not a readable regular file";
    return false;
  }
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    error = "cannot open '" + path + "'";
    return false;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(f)),
                             std::istreambuf_iterator<char>());
  if (!parseNpy(bytes.data(), bytes.size(), out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}

bool writeNpy(const std::string &path, const HostTensor &t, std::string &error) {
  std::string shape = "(";
  for (size_t i = 0; i < t.shape.size(); ++i)
    shape += std::to_string(t.shape[i]) + (t.shape.size() == 1 ? "," : (i + 1 < t.shape.size() ? ", " : ""));
  shape += ")";
  std::string header = std::string("{'descr': '") + descrOf(t.dtype) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    error = "cannot write '" + path + "'";
    return false;
  }
  uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                     uint8_t(header.size() & 0xff), uint8_t(header.size() >> 8)};
  bool ok = std::fwrite(pre, 1, 10, f) == 10 &&
            std::fwrite(header.data(), 1, header.size(), f) == header.size() &&
            std::fwrite(t.data.data(), 1, t.data.size(), f) == t.data.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok)
    error = "error writing '" + path + "'";
  return ok;
}

} // namespace tccrt
