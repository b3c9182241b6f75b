#!/usr/bin/python3
"""The main job, as far as tcc goes today: compile an ONNX model and run it.

Exports the reference MLP from PyTorch to ONNX, compiles it with tcc for this
CPU and runs its forward pass on a batch of real Fashion-MNIST test images
with tcc-run, then checks tcc's logits against PyTorch's. (Training the model
is the next step of the road: issue #3.)
"""
import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from tcc_models import reference  # noqa: E402

CLASSES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
           "Sneaker", "Bag", "Ankle boot"]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tools-dir", default=os.path.join(root, "build", "bin"))
    ap.add_argument("--batch", type=int, default=128)
    a = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        model_path = os.path.join(tmp, "mlp.onnx")
        reference.export("mlp", model_path, batch=a.batch)
        x, y = reference.fashion_mnist("test")
        xb = np.ascontiguousarray(x[: a.batch])
        np.save(os.path.join(tmp, "x.npy"), xb)
        print(f"exported the MLP to ONNX ({os.path.getsize(model_path) / 1e6:.1f} MB); "
              f"running {a.batch} Fashion-MNIST test images through tcc-run")
        subprocess.run([os.path.join(a.tools_dir, "tcc-run"), model_path,
                        "--input", os.path.join(tmp, "x.npy"),
                        "--output-dir", os.path.join(tmp, "out")], check=True)
        logits = np.load(os.path.join(tmp, "out", "output_0.npy"))

    model = reference.build("mlp")
    with torch.no_grad():
        expected = model(torch.from_numpy(xb)).numpy()
    err = float(np.max(np.abs(logits - expected)))
    pred = logits.argmax(-1)
    print(f"first images: " + ", ".join(f"{CLASSES[p]}" for p in pred[:5]) +
          f" (labels: " + ", ".join(CLASSES[t] for t in y[:5]) + ")")
    print(f"tcc vs PyTorch logits: max abs difference {err:.2e} "
          f"({'match' if err < 1e-4 else 'MISMATCH'}); the weights are untrained, "
          f"so accuracy is chance ({np.mean(pred == y[:a.batch]):.0%})")
    return 0 if err < 1e-4 else 1


if __name__ == "__main__":
    sys.exit(main())
