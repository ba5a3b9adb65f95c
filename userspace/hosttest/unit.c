// SPDX-License-Identifier: GPL-2.0
/*
 * unit - host unit tests of the tool's parsers, units, tables, bars, map
 * cells, JSON writer and pagetable records (ptruns.c, against the parser
 * and a stand-in for the module's ioctl). One line per test, "ok NAME" or
 * "not ok NAME: why"; scripts/test-tool.sh turns them into results. Exit
 * 1 if any fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../module/mmlens_uapi.h"
#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "ptruns.h"
#include "render.h"
#include "runview.h"
#include "tests/pt_record_text.h"

static int failures;
static char why[512];

/* Records the first reason a test fails; returns 1 so tests can chain. */
static int expect(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond)
		return 0;
	if (!why[0]) {
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
	}
	return 1;
}

static void expect_str(const char *got, const char *want, const char *what)
{
	expect(!strcmp(got, want), "%s: got '%s', want '%s'", what, got, want);
}

static void run(const char *name, void (*fn)(void))
{
	why[0] = '\0';
	fn();
	if (why[0]) {
		printf("not ok %s: %s\n", name, why);
		failures++;
	} else {
		printf("ok %s\n", name);
	}
}

#define PARSE(fn, text, out, pe) fn(text, strlen(text), out, pe)

/*
 * A text a parser must refuse: its message holds msg (NULL: any), about
 * line (0: any); why is the reason the test fails otherwise, "%s" in it
 * the message.
 */
struct refusal {
	const char *text, *msg;
	unsigned int line;
	const char *why;
};

static int refused(int rc, const struct parse_err *e, const struct refusal *r)
{
	return rc == -1 && (!r->msg || strstr(e->msg, r->msg)) &&
	       (!r->line || e->line == r->line);
}

/* Each row of tab through parse function fn into *out, freed after. */
#define REFUSED(fn, free_fn, out, tab)					\
	do {								\
		struct parse_err e_;					\
		size_t i_;						\
									\
		for (i_ = 0; i_ < sizeof(tab) / sizeof(tab[0]); i_++) {	\
			expect(refused(PARSE(fn, tab[i_].text, out, &e_), &e_, \
				       &tab[i_]), tab[i_].why, e_.msg);	\
			free_fn(out);					\
		}							\
	} while (0)

static void t_fmt_bytes(void)
{
	static const struct {
		uint64_t v;
		const char *want;
	} tab[] = {
		{ 0, "0" }, { 512, "512B" }, { 4096, "4K" },
		{ 135168, "132K" }, { 1572864, "1.5M" },
		{ 951058432, "907M" }, { 1073741824, "1G" },
		{ 1073322394, "1.0G" }, { 10 << 20, "10M" },
		{ 10433331, "9.9M" }, { 1ULL << 60, "1E" },
		{ UINT64_MAX, "16E" },
	};
	char buf[32];
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		expect_str(fmt_bytes(buf, sizeof(buf), tab[i].v), tab[i].want,
			   "fmt_bytes");
	expect_str(fmt_pages(buf, sizeof(buf), 3), "12K", "fmt_pages");
	expect_str(fmt_pages(buf, sizeof(buf), UINT64_MAX), "16E",
		   "fmt_pages clamps");
}

static void t_fmt_milli(void)
{
	char buf[32];

	expect_str(fmt_milli(buf, sizeof(buf), -1000), "-1.000", "-1000");
	expect_str(fmt_milli(buf, sizeof(buf), 912), "0.912", "912");
	expect_str(fmt_milli(buf, sizeof(buf), -500), "-0.500", "-500");
	expect_str(fmt_milli(buf, sizeof(buf), 1000), "1.000", "1000");
	expect_str(fmt_milli(buf, sizeof(buf), INT64_MIN),
		   "-9223372036854775.808", "INT64_MIN");
}

static void t_display_width(void)
{
	expect(display_width("\u2588\u258fa") == 3, "block glyphs");
	expect(display_width("\033[1mab\033[0m") == 2, "escapes");
	expect(display_width("") == 0, "empty");
	expect(display_width("\033[") == 0, "truncated escape");
}

static void t_bar(void)
{
	char b[256];

	expect_str(bar(b, sizeof(b), 4, 4, 4, 0),
		   "\u2588\u2588\u2588\u2588", "full");
	expect_str(bar(b, sizeof(b), 1, 1000, 10, 0), "\u258f",
		   "tiny non-zero shows 1/8");
	expect_str(bar(b, sizeof(b), 0, 1000, 10, 0), "", "zero");
	expect_str(bar(b, sizeof(b), 5, 10, 3, 0), "\u2588\u258c",
		   "half of 3 = 1.5 cells");
	expect_str(bar(b, sizeof(b), 5, 10, 3, 1), "#", "ascii rounds down");
	expect_str(bar(b, sizeof(b), 1, 1000, 10, 1), "#",
		   "ascii tiny shows one");
	expect_str(bar(b, sizeof(b), 99, 0, 10, 0), "", "max 0");
	expect(display_width(bar(b, sizeof(b), 7, 7, 40, 0)) == 40,
	       "width 40");
	expect(strlen(bar(b, 8, 7, 7, 40, 0)) < 8, "small buffer");
}

static void t_version(void)
{
	struct mm_version v;
	struct parse_err e;

	expect(!PARSE(parse_version, "0.1.0\n", &v, &e) && v.major == 0 &&
	       v.minor == 1 && v.patch == 0, "0.1.0");
	expect(!PARSE(parse_version, "12.34.56-rc1", &v, &e) &&
	       v.major == 12 && v.patch == 56, "suffix");
	expect(PARSE(parse_version, "0.1", &v, &e) == -1, "0.1 accepted");
	expect(PARSE(parse_version, "a.b.c", &v, &e) == -1, "letters");
	expect(PARSE(parse_version, "0.1.0\n0.2.0\n", &v, &e) == -1,
	       "two lines");
	expect(PARSE(parse_version, "", &v, &e) == -1, "empty");
	expect(PARSE(parse_version, "123456.1.1", &v, &e) == -1, "long");
	expect(parse_version("0.1\0.0", 6, &v, &e) == -1, "NUL");
}

#define FRAG_LINE(o, nr, fp, tot, su, ef, un)				\
	"node=0 zone=Normal order=" #o " nr_free=" #nr " free_pages=" #fp \
	" free_blocks_total=" #tot " free_blocks_suitable=" #su		\
	" extfrag=" #ef " unusable=" #un "\n"

static void t_fraginfo(void)
{
	static const struct refusal bad[] = {
		{ FRAG_LINE(1, 3, 5, 4, 5, 0, 0), "starts at order", 0,
		  "zone not starting at 0" },
		{ FRAG_LINE(0, 3, 5, 4, 5, 0, 0) FRAG_LINE(2, 3, 5, 4, 5, 0, 0),
		  NULL, 2, "order gap" },
		{ "node=0 zone=X order=0 nr_free=1\n", "missing", 0,
		  "missing" },
		{ "node=0 node=0\n", "twice", 0, "duplicate" },
		{ "node=0 zone=X order=0 nr_free=99999999999999999999 "
		  "free_pages=0 free_blocks_total=0 "
		  "free_blocks_suitable=0 extfrag=0 unusable=0\n", NULL, 0,
		  "overflow accepted" },
		{ "node=0 zone=X order=40\n", NULL, 0, "order 40 accepted" },
		{ "junk\n", NULL, 1, "junk" },
		{ "\n\n", NULL, 0, "empty" },
	};
	const char *two = FRAG_LINE(0, 3, 5, 4, 5, -1000, 0)
		FRAG_LINE(1, 1, 5, 4, 1, -1000, 600)
		"node=1 zone=DMA order=0 nr_free=0 free_pages=0 "
		"free_blocks_total=0 free_blocks_suitable=0 extfrag=0 "
		"unusable=1000 newkey=7\r\n";
	struct frag_info fi;
	struct parse_err e;

	expect(!PARSE(parse_fraginfo, two, &fi, &e), "valid: %s", e.msg);
	expect(fi.nzones == 2 && fi.zones[0].norders == 2 &&
	       fi.zones[1].node == 1 && fi.zones[0].o[1].unusable == 600 &&
	       fi.zones[0].o[0].extfrag == -1000, "values");
	frag_info_free(&fi);
	REFUSED(parse_fraginfo, frag_info_free, &fi, bad);
}

