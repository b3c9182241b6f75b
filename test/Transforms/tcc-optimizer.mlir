// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1" | FileCheck %s --check-prefix=SGD
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=nesterov lr=0.1 momentum=0.5 weight-decay=0.01" | FileCheck %s --check-prefix=NEST
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adam betas=0.8,0.99 eps=1e-6" | FileCheck %s --check-prefix=ADAM
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adamw" | FileCheck %s --check-prefix=ADAMW
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adagrad" | FileCheck %s --check-prefix=ADAGRAD
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=rmsprop" | FileCheck %s --check-prefix=RMSPROP
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=lamb weight-decay=0.1" | FileCheck %s --check-prefix=LAMB
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="optimizer=momentum lr=0.1 grad-accum=2" | FileCheck %s --check-prefix=ACCUM
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 clip-grad-norm=1.5" | FileCheck %s --check-prefix=CLIP
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 l1=0.5 l2=0.25" | FileCheck %s --check-prefix=REG
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=step step-size=3 gamma=0.5" | FileCheck %s --check-prefix=STEP
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=exponential gamma=0.9" | FileCheck %s --check-prefix=EXP
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=cosine total-steps=10" | FileCheck %s --check-prefix=COS
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=warmup-cosine warmup-steps=2 total-steps=10" | FileCheck %s --check-prefix=WCOS
// RUN: tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=one-cycle total-steps=100" | FileCheck %s --check-prefix=ONE

// Errors: a diagnostic naming the problem and a failing exit.
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adadelta lr=1" 2>&1 | FileCheck %s --check-prefix=ERR_OPT
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=linear" 2>&1 | FileCheck %s --check-prefix=ERR_SCHED
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=sgd" 2>&1 | FileCheck %s --check-prefix=ERR_LR
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adam lr=-1" 2>&1 | FileCheck %s --check-prefix=ERR_NEGLR
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=step" 2>&1 | FileCheck %s --check-prefix=ERR_STEP
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=cosine" 2>&1 | FileCheck %s --check-prefix=ERR_TOTAL
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=warmup-cosine warmup-steps=20 total-steps=10" 2>&1 | FileCheck %s --check-prefix=ERR_WARM
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 lr-schedule=one-cycle total-steps=2" 2>&1 | FileCheck %s --check-prefix=ERR_ONE
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adam betas=0.9" 2>&1 | FileCheck %s --check-prefix=ERR_BETAS
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=adam betas=0.9,1.0" 2>&1 | FileCheck %s --check-prefix=ERR_BETA_RANGE
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="optimizer=momentum lr=0.1 momentum=0" 2>&1 | FileCheck %s --check-prefix=ERR_MOM
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 grad-accum=0" 2>&1 | FileCheck %s --check-prefix=ERR_ACCUM
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 function=nope" 2>&1 | FileCheck %s --check-prefix=ERR_FUNC
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 eval-function=nope" 2>&1 | FileCheck %s --check-prefix=ERR_EVAL
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 eval-function=grad_of_nothing" 2>&1 | FileCheck %s --check-prefix=ERR_EVAL_ARGS
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 function=grad_of_nothing" 2>&1 | FileCheck %s --check-prefix=ERR_GRAD
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 function=grad_mistyped" 2>&1 | FileCheck %s --check-prefix=ERR_GRAD_TYPE
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1 function=loss_not_scalar" 2>&1 | FileCheck %s --check-prefix=ERR_LOSS
// RUN: not tcc-opt %s --split-input-file --tcc-optimizer="lr=0.1" --tcc-optimizer="lr=0.1" 2>&1 | FileCheck %s --check-prefix=ERR_TWICE

