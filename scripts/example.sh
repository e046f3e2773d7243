#!/usr/bin/env bash
# Run the action's main job on examples/emulated-run, as the runner would: the local lab
# (registries, QEMU, base image) comes up, then dist/ builds the example for four
# platforms with buildah, pushes it to the lab's TLS registry and prints the outputs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash lab/lab.sh install >&2
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
bash lab/lab.sh up >/dev/null
# shellcheck disable=SC1091
. "${LAB_DIR:-/tmp/multiarch-lab}/env"
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs} BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
node harness/cli.mjs \
  platforms=linux/amd64,linux/arm64,linux/s390x,linux/ppc64le \
  context=examples/emulated-run \
  "build-args=BASE=$LAB_PLAIN/fixtures/busybox:latest" \
  "tags=$LAB_TLS/examples/emulated-run:latest" \
  push=true engine=buildah \
  "registry=$LAB_TLS" "username=$LAB_USER" "password=$LAB_PASSWORD"
