// SPDX-License-Identifier: GPL-2.0
/*
 * vmareplace - walker reports of a target that keeps replacing one VMA
 * under them: each report must hold together, whatever changed between
 * the walker's lock drops (docs/walk.md, "What a report guarantees").
 *
 *   vmareplace SECONDS
 *
 * The target reserves 16 MiB PROT_NONE and, in a loop, puts at one
 * address A inside it an anonymous VMA (8 MiB, touched, no THP), splits
 * it with mprotect, replaces it with a private file mapping (8 MiB of a
 * tmpfs file) and with 2 MiB hugetlb pages (4 MiB; left out when the
 * pool has none), each by mmap(MAP_FIXED) at A. Before the loop it
 * puts each of those at A once and records the perms and name its own
 * /proc/self/maps gives it: the "maps lines the target had".
 *
 * Three readers, each bound to the target on its own fd, read vmas
 * (/proc/mmlens), numa (/proc/mmlens) and pagetable (debugfs) until
 * SECONDS have passed, and check every report:
 *   - lines sorted, each non-empty, none overlapping the one before;
 *   - outside the reservation, every line is the target's maps line as
 *     it was (vmas: range, perms, offset, name; numa: range);
 *   - inside it (vmas): perms and name equal to one the target had, the
 *     counts within the line's pages, no pmd leaf in an anonymous or
 *     file line (no THP there), and a hugetlb line made of 2 MiB leaves
 *     only (present == 512 * pmd); a file line's offset follows its
 *     start; inside it (numa): the pages counted within the line's.
 * On a debug kernel the caller sets mmlens.debug_drop_lock, which drops
 * mmap_lock before every step; elsewhere the target's own mmap calls
 * contend the lock and make the walker drop it.
 *
 * Prints TAP lines (tap.c) with label "vmareplace", ends with
 * "TAP # vmareplace: done".
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
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../parse.h"
#include "pt_oracle.h"
#include "tap.h"
#include "thp.h"

#define LABEL "vmareplace"
#define MB (1UL << 20)
#define RESV (16 * MB)
#define SPAN (8 * MB)		/* anonymous and file states */
#define HUGE_SPAN (4 * MB)	/* hugetlb state */
#define FILE_PATH "/tmp/vmareplace.file"

#ifndef MADV_NOHUGEPAGE
#define MADV_NOHUGEPAGE 15
#endif

enum kind { K_RESV, K_ANON, K_ANON_RO, K_FILE, K_HUGE, K_N };
static const char *const kind_names[K_N] = {
	"reservation", "anon", "anon (mprotect)", "file", "hugetlb",
};

/* What the target tells the readers, in memory shared across fork. */
struct shared {
	unsigned long resv, a;		/* reservation, and A inside it */
	int have[K_N];
	char perms[K_N][8];
	char name[K_N][128];
	volatile int stop;
	volatile unsigned long rounds;	/* replacement cycles done */
};

static struct shared *sh;
static pid_t target;
static struct vmas initial;	/* the target's maps after set-up */

static void die(const char *what)
{
	printf("TAP not ok " LABEL ": %s: %s\n", what, strerror(errno));
	exit(2);
}

/* ------------------------------------------------------------ target */

/*
 * One page in 16: enough present ptes in every pte table for a stale
 * line to show, few enough faults that the target replaces its VMA
 * many times a second even under KASAN in TCG.
 */
static void touch(char *p, size_t len)
{
	for (size_t i = 0; i < len; i += 16 * PG)
		p[i] = (char)(i / PG + 1);
}

/* Puts kind @k at A; 0, or -1 (errno) if it cannot be had. */
static int put(enum kind k, int fd)
{
	char *a = (char *)sh->a, *p;

	switch (k) {
	case K_ANON:
		p = mmap(a, SPAN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED || no_thp(p, SPAN))
			return -1;
		touch(p, SPAN);
		return 0;
	case K_ANON_RO:
		return mprotect(a + 2 * MB, 2 * MB, PROT_READ);
	case K_FILE:
		p = mmap(a, SPAN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_FIXED, fd, 0);
		if (p == MAP_FAILED)
			return -1;
		touch(p, SPAN / 2);
		return 0;
	case K_HUGE:
		p = mmap(a, HUGE_SPAN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_FIXED,
			 -1, 0);
		if (p == MAP_FAILED)
			return -1;
		for (size_t i = 0; i < HUGE_SPAN; i += 2 * MB)
			p[i] = 1;
		return 0;
	default:
		return 0;
	}
}