#define WM_ZONE(z) "Node 0, zone " z " free=1234 min=100 low=125 high=150 " \
	"boost=0 highatomic=0 free_cma=0 managed=3000 present=3500 "	\
	"spanned=4096 protection=0,0,1500,1500,1500\n"
#define WM_ORDER(z, o, a, b, c) "Node 0, zone " z " order=" #o " min=" #a \
	" low=" #b " high=" #c "\n"

static void t_watermarks(void)
{
	static const struct refusal bad[] = {
		{ WM_ORDER("DMA32", 0, ok, ok, ok), "without its zone line", 0,
		  "order line first: %s" },
		{ WM_ZONE("DMA32") WM_ORDER("DMA32", 1, ok, ok, ok),
		  "out of sequence", 2, "gap" },
		{ WM_ZONE("DMA32") WM_ORDER("DMA32", 0, ok, maybe, ok),
		  "not ok or fail", 0, "maybe: %s" },
		{ WM_ZONE("DMA32") WM_ORDER("Normal", 0, ok, ok, ok), NULL, 0,
		  "order line of another zone" },
		{ WM_ZONE("DMA32") WM_ZONE("Normal")
		  WM_ORDER("Normal", 0, ok, ok, ok), "no order lines", 0,
		  "zone without orders" },
		{ WM_ZONE("DMA32"), "no order lines", 0,
		  "last zone without orders" },
		{ "Node 0, zone DMA32 free=1 min=1\n"
		  WM_ORDER("DMA32", 0, ok, ok, ok), "low missing", 0,
		  "missing: %s" },
		{ "Node 0, zone DMA32 free=1 min=1 low=1 high=1 boost=0 "
		  "highatomic=0 free_cma=0 managed=1 present=1 spanned=1 "
		  "protection=0,,1\n", "protection", 0,
		  "empty protection value" },
		{ "Node 0 zone DMA32 free=1\n", "expected 'Node", 0,
		  "no comma" },
		{ "\n", NULL, 0, "empty" },
	};
	const char *good = WM_ZONE("DMA32") WM_ORDER("DMA32", 0, ok, ok, ok)
		WM_ORDER("DMA32", 1, ok, ok, fail)
		"Node 1, zone Normal free=5 min=1 low=2 high=3 boost=1 "
		"highatomic=2 free_cma=0 managed=9 present=9 spanned=9 "
		"protection=0 newkey=x\r\n"
		WM_ORDER("Normal", 0, fail, fail, fail);
	struct wmark_info wi;
	struct parse_err e;

	/* the second zone is on node 1 */
	char *two = strdup(good), *p = strstr(two, "Node 0, zone Normal");

	if (p)
		p[5] = '1';
	expect(!PARSE(parse_watermarks, two, &wi, &e), "valid: %s", e.msg);
	expect(wi.nzones == 2, "nzones %zu", wi.nzones);
	if (wi.nzones == 2) {
		expect(wi.zones[0].free == 1234 && wi.zones[0].spanned == 4096 &&
		       wi.zones[0].nprot == 5 &&
		       wi.zones[0].protection[2] == 1500, "counts");
		expect(wi.zones[0].norders == 2 &&
		       wi.zones[0].ok[0] == 7 && wi.zones[0].ok[1] == 3,
		       "verdicts %d %d", wi.zones[0].ok[0], wi.zones[0].ok[1]);
		expect(wi.zones[1].node == 1 && wi.zones[1].boost == 1 &&
		       wi.zones[1].nprot == 1 && wi.zones[1].ok[0] == 0,
		       "node 1");
	}
	free(two);
	wmark_info_free(&wi);
	REFUSED(parse_watermarks, wmark_info_free, &wi, bad);
}

static void t_compaction(void)
{
	static const struct refusal bad[] = {
		{ "Node 0 score=1 low=80 high=90\n", "all three", 0,
		  "old line cut short: %s" },
		{ "Node 0 score=1 low=80 high=90 proactive=maybe\n",
		  "proactive", 0, "old line, proactive maybe" },
		{ "Node 0 score=1 low=101 high=90 proactive=no\n", "low", 0,
		  "old line, low 101" },
		{ "Node 0 score=1 score=2\n", "twice", 0, "score twice" },
		{ "Node 0 low=80 high=90 proactive=no\n", "score missing", 0,
		  "no score: %s" },
		{ "Node 0 score=1 junk\n", "key=value", 0,
		  "junk after the score" },
		{ "Node 0 score=1\ncompact_stall 1\nNode 1 score=1\n",
		  "after the counters", 3, "node after counters: %s" },
		{ "Node 0, zone DMA32 considered=0 defer_shift=0 order_failed=0 deferred=-\n"
		  "Node 1 score=1\n", "after zones of node 0", 0,
		  "zone of another node" },
		{ "Node 0, zone DMA32 considered=0 defer_shift=0 order_failed=0 deferred=-\n",
		  "without its node line", 0, "zone without node line" },
		{ "Node 0 score=101\n", "score", 0, "score 101" },
		{ "Node 0 score=-\n", NULL, 0, "score -" },
		{ "Node 0, zone X considered=0 defer_shift=0 order_failed=0 deferred=32\n"
		  "Node 0 score=1\n", "deferred", 0, "deferred 32" },
		{ "Node 0 score=1\ncompact_stall 1\ncompact_stall 2\n", "twice",
		  0, "counter twice" },
		{ "Node 0 score=1\npgfault 1\n", "expected", 0,
		  "other vmstat line: %s" },
		{ "Node 0 score=1\ncompact_stall 1 2\n", NULL, 0,
		  "two values" },
		{ "compact_stall 1\n", "no nodes", 0, "counters only" },
	};
	const char *good =
		"Node 0, zone DMA32 considered=0 defer_shift=0 order_failed=0 deferred=-\n"
		"Node 0, zone Normal considered=3 defer_shift=2 order_failed=4 deferred=4\n"
		"Node 0 score=37\n"
		"Node 1, zone Normal considered=0 defer_shift=0 order_failed=11 deferred=-\n"
		"Node 1 score=0\n"
		"compact_migrate_scanned 12\n"
		"compact_stall 3\n";
	struct compact_info ci;
	struct parse_err e;

	expect(!PARSE(parse_compaction, good, &ci, &e), "valid: %s", e.msg);
	expect(ci.nzones == 3 && ci.nnodes == 2 && ci.ncounters == 2,
	       "counts %zu %zu %zu", ci.nzones, ci.nnodes, ci.ncounters);
	if (ci.nzones == 3 && ci.nnodes == 2) {
		expect(ci.zones[0].deferred == -1 && ci.zones[1].deferred == 4 &&
		       ci.zones[1].defer_shift == 2 &&
		       ci.zones[2].order_failed == 11, "zones");
		expect(ci.nodes[0].score == 37 && ci.nodes[0].low == -1 &&
		       ci.nodes[0].high == -1 && ci.nodes[0].proactive == -1 &&
		       ci.nodes[1].node == 1 && ci.nodes[1].score == 0,
		       "nodes");
		expect(compact_counter(&ci, "compact_stall") &&
		       compact_counter(&ci, "compact_stall")->value == 3 &&
		       !compact_counter(&ci, "compact_fail"), "counters");
	}
	compact_info_free(&ci);
	/* an older module's line: parses, its thresholds dropped */
	expect(!PARSE(parse_compaction,
		      "Node 0 score=94 low=80 high=90 proactive=yes\n"
		      "Node 1 score=3 low=- high=- proactive=-\n", &ci, &e) &&
	       ci.nnodes == 2 && ci.nodes[0].score == 94 &&
	       ci.nodes[0].low == -1 && ci.nodes[0].high == -1 &&
	       ci.nodes[0].proactive == -1 && ci.nodes[1].score == 3,
	       "old line: %s", e.msg);
	compact_info_free(&ci);
	REFUSED(parse_compaction, compact_info_free, &ci, bad);
}

