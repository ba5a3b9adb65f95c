#!/usr/bin/env bash
# A fresh Debian 12 root for scripts/deb-test.sh: debootstrap (minbase),
# then dkms and every matrix kernel with its headers, nothing of mmlens.
# The images too, as on a real machine: 6.12's headers pull theirs in
# anyway, and without one, dkms' depmod makes /lib/modules/<release>/
# modules.* that the purge check would see as left behind. No initramfs:
# the root never boots, and apt ran mkinitramfs three times (6.12 twice,
# the second from its trigger), 57-67 s of a core each, on a cold make
# check's critical path (INITRD=No, which the kernel packages'
# /etc/kernel/postinst.d/initramfs-tools hook honours).
# Cached under $MMLENS_CACHE/debroot/, keyed by what is in it (suite,
# mirrors, package list, INITRD), built once and never changed: the test works on
# an overlay of it. Prints the root's path; a cold build prints the time
# it took on stderr.
#   debroot.sh
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

suite=bookworm
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security
pkgs="dkms"
for name in $(kernel_names); do
	rel=$(kernel_release "$name") || die "no kernel release for $name"
	pkgs="$pkgs linux-image-$rel linux-headers-$rel"
done
initrd=No
key=$(printf '%s\n' "$suite" "$mirror" "$security" "$pkgs" "INITRD=$initrd" |
	sha256sum | cut -c1-12)
dir=$MMLENS_CACHE/debroot/$suite-$key
if [ -f "$dir/done" ]; then
	echo "$dir/root"
	exit 0
fi

start=$(date +%s)
tmp=$dir.tmp.$$
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	chroot_unmount "$tmp/root"
	# --one-file-system: never into a host /dev still bound there.
	rm -rf --one-file-system "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp"
debootstrap --variant=minbase "$suite" "$tmp/root" "$mirror" \
	> "$tmp/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$tmp/debootstrap.log" >&2; die "debootstrap failed"; }
r=$tmp/root
cat > "$r/etc/apt/sources.list" <<SOURCES
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security $suite-security main
SOURCES
# No daemon starts in a chroot.
printf '#!/bin/sh\nexit 101\n' > "$r/usr/sbin/policy-rc.d"
chmod 0755 "$r/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$r/etc/resolv.conf"
chroot_mount "$r"
# shellcheck disable=SC2086 # pkgs: words
if ! chroot "$r" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root INITRD=$initrd \
	DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 sh -c "
	apt-get update -qq && apt-get install -y -qq --no-install-recommends \
	$pkgs && apt-get clean" > "$tmp/apt.log" 2>&1; then
	tail -n 20 "$tmp/apt.log" >&2
	die "apt-get install $pkgs in the fresh root failed"
fi
chroot_unmount "$r"
printf '%s\n' "$suite" "$mirror" "$security" "$pkgs" "INITRD=$initrd" > "$tmp/contents"
touch "$tmp/done"
rm -rf --one-file-system "$dir"
mv "$tmp" "$dir"
log "debroot: built $dir in $(($(date +%s) - start)) s ($pkgs)"
echo "$dir/root"
