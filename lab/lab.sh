#!/usr/bin/env bash
# Local multi-arch lab for end-to-end tests: QEMU binfmt, two CNCF distribution
# registries (plain HTTP + htpasswd/TLS), a private containerd, and a multi-arch
# busybox base image built without Docker or network access to any registry.
# Usage: lab.sh install|up|down [--purge]|status|prune|bench-base
#   (run as root; see ${LAB_DIR}/env after up; README "What the lab leaves on the machine")
set -euo pipefail
umask 022 # file modes end up in the image layers; a caller's umask must not change digests

LAB_DIR=${LAB_DIR:-/tmp/multiarch-lab}
LAB_SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PLAIN_PORT=${LAB_PLAIN_PORT:-5000}
TLS_PORT=${LAB_TLS_PORT:-5443}
PLAIN=127.0.0.1:$PLAIN_PORT
TLS=127.0.0.1:$TLS_PORT
FIXTURE=fixtures/busybox:latest
PKGS=(qemu-user-static binfmt-support buildah skopeo docker-registry containerd runc apache2-utils openssl ca-certificates curl iproute2)
# The Docker Hub and GHCR look-alike: real names, loopback addresses, a namespace of its own.
HUB_NETNS=${LAB_HUB_NETNS:-multiarch-hub}
HUB_API=127.0.1.1 HUB_AUTH=127.0.1.2 HUB_WEBSITE=127.0.1.3 GHCR=127.0.1.4 STORAGE=127.0.1.5
HUB_BACKEND=127.0.2.1:5000 GHCR_BACKEND=127.0.2.2:5000
STORAGE_HOST=storage.lab.test
# debian-arch:oci-arch:oci-variant
ARCHES=(amd64:amd64: arm64:arm64:v8 armhf:arm:v7 s390x:s390x: ppc64el:ppc64le:)
APPLETS=(sh ash uname cat chmod chown echo ls sha256sum md5sum gzip gunzip zcat head tail tr wc true false env
  sleep test "[" printf mkdir rm cp mv ln touch grep sed cut sort uniq id date dd od xargs find stat tee basename
  dirname readlink hostname pwd expr seq tar which du df ps kill)
# A private buildah store keeps the lab's fixture work from clashing with whatever
# storage driver the tests (or the action under test) use in the default store.
BUILDAH=(buildah --storage-driver vfs --root "$LAB_DIR/buildah/root" --runroot "$LAB_DIR/buildah/run")

# Locks shared with the test suites (__tests__/support/machine-lock.ts) and scripts/example.sh.
LOCK_DIR=${MULTIARCH_LOCK_DIR:-/run/lock}
[ -d "$LOCK_DIR" ] || LOCK_DIR=/tmp
LAB_LOCK=$LOCK_DIR/multiarch-lab.lock
BINFMT_LOCK=$LOCK_DIR/multiarch-binfmt.lock
# The registries' storage together, in MB, above which `prune` empties them (fixtures stay).
REGISTRY_MAX_MB=${LAB_REGISTRY_MAX_MB:-4096}

