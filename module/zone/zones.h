/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zones.h - the one iterator over nodes and zones behind every
 * fragmentation file, and the counts it reads under zone->lock.
 */
#ifndef MMLENS_ZONES_H
#define MMLENS_ZONES_H

#include <linux/mmzone.h>
#include <linux/seq_file.h>

#include "kernel/compat.h"

/*
 * A zone's free block counts per order, read under one zone->lock hold,
 * and (@usable_orders) bit k set when order k has a block on one of the
 * free lists below MIGRATE_PCPTYPES, the lists __zone_watermark_ok()
 * accepts for a caller without reserve rights.
 */
struct mmlens_zone_snap {
	unsigned long nr_free[MMLENS_NR_ORDERS];
	unsigned long usable_orders;
};

typedef void (*mmlens_zone_print_t)(struct seq_file *m, pg_data_t *pgdat,
				    struct zone *zone,
				    const struct mmlens_zone_snap *snap);

/* seq_file iteration, one record per online node (as mm/vmstat.c). */
void *mmlens_node_start(struct seq_file *m, loff_t *pos);
void *mmlens_node_next(struct seq_file *m, void *v, loff_t *pos);
void mmlens_node_stop(struct seq_file *m, void *v);

void mmlens_zone_snapshot(struct zone *zone, struct mmlens_zone_snap *snap);
void mmlens_walk_zones(struct seq_file *m, pg_data_t *pgdat,
		       mmlens_zone_print_t print);
void mmlens_walk_zones_nosnap(struct seq_file *m, pg_data_t *pgdat,
			      mmlens_zone_print_t print);

unsigned long mmlens_count_free_list(struct zone *zone, unsigned int order,
				     unsigned int mt, unsigned long cap,
				     bool *overflow);
void mmlens_count_pageblocks(struct zone *zone,
			     unsigned long count[MIGRATE_TYPES]);

#endif /* MMLENS_ZONES_H */
