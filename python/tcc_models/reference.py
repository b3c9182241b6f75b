"""tcc's copy of the three reference training workloads: MLP, CNN and TinyGPT.

The definitions (layer order, initialization seed, data order, batch sizes,
optimizers) match the reference workloads numerically, so `export` writes the
same ONNX graph and initial weights as the reference exporter and a training
run of the exported model can be compared step by step with PyTorch.

Run with Debian's /usr/bin/python3 (PyTorch 1.13's TorchScript exporter, opset 17):
  /usr/bin/python3 -m tcc_models.reference export mlp out/mlp.onnx [--batch N]
"""
import argparse
import gzip
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

FASHION = "/usr/share/datasets/fashion-mnist"
TEXT_DIR = "/usr/share/common-licenses"
SEQ = 64


# ---------------------------------------------------------------- data sets
def _idx(path):
    """Reads an IDX file (big-endian dims after a 4-byte magic) as uint8."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist(split="train"):
    """Images as float32 in [0,1], shape (N,1,28,28); labels as int64 (N,)."""
    pre = "train" if split == "train" else "t10k"
    x = _idx(f"{FASHION}/{pre}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    y = _idx(f"{FASHION}/{pre}-labels-idx1-ubyte.gz").astype(np.int64)
    return x.reshape(-1, 1, 28, 28), y


def license_text(split="train"):
    """Byte-level language-model data: (N,SEQ) int64 inputs and next-byte targets."""
    names = sorted(n for n in os.listdir(TEXT_DIR) if os.path.isfile(os.path.join(TEXT_DIR, n)))
    data = b"".join(open(os.path.join(TEXT_DIR, n), "rb").read() for n in names)
    arr = np.frombuffer(data, np.uint8).astype(np.int64)
    cut = int(len(arr) * 0.9)
    arr = arr[:cut] if split == "train" else arr[cut:]
    n = (len(arr) - 1) // SEQ
    x = arr[: n * SEQ].reshape(n, SEQ)
    y = arr[1: n * SEQ + 1].reshape(n, SEQ)
    return x, y


# ------------------------------------------------------------------- models
class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(784, 512), nn.Linear(512, 256), nn.Linear(256, 10)

    def forward(self, x):
        x = x.reshape(x.shape[0], 784)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, padding=1)
        self.bn1 = nn.BatchNorm2d(32)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc1, self.fc2 = nn.Linear(64 * 7 * 7, 128), nn.Linear(128, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.reshape(x.shape[0], 64 * 7 * 7)
        return self.fc2(F.relu(self.fc1(x)))


class Block(nn.Module):
    """Pre-norm transformer block: causal multi-head attention and a GELU MLP."""

    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.fc, self.out = nn.Linear(d, 4 * d), nn.Linear(4 * d, d)
        self.register_buffer("mask", torch.triu(torch.full((SEQ, SEQ), float("-inf")), 1))

    def forward(self, x):
        b, t, d = x.shape
        h = self.ln1(x)
        q, k, v = self.qkv(h).split(d, dim=2)
        q = q.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        k = k.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        v = v.reshape(b, t, self.heads, d // self.heads).transpose(1, 2)
        att = torch.matmul(q, k.transpose(2, 3)) * (1.0 / (d // self.heads) ** 0.5) + self.mask
        y = torch.matmul(torch.softmax(att, dim=-1), v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(self.ln2(x))))


class TinyGPT(nn.Module):
    def __init__(self, vocab=256, d=128, heads=4, layers=2):
        super().__init__()
        self.tok, self.pos = nn.Embedding(vocab, d), nn.Parameter(torch.randn(SEQ, d) * 0.02)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln, self.head = nn.LayerNorm(d), nn.Linear(d, vocab)

    def forward(self, idx):
        x = self.tok(idx) + self.pos
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.ln(x))


def _adamw(lr):
    return lambda params: torch.optim.AdamW(params, lr=lr, weight_decay=0.01)


WORKLOADS = {
    # name: (model class, data loader, batch size, optimizer factory)
    "mlp": (MLP, fashion_mnist, 128, _adamw(1e-3)),
    "cnn": (CNN, fashion_mnist, 64, lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9)),
    "gpt": (TinyGPT, license_text, 16, _adamw(3e-4)),
}


def build(name, seed=0):
    """The workload's model with its initial weights, seeded like the reference."""
    torch.manual_seed(seed)
    return WORKLOADS[name][0]()


def data(name, split="train"):
    return WORKLOADS[name][1](split)


def batch_size(name):
    return WORKLOADS[name][2]


def make_optimizer(name, params):
    return WORKLOADS[name][3](params)


def loss_fn(logits, y):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))


def export(name, path, batch=None, seed=0):
    """Writes the forward graph (weights as initializers) to ONNX like the reference.

    The example input is the first `batch` training samples (the workload's
    batch size by default); TRAINING mode keeps BatchNorm on batch statistics.
    """
    model = build(name, seed)
    x, _ = data(name, "train")
    example = torch.from_numpy(x[: batch or batch_size(name)])
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    torch.onnx.export(model, example, path, opset_version=17, do_constant_folding=False,
                      training=torch.onnx.TrainingMode.TRAINING,
                      input_names=["input"], output_names=["logits"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("action", choices=["export"])
    ap.add_argument("workload", choices=sorted(WORKLOADS))
    ap.add_argument("path")
    ap.add_argument("--batch", type=int, help="example batch size (default: the workload's)")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    export(a.workload, a.path, a.batch, a.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
