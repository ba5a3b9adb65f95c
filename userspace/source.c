// SPDX-License-Identifier: GPL-2.0
/*
 * source.c - reading the module's files, live or from a snapshot (--root),
 * and turning every way that can fail into one message, one hint and one
 * exit code.
 *
 * Per-process reports take the pid on their own open file: open O_RDWR,
 * write the pid, read from offset 0. Two users never race on a global
 * target that way.
 *
 * A snapshot keeps per-process reports in
 * DIR/sys/kernel/debug/mmlens/pids/PID/NAME (vtop: vtop-ADDR); a file
 * NAME.errno beside one, holding e.g. "ESRCH read", replays an error of
 * that stage (open, write, read) so tests can exercise every exit code.
 *
 * Beside the module's files, two of the kernel's under the same root
 * complete what compaction's score means (load_proactive()): the sysctl
 * vm.compaction_proactiveness and the kswapd threads in /proc.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "mmlens.h"
#include "parse.h"
#include "verdict.h"

#define DEBUGFS_MAGIC_NR 0x64626720
/* Larger than any report of a real process; stops a runaway read. */
#define READ_CAP (1UL << 30)

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
}

void path_in_root(const struct ctx *c, const char *path, char *out,
		  size_t size)
{
	snprintf(out, size, "%s%s", c->root, path);
}

/* Whole file into b, NUL-terminated; 0 or an errno. */
static int read_all(int fd, struct buf *b)
{
	size_t cap = 16384;
	ssize_t n;

	b->len = 0;
	b->data = malloc(cap + 1);
	if (!b->data)
		return ENOMEM;
	for (;;) {
		if (b->len == cap) {
			char *p;

			if (cap >= READ_CAP) {
				buf_free(b);
				return EFBIG;
			}
			cap *= 2;
			p = realloc(b->data, cap + 1);
			if (!p) {
				buf_free(b);
				return ENOMEM;
			}
			b->data = p;
		}
		n = read(fd, b->data + b->len, cap - b->len);
		if (n < 0) {
			int err = errno;

			if (err == EINTR)
				continue;
			buf_free(b);
			return err;
		}
		if (n == 0)
			break;
		b->len += n;
	}
	b->data[b->len] = '\0';
	return 0;
}

/*
 * A small file of the kernel's (a sysctl, /proc/PID/comm, stat) into
 * text, NUL-terminated, in one read as procfs hands them out: its
 * length, or -1. Regular files only, opened without blocking: whatever a
 * mount namespace or a snapshot put at the path (a FIFO, a device)
 * never holds the tool.
 */
static ssize_t read_small(const char *path, char *text, size_t size)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -1;
	}
	do
		n = read(fd, text, size - 1);
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n < 0)
		return -1;
	text[n] = '\0';
	return n;
}

