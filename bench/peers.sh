#!/usr/bin/env bash
# Installs the benchmark's PyPI peers into their own virtual environment
# (bench/.venv, git-ignored): PyTorch 2.x (CPU build), NumPy, ONNX and, where
# a wheel exists for this Python, ONNX Runtime's training package. The tests
# never need any of this; only bench/train.py uses it.
#
#   bash bench/peers.sh            # idempotent: skips what is already there
#   PYTHON=python3.11 bash bench/peers.sh
#   VENV=/elsewhere bash bench/peers.sh   (bench/train.py --venv /elsewhere)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VENV:-$HERE/.venv}"
PYTHON="${PYTHON:-python3}"
TORCH_CPU_INDEX="https://download.pytorch.org/whl/cpu"

say() { printf 'peers.sh: %s\n' "$*"; }

if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV with $(command -v "$PYTHON") ($("$PYTHON" --version 2>&1))"
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --quiet --disable-pip-version-check)

has() { "$PY" -c "import $1" >/dev/null 2>&1; }

# PyTorch 2.x: the CPU-only wheel (~200 MB installed) rather than PyPI's
# default, which pulls ~3 GB of CUDA libraries this machine cannot use.
torch_version() { "$PY" -c 'import torch; print(torch.__version__)' 2>/dev/null; }
if [[ "$(torch_version)" == 2.* ]]; then
  say "torch $(torch_version) already installed"
elif "${PIP[@]}" --retries 1 --timeout 20 --index-url "$TORCH_CPU_INDEX" 'torch>=2,<3'; then
  say "installed torch from $TORCH_CPU_INDEX"
else
  say "the CPU wheel index is unreachable; installing torch from PyPI (large: CUDA libraries)"
  "${PIP[@]}" 'torch>=2,<3'
fi

for pkg in numpy onnx; do
  if has "$pkg"; then say "$pkg already installed"; else "${PIP[@]}" "$pkg" && say "installed $pkg"; fi
done

# ONNX Runtime training: optional. Its wheels exist only for some Python
# versions and platforms; say which way it went rather than failing.
if has onnxruntime.training.api; then
  say "onnxruntime-training already installed"
elif "${PIP[@]}" onnxruntime-training; then
  if has onnxruntime.training.api; then
    say "installed onnxruntime-training"
  else
    say "onnxruntime-training installed but 'onnxruntime.training.api' does not import:"
    "$PY" -c 'import onnxruntime.training.api' 2>&1 | tail -1 || true
  fi
else
  say "NOTE: no onnxruntime-training wheel installs for $("$PY" --version 2>&1) on" \
      "$(uname -m); bench/train.py reports ORT training as not installed"
fi

# torch.compile's Inductor backend generates C++/OpenMP and builds it with the
# system C++ compiler: check that the whole path works on a tiny model.
say "checking torch.compile on a tiny model (builds C++ with $(command -v g++ || echo 'no g++'))"
"$PY" - <<'EOF'
import torch
m = torch.nn.Sequential(torch.nn.Linear(8, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
x = torch.randn(4, 8)
want = m(x)
got = torch.compile(m)(x)
torch.testing.assert_close(got, want)
print("peers.sh: torch.compile works (torch %s)" % torch.__version__)
EOF

say "venv size: $(du -sh "$VENV" | cut -f1)"
"$PY" - <<'EOF'
import importlib
for name in ("torch", "numpy", "onnx", "onnxruntime"):
    try:
        mod = importlib.import_module(name)
        print("peers.sh:   %-12s %s" % (name, mod.__version__))
    except Exception as e:
        print("peers.sh:   %-12s not installed (%s)" % (name, type(e).__name__))
EOF
