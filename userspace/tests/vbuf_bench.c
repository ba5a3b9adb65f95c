// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_bench - first-touch cost per page of a /dev/mmlens mapping next to
 * anonymous memory of the same size. Measures, asserts nothing: prints
 * "TAP # vbuf bench: ..." diagnostic lines.
 *
 *   vbuf_bench [ROUNDS]     (default 7; median and minimum are reported)
 *
 * Each round maps afresh, so every touch is a first touch: for the device
 * that is one .fault per page (checked against the faults counter); for
 * anonymous memory a store allocates and zeroes a page, a load maps the
 * shared zero page.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "vbuf_lib.h"

enum kind { VBUF_LOAD, VBUF_STORE, ANON_LOAD, ANON_STORE, NKINDS };

static const char *const kind_name[NKINDS] = {
	"vbuf load", "vbuf store", "anon load (zero page)", "anon store",
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* ns per page for one round, or a negative value on error. */
static double one_round(enum kind k, int fd, unsigned long pages, size_t psz,
			unsigned long *faults)
{
	int prot = PROT_READ | PROT_WRITE, vbuf = k == VBUF_LOAD ||
						  k == VBUF_STORE;
	char *p = mmap(NULL, pages * psz, prot,
		       vbuf ? MAP_SHARED : MAP_PRIVATE | MAP_ANONYMOUS,
		       vbuf ? fd : -1, 0);
	unsigned long i, f0 = vbuf_faults();
	double t0, t1;

	if (p == MAP_FAILED)
		return -1;
	t0 = now_ns();
	if (k == VBUF_LOAD || k == ANON_LOAD) {
		for (i = 0; i < pages; i++)
			(void)*(volatile char *)(p + i * psz);
	} else {
		/* Past the header line: the buffer keeps its headers. */
		for (i = 0; i < pages; i++)
			*(volatile char *)(p + i * psz + psz - 1) = 0;
	}
	t1 = now_ns();
	*faults = vbuf_faults() - f0;
	munmap(p, pages * psz);
	return (t1 - t0) / pages;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 7, r, k, fd;
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	struct vbuf_stats s = { 0 };
	char why[160];
	double *ns;

	if (rounds < 1 || rounds > 1000 || vbuf_stats_read(&s, why, sizeof(why))) {
		printf("TAP # vbuf bench: cannot run: %s\n",
		       rounds < 1 || rounds > 1000 ? "bad ROUNDS" : why);
		return 1;
	}
	fd = open(MMLENS_VBUF_DEV, O_RDWR);
	ns = calloc(rounds, sizeof(*ns));
	if (fd < 0 || !ns) {
		printf("TAP # vbuf bench: cannot open %s\n", MMLENS_VBUF_DEV);
		return 1;
	}
	printf("TAP # vbuf bench: %lu pages (%lu KiB) per round, %d rounds, first-touch ns/page median (min)\n",
	       s.pages, s.size >> 10, rounds);
	for (k = 0; k < NKINDS; k++) {
		unsigned long faults = 0, f;

		for (r = 0; r < rounds; r++) {
			ns[r] = one_round(k, fd, s.pages, psz, &f);
			if (ns[r] < 0) {
				printf("TAP # vbuf bench: %s: mmap failed\n",
				       kind_name[k]);
				return 1;
			}
			faults += f;
		}
		qsort(ns, rounds, sizeof(*ns), cmp_double);
		printf("TAP # vbuf bench:   %-22s %8.0f (%.0f) ns/page",
		       kind_name[k], ns[rounds / 2], ns[0]);
		if (k == VBUF_LOAD || k == VBUF_STORE)
			printf(", .fault calls %lu/round", faults / rounds);
		printf("\n");
	}
	close(fd);
	free(ns);
	return 0;
}
