#!/usr/bin/python3
"""Never crash, whatever the bytes: robustness check for tcc-import and tcc-run.

From a few valid models it derives, with a fixed seed, truncated files, files
with flipped bits, random bytes, and well-formed protobufs with nonsense
content (missing inputs, negative or absurd dims, bad initializers, wrong
domains or opsets, unknown ops, ...). tcc-import runs on every file, tcc-run
on a subset with valid inputs; tcc-run also gets valid models with corrupted,
truncated, wrong-dtype or wrong-shape .npy/.pb inputs and wrong input counts.

A case passes when the tool exits with 0 or 1, never by a signal or with
another code, within the time limit; exit 1 must print a line with "error:"
on stderr, and exit 0 is allowed only if the file (and the inputs) are still
valid (onnx.checker with full shape inference, in a separate process).
Prints a summary per category, the failing cases (their files are kept) and
a closing line `N passed, M failed`; exits 1 on any failure.

  /usr/bin/python3 python/tcc_tests/robustness.py [--tools-dir DIR]
"""
import argparse
import collections
import concurrent.futures
import io
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

NODE_DIR = "/usr/share/libonnx-testdata/data/node"
SEED_TESTS = ["test_add", "test_conv_with_strides_padding", "test_gemm_default_scalar_bias"]
DEFAULT_TOOLS = os.environ.get("TCC_TOOLS_DIR", "/work/main/build/bin")
TIMEOUT_S = 60
MEMORY_LIMIT = 8 << 30  # address-space cap so an absurd allocation fails instead of swapping
MAX_RUNS_PER_SEED = 12  # tcc-run cases on mutated models, per seed model


class Case:
    """One tool invocation and what it may do.

    `may_succeed` is True, False, or None (decide with the validator when the
    tool exits 0); `validate` is the list of files the validator checks.
    """

    def __init__(self, category, name, cmd, may_succeed=None, validate=None):
        self.category, self.name, self.cmd = category, name, cmd
        self.may_succeed, self.validate = may_succeed, validate or []
        self.rc, self.failure, self.message = None, None, ""


# ------------------------------------------------------------ validation
def validate_main(paths):
    """`--validate MODEL [INPUT...]`: exit 0 if the model is valid and the inputs fit it."""
    try:
        model = onnx.load(paths[0], load_external_data=False)
        if any(t.data_location == TensorProto.EXTERNAL for t in model.graph.initializer):
            raise ValueError("external tensor data (missing or outside the model's folder)")
        onnx.checker.check_model(model, full_check=True)
        init_names = {t.name for t in model.graph.initializer}
        graph_inputs = [i for i in model.graph.input if i.name not in init_names]
        if len(paths) > 1:
            if len(paths) - 1 != len(graph_inputs):
                raise ValueError(f"{len(paths) - 1} inputs for {len(graph_inputs)} graph inputs")
            for vi, path in zip(graph_inputs, paths[1:]):
                check_input(vi, path)
    except Exception as e:  # any parse or check failure means "invalid"
        print(f"{type(e).__name__}: {str(e)[:200]}")
        return 1
    return 0


def load_input(path):
    """(onnx element type, dims) of an input file, checking that its data fits them."""
    if path.endswith(".npy"):
        array = np.load(path, allow_pickle=False)
        return onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[array.dtype], list(array.shape)
    tensor = TensorProto()
    with open(path, "rb") as f:
        tensor.ParseFromString(f.read())
    if tensor.data_location == TensorProto.EXTERNAL:
        raise ValueError("external tensor data")
    dims = list(tensor.dims)
    if any(d < 0 for d in dims):
        raise ValueError(f"negative dim in {dims}")
    dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[tensor.data_type]
    count = int(np.prod(dims, dtype=np.float64))
    if tensor.HasField("raw_data") or len(dims) > 32:  # beyond numpy's rank limit
        if len(tensor.raw_data) != count * dtype.itemsize:
            raise ValueError(f"{len(tensor.raw_data)} raw bytes for dims {dims}")
    else:
        numpy_helper.to_array(tensor)  # checks the typed data's length
    return tensor.data_type, dims


