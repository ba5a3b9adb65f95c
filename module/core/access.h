/* SPDX-License-Identifier: GPL-2.0 */
/*
 * access.h - who may open what: the capability rules of mmlens's files,
 * checked once at open against the opener's credentials (file_ns_capable),
 * and the lockdown rule of kernel addresses (docs/security.md).
 */
#ifndef MMLENS_CORE_ACCESS_H
#define MMLENS_CORE_ACCESS_H

#include <linux/types.h>

struct file;

/*
 * A file that shows PFNs (pageblocks, and every page-table report):
 * CAP_SYS_ADMIN in the initial user namespace, like pagemap's PFN rule.
 * 0 or -EPERM.
 */
int mmlens_pfn_access(struct file *file);

/*
 * A file that shows another process's address space (target, vmas,
 * pagetable, vtop, numa): the PFN rule and CAP_SYS_PTRACE, both in the
 * initial user namespace. 0 or -EPERM.
 */
int mmlens_report_access(struct file *file);

/*
 * Kernel lockdown at confidentiality: true when reports must not show
 * the physical addresses of page-table pages (access.c says why).
 */
bool mmlens_lockdown_hides_tables(void);

#endif /* MMLENS_CORE_ACCESS_H */
