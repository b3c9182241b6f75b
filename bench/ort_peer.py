"""ONNX Runtime training as a benchmark peer (run with bench/.venv's python).

ORT trains an ONNX model as tcc does: `prepare` turns the exported forward
graph into ORT's training artifacts (a training graph with cross-entropy and
its gradient, an optimizer graph, a checkpoint of the initial weights);
`train` runs them on the same batches in order, timing each step (forward,
backward, optimizer, gradient reset) and writes the same JSON keys as the
reference workloads.py (`median_step_s` over the steps after the first 10,
`losses`).

  python bench/ort_peer.py prepare MODEL.onnx PARAMS.json OUT_DIR --optimizer adamw --weight-decay 0.01
  python bench/ort_peer.py train OUT_DIR DATA_DIR --batch 128 --lr 1e-3 --steps 60 --threads 2 --json F

ORT's optimizers are AdamW and plain SGD: there is no momentum, so a
workload trained with momentum runs with SGD here (same cost per step, up to
one axpy per parameter; the losses differ).
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
from onnx import helper, numpy_helper

WARMUP_STEPS = 10  # as workloads.py


def flatten_logits(model):
    """ONNX's SoftmaxCrossEntropyLoss takes classes on axis 1: a (B, T, V)
    output becomes (B*T, V), as the reference loss reshapes it."""
    out = model.graph.output[0]
    dims = out.type.tensor_type.shape.dim
    if len(dims) <= 2:
        return out.name
    vocab = dims[-1].dim_value
    if vocab <= 0:
        sys.exit("ort_peer.py: the model's output needs a static last dimension")
    shape_name, flat_name = "ort_peer_flat_shape", out.name + "_2d"
    model.graph.initializer.append(
        numpy_helper.from_array(np.array([-1, vocab], np.int64), shape_name))
    model.graph.node.append(helper.make_node("Reshape", [out.name, shape_name], [flat_name]))
    del model.graph.output[:]
    model.graph.output.append(
        helper.make_tensor_value_info(flat_name, out.type.tensor_type.elem_type, [None, vocab]))
    return flat_name


def expose_layer_norm_statistics(model):
    """PyTorch exports LayerNormalization with its output only; ORT's
    gradient builder reads the optional Mean and InvStdDev outputs."""
    for node in model.graph.node:
        if node.op_type == "LayerNormalization" and len(node.output) == 1:
            base = node.name or node.output[0]
            node.output.extend([base + "_mean", base + "_inv_std_dev"])


def prepare(args):
    from onnxruntime.training import artifacts, onnxblock
    model = onnx.load(args.model)
    with open(args.params) as f:
        params = json.load(f)
    names = {i.name for i in model.graph.initializer}
    missing = [p for p in params if p not in names]
    if missing:
        sys.exit(f"ort_peer.py: parameters not among the ONNX initializers: {missing[:5]}")
    flatten_logits(model)
    expose_layer_norm_statistics(model)
    if args.optimizer == "adamw":
        optimizer = onnxblock.optim.AdamW(eps=1e-8, weight_decay=args.weight_decay)
    else:
        optimizer = onnxblock.optim.SGD()
    os.makedirs(args.out, exist_ok=True)
    artifacts.generate_artifacts(model, requires_grad=params,
                                 frozen_params=sorted(names - set(params)),
                                 loss=artifacts.LossType.CrossEntropyLoss,
                                 optimizer=optimizer, artifact_directory=args.out)
    # A newer `onnx` than ORT's stamps the optimizer graph with an IR version
    # ORT cannot load; its ops (opset 17, com.microsoft) need no newer one.
    path = os.path.join(args.out, "optimizer_model.onnx")
    opt_model = onnx.load(path)
    if opt_model.ir_version > model.ir_version:
        opt_model.ir_version = model.ir_version
        onnx.save(opt_model, path)


def load_ort_without_torch():
    """ORT's training build imports PyTorch when present (for ORTModule),
    which would add ~700 MB to the peak memory measured here; the training
    API's C bindings need none of it."""
    sys.modules.setdefault("torch", None)
    import onnxruntime
    from onnxruntime.capi import _pybind_state
    return onnxruntime, _pybind_state


def train(args):
    ort, C = load_ort_without_torch()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    device = C.OrtDevice(C.OrtDevice.cpu(), C.OrtDevice.default_memory(), 0)
    state = C.load_checkpoint(os.path.join(args.artifacts, "checkpoint"))
    module = C.Module(os.path.join(args.artifacts, "training_model.onnx"), state, None,
                      device, options)
    opt = C.Optimizer(os.path.join(args.artifacts, "optimizer_model.onnx"), state,
                      device, options)
    opt.set_learning_rate(args.lr)
    # Held in memory, as tcc and workloads.py do: peak memories compare.
    x = np.load(os.path.join(args.data, "train_x.npy"))
    y = np.load(os.path.join(args.data, "train_y.npy"))
    batches = len(x) // args.batch
    losses, times = [], []
    for s in range(args.steps):
        i = s % batches
        xb = np.ascontiguousarray(x[i * args.batch:(i + 1) * args.batch])
        yb = np.ascontiguousarray(y[i * args.batch:(i + 1) * args.batch]).reshape(-1)
        t = time.perf_counter()
        fetches = C.OrtValueVector()
        module.train_step([xb, yb], fetches)
        opt.optimizer_step()
        module.lazy_reset_grad()
        loss = fetches[0].numpy()
        times.append(time.perf_counter() - t)
        losses.append(float(loss))
    warm = times[min(WARMUP_STEPS, len(times) - 1):]
    result = {"steps": args.steps, "threads": args.threads, "batch": args.batch,
              "onnxruntime": ort.__version__, "losses": losses,
              "median_step_s": float(np.median(warm)), "min_step_s": float(np.min(warm))}
    print(f"ort: median step {result['median_step_s'] * 1e3:.2f} ms, "
          f"last loss {losses[-1]:.4f}")
    with open(args.json, "w") as f:
        json.dump(result, f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="action", required=True)
    p = sub.add_parser("prepare", help="generate ORT's training artifacts")
    p.add_argument("model")
    p.add_argument("params", help="JSON list of the trainable initializers' names")
    p.add_argument("out")
    p.add_argument("--optimizer", choices=["adamw", "sgd"], required=True)
    p.add_argument("--weight-decay", type=float, default=0.0)
    t = sub.add_parser("train", help="train with prepared artifacts")
    t.add_argument("artifacts")
    t.add_argument("data", help="directory with train_x.npy and train_y.npy")
    t.add_argument("--batch", type=int, required=True)
    t.add_argument("--lr", type=float, required=True)
    t.add_argument("--steps", type=int, default=60)
    t.add_argument("--threads", type=int, default=1)
    t.add_argument("--json", required=True)
    args = ap.parse_args()
    (prepare if args.action == "prepare" else train)(args)


if __name__ == "__main__":
    main()
