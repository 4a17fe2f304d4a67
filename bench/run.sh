#!/usr/bin/env bash
# Runs the benchmarks: every bench/*/run.sh, or only the named ones (`bench/run.sh bundle`).
# Each writes its own RESULTS.md beside its script; at the end one table of ratios against the
# fastest baseline of each comparison is printed (bench/summary.mjs, also written to SUMMARY.md).
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
echo
echo "== summary (bench/SUMMARY.md)"
node summary.mjs --markdown SUMMARY.md
