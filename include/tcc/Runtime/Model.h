/*===- Model.h - a compiled training program, as the runtime sees it -----===*
 *
 * `tcc-compile` generates one `tcc_model` (a C file with tables and
 * wrappers) next to the object code of the compiled functions; the trainer
 * runtime (lib/Runtime) drives training through it. Plain C so that the
 * generated file, the runtime and foreign callers (ctypes) share it.
 *
 * Calling convention of the step functions: `args` holds one pointer per
 * tensor, in this order, each to the first element of a dense row-major
 * buffer of the tensor's dtype and shape:
 *   train_step: params..., state..., inputs..., labels, step (int64 scalar),
 *               then outputs: params'..., state'..., loss (float32 scalar)
 *   eval_step:  params..., state..., inputs..., labels,
 *               then outputs: loss (float32 scalar), predictions
 * Output buffers may alias the corresponding input buffers (params' may be
 * written into the params buffers: updates are in place).
 * The step functions keep their intermediates in static memory (one arena
 * per function, planned at compile time): they are not reentrant, so one
 * process runs at most one step of a given compiled model at a time. Each
 * step may use several threads (OpenMP; omp_set_num_threads sizes them).
 *===----------------------------------------------------------------------===*/

#ifndef TCC_RUNTIME_MODEL_H
#define TCC_RUNTIME_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types (same numbering as tccrt::DType). */
enum tcc_dtype {
  TCC_F32 = 0, TCC_F64 = 1, TCC_I64 = 2, TCC_I32 = 3, TCC_I16 = 4,
  TCC_I8 = 5, TCC_BOOL = 6
};

typedef struct tcc_tensor_desc {
  const char *name;     /* ONNX name (initializer, graph input) */
  int32_t dtype;        /* enum tcc_dtype */
  int32_t rank;
  const int64_t *shape; /* rank entries; inputs include the batch dimension */
  const void *init;     /* initial value (params, state), or NULL */
} tcc_tensor_desc;

typedef struct tcc_model {
  uint32_t abi_version; /* TCC_MODEL_ABI_VERSION */
  const char *model_name;
  int32_t num_params;
  const tcc_tensor_desc *params;
  int32_t num_state;            /* optimizer state, BatchNorm statistics, ... */
  const tcc_tensor_desc *state;
  int32_t num_inputs;
  const tcc_tensor_desc *inputs;
  tcc_tensor_desc labels;
  tcc_tensor_desc predictions;  /* eval_step's second output */
  int64_t batch;
  void (*train_step)(void **args);
  void (*eval_step)(void **args);
  /* The original ONNX model, for --export-onnx (trained weights replace the
     initializers named by params and state). */
  const uint8_t *onnx_model;
  size_t onnx_model_size;
  /* A digest of everything a checkpoint must agree with (names, shapes,
     dtypes, optimizer configuration), to reject another model's checkpoint. */
  uint64_t fingerprint;
  /* The configuration, as text, for logs and --report. */
  const char *config;
} tcc_model;

#define TCC_MODEL_ABI_VERSION 1u

#ifdef __cplusplus
}
#endif

#endif /* TCC_RUNTIME_MODEL_H */
