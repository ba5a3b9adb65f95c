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
 * reading them), to show that the checks catch it (pt_mutate.c).
 *
 * mmlens's files are parsed by ../parse.c, as the tool parses them; the
 * kernel's by pt_oracle.c; result lines come from tap.c.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pt_check.h"
#include "pt_mutate.h"
#include "tap.h"

#define DIR_ "/sys/kernel/debug/mmlens/"
#define TRIES 6

const char *const kinds[K_NKINDS] = {
	"present", "swap", "migration", "marker", "device-private", "hwpoison",
};

const char *const lvname[L_NLEVELS] = { "pte", "pmd", "pud" };
const unsigned long lvpages[L_NLEVELS] = { 1, 512, 512 * 512 };

const char *const flagnames[NFLAGNAMES] = {
	"rw", "user", "pwt", "pcd", "accessed", "dirty", "huge", "pat",
	"global", "special", "uffd-wp", "soft-dirty", "devmap", "nx", "zero",
	"saved-dirty", "protnone",
};

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

/* --------------------------------------------------------- pagetable */

static int flag_bit(const char *name)
{
	for (int i = 0; i < NFLAGNAMES; i++)
		if (!strcmp(name, flagnames[i]))
			return i;
	return -1;
}

/* parse.c's flags (its table, then the others) as flagnames bits. */
static int run_flags(const struct pt_run *pr, unsigned int *out)
{
	char buf[256], *tok, *save;
	int b;

	*out = 0;
	for (int i = 0; i < PTF_NFLAGS; i++) {
		if (!(pr->flags & (1u << i)))
			continue;
		b = flag_bit(pt_flag_names[i]);
		if (b < 0)
			return -1;
		*out |= 1u << b;
	}
	if (!pr->other_flags)
		return 0;
	snprintf(buf, sizeof(buf), "%s", pr->other_flags);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		b = flag_bit(tok);
		if (b < 0)
			return -1;
		*out |= 1u << b;
	}
	return 0;
}

static void flags_str(unsigned int f, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = 0;
	for (i = 0; i < NFLAGNAMES; i++)
		if (f & (1u << i))
			n += snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      flagnames[i]);
	if (!n)
		snprintf(buf, len, "-");
}

/*
 * One run of parse_pagetable() in pt_check's terms: known level and kind,
 * the fields its kind needs, known flag names. -1 (and a line in c) if not.
 */
static int run_from(const struct pt_run *pr, struct run *r, struct check *c)
{
	char l[160];
	int i;

	snprintf(l, sizeof(l), "%lx-%lx %s %lu %s%s%s", pr->start, pr->end,
		 pt_level_name(pr->level), pr->entries, pr->kind,
		 pr->extra ? " " : "", pr->extra ? pr->extra : "");
	memset(r, 0, sizeof(*r));
	r->start = pr->start;
	r->end = pr->end;
	r->entries = pr->entries;
	/* the tool's levels count top down (MMLENS_PTE last), ours up */
	r->level = MMLENS_PTE - (int)pr->level;
	if (r->level < 0 || r->level > L_NLEVELS)
		r->level = L_NLEVELS;
	for (i = 0; i < K_NKINDS && strcmp(pr->kind, kinds[i]); i++)
		;
	r->kind = i;
	if (r->level == L_NLEVELS || r->kind == K_NKINDS) {
		cfail(c, "unknown level/kind: %s", l);
		return -1;
	}
	if (r->kind == K_PRESENT) {
		if (!pr->has_pfn || !pr->has_flags ||
		    run_flags(pr, &r->flags)) {
			cfail(c, "bad present line: %s (flags %s)", l,
			      pr->other_flags ? pr->other_flags : "");
			return -1;
		}
		r->first = pr->pfn;
	} else if (r->kind == K_SWAP) {
		if (!pr->has_type || !pr->has_offset || pr->type > ~0u) {
			cfail(c, "bad swap line: %s", l);
			return -1;
		}
		r->type = pr->type;
		r->first = pr->offset;
	} else if (r->kind != K_MARKER) {
		if (!pr->has_pfn) {
			cfail(c, "bad line: %s", l);
			return -1;
		}
		r->first = pr->pfn;
	}
	return 0;
}

/*
 * mmlens's pagetable through parse_pagetable(): -1 without a header
 * ("# pid=... comm=... levels=..." first); a malformed run goes to c
 * (well-formedness), as does a line parse.c refused (it stops there).
 */
