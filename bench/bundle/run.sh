#!/usr/bin/env bash
# Export and import throughput of `airlock` against the fastest standard-tool pipeline, measured in
# the same run, on generated payloads (compressible, incompressible, and 100,000 small files):
#   export zstd: airlock export (1 GiB zstd volumes)   vs  openssl dgst files + tar | zstd -3 -T2 + openssl dgst archive
#   export none: airlock export --compression none     vs  openssl dgst files + tar + openssl dgst archive
#   import zstd: airlock import (verify, vault ingest   vs  openssl dgst archive + zstd -dc | tar -x + openssl dgst files
#   import none:  with fsync, publish via hardlinks)        (tar -x for the uncompressed archive)
# Every run is followed by a timed `sync`, the writeback it left behind; the headline ratios count
# it on both sides (airlock fsyncs what it writes, the pipelines do not). Runs alternate
# (airlock, baseline, airlock, ...) and the load average is recorded before each. With
# BENCH_SHA256SUM=1 the same pipelines hashing with coreutils sha256sum run too (slower; context).
# Writes bench/bundle/RESULTS.md and results.json (read by bench/summary.mjs).
#
# Environment:
#   BENCH_DIR       where the scratch directory is made (default /tmp)
#   BENCH_SIZES     payload sizes for the compressible and incompressible kinds (default "2GiB"; e.g. "2GiB 20GiB")
#   BENCH_ROUNDS    rounds per comparison, at least 1 (default 3); BENCH_ROUNDS_LARGE for sizes over 4 GiB (default 1)
#   BENCH_PAYLOADS  which payloads (default "compressible incompressible small-files")
#   BENCH_SMALL_FILES  files in the small-files payload (default 100000, 4 KiB each)
#   BENCH_KEEP=1    keep the scratch directory
#   BENCH_WARM=0    do not touch and free the payload's worth of page cache before each timed run
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes=${BENCH_SIZES:-2GiB}
rounds=${BENCH_ROUNDS:-3}
rounds_large=${BENCH_ROUNDS_LARGE:-1}
payloads=${BENCH_PAYLOADS:-compressible incompressible small-files}
small_count=${BENCH_SMALL_FILES:-100000}
hashers=(openssl)
[ "${BENCH_SHA256SUM:-}" = 1 ] && hashers+=(sha256sum)
for tool in /usr/bin/time zstd tar openssl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done

to_bytes() { node -e 'const m=/^(\d+)(GiB|MiB)$/.exec(process.argv[1]); if(!m) process.exit(2); console.log(Number(m[1]) * (m[2]==="GiB" ? 2**30 : 2**20))' "$1"; }

