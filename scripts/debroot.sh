#!/usr/bin/env bash
# A fresh Debian 12 root: debootstrap (minbase), then dkms and kernels
# with their headers, nothing of mmlens. Two kinds:
#   debroot.sh        for scripts/deb-test.sh: every matrix kernel, no
#                     initramfs (below); never booted.
#   debroot.sh boot   for scripts/systemd-test.sh: Debian's 6.12 only,
#                     with systemd as init (systemd-sysv, udev), its
#                     initramfs (initramfs-tools) and
#                     prometheus-node-exporter, enabled as Debian ships
#                     it; booted as a QEMU guest.
# The images too, as on a real machine: 6.12's headers pull theirs in
# anyway, and without one, dkms' depmod makes /lib/modules/<release>/
# modules.* that the purge check would see as left behind. No initramfs:
# the root never boots, and apt ran mkinitramfs three times (6.12 twice,
# the second from its trigger), 57-67 s of a core each, on a cold make
# check's critical path (INITRD=No, which the kernel packages'
# /etc/kernel/postinst.d/initramfs-tools hook honours).
# The suite's mirrors are this machine's (scripts/apt-sources.sh reads
# its apt configuration): debootstrap fetches from the first source of
# the suite itself, and the root's sources.list is apt-sources.sh's
# lines (the suite, -updates, -security, as configured here).
# Cached under $MMLENS_CACHE/debroot/, keyed by what is in it (suite,
# sources lines, package list, INITRD), built once and never changed:
# the test works on an overlay of it. Prints the root's path; a cold
# build prints the time it took on stderr.
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

suite=bookworm
sources=$(bash "$MMLENS_TOP/scripts/apt-sources.sh" "$suite")
mirror=$(awk -v s="$suite" '$3 == s { print $2; exit }' <<< "$sources")
kind=${1:-packages}
pkgs="dkms"
initrd=No
case $kind in
packages) kernels=$(kernel_names) ;;
boot)
	kernels=$MMLENS_BOOT_KERNEL
	pkgs="$pkgs systemd systemd-sysv udev initramfs-tools prometheus-node-exporter"
	initrd=Yes
	;;
*) die "usage: debroot.sh [boot]" ;;
esac
for name in $kernels; do
	rel=$(kernel_release "$name") || die "no kernel release for $name"
	pkgs="$pkgs linux-image-$rel linux-headers-$rel"
done
key=$(printf '%s\n' "$suite" "$sources" "$pkgs" "INITRD=$initrd" |
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
printf '%s\n' "$sources" > "$r/etc/apt/sources.list"
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
if [ "$initrd" = Yes ]; then
	for name in $kernels; do
		rel=$(kernel_release "$name")
		if [ ! -s "$r/boot/initrd.img-$rel" ] || [ ! -s "$r/boot/vmlinuz-$rel" ]; then
			die "no /boot/vmlinuz-$rel and initrd.img-$rel in the root"
		fi
	done
fi
printf '%s\n' "$suite" "$sources" "$pkgs" "INITRD=$initrd" > "$tmp/contents"
touch "$tmp/done"
rm -rf --one-file-system "$dir"
mv "$tmp" "$dir"
log "debroot: built $dir in $(($(date +%s) - start)) s ($pkgs)"
echo "$dir/root"
