/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pt_record_text.h - a binary run (struct mmlens_pt_run) written out as
 * the module's text report writes its line (docs/walk.md), from the
 * names in mmlens_vocab.h, without the newline. The tests' own printer:
 * pt_runs.c holds it to the module's text for every walk scenario in
 * the VMs, hosttest/unit.c holds the tool's record reader (ptruns.c) to
 * the text parser with it.
 */
#ifndef MMLENS_TESTS_PT_RECORD_TEXT_H
#define MMLENS_TESTS_PT_RECORD_TEXT_H

#include <stdio.h>

#include "../../module/mmlens_uapi.h"
#include "../../module/mmlens_vocab.h"

static inline int pt_record_text(char *out, size_t cap,
				 const struct mmlens_pt_run *r)
{
	static const char *const level_names[MMLENS_NR_LEVELS] =
		MMLENS_LEVEL_NAMES;
	static const char *const kind_names[MMLENS_NR_KINDS] =
		MMLENS_KIND_NAMES;
	static const char *const flag_names[MMLENS_NR_FLAG_BITS] =
		MMLENS_FLAG_NAMES;
	int n = snprintf(out, cap, "%llx-%llx %s %llu %s",
			 (unsigned long long)r->start,
			 (unsigned long long)r->end,
			 r->level < MMLENS_NR_LEVELS ?
			 level_names[r->level] : "?",
			 (unsigned long long)r->entries,
			 r->kind < MMLENS_NR_KINDS ? kind_names[r->kind] : "?");
	unsigned int b;
	int any = 0;

	switch (r->kind) {
	case MMLENS_PRESENT:
		n += snprintf(out + n, cap - n, " pfn=%llx flags=",
			      (unsigned long long)r->value);
		for (b = 0; b < MMLENS_NR_FLAG_BITS; b++)
			if (r->flags & (1ULL << b))
				n += snprintf(out + n, cap - n, "%s%s",
					      any++ ? "," : "", flag_names[b]);
		if (!any)
			n += snprintf(out + n, cap - n, "-");
		break;
	case MMLENS_SWAP:
		n += snprintf(out + n, cap - n, " type=%u offset=%llx",
			      r->swap_type, (unsigned long long)r->value);
		break;
	case MMLENS_MARKER:
		n += snprintf(out + n, cap - n, " kind=%s",
			      r->marker == MMLENS_MARKER_UFFD_WP ? "uffd-wp" :
								  "other");
		break;
	case MMLENS_OTHER:
		n += snprintf(out + n, cap - n, " entry=%llx",
			      (unsigned long long)r->value);
		break;
	default:
		n += snprintf(out + n, cap - n, " pfn=%llx",
			      (unsigned long long)r->value);
		break;
	}
	return n;
}

#endif
