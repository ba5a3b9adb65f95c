// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_modes - /dev/mmlens in each mapping mode (lazy, around, eager):
 * the mode ioctls, what each mode maps and counts, and that the semantics
 * are the same in all three: contents, shared stores, private
 * copy-on-write, fork, MADV_DONTNEED refault, mremap growth refused; and
 * whether O_DIRECT, vmsplice and an io_uring registered buffer work on a
 * mapping of the device.
 *
 *   vbuf_modes [ODIRECT_FILE]
 *
 * ODIRECT_FILE: a file or block device of at least 64 KiB that opens with
 * O_DIRECT (t_vbuf.sh gives a zram disk); its first 64 KiB are
 * overwritten. Without it the O_DIRECT checks are skipped, and counted.
 * Run as root with nothing else using the device; puts back every byte
 * of the buffer it changed. TAP lines as in vbuf_test; the last line is
 * "TAP # vbuf_modes: done".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "vbuf_lib.h"

#define NPAGES 32	/* pages per test mapping: two around windows */

static size_t psz;
static int ctl = -1;	/* lazy fd for pread/pwrite of the buffer */
static const char *odirect_path;

/* Result lines are labelled "vbuf MODE"; the ioctl cases "vbuf ioctl". */
#define check(mode, name, ok, ...) \
	resultf(ok, label_of(mode), name, __VA_ARGS__)

static const char *label_of(const char *mode)
{
	static char label[64];

	snprintf(label, sizeof(label), "vbuf %s", mode);
	return label;
}

static void skipm(const char *mode, const char *name, const char *why)
{
	skip(label_of(mode), name, why);
}

