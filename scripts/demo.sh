#!/usr/bin/env bash
# The main job: set up, build, compile an ONNX model exported from PyTorch and
# run it with tcc on real data (examples/mlp_fashion_mnist.py).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
/usr/bin/python3 examples/mlp_fashion_mnist.py "$@"
