// RUN: tcc-opt %s --split-input-file --verify-diagnostics \
// RUN:   --tcc-autodiff="function=f all-args=true" | FileCheck %s

// VJP rules of the elementwise ops, as tcc-autodiff emits them into @f_grad.
// The loss's own cotangent (from reduce_sum's rule) is captured, not checked.

// mul with broadcasting: the cotangent of the [3] operand is summed over
// the broadcast axis.
// CHECK-LABEL: func.func @f_grad(
// CHECK-SAME:      %[[X:[a-z0-9_]+]]: tensor<2x3xf64>, %[[Y:[a-z0-9_]+]]: tensor<3xf64>)
// CHECK:         tcc.reduce_sum %{{.+}} {axes = array<i64: 0, 1>, keep_dims = false}
// CHECK-DAG:     %[[DX:[a-z0-9_]+]] = tcc.mul %[[G:[a-z0-9_]+]], %[[Y]] : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
// CHECK-DAG:     %[[DYF:[a-z0-9_]+]] = tcc.mul %[[G]], %[[X]] : (tensor<2x3xf64>, tensor<2x3xf64>) -> tensor<2x3xf64>
// CHECK-DAG:     %[[DY:[a-z0-9_]+]] = tcc.reduce_sum %[[DYF]] {axes = array<i64: 0>, keep_dims = false} : (tensor<2x3xf64>) -> tensor<3xf64>
// CHECK:         return %{{.+}}, %[[DX]], %[[DY]] : tensor<f64>, tensor<2x3xf64>, tensor<3xf64>
func.func @f(%x: tensor<2x3xf64>, %y: tensor<3xf64>) -> tensor<f64> {
  %0 = tcc.mul %x, %y : (tensor<2x3xf64>, tensor<3xf64>) -> tensor<2x3xf64>
  %1 = tcc.reduce_sum %0 {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x3xf64>) -> tensor<f64>
  return %1 : tensor<f64>
}

// -----

// Unary rules reuse the forward result: tanh' = 1 - tanh^2, exp' = exp;
// the seed of a 0-d loss is 1.
// CHECK-LABEL: func.func @f_grad(
// CHECK-SAME:      %[[X:[a-z0-9_]+]]: tensor<f64>)
// CHECK:         %[[T:[a-z0-9_]+]] = tcc.tanh %[[X]] : tensor<f64>
// CHECK:         %[[E:[a-z0-9_]+]] = tcc.exp %[[T]] : tensor<f64>
// CHECK:         %[[SEED:[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<f64>
// CHECK:         %[[DT:[a-z0-9_]+]] = tcc.mul %[[SEED]], %[[E]]
// CHECK:         %[[T2:[a-z0-9_]+]] = tcc.mul %[[T]], %[[T]]
// CHECK:         %[[ONE:[a-z0-9_]+]] = arith.constant dense<1.000000e+00> : tensor<f64>
// CHECK:         %[[D:[a-z0-9_]+]] = tcc.sub %[[ONE]], %[[T2]]
// CHECK:         %[[DX:[a-z0-9_]+]] = tcc.mul %[[DT]], %[[D]]
// CHECK:         return %[[E]], %[[DX]] : tensor<f64>, tensor<f64>
func.func @f(%x: tensor<f64>) -> tensor<f64> {
  %0 = tcc.tanh %x : tensor<f64>
  %1 = tcc.exp %0 : tensor<f64>
  return %1 : tensor<f64>
}

// -----

