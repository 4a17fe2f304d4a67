#!/usr/bin/env bash
# Export and import throughput of `airlock` on generated payloads (compressible and
# incompressible), against the standard-tool pipelines, measured in the same run:
#   export zstd: airlock export (zstd, 1 GiB volumes)   vs  sha256sum files + tar | zstd -3 -T2 + sha256sum archive
#   export none: airlock export --compression none      vs  sha256sum files + tar + sha256sum archive
#   import zstd: airlock import (verify, vault ingest    vs  sha256sum -c archive + zstd -dc | tar -x
#                with fsync, publish via hardlinks)          + sha256sum -c files
# Each comparison runs back to back and alternates (A B C A B C ...): airlock, the baseline, and the
# same baseline hashing with `openssl dgst -sha256` (coreutils sha256sum has no SHA-NI code path, so
# it is the slow part of the standard pipelines; the openssl variant shows the margin against fast
# hashing). The tables report medians, the peak RSS of every airlock run (/usr/bin/time) and the
# load average. Writes bench/bundle/RESULTS.md.
#
# Environment:
#   BENCH_DIR       where the scratch directory is made (default /tmp); needs about 5x BENCH_BYTES
#   BENCH_BYTES     payload size per kind (default 2147483648 = 2 GiB)
#   BENCH_ROUNDS    rounds per comparison, at least 2 (default 3)
#   BENCH_PAYLOADS  which payloads (default "compressible incompressible")
#   BENCH_KEEP=1    keep the scratch directory
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bytes=${BENCH_BYTES:-2147483648}
rounds=${BENCH_ROUNDS:-3}
payloads=${BENCH_PAYLOADS:-compressible incompressible}
[ "$rounds" -ge 2 ] || { echo "BENCH_ROUNDS must be at least 2" >&2; exit 2; }
for tool in /usr/bin/time zstd tar sha256sum openssl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