/* compact_proactive() over one node of score s: "low high proactive". */
static void proactive_case(int p, int s, int kswapd, const char *want)
{
	struct compact_node n = { .node = 0, .score = s };
	struct compact_info ci = { .nnodes = 1, .nodes = &n };
	unsigned char running = (unsigned char)kswapd;
	char got[48];

	compact_proactive(&ci, p, &running);
	snprintf(got, sizeof(got), "%d %d %d", n.low, n.high, n.proactive);
	expect(!strcmp(got, want), "p=%d score=%d kswapd=%d: got '%s', want '%s'",
	       p, s, kswapd, got, want);
}

/* fragmentation_score_wmark() and should_proactive_compact_node(). */
static void t_proactive(void)
{
	struct compact_node two[2] = { { .node = 0, .score = 95 },
				       { .node = 1, .score = 95 } };
	struct compact_info ci = { .nnodes = 2, .nodes = two };
	const unsigned char second[2] = { 0, 1 };

	proactive_case(20, 90, 0, "80 90 0");	/* above high, not at it */
	proactive_case(20, 91, 0, "80 90 1");
	proactive_case(20, 91, 1, "80 90 0");	/* kswapd runs: no */
	proactive_case(0, 100, 0, "100 100 0");	/* p 0: never */
	proactive_case(0, 0, 0, "100 100 0");
	proactive_case(100, 16, 0, "5 15 1");	/* low capped at 5 */
	proactive_case(100, 15, 0, "5 15 0");
	proactive_case(95, 16, 0, "5 15 1");
	proactive_case(92, 18, 0, "8 18 0");
	proactive_case(92, 19, 0, "8 18 1");
	proactive_case(92, 19, 1, "8 18 0");
	proactive_case(1, 100, 0, "99 100 0");	/* high capped at 100 */
	proactive_case(-1, 100, 0, "-1 -1 -1");	/* sysctl unreadable */
	proactive_case(101, 100, 0, "-1 -1 -1");
	compact_proactive(&ci, 20, second);
	expect(two[0].proactive == 1 && two[1].proactive == 0,
	       "kswapd per node: %d %d", two[0].proactive, two[1].proactive);
	compact_proactive(&ci, 20, NULL);
	expect(two[0].proactive == 1 && two[1].proactive == 1,
	       "no kswapd array: %d %d", two[0].proactive, two[1].proactive);
}

/* The CapEff line of /proc/PID/status: bit 21 CAP_SYS_ADMIN, 19 PTRACE. */
static void t_caps(void)
{
	expect(caps_lacking("Name:\tx\nCapPrm:\t0\nCapEff:\t000001ffffffffff\n") == 0,
	       "all");
	expect(caps_lacking("Name:\tx\nCapEff:\t000001ffffdfffff\n") ==
	       LACK_SYS_ADMIN, "without 21");
	expect(caps_lacking("Name:\tx\nCapEff:\t000001fffff7ffff\n") ==
	       LACK_SYS_PTRACE, "without 19");
	expect(caps_lacking("Name:\tx\nCapEff:\t0000000000000000\nCapBnd:\t1\n") ==
	       (LACK_SYS_ADMIN | LACK_SYS_PTRACE), "none");
	expect(caps_lacking("Name:\tx\nCapPrm:\t000001ffffffffff\n") ==
	       (LACK_SYS_ADMIN | LACK_SYS_PTRACE), "no CapEff line");
	expect(caps_lacking("Name:\tx\nCapEff:\tzz\n") ==
	       (LACK_SYS_ADMIN | LACK_SYS_PTRACE), "garbage");
	expect(caps_lacking(NULL) == (LACK_SYS_ADMIN | LACK_SYS_PTRACE),
	       "unreadable");
}

static void t_pageblocks(void)
{
	static const struct refusal bad[] = {
		{ "pfn=0x1000 blocks=1 type=Movable free=0 largest=-\n",
		  "before the first", 0, "run before header" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=1 type=Sticky free=0 largest=-\n", "type",
		  0, "unknown type" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=1 type=Movable free=513 largest=9\n",
		  "free", 0, "free 513" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=1 type=Movable free=0 largest=3\n",
		  "largest", 0, "largest without free" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=1 type=Movable free=3 largest=-\n", NULL,
		  0, "free without largest" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=2 type=Movable free=0 largest=-\n"
		  "pfn=0x1200 blocks=1 type=Movable free=0 largest=-\n",
		  "overlaps", 3, "overlap: %s" },
		{ "Node 0, zone X\n"
		  "pfn=4096 blocks=1 type=Movable free=0 largest=-\n", NULL, 0,
		  "pfn without 0x" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 blocks=0 type=Movable free=0 largest=-\n", NULL,
		  0, "zero blocks" },
		{ "Node 0, zone X\n"
		  "pfn=0x1000 type=Movable free=0 largest=-\n",
		  "blocks missing", 0, "blocks missing" },
		{ "Node 0, zone X\nNode 0, zone X\n", "twice", 0,
		  "zone twice" },
		{ "Node 0, zone X extra\n", NULL, 0, "junk after header" },
	};
	const char *good =
		"Node 0, zone DMA\n"
		"pfn=0x1 blocks=1 type=Unmovable free=17 largest=3\n"
		"pfn=0x200 blocks=7 type=Movable free=512 largest=10\n"
		"Node 0, zone DMA32\n"
		"pfn=0x1000 blocks=3 type=Movable free=512 largest=9\n"
		"pfn=0x1600 blocks=1 type=Reclaimable free=0 largest=- extra=1\n"
		"pfn=0x2000 blocks=40 type=HighAtomic free=0 largest=-\n";
	struct pb_info pi;
	struct parse_err e;

	expect(!PARSE(parse_pageblocks, good, &pi, &e), "valid: %s", e.msg);
	expect(pi.nzones == 2, "nzones %zu", pi.nzones);
	if (pi.nzones == 2) {
		expect(pi.zones[0].nruns == 2 && pi.zones[1].nruns == 3,
		       "runs");
		expect(pi.zones[1].runs[1].pfn == 0x1600 &&
		       pi.zones[1].runs[1].type == MT_RECLAIMABLE &&
		       pi.zones[1].runs[1].largest == -1 &&
		       pi.zones[1].runs[2].blocks == 40 &&
		       pi.zones[0].runs[1].largest == 10 &&
		       pi.zones[0].runs[0].free == 17, "values");
	}
	pb_info_free(&pi);
	REFUSED(parse_pageblocks, pb_info_free, &pi, bad);
}

static void t_pagetypeinfo(void)
{
	static const struct refusal bad[] = {
		{ "Node 0, zone DMA 1 2\n", "before a header", 0,
		  "row before header" },
		{ "Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable >99 1\n", "bad count", 0,
		  "other cap" },
		{ "Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1\n", NULL, 2,
		  "too few counts" },
		{ "Free pages count per migrate type at order 0 1\n"
		  "Node 0, zone DMA, type Movable 1 2 3\n", NULL, 0,
		  "too many counts" },
		{ "Free pages count per migrate type at order 0 2\n", "order",
		  0, "orders out of sequence" },
		{ "Page block order: 9\n", "no zones", 0, "no zones" },
	};
	/* the kernel's layout; a CMA row of a type we know, a Sticky one we do not */
	static const char good[] =
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order       0      1      2 \n"
		"Node    0, zone      DMA, type    Unmovable      0      1      2 \n"
		"Node    0, zone      DMA, type      Movable >100000      3      0 \n"
		"Node    0, zone      DMA, type       Sticky      9      9      9 \n"
		"Node    0, zone      DMA, type          CMA      4      0      0 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable       Sticky          CMA \n"
		"Node 0, zone      DMA            1            7            5            2 \n"
		"\n"
		"Number of mixed blocks     Unmovable      Movable \n"
		"Node 0, zone      DMA            1            1 \n";
	struct pti_info pi;
	struct parse_err e;

	expect(!PARSE(parse_pagetypeinfo, good, &pi, &e), "valid: %s", e.msg);
	expect(pi.nzones == 1, "nzones %zu", pi.nzones);
	if (pi.nzones == 1) {
		const struct pti_zone *z = &pi.zones[0];

		expect(z->node == 0 && !strcmp(z->name, "DMA") &&
		       z->norders == 3, "zone");
		expect(z->types == (1u << MT_UNMOVABLE | 1u << MT_MOVABLE |
				    1u << MT_CMA), "types %x", z->types);
		expect(z->free[MT_MOVABLE][0] == PTI_CAP &&
		       z->capped[MT_MOVABLE] == 1 && !z->capped[MT_UNMOVABLE] &&
		       z->free[MT_UNMOVABLE][2] == 2 &&
		       z->free[MT_CMA][0] == 4, "counts");
		expect(z->blocks[MT_UNMOVABLE] == 1 && z->blocks[MT_MOVABLE] == 7 &&
		       z->blocks[MT_CMA] == 2 &&
		       z->block_types == (1u << MT_UNMOVABLE | 1u << MT_MOVABLE |
					  1u << MT_CMA), "blocks (mixed blocks ignored)");
	}
	pti_info_free(&pi);
	REFUSED(parse_pagetypeinfo, pti_info_free, &pi, bad);
}

