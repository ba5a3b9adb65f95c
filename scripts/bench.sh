#!/usr/bin/env bash
# make bench: build, then boot one cell per Debian kernel with enough
# memory, run the benchmarks in it (scripts/vm/t_bench.sh) and print one
# table per kernel: each measure's median, min and max, the median of what
# it is compared with, their ratio, the target and PASS/MISS. Writes the
# same numbers to $MMLENS_BUILD/bench.json (the run before is kept as
# bench-prev.json; scripts/bench-compare.sh OLD NEW prints the change).
# A MISS is a number, not a failure: exits non-zero only when a build, a
# boot or a benchmark program failed. docs/perf.md explains the measures.
#   MMLENS_VM_BENCH_MIB, MMLENS_VM_BENCH_ROUNDS   size and rounds in the VM
#                                                 (scripts/vm/t_bench.sh)
#   MMLENS_BENCH_LOCKHOLD=0   leave out the debug kernel's zone->lock hold
#                             times (scripts/vm/t_lockhold.sh)
#   MMLENS_BENCH_CELLS="CELL:TEST ..."   run only these (make lockhold)
set -euo pipefail
# shellcheck source=scripts/lib.sh
. "$(dirname "$0")/lib.sh"

# The cells and the in-VM test each runs: one per Debian kernel, 6 GiB
# over two nodes; then the debug kernel, the only one with lockdep's lock
# statistics, for the zone->lock hold times.
BENCH_CELLS="deb6.1-2node-4lvl:bench deb6.12-2node-5lvl:bench"
[ "${MMLENS_BENCH_LOCKHOLD:-1}" = 0 ] ||
	BENCH_CELLS="$BENCH_CELLS debug6.12-2node-5lvl:lockhold"
BENCH_CELLS=${MMLENS_BENCH_CELLS:-$BENCH_CELLS}

# bench_py table CELL OUT JSON: print CELL's table from the matrix output
# OUT and write its numbers to JSON. bench_py merge JSON COMMIT MIB ROUNDS
# PART...: bench.json from the per-cell parts.
bench_py() {
	python3 - "$@" <<'EOF'
import json, re, sys, time

def parse(cell, path):
    measures, release = {}, None
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^# bench (\S+) (\S+) (.*)$", line)
        if m:
            release, name, rest = m.groups()
            if " why=" in " " + rest:
                head, why = (" " + rest).split(" why=", 1)
                d = dict(kv.split("=", 1) for kv in head.split())
                d["why"] = why
            else:
                d = dict(kv.split("=", 1) for kv in rest.split())
            for k in ("median", "min", "max", "base_median", "base_min",
                      "base_max", "ratio"):
                if k in d:
                    d[k] = float(d[k])
            if "rounds" in d:
                d["rounds"] = int(d["rounds"])
            t = d.get("target")
            d["target"] = float(t[2:]) if t and t.startswith("<=") else None
            measures[name] = d
            continue
    return {"cell": cell, "release": release, "measures": measures}

def num(v):
    if v is None:
        return "-"
    return "%.3f" % v if v < 100 else "%.1f" % v

def table(part):
    ms = part["measures"]
    print()
    print("%s (Linux %s): median/min/max of mmlens per operation, base ="
          " median of what it is compared with, ratio = median / base"
          % (part["cell"], part["release"] or "?"))
    if not ms:
        print("  (no benchmark lines: see the log above)")
        return
    hdr = ("measure", "unit", "median", "min", "max", "base", "ratio",
           "target", "verdict", "size")
    rows, notes = [], []
    for name, d in ms.items():
        if d.get("verdict") in ("SKIP", "FAIL"):
            notes.append("  %s %s: %s" % (d["verdict"].lower(), name,
                                          d.get("why", "")))
            continue
        rows.append((name, d.get("unit", ""), num(d.get("median")),
                     num(d.get("min")), num(d.get("max")),
                     num(d.get("base_median")),
                     "-" if d.get("ratio") is None else "%.2f" % d["ratio"],
                     "-" if d.get("target") is None else "<=%g" % d["target"],
                     d.get("verdict", "-"), d.get("size", "")))
    w = [max(len(str(r[i])) for r in rows + [hdr]) for i in range(len(hdr))]
    for r in [hdr] + rows:
        print("  " + "  ".join(str(c).ljust(w[i]) if i in (0, 1, 8, 9)
                               else str(c).rjust(w[i])
                               for i, c in enumerate(r)).rstrip())
    for n in notes:
        print(n)
    v = [d.get("verdict") for d in ms.values()]
    print("  %d PASS, %d MISS, %d without target, %d skipped, %d failed"
          % (v.count("PASS"), v.count("MISS"), v.count("-"),
             v.count("SKIP"), v.count("FAIL")))

mode = sys.argv[1]
if mode == "table":
    cell, out, js = sys.argv[2:5]
    part = parse(cell, out)
    table(part)
    json.dump(part, open(js, "w"), indent=1)
else:
    js, commit, mib, rounds = sys.argv[2:6]
    asint = lambda v: int(v) if v.isdigit() else v
    doc = {"format": 1, "commit": commit, "mib": asint(mib),
           "rounds": asint(rounds),
           "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
           "kernels": {}}
    for p in sys.argv[6:]:
        part = json.load(open(p))
        doc["kernels"][part["cell"]] = {"release": part["release"],
                                        "measures": part["measures"]}
    json.dump(doc, open(js, "w"), indent=1)
EOF
}

