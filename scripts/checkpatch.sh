#!/usr/bin/env bash
# checkpatch.pl --no-tree -f over our kernel sources: no errors, no warnings.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

src=$(bash "$MMLENS_TOP/scripts/ksource.sh") || exit 1
cd "$MMLENS_TOP" || exit 1
files=$(ls module/*.[ch] module/*/*.[ch] kunit/*.[ch] 2>/dev/null)
# shellcheck disable=SC2086
out=$(perl "$src/scripts/checkpatch.pl" --no-tree --terse -f $files 2>&1 |
	grep -v '^total: 0 errors, 0 warnings\|has no obvious style problems')
if [ -z "$out" ]; then
	result ok "checkpatch clean"
	echo "# checkpatch: $(echo "$files" | wc -w) files"
else
	result fail "checkpatch clean"
	printf '%s\n' "$out" | sed 's/^/#   /' | head -n 40
	exit 1
fi
