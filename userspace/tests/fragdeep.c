// SPDX-License-Identifier: GPL-2.0
/*
 * fragdeep - check /proc/mmlens/{watermarks,compaction,pageblocks}
 * against the kernel's own files.
 *
 *   fragdeep zoneinfo    every number watermarks shares with /proc/zoneinfo
 *   fragdeep verdicts    watermarks' verdicts, recomputed by the rule of
 *                        mm/page_alloc.c __zone_watermark_ok() from its own
 *                        numbers and the free lists of /proc/pagetypeinfo
 *   fragdeep vmstat      compaction's counters == /proc/vmstat's compact_*
 *   fragdeep score       compaction's node lines ("Node N score=S" and
 *                        nothing more), the score recomputed from
 *                        /proc/buddyinfo and /proc/zoneinfo
 *   fragdeep pageblocks  pageblocks' runs: blocks per type == pagetypeinfo's
 *                        "Number of blocks type", free pages ==
 *                        /proc/buddyinfo, runs in order and merged
 *
 * The kernel's files are read just before and just after ours; a check
 * passes when ours agrees with one of the two. Counts move under us, so
 * each check retries (sleeping 0.2 s) up to TRIES times. Exit 0 when it
 * holds, 1 with the differences of the last try.
 *
 *   fragdeep pageblocks DIR   the same check, once, on a snapshot: DIR's
 *                             pagetypeinfo, buddyinfo and pageblocks (the
 *                             fixture capture keeps only consistent ones)
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lines.h"

#define TRIES 50
#define BUFSZ (4 << 20)
#define MAXZ 64
#define MAXO 16
#define MAXT 8
#define NMARK 3

static char kbuf1[BUFSZ], mbuf[BUFSZ], kbuf2[BUFSZ], xbuf[BUFSZ];
static const char *snapdir;	/* pageblocks DIR: read DIR/<name> instead */
static char why[8192];
static size_t whylen;

static void fail(const char *fmt, ...)
{
	va_list ap;

	if (whylen >= sizeof(why) - 256)
		return;
	va_start(ap, fmt);
	whylen += vsnprintf(why + whylen, sizeof(why) - whylen, fmt, ap);
	va_end(ap);
	why[whylen++] = '\n';
	why[whylen] = '\0';
}

static int slurp(const char *path, char *buf)
{
	long len = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "fragdeep: open %s: %m\n", path);
		exit(2);
	}
	while ((n = read(fd, buf + len, BUFSZ - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0) {
		fprintf(stderr, "fragdeep: read %s: %m\n", path);
		exit(2);
	}
	buf[len] = '\0';
	return 0;
}

struct zone {
	int node, idx;		/* idx: position in its node, as zoneinfo */
	char name[16];
	int populated;
	/* zoneinfo / watermarks */
	long free, boost, mark[NMARK], spanned, present, managed;
	long prot[8];
	int nprot;
	/* watermarks only */
	long highatomic, free_cma;
	char verdict[MAXO][NMARK];	/* 1 ok, 0 fail */
	int norders;
	/* pagetypeinfo: free list lengths per type and order, blocks */
	long lists[MAXT][MAXO];
	long blocks[MAXT];
	/* buddyinfo */
	long nr_free[MAXO];
};

struct snap {
	int n;
	struct zone z[MAXZ];
	char tname[MAXT][16];	/* pagetypeinfo's type names, in order */
	int ntypes;
};

static struct zone *zone_of(struct snap *s, int node, const char *name,
			    int create)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (s->z[i].node == node && !strcmp(s->z[i].name, name))
			return &s->z[i];
	if (!create || s->n == MAXZ)
		return NULL;
	memset(&s->z[s->n], 0, sizeof(s->z[0]));
	s->z[s->n].node = node;
	snprintf(s->z[s->n].name, sizeof(s->z[0].name), "%s", name);
	return &s->z[s->n++];
}

