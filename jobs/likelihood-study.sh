#!/usr/bin/env bash
# The likelihood-training study on Fashion-MNIST (docs/likelihood-training.md): training recipes at equal
# wall clock, every model scored by one evaluation protocol, each against the sigma^2-weighting recipe
# image by image.
#
# Recipes (name: SDE, DSM weighting, diffusion-time sampler, run seed):
#   vp-sigma2-uniform      the default recipe           vp-likelihood-uniform   vp-likelihood-importance
#   subvp-sigma2-uniform   subvp-likelihood-uniform     subvp-likelihood-importance
#   vp-sigma2-uniform-s2   vp-likelihood-importance-s2  (the decisive pair again, run seed 7)
# Every recipe trains EPOCHS epochs of the 60 000 training images on MASTER with the demo's optimizer
# settings (learning rate 1e-3, warm-up 20; the same for all). Equal examples rather than equal minutes:
# the recipes cost the same per example (they differ only in the times drawn and the loss weights), and
# a count of examples does not depend on what else the machine runs (8 epochs take about 20 minutes on
# a quiet 2-core machine at ~450 examples/s); each run's wall clock is reported. Then: evaluate at the published protocol (evaluate's own defaults:
# Dormand-Prince rtol = atol = 1e-5, 5 dequantization draws, one Rademacher probe) on the first LIMIT test
# images, with the same run seed for every model, so every model sees the same images, the same
# dequantization noise and the same probes; and SAMPLES samples (sample's defaults) scored by their Frechet
# distance to the test images.
#
# Usage: jobs/likelihood-study.sh OUT_DIR [EPOCHS=8] [LIMIT=500] [SAMPLES=1000]
#   RECIPES="name ..." runs a subset; MASTER (local[2]) and DATASET (/usr/share/datasets/fashion-mnist).
# Resumable: a step whose output has _SUCCESS is skipped; an unfinished training run resumes from its
# newest checkpoint.
# Results: OUT_DIR/results.tsv (one line per recipe) and OUT_DIR/paired.tsv (each recipe minus the
# recipe of the same seed with sigma^2 weighting and uniform times, per test image, with a 95% interval).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/likelihood-study.sh OUT_DIR [EPOCHS] [LIMIT] [SAMPLES]}"
epochs="${2:-8}"
limit="${3:-500}"
samples="${4:-1000}"
master="${MASTER:-local[2]}"
dataset="${DATASET:-/usr/share/datasets/fashion-mnist}"
recipes="${RECIPES:-vp-sigma2-uniform vp-likelihood-importance vp-likelihood-uniform subvp-sigma2-uniform subvp-likelihood-uniform subvp-likelihood-importance vp-sigma2-uniform-s2 vp-likelihood-importance-s2}"
sd="$here/jobs/score-sde"
mkdir -p "$out"

# shellcheck source=jobs/study-steps.sh
. "$here/jobs/study-steps.sh"

for split in train t10k; do
  shard_idx "$dataset/$split-images-idx3-ubyte.gz" "$dataset/$split-labels-idx1-ubyte.gz" "$out/data/$split" 8
done

# recipe name -> train settings
settings() {
  local name="$1" seed=42
  case "$name" in *-s2) seed=7; name="${name%-s2}" ;; esac
  IFS=- read -r sde weighting sampler <<< "$name"
  echo "--set sde.name=$sde --set train.weighting=$weighting --set train.time-sampler=$sampler --set seed=$seed"
}
optimizer=(--set train.warmup=20 --set train.learning-rate=1e-3)

for recipe in $recipes; do
  run="$out/$recipe"
  # shellcheck disable=SC2046
  train_run "$run" "$out/data/train" --epochs "$epochs" "${optimizer[@]}" $(settings "$recipe")
  evaluate_run "$run" "$out/data/t10k" --limit "$limit"
  sample_run "$run" "$out/data/t10k" "$samples"
done

python3 "$here/jobs/results_tsv.py" "$out" results.tsv $recipes
# each recipe against sigma^2 weighting with uniform times, same SDE and seed
pairs=()
for recipe in $recipes; do
  control=vp-sigma2-uniform
  case "$recipe" in subvp-*) control=subvp-sigma2-uniform ;; *-s2) control=vp-sigma2-uniform-s2 ;; esac
  if [ "$recipe" != "$control" ] && [[ " $recipes " == *" $control "* ]]; then pairs+=("$recipe:$control"); fi
done
python3 "$here/jobs/paired_nll.py" "$out" "${pairs[@]}"
cat "$out/results.tsv" "$out/paired.tsv"
