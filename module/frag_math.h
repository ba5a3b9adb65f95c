/* SPDX-License-Identifier: GPL-2.0 */
/*
 * frag_math.h - the fragmentation indices of mm/vmstat.c as pure functions
 * of a zone's per-order free block counts, so KUnit can reach them.
 */
#ifndef MMLENS_FRAG_MATH_H
#define MMLENS_FRAG_MATH_H

#include <linux/types.h>

/* What mm/vmstat.c fill_contig_page_info() computes, for one order. */
struct mmlens_contig_info {
	unsigned long free_pages;	    /* sum of nr_free[o] << o */
	unsigned long free_blocks_total;    /* sum of nr_free[o] */
	unsigned long free_blocks_suitable; /* blocks of 1 << order, counted
					     * in units of that order
					     */
};

void mmlens_contig_info(const unsigned long *nr_free, unsigned int nr_orders,
			unsigned int suitable_order,
			struct mmlens_contig_info *info);
int mmlens_extfrag_index(unsigned int order,
			 const struct mmlens_contig_info *info);
int mmlens_unusable_index(unsigned int order,
			  const struct mmlens_contig_info *info);

#endif /* MMLENS_FRAG_MATH_H */
