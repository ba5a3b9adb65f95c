// SPDX-License-Identifier: GPL-2.0
/*
 * pt_scen - build a known address space, describe it, then wait.
 *
 *   pt_scen SCENARIO
 *
 * Prints (line-buffered) what pt_check should find, then "ready", then
 * sleeps until SIGTERM (a fork scenario's parent takes its child along):
 *
 *   pid P                      the process to check
 *   child C                    (fork) the child, also to check
 *   page P ADDR WANT[,WANT]    what one page must look like (ADDR may
 *                              carry a byte offset: vtop checks it too)
 *   same P1 A1 P2 A2           the two pages map the same frame
 *   differ P1 A1 P2 A2         they map different frames
 *   exact P START END          every VMA in [START, END) was built here
 *                              and never zapped: its ptables is exact
 *   skipcheck NAME REASON      a precondition failed (no THP, no swap...)
 *   comm P ESCAPED             the pagetable header's comm= of P
 *   note TEXT
 *   ready
 *
 * WANT: rw-dirty (present pte, rw, dirty, accessed), ro (present, not
 * rw), present, zero (zero page pte), zero-pmd (huge zero page), huge-pmd,
 * huge-pud, swap, none, sd / nosd (soft-dirty set / clear), protnone.
 *
 * Scenarios: anon zero file shanon fork mprotect thp hugetlb (one 2 MiB
 * page PROT_NONE) hugetlb1g hugetlb1g-protnone swap resv softdirty big
 * (1 GiB touched, 1 GiB aligned) longread (many small VMAs and pages, for
 * reads racing with exit) names (a 300-byte file name with a newline, a
 * comm with one) vmanames (a file through overlayfs, prctl-named VMAs)
 * thpchurn (8 MiB of THPs allocated anew every second, then the old
 * unmapped) zeroscan (PT_SCEN_MB MiB, default 256, only read: a zero-page
 * pte, a report line, per page).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "madv.h"
#include "thp.h"

#ifndef MAP_HUGE_SHIFT
#define MAP_HUGE_SHIFT 26
#endif
#define MAP_HUGE_2MB_ (21 << MAP_HUGE_SHIFT)
#define MAP_HUGE_1GB_ (30 << MAP_HUGE_SHIFT)

#define PG 4096UL
#define MB2 (2UL << 20)
#define GB1 (1UL << 30)

static pid_t me;
static pid_t child;

static void die(const char *what)
{
	printf("error %s: %s\n", what, strerror(errno));
	exit(1);
}

static void *map(size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static char *anon(size_t len)
{
	return map(len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
}

/* A len-byte anonymous VMA whose start is aligned to align. */
static char *anon_aligned(size_t len, size_t align)
{
	char *raw = map(len + align, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uintptr_t a = ((uintptr_t)raw + align - 1) & ~(align - 1);

	if (a > (uintptr_t)raw)
		munmap(raw, a - (uintptr_t)raw);
	munmap((char *)a + len, (uintptr_t)raw + align - a);
	return (char *)a;
}

static void page(pid_t p, const void *addr, const char *want)
{
	printf("page %d %p %s\n", p, addr, want);
}

static void pages(char *base, int from, int to, const char *want)
{
	for (int i = from; i < to; i++)
		page(me, base + i * PG, want);
}

static void exact(pid_t p, const void *start, size_t len)
{
	printf("exact %d %p %p\n", p, start, (const char *)start + len);
}

static void touch(char *base, int from, int to)
{
	for (int i = from; i < to; i++)
		base[i * PG] = (char)(i + 1);
}

static volatile char sink;

static void readp(char *base, int from, int to)
{
	for (int i = from; i < to; i++)
		sink = base[i * PG];
}

/* Writes pages [from, to) of base, then says what they must look like. */
static void touch_as(char *base, int from, int to, const char *want)
{
	touch(base, from, to);
	pages(base, from, to, want);
}

/* Reads them, then says what they must look like. */
static void read_as(char *base, int from, int to, const char *want)
{
	readp(base, from, to);
	pages(base, from, to, want);
}

static uint64_t self_pagemap(const void *addr)
{
	uint64_t v = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	if (fd < 0)
		die("open pagemap");
	if (pread(fd, &v, 8, (uintptr_t)addr / PG * 8) != 8)
		die("read pagemap");
	close(fd);
	return v;
}

/* AnonHugePages (kB) of the VMA holding addr, from our smaps. */
static long self_anonhuge(const void *addr)
{
	char line[512];
	unsigned long s, e;
	int in = 0;
	long kb = -1;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		die("open smaps");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
			in = s <= (uintptr_t)addr && (uintptr_t)addr < e;
			continue;
		}
		if (in && sscanf(line, "AnonHugePages: %ld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

static void sc_anon(void)
{
	char *a = anon(64 * PG);

	touch_as(a, 0, 16, "rw-dirty");
	pages(a, 16, 32, "none");
	touch_as(a, 32, 33, "rw-dirty");
	touch_as(a, 40, 48, "rw-dirty");
	pages(a, 48, 64, "none");
	page(me, a + 5 * PG + 0x123, "rw-dirty");
	exact(me, a, 64 * PG);
}

static void sc_zero(void)
{
	char *a = anon(32 * PG);

	read_as(a, 0, 16, "zero");
	touch_as(a, 20, 21, "rw-dirty");
	pages(a, 21, 32, "none");
	printf("same %d %p %d %p\n", me, a, me, a + 15 * PG);
	printf("differ %d %p %d %p\n", me, a, me, a + 20 * PG);
	exact(me, a, 32 * PG);
}

static void sc_file(void)
{
	const char *path = "/tmp/pt_scen.file";
	static char buf[64 * 4096];
	char *priv, *shr, *off;
	int fd;

	memset(buf, 'f', sizeof(buf));
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		die("open file");
	if (write(fd, buf, sizeof(buf)) != (ssize_t)sizeof(buf))
		die("write file");
	priv = map(64 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	shr = map(64 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	off = map(8 * PG, PROT_READ, MAP_SHARED, fd, 16 * PG);

	/* fault-around maps neighbours of read pages: no "none" here */
	read_as(priv, 0, 8, "ro");
	touch_as(priv, 8, 12, "rw-dirty");
	read_as(priv, 16, 17, "ro");
	read_as(shr, 0, 4, "present");
	touch_as(shr, 4, 8, "rw-dirty");
	read_as(shr, 8, 9, "present");
	read_as(off, 0, 2, "ro");
	/* one page cache page behind both maps; the private write copied */
	printf("same %d %p %d %p\n", me, priv + PG, me, shr + PG);
	printf("differ %d %p %d %p\n", me, priv + 8 * PG, me, shr + 8 * PG);
	printf("same %d %p %d %p\n", me, off, me, priv + 16 * PG);
	exact(me, priv, 64 * PG);
	exact(me, shr, 64 * PG);
	exact(me, off, 8 * PG);
	close(fd);
}

static void sc_shanon(void)
{
	char *a = map(32 * PG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	touch_as(a, 0, 8, "rw-dirty");
	read_as(a, 8, 16, "present");
	pages(a, 16, 32, "none");
	exact(me, a, 32 * PG);
}

static void on_term(int sig)
{
	(void)sig;
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	_exit(0);
}

static void sc_fork(void)
{
	char *a = anon(32 * PG);
	char *s = map(4 * PG, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int pfd[2];
	char c;

	touch(a, 0, 32);
	touch(s, 0, 4);
	if (pipe(pfd))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		signal(SIGTERM, SIG_DFL);
		touch(a, 0, 8);
		readp(s, 0, 1);
		if (write(pfd[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (read(pfd[0], &c, 1) != 1)
		die("child");
	touch(a, 8, 12);
	printf("child %d\n", child);
	for (int i = 0; i < 8; i++) {
		page(child, a + i * PG, "rw-dirty");
		page(me, a + i * PG, "present");
		printf("differ %d %p %d %p\n", me, a + i * PG, child,
		       a + i * PG);
	}
	for (int i = 8; i < 12; i++) {
		page(me, a + i * PG, "rw-dirty");
		page(child, a + i * PG, "ro");
		printf("differ %d %p %d %p\n", me, a + i * PG, child,
		       a + i * PG);
	}
	for (int i = 12; i < 32; i++) {
		page(me, a + i * PG, "ro");
		page(child, a + i * PG, "ro");
		printf("same %d %p %d %p\n", me, a + i * PG, child,
		       a + i * PG);
	}
	page(me, s, "rw-dirty");
	page(child, s, "present");
	printf("same %d %p %d %p\n", me, s, child, s);
	exact(me, a, 32 * PG);
	exact(child, a, 32 * PG);
}

static void sc_mprotect(void)
{
	char *a = anon(16 * PG);

	touch(a, 0, 16);
	if (mprotect(a + 4 * PG, 4 * PG, PROT_READ) ||
	    mprotect(a + 10 * PG, 2 * PG, PROT_NONE))
		die("mprotect");
	pages(a, 0, 4, "rw-dirty");
	pages(a, 4, 8, "ro");
	pages(a, 8, 10, "rw-dirty");
	pages(a, 10, 12, "present,protnone");
	pages(a, 12, 16, "rw-dirty");
	exact(me, a, 16 * PG);
}

static void sc_thp(void)
{
	char *t = anon_aligned(2 * MB2, MB2);
	char *z = anon_aligned(2 * MB2, MB2);
	char *small = anon(8 * PG);
	long kb;

	/* Read-only so that it never merges with t. */
	if (mprotect(z, 2 * MB2, PROT_READ) ||
	    madvise(t, 2 * MB2, MADV_HUGEPAGE) ||
	    madvise(z, 2 * MB2, MADV_HUGEPAGE))
		die("madvise");
	t[0] = 1;
	t[MB2 + 77 * PG] = 2;
	readp(z, 0, 1);
	readp(z + MB2, 0, 1);
	touch(small, 0, 8);
	kb = self_anonhuge(t);
	if (kb == 4096) {
		page(me, t, "huge-pmd");
		page(me, t + 37 * PG + 0x5a8, "huge-pmd");
		page(me, t + MB2 + 511 * PG + 0xfff, "huge-pmd");
	} else {
		printf("skipcheck thp \"AnonHugePages of the THP region is %ld kB, not 4096: no THP to check\"\n",
		       kb);
	}
	if ((self_pagemap(z) >> 63) &&
	    (self_pagemap(z) & ((1ULL << 55) - 1)) ==
	    (self_pagemap(z + MB2) & ((1ULL << 55) - 1))) {
		page(me, z, "zero-pmd");
		page(me, z + 300 * PG + 0x10, "zero-pmd");
		page(me, z + MB2 + 3 * PG, "zero-pmd");
	} else {
		printf("skipcheck zero-pmd \"read fault did not map the huge zero page\"\n");
	}
	pages(small, 0, 8, "rw-dirty");
	exact(me, t, 2 * MB2);
	exact(me, z, 2 * MB2);
}

static void sc_hugetlb(void)
{
	char *h = mmap(NULL, 2 * MB2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_2MB_,
		       -1, 0);

	if (h == MAP_FAILED) {
		printf("skipcheck hugetlb \"mmap MAP_HUGETLB 2 MiB: %s\"\n",
		       strerror(errno));
		return;
	}
	h[0] = 1;
	h[MB2 + 5] = 2;
	/* A PROT_NONE hugetlb leaf is still present, to pagemap too. */
	if (mprotect(h + MB2, MB2, PROT_NONE))
		die("mprotect PROT_NONE hugetlb 2 MiB");
	page(me, h, "huge-pmd");
	page(me, h + 100 * PG + 0x321, "huge-pmd");
	page(me, h + MB2 + 511 * PG, "huge-pmd,protnone");
	exact(me, h, 2 * MB2);
}

/*
 * One 1 GiB page, or with @protnone the same made PROT_NONE: x86's
 * pud_present() tests the present bit alone, but the leaf is present to
 * the kernel (huge_ptep_get() + pte_present()) and to pagemap.
 */
static void hugetlb1g(const char *name, int protnone)
{
	char *h = mmap(NULL, GB1, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB | MAP_HUGE_1GB_,
		       -1, 0);
	const char *want = protnone ? "huge-pud,protnone" : "huge-pud";

	if (h == MAP_FAILED) {
		printf("skipcheck %s \"mmap MAP_HUGETLB 1 GiB: %s\"\n", name,
		       strerror(errno));
		return;
	}
	h[0] = 1;
	h[GB1 / 2 + 0x1234] = 2;
	if (protnone && mprotect(h, GB1, PROT_NONE))
		die("mprotect PROT_NONE hugetlb 1 GiB");
	page(me, h, want);
	page(me, h + GB1 / 2 + 0x1234, want);
	page(me, h + GB1 - PG + 0xabc, want);
	exact(me, h, GB1);
}

static void sc_hugetlb1g(void)
{
	hugetlb1g("hugetlb1g", 0);
}

static void sc_hugetlb1g_protnone(void)
{
	hugetlb1g("hugetlb1g-protnone", 1);
}

/*
 * Names escaped as /proc/PID/maps escapes them: a mapped file whose path
 * holds a newline and is over 300 bytes long, and a comm with a newline
 * that reads like the pagetable header's next field.
 */
static void sc_names(void)
{
	char dir[256], path[512];
	char *m;
	int fd;

	snprintf(dir, sizeof(dir), "/tmp/%0200d", 0);
	if (mkdir(dir, 0700) && errno != EEXIST)
		die("mkdir");
	snprintf(path, sizeof(path), "%s/name\nwith a newline %0100d", dir, 0);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4 * PG))
		die("create the file with a long name");
	m = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	touch(m, 0, 2);
	if (prctl(PR_SET_NAME, "a\nlevels=9"))
		die("prctl PR_SET_NAME");
	printf("note file name of %zu bytes, comm \"a\\nlevels=9\"\n",
	       strlen(path));
	printf("comm %d a\\012levels=9\n", me);
	pages(m, 0, 2, "present");
	exact(me, m, 4 * PG);
}

#ifndef PR_SET_VMA
#define PR_SET_VMA 0x53564d41
#define PR_SET_VMA_ANON_NAME 0
#endif

/*
 * Names that come from elsewhere than the file's own path, each as
 * /proc/PID/maps gives it: a file mapped through a read-only overlayfs
 * (6.8+ maps names its user path, not the lower layer's), and VMAs named
 * by prctl(PR_SET_VMA_ANON_NAME): anonymous ([anon:NAME]) and, from 6.2,
 * shared anonymous ([anon_shmem:NAME]). A kernel that has neither says
 * so in a skipcheck; pt_check compares every name with maps.
 */
static void sc_vmanames(void)
{
	static const char *const dirs[] = {
		"/tmp/ovl-lower", "/tmp/ovl-upper", "/tmp/ovl",
	};
	char *a, *sh, *f;
	int fd;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (mkdir(dirs[i], 0755) && errno != EEXIST)
			die("mkdir");
	fd = open("/tmp/ovl-lower/mapped", O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || ftruncate(fd, 4 * PG))
		die("create the overlay's lower file");
	close(fd);
	if (mount("overlay", "/tmp/ovl", "overlay", MS_RDONLY,
		  "lowerdir=/tmp/ovl-upper:/tmp/ovl-lower")) {
		printf("skipcheck overlay \"mount -t overlay: %s\"\n",
		       strerror(errno));
	} else {
		fd = open("/tmp/ovl/mapped", O_RDONLY);
		if (fd < 0)
			die("open the overlay file");
		f = map(4 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
		close(fd);
		readp(f, 0, 2);
		printf("note overlay file mapped at %p\n", f);
	}

	a = anon(8 * PG);
	sh = map(4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		 -1, 0);
	touch(a, 0, 8);
	touch(sh, 0, 4);
	if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)a,
		  4 * PG, (unsigned long)"mmlens-anon")) {
		printf("skipcheck anon-name \"prctl PR_SET_VMA_ANON_NAME: %s (CONFIG_ANON_VMA_NAME off)\"\n",
		       strerror(errno));
	} else {
		printf("note [anon:mmlens-anon] at %p\n", a);
		if (prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, (unsigned long)sh,
			  4 * PG, (unsigned long)"mmlens-shmem"))
			printf("note shared anonymous VMA not named: %s (before 6.2)\n",
			       strerror(errno));
		else
			printf("note [anon_shmem:mmlens-shmem] at %p\n", sh);
	}
	pages(a, 0, 8, "rw-dirty");
}

static void sc_swap(void)
{
	char *a = anon(64 * PG);
	int swapped = 0;

	for (int i = 0; i < 64; i++)
		memset(a + i * PG, i * 7 + 3, PG);
	for (int t = 0; t < 3; t++)
		if (madvise(a, 32 * PG, MADV_PAGEOUT))
			die("madvise MADV_PAGEOUT");
	/* Fault one page back in: swap-in must show it present again. */
	sink = a[3 * PG];
	for (int i = 0; i < 32; i++) {
		if (i == 3)
			continue;
		if ((self_pagemap(a + i * PG) >> 62) == 1) {
			page(me, a + i * PG, "swap");
			swapped++;
		}
	}
	printf("note %d of 31 paged-out pages are in swap\n", swapped);
	if (!swapped)
		printf("skipcheck swap \"MADV_PAGEOUT left no page in swap (is swap on?)\"\n");
	page(me, a + 3 * PG, "present");
	pages(a, 32, 64, "rw-dirty");
	exact(me, a, 64 * PG);
}

static void sc_resv(void)
{
	const size_t len = 1UL << 40;
	const size_t offs[] = { 0, GB1 + 5 * PG, 300 * GB1, 512 * GB1 + 7 * PG,
				len - PG };
	char *r = map(len, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		/*
		 * A neighbour inside the reservation stays a hole. Not the
		 * page after the last one: that is outside, and may be the
		 * next mapping ([vvar] sat right there in one CI run).
		 */
		size_t nb = offs[i] + PG < len ? offs[i] + PG : offs[i] - PG;

		if (mprotect(r + offs[i], PG, PROT_READ | PROT_WRITE))
			die("mprotect");
		r[offs[i]] = 1;
		page(me, r + offs[i], "rw-dirty");
		page(me, r + nb, "none");
	}
	page(me, r + 700 * GB1, "none");
	exact(me, r, len);
	printf("note 1 TiB PROT_NONE reservation at %p\n", r);
}

static void sc_softdirty(void)
{
	char *a = anon(16 * PG);
	int fd;

	touch(a, 0, 16);
	fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1) {
		printf("skipcheck softdirty \"clear_refs 4: %s\"\n",
		       strerror(errno));
		return;
	}
	close(fd);
	touch_as(a, 0, 4, "rw-dirty,sd");
	pages(a, 4, 16, "nosd");
	exact(me, a, 16 * PG);
}

static void sc_big(void)
{
	char *a = anon_aligned(GB1, GB1);

	for (size_t i = 0; i < GB1; i += PG)
		a[i] = 1;
	page(me, a, "rw-dirty");
	page(me, a + GB1 / 2 + 0x777, "rw-dirty");
	exact(me, a, GB1);
}

/*
 * Anonymous memory only read: every pte maps the zero page, a run of its
 * own, so the pagetable report has a line per page and spans many of
 * the chunks it is streamed in (docs/walk.md), at the cost of page
 * tables alone. PT_SCEN_MB sets the size (default 256).
 */
static void sc_zeroscan(void)
{
	const char *env = getenv("PT_SCEN_MB");
	size_t len = (env ? strtoul(env, NULL, 10) : 256) << 20;
	char *a = map(len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);

	if (no_thp(a, len))
		die("madvise MADV_NOHUGEPAGE");
	/* in the kernel, not a fault per page: GiBs in seconds under TCG */
	if (madvise(a, len, MADV_POPULATE_READ))
		readp(a, 0, (int)(len / PG));
	page(me, a, "zero");
	page(me, a + len - PG, "zero");
	exact(me, a, len);
}

/* Many VMAs and many short runs: a pagetable read of it takes a while. */
static void sc_longread(void)
{
	char *a = anon(8192 * PG);

	touch(a, 0, 8192);
	for (int i = 0; i < 8192; i += 8)
		if (mprotect(a + i * PG, PG, PROT_READ))
			die("mprotect");
}

/*
 * THPs allocated anew every second (the hot-remove test: while a DIMM
 * is online its zone Movable is where they go, and offlining must
 * migrate them out under the walker's readers). Each round's 8 MiB is
 * populated before the previous round's is unmapped, so a reader never
 * finds the target between two rounds without its THPs. Never returns;
 * prints "ready" after the first round.
 */
static void sc_thpchurn(void)
{
	const struct timespec second = { 1, 0 };
	char *prev = NULL;

	for (int round = 0;; round++) {
		char *t = anon_aligned(4 * MB2, MB2);

		if (madvise(t, 4 * MB2, MADV_HUGEPAGE))
			die("madvise MADV_HUGEPAGE");
		touch(t, 0, (int)(4 * MB2 / PG));
		if (prev)
			munmap(prev, 4 * MB2);
		prev = t;
		if (!round)
			printf("note AnonHugePages %ld kB of 8192\nready\n",
			       self_anonhuge(t));
		nanosleep(&second, NULL);
	}
}

static const struct {
	const char *name;
	void (*build)(void);
} scen[] = {
	{ "anon", sc_anon }, { "zero", sc_zero }, { "file", sc_file },
	{ "shanon", sc_shanon }, { "fork", sc_fork },
	{ "mprotect", sc_mprotect }, { "thp", sc_thp },
	{ "hugetlb", sc_hugetlb }, { "hugetlb1g", sc_hugetlb1g },
	{ "hugetlb1g-protnone", sc_hugetlb1g_protnone }, { "names", sc_names },
	{ "swap", sc_swap }, { "resv", sc_resv },
	{ "softdirty", sc_softdirty }, { "big", sc_big },
	{ "longread", sc_longread }, { "vmanames", sc_vmanames },
	{ "thpchurn", sc_thpchurn }, { "zeroscan", sc_zeroscan },
};

int main(int argc, char **argv)
{
	struct timespec ts;
	size_t i;

	if (argc != 2) {
		fprintf(stderr, "usage: pt_scen SCENARIO\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	me = getpid();
	signal(SIGTERM, on_term);
	/* Through the vDSO: faults the [vvar] pages in. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	for (i = 0; i < sizeof(scen) / sizeof(scen[0]); i++)
		if (!strcmp(argv[1], scen[i].name))
			break;
	if (i == sizeof(scen) / sizeof(scen[0])) {
		fprintf(stderr, "pt_scen: unknown scenario %s\n", argv[1]);
		return 2;
	}
	printf("pid %d\n", me);
	scen[i].build();
	printf("ready\n");
	for (;;)
		pause();
}
