"""Drive a training program built with `tcc-compile --emit=lib` from Python.

The shared library exports the model as the data symbol `tcc_the_model`
(a `tcc_model`, include/tcc/Runtime/Model.h) and the trainer's C API
(include/tcc/Runtime/Trainer.h). Example:

    from tcc import Trainer
    with Trainer("build/mlp.so") as t:
        for x, y in batches:            # numpy arrays of the model's batch shapes
            loss = t.train_step(x, labels=y)
        loss, predictions = t.eval_step(x_test, labels=y_test)
        t.save("mlp.ckpt")
        t.export_onnx("mlp-trained.onnx")
        w = t.params["fc1.weight"]      # a live numpy view of the parameter

Arrays must have exactly the model's shapes and dtypes (no silent casts);
errors raise TrainerError with the runtime's message.
"""

import ctypes
import os

import numpy as np

# enum tcc_dtype, in order.
_DTYPES = [np.float32, np.float64, np.int64, np.int32, np.int16, np.int8, np.bool_]

_OK, _ERROR, _NONFINITE = 0, 1, 2
ABI_VERSION = 1


class TrainerError(RuntimeError):
    """A runtime error: bad file, foreign or corrupt checkpoint, bad model."""


class NonFiniteLoss(TrainerError):
    """The step's loss was NaN or Inf (with skip_nonfinite, the step was undone)."""


class TensorDesc(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("dtype", ctypes.c_int32),
        ("rank", ctypes.c_int32),
        ("shape", ctypes.POINTER(ctypes.c_int64)),
        ("init", ctypes.c_void_p),
    ]

    @property
    def spec(self):
        shape = tuple(self.shape[i] for i in range(self.rank))
        return self.name.decode(), np.dtype(_DTYPES[self.dtype]), shape


class Model(ctypes.Structure):
    _fields_ = [
        ("abi_version", ctypes.c_uint32),
        ("model_name", ctypes.c_char_p),
        ("num_params", ctypes.c_int32),
        ("params", ctypes.POINTER(TensorDesc)),
        ("num_state", ctypes.c_int32),
        ("state", ctypes.POINTER(TensorDesc)),
        ("num_inputs", ctypes.c_int32),
        ("inputs", ctypes.POINTER(TensorDesc)),
        ("labels", TensorDesc),
        ("predictions", TensorDesc),
        ("batch", ctypes.c_int64),
        ("train_step", ctypes.c_void_p),
        ("eval_step", ctypes.c_void_p),
        ("onnx_model", ctypes.c_void_p),
        ("onnx_model_size", ctypes.c_size_t),
        ("fingerprint", ctypes.c_uint64),
        ("config", ctypes.c_char_p),
    ]


def _declare(lib):
    P, I, VP = ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p
    sigs = {
        "tcc_trainer_create": ([VP], P),
        "tcc_trainer_destroy": ([P], None),
        "tcc_trainer_last_error": ([P], ctypes.c_char_p),
        "tcc_trainer_step_count": ([P], ctypes.c_int64),
        "tcc_trainer_set_step_count": ([P, ctypes.c_int64], I),
        "tcc_trainer_set_skip_nonfinite": ([P, I], None),
        "tcc_trainer_train_step": ([P, ctypes.POINTER(VP), VP, ctypes.POINTER(ctypes.c_float)], I),
        "tcc_trainer_eval_step": ([P, ctypes.POINTER(VP), VP, ctypes.POINTER(ctypes.c_float), VP], I),
        "tcc_trainer_save": ([P, ctypes.c_char_p], I),
        "tcc_trainer_load": ([P, ctypes.c_char_p], I),
        "tcc_trainer_export_onnx": ([P, ctypes.c_char_p], I),
        "tcc_trainer_param_data": ([P, ctypes.c_int32], VP),
        "tcc_trainer_state_data": ([P, ctypes.c_int32], VP),
        "tcc_trainer_main": ([VP, I, ctypes.POINTER(ctypes.c_char_p)], I),
    }
    for name, (args, res) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res


def _load(library, symbol):
    lib = ctypes.CDLL(os.path.abspath(library))
    _declare(lib)
    try:
        model = Model.in_dll(lib, symbol)
    except ValueError:
        raise TrainerError(f"{library}: no symbol '{symbol}'; build it with tcc-compile --emit=lib")
    if model.abi_version != ABI_VERSION:
        raise TrainerError(f"{library}: model ABI version {model.abi_version}, this binding reads {ABI_VERSION}")
    return lib, model


def _view(ptr, dtype, shape):
    """A numpy array over `ptr` (no copy); valid while the trainer lives."""
    count = int(np.prod(shape, dtype=np.int64))
    buf = (ctypes.c_uint8 * (count * dtype.itemsize)).from_address(ptr)
    return np.frombuffer(buf, dtype=dtype, count=count).reshape(shape)


