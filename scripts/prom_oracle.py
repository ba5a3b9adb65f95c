#!/usr/bin/env python3
"""What `mmlens export --root SNAPSHOT` must print, computed from the
snapshot's own files with a reader of our own (not the tool's parse.c):
the kernel's formats (buddyinfo, extfrag_index, unusable_index,
pagetypeinfo) where the module has them, the module's key=value files
(fraginfo, watermarks, compaction, pageblocks) for the rest. Every
expected sample carries the file line it comes from.

  prom_oracle.py check SNAPSHOT FILE.prom
      every sample of FILE.prom equals the one expected, none missing,
      none extra; HELP and TYPE for each family, counters and only
      counters end in _total.
  prom_oracle.py scrape SNAPSHOT URL
      the same for the mmlens_* samples node_exporter serves at URL
      (its /metrics): the families `mmlens export` wrote, as the
      exporter passes them on.
  prom_oracle.py prom SNAPSHOT URL [sample ...]
      the same against what Prometheus at URL has for the mmlens_*
      series now (instance and job labels dropped); prints the given
      samples (NAME{l="v",...}) next to their file lines.
  prom_oracle.py alerts URL NAME
      the label sets (instance and job dropped) of alert NAME firing in
      Prometheus at URL now, one a line.

docs/metrics.md says which file each metric comes from.
"""
import json
import os
import re
import sys
import urllib.parse
import urllib.request

PAGE = 4096
MARKS = ("min", "low", "high")
VERDICTS = ("succeeds_now", "needs_compaction", "needs_reclaim",
            "fails_no_memory")
SOURCES = ("fraginfo", "pagetypeinfo", "pageblocks", "watermarks",
           "compaction")
CAP = 100000


def key(name, labels):
    return (name, tuple(sorted(labels.items())))


def show(k):
    name, labels = k
    return "%s{%s}" % (name, ",".join('%s="%s"' % kv for kv in labels))


class Expect:
    def __init__(self):
        self.samples = {}

    def put(self, name, labels, value, src):
        k = key(name, labels)
        assert k not in self.samples, "twice: " + show(k)
        self.samples[k] = (float(value), src)


def read(path):
    try:
        with open(path) as f:
            return f.read().split("\n")[:-1]
    except FileNotFoundError:
        return None


def src(fn, no, line):
    return "%s:%d: %s" % (fn, no, line.rstrip())


def node_zone(words):
    """'Node 0, zone DMA ...' split on spaces and commas -> (node, zone)."""
    assert words[0] == "Node" and words[2] == "zone", words
    return words[1], words[3]


def per_order(ex, d, fn, name, conv):
    for no, line in enumerate(read(d + fn), 1):
        w = line.replace(",", " ").split()
        node, zone = node_zone(w)
        for o, v in enumerate(w[4:]):
            ex.put(name, {"node": node, "zone": zone, "order": str(o)},
                   conv(v), src(fn, no, line))


def buddyinfo(ex, d):
    per_order(ex, d, "buddyinfo", "mmlens_free_blocks", int)
    for no, line in enumerate(read(d + "buddyinfo"), 1):
        w = line.replace(",", " ").split()
        node, zone = node_zone(w)
        largest = max([o for o, v in enumerate(w[4:]) if int(v)],
                      default=-1)
        ex.put("mmlens_largest_free_order", {"node": node, "zone": zone},
               largest, src("buddyinfo", no, line))


def fraginfo(ex, d):
    for no, line in enumerate(read(d + "fraginfo"), 1):
        kv = dict(x.split("=", 1) for x in line.split())
        if kv["order"] == "0":
            ex.put("mmlens_free_bytes",
                   {"node": kv["node"], "zone": kv["zone"]},
                   int(kv["free_pages"]) * PAGE, src("fraginfo", no, line))