static int pt_parse(const char *buf, size_t len, struct pt *pt,
		    struct check *c)
{
	struct pt_report rep;
	struct parse_err e = { 0 };
	int bad = parse_pagetable(buf, len, &rep, &e);

	if (bad && e.line <= 1) {
		cfail(c, "bad header: line %u: %s", e.line, e.msg);
		pt_report_free(&rep);
		return -1;
	}
	if (!len || buf[0] != '#' || rep.pid < 0 || !rep.levels ||
	    !rep.has_comm) {
		cfail(c, "bad header: %.*s", (int)strcspn(buf, "\n"), buf);
		pt_report_free(&rep);
		return -1;
	}
	if (bad)
		cfail(c, "bad line %u: %s", e.line, e.msg);
	pt->pid = rep.pid;
	pt->levels = rep.levels;
	snprintf(pt->comm, sizeof(pt->comm), "%s", rep.comm);
	pt->r = calloc(rep.n ? rep.n : 1, sizeof(*pt->r));
	if (!pt->r) {
		pt_report_free(&rep);
		return -1;
	}
	for (size_t i = 0; i < rep.n; i++)
		if (!run_from(&rep.r[i], &pt->r[pt->n], c))
			pt->n++;
	pt_report_free(&rep);
	return 0;
}

RANGE_FIRST(struct run);

