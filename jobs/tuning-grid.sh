#!/usr/bin/env bash
# Capacity and optimizer at one training budget, chosen on a validation set held out of the training file
# (docs/likelihood-training.md): the test images are not looked at, so the choice can be reported on them
# once afterwards.
#
# Data: Fashion-MNIST's training file cut by `shard --range` (one seed, so disjoint random subsets) into
# 55 000 images to train on (DATA/fit) and 5 000 to choose with (DATA/validation).
# Configurations are named by what differs from train's defaults, parts joined by '+':
#   default (nothing), lr-X (train.learning-rate = X), warmup-N (train.warmup = N),
#   ema-D (train.ema-decay = D), wide-C (net.base-channels = C; the default is 16), carry
#   (train.carry-iteration-count = true: the workers keep the driver's iteration count), skip / noskip
#   (net.preconditioning = skip / none), likelihood (train.weighting = likelihood), importance
#   (train.time-sampler = importance), vp / subvp / ve (sde.name), seed-N (run seed N instead of 42);
#   e.g. lr-4e-3+warmup-200. The search is coordinate-wise: the learning rate first, doubled until it
#   stops winning (default CONFIGS), then warm-up, EMA and width one at a time at the best rate
#   (CONFIGS="lr-R+warmup-200 lr-R+ema-0.95 lr-R+wide-32"), each paired with default and with lr-R.
# Note on the EMA: its effective decay is min(decay, (1 + k) / (10 + k)) after k rounds, which is below
# 0.97 for the ~300 rounds of 20 minutes, so every decay above that (0.99, 0.999, 0.9999) trains the same
# model at this budget; 0.95 is the smallest change that acts.
# Each trains MINUTES of wall clock on MASTER (run seed 42 unless seed-N), so the machine must run nothing else: unlike
# the likelihood study's recipes, these configurations differ in cost per example (wide-32), and equal
# minutes is the budget a user has. Then each model is scored on the first LIMIT validation images with the
# demo's evaluation protocol (one dequantization draw, Dormand-Prince tolerances 1e-3: about 20 times
# cheaper than the published one, and it ranked the demo's two recipes as the published one did), the
# same run seed for all (same images, noise and probes), and paired image by image with `default`; and
# SAMPLES (1 000; 0 = none) samples of each (sample's defaults) scored by their Frechet distance to the
# validation images, since a step that buys likelihood can cost sample quality (it did: the doc).
#
# Usage: jobs/tuning-grid.sh OUT_DIR [MINUTES=20] [LIMIT=1000]
#   CONFIGS="name ..." runs a subset; MASTER (local[2]); DATASET (/usr/share/datasets/fashion-mnist).
#   EPOCHS=N trains N epochs of the fit images instead of MINUTES: the fair budget for configurations that
#   cost the same per example (the rates, warm-up, EMA) when the machine's speed drifts between runs (on
#   2026-12-07 it fell by 30% between two 20-minute runs, which then differed in examples, not only rate).
# Resumable: a step whose output has _SUCCESS is skipped; an unfinished training run resumes from its newest
# checkpoint (MINUTES is the run's total training time, counted across the stop).
# Results: OUT_DIR/grid.tsv (one line per configuration) and OUT_DIR/paired.tsv (each minus default; a
# combination lr-R+... also minus lr-R).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/tuning-grid.sh OUT_DIR [MINUTES] [LIMIT]}"
minutes="${2:-20}"
limit="${3:-1000}"
master="${MASTER:-local[2]}"
dataset="${DATASET:-/usr/share/datasets/fashion-mnist}"
configs="${CONFIGS:-default lr-2e-3 lr-4e-3 lr-8e-3}"
samples="${SAMPLES:-1000}"
sd="$here/jobs/score-sde"
mkdir -p "$out"

# shellcheck source=jobs/study-steps.sh
. "$here/jobs/study-steps.sh"

for part in fit:0:55000 validation:55000:60000; do
  IFS=: read -r name from to <<< "$part"
  shard_idx "$dataset/train-images-idx3-ubyte.gz" "$dataset/train-labels-idx1-ubyte.gz" "$out/data/$name" 8 \
      --range "$from:$to" --seed 42
done

settings() {  # NAME -> its run seed (42 unless seed-N) and train/net overrides
  local part seed=42 flags=""
  IFS=+ read -r -a parts <<< "$1"
  for part in "${parts[@]}"; do
    case "$part" in
      default) ;;
      lr-*) flags="$flags --set train.learning-rate=${part#lr-}" ;;
      warmup-*) flags="$flags --set train.warmup=${part#warmup-}" ;;
      ema-*) flags="$flags --set train.ema-decay=${part#ema-}" ;;
      wide-*) flags="$flags --set net.base-channels=${part#wide-}" ;;
      carry) flags="$flags --set train.carry-iteration-count=true" ;;
      skip) flags="$flags --set net.preconditioning=skip" ;;
      noskip) flags="$flags --set net.preconditioning=none" ;;
      likelihood) flags="$flags --set train.weighting=likelihood" ;;
      importance) flags="$flags --set train.time-sampler=importance" ;;
      vp | subvp | ve) flags="$flags --set sde.name=$part" ;;
      seed-*) seed="${part#seed-}" ;;
      *) echo "tuning-grid: unknown configuration part $part (of $1)" >&2; exit 2 ;;
    esac
  done
  echo "--seed $seed$flags"
}
protocol=(--limit "$limit" --set evaluate.dequant-repeats=1 --set evaluate.rtol=1e-3 --set evaluate.atol=1e-3)

for config in $configs; do
  flags="$(settings "$config")"
  budget=(--minutes "$minutes")
  [ -n "${EPOCHS:-}" ] && budget=(--epochs "$EPOCHS")
  # shellcheck disable=SC2086
  train_run "$out/$config" "$out/data/fit" "${budget[@]}" $flags
  evaluate_run "$out/$config" "$out/data/validation" "${protocol[@]}"
  [ "$samples" = 0 ] || sample_run "$out/$config" "$out/data/validation" "$samples"
done

python3 "$here/jobs/results_tsv.py" "$out" grid.tsv $configs
# each configuration against default, and a combination lr-R+... also against lr-R when that ran
pairs=""
for config in $configs; do
  [ "$config" = default ] || pairs="$pairs $config:default"
  base="${config%%+*}"
  if [ "$base" != "$config" ] && [ -f "$out/$base/eval/per_example.tsv" ]; then pairs="$pairs $config:$base"; fi
done
# shellcheck disable=SC2086
[ -z "$pairs" ] || python3 "$here/jobs/paired_nll.py" "$out" $pairs
echo "tuning grid: $out/grid.tsv, $out/paired.tsv"
