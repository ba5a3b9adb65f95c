#!/usr/bin/env bash
# make demo as a person runs it first, in this tree (.ci/run calls it in
# its fresh clone, before make check): it must succeed (the guest checks
# each number it sets beside the kernel's) and print every part: the
# fragmentation report before and after the workload, the page-table
# commands on memshape, the vmalloc buffer in each mode, then the recap.
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
echo "# make demo: exit $rc after ${secs}s ($(wc -l < "$out") lines)"

# part N: the lines of part "== N. ..." up to the next heading.
part() {
	awk -v t="== $1. " '
		index($0, t) == 1 { on = 1; next }
		/^== / { on = 0 }
		on' "$out"
}

# buddy_blocks: for each "$ cat /proc/mmlens/buddyinfo" of part 1, how
# many zone lines it printed.
buddy_blocks() {
	part 1 | awk '
		/^\$ cat \/proc\/mmlens\/buddyinfo$/ { k++; on = 1; next }
		on && /Node [0-9]+, zone/ { n[k]++; next }
		{ on = 0 }
		END { for (i = 1; i <= k; i++) printf "%d ", n[i] + 0 }'
}

# expect NAME PART REGEX: part PART has a line matching REGEX (grep
# reads all of it: an early exit would fail the pipe under pipefail).
expect() {
	if part "$2" | grep -Ec -e "$3" > /dev/null; then
		result ok "make demo: $1"
	else
		result fail "make demo: $1 (no line /$3/ in part $2)"
	fi
}

read -r before after _ <<< "$(buddy_blocks)"
if [ "${before:-0}" -gt 0 ] && [ "${after:-0}" -gt 0 ]; then
	result ok "make demo printed buddyinfo before and after the workload ($before, $after zones)"
else
	result fail "make demo printed buddyinfo before and after the workload (${before:-none}, ${after:-none})"
fi
expect "mmlens frag's verdict after the workload" 1 '^  verdict: '
expect "mmlens physmap of the fragmented zone" 1 '^  Node 0, zone DMA32: pfn '
expect "mmlens vmas of memshape" 2 '^  pid [0-9]+: [0-9]+ VMAs'
expect "mmlens map of memshape" 2 '^  pid [0-9]+ \(memshape\): '
expect "mmlens pt of memshape, with its THP leaves" 2 '^  [0-9a-f]+ +[0-9a-f]+ +pmd +1 +2M +present'
expect "mmlens vtop of memshape's THP" 2 '^  → pfn 0x'
expect "the kernel's numbers beside mmlens's" 2 '^  kernel: .* = ([^;]*);  mmlens: '
expect "mmlens vbuf in lazy mode" 3 'mode lazy; touched 64'
expect "mmlens vbuf in around and eager mode" 3 '--mode eager'
for n in 1 2 3; do
	expect "part $n says what to look at" "$n" '^look at: '
done
# every "kernel: X = A;  mmlens: B" line the demo printed has A = B
bad=$(grep -E '^  kernel: .* = .*;  mmlens: ' "$out" |
	awk -F' = |;  mmlens: ' '$2 != $3' | head -n 3)
if [ -z "$bad" ]; then
	result ok "make demo: every kernel number equals mmlens's"
else
	result fail "make demo: every kernel number equals mmlens's"
	printf '#   %s\n' "$bad"
fi
if grep -q '^== What you just saw' "$out" && grep -q '^== Next' "$out"; then
	result ok "make demo ends with what was shown and what to try next"
else
	result fail "make demo ends with what was shown and what to try next"
fi