class Trainer:
    """Parameters, state and steps of one compiled model."""

    def __init__(self, library, symbol="tcc_the_model", skip_nonfinite=False):
        self._lib, self._model = _load(library, symbol)
        self._handle = self._lib.tcc_trainer_create(ctypes.addressof(self._model))
        if not self._handle:
            raise TrainerError(self._lib.tcc_trainer_last_error(None).decode())
        m = self._model
        self.name = (m.model_name or b"model").decode()
        self.batch = m.batch
        self.config = (m.config or b"").decode()
        self.fingerprint = m.fingerprint
        self.input_specs = [m.inputs[i].spec for i in range(m.num_inputs)]
        self.label_spec = m.labels.spec
        self.prediction_spec = m.predictions.spec if m.eval_step else None
        self.params = self._views(m.params, m.num_params, self._lib.tcc_trainer_param_data)
        self.state = self._views(m.state, m.num_state, self._lib.tcc_trainer_state_data)
        self._lib.tcc_trainer_set_skip_nonfinite(self._handle, int(skip_nonfinite))

    def _views(self, descs, count, getter):
        out = {}
        for i in range(count):
            name, dtype, shape = descs[i].spec
            out[name] = _view(getter(self._handle, i), dtype, shape)
        return out

    # -- steps ---------------------------------------------------------------

    @property
    def step(self):
        """Optimizer steps completed."""
        return self._lib.tcc_trainer_step_count(self._live())

    def _live(self):
        if not self._handle:
            raise TrainerError("the trainer is closed")
        return self._handle

    @staticmethod
    def _checked(array, spec, role):
        name, dtype, shape = spec
        a = np.asarray(array)
        if a.dtype != dtype or a.shape != shape:
            raise ValueError(f"{role} '{name}' must be {dtype.name}{list(shape)}, got {a.dtype.name}{list(a.shape)}")
        return np.ascontiguousarray(a)

    def _batch(self, inputs, labels):
        if len(inputs) != len(self.input_specs):
            raise ValueError(f"the model takes {len(self.input_specs)} input(s), got {len(inputs)}")
        xs = [self._checked(a, s, "input") for a, s in zip(inputs, self.input_specs)]
        y = self._checked(labels, self.label_spec, "labels")
        ptrs = (ctypes.c_void_p * len(xs))(*[x.ctypes.data for x in xs])
        return xs, y, ptrs  # keep xs and y alive during the call

    def _check(self, rc):
        if rc == _NONFINITE:
            raise NonFiniteLoss(self._lib.tcc_trainer_last_error(self._handle).decode())
        if rc != _OK:
            raise TrainerError(self._lib.tcc_trainer_last_error(self._handle).decode())

    def train_step(self, *inputs, labels):
        """One optimizer step on one batch; returns the batch's loss."""
        xs, y, ptrs = self._batch(inputs, labels)
        loss = ctypes.c_float()
        self._check(self._lib.tcc_trainer_train_step(self._live(), ptrs, y.ctypes.data, ctypes.byref(loss)))
        return loss.value

    def eval_step(self, *inputs, labels):
        """Forward pass (inference semantics); returns (loss, predictions)."""
        if self.prediction_spec is None:
            raise TrainerError("this program has no evaluation step")
        xs, y, ptrs = self._batch(inputs, labels)
        _, dtype, shape = self.prediction_spec
        pred = np.empty(shape, dtype=dtype)
        loss = ctypes.c_float()
        self._check(self._lib.tcc_trainer_eval_step(self._live(), ptrs, y.ctypes.data, ctypes.byref(loss),
                                                    pred.ctypes.data))
        return loss.value, pred

    # -- files ---------------------------------------------------------------

    def save(self, path):
        self._check(self._lib.tcc_trainer_save(self._live(), os.fsencode(path)))

    def load(self, path):
        self._check(self._lib.tcc_trainer_load(self._live(), os.fsencode(path)))

    def export_onnx(self, path):
        self._check(self._lib.tcc_trainer_export_onnx(self._live(), os.fsencode(path)))

    # -- lifetime ------------------------------------------------------------

    def close(self):
        """Frees the trainer; the params/state views become invalid."""
        if getattr(self, "_handle", None):
            self._lib.tcc_trainer_destroy(self._handle)
            self._handle = None
            self.params, self.state = {}, {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def run_main(library, args, symbol="tcc_the_model"):
    """Runs the training binary's command line in-process; returns its exit status."""
    lib, model = _load(library, symbol)
    argv = [b"tcc-trainer"] + [os.fsencode(a) for a in args]
    arr = (ctypes.c_char_p * len(argv))(*argv)
    return lib.tcc_trainer_main(ctypes.addressof(model), len(argv), arr)