/* "N,N,...": the protection values, 8 at most, as both files print them. */
static void parse_prot(struct zone *z, char *p)
{
	char *end;

	z->nprot = 0;
	while (z->nprot < 8) {
		z->prot[z->nprot++] = strtol(p, &end, 10);
		if (*end != ',')
			break;
		p = end + 1;
	}
}

static void parse_zoneinfo(char *buf, struct snap *s)
{
	char *save = buf, *l, name[16];
	struct zone *z = NULL;
	int node, idx = 0, last_node = -1;

	while ((l = next_line(&save))) {
		char key[32];
		long v;

		if (sscanf(l, "Node %d, zone %15s", &node, name) == 2) {
			if (node != last_node)
				idx = 0;
			last_node = node;
			z = zone_of(s, node, name, 1);
			if (z)
				z->idx = idx++;
			continue;
		}
		if (!z)
			continue;
		if (sscanf(l, " pages free %ld", &v) == 1) {
			z->free = v;
		} else if (!strncmp(l, "        protection: (", 21)) {
			parse_prot(z, l + 21);
		} else if (sscanf(l, " %31s %ld", key, &v) == 2) {
			if (!strcmp(key, "boost"))
				z->boost = v;
			else if (!strcmp(key, "min"))
				z->mark[0] = v;
			else if (!strcmp(key, "low"))
				z->mark[1] = v;
			else if (!strcmp(key, "high"))
				z->mark[2] = v;
			else if (!strcmp(key, "spanned"))
				z->spanned = v;
			else if (!strcmp(key, "present"))
				z->present = v;
			else if (!strcmp(key, "managed"))
				z->managed = v;
		}
	}
}

/* Returns 0, or -1 on a malformed line (reported). */
static int parse_watermarks(char *buf, struct snap *s)
{
	char *save = buf, *l, name[16], a[8], b[8], c[8];
	int node, order, pos;
	struct zone *z;

	while ((l = next_line(&save))) {
		if (sscanf(l, "Node %d, zone %15s order=%d min=%7s low=%7s high=%7s",
			   &node, name, &order, a, b, c) == 6) {
			z = zone_of(s, node, name, 0);
			if (!z || order < 0 || order >= MAXO) {
				fail("watermarks: verdict before its zone: %s", l);
				return -1;
			}
			z->verdict[order][0] = !strcmp(a, "ok");
			z->verdict[order][1] = !strcmp(b, "ok");
			z->verdict[order][2] = !strcmp(c, "ok");
			if (order + 1 > z->norders)
				z->norders = order + 1;
			continue;
		}
		z = NULL;
		if (sscanf(l, "Node %d, zone %15s %n", &node, name, &pos) == 2)
			z = zone_of(s, node, name, 1);
		if (!z || sscanf(l + pos,
				 "free=%ld min=%ld low=%ld high=%ld boost=%ld highatomic=%ld free_cma=%ld managed=%ld present=%ld spanned=%ld protection=%n",
				 &z->free, &z->mark[0], &z->mark[1], &z->mark[2],
				 &z->boost, &z->highatomic, &z->free_cma,
				 &z->managed, &z->present, &z->spanned,
				 &pos) != 10) {
			fail("watermarks: malformed line: %s", l);
			return -1;
		}
		parse_prot(z, strstr(l, "protection=") + 11);
		z->populated = 1;
	}
	return 0;
}

static void parse_buddyinfo(char *buf, struct snap *s)
{
	char *save = buf, *l, name[16];
	int node, pos, o;

	while ((l = next_line(&save))) {
		struct zone *z;
		char *p, *end;

		if (sscanf(l, "Node %d, zone %15s%n", &node, name, &pos) != 2)
			continue;
		z = zone_of(s, node, name, 1);
		if (!z)
			continue;
		p = l + pos;
		for (o = 0; o < MAXO; o++) {
			z->nr_free[o] = strtol(p, &end, 10);
			if (end == p)
				break;
			p = end;
		}
		z->norders = o;
	}
}

