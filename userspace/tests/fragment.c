// SPDX-License-Identifier: GPL-2.0
/*
 * fragment - fragment physical memory with 4 KiB anonymous pages.
 *
 * Maps most of MemFree as anonymous memory with THP off (so every fault
 * takes one order-0 page), touches it all, then frees every other page.
 * Prints "ready pages=<touched> freed=<freed>" and holds the memory until
 * killed, so tests can look at the buddy allocator meanwhile.
 *
 *   fragment [RESERVE_MIB]   leave this much of MemFree untouched
 *                            (default 64 + 3% of MemTotal)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "thp.h"

static long meminfo_kib(const char *key)
{
	char line[256];
	size_t len = strlen(key);
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long free_kib = meminfo_kib("MemFree");
	long total_kib = meminfo_kib("MemTotal");
	long reserve_kib, npages, i, freed = 0;
	char *buf;

	if (free_kib < 0 || total_kib < 0) {
		fprintf(stderr, "fragment: cannot read /proc/meminfo\n");
		return 1;
	}
	reserve_kib = argc > 1 ? atol(argv[1]) * 1024 :
				 64 * 1024 + total_kib * 3 / 100;
	if (free_kib <= reserve_kib) {
		fprintf(stderr, "fragment: only %ld KiB free\n", free_kib);
		return 1;
	}
	npages = (free_kib - reserve_kib) * 1024 / page;
	buf = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (buf == MAP_FAILED) {
		perror("fragment: mmap");
		return 1;
	}
	/* THP would take order-9 blocks whole, the opposite of our aim. */
	if (no_thp(buf, npages * page))
		perror("fragment: MADV_NOHUGEPAGE");
	for (i = 0; i < npages; i++)
		buf[i * page] = 1;
	for (i = 0; i < npages; i += 2) {
		if (madvise(buf + i * page, page, MADV_DONTNEED) == 0)
			freed++;
	}
	printf("ready pages=%ld freed=%ld\n", npages, freed);
	fflush(stdout);
	for (;;)
		pause();
}
