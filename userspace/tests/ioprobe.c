// SPDX-License-Identifier: GPL-2.0
/*
 * ioprobe - do one file operation and print its outcome as "ok" or the
 * errno name, so shell tests can assert exact errnos.
 *
 *   ioprobe read PATH         open O_RDONLY and read everything
 *   ioprobe write PATH DATA   open O_WRONLY and write DATA
 *   ioprobe rdwr PATH DATA    open O_RDWR, write DATA, read from offset 0
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "errname.h"

static const char *errname(int e)
{
	static const struct errname tab[] = {
		{ EACCES, "EACCES" }, { EPERM, "EPERM" }, { EIO, "EIO" },
		{ EINVAL, "EINVAL" }, { ESRCH, "ESRCH" }, { ENOENT, "ENOENT" },
		{ ENOSPC, "ENOSPC" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
		{ ENOMEM, "ENOMEM" }, { EOVERFLOW, "EOVERFLOW" },
		{ ENODEV, "ENODEV" }, { EBADF, "EBADF" }, { ERANGE, "ERANGE" },
	};

	return errname_in(tab, sizeof(tab) / sizeof(tab[0]), e);
}

static int fail(const char *what)
{
	printf("%s %s\n", errname(errno), what);
	return 0;
}

static int drain(int fd)
{
	char buf[4096];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		fwrite(buf, 1, n, stderr);
	return n < 0 ? -1 : 0;
}

/*
 * Open path with flags; write data unless NULL; when rd, read it all
 * (from offset 0 after a write). Prints "ok" or the first failure.
 */
static int probe(const char *path, int flags, const char *data, int rd)
{
	int fd = open(path, flags);

	if (fd < 0)
		return fail("open");
	if (data && write(fd, data, strlen(data)) < 0)
		return fail("write");
	if (data && rd && lseek(fd, 0, SEEK_SET) < 0)
		return fail("lseek");
	if (rd && drain(fd))
		return fail("read");
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: ioprobe read|write|rdwr PATH [DATA]\n");
		return 2;
	}
	if (!strcmp(argv[1], "read"))
		return probe(argv[2], O_RDONLY, NULL, 1);
	if (!strcmp(argv[1], "write") && argc == 4)
		return probe(argv[2], O_WRONLY, argv[3], 0);
	if (!strcmp(argv[1], "rdwr") && argc == 4)
		return probe(argv[2], O_RDWR, argv[3], 1);
	fprintf(stderr, "ioprobe: bad arguments\n");
	return 2;
}
