"""Small ONNX models for the training-versus-inference importer tests.

Usage:
  training_models.py MODEL_NAME OUT_PATH      write a model
  training_models.py input OUT.npy            write the models' input x
  training_models.py check-bn X.npy OUT_DIR   compare tcc-run's outputs of
                                              bn_dropout_training (Dropout
                                              off: ratio 0) with PyTorch

BatchNormalization with its statistics as initializers (parameters in tcc),
exported the way PyTorch's TRAINING-mode exporter writes it: training_mode=1,
three node outputs of which only `y` is a graph output. In training mode the
running statistics are model state; with --inference they are parameters
read by the inference formula.
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
SHAPE = [4, 3, 2, 2]  # N, C, H, W: 16 values per channel
MOMENTUM = 0.9        # ONNX's momentum = 1 - PyTorch's (0.1)
EPSILON = 1e-5


def _t(name, shape):
    return helper.make_tensor_value_info(name, F32, shape)


def _bn_params():
    rng = np.random.default_rng(7)
    c = SHAPE[1]
    return {
        "bn.weight": rng.uniform(0.5, 1.5, c).astype(np.float32),
        "bn.bias": rng.uniform(-0.5, 0.5, c).astype(np.float32),
        "bn.running_mean": rng.uniform(-0.2, 0.2, c).astype(np.float32),
        "bn.running_var": rng.uniform(0.5, 2.0, c).astype(np.float32),
    }


def _model(nodes, opset):
    inits = [numpy_helper.from_array(v, k) for k, v in _bn_params().items()]
    graph = helper.make_graph(nodes, "training", [_t("x", SHAPE)],
                              [_t("y", SHAPE)], initializer=inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _bn_node(out, training_mode=1):
    return helper.make_node(
        "BatchNormalization",
        ["x", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
        [out, "bn.mean_out", "bn.var_out"], name="bn", epsilon=EPSILON,
        momentum=MOMENTUM, training_mode=training_mode)


def bn_dropout_training(ratio=0.0):
    """BatchNorm then Dropout, both in training mode (opset 15); ratio and
    training_mode are Constant nodes, as PyTorch exports them."""
    consts = [
        helper.make_node("Constant", [], ["ratio"], name="ratio",
                         value=numpy_helper.from_array(np.array(ratio, np.float32))),
        helper.make_node("Constant", [], ["train"], name="train",
                         value=numpy_helper.from_array(np.array(True)))]
    drop = helper.make_node("Dropout", ["bn_out", "ratio", "train"], ["y"],
                            name="dropout", seed=3)
    return _model(consts + [_bn_node("bn_out"), drop], 15)


def bn_dropout_half():
    """The same with Dropout's ratio 0.5: a random mask unless --inference."""
    return bn_dropout_training(0.5)


def bn_eval_mode():
    """training_mode=0: the model itself asks for inference semantics."""
    return _model([_bn_node("y", training_mode=0)], 15)


def bn_opset9_training():
    """Opset 9: five outputs (running and saved statistics) mean training."""
    node = helper.make_node(
        "BatchNormalization",
        ["x", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
        ["y", "bn.mean_out", "bn.var_out", "bn.saved_mean", "bn.saved_var"],
        name="bn", epsilon=EPSILON, momentum=MOMENTUM)
    return _model([node], 9)


def bn_shared_stats():
    """Two training-mode BatchNorms sharing their running statistics: two
    updates of one state, which tcc rejects."""
    second = helper.make_node(
        "BatchNormalization",
        ["bn_out", "bn.weight", "bn.bias", "bn.running_mean", "bn.running_var"],
        ["y", "bn2.mean_out", "bn2.var_out"], name="bn2", epsilon=EPSILON,
        momentum=MOMENTUM, training_mode=1)
    return _model([_bn_node("bn_out"), second], 15)


def _input():
    return np.random.default_rng(11).normal(0.3, 2.0, SHAPE).astype(np.float32)


def check_bn(x_path, out_dir):
    """tcc-run's outputs (y, new running mean, new running var) of
    bn_dropout_training against torch.nn.BatchNorm2d in train mode."""
    import os
    import torch
    x = np.load(x_path)
    p = _bn_params()
    bn = torch.nn.BatchNorm2d(SHAPE[1], eps=EPSILON, momentum=1 - MOMENTUM)
    with torch.no_grad():
        bn.weight.copy_(torch.from_numpy(p["bn.weight"]))
        bn.bias.copy_(torch.from_numpy(p["bn.bias"]))
        bn.running_mean.copy_(torch.from_numpy(p["bn.running_mean"]))
        bn.running_var.copy_(torch.from_numpy(p["bn.running_var"]))
        bn.train()
        y = bn(torch.from_numpy(x)).numpy()
    want = {0: y, 1: bn.running_mean.numpy(), 2: bn.running_var.numpy()}
    ok = True
    for i, ref in want.items():
        got = np.load(os.path.join(out_dir, "output_%d.npy" % i))
        err = float(np.max(np.abs(got - ref) / (np.abs(ref) + 1e-6)))
        good = got.shape == ref.shape and err < 1e-5
        ok &= good
        print("output_%d: max relative error %.2e %s" %
              (i, err, "ok" if good else "MISMATCH"))
    return 0 if ok else 1


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and not name.startswith("_")
          and fn.__module__ == __name__ and name not in ("main", "check_bn")}


def main(argv):
    if len(argv) == 2 and argv[0] == "input":
        np.save(argv[1], _input())
        return 0
    if len(argv) == 3 and argv[0] == "check-bn":
        return check_bn(argv[1], argv[2])
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: training_models.py {%s} OUT_PATH | input "
                         "OUT.npy | check-bn X.npy OUT_DIR\n"
                         % ",".join(sorted(MODELS)))
        return 2
    with open(argv[1], "wb") as f:
        f.write(MODELS[argv[0]]().SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
