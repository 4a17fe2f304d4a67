#!/usr/bin/env bash
# The standard-tool way to make a checksummed archive by hand, timed stage by stage:
#   sha256sum of every payload file → tar (| zstd -3 -T2) → sha256sum of the archive.
# With HASHER openssl, `openssl dgst -sha256 -r` does the hashing instead (same output format):
# coreutils sha256sum has no SHA-NI code path, OpenSSL does, so this is the faster-hashing variant.
# Usage: baseline-export.sh PAYLOAD_DIR OUT_DIR zstd|none [openssl|sha256sum]
#        (stage times go to $STAGES when set)
set -euo pipefail
payload=$1 out=$2 compression=$3 hasher=${4:-openssl} stages=${STAGES:-/dev/null}
case "$hasher" in
  sha256sum) hash=(sha256sum) ;;
  openssl) hash=(openssl dgst -sha256 -r) ;;
  *) echo "unknown hasher $hasher" >&2; exit 2 ;;
esac
mkdir -p "$out"
cd "$payload"
t0=$EPOCHREALTIME
find . -type f -print0 | LC_ALL=C sort -z | xargs -0 "${hash[@]}" > "$out/SHA256SUMS.files"
t1=$EPOCHREALTIME
if [ "$compression" = zstd ]; then
  archive=payload.tar.zst
  tar -cf - . | zstd -q -3 -T2 -o "$out/$archive"
else
  archive=payload.tar
  tar -cf "$out/$archive" .
fi
t2=$EPOCHREALTIME
(cd "$out" && "${hash[@]}" "$archive" > "$archive.sha256")
t3=$EPOCHREALTIME
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "hash files %.1f s, pack %.1f s, hash archive %.1f s\n", b - a, c - b, d - c }' > "$stages"
