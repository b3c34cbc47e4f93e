#!/usr/bin/env bash
# Rebuild the demo model zoo from scratch: render the datasets, train both segmenters and
# the six GAN variants (time-boxed), and export the bundles into models/bundles/.
#   models/build_zoo.sh [SEG_MINUTES] [GAN_MINUTES]
# Needs Debian's python3-torch, python3-numpy, python3-pil and libopenblas0-openmp
# (apt-get install python3-torch python3-numpy python3-pil libopenblas0-openmp).
# Checkpoints go to models/build/ (ignored by git); only the exported bundles are committed.
# This builds the v1 zoo (the committed bundles); zoo v2 trains with train_zoo.sh (README).
set -euo pipefail
cd "$(dirname "$0")"
seg=${1:-8}
gan=${2:-32}
py=/usr/bin/python3
mkdir -p build bundles
for ds in outdoor indoor; do
  "$py" -m ganscope_models.train --dataset "$ds" --out "build/$ds" --seg-minutes "$seg" --gan-minutes "$gan" \
    > "build/$ds.out" 2>&1 &
done
wait
for ds in outdoor indoor; do
  for v in base mbstd pixnorm; do
    "$py" -m ganscope_models.export --build "build/$ds" --variant "$v" --out "bundles/$ds-$v"
  done
done
echo "bundles written to models/bundles; verify with: ./ganscope bundle verify models/bundles/*"
