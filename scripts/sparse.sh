#!/usr/bin/env bash
# sparse (C=2) over our sources for every matrix kernel; fails on any
# warning that names one of our files. Prints one result per kernel.
# The debug kernels, when built (scripts/debug-kernel.sh), are checked too:
# only they have CONFIG_KUNIT, so only they compile kunit/.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

rc=0
# sparse.sh [NAME...]: those kernels (check.sh does the debug kernels
# once their background build is done); by default every one, debug
# kernels as far as they are built.
names=$*
if [ -z "$names" ]; then
	names=$(all_kernel_names)
	for name in "$MMLENS_DEBUG_KERNEL" "$MMLENS_DEBUG_RT_KERNEL"; do
		if [ -f "$(kernel_debug_dir "$name")/.done" ]; then
			names="$names $name"
		fi
	done
fi
for name in $names; do
	kernel_release "$name" > /dev/null || die "no headers for $name"
	out=$(mktemp -d)
	bash "$MMLENS_TOP/scripts/build-module.sh" "$(kernel_kdir "$name")" \
		"$out" C=2 CHECK="sparse -Wno-unknown-attribute" \
		> "$out.log" 2>&1
	build=$?
	checked=$(grep -c '^  CHECK ' "$out.log")
	if [ $build -ne 0 ] || grep -E "^$out/(module|kunit)/" "$out.log" |
		grep -q ': warning:\|: error:'; then
		result fail "sparse clean on $name"
		echo "# sparse on $name: $checked files checked"
		grep -v 'Skipping BTF' "$out.log" | sed 's/^/#   /' | head -n 40
		rc=1
	else
		result ok "sparse clean on $name"
		echo "# sparse on $name: $checked files checked"
	fi
	rm -rf "$out" "$out.log"
done
exit $rc
