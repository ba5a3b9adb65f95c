// SPDX-License-Identifier: GPL-2.0
/*
 * frag_math.c - extfrag and unusable index math.
 *
 * The integer arithmetic, including its types, is that of mm/vmstat.c
 * (__fragmentation_index, unusable_free_index) so that every value we
 * print is the one the kernel prints for the same counts, odd corners
 * included: e.g. the extfrag index can go below zero by more than the
 * -1000 sentinel when very few small blocks are free, and the kernel then
 * prints " 0.-500"; so do we.
 *
 * One deliberate difference: mm/vmstat.c divides by free_blocks_total and
 * free_pages through div_u64(), whose divisor is u32. From 2^32 free
 * pages (16 TiB) in a zone its divisor is truncated: wrong values, and a
 * divide error when the count is a multiple of 2^32 (KUnit mmlens_frag
 * hit exactly that). We divide by the full 64-bit count; below 2^32 the
 * results are the same.
 *
 * The watermark check and the compaction rules below follow mm/page_alloc.c
 * __zone_watermark_ok() and mm/compaction.c of 6.1 and 6.12 for callers
 * without any ALLOC_* flag beyond the mark (docs/frag.md says which lines).
 */
#include <linux/math64.h>
#include <linux/module.h>

#include "kernel/compat.h"
#include "zone/frag_math.h"

void mmlens_contig_info(const unsigned long *nr_free, unsigned int nr_orders,
			unsigned int suitable_order,
			struct mmlens_contig_info *info)
{
	unsigned int order;

	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;

	for (order = 0; order < nr_orders; order++) {
		unsigned long blocks = nr_free[order];

		info->free_blocks_total += blocks;
		info->free_pages += blocks << order;
		if (order >= suitable_order)
			info->free_blocks_suitable +=
				blocks << (order - suitable_order);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_contig_info);

/*
 * 0 means an allocation of this order would fail for lack of memory, 1000
 * that it would fail for fragmentation; -1000 that it would not fail.
 */
int mmlens_extfrag_index(unsigned int order,
			 const struct mmlens_contig_info *info)
{
	unsigned long requested = 1UL << order;

	if (!info->free_blocks_total)
		return 0;
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - div64_u64(1000 + div_u64(info->free_pages * 1000ULL,
					       requested),
				info->free_blocks_total);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_extfrag_index);

/* Share of free memory, in thousandths, in blocks smaller than the order. */
int mmlens_unusable_index(unsigned int order,
			  const struct mmlens_contig_info *info)
{
	if (info->free_pages == 0)
		return 1000;
	return div64_u64((info->free_pages -
			  (info->free_blocks_suitable << order)) * 1000ULL,
			 info->free_pages);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_unusable_index);

/* Share of free memory, in percent, in blocks smaller than the order. */
unsigned int mmlens_extfrag_percent(unsigned int order,
				    const struct mmlens_contig_info *info)
{
	if (info->free_pages == 0)
		return 0;
	return div64_u64((info->free_pages -
			  (info->free_blocks_suitable << order)) * 100,
			 info->free_pages);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_extfrag_percent);

/*
 * __zone_watermark_ok() with alloc_flags = the mark alone: no reserve
 * rights (so no lowering of @mark, and the highatomic pages are unusable),
 * no ALLOC_CMA, no ALLOC_HIGHATOMIC. The kernel's free_pages is a long and
 * may go negative; so may ours.
 */
bool mmlens_watermark_ok(const struct mmlens_wmark_zone *z,
			 unsigned int order, unsigned long mark)
{
	long free = (long)z->free_pages - (long)((1UL << order) - 1) -
		    (long)z->unusable;

	if (free <= (long)mark + z->reserve)
		return false;
	if (!order)
		return true;
	/* At least one suitable block on an Unmovable/Movable/Reclaimable list. */
	return (z->usable_orders >> order) != 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_watermark_ok);

/*
 * compaction_deferred(zone, order) answers true when order >=
 * compact_order_failed and ++compact_considered < 1 << compact_defer_shift.
 * Order 0 is never compacted, so the lowest order reported is 1.
 */
int mmlens_first_deferred_order(unsigned int considered,
				unsigned int defer_shift, int order_failed,
				unsigned int nr_orders)
{
	unsigned long limit = 1UL << defer_shift;
	int first = max(order_failed, 1);

	if ((unsigned long)considered + 1 >= limit)
		return -1;
	if (first >= (int)nr_orders)
		return -1;
	return first;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_first_deferred_order);