def check_input(value_info, path):
    elem, shape = load_input(path)
    ttype = value_info.type.tensor_type
    if elem != ttype.elem_type:
        raise ValueError(f"element type {elem} for {ttype.elem_type}")
    dims = ttype.shape.dim
    if len(dims) != len(shape) or any(
            d.HasField("dim_value") and d.dim_value != n for d, n in zip(dims, shape)):
        raise ValueError(f"shape {shape} for {[d.dim_value or d.dim_param for d in dims]}")


def is_valid(paths):
    """Runs the validator in a child process: onnx's checker must not take the driver down."""
    try:
        proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--validate", *paths],
                              capture_output=True, text=True, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return False, "validator timed out"
    return proc.returncode == 0, proc.stdout.strip()


# ------------------------------------------------------------ running cases
def limit_child():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def first_error(text):
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    errors = [l for l in lines if "error:" in l]
    return (errors or lines or ["(no output)"])[0][:300]


def execute(case):
    """Runs a case and records its failure reason (None when it passed)."""
    try:
        proc = subprocess.run(case.cmd, capture_output=True, timeout=TIMEOUT_S,
                              preexec_fn=limit_child)
    except subprocess.TimeoutExpired:
        case.failure = f"TIMEOUT after {TIMEOUT_S} s"
        return case
    except OSError as e:  # e.g. the tool is being relinked
        case.failure = f"COULD NOT START the tool: {e}"
        return case
    case.rc = proc.returncode
    stderr = proc.stderr.decode("utf-8", "replace")
    case.message = first_error(stderr)
    if case.rc < 0:
        try:
            sig = signal.Signals(-case.rc).name
        except ValueError:
            sig = str(-case.rc)
        case.failure = f"CRASH (killed by {sig}): {case.message}"
    elif case.rc == 1:
        if "error:" not in stderr:
            case.failure = f"NO DIAGNOSTIC (exit 1 without 'error:' on stderr): {case.message}"
    elif case.rc != 0:
        case.failure = f"BAD EXIT CODE {case.rc}: {case.message}"
    else:
        ok = case.may_succeed
        why = "the file is not valid by construction"
        if ok is None:
            ok, why = is_valid(case.validate)
        if not ok:
            why = " ".join(why.split())[:300]
            case.failure = f"ACCEPTED INVALID (exit 0; checker says: {why})"
    return case


def run_all(cases, jobs):
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(execute, cases))


# ------------------------------------------------------------ seed models
def generated_model():
    """MatMul + Add + Relu + Reshape, with raw_data, float_data and int64 initializers."""
    rng = np.random.default_rng(1)
    w = numpy_helper.from_array(rng.standard_normal((4, 3)).astype(np.float32), "W")
    b = helper.make_tensor("B", TensorProto.FLOAT, [3], [0.5, -0.5, 0.25])
    shape = numpy_helper.from_array(np.array([3, 2], np.int64), "shape")
    nodes = [helper.make_node("MatMul", ["X", "W"], ["xw"]),
             helper.make_node("Add", ["xw", "B"], ["xwb"]),
             helper.make_node("Relu", ["xwb"], ["r"]),
             helper.make_node("Reshape", ["r", "shape"], ["Y"])]
    graph = helper.make_graph(nodes, "generated",
                              [helper.make_tensor_value_info("X", TensorProto.FLOAT, [2, 4])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3, 2])],
                              [w, b, shape])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def gather_model():
    data = numpy_helper.from_array(np.arange(40, dtype=np.float32).reshape(10, 4), "D")
    graph = helper.make_graph([helper.make_node("Gather", ["D", "I"], ["Y"], axis=0)], "gather",
                              [helper.make_tensor_value_info("I", TensorProto.INT64, [3])],
                              [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [3, 4])],
                              [data])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def seed_models(work):
    """[(name, model path, [input paths])] for the node tests and the generated model."""
    seeds = []
    for test in SEED_TESTS:
        data = os.path.join(NODE_DIR, test, "test_data_set_0")
        inputs = sorted((f for f in os.listdir(data) if f.startswith("input_")),
                        key=lambda f: int(f[6:-3]))
        seeds.append((test, os.path.join(NODE_DIR, test, "model.onnx"),
                      [os.path.join(data, f) for f in inputs]))
    path = os.path.join(work, "generated.onnx")
    onnx.save(generated_model(), path)
    x = os.path.join(work, "generated_input_0.npy")
    np.save(x, np.random.default_rng(2).standard_normal((2, 4)).astype(np.float32))
    seeds.append(("generated", path, [x]))
    return seeds


