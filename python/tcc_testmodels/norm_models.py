"""Small ONNX models for the normalization/reduction importer tests.

Usage: norm_models.py MODEL_NAME OUT_PATH

Each model is a single node (plus initializers) built with onnx.helper, so a
lit test can import it and check the tcc ops it decomposes into.
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
F64 = TensorProto.DOUBLE
I64 = TensorProto.INT64


def _model(node, inputs, outputs, opset, initializers=()):
    graph = helper.make_graph([node], node.op_type.lower(), inputs, outputs,
                              initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _t(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def _unary(op, opset, out_shape=(2, 3, 4), elem=F32, out_elem=None, **attrs):
    node = helper.make_node(op, ["x"], ["y"], name=op.lower(), **attrs)
    return _model(node, [_t("x", elem, [2, 3, 4])],
                  [_t("y", out_elem or elem, list(out_shape))], opset)


def _const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def softmax_axis1():
    return _unary("Softmax", 13, axis=1)


def softmax_legacy():
    # Opset < 13: the input is coerced to 2-D [2, 12] at axis 1.
    return _unary("Softmax", 11, axis=1)


def softmax_bad_axis():
    return _unary("Softmax", 13, axis=3)


def logsoftmax_f64():
    return _unary("LogSoftmax", 13, elem=F64)


def reduce_mean_axes():
    return _unary("ReduceMean", 13, (1, 3, 1), axes=[-1, 0, -1], keepdims=1)


def reduce_max_all():
    return _unary("ReduceMax", 13, (), keepdims=0)


def reduce_sum_axes_input():
    node = helper.make_node("ReduceSum", ["x", "axes"], ["y"],
                            name="reducesum", keepdims=0)
    return _model(node, [_t("x", F32, [2, 3, 4])], [_t("y", F32, [3])], 13,
                  [_const("axes", np.array([2, -3], dtype=np.int64))])


def reduce_mean_opset18():
    # From opset 18 every Reduce* op takes its axes as an input.
    node = helper.make_node("ReduceMean", ["x", "axes"], ["y"],
                            name="reducemean", keepdims=0)
    return _model(node, [_t("x", F32, [2, 3, 4])], [_t("y", F32, [2, 4])], 18,
                  [_const("axes", np.array([1], dtype=np.int64))])


def reduce_sum_noop():
    return _unary("ReduceSum", 13, noop_with_empty_axes=1)


def reduce_sum_dynamic_axes():
    node = helper.make_node("ReduceSum", ["x", "axes"], ["y"],
                            name="dynamic_axes")
    return _model(node, [_t("x", F32, [2, 3]), _t("axes", I64, [1])],
                  [_t("y", F32, [2, 1])], 13)


def reduce_log_sum_exp():
    return _unary("ReduceLogSumExp", 13, (2, 4), axes=[1], keepdims=0)


def argmax_last():
    return _unary("ArgMax", 13, (2, 3), out_elem=I64, axis=-1, keepdims=0,
                  select_last_index=1)


def cumsum_reverse():
    node = helper.make_node("CumSum", ["x", "axis"], ["y"], name="cumsum",
                            exclusive=1, reverse=1)
    return _model(node, [_t("x", F32, [2, 3])], [_t("y", F32, [2, 3])], 14,
                  [_const("axis", np.array(-1, dtype=np.int32))])


def _batchnorm(training):
    names = ["x", "scale", "bias", "mean", "var"]
    outputs = ["y", "running_mean", "running_var"] if training else ["y"]
    node = helper.make_node("BatchNormalization", names, outputs,
                            name="bn", epsilon=1e-3, momentum=0.8,
                            training_mode=int(training))
    inputs = [_t("x", F32, [2, 3, 4, 5])] + [_t(n, F32, [3]) for n in names[1:]]
    outs = [_t("y", F32, [2, 3, 4, 5])] + [_t(n, F32, [3]) for n in outputs[1:]]
    return _model(node, inputs, outs, 15)


def batchnorm_inference():
    return _batchnorm(False)


def batchnorm_training():
    return _batchnorm(True)


def instancenorm():
    node = helper.make_node("InstanceNormalization", ["x", "scale", "bias"],
                            ["y"], name="in", epsilon=1e-2)
    return _model(node, [_t("x", F32, [2, 3, 4]), _t("scale", F32, [3]),
                         _t("bias", F32, [3])], [_t("y", F32, [2, 3, 4])], 13)


def layernorm():
    node = helper.make_node("LayerNormalization", ["x", "scale", "bias"],
                            ["y", "mean", "inv_std_dev"], name="ln", axis=1)
    return _model(node, [_t("x", F32, [2, 3, 4]), _t("scale", F32, [3, 4]),
                         _t("bias", F32, [3, 4])],
                  [_t("y", F32, [2, 3, 4]), _t("mean", F32, [2, 1, 1]),
                   _t("inv_std_dev", F32, [2, 1, 1])], 17)


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and not name.startswith("_")
          and fn.__module__ == __name__ and name != "main"}


def main(argv):
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: norm_models.py {%s} OUT_PATH\n"
                         % ",".join(sorted(MODELS)))
        return 2
    with open(argv[1], "wb") as f:
        f.write(MODELS[argv[0]]().SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