/* The perms and name maps gives the VMA at @addr now. */
static void record(enum kind k, unsigned long addr)
{
	struct vmas vs = { 0 };
	int i;

	if (maps_read(getpid(), 0, &vs))
		return;
	i = find_vma(&vs, addr);
	if (i >= 0) {
		snprintf(sh->perms[k], sizeof(sh->perms[k]), "%s",
			 vs.v[i].perms);
		snprintf(sh->name[k], sizeof(sh->name[k]), "%s",
			 vs.v[i].name);
		sh->have[k] = 1;
	}
	vmas_free(&vs);
}

/* Back to the reservation's PROT_NONE at A, as at the start. */
static void clear_a(void)
{
	if (mmap((void *)sh->a, SPAN, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_NORESERVE, -1,
		 0) == MAP_FAILED)
		die("mmap PROT_NONE over A");
}

static void target_main(void)
{
	static const enum kind cycle[] = { K_ANON, K_ANON_RO, K_FILE, K_HUGE };
	char *r;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	fd = open(FILE_PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, SPAN))
		die("create " FILE_PATH);
	r = mmap(NULL, RESV, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		die("reserve");
	sh->resv = (unsigned long)r;
	sh->a = ((unsigned long)r + 2 * MB - 1) & ~(2 * MB - 1);
	record(K_RESV, sh->a);
	for (size_t i = 0; i < sizeof(cycle) / sizeof(cycle[0]); i++) {
		if (put(cycle[i], fd) == 0)
			record(cycle[i], sh->a + (cycle[i] == K_ANON_RO ?
						  2 * MB : 0));
		if (cycle[i] != K_ANON)
			clear_a();
	}
	/* the set-up is done: the readers read our maps now */
	__atomic_store_n(&sh->rounds, 1, __ATOMIC_RELEASE);
	while (!sh->stop) {
		for (size_t i = 0; i < sizeof(cycle) / sizeof(cycle[0]); i++)
			if (sh->have[cycle[i]])
				put(cycle[i], fd);
		clear_a();
		sh->rounds++;
	}
	_exit(0);
}

/* ----------------------------------------------------------- readers */

