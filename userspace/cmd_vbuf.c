// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_vbuf.c - mmlens vbuf: map /dev/mmlens, touch pages, and show what
 * the module's fault handler counted (debugfs vbuf) before and after.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../module/mmlens_uapi.h"
#include "json.h"
#include "mmlens.h"
#include "parse.h"
#include "render.h"

#define FIRST_TEXT_MAX 1024

static const char vbuf_help[] =
	"usage: mmlens vbuf [--touch N] [--mode lazy|around|eager] [--json]\n"
	"\n"
	"Open and mmap /dev/mmlens (root), read N of its pages (default: all),\n"
	"check that page i begins with \"mmlens vbuf page i\", and show the\n"
	"text of the first page and the module's counters (faults, mappings,\n"
	"opens, inserted) from /sys/kernel/debug/mmlens/vbuf before and after.\n"
	"--mode maps in that mode (default: the module's vbuf_mode): lazy, one\n"
	"page per fault; around, 16-page windows per fault; eager, everything\n"
	"at mmap.\n";

static const char *const mode_names[MMLENS_VBUF_NR_MODES] =
	MMLENS_VBUF_MODE_NAMES;

struct vbuf_run {
	struct vbuf_stats before, after;
	int want_mode;			/* --mode, or -1 */
	char mode[16];			/* the mapping's mode, "" if unknown */
	long touched, bad_page;		/* bad_page: first mismatch or -1 */
	char first[FIRST_TEXT_MAX];
};

/* Reads one byte of each page, so each takes its first fault here. */
static void touch(const char *map, long pages, long psize,
		  struct vbuf_run *r)
{
	char want[64];
	long i;

	r->bad_page = -1;
	for (i = 0; i < pages; i++) {
		const volatile char *p = map + i * psize;
		size_t n = (size_t)snprintf(want, sizeof(want),
					    "mmlens vbuf page %ld\n", i);

		(void)*p;
		if (r->bad_page < 0 && memcmp(map + i * psize, want, n))
			r->bad_page = i;
	}
	r->touched = pages;
}

static int run(struct ctx *c, long ntouch, struct vbuf_run *r)
{
	char path[PATH_MAX];
	long psize = sysconf(_SC_PAGESIZE), pages;
	size_t len, n;
	struct stat st;
	char *map;
	int fd, rc;

	rc = load_vbuf_stats(c, &r->before);
	if (rc)
		return rc;
	path_in_root(c, VBUF_DEV, path, sizeof(path));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == EACCES || errno == EPERM)
			return fail(EXIT_PERM, "run it as root, e.g. sudo mmlens vbuf",
				    "%s needs root: %s", VBUF_DEV,
				    strerror(errno));
		return fail(EXIT_NOMODULE,
			    "load the mmlens.ko built from the same tree as this tool",
			    "%s: %s (the loaded module lacks the vmalloc buffer?)",
			    VBUF_DEV, strerror(errno));
	}
	if (r->want_mode >= 0) {
		__u32 m = (__u32)r->want_mode;

		if (ioctl(fd, MMLENS_VBUF_SET_MODE, &m)) {
			rc = errno;
			close(fd);
			return fail(EXIT_NOMODULE,
				    "load the mmlens.ko built from the same tree as this tool",
				    "%s cannot switch to mode %s: %s", VBUF_DEV,
				    mode_names[r->want_mode], strerror(rc));
		}
	}
	{
		__u32 m;

		/* A snapshot or an older module: what new opens get. */
		if (!ioctl(fd, MMLENS_VBUF_GET_MODE, &m) &&
		    m < MMLENS_VBUF_NR_MODES)
			snprintf(r->mode, sizeof(r->mode), "%s", mode_names[m]);
		else
			snprintf(r->mode, sizeof(r->mode), "%s",
				 r->before.mode);
	}
	len = (size_t)r->before.size;
	pages = (long)(len / (size_t)psize);
	if (!len || len % (size_t)psize) {
		close(fd);
		return fail(EXIT_NOMODULE, NULL,
			    "%s/vbuf reports size=%lld, not whole pages",
			    DEBUG_DIR, (long long)r->before.size);
	}
	/* a snapshot's regular file: reading past its end would SIGBUS */
	if (!fstat(fd, &st) && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size < len) {
		close(fd);
		return fail(EXIT_NOMODULE, NULL, "%s is shorter than %zu bytes",
			    path, len);
	}
	map = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return fail(EXIT_NOMODULE, NULL, "mmap %s: %s", VBUF_DEV,
			    strerror(errno));
	if (ntouch < 0 || ntouch > pages)
		ntouch = pages;
	touch(map, ntouch, psize, r);
	rc = load_vbuf_stats(c, &r->after);
	if (!rc) {
		n = strnlen(map, (size_t)psize);
		if (n >= sizeof(r->first))
			n = sizeof(r->first) - 1;
		memcpy(r->first, map, n);
		r->first[n] = '\0';
	}
	munmap(map, len);
	return rc;
}