static int errno_by_name(const char *s)
{
	static const struct {
		const char *name;
		int err;
	} tab[] = {
		{ "ESRCH", ESRCH }, { "EPERM", EPERM }, { "EACCES", EACCES },
		{ "EINVAL", EINVAL }, { "ENOENT", ENOENT }, { "EIO", EIO },
		{ "ENODEV", ENODEV },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (!strcmp(s, tab[i].name))
			return tab[i].err;
	return EIO;
}

/* A snapshot's replayed error for STAGE of FILE, or 0. */
static int snap_errno(const struct ctx *c, const char *file,
		      const char *stage)
{
	char path[PATH_MAX + 80], name[16], when[16];
	FILE *f;
	int n;

	if (!*c->root)
		return 0;
	if (snprintf(path, sizeof(path), "%s.errno", file) >= (int)sizeof(path))
		return 0;
	f = fopen(path, "r");
	if (!f)
		return 0;
	n = fscanf(f, "%15s %15s", name, when);
	fclose(f);
	if (n != 2 || strcmp(when, stage))
		return 0;
	return errno_by_name(name);
}

static const char *feature_of(const char *path)
{
	if (strstr(path, "vbuf") || strstr(path, VBUF_DEV))
		return "the vmalloc buffer (/dev/mmlens)";
	if (strstr(path, DEBUG_DIR))
		return "the page-table walker";
	if (strstr(path, "pageblocks"))
		return "the pageblock map (mmlens physmap)";
	return "this report";
}

/*
 * The kernel's lockdown level when it is raised ("integrity" or
 * "confidentiality", from "none [integrity] confidentiality"), else NULL.
 */
static const char *lockdown_level(void)
{
	static char level[32];
	char line[128], *a, *b;

	a = read_small("/sys/kernel/security/lockdown", line,
		       sizeof(line)) > 0 ? strchr(line, '[') : NULL;
	b = a ? strchr(a, ']') : NULL;
	if (!b || b - a - 1 >= (long)sizeof(level))
		return NULL;
	snprintf(level, sizeof(level), "%.*s", (int)(b - a - 1), a + 1);
	return strcmp(level, "none") ? level : NULL;
}

/*
 * The page-table reports (target, vmas, pagetable, vtop, numa, in
 * /proc/mmlens or debugfs) show another process's address space: the
 * module wants CAP_SYS_PTRACE for them besides CAP_SYS_ADMIN.
 */
static int needs_ptrace(const char *path)
{
	static const char *const reports[] = {
		"target", "vmas", "pagetable", "vtop", "numa",
	};
	const char *name = strrchr(path, '/');
	size_t i, dir;

	if (!name)
		return 0;
	dir = (size_t)(name - path);
	if (!((dir == strlen(PROC_DIR) && !strncmp(path, PROC_DIR, dir)) ||
	      (dir == strlen(DEBUG_DIR) && !strncmp(path, DEBUG_DIR, dir))))
		return 0;
	for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++)
		if (!strcmp(name + 1, reports[i]))
			return 1;
	return 0;
}

unsigned int caps_lacking(const char *status)
{
	const char *p = status ? strstr(status, "\nCapEff:") : NULL;
	unsigned long long eff;
	unsigned int lack = 0;
	char *end;

	if (!p)
		return LACK_SYS_ADMIN | LACK_SYS_PTRACE;
	p += strlen("\nCapEff:");
	while (*p == ' ' || *p == '\t')
		p++;
	errno = 0;
	eff = strtoull(p, &end, 16);
	if (errno || end == p || (*end && *end != '\n'))
		return LACK_SYS_ADMIN | LACK_SYS_PTRACE;
	if (!(eff & 1ULL << 21))	/* CAP_SYS_ADMIN */
		lack |= LACK_SYS_ADMIN;
	if (!(eff & 1ULL << 19))	/* CAP_SYS_PTRACE */
		lack |= LACK_SYS_PTRACE;
	return lack;
}

/*
 * Which of the two this process lacks, from its own effective set (not
 * the snapshot's: it is this process the module refused). Both when the
 * set cannot be read, and when it holds both: then they are held in a
 * user namespace only, and the module checks the initial one.
 */
static unsigned int report_caps_lacking(void)
{
	char text[4096];
	unsigned int lack;

	if (read_small("/proc/self/status", text, sizeof(text)) <= 0)
		return LACK_SYS_ADMIN | LACK_SYS_PTRACE;
	lack = caps_lacking(text);
	return lack ? lack : LACK_SYS_ADMIN | LACK_SYS_PTRACE;
}

