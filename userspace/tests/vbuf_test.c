// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_test - the behaviour of /dev/mmlens, as seen from user space.
 *
 * Prints one "TAP ok NAME" / "TAP not ok NAME" line per check and
 * "TAP # ..." diagnostics; the last line is "TAP # vbuf_test: done" when
 * every case ran. Exit status: 0 when all passed, 1 otherwise. Must run
 * as root (the device is 0600, PFNs in pagemap need CAP_SYS_ADMIN) with
 * the module freshly loaded: it expects no other user of the device.
 * Every case puts back the bytes it wrote, so it can run again.
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"
#include "vbuf_lib.h"

static int vfd = -1;		/* O_RDWR on the device, for the whole run */
static size_t psz;
static unsigned long npages;
static size_t bufsize;
static unsigned long *pfns;	/* from vbuf_pfns */

/* One result line; on failure the diagnostic says what was seen. */
#define check(name, ok, ...) resultf(ok, "vbuf", name, __VA_ARGS__)

static char *map(unsigned long pages, int prot, int flags, off_t pgoff)
{
	void *p = mmap(NULL, pages * psz, prot, flags, vfd, pgoff * (off_t)psz);

	return p == MAP_FAILED ? NULL : p;
}

/* A case's two mappings of pages pages each, those that were made. */
static void unmap_two(char *a, char *b, unsigned long pages)
{
	if (a)
		munmap(a, pages * psz);
	if (b)
		munmap(b, pages * psz);
}

static char touch(const char *p)
{
	return *(volatile const char *)p;
}

static char *page_at(char *base, unsigned long i)
{
	return base + i * psz;
}

#define has_header vbuf_has_header

/* Put page idx back as it was at load. */
static int restore_page(unsigned long idx)
{
	char *buf = malloc(psz);
	ssize_t n;

	if (!buf)
		return -1;
	vbuf_expected_page(buf, psz, idx);
	n = pwrite(vfd, buf, psz, (off_t)(idx * psz));
	free(buf);
	return n == (ssize_t)psz ? 0 : -1;
}

static int present(const void *p)
{
	return !!(vbuf_pagemap(p) & VBUF_PM_PRESENT);
}

/* Lines of /proc/self/maps that name the device. */
static int device_vmas(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, MMLENS_VBUF_DEV))
			n++;
	fclose(f);
	return n;
}

static void case_stats_format(void)
{
	struct vbuf_stats s = { 0 };
	char why[160] = "";
	int r = vbuf_stats_read(&s, why, sizeof(why));

	if (!check("stats: size, pages, faults, mappings, opens, mode, inserted, one key=value per line",
		   !r, "%s", why))
		return;
	check("stats: size == pages * page size, >= 64 pages",
	      (size_t)s.size == (size_t)s.pages * psz && s.pages >= 64,
	      "size=%lu pages=%lu", s.size, s.pages);
	check("stats: no mapping, no open file before the test opens one",
	      s.mappings == 0 && s.opens == 0, "mappings=%ld opens=%ld",
	      s.mappings, s.opens);
	npages = s.pages;
	bufsize = s.size;
}

static void case_open_counts(void)
{
	long before = vbuf_opens(), with, after;
	int fd2 = open(MMLENS_VBUF_DEV, O_RDONLY);

	with = vbuf_opens();
	if (fd2 >= 0)
		close(fd2);
	after = vbuf_opens();
	check("opens: +1 while a second file is open, back after close",
	      fd2 >= 0 && with == before + 1 && after == before,
	      "fd %d, opens %ld -> %ld -> %ld", fd2, before, with, after);
}

static void case_read_contents(const char *name)
{
	char *buf = malloc(bufsize), *want = malloc(psz);
	unsigned long i, bad = 0, first = 0;
	ssize_t n;

	if (!buf || !want) {
		check(name, 0, "out of memory");
		goto out;
	}
	n = pread(vfd, buf, bufsize, 0);
	for (i = 0; n == (ssize_t)bufsize && i < npages; i++) {
		vbuf_expected_page(want, psz, i);
		if (memcmp(page_at(buf, i), want, psz) && !bad++)
			first = i;
	}
	check(name, n == (ssize_t)bufsize && !bad,
	      "pread %zd of %zu, %lu bad pages, first %lu", n, bufsize,
	      bad, first);
out:
	free(buf);
	free(want);
}

