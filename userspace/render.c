// SPDX-License-Identifier: GPL-2.0
/*
 * render.c - units, tables, bars and map cells. Pure functions of their
 * arguments (the golden tests in golden/ pin what they draw).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

char *fmt_bytes(char *out, size_t size, uint64_t bytes)
{
	static const char units[] = "KMGTPE";
	uint64_t unit = 1024;
	double x;
	int u = 0;

	if (bytes < 1024) {
		snprintf(out, size, bytes ? "%lluB" : "0",
			 (unsigned long long)bytes);
		return out;
	}
	while (u < 5 && bytes / unit >= 1024) {
		unit *= 1024;
		u++;
	}
	x = (double)bytes / (double)unit;
	if (bytes % unit == 0)
		snprintf(out, size, "%.0f%c", x, units[u]);
	else if (x < 9.95)
		snprintf(out, size, "%.1f%c", x, units[u]);
	else if (x < 1023.5 || u == 5)
		snprintf(out, size, "%.0f%c", x, units[u]);
	else
		snprintf(out, size, "1.0%c", units[u + 1]);
	return out;
}

char *fmt_pages(char *out, size_t size, uint64_t pages)
{
	if (pages > UINT64_MAX / PAGE_BYTES)
		pages = UINT64_MAX / PAGE_BYTES;
	return fmt_bytes(out, size, pages * PAGE_BYTES);
}

char *fmt_milli(char *out, size_t size, int64_t milli)
{
	uint64_t a = milli < 0 ? -(uint64_t)milli : (uint64_t)milli;

	snprintf(out, size, "%s%llu.%03llu", milli < 0 ? "-" : "",
		 (unsigned long long)(a / 1000),
		 (unsigned long long)(a % 1000));
	return out;
}

size_t display_width(const char *s)
{
	size_t w = 0;

	while (*s) {
		if (*s == '\033') {
			/* CSI: ESC [ params final-byte */
			s++;
			if (*s == '[')
				s++;
			while (*s && !(*s >= '@' && *s <= '~'))
				s++;
			if (*s)
				s++;
			continue;
		}
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
		s++;
	}
	return w;
}

const char *sgr(const struct ctx *c, enum color k)
{
	static const char *const codes[] = {
		[C_RESET] = "\033[0m", [C_BOLD] = "\033[1m",
		[C_DIM] = "\033[2m", [C_RED] = "\033[31m",
		[C_GREEN] = "\033[32m", [C_YELLOW] = "\033[33m",
		[C_BLUE] = "\033[34m", [C_MAGENTA] = "\033[35m",
		[C_CYAN] = "\033[36m", [C_REV] = "\033[7m",
	};

	return c && c->color ? codes[k] : "";
}

void table_init(struct table *t, int ncols, const char *const *head,
		const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = head;
	t->align = align;
}

int table_add(struct table *t, ...)
{
	va_list ap;
	char **cells;
	unsigned char *rule;
	size_t ncap;
	int i, err = 0;

	if (t->nrows == t->cap) {
		ncap = t->cap ? t->cap * 2 : 32;
		cells = realloc(t->cells, ncap * t->ncols * sizeof(*cells));
		if (!cells)
			return -1;
		t->cells = cells;
		rule = realloc(t->rule, ncap);
		if (!rule)
			return -1;
		t->rule = rule;
		t->cap = ncap;
	}
	va_start(ap, t);
	for (i = 0; i < t->ncols; i++) {
		const char *s = va_arg(ap, const char *);
		char *d = strdup(s ? s : "");

		if (!d)
			err = -1;
		t->cells[t->nrows * t->ncols + i] = d;
	}
	va_end(ap);
	t->rule[t->nrows] = (unsigned char)t->pending_rule;
	t->pending_rule = 0;
	t->nrows++;
	return err;
}

void table_rule(struct table *t)
{
	t->pending_rule = 1;
}

static void cell(FILE *f, const char *s, size_t width, char align, int last)
{
	size_t w = display_width(s), pad = width > w ? width - w : 0;

	if (align == 'r')
		fprintf(f, "%*s", (int)pad, "");
	fputs(s, f);
	if (align != 'r' && !last)
		fprintf(f, "%*s", (int)pad, "");
}