/* Root refused with EPERM: the capabilities in lack (LACK_*) named. */
static int caps_error(const char *path, unsigned int lack)
{
	static const char *const names[] = {
		[LACK_SYS_ADMIN] = "CAP_SYS_ADMIN",
		[LACK_SYS_PTRACE] = "CAP_SYS_PTRACE",
		[LACK_SYS_ADMIN | LACK_SYS_PTRACE] =
			"CAP_SYS_ADMIN and CAP_SYS_PTRACE",
	};
	int both = lack == (LACK_SYS_ADMIN | LACK_SYS_PTRACE);
	char hint[128];

	snprintf(hint, sizeof(hint), "run it with %s (not in a container without %s)",
		 names[lack], both ? "them" : "it");
	return fail(EXIT_PERM, hint, "%s needs %s, which this process lacks: %s",
		    path, names[lack], strerror(EPERM));
}

/*
 * EACCES/EPERM opening PATH: kernel lockdown (debugfs refuses files with
 * a write bit, whoever asks), or not root / root without CAP_SYS_ADMIN
 * (and for the page-table reports CAP_SYS_PTRACE).
 */
static int perm_error_errno(const char *path, int err)
{
	const char *level = lockdown_level();
	int ptrace = needs_ptrace(path);

	if (err == EPERM && level && strstr(path, DEBUG_DIR))
		return fail(EXIT_PERM,
			    "load an mmlens.ko that also serves its reports from /proc/mmlens (0.2.0 or later)",
			    "%s is refused by kernel lockdown (%s): debugfs opens no writable file under lockdown",
			    path, level);
	if (err == EPERM && !geteuid())
		return caps_error(path, ptrace ? report_caps_lacking() :
				  LACK_SYS_ADMIN);
	return fail(EXIT_PERM, "run it as root, e.g. sudo mmlens ...",
		    "%s needs root (%s): %s", path,
		    ptrace ? "CAP_SYS_ADMIN and CAP_SYS_PTRACE" :
		    "CAP_SYS_ADMIN", strerror(EACCES));
}

static int perm_error(const char *path)
{
	return perm_error_errno(path, EACCES);
}

/*
 * PATH (under the root) could not be opened: say whether the module is
 * missing, debugfs is not mounted, or the module is one without PATH.
 */
static int missing_error(const struct ctx *c, const char *path, int err)
{
	char dir[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (err == EACCES || err == EPERM)
		return perm_error_errno(path, err);
	if (err != ENOENT)
		return fail(EXIT_NOMODULE, NULL, "%s: %s", path, strerror(err));
	if (!strncmp(path, DEBUG_DIR, strlen(DEBUG_DIR))) {
		path_in_root(c, DEBUG_DIR, dir, sizeof(dir));
		if (stat(dir, &st)) {
			if (errno == EACCES || errno == EPERM)
				return perm_error(path);
			if (!*c->root && (statfs("/sys/kernel/debug", &sfs) ||
					  sfs.f_type != DEBUGFS_MAGIC_NR))
				return fail(EXIT_NOMODULE,
					    "sudo mount -t debugfs none /sys/kernel/debug",
					    "debugfs is not mounted, so %s is missing",
					    path);
			return fail(EXIT_NOMODULE,
				    "reload the module: sudo rmmod mmlens; sudo insmod mmlens.ko",
				    "%s is missing although /proc/mmlens exists",
				    DEBUG_DIR);
		}
	}
	return fail(EXIT_NOMODULE,
		    "load the mmlens.ko built from the same tree as this tool",
		    "the loaded mmlens.ko (%s) has no %s: it lacks %s",
		    c->module_version[0] ? c->module_version : "?", path,
		    feature_of(path));
}

static int read_module_file_how(struct ctx *c, const char *path,
				struct buf *b, int optional)
{
	char full[PATH_MAX];
	int fd, err;

	path_in_root(c, path, full, sizeof(full));
	err = snap_errno(c, full, "open");
	if (err)
		return missing_error(c, path, err);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && optional && errno == ENOENT)
		return -1;
	if (fd < 0)
		return missing_error(c, path, errno);
	err = read_all(fd, b);
	close(fd);
	if (err == EACCES || err == EPERM)
		return perm_error(path);
	if (err == ENODEV)
		return fail(EXIT_NOMODULE, "sudo insmod mmlens.ko",
			    "the module was unloaded while reading %s", path);
	if (err)
		return fail(EXIT_NOMODULE, NULL, "reading %s: %s", path,
			    strerror(err));
	return 0;
}

