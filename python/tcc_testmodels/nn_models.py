"""Small ONNX models exercising the importer of contractions, convolutions
and pooling (lib/Import/ONNX/ImportNN.cpp).

Usage: nn_models.py MODEL_NAME OUT_PATH
The models are built at test time so no binary model is committed.
"""

import sys

from onnx import TensorProto, checker, helper

OPSET = 17


def _model(node, inputs, outputs, name):
    """A one-node float32 model; `inputs`/`outputs` are (name, shape) pairs."""
    vi = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    graph = helper.make_graph([node], name, [vi(*i) for i in inputs],
                              [vi(*o) for o in outputs])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", OPSET)])


def gemm_transb():
    node = helper.make_node("Gemm", ["A", "B", "C"], ["Y"], transB=1,
                            alpha=0.5, beta=2.0)
    return _model(node, [("A", [2, 3]), ("B", [4, 3]), ("C", [4])],
                  [("Y", [2, 4])], "gemm_transb")


def matmul_vector():
    node = helper.make_node("MatMul", ["A", "B"], ["Y"])
    return _model(node, [("A", [3]), ("B", [2, 3, 4])], [("Y", [2, 4])],
                  "matmul_vector")


def conv_same_upper_groups():
    # in 6, stride 2, kernel 3: total padding 1, which SAME_UPPER puts last.
    node = helper.make_node("Conv", ["X", "W", "B"], ["Y"],
                            auto_pad="SAME_UPPER", group=2, strides=[2, 2])
    return _model(node, [("X", [1, 4, 6, 6]), ("W", [6, 2, 3, 3]),
                         ("B", [6])], [("Y", [1, 6, 3, 3])],
                  "conv_same_upper_groups")


def matmul_mismatch():
    node = helper.make_node("MatMul", ["A", "B"], ["Y"])
    return _model(node, [("A", [2, 3]), ("B", [4, 5])], [("Y", [2, 5])],
                  "matmul_mismatch")


def conv_bad_kernel_shape():
    node = helper.make_node("Conv", ["X", "W"], ["Y"], kernel_shape=[2, 2])
    return _model(node, [("X", [1, 1, 5, 5]), ("W", [1, 1, 3, 3])],
                  [("Y", [1, 1, 3, 3])], "conv_bad_kernel_shape")


def conv_transpose_output_shape():
    # The natural size is 9x7: one row and column of output padding.
    node = helper.make_node("ConvTranspose", ["X", "W"], ["Y"],
                            strides=[3, 2], output_shape=[10, 8])
    return _model(node, [("X", [1, 1, 3, 3]), ("W", [1, 2, 3, 3])],
                  [("Y", [1, 2, 10, 8])], "conv_transpose_output_shape")


def conv_transpose_same_upper():
    node = helper.make_node("ConvTranspose", ["X", "W"], ["Y"],
                            strides=[2, 2], auto_pad="SAME_UPPER")
    return _model(node, [("X", [1, 1, 3, 3]), ("W", [1, 2, 3, 3])],
                  [("Y", [1, 2, 6, 6])], "conv_transpose_same_upper")


def maxpool_ceil():
    node = helper.make_node("MaxPool", ["X"], ["Y"], kernel_shape=[3, 3],
                            strides=[2, 2], ceil_mode=1)
    return _model(node, [("X", [1, 1, 4, 4])], [("Y", [1, 1, 2, 2])],
                  "maxpool_ceil")


def maxpool_indices():
    node = helper.make_node("MaxPool", ["X"], ["Y", "I"], kernel_shape=[2, 2])
    model = _model(node, [("X", [1, 1, 4, 4])], [("Y", [1, 1, 3, 3])],
                   "maxpool_indices")
    model.graph.output.append(
        helper.make_tensor_value_info("I", TensorProto.INT64, [1, 1, 3, 3]))
    return model


def avgpool_same_lower():
    node = helper.make_node("AveragePool", ["X"], ["Y"], kernel_shape=[2, 2],
                            auto_pad="SAME_LOWER")
    return _model(node, [("X", [1, 3, 5, 5])], [("Y", [1, 3, 5, 5])],
                  "avgpool_same_lower")


def global_avgpool():
    node = helper.make_node("GlobalAveragePool", ["X"], ["Y"])
    return _model(node, [("X", [2, 3, 4, 5])], [("Y", [2, 3, 1, 1])],
                  "global_avgpool")


def einsum_ellipsis():
    # Implicit output; the batch ellipsis broadcasts [2, 1] against [5].
    node = helper.make_node("Einsum", ["X", "Z"], ["Y"],
                            equation="...ij, ...jk")
    return _model(node, [("X", [2, 1, 3, 4]), ("Z", [5, 4, 6])],
                  [("Y", [2, 5, 3, 6])], "einsum_ellipsis")


MODELS = {f.__name__: f for f in [
    gemm_transb, matmul_vector, matmul_mismatch, conv_same_upper_groups,
    conv_bad_kernel_shape, conv_transpose_output_shape, conv_transpose_same_upper, maxpool_ceil,
    maxpool_indices, avgpool_same_lower, global_avgpool, einsum_ellipsis]}


def main(argv):
    if len(argv) != 2 or argv[0] not in MODELS:
        sys.stderr.write("usage: nn_models.py {%s} OUT_PATH\n" %
                         "|".join(sorted(MODELS)))
        return 2
    model = MODELS[argv[0]]()
    checker.check_model(model)
    with open(argv[1], "wb") as f:
        f.write(model.SerializeToString())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
