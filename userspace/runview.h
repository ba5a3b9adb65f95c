/* SPDX-License-Identifier: GPL-2.0 */
/*
 * runview.h - a page-table run as the tool shows it: its flags in the
 * compact form, the table of runs and a run as a JSON object, for pt and
 * vmas --runs (runview.c).
 */
#ifndef MMLENS_RUNVIEW_H
#define MMLENS_RUNVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "json.h"
#include "parse.h"
#include "render.h"

/* "wuadxg" positions, '-' where unset; then rarer flags by name. */
void pt_flags_compact(const struct pt_run *r, char *out, size_t size);

/* The legend of pt_flags_compact(), one line. */
extern const char runs_flags_legend[];

/*
 * The first run that ends above @lo (runs are sorted and do not overlap):
 * runs overlapping [lo, hi) are found without a scan of the others.
 */
size_t runs_first(const struct pt_report *pt, uint64_t lo);

/*
 * The runs overlapping [lo, hi) as a table's rows, initialised here, for
 * the caller to print and free; returns how many, counted into @total
 * (pt's totals) when not NULL.
 */
size_t runs_table(struct table *t, const struct pt_report *pt, uint64_t lo,
		  uint64_t hi, struct map_cell *total);

/* One run as an object member of the current JSON array. */
void run_json(struct json *j, const struct pt_run *r);

#endif
