"""Small ONNX models for the shape, data-movement and host-folding importer
tests.

Usage: shape_models.py MODEL_NAME OUT_PATH

Each model is a few nodes built with onnx.helper, so a lit test can import it
and check which tcc ops it becomes (or that it folds away at import).
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

F32 = TensorProto.FLOAT
I64 = TensorProto.INT64


def _model(nodes, inputs, outputs, opset, initializers=()):
    graph = helper.make_graph(nodes, "shape_test", inputs, outputs,
                              initializer=list(initializers))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _t(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def _const(name, array):
    return numpy_helper.from_array(np.asarray(array), name)


def reshape_chain():
    # What torch.onnx exports for x.view(x.size(0), -1): the target shape is
    # computed from x's shape at run time, but shapes are static, so the
    # whole chain folds to one reshape.
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "zero"], ["batch"], axis=0),
        helper.make_node("Unsqueeze", ["batch", "axes0"], ["batch1"]),
        helper.make_node("Concat", ["batch1", "minus_one"], ["target"], axis=0),
        helper.make_node("Reshape", ["x", "target"], ["y"]),
    ]
    inits = [_const("zero", np.int64(0)), _const("axes0", np.array([0])),
             _const("minus_one", np.array([-1]))]
    return _model(nodes, [_t("x", F32, [2, 3, 4])], [_t("y", F32, [2, 12])],
                  13, inits)


def reshape_unknown_shape():
    # The target shape is a graph input whose value is not given: an error.
    node = helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")
    return _model([node], [_t("x", F32, [2, 3]), _t("shape", I64, [2])],
                  [_t("y", F32, None)], 13)


def reshape_bad_count():
    node = helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape")
    return _model([node], [_t("x", F32, [2, 3])], [_t("y", F32, None)], 13,
                  [_const("shape", np.array([4, -1]))])


def slice_negative_step():
    # x[3:0:-2, -4:] on a [4, 10] tensor (ends past the bounds are clamped).
    node = helper.make_node("Slice", ["x", "starts", "ends", "axes", "steps"],
                            ["y"])
    inits = [_const("starts", np.array([3, -4])),
             _const("ends", np.array([0, 1000])),
             _const("axes", np.array([0, 1])),
             _const("steps", np.array([-2, 1]))]
    return _model([node], [_t("x", F32, [4, 10])], [_t("y", F32, [2, 4])], 13,
                  inits)


def split_uneven():
    # Opset 18's num_outputs: 7 rows in chunks of 3, 3 and 1.
    node = helper.make_node("Split", ["x"], ["a", "b", "c"], axis=0,
                            num_outputs=3)
    return _model([node], [_t("x", F32, [7, 2])],
                  [_t("a", F32, [3, 2]), _t("b", F32, [3, 2]),
                   _t("c", F32, [1, 2])], 18)


def expand_bidirectional():
    # [3, 1] expanded with shape [2, 1, 4] gives [2, 3, 4].
    node = helper.make_node("Expand", ["x", "shape"], ["y"])
    return _model([node], [_t("x", F32, [3, 1])], [_t("y", F32, [2, 3, 4])],
                  13, [_const("shape", np.array([2, 1, 4]))])


def tile():
    node = helper.make_node("Tile", ["x", "repeats"], ["y"])
    return _model([node], [_t("x", F32, [2, 3])], [_t("y", F32, [4, 3])], 13,
                  [_const("repeats", np.array([2, 1]))])


def pad_negative():
    # Crops one column on the left, pads one row below with 5.
    node = helper.make_node("Pad", ["x", "pads", "value"], ["y"],
                            mode="constant")
    inits = [_const("pads", np.array([0, -1, 1, 0])),
             _const("value", np.float32(5))]
    return _model([node], [_t("x", F32, [2, 3])], [_t("y", F32, [3, 2])], 13,
                  inits)


def pad_wrap():
    node = helper.make_node("Pad", ["x", "pads"], ["y"], mode="wrap",
                            name="pad")
    return _model([node], [_t("x", F32, [2, 3])], [_t("y", F32, None)], 18,
                  [_const("pads", np.array([0, 1, 0, 1]))])


def squeeze_legacy():
    # Opset 11: axes are attributes; Squeeze then Unsqueeze become reshapes.
    nodes = [helper.make_node("Squeeze", ["x"], ["s"], axes=[1]),
             helper.make_node("Unsqueeze", ["s"], ["y"], axes=[0, -1])]
    return _model(nodes, [_t("x", F32, [2, 1, 3])],
                  [_t("y", F32, [1, 2, 3, 1])], 11)


def gather_runtime_indices():
    node = helper.make_node("Gather", ["table", "ids"], ["y"], axis=0)
    return _model([node], [_t("table", F32, [5, 4]), _t("ids", I64, [2, 3])],
                  [_t("y", F32, [2, 3, 4])], 13)


def constant_fold():
    # ConstantOfShape, Range, Transpose and Concat of constants all fold.
    nodes = [
        helper.make_node("ConstantOfShape", ["shape"], ["ones"],
                         value=numpy_helper.from_array(np.array([1], np.int64))),
        helper.make_node("Range", ["start", "limit", "delta"], ["r"]),
        helper.make_node("Reshape", ["r", "shape_t"], ["r2"]),
        helper.make_node("Transpose", ["r2"], ["rt"]),
        helper.make_node("Concat", ["ones", "rt"], ["y"], axis=0),
    ]
    inits = [_const("shape", np.array([3, 2])),
             _const("shape_t", np.array([2, 3])), _const("start", np.int64(0)),
             _const("limit", np.int64(6)), _const("delta", np.int64(1))]
    return _model(nodes, [], [_t("y", I64, [6, 2])], 13, inits)


def concat_empty():
    # The zero-size input is dropped; one input remains, so no concat.
    node = helper.make_node("Concat", ["x", "e"], ["y"], axis=1)
    return _model([node], [_t("x", F32, [2, 3]), _t("e", F32, [2, 0])],
                  [_t("y", F32, [2, 3])], 13)


# Host folding (host-folding.test): one op applied to small constants, which
# the importer computes itself.
def _fold(op, inputs, shape, opset=13, **attrs):
    """A graph computing `op` on the constants `inputs` (name -> array)."""
    node = helper.make_node(op, list(inputs), ["y"], name=op.lower(), **attrs)
    inits = [numpy_helper.from_array(np.asarray(v), k)
             for k, v in inputs.items()]
    return _model([node], [], [_t("y", I64, shape)], opset, inits)


def _i64(v):
    return np.array(v, np.int64)


def fold_expand():
    return _fold("Expand", {"x": _i64([[1], [2]]), "s": _i64([2, 3])}, [2, 3])


def fold_tile():
    return _fold("Tile", {"x": _i64([[1, 2]]), "r": _i64([2, 2])}, [2, 4])


def fold_slice_backwards():
    return _fold("Slice", {"x": _i64(np.arange(10).reshape(2, 5)),
                           "starts": _i64([4]), "ends": _i64([0]),
                           "axes": _i64([1]), "steps": _i64([-2])}, [2, 2])


def fold_gather():
    return _fold("Gather", {"x": _i64([[1, 2], [3, 4], [5, 6]]),
                            "i": _i64([[2, -3]])}, [1, 2, 2], axis=0)


def fold_gather_elements():
    return _fold("GatherElements", {"x": _i64([[1, 2], [3, 4]]),
                                    "i": _i64([[0, 0], [1, -2]])}, [2, 2],
                 axis=1)


def fold_pad_reflect():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([2, 1])}, [6],
                 mode="reflect")


def fold_pad_edge():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([2, 1])}, [6],
                 mode="edge")


def fold_pad_crop():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([-1, 2]),
                         "v": _i64(9)}, [4])


def fold_where_broadcast():
    return _fold("Where", {"c": np.array([[True], [False]]),
                           "a": _i64([1, 2, 3]), "b": _i64(0)}, [2, 3])


def fold_add_broadcast():
    return _fold("Add", {"a": _i64([[1], [2]]), "b": _i64([10, 20])}, [2, 2])


def fold_div_by_zero():
    # Integer division by zero is left to the compiled code.
    return _fold("Div", {"a": _i64([1, 2]), "b": _i64([1, 0])}, [2])


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and not name.startswith("_") and name != "main"}


def main(argv):
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: shape_models.py {%s} OUT_PATH\n"
                         % ",".join(sorted(MODELS)))
        return 2
    with open(argv[1], "wb") as f:
        f.write(MODELS[argv[0]]().SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
