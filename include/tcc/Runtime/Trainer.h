/*===- Trainer.h - driving a compiled training program ---------------------===*
 *
 * The C API below is what a shared-library build (`tcc-compile --emit=lib`)
 * exposes for C, C++ and Python (python/tcc/trainer.py) callers; the
 * training binary's main is tcc_trainer_main. Both run over a tcc_model
 * (Model.h). The C++ classes further down are the implementation, also used
 * by the unit tests.
 *
 * Errors: functions returning int give TCC_TRAINER_OK (0) on success and a
 * non-zero code otherwise, with the message in tcc_trainer_last_error(t).
 *===----------------------------------------------------------------------===*/

#ifndef TCC_RUNTIME_TRAINER_H
#define TCC_RUNTIME_TRAINER_H

#include "tcc/Runtime/Model.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
  TCC_TRAINER_OK = 0,
  TCC_TRAINER_ERROR = 1,     /* bad argument, file or checkpoint */
  TCC_TRAINER_NONFINITE = 2, /* the step's loss was NaN or Inf */
};

typedef struct tcc_trainer tcc_trainer;

/* Validates `model` and allocates its parameters and state from their
   initial values (NULL init: zeros). Returns NULL on failure, with the
   reason in tcc_trainer_last_error(NULL) (per thread). */
tcc_trainer *tcc_trainer_create(const tcc_model *model);
void tcc_trainer_destroy(tcc_trainer *t);
const char *tcc_trainer_last_error(const tcc_trainer *t);
const tcc_model *tcc_trainer_model(const tcc_trainer *t);

/* Optimizer steps completed (the `step` argument of the next train_step). */
int64_t tcc_trainer_step_count(const tcc_trainer *t);
int tcc_trainer_set_step_count(tcc_trainer *t, int64_t step);

/* When set, a step whose loss is not finite is undone (parameters and state
   restored, step count unchanged) and TCC_TRAINER_NONFINITE is returned;
   when clear (default), the step's update stays and the caller should stop. */
void tcc_trainer_set_skip_nonfinite(tcc_trainer *t, int skip);

/* One optimizer step on one batch: `inputs` has model->num_inputs pointers to
   dense buffers of the inputs' shapes (batch included), `labels` the labels
   buffer. Stores the batch's loss in *loss. */
int tcc_trainer_train_step(tcc_trainer *t, const void *const *inputs,
                           const void *labels, float *loss);
/* Forward pass with inference semantics: the loss and the predictions
   (a buffer of model->predictions' shape; may be NULL). */
int tcc_trainer_eval_step(tcc_trainer *t, const void *const *inputs,
                          const void *labels, float *loss, void *predictions);

/* Checkpoints (docs/checkpoint-format.md; the data position is saved as
   zero) and the trained model as ONNX. Files are written atomically. */
int tcc_trainer_save(tcc_trainer *t, const char *path);
int tcc_trainer_load(tcc_trainer *t, const char *path);
int tcc_trainer_export_onnx(tcc_trainer *t, const char *path);

/* The live buffers of parameter / state tensor `index` (shapes and dtypes as
   in model->params / model->state); NULL if out of range. */
void *tcc_trainer_param_data(tcc_trainer *t, int32_t index);
void *tcc_trainer_state_data(tcc_trainer *t, int32_t index);

/* The training binary's command line (docs/user-guide.md). Returns the exit
   status: 0 on success, 1 on any error, 130 when interrupted. */
int tcc_trainer_main(const tcc_model *model, int argc, char **argv);

#ifdef __cplusplus
} /* extern "C" */

#include "tcc/Runtime/Checkpoint.h"
#include "tcc/Runtime/DataLoader.h"
#include "tcc/Runtime/HostTensor.h"

#include <string>
#include <vector>

namespace tccrt {

enum class StepStatus { Ok, NonFinite, Skipped };

/// Owns the parameter and state buffers of a model and calls its steps.
/// Parameters and state are updated in place (outputs alias inputs).
class Trainer {
public:
  Trainer() = default;
  Trainer(const Trainer &) = delete; // the step arguments point into buffers
  Trainer &operator=(const Trainer &) = delete;

  bool init(const tcc_model *model, std::string &error);

  const tcc_model &model() const { return *model_; }
  std::vector<HostTensor> &params() { return params_; }
  std::vector<HostTensor> &state() { return state_; }
  const std::vector<HostTensor> &params() const { return params_; }
  const std::vector<HostTensor> &state() const { return state_; }

  int64_t step() const { return step_; }
  void setStep(int64_t step) { step_ = step; }
  /// See tcc_trainer_set_skip_nonfinite. Skipping keeps a copy of the
  /// parameters and state from before each step (one memcpy per step), so
  /// the compiled step keeps its single in-place calling convention.
  void setSkipNonFinite(bool skip);

  /// Runs train_step on one batch; Ok advances the step count.
  StepStatus trainStep(const void *const *inputs, const void *labels,
                       float &loss);
  /// Runs eval_step; predictions may be null (a scratch buffer is used).
  bool evalStep(const void *const *inputs, const void *labels, float &loss,
                void *predictions, std::string &error);

  /// Saves parameters, state, the step count and `position`.
  bool save(const std::string &path, const DataPosition &position,
            std::string &error) const;
  /// Loads a checkpoint of this model (same fingerprint, names, shapes,
  /// dtypes); on any error nothing is changed.
  bool load(const std::string &path, DataPosition &position,
            std::string &error);
  bool exportOnnx(const std::string &path, std::string &error) const;

private:
  const tcc_model *model_ = nullptr;
  std::vector<HostTensor> params_, state_, backup_;
  HostTensor predictions_;
  int64_t step_ = 0, stepArg_ = 0;
  float loss_ = 0;
  bool skipNonFinite_ = false;
  std::vector<void *> trainArgs_, evalArgs_;
  size_t trainDataSlot_ = 0, evalDataSlot_ = 0; // first input slot
};

struct EvalResult {
  double loss = 0;     // mean of eval_step losses over the full batches
  double accuracy = -1; // over all rows; -1 when not a classification model
  int64_t rows = 0, lossRows = 0;
};

/// Evaluates `data` in order. eval_step returns a batch-mean loss, so the
/// loss covers the full batches only (all rows when there is only a partial
/// one); accuracy covers every row: the tail batch is padded with rows from
/// the start whose predictions are ignored.
bool evaluate(Trainer &trainer, const Dataset &data, EvalResult &out,
              std::string &error);

} // namespace tccrt
#endif /* __cplusplus */

#endif /* TCC_RUNTIME_TRAINER_H */
