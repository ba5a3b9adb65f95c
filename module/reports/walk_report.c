// SPDX-License-Identifier: GPL-2.0
/*
 * walk_report.c - visitors of the page-table walker that write the vmas,
 * pagetable and vtop reports (formats in docs/walk.md).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "pt/entry.h"
#include "pt/run.h"
#include "pt/walk.h"
#include "reports/walk_report.h"

/* Every user address: the walker itself only visits VMAs. */
#define MMLENS_USER_END TASK_SIZE_MAX

/*
 * Room kept free in the output before each walk step, so that a step's
 * lines (at most 512 runs of ~210 bytes, or a VMA line with a PATH_MAX
 * name escaped to 4x) are appended without allocating under mmap_lock:
 * the walker grows the buffer with the lock dropped (walk.h).
 */
#define MMLENS_STEP_ROOM (256 * 1024)

/* As /proc/PID/maps escapes names (seq_file_path(m, file, "\n")). */
#define MMLENS_NAME_ESCAPE "\n"

static bool out_want_room(struct mmlens_textbuf *out)
{
	return !out->err && mmlens_textbuf_room(out) < MMLENS_STEP_ROOM;
}

static int out_make_room(struct mmlens_textbuf *out)
{
	return mmlens_textbuf_reserve(out, MMLENS_STEP_ROOM);
}

/* ---- vmas ---- */

struct vmas_state {
	struct mmlens_textbuf *out;
	/* the walker's copy: valid from vma_enter until vma_leave returns */
	const struct mmlens_vma_info *vi;
	unsigned long present, swap, pmd, pud, dirty, young, runs, ptables;
	unsigned long run_end;		/* address after the last present page */
	u64 run_next_pfn;		/* frame that would continue the run */
};

static int vmas_enter(void *priv, const struct mmlens_vma_info *vi)
{
	struct vmas_state *s = priv;
	struct mmlens_textbuf *out = s->out;

	memset(s, 0, sizeof(*s));
	s->out = out;
	s->vi = vi;
	return 0;
}

static int vmas_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct vmas_state *s = priv;
	unsigned long size = mmlens_level_size(leaf->level);
	unsigned long pages = size >> PAGE_SHIFT;
	struct mmlens_entry e;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (e.kind == MMLENS_SWAP) {
		s->swap += pages;
		return 0;
	}
	if (e.kind != MMLENS_PRESENT)
		return 0;
	s->present += pages;
	if (leaf->level == MMLENS_PMD)
		s->pmd++;
	else if (leaf->level == MMLENS_PUD)
		s->pud++;
	if (e.flags & _PAGE_DIRTY)
		s->dirty += pages;
	if (e.flags & _PAGE_ACCESSED)
		s->young += pages;
	if (!s->run_end || s->run_end != leaf->addr ||
	    s->run_next_pfn != e.value)
		s->runs++;
	s->run_end = leaf->addr + size;
	s->run_next_pfn = e.value + pages;
	return 0;
}

/* The walker reports only the tables of this VMA alone (walk.h). */
static int vmas_table(void *priv, enum mmlens_level level,
		      unsigned long start, unsigned long end)
{
	((struct vmas_state *)priv)->ptables++;
	return 0;
}

/*
 * " key=<decimal>" into @p; returns the end. Inlined so that the key is a
 * constant (its copy a few moves, not a call); a count below ten, nearly
 * every count of a small VMA, is one digit without the general formatter.
 */
static __always_inline char *put_count(char *p, const char *key, u64 v)
{
	size_t len = strlen(key);

	*p++ = ' ';
	memcpy(p, key, len);
	p += len;
	*p++ = '=';
	if (v < 10) {
		*p++ = '0' + v;
		return p;
	}
	return mmlens_fmt_dec(p, v);
}

/*
 * Longest vmas line without its name: 2 x 16 + 4 + 16 + 8 counts of at
 * most 30 bytes, separators, the newline and the NUL.
 */
#define VMAS_LINE_MAX 320

/*
 * One line per VMA, composed in place at the end of the output: with
 * 65,000 VMAs a format string parsed per line, or a line built on the
 * stack (zeroed first under CONFIG_INIT_STACK_ALL_ZERO) and copied, is a
 * large part of the report's cost. The walker has MMLENS_STEP_ROOM free
 * before every step and vmas steps write nothing, so the reserve below
 * only checks: it does not allocate under mmap_lock.
 */
