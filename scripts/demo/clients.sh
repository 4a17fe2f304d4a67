# The real clients of the demo site (sourced by scripts/demo.sh; needs lib.sh, $site_url and
# $clients). Each client_* function works in its own throwaway directory, echoes the commands an
# operator would run (their output goes to $clients/<client>.log), prints one line saying what it
# got, and fails when that differs from the upstream (upstreams.json). `consume` runs one and
# records ok / FAILED / skipped for the summary; a missing client is skipped, never a failure.

results="$clients/results.tsv"

record() {
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$results"
  printf '  %s%-8s%s %s\n' "$bold" "$3" "$plain" "$4"
}

# run CMD...: shows the command, runs it with its output in the client's log.
run() { printf '    $ %s\n' "$(shown "$@")" >&3; "$@" >>"$log" 2>&1; }
note() { printf '    # %s\n' "$(relative "$*")" >&3; }
fail() { echo "$*" >>"$log"; echo "$*"; return 1; }
# skip REASON: this client cannot run here (not a failure); marked by a file, since tools use any exit code.
skip() { : >"$skip_mark"; echo "$*"; return 1; }

# consume CLIENT TYPE "TOOLS" FUNCTION
consume() {
  local client=$1 type=$2 tools=$3 fn=$4 missing=() t detail rc source
  source=$(fact "$type.source")
  printf '\n%s%s%s → %s\n' "$bold" "$client" "$plain" "${source:-$type}"
  if [ -z "$source" ]; then record "$client" "$type" skipped "source left out: $(fact "skipped.$type")"; return 0; fi
  for t in $tools; do command -v "$t" >/dev/null 2>&1 || missing+=("$t"); done
  if [ ${#missing[@]} -gt 0 ]; then record "$client" "$source" skipped "not installed: ${missing[*]} (scripts/install-test-deps.sh)"; return 0; fi
  log="$clients/$client.log"
  skip_mark="$clients/$client.skip"
  mkdir -p "$clients/$client"
  set +e
  { detail=$(set -e; "$fn" "$clients/$client" 2>>"$log"); rc=$?; } 3>&1
  set -e
  detail=${detail##*$'\n'}
  if [ -e "$skip_mark" ]; then
    record "$client" "$source" skipped "$detail"
  elif [ "$rc" -eq 0 ]; then
    record "$client" "$source" ok "$detail"
  else
    record "$client" "$source" FAILED "${detail:-exit $rc}; see $(relative "$log")"
  fi
}

# An apt-get and dpkg confined to $1, runnable without root. The fixture packages are amd64 (and
# only hold documentation), so hosts of other architectures install them too.
apt_conf() {
  cat <<EOF
Dir "$1/";
Dir::State::status "$1/var/lib/dpkg/status";
Dir::Etc::trusted "etc/apt/trusted.gpg";
Dir::Etc::trustedparts "etc/apt/trusted.gpg.d";
Dir::Log "$1/var/log/apt";
Debug::NoLocking "true";
APT::Architecture "amd64";
APT::Architectures { "amd64"; };
APT::Install-Recommends "false";
APT::Sandbox::User "root";
Acquire::Languages "none";
Acquire::Retries "0";
DPkg::Options { "--root=$1"; "--log=$1/var/log/dpkg.log"; "--force-not-root"; "--force-bad-path"; "--force-architecture"; };
EOF
}

client_apt() {
  local dir=$1 pkg d status count
  pkg=$(fact apt.package)
  for d in etc/apt/apt.conf.d etc/apt/preferences.d etc/apt/sources.list.d etc/apt/trusted.gpg.d etc/apt/keyrings \
    var/lib/apt/lists/partial var/cache/apt/archives/partial var/lib/dpkg/info var/lib/dpkg/updates var/log/apt; do
    mkdir -p "$dir/$d"
  done
  : >"$dir/var/lib/dpkg/status"
  apt_conf "$dir" >"$dir/etc/apt/apt.conf"
  run curl -fsS -o "$dir/etc/apt/keyrings/site.gpg" "${site_url}keys/site.gpg"
  echo "deb [signed-by=$dir/etc/apt/keyrings/site.gpg] ${site_url}$(fact apt.source) $(fact apt.suite) $(fact apt.component)" >"$dir/etc/apt/sources.list"
  note "sources.list: $(cat "$dir/etc/apt/sources.list")"
  run env APT_CONFIG="$dir/etc/apt/apt.conf" apt-get update
  if grep -q '^[WE]:' "$log"; then fail "apt-get update: $(grep -m1 '^[WE]:' "$log")"; fi
  run env APT_CONFIG="$dir/etc/apt/apt.conf" apt-get install -y "$pkg"
  status=$(dpkg-query --admindir="$dir/var/lib/dpkg" -W -f='${Status} ${Version}' "$pkg")
  case $status in "install ok installed "*) ;; *) fail "$pkg is not installed: $status" ;; esac
  count=$(dpkg-query --admindir="$dir/var/lib/dpkg" -W | wc -l)
  echo "installed $pkg ${status##* } and $((count - 1)) dependencies (signed-by keys/site.gpg) into $(relative "$dir")"
}

client_dnf() {
  local dir=$1 pkg as_root=()
  pkg=$(fact rpm.package)
  if [ "$(id -u)" -ne 0 ]; then
    unshare --map-root-user true 2>/dev/null || skip "dnf install needs root, or unshare --map-root-user (user namespaces)"
    as_root=(unshare --map-root-user)
  fi
  mkdir -p "$dir/etc/dnf" "$dir/etc/yum.repos.d"
  printf '[main]\n' >"$dir/etc/dnf/dnf.conf"
  # The fixture's packages carry no signatures of their own: repo_gpgcheck checks repomd.xml,
  # whose checksums cover every package. They are x86_64 and noarch, hence --forcearch.
  cat >"$dir/etc/yum.repos.d/airlock-example.repo" <<EOF
[airlock-example]
name=airlock site: $(fact rpm.source)
baseurl=${site_url}$(fact rpm.source)/
repo_gpgcheck=1
gpgcheck=0
gpgkey=${site_url}keys/site.asc
EOF
  note "$dir/etc/yum.repos.d/airlock-example.repo: baseurl=${site_url}$(fact rpm.source)/ repo_gpgcheck=1 gpgkey=${site_url}keys/site.asc"
  run "${as_root[@]}" dnf -y --installroot="$dir" --releasever=9 --forcearch=x86_64 install "$pkg"
  rpm --root "$dir" -q "$pkg" >>"$log" || fail "rpm -q $pkg: not installed"
  echo "installed $(rpm --root "$dir" -q "$pkg") and $(($(rpm --root "$dir" -qa | wc -l) - 1)) dependencies (repo_gpgcheck=1, keys/site.asc) into $(relative "$dir")"
}

client_skopeo() {
  local dir=$1 host i=0 repo tag digest got
  host=${site_url#http://}
  host=${host%/}
  while repo=$(fact "oci.images.$i.repository") && [ -n "$repo" ]; do
    tag=$(fact "oci.images.$i.tag")
    digest=$(fact "oci.images.$i.digest")
    run skopeo copy --all --preserve-digests --src-tls-verify=false "docker://$host/$repo@$digest" "oci:$dir/layout:${repo##*/}"
    grep -q "\"$digest\"" "$dir/layout/index.json" || fail "the pulled layout does not hold $digest"
    got=sha256:$(skopeo inspect --raw --tls-verify=false "docker://$host/$repo:$tag" | sha256sum | cut -d' ' -f1)
    [ "$got" = "$digest" ] || fail "$repo:$tag is $got at the site but $digest upstream"
    i=$((i + 1))
  done
  [ "$i" -gt 0 ] || fail "no images in upstreams.json"
  echo "pulled $i image(s) by digest from $host into $(relative "$dir")/layout; each tag resolves to its upstream digest"
}

client_gpgv() {
  local dir=$1 base products=0 path items
  base="${site_url}$(fact simplestreams.source)/"
  mkdir -p "$dir/streams/v1"
  run curl -fsS -o "$dir/site.gpg" "${site_url}keys/site.gpg"
  run curl -fsS -o "$dir/streams/v1/index.sjson" "${base}streams/v1/index.sjson"
  run gpgv --keyring "$dir/site.gpg" "$dir/streams/v1/index.sjson"
  # What MAAS does next: the products files the verified index names, then their items by sha256.
  gpgv --keyring "$dir/site.gpg" --output "$dir/index.json" "$dir/streams/v1/index.sjson" 2>>"$log"
  : >"$dir/SHA256SUMS"
  for path in $(node "$root/scripts/demo/stream-items.mjs" "$dir/index.json"); do
    curl -fsS -o "$dir/$path" "$base$path" 2>>"$log"
    gpgv --keyring "$dir/site.gpg" --output "$dir/$path.json" "$dir/$path" 2>>"$log" || fail "gpgv refused $path"
    node "$root/scripts/demo/stream-items.mjs" "$dir/$path.json" >>"$dir/SHA256SUMS"
    products=$((products + 1))
  done
  while read -r _ path; do
    mkdir -p "$(dirname "$dir/$path")"
    curl -fsS -o "$dir/$path" "$base$path" 2>>"$log"
  done <"$dir/SHA256SUMS"
  items=$(wc -l <"$dir/SHA256SUMS")
  [ "$items" -gt 0 ] || fail "the products files list no items"
  note "in $dir:"
  (cd "$dir" && run sha256sum -c --quiet SHA256SUMS)
  echo "gpgv accepted index.sjson and $products products file(s) with keys/site.gpg; all $items items match their sha256"
}

client_snap() {
  local dir=$1 name store rev url sha3 snap version
  name=$(fact snap.install)
  store="${site_url}$(fact snap.source)/"
  printf '{"context": [], "actions": [{"action": "install", "instance-key": "demo-1", "name": "%s", "channel": "stable"}], "fields": ["download"]}\n' "$name" >"$dir/install.json"
  run curl -fsS -X POST -H 'Content-Type: application/json' -H 'Snap-Device-Series: 16' -H 'Snap-Device-Architecture: amd64' \
    --data "@$dir/install.json" -o "$dir/answer.json" "${store}v2/snaps/refresh"
  rev=$(node "$root/scripts/demo/json-get.mjs" "$dir/answer.json" results.0.snap.revision)
  [ "$rev" = "$(fact "snap.snaps.$name.revision")" ] || fail "the store API answered revision '$rev' for $name, upstream has $(fact "snap.snaps.$name.revision")"
  url=$(node "$root/scripts/demo/json-get.mjs" "$dir/answer.json" results.0.snap.download.url)
  snap="$dir/${name}_$rev.snap"
  run curl -fsS -o "$snap" "$url"
  run curl -fsS -o "${snap%.snap}.assert" "${store}${name}_$rev.assert"
  sha3=$(sha3_384 "$snap")
  [ "$sha3" = "$(node "$root/scripts/demo/json-get.mjs" "$dir/answer.json" 'results.0.snap.download.sha3-384')" ] || fail "the download's sha3-384 is not the one the store API announced"
  [ "$sha3" = "$(fact "snap.snaps.$name.sha3")" ] || fail "$name revision $rev differs from the upstream snap"
  run unsquashfs -cat "$snap" meta/snap.yaml
  unsquashfs -cat "$snap" meta/snap.yaml >"$dir/snap.yaml" 2>>"$log"
  [ "$(cat "$dir/snap.yaml")" = "$(fact "snap.snaps.$name.snapYaml")" ] || fail "meta/snap.yaml differs from the upstream snap's"
  version=$(sed -n "s/^version: '\(.*\)'$/\1/p" "$dir/snap.yaml")
  echo "store API: install $name → revision $rev; download matches its sha3-384; unsquashfs read meta/snap.yaml (version $version)"
}

client_curl() {
  local dir=$1 tree published
  tree=$(fact files.tree.path)
  published="$demo/site/publish/current/$(fact files.tree.source)"
  run curl -fsS -o "$dir/$(fact files.iso.file)" "${site_url}$(fact files.iso.source)/$(fact files.iso.file)"
  [ "$(sha256sum <"$dir/$(fact files.iso.file)" | cut -d' ' -f1)" = "$(fact files.iso.sha256)" ] || fail "$(fact files.iso.file) differs from the upstream's"
  run curl -fsS -o "$dir/big.img" "${site_url}$(fact files.tree.source)/images/big.img"
  cmp "$dir/big.img" "$tree/images/big.img" >>"$log" || fail "images/big.img (split across volumes) differs from the upstream's"
  run diff -r "$tree" "$published"
  echo "$(fact files.iso.file) and images/big.img (split across volumes) served intact; the published tree equals the upstream tree"
}
