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

/* mm/vmstat.c extfrag_for_order(): percent of free pages in smaller blocks. */
unsigned int mmlens_extfrag_percent(unsigned int order,
				    const struct mmlens_contig_info *info);

/**
 * struct mmlens_wmark_zone - what __zone_watermark_ok() reads of a zone
 * @free_pages: NR_FREE_PAGES
 * @unusable: free pages the check never counts for a caller without
 *	ALLOC_* reserve rights: the highatomic reserve (6.1) or its free
 *	pages (6.12), plus free CMA pages when the kernel has CMA
 * @reserve: lowmem_reserve[] of the zone for the allocation's highest
 *	zone index
 * @usable_orders: bit k set when a free list of order k of one of the
 *	migratetypes below MIGRATE_PCPTYPES is not empty
 */
struct mmlens_wmark_zone {
	unsigned long free_pages;
	unsigned long unusable;
	long reserve;
	unsigned long usable_orders;
};

bool mmlens_watermark_ok(const struct mmlens_wmark_zone *z,
			 unsigned int order, unsigned long mark);

/*
 * mm/compaction.c compaction_deferred() without its side effect: the
 * lowest order it would skip now, or -1 when it would skip none.
 */
int mmlens_first_deferred_order(unsigned int considered,
				unsigned int defer_shift, int order_failed,
				unsigned int nr_orders);

#endif /* MMLENS_FRAG_MATH_H */
