// SPDX-License-Identifier: GPL-2.0
/*
 * pt_check - compare mmlens's page-table walk of a process with the
 * kernel's own views of it: /proc/PID/maps, smaps and pagemap.
 *
 *   pt_check full LABEL PID LEVELS [SCENFILE]
 *   pt_check pair LABEL SCENFILE
 *   pt_check time LABEL PID
 *
 * full: every check below for PID (LEVELS: the paging levels the kernel
 *   should report, 4 or 5), plus the "page"/"same"/"differ"/"exact" lines
 *   of the pt_scen output SCENFILE that concern PID alone.
 * pair: the "same"/"differ" lines between two processes (fork).
 * time: how long reads of vmas, pagetable and pagemap take (diagnostics).
 *
 * Prints one result line per check, "ok NAME", "not ok NAME" or
 * "skip NAME # REASON", and "# ..." diagnostics; the shell prefixes
 * "TAP ". Exit status 1 when any check failed.
 *
 * PT_CHECK_MUTATE=pfn|swap|nx|hole|rw|split|ptables|runs|present|dirty|
 * pmd|name|pgoff|vtop plants one error in mmlens's answers (after
 * reading them), to show that the checks catch it.
 *
 * Nothing moves pages in the test VM, but to be safe each try reads
 * pagemap, then mmlens, then pagemap again, and accepts mmlens when it
 * equals either pagemap read; up to TRIES tries.
 *
 * pagemap reports VM_PFNMAP VMAs ([vvar]) as holes, and VMAs larger than
 * BIG are only sampled (a 1 TiB reservation has 2 GiB of pagemap): those
 * are checked against mmlens's own runs and the samples.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DIR_ "/sys/kernel/debug/mmlens/"
#define PG 4096UL
#define BIG (4UL << 30)
#define TRIES 6
#define NSAMPLE 2048
#define MAXPRINT 8

#define PM_PRESENT (1ULL << 63)
#define PM_SWAP (1ULL << 62)
#define PM_UFFD_WP (1ULL << 57)
#define PM_SOFT_DIRTY (1ULL << 55)
#define PM_PFN_MASK ((1ULL << 55) - 1)

/* ------------------------------------------------------------ output */

static int failures;

static void result(int ok, const char *label, const char *name)
{
	printf("%s %s: %s\n", ok ? "ok" : "not ok", label, name);
	if (!ok)
		failures++;
}

static void skip(const char *label, const char *name, const char *why)
{
	printf("skip %s: %s # %s\n", label, name, why);
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

/* A check accumulates a pass/fail and its first few diagnostics. */
struct check {
	const char *name;
	int fails;
	int used;	/* 0: not applicable this time (prints nothing) */
	long n;		/* how many things it looked at */
	char msg[2048];
	size_t len;
};

static void cfail(struct check *c, const char *fmt, ...)
{
	va_list ap;

	c->used = 1;
	if (c->fails++ >= MAXPRINT || c->len >= sizeof(c->msg) - 2)
		return;
	va_start(ap, fmt);
	c->len += vsnprintf(c->msg + c->len, sizeof(c->msg) - c->len, fmt, ap);
	va_end(ap);
	if (c->len < sizeof(c->msg) - 1)
		c->msg[c->len++] = '\n';
	c->msg[c->len < sizeof(c->msg) ? c->len : sizeof(c->msg) - 1] = 0;
}

static void cprint(const struct check *c, const char *label)
{
	const char *p = c->msg;

	if (!c->used)
		return;
	result(!c->fails, label, c->name);
	while (c->fails && *p) {
		size_t n = strcspn(p, "\n");

		printf("#   %.*s\n", (int)n, p);
		p += n + (p[n] == '\n');
	}
	if (c->fails > MAXPRINT)
		printf("#   ... %d problems in all\n", c->fails);
}

/* ------------------------------------------------------------- files */

static char *slurp_fd(int fd, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return NULL;
	for (;;) {
		if (cap - len < 4097) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return NULL;
		}
		if (!n)
			break;
		len += n;
	}
	buf[len] = 0;
	if (lenp)
		*lenp = len;
	return buf;
}

static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *b;
	int e;

	if (fd < 0)
		return NULL;
	b = slurp_fd(fd, NULL);
	e = errno;
	close(fd);
	errno = e;
	return b;
}

/* Read an mmlens file about pid through a per-fd pid: no global state. */
static char *mm_read(const char *file, int pid, size_t *lenp)
{
	char path[128], num[32];
	int fd, e, n;
	char *b = NULL;

	snprintf(path, sizeof(path), DIR_ "%s", file);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return NULL;
	n = snprintf(num, sizeof(num), "%d", pid);
	if (write(fd, num, n) == n && lseek(fd, 0, SEEK_SET) == 0)
		b = slurp_fd(fd, lenp);
	e = errno;
	close(fd);
	errno = e;
	return b;
}

static char *next_line(char **p)
{
	char *l = *p, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = 0;
		*p = nl + 1;
	} else {
		*p = l + strlen(l);
	}
	return l;
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t'))
		s[--n] = 0;
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	memmove(s, s + i, n - i + 1);
}

/* -------------------------------------------------------------- VMAs */

struct vma {
	unsigned long start, end, pgoff;
	char perms[8];
	char name[1400];	/* a PATH_MAX name, "\n" escaped to 4 bytes */
	/* smaps */
	long anonhuge, shmempmd, filepmd, hugetlb, kps;
	int pfnmap, softdirty;
	/* mmlens vmas */
	long present, swap, pmd, pud, dirty, young, runs, ptables;
	int exact;
};

struct vmas {
	struct vma *v;
	int n;
};

