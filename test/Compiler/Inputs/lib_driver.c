/* Drives a --emit=lib build of compile_models.py's mlp (batch 8) through its
   generated header (passed with -include): init, three steps, eval, save,
   load. Prints the losses. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2)
    return 2;
  float x[8 * 4];
  int64_t labels[8];
  for (int i = 0; i < 8 * 4; ++i)
    x[i] = (float)((i * 37) % 11) / 5.0f - 1.0f;
  for (int i = 0; i < 8; ++i)
    labels[i] = i % 3;
  const void *inputs[1] = {x};
  tcc_trainer *t = tcc_trainer_create(tcc_get_model());
  if (!t) {
    fprintf(stderr, "create: %s\n", tcc_trainer_last_error(NULL));
    return 1;
  }
  float loss = 0, predictions[8 * 3];
  for (int s = 0; s < 3; ++s) {
    if (tcc_trainer_train_step(t, inputs, labels, &loss) != 0) {
      fprintf(stderr, "step: %s\n", tcc_trainer_last_error(t));
      return 1;
    }
    printf("step %lld loss %.6f\n", (long long)tcc_trainer_step_count(t), loss);
  }
  if (tcc_trainer_eval_step(t, inputs, labels, &loss, predictions) != 0 ||
      tcc_trainer_save(t, argv[1]) != 0 || tcc_trainer_load(t, argv[1]) != 0) {
    fprintf(stderr, "eval/save/load: %s\n", tcc_trainer_last_error(t));
    return 1;
  }
  printf("eval loss %.6f\n", loss);
  tcc_trainer_destroy(t);
  return 0;
}
