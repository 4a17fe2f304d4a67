#!/usr/bin/env bash
# What an operator does with a carried sstream-mirror directory on the isolated side: copy it
# into the web root, then check every sha256 there.
# Usage: baseline-carry.sh sha256sum|openssl FROM ITEMS.sha256 TO
set -euo pipefail
hasher=$1 from=$2 list=$3 to=$4
cp -r "$from" "$to"
cd "$to"
if [ "$hasher" = openssl ]; then
  while read -r sum path; do
    [ "$(openssl dgst -sha256 -r "$path" | cut -d' ' -f1)" = "$sum" ] || { echo "bad $path" >&2; exit 1; }
  done < "$list"
else
  sha256sum --quiet -c "$list"
fi
