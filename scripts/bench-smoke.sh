#!/usr/bin/env bash
# make bench as a person runs it, from a clean copy of this tree (no
# .build, nothing built), shortened to one round over 64 MiB (pt_bench
# scales its 65,000-VMA measure down with it): proves the command works;
# its numbers mean nothing at this size. Results: the command itself, each
# benchmark program per cell, bench.json written and parsed with both
# cells' measures in it, and scripts/bench-compare.sh run on it.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

BENCH_CELLS="deb6.1-2node-4lvl deb6.12-2node-5lvl"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
clean_copy "$work/tree"
start=$(date +%s)
(
	unset MMLENS_BUILD MMLENS_RESULTS MMLENS_TESTS
	# The debug kernel's lock-hold part would add a KASAN guest's boot.
	export MMLENS_VM_BENCH_MIB=64 MMLENS_VM_BENCH_ROUNDS=1 MMLENS_BENCH_LOCKHOLD=0 \
		MMLENS_VM_BENCH_HUGE_MIB=256
	make -C "$work/tree" bench
) > "$work/bench.out" 2>&1
rc=$?
secs=$(($(date +%s) - start))
if [ $rc -eq 0 ]; then
	result ok "make bench from a clean copy (64 MiB, 1 round)"
	echo "# make bench, 64 MiB, 1 round: ${secs}s"
else
	result fail "make bench from a clean copy (64 MiB, 1 round)"
	echo "# make bench: exit $rc"
	tail -n 30 "$work/bench.out" | sed 's/^/#   /'
fi
for cell in $BENCH_CELLS; do
	for what in "pt_bench ran" "frag_bench ran" "vbuf_bench ran"; do
		if grep -q "^ok	$cell: bench: $what" \
			"$work/tree/.build/bench-results.txt" 2>/dev/null; then
			result ok "make bench: $cell: $what"
		else
			result fail "make bench: $cell: $what"
		fi
	done
done

# bench.json: valid JSON, every cell with measures, none of them failed.
json=$work/tree/.build/bench.json
if [ -f "$json" ] && python3 -m json.tool "$json" > /dev/null &&
	python3 - "$json" "$BENCH_CELLS" > "$work/json.out" 2>&1 <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
bad = 0
for cell in sys.argv[2].split():
    ms = doc["kernels"].get(cell, {}).get("measures", {})
    failed = [m for m, d in ms.items() if d.get("verdict") == "FAIL"]
    print("%s: %d measures, %d with a verdict%s" % (
        cell, len(ms), sum(d.get("verdict") in ("PASS", "MISS")
                           for d in ms.values()),
        ", failed: " + " ".join(failed) if failed else ""))
    bad += not ms or bool(failed)
sys.exit(bad)
EOF
then
	result ok "make bench wrote .build/bench.json and it parses"
else
	result fail "make bench wrote .build/bench.json and it parses"
fi
sed 's/^/# smoke: /' "$work/json.out" 2>/dev/null
if [ -f "$json" ] && bash "$MMLENS_TOP/scripts/bench-compare.sh" "$json" \
	"$json" > "$work/compare.out" 2>&1 &&
	grep -q 'contig.vmas/pagemap' "$work/compare.out"; then
	result ok "scripts/bench-compare.sh compares two bench.json"
else
	result fail "scripts/bench-compare.sh compares two bench.json"
	tail -n 10 "$work/compare.out" 2>/dev/null | sed 's/^/#   /'
fi
