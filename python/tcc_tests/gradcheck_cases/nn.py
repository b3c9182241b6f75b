"""Gradient checks of contractions, convolutions, pooling, reductions and scans
(TccNNOps.td).

Each case is a function body computing %out from float64 arguments `args`;
the driver (python/tcc_tests/gradcheck.py) compares the VJP of sum(%out * c)
with central finite differences. Pooling maxima and reduce_max/min use random
normal inputs, so ties (where the function has a kink) do not occur.
"""


def _t(shape):
    return "tensor<" + "".join(f"{d}x" for d in shape) + "f64>"


def _a(values):
    return "array<i64" + (": " + ", ".join(str(v) for v in values) if values else "") + ">"


def _matmul(name, a, b, out):
    return dict(name=name, args=[("a", a), ("b", b)],
                body=f"%out = tcc.matmul %a, %b : ({_t(a)}, {_t(b)}) -> {_t(out)}")


def _einsum(name, equation, shapes, out):
    names = ["a", "b", "d", "e"][:len(shapes)]
    return dict(name=name, args=list(zip(names, shapes)),
                body=f'%out = tcc.einsum "{equation}" '
                     + ", ".join(f"%{n}" for n in names)
                     + f" : ({', '.join(_t(s) for s in shapes)}) -> {_t(out)}")


def _conv(name, x, w, out, strides, dilations, padding, groups=1):
    return dict(name=name, args=[("x", x), ("w", w)],
                body=f"%out = tcc.conv %x, %w {{strides = {_a(strides)}, "
                     f"dilations = {_a(dilations)}, padding = {_a(padding)}, "
                     f"groups = {groups} : i64}} : ({_t(x)}, {_t(w)}) -> {_t(out)}")


def _conv_transpose(name, x, w, out, strides, dilations, padding, output_padding,
                    groups=1):
    return dict(name=name, args=[("x", x), ("w", w)],
                body=f"%out = tcc.conv_transpose %x, %w {{strides = {_a(strides)}, "
                     f"dilations = {_a(dilations)}, padding = {_a(padding)}, "
                     f"output_padding = {_a(output_padding)}, groups = {groups} : i64}}"
                     f" : ({_t(x)}, {_t(w)}) -> {_t(out)}")


def _conv_weight_grad(name, x, dy, out, strides, dilations, padding, groups=1):
    return dict(name=name, args=[("x", x), ("dy", dy)],
                body=f"%out = tcc.conv_weight_grad %x, %dy {{strides = {_a(strides)}, "
                     f"dilations = {_a(dilations)}, padding = {_a(padding)}, "
                     f"groups = {groups} : i64}} : ({_t(x)}, {_t(dy)}) -> {_t(out)}")


def _pool(name, op, x, out, kernel, strides, dilations, padding, ceil_mode,
          count_include_pad=None):
    attrs = (f"kernel = {_a(kernel)}, strides = {_a(strides)}, "
             f"dilations = {_a(dilations)}, padding = {_a(padding)}, "
             f"ceil_mode = {str(ceil_mode).lower()}")
    if count_include_pad is not None:
        attrs += f", count_include_pad = {str(count_include_pad).lower()}"
    return dict(name=name, args=[("x", x)],
                body=f"%out = tcc.{op} %x {{{attrs}}} : ({_t(x)}) -> {_t(out)}")


def _reduce(name, op, x, axes, keep, out, **extra):
    return dict(name=name, args=[("x", x)],
                body=f"%out = tcc.{op} %x {{axes = {_a(axes)}, "
                     f"keep_dims = {str(keep).lower()}}} : ({_t(x)}) -> {_t(out)}",
                **extra)


def _cumsum(name, x, axis, exclusive, reverse):
    return dict(name=name, args=[("x", x)],
                body=f"%out = tcc.cumsum %x {{axis = {axis} : i64, "
                     f"exclusive = {str(exclusive).lower()}, "
                     f"reverse = {str(reverse).lower()}}} : {_t(x)}")