static int vmas_leave(void *priv)
{
	struct vmas_state *s = priv;
	const struct mmlens_vma_info *vi = s->vi;
	struct mmlens_textbuf *out = s->out;
	unsigned long long pgoff = 0;
	char *p;

	if (mmlens_textbuf_reserve(out, VMAS_LINE_MAX))
		return out->err;
	p = out->data + out->len;
	/* /proc/PID/maps prints 0 as the offset of non-file VMAs. */
	if (vi->file)
		pgoff = (unsigned long long)vi->pgoff << PAGE_SHIFT;
	p = mmlens_fmt_hex_pad(p, vi->start, 8);
	*p++ = '-';
	p = mmlens_fmt_hex_pad(p, vi->end, 8);
	*p++ = ' ';
	*p++ = vi->flags & VM_READ ? 'r' : '-';
	*p++ = vi->flags & VM_WRITE ? 'w' : '-';
	*p++ = vi->flags & VM_EXEC ? 'x' : '-';
	*p++ = vi->flags & VM_MAYSHARE ? 's' : 'p';
	*p++ = ' ';
	p = mmlens_fmt_hex_pad(p, pgoff, 8);
	p = put_count(p, "present", s->present);
	p = put_count(p, "swap", s->swap);
	p = put_count(p, "pmd", s->pmd);
	p = put_count(p, "pud", s->pud);
	p = put_count(p, "dirty", s->dirty);
	p = put_count(p, "young", s->young);
	p = put_count(p, "runs", s->runs);
	p = put_count(p, "ptables", s->ptables);
	*p++ = ' ';
	if (!vi->name[0]) {
		/* anonymous memory: the line ends in the space */
		*p++ = '\n';
		*p = '\0';
		out->len = p - out->data;
		return 0;
	}
	*p = '\0';
	out->len = p - out->data;
	mmlens_textbuf_escaped(out, vi->name, MMLENS_NAME_ESCAPE);
	mmlens_textbuf_put(out, "\n", 1);
	return out->err;
}

static bool vmas_want_unlocked(void *priv)
{
	return out_want_room(((struct vmas_state *)priv)->out);
}

static int vmas_unlocked(void *priv)
{
	return out_make_room(((struct vmas_state *)priv)->out);
}

/*
 * A whole pte table. Present ptes, the common case, are counted here on
 * raw values with no decode and no call; anything else (swap, migration,
 * PROT_NONE...) goes through vmas_leaf(). The counters live in locals
 * inside the loop: the kernel builds without strict aliasing, so fields of
 * *s would be reloaded after every read of ptes[].
 */
static int vmas_ptes(void *priv, unsigned long addr, const pte_t *ptes,
		     unsigned int n)
{
	struct vmas_state *s = priv;
	unsigned long present = 0, dirty = 0, young = 0, runs = 0;
	unsigned long run_end = s->run_end;
	u64 next_pfn = s->run_next_pfn;
	unsigned int i;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		u64 v = pte_val(ptes[i]), pfn;

		if (unlikely(!(v & _PAGE_PRESENT))) {
			struct mmlens_leaf leaf = {
				.addr = addr, .level = MMLENS_PTE, .raw = v,
			};

			if (pte_none(ptes[i]))
				continue;
			s->run_end = run_end;
			s->run_next_pfn = next_pfn;
			vmas_leaf(s, &leaf);
			run_end = s->run_end;
			next_pfn = s->run_next_pfn;
			continue;
		}
		pfn = (v & PTE_PFN_MASK) >> PAGE_SHIFT;
		present++;
		dirty += !!(v & _PAGE_DIRTY);
		young += !!(v & _PAGE_ACCESSED);
		runs += !run_end || run_end != addr || next_pfn != pfn;
		run_end = addr + PAGE_SIZE;
		next_pfn = pfn + 1;
	}
	s->present += present;
	s->dirty += dirty;
	s->young += young;
	s->runs += runs;
	s->run_end = run_end;
	s->run_next_pfn = next_pfn;
	return 0;
}

static const struct mmlens_walk_ops vmas_ops = {
	.vma_enter = vmas_enter,
	.vma_leave = vmas_leave,
	.leaf = vmas_leaf,
	.ptes = vmas_ptes,
	.table = vmas_table,
	.want_unlocked = vmas_want_unlocked,
	.unlocked = vmas_unlocked,
};

