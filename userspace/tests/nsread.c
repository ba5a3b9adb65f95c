// SPDX-License-Identifier: GPL-2.0
/*
 * nsread - read a file as a hostile unprivileged user would: as uid
 * 65534, in a user and mount namespace of its own, with something of its
 * choosing bind-mounted over another path first.
 *
 *   nsread zero|fifo|self OVER FILE [hold]
 *
 * What goes over OVER (a path the attacker hopes the kernel side will
 * open for it, e.g. /proc/sys/vm/compaction_proactiveness):
 *   zero  a file of its own holding "0"
 *   fifo  a FIFO of its own, which nobody ever writes: an open for
 *         reading blocks until a writer comes
 *   self  FILE itself (a read that would open itself again)
 *
 * Then FILE is read whole and copied to stdout; a read that has not
 * returned after 5 s prints "nsread: timeout" on stderr and exits 3.
 * With "hold", it prints "holding" on stderr as soon as the bind mount
 * is in place and reads FILE every 50 ms (errors ignored: the module may
 * be unloaded meanwhile), bind mount in place, until it is killed or 10
 * s have passed ("nsread: timeout", exit 3): a read blocked in the
 * kernel, and whatever waits for that read, is let go by then.
 * Exit 0 on success, 2 on a set-up failure (the reason on stderr).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define NOBODY 65534

static int setup_fail(const char *what)
{
	fprintf(stderr, "nsread: %s: %s\n", what, strerror(errno));
	return 2;
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* uid/gid 65534 outside, root of a user and mount namespace inside. */
static int enter_namespaces(void)
{
	char map[64];

	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return setup_fail("become uid 65534");
	/*
	 * The uid change made us non-dumpable, which makes /proc/self's
	 * files root's: a user that logged in as 65534 is dumpable, and
	 * so must we be to write our own id maps.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		return setup_fail("prctl(PR_SET_DUMPABLE)");
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
		return setup_fail("unshare(CLONE_NEWUSER | CLONE_NEWNS)");
	snprintf(map, sizeof(map), "0 %d 1", NOBODY);
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", map) ||
	    write_file("/proc/self/gid_map", map))
		return setup_fail("write the id maps");
	/* keep our mounts to ourselves, whatever the parent's propagation */
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return setup_fail("make / private");
	return 0;
}

/* What the mode puts over @over; its path in @src. */
static int make_source(const char *mode, const char *file, char *src,
		       size_t len)
{
	int fd;

	if (!strcmp(mode, "self")) {
		snprintf(src, len, "%s", file);
		return 0;
	}
	snprintf(src, len, "/tmp/nsread.%d.%s", getpid(), mode);
	unlink(src);
	if (!strcmp(mode, "fifo"))
		return mkfifo(src, 0644) ? setup_fail("mkfifo") : 0;
	if (strcmp(mode, "zero")) {
		fprintf(stderr, "nsread: unknown mode %s\n", mode);
		return 2;
	}
	fd = open(src, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, "0\n", 2) != 2)
		return setup_fail("write the file of 0");
	close(fd);
	return 0;
}

static void on_alarm(int sig)
{
	static const char msg[] = "nsread: timeout\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/* FILE whole into @out (if not NULL); 0 or an errno. */
static int read_whole(const char *file, FILE *out)
{
	char buf[4096];
	ssize_t n;
	int fd = open(file, O_RDONLY | O_CLOEXEC), e = 0;

	if (fd < 0)
		return errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (out)
			fwrite(buf, 1, (size_t)n, out);
	if (n < 0)
		e = errno;
	close(fd);
	return e;
}

int main(int argc, char **argv)
{
	const struct timespec pause_50ms = { 0, 50 * 1000 * 1000 };
	char src[256];
	int e, hold;

	if (argc < 4 || argc > 5 || (argc == 5 && strcmp(argv[4], "hold"))) {
		fprintf(stderr, "usage: nsread zero|fifo|self OVER FILE [hold]\n");
		return 2;
	}
	hold = argc == 5;
	e = enter_namespaces();
	if (!e)
		e = make_source(argv[1], argv[3], src, sizeof(src));
	if (e)
		return e;
	if (mount(src, argv[2], NULL, MS_BIND, NULL))
		return setup_fail("bind mount over OVER");
	signal(SIGALRM, on_alarm);
	if (hold) {
		alarm(10);
		fprintf(stderr, "holding\n");
		for (;;) {
			read_whole(argv[3], NULL);
			nanosleep(&pause_50ms, NULL);
		}
	}
	alarm(5);
	e = read_whole(argv[3], stdout);
	alarm(0);
	fflush(stdout);
	if (e) {
		fprintf(stderr, "nsread: read %s: %s\n", argv[3], strerror(e));
		return 1;
	}
	return 0;
}
