#!/usr/bin/env bash
# FP-Diffusion ablation on a 2-D Gaussian mixture (8 components on a circle): trains with and without
# the score Fokker-Planck regularizer at equal budgets (same seed, same rounds), then measures test NLL
# (evaluate, nats/dim with its 95% interval) and the held-out Fokker-Planck residual of each model.
# Usage: jobs/fp-ablation.sh OUT_DIR [EPOCHS=10] [SEEDS="1 2 3"] [ALPHAS="0 0.15"] [TMIN=0] [FINETUNE_EPOCHS=0]
# (TMIN: train.fp.t-min of the regularized runs)
# FINETUNE_EPOCHS > 0: the paper's protocol instead of training from scratch: per seed, a DSM base model
# (alpha 0, EPOCHS epochs), then one fine-tune of it per alpha (train --init, FINETUNE_EPOCHS epochs, same
# seed; alpha 0 is the control), each measured like the from-scratch runs (the base too).
# Results: OUT_DIR/results.tsv (one line per run). See docs/fp-ablation.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/fp-ablation.sh OUT_DIR [EPOCHS] [SEEDS] [ALPHAS]}"
epochs="${2:-10}"
seeds="${3:-1 2 3}"
alphas="${4:-0 0.15}"
tmin="${5:-0}"
finetune="${6:-0}"
master="${MASTER:-local[2]}"
sd="$here/jobs/score-sde"
mkdir -p "$out"

# Data: 8 Gaussians (std 0.25) on a circle of radius 2, 2048 training and 512 test points (fixed seeds);
# gmm.json is the exact mixture, whose NLL is the floor.
python3 - "$out" <<'PY'
import json, math, random, sys
out = sys.argv[1]
means = [[2 * math.cos(2 * math.pi * k / 8), 2 * math.sin(2 * math.pi * k / 8)] for k in range(8)]
std = 0.25
def sample(n, seed):
    r = random.Random(seed)
    rows = []
    for _ in range(n):
        m = means[r.randrange(8)]
        rows.append("%r,%r" % (m[0] + std * r.gauss(0, 1), m[1] + std * r.gauss(0, 1)))
    return "\n".join(rows) + "\n"
open(out + "/train.csv", "w").write(sample(2048, 11))
open(out + "/test.csv", "w").write(sample(512, 12))
json.dump({"weights": [1 / 8] * 8, "means": means,
           "covariances": [[[std * std, 0], [0, std * std]] for _ in range(8)]}, open(out + "/gmm.json", "w"))
PY
for split in train test; do
  [ -f "$out/$split/_SUCCESS" ] || "$sd" shard --master "$master" --format csv --input "$out/$split.csv" \
      --output "$out/$split" --shards 2 --overwrite
done

# the regularizer reads the network's output as the noise (net.preconditioning = none); the schedule as measured
common=(--master "$master" --set net.preconditioning=none --set train.carry-iteration-count=false --set sde.name=vp --set train.batch-size=32 --set train.averaging-frequency=4 --set train.workers=2
        --set train.warmup=20 --set train.learning-rate=2e-3 --set train.checkpoint-every=1000
        --set train.probe-every=1
        --set net.base-channels=64 --set net.residual-blocks=2)
# Test NLL of the first 128 test points; rtol/atol 1e-3 (a poorly trained 2-D MLP needs ~1100 function
# evaluations per point at 1e-4, about 10 minutes for 256 points on a loaded 2-core machine)
evalopts=(--limit 128 --batch-size 64 --rtol 1e-3 --atol 1e-3 --trace exact)

[ -f "$out/exact/eval/_SUCCESS" ] || "$sd" evaluate --master "$master" --model "gmm:$out/gmm.json" --sde vp \
    --data "$out/test" --out "$out/exact/eval" "${evalopts[@]}" --overwrite
[ -f "$out/results.tsv" ] || printf 'run\tseed\talpha\ttrain_seconds\tlast_loss\tlast_fp_penalty\tnats_per_dim\tci95\tresidual_1e-3\tresidual_0.05\n' > "$out/results.tsv"
measure() {  # RUN SEED ALPHA: evaluate a trained run and append its line to results.tsv
  local run="$1" seed="$2" alpha="$3"
  [ -f "$run/eval/_SUCCESS" ] || "$sd" evaluate --master "$master" --model "$run/model.zip" --data "$out/test" \
      --out "$run/eval" "${evalopts[@]}" --overwrite
  export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
  local r1 r2
  r1="$("$sd" fp-residual --model "$run/model.zip" --data "$out/test.csv" --t-min 0.01 --probe-step 1e-3 2>/dev/null | tail -1)"
  r2="$("$sd" fp-residual --model "$run/model.zip" --data "$out/test.csv" --t-min 0.01 --probe-step 0.05 2>/dev/null | tail -1)"
  python3 - "$run" "$seed" "$alpha" "$r1" "$r2" >> "$out/results.tsv" <<'PY'
import json, sys
run, seed, alpha, r1, r2 = sys.argv[1:]
lines = [json.loads(l) for l in open(run + "/metrics.jsonl") if l.strip()]
nll = json.load(open(run + "/eval/nll.json"))
ci = nll.get("ci95", "")
print("\t".join(str(v) for v in [run.rsplit("/", 1)[1], seed, alpha, round(lines[-1]["seconds"], 1),
      lines[-1]["loss"], lines[-1].get("fp_penalty", ""), nll["nats_per_dim"], ci,
      json.loads(r1)["mean_penalty"], json.loads(r2)["mean_penalty"]]))
PY
}
for seed in $seeds; do
  if [ "$finetune" != "0" ]; then
    base="$out/seed$seed-base"
    [ -f "$base/_SUCCESS" ] || "$sd" train --data "$out/train" --out "$base" --epochs "$epochs" --overwrite \
        "${common[@]}" --set seed="$seed"
    measure "$base" "$seed" base
    for alpha in $alphas; do
      run="$out/seed$seed-ft-alpha$alpha"
      [ "$alpha" = "0" ] || run="$run-tmin$tmin"
      [ -f "$run/_SUCCESS" ] || "$sd" train --data "$out/train" --out "$run" --epochs "$finetune" --overwrite \
          --init "$base/model.zip" "${common[@]}" --set seed="$seed" --set train.fp.alpha="$alpha" --set train.fp.t-min="$tmin"
      measure "$run" "$seed" "$alpha"
    done
    continue
  fi
  for alpha in $alphas; do
    run="$out/seed$seed-alpha$alpha"
    [ "$alpha" = "0" ] || run="$run-tmin$tmin"
    [ -f "$run/_SUCCESS" ] || "$sd" train --data "$out/train" --out "$run" --epochs "$epochs" --overwrite \
        "${common[@]}" --set seed="$seed" --set train.fp.alpha="$alpha" --set train.fp.t-min="$tmin"
    measure "$run" "$seed" "$alpha"
  done
done
sort -u "$out/results.tsv" -o "$out/results.tsv"
cat "$out/results.tsv"