static int open_mode(int mode)
{
	int fd = open(MMLENS_VBUF_DEV, O_RDWR);
	__u32 m = (__u32)mode;

	if (fd >= 0 && ioctl(fd, MMLENS_VBUF_SET_MODE, &m)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * pages of fd at page offset pgoff, at an address aligned to a whole
 * around window, so the counts of each mode are exact.
 */
static char *map_aligned(int fd, unsigned long pages, int prot, int flags,
			 unsigned long pgoff)
{
	size_t win = MMLENS_VBUF_AROUND_PAGES * psz, len = pages * psz;
	char *res = mmap(NULL, len + win, PROT_NONE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *a, *p;

	if (res == MAP_FAILED)
		return NULL;
	a = (char *)(((uintptr_t)res + win - 1) & ~(uintptr_t)(win - 1));
	p = mmap(a, len, prot, flags | MAP_FIXED, fd, (off_t)(pgoff * psz));
	if (a > res)
		munmap(res, a - res);
	if (res + len + win > a + len)
		munmap(a + len, res + len + win - (a + len));
	if (p == MAP_FAILED) {
		munmap(a, len);
		return NULL;
	}
	return p;
}

/* The end of a case: its mappings (NULL: none), pages each, and its fd. */
static void unmap_close(int fd, unsigned long pages, char *a, char *b)
{
	if (a)
		munmap(a, pages * psz);
	if (b)
		munmap(b, pages * psz);
	if (fd >= 0)
		close(fd);
}

static int present(const void *p)
{
	return !!(vbuf_pagemap(p) & VBUF_PM_PRESENT);
}

static unsigned long count_present(const char *a, unsigned long pages)
{
	unsigned long i, n = 0;

	for (i = 0; i < pages; i++)
		n += present(a + i * psz);
	return n;
}

#define has_header vbuf_has_header

static void restore_pages(unsigned long first, unsigned long n)
{
	char *buf = malloc(psz);
	unsigned long i;

	for (i = first; buf && i < first + n; i++) {
		vbuf_expected_page(buf, psz, i);
		if (pwrite(ctl, buf, psz, (off_t)(i * psz)) != (ssize_t)psz)
			detail("cannot restore page %lu: %s", i, strerror(errno));
	}
	free(buf);
}

/* The smaps "Rss:" (kB) and VmFlags of the VMA that starts at a. */
static int smaps_of(const void *a, long *rss_kb, char *flags, size_t flen)
{
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");
	unsigned long lo, hi;
	int in = 0, got = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's header line; its fields start with a capital. */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
			in = lo == (unsigned long)(uintptr_t)a;
			continue;
		}
		if (!in)
			continue;
		if (sscanf(line, "Rss: %ld kB", rss_kb) == 1)
			got |= 1;
		if (!strncmp(line, "VmFlags:", 8)) {
			snprintf(flags, flen, "%.200s", line + 8);
			flags[strcspn(flags, "\n")] = 0;
			got |= 2;
		}
	}
	fclose(f);
	return got == 3 ? 0 : -1;
}

static int has_flag(const char *flags, const char *f)
{
	char padded[256], want[8];

	snprintf(padded, sizeof(padded), " %s ", flags);
	snprintf(want, sizeof(want), " %s ", f);
	return strstr(padded, want) != NULL;
}

/* What each mode must have counted after a sequential first touch. */
static void case_counts(int mode, const char *name, int store)
{
	unsigned long f0 = vbuf_faults(), i0 = vbuf_inserted(), f1, i1, f2,
		      i2, i, want_f, bad = 0;
	int fd = open_mode(mode), prot = PROT_READ | (store ? PROT_WRITE : 0);
	const char *how = store ? "store" : "load";
	char t[160], flags[256] = "";
	long rss = -1;
	char *a = fd < 0 ? NULL : map_aligned(fd, NPAGES, prot, MAP_SHARED, 0);

	snprintf(t, sizeof(t), "mmap %d pages MAP_SHARED for a %s touch", NPAGES,
		 how);
	if (!check(name, t, a != NULL, "open/mmap: %s", strerror(errno)))
		goto out;
	f1 = vbuf_faults();
	i1 = vbuf_inserted();
	snprintf(t, sizeof(t), "%s: after mmap: faults +0, inserted +%d, %d present",
		 how, mode == MMLENS_VBUF_EAGER ? NPAGES : 0,
		 mode == MMLENS_VBUF_EAGER ? NPAGES : 0);
	check(name, t, f1 == f0 && i1 - i0 == (mode == MMLENS_VBUF_EAGER ?
					       NPAGES : 0U) &&
	      count_present(a, NPAGES) == i1 - i0,
	      "faults +%lu inserted +%lu present %lu", f1 - f0, i1 - i0,
	      count_present(a, NPAGES));
	for (i = 0; i < NPAGES; i++) {
		if (store)
			*(volatile char *)(a + i * psz + psz - 1) = 0;
		else if (!has_header(a + i * psz, i))
			bad++;
	}
	f2 = vbuf_faults();
	i2 = vbuf_inserted();
	want_f = mode == MMLENS_VBUF_LAZY ? NPAGES :
		 mode == MMLENS_VBUF_AROUND ? NPAGES / MMLENS_VBUF_AROUND_PAGES : 0;
	snprintf(t, sizeof(t), "%s every page in order: faults +%lu, inserted %d in all",
		 how, want_f, NPAGES);
	check(name, t, f2 - f1 == want_f && i2 - i0 == NPAGES,
	      "faults +%lu inserted +%lu (since mmap: +%lu)", f2 - f1, i2 - i1,
	      i2 - i0);
	snprintf(t, sizeof(t), "%s: every page present, with its own contents",
		 how);
	check(name, t, count_present(a, NPAGES) == NPAGES && !bad,
	      "%lu present, %lu pages without their header",
	      count_present(a, NPAGES), bad);
	if (!store) {
		int got = smaps_of(a, &rss, flags, sizeof(flags));

		check(name, "smaps: Rss is every touched page",
		      !got && rss == (long)(NPAGES * psz / 1024),
		      "Rss %ld kB", rss);
		check(name, mode == MMLENS_VBUF_LAZY ?
		      "smaps VmFlags: de dd, no mm (no VM_MIXEDMAP)" :
		      "smaps VmFlags: de dd mm (VM_MIXEDMAP)",
		      !got && has_flag(flags, "de") && has_flag(flags, "dd") &&
		      has_flag(flags, "mm") == (mode != MMLENS_VBUF_LAZY),
		      "VmFlags:%s", flags);
	}
out:
	unmap_close(fd, NPAGES, a, NULL);
}

static void case_shared(int mode, const char *name)
{
	int fd = open_mode(mode);
	char *a = fd < 0 ? NULL : map_aligned(fd, 4, PROT_READ | PROT_WRITE,
					      MAP_SHARED, 0);
	char got[32] = "";

	if (!check(name, "shared: mmap", a != NULL, "%s", strerror(errno)))
		goto out;
	strcpy(a + psz + 100, "shared-store");
	if (pread(ctl, got, 13, (off_t)psz + 100) != 13)
		got[0] = 0;
	check(name, "shared: a store reaches the buffer (read())",
	      !strcmp(got, "shared-store"), "read() sees '%.20s'", got);
	if (pwrite(ctl, "by-write", 9, (off_t)(2 * psz) + 100) != 9)
		detail("pwrite: %s", strerror(errno));
	check(name, "shared: write() is seen through the mapping",
	      !strcmp(a + 2 * psz + 100, "by-write"), "mapping sees '%.20s'",
	      a + 2 * psz + 100);
	restore_pages(0, 4);
out:
	unmap_close(fd, 4, a, NULL);
}

static void case_private(int mode, const char *name, const unsigned long *pfn)
{
	int fd = open_mode(mode);
	char *a = fd < 0 ? NULL : map_aligned(fd, 8, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE, 0);
	char got[32] = "";
	uint64_t e0, e1;

	if (!check(name, "private: mmap", a != NULL, "%s", strerror(errno)))
		goto out;
	(void)*(volatile char *)a;
	(void)*(volatile char *)(a + psz);
	strcpy(a + psz + 100, "private-store");
	strcpy(a + 5 * psz + 100, "cow-first");
	if (pread(ctl, got, sizeof(got), (off_t)psz + 100) < 0)
		got[0] = 0;
	check(name, "private: stores never reach the buffer",
	      got[0] == 0 && has_header(a + 5 * psz, 5),
	      "buffer page 1 has '%.20s'", got);
	e0 = vbuf_pagemap(a);
	e1 = vbuf_pagemap(a + psz);
	if (!(e0 & VBUF_PM_PFN_MASK))
		skipm(name, "private: pagemap pfns",
		     "pagemap hides PFNs (no CAP_SYS_ADMIN?)");
	else
		check(name, "private: a read page is the buffer's page, a stored one a copy",
		      (e0 & VBUF_PM_PFN_MASK) == pfn[0] &&
		      (e1 & VBUF_PM_PFN_MASK) != pfn[1],
		      "page 0 pfn %#llx (buffer %#lx), page 1 pfn %#llx (buffer %#lx)",
		      (unsigned long long)(e0 & VBUF_PM_PFN_MASK), pfn[0],
		      (unsigned long long)(e1 & VBUF_PM_PFN_MASK), pfn[1]);
	if (pwrite(ctl, "later", 6, 100) != 6 ||
	    pwrite(ctl, "later", 6, (off_t)psz + 100) != 6)
		detail("pwrite: %s", strerror(errno));
	check(name, "private: write() shows in a page not stored to, not in a copied one",
	      !strcmp(a + 100, "later") && !strcmp(a + psz + 100, "private-store"),
	      "page 0 '%.20s', page 1 '%.20s'", a + 100, a + psz + 100);
	restore_pages(0, 8);
out:
	unmap_close(fd, 8, a, NULL);
}

static void case_fork(int mode, const char *name)
{
	int fd = open_mode(mode), st = -1;
	char *s = fd < 0 ? NULL : map_aligned(fd, 2, PROT_READ | PROT_WRITE,
					      MAP_SHARED, 0);
	char *p = fd < 0 ? NULL : map_aligned(fd, 2, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE, 0);
	pid_t c;

	if (!check(name, "fork: mmap shared and private", s && p, "%s",
		   strerror(errno)))
		goto out;
	strcpy(s + 200, "parent-shared");
	strcpy(p + 200, "parent-private");
	fflush(stdout);
	c = fork();
	if (c == 0) {
		int r = strcmp(s + 200, "parent-shared") ? 2 :
			strcmp(p + 200, "parent-private") ? 3 : 0;

		strcpy(s + psz + 200, "child-shared");
		strcpy(p + 200, "child-private");
		_exit(r);
	}
	if (c > 0)
		waitpid(c, &st, 0);
	check(name, "fork: the child sees the parent's shared and private stores",
	      c > 0 && WIFEXITED(st) && !WEXITSTATUS(st),
	      "child status %#x (2: shared, 3: private differs)", st);
	check(name, "fork: the parent sees the child's shared store, not its private one",
	      !strcmp(s + psz + 200, "child-shared") &&
	      !strcmp(p + 200, "parent-private"),
	      "shared '%.20s', private '%.20s'", s + psz + 200, p + 200);
	restore_pages(0, 2);
out:
	unmap_close(fd, 2, s, p);
}

static void case_dontneed(int mode, const char *name)
{
	int fd = open_mode(mode);
	char *s = fd < 0 ? NULL : map_aligned(fd, 4, PROT_READ | PROT_WRITE,
					      MAP_SHARED, 0);
	char *p = fd < 0 ? NULL : map_aligned(fd, 4, PROT_READ | PROT_WRITE,
					      MAP_PRIVATE, 0);
	unsigned long f0, f1;
	int gone;

	if (!check(name, "MADV_DONTNEED: mmap shared and private", s && p,
		   "%s", strerror(errno)))
		goto out;
	strcpy(s + psz + 100, "kept");
	strcpy(p + 2 * psz + 100, "dropped");
	madvise(s, 4 * psz, MADV_DONTNEED);
	madvise(p, 4 * psz, MADV_DONTNEED);
	gone = !present(s + psz) && !present(p + 2 * psz);
	f0 = vbuf_faults();
	check(name, "MADV_DONTNEED: pages gone; the refault shows the buffer",
	      gone && !strcmp(s + psz + 100, "kept") &&
	      has_header(p + 2 * psz, 2) && p[2 * psz + 100] == 0,
	      "gone %d, shared '%.10s', private '%.10s'", gone, s + psz + 100,
	      p + 2 * psz + 100);
	f1 = vbuf_faults();
	check(name, "MADV_DONTNEED: each refault went through the module (+2)",
	      f1 - f0 == 2, "faults +%lu", f1 - f0);
	restore_pages(0, 4);
out:
	unmap_close(fd, 4, s, p);
}

static void case_mremap(int mode, const char *name)
{
	int fd = open_mode(mode);
	char *a = fd < 0 ? NULL : map_aligned(fd, 2, PROT_READ, MAP_SHARED, 0);
	void *r1, *r2 = MAP_FAILED;
	int e1 = 0, e2 = 0;

	if (!check(name, "mremap: mmap", a != NULL, "%s", strerror(errno)))
		goto out;
	r1 = mremap(a, 2 * psz, 4 * psz, 0);
	e1 = errno;
	if (r1 == MAP_FAILED) {
		r2 = mremap(a, 2 * psz, 4 * psz, MREMAP_MAYMOVE);
		e2 = errno;
	}
	check(name, "mremap: growing refused with EFAULT, in place or moving",
	      r1 == MAP_FAILED && e1 == EFAULT && r2 == MAP_FAILED &&
	      e2 == EFAULT, "in place %s, moving %s",
	      r1 == MAP_FAILED ? strerror(e1) : "succeeded",
	      r2 == MAP_FAILED ? strerror(e2) : "succeeded");
	if (r1 != MAP_FAILED)
		a = r1;
	else if (r2 != MAP_FAILED)
		a = r2;
out:
	unmap_close(fd, 2, a, NULL);
}

/* 16 pages of ODIRECT_FILE read into a mapping, and written back out. */
static void case_odirect(int mode, const char *name)
{
	const size_t len = 16 * psz;
	char *pat = NULL, *back = NULL, *a = NULL, *cur = NULL;
	int fd = -1, dfd = -1, ok_in = 0, ok_out = 0;
	ssize_t n1 = -1, n2 = -1;
	unsigned long i;

	if (!odirect_path) {
		skipm(name, "O_DIRECT into and out of a mapping",
		     "no O_DIRECT file given");
		return;
	}
	dfd = open(odirect_path, O_RDWR | O_DIRECT);
	fd = open_mode(mode);
	if (dfd < 0 || fd < 0 || posix_memalign((void **)&pat, psz, len) ||
	    posix_memalign((void **)&back, psz, len) ||
	    !(cur = malloc(len))) {
		check(name, "O_DIRECT: setup", 0, "open %s: %s", odirect_path,
		      strerror(errno));
		goto out;
	}
	for (i = 0; i < 16; i++) {
		memset(pat + i * psz, 'a' + (int)i, psz);
		snprintf(pat + i * psz, psz, "odirect page %lu", i);
	}
	a = map_aligned(fd, 16, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (!a || pwrite(dfd, pat, len, 0) != (ssize_t)len) {
		check(name, "O_DIRECT: setup", 0, "mmap/pwrite: %s",
		      strerror(errno));
		goto out;
	}
	/* Into the mapping: the block layer pins its pages (GUP). */
	n1 = pread(dfd, a, len, 0);
	ok_in = n1 == (ssize_t)len && pread(ctl, cur, len, 0) == (ssize_t)len &&
		!memcmp(cur, pat, len);
	check(name, "O_DIRECT read() from a disk into the mapping lands in the buffer",
	      ok_in, "pread = %zd (%s)", n1, n1 < 0 ? strerror(errno) : "data");
	/* Out of it: change the buffer, write the mapping to the disk. */
	restore_pages(0, 16);
	n2 = pwrite(dfd, a, len, 0);
	ok_out = n2 == (ssize_t)len && pread(dfd, back, len, 0) == (ssize_t)len;
	for (i = 0; ok_out && i < 16; i++)
		ok_out = has_header(back + i * psz, i);
	check(name, "O_DIRECT write() of the mapping to a disk writes the buffer",
	      ok_out, "pwrite = %zd (%s)", n2, n2 < 0 ? strerror(errno) : "data");
out:
	restore_pages(0, 16);
	if (a)
		munmap(a, len);
	free(pat);
	free(back);
	free(cur);
	if (fd >= 0)
		close(fd);
	if (dfd >= 0)
		close(dfd);
}

/* vmsplice() takes references to the mapping's pages (GUP). */
static void case_vmsplice(int mode, const char *name)
{
	int fd = open_mode(mode), pfd[2] = { -1, -1 };
	char *a = fd < 0 ? NULL : map_aligned(fd, 2, PROT_READ, MAP_SHARED, 2);
	char *got = malloc(2 * psz);
	struct iovec iov = { .iov_base = a, .iov_len = 2 * psz };
	ssize_t n = -1, r = -1;

	if (a && got && !pipe(pfd)) {
		n = vmsplice(pfd[1], &iov, 1, 0);
		if (n == (ssize_t)(2 * psz))
			r = read(pfd[0], got, 2 * psz);
	}
	check(name, "vmsplice() of the mapping into a pipe carries its pages",
	      r == (ssize_t)(2 * psz) && has_header(got, 2) &&
	      has_header(got + psz, 3),
	      "vmsplice = %zd, read = %zd (%s)", n, r, strerror(errno));
	if (pfd[0] >= 0) {
		close(pfd[0]);
		close(pfd[1]);
	}
	free(got);
	unmap_close(fd, 2, a, NULL);
}

/*
 * Before 6.5 io_uring refused registered buffers in file-backed mappings
 * itself (EOPNOTSUPP); from 6.5 GUP decides, and a long-term pin of our
 * pages is allowed (no dirty tracking, not movable).
 */
static int uring_refuses_file_memory(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2)
		return -1;
	return major < 6 || (major == 6 && minor < 5);
}

static void case_uring(int mode, const char *name)
{
	struct io_uring_params par;
	int fd = open_mode(mode), ring, r, e, refuses;
	char *a = fd < 0 ? NULL : map_aligned(fd, 4, PROT_READ | PROT_WRITE,
					      MAP_SHARED, 0);
	struct iovec iov = { .iov_base = a, .iov_len = 4 * psz };

	memset(&par, 0, sizeof(par));
	ring = (int)syscall(__NR_io_uring_setup, 4, &par);
	if (ring < 0 || !a) {
		char why[96];

		snprintf(why, sizeof(why), "io_uring_setup/mmap: %s",
			 strerror(errno));
		skipm(name, "io_uring registered buffer in a mapping", why);
		goto out;
	}
	r = (int)syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS,
			 &iov, 1);
	e = errno;
	refuses = uring_refuses_file_memory();
	if (refuses)
		check(name, "io_uring: registering the mapping as a buffer: EOPNOTSUPP (before 6.5)",
		      r < 0 && e == EOPNOTSUPP, "register = %d (%s)", r,
		      r < 0 ? strerror(e) : "ok");
	else
		check(name, "io_uring: registering the mapping as a buffer works (6.5+)",
		      r == 0, "register = %d (%s)", r, r < 0 ? strerror(e) : "ok");
	close(ring);
out:
	unmap_close(fd, 4, a, NULL);
}

