#!/usr/bin/env bash
# FP-Diffusion ablation on Fashion-MNIST in the paper's protocol: a DSM base model (the demo's settings,
# BASE_EPOCHS epochs of the first BASE_EXAMPLES training images), then fine-tunes of it (train --init) for
# the same number of rounds (FT_EPOCHS epochs of the first FT_EXAMPLES training images), with alpha 0 (the control) and each alpha
# (one Rademacher probe: 7 network rows per example); every model's test bits/dim on the same LIMIT test
# images (evaluate with the demo's options; fixed probe and dequantization seeds, so the same images and
# noise for every model), and the paired per-image difference of each fine-tune against the control.
# Usage: jobs/fp-ablation-fashion.sh OUT_DIR [BASE_EPOCHS=1] [FT_EXAMPLES=6400] [FT_EPOCHS=2] [ALPHAS="0 1e-3"] [LIMIT=200]
#        [BASE_EXAMPLES=60000]
# (with train.batch-size 64 and train.averaging-frequency 5 on 2 workers, a round is 640 examples)
# Results: OUT_DIR/results.tsv and OUT_DIR/paired.tsv. See docs/fp-ablation.md.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: jobs/fp-ablation-fashion.sh OUT_DIR [BASE_EPOCHS] [FT_EXAMPLES] [FT_EPOCHS] [ALPHAS] [LIMIT]}"
base_epochs="${2:-1}"
ft_examples="${3:-6400}"
ft_epochs="${4:-2}"
alphas="${5:-0 1e-3}"
limit="${6:-200}"
base_examples="${7:-60000}"
master="${MASTER:-local[2]}"
dataset="${DATASET:-/usr/share/datasets/fashion-mnist}"
sd="$here/jobs/score-sde"
mkdir -p "$out"

# shellcheck source=jobs/study-steps.sh
. "$here/jobs/study-steps.sh"

shard_idx "$dataset/t10k-images-idx3-ubyte.gz" "$dataset/t10k-labels-idx1-ubyte.gz" "$out/data/t10k" 8
# The training subsets: the first BASE_EXAMPLES (base) and FT_EXAMPLES (fine-tunes) training images and labels
python3 - "$dataset" "$out" "$ft_examples" "$base_examples" <<'PY'
import gzip, struct, sys
src, out = sys.argv[1], sys.argv[2]
for name, n in (("ft", int(sys.argv[3])), ("base", int(sys.argv[4]))):
  for kind, item in (("images-idx3-ubyte", 28 * 28), ("labels-idx1-ubyte", 1)):
    raw = gzip.open("%s/train-%s.gz" % (src, kind)).read()
    dims = raw[3]
    header = bytearray(raw[:4 + 4 * dims])
    struct.pack_into(">I", header, 4, n)
    body = raw[4 + 4 * dims: 4 + 4 * dims + n * item]
    with gzip.open("%s/%s-%s.gz" % (out, name, kind), "wb") as f:
        f.write(bytes(header) + body)
PY
for name in ft base; do
  shard_idx "$out/$name-images-idx3-ubyte.gz" "$out/$name-labels-idx1-ubyte.gz" "$out/data/$name" 2
done

# the demo's training settings when docs/fp-ablation.md was measured (the VP SDE, learning rate 1e-3 after a
# 20-iteration warm-up) with batch 64 and 2 workers, averaging every 5; pinned so that the script reproduces it
# the regularizer reads the network's output as the noise (net.preconditioning = none); the schedule as measured
common=(--master "$master" --set net.preconditioning=none --set train.carry-iteration-count=false --set sde.name=vp --set train.warmup=20 --set train.learning-rate=1e-3 --set train.checkpoint-every=1000
        --set train.probe-every=1 --set train.averaging-frequency=5)
# the demo's evaluation (demo.evaluate-*): one dequantization draw, rtol = atol = 1e-3, one Rademacher probe
evalopts=(--limit "$limit" --dequant-repeats 1 --rtol 1e-3 --atol 1e-3)
evaluate() {
  evaluate_run "$1" "$out/data/t10k" "${evalopts[@]}"
}

base="$out/base"
[ -f "$base/_SUCCESS" ] || "$sd" train --data "$out/data/base" --out "$base" --epochs "$base_epochs" --overwrite "${common[@]}"
evaluate "$base"
runs="base"
for alpha in $alphas; do
  run="$out/ft-alpha$alpha"
  [ -f "$run/_SUCCESS" ] || "$sd" train --data "$out/data/ft" --out "$run" --epochs "$ft_epochs" --overwrite \
      --init "$base/model.zip" "${common[@]}" --set train.fp.alpha="$alpha" --set train.fp.probes=1 --set train.fp.unbiased=false
  evaluate "$run"
  runs="$runs ft-alpha$alpha"
done

# results.tsv: one line per model; paired.tsv: each model minus the alpha-0 fine-tune, image by image
python3 "$here/jobs/results_tsv.py" "$out" results.tsv $runs
pairs=()
for run in $runs; do
  if [ "$run" != ft-alpha0 ] && [[ " $runs " == *" ft-alpha0 "* ]]; then pairs+=("$run:ft-alpha0"); fi
done
python3 "$here/jobs/paired_nll.py" "$out" "${pairs[@]}"
cat "$out/results.tsv" "$out/paired.tsv"