# ------------------------------------------------------------ model mutations
def truncations(data, rng):
    n = len(data)
    lengths = {0, 1, 2, 3, 4, 8, 16, n // 4, n // 3, n // 2, 2 * n // 3, 3 * n // 4,
               n - 16, n - 8, n - 2, n - 1}
    lengths |= {rng.randrange(n) for _ in range(4)}
    return [(f"len{k}", data[:k]) for k in sorted(l for l in lengths if 0 <= l < n)]


def bit_flips(data, rng):
    out = []
    for bits in (1, 2, 8):
        for trial in range(8):
            buf = bytearray(data)
            for pos in rng.sample(range(8 * len(buf)), bits):
                buf[pos // 8] ^= 1 << (pos % 8)
            out.append((f"{bits}bit_{trial}", bytes(buf)))
    return out


def varint(n):
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def field(number, payload):
    """A length-delimited protobuf field."""
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def nested_graphs(depth):
    """graph > node > attribute(g) > graph > ... `depth` levels: a recursion bomb."""
    graph = b""
    for _ in range(depth):
        attr = field(1, b"then_branch") + field(6, graph) + varint(20 << 3) + varint(5)
        graph = field(1, field(4, b"If") + field(5, attr))
    opset = field(8, varint(2 << 3) + varint(17))
    return varint(1 << 3) + varint(8) + field(7, graph) + opset


def random_files(rng):
    out = [(f"random{n}", bytes(rng.getrandbits(8) for _ in range(n)))
           for n in (1, 2, 3, 7, 16, 64, 100, 1000, 4096, 65536)]
    out += [("zeros100", bytes(100)), ("ff100", b"\xff" * 100),
            ("huge_length_graph", varint(7 << 3 | 2) + varint(2 ** 32 - 1) + b"\x00" * 16),
            ("huge_length_varint64", varint(7 << 3 | 2) + b"\xff" * 9 + b"\x01"),
            ("bad_wire_type", bytes([7 << 3 | 7]) + b"\x00" * 8),
            ("nested_graphs_2000", nested_graphs(2000)),
            ("text_not_proto", b"ir_version: 8\ngraph { node { op_type: 'Add' } }\n")]
    return out


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def make(nodes, inputs, outputs, inits=(), opset=17, domain="", ir_version=8):
    graph = helper.make_graph(nodes, "nonsense", inputs, outputs, list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid(domain, opset)])
    model.ir_version = ir_version
    return model


def raw_tensor(name, dims, data_type=TensorProto.FLOAT, raw=b"\x00" * 4):
    t = TensorProto(name=name, data_type=data_type, dims=dims)
    t.raw_data = raw
    return t


