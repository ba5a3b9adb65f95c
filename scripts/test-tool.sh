#!/usr/bin/env bash
# make test-tool: the mmlens tool's host tests, no QEMU. Builds the tool
# and the unit tests with ASan and UBSan, then: unit tests; golden outputs
# over the snapshots in userspace/fixtures (real captures from the VM and
# hand-written ones); JSON validity; exit codes and messages; the --watch
# redraw under tmux; --help, the man page; the fresh root's apt sources
# (scripts/apt-sources.sh); shellcheck. One result line per test,
# closing with "N passed, N failed".
#
#   test-tool.sh           run the tests
#   test-tool.sh --regen   rewrite userspace/golden/*.out from this tool
#                          (then read the diff: it is what users will see)
set -uo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

US=$MMLENS_TOP/userspace
FIX=$US/fixtures
GOLD=$US/golden
OUT=$MMLENS_BUILD/tool-test
TOOL=$OUT/mmlens
regen=0
[ "${1:-}" = --regen ] && regen=1

rm -rf "$OUT"
mkdir -p "$OUT"
export MMLENS_RESULTS=$OUT/results.txt
: > "$MMLENS_RESULTS"
export ASAN_OPTIONS=abort_on_error=0:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
unset NO_COLOR
export TZ=UTC

pass() { result ok "$1"; }
flunk() {
	result fail "$1"
	shift
	[ $# -gt 0 ] && printf '%s\n' "$@" | head -n 30 | sed 's/^/#   /'
	return 0
}
# judge NAME CMD...: pass NAME when CMD succeeds (the first line it
# printed, if any, as a diagnostic), flunk with what it printed if not.
judge() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
		[ -z "$out" ] || printf '#   %s\n' "${out%%$'\n'*}"
	else
		flunk "$name" "$out"
	fi
}

# ---- build ----
san="-O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if make -s -C "$US" OUT="$OUT" CFLAGS="$san" all unit > "$OUT/build.log" 2>&1; then
	pass "build tool and unit tests with ASan+UBSan, -Wall -Wextra -Werror"
else
	flunk "build tool and unit tests with ASan+UBSan, -Wall -Wextra -Werror" \
		"$(tail -n 30 "$OUT/build.log")"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- unit tests ----
"$OUT/unit" > "$OUT/unit.out" 2>&1
unit_rc=$?
while IFS= read -r line; do
	case $line in
	"ok "*) pass "unit: ${line#ok }" ;;
	"not ok "*) flunk "unit: ${line#not ok }" ;;
	esac
done < "$OUT/unit.out"
if [ "$unit_rc" -ne 0 ] && ! grep -q '^not ok' "$OUT/unit.out"; then
	flunk "unit: the unit test program exited $unit_rc" \
		"$(tail -n 20 "$OUT/unit.out")"
fi

# ---- golden outputs ----
# run_case NAME DIR ARGS...: the tool run in userspace/fixtures (so paths
# in messages are relative) with --root DIR; stdout, stderr and exit code
# into $OUT/golden/NAME.out.
run_case() {
	local name=$1 dir=$2 rc
	shift 2
	mkdir -p "$OUT/golden"
	(cd "$FIX" && COLUMNS=100 "$TOOL" --root "$dir" "$@" \
		> "$OUT/golden/$name.stdout" 2> "$OUT/golden/$name.stderr")
	rc=$?
	{
		printf '$ mmlens --root %s %s\n' "$dir" "$*"
		cat "$OUT/golden/$name.stdout"
		if [ -s "$OUT/golden/$name.stderr" ]; then
			echo "--- stderr"
			cat "$OUT/golden/$name.stderr"
		fi
		echo "--- exit $rc"
	} > "$OUT/golden/$name.out"
}

# Every snapshot: frag (text, JSON); with pageblocks: physmap (text,
# JSON); with walker reports: vmas, pt, map, every vtop; with vbuf stats
# and a device file: vbuf.
auto_cases() {
	local d dir pid f a
	for d in "$FIX"/*/; do
		dir=$(basename "$d")
		[ -f "$d/proc/mmlens/version" ] || continue
		echo "$dir.frag $dir frag"
		echo "$dir.frag-json $dir frag --json"
		echo "$dir.export $dir export"
		if [ -f "$d/proc/mmlens/pageblocks" ]; then
			echo "$dir.physmap $dir physmap --width 100"
			echo "$dir.physmap-json $dir physmap --json"
		fi
		for pid in "$d"/sys/kernel/debug/mmlens/pids/*/; do
			[ -d "$pid" ] || continue
			pid=$(basename "$pid")
			echo "$dir.vmas $dir vmas $pid"
			echo "$dir.vmas-json $dir vmas $pid --json"
			echo "$dir.vmas-runs $dir vmas $pid --runs"
			echo "$dir.vmas-runs-json $dir vmas $pid --runs --json"
			echo "$dir.pt $dir pt $pid"
			echo "$dir.pt-json $dir pt $pid --json"
			echo "$dir.map $dir map $pid --width 100"
			if [ -f "$d/sys/kernel/debug/mmlens/pids/$pid/numa" ]; then
				echo "$dir.vmas-numa $dir vmas $pid --numa"
				echo "$dir.vmas-numa-json $dir vmas $pid --numa --json"
				echo "$dir.map-numa $dir map $pid --width 100 --numa"
				echo "$dir.map-numa-color $dir --color always map $pid --width 100 --numa"
			fi
			for f in "$d"/sys/kernel/debug/mmlens/pids/"$pid"/vtop-*; do
				[ -f "$f" ] || continue
				a=${f##*/vtop-}
				case $a in *.errno) continue ;; esac
				[ -f "$f.errno" ] && continue
				echo "$dir.vtop-$a $dir vtop $pid $a"
				echo "$dir.vtop-$a-json $dir vtop $pid $a --json"
			done
		done
		if [ -f "$d/dev/mmlens" ]; then
			echo "$dir.vbuf $dir vbuf"
			echo "$dir.vbuf-json $dir vbuf --json"
		fi
	done
}

all_cases() {
	auto_cases
	grep -v '^#' "$GOLD/cases" | grep -v '^$'
}

all_cases > "$OUT/cases"
while read -r name dir args; do
	# shellcheck disable=SC2086
	run_case "$name" "$dir" $args
done < "$OUT/cases"