static void stat_row(struct table *t, const char *name, int64_t a, int64_t b)
{
	char x[24], y[24], d[24];

	snprintf(x, sizeof(x), a < 0 ? "-" : "%lld", (long long)a);
	snprintf(y, sizeof(y), b < 0 ? "-" : "%lld", (long long)b);
	if (a < 0 || b < 0)
		snprintf(d, sizeof(d), "-");
	else
		snprintf(d, sizeof(d), "%+lld", (long long)(b - a));
	table_add(t, name, x, y, d);
}

static void vbuf_text(const struct ctx *c, const struct vbuf_run *r)
{
	static const char *const head[] = { "Counter", "Before", "After",
		"Change" };
	char sz[24];
	struct table t;
	const char *p;

	fmt_bytes(sz, sizeof(sz), (uint64_t)r->before.size);
	printf("%s%s: %s in %lld pages; mode %s; touched %ld%s\n",
	       sgr(c, C_BOLD), VBUF_DEV, sz, (long long)r->before.pages,
	       r->mode[0] ? r->mode : "unknown", r->touched, sgr(c, C_RESET));
	printf("first page:\n");
	for (p = r->first; *p;) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);

		printf("  | %.*s\n", n, p);
		p += n + (nl ? 1 : 0);
	}
	table_init(&t, 4, head, "lrrr");
	stat_row(&t, "faults", r->before.faults, r->after.faults);
	stat_row(&t, "mappings", r->before.mappings, r->after.mappings);
	stat_row(&t, "opens", r->before.opens, r->after.opens);
	stat_row(&t, "inserted", r->before.inserted, r->after.inserted);
	table_print(&t, stdout, c);
	table_free(&t);
	if (r->bad_page >= 0)
		printf("%spage %ld does not begin with \"mmlens vbuf page %ld\"%s\n",
		       sgr(c, C_RED), r->bad_page, r->bad_page,
		       sgr(c, C_RESET));
	else
		printf("every touched page begins with \"mmlens vbuf page N\"\n");
}

static void stats_json(struct json *j, const char *key,
		       const struct vbuf_stats *s)
{
	const char *names[] = { "size", "pages", "faults", "mappings",
		"opens", "inserted" };
	int64_t v[] = { s->size, s->pages, s->faults, s->mappings, s->opens,
		s->inserted };
	int i;

	json_obj(j, key, 1);
	for (i = 0; i < 6; i++)
		json_i64_or_null(j, names[i], v[i]);
	json_str_or_null(j, "default_mode", s->mode);
	json_end_obj(j);
}

static void vbuf_json(const struct ctx *c, const struct vbuf_run *r)
{
	struct json j;

	json_init(&j, stdout);
	json_begin_doc(&j, "vbuf", c->module_version);
	json_str(&j, "device", VBUF_DEV);
	json_str_or_null(&j, "mode", r->mode);
	json_i64(&j, "touched", r->touched);
	json_bool(&j, "headers_ok", r->bad_page < 0);
	if (r->bad_page >= 0)
		json_i64(&j, "first_bad_page", r->bad_page);
	json_str(&j, "first_page_text", r->first);
	stats_json(&j, "before", &r->before);
	stats_json(&j, "after", &r->after);
	json_end_doc(&j);
}

/* What vbuf's options ask for; -1: the default. */
struct vbuf_args {
	long ntouch;		/* --touch: pages to read; -1: all */
	int want_mode;		/* --mode: MMLENS_VBUF_MODE_* */
};

static int vbuf_opt(void *args, int opt, const char *arg)
{
	struct vbuf_args *a = args;
	char *end;

	switch (opt) {
	case 't':
		a->ntouch = strtol(arg, &end, 10);
		if (*end || !*arg || a->ntouch < 0)
			return fail(EXIT_USAGE, NULL,
				    "--touch wants a number of pages");
		return 0;
	case 'm':
		for (a->want_mode = 0; a->want_mode < MMLENS_VBUF_NR_MODES &&
		     strcmp(arg, mode_names[a->want_mode]); a->want_mode++)
			;
		if (a->want_mode == MMLENS_VBUF_NR_MODES)
			return fail(EXIT_USAGE, "mmlens vbuf --help",
				    "--mode wants lazy, around or eager");
		return 0;
	}
	return -1;
}

static const struct option vbuf_opts[] = {
	{ "touch", required_argument, NULL, 't' },
	{ "mode", required_argument, NULL, 'm' },
	COMMON_OPTS,
	{ NULL, 0, NULL, 0 },
};

static const struct command vbuf_command = {
	"vbuf", vbuf_help, vbuf_opts, vbuf_opt,
};

int cmd_vbuf(struct ctx *c, int argc, char **argv)
{
	struct vbuf_args a = { .ntouch = -1, .want_mode = -1 };
	struct vbuf_run r;
	int rc;

	rc = command_args(c, &vbuf_command, &a, argc, argv);
	if (rc != CMD_RUN)
		return rc;
	rc = no_operands("vbuf", argc, argv);
	if (!rc)
		rc = module_check(c);
	if (rc)
		return rc;
	memset(&r, 0, sizeof(r));
	r.want_mode = a.want_mode;
	rc = run(c, a.ntouch, &r);
	if (rc)
		return rc;
	if (c->json)
		vbuf_json(c, &r);
	else
		vbuf_text(c, &r);
	return EXIT_OK;
}
