# Steps shared by the Fashion-MNIST studies (likelihood-study.sh, fp-ablation-fashion.sh), sourced by them.
# Each step is skipped when its output already has _SUCCESS, so a stopped study resumes where it was.
# Needs: sd (the launcher), master (a Spark master) and here (the project root).

# shard_idx IMAGES LABELS OUT SHARDS: shard an IDX image file with its labels into OUT
shard_idx() {
  [ -f "$3/_SUCCESS" ] || "$sd" shard --master "$master" --format idx --input "$1" --labels "$2" --output "$3" \
      --shards "$4" --overwrite
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