def fraginfo_orders(ex, d):
    zones = {}
    for no, line in enumerate(read(d + "fraginfo"), 1):
        kv = dict(x.split("=", 1) for x in line.split())
        s = src("fraginfo", no, line)
        lo = {"node": kv["node"], "zone": kv["zone"], "order": kv["order"]}
        ex.put("mmlens_free_blocks", lo, int(kv["nr_free"]), s)
        ex.put("mmlens_extfrag_index", lo, int(kv["extfrag"]) / 1000, s)
        ex.put("mmlens_unusable_index", lo, int(kv["unusable"]) / 1000, s)
        z = zones.setdefault((kv["node"], kv["zone"]), [-1, s])
        if int(kv["nr_free"]):
            z[:] = [int(kv["order"]), s]
    for (node, zone), (v, s) in zones.items():
        ex.put("mmlens_largest_free_order", {"node": node, "zone": zone},
               v, s)


def pagetypeinfo(ex, d):
    state, cols, capped = None, [], {}
    for no, line in enumerate(read(d + "pagetypeinfo"), 1):
        w = line.replace(",", " ").split()
        if not w:
            state = None
        elif line.startswith("Free pages count per migrate type"):
            state = "free"
        elif line.startswith("Number of blocks type"):
            state, cols = "blocks", w[4:]
        elif w[0] != "Node":
            state = "other"
        elif state == "free":
            node, zone = node_zone(w)
            assert w[4] == "type"
            capped.setdefault((node, zone), 0)
            for o, v in enumerate(w[6:]):
                if v == ">%d" % CAP:
                    v = CAP
                    capped[(node, zone)] += 1
                ex.put("mmlens_free_blocks_by_migratetype",
                       {"node": node, "zone": zone, "migratetype": w[5],
                        "order": str(o)}, int(v),
                       src("pagetypeinfo", no, line))
        elif state == "blocks":
            node, zone = node_zone(w)
            for t, v in zip(cols, w[4:]):
                ex.put("mmlens_pageblocks",
                       {"node": node, "zone": zone, "migratetype": t},
                       int(v), src("pagetypeinfo", no, line))
    for (node, zone), n in capped.items():
        ex.put("mmlens_pagetypeinfo_capped_cells",
               {"node": node, "zone": zone}, n, "pagetypeinfo: cells '>100000'")


def pageblocks(ex, d):
    zones = []
    for no, line in enumerate(read(d + "pageblocks"), 1):
        if line.startswith("Node"):
            node, zone = node_zone(line.replace(",", " ").split())
            zones.append((node, zone, no, line, {}))
            continue
        kv = dict(x.split("=", 1) for x in line.split())
        n = zones[-1][4]
        n.setdefault(kv["type"], 0)
        if kv["free"] == "512":
            n[kv["type"]] += int(kv["blocks"])
    for node, zone, no, line, n in zones:
        for t, v in n.items():
            ex.put("mmlens_pageblocks_free",
                   {"node": node, "zone": zone, "migratetype": t}, v,
                   src("pageblocks", no, line) + " (runs below it)")


def verdict(zl, ok, o):
    """docs/cli.md's rules, from the watermarks file's ok/fail."""
    if ok[o]["low"] == "ok":
        return "succeeds_now"
    if ok[0]["min"] == "fail":
        return "fails_no_memory"
    if ok[0]["low"] == "fail":
        return "needs_reclaim"
    left = zl["free"] - (2**o - 1) - zl["highatomic"] - zl["free_cma"]
    return "needs_compaction" if left > zl["low"] else "needs_reclaim"


