#!/usr/bin/env bash
# Run the action's main job on examples/emulated-run, as the runner would: the local lab
# (registries, QEMU, base image) comes up, then dist/ builds the example for four
# platforms with buildah, pushes it to the lab's TLS registry and prints the outputs.
# The job summary goes to .cache/example/job-summary.md (EXAMPLE_SUMMARY to choose), and
# to a PNG beside it when Chromium is there (Debian's `chromium`, or the path in CHROMIUM).
set -euo pipefail
cd "$(dirname "$0")/.."

bash lab/lab.sh install >&2
[ -d node_modules ] || npm ci --no-audit --no-fund >&2
# Beside a test run, not in the middle of one: the end-to-end suites hold this lock alone
# while they take QEMU handlers away or prune the registries (__tests__/support/machine-lock.ts).
LOCK_DIR=${MULTIARCH_LOCK_DIR:-/run/lock}
[ -d "$LOCK_DIR" ] || LOCK_DIR=/tmp
exec 9>>"$LOCK_DIR/multiarch-lab.lock"
flock --nonblock --shared 9 || {
  echo "example: waiting for a test run to finish with the lab ($LOCK_DIR/multiarch-lab.lock)" >&2
  flock --shared 9
}
bash lab/lab.sh up >/dev/null
# shellcheck disable=SC1091
. "${LAB_DIR:-/tmp/multiarch-lab}/env"
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs} BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}
summary=${EXAMPLE_SUMMARY:-.cache/example/job-summary.md}
status=0
HARNESS_SUMMARY=$summary node harness/cli.mjs \
  platforms=linux/amd64,linux/arm64,linux/s390x,linux/ppc64le \
  context=examples/emulated-run \
  "build-args=BASE=$LAB_PLAIN/fixtures/busybox:latest" \
  "tags=$LAB_TLS/examples/emulated-run:latest" \
  push=true engine=buildah \
  "registry=$LAB_TLS" "username=$LAB_USER" "password=$LAB_PASSWORD" || status=$?
exec 9>&-
if [ -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
  node scripts/summary-screenshot.mjs "$summary" "${summary%.md}.png" || true
else
  echo "job summary as a picture: install Debian's chromium (or set CHROMIUM), then" \
    "node scripts/summary-screenshot.mjs $summary ${summary%.md}.png"
fi
exit "$status"
