// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vmas.c - mmlens vmas PID: a process's VMAs like pmap -x, with what
 * the page tables say about each (present, swap, THP, dirty, runs of
 * contiguous frames, page-table pages) and totals; with --numa, each
 * VMA's memory policy and pages per node from the numa report.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"
#include "runview.h"

#define PMD_PAGES 512ULL
#define PUD_PAGES (512ULL * 512ULL)

static const char vmas_help[] =
	"usage: mmlens vmas PID [--json] [--numa] [--runs]\n"
	"                  [--sort present|swap|thp|runs|dirty|size]\n"
	"\n"
	"The VMAs of process PID from /sys/kernel/debug/mmlens/vmas (root):\n"
	"size, present (resident), swap, THP (PMD/PUD-mapped), dirty, runs of\n"
	"physically contiguous frames, page-table pages, and totals.\n"
	"\n"
	"  --sort KEY   largest first by KEY instead of by address\n"
	"  --numa       add each VMA's memory policy and pages per node\n"
	"               (numa report: counted as /proc/PID/numa_maps counts)\n"
	"  --runs       then each VMA's page-table runs, as mmlens pt shows\n"
	"               them (the pagetable report's runs)\n";

enum sort_key { SORT_ADDR, SORT_PRESENT, SORT_SWAP, SORT_THP, SORT_RUNS,
	SORT_DIRTY, SORT_SIZE };

static uint64_t thp_pages(const struct vma_info *v)
{
	return v->pmd * PMD_PAGES + v->pud * PUD_PAGES;
}

static uint64_t sort_value(const struct vma_info *v, enum sort_key k)
{
	switch (k) {
	case SORT_PRESENT:
		return v->present;
	case SORT_SWAP:
		return v->swap;
	case SORT_THP:
		return thp_pages(v);
	case SORT_RUNS:
		return v->runs;
	case SORT_DIRTY:
		return v->dirty;
	case SORT_SIZE:
		return v->end - v->start;
	default:
		return 0;
	}
}

static enum sort_key the_key;

static int by_key(const void *a, const void *b)
{
	const struct vma_info *x = a, *y = b;
	uint64_t vx = sort_value(x, the_key), vy = sort_value(y, the_key);

	if (vx != vy)
		return vx < vy ? 1 : -1;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* "0:143 1:2" (pages per node), "-" when none, "?" when not listed. */
static void node_pages(const struct numa_vma *n, char *out, size_t size)
{
	size_t i, len = 0;

	snprintf(out, size, "%s", n ? "-" : "?");
	for (i = 0; n && i < n->nnodes && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, "%s%d:%llu",
					i ? " " : "", n->nodes[i].node,
					(unsigned long long)n->nodes[i].pages);
}

static void totals(const struct vma_list *vl, struct vma_info *t)
{
	size_t i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < vl->n; i++) {
		const struct vma_info *v = &vl->v[i];

		t->end += v->end - v->start;	/* size, in bytes */
		t->present += v->present;
		t->swap += v->swap;
		t->pmd += v->pmd;
		t->pud += v->pud;
		t->dirty += v->dirty;
		t->young += v->young;
		t->runs += v->runs;
		t->ptables += v->ptables;
	}
}

