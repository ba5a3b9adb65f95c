#!/usr/bin/env bash
# make demo as a person runs it first, in this tree (.ci/run calls it in
# its fresh clone, before make check): it must succeed and print the
# fragmentation report before and after the workload, then the summary.
# Results go to $MMLENS_RESULTS like every other check.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

out=$MMLENS_BUILD/demo.out
start=$(date +%s)
make -C "$MMLENS_TOP" demo > "$out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
cat "$out"
if [ $rc -eq 0 ]; then
	result ok "make demo from a clean clone"
else
	result fail "make demo from a clean clone"
fi
echo "# make demo: exit $rc after ${secs}s"

# section TITLE: the buddyinfo lines printed under the "== TITLE..." heading.
section() {
	awk -v t="== $1" '
		index($0, t) == 1 { on = 1; next }
		/^== / { on = 0 }
		on && /^-- \/proc\/mmlens\// { f = $2; next }
		on && f == "/proc/mmlens/buddyinfo" && /Node [0-9]+, zone/' "$out"
}
for when in before after; do
	n=$(section "$when" | wc -l)
	if [ "$n" -gt 0 ]; then
		result ok "make demo printed buddyinfo $when the workload ($n zones)"
	else
		result fail "make demo printed buddyinfo $when the workload"
	fi
done
if grep -q '^== What you just saw' "$out" && grep -q '^  mmlens vmas PID' "$out"; then
	result ok "make demo ends with what was shown and what to try next"
else
	result fail "make demo ends with what was shown and what to try next"
fi
