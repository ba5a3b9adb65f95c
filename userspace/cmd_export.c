// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_export.c - mmlens export: the module's fragmentation files as
 * Prometheus metrics (text exposition format 0.0.4), on stdout or, with
 * --textfile DIR, in DIR/mmlens.prom for node_exporter's textfile
 * collector. docs/metrics.md lists every metric and where it comes from.
 *
 * Only fraginfo is required. A file the module lacks (an older module) or
 * that this user may not read (pagetypeinfo and pageblocks are 0400) costs
 * its families, a warning and mmlens_source_up{file=...} 0; the rest is
 * exported. Nothing is per process: the series of a host are a fixed set.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mmlens.h"
#include "parse.h"
#include "render.h"
#include "verdict.h"

static const char export_help[] =
	"usage: mmlens export [--textfile DIR] [--skip FILE[,FILE...]]\n"
	"\n"
	"The module's fragmentation files as Prometheus metrics (text format):\n"
	"free blocks per order and per migratetype, pageblocks per migratetype,\n"
	"the extfrag and unusable index, watermarks and the allocation verdict\n"
	"per order, the compaction state and counters (docs/metrics.md).\n"
	"Files the module lacks or this user may not read (pagetypeinfo and\n"
	"pageblocks need root) are left out with a warning and\n"
	"mmlens_source_up{file=...} 0.\n"
	"\n"
	"  --textfile DIR   write DIR/mmlens.prom atomically (a temporary file\n"
	"                   in DIR, fsync, rename) for node_exporter's\n"
	"                   --collector.textfile.directory, instead of stdout\n"
	"  --skip FILES     do not read these files (pagetypeinfo, pageblocks,\n"
	"                   watermarks, compaction; comma-separated): their\n"
	"                   families are left out without a warning and\n"
	"                   mmlens_source_up{file=...} is 0 (mmlens-export.service\n"
	"                   skips pageblocks: it needs CAP_SYS_ADMIN)\n";

enum { SRC_FRAG, SRC_PTI, SRC_PB, SRC_WM, SRC_CI, SRC_N };
static const char *const src_names[SRC_N] = {
	"fraginfo", "pagetypeinfo", "pageblocks", "watermarks", "compaction",
};
static const char *const src_families[SRC_N] = {
	"",
	"mmlens_free_blocks_by_migratetype, mmlens_pagetypeinfo_capped_cells, mmlens_pageblocks",
	"mmlens_pageblocks_free",
	"mmlens_watermark_bytes, mmlens_watermark_boost_bytes, mmlens_managed_bytes, mmlens_watermark_ok, mmlens_allocation_verdict",
	"mmlens_compaction_*, mmlens_compact_*_total",
};

struct export_data {
	int have[SRC_N];
	struct frag_info fi;
	struct pti_info pti;
	struct pb_info pb;
	struct wmark_info wm;
	struct compact_info ci;
};

static void export_free(struct export_data *d)
{
	frag_info_free(&d->fi);
	pti_info_free(&d->pti);
	pb_info_free(&d->pb);
	wmark_info_free(&d->wm);
	compact_info_free(&d->ci);
}

/* ---- the text format ---- */

