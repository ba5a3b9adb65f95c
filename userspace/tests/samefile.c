// SPDX-License-Identifier: GPL-2.0
/*
 * samefile - is MINE equal to THEIRS read just before or just after it?
 *
 * Reads THEIRS, MINE, THEIRS back to back into buffers touched in advance,
 * so that nothing between the reads allocates memory (a fork of cat does,
 * and moves the very buddy counts being compared). Retries up to TRIES
 * times, sleeping a little between tries so a burst of activity passes.
 * Exit 0 when equal (saying on which try if not the first), 1 with a
 * line-by-line difference of the last try otherwise.
 *
 *   samefile THEIRS MINE [TRIES]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BUFSZ (4 << 20)

static char k1[BUFSZ], m[BUFSZ], k2[BUFSZ];

static long slurp(const char *path, char *buf)
{
	long len = 0, n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf + len, BUFSZ - 1 - len)) > 0)
		len += n;
	close(fd);
	if (n < 0)
		return -1;
	buf[len] = '\0';
	return len;
}

static void show_diff(const char *a, const char *b)
{
	while (*a || *b) {
		size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");

		if (la != lb || memcmp(a, b, la)) {
			printf("-%.*s\n+%.*s\n", (int)la, a, (int)lb, b);
		}
		a += la + (a[la] == '\n');
		b += lb + (b[lb] == '\n');
	}
}

int main(int argc, char **argv)
{
	int tries = argc > 3 ? atoi(argv[3]) : 100, t;
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	long lk1, lm, lk2;

	if (argc < 3) {
		fprintf(stderr, "usage: samefile THEIRS MINE [TRIES]\n");
		return 2;
	}
	memset(k1, 0, BUFSZ);
	memset(m, 0, BUFSZ);
	memset(k2, 0, BUFSZ);
	for (t = 1; t <= tries; t++) {
		lk1 = slurp(argv[1], k1);
		lm = slurp(argv[2], m);
		lk2 = slurp(argv[1], k2);
		if (lk1 < 0 || lm < 0 || lk2 < 0) {
			perror("samefile: read");
			return 1;
		}
		if ((lm == lk1 && !memcmp(m, k1, lm)) ||
		    (lm == lk2 && !memcmp(m, k2, lm))) {
			if (t > 1)
				printf("equal on try %d\n", t);
			return 0;
		}
		nanosleep(&pause, NULL);
	}
	printf("never equal in %d tries; last difference (-%s +%s):\n",
	       tries, argv[1], argv[2]);
	show_diff(k1, m);
	return 1;
}
