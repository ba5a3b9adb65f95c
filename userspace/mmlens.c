// SPDX-License-Identifier: GPL-2.0
/*
 * mmlens - look at memory through the mmlens kernel module: buddy
 * fragmentation, physical memory by pageblock, a process's VMAs and page
 * tables, one address's walk, the module's vmalloc buffer. See mmlens(1) and docs/cli.md.
 *
 * This file only picks the subcommand; each lives in cmd_*.c and shares
 * common.c (options, errors), load.c and parse.c (the module's files),
 * verdict.c (what the allocator would decide), render.c (tables, bars,
 * map) and json.c.
 */
#include <getopt.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"

static const char usage_text[] =
	"usage: mmlens [--root DIR] [--json] [--color WHEN] [--ascii] COMMAND [ARGS]\n"
	"\n"
	"commands:\n"
	"  frag [--watch S]   buddy free lists, fragmentation indices, verdict\n"
	"  vmas PID           the VMAs of a process, like pmap -x (root)\n"
	"  pt PID             its page-table runs (root)\n"
	"  map PID            a one-screen picture of its address space (root)\n"
	"  vtop PID ADDR      the page-table walk for one address (root)\n"
	"  physmap            physical memory as pageblocks by migratetype (root)\n"
	"  vbuf [--touch N]   map /dev/mmlens and count its page faults (root)\n"
	"  export             metrics for Prometheus (--textfile DIR: node_exporter)\n"
	"  version            the tool's and the module's version\n"
	"\n"
	"mmlens COMMAND --help tells more; man mmlens tells everything.\n"
	"exit codes: 0 ok, 1 usage, 2 module not loaded or files missing,\n"
	"3 permission, 4 no such process\n";

static const struct {
	const char *name;
	int (*fn)(struct ctx *c, int argc, char **argv);
} commands[] = {
	{ "frag", cmd_frag }, { "vmas", cmd_vmas }, { "pt", cmd_pt },
	{ "map", cmd_map }, { "vtop", cmd_vtop }, { "vbuf", cmd_vbuf },
	{ "physmap", cmd_physmap }, { "export", cmd_export },
	{ "version", cmd_version },
};

int cmd_version(struct ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		COMMON_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct json j;
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			printf("usage: mmlens version [--json]\n\n%s",
			       common_help);
			return EXIT_OK;
		}
		rc = common_opt(c, opt, optarg);
		if (rc)
			return rc < 0 ? EXIT_USAGE : rc;
	}
	ctx_finish(c);
	rc = module_check(c);
	if (c->json) {
		json_init(&j, stdout);
		json_begin_doc(&j, "version", c->module_version);
		json_end_doc(&j);
	} else {
		printf("mmlens tool %s\n", MMLENS_TOOL_VERSION);
		if (!rc)
			printf("mmlens module %s\n", c->module_version);
	}
	return rc;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", no_argument, NULL, 'V' },
		COMMON_OPTS,
		{ NULL, 0, NULL, 0 },
	};
	struct ctx c;
	size_t i;
	int opt, rc;

	ctx_init(&c);
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case 'V':
			return cmd_version(&c, 1, argv);
		case OPT_HELP:
			fputs(usage_text, stdout);
			return EXIT_OK;
		default:
			rc = common_opt(&c, opt, optarg);
			if (rc < 0) {
				fputs(usage_text, stderr);
				return EXIT_USAGE;
			}
			if (rc)
				return rc;
		}
	}
	if (optind >= argc) {
		fputs(usage_text, stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		if (optind + 1 < argc) {
			char *sub[] = { argv[optind + 1], "--help", NULL };

			for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
				if (!strcmp(sub[0], commands[i].name))
					return commands[i].fn(&c, 2, sub);
		}
		fputs(usage_text, stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].fn(&c, argc - optind, argv + optind);
	return fail(EXIT_USAGE, "mmlens --help lists the commands",
		    "unknown command '%s'", argv[optind]);
}
