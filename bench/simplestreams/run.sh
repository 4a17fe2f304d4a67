#!/usr/bin/env bash
# MAAS image stream of BENCH_BYTES (default 2 GiB, incompressible like real squashfs images),
# served on 127.0.0.1, moved across the gap two ways, measured in the same run, alternating:
#   export: airlock export (verify .sjson, download + verify items, pack zstd volumes)
#           vs  sstream-mirror-like: gpgv the .sjson, curl every item, sha256sum -c (or openssl dgst)
#   import: airlock import (verify bundle, vault ingest with fsync, reverify, publish, re-sign)
#           vs  carry the mirrored directory: cp -r into the web root, sha256sum -c (or openssl dgst)
# After every run a `sync` is timed separately (the writeback it left; airlock fsyncs as it goes).
# Reports medians, peak RSS (/usr/bin/time) and load. Writes bench/simplestreams/RESULTS.md.
#   BENCH_DIR (default /tmp, needs ~6x BENCH_BYTES), BENCH_BYTES, BENCH_ROUNDS (default 3), BENCH_KEEP=1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bytes=${BENCH_BYTES:-2147483648}
rounds=${BENCH_ROUNDS:-3}
for tool in /usr/bin/time curl gpg gpgv sha256sum openssl node; do
  command -v "$tool" >/dev/null || { echo "missing $tool" >&2; exit 2; }
done
mkdir -p "${BENCH_DIR:-/tmp}"
scratch="$(mktemp -d "${BENCH_DIR:-/tmp}/airlock-bench-ss.XXXXXX")"
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; [ "${BENCH_KEEP:-}" = 1 ] && echo "kept $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
avail=$(df -B1 --output=avail "$scratch" | tail -1)
[ "$avail" -gt $((bytes * 6)) ] || { echo "need $((bytes * 6 >> 20)) MiB free under $scratch" >&2; exit 2; }
(cd "$root" && npm run --silent build) || echo "warning: the build failed; benchmarking the existing build" >&2
revision="$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)"
airlock=(node "$root/bin/airlock")
tsv="$scratch/runs.tsv"
mkdir -p "$scratch/logs"
load_start="$(uptime)"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"

echo "generating a $bytes-byte stream"
node "$here/gen-stream.mjs" --out "$scratch/up" --bytes "$bytes"
sync
node "$root/fixtures/serve-dir.mjs" "$scratch/up/mirror" > "$scratch/url" &
server=$!
for _ in $(seq 50); do [ -s "$scratch/url" ] && break; sleep 0.1; done
url="$(cat "$scratch/url")"
"${airlock[@]}" key generate --name exporter --out "$scratch/keys" >/dev/null
cat > "$scratch/airlock.yaml" <<YAML
channel: bench
signing:
  key: $scratch/keys/exporter.key
volumes:
  maxSize: 1GiB
sources:
  - type: simplestreams
    name: maas
    url: $url
    keyring: $scratch/up/keys/upstream.gpg
    bootloaders: false
YAML

measure() { # measure OP TOOL ROUND -- COMMAND...
  local op=$1 tool=$2 round=$3; shift 4
  local log="$scratch/logs/$op-$tool-$round.log" secs rss s0 s1 load
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%-7s %-18s round %s ... ' "$op" "$tool" "$round"
  /usr/bin/time -f '%e %M' -o "$scratch/time.txt" "$@" >"$log" 2>&1 || { echo FAILED; tail -20 "$log" >&2; exit 1; }
  s0=$EPOCHREALTIME; sync; s1=$EPOCHREALTIME
  read -r secs rss < "$scratch/time.txt"
  local sync_s; sync_s=$(awk -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", b - a }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$tool" "$round" "$secs" "$rss" "$sync_s" "$load" >> "$tsv"
  echo "$secs s, peak RSS $((rss / 1024)) MiB, sync $sync_s s"
}

for round in $(seq "$rounds"); do
  r="$scratch/r$round"; mkdir -p "$r"
  measure export airlock "$round" -- "${airlock[@]}" --home "$r/export-home" export -c "$scratch/airlock.yaml" -o "$r/bundle"
  measure export baseline "$round" -- bash "$here/baseline-mirror.sh" sha256sum "$url" "$scratch/up/keys/upstream.gpg" "$scratch/up/items.sha256" "$r/mirror"
  measure export baseline-openssl "$round" -- bash "$here/baseline-mirror.sh" openssl "$url" "$scratch/up/keys/upstream.gpg" "$scratch/up/items.sha256" "$r/mirror-openssl"
  rm -rf "$r/export-home/cache"; sync
  "${airlock[@]}" --home "$r/site" trust add "$scratch/keys/exporter.pub.asc" >/dev/null
  measure import airlock "$round" -- "${airlock[@]}" --home "$r/site" import "$r/bundle"
  measure import baseline "$round" -- bash "$here/baseline-carry.sh" sha256sum "$r/mirror" "$scratch/up/items.sha256" "$r/carried"
  measure import baseline-openssl "$round" -- bash "$here/baseline-carry.sh" openssl "$r/mirror-openssl" "$scratch/up/items.sha256" "$r/carried-openssl"
  rm -rf "$r"; sync
done

node "$here/report.mjs" "$tsv" --bytes "$bytes" --rounds "$rounds" --started "$started" --revision "$revision" \
  --load-start "$load_start" --load-end "$(uptime)" > "$here/RESULTS.md"
cat "$here/RESULTS.md"
