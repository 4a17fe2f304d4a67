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