# A sanitizer report would change an exit code and land in a golden file.
if grep -l 'Sanitizer\|runtime error' "$OUT"/golden/*.stderr > "$OUT/san.txt"; then
	flunk "sanitizers: no ASan/UBSan/LSan report in any golden run" \
		"$(head -n 5 "$OUT/san.txt")"
else
	pass "sanitizers: no ASan/UBSan/LSan report in any golden run"
fi

if [ "$regen" = 1 ]; then
	find "$GOLD" -name '*.out' -delete
	cp "$OUT"/golden/*.out "$GOLD/"
	log "test-tool: wrote $(find "$GOLD" -name '*.out' | wc -l) golden files; review: git diff $GOLD"
fi
while read -r name dir args; do
	g=$GOLD/$name.out
	if [ ! -f "$g" ]; then
		flunk "golden: $name (no $g; run scripts/test-tool.sh --regen)"
	elif cmp -s "$g" "$OUT/golden/$name.out"; then
		pass "golden: $name"
	else
		flunk "golden: $name" "$(diff -u "$g" "$OUT/golden/$name.out")"
	fi
done < "$OUT/cases"
for g in "$GOLD"/*.out; do
	[ -f "$g" ] || continue
	grep -q "^$(basename "$g" .out) " "$OUT/cases" ||
		flunk "golden: $(basename "$g") has no case (stale; --regen)"
done

# ---- JSON ----
# Every --json case: valid JSON, the common envelope, and exit 0.
json_check() {
	python3 -m json.tool "$1" > /dev/null || return 1
	python3 - "$1" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["schema"] == 1, "schema"
assert isinstance(doc["tool_version"], str), "tool_version"
assert "module_version" in doc, "module_version"
assert isinstance(doc["command"], str), "command"
EOF
}

while read -r name dir args; do
	case " $args " in *" --json "*) ;; *) continue ;; esac
	if ! grep -q '^--- exit 0$' "$OUT/golden/$name.out"; then
		flunk "json: $name exits 0" "$(tail -n 5 "$OUT/golden/$name.out")"
	else
		judge "json: $name is valid JSON with the envelope" \
			json_check "$OUT/golden/$name.stdout"
	fi
done < "$OUT/cases"

# Numbers in frag --json are the snapshot's fraginfo, field for field.
frag_json_equal() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
lines = []
for z in doc["zones"]:
    for o in z["orders"]:
        lines.append("node=%d zone=%s " % (z["node"], z["zone"]) +
                     " ".join("%s=%d" % kv for kv in o.items()))
want = open(sys.argv[2]).read().split("\n")[:-1]
assert lines == want, "\n".join(set(lines) ^ set(want))
EOF
}
for d in "$FIX"/*/; do
	dir=$(basename "$d")
	[ -f "$d/proc/mmlens/fraginfo" ] || continue
	judge "json: $dir frag numbers equal its fraginfo" \
		frag_json_equal "$OUT/golden/$dir.frag-json.stdout" \
		"$d/proc/mmlens/fraginfo"
done

# Policies and node counts in vmas --numa --json are the snapshot's numa
# file, line for line (VMAs in address order, as the module lists them).
numa_json_equal() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
lines = []
for v in doc["vmas"]:
    line = "%08x-%08x %s" % (int(v["start"], 16), int(v["end"], 16), v["policy"])
    line += "".join(" N%d=%d" % (n["node"], n["pages"]) for n in v["nodes"])
    lines.append(line)
