// SPDX-License-Identifier: GPL-2.0
/*
 * walk_report.c - visitors of the page-table walker that write the vmas,
 * pagetable and vtop reports (formats in docs/walk.md).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "compat.h"
#include "entry.h"
#include "run.h"
#include "walk.h"
#include "walk_report.h"

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

/* Only tables that translate nothing of another VMA belong to this one. */
static int vmas_table(void *priv, enum mmlens_level level,
		      unsigned long start, unsigned long end)
{
	struct vmas_state *s = priv;

	if (start >= s->vi->prev_end && end - 1 <= s->vi->next_start - 1)
		s->ptables++;
	return 0;
}

static int vmas_leave(void *priv)
{
	struct vmas_state *s = priv;
	const struct mmlens_vma_info *vi = s->vi;
	unsigned long long pgoff = 0;

	/* /proc/PID/maps prints 0 as the offset of non-file VMAs. */
	if (vi->file)
		pgoff = (unsigned long long)vi->pgoff << PAGE_SHIFT;
	mmlens_textbuf_printf(s->out,
			      "%08lx-%08lx %c%c%c%c %08llx present=%lu swap=%lu pmd=%lu pud=%lu dirty=%lu young=%lu runs=%lu ptables=%lu ",
			      vi->start, vi->end,
			      vi->flags & VM_READ ? 'r' : '-',
			      vi->flags & VM_WRITE ? 'w' : '-',
			      vi->flags & VM_EXEC ? 'x' : '-',
			      vi->flags & VM_MAYSHARE ? 's' : 'p',
			      pgoff, s->present, s->swap, s->pmd, s->pud,
			      s->dirty, s->young, s->runs, s->ptables);
	mmlens_textbuf_escaped(s->out, vi->name, MMLENS_NAME_ESCAPE);
	mmlens_textbuf_printf(s->out, "\n");
	return s->out->err;
}

static bool vmas_want_unlocked(void *priv)
{
	return out_want_room(((struct vmas_state *)priv)->out);
}

static int vmas_unlocked(void *priv)
{
	return out_make_room(((struct vmas_state *)priv)->out);
}

static const struct mmlens_walk_ops vmas_ops = {
	.vma_enter = vmas_enter,
	.vma_leave = vmas_leave,
	.leaf = vmas_leaf,
	.table = vmas_table,
	.want_unlocked = vmas_want_unlocked,
	.unlocked = vmas_unlocked,
};

int mmlens_report_vmas(struct mm_struct *mm, struct mmlens_textbuf *out)
{
	struct vmas_state *s;
	int ret;

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
};

static void pt_flush(struct pt_state *s)
{
	struct mmlens_run *r = &s->run;
	char flags[160];

	if (!r->active)
		return;
	mmlens_textbuf_printf(s->out, "%lx-%lx %s %lu %s", r->start, r->end,
			      mmlens_level_name(r->level), r->entries,
			      mmlens_kind_name(r->first.kind));
	switch (r->first.kind) {
	case MMLENS_PRESENT:
		mmlens_format_flags(flags, sizeof(flags), r->raw, r->level,
				    true, r->first.zero);
		mmlens_textbuf_printf(s->out, " pfn=%llx flags=%s\n",
				      r->first.value, flags);
		break;
	case MMLENS_SWAP:
		mmlens_textbuf_printf(s->out, " type=%u offset=%llx\n",
				      r->first.type, r->first.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_printf(s->out, " kind=%s\n", r->first.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_printf(s->out, " entry=%llx\n", r->raw);
		break;
	default:
		mmlens_textbuf_printf(s->out, " pfn=%llx\n", r->first.value);
		break;
	}
	r->active = false;
}

static int pt_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct pt_state *s = priv;
	struct mmlens_entry e;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (mmlens_run_extend(&s->run, leaf->addr, leaf->level, &e))
		return 0;
	pt_flush(s);
	mmlens_run_start(&s->run, leaf->addr, leaf->level, leaf->raw, &e);
	return s->out->err;
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
		       struct mmlens_textbuf *out)
{
	struct vtop_state s = {
		.out = out,
		.addr = addr,
		.levels = pgtable_l5_enabled() ? 5 : 4,
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
