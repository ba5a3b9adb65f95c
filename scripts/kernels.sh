#!/usr/bin/env bash
# Fetch the Debian kernel image of every matrix kernel into the cache
# (apt-get download + dpkg-deb -x: installing would run initramfs hooks for
# minutes) and decompress the modules the VM tests load. Idempotent.
# Prints one line per kernel: NAME RELEASE KDIR IMAGE-ROOT
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

fetch_image() {
	local rel=$1 root=$2 pkg=linux-image-$1 tmp
	[ -f "$root/.done" ] && return 0
	tmp=$(mktemp -d "$MMLENS_CACHE/dl.XXXXXX")
	log "kernels: downloading $pkg"
	(cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1) ||
		(apt-get update -qq && cd "$tmp" && apt-get download -qq "$pkg")
	rm -rf "$root"
	mkdir -p "$root"
	dpkg-deb -x "$tmp"/"$pkg"_*.deb "$root"
	rm -rf "$tmp"
	# busybox insmod cannot read compressed modules: keep plain copies.
	find "$root/lib/modules" -name '*.ko.xz' -exec xz -d -f {} +
	[ -f "$root/boot/vmlinuz-$rel" ] || die "no vmlinuz in $pkg"
	touch "$root/.done"
}

mkdir -p "$MMLENS_CACHE/kernels"
for name in ${1:-$(all_kernel_names)}; do
	rel=$(kernel_release "$name") ||
		die "headers for $name missing: run scripts/deps.sh"
	kdir=/lib/modules/$rel/build
	[ -f "$kdir/Module.symvers" ] || die "no $kdir/Module.symvers"
	root=$MMLENS_CACHE/kernels/$rel
	fetch_image "$rel" "$root"
	printf '%s %s %s %s\n' "$name" "$rel" "$kdir" "$root"
done
