// SPDX-License-Identifier: GPL-2.0
/*
 * mmlens - command-line reader of /proc/mmlens and /sys/kernel/debug/mmlens.
 *
 * First cut: checks that the module is loaded and which version it is.
 * The subcommands (frag, vmas, pt, map, vtop, vbuf) are being built; see
 * docs/cli.md.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define MMLENS_TOOL_VERSION "0.1.0"

enum { EXIT_OK, EXIT_USAGE, EXIT_NOMODULE, EXIT_PERM, EXIT_NOPROC };

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mmlens [--help] [--version] COMMAND\n"
		"\n"
		"commands:\n"
		"  version   print the tool's and the loaded module's version\n"
		"\n"
		"exit codes: 0 ok, 1 usage, 2 module not loaded, 3 permission,\n"
		"4 no such process\n");
}

static int cmd_version(void)
{
	char buf[64] = "";
	FILE *f = fopen("/proc/mmlens/version", "r");

	printf("mmlens tool %s\n", MMLENS_TOOL_VERSION);
	if (!f) {
		fprintf(stderr,
			"mmlens: module not loaded (/proc/mmlens/version: %s)\n"
			"hint: sudo insmod mmlens.ko\n", strerror(errno));
		return EXIT_NOMODULE;
	}
	if (fgets(buf, sizeof(buf), f))
		printf("mmlens module %s", buf);
	fclose(f);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			return cmd_version();
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "version"))
		return cmd_version();
	usage(stderr);
	return EXIT_USAGE;
}