/* The ioctls, and that a mapping keeps the mode it was made with. */
static void case_ioctls(void)
{
	struct vbuf_stats s = { 0 };
	char why[160];
	int fd = open(MMLENS_VBUF_DEV, O_RDWR), r, e;
	__u32 m = 99, bad = MMLENS_VBUF_NR_MODES;
	unsigned long f0, i0;
	char *a;

	vbuf_stats_read(&s, why, sizeof(why));
	r = ioctl(fd, MMLENS_VBUF_GET_MODE, &m);
	check("ioctl", "GET_MODE of a new open == the vbuf_mode parameter",
	      !r && m < MMLENS_VBUF_NR_MODES &&
	      !strcmp(vbuf_mode_name[m], s.mode),
	      "GET_MODE %d (%u), stats mode=%s", r, m, s.mode);
	r = ioctl(fd, MMLENS_VBUF_SET_MODE, &bad);
	e = errno;
	check("ioctl", "SET_MODE 3: EINVAL", r < 0 && e == EINVAL,
	      "SET_MODE = %d (%s)", r, strerror(e));
	r = ioctl(fd, MMLENS_VBUF_SET_MODE, (void *)16);
	e = errno;
	check("ioctl", "SET_MODE from a bad pointer: EFAULT",
	      r < 0 && e == EFAULT, "SET_MODE = %d (%s)", r, strerror(e));
	r = ioctl(fd, _IO(MMLENS_VBUF_IOC_MAGIC, 9));
	e = errno;
	check("ioctl", "an unknown command: ENOTTY", r < 0 && e == ENOTTY,
	      "ioctl = %d (%s)", r, strerror(e));

	m = MMLENS_VBUF_LAZY;
	r = ioctl(fd, MMLENS_VBUF_SET_MODE, &m);
	a = map_aligned(fd, 4, PROT_READ, MAP_SHARED, 0);
	m = MMLENS_VBUF_EAGER;
	r |= ioctl(fd, MMLENS_VBUF_SET_MODE, &m);
	m = 99;
	r |= ioctl(fd, MMLENS_VBUF_GET_MODE, &m);
	check("ioctl", "SET_MODE then GET_MODE round-trips",
	      !r && m == MMLENS_VBUF_EAGER, "r %d mode %u", r, m);
	f0 = vbuf_faults();
	i0 = vbuf_inserted();
	if (a) {
		(void)*(volatile char *)a;
		(void)*(volatile char *)(a + 2 * psz);
	}
	check("ioctl", "a lazy mapping stays lazy after SET_MODE eager: 2 touches, 2 faults",
	      a && vbuf_faults() - f0 == 2 && vbuf_inserted() - i0 == 2,
	      "faults +%lu inserted +%lu", vbuf_faults() - f0,
	      vbuf_inserted() - i0);
	unmap_close(fd, 4, a, NULL);
}

