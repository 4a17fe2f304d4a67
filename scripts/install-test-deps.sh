#!/usr/bin/env bash
# Installs the Debian packages that airlock's tests and fixture builders use.
# Safe to re-run. Needs root (or sudo) and access to the Debian package registry.
set -euo pipefail

packages=(
  gnupg          # gpg --verify on bundles, fixture signing
  coreutils      # sha256sum -c on bundles
  zstd           # stock-tool checks and benchmarks
  tar
  curl
  dpkg-dev       # dpkg-deb for apt fixtures
  apt-utils      # apt-ftparchive
  apt            # apt-get as a real client
  rpm            # rpmbuild for rpm fixtures, rpm itself
  createrepo-c   # createrepo_c for rpm fixtures and metadata comparisons
  dnf            # dnf as a real client
  docker-registry  # distribution: fixture upstream and push target for OCI
  skopeo         # OCI fixtures and real client
  umoci          # builds OCI fixture images
  squashfs-tools # mksquashfs for snap and simplestreams fixtures
  xz-utils       # xz for simplestreams bootloader fixtures
  gpgv           # gpgv checks of published .sjson (what MAAS and sstream-mirror run)
  golang-go                         # builds the snapd-verify test helper (second snap assertion verifier)
  golang-github-snapcore-snapd-dev  # snapd's own asserts package, for that helper (GOPATH mode)
  golang-golang-x-crypto-dev        # its Go dependencies: the package declares none
  golang-gopkg-tomb.v2-dev
  golang-gopkg-yaml.v2-dev
  golang-github-boltdb-bolt-dev     # and of snapd's store client, for the snapd-store-client helper
  golang-golang-x-xerrors-dev
  golang-gopkg-retry.v1-dev
  golang-gopkg-macaroon.v1-dev
  golang-github-juju-ratelimit-dev
  golang-dbus-dev
  podman         # pulls through the site page's registries.conf mirror entries
  wget           # the site page's files snippet (recursive copy)
  jq             # docs/serve.md's /airlock.json example
  chromium       # renders the site page headless (test/site-page-browser.test.ts)
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
