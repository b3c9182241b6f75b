//===- Trainer.cpp - parameter buffers, steps, checkpoints, the C API ----===//

#include "tcc/Runtime/Trainer.h"
#include "tcc/Runtime/ModelInfo.h"
#include "tcc/Runtime/OnnxExport.h"

#include <cinttypes>
#include <cmath>
#include <cstring>

namespace tccrt {

static HostTensor allocate(const tcc_tensor_desc &d) {
  HostTensor t(descDType(d), descShape(d));
  if (d.init && t.numBytes())
    std::memcpy(t.data.data(), d.init, t.numBytes());
  return t;
}

bool Trainer::init(const tcc_model *model, std::string &error) {
  if (!validateModel(model, error))
    return false;
  model_ = model;
  params_.clear();
  state_.clear();
  for (int32_t i = 0; i < model->num_params; ++i)
    params_.push_back(allocate(model->params[i]));
  for (int32_t i = 0; i < model->num_state; ++i)
    state_.push_back(allocate(model->state[i]));
  if (model->eval_step)
    predictions_ = allocate(model->predictions);
  step_ = 0;

  // train_step: params, state, inputs, labels, step | params', state', loss.
  trainArgs_.clear();
  for (HostTensor &t : params_)
    trainArgs_.push_back(t.data.data());
  for (HostTensor &t : state_)
    trainArgs_.push_back(t.data.data());
  trainDataSlot_ = trainArgs_.size();
  trainArgs_.resize(trainArgs_.size() + size_t(model->num_inputs) + 1);
  trainArgs_.push_back(&stepArg_);
  for (HostTensor &t : params_)
    trainArgs_.push_back(t.data.data());
  for (HostTensor &t : state_)
    trainArgs_.push_back(t.data.data());
  trainArgs_.push_back(&loss_);

  // eval_step: params, state, inputs, labels | loss, predictions.
  evalArgs_.assign(trainArgs_.begin(), trainArgs_.begin() + trainDataSlot_);
  evalDataSlot_ = evalArgs_.size();
  evalArgs_.resize(evalArgs_.size() + size_t(model->num_inputs) + 1);
  evalArgs_.push_back(&loss_);
  evalArgs_.push_back(predictions_.data.data());
  return true;
}

void Trainer::setSkipNonFinite(bool skip) {
  skipNonFinite_ = skip;
  backup_.clear();
  if (!skip)
    return;
  backup_.insert(backup_.end(), params_.begin(), params_.end());
  backup_.insert(backup_.end(), state_.begin(), state_.end());
}

StepStatus Trainer::trainStep(const void *const *inputs, const void *labels,
                              float &loss) {
  for (int32_t i = 0; i < model_->num_inputs; ++i)
    trainArgs_[trainDataSlot_ + size_t(i)] = const_cast<void *>(inputs[i]);
  trainArgs_[trainDataSlot_ + size_t(model_->num_inputs)] =
      const_cast<void *>(labels);
  if (skipNonFinite_) {
    size_t k = 0;
    for (const std::vector<HostTensor> *group : {&params_, &state_})
      for (const HostTensor &t : *group)
        std::memcpy(backup_[k++].data.data(), t.data.data(), t.numBytes());
  }
  stepArg_ = step_;
  loss_ = NAN;
  model_->train_step(trainArgs_.data());
  loss = loss_;
  if (std::isfinite(loss)) {
    ++step_;
    return StepStatus::Ok;
  }
  if (!skipNonFinite_)
    return StepStatus::NonFinite;
  size_t k = 0;
  for (std::vector<HostTensor> *group : {&params_, &state_})
    for (HostTensor &t : *group)
      std::memcpy(t.data.data(), backup_[k++].data.data(), t.numBytes());
  return StepStatus::Skipped;
}

bool Trainer::evalStep(const void *const *inputs, const void *labels,
                       float &loss, void *predictions, std::string &error) {
  if (!model_->eval_step) {
    error = "this program was compiled without an evaluation step";
    return false;
  }
  for (int32_t i = 0; i < model_->num_inputs; ++i)
    evalArgs_[evalDataSlot_ + size_t(i)] = const_cast<void *>(inputs[i]);
  evalArgs_[evalDataSlot_ + size_t(model_->num_inputs)] =
      const_cast<void *>(labels);
  evalArgs_.back() = predictions ? predictions : predictions_.data.data();
  model_->eval_step(evalArgs_.data());
  loss = loss_;
  return true;
}

//===----------------------------------------------------------------------===//
// Checkpoints and export
//===----------------------------------------------------------------------===//

bool Trainer::save(const std::string &path, const DataPosition &position,
                   std::string &error) const {
  CheckpointHeader h;
  h.fingerprint = model_->fingerprint;
  h.step = step_;
  h.data = position;
  std::vector<CheckpointTensorRef> refs;
  for (int32_t i = 0; i < model_->num_params; ++i)
    refs.push_back({model_->params[i].name, TensorKind::Param, &params_[size_t(i)]});
  for (int32_t i = 0; i < model_->num_state; ++i)
    refs.push_back({model_->state[i].name, TensorKind::State, &state_[size_t(i)]});
  return writeCheckpoint(path, h, refs, error);
}

static std::string hex64(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
  return buf;
}

/// Checks that checkpoint tensor `t` is the model's `kind` tensor `expect`.
static bool matches(const CheckpointTensor &t, TensorKind kind,
                    const tcc_tensor_desc &expect, const HostTensor &live,
                    const std::string &path, std::string &error) {
  if (t.name != expect.name || t.kind != kind) {
    error = "checkpoint '" + path + "' holds tensor '" + t.name +
            "' where this model has '" + expect.name + "'";
    return false;
  }
  if (t.value.dtype != live.dtype || t.value.shape != live.shape) {
    error = "checkpoint '" + path + "': tensor '" + t.name + "' is " +
            t.value.describe() + ", the model's is " + live.describe();
    return false;
  }
  return true;
}

bool Trainer::load(const std::string &path, DataPosition &position,
                   std::string &error) {
  Checkpoint ckpt;
  if (!readCheckpoint(path, ckpt, error))
    return false;
  if (ckpt.header.fingerprint != model_->fingerprint) {
    error = "checkpoint '" + path + "' was written by another model or "
            "configuration (fingerprint " + hex64(ckpt.header.fingerprint) +
            ", this program's is " + hex64(model_->fingerprint) + ")";
    return false;
  }
  size_t want = params_.size() + state_.size();
  if (ckpt.tensors.size() != want) {
    error = "checkpoint '" + path + "' holds " +
            std::to_string(ckpt.tensors.size()) + " tensors, the model has " +
            std::to_string(want);
    return false;
  }
  for (size_t i = 0; i < want; ++i) {
    bool isParam = i < params_.size();
    size_t j = isParam ? i : i - params_.size();
    const tcc_tensor_desc &d = isParam ? model_->params[j] : model_->state[j];
    const HostTensor &live = isParam ? params_[j] : state_[j];
    if (!matches(ckpt.tensors[i], isParam ? TensorKind::Param : TensorKind::State,
                 d, live, path, error))
      return false;
  }
  // Everything checked: commit (copy into the buffers the step args point to).
  for (size_t i = 0; i < want; ++i) {
    bool isParam = i < params_.size();
    HostTensor &live = isParam ? params_[i] : state_[i - params_.size()];
    std::memcpy(live.data.data(), ckpt.tensors[i].value.data.data(),
                live.numBytes());
  }
  step_ = ckpt.header.step;
  position = ckpt.header.data;
  return true;
}

bool Trainer::exportOnnx(const std::string &path, std::string &error) const {
  std::vector<NamedTensorRef> refs;
  for (int32_t i = 0; i < model_->num_params; ++i)
    refs.push_back({model_->params[i].name, &params_[size_t(i)], true});
  for (int32_t i = 0; i < model_->num_state; ++i)
    refs.push_back({model_->state[i].name, &state_[size_t(i)], false});
  int replaced = 0;
  return tccrt::exportOnnx(model_->onnx_model, model_->onnx_model_size, refs,
                           path, replaced, error);
}

//===----------------------------------------------------------------------===//
// Evaluation
//===----------------------------------------------------------------------===//

/// Correct predictions among the first `rows` rows of a batch.
static int64_t countCorrect(const HostTensor &pred, const HostTensor &labels,
                            int64_t rows, int64_t batch, int64_t classes) {
  int64_t positions = labels.numElements() / batch * rows, correct = 0;
  for (int64_t p = 0; p < positions; ++p) {
    int64_t best = 0;
    double bestScore = pred.getDouble(p * classes);
    for (int64_t c = 1; c < classes; ++c) {
      double s = pred.getDouble(p * classes + c);
      if (s > bestScore) {
        best = c;
        bestScore = s;
      }
    }
    correct += best == labels.getInt(p);
  }
  return correct;
}

bool evaluate(Trainer &trainer, const Dataset &data, EvalResult &out,
              std::string &error) {
  const tcc_model &m = trainer.model();
  int64_t batch = m.batch, classes = numClasses(m);
  std::unique_ptr<Batch> b = makeBatch(m);
  HostTensor pred(descDType(m.predictions), descShape(m.predictions));
  std::vector<int64_t> rows(static_cast<size_t>(batch));
  double lossSum = 0;
  int64_t lossBatches = 0, correct = 0, positions = 0;
  int64_t fullBatches = data.numRows / batch;
  for (int64_t start = 0; start < data.numRows; start += batch) {
    int64_t valid = std::min(batch, data.numRows - start);
    for (int64_t r = 0; r < batch; ++r)
      rows[size_t(r)] = (start + r) % data.numRows; // pad the tail from the start
    gatherRows(data, rows.data(), batch, *b);
    float loss = 0;
    if (!trainer.evalStep(b->inputPointers().data(), b->labels.data.data(),
                          loss, pred.data.data(), error))
      return false;
    if (valid == batch || fullBatches == 0) {
      lossSum += loss;
      ++lossBatches;
    }
    if (classes) {
      correct += countCorrect(pred, b->labels, valid, batch, classes);
      positions += b->labels.numElements() / batch * valid;
    }
  }
  out.rows = data.numRows;
  out.lossRows = fullBatches ? fullBatches * batch : data.numRows;
  out.loss = lossBatches ? lossSum / double(lossBatches) : NAN;
  out.accuracy = classes && positions ? double(correct) / double(positions) : -1;
  return true;
}

} // namespace tccrt

