// SPDX-License-Identifier: GPL-2.0
/*
 * pageblocks.c - /proc/mmlens/pageblocks: physical memory as pageblocks,
 * with each block's migratetype, free pages and largest free order, runs
 * of identical blocks merged into one line.
 *
 * Which blocks: those /proc/pagetypeinfo's "Number of blocks type" table
 * counts (mm/vmstat.c pagetypeinfo_showblockcount_print(), the same in 6.1
 * and 6.12): the pfns zone_start_pfn + k * pageblock_nr_pages that are
 * online, belong to the zone and have a migratetype below MIGRATE_TYPES.
 * So per zone the blocks of each type here sum to that table's row.
 *
 * Free pages are counted without zone->lock, by a racy scan of each
 * block's struct pages for PageBuddy heads and their order, as
 * /proc/kpageflags reads them: taking zone->lock (irq-off, or on
 * PREEMPT_RT a sleeping lock every allocator of the zone waits for)
 * across a whole zone would stall allocations on every CPU for as long
 * as the scan.
 * In a quiet system the sum over a zone equals buddyinfo's free pages.
 * A racing allocation can make a block's count stale or (a head read
 * between its PageBuddy and order updates) skip a few pages; an order
 * read out of range is ignored.
 *
 * Hot-remove: a block is checked online (memmap.h mmlens_pfn_online():
 * pfn_to_online_page() inside RCU) before its struct pages are scanned,
 * but nothing exported keeps it online, so the scan reads the memmap
 * only through memmap.h's fault-safe loads. A section removed meanwhile
 * ends the block's scan and the block is left out, as pagetypeinfo
 * leaves out an offline one. The type bits are read RCU-safely
 * (compat.h).
 *
 * seq_file records: a zone's header, then one run per record. The
 * position encodes (node, zone, first block of the run), so a read that
 * resumes mid-zone rescans only from there.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/nodemask.h>
#include <linux/proc_fs.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>

#include "core/access.h"
#include "core/parts.h"
#include "kernel/compat.h"
#include "kernel/kshim.h"
#include "kernel/memmap.h"

#define POS_ZONE_SHIFT 40

struct pb_cursor {
	struct zone *zone;
	unsigned long blk;	 /* the record's first block in its zone */
	unsigned long next_blk;	 /* set by show: the block after the run */
};

struct pb_info {
	unsigned int type;
	unsigned long pfn;	/* first pfn of the block inside the zone */
	unsigned long free;
	int largest;		/* -1: no free page */
};

static unsigned long zone_blocks(const struct zone *zone)
{
	return DIV_ROUND_UP(READ_ONCE(zone->spanned_pages), pageblock_nr_pages);
}

static loff_t zone_pos(struct zone *zone, unsigned long blk)
{
	loff_t idx = zone_to_nid(zone) * MAX_NR_ZONES + zone_idx(zone);

	return idx << POS_ZONE_SHIFT | blk;
}

/* The first populated zone at or after @pos, its block in @cur. */
static bool cursor_seek(struct pb_cursor *cur, loff_t pos)
{
	loff_t want_zone = pos >> POS_ZONE_SHIFT;
	unsigned long blk = pos & ((1ULL << POS_ZONE_SHIFT) - 1);
	int nid, zid;

	for_each_online_node(nid) {
		for (zid = 0; zid < MAX_NR_ZONES; zid++) {
			struct zone *zone = &NODE_DATA(nid)->node_zones[zid];
			loff_t here = (loff_t)nid * MAX_NR_ZONES + zid;

			if (here < want_zone || !populated_zone(zone))
				continue;
			if (here > want_zone)
				blk = 0;
			else if (blk >= zone_blocks(zone))
				continue;
			cur->zone = zone;
			cur->blk = blk;
			cur->next_blk = blk;
			return true;
		}
	}
	return false;
}

/*
 * The order of the free buddy whose head is @page, if @page is one in
 * @zone; -1 if not; -EFAULT if its memmap is not mapped. The order is
 * racy by design (header comment), as buddy_order_unsafe() reads it.
 * The caller holds pagefault_disable() (memmap.h).
 */
static inline int buddy_head_order(struct page *page, struct zone *zone)
{
	unsigned long order, flags;
	unsigned int type;

	mmlens_memmap_load(type, page->page_type, gone);
	if (!mmlens_type_is_buddy(type))
		return -1;
	mmlens_memmap_load(order, page->private, gone);
	mmlens_memmap_load(flags, page->flags, gone);
	if (order >= MMLENS_NR_ORDERS || !mmlens_flags_in_zone(flags, zone))
		return -1;
	return order;
gone:
	return -EFAULT;
}

/*
 * A free buddy larger than a pageblock covers the blocks after its head
 * block, whose own pages show no PageBuddy head: find it, as the kernel's
 * is_free_buddy_page() looks for the head of a page's free block.
 */
static int covering_order(struct zone *zone, unsigned long pfn)
{
	unsigned int order;
	int found = -1;

	pagefault_disable();
	for (order = pageblock_order + 1; order < MMLENS_NR_ORDERS; order++) {
		unsigned long head = pfn & ~((1UL << order) - 1);

		if (head == pfn || !mmlens_pfn_online(head))
			continue;
		found = buddy_head_order(pfn_to_page(head), zone);
		if (found >= (int)order)
			break;
		found = -1;
	}
	pagefault_enable();
	return found;
}

