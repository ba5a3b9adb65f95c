// SPDX-License-Identifier: GPL-2.0
/*
 * runview.c - a page-table run as the tool shows it: compact flags, where
 * it points, the table of runs, the JSON object; pt and vmas --runs.
 */
#include <stdio.h>
#include <string.h>

#include "runview.h"

const char runs_flags_legend[] =
	"flags: w writable, u user, a accessed, d dirty, x executable, "
	"g global; others by name";

void pt_flags_compact(const struct pt_run *r, char *out, size_t size)
{
	static const struct {
		int bit;
		char c;
	} pos[] = {
		{ PTF_RW, 'w' }, { PTF_USER, 'u' }, { PTF_ACCESSED, 'a' },
		{ PTF_DIRTY, 'd' }, { PTF_NX, 'x' }, { PTF_GLOBAL, 'g' },
	};
	size_t i, n;
	int b;

	if (strcmp(r->kind, "present") || size < 8) {
		snprintf(out, size, "%s", r->other_flags ? r->other_flags : "");
		return;
	}
	for (i = 0; i < 6; i++) {
		int set = !!(r->flags & (1u << pos[i].bit));

		if (pos[i].bit == PTF_NX)
			set = !set;
		out[i] = set ? pos[i].c : '-';
	}
	out[6] = '\0';
	for (b = PTF_HUGE; b < PTF_NFLAGS; b++) {
		if (!(r->flags & (1u << b)))
			continue;
		n = strlen(out);
		snprintf(out + n, size - n, "%s%s", n == 6 ? " " : ",",
			 pt_flag_names[b]);
	}
	if (r->other_flags) {
		n = strlen(out);
		snprintf(out + n, size - n, "%s%s", n == 6 ? " " : ",",
			 r->other_flags);
	}
}

/* "pfn <hex>" or "slot <type>:<offset>", then any extra fields. */
static void where(const struct pt_run *r, char *out, size_t size)
{
	size_t n;

	out[0] = '\0';
	if (r->has_pfn)
		snprintf(out, size, "pfn %llx", (unsigned long long)r->pfn);
	else if (r->has_type || r->has_offset)
		snprintf(out, size, "slot %llu:%llx",
			 (unsigned long long)r->type,
			 (unsigned long long)r->offset);
	if (r->extra) {
		n = strlen(out);
		snprintf(out + n, size - n, "%s%s", n ? " " : "", r->extra);
	}
}

size_t runs_first(const struct pt_report *pt, uint64_t lo)
{
	size_t a = 0, b = pt->n;

	while (a < b) {
		size_t m = a + (b - a) / 2;

		if (pt->r[m].end > lo)
			b = m;
		else
			a = m + 1;
	}
	return a;
}

size_t runs_table(struct table *t, const struct pt_report *pt, uint64_t lo,
		  uint64_t hi, struct map_cell *total)
{
	static const char *const head[] = {
		"Start", "End", "Level", "Entries", "Size", "Kind", "Where",
		"Flags",
	};
	char a[24], b[24], n[24], sz[24], w[256], fl[256];
	size_t i, shown = 0;

	table_init(t, 8, head, "llrrrlll");
	for (i = runs_first(pt, lo); i < pt->n && pt->r[i].start < hi; i++) {
		const struct pt_run *r = &pt->r[i];
		uint64_t bytes = r->end - r->start;

		shown++;
		if (total)
			map_cell_add(total, r, bytes);
		snprintf(a, sizeof(a), "%012llx", (unsigned long long)r->start);
		snprintf(b, sizeof(b), "%012llx", (unsigned long long)r->end);
		snprintf(n, sizeof(n), "%llu", (unsigned long long)r->entries);
		fmt_bytes(sz, sizeof(sz), bytes);
		where(r, w, sizeof(w));
		pt_flags_compact(r, fl, sizeof(fl));
		table_add(t, a, b, pt_level_name(r->level), n, sz, r->kind, w,
			  fl);
	}
	return shown;
}

void run_json(struct json *j, const struct pt_run *r)
{
	int b;

	json_obj(j, NULL, 1);
	json_hex(j, "start", r->start);
	json_hex(j, "end", r->end);
	json_str(j, "level", pt_level_name(r->level));
	json_u64(j, "entries", r->entries);
	json_str(j, "kind", r->kind);
	json_hex_if(j, "pfn", r->has_pfn, r->pfn);
	json_u64_if(j, "type", r->has_type, r->type);
	json_hex_if(j, "offset", r->has_offset, r->offset);
	json_arr(j, "flags", 1);
	for (b = 0; b < PTF_NFLAGS; b++)
		if (r->flags & (1u << b))
			json_str(j, NULL, pt_flag_names[b]);
	if (r->other_flags) {
		char tmp[256], *f, *next;

		snprintf(tmp, sizeof(tmp), "%s", r->other_flags);
		for (f = tmp; f; f = next) {
			next = strchr(f, ',');
			if (next)
				*next++ = '\0';
			json_str(j, NULL, f);
		}
	}
	json_end_arr(j);
	if (r->extra)
		json_str(j, "extra", r->extra);
	json_end_obj(j);
}
