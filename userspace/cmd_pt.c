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

/* "wuadxg" positions, '-' where unset; then the rarer flags by name. */
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

static int in_range(const struct pt_run *r, uint64_t lo, uint64_t hi)
{
	return r->end > lo && r->start < hi;
}

static void pt_text(const struct ctx *c, int pid, const struct pt_report *pt,
		    uint64_t lo, uint64_t hi)
{
	static const char *const head[] = {
		"Start", "End", "Level", "Entries", "Size", "Kind", "Where",
		"Flags",
	};
	char a[24], b[24], n[24], sz[24], w[256], fl[256];
	struct map_cell total = { 0 };
	struct table t;
	size_t i, shown = 0;

	table_init(&t, 8, head, "llrrrlll");
	for (i = 0; i < pt->n; i++) {
		const struct pt_run *r = &pt->r[i];
		uint64_t bytes = r->end - r->start;

		if (!in_range(r, lo, hi))
			continue;
		shown++;
		map_cell_add(&total, r, bytes);
		snprintf(a, sizeof(a), "%012llx", (unsigned long long)r->start);
		snprintf(b, sizeof(b), "%012llx", (unsigned long long)r->end);
		snprintf(n, sizeof(n), "%llu", (unsigned long long)r->entries);
		fmt_bytes(sz, sizeof(sz), bytes);
		where(r, w, sizeof(w));
		pt_flags_compact(r, fl, sizeof(fl));
		table_add(&t, a, b, pt_level_name(r->level), n, sz, r->kind, w,
			  fl);
	}
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
	printf("flags: w writable, u user, a accessed, d dirty, x executable, "
	       "g global; others by name\n");
}

static void pt_json(const struct ctx *c, int pid, const struct pt_report *pt,
		    uint64_t lo, uint64_t hi)
{
	struct json j;
	size_t i;
	int b;

	json_init(&j, stdout);
	json_begin_doc(&j, "pt", c->module_version);
	json_i64(&j, "pid", pt->pid >= 0 ? pt->pid : pid);
	json_str(&j, "comm", pt->comm);
	if (pt->levels)
		json_i64(&j, "levels", pt->levels);
	else
		json_null(&j, "levels");
	json_arr(&j, "runs", 0);
	for (i = 0; i < pt->n; i++) {
		const struct pt_run *r = &pt->r[i];

		if (!in_range(r, lo, hi))
			continue;
		json_obj(&j, NULL, 1);
		json_hex(&j, "start", r->start);
		json_hex(&j, "end", r->end);
		json_str(&j, "level", pt_level_name(r->level));
		json_u64(&j, "entries", r->entries);
		json_str(&j, "kind", r->kind);
		json_hex_if(&j, "pfn", r->has_pfn, r->pfn);
		json_u64_if(&j, "type", r->has_type, r->type);
		json_hex_if(&j, "offset", r->has_offset, r->offset);
		json_arr(&j, "flags", 1);
		for (b = 0; b < PTF_NFLAGS; b++)
			if (r->flags & (1u << b))
				json_str(&j, NULL, pt_flag_names[b]);
		if (r->other_flags) {
			char tmp[256], *f, *next;

			snprintf(tmp, sizeof(tmp), "%s", r->other_flags);
			for (f = tmp; f; f = next) {
				next = strchr(f, ',');
				if (next)
					*next++ = '\0';
				json_str(&j, NULL, f);
			}
		}
		json_end_arr(&j);
		if (r->extra)
			json_str(&j, "extra", r->extra);
		json_end_obj(&j);
	}
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
