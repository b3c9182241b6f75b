// RUN: tcc-opt %s --tcc-append-loss | FileCheck %s --check-prefix=CE
// RUN: tcc-opt %s --tcc-append-loss="label-smoothing=0.1 class-weights=1,2,3,4,5 reduction=sum" | FileCheck %s --check-prefix=CEW
// RUN: tcc-opt %s --tcc-append-loss="loss=mse" | FileCheck %s --check-prefix=MSE
// RUN: tcc-opt %s --tcc-append-loss="loss=l1 reduction=sum" | FileCheck %s --check-prefix=L1
// RUN: tcc-opt %s --tcc-append-loss="loss=bce-with-logits" | FileCheck %s --check-prefix=BCE
// RUN: tcc-opt %s --tcc-append-loss="function=gpt" | FileCheck %s --check-prefix=GPT
// RUN: tcc-opt %s --tcc-append-loss="function=f64 loss=l1" | FileCheck %s --check-prefix=F64
// RUN: tcc-opt %s --tcc-append-loss="function=scalar loss=output" | FileCheck %s --check-prefix=OUT
// RUN: tcc-opt %s --tcc-append-loss="function=labeled_ok" | FileCheck %s --check-prefix=LABELED

// Errors, each a diagnostic and a failing exit.
// RUN: not tcc-opt %s --tcc-append-loss="function=nope" 2>&1 | FileCheck %s --check-prefix=ERR-FUNC
// RUN: not tcc-opt %s --tcc-append-loss="loss=hinge" 2>&1 | FileCheck %s --check-prefix=ERR-LOSS
// RUN: not tcc-opt %s --tcc-append-loss="reduction=none" 2>&1 | FileCheck %s --check-prefix=ERR-RED
// RUN: not tcc-opt %s --tcc-append-loss="label-smoothing=1.0" 2>&1 | FileCheck %s --check-prefix=ERR-SMOOTH
// RUN: not tcc-opt %s --tcc-append-loss="label-smoothing=-0.1" 2>&1 | FileCheck %s --check-prefix=ERR-SMOOTH
// RUN: not tcc-opt %s --tcc-append-loss="class-weights=1,2" 2>&1 | FileCheck %s --check-prefix=ERR-WEIGHTS
// RUN: not tcc-opt %s --tcc-append-loss="loss=mse class-weights=1,1,1,1,1" 2>&1 | FileCheck %s --check-prefix=ERR-CEONLY
// RUN: not tcc-opt %s --tcc-append-loss="loss=output" 2>&1 | FileCheck %s --check-prefix=ERR-OUT
// RUN: not tcc-opt %s --tcc-append-loss="function=scalar_f64 loss=output" 2>&1 | FileCheck %s --check-prefix=ERR-OUT64
// RUN: not tcc-opt %s --tcc-append-loss="function=labeled" 2>&1 | FileCheck %s --check-prefix=ERR-LABELS
// RUN: not tcc-opt %s --tcc-append-loss="function=taken" 2>&1 | FileCheck %s --check-prefix=ERR-TAKEN
// RUN: not tcc-opt %s --tcc-append-loss="function=scalar" 2>&1 | FileCheck %s --check-prefix=ERR-NOCLASS
// RUN: not tcc-opt %s --tcc-append-loss="function=ints loss=mse" 2>&1 | FileCheck %s --check-prefix=ERR-INT

// ERR-FUNC: error: tcc-append-loss: no function 'nope'
// ERR-LOSS: error: tcc-append-loss: unknown loss 'hinge' (expected cross-entropy, mse, l1, bce-with-logits or output)
// ERR-RED: error: tcc-append-loss: unknown reduction 'none' (expected mean or sum)
// ERR-SMOOTH: error: tcc-append-loss: label-smoothing {{.*}} is outside [0, 1)
// ERR-WEIGHTS: error: tcc-append-loss: 2 class weights given for 5 classes
// ERR-CEONLY: error: tcc-append-loss: label-smoothing and class-weights apply only to cross-entropy
// ERR-OUT: error: tcc-append-loss: loss 'output' needs the first result to be the loss, a 0-d f32 tensor, but it is 'tensor<4x5xf32>'
// ERR-OUT64: error: tcc-append-loss: loss 'output' needs the first result to be the loss, a 0-d f32 tensor, but it is 'tensor<f64>'
// ERR-LABELS: error: tcc-append-loss: the labels (argument 1) have type 'tensor<5xi64>' but loss 'cross-entropy' on a prediction 'tensor<4x5xf32>' needs 'tensor<4xi64>'
// ERR-TAKEN: error: tcc-append-loss: 'taken_loss' already exists
// ERR-NOCLASS: error: tcc-append-loss: cross-entropy needs float logits [..., C] as the first result, got 'tensor<f32>'
// ERR-INT: error: tcc-append-loss: loss 'mse' needs a float prediction, got 'tensor<4xi64>'

// The forward stays; @forward_loss takes the labels last and returns the
// loss first, then the forward's outputs with their attributes.

