#!/usr/bin/env bash
# Rebuilds the byog test bundle bundles-test/stylegan2-tiny-random: a tiny random-weight
# StyleGAN2 (64x64, at most 32 channels) exported by ganscope_models.byog with the zoo's
# outdoor segmenter as "the user's segmenter" and the zoo v1 outdoor real sample (bundles-test/outdoor-v1-segmenter) as real
# images. Needs python3 with torch, onnx and onnxruntime (see models/README.md); ~20 s.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
. bundles-test/outdoor-real.sh
"$PY" -W ignore -m ganscope_models.byog.export --stylegan2 \
  --factory-kwargs '{"z_dim":32,"w_dim":32,"img_resolution":64,"channel_base":256,"channel_max":32,"mapping_layers":2}' \
  --layers synthesis.b8.conv1,synthesis.b16.conv1 --truncation 0.8 \
  --segmenter bundles-test/outdoor-v1-segmenter/segmenter.onnx --classes bundles-test/outdoor-classes.csv \
  --segmenter-pixel-accuracy "$acc" --segmenter-mean-iou "$miou" \
  --segmenter-evaluated-on "500 rendered outdoor scenes (seed 3), from the outdoor-base model card" \
  --real-images "$real" --feature-count 64 \
  --name stylegan2-tiny-random --dataset outdoor --variant stylegan2-random \
  --description "StyleGAN2 (config F architecture, tiny: 64x64, at most 32 channels) with seeded random weights and the zoo's outdoor segmenter as the user's segmenter; a test bundle of the byog exporter" \
  --out bundles-test/stylegan2-tiny-random
