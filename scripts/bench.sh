#!/usr/bin/env bash
# The benchmarks on a fresh Debian/Ubuntu machine, as root: the lab, the Node 24 binary the
# runner uses (cold start is measured under it too), and the Debian base image of the
# realistic workload (debootstrapped once, minutes of downloads), then `vitest` on bench/.
# A docker buildx is compared too when BENCH_DOCKER_CONFIG and BUILDX_E2E_ENDPOINT name one.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lab/lab.sh install
[ -d node_modules ] || npm ci --no-audit --no-fund
TEST_NODE_BINARIES=$(bash scripts/node24.sh)
export TEST_NODE_BINARIES
[ -f dist/main/index.js ] || npm run bundle
bash lab/lab.sh up >/dev/null
bash lab/lab.sh bench-base
npx vitest run --config vitest.bench.config.ts "$@"