// CE-LABEL: func.func @forward(
// CE-NOT:   tcc.label
// CE-LABEL: func.func @forward_loss(
// CE-SAME:    %[[W:.+]]: tensor<5x5xf32> {tcc.param = @w}, %[[X:.+]]: tensor<4x5xf32> {tcc.input = "x"}, %[[Y:.+]]: tensor<4xi64> {tcc.label})
// CE-SAME:    -> (tensor<f32>, tensor<4x5xf32> {tcc.output = "logits"}, tensor<4xf32> {tcc.output = "extra"})
// CE:         %[[P:.+]] = tcc.matmul %[[X]], %[[W]]
// log-softmax over the class axis:
// CE:         %[[MAX:.+]] = tcc.reduce_max %[[P]] {axes = array<i64: 1>, keep_dims = true}
// CE:         %[[SH:.+]] = tcc.sub %[[P]], %[[MAX]]
// CE:         %[[E:.+]] = tcc.exp %[[SH]]
// CE:         %[[S:.+]] = tcc.reduce_sum %[[E]] {axes = array<i64: 1>, keep_dims = true}
// CE:         %[[LSE:.+]] = tcc.log %[[S]]
// CE:         %[[LOGP:.+]] = tcc.sub %[[SH]], %[[LSE]]
// one-hot of the labels against the class ids (no gather: never out of bounds):
// CE:         %[[IOTA:.+]] = arith.constant dense<[0, 1, 2, 3, 4]> : tensor<5xi64>
// CE:         %[[COL:.+]] = tcc.reshape %[[Y]] : tensor<4xi64> to tensor<4x1xi64>
// CE:         %[[HIT:.+]] = tcc.equal %[[COL]], %[[IOTA]] : (tensor<4x1xi64>, tensor<5xi64>) -> tensor<4x5xi1>
// CE:         %[[OH:.+]] = tcc.convert %[[HIT]] : tensor<4x5xi1> to tensor<4x5xf32>
// CE:         %[[PICK:.+]] = tcc.mul %[[OH]], %[[LOGP]]
// CE:         %[[SUM:.+]] = tcc.reduce_sum %[[PICK]] {axes = array<i64: 0, 1>, keep_dims = false}
// CE:         %[[NEG:.+]] = tcc.neg %[[SUM]]
// CE:         %[[N:.+]] = arith.constant dense<4.000000e+00> : tensor<f32>
// CE:         %[[LOSS:.+]] = tcc.div %[[NEG]], %[[N]]
// CE:         return %[[LOSS]], %[[P]], %{{.+}} : tensor<f32>, tensor<4x5xf32>, tensor<4xf32>

// Smoothing and weights: coef = ((1-ε)·onehot + ε/C)·w; sum reduction.
// CEW-LABEL: func.func @forward_loss(
// CEW:         %[[OH:.+]] = tcc.convert %{{.+}} : tensor<4x5xi1> to tensor<4x5xf32>
// CEW:         %[[W:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 5.000000e+00]> : tensor<5xf32>
// CEW:         %[[A:.+]] = arith.constant dense<0.899999976> : tensor<f32>
// CEW:         %[[B:.+]] = arith.constant dense<2.000000e-02> : tensor<f32>
// CEW:         %[[S1:.+]] = tcc.mul %[[OH]], %[[A]]
// CEW:         %[[S2:.+]] = tcc.add %[[S1]], %[[B]]
// CEW:         %[[COEF:.+]] = tcc.mul %[[S2]], %[[W]]
// CEW:         tcc.mul %[[COEF]],
// CEW:         tcc.reduce_sum
// CEW-NEXT:    %[[LOSS:.+]] = tcc.neg
// CEW-NEXT:    return %[[LOSS]],

// MSE-LABEL: func.func @forward_loss(
// MSE-SAME:    %{{.+}}: tensor<4x5xf32> {tcc.label})
// MSE:         %[[D:.+]] = tcc.sub %[[P:.+]], %[[Y:.+]] : (tensor<4x5xf32>, tensor<4x5xf32>)
// MSE:         %[[SQ:.+]] = tcc.mul %[[D]], %[[D]]
// MSE:         %[[S:.+]] = tcc.reduce_sum %[[SQ]] {axes = array<i64: 0, 1>, keep_dims = false}
// MSE:         %[[N:.+]] = arith.constant dense<2.000000e+01> : tensor<f32>
// MSE:         %[[L:.+]] = tcc.div %[[S]], %[[N]]
// MSE:         return %[[L]],

// L1-LABEL: func.func @forward_loss(
// L1:         %[[D:.+]] = tcc.sub
// L1:         %[[A:.+]] = tcc.abs %[[D]]
// L1:         %[[S:.+]] = tcc.reduce_sum %[[A]]
// L1-NEXT:    return %[[S]],

