/* SPDX-License-Identifier: GPL-2.0 */
/*
 * numa.h - the numa report: per VMA, its memory policy and pages
 * per node, as /proc/PID/numa_maps counts them (docs/walk.md).
 */
#ifndef MMLENS_NUMA_REPORT_H
#define MMLENS_NUMA_REPORT_H

#include <linux/mm_types.h>
#include <linux/sched.h>

#include "pt/walk.h"
#include "reports/textbuf.h"

/*
 * The policy numa_maps prints for VMAs without one of their own: the
 * task's, read when the report is generated (the caller holds a task
 * reference).
 */
void mmlens_numa_task_policy(struct task_struct *task,
			     struct mmlens_policy *p);
int mmlens_report_numa(struct mm_struct *mm, const struct mmlens_policy *task,
		       struct mmlens_textbuf *out);

#endif /* MMLENS_NUMA_REPORT_H */
