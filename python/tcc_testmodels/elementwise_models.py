"""Small ONNX models for the elementwise importer tests.

Usage: elementwise_models.py MODEL_NAME OUT_PATH

Each model is one or a few nodes built with onnx.helper, so a lit test can
import it and check which tcc ops it becomes, that it folds away at import,
or which error it gives.
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
I64 = TensorProto.INT64
BOOL = TensorProto.BOOL


def _model(nodes, inputs, outputs, opset=13, initializers=()):
    graph = helper.make_graph(nodes, "elementwise_test", inputs, outputs,
                              initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _t(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def _const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def _unary(op, opset=13, shape=(2, 3), elem=F32, out_elem=None, **attrs):
    node = helper.make_node(op, ["x"], ["y"], name=op.lower(), **attrs)
    return _model([node], [_t("x", elem, list(shape))],
                  [_t("y", out_elem or elem, list(shape))], opset)


def relu():
    return _unary("Relu")


def leakyrelu():
    return _unary("LeakyRelu", alpha=0.1)


def elu():
    return _unary("Elu")


def selu():
    return _unary("Selu")


def softplus():
    return _unary("Softplus")


def gelu_tanh():
    return _unary("Gelu", opset=18, approximate="tanh")


def hardsigmoid():
    return _unary("HardSigmoid")


def sigmoid():
    return _unary("Sigmoid")


def prelu():
    # The slope is a parameter broadcast over the channels.
    node = helper.make_node("PRelu", ["x", "slope"], ["y"], name="prelu")
    return _model([node], [_t("x", F32, [2, 3, 4])], [_t("y", F32, [2, 3, 4])],
                  13, [_const("slope", np.full((3, 1), 0.25, np.float32))])


def prelu_bad_slope():
    # The slope would broadcast x to a larger shape: not allowed.
    node = helper.make_node("PRelu", ["x", "slope"], ["y"], name="prelu")
    return _model([node], [_t("x", F32, [3]), _t("slope", F32, [2, 3])],
                  [_t("y", F32, [3])])


def clip_min_only():
    # Opset 11+: bounds are optional inputs; max is absent.
    node = helper.make_node("Clip", ["x", "lo", ""], ["y"], name="clip")
    return _model([node], [_t("x", F32, [4]), _t("lo", F32, [])],
                  [_t("y", F32, [4])])


def clip_attrs():
    # Opset 6-10: bounds are attributes.
    return _unary("Clip", opset=10, min=-1.0, max=1.0)


def sum_broadcast():
    node = helper.make_node("Sum", ["a", "b", "c"], ["y"], name="sum")
    return _model([node], [_t("a", F32, [2, 3]), _t("b", F32, [3]),
                           _t("c", F32, [2, 1])], [_t("y", F32, [2, 3])])


def mean():
    node = helper.make_node("Mean", ["a", "b"], ["y"], name="mean")
    return _model([node], [_t("a", F32, [3]), _t("b", F32, [3])],
                  [_t("y", F32, [3])])


def max_int():
    node = helper.make_node("Max", ["a", "b"], ["y"], name="max")
    return _model([node], [_t("a", I64, [3]), _t("b", I64, [])],
                  [_t("y", I64, [3])])


def where():
    node = helper.make_node("Where", ["c", "x", "y"], ["z"], name="where")
    return _model([node], [_t("c", BOOL, [2, 1]), _t("x", F32, [3]),
                           _t("y", F32, [2, 3])], [_t("z", F32, [2, 3])])


def compare_logic():
    nodes = [
        helper.make_node("Less", ["a", "b"], ["lt"]),
        helper.make_node("GreaterOrEqual", ["a", "b"], ["ge"]),
        helper.make_node("Xor", ["lt", "ge"], ["x"]),
        helper.make_node("Not", ["x"], ["y"]),
    ]
    return _model(nodes, [_t("a", F32, [4]), _t("b", F32, [4])],
                  [_t("y", BOOL, [4])])


def pow_int_float():
    # An int64 base with a float exponent is computed in float.
    node = helper.make_node("Pow", ["x", "e"], ["y"], name="pow")
    return _model([node], [_t("x", I64, [3]), _t("e", F32, [])],
                  [_t("y", I64, [3])], 15)


def cast():
    return _unary("Cast", elem=F32, out_elem=I64, to=I64)


def cast_float16():
    return _unary("Cast", elem=F32, out_elem=TensorProto.FLOAT16,
                  to=TensorProto.FLOAT16)


def add_mixed_types():
    node = helper.make_node("Add", ["a", "b"], ["y"], name="add")
    return _model([node], [_t("a", F32, [3]), _t("b", I64, [3])],
                  [_t("y", F32, [3])])


def dropout_inference():
    node = helper.make_node("Dropout", ["x"], ["y", "mask"], name="dropout")
    return _model([node], [_t("x", F32, [2, 3])],
                  [_t("y", F32, [2, 3]), _t("mask", BOOL, [2, 3])])


def dropout_training():
    # ratio and training_mode come from Constant nodes, as torch exports
    # them (a float initializer would be a trainable parameter).
    nodes = [
        helper.make_node("Constant", [], ["ratio"],
                         value=_const("r", np.float32(0.25))),
        helper.make_node("Constant", [], ["training"],
                         value=_const("t", np.bool_(True))),
        helper.make_node("Dropout", ["x", "ratio", "training"],
                         ["y", "mask"], name="dropout", seed=7),
    ]
    return _model(nodes, [_t("x", F32, [2, 3])],
                  [_t("y", F32, [2, 3]), _t("mask", BOOL, [2, 3])])


def fold_shape_arith():
    # The integer arithmetic PyTorch exports around shapes: all inputs are
    # known, so every node is computed at import time.
    nodes = [
        helper.make_node("Mul", ["dims", "two"], ["m"]),
        helper.make_node("Div", ["m", "minus_three"], ["d"]),
        helper.make_node("Equal", ["d", "minus_two"], ["eq"]),
        helper.make_node("Where", ["eq", "m", "zero"], ["w"]),
        helper.make_node("Neg", ["w"], ["n"]),
        helper.make_node("Min", ["n", "minus_seven"], ["mn"]),
        helper.make_node("Cast", ["mn"], ["f"], to=F32),
        helper.make_node("Identity", ["f"], ["out_f"]),
        helper.make_node("Sub", ["mn", "one"], ["out_i"]),
    ]
    inits = [_const("dims", np.array([2, 3, 4], np.int64)),
             _const("two", np.int64(2)),
             _const("minus_three", np.array([-3], np.int64)),
             _const("minus_two", np.int64(-2)),
             _const("zero", np.int64(0)),
             _const("minus_seven", np.int64(-7)),
             _const("one", np.int64(1))]
    return _model(nodes, [], [_t("out_i", I64, [3]), _t("out_f", F32, [3])],
                  13, inits)


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and not name.startswith("_")
          and fn.__module__ == __name__ and name != "main"}


def main(argv):
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: elementwise_models.py {%s} OUT_PATH\n"
                         % ",".join(sorted(MODELS)))
        return 2
    with open(argv[1], "wb") as f:
        f.write(MODELS[argv[0]]().SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
