/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk.h - the page-table walker: one walk over a user address range of an
 * mm, reporting VMAs, leaf entries and page-table pages to a visitor.
 * The walker never formats; the visitors (walk_report.c) never walk.
 */
#ifndef MMLENS_WALK_H
#define MMLENS_WALK_H

#include <linux/mm_types.h>
#include <linux/types.h>

enum mmlens_level {
	MMLENS_PGD,
	MMLENS_P4D,
	MMLENS_PUD,
	MMLENS_PMD,
	MMLENS_PTE,
	MMLENS_NR_LEVELS,
};

const char *mmlens_level_name(enum mmlens_level level);

/* A VMA as it was when the walk entered it (copied: the lock may drop). */
struct mmlens_vma_info {
	unsigned long start, end;
	unsigned long flags;		/* vm_flags */
	unsigned long pgoff;		/* vm_pgoff */
	bool anonymous;			/* vma_is_anonymous() */
	bool file;			/* has a vm_file */
	unsigned long prev_end;		/* end of the VMA before, or 0 */
	unsigned long next_start;	/* start of the VMA after, or ~0 */
	char name[128];			/* as /proc/PID/maps names it */
};

/* One non-none leaf entry: present or not (swap, migration, marker...). */
struct mmlens_leaf {
	unsigned long addr;		/* first address it maps */
	enum mmlens_level level;	/* MMLENS_PUD, _PMD or _PTE */
	u64 raw;			/* the entry as read */
	bool zero;			/* maps the (huge) zero page */
};

struct mmlens_walk_ops {
	/* The walk enters a VMA (once per VMA, even across lock drops). */
	int (*vma_enter)(void *priv, const struct mmlens_vma_info *vi);
	/* The walk leaves the VMA last entered. */
	int (*vma_leave)(void *priv);
	int (*leaf)(void *priv, const struct mmlens_leaf *leaf);
	/*
	 * A page-table page met on the way down: @level is the level of the
	 * entries it holds, [@start, @end) the address span it translates.
	 */
	int (*table)(void *priv, enum mmlens_level level, unsigned long start,
		     unsigned long end);
};

int mmlens_walk(struct mm_struct *mm, unsigned long start, unsigned long end,
		const struct mmlens_walk_ops *ops, void *priv);

/* Entries of every level from pgd down to the leaf for one address. */
struct mmlens_translation {
	u64 entry[MMLENS_NR_LEVELS];
	unsigned int index[MMLENS_NR_LEVELS];
	bool folded[MMLENS_NR_LEVELS];	/* p4d on 4-level paging */
	enum mmlens_level last;		/* deepest level read */
	bool leaf;			/* entry[last] is a leaf (not none) */
	bool zero;
	bool mapped;			/* address inside a VMA */
};

int mmlens_translate(struct mm_struct *mm, unsigned long addr,
		     struct mmlens_translation *t);

#endif /* MMLENS_WALK_H */
