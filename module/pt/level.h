/* SPDX-License-Identifier: GPL-2.0 */
/*
 * level.h - the levels of x86-64 paging (pgd, p4d, pud, pmd, pte): their
 * names, the bytes one entry of each maps and the index of an address in
 * a table of each. Pure functions (KUnit target); everything that talks
 * about levels includes this, and this includes only the vocabulary.
 */
#ifndef MMLENS_LEVEL_H
#define MMLENS_LEVEL_H

#include <linux/types.h>

#include "mmlens_vocab.h"	/* enum mmlens_level, shared with the tool */

const char *mmlens_level_name(enum mmlens_level level);
/*
 * Bytes one entry of @level maps: 4 KiB, 2 MiB, 1 GiB, 512 GiB, and for
 * the pgd 256 TiB with 5-level paging (with 4 levels a pgd entry maps what
 * a p4d entry does).
 */
unsigned long mmlens_level_size(enum mmlens_level level);
unsigned int mmlens_level_index(unsigned long addr, enum mmlens_level level,
				unsigned int levels);

#endif /* MMLENS_LEVEL_H */
