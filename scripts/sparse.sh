#!/usr/bin/env bash
# sparse (C=2) over our sources for every matrix kernel; fails on any
# warning that names one of our files. Prints one result per kernel.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

rc=0
for name in $(kernel_names); do
	rel=$(kernel_release "$name") || die "no headers for $name"
	out=$(mktemp -d)
	bash "$MMLENS_TOP/scripts/build-module.sh" "/lib/modules/$rel/build" \
		"$out" C=2 CHECK="sparse -Wno-unknown-attribute" \
		> "$out.log" 2>&1
	build=$?
	checked=$(grep -c '^  CHECK ' "$out.log")
	if [ $build -ne 0 ] || grep -E "^$out/(module|kunit)/" "$out.log" |
		grep -q ': warning:\|: error:'; then
		result fail "sparse clean on $name ($checked files checked)"
		grep -v 'Skipping BTF' "$out.log" | sed 's/^/#   /' | head -n 40
		rc=1
	else
		result ok "sparse clean on $name ($checked files checked)"
	fi
	rm -rf "$out" "$out.log"
done
exit $rc