want = open(sys.argv[2]).read().split("\n")[:-1]
assert lines == want, "\n".join(sorted(set(lines) ^ set(want)))
EOF
}
for f in "$FIX"/*/sys/kernel/debug/mmlens/pids/*/numa; do
	[ -f "$f" ] || continue
	dir=${f#"$FIX"/}
	dir=${dir%%/*}
	judge "json: $dir vmas --numa policies and nodes equal its numa file" \
		numa_json_equal "$OUT/golden/$dir.vmas-numa-json.stdout" "$f"
	# NO_COLOR wins over --color always
	pid=${f%/numa}
	pid=${pid##*/}
	if NO_COLOR=1 "$TOOL" --root "$FIX/$dir" --color always map "$pid" --numa \
		2>&1 | grep -q "$(printf '\033')"; then
		flunk "map --numa: NO_COLOR=1 beats --color always ($dir)"
	else
		pass "map --numa: NO_COLOR=1 beats --color always ($dir)"
	fi
done

# ---- exit codes ----
# expect_exit WANT PATTERN NAME ARGS...: exit code WANT, stderr matching
# PATTERN (and a hint line unless PATTERN is -).
expect_exit() {
	local want=$1 pat=$2 name=$3 rc
	shift 3
	"$TOOL" "$@" > "$OUT/ec.out" 2> "$OUT/ec.err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		flunk "exit $want: $name (got $rc)" "$(cat "$OUT/ec.err")"
	elif [ "$pat" != - ] && ! { grep -q -- "$pat" "$OUT/ec.err" &&
		grep -q '^hint: ' "$OUT/ec.err"; }; then
		flunk "exit $want: $name: message and hint" "$(cat "$OUT/ec.err")"
	else
		pass "exit $want: $name"
	fi
}

R=$OUT/roots
mkdir -p "$R/empty"
mkroot() {
	rm -rf "${R:?}/$1"
	cp -r "$FIX/spec" "$R/$1"
}
S=sys/kernel/debug/mmlens
mkroot v-major && echo 1.0.0 > "$R/v-major/proc/mmlens/version"
mkroot v-minor && echo 0.99.0 > "$R/v-minor/proc/mmlens/version"
mkroot v-bad && echo banana > "$R/v-bad/proc/mmlens/version"
mkroot badfrag && echo 'node=0 zone=X order=3' > "$R/badfrag/proc/mmlens/fraginfo"
mkroot eperm && echo 'EPERM open' > "$R/eperm/$S/pids/4242/vmas.errno"
mkroot eacces && echo 'EACCES open' > "$R/eacces/$S/pids/4242/pagetable.errno"
mkroot gone && echo 'ESRCH read' > "$R/gone/$S/pids/4242/pagetable.errno"
mkroot kthread && echo 'EINVAL write' > "$R/kthread/$S/pids/4242/vmas.errno"
mkroot nowalker && rm -f "$R/nowalker/$S/vmas" "$R/nowalker/$S/pagetable"
mkroot nodebugfs && rm -rf "$R/nodebugfs/sys"
mkroot novbuf && rm -f "$R/novbuf/dev/mmlens"
mkroot badvmas && echo '1000-2000 r--p 0 present=x' > "$R/badvmas/$S/pids/4242/vmas"
# a module before issue 13: no watermarks, compaction, pageblocks
mkroot old13 && rm -f "$R"/old13/proc/mmlens/{watermarks,compaction,pageblocks}
mkroot badwm && echo 'Node 0, zone DMA order=0 min=ok low=ok high=ok' > "$R/badwm/proc/mmlens/watermarks"
mkroot badci && echo 'Node 0 score=200' > "$R/badci/proc/mmlens/compaction"
mkroot badpb && echo 'pfn=0x1000 blocks=1 type=Movable free=0 largest=-' > "$R/badpb/proc/mmlens/pageblocks"
mkroot pbroot && echo 'EACCES open' > "$R/pbroot/proc/mmlens/pageblocks.errno"

expect_exit 0 - "frag on a good snapshot" --root "$FIX/spec" frag
expect_exit 2 'not loaded' "module not loaded (no /proc/mmlens)" --root "$R/empty" frag
expect_exit 2 'insmod' "module not loaded: vmas says so too" --root "$R/empty" vmas 1
expect_exit 2 'newer than this tool' "module of another major version" --root "$R/v-major" frag
expect_exit 2 'not a version' "unreadable version file" --root "$R/v-bad" frag
expect_exit 0 'newer than this tool' "other minor version: warning only" --root "$R/v-minor" frag
expect_exit 2 'fraginfo line 1' "malformed fraginfo" --root "$R/badfrag" frag
expect_exit 2 'watermarks line 1: order line' "malformed watermarks" --root "$R/badwm" frag
expect_exit 2 'compaction line 1: bad value for score' "malformed compaction" --root "$R/badci" frag
expect_exit 1 'wants orders 0' "--order 40" --root "$FIX/spec" frag --order 40
expect_exit 2 'pageblocks line 1: run before' "malformed pageblocks" --root "$R/badpb" physmap
expect_exit 2 'lacks the pageblock map' "physmap on a module without pageblocks" --root "$R/old13" physmap
expect_exit 3 'pageblocks needs root' "physmap: pageblocks is 0400 (EACCES)" --root "$R/pbroot" physmap
expect_exit 1 'wants 40' "physmap --width 10" --root "$FIX/spec" physmap --width 10
# Numbers are range-checked before they become an int: 2^32 + 40 is not 40.
expect_exit 1 - "physmap --width 4294967336" --root "$FIX/spec" physmap --width 4294967336
expect_exit 1 - "map --width 4294967336" --root "$FIX/spec" map 4242 --width 4294967336
expect_exit 1 - "frag --node 4294967296" --root "$FIX/spec" frag --node 4294967296
expect_exit 1 - "frag --node ''" --root "$FIX/spec" frag --node ''
expect_exit 1 'no zone matches' "physmap --zone that matches nothing" --root "$FIX/spec" physmap --zone Foo
expect_exit 1 'unexpected argument' "physmap with an argument" --root "$FIX/spec" physmap 42
expect_exit 1 'wants orders 0' "--order 3," --root "$FIX/spec" frag --order 3,
expect_exit 2 'vmas line 1' "malformed vmas" --root "$R/badvmas" vmas 4242
expect_exit 3 'needs root' "EPERM from the module (no CAP_SYS_ADMIN)" --root "$R/eperm" vmas 4242
expect_exit 3 'needs root' "EACCES (debugfs is root-only)" --root "$R/eacces" pt 4242
expect_exit 4 'no such process' "no such pid" --root "$FIX/spec" vmas 999
expect_exit 4 'exited while' "pid exited mid-read" --root "$R/gone" pt 4242
expect_exit 4 'exited while' "map: pid exited mid-read of pagetable" --root "$R/gone" map 4242
expect_exit 4 'kernel thread' "kernel thread" --root "$R/kthread" vmas 4242
expect_exit 2 'page-table walker' "module without the walker" --root "$R/nowalker" vmas 4242
expect_exit 2 'numa' "vmas --numa: module without the numa report" --root "$FIX/spec" vmas 4242 --numa
expect_exit 2 'is missing' "no debugfs directory" --root "$R/nodebugfs" pt 4242
expect_exit 2 'vmalloc buffer' "no /dev/mmlens" --root "$R/novbuf" vbuf
expect_exit 1 'unknown command' "unknown command" frobnicate
expect_exit 1 - "no command" --root "$FIX/spec"
expect_exit 1 'one process id' "pid not a number" --root "$FIX/spec" vmas abc
expect_exit 1 'one process id' "pid missing" --root "$FIX/spec" pt
expect_exit 1 'address' "vtop without an address" --root "$FIX/spec" vtop 4242
expect_exit 1 'address' "vtop with a bad address" --root "$FIX/spec" vtop 4242 0xzz
expect_exit 1 'bad option' "unknown option" --root "$FIX/spec" frag --frobnicate
expect_exit 1 'no JSON form' "--watch with --json" --root "$FIX/spec" frag --watch 1 --json
expect_exit 1 'no JSON form' "map --json" --root "$FIX/spec" map 4242 --json
expect_exit 1 'wants seconds' "--watch 0" --root "$FIX/spec" frag --watch 0
expect_exit 1 'no zone matches' "--zone that matches nothing" --root "$FIX/spec" frag --zone Foo
expect_exit 1 'unknown sort key' "--sort nonsense" --root "$FIX/spec" vmas 4242 --sort nonsense
expect_exit 1 'bad --range' "--range backwards" --root "$FIX/spec" pt 4242 --range 2000-1000
expect_exit 1 'auto, always or never' "--color rainbow" --color rainbow frag
mkroot badpti && printf 'Node 0, zone X 1\n' > "$R/badpti/proc/mmlens/pagetypeinfo"
: > "$R/afile"
expect_exit 2 'pagetypeinfo line 1' "export: malformed pagetypeinfo" --root "$R/badpti" export
expect_exit 2 'not loaded' "export: module not loaded" --root "$R/empty" export
expect_exit 1 'no JSON form' "export --json" --root "$FIX/spec" export --json
expect_exit 1 'existing, writable directory' "export --textfile: no such directory" --root "$FIX/spec" export --textfile "$R/nonexistent"
expect_exit 1 'existing, writable directory' "export --textfile: not a directory" --root "$FIX/spec" export --textfile "$R/afile"
expect_exit 1 'unexpected argument' "export with an argument" --root "$FIX/spec" export 42

# A module without the issue-13 files: frag still works, says what is
# unavailable; its JSON has null for the new keys.
"$TOOL" --root "$R/old13" frag > "$OUT/old13.out" 2>&1
rc=$?
if [ "$rc" = 0 ] && grep -q '^allocation verdicts: unavailable' "$OUT/old13.out" &&
	grep -q '^compaction state: unavailable' "$OUT/old13.out" &&
	grep -q '^verdict: ' "$OUT/old13.out"; then
	pass "frag without watermarks/compaction: exit 0, the new parts unavailable"
else
	flunk "frag without watermarks/compaction: exit 0, the new parts unavailable" \
		"exit $rc" "$(cat "$OUT/old13.out")"
fi
if "$TOOL" --root "$R/old13" frag --json > "$OUT/old13.json" 2> "$OUT/old13.err" &&
	python3 - "$OUT/old13.json" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["nodes"] is None and doc["compaction_counters"] is None
assert all(z["watermarks"] is None and z["compaction"] is None
           for z in doc["zones"])
EOF
then
	pass "frag --json without watermarks/compaction: null for the new keys"
else
	flunk "frag --json without watermarks/compaction: null for the new keys" \
		"$(cat "$OUT/old13.json")"
fi

# The verdicts in frag --json follow the watermarks file's ok/fail and
# the rules of docs/cli.md, for every zone and order of every snapshot.
verdicts_check() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
wm = {}
for line in open(sys.argv[2]):
    w = line.replace(",", " ", 1).split()
    key = (int(w[1]), w[3])
    kv = dict(x.split("=", 1) for x in w[4:])
    if "order" in kv:
        wm[key]["ok"].append(kv)
    else:
        wm[key] = {"zone": kv, "ok": []}
n = 0
for z in doc["zones"]:
    f = wm.pop((z["node"], z["zone"]))
    zl = {k: int(v) for k, v in f["zone"].items() if k != "protection"}
    for k in ("free", "min", "low", "high", "boost", "highatomic",
              "free_cma", "managed", "present", "spanned"):
        assert z["watermarks"][k] == zl[k], k
    o0 = f["ok"][0]
    for o, (v, kv) in enumerate(zip(z["watermarks"]["verdicts"], f["ok"])):
        for m in ("min", "low", "high"):
            assert v[m + "_ok"] == (kv[m] == "ok"), (z["zone"], o, m)
        if kv["low"] == "ok":
            want = "succeeds_now"
        elif o0["min"] == "fail":
            want = "fails_no_memory"
        elif o0["low"] == "fail":
            want = "needs_reclaim"
        elif zl["free"] - (2**o - 1) - zl["highatomic"] - zl["free_cma"] > zl["low"]:
            want = "needs_compaction"
        else:
            want = "needs_reclaim"
        assert v["allocation"] == want, (z["zone"], o, v, want)
        n += 1
assert not wm, wm
print(n, "verdicts")
EOF
}
for d in "$FIX"/*/; do
	dir=$(basename "$d")
	[ -f "$d/proc/mmlens/watermarks" ] || continue
	judge "json: $dir frag verdicts follow its watermarks" \
		verdicts_check "$OUT/golden/$dir.frag-json.stdout" \
		"$d/proc/mmlens/watermarks"
done

# physmap --json against the snapshot's own kernel files: blocks per type
# equal pagetypeinfo's "Number of blocks type" row, free pages equal
# buddyinfo's (the checks t_cli.sh makes in the VM).
physmap_oracle() {
	python3 - "$1" "$2" "$3" <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
rows, hdr = {}, None
for line in open(sys.argv[2]):
    w = line.replace(",", " ").split()
    if line.startswith("Number of blocks type"):
        hdr = w[4:]
    elif not w:
        hdr = None
    elif hdr and w[0] == "Node" and w[4].isdigit():
        rows[(int(w[1]), w[3])] = dict(zip(hdr, map(int, w[4:])))
bud = {}
for line in open(sys.argv[3]):
    w = line.replace(",", " ").split()
    bud[(int(w[1]), w[3])] = sum(int(n) << o for o, n in enumerate(w[4:]))
for z in doc["zones"]:
    key = (z["node"], z["zone"])
    for t, n in rows.pop(key).items():
        assert z["blocks_by_type"][t] == n, (key, t, n, z["blocks_by_type"])
    assert z["free_pages"] == bud.pop(key), key
    assert sum(r["blocks"] for r in z["runs"]) == z["blocks"]
assert not rows and not bud, (rows, bud)
EOF
}
for d in "$FIX"/*/; do
	dir=$(basename "$d")
	if [ ! -f "$d/proc/mmlens/pageblocks" ] ||
		[ ! -f "$d/proc/mmlens/pagetypeinfo" ]; then
		continue
	fi
	judge "json: $dir physmap blocks per type = pagetypeinfo, free = buddyinfo" \
		physmap_oracle "$OUT/golden/$dir.physmap-json.stdout" \
		"$d/proc/mmlens/pagetypeinfo" "$d/proc/mmlens/buddyinfo"
