/* SPDX-License-Identifier: GPL-2.0 */
/*
 * run.h - coalescing leaf entries into the maximal runs of the pagetable
 * report. Pure functions (KUnit target).
 */
#ifndef MMLENS_RUN_H
#define MMLENS_RUN_H

#include "pt/entry.h"

struct mmlens_run {
	unsigned long start, end;
	enum mmlens_level level;
	struct mmlens_entry first;	/* decoded first entry */
	u64 raw;			/* first entry, for its flag names */
	u64 next;			/* value that would continue the run */
	unsigned long entries;
	bool active;
};

bool mmlens_run_extend(struct mmlens_run *run, unsigned long addr,
		       enum mmlens_level level, const struct mmlens_entry *e);
void mmlens_run_start(struct mmlens_run *run, unsigned long addr,
		      enum mmlens_level level, u64 raw,
		      const struct mmlens_entry *e);

#endif /* MMLENS_RUN_H */
