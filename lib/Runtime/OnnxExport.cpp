//===- OnnxExport.cpp - trained weights into the original ONNX graph -----===//
//
// The compiled program embeds the user's original ONNX bytes; exporting
// keeps that graph verbatim and only swaps the initializers' values, so the
// result is the same model (ops, opsets, metadata) with trained weights.
//
//===----------------------------------------------------------------------===//

#include "tcc/Runtime/OnnxExport.h"
#include "tcc/Runtime/FileUtil.h"

#include <onnx/onnx_pb.h>

#include <climits>
#include <map>

namespace tccrt {

static int onnxDataType(DType t) {
  switch (t) {
  case DType::F32: return onnx::TensorProto::FLOAT;
  case DType::F64: return onnx::TensorProto::DOUBLE;
  case DType::I64: return onnx::TensorProto::INT64;
  case DType::I32: return onnx::TensorProto::INT32;
  case DType::I16: return onnx::TensorProto::INT16;
  case DType::I8: return onnx::TensorProto::INT8;
  case DType::Bool: return onnx::TensorProto::BOOL;
  }
  return onnx::TensorProto::UNDEFINED;
}

/// Replaces the payload of `init`, keeping its name and doc string.
static void setValue(onnx::TensorProto &init, const HostTensor &value) {
  std::string name = init.name(), doc = init.doc_string();
  init.Clear();
  init.set_name(name);
  if (!doc.empty())
    init.set_doc_string(doc);
  init.set_data_type(onnxDataType(value.dtype));
  for (int64_t d : value.shape)
    init.add_dims(d);
  init.set_raw_data(value.data.data(), value.numBytes());
}

static bool sameShape(const onnx::TensorProto &init, const HostTensor &v) {
  if (size_t(init.dims_size()) != v.shape.size())
    return false;
  for (int i = 0; i < init.dims_size(); ++i)
    if (init.dims(i) != v.shape[size_t(i)])
      return false;
  return true;
}

bool exportOnnx(const uint8_t *model, size_t modelSize,
                const std::vector<NamedTensorRef> &tensors,
                const std::string &path, int &replaced, std::string &error) {
  replaced = 0;
  onnx::ModelProto proto;
  if (!model || modelSize == 0 || modelSize > size_t(INT_MAX) ||
      !proto.ParseFromArray(model, int(modelSize))) {
    error = "the program carries no valid ONNX model to export";
    return false;
  }
  std::map<std::string, onnx::TensorProto *> inits;
  for (onnx::TensorProto &t : *proto.mutable_graph()->mutable_initializer())
    inits[t.name()] = &t;
  for (const NamedTensorRef &t : tensors) {
    auto it = inits.find(t.name);
    if (it == inits.end()) {
      if (!t.required)
        continue;
      error = "cannot export: parameter '" + t.name +
              "' is not an initializer of the original ONNX graph";
      return false;
    }
    if (!sameShape(*it->second, *t.value)) {
      std::string dims;
      for (int i = 0; i < it->second->dims_size(); ++i)
        dims += (i ? ", " : "") + std::to_string(it->second->dims(i));
      error = "cannot export: trained '" + t.name + "' is " +
              t.value->describe() + " but the ONNX initializer has shape [" +
              dims + "]";
      return false;
    }
    setValue(*it->second, *t.value);
    ++replaced;
  }
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) {
    error = "cannot serialize the exported model (over 2 GiB?)";
    return false;
  }
  std::string why;
  if (!writeFileAtomic(
          path,
          [&](FILE *f, std::string &err) {
            if (std::fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
              err = "write error";
              return false;
            }
            return true;
          },
          why)) {
    error = "cannot write '" + path + "': " + why;
    return false;
  }
  return true;
}

} // namespace tccrt
