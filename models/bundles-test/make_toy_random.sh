#!/usr/bin/env bash
# Rebuilds the byog test bundle bundles-test/toy-random: the toy PyTorch generator of the
# pytest suite (tests/byog/toy_gen.py, "the user's code": a linear layer and upsampling
# convolutions, no noise, 64x64, 16 channels, seeded random weights) split by
# ganscope_models.byog at two of its submodules, so every tail f takes r only; the zoo's
# outdoor segmenter is the user's segmenter and the zoo v1 outdoor real sample (bundles-test/outdoor-v1-segmenter) the real images.
# Needs python3 with torch, onnx and onnxruntime (see models/README.md); ~10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
. bundles-test/outdoor-real.sh
"$PY" -W ignore -m ganscope_models.byog.export --generator tests/byog/toy_gen.py:make \
  --factory-kwargs '{"zdim":16,"width":16,"size":64,"seed":0}' --zdim 16 \
  --layers blocks.1,blocks.2 \
  --segmenter bundles-test/outdoor-v1-segmenter/segmenter.onnx --classes bundles-test/outdoor-classes.csv \
  --segmenter-pixel-accuracy "$acc" --segmenter-mean-iou "$miou" \
  --segmenter-evaluated-on "500 rendered outdoor scenes (seed 3), from the outdoor-base model card" \
  --real-images "$real" --feature-count 64 \
  --name toy-random --dataset outdoor --variant toy-random \
  --description "A toy PyTorch generator (linear layer, four upsampling 3x3 convolutions, 64x64, 16 channels, no noise) with seeded random weights, split at blocks.1 and blocks.2, and the zoo's outdoor segmenter as the user's segmenter; a test bundle of the byog exporter" \
  --out bundles-test/toy-random
