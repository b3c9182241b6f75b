// A training module written by hand in the shape tcc-optimizer produces
// (include/tcc/Runtime/Model.h): linear regression, MSE loss, plain SGD with
// lr = 0.1, batch 8. Lets tcc-compile's backend (object, glue, link) be
// tested on its own.
module {
  ml_program.global private @W(dense<[[0.25, 0.0], [0.0, 0.25], [0.0, 0.0], [0.25, -0.25]]> : tensor<4x2xf32>) : tensor<4x2xf32>
  ml_program.global private @b(dense<[0.5, -0.5]> : tensor<2xf32>) : tensor<2xf32>
  func.func @train_step(%W: tensor<4x2xf32> {tcc.param = @W}, %b: tensor<2xf32> {tcc.param = @b},
                        %x: tensor<8x4xf32> {tcc.input = "x"}, %y: tensor<8x2xf32> {tcc.label},
                        %step: tensor<i64>)
      -> (tensor<4x2xf32>, tensor<2xf32>, tensor<f32>) {
    %xw = tcc.matmul %x, %W : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
    %p = tcc.add %xw, %b : (tensor<8x2xf32>, tensor<2xf32>) -> tensor<8x2xf32>
    %d = tcc.sub %p, %y : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
    %sq = tcc.mul %d, %d : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
    %s = tcc.reduce_sum %sq {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<8x2xf32>) -> tensor<f32>
    %inv = arith.constant dense<0.0625> : tensor<f32>
    %loss = tcc.mul %s, %inv : (tensor<f32>, tensor<f32>) -> tensor<f32>
    // d loss / d p = 2 d / 16
    %c = arith.constant dense<0.125> : tensor<f32>
    %gp = tcc.mul %d, %c : (tensor<8x2xf32>, tensor<f32>) -> tensor<8x2xf32>
    %xt = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<8x4xf32>) -> tensor<4x8xf32>
    %gW = tcc.matmul %xt, %gp : (tensor<4x8xf32>, tensor<8x2xf32>) -> tensor<4x2xf32>
    %gb = tcc.reduce_sum %gp {axes = array<i64: 0>, keep_dims = false} : (tensor<8x2xf32>) -> tensor<2xf32>
    %lr = arith.constant dense<0.1> : tensor<f32>
    %uW = tcc.mul %gW, %lr : (tensor<4x2xf32>, tensor<f32>) -> tensor<4x2xf32>
    %ub = tcc.mul %gb, %lr : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
    %W1 = tcc.sub %W, %uW : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x2xf32>
    %b1 = tcc.sub %b, %ub : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
    return %W1, %b1, %loss : tensor<4x2xf32>, tensor<2xf32>, tensor<f32>
  }
  func.func @eval_step(%W: tensor<4x2xf32> {tcc.param = @W}, %b: tensor<2xf32> {tcc.param = @b},
                       %x: tensor<8x4xf32> {tcc.input = "x"}, %y: tensor<8x2xf32> {tcc.label})
      -> (tensor<f32>, tensor<8x2xf32> {tcc.output = "y"}) {
    %xw = tcc.matmul %x, %W : (tensor<8x4xf32>, tensor<4x2xf32>) -> tensor<8x2xf32>
    %p = tcc.add %xw, %b : (tensor<8x2xf32>, tensor<2xf32>) -> tensor<8x2xf32>
    %d = tcc.sub %p, %y : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
    %sq = tcc.mul %d, %d : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
    %s = tcc.reduce_sum %sq {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<8x2xf32>) -> tensor<f32>
    %inv = arith.constant dense<0.0625> : tensor<f32>
    %loss = tcc.mul %s, %inv : (tensor<f32>, tensor<f32>) -> tensor<f32>
    return %loss, %p : tensor<f32>, tensor<8x2xf32>
  }
}