done

# ---- export ----
# Every value of every export equals the snapshot's file line it comes
# from, by a reader of our own (scripts/prom_oracle.py reads the kernel's
# buddyinfo, extfrag_index, unusable_index, pagetypeinfo and the module's
# files); promtool, Prometheus' own linter, passes each.
for d in "$FIX"/*/; do
	dir=$(basename "$d")
	[ -f "$d/proc/mmlens/fraginfo" ] || continue
	judge "export: $dir: every value equals its file line" \
		python3 "$MMLENS_TOP/scripts/prom_oracle.py" check "$d" \
		"$OUT/golden/$dir.export.stdout"
done
for d in "$FIX"/*/; do
	dir=$(basename "$d")
	[ -f "$OUT/golden/$dir.export.stdout" ] || continue
	if ! command -v promtool > /dev/null; then
		result skip "export: $dir: promtool check metrics" "promtool not installed (scripts/deps.sh installs prometheus)"
	else
		# shellcheck disable=SC2016 # expanded by the inner shell
		judge "export: $dir: promtool check metrics" \
			sh -c 'promtool check metrics < "$1"' sh \
			"$OUT/golden/$dir.export.stdout"
	fi
done

# --textfile: the same bytes as stdout in DIR/mmlens.prom, mode 0644 (the
# collector runs as another user), no temporary file left behind, and
# an old file replaced.
tf=$OUT/textfile
rm -rf "$tf"
mkdir -p "$tf"
echo old > "$tf/mmlens.prom"
real=$FIX/deb6.12-2node-5lvl
if "$TOOL" --root "$real" export --textfile "$tf" > "$OUT/tf.out" 2>&1 &&
	[ ! -s "$OUT/tf.out" ] &&
	cmp -s "$tf/mmlens.prom" "$OUT/golden/deb6.12-2node-5lvl.export.stdout" &&
	[ "$(stat -c %a "$tf/mmlens.prom")" = 644 ] &&
	[ "$(ls -A "$tf")" = mmlens.prom ]; then
	pass "export --textfile: DIR/mmlens.prom = stdout, mode 0644, nothing else left"
else
	flunk "export --textfile: DIR/mmlens.prom = stdout, mode 0644, nothing else left" \
		"$(cat "$OUT/tf.out")" "$(ls -la "$tf")"