// ERR_OPT: error: tcc-optimizer: unknown optimizer 'adadelta' (expected sgd, momentum, nesterov, adam, adamw, adagrad, rmsprop or lamb)
// ERR_SCHED: error: tcc-optimizer: unknown lr-schedule 'linear' (expected constant, step, exponential, cosine, warmup-cosine or one-cycle)
// ERR_LR: error: tcc-optimizer: optimizer 'sgd' needs lr (torch.optim.SGD has no default)
// ERR_NEGLR: error: tcc-optimizer: lr must be >= 0
// ERR_STEP: error: tcc-optimizer: lr-schedule 'step' needs step-size >= 1, got 0
// ERR_TOTAL: error: tcc-optimizer: lr-schedule 'cosine' needs total-steps > 0
// ERR_WARM: error: tcc-optimizer: warmup-steps must be in [0, total-steps], got 20
// ERR_ONE: error: tcc-optimizer: one-cycle needs pct-start in (0, 1) with pct-start * total-steps > 1 and both phases non-empty (pct-start 3.000000e-01, total-steps 2)
// ERR_BETAS: error: tcc-optimizer: betas needs two values, got 1
// ERR_BETA_RANGE: error: tcc-optimizer: betas must be in [0, 1)
// ERR_MOM: error: tcc-optimizer: momentum must be > 0 for the momentum and nesterov optimizers
// ERR_ACCUM: error: tcc-optimizer: grad-accum must be >= 1
// ERR_FUNC: error: tcc-optimizer: no function 'nope'
// ERR_EVAL: error: tcc-optimizer: no evaluation function 'nope'
// ERR_EVAL_ARGS: error: tcc-optimizer: argument 0 (param:w) of 'grad_of_nothing' matches no argument of 'forward_loss_grad' of the same type
// ERR_GRAD: error: tcc-optimizer: result 1 has {tcc.grad = @v} but no argument has {tcc.param = @v}
// ERR_GRAD_TYPE: error: tcc-optimizer: result 1 (tcc.grad = @w) has type 'tensor<2x2xf32>' but its argument has type 'tensor<4xf32>'
// ERR_LOSS: error: tcc-optimizer: the first result of 'loss_not_scalar' must be the loss, a 0-d float tensor
// ERR_TWICE: error: tcc-optimizer: the module already has a symbol 'train_step'

// The plain SGD step: the loss-and-gradients body inlined, then p + (-lr) * g.
// SGD-NOT: ml_program.global
// SGD-LABEL: func.func @train_step(
// SGD-SAME: %[[W:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}, %[[B:[a-z0-9]+]]: tensor<4xf32> {tcc.param = @b},
// SGD-SAME: %[[S:[a-z0-9]+]]: tensor<3xf32> {tcc.state = @running_mean}, %[[X:[a-z0-9]+]]: tensor<2x3xf32> {tcc.input = "x"},
// SGD-SAME: %[[Y:[a-z0-9]+]]: tensor<2x4xf32> {tcc.label}, %[[STEPARG:[a-z0-9]+]]: tensor<i64> {tcc.step})
// SGD-SAME: -> (tensor<3x4xf32> {tcc.param_update = @w}, tensor<4xf32> {tcc.param_update = @b},
// SGD-SAME: tensor<3xf32> {tcc.state_update = @running_mean}, tensor<f32> {tcc.loss})
// SGD: tcc.matmul %[[X]], %[[W]]
// SGD: %[[LOSS:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>) -> tensor<f32>
// SGD: %[[GW:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
// SGD: %[[GB:.+]] = tcc.reduce_sum %{{.+}} {axes = array<i64: 0>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<4xf32>
// SGD: %[[S2:.+]] = tcc.add %[[S]], %{{.+}} : (tensor<3xf32>, tensor<3xf32>)
// SGD: %[[LR:.+]] = arith.constant dense<1.000000e-01> : tensor<f64>
// SGD: %[[NEG:.+]] = tcc.neg %[[LR]] : tensor<f64>
// SGD: %[[NEG32:.+]] = tcc.convert %[[NEG]] : tensor<f64> to tensor<f32>
// SGD: %[[DW:.+]] = tcc.mul %[[NEG32]], %[[GW]] : (tensor<f32>, tensor<3x4xf32>) -> tensor<3x4xf32>
// SGD: %[[W2:.+]] = tcc.add %[[W]], %[[DW]]
// SGD: %[[DB:.+]] = tcc.mul %{{.+}}, %[[GB]] : (tensor<f32>, tensor<4xf32>) -> tensor<4xf32>
// SGD: %[[B2:.+]] = tcc.add %[[B]], %[[DB]]
// SGD: return %[[W2]], %[[B2]], %[[S2]], %[[LOSS]] :
// SGD-LABEL: func.func @eval_step(
// SGD-SAME: %[[EW:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}, %{{.+}}: tensor<4xf32> {tcc.param = @b},
// SGD-SAME: %{{.+}}: tensor<3xf32> {tcc.state = @running_mean}, %[[EX:[a-z0-9]+]]: tensor<2x3xf32> {tcc.input = "x"}, %{{.+}}: tensor<2x4xf32> {tcc.label})
// SGD-SAME: -> (tensor<f32> {tcc.loss}, tensor<2x4xf32> {tcc.output = "y"})
// SGD-NEXT: tcc.matmul %[[EX]], %[[EW]]
// SGD-NOT: tcc.transpose
// SGD: return
// The inference-mode function wins; its arguments are matched by role and name.
// SGD: func.func @eval_step(%[[EW:[a-z0-9]+]]: tensor<4xf32> {tcc.param = @w}, %[[EX:[a-z0-9]+]]: tensor<4xf32> {tcc.input = "x"})
// SGD-SAME: -> (tensor<f32> {tcc.loss}, tensor<4xf32>)
// SGD-NEXT: %[[D:.+]] = tcc.sub %[[EW]], %[[EX]]
// SGD-NEXT: %[[L:.+]] = tcc.reduce_sum %[[D]]
// SGD-NEXT: return %[[L]], %[[D]]

