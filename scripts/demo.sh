#!/usr/bin/env bash
# The main job, end to end, on bundled example content of every content type:
#   upstreams:     build a files tree, a signed apt archive, a signed rpm repo, a registry with
#                  images, a signed MAAS image stream and a snap store with the fixture builders
#                  in fixtures/ (real tools), each served on 127.0.0.1
#   export side:   make an exporter key, plan, export ONE signed bundle of 1 MiB volumes
#   the air gap:   check the bundle with stock tools (gpg --verify, sha256sum -c); the upstreams
#                  are stopped from here on
#   isolated side: trust the exporter key, verify, import the volumes in reverse order over two
#                  runs, serve the publication with `airlock serve`
#   clients:       apt-get, dnf, skopeo, gpgv, unsquashfs + the snap store API, curl consume it;
#                  a client that is not installed is reported and skipped
# and finishes with a table of what crossed and who consumed it. Everything lives in .demo/
# (or $AIRLOCK_DEMO_DIR) and every server listens on 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
demo="${AIRLOCK_DEMO_DIR:-$root/.demo}"
clients="$demo/clients"
source scripts/demo/lib.sh
source scripts/demo/clients.sh
trap stop_started EXIT

# .demo/ is the demo's own (git ignores it); another directory is emptied only if the demo made it.
if [ -n "${AIRLOCK_DEMO_DIR:-}" ] && [ -e "$demo" ] && [ ! -e "$demo/.airlock-demo" ] && [ -n "$(ls -A "$demo")" ]; then
  echo "$demo is not empty and was not made by the demo; set AIRLOCK_DEMO_DIR to another directory" >&2
  exit 2
fi
rm -rf "$demo"
mkdir -p "$demo/upstream" "$demo/keys" "$demo/bundle" "$clients"
touch "$demo/.airlock-demo"

step "building the example upstreams (fixtures/, real tools)"
"$root/node_modules/.bin/tsc" -p scripts/demo --outDir "$demo/js"
echo '{"type": "module"}' >"$demo/js/package.json"
AIRLOCK_REPO="$root" node "$demo/js/scripts/demo/upstreams.js" "$demo" &
upstreams_pid=$!
pids+=("$upstreams_pid")
until [ -s "$demo/upstream/upstreams.json" ]; do
  kill -0 "$upstreams_pid" 2>/dev/null || { echo "building the upstreams failed (see above)" >&2; exit 1; }
  sleep 0.2
done

step "export side: exporter key and airlock.yaml"
airlock key generate --name exporter --out "$demo/keys"
cat "$demo/airlock.yaml"

step "airlock plan"
airlock --home "$demo/export-home" plan -c "$demo/airlock.yaml"

step "airlock export"
airlock --home "$demo/export-home" export -c "$demo/airlock.yaml" -o "$demo/bundle"
ls -l "$demo/bundle"
kill "$upstreams_pid" && wait "$upstreams_pid" || true
echo "upstreams stopped: the isolated side never reaches them"

step "the air gap: stock tools check the bundle (gpg --verify, sha256sum -c)"
if command -v gpg >/dev/null && command -v sha256sum >/dev/null; then
  export GNUPGHOME="$demo/gnupg"
  mkdir -p -m 700 "$GNUPGHOME"
  gpg --batch --quiet --import "$demo/keys/exporter.pub.asc"
  (cd "$demo/bundle" && gpg --batch --verify SHA256SUMS.asc SHA256SUMS && sha256sum -c SHA256SUMS)
  unset GNUPGHOME
else
  echo "skipped: gpg or sha256sum is not installed"
fi

step "isolated side: trust the exporter (and the fixture snap store's root), verify"
site=(--home "$demo/site")
airlock "${site[@]}" trust add "$demo/keys/exporter.pub.asc"
# A real site trusts Canonical's snap root without this; the fixture store signs with its own.
if has_source snap; then airlock "${site[@]}" trust add "$(fact snap.rootAssert)"; fi
airlock "${site[@]}" verify "$demo/bundle"

step "import the volumes in reverse order, over two runs"
vols=("$demo"/bundle/*.vol-*)
set +e
airlock "${site[@]}" import "$demo/bundle" --volume "${vols[-1]}"
rc=$?
set -e
echo "first run exit code: $rc (4 = waiting for volumes)"
[ "$rc" -eq 4 ] || { echo "expected exit code 4 while volumes are missing" >&2; exit 1; }
airlock "${site[@]}" status
airlock "${site[@]}" import "$demo/bundle"

step "airlock serve"
port=$(free_port)
site_url="http://127.0.0.1:$port/"
node "$root/bin/airlock" "${site[@]}" serve --listen "127.0.0.1:$port" --quiet &
pids+=($!)
wait_for curl -fs "${site_url}keys/site.asc" || { echo "airlock serve did not come up" >&2; exit 1; }
echo "serving $demo/site/publish/current at $site_url"

step "real clients consume the publication"
: >"$results"
consume apt-get apt "apt-get dpkg dpkg-query curl" client_apt
consume dnf rpm "dnf rpm curl" client_dnf
consume skopeo oci "skopeo sha256sum" client_skopeo
consume gpgv simplestreams "gpgv curl sha256sum" client_gpgv
consume unsquashfs snap "unsquashfs curl" client_snap
consume curl files "curl sha256sum cmp diff" client_curl
stop_started

step "summary"
node scripts/demo/summary.mjs "$demo/bundle" "$results" "$demo/summary.json"
failed=$(grep -c $'\tFAILED\t' "$results" || true)

cat <<EOF

To serve the demo site again:
  $(relative "$root/bin/airlock") --home $(relative "$demo/site") serve --listen 127.0.0.1:8080
then open http://127.0.0.1:8080/ (the site page: what is published and how each client connects).
Clients point at http://127.0.0.1:8080/apt/…, /rpm/…, /simplestreams/…, /snap/…, /files/…, the
registry at 127.0.0.1:8080, and the site key at /keys/site.gpg (/keys/site.asc). What the demo's
clients did is in $(relative "$clients")/ (one log per client).
EOF
printf '\ndemo finished in %d s\n' $((SECONDS - demo_started))
if [ "$failed" -gt 0 ]; then
  echo "$failed client(s) FAILED: see the summary above" >&2
  exit 1
fi