fi
# Not root: pagetypeinfo and pageblocks (0400) are left out with a
# warning and mmlens_source_up 0; exit 0; an unwritable DIR is exit 3.
nr=$OUT/nonroot
rm -rf "$nr"
cp -r "$real" "$nr"
chmod -R a+rX "$nr"
chmod 0400 "$nr/proc/mmlens/pagetypeinfo" "$nr/proc/mmlens/pageblocks"
mkdir -p "$nr/out" "$nr/ro"
chmod 0777 "$nr/out"
chmod 0555 "$nr/ro"
chmod a+rx "$OUT" "$TOOL"
[ "${#AS_NOBODY[@]}" -gt 0 ] && chmod o+x "$MMLENS_BUILD"
"${AS_NOBODY[@]}" "$TOOL" --root "$nr" export --textfile "$nr/out" > "$OUT/nr.out" 2>&1
rc=$?
if [ "$rc" = 0 ] &&
	grep -q 'pagetypeinfo needs root: not exported' "$OUT/nr.out" &&
	grep -q 'pageblocks needs root: not exported' "$OUT/nr.out" &&
	grep -q '^mmlens_source_up{file="pagetypeinfo"} 0$' "$nr/out/mmlens.prom" &&
	grep -q '^mmlens_source_up{file="watermarks"} 1$' "$nr/out/mmlens.prom" &&
	! grep -q '^mmlens_pageblocks' "$nr/out/mmlens.prom" &&
	grep -q '^mmlens_extfrag_index' "$nr/out/mmlens.prom"; then
	pass "export as a user: 0400 files left out, warned, mmlens_source_up 0, exit 0"
else
	flunk "export as a user: 0400 files left out, warned, mmlens_source_up 0, exit 0" \
		"exit $rc" "$(cat "$OUT/nr.out")"
fi
"${AS_NOBODY[@]}" "$TOOL" --root "$nr" export --textfile "$nr/ro" > "$OUT/nr.out" 2>&1
rc=$?
if [ "$rc" = 3 ] && grep -q 'Permission denied' "$OUT/nr.out" &&
	grep -q '^hint: ' "$OUT/nr.out" && [ -z "$(ls -A "$nr/ro")" ]; then
	pass "exit 3: export --textfile into a directory this user may not write"
else
	flunk "exit 3: export --textfile into a directory this user may not write" \
		"exit $rc" "$(cat "$OUT/nr.out")"
fi
# --skip (mmlens-export.service skips pageblocks, which needs
# CAP_SYS_ADMIN): the files named are not read, their families are left
# out without a word, mmlens_source_up is 0 for them; the rest is the
# whole export's, line for line.
"$TOOL" --root "$real" export --skip pageblocks,compaction > "$OUT/skip.prom" 2> "$OUT/skip.err"
rc=$?
grep -v -e '^mmlens_pageblocks_free' -e '^# [A-Z]* mmlens_pageblocks_free ' \
	-e '^mmlens_compact' -e '^# [A-Z]* mmlens_compact' \
	-e '^mmlens_source_up{file="pageblocks"}' -e '^mmlens_source_up{file="compaction"}' \
	"$OUT/golden/deb6.12-2node-5lvl.export.stdout" > "$OUT/skip.want"
if [ "$rc" = 0 ] && [ ! -s "$OUT/skip.err" ] &&
	grep -q '^mmlens_source_up{file="pageblocks"} 0$' "$OUT/skip.prom" &&
	grep -q '^mmlens_source_up{file="compaction"} 0$' "$OUT/skip.prom" &&
	diff <(grep -v '^mmlens_source_up{file="\(pageblocks\|compaction\)"}' "$OUT/skip.prom") \
		"$OUT/skip.want" > "$OUT/skip.diff"; then
	pass "export --skip pageblocks,compaction: left out silently, mmlens_source_up 0, the rest as without"
else
	flunk "export --skip pageblocks,compaction: left out silently, mmlens_source_up 0, the rest as without" \
		"exit $rc" "$(cat "$OUT/skip.err")" "$(head -n 20 "$OUT/skip.diff")"
fi
expect_exit 1 'not a list of files' "export --skip fraginfo (required)" --root "$real" export --skip fraginfo
expect_exit 1 'not a list of files' "export --skip with an unknown file" --root "$real" export --skip pageblocks,nosuch
expect_exit 1 'not a list of files' "export --skip with an empty name" --root "$real" export --skip pageblocks,
# A module before issue 13: no watermarks, compaction, pageblocks.
"$TOOL" --root "$R/old13" export > "$OUT/old13.prom" 2> "$OUT/old13.err"
rc=$?
if [ "$rc" = 0 ] && [ "$(grep -c 'not exported' "$OUT/old13.err")" = 4 ] &&
	grep -q '^mmlens_source_up{file="compaction"} 0$' "$OUT/old13.prom" &&
	grep -q '^mmlens_free_blocks{' "$OUT/old13.prom" &&
	{ ! command -v promtool > /dev/null ||
		promtool check metrics < "$OUT/old13.prom"; }; then
	pass "export on a module without watermarks/compaction/pageblocks: the rest, exit 0"
else
	flunk "export on a module without watermarks/compaction/pageblocks: the rest, exit 0" \
		"exit $rc" "$(cat "$OUT/old13.err")"
fi

