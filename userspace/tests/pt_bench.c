// SPDX-License-Identifier: GPL-2.0
/*
 * pt_bench - the page-table reports' speed next to the kernel's own views
 * of the same memory, measured side by side in one VM run. Asserts
 * nothing: prints one result line per measure (format in bench.h; the
 * targets and what each ratio means: docs/perf.md).
 *
 *   pt_bench [SIZE_MIB [ROUNDS]]   (default 1024 MiB, 7 rounds)
 *
 * contig.*, scatter.*, thp.*: SIZE_MIB of anonymous memory in this
 *   process, touched with 4 KiB pages (MADV_NOHUGEPAGE) bottom up (frames
 *   mostly contiguous: few long runs), then even pages before odd ones
 *   (every page its own run: the pagetable report's worst case), then
 *   with THP allowed; vmas
 *   and pagetable of this process against pagemap of the range and
 *   /proc/PID/smaps_rollup, and the range's binary runs (MMLENS_PT_RUNS,
 *   21,845 records a call) against pagemap of the range.
 * vtop: one address (open, write "PID ADDR", read) against an 8-byte
 *   pread of pagemap plus a read of /proc/PID/maps (each opened too).
 * sparse.*: a child with a 1 TiB PROT_NONE reservation against one with
 *   1 GiB, each with 64 pages spread evenly over it made writable and
 *   touched (129 VMAs each).
 * linear.*: pagetable and the binary runs of a child with 2N runs
 *   against one with N (every page its own run, 2N pages = SIZE_MIB / 2);
 *   and the 2N report read with 4 KiB reads (what cat does) against one
 *   1 MiB read.
 * vmas65k: vmas of a child with 65,000 VMAs (alternating protections) against
 *   its /proc/PID/maps; scaled down to SIZE_MIB / 1024 of that (at least
 *   1000) when SIZE_MIB < 1024, which the size field says.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../module/mmlens_uapi.h"
#include "bench.h"

#define DBG "/sys/kernel/debug/mmlens/"
#define PAGE 4096UL

/* ---- the operations (each returns bytes read, or -1) ---- */

/* A report of @pid through a pid written on its own fd, @chunk at a time. */
struct report_op {
	const char *file;
	pid_t pid;
	size_t chunk;
};