int read_module_file(struct ctx *c, const char *path, struct buf *b)
{
	return read_module_file_how(c, path, b, 0);
}

/* A file an older module (or an older snapshot) lacks: -1 when missing. */
int read_module_file_opt(struct ctx *c, const char *path, struct buf *b)
{
	return read_module_file_how(c, path, b, 1);
}

/*
 * For mmlens export, which reports a file it cannot read as missing and
 * goes on: 0, or the errno of the open or read (ENOENT, EACCES, ...),
 * without a message.
 */
int read_module_file_errno(struct ctx *c, const char *path, struct buf *b)
{
	char full[PATH_MAX];
	int fd, err;

	path_in_root(c, path, full, sizeof(full));
	err = snap_errno(c, full, "open");
	if (err)
		return err;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = read_all(fd, b);
	close(fd);
	return err;
}

/* ---- kcompactd's inputs besides the module's score ---- */

/* include/linux/sched.h, the same in 6.1 and 6.12 */
#define PF_KTHREAD 0x00200000

/*
 * vm.compaction_proactiveness under the root: 0..100 (the sysctl's own
 * range), or -1 when it is missing or holds anything but "<n>\n".
 */
static int read_proactiveness(const struct ctx *c)
{
	char path[PATH_MAX], text[32], *end;
	unsigned long v;

	path_in_root(c, "/proc/sys/vm/compaction_proactiveness", path,
		     sizeof(path));
	if (read_small(path, text, sizeof(text)) <= 0 ||
	    !isdigit((unsigned char)text[0]))
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno || v > 100 || (*end && strcmp(end, "\n")))
		return -1;
	return (int)v;
}

/* The index in ci->nodes of "kswapd<node>\n" (a comm file), or -1. */
static int kswapd_node(const struct compact_info *ci, const char *comm)
{
	unsigned long node;
	char *end;
	size_t i;

	if (strncmp(comm, "kswapd", 6) || !isdigit((unsigned char)comm[6]))
		return -1;
	node = strtoul(comm + 6, &end, 10);
	if (strcmp(end, "\n"))
		return -1;
	for (i = 0; i < ci->nnodes; i++)
		if ((unsigned long)ci->nodes[i].node == node)
			return (int)i;
	return -1;
}

/*
 * running[i]: whether node ci->nodes[i]'s kswapd runs, as
 * kswapd_is_running() asks (task_is_running(): /proc/PID/stat's state R):
 * the kernel thread kswapd_run() names "kswapd<node>" (mm/vmscan.c), told
 * from a user process that took the name by PF_KTHREAD in stat's flags.
 * Not found or unreadable counts as not running: so it is in a snapshot
 * (it holds no processes) and in a pid namespace that cannot see kernel
 * threads.
 */
static void read_kswapd(const struct ctx *c, const struct compact_info *ci,
			unsigned char *running)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], text[1024], *p, state;
	unsigned long flags;
	struct dirent *de;
	DIR *d;
	int i;

	path_in_root(c, "/proc", dir, sizeof(dir));
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "%s/%s/comm", dir, de->d_name);
		if (read_small(path, text, sizeof(text)) <= 0)
			continue;
		i = kswapd_node(ci, text);
		if (i < 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s/stat", dir, de->d_name);
		if (read_small(path, text, sizeof(text)) <= 0)
			continue;
		/* after "pid (comm)": state ppid pgrp session tty_nr tpgid flags */
		p = strrchr(text, ')');
		if (p && sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", &state,
				&flags) == 2 && (flags & PF_KTHREAD))
			running[i] = state == 'R';
	}
	closedir(d);
}

