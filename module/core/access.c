// SPDX-License-Identifier: GPL-2.0
/*
 * access.c - the capability rules of mmlens's files and the lockdown rule
 * of kernel addresses.
 *
 * Capabilities are checked once, at open, against the opener's
 * credentials (file_ns_capable), in the initial user namespace: an fd
 * opened with them keeps working wherever it is passed, as
 * /proc/PID/pagemap's does. The page-table reports show PFNs (the
 * CAP_SYS_ADMIN rule of pagemap) and another process's address space:
 * pagemap asks ptrace_may_access() for that, which applies Yama and the
 * LSMs' ptrace policy; it is not exported, so the capability it lets
 * through is required outright, and a container runtime that drops
 * ptrace drops these files too (docs/security.md).
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/security.h>
#include <linux/user_namespace.h>

#include "core/access.h"

int mmlens_pfn_access(struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

int mmlens_report_access(struct file *file)
{
	if (mmlens_pfn_access(file) ||
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE))
		return -EPERM;
	return 0;
}

/*
 * Kernel lockdown at confidentiality: may vtop show the physical
 * addresses of page-table pages? Asked per vtop read with the reason
 * whose rule it follows, reading kernel memory's layout as /proc/kcore
 * would (lockdown logs, rate-limited, "/proc/kcore access is restricted"
 * for it). PFNs of user pages stay visible, as in pagemap.
 */
bool mmlens_lockdown_hides_tables(void)
{
	return security_locked_down(LOCKDOWN_KCORE) != 0;
}
