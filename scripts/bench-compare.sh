#!/usr/bin/env bash
# bench-compare.sh OLD.json NEW.json: the change per measure between two
# make bench runs (bench.json; make bench keeps the run before as
# bench-prev.json): per kernel cell, each measure's ratio old -> new, its
# verdict old -> new, and the percent change of its median (our side's
# time; negative is faster). Measures in only one run are listed as such.
# Only ratios are comparable across machines (TCG); medians only between
# runs on the same machine.
set -euo pipefail

if [ $# -ne 2 ] || [ ! -r "$1" ] || [ ! -r "$2" ]; then
	echo "usage: $0 OLD.json NEW.json  (bench.json of two make bench runs)" >&2
	exit 2
fi

python3 - "$1" "$2" <<'EOF'
import json, sys

def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("bench-compare: %s: %s" % (path, e))

old, new = load(sys.argv[1]), load(sys.argv[2])

def num(v):
    return "%.3f" % v if v < 100 else "%.1f" % v

def ratio(d):
    return "-" if d.get("ratio") is None else "%.2f" % d["ratio"]

def run(doc, path):
    return "%s (%s, commit %s, %s MiB, %s rounds)" % (
        path, doc.get("date", "?"), doc.get("commit", "?"),
        doc.get("mib", "?"), doc.get("rounds", "?"))

print("old: " + run(old, sys.argv[1]))
print("new: " + run(new, sys.argv[2]))
ko, kn = old.get("kernels", {}), new.get("kernels", {})
for cell in list(ko) + [c for c in kn if c not in ko]:
    print()
    if cell not in kn or cell not in ko:
        print("%s: only in the %s run" % (cell, "old" if cell in ko else "new"))
        continue
    print("%s (Linux %s -> %s)" % (cell, ko[cell].get("release"),
                                   kn[cell].get("release")))
    mo, mn = ko[cell]["measures"], kn[cell]["measures"]
    rows = [("measure", "ratio old -> new", "verdict", "median old -> new",
             "change")]
    for name in list(mo) + [m for m in mn if m not in mo]:
        if name not in mo or name not in mn:
            rows.append((name, "only in the %s run"
                         % ("old" if name in mo else "new"), "", "", ""))
            continue
        a, b = mo[name], mn[name]
        va, vb = a.get("verdict", "-"), b.get("verdict", "-")
        am, bm = a.get("median"), b.get("median")
        if am is None or bm is None:
            rows.append((name, "-", "%s -> %s" % (va, vb), "-", "-"))
            continue
        unit = b.get("unit", "")
        change = "%+.1f%%" % ((bm - am) / am * 100) if am else "-"
        rows.append((name, "%s -> %s" % (ratio(a), ratio(b)),
                     "%s -> %s" % (va, vb),
                     "%s -> %s %s" % (num(am), num(bm), unit), change))
    w = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  " + "  ".join(c.ljust(w[i]) if i < 4 else c.rjust(w[i])
                               for i, c in enumerate(r)).rstrip())
EOF
