// SPDX-License-Identifier: GPL-2.0
/*
 * pt_runs.c - the pagetable files' binary interface (MMLENS_PT_RUNS,
 * module/mmlens_uapi.h) against the text report and pagemap, and its
 * argument checks. Run by t_walk.sh; prints "TAP ..." lines.
 *
 *   pt_runs same LABEL PID VEC_LEN
 *	the records of the whole address space, fetched VEC_LEN at a
 *	time, each written out as the text report writes a line (our own
 *	printer, from the names in mmlens_vocab.h), equal the text
 *	report's lines, read on another fd just before; and every page
 *	of every present run has pagemap's frame (outside VM_PFNMAP VMAs,
 *	which pagemap shows as holes)
 *   pt_runs args LABEL PID
 *	each bad argument gets its errno (docs/security.md's table)
 *   pt_runs count LABEL PID START END
 *	the runs of [START, END) (hex) counted in the text, the records
 *	and pagemap agree (for reports of millions of lines)
 *   pt_runs fuzz LABEL PID ROUNDS
 *	random arguments get records or one of those errnos
 *
 * The target must hold still (a pt_scen process paused).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../module/mmlens_uapi.h"
#include "../../module/mmlens_vocab.h"
#include "pt_oracle.h"
#include "pt_record_text.h"
#include "tap.h"

#define PT_FILE "/proc/mmlens/pagetable"


/* A pagetable fd bound to @pid; -1 on error. */
static int pt_open(int pid)
{
	char buf[32];
	int fd = open(PT_FILE, O_RDWR);
	int n = snprintf(buf, sizeof(buf), "%d", pid);

	if (fd < 0)
		return -1;
	if (write(fd, buf, n) != n || lseek(fd, 0, SEEK_SET)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int runs(int fd, struct mmlens_pt_runs *a)
{
	return ioctl(fd, MMLENS_PT_RUNS, a);
}

static void args_init(struct mmlens_pt_runs *a, uint64_t start,
		      uint64_t end, void *vec, uint64_t vec_len)
{
	memset(a, 0, sizeof(*a));
	a->size = sizeof(*a);
	a->start = start;
	a->end = end;
	a->vec = (uintptr_t)vec;
	a->vec_len = vec_len;
	a->rec_size = sizeof(struct mmlens_pt_run);
}

/* Pages per entry of a level (4 KiB pages, x86-64). */
static uint64_t level_pages(unsigned int level)
{
	return level == MMLENS_PTE ? 1 : level == MMLENS_PMD ? 512 :
					 512 * 512;
}

/*
 * pagemap read a window at a time: a report of millions of one-page
 * runs would otherwise cost a pread per run.
 */
#define PM_WINDOW 65536

struct pm_window {
	int fd;
	uint64_t first, n;		/* pages [first, first + n) held */
	uint64_t v[PM_WINDOW];
};

/* pagemap's entry of page @pg, or -1 with errno. */
static int pm_entry(struct pm_window *w, uint64_t pg, uint64_t *v)
{
	if (pg < w->first || pg >= w->first + w->n) {
		ssize_t r = pread(w->fd, w->v, sizeof(w->v), pg * 8);

		if (r < 8)
			return -1;
		w->first = pg;
		w->n = r / 8;
	}
	*v = w->v[pg - w->first];
	return 0;
}

/* Every page of a present run has pagemap's frame; counts pages. */
static void pagemap_run(struct check *c, struct pm_window *w,
			const struct mmlens_pt_run *r)
{
	uint64_t pages = r->entries * level_pages(r->level), i, v;

	for (i = 0; i < pages; i++) {
		uint64_t want = r->value + i, a = r->start + i * PG;

		c->n++;
		if (pm_entry(w, a / PG, &v)) {
			cfail(c, "pagemap at %llx: %s", (unsigned long long)a,
			      strerror(errno));
			return;
		}
		if (!(v & PM_PRESENT) || (v & PM_PFN_MASK) != want) {
			cfail(c, "%llx: pagemap %llx, record frame %llx",
			      (unsigned long long)a, (unsigned long long)v,
			      (unsigned long long)want);
			return;
		}
	}
}

/*
 * The end of user space (TASK_SIZE_MAX) for the paging the header's
 * "levels=" says: 2^47 or 2^56, less the guard page.
 */
static uint64_t user_end(const char *header)
{
	const char *l = header ? strstr(header, " levels=") : NULL;

	return ((l && l[8] == '5') ? 1ULL << 56 : 1ULL << 47) - PG;
}

/* The report's next line without its newline, or NULL at the end. */
static char *text_line(FILE *f, char **buf, size_t *cap)
{
	ssize_t n = getline(buf, cap, f);

	if (n < 0)
		return NULL;
	if (n && (*buf)[n - 1] == '\n')
		(*buf)[n - 1] = '\0';
	return *buf;
}

static int same(const char *label, int pid, uint64_t vec_len)
{
	struct check lines = { .name = "records written as text == the pagetable report's lines" };
	struct check pmap = { .name = "every page of the present runs == pagemap's frame" };
	struct check walk = { .name = "each call ends at walk_end, the next starts there, the last at the end" };
	struct mmlens_pt_runs a;
	struct mmlens_pt_run *vec = calloc(vec_len, sizeof(*vec));
	char line[512], pmpath[64], *tbuf = NULL, *want;
	size_t tcap = 0;
	FILE *text;
	uint64_t start = 0, end, calls = 0, nrec = 0;
	struct vmas vs = { 0 };
	struct pm_window *pmw;
	int fd, pm, n, i, k;

	fd = pt_open(pid);
	snprintf(pmpath, sizeof(pmpath), "/proc/%d/pagemap", pid);
	pm = open(pmpath, O_RDONLY);
	pmw = calloc(1, sizeof(*pmw));
	if (pmw)
		pmw->fd = pm;
	/* read as it streams: a large report need not fit in memory */
	text = fd >= 0 ? fdopen(dup(fd), "r") : NULL;
	if (!vec || !pmw || fd < 0 || pm < 0 || !text ||
	    maps_read(pid, 1, &vs)) {
		resultf(0, label, lines.name, "open/read: %s", strerror(errno));
		return 1;
	}
	lines.used = pmap.used = walk.used = 1;
	want = text_line(text, &tbuf, &tcap);	/* the header: no record */
	end = user_end(want);
	while (start < end) {
		args_init(&a, start, end, vec, vec_len);
		n = runs(fd, &a);
		calls++;
		if (n < 0) {
			cfail(&walk, "ioctl at %llx: %s",
			      (unsigned long long)start, strerror(errno));
			break;
		}
		if (a.walk_end <= start && a.walk_end != end) {
			cfail(&walk, "no progress at %llx (walk_end %llx)",
			      (unsigned long long)start,
			      (unsigned long long)a.walk_end);
			break;
		}
		if (n && vec[n - 1].end > a.walk_end && a.walk_end != end)
			cfail(&walk, "a record ends at %llx past walk_end %llx",
			      (unsigned long long)vec[n - 1].end,
			      (unsigned long long)a.walk_end);
		for (i = 0; i < n; i++, nrec++) {
			pt_record_text(line, sizeof(line), &vec[i]);
			want = text_line(text, &tbuf, &tcap);
			lines.n++;
			if (!want || strcmp(want, line))
				cfail(&lines, "record %llu: \"%s\", text \"%s\"",
				      (unsigned long long)nrec, line,
				      want ? want : "(end)");
			/* pagemap shows VM_PFNMAP VMAs ([vvar]) as holes */
			k = find_vma(&vs, vec[i].start);
			if (vec[i].kind == MMLENS_PRESENT &&
			    (k < 0 || !vs.v[k].pfnmap))
				pagemap_run(&pmap, pmw, &vec[i]);
		}
		start = a.walk_end;
	}
	want = text_line(text, &tbuf, &tcap);
	if (want && *want)
		cfail(&lines, "text goes on after the last record: \"%s\"", want);
	diag("%s: %llu records in %llu calls of %llu, %ld pages checked",
	     label, (unsigned long long)nrec, (unsigned long long)calls,
	     (unsigned long long)vec_len, pmap.n);
	cprint(&lines, label);
	cprint(&pmap, label);
	cprint(&walk, label);
	vmas_free(&vs);
	fclose(text);
	free(tbuf);
	free(pmw);
	free(vec);
	close(pm);
	close(fd);
	return failures ? 1 : 0;
}

/* One bad argument: the ioctl fails with @want. */
static void expect(const char *label, const char *what, int fd, void *arg,
		   int want)
{
	char name[160];
	int ret = ioctl(fd, MMLENS_PT_RUNS, arg), err = errno;

	snprintf(name, sizeof(name), "ioctl %s -> %s", what, strerrorname_np(want));
	resultf(ret < 0 && err == want, label, name, "got %d (%s)", ret,
		ret < 0 ? strerror(err) : "success");
}

static int args(const char *label, int pid)
{
	struct mmlens_pt_run vec[8];
	/* the argument with room after it for a larger caller's fields */
	struct {
		struct mmlens_pt_runs a;
		uint64_t more[4];
	} big;
	struct mmlens_pt_runs a;
	uint64_t top = (1ULL << 47) - PG;
	int fd = pt_open(pid), other, n;
	void *kern = (void *)0xffff888000000000UL;

	if (fd < 0) {
		resultf(0, label, "open pagetable", "%s", strerror(errno));
		return 1;
	}
#define BAD(what, edit, want) do {				\
		args_init(&a, 0, top, vec, 8);			\
		edit;						\
		expect(label, what, fd, &a, want);		\
	} while (0)
	BAD("size 8 (smaller than version 1)", a.size = 8, EINVAL);
	BAD("size 8192 (over a page)", a.size = 8192, E2BIG);
	BAD("flags 1 (unknown)", a.flags = 1, EINVAL);
	BAD("rec_size 40", a.rec_size = 40, EINVAL);
	BAD("rec_size 56", a.rec_size = 56, EINVAL);
	BAD("start not page-aligned", a.start = 1, EINVAL);
	BAD("end not page-aligned", a.end = top - 1, EINVAL);
	BAD("start == end", a.start = a.end = PG, EINVAL);
	BAD("start > end", (a.start = 2 * PG, a.end = PG), EINVAL);
	BAD("end past user space", a.end = 1ULL << 60, EINVAL);
	BAD("vec_len 0", a.vec_len = 0, EINVAL);
	BAD("vec_len over MMLENS_PT_RUNS_MAX",
	    a.vec_len = MMLENS_PT_RUNS_MAX + 1, EINVAL);
	BAD("vec over the argument itself", a.vec = (uintptr_t)&a, EINVAL);
	BAD("vec a kernel address", a.vec = (uintptr_t)kern, EFAULT);
	BAD("vec unmapped (NULL)", a.vec = 0, EFAULT);
	expect(label, "argument pointer 1", fd, (void *)1, EFAULT);
	expect(label, "argument a kernel address", fd, kern, EFAULT);

	memset(&big, 0, sizeof(big));
	args_init(&big.a, 0, top, vec, 8);
	big.a.size = sizeof(big);
	big.more[2] = 1;
	expect(label, "size 96 with a non-zero field past version 1", fd, &big,
	       E2BIG);
	big.more[2] = 0;
	n = ioctl(fd, MMLENS_PT_RUNS, &big);
	resultf(n > 0, label, "ioctl size 96, zeros past version 1 -> records",
		"got %d (%s)", n, n < 0 ? strerror(errno) : "no records");

	args_init(&a, PG, 2 * PG, vec, 8);	/* page 1: never mapped */
	n = runs(fd, &a);
	resultf(n == 0 && a.walk_end == 2 * PG, label,
		"ioctl over a range without VMAs -> 0 records, walk_end = end",
		"got %d, walk_end %llx", n, (unsigned long long)a.walk_end);
	n = ioctl(fd, _IOWR(MMLENS_VBUF_IOC_MAGIC, 0x11, struct mmlens_pt_runs),
		  &a);
	resultf(n < 0 && errno == ENOTTY, label, "ioctl unknown command -> ENOTTY",
		"got %d (%s)", n, n < 0 ? strerror(errno) : "success");
	other = open("/proc/mmlens/vmas", O_RDONLY);
	args_init(&a, 0, top, vec, 8);
	n = other >= 0 ? runs(other, &a) : 0;
	resultf(other >= 0 && n < 0 && errno == ENOTTY, label,
		"ioctl MMLENS_PT_RUNS on vmas -> ENOTTY", "got %d (%s)", n,
		n < 0 ? strerror(errno) : "success");
	if (other >= 0)
		close(other);
	close(fd);
	return failures ? 1 : 0;
}

/*
 * The runs of [start, end) counted three ways: the text report's lines
 * that start there (read as it streams), the records of the ioctl over
 * the range, and the frame-contiguous runs pagemap implies, which are
 * the runs wherever pages do not differ in flags pagemap cannot show
 * (zeroscan: every page the zero page, a run each). For reports too
 * large to compare line by line in a test's time.
 */
static int count(const char *label, int pid, uint64_t start, uint64_t end)
{
	static struct mmlens_pt_run vec[21845];
	struct mmlens_pt_runs a;
	uint64_t lines = 0, recs = 0, implied = 0, pg, v, prev = 0, s = start;
	char pmpath[64], *tbuf = NULL, *l;
	struct pm_window *pmw = calloc(1, sizeof(*pmw));
	int fd = pt_open(pid), n, have = 0;
	size_t tcap = 0;
	FILE *text;

	snprintf(pmpath, sizeof(pmpath), "/proc/%d/pagemap", pid);
	text = fd >= 0 ? fdopen(dup(fd), "r") : NULL;
	if (pmw)
		pmw->fd = open(pmpath, O_RDONLY);
	if (!text || !pmw || pmw->fd < 0) {
		resultf(0, label, "runs counted", "open: %s", strerror(errno));
		return 1;
	}
	text_line(text, &tbuf, &tcap);		/* the header */
	while ((l = text_line(text, &tbuf, &tcap))) {
		uint64_t at = strtoull(l, NULL, 16);

		lines += at >= start && at < end;
	}
	do {
		args_init(&a, s, end, vec, sizeof(vec) / sizeof(vec[0]));
		n = runs(fd, &a);
		if (n < 0)
			break;
		recs += n;
		s = a.walk_end;
	} while (s < end);
	for (pg = start / PG; pg < end / PG && n >= 0; pg++) {
		if (pm_entry(pmw, pg, &v)) {
			n = -1;
			break;
		}
		if (v & PM_PRESENT)
			implied += !have || (v & PM_PFN_MASK) != prev + 1;
		have = !!(v & PM_PRESENT);
		prev = v & PM_PFN_MASK;
	}
	diag("%s: %llu lines, %llu records, %llu runs in pagemap", label,
	     (unsigned long long)lines, (unsigned long long)recs,
	     (unsigned long long)implied);
	resultf(n >= 0 && lines == implied && recs == implied, label,
		"text lines == records == the runs pagemap implies",
		"%llu lines, %llu records, %llu implied (%s)",
		(unsigned long long)lines, (unsigned long long)recs,
		(unsigned long long)implied, n < 0 ? strerror(errno) : "");
	fclose(text);
	free(tbuf);
	close(pmw->fd);
	free(pmw);
	close(fd);
	return failures ? 1 : 0;
}

/* One of a few values that sit on the checks' edges, or anything. */
static uint64_t edge(uint64_t *vals, size_t n)
{
	uint64_t r = ((uint64_t)random() << 33) ^ ((uint64_t)random() << 2) ^
		     (uint64_t)random();

	return random() % 4 ? vals[random() % n] : r;
}

/*
 * @rounds ioctls with arguments drawn from edge values and noise: each
 * answers records or EINVAL, EFAULT, E2BIG (no other errno, no oops:
 * the host scans the kernel log), a success stops inside its range.
 */
static int fuzz(const char *label, int pid, long rounds)
{
	struct check c = { .name = "random arguments: records, EINVAL, EFAULT or E2BIG, never another answer", .used = 1 };
	static struct mmlens_pt_run vec[64];
	struct {
		struct mmlens_pt_runs a;
		uint64_t more[8];
	} u;
	uint64_t top = (1ULL << 47) - PG;
	uint64_t sizes[] = { 0, 8, sizeof(u.a), sizeof(u.a) + 8, sizeof(u),
			     4097, ~0ULL };
	uint64_t addrs[] = { 0, 1, PG, 2 * PG - 1, top, top + PG, 1ULL << 56,
			     ~0ULL, (uintptr_t)vec };
	uint64_t lens[] = { 0, 1, 7, 64, MMLENS_PT_RUNS_MAX,
			    MMLENS_PT_RUNS_MAX + 1, ~0ULL };
	uint64_t recs[] = { 0, sizeof(vec[0]), sizeof(vec[0]) + 8 };
	uint64_t vecs[] = { 0, (uintptr_t)vec, (uintptr_t)&u, 1,
			    0xffff888000000000ULL, top - 64 };
	int fd = pt_open(pid), n;
	long i;

	if (fd < 0) {
		resultf(0, label, c.name, "open: %s", strerror(errno));
		return 1;
	}
	srandom(1);
	for (i = 0; i < rounds; i++) {
		memset(&u, 0, sizeof(u));
		u.a.size = random() % 2 ? sizeof(u.a) : edge(sizes, 7);
		u.a.flags = random() % 8 ? 0 : edge(addrs, 9);
		u.a.start = edge(addrs, 9) & (random() % 2 ? ~(PG - 1) : ~0ULL);
		u.a.end = edge(addrs, 9) & (random() % 2 ? ~(PG - 1) : ~0ULL);
		u.a.vec = random() % 2 ? (uintptr_t)vec : edge(vecs, 6);
		u.a.vec_len = random() % 2 ? 64 : edge(lens, 7);
		u.a.rec_size = random() % 2 ? sizeof(vec[0]) : edge(recs, 3);
		if (random() % 8 == 0)
			u.more[random() % 8] = 1;
		/* no more records than vec holds, unless vec is a bad one */
		if (u.a.vec == (uintptr_t)vec && u.a.vec_len > 64)
			u.a.vec_len = 64;
		n = runs(fd, &u.a);
		c.n++;
		if (n < 0 && errno != EINVAL && errno != EFAULT &&
		    errno != E2BIG)
			cfail(&c, "round %ld: %s", i, strerror(errno));
		else if (n >= 0 && (u.a.walk_end < u.a.start ||
				    u.a.walk_end > u.a.end || n > 64))
			cfail(&c, "round %ld: %d records, walk_end %llx outside [%llx, %llx)",
			      i, n, (unsigned long long)u.a.walk_end,
			      (unsigned long long)u.a.start,
			      (unsigned long long)u.a.end);
	}
	diag("%s: %ld random ioctls", label, c.n);
	cprint(&c, label);
	close(fd);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	int ret = 2;

	setvbuf(stdout, NULL, _IOLBF, 0);
	tap_prefix = "TAP ";
	if (argc == 5 && !strcmp(argv[1], "same"))
		ret = same(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 10));
	else if (argc == 4 && !strcmp(argv[1], "args"))
		ret = args(argv[2], atoi(argv[3]));
	else if (argc == 6 && !strcmp(argv[1], "count"))
		ret = count(argv[2], atoi(argv[3]), strtoull(argv[4], NULL, 16),
			    strtoull(argv[5], NULL, 16));
	else if (argc == 5 && !strcmp(argv[1], "fuzz"))
		ret = fuzz(argv[2], atoi(argv[3]), atol(argv[4]));
	else
		fprintf(stderr, "usage: pt_runs same LABEL PID VEC_LEN | count LABEL PID START END | args LABEL PID | fuzz LABEL PID ROUNDS\n");
	printf("TAP # pt_runs: done\n");
	return ret;
}