int main(int argc, char **argv)
{
	char why[160] = "";
	unsigned long *pfn;
	struct vbuf_stats s = { 0 };
	int mode;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_prefix = "TAP ";
	psz = (size_t)sysconf(_SC_PAGESIZE);
	odirect_path = argc > 1 ? argv[1] : NULL;
	ctl = open_mode(MMLENS_VBUF_LAZY);
	if (vbuf_stats_read(&s, why, sizeof(why)) || ctl < 0 ||
	    s.pages < NPAGES + MMLENS_VBUF_AROUND_PAGES) {
		printf("TAP not ok vbuf modes: setup\nTAP #   %s (%s)\n",
		       why[0] ? why : "open or too small a buffer",
		       strerror(errno));
		return 1;
	}
	pfn = vbuf_pfns_read((unsigned long)s.pages, why, sizeof(why));
	if (!pfn) {
		printf("TAP not ok vbuf modes: vbuf_pfns\nTAP #   %s\n", why);
		return 1;
	}
	case_ioctls();
	for (mode = 0; mode < MMLENS_VBUF_NR_MODES; mode++) {
		const char *name = vbuf_mode_name[mode];

		case_counts(mode, name, 0);
		case_counts(mode, name, 1);
		case_shared(mode, name);
		case_private(mode, name, pfn);
		case_fork(mode, name);
		case_dontneed(mode, name);
		case_mremap(mode, name);
		case_odirect(mode, name);
		case_vmsplice(mode, name);
		case_uring(mode, name);
	}
	free(pfn);
	close(ctl);
	printf("TAP # vbuf_modes: done\n");
	return failures ? 1 : 0;
}
