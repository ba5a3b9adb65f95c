// SPDX-License-Identifier: GPL-2.0
/*
 * zones.c - node/zone iteration for the fragmentation files.
 *
 * Locking: zone->lock (irq-safe spinlock) protects free_area[].nr_free and
 * the free lists. We hold it only to copy a zone's counts (and whether the
 * first MIGRATE_PCPTYPES lists of each order are empty) or to count one
 * free list, never while formatting output, so the time with interrupts
 * off is bounded by MMLENS_NR_ORDERS * 4 loads, or by the list-walk cap that
 * /proc/pagetypeinfo uses for the same reason.
 *
 * PREEMPT_RT: zone->lock is a spinlock_t, so there it is a sleeping
 * (rt_mutex) lock and spin_lock_irqsave() leaves interrupts on; the hold
 * may be preempted, and every allocator of the zone waits behind it, so
 * the same bound matters as much. We take it only from process context
 * (seq_file show), never inside rcu_read_lock(), preempt_disable() or
 * another lock, and nothing under it sleeps or allocates, so it is
 * correct on RT as on other kernels (lockdep on debug6.12-rt checks it).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/sched.h>

#include "kernel/kshim.h"
#include "kernel/memmap.h"
#include "zone/zones.h"

/*
 * first_online_pgdat()/next_online_pgdat() are not exported; the online
 * node mask and NODE_DATA() are, and visit the same nodes in the same order.
 */
void *mmlens_node_start(struct seq_file *m, loff_t *pos)
{
	loff_t skip = *pos;
	int nid;

	for_each_online_node(nid) {
		if (!skip--)
			return NODE_DATA(nid);
	}
	return NULL;
}

void *mmlens_node_next(struct seq_file *m, void *v, loff_t *pos)
{
	pg_data_t *pgdat = v;
	int nid = next_online_node(pgdat->node_id);

	(*pos)++;
	return nid < MAX_NUMNODES ? NODE_DATA(nid) : NULL;
}

void mmlens_node_stop(struct seq_file *m, void *v)
{
}

void mmlens_zone_snapshot(struct zone *zone, struct mmlens_zone_snap *snap)
{
	unsigned long flags;
	unsigned int order, mt;

	snap->usable_orders = 0;
	spin_lock_irqsave(&zone->lock, flags);
	for (order = 0; order < MMLENS_NR_ORDERS; order++) {
		struct free_area *area = &zone->free_area[order];

		snap->nr_free[order] = area->nr_free;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				snap->usable_orders |= 1UL << order;
	}
	spin_unlock_irqrestore(&zone->lock, flags);
}

static void walk_zones(struct seq_file *m, pg_data_t *pgdat,
		       mmlens_zone_print_t print, bool snapshot)
{
	struct mmlens_zone_snap snap;
	struct zone *zone;

	for (zone = pgdat->node_zones;
	     zone - pgdat->node_zones < MAX_NR_ZONES; zone++) {
		if (!populated_zone(zone))
			continue;
		if (snapshot)
			mmlens_zone_snapshot(zone, &snap);
		print(m, pgdat, zone, snapshot ? &snap : NULL);
	}
}

/* Calls @print for each populated zone of @pgdat, lowest zone first. */
void mmlens_walk_zones(struct seq_file *m, pg_data_t *pgdat,
		       mmlens_zone_print_t print)
{
	walk_zones(m, pgdat, print, true);
}

/*
 * The same, with a NULL snapshot: pagetypeinfo reads no nr_free, and a
 * copy nobody reads would only add two irq-off windows per zone and read.
 */
void mmlens_walk_zones_nosnap(struct seq_file *m, pg_data_t *pgdat,
			      mmlens_zone_print_t print)
{
	walk_zones(m, pgdat, print, false);
}

/*
 * Length of one free list, stopping at @cap like /proc/pagetypeinfo (the
 * lists can be very long and we walk them with interrupts off). Each call
 * is its own lock hold, which matches the kernel dropping the lock
 * between orders.
 */
unsigned long mmlens_count_free_list(struct zone *zone, unsigned int order,
				     unsigned int mt, unsigned long cap,
				     bool *overflow)
{
	struct list_head *head = &zone->free_area[order].free_list[mt];
	struct list_head *curr;
	unsigned long count = 0;
	unsigned long flags;

	*overflow = false;
	spin_lock_irqsave(&zone->lock, flags);
	list_for_each(curr, head) {
		if (++count >= cap) {
			*overflow = true;
			break;
		}
	}
	spin_unlock_irqrestore(&zone->lock, flags);
	cond_resched();
	return count;
}

/*
 * Pageblocks of @zone by migratetype. The kernel reads these bits under
 * zone->lock, but the bits are written without it (set_pfnblock_flags_mask
 * uses cmpxchg) so the lock buys nothing; we read them unlocked and
 * reschedule now and then, which keeps a huge zone from stalling the CPU.
 * Hot-remove can free a block's memmap at any point of the loop: the
 * zone test reads it through memmap.h, and the type through compat.h.
 */
void mmlens_count_pageblocks(struct zone *zone,
			     unsigned long count[MIGRATE_TYPES])
{
	unsigned long pfn, end_pfn = zone_end_pfn(zone);
	unsigned int mt;

	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		count[mt] = 0;

	for (pfn = zone->zone_start_pfn; pfn < end_pfn;
	     pfn += pageblock_nr_pages) {
		if (!(pfn & (PAGES_PER_SECTION - 1)))
			cond_resched();
		if (!mmlens_pfn_in_zone(pfn, zone))
			continue;
		mt = mmlens_pageblock_migratetype(pfn);
		if (mt < MIGRATE_TYPES)
			count[mt]++;
	}
}
