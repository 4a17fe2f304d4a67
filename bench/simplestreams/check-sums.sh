#!/usr/bin/env bash
# Checks every "sha256 path" line of LIST against the files below the current directory, with
# `openssl dgst` or coreutils `sha256sum` (the two hashers the baselines are timed with).
# Usage: check-sums.sh sha256sum|openssl LIST
set -euo pipefail
hasher=$1 list=$2
if [ "$hasher" = openssl ]; then
  while read -r sum path; do
    [ "$(openssl dgst -sha256 -r "$path" | cut -d' ' -f1)" = "$sum" ] || { echo "bad $path" >&2; exit 1; }
  done < "$list"
else
  sha256sum --quiet -c "$list"
fi
