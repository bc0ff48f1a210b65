#!/usr/bin/env bash
# The co-load experiment of BENCHMARKS.md (2026-12-07): our network figures (NetworkBenchProcess, two
# ND4J threads, the default settings) with and without OMP_WAIT_POLICY=PASSIVE, quiet and with a shell
# loop spinning on core 1. Prints one line per case: the training step's and the forward's images/s.
# Usage: bench/wait-policy.sh [ROUNDS]   (after mvn package; run it on an otherwise quiet machine)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
settings="$(mktemp --suffix .conf)"
trap 'rm -f "$settings"' EXIT
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
measure() {
  local name=$1 policy=$2 out
  # shellcheck disable=SC2086
  out="$(env -u OMP_WAIT_POLICY OMP_NUM_THREADS=2 ${policy:+OMP_WAIT_POLICY=$policy} java $opens -Xmx1g \
      -cp "lib/score-sde.jar:lib/spark/*" org.scoresde.bench.NetworkBenchProcess "$settings" false 2>/dev/null | tail -1)"
  python3 -c 'import json, sys
n = json.loads(sys.argv[2])["network"]
print("%-14s training step %6.1f images/s   forward %6.1f images/s" % (sys.argv[1], n["train"]["median"], n["forward"]["median"]))' \
      "$name" "$out"
}
for _ in $(seq "$rounds"); do
  measure "quiet, spin" ""
  measure "quiet, passive" PASSIVE
  for policy in "" PASSIVE; do
    taskset -c 1 sh -c 'while :; do :; done' > /dev/null 2>&1 &
    loop=$!
    measure "busy, ${policy:-spin}" "$policy"
    kill "$loop"
  done
done