static void parse_pagetypeinfo(char *buf, struct snap *s)
{
	char *save = buf, *l, name[16], type[16];
	int node, pos, o, t, blocks = 0;

	while ((l = next_line(&save))) {
		struct zone *z;
		char *p, *end;

		if (!strncmp(l, "Number of blocks type", 21)) {
			blocks = 1;
			p = l + 21;
			s->ntypes = 0;
			while (s->ntypes < MAXT &&
			       sscanf(p, "%15s%n", s->tname[s->ntypes], &pos) == 1) {
				s->ntypes++;
				p += pos;
			}
			continue;
		}
		if (!strncmp(l, "Page block order", 16))
			blocks = 0;
		if (!blocks &&
		    sscanf(l, "Node %d, zone %15[^,], type %15s%n", &node, name,
			   type, &pos) == 3) {
			z = zone_of(s, node, name, 1);
			for (t = 0; z && t < s->ntypes; t++)
				if (!strcmp(s->tname[t], type))
					break;
			/* the type header comes after: index by name order */
			if (z && t == s->ntypes && s->ntypes < MAXT)
				snprintf(s->tname[s->ntypes++], 16, "%s", type);
			if (!z)
				continue;
			p = l + pos;
			for (o = 0; o < MAXO; o++) {
				while (*p == ' ')
					p++;
				if (*p == '>')
					p++;
				z->lists[t][o] = strtol(p, &end, 10);
				if (end == p)
					break;
				p = end;
			}
		} else if (blocks &&
			   sscanf(l, "Node %d, zone %15s%n", &node, name, &pos) == 2) {
			z = zone_of(s, node, name, 1);
			p = l + pos;
			for (t = 0; z && t < s->ntypes; t++) {
				z->blocks[t] = strtol(p, &end, 10);
				p = end;
			}
		}
	}
}

static int type_index(const struct snap *s, const char *name)
{
	int t;

	for (t = 0; t < s->ntypes; t++)
		if (!strcmp(s->tname[t], name))
			return t;
	return -1;
}

/* ---- zoneinfo ---- */

static int zone_matches(const struct zone *m, const struct zone *k)
{
	int i;

	if (m->free != k->free || m->boost != k->boost ||
	    m->spanned != k->spanned || m->present != k->present ||
	    m->managed != k->managed || m->nprot != k->nprot)
		return 0;
	for (i = 0; i < NMARK; i++)
		if (m->mark[i] != k->mark[i])
			return 0;
	for (i = 0; i < m->nprot; i++)
		if (m->prot[i] != k->prot[i])
			return 0;
	return 1;
}

static int check_zoneinfo(void)
{
	static struct snap k1, m, k2;
	int i, bad = 0, n = 0;

	slurp("/proc/zoneinfo", kbuf1);
	slurp("/proc/mmlens/watermarks", mbuf);
	slurp("/proc/zoneinfo", kbuf2);
	k1.n = m.n = k2.n = 0;
	parse_zoneinfo(kbuf1, &k1);
	if (parse_watermarks(mbuf, &m))
		return 1;
	parse_zoneinfo(kbuf2, &k2);
	for (i = 0; i < m.n; i++) {
		const struct zone *z = &m.z[i];
		const struct zone *a = zone_of(&k1, z->node, z->name, 0);
		const struct zone *b = zone_of(&k2, z->node, z->name, 0);

		if (!a || !b) {
			fail("zone %d/%s not in /proc/zoneinfo", z->node, z->name);
			bad++;
		} else if (!zone_matches(z, a) && !zone_matches(z, b)) {
			fail("node %d zone %s: ours free=%ld min=%ld low=%ld high=%ld boost=%ld managed=%ld present=%ld spanned=%ld; zoneinfo free=%ld min=%ld low=%ld high=%ld boost=%ld managed=%ld present=%ld spanned=%ld",
			     z->node, z->name, z->free, z->mark[0], z->mark[1],
			     z->mark[2], z->boost, z->managed, z->present,
			     z->spanned, b->free, b->mark[0], b->mark[1],
			     b->mark[2], b->boost, b->managed, b->present,
			     b->spanned);
			bad++;
		}
		n++;
	}
	/* every populated zone of zoneinfo is ours too */
	for (i = 0; i < k2.n; i++)
		if (k2.z[i].present && !zone_of(&m, k2.z[i].node, k2.z[i].name, 0)) {
			fail("populated zone %d/%s missing", k2.z[i].node,
			     k2.z[i].name);
			bad++;
		}
	if (!n)
		fail("watermarks lists no zone");
	return bad || !n;
}

