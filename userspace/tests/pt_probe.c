// SPDX-License-Identifier: GPL-2.0
/*
 * pt_probe - lifetimes and access of the mmlens walk files, the parts a
 * shell cannot do: hold an fd across a process's exit, pass an fd to a
 * process without CAP_SYS_ADMIN, race an exit with a long read, and look
 * from inside a pid namespace.
 *
 *   pt_probe exitread FILE DATA   fork a child, open FILE O_RDWR, write
 *                                 DATA ("%d" = the child's pid), kill and
 *                                 reap the child, read from offset 0;
 *                                 prints "ok" or "ERRNO write|read"
 *   pt_probe passfd FILE DATA     open FILE O_RDWR with CAP_SYS_ADMIN, then
 *                                 drop it; prints "fresh=<open again>
 *                                 passed=<write DATA + read on the fd>"
 *   pt_probe race FILE ROUNDS     children with thousands of VMAs exit
 *                                 (on their own, or killed) while FILE is
 *                                 read about them; prints "ok complete=N
 *                                 esrch=M" or the unexpected outcome
 *   pt_probe vtop2 PID ADDR       on one vtop fd write "PID ADDR", read;
 *                                 write "ADDR", read: prints "same" when
 *                                 both answers are equal
 *   pt_probe nsinit [FD]          run as pid 1 of a new pid namespace
 *                                 (unshare -p -f), with the global target
 *                                 set outside it and FD a vmas fd bound
 *                                 outside: prints result lines
 *                                 "ok NAME" / "not ok NAME" (tap.c)
 *
 * The module's reports are parsed by ../parse.c, as the tool parses them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../parse.h"
#include "errname.h"
#include "tap.h"

#define DIR_ "/sys/kernel/debug/mmlens/"
#define PG 4096UL

static const char *errname(int e)
{
	static const struct errname tab[] = {
		{ 0, "ok" }, { EPERM, "EPERM" }, { EACCES, "EACCES" },
		{ EINVAL, "EINVAL" }, { ESRCH, "ESRCH" }, { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" }, { ENOMEM, "ENOMEM" }, { EFAULT, "EFAULT" },
		{ EIO, "EIO" },
	};

	return errname_in(tab, sizeof(tab) / sizeof(tab[0]), e);
}

/* Everything from offset 0; returns 0 or an errno. */
static int read_all(int fd, char **out, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return ENOMEM;
	if (lseek(fd, 0, SEEK_SET)) {
		free(buf);
		return errno;
	}
	for (;;) {
		if (cap - len < 65537) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, 65536);
		if (n < 0) {
			int e = errno;

			free(buf);
			return e;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	if (out)
		*out = buf;
	else
		free(buf);
	if (lenp)
		*lenp = len;
	return 0;
}

static int write_fmt(int fd, const char *fmt, int pid)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), fmt, pid);

	return write(fd, buf, n) == n ? 0 : errno;
}

static pid_t sleeper(void)
{
	pid_t p = fork();

	if (p == 0) {
		for (;;)
			pause();
	}
	return p;
}

static int do_exitread(const char *file, const char *fmt)
{
	pid_t c = sleeper();
	int fd, e;

	if (c < 0)
		return 1;
	fd = open(file, O_RDWR);
	if (fd < 0) {
		printf("%s open\n", errname(errno));
		kill(c, SIGKILL);
		return 0;
	}
	e = write_fmt(fd, fmt, c);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	if (e) {
		printf("%s write\n", errname(e));
		return 0;
	}
	e = read_all(fd, NULL, NULL);
	printf("%s%s\n", errname(e), e ? " read" : "");
	close(fd);
	return 0;
}

static int drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[2];
	int i = cap / 32;

	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) ||
	    syscall(SYS_capget, &hdr, data))
		return -1;
	data[i].effective &= ~(1u << (cap % 32));
	data[i].permitted &= ~(1u << (cap % 32));
	data[i].inheritable &= ~(1u << (cap % 32));
	return syscall(SYS_capset, &hdr, data);
}

static int do_passfd(const char *file, const char *data)
{
	int fd = open(file, O_RDWR), fd2, e;
	const char *fresh;

	if (fd < 0) {
		printf("root open: %s\n", errname(errno));
		return 0;
	}
	if (drop_cap(CAP_SYS_ADMIN)) {
		printf("drop CAP_SYS_ADMIN: %s\n", errname(errno));
		return 0;
	}
	fd2 = open(file, O_RDWR);
	fresh = fd2 < 0 ? errname(errno) : "ok";
	printf("fresh=%s ", fresh);
	if (fd2 >= 0)
		close(fd2);
	e = write(fd, data, strlen(data)) < 0 ? errno : 0;
	if (!e)
		e = read_all(fd, NULL, NULL);
	printf("passed=%s\n", errname(e));
	return 0;
}

