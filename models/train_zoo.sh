#!/usr/bin/env bash
# Train model zoo v2 on the CPU, resumably: two lanes (outdoor, indoor) side by side, one
# model at a time per lane, each `nice -n 19` on one torch thread. Every run checkpoints
# every 200 iterations under $GANSCOPE_ZOO_CKPT (default ~/.cache/ganscope/zoo) and
# continues from its checkpoint when started again; finished runs are skipped. Run it
# again after a kill or a reboot; a second copy while one runs exits at once.
#   models/train_zoo.sh            (GAN_ITERATIONS=8000 SEG_ITERATIONS=3000 ZOO_LOG_DIR=$TMPDIR/ganscope-zoo)
# Order per lane: GAN mbstd, segmenter, GAN base, GAN pixnorm, then a second training seed
# of each variant. Logs: $ZOO_LOG_DIR/zoo-<run>.log; records: <ckpt>/<run>/record.json.
set -euo pipefail
cd "$(dirname "$0")"
export GANSCOPE_ZOO_CKPT=${GANSCOPE_ZOO_CKPT:-$HOME/.cache/ganscope/zoo}
gan_it=${GAN_ITERATIONS:-8000}
seg_it=${SEG_ITERATIONS:-3000}
logs=${ZOO_LOG_DIR:-${TMPDIR:-/tmp}/ganscope-zoo}
py=/usr/bin/python3
mkdir -p "$GANSCOPE_ZOO_CKPT" "$logs"
exec 9>"$GANSCOPE_ZOO_CKPT/train_zoo.lock"
flock -n 9 || { echo "train_zoo: already running (lock $GANSCOPE_ZOO_CKPT/train_zoo.lock)" >&2; exit 1; }

lane() {
  local ds=$1 job kind arg seed name
  for job in "gan mbstd 100" "seg - 10" "gan base 100" "gan pixnorm 100" \
             "gan mbstd 101" "gan base 101" "gan pixnorm 101"; do
    read -r kind arg seed <<<"$job"
    if [ "$kind" = gan ]; then
      name=gan-$ds-$arg-s$seed
      set -- gan --dataset "$ds" --variant "$arg" --seed "$seed" --iterations "$gan_it"
    else
      name=seg-$ds-s$seed
      set -- seg --dataset "$ds" --seed "$seed" --iterations "$seg_it"
    fi
    echo "$(date -u +%FT%TZ) start $name" >>"$logs/zoo-$name.log"
    nice -n 19 "$py" -m ganscope_models.train2 "$@" --threads 1 >>"$logs/zoo-$name.log" 2>&1 \
      || echo "$(date -u +%FT%TZ) $name failed, see $logs/zoo-$name.log" >&2
  done
}
lane outdoor &
lane indoor &
wait
echo "train_zoo: all runs at their budgets under $GANSCOPE_ZOO_CKPT"
