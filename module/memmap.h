/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memmap.h - reading struct pages that memory hot-remove may free while
 * we read them.
 *
 * pfn_to_online_page() only says that a section was online when it
 * looked. The memory hotplug lock that would keep it online
 * (get_online_mems()) is not exported, and section_deactivate() unmaps
 * and frees a removed section's memmap without waiting for readers
 * (mm/sparse.c, 6.1 and 6.12: only the usage map goes through
 * kfree_rcu()). The kernel's own pfn walkers (pagetypeinfo's block
 * count, kpageflags) dereference the page anyway and live with that
 * window. Ours is wider: a seq_file reader reschedules between blocks
 * and can be preempted inside one (preempt=full, PREEMPT_RT). The cold
 * CI run of 4db242a faulted there, in the vmemmap of a removed DIMM.
 *
 * So these helpers read struct pages only through
 * copy_from_kernel_nofault(). A memmap that has been unmapped reads as
 * gone, and the caller skips the block, as it would skip an offline one.
 * A memmap page that was freed and reused reads as garbage, which the
 * callers bound. Zone and node are worked out from the flags word by
 * arithmetic, never through NODE_DATA() or page_zone(), and orders are
 * checked against MMLENS_NR_ORDERS. The worst a race can then do is
 * misreport one block of memory that is going away: it cannot oops.
 */
#ifndef MMLENS_MEMMAP_H
#define MMLENS_MEMMAP_H

#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/uaccess.h>

/*
 * Zone and node from the flags word, never from the section table.
 * Without NODES_WIDTH page_to_nid() would read one, so refuse to build.
 */
#ifdef NODE_NOT_IN_PAGE_FLAGS
#error "mmlens reads the node from page->flags: needs !NODE_NOT_IN_PAGE_FLAGS"
#endif

static inline unsigned int mmlens_flags_zonenum(unsigned long flags)
{
	return (flags >> ZONES_PGSHIFT) & ZONES_MASK;
}

static inline int mmlens_flags_nid(unsigned long flags)
{
	return (flags >> NODES_PGSHIFT) & NODES_MASK;
}

static inline bool mmlens_flags_in_zone(unsigned long flags,
					struct zone *zone)
{
	return mmlens_flags_zonenum(flags) == zone_idx(zone) &&
	       mmlens_flags_nid(flags) == zone_to_nid(zone);
}

/*
 * Copy the struct pages of [@pfn, @pfn + @nr), a range inside one
 * pageblock and so inside one section's memmap; false if any of it is no
 * longer mapped. The caller has checked that @pfn is valid.
 */
static inline bool mmlens_memmap_copy(struct page *dst, unsigned long pfn,
				      unsigned int nr)
{
	return !copy_from_kernel_nofault(dst, pfn_to_page(pfn),
					 nr * sizeof(*dst));
}

/* The flags word of a valid @pfn's struct page; false if it is gone. */
static inline bool mmlens_memmap_flags(unsigned long pfn, unsigned long *flags)
{
	return !copy_from_kernel_nofault(flags, &pfn_to_page(pfn)->flags,
					 sizeof(*flags));
}

/*
 * Whether @pfn is online memory of @zone: pagetypeinfo's test
 * (pfn_to_online_page(), then page_zone()), with the zone read from a
 * copy of the flags word.
 */
static inline bool mmlens_pfn_in_zone(unsigned long pfn,
				      struct zone *zone)
{
	unsigned long flags;

	return pfn_to_online_page(pfn) && mmlens_memmap_flags(pfn, &flags) &&
	       mmlens_flags_in_zone(flags, zone);
}

#endif /* MMLENS_MEMMAP_H */
