#!/usr/bin/env bash
# apt benchmarks (not part of npm test). Builds airlock first (`npm run build`).
#  1. import: N (default 10000) small synthetic .debs exported by airlock from a served, signed
#     upstream; `airlock import` of that bundle (whole process: verify, vault ingest with fsync,
#     reverify, publish, sign) vs `aptly repo create` + `repo add` + `publish repo` of the same
#     debs vs `reprepro includedeb` (context), each signing with a per-run key, APT_BENCH_ROUNDS
#     rounds (default 3) alternating, each followed by a timed `sync`, load recorded before each.
#  2. closure over a synthetic 60k-stanza Packages.gz.
# Writes bench/apt/RESULTS.md and results.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
count=${APT_BENCH_DEBS:-10000}
rounds=${APT_BENCH_ROUNDS:-3}
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

(cd "$repo" && npm run --silent build)
export GNUPGHOME="$work/gnupg"
mkdir -p "$GNUPGHOME" && chmod 700 "$GNUPGHOME"
gpg --batch --quiet --pinentry-mode loopback --passphrase '' --quick-gen-key 'Bench Archive <bench@example.invalid>' ed25519 sign never
keyid=$(gpg --batch --with-colons --list-keys bench@example.invalid | awk -F: '/^fpr/ { print $10; exit }')
gpg --batch --export "$keyid" > "$work/archive.gpg"

echo "generating $count debs"
t=$(now); node "$here/make-debs.mjs" "$work/upstream" "$count"; gen=$(secs "$t" "$(now)")

echo "indexing the upstream with apt-ftparchive (setup, not compared)"
t=$(now)
(
  cd "$work/upstream"
  mkdir -p dists/stable/main/binary-amd64
  apt-ftparchive --arch amd64 packages pool/main > dists/stable/main/binary-amd64/Packages
  gzip -9kn dists/stable/main/binary-amd64/Packages
  apt-ftparchive -o APT::FTPArchive::Release::Suite=stable -o APT::FTPArchive::Release::Components=main -o APT::FTPArchive::Release::Architectures=amd64 release dists/stable > "$work/Release"
  mv "$work/Release" dists/stable/Release
  gpg --batch --yes --local-user "$keyid" --clearsign -o dists/stable/InRelease dists/stable/Release
)
index=$(secs "$t" "$(now)")
sync

node "$repo/fixtures/serve-dir.mjs" "$work/upstream" > "$work/url" &
server=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(cat "$work/url")

airlock=(node "$repo/bin/airlock")
"${airlock[@]}" key generate --name exporter --out "$work/keys" >/dev/null
cat > "$work/airlock.yaml" <<YAML
channel: bench
signing:
  key: $work/keys/exporter.key
volumes:
  maxSize: 1GiB
sources:
  - type: apt
    name: bench
    url: $url
    suites: [stable]
    components: [main]
    architectures: [amd64]
    keyring: $work/archive.gpg
YAML
echo "airlock export (setup)"
t=$(now); "${airlock[@]}" --home "$work/export-home" --quiet export -c "$work/airlock.yaml" -o "$work/bundle"; export_s=$(secs "$t" "$(now)")
sync

cat > "$work/aptly.conf" <<JSON
{ "rootDir": "$work/aptly", "gpgProvider": "gpg", "architectures": ["amd64"] }
JSON
mkdir -p "$work/reprepro/conf"
cat > "$work/reprepro/conf/distributions" <<CONF
Codename: stable
Architectures: amd64
Components: main
SignWith: $keyid
CONF

runs="$work/runs.tsv"
: > "$runs"
# timed TOOL ROUND -- COMMAND...: whole process (peak RSS from /usr/bin/time), then a timed sync.
timed() {
  local tool=$1 round=$2; shift 3
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$@" > "$work/$tool.log" 2>&1 || { echo "$tool failed"; tail -20 "$work/$tool.log"; exit 1; }
  local s0; s0=$(now); sync; local sync_s; sync_s=$(secs "$s0" "$(now)")
  read -r secs rss < "$work/time.txt"
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$tool" "$round" "$secs" "$sync_s" "$rss" "$load" >> "$runs"
  echo "$tool round $round: $secs s (+ sync $sync_s s), peak RSS $((rss / 1024)) MiB, load $load"
}
aptly_all() {
  aptly -config="$work/aptly.conf" repo create -distribution=stable -component=main bench >/dev/null
  aptly -config="$work/aptly.conf" repo add bench "$work/upstream/pool" >/dev/null
  aptly -config="$work/aptly.conf" publish repo -batch -gpg-key="$keyid" -architectures=amd64 bench >/dev/null
}
export -f aptly_all
export work keyid

for round in $(seq "$rounds"); do
  rm -rf "$work/site"; sync
  "${airlock[@]}" --home "$work/site" --quiet trust add "$work/keys/exporter.pub.asc"
  timed airlock "$round" -- "${airlock[@]}" --home "$work/site" --quiet import "$work/bundle"
  if [ "$round" = 1 ]; then
    # Outside the timing: every deb is published under its pool path, byte for byte.
    # (a list first: `find | head` would end find with SIGPIPE, which pipefail turns into a failure)
    mapfile -t debs < <(cd "$work/upstream" && find pool -name '*.deb')
    for f in "${debs[@]:0:200}"; do cmp -s "$work/upstream/$f" "$work/site/publish/current/apt/bench/$f" || { echo "published $f differs" >&2; exit 1; }; done
  fi
  rm -rf "$work/aptly"; sync
  timed aptly "$round" -- bash -c aptly_all
  rm -rf "$work/reprepro/db" "$work/reprepro/dists" "$work/reprepro/pool"; sync
  timed reprepro "$round" -- bash -c 'find "$work/upstream/pool" -name "*.deb" -print0 | xargs -0 reprepro -b "$work/reprepro" --silent includedeb stable'
done

echo "closure"
closure_json=$(node "$here/closure.mjs" "$work/closure" 60000)
echo "$closure_json"

node "$here/report.mjs" "$runs" --count "$count" --gen "$gen" --index "$index" --export "$export_s" --closure "$closure_json" \
  --load "$(uptime | sed 's/.*load average: //')" --aptly "$(aptly version | head -1)" --reprepro "$(reprepro --version 2>&1 | head -1)" \
  --json "$here/results.json" > "$here/RESULTS.md"
cat "$here/RESULTS.md"
