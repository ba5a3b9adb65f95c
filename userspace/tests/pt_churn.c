// SPDX-License-Identifier: GPL-2.0
/*
 * pt_churn - the churn soak of issue 12: readers of vmas, pagetable and
 * vtop, each through a pid bound on its own fd, against a target that for
 * SECONDS keeps changing its address space in every way it can, plus a
 * reader SIGKILLed mid-walk and a held pid whose number is reused.
 *
 *   pt_churn SECONDS
 *
 * The target, in a loop until the deadline: maps, touches, mprotects and
 * partly unmaps anonymous ranges; faults a THP (MADV_HUGEPAGE), collapses
 * (MADV_COLLAPSE) and splits it (munmap of 4 KiB inside); pages out
 * (MADV_PAGEOUT, to zram when swap is on) and faults back; moves pages
 * between nodes 0 and 1 (move_pages, when there are two); forks children
 * that touch and exit; write-protects a range with userfaultfd (6.7+:
 * UFFD_FEATURE_WP_ASYNC, so writes resolve without a handler) and writes
 * it again; and once a second execs itself (same pid, a new mm).
 * khugepaged's speed is the shell's business (t_race.sh).
 * Checks: every read returns a whole report (ends in a newline) or fails
 * with ESRCH only once the target is gone; readers killed mid-walk leave
 * nothing behind (the kernel log is the host's); a fd bound to an exited
 * pid answers ESRCH even after the number was handed to a new process.
 * Lines: "ok NAME", "not ok NAME", "skip NAME # WHY", "# ..." (the shell
 * prefixes "TAP "). Exit 1 when a check failed, 2 when it could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "madv.h"

#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif

/* 6.7+: write faults on a write-protected range resolve themselves. */
#ifndef UFFD_FEATURE_WP_ASYNC
#define UFFD_FEATURE_WP_ASYNC (1 << 15)
#endif

#define DIR_ "/proc/mmlens/"
#define PG 4096UL
#define MB2 (2UL << 20)

static int failures;

static void result(int ok, const char *name)
{
	printf("%s race: churn: %s\n", ok ? "ok" : "not ok", name);
	if (!ok)
		failures++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int two_nodes(void)
{
	return !access("/sys/devices/system/node/node1", F_OK);
}

/* ------------------------------------------------------------ target */

/*
 * userfaultfd write-protect, asynchronous (6.7+, so 6.12 and not 6.1): a
 * 2 MiB range write-protected every round and written again, so its PTEs
 * gain and lose the uffd-wp bit under the walker. Returns the uffd, or
 * -1 when the kernel cannot (the caller then goes on without it).
 */
static int wp_open(void)
{
	struct uffdio_api api = {
		.api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC,
	};
	int fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);

	if (fd >= 0 && ioctl(fd, UFFDIO_API, &api)) {
		close(fd);
		return -1;
	}
	return fd;
}

static char *wp_area;
static int wp_fd = -1;