def nonsense_models():
    """(name, model) pairs: well-formed protobufs whose content makes no sense."""
    F = TensorProto.FLOAT
    x23, y23 = vi("X", F, [2, 3]), vi("Y", F, [2, 3])
    add = helper.make_node("Add", ["X", "X"], ["Y"])
    relu = lambda i, o: helper.make_node("Relu", [i], [o])
    conv_in, conv_w = vi("X", F, [1, 1, 5, 5]), numpy_helper.from_array(
        np.ones((1, 1, 3, 3), np.float32), "W")
    conv_out = vi("Y", F, [1, 1, 3, 3])
    ext = raw_tensor("W", [2, 3])
    ext.ClearField("raw_data")
    ext.data_location = TensorProto.EXTERNAL
    ext.external_data.add(key="location", value="/nonexistent/weights.bin")
    escape = TensorProto()
    escape.CopyFrom(ext)
    escape.external_data[0].value = "../../../../../../etc/passwd"
    no_opset = make([add], [x23], [y23])
    del no_opset.opset_import[:]
    cases = [
        ("missing_input", make([helper.make_node("Add", ["X", "Z"], ["Y"])], [x23], [y23])),
        ("negative_dim", make([add], [vi("X", F, [2, -3])], [vi("Y", F, [2, -3])])),
        ("zero_dim", make([add], [vi("X", F, [0, 3])], [vi("Y", F, [0, 3])])),
        ("absurd_dim", make([add], [vi("X", F, [10 ** 12, 3])], [vi("Y", F, [10 ** 12, 3])])),
        ("overflow_dims", make([add], [vi("X", F, [2 ** 62, 2 ** 62, 16])],
                               [vi("Y", F, [2 ** 62, 2 ** 62, 16])])),
        ("rank_100", make([add], [vi("X", F, [1] * 100)], [vi("Y", F, [1] * 100)])),
        ("raw_data_short", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23], [y23],
                                [raw_tensor("W", [2, 3], raw=b"\x00" * 8)])),
        ("raw_data_long", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23], [y23],
                               [raw_tensor("W", [2, 3], raw=b"\x00" * 400)])),
        ("float_data_short", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23], [y23],
                                  [TensorProto(name="W", data_type=F, dims=[2, 3], float_data=[1.0, 2.0])])),
        ("initializer_absurd_dims", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23],
                                         [y23], [raw_tensor("W", [10 ** 12, 10 ** 6])])),
        ("initializer_negative_dim", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23],
                                          [y23], [raw_tensor("W", [-2, 3])])),
        ("initializer_string", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23], [y23],
                                    [helper.make_tensor("W", TensorProto.STRING, [1], [b"x"])])),
        ("initializer_undefined_type", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23],
                                            [y23], [raw_tensor("W", [1], data_type=0)])),
        ("initializer_type_999", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23], [y23],
                                      [raw_tensor("W", [1], data_type=999)])),
        ("external_data_missing", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23],
                                       [y23], [ext])),
        ("external_data_escape", make([helper.make_node("Add", ["X", "W"], ["Y"])], [x23],
                                      [y23], [escape])),
        ("input_undefined_type", make([add], [vi("X", 0, [2, 3])], [y23])),
        ("input_type_999", make([add], [vi("X", 999, [2, 3])], [y23])),
        ("input_no_type", make([add], [helper.make_empty_tensor_value_info("X")], [y23])),
        ("wrong_domain", make([helper.make_node("Add", ["X", "X"], ["Y"], domain="com.bogus")],
                              [x23], [y23])),
        ("opset_3", make([add], [x23], [y23], opset=3)),
        ("opset_9999", make([add], [x23], [y23], opset=9999)),
        ("no_opset_import", no_opset),
        ("ir_version_0", make([add], [x23], [y23], ir_version=0)),
        ("ir_version_huge", make([add], [x23], [y23], ir_version=2 ** 62)),
        ("unsupported_op", make([helper.make_node("FooBar", ["X"], ["Y"])], [x23], [y23])),
        ("empty_graph", make([], [], [])),
        ("output_not_produced", make([add], [x23], [y23, vi("Q", F, [2, 3])])),
        ("duplicate_output", make([add, relu("X", "Y")], [x23], [y23])),
        ("cycle", make([relu("B", "A"), relu("A", "B"), relu("B", "Y")], [x23], [y23])),
        ("add_one_input", make([helper.make_node("Add", ["X"], ["Y"])], [x23], [y23])),
        ("add_empty_input_name", make([helper.make_node("Add", ["X", ""], ["Y"])], [x23], [y23])),
        ("relu_no_output", make([helper.make_node("Relu", ["X"], [])], [x23], [y23])),
        ("broadcast_mismatch", make([helper.make_node("Add", ["X", "Z"], ["Y"])],
                                    [x23, vi("Z", F, [4])], [y23])),
        ("gemm_inner_mismatch", make([helper.make_node("Gemm", ["X", "Z"], ["Y"])],
                                     [x23, vi("Z", F, [4, 5])], [vi("Y", F, [2, 5])])),
        ("conv_float_strides", make([helper.make_node("Conv", ["X", "W"], ["Y"],
                                                      strides=[1.5, 1.5])],
                                    [conv_in], [conv_out], [conv_w])),
        ("conv_string_kernel", make([helper.make_node("Conv", ["X", "W"], ["Y"],
                                                      kernel_shape="3x3")],
                                    [conv_in], [conv_out], [conv_w])),
        ("conv_negative_pads", make([helper.make_node("Conv", ["X", "W"], ["Y"],
                                                      pads=[-5, -5, -5, -5])],
                                    [conv_in], [conv_out], [conv_w])),
        ("conv_zero_stride", make([helper.make_node("Conv", ["X", "W"], ["Y"], strides=[0, 0])],
                                  [conv_in], [conv_out], [conv_w])),
        ("conv_kernel_rank_mismatch", make([helper.make_node("Conv", ["X", "W"], ["Y"],
                                                             kernel_shape=[3, 3, 3])],
                                           [conv_in], [conv_out], [conv_w])),
        ("conv_rank0_input", make([helper.make_node("Conv", ["X", "W"], ["Y"])],
                                  [vi("X", F, [])], [conv_out], [conv_w])),
        ("conv_huge_group", make([helper.make_node("Conv", ["X", "W"], ["Y"], group=2 ** 40)],
                                 [conv_in], [conv_out], [conv_w])),
        ("transpose_bad_perm", make([helper.make_node("Transpose", ["X"], ["Y"], perm=[0, 0])],
                                    [x23], [y23])),
        ("transpose_perm_out_of_range", make([helper.make_node("Transpose", ["X"], ["Y"],
                                                               perm=[5, -7])], [x23], [y23])),
        ("reshape_two_minus_one", make(
            [helper.make_node("Reshape", ["X", "S"], ["Y"])], [x23], [y23],
            [numpy_helper.from_array(np.array([-1, -1], np.int64), "S")])),
        ("reshape_count_mismatch", make(
            [helper.make_node("Reshape", ["X", "S"], ["Y"])], [x23], [y23],
            [numpy_helper.from_array(np.array([7, 5], np.int64), "S")])),
        ("softmax_axis_out_of_range", make([helper.make_node("Softmax", ["X"], ["Y"], axis=17)],
                                           [x23], [y23])),
        ("constant_no_value", make([helper.make_node("Constant", [], ["Y"])], [], [y23])),
        ("subgraph_in_add", make([helper.make_node(
            "Add", ["X", "X"], ["Y"], body=helper.make_graph([], "g", [], []))], [x23], [y23])),
    ]
    return cases


