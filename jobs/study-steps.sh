# Steps shared by the Fashion-MNIST studies (likelihood-study.sh, learning-curve.sh, tuning-grid.sh,
# fp-ablation-fashion.sh, demo-paired.sh), sourced by them.
# Each step is skipped when its output already has _SUCCESS, so a stopped study resumes where it was.
# Needs: sd (the launcher), master (a Spark master) and here (the project root).

# shard_idx IMAGES LABELS OUT SHARDS [SHARD OPTIONS...]: shard an IDX image file with its labels into OUT
shard_idx() {
  local images="$1" labels="$2" dir="$3" shards="$4"
  shift 4
  [ -f "$dir/_SUCCESS" ] || "$sd" shard --master "$master" --format idx --input "$images" --labels "$labels" \
      --output "$dir" --shards "$shards" "$@" --overwrite
}

# train_run RUN DATA [TRAIN OPTIONS...]: train into RUN unless it has finished; a run stopped part-way
# resumes from its newest checkpoint (the budget options, --epochs or --minutes, count the whole run)
train_run() {
  local run="$1" data="$2"
  shift 2
  [ -f "$run/_SUCCESS" ] && return 0
  local start=--overwrite
  [ -n "$(ls "$run/checkpoints" 2>/dev/null)" ] && start=--resume
  "$sd" train --master "$master" --data "$data" --out "$run" "$start" "$@"
}

# evaluate_run RUN DATA [EVALUATE OPTIONS...]: score RUN/model.zip on DATA into RUN/eval, then write its
# per-example bits/dim to RUN/eval/per_example.tsv (for the paired differences)
evaluate_run() {
  local run="$1" data="$2"
  shift 2
  [ -f "$run/eval/_SUCCESS" ] || "$sd" evaluate --master "$master" --model "$run/model.zip" --data "$data" \
      --out "$run/eval" "$@" --overwrite
  java -cp "$here/lib/score-sde.jar:$here/lib/spark/*" "$here/jobs/PerExampleTsv.java" "$run/eval" > "$run/eval/per_example.tsv"
}

# sample_run RUN REFERENCE N [SAMPLE OPTIONS...]: draw N samples of RUN/model.zip (sample's defaults) into
# RUN/samples, scored by their Frechet distance to the images of REFERENCE
sample_run() {
  local run="$1" reference="$2" n="$3"
  shift 3
  [ -f "$run/samples/_SUCCESS" ] || "$sd" sample --master "$master" --model "$run/model.zip" --out "$run/samples" \
      --n "$n" --reference "$reference" "$@" --overwrite
}
