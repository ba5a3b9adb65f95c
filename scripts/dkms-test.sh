#!/usr/bin/env bash
# dkms add/build of a copy of this tree, registered under a throw-away
# version, for every matrix kernel; the built mmlens.ko is copied to
# $MMLENS_BUILD/dkms/<kernel>/ (matrix.sh loads it in a VM) and the
# registration is removed again, whatever happens.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

ver=0.0.$$-citest
src=/usr/src/mmlens-$ver
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	dkms remove -m mmlens -v "$ver" --all > /dev/null 2>&1
	rm -rf "$src" "/var/lib/dkms/mmlens/$ver"
}
trap cleanup EXIT

mkdir -p "$src"
cp -r "$MMLENS_TOP/module" "$MMLENS_TOP/kunit" "$MMLENS_TOP/Kbuild" \
	"$MMLENS_TOP/dkms.conf" "$src/"
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver\"/" "$src/dkms.conf"
if ! dkms add -m mmlens -v "$ver" > "$MMLENS_BUILD/dkms-add.log" 2>&1; then
	result fail "dkms add"
	sed 's/^/#   /' "$MMLENS_BUILD/dkms-add.log"
	exit 1
fi
result ok "dkms add"

rc=0
for name in $(all_kernel_names); do
	rel=$(kernel_release "$name")
	log=$MMLENS_BUILD/dkms-$name.log
	dir=/var/lib/dkms/mmlens/$ver/$rel/$(uname -m)/module
	ko=$MMLENS_BUILD/dkms/$name/mmlens.ko
	rm -f "$ko"
	mkdir -p "$(dirname "$ko")"
	# dkms compresses the result as the kernel's modules are (xz on 6.12).
	if dkms build -m mmlens -v "$ver" -k "$rel" > "$log" 2>&1; then
		if [ -f "$dir/mmlens.ko.xz" ]; then
			xz -dc "$dir/mmlens.ko.xz" > "$ko"
		elif [ -f "$dir/mmlens.ko" ]; then
			cp "$dir/mmlens.ko" "$ko"
		fi
	fi
	if [ -s "$ko" ] &&
		[ "$(modinfo -F vermagic "$ko" | cut -d' ' -f1)" = "$rel" ]; then
		result ok "dkms build for $name ($rel)"
	else
		result fail "dkms build for $name ($rel)"
		tail -n 20 "$log" | sed 's/^/#   /'
		find "/var/lib/dkms/mmlens/$ver" -name 'make.log' \
			-exec tail -n 20 {} \; | sed 's/^/#   /'
		rc=1
	fi
done
exit $rc
