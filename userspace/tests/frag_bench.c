// SPDX-License-Identifier: GPL-2.0
/*
 * frag_bench - the /proc/mmlens fragmentation files next to the kernel's
 * own, read side by side (open, read whole, close; 50 times per round).
 * Asserts nothing: prints one result line per file (format in bench.h).
 *
 *   frag_bench [ROUNDS]   (default 7)
 *
 * fraginfo has no kernel counterpart and is not measured. The extfrag
 * files need debugfs with CONFIG_COMPACTION; without them the two measures
 * are printed as skipped.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bench.h"

#define BATCH 50

int main(int argc, char **argv)
{
	static const struct {
		const char *measure, *ours, *theirs;
	} files[] = {
		{ "frag.buddyinfo", "/proc/mmlens/buddyinfo",
		  "/proc/buddyinfo" },
		{ "frag.pagetypeinfo", "/proc/mmlens/pagetypeinfo",
		  "/proc/pagetypeinfo" },
		{ "frag.extfrag_index", "/proc/mmlens/extfrag_index",
		  "/sys/kernel/debug/extfrag/extfrag_index" },
		{ "frag.unusable_index", "/proc/mmlens/unusable_index",
		  "/sys/kernel/debug/extfrag/unusable_index" },
	};
	int rounds = argc > 1 ? atoi(argv[1]) : 7;
	unsigned int i;

	if (rounds < 1 || rounds > BENCH_MAX_ROUNDS) {
		fprintf(stderr, "usage: frag_bench [ROUNDS]\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char why[128];

		if (access(files[i].theirs, R_OK)) {
			snprintf(why, sizeof(why), "%s not readable",
				 files[i].theirs);
			bench_skip(files[i].measure, why);
			continue;
		}
		bench_measure(files[i].measure, bench_read_file,
			      (void *)files[i].ours, bench_read_file,
			      (void *)files[i].theirs, rounds, BATCH, 1.5,
			      "us", "whole_file");
	}
	return bench_failed;
}
