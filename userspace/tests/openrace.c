// SPDX-License-Identifier: GPL-2.0
/*
 * openrace - keep trying to open files while something else happens (an
 * insmod that fails), and hold each one it gets for a second before
 * closing it: a file that appeared during a failed module init and was
 * closed after the module was freed would run freed code at close().
 *
 *   openrace STOPFILE PATH...
 *
 * Loops until STOPFILE exists (at most 60 s); prints "opened PATH" for
 * each successful open, then "done N" (N opens). Exit 0.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	time_t end = time(NULL) + 60;
	long opened = 0;
	int i, fd;

	if (argc < 3) {
		fprintf(stderr, "usage: openrace STOPFILE PATH...\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (access(argv[1], F_OK) && time(NULL) < end) {
		for (i = 2; i < argc; i++) {
			fd = open(argv[i], O_RDONLY);
			if (fd < 0)
				continue;
			printf("opened %s\n", argv[i]);
			opened++;
			sleep(1);
			close(fd);
		}
	}
	printf("done %ld\n", opened);
	return 0;
}
