//===- OnnxExport.h - write the trained model back to ONNX ------*- C++ -*-===//

#ifndef TCC_RUNTIME_ONNXEXPORT_H
#define TCC_RUNTIME_ONNXEXPORT_H

#include "tcc/Runtime/HostTensor.h"

#include <string>
#include <utility>
#include <vector>

namespace tccrt {

struct NamedTensorRef {
  std::string name;
  const HostTensor *value;
  bool required; // a parameter must be an initializer; optimizer state need not
};

/// Parses the serialized ONNX `model`, replaces each initializer named in
/// `tensors` by the tensor's values (as raw_data, dropping any external-data
/// reference), and writes the result to `path` atomically. A required
/// tensor without an initializer of that name, or one whose shape differs
/// from the initializer's, is an error; `replaced` gets the count.
bool exportOnnx(const uint8_t *model, size_t modelSize,
                const std::vector<NamedTensorRef> &tensors,
                const std::string &path, int &replaced, std::string &error);

} // namespace tccrt

#endif // TCC_RUNTIME_ONNXEXPORT_H