# ---- proactive compaction: the tool's half ----
# The module prints the score; the tool computes kcompactd's thresholds
# and verdict from vm.compaction_proactiveness and kswapd (docs/frag.md).
# proactive_case NAME ROOT WANT: WANT is per node "score low high
# proactive" as frag --json has them (None: null); frag's text and the
# export must say the same.
proactive_case() {
	local name=$1 root=$2 want=$3 err
	if ! "$TOOL" --root "$root" frag --json > "$OUT/pc.json" 2> "$OUT/pc.err" ||
		! "$TOOL" --root "$root" frag > "$OUT/pc.txt" 2>> "$OUT/pc.err" ||
		! "$TOOL" --root "$root" export > "$OUT/pc.prom" 2>> "$OUT/pc.err"; then
		flunk "proactive: $name" "$(cat "$OUT/pc.err")"
		return
	fi
	if err=$(python3 - "$OUT/pc.json" "$OUT/pc.txt" "$OUT/pc.prom" "$want" 2>&1 <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
text = open(sys.argv[2]).read()
prom = open(sys.argv[3]).read()
got = ";".join("%s %s %s %s" % (n["compaction_score"], n["compaction_low"],
                                n["compaction_high"], n["proactive_compaction"])
               for n in doc["nodes"])
assert got == sys.argv[4], "json: got %r, want %r" % (got, sys.argv[4])
for n in doc["nodes"]:
    m = re.search(r"^Node %d: proactive compaction: score (\d+) \((.*)\), (.*)$"
                  % n["node"], text, re.M)
    assert m, "no text line for node %d" % n["node"]
    lo, hi = n["compaction_low"], n["compaction_high"]
    pro = n["proactive_compaction"]
    want = ("thresholds unknown" if lo is None
            else "thresholds %d\u2013%d" % (lo, hi),
            {None: "state unknown", True: "active", False: "idle"}[pro])
    assert m.group(2, 3) == want, (m.group(0), want)
    lab = 'node="%d"' % n["node"]
    th = re.findall(r'^mmlens_compaction_proactive_threshold\{%s,bound="(\w+)"\} (\d+)$'
                    % lab, prom, re.M)
    assert th == ([] if lo is None else [("low", str(lo)), ("high", str(hi))]), th
    ac = re.findall(r'^mmlens_compaction_proactive_active\{%s\} (\d)$' % lab,
                    prom, re.M)
    assert ac == ([] if pro is None else [str(int(pro))]), ac
EOF
	); then
		pass "proactive: $name"
	else
		flunk "proactive: $name" "$err"
	fi
}
# kthread ROOT PID COMM STATE [FLAGS]: a task in the snapshot's /proc
# (FLAGS: a kernel thread's, PF_KTHREAD among them, unless given).
kthread() {
	local root=$1 pid=$2 comm=$3 state=$4 flags=${5:-2230336}
	mkdir -p "$root/proc/$pid"
	echo "$comm" > "$root/proc/$pid/comm"
	echo "$pid ($comm) $state 2 0 0 0 -1 $flags 0 0 0 0 0 0 0 0 20 0 1 0 27" \
		> "$root/proc/$pid/stat"
}
P=proc/sys/vm/compaction_proactiveness
unknown="41 None None None;95 None None None"
proactive_case "p=20 (the snapshot's): node 1 above high" "$FIX/spec" \
	"41 80 90 False;95 80 90 True"
mkroot p100 && echo 100 > "$R/p100/$P"
proactive_case "p=100: 5-15" "$R/p100" "41 5 15 True;95 5 15 True"
mkroot p0 && echo 0 > "$R/p0/$P"
proactive_case "p=0: 100-100, never proactive" "$R/p0" \
	"41 100 100 False;95 100 100 False"
mkroot p92 && printf 92 > "$R/p92/$P"
proactive_case "p=92 (no newline): 8-18" "$R/p92" "41 8 18 True;95 8 18 True"
mkroot pnone && rm "$R/pnone/$P"
proactive_case "sysctl missing: unknown" "$R/pnone" "$unknown"
mkroot pbad && echo banana > "$R/pbad/$P"
proactive_case "sysctl garbage: unknown" "$R/pbad" "$unknown"
mkroot p101 && echo 101 > "$R/p101/$P"
proactive_case "sysctl 101 (beyond its range): unknown" "$R/p101" "$unknown"
mkroot pfifo && rm "$R/pfifo/$P" && mkfifo "$R/pfifo/$P"
proactive_case "sysctl a FIFO: unknown, without blocking" "$R/pfifo" "$unknown"
mkroot kswapd-r && kthread "$R/kswapd-r" 77 kswapd1 R
proactive_case "kswapd1 running: node 1 not proactive" "$R/kswapd-r" \
	"41 80 90 False;95 80 90 False"
mkroot kswapd-s && kthread "$R/kswapd-s" 77 kswapd1 S
proactive_case "kswapd1 sleeping: node 1 proactive" "$R/kswapd-s" \
	"41 80 90 False;95 80 90 True"
mkroot kswapd-user && kthread "$R/kswapd-user" 77 kswapd1 R 4194560
proactive_case "a user process named kswapd1, running: not kswapd" \
	"$R/kswapd-user" "41 80 90 False;95 80 90 True"
# An older module's node lines (low, high, proactive after the score):
# the same output, whatever values they held.
mkroot oldci && sed -i 's/^\(Node [0-9]* score=[0-9]*\)$/\1 low=1 high=2 proactive=yes/' \
	"$R/oldci/proc/mmlens/compaction"
if grep -q ' proactive=yes$' "$R/oldci/proc/mmlens/compaction" &&
	"$TOOL" --root "$R/oldci" frag --json > "$OUT/oldci.json" 2>&1 &&
	cmp -s "$OUT/oldci.json" "$OUT/golden/spec.frag-json.stdout"; then
	pass "proactive: an older module's compaction lines: their thresholds ignored"
else
	flunk "proactive: an older module's compaction lines: their thresholds ignored" \
		"$(diff "$OUT/golden/spec.frag-json.stdout" "$OUT/oldci.json" | head -n 10)"
fi

# ---- colour ----
color_case() {
	local name=$1 want=$2
	shift 2
	"$@" > "$OUT/color.out" 2>&1
	if [ "$want" = yes ] && grep -q $'\033\\[' "$OUT/color.out"; then
		pass "colour: $name"
	elif [ "$want" = no ] && ! grep -q $'\033' "$OUT/color.out"; then
		pass "colour: $name"
	else
		flunk "colour: $name" "$(head -n 3 "$OUT/color.out" | cat -v)"
	fi
}
color_case "none when stdout is not a terminal" no "$TOOL" --root "$FIX/spec" frag
color_case "--color always colours" yes "$TOOL" --root "$FIX/spec" --color always frag
color_case "NO_COLOR beats --color always" no env NO_COLOR=1 "$TOOL" --root "$FIX/spec" --color always frag
color_case "physmap --color always colours" yes "$TOOL" --root "$FIX/spec" --color always physmap
color_case "physmap: NO_COLOR beats --color always" no env NO_COLOR=1 "$TOOL" --root "$FIX/spec" --color always physmap
color_case "--ascii draws no Unicode blocks" no "$TOOL" --root "$FIX/spec" --ascii frag
if LC_ALL=C grep -q $'\xe2' "$OUT/color.out"; then
	flunk "--ascii output is pure ASCII" "$(LC_ALL=C grep -n $'\xe2' "$OUT/color.out" | head -n 3)"
else
	pass "--ascii output is pure ASCII"
fi

# ---- watch without a terminal: frames one after another ----
"$TOOL" --root "$FIX/spec" frag --watch 0.1 --count 3 > "$OUT/watch.out" 2>&1
n=$(grep -c '^Every 0.1s: mmlens frag' "$OUT/watch.out")
if [ "$n" = 3 ] && ! grep -q $'\033' "$OUT/watch.out"; then
	pass "watch: --count 3 without a terminal prints 3 frames, no escapes"
else
	flunk "watch: --count 3 without a terminal prints 3 frames, no escapes" \
		"$n frames" "$(head -n 5 "$OUT/watch.out" | cat -v)"
fi