/*
 * Free pages of [start, end), one pageblock or less (so in one section's
 * memmap); never sleeps. False if the memmap went away during the scan.
 */
static bool count_free(struct zone *zone, unsigned long start,
		       unsigned long end, struct pb_info *bi)
{
	struct page *page = pfn_to_page(start);
	unsigned long i = 0, n = end - start;
	int order = -1;

	bi->free = 0;
	bi->largest = -1;
	if (IS_ALIGNED(start, pageblock_nr_pages)) {
		order = covering_order(zone, start);
		if (order >= 0) {
			bi->free = n;
			bi->largest = order;
			return true;
		}
	}
	pagefault_disable();
	while (i < n) {
		order = buddy_head_order(&page[i], zone);
		if (order == -EFAULT)
			break;
		if (order < 0) {
			i++;
			continue;
		}
		bi->free += min(1UL << order, n - i);
		bi->largest = max(bi->largest, order);
		i += 1UL << order;
	}
	pagefault_enable();
	return order != -EFAULT;
}

/* Block @blk of @zone as pagetypeinfo counts it; false if it doesn't. */
static bool block_info(struct zone *zone, unsigned long blk,
		       struct pb_info *bi)
{
	unsigned long zstart = READ_ONCE(zone->zone_start_pfn);
	unsigned long zend = zstart + READ_ONCE(zone->spanned_pages);
	unsigned long probe = zstart + blk * pageblock_nr_pages;
	unsigned long first = ALIGN_DOWN(probe, pageblock_nr_pages);

	if (probe >= zend || !mmlens_pfn_in_zone(probe, zone))
		return false;
	bi->type = mmlens_pageblock_migratetype(probe);
	if (bi->type >= MIGRATE_TYPES)
		return false;
	bi->pfn = max(first, zstart);
	return count_free(zone, bi->pfn,
			  min(first + pageblock_nr_pages, zend), bi);
}

static bool same_run(const struct pb_info *a, const struct pb_info *b)
{
	return a->type == b->type && a->free == b->free &&
	       a->largest == b->largest;
}

static int pageblocks_show(struct seq_file *m, void *v)
{
	struct pb_cursor *cur = v;
	struct zone *zone = cur->zone;
	unsigned long nblocks = zone_blocks(zone);
	unsigned long blk = cur->blk, n;
	struct pb_info run, bi;

	if (blk == 0)
		seq_printf(m, "Node %d, zone %s\n", zone_to_nid(zone),
			   zone->name);

	/* Blocks pagetypeinfo does not count start no run. */
	while (blk < nblocks && !block_info(zone, blk, &run)) {
		blk++;
		cond_resched();
	}
	cur->next_blk = blk;
	if (blk >= nblocks)
		return 0;

	for (n = 1, blk++; blk < nblocks; n++, blk++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		if (!block_info(zone, blk, &bi) || !same_run(&run, &bi))
			break;
	}
	cur->next_blk = blk;

	seq_printf(m, "pfn=0x%lx blocks=%lu type=%s free=%lu largest=",
		   run.pfn, n, mmlens_migratetype_name(run.type), run.free);
	if (run.largest < 0)
		seq_puts(m, "-\n");
	else
		seq_printf(m, "%d\n", run.largest);
	return 0;
}

static void *pageblocks_start(struct seq_file *m, loff_t *pos)
{
	struct pb_cursor *cur = m->private;

	if (!cursor_seek(cur, *pos))
		return NULL;
	*pos = zone_pos(cur->zone, cur->blk);
	return cur;
}

static void *pageblocks_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct pb_cursor *cur = v;
	loff_t next = zone_pos(cur->zone, cur->next_blk);

	/* show() always moves on; past the zone's end seek finds the next. */
	if (next <= *pos)
		next = *pos + 1;
	*pos = next;
	return cursor_seek(cur, next) ? cur : NULL;
}

static void pageblocks_stop(struct seq_file *m, void *v)
{
}

static const struct seq_operations pageblocks_sops = {
	.start = pageblocks_start,
	.next = pageblocks_next,
	.stop = pageblocks_stop,
	.show = pageblocks_show,
};

/*
 * 0400 like pagetypeinfo, and the PFN rule at open (mmlens_pfn_access()):
 * the map gives the physical frame of every block, which root without
 * CAP_SYS_ADMIN must not see, as in pagemap.
 */
static int pageblocks_open(struct inode *inode, struct file *file)
{
	int ret = mmlens_pfn_access(file);

	if (ret)
		return ret;
	return seq_open_private(file, &pageblocks_sops,
				sizeof(struct pb_cursor));
}

static const struct proc_ops pageblocks_proc_ops = {
	.proc_open = pageblocks_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = seq_release_private,
};

int mmlens_pageblocks_init(struct proc_dir_entry *dir)
{
	if (!proc_create("pageblocks", 0400, dir, &pageblocks_proc_ops))
		return -ENOMEM;
	return 0;
}
