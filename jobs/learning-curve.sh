#!/usr/bin/env bash
# The learning curve of one training recipe on Fashion-MNIST (docs/likelihood-training.md): one long run
# that keeps a checkpoint every CHECKPOINT_EVERY rounds, then the checkpoints nearest to the given counts of
# examples seen evaluated at the published protocol on the same LIMIT test images (the likelihood study's
# protocol: same run seed, so the same images, dequantization noise and probes), and the run's report,
# whose evaluation section then plots bits/dim against the examples seen.
#
# Usage: jobs/learning-curve.sh OUT_DIR DATA_DIR [EXAMPLES="95000 380000 1130000 2270000"] [LIMIT=500]
#   DATA_DIR holds train/ and t10k/ shards (the likelihood study's OUT_DIR/data), or is made with them.
#   EXAMPLES: the points, as examples seen; the defaults are what a quiet 2-core machine trains in 5, 20, 60
#   and 120 minutes (~315 examples/s: the demo's 5 minutes see ~95 000). Counting examples, not minutes,
#   keeps the curve's points where they are when the machine is loaded or the run is stopped and resumed.
#   The run trains whole epochs until the largest count is reached.
#   SETTINGS: extra train settings (the recipe), e.g. "--set train.weighting=likelihood --set
#   train.time-sampler=importance"; MASTER (local[2]); CHECKPOINT_EVERY (10 rounds, ~1.5 min quiet);
#   DATASET (/usr/share/datasets/fashion-mnist).
# Resumable: the run resumes from its newest checkpoint; an evaluation with _SUCCESS is skipped.
# TRAIN=no evaluates the points the run has reached so far without training on (a long curve can then be
# built over several sittings); a point beyond the newest checkpoint is left for later.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/learning-curve.sh OUT_DIR DATA_DIR [EXAMPLES] [LIMIT]}"
data="${2:?usage: jobs/learning-curve.sh OUT_DIR DATA_DIR [EXAMPLES] [LIMIT]}"
targets="${3:-95000 380000 1130000 2270000}"
limit="${4:-500}"
master="${MASTER:-local[2]}"
dataset="${DATASET:-/usr/share/datasets/fashion-mnist}"
every="${CHECKPOINT_EVERY:-10}"
sd="$here/jobs/score-sde"
run="$out/run"
mkdir -p "$out"

# shellcheck source=jobs/study-steps.sh
. "$here/jobs/study-steps.sh"

shard_idx "$dataset/train-images-idx3-ubyte.gz" "$dataset/train-labels-idx1-ubyte.gz" "$data/train" 8
shard_idx "$dataset/t10k-images-idx3-ubyte.gz" "$dataset/t10k-labels-idx1-ubyte.gz" "$data/t10k" 8

epochs="$(python3 - "$data/train/manifest.json" $targets <<'PY'
import json, math, sys
count = json.load(open(sys.argv[1]))["count"]
print(math.ceil(max(int(t) for t in sys.argv[2:]) / count))
PY
)"
if [ "${TRAIN:-yes}" != no ]; then
  # shellcheck disable=SC2086
  train_run "$run" "$data/train" --epochs "$epochs" --set train.checkpoint-every="$every" \
      --set train.checkpoint-keep=100000 ${SETTINGS:-}
fi

# the checkpoint whose count of examples seen is nearest to each target
picks="$(python3 - "$run/checkpoints" $targets <<'PY'
import json, os, sys
root, targets = sys.argv[1], [float(n) for n in sys.argv[2:]]
points = []
for name in sorted(os.listdir(root)):
    state = os.path.join(root, name, "state.json")
    if name.startswith("round-") and os.path.exists(os.path.join(root, name, "model.zip")) and os.path.exists(state):
        points.append((json.load(open(state))["examples"], name))
if not points:
    sys.exit("no checkpoint with a model.zip in " + root + " (checkpoints of releases before 2026-12-06 have none)")
step = points[-1][0] / len(points)
reached = [t for t in targets if t <= points[-1][0] + step / 2]
for t in targets:
    if t not in reached:
        print("learning curve: %d examples not reached yet (newest checkpoint: %d)" % (t, points[-1][0]), file=sys.stderr)
print(" ".join(sorted({min(points, key=lambda p: abs(p[0] - t))[1] for t in reached})))
PY
)"
for c in $picks; do
  dir="$run/checkpoints/$c"
  [ -f "$dir/eval/_SUCCESS" ] || "$sd" evaluate --master "$master" --model "$dir/model.zip" --data "$data/t10k" \
      --out "$dir/eval" --limit "$limit" --overwrite
done
"$sd" report --run "$run" --overwrite
echo "learning curve: $run/report.html (checkpoints $picks)"
