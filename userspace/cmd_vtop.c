// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vtop.c - mmlens vtop PID ADDR: the walk from pgd to the leaf for one
 * address of a process, one line per level, then where it ends.
 */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"

static const char vtop_help[] =
	"usage: mmlens vtop PID ADDR [--json]\n"
	"\n"
	"The page-table walk for hex address ADDR of process PID (root), from\n"
	"/sys/kernel/debug/mmlens/vtop: each level's index, raw entry and\n"
	"decoded flags, then the frame and physical address, or where the\n"
	"walk stopped (not present, swapped out, migrating, not mapped).\n";

static void outcome_text(const struct ctx *c, const struct vtop_report *vt)
{
	const char *k = vt->kind;

	fputs(c->ascii ? "=> " : "\u2192 ", stdout);
	if (!strcmp(k, "present") && vt->has_pfn) {
		printf("%spfn 0x%" PRIx64 "%s", sgr(c, C_GREEN), vt->pfn,
		       sgr(c, C_RESET));
		if (vt->has_paddr)
			printf(", physical address 0x%" PRIx64, vt->paddr);
	} else if (!strcmp(k, "present")) {
		printf("physical address 0x%" PRIx64, vt->paddr);
	} else if (!strcmp(k, "not-present")) {
		printf("%snot present%s: the walk stops at the %s entry",
		       sgr(c, C_YELLOW), sgr(c, C_RESET), vt->at_level);
	} else if (!strcmp(k, "not-mapped")) {
		printf("%snot mapped%s: no VMA covers this address",
		       sgr(c, C_YELLOW), sgr(c, C_RESET));
	} else if (!strcmp(k, "swap")) {
		printf("%sswapped out%s: type %" PRIu64 ", offset 0x%" PRIx64,
		       sgr(c, C_YELLOW), sgr(c, C_RESET), vt->type,
		       vt->offset);
	} else {
		printf("%s%s%s", sgr(c, C_YELLOW), k, sgr(c, C_RESET));
		if (vt->has_pfn)
			printf(": pfn 0x%" PRIx64, vt->pfn);
		if (vt->has_type)
			printf(" type %" PRIu64, vt->type);
		if (vt->has_offset)
			printf(" offset 0x%" PRIx64, vt->offset);
	}
	if (vt->detail[0])
		printf(" (%s)", vt->detail);
	putchar('\n');
}

static void vtop_text(const struct ctx *c, int pid, uint64_t addr,
		      const struct vtop_report *vt)
{
	static const char *const head[] = { "Level", "Index", "Entry",
		"Flags" };
	char idx[24], ent[24];
	struct table t;
	int i;

	printf("%spid %d, address 0x%" PRIx64 "%s\n", sgr(c, C_BOLD), pid,
	       addr, sgr(c, C_RESET));
	table_init(&t, 4, head, "lrll");
	for (i = 0; i < vt->nlevels; i++) {
		const struct vtop_level *l = &vt->lv[i];

		if (l->has_index)
			snprintf(idx, sizeof(idx), "%" PRIu64, l->index);
		else
			snprintf(idx, sizeof(idx), "-");
		if (l->has_entry)
			snprintf(ent, sizeof(ent), "%016" PRIx64, l->entry);
		else
			snprintf(ent, sizeof(ent), "-");
		table_add(&t, l->level, idx, ent,
			  l->folded ? (l->flags[0] ? "folded" : "(folded)") :
			  l->flags);
	}
	if (vt->nlevels)
		table_print(&t, stdout, c);
	table_free(&t);
	outcome_text(c, vt);
}

static void words_json(struct json *j, const char *key, const char *s)
{
	char tmp[sizeof(((struct vtop_level *)0)->flags)], *w, *cur = tmp;

	snprintf(tmp, sizeof(tmp), "%s", s);
	json_arr(j, key, 1);
	while ((w = strsep(&cur, " ,")))
		if (*w && strcmp(w, "-"))
			json_str(j, NULL, w);
	json_end_arr(j);
}

static void vtop_json(const struct ctx *c, int pid, uint64_t addr,
		      const struct vtop_report *vt)
{
	struct json j;
	int i;

	json_init(&j, stdout);
	json_begin_doc(&j, "vtop", c->module_version);
	json_i64(&j, "pid", pid);
	json_hex(&j, "address", addr);
	json_arr(&j, "levels", 0);
	for (i = 0; i < vt->nlevels; i++) {
		const struct vtop_level *l = &vt->lv[i];

		json_obj(&j, NULL, 1);
		json_str(&j, "level", l->level);
		json_bool(&j, "folded", l->folded);
		if (l->has_index)
			json_u64(&j, "index", l->index);
		else
			json_null(&j, "index");
		if (l->has_entry)
			json_hex(&j, "entry", l->entry);
		else
			json_null(&j, "entry");
		words_json(&j, "flags", l->flags);
		json_end_obj(&j);
	}
	json_end_arr(&j);
	json_obj(&j, "outcome", 1);
	json_str(&j, "kind", vt->kind);
	if (vt->at_level[0])
		json_str(&j, "level", vt->at_level);
	json_hex_if(&j, "pfn", vt->has_pfn, vt->pfn);
	json_hex_if(&j, "paddr", vt->has_paddr, vt->paddr);
	json_u64_if(&j, "type", vt->has_type, vt->type);
	json_hex_if(&j, "offset", vt->has_offset, vt->offset);
	if (vt->detail[0])
		json_str(&j, "detail", vt->detail);
	json_end_obj(&j);
	json_end_doc(&j);
}

static const struct option vtop_opts[] = {
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command vtop_command = {
	"vtop", vtop_help, vtop_opts, NULL,
};

int cmd_vtop(struct ctx *c, int argc, char **argv)
{
	struct vtop_report vt;
	uint64_t addr;
	char addr_s[24];
	int pid, rc;

	rc = command_args(c, &vtop_command, NULL, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	if (optind + 2 != argc || parse_pid(argv[optind], &pid) ||
	    parse_addr(argv[optind + 1], &addr))
		return fail(EXIT_USAGE,
			    "mmlens vtop PID ADDR, ADDR in hex as in /proc/PID/maps",
			    "vtop wants a process id and an address");
	rc = module_check(c);
	if (rc)
		return rc;
	snprintf(addr_s, sizeof(addr_s), "0x%" PRIx64, addr);
	rc = load_vtop(c, pid, addr_s, &vt);
	if (rc)
		return rc;
	if (c->json)
		vtop_json(c, pid, addr, &vt);
	else
		vtop_text(c, pid, addr, &vt);
	return EXIT_OK;
}
