// SPDX-License-Identifier: GPL-2.0
/*
 * ptruns.c - the pagetable report through the MMLENS_PT_RUNS ioctl
 * (module/mmlens_uapi.h, docs/walk.md "Binary runs"): fixed-size records
 * turned straight into the struct pt_run parse_pagetable() makes of the
 * text line the module prints for each, without the module formatting
 * and the tool tokenizing a line per run. The records are the text's
 * runs (pt_runs same, in the VMs); that the conversion equals the
 * parser's is the unit test's (hosttest/unit.c, every kind and flag).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "../module/mmlens_uapi.h"
#include "parse.h"
#include "ptruns.h"

/* Records per call: fewer calls (each takes the target's mm anew). */
#define PT_VEC_LEN	4096
/*
 * The header line is "# pid=<pid> comm=<comm> levels=<n>", a comm of 15
 * bytes at most escaped to 4 each: far less than this. A longer one is
 * left to the text parser.
 */
#define PT_HEADER_CAP	1024
#define PG_SIZE		4096ULL

static const char *const kind_names[MMLENS_NR_KINDS] = MMLENS_KIND_NAMES;
static const char *const fb_names[MMLENS_NR_FLAG_BITS] = MMLENS_FLAG_NAMES;

/*
 * The PTF_* bit parse_pagetable() sets for each flag bit of a record, or
 * -1 for a flag it keeps by name in other_flags. Found by name, as the
 * parser finds them: the two tables order the flags differently.
 */
static signed char fb_ptf[MMLENS_NR_FLAG_BITS];
static int fb_ptf_ready;

static void fb_ptf_init(void)
{
	int b, i;

	for (b = 0; b < MMLENS_NR_FLAG_BITS; b++) {
		for (i = 0; i < PTF_NFLAGS && strcmp(fb_names[b],
						     pt_flag_names[i]); i++)
			;
		fb_ptf[b] = i < PTF_NFLAGS ? (signed char)i : -1;
	}
	fb_ptf_ready = 1;
}

/*
 * "flags=" as the parser takes it: the named bits into r->flags, the
 * others' names, in the text's order (bit order), comma-separated into
 * r->other_flags; none at all ("flags=-") leaves both empty.
 */
static int record_flags(uint64_t bits, struct pt_run *r)
{
	char other[256];
	size_t n = 0;
	int b;

	if (!fb_ptf_ready)
		fb_ptf_init();
	r->has_flags = 1;
	other[0] = '\0';
	for (b = 0; b < MMLENS_NR_FLAG_BITS; b++) {
		if (!(bits & (1ULL << b)))
			continue;
		if (fb_ptf[b] >= 0)
			r->flags |= 1u << fb_ptf[b];
		else
			n += (size_t)snprintf(other + n, sizeof(other) - n,
					      "%s%s", n ? "," : "",
					      fb_names[b]);
	}
	if (!n)
		return 0;
	r->other_flags = strdup(other);
	return r->other_flags ? 0 : -1;
}

/* A word the parser keeps as written in r->extra (kind=, entry=). */
static int record_extra(struct pt_run *r, const char *key, const char *val)
{
	size_t n = strlen(key) + strlen(val) + 2;

	r->extra = malloc(n);
	if (!r->extra)
		return -1;
	snprintf(r->extra, n, "%s=%s", key, val);
	return 0;
}

/*
 * Whether every field of @rec is one the text line shows, and shows by
 * a name this tool knows (the module zeroes the fields a kind does not
 * use): a field it does not expect is news from a newer module, which
 * its text would name.
 */
static int record_known(const struct mmlens_pt_run *rec)
{
	if (rec->start >= rec->end || rec->level >= MMLENS_NR_LEVELS ||
	    rec->kind >= MMLENS_NR_KINDS || rec->reserved)
		return 0;
	if (rec->flags >> MMLENS_NR_FLAG_BITS)
		return 0;
	if (rec->kind != MMLENS_PRESENT && rec->flags)
		return 0;
	if (rec->kind != MMLENS_SWAP && rec->swap_type)
		return 0;
	if (rec->kind != MMLENS_MARKER)
		return !rec->marker;
	return !rec->value && (rec->marker == MMLENS_MARKER_UFFD_WP ||
			       rec->marker == MMLENS_MARKER_OTHER);
}

