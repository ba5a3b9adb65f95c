// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_physmap.c - mmlens physmap: physical memory as pageblocks, from
 * /proc/mmlens/pageblocks. Per node and zone, rows of cells labelled with
 * their first pfn; a cell is one pageblock, or a group of them when the
 * zone does not fit the rows; its glyph names the migratetype, its case
 * the free share. Unmovable blocks amid movable ones are what stops
 * compaction from making a huge page there.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"

#define PHYSMAP_MIN_CELLS 16
#define PHYSMAP_ROWS 16

static const char physmap_help[] =
	"usage: mmlens physmap [--width N] [--rows N] [--node N] [--zone NAME]\n"
	"\n"
	"Physical memory as pageblocks (2 MiB) from /proc/mmlens/pageblocks\n"
	"(root): per node and zone, rows of cells from the lowest pfn up, each\n"
	"cell one pageblock or a group of them. The glyph is the migratetype\n"
	"(U Unmovable, M Movable, R Reclaimable, H HighAtomic, C CMA,\n"
	"I Isolate), upper case when less than half of it is free, lower case\n"
	"when half or more is; blank where the zone has no pageblock (a hole).\n"
	"\n"
	"  --width N    line width (default: the terminal's, or 80)\n"
	"  --rows N     at most N rows per zone (default: fit the terminal,\n"
	"               16 when not a terminal); more blocks share a cell\n"
	"  --node N     only node N\n"
	"  --zone NAME  only zones called NAME\n";

static const char mt_glyph[MT_N] = {
	[MT_UNMOVABLE] = 'U', [MT_MOVABLE] = 'M', [MT_RECLAIMABLE] = 'R',
	[MT_HIGHATOMIC] = 'H', [MT_CMA] = 'C', [MT_ISOLATE] = 'I',
};

static const enum color mt_color[MT_N] = {
	[MT_UNMOVABLE] = C_RED, [MT_MOVABLE] = C_GREEN,
	[MT_RECLAIMABLE] = C_YELLOW, [MT_HIGHATOMIC] = C_MAGENTA,
	[MT_CMA] = C_BLUE, [MT_ISOLATE] = C_CYAN,
};

/* Ties between types in a cell go to the one that pins memory most. */
static const int mt_rank[MT_N] = {
	[MT_UNMOVABLE] = 5, [MT_RECLAIMABLE] = 4, [MT_HIGHATOMIC] = 3,
	[MT_ISOLATE] = 2, [MT_CMA] = 1, [MT_MOVABLE] = 0,
};

struct pm_cell {
	uint64_t blocks[MT_N];
	uint64_t nblocks, free;
};

/* The zone's extent in whole pageblocks: [first, end) in block numbers. */
static void zone_extent(const struct pb_zone *z, uint64_t *first,
			uint64_t *end)
{
	const struct pb_run *l;

	*first = *end = 0;
	if (!z->nruns)
		return;
	l = &z->runs[z->nruns - 1];
	*first = z->runs[0].pfn / PB_PAGES;
	*end = l->pfn / PB_PAGES + l->blocks;
}

static void cell_glyph(const struct ctx *c, const struct pm_cell *m,
		       char *out, size_t size)
{
	int t, best = -1;
	char g;

	if (!m->nblocks) {
		snprintf(out, size, " ");
		return;
	}
	for (t = 0; t < MT_N; t++)
		if (m->blocks[t] &&
		    (best < 0 || m->blocks[t] > m->blocks[best] ||
		     (m->blocks[t] == m->blocks[best] &&
		      mt_rank[t] > mt_rank[best])))
			best = t;
	g = mt_glyph[best];
	if (m->free * 2 >= m->nblocks * PB_PAGES)
		g = (char)(g - 'A' + 'a');
	snprintf(out, size, "%s%c%s", sgr(c, mt_color[best]), g,
		 c->color ? sgr(c, C_RESET) : "");
}

/* Blocks per cell: a power of two, so that row labels are round. */
static uint64_t group_of(uint64_t nblocks, int cols, int rows)
{
	uint64_t g = 1, room = (uint64_t)cols * (uint64_t)rows;

	while (g * room < nblocks && g < (1ULL << 40))
		g <<= 1;
	return g;
}

/* A zone's pageblocks, in all and per migratetype, and its free pages. */
struct pb_counts {
	uint64_t blocks[MT_N], total, free;
};

static void zone_counts(const struct pb_zone *z, struct pb_counts *n)
{
	size_t i;

	memset(n, 0, sizeof(*n));
	for (i = 0; i < z->nruns; i++) {
		n->blocks[z->runs[i].type] += z->runs[i].blocks;
		n->total += z->runs[i].blocks;
		n->free += z->runs[i].blocks * z->runs[i].free;
	}
}

