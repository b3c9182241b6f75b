//===- ModelInfo.cpp - validation of a tcc_model's tables ----------------===//

#include "tcc/Runtime/ModelInfo.h"

namespace tccrt {

static constexpr int32_t kMaxRank = 16;

std::vector<int64_t> descShape(const tcc_tensor_desc &d) {
  if (d.rank <= 0 || !d.shape)
    return {};
  return std::vector<int64_t>(d.shape, d.shape + d.rank);
}

std::string describeDesc(const tcc_tensor_desc &d) {
  HostTensor t;
  t.dtype = descDType(d);
  t.shape = descShape(d);
  return std::string(d.name ? d.name : "?") + ": " + t.describe();
}

int64_t rowElements(const tcc_tensor_desc &d) {
  std::vector<int64_t> s = descShape(d);
  if (s.empty())
    return 1;
  s.erase(s.begin());
  return checkedNumElements(s);
}

static bool checkDesc(const tcc_tensor_desc &d, const std::string &role,
                      std::string &error) {
  std::string what = role + " '" + (d.name ? d.name : "(null)") + "'";
  if (!d.name) {
    error = role + " has no name";
    return false;
  }
  if (d.dtype < 0 || d.dtype > int32_t(DType::Bool)) {
    error = what + " has unknown dtype " + std::to_string(d.dtype);
    return false;
  }
  if (d.rank < 0 || d.rank > kMaxRank || (d.rank > 0 && !d.shape)) {
    error = what + " has a bad rank " + std::to_string(d.rank);
    return false;
  }
  if (checkedNumElements(descShape(d)) < 0) {
    error = what + " has a negative or too large shape";
    return false;
  }
  return true;
}

static bool checkBatched(const tcc_tensor_desc &d, int64_t batch,
                         const std::string &role, std::string &error) {
  if (!checkDesc(d, role, error))
    return false;
  if (d.rank < 1 || d.shape[0] != batch) {
    error = role + " " + describeDesc(d) +
            " does not lead with the batch dimension " + std::to_string(batch);
    return false;
  }
  return true;
}

bool validateModel(const tcc_model *m, std::string &error) {
  if (!m) {
    error = "no model";
    return false;
  }
  if (m->abi_version != TCC_MODEL_ABI_VERSION) {
    error = "model ABI version " + std::to_string(m->abi_version) +
            " differs from the runtime's " +
            std::to_string(TCC_MODEL_ABI_VERSION) + " (rebuild with this tcc)";
    return false;
  }
  if (!m->train_step) {
    error = "model has no train_step";
    return false;
  }
  if (m->batch <= 0) {
    error = "model has batch size " + std::to_string(m->batch);
    return false;
  }
  if (m->num_params < 0 || m->num_state < 0 || m->num_inputs < 1 ||
      (m->num_params && !m->params) || (m->num_state && !m->state) ||
      !m->inputs) {
    error = "model has bad tensor tables (counts or pointers)";
    return false;
  }
  for (int32_t i = 0; i < m->num_params; ++i)
    if (!checkDesc(m->params[i], "parameter", error))
      return false;
  for (int32_t i = 0; i < m->num_state; ++i)
    if (!checkDesc(m->state[i], "state tensor", error))
      return false;
  for (int32_t i = 0; i < m->num_inputs; ++i)
    if (!checkBatched(m->inputs[i], m->batch, "input", error))
      return false;
  if (!checkBatched(m->labels, m->batch, "labels", error))
    return false;
  // Predictions are described even without eval_step when the compiler
  // knows them (they give the class count for label range checks).
  if ((m->eval_step || m->predictions.name) &&
      !checkBatched(m->predictions, m->batch, "predictions", error))
    return false;
  return true;
}

int64_t numClasses(const tcc_model &m) {
  if (!m.predictions.name || isFloatDType(descDType(m.labels)) ||
      descDType(m.labels) == DType::Bool || m.predictions.rank < 2)
    return 0;
  int64_t classes = m.predictions.shape[m.predictions.rank - 1];
  if (classes <= 0 ||
      rowElements(m.labels) * classes != rowElements(m.predictions))
    return 0;
  return classes;
}

} // namespace tccrt
