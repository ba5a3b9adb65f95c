// SPDX-License-Identifier: GPL-2.0
/*
 * pt_race - race the mmlens page-table walker against what changes page
 * tables under it (issue 10, "Races to close"). Each mode runs for at
 * most SECONDS (plus set-up of a few seconds at most):
 *
 *   pt_race hugetlb-share SECONDS [HUGETLBFS_DIR]
 *	a target maps a hugetlbfs file over a whole 1 GiB-aligned PUD
 *	range; forked children map it the same way (sharing the target's
 *	PMD table), punch holes, truncate and exit, which unshares and
 *	frees PMD tables under mmap_locks the walker does not hold. Reads
 *	of pagetable, vmas and vtop of the target must never fail.
 *   pt_race thp-split SECONDS
 *	a target faults THPs and splits them (munmap, mprotect,
 *	MADV_PAGEOUT of 4 KiB inside) and collapses them (MADV_COLLAPSE).
 *	Reads must never fail, and vtop must never answer pfn= for a PMD
 *	that __split_huge_pmd has invalidated (PSE set, PRESENT and
 *	PROTNONE clear): that PMD no longer maps the huge page.
 *   pt_race lru-age SECONDS
 *	multi-gen LRU aging (debugfs lru_gen "+" commands) clears Accessed
 *	bits of the target's PMDs and PTEs while the target sets them
 *	again; reads of pagetable and vmas must never fail (EAGAIN).
 *   pt_race exit SECONDS
 *	the target (a pagetable report of several chunks) is SIGKILLed
 *	between two chunks, then during whole reads, and left a zombie
 *	until the read returns: the read must end in the whole report or
 *	ESRCH, and a later chunk after the death must be ESRCH.
 *   pt_race stall SECONDS
 *	measures how long the target's own mmap/munmap loop stalls while
 *	its 2048 PTE tables are walked, by mmlens and by pagemap.
 *
 * Prints "ok NAME", "not ok NAME", "skip NAME # REASON" and "# ..."
 * diagnostics (the shell prefixes "TAP "), names "race: MODE: ...".
 * Exit status 1 when a check failed, 2 when the test could not run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "errname.h"
#include "madv.h"
#include "thp.h"

#ifndef FALLOC_FL_KEEP_SIZE
#define FALLOC_FL_KEEP_SIZE 0x01
#endif
#ifndef FALLOC_FL_PUNCH_HOLE
#define FALLOC_FL_PUNCH_HOLE 0x02
#endif

#define DIR_ "/sys/kernel/debug/mmlens/"
#define PG 4096UL
#define MB2 (2UL << 20)
#define GB1 (1UL << 30)
#define MAXPRINT 5

/* x86 entry bits, as vtop prints the raw entries */
#define X86_PRESENT (1ULL << 0)
#define X86_PSE (1ULL << 7)
#define X86_PROTNONE (1ULL << 8)
#define X86_TABLE_MASK 0x000ffffffffff000ULL

/* ------------------------------------------------------------ output */

static const char *mode;
static int failures;

static void result(int ok, const char *name)
{
	printf("%s race: %s: %s\n", ok ? "ok" : "not ok", mode, name);
	if (!ok)
		failures++;
}