/*
 * The output for a large mm is reserved before the walk, at about the
 * 105 bytes of an anonymous VMA's line per VMA: growing by doubling from
 * 16 KiB to the 8 MiB of 65,000 VMAs allocated 16 MiB (every page zeroed
 * with init_on_alloc, Debian's default) and copied 8. map_count is read
 * without the lock: it only sizes the buffer. Below MMLENS_STEP_ROOM the
 * walker's first reserve is as large, and the cap keeps the hint below
 * what such a report needs anyway.
 */
#define VMAS_LINE_HINT 112
#define VMAS_HINT_MAX (32 << 20)

int mmlens_report_vmas(struct mm_struct *mm, struct mmlens_textbuf *out)
{
	size_t hint = (size_t)max(READ_ONCE(mm->map_count), 0) * VMAS_LINE_HINT;
	struct vmas_state *s;
	int ret;

	hint = min_t(size_t, hint, VMAS_HINT_MAX);
	if (hint > MMLENS_STEP_ROOM &&
	    mmlens_textbuf_reserve(out, hint + MMLENS_STEP_ROOM))
		return out->err;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->out = out;
	ret = mmlens_walk(mm, 0, MMLENS_USER_END, &vmas_ops, s);
	kfree(s);
	return ret ?: out->err;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_report_vmas);

/* ---- pagetable ---- */

struct pt_state {
	struct mmlens_textbuf *out;
	struct mmlens_run run;
	/*
	 * The hot case of pt_ptes(): the run is of present ptes, and a pte
	 * continues it when it equals fast_next under fast_mask (the next
	 * frame, the same named flags).
	 */
	bool fast;
	u64 fast_next, fast_mask;
	u64 named;			/* mmlens_pte_named_flags() */
	/* the flags last formatted, for the many runs that share them */
	u64 flags_key;
	enum mmlens_level flags_level;
	bool flags_zero, flags_valid;
	unsigned int flags_len;
	char flags[160];
};

/*
 * The flag names of the run's first entry, formatted once per change of
 * flags: in a large report most runs share them.
 */
static const char *pt_flags(struct pt_state *s, const struct mmlens_run *r)
{
	/* every named flag bit lies outside the frame, but for pat on pmds */
	u64 key = r->raw & (~PTE_PFN_MASK | _PAGE_PAT_LARGE);

	if (!s->flags_valid || s->flags_key != key ||
	    s->flags_level != r->level || s->flags_zero != r->first.zero) {
		s->flags_len = mmlens_format_flags(s->flags, sizeof(s->flags),
						   r->raw, r->level, true,
						   r->first.zero);
		s->flags_key = key;
		s->flags_level = r->level;
		s->flags_zero = r->first.zero;
		s->flags_valid = true;
	}
	return s->flags;
}

/* "<start>-<end> <level> <entries> <kind>", into @p; returns the end. */
static char *pt_line_head(char *p, const struct mmlens_run *r)
{
	const char *name = mmlens_level_name(r->level);
	size_t len = strlen(name);

	p = mmlens_fmt_hex(p, r->start);
	*p++ = '-';
	p = mmlens_fmt_hex(p, r->end);
	*p++ = ' ';
	memcpy(p, name, len);
	p += len;
	*p++ = ' ';
	p = mmlens_fmt_dec(p, r->entries);
	*p++ = ' ';
	name = mmlens_kind_name(r->first.kind);
	len = strlen(name);
	memcpy(p, name, len);
	return p + len;
}

/*
 * One line per run. Present runs, nearly all of a large report, are
 * composed in a local buffer and appended in one piece: no format string
 * is parsed per run. The rare kinds keep printf.
 */
static void pt_flush(struct pt_state *s)
{
	struct mmlens_textbuf *out = s->out;
	struct mmlens_run *r = &s->run;
	/* head <= 76 bytes, " pfn=" and " flags=" 28, the flags, "\n" */
	char line[128 + sizeof(s->flags)], *p;
	const char *flags;

	if (!r->active)
		return;
	p = pt_line_head(line, r);
	switch (r->first.kind) {
	case MMLENS_PRESENT:
		memcpy(p, " pfn=", 5);
		p = mmlens_fmt_hex(p + 5, r->first.value);
		memcpy(p, " flags=", 7);
		flags = pt_flags(s, r);
		memcpy(p + 7, flags, s->flags_len);
		p += 7 + s->flags_len;
		*p++ = '\n';
		mmlens_textbuf_put(out, line, p - line);
		break;
	case MMLENS_SWAP:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " type=%u offset=%llx\n",
				      r->first.type, r->first.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " kind=%s\n", r->first.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " entry=%llx\n", r->raw);
		break;
	default:
		mmlens_textbuf_put(out, line, p - line);
		mmlens_textbuf_printf(out, " pfn=%llx\n", r->first.value);
		break;
	}
	r->active = false;
}

