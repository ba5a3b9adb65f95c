#!/usr/bin/env bash
# Build a test initramfs: busybox-static, /init, the module, the static
# test programs and the in-VM test scripts.
#   initramfs.sh OUT.cpio.gz KO BINDIR CELL_ENV [KMOD_DIR [MODULE...]]
# KMOD_DIR is the kernel's /lib/modules/REL; each MODULE, a path relative
# to it (e.g. kernel/drivers/block/zram/zram.ko), is copied to the same
# place in the initramfs.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$1 ko=$2 bindir=$3 cellenv=$4
kmoddir=${5:-}
shift $(($# < 5 ? $# : 5))

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

chmod 0755 "$stage"
mkdir -p "$stage"/{bin,proc,sys,dev,tmp,mmlens/bin,mmlens/vm}
cp /bin/busybox "$stage/bin/busybox"
cp "$MMLENS_TOP/scripts/vm/init" "$stage/init"
chmod 0755 "$stage/init"
cp "$MMLENS_TOP"/scripts/vm/*.sh "$stage/mmlens/vm/"
cp "$ko" "$stage/mmlens/mmlens.ko"
cp "$bindir"/* "$stage/mmlens/bin/"
cp "$cellenv" "$stage/mmlens/cell.env"

for m in "$@"; do
	dst=$stage/lib/modules/$(basename "$kmoddir")/$m
	mkdir -p "$(dirname "$dst")"
	cp "$kmoddir/$m" "$dst"
done

(cd "$stage" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out"