static void case_rw_bounds(void)
{
	off_t end = (off_t)bufsize;
	char buf[100], z[100] = { 0 };
	ssize_t n;
	off_t o;

	o = lseek(vfd, 0, SEEK_END);
	check("llseek: SEEK_END lands at the buffer size", o == end,
	      "lseek SEEK_END = %lld", (long long)o);
	n = read(vfd, buf, sizeof(buf));
	check("read at the end: 0 (EOF)", n == 0, "read = %zd (%s)", n,
	      strerror(errno));
	errno = 0;
	n = write(vfd, "x", 1);
	check("write at the end: ENOSPC", n == -1 && errno == ENOSPC,
	      "write = %zd (%s)", n, strerror(errno));
	n = pread(vfd, buf, sizeof(buf), end + 4096);
	check("pread past the end: 0", n == 0, "pread = %zd", n);
	errno = 0;
	n = pwrite(vfd, "x", 1, end + 4096);
	check("pwrite past the end: ENOSPC", n == -1 && errno == ENOSPC,
	      "pwrite = %zd (%s)", n, strerror(errno));
	n = pread(vfd, buf, sizeof(buf), end - 10);
	check("pread across the end: short, 10 bytes of the zero tail",
	      n == 10 && !memcmp(buf, z, 10), "pread = %zd", n);
	n = pwrite(vfd, "abcdefgh", 8, end - 4);
	check("pwrite across the end: short, 4 bytes", n == 4,
	      "pwrite = %zd (%s)", n, strerror(errno));
	n = pread(vfd, buf, 8, end - 4);
	check("the 4 bytes written at the end read back", n == 4 &&
	      !memcmp(buf, "abcd", 4), "pread = %zd", n);
	restore_page(npages - 1);

	errno = 0;
	o = lseek(vfd, end + 1, SEEK_SET);
	check("llseek past the end: EINVAL", o == -1 && errno == EINVAL,
	      "lseek = %lld (%s)", (long long)o, strerror(errno));
	errno = 0;
	o = lseek(vfd, -1, SEEK_SET);
	check("llseek before 0: EINVAL", o == -1 && errno == EINVAL,
	      "lseek = %lld (%s)", (long long)o, strerror(errno));

	/* write() then read() through f_pos, in the middle of page 3. */
	o = lseek(vfd, 3 * psz + 200, SEEK_SET);
	n = write(vfd, "middle", 6);
	o = lseek(vfd, -6, SEEK_CUR);
	memset(buf, 0, sizeof(buf));
	if (read(vfd, buf, 6) != 6)
		buf[0] = 0;
	check("write() then SEEK_CUR back then read() round-trips",
	      n == 6 && o == (off_t)(3 * psz + 200) && !memcmp(buf, "middle", 6),
	      "write = %zd, lseek = %lld, read '%.6s'", n, (long long)o, buf);
	restore_page(3);
	lseek(vfd, 0, SEEK_SET);
}

