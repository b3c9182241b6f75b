//===- HostTensor.cpp - host tensors -------------------------------------===//

#include "tcc/Runtime/HostTensor.h"

#include <cmath>

namespace tccrt {

size_t dtypeSize(DType t) {
  switch (t) {
  case DType::F64:
  case DType::I64:
    return 8;
  case DType::F32:
  case DType::I32:
    return 4;
  case DType::I16:
    return 2;
  case DType::I8:
  case DType::Bool:
    return 1;
  }
  return 1;
}

const char *dtypeName(DType t) {
  switch (t) {
  case DType::F32: return "float32";
  case DType::F64: return "float64";
  case DType::I64: return "int64";
  case DType::I32: return "int32";
  case DType::I16: return "int16";
  case DType::I8: return "int8";
  case DType::Bool: return "bool";
  }
  return "?";
}

bool isFloatDType(DType t) { return t == DType::F32 || t == DType::F64; }

int64_t checkedNumElements(const std::vector<int64_t> &shape, int64_t limit) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d != 0 && n > limit / d)
      return -1;
    n *= d;
  }
  return n;
}

HostTensor::HostTensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  int64_t n = checkedNumElements(this->shape);
  data.assign(n < 0 ? 0 : size_t(n) * dtypeSize(dtype), 0);
}

int64_t HostTensor::numElements() const {
  return int64_t(data.size() / dtypeSize(dtype));
}

int64_t HostTensor::getInt(int64_t i) const {
  switch (dtype) {
  case DType::F32: return int64_t(as<float>()[i]);
  case DType::F64: return int64_t(as<double>()[i]);
  case DType::I64: return as<int64_t>()[i];
  case DType::I32: return as<int32_t>()[i];
  case DType::I16: return as<int16_t>()[i];
  case DType::I8: return as<int8_t>()[i];
  case DType::Bool: return as<uint8_t>()[i] != 0;
  }
  return 0;
}

double HostTensor::getDouble(int64_t i) const {
  switch (dtype) {
  case DType::F32: return as<float>()[i];
  case DType::F64: return as<double>()[i];
  default: return double(getInt(i));
  }
}

void HostTensor::setDouble(int64_t i, double v) {
  switch (dtype) {
  case DType::F32: as<float>()[i] = float(v); return;
  case DType::F64: as<double>()[i] = v; return;
  case DType::Bool: as<uint8_t>()[i] = v != 0; return;
  default: setInt(i, int64_t(v)); return;
  }
}

void HostTensor::setInt(int64_t i, int64_t v) {
  switch (dtype) {
  case DType::F32: as<float>()[i] = float(v); return;
  case DType::F64: as<double>()[i] = double(v); return;
  case DType::I64: as<int64_t>()[i] = v; return;
  case DType::I32: as<int32_t>()[i] = int32_t(v); return;
  case DType::I16: as<int16_t>()[i] = int16_t(v); return;
  case DType::I8: as<int8_t>()[i] = int8_t(v); return;
  case DType::Bool: as<uint8_t>()[i] = v != 0; return;
  }
}

std::string HostTensor::describe() const {
  std::string s = dtypeName(dtype);
  s += "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

} // namespace tccrt