bash "$MMLENS_TOP/scripts/deps.sh"
bash "$MMLENS_TOP/scripts/kernels.sh" > /dev/null
built=" "
for cell in $BENCH_CELLS; do
	name=${cell%%-*}
	[ "${built#* "$name" }" = "$built" ] || continue
	built="$built$name "
	# Cached after the first build (make check builds it too).
	if kernel_is_debug "$name"; then
		# shellcheck disable=SC2046 # an option or nothing
		bash "$MMLENS_TOP/scripts/debug-kernel.sh" \
			$(debug_kernel_args "$name") > /dev/null
	fi
	bash "$MMLENS_TOP/scripts/build-module.sh" "$(kernel_kdir "$name")" \
		"$MMLENS_BUILD/$name" > "$MMLENS_BUILD/bench-build.log" 2>&1 ||
		{ tail -n 30 "$MMLENS_BUILD/bench-build.log"; exit 1; }
done
mkdir -p "$MMLENS_BUILD/bin"
make -s -C "$MMLENS_TOP/userspace/tests" OUT="$MMLENS_BUILD/bin"

MMLENS_RESULTS=$MMLENS_BUILD/bench-results.txt
: > "$MMLENS_RESULTS"
export MMLENS_RESULTS
mib=${MMLENS_VM_BENCH_MIB:-1024}
rounds=${MMLENS_VM_BENCH_ROUNDS:-7}
echo "bench: $mib MiB, $rounds rounds per measure, one VM per kernel:" \
	"$BENCH_CELLS"
parts=()
for entry in $BENCH_CELLS; do
	cell=${entry%%:*}
	out=$MMLENS_BUILD/bench-$cell.out
	MMLENS_TESTS=${entry#*:} bash "$MMLENS_TOP/scripts/matrix.sh" "$cell" \
		> "$out" || true
	# Results and diagnostics other than the benchmark lines (the table).
	grep -v -e '^ok' -e '^# bench ' "$out" || true
	bench_py table "$cell" "$out" "$MMLENS_BUILD/bench-$cell.json"
	parts+=("$MMLENS_BUILD/bench-$cell.json")
done

json=$MMLENS_BUILD/bench.json
if [ -f "$json" ]; then
	mv "$json" "$MMLENS_BUILD/bench-prev.json"
fi
commit=$(git -C "$MMLENS_TOP" describe --always --dirty 2>/dev/null ||
	echo unknown)
bench_py merge "$json" "$commit" "$mib" "$rounds" "${parts[@]}"
echo "bench: wrote $json"
if [ -f "$MMLENS_BUILD/bench-prev.json" ]; then
	echo "bench: the run before: $MMLENS_BUILD/bench-prev.json; compare:" \
		"bash scripts/bench-compare.sh $MMLENS_BUILD/bench-prev.json $json"
fi
if grep -q '^fail' "$MMLENS_RESULTS"; then
	echo "bench: failed:" >&2
	grep '^fail' "$MMLENS_RESULTS" | cut -f2 | sed 's/^/  /' >&2
	exit 1
fi