int pt_run_from_record(const struct mmlens_pt_run *rec, struct pt_run *r)
{
	char num[24];

	if (!record_known(rec))
		return 1;
	r->start = rec->start;
	r->end = rec->end;
	r->level = (enum mmlens_level)rec->level;
	r->entries = rec->entries;
	strcpy(r->kind, kind_names[rec->kind]);
	switch (rec->kind) {
	case MMLENS_PRESENT:
		r->has_pfn = 1;
		r->pfn = rec->value;
		return record_flags(rec->flags, r);
	case MMLENS_SWAP:
		r->has_type = r->has_offset = 1;
		r->type = rec->swap_type;
		r->offset = rec->value;
		return 0;
	case MMLENS_MARKER:
		return record_extra(r, "kind",
				    rec->marker == MMLENS_MARKER_UFFD_WP ?
				    "uffd-wp" : "other");
	case MMLENS_OTHER:
		snprintf(num, sizeof(num), "%llx",
			 (unsigned long long)rec->value);
		return record_extra(r, "entry", num);
	default:		/* migration, device-*, hwpoison */
		r->has_pfn = 1;
		r->pfn = rec->value;
		return 0;
	}
}

/*
 * The header, the text report's first line (the records have none):
 * 0, -1 for the text to judge (no header, one that does not parse, no
 * levels= to size the address space by), or an errno of the read. The
 * read walks only the report's first chunk (docs/walk.md, "Reading").
 */
static int pt_header_read(int fd, struct pt_report *pt)
{
	char line[PT_HEADER_CAP], *nl = NULL;
	struct parse_err pe;
	size_t len = 0;
	ssize_t n;

	while (!nl && len < sizeof(line)) {
		n = read(fd, line + len, sizeof(line) - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			break;
		nl = memchr(line + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	if (!nl || line[0] != '#')
		return -1;
	if (parse_pagetable(line, (size_t)(nl + 1 - line), pt, &pe) ||
	    (pt->levels != 4 && pt->levels != 5)) {
		pt_report_free(pt);
		return -1;
	}
	return 0;
}

/* Room in pt->r (of *cap) for @more runs; -1 out of memory. */
static int pt_room(struct pt_report *pt, size_t *cap, size_t more)
{
	size_t ncap = *cap ? *cap : 64;
	struct pt_run *p;

	if (pt->n + more <= *cap)
		return 0;
	while (ncap < pt->n + more) {
		if (ncap > SIZE_MAX / 2 / sizeof(*p))
			return -1;
		ncap *= 2;
	}
	p = realloc(pt->r, ncap * sizeof(*p));
	if (!p)
		return -1;
	pt->r = p;
	*cap = ncap;
	return 0;
}

/*
 * One call's records onto pt->r: 0, -1 (the text judges), ENOMEM, or
 * EPROTO for a run out of order.
 */
static int pt_take(struct pt_report *pt, size_t *cap,
		   const struct mmlens_pt_run *vec, size_t n)
{
	struct pt_run *r;
	size_t i;
	int rc;

	if (pt_room(pt, cap, n))
		return ENOMEM;
	for (i = 0; i < n; i++) {
		r = &pt->r[pt->n];
		memset(r, 0, sizeof(*r));
		rc = pt_run_from_record(&vec[i], r);
		if (rc) {
			free(r->other_flags);
			free(r->extra);
			return rc < 0 ? ENOMEM : -1;
		}
		/* as parse_pagetable(): sorted, not overlapping */
		if (pt->n && r->start < pt->r[pt->n - 1].end) {
			free(r->other_flags);
			free(r->extra);
			return EPROTO;
		}
		pt->n++;
	}
	return 0;
}

int pt_runs_read(int fd, struct pt_report *pt)
{
	struct mmlens_pt_run *vec;
	struct mmlens_pt_runs a;
	uint64_t start = 0, end;
	size_t cap = 0;
	int n, rc;

	rc = pt_header_read(fd, pt);
	if (rc)
		return rc;
	/* TASK_SIZE_MAX of the header's paging, as the ioctl allows it */
	end = (pt->levels == 5 ? 1ULL << 56 : 1ULL << 47) - PG_SIZE;
	vec = malloc(PT_VEC_LEN * sizeof(*vec));
	rc = vec ? 0 : ENOMEM;
	while (!rc && start < end) {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.start = start;
		a.end = end;
		a.vec = (uintptr_t)vec;
		a.vec_len = PT_VEC_LEN;
		a.rec_size = sizeof(*vec);
		n = ioctl(fd, MMLENS_PT_RUNS, &a);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			rc = errno == ENOTTY ? -1 : errno;
		else if (n > PT_VEC_LEN || a.walk_end <= start ||
			 a.walk_end > end)
			rc = EPROTO;
		else
			rc = pt_take(pt, &cap, vec, (size_t)n);
		start = a.walk_end;
	}
	free(vec);
	if (rc)
		pt_report_free(pt);
	return rc;
}
