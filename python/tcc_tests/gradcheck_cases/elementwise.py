"""Gradient checks of the elementwise ops (dialects/tcc/TccElementwiseOps.td).

Binary ops are checked on equal shapes and on every kind of broadcast
([2,3] with [3], with [2,1], with a 0-d tensor, and [2,1] with [1,3], where
both operands broadcast). Format: see tcc_tests/gradcheck.py.
"""


def _t(shape):
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f64>"


def _binary(op, a, b, positive=(), values=None):
    """`%out = tcc.OP %x, %y` on shapes a and b."""
    out = _broadcast(a, b)
    case = dict(name=f"{op}_{_tag(a)}_{_tag(b)}", args=[("x", a), ("y", b)],
                body=f"%out = tcc.{op} %x, %y : ({_t(a)}, {_t(b)}) -> {_t(out)}",
                positive=list(positive))
    if values:
        case["values"] = values
    return case


def _unary(op, shape=(2, 3), positive=False, values=None, name=None):
    case = dict(name=name or f"{op}", args=[("x", list(shape))],
                body=f"%out = tcc.{op} %x : {_t(shape)}",
                positive=["x"] if positive else [])
    if values:
        case["values"] = {"x": values}
    return case


def _broadcast(a, b):
    rank = max(len(a), len(b))
    a = [1] * (rank - len(a)) + list(a)
    b = [1] * (rank - len(b)) + list(b)
    return [max(x, y) for x, y in zip(a, b)]


def _tag(shape):
    return "x".join(map(str, shape)) or "scalar"


_SHAPES = [([2, 3], [2, 3]), ([2, 3], [3]), ([2, 3], [2, 1]), ([2, 3], []),
           ([], [2, 3]), ([2, 1], [1, 3])]

CASES = []
for _a, _b in _SHAPES:
    CASES += [_binary("add", _a, _b), _binary("sub", _a, _b), _binary("mul", _a, _b),
              # The divisor stays away from 0.
              _binary("div", _a, _b, positive=["y"]),
              _binary("max", _a, _b), _binary("min", _a, _b)]

