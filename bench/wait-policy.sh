#!/usr/bin/env bash
# The co-load experiment of BENCHMARKS.md (2026-12-07): our network figures (NetworkBenchProcess, two
# ND4J threads, the default settings) with and without OMP_WAIT_POLICY=PASSIVE, quiet and with a shell
# loop spinning on core 1. Prints one line per case: the training step's and the forward's images/s.
# Usage: bench/wait-policy.sh [ROUNDS [CASE...]]   (after mvn package; on an otherwise quiet machine)
#   A CASE is spin (OpenMP's default: waiting threads spin, then sleep), passive (OMP_WAIT_POLICY=PASSIVE)
#   or spincount=N (GNU OpenMP's GOMP_SPINCOUNT=N: spin N times, then sleep); default: spin passive.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds="${1:-1}"
shift || true
cases=("$@")
[ ${#cases[@]} -gt 0 ] || cases=(spin passive)
settings="$(mktemp --suffix .conf)"
trap 'rm -f "$settings"' EXIT
opens=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  opens="$opens --add-opens=java.base/$p=ALL-UNNAMED"
done
measure() {
  local name=$1 case=$2 out env=()
  case "$case" in
    spin) ;;
    passive) env=(OMP_WAIT_POLICY=PASSIVE) ;;
    spincount=*) env=(GOMP_SPINCOUNT="${case#spincount=}") ;;
    *) echo "error: unknown case '$case': use spin, passive or spincount=N" >&2; exit 2 ;;
  esac
  # shellcheck disable=SC2086
  out="$(env -u OMP_WAIT_POLICY -u GOMP_SPINCOUNT OMP_NUM_THREADS=2 "${env[@]}" java $opens -Xmx1g \
      -cp "lib/score-sde.jar:lib/spark/*" org.scoresde.bench.NetworkBenchProcess "$settings" false 2>/dev/null | tail -1)"
  python3 -c 'import json, sys
n = json.loads(sys.argv[2])["network"]
print("%-24s training step %6.1f images/s   forward %6.1f images/s" % (sys.argv[1], n["train"]["median"], n["forward"]["median"]))' \
      "$name" "$out"
}
for _ in $(seq "$rounds"); do
  for c in "${cases[@]}"; do
    measure "quiet, $c" "$c"
  done
  for c in "${cases[@]}"; do
    taskset -c 1 sh -c 'while :; do :; done' > /dev/null 2>&1 &
    loop=$!
    measure "busy, $c" "$c"
    kill "$loop"
  done
done
