// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - the module's files as the subcommands read them: read through
 * source.c (whose messages say why a file cannot be read), parsed by
 * parse.c. A file that does not parse is a module this tool was not
 * built with, and every subcommand reports it so, from here. The live
 * pagetable report comes as binary records where the module has them
 * (ptruns.c), else as text.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>

#include "mmlens.h"
#include "parse.h"
#include "ptruns.h"

enum mfile {
	MF_FRAGINFO, MF_WATERMARKS, MF_COMPACTION, MF_PAGEBLOCKS, MF_VBUF,
	MF_VMAS, MF_NUMA, MF_PAGETABLE, MF_VTOP,
};

/*
 * path: what messages name; report: the per-process report's name for
 * read_pid_file() (it picks /proc/mmlens or debugfs), NULL for a file
 * read as it is.
 */
static const struct {
	const char *path, *report;
} mfiles[] = {
	[MF_FRAGINFO] = { PROC_DIR "/fraginfo", NULL },
	[MF_WATERMARKS] = { PROC_DIR "/watermarks", NULL },
	[MF_COMPACTION] = { PROC_DIR "/compaction", NULL },
	[MF_PAGEBLOCKS] = { PROC_DIR "/pageblocks", NULL },
	[MF_VBUF] = { DEBUG_DIR "/vbuf", NULL },
	[MF_VMAS] = { DEBUG_DIR "/vmas", "vmas" },
	[MF_NUMA] = { DEBUG_DIR "/numa", "numa" },
	[MF_PAGETABLE] = { DEBUG_DIR "/pagetable", "pagetable" },
	[MF_VTOP] = { DEBUG_DIR "/vtop", "vtop" },
};

static int parse_mfile(enum mfile f, const struct buf *b, void *out,
		       struct parse_err *pe)
{
	switch (f) {
	case MF_FRAGINFO:
		return parse_fraginfo(b->data, b->len, out, pe);
	case MF_WATERMARKS:
		return parse_watermarks(b->data, b->len, out, pe);
	case MF_COMPACTION:
		return parse_compaction(b->data, b->len, out, pe);
	case MF_PAGEBLOCKS:
		return parse_pageblocks(b->data, b->len, out, pe);
	case MF_VBUF:
		return parse_vbuf_stats(b->data, b->len, out, pe);
	case MF_VMAS:
		return parse_vmas(b->data, b->len, out, pe);
	case MF_NUMA:
		return parse_numa(b->data, b->len, out, pe);
	case MF_PAGETABLE:
		return parse_pagetable(b->data, b->len, out, pe);
	default:
		return parse_vtop(b->data, b->len, out, pe);
	}
}

/* A parser fills its output also when it fails (parse.h): freed. */
static void free_mfile(enum mfile f, void *out)
{
	switch (f) {
	case MF_FRAGINFO:
		frag_info_free(out);
		break;
	case MF_WATERMARKS:
		wmark_info_free(out);
		break;
	case MF_COMPACTION:
		compact_info_free(out);
		break;
	case MF_PAGEBLOCKS:
		pb_info_free(out);
		break;
	case MF_VMAS:
		vma_list_free(out);
		break;
	case MF_NUMA:
		numa_list_free(out);
		break;
	case MF_PAGETABLE:
		pt_report_free(out);
		break;
	default:
		break;		/* vbuf and vtop: nothing on the heap */
	}
}

int bad_module_file(const char *path, const struct parse_err *pe)
{
	return fail(EXIT_NOMODULE,
		    "load the mmlens.ko built from the same tree as this tool",
		    "%s line %u: %s", path, pe->line, pe->msg);
}

/* @b, read from @f, parsed into @out and freed: 0 or an exit code. */
static int parse_read(enum mfile f, struct buf *b, void *out)
{
	struct parse_err pe;
	int bad = parse_mfile(f, b, out, &pe);

	buf_free(b);
	if (!bad)
		return 0;
	free_mfile(f, out);
	return bad_module_file(mfiles[f].path, &pe);
}