# ---- watch in tmux: redraws in place, highlights changes ----
tmux_watch() {
	local sock=mmlens-test-$$ root=$OUT/watchroot real=deb6.12-1node-4lvl
	local cap1 cap2 _
	rm -rf "$root"
	mkdir -p "$root/proc/mmlens"
	cp "$FIX/$real/proc/mmlens/version" "$FIX/$real/proc/mmlens/fraginfo" \
		"$FIX/$real/proc/mmlens/compaction" "$root/proc/mmlens/"
	t() { tmux -L "$sock" -f /dev/null "$@"; }
	t new-session -d -x 110 -y 45 \
		"$TOOL --root $root frag --watch 0.3 --zone DMA32; sleep 60" ||
		return 1
	for _ in $(seq 50); do
		t capture-pane -p > "$OUT/pane1" 2>/dev/null
		grep -q 'frame 2,' "$OUT/pane1" && break
		sleep 0.1
	done
	sed 's/^compact_stall \([0-9]*\)$/compact_stall 1\1/' \
		"$FIX/$real/proc/mmlens/compaction" > "$root/proc/mmlens/c.new"
	mv "$root/proc/mmlens/c.new" "$root/proc/mmlens/compaction"
	cp "$FIX/$real-compacted/proc/mmlens/fraginfo" "$root/proc/mmlens/f.new"
	mv "$root/proc/mmlens/f.new" "$root/proc/mmlens/fraginfo"
	for _ in $(seq 50); do
		sleep 0.1
		t capture-pane -p > "$OUT/pane2"
		cmp -s <(grep -v '^Every' "$OUT/pane1") \
			<(grep -v '^Every' "$OUT/pane2") || break
	done
	sleep 0.1
	t capture-pane -p -e > "$OUT/pane2e"
	t capture-pane -p > "$OUT/pane2"
	t kill-server
	cap1=$(grep -c '^Every 0.3s: mmlens frag' "$OUT/pane1")
	cap2=$(grep -c '^Every 0.3s: mmlens frag' "$OUT/pane2")
	echo "header lines: $cap1 then $cap2"
	[ "$cap1" = 1 ] && [ "$cap2" = 1 ] || return 1
	grep -q '^verdict: ' "$OUT/pane1" || { echo "no verdict"; return 1; }
	# the order-0 line of DMA32 shows another count after compaction
	a=$(grep -m1 '^ *0 *4K' "$OUT/pane1")
	b=$(grep -m1 '^ *0 *4K' "$OUT/pane2")
	echo "order 0: '$a' -> '$b'"
	[ -n "$a" ] && [ "$a" != "$b" ] || return 1
	grep -q $'\033\\[7m\\|\033\\[[0-9;]*;7m' "$OUT/pane2e" ||
		{ echo "no reverse video in the redrawn pane"; return 1; }
	# the change column of order 0, and the compaction counter's delta
	echo "$b" | grep -q ' [+-][0-9][0-9]* ' ||
		{ echo "no change shown for order 0"; return 1; }
	grep -q 'stall [0-9]* (+[0-9]*)' "$OUT/pane2" ||
		{ echo "no delta of compact_stall"; return 1; }
}
if ! command -v tmux > /dev/null; then
	result skip "watch: tmux sees the redraw in place and the highlight" "tmux not installed"
elif msg=$(tmux_watch 2>&1); then
	pass "watch: tmux sees the redraw in place and the highlight"
else
	flunk "watch: tmux sees the redraw in place and the highlight" "$msg" \
		"--- pane 1" "$(cat "$OUT/pane1" 2>/dev/null)" \
		"--- pane 2" "$(cat "$OUT/pane2" 2>/dev/null)"
fi

# ---- help and man page ----
for cmd in frag physmap vmas pt map vtop vbuf export version; do
	if "$TOOL" "$cmd" --help > "$OUT/help.$cmd" 2>&1 &&
		head -n 1 "$OUT/help.$cmd" | grep -q "^usage: mmlens $cmd"; then
		pass "help: mmlens $cmd --help"
	else
		flunk "help: mmlens $cmd --help" "$(head -n 3 "$OUT/help.$cmd")"
	fi
done
if groff -man -Tutf8 -ww -z "$US/mmlens.1" > "$OUT/man.warn" 2>&1 &&
	[ ! -s "$OUT/man.warn" ]; then
	pass "man: mmlens.1 renders without warnings"
else
	flunk "man: mmlens.1 renders without warnings" "$(cat "$OUT/man.warn")"
fi
missing=""
while read -r opt; do
	grep -qF -- "$(printf '%s' "$opt" | sed 's/-/\\-/g')" "$US/mmlens.1" ||
		missing="$missing $opt"
done < <(cat "$OUT"/help.* | grep -o -- '--[a-z][a-z-]*' | sort -u)
if [ -z "$missing" ]; then
	pass "man: every option of every --help is in mmlens.1"
else
	flunk "man: every option of every --help is in mmlens.1" "missing:$missing"
fi

# ---- fuzz corpus replay (the timed fuzz run is make -C userspace fuzz) ----
if command -v clang > /dev/null; then
	if make -s -C "$US" OUT="$OUT" "$OUT/fuzz-parsers" > "$OUT/fuzz.log" 2>&1 &&
		"$OUT/fuzz-parsers" -runs=0 "$US/fuzz/corpus" >> "$OUT/fuzz.log" 2>&1; then
		pass "fuzz: the committed corpus replays clean under ASan+UBSan"
	else
		flunk "fuzz: the committed corpus replays clean under ASan+UBSan" \
			"$(tail -n 20 "$OUT/fuzz.log")"
	fi
else
	result skip "fuzz: the committed corpus replays clean under ASan+UBSan" "clang not installed"
fi

# ---- apt sources (scripts/apt-sources.sh) ----
# The fresh root's sources (scripts/debroot.sh, docs/packaging.md) from
# made-up apt directories, one a case: apt_etc empties $APT, apt_file
# NAME writes stdin to $APT/NAME, apt_want WANT: apt-sources.sh bookworm
# there prints WANT (stdout and stderr, then "exit N"), exactly. The
# hosts are addresses of TEST-NET-1 (RFC 5737), never names.
APT=$OUT/apt
apt_etc() { rm -rf "$APT"; mkdir -p "$APT/sources.list.d"; }
apt_file() { cat > "$APT/$1"; }
apt_want() {
	local got
	got=$(MMLENS_APT_ETC=$APT bash "$MMLENS_TOP/scripts/apt-sources.sh" \
		bookworm 2>&1; echo "exit $?")
	[ "$got" = "$1" ] && return 0
	diff <(printf '%s\n' "$1") <(printf '%s\n' "$got")
	return 1
}