static void vmas_text(const struct ctx *c, int pid,
		      const struct vma_list *vl, const struct numa_list *nl)
{
	static const char *const head[] = {
		"Address", "Size", "Present", "Swap", "THP", "Dirty", "Runs",
		"PT", "Mode", "Mapping",
	};
	static const char *const numa_head[] = {
		"Address", "Size", "Present", "Swap", "THP", "Dirty", "Runs",
		"PT", "Mode", "Policy", "Pages per node", "Mapping",
	};
	char a[24], s[5][24], r[24], pt[24], np[256];
	struct vma_info t;
	struct table tb;
	size_t i;

	printf("%spid %d: %zu VMAs%s\n", sgr(c, C_BOLD), pid, vl->n,
	       sgr(c, C_RESET));
	if (nl)
		table_init(&tb, 12, numa_head, "lrrrrrrrllll");
	else
		table_init(&tb, 10, head, "lrrrrrrrll");
	for (i = 0; i < vl->n; i++) {
		const struct vma_info *v = &vl->v[i];

		snprintf(a, sizeof(a), "%012llx", (unsigned long long)v->start);
		fmt_bytes(s[0], sizeof(s[0]), v->end - v->start);
		fmt_pages(s[1], sizeof(s[1]), v->present);
		fmt_pages(s[2], sizeof(s[2]), v->swap);
		fmt_pages(s[3], sizeof(s[3]), thp_pages(v));
		fmt_pages(s[4], sizeof(s[4]), v->dirty);
		snprintf(r, sizeof(r), "%llu", (unsigned long long)v->runs);
		fmt_pages(pt, sizeof(pt), v->ptables);
		if (nl) {
			const struct numa_vma *n = numa_find(nl, v->start);

			node_pages(n, np, sizeof(np));
			table_add(&tb, a, s[0], s[1], s[2], s[3], s[4], r, pt,
				  v->perms, n ? n->policy : "?", np,
				  v->name[0] ? v->name : "[anon]");
			continue;
		}
		table_add(&tb, a, s[0], s[1], s[2], s[3], s[4], r, pt,
			  v->perms, v->name[0] ? v->name : "[anon]");
	}
	totals(vl, &t);
	fmt_bytes(s[0], sizeof(s[0]), t.end);
	fmt_pages(s[1], sizeof(s[1]), t.present);
	fmt_pages(s[2], sizeof(s[2]), t.swap);
	fmt_pages(s[3], sizeof(s[3]), thp_pages(&t));
	fmt_pages(s[4], sizeof(s[4]), t.dirty);
	snprintf(r, sizeof(r), "%llu", (unsigned long long)t.runs);
	fmt_pages(pt, sizeof(pt), t.ptables);
	table_rule(&tb);
	if (nl)
		table_add(&tb, "total", s[0], s[1], s[2], s[3], s[4], r, pt,
			  "", "", "", "");
	else
		table_add(&tb, "total", s[0], s[1], s[2], s[3], s[4], r, pt,
			  "", "");
	table_print(&tb, stdout, c);
	table_free(&tb);
	printf("Present, Swap, THP, Dirty and PT (page-table pages) in bytes; "
	       "Runs: physically contiguous runs of frames\n");
	if (nl)
		printf("Pages per node: node:pages as numa_maps counts them "
		       "(4 KiB pages; huge pages in hugetlb VMAs; the zero page "
		       "not counted); ? not in the numa report\n");
}

/* --runs: each VMA's page-table runs, in the order of the table above. */
static void vmas_runs_text(const struct ctx *c, const struct vma_list *vl,
			   const struct pt_report *pt)
{
	struct table t;
	size_t i, n;

	for (i = 0; i < vl->n; i++) {
		const struct vma_info *v = &vl->v[i];

		n = runs_table(&t, pt, v->start, v->end, NULL);
		printf("\n%s%012llx-%012llx %s %s%s: %zu page-table run%s\n",
		       sgr(c, C_BOLD), (unsigned long long)v->start,
		       (unsigned long long)v->end, v->perms,
		       v->name[0] ? v->name : "[anon]", sgr(c, C_RESET), n,
		       n == 1 ? "" : "s");
		if (n)
			table_print(&t, stdout, c);
		table_free(&t);
	}
	printf("\n%s\n", runs_flags_legend);
}

/* "policy" and "nodes" of a VMA (--numa): null when not in the report. */
static void numa_json(struct json *j, const struct numa_vma *n)
{
	size_t i;

	if (!n) {
		json_null(j, "policy");
		json_null(j, "nodes");
		return;
	}
	json_str(j, "policy", n->policy);
	json_arr(j, "nodes", 1);
	for (i = 0; i < n->nnodes; i++) {
		json_obj(j, NULL, 1);
		json_i64(j, "node", n->nodes[i].node);
		json_u64(j, "pages", n->nodes[i].pages);
		json_end_obj(j);
	}
	json_end_arr(j);
}

static void counts_json(struct json *j, const struct vma_info *v)
{
	json_u64(j, "present", v->present);
	json_u64(j, "swap", v->swap);
	json_u64(j, "pmd", v->pmd);
	json_u64(j, "pud", v->pud);
	json_u64(j, "dirty", v->dirty);
	json_u64(j, "young", v->young);
	json_u64(j, "runs", v->runs);
	json_u64(j, "ptables", v->ptables);
}