static int add_vma(struct vmas *vs, const struct vma *v)
{
	struct vma *nv = realloc(vs->v, (vs->n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	vs->v = nv;
	vs->v[vs->n++] = *v;
	return 0;
}

static int parse_maps(char *buf, struct vmas *vs)
{
	char *p = buf, *l;

	while ((l = next_line(&p))) {
		struct vma v = { 0 };
		int off = 0;

		if (sscanf(l, "%lx-%lx %7s %lx %*s %*s%n", &v.start, &v.end,
			   v.perms, &v.pgoff, &off) < 4 || !off)
			return -1;
		snprintf(v.name, sizeof(v.name), "%s", l + off);
		trim(v.name);
		if (add_vma(vs, &v))
			return -1;
	}
	return 0;
}

static int parse_mm_vmas(char *buf, struct vmas *vs)
{
	char *p = buf, *l;

	while ((l = next_line(&p))) {
		struct vma v = { 0 };
		int off = 0;

		if (sscanf(l, "%lx-%lx %7s %lx present=%ld swap=%ld pmd=%ld pud=%ld dirty=%ld young=%ld runs=%ld ptables=%ld%n",
			   &v.start, &v.end, v.perms, &v.pgoff, &v.present,
			   &v.swap, &v.pmd, &v.pud, &v.dirty, &v.young, &v.runs,
			   &v.ptables, &off) < 12 || !off) {
			fprintf(stderr, "bad vmas line: %s\n", l);
			return -1;
		}
		snprintf(v.name, sizeof(v.name), "%s", l + off);
		trim(v.name);
		if (add_vma(vs, &v))
			return -1;
	}
	return 0;
}

static void parse_smaps(char *buf, struct vmas *vs)
{
	char *p = buf, *l;
	struct vma *cur = NULL;
	unsigned long s, e;
	long kb;
	int i;

	while ((l = next_line(&p))) {
		if (sscanf(l, "%lx-%lx ", &s, &e) == 2) {
			cur = NULL;
			for (i = 0; i < vs->n; i++)
				if (vs->v[i].start == s)
					cur = &vs->v[i];
			continue;
		}
		if (!cur)
			continue;
		if (sscanf(l, "AnonHugePages: %ld", &kb) == 1)
			cur->anonhuge = kb;
		else if (sscanf(l, "ShmemPmdMapped: %ld", &kb) == 1)
			cur->shmempmd = kb;
		else if (sscanf(l, "FilePmdMapped: %ld", &kb) == 1)
			cur->filepmd = kb;
		else if (sscanf(l, "Private_Hugetlb: %ld", &kb) == 1)
			cur->hugetlb += kb;
		else if (sscanf(l, "Shared_Hugetlb: %ld", &kb) == 1)
			cur->hugetlb += kb;
		else if (sscanf(l, "KernelPageSize: %ld", &kb) == 1)
			cur->kps = kb;
		else if (!strncmp(l, "VmFlags:", 8)) {
			cur->pfnmap = !!strstr(l, " pf");
			cur->softdirty = !!strstr(l, " sd");
		}
	}
}

static int is_gate(const struct vma *v)
{
	return !strcmp(v->name, "[vsyscall]");
}

static int find_vma(const struct vmas *vs, unsigned long a)
{
	int lo = 0, hi = vs->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (a < vs->v[mid].start)
			hi = mid - 1;
		else if (a >= vs->v[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

static int is_big(const struct vma *v)
{
	return v->end - v->start > BIG;
}

/* --------------------------------------------------------- pagetable */

enum { K_PRESENT, K_SWAP, K_MIGRATION, K_MARKER, K_DEVPRIV, K_HWPOISON };
static const char *const kinds[] = {
	"present", "swap", "migration", "marker", "device-private", "hwpoison",
};

enum { L_PTE, L_PMD, L_PUD };
static const char *const lvname[] = { "pte", "pmd", "pud" };
static const unsigned long lvpages[] = { 1, 512, 512 * 512 };

static const char *const flagnames[] = {
	"rw", "user", "pwt", "pcd", "accessed", "dirty", "huge", "pat",
	"global", "special", "uffd-wp", "soft-dirty", "devmap", "nx", "zero",
	"saved-dirty", "protnone",
};
enum {
	F_RW = 1 << 0, F_USER = 1 << 1, F_ACCESSED = 1 << 4,
	F_DIRTY = 1 << 5, F_HUGE = 1 << 6, F_GLOBAL = 1 << 8,
	F_UFFD_WP = 1 << 10, F_SOFT_DIRTY = 1 << 11, F_DEVMAP = 1 << 12,
	F_NX = 1 << 13, F_ZERO = 1 << 14, F_PROTNONE = 1 << 16,
};

struct run {
	unsigned long start, end, entries, first;
	unsigned int type, flags;
	int level, kind;
};

struct pt {
	int pid, levels;
	char comm[64];
	struct run *r;
	int n;
};

static int parse_flags(const char *s, unsigned int *out)
{
	char buf[256], *tok, *save;
	size_t i;

	*out = 0;
	if (!strcmp(s, "-"))
		return 0;
	snprintf(buf, sizeof(buf), "%s", s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < sizeof(flagnames) / sizeof(flagnames[0]); i++)
			if (!strcmp(tok, flagnames[i]))
				break;
		if (i == sizeof(flagnames) / sizeof(flagnames[0]))
			return -1;
		*out |= 1u << i;
	}
	return 0;
}

static void flags_str(unsigned int f, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < sizeof(flagnames) / sizeof(flagnames[0]); i++)
		if (f & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      flagnames[i]);
	if (!n)
		snprintf(buf, len, "-");
}

/* Parses the whole file; malformed lines go to c (well-formedness). */
/* The last occurrence of @needle in @s, or NULL. */
static char *last_of(char *s, const char *needle)
{
	char *hit = NULL;

	while ((s = strstr(s, needle)))
		hit = s++;
	return hit;
}

static int parse_pt(char *buf, struct pt *pt, struct check *c)
{
	char *p = buf, *l, *lv, *cm;
	int cap = 0;

	l = next_line(&p);
	lv = l ? last_of(l, " levels=") : NULL;
	cm = l ? strstr(l, " comm=") : NULL;
	if (!lv || !cm || cm > lv || sscanf(l, "# pid=%d", &pt->pid) != 1) {
		cfail(c, "bad header: %s", l ? l : "(empty)");
		return -1;
	}
	/* comm= runs to the last " levels=": a comm may hold spaces */
	snprintf(pt->comm, sizeof(pt->comm), "%.*s", (int)(lv - cm - 6),
		 cm + 6);
	pt->levels = atoi(lv + 8);
	while ((l = next_line(&p))) {
		struct run r = { 0 };
		char lv[16], kind[32], rest[256];
		int off = 0, i;

		rest[0] = 0;
		if (sscanf(l, "%lx-%lx %15s %lu %31s %n", &r.start, &r.end, lv,
			   &r.entries, kind, &off) != 5) {
			cfail(c, "bad line: %s", l);
			continue;
		}
		snprintf(rest, sizeof(rest), "%s", l + off);
		for (i = 0; i < 3 && strcmp(lv, lvname[i]); i++)
			;
		r.level = i;
		for (i = 0; i < 6 && strcmp(kind, kinds[i]); i++)
			;
		r.kind = i;
		if (r.level == 3 || r.kind == 6) {
			cfail(c, "unknown level/kind: %s", l);
			continue;
		}
		if (r.kind == K_PRESENT) {
			char fl[200];

			if (sscanf(rest, "pfn=%lx flags=%199s", &r.first, fl) != 2 ||
			    parse_flags(fl, &r.flags)) {
				cfail(c, "bad present line: %s", l);
				continue;
			}
		} else if (r.kind == K_SWAP) {
			if (sscanf(rest, "type=%u offset=%lx", &r.type,
				   &r.first) != 2) {
				cfail(c, "bad swap line: %s", l);
				continue;
			}
		} else if (r.kind != K_MARKER) {
			if (sscanf(rest, "pfn=%lx", &r.first) != 1) {
				cfail(c, "bad line: %s", l);
				continue;
			}
		}
		if (pt->n == cap) {
			struct run *nr;

			cap = cap ? cap * 2 : 1024;
			nr = realloc(pt->r, cap * sizeof(*nr));
			if (!nr)
				return -1;
			pt->r = nr;
		}
		pt->r[pt->n++] = r;
	}
	return 0;
}

static int find_run(const struct pt *pt, unsigned long a)
{
	int lo = 0, hi = pt->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;

		if (a < pt->r[mid].start)
			hi = mid - 1;
		else if (a >= pt->r[mid].end)
			lo = mid + 1;
		else
			return mid;
	}
	return -1;
}

/* -------------------------------------------------- one page's state */

/* What a page looks like, from either side. */
struct pe {
	int kind;		/* -1: hole */
	unsigned long val;	/* pfn, or swap offset */
	unsigned int type;	/* swap type */
	unsigned int flags;	/* mmlens only */
	int level;		/* mmlens only */
	int pmsd, pmuffd;	/* pagemap only */
};

static struct pe pe_from_run(const struct pt *pt, unsigned long a)
{
	struct pe e = { .kind = -1 };
	int i = find_run(pt, a);
	const struct run *r;

	if (i < 0)
		return e;
	r = &pt->r[i];
	e.kind = r->kind;
	e.type = r->type;
	e.flags = r->flags;
	e.level = r->level;
	e.val = r->first + (a - r->start) / PG;
	return e;
}

static struct pe pe_from_pagemap(uint64_t v)
{
	struct pe e = { .kind = -1 };

	e.pmsd = !!(v & PM_SOFT_DIRTY);
	e.pmuffd = !!(v & PM_UFFD_WP);
	if (v & PM_PRESENT) {
		e.kind = K_PRESENT;
		e.val = v & PM_PFN_MASK;
	} else if (v & PM_SWAP) {
		e.kind = K_SWAP;
		e.type = v & 31;
		e.val = (v & PM_PFN_MASK) >> 5;
	}
	return e;
}

static void pe_str(const struct pe *e, char *buf, size_t len)
{
	char fl[200];

	if (e->kind < 0) {
		snprintf(buf, len, "hole");
	} else if (e->kind == K_SWAP) {
		snprintf(buf, len, "swap type=%u offset=%lx", e->type, e->val);
	} else {
		flags_str(e->flags, fl, sizeof(fl));
		snprintf(buf, len, "%s pfn=%lx flags=%s", kinds[e->kind],
			 e->val, fl);
	}
}

/* pagemap swap-kind entries cover migration entries too (offset = pfn). */
static int pe_same(const struct pe *m, const struct pe *k)
{
	if (m->kind < 0 || k->kind < 0)
		return m->kind == k->kind;
	if (m->kind == K_PRESENT || k->kind == K_PRESENT)
		return m->kind == k->kind && m->val == k->val;
	if (m->kind == K_SWAP)
		return k->kind == K_SWAP && m->type == k->type &&
		       m->val == k->val;
	if (m->kind == K_MARKER)
		return k->kind == K_SWAP;
	return k->kind == K_SWAP && m->val == k->val;
}

/* ----------------------------------------------------- pagemap reads */

/* Per VMA: the whole range, or sorted (addr, value) samples. */
struct pmv {
	uint64_t *val;		/* whole VMA, or NULL */
	unsigned long *saddr;	/* samples */
	uint64_t *sval;
	long ns;
};

struct snap {
	struct pmv *v;
	int n;
};

static int pm_pread(int fd, unsigned long a, uint64_t *out, long n)
{
	size_t want = n * 8, got = 0;

	while (got < want) {
		ssize_t r = pread(fd, (char *)out + got, want - got,
				  a / PG * 8 + got);

		if (r <= 0)
			return -1;
		got += r;
	}
	return 0;
}

static int cmp_ul(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void snap_free(struct snap *s)
{
	for (int i = 0; i < s->n; i++) {
		free(s->v[i].val);
		free(s->v[i].saddr);
		free(s->v[i].sval);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/*
 * Big VMAs get NSAMPLE pseudo-random pages, their first and last page,
 * and (when pt is given) every page of mmlens's runs inside them.
 */
static int snap_read(int fd, const struct vmas *vs, const struct pt *pt,
		     struct snap *s)
{
	s->n = vs->n;
	s->v = calloc(vs->n, sizeof(*s->v));
	if (!s->v)
		return -1;
	for (int i = 0; i < vs->n; i++) {
		const struct vma *v = &vs->v[i];
		struct pmv *p = &s->v[i];
		unsigned long np = (v->end - v->start) / PG, x = 12345 + i;
		long cap = NSAMPLE + 2, k;

		if (v->pfnmap || is_gate(v))
			continue;
		if (!is_big(v)) {
			p->val = malloc(np * 8);
			if (!p->val || pm_pread(fd, v->start, p->val, np))
				return -1;
			continue;
		}
		for (k = 0; pt && k < pt->n; k++)
			if (pt->r[k].end > v->start && pt->r[k].start < v->end)
				cap += (pt->r[k].end - pt->r[k].start) / PG;
		if (cap > NSAMPLE + 2 + (1 << 20))
			cap = NSAMPLE + 2 + (1 << 20);
		p->saddr = malloc(cap * sizeof(long));
		p->sval = malloc(cap * 8);
		if (!p->saddr || !p->sval)
			return -1;
		p->saddr[p->ns++] = v->start;
		p->saddr[p->ns++] = v->end - PG;
		for (k = 0; k < NSAMPLE; k++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			p->saddr[p->ns++] = v->start + (x >> 11) % np * PG;
		}
		for (k = 0; pt && k < pt->n; k++) {
			const struct run *r = &pt->r[k];
			unsigned long a = r->start > v->start ? r->start : v->start;
			unsigned long e = r->end < v->end ? r->end : v->end;

			for (; a < e && p->ns < cap; a += PG)
				p->saddr[p->ns++] = a;
		}
		qsort(p->saddr, p->ns, sizeof(long), cmp_ul);
		for (k = 0; k < p->ns; k++)
			if (pm_pread(fd, p->saddr[k], &p->sval[k], 1))
				return -1;
	}
	return 0;
}

/*
 * Big VMAs: use the after-read samples (they hold mmlens's runs) in the
 * before-snapshot too, so neither side passes by not looking.
 */
static int snap_share_big(struct snap *a, const struct snap *b)
{
	for (int i = 0; i < a->n && i < b->n; i++) {
		struct pmv *p = &a->v[i];
		const struct pmv *q = &b->v[i];

		if (!q->saddr)
			continue;
		free(p->saddr);
		free(p->sval);
		p->ns = q->ns;
		p->saddr = malloc(q->ns * sizeof(long));
		p->sval = malloc(q->ns * 8);
		if (!p->saddr || !p->sval)
			return -1;
		memcpy(p->saddr, q->saddr, q->ns * sizeof(long));
		memcpy(p->sval, q->sval, q->ns * 8);
	}
	return 0;
}

/* The pagemap value of a, if the snapshot holds it. */
static int snap_get(const struct snap *s, const struct vmas *vs, int vi,
		    unsigned long a, uint64_t *out)
{
	const struct pmv *p = &s->v[vi];
	long lo = 0, hi = p->ns - 1;

	if (p->val) {
		*out = p->val[(a - vs->v[vi].start) / PG];
		return 1;
	}
	while (lo <= hi) {
		long mid = (lo + hi) / 2;

		if (p->saddr[mid] == a) {
			*out = p->sval[mid];
			return 1;
		}
		if (p->saddr[mid] < a)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

/* ------------------------------------------------- the whole picture */

struct ctx {
	const char *label;
	int pid, levels;
	struct vmas maps;	/* /proc/PID/maps + smaps */
	struct vmas mv;		/* mmlens vmas */
	struct pt pt;		/* mmlens pagetable */
	struct snap a, b;	/* pagemap before and after */
	char *scen;
	unsigned long pt_bytes;
	double pt_ms;
};

enum {
	C_HDR, C_WELL, C_MAPS, C_PFN, C_PFNMAP, C_CNT, C_HUGE, C_DY, C_NRUN,
	C_PTLB, C_PTEX, C_FLAGS, C_SD, NCHECK
};
static const char *const cnames[NCHECK] = {
	"pagetable header (pid comm levels)",
	"pagetable runs well-formed, maximal, inside VMAs",
	"vmas list == /proc/PID/maps (start end perms pgoff name)",
	"pagetable present/pfn/swap == pagemap, every page",
	"pfnmap VMAs ([vvar]) runs inside the VMA",
	"vmas present/swap == pagemap",
	"vmas pmd/pud == smaps (AnonHugePages, PmdMapped, Hugetlb)",
	"vmas dirty/young == pagetable flags",
	"vmas runs == pfn-contiguous runs in pagemap",
	"vmas ptables >= tables implied by the entries",
	"vmas ptables exact for the scenario's regions",
	"pagetable flags consistent with VMA perms",
	"soft-dirty == pagemap bit 55 (VMAs without VM_SOFTDIRTY)",
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * The page as the kernel sees it: pagemap, or mmlens's runs where pagemap
 * is blind (pfnmap) or only sampled (big VMAs, outside the samples).
 */
static struct pe kernel_pe(const struct ctx *c, const struct snap *s, int vi,
			   unsigned long a, int *known)
{
	uint64_t v;

	*known = 0;
	if (s->v[vi].val || s->v[vi].saddr) {
		if (snap_get(s, &c->maps, vi, a, &v)) {
			*known = 1;
			return pe_from_pagemap(v);
		}
	}
	return pe_from_run(&c->pt, a);
}

static void check_well(const struct ctx *c, struct check *ck)
{
	const struct pt *pt = &c->pt;

	ck->used = 1;
	for (int i = 0; i < pt->n; i++) {
		const struct run *r = &pt->r[i], *q = i ? &pt->r[i - 1] : NULL;
		unsigned long sz = lvpages[r->level] * PG, a;
		int vi;

		if (r->end <= r->start || r->entries == 0 ||
		    r->end - r->start != r->entries * sz ||
		    r->start % sz)
			cfail(ck, "run %lx-%lx %s entries=%lu: bad size/alignment",
			      r->start, r->end, lvname[r->level], r->entries);
		if (q && q->end > r->start)
			cfail(ck, "runs %lx-%lx and %lx-%lx overlap or unsorted",
			      q->start, q->end, r->start, r->end);
		if (q && q->end == r->start && q->level == r->level &&
		    q->kind == r->kind && q->flags == r->flags &&
		    q->type == r->type && r->kind != K_MARKER &&
		    r->first == q->first + q->entries * lvpages[q->level])
			cfail(ck, "runs %lx-%lx and %lx-%lx should be one (not maximal)",
			      q->start, q->end, r->start, r->end);
		if (r->level == L_PTE && (r->flags & F_HUGE))
			cfail(ck, "pte run %lx-%lx has flag huge", r->start,
			      r->end);
		for (a = r->start; a < r->end; a = c->maps.v[vi].end) {
			vi = find_vma(&c->maps, a);
			if (vi < 0 || is_gate(&c->maps.v[vi])) {
				cfail(ck, "run %lx-%lx: %lx is outside every VMA",
				      r->start, r->end, a);
				break;
			}
		}
	}
}

static void check_maps(const struct ctx *c, struct check *ck)
{
	int i = 0, j = 0;

	ck->used = 1;
	while (i < c->maps.n || j < c->mv.n) {
		const struct vma *k = i < c->maps.n ? &c->maps.v[i] : NULL;
		const struct vma *m = j < c->mv.n ? &c->mv.v[j] : NULL;

		/* The vsyscall gate is no VMA of the mm; either is fine. */
		if (k && is_gate(k) && (!m || m->start != k->start)) {
			i++;
			continue;
		}
		if (!k || !m || k->start != m->start || k->end != m->end ||
		    strcmp(k->perms, m->perms) || k->pgoff != m->pgoff ||
		    strcmp(k->name, m->name)) {
			if (k)
				cfail(ck, "maps:  %lx-%lx %s %lx '%s'", k->start,
				      k->end, k->perms, k->pgoff, k->name);
			if (m)
				cfail(ck, "mmlens: %lx-%lx %s %lx '%s'", m->start,
				      m->end, m->perms, m->pgoff, m->name);
			if (!k || !m || k->start == m->start) {
				i++;
				j++;
			} else if (k->start < m->start) {
				i++;
			} else {
				j++;
			}
			continue;
		}
		i++;
		j++;
	}
}

/*
 * Tables of each level whose span holds an entry of VMA vi and overlaps
 * no other VMA: a lower bound for ptables (an emptied table may remain).
 */
static long tables_implied(const struct ctx *c, int vi)
{
	static const int shift[] = { 21, 30, 39, 48 };
	const struct vma *v = &c->maps.v[vi];
	const struct vma *pv = vi > 0 ? &c->maps.v[vi - 1] : NULL;
	const struct vma *nv = vi + 1 < c->maps.n &&
			       !is_gate(&c->maps.v[vi + 1]) ?
			       &c->maps.v[vi + 1] : NULL;
	unsigned long last[4] = { ~0UL, ~0UL, ~0UL, ~0UL };
	int top = c->levels == 5 ? 4 : 3;
	long n = 0;

	for (int k = 0; k < c->pt.n; k++) {
		const struct run *r = &c->pt.r[k];
		unsigned long sz = lvpages[r->level] * PG, a;

		if (r->end <= v->start || r->start >= v->end)
			continue;
		a = r->start > v->start ? r->start : v->start;
		/*
		 * A pte entry lives in a pte table (level 0) and needs the
		 * tables above it; a pmd leaf starts at the pmd table (1),
		 * a pud leaf at the pud table (2).
		 */
		for (; a < r->end && a < v->end; a += sz) {
			for (int l = r->level; l < top; l++) {
				unsigned long span = 1UL << shift[l];
				unsigned long s = a & ~(span - 1);

				if (last[l] == s)
					continue;
				last[l] = s;
				/* sorted VMAs: only neighbours reach in */
				if ((pv && pv->end > s) ||
				    (nv && nv->start < s + span))
					continue;
				n++;
			}
		}
	}
	return n;
}

/* What one VMA adds up to, page by page. */
struct tally {
	long present, swap, dirty, young, runs, pmd, pud, zpmd;
	long prevpfn;
};

/* Flags a present leaf must (not) have in a VMA with these perms. */
static void check_leaf_flags(const struct vma *v, unsigned long a,
			     const struct pe *mm, struct check *ck)
{
	int acc = strcmp(v->perms, "---p") && strcmp(v->perms, "---s");
	unsigned int f = mm->flags;

	if (acc == !!(f & F_PROTNONE))
		cfail(ck, "%lx in %s VMA: protnone is %d", a, v->perms,
		      !!(f & F_PROTNONE));
	if (acc && (!(f & F_USER) || (f & F_GLOBAL)))
		cfail(ck, "%lx in %s VMA: user/global wrong (%x)", a, v->perms,
		      f);
	if (acc && !!(f & F_NX) == (v->perms[2] == 'x'))
		cfail(ck, "%lx in %s VMA: nx is %d", a, v->perms,
		      !!(f & F_NX));
	if ((f & F_RW) && v->perms[1] != 'w')
		cfail(ck, "%lx: rw in a %s VMA", a, v->perms);
	if ((f & F_ZERO) && (f & F_RW))
		cfail(ck, "%lx: zero page writable", a);
	if (!!(f & F_HUGE) != (mm->level != L_PTE))
		cfail(ck, "%lx: huge flag %d at level %s", a, !!(f & F_HUGE),
		      lvname[mm->level]);
	if (f & (F_UFFD_WP | F_DEVMAP))
		cfail(ck, "%lx: uffd-wp/devmap set", a);
}

/* One page of VMA vi: mmlens against the kernel, and the tallies. */
static void check_page(const struct ctx *c, const struct snap *s, int vi,
		       unsigned long a, struct check *ck, struct tally *t)
{
	const struct vma *v = &c->maps.v[vi];
	struct pe mm = pe_from_run(&c->pt, a), k;
	char ks[320], ms[320];
	int known;

	k = kernel_pe(c, s, vi, a, &known);
	if (known && !v->pfnmap && !pe_same(&mm, &k)) {
		pe_str(&k, ks, sizeof(ks));
		pe_str(&mm, ms, sizeof(ms));
		cfail(&ck[C_PFN], "%lx (%s): pagemap %s, mmlens %s", a,
		      v->name[0] ? v->name : "anon", ks, ms);
	}
	if (known && mm.kind == K_PRESENT) {
		/* pagemap ORs VM_SOFTDIRTY in: comparable only without it */
		if (!v->softdirty) {
			ck[C_SD].used = 1;
			if (!!(mm.flags & F_SOFT_DIRTY) != k.pmsd)
				cfail(&ck[C_SD], "%lx: pagemap soft-dirty %d, mmlens %d",
				      a, k.pmsd, !!(mm.flags & F_SOFT_DIRTY));
		}
		if (!!(mm.flags & F_UFFD_WP) != k.pmuffd)
			cfail(&ck[C_PFN], "%lx: pagemap uffd-wp %d, mmlens not",
			      a, k.pmuffd);
	}
	if (k.kind == K_PRESENT) {
		t->present++;
		if ((long)k.val != t->prevpfn + 1)
			t->runs++;
		t->prevpfn = k.val;
	} else {
		t->prevpfn = -2;
	}
	/* real swap devices; types from 27 up are migration and friends */
	if (k.kind == K_SWAP && k.type < 27)
		t->swap++;
	if (mm.kind != K_PRESENT)
		return;
	t->dirty += !!(mm.flags & F_DIRTY);
	t->young += !!(mm.flags & F_ACCESSED);
	if (mm.level == L_PMD && !((a >> 12) & 511)) {
		t->pmd++;
		t->zpmd += !!(mm.flags & F_ZERO);
	}
	if (mm.level == L_PUD && !((a >> 12) & 0x3ffff))
		t->pud++;
	check_leaf_flags(v, a, &mm, &ck[C_FLAGS]);
}

/*
 * The page after a: the next one, or in a big VMA the next sample or
 * page of a run (a jump breaks a pfn run).
 */
static unsigned long next_page(const struct ctx *c, const struct snap *s,
			       int vi, unsigned long a, struct tally *t)
{
	const struct vma *v = &c->maps.v[vi];
	const struct pmv *p = &s->v[vi];
	unsigned long nx = v->end;

	a += PG;
	if (!is_big(v) || a >= v->end || find_run(&c->pt, a) >= 0)
		return a;
	for (long q = 0; q < p->ns; q++)
		if (p->saddr[q] >= a) {
			nx = p->saddr[q];
			break;
		}
	for (int q = 0; q < c->pt.n; q++)
		if (c->pt.r[q].end > a) {
			if (c->pt.r[q].start < nx)
				nx = c->pt.r[q].start > a ? c->pt.r[q].start : a;
			break;
		}
	if (nx > a)
		t->prevpfn = -2;
	return nx > a ? nx : a;
}

/* The vmas line m of VMA vi against what its pages added up to. */
static void check_vma_totals(const struct ctx *c, int vi, const struct vma *m,
			     const struct tally *t, struct check *ck)
{
	const struct vma *v = &c->maps.v[vi];
	long ek = v->kps > 4 ? v->hugetlb / v->kps : 0;
	long epmd = (v->anonhuge + v->shmempmd + v->filepmd) / 2048;
	long epud = 0, lb;

	if (v->pfnmap) {
		ck[C_PFNMAP].used = 1;
		ck[C_PFNMAP].n += t->present;
		if (m->present != t->present)
			cfail(&ck[C_PFNMAP], "%lx-%lx %s: vmas present=%ld, its runs hold %ld",
			      v->start, v->end, v->name, m->present,
			      t->present);
	}
	if (m->present != t->present || m->swap != t->swap)
		cfail(&ck[C_CNT], "%lx-%lx %s: vmas present=%ld swap=%ld, pagemap %ld %ld",
		      v->start, v->end, v->name, m->present, m->swap,
		      t->present, t->swap);
	if (m->dirty != t->dirty || m->young != t->young)
		cfail(&ck[C_DY], "%lx-%lx %s: vmas dirty=%ld young=%ld, pagetable %ld %ld",
		      v->start, v->end, v->name, m->dirty, m->young, t->dirty,
		      t->young);
	if (m->runs != t->runs)
		cfail(&ck[C_NRUN], "%lx-%lx %s: vmas runs=%ld, pagemap %ld",
		      v->start, v->end, v->name, m->runs, t->runs);

	/* smaps leaves the huge zero page out of AnonHugePages */
	if (v->kps == 2048)
		epmd += ek;
	else if (v->kps == 1048576)
		epud = ek;
	if (m->pmd - t->zpmd != epmd || m->pud != epud || m->pmd != t->pmd ||
	    m->pud != t->pud)
		cfail(&ck[C_HUGE], "%lx-%lx %s: vmas pmd=%ld pud=%ld (huge zero %ld); smaps says pmd=%ld pud=%ld; pagetable %ld %ld",
		      v->start, v->end, v->name, m->pmd, m->pud, t->zpmd, epmd,
		      epud, t->pmd, t->pud);

	lb = tables_implied(c, vi);
	if (m->ptables < lb)
		cfail(&ck[C_PTLB], "%lx-%lx %s: vmas ptables=%ld < %ld implied",
		      v->start, v->end, v->name, m->ptables, lb);
	if (v->exact) {
		ck[C_PTEX].used = 1;
		if (m->ptables != lb)
			cfail(&ck[C_PTEX], "%lx-%lx %s: vmas ptables=%ld, expected %ld",
			      v->start, v->end, v->name, m->ptables, lb);
	}
}

static void check_counts(const struct ctx *c, const struct snap *s,
			 struct check *ck)
{
	static const int always[] = { C_PFN, C_CNT, C_HUGE, C_DY, C_NRUN,
				      C_PTLB, C_FLAGS };

	for (size_t j = 0; j < sizeof(always) / sizeof(always[0]); j++)
		ck[always[j]].used = 1;

	for (int vi = 0; vi < c->maps.n; vi++) {
		const struct vma *v = &c->maps.v[vi];
		const struct vma *m = NULL;
		struct tally t = { .prevpfn = -2 };

		if (is_gate(v))
			continue;
		for (int j = 0; j < c->mv.n; j++)
			if (c->mv.v[j].start == v->start &&
			    c->mv.v[j].end == v->end)
				m = &c->mv.v[j];
		if (!m) {
			cfail(&ck[C_CNT], "%lx-%lx %s: no such VMA in mmlens vmas",
			      v->start, v->end, v->name);
			continue;
		}
		for (unsigned long a = v->start; a < v->end;
		     a = next_page(c, s, vi, a, &t))
			check_page(c, s, vi, a, ck, &t);
		check_vma_totals(c, vi, m, &t, ck);
	}
}

static int count_fails(const struct check *ck)
{
	int n = 0;

	for (int i = 0; i < NCHECK; i++)
		n += ck[i].fails;
	return n;
}

static void free_state(struct ctx *c)
{
	free(c->maps.v);
	free(c->mv.v);
	free(c->pt.r);
	memset(&c->maps, 0, sizeof(c->maps));
	memset(&c->mv, 0, sizeof(c->mv));
	memset(&c->pt, 0, sizeof(c->pt));
	snap_free(&c->a);
	snap_free(&c->b);
}

static void mark_exact(struct ctx *c)
{
	char *p, *l, *copy;

	if (!c->scen)
		return;
	copy = strdup(c->scen);
	p = copy;
	while (copy && (l = next_line(&p))) {
		unsigned long s, e;
		int pid;

		if (sscanf(l, "exact %d %lx %lx", &pid, &s, &e) != 3 ||
		    pid != c->pid)
			continue;
		for (int i = 0; i < c->maps.n; i++)
			if (c->maps.v[i].start < e && c->maps.v[i].end > s)
				c->maps.v[i].exact = 1;
	}
	free(copy);
}

/*
 * Self-test of this checker: PT_CHECK_MUTATE=WHAT plants one error in
 * what mmlens said, and the shell expects the matching check to fail.
 */
static const char *mutation;

static void mutate(struct ctx *c)
{
	struct pt *pt = &c->pt;
	struct vmas *mv = &c->mv;
	int i, vi;

	if (!mutation)
		return;
	for (i = 0; i < pt->n; i++) {
		struct run *r = &pt->r[i];

		vi = find_vma(&c->maps, r->start);
		if (vi < 0 || c->maps.v[vi].pfnmap)
			continue;
		if (r->kind == K_PRESENT && !strcmp(mutation, "pfn")) {
			r->first++;
			return;
		}
		if (r->kind == K_SWAP && !strcmp(mutation, "swap")) {
			r->first++;
			return;
		}
		if (r->kind == K_PRESENT && !strcmp(mutation, "nx")) {
			r->flags ^= F_NX;
			return;
		}
		if (r->kind == K_PRESENT && !strcmp(mutation, "hole")) {
			memmove(r, r + 1, (pt->n - i - 1) * sizeof(*r));
			pt->n--;
			return;
		}
		if (!strcmp(mutation, "rw"))
			r->flags &= ~F_RW;
		if (r->kind == K_PRESENT && r->entries > 1 &&
		    !strcmp(mutation, "split")) {
			struct run *nr = realloc(pt->r, (pt->n + 1) * sizeof(*nr));

			if (!nr)
				return;
			pt->r = nr;
			r = &pt->r[i];
			memmove(r + 1, r, (pt->n - i) * sizeof(*r));
			pt->n++;
			r->entries = 1;
			r->end = r->start + lvpages[r->level] * PG;
			r[1].start = r->end;
			r[1].entries--;
			r[1].first += lvpages[r->level];
			return;
		}
	}
	/*
	 * No run of two or more entries to split (after a fragmenting
	 * workload, consecutive pages may all come from scattered frames):
	 * plant the same error the other way, by making two adjacent runs
	 * of one kind continue each other.
	 */
	for (i = 1; !strcmp(mutation, "split") && i < pt->n; i++) {
		struct run *q = &pt->r[i - 1], *r = &pt->r[i];

		if (q->end == r->start && q->level == r->level &&
		    q->kind == K_PRESENT && r->kind == K_PRESENT &&
		    find_vma(&c->maps, r->start) >= 0 &&
		    !c->maps.v[find_vma(&c->maps, r->start)].pfnmap) {
			r->flags = q->flags;
			r->type = q->type;
			r->first = q->first + q->entries * lvpages[q->level];
			return;
		}
	}
	for (i = 0; i < mv->n; i++) {
		struct vma *m = &mv->v[i];

		vi = find_vma(&c->maps, m->start);
		if (!strcmp(mutation, "ptables") && vi >= 0 &&
		    c->maps.v[vi].exact) {
			m->ptables++;
			return;
		}
		if (!strcmp(mutation, "runs") && m->runs) {
			m->runs++;
			return;
		}
		if (!strcmp(mutation, "present") && m->present) {
			m->present--;
			return;
		}
		if (!strcmp(mutation, "dirty") && m->dirty) {
			m->dirty++;
			return;
		}
		if (!strcmp(mutation, "pmd")) {
			m->pmd++;
			return;
		}
		if (!strcmp(mutation, "name")) {
			strcat(m->name, "x");
			return;
		}
		if (!strcmp(mutation, "pgoff")) {
			m->pgoff += PG;
			return;
		}
	}
}

/* One try: pagemap, mmlens, pagemap. Fills ck[] from the better side. */
static int one_try(struct ctx *c, struct check *ck)
{
	char path[64], *maps, *smaps, *mv, *pt;
	struct check cb[NCHECK];
	double t0;
	int fd, i;

	memset(ck, 0, NCHECK * sizeof(*ck));
	for (i = 0; i < NCHECK; i++)
		ck[i].name = cnames[i];
	free_state(c);

	snprintf(path, sizeof(path), "/proc/%d/maps", c->pid);
	maps = slurp(path);
	snprintf(path, sizeof(path), "/proc/%d/smaps", c->pid);
	smaps = slurp(path);
	if (!maps || !smaps || parse_maps(maps, &c->maps)) {
		cfail(&ck[C_MAPS], "cannot read /proc/%d/maps or smaps: %s",
		      c->pid, strerror(errno));
		free(maps);
		free(smaps);
		return -1;
	}
	parse_smaps(smaps, &c->maps);
	free(maps);
	free(smaps);
	mark_exact(c);

	snprintf(path, sizeof(path), "/proc/%d/pagemap", c->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || snap_read(fd, &c->maps, NULL, &c->a)) {
		cfail(&ck[C_PFN], "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	mv = mm_read("vmas", c->pid, NULL);
	if (!mv)
		cfail(&ck[C_MAPS], "reading mmlens vmas: %s", strerror(errno));
	t0 = now_ms();
	pt = mm_read("pagetable", c->pid, &c->pt_bytes);
	c->pt_ms = now_ms() - t0;
	if (!pt)
		cfail(&ck[C_HDR], "reading mmlens pagetable: %s",
		      strerror(errno));
	if (!mv || !pt) {
		free(mv);
		free(pt);
		close(fd);
		return -1;
	}
	if (parse_mm_vmas(mv, &c->mv))
		cfail(&ck[C_MAPS], "vmas: unparsable line");
	if (parse_pt(pt, &c->pt, &ck[C_WELL]) == 0) {
		ck[C_HDR].used = 1;
		if (c->pt.pid != c->pid || c->pt.levels != c->levels)
			cfail(&ck[C_HDR], "header pid=%d comm=%s levels=%d; expected pid=%d levels=%d",
			      c->pt.pid, c->pt.comm, c->pt.levels, c->pid,
			      c->levels);
	} else {
		cfail(&ck[C_HDR], "unparsable header");
	}
	free(mv);
	free(pt);
	if (snap_read(fd, &c->maps, &c->pt, &c->b) ||
	    snap_share_big(&c->a, &c->b)) {
		cfail(&ck[C_PFN], "cannot read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);

	mutate(c);
	check_well(c, &ck[C_WELL]);
	check_maps(c, &ck[C_MAPS]);
	memcpy(cb, ck, sizeof(cb));
	check_counts(c, &c->a, ck);
	if (count_fails(ck) == 0)
		return 0;
	check_counts(c, &c->b, cb);
	if (count_fails(cb) < count_fails(ck))
		memcpy(ck, cb, sizeof(cb));
	return count_fails(ck) ? -1 : 0;
}

/* --------------------------------------------------------------- vtop */

struct vt {
	int nlv;
	char lv[6][8];
	int idx[6];
	unsigned long ent[6];
	int folded[6];
	char last[128];
};

static int vtop_read(int pid, unsigned long a, struct vt *out, int *err)
{
	char req[64], *buf, *p, *l;
	int fd, n;

	memset(out, 0, sizeof(*out));
	*err = 0;
	fd = open(DIR_ "vtop", O_RDWR);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	n = snprintf(req, sizeof(req), "%d %lx", pid, a);
	if (write(fd, req, n) != n || lseek(fd, 0, SEEK_SET)) {
		*err = errno;
		close(fd);
		return -1;
	}
	buf = slurp_fd(fd, NULL);
	*err = buf ? 0 : errno;
	close(fd);
	if (!buf)
		return -1;
	p = buf;
	while ((l = next_line(&p))) {
		int i = out->nlv;

		if (i < 6 && sscanf(l, "%7s index=%d entry=%lx", out->lv[i],
				    &out->idx[i], &out->ent[i]) == 3) {
			out->nlv++;
		} else if (i < 6 && !strcmp(l, "p4d folded")) {
			snprintf(out->lv[i], sizeof(out->lv[i]), "p4d");
			out->folded[i] = 1;
			out->nlv++;
		} else {
			snprintf(out->last, sizeof(out->last), "%s", l);
		}
	}
	free(buf);
	if (mutation && !strcmp(mutation, "vtop") &&
	    !strncmp(out->last, "pfn=", 4))
		out->last[4] = out->last[4] == '1' ? '2' : '1';
	return 0;
}

static int lvl_of(const char *s)
{
	static const char *const n[] = { "pte", "pmd", "pud", "p4d", "pgd" };

	for (int i = 0; i < 5; i++)
		if (!strcmp(s, n[i]))
			return i;
	return -1;
}

/*
 * Check one vtop answer against the expected page state k (from pagemap,
 * or from runs for pfnmap) and mmlens's run level. Returns 0 when right.
 */
static int vtop_judge(const struct ctx *c, unsigned long a, const struct vt *t,
		      const struct pe *k, int mapped, int runlevel,
		      char *why, size_t wl)
{
	static const char *const order[] = { "pgd", "p4d", "pud", "pmd",
					     "pte" };
	static const int shifts[] = { 0, 39, 30, 21, 12 };
	unsigned long pfn, paddr, off;
	unsigned int ty;
	char lvl[16];
	int i;

	if (!mapped) {
		if (t->nlv || strcmp(t->last, "not-mapped")) {
			snprintf(why, wl, "want not-mapped, got %d levels, '%s'",
				 t->nlv, t->last);
			return -1;
		}
		return 0;
	}
	for (i = 0; i < t->nlv; i++) {
		int sh = i ? shifts[i] : (c->levels == 5 ? 48 : 39);

		if (strcmp(t->lv[i], order[i])) {
			snprintf(why, wl, "level line %d is %s, want %s", i,
				 t->lv[i], order[i]);
			return -1;
		}
		if (i == 1 && t->folded[i] != (c->levels == 4)) {
			snprintf(why, wl, "p4d folded=%d with %d levels",
				 t->folded[i], c->levels);
			return -1;
		}
		if (!t->folded[i] && t->idx[i] != (int)((a >> sh) & 511)) {
			snprintf(why, wl, "%s index=%d, want %lu", t->lv[i],
				 t->idx[i], (a >> sh) & 511);
			return -1;
		}
	}
	if (k->kind == K_PRESENT) {
		int leaf = t->nlv - 1;
		unsigned long mask = 0x000ffffffffff000UL, e;

		if (sscanf(t->last, "pfn=%lx paddr=%lx", &pfn, &paddr) != 2) {
			snprintf(why, wl, "want pfn=%lx, got '%s'", k->val,
				 t->last);
			return -1;
		}
		if (paddr >> 12 != k->val || pfn != k->val ||
		    (paddr & 0xfff) != (a & 0xfff)) {
			snprintf(why, wl, "want pfn=%lx paddr=%lx, got '%s'",
				 k->val, (k->val << 12) | (a & 0xfff), t->last);
			return -1;
		}
		if (leaf < 2 || (runlevel >= 0 &&
				 lvl_of(t->lv[leaf]) != runlevel)) {
			snprintf(why, wl, "leaf at %s, pagetable says %s",
				 leaf >= 0 ? t->lv[leaf] : "none",
				 runlevel >= 0 ? lvname[runlevel] : "?");
			return -1;
		}
		e = t->ent[leaf];
		/* x86 inverts the pfn of a PROT_NONE leaf (L1TF) */
		if (!(e & 1))
			e = ~e;
		if (!strcmp(t->lv[leaf], "pmd"))
			mask = 0x000fffffffe00000UL;
		else if (!strcmp(t->lv[leaf], "pud"))
			mask = 0x000fffffc0000000UL;
		if (((e & mask) >> 12) != (k->val & ~((~mask >> 12) & 0x3ffff))) {
			snprintf(why, wl, "leaf %s entry=%lx does not hold pfn %lx",
				 t->lv[leaf], e, k->val);
			return -1;
		}
		for (i = 0; i < leaf; i++)
			if (!t->folded[i] && !(t->ent[i] & 1)) {
				snprintf(why, wl, "%s entry=%lx not present above the leaf",
					 t->lv[i], t->ent[i]);
				return -1;
			}
		return 0;
	}
	if (k->kind == K_SWAP) {
		if (sscanf(t->last, "swap type=%u offset=%lx", &ty, &off) != 2 ||
		    ty != k->type || off != k->val) {
			snprintf(why, wl, "want swap type=%u offset=%lx, got '%s'",
				 k->type, k->val, t->last);
			return -1;
		}
		return 0;
	}
	if (sscanf(t->last, "not-present at %15s", lvl) != 1 || !t->nlv ||
	    strcmp(lvl, t->lv[t->nlv - 1]) || (t->ent[t->nlv - 1] & 1)) {
		snprintf(why, wl, "want not-present at the last level, got '%s' after %d levels (last %s entry=%lx)",
			 t->last, t->nlv, t->nlv ? t->lv[t->nlv - 1] : "-",
			 t->nlv ? t->ent[t->nlv - 1] : 0);
		return -1;
	}
	return 0;
}

static int pm_one(int fd, unsigned long a, uint64_t *v)
{
	return pm_pread(fd, a & ~(PG - 1), v, 1);
}

static void add_sample(unsigned long **s, int *n, unsigned long a)
{
	unsigned long *ns = realloc(*s, (*n + 1) * sizeof(**s));

	if (!ns)
		return;
	*s = ns;
	(*s)[(*n)++] = a;
}

static void check_vtop(struct ctx *c)
{
	struct check ck = { .name = "vtop == pagemap for sampled addresses",
			    .used = 1 };
	unsigned long *s = NULL, prev_end = 0;
	int n = 0, gaps = 0, fd, i, nmapped = 0;
	char path[64], *p, *l, *copy;

	/* Scenario pages first: they carry byte offsets and huge leaves. */
	copy = c->scen ? strdup(c->scen) : NULL;
	p = copy;
	while (copy && (l = next_line(&p))) {
		unsigned long a;
		int pid;

		if (sscanf(l, "page %d %lx", &pid, &a) == 2 && pid == c->pid)
			add_sample(&s, &n, a);
	}
	free(copy);
	for (i = 0; i < c->maps.n; i++) {
		const struct vma *v = &c->maps.v[i];
		unsigned long first = 0, last = 0, mid = 0, sw = 0, hole = 0;
		long np = 0;

		if (is_gate(v))
			continue;
		if (v->start > prev_end && gaps < 6) {
			add_sample(&s, &n, prev_end ? prev_end : 0x1000);
			add_sample(&s, &n, v->start - 1);
			gaps++;
		}
		prev_end = v->end;
		for (int k = 0; k < c->pt.n; k++) {
			const struct run *r = &c->pt.r[k];

			if (r->end <= v->start || r->start >= v->end)
				continue;
			if (r->kind == K_PRESENT) {
				unsigned long a0 = r->start > v->start ?
						   r->start : v->start;
				unsigned long a1 = (r->end < v->end ?
						    r->end : v->end) - PG;

				if (!first)
					first = a0;
				last = a1;
				if (np++ == 3)
					mid = a0 + (a1 - a0) / 2;
			} else if (r->kind == K_SWAP && !sw) {
				sw = r->start > v->start ? r->start : v->start;
			}
		}
		for (unsigned long a = v->start; a < v->end && !hole;
		     a += is_big(v) ? (v->end - v->start) / 7 : PG)
			if (find_run(&c->pt, a) < 0)
				hole = a;
		if (first)
			add_sample(&s, &n, first + 0x10);
		if (last && last != first)
			add_sample(&s, &n, last + 0xff8);
		if (mid)
			add_sample(&s, &n, mid + 0x800);
		if (sw)
			add_sample(&s, &n, sw);
		if (hole)
			add_sample(&s, &n, hole);
	}
	add_sample(&s, &n, prev_end);
	add_sample(&s, &n, 0x800000000000UL);
	add_sample(&s, &n, 0xffff888000000000UL);
	add_sample(&s, &n, 0xfffffffffffff000UL);

	snprintf(path, sizeof(path), "/proc/%d/pagemap", c->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		cfail(&ck, "open %s: %s", path, strerror(errno));
		cprint(&ck, c->label);
		free(s);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned long a = s[i];
		int vi = find_vma(&c->maps, a), ri = find_run(&c->pt, a), err;
		int mapped = vi >= 0 && !is_gate(&c->maps.v[vi]);
		char why[256] = "", why2[256] = "";
		struct vt t;
		struct pe k1 = { .kind = -1 }, k2 = { .kind = -1 };
		uint64_t v1 = 0, v2 = 0;
		int rl = ri >= 0 ? c->pt.r[ri].level : -1;

		if (mapped && !c->maps.v[vi].pfnmap && pm_one(fd, a, &v1)) {
			cfail(&ck, "%lx: pagemap read failed", a);
			continue;
		}
		if (vtop_read(c->pid, a, &t, &err)) {
			cfail(&ck, "%lx: vtop failed: %s", a, strerror(err));
			continue;
		}
		if (mapped && !c->maps.v[vi].pfnmap && pm_one(fd, a, &v2)) {
			cfail(&ck, "%lx: pagemap read failed", a);
			continue;
		}
		if (mapped && c->maps.v[vi].pfnmap) {
			k1 = pe_from_run(&c->pt, a);
			k2 = k1;
		} else {
			k1 = pe_from_pagemap(v1);
			k2 = pe_from_pagemap(v2);
		}
		nmapped += mapped;
		if (vtop_judge(c, a, &t, &k1, mapped, rl, why, sizeof(why)) &&
		    vtop_judge(c, a, &t, &k2, mapped, rl, why2, sizeof(why2)))
			cfail(&ck, "%lx: %s", a, why);
	}
	close(fd);
	diag("%s: vtop checked %d addresses (%d inside VMAs)", c->label, n,
	     nmapped);
	cprint(&ck, c->label);
	free(s);
}

/* --------------------------------------------------- scenario checks */

static int want_ok(const char *w, const struct pe *m, const struct pe *k,
		   char *why, size_t wl)
{
	unsigned int f = m->flags;
	int pres = m->kind == K_PRESENT && k->kind == K_PRESENT;
	int ok;

	if (!strcmp(w, "rw-dirty"))
		ok = pres && m->level == L_PTE && (f & F_RW) && (f & F_DIRTY) &&
		     (f & F_ACCESSED) && !(f & F_ZERO);
	else if (!strcmp(w, "ro"))
		ok = pres && !(f & F_RW);
	else if (!strcmp(w, "present"))
		ok = pres;
	else if (!strcmp(w, "zero"))
		ok = pres && m->level == L_PTE && (f & F_ZERO) && !(f & F_RW);
	else if (!strcmp(w, "zero-pmd"))
		ok = pres && m->level == L_PMD && (f & F_ZERO) && (f & F_HUGE);
	else if (!strcmp(w, "huge-pmd"))
		ok = pres && m->level == L_PMD && (f & F_HUGE) && !(f & F_ZERO);
	else if (!strcmp(w, "huge-pud"))
		ok = pres && m->level == L_PUD && (f & F_HUGE);
	else if (!strcmp(w, "swap"))
		ok = m->kind == K_SWAP && k->kind == K_SWAP;
	else if (!strcmp(w, "none"))
		ok = m->kind < 0 && k->kind < 0;
	else if (!strcmp(w, "sd"))
		ok = pres && (f & F_SOFT_DIRTY);
	else if (!strcmp(w, "nosd"))
		ok = pres && !(f & F_SOFT_DIRTY);
	else if (!strcmp(w, "protnone"))
		ok = pres && (f & F_PROTNONE) && !(f & F_RW);
	else
		ok = 0;
	if (!ok) {
		char ms[320];

		pe_str(m, ms, sizeof(ms));
		snprintf(why, wl, "want %s: mmlens %s %s, pagemap %s",
			 w, m->kind >= 0 ? lvname[m->level] : "", ms,
			 k->kind == K_PRESENT ? "present" :
			 k->kind == K_SWAP ? "swap" : "hole");
	}
	return ok;
}

static struct pe pm_pe(int pid, unsigned long a)
{
	char path[64];
	uint64_t v = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		if (pm_one(fd, a, &v))
			v = 0;
		close(fd);
	}
	return pe_from_pagemap(v);
}

/* "same"/"differ" lines; pair: those between two pids, else within pid */
static void check_relations(const char *scen, int pid, const struct pt *p1,
			    const struct pt *p2, struct check *ck)
{
	char *copy = strdup(scen), *p = copy, *l;

	while (copy && (l = next_line(&p))) {
		char rel[16];
		int a, b;
		unsigned long x, y;
		const struct pt *px, *py;
		struct pe mx, my, kx, ky;
		int eq;

		if (sscanf(l, "%15s %d %lx %d %lx", rel, &a, &x, &b, &y) != 5 ||
		    (strcmp(rel, "same") && strcmp(rel, "differ")))
			continue;
		if (pid ? (a != pid || b != pid) : a == b)
			continue;
		px = p1->pid == a ? p1 : p2;
		py = p1->pid == b ? p1 : p2;
		ck->used = 1;
		mx = pe_from_run(px, x);
		my = pe_from_run(py, y);
		kx = pm_pe(a, x);
		ky = pm_pe(b, y);
		if (mx.kind != K_PRESENT || my.kind != K_PRESENT ||
		    !pe_same(&mx, &kx) || !pe_same(&my, &ky)) {
			cfail(ck, "%s: not both present and == pagemap (mmlens %lx %lx, pagemap %lx %lx)",
			      l, mx.val, my.val, kx.val, ky.val);
			continue;
		}
		eq = mx.val == my.val;
		if (eq != !strcmp(rel, "same"))
			cfail(ck, "%s: pfns %lx and %lx", l, mx.val, my.val);
	}
	free(copy);
}

static void check_scen(struct ctx *c)
{
	struct check ck = { .name = "scenario pages as built" };
	struct check cr = { .name = "same/different frames as built" };
	char *copy, *p, *l;
	int tries, pages = 0;

	if (!c->scen)
		return;
	copy = strdup(c->scen);
	p = copy;
	while (copy && (l = next_line(&p))) {
		char name[64];
		int off = 0;

		if (sscanf(l, "skipcheck %63s %n", name, &off) == 1) {
			char what[96];

			snprintf(what, sizeof(what), "scenario pages (%s)", name);
			skip(c->label, what, l + off);
		}
	}
	free(copy);

	for (tries = 0; tries < TRIES; tries++) {
		memset(ck.msg, 0, sizeof(ck.msg));
		ck.len = 0;
		ck.fails = 0;
		pages = 0;
		copy = strdup(c->scen);
		p = copy;
		while (copy && (l = next_line(&p))) {
			char wants[64], *w, *save, why[1024];
			unsigned long a;
			int pid;
			struct pe m, k;

			if (sscanf(l, "comm %d %63s", &pid, wants) == 2 &&
			    pid == c->pid) {
				ck.used = 1;
				if (strcmp(c->pt.comm, wants))
					cfail(&ck, "header comm=%s, want %s",
					      c->pt.comm, wants);
				continue;
			}
			if (sscanf(l, "page %d %lx %63s", &pid, &a, wants) != 3 ||
			    pid != c->pid)
				continue;
			a &= ~(PG - 1);
			ck.used = 1;
			pages++;
			m = pe_from_run(&c->pt, a);
			k = pm_pe(c->pid, a);
			for (w = strtok_r(wants, ",", &save); w;
			     w = strtok_r(NULL, ",", &save))
				if (!want_ok(w, &m, &k, why, sizeof(why)))
					cfail(&ck, "%lx %s", a, why);
		}
		free(copy);
		if (!ck.fails)
			break;
		usleep(100000);
	}
	if (ck.used)
		diag("%s: %d scenario pages checked", c->label, pages);
	cprint(&ck, c->label);
	check_relations(c->scen, c->pid, &c->pt, &c->pt, &cr);
	cprint(&cr, c->label);
}

/* --------------------------------------------------------------- main */

static int do_full(const char *label, int pid, int levels, const char *scen)
{
	struct ctx c = { .label = label, .pid = pid, .levels = levels };
	struct check ck[NCHECK];
	int t;

	if (scen) {
		c.scen = slurp(scen);
		if (!c.scen) {
			printf("not ok %s: read %s\n", label, scen);
			return 1;
		}
	}
	mutation = getenv("PT_CHECK_MUTATE");
	for (t = 0; t < (mutation ? 1 : TRIES); t++) {
		if (one_try(&c, ck) == 0)
			break;
		usleep(100000);
	}
	if (t)
		diag("%s: %s after %d tries", label,
		     t < TRIES ? "agreed" : "still differs", t + (t < TRIES));
	diag("%s: %d VMAs, %d runs, pagetable %lu bytes read in %.1f ms",
	     label, c.maps.n, c.pt.n, c.pt_bytes, c.pt_ms);
	for (int i = 0; i < NCHECK; i++) {
		if (i == C_PFNMAP && ck[i].used && !ck[i].n && !ck[i].fails) {
			skip(label, cnames[i], "no present page in a pfnmap VMA");
			continue;
		}
		cprint(&ck[i], label);
	}
	for (int i = 0; i < c.maps.n && i < c.mv.n; i++)
		if (c.maps.v[i].exact && c.mv.v[i].start == c.maps.v[i].start)
			diag("%s: %lx-%lx %s: present=%ld swap=%ld pmd=%ld pud=%ld runs=%ld ptables=%ld",
			     label, c.mv.v[i].start, c.mv.v[i].end,
			     c.mv.v[i].perms, c.mv.v[i].present, c.mv.v[i].swap,
			     c.mv.v[i].pmd, c.mv.v[i].pud, c.mv.v[i].runs,
			     c.mv.v[i].ptables);
	if (c.pt.n || c.maps.n) {
		check_vtop(&c);
		check_scen(&c);
	}
	free_state(&c);
	free(c.scen);
	return failures ? 1 : 0;
}

static int do_pair(const char *label, const char *scen)
{
	struct check ck = { .name = "same/different frames across fork" };
	struct pt p[2] = { { 0 } };
	struct check dummy = { 0 };
	char *s = slurp(scen), *q, *l, *buf;
	int pids[2] = { 0, 0 }, i;

	if (!s) {
		printf("not ok %s: read %s\n", label, scen);
		return 1;
	}
	q = strdup(s);
	buf = q;
	while (q && (l = next_line(&buf))) {
		if (sscanf(l, "pid %d", &pids[0]) != 1)
			(void)sscanf(l, "child %d", &pids[1]);
	}
	free(q);
	for (i = 0; i < 2; i++) {
		char *t = mm_read("pagetable", pids[i], NULL);

		if (!t || parse_pt(t, &p[i], &dummy)) {
			printf("not ok %s: %s (pagetable of %d: %s)\n", label,
			       ck.name, pids[i], strerror(errno));
			free(t);
			return 1;
		}
		free(t);
	}
	check_relations(s, 0, &p[0], &p[1], &ck);
	if (!ck.used)
		skip(label, ck.name, "no cross-process lines in the scenario");
	else
		cprint(&ck, label);
	free(p[0].r);
	free(p[1].r);
	free(s);
	return failures ? 1 : 0;
}

static int do_time(const char *label, int pid)
{
	char path[64], *maps;
	struct vmas vs = { 0 };
	size_t len;
	double t0, tv, tp, tm;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	maps = slurp(path);
	if (!maps || parse_maps(maps, &vs)) {
		printf("not ok %s: read %s\n", label, path);
		return 1;
	}
	free(maps);
	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY);
	for (int round = 0; round < 3 && fd >= 0; round++) {
		unsigned long bytes = 0, vb, pb;
		char *b;

		t0 = now_ms();
		b = mm_read("vmas", pid, &len);
		tv = now_ms() - t0;
		free(b);
		vb = len;
		t0 = now_ms();
		b = mm_read("pagetable", pid, &len);
		tp = now_ms() - t0;
		free(b);
		pb = len;
		t0 = now_ms();
		for (int i = 0; i < vs.n; i++) {
			const struct vma *v = &vs.v[i];
			long np = (v->end - v->start) / PG;
			uint64_t *buf;

			if (is_gate(v) || is_big(v))
				continue;
			buf = malloc(np * 8);
			if (buf && !pm_pread(fd, v->start, buf, np))
				bytes += np * 8;
			free(buf);
		}
		tm = now_ms() - t0;
		diag("%s: round %d: vmas %.1f ms (%lu B), pagetable %.1f ms (%lu B), pagemap of the same VMAs %.1f ms (%lu B)",
		     label, round, tv, vb, tp, pb, tm, bytes);
	}
	if (fd >= 0)
		close(fd);
	free(vs.v);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "full"))
		return do_full(argv[2], atoi(argv[3]), atoi(argv[4]),
			       argc > 5 ? argv[5] : NULL);
	if (argc == 4 && !strcmp(argv[1], "pair"))
		return do_pair(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "time"))
		return do_time(argv[2], atoi(argv[3]));
	fprintf(stderr, "usage: pt_check full LABEL PID LEVELS [SCENFILE] | pair LABEL SCENFILE | time LABEL PID\n");
	return 2;
}
