#!/usr/bin/env bash
# Rewrite fuzz/corpus from the fixtures: one seed per parser and snapshot,
# each the file's text behind one byte naming the parser (see
# fuzz_parsers.c: 0 version, 1 fraginfo, 2 vmas, 3 pagetable, 4 vtop,
# 5 vbuf, 6 watermarks, 7 compaction, 8 pageblocks,
# 9 pagetypeinfo). Run after scripts/capture-fixtures.sh.
set -euo pipefail
cd "$(dirname "$0")"
F=../fixtures
D=sys/kernel/debug/mmlens
rm -rf corpus
mkdir corpus

# seed SELECTOR FILE NAME [BYTES]
seed() {
	{
		# shellcheck disable=SC2059
		printf "\\$(printf '%03o' "$1")"
		if [ -n "${4:-}" ]; then head -c "$4" "$2"; else cat "$2"; fi
	} > "corpus/$3"
}

seed 0 "$F/spec/proc/mmlens/version" version
i=0
for snap in "$F"/*/; do
	name=$(basename "$snap")
	[ -f "$snap/proc/mmlens/fraginfo" ] && seed 1 "$snap/proc/mmlens/fraginfo" "fraginfo-$name"
	[ -f "$snap/$D/vbuf" ] && seed 5 "$snap/$D/vbuf" "vbuf-$name"
	[ -f "$snap/proc/mmlens/watermarks" ] && seed 6 "$snap/proc/mmlens/watermarks" "watermarks-$name"
	[ -f "$snap/proc/mmlens/compaction" ] && seed 7 "$snap/proc/mmlens/compaction" "compaction-$name"
	[ -f "$snap/proc/mmlens/pagetypeinfo" ] && seed 9 "$snap/proc/mmlens/pagetypeinfo" "pagetypeinfo-$name"
	[ -f "$snap/proc/mmlens/pageblocks" ] && seed 8 "$snap/proc/mmlens/pageblocks" "pageblocks-$name" 4000
	for pid in "$snap/$D"/pids/*/; do
		[ -d "$pid" ] || continue
		seed 2 "$pid/vmas" "vmas-$name"
		seed 3 "$pid/pagetable" "pagetable-$name" 4000
		for v in "$pid"/vtop-*; do
			case $v in *.errno) continue ;; esac
			[ -s "$v" ] || continue
			seed 4 "$v" "vtop-$i"
			i=$((i + 1))
		done
	done
done
# an older module's node lines, which still parse (docs/frag.md)
sed 's/^\(Node [0-9]* score=[0-9]*\)$/\1 low=80 high=90 proactive=yes/' \
	"$F/spec/proc/mmlens/compaction" > corpus/.old
seed 7 corpus/.old compaction-old-module
rm corpus/.old
echo "fuzz/seed.sh: $(find corpus -type f | wc -l) seeds"
