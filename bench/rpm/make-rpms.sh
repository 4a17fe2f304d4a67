#!/usr/bin/env bash
# Builds N small real RPMs with rpmbuild into OUT/Packages: batches of 250 (one spec each, a main
# package and 249 subpackages), two batches at a time. Each package ships two files (one under
# /usr/bin, so it lands in primary.xml), a provide and a versioned require.
# Usage: make-rpms.sh OUT N   (PAYLOAD_KB=K adds K KiB of random, incompressible data to each
# package, stored uncompressed, so the set has realistic file sizes)
set -euo pipefail
out=$(realpath -m "$1"); n=$2; per=250; payload_kb=${PAYLOAD_KB:-0}
mkdir -p "$out/Packages" "$out/specs"

batch() { # batch number, package count
  local b=$1 count=$2 top="$out/build-$1" spec="$out/specs/bench$1.spec"
  {
    echo "Name: bench$b"; echo "Version: 1.0"; echo "Release: 1"; echo "Summary: bench batch $b"; echo "License: MIT"; echo "BuildArch: noarch"
    echo "%description"; echo "bench batch $b"
    for i in $(seq 1 $((count - 1))); do
      echo "%package p$i"; echo "Summary: bench subpackage $b.$i"; echo "Provides: bench-cap-$b-$i = 1.0"; echo "Requires: bench$b = 1.0-1"
      echo "%description p$i"; echo "bench subpackage $b.$i"
      echo "%files p$i"; echo "/usr/share/bench$b/p$i.txt"; echo "/usr/bin/bench$b-p$i"
      [ "$payload_kb" -gt 0 ] && echo "/usr/share/bench$b/p$i.bin"
    done
    echo "%install"
    echo "mkdir -p %{buildroot}/usr/share/bench$b %{buildroot}/usr/bin"
    echo "for i in \$(seq 1 $((count - 1))); do echo \$i > %{buildroot}/usr/share/bench$b/p\$i.txt; echo \$i > %{buildroot}/usr/bin/bench$b-p\$i; done"
    [ "$payload_kb" -gt 0 ] && echo "for i in \$(seq 1 $((count - 1))); do head -c ${payload_kb}K /dev/urandom > %{buildroot}/usr/share/bench$b/p\$i.bin; done"
    echo "%files"
  } > "$spec"
  rpmbuild --quiet -bb --define "_topdir $top" --define "_build_id_links none" \
    --define "__os_install_post %{nil}" --define "debug_package %{nil}" --define "_binary_payload w0.ufdio" "$spec" >/dev/null
  find "$top/RPMS" -name '*.rpm' -exec mv -t "$out/Packages" {} +
  rm -rf "$top"
}
export -f batch; export out payload_kb

batches=$(( (n + per - 1) / per ))
for b in $(seq 1 "$batches"); do
  count=$(( b < batches ? per : n - per * (batches - 1) ))
  echo "$b $count"
done | xargs -P 2 -n 2 bash -c 'batch "$0" "$1"'
ls "$out/Packages" | wc -l