static void zone_of(struct frag_zone *z, const uint64_t *nr, int n)
{
	int o, k;

	memset(z, 0, sizeof(*z));
	z->norders = n;
	for (o = 0; o < n; o++) {
		struct frag_order *q = &z->o[o];

		q->nr_free = nr[o];
		for (k = 0; k < n; k++) {
			q->free_pages += nr[k] << k;
			q->free_blocks_total += nr[k];
			if (k >= o)
				q->free_blocks_suitable += nr[k] << (k - o);
		}
	}
}

static void t_verdict(void)
{
	static const uint64_t all[11] = { 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
	static const uint64_t frag[11] = { 5000, 1200, 300, 10 };
	static const uint64_t nomem[11] = { 1 };
	static const uint64_t none[11] = { 0 };
	struct frag_verdict v;
	struct frag_zone z;

	zone_of(&z, all, 11);
	frag_verdict(&z, &v);
	expect(v.largest == 10 && v.frag_fail < 0 && v.nomem_fail < 0,
	       "all: %d %d %d", v.largest, v.frag_fail, v.nomem_fail);
	zone_of(&z, frag, 11);
	frag_verdict(&z, &v);
	expect(v.largest == 3 && v.frag_fail == 4 && v.nomem_fail < 0,
	       "frag: %d %d %d", v.largest, v.frag_fail, v.nomem_fail);
	zone_of(&z, nomem, 11);
	frag_verdict(&z, &v);
	expect(v.largest == 0 && v.frag_fail < 0 && v.nomem_fail == 1,
	       "nomem: %d %d %d", v.largest, v.frag_fail, v.nomem_fail);
	zone_of(&z, none, 11);
	frag_verdict(&z, &v);
	expect(v.largest < 0 && v.frag_fail < 0 && v.nomem_fail == 0,
	       "none: %d %d %d", v.largest, v.frag_fail, v.nomem_fail);
}

static void t_vmas(void)
{
	static const struct refusal bad[] = {
		{ "1000-1000 r--p 0 present=1\n", NULL, 0,
		  "empty range accepted" },
		{ "1000-2000 rwzp 0 present=1\n", NULL, 0,
		  "bad perms accepted" },
		{ "1000-2000 r--p 0 present=1 swap=0 pmd=0 pud=0 dirty=0 "
		  "young=0 runs=0 /x\n", "ptables", 0, "missing ptables" },
	};
	const char *text =
		"00400000-00401000 r--p 00000000 present=1 swap=0 pmd=0 pud=0 "
		"dirty=0 young=1 runs=1 ptables=0 /bin/busy box=1 (deleted)\n"
		"7f0000000000-7f0000400000 rw-p 00000000 present=1024 swap=2 "
		"pmd=2 pud=0 dirty=1024 young=1024 runs=1 ptables=1 newc=5 \n";
	struct vma_list vl;
	struct parse_err e;

	expect(!PARSE(parse_vmas, text, &vl, &e), "valid: %s", e.msg);
	expect(vl.n == 2, "count %zu", vl.n);
	if (vl.n == 2) {
		expect_str(vl.v[0].name, "/bin/busy box=1 (deleted)", "name");
		expect_str(vl.v[1].name, "", "anonymous name");
		expect(vl.v[1].pmd == 2 && vl.v[1].swap == 2 &&
		       vl.v[1].start == 0x7f0000000000ULL, "values");
		expect_str(vl.v[0].perms, "r--p", "perms");
	}
	vma_list_free(&vl);
	REFUSED(parse_vmas, vma_list_free, &vl, bad);
}

static void t_numa(void)
{
	static const struct refusal bad[] = {
		{ "1000-2000 default N1=2 N0=1\n", "order", 0,
		  "nodes out of order accepted" },
		{ "1000-2000 N0=1\n", NULL, 0, "missing policy accepted" },
		{ "1000-2000 bind:1 N0=0\n", NULL, 0, "zero count accepted" },
		{ "1000-2000 bind:1 N0=1 x\n", NULL, 0,
		  "word after the counts accepted" },
	};
	const char *text =
		"00400000-00401000 default\n"
		"7f0000000000-7f0000400000 prefer (many):0-1 N0=3 N1=1024\n"
		"7f0000400000-7f0000600000 bind=static|balancing:1 N1=2\n";
	struct numa_list nl;
	struct parse_err e;

	expect(!PARSE(parse_numa, text, &nl, &e), "valid: %s", e.msg);
	expect(nl.n == 3, "count %zu", nl.n);
	if (nl.n == 3) {
		expect_str(nl.v[0].policy, "default", "no nodes");
		expect(nl.v[0].nnodes == 0, "no nodes: %zu", nl.v[0].nnodes);
		expect_str(nl.v[1].policy, "prefer (many):0-1",
			   "policy with a space");
		expect(nl.v[1].nnodes == 2 &&
		       numa_vma_pages(&nl.v[1], 1) == 1024 &&
		       numa_vma_pages(&nl.v[1], 0) == 3 &&
		       numa_vma_pages(&nl.v[1], 2) == 0, "counts");
		expect_str(nl.v[2].policy, "bind=static|balancing:1", "flags");
	}
	numa_list_free(&nl);
	REFUSED(parse_numa, numa_list_free, &nl, bad);
}

static void t_pagetable(void)
{
	static const struct refusal bad[] = {
		{ "400000-401000 pxx 1 present\n", NULL, 0, "bad level" },
		{ "400000-401000 pte 1 present pfn=1 pfn=2\n", NULL, 0,
		  "repeated pfn" },
		{ "# levels=9\n", NULL, 0, "levels 9" },
		{ "400000-402000 pte 2 present pfn=1\n"
		  "401000-403000 pte 2 present pfn=9\n", "overlapping", 2,
		  "overlapping runs" },
		{ "500000-501000 pte 1 present pfn=1\n"
		  "400000-401000 pte 1 present pfn=9\n", "out of order", 2,
		  "runs out of order" },
	};
	const char *text =
		"# pid=12 comm=my prog levels=5\n"
		"400000-401000 pte 1 present pfn=1a flags=rw,user,nx,devmap\n"
		"401000-402000 pte 1 present pfn=1b flags=-\n"
		"402000-404000 pte 2 swap type=1 offset=ff\n"
		"404000-405000 pte 1 marker kind=uffd-wp\n"
		"405000-406000 pte 1 other entry=3e\n"
		"600000-800000 pmd 1 present pfn=200 flags=rw,huge\n"
		"800000-801000 pte 1 device-exclusive pfn=3f\n";
	struct pt_report pt;
	struct parse_err e;
	char f[64];

	expect(!PARSE(parse_pagetable, text, &pt, &e), "valid: %s", e.msg);
	expect(pt.pid == 12 && pt.levels == 5, "header");
	expect_str(pt.comm, "my prog", "comm with a space");
	expect(pt.n == 7, "runs %zu", pt.n);
	if (pt.n == 7) {
		expect(pt.r[0].flags == (1u << PTF_RW | 1u << PTF_USER |
					 1u << PTF_NX), "flags");
		expect(pt.r[0].other_flags &&
		       !strcmp(pt.r[0].other_flags, "devmap"), "devmap kept");
		expect(pt.r[1].flags == 0 && !pt.r[1].other_flags,
		       "'-' is no flag");
		expect(pt.r[2].has_type && pt.r[2].type == 1 &&
		       pt.r[2].offset == 0xff, "swap");
		expect(pt.r[3].extra && !strcmp(pt.r[3].extra, "kind=uffd-wp"),
		       "marker extra");
		expect_str(pt.r[4].kind, "other", "other kind");
		expect(pt.r[5].level == MMLENS_PMD && pt.r[5].pfn == 0x200, "pmd");
		expect_str(pt.r[6].kind, "device-exclusive",
			   "the longest kind name");
		pt_flags_compact(&pt.r[0], f, sizeof(f));
		expect_str(f, "wu---- devmap", "compact flags");
		pt_flags_compact(&pt.r[5], f, sizeof(f));
		expect_str(f, "w---x- huge", "compact huge");
		pt_flags_compact(&pt.r[2], f, sizeof(f));
		expect_str(f, "", "compact swap");
	}
	pt_report_free(&pt);
	REFUSED(parse_pagetable, pt_report_free, &pt, bad);
}

/*
 * Names and comms as the module escapes them (a newline is \012): a comm
 * may hold spaces, '=' and " levels=" (it runs to the last " levels="),
 * and a vmas line may carry a PATH_MAX name escaped to four times that.
 */
static void t_escaped_names(void)
{
	static const struct {
		const char *hdr, *comm;
		int pid, levels;
	} tab[] = {
		{ "# pid=7 comm=a\\012levels=9 levels=4\n", "a\\012levels=9", 7, 4 },
		{ "# pid=7 comm=a  b\tc levels=5\n", "a  b\tc", 7, 5 },
		{ "# pid=7 comm=x levels=3 levels=5\n", "x levels=3", 7, 5 },
		{ "# pid=7 comm=k=v z=1 levels=4\n", "k=v z=1", 7, 4 },
		{ "# pid=7 comm= levels=4\n", "", 7, 4 },
		{ "# pid=7 comm=levels=2 levels=5 new=1\n", "levels=2", 7, 5 },
	};
	struct vma_list vl;
	struct pt_report pt;
	struct parse_err e;
	char *text, *p;
	size_t i, n = 4095;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		if (expect(!PARSE(parse_pagetable, tab[i].hdr, &pt, &e),
			   "%s: %s", tab[i].hdr, e.msg))
			continue;
		expect_str(pt.comm, tab[i].comm, tab[i].hdr);
		expect(pt.has_comm && pt.pid == tab[i].pid &&
		       pt.levels == tab[i].levels, "pid/levels of %s",
		       tab[i].hdr);
		pt_report_free(&pt);
	}
	expect(PARSE(parse_pagetable, "# pid=7 levels=4\n", &pt, &e) == 0 &&
	       !pt.has_comm && pt.levels == 4, "header without comm");
	pt_report_free(&pt);

	text = malloc(256 + 4 * n);
	if (expect(text != NULL, "malloc"))
		return;
	p = text + sprintf(text, "1000-2000 r--p 00000000 present=1 swap=0 "
			   "pmd=0 pud=0 dirty=0 young=1 runs=1 ptables=1 /");
	for (i = 1; i < n; i++)
		p += sprintf(p, "\\012");
	strcpy(p, "\n");
	expect(!PARSE(parse_vmas, text, &vl, &e), "PATH_MAX name: %s", e.msg);
	expect(vl.n == 1 && strlen(vl.v[0].name) == 1 + 4 * (n - 1) &&
	       !strncmp(vl.v[0].name, "/\\012\\012", 9),
	       "PATH_MAX name kept whole and escaped");
	vma_list_free(&vl);
	free(text);
}

