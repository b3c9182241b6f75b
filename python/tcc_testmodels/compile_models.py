"""Small trainable ONNX models for tcc-compile's tests.

  python3 -m tcc_testmodels.compile_models NAME OUT_PATH [DATA_DIR]

With DATA_DIR, also writes a small data set there (x.npy, y.npy) that the
model can train on.
"""
import os
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper, save_model


def _init(name, shape, rng):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) / np.sqrt(shape[0])).astype(np.float32), name)


def mlp():
    """A two-layer classifier: x[N,4] -> Gemm(8) -> Relu -> Gemm(3) logits."""
    rng = np.random.default_rng(0)
    inits = [_init("fc1.weight", [8, 4], rng), _init("fc1.bias", [8], rng),
             _init("fc2.weight", [3, 8], rng), _init("fc2.bias", [3], rng)]
    nodes = [helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"],
                              name="fc1", transB=1),
             helper.make_node("Relu", ["h"], ["r"], name="relu"),
             helper.make_node("Gemm", ["r", "fc2.weight", "fc2.bias"], ["logits"],
                              name="fc2", transB=1)]
    g = helper.make_graph(nodes, "mlp",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def linear():
    """A regression model: y[N,2] = x[N,4] @ W + b."""
    rng = np.random.default_rng(1)
    inits = [_init("W", [4, 2], rng), _init("b", [2], rng)]
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"], name="matmul"),
             helper.make_node("Add", ["xw", "b"], ["y"], name="bias")]
    g = helper.make_graph(nodes, "linear",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 2])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def batchnorm():
    """A classifier with BatchNormalization in training mode: x[N,4] -> Gemm(8)
    -> BatchNorm (batch statistics; running statistics become state) -> Relu
    -> Gemm(3)."""
    rng = np.random.default_rng(3)
    inits = [_init("fc1.weight", [8, 4], rng), _init("fc1.bias", [8], rng),
             numpy_helper.from_array(np.ones(8, np.float32), "bn.weight"),
             numpy_helper.from_array(np.zeros(8, np.float32), "bn.bias"),
             numpy_helper.from_array(np.zeros(8, np.float32), "bn.running_mean"),
             numpy_helper.from_array(np.ones(8, np.float32), "bn.running_var"),
             _init("fc2.weight", [3, 8], rng), _init("fc2.bias", [3], rng)]
    nodes = [helper.make_node("Gemm", ["x", "fc1.weight", "fc1.bias"], ["h"],
                              name="fc1", transB=1),
             helper.make_node("BatchNormalization",
                              ["h", "bn.weight", "bn.bias", "bn.running_mean",
                               "bn.running_var"], ["n", "mean_out", "var_out"],
                              name="bn", momentum=0.9, training_mode=1),
             helper.make_node("Relu", ["n"], ["r"], name="relu"),
             helper.make_node("Gemm", ["r", "fc2.weight", "fc2.bias"], ["logits"],
                              name="fc2", transB=1)]
    g = helper.make_graph(nodes, "batchnorm",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 15)])


def conv():
    """A small convolutional classifier: x[N,1,6,6] -> Conv(4, 3x3, pad 1) ->
    Relu -> Conv(2, 3x3, pad 1) -> Flatten -> Gemm(3)."""
    rng = np.random.default_rng(4)
    inits = [_init("conv1.weight", [4, 1, 3, 3], rng), _init("conv1.bias", [4], rng),
             _init("conv2.weight", [2, 4, 3, 3], rng), _init("conv2.bias", [2], rng),
             _init("fc.weight", [3, 72], rng), _init("fc.bias", [3], rng)]
    nodes = [helper.make_node("Conv", ["x", "conv1.weight", "conv1.bias"], ["c1"],
                              name="conv1", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"], name="relu"),
             helper.make_node("Conv", ["r1", "conv2.weight", "conv2.bias"], ["c2"],
                              name="conv2", kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
             helper.make_node("Flatten", ["c2"], ["f"], name="flatten"),
             helper.make_node("Gemm", ["f", "fc.weight", "fc.bias"], ["logits"],
                              name="fc", transB=1)]
    g = helper.make_graph(nodes, "conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 1, 6, 6])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 3])],
                          inits)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def write_data(name, data_dir, n=64):
    """Separable data: classes by the sign pattern of two features; a noiseless
    linear target for regression."""
    rng = np.random.default_rng(2)
    x = rng.standard_normal((n, 4)).astype(np.float32)
    if name in ("mlp", "batchnorm"):
        y = ((x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0).astype(np.int64))
    else:
        y = (x @ np.array([[1, -1], [2, 0], [0, 1], [-1, 1]], np.float32)).astype(np.float32)
    os.makedirs(data_dir, exist_ok=True)
    np.save(os.path.join(data_dir, "x.npy"), x)
    np.save(os.path.join(data_dir, "y.npy"), y)


MODELS = {"mlp": mlp, "linear": linear, "batchnorm": batchnorm, "conv": conv}


def torch_losses(name, model_path, data_dir, batch, steps, optimizer, lr):
    """The first `steps` losses of PyTorch training the ONNX model's
    initializers on the data in order (no shuffling)."""
    import onnx
    import torch
    model = onnx.load(model_path)
    p = {i.name: torch.tensor(numpy_helper.to_array(i)).clone().requires_grad_()
         for i in model.graph.initializer}
    x = torch.tensor(np.load(os.path.join(data_dir, "x.npy")))
    y = torch.tensor(np.load(os.path.join(data_dir, "y.npy")))
    opt = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam,
           "adamw": torch.optim.AdamW}[optimizer](list(p.values()), lr=lr)
    losses = []
    for s in range(steps):
        rows = slice((s * batch) % len(x), (s * batch) % len(x) + batch)
        xb, yb = x[rows], y[rows]
        if name == "mlp":
            h = torch.relu(xb @ p["fc1.weight"].T + p["fc1.bias"])
            loss = torch.nn.functional.cross_entropy(h @ p["fc2.weight"].T + p["fc2.bias"], yb)
        else:
            loss = torch.nn.functional.mse_loss(xb @ p["W"] + p["b"], yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def check_log(argv):
    """check-log NAME MODEL DATA_DIR LOG.jsonl BATCH OPTIMIZER LR: compares a
    training binary's logged losses with PyTorch's (rtol 1e-4)."""
    import json
    name, model_path, data_dir, log, batch, optimizer, lr = argv
    with open(log) as f:
        got = [json.loads(line)["loss"] for line in f if line.strip()]
    want = torch_losses(name, model_path, data_dir, int(batch), len(got), optimizer, float(lr))
    for step, (g, w) in enumerate(zip(got, want), 1):
        print("step %d: tcc %.6f torch %.6f" % (step, g, w))
        if not np.isclose(g, w, rtol=1e-4, atol=1e-6):
            print("MISMATCH at step %d" % step)
            return 1
    print("%d steps match" % len(got) if got else "no steps logged")
    return 0 if got else 1


def main(argv):
    if argv[:1] == ["check-log"] and len(argv) == 8:
        return check_log(argv[1:])
    if len(argv) not in (2, 3) or argv[0] not in MODELS:
        sys.stderr.write("usage: compile_models.py {%s} OUT_PATH [DATA_DIR]\n"
                         % "|".join(MODELS))
        return 2
    save_model(MODELS[argv[0]](), argv[1])
    if len(argv) == 3:
        write_data(argv[0], argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