static void family(FILE *f, const char *name, const char *type,
		   const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

/* NAME{node="N",zone="Z" (no closing brace: more labels may follow) */
static void zone_labels(FILE *f, const char *name, int node,
			const char *zone)
{
	fprintf(f, "%s{node=\"%d\",zone=\"", name, node);
	label_value(f, zone);
	fputc('"', f);
}

/* ---- families, by source file ---- */

enum { FO_NR_FREE, FO_EXTFRAG, FO_UNUSABLE };

/* A per-order field of fraginfo as one gauge family. */
static void order_family(FILE *f, const struct frag_info *fi,
			 const char *name, const char *help, int field)
{
	const struct frag_order *q;
	char m[32];
	size_t i;
	int o;

	family(f, name, "gauge", help);
	for (i = 0; i < fi->nzones; i++)
		for (o = 0; o < fi->zones[i].norders; o++) {
			q = &fi->zones[i].o[o];
			zone_labels(f, name, fi->zones[i].node,
				    fi->zones[i].name);
			if (field == FO_NR_FREE)
				fprintf(f, ",order=\"%d\"} %llu\n", o,
					(unsigned long long)q->nr_free);
			else	/* the indices in thousandths, as printed */
				fprintf(f, ",order=\"%d\"} %s\n", o,
					fmt_milli(m, sizeof(m),
						  field == FO_EXTFRAG ?
						  q->extfrag : q->unusable));
		}
}

static void fraginfo_metrics(FILE *f, const struct frag_info *fi)
{
	struct frag_verdict v;
	size_t i;

	order_family(f, fi, "mmlens_free_blocks",
		     "Free blocks of exactly this order (buddyinfo's column; fraginfo nr_free).",
		     FO_NR_FREE);
	family(f, "mmlens_free_bytes", "gauge",
	       "Memory in the zone's free lists (fraginfo free_pages times 4096).");
	for (i = 0; i < fi->nzones; i++) {
		const struct frag_zone *z = &fi->zones[i];

		zone_labels(f, "mmlens_free_bytes", z->node, z->name);
		fprintf(f, "} %llu\n", (unsigned long long)
			((z->norders ? z->o[0].free_pages : 0) * PAGE_BYTES));
	}
	order_family(f, fi, "mmlens_extfrag_index",
		     "Kernel fragmentation index of an allocation of this order: towards 0 it would fail for lack of memory, towards 1 from fragmentation; -1 when it succeeds now (a free block of this order or larger exists), as the kernel's extfrag_index prints -1.000.",
		     FO_EXTFRAG);
	order_family(f, fi, "mmlens_unusable_index",
		     "Share of free memory (0..1) in blocks smaller than this order, unusable for it (unusable_index).",
		     FO_UNUSABLE);
	family(f, "mmlens_largest_free_order", "gauge",
	       "Largest order with a free block in the zone; -1 when nothing is free.");
	for (i = 0; i < fi->nzones; i++) {
		frag_verdict(&fi->zones[i], &v);
		zone_labels(f, "mmlens_largest_free_order", fi->zones[i].node,
			    fi->zones[i].name);
		fprintf(f, "} %d\n", v.largest);
	}
}

static void pagetypeinfo_metrics(FILE *f, const struct pti_info *pi)
{
	const struct pti_zone *z;
	size_t i;
	int mt, o, n;

	family(f, "mmlens_free_blocks_by_migratetype", "gauge",
	       "Free blocks of exactly this order on the migratetype's free list (pagetypeinfo); the kernel stops counting at 100000 and prints >100000, exported as 100000 (see mmlens_pagetypeinfo_capped_cells).");
	for (i = 0; i < pi->nzones; i++) {
		z = &pi->zones[i];
		for (mt = 0; mt < MT_N; mt++) {
			if (!(z->types & (1u << mt)))
				continue;
			for (o = 0; o < z->norders; o++) {
				zone_labels(f, "mmlens_free_blocks_by_migratetype",
					    z->node, z->name);
				fprintf(f, ",migratetype=\"%s\",order=\"%d\"} %llu\n",
					mt_names[mt], o,
					(unsigned long long)z->free[mt][o]);
			}
		}
	}
	family(f, "mmlens_pagetypeinfo_capped_cells", "gauge",
	       "Cells of the zone's pagetypeinfo free counts printed as >100000: their mmlens_free_blocks_by_migratetype is a lower bound (mmlens_free_blocks has the exact total per order).");
	for (i = 0; i < pi->nzones; i++) {
		z = &pi->zones[i];
		for (n = 0, mt = 0; mt < MT_N; mt++)
			n += __builtin_popcount(z->capped[mt]);
		zone_labels(f, "mmlens_pagetypeinfo_capped_cells", z->node,
			    z->name);
		fprintf(f, "} %d\n", n);
	}
	family(f, "mmlens_pageblocks", "gauge",
	       "Pageblocks (2 MiB on x86-64) of this migratetype in the zone (pagetypeinfo: Number of blocks type).");
	for (i = 0; i < pi->nzones; i++) {
		z = &pi->zones[i];
		for (mt = 0; mt < MT_N; mt++) {
			if (!(z->block_types & (1u << mt)))
				continue;
			zone_labels(f, "mmlens_pageblocks", z->node, z->name);
			fprintf(f, ",migratetype=\"%s\"} %llu\n", mt_names[mt],
				(unsigned long long)z->blocks[mt]);
		}
	}
}

static void pageblocks_metrics(FILE *f, const struct pb_info *pi)
{
	uint64_t n[MT_N];
	unsigned int seen;
	size_t i, r;
	int mt;

	family(f, "mmlens_pageblocks_free", "gauge",
	       "Pageblocks of this migratetype whose pages are all free: a 2 MiB allocation needs no compaction there (pageblocks).");
	for (i = 0; i < pi->nzones; i++) {
		const struct pb_zone *z = &pi->zones[i];

		memset(n, 0, sizeof(n));
		seen = 0;
		for (r = 0; r < z->nruns; r++) {
			seen |= 1u << z->runs[r].type;
			if (pb_run_all_free(&z->runs[r]))
				n[z->runs[r].type] += z->runs[r].blocks;
		}
		/* the types present in the zone, so that a zero is a zero */
		for (mt = 0; mt < MT_N; mt++) {
			if (!(seen & (1u << mt)))
				continue;
			zone_labels(f, "mmlens_pageblocks_free", z->node,
				    z->name);
			fprintf(f, ",migratetype=\"%s\"} %llu\n", mt_names[mt],
				(unsigned long long)n[mt]);
		}
	}
}

static void watermark_metrics(FILE *f, const struct wmark_info *wi)
{
	static const char *const marks[WM_N] = { "min", "low", "high" };
	const struct wmark_zone *z;
	enum alloc_verdict v, k;
	uint64_t val[WM_N];
	size_t i;
	int m, o;

	family(f, "mmlens_watermark_bytes", "gauge",
	       "The zone's watermarks (watermarks min, low, high; boost included, as /proc/zoneinfo), in bytes.");
	for (i = 0; i < wi->nzones; i++) {
		z = &wi->zones[i];
		val[WM_MIN] = z->min;
		val[WM_LOW] = z->low;
		val[WM_HIGH] = z->high;
		for (m = 0; m < WM_N; m++) {
			zone_labels(f, "mmlens_watermark_bytes", z->node,
				    z->name);
			fprintf(f, ",mark=\"%s\"} %llu\n", marks[m],
				(unsigned long long)(val[m] * PAGE_BYTES));
		}
	}
	family(f, "mmlens_watermark_boost_bytes", "gauge",
	       "The zone's watermark boost (watermarks boost), in bytes.");
	for (i = 0; i < wi->nzones; i++) {
		zone_labels(f, "mmlens_watermark_boost_bytes",
			    wi->zones[i].node, wi->zones[i].name);
		fprintf(f, "} %llu\n",
			(unsigned long long)(wi->zones[i].boost * PAGE_BYTES));
	}
	family(f, "mmlens_managed_bytes", "gauge",
	       "Memory the buddy allocator manages in the zone (watermarks managed), in bytes.");
	for (i = 0; i < wi->nzones; i++) {
		zone_labels(f, "mmlens_managed_bytes", wi->zones[i].node,
			    wi->zones[i].name);
		fprintf(f, "} %llu\n",
			(unsigned long long)(wi->zones[i].managed * PAGE_BYTES));
	}
	family(f, "mmlens_watermark_ok", "gauge",
	       "1 when the kernel's __zone_watermark_ok() passes for an allocation of this order against this mark, else 0 (watermarks ok/fail).");
	for (i = 0; i < wi->nzones; i++) {
		z = &wi->zones[i];
		for (o = 0; o < z->norders; o++)
			for (m = 0; m < WM_N; m++) {
				zone_labels(f, "mmlens_watermark_ok", z->node,
					    z->name);
				fprintf(f, ",order=\"%d\",mark=\"%s\"} %d\n", o,
					marks[m], !!(z->ok[o] & (1u << m)));
			}
	}
	family(f, "mmlens_allocation_verdict", "gauge",
	       "1 for the verdict mmlens frag gives an allocation of this order (succeeds_now, needs_compaction: fragmentation, needs_reclaim, fails_no_memory), 0 for the others (from watermarks).");
	for (i = 0; i < wi->nzones; i++) {
		z = &wi->zones[i];
		for (o = 0; o < z->norders; o++) {
			v = alloc_verdict(z, o);
			for (k = AV_SUCCEEDS; k < AV_N; k++) {
				zone_labels(f, "mmlens_allocation_verdict",
					    z->node, z->name);
				fprintf(f, ",order=\"%d\",verdict=\"%s\"} %d\n", o,
					alloc_verdict_key(k), v == k);
			}
		}
	}
}

enum { CZ_DEFERRED, CZ_CONSIDERED, CZ_DEFER_SHIFT, CZ_ORDER_FAILED };

static long long compact_zone_field(const struct compact_zone *z, int field)
{
	switch (field) {
	case CZ_DEFERRED:
		return z->deferred;
	case CZ_CONSIDERED:
		return (long long)z->considered;
	case CZ_DEFER_SHIFT:
		return (long long)z->defer_shift;
	default:
		return (long long)z->order_failed;
	}
}

/* A per-zone field of the compaction file as one gauge family. */
static void compact_zone_family(FILE *f, const struct compact_info *ci,
				const char *name, const char *help, int field)
{
	size_t i;

	family(f, name, "gauge", help);
	for (i = 0; i < ci->nzones; i++) {
		zone_labels(f, name, ci->zones[i].node, ci->zones[i].name);
		fprintf(f, "} %lld\n", compact_zone_field(&ci->zones[i], field));
	}
}

/* compact_stall -> mmlens_compact_stall_total; [a-z0-9_] only. */
static int counter_name(const char *in, char *out, size_t size)
{
	const char *p;

	for (p = in; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return -1;
	return snprintf(out, size, "mmlens_%s_total", in) >= (int)size ? -1 : 0;
}

static void compaction_metrics(FILE *f, const struct compact_info *ci)
{
	const struct compact_node *n;
	char name[96], help[160];
	size_t i;

	compact_zone_family(f, ci, "mmlens_compaction_deferred_order",
			    "Compaction is deferred (backing off after a failure) for orders from this one up; -1 when not deferred (compaction deferred).",
			    CZ_DEFERRED);
	compact_zone_family(f, ci, "mmlens_compaction_considered",
			    "Compaction attempts counted since the last deferral (compaction considered; compact_considered).",
			    CZ_CONSIDERED);
	compact_zone_family(f, ci, "mmlens_compaction_defer_shift",
			    "Deferred compaction skips 2^defer_shift attempts (compaction defer_shift).",
			    CZ_DEFER_SHIFT);
	compact_zone_family(f, ci, "mmlens_compaction_order_failed",
			    "Order of the last compaction failure (compaction order_failed; compact_order_failed).",
			    CZ_ORDER_FAILED);
	family(f, "mmlens_compaction_proactive_score", "gauge",
	       "The node's fragmentation score kcompactd computes, 0..100 (compaction score).");
	for (i = 0; i < ci->nnodes; i++)
		fprintf(f, "mmlens_compaction_proactive_score{node=\"%d\"} %d\n",
			ci->nodes[i].node, ci->nodes[i].score);
	family(f, "mmlens_compaction_proactive_threshold", "gauge",
	       "kcompactd's proactive-compaction thresholds from vm.compaction_proactiveness (fragmentation_score_wmark(), computed by the tool); absent when the sysctl could not be read.");
	for (i = 0; i < ci->nnodes; i++) {
		n = &ci->nodes[i];
		if (n->low >= 0)
			fprintf(f, "mmlens_compaction_proactive_threshold{node=\"%d\",bound=\"low\"} %d\n",
				n->node, n->low);
		if (n->high >= 0)
			fprintf(f, "mmlens_compaction_proactive_threshold{node=\"%d\",bound=\"high\"} %d\n",
				n->node, n->high);
	}
	family(f, "mmlens_compaction_proactive_active", "gauge",
	       "1 when kcompactd would compact the node proactively now (score above the high threshold, the node's kswapd not running), else 0 (should_proactive_compact_node(), computed by the tool); absent when the sysctl could not be read.");
	for (i = 0; i < ci->nnodes; i++)
		if (ci->nodes[i].proactive >= 0)
			fprintf(f, "mmlens_compaction_proactive_active{node=\"%d\"} %d\n",
				ci->nodes[i].node, ci->nodes[i].proactive);
	for (i = 0; i < ci->ncounters; i++) {
		if (counter_name(ci->counters[i].name, name, sizeof(name)))
			continue;	/* a name no metric name can carry */
		snprintf(help, sizeof(help),
			 "The kernel's %s event counter (/proc/vmstat, through compaction).",
			 ci->counters[i].name);
		family(f, name, "counter", help);
		fprintf(f, "%s %llu\n", name,
			(unsigned long long)ci->counters[i].value);
	}
}

static void meta_metrics(FILE *f, const struct ctx *c,
			 const struct export_data *d)
{
	int s;

	family(f, "mmlens_module_info", "gauge",
	       "The loaded mmlens module's version (/proc/mmlens/version); always 1.");
	fputs("mmlens_module_info{version=\"", f);
	label_value(f, c->module_version);
	fputs("\"} 1\n", f);
	family(f, "mmlens_tool_info", "gauge",
	       "The version of the mmlens tool that wrote these metrics; always 1.");
	fprintf(f, "mmlens_tool_info{version=\"%s\"} 1\n", MMLENS_TOOL_VERSION);
	family(f, "mmlens_source_up", "gauge",
	       "1 when /proc/mmlens/FILE was read and its metrics are here, 0 when the module lacks it or this user may not read it.");
	for (s = 0; s < SRC_N; s++)
		fprintf(f, "mmlens_source_up{file=\"%s\"} %d\n", src_names[s],
			d->have[s]);
}

/* ---- reading ---- */

static int parse_src(int s, const struct buf *b, struct export_data *d,
		     struct parse_err *pe)
{
	switch (s) {
	case SRC_FRAG:
		return parse_fraginfo(b->data, b->len, &d->fi, pe);
	case SRC_PTI:
		return parse_pagetypeinfo(b->data, b->len, &d->pti, pe);
	case SRC_PB:
		return parse_pageblocks(b->data, b->len, &d->pb, pe);
	case SRC_WM:
		return parse_watermarks(b->data, b->len, &d->wm, pe);
	default:
		return parse_compaction(b->data, b->len, &d->ci, pe);
	}
}

/*
 * fraginfo is required (an error as in mmlens frag); every other file
 * that is missing or unreadable is a warning naming the families lost.
 * A file that is there but does not parse is an error (exit 2).
 */
static int load(struct ctx *c, struct export_data *d, unsigned int skip)
{
	char path[64];
	struct parse_err pe;
	struct buf b;
	int s, err;

	memset(d, 0, sizeof(*d));
	for (s = 0; s < SRC_N; s++) {
		if (skip & (1u << s))
			continue;
		snprintf(path, sizeof(path), PROC_DIR "/%s", src_names[s]);
		if (s == SRC_FRAG) {
			err = read_module_file(c, path, &b);
			if (err)
				return err;
		} else if ((err = read_module_file_errno(c, path, &b))) {
			if (err == ENOENT)
				warn("load the mmlens.ko built with this tool",
				     "the loaded mmlens.ko (%s) has no %s: not exported: %s",
				     c->module_version, path, src_families[s]);
			else if (err == EACCES)
				warn("run mmlens export as root (the mmlens-export.service does)",
				     "%s needs root: not exported: %s", path,
				     src_families[s]);
			else if (err == EPERM)
				warn("run it with CAP_SYS_ADMIN, or --skip the file",
				     "%s needs CAP_SYS_ADMIN: not exported: %s",
				     path, src_families[s]);
			else
				warn(NULL, "%s: %s: not exported: %s", path,
				     strerror(err), src_families[s]);
			continue;
		}
		err = parse_src(s, &b, d, &pe);
		buf_free(&b);
		if (err)
			return bad_module_file(path, &pe);
		d->have[s] = 1;
	}
	if (d->have[SRC_CI])
		load_proactive(c, &d->ci);
	return 0;
}

/* ---- writing ---- */

static int textfile_error(const char *what, const char *path, int err)
{
	if (err == EACCES || err == EPERM || err == EROFS)
		return fail(EXIT_PERM,
			    "run it as a user who may write there (root for /var/lib/prometheus/node-exporter)",
			    "%s %s: %s", what, path, strerror(err));
	return fail(EXIT_USAGE,
		    "--textfile wants an existing, writable directory (e.g. /var/lib/prometheus/node-exporter)",
		    "%s %s: %s", what, path, strerror(err));
}

static int write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * node_exporter may read DIR/mmlens.prom at any moment: it must see the
 * old file or the new one, whole. So: a temporary file in DIR (rename is
 * atomic only within a file system; the collector reads *.prom only, so
 * it never sees the temporary one), its data on disk (fsync) before the
 * rename makes it the file, then the directory entry on disk too.
 */
static int write_textfile(const char *dir, const char *data, size_t len)
{
	char tmp[PATH_MAX], dst[PATH_MAX];
	int fd, err, dfd;

	if (snprintf(dst, sizeof(dst), "%s/mmlens.prom", dir) >= (int)sizeof(dst) ||
	    snprintf(tmp, sizeof(tmp), "%s/.mmlens.prom.XXXXXX", dir) >= (int)sizeof(tmp))
		return fail(EXIT_USAGE, NULL, "--textfile: path too long");
	fd = mkstemp(tmp);
	if (fd < 0)
		return textfile_error("cannot create a file in", dir, errno);
	/* mkstemp makes 0600; node_exporter runs as another user */
	err = fchmod(fd, 0644) ? errno : 0;
	if (!err)
		err = write_all(fd, data, len);
	if (!err && fsync(fd))
		err = errno;
	if (close(fd) && !err)
		err = errno;
	if (!err && rename(tmp, dst))
		err = errno;
	if (err) {
		unlink(tmp);
		return textfile_error("cannot write", dst, err);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		/* best effort: the file is in place either way */
		if (fsync(dfd))
			warn(NULL, "fsync %s: %s", dir, strerror(errno));
		close(dfd);
	}
	return EXIT_OK;
}

/* What export's options ask for. */
struct export_args {
	const char *textfile;	/* --textfile DIR; NULL: stdout */
	unsigned int skip;	/* --skip: bit s for src_names[s] */
};

/* --skip's list: names of src_names[], fraginfo excluded (it is required). */
static int parse_skip(const char *arg, unsigned int *skip)
{
	const char *p = arg, *end;
	size_t n;
	int s;

	for (;;) {
		end = strchr(p, ',');
		n = end ? (size_t)(end - p) : strlen(p);
		for (s = SRC_FRAG + 1; s < SRC_N; s++)
			if (strlen(src_names[s]) == n && !strncmp(p, src_names[s], n))
				break;
		if (s == SRC_N)
			return -1;
		*skip |= 1u << s;
		if (!end)
			return 0;
		p = end + 1;
	}
}

static int export_opt(void *args, int opt, const char *arg)
{
	struct export_args *a = args;

	if (opt == 't') {
		a->textfile = arg;
		return 0;
	}
	if (opt != 's')
		return -1;
	if (parse_skip(arg, &a->skip))
		return fail(EXIT_USAGE,
			    "name files of --skip from: pagetypeinfo, pageblocks, watermarks, compaction",
			    "export --skip: '%s' is not a list of files export may leave out",
			    arg);
	return 0;
}

static const struct option export_opts[] = {
	{ "textfile", required_argument, NULL, 't' },
	{ "skip", required_argument, NULL, 's' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command export_command = {
	"export", export_help, export_opts, export_opt,
};

int cmd_export(struct ctx *c, int argc, char **argv)
{
	struct export_args a = { NULL, 0 };
	struct export_data d;
	char *text = NULL;
	size_t len = 0;
	struct stat st;
	int rc;
	FILE *f;

	rc = command_args(c, &export_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = no_operands("export", argc, argv);
	if (rc)
		return rc;
	if (c->json)
		return fail(EXIT_USAGE, "leave out --json",
			    "export writes Prometheus' text format; it has no JSON form");
	/* before reading anything: a typo in DIR is found at once */
	if (a.textfile && stat(a.textfile, &st))
		return textfile_error("--textfile", a.textfile, errno);
	if (a.textfile && !S_ISDIR(st.st_mode))
		return textfile_error("--textfile", a.textfile, ENOTDIR);
	memset(&d, 0, sizeof(d));
	rc = module_check(c);
	if (!rc)
		rc = load(c, &d, a.skip);
	if (rc) {
		export_free(&d);
		return rc;
	}
	f = open_memstream(&text, &len);
	if (!f) {
		export_free(&d);
		return fail(EXIT_USAGE, NULL, "out of memory");
	}
	meta_metrics(f, c, &d);
	fraginfo_metrics(f, &d.fi);
	if (d.have[SRC_PTI])
		pagetypeinfo_metrics(f, &d.pti);
	if (d.have[SRC_PB])
		pageblocks_metrics(f, &d.pb);
	if (d.have[SRC_WM])
		watermark_metrics(f, &d.wm);
	if (d.have[SRC_CI])
		compaction_metrics(f, &d.ci);
	export_free(&d);
	if (fclose(f)) {
		free(text);
		return fail(EXIT_USAGE, NULL, "out of memory");
	}
	if (a.textfile) {
		rc = write_textfile(a.textfile, text, len);
	} else {
		rc = write_all(STDOUT_FILENO, text, len);
		if (rc)
			rc = fail(EXIT_USAGE, NULL, "writing the metrics: %s",
				  strerror(rc));
	}
	free(text);
	return rc;
}