static void skip(const char *name, const char *why)
{
	printf("skip race: %s: %s # %s\n", mode, name, why);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# %s: ", mode);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static const char *errname(int e)
{
	static const struct errname tab[] = {
		{ 0, "ok" }, { EAGAIN, "EAGAIN" }, { EINTR, "EINTR" },
		{ EINVAL, "EINVAL" }, { ENOMEM, "ENOMEM" }, { ESRCH, "ESRCH" },
		{ EFBIG, "EFBIG" }, { EFAULT, "EFAULT" }, { EIO, "EIO" },
	};

	return errname_in(tab, sizeof(tab) / sizeof(tab[0]), e);
}

/* ------------------------------------------------------------- time */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_until(double t)
{
	double d = t - now();

	if (d > 0)
		usleep((useconds_t)(d * 1e6));
}

/* ---------------------------------------------------- mmlens reads */

/* One report, grown as needed and reused from read to read. */
struct rbuf {
	char *p;
	size_t cap, len;
};

/* An O_RDWR fd of an mmlens file with REQ ("PID" or "PID ADDR") written
 * on it: every later read from offset 0 walks that process again. */
static int open_report(const char *file, const char *req)
{
	char path[128];
	int fd, e;

	snprintf(path, sizeof(path), DIR_ "%s", file);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -errno;
	if (write(fd, req, strlen(req)) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

static int open_pid(const char *file, pid_t pid)
{
	char req[32];

	snprintf(req, sizeof(req), "%d", pid);
	return open_report(file, req);
}

static int open_vtop(pid_t pid, uintptr_t addr)
{
	char req[64];

	snprintf(req, sizeof(req), "%d %lx", pid, (unsigned long)addr);
	return open_report("vtop", req);
}

/* Read fd from offset 0 to EOF (one walk, docs/walk.md): 0 or errno. */
static int rd(int fd, struct rbuf *b)
{
	ssize_t n;

	b->len = 0;
	for (;;) {
		if (b->cap - b->len < 65537) {
			size_t cap = b->cap ? b->cap * 2 : 1 << 20;
			char *p = realloc(b->p, cap);

			if (!p)
				return ENOMEM;
			b->p = p;
			b->cap = cap;
		}
		n = pread(fd, b->p + b->len, b->cap - b->len - 1, b->len);
		if (n < 0)
			return errno;
		if (!n)
			break;
		b->len += n;
	}
	b->p[b->len] = 0;
	return 0;
}

/* Reads of one kind: successes, failures, and the first few errors. */
struct tally {
	const char *what;
	long ok, err;
};

static void count(struct tally *t, int e)
{
	if (!e) {
		t->ok++;
		return;
	}
	if (t->err++ < MAXPRINT)
		diag("%s read failed: %s", t->what, errname(e));
}

/* The line after l, or NULL after the last. */
static const char *next_line(const char *l)
{
	l = strchr(l, '\n');
	return l && l[1] ? l + 1 : NULL;
}

/* The raw entry= of LEVEL's line of a vtop answer; 0 when absent. */
static unsigned long long vtop_entry(const char *text, const char *level)
{
	size_t n = strlen(level);
	const char *l, *e;

	for (l = *text ? text : NULL; l; l = next_line(l)) {
		if (strncmp(l, level, n) || l[n] != ' ')
			continue;
		e = strstr(l, " entry=");
		if (!e || e > strchrnul(l, '\n'))
			return 0;
		return strtoull(e + 7, NULL, 16);
	}
	return 0;
}

/* The last line of a vtop answer: pfn=, not-present at, not-mapped... */
static const char *vtop_answer(const char *text, size_t len)
{
	const char *l = text + len;

	if (l > text && l[-1] == '\n')
		l--;
	while (l > text && l[-1] != '\n')
		l--;
	return l;
}

/* -------------------------------------------------------- processes */

static void *shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* fork, and the child runs fn (never returns); it dies with us, so a
 * killed pt_race leaves no busy processes behind. */
static pid_t spawn(void (*fn)(void *), void *arg)
{
	pid_t p = fork();

	if (p == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		fn(arg);
		_exit(0);
	}
	return p;
}

static void reap(pid_t p)
{
	if (p <= 0)
		return;
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
}

/* Wait until *flag leaves 0 (a child's "ready" or "failed") or the
 * child dies; returns the flag, -1 on death or after timeout seconds. */
static int wait_ready(volatile int *flag, pid_t child, double timeout)
{
	double end = now() + timeout;

	while (!*flag && now() < end) {
		if (waitpid(child, NULL, WNOHANG) == child)
			return -1;
		usleep(2000);
	}
	return *flag ? *flag : -1;
}

/*
 * spawn(fn, sh), then wait_ready() 30 s for *ready: the target's pid, or
 * -1 when it does not get ready; then checks a and b are skipped with
 * "target: " and twhy (its reason, or "died or hung"), and it is reaped.
 */
static pid_t spawn_target(void (*fn)(void *), void *sh, volatile int *ready,
			  const char *twhy, const char *a, const char *b)
{
	pid_t t = spawn(fn, sh);
	char why[256];

	if (wait_ready(ready, t, 30) == 1)
		return t;
	snprintf(why, sizeof(why), "target: %s",
		 twhy[0] ? twhy : "died or hung");
	skip(a, why);
	skip(b, why);
	reap(t);
	return -1;
}

/* [raw, raw + len) anonymous, NORESERVE, starting align-aligned. */
static char *reserve_aligned(size_t len, size_t align, int prot)
{
	char *raw = mmap(NULL, len + align, prot,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a;

	if (raw == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)raw + align - 1) & ~(align - 1);
	if (a > (uintptr_t)raw)
		munmap(raw, a - (uintptr_t)raw);
	munmap((char *)a + len, (uintptr_t)raw + align - a);
	return (char *)a;
}

/* ---------------------------------------------------- hugetlb-share */

/*
 * PMD sharing (huge_pmd_share) needs a MAP_SHARED hugetlb VMA covering a
 * whole PUD-aligned 1 GiB at the same file offset in both processes.
 * Unsharing (huge_pmd_unshare, on every unmap of the range: punch hole,
 * truncate, exit) clears a PUD entry of *another* mm under i_mmap_rwsem,
 * without that mm's mmap_lock, and the last holder frees the table.
 */
#define HS_PAGES 4		/* huge pages touched, of HS_POOL */
#define HS_FILE GB1

struct hs_shared {
	volatile int ready;		/* target: 1 touched, -1 failed */
	volatile uintptr_t taddr;	/* the target's PUD range */
	volatile pid_t child;		/* churner's current child, or 0 */
	volatile uintptr_t caddr;	/* and its PUD range */
	volatile long churns, touches, sigbus;
	int fd;
	char why[160];
};

static sigjmp_buf bus_jmp;

static void on_bus(int sig)
{
	(void)sig;
	siglongjmp(bus_jmp, 1);
}

static char *hs_map(int fd)
{
	char *a = reserve_aligned(GB1, GB1, PROT_NONE);

	if (!a || mmap(a, GB1, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_NORESERVE | MAP_FIXED, fd, 0) != a)
		return NULL;
	return a;
}

/* Write the first HS_PAGES huge pages; a page past EOF (truncated) or an
 * empty pool is SIGBUS, counted and skipped. Returns pages written. */
static int hs_touch(struct hs_shared *sh, char *base)
{
	volatile int i, ok = 0;

	for (i = 0; i < HS_PAGES; i++) {
		if (sigsetjmp(bus_jmp, 1)) {
			sh->sigbus++;
			continue;
		}
		base[(size_t)i * MB2] = (char)i;
		ok++;
	}
	return ok;
}

static void hs_target(void *arg)
{
	struct hs_shared *sh = arg;
	char *base = hs_map(sh->fd);

	signal(SIGBUS, on_bus);
	if (!base) {
		snprintf(sh->why, sizeof(sh->why), "mmap hugetlbfs file: %s",
			 strerror(errno));
		sh->ready = -1;
		_exit(1);
	}
	sh->taddr = (uintptr_t)base;
	if (hs_touch(sh, base) < 1) {
		snprintf(sh->why, sizeof(sh->why),
			 "SIGBUS on the first touch: no free 2 MiB huge page");
		sh->ready = -1;
		_exit(1);
	}
	sh->ready = 1;
	/* refault what was punched or truncated: that re-shares tables */
	for (;;) {
		sh->touches += hs_touch(sh, base);
		usleep(1000);
	}
}

/* One sharer: map, fault (sharing the target's PMD table, or creating
 * one the target will share), then unshare it one of three ways. */
static void hs_child(struct hs_shared *sh, unsigned long it)
{
	char *base = hs_map(sh->fd);

	if (!base)
		_exit(1);
	hs_touch(sh, base);
	sh->caddr = (uintptr_t)base;
	sh->child = getpid();
	usleep(2000);	/* let the reader walk the shared table */
	switch (it % 3) {
	case 0:
		fallocate(sh->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			  MB2, MB2);
		break;
	case 1:
		if (ftruncate(sh->fd, 2 * MB2))
			_exit(1);
		break;
	default:
		break;	/* exit_mmap unshares */
	}
	/*
	 * Exit at once: when the unshare above took the table from the
	 * target, this child is its last user and exit_mmap frees it, while
	 * a walk of the target may still hold the PUD entry it read before.
	 */
	sh->child = 0;
	_exit(0);
}

static void hs_churner(void *arg)
{
	struct hs_shared *sh = arg;

	signal(SIGBUS, on_bus);
	for (unsigned long it = 0;; it++) {
		pid_t c;

		/* now and then drop every page (and so every PMD entry) */
		if (it % 8 == 7 && ftruncate(sh->fd, 0))
			_exit(1);
		/* re-extend what the last child truncated */
		if (ftruncate(sh->fd, HS_FILE))
			_exit(1);
		c = fork();
		if (c == 0)
			hs_child(sh, it);
		if (c > 0)
			waitpid(c, NULL, 0);
		sh->churns++;
	}
}

/* Does the churner's current child use the target's PMD table? Both
 * PUD entries then point at the same table (vtop's pud entry=). */
static int hs_shared_seen(struct hs_shared *sh, unsigned long long tpud,
			  struct rbuf *b)
{
	pid_t c = sh->child;
	uintptr_t a = sh->caddr;
	unsigned long long cpud;
	int fd, e;

	if (!c || !tpud)
		return 0;
	fd = open_vtop(c, a);
	if (fd < 0)
		return 0;	/* the child exited: not our target */
	e = rd(fd, b);
	close(fd);
	cpud = e ? 0 : vtop_entry(b->p, "pud");
	return cpud && (cpud & X86_TABLE_MASK) == (tpud & X86_TABLE_MASK);
}

struct hs_reads {
	struct tally pt, vm, vt;
	long vt_pfn, shared, odd;
};

static void hs_odd(struct hs_reads *r, const char *what, const char *l)
{
	if (r->odd++ < MAXPRINT)
		diag("%s: %.*s", what, (int)strcspn(l, "\n"), l);
}

/*
 * Inside the hugetlb VMA only 2 MiB leaves can exist: a pte run there, or
 * a frame that is not 2 MiB-aligned, was read from a table that is no
 * longer one (freed and reused) - the non-KASAN face of the race.
 */
static void hs_check_pagetable(const struct rbuf *b, uintptr_t lo,
			       struct hs_reads *r)
{
	unsigned long start, end;
	unsigned long long pfn;
	char level[8], kind[24];

	for (const char *l = b->len ? b->p : NULL; l; l = next_line(l)) {
		int n = sscanf(l, "%lx-%lx %7s %*u %23s pfn=%llx", &start,
			       &end, level, kind, &pfn);

		if (n < 4 || end <= lo || start >= lo + GB1)
			continue;
		if (strcmp(level, "pmd") || (n == 5 && pfn % 512))
			hs_odd(r, "pagetable: not a 2 MiB leaf in the hugetlb VMA", l);
	}
}

static void hs_check_vtop(const struct rbuf *b, struct hs_reads *r)
{
	const char *pte = strstr(b->p, "\npte ");

	if (pte)
		hs_odd(r, "vtop: a hugetlb address walked down to a pte", pte + 1);
	if (!strncmp(vtop_answer(b->p, b->len), "pfn=", 4))
		r->vt_pfn++;
}

static void hs_read_loop(struct hs_shared *sh, pid_t t, double deadline,
			 struct hs_reads *r)
{
	int pt = open_pid("pagetable", t), vm = open_pid("vmas", t);
	/* the middle of huge page 1: punched, refaulted, truncated */
	int vt = open_vtop(t, sh->taddr + MB2 + MB2 / 2 + 0x123);
	struct rbuf b = { 0 }, cb = { 0 };
	unsigned long long tpud;
	int e;

	if (pt < 0 || vm < 0 || vt < 0) {
		diag("open: %s", errname(-(pt < 0 ? pt : vm < 0 ? vm : vt)));
		r->pt.err++;
		return;
	}
	for (long n = 0; now() < deadline; n++) {
		e = rd(pt, &b);
		count(&r->pt, e);
		if (!e)
			hs_check_pagetable(&b, sh->taddr, r);
		count(&r->vm, rd(vm, &b));
		e = rd(vt, &b);
		count(&r->vt, e);
		if (e)
			continue;
		hs_check_vtop(&b, r);
		tpud = vtop_entry(b.p, "pud");
		if (n % 4 == 0)
			r->shared += hs_shared_seen(sh, tpud, &cb);
	}
	close(pt);
	close(vm);
	close(vt);
	free(b.p);
	free(cb.p);
}

static int hs_open_file(const char *dir, char *path, size_t len)
{
	int fd;

	snprintf(path, len, "%s/pt_race.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && ftruncate(fd, HS_FILE)) {
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int do_hugetlb_share(double secs, const char *dir)
{
	const char *name = "reads succeed while PMD tables are shared, unshared and freed";
	const char *oname = "the hugetlb VMA only ever shows 2 MiB leaves";
	struct hs_shared *sh = shared(sizeof(*sh));
	struct hs_reads r = {
		.pt.what = "pagetable", .vm.what = "vmas", .vt.what = "vtop",
	};
	double t0 = now();
	char path[256], why[512];
	pid_t t, ch;

	if (!sh)
		return 2;
	sh->fd = hs_open_file(dir, path, sizeof(path));
	if (sh->fd < 0) {
		snprintf(why, sizeof(why), "no hugetlbfs file in %s: %s", dir,
			 strerror(errno));
		skip(name, why);
		skip(oname, why);
		return 0;
	}
	t = spawn_target(hs_target, sh, &sh->ready, sh->why, name, oname);
	if (t < 0) {
		unlink(path);
		return 0;
	}
	ch = spawn(hs_churner, sh);
	hs_read_loop(sh, t, t0 + secs, &r);
	reap(ch);
	reap(t);
	unlink(path);
	diag("%ld reads (pagetable %ld, vmas %ld, vtop %ld: %ld with pfn=), %ld failed",
	     r.pt.ok + r.vm.ok + r.vt.ok, r.pt.ok, r.vm.ok, r.vt.ok, r.vt_pfn,
	     r.pt.err + r.vm.err + r.vt.err);
	diag("%ld churn iterations; huge pages written %ld times, %ld SIGBUS (truncated, or the pool ran dry); target and child seen sharing one PMD table %ld times",
	     sh->churns, sh->touches, sh->sigbus, r.shared);
	result(!r.pt.err && !r.vm.err && !r.vt.err, name);
	result(!r.odd, oname);
	return 0;
}

/* -------------------------------------------------------- thp-split */

struct ts_shared {
	volatile int ready;
	volatile uintptr_t slot;	/* the 2 MiB-aligned THP slot */
	volatile long faulted, splits, collapsed, collapse_err;
	char why[160];
};

/* A new THP in slot: a fresh VMA and PMD, then a fault. */
static int ts_fresh(char *slot)
{
	munmap(slot, MB2);
	if (mmap(slot, MB2, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != slot ||
	    madvise(slot, MB2, MADV_HUGEPAGE))
		return -1;
	memset(slot, 1, PG);
	slot[MB2 - 1] = 1;
	return 0;
}

/* Split the THP in slot by changing 4 KiB of it, one of three ways; each
 * goes through __split_huge_pmd, which invalidates the PMD first. */
static void ts_split(struct ts_shared *sh, char *slot, int how)
{
	char *p = slot + (1 + how) * PG;

	switch (how) {
	case 0:
		munmap(p, PG);
		mmap(p, PG, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		madvise(p, PG, MADV_HUGEPAGE);	/* merges back */
		*p = 1;
		break;
	case 1:
		mprotect(p, PG, PROT_READ);
		mprotect(p, PG, PROT_READ | PROT_WRITE);
		break;
	default:
		madvise(p, PG, MADV_PAGEOUT);
		break;
	}
	sh->splits++;
}

static void ts_collapse(struct ts_shared *sh, char *slot)
{
	if (!madvise(slot, MB2, MADV_COLLAPSE))
		sh->collapsed++;
	else if (errno != EINVAL && errno != EAGAIN)
		sh->collapse_err++;
}

static void ts_target(void *arg)
{
	struct ts_shared *sh = arg;
	char *slot = reserve_aligned(MB2, MB2, PROT_READ | PROT_WRITE);

	if (!slot || ts_fresh(slot)) {
		snprintf(sh->why, sizeof(sh->why), "THP slot: %s",
			 strerror(errno));
		sh->ready = -1;
		_exit(1);
	}
	sh->slot = (uintptr_t)slot;
	sh->ready = 1;
	/*
	 * fresh, split, fresh, split, fresh, split, collapse, split: the
	 * splits are what the reader must catch, and a THP fault (25 ms
	 * under TCG) is cheaper than MADV_COLLAPSE (45 ms: a 2 MiB copy and
	 * an LRU drain on every CPU), so collapse makes one THP in four.
	 */
	for (unsigned long k = 1;; k++) {
		if (k % 2) {
			ts_split(sh, slot, (k / 2) % 3);
		} else if (k % 8 == 6) {
			ts_collapse(sh, slot);
		} else {
			ts_fresh(slot);
			sh->faulted++;
		}
	}
}

struct ts_reads {
	struct tally vt, pt;
	long leaf, invalid, bad;
};

/* vtop of an address in the slot. The PMD is a huge leaf (PSE) that is
 * present, or invalidated by a split in progress: then it maps nothing
 * any more, and answering pfn= would report a gone mapping as present. */
static void ts_check_vtop(const struct rbuf *b, struct ts_reads *r)
{
	unsigned long long pmd = vtop_entry(b->p, "pmd");
	int pfn = !strncmp(vtop_answer(b->p, b->len), "pfn=", 4);

	if (!(pmd & X86_PSE))
		return;
	if (pmd & (X86_PRESENT | X86_PROTNONE)) {
		r->leaf += pfn;
		return;
	}
	r->invalid++;
	if (pfn && r->bad++ < MAXPRINT) {
		const char *l = strstr(b->p, "\npmd ") + 1;
		const char *a = vtop_answer(b->p, b->len);

		diag("a split in progress answered as a present huge leaf: %.*s -> %.*s",
		     (int)strcspn(l, "\n"), l, (int)strcspn(a, "\n"), a);
	}
}

static void ts_read_loop(struct ts_shared *sh, pid_t t, double deadline,
			 struct ts_reads *r)
{
	int vt = open_vtop(t, sh->slot + MB2 / 2 + 0x321);
	int pt = open_pid("pagetable", t);
	struct rbuf b = { 0 };
	int e;

	if (vt < 0 || pt < 0) {
		diag("open: %s", errname(-(vt < 0 ? vt : pt)));
		r->vt.err++;
		return;
	}
	for (long n = 0; now() < deadline; n++) {
		e = rd(vt, &b);
		count(&r->vt, e);
		if (!e)
			ts_check_vtop(&b, r);
		if (n % 8 == 7)
			count(&r->pt, rd(pt, &b));
	}
	close(vt);
	close(pt);
	free(b.p);
}

static int thp_available(char *why, size_t len)
{
	char buf[128] = "";
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0) {
		snprintf(why, len, "no THP (/sys/kernel/mm/transparent_hugepage/enabled)");
		return 0;
	}
	if (strstr(buf, "[never]")) {
		snprintf(why, len, "THP disabled: %s", strtok(buf, "\n"));
		return 0;
	}
	return 1;
}

static int do_thp_split(double secs)
{
	const char *rname = "reads succeed while THPs split and collapse";
	const char *iname = "a PMD invalidated by a split is never a present huge leaf";
	struct ts_shared *sh = shared(sizeof(*sh));
	struct ts_reads r = { .vt.what = "vtop", .pt.what = "pagetable" };
	double t0 = now();
	char why[256];
	pid_t t;

	if (!sh)
		return 2;
	if (!thp_available(why, sizeof(why))) {
		skip(rname, why);
		skip(iname, why);
		return 0;
	}
	t = spawn_target(ts_target, sh, &sh->ready, sh->why, rname, iname);
	if (t < 0)
		return 0;
	ts_read_loop(sh, t, t0 + secs, &r);
	reap(t);
	diag("%ld reads (vtop %ld, pagetable %ld), %ld failed", r.vt.ok + r.pt.ok,
	     r.vt.ok, r.pt.ok, r.vt.err + r.pt.err);
	diag("vtop saw %ld present THP PMD leaves and %ld invalidated PMDs (%ld answered pfn=); target: %ld THPs faulted, %ld collapsed (%ld failed), %ld splits",
	     r.leaf, r.invalid, r.bad, sh->faulted, sh->collapsed,
	     sh->collapse_err, sh->splits);
	result(!r.vt.err && !r.pt.err, rname);
	if (!r.leaf && !r.invalid)
		skip(iname, "vtop never saw a THP PMD leaf");
	else
		result(!r.bad, iname);
	return 0;
}

/* ---------------------------------------------------------- lru-age */

#define LRU_ENABLED "/sys/kernel/mm/lru_gen/enabled"
#define LRU_DEBUGFS "/sys/kernel/debug/lru_gen"
#define LA_LEN (64UL << 20)
#define LA_MAXCMD 64

struct la_shared {
	volatile int ready;
	volatile long sweeps, aged, age_err, last_err;
};

static int read_text(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = 0;
	return 0;
}

static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), e = 0;

	if (fd < 0)
		return errno;
	if (write(fd, s, strlen(s)) < 0)
		e = errno;
	close(fd);
	return e;
}

/* Keeps every page's Accessed bit (and its PMD's) coming back. */
static void la_target(void *arg)
{
	struct la_shared *sh = arg;
	char *a = mmap(NULL, LA_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED || no_thp(a, LA_LEN)) {
		sh->ready = -1;
		_exit(1);
	}
	memset(a, 1, LA_LEN);
	sh->ready = 1;
	for (;;) {
		for (size_t i = 0; i < LA_LEN; i += PG)
			a[i]++;
		sh->sweeps++;
	}
}

/* One aging command's target: a memcg, a node and its newest generation. */
struct la_cmd {
	long memcg, node, max_gen;
};

/*
 * lru_gen's format (Documentation/admin-guide/mm/multigen_lru.rst):
 * "memcg ID PATH", then per node " node ID" and one line per generation,
 * oldest first, each starting with its number: the last is max_gen.
 */
static int la_parse(char *text, struct la_cmd *c, int max)
{
	long memcg = -1, node = -1, v;
	int n = 0, open = 0;	/* open: c[n] has the current node's gen */
	char *save = NULL;

	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		if (sscanf(l, " memcg %ld", &v) == 1) {
			n += open;
			open = 0;
			memcg = v;
			node = -1;
		} else if (sscanf(l, " node %ld", &v) == 1) {
			n += open;
			open = 0;
			node = v;
		} else if (memcg >= 0 && node >= 0 && n < max &&
			   sscanf(l, " %ld", &v) == 1) {
			c[n] = (struct la_cmd){ memcg, node, v };
			open = 1;
		}
	}
	return n + open;
}

/*
 * "+ MEMCG NODE MAX_GEN 1 1" for every memcg and node: a new generation.
 * can_swap 1 ages anon pages even without swap; force_scan 1 walks every
 * page table, clearing Accessed bits of PTEs and of non-leaf PMDs.
 */
static void la_age_once(struct la_shared *sh)
{
	static char text[1 << 16];
	static struct la_cmd cmds[LA_MAXCMD];
	char line[96];
	int n, e;

	if (read_text(LRU_DEBUGFS, text, sizeof(text))) {
		sh->age_err++;
		sh->last_err = errno;
		usleep(10000);
		return;
	}
	n = la_parse(text, cmds, LA_MAXCMD);
	for (int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "+ %ld %ld %ld 1 1\n",
			 cmds[i].memcg, cmds[i].node, cmds[i].max_gen);
		e = write_text(LRU_DEBUGFS, line);
		if (e) {
			sh->age_err++;
			sh->last_err = e;
		} else {
			sh->aged++;
		}
	}
	if (!n)
		usleep(10000);
}

static void la_ager(void *arg)
{
	for (;;)
		la_age_once(arg);
}

/* Enable every MGLRU component (old value kept in old); why on failure. */
static int la_enable(char *old, size_t len, char *why, size_t wlen)
{
	char probe[256];
	int e;

	if (read_text(LRU_ENABLED, old, len)) {
		snprintf(why, wlen, "no %s: kernel without CONFIG_LRU_GEN",
			 LRU_ENABLED);
		return -1;
	}
	old[strcspn(old, "\n")] = 0;
	e = write_text(LRU_ENABLED, "y");
	if (e) {
		snprintf(why, wlen, "write y to %s: %s", LRU_ENABLED,
			 errname(e));
		return -1;
	}
	if (read_text(LRU_DEBUGFS, probe, sizeof(probe)) || !probe[0]) {
		snprintf(why, wlen, "%s unreadable", LRU_DEBUGFS);
		write_text(LRU_ENABLED, old);
		return -1;
	}
	return 0;
}

static void la_read_loop(pid_t t, double deadline, struct tally *pt,
			 struct tally *vm)
{
	int fpt = open_pid("pagetable", t), fvm = open_pid("vmas", t);
	struct rbuf b = { 0 };

	if (fpt < 0 || fvm < 0) {
		diag("open: %s", errname(-(fpt < 0 ? fpt : fvm)));
		pt->err++;
		return;
	}
	while (now() < deadline) {
		count(pt, rd(fpt, &b));
		count(vm, rd(fvm, &b));
	}
	close(fpt);
	close(fvm);
	free(b.p);
}

static int do_lru_age(double secs)
{
	const char *rname = "reads succeed while MGLRU ages the target";
	const char *aname = "the ager created generations";
	struct la_shared *sh = shared(sizeof(*sh));
	struct tally pt = { .what = "pagetable" }, vm = { .what = "vmas" };
	char old[64], why[256];
	double t0 = now();
	pid_t t, ager;

	if (!sh)
		return 2;
	if (la_enable(old, sizeof(old), why, sizeof(why))) {
		skip(rname, why);
		return 0;
	}
	t = spawn(la_target, sh);
	if (wait_ready(&sh->ready, t, 60) != 1) {
		write_text(LRU_ENABLED, old);
		reap(t);
		skip(rname, "target: 64 MiB not touched");
		return 0;
	}
	ager = spawn(la_ager, sh);
	la_read_loop(t, t0 + secs, &pt, &vm);
	reap(ager);
	reap(t);
	write_text(LRU_ENABLED, old);
	diag("%ld reads (pagetable %ld, vmas %ld), %ld failed; %ld aging commands (%ld refused, last %s); target swept its 64 MiB %ld times; lru_gen/enabled was %s",
	     pt.ok + vm.ok, pt.ok, vm.ok, pt.err + vm.err, sh->aged,
	     sh->age_err, errname(sh->last_err), sh->sweeps, old);
	result(!pt.err && !vm.err, rname);
	result(sh->aged > 0, aname);
	return 0;
}

/* ------------------------------------------------------------- exit */

#define EX_LEN (256UL << 20)
#define EX_READ (64UL << 10)	/* one pread */
#define EX_FD_MAX (1UL << 20)	/* the fd's buffer never exceeds 1 MiB */

/*
 * 256 MiB with every other 4 KiB page touched: 32768 runs, a pagetable
 * report of a few MiB, so reading it takes several chunks (walks with
 * mmap_lock dropped between them, docs/walk.md).
 */
static pid_t ex_target(void)
{
	int p[2];
	char c = 0;
	pid_t t;

	if (pipe(p))
		return -1;
	t = fork();
	if (t == 0) {
		char *a = mmap(NULL, EX_LEN, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (a == MAP_FAILED || no_thp(a, EX_LEN))
			_exit(1);
		for (size_t i = 0; i < EX_LEN; i += 2 * PG)
			a[i] = 1;
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(p[1]);
	if (t < 0 || read(p[0], &c, 1) != 1 || c != 'r') {
		close(p[0]);
		reap(t);
		return -1;
	}
	close(p[0]);
	return t;
}

struct ex_read {
	int fd;
	int started;		/* __atomic: set once t0 is taken */
	double t0, t1;		/* around the whole report */
	size_t len;		/* bytes read before EOF or the error */
	int err;
	char buf[EX_READ];
};

/* Read fd from offset off to EOF in EX_READ pieces, as cat does. */
static void ex_read_on(struct ex_read *r, size_t off)
{
	ssize_t n;

	r->len = off;
	r->err = 0;
	while ((n = pread(r->fd, r->buf, sizeof(r->buf), r->len)) > 0)
		r->len += n;
	if (n < 0)
		r->err = errno;
}

static void *ex_reader(void *arg)
{
	struct ex_read *r = arg;

	r->t0 = now();
	__atomic_store_n(&r->started, 1, __ATOMIC_RELEASE);
	ex_read_on(r, 0);
	r->t1 = now();
	return NULL;
}

struct ex_round {
	double t0, t1, tk;	/* read start, read end, SIGKILL sent */
	size_t len;
	int err;
};

/* Kill t, wait until it is a zombie, leave it unreaped: its struct pid
 * keeps a (dead) task, the case a stale pid lookup would get wrong. */
static void ex_kill(pid_t t)
{
	siginfo_t si;

	kill(t, SIGKILL);
	memset(&si, 0, sizeof(si));
	waitid(P_PID, t, &si, WEXITED | WNOWAIT);
}

/*
 * Read target t's whole pagetable in a thread; delay seconds into it,
 * SIGKILL t; reap it only after the read returned.
 */
static int ex_round(pid_t t, double delay, struct ex_round *res)
{
	struct ex_read *r = calloc(1, sizeof(*r));
	pthread_t th;

	if (!r)
		return -1;
	r->fd = open_pid("pagetable", t);
	if (r->fd < 0 || pthread_create(&th, NULL, ex_reader, r)) {
		if (r->fd >= 0)
			close(r->fd);
		free(r);
		reap(t);
		return -1;
	}
	while (!__atomic_load_n(&r->started, __ATOMIC_ACQUIRE))
		usleep(50);
	sleep_until(r->t0 + delay);
	res->tk = now();
	ex_kill(t);
	pthread_join(th, NULL);
	waitpid(t, NULL, 0);
	close(r->fd);
	res->t0 = r->t0;
	res->t1 = r->t1;
	res->len = r->len;
	res->err = r->err;
	free(r);
	return 0;
}

/* One whole read of a live target: its length and how long it takes. */
static double ex_measure(pid_t t, size_t *len)
{
	struct ex_read *r = calloc(1, sizeof(*r));
	double t0 = now(), d = -1;

	if (!r)
		return -1;
	r->fd = open_pid("pagetable", t);
	if (r->fd >= 0) {
		ex_read_on(r, 0);
		if (!r->err && r->len) {
			d = now() - t0;
			*len = r->len;
		}
		close(r->fd);
	}
	free(r);
	return d;
}

/*
 * Between chunks, deterministically: read the first piece (the walk
 * pauses once the fd holds a chunk), kill the target and wait for the
 * zombie, then read on. The report is longer than the fd can hold, so
 * some later read must walk again, and that read must fail with ESRCH:
 * never the rest of the report of a process that is gone.
 */
static void ex_between(pid_t t, size_t full)
{
	const char *name = "a target killed between two chunks reads ESRCH at a later chunk";
	struct ex_read *r = calloc(1, sizeof(*r));
	ssize_t n = -1;

	if (!r) {
		reap(t);
		result(0, name);
		return;
	}
	r->fd = open_pid("pagetable", t);
	if (r->fd >= 0)
		n = pread(r->fd, r->buf, sizeof(r->buf), 0);
	ex_kill(t);
	if (n > 0)
		ex_read_on(r, n);
	waitpid(t, NULL, 0);
	if (n <= 0)
		diag("between: the first read failed: %s",
		     errname(n < 0 ? errno : 0));
	else
		diag("between: %zd bytes read, target killed, then %zu of %zu bytes and %s",
		     n, r->len, full, r->err ? errname(r->err) : "EOF");
	result(n > 0 && r->err == ESRCH && r->len < full, name);
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

struct ex_stats {
	int rounds, mid, after, bad;
};

/*
 * A round whose kill came before the read ended either got the whole
 * report (the last walk was done before the target began to exit) or
 * ESRCH; nothing else, and never a short report ending in EOF.
 */
static void ex_judge(const struct ex_round *x, int round, size_t full,
		     struct ex_stats *s)
{
	s->rounds++;
	if (x->tk >= x->t1) {
		s->after++;
	} else if (x->err == ESRCH) {
		s->mid++;
		return;
	}
	if (x->err == ESRCH || (!x->err && x->len == full))
		return;
	if (s->bad++ < MAXPRINT)
		diag("round %d: %s after %zu of %zu bytes, %.1f ms long, killed %.1f ms into it",
		     round, x->err ? errname(x->err) : "EOF", x->len, full,
		     (x->t1 - x->t0) * 1e3, (x->tk - x->t0) * 1e3);
}

static int do_exit(double secs)
{
	const char *mname = "a target killed during a read made it fail with ESRCH in some round";
	const char *ename = "every read ended in the whole report or ESRCH";
	const char *lname = "the target's report is longer than the fd's buffer";
	double deadline = now() + secs, ts = now(), setup, d;
	struct ex_stats s = { 0 };
	struct ex_round x;
	size_t full = 0;
	pid_t t = ex_target();

	if (t < 0) {
		result(0, "256 MiB target set up");
		return 1;
	}
	setup = now() - ts;
	d = ex_measure(t, &full);
	if (d < 0) {
		reap(t);
		result(0, "pagetable read of the target");
		return 1;
	}
	diag("target set-up %.0f ms, its pagetable %zu bytes read in %.1f ms; killing %.1f ms into each read",
	     setup * 1e3, full, d * 1e3, d / 3 * 1e3);
	result(full > EX_FD_MAX, lname);
	ex_between(t, full);
	for (int round = 0; ; round++) {
		t = ex_target();
		if (t < 0) {
			diag("round %d: target set-up failed", round);
			break;
		}
		if (ex_round(t, d / 3, &x))
			break;
		ex_judge(&x, round, full, &s);
		/*
		 * Setting up the target takes most of a short bound: go on
		 * past it (at most 5 rounds) until one kill came mid-read,
		 * so that a slow host cannot make the test vacuous.
		 */
		if (now() + setup + d > deadline &&
		    (s.mid || s.rounds >= 5))
			break;
	}
	diag("%d rounds: %d killed during the read and failed with ESRCH, %d killed after it",
	     s.rounds, s.mid, s.after);
	result(s.mid > 0, mname);
	result(s.rounds > 0 && !s.bad, ename);
	return 0;
}

/* ------------------------------------------------------------ stall */

#define ST_LEN (4UL << 30)
#define ST_PHASES 4	/* idle, mmlens, pagemap; 3: warm-up, not shown */

struct st_shared {
	volatile int ready, phase;
	volatile uintptr_t base;
	volatile long iters[ST_PHASES];
	volatile double worst[ST_PHASES];
};

/*
 * One 4 KiB page in every 2 MiB of 4 GiB: 2048 PTE tables to walk. Then
 * the target's only thread is the writer: mmap, touch, munmap (both take
 * mmap_lock for write), keeping the worst iteration of each phase.
 */
static void st_target(void *arg)
{
	struct st_shared *sh = arg;
	char *a = mmap(NULL, ST_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (a == MAP_FAILED || no_thp(a, ST_LEN)) {
		sh->ready = -1;
		_exit(1);
	}
	for (size_t i = 0; i < ST_LEN; i += MB2)
		a[i] = 1;
	sh->base = (uintptr_t)a;
	sh->phase = 3;
	sh->ready = 1;
	for (;;) {
		int ph = sh->phase;
		double t0 = now(), dt;
		char *p = mmap(NULL, 16 * PG, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED) {
			*p = 1;
			munmap(p, 16 * PG);
		}
		dt = now() - t0;
		if (dt > sh->worst[ph])
			sh->worst[ph] = dt;
		sh->iters[ph]++;
	}
}

struct st_reads {
	long n, err;
	double busy;
};

/* One read that began at t0: counted, good or not, and its time. */
static void st_count(struct st_reads *r, int ok, double t0)
{
	if (ok)
		r->n++;
	else
		r->err++;
	r->busy += now() - t0;
}

/* The reader's fd closed; one that never opened counts as a failure. */
static void st_close(struct st_reads *r, int fd)
{
	if (fd < 0)
		r->err++;
	else
		close(fd);
}

/* mmlens pagetable reads of the whole target until deadline. */
static void st_mmlens(pid_t t, double deadline, struct st_reads *r)
{
	int fd = open_pid("pagetable", t);
	struct rbuf b = { 0 };

	for (double t0; fd >= 0 && (t0 = now()) < deadline;)
		st_count(r, !rd(fd, &b), t0);
	st_close(r, fd);
	free(b.p);
}

/* pagemap reads of the 4 GiB until deadline: the kernel's own walker. */
static void st_pagemap(pid_t t, uintptr_t base, double deadline,
		       struct st_reads *r)
{
	size_t chunk = 1 << 20, want = ST_LEN / PG * 8;
	char path[64], *buf = malloc(chunk);
	off_t off0 = base / PG * 8;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", t);
	fd = open(path, O_RDONLY);
	for (double t0; fd >= 0 && buf && (t0 = now()) < deadline;) {
		size_t got = 0;
		ssize_t n = 1;

		while (got < want && n > 0) {
			n = pread(fd, buf, chunk, off0 + got);
			got += n > 0 ? n : 0;
		}
		st_count(r, got >= want, t0);
	}
	st_close(r, fd);
	free(buf);
}

static void st_print(struct st_shared *sh, const struct st_reads *m,
		     const struct st_reads *p)
{
	printf("# stall: writer's worst mmap/munmap: idle %.2f ms (%ld iterations), during mmlens pagetable reads %.2f ms (%ld iterations; %ld reads, %.1f ms each), during pagemap reads %.2f ms (%ld iterations; %ld reads, %.1f ms each)\n",
	       sh->worst[0] * 1e3, sh->iters[0], sh->worst[1] * 1e3,
	       sh->iters[1], m->n, m->n ? m->busy / m->n * 1e3 : 0,
	       sh->worst[2] * 1e3, sh->iters[2], p->n,
	       p->n ? p->busy / p->n * 1e3 : 0);
}

static int do_stall(double secs)
{
	struct st_shared *sh = shared(sizeof(*sh));
	struct st_reads m = { 0 }, p = { 0 };
	double t0;
	pid_t t;

	if (!sh)
		return 2;
	t = spawn(st_target, sh);
	if (wait_ready(&sh->ready, t, 60) != 1) {
		reap(t);
		result(0, "4 GiB sparse target set up");
		return 1;
	}
	/* warm-up (first faults of the writer's loop), then idle: the
	 * writer alone; then during mmlens reads; then pagemap reads */
	usleep(200000);
	t0 = now();
	sh->phase = 0;
	sleep_until(t0 + secs / 5);
	sh->phase = 1;
	st_mmlens(t, t0 + secs * 3 / 5, &m);
	sh->phase = 2;
	st_pagemap(t, sh->base, t0 + secs, &p);
	reap(t);
	st_print(sh, &m, &p);
	if (m.err || p.err)
		diag("failed reads: mmlens %ld, pagemap %ld", m.err, p.err);
	result(m.n && p.n && sh->iters[1] && sh->iters[2], "measured");
	return 0;
}

/* ------------------------------------------------------------- main */

int main(int argc, char **argv)
{
	double secs = argc >= 3 ? atof(argv[2]) : 0;
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 3 || secs <= 0)
		goto usage;
	mode = argv[1];
	if (!strcmp(mode, "hugetlb-share") && argc <= 4)
		ret = do_hugetlb_share(secs, argc == 4 ? argv[3] : "/tmp/huge");
	else if (argc != 3)
		goto usage;
	else if (!strcmp(mode, "thp-split"))
		ret = do_thp_split(secs);
	else if (!strcmp(mode, "lru-age"))
		ret = do_lru_age(secs);
	else if (!strcmp(mode, "exit"))
		ret = do_exit(secs);
	else if (!strcmp(mode, "stall"))
		ret = do_stall(secs);
	else
		goto usage;
	return ret ? ret : failures ? 1 : 0;
usage:
	fprintf(stderr, "usage: pt_race hugetlb-share SECONDS [HUGETLBFS_DIR] | thp-split|lru-age|exit|stall SECONDS\n");
	return 2;
}
