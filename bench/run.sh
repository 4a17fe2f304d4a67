#!/usr/bin/env bash
# Runs the benchmarks: every bench/*/run.sh, or only the named ones (`bench/run.sh bundle`).
# Each writes its own RESULTS.md beside its script.
set -euo pipefail
cd "$(dirname "$0")"
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(*/)
for name in "${names[@]}"; do
  script="${name%/}/run.sh"
  [ -f "$script" ] || { echo "no benchmark at bench/$script" >&2; exit 2; }
  echo "== bench/$script"
  bash "$script"
done
