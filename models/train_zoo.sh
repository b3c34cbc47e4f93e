#!/usr/bin/env bash
# Train model zoo v3 on the CPU in session-sized pieces, resumably, and export each finished
# GAN as a schema 2 bundle at once. Two lanes (one core each, `nice -n 19`, one torch thread)
# take jobs from one list in order; a run another lane holds is skipped (train2 locks each run
# and exits 75), a finished run returns at once. Every run checkpoints every 200 iterations
# under $GANSCOPE_ZOO_CKPT (default ~/.cache/ganscope/zoo) and continues from its checkpoint
# when started again. A second copy of this script while one runs exits at once.
#   models/train_zoo.sh     (GAN_ITERATIONS=8000 SEG_ITERATIONS=3000 ZOO_LOG_DIR=$TMPDIR/ganscope-zoo
#                            ZOO_BUNDLES=models/bundles; ZOO_JOBS="seg:outdoor:10 gan:outdoor:mbstd:100 ...")
# After each GAN whose dataset's segmenter is done (and after each segmenter), every finished
# GAN without a bundle of its iteration count is exported to $ZOO_BUNDLES/<dataset>-<variant>-s<seed>
# (export --schema 2); commit those bundles (git add models/bundles/...) as they appear.
# Logs: $ZOO_LOG_DIR/zoo-<run>.log; records: <ckpt>/<run>/record.json; progress:
#   python3 -m ganscope_models.train2 status
set -euo pipefail
cd "$(dirname "$0")"
export GANSCOPE_ZOO_CKPT=${GANSCOPE_ZOO_CKPT:-$HOME/.cache/ganscope/zoo}
gan_it=${GAN_ITERATIONS:-8000}
seg_it=${SEG_ITERATIONS:-3000}
logs=${ZOO_LOG_DIR:-${TMPDIR:-/tmp}/ganscope-zoo}
bundles=${ZOO_BUNDLES:-$PWD/bundles}
py=/usr/bin/python3
# the zoo of issue 26 in the order the lanes take it: each dataset's segmenter before its GANs
# (every export needs it), one GAN of each variant per dataset, then the second training seed
jobs=${ZOO_JOBS:-"seg:outdoor:10 gan:outdoor:mbstd:100 seg:indoor:10 gan:indoor:mbstd:100
  gan:outdoor:base:100 gan:indoor:base:100 gan:outdoor:pixnorm:100 gan:indoor:pixnorm:100
  gan:outdoor:mbstd:101 gan:outdoor:base:101 gan:outdoor:pixnorm:101"}
mkdir -p "$GANSCOPE_ZOO_CKPT" "$logs" "$bundles"
exec 9>"$GANSCOPE_ZOO_CKPT/train_zoo.lock"
flock -n 9 || { echo "train_zoo: already running (lock $GANSCOPE_ZOO_CKPT/train_zoo.lock)" >&2; exit 1; }

done_run() {  # RUN_DIR BUDGET -> true when the run has reached BUDGET iterations (a segmenter: and was evaluated)
  [ -f "$1/record.json" ] && "$py" -c 'import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if r["iterations"] >= int(sys.argv[2]) and (r["config"]["kind"] != "segmenter" or "quality" in r) else 1)' "$1/record.json" "$2"
}

bundle_current() {  # RUN_DIR BUNDLE_DIR -> true when the bundle exists and holds the run's iteration count
  [ -f "$2/manifest.json" ] && "$py" -c 'import json,sys
r = json.load(open(sys.argv[1])); m = json.load(open(sys.argv[2]))
sys.exit(0 if m["training"]["generator"]["iterations"] == r["iterations"] else 1)' "$1/record.json" "$2/manifest.json"
}

export_ready() {  # export every finished GAN run whose segmenter is done and whose bundle is missing or older
  local run ds variant seed out xpy tmp
  # the exporter needs onnxruntime (the metrics' feature network): the models/ tests' venv
  xpy=${GANSCOPE_PYTHON:-$(../.ci/install-python)}
  for run in "$GANSCOPE_ZOO_CKPT"/gan-*-s*; do
    [ -d "$run" ] && done_run "$run" "$gan_it" || continue
    IFS=- read -r _ ds variant seed <<<"$(basename "$run")"
    done_run "$GANSCOPE_ZOO_CKPT/seg-$ds-s10" "$seg_it" || continue
    out=$bundles/$ds-$variant-$seed
    bundle_current "$run" "$out" && continue
    # one exporter at a time (both lanes may get here); the lock's holder checks again, since
    # the other lane may have exported this bundle while this one waited
    # exported under its own name in a scratch folder (the bundle's name is its folder's), then moved in whole
    tmp=$GANSCOPE_ZOO_CKPT/export/$(basename "$out")
    ( flock 8
      bundle_current "$run" "$out" && exit 0
      echo "$(date -u +%FT%TZ) export $out" >>"$logs/zoo-export.log"
      rm -rf "$tmp"
      nice -n 19 "$xpy" -m ganscope_models.export --schema 2 --gan-run "$run" --seg-run "$GANSCOPE_ZOO_CKPT/seg-$ds-s10" \
        --out "$tmp" --threads 1 >>"$logs/zoo-export.log" 2>&1 && rm -rf "$out" && mv "$tmp" "$out" \
        && echo "$(date -u +%FT%TZ) exported $out" >>"$logs/zoo-export.log" \
        || echo "$(date -u +%FT%TZ) export of $run failed, see $logs/zoo-export.log" >&2
    ) 8>"$GANSCOPE_ZOO_CKPT/export.lock"
  done
}

lane() {
  local id=$1 job kind ds arg seed name rc budget
  for job in $jobs; do
    IFS=: read -r kind ds arg seed <<<"$job"
    if [ "$kind" = gan ]; then
      name=gan-$ds-$arg-s$seed budget=$gan_it
      set -- gan --dataset "$ds" --variant "$arg" --seed "$seed" --iterations "$gan_it"
    else
      name=seg-$ds-s$arg budget=$seg_it
      set -- seg --dataset "$ds" --seed "$arg" --iterations "$seg_it"
    fi
    done_run "$GANSCOPE_ZOO_CKPT/$name" "$budget" && continue
    rc=0
    nice -n 19 "$py" -m ganscope_models.train2 "$@" --threads 1 >>"$logs/zoo-$name.log" 2>&1 || rc=$?
    case $rc in
      0) echo "$(date -u +%FT%TZ) lane $id: $name done" >&2; export_ready ;;
      75) ;;  # the other lane holds it
      *) echo "$(date -u +%FT%TZ) $name failed ($rc), see $logs/zoo-$name.log" >&2 ;;
    esac
  done
}
lane 1 &
sleep 5  # the first lane takes the first job
lane 2 &
wait
export_ready
"$py" -m ganscope_models.train2 status
