/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbuf_lib.h - what the vbuf test programs share: reading the debugfs
 * stats (through ../parse.c, linked in) and pfns files,
 * /proc/self/pagemap, and the expected contents of a page at load time
 * (from the module's own UAPI header).
 */
#ifndef VBUF_LIB_H
#define VBUF_LIB_H

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../module/mmlens_uapi.h"
#include "../parse.h"

static const char *const vbuf_mode_name[MMLENS_VBUF_NR_MODES] =
	MMLENS_VBUF_MODE_NAMES;

/* The mode called name, or -1. */
static inline int vbuf_mode_index(const char *name)
{
	int m;

	for (m = 0; m < MMLENS_VBUF_NR_MODES; m++)
		if (!strcmp(name, vbuf_mode_name[m]))
			return m;
	return -1;
}

/*
 * MMLENS_VBUF_STATS through ../parse.c's parse_vbuf_stats(), and strictly:
 * the file must be exactly these seven keys, in this order, one key=value
 * per line, as the values parsed print back, and mode one of the names. Returns 0, or -1 with a
 * reason in why.
 */
static inline int vbuf_stats_read(struct vbuf_stats *s, char *why,
				  size_t whylen)
{
	char buf[512], want[512];
	struct parse_err e = { 0 };
	ssize_t n = -1;
	int fd = open(MMLENS_VBUF_STATS, O_RDONLY);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n < 0) {
		snprintf(why, whylen, "open/read %s: %s", MMLENS_VBUF_STATS,
			 strerror(errno));
		return -1;
	}
	buf[n] = 0;
	if (parse_vbuf_stats(buf, n, s, &e)) {
		snprintf(why, whylen, "line %u: %.100s", e.line, e.msg);
		return -1;
	}
	snprintf(want, sizeof(want),
		 "size=%lld\npages=%lld\nfaults=%lld\nmappings=%lld\nopens=%lld\nmode=%s\ninserted=%lld\n",
		 (long long)s->size, (long long)s->pages, (long long)s->faults,
		 (long long)s->mappings, (long long)s->opens, s->mode,
		 (long long)s->inserted);
	if (strcmp(buf, want) || vbuf_mode_index(s->mode) < 0) {
		snprintf(why, whylen, "not the seven key=value lines: %.100s",
			 buf);
		return -1;
	}
	return 0;
}

static inline unsigned long vbuf_inserted(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];

	return vbuf_stats_read(&s, why, sizeof(why)) ? (unsigned long)-1 :
							(unsigned long)s.inserted;
}

/* The faults counter, or (unsigned long)-1 when the file cannot be read. */
static inline unsigned long vbuf_faults(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];

	return vbuf_stats_read(&s, why, sizeof(why)) ? (unsigned long)-1 :
							(unsigned long)s.faults;
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

/* Page idx's header line, as at load, is at p. */
static inline int vbuf_has_header(const char *p, unsigned long idx)
{
	char want[64];

	snprintf(want, sizeof(want), MMLENS_VBUF_PAGE_FMT, idx);
	return !memcmp(p, want, strlen(want));
}

/*
 * A holder's command line (vbuf_hold, vbuf_pin), "PROG A|B READYFILE":
 * 0 for word a, 1 for word b, or -1 after printing usage.
 */
static inline int vbuf_hold_args(int argc, char **argv, const char *a,
				 const char *b, const char *usage)
{
	if (argc != 3 || (strcmp(argv[1], a) && strcmp(argv[1], b))) {
		fprintf(stderr, "%s\n", usage);
		return -1;
	}
	return !strcmp(argv[1], b);
}

/*
 * The holders' handshake with the shell (vbuf_hold, vbuf_pin): SIGUSR1 is
 * blocked first (vbuf_usr1_block), so it cannot be lost; once the device
 * is held, vbuf_ready_wait creates READYFILE and waits for it. 0, or -1
 * after printing why.
 */
static inline void vbuf_usr1_block(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGUSR1);
	sigprocmask(SIG_BLOCK, set, NULL);
}

static inline int vbuf_ready_wait(const char *readyfile, const sigset_t *set)
{
	int fd = open(readyfile, O_WRONLY | O_CREAT | O_EXCL, 0644), sig;

	if (fd < 0) {
		printf("create %s: %s\n", readyfile, strerror(errno));
		return -1;
	}
	close(fd);
	if (sigwait(set, &sig)) {
		printf("sigwait failed\n");
		return -1;
	}
	return 0;
}

#endif /* VBUF_LIB_H */
