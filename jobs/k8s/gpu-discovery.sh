#!/usr/bin/env bash
# gpu-discovery.sh: Spark's resource discovery script for NVIDIA GPUs
# (spark.executor.resource.gpu.discoveryScript). Spark runs it inside the executor and reads one JSON
# object from stdout, {"name": "gpu", "addresses": ["0", "1"]}: the indices of the GPUs this container
# sees (on Kubernetes the NVIDIA device plugin exposes only the ones allocated to the pod).
# Exits non-zero, with the reason on stderr, when nvidia-smi is missing, fails or sees no GPU, so
# that Spark fails the executor instead of scheduling GPU tasks on a machine without one.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "gpu-discovery: nvidia-smi is not on PATH (no NVIDIA driver in this container?)" >&2
  exit 1
fi
if ! indices="$(nvidia-smi --query-gpu=index --format=csv,noheader)"; then
  echo "gpu-discovery: nvidia-smi failed" >&2
  exit 1
fi

addresses=""
while IFS= read -r line; do
  index="${line//[[:space:]]/}"
  [ -z "$index" ] && continue
  if ! [[ "$index" =~ ^[0-9]+$ ]]; then
    echo "gpu-discovery: unexpected nvidia-smi output: $line" >&2
    exit 1
  fi
  addresses="${addresses:+$addresses,}\"$index\""
done <<< "$indices"

if [ -z "$addresses" ]; then
  echo "gpu-discovery: nvidia-smi lists no GPU" >&2
  exit 1
fi
printf '{"name": "gpu", "addresses": [%s]}\n' "$addresses"