# deb822 only: a stanza of two types and four suites (two of them
# others), a list continued on a later line, comment lines (one among a
# field's lines), field names in any case, a disabled stanza, a deb-src
# one, a key in a stanza.
apt_etc
apt_file sources.list.d/debian.sources <<'EOF'
# the main archive
Types: deb deb-src
URIs: http://192.0.2.1/debian
Suites: bookworm
# a comment inside a field's lines
 bookworm-updates bookworm-backports trixie
Components: main contrib
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

types: deb
uris: http://192.0.2.2/debian
SUITES: bookworm
components: main
ENABLED: no

Types: deb-src
URIs: http://192.0.2.4/debian
Suites: bookworm
Components: main

tYpEs: deb
URIs: http://192.0.2.3/debian-security
Suites: bookworm-security
Components: main
Enabled: yes
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 Suites: trixie-security
 -----END PGP PUBLIC KEY BLOCK-----
EOF
judge "apt sources: deb822 (lists, comments, any case, Enabled: no, deb-src)" \
	apt_want "deb http://192.0.2.1/debian bookworm main contrib
deb http://192.0.2.1/debian bookworm-updates main contrib
deb http://192.0.2.3/debian-security bookworm-security main
exit 0"

# One-line only: options, a commented-out line, a comment at the end of
# one, deb-src, another suite, a line twice.
apt_etc
apt_file sources.list <<'EOF'
# deb http://192.0.2.9/debian bookworm main
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://192.0.2.1/debian bookworm main non-free-firmware
deb-src http://192.0.2.1/debian bookworm main
deb http://192.0.2.1/debian bookworm-updates main # and the updates
deb [ signed-by=/etc/apt/keyrings/k.gpg ] http://192.0.2.3/debian-security bookworm-security main
deb http://192.0.2.1/debian bullseye main

  deb   http://192.0.2.1/debian   bookworm  main non-free-firmware
EOF
apt_file sources.list.d/local.list <<'EOF'
deb file:/srv/local bookworm main
EOF
judge "apt sources: one-line (options, comments, deb-src, a line twice)" \
	apt_want "deb http://192.0.2.1/debian bookworm main non-free-firmware
deb http://192.0.2.1/debian bookworm-updates main
deb http://192.0.2.3/debian-security bookworm-security main
deb file:/srv/local bookworm main
exit 0"

# Both formats: sources.list first, then sources.list.d by name whatever
# the format; a line both formats give is printed once.
apt_etc
apt_file sources.list <<'EOF'
deb http://192.0.2.5/debian bookworm main
EOF
apt_file sources.list.d/a.list <<'EOF'
deb http://192.0.2.1/debian bookworm main
EOF
apt_file sources.list.d/b.sources <<'EOF'
Types: deb
URIs: http://192.0.2.1/debian http://192.0.2.6/debian
Suites: bookworm bookworm-updates
Components: main
EOF
apt_file sources.list.d/c.list <<'EOF'
deb http://192.0.2.3/debian-security bookworm-security main
EOF
judge "apt sources: both formats, in apt's order, each line once" \
	apt_want "deb http://192.0.2.5/debian bookworm main
deb http://192.0.2.1/debian bookworm main
deb http://192.0.2.1/debian bookworm-updates main
deb http://192.0.2.6/debian bookworm main
deb http://192.0.2.6/debian bookworm-updates main
deb http://192.0.2.3/debian-security bookworm-security main
exit 0"

# Files of other names in sources.list.d are not sources (apt's rule).
apt_etc
apt_file sources.list.d/debian.sources <<'EOF'
Types: deb
URIs: http://192.0.2.1/debian
Suites: bookworm
Components: main
EOF
apt_file sources.list.d/cloud.list.disabled-by-farm <<'EOF'
deb http://192.0.2.7/apt bookworm main
EOF
apt_file sources.list.d/node.sources.disabled-by-farm <<'EOF'
Types: deb
URIs: http://192.0.2.8/node
Suites: bookworm
Components: main
EOF
apt_file sources.list.d/old.list.save <<'EOF'
deb http://192.0.2.9/debian bookworm main
EOF
judge "apt sources: *.disabled-by-farm, *.save files are not read" \
	apt_want "deb http://192.0.2.1/debian bookworm main
exit 0"

# No source of the suite itself (its -updates and -security, another
# suite's, a disabled one do not count): exit 1, one line naming the
# files read; none at all: the files looked for.
apt_etc
apt_file sources.list <<'EOF'
deb http://192.0.2.1/debian trixie main
deb http://192.0.2.1/debian bookworm-updates main
EOF
apt_file sources.list.d/debian.sources <<'EOF'
Types: deb
URIs: http://192.0.2.3/debian-security
Suites: bookworm-security
Components: main

Types: deb
URIs: http://192.0.2.1/debian
Suites: bookworm
Components: main
Enabled: no
EOF
judge "apt sources: no source of the suite: exit 1, the files read named" \
	apt_want "error: no apt source (deb, enabled) for bookworm in $APT/sources.list $APT/sources.list.d/debian.sources
exit 1"
apt_etc
judge "apt sources: no sources at all: exit 1, the files looked for named" \
	apt_want "error: no apt source for bookworm: none of $APT/sources.list, $APT/sources.list.d/*.list, *.sources exists
exit 1"

# ---- shellcheck ----
sc_what="shellcheck: scripts/*.sh, .ci/run, scripts/vm/* (as dash: the local of busybox ash), scripts/systemd-guest/*"
if command -v shellcheck > /dev/null; then
	if shellcheck -x -P "$MMLENS_TOP/scripts" "$MMLENS_TOP"/scripts/*.sh \
		"$MMLENS_TOP/.ci/run" "$US/fuzz/seed.sh" \
		"$MMLENS_TOP/scripts/systemd-guest/mmlens-ctl" \
		"$MMLENS_TOP/scripts/systemd-guest/sandbox-probe" > "$OUT/sc.out" 2>&1 &&
		shellcheck -s dash -S warning "$MMLENS_TOP"/scripts/vm/*.sh \
			"$MMLENS_TOP/scripts/vm/init" >> "$OUT/sc.out" 2>&1; then
		pass "$sc_what"
	else
		flunk "$sc_what" "$(cat "$OUT/sc.out")"
	fi
else
	result skip "$sc_what" "shellcheck not installed"
fi

p=$(grep -c '^ok' "$MMLENS_RESULTS")
f=$(grep -c '^fail' "$MMLENS_RESULTS")
s=$(grep -c '^skip' "$MMLENS_RESULTS")
if [ "$s" -gt 0 ]; then
	echo "$p passed, $f failed, $s skipped"
else
	echo "$p passed, $f failed"
fi
[ "$f" -eq 0 ]