/* Faults: k of n pages, again, and a second mapping. */
static void case_fault_counts(void)
{
	static const unsigned long touched[] = { 0, 3, 7, 8, 15 };
	const unsigned long n = 16, k = 5;
	unsigned long f0, f1, f2, f3, i, mapped = 0;
	long m0 = vbuf_mappings(), m1;
	char *a = NULL, *b = NULL;

	f0 = vbuf_faults();
	a = map(n, PROT_READ, MAP_SHARED, 0);
	if (!check("mmap 16 pages MAP_SHARED", a != NULL, "mmap: %s",
		   strerror(errno)))
		return;
	for (i = 0; i < n; i++)
		mapped += present(page_at(a, i));
	check("mmap inserts no page: none present, faults unchanged",
	      !mapped && vbuf_faults() == f0, "%lu present, faults %lu -> %lu",
	      mapped, f0, vbuf_faults());
	for (i = 0; i < k; i++)
		touch(page_at(a, touched[i]));
	f1 = vbuf_faults();
	check("touch 5 of 16 pages: faults grows by exactly 5",
	      f1 - f0 == k, "faults %lu -> %lu", f0, f1);
	mapped = 0;
	for (i = 0; i < n; i++)
		mapped += present(page_at(a, i));
	check("exactly the 5 touched pages are present in pagemap",
	      mapped == k, "%lu present", mapped);
	for (i = 0; i < k; i++)
		touch(page_at(a, touched[i]));
	f2 = vbuf_faults();
	check("touch them again: no new fault", f2 == f1,
	      "faults %lu -> %lu", f1, f2);

	b = map(n, PROT_READ, MAP_SHARED, 0);
	m1 = vbuf_mappings();
	for (i = 0; b && i < k; i++)
		touch(page_at(b, touched[i]));
	f3 = vbuf_faults();
	check("second mapping of the range faults again: +5",
	      b && f3 - f2 == k, "mmap %s, faults %lu -> %lu",
	      b ? "ok" : strerror(errno), f2, f3);
	check("mappings counts both mappings", m1 == m0 + 2,
	      "mappings %ld -> %ld", m0, m1);
	munmap(a, n * psz);
	if (b)
		munmap(b, n * psz);
	check("mappings back after munmap", vbuf_mappings() == m0,
	      "mappings %ld", vbuf_mappings());
}

static void case_map_equals_read(void)
{
	char *buf = malloc(bufsize), *a;
	unsigned long f0 = vbuf_faults(), f1;
	ssize_t n;

	a = map(npages, PROT_READ, MAP_SHARED, 0);
	if (!buf || !a) {
		check("whole-buffer mapping == read()", 0, "%s",
		      !buf ? "out of memory" : strerror(errno));
		goto out;
	}
	n = pread(vfd, buf, bufsize, 0);
	check("whole-buffer mapping == read(), byte for byte",
	      n == (ssize_t)bufsize && !memcmp(a, buf, bufsize),
	      "pread = %zd", n);
	f1 = vbuf_faults();
	check("comparing the whole mapping faulted every page once",
	      f1 - f0 == npages, "faults +%lu, pages %lu", f1 - f0, npages);
	munmap(a, bufsize);
out:
	free(buf);
}

