/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbuf_lib.h - what the vbuf test programs share: reading the debugfs
 * stats and pfns files, /proc/self/pagemap, and the expected contents of
 * a page at load time (from the module's own UAPI header).
 */
#ifndef VBUF_LIB_H
#define VBUF_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../module/mmlens_uapi.h"

struct vbuf_stats {
	unsigned long size, pages, faults;
	long mappings, opens;
};

/*
 * Parse MMLENS_VBUF_STATS strictly: exactly these five keys, in this
 * order, one key=value per line. Returns 0, or -1 with a reason in why.
 */
static inline int vbuf_stats_read(struct vbuf_stats *s, char *why,
				  size_t whylen)
{
	static const char *const keys[] = {
		"size", "pages", "faults", "mappings", "opens",
	};
	unsigned long v[5] = { 0 };
	char line[128], key[32];
	FILE *f = fopen(MMLENS_VBUF_STATS, "r");
	int n = 0, rc = -1;

	if (!f) {
		snprintf(why, whylen, "open %s: %s", MMLENS_VBUF_STATS,
			 strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char tail;

		if (n == 5 ||
		    sscanf(line, "%31[a-z]=%lu%c", key, &v[n], &tail) != 3 ||
		    tail != '\n' || strcmp(key, keys[n])) {
			snprintf(why, whylen, "unexpected line %d: %s", n + 1,
				 line);
			goto out;
		}
		n++;
	}
	if (n != 5) {
		snprintf(why, whylen, "%d lines, want 5", n);
		goto out;
	}
	s->size = v[0];
	s->pages = v[1];
	s->faults = v[2];
	s->mappings = (long)v[3];
	s->opens = (long)v[4];
	rc = 0;
out:
	fclose(f);
	return rc;
}

/* The faults counter, or (unsigned long)-1 when the file cannot be read. */
static inline unsigned long vbuf_faults(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];

	return vbuf_stats_read(&s, why, sizeof(why)) ? (unsigned long)-1 :
							s.faults;
}

static inline long vbuf_mappings(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];

	return vbuf_stats_read(&s, why, sizeof(why)) ? -1 : s.mappings;
}

static inline long vbuf_opens(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];

	return vbuf_stats_read(&s, why, sizeof(why)) ? -1 : s.opens;
}

/*
 * Parse MMLENS_VBUF_PFNS: "<index> <pfn-hex>" lines, indexes 0..pages-1
 * in order. Returns a malloc'ed array of pages pfns, or NULL.
 */
static inline unsigned long *vbuf_pfns_read(unsigned long pages, char *why,
					    size_t whylen)
{
	unsigned long *pfn = calloc(pages, sizeof(*pfn));
	unsigned long idx, val, n = 0;
	char line[128], tail;
	FILE *f;

	if (!pfn) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	f = fopen(MMLENS_VBUF_PFNS, "r");
	if (!f) {
		snprintf(why, whylen, "open %s: %s", MMLENS_VBUF_PFNS,
			 strerror(errno));
		free(pfn);
		return NULL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lu %lx%c", &idx, &val, &tail) != 3 ||
		    tail != '\n' || idx != n || n >= pages || !val) {
			snprintf(why, whylen, "bad line %lu: %s", n + 1, line);
			goto bad;
		}
		pfn[n++] = val;
	}
	if (n != pages) {
		snprintf(why, whylen, "%lu lines, want %lu", n, pages);
		goto bad;
	}
	fclose(f);
	return pfn;
bad:
	fclose(f);
	free(pfn);
	return NULL;
}

/* The pagemap entry of addr in this process (0 on error). */
static inline uint64_t vbuf_pagemap(const void *addr)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t e = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return 0;
	if (pread(fd, &e, sizeof(e), (off_t)((uintptr_t)addr / psz) *
		  (off_t)sizeof(e)) != (ssize_t)sizeof(e))
		e = 0;
	close(fd);
	return e;
}

#define VBUF_PM_PRESENT		(1ULL << 63)
#define VBUF_PM_PFN_MASK	((1ULL << 55) - 1)

/* The contents page idx has at load: the header line, then zeros. */
static inline void vbuf_expected_page(char *buf, size_t psz,
				      unsigned long idx)
{
	memset(buf, 0, psz);
	snprintf(buf, psz, MMLENS_VBUF_PAGE_FMT, idx);
}

#endif /* VBUF_LIB_H */
