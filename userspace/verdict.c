// SPDX-License-Identifier: GPL-2.0
/*
 * verdict.c - the allocator's decisions as the tool reads them from the
 * module's files: the free lists' verdict, the watermark verdict per
 * order, kcompactd's proactive thresholds and decision, the free
 * pageblock. Each follows the kernel's own rule, cited where it is
 * copied; docs/cli.md gives the reasoning.
 */
#include "verdict.h"

/*
 * The largest order with a free block of that order or larger; above it,
 * an order fails from fragmentation while the zone still has that many
 * free pages, and for lack of memory from the first order it has not.
 */
void frag_verdict(const struct frag_zone *z, struct frag_verdict *v)
{
	uint64_t free_pages = z->norders ? z->o[0].free_pages : 0;
	int o;

	v->largest = -1;
	v->frag_fail = -1;
	v->nomem_fail = -1;
	for (o = 0; o < z->norders; o++)
		if (z->o[o].free_blocks_suitable)
			v->largest = o;
	for (o = v->largest + 1; o < z->norders; o++) {
		int enough = o < 64 && free_pages >= (1ULL << o);

		if (enough && v->frag_fail < 0 && v->nomem_fail < 0)
			v->frag_fail = o;
		if (!enough && v->nomem_fail < 0)
			v->nomem_fail = o;
	}
}

/*
 * The fast path (get_page_from_freelist with ALLOC_WMARK_LOW) takes a
 * page when the order passes the low mark. Below low, the slow path wakes
 * kswapd and retries against min: reclaim makes room. When order 0
 * passes low but order N does not, the count decides: with enough free
 * pages left after the order's own pages, highatomic and CMA (what
 * __zone_watermark_ok subtracts) only a free block of order >= N is
 * missing, which compaction makes; without, reclaim must free pages
 * first. Order 0 failing even min: the zone has no memory to give.
 */
enum alloc_verdict alloc_verdict(const struct wmark_zone *z, int order)
{
	int64_t left;

	if (!z || order < 0 || order >= z->norders || !z->norders)
		return AV_UNKNOWN;
	if (z->ok[order] & (1u << WM_LOW))
		return AV_SUCCEEDS;
	if (!(z->ok[0] & (1u << WM_MIN)))
		return AV_NOMEM;
	if (!(z->ok[0] & (1u << WM_LOW)))
		return AV_RECLAIM;
	left = (int64_t)z->free - (int64_t)((1ULL << order) - 1) -
	       (int64_t)z->highatomic - (int64_t)z->free_cma;
	return left > (int64_t)z->low ? AV_COMPACTION : AV_RECLAIM;
}

const char *alloc_verdict_key(enum alloc_verdict v)
{
	switch (v) {
	case AV_SUCCEEDS:
		return "succeeds_now";
	case AV_COMPACTION:
		return "needs_compaction";
	case AV_RECLAIM:
		return "needs_reclaim";
	case AV_NOMEM:
		return "fails_no_memory";
	default:
		return "unknown";
	}
}

/*
 * kcompactd's decision as mm/compaction.c makes it (6.1:
 * fragmentation_score_wmark() lines 2036-2047,
 * should_proactive_compact_node() 2049-2058; 6.12: 2249-2260 and
 * 2262-2271): low = max(100 - p, 5), high = min(low + 10, 100), in the
 * kernel's unsigned arithmetic (p is 0..100, so 100 - p never wraps);
 * proactive when p is not 0, the node's kswapd is not running and the
 * score is above high. The module cannot see the sysctl's variable and
 * must not open its file (docs/frag.md), so this runs in the tool.
 */
void compact_proactive(struct compact_info *ci, int p,
		       const unsigned char *kswapd_running)
{
	struct compact_node *n;
	unsigned int low;
	size_t i;

	for (i = 0; i < ci->nnodes; i++) {
		n = &ci->nodes[i];
		if (p < 0 || p > 100) {
			n->low = n->high = n->proactive = -1;
			continue;
		}
		low = 100U - (unsigned int)p;
		if (low < 5U)
			low = 5U;
		n->low = (int)low;
		n->high = (int)(low + 10 < 100U ? low + 10 : 100U);
		n->proactive = p && !(kswapd_running && kswapd_running[i]) &&
			       n->score > n->high;
	}
}

/*
 * A freed page merges with its free buddy, and on up: a pageblock whose
 * every page is free is one free block of pageblock order (or part of a
 * larger one), and nothing needs moving to allocate it.
 */
int pb_run_all_free(const struct pb_run *r)
{
	return r->free == PB_PAGES;
}
