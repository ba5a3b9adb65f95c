// SPDX-License-Identifier: GPL-2.0
/*
 * common.c - what every subcommand does the same way: error messages with
 * a hint, the run context (colour, terminal width), its options (the
 * common ones, --help) and operands, pid and address arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "mmlens.h"

const char common_help[] =
	"common options:\n"
	"  --json          machine-readable output (docs/json.md)\n"
	"  --root DIR      read a captured snapshot under DIR instead of\n"
	"                  /proc and /sys (docs/cli.md)\n"
	"  --color WHEN    auto (default: on a terminal), always, never;\n"
	"                  NO_COLOR in the environment always wins\n"
	"  --ascii         no Unicode block characters\n"
	"  --help          this text\n";

/* One line saying what went wrong, one saying what to do about it. */
static void vreport(const char *prefix, const char *hint, const char *fmt,
		    va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "mmlens: %s", prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	if (hint)
		fprintf(stderr, "hint: %s\n", hint);
}

int fail(int code, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("", hint, fmt, ap);
	va_end(ap);
	return code;
}

void warn(const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning: ", hint, fmt, ap);
	va_end(ap);
}

void ctx_init(struct ctx *c)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");

	memset(c, 0, sizeof(*c));
	c->root = "";
	c->color_opt = -1;
	c->tty = isatty(STDOUT_FILENO);
	c->columns = 80;
	if (c->tty && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
		c->columns = ws.ws_col;
	else if (cols && atoi(cols) > 0)
		c->columns = atoi(cols);
	if (c->columns < 40)
		c->columns = 40;
	if (c->columns > 1000)
		c->columns = 1000;
}

/* After the options: colour only on a terminal, never with NO_COLOR. */
void ctx_finish(struct ctx *c)
{
	const char *nc = getenv("NO_COLOR");

	if (nc && *nc)
		c->color = 0;
	else if (c->color_opt >= 0)
		c->color = c->color_opt;
	else
		c->color = c->tty;
}

int common_opt(struct ctx *c, int opt, const char *arg)
{
	switch (opt) {
	case OPT_JSON:
		c->json = 1;
		return 0;
	case OPT_ROOT:
		c->root = arg;
		return 0;
	case OPT_ASCII:
		c->ascii = 1;
		return 0;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			c->color_opt = -1;
		else if (!strcmp(arg, "always"))
			c->color_opt = 1;
		else if (!strcmp(arg, "never"))
			c->color_opt = 0;
		else
			return fail(EXIT_USAGE, "use auto, always or never",
				    "bad --color value '%s'", arg);
		return 0;
	}
	return -1;
}

/*
 * common_opt() for subcommand CMD: an unknown option is a usage error
 * with a hint at "mmlens CMD --help". 0: handled, else the exit code.
 */
static int command_opt(struct ctx *c, const char *cmd, int opt,
		       const char *arg)
{
	char hint[64];
	int rc = common_opt(c, opt, arg);

	if (rc >= 0)
		return rc;
	snprintf(hint, sizeof(hint), "mmlens %s --help", cmd);
	return fail(EXIT_USAGE, hint, "bad option");
}

int command_args(struct ctx *c, const struct command *cmd, void *args,
		 int argc, char **argv)
{
	int opt, rc;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "", cmd->opts, NULL)) != -1) {
		if (opt == OPT_HELP) {
			printf("%s\n%s", cmd->help, common_help);
			return EXIT_OK;
		}
		rc = cmd->opt ? cmd->opt(args, opt, optarg) : -1;
		if (rc < 0)
			rc = command_opt(c, cmd->name, opt, optarg);
		if (rc)
			return rc;
	}
	ctx_finish(c);
	return CMD_RUN;
}

int no_operands(const char *cmd, int argc, char **argv)
{
	char hint[64];

	if (optind >= argc)
		return 0;
	snprintf(hint, sizeof(hint), "mmlens %s --help", cmd);
	return fail(EXIT_USAGE, hint, "unexpected argument '%s'",
		    argv[optind]);
}

/* vmas, pt and map: "mmlens CMD PID". */
int pid_operand(const char *cmd, int argc, char **argv, int *pid)
{
	char hint[96];

	if (optind + 1 == argc && !parse_pid(argv[optind], pid))
		return 0;
	snprintf(hint, sizeof(hint), "mmlens %s PID, e.g. mmlens %s $$", cmd,
		 cmd);
	return fail(EXIT_USAGE, hint, "%s wants one process id", cmd);
}

/* Decimal, 1 .. PID_MAX_LIMIT (4194304). */
int parse_pid(const char *s, int *pid)
{
	char *end;
	long v;

	if (!s || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 1 || v > 4194304)
		return -1;
	*pid = (int)v;
	return 0;
}

/*
 * Decimal, lo .. hi: the range is checked on the long strtol() gives,
 * before it becomes an int (4294967336 is not 40).
 */
int parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	if (!s || !*s)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

/* Hexadecimal, with or without 0x, as /proc/PID/maps shows addresses. */
int parse_addr(const char *s, uint64_t *addr)
{
	char *end;
	unsigned long long v;

	if (!s)
		return -1;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s || strchr(s, '-') || strchr(s, '+') || strchr(s, ' '))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 16);
	if (errno || *end)
		return -1;
	*addr = v;
	return 0;
}

int zone_selected(int znode, const char *zname, int node, const char *zone)
{
	return (node < 0 || znode == node) &&
	       (!zone || !strcasecmp(zname, zone));
}
