#!/usr/bin/env bash
# The whole test suite on a fresh Debian/Ubuntu machine, as root: installs the lab's
# Debian packages, the npm dependencies and a Node 24 binary (dist/ must run on the
# runner's node24 as well as on Node 20), then runs unit, contract and end-to-end tests.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lab/lab.sh install
[ -d node_modules ] || npm ci --no-audit --no-fund
TEST_NODE_BINARIES=$(bash scripts/node24.sh)
export TEST_NODE_BINARIES
npx vitest run "$@"