static void wp_setup(void)
{
	struct uffdio_register reg;
	unsigned long i;

	wp_fd = wp_open();
	if (wp_fd < 0)
		return;
	wp_area = mmap(NULL, MB2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (wp_area == MAP_FAILED)
		goto off;
	for (i = 0; i < MB2; i += PG)
		wp_area[i] = 1;
	memset(&reg, 0, sizeof(reg));
	reg.range.start = (uintptr_t)wp_area;
	reg.range.len = MB2;
	reg.mode = UFFDIO_REGISTER_MODE_WP;
	if (!ioctl(wp_fd, UFFDIO_REGISTER, &reg))
		return;
off:
	close(wp_fd);
	wp_fd = -1;
}

static void wp_round(unsigned long r)
{
	struct uffdio_writeprotect wp = {
		.range = { .start = (uintptr_t)wp_area, .len = MB2 },
		.mode = UFFDIO_WRITEPROTECT_MODE_WP,
	};
	unsigned long i;

	if (wp_fd < 0)
		return;
	ioctl(wp_fd, UFFDIO_WRITEPROTECT, &wp);
	/* Every 8th page written: resolved by the kernel, bit cleared. */
	for (i = 0; i < MB2; i += 8 * PG)
		wp_area[i] = (char)r;
}

static void churn_round(unsigned long r, int nodes)
{
	size_t len = 8 * MB2;
	char *a = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *h;
	unsigned long i;

	if (a == MAP_FAILED)
		return;
	for (i = 0; i < len; i += PG)
		a[i] = (char)r;
	mprotect(a + MB2, MB2, PROT_READ);
	munmap(a + 3 * MB2, 64 * PG);
	/* A THP: 2 MiB aligned, past the hole punched above. */
	h = (char *)(((uintptr_t)a + 5 * MB2 - 1) & ~(MB2 - 1));
	madvise(h, MB2, MADV_HUGEPAGE);
	for (i = 0; i < MB2; i += PG)
		h[i] = 1;
	if (r % 4 == 0)
		madvise(h, MB2, MADV_COLLAPSE);
	if (r % 4 == 1)
		munmap(h + 17 * PG, PG);	/* splits the PMD */
	if (r % 8 == 2) {
		madvise(a, MB2, MADV_PAGEOUT);
		for (i = 0; i < MB2; i += PG)
			(void)*(volatile char *)(a + i);
	}
	if (nodes && r % 8 == 5) {
		void *pages[16];
		int node[16], status[16];

		for (i = 0; i < 16; i++) {
			pages[i] = a + 2 * MB2 + i * PG;
			node[i] = (int)((r / 8 + i) & 1);
		}
		syscall(__NR_move_pages, 0, 16UL, pages, node, status,
			MPOL_MF_MOVE);
	}
	if (r % 16 == 7) {
		pid_t c = fork();

		if (c == 0) {
			a[0] = 2;
			_exit(0);
		}
		if (c > 0)
			waitpid(c, NULL, 0);
	}
	munmap(a, len);
}

/*
 * Runs until the deadline; execs itself once a second, named
 * "churn-g<generation>" so the readers see each new mm in the pagetable
 * header's comm.
 */
static void target(double deadline, unsigned long round, unsigned long gen)
{
	int nodes = two_nodes();
	char dl[32], rd[32], g[32];
	double born = now();

	snprintf(g, sizeof(g), "churn-g%lu", gen);
	prctl(PR_SET_NAME, g);
	wp_setup();
	for (; now() < deadline; round++) {
		churn_round(round, nodes);
		wp_round(round);
		/* By time, not rounds: a loaded host must not starve it. */
		if (now() - born >= 1.0 && now() < deadline - 0.5) {
			snprintf(dl, sizeof(dl), "%.3f", deadline);
			snprintf(rd, sizeof(rd), "%lu", round + 1);
			snprintf(g, sizeof(g), "%lu", gen + 1);
			execl("/proc/self/exe", "pt_churn", "--target", dl, rd,
			      g, (char *)NULL);
			/* exec failed: go on without it */
		}
	}
	_exit(0);
}

/* ----------------------------------------------------------- readers */

struct reader {
	const char *file;
	pid_t pid;
	double deadline;
	long ok, esrch, other, partial;
	long gens;		/* pagetable: comm changes seen (execs) */
	long wp;		/* pagetable: reports showing uffd-wp */
	int first_err;
};

static int open_bound(const char *file, pid_t pid, const char *extra)
{
	char path[64], req[64];
	int fd;

	snprintf(path, sizeof(path), DIR_ "%s", file);
	snprintf(req, sizeof(req), "%d%s", pid, extra);
	fd = open(path, O_RDWR);
	if (fd >= 0 && write(fd, req, strlen(req)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* One whole read from offset 0: 0, or errno; *complete: ends in '\n'. */
static int read_all(int fd, char **buf, size_t *cap, int *complete)
{
	size_t len = 0;
	ssize_t n;

	for (;;) {
		if (*cap - len < 65536) {
			char *p = realloc(*buf, *cap ? *cap * 2 : 1 << 20);

			if (!p)
				return ENOMEM;
			*buf = p;
			*cap = *cap ? *cap * 2 : 1 << 20;
		}
		n = pread(fd, *buf + len, *cap - len, (off_t)len);
		if (n < 0)
			return errno;
		if (!n)
			break;
		len += (size_t)n;
	}
	*complete = len && (*buf)[len - 1] == '\n';
	return 0;
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	int fd = open_bound(r->file, r->pid, strcmp(r->file, "vtop") ? "" :
			    " 0x400000");
	size_t cap = 0;
	char *buf = NULL;
	long last_gen = -1;
	int e, complete;

	if (fd < 0) {
		r->first_err = errno;
		r->other++;
		return NULL;
	}
	while (now() < r->deadline) {
		e = read_all(fd, &buf, &cap, &complete);
		if (!e && complete && !strcmp(r->file, "pagetable")) {
			/* "# pid=P comm=churn-gN levels=L" */
			const char *c = strstr(buf, " comm=churn-g");
			long g = c ? atol(c + 13) : -1;

			if (g > last_gen) {
				r->gens += last_gen >= 0;
				last_gen = g;
			}
			r->wp += strstr(buf, "uffd-wp") != NULL;
		}
		if (!e && complete)
			r->ok++;
		else if (!e)
			r->partial++;
		else if (e == ESRCH)
			r->esrch++;
		else if (!r->other++)
			r->first_err = e;
	}
	close(fd);
	free(buf);
	return NULL;
}

/* A reader SIGKILLed at a random moment of its pagetable reads. */
static long kill_readers(pid_t t, double deadline)
{
	long kills = 0;

	while (now() < deadline) {
		pid_t c = fork();

		if (c == 0) {
			struct reader r = {
				.file = "pagetable", .pid = t,
				.deadline = deadline + 60,
			};

			reader_main(&r);
			_exit(0);
		}
		if (c < 0)
			break;
		usleep(20000 + (useconds_t)(rand() % 80000));
		kill(c, SIGKILL);
		waitpid(c, NULL, 0);
		kills++;
	}
	return kills;
}

/* ---------------------------------------------------------- pid reuse */

/*
 * Bind an fd to a child, let the child exit and be reaped, then fork
 * until a new process gets the same number: the old fd must answer
 * ESRCH. First by asking for the number (kernel.ns_last_pid, written as
 * CRIU does: the next fork gets the number after it, unless another
 * fork took it first); where that file is missing (no
 * CONFIG_CHECKPOINT_RESTORE) by forking until the numbers wrap (the
 * shell lowered kernel.pid_max so this comes soon). The wrap takes about
 * pid_max forks; under lockdep on PREEMPT_RT in TCG a fork can take
 * several ms, so that search is bounded in time too.
 */
#define PID_REUSE_SECS 40

/* A child numbered @want, by kernel.ns_last_pid; -1 if none came. */
static pid_t fork_numbered(pid_t want)
{
	for (int i = 0; i < 20; i++) {
		FILE *f = fopen("/proc/sys/kernel/ns_last_pid", "w");
		pid_t n;

		if (!f)
			return -1;
		fprintf(f, "%d", want - 1);
		if (fclose(f))
			return -1;
		n = fork();
		if (n == 0) {
			pause();
			_exit(0);
		}
		if (n < 0 || n == want)
			return n;
		kill(n, SIGKILL);
		waitpid(n, NULL, 0);
	}
	return -1;
}

static void pid_reuse(void)
{
	pid_t c = fork(), n = -1;
	char *buf = NULL;
	size_t cap = 0;
	int fd, e = 0, complete, tries;
	double deadline = now() + PID_REUSE_SECS;

	if (c == 0) {
		pause();
		_exit(0);
	}
	fd = open_bound("vmas", c, "");
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	n = fd >= 0 ? fork_numbered(c) : -1;
	for (tries = 0; n != c && tries < 100000 && fd >= 0; tries++) {
		if (!(tries % 64) && now() > deadline)
			break;
		n = fork();
		if (n == 0) {
			pause();
			_exit(0);
		}
		if (n < 0 || n == c)
			break;
		kill(n, SIGKILL);
		waitpid(n, NULL, 0);
	}
	if (fd < 0 || n != c) {
		printf("skip race: churn: a held pid whose number was reused reads ESRCH # number %d not handed out again in %d forks, %d s (fd %d)\n",
		       c, tries, PID_REUSE_SECS, fd);
		/* every child but one numbered c was reaped in the loop */
		return;
	}
	e = read_all(fd, &buf, &cap, &complete);
	printf("# race: churn: pid %d reused (%s, then %d forks); the old fd read: %s\n",
	       c, tries ? "ns_last_pid missed" : "asked for by ns_last_pid",
	       tries, e ? strerror(e) : "a report");
	result(e == ESRCH, "a held pid whose number was reused reads ESRCH, never the new process");
	kill(n, SIGKILL);
	waitpid(n, NULL, 0);
	close(fd);
	free(buf);
}

int main(int argc, char **argv)
{
	static const char *const files[] = { "vmas", "pagetable", "vtop" };
	struct reader r[3];
	pthread_t th[3];
	double secs, deadline;
	long kills, esrch_early = 0;
	pid_t t;
	int i, status;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 5 && !strcmp(argv[1], "--target"))
		target(atof(argv[2]), strtoul(argv[3], NULL, 10),
		       strtoul(argv[4], NULL, 10));
	if (argc != 2 || (secs = atof(argv[1])) <= 0) {
		fprintf(stderr, "usage: pt_churn SECONDS\n");
		return 2;
	}
	deadline = now() + secs;
	t = fork();
	if (t == 0)
		target(deadline, 0, 0);
	if (t < 0)
		return 2;
	for (i = 0; i < 3; i++) {
		r[i] = (struct reader){
			.file = files[i], .pid = t, .deadline = deadline,
		};
		pthread_create(&th[i], NULL, reader_main, &r[i]);
	}
	kills = kill_readers(t, deadline);
	for (i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	waitpid(t, &status, 0);
	for (i = 0; i < 3; i++) {
		printf("# race: churn: %s: %ld whole, %ld ESRCH, %ld partial, %ld other (first: %s)\n",
		       r[i].file, r[i].ok, r[i].esrch, r[i].partial,
		       r[i].other, r[i].other ? strerror(r[i].first_err) : "-");
		esrch_early += r[i].esrch;
	}
	printf("# race: churn: %ld readers killed mid-read; the pagetable reader saw %ld execs; target exit status %#x\n",
	       kills, r[1].gens, status);
	result(r[0].ok > 0 && r[1].ok > 0 && r[2].ok > 0,
	       "every reader got whole reports while the target churned");
	result(!r[0].other && !r[1].other && !r[2].other && !r[0].partial &&
	       !r[1].partial && !r[2].partial,
	       "no read failed other than with ESRCH, none was cut short");
	/* ESRCH only in the last moments, when the target exits at the deadline. */
	result(esrch_early <= 30, "ESRCH only as the target exits (a few reads at most)");
	i = wp_open();
	if (i < 0) {
		printf("skip race: churn: pagetable shows the uffd-wp bits of a write-protected range # no userfaultfd with UFFD_FEATURE_WP_ASYNC (6.7+)\n");
	} else {
		close(i);
		printf("# race: churn: %ld pagetable reports showed uffd-wp\n",
		       r[1].wp);
		result(r[1].wp > 0,
		       "pagetable shows the uffd-wp bits of a write-protected range");
	}
	result(WIFEXITED(status) && !WEXITSTATUS(status) && r[1].gens > 0,
	       "the target ran to its deadline, exec'ing, and exited 0; reports followed each exec");
	pid_reuse();
	return failures ? 1 : 0;
}
