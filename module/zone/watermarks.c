// SPDX-License-Identifier: GPL-2.0
/*
 * watermarks.c - /proc/mmlens/watermarks: each zone's watermarks, the
 * counts the allocator checks them against, and per order whether
 * __zone_watermark_ok() would pass each mark now.
 *
 * The numbers /proc/zoneinfo also prints (free, min, low, high, spanned,
 * present, managed, protection) are read the way mm/vmstat.c reads them,
 * so in a quiet system the two files agree. The verdicts use the zone's
 * free-list snapshot (zones.c) and NR_FREE_PAGES read just after it: the
 * allocator reads the same values without zone->lock, so a verdict is as
 * stable as the allocator's own decision, no more.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/vmstat.h>

#include "core/parts.h"
#include "zone/frag_math.h"
#include "zone/zones.h"

static const char *ok_fail(bool ok)
{
	return ok ? "ok" : "fail";
}

static void watermarks_print(struct seq_file *m, pg_data_t *pgdat,
			     struct zone *zone,
			     const struct mmlens_zone_snap *snap)
{
	unsigned long marks[NR_WMARK] = {
		[WMARK_MIN] = min_wmark_pages(zone),
		[WMARK_LOW] = low_wmark_pages(zone),
		[WMARK_HIGH] = high_wmark_pages(zone),
	};
	unsigned long free_cma = zone_page_state(zone, NR_FREE_CMA_PAGES);
	unsigned long highatomic = mmlens_zone_highatomic(zone);
	struct mmlens_wmark_zone wz = {
		.free_pages = zone_page_state(zone, NR_FREE_PAGES),
		.unusable = highatomic,
		/* highest_zoneidx is this zone: its own entry */
		.reserve = zone->lowmem_reserve[zone_idx(zone)],
		.usable_orders = snap->usable_orders,
	};
	unsigned int order, i;

	/* Without ALLOC_CMA the check never counts free CMA pages. */
	if (IS_ENABLED(CONFIG_CMA))
		wz.unusable += free_cma;

	seq_printf(m,
		   "Node %d, zone %s free=%lu min=%lu low=%lu high=%lu boost=%lu highatomic=%lu free_cma=%lu managed=%lu present=%lu spanned=%lu protection=",
		   pgdat->node_id, zone->name, wz.free_pages,
		   marks[WMARK_MIN], marks[WMARK_LOW], marks[WMARK_HIGH],
		   zone->watermark_boost, highatomic, free_cma,
		   zone_managed_pages(zone), zone->present_pages,
		   zone->spanned_pages);
	for (i = 0; i < ARRAY_SIZE(zone->lowmem_reserve); i++)
		seq_printf(m, "%s%ld", i ? "," : "", zone->lowmem_reserve[i]);
	seq_putc(m, '\n');

	for (order = 0; order < MMLENS_NR_ORDERS; order++)
		seq_printf(m, "Node %d, zone %s order=%u min=%s low=%s high=%s\n",
			   pgdat->node_id, zone->name, order,
			   ok_fail(mmlens_watermark_ok(&wz, order,
						       marks[WMARK_MIN])),
			   ok_fail(mmlens_watermark_ok(&wz, order,
						       marks[WMARK_LOW])),
			   ok_fail(mmlens_watermark_ok(&wz, order,
						       marks[WMARK_HIGH])));
}

static int watermarks_show(struct seq_file *m, void *v)
{
	mmlens_walk_zones(m, v, watermarks_print);
	return 0;
}

static const struct seq_operations watermarks_sops = {
	.start = mmlens_node_start,
	.next = mmlens_node_next,
	.stop = mmlens_node_stop,
	.show = watermarks_show,
};

int mmlens_watermarks_init(struct proc_dir_entry *dir)
{
	if (!proc_create_seq("watermarks", 0444, dir, &watermarks_sops))
		return -ENOMEM;
	return 0;
}
