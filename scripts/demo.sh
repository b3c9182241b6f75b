#!/usr/bin/env bash
# The main job: set up, build, then compile an MLP exported from PyTorch into a
# training binary and train it on Fashion-MNIST (examples/train_fashion_mnist.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
/usr/bin/python3 examples/train_fashion_mnist.py "$@"
