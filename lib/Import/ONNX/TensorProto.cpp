//===- TensorProto.cpp - ONNX TensorProto decoding -----------------------===//

#include "ImporterImpl.h"
#include "tcc/Import/ONNXImporter.h"

#include "mlir/IR/BuiltinTypes.h"

#include "llvm/Support/MemoryBuffer.h"

#include <climits>

using namespace mlir;
using namespace mlir::tcc::onnx_import;

std::optional<DType> mlir::tcc::onnx_import::dtypeFromONNX(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT: return DType::F32;
  case onnx::TensorProto::DOUBLE: return DType::F64;
  case onnx::TensorProto::INT64: return DType::I64;
  case onnx::TensorProto::INT32: return DType::I32;
  case onnx::TensorProto::INT16: return DType::I16;
  case onnx::TensorProto::INT8: return DType::I8;
  case onnx::TensorProto::BOOL: return DType::Bool;
  default: return std::nullopt;
  }
}

Type mlir::tcc::onnx_import::elementTypeOf(MLIRContext *ctx, DType t) {
  switch (t) {
  case DType::F32: return Float32Type::get(ctx);
  case DType::F64: return Float64Type::get(ctx);
  case DType::I64: return IntegerType::get(ctx, 64);
  case DType::I32: return IntegerType::get(ctx, 32);
  case DType::I16: return IntegerType::get(ctx, 16);
  case DType::I8: return IntegerType::get(ctx, 8);
  case DType::Bool: return IntegerType::get(ctx, 1);
  }
  return {};
}

std::optional<DType> mlir::tcc::onnx_import::dtypeOf(Type t) {
  if (t.isF32()) return DType::F32;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(64)) return DType::I64;
  if (t.isInteger(32)) return DType::I32;
  if (t.isInteger(16)) return DType::I16;
  if (t.isInteger(8)) return DType::I8;
  if (t.isInteger(1)) return DType::Bool;
  return std::nullopt;
}

static std::string typeName(int32_t t) {
  if (onnx::TensorProto_DataType_IsValid(t))
    return onnx::TensorProto_DataType_Name(
        static_cast<onnx::TensorProto_DataType>(t));
  return "type " + std::to_string(t);
}

/// Copies a repeated typed field into `out`, converting each element.
template <typename Field>
static bool copyTyped(const Field &field, HostTensor &out, std::string &error) {
  if (field.size() != out.numElements()) {
    error = "has " + std::to_string(field.size()) + " values for " +
            std::to_string(out.numElements()) + " elements";
    return false;
  }
  for (int64_t i = 0; i < out.numElements(); ++i) {
    if (::tccrt::isFloatDType(out.dtype))
      out.setDouble(i, double(field.Get(i)));
    else
      out.setInt(i, int64_t(field.Get(i)));
  }
  return true;
}

bool mlir::tcc::onnx_import::tensorFromProto(const onnx::TensorProto &proto,
                                  const std::string &baseDir, HostTensor &out,
                                  std::string &error) {
  std::string name = proto.name().empty() ? "tensor" : "tensor '" + proto.name() + "'";
  auto dtype = dtypeFromONNX(proto.data_type());
  if (!dtype) {
    error = name + " has element type " + typeName(proto.data_type()) +
            ", which tcc does not support";
    return false;
  }
  std::vector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  int64_t n = ::tccrt::checkedNumElements(shape);
  if (n < 0) {
    error = name + " has an invalid shape";
    return false;
  }
  size_t bytes = size_t(n) * ::tccrt::dtypeSize(*dtype);
  // Check the stored size before allocating, so a corrupt header cannot
  // make us allocate terabytes.
  size_t stored = 0;
  if (proto.data_location() != onnx::TensorProto::EXTERNAL) {
    if (proto.has_raw_data())
      stored = proto.raw_data().size();
    else
      stored = size_t(std::max({proto.float_data_size(), proto.double_data_size(),
                                proto.int64_data_size(), proto.int32_data_size()})) *
               ::tccrt::dtypeSize(*dtype);
    if (stored != bytes) {
      error = name + " holds " + std::to_string(stored) + " bytes of data, expected " +
              std::to_string(bytes) + " for its shape";
      return false;
    }
  }
  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto &kv : proto.external_data()) {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset" || kv.key() == "length") {
        const std::string &v = kv.value();
        if (v.empty() || v.size() > 18 ||
            v.find_first_not_of("0123456789") != std::string::npos) {
          error = name + " has a malformed external-data " + kv.key();
          return false;
        }
        (kv.key() == "offset" ? offset : length) = std::stoll(v);
      }
    }
    if (location.empty() || location.find("..") != std::string::npos ||
        location[0] == '/') {
      error = name + " has a missing or unsafe external-data location '" +
              location + "'";
      return false;
    }
    std::string path = baseDir.empty() ? location : baseDir + "/" + location;
    auto file = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
    if (!file) {
      error = name + ": cannot read external data file '" + path +
              "': " + file.getError().message();
      return false;
    }
    int64_t fileSize = (*file)->getBufferSize();
    if (length < 0)
      length = fileSize - offset;
    if (offset > fileSize || length != int64_t(bytes) || fileSize < 0 ||
        offset + length > fileSize) {
      error = name + ": external data in '" + path + "' has " +
              std::to_string(std::max<int64_t>(0, fileSize - offset)) +
              " bytes at offset " + std::to_string(offset) + ", expected " +
              std::to_string(bytes);
      return false;
    }
    out = HostTensor(*dtype, shape);
    std::memcpy(out.data.data(), (*file)->getBufferStart() + offset, length);
  } else if (proto.has_raw_data()) {
    out = HostTensor(*dtype, shape);
    if (proto.raw_data().size() != bytes) {
      error = name + " has " + std::to_string(proto.raw_data().size()) +
              " bytes of raw data, expected " + std::to_string(bytes) +
              " for " + out.describe();
      return false;
    }
    std::memcpy(out.data.data(), proto.raw_data().data(), bytes);
  } else {
    out = HostTensor(*dtype, shape);
    bool ok = true;
    std::string why;
    switch (proto.data_type()) {
    case onnx::TensorProto::FLOAT: ok = copyTyped(proto.float_data(), out, why); break;
    case onnx::TensorProto::DOUBLE: ok = copyTyped(proto.double_data(), out, why); break;
    case onnx::TensorProto::INT64: ok = copyTyped(proto.int64_data(), out, why); break;
    default: ok = copyTyped(proto.int32_data(), out, why); break;
    }
    if (!ok) {
      error = name + " " + why;
      return false;
    }
  }
  if (out.dtype == DType::Bool)
    for (auto &v : out.data)
      v = v != 0;
  return true;
}

bool mlir::tcc::readTensorProtoFile(const std::string &path,
                                    ::tccrt::HostTensor &out, std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer) {
    error = "cannot read '" + path + "': " + buffer.getError().message();
    return false;
  }
  StringRef bytes = (*buffer)->getBuffer();
  onnx::TensorProto proto;
  if (bytes.size() > INT_MAX ||
      !proto.ParseFromArray(bytes.data(), int(bytes.size()))) {
    error = path + ": not a valid ONNX TensorProto (protobuf parse failed)";
    return false;
  }
  if (!tensorFromProto(proto, "", out, error)) {
    error = path + ": " + error;
    return false;
  }
  return true;
}