/* A record's text line and its newline (tests/pt_record_text.h). */
static int pt_render(char *out, size_t cap, const struct mmlens_pt_run *r)
{
	int n = pt_record_text(out, cap, r);

	return n + snprintf(out + n, cap - n, "\n");
}

static int same_str(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* Every field of struct pt_run a command may read. */
static int pt_run_same(const struct pt_run *a, const struct pt_run *b)
{
	return a->start == b->start && a->end == b->end &&
	       a->level == b->level && a->entries == b->entries &&
	       !strcmp(a->kind, b->kind) && a->flags == b->flags &&
	       same_str(a->other_flags, b->other_flags) &&
	       same_str(a->extra, b->extra) && a->has_pfn == b->has_pfn &&
	       a->has_type == b->has_type && a->has_offset == b->has_offset &&
	       a->has_flags == b->has_flags && a->pfn == b->pfn &&
	       a->type == b->type && a->offset == b->offset;
}

/*
 * The records of every kind, and present ones with every one of the
 * 2^17 flag sets: pt_run_from_record() gives what parse_pagetable()
 * makes of their lines, so pt, map and vmas show the same either way.
 */
static void t_pt_records(void)
{
	const uint64_t nflags = 1ULL << MMLENS_NR_FLAG_BITS;
	const struct mmlens_pt_run rare[] = {
		{ 0x1000, 0x3000, 2, 0xfff0, 0, MMLENS_PTE, MMLENS_SWAP, 3,
		  0, 0 },
		{ 0x3000, 0x4000, 1, 0, 0, MMLENS_PTE, MMLENS_SWAP, 0, 0, 0 },
		{ 0x4000, 0x5000, 1, 0x42, 0, MMLENS_PTE, MMLENS_MIGRATION, 0,
		  0, 0 },
		{ 0x5000, 0x6000, 1, 0, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		  MMLENS_MARKER_UFFD_WP, 0 },
		{ 0x6000, 0x7000, 1, 0, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		  MMLENS_MARKER_OTHER, 0 },
		{ 0x7000, 0x8000, 1, 0x43, 0, MMLENS_PTE,
		  MMLENS_DEVICE_PRIVATE, 0, 0, 0 },
		{ 0x8000, 0x9000, 1, 0x44, 0, MMLENS_PTE,
		  MMLENS_DEVICE_EXCLUSIVE, 0, 0, 0 },
		{ 0x200000, 0x400000, 1, 0x45, 0, MMLENS_PMD, MMLENS_HWPOISON,
		  0, 0, 0 },
		{ 0x40000000, 0x80000000, 1, 0x7fffffffffffff3eULL, 0,
		  MMLENS_PUD, MMLENS_OTHER, 0, 0, 0 },
		{ 0x9000, 0xa000, 1, 0, 0, MMLENS_PTE, MMLENS_OTHER, 0, 0, 0 },
		{ 0, UINT64_MAX, UINT64_MAX, UINT64_MAX, 0, MMLENS_PGD,
		  MMLENS_MIGRATION, 0, 0, 0 },
		{ 0, 0x1000, 1, 0, 0, MMLENS_P4D, MMLENS_SWAP, 255, 0, 0 },
	};
	size_t nrare = sizeof(rare) / sizeof(rare[0]), n = nrare + nflags, i;
	struct mmlens_pt_run *rec = calloc(n, sizeof(*rec));
	char *text = malloc(256 + 64), *p;
	struct pt_report pt;
	struct parse_err e;
	struct pt_run r;
	int rc;

	if (expect(rec && text, "malloc"))
		goto out;
	memcpy(rec, rare, sizeof(rare));
	for (i = nrare; i < n; i++) {
		uint64_t f = i - nrare;

		/* every level, frames up to the top of the field */
		rec[i].start = 0x1000 * (uint64_t)(i + 1);
		rec[i].end = rec[i].start + 0x1000;
		rec[i].entries = 1 + f % 513;
		rec[i].value = f * 0x9e3779b97f4a7c15ULL;
		rec[i].flags = f;
		rec[i].level = (uint8_t)(MMLENS_PUD + f % 3);
		rec[i].kind = MMLENS_PRESENT;
	}
	/*
	 * Each line parsed alone: the rare records' extremes overlap, and a
	 * report's runs must not (parse_pagetable() refuses that).
	 */
	memset(&e, 0, sizeof(e));
	for (i = 0; i < n; i++) {
		p = text + sprintf(text, "# pid=7 comm=x levels=4\n");
		rc = pt_render(p, 256, &rec[i]);
		if (expect(rc < 256, "record %zu: line of %d bytes", i, rc))
			goto out;
		if (expect(!PARSE(parse_pagetable, text, &pt, &e) && pt.n == 1,
			   "record %zu, line %u: %s", i, e.line, e.msg)) {
			pt_report_free(&pt);
			goto out;
		}
		memset(&r, 0, sizeof(r));
		rc = pt_run_from_record(&rec[i], &r);
		if (expect(!rc, "record %zu: %d", i, rc) ||
		    expect(pt_run_same(&r, &pt.r[0]),
			   "record %zu (%s, flags %llx): other %s extra %s, "
			   "text's %s %s", i, pt.r[0].kind,
			   (unsigned long long)rec[i].flags,
			   r.other_flags ? r.other_flags : "-",
			   r.extra ? r.extra : "-",
			   pt.r[0].other_flags ? pt.r[0].other_flags : "-",
			   pt.r[0].extra ? pt.r[0].extra : "-"))
			i = n;
		free(r.other_flags);
		free(r.extra);
		pt_report_free(&pt);
	}
out:
	free(text);
	free(rec);
}

/*
 * What a record says and this tool has no name for (a newer module's),
 * and what the text parser would refuse: 1, so that the text, which
 * names it, is read instead.
 */
static void t_pt_records_unknown(void)
{
	static const struct {
		struct mmlens_pt_run rec;
		const char *what;
	} tab[] = {
		{ { 0x1000, 0x2000, 1, 1, 0, MMLENS_NR_LEVELS, MMLENS_PRESENT,
		    0, 0, 0 }, "a level" },
		{ { 0x1000, 0x2000, 1, 1, 0, MMLENS_PTE, MMLENS_NR_KINDS, 0,
		    0, 0 }, "a kind" },
		{ { 0x1000, 0x2000, 1, 1, 1ULL << MMLENS_NR_FLAG_BITS,
		    MMLENS_PTE, MMLENS_PRESENT, 0, 0, 0 }, "a flag" },
		{ { 0x1000, 0x2000, 1, 1, 0, MMLENS_PTE, MMLENS_PRESENT, 0, 0,
		    1 }, "reserved" },
		{ { 0x1000, 0x2000, 1, 1, 1, MMLENS_PTE, MMLENS_SWAP, 0, 0,
		    0 }, "flags of a swap entry" },
		{ { 0x1000, 0x2000, 1, 1, 0, MMLENS_PTE, MMLENS_PRESENT, 1, 0,
		    0 }, "a swap type of a present entry" },
		{ { 0x1000, 0x2000, 1, 1, 0, MMLENS_PTE, MMLENS_PRESENT, 0,
		    MMLENS_MARKER_UFFD_WP, 0 }, "a marker of a present entry" },
		{ { 0x1000, 0x2000, 1, 0, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		    MMLENS_MARKER_NONE, 0 }, "a marker of none" },
		{ { 0x1000, 0x2000, 1, 0, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		    MMLENS_MARKER_OTHER + 1, 0 }, "a marker" },
		{ { 0x1000, 0x2000, 1, 5, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		    MMLENS_MARKER_OTHER, 0 }, "a value of a marker" },
		{ { 0x2000, 0x2000, 1, 1, 0, MMLENS_PTE, MMLENS_PRESENT, 0, 0,
		    0 }, "an empty range" },
	};
	struct pt_run r;
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		memset(&r, 0, sizeof(r));
		expect(pt_run_from_record(&tab[i].rec, &r) == 1,
		       "%s: not left to the text", tab[i].what);
		free(r.other_flags);
		free(r.extra);
	}
}

