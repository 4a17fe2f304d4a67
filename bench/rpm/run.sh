#!/usr/bin/env bash
# Repodata generation: airlock's publish step against createrepo_c on the same RPMs, same run.
#   set A: N (default 5000) small RPMs, as the issue asks;
#   set B: BIG_N (default 1000) RPMs carrying 512 KiB of incompressible payload each, closer to
#          real package sizes (createrepo_c must read and hash whole files; airlock reads headers).
# SET=DIR / BIG_SET=DIR reuse sets built earlier by make-rpms.sh. Writes RESULTS.md beside this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$here/../.." && npm run --silent build)

prepare() { # name, reuse dir, count, payload KiB
  if [ -n "$2" ]; then ln -s "$(realpath "$2")" "$work/$1"; else PAYLOAD_KB=$4 bash "$here/make-rpms.sh" "$work/$1" "$3" >/dev/null; fi
}
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; printf '%.2f' "$(echo "$(date +%s.%N) - $s" | bc)"; }
# Median of three runs, each into a fresh repodata/.
median3() { local a b c; a=$("$@"); b=$("$@"); c=$("$@"); printf '%s\n' "$a" "$b" "$c" | sort -n | sed -n 2p; }

compare() { # set name, title
  local set=$1 cr_dir="$work/cr-$1"
  mkdir -p "$cr_dir"; ln -s "$work/$set/Packages" "$cr_dir/Packages"
  cr() { rm -rf "$cr_dir/repodata"; seconds createrepo_c --quiet "$@" "$cr_dir"; }
  local count bytes cr_default cr_nodb cr_nodb_1w airlock meta ingest
  count=$(ls "$work/$set/Packages" | wc -l)
  bytes=$(du -shL "$work/$set/Packages" | cut -f1)
  cr_default=$(median3 cr)
  cr_nodb=$(median3 cr --no-database)
  cr_nodb_1w=$(median3 cr --no-database --workers 1)
  airlock=$(node "$here/airlock-metadata.mjs" "$work/airlock-$set" "$work/$set/Packages")
  meta=$(echo "$airlock" | sed -E 's/.*"metadataSeconds":([0-9.]+).*/\1/')
  ingest=$(echo "$airlock" | sed -E 's/.*"ingestSeconds":([0-9.]+).*/\1/')
  cat <<MD

## $2: $count RPMs, $bytes

| tool | what it does | seconds (median of 3) |
| --- | --- | ---: |
| createrepo_c (default: xml.gz + sqlite, 5 workers) | read + sha256 every .rpm, write repodata | $cr_default |
| createrepo_c --no-database | read + sha256 every .rpm, write primary/filelists/other .xml.gz | $cr_nodb |
| createrepo_c --no-database --workers 1 | same, one worker | $cr_nodb_1w |
| airlock publish step | hardlink from the vault, read RPM headers, write primary/filelists/other .xml.gz | $meta |
| airlock vault ingest (not compared) | hash + store every .rpm, done once at import | $ingest |

airlock / createrepo_c --no-database: **$(printf '%.2f' "$(echo "scale=3; $meta / $cr_nodb" | bc)")×**; airlock / createrepo_c --no-database --workers 1: **$(printf '%.2f' "$(echo "scale=3; $meta / $cr_nodb_1w" | bc)")×** (target ≤ 1.0×).

Raw airlock output: \`$airlock\`
MD
}

prepare small "${SET:-}" "${N:-5000}" 0
prepare big "${BIG_SET:-}" "${BIG_N:-1000}" 512
{
  echo "# rpm repodata generation: airlock vs createrepo_c"
  echo
  echo "Measured by \`bench/rpm/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) CPU(s), createrepo_c $(createrepo_c --version | awk '{print $2}'), Node $(node --version)."
  echo "RPMs built with rpmbuild by make-rpms.sh (noarch, two small files each, one under /usr/bin; one provide; one versioned require)."
  echo "Both tools run one after the other on the same files in the same run, with a warm page cache."
  compare small "Set A (the issue's N = 5k)"
  compare big "Set B (512 KiB incompressible payload each)"
} > "$here/RESULTS.md.tmp"
mv "$here/RESULTS.md.tmp" "$here/RESULTS.md"
cat "$here/RESULTS.md"