/* ---- verdicts ---- */

static int kernel_verdict(const struct snap *pt, const struct zone *z,
			  const struct zone *lists, int order, int mark)
{
	long free = z->free - ((1L << order) - 1) - z->highatomic;
	const char *usable[] = { "Unmovable", "Movable", "Reclaimable" };
	int o, i;

	/* No CMA in Debian's x86-64 kernels; counted anyway if shown. */
	free -= z->free_cma;
	if (free <= z->mark[mark] + z->prot[lists->idx])
		return 0;
	if (!order)
		return 1;
	for (o = order; o < MAXO; o++)
		for (i = 0; i < 3; i++) {
			int t = type_index(pt, usable[i]);

			if (t >= 0 && lists->lists[t][o] > 0)
				return 1;
		}
	return 0;
}

static int verdicts_once(void)
{
	static struct snap m, pt;
	int i, o, k, bad = 0, n = 0;

	/* pagetypeinfo's lists, then ours: the verdicts must follow them */
	slurp("/proc/pagetypeinfo", kbuf1);
	slurp("/proc/mmlens/watermarks", mbuf);
	slurp("/proc/zoneinfo", xbuf);
	m.n = pt.n = 0;
	pt.ntypes = 0;
	parse_pagetypeinfo(kbuf1, &pt);
	parse_zoneinfo(xbuf, &pt);	/* zone index per node */
	if (parse_watermarks(mbuf, &m))
		return 1;
	for (i = 0; i < m.n; i++) {
		const struct zone *z = &m.z[i];
		const struct zone *l = zone_of(&pt, z->node, z->name, 0);

		if (!l) {
			fail("zone %d/%s not in pagetypeinfo", z->node, z->name);
			return 1;
		}
		if (z->norders < 2)
			fail("zone %d/%s: %d verdict lines", z->node, z->name,
			     z->norders), bad++;
		for (o = 0; o < z->norders; o++)
			for (k = 0; k < NMARK; k++, n++)
				if (z->verdict[o][k] !=
				    kernel_verdict(&pt, z, l, o, k)) {
					fail("zone %d/%s order %d mark %d: ours %s",
					     z->node, z->name, o, k,
					     z->verdict[o][k] ? "ok" : "fail");
					bad++;
				}
	}
	return bad || !n;
}

/* ---- vmstat ---- */

static int vmstat_once(void)
{
	char *save, *l, *k1 = kbuf1, *k2 = kbuf2;
	char name[64];
	unsigned long v;
	int n = 0, bad = 0, kn = 0;

	slurp("/proc/vmstat", kbuf1);
	slurp("/proc/mmlens/compaction", mbuf);
	slurp("/proc/vmstat", kbuf2);
	save = mbuf;
	while ((l = next_line(&save))) {
		char want1[80], want2[80], *p;

		if (!strncmp(l, "Node ", 5))
			continue;
		if (sscanf(l, "%63s %lu", name, &v) != 2 ||
		    strncmp(name, "compact_", 8)) {
			fail("compaction: malformed line: %s", l);
			return 1;
		}
		n++;
		snprintf(want1, sizeof(want1), "\n%s %lu\n", name, v);
		snprintf(want2, sizeof(want2), "%s %lu\n", name, v);
		p = strstr(k1, want1);
		if (!p && !strncmp(k1, want2, strlen(want2)))
			p = k1;
		if (!p && !strstr(k2, want1)) {
			fail("%s %lu not in /proc/vmstat", name, v);
			bad++;
		}
	}
	/* and every compact_ line of vmstat is ours */
	save = kbuf2;
	while ((l = next_line(&save)))
		if (!strncmp(l, "compact_", 8))
			kn++;
	if (kn != n) {
		fail("/proc/vmstat has %d compact_* lines, compaction %d", kn, n);
		bad++;
	}
	return bad;
}