// SGD with Nesterov momentum and weight decay: one zero-initialized buffer
// per parameter, right after the model's state.
// NEST-DAG: ml_program.global private @w.momentum_buffer(dense<0.000000e+00> : tensor<3x4xf32>) : tensor<3x4xf32>
// NEST-DAG: ml_program.global private @b.momentum_buffer(dense<0.000000e+00> : tensor<4xf32>) : tensor<4xf32>
// NEST-LABEL: func.func @train_step(
// NEST-SAME: %[[W:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}
// NEST-SAME: {tcc.state = @running_mean}, %[[WBUF:[a-z0-9]+]]: tensor<3x4xf32> {tcc.state = @w.momentum_buffer},
// NEST-SAME: %[[BBUF:[a-z0-9]+]]: tensor<4xf32> {tcc.state = @b.momentum_buffer}, %{{.+}}: tensor<2x3xf32> {tcc.input = "x"}
// NEST-SAME: tensor<3xf32> {tcc.state_update = @running_mean}, tensor<3x4xf32> {tcc.state_update = @w.momentum_buffer},
// NEST-SAME: tensor<4xf32> {tcc.state_update = @b.momentum_buffer}, tensor<f32> {tcc.loss})
// NEST: %[[GW:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// NEST: %[[WD:.+]] = arith.constant dense<0.00999999977> : tensor<f32>
// NEST-NEXT: %[[DECAY:.+]] = tcc.mul %[[WD]], %[[W]]
// NEST-NEXT: %[[D:.+]] = tcc.add %[[GW]], %[[DECAY]]
// NEST-NEXT: %[[MOM:.+]] = arith.constant dense<5.000000e-01> : tensor<f32>
// NEST-NEXT: %[[OLD:.+]] = tcc.mul %[[WBUF]], %[[MOM]]
// NEST-NEXT: %[[BUF:.+]] = tcc.add %[[OLD]], %[[D]]
// NEST-NEXT: %[[MOM2:.+]] = arith.constant dense<5.000000e-01> : tensor<f32>
// NEST-NEXT: %[[LOOK:.+]] = tcc.mul %[[MOM2]], %[[BUF]]
// NEST-NEXT: %[[D2:.+]] = tcc.add %[[D]], %[[LOOK]]
// NEST: %[[DW:.+]] = tcc.mul %{{.+}}, %[[D2]]
// NEST-NEXT: %[[W2:.+]] = tcc.add %[[W]], %[[DW]]
// NEST: return %[[W2]], %{{.+}}, %{{.+}}, %[[BUF]], %{{.+}}, %{{.+}} :