/*
 * pt_runs_read() on a file without the ioctl (a pipe: ENOTTY, as an
 * older module answers) or without a header it can use: -1, the text is
 * read instead, and nothing is left to free.
 */
static void t_pt_runs_fallback(void)
{
	static const char *const texts[] = {
		"# pid=7 comm=x levels=4\n1000-2000 pte 1 present pfn=1 "
		"flags=-\n",
		"# pid=7 comm=x levels=5\n",
		"# pid=7 comm=x\n",
		"# pid=x comm=x levels=4\n",
		"1000-2000 pte 1 present pfn=1 flags=-\n",
		"# pid=7 comm=x levels=4",
		"",
	};
	struct pt_report pt;
	size_t i;
	int fds[2], rc;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		if (expect(!pipe(fds), "pipe: %s", strerror(errno)))
			return;
		expect(write(fds[1], texts[i], strlen(texts[i])) ==
		       (ssize_t)strlen(texts[i]), "write");
		close(fds[1]);
		memset(&pt, 0, sizeof(pt));
		rc = pt_runs_read(fds[0], &pt);
		close(fds[0]);
		expect(rc == -1 && !pt.r && !pt.n, "'%s': %d, %zu runs",
		       texts[i], rc, pt.n);
		pt_report_free(&pt);
	}
}

/*
 * A module's MMLENS_PT_RUNS for pt_runs_read(), by the rules of
 * docs/walk.md: this ioctl() stands in for libc's in this program (every
 * other request goes to the kernel). It serves recs[] at most per_call
 * at a time, setting walk_end to the next one's start, checks the
 * arguments (end: the TASK_SIZE_MAX of the header's paging) and can
 * fail call fail_at with fail_errno, or make no progress.
 */
static struct {
	int armed;
	const struct mmlens_pt_run *recs;
	size_t n, per_call;
	uint64_t end;
	int calls, fail_at, fail_errno, stall, bad_args;
} fake;

static int fake_pt_runs(struct mmlens_pt_runs *a)
{
	struct mmlens_pt_run *vec = (struct mmlens_pt_run *)(uintptr_t)a->vec;
	size_t i = 0, k = 0;

	fake.calls++;
	if (a->size != sizeof(*a) || a->flags || a->rec_size != sizeof(*vec) ||
	    !a->vec_len || a->vec_len > MMLENS_PT_RUNS_MAX ||
	    a->start >= a->end || a->start % 4096 || a->end != fake.end) {
		fake.bad_args++;
		errno = EINVAL;
		return -1;
	}
	if (fake.calls == fake.fail_at) {
		errno = fake.fail_errno;
		return -1;
	}
	while (i < fake.n && fake.recs[i].start < a->start)
		i++;
	while (i + k < fake.n && k < fake.per_call && k < a->vec_len &&
	       fake.recs[i + k].start < a->end) {
		vec[k] = fake.recs[i + k];
		k++;
	}
	a->walk_end = i + k < fake.n ? fake.recs[i + k].start : a->end;
	if (fake.stall)
		a->walk_end = a->start;
	return (int)k;
}

int ioctl(int fd, unsigned long req, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (fake.armed && req == MMLENS_PT_RUNS)
		return fake_pt_runs(arg);
	return (int)syscall(SYS_ioctl, fd, req, arg);
}

/* pt_runs_read() of @header and the fake's records: its result. */
static int fake_read(const char *header, struct pt_report *pt)
{
	ssize_t n;
	int fds[2], rc;

	memset(pt, 0, sizeof(*pt));
	if (pipe(fds))
		return -2;
	n = write(fds[1], header, strlen(header));
	close(fds[1]);
	if (n != (ssize_t)strlen(header)) {
		close(fds[0]);
		return -2;
	}
	fake.armed = 1;
	fake.calls = fake.bad_args = 0;
	rc = pt_runs_read(fds[0], pt);
	fake.armed = 0;
	close(fds[0]);
	return rc;
}

/*
 * pt_runs_read() against the fake: calls go on from walk_end to the end
 * of the header's address space, the records are converted in order,
 * ENOTTY at any call leaves it to the text, another errno and a walk
 * without progress are errors, and nothing is left to free after any.
 */
