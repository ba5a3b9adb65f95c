// SPDX-License-Identifier: GPL-2.0
/*
 * pt_bench - time mmlens's vmas and pagetable reports for a process with
 * SIZE_MIB of touched anonymous memory, next to reading /proc/self/pagemap
 * for the same range, in one process, side by side. Asserts nothing:
 * prints "TAP # pt bench: ..." lines with medians and ratios.
 *
 *   pt_bench [SIZE_MIB [ROUNDS]]   (default 1024 MiB, 5 rounds)
 *
 * The memory is touched with 4 KiB pages (MADV_NOHUGEPAGE, 512 entries
 * per 2 MiB) bottom up (frames mostly contiguous: few long runs), then top
 * down (every page its own run: the pagetable report's worst case), then
 * with THP allowed. Each pass also times /proc/self/smaps_rollup.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define DBG "/sys/kernel/debug/mmlens/"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static char iobuf[1 << 20];

/* Reads a report about ourselves through a per-fd pid write. */
static long read_report(const char *name)
{
	char pid[32];
	long total = 0, n;
	int fd = open(name, O_RDWR);

	if (fd < 0)
		return -1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write(fd, pid, strlen(pid)) < 0) {
		close(fd);
		return -1;
	}
	while ((n = pread(fd, iobuf, sizeof(iobuf), total)) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static long read_pagemap(char *buf, size_t len)
{
	long total = 0, n, want = len / 4096 * 8;
	off_t off = (uintptr_t)buf / 4096 * 8;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		return -1;
	while (total < want &&
	       (n = pread(fd, iobuf, sizeof(iobuf) < (size_t)(want - total) ?
			  sizeof(iobuf) : (size_t)(want - total),
			  off + total)) > 0)
		total += n;
	close(fd);
	return total;
}

/* The kernel's own per-process summary, for the vmas report to beat. */
static long read_rollup(void)
{
	long total = 0, n;
	int fd = open("/proc/self/smaps_rollup", O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, iobuf, sizeof(iobuf))) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp);
	return v[n / 2];
}

static void bench(const char *what, char *buf, size_t len, int rounds)
{
	double tv[64], tp[64], tm[64], tr[64];
	long bv = 0, bp = 0, bm = 0, br = 0;
	int r;

	for (r = 0; r < rounds; r++) {
		double t0 = now_ms();

		bv = read_report(DBG "vmas");
		tv[r] = now_ms() - t0;
		t0 = now_ms();
		bp = read_report(DBG "pagetable");
		tp[r] = now_ms() - t0;
		t0 = now_ms();
		bm = read_pagemap(buf, len);
		tm[r] = now_ms() - t0;
		t0 = now_ms();
		br = read_rollup();
		tr[r] = now_ms() - t0;
	}
	if (bv < 0 || bp < 0 || bm < 0 || br < 0) {
		printf("TAP # pt bench %s: a read failed\n", what);
		return;
	}
	printf("TAP # pt bench %s, %zu MiB: vmas %.1f ms (%ld B), pagetable %.1f ms (%ld B), pagemap of the range %.1f ms (%ld B); median of %d\n",
	       what, len >> 20, median(tv, rounds), bv, median(tp, rounds), bp,
	       median(tm, rounds), bm, rounds);
	printf("TAP # pt bench %s ratios: vmas/pagemap %.2f, pagetable/pagemap %.2f, vmas/smaps_rollup %.2f (rollup %.1f ms)\n",
	       what, median(tv, rounds) / median(tm, rounds),
	       median(tp, rounds) / median(tm, rounds),
	       median(tv, rounds) / median(tr, rounds), median(tr, rounds));
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atol(argv[1]) : 1024) << 20;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	char *buf;
	int pass;

	if (rounds < 1 || rounds > 64)
		rounds = 5;
	for (pass = 0; pass < 3; pass++) {
		static const char *const name[] = {
			"4K pages", "4K scattered", "THP",
		};
		size_t off;

		buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (buf == MAP_FAILED) {
			perror("pt_bench: mmap");
			return 1;
		}
		madvise(buf, len, pass == 2 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		if (pass == 1) {
			/*
			 * Top down: frames come off the free lists in
			 * ascending order, so no two neighbouring pages get
			 * neighbouring frames and every page is its own run.
			 */
			for (off = len; off; off -= 4096)
				buf[off - 4096] = 1;
		} else {
			memset(buf, 1, len);
		}
		bench(name[pass], buf, len, rounds);
		munmap(buf, len);
	}
	return 0;
}
