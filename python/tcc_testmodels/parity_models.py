"""Small PyTorch models for the extra cases of tcc_tests/training_parity.py.

Each model is tiny (it compiles in a couple of seconds and trains in
milliseconds per step) and exercises one thing the reference workloads do
not isolate:

  SharedLinear  one nn.Linear applied twice: one initializer read by two Gemm
                nodes, so autodiff must sum the two gradient contributions;
  DropoutZero   Dropout(p=0) exported in TRAINING mode (ratio 0, training
                mode on): the mask must keep everything;
  SmallNet      a two-layer tanh network with LayerNorm, trained with every
                optimizer, schedule and step option;
  ReluAtZero    a ReLU whose input is exactly 0 (a zero-initialized layer):
                PyTorch's derivative there is 0, so the layer never trains,
                where a tie-splitting max(x, 0) would pass half the gradient.

`build(name, seed)` seeds torch and constructs the model, so two calls give
identical initial weights (one to export, one to train in PyTorch);
`batch(rows, seed)` gives deterministic data (float inputs, int64 class
labels of a random linear teacher).
"""
import numpy as np
import torch
import torch.nn as nn

FEATURES = 12
CLASSES = 5


class SharedLinear(nn.Module):
    """x -> relu(fc(x)) -> fc(.) again -> head: fc.weight feeds two nodes."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(FEATURES, FEATURES)
        self.head = nn.Linear(FEATURES, CLASSES)

    def forward(self, x):
        h = torch.relu(self.fc(x))
        h = torch.tanh(self.fc(h))
        return self.head(h)


class DropoutZero(nn.Module):
    """Linear -> Dropout(p=0) -> ReLU -> Linear, exported in training mode."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(FEATURES, 16)
        self.drop = nn.Dropout(p=0.0)
        self.fc2 = nn.Linear(16, CLASSES)

    def forward(self, x):
        return self.fc2(torch.relu(self.drop(self.fc1(x))))


class SmallNet(nn.Module):
    """Linear -> LayerNorm -> tanh -> Linear: enough parameters of different
    shapes (matrices, vectors) that per-tensor optimizer rules (LAMB's trust
    ratio, clipping's global norm) show."""

    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(FEATURES, 16)
        self.ln = nn.LayerNorm(16)
        self.fc2 = nn.Linear(16, CLASSES)

    def forward(self, x):
        return self.fc2(torch.tanh(self.ln(self.fc1(x))))


class ReluAtZero(nn.Module):
    """head(x) + out(relu(dead(x))) with `dead` initialized to zeros."""

    def __init__(self):
        super().__init__()
        self.head = nn.Linear(FEATURES, CLASSES)
        self.dead = nn.Linear(FEATURES, 8)
        self.out = nn.Linear(8, CLASSES)
        nn.init.zeros_(self.dead.weight)
        nn.init.zeros_(self.dead.bias)

    def forward(self, x):
        return self.head(x) + self.out(torch.relu(self.dead(x)))


MODELS = {"shared": SharedLinear, "dropout0": DropoutZero, "small": SmallNet,
          "relu0": ReluAtZero}


def build(name, seed=0):
    torch.manual_seed(seed)
    return MODELS[name]()


def batch(rows, seed=0):
    """(x float32 [rows, FEATURES], y int64 [rows]) from a fixed generator.
    The labels come from a random linear teacher, so the task is learnable:
    the loss falls clearly within a few steps and a wrong update shows in
    it, instead of hiding in the noise of random labels."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, FEATURES)).astype(np.float32)
    teacher = rng.standard_normal((FEATURES, CLASSES))
    y = np.argmax(x @ teacher, axis=1).astype(np.int64)
    return x, y