// Adam: two slots per parameter; bias corrections from the step, in f64.
// ADAM-DAG: ml_program.global private @w.exp_avg(dense<0.000000e+00> : tensor<3x4xf32>)
// ADAM-DAG: ml_program.global private @w.exp_avg_sq(dense<0.000000e+00> : tensor<3x4xf32>)
// ADAM-DAG: ml_program.global private @b.exp_avg(dense<0.000000e+00> : tensor<4xf32>)
// ADAM-DAG: ml_program.global private @b.exp_avg_sq(dense<0.000000e+00> : tensor<4xf32>)
// ADAM-LABEL: func.func @train_step(
// ADAM-SAME: {tcc.state = @running_mean}, %[[M:[a-z0-9]+]]: tensor<3x4xf32> {tcc.state = @w.exp_avg},
// ADAM-SAME: %[[V:[a-z0-9]+]]: tensor<3x4xf32> {tcc.state = @w.exp_avg_sq}, %{{.+}}: tensor<4xf32> {tcc.state = @b.exp_avg},
// ADAM-SAME: %{{.+}}: tensor<4xf32> {tcc.state = @b.exp_avg_sq}, %{{.+}}: tensor<2x3xf32> {tcc.input = "x"},
// ADAM-SAME: %[[STEPARG:[a-z0-9]+]]: tensor<i64> {tcc.step})
// ADAM: %[[DONE:.+]] = tcc.convert %[[STEPARG]] : tensor<i64> to tensor<f64>
// ADAM-DAG: %[[LR:.+]] = arith.constant dense<1.000000e-03> : tensor<f64>
// ADAM-DAG: %[[T:.+]] = tcc.add %[[DONE]], %{{.+}} : (tensor<f64>, tensor<f64>)
// ADAM: %[[BETA1:.+]] = arith.constant dense<8.000000e-01> : tensor<f64>
// ADAM: %[[P1:.+]] = tcc.pow %[[BETA1]], %[[T]]
// ADAM: %[[BC1:.+]] = tcc.sub %{{.+}}, %[[P1]]
// ADAM: %[[BETA2:.+]] = arith.constant dense<0.98999999999999999> : tensor<f64>
// ADAM: %[[P2:.+]] = tcc.pow %[[BETA2]], %[[T]]
// ADAM: %[[BC2:.+]] = tcc.sub %{{.+}}, %[[P2]]
// ADAM: %[[M2:.+]] = tcc.add %{{.+}}, %{{.+}} : (tensor<3x4xf32>, tensor<3x4xf32>)
// ADAM: %[[V2:.+]] = tcc.add %{{.+}}, %{{.+}} : (tensor<3x4xf32>, tensor<3x4xf32>)
// ADAM-DAG: %[[SIZE:.+]] = tcc.div %[[LR]], %[[BC1]] : (tensor<f64>, tensor<f64>)
// ADAM-DAG: %[[EPS:.+]] = arith.constant dense<9.99999997E-7> : tensor<f32>
// ADAM-DAG: %[[SQ:.+]] = tcc.sqrt %[[BC2]] : tensor<f64>
// ADAM-DAG: %[[ROOT:.+]] = tcc.sqrt %[[V2]] : tensor<3x4xf32>
// ADAM: %[[DENOM:.+]] = tcc.add %{{.+}}, %[[EPS]]
// ADAM: %[[STEPW:.+]] = tcc.mul %{{.+}}, %[[M2]] : (tensor<f32>, tensor<3x4xf32>)
// ADAM-NEXT: %[[UPD:.+]] = tcc.div %[[STEPW]], %[[DENOM]]
// ADAM-NEXT: %[[W2:.+]] = tcc.add %{{.+}}, %[[UPD]]
// ADAM: return %[[W2]], %{{.+}}, %{{.+}}, %[[M2]], %[[V2]], %{{.+}}, %{{.+}}, %{{.+}} :

// AdamW decays the parameter by 1 - lr * weight_decay (default 0.01) first.
// ADAMW-LABEL: func.func @train_step(
// ADAMW-SAME: %[[W:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}
// ADAMW-DAG: %[[LR:.+]] = arith.constant dense<1.000000e-03> : tensor<f64>
// ADAMW-DAG: %[[WD:.+]] = arith.constant dense<1.000000e-02> : tensor<f64>
// ADAMW: %[[LRWD:.+]] = tcc.mul %[[LR]], %[[WD]]
// ADAMW: %[[KEEP:.+]] = tcc.sub %{{.+}}, %[[LRWD]]
// ADAMW: %[[KEEP32:.+]] = tcc.convert %[[KEEP]] : tensor<f64> to tensor<f32>
// ADAMW: tcc.mul %[[W]], %[[KEEP32]]

// Adagrad: eps 1e-10 and lr 0.01 by default, sum += g * g.
// ADAGRAD-DAG: ml_program.global private @w.sum(dense<0.000000e+00> : tensor<3x4xf32>)
// ADAGRAD-LABEL: func.func @train_step(
// ADAGRAD-SAME: %[[SUM:[a-z0-9]+]]: tensor<3x4xf32> {tcc.state = @w.sum}
// ADAGRAD: %[[GW:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// ADAGRAD-DAG: arith.constant dense<1.000000e-02> : tensor<f64>
// ADAGRAD-DAG: %[[SQ:.+]] = tcc.mul %[[GW]], %[[GW]]
// ADAGRAD-DAG: %[[SUM2:.+]] = tcc.add %[[SUM]], %[[SQ]]
// ADAGRAD-DAG: %[[EPS:.+]] = arith.constant dense<1.000000e-10> : tensor<f32>
// ADAGRAD-DAG: %[[ROOT:.+]] = tcc.sqrt %[[SUM2]]
// ADAGRAD: tcc.add %[[ROOT]], %[[EPS]]

