// SPDX-License-Identifier: GPL-2.0
/*
 * level.c - names, sizes and table indices of the paging levels.
 *
 * Written from the x86-64 layout (9 index bits per level above the 12-bit
 * page offset), not from the kernel's PGDIR_SHIFT & co: those change at
 * run time with 5-level paging, and the KUnit suite checks both layouts
 * on whichever one the test machine boots.
 */
#include <linux/kernel.h>
#include <linux/module.h>

#include "kernel/compat.h"
#include "pt/level.h"

static const char * const level_names[MMLENS_NR_LEVELS] = MMLENS_LEVEL_NAMES;

/* Address bit where the index of each level starts (5-level layout). */
static const unsigned int level_shift[MMLENS_NR_LEVELS] = {
	[MMLENS_PGD] = 48, [MMLENS_P4D] = 39, [MMLENS_PUD] = 30,
	[MMLENS_PMD] = 21, [MMLENS_PTE] = 12,
};

const char *mmlens_level_name(enum mmlens_level level)
{
	return level < MMLENS_NR_LEVELS ? level_names[level] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_level_name);

/*
 * With 4 levels the p4d is folded into the pgd: the pgd takes the p4d's
 * shift, and the folded p4d has one entry (index 0) covering as much.
 */
static unsigned int shift_of(enum mmlens_level level, unsigned int levels)
{
	if (levels == 4 && level == MMLENS_PGD)
		return level_shift[MMLENS_P4D];
	return level_shift[level];
}

unsigned long mmlens_level_size(enum mmlens_level level)
{
	if (level >= MMLENS_NR_LEVELS)
		return 0;
	return 1UL << level_shift[level];
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_level_size);

unsigned int mmlens_level_index(unsigned long addr, enum mmlens_level level,
				unsigned int levels)
{
	if (level >= MMLENS_NR_LEVELS)
		return 0;
	if (levels == 4 && level == MMLENS_P4D)
		return 0;
	return (addr >> shift_of(level, levels)) & 511;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_level_index);
