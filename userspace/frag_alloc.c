// SPDX-License-Identifier: GPL-2.0
/*
 * frag_alloc.c - the part of mmlens frag that shows what the allocator
 * would decide, in text and JSON: per zone the watermarks and a verdict
 * per order (/proc/mmlens/watermarks), the deferred-compaction state and
 * per node the proactive-compaction score (/proc/mmlens/compaction) with
 * the thresholds and verdict kcompactd derives from it, and the
 * compaction event counters. verdict.c decides; this file draws.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "render.h"
#include "verdict.h"

static const char *alloc_verdict_text(enum alloc_verdict v)
{
	switch (v) {
	case AV_SUCCEEDS:
		return "succeeds now";
	case AV_COMPACTION:
		return "needs compaction (fragmentation)";
	case AV_RECLAIM:
		return "needs reclaim";
	case AV_NOMEM:
		return "fails (no memory)";
	default:
		return "unknown";
	}
}

static enum color verdict_color(enum alloc_verdict v)
{
	return v == AV_SUCCEEDS ? C_GREEN : v == AV_NOMEM ? C_RED : C_YELLOW;
}

DEFINE_ZONE_FIND(wmark_find, struct wmark_info, struct wmark_zone)
DEFINE_ZONE_FIND(compact_zone_find, struct compact_info, struct compact_zone)

static const struct compact_node *
compact_node_find(const struct compact_info *ci, int node)
{
	size_t i;

	for (i = 0; ci && i < ci->nnodes; i++)
		if (ci->nodes[i].node == node)
			return &ci->nodes[i];
	return NULL;
}

static void wmark_text(const struct ctx *c, FILE *f,
		       const struct wmark_zone *w, unsigned int orders)
{
	enum alloc_verdict v;
	char sz[32];
	int o;

	fmt_pages(sz, sizeof(sz), w->free);
	fprintf(f, "watermarks: free %llu pages (%s), min %llu, low %llu, high %llu",
		(unsigned long long)w->free, sz, (unsigned long long)w->min,
		(unsigned long long)w->low, (unsigned long long)w->high);
	if (w->boost)
		fprintf(f, " (boost %llu included)",
			(unsigned long long)w->boost);
	if (w->highatomic || w->free_cma)
		fprintf(f, "; reserved highatomic %llu, free CMA %llu",
			(unsigned long long)w->highatomic,
			(unsigned long long)w->free_cma);
	fputc('\n', f);
	for (o = 0; o < w->norders && o < 32; o++) {
		if (!(orders & (1u << o)))
			continue;
		v = alloc_verdict(w, o);
		fmt_pages(sz, sizeof(sz), 1ULL << o);
		fprintf(f, "order-%d allocation (%s): %s%s%s\n", o, sz,
			sgr(c, verdict_color(v)), alloc_verdict_text(v),
			sgr(c, C_RESET));
	}
}

static void compact_zone_text(const struct ctx *c, FILE *f,
			      const struct compact_zone *z)
{
	if (z->deferred < 0) {
		fprintf(f, "compaction: not deferred (considered %llu, defer_shift %llu, order_failed %llu)\n",
			(unsigned long long)z->considered,
			(unsigned long long)z->defer_shift,
			(unsigned long long)z->order_failed);
		return;
	}
	fprintf(f, "compaction: %sdeferred for orders >= %d%s (backing off after a failure: %llu of %llu attempts counted, order_failed %llu)\n",
		sgr(c, C_YELLOW), z->deferred, sgr(c, C_RESET),
		(unsigned long long)z->considered,
		z->defer_shift < 64 ? 1ULL << z->defer_shift : 0ULL,
		(unsigned long long)z->order_failed);
}

void alloc_zone_text(const struct ctx *c, FILE *f, const struct frag_data *d,
		     int node, const char *name, unsigned int orders)
{
	const struct wmark_zone *w = d->have_wm ?
		wmark_find(&d->wm, node, name) : NULL;
	const struct compact_zone *z = d->have_ci ?
		compact_zone_find(&d->ci, node, name) : NULL;

	if (w)
		wmark_text(c, f, w, orders);
	else if (d->have_wm)
		fputs("allocation verdicts: unavailable (zone not in "
		      PROC_DIR "/watermarks)\n", f);
	if (z)
		compact_zone_text(c, f, z);
	else if (d->have_ci)
		fputs("compaction: unavailable (zone not in "
		      PROC_DIR "/compaction)\n", f);
}

void alloc_node_text(const struct ctx *c, FILE *f, const struct frag_data *d,
		     int node)
{
	const struct compact_node *n = d->have_ci ?
		compact_node_find(&d->ci, node) : NULL;
	const char *dash = c->ascii ? "-" : "\u2013";

	if (!n)
		return;
	fprintf(f, "%sNode %d%s: proactive compaction: score %d ",
		sgr(c, C_BOLD), node, sgr(c, C_RESET), n->score);
	if (n->low >= 0 && n->high >= 0)
		fprintf(f, "(thresholds %d%s%d), ", n->low, dash, n->high);
	else
		fputs("(thresholds unknown), ", f);
	if (n->proactive > 0)
		fprintf(f, "%sactive%s\n", sgr(c, C_YELLOW), sgr(c, C_RESET));
	else
		fputs(n->proactive == 0 ? "idle\n" : "state unknown\n", f);
}

/* Appends "WORD" to a line of at most width columns, breaking before. */
static void wrap(FILE *f, int *col, int width, const char *word)
{
	int n = (int)display_width(word);

	if (*col > 2 && *col + 2 + n > width) {
		fputs(",\n  ", f);
		*col = 2;
	} else if (*col > 2) {
		fputs(", ", f);
		*col += 2;
	}
	fputs(word, f);
	*col += n;
}

