/* SPDX-License-Identifier: GPL-2.0 */
/*
 * walk_report.h - the vmas, pagetable and vtop reports: walk visitors that
 * turn what the walker finds into text.
 */
#ifndef MMLENS_WALK_REPORT_H
#define MMLENS_WALK_REPORT_H

#include <linux/mm_types.h>

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

#endif /* MMLENS_WALK_REPORT_H */