struct reader {
	const char *file;
	int (*check)(const char *buf, size_t len, struct check *c);
	struct check c;
	long reports;
	pthread_t thread;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int in_resv(uint64_t start, uint64_t end)
{
	return start < sh->resv + RESV && end > sh->resv;
}

/* Order and overlap of consecutive lines [start, end). */
static void check_order(struct check *c, uint64_t *prev_end, uint64_t start,
			uint64_t end)
{
	if (start >= end || start < *prev_end)
		cfail(c, "%llx-%llx after a line ending at %llx",
		      (unsigned long long)start, (unsigned long long)end,
		      (unsigned long long)*prev_end);
	*prev_end = end;
}

/* A line outside the reservation: the target's maps line, unchanged. */
static const struct vma *initial_line(uint64_t start, uint64_t end)
{
	for (int i = 0; i < initial.n; i++)
		if (initial.v[i].start == start && initial.v[i].end == end)
			return &initial.v[i];
	return NULL;
}

/* The kind whose recorded maps line has these perms and name, or -1. */
static int kind_of(const char *perms, const char *name)
{
	for (int k = 0; k < K_N; k++)
		if (sh->have[k] && !strcmp(sh->perms[k], perms) &&
		    !strcmp(sh->name[k], name))
			return k;
	return -1;
}

static void check_vma_in_resv(struct check *c, const struct vma_info *v)
{
	uint64_t pages = (v->end - v->start) / PG;
	int k = kind_of(v->perms, v->name);

	if (v->start < sh->resv || v->end > sh->resv + RESV)
		cfail(c, "%llx-%llx crosses the reservation's bounds",
		      (unsigned long long)v->start, (unsigned long long)v->end);
	if (k < 0) {
		cfail(c, "%llx-%llx %s '%s': not a maps line the target had",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      v->perms, v->name);
		return;
	}
	if (v->present + v->swap > pages)
		cfail(c, "%llx-%llx %s: present %llu + swap %llu > %llu pages",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      kind_names[k], (unsigned long long)v->present,
		      (unsigned long long)v->swap, (unsigned long long)pages);
	if (k == K_HUGE && v->present != 512 * v->pmd)
		cfail(c, "%llx-%llx hugetlb: present %llu, %llu pmd leaves",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      (unsigned long long)v->present,
		      (unsigned long long)v->pmd);
	if (k != K_HUGE && (v->pmd || v->pud))
		cfail(c, "%llx-%llx %s: %llu pmd, %llu pud leaves (no THP here)",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      kind_names[k], (unsigned long long)v->pmd,
		      (unsigned long long)v->pud);
	if (k == K_FILE && v->pgoff != v->start - sh->a)
		cfail(c, "%llx-%llx file: offset %llx, its start wants %llx",
		      (unsigned long long)v->start, (unsigned long long)v->end,
		      (unsigned long long)v->pgoff,
		      (unsigned long long)(v->start - sh->a));
}

/* A parser's -1 (err) fails the check with its line and reason. */
static int refused(struct check *c, const char *what, int err,
		   const struct parse_err *pe)
{
	if (err)
		cfail(c, "%s line %u: %s", what, pe->line, pe->msg);
	return err;
}

static int check_vmas(const char *buf, size_t len, struct check *c)
{
	struct vma_list vl = { 0 };
	struct parse_err pe;
	uint64_t prev_end = 0;
	int err = refused(c, "vmas", parse_vmas(buf, len, &vl, &pe), &pe);

	for (size_t i = 0; !err && i < vl.n; i++) {
		struct vma_info *v = &vl.v[i];
		const struct vma *m;
		size_t n = strlen(v->name);

		/* the name as maps's reader trims it (pt_oracle.c) */
		while (n && (v->name[n - 1] == ' ' || v->name[n - 1] == '\t'))
			v->name[--n] = '\0';
		check_order(c, &prev_end, v->start, v->end);
		if (in_resv(v->start, v->end)) {
			check_vma_in_resv(c, v);
			continue;
		}
		m = initial_line(v->start, v->end);
		if (!m || strcmp(m->perms, v->perms) || m->pgoff != v->pgoff ||
		    strcmp(m->name, v->name))
			cfail(c, "%llx-%llx %s %llx '%s': not the target's maps line",
			      (unsigned long long)v->start,
			      (unsigned long long)v->end, v->perms,
			      (unsigned long long)v->pgoff, v->name);
	}
	vma_list_free(&vl);
	return err;
}

static int check_numa(const char *buf, size_t len, struct check *c)
{
	struct numa_list nl = { 0 };
	struct parse_err pe;
	uint64_t prev_end = 0;
	int err = refused(c, "numa", parse_numa(buf, len, &nl, &pe), &pe);

	for (size_t i = 0; !err && i < nl.n; i++) {
		const struct numa_vma *v = &nl.v[i];
		uint64_t pages = 0;

		check_order(c, &prev_end, v->start, v->end);
		if (!in_resv(v->start, v->end)) {
			if (!initial_line(v->start, v->end))
				cfail(c, "%llx-%llx: not a maps line of the target",
				      (unsigned long long)v->start,
				      (unsigned long long)v->end);
			continue;
		}
		for (size_t n = 0; n < v->nnodes; n++)
			pages += v->nodes[n].pages;
		if (pages > (v->end - v->start) / PG)
			cfail(c, "%llx-%llx: %llu pages counted",
			      (unsigned long long)v->start,
			      (unsigned long long)v->end,
			      (unsigned long long)pages);
	}
	numa_list_free(&nl);
	return err;
}

static int check_pagetable(const char *buf, size_t len, struct check *c)
{
	struct pt_report pt = { 0 };
	struct parse_err pe;
	uint64_t prev_end = 0;
	int err = refused(c, "pagetable", parse_pagetable(buf, len, &pt, &pe),
			  &pe);

	for (size_t i = 0; !err && i < pt.n; i++)
		check_order(c, &prev_end, pt.r[i].start, pt.r[i].end);
	pt_report_free(&pt);
	return err;
}

static double deadline;

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	char pid[16];
	int fd = open(r->file, O_RDWR);

