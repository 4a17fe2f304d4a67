#!/usr/bin/env bash
# What an operator does with a carried sstream-mirror directory on the isolated side: copy it
# into the web root, then check every sha256 there.
# Usage: baseline-carry.sh sha256sum|openssl FROM ITEMS.sha256 TO
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
hasher=$1 from=$2 list=$3 to=$4
cp -r "$from" "$to"
cd "$to"
bash "$here/check-sums.sh" "$hasher" "$list"