/* The last column with text in row r (-1: the header), so that no line
 * ends in padding.
 */
static int last_col(const struct table *t, long r)
{
	int k;

	for (k = t->ncols - 1; k > 0; k--) {
		const char *s = r < 0 ? t->head[k] :
				t->cells[(size_t)r * t->ncols + k];

		if (s && *s)
			break;
	}
	return k;
}

static void row(const struct table *t, FILE *f, const size_t *w, long r)
{
	int k, last = last_col(t, r);

	for (k = 0; k <= last; k++) {
		const char *s = r < 0 ? t->head[k] :
				t->cells[(size_t)r * t->ncols + k];

		if (k)
			fputs("  ", f);
		cell(f, s ? s : "", w[k], t->align[k], k == last);
	}
}

void table_print(const struct table *t, FILE *f, const struct ctx *c)
{
	size_t *w = calloc(t->ncols, sizeof(*w)), r, total = 0, i;
	int k;

	if (!w)
		return;
	for (k = 0; k < t->ncols; k++) {
		w[k] = display_width(t->head[k]);
		for (r = 0; r < t->nrows; r++) {
			const char *s = t->cells[r * t->ncols + k];
			size_t d = s ? display_width(s) : 0;

			if (d > w[k])
				w[k] = d;
		}
		total += w[k] + (k ? 2 : 0);
	}
	fputs(sgr(c, C_BOLD), f);
	row(t, f, w, -1);
	fprintf(f, "%s\n", sgr(c, C_RESET));
	for (r = 0; r < t->nrows; r++) {
		if (t->rule[r]) {
			for (i = 0; i < total && i < 200; i++)
				fputs(c && c->ascii ? "-" : "\u2500", f);
			fputc('\n', f);
		}
		row(t, f, w, (long)r);
		fputc('\n', f);
	}
	free(w);
}

void table_free(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	free(t->rule);
	memset(t, 0, sizeof(*t));
}

char *bar(char *out, size_t size, uint64_t value, uint64_t max, int width,
	  int ascii)
{
	/* U+2588 full block, then U+2589..U+258F: 7/8 .. 1/8 */
	static const char *const part[8] = {
		"", "\u258f", "\u258e", "\u258d", "\u258c", "\u258b",
		"\u258a", "\u2589",
	};
	uint64_t eighths;
	size_t n = 0, i;
	const char *full = ascii ? "#" : "\u2588";

	out[0] = '\0';
	if (!max || !value || width <= 0 || size < 8)
		return out;
	if (value > max)
		value = max;
	eighths = (uint64_t)((unsigned __int128)value * (uint64_t)width * 8 /
			     max);
	if (ascii)
		eighths = eighths / 8 * 8;
	if (!eighths)
		eighths = ascii ? 8 : 1;
	for (i = 0; i < eighths / 8 && n + 4 < size; i++)
		n += (size_t)snprintf(out + n, size - n, "%s", full);
	if (eighths % 8 && n + 4 < size)
		snprintf(out + n, size - n, "%s", part[eighths % 8]);
	return out;
}

void map_cell_add(struct map_cell *m, const struct pt_run *r, uint64_t len)
{
	if (!strcmp(r->kind, "present")) {
		m->present += len;
		if (r->level <= MMLENS_PMD)
			m->huge += len;
	} else if (!strcmp(r->kind, "swap")) {
		m->swap += len;
	}
}

static uint64_t cell_start(uint64_t start, uint64_t len, int i, int n)
{
	return start + (uint64_t)((unsigned __int128)len * (unsigned)i /
				  (unsigned)n);
}

