/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what pt_bench and frag_bench share: the clock, running a
 * measure (ours next to the kernel's, alternating, ROUNDS times) and its
 * result line, which scripts/bench.sh turns into the table and bench.json:
 *
 *   TAP # bench REL MEASURE median=M min=M max=M base_median=B base_min=B
 *         base_max=B unit=U ratio=R target=<=T verdict=PASS|MISS|- rounds=N
 *         size=S
 *   TAP # bench REL MEASURE verdict=SKIP why=FREE TEXT
 *   TAP # bench REL MEASURE verdict=FAIL why=FREE TEXT
 *
 * (one line each). REL is the kernel release (uname -r); MEASURE has no
 * spaces; median/min/max are of our side, base_* of what it is compared
 * with, both in U per operation; ratio = median / base_median (the ratio
 * of medians); target=- and verdict=- for a measure without a target.
 * Asserts nothing: a MISS is a number, not a failure.
 */
#ifndef MMLENS_TESTS_BENCH_H
#define MMLENS_TESTS_BENCH_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#define BENCH_MAX_ROUNDS 1000

/* One side of a measure: an operation timed BATCH times per round. */
typedef double (*bench_op)(void *ctx);	/* ms, < 0 on error */

/* One buffer for every read the benchmarks time. */
static char bench_iobuf[1 << 20];

/*
 * The whole of a /proc or debugfs file, 1 MiB per read(): its size, or -1
 * when it cannot be read or is empty (nothing to time then).
 */
static inline double bench_read_file(void *path)
{
	long total = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, bench_iobuf, sizeof(bench_iobuf))) > 0)
		total += n;
	close(fd);
	return n < 0 || !total ? -1 : total;
}

static inline double bench_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static inline const char *bench_kernel(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u))
		strcpy(u.release, "unknown");
	return u.release;
}

static inline int bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorts v; median (upper middle for an even n), min, max. */
static inline void bench_stats(double *v, int n, double *med, double *min,
			       double *max)
{
	qsort(v, n, sizeof(*v), bench_cmp);
	*med = v[n / 2];
	*min = v[0];
	*max = v[n - 1];
}

static inline void bench_skip(const char *measure, const char *why)
{
	printf("TAP # bench %s %s verdict=SKIP why=%s\n", bench_kernel(),
	       measure, why);
}

static int bench_failed;	/* a measure could not be taken */

static inline void bench_fail(const char *measure, const char *why)
{
	printf("TAP # bench %s %s verdict=FAIL why=%s\n", bench_kernel(),
	       measure, why);
	bench_failed = 1;
}

/*
 * The result line of one measure from the per-round times of our side
 * (num) and the base (den), in ms per operation; printed in @unit ("ms"
 * or "us"). @target <= 0: no target.
 */
static inline void bench_report(const char *measure, double *num,
				double *den, int rounds, double target,
				const char *unit, const char *size)
{
	double m, lo, hi, bm, blo, bhi, ratio, scale = 1;

	if (!strcmp(unit, "us"))
		scale = 1e3;
	bench_stats(num, rounds, &m, &lo, &hi);
	bench_stats(den, rounds, &bm, &blo, &bhi);
	ratio = bm > 0 ? m / bm : 0;
	printf("TAP # bench %s %s median=%.3f min=%.3f max=%.3f base_median=%.3f base_min=%.3f base_max=%.3f unit=%s ratio=%.3f",
	       bench_kernel(), measure, m * scale, lo * scale, hi * scale,
	       bm * scale, blo * scale, bhi * scale, unit, ratio);
	if (target > 0)
		printf(" target=<=%g verdict=%s", target,
		       ratio <= target ? "PASS" : "MISS");
	else
		printf(" target=- verdict=-");
	printf(" rounds=%d size=%s\n", rounds, size);
	fflush(stdout);
}

/*
 * Times @ours and @base @batch times each per round, alternating which
 * goes first, and prints the measure. Returns -1 (after a FAIL line) when
 * an operation failed.
 */
static inline int bench_measure(const char *measure, bench_op ours,
				void *ours_ctx, bench_op base, void *base_ctx,
				int rounds, int batch, double target,
				const char *unit, const char *size)
{
	double *num = calloc(rounds, sizeof(*num));
	double *den = calloc(rounds, sizeof(*den));
	int r, i, side, ret = 0;

	if (!num || !den) {
		bench_fail(measure, "out of memory");
		ret = -1;
		goto out;
	}
	for (r = 0; r < rounds && !ret; r++) {
		for (side = 0; side < 2 && !ret; side++) {
			int theirs = (side + r) & 1;
			bench_op op = theirs ? base : ours;
			void *ctx = theirs ? base_ctx : ours_ctx;
			double t0 = bench_now_ms();

			for (i = 0; i < batch; i++) {
				if (op(ctx) < 0) {
					bench_fail(measure, theirs ?
						   "a read of the base failed" :
						   "a read of ours failed");
					ret = -1;
					break;
				}
			}
			(theirs ? den : num)[r] = (bench_now_ms() - t0) / batch;
		}
	}
	if (!ret)
		bench_report(measure, num, den, rounds, target, unit, size);
out:
	free(num);
	free(den);
	return ret;
}

#endif
