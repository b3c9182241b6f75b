//===- ModelInfo.h - checked views of a tcc_model's tables ------*- C++ -*-===//
//
// The tables of a tcc_model come from generated code (or a foreign caller),
// so the runtime validates them once (validateModel) before trusting
// shapes and dtypes anywhere else.
//
//===----------------------------------------------------------------------===//

#ifndef TCC_RUNTIME_MODELINFO_H
#define TCC_RUNTIME_MODELINFO_H

#include "tcc/Runtime/HostTensor.h"
#include "tcc/Runtime/Model.h"

#include <string>
#include <vector>

namespace tccrt {

inline DType descDType(const tcc_tensor_desc &d) { return DType(d.dtype); }
std::vector<int64_t> descShape(const tcc_tensor_desc &d);
/// "x: float32[32, 784]"
std::string describeDesc(const tcc_tensor_desc &d);
/// Elements per row (the product of all dimensions but the first).
int64_t rowElements(const tcc_tensor_desc &d);

/// Checks the ABI version, the function pointers, every descriptor (known
/// dtype, non-negative dimensions, sane rank), that inputs, labels and
/// predictions (when eval_step is set or predictions are named) lead with
/// the batch dimension, and that model->batch > 0.
bool validateModel(const tcc_model *model, std::string &error);

/// The number of classes for accuracy: the predictions' last dimension when
/// labels are integers and predictions hold one score per class and label
/// position; 0 when accuracy does not apply (e.g. regression).
int64_t numClasses(const tcc_model &model);

} // namespace tccrt

#endif // TCC_RUNTIME_MODELINFO_H
