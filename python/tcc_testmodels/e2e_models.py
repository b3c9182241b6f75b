"""A small real workload for the training binaries' end-to-end tests.

`SmallMLP` classifies Fashion-MNIST images reduced to 8x8 (the centre 24x24
crop, 3x3 average pooled): x[N,1,8,8] -> Flatten -> Linear(64,H) -> ReLU ->
Linear(H,10). It is exported from PyTorch like the reference models
(TorchScript exporter, opset 17, weights as initializers).

  /usr/bin/python3 -m tcc_testmodels.e2e_models OUT_DIR [--hidden H]

writes OUT_DIR/mlp8.onnx and OUT_DIR/{train,test}_{x,y}.npy.
"""
import argparse
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from tcc_models.reference import fashion_mnist


class SmallMLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(64, hidden), nn.Linear(hidden, 10)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x.reshape(x.shape[0], 64))))


def export(path, batch, hidden=32, seed=0):
    """Exports SmallMLP with seeded initial weights; the example batch fixes
    nothing (tcc-compile's --batch sets the batch)."""
    torch.manual_seed(seed)
    model = SmallMLP(hidden)
    example = torch.zeros(batch, 1, 8, 8)
    torch.onnx.export(model, example, path, opset_version=17, do_constant_folding=False,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})


def shrink(images):
    """(N,1,28,28) -> (N,1,8,8): centre crop to 24x24, 3x3 mean pooling."""
    c = images[:, :, 2:26, 2:26]
    return c.reshape(-1, 1, 8, 3, 8, 3).mean(axis=(3, 5)).astype(np.float32)


def dataset(split, rows):
    """The first `rows` samples of a Fashion-MNIST split at 8x8."""
    x, y = fashion_mnist(split)
    return np.ascontiguousarray(shrink(x[:rows])), np.ascontiguousarray(y[:rows])


def write_data(out_dir, train_rows=768, test_rows=256):
    os.makedirs(out_dir, exist_ok=True)
    for split, rows in (("train", train_rows), ("test", test_rows)):
        x, y = dataset(split, rows)
        np.save(os.path.join(out_dir, f"{split}_x.npy"), x)
        np.save(os.path.join(out_dir, f"{split}_y.npy"), y)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--hidden", type=int, default=32)
    args = ap.parse_args(argv)
    os.makedirs(args.out_dir, exist_ok=True)
    export(os.path.join(args.out_dir, "mlp8.onnx"), 32, args.hidden)
    write_data(args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