# ------------------------------------------------------------ input mutations
def npy_bytes(array, **kw):
    buf = io.BytesIO()
    np.save(buf, array, **kw)
    return buf.getvalue()


def npy_v2(array):
    """A format-version 2.0 .npy file (4-byte header length): valid, just unusual."""
    header = (f"{{'descr': '{array.dtype.str}', 'fortran_order': False, "
              f"'shape': {tuple(array.shape)}, }}")
    header = header.ljust(((len(header) + 12 + 63) // 64) * 64 - 12) + "\n"
    return (b"\x93NUMPY\x02\x00" + len(header).to_bytes(4, "little") + header.encode()
            + array.tobytes())


def input_variants(array, rng):
    """(name, suffix, bytes, may_succeed) for one float32 input: corrupted files and
    files with the wrong dtype or shape; None = ask the validator."""
    good_npy = npy_bytes(array)
    good_pb = numpy_helper.from_array(array, "x").SerializeToString()
    out = [("valid_npy", ".npy", good_npy, True), ("valid_pb", ".pb", good_pb, True),
           ("npy_fortran", ".npy", npy_bytes(np.asfortranarray(array)), True),
           ("npy_big_endian", ".npy", npy_bytes(array.astype(">f4")), True),
           ("npy_v2", ".npy", npy_v2(array), True),
           ("npy_nan_inf", ".npy", npy_bytes(np.full_like(array, np.nan)), True),
           ("npy_empty_file", ".npy", b"", False),
           ("npy_magic_only", ".npy", good_npy[:8], False),
           ("npy_header_only", ".npy", good_npy[:len(good_npy) - array.nbytes], False),
           ("npy_half_data", ".npy", good_npy[:len(good_npy) - array.nbytes // 2], False),
           ("npy_minus_one_byte", ".npy", good_npy[:-1], False),
           ("npy_extra_bytes", ".npy", good_npy + b"\x00" * 13, None),
           ("npy_object_pickle", ".npy", npy_bytes(np.array([{"a": 1}], dtype=object),
                                                   allow_pickle=True), False),
           ("npy_bad_header", ".npy", good_npy[:10] + b"{'descr': <f4, shape: (((" +
            good_npy[35:], False),
           ("npy_random", ".npy", bytes(rng.getrandbits(8) for _ in range(len(good_npy))), False),
           ("pb_empty_file", ".pb", b"", None),
           ("pb_half", ".pb", good_pb[:len(good_pb) // 2], None),
           ("pb_random", ".pb", bytes(rng.getrandbits(8) for _ in range(len(good_pb))), None),
           ("pb_float_data", ".pb", helper.make_tensor("x", TensorProto.FLOAT, array.shape,
                                                       array.flatten().tolist())
            .SerializeToString(), True)]
    for trial in range(3):
        for name, data, suffix in (("npy", good_npy, ".npy"), ("pb", good_pb, ".pb")):
            buf = bytearray(data)
            pos = rng.randrange(min(len(buf), 128) * 8)  # headers live at the front
            buf[pos // 8] ^= 1 << (pos % 8)
            out.append((f"{name}_bitflip_{trial}", suffix, bytes(buf), None))
    for dtype in (np.float64, np.float16, np.int32, np.int64, np.uint8, np.bool_):
        cast = array.astype(dtype)
        out.append((f"npy_{np.dtype(dtype).name}", ".npy", npy_bytes(cast), False))
    out.append(("pb_float64", ".pb", numpy_helper.from_array(array.astype(np.float64))
                .SerializeToString(), False))
    for name, shaped in (("transposed", array.T), ("flat", array.reshape(-1)),
                         ("extra_dim", array[None]), ("scalar", np.float32(1.0)),
                         ("empty", np.zeros((0,) + array.shape[1:], np.float32))):
        arr = np.ascontiguousarray(shaped, dtype=np.float32)
        if arr.shape != array.shape:
            out.append((f"npy_shape_{name}", ".npy", npy_bytes(arr), False))
    out.append(("pb_shape_flat", ".pb", numpy_helper.from_array(array.reshape(-1))
                .SerializeToString(), False))
    bad = TensorProto()
    bad.ParseFromString(good_pb)
    bad.raw_data = bad.raw_data[:-4]
    out.append(("pb_raw_data_short", ".pb", bad.SerializeToString(), False))
    bad.dims[0] = -1
    out.append(("pb_negative_dim", ".pb", bad.SerializeToString(), False))
    bad.ParseFromString(good_pb)
    bad.data_type = 0
    out.append(("pb_undefined_type", ".pb", bad.SerializeToString(), False))
    bad.ParseFromString(good_pb)
    bad.ClearField("raw_data")
    bad.data_location = TensorProto.EXTERNAL
    bad.external_data.add(key="location", value="/nonexistent.bin")
    out.append(("pb_external_data", ".pb", bad.SerializeToString(), False))
    return out


# ------------------------------------------------------------ case generation
class Builder:
    def __init__(self, work, tools):
        self.work, self.tools, self.count = work, tools, 0

    def write(self, name, data, suffix):
        self.count += 1
        path = os.path.join(self.work, f"{self.count:04d}_{name}{suffix}")
        with open(path, "wb") as f:
            f.write(data)
        return path

    def out_dir(self):
        self.count += 1
        return os.path.join(self.work, f"{self.count:04d}_out")

    def importer(self, category, name, path):
        return Case(category, name, [os.path.join(self.tools, "tcc-import"), path],
                    validate=[path])

    def runner(self, category, name, model, inputs, may_succeed=None, out_dir=None):
        cmd = [os.path.join(self.tools, "tcc-run"), model]
        for path in inputs:
            cmd += ["--input", path]
        cmd += ["--output-dir", out_dir or self.out_dir()]
        return Case(category, name, cmd, may_succeed, [model] + list(inputs))


def model_cases(b, seeds, rng):
    """tcc-import on mutated and nonsense models; returns (cases, {case: seed inputs})."""
    cases, inputs_of = [], {}
    for seed, path, inputs in seeds:
        cases.append(b.importer("import/valid", seed, path))
        data = open(path, "rb").read()
        for category, variants in (("import/truncate", truncations(data, rng)),
                                   ("import/bitflip", bit_flips(data, rng))):
            for name, blob in variants:
                case = b.importer(category, f"{seed}_{name}",
                                  b.write(f"{seed}_{name}", blob, ".onnx"))
                cases.append(case)
                inputs_of[id(case)] = (seed, inputs)
    for name, blob in random_files(rng):
        cases.append(b.importer("import/random", name, b.write(name, blob, ".onnx")))
    cases.append(b.importer("import/random", "missing_file",
                            os.path.join(b.work, "does_not_exist.onnx")))
    cases.append(b.importer("import/random", "directory", b.work))
    for name, model in nonsense_models():
        case = b.importer("import/nonsense", name,
                          b.write(name, model.SerializeToString(), ".onnx"))
        cases.append(case)
        inputs_of[id(case)] = (name, None)  # inputs derived from the declared graph inputs
    return cases, inputs_of


def declared_inputs(b, model_path, name):
    """Small random inputs matching a nonsense model's declared inputs (1 element where
    the declared shape is unusable)."""
    model = onnx.load(model_path, load_external_data=False)
    init_names = {t.name for t in model.graph.initializer}
    paths, rng = [], np.random.default_rng(3)
    for i, info in enumerate(v for v in model.graph.input if v.name not in init_names):
        ttype = info.type.tensor_type
        shape = [d.dim_value if d.HasField("dim_value") else 1 for d in ttype.shape.dim]
        if any(d < 0 for d in shape) or int(np.prod(shape, dtype=np.float64)) > 1 << 20:
            shape = [1] * len(shape)
        try:
            dtype = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[ttype.elem_type]
        except Exception:
            dtype = np.float32
        if len(shape) > 32:  # beyond numpy's rank limit: write a TensorProto instead
            tensor = TensorProto(name=info.name, data_type=ttype.elem_type, dims=shape)
            tensor.raw_data = bytes(int(np.prod(shape)) * np.dtype(dtype).itemsize)
            paths.append(b.write(f"{name}_in{i}", tensor.SerializeToString(), ".pb"))
            continue
        value = rng.standard_normal(shape).astype(dtype)
        paths.append(b.write(f"{name}_in{i}", npy_bytes(value), ".npy"))
    return paths


def run_cases_for_models(b, import_cases, inputs_of):
    """tcc-run on mutated models that tcc-import accepted (the interesting ones: they
    reach compilation), a few it rejected, and every nonsense model."""
    cases, per_seed = [], collections.Counter()
    for case in import_cases:
        if case.failure or id(case) not in inputs_of:
            continue
        model, (seed, inputs) = case.cmd[-1], inputs_of[id(case)]
        name = case.name
        if inputs is None:
            cases.append(b.runner("run/nonsense-model", name, model,
                                  declared_inputs(b, model, name)))
            continue
        limit = MAX_RUNS_PER_SEED if case.rc == 0 else 2
        key = (seed, case.rc == 0)
        if per_seed[key] < limit:
            per_seed[key] += 1
            cases.append(b.runner("run/mutated-model", name, model, inputs))
    return cases


def input_cases(b, seeds, rng):
    """tcc-run on valid models with corrupted inputs, wrong counts and bad paths."""
    cases = [b.runner("run/valid", seed, model, inputs, True) for seed, model, inputs in seeds]
    for seed, model, inputs in seeds:
        if seed not in ("test_add", "generated"):
            continue
        first = (np.load(inputs[0]) if inputs[0].endswith(".npy")
                 else numpy_helper.to_array(onnx.load_tensor(inputs[0])))
        for name, suffix, blob, ok in input_variants(first, rng):
            bad = b.write(f"{seed}_{name}", blob, suffix)
            cases.append(b.runner("run/bad-input", f"{seed}_{name}", model,
                                  [bad] + inputs[1:], ok))
        cases += [b.runner("run/input-count", f"{seed}_no_inputs", model, [], False),
                  b.runner("run/input-count", f"{seed}_extra_input", model,
                           inputs + [inputs[0]], False),
                  b.runner("run/input-count", f"{seed}_missing_file", model,
                           [os.path.join(b.work, "nope.npy")] + inputs[1:], False),
                  b.runner("run/input-count", f"{seed}_directory_input", model,
                           [b.work] + inputs[1:], False),
                  b.runner("run/output-dir", f"{seed}_output_dir_is_file", model, inputs,
                           False, out_dir=inputs[0]),
                  b.runner("run/output-dir", f"{seed}_output_dir_nested_new", model, inputs,
                           True, out_dir=os.path.join(b.out_dir(), "a", "b"))]
    add_model, add_inputs = next((m, i) for s, m, i in seeds if s == "test_add")
    cases.append(b.runner("run/input-count", "test_add_one_of_two", add_model,
                          add_inputs[:1], False))
    gather = b.write("gather", gather_model().SerializeToString(), ".onnx")
    for name, idx, ok in (("in_range", [0, 9, -10], True), ("index_10", [0, 10, 1], False),
                          ("index_minus_11", [-11, 0, 1], False),
                          ("index_2p40", [1 << 40, 0, 1], False),
                          ("index_int64_min", [-(1 << 63), 0, 1], False)):
        path = b.write(f"gather_{name}", npy_bytes(np.array(idx, np.int64)), ".npy")
        cases.append(b.runner("run/gather-index", name, gather, [path], ok))
    return cases


# ------------------------------------------------------------ driver
def report(cases, work, verbose):
    if verbose:
        for c in cases:
            print(f"  [{c.category}] {c.name}: exit {c.rc}: {c.message}")
    by_cat = collections.OrderedDict()
    for case in cases:
        by_cat.setdefault(case.category, []).append(case)
    for cat, group in by_cat.items():
        bad = sum(1 for c in group if c.failure)
        rcs = collections.Counter(c.rc for c in group)
        print(f"{cat:22s} {len(group):4d} cases, {len(group) - bad:4d} passed, {bad:3d} failed"
              f"  (exit codes: {dict(sorted(rcs.items(), key=lambda kv: str(kv[0])))})")
    failures = [c for c in cases if c.failure]
    if failures:
        print(f"\nFailing cases (files kept in {work}):")
        for c in failures:
            print(f"  FAIL [{c.category}] {c.name}: {c.failure}")
            print(f"       {' '.join(c.cmd)}")
    return len(cases) - len(failures), len(failures)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "--validate":
        return validate_main(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=DEFAULT_TOOLS,
                    help="directory with tcc-import and tcc-run "
                         "(default: $TCC_TOOLS_DIR or %(default)s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the files even if all pass")
    ap.add_argument("--verbose", action="store_true", help="print every case's exit and message")
    a = ap.parse_args()
    for tool in ("tcc-import", "tcc-run"):
        if not os.access(os.path.join(a.tools_dir, tool), os.X_OK):
            print(f"error: {tool} not found in {a.tools_dir}")
            return 1
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="tcc-robustness-")
    start = time.perf_counter()
    b = Builder(work, a.tools_dir)
    seeds = seed_models(work)
    imports, inputs_of = model_cases(b, seeds, rng)
    imports = run_all(imports, a.jobs)
    runs = run_cases_for_models(b, imports, inputs_of) + input_cases(b, seeds, rng)
    runs = run_all(runs, a.jobs)
    passed, failed = report(imports + runs, work, a.verbose)
    print(f"({time.perf_counter() - start:.0f} s)")
    if not failed and not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