/* Thousands of VMAs and pages: a walk of it takes a while. */
static void busy_child(int wfd, long delay_us)
{
	const int n = 4096;
	char *a = mmap(NULL, n * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (a == MAP_FAILED)
		_exit(1);
	for (int i = 0; i < n; i++)
		a[i * PG] = 1;
	for (int i = 0; i < n; i += 2)
		mprotect(a + i * PG, PG, PROT_READ);
	if (write(wfd, "r", 1) != 1)
		_exit(1);
	if (delay_us >= 0) {
		usleep(delay_us);
		_exit(0);
	}
	for (;;)
		pause();
}

static int do_race(const char *file, int rounds)
{
	int complete = 0, esrch = 0, bad = 0;

	for (int r = 0; r < rounds; r++) {
		int pfd[2], fd, e = 0;
		/* odd rounds the child exits by itself, even ones we kill it */
		long delay = (r / 2) * 211 % 6000;
		size_t len = 0;
		char *buf = NULL, c;
		pid_t ch;

		if (pipe(pfd))
			return 1;
		ch = fork();
		if (ch == 0)
			busy_child(pfd[1], r % 2 ? delay : -1);
		if (ch < 0 || read(pfd[0], &c, 1) != 1) {
			printf("child setup failed\n");
			return 0;
		}
		close(pfd[0]);
		close(pfd[1]);
		fd = open(file, O_RDWR);
		if (fd < 0) {
			printf("%s open\n", errname(errno));
			kill(ch, SIGKILL);
			return 0;
		}
		e = write_fmt(fd, "%d", ch);
		if (!(r % 2)) {
			if (fork() == 0) {
				usleep(delay);
				kill(ch, SIGKILL);
				_exit(0);
			}
		}
		if (!e)
			e = read_all(fd, &buf, &len);
		if (!e && (!len || buf[len - 1] != '\n')) {
			printf("round %d: a complete read of %zu bytes does not end with a newline\n",
			       r, len);
			bad++;
		}
		if (!e)
			complete++;
		else if (e == ESRCH)
			esrch++;
		else {
			printf("round %d: %s\n", r, errname(e));
			bad++;
		}
		free(buf);
		close(fd);
		kill(ch, SIGKILL);
		while (wait(NULL) > 0)
			;
	}
	if (!bad)
		printf("ok complete=%d esrch=%d\n", complete, esrch);
	return 0;
}

static int do_vtop2(const char *pid, const char *addr)
{
	char *one = NULL, *two = NULL, req[96];
	int fd = open(DIR_ "vtop", O_RDWR), e;

	if (fd < 0) {
		printf("%s open\n", errname(errno));
		return 0;
	}
	snprintf(req, sizeof(req), "%s %s", pid, addr);
	e = write(fd, req, strlen(req)) < 0 ? errno : 0;
	if (!e)
		e = read_all(fd, &one, NULL);
	if (e) {
		printf("first: %s\n", errname(e));
		return 0;
	}
	e = lseek(fd, 0, SEEK_SET) || write(fd, addr, strlen(addr)) < 0 ?
	    errno : 0;
	if (!e)
		e = read_all(fd, &two, NULL);
	if (e) {
		printf("second: %s\n", errname(e));
		return 0;
	}
	if (!strcmp(one, two))
		printf("same\n");
	else
		printf("differ:\n%s---\n%s", one, two);
	free(one);
	free(two);
	close(fd);
	return 0;
}

/* ---------------------------------------------------- pid namespace */

static void res(int ok, const char *name, const char *why)
{
	result(ok, "walk: pid namespace", name);
	if (why && *why)
		detail("%s", why);
}

/* write s on a fresh O_RDWR fd of FILE and read it back: errno or 0 */
static int wr(const char *file, const char *s, char **out)
{
	int fd = open(file, O_RDWR), e;

	if (fd < 0)
		return errno;
	e = write(fd, s, strlen(s)) < 0 ? errno : 0;
	if (!e)
		e = read_all(fd, out, NULL);
	close(fd);
	return e;
}

/* The [stack] line's range of /proc/PID/maps. */
static int stack_range(const char *text, char *out, size_t len)
{
	const char *l = strstr(text, "[stack]");

	if (!l)
		return -1;
	while (l > text && l[-1] != '\n')
		l--;
	snprintf(out, len, "%.*s", (int)strcspn(l, " "), l);
	return 0;
}

/* What one read of FD (from offset 0) gives: "ok" or the errno. */
static int read_errno(int fd)
{
	char *out = NULL;
	int e = read_all(fd, &out, NULL);

	free(out);
	return e;
}

static int open_read_errno(const char *file)
{
	int fd = open(file, O_RDONLY), e;

	if (fd < 0)
		return errno;
	e = read_errno(fd);
	close(fd);
	return e;
}

/*
 * Before nsinit writes a target of its own: the global target, set
 * outside to a process this namespace cannot see, and @bound_fd (an fd
 * bound outside to that process, inherited), read as if it did not
 * exist, in both homes (docs/security.md, pid namespaces).
 */
static void nsinit_outside(int bound_fd)
{
	static const char *const files[] = {
		DIR_ "target", "/proc/mmlens/target", DIR_ "vmas",
		"/proc/mmlens/pagetable", DIR_ "numa",
	};
	char name[128], detail[64];
	size_t i;
	int e;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		e = open_read_errno(files[i]);
		snprintf(name, sizeof(name),
			 "%s with the global target outside is ESRCH",
			 files[i]);
		snprintf(detail, sizeof(detail), "read: %s", errname(e));
		res(e == ESRCH, name, detail);
	}
	if (bound_fd < 0)
		return;
	e = read_errno(bound_fd);
	snprintf(detail, sizeof(detail), "read: %s", errname(e));
	res(e == ESRCH, "a vmas fd bound outside and passed in reads ESRCH",
	    detail);
}

