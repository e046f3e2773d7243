#!/bin/sh
# Rebuilds amd64-elf-gnu.tar.zst: a GNU-format tar (so the long path becomes an 'L' entry),
# compressed by the zstd CLI with its default content checksum. Needs GNU tar, xxd and zstd.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/root"
long="usr/share/doc/a-package-with-a-rather-long-name/examples/nested/deeper/and-deeper-still/so-that-the-path-needs-an-extension"
mkdir -p "$root/usr/bin" "$root/etc" "$root/usr/lib/firmware/cross" "$root/$long"
elf() { xxd -r -p "$here/../elf-headers/amd64.hex"; head -c 1000 /dev/zero; }
elf >"$root/usr/bin/hello"
elf >"$root/usr/lib/firmware/cross/helper"
printf '#!/bin/sh\necho hello\n' >"$root/usr/bin/run.sh"
printf 'welcome\n' >"$root/etc/motd"
printf 'a text file under a path longer than 100 bytes\n' >"$root/$long/README.txt"
ln -s hello "$root/usr/bin/hi"
tar --format=gnu --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  -C "$root" -cf "$work/layer.tar" etc usr
zstd -q -19 -f "$work/layer.tar" -o "$here/amd64-elf-gnu.tar.zst"
