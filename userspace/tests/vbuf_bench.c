// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_bench - first touch of the whole /dev/mmlens buffer in each
 * mapping mode, next to anonymous memory of the same size, as bench.h
 * result lines (scripts/bench.sh makes the table):
 *
 *   vbuf.<mode>.store/anon       mmap + a store to every page, in order,
 *                                + munmap, per page; base: the same on
 *                                anonymous memory (a store allocates and
 *                                zeroes a page)
 *   vbuf.<mode>.load/anon-store  the same with loads from the device;
 *                                base: the anonymous stores
 *   vbuf.<mode>.faults/lazy      module faults (debugfs vbuf) per round of
 *                                the store touch; base: lazy's
 *
 *   vbuf_bench [ROUNDS]     (default 7)
 *
 * Targets (issue 11, for 64 MiB: t_bench.sh loads the module with
 * vbuf_size=64M): around <= 1/16 of lazy's faults and <= 0.15x anonymous
 * per page; eager mmap + touch <= 0.1x anonymous. Asserts nothing.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench.h"
#include "vbuf_lib.h"

enum side { LAZY, AROUND, EAGER, ANON, NSIDES };

static size_t psz;
static unsigned long pages;
static int fd[MMLENS_VBUF_NR_MODES];

/*
 * One round of one side: ms per page for mmap + touch + munmap (the
 * munmap is the teardown a first touch implies), faults counted in
 * *faults. The mapping is placed at an address aligned to a whole around
 * window (a reservation made before the clock starts), so every mode's
 * fault count is exact. < 0 on error.
 */
static double one_round(enum side s, int store, unsigned long *faults)
{
	size_t len = pages * psz, win = MMLENS_VBUF_AROUND_PAGES * psz;
	char *res = mmap(NULL, len + win, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	char *a = (char *)(((uintptr_t)res + win - 1) & ~(uintptr_t)(win - 1));
	unsigned long i, f0 = vbuf_faults();
	double t0, t1;
	char *p;

	if (res == MAP_FAILED)
		return -1;
	t0 = bench_now_ms();
	p = mmap(a, len, PROT_READ | PROT_WRITE, MAP_FIXED |
		 (s == ANON ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED),
		 s == ANON ? -1 : fd[s], 0);
	if (p == MAP_FAILED) {
		munmap(res, len + win);
		return -1;
	}
	if (store) {
		/* The last byte: the buffer keeps its header lines. */
		for (i = 0; i < pages; i++)
			*(volatile char *)(p + i * psz + psz - 1) = 0;
	} else {
		for (i = 0; i < pages; i++)
			(void)*(volatile char *)(p + i * psz);
	}
	munmap(p, len);
	t1 = bench_now_ms();
	*faults = vbuf_faults() - f0;
	munmap(res, len + win);
	return (t1 - t0) / pages;
}

int main(int argc, char **argv)
{
	static const char *const names[NSIDES] = { "lazy", "around", "eager",
						   "anon" };
	static const double store_target[MMLENS_VBUF_NR_MODES] = { 0, 0.15,
								    0.1 };
	int rounds = argc > 1 ? atoi(argv[1]) : 7, r, s, m;
	double *t[NSIDES][2], *f[MMLENS_VBUF_NR_MODES];
	struct vbuf_stats st = { 0 };
	char why[160], size[32], measure[64];
	unsigned long faults;

	psz = (size_t)sysconf(_SC_PAGESIZE);
	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS ||
	    vbuf_stats_read(&st, why, sizeof(why))) {
		bench_fail("vbuf", rounds < 1 || rounds > BENCH_MAX_ROUNDS ?
			   "bad ROUNDS" : why);
		return 1;
	}
	pages = (unsigned long)st.pages;
	snprintf(size, sizeof(size), "%luMiB", (pages * psz) >> 20);
	for (m = 0; m < MMLENS_VBUF_NR_MODES; m++) {
		__u32 mode = (__u32)m;

		fd[m] = open(MMLENS_VBUF_DEV, O_RDWR);
		if (fd[m] < 0 || ioctl(fd[m], MMLENS_VBUF_SET_MODE, &mode)) {
			bench_fail("vbuf", "cannot open the device in each mode");
			return 1;
		}
		f[m] = calloc(rounds, sizeof(double));
	}
	for (s = 0; s < NSIDES; s++) {
		t[s][0] = calloc(rounds, sizeof(double));
		t[s][1] = calloc(rounds, sizeof(double));
	}
	/* Sides interleaved within each round, so drift hits all alike. */
	for (r = 0; r < rounds; r++) {
		for (s = 0; s < NSIDES; s++) {
			int k = (s + r) % NSIDES, store;

			for (store = 0; store < 2; store++) {
				t[k][store][r] = one_round(k, store, &faults);
				if (t[k][store][r] < 0) {
					bench_fail("vbuf", strerror(errno));
					return 1;
				}
				if (store && k != ANON)
					f[k][r] = (double)faults;
			}
		}
	}
	for (m = 0; m < MMLENS_VBUF_NR_MODES; m++) {
		snprintf(measure, sizeof(measure), "vbuf.%s.store/anon", names[m]);
		bench_report(measure, t[m][1], t[ANON][1], rounds,
			     store_target[m], "us", size);
		snprintf(measure, sizeof(measure), "vbuf.%s.load/anon-store",
			 names[m]);
		bench_report(measure, t[m][0], t[ANON][1], rounds,
			     store_target[m], "us", size);
	}
	for (m = MMLENS_VBUF_AROUND; m < MMLENS_VBUF_NR_MODES; m++) {
		snprintf(measure, sizeof(measure), "vbuf.%s.faults/lazy",
			 names[m]);
		bench_report(measure, f[m], f[LAZY], rounds,
			     1.0 / MMLENS_VBUF_AROUND_PAGES, "faults", size);
	}
	return bench_failed;
}
