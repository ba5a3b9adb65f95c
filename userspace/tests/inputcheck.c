// SPDX-License-Identifier: GPL-2.0
/*
 * inputcheck - what the writable debugfs files of mmlens (target, vmas,
 * pagetable, vtop) do with hostile input, split input, writes at an
 * offset, a second pid on a bound fd, and an fd passed to an unprivileged
 * process. The table it checks is docs/security.md's.
 *
 *   inputcheck        (root with CAP_SYS_ADMIN, module loaded)
 *
 * Makes its own targets: two paused children. Leaves the global target
 * as it found it. TAP lines with tap_prefix "TAP "; the last line is
 * "TAP # inputcheck: done".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define DIR "/sys/kernel/debug/mmlens/"
#define MAXIN 64	/* a write of MAXIN bytes or more is refused */

static const char *const files[] = { "target", "vmas", "pagetable", "vtop" };
static pid_t a_pid, b_pid;

#define check(name, ok, ...) resultf(ok, "input", name, __VA_ARGS__)

/*
 * A child blocked in pause(), or -1. The parent waits (10 s at most) until
 * /proc/PID/syscall says the child sleeps in pause: until then the child
 * is still returning from fork and writing its stack, which breaks COW and
 * changes its frames, so two reports of it would differ for that reason
 * alone (seen once in CI, in split_input's comparison).
 */
static pid_t paused_child(void)
{
	char path[64], buf[64];
	pid_t p = fork();
	int i;

	if (p == 0) {
		for (;;)
			pause();
	}
	if (p < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/syscall", p);
	for (i = 0; i < 10000; i++) {
		int fd = open(path, O_RDONLY);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			if (atol(buf) == SYS_pause)
				return p;
		}
		usleep(1000);
	}
	kill(p, SIGKILL);
	waitpid(p, NULL, 0);
	return -1;
}

static int open_file(const char *f)
{
	char path[128];

	snprintf(path, sizeof(path), DIR "%s", f);
	return open(path, O_RDWR);
}

/* errno of one write of len bytes at the fd's position, 0 if accepted. */
static int write_errno(int fd, const void *buf, size_t len)
{
	ssize_t n = write(fd, buf, len);

	if (n < 0)
		return errno;
	return n == (ssize_t)len ? 0 : -1;
}

/* What a file wants around a pid: vtop takes "PID ADDR". */
static void with_pid(const char *f, const char *pid, char *out, size_t len)
{
	if (!strcmp(f, "vtop"))
		snprintf(out, len, "%s 0x1000", pid);
	else
		snprintf(out, len, "%s", pid);
}

/* "000...0PID" of exactly len bytes (len < 128). */
static void padded(pid_t pid, size_t len, char *out)
{
	char num[16];
	size_t n = (size_t)snprintf(num, sizeof(num), "%d", pid);

	memset(out, '0', len - n);
	memcpy(out + len - n, num, n);
	out[len] = 0;
}

static const char *errname(int e)
{
	switch (e) {
	case 0: return "accepted";
	case EINVAL: return "EINVAL";
	case ESRCH: return "ESRCH";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	default: return strerror(e);
	}
}

/* One row of the table: input (len bytes) on a fresh fd of each file. */
static void row(const char *what, const char *in, size_t len, int want,
		int pid_form)
{
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char buf[4200], name[256];
		size_t n = len;
		int fd = open_file(files[i]), e;

		if (pid_form && len < 128) {
			char tmp[128];

			memcpy(tmp, in, len);
			tmp[len] = 0;
			with_pid(files[i], tmp, buf, sizeof(buf));
			n = strlen(buf);
		} else {
			memcpy(buf, in, len);
		}
		e = fd < 0 ? -2 : write_errno(fd, buf, n);
		snprintf(name, sizeof(name), "%s: %s -> %s", files[i], what,
			 errname(want));
		check(name, e == want, "got %s", e == -2 ? "no open" :
		      errname(e));
		if (fd >= 0)
			close(fd);
	}
}

static void table(void)
{
	char pid[16], pad[128], garbage[4096];
	size_t i;

	snprintf(pid, sizeof(pid), "%d", a_pid);
	row("empty write", "", 0, EINVAL, 0);
	row("a newline alone", "\n", 1, EINVAL, 0);
	row("not a number", "abc", 3, EINVAL, 1);
	row("pid 0", "0", 1, EINVAL, 1);
	row("pid -1", "-1", 2, EINVAL, 1);
	row("pid 2147483648", "2147483648", 10, EINVAL, 1);
	row("a kernel thread (pid 2)", "2", 1, EINVAL, 1);
	row("no such process", "4194304", 7, ESRCH, 1);
	padded(a_pid, 40, pad);
	row("40-byte zero-padded pid", pad, 40, 0, 0);
	padded(a_pid, MAXIN - 1, pad);
	row("63-byte zero-padded pid", pad, MAXIN - 1, 0, 0);
	padded(a_pid, MAXIN, pad);
	row("64-byte zero-padded pid", pad, MAXIN, EINVAL, 0);
	snprintf(pad, sizeof(pad), "%s%c", pid, 0);
	row("pid then a NUL byte", pad, strlen(pid) + 1, EINVAL, 0);
	snprintf(pad, sizeof(pad), "1%c%s", 0, pid);
	row("a NUL byte inside", pad, strlen(pid) + 2, EINVAL, 0);
	srand(7);
	for (i = 0; i < sizeof(garbage); i++)
		garbage[i] = (char)(rand() & 0xff);
	row("4 KiB of garbage", garbage, sizeof(garbage), EINVAL, 0);
}