CASES = [
    # --- matmul: dA = dC B^T, dB = A^T dC, broadcast batch dims summed back.
    _matmul("matmul_2d", [3, 4], [4, 5], [3, 5]),
    _matmul("matmul_batched_broadcast", [2, 1, 3, 4], [3, 4, 2], [2, 3, 3, 2]),
    _matmul("matmul_batched_lhs_2d", [3, 4], [2, 4, 2], [2, 3, 2]),

    # --- einsum: each operand's gradient is an einsum of dY with the others.
    _einsum("einsum_matmul", "ij,jk->ik", [[3, 4], [4, 2]], [3, 2]),
    _einsum("einsum_diagonal", "ii->i", [[4, 4]], [4]),
    _einsum("einsum_trace", "ii->", [[3, 3]], []),
    _einsum("einsum_sum_all", "ij->", [[3, 4]], []),
    _einsum("einsum_three_operands", "ij,jk,kl->il", [[2, 3], [3, 4], [4, 2]], [2, 2]),
    _einsum("einsum_summed_only_letter", "bij,bjk->bk", [[2, 3, 4], [2, 4, 5]], [2, 5]),
    _einsum("einsum_outer_transposed", "i,j->ji", [[3], [4]], [4, 3]),
    _einsum("einsum_diagonal_times_vector", "iij,j->ij", [[3, 3, 2], [2]], [3, 2]),
    _einsum("einsum_same_operand_twice", "ij,ij->i", [[3, 4], [3, 4]], [3]),

    # --- conv: dX is a transposed conv of dY, dW a conv of X with dY.
    _conv("conv1d_stride_pad", [2, 3, 9], [4, 3, 3], [2, 4, 5], [2], [1], [1, 2]),
    _conv("conv2d_same", [1, 2, 5, 5], [3, 2, 3, 3], [1, 3, 5, 5],
          [1, 1], [1, 1], [1, 1, 1, 1]),
    _conv("conv2d_stride_dilation_asym_pad", [2, 2, 7, 6], [2, 2, 3, 2], [2, 2, 3, 2],
          [2, 3], [2, 1], [1, 0, 2, 1]),
    _conv("conv2d_stride_leftover", [1, 1, 8, 8], [2, 1, 3, 3], [1, 2, 2, 2],
          [3, 3], [1, 1], [0, 0, 0, 0]),
    _conv("conv2d_groups", [1, 4, 5, 5], [6, 2, 3, 3], [1, 6, 3, 3],
          [2, 2], [1, 1], [1, 1, 1, 1], groups=2),
    _conv("conv2d_depthwise_dilated", [2, 3, 6, 6], [3, 1, 3, 3], [2, 3, 6, 6],
          [1, 1], [2, 2], [2, 2, 2, 2], groups=3),
    _conv("conv3d_stride_pad", [1, 2, 4, 5, 4], [2, 2, 2, 3, 2], [1, 2, 3, 3, 4],
          [1, 2, 1], [1, 1, 1], [0, 1, 1, 0, 1, 0]),

    # --- conv_transpose: its gradients are convolutions.
    _conv_transpose("conv_transpose2d_stride_output_padding", [1, 2, 3, 3], [2, 3, 3, 3],
                    [1, 3, 6, 6], [2, 2], [1, 1], [1, 1, 1, 1], [1, 1]),
    _conv_transpose("conv_transpose2d_groups_dilation", [2, 4, 3, 4], [4, 1, 2, 3],
                    [2, 2, 5, 9], [1, 2], [2, 1], [0, 1, 1, 0], [1, 1], groups=2),
    _conv_transpose("conv_transpose1d_stride3", [1, 3, 4], [3, 2, 3], [1, 2, 11],
                    [3], [1], [2, 1], [2]),
    # output_padding >= stride (allowed when dilation > stride).
    _conv_transpose("conv_transpose1d_output_padding_past_stride", [1, 1, 4], [1, 1, 3],
                    [1, 1, 12], [1], [3], [0, 0], [2]),

    # --- conv_weight_grad (bilinear): its gradients are a conv and a
    # conv_transpose with its cotangent as the weight.
    _conv_weight_grad("conv_weight_grad2d_groups_stride", [2, 4, 7, 6], [2, 6, 4, 3],
                      [6, 2, 3, 2], [2, 2], [1, 1], [1, 0, 1, 1], groups=2),
    # A grad shorter than the convolution's output (as in conv_transpose's
    # weight gradient): the missing positions count as zeros.
    _conv_weight_grad("conv_weight_grad1d_short_grad_dilated", [1, 2, 9], [1, 3, 5],
                      [3, 2, 3], [1], [2], [1, 1]),

    # --- max_pool: the cotangent goes to each window's maximum.
    _pool("max_pool2d_overlap_pad", "max_pool", [1, 2, 6, 6], [1, 2, 3, 3],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], False),
    _pool("max_pool2d_ceil_mode", "max_pool", [2, 1, 7, 7], [2, 1, 4, 4],
          [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], True),
    # Windows that tile the input (stride = kernel), with a leftover row in
    # no window: the lowering's single-pass gradient.
    _pool("max_pool2d_tiled_leftover", "max_pool", [2, 3, 5, 4], [2, 3, 2, 2],
          [2, 2], [2, 2], [1, 1], [0, 0, 0, 0], False),
    _pool("max_pool2d_ceil_mode_pad", "max_pool", [1, 1, 6, 6], [1, 1, 4, 4],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], True),
    _pool("max_pool1d_dilation_pad", "max_pool", [1, 2, 10], [1, 2, 10],
          [3], [1], [2], [2, 2], False),
    _pool("max_pool3d_overlap", "max_pool", [1, 1, 4, 4, 4], [1, 1, 3, 3, 3],
          [2, 2, 2], [1, 1, 1], [1, 1, 1], [0, 0, 0, 0, 0, 0], False),

    # --- avg_pool: dY / count spread over each window.
    _pool("avg_pool2d_pad_counted", "avg_pool", [1, 2, 5, 5], [1, 2, 3, 3],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], False, True),
    _pool("avg_pool2d_pad_not_counted", "avg_pool", [1, 2, 5, 5], [1, 2, 3, 3],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], False, False),
    _pool("avg_pool2d_ceil_mode_pad_counted", "avg_pool", [1, 1, 6, 6], [1, 1, 4, 4],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], True, True),
    _pool("avg_pool2d_ceil_mode_pad_not_counted", "avg_pool", [1, 1, 6, 6], [1, 1, 4, 4],
          [3, 3], [2, 2], [1, 1], [1, 1, 1, 1], True, False),
    _pool("avg_pool2d_stride_leftover", "avg_pool", [1, 1, 7, 8], [1, 1, 2, 2],
          [2, 3], [3, 3], [1, 1], [0, 0, 0, 0], False, False),
    _pool("avg_pool1d_dilation", "avg_pool", [2, 1, 9], [2, 1, 5],
          [2], [2], [2], [1, 1], False, False),
    _pool("avg_pool3d", "avg_pool", [1, 1, 4, 4, 4], [1, 1, 2, 2, 2],
          [2, 2, 2], [2, 2, 2], [1, 1, 1], [0, 0, 0, 0, 0, 0], False, False),

    # --- reductions.
    _reduce("reduce_sum_two_axes", "reduce_sum", [2, 3, 4], [0, 2], False, [3]),
    _reduce("reduce_sum_keep_dims", "reduce_sum", [2, 3, 4], [1], True, [2, 1, 4]),
    _reduce("reduce_sum_all", "reduce_sum", [2, 3], [0, 1], False, []),
    _reduce("reduce_prod_axis", "reduce_prod", [3, 4], [1], False, [3]),
    _reduce("reduce_prod_keep_dims", "reduce_prod", [2, 3, 2], [0, 2], True, [1, 3, 1]),
    # Rows with no zero, one zero, two zeros (the product is multilinear, so
    # finite differences are exact there too).
    _reduce("reduce_prod_zeros", "reduce_prod", [3, 4], [1], False, [3],
            values={"x": [0.5, -1.5, 2.0, 0.8,
                          1.2, 0.0, -0.7, 1.1,
                          0.0, 0.9, 0.0, -1.3]}),
    _reduce("reduce_max_axis", "reduce_max", [3, 5], [1], True, [3, 1]),
    _reduce("reduce_max_two_axes", "reduce_max", [2, 3, 4], [0, 2], False, [3]),
    _reduce("reduce_min_all", "reduce_min", [3, 4], [0, 1], False, []),
    _reduce("reduce_min_axis", "reduce_min", [4, 3], [0], False, [3]),

    # --- cumsum: the cotangent is summed the other way.
    _cumsum("cumsum_forward", [3, 5], 1, False, False),
    _cumsum("cumsum_exclusive", [3, 5], 1, True, False),
    _cumsum("cumsum_reverse", [4, 3], 0, False, True),
    _cumsum("cumsum_exclusive_reverse", [2, 3, 4], 2, True, True),

    # --- random_uniform: the numbers depend only on the seed (no gradient);
    # the rule must exist so that gradients flow around it.
    dict(name="random_uniform_times_x",
         args=[("x", [2, 3])],
         int_args=[("seed", [], "i64", [42])],
         body="%u = tcc.random_uniform %seed : (tensor<i64>) -> tensor<2x3xf64>\n"
              "%out = tcc.mul %x, %u : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>"),
]
