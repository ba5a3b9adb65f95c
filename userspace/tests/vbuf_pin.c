// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf_pin - hold references to /dev/mmlens pages beyond the mapping, the
 * file and the module: the buffer's pages must outlive vfree() while
 * something still holds them, and be freed cleanly when it lets go.
 *
 *   vbuf_pin splice|uring READYFILE
 *
 * splice: vmsplice() 4 touched pages of a MAP_SHARED mapping into a pipe;
 * uring: register them as an io_uring buffer (a long-term pin). Then
 * munmap, close the device, create READYFILE and wait for SIGUSR1 (the
 * shell unloads the module meanwhile). On the signal, splice reads the
 * pages back out of the pipe and checks their headers; uring unregisters.
 * Exit 0, 1 on a failed check, 2 usage, 3 when the pin is refused (uring
 * before 6.5: EOPNOTSUPP; no io_uring: ENOSYS), printing why.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "vbuf_lib.h"

#define NP 4

int main(int argc, char **argv)
{
	size_t psz = (size_t)sysconf(_SC_PAGESIZE);
	int mode, splice, fd, pfd[2] = { -1, -1 }, ring = -1;
	struct io_uring_params par;
	char *p, *got;
	struct iovec iov;
	sigset_t set;
	unsigned long i;

	mode = vbuf_hold_args(argc, argv, "splice", "uring",
			      "usage: vbuf_pin splice|uring READYFILE");
	if (mode < 0)
		return 2;
	splice = !mode;
	vbuf_usr1_block(&set);

	fd = open(MMLENS_VBUF_DEV, O_RDWR);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, NP * psz, PROT_READ | PROT_WRITE,
				       MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("open/mmap: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < NP; i++)
		(void)*(volatile char *)(p + i * psz);
	iov.iov_base = p;
	iov.iov_len = NP * psz;
	if (splice) {
		if (pipe(pfd) || fcntl(pfd[1], F_SETPIPE_SZ, 16 * psz) < 0 ||
		    vmsplice(pfd[1], &iov, 1, 0) != (ssize_t)(NP * psz)) {
			printf("pipe/vmsplice: %s\n", strerror(errno));
			return 1;
		}
	} else {
		memset(&par, 0, sizeof(par));
		ring = (int)syscall(__NR_io_uring_setup, 4, &par);
		if (ring < 0 || syscall(__NR_io_uring_register, ring,
					IORING_REGISTER_BUFFERS, &iov, 1)) {
			printf("io_uring: %s\n", strerror(errno));
			return errno == EOPNOTSUPP || errno == ENOSYS ? 3 : 1;
		}
	}
	munmap(p, NP * psz);
	close(fd);
	if (vbuf_ready_wait(argv[2], &set))
		return 1;
	if (!splice) {
		/* Drops the long-term pins: the last references. */
		close(ring);
		return 0;
	}
	got = malloc(NP * psz);
	if (!got || read(pfd[0], got, NP * psz) != (ssize_t)(NP * psz)) {
		printf("read pipe: %s\n", strerror(errno));
		return 1;
	}
	for (i = 0; i < NP; i++) {
		if (!vbuf_has_header(got + i * psz, i)) {
			printf("page %lu lost its header after rmmod\n", i);
			return 1;
		}
	}
	free(got);
	return 0;
}