static void t_pt_runs_calls(void)
{
	static const struct mmlens_pt_run recs[] = {
		{ 0x400000, 0x401000, 1, 0x10, 1 << MMLENS_FB_RW, MMLENS_PTE,
		  MMLENS_PRESENT, 0, 0, 0 },
		{ 0x401000, 0x403000, 2, 0x20, 0, MMLENS_PTE, MMLENS_SWAP, 1,
		  0, 0 },
		{ 0x403000, 0x404000, 1, 0, 0, MMLENS_PTE, MMLENS_MARKER, 0,
		  MMLENS_MARKER_UFFD_WP, 0 },
		{ 0x600000, 0x800000, 1, 0x200, 1 << MMLENS_FB_HUGE,
		  MMLENS_PMD, MMLENS_PRESENT, 0, 0, 0 },
		{ 0x800000, 0x801000, 1, 0x3e, 0, MMLENS_PTE, MMLENS_OTHER, 0,
		  0, 0 },
		{ 0x7ffffffde000, 0x7ffffffff000, 33, 0x99, 0, MMLENS_PTE,
		  MMLENS_PRESENT, 0, 0, 0 },
	};
	struct mmlens_pt_run odd[3];
	struct pt_report pt;
	struct pt_run r;
	size_t i;
	int rc;

	memset(&fake, 0, sizeof(fake));
	fake.recs = recs;
	fake.n = sizeof(recs) / sizeof(recs[0]);
	fake.per_call = 4;
	fake.end = (1ULL << 47) - 4096;
	rc = fake_read("# pid=42 comm=my prog levels=4\n", &pt);
	expect(!rc && pt.n == fake.n && fake.calls == 2 && !fake.bad_args,
	       "4-level: rc %d, %zu runs, %d calls, %d bad", rc, pt.n,
	       fake.calls, fake.bad_args);
	expect(pt.pid == 42 && pt.levels == 4 && !strcmp(pt.comm, "my prog"),
	       "header");
	for (i = 0; i < pt.n; i++) {
		memset(&r, 0, sizeof(r));
		expect(!pt_run_from_record(&recs[i], &r) &&
		       pt_run_same(&r, &pt.r[i]), "run %zu", i);
		free(r.other_flags);
		free(r.extra);
	}
	pt_report_free(&pt);

	fake.per_call = 1;
	fake.end = (1ULL << 56) - 4096;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(!rc && pt.n == fake.n && fake.calls == (int)fake.n &&
	       !fake.bad_args, "5-level, one a call: rc %d, %zu runs, "
	       "%d calls, %d bad", rc, pt.n, fake.calls, fake.bad_args);
	pt_report_free(&pt);

	fake.n = 0;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(!rc && !pt.n && fake.calls == 1, "no runs: rc %d", rc);
	pt_report_free(&pt);

	fake.n = sizeof(recs) / sizeof(recs[0]);
	fake.fail_at = 3;
	fake.fail_errno = ENOTTY;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(rc == -1 && !pt.r && !pt.n, "ENOTTY: rc %d", rc);
	fake.fail_errno = ESRCH;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(rc == ESRCH && !pt.r && !pt.n, "ESRCH: rc %d", rc);
	fake.fail_at = 0;
	fake.stall = 1;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(rc == EPROTO && !pt.r && !pt.n, "no progress: rc %d", rc);
	fake.stall = 0;

	/* a record only the text names, after some that convert */
	memcpy(odd, recs, sizeof(odd));
	odd[2].kind = MMLENS_NR_KINDS;
	fake.recs = odd;
	fake.n = 3;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(rc == -1 && !pt.r && !pt.n, "unknown kind: rc %d", rc);

	/* a run overlapping the one before: refused, as the text's is */
	memcpy(odd, recs, sizeof(odd));
	odd[1].start = odd[0].start;
	rc = fake_read("# pid=42 comm=x levels=5\n", &pt);
	expect(rc == EPROTO && !pt.r && !pt.n, "overlapping: rc %d", rc);
	memset(&fake, 0, sizeof(fake));
}

/* runs_first(): the first run ending above an address, by bisection. */
static void t_runs_first(void)
{
	struct pt_run r[3] = {
		{ .start = 0x1000, .end = 0x2000 },
		{ .start = 0x3000, .end = 0x5000 },
		{ .start = 0x8000, .end = 0x9000 },
	};
	static const struct {
		uint64_t lo;
		size_t first;
	} tab[] = {
		{ 0, 0 }, { 0x1000, 0 }, { 0x1fff, 0 }, { 0x2000, 1 },
		{ 0x4fff, 1 }, { 0x5000, 2 }, { 0x8fff, 2 }, { 0x9000, 3 },
		{ UINT64_MAX, 3 },
	};
	struct pt_report pt = { .n = 3, .r = r };
	struct pt_report none = { 0 };
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		expect(runs_first(&pt, tab[i].lo) == tab[i].first,
		       "lo %llx: %zu, not %zu", (unsigned long long)tab[i].lo,
		       runs_first(&pt, tab[i].lo), tab[i].first);
	expect(runs_first(&none, 0) == 0, "no runs");
}

static void t_vtop(void)
{
	const char *walk =
		"pgd index=254 entry=5a001067 rw,user,accessed,dirty\n"
		"p4d folded\n"
		"pud index=0 entry=5a002067 rw,user\n"
		"pmd index=0 entry=80000000400000e7 rw,huge,nx\n"
		"pfn=40001 paddr=40001000\n";
	struct vtop_report vt;
	struct parse_err e;

	expect(!PARSE(parse_vtop, walk, &vt, &e), "walk: %s", e.msg);
	expect(vt.nlevels == 4 && vt.lv[1].folded && vt.lv[0].index == 254 &&
	       vt.lv[3].entry == 0x80000000400000e7ULL, "levels");
	expect_str(vt.kind, "present", "kind");
	expect(vt.pfn == 0x40001 && vt.paddr == 0x40001000, "pfn/paddr");
	expect(!PARSE(parse_vtop, "not-mapped\n", &vt, &e) &&
	       !strcmp(vt.kind, "not-mapped") && vt.nlevels == 0,
	       "not-mapped");
	expect(!PARSE(parse_vtop, "pgd index=1 entry=0 -\nnot-present at "
		      "pgd\n", &vt, &e) && !strcmp(vt.at_level, "pgd"),
	       "not-present");
	expect(!PARSE(parse_vtop, "pte index=3 entry=7d000 -\nswap type=0 "
		      "offset=1f40\n", &vt, &e) && vt.offset == 0x1f40 &&
	       !strcmp(vt.kind, "swap"), "swap");
	expect(!PARSE(parse_vtop, "migration pfn=12\n", &vt, &e) &&
	       vt.has_pfn && !strcmp(vt.kind, "migration"), "migration");
	/* the longest kind name, 16 bytes */
	expect(!PARSE(parse_vtop, "device-exclusive pfn=13\n", &vt, &e) &&
	       vt.pfn == 0x13 && !strcmp(vt.kind, "device-exclusive"),
	       "device-exclusive: %s", e.msg);
	expect(PARSE(parse_vtop, "not-mapped\npgd index=1 entry=0\n", &vt,
		     &e) == -1, "level after outcome");
	expect(PARSE(parse_vtop, "pgd index=1 entry=0\n", &vt, &e) == -1,
	       "no outcome");
	expect(PARSE(parse_vtop, "not-present at nowhere\n", &vt, &e) == -1,
	       "bad level");
	expect(PARSE(parse_vtop, "pgd index=x entry=0\nnot-mapped\n", &vt,
		     &e) == -1, "bad index");
}

static void t_vbuf_stats(void)
{
	struct vbuf_stats s;
	struct parse_err e;

	expect(!PARSE(parse_vbuf_stats, "size=4096\npages=1\nfaults=3\n"
		      "mappings=0\nopens=1\nnew=9\n", &s, &e) && s.faults == 3 &&
	       s.opens == 1, "valid");
	expect(!PARSE(parse_vbuf_stats, "size=4096\npages=1\n", &s, &e) &&
	       s.faults == -1, "optional fields");
	expect(PARSE(parse_vbuf_stats, "pages=1\n", &s, &e) == -1,
	       "size missing");
	expect(PARSE(parse_vbuf_stats, "size=-1\npages=1\n", &s, &e) == -1,
	       "negative");
	expect(PARSE(parse_vbuf_stats, "size 1\n", &s, &e) == -1, "no =");
	expect(!PARSE(parse_vbuf_stats, "size=4096\npages=1\nfaults=3\n"
		      "mappings=0\nopens=1\nmode=around\ninserted=48\n",
		      &s, &e) && s.inserted == 48 && !strcmp(s.mode, "around"),
	       "mode and inserted");
	expect(!PARSE(parse_vbuf_stats, "size=4096\npages=1\n", &s, &e) &&
	       s.inserted == -1 && !s.mode[0], "no mode, no inserted");
	expect(PARSE(parse_vbuf_stats, "size=4096\npages=1\nmode=a\nmode=b\n",
		     &s, &e) == -1, "repeated mode");
	expect(PARSE(parse_vbuf_stats, "size=4096\npages=1\n"
		     "mode=aaaaaaaaaaaaaaaaaaaaaaaa\n", &s, &e) == -1,
	       "mode too long");
}