// RMSprop: alpha 0.99, eps 1e-8, lr 0.01 by default.
// RMSPROP-LABEL: func.func @train_step(
// RMSPROP-SAME: %[[AVG:[a-z0-9]+]]: tensor<3x4xf32> {tcc.state = @w.square_avg}
// RMSPROP-DAG: arith.constant dense<1.000000e-02> : tensor<f64>
// RMSPROP-DAG: %[[ALPHA:.+]] = arith.constant dense<9.900000e-01> : tensor<f32>
// RMSPROP-DAG: tcc.mul %[[AVG]], %[[ALPHA]]
// RMSPROP-DAG: arith.constant dense<9.99999993E-9> : tensor<f32>

// The LAMB update: trust ratio ||p|| / ||r||, 1 when either norm is 0.
// LAMB-LABEL: func.func @train_step(
// LAMB-SAME: %[[W:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}
// LAMB: %[[R0:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<3x4xf32>, tensor<3x4xf32>)
// LAMB: %[[DECAY:.+]] = tcc.mul %{{.+}}, %[[W]]
// LAMB: %[[R:.+]] = tcc.add %[[R0]], %[[DECAY]]
// LAMB-DAG: %[[PSQ:.+]] = tcc.mul %[[W]], %[[W]]
// LAMB-DAG: %[[RSQ:.+]] = tcc.mul %[[R]], %[[R]]
// LAMB: %[[BOTH:.+]] = tcc.and
// LAMB: %[[DIV:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>)
// LAMB: %[[RATIO:.+]] = tcc.select %[[BOTH]], %[[DIV]], %{{.+}}
// LAMB: %[[SCALE:.+]] = tcc.mul %{{.+}}, %[[RATIO]] : (tensor<f32>, tensor<f32>)
// LAMB: %[[UPD:.+]] = tcc.mul %[[SCALE]], %[[R]]
// LAMB: tcc.add %[[W]], %[[UPD]]

// Two micro-batches per step: inputs and labels hold both, the state flows
// through them in order, the gradients and losses are averaged.
// ACCUM-LABEL: func.func @train_step(
// ACCUM-SAME: %[[S:[a-z0-9]+]]: tensor<3xf32> {tcc.state = @running_mean}
// ACCUM-SAME: %[[X:[a-z0-9]+]]: tensor<4x3xf32> {tcc.input = "x"}, %[[Y:[a-z0-9]+]]: tensor<4x4xf32> {tcc.label}
// ACCUM-SAME: attributes {tcc.grad_accum = 2 : i64}
// ACCUM: %[[X0:.+]] = tcc.slice %[[X]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x3xf32> to tensor<2x3xf32>
// ACCUM: %[[Y0:.+]] = tcc.slice %[[Y]] {starts = array<i64: 0, 0>, steps = array<i64: 1, 1>} : tensor<4x4xf32> to tensor<2x4xf32>
// ACCUM: tcc.matmul %[[X0]], %{{.+}}
// ACCUM: %[[L0:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>)
// ACCUM: %[[G0:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// ACCUM: %[[S1:.+]] = tcc.add %[[S]], %{{.+}}
// ACCUM: %[[X1:.+]] = tcc.slice %[[X]] {starts = array<i64: 2, 0>, steps = array<i64: 1, 1>} : tensor<4x3xf32> to tensor<2x3xf32>
// ACCUM: %[[Y1:.+]] = tcc.slice %[[Y]] {starts = array<i64: 2, 0>, steps = array<i64: 1, 1>}
// ACCUM: tcc.matmul %[[X1]], %{{.+}}
// ACCUM: %[[L1:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>)
// ACCUM: %[[G1:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// ACCUM: %[[S2:.+]] = tcc.add %[[S1]], %{{.+}}
// ACCUM: %[[LSUM:.+]] = tcc.add %[[L0]], %[[L1]]
// ACCUM: %[[GSUM:.+]] = tcc.add %[[G0]], %[[G1]]
// ACCUM: %[[K:.+]] = arith.constant dense<2.000000e+00> : tensor<f32>
// ACCUM: %[[LOSS:.+]] = tcc.div %[[LSUM]], %[[K]]
// ACCUM: %[[K2:.+]] = arith.constant dense<2.000000e+00> : tensor<f32>
// ACCUM: %[[G:.+]] = tcc.div %[[GSUM]], %[[K2]]
// ACCUM: return %{{.+}}, %{{.+}}, %[[S2]], %{{.+}}, %{{.+}}, %[[LOSS]] :
// ACCUM-LABEL: func.func @eval_step(
// ACCUM-SAME: tensor<2x3xf32> {tcc.input = "x"}, %{{.+}}: tensor<2x4xf32> {tcc.label})