void map_cells(uint64_t start, uint64_t end, const struct pt_run *runs,
	       size_t nruns, struct map_cell *cells, int ncells)
{
	uint64_t len = end - start, x, y, cs, ce, ov, lo, hi, mid;
	size_t k;
	int i, i0, i1;

	memset(cells, 0, sizeof(*cells) * (size_t)ncells);
	if (end <= start || ncells <= 0)
		return;
	for (i = 0; i < ncells; i++)
		cells[i].bytes = cell_start(start, len, i + 1, ncells) -
				 cell_start(start, len, i, ncells);
	/* first run ending after start */
	lo = 0;
	hi = nruns;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (runs[mid].end <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (k = lo; k < nruns && runs[k].start < end; k++) {
		const struct pt_run *r = &runs[k];

		x = r->start > start ? r->start : start;
		y = r->end < end ? r->end : end;
		if (x >= y)
			continue;
		i0 = (int)((unsigned __int128)(x - start) * (unsigned)ncells /
			   len);
		i1 = (int)((unsigned __int128)(y - 1 - start) *
			   (unsigned)ncells / len);
		for (i = i0; i <= i1 && i < ncells; i++) {
			cs = cell_start(start, len, i, ncells);
			ce = cell_start(start, len, i + 1, ncells);
			if (y <= cs || x >= ce)
				continue;
			ov = (y < ce ? y : ce) - (x > cs ? x : cs);
			map_cell_add(&cells[i], r, ov);
		}
	}
}

void map_glyph(const struct ctx *c, const struct map_cell *m, char *out,
	       size_t size)
{
	static const char *const uni[] = {
		"\u00b7", "\u2591", "\u2592", "\u2593", "\u2588",
	};
	static const char *const asc[] = { ".", ":", "+", "*", "#" };
	const char *g, *col = "";
	int level;

	if (!m->bytes) {
		snprintf(out, size, " ");
		return;
	}
	if (m->swap && m->swap > m->present) {
		g = "S";
		col = sgr(c, C_RED);
	} else if (m->present && m->huge * 2 >= m->present) {
		g = "H";
		col = sgr(c, C_MAGENTA);
	} else {
		if (!m->present)
			level = 0;
		else if (m->present >= m->bytes)
			level = 4;
		else
			level = 1 + (int)((unsigned __int128)m->present * 3 /
					  m->bytes);
		if (level > 4)
			level = 4;
		g = c && c->ascii ? asc[level] : uni[level];
		if (!level)
			col = sgr(c, C_DIM);
	}
	snprintf(out, size, "%s%s%s", col, g, *col ? sgr(c, C_RESET) : "");
}

void map_legend(const struct ctx *c, FILE *f)
{
	int a = c && c->ascii;

	fprintf(f,
		"legend: %s all present  %s >=2/3  %s >=1/3  %s some  %s none"
		"  %sH%s huge pages (THP/hugetlb) dominate"
		"  %sS%s swapped out dominates\n",
		a ? "#" : "\u2588", a ? "*" : "\u2593", a ? "+" : "\u2592",
		a ? ":" : "\u2591", a ? "." : "\u00b7",
		sgr(c, C_MAGENTA), sgr(c, C_RESET), sgr(c, C_RED),
		sgr(c, C_RESET));
}

/*
 * map --numa: one colour per node, cycling; the map has no per-page
 * node (the numa report counts per VMA), so a cell shows the node that
 * holds most of its VMA's pages.
 */
static enum color node_color(int node)
{
	static const enum color cols[] = {
		C_GREEN, C_BLUE, C_YELLOW, C_CYAN, C_MAGENTA, C_RED,
	};

	return cols[(unsigned int)node % (sizeof(cols) / sizeof(cols[0]))];
}

void map_glyph_node(const struct ctx *c, const struct map_cell *m, int node,
		    char *out, size_t size)
{
	char g[2] = { '*', '\0' };

	if (!m->bytes) {
		snprintf(out, size, " ");
		return;
	}
	if (!m->present || node == MAP_NODE_NONE) {
		map_glyph(c, m, out, size);
		return;
	}
	if (node >= 0)
		g[0] = node < 10 ? (char)('0' + node) : '+';
	snprintf(out, size, "%s%s%s", node >= 0 ? sgr(c, node_color(node)) : "",
		 g, node >= 0 ? sgr(c, C_RESET) : "");
}

void map_legend_numa(const struct ctx *c, FILE *f, const int *nodes,
		     size_t n)
{
	size_t i;

	fprintf(f, "legend: present pages drawn as the node holding most of the "
		"VMA's pages (numa report, per VMA):");
	for (i = 0; i < n; i++)
		fprintf(f, "  %s%c%s node %d", sgr(c, node_color(nodes[i])),
			nodes[i] < 10 ? '0' + nodes[i] : '+', sgr(c, C_RESET),
			nodes[i]);
	fprintf(f, "  * no node holds 2/3\n");
}