void load_proactive(const struct ctx *c, struct compact_info *ci)
{
	unsigned char *running;
	int p = read_proactiveness(c);
	size_t i;

	compact_proactive(ci, p, NULL);
	/*
	 * kswapd only turns a "yes" into a "no": look for it (a pass over
	 * every process) only when some node would compact.
	 */
	for (i = 0; i < ci->nnodes && ci->nodes[i].proactive <= 0; i++)
		;
	if (i == ci->nnodes)
		return;
	running = calloc(ci->nnodes, 1);
	if (!running) {
		/* a "yes" not checked against kswapd is no verdict */
		for (i = 0; i < ci->nnodes; i++)
			if (ci->nodes[i].proactive > 0)
				ci->nodes[i].proactive = -1;
		return;
	}
	read_kswapd(c, ci, running);
	compact_proactive(ci, p, running);
	free(running);
}

/* The version, and whether this tool understands its file formats. */
int module_check(struct ctx *c)
{
	struct mm_version mod, tool;
	struct parse_err pe;
	struct buf b;
	char full[PATH_MAX];
	int fd, err;

	path_in_root(c, PROC_DIR "/version", full, sizeof(full));
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES)
			return perm_error(PROC_DIR "/version");
		return fail(EXIT_NOMODULE,
			    "sudo insmod mmlens.ko (or: sudo modprobe mmlens)",
			    "the mmlens module is not loaded (%s%s: %s)",
			    c->root, PROC_DIR "/version", strerror(errno));
	}
	err = read_all(fd, &b);
	close(fd);
	if (err)
		return fail(EXIT_NOMODULE, NULL, "reading %s: %s",
			    PROC_DIR "/version", strerror(err));
	if (parse_version(b.data, b.len, &mod, &pe)) {
		buf_free(&b);
		return fail(EXIT_NOMODULE,
			    "load the mmlens.ko built from the same tree as this tool",
			    "%s is not a version this tool knows: %s",
			    PROC_DIR "/version", pe.msg);
	}
	buf_free(&b);
	snprintf(c->module_version, sizeof(c->module_version), "%u.%u.%u",
		 mod.major, mod.minor, mod.patch);
	if (parse_version(MMLENS_TOOL_VERSION, strlen(MMLENS_TOOL_VERSION),
			  &tool, &pe))
		return fail(EXIT_USAGE, NULL, "bad built-in version");
	if (mod.major != tool.major)
		return fail(EXIT_NOMODULE,
			    "load the mmlens.ko built from the same tree as this tool",
			    "mmlens.ko %s is %s than this tool (%s): their file formats differ",
			    c->module_version,
			    mod.major < tool.major ? "older" : "newer",
			    MMLENS_TOOL_VERSION);
	if (mod.minor != tool.minor)
		warn(mod.minor < tool.minor ?
		     "load the mmlens.ko built with this tool; some commands may be missing" :
		     "update the mmlens tool; new fields are ignored",
		     "mmlens.ko %s is %s than this tool (%s)",
		     c->module_version,
		     mod.minor < tool.minor ? "older" : "newer",
		     MMLENS_TOOL_VERSION);
	return 0;
}

int pid_file_error(int pid, int err, const char *stage, const char *path)
{
	if (err == EACCES || err == EPERM)
		return perm_error(path);
	if (err == ESRCH && !strcmp(stage, "read"))
		return fail(EXIT_NOPROC, "run the command again",
			    "process %d exited while %s was being read", pid,
			    path);
	if (err == ESRCH)
		return fail(EXIT_NOPROC, "check the pid with ps",
			    "no such process: %d", pid);
	if (err == EINVAL && !strcmp(stage, "write"))
		return fail(EXIT_NOPROC, "pick a user process (see ps)",
			    "process %d has no user address space (a kernel thread?)",
			    pid);
	if (err == EINVAL && !strcmp(stage, "address"))
		return fail(EXIT_USAGE,
			    "pick an address inside a mapping of /proc/PID/maps",
			    "%s rejected the address: not a user address", path);
	if (err == ENODEV)
		return fail(EXIT_NOMODULE, "sudo insmod mmlens.ko",
			    "the module was unloaded while reading %s", path);
	return fail(EXIT_NOMODULE, NULL, "%s (%s): %s", path, stage,
		    strerror(err));
}