// Clipping by the global norm: min(1, max / (norm + 1e-6)) on every gradient.
// CLIP-LABEL: func.func @train_step(
// CLIP: %[[GW:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// CLIP: %[[GB:.+]] = tcc.reduce_sum %{{.+}} {axes = array<i64: 0>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<4xf32>
// CLIP: %[[SQW:.+]] = tcc.mul %[[GW]], %[[GW]]
// CLIP: %[[SW:.+]] = tcc.reduce_sum %[[SQW]] {axes = array<i64: 0, 1>, keep_dims = false}
// CLIP: %[[SQB:.+]] = tcc.mul %[[GB]], %[[GB]]
// CLIP: %[[SB:.+]] = tcc.reduce_sum %[[SQB]] {axes = array<i64: 0>, keep_dims = false}
// CLIP: %[[SUM:.+]] = tcc.add %[[SW]], %[[SB]]
// CLIP: %[[NORM:.+]] = tcc.sqrt %[[SUM]]
// CLIP-DAG: %[[TINY:.+]] = arith.constant dense<9.99999997E-7> : tensor<f32>
// CLIP-DAG: %[[MAX:.+]] = arith.constant dense<1.500000e+00> : tensor<f32>
// CLIP-DAG: %[[UNIT:.+]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CLIP-DAG: %[[DEN:.+]] = tcc.add %[[NORM]], %[[TINY]]
// CLIP-DAG: %[[Q:.+]] = tcc.div %[[MAX]], %[[DEN]]
// CLIP-DAG: %[[COEF:.+]] = tcc.min %[[Q]], %[[UNIT]]
// CLIP: %[[CW:.+]] = tcc.mul %[[GW]], %[[COEF]]
// CLIP: %[[CB:.+]] = tcc.mul %[[GB]], %[[COEF]]
// CLIP: tcc.mul %{{.+}}, %[[CW]]
// CLIP: tcc.mul %{{.+}}, %[[CB]]

// Regularization: the loss gains l1 * sum|p| + l2 * sum p^2, the gradients
// l1 * sign(p) + 2 * l2 * p.
// REG-LABEL: func.func @train_step(
// REG-SAME: %[[W:[a-z0-9]+]]: tensor<3x4xf32> {tcc.param = @w}
// REG: %[[LOSS:.+]] = tcc.div %{{.+}}, %{{.+}} : (tensor<f32>, tensor<f32>)
// REG: %[[GW:.+]] = tcc.matmul %{{.+}}, %{{.+}} : (tensor<3x2xf32>, tensor<2x4xf32>)
// REG: %[[ABS:.+]] = tcc.abs %[[W]]
// REG: %[[L1SUM:.+]] = tcc.reduce_sum %[[ABS]]
// REG: %[[L1TERM:.+]] = tcc.mul %{{.+}}, %[[L1SUM]]
// REG: %[[LOSS1:.+]] = tcc.add %[[LOSS]], %[[L1TERM]]
// REG: %[[SIGN:.+]] = tcc.sign %[[W]]
// REG: %[[L1G:.+]] = tcc.mul %{{.+}}, %[[SIGN]]
// REG: %[[GW1:.+]] = tcc.add %[[GW]], %[[L1G]]
// REG: %[[SQ:.+]] = tcc.mul %[[W]], %[[W]]
// REG: %[[L2SUM:.+]] = tcc.reduce_sum %[[SQ]]
// REG: %[[L2TERM:.+]] = tcc.mul %{{.+}}, %[[L2SUM]]
// REG: %[[LOSS2:.+]] = tcc.add %[[LOSS1]], %[[L2TERM]]
// REG: %[[TWOL2:.+]] = arith.constant dense<5.000000e-01> : tensor<f32>
// REG: %[[L2G:.+]] = tcc.mul %[[TWOL2]], %[[W]]
// REG: %[[GW2:.+]] = tcc.add %[[GW1]], %[[L2G]]
// REG: tcc.mul %{{.+}}, %[[GW2]]

