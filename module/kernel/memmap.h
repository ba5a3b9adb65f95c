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
 * So these helpers read struct pages only through the exception-table
 * loads copy_from_kernel_nofault() is built from (mm/maccess.c). A
 * memmap that has been unmapped reads as gone, and the caller skips the
 * block, as it would skip an offline one.
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

#include "kernel/kshim.h"	/* mmlens_type_is_buddy() */

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
 * One field of a struct page, or a jump to @gone if its memmap is not
 * mapped: __get_kernel_nofault(), one load with an exception-table
 * entry, as mm/maccess.c and arch/x86/kernel/alternative.c use it. The
 * caller holds pagefault_disable() around a run of these (as
 * copy_from_kernel_nofault() does) and has checked that the address is a
 * memmap address, which is the check copy_from_kernel_nofault() would
 * add. A scan of every struct page of a block pays one load per page, not
 * a function call or a copy of the whole struct page.
 */
#define mmlens_memmap_load(dst, field, gone) \
	__get_kernel_nofault(&(dst), &(field), typeof(dst), gone)

/* The flags word of a valid @pfn's struct page; false if it is gone. */
static inline bool mmlens_memmap_flags(unsigned long pfn, unsigned long *flags)
{
	struct page *page = pfn_to_page(pfn);
	unsigned long v;

	pagefault_disable();
	mmlens_memmap_load(v, page->flags, gone);
	pagefault_enable();
	*flags = v;
	return true;
gone:
	pagefault_enable();
	return false;
}

/*
 * The page->mapping word of a valid @pfn's struct page; false if it is
 * gone. Only compared with PAGE_MAPPING_ANON, never followed.
 */
static inline bool mmlens_memmap_mapping(unsigned long pfn,
					 unsigned long *mapping)
{
	struct page *page = pfn_to_page(pfn);
	unsigned long v;

	pagefault_disable();
	mmlens_memmap_load(v, *(unsigned long *)&page->mapping, gone);
	pagefault_enable();
	*mapping = v;
	return true;
gone:
	pagefault_enable();
	return false;
}

/*
 * pfn_to_online_page() inside an RCU read section: it reads the
 * section's usage map (pfn_section_valid(): READ_ONCE(ms->usage), then
 * its subsection bits), which section_deactivate() frees with
 * kfree_rcu() (mm/sparse.c, 6.1 and 6.12). pfn_valid() holds
 * rcu_read_lock_sched() around the same read for that reason;
 * pfn_to_online_page() takes nothing and leaves it to its caller. The
 * page pointer is not returned: it stays valid no longer than the
 * section does, and every read of it goes through the loads above.
 */
static inline bool mmlens_pfn_online(unsigned long pfn)
{
	bool online;

	rcu_read_lock();
	online = pfn_to_online_page(pfn);
	rcu_read_unlock();
	return online;
}

/*
 * Whether @pfn is online memory of @zone: pagetypeinfo's test
 * (pfn_to_online_page(), then page_zone()), with the zone worked out
 * from a fault-safe read of the flags word.
 */
static inline bool mmlens_pfn_in_zone(unsigned long pfn,
				      struct zone *zone)
{
	unsigned long flags;

	return mmlens_pfn_online(pfn) && mmlens_memmap_flags(pfn, &flags) &&
	       mmlens_flags_in_zone(flags, zone);
}

#endif /* MMLENS_MEMMAP_H */