CASES += [
    # pow: both operands differentiated; the base is positive (x^y is real).
    _binary("pow", [2, 3], [2, 3], positive=["x"]),
    _binary("pow", [2, 3], [3], positive=["x"]),
    _binary("pow", [2, 1], [1, 3], positive=["x"]),
    # A zero exponent: d/dx is 0 there (no 0 * inf); an integer exponent on a
    # negative base.
    _binary("pow", [3], [3], positive=["x"], values={"y": [0.0, 2.0, -1.5]})
    | dict(name="pow_zero_exponent"),
    # A negative base needs an integer exponent, held fixed: d/dy is
    # log(x) * x^y, NaN for x < 0 (as in PyTorch). The exponent comes from an
    # integer argument, which carries no gradient.
    dict(name="pow_negative_base_integer_exponent", args=[("x", [3])],
         values={"x": [-1.5, 0.7, -0.3]}, int_args=[("n", [], "i64", [3])],
         body="""%y = tcc.convert %n : tensor<i64> to tensor<f64>
                 %out = tcc.pow %x, %y : (tensor<3xf64>, tensor<f64>) -> tensor<3xf64>"""),
    # Ties: torch.maximum/minimum give each operand half of the cotangent.
    dict(name="max_tie", args=[("x", [2, 3])],
         body="%out = tcc.max %x, %x : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"),
    dict(name="min_tie", args=[("x", [2, 3])],
         body="%out = tcc.min %x, %x : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"),
    # Operands used twice: cotangents of both uses add up.
    dict(name="mul_square", args=[("x", [2, 3])],
         body="%out = tcc.mul %x, %x : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"),
    # select: the condition comes from a comparison of the inputs; it
    # broadcasts against the branches, and the branches against each other.
    dict(name="select_same_shape", args=[("x", [2, 3]), ("y", [2, 3])],
         body="""%cond = tcc.greater %x, %y : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xi1>
                 %out = tcc.select %cond, %x, %y : (tensor<2x3xi1>, tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"""),
    dict(name="select_broadcast_condition", args=[("x", [2, 3]), ("y", [2, 3]), ("z", [3])],
         body="""%zero = arith.constant dense<0.0> : tensor<3xf64>
                 %cond = tcc.greater %z, %zero : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xi1>
                 %out = tcc.select %cond, %x, %y : (tensor<3xi1>, tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"""),
    dict(name="select_broadcast_branches", args=[("x", [2, 1]), ("y", [])],
         int_args=[("cond", [2, 3], "i1", [1, 0, 1, 0, 0, 1])],
         body="%out = tcc.select %cond, %x, %y : (tensor<2x3xi1>, tensor<2x1xf64>, tensor<f64>) -> tensor<2x3xf64>"),
    # Unary math.
    _unary("neg"), _unary("abs"), _unary("exp"), _unary("tanh"), _unary("erf"),
    _unary("sigmoid"), _unary("sin"), _unary("cos"),
    _unary("log", positive=True), _unary("sqrt", positive=True),
    _unary("rsqrt", positive=True), _unary("reciprocal", positive=True),
    _unary("exp", shape=(), name="exp_scalar"),
    # abs'(0) = 0, as in PyTorch (the finite difference at 0 is 0 too).
    _unary("abs", shape=(4,), values=[0.0, -1.25, 2.5, 0.0], name="abs_at_zero"),
    # relu away from its kink (at 0 a central difference gives 1/2, PyTorch
    # and tcc 0: test/Transforms/tcc-autodiff-relu.mlir checks that rule).
    _unary("relu", shape=(2, 3), values=[0.75, -1.25, 2.5, -0.5, 1.5, -2.0]),
    # Piecewise constant: zero gradient away from the jumps.
    _unary("sign", values=[-1.5, 0.25, 2.0, -0.75, 3.0, -2.25]),
    _unary("floor", values=[-1.5, 0.25, 2.7, -0.75, 3.4, -2.6]),
    _unary("ceil", values=[-1.5, 0.25, 2.7, -0.75, 3.4, -2.6]),
    # A sign feeding a product: x * sign(x) = |x|.
    dict(name="sign_times_x", args=[("x", [2, 3])],
         body="""%s = tcc.sign %x : tensor<2x3xf64>
                 %out = tcc.mul %x, %s : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"""),
    # convert: f64 -> f32 -> f64 passes the cotangent through both
    # conversions. f32 rounding (6e-8 relative) would swamp a 1e-6 step, so
    # this case steps 0.1: out is bilinear in (x, y), and central differences
    # are exact for quadratics, so the large step costs no accuracy.
    dict(name="convert_f64_f32_f64", args=[("x", [2, 3]), ("y", [3])],
         eps=0.1, rtol=1e-5, atol=2e-6,
         body="""%h = tcc.convert %x : tensor<2x3xf64> to tensor<2x3xf32>
                 %w = tcc.convert %h : tensor<2x3xf32> to tensor<2x3xf64>
                 %out = tcc.mul %w, %y : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>"""),
    # An integer converted to float carries no gradient (the int arg is not
    # differentiated; x is).
    dict(name="convert_int_to_float", args=[("x", [3])],
         int_args=[("n", [3], "i64", [2, -1, 5])],
         body="""%nf = tcc.convert %n : tensor<3xi64> to tensor<3xf64>
                 %out = tcc.mul %x, %nf : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>"""),
    # A chain of several ops, with a value used twice.
    dict(name="chain_tanh_mul_exp", args=[("x", [2, 3]), ("b", [3])],
         body="""%t = tcc.tanh %x : tensor<2x3xf64>
                 %s = tcc.add %t, %b : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
                 %e = tcc.exp %s : tensor<2x3xf64>
                 %out = tcc.mul %e, %t : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"""),
]
