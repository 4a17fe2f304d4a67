#!/usr/bin/env bash
# What sstream-mirror does on the online side, with standard tools: gpgv the signed index and
# products file, download every item one after the other, then check every sha256.
# Usage: baseline-mirror.sh sha256sum|openssl URL KEYRING ITEMS.sha256 OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hasher=$1 url=$2 keyring=$3 list=$4 out=$5
mkdir -p "$out/streams/v1"
for doc in index.sjson com.ubuntu.maas:stable:v3:download.sjson; do
  curl -fsS -o "$out/streams/v1/$doc" "${url}streams/v1/$doc"
  gpgv --keyring "$keyring" "$out/streams/v1/$doc" 2>/dev/null
done
while read -r _ path; do
  mkdir -p "$out/$(dirname "$path")"
  curl -fsS -o "$out/$path" "$url$path"
done < "$list"
cd "$out"
bash "$here/check-sums.sh" "$hasher" "$list"