/* The target file's pid, or -1. */
static long target_now(void)
{
	char buf[64] = "";
	int fd = open(DIR "target", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	return n > 0 && buf[0] >= '1' && buf[0] <= '9' ? atol(buf) : -1;
}

static int set_target(pid_t pid)
{
	char s[16];
	int fd = open(DIR "target", O_WRONLY), e;

	snprintf(s, sizeof(s), "%d\n", pid);
	e = fd < 0 ? errno : write_errno(fd, s, strlen(s));
	if (fd >= 0)
		close(fd);
	return e;
}

/* Writes s one byte per write() (dd bs=1); the errno of each in errs. */
static void bytewise(int fd, const char *s, int *errs)
{
	size_t i;

	for (i = 0; s[i]; i++)
		errs[i] = write_errno(fd, s + i, 1);
}

/* The whole report of an fd from offset 0 (pread), malloc'ed, or NULL. */
static char *report_at0(int fd, ssize_t *len)
{
	char *buf = malloc(1 << 20);

	*len = buf ? pread(fd, buf, (1 << 20) - 1, 0) : -1;
	if (*len < 0) {
		free(buf);
		return NULL;
	}
	buf[*len] = 0;
	return buf;
}

static void split_input(void)
{
	char s[16];
	int errs[16] = { 0 }, fd, e;
	long t;
	ssize_t la, lb;
	char *ra, *rb;

	/*
	 * target: the head write ("1", init: a valid pid alone) is undone
	 * by the refused tail.
	 */
	set_target(b_pid);
	snprintf(s, sizeof(s), "1%d", a_pid);
	fd = open_file("target");
	bytewise(fd, s, errs);
	t = target_now();
	check("target: a pid written one byte per write(): head accepted, tail EINVAL, target unchanged",
	      errs[0] == 0 && errs[1] == EINVAL && t == b_pid,
	      "writes: %s, %s; target %ld (was %d)", errname(errs[0]),
	      errname(errs[1]), t, b_pid);
	close(fd);

	/* vmas: same, and the fd goes back to the global target (b). */
	fd = open_file("vmas");
	bytewise(fd, s, errs);
	ra = report_at0(fd, &la);
	close(fd);
	fd = open_file("vmas");
	snprintf(s, sizeof(s), "%d", b_pid);
	e = write_errno(fd, s, strlen(s));
	rb = report_at0(fd, &lb);
	close(fd);
	check("vmas: a pid split over writes leaves the fd unbound (reports the global target)",
	      errs[0] == 0 && errs[1] == EINVAL && !e && ra && rb && la == lb &&
	      !memcmp(ra, rb, (size_t)la),
	      "writes: %s, %s; report %zd bytes vs the target's %zd",
	      errname(errs[0]), errname(errs[1]), la, lb);
	free(ra);
	free(rb);
}

static void positions(void)
{
	char s[32], first[8] = "", *r0;
	int fd, e1, e2, e3, e4;
	ssize_t n, l0;

	snprintf(s, sizeof(s), "%d", a_pid);
	fd = open_file("vmas");
	e1 = pwrite(fd, s, strlen(s), 5) < 0 ? errno : 0;
	check("vmas: pwrite at offset 5: EINVAL", e1 == EINVAL, "got %s",
	      errname(e1));
	e1 = write_errno(fd, s, strlen(s));
	/* Read right after the write, no lseek: from the report's start. */
	n = read(fd, first, 2);
	r0 = report_at0(fd, &l0);
	check("vmas: read() after write() starts at the report's first byte",
	      !e1 && n == 2 && r0 && l0 > 2 && !memcmp(first, r0, 2),
	      "write %s, read %zd '%.2s', report starts '%.2s'", errname(e1),
	      n, first, r0 ? r0 : "");
	free(r0);
	e2 = write_errno(fd, s, strlen(s));
	check("vmas: a write() after a read, without lseek(0): EINVAL",
	      e2 == EINVAL, "got %s", errname(e2));
	lseek(fd, 0, SEEK_SET);
	e3 = write_errno(fd, s, strlen(s));
	snprintf(s, sizeof(s), "%d", b_pid);
	lseek(fd, 0, SEEK_SET);
	e4 = write_errno(fd, s, strlen(s));
	check("vmas: after lseek(0) the same pid again is accepted, another EBUSY",
	      !e3 && e4 == EBUSY, "same %s, other %s", errname(e3),
	      errname(e4));
	close(fd);

	/* vtop: an address alone keeps the bound pid. */
	fd = open_file("vtop");
	snprintf(s, sizeof(s), "%d 0x1000", a_pid);
	e1 = write_errno(fd, s, strlen(s));
	lseek(fd, 0, SEEK_SET);
	e2 = write_errno(fd, "0x2000", 6);
	snprintf(s, sizeof(s), "%d 0x1000", b_pid);
	lseek(fd, 0, SEEK_SET);
	e3 = write_errno(fd, s, strlen(s));
	check("vtop: ADDR alone after PID ADDR accepted; another PID EBUSY",
	      !e1 && !e2 && e3 == EBUSY, "%s, %s, %s", errname(e1),
	      errname(e2), errname(e3));
	close(fd);
}

static int send_fd(int sock, int fd)
{
	char c = 'f', cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(sock, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int sock)
{
	char c, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(sock, &m, 0) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS)
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/*
 * The unprivileged side (uid 65534, no capabilities): exit status bits
 * say what failed: 1 rebinding was not EBUSY, 2 the bound report did not
 * read, 4 its own open was not refused, 8 binding the unbound fd failed.
 */
static int unprivileged(int sock)
{
	int bound = recv_fd(sock), unbound = recv_fd(sock), st = 0, fd;
	char s[16], buf[256];

	if (bound < 0 || unbound < 0 || setgroups(0, NULL) ||
	    setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return 64;
	snprintf(s, sizeof(s), "%d", b_pid);
	lseek(bound, 0, SEEK_SET);
	if (write_errno(bound, s, strlen(s)) != EBUSY)
		st |= 1;
	if (pread(bound, buf, sizeof(buf), 0) <= 0)
		st |= 2;
	fd = open_file("vmas");
	if (fd >= 0 || (errno != EACCES && errno != EPERM))
		st |= 4;
	if (write_errno(unbound, s, strlen(s)) ||
	    pread(unbound, buf, sizeof(buf), 0) <= 0)
		st |= 8;
	return st;
}

static void passing(void)
{
	int sv[2], bound, unbound, st = -1;
	char s[16];
	pid_t c;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		char why[96];

		/* The debug kernel's trimmed config has no AF_UNIX. */
		snprintf(why, sizeof(why), "no unix socket: %s",
			 strerror(errno));
		skip("input", "fd passing over a unix socket (rebind, own open, unbound fd)",
		     why);
		return;
	}
	fflush(stdout);
	c = fork();
	if (c == 0) {
		close(sv[0]);
		_exit(unprivileged(sv[1]));
	}
	close(sv[1]);
	bound = open_file("vmas");
	unbound = open_file("vmas");
	snprintf(s, sizeof(s), "%d", a_pid);
	if (write_errno(bound, s, strlen(s)) || send_fd(sv[0], bound) ||
	    send_fd(sv[0], unbound))
		kill(c, SIGKILL);
	waitpid(c, &st, 0);
	check("fd passing: an unprivileged receiver cannot rebind a bound fd (EBUSY) but reads its report",
	      WIFEXITED(st) && !(WEXITSTATUS(st) & 3) && WEXITSTATUS(st) != 64,
	      "receiver status %#x", st);
	check("fd passing: the receiver cannot open vmas itself",
	      WIFEXITED(st) && !(WEXITSTATUS(st) & 4) && WEXITSTATUS(st) != 64,
	      "receiver status %#x", st);
	check("fd passing: an unbound fd passed on is bound by the receiver (documented)",
	      WIFEXITED(st) && !(WEXITSTATUS(st) & 8) && WEXITSTATUS(st) != 64,
	      "receiver status %#x", st);
	close(bound);
	close(unbound);
	close(sv[0]);
}

int main(void)
{
	long before;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_prefix = "TAP ";
	before = target_now();
	a_pid = paused_child();
	b_pid = paused_child();
	if (a_pid < 0 || b_pid < 0) {
		printf("TAP not ok input: fork two targets blocked in pause()\n");
		if (a_pid > 0)
			kill(a_pid, SIGKILL);
		if (b_pid > 0)
			kill(b_pid, SIGKILL);
		return 1;
	}
	table();
	split_input();
	positions();
	passing();
	kill(a_pid, SIGKILL);
	kill(b_pid, SIGKILL);
	waitpid(a_pid, NULL, 0);
	waitpid(b_pid, NULL, 0);
	if (before > 0)
		set_target((pid_t)before);
	printf("TAP # inputcheck: done\n");
	return failures ? 1 : 0;
}
