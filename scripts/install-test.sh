#!/usr/bin/env bash
# make install (which first runs make, for that KDIR), from a clean copy
# of the tree into a scratch root, for every matrix kernel: the module
# lands in lib/modules/<release>/extra, the tool in bin, the systemd units
# (not enabled) in lib/systemd/system, the service running that tool.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for name in $(kernel_names); do
	rel=$(kernel_release "$name")
	tree=$work/tree-$name root=$work/root-$name
	clean_copy "$tree"
	if make -C "$tree" install KDIR="/lib/modules/$rel/build" \
		INSTALL_MOD_PATH="$root" DESTDIR="$root" PREFIX=/usr \
		> "$work/log" 2>&1 &&
		ls "$root/lib/modules/$rel/extra/"mmlens.ko* > /dev/null 2>&1 &&
		[ -x "$root/usr/bin/mmlens" ] &&
		[ -f "$root/usr/lib/systemd/system/mmlens-export.timer" ] &&
		grep -q '^ExecStart=/usr/bin/mmlens export ' \
			"$root/usr/lib/systemd/system/mmlens-export.service" &&
		[ ! -e "$root/etc/systemd" ]; then
		result ok "make install for $name: $(cd "$root" && ls lib/modules/"$rel"/extra/mmlens.ko*) usr/bin/mmlens usr/lib/systemd/system/mmlens-export.{service,timer}"
	else
		result fail "make install for $name"
		tail -n 20 "$work/log" | sed 's/^/#   /'
	fi
done
