/* SPDX-License-Identifier: GPL-2.0 */
/*
 * verdict.h - what the allocator would decide, from the module's files as
 * parse.c reads them: per zone the largest free order and the first order
 * that fails, from fragmentation or for lack of memory (fraginfo); per
 * order whether an allocation succeeds now or needs reclaim or compaction
 * (watermarks); per node whether kcompactd compacts proactively
 * (compaction and vm.compaction_proactiveness); whether a pageblock gives
 * a huge page without compaction (pageblocks). Pure functions: frag's
 * text and JSON and export's metrics all print these, so they agree.
 */
#ifndef MMLENS_VERDICT_H
#define MMLENS_VERDICT_H

#include "parse.h"

/* What a zone's free lists allow. */
struct frag_verdict {
	int largest;	/* largest order with a free block, -1: none */
	int frag_fail;	/* first order failing for fragmentation, or -1 */
	int nomem_fail;	/* first order failing for lack of memory, or -1 */
};

void frag_verdict(const struct frag_zone *z, struct frag_verdict *v);

/* What the watermarks say of an allocation of one order. */
enum alloc_verdict {
	AV_UNKNOWN = -1,	/* the order is not in the file */
	AV_SUCCEEDS,		/* passes the low mark: the fast path */
	AV_COMPACTION,		/* enough free pages, no block big enough */
	AV_RECLAIM,		/* below low (kswapd), above min */
	AV_NOMEM,		/* order 0 fails even the min mark */
	AV_N			/* how many verdicts there are */
};

enum alloc_verdict alloc_verdict(const struct wmark_zone *z, int order);
/* The verdict's name in JSON and in export's labels: "succeeds_now", ... */
const char *alloc_verdict_key(enum alloc_verdict v);

/*
 * Fills low, high and proactive of every node of ci as kcompactd decides
 * them, from p = vm.compaction_proactiveness (outside 0..100: unknown,
 * all -1) and kswapd_running[i], whether ci->nodes[i]'s kswapd runs
 * (NULL: none does).
 */
void compact_proactive(struct compact_info *ci, int p,
		       const unsigned char *kswapd_running);

/*
 * Every page of the run's pageblocks is free: an allocation of a whole
 * pageblock (2 MiB, a THP) needs no compaction there.
 */
int pb_run_all_free(const struct pb_run *r);

#endif /* MMLENS_VERDICT_H */
