// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_frag.c - mmlens frag: the buddy allocator's free lists per zone, a
 * bar per order, the extfrag and unusable indices and a verdict, then what
 * the allocator would decide (frag_alloc.c; verdict.c decides both);
 * --watch redraws in place, marks what changed and shows the deltas.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"
#include "verdict.h"

static const char frag_help[] =
	"usage: mmlens frag [--json] [--watch SECONDS [--count N]] [--node N]\n"
	"                   [--zone NAME] [--order N[,N...]|all]\n"
	"\n"
	"Free memory per node and zone from /proc/mmlens/fraginfo: free blocks\n"
	"per order as a bar, the extfrag and unusable index per order, and a\n"
	"verdict: the largest order that can be allocated now and the first\n"
	"that would fail because of fragmentation rather than lack of memory.\n"
	"Then, from /proc/mmlens/watermarks and compaction (when the module\n"
	"has them): per order whether an allocation succeeds now, needs\n"
	"reclaim, needs compaction (fragmentation) or fails (no memory); the\n"
	"deferred-compaction state; per node the proactive-compaction score.\n"
	"\n"
	"  --watch SECONDS  redraw every SECONDS (like watch), marking changes\n"
	"                   and showing the change of the free counts and the\n"
	"                   compaction counters since the last frame\n"
	"  --count N        with --watch: stop after N redraws\n"
	"  --node N         only node N\n"
	"  --zone NAME      only zones called NAME (DMA, DMA32, Normal, ...)\n"
	"  --order LIST     verdicts for these orders (comma-separated, or all;\n"
	"                   default 0,3,9,10)\n";

/* What frag's options ask for. */
struct frag_args {
	double secs;		/* --watch: redraw every secs; 0: once */
	long count;		/* --count: frames to draw; 0: no limit */
	int node;		/* --node; -1: every node */
	const char *zone;	/* --zone; NULL: every zone */
	unsigned int orders;	/* --order: 1 << order */
};

DEFINE_ZONE_FIND(frag_zone_find, struct frag_info, struct frag_zone)

/*
 * A value that changed since the last redraw: reverse video, or a '*'
 * after it without colour. Every cell of a watched frame has the marker
 * slot so that columns do not move.
 */
static void mark(const struct ctx *c, char *out, size_t size,
		 const char *val, int watching, int changed)
{
	if (!watching)
		snprintf(out, size, "%s", val);
	else if (c->color)
		snprintf(out, size, "%s%s%s", changed ? sgr(c, C_REV) : "",
			 val, changed ? sgr(c, C_RESET) : "");
	else
		snprintf(out, size, "%s%c", val, changed ? '*' : ' ');
}

static int bar_width(const struct ctx *c)
{
	int w = c->columns - 58;

	return w < 10 ? 10 : w > 40 ? 40 : w;
}

static void verdict_line(const struct ctx *c, FILE *f,
			 const struct frag_zone *z)
{
	struct frag_verdict v;
	char a[32], b[32], x[32];

	frag_verdict(z, &v);
	fputs("verdict: ", f);
	if (v.largest < 0) {
		fprintf(f, "%sno free memory in this zone%s\n",
			sgr(c, C_RED), sgr(c, C_RESET));
		return;
	}
	fmt_pages(a, sizeof(a), 1ULL << v.largest);
	if (v.largest == z->norders - 1) {
		fprintf(f, "%severy order up to %d (%s) can be allocated now%s\n",
			sgr(c, C_GREEN), v.largest, a, sgr(c, C_RESET));
		return;
	}
	fprintf(f, "largest order free now: %d (%s); ", v.largest, a);
	if (v.frag_fail >= 0) {
		fmt_pages(b, sizeof(b), 1ULL << v.frag_fail);
		fmt_milli(x, sizeof(x), z->o[v.frag_fail].extfrag);
		fprintf(f, "%sorder %d (%s) fails from fragmentation%s "
			"(extfrag %s: memory is free, but not contiguous)\n",
			sgr(c, C_RED), v.frag_fail, b, sgr(c, C_RESET), x);
	} else {
		fmt_pages(b, sizeof(b), 1ULL << v.nomem_fail);
		fmt_pages(x, sizeof(x), z->o[0].free_pages);
		fprintf(f, "%sorder %d (%s) fails for lack of memory%s "
			"(only %s free), not from fragmentation\n",
			sgr(c, C_YELLOW), v.nomem_fail, b, sgr(c, C_RESET), x);
	}
}

/* "+12", "-3", or "" for no change: a watched frame's delta column. */
static void delta(char *out, size_t size, uint64_t now, uint64_t before)
{
	if (now == before)
		snprintf(out, size, "%s", "");
	else
		snprintf(out, size, "%+lld", (long long)(now - before));
}