mkdir -p "${BENCH_DIR:-/tmp}"
scratch="$(mktemp -d "${BENCH_DIR:-/tmp}/airlock-bench-bundle.XXXXXX")"
cleanup() { [ "${BENCH_KEEP:-}" = 1 ] && echo "kept $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
echo "scratch: $scratch ($(df -h --output=avail "$scratch" | tail -1 | tr -d ' ') free)"

# Other work may be mid-edit in the tree: a failed build falls back to the existing one, if any.
if ! (cd "$root" && npm run --silent build); then
  echo "warning: the build failed; benchmarking the existing build" >&2
fi
node "$root/bin/airlock" --help >/dev/null
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
git -C "$root" diff --quiet HEAD -- packages 2>/dev/null || revision="$revision (packages modified)"
airlock=("node" "$root/bin/airlock")
tsv="$scratch/runs.tsv"
skipped="$scratch/skipped.txt"
: > "$skipped"
mkdir -p "$scratch/logs"
load_start="$(uptime)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "load at start: $load_start"
"${airlock[@]}" key generate --name exporter --out "$scratch/keys" >/dev/null

# This machine backs memory lazily: page cache the host has taken back costs up to ~16 µs a page
# to touch again, so whichever run first needs fresh pages pays for them (a 2 GiB write took 8.7 s
# of system time cold against 1.2 s warm). Before every timed run, as many bytes of page cache as
# the payload are touched once and freed, untimed, for airlock and the baselines alike.
warm_bytes=0
warm() {
  [ "${BENCH_WARM:-1}" = 1 ] && [ "$warm_bytes" -gt 0 ] || return 0
  head -c "$warm_bytes" /dev/zero > "$scratch/warm" && rm -f "$scratch/warm"
}

# measure SIZE PAYLOAD OP TOOL ROUND OUT_PATH -- COMMAND...: one timed run, then a timed `sync`.
measure() {
  local size=$1 payload=$2 op=$3 tool=$4 round=$5 out=$6
  shift 7
  local log="$scratch/logs/$size-$payload-$op-$tool-$round.log" timing="$scratch/time.txt" stages="$scratch/stages.txt"
  local load secs rss s0 s1 out_bytes=0 detail=""
  rm -f "$stages"
  warm
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-6s %-14s %-12s %-18s round %s ... ' "$size" "$payload" "$op" "$tool" "$round"
  if ! STAGES="$stages" /usr/bin/time -f '%e %M' -o "$timing" "$@" >"$log" 2>&1; then
    echo "FAILED"; tail -20 "$log" >&2; exit 1
  fi
  s0=$EPOCHREALTIME; sync; s1=$EPOCHREALTIME
  read -r secs rss < "$timing"
  [ "$out" != - ] && out_bytes=$(du -sb "$out" | cut -f1)
  [ -s "$stages" ] && detail=$(cat "$stages")
  local sync_s; sync_s=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$size" "$payload" "$op" "$tool" "$round" "$secs" "$rss" "$sync_s" "$load" "$out_bytes" "$detail" >> "$tsv"
  echo "${secs} s, peak RSS $((rss / 1024)) MiB, sync ${sync_s} s, load ${load}"
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

generate() { # KIND BYTES DIR
  if [ "$1" = small-files ]; then
    node "$here/gen-payload.mjs" --kind small-files --out "$3" --count "$small_count"
  else
    node "$here/gen-payload.mjs" --kind "$1" --out "$3" --bytes "$2"
  fi
  sync
}

# Per compression: generate the payload, export (airlock and baselines, alternating), drop the
# payload, import the last bundle and archive (alternating), drop everything. At most about three
# times the payload is on disk at once.
bench_payload() { # SIZE_LABEL KIND BYTES ROUNDS
  local size=$1 kind=$2 bytes=$3 n=$4
  local payload="$scratch/payload-$kind" cfg="$scratch/airlock-$kind.yaml"
  warm_bytes=$bytes
  [ "$kind" = small-files ] && warm_bytes=$((small_count * 4096))
  config "$payload" "$cfg"
  for compression in zstd none; do
    echo "== $kind, $size, $compression: generating the payload"
    generate "$kind" "$bytes" "$payload"
    local files; files=$(find "$payload" -type f | wc -l)
    for round in $(seq "$n"); do
      local out="$scratch/out-airlock"
      measure "$size" "$kind" "export-$compression" airlock "$round" "$out" -- \
        "${airlock[@]}" --home "$scratch/export-home" --quiet export -c "$cfg" -o "$out" --compression "$compression"
      if [ "$round" = "$n" ]; then mv "$out" "$scratch/bundle"; fi
      settle "$scratch/export-home" "$out"
      for hasher in "${hashers[@]}"; do
        out="$scratch/out-$hasher"
        measure "$size" "$kind" "export-$compression" "baseline-$hasher" "$round" "$out" -- \
          bash "$here/baseline-export.sh" "$payload" "$out" "$compression" "$hasher"
        if [ "$round" = "$n" ] && [ "$hasher" = openssl ]; then mv "$out" "$scratch/archive"; fi
        settle "$out"
      done
    done
    cp "$scratch/archive/SHA256SUMS.files" "$scratch/expected-sums"
    settle "$payload"
    for round in $(seq "$n"); do
      local site="$scratch/site"
      "${airlock[@]}" --home "$site" --quiet trust add "$scratch/keys/exporter.pub.asc"
      measure "$size" "$kind" "import-$compression" airlock "$round" - -- "${airlock[@]}" --home "$site" --quiet import "$scratch/bundle"
      if [ "$round" = "$n" ]; then
        # Outside the timing: the published tree must be the payload, byte for byte.
        (cd "$site/publish/current/files/payload" && sha256sum -c --quiet "$scratch/expected-sums") \
          || { echo "published tree differs from the payload" >&2; exit 1; }
        [ "$(find "$site/publish/current/files/payload" -type f | wc -l)" = "$files" ] \
          || { echo "published tree has a different number of files" >&2; exit 1; }
      fi
      settle "$site"
      for hasher in "${hashers[@]}"; do
        local dest="$scratch/extracted"
        measure "$size" "$kind" "import-$compression" "baseline-$hasher" "$round" - -- \
          bash "$here/baseline-import.sh" "$scratch/archive" "$dest" "$hasher"
        settle "$dest"
      done
    done
    settle "$scratch/bundle" "$scratch/archive"
  done
}

small_done=
for size in $sizes; do
  bytes=$(to_bytes "$size") || { echo "BENCH_SIZES: $size is not like 2GiB or 512MiB" >&2; exit 2; }
  n=$rounds
  [ "$bytes" -gt $((4 << 30)) ] && n=$rounds_large
  for kind in $payloads; do
    if [ "$kind" = small-files ]; then
      [ -n "$small_done" ] && continue
      small_done=1
      label="100k×4KiB"
      [ "$small_count" = 100000 ] || label="${small_count}×4KiB"
      need=$((small_count * 4096 * 4 + (1 << 30)))
    else
      label=$size
      # payload + bundle + archive while exporting; bundle + archive + vault (or extracted tree) while importing
      need=$((bytes * 3 + (2 << 30)))
    fi
    avail=$(df -B1 --output=avail "$scratch" | tail -1)
    if [ "$avail" -lt "$need" ]; then
      echo "skipping $kind at $label: needs $((need >> 30)) GiB free, $((avail >> 30)) GiB available" | tee -a "$skipped"
      continue
    fi
    bench_payload "$label" "$kind" "$bytes" "$n"
  done
done

load_end="$(uptime)"
echo "load at end: $load_end"
node "$here/report.mjs" "$tsv" --started "$started" --revision "$revision" --load-start "$load_start" --load-end "$load_end" \
  --skipped "$skipped" --warm "${BENCH_WARM:-1}" --json "$here/results.json" > "$here/RESULTS.md"
cat "$here/RESULTS.md"
