// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_pt.c - mmlens pt PID: the page-table runs of a process, aligned,
 * flags in a compact positional form.
 */
#include <getopt.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"
#include "runview.h"

static const char pt_help[] =
	"usage: mmlens pt PID [--range START-END] [--json]\n"
	"\n"
	"The page tables of process PID from /sys/kernel/debug/mmlens/pagetable\n"
	"(root): runs of alike entries with level, count, size, kind (present,\n"
	"swap, migration, ...), first frame or swap slot, and flags:\n"
	"  w writable  u user  a accessed  d dirty  x executable (no nx)\n"
	"  g global    then any other flag by name (huge, zero, special,\n"
	"  soft-dirty, uffd-wp, pat, pcd, pwt)\n"
	"\n"
	"  --range START-END  only runs overlapping these hex addresses\n";

static void pt_text(const struct ctx *c, int pid, const struct pt_report *pt,
		    uint64_t lo, uint64_t hi)
{
	struct map_cell total = { 0 };
	char a[24], b[24];
	struct table t;
	size_t shown = runs_table(&t, pt, lo, hi, &total);

	fmt_bytes(a, sizeof(a), total.present);
	fmt_bytes(b, sizeof(b), total.swap);
	printf("%spid %d", sgr(c, C_BOLD), pt->pid >= 0 ? pt->pid : pid);
	if (pt->comm[0])
		printf(" (%s)", pt->comm);
	if (pt->levels)
		printf(", %d-level page tables", pt->levels);
	printf("%s: %zu runs, %s present, %s swapped\n", sgr(c, C_RESET),
	       shown, a, b);
	table_print(&t, stdout, c);
	table_free(&t);
	printf("%s\n", runs_flags_legend);
}

static void pt_json(const struct ctx *c, int pid, const struct pt_report *pt,
		    uint64_t lo, uint64_t hi)
{
	struct json j;
	size_t i;

	json_init(&j, stdout);
	json_begin_doc(&j, "pt", c->module_version);
	json_i64(&j, "pid", pt->pid >= 0 ? pt->pid : pid);
	json_str(&j, "comm", pt->comm);
	if (pt->levels)
		json_i64(&j, "levels", pt->levels);
	else
		json_null(&j, "levels");
	json_arr(&j, "runs", 0);
	for (i = runs_first(pt, lo); i < pt->n && pt->r[i].start < hi; i++)
		run_json(&j, &pt->r[i]);
	json_end_arr(&j);
	json_end_doc(&j);
}

static int parse_range_arg(const char *s, uint64_t *lo, uint64_t *hi)
{
	char a[32];
	const char *dash = strchr(s, '-');
	size_t n;

	if (!dash || (size_t)(dash - s) >= sizeof(a))
		return -1;
	n = (size_t)(dash - s);
	memcpy(a, s, n);
	a[n] = '\0';
	if (parse_addr(a, lo) || parse_addr(dash + 1, hi) || *lo >= *hi)
		return -1;
	return 0;
}

/* What pt's options ask for: --range, [lo, hi). */
struct pt_args {
	uint64_t lo, hi;
};

static int pt_opt(void *args, int opt, const char *arg)
{
	struct pt_args *a = args;

	if (opt != 'r')
		return -1;
	if (parse_range_arg(arg, &a->lo, &a->hi))
		return fail(EXIT_USAGE,
			    "e.g. --range 7f0000000000-7fffffffffff",
			    "bad --range '%s'", arg);
	return 0;
}

static const struct option pt_opts[] = {
	{ "range", required_argument, NULL, 'r' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command pt_command = {
	"pt", pt_help, pt_opts, pt_opt,
};

int cmd_pt(struct ctx *c, int argc, char **argv)
{
	struct pt_args a = { .lo = 0, .hi = UINT64_MAX };
	struct pt_report pt;
	int pid, rc;

	rc = command_args(c, &pt_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = pid_operand("pt", argc, argv, &pid);
	if (!rc)
		rc = module_check(c);
	if (!rc)
		rc = load_pagetable(c, pid, &pt);
	if (rc)
		return rc;
	if (c->json)
		pt_json(c, pid, &pt, a.lo, a.hi);
	else
		pt_text(c, pid, &pt, a.lo, a.hi);
	pt_report_free(&pt);
	return EXIT_OK;
}