void alloc_global_text(const struct ctx *c, FILE *f,
		       const struct frag_data *cur,
		       const struct frag_data *prev)
{
	const struct compact_counter *k, *p;
	char item[96];
	size_t i;
	int col = 2;

	if (!cur->have_wm)
		fputs("allocation verdicts: unavailable (the module has no "
		      PROC_DIR "/watermarks)\n", f);
	if (!cur->have_ci) {
		fputs("compaction state: unavailable (the module has no "
		      PROC_DIR "/compaction)\n", f);
		return;
	}
	if (!cur->ci.ncounters) {
		fputs("compaction events: none counted (kernel without "
		      "CONFIG_VM_EVENT_COUNTERS)\n", f);
		return;
	}
	fprintf(f, "compaction events since boot%s:\n  ",
		prev ? " (change since the last frame)" : "");
	for (i = 0; i < cur->ci.ncounters; i++) {
		k = &cur->ci.counters[i];
		p = prev && prev->have_ci ? compact_counter(&prev->ci, k->name) :
			NULL;
		if (prev && p && p->value != k->value)
			snprintf(item, sizeof(item), "%s %llu (%s%+lld%s)",
				 k->name + 8, (unsigned long long)k->value,
				 sgr(c, C_REV),
				 (long long)(k->value - p->value),
				 sgr(c, C_RESET));
		else
			snprintf(item, sizeof(item), "%s %llu", k->name + 8,
				 (unsigned long long)k->value);
		wrap(f, &col, c->columns, item);
	}
	fputc('\n', f);
}

void alloc_zone_json(struct json *j, const struct frag_data *d, int node,
		     const char *name)
{
	const struct wmark_zone *w = d->have_wm ?
		wmark_find(&d->wm, node, name) : NULL;
	const struct compact_zone *z = d->have_ci ?
		compact_zone_find(&d->ci, node, name) : NULL;
	int o, i;

	if (!w) {
		json_null(j, "watermarks");
	} else {
		json_obj(j, "watermarks", 0);
		json_u64(j, "free", w->free);
		json_u64(j, "min", w->min);
		json_u64(j, "low", w->low);
		json_u64(j, "high", w->high);
		json_u64(j, "boost", w->boost);
		json_u64(j, "highatomic", w->highatomic);
		json_u64(j, "free_cma", w->free_cma);
		json_u64(j, "managed", w->managed);
		json_u64(j, "present", w->present);
		json_u64(j, "spanned", w->spanned);
		json_arr(j, "protection", 1);
		for (i = 0; i < w->nprot; i++)
			json_u64(j, NULL, w->protection[i]);
		json_end_arr(j);
		json_arr(j, "verdicts", 0);
		for (o = 0; o < w->norders; o++) {
			json_obj(j, NULL, 1);
			json_i64(j, "at_order", o);
			json_bool(j, "min_ok", w->ok[o] & (1u << WM_MIN));
			json_bool(j, "low_ok", w->ok[o] & (1u << WM_LOW));
			json_bool(j, "high_ok", w->ok[o] & (1u << WM_HIGH));
			json_str(j, "allocation",
				 alloc_verdict_key(alloc_verdict(w, o)));
			json_end_obj(j);
		}
		json_end_arr(j);
		json_end_obj(j);
	}
	if (!z) {
		json_null(j, "compaction");
		return;
	}
	json_obj(j, "compaction", 1);
	json_u64(j, "considered", z->considered);
	json_u64(j, "defer_shift", z->defer_shift);
	json_u64(j, "order_failed", z->order_failed);
	json_i64_or_null(j, "deferred_from_order", z->deferred);
	json_end_obj(j);
}

void alloc_global_json(struct json *j, const struct frag_data *d)
{
	size_t i;

	if (!d->have_ci) {
		json_null(j, "nodes");
		json_null(j, "compaction_counters");
		return;
	}
	json_arr(j, "nodes", 0);
	for (i = 0; i < d->ci.nnodes; i++) {
		const struct compact_node *n = &d->ci.nodes[i];

		json_obj(j, NULL, 1);
		json_i64(j, "node", n->node);
		json_i64(j, "compaction_score", n->score);
		json_i64_or_null(j, "compaction_low", n->low);
		json_i64_or_null(j, "compaction_high", n->high);
		if (n->proactive >= 0)
			json_bool(j, "proactive_compaction", n->proactive);
		else
			json_null(j, "proactive_compaction");
		json_end_obj(j);
	}
	json_end_arr(j);
	json_obj(j, "compaction_counters", 0);
	for (i = 0; i < d->ci.ncounters; i++)
		json_u64(j, d->ci.counters[i].name, d->ci.counters[i].value);
	json_end_obj(j);
}