// BCE-LABEL: func.func @forward_loss(
// BCE:         %[[RELU:.+]] = tcc.max %[[P:.+]], %{{.+}}
// BCE:         %[[ABS:.+]] = tcc.abs %[[P]]
// BCE:         %[[NABS:.+]] = tcc.neg %[[ABS]]
// BCE:         %[[E:.+]] = tcc.exp %[[NABS]]
// BCE:         %[[ONEP:.+]] = tcc.add %{{.+}}, %[[E]]
// BCE:         %[[SP:.+]] = tcc.log %[[ONEP]]
// BCE:         %[[XY:.+]] = tcc.mul %[[P]], %[[Y:.+]]
// BCE:         %[[T:.+]] = tcc.sub %[[RELU]], %[[XY]]
// BCE:         tcc.add %[[T]], %[[SP]]

ml_program.global private @w(dense<1.0> : tensor<5x5xf32>) : tensor<5x5xf32>
func.func @forward(%w: tensor<5x5xf32> {tcc.param = @w}, %x: tensor<4x5xf32> {tcc.input = "x"})
    -> (tensor<4x5xf32> {tcc.output = "logits"}, tensor<4xf32> {tcc.output = "extra"}) {
  %0 = tcc.matmul %x, %w : (tensor<4x5xf32>, tensor<5x5xf32>) -> tensor<4x5xf32>
  %1 = tcc.reduce_sum %0 {axes = array<i64: 1>, keep_dims = false} : (tensor<4x5xf32>) -> tensor<4xf32>
  return %0, %1 : tensor<4x5xf32>, tensor<4xf32>
}

// Language-model logits [B, T, V] with labels [B, T].
// GPT-LABEL: func.func @gpt_loss(
// GPT-SAME:    %[[P:.+]]: tensor<2x3x7xf32>, %[[Y:.+]]: tensor<2x3xi64> {tcc.label}) -> (tensor<f32>, tensor<2x3x7xf32>)
// GPT:         tcc.reduce_max %[[P]] {axes = array<i64: 2>, keep_dims = true}
// GPT:         tcc.reshape %[[Y]] : tensor<2x3xi64> to tensor<2x3x1xi64>
// GPT:         tcc.reduce_sum %{{.+}} {axes = array<i64: 0, 1, 2>, keep_dims = false}
// GPT:         arith.constant dense<6.000000e+00> : tensor<f32>
func.func @gpt(%p: tensor<2x3x7xf32>) -> tensor<2x3x7xf32> {
  return %p : tensor<2x3x7xf32>
}

// A double-precision model: the loss is computed in f64, returned as f32.
// F64-LABEL: func.func @f64_loss(
// F64-SAME:    %{{.+}}: tensor<4x5xf64> {tcc.label}) -> (tensor<f32>, tensor<4x5xf64>)
// F64:         %[[M:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f64>, tensor<f64>) -> tensor<f64>
// F64:         %[[L:.+]] = tcc.convert %[[M]] : tensor<f64> to tensor<f32>
// F64:         return %[[L]], %{{.+}} : tensor<f32>, tensor<4x5xf64>
func.func @f64(%p: tensor<4x5xf64>) -> tensor<4x5xf64> {
  return %p : tensor<4x5xf64>
}

// The model computes its own loss: the loss function is the forward,
// renamed, without labels.
// OUT-LABEL: func.func @scalar_loss(
// OUT-SAME:    %[[X:[^:]+]]: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>)
// OUT-NOT:     tcc.label
// OUT:         %[[S:.+]] = tcc.reduce_sum %[[X]]
// OUT-NEXT:    return %[[S]], %[[X]]
func.func @scalar(%x: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32>) {
  %0 = tcc.reduce_sum %x {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %0, %x : tensor<f32>, tensor<4xf32>
}

func.func @scalar_f64(%x: tensor<f64>) -> tensor<f64> {
  return %x : tensor<f64>
}

func.func @ints(%x: tensor<4xi64>) -> tensor<4xi64> {
  return %x : tensor<4xi64>
}

// A forward that already takes its labels keeps them (no new argument).
// LABELED-LABEL: func.func @labeled_ok_loss(
// LABELED-SAME:    %{{.+}}: tensor<4x5xf32>, %[[Y:.+]]: tensor<4xi64> {tcc.label}) -> (tensor<f32>, tensor<4x5xf32>)
// LABELED:         tcc.reshape %[[Y]] : tensor<4xi64> to tensor<4x1xi64>
func.func @labeled_ok(%x: tensor<4x5xf32>, %y: tensor<4xi64> {tcc.label}) -> tensor<4x5xf32> {
  return %x : tensor<4x5xf32>
}

func.func @labeled(%x: tensor<4x5xf32>, %y: tensor<5xi64> {tcc.label}) -> tensor<4x5xf32> {
  return %x : tensor<4x5xf32>
}

func.func @taken(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  return %x : tensor<4x5xf32>
}
func.func @taken_loss(%x: tensor<4x5xf32>) -> tensor<4x5xf32> {
  return %x : tensor<4x5xf32>
}