/* ---- score ---- */

/*
 * The module prints each node's score alone: the thresholds it is
 * compared with come from a sysctl, which the module must not read for
 * its readers (the tool does, docs/frag.md; t_frag.sh checks it).
 */
static int score_once(void)
{
	static struct snap bi, zi;
	char *save, *l;
	int bad = 0, nodes = 0, i;

	slurp("/proc/buddyinfo", kbuf1);
	slurp("/proc/mmlens/compaction", mbuf);
	slurp("/proc/zoneinfo", kbuf2);
	bi.n = zi.n = 0;
	parse_buddyinfo(kbuf1, &bi);
	parse_zoneinfo(kbuf2, &zi);
	save = mbuf;
	while ((l = next_line(&save))) {
		unsigned long node_present = 0, score = 0;
		int node, got, pos = 0;

		if (strncmp(l, "Node ", 5) || strchr(l, ','))
			continue;
		if (sscanf(l, "Node %d score=%d%n", &node, &got, &pos) != 2 ||
		    l[pos]) {
			fail("node line is not 'Node <n> score=<s>': %s", l);
			bad++;
			continue;
		}
		nodes++;
		for (i = 0; i < zi.n; i++)
			if (zi.z[i].node == node)
				node_present += zi.z[i].present;
		/* mm/compaction.c fragmentation_score_node(), order 9 */
		for (i = 0; i < bi.n; i++) {
			const struct zone *b = &bi.z[i];
			const struct zone *z;
			unsigned long fp = 0, suit = 0, pct = 0;
			int o;

			if (b->node != node)
				continue;
			z = zone_of(&zi, node, b->name, 0);
			if (!z || !z->present)
				continue;
			for (o = 0; o < b->norders; o++) {
				fp += (unsigned long)b->nr_free[o] << o;
				if (o >= 9)
					suit += (unsigned long)b->nr_free[o] << (o - 9);
			}
			if (fp)
				pct = (fp - (suit << 9)) * 100 / fp;
			score += z->present * pct / (node_present + 1);
		}
		if ((unsigned long)got != score) {
			fail("node %d: score=%d, from buddyinfo+zoneinfo %lu",
			     node, got, score);
			bad++;
		}
	}
	if (!nodes)
		fail("compaction has no node line");
	return bad || !nodes;
}

/* ---- pageblocks ---- */

