// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_hold - keep /dev/mmlens busy until SIGUSR1, so a shell test can try
 * rmmod in the meantime.
 *
 *   vbuf_hold open READYFILE  hold an open file descriptor
 *   vbuf_hold map READYFILE   hold a 2-page MAP_SHARED mapping, fd closed
 *
 * Creates READYFILE once the device is held. On SIGUSR1 it checks that
 * the mapping still shows the load-time headers, releases everything and
 * exits 0 (1 on any failure, printing why).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vbuf_lib.h"

static int headers_ok(const char *p, size_t psz)
{
	return vbuf_has_header(p, 0) && vbuf_has_header(p + psz, 1);
}

int main(int argc, char **argv)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	int map, fd;
	char *p = NULL;
	sigset_t set;

	map = vbuf_hold_args(argc, argv, "open", "map",
			     "usage: vbuf_hold open|map READYFILE");
	if (map < 0)
		return 2;
	vbuf_usr1_block(&set);

	fd = open(MMLENS_VBUF_DEV, O_RDWR);
	if (fd < 0) {
		printf("open: %s\n", strerror(errno));
		return 1;
	}
	if (map) {
		p = mmap(NULL, 2 * psz, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			 0);
		if (p == MAP_FAILED) {
			printf("mmap: %s\n", strerror(errno));
			return 1;
		}
		if (!headers_ok(p, psz)) {
			printf("bad headers before rmmod\n");
			return 1;
		}
		close(fd);
	}
	if (vbuf_ready_wait(argv[2], &set))
		return 1;
	if (map) {
		if (!headers_ok(p, psz)) {
			printf("bad headers after the refused rmmod\n");
			return 1;
		}
		munmap(p, 2 * psz);
	} else {
		close(fd);
	}
	printf("released\n");
	return 0;
}
