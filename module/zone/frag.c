// SPDX-License-Identifier: GPL-2.0
/*
 * frag.c - /proc/mmlens/{buddyinfo,pagetypeinfo,extfrag_index,
 * unusable_index,fraginfo}: the fragmentation files the kernel also
 * prints.
 *
 * The first four reproduce, byte for byte, /proc/buddyinfo,
 * /proc/pagetypeinfo and debugfs extfrag/{extfrag_index,unusable_index}:
 * the format strings are the kernel's (mm/vmstat.c). fraginfo is the same
 * data as key=value lines for programs. Printers never hold zone->lock
 * while they format: they are handed a snapshot by the zone iterator
 * (zones.c), or (pagetypeinfo) ask zones.c for one count at a time.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "core/parts.h"
#include "kernel/kshim.h"
#include "zone/frag_math.h"
#include "zone/zones.h"

/* The counting cap of /proc/pagetypeinfo's free list walk. */
#define MMLENS_FREE_LIST_CAP 100000

static void buddyinfo_print(struct seq_file *m, pg_data_t *pgdat,
			    struct zone *zone,
			    const struct mmlens_zone_snap *snap)
{
	unsigned int order;

	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (order = 0; order < MMLENS_NR_ORDERS; order++)
		seq_printf(m, "%6lu ", snap->nr_free[order]);
	seq_putc(m, '\n');
}

/*
 * One index per order, as mm/vmstat.c prints them: "%2d.%03d" in
 * extfrag_show_print(), "%d.%03d" in unusable_show_print() (width 2 or
 * none).
 */
static void index_print(struct seq_file *m, pg_data_t *pgdat,
			struct zone *zone,
			const struct mmlens_zone_snap *snap,
			int (*index_of)(unsigned int order,
					const struct mmlens_contig_info *info),
			int width)
{
	struct mmlens_contig_info info;
	unsigned int order;
	int index;

	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (order = 0; order < MMLENS_NR_ORDERS; order++) {
		mmlens_contig_info(snap->nr_free, MMLENS_NR_ORDERS, order,
				   &info);
		index = index_of(order, &info);
		seq_printf(m, "%*d.%03d ", width, index / 1000, index % 1000);
	}
	seq_putc(m, '\n');
}

static void extfrag_print(struct seq_file *m, pg_data_t *pgdat,
			  struct zone *zone,
			  const struct mmlens_zone_snap *snap)
{
	index_print(m, pgdat, zone, snap, mmlens_extfrag_index, 2);
}

static void unusable_print(struct seq_file *m, pg_data_t *pgdat,
			   struct zone *zone,
			   const struct mmlens_zone_snap *snap)
{
	index_print(m, pgdat, zone, snap, mmlens_unusable_index, 0);
}

static void fraginfo_print(struct seq_file *m, pg_data_t *pgdat,
			   struct zone *zone,
			   const struct mmlens_zone_snap *snap)
{
	struct mmlens_contig_info info;
	unsigned int order;

	for (order = 0; order < MMLENS_NR_ORDERS; order++) {
		mmlens_contig_info(snap->nr_free, MMLENS_NR_ORDERS, order,
				   &info);
		seq_printf(m,
			   "node=%d zone=%s order=%u nr_free=%lu free_pages=%lu free_blocks_total=%lu free_blocks_suitable=%lu extfrag=%d unusable=%d\n",
			   pgdat->node_id, zone->name, order,
			   snap->nr_free[order], info.free_pages,
			   info.free_blocks_total, info.free_blocks_suitable,
			   mmlens_extfrag_index(order, &info),
			   mmlens_unusable_index(order, &info));
	}
}

static int buddyinfo_show(struct seq_file *m, void *v)
{
	mmlens_walk_zones(m, v, buddyinfo_print);
	return 0;
}

static int extfrag_show(struct seq_file *m, void *v)
{
	mmlens_walk_zones(m, v, extfrag_print);
	return 0;
}