static int read_pid_snapshot(struct ctx *c, const char *name, int pid,
			     const char *extra, struct buf *b)
{
	char path[PATH_MAX], file[PATH_MAX + 64], base[PATH_MAX + 64];
	const char *stages[] = { "open", "write", "address", "read" };
	struct stat st;
	size_t i;
	int fd, err;

	snprintf(path, sizeof(path), DEBUG_DIR "/%s", name);
	snprintf(base, sizeof(base), "%s%s", c->root, path);
	if (stat(base, &st))
		return missing_error(c, path, errno);
	if (extra && extra[0] == '0' && extra[1] == 'x')
		extra += 2;
	snprintf(file, sizeof(file), "%s" DEBUG_DIR "/pids/%d/%s%s%s",
		 c->root, pid, name, extra ? "-" : "", extra ? extra : "");
	for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
		err = snap_errno(c, file, stages[i]);
		if (err)
			return pid_file_error(pid, err, stages[i], path);
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pid_file_error(pid, ESRCH, "write", path);
	err = read_all(fd, b);
	close(fd);
	return err ? pid_file_error(pid, err, "read", path) : 0;
}

static int write_str(int fd, const char *s)
{
	ssize_t n = write(fd, s, strlen(s));

	if (n < 0)
		return errno;
	return (size_t)n == strlen(s) ? 0 : EIO;
}

/*
 * /proc/mmlens/NAME where the module has it (it works under kernel
 * lockdown), else debugfs; @path gets the one opened, for messages.
 */
int open_pid_file(struct ctx *c, const char *name, int pid,
		  const char *extra, char *path, size_t size, int *fdp)
{
	char full[PATH_MAX], num[64];
	int fd, err;

	snprintf(path, size, PROC_DIR "/%s", name);
	path_in_root(c, path, full, sizeof(full));
	if (access(full, F_OK)) {
		snprintf(path, size, DEBUG_DIR "/%s", name);
		path_in_root(c, path, full, sizeof(full));
	}
	fd = open(full, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return missing_error(c, path, errno);
	/* vtop takes "PID ADDR" in one write; the others just "PID" */
	if (snprintf(num, sizeof(num), "%d%s%s", pid, extra ? " " : "",
		     extra ? extra : "") >= (int)sizeof(num)) {
		close(fd);
		return pid_file_error(pid, EINVAL, "address", path);
	}
	err = write_str(fd, num);
	if (err) {
		close(fd);
		return pid_file_error(pid, err, "write", path);
	}
	if (lseek(fd, 0, SEEK_SET) < 0) {
		err = errno;
		close(fd);
		return pid_file_error(pid, err, "lseek", path);
	}
	*fdp = fd;
	return 0;
}

int read_pid_fd(int fd, int pid, const char *path, struct buf *b)
{
	int err = read_all(fd, b);

	return err ? pid_file_error(pid, err, "read", path) : 0;
}

/*
 * NAME for PID: open, write the pid (and EXTRA, e.g. vtop's address),
 * read from offset 0; from the snapshot with --root. Returns 0 or an
 * exit code (reported).
 */
int read_pid_file(struct ctx *c, const char *name, int pid,
		  const char *extra, struct buf *b)
{
	char path[PATH_MAX];
	int fd, rc;

	if (*c->root)
		return read_pid_snapshot(c, name, pid, extra, b);
	rc = open_pid_file(c, name, pid, extra, path, sizeof(path), &fd);
	if (rc)
		return rc;
	rc = read_pid_fd(fd, pid, path, b);
	close(fd);
	return rc;
}
