#!/usr/bin/env bash
# Rebuilds the schema 2 test bundle bundles-test/zoo2-tiny-outdoor: a zoo-v2 outdoor GAN (mbstd)
# and segmenter trained for 20 iterations each on 256 renders (so: barely trained, a test of the
# format and of the concept-group code paths, not a model), exported with `export --schema 2`
# (five concept groups: main, object, part, material from the segmenter's heads, colour by the
# exact rule). Checkpoints go to a temporary directory. Needs Debian's python3-torch; ~10 min
# on one idle core.
set -euo pipefail
cd "$(dirname "$0")/.."
# the export also writes the real statistics of the metrics' feature network with ONNX Runtime:
# the Python of .ci/install-python (Debian's torch plus onnxruntime) unless PYTHON says otherwise
PY=${PYTHON:-$(../.ci/install-python)}
ck=$(mktemp -d)
trap 'rm -rf "$ck"' EXIT
common=(--iterations 20 --train-images 256 --ckpt-root "$ck" --ckpt-every 10 --log-every 10)
"$PY" -m ganscope_models.train2 gan --dataset outdoor --variant mbstd "${common[@]}"
"$PY" -m ganscope_models.train2 seg --dataset outdoor --test-images 64 "${common[@]}"
"$PY" -m ganscope_models.export --schema 2 --gan-run "$ck/gan-outdoor-mbstd-s100" --seg-run "$ck/seg-outdoor-s10" \
  --out bundles-test/zoo2-tiny-outdoor
