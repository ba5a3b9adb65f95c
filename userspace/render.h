/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render.h - how mmlens draws: human units, aligned tables, scaled bars,
 * the address-space map's cells, colours (render.c); and a frag frame
 * (cmd_frag.c, frag_alloc.c), which fuzz/ draws too.
 */
#ifndef MMLENS_RENDER_H
#define MMLENS_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mmlens.h"
#include "parse.h"
/*
 * The verdicts were declared here before verdict.h held them; what draws
 * frag (hosttest/unit.c, fuzz/) still finds them through this header.
 */
#include "verdict.h"

/* x86-64, as PB_PAGES: the module counts in 4 KiB pages. */
#define PAGE_BYTES 4096ULL

/* "0", "4K", "132K", "1.5M", "907M", "2.0G" (powers of 1024). */
char *fmt_bytes(char *out, size_t size, uint64_t bytes);
char *fmt_pages(char *out, size_t size, uint64_t pages);
/* Thousandths as the kernel prints them: -1000 -> "-1.000". */
char *fmt_milli(char *out, size_t size, int64_t milli);
/* Characters on screen: UTF-8 sequences count one, ANSI escapes none. */
size_t display_width(const char *s);

enum color {
	C_RESET, C_BOLD, C_DIM, C_RED, C_GREEN, C_YELLOW, C_BLUE, C_MAGENTA,
	C_CYAN, C_REV,
};
/* The escape for colour k, or "" when colour is off. */
const char *sgr(const struct ctx *c, enum color k);

struct table {
	int ncols;
	const char *const *head;
	const char *align;	/* per column: 'l' or 'r' */
	size_t nrows, cap;
	char **cells;		/* nrows * ncols */
	unsigned char *rule;	/* rule before row i */
	int pending_rule;
};

void table_init(struct table *t, int ncols, const char *const *head,
		const char *align);
/* ncols strings; copied. -1 on allocation failure. */
int table_add(struct table *t, ...);
void table_rule(struct table *t);
void table_print(const struct table *t, FILE *f, const struct ctx *c);
void table_free(struct table *t);

/* A bar of value/max over width cells, in eighths of a block. */
char *bar(char *out, size_t size, uint64_t value, uint64_t max, int width,
	  int ascii);

/* The map: what share of each slice of a VMA is present, huge, swapped. */
struct map_cell {
	uint64_t bytes, present, huge, swap;
};

/*
 * len bytes of run r counted into m: present (and huge when a PMD or PUD
 * maps them) or swap; other kinds count in neither. pt and map's totals
 * count so too.
 */
void map_cell_add(struct map_cell *m, const struct pt_run *r, uint64_t len);

/* runs sorted by start; cells[ncells] cover [start, end) evenly. */
void map_cells(uint64_t start, uint64_t end, const struct pt_run *runs,
	       size_t nruns, struct map_cell *cells, int ncells);
/* The glyph of a cell, with colour when c allows; appended to out. */
void map_glyph(const struct ctx *c, const struct map_cell *cell,
	       char *out, size_t size);
void map_legend(const struct ctx *c, FILE *f);
/*
 * map --numa: a present cell drawn as @node (the digit, '+' past 9, in
 * the node's colour), MAP_NODE_MIXED as '*'; MAP_NODE_NONE (the VMA has
 * no counted pages) and cells without present pages as map_glyph().
 */
#define MAP_NODE_MIXED (-1)
#define MAP_NODE_NONE (-2)
void map_glyph_node(const struct ctx *c, const struct map_cell *cell,
		    int node, char *out, size_t size);
void map_legend_numa(const struct ctx *c, FILE *f, const int *nodes,
		     size_t n);

/* What one frag frame shows; have_* is 0 when the module lacks the file. */
struct frag_data {
	struct frag_info fi;
	struct wmark_info wm;
	struct compact_info ci;
	int have_wm, have_ci;
};

void frag_data_free(struct frag_data *d);

/* The default --order set: 0, 3 (slab, network buffers), 9 (THP), 10. */
#define FRAG_DEFAULT_ORDERS (1u << 0 | 1u << 3 | 1u << 9 | 1u << 10)

/*
 * Text for the zones matching node (-1: all) and zone (NULL: all), with
 * the allocation verdicts of the orders in the orders bitmask; prev, when
 * given, marks what changed since and shows the deltas.
 */
void frag_text(const struct ctx *c, FILE *f, const struct frag_data *cur,
	       const struct frag_data *prev, int node, const char *zone,
	       unsigned int orders);

/*
 * Defines fn(info, node, name): the zone of info (a parse.h *_info, with
 * nzones and zones) on node called name, or NULL. frag draws a zone of
 * fraginfo beside the same zone of watermarks, compaction and the last
 * frame, each of them found so.
 */
#define DEFINE_ZONE_FIND(fn, info_type, zone_type)			\
static const zone_type *fn(const info_type *info, int node,		\
			   const char *name)				\
{									\
	size_t i;							\
									\
	for (i = 0; info && i < info->nzones; i++)			\
		if (info->zones[i].node == node &&			\
		    !strcmp(info->zones[i].name, name))			\
			return &info->zones[i];				\
	return NULL;							\
}

/* frag_alloc.c: what the watermarks and compaction files say. */

/* The zone's watermarks, verdict lines and compaction state. */
void alloc_zone_text(const struct ctx *c, FILE *f, const struct frag_data *d,
		     int node, const char *name, unsigned int orders);
/* The node's proactive-compaction line. */
void alloc_node_text(const struct ctx *c, FILE *f, const struct frag_data *d,
		     int node);
/* The compaction counters (with deltas to prev), or why there are none. */
void alloc_global_text(const struct ctx *c, FILE *f,
		       const struct frag_data *cur,
		       const struct frag_data *prev);
struct json;
void alloc_zone_json(struct json *j, const struct frag_data *d, int node,
		     const char *name);
void alloc_global_json(struct json *j, const struct frag_data *d);

#endif /* MMLENS_RENDER_H */
