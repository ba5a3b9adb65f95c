#!/usr/bin/env bash
# kunit-parse.sh CELL LOG: turn the KUnit results a guest printed into one
# result line per test case (a parameterised case: one per parameter).
#
# t_kunit.sh prints each suite's /sys/kernel/debug/kunit/<suite>/results
# with a "KTAP " prefix between MMLENS-KUNIT-BEGIN and MMLENS-KUNIT-END.
# Each of those files is a KTAP document for one suite; they are joined
# into one document the way the kernel prints built-in suites, and parsed
# by the kernel's own parser (tools/testing/kunit/kunit.py parse, from the
# linux-source-6.12 tree) into JSON, which is read here.
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

cell=$1 log=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n '/^MMLENS-KUNIT-BEGIN/,/^MMLENS-KUNIT-END/s/^KTAP //p' "$log" |
	tr -d '\r' > "$tmp/suites"

# Join: drop each suite file's own "KTAP version 1" / "1..1" header and
# renumber its closing "ok 1 <suite>" line.
awk '
	/^KTAP version/ { getline; next }
	/^(not )?ok 1 / { n++; sub(/ok 1 /, "ok " n " "); }
	{ body = body $0 "\n" }
	END { printf "KTAP version 1\n1..%d\n%s", n, body }
' "$tmp/suites" > "$tmp/ktap"

if ! grep -q '^\(not \)\{0,1\}ok ' "$tmp/ktap"; then
	result fail "$cell: kunit results in the log"
	exit 0
fi

src=$(bash "$MMLENS_TOP/scripts/ksource.sh") || {
	result fail "$cell: kunit.py from linux-source-6.12 available"
	exit 0
}
python3 "$src/tools/testing/kunit/kunit.py" parse --json="$tmp/json" \
	"$tmp/ktap" > "$tmp/parse.out" 2>&1
parse_rc=$?
sed 's/^/# kunit.py: /' "$tmp/parse.out" | grep -v '^# kunit.py: *$' |
	tail -n 5

# "STATUS<TAB>suite.case[.param]" for every leaf of the JSON tree.
python3 - "$tmp/json" > "$tmp/cases" <<'EOF'
import json
import sys

def leaves(group, path):
    for case in group.get("test_cases", []):
        yield case["status"], ".".join(path + [case["name"]])
    for sub in group.get("sub_groups", []):
        yield from leaves(sub, path + [sub["name"]])

with open(sys.argv[1]) as f:
    top = json.load(f)
for status, name in leaves(top, []):
    print(f"{status}\t{name}")
EOF

nfail=0
while IFS=$'\t' read -r status name; do
	case $status in
	PASS) result ok "$cell: kunit $name" ;;
	SKIP) result skip "$cell: kunit $name" "skipped by the test" ;;
	*) result fail "$cell: kunit $name ($status)"; nfail=$((nfail + 1)) ;;
	esac
done < "$tmp/cases"

# A non-zero exit with no failed case is a KTAP the parser found broken
# (a crashed suite, a missing plan line).
if [ "$parse_rc" -ne 0 ] && [ "$nfail" -eq 0 ]; then
	result fail "$cell: kunit KTAP well-formed (kunit.py parse)"
	sed 's/^/#   /' "$tmp/ktap" | head -n 40
fi
