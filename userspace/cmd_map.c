// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_map.c - mmlens map PID: the address space on one screen. One row per
 * VMA; each cell is an equal slice of it, shaded by how much of the slice
 * is present, marked H where huge pages dominate and S where swap does.
 * The VMAs come from vmas, the shading from the pagetable runs; with
 * --numa, present cells show the node holding most of the VMA's pages
 * (numa report).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "mmlens.h"
#include "parse.h"
#include "render.h"

#define MAP_MIN_CELLS 8
#define MAP_NAME_COLS 24

static const char map_help[] =
	"usage: mmlens map PID [--width N] [--numa]\n"
	"\n"
	"A picture of the address space of process PID (root): one row per VMA,\n"
	"its cells equal slices of it, shaded by the share that is present;\n"
	"H where huge pages (THP, hugetlb) dominate, S where swap does.\n"
	"\n"
	"  --width N   line width (default: the terminal's, or 80)\n"
	"  --numa      draw present cells as the node (0-9, + past 9; coloured\n"
	"              on a terminal) holding most of the VMA's pages, * when\n"
	"              none holds 2/3 (numa report: per VMA, not per page)\n";

static int by_start(const void *a, const void *b)
{
	const struct pt_run *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/*
 * The node holding at least 2/3 of the VMA's counted pages,
 * MAP_NODE_MIXED when none does, MAP_NODE_NONE without pages (or without
 * a numa line).
 */
static int main_node(const struct numa_vma *n)
{
	uint64_t total = 0, best = 0;
	int node = MAP_NODE_NONE;
	size_t i;

	for (i = 0; n && i < n->nnodes; i++) {
		total += n->nodes[i].pages;
		if (n->nodes[i].pages > best) {
			best = n->nodes[i].pages;
			node = n->nodes[i].node;
		}
	}
	if (!total)
		return MAP_NODE_NONE;
	return best * 3 >= total * 2 ? node : MAP_NODE_MIXED;
}

/* The nodes the numa report names, in increasing order (the legend). */
static size_t report_nodes(const struct numa_list *nl, int *nodes,
			   size_t max)
{
	size_t n = 0, i, k, m;

	for (i = 0; i < nl->n; i++)
		for (k = 0; k < nl->v[i].nnodes; k++) {
			int node = nl->v[i].nodes[k].node;

			for (m = 0; m < n && nodes[m] < node; m++)
				;
			if ((m < n && nodes[m] == node) || n == max)
				continue;
			memmove(nodes + m + 1, nodes + m,
				(n - m) * sizeof(*nodes));
			nodes[m] = node;
			n++;
		}
	return n;
}

static void map_text(const struct ctx *c, int pid, int width,
		     const struct vma_list *vl, const struct pt_report *pt,
		     const struct numa_list *numa)
{
	int legend_nodes[64];
	int ncells = width - 12 - 1 - 6 - 3 - MAP_NAME_COLS, i;
	struct map_cell total = { 0 }, *cells;
	uint64_t mapped = 0;
	char sz[24], g[32], p[24], s[24], h[24];
	size_t k;

	if (ncells < MAP_MIN_CELLS)
		ncells = MAP_MIN_CELLS;
	cells = calloc((size_t)ncells, sizeof(*cells));
	if (!cells)
		return;
	for (k = 0; k < pt->n; k++)
		map_cell_add(&total, &pt->r[k], pt->r[k].end - pt->r[k].start);
	for (k = 0; k < vl->n; k++)
		mapped += vl->v[k].end - vl->v[k].start;
	fmt_bytes(sz, sizeof(sz), mapped);
	fmt_bytes(p, sizeof(p), total.present);
	fmt_bytes(s, sizeof(s), total.swap);
	fmt_bytes(h, sizeof(h), total.huge);
	printf("%spid %d", sgr(c, C_BOLD), pid);
	if (pt->comm[0])
		printf(" (%s)", pt->comm);
	printf(": %zu VMAs, %s mapped, %s present, %s in huge pages, %s swapped%s\n",
	       vl->n, sz, p, h, s, sgr(c, C_RESET));
	for (k = 0; k < vl->n; k++) {
		const struct vma_info *v = &vl->v[k];
		const char *name = v->name[0] ? v->name : "[anon]";
		size_t nl = strlen(name);

		int node = numa ? main_node(numa_find(numa, v->start)) : 0;

		map_cells(v->start, v->end, pt->r, pt->n, cells, ncells);
		fmt_bytes(sz, sizeof(sz), v->end - v->start);
		printf("%012llx %6s %s", (unsigned long long)v->start, sz,
		       c->ascii ? "|" : "\u2502");
		for (i = 0; i < ncells; i++) {
			if (numa)
				map_glyph_node(c, &cells[i], node, g,
					       sizeof(g));
			else
				map_glyph(c, &cells[i], g, sizeof(g));
			fputs(g, stdout);
		}
		/* the end of a long path says more than its start */
		if (nl > MAP_NAME_COLS - 1)
			printf("%s ...%s\n", c->ascii ? "|" : "\u2502",
			       name + nl - (MAP_NAME_COLS - 5));
		else
			printf("%s %s\n", c->ascii ? "|" : "\u2502", name);
	}
	map_legend(c, stdout);
	if (numa)
		map_legend_numa(c, stdout, legend_nodes,
				report_nodes(numa, legend_nodes, 64));
	free(cells);
}

/* What map's options ask for. */
struct map_args {
	int width;		/* --width; 0: the terminal's */
	int numa;		/* --numa */
};

static int map_opt(void *args, int opt, const char *arg)
{
	struct map_args *a = args;

	switch (opt) {
	case 'w':
		if (parse_int(arg, 40, 1000, &a->width))
			return fail(EXIT_USAGE, NULL,
				    "--width wants 40 .. 1000");
		return 0;
	case 'n':
		a->numa = 1;
		return 0;
	}
	return -1;
}

static const struct option map_opts[] = {
	{ "width", required_argument, NULL, 'w' },
	{ "numa", no_argument, NULL, 'n' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command map_command = {
	"map", map_help, map_opts, map_opt,
};

int cmd_map(struct ctx *c, int argc, char **argv)
{
	struct map_args a = { 0 };
	struct numa_list nl = { 0 };
	struct vma_list vl;
	struct pt_report pt;
	int pid, rc;

	rc = command_args(c, &map_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = pid_operand("map", argc, argv, &pid);
	if (rc)
		return rc;
	if (c->json)
		return fail(EXIT_USAGE,
			    "mmlens vmas --json and mmlens pt --json give the data",
			    "map is a picture; it has no JSON form");
	rc = module_check(c);
	if (!rc)
		rc = load_vmas(c, pid, &vl);
	if (rc)
		return rc;
	rc = load_pagetable(c, pid, &pt);
	if (!rc && a.numa) {
		rc = load_numa(c, pid, &nl);
		if (rc)
			pt_report_free(&pt);
	}
	if (rc) {
		vma_list_free(&vl);
		return rc;
	}
	qsort(pt.r, pt.n, sizeof(*pt.r), by_start);
	map_text(c, pid, a.width ? a.width : c->columns, &vl, &pt,
		 a.numa ? &nl : NULL);
	numa_list_free(&nl);
	pt_report_free(&pt);
	vma_list_free(&vl);
	return EXIT_OK;
}
