// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - maximal runs: virtually contiguous entries of one level and one
 * kind with identical flags whose frames (swap offsets) advance by exactly
 * one entry, so that expanding a run page by page is exact.
 */
#include <linux/module.h>

#include "kernel/compat.h"
#include "pt/run.h"

/* How far the value of an entry advances per entry; 0: never merged. */
static u64 run_step(const struct mmlens_entry *e, enum mmlens_level level)
{
	switch (e->kind) {
	case MMLENS_SWAP:
		return 1;
	case MMLENS_MARKER:
	case MMLENS_OTHER:
		return 0;
	default:
		return mmlens_level_size(level) >> PAGE_SHIFT;
	}
}

/* Adds the entry to @run if it continues it; false if a new run starts. */
bool mmlens_run_extend(struct mmlens_run *run, unsigned long addr,
		       enum mmlens_level level, const struct mmlens_entry *e)
{
	u64 step = run_step(e, level);

	if (!run->active || !step || run->end != addr ||
	    run->level != level || run->first.kind != e->kind ||
	    run->first.flags != e->flags || run->first.zero != e->zero ||
	    run->first.type != e->type || run->next != e->value)
		return false;
	run->end += mmlens_level_size(level);
	run->next += step;
	run->entries++;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_run_extend);

void mmlens_run_start(struct mmlens_run *run, unsigned long addr,
		      enum mmlens_level level, u64 raw,
		      const struct mmlens_entry *e)
{
	run->start = addr;
	run->end = addr + mmlens_level_size(level);
	run->level = level;
	run->first = *e;
	run->raw = raw;
	run->next = e->value + run_step(e, level);
	run->entries = 1;
	run->active = true;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_run_start);
