/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlens.h - what the parts of the mmlens tool share: the run context, exit
 * codes, error reporting, options and operands (common.c), access to the
 * module's files (source.c, load.c) and the subcommands' entry points.
 */
#ifndef MMLENS_TOOL_H
#define MMLENS_TOOL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Set by the Makefile from module/mmlens_vocab.h: tool and module ship together. */
#ifndef MMLENS_TOOL_VERSION
#define MMLENS_TOOL_VERSION "0.0.0"
#endif

enum {
	EXIT_OK = 0,
	EXIT_USAGE = 1,
	EXIT_NOMODULE = 2,	/* module not loaded, files missing */
	EXIT_PERM = 3,
	EXIT_NOPROC = 4,
};

struct ctx {
	const char *root;	/* "" or a snapshot directory (--root) */
	int json;
	int color;		/* ANSI escapes allowed */
	int color_opt;		/* --color: -1 auto, 0 never, 1 always */
	int ascii;		/* no Unicode block characters */
	int tty;		/* stdout is a terminal */
	int columns;		/* terminal width, or 80 */
	char module_version[32];
};

/* common.c */
int fail(int code, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void warn(const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void ctx_init(struct ctx *c);
void ctx_finish(struct ctx *c);
int parse_pid(const char *s, int *pid);
/* Decimal lo .. hi into *out: 0, or -1 (nothing else, range included). */
int parse_int(const char *s, int lo, int hi, int *out);
int parse_addr(const char *s, uint64_t *addr);
/*
 * --node and --zone of frag and physmap: whether the zone of znode called
 * zname is shown. node -1 and zone NULL select every one; zone names
 * match in any case (--zone normal).
 */
int zone_selected(int znode, const char *zname, int node, const char *zone);

/*
 * Options every subcommand accepts; COMMON_OPTS goes into each getopt_long
 * table and common_opt() handles what it returns.
 */
enum { OPT_JSON = 0x100, OPT_ROOT, OPT_COLOR, OPT_ASCII, OPT_HELP };
#define COMMON_OPTS							\
	{ "json", no_argument, NULL, OPT_JSON },			\
	{ "root", required_argument, NULL, OPT_ROOT },			\
	{ "color", required_argument, NULL, OPT_COLOR },		\
	{ "colour", required_argument, NULL, OPT_COLOR },		\
	{ "ascii", no_argument, NULL, OPT_ASCII },			\
	{ "help", no_argument, NULL, OPT_HELP }
/* 0: handled, -1: not a common option, else an exit code to return. */
int common_opt(struct ctx *c, int opt, const char *arg);
extern const char common_help[];

/*
 * A subcommand's arguments: its name (a bad option's hint is "mmlens
 * NAME --help"), its --help text (common_help follows it), its
 * getopt_long() table (its own options and COMMON_OPTS) and opt(), which
 * takes one of its own options into args: 0, an exit code (reported), or
 * -1 when opt is none of them. opt may be NULL: no options of its own.
 */
struct option;
struct command {
	const char *name;
	const char *help;
	const struct option *opts;
	int (*opt)(void *args, int opt, const char *arg);
};

/* command_args(): the options are parsed, run the command. */
#define CMD_RUN (-1)
/*
 * Parses the options of cmd in argv (argv[0]: its name) and decides the
 * colour: CMD_RUN with argv[optind] the first operand, else the exit code
 * the command returns (EXIT_OK after --help).
 */
int command_args(struct ctx *c, const struct command *cmd, void *args,
		 int argc, char **argv);
/* After command_args(): 0, or a usage error (reported) for an operand. */
int no_operands(const char *cmd, int argc, char **argv);
/* After command_args(): 0 with the one operand, a process id, in *pid. */
int pid_operand(const char *cmd, int argc, char **argv, int *pid);

/* source.c: the module's files, under ctx->root. */
struct buf {
	char *data;
	size_t len;
};

void buf_free(struct buf *b);
int module_check(struct ctx *c);
int read_module_file(struct ctx *c, const char *path, struct buf *b);
/* Same, but a missing file (ENOENT) returns -1 without a message. */
int read_module_file_opt(struct ctx *c, const char *path, struct buf *b);
/* Same, no message: 0 or the errno (mmlens export). */
int read_module_file_errno(struct ctx *c, const char *path, struct buf *b);
int read_pid_file(struct ctx *c, const char *name, int pid,
		  const char *extra, struct buf *b);
/*
 * read_pid_file() in its steps, for a reader that wants the fd (the
 * pagetable's ioctl), live only: open_pid_file() opens NAME, writes the
 * pid (and EXTRA) and seeks back to 0, giving *fd and in @path what
 * messages name; read_pid_fd() reads the report from the fd's offset;
 * pid_file_error() reports an errno of a stage ("read", ...) as they do.
 * The first two return 0 or an exit code (reported), the last the exit
 * code it reported.
 */
int open_pid_file(struct ctx *c, const char *name, int pid,
		  const char *extra, char *path, size_t size, int *fd);
int read_pid_fd(int fd, int pid, const char *path, struct buf *b);
int pid_file_error(int pid, int err, const char *stage, const char *path);
void path_in_root(const struct ctx *c, const char *path, char *out,
		  size_t size);

/*
 * Which of CAP_SYS_ADMIN and CAP_SYS_PTRACE the CapEff line of a
 * /proc/PID/status text lacks (both when there is no such line); the
 * permission messages of source.c name them.
 */
enum { LACK_SYS_ADMIN = 1, LACK_SYS_PTRACE = 2 };
unsigned int caps_lacking(const char *status);

/*
 * The thresholds and proactive-compaction verdict of every node of ci
 * (compact_proactive()), from vm.compaction_proactiveness and the kswapd
 * threads under ctx->root; unknown (-1) when the sysctl cannot be read.
 * mmlens frag and export call it after parsing compaction.
 */
struct compact_info;
void load_proactive(const struct ctx *c, struct compact_info *ci);

#define PROC_DIR "/proc/mmlens"
#define DEBUG_DIR "/sys/kernel/debug/mmlens"
#define VBUF_DEV "/dev/mmlens"

/*
 * load.c: the module's files read and parsed, each into what its parser
 * fills (parse.h): 0, or an exit code, reported. load_vmas() and the
 * others after it read the walker's reports of process PID.
 */
struct parse_err;
struct frag_info;
struct wmark_info;
struct pb_info;
struct vbuf_stats;
struct vma_list;
struct pt_report;
struct numa_list;
struct numa_vma;
struct vtop_report;
/* A file that does not parse (pe): reported, and its exit code. */
int bad_module_file(const char *path, const struct parse_err *pe);
int load_fraginfo(struct ctx *c, struct frag_info *fi);
/* Optional (older modules lack them): *have 0 when the file is not there. */
int load_watermarks(struct ctx *c, struct wmark_info *wi, int *have);
int load_compaction(struct ctx *c, struct compact_info *ci, int *have);
int load_pageblocks(struct ctx *c, struct pb_info *pi);
int load_vbuf_stats(struct ctx *c, struct vbuf_stats *vs);
int load_vmas(struct ctx *c, int pid, struct vma_list *vl);
int load_numa(struct ctx *c, int pid, struct numa_list *nl);
const struct numa_vma *numa_find(const struct numa_list *nl, uint64_t start);
int load_pagetable(struct ctx *c, int pid, struct pt_report *pt);
/* @addr: as the module takes it, "0x..." */
int load_vtop(struct ctx *c, int pid, const char *addr,
	      struct vtop_report *vt);

/* Subcommands: argv[0] is the command's name. */
int cmd_frag(struct ctx *c, int argc, char **argv);
int cmd_vmas(struct ctx *c, int argc, char **argv);
int cmd_pt(struct ctx *c, int argc, char **argv);
int cmd_map(struct ctx *c, int argc, char **argv);
int cmd_vtop(struct ctx *c, int argc, char **argv);
int cmd_vbuf(struct ctx *c, int argc, char **argv);
int cmd_physmap(struct ctx *c, int argc, char **argv);
int cmd_export(struct ctx *c, int argc, char **argv);
int cmd_version(struct ctx *c, int argc, char **argv);

#endif /* MMLENS_TOOL_H */
