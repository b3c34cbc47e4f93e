#!/usr/bin/env bash
# Train the whole model zoo v2 on one NVIDIA GPU in one go (written for the lent device machine:
# one H200, 16 cores, PyTorch; run from the repository root, e.g. `bash models/train_zoo_gpu.sh "$OUT"`).
# Every run of train_zoo.sh's lanes at once: 2 datasets x 3 variants x 2 training seeds (100, 101)
# of the GAN and one segmenter per dataset, each its own process (the renders are made on the
# CPU cores, the networks run on the GPU; the random numbers stay on the CPU generator, so a
# run is the same recipe as on the CPU). Checkpoints and records go to DEST/zoo/<run>/ (outside
# git); bring them back and export on the CPU with export.py --schema 2. Rerunning continues
# from the checkpoints. Budgets as train_zoo.sh: GAN_ITERATIONS (8000), SEG_ITERATIONS (3000);
# DEVICE (cuda) and ZOO_RUNS (e.g. "gan-outdoor-mbstd-s100 seg-outdoor-s10") to try it on the CPU.
set -euo pipefail
dest=${1:?usage: train_zoo_gpu.sh DEST}
cd "$(dirname "$0")"
root="$dest/zoo"
mkdir -p "$root"
gan_it=${GAN_ITERATIONS:-8000}
seg_it=${SEG_ITERATIONS:-3000}
device=${DEVICE:-cuda}
py=${PYTHON:-python3}
"$py" -c "import torch, sys; sys.exit(0 if '$device' == 'cpu' or torch.cuda.is_available() else 'no CUDA device')"
want() { [ -z "${ZOO_RUNS:-}" ] || [[ " $ZOO_RUNS " == *" $1 "* ]]; }
pids=()
for ds in outdoor indoor; do
  for variant in mbstd base pixnorm; do
    for seed in 100 101; do
      name=gan-$ds-$variant-s$seed
      want "$name" || continue
      "$py" -m ganscope_models.train2 gan --dataset "$ds" --variant "$variant" --seed "$seed" --iterations "$gan_it" \
        --device "$device" --threads 1 --ckpt-root "$root" --samples-every 2000 >"$root/$name.log" 2>&1 &
      pids+=($!)
    done
  done
  name=seg-$ds-s10
  if want "$name"; then
    "$py" -m ganscope_models.train2 seg --dataset "$ds" --seed 10 --iterations "$seg_it" \
      --device "$device" --threads 1 --ckpt-root "$root" >"$root/$name.log" 2>&1 &
    pids+=($!)
  fi
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
"$py" -m ganscope_models.train2 status --ckpt-root "$root" || true
tail -n 2 "$root"/*.log
echo "train_zoo_gpu: $((${#pids[@]} - failed)) of ${#pids[@]} runs at their budgets under $root"
[ "$failed" -eq 0 ]