static int pageblocks_once(void)
{
	static struct snap pt, bi, pb;
	char *save, *l, name[16], type[16], largest[8];
	unsigned long pfn, blocks, free, end_prev = 0;
	char prev_type[16] = "", prev_largest[8] = "";
	unsigned long prev_free = ~0UL;
	struct zone *z = NULL;
	int node, i, t, o, bad = 0, runs = 0;

	if (snapdir) {
		char p[4096];

		snprintf(p, sizeof(p), "%s/pagetypeinfo", snapdir);
		slurp(p, kbuf1);
		snprintf(p, sizeof(p), "%s/buddyinfo", snapdir);
		slurp(p, xbuf);
		slurp(p, kbuf2);
		snprintf(p, sizeof(p), "%s/pageblocks", snapdir);
		slurp(p, mbuf);
	} else {
		slurp("/proc/pagetypeinfo", kbuf1);
		slurp("/proc/buddyinfo", xbuf);
		slurp("/proc/mmlens/pageblocks", mbuf);
		slurp("/proc/buddyinfo", kbuf2);
	}
	pt.n = bi.n = pb.n = 0;
	pt.ntypes = 0;
	parse_pagetypeinfo(kbuf1, &pt);
	parse_buddyinfo(kbuf2, &bi);
	save = mbuf;
	while ((l = next_line(&save))) {
		if (sscanf(l, "Node %d, zone %15s", &node, name) == 2) {
			z = zone_of(&pb, node, name, 1);
			/* pb.z[].free: free pages; blocks[] by pt's type index */
			end_prev = 0;
			prev_type[0] = '\0';
			continue;
		}
		if (!z || sscanf(l, "pfn=0x%lx blocks=%lu type=%15s free=%lu largest=%7s",
				 &pfn, &blocks, type, &free, largest) != 5 ||
		    !blocks || free > 512 ||
		    (free == 0) != !strcmp(largest, "-")) {
			fail("pageblocks: malformed line: %s", l);
			return 1;
		}
		runs++;
		if (pfn < end_prev) {
			fail("pageblocks: pfn 0x%lx goes back (0x%lx)", pfn,
			     end_prev);
			bad++;
		}
		/* a run ends where a block differs: equal neighbours are one */
		if (pfn == end_prev && !strcmp(type, prev_type) &&
		    free == prev_free && !strcmp(largest, prev_largest)) {
			fail("pageblocks: runs not merged at pfn 0x%lx", pfn);
			bad++;
		}
		end_prev = (pfn & ~511UL) + blocks * 512;
		snprintf(prev_type, sizeof(prev_type), "%s", type);
		snprintf(prev_largest, sizeof(prev_largest), "%s", largest);
		prev_free = free;
		t = type_index(&pt, type);
		if (t < 0) {
			fail("pageblocks: type %s not in pagetypeinfo", type);
			return 1;
		}
		z->blocks[t] += blocks;
		z->free += blocks * free;
	}
	for (i = 0; i < pb.n; i++) {
		struct zone *m = &pb.z[i];
		struct zone *k = zone_of(&pt, m->node, m->name, 0);
		struct zone *b = zone_of(&bi, m->node, m->name, 0);
		long want = 0;

		if (!k || !b) {
			fail("zone %d/%s not in the kernel's files", m->node,
			     m->name);
			bad++;
			continue;
		}
		for (t = 0; t < pt.ntypes; t++)
			if (m->blocks[t] != k->blocks[t]) {
				fail("node %d zone %s type %s: %ld blocks, pagetypeinfo %ld",
				     m->node, m->name, pt.tname[t],
				     m->blocks[t], k->blocks[t]);
				bad++;
			}
		for (o = 0; o < b->norders; o++)
			want += b->nr_free[o] << o;
		if (m->free != want) {
			/* also try buddyinfo read before ours */
			static struct snap b1;
			struct zone *bb;
			long want1 = 0;

			b1.n = 0;
			parse_buddyinfo(xbuf, &b1);
			bb = zone_of(&b1, m->node, m->name, 0);
			for (o = 0; bb && o < bb->norders; o++)
				want1 += bb->nr_free[o] << o;
			if (m->free != want1) {
				fail("node %d zone %s: %ld free pages, buddyinfo %ld",
				     m->node, m->name, m->free, want);
				bad++;
			}
		}
	}
	if (!runs)
		fail("pageblocks has no run");
	return bad || !runs;
}

static int retry(int (*once)(void))
{
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	int i;

	for (i = 1; i <= TRIES; i++) {
		whylen = 0;
		why[0] = '\0';
		if (!once()) {
			if (i > 1)
				printf("equal on try %d\n", i);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	fputs(why, stdout);
	return 1;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*once)(void);
	} checks[] = {
		{ "zoneinfo", check_zoneinfo },
		{ "verdicts", verdicts_once },
		{ "vmstat", vmstat_once },
		{ "score", score_once },
		{ "pageblocks", pageblocks_once },
	};
	unsigned int i;

	if (argc == 3 && !strcmp(argv[1], "pageblocks")) {
		snapdir = argv[2];
		if (!pageblocks_once())
			return 0;
		fputs(why, stdout);
		return 1;
	}
	for (i = 0; argc == 2 && i < sizeof(checks) / sizeof(checks[0]); i++)
		if (!strcmp(argv[1], checks[i].name))
			return retry(checks[i].once);
	fprintf(stderr, "usage: fragdeep zoneinfo|verdicts|vmstat|score|pageblocks\n"
		"       fragdeep pageblocks DIR\n");
	return 2;
}