int find_run(const struct pt *pt, unsigned long a)
{
	return find_range(pt->r, pt->n, sizeof(*pt->r), a);
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

/* ------------------------------------------------- the whole picture */

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
	int i = 0;
	size_t j = 0;

	ck->used = 1;
	while (i < c->maps.n || j < c->mv.n) {
		const struct vma *k = i < c->maps.n ? &c->maps.v[i] : NULL;
		const struct vma_info *m = j < c->mv.n ? &c->mv.v[j] : NULL;

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
static void check_vma_totals(const struct ctx *c, int vi,
			     const struct vma_info *mi, const struct tally *t,
			     struct check *ck)
{
	/* the counters, as the signed numbers they are compared with */
	const struct {
		long present, swap, pmd, pud, dirty, young, runs, ptables;
	} mc = {
		(long)mi->present, (long)mi->swap, (long)mi->pmd,
		(long)mi->pud, (long)mi->dirty, (long)mi->young,
		(long)mi->runs, (long)mi->ptables,
	}, *m = &mc;
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
		const struct vma_info *m = NULL;
		struct tally t = { .prevpfn = -2 };

		if (is_gate(v))
			continue;
		for (size_t j = 0; j < c->mv.n; j++)
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
	vmas_free(&c->maps);
	vma_list_free(&c->mv);
	free(c->pt.r);
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

/* mmlens's runs, as spans the pagemap snapshot must hold. */
static struct span *run_spans(const struct pt *pt)
{
	struct span *sp = calloc(pt->n ? pt->n : 1, sizeof(*sp));

	for (int i = 0; sp && i < pt->n; i++) {
		sp[i].start = pt->r[i].start;
		sp[i].end = pt->r[i].end;
	}
	return sp;
}

/* mmlens's vmas through parse_vmas(); names trimmed as maps's are. */
static int mv_parse(const char *buf, size_t len, struct vma_list *mv,
		    struct parse_err *e)
{
	int ret = parse_vmas(buf, len, mv, e);

	for (size_t i = 0; i < mv->n; i++) {
		char *n = mv->v[i].name;
		size_t l = strlen(n);

		while (l && (n[l - 1] == ' ' || n[l - 1] == '\t'))
			n[--l] = 0;
	}
	return ret;
}

/* One try: pagemap, mmlens, pagemap. Fills ck[] from the better side. */
static int one_try(struct ctx *c, struct check *ck)
{
	char path[64], *mv, *pt;
	struct check cb[NCHECK];
	struct parse_err pe = { 0 };
	struct span *sp;
	size_t mvlen = 0;
	double t0;
	int fd, i, bad;

	memset(ck, 0, NCHECK * sizeof(*ck));
	for (i = 0; i < NCHECK; i++)
		ck[i].name = cnames[i];
	free_state(c);

	if (maps_read(c->pid, 1, &c->maps)) {
		cfail(&ck[C_MAPS], "cannot read /proc/%d/maps or smaps: %s",
		      c->pid, strerror(errno));
		return -1;
	}
	mark_exact(c);

	snprintf(path, sizeof(path), "/proc/%d/pagemap", c->pid);
	fd = open(path, O_RDONLY);
	if (fd < 0 || snap_read(fd, &c->maps, NULL, 0, &c->a)) {
		cfail(&ck[C_PFN], "cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	mv = mm_read("vmas", c->pid, &mvlen);
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
	if (mv_parse(mv, mvlen, &c->mv, &pe))
		cfail(&ck[C_MAPS], "vmas: unparsable line %u: %s", pe.line,
		      pe.msg);
	if (pt_parse(pt, c->pt_bytes, &c->pt, &ck[C_WELL]) == 0) {
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
	sp = run_spans(&c->pt);
	bad = !sp || snap_read(fd, &c->maps, sp, c->pt.n, &c->b) ||
	      snap_share_big(&c->a, &c->b);
	free(sp);
	if (bad) {
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

/* One vtop answer about pid's address a, through parse_vtop(). */
static int vtop_read(int pid, unsigned long a, struct vtop_report *out,
		     int *err, struct parse_err *pe)
{
	char req[64], *buf;
	size_t len = 0;
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
	buf = slurp_fd(fd, &len);
	*err = buf ? 0 : errno;
	close(fd);
	if (!buf)
		return -1;
	n = parse_vtop(buf, len, out, pe);
	free(buf);
	if (n)
		return -2;
	mutate_vtop(out);
	return 0;
}

/* The outcome line as read, for messages. */
static void vt_outcome(const struct vtop_report *t, char *buf, size_t len)
{
	size_t n;

	if (!strcmp(t->kind, "not-present")) {
		snprintf(buf, len, "not-present at %s", t->at_level);
		return;
	}
	n = snprintf(buf, len, "%s", strcmp(t->kind, "present") ? t->kind : "");
	if (t->has_pfn && n < len)
		n += snprintf(buf + n, len - n, "%spfn=%lx", n ? " " : "",
			      t->pfn);
	if (t->has_paddr && n < len)
		n += snprintf(buf + n, len - n, " paddr=%lx", t->paddr);
	if (t->has_type && n < len)
		n += snprintf(buf + n, len - n, " type=%lu", t->type);
	if (t->has_offset && n < len)
		n += snprintf(buf + n, len - n, " offset=%lx", t->offset);
	if (t->detail[0] && n < len)
		snprintf(buf + n, len - n, " %.100s", t->detail);
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
static int vtop_judge(const struct ctx *c, unsigned long a,
		      const struct vtop_report *t, const struct pe *k,
		      int mapped, int runlevel, char *why, size_t wl)
{
	static const char *const order[] = { "pgd", "p4d", "pud", "pmd",
					     "pte" };
	static const int shifts[] = { 0, 39, 30, 21, 12 };
	char last[128];
	int i;

	vt_outcome(t, last, sizeof(last));
	if (!mapped) {
		if (t->nlevels || strcmp(t->kind, "not-mapped") ||
		    t->detail[0]) {
			snprintf(why, wl, "want not-mapped, got %d levels, '%s'",
				 t->nlevels, last);
			return -1;
		}
		return 0;
	}
	for (i = 0; i < t->nlevels; i++) {
		const struct vtop_level *lv = &t->lv[i];
		int sh = i ? shifts[i] : (c->levels == 5 ? 48 : 39);

		if (i >= 5 || strcmp(lv->level, order[i])) {
			snprintf(why, wl, "level line %d is %s, want %s", i,
				 lv->level, i < 5 ? order[i] : "none");
			return -1;
		}
		/* "p4d folded", or "LEVEL index=I entry=E [flags]" */
		if (lv->folded ? lv->has_index || lv->has_entry || i != 1 :
				 !lv->has_index || !lv->has_entry) {
			snprintf(why, wl, "bad %s line (folded=%d index %d entry %d)",
				 lv->level, lv->folded, lv->has_index,
				 lv->has_entry);
			return -1;
		}
		if (i == 1 && lv->folded != (c->levels == 4)) {
			snprintf(why, wl, "p4d folded=%d with %d levels",
				 lv->folded, c->levels);
			return -1;
		}
		if (!lv->folded && lv->index != ((a >> sh) & 511)) {
			snprintf(why, wl, "%s index=%lu, want %lu", lv->level,
				 lv->index, (a >> sh) & 511);
			return -1;
		}
	}
	if (k->kind == K_PRESENT) {
		int leaf = t->nlevels - 1;
		unsigned long mask = 0x000ffffffffff000UL, e;

		if (strcmp(t->kind, "present") || !t->has_pfn ||
		    !t->has_paddr) {
			snprintf(why, wl, "want pfn=%lx, got '%s'", k->val,
				 last);
			return -1;
		}
		if (t->paddr >> 12 != k->val || t->pfn != k->val ||
		    (t->paddr & 0xfff) != (a & 0xfff)) {
			snprintf(why, wl, "want pfn=%lx paddr=%lx, got '%s'",
				 k->val, (k->val << 12) | (a & 0xfff), last);
			return -1;
		}
		if (leaf < 2 || (runlevel >= 0 &&
				 lvl_of(t->lv[leaf].level) != runlevel)) {
			snprintf(why, wl, "leaf at %s, pagetable says %s",
				 leaf >= 0 ? t->lv[leaf].level : "none",
				 runlevel >= 0 ? lvname[runlevel] : "?");
			return -1;
		}
		e = t->lv[leaf].entry;
		/* x86 inverts the pfn of a PROT_NONE leaf (L1TF) */
		if (!(e & 1))
			e = ~e;
		if (!strcmp(t->lv[leaf].level, "pmd"))
			mask = 0x000fffffffe00000UL;
		else if (!strcmp(t->lv[leaf].level, "pud"))
			mask = 0x000fffffc0000000UL;
		if (((e & mask) >> 12) != (k->val & ~((~mask >> 12) & 0x3ffff))) {
			snprintf(why, wl, "leaf %s entry=%lx does not hold pfn %lx",
				 t->lv[leaf].level, e, k->val);
			return -1;
		}
		for (i = 0; i < leaf; i++)
			if (!t->lv[i].folded && !(t->lv[i].entry & 1)) {
				snprintf(why, wl, "%s entry=%lx not present above the leaf",
					 t->lv[i].level, t->lv[i].entry);
				return -1;
			}
		return 0;
	}
	if (k->kind == K_SWAP) {
		if (strcmp(t->kind, "swap") || !t->has_type ||
		    !t->has_offset || t->type != k->type ||
		    t->offset != k->val) {
			snprintf(why, wl, "want swap type=%u offset=%lx, got '%s'",
				 k->type, k->val, last);
			return -1;
		}
		return 0;
	}
	if (strcmp(t->kind, "not-present") || !t->nlevels ||
	    strcmp(t->at_level, t->lv[t->nlevels - 1].level) ||
	    (t->lv[t->nlevels - 1].entry & 1)) {
		snprintf(why, wl, "want not-present at the last level, got '%s' after %d levels (last %s entry=%lx)",
			 last, t->nlevels,
			 t->nlevels ? t->lv[t->nlevels - 1].level : "-",
			 t->nlevels ? t->lv[t->nlevels - 1].entry : 0);
		return -1;
	}
	return 0;
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
		struct vtop_report t;
		struct parse_err pe = { 0 };
		struct pe k1 = { .kind = -1 }, k2 = { .kind = -1 };
		uint64_t v1 = 0, v2 = 0;
		int rl = ri >= 0 ? c->pt.r[ri].level : -1;

		if (mapped && !c->maps.v[vi].pfnmap && pm_one(fd, a, &v1)) {
			cfail(&ck, "%lx: pagemap read failed", a);
			continue;
		}
		switch (vtop_read(c->pid, a, &t, &err, &pe)) {
		case -1:
			cfail(&ck, "%lx: vtop failed: %s", a, strerror(err));
			continue;
		case -2:
			cfail(&ck, "%lx: vtop unparsable: line %u: %s", a,
			      pe.line, pe.msg);
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
	for (t = 0; t < (mutation_get() ? 1 : TRIES); t++) {
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
	for (int i = 0; i < c.maps.n && (size_t)i < c.mv.n; i++)
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
		size_t len = 0;
		char *t = mm_read("pagetable", pids[i], &len);

		if (!t || pt_parse(t, len, &p[i], &dummy)) {
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
	char path[64];
	struct vmas vs = { 0 };
	size_t len;
	double t0, tv, tp, tm;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	if (maps_read(pid, 0, &vs)) {
		printf("not ok %s: read %s\n", label, path);
		return 1;
	}
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
	vmas_free(&vs);
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
