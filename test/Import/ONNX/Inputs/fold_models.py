"""ONNX models whose every input is a constant, for host-folding.test.

Usage: fold_models.py MODEL_NAME OUT_PATH

Each model applies one op to small constants, so the importer computes the
result on the host; the test checks the folded values.
"""

import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

I64 = TensorProto.INT64


def _fold(op, inputs, shape, opset=13, **attrs):
    """A graph computing `op` on the constants `inputs` (name -> array)."""
    node = helper.make_node(op, list(inputs), ["y"], name=op.lower(), **attrs)
    inits = [numpy_helper.from_array(np.asarray(v), k)
             for k, v in inputs.items()]
    graph = helper.make_graph(
        [node], "fold_test", [],
        [helper.make_tensor_value_info("y", I64, shape)], initializer=inits)
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 8
    return model


def _i64(v):
    return np.array(v, np.int64)


def expand():
    return _fold("Expand", {"x": _i64([[1], [2]]), "s": _i64([2, 3])}, [2, 3])


def tile():
    return _fold("Tile", {"x": _i64([[1, 2]]), "r": _i64([2, 2])}, [2, 4])


def slice_backwards():
    return _fold("Slice", {"x": _i64(np.arange(10).reshape(2, 5)),
                           "starts": _i64([4]), "ends": _i64([0]),
                           "axes": _i64([1]), "steps": _i64([-2])}, [2, 2])


def gather():
    return _fold("Gather", {"x": _i64([[1, 2], [3, 4], [5, 6]]),
                            "i": _i64([[2, -3]])}, [1, 2, 2], axis=0)


def gather_elements():
    return _fold("GatherElements", {"x": _i64([[1, 2], [3, 4]]),
                                    "i": _i64([[0, 0], [1, -2]])}, [2, 2],
                 axis=1)


def pad_reflect():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([2, 1])}, [6],
                 mode="reflect")


def pad_edge():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([2, 1])}, [6],
                 mode="edge")


def pad_crop():
    return _fold("Pad", {"x": _i64([1, 2, 3]), "p": _i64([-1, 2]),
                         "v": _i64(9)}, [4])


def where_broadcast():
    return _fold("Where", {"c": np.array([[True], [False]]),
                           "a": _i64([1, 2, 3]), "b": _i64(0)}, [2, 3])


def add_broadcast():
    return _fold("Add", {"a": _i64([[1], [2]]), "b": _i64([10, 20])}, [2, 2])


def div_by_zero():
    # Integer division by zero is left to the compiled code.
    return _fold("Div", {"a": _i64([1, 2]), "b": _i64([1, 0])}, [2])


MODELS = {name: fn for name, fn in globals().items()
          if callable(fn) and not name.startswith("_") and name != "main"}


def main(argv):
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: fold_models.py {%s} OUT_PATH\n"
                         % ",".join(sorted(MODELS)))
        return 2
    with open(argv[1], "wb") as f:
        f.write(MODELS[argv[0]]().SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
