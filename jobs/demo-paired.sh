#!/usr/bin/env bash
# The demo's recipe against a control recipe, paired on the demo's own test images
# (docs/likelihood-training.md): runs `score-sde demo` as a user would (the product's defaults), then
# trains the control for the same minutes on the same shards, scores it with the demo's evaluation
# protocol (same images, run seed, dequantization noise and probes), and writes the per-image paired
# difference demo - control with its 95% interval to OUT_DIR/paired.tsv.
#
# Usage: jobs/demo-paired.sh OUT_DIR
#   CONTROL: the control's train settings; default: the recipe the demo trained with on 2026-12-06
#   (the VP SDE, sigma^2 weighting, uniform times, learning rate 1e-3, warm-up 20).
#   CONTROL_SD: the launcher that trains the control (default: this checkout's jobs/score-sde); point it at
#   another checkout's jobs/score-sde to pair the demo against an older build of the product, e.g. one
#   from before a training fix (`git worktree add ../before COMMIT`); both are scored by this checkout.
#   MASTER (local[2]); MINUTES, LIMIT, REPEATS, TOLERANCE: the demo's training minutes and evaluation
#   (defaults: the demo.* values of conf/defaults.conf, 5, 200, 1, 1e-3; change them together with it).
# Resumable: a step whose output has _SUCCESS is skipped. Run it on a quiet machine: both recipes get
# MINUTES of wall clock, so a load during one of them shortchanges that one.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/demo-paired.sh OUT_DIR}"
master="${MASTER:-local[2]}"
control_settings="${CONTROL:---set sde.name=vp --set train.weighting=sigma2 --set train.time-sampler=uniform --set train.learning-rate=1e-3 --set train.warmup=20}"
minutes="${MINUTES:-5}"
limit="${LIMIT:-200}"
repeats="${REPEATS:-1}"
tolerance="${TOLERANCE:-1e-3}"
sd="$here/jobs/score-sde"
control_sd="${CONTROL_SD:-$sd}"
mkdir -p "$out"

# shellcheck source=jobs/study-steps.sh
. "$here/jobs/study-steps.sh"

[ -f "$out/demo/_SUCCESS" ] && [ -f "$out/demo/eval/_SUCCESS" ] || "$sd" demo --master "$master" --out "$out/demo"
java -cp "$here/lib/score-sde.jar:$here/lib/spark/*" "$here/jobs/PerExampleTsv.java" "$out/demo/eval" > "$out/demo/eval/per_example.tsv"

if [ ! -f "$out/control/_SUCCESS" ]; then
  # shellcheck disable=SC2086
  "$control_sd" train --master "$master" --data "$out/demo-data/train" --out "$out/control" --minutes "$minutes" \
      $control_settings --overwrite
fi
evaluate_run "$out/control" "$out/demo-data/test" --limit "$limit" --dequant-repeats "$repeats" \
    --rtol "$tolerance" --atol "$tolerance"

python3 "$here/jobs/paired_nll.py" "$out" demo:control
cat "$out/paired.tsv"
