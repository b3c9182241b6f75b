"""Gradient checks of the data-movement ops (TccShapeOps.td) and scatter_add.

Each case is a function body computing %out from float64 arguments `args`
(and integer arguments `int_args`: name, shape, element type, values, which
get no gradient); the driver (python/tcc_tests/gradcheck.py) compares the
VJP of sum(%out * c) with central finite differences.
"""

CASES = [
    dict(name="reshape",
         args=[("x", [2, 3, 4])],
         body="%out = tcc.reshape %x : tensor<2x3x4xf64> to tensor<4x6xf64>"),
    dict(name="reshape_to_scalar",
         args=[("x", [1, 1])],
         body="%out = tcc.reshape %x : tensor<1x1xf64> to tensor<f64>"),
    dict(name="transpose",
         args=[("x", [2, 3, 4])],
         body="%out = tcc.transpose %x {permutation = array<i64: 2, 0, 1>}"
              " : (tensor<2x3x4xf64>) -> tensor<4x2x3xf64>"),
    dict(name="broadcast_to",
         args=[("x", [3, 1])],
         body="%out = tcc.broadcast_to %x : tensor<3x1xf64> to tensor<2x3x4xf64>"),
    dict(name="broadcast_to_scalar",
         args=[("x", [])],
         body="%out = tcc.broadcast_to %x : tensor<f64> to tensor<2x3xf64>"),
    dict(name="concat_middle_axis",
         args=[("a", [2, 3, 4]), ("b", [2, 1, 4]), ("c2", [2, 2, 4])],
         body="%out = tcc.concat %a, %b, %c2 {axis = 1 : i64} : (tensor<2x3x4xf64>,"
              " tensor<2x1x4xf64>, tensor<2x2x4xf64>) -> tensor<2x6x4xf64>"),
    dict(name="concat_same_value_twice",
         args=[("a", [2, 3])],
         body="%out = tcc.concat %a, %a {axis = 0 : i64}"
              " : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<4x3xf64>"),
    dict(name="slice_unit_steps",
         args=[("x", [5, 6])],
         body="%out = tcc.slice %x {starts = array<i64: 1, 2>, steps = array<i64: 1, 1>}"
              " : tensor<5x6xf64> to tensor<3x3xf64>"),
    dict(name="slice_positive_strides",
         args=[("x", [5, 7])],
         body="%out = tcc.slice %x {starts = array<i64: 1, 1>, steps = array<i64: 2, 3>}"
              " : tensor<5x7xf64> to tensor<2x2xf64>"),
    dict(name="slice_reverse",
         args=[("x", [4, 10])],
         body="%out = tcc.slice %x {starts = array<i64: 0, 9>, steps = array<i64: 2, -1>}"
              " : tensor<4x10xf64> to tensor<2x10xf64>"),
    dict(name="slice_negative_strides",
         args=[("x", [4, 11, 3])],
         body="%out = tcc.slice %x {starts = array<i64: 3, 9, 1>, steps = array<i64: -2, -3, 5>}"
              " : tensor<4x11x3xf64> to tensor<2x4x1xf64>"),
    dict(name="gather_dup_negative_i64",
         args=[("x", [5, 3])],
         int_args=[("idx", [2, 3], "i64", [0, 2, 2, -1, 4, -5])],
         body="%out = tcc.gather %x, %idx {axis = 0 : i64}"
              " : (tensor<5x3xf64>, tensor<2x3xi64>) -> tensor<2x3x3xf64>"),
    dict(name="gather_middle_axis_i32",
         args=[("x", [2, 4, 3])],
         int_args=[("idx", [3], "i32", [3, -1, 0])],
         body="%out = tcc.gather %x, %idx {axis = 1 : i64}"
              " : (tensor<2x4x3xf64>, tensor<3xi32>) -> tensor<2x3x3xf64>"),
    dict(name="gather_scalar_index",
         args=[("x", [5, 2])],
         int_args=[("idx", [], "i64", [-2])],
         body="%out = tcc.gather %x, %idx {axis = 0 : i64}"
              " : (tensor<5x2xf64>, tensor<i64>) -> tensor<2xf64>"),
    dict(name="gather_out_of_range_clamped",
         args=[("x", [5, 2])],
         int_args=[("idx", [4], "i64", [9, -9, 4, 0])],
         body="%out = tcc.gather %x, %idx {axis = 0 : i64}"
              " : (tensor<5x2xf64>, tensor<4xi64>) -> tensor<4x2xf64>"),
    dict(name="gather_elements_dup_negative",
         args=[("x", [3, 4])],
         int_args=[("idx", [3, 5], "i64", [0, 1, 1, -1, 3, 2, 2, 2, -4, 0, 3, 3, 0, 1, -2])],
         body="%out = tcc.gather_elements %x, %idx {axis = 1 : i64}"
              " : (tensor<3x4xf64>, tensor<3x5xi64>) -> tensor<3x5xf64>"),
    dict(name="gather_elements_smaller_i32",
         args=[("x", [4, 3])],
         int_args=[("idx", [2, 2], "i32", [3, -1, 3, 0])],
         body="%out = tcc.gather_elements %x, %idx {axis = 0 : i64}"
              " : (tensor<4x3xf64>, tensor<2x2xi32>) -> tensor<2x2xf64>"),
    dict(name="scatter_add",
         args=[("x", [3, 5]), ("u", [3, 2])],
         int_args=[("idx", [3, 2], "i64", [0, 0, 4, -1, 2, 7])],
         body="%out = tcc.scatter_add %x, %idx, %u {axis = 1 : i64} : (tensor<3x5xf64>,"
              " tensor<3x2xi64>, tensor<3x2xf64>) -> tensor<3x5xf64>"),
    dict(name="scatter_add_partial",
         args=[("x", [4, 5]), ("u", [2, 3])],
         int_args=[("idx", [2, 3], "i32", [1, 1, -1, 0, 3, 3])],
         body="%out = tcc.scatter_add %x, %idx, %u {axis = 0 : i64} : (tensor<4x5xf64>,"
              " tensor<2x3xi32>, tensor<2x3xf64>) -> tensor<4x5xf64>"),
    dict(name="pad_constant",
         args=[("x", [2, 3]), ("v", [])],
         body="%out = tcc.pad %x, %v {mode = \"constant\", padding = array<i64: 1, 0, 2, 1>}"
              " : (tensor<2x3xf64>, tensor<f64>) -> tensor<5x4xf64>"),
    dict(name="pad_constant_literal_value",
         args=[("x", [2, 3])],
         body="%z = arith.constant dense<0.5> : tensor<f64>\n"
              "  %out = tcc.pad %x, %z {mode = \"constant\", padding = array<i64: 0, 2, 1, 0>}"
              " : (tensor<2x3xf64>, tensor<f64>) -> tensor<3x5xf64>"),
    dict(name="pad_edge",
         args=[("x", [3, 4])],
         body="%z = arith.constant dense<0.0> : tensor<f64>\n"
              "  %out = tcc.pad %x, %z {mode = \"edge\", padding = array<i64: 2, 1, 1, 3>}"
              " : (tensor<3x4xf64>, tensor<f64>) -> tensor<6x8xf64>"),
    dict(name="pad_edge_wider_than_input",
         args=[("x", [2, 1, 3])],
         body="%z = arith.constant dense<0.0> : tensor<f64>\n"
              "  %out = tcc.pad %x, %z {mode = \"edge\", padding = array<i64: 3, 2, 0, 0, 0, 4>}"
              " : (tensor<2x1x3xf64>, tensor<f64>) -> tensor<5x3x7xf64>"),
    dict(name="pad_reflect",
         args=[("x", [3, 4])],
         body="%z = arith.constant dense<0.0> : tensor<f64>\n"
              "  %out = tcc.pad %x, %z {mode = \"reflect\", padding = array<i64: 2, 1, 1, 3>}"
              " : (tensor<3x4xf64>, tensor<f64>) -> tensor<6x8xf64>"),
    dict(name="pad_reflect_one_side",
         args=[("x", [2, 5, 3])],
         body="%z = arith.constant dense<0.0> : tensor<f64>\n"
              "  %out = tcc.pad %x, %z {mode = \"reflect\", padding = array<i64: 0, 0, 2, 0, 4, 0>}"
              " : (tensor<2x5x3xf64>, tensor<f64>) -> tensor<2x9x5xf64>"),
]