// Schedules: the learning rate from the step counter, in f64.
// STEP-LABEL: func.func @train_step(
// STEP: %[[T:.+]] = tcc.convert %{{.+}} : tensor<i64> to tensor<f64>
// STEP: %[[Q:.+]] = tcc.div %[[T]], %{{.+}} : (tensor<f64>, tensor<f64>)
// STEP: %[[N:.+]] = tcc.floor %[[Q]] : tensor<f64>
// STEP: %[[F:.+]] = tcc.pow %{{.+}}, %[[N]]
// STEP: %[[LR:.+]] = tcc.mul %{{.+}}, %[[F]]
// STEP: tcc.neg %[[LR]] : tensor<f64>

// EXP-LABEL: func.func @train_step(
// EXP: %[[T:.+]] = tcc.convert %{{.+}} : tensor<i64> to tensor<f64>
// EXP: %[[F:.+]] = tcc.pow %{{.+}}, %[[T]]
// EXP: %[[LR:.+]] = tcc.mul %{{.+}}, %[[F]]
// EXP: tcc.neg %[[LR]] : tensor<f64>

// COS-LABEL: func.func @train_step(
// COS: %[[T:.+]] = tcc.convert %{{.+}} : tensor<i64> to tensor<f64>
// COS: %[[PIT:.+]] = tcc.mul %{{.+}}, %[[T]]
// COS: %[[ANGLE:.+]] = tcc.div %[[PIT]], %{{.+}}
// COS: %[[C:.+]] = tcc.cos %[[ANGLE]]
// COS: %[[ONEPLUS:.+]] = tcc.add %{{.+}}, %[[C]]
// COS: %[[SCALED:.+]] = tcc.mul %{{.+}}, %[[ONEPLUS]]
// COS: %[[LR:.+]] = tcc.div %[[SCALED]], %{{.+}}
// COS: tcc.neg %[[LR]] : tensor<f64>

// WCOS-LABEL: func.func @train_step(
// WCOS: %[[T:.+]] = tcc.convert %{{.+}} : tensor<i64> to tensor<f64>
// WCOS-DAG: %[[WARM:.+]] = tcc.div %[[T]], %{{.+}}
// WCOS-DAG: %[[PROG:.+]] = tcc.min %{{.+}}, %{{.+}}
// WCOS: %[[C:.+]] = tcc.cos
// WCOS: %[[IN:.+]] = tcc.less %[[T]], %{{.+}}
// WCOS: %[[F:.+]] = tcc.select %[[IN]], %[[WARM]], %{{.+}}
// WCOS: %[[LR:.+]] = tcc.mul %{{.+}}, %[[F]]
// WCOS: tcc.neg %[[LR]] : tensor<f64>

// ONE-LABEL: func.func @train_step(
// ONE: %[[T:.+]] = tcc.convert %{{.+}} : tensor<i64> to tensor<f64>
// ONE: %[[LAST:.+]] = arith.constant dense<9.900000e+01> : tensor<f64>
// ONE: %[[TC:.+]] = tcc.min %[[T]], %[[LAST]]
// Phase ends 0.3 * 100 - 1 = 29 and 99 (70 steps later); (0.1/25 - 0.1) / 2,
// (0.1 - 4e-7) / 2 and the final rate 0.1/25/1e4 = 4e-7.
// ONE-DAG: arith.constant dense<2.900000e+01> : tensor<f64>
// ONE-DAG: arith.constant dense<7.000000e+01> : tensor<f64>
// ONE-DAG: arith.constant dense<-4.800000e-02> : tensor<f64>
// ONE-DAG: arith.constant dense<0.049999800000000004> : tensor<f64>
// ONE-DAG: arith.constant dense<4.000000e-07> : tensor<f64>
// ONE: %[[FIRST:.+]] = tcc.less_equal %[[TC]], %{{.+}}
// ONE: %[[LR:.+]] = tcc.select %[[FIRST]], %{{.+}}, %{{.+}}
// ONE: tcc.neg %[[LR]] : tensor<f64>

