/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reports.h - the walker's reports, one generator each (vmas.c,
 * pagetable.c, vtop.c, numa.c): each walks @mm with its visitor and
 * appends its text to @out (formats in docs/walk.md). files.c calls
 * them with a reference on @mm, per read from offset 0.
 */
#ifndef MMLENS_REPORTS_H
#define MMLENS_REPORTS_H

#include <linux/mm_types.h>
#include <linux/sched.h>

#include "pt/walk.h"
#include "reports/textbuf.h"

int mmlens_report_vmas(struct mm_struct *mm, struct mmlens_textbuf *out);
int mmlens_report_pagetable(struct mm_struct *mm, pid_t pid,
			    const char *comm, struct mmlens_textbuf *out);
/*
 * @hide_tables: print upper-level entries that point to a table without
 * their address bits (kernel lockdown, confidentiality: docs/security.md).
 */
int mmlens_report_vtop(struct mm_struct *mm, unsigned long addr,
		       bool hide_tables, struct mmlens_textbuf *out);

/*
 * The policy numa_maps prints for VMAs without one of their own: the
 * task's, read when the report is generated (the caller holds a task
 * reference).
 */
void mmlens_numa_task_policy(struct task_struct *task,
			     struct mmlens_policy *p);
int mmlens_report_numa(struct mm_struct *mm, const struct mmlens_policy *task,
		       struct mmlens_textbuf *out);

#endif /* MMLENS_REPORTS_H */
