// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - the walker's reports of one process, loaded for the
 * subcommands that show them (vmas, pt, map): read through source.c,
 * parsed by parse.c; a report that does not parse is a module this tool
 * was not built with, reported as such.
 */
#include "mmlens.h"
#include "parse.h"

/*
 * After the parser of report @name ran on @b (@bad: what it returned):
 * frees @b; 0, or the parse error @pe reported and its exit code.
 */
static int parsed(const char *name, struct buf *b, int bad,
		  const struct parse_err *pe)
{
	buf_free(b);
	if (!bad)
		return 0;
	return fail(EXIT_NOMODULE,
		    "load the mmlens.ko built from the same tree as this tool",
		    "%s/%s line %u: %s", DEBUG_DIR, name, pe->line, pe->msg);
}

int load_vmas(struct ctx *c, int pid, struct vma_list *vl)
{
	struct parse_err pe;
	struct buf b;
	int rc = read_pid_file(c, "vmas", pid, NULL, &b), bad;

	if (rc)
		return rc;
	bad = parse_vmas(b.data, b.len, vl, &pe);
	if (bad)
		vma_list_free(vl);
	return parsed("vmas", &b, bad, &pe);
}

int load_numa(struct ctx *c, int pid, struct numa_list *nl)
{
	struct parse_err pe;
	struct buf b;
	int rc = read_pid_file(c, "numa", pid, NULL, &b), bad;

	if (rc)
		return rc;
	bad = parse_numa(b.data, b.len, nl, &pe);
	if (bad)
		numa_list_free(nl);
	return parsed("numa", &b, bad, &pe);
}

int load_pagetable(struct ctx *c, int pid, struct pt_report *pt)
{
	struct parse_err pe;
	struct buf b;
	int rc = read_pid_file(c, "pagetable", pid, NULL, &b), bad;

	if (rc)
		return rc;
	bad = parse_pagetable(b.data, b.len, pt, &pe);
	if (bad)
		pt_report_free(pt);
	return parsed("pagetable", &b, bad, &pe);
}

/*
 * The numa line of the VMA starting at @start (the module lists them in
 * address order); NULL when the two reads saw different VMAs.
 */
const struct numa_vma *numa_find(const struct numa_list *nl, uint64_t start)
{
	size_t lo = 0, hi = nl ? nl->n : 0, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (nl->v[mid].start == start)
			return &nl->v[mid];
		if (nl->v[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