mkdir -p "${BENCH_DIR:-/tmp}"
scratch="$(mktemp -d "${BENCH_DIR:-/tmp}/airlock-bench-bundle.XXXXXX")"
cleanup() { [ "${BENCH_KEEP:-}" = 1 ] && echo "kept $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
avail=$(df -B1 --output=avail "$scratch" | tail -1)
need=$((bytes * 5))
if [ "$avail" -lt "$need" ]; then
  echo "need $((need >> 20)) MiB free under $scratch, have $((avail >> 20)) MiB" >&2
  exit 2
fi
echo "scratch: $scratch ($((avail >> 30)) GiB free)"

# Other work may be mid-edit in the tree: a failed build falls back to the existing one, if any.
if ! (cd "$root" && npx tsc -b tsconfig.build.json); then
  echo "warning: the build failed; benchmarking the existing build" >&2
fi
node "$root/bin/airlock" --help >/dev/null
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD -- packages 2>/dev/null || revision="$revision (packages modified)"
airlock=("node" "$root/bin/airlock")
tsv="$scratch/runs.tsv"
mkdir -p "$scratch/logs"
load_start="$(uptime)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "load at start: $load_start"

# ---- payloads (generated in parallel, one per core) ------------------------------------------
echo "generating payloads of $bytes bytes: $payloads"
pids=()
for kind in $payloads; do
  node "$here/gen-payload.mjs" --kind "$kind" --out "$scratch/payload-$kind" --bytes "$bytes" &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
sync

"${airlock[@]}" key generate --name exporter --out "$scratch/keys" >/dev/null

# measure PAYLOAD OP TOOL ROUND OUT_PATH -- COMMAND...: one timed run, then a timed `sync` (the
# writeback it left behind), then its outputs are removed unless they are kept for the import runs.
measure() {
  local payload=$1 op=$2 tool=$3 round=$4 out=$5
  shift 6
  local log="$scratch/logs/$payload-$op-$tool-$round.log" timing="$scratch/time.txt" stages="$scratch/stages.txt"
  local load secs rss s0 s1 out_bytes=0 detail=""
  rm -f "$stages"
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-14s %-12s %-16s round %s ... ' "$payload" "$op" "$tool" "$round"
  if ! STAGES="$stages" /usr/bin/time -f '%e %M' -o "$timing" "$@" >"$log" 2>&1; then
    echo "FAILED"; tail -20 "$log" >&2; exit 1
  fi
  s0=$EPOCHREALTIME; sync; s1=$EPOCHREALTIME
  read -r secs rss < "$timing"
  [ "$out" != - ] && out_bytes=$(du -sb "$out" | cut -f1)
  [ -s "$stages" ] && detail=$(cat "$stages")
  local sync_s; sync_s=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$payload" "$op" "$tool" "$round" "$secs" "$rss" "$sync_s" "$load" "$out_bytes" "$detail" >> "$tsv"
  echo "${secs} s, peak RSS $((rss / 1024)) MiB, sync ${sync_s} s"
}

settle() { rm -rf "$@"; sync; }

config() { # config PAYLOAD_DIR FILE
  cat > "$2" <<YAML
channel: bench
signing:
  key: $scratch/keys/exporter.key
volumes:
  maxSize: 1GiB
  compression: zstd
sources:
  - type: files
    name: payload
    path: $1
YAML
}

for kind in $payloads; do
  payload="$scratch/payload-$kind"
  cfg="$scratch/airlock-$kind.yaml"
  config "$payload" "$cfg"
  keep_bundle="$scratch/keep-bundle-$kind"
  keep_archive="$scratch/keep-archive-$kind"

  for compression in zstd none; do
    for round in $(seq "$rounds"); do
      out="$scratch/out-airlock"
      measure "$kind" "export-$compression" airlock "$round" "$out" -- \
        "${airlock[@]}" --home "$scratch/export-home" --quiet export -c "$cfg" -o "$out" --compression "$compression"
      if [ "$compression" = zstd ] && [ "$round" = "$rounds" ]; then mv "$out" "$keep_bundle"; fi
      settle "$scratch/export-home" "$out"

      out="$scratch/out-baseline"
      measure "$kind" "export-$compression" baseline "$round" "$out" -- \
        bash "$here/baseline-export.sh" "$payload" "$out" "$compression" sha256sum
      if [ "$compression" = zstd ] && [ "$round" = "$rounds" ]; then mv "$out" "$keep_archive"; fi
      settle "$out"

      measure "$kind" "export-$compression" baseline-openssl "$round" "$out" -- \
        bash "$here/baseline-export.sh" "$payload" "$out" "$compression" openssl
      settle "$out"
    done
  done

  for round in $(seq "$rounds"); do
    site="$scratch/site"
    "${airlock[@]}" --home "$site" --quiet trust add "$scratch/keys/exporter.pub.asc"
    measure "$kind" import-zstd airlock "$round" - -- "${airlock[@]}" --home "$site" --quiet import "$keep_bundle"
    if [ "$round" = "$rounds" ]; then
      # Outside the timing: the published tree must be the payload, byte for byte.
      (cd "$site/publish/current/files/payload" && sha256sum -c --quiet "$keep_archive/SHA256SUMS.files") \
        || { echo "published tree differs from the payload" >&2; exit 1; }
      [ "$(find "$site/publish/current/files/payload" -type f | wc -l)" = "$(wc -l < "$keep_archive/SHA256SUMS.files")" ] \
        || { echo "published tree has a different number of files" >&2; exit 1; }
    fi
    settle "$site"

    dest="$scratch/extracted"
    measure "$kind" import-zstd baseline "$round" - -- \
      bash "$here/baseline-import.sh" "$keep_archive" "$dest" sha256sum
    settle "$dest"

    measure "$kind" import-zstd baseline-openssl "$round" - -- \
      bash "$here/baseline-import.sh" "$keep_archive" "$dest" openssl
    settle "$dest"
  done
  settle "$keep_bundle" "$keep_archive" "$payload"
done

load_end="$(uptime)"
echo "load at end: $load_end"
node "$here/report.mjs" "$tsv" \
  --bytes "$bytes" --rounds "$rounds" --started "$started" --revision "$revision" \
  --load-start "$load_start" --load-end "$load_end" > "$here/RESULTS.md"
cat "$here/RESULTS.md"
