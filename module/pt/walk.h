/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h - the page-table walker: one walk over a user address range of an
 * mm, reporting VMAs, entries, holes and page-table pages to a visitor.
 * The walker never formats; the visitors (reports/) never walk, and
 * the walker (walk.c) is the only code that dereferences a page-table
 * pointer.
 */
#ifndef MMLENS_WALK_H
#define MMLENS_WALK_H

#include <linux/limits.h>
#include <linux/mm_types.h>
#include <linux/nodemask.h>
#include <linux/pgtable.h>
#include <linux/types.h>

#include "pt/level.h"

/*
 * A memory policy as it was read (struct mempolicy's mode, flags and
 * nodes): copied, since the policy itself is only stable under the lock
 * that found it. @set false: there was none.
 */
struct mmlens_policy {
	bool set;
	unsigned short mode;		/* MPOL_* */
	unsigned short flags;		/* MPOL_F_* */
	nodemask_t nodes;
};

/*
 * A VMA as it was when the walk entered it (copied: the lock may drop).
 * [@start, @end) is the visitor's line: the VMA's bounds, but for a line
 * cut short or begun late where the VMA changed under a lock drop
 * (@vma_enter in struct mmlens_walk_ops); @pgoff follows @start.
 */
struct mmlens_vma_info {
	unsigned long start, end;
	unsigned long flags;		/* vm_flags */
	unsigned long pgoff;		/* vm_pgoff */
	bool anonymous;			/* vma_is_anonymous() */
	bool file;			/* has a vm_file */
	unsigned long prev_end;		/* end of the VMA before, or 0 */
	unsigned long next_start;	/* start of the VMA after, or ~0 */
	/* as /proc/PID/maps names it, not escaped; "?" if d_path failed */
	char name[PATH_MAX];
	/* its own policy, as numa_maps finds it; only if @want_policy */
	struct mmlens_policy policy;
};

/* One non-none leaf entry: present or not (swap, migration, marker...). */
struct mmlens_leaf {
	unsigned long addr;		/* first address it maps */
	enum mmlens_level level;	/* MMLENS_PUD, _PMD or _PTE */
	u64 raw;			/* the entry as read */
	bool zero;			/* maps the (huge) zero page */
};

/**
 * struct mmlens_walk_ops - what a visitor of mmlens_walk() is told
 * @vma_enter: the walk enters a VMA: once per VMA, even when the walk
 *	dropped mmap_lock inside it and found it unchanged afterwards. A
 *	VMA found changed (start, end, flags, file or offset) after a drop
 *	is entered again as it now is, and the line of the old one was
 *	left first, cut at the address where the walk stopped; the new
 *	line starts there or at the VMA's start, whichever is later. So
 *	the lines are sorted and disjoint, and everything counted in one
 *	was read while it was the VMA its @vma_enter described.
 * @vma_leave: the walk leaves the VMA last entered (after its last entry,
 *	before the next @vma_enter); also called at the end of the walk.
 *	The mmlens_vma_info given to @vma_enter is valid until it returns,
 *	and its @end may have been cut since @vma_enter (above).
 * @upper: an entry of the pgd, p4d (5-level paging only), pud or pmd level
 *	that points to a table of the next level: @raw is the entry as read,
 *	@addr the address being walked.
 * @leaf: a leaf entry that is not none: present, or a swap, migration,
 *	marker... entry, at the pud, pmd or pte level.
 * @hole: [@start, @end) inside the VMA has no leaf because the entries of
 *	@level covering it are none. Consecutive none entries of one table
 *	(of ptes, pmds or puds) are one hole.
 * @ptes: the entries of one pte table covering [@addr, @addr + @n pages),
 *	none entries included, as read. When set, it replaces @leaf and
 *	@hole for pte entries: a visitor that counts or coalesces can then
 *	loop over raw values with no call per entry. pud and pmd leaves
 *	still come through @leaf.
 * @table: a page-table page met on the way down that belongs to the VMA
 *	alone: its whole span lies between the end of the VMA before and
 *	the start of the VMA after (@prev_end and @next_start of the
 *	VMA's mmlens_vma_info), so it translates nothing of another VMA.
 *	@level is the level of the entries it holds, [@start, @end) the
 *	span it translates. Reported once per VMA.
 * @want_unlocked: asked before every step (one pmd's worth of addresses,
 *	or a run of none entries):
 *	true when the visitor needs to do something it must not do under
 *	mmap_lock (e.g. grow its output buffer). The walker then drops the
 *	lock, calls @unlocked, retakes the lock and resumes at the same
 *	address.
 * @unlocked: called without mmap_lock, see @want_unlocked. It may return
 *	MMLENS_WALK_PAUSE to pause the walk there (mmlens_walk_run()).
 * @want_policy: not a callback: fill the @policy of mmlens_vma_info
 *	(a shared-policy lookup for shmem VMAs; left out of walks that do
 *	not show it).
 *
 * Every callback may be NULL. All but @unlocked run with the target's
 * mmap_lock held for read, outside any RCU read section and with no
 * spinlock held, so they may sleep and allocate, but they should not
 * block for long: writers of the target mm wait for the walk. For
 * MAP_SHARED hugetlb VMAs (whose pmd tables may be shared with other
 * processes) the file's i_mmap_rwsem is also held for read around
 * @upper, @leaf, @hole and @table.
 *
 * Order: callbacks come in address order. Inside a VMA, for each step:
 * @table for the tables first met, then @upper from the pgd down, then
 * either one @leaf for a pud/pmd leaf, or @hole for a none entry of an
 * upper level, or, for a pte table, @leaf and @hole for its entries in
 * address order (or one @ptes call for them all).
 *
 * A callback that returns non-zero stops the walk at once: mmlens_walk()
 * drops its locks and returns that value. @vma_leave is then not called.
 */