def watermarks(ex, d):
    zones = {}
    for no, line in enumerate(read(d + "watermarks"), 1):
        w = line.replace(",", " ", 1).split()
        node, zone = node_zone(w)
        kv = dict(x.split("=", 1) for x in w[4:])
        lz = {"node": node, "zone": zone}
        s = src("watermarks", no, line)
        if "order" not in kv:
            zl = {k: int(v) for k, v in kv.items() if k != "protection"}
            zones[(node, zone)] = (zl, [])
            for m in MARKS:
                ex.put("mmlens_watermark_bytes", dict(lz, mark=m),
                       zl[m] * PAGE, s)
            ex.put("mmlens_watermark_boost_bytes", lz, zl["boost"] * PAGE, s)
            ex.put("mmlens_managed_bytes", lz, zl["managed"] * PAGE, s)
            continue
        zl, ok = zones[(node, zone)]
        ok.append(kv)
        o = int(kv["order"])
        assert o == len(ok) - 1
        for m in MARKS:
            ex.put("mmlens_watermark_ok", dict(lz, order=str(o), mark=m),
                   kv[m] == "ok", s)
    for (node, zone), (zl, ok) in zones.items():
        for o in range(len(ok)):
            v = verdict(zl, ok, o)
            for name in VERDICTS:
                ex.put("mmlens_allocation_verdict",
                       {"node": node, "zone": zone, "order": str(o),
                        "verdict": name}, name == v,
                       "watermarks: node %s zone %s order %d -> %s"
                       % (node, zone, o, v))


def proactiveness(d):
    """vm.compaction_proactiveness of the snapshot (d is its proc/mmlens/),
    0..100, or None: the tool computes the thresholds from it."""
    lines = read(d + "../sys/vm/compaction_proactiveness")
    if lines is None or len(lines) != 1 or not lines[0].isdigit():
        return None
    p = int(lines[0])
    return p if p <= 100 else None


def compaction(ex, d):
    p = proactiveness(d)
    sysctl = "sys/vm/compaction_proactiveness: %s" % p
    for no, line in enumerate(read(d + "compaction"), 1):
        s = src("compaction", no, line)
        w = line.replace(",", " ", 1).split()
        if w[0] != "Node":
            ex.put("mmlens_%s_total" % w[0], {}, int(w[1]), s)
            continue
        if w[2] == "zone":
            kv = dict(x.split("=", 1) for x in w[4:])
            lz = {"node": w[1], "zone": w[3]}
            ex.put("mmlens_compaction_deferred_order", lz,
                   -1 if kv["deferred"] == "-" else int(kv["deferred"]), s)
            for k in ("considered", "defer_shift", "order_failed"):
                ex.put("mmlens_compaction_" + k, lz, int(kv[k]), s)
            continue
        kv = dict(x.split("=", 1) for x in w[2:])
        ln = {"node": w[1]}
        score = int(kv["score"])
        ex.put("mmlens_compaction_proactive_score", ln, score, s)
        if p is None:
            continue
        # mm/compaction.c fragmentation_score_wmark() and
        # should_proactive_compact_node(); a snapshot's kswapd is not
        # running (it holds no processes)
        low = max(100 - p, 5)
        high = min(low + 10, 100)
        s += "; " + sysctl
        ex.put("mmlens_compaction_proactive_threshold",
               dict(ln, bound="low"), low, s)
        ex.put("mmlens_compaction_proactive_threshold",
               dict(ln, bound="high"), high, s)
        ex.put("mmlens_compaction_proactive_active", ln,
               p != 0 and score > high, s)


def expected(root, tool_version):
    d = root + "/proc/mmlens/"
    ex = Expect()
    version = read(d + "version")[0]
    ex.put("mmlens_module_info", {"version": version}, 1,
           src("version", 1, version))
    ex.put("mmlens_tool_info", {"version": tool_version}, 1,
           "module/mmlens_vocab.h MMLENS_VERSION")
    if read(d + "buddyinfo") and read(d + "extfrag_index") is not None:
        buddyinfo(ex, d)
        per_order(ex, d, "extfrag_index", "mmlens_extfrag_index", float)
        per_order(ex, d, "unusable_index", "mmlens_unusable_index", float)
    else:
        # a hand-written snapshot with fraginfo only
        fraginfo_orders(ex, d)
    fraginfo(ex, d)
    readers = {"pagetypeinfo": pagetypeinfo, "pageblocks": pageblocks,
               "watermarks": watermarks, "compaction": compaction}
    for s in SOURCES:
        there = read(d + s) is not None
        ex.put("mmlens_source_up", {"file": s}, there, s + " exists")
        if there and s in readers:
            readers[s](ex, d)
    return ex.samples


LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def parse_text(text):
    """The exposition format, as far as mmlens export writes it."""
    samples, types, helps = {}, {}, set()
    for line in text.split("\n"):
        if not line:
            continue
        if line.startswith("# HELP "):
            helps.add(line.split()[2])
            continue
        if line.startswith("# TYPE "):
            _, _, name, typ = line.split()
            types[name] = typ
            continue
        m = re.fullmatch(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)", line)
        assert m, "bad sample line: " + line
        labels = dict(LABEL.findall(m.group(3) or ""))
        k = key(m.group(1), labels)
        assert k not in samples, "twice: " + line
        samples[k] = float(m.group(4))
    for name, _ in samples:
        assert name in types and name in helps, "no HELP/TYPE: " + name
        assert (types[name] == "counter") == name.endswith("_total"), name
        assert name.startswith("mmlens_"), name
    return samples


def num(v):
    return "%d" % v if v == int(v) else repr(v)


def compare(got, exp):
    errs = []
    for k in sorted(set(exp) - set(got)):
        errs.append("missing %s (want %s from %s)" % (show(k), num(exp[k][0]),
                                                       exp[k][1]))
    for k in sorted(set(got) - set(exp)):
        errs.append("extra %s %s" % (show(k), num(got[k])))
    for k in sorted(set(got) & set(exp)):
        if got[k] != exp[k][0]:
            errs.append("%s = %s, but %s" % (show(k), num(got[k]), exp[k][1]))
    return errs


def mmlens_only(text):
    """The lines of an exposition that are about mmlens_* families."""
    keep = []
    for line in text.split("\n"):
        words = line.split()
        if line.startswith("# "):
            if len(words) > 2 and words[2].startswith("mmlens_"):
                keep.append(line)
        elif line.startswith("mmlens_"):
            keep.append(line)
    return "\n".join(keep)


def prom_query(url, q):
    u = url + "/api/v1/query?" + urllib.parse.urlencode({"query": q})
    with urllib.request.urlopen(u, timeout=10) as r:
        doc = json.load(r)
    assert doc["status"] == "success", doc
    return doc["data"]["result"]


def from_prometheus(url):
    got = {}
    for s in prom_query(url, '{__name__=~"mmlens_.+"}'):
        m = dict(s["metric"])
        name = m.pop("__name__")
        m.pop("instance", None)
        m.pop("job", None)
        got[key(name, m)] = float(s["value"][1])
    return got


def tool_version(top):
    for line in open(top + "/module/mmlens_vocab.h"):
        m = re.match(r'#define MMLENS_VERSION "(.*)"', line)
        if m:
            return m.group(1)
    raise SystemExit("no MMLENS_VERSION")


def firing(url, name):
    with urllib.request.urlopen(url + "/api/v1/alerts", timeout=10) as r:
        doc = json.load(r)
    for a in doc["data"]["alerts"]:
        lab = {k: v for k, v in a["labels"].items()
               if k not in ("instance", "job", "alertname")}
        if a["labels"]["alertname"] == name and a["state"] == "firing":
            print(",".join('%s="%s"' % kv for kv in sorted(lab.items())))


def main():
    if sys.argv[1] == "alerts":
        firing(sys.argv[2], sys.argv[3])
        return
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    cmd, root = sys.argv[1], sys.argv[2]
    exp = expected(root, tool_version(top))
    if cmd == "check":
        got = parse_text(open(sys.argv[3]).read())
    elif cmd == "scrape":
        with urllib.request.urlopen(sys.argv[3], timeout=10) as r:
            got = parse_text(mmlens_only(r.read().decode()))
    else:
        got = from_prometheus(sys.argv[3])
    errs = compare(got, exp)
    if errs:
        print("\n".join(errs[:30]))
        print("%d differences" % len(errs))
        sys.exit(1)
    for want in sys.argv[4:] if cmd == "prom" else []:
        k = next(k for k in exp if show(k) == want)
        print("%s = %s  <-  %s" % (want, num(got[k]), exp[k][1]))
    print("%d samples equal their file lines" % len(exp))


if __name__ == "__main__":
    main()
