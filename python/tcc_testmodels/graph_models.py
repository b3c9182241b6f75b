"""Whole-graph importer features: dynamic batch, external initializer data.

  python3 graph_models.py NAME OUT_PATH
"""
import os
import sys

import numpy as np
from onnx import TensorProto, external_data_helper, helper, numpy_helper, save_model


def dynamic_batch():
    """y = x @ W + b with x of shape [N, 4] (N dynamic)."""
    w = numpy_helper.from_array(np.arange(12, dtype=np.float32).reshape(4, 3), "W")
    b = numpy_helper.from_array(np.ones(3, dtype=np.float32), "b")
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"], name="matmul"),
             helper.make_node("Add", ["xw", "b"], ["y"], name="bias")]
    g = helper.make_graph(nodes, "dyn",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])],
                          [w, b])
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])


def save(name, path):
    model = dynamic_batch()
    if name == "external_data":
        # Weights in a side file next to the model, as large exports store them.
        external_data_helper.convert_model_to_external_data(
            model, all_tensors_to_one_file=True,
            location=os.path.basename(path) + ".data", size_threshold=0)
    elif name != "dynamic_batch":
        sys.stderr.write("usage: graph_models.py {dynamic_batch|external_data} OUT_PATH\n")
        return 2
    save_model(model, path)
    return 0


if __name__ == "__main__":
    sys.exit(save(*sys.argv[1:3]) if len(sys.argv) == 3 else 2)