static void zone_summary(const struct ctx *c, const struct pb_zone *z,
			 uint64_t g)
{
	struct pb_counts n;
	uint64_t first, end;
	char sz[32], cs[32], fs[32];
	int t, any = 0;

	zone_counts(z, &n);
	zone_extent(z, &first, &end);
	fmt_pages(sz, sizeof(sz), n.total * PB_PAGES);
	fmt_pages(cs, sizeof(cs), g * PB_PAGES);
	fmt_pages(fs, sizeof(fs), n.free);
	printf("%sNode %d, zone %s%s: pfn 0x%llx-0x%llx, %llu pageblocks (%s), %s per cell\n  ",
	       sgr(c, C_BOLD), z->node, z->name, sgr(c, C_RESET),
	       (unsigned long long)(z->nruns ? z->runs[0].pfn : 0),
	       (unsigned long long)(end * PB_PAGES),
	       (unsigned long long)n.total, sz, cs);
	for (t = 0; t < MT_N; t++)
		if (n.blocks[t]) {
			printf("%s%s %llu", any ? ", " : "", mt_names[t],
			       (unsigned long long)n.blocks[t]);
			any = 1;
		}
	printf("; free %llu pages (%s)\n", (unsigned long long)n.free, fs);
}

static int zone_map(const struct ctx *c, const struct pb_zone *z, int cols,
		    int rows, int labelw)
{
	uint64_t first, end, g, ncells, b, k;
	struct pm_cell *cells;
	char glyph[32];
	size_t i;
	int col;

	zone_extent(z, &first, &end);
	g = group_of(end - first, cols, rows);
	zone_summary(c, z, g);
	ncells = (end - first + g - 1) / g;
	cells = calloc(ncells ? ncells : 1, sizeof(*cells));
	if (!cells)
		return fail(EXIT_NOMODULE, NULL, "out of memory");
	/* a run adds to each cell it overlaps, in one step per cell */
	for (i = 0; i < z->nruns; i++) {
		const struct pb_run *r = &z->runs[i];
		uint64_t b1 = r->pfn / PB_PAGES + r->blocks, n;

		for (b = r->pfn / PB_PAGES; b < b1; b += n) {
			struct pm_cell *m = &cells[(b - first) / g];

			n = first + ((b - first) / g + 1) * g - b;
			if (n > b1 - b)
				n = b1 - b;
			m->blocks[r->type] += n;
			m->nblocks += n;
			m->free += n * r->free;
		}
	}
	for (k = 0; k < ncells; k++) {
		col = (int)(k % (uint64_t)cols);
		if (!col)
			printf("0x%0*llx |", labelw,
			       (unsigned long long)((first + k * g) * PB_PAGES));
		cell_glyph(c, &cells[k], glyph, sizeof(glyph));
		fputs(glyph, stdout);
		if (col == cols - 1 || k == ncells - 1)
			fputs("|\n", stdout);
	}
	free(cells);
	return 0;
}

static void legend(const struct ctx *c)
{
	int t;

	fputs("legend:", stdout);
	for (t = 0; t < MT_N; t++)
		printf(" %s%c%s %s", sgr(c, mt_color[t]), mt_glyph[t],
		       sgr(c, C_RESET), mt_names[t]);
	printf("\n        upper case: less than half free, lower case: half or more free (%sM%s %sm%s)\n"
	       "        blank: no pageblock of the zone (a hole); a cell of several pageblocks\n"
	       "        shows the type most of them have\n",
	       sgr(c, C_GREEN), sgr(c, C_RESET), sgr(c, C_GREEN),
	       sgr(c, C_RESET));
}

/* Hex digits of the largest pfn label, at least 5. */
static int label_width(const struct pb_info *pi)
{
	uint64_t first, end, top = 0;
	size_t i;
	int w = 5;

	for (i = 0; i < pi->nzones; i++) {
		zone_extent(&pi->zones[i], &first, &end);
		if (end * PB_PAGES > top)
			top = end * PB_PAGES;
	}
	while (w < 16 && top >> (4 * w))
		w++;
	return w;
}

/* Rows per zone that fit the terminal, when it says how tall it is. */
static int fit_rows(const struct ctx *c, int nzones)
{
	struct winsize ws;
	int r;

	if (!c->tty || ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) || !ws.ws_row ||
	    nzones <= 0)
		return PHYSMAP_ROWS;
	r = ((int)ws.ws_row - 3) / nzones - 3;
	return r < 4 ? 4 : r;
}

