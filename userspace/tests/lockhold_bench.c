// SPDX-License-Identifier: GPL-2.0
/*
 * lockhold_bench - how long one zone->lock hold lasts while
 * /proc/mmlens/pagetypeinfo is read, next to /proc/pagetypeinfo, measured
 * the same way for both: by lockdep's lock statistics (CONFIG_LOCK_STAT,
 * the debug kernel), which time every hold of every lock class.
 *
 *   lockhold_bench LABEL [ROUNDS [READS]]   (defaults 7 and 20)
 *
 * Per round and side: clear /proc/lock_stat, read the file READS times
 * (open, read whole, close), read the "&zone->lock" line. A side is the
 * kernel's file, ours, or /proc/version: that last one takes no zone->lock
 * itself, so what it records is what the page allocator and the rest of
 * the guest hold the lock for meanwhile (the noise both files carry).
 * The order of the three sides rotates from round to round.
 *
 * Prints two result lines (bench.h format) per LABEL, the max and the
 * mean hold per acquisition (median over rounds, ours against the
 * kernel's, target <= 1), and diagnostics: acquisitions per read, the
 * noise side, and the mean with the noise taken out.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define LOCK_STAT "/proc/lock_stat"
#define ZONE_LOCK "&zone->lock:"

enum { IDLE, KERNEL, OURS, SIDES };

static const char *const side_file[SIDES] = {
	[IDLE] = "/proc/version",
	[KERNEL] = "/proc/pagetypeinfo",
	[OURS] = "/proc/mmlens/pagetypeinfo",
};

/* One side of one round: zone->lock holds, times in ms (bench.h's unit). */
struct holds {
	double acq, max, total;
};

static int lock_stat_clear(void)
{
	int fd = open(LOCK_STAT, O_WRONLY);
	int ret;

	if (fd < 0)
		return -1;
	ret = write(fd, "0", 1) == 1 ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * The "&zone->lock" class line: name, con-bounces, then the wait times
 * (contentions min max total avg), acq-bounces, then the hold times
 * (acquisitions min max total avg); times in us. The line is absent when
 * nothing took the lock since the clear.
 */
static int lock_stat_zone(struct holds *h)
{
	FILE *f = fopen(LOCK_STAT, "r");
	char *line = NULL;
	size_t cap = 0;
	int ret = -1;

	if (!f)
		return -1;
	memset(h, 0, sizeof(*h));
	while (getline(&line, &cap, f) > 0) {
		char name[64];
		unsigned long acq;
		double max, total;

		if (sscanf(line, "%63s %*u %*u %*f %*f %*f %*f %*u %lu %*f %lf %lf",
			   name, &acq, &max, &total) != 4 ||
		    strcmp(name, ZONE_LOCK))
			continue;
		h->acq = acq;
		h->max = max / 1e3;
		h->total = total / 1e3;
		break;
	}
	if (!ferror(f))
		ret = 0;
	free(line);
	fclose(f);
	return ret;
}

static int one_side(int side, int reads, struct holds *h)
{
	int i;

	if (lock_stat_clear())
		return -1;
	for (i = 0; i < reads; i++)
		if (bench_read_file((void *)side_file[side]) < 0)
			return -1;
	return lock_stat_zone(h);
}

static double median(double *v, int n)
{
	double med, min, max;

	bench_stats(v, n, &med, &min, &max);
	return med;
}

int main(int argc, char **argv)
{
	const char *label = argc > 1 ? argv[1] : NULL;
	int rounds = argc > 2 ? atoi(argv[2]) : 7;
	int reads = argc > 3 ? atoi(argv[3]) : 20;
	double *v[SIDES][3], *net[SIDES], acq_read[SIDES];
	char measure[96], size[96];
	struct holds h[SIDES];
	int r, s, k;

	if (!label || rounds < 1 || rounds > BENCH_MAX_ROUNDS || reads < 1) {
		fprintf(stderr, "usage: lockhold_bench LABEL [ROUNDS [READS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	snprintf(measure, sizeof(measure), "lockhold.%s.max", label);
	if (access(LOCK_STAT, R_OK | W_OK)) {
		bench_skip(measure, "no /proc/lock_stat (needs CONFIG_LOCK_STAT)");
		return 0;
	}
	for (s = 0; s < SIDES; s++) {
		if (access(side_file[s], R_OK)) {
			bench_fail(measure, "a file to read is missing");
			return 1;
		}
		for (k = 0; k < 3; k++)
			v[s][k] = calloc(rounds, sizeof(double));
		net[s] = calloc(rounds, sizeof(double));
		if (!v[s][0] || !v[s][1] || !v[s][2] || !net[s]) {
			bench_fail(measure, "out of memory");
			return 1;
		}
	}

	for (r = 0; r < rounds; r++) {
		for (k = 0; k < SIDES; k++) {
			s = (k + r) % SIDES;
			if (one_side(s, reads, &h[s])) {
				bench_fail(measure, strerror(errno));
				return 1;
			}
		}
		for (s = 0; s < SIDES; s++) {
			v[s][0][r] = h[s].max;
			v[s][1][r] = h[s].acq ? h[s].total / h[s].acq : 0;
			v[s][2][r] = h[s].acq / reads;
			/* The file's own holds: this side less the noise. */
			net[s][r] = h[s].acq > h[IDLE].acq ?
				(h[s].total - h[IDLE].total) /
				(h[s].acq - h[IDLE].acq) : 0;
		}
		printf("TAP # lockhold %s round %d: acquisitions/max us/mean us: kernel %.0f/%.2f/%.3f mmlens %.0f/%.2f/%.3f idle %.0f/%.2f/%.3f\n",
		       label, r, h[KERNEL].acq, h[KERNEL].max * 1e3,
		       v[KERNEL][1][r] * 1e3, h[OURS].acq, h[OURS].max * 1e3,
		       v[OURS][1][r] * 1e3, h[IDLE].acq, h[IDLE].max * 1e3,
		       v[IDLE][1][r] * 1e3);
	}
	for (s = 0; s < SIDES; s++)
		acq_read[s] = median(v[s][2], rounds);
	printf("TAP # lockhold %s: %d rounds of %d reads per side; median per round: acquisitions per read kernel %.1f, mmlens %.1f, idle (/proc/version) %.1f; idle max %.2f us, idle mean %.3f us; mean without the idle holds: kernel %.3f us, mmlens %.3f us\n",
	       label, rounds, reads, acq_read[KERNEL], acq_read[OURS],
	       acq_read[IDLE], median(v[IDLE][0], rounds) * 1e3,
	       median(v[IDLE][1], rounds) * 1e3,
	       median(net[KERNEL], rounds) * 1e3,
	       median(net[OURS], rounds) * 1e3);

	snprintf(size, sizeof(size), "%dreads,acq/read=%.0f/%.0f", reads,
		 acq_read[OURS], acq_read[KERNEL]);
	bench_report(measure, v[OURS][0], v[KERNEL][0], rounds, 1, "us",
		     size);
	snprintf(measure, sizeof(measure), "lockhold.%s.mean", label);
	bench_report(measure, v[OURS][1], v[KERNEL][1], rounds, 1, "us",
		     size);
	return 0;
}