static int pt_add(struct pt_state *s, const struct mmlens_leaf *leaf)
{
	struct mmlens_entry e;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (mmlens_run_extend(&s->run, leaf->addr, leaf->level, &e))
		return 0;
	pt_flush(s);
	mmlens_run_start(&s->run, leaf->addr, leaf->level, leaf->raw, &e);
	return s->out->err;
}

static int pt_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct pt_state *s = priv;

	s->fast = false;
	return pt_add(s, leaf);
}

/*
 * A new run of one present pte (present bit set, not the zero page): what
 * pt_add() would do, without the general decode and the failed extend.
 * The fields are those mmlens_decode_entry() gives such a pte.
 */
static void pt_start_pte(struct pt_state *s, unsigned long addr, u64 v)
{
	struct mmlens_run *r = &s->run;
	u64 pfn = (v & PTE_PFN_MASK) >> PAGE_SHIFT;

	pt_flush(s);
	r->first.kind = MMLENS_PRESENT;
	r->first.value = pfn;
	r->first.type = 0;
	r->first.flags = v & s->named;
	r->first.zero = false;
	r->first.marker = NULL;
	r->start = addr;
	r->end = addr + PAGE_SIZE;
	r->level = MMLENS_PTE;
	r->raw = v;
	r->next = pfn + 1;
	r->entries = 1;
	r->active = true;
	s->fast = true;
	s->fast_next = v + PAGE_SIZE;
}

/*
 * A whole pte table. The hot case, the next frame of a run of present
 * ptes with the same flags, is one masked compare on the raw value. A
 * present pte that fails it starts a new run: no run of another kind,
 * level or flags can take it. The zero page (whose frame never advances,
 * and which is flagged "zero") and everything else go through pt_add(),
 * which decodes.
 */
static int pt_ptes(void *priv, unsigned long addr, const pte_t *ptes,
		   unsigned int n)
{
	u64 zero_frame = (u64)my_zero_pfn(0) << PAGE_SHIFT;
	struct pt_state *s = priv;
	struct mmlens_run *r = &s->run;
	unsigned int i;
	int ret;

	for (i = 0; i < n; i++, addr += PAGE_SIZE) {
		u64 v = pte_val(ptes[i]);
		struct mmlens_leaf leaf;

		if (likely(s->fast && r->end == addr &&
			   !((v ^ s->fast_next) & s->fast_mask) &&
			   (v & PTE_PFN_MASK) != zero_frame)) {
			r->end += PAGE_SIZE;
			r->entries++;
			r->next++;
			s->fast_next += PAGE_SIZE;
			continue;
		}
		if (pte_none(ptes[i]))
			continue;
		if ((v & _PAGE_PRESENT) && (v & PTE_PFN_MASK) != zero_frame) {
			pt_start_pte(s, addr, v);
			if (s->out->err)
				return s->out->err;
			continue;
		}
		leaf.addr = addr;
		leaf.level = MMLENS_PTE;
		leaf.raw = v;
		leaf.zero = pte_present(ptes[i]) && is_zero_pfn(pte_pfn(ptes[i]));
		/* zero page, PROT_NONE, swap...: the run is not a fast one */
		s->fast = false;
		ret = pt_add(s, &leaf);
		if (ret)
			return ret;
	}
	return 0;
}

static bool pt_want_unlocked(void *priv)
{
	return out_want_room(((struct pt_state *)priv)->out);
}

static int pt_unlocked(void *priv)
{
	return out_make_room(((struct pt_state *)priv)->out);
}

static const struct mmlens_walk_ops pt_ops = {
	.leaf = pt_leaf,
	.ptes = pt_ptes,
	.want_unlocked = pt_want_unlocked,
	.unlocked = pt_unlocked,
};

int mmlens_report_pagetable(struct mm_struct *mm, pid_t pid,
			    const char *comm, struct mmlens_textbuf *out)
{
	struct pt_state *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->out = out;
	s->named = mmlens_pte_named_flags();
	s->fast_mask = PTE_PFN_MASK | _PAGE_PRESENT | s->named;
	mmlens_textbuf_printf(out, "# pid=%d comm=", pid);
	mmlens_textbuf_escaped(out, comm, MMLENS_NAME_ESCAPE);
	mmlens_textbuf_printf(out, " levels=%d\n", pgtable_l5_enabled() ? 5 : 4);
	ret = mmlens_walk(mm, 0, MMLENS_USER_END, &pt_ops, s);
	if (!ret)
		pt_flush(s);
	kfree(s);
	return ret ?: out->err;
}