static int physmap_text(const struct ctx *c, const struct pb_info *pi,
			int width, int rows, int node, const char *zone)
{
	int labelw = label_width(pi), cols, n = 0, first = 1;
	const struct pb_zone *z;
	size_t i;

	cols = width - labelw - 2 - 3;
	if (cols >= 32)
		cols -= cols % 16;
	else if (cols >= PHYSMAP_MIN_CELLS)
		cols -= cols % 8;
	else
		cols = PHYSMAP_MIN_CELLS;
	for (i = 0; i < pi->nzones; i++)
		n += zone_selected(pi->zones[i].node, pi->zones[i].name, node,
				   zone);
	if (!rows)
		rows = fit_rows(c, n);
	for (i = 0; i < pi->nzones; i++) {
		z = &pi->zones[i];
		if (!zone_selected(z->node, z->name, node, zone))
			continue;
		if (!first)
			putchar('\n');
		first = 0;
		if (zone_map(c, z, cols, rows, labelw))
			return EXIT_NOMODULE;
	}
	legend(c);
	return EXIT_OK;
}

static void physmap_json(const struct ctx *c, const struct pb_info *pi,
			 int node, const char *zone)
{
	struct pb_counts n;
	uint64_t first, end;
	struct json j;
	size_t i, k;
	int t;

	json_init(&j, stdout);
	json_begin_doc(&j, "physmap", c->module_version);
	json_u64(&j, "pageblock_pages", PB_PAGES);
	json_arr(&j, "zones", 0);
	for (i = 0; i < pi->nzones; i++) {
		const struct pb_zone *z = &pi->zones[i];

		if (!zone_selected(z->node, z->name, node, zone))
			continue;
		zone_counts(z, &n);
		zone_extent(z, &first, &end);
		json_obj(&j, NULL, 0);
		json_i64(&j, "node", z->node);
		json_str(&j, "zone", z->name);
		json_hex(&j, "start_pfn", z->nruns ? z->runs[0].pfn : 0);
		json_hex(&j, "end_pfn", end * PB_PAGES);
		json_u64(&j, "blocks", n.total);
		json_u64(&j, "free_pages", n.free);
		json_obj(&j, "blocks_by_type", 1);
		for (t = 0; t < MT_N; t++)
			json_u64(&j, mt_names[t], n.blocks[t]);
		json_end_obj(&j);
		json_arr(&j, "runs", 0);
		for (k = 0; k < z->nruns; k++) {
			const struct pb_run *r = &z->runs[k];

			json_obj(&j, NULL, 1);
			json_hex(&j, "pfn", r->pfn);
			json_u64(&j, "blocks", r->blocks);
			json_str(&j, "type", mt_names[r->type]);
			json_u64(&j, "free", r->free);
			json_i64_or_null(&j, "largest", r->largest);
			json_end_obj(&j);
		}
		json_end_arr(&j);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_end_doc(&j);
}

static int check_filter(const struct pb_info *pi, int node, const char *zone)
{
	const struct pb_zone *z;
	size_t i;

	for (i = 0; i < pi->nzones; i++) {
		z = &pi->zones[i];
		if (zone_selected(z->node, z->name, node, zone))
			return 0;
	}
	return fail(EXIT_USAGE, "leave out --node/--zone to see every zone",
		    "no zone matches");
}

/* What physmap's options ask for; 0 and NULL: the default. */
struct physmap_args {
	int width, rows;	/* --width, --rows */
	int node;		/* --node; -1: every node */
	const char *zone;	/* --zone */
};

static int physmap_opt(void *args, int opt, const char *arg)
{
	struct physmap_args *a = args;

	switch (opt) {
	case 'w':
		if (parse_int(arg, 40, 1000, &a->width))
			return fail(EXIT_USAGE, "e.g. --width 120",
				    "--width wants 40 .. 1000");
		return 0;
	case 'r':
		if (parse_int(arg, 1, 100000, &a->rows))
			return fail(EXIT_USAGE, "e.g. --rows 8",
				    "--rows wants 1 .. 100000");
		return 0;
	case 'N':
		if (parse_int(arg, 0, 1 << 20, &a->node))
			return fail(EXIT_USAGE, "e.g. --node 0",
				    "--node wants a node number");
		return 0;
	case 'z':
		a->zone = arg;
		return 0;
	}
	return -1;
}

static const struct option physmap_opts[] = {
	{ "width", required_argument, NULL, 'w' },
	{ "rows", required_argument, NULL, 'r' },
	{ "node", required_argument, NULL, 'N' },
	{ "zone", required_argument, NULL, 'z' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command physmap_command = {
	"physmap", physmap_help, physmap_opts, physmap_opt,
};

int cmd_physmap(struct ctx *c, int argc, char **argv)
{
	struct physmap_args a = { .node = -1 };
	struct pb_info pi;
	int rc;

	rc = command_args(c, &physmap_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = no_operands("physmap", argc, argv);
	if (!rc)
		rc = module_check(c);
	if (!rc)
		rc = load_pageblocks(c, &pi);
	if (rc)
		return rc;
	rc = check_filter(&pi, a.node, a.zone);
	if (!rc && c->json)
		physmap_json(c, &pi, a.node, a.zone);
	else if (!rc)
		rc = physmap_text(c, &pi, a.width ? a.width : c->columns,
				  a.rows, a.node, a.zone);
	pb_info_free(&pi);
	return rc;
}
