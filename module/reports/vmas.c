// SPDX-License-Identifier: GPL-2.0
/*
 * vmas.c - the vmas report: one line per VMA with its page counts, a
 * visitor of the page-table walker (format in docs/walk.md).
 */
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "mmlens_vocab.h"
#include "pt/entry.h"
#include "pt/walk.h"
#include "reports/reports.h"
#include "reports/visit.h"

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
	p = put_count(p, MMLENS_VMAS_PRESENT, s->present);
	p = put_count(p, MMLENS_VMAS_SWAP, s->swap);
	p = put_count(p, MMLENS_VMAS_PMD, s->pmd);
	p = put_count(p, MMLENS_VMAS_PUD, s->pud);
	p = put_count(p, MMLENS_VMAS_DIRTY, s->dirty);
	p = put_count(p, MMLENS_VMAS_YOUNG, s->young);
	p = put_count(p, MMLENS_VMAS_RUNS, s->runs);
	p = put_count(p, MMLENS_VMAS_PTABLES, s->ptables);
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
	return mmlens_out_want_unlocked(((struct vmas_state *)priv)->out,
					MMLENS_STEP_ROOM);
}

static int vmas_unlocked(void *priv)
{
	return mmlens_out_unlocked(((struct vmas_state *)priv)->out,
				   MMLENS_STEP_ROOM);
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
 * 105 bytes of an anonymous VMA's line per VMA, up to one chunk: growing
 * by doubling from 16 KiB allocates and copies about twice the final
 * size, every page zeroed with init_on_alloc (Debian's default).
 * map_count is read without the lock: it only sizes the buffer. Below
 * MMLENS_STEP_ROOM the walker's first reserve is as large.
 */
#define VMAS_LINE_HINT 112

static const struct mmlens_stream_ops vmas_stream_ops = {
	.walk = &vmas_ops,
};

int mmlens_stream_vmas(struct mmlens_stream *st, struct mm_struct *mm,
		       struct mmlens_textbuf *out)
{
	size_t hint = (size_t)max(READ_ONCE(mm->map_count), 0) * VMAS_LINE_HINT;
	struct vmas_state *s;

	if (out->chunk)
		hint = min(hint, out->chunk);
	if (hint > MMLENS_STEP_ROOM &&
	    mmlens_textbuf_reserve(out, hint + MMLENS_STEP_ROOM))
		return out->err;
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->out = out;
	return mmlens_stream_init(st, &vmas_stream_ops, s, mm, out);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_stream_vmas);

int mmlens_report_vmas(struct mm_struct *mm, struct mmlens_textbuf *out)
{
	struct mmlens_stream st;
	int ret = mmlens_stream_vmas(&st, mm, out);

	return ret ?: mmlens_stream_all(&st);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_report_vmas);