/* ---- vtop ---- */

struct vtop_state {
	struct mmlens_textbuf *out;
	unsigned long addr;		/* the address asked about */
	unsigned int levels;		/* 4 or 5 */
	bool mapped;			/* the walk entered a VMA */
	bool hide_tables;		/* mask table addresses (lockdown) */
};

static void vtop_entry(struct vtop_state *s, enum mmlens_level level,
		       u64 raw, bool leaf, bool zero)
{
	char flags[160];

	/* with 4 levels the p4d is the pgd: "p4d folded" follows the pgd */
	if (level == MMLENS_P4D && s->levels == 4)
		return;
	mmlens_format_flags(flags, sizeof(flags), raw, level, leaf,
			    leaf && zero);
	mmlens_textbuf_printf(s->out, "%s index=%u entry=%llx %s\n",
			      mmlens_level_name(level),
			      mmlens_level_index(s->addr, level, s->levels),
			      raw, flags);
	if (level == MMLENS_PGD && s->levels == 4)
		mmlens_textbuf_printf(s->out, "p4d folded\n");
}

static int vtop_enter(void *priv, const struct mmlens_vma_info *vi)
{
	((struct vtop_state *)priv)->mapped = true;
	return 0;
}

static int vtop_upper(void *priv, enum mmlens_level level,
		      unsigned long addr, u64 raw)
{
	struct vtop_state *s = priv;

	/*
	 * The address in an entry that points to a table is the physical
	 * address of a kernel page-table page; leaves keep theirs (user
	 * frames, as pagemap shows them).
	 */
	if (s->hide_tables)
		raw &= ~PTE_PFN_MASK;
	vtop_entry(s, level, raw, false, false);
	return s->out->err;
}

static int vtop_hole(void *priv, enum mmlens_level level,
		     unsigned long start, unsigned long end)
{
	struct vtop_state *s = priv;

	/* a none entry is 0 (x86's *_none() ignore only KNL erratum bits) */
	vtop_entry(s, level, 0, false, false);
	mmlens_textbuf_printf(s->out, "not-present at %s\n",
			      mmlens_level_name(level));
	return s->out->err;
}

static int vtop_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct vtop_state *s = priv;
	unsigned long size = mmlens_level_size(leaf->level);
	struct mmlens_textbuf *out = s->out;
	struct mmlens_entry e;
	u64 pfn;

	vtop_entry(s, leaf->level, leaf->raw, true, leaf->zero);
	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	switch (e.kind) {
	case MMLENS_PRESENT:
		pfn = e.value + ((s->addr & (size - 1)) >> PAGE_SHIFT);
		mmlens_textbuf_printf(out, "pfn=%llx paddr=%llx\n", pfn,
				      (pfn << PAGE_SHIFT) |
				      (s->addr & ~PAGE_MASK));
		break;
	case MMLENS_SWAP:
		mmlens_textbuf_printf(out, "swap type=%u offset=%llx\n",
				      e.type, e.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_printf(out, "marker kind=%s\n", e.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_printf(out, "other entry=%llx\n", leaf->raw);
		break;
	default:
		mmlens_textbuf_printf(out, "%s pfn=%llx\n",
				      mmlens_kind_name(e.kind), e.value);
		break;
	}
	return out->err;
}

static const struct mmlens_walk_ops vtop_ops = {
	.vma_enter = vtop_enter,
	.upper = vtop_upper,
	.hole = vtop_hole,
	.leaf = vtop_leaf,
};

/*
 * One address through the walker, over [addr, addr + 1): an address
 * outside every VMA is never walked (walk.c) and answers "not-mapped".
 */
int mmlens_report_vtop(struct mm_struct *mm, unsigned long addr,
		       bool hide_tables, struct mmlens_textbuf *out)
{
	struct vtop_state s = {
		.out = out,
		.addr = addr,
		.levels = pgtable_l5_enabled() ? 5 : 4,
		.hide_tables = hide_tables,
	};
	int ret;

	ret = mmlens_walk(mm, addr, addr + 1, &vtop_ops, &s);
	if (ret)
		return ret;
	if (!s.mapped)
		mmlens_textbuf_printf(out, "not-mapped\n");
	return out->err;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_report_vtop);