/* @f (of process @pid, with @extra, for a report) into @out. */
static int load_mfile(struct ctx *c, enum mfile f, int pid,
		      const char *extra, void *out)
{
	struct buf b;
	int rc;

	if (mfiles[f].report)
		rc = read_pid_file(c, mfiles[f].report, pid, extra, &b);
	else
		rc = read_module_file(c, mfiles[f].path, &b);
	return rc ? rc : parse_read(f, &b, out);
}

/*
 * watermarks and compaction came with issue 13: a module (or snapshot)
 * without them still gives the rest. *have says whether it was there.
 */
static int load_optional(struct ctx *c, enum mfile f, void *out, int *have)
{
	struct buf b;
	int rc;

	*have = 0;
	rc = read_module_file_opt(c, mfiles[f].path, &b);
	if (rc)
		return rc < 0 ? 0 : rc;
	rc = parse_read(f, &b, out);
	*have = !rc;
	return rc;
}

int load_fraginfo(struct ctx *c, struct frag_info *fi)
{
	return load_mfile(c, MF_FRAGINFO, 0, NULL, fi);
}

int load_watermarks(struct ctx *c, struct wmark_info *wi, int *have)
{
	return load_optional(c, MF_WATERMARKS, wi, have);
}

int load_compaction(struct ctx *c, struct compact_info *ci, int *have)
{
	return load_optional(c, MF_COMPACTION, ci, have);
}

int load_pageblocks(struct ctx *c, struct pb_info *pi)
{
	return load_mfile(c, MF_PAGEBLOCKS, 0, NULL, pi);
}

int load_vbuf_stats(struct ctx *c, struct vbuf_stats *vs)
{
	return load_mfile(c, MF_VBUF, 0, NULL, vs);
}

int load_vmas(struct ctx *c, int pid, struct vma_list *vl)
{
	return load_mfile(c, MF_VMAS, pid, NULL, vl);
}

int load_numa(struct ctx *c, int pid, struct numa_list *nl)
{
	return load_mfile(c, MF_NUMA, pid, NULL, nl);
}

/*
 * The live report on one fd: by MMLENS_PT_RUNS, or, where ptruns.c
 * leaves it to the text (a module without the ioctl, or one that says
 * what only its text names), the text read from 0 on the same fd, so
 * both are of the process the pid was written for.
 */
static int load_pagetable_live(struct ctx *c, int pid, struct pt_report *pt)
{
	char path[PATH_MAX];
	struct buf b;
	int fd, rc;

	rc = open_pid_file(c, mfiles[MF_PAGETABLE].report, pid, NULL, path,
			   sizeof(path), &fd);
	if (rc)
		return rc;
	rc = pt_runs_read(fd, pt);
	if (rc > 0) {
		rc = pid_file_error(pid, rc, "read", path);
	} else if (rc < 0) {
		if (lseek(fd, 0, SEEK_SET) < 0)
			rc = pid_file_error(pid, errno, "lseek", path);
		else
			rc = read_pid_fd(fd, pid, path, &b);
		if (!rc)
			rc = parse_read(MF_PAGETABLE, &b, pt);
	}
	close(fd);
	return rc;
}

/*
 * Snapshots are text; MMLENS_NO_IOCTL (set, not empty) asks for the text
 * also live, so the VM tests can hold the two paths to each other.
 */
int load_pagetable(struct ctx *c, int pid, struct pt_report *pt)
{
	const char *no_ioctl = getenv("MMLENS_NO_IOCTL");

	if (*c->root || (no_ioctl && *no_ioctl))
		return load_mfile(c, MF_PAGETABLE, pid, NULL, pt);
	return load_pagetable_live(c, pid, pt);
}

int load_vtop(struct ctx *c, int pid, const char *addr,
	      struct vtop_report *vt)
{
	return load_mfile(c, MF_VTOP, pid, addr, vt);
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