	r->c.used = 1;
	snprintf(pid, sizeof(pid), "%d", target);
	if (fd < 0 || write(fd, pid, strlen(pid)) < 0) {
		cfail(&r->c, "open and bind %s: %s", r->file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while (now() < deadline && r->c.fails < MAXPRINT) {
		size_t len;
		char *buf = lseek(fd, 0, SEEK_SET) ? NULL : slurp_fd(fd, &len);

		if (!buf) {
			cfail(&r->c, "read %s: %s", r->file, strerror(errno));
			break;
		}
		r->check(buf, len, &r->c);
		free(buf);
		r->reports++;
	}
	r->c.n = r->reports;
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	struct reader readers[] = {
		{ .file = "/proc/mmlens/vmas", .check = check_vmas },
		{ .file = "/proc/mmlens/numa", .check = check_numa },
		{ .file = "/sys/kernel/debug/mmlens/pagetable",
		  .check = check_pagetable },
	};
	const size_t nr = sizeof(readers) / sizeof(readers[0]);
	unsigned long rounds0;
	char name[128];

	if (argc != 2) {
		fprintf(stderr, "usage: vmareplace SECONDS\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_prefix = "TAP ";
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		die("mmap shared");
	target = fork();
	if (target < 0)
		die("fork");
	if (!target)
		target_main();
	while (!__atomic_load_n(&sh->rounds, __ATOMIC_ACQUIRE)) {
		if (waitpid(target, NULL, WNOHANG) == target)
			die("the target died in its set-up");
		usleep(1000);
	}
	if (maps_read(target, 0, &initial))
		die("read the target's maps");
	for (int k = 0; k < K_N; k++)
		if (sh->have[k])
			diag(LABEL ": %s: maps says '%s' '%s'", kind_names[k],
			     sh->perms[k], sh->name[k]);
		else
			diag(LABEL ": %s: not available here", kind_names[k]);
	rounds0 = sh->rounds;
	deadline = now() + atof(argv[1]);
	for (size_t i = 0; i < nr; i++)
		pthread_create(&readers[i].thread, NULL, reader_main,
			       &readers[i]);
	for (size_t i = 0; i < nr; i++)
		pthread_join(readers[i].thread, NULL);
	sh->stop = 1;
	waitpid(target, NULL, 0);
	unlink(FILE_PATH);

	diag(LABEL ": %lu replacement rounds while the readers read",
	     sh->rounds - rounds0);
	resultf(sh->rounds - rounds0 > 0, LABEL,
		"the target replaced its VMA while the readers read",
		"%lu rounds", sh->rounds - rounds0);
	/* hugetlb may be missing (no huge page free); the others never */
	resultf(sh->have[K_ANON] && sh->have[K_ANON_RO] && sh->have[K_FILE],
		LABEL, "anonymous, split and file mappings each in the cycle",
		"anon %d, split %d, file %d", sh->have[K_ANON],
		sh->have[K_ANON_RO], sh->have[K_FILE]);
	for (size_t i = 0; i < nr; i++) {
		snprintf(name, sizeof(name),
			 "%s: every report sorted, disjoint, true to the target's VMAs",
			 readers[i].file);
		readers[i].c.name = name;
		diag(LABEL ": %s: %ld reports", readers[i].file,
		     readers[i].reports);
		if (!readers[i].reports)
			cfail(&readers[i].c, "no report read");
		cprint(&readers[i].c, LABEL);
	}
	vmas_free(&initial);
	printf("TAP # " LABEL ": done\n");
	return failures ? 1 : 0;
}