/* The kernel skips memoryless nodes here (and in pagetypeinfo) only. */
static int unusable_show(struct seq_file *m, void *v)
{
	pg_data_t *pgdat = v;

	if (node_state(pgdat->node_id, N_MEMORY))
		mmlens_walk_zones(m, pgdat, unusable_print);
	return 0;
}

static int fraginfo_show(struct seq_file *m, void *v)
{
	mmlens_walk_zones(m, v, fraginfo_print);
	return 0;
}

static void pagetypeinfo_free_print(struct seq_file *m, pg_data_t *pgdat,
				    struct zone *zone,
				    const struct mmlens_zone_snap *snap)
{
	unsigned int order, mt;

	for (mt = 0; mt < MIGRATE_TYPES; mt++) {
		seq_printf(m, "Node %4d, zone %8s, type %12s ",
			   pgdat->node_id, zone->name,
			   mmlens_migratetype_name(mt));
		for (order = 0; order < MMLENS_NR_ORDERS; order++) {
			unsigned long count;
			bool overflow;

			count = mmlens_count_free_list(zone, order, mt,
						       MMLENS_FREE_LIST_CAP,
						       &overflow);
			seq_printf(m, "%s%6lu ", overflow ? ">" : "", count);
		}
		seq_putc(m, '\n');
	}
}

static void pagetypeinfo_blocks_print(struct seq_file *m, pg_data_t *pgdat,
				      struct zone *zone,
				      const struct mmlens_zone_snap *snap)
{
	unsigned long count[MIGRATE_TYPES];
	unsigned int mt;

	mmlens_count_pageblocks(zone, count);
	seq_printf(m, "Node %d, zone %8s ", pgdat->node_id, zone->name);
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12lu ", count[mt]);
	seq_putc(m, '\n');
}

static int pagetypeinfo_show(struct seq_file *m, void *v)
{
	pg_data_t *pgdat = v;
	unsigned int order, mt;

	if (!node_state(pgdat->node_id, N_MEMORY))
		return 0;

	seq_printf(m, "Page block order: %d\n", pageblock_order);
	seq_printf(m, "Pages per block:  %lu\n", pageblock_nr_pages);
	seq_putc(m, '\n');

	seq_printf(m, "%-43s ", "Free pages count per migrate type at order");
	for (order = 0; order < MMLENS_NR_ORDERS; order++)
		seq_printf(m, "%6d ", order);
	seq_putc(m, '\n');
	mmlens_walk_zones_nosnap(m, pgdat, pagetypeinfo_free_print);

	seq_printf(m, "\n%-23s", "Number of blocks type ");
	for (mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(m, "%12s ", mmlens_migratetype_name(mt));
	seq_putc(m, '\n');
	mmlens_walk_zones_nosnap(m, pgdat, pagetypeinfo_blocks_print);
	return 0;
}

#define MMLENS_NODE_SEQ_OPS(name)				\
static const struct seq_operations name##_sops = {		\
	.start = mmlens_node_start,				\
	.next = mmlens_node_next,				\
	.stop = mmlens_node_stop,				\
	.show = name##_show,					\
}

MMLENS_NODE_SEQ_OPS(buddyinfo);
MMLENS_NODE_SEQ_OPS(pagetypeinfo);
MMLENS_NODE_SEQ_OPS(extfrag);
MMLENS_NODE_SEQ_OPS(unusable);
MMLENS_NODE_SEQ_OPS(fraginfo);

/* Modes are those of the kernel's own files; pagetypeinfo is root-only. */
int mmlens_frag_init(struct proc_dir_entry *dir)
{
	if (!proc_create_seq("buddyinfo", 0444, dir, &buddyinfo_sops) ||
	    !proc_create_seq("pagetypeinfo", 0400, dir, &pagetypeinfo_sops) ||
	    !proc_create_seq("extfrag_index", 0444, dir, &extfrag_sops) ||
	    !proc_create_seq("unusable_index", 0444, dir, &unusable_sops) ||
	    !proc_create_seq("fraginfo", 0444, dir, &fraginfo_sops))
		return -ENOMEM;
	return 0;
}