static int do_nsinit(int bound_fd)
{
	char *out = NULL, *maps = NULL, detail[512], a[64], b[64];
	volatile char here = 1;
	struct vma_list vl = { 0 };
	struct pt_report pt = { 0 };
	struct vtop_report vt = { 0 };
	struct parse_err pe;
	int e, fd, ok;
	pid_t c;
	uint64_t pm = 0;

	snprintf(detail, sizeof(detail), "getpid()=%d", getpid());
	res(getpid() == 1, "helper is pid 1 of the namespace", detail);
	nsinit_outside(bound_fd);
	c = sleeper();
	snprintf(detail, sizeof(detail), "child pid %d", c);
	res(c == 2, "its child is pid 2", detail);

	e = wr(DIR_ "target", "1", &out);
	snprintf(detail, sizeof(detail), "%s; target reads '%s'", errname(e),
		 out ? strtok(out, "\n") : "");
	res(!e && out && strstr(out, " pt_probe"),
	    "target 1 is the namespace's init, not /init", detail);
	free(out);
	out = NULL;

	e = wr(DIR_ "vmas", "1", &out);
	fd = open("/proc/self/maps", O_RDONLY);
	if (fd >= 0) {
		read_all(fd, &maps, NULL);
		close(fd);
	}
	a[0] = b[0] = 0;
	if (!e && out && maps && !parse_vmas(out, strlen(out), &vl, &pe)) {
		for (size_t i = 0; i < vl.n; i++)
			if (!strcmp(vl.v[i].name, "[stack]"))
				snprintf(a, sizeof(a), "%08lx-%08lx",
					 vl.v[i].start, vl.v[i].end);
		if (a[0])
			stack_range(maps, b, sizeof(b));
	}
	vma_list_free(&vl);
	snprintf(detail, sizeof(detail), "%s; [stack] mmlens %s, maps %s",
		 errname(e), a, b);
	res(!e && a[0] && !strcmp(a, b), "vmas of 1 == our own maps", detail);
	free(out);
	out = NULL;

	e = wr(DIR_ "pagetable", "2", &out);
	ok = !e && out && !parse_pagetable(out, strlen(out), &pt, &pe) &&
	     !strcmp(pt.comm, "pt_probe");
	pt_report_free(&pt);
	snprintf(detail, sizeof(detail), "%s; %s", errname(e),
		 out ? strtok(out, "\n") : "");
	res(ok, "pagetable 2 is our child, not kthreadd", detail);
	free(out);
	out = NULL;

	e = wr(DIR_ "vmas", "3", NULL);
	snprintf(detail, sizeof(detail), "%s (pid 3 outside is a kernel thread)",
		 errname(e));
	res(e == ESRCH, "vmas 3 (no such pid inside) is ESRCH", detail);

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0) {
		if (pread(fd, &pm, 8, (uintptr_t)&here / PG * 8) != 8)
			pm = 0;
		close(fd);
	}
	snprintf(a, sizeof(a), "1 %lx", (unsigned long)(uintptr_t)&here);
	e = wr(DIR_ "vtop", a, &out);
	b[0] = 0;
	ok = !e && out && !parse_vtop(out, strlen(out), &vt, &pe) &&
	     !strcmp(vt.kind, "present") && vt.has_pfn;
	if (ok)
		snprintf(b, sizeof(b), "%lx", vt.pfn);
	snprintf(detail, sizeof(detail), "%s; vtop pfn=%.20s pagemap pfn=%llx",
		 errname(e), b, (unsigned long long)(pm & ((1ULL << 55) - 1)));
	res(ok && (pm >> 63) && vt.pfn == (pm & ((1ULL << 55) - 1)),
	    "vtop 1 ADDR translates our own stack", detail);
	free(out);
	free(maps);
	kill(c, SIGKILL);
	waitpid(c, NULL, 0);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && !strcmp(argv[1], "exitread"))
		return do_exitread(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "passfd"))
		return do_passfd(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "race"))
		return do_race(argv[2], atoi(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "vtop2"))
		return do_vtop2(argv[2], argv[3]);
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "nsinit"))
		return do_nsinit(argc == 3 ? atoi(argv[2]) : -1);
	fprintf(stderr, "usage: pt_probe exitread|passfd FILE DATA | race FILE ROUNDS | vtop2 PID ADDR | nsinit [FD]\n");
	return 2;
}
