#!/usr/bin/env bash
# The standard-tool way to unpack a checksummed archive, timed stage by stage:
#   check the archive's digest → [zstd -dc |] tar -x → check the extracted files' digests.
# With HASHER openssl (the default), `openssl dgst -sha256 -r` recomputes the digests and they are
# compared with the lists (openssl has no -c); with sha256sum, `sha256sum -c` checks them.
# Usage: baseline-import.sh ARCHIVE_DIR DEST_DIR [openssl|sha256sum]
#        (ARCHIVE_DIR as baseline-export.sh made it, payload.tar.zst or payload.tar; stage times go to $STAGES when set)
set -euo pipefail
archive_dir=$1 dest=$2 hasher=${3:-openssl} stages=${STAGES:-/dev/null}
mkdir -p "$dest"
archive=payload.tar.zst
[ -f "$archive_dir/$archive" ] || archive=payload.tar

check_archive() {
  if [ "$hasher" = sha256sum ]; then
    (cd "$archive_dir" && sha256sum -c --quiet "$archive.sha256")
  else
    [ "$(openssl dgst -sha256 -r "$archive_dir/$archive" | cut -d' ' -f1)" = "$(cut -d' ' -f1 "$archive_dir/$archive.sha256")" ] \
      || { echo "$archive: checksum mismatch" >&2; return 1; }
  fi
}

check_files() {
  if [ "$hasher" = sha256sum ]; then
    (cd "$dest" && sha256sum -c --quiet "$archive_dir/SHA256SUMS.files")
  else
    # Both lists come from the same sorted `find`; only the name separator differs (" *" vs "  ").
    (cd "$dest" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 openssl dgst -sha256 -r) \
      | sed 's/^\([0-9a-f]*\) \*/\1  /' | cmp -s - <(sed 's/^\([0-9a-f]*\) \*/\1  /' "$archive_dir/SHA256SUMS.files") \
      || { echo "extracted files differ from SHA256SUMS.files" >&2; return 1; }
  fi
}

t0=$EPOCHREALTIME
check_archive
t1=$EPOCHREALTIME
if [ "$archive" = payload.tar.zst ]; then
  zstd -q -dc "$archive_dir/$archive" | tar -xf - -C "$dest"
else
  tar -xf "$archive_dir/$archive" -C "$dest"
fi
t2=$EPOCHREALTIME
check_files
t3=$EPOCHREALTIME
awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" 'BEGIN { printf "check archive %.1f s, unpack %.1f s, check files %.1f s\n", b - a, c - b, d - c }' > "$stages"
