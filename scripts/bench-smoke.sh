#!/usr/bin/env bash
# make bench as a person runs it, from a clean copy of this tree (no
# .build, nothing built), shortened to one round over 64 MiB: proves the
# command works; its numbers mean nothing at this size. One result per
# benchmark cell, plus one for the command itself.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clean_copy "$work/tree"
start=$(date +%s)
(
	unset MMLENS_BUILD MMLENS_RESULTS MMLENS_TESTS
	export MMLENS_VM_BENCH_MIB=64 MMLENS_VM_BENCH_ROUNDS=1
	make -C "$work/tree" bench
) > "$work/bench.out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
if [ $rc -eq 0 ]; then
	result ok "make bench from a clean copy (64 MiB, 1 round: ${secs}s)"
else
	result fail "make bench from a clean copy (exit $rc)"
	tail -n 30 "$work/bench.out" | sed 's/^/#   /'
fi
for cell in deb6.1-2node-4lvl deb6.12-2node-5lvl; do
	for what in "pt_bench ran" "vbuf_bench ran"; do
		if grep -q "^ok	$cell: bench: $what" \
			"$work/tree/.build/bench-results.txt" 2>/dev/null; then
			result ok "make bench: $cell: $what"
		else
			result fail "make bench: $cell: $what"
		fi
	done
done
grep 'pt bench .*ratios' "$work/bench.out" | sed 's/^#*/# smoke:/'
