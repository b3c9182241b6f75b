#!/usr/bin/env bash
# The test command: installs what is missing, builds, then runs every test
# through CTest: the lit/FileCheck suite, the unit tests, ONNX's backend node
# tests through tcc-run, the reference models' forward pass against PyTorch,
# and the malformed-input robustness check. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
BUILD=${TCC_BUILD_DIR:-build}
cd "$BUILD"
ctest --output-on-failure --verbose --timeout 1800 "$@"
