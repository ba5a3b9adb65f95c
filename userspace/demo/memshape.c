// SPDX-License-Identifier: GPL-2.0
/*
 * memshape - a process whose address space has a bit of everything, for
 * mmlens vmas/pt/map/vtop: fixtures, the README's pictures, the VM tests.
 *
 *   thp     8 MiB anonymous, MADV_HUGEPAGE, all written (THP if it can)
 *   sparse  2 MiB anonymous, every other 4 KiB page written
 *   head    4 MiB anonymous, the first MiB written
 *   zero    256 KiB anonymous, only read (the shared zero page)
 *   file    2 MiB MAP_SHARED of a file in /tmp, the first half written
 *   guard   1 MiB PROT_NONE
 *   paged   with --pageout only: 1 MiB anonymous, written, then handed to
 *           MADV_PAGEOUT (swapped out where there is swap, for make demo)
 *
 * Prints "ready pid=<pid> thp=<addr> sparse=<addr> head=<addr> zero=<addr>
 * file=<addr> guard=<addr>" (hex, no 0x), then " paged=<addr>" with
 * --pageout, and sleeps until killed.
 *
 *   memshape [--pageout] [READY_FILE]   also write that line to READY_FILE
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../tests/madv.h"

#define KIB 1024UL
#define MIB (1024 * KIB)
#define PAGE (4 * KIB)

/*
 * A page more, unmapped again: the hole keeps the kernel from merging
 * neighbouring regions with equal flags into one VMA.
 */
static char *anon(size_t len, int prot)
{
	char *p = mmap(NULL, len + PAGE, prot, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);

	if (p == MAP_FAILED) {
		perror("memshape: mmap");
		exit(1);
	}
	munmap(p + len, PAGE);
	return p;
}

/* 8 MiB at a 2 MiB boundary, so that whole PMDs can be huge. */
static char *thp_region(void)
{
	char *p = anon(10 * MIB, PROT_READ | PROT_WRITE);
	uintptr_t a = ((uintptr_t)p + 2 * MIB - 1) & ~(2 * MIB - 1);

	if (a > (uintptr_t)p)
		munmap(p, a - (uintptr_t)p);
	munmap((char *)a + 8 * MIB, (uintptr_t)p + 10 * MIB - a - 8 * MIB);
	madvise((char *)a, 8 * MIB, MADV_HUGEPAGE);
	memset((char *)a, 0x5a, 8 * MIB);
	return (char *)a;
}

static char *file_region(void)
{
	char path[] = "/tmp/memshape.XXXXXX";
	int fd = mkstemp(path);
	char *p;

	if (fd < 0 || ftruncate(fd, 2 * MIB)) {
		perror("memshape: file");
		exit(1);
	}
	p = mmap(NULL, 2 * MIB, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("memshape: mmap file");
		exit(1);
	}
	unlink(path);
	close(fd);
	memset(p, 0x33, MIB);
	return p;
}

/* Written, then reclaimed at once: swap entries in its PTEs. */
static char *paged_region(void)
{
	char *p = anon(MIB, PROT_READ | PROT_WRITE);

	memset(p, 0x77, MIB);
	if (madvise(p, MIB, MADV_PAGEOUT))
		perror("memshape: MADV_PAGEOUT");
	return p;
}

int main(int argc, char **argv)
{
	char *thp, *sparse, *head, *zero, *file, *guard, *paged = NULL;
	char line[256];
	volatile char sink = 0;
	int pageout = argc > 1 && !strcmp(argv[1], "--pageout");
	size_t i, n;
	FILE *f;

	argv += pageout;
	argc -= pageout;

	thp = thp_region();
	sparse = anon(2 * MIB, PROT_READ | PROT_WRITE);
	for (i = 0; i < 2 * MIB; i += 2 * PAGE)
		sparse[i] = 1;
	head = anon(4 * MIB, PROT_READ | PROT_WRITE);
	memset(head, 0x11, MIB);
	zero = anon(256 * KIB, PROT_READ | PROT_WRITE);
	for (i = 0; i < 256 * KIB; i += PAGE)
		sink += zero[i];
	file = file_region();
	guard = anon(MIB, PROT_NONE);
	if (pageout)
		paged = paged_region();
	(void)sink;

	n = snprintf(line, sizeof(line),
		     "ready pid=%d thp=%lx sparse=%lx head=%lx zero=%lx file=%lx guard=%lx",
		     (int)getpid(), (unsigned long)thp, (unsigned long)sparse,
		     (unsigned long)head, (unsigned long)zero,
		     (unsigned long)file, (unsigned long)guard);
	if (paged)
		n += snprintf(line + n, sizeof(line) - n, " paged=%lx",
			      (unsigned long)paged);
	snprintf(line + n, sizeof(line) - n, "\n");
	fputs(line, stdout);
	fflush(stdout);
	if (argc > 1) {
		f = fopen(argv[1], "w");
		if (!f || fputs(line, f) < 0 || fclose(f)) {
			perror(argv[1]);
			return 1;
		}
	}
	for (;;)
		pause();
}