//===----------------------------------------------------------------------===//
// C API
//===----------------------------------------------------------------------===//

struct tcc_trainer {
  tccrt::Trainer trainer;
  std::string error;
};

static thread_local std::string createError;

static int fail(tcc_trainer *t, const std::string &error) {
  t->error = error;
  return TCC_TRAINER_ERROR;
}

extern "C" {

tcc_trainer *tcc_trainer_create(const tcc_model *model) {
  auto *t = new tcc_trainer();
  std::string error;
  if (!t->trainer.init(model, error)) {
    createError = error;
    delete t;
    return nullptr;
  }
  return t;
}

void tcc_trainer_destroy(tcc_trainer *t) { delete t; }

const char *tcc_trainer_last_error(const tcc_trainer *t) {
  return t ? t->error.c_str() : createError.c_str();
}

const tcc_model *tcc_trainer_model(const tcc_trainer *t) {
  return &t->trainer.model();
}

int64_t tcc_trainer_step_count(const tcc_trainer *t) {
  return t->trainer.step();
}

int tcc_trainer_set_step_count(tcc_trainer *t, int64_t step) {
  if (step < 0)
    return fail(t, "step count must not be negative");
  t->trainer.setStep(step);
  return TCC_TRAINER_OK;
}

void tcc_trainer_set_skip_nonfinite(tcc_trainer *t, int skip) {
  t->trainer.setSkipNonFinite(skip != 0);
}

int tcc_trainer_train_step(tcc_trainer *t, const void *const *inputs,
                           const void *labels, float *loss) {
  if (!inputs || !labels || !loss)
    return fail(t, "train_step: null inputs, labels or loss pointer");
  for (int32_t i = 0; i < t->trainer.model().num_inputs; ++i)
    if (!inputs[i])
      return fail(t, "train_step: input " + std::to_string(i) + " is null");
  tccrt::StepStatus s = t->trainer.trainStep(inputs, labels, *loss);
  if (s == tccrt::StepStatus::Ok)
    return TCC_TRAINER_OK;
  t->error = "non-finite loss at step " + std::to_string(t->trainer.step() + 1) +
             (s == tccrt::StepStatus::Skipped ? " (update discarded)" : "");
  return TCC_TRAINER_NONFINITE;
}

int tcc_trainer_eval_step(tcc_trainer *t, const void *const *inputs,
                          const void *labels, float *loss, void *predictions) {
  if (!inputs || !labels || !loss)
    return fail(t, "eval_step: null inputs, labels or loss pointer");
  std::string error;
  if (!t->trainer.evalStep(inputs, labels, *loss, predictions, error))
    return fail(t, error);
  return TCC_TRAINER_OK;
}

int tcc_trainer_save(tcc_trainer *t, const char *path) {
  std::string error;
  if (!path || !t->trainer.save(path, tccrt::DataPosition(), error))
    return fail(t, path ? error : "save: null path");
  return TCC_TRAINER_OK;
}

int tcc_trainer_load(tcc_trainer *t, const char *path) {
  std::string error;
  tccrt::DataPosition position;
  if (!path || !t->trainer.load(path, position, error))
    return fail(t, path ? error : "load: null path");
  return TCC_TRAINER_OK;
}

int tcc_trainer_export_onnx(tcc_trainer *t, const char *path) {
  std::string error;
  if (!path || !t->trainer.exportOnnx(path, error))
    return fail(t, path ? error : "export: null path");
  return TCC_TRAINER_OK;
}

void *tcc_trainer_param_data(tcc_trainer *t, int32_t index) {
  auto &v = t->trainer.params();
  return index >= 0 && size_t(index) < v.size() ? v[size_t(index)].data.data()
                                                : nullptr;
}

void *tcc_trainer_state_data(tcc_trainer *t, int32_t index) {
  auto &v = t->trainer.state();
  return index >= 0 && size_t(index) < v.size() ? v[size_t(index)].data.data()
                                                : nullptr;
}

} // extern "C"