// A model y = x.w + b with MSE loss and one piece of state, as tcc-append-loss
// and tcc-autodiff produce it (gradients written by hand).
func.func @forward_loss_grad(%w: tensor<3x4xf32> {tcc.param = @w}, %b: tensor<4xf32> {tcc.param = @b},
                             %s: tensor<3xf32> {tcc.state = @running_mean},
                             %x: tensor<2x3xf32> {tcc.input = "x"}, %y: tensor<2x4xf32> {tcc.label})
    -> (tensor<f32>, tensor<2x4xf32>, tensor<3xf32> {tcc.state_update = @running_mean},
        tensor<3x4xf32> {tcc.grad = @w}, tensor<4xf32> {tcc.grad = @b}) {
  %xw = tcc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %p = tcc.add %xw, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %d = tcc.sub %p, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %d2 = tcc.mul %d, %d : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = tcc.reduce_sum %d2 {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<f32>
  %n = arith.constant dense<8.0> : tensor<f32>
  %loss = tcc.div %sum, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
  %c = arith.constant dense<0.25> : tensor<f32>
  %dp = tcc.mul %d, %c : (tensor<2x4xf32>, tensor<f32>) -> tensor<2x4xf32>
  %xt = tcc.transpose %x {permutation = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %gw = tcc.matmul %xt, %dp : (tensor<3x2xf32>, tensor<2x4xf32>) -> tensor<3x4xf32>
  %gb = tcc.reduce_sum %dp {axes = array<i64: 0>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<4xf32>
  %xs = tcc.reduce_sum %x {axes = array<i64: 0>, keep_dims = false} : (tensor<2x3xf32>) -> tensor<3xf32>
  %s2 = tcc.add %s, %xs : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  return %loss, %p, %s2, %gw, %gb : tensor<f32>, tensor<2x4xf32>, tensor<3xf32>, tensor<3x4xf32>, tensor<4xf32>
}

func.func @forward_loss(%w: tensor<3x4xf32> {tcc.param = @w}, %b: tensor<4xf32> {tcc.param = @b},
                        %s: tensor<3xf32> {tcc.state = @running_mean},
                        %x: tensor<2x3xf32> {tcc.input = "x"}, %y: tensor<2x4xf32> {tcc.label})
    -> (tensor<f32>, tensor<2x4xf32> {tcc.output = "y"}) {
  %xw = tcc.matmul %x, %w : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %p = tcc.add %xw, %b : (tensor<2x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %d = tcc.sub %p, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %d2 = tcc.mul %d, %d : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = tcc.reduce_sum %d2 {axes = array<i64: 0, 1>, keep_dims = false} : (tensor<2x4xf32>) -> tensor<f32>
  %n = arith.constant dense<8.0> : tensor<f32>
  %loss = tcc.div %sum, %n : (tensor<f32>, tensor<f32>) -> tensor<f32>
  return %loss, %p : tensor<f32>, tensor<2x4xf32>
}

// Broken contracts, selected with function=.
func.func @grad_of_nothing(%w: tensor<4xf32> {tcc.param = @w}) -> (tensor<f32>, tensor<4xf32> {tcc.grad = @v}) {
  %l = tcc.reduce_sum %w {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %l, %w : tensor<f32>, tensor<4xf32>
}
func.func @grad_mistyped(%w: tensor<4xf32> {tcc.param = @w}) -> (tensor<f32>, tensor<2x2xf32> {tcc.grad = @w}) {
  %l = tcc.reduce_sum %w {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  %g = tcc.reshape %w : tensor<4xf32> to tensor<2x2xf32>
  return %l, %g : tensor<f32>, tensor<2x2xf32>
}
func.func @loss_not_scalar(%w: tensor<4xf32> {tcc.param = @w}) -> (tensor<4xf32>, tensor<4xf32> {tcc.grad = @w}) {
  return %w, %w : tensor<4xf32>, tensor<4xf32>
}

// -----

// An inference-mode evaluation function is preferred over forward_loss.
func.func @forward_loss_grad(%w: tensor<4xf32> {tcc.param = @w}, %x: tensor<4xf32> {tcc.input = "x"})
    -> (tensor<f32>, tensor<4xf32> {tcc.grad = @w}) {
  %p = tcc.mul %w, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = tcc.reduce_sum %p {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %l, %x : tensor<f32>, tensor<4xf32>
}
func.func @forward_loss(%w: tensor<4xf32> {tcc.param = @w}, %x: tensor<4xf32> {tcc.input = "x"}) -> tensor<f32> {
  %p = tcc.mul %w, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = tcc.reduce_sum %p {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
func.func @forward_eval_loss(%x: tensor<4xf32> {tcc.input = "x"}, %w: tensor<4xf32> {tcc.param = @w}) -> (tensor<f32>, tensor<4xf32>) {
  %p = tcc.sub %w, %x : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  %l = tcc.reduce_sum %p {axes = array<i64: 0>, keep_dims = false} : (tensor<4xf32>) -> tensor<f32>
  return %l, %p : tensor<f32>, tensor<4xf32>
}
