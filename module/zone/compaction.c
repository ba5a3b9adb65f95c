// SPDX-License-Identifier: GPL-2.0
/*
 * compaction.c - /proc/mmlens/compaction: the compaction state the kernel
 * keeps but prints nowhere.
 *
 * Per zone, the deferred-compaction counters (compact_considered,
 * compact_defer_shift, compact_order_failed) and the first order that
 * compaction_deferred() would skip now; per node, the proactive-compaction
 * fragmentation score as mm/compaction.c computes it
 * (fragmentation_score_node(), the same in 6.1 and 6.12 but for 6.1
 * summing unpopulated zones too, whose weighted score is 0 anyway); then
 * /proc/vmstat's compact_* event counters, read the way /proc/vmstat reads
 * them (all_vm_events()).
 *
 * Only kernel state, nothing read from a file: the thresholds the score is
 * compared with come from the vm.compaction_proactiveness sysctl, which
 * user space reads itself (the tool: docs/frag.md). A module that opened
 * that file for its readers would open whatever a reader's mount
 * namespace put at the path (a FIFO that blocks the read, and rmmod
 * behind it, in proc_remove()).
 *
 * The deferral fields are updated by compaction without a lock we could
 * take; we read each once (READ_ONCE), as a racing compaction would.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/huge_mm.h>
#include <linux/hugetlb.h>
#include <linux/memory_hotplug.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "core/parts.h"
#include "zone/frag_math.h"
#include "zone/zones.h"

/* mm/compaction.c COMPACTION_HPAGE_ORDER (file-local there). */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE)
#define MMLENS_COMPACTION_HPAGE_ORDER HPAGE_PMD_ORDER
#elif defined(CONFIG_HUGETLBFS)
#define MMLENS_COMPACTION_HPAGE_ORDER HUGETLB_PAGE_ORDER
#else
#define MMLENS_COMPACTION_HPAGE_ORDER (PMD_SHIFT - PAGE_SHIFT)
#endif

static void zone_deferral_print(struct seq_file *m, pg_data_t *pgdat,
				struct zone *zone)
{
#ifdef CONFIG_COMPACTION
	unsigned int considered = READ_ONCE(zone->compact_considered);
	unsigned int shift = READ_ONCE(zone->compact_defer_shift);
	int failed = READ_ONCE(zone->compact_order_failed);
	int first = mmlens_first_deferred_order(considered, shift, failed,
						MMLENS_NR_ORDERS);

	seq_printf(m, "Node %d, zone %s considered=%u defer_shift=%u order_failed=%d deferred=",
		   pgdat->node_id, zone->name, considered, shift, failed);
	if (first < 0)
		seq_puts(m, "-\n");
	else
		seq_printf(m, "%d\n", first);
#else
	seq_printf(m, "Node %d, zone %s considered=0 defer_shift=0 order_failed=0 deferred=-\n",
		   pgdat->node_id, zone->name);
#endif
}

static void node_show(struct seq_file *m, pg_data_t *pgdat)
{
	unsigned long node_present = READ_ONCE(pgdat->node_present_pages);
	struct mmlens_contig_info info;
	struct mmlens_zone_snap snap;
	unsigned int score = 0;
	struct zone *zone;

	for (zone = pgdat->node_zones;
	     zone - pgdat->node_zones < MAX_NR_ZONES; zone++) {
		if (!populated_zone(zone))
			continue;
		zone_deferral_print(m, pgdat, zone);
		/* fragmentation_score_zone_weighted() */
		mmlens_zone_snapshot(zone, &snap);
		mmlens_contig_info(snap.nr_free, MMLENS_NR_ORDERS,
				   MMLENS_COMPACTION_HPAGE_ORDER, &info);
		score += div64_ul((unsigned long)zone->present_pages *
				  mmlens_extfrag_percent(MMLENS_COMPACTION_HPAGE_ORDER,
							 &info),
				  node_present + 1);
	}

	seq_printf(m, "Node %d score=%u\n", pgdat->node_id, score);
}

#if defined(CONFIG_VM_EVENT_COUNTERS) && defined(CONFIG_COMPACTION)
/* /proc/vmstat's compact_* lines, in its order (mm/vmstat.c vmstat_text). */
static const struct {
	enum vm_event_item item;
	const char *name;
} compact_events[] = {
	{ COMPACTMIGRATE_SCANNED, "compact_migrate_scanned" },
	{ COMPACTFREE_SCANNED, "compact_free_scanned" },
	{ COMPACTISOLATED, "compact_isolated" },
	{ COMPACTSTALL, "compact_stall" },
	{ COMPACTFAIL, "compact_fail" },
	{ COMPACTSUCCESS, "compact_success" },
	{ KCOMPACTD_WAKE, "compact_daemon_wake" },
	{ KCOMPACTD_MIGRATE_SCANNED, "compact_daemon_migrate_scanned" },
	{ KCOMPACTD_FREE_SCANNED, "compact_daemon_free_scanned" },
};

static int counters_show(struct seq_file *m)
{
	unsigned long *events;
	unsigned int i;

	events = kmalloc_array(NR_VM_EVENT_ITEMS, sizeof(*events), GFP_KERNEL);
	if (!events)
		return -ENOMEM;
	all_vm_events(events);
	for (i = 0; i < ARRAY_SIZE(compact_events); i++)
		seq_printf(m, "%s %lu\n", compact_events[i].name,
			   events[compact_events[i].item]);
	kfree(events);
	return 0;
}
#else
/* No counters, as /proc/vmstat then has no compact_* lines. */
static int counters_show(struct seq_file *m)
{
	return 0;
}
#endif

/* Records: one per online node, then SEQ_START_TOKEN for the counters. */
static void *compaction_start(struct seq_file *m, loff_t *pos)
{
	void *node = mmlens_node_start(m, pos);

	if (node)
		return node;
	return *pos == num_online_nodes() ? SEQ_START_TOKEN : NULL;
}

static void *compaction_next(struct seq_file *m, void *v, loff_t *pos)
{
	void *node;

	if (v == SEQ_START_TOKEN) {
		(*pos)++;
		return NULL;
	}
	node = mmlens_node_next(m, v, pos);
	return node ? node : SEQ_START_TOKEN;
}

static int compaction_show(struct seq_file *m, void *v)
{
	if (v == SEQ_START_TOKEN)
		return counters_show(m);
	node_show(m, v);
	return 0;
}

static const struct seq_operations compaction_sops = {
	.start = compaction_start,
	.next = compaction_next,
	.stop = mmlens_node_stop,
	.show = compaction_show,
};

int mmlens_compaction_init(struct proc_dir_entry *dir)
{
	if (!proc_create_seq("compaction", 0444, dir, &compaction_sops))
		return -ENOMEM;
	return 0;
}