log() { printf '[lab] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Replace DEST with the content of stdin only if it differs, by a rename: a test reading DEST
# at that moment sees the old file or the new one, never a half-written one.
put_file() { # dest [mode]
  local tmp
  tmp=$(mktemp "$1.XXXXXX")
  cat >"$tmp"
  chmod "${2:-644}" "$tmp"
  if cmp -s "$tmp" "$1"; then rm -f "$tmp"; else mv -f "$tmp" "$1"; fi
}

# Take FILE's flock on descriptor FD (kept until the FD closes or the script ends); says so
# when another holder makes us wait.
take_lock() { # fd file --shared|--exclusive who
  eval "exec $1>>\"\$2\""
  flock --nonblock "$3" "$1" && return 0
  log "$4 waits for $2 (held by a test run or another lab command)"
  flock "$3" "$1"
}
export DEBIAN_FRONTEND=noninteractive
# Sandbox user root: _apt cannot write into the lab's cache dir under /tmp.
APT=(apt-get -y -q -o DPkg::Lock::Timeout=300 -o APT::Sandbox::User=root)

# apt-get update often fails for one index here (mirror mid-sync on foreign-arch
# security Packages), which does not matter if what we need resolves; so judge by the
# real command and only retry the update when that command fails.
apt_retry() { # command...
  local i
  for i in 1 2 3; do
    "${APT[@]}" update >/dev/null 2>&1 || log "apt-get update partially failed (try $i)"
    "$@" && return 0
    sleep 2
  done
  die "failed after 3 apt-get update attempts: $*"
}

cmd_install() {
  local missing=() p
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && { log "all packages installed"; return 0; }
  log "installing: ${missing[*]}"
  apt_retry "${APT[@]}" install --no-install-recommends "${missing[@]}"
}

# Start a daemon detached, unless its pid file points at a live process of the same binary
# (checking /proc/PID/exe guards against a recycled PID after a reboot or crash).
alive() { local f=$LAB_DIR/$1.pid; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && [ "$(readlink "/proc/$(cat "$f")/exe")" = "$(readlink -f "$(command -v "$2")")" ]; }
start() { # name [--netns NAME] binary args...
  local name=$1 inside=(); shift
  # ip netns exec replaces itself with the program, so the pid names the program itself.
  if [ "$1" = --netns ]; then inside=(ip netns exec "$2"); shift 2; fi
  if alive "$name" "$1"; then log "$name already running (pid $(cat "$LAB_DIR/$name.pid"))"; return 0; fi
  # setsid: own session, so a test runner killing its process group leaves the lab up.
  setsid "${inside[@]}" "$@" >"$LAB_DIR/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$LAB_DIR/$name.pid"
  log "started $name (pid $!)"
}
wait_for() { # daemon-name command...  (fails fast if the daemon died, e.g. port already taken)
  local i
  for i in $(seq 1 60); do
    "${@:2}" >/dev/null 2>&1 && return 0
    kill -0 "$(cat "$LAB_DIR/$1.pid")" 2>/dev/null || die "$1 exited; see $LAB_DIR/logs/$1.log"
    sleep 0.5
  done
  die "timeout waiting for $1 (see $LAB_DIR/logs/)"
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
code_is() { [ "$(curl -s -o /dev/null -w '%{http_code}' "${@:2}")" = "$1" ]; } # expected-code curl-args...

setup_binfmt() {
  mountpoint -q /proc/sys/fs/binfmt_misc || mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
  # Not while the QEMU suite or benchmark has taken handlers away on purpose: they hold the
  # lock alone and put every handler back before they let go.
  take_lock 7 "$BINFMT_LOCK" --shared "lab up (QEMU handlers)"
  # No systemd in the VM, so the package's postinst registration never reaches the
  # kernel; binfmt-support re-imports /usr/share/binfmts (qemu-user-static: flags PF).
  [ -e /proc/sys/fs/binfmt_misc/qemu-s390x ] || update-binfmts --enable >/dev/null 2>&1 || true
  [ -e /proc/sys/fs/binfmt_misc/qemu-aarch64 ] || die "qemu binfmt handlers not registered"
  exec 7>&-
}

setup_certs() { # generated once so the CA stays stable across up/down (tests may cache it)
  local c=$LAB_DIR/certs
  mkdir -p "$c"
  if [ ! -s "$c/server.crt" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=multiarch-lab CA" \
      -keyout "$c/ca.key" -out "$c/ca.crt" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$c/server.key" -out "$c/server.csr" 2>/dev/null
    # Go's TLS ignores CN, so the IP SAN is what makes https://127.0.0.1:PORT verify.
    openssl x509 -req -in "$c/server.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial -days 825 \
      -out "$c/server.crt" -extfile <(printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n') 2>/dev/null
  fi
  [ -s "$LAB_DIR/password" ] || (umask 077; openssl rand -hex 16 >"$LAB_DIR/password")
  # distribution only accepts bcrypt htpasswd entries. Each bcrypt hash is new (salted), so
  # the file is written only when it does not hold the password: a running registry rereads it.
  htpasswd -vb "$c/htpasswd" lab "$(cat "$LAB_DIR/password")" >/dev/null 2>&1 ||
    htpasswd -Bbn lab "$(cat "$LAB_DIR/password")" 2>/dev/null | put_file "$c/htpasswd"
  # containers/image (buildah, skopeo) reads per-registry CAs from certs.d. Files under
  # /etc/containers are replaced by a rename, if at all: tests beside us read them.
  mkdir -p "/etc/containers/certs.d/$TLS"
  put_file "/etc/containers/certs.d/$TLS/ca.crt" <"$c/ca.crt"
  # Chosen over --tls-verify=false: a registries.conf drop-in makes every buildah/skopeo
  # call (including ones made by the action under test) reach the plain registry over HTTP.
  mkdir -p /etc/containers/registries.conf.d
  printf '# written by multiarch lab.sh\n[[registry]]\nlocation = "%s"\ninsecure = true\n' "$PLAIN" |
    put_file "/etc/containers/registries.conf.d/50-multiarch-lab-$PLAIN_PORT.conf" # per port: labs may coexist
}

# A namespace where registry-1.docker.io, auth.docker.io, docker.io, ghcr.io and the storage
# host resolve to loopback addresses (ip netns exec binds /etc/netns/NAME/hosts over
# /etc/hosts), each served over TLS by lab/hub-front.mjs in front of a real registry with
# token auth. Nothing outside the namespace sees these names.
setup_hub_certs() {
  local c=$LAB_DIR/certs host
  if [ ! -s "$c/hub.crt" ]; then
    openssl req -newkey rsa:2048 -nodes -subj "/CN=registry-1.docker.io" -keyout "$c/hub.key" -out "$c/hub.csr" 2>/dev/null
    openssl x509 -req -in "$c/hub.csr" -CA "$c/ca.crt" -CAkey "$c/ca.key" -CAcreateserial -days 825 -out "$c/hub.crt" \
      -extfile <(printf 'subjectAltName=DNS:registry-1.docker.io,DNS:auth.docker.io,DNS:docker.io,DNS:index.docker.io,DNS:ghcr.io,DNS:%s\nextendedKeyUsage=serverAuth\n' "$STORAGE_HOST") 2>/dev/null
  fi
  # The token issuer signs JWTs; the registries trust its certificate (rootcertbundle).
  [ -s "$c/token.crt" ] || openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=multiarch-lab token issuer" \
    -keyout "$c/token.key" -out "$c/token.crt" 2>/dev/null
  [ -s "$LAB_DIR/hub-password" ] || (umask 077; openssl rand -hex 16 >"$LAB_DIR/hub-password")
  [ -s "$LAB_DIR/ghcr-password" ] || (umask 077; printf 'ghp_%s' "$(openssl rand -hex 18)" >"$LAB_DIR/ghcr-password")
  # skopeo inside the namespace finds the CA per host here (--cert-dir).
  mkdir -p "$LAB_DIR/hub-certs.d"
  cp "$c/ca.crt" "$LAB_DIR/hub-certs.d/ca.crt"
}

# Inside the namespace, /etc/containers is a copy of the host's plus the look-alikes' CA
# per host (ip netns exec binds /etc/netns/NAME/containers over it), as on a runner that
# trusts these registries: buildah and skopeo there verify them like the real ones.
hub_containers_config() {
  local etc=/etc/netns/$HUB_NETNS host next
  # Built beside the namespace's folder: `ip netns exec` binds whatever is inside it.
  next=$(mktemp -d "/etc/netns/.$HUB_NETNS-containers.XXXXXX")
  cp -a /etc/containers/. "$next/"
  for host in registry-1.docker.io docker.io ghcr.io "$STORAGE_HOST"; do
    mkdir -p "$next/certs.d/$host"
    cp "$LAB_DIR/certs/ca.crt" "$next/certs.d/$host/ca.crt"
  done
  # Usually the same as before: then the folder a test inside the namespace reads stays.
  if diff -r "$next" "$etc/containers" >/dev/null 2>&1; then rm -rf "$next"; return 0; fi
  rm -rf "$etc/containers"
  mv "$next" "$etc/containers"
}

in_hub() { ip netns exec "$HUB_NETNS" "$@"; }

start_hub() {
  local c=$LAB_DIR/certs d=$LAB_DIR/hub
  mkdir -p "$d"
  setup_hub_certs
  if ! ip netns list | grep -qw "$HUB_NETNS"; then
    ip netns add "$HUB_NETNS"
    log "created network namespace $HUB_NETNS"
  fi
  in_hub ip link set lo up
  mkdir -p "/etc/netns/$HUB_NETNS"
  printf '127.0.0.1 localhost\n%s registry-1.docker.io\n%s auth.docker.io\n%s docker.io index.docker.io\n%s ghcr.io\n%s %s\n' \
    "$HUB_API" "$HUB_AUTH" "$HUB_WEBSITE" "$GHCR" "$STORAGE" "$STORAGE_HOST" | put_file "/etc/netns/$HUB_NETNS/hosts"
  hub_containers_config
  registry_config hub "$HUB_BACKEND" "auth:
  token: {realm: 'https://auth.docker.io/token', service: registry.docker.io, issuer: multiarch-lab, rootcertbundle: $c/token.crt}"
  registry_config ghcr "$GHCR_BACKEND" "auth:
  token: {realm: 'https://ghcr.io/token', service: ghcr.io, issuer: multiarch-lab, rootcertbundle: $c/token.crt}"
  cat >"$d/front.json" <<EOF
{"cert": "$c/hub.crt", "key": "$c/hub.key", "tokenKey": "$c/token.key", "tokenCert": "$c/token.crt",
 "issuer": "multiarch-lab", "storageHost": "$STORAGE_HOST",
 "hubBackend": "$HUB_BACKEND", "ghcrBackend": "$GHCR_BACKEND",
 "hubUser": "someuser", "hubPassword": "$(cat "$LAB_DIR/hub-password")",
 "ghcrUser": "owner", "ghcrPassword": "$(cat "$LAB_DIR/ghcr-password")",
 "addresses": {"hubApi": "$HUB_API", "hubAuth": "$HUB_AUTH", "hubWebsite": "$HUB_WEBSITE", "ghcr": "$GHCR", "storage": "$STORAGE"}}
EOF
  chmod 600 "$d/front.json"
  start registry-hub --netns "$HUB_NETNS" docker-registry serve "$LAB_DIR/registry-hub/config.yml"
  start registry-ghcr --netns "$HUB_NETNS" docker-registry serve "$LAB_DIR/registry-ghcr/config.yml"
  start hub-front --netns "$HUB_NETNS" node "$LAB_SCRIPTS/hub-front.mjs" "$d/front.json"
  wait_for registry-hub in_hub curl -s -o /dev/null "http://$HUB_BACKEND/v2/"
  wait_for registry-ghcr in_hub curl -s -o /dev/null "http://$GHCR_BACKEND/v2/"
  wait_for hub-front in_hub curl -s -o /dev/null --cacert "$c/ca.crt" https://registry-1.docker.io/v2/
  wait_for hub-front in_hub curl -s -o /dev/null --cacert "$c/ca.crt" https://ghcr.io/v2/
}

stop_hub() {
  if ip netns list | grep -qw "$HUB_NETNS"; then
    ip netns delete "$HUB_NETNS"
    log "deleted network namespace $HUB_NETNS"
  fi
  rm -rf "/etc/netns/$HUB_NETNS"
}

registry_config() { # name addr extra-yaml
  mkdir -p "$LAB_DIR/registry-$1/storage"
  cat >"$LAB_DIR/registry-$1/config.yml" <<EOF
version: 0.1
log: {level: info}
storage:
  filesystem: {rootdirectory: $LAB_DIR/registry-$1/storage}
  delete: {enabled: true}
http:
  addr: $2
$3
EOF
}

start_registries() {
  local c=$LAB_DIR/certs
  registry_config plain "$PLAIN" ""
  registry_config tls "$TLS" "  tls: {certificate: $c/server.crt, key: $c/server.key}
auth:
  htpasswd: {realm: multiarch-lab, path: $c/htpasswd}"
  # A foreign server on our port would satisfy the readiness probes below; refuse early.
  alive registry-plain docker-registry || ! port_open "$PLAIN_PORT" || die "port $PLAIN_PORT already in use"
  alive registry-tls docker-registry || ! port_open "$TLS_PORT" || die "port $TLS_PORT already in use"
  start registry-plain docker-registry serve "$LAB_DIR/registry-plain/config.yml"
  start registry-tls docker-registry serve "$LAB_DIR/registry-tls/config.yml"
  wait_for registry-plain code_is 200 "http://$PLAIN/v2/"
  wait_for registry-tls code_is 401 --cacert "$c/ca.crt" "https://$TLS/v2/"
  wait_for registry-tls code_is 200 --cacert "$c/ca.crt" -u "lab:$(cat "$LAB_DIR/password")" "https://$TLS/v2/"
}

# containerd's overlayfs needs a working overlay mount on its root fs (fails on some
# nested/VM filesystems); probe with a real mount and fall back to native.
probe_snapshotter() {
  local d
  d=$(mktemp -d "$LAB_DIR/containerd/ovlprobe.XXXX")
  mkdir "$d"/{l,u,w,m}
  if mount -t overlay overlay -o "lowerdir=$d/l,upperdir=$d/u,workdir=$d/w" "$d/m" 2>/dev/null; then
    umount "$d/m"; echo overlayfs
  else echo native; fi
  rm -rf "$d"
}

start_containerd() {
  local d=$LAB_DIR/containerd
  mkdir -p "$d/root" "$d/state" "$d/hosts/$PLAIN" "$d/hosts/$TLS"
  [ -s "$d/snapshotter" ] || probe_snapshotter >"$d/snapshotter"
  # Own root/state/sockets so a system containerd (if any) is never touched; CRI is
  # disabled because it needs CNI and is irrelevant to ctr.
  cat >"$d/config.toml" <<EOF
version = 2
root = "$d/root"
state = "$d/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]
[grpc]
  address = "$d/containerd.sock"
[ttrpc]
  address = "$d/containerd.sock.ttrpc"
[debug]
  address = "$d/debug.sock"
EOF
  printf 'server = "http://%s"\n[host."http://%s"]\n  capabilities = ["pull", "resolve", "push"]\n' \
    "$PLAIN" "$PLAIN" >"$d/hosts/$PLAIN/hosts.toml"
  printf 'server = "https://%s"\n[host."https://%s"]\n  capabilities = ["pull", "resolve", "push"]\n  ca = "%s"\n' \
    "$TLS" "$TLS" "$LAB_DIR/certs/ca.crt" >"$d/hosts/$TLS/hosts.toml"
  start containerd containerd --config "$d/config.toml"
  wait_for containerd ctr --address "$d/containerd.sock" version
}

fetch_busybox() { # extract busybox-static for every debian arch into $LAB_DIR/busybox/ARCH
  local cache=$LAB_DIR/cache/debs spec a need=() added=()
  mkdir -p "$cache"
  for spec in "${ARCHES[@]}"; do
    a=${spec%%:*}
    compgen -G "$cache/busybox-static_*_$a.deb" >/dev/null || need+=("$a")
  done
  if [ ${#need[@]} -gt 0 ]; then
    # apt can only download ARCH packages once dpkg knows ARCH. We remove the arches we
    # added afterwards: left in place, every later system `apt-get update` also fetches
    # their indexes, and here that alone made it exit 100 (foreign security index mid-sync).
    for a in "${need[@]}"; do
      dpkg --print-foreign-architectures | grep -qx "$a" || [ "$a" = "$(dpkg --print-architecture)" ] ||
        { dpkg --add-architecture "$a"; added+=("$a"); }
    done
    (cd "$cache" && apt_retry "${APT[@]}" download "${need[@]/#/busybox-static:}" >/dev/null) || true
    for a in "${added[@]}"; do dpkg --remove-architecture "$a"; done
    for a in "${need[@]}"; do compgen -G "$cache/busybox-static_*_$a.deb" >/dev/null || die "no busybox-static:$a"; done
  fi
  for spec in "${ARCHES[@]}"; do
    a=${spec%%:*}
    [ -x "$LAB_DIR/busybox/$a/bin/busybox" ] && continue
    rm -rf "$LAB_DIR/busybox/$a"; mkdir -p "$LAB_DIR/busybox/$a"
    dpkg-deb -x "$(compgen -G "$cache/busybox-static_*_$a.deb" | head -1)" "$LAB_DIR/busybox/$a"
  done
}

image_in() { skopeo inspect --raw "${@:2}" "docker://$1/$FIXTURE" >/dev/null 2>&1; }

# One image of a root filesystem: commit_rootfs DIR OCI-ARCH VARIANT CMD NAME prints its id.
commit_rootfs() {
  local ctr
  ctr=$("${BUILDAH[@]}" from --pull=false scratch)
  "${BUILDAH[@]}" copy "$ctr" "$1" / >/dev/null
  "${BUILDAH[@]}" config --os linux --arch "$2" ${3:+--variant "$3"} \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --cmd "$4" "$ctr"
  # Fixed timestamp: identical inputs give identical digests across rebuilds.
  "${BUILDAH[@]}" commit -q --timestamp 0 --rm "$ctr" "$5"
}

build_fixture() {
  local pw spec a oarch var rootfs id plain_ok=0 tls_ok=0
  pw=$(cat "$LAB_DIR/password")
  image_in "$PLAIN" && plain_ok=1
  image_in "$TLS" --creds "lab:$pw" && tls_ok=1
  if [ $plain_ok = 1 ] && [ $tls_ok = 1 ]; then log "$FIXTURE present in both registries"; return 0; fi
  # Registry storage outlives down/up, so usually at most one side needs a copy.
  if [ $plain_ok = 1 ] || [ $tls_ok = 1 ]; then
    log "copying $FIXTURE between registries"
    skopeo copy -q --all --src-creds "lab:$pw" --dest-creds "lab:$pw" \
      "docker://$([ $plain_ok = 1 ] && echo "$PLAIN" || echo "$TLS")/$FIXTURE" \
      "docker://$([ $plain_ok = 1 ] && echo "$TLS" || echo "$PLAIN")/$FIXTURE"
    return 0
  fi
  log "building $FIXTURE (5 arches)"
  fetch_busybox
  # The private store only ever holds this build: start from an empty one, since a
  # leftover list named $FIXTURE makes `manifest create` fail (rmi -f does not remove it).
  "${BUILDAH[@]}" rm --all >/dev/null 2>&1 || true
  rm -rf "$LAB_DIR/buildah"
  "${BUILDAH[@]}" manifest create "$FIXTURE" >/dev/null
  for spec in "${ARCHES[@]}"; do
    IFS=: read -r a oarch var <<<"$spec"
    rootfs=$LAB_DIR/rootfs/$a
    rm -rf "$rootfs"; mkdir -p "$rootfs/bin" "$rootfs/tmp" "$rootfs/etc" "$rootfs/root"
    chmod 1777 "$rootfs/tmp"
    cp "$LAB_DIR/busybox/$a/bin/busybox" "$rootfs/bin/busybox"
    for p in "${APPLETS[@]}"; do ln -sf busybox "$rootfs/bin/$p"; done
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$rootfs/etc/passwd"
    printf 'root:x:0:\n' >"$rootfs/etc/group"
    id=$(commit_rootfs "$rootfs" "$oarch" "$var" /bin/sh "localhost/lab-busybox:$a")
    "${BUILDAH[@]}" manifest add "$FIXTURE" "$id" >/dev/null
  done
  "${BUILDAH[@]}" manifest push -q --all "$FIXTURE" "docker://$PLAIN/$FIXTURE"
  "${BUILDAH[@]}" manifest push -q --all --creds "lab:$pw" "$FIXTURE" "docker://$TLS/$FIXTURE"
}

DEBIAN_FIXTURE=fixtures/debian:bookworm
DEBIAN_ARCHES=(amd64:amd64: arm64:arm64:v8)

# The bench's realistic workload needs a real distribution to apt-get into: a minbase
# Debian bookworm for amd64 and arm64 (the arm64 one debootstrapped under QEMU), pushed
# to the plain registry once. Minutes of downloads, so `up` never does it; `bench-base` does.
cmd_bench_base() {
  local spec a oarch var rootfs id
  [ -f "$LAB_DIR/env" ] || die "run '$0 up' first"
  if skopeo inspect --raw --tls-verify=false "docker://$PLAIN/$DEBIAN_FIXTURE" >/dev/null 2>&1; then
    log "$DEBIAN_FIXTURE present"; return 0
  fi
  command -v debootstrap >/dev/null || apt_retry "${APT[@]}" install debootstrap >/dev/null
  "${BUILDAH[@]}" manifest rm "$DEBIAN_FIXTURE" >/dev/null 2>&1 || true
  "${BUILDAH[@]}" manifest create "$DEBIAN_FIXTURE" >/dev/null
  for spec in "${DEBIAN_ARCHES[@]}"; do
    IFS=: read -r a oarch var <<<"$spec"
    rootfs=$LAB_DIR/debian/$a
    if [ ! -f "$LAB_DIR/debian/$a.done" ]; then
      log "debootstrap bookworm minbase for $a"
      rm -rf "$rootfs"; mkdir -p "$rootfs"
      debootstrap --variant=minbase --arch="$a" bookworm "$rootfs" http://deb.debian.org/debian >"$LAB_DIR/logs/debootstrap-$a.log" 2>&1 ||
        die "debootstrap $a failed; see $LAB_DIR/logs/debootstrap-$a.log"
      rm -rf "$rootfs/var/cache/apt/archives/"*.deb "$rootfs/var/lib/apt/lists/"*
      touch "$LAB_DIR/debian/$a.done"
    fi
    id=$(commit_rootfs "$rootfs" "$oarch" "$var" /bin/bash "localhost/lab-debian:$a")
    "${BUILDAH[@]}" manifest add "$DEBIAN_FIXTURE" "$id" >/dev/null
  done
  "${BUILDAH[@]}" manifest push -q --all "$DEBIAN_FIXTURE" "docker://$PLAIN/$DEBIAN_FIXTURE"
  log "$DEBIAN_FIXTURE pushed to $PLAIN"
}

write_env() {
  put_file "$LAB_DIR/env" 600 <<EOF
LAB_DIR=$LAB_DIR
LAB_PLAIN=$PLAIN
LAB_TLS=$TLS
LAB_USER=lab
LAB_PASSWORD=$(cat "$LAB_DIR/password")
LAB_CA=$LAB_DIR/certs/ca.crt
LAB_CONTAINERD_ADDRESS=$LAB_DIR/containerd/containerd.sock
LAB_CTR_HOSTS_DIR=$LAB_DIR/containerd/hosts
LAB_SNAPSHOTTER=$(cat "$LAB_DIR/containerd/snapshotter")
LAB_BUSYBOX_DIR=$LAB_DIR/busybox
LAB_FIXTURE=$FIXTURE
LAB_HUB_NETNS=$HUB_NETNS
LAB_HUB_USER=someuser
LAB_HUB_PASSWORD=$(cat "$LAB_DIR/hub-password")
LAB_GHCR_USER=owner
LAB_GHCR_PASSWORD=$(cat "$LAB_DIR/ghcr-password")
LAB_HUB_CERTS_DIR=$LAB_DIR/hub-certs.d
LAB_HUB_LOG=$LAB_DIR/logs/hub-front.log
EOF
  sed 's/^\(LAB_[A-Z_]*PASSWORD\)=.*/\1=<see env file>/' "$LAB_DIR/env" # keep the secrets out of CI logs
}

cmd_up() {
  [ "$(id -u)" = 0 ] || die "must run as root"
  mkdir -p "$LAB_DIR/logs"
  setup_binfmt
  setup_certs
  start_registries
  start_hub
  start_containerd
  build_fixture
  fetch_busybox # LAB_BUSYBOX_DIR must exist even when the image build was skipped
  write_env
}

DAEMONS=(containerd:containerd hub-front:node registry-hub:docker-registry registry-ghcr:docker-registry registry-tls:docker-registry registry-plain:docker-registry)

stop_daemons() { # name:binary...
  local n f pids=() i
  # TERM everything first, then wait: each registry takes ~2s to exit on TERM.
  for n in "$@"; do
    f=$LAB_DIR/${n%%:*}.pid
    [ -f "$f" ] || continue
    # alive() also checks /proc/PID/exe so a stale file never makes us signal a stranger.
    alive "${n%%:*}" "${n#*:}" && kill -TERM "$(cat "$f")" 2>/dev/null && pids+=("$(cat "$f")") && log "stopping ${n%%:*} (pid $(cat "$f"))"
    rm -f "$f"
  done
  for i in $(seq 1 40); do
    for n in "${!pids[@]}"; do kill -0 "${pids[$n]}" 2>/dev/null || unset "pids[$n]"; done
    [ ${#pids[@]} -eq 0 ] && break
    sleep 0.25
  done
  if [ ${#pids[@]} -gt 0 ]; then
    log "KILL after 10s: ${pids[*]}"
    kill -KILL "${pids[@]}" 2>/dev/null || true
  fi
}

cmd_down() {
  case "${1:-}" in "" | --purge) ;; *) die "down takes only --purge, not $1" ;; esac
  stop_daemons "${DAEMONS[@]}"
  stop_hub || true
  [ "${1:-}" = --purge ] || return 0
  # Everything up wrote: its folder (registries' storage, containerd, certificates, caches)
  # and its files under /etc. What `install` put there (Debian packages) stays.
  rm -f "/etc/containers/certs.d/$TLS/ca.crt" "/etc/containers/registries.conf.d/50-multiarch-lab-$PLAIN_PORT.conf"
  rmdir "/etc/containers/certs.d/$TLS" 2>/dev/null || true
  rm -rf "$LAB_DIR"
  log "purged $LAB_DIR and the lab's files under /etc/containers"
}

registries_mb() { du -sm "$LAB_DIR"/registry-*/storage 2>/dev/null | awk '{ total += $1 } END { print total + 0 }'; }

# Test runs push new repositories every time (~2 GB a full run). Over the bound, every
# repository but the lab's own fixtures/ goes, the garbage collector frees the blobs only they
# used, and the lab comes back as it was. The registries stop meanwhile, so this holds the
# lab lock alone: no cooperating test run or example is using them.
cmd_prune() {
  local used name was_up=0 repos
  used=$(registries_mb)
  if [ "$used" -le "$REGISTRY_MAX_MB" ]; then
    log "registries hold ${used} MB (bound ${REGISTRY_MAX_MB} MB): nothing to prune"
    return 0
  fi
  [ "${LAB_LOCK_HELD:-}" = 1 ] || take_lock 8 "$LAB_LOCK" --exclusive "lab prune"
  log "registries hold ${used} MB, over ${REGISTRY_MAX_MB} MB: removing every repository but fixtures/"
  alive registry-plain docker-registry && was_up=1
  stop_daemons registry-hub:docker-registry registry-ghcr:docker-registry registry-tls:docker-registry registry-plain:docker-registry
  for name in plain tls hub ghcr; do
    repos=$LAB_DIR/registry-$name/storage/docker/registry/v2/repositories
    [ -d "$repos" ] || continue
    find "$repos" -mindepth 1 -maxdepth 1 ! -name fixtures -exec rm -rf {} +
    docker-registry garbage-collect "$LAB_DIR/registry-$name/config.yml" >"$LAB_DIR/logs/gc-$name.log" 2>&1 ||
      die "garbage-collect of registry-$name failed; see $LAB_DIR/logs/gc-$name.log"
  done
  log "registries now hold $(registries_mb) MB"
  [ $was_up = 0 ] || cmd_up >/dev/null
}

cmd_status() {
  local n b rc=0
  for n in registry-plain:docker-registry registry-tls:docker-registry registry-hub:docker-registry registry-ghcr:docker-registry hub-front:node containerd:containerd; do
    b=${n#*:}; n=${n%%:*}
    if alive "$n" "$b"; then echo "$n: running (pid $(cat "$LAB_DIR/$n.pid"))"; else echo "$n: stopped"; rc=1; fi
  done
  if mountpoint -q /proc/sys/fs/binfmt_misc; then
    echo "binfmt: $(compgen -G '/proc/sys/fs/binfmt_misc/qemu-*' | wc -l) qemu handlers"
  else echo "binfmt: not mounted"; fi
  return $rc
}

case "${1:-}" in
  install) cmd_install ;;
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  status) cmd_status ;;
  prune) cmd_prune ;;
  bench-base) cmd_bench_base ;;
  *) echo "usage: $0 install|up|down [--purge]|status|prune|bench-base" >&2; exit 2 ;;
esac