static void case_shared_write(void)
{
	char *a = map(4, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	char *b = map(4, PROT_READ, MAP_SHARED, 0);
	char buf[32] = "";
	const char *mark = "shared-write";
	ssize_t n;

	if (!check("mmap two MAP_SHARED mappings", a && b, "mmap: %s",
		   strerror(errno)))
		goto out;
	strcpy(page_at(a, 2) + 100, mark);
	n = pread(vfd, buf, strlen(mark), 2 * psz + 100);
	check("store via MAP_SHARED is seen by read()",
	      n == (ssize_t)strlen(mark) && !memcmp(buf, mark, strlen(mark)),
	      "pread = %zd '%.12s'", n, buf);
	check("store via MAP_SHARED is seen by a second mapping",
	      !strcmp(page_at(b, 2) + 100, mark), "second mapping: '%.12s'",
	      page_at(b, 2) + 100);
	n = pwrite(vfd, "via-write", 9, 1 * psz + 300);
	check("write() is seen by both mappings",
	      n == 9 && !memcmp(page_at(a, 1) + 300, "via-write", 9) &&
	      !memcmp(page_at(b, 1) + 300, "via-write", 9),
	      "pwrite = %zd", n);
	check("page headers intact", has_header(page_at(a, 2), 2) &&
	      has_header(page_at(b, 1), 1), "headers differ");
	restore_page(1);
	restore_page(2);
out:
	unmap_two(a, b, 4);
}

static void case_private_write(void)
{
	char *p = map(4, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	char *s = map(4, PROT_READ, MAP_SHARED, 0);
	char buf[32] = "";
	unsigned long f0, f1;
	uint64_t pm0, pm1;
	ssize_t n;

	if (!check("mmap MAP_PRIVATE and MAP_SHARED", p && s, "mmap: %s",
		   strerror(errno)))
		goto out;
	/* Read first: the private mapping maps the buffer's own page. */
	touch(page_at(p, 1));
	pm0 = vbuf_pagemap(page_at(p, 1));
	f0 = vbuf_faults();
	strcpy(page_at(p, 1) + 100, "private");
	f1 = vbuf_faults();
	pm1 = vbuf_pagemap(page_at(p, 1));
	n = pread(vfd, buf, 7, 1 * psz + 100);
	check("store via MAP_PRIVATE does not reach read()",
	      n == 7 && !memcmp(buf, "\0\0\0\0\0\0\0", 7), "pread = %zd", n);
	check("store via MAP_PRIVATE is not seen by a MAP_SHARED mapping",
	      page_at(s, 1)[100] == 0, "shared sees '%.7s'",
	      page_at(s, 1) + 100);
	check("the private mapping sees its own store and the header",
	      !strcmp(page_at(p, 1) + 100, "private") &&
	      has_header(page_at(p, 1), 1), "private: '%.7s'",
	      page_at(p, 1) + 100);
	check("copy-on-write of a read-faulted page does not call .fault",
	      f1 == f0, "faults %lu -> %lu", f0, f1);
	if ((pm0 & VBUF_PM_PFN_MASK) == 0) {
		skip("vbuf", "private page: buffer pfn before the store, a new one after",
		     "pagemap hides PFNs (no CAP_SYS_ADMIN?)");
	} else {
		check("private page: buffer pfn before the store, a new one after",
		      (pm0 & VBUF_PM_PFN_MASK) == pfns[1] &&
		      (pm1 & VBUF_PM_PFN_MASK) != pfns[1],
		      "pfn %#llx -> %#llx, buffer %#lx",
		      (unsigned long long)(pm0 & VBUF_PM_PFN_MASK),
		      (unsigned long long)(pm1 & VBUF_PM_PFN_MASK), pfns[1]);
	}

	/* First touch is a store: .fault serves, the kernel copies. */
	f0 = vbuf_faults();
	strcpy(page_at(p, 3) + 100, "cow-fault");
	f1 = vbuf_faults();
	n = pread(vfd, buf, 9, 3 * psz + 100);
	check("first-touch store via MAP_PRIVATE: one fault, buffer unchanged",
	      f1 - f0 == 1 && n == 9 && !memcmp(buf, "\0\0\0\0\0\0\0\0\0", 9) &&
	      has_header(page_at(p, 3), 3),
	      "faults %lu -> %lu, pread = %zd", f0, f1, n);

	/* Not yet written: the private mapping still shows the buffer. */
	touch(page_at(p, 2));
	n = pwrite(vfd, "later", 5, 2 * psz + 100);
	check("an unwritten private page follows write() to the buffer",
	      n == 5 && !memcmp(page_at(p, 2) + 100, "later", 5),
	      "pwrite = %zd, private sees '%.5s'", n, page_at(p, 2) + 100);
	restore_page(2);
out:
	unmap_two(p, s, 4);
}

static void case_offset(void)
{
	unsigned long i, bad = 0;
	char *a = map(3, PROT_READ, MAP_SHARED, 5), *l;

	if (!check("mmap 3 pages at page offset 5", a != NULL, "mmap: %s",
		   strerror(errno)))
		return;
	for (i = 0; i < 3; i++) {
		uint64_t pfn;

		if (!has_header(page_at(a, i), 5 + i))
			bad++;
		/* PFNs hidden (not root): the header check still counts. */
		pfn = vbuf_pagemap(page_at(a, i)) & VBUF_PM_PFN_MASK;
		if (pfn && pfn != pfns[5 + i])
			bad++;
	}
	check("offset mapping: page j shows header 5+j and pfn of page 5+j",
	      !bad, "%lu mismatches", bad);
	munmap(a, 3 * psz);
	l = map(1, PROT_READ, MAP_SHARED, (off_t)(npages - 1));
	check("the last page alone maps and shows its header",
	      l && has_header(l, npages - 1), "mmap: %s", strerror(errno));
	if (l)
		munmap(l, psz);
}

/* mmap(pages at pgoff) fails with one of want1/want2, maps nothing. */
static void refused(const char *name, size_t len, off_t off, int want1,
		    int want2)
{
	long m0 = vbuf_mappings();
	int v0 = device_vmas();
	void *p;
	int e;

	errno = 0;
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, vfd, off);
	e = errno;
	check(name, p == MAP_FAILED && (e == want1 || e == want2) &&
	      vbuf_mappings() == m0 && device_vmas() == v0,
	      "mmap(len %#zx, off %#llx) = %p (%s), mappings %ld -> %ld, vmas %d -> %d",
	      len, (unsigned long long)off, p, strerror(e), m0,
	      vbuf_mappings(), v0, device_vmas());
	if (p != MAP_FAILED)
		munmap(p, len);
}

static void case_bounds(void)
{
	refused("mmap one page longer than the buffer: EINVAL",
		bufsize + psz, 0, EINVAL, EINVAL);
	refused("mmap at offset == size: EINVAL", psz, (off_t)bufsize,
		EINVAL, EINVAL);
	refused("mmap of the last page plus one: EINVAL", 2 * psz,
		(off_t)(bufsize - psz), EINVAL, EINVAL);
	/* pgoff 2^52 - 2 passes the core checks and reaches our ->mmap. */
	refused("mmap at a huge offset: EINVAL from the driver", psz,
		(off_t)-2 * (off_t)psz, EINVAL, EINVAL);
	/* Offset + length wraps 2^64: the core refuses it first. */
	refused("mmap whose offset + length overflows: EOVERFLOW/ENOMEM",
		2 * psz, -(off_t)psz, EOVERFLOW, ENOMEM);
}

/* VmFlags of the VMA at addr, from /proc/self/smaps. */
static int vmflags(const void *addr, char *out, size_t outlen)
{
	char line[512];
	unsigned long lo, hi;
	int in = 0;
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* A VMA's first line; no smaps field starts "hex-hex". */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = (uintptr_t)addr >= lo && (uintptr_t)addr < hi;
		if (in && !strncmp(line, "VmFlags:", 8)) {
			snprintf(out, outlen, "%s", line + 8);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

static void case_vmflags_and_mremap(void)
{
	char *a = map(2, PROT_READ, MAP_SHARED, 0), *r, *dst;
	char flags[512] = "";
	long m0;
	unsigned long f0;

	if (!check("mmap 2 pages", a != NULL, "mmap: %s", strerror(errno)))
		return;
	vmflags(a, flags, sizeof(flags));
	check("VmFlags has de (DONTEXPAND) and dd (DONTDUMP)",
	      strstr(flags, " de") && strstr(flags, " dd"), "VmFlags:%s",
	      flags);
	touch(a);
	m0 = vbuf_mappings();
	errno = 0;
	r = mremap(a, 2 * psz, 4 * psz, MREMAP_MAYMOVE);
	if (!check("mremap grow (MAYMOVE): EFAULT", r == MAP_FAILED &&
		   errno == EFAULT, "mremap = %p (%s)", r, strerror(errno)))
		goto grown;
	errno = 0;
	r = mremap(a, 2 * psz, 4 * psz, 0);
	if (!check("mremap grow in place: EFAULT", r == MAP_FAILED &&
		   errno == EFAULT, "mremap = %p (%s)", r, strerror(errno)))
		goto grown;
	check("mapping intact after refused grows", has_header(a, 0) &&
	      has_header(page_at(a, 1), 1) && vbuf_mappings() == m0,
	      "mappings %ld -> %ld", m0, vbuf_mappings());

	/* Moving: the PTEs move along, .open/.close keep the count. */
	dst = mmap(NULL, 2 * psz, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	f0 = vbuf_faults();
	r = mremap(a, 2 * psz, 2 * psz, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (check("mremap move to a new address", r == dst, "mremap = %p (%s)",
		  r, strerror(errno)))
		a = r;
	check("moved mapping: page 0 mapped without a fault, same count",
	      present(a) && has_header(a, 0) && vbuf_faults() == f0 &&
	      vbuf_mappings() == m0, "faults %lu -> %lu, mappings %ld -> %ld",
	      f0, vbuf_faults(), m0, vbuf_mappings());
	r = mremap(a, 2 * psz, psz, 0);
	check("mremap shrink works and keeps the count", r == a &&
	      has_header(a, 0) && vbuf_mappings() == m0,
	      "mremap = %p, mappings %ld", r, vbuf_mappings());
	munmap(a, 2 * psz);
	return;
grown:
	/* The grow went through: drop whatever is mapped now, skip the rest. */
	munmap(r == MAP_FAILED ? a : r, 4 * psz);
}

static void case_dontneed(void)
{
	char *a = map(4, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	unsigned long f0, f1, f2, i, still = 0;
	int intact;

	if (!check("mmap 4 pages RW", a != NULL, "mmap: %s", strerror(errno)))
		return;
	f0 = vbuf_faults();
	for (i = 0; i < 4; i++)
		touch(page_at(a, i));
	strcpy(page_at(a, 1) + 100, "kept");
	f1 = vbuf_faults();
	if (madvise(a, 4 * psz, MADV_DONTNEED)) {
		check("madvise(MADV_DONTNEED)", 0, "%s", strerror(errno));
		goto out;
	}
	for (i = 0; i < 4; i++)
		still += present(page_at(a, i));
	check("MADV_DONTNEED unmaps every page", !still, "%lu still present",
	      still);
	intact = 1;
	for (i = 0; i < 4; i++)
		intact &= has_header(page_at(a, i), i);
	f2 = vbuf_faults();
	check("touch after MADV_DONTNEED: faults again, one per page",
	      f1 - f0 == 4 && f2 - f1 == 4, "faults %lu -> %lu -> %lu", f0,
	      f1, f2);
	check("contents intact after MADV_DONTNEED",
	      intact && !strcmp(page_at(a, 1) + 100, "kept"),
	      "page 1 at 100: '%.4s'", page_at(a, 1) + 100);
	restore_page(1);
out:
	munmap(a, 4 * psz);
}

static void case_split(void)
{
	long m0 = vbuf_mappings(), m1, m2, m3;
	char *a = map(4, PROT_READ, MAP_SHARED, 0);

	if (!check("mmap 4 pages", a != NULL, "mmap: %s", strerror(errno)))
		return;
	m1 = vbuf_mappings();
	mprotect(page_at(a, 1), psz, PROT_NONE);
	m2 = vbuf_mappings();
	munmap(page_at(a, 2), psz);
	m3 = vbuf_mappings();
	check("split VMAs are counted: 1, mprotect middle -> 3, munmap another -> 3",
	      m1 == m0 + 1 && m2 == m0 + 3 && m3 == m0 + 3 &&
	      has_header(page_at(a, 3), 3),
	      "mappings %ld -> %ld -> %ld -> %ld", m0, m1, m2, m3);
	munmap(a, 4 * psz);
	check("all pieces unmapped: count back", vbuf_mappings() == m0,
	      "mappings %ld", vbuf_mappings());
}

/* The forked parent: maps, forks, and reports what it sees. */
static int fork_parent(void)
{
	char *a = map(2, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	int c2p[2], p2c[2], status;
	long m1, m2, o1;
	char seen = 0;
	pid_t c;

	if (!a || pipe(c2p) || pipe(p2c))
		return 1;
	strcpy(a + 200, "parent-mark");
	fflush(stdout);
	c = fork();
	if (c < 0)
		return 1;
	if (c == 0) {
		/* Child: sees the parent's store, makes its own. */
		seen = !strcmp(a + 200, "parent-mark") ? 'y' : 'n';
		strcpy(page_at(a, 1) + 200, "child-mark");
		if (write(c2p[1], &seen, 1) != 1 || read(p2c[0], &seen, 1) != 1)
			_exit(1);
		_exit(0);
	}
	if (read(c2p[0], &seen, 1) != 1)
		seen = 0;
	m1 = vbuf_mappings();
	o1 = vbuf_opens();
	check("fork: the child sees the parent's store in the shared page",
	      seen == 'y', "child answered '%c'", seen ? seen : '?');
	check("fork: the parent sees the child's store",
	      !strcmp(page_at(a, 1) + 200, "child-mark"), "parent sees '%.10s'",
	      page_at(a, 1) + 200);
	check("fork: mappings counts parent and child (2)", m1 == 2,
	      "mappings %ld", m1);
	check("fork: one open file shared by both (opens 1)", o1 == 1,
	      "opens %ld", o1);
	if (write(p2c[1], "x", 1) != 1)
		return 1;
	waitpid(c, &status, 0);
	m2 = vbuf_mappings();
	check("fork: child exit drops its mapping (1)",
	      WIFEXITED(status) && !WEXITSTATUS(status) && m2 == 1,
	      "child status %#x, mappings %ld", status, m2);
	/* Exit with the mapping still there: exit_mmap() must close it. */
	return failures ? 1 : 0;
}

static void case_fork(void)
{
	long m0 = vbuf_mappings(), m1;
	int status = -1;
	pid_t p;

	if (!check("fork: no mapping before", m0 == 0, "mappings %ld", m0))
		return;
	fflush(stdout);
	p = fork();
	if (p == 0) {
		int r = fork_parent();

		fflush(stdout);
		_exit(r);
	}
	if (p > 0)
		waitpid(p, &status, 0);
	if (failures == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		failures = 1;
	m1 = vbuf_mappings();
	check("fork: after both exit, mappings back to 0",
	      p > 0 && WIFEXITED(status) && m1 == 0,
	      "parent status %#x, mappings %ld", status, m1);
	restore_page(0);
	restore_page(1);
}

#define NTHREADS 8

struct tharg {
	char *base;
	unsigned long per, id, errors;
	pthread_barrier_t *bar;
};

/*
 * All threads first-touch page 0 together, then their own pages, then
 * (after everyone is done) read every page. Only page 0 is touched by
 * several threads while unmapped, so at most NTHREADS - 1 .fault calls
 * can lose the PTE race: k <= faults <= k + NTHREADS - 1.
 */
static void *thread_main(void *v)
{
	struct tharg *t = v;
	unsigned long i, first = 1 + t->id * t->per, used = 1 + NTHREADS * t->per;
	char tag[48];

	pthread_barrier_wait(t->bar);
	if (!has_header(t->base, 0))
		t->errors++;
	for (i = first; i < first + t->per; i++) {
		if (!has_header(page_at(t->base, i), i))
			t->errors++;
		snprintf(page_at(t->base, i) + 512, 48, "t%lu p%lu", t->id, i);
	}
	pthread_barrier_wait(t->bar);
	for (i = 0; i < used; i++) {
		if (!has_header(page_at(t->base, i), i))
			t->errors++;
		if (!i)
			continue;
		snprintf(tag, sizeof(tag), "t%lu p%lu", (i - 1) / t->per, i);
		if (strcmp(page_at(t->base, i) + 512, tag))
			t->errors++;
	}
	return NULL;
}

static void case_threads(void)
{
	unsigned long per = (npages - 1) / NTHREADS, k, f0, f1, errors = 0, i;
	struct tharg arg[NTHREADS];
	pthread_t th[NTHREADS];
	pthread_barrier_t bar;
	char *a;
	int started = 0;

	if (per > 32)
		per = 32;
	k = 1 + NTHREADS * per;
	a = map(k, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	if (!check("threads: mmap", a != NULL, "mmap: %s", strerror(errno)))
		return;
	pthread_barrier_init(&bar, NULL, NTHREADS);
	f0 = vbuf_faults();
	for (i = 0; i < NTHREADS; i++) {
		arg[i] = (struct tharg){ .base = a, .per = per, .id = i,
					 .bar = &bar };
		if (pthread_create(&th[i], NULL, thread_main, &arg[i]))
			break;
		started++;
	}
	if (started != NTHREADS) {
		/* The barrier would never open: report and bail out. */
		check("threads: create 8", 0, "only %d started", started);
		_exit(1);
	}
	for (i = 0; i < NTHREADS; i++) {
		pthread_join(th[i], NULL);
		errors += arg[i].errors;
	}
	f1 = vbuf_faults();
	check("threads: every page's header and every thread's tag correct",
	      !errors, "%lu errors", errors);
	check("threads: k <= faults <= k + threads - 1 (k = pages touched)",
	      f1 - f0 >= k && f1 - f0 <= k + NTHREADS - 1,
	      "k %lu, faults +%lu", k, f1 - f0);
	detail("threads: %d threads, %lu pages, %lu faults", NTHREADS, k,
	     f1 - f0);
	pthread_barrier_destroy(&bar);
	munmap(a, k * psz);
	for (i = 1; i < k; i++)
		restore_page(i);
}

static void case_pagemap(void)
{
	char *a = map(npages, PROT_READ, MAP_SHARED, 0);
	unsigned long i, bad = 0, first = 0;
	uint64_t e = 0;

	if (!check("pagemap: mmap the whole buffer", a != NULL, "mmap: %s",
		   strerror(errno)))
		return;
	for (i = 0; i < npages; i++) {
		touch(page_at(a, i));
		e = vbuf_pagemap(page_at(a, i));
		if (!(e & VBUF_PM_PFN_MASK)) {
			skip("vbuf", "pagemap pfn == vbuf_pfns for every page",
			     "pagemap hides PFNs (no CAP_SYS_ADMIN?)");
			goto out;
		}
		if ((e & VBUF_PM_PFN_MASK) != pfns[i] && !bad++)
			first = i;
	}
	check("pagemap pfn == vbuf_pfns for every page", !bad,
	      "%lu mismatches, first page %lu: pagemap %#llx, vbuf_pfns %#lx",
	      bad, first, (unsigned long long)(vbuf_pagemap(page_at(a, first)) &
					    VBUF_PM_PFN_MASK), pfns[first]);
out:
	munmap(a, bufsize);
}

int main(void)
{
	char why[160] = "";

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_prefix = "TAP ";
	psz = (size_t)sysconf(_SC_PAGESIZE);
	case_stats_format();
	if (!npages) {
		detail("vbuf_test: no stats, giving up");
		return 1;
	}
	vfd = open(MMLENS_VBUF_DEV, O_RDWR);
	if (!check("open " MMLENS_VBUF_DEV " O_RDWR as root", vfd >= 0,
		   "open: %s", strerror(errno)))
		return 1;
	check("stats: opens == 1 with the device open", vbuf_opens() == 1,
	      "opens %ld", vbuf_opens());
	{
		/* These cases count faults of lazy mappings. */
		__u32 lazy = MMLENS_VBUF_LAZY;

		check("SET_MODE lazy for this descriptor",
		      !ioctl(vfd, MMLENS_VBUF_SET_MODE, &lazy), "ioctl: %s",
		      strerror(errno));
	}
	pfns = vbuf_pfns_read(npages, why, sizeof(why));
	if (!check("vbuf_pfns: one '<index> <pfn-hex>' line per page",
		   pfns != NULL, "%s", why))
		return 1;

	case_open_counts();
	case_read_contents("read(): page i holds 'mmlens vbuf page <i>' then zeros");
	case_rw_bounds();
	case_fault_counts();
	case_map_equals_read();
	case_shared_write();
	case_private_write();
	case_offset();
	case_bounds();
	case_vmflags_and_mremap();
	case_dontneed();
	case_split();
	case_fork();
	case_threads();
	case_pagemap();
	case_read_contents("read(): contents as at load after all cases");

	close(vfd);
	check("after close: mappings 0, opens 0",
	      vbuf_mappings() == 0 && vbuf_opens() == 0,
	      "mappings %ld opens %ld", vbuf_mappings(), vbuf_opens());
	free(pfns);
	printf("TAP # vbuf_test: done\n");
	return failures ? 1 : 0;
}