static void zone_text(const struct ctx *c, FILE *f,
		      const struct frag_zone *z, const struct frag_zone *p,
		      int watching)
{
	static const char *const head[] = {
		"order", "block", "free blocks", "change", "memory", NULL,
		"extfrag", "unusable",
	};
	const char *heads[8];
	char hbar[64], sz[32], num[32], mem[32], bars[256], ef[32], un[32];
	char ord[16], c2[96], c3[96], c5[96], c6[96], free_s[32], d[32];
	uint64_t max = 0;
	int o, w = bar_width(c) - (watching ? 8 : 0);
	struct table t;

	memcpy(heads, head, sizeof(heads));
	if (w < 10)
		w = 10;
	snprintf(hbar, sizeof(hbar), "%-*s", w, "free blocks per order");
	heads[5] = hbar;
	if (watching) {
		table_init(&t, 8, heads, "rrrrrlrr");
	} else {
		memmove(heads + 3, heads + 4, 4 * sizeof(*heads));
		table_init(&t, 7, heads, "rrrrlrr");
	}
	for (o = 0; o < z->norders; o++)
		if (z->o[o].nr_free > max)
			max = z->o[o].nr_free;
	fmt_pages(free_s, sizeof(free_s), z->o[0].free_pages);
	fprintf(f, "%sNode %d, zone %s%s: %s free in %llu blocks (%llu pages",
		sgr(c, C_BOLD), z->node, z->name, sgr(c, C_RESET), free_s,
		(unsigned long long)z->o[0].free_blocks_total,
		(unsigned long long)z->o[0].free_pages);
	if (watching && p && p->norders &&
	    p->o[0].free_pages != z->o[0].free_pages)
		fprintf(f, ", %+lld since the last frame",
			(long long)(z->o[0].free_pages - p->o[0].free_pages));
	fputs(")\n", f);
	for (o = 0; o < z->norders; o++) {
		const struct frag_order *q = &z->o[o];
		const struct frag_order *pq = p && o < p->norders ?
			&p->o[o] : NULL;
		int ch = watching && (!pq || pq->nr_free != q->nr_free);

		snprintf(ord, sizeof(ord), "%d", o);
		fmt_pages(sz, sizeof(sz), 1ULL << o);
		snprintf(num, sizeof(num), "%llu",
			 (unsigned long long)q->nr_free);
		mark(c, c2, sizeof(c2), num, watching, ch);
		fmt_pages(mem, sizeof(mem), q->nr_free << o);
		mark(c, c3, sizeof(c3), mem, watching, ch);
		bar(bars, sizeof(bars), q->nr_free, max, w, c->ascii);
		if (q->extfrag == -1000)
			snprintf(ef, sizeof(ef), "-");
		else
			fmt_milli(ef, sizeof(ef), q->extfrag);
		mark(c, c5, sizeof(c5), ef, watching,
		     watching && (!pq || pq->extfrag != q->extfrag));
		fmt_milli(un, sizeof(un), q->unusable);
		mark(c, c6, sizeof(c6), un, watching,
		     watching && (!pq || pq->unusable != q->unusable));
		if (watching) {
			delta(d, sizeof(d), q->nr_free, pq ? pq->nr_free : 0);
			table_add(&t, ord, sz, c2, d, c3, bars, c5, c6);
		} else {
			table_add(&t, ord, sz, c2, c3, bars, c5, c6);
		}
	}
	table_print(&t, f, c);
	table_free(&t);
	verdict_line(c, f, z);
}

/* The last selected zone of its node: the node's line follows it. */
static int last_of_node(const struct frag_info *fi, size_t i, int node,
			const char *zone)
{
	const struct frag_zone *z;
	size_t k;

	for (k = i + 1; k < fi->nzones; k++) {
		z = &fi->zones[k];
		if (z->node == fi->zones[i].node &&
		    zone_selected(z->node, z->name, node, zone))
			return 0;
	}
	return 1;
}

void frag_text(const struct ctx *c, FILE *f, const struct frag_data *cur,
	       const struct frag_data *prev, int node, const char *zone,
	       unsigned int orders)
{
	const struct frag_info *fi = &cur->fi;
	size_t i;
	int first = 1;

	for (i = 0; i < fi->nzones; i++) {
		const struct frag_zone *z = &fi->zones[i];

		if (!zone_selected(z->node, z->name, node, zone))
			continue;
		if (!first)
			fputc('\n', f);
		first = 0;
		zone_text(c, f, z, prev ?
			  frag_zone_find(&prev->fi, z->node, z->name) : NULL,
			  prev != NULL);
		alloc_zone_text(c, f, cur, z->node, z->name, orders);
		if (last_of_node(fi, i, node, zone))
			alloc_node_text(c, f, cur, z->node);
	}
	fputc('\n', f);
	alloc_global_text(c, f, cur, prev);
	fputs("extfrag: 0 = would fail for lack of memory, 1 = from "
	      "fragmentation, - = succeeds now; unusable: share of free "
	      "memory in smaller blocks\n", f);
}