// max: the cotangent goes to the larger operand, half to each on a tie; the
// boolean condition of select gets none, and the broadcast branch is summed.
// CHECK-LABEL: func.func @f_grad(
// CHECK-SAME:      %[[A:[^:]+]]: tensor<3xf64>, %[[B:[^:]+]]: tensor<3xf64>, %[[C:[^:]+]]: tensor<3xi1>, %[[Z:[^:]+]]: tensor<f64>)
// CHECK:         %[[M:[a-z0-9_]+]] = tcc.max %[[A]], %[[B]]
// CHECK:         %[[DZ0:[a-z0-9_]+]] = tcc.select %[[C]], %{{[a-z0-9_]+}}, %[[G:[a-z0-9_]+]] : (tensor<3xi1>, tensor<f64>, tensor<3xf64>)
// CHECK:         %[[DZ:[a-z0-9_]+]] = tcc.reduce_sum %[[DZ0]] {axes = array<i64: 0>, keep_dims = false} : (tensor<3xf64>) -> tensor<f64>
// CHECK:         %[[GT:[a-z0-9_]+]] = tcc.greater %[[A]], %[[B]]
// CHECK:         %[[LT:[a-z0-9_]+]] = tcc.less %[[A]], %[[B]]
// CHECK:         %[[EQ:[a-z0-9_]+]] = tcc.equal %[[A]], %[[B]]
// CHECK:         %[[HALF:[a-z0-9_]+]] = tcc.mul %[[DM:[a-z0-9_]+]], %{{.+}} : (tensor<3xf64>, tensor<f64>)
// CHECK:         %[[SHARED:[a-z0-9_]+]] = tcc.select %[[EQ]], %[[HALF]], %[[DM]]
// CHECK:         %[[DA:[a-z0-9_]+]] = tcc.select %[[LT]], %{{.+}}, %[[SHARED]]
// CHECK:         %[[DB:[a-z0-9_]+]] = tcc.select %[[GT]], %{{.+}}, %[[SHARED]]
// CHECK:         return %{{.+}}, %[[DA]], %[[DB]], %[[DZ]] :
func.func @f(%a: tensor<3xf64>, %b: tensor<3xf64>, %c: tensor<3xi1>, %z: tensor<f64>) -> tensor<f64> {
  %0 = tcc.max %a, %b : (tensor<3xf64>, tensor<3xf64>) -> tensor<3xf64>
  %1 = tcc.select %c, %0, %z : (tensor<3xi1>, tensor<3xf64>, tensor<f64>) -> tensor<3xf64>
  %2 = tcc.reduce_sum %1 {axes = array<i64: 0>, keep_dims = false} : (tensor<3xf64>) -> tensor<f64>
  return %2 : tensor<f64>
}

// -----

// convert: a float-to-float conversion converts the cotangent back; the
// integer argument gets no gradient (it is not among the results).
// CHECK-LABEL: func.func @f_grad(
// CHECK-SAME:      %{{.+}}: tensor<f64>, %{{.+}}: tensor<i64>)
// CHECK-SAME:      -> (tensor<f64>, tensor<f64> {tcc.grad = 0 : i64})
// CHECK:         %[[G32:[a-z0-9_]+]] = tcc.convert %{{.+}} : tensor<f64> to tensor<f32>
// CHECK:         %[[G64:[a-z0-9_]+]] = tcc.convert %{{.+}} : tensor<f32> to tensor<f64>
// CHECK:         return
func.func @f(%x: tensor<f64>, %n: tensor<i64>) -> tensor<f64> {
  %0 = tcc.convert %x : tensor<f64> to tensor<f32>
  %1 = tcc.convert %n : tensor<i64> to tensor<f32>
  %2 = tcc.mul %0, %1 : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %3 = tcc.convert %2 : tensor<f32> to tensor<f64>
  return %3 : tensor<f64>
}

// -----

// An op without a rule on the gradient's path is an error naming it.
func.func @f(%x: tensor<3xf64>) -> tensor<f64> {
  // expected-error @+1 {{tcc-autodiff: 'math.exp' has no differentiation rule}}
  %0 = math.exp %x : tensor<3xf64>
  %1 = tcc.reduce_sum %0 {axes = array<i64: 0>, keep_dims = false} : (tensor<3xf64>) -> tensor<f64>
  return %1 : tensor<f64>
}

// -----

// The loss must be a 0-d float tensor.
// expected-error @+1 {{tcc-autodiff: the first result of 'f' must be a 0-d float tensor (the loss)}}
func.func @f(%x: tensor<3xf64>) -> tensor<3xf64> {
  %0 = tcc.exp %x : tensor<3xf64>
  return %0 : tensor<3xf64>
}

// -----

// expected-error @+1 {{tcc-autodiff: the first result of 'f' must be a 0-d float tensor (the loss)}}
func.func @f(%x: tensor<3xi64>) -> tensor<i64> {
  %0 = tcc.reduce_sum %x {axes = array<i64: 0>, keep_dims = false} : (tensor<3xi64>) -> tensor<i64>
  return %0 : tensor<i64>
}