/* @file opened and bound to @pid (the pid written on the fd), or -1. */
static int bound_fd(const char *file, pid_t pid)
{
	char buf[32];
	int fd = open(file, O_RDWR);

	if (fd < 0)
		return -1;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	if (write(fd, buf, strlen(buf)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static long read_report(const struct report_op *op)
{
	long total = 0, n;
	int fd = bound_fd(op->file, op->pid);

	if (fd < 0)
		return -1;
	while ((n = pread(fd, bench_iobuf, op->chunk, total)) > 0)
		total += n;
	close(fd);
	return n < 0 ? -1 : total;
}

static double op_report(void *ctx)
{
	return read_report(ctx);
}

/*
 * The binary runs of [start, end) of @pid (MMLENS_PT_RUNS), RUNS_VEC
 * records a call, on a pagetable fd bound to @pid; returns the bytes
 * of records, or -1. end 0: the whole user address space.
 */
struct runs_op {
	pid_t pid;
	uint64_t start, end;
};

#define RUNS_VEC (sizeof(bench_iobuf) / sizeof(struct mmlens_pt_run))

static double op_runs(void *ctx)
{
	const struct runs_op *op = ctx;
	struct mmlens_pt_run *vec = (struct mmlens_pt_run *)bench_iobuf;
	struct mmlens_pt_runs a;
	uint64_t start = op->start, end = op->end;
	long total = 0;
	int fd = bound_fd(DBG "pagetable", op->pid), n;

	if (fd < 0)
		return -1;
	if (!end) {
		/* TASK_SIZE_MAX: 2^56 with 5-level paging, else 2^47 */
		end = (1ULL << 47) - PAGE;
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.rec_size = sizeof(*vec);
		a.start = 1ULL << 47;
		a.end = (1ULL << 56) - PAGE;
		a.vec = (uintptr_t)vec;
		a.vec_len = 1;
		if (ioctl(fd, MMLENS_PT_RUNS, &a) >= 0)
			end = a.end;
	}
	do {
		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.rec_size = sizeof(*vec);
		a.start = start;
		a.end = end;
		a.vec = (uintptr_t)vec;
		a.vec_len = RUNS_VEC;
		n = ioctl(fd, MMLENS_PT_RUNS, &a);
		if (n < 0)
			break;
		total += n * (long)sizeof(*vec);
		start = a.walk_end;
	} while (start < end);
	close(fd);
	return n < 0 ? -1 : total;
}

/* Lines of a report (untimed): runs of pagetable + 1, VMAs of vmas. */
static long report_lines(const char *file, pid_t pid)
{
	long total = 0, lines = 0, n, i;
	int fd = bound_fd(file, pid);

	if (fd < 0)
		return -1;
	while ((n = pread(fd, bench_iobuf, sizeof(bench_iobuf), total)) > 0) {
		for (i = 0; i < n; i++)
			lines += bench_iobuf[i] == '\n';
		total += n;
	}
	close(fd);
	return n < 0 ? -1 : lines;
}

/* pagemap of [addr, addr + len) of @pid. */
struct pagemap_op {
	pid_t pid;
	uintptr_t addr;
	size_t len;
};

static double op_pagemap(void *ctx)
{
	const struct pagemap_op *op = ctx;
	long total = 0, n, want = op->len / PAGE * 8;
	off_t off = op->addr / PAGE * 8;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)op->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	while (total < want &&
	       (n = pread(fd, bench_iobuf, sizeof(bench_iobuf) < (size_t)(want - total) ?
			  sizeof(bench_iobuf) : (size_t)(want - total),
			  off + total)) > 0)
		total += n;
	close(fd);
	return total == want ? total : -1;
}

/* vtop of one address: open, write "PID ADDR", read, close. */
static double op_vtop(void *ctx)
{
	const struct pagemap_op *op = ctx;
	char in[64];
	long n;
	int fd = open(DBG "vtop", O_RDWR);

	if (fd < 0)
		return -1;
	snprintf(in, sizeof(in), "%d %lx", (int)op->pid,
		 (unsigned long)op->addr);
	if (write(fd, in, strlen(in)) < 0) {
		close(fd);
		return -1;
	}
	n = pread(fd, bench_iobuf, 4096, 0);
	close(fd);
	return n > 0 ? n : -1;
}

/* What a tool without mmlens does for one address: pagemap + maps. */
static double op_pagemap_maps(void *ctx)
{
	const struct pagemap_op *op = ctx;
	char path[64];
	uint64_t e;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", (int)op->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	if (pread(fd, &e, 8, op->addr / PAGE * 8) != 8) {
		close(fd);
		return -1;
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/%d/maps", (int)op->pid);
	return bench_read_file(path);
}

/* AnonHugePages of this process in MiB (how much of the THP pass got THPs). */
static long thp_mib(void)
{
	char line[128];
	long kb = -1024;
	FILE *f = fopen("/proc/self/smaps_rollup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

/* ---- children that hold an address space to look at ---- */

typedef int (*build_fn)(long arg);

/*
 * Forks a child that builds its address space with @fn(@arg), says so
 * through a pipe, and waits to be killed. Returns its pid, or -1.
 */
static pid_t spawn(build_fn fn, long arg)
{
	char c = 0;
	pid_t pid;
	int p[2];

	if (pipe(p))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		close(p[0]);
		c = fn(arg) ? 'x' : 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	if (c != 'r') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return pid;
}

static void reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

/*
 * Every page its own run, whatever order the allocator hands frames out
 * in (ascending from fresh buddy blocks, descending from per-cpu lists
 * refilled by frees, batch by batch): the even pages first, then the odd
 * ones, so neighbouring pages are touched len / 8 KiB faults apart and
 * never get neighbouring frames. The size field shows the runs counted.
 */
static void touch_scattered(char *buf, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += 2 * PAGE)
		buf[off] = 1;
	for (off = PAGE; off < len; off += 2 * PAGE)
		buf[off] = 1;
}

/* @arg pages, every page its own run. */
static int build_scatter(long arg)
{
	size_t len = arg * PAGE;
	char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (buf == MAP_FAILED)
		return -1;
	madvise(buf, len, MADV_NOHUGEPAGE);
	touch_scattered(buf, len);
	return 0;
}

/* A PROT_NONE reservation of @arg bytes, 64 pages in it touched. */
static int build_sparse(long arg)
{
	size_t span = arg, step = span / 64;
	char *p = mmap(NULL, span, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	int i;

	if (p == MAP_FAILED)
		return -1;
	for (i = 0; i < 64; i++) {
		char *q = p + i * step + step / 2;

		if (mprotect(q, PAGE, PROT_READ | PROT_WRITE))
			return -1;
		*q = 1;
	}
	return 0;
}

/* @arg one-page VMAs, alternately read-write and read-only, touched. */
static int build_vmas(long arg)
{
	size_t len = arg * PAGE;
	char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long i;

	if (p == MAP_FAILED)
		return -1;
	madvise(p, len, MADV_NOHUGEPAGE);
	memset(p, 1, len);
	for (i = 1; i < arg; i += 2)
		if (mprotect(p + i * PAGE, PAGE, PROT_READ))
			return -1;
	return 0;
}

/* ---- the measures ---- */

static int rounds;

/*
 * One pass over SIZE_MIB touched in this process: vmas, pagetable,
 * pagemap of the range and smaps_rollup, in rotating order per round.
 */
static void pass(const char *name, char *buf, size_t len, double pt_target,
		 double runs_target)
{
	struct report_op vmas = { DBG "vmas", getpid(), sizeof(bench_iobuf) };
	struct report_op pt = { DBG "pagetable", getpid(), sizeof(bench_iobuf) };
	struct pagemap_op pm = { getpid(), (uintptr_t)buf, len };
	struct runs_op bin = { getpid(), (uintptr_t)buf, (uintptr_t)buf + len };
	char rollup[64], measure[64], size[64];
	double *t[5], tmp[2][BENCH_MAX_ROUNDS];
	int r, k, i;
	long runs;

	snprintf(rollup, sizeof(rollup), "/proc/%d/smaps_rollup", getpid());
	runs = report_lines(DBG "pagetable", getpid());
	snprintf(size, sizeof(size), "%zuMiB,%ldruns", len >> 20, runs - 1);
	if (!strcmp(name, "thp"))
		snprintf(size + strlen(size), sizeof(size) - strlen(size),
			 ",thp=%ldMiB", thp_mib());
	for (k = 0; k < 5; k++)
		t[k] = calloc(rounds, sizeof(double));
	if (!t[0] || !t[1] || !t[2] || !t[3] || !t[4]) {
		snprintf(measure, sizeof(measure), "%s.*", name);
		bench_fail(measure, "out of memory");
		goto out;
	}
	for (r = 0; r < rounds; r++) {
		for (i = 0; i < 5; i++) {
			double t0 = bench_now_ms(), ok;

			k = (i + r) % 5;
			ok = k == 0 ? op_report(&vmas) : k == 1 ? op_report(&pt) :
			     k == 2 ? op_pagemap(&pm) : k == 3 ?
			     bench_read_file(rollup) : op_runs(&bin);
			t[k][r] = bench_now_ms() - t0;
			if (ok < 0) {
				snprintf(measure, sizeof(measure), "%s.*", name);
				bench_fail(measure, "a read failed");
				goto out;
			}
		}
	}
	/* bench_report() sorts what it is given: give it copies. */
#define REPORT(ours, base, what, target)				\
	do {								\
		memcpy(tmp[0], t[ours], rounds * sizeof(double));	\
		memcpy(tmp[1], t[base], rounds * sizeof(double));	\
		snprintf(measure, sizeof(measure), "%s." what, name);	\
		bench_report(measure, tmp[0], tmp[1], rounds, target,	\
			     "ms", size);				\
	} while (0)
	REPORT(0, 2, "vmas/pagemap", pt_target > 0 ? 0.5 : 0);
	REPORT(0, 3, "vmas/smaps_rollup", pt_target > 0 ? 0.5 : 0);
	REPORT(1, 2, "pagetable/pagemap", pt_target);
	REPORT(4, 2, "ptruns/pagemap", runs_target);
#undef REPORT
out:
	for (k = 0; k < 5; k++)
		free(t[k]);
}

static void passes(size_t len)
{
	static const char *const name[] = { "contig", "scatter", "thp" };
	static const double pt_target[] = { 1.0, 3.0, 0 };
	static const double runs_target[] = { 0.2, 1.0, 0 };
	int p;

	for (p = 0; p < 3; p++) {
		char *buf = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (buf == MAP_FAILED) {
			bench_fail(name[p], "mmap failed");
			continue;
		}
		madvise(buf, len, p == 2 ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		if (p == 1)
			touch_scattered(buf, len);
		else
			memset(buf, 1, len);
		pass(name[p], buf, len, pt_target[p], runs_target[p]);
		if (p == 0) {
			/* one present page in the middle of the range */
			struct pagemap_op one = {
				getpid(), (uintptr_t)buf + len / 2 + 123, 0,
			};

			bench_measure("vtop/pread8+maps", op_vtop, &one,
				      op_pagemap_maps, &one, rounds, 100, 2.0,
				      "us", "1addr");
		}
		munmap(buf, len);
	}
}

static void sparse(void)
{
	pid_t big = spawn(build_sparse, 1L << 40);
	pid_t small = spawn(build_sparse, 1L << 30);
	struct report_op vb = { DBG "vmas", big, sizeof(bench_iobuf) };
	struct report_op vs = { DBG "vmas", small, sizeof(bench_iobuf) };
	struct report_op pb = { DBG "pagetable", big, sizeof(bench_iobuf) };
	struct report_op ps = { DBG "pagetable", small, sizeof(bench_iobuf) };

	if (big < 0 || small < 0) {
		bench_fail("sparse.*", "could not build the reservations");
	} else {
		bench_measure("sparse.vmas.1TiB/1GiB", op_report, &vb,
			      op_report, &vs, rounds, 20, 2.0, "ms",
			      "64pages");
		bench_measure("sparse.pagetable.1TiB/1GiB", op_report, &pb,
			      op_report, &ps, rounds, 20, 2.0, "ms",
			      "64pages");
	}
	reap(big);
	reap(small);
}

static void linear(size_t len)
{
	long pages = len / PAGE / 2;
	pid_t two = spawn(build_scatter, pages);
	pid_t one = spawn(build_scatter, pages / 2);
	struct report_op p2 = { DBG "pagetable", two, sizeof(bench_iobuf) };
	struct report_op p1 = { DBG "pagetable", one, sizeof(bench_iobuf) };
	struct report_op cat = { DBG "pagetable", two, 4096 };
	struct runs_op r2 = { two, 0, 0 }, r1 = { one, 0, 0 };
	char size[64];

	if (two < 0 || one < 0) {
		bench_fail("linear.*", "could not build the processes");
	} else {
		snprintf(size, sizeof(size), "2N=%ldruns,N=%ldruns",
			 report_lines(DBG "pagetable", two) - 1,
			 report_lines(DBG "pagetable", one) - 1);
		bench_measure("linear.pagetable.2N/N", op_report, &p2,
			      op_report, &p1, rounds, 1, 2.1, "ms", size);
		bench_measure("linear.ptruns.2N/N", op_runs, &r2, op_runs,
			      &r1, rounds, 1, 2.1, "ms", size);
		snprintf(size, sizeof(size), "%ldruns",
			 report_lines(DBG "pagetable", two) - 1);
		bench_measure("linear.pagetable.4KiB-reads/1MiB-read",
			      op_report, &cat, op_report, &p2, rounds, 1, 1.3,
			      "ms", size);
	}
	reap(two);
	reap(one);
}

static void vmas65k(size_t len)
{
	long n = 65000;
	struct report_op vmas = { DBG "vmas", 0, sizeof(bench_iobuf) };
	char maps[64], size[64], why[128];
	pid_t child;

	if (len < 1024UL << 20) {
		n = (long)(65000 * (double)len / (1024UL << 20));
		n = n < 1000 ? 1000 : n;
	}
	child = spawn(build_vmas, n);
	if (child < 0) {
		snprintf(why, sizeof(why),
			 "could not build %ld VMAs (vm.max_map_count?)", n);
		bench_skip("vmas65k.vmas/maps", why);
		return;
	}
	vmas.pid = child;
	snprintf(maps, sizeof(maps), "/proc/%d/maps", (int)child);
	snprintf(size, sizeof(size), "%ldvmas%s",
		 report_lines(DBG "vmas", child),
		 n < 65000 ? "(scaled_down:SIZE_MIB<1024)" : "");
	bench_measure("vmas65k.vmas/maps", op_report, &vmas, bench_read_file, maps,
		      rounds, 1, 1.0, "ms", size);
	reap(child);
}

int main(int argc, char **argv)
{
	size_t len = (size_t)(argc > 1 ? atol(argv[1]) : 1024) << 20;

	rounds = argc > 2 ? atoi(argv[2]) : 7;
	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS || len < 4UL << 20) {
		fprintf(stderr, "usage: pt_bench [SIZE_MIB>=4 [ROUNDS]]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	passes(len);
	sparse();
	linear(len);
	vmas65k(len);
	return bench_failed;
}