static char *capture(void (*fn)(FILE *f))
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return strdup("");
	fn(f);
	fclose(f);
	return buf;
}

static void quote_cases(FILE *f)
{
	json_quote(f, "a\"b\\c\n\t\x01\x7f");
	json_quote(f, "\xc3\xa9\xe2\x96\x88");	/* é █ */
	json_quote(f, "\xff\xc3(\xed\xa0\x80");	/* invalid, surrogate */
}

static void t_json_quote(void)
{
	char *s = capture(quote_cases);

	expect_str(s, "\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\""
		   "\"\xc3\xa9\xe2\x96\x88\""
		   "\"\\u00ff\\u00c3(\\u00ed\\u00a0\\u0080\"", "quote");
	free(s);
}

static void doc_cases(FILE *f)
{
	struct json j;

	json_init(&j, f);
	json_obj(&j, NULL, 0);
	json_u64(&j, "a", 1);
	json_arr(&j, "recs", 0);
	json_obj(&j, NULL, 1);
	json_hex(&j, "x", 255);
	json_arr(&j, "f", 1);
	json_str(&j, NULL, "rw");
	json_str(&j, NULL, "nx");
	json_end_arr(&j);
	json_end_obj(&j);
	json_obj(&j, NULL, 1);
	json_null(&j, "n");
	json_bool(&j, "b", 0);
	json_i64(&j, "i", -5);
	json_end_obj(&j);
	json_end_arr(&j);
	json_arr(&j, "empty", 0);
	json_end_arr(&j);
	json_end_doc(&j);
}

static void t_json_doc(void)
{
	char *s = capture(doc_cases);

	expect_str(s, "{\n  \"a\": 1,\n  \"recs\": [\n"
		   "    {\"x\": \"0xff\", \"f\": [\"rw\", \"nx\"]},\n"
		   "    {\"n\": null, \"b\": false, \"i\": -5}\n  ],\n"
		   "  \"empty\": []\n}\n", "document");
	free(s);
}

static struct pt_run mkrun(uint64_t s, uint64_t e, enum mmlens_level l,
			   const char *kind)
{
	struct pt_run r;

	memset(&r, 0, sizeof(r));
	r.start = s;
	r.end = e;
	r.level = l;
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	return r;
}

static void t_map_cells(void)
{
	struct pt_run runs[4];
	struct map_cell c[4];
	struct ctx cx;
	char g[32];
	int i;

	/* VMA 0x10000-0x20000 (16 pages) in 4 cells of 4 pages */
	runs[0] = mkrun(0x8000, 0x14000, MMLENS_PTE, "present");	/* crosses */
	runs[1] = mkrun(0x16000, 0x17000, MMLENS_PTE, "present");
	runs[2] = mkrun(0x18000, 0x1c000, MMLENS_PTE, "swap");
	runs[3] = mkrun(0x1c000, 0x40000, MMLENS_PMD, "present");
	map_cells(0x10000, 0x20000, runs, 4, c, 4);
	for (i = 0; i < 4; i++)
		expect(c[i].bytes == 0x4000, "cell %d bytes", i);
	expect(c[0].present == 0x4000 && c[1].present == 0x1000 &&
	       c[2].swap == 0x4000 && c[3].huge == 0x4000, "sums");
	memset(&cx, 0, sizeof(cx));
	map_glyph(&cx, &c[0], g, sizeof(g));
	expect_str(g, "\u2588", "full");
	map_glyph(&cx, &c[1], g, sizeof(g));
	expect_str(g, "\u2591", "quarter");
	map_glyph(&cx, &c[2], g, sizeof(g));
	expect_str(g, "S", "swap");
	map_glyph(&cx, &c[3], g, sizeof(g));
	expect_str(g, "H", "huge");
	cx.ascii = 1;
	map_glyph(&cx, &c[1], g, sizeof(g));
	expect_str(g, ":", "ascii quarter");
	/* more cells than bytes: no division by zero, empty cells */
	map_cells(0x10000, 0x10002, runs, 4, c, 4);
	expect(c[0].bytes + c[1].bytes + c[2].bytes + c[3].bytes == 2,
	       "tiny VMA");
	map_cells(0x10000, 0x20000, runs, 0, c, 4);
	expect(c[0].present == 0, "no runs");
}

static void table_case(FILE *f)
{
	static const char *const head[] = { "A", "Long head", "C" };
	struct table t;
	struct ctx c;

	memset(&c, 0, sizeof(c));
	table_init(&t, 3, head, "lrl");
	table_add(&t, "x", "1", "end");
	table_add(&t, "\u2588\u2588\u2588", "12345678901", "");
	table_rule(&t);
	table_add(&t, "total", "", "");
	table_print(&t, f, &c);
	table_free(&t);
}

static void t_table(void)
{
	char *s = capture(table_case);

	expect_str(s, "A        Long head  C\n"
		   "x                1  end\n"
		   "\u2588\u2588\u2588    12345678901\n"
		   "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
		   "\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500\u2500"
		   "\u2500\u2500\u2500\u2500\u2500\n"
		   "total\n", "table");
	free(s);
}

static void t_args(void)
{
	uint64_t a;
	int pid;

	expect(!parse_pid("123", &pid) && pid == 123, "pid");
	expect(parse_pid("0", &pid) && parse_pid("-1", &pid) &&
	       parse_pid("12x", &pid) && parse_pid("4194305", &pid) &&
	       parse_pid("", &pid), "bad pids");
	expect(!parse_addr("0x7fff0000", &a) && a == 0x7fff0000, "0x addr");
	expect(!parse_addr("DEADbeef", &a) && a == 0xdeadbeef, "hex addr");
	expect(parse_addr("-1", &a) && parse_addr("0x", &a) &&
	       parse_addr("12 3", &a) && parse_addr("1ffffffffffffffff", &a),
	       "bad addrs");
}

int main(void)
{
	run("units: fmt_bytes K/M/G rounding", t_fmt_bytes);
	run("units: fmt_milli like the kernel's indices", t_fmt_milli);
	run("render: display width ignores escapes", t_display_width);
	run("render: bars in eighths, ascii fallback", t_bar);
	run("render: table alignment, rule, no trailing padding", t_table);
	run("render: map cells clip runs, glyphs", t_map_cells);
	run("parse: version", t_version);
	run("parse: fraginfo and its errors", t_fraginfo);
	run("parse: watermarks and its errors", t_watermarks);
	run("parse: compaction and its errors", t_compaction);
	run("frag: proactive-compaction thresholds and verdict (kernel's rule)",
	    t_proactive);
	run("source: capabilities lacking, from CapEff", t_caps);
	run("parse: pageblocks and its errors", t_pageblocks);
	run("parse: pagetypeinfo (>100000, unknown types, mixed blocks)",
	    t_pagetypeinfo);
	run("frag: verdict (largest order, fragmentation vs no memory)",
	    t_verdict);
	run("parse: vmas (names with spaces, '=', empty)", t_vmas);
	run("parse: numa (policies with spaces, node order, errors)", t_numa);
	run("parse: pagetable (header, kinds, flags)", t_pagetable);
	run("ptruns: records == the parsed text line (every kind, 2^17 flag sets)",
	    t_pt_records);
	run("ptruns: what only the text names is left to it",
	    t_pt_records_unknown);
	run("ptruns: no ioctl (ENOTTY) or no usable header: the text",
	    t_pt_runs_fallback);
	run("ptruns: calls from walk_end to the end, errors, fallback",
	    t_pt_runs_calls);
	run("runview: the first run of a range, by bisection", t_runs_first);
	run("parse: comm and names escaped (spaces, levels=, PATH_MAX)",
	    t_escaped_names);
	run("parse: vtop (walk, outcomes, errors)", t_vtop);
	run("parse: vbuf stats", t_vbuf_stats);
	run("json: string escaping, invalid UTF-8", t_json_quote);
	run("json: document layout", t_json_doc);
	run("args: pid and address", t_args);
	printf("unit: %d failed\n", failures);
	return failures ? 1 : 0;
}
