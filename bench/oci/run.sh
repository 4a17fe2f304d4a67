#!/usr/bin/env bash
# OCI benchmark: push from a publication (airlock vs skopeo) and pull throughput (airlock serve vs
# docker-registry). Needs docker-registry and skopeo; writes RESULTS.md next to this script.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run --silent build
node bench/oci/bench.mjs "${OCI_BENCH_IMAGES:-4}" "${OCI_BENCH_LAYER_MIB:-64}"