static void frag_json(const struct ctx *c, const struct frag_data *d,
		      int node, const char *zone)
{
	const struct frag_info *fi = &d->fi;
	struct frag_verdict v;
	struct json j;
	size_t i;
	int o;

	json_init(&j, stdout);
	json_begin_doc(&j, "frag", c->module_version);
	json_arr(&j, "zones", 0);
	for (i = 0; i < fi->nzones; i++) {
		const struct frag_zone *z = &fi->zones[i];

		if (!zone_selected(z->node, z->name, node, zone))
			continue;
		frag_verdict(z, &v);
		json_obj(&j, NULL, 0);
		json_i64(&j, "node", z->node);
		json_str(&j, "zone", z->name);
		json_u64(&j, "free_pages", z->o[0].free_pages);
		json_u64(&j, "free_blocks", z->o[0].free_blocks_total);
		json_i64_or_null(&j, "largest_free_order", v.largest);
		json_i64_or_null(&j, "fragmentation_fail_order", v.frag_fail);
		json_i64_or_null(&j, "nomem_fail_order", v.nomem_fail);
		json_arr(&j, "orders", 0);
		for (o = 0; o < z->norders; o++) {
			const struct frag_order *q = &z->o[o];

			json_obj(&j, NULL, 1);
			json_i64(&j, "order", o);
			json_u64(&j, "nr_free", q->nr_free);
			json_u64(&j, "free_pages", q->free_pages);
			json_u64(&j, "free_blocks_total",
				 q->free_blocks_total);
			json_u64(&j, "free_blocks_suitable",
				 q->free_blocks_suitable);
			json_i64(&j, "extfrag", q->extfrag);
			json_i64(&j, "unusable", q->unusable);
			json_end_obj(&j);
		}
		json_end_arr(&j);
		alloc_zone_json(&j, d, z->node, z->name);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	alloc_global_json(&j, d);
	json_end_doc(&j);
}

void frag_data_free(struct frag_data *d)
{
	frag_info_free(&d->fi);
	if (d->have_wm)
		wmark_info_free(&d->wm);
	if (d->have_ci)
		compact_info_free(&d->ci);
	memset(d, 0, sizeof(*d));
}

/* One frame's files, and what the tool adds to compaction's. */
static int load(struct ctx *c, struct frag_data *d)
{
	int rc;

	memset(d, 0, sizeof(*d));
	rc = load_fraginfo(c, &d->fi);
	if (rc)
		return rc;
	rc = load_watermarks(c, &d->wm, &d->have_wm);
	if (!rc)
		rc = load_compaction(c, &d->ci, &d->have_ci);
	if (rc)
		frag_data_free(d);
	else if (d->have_ci)
		load_proactive(c, &d->ci);
	return rc;
}

static int check_filter(const struct frag_info *fi, int node,
			const char *zone)
{
	const struct frag_zone *z;
	char names[512] = "";
	size_t i, n;

	for (i = 0; i < fi->nzones; i++) {
		z = &fi->zones[i];
		if (zone_selected(z->node, z->name, node, zone))
			return 0;
	}
	for (i = 0; i < fi->nzones; i++) {
		n = strlen(names);
		snprintf(names + n, sizeof(names) - n, "%snode %d %s",
			 i ? ", " : "", fi->zones[i].node, fi->zones[i].name);
	}
	return fail(EXIT_USAGE, "leave out --node/--zone to see every zone",
		    "no zone matches (there are: %s)", names);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* One frame: drawn in place on a terminal, appended otherwise. */
static void draw(const struct ctx *c, const char *frame, size_t len,
		 int first)
{
	size_t i;

	if (!c->tty) {
		fwrite(frame, 1, len, stdout);
		fputc('\n', stdout);
		fflush(stdout);
		return;
	}
	fputs(first ? "\033[H\033[2J" : "\033[H", stdout);
	for (i = 0; i < len; i++) {
		if (frame[i] == '\n')
			fputs("\033[K", stdout);
		fputc(frame[i], stdout);
	}
	fputs("\033[J", stdout);
	fflush(stdout);
}

static int watch(struct ctx *c, const struct frag_args *a)
{
	struct frag_data cur, prev;
	struct sigaction sa = { .sa_handler = on_signal };
	struct timespec ts;
	char stamp[32];
	time_t now;
	long frames = 0;
	int rc = 0;

	memset(&cur, 0, sizeof(cur));
	memset(&prev, 0, sizeof(prev));
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop) {
		char *frame = NULL;
		size_t len = 0;
		FILE *f;

		rc = load(c, &cur);
		if (rc)
			break;
		f = open_memstream(&frame, &len);
		if (!f) {
			frag_data_free(&cur);
			rc = fail(EXIT_NOMODULE, NULL, "out of memory");
			break;
		}
		now = time(NULL);
		strftime(stamp, sizeof(stamp), "%H:%M:%S", localtime(&now));
		fprintf(f, "Every %gs: mmlens frag   %s (frame %ld, changes %s)\n\n",
			a->secs, stamp, frames + 1,
			c->color ? "highlighted" : "marked *");
		frag_text(c, f, &cur, frames ? &prev : &cur, a->node, a->zone,
			  a->orders);
		fclose(f);
		draw(c, frame, len, frames == 0);
		free(frame);
		frag_data_free(&prev);
		prev = cur;
		memset(&cur, 0, sizeof(cur));
		if (a->count > 0 && ++frames >= a->count)
			break;
		if (a->count <= 0)
			frames++;
		ts.tv_sec = (time_t)a->secs;
		ts.tv_nsec = (long)((a->secs - (double)ts.tv_sec) * 1e9);
		while (!stop && nanosleep(&ts, &ts) && errno == EINTR)
			;
	}
	frag_data_free(&prev);
	return rc;
}

/* "all", or orders separated by commas: a bitmask; 0 when malformed. */
static unsigned int parse_orders(const char *s)
{
	unsigned int mask = 0;
	long o;
	char *end;

	if (!strcmp(s, "all"))
		return ~0u;
	for (;;) {
		if (*s < '0' || *s > '9')
			return 0;
		o = strtol(s, &end, 10);
		if (o < 0 || o >= FRAG_MAX_ORDERS)
			return 0;
		mask |= 1u << o;
		if (!*end)
			return mask;
		if (*end != ',')
			return 0;
		s = end + 1;
	}
}

static int frag_opt(void *args, int opt, const char *arg)
{
	struct frag_args *a = args;
	char *end;

	switch (opt) {
	case 'w':
		a->secs = strtod(arg, &end);
		if (*end || !(a->secs >= 0.1 && a->secs <= 86400))
			return fail(EXIT_USAGE, "e.g. --watch 2",
				    "--watch wants seconds, 0.1 .. 86400");
		return 0;
	case 'n':
		a->count = strtol(arg, &end, 10);
		if (*end || a->count < 1)
			return fail(EXIT_USAGE, NULL,
				    "--count wants a positive number");
		return 0;
	case 'N':
		if (parse_int(arg, 0, 1 << 20, &a->node))
			return fail(EXIT_USAGE, NULL,
				    "--node wants a node number");
		return 0;
	case 'z':
		a->zone = arg;
		return 0;
	case 'o':
		a->orders = parse_orders(arg);
		if (!a->orders)
			return fail(EXIT_USAGE, "e.g. --order 9 or --order 0,3,9 or --order all",
				    "--order wants orders 0 .. %d, comma-separated, or all",
				    FRAG_MAX_ORDERS - 1);
		return 0;
	}
	return -1;
}

static const struct option frag_opts[] = {
	{ "watch", required_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'n' },
	{ "node", required_argument, NULL, 'N' },
	{ "zone", required_argument, NULL, 'z' },
	{ "order", required_argument, NULL, 'o' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command frag_command = {
	"frag", frag_help, frag_opts, frag_opt,
};

int cmd_frag(struct ctx *c, int argc, char **argv)
{
	struct frag_args a = { .node = -1, .orders = FRAG_DEFAULT_ORDERS };
	struct frag_data fd;
	int rc;

	rc = command_args(c, &frag_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = no_operands("frag", argc, argv);
	if (rc)
		return rc;
	if (a.secs > 0 && c->json)
		return fail(EXIT_USAGE, "drop --json, or loop in the shell",
			    "--watch redraws a screen; it has no JSON form");
	if (a.count && a.secs <= 0)
		return fail(EXIT_USAGE, NULL, "--count goes with --watch");
	rc = module_check(c);
	if (rc)
		return rc;
	rc = load(c, &fd);
	if (rc)
		return rc;
	rc = check_filter(&fd.fi, a.node, a.zone);
	if (rc || a.secs > 0) {
		frag_data_free(&fd);
		return rc ? rc : watch(c, &a);
	}
	if (c->json)
		frag_json(c, &fd, a.node, a.zone);
	else
		frag_text(c, stdout, &fd, NULL, a.node, a.zone, a.orders);
	frag_data_free(&fd);
	return EXIT_OK;
}
