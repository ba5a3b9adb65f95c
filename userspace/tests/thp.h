/* SPDX-License-Identifier: GPL-2.0 */
/*
 * thp.h - the test programs on a kernel built without transparent huge
 * pages (CONFIG_TRANSPARENT_HUGEPAGE=n; 6.12's PREEMPT_RT excludes THP,
 * mm/Kconfig). There madvise() answers MADV_HUGEPAGE and MADV_NOHUGEPAGE
 * with EINVAL, and no mapping ever gets a huge PMD of anonymous memory.
 */
#ifndef MMLENS_TESTS_THP_H
#define MMLENS_TESTS_THP_H

#include <stddef.h>
#include <sys/mman.h>
#include <unistd.h>

#define THP_SYSFS "/sys/kernel/mm/transparent_hugepage"

static inline int thp_supported(void)
{
	return access(THP_SYSFS, F_OK) == 0;
}

/* MADV_NOHUGEPAGE where THP exists; without THP there is nothing to keep
 * away, so that is success too. */
static inline int no_thp(void *p, size_t len)
{
	return thp_supported() ? madvise(p, len, MADV_NOHUGEPAGE) : 0;
}

#endif