struct mmlens_walk_ops {
	int (*vma_enter)(void *priv, const struct mmlens_vma_info *vi);
	int (*vma_leave)(void *priv);
	int (*upper)(void *priv, enum mmlens_level level, unsigned long addr,
		     u64 raw);
	int (*leaf)(void *priv, const struct mmlens_leaf *leaf);
	int (*hole)(void *priv, enum mmlens_level level, unsigned long start,
		    unsigned long end);
	int (*ptes)(void *priv, unsigned long addr, const pte_t *ptes,
		    unsigned int n);
	int (*table)(void *priv, enum mmlens_level level, unsigned long start,
		     unsigned long end);
	bool (*want_unlocked)(void *priv);
	int (*unlocked)(void *priv);
	bool want_policy;
};

/*
 * mmlens_walk() returns 0, a callback's non-zero value, -EINTR when a
 * fatal signal is pending (checked at every step and while taking
 * mmap_lock), or -ENOMEM when its own buffers cannot be allocated. It
 * never returns -EAGAIN: an entry that keeps changing is read again until
 * it holds still or a fatal signal arrives.
 */
int mmlens_walk(struct mm_struct *mm, unsigned long start, unsigned long end,
		const struct mmlens_walk_ops *ops, void *priv);

/*
 * The same walk in pieces, for reports produced as they are read: a
 * visitor pauses the walk from @unlocked, with mmap_lock dropped, and
 * the next mmlens_walk_run() goes on from there (walk.c). Between runs
 * the walker holds no lock and no reference; the caller holds mm_users
 * around each run. A visitor that paused must let the next run make a
 * step (a streamed report pauses with a full chunk, which the reader
 * has emptied by then), or the walk makes no progress.
 */
#define MMLENS_WALK_PAUSE 1

struct mmlens_walker;
struct mmlens_walker *mmlens_walk_alloc(struct mm_struct *mm,
					unsigned long start, unsigned long end,
					const struct mmlens_walk_ops *ops,
					void *priv);
/* 0: done, MMLENS_WALK_PAUSE: paused, else as mmlens_walk() */
int mmlens_walk_run(struct mmlens_walker *w);
void mmlens_walk_free(struct mmlens_walker *w);

#endif /* MMLENS_WALK_H */
