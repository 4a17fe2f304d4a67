#!/usr/bin/env bash
# The main job, end to end on bundled example content:
#   export side:   make keys, export a payload tree + a file fetched over HTTP into a signed,
#                  multi-volume bundle (1 MiB volumes, so a large file is split)
#   the air gap:   check the bundle with stock tools (gpg --verify, sha256sum -c) when present
#   isolated side: trust the exporter key, verify, import the volumes in reverse order over two
#                  runs, serve the publication over HTTP and fetch from it
# Everything lives in .demo/ and every server listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
demo="$root/.demo"
airlock() { node "$root/bin/airlock" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

rm -rf "$demo"
mkdir -p "$demo"/{upstream,keys,bundle}
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

step "building the example upstream"
node fixtures/files/make-payload.mjs "$demo/upstream/payload" --big-mib 3 >/dev/null
mkdir -p "$demo/upstream/http"
head -c 300000 /dev/urandom > "$demo/upstream/http/installer.iso"
node fixtures/serve-dir.mjs "$demo/upstream/http" > "$demo/upstream/url" &
pids+=($!)
for _ in $(seq 50); do [ -s "$demo/upstream/url" ] && break; sleep 0.1; done
base_url="$(cat "$demo/upstream/url")"
iso_sha="$(sha256sum "$demo/upstream/http/installer.iso" | cut -d' ' -f1)"
echo "payload tree in .demo/upstream/payload; HTTP upstream at $base_url"

step "export side: key and config"
airlock key generate --name exporter --out "$demo/keys"
cat > "$demo/airlock.yaml" <<YAML
channel: demo-site
signing:
  key: keys/exporter.key
volumes:
  maxSize: 1MiB
  compression: zstd
sources:
  - type: files
    name: tools
    path: ./upstream/payload
  - type: files
    name: isos
    urls:
      - url: ${base_url}installer.iso
        sha256: ${iso_sha}
YAML
cat "$demo/airlock.yaml"

step "airlock plan"
airlock --home "$demo/export-home" plan -c "$demo/airlock.yaml"

step "airlock export"
airlock --home "$demo/export-home" export -c "$demo/airlock.yaml" -o "$demo/bundle"
ls -l "$demo/bundle"

if command -v gpg >/dev/null && command -v sha256sum >/dev/null; then
  step "stock tools: gpg --verify and sha256sum -c"
  export GNUPGHOME="$demo/gnupg"; mkdir -p -m 700 "$GNUPGHOME"
  gpg --batch --quiet --import "$demo/keys/exporter.pub.asc"
  (cd "$demo/bundle" && gpg --batch --verify SHA256SUMS.asc SHA256SUMS && sha256sum -c SHA256SUMS)
  unset GNUPGHOME
fi

step "isolated side: trust the exporter and verify"
site=(--home "$demo/site")
airlock "${site[@]}" trust add "$demo/keys/exporter.pub.asc"
airlock "${site[@]}" verify "$demo/bundle"

step "import the volumes in reverse order, over two runs"
vols=("$demo"/bundle/*.vol-*)
last=$(( ${#vols[@]} - 1 ))
set +e
airlock "${site[@]}" import "$demo/bundle" --volume "${vols[$last]}"
rc=$?
set -e
echo "first run exit code: $rc (4 = waiting for volumes)"
airlock "${site[@]}" status
airlock "${site[@]}" import "$demo/bundle"

step "serve the publication and fetch from it"
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node "$root/bin/airlock" "${site[@]}" serve --listen "127.0.0.1:$port" --quiet &
pids+=($!)
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "http://127.0.0.1:$port/files/tools/README.txt"
curl -fsS "http://127.0.0.1:$port/files/isos/installer.iso" | sha256sum | grep -q "$iso_sha" && echo "installer.iso served intact ($iso_sha)"
curl -fsS "http://127.0.0.1:$port/files/tools/images/big.img" | cmp - "$demo/upstream/payload/images/big.img" && echo "big.img (split across volumes) served intact"
diff -r "$demo/upstream/payload" "$demo/site/publish/current/files/tools" && echo "published tree identical to the upstream tree"

step "done"
echo "bundle:      $demo/bundle"
echo "site home:   $demo/site (publish/current is what clients see)"