static void vmas_json(const struct ctx *c, int pid,
		      const struct vma_list *vl, const struct numa_list *nl,
		      const struct pt_report *pt)
{
	struct vma_info t;
	struct json j;
	size_t i, k;

	json_init(&j, stdout);
	json_begin_doc(&j, "vmas", c->module_version);
	json_i64(&j, "pid", pid);
	json_arr(&j, "vmas", 0);
	for (i = 0; i < vl->n; i++) {
		const struct vma_info *v = &vl->v[i];

		/* with runs, a run a line below the VMA's fields */
		json_obj(&j, NULL, !pt);
		json_hex(&j, "start", v->start);
		json_hex(&j, "end", v->end);
		json_str(&j, "perms", v->perms);
		json_hex(&j, "pgoff", v->pgoff);
		json_u64(&j, "size", v->end - v->start);
		counts_json(&j, v);
		if (nl)
			numa_json(&j, numa_find(nl, v->start));
		json_str(&j, "name", v->name);
		/* "runs" above is the count of frame-contiguous runs */
		if (pt) {
			json_arr(&j, "pt_runs", 0);
			for (k = runs_first(pt, v->start);
			     k < pt->n && pt->r[k].start < v->end; k++)
				run_json(&j, &pt->r[k]);
			json_end_arr(&j);
		}
		json_end_obj(&j);
	}
	json_end_arr(&j);
	totals(vl, &t);
	json_obj(&j, "totals", 1);
	json_u64(&j, "vmas", vl->n);
	json_u64(&j, "size", t.end);
	counts_json(&j, &t);
	json_end_obj(&j);
	json_end_doc(&j);
}

/* What vmas's options ask for. */
struct vmas_args {
	enum sort_key key;	/* --sort */
	int numa;		/* --numa */
	int runs;		/* --runs */
};

static int vmas_opt(void *args, int opt, const char *arg)
{
	static const char *const keys[] = {
		[SORT_ADDR] = "addr", [SORT_PRESENT] = "present",
		[SORT_SWAP] = "swap", [SORT_THP] = "thp", [SORT_RUNS] = "runs",
		[SORT_DIRTY] = "dirty", [SORT_SIZE] = "size",
	};
	struct vmas_args *a = args;
	size_t k;

	switch (opt) {
	case 's':
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
			if (!strcmp(arg, keys[k]))
				break;
		if (k == sizeof(keys) / sizeof(keys[0]))
			return fail(EXIT_USAGE,
				    "present, swap, thp, runs, dirty, size or addr",
				    "unknown sort key '%s'", arg);
		a->key = (enum sort_key)k;
		return 0;
	case 'n':
		a->numa = 1;
		return 0;
	case 'R':
		a->runs = 1;
		return 0;
	}
	return -1;
}

static const struct option vmas_opts[] = {
	{ "sort", required_argument, NULL, 's' },
	{ "numa", no_argument, NULL, 'n' },
	{ "runs", no_argument, NULL, 'R' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command vmas_command = {
	"vmas", vmas_help, vmas_opts, vmas_opt,
};

int cmd_vmas(struct ctx *c, int argc, char **argv)
{
	struct vmas_args a = { .key = SORT_ADDR };
	struct numa_list nl = { 0 };
	struct pt_report pt = { 0 };
	struct vma_list vl;
	int pid, rc;

	rc = command_args(c, &vmas_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = pid_operand("vmas", argc, argv, &pid);
	if (!rc)
		rc = module_check(c);
	if (!rc)
		rc = load_vmas(c, pid, &vl);
	if (rc)
		return rc;
	rc = a.numa ? load_numa(c, pid, &nl) : 0;
	/* two reads, not one snapshot: a run is listed under the VMA it is in */
	if (!rc && a.runs)
		rc = load_pagetable(c, pid, &pt);
	if (rc) {
		numa_list_free(&nl);
		vma_list_free(&vl);
		return rc;
	}
	if (a.key != SORT_ADDR) {
		the_key = a.key;
		qsort(vl.v, vl.n, sizeof(*vl.v), by_key);
	}
	if (c->json) {
		vmas_json(c, pid, &vl, a.numa ? &nl : NULL, a.runs ? &pt : NULL);
	} else {
		vmas_text(c, pid, &vl, a.numa ? &nl : NULL);
		if (a.runs)
			vmas_runs_text(c, &vl, &pt);
	}
	pt_report_free(&pt);
	numa_list_free(&nl);
	vma_list_free(&vl);
	return EXIT_OK;
}
