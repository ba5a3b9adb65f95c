// SPDX-License-Identifier: GPL-2.0
/*
 * parse.c - the module's file formats, each read in exactly one place.
 *
 * Input is untrusted: any byte sequence may arrive (the fuzzer in fuzz/
 * sends them). Lines are copied into a bounded buffer before they are cut
 * into tokens, numbers are parsed by hand (strtoul would accept spaces,
 * signs and overflow), and every array grows with a checked realloc.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/*
 * Longest line: a vmas line with a PATH_MAX name whose every byte is a
 * newline, escaped to 4 bytes (\012), plus the counters.
 */
#define LINE_CAP (4 * 4096 + 1024)

const char *const pt_flag_names[PTF_NFLAGS] = {
	[PTF_RW] = MMLENS_FLAG_RW,
	[PTF_USER] = MMLENS_FLAG_USER,
	[PTF_ACCESSED] = MMLENS_FLAG_ACCESSED,
	[PTF_DIRTY] = MMLENS_FLAG_DIRTY,
	[PTF_NX] = MMLENS_FLAG_NX,
	[PTF_GLOBAL] = MMLENS_FLAG_GLOBAL,
	[PTF_HUGE] = MMLENS_FLAG_HUGE,
	[PTF_ZERO] = MMLENS_FLAG_ZERO,
	[PTF_SPECIAL] = MMLENS_FLAG_SPECIAL,
	[PTF_SOFT_DIRTY] = MMLENS_FLAG_SOFT_DIRTY,
	[PTF_UFFD_WP] = MMLENS_FLAG_UFFD_WP,
	[PTF_PAT] = MMLENS_FLAG_PAT,
	[PTF_PCD] = MMLENS_FLAG_PCD,
	[PTF_PWT] = MMLENS_FLAG_PWT,
};

static const char *const level_names[MMLENS_NR_LEVELS] = MMLENS_LEVEL_NAMES;

const char *pt_level_name(enum mmlens_level l)
{
	return l < MMLENS_NR_LEVELS ? level_names[l] : "?";
}

uint64_t pt_level_bytes(enum mmlens_level l)
{
	/* 4 KiB, 2 MiB, 1 GiB, 512 GiB, 256 TiB */
	return l < MMLENS_NR_LEVELS ? 4096ULL << (9 * (MMLENS_PTE - l)) : 0;
}

static int perr(struct parse_err *e, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct parse_err *e, unsigned int line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->line = line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

struct lines {
	const char *p, *end;
	unsigned int no;
};

static void lines_init(struct lines *it, const char *buf, size_t len)
{
	it->p = buf;
	it->end = buf + len;
	it->no = 0;
}

/* 1: the next line is in out (without its newline), 0: end, -1: error. */
static int next_line(struct lines *it, char *out, size_t cap,
		     struct parse_err *e)
{
	const char *nl;
	size_t n;

	if (it->p >= it->end)
		return 0;
	nl = memchr(it->p, '\n', it->end - it->p);
	n = nl ? (size_t)(nl - it->p) : (size_t)(it->end - it->p);
	it->no++;
	if (n >= cap)
		return perr(e, it->no, "line longer than %zu bytes", cap - 1);
	if (memchr(it->p, '\0', n))
		return perr(e, it->no, "NUL byte in line");
	memcpy(out, it->p, n);
	out[n] = '\0';
	it->p += n + (nl ? 1 : 0);
	return 1;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char *skip_space(char *s)
{
	while (is_space(*s))
		s++;
	return s;
}

static int blank(const char *s)
{
	while (is_space(*s))
		s++;
	return *s == '\0';
}

/* What for_each_line() passes over without calling its fn. */
#define SKIP_BLANK	1u	/* empty or white space only */
#define SKIP_COMMENT	2u	/* '#' in the first column */

/*
 * The line loop of every multi-line parser, written once: fn gets each
 * line but those skip names, NUL-terminated in a bounded copy it may cut
 * up in place, and the line's 1-based number. 0 after the last line,
 * whose number goes to *nlines when not NULL (for a message about the
 * end); -1 when a line is too long or holds a NUL (e filled here) or fn
 * fails (e filled by fn).
 */
static int for_each_line(const char *buf, size_t len, unsigned int skip,
			 int (*fn)(char *line, unsigned int no, void *ctx,
				   struct parse_err *e),
			 void *ctx, unsigned int *nlines, struct parse_err *e)
{
	char line[LINE_CAP];
	struct lines it;
	int r;

	lines_init(&it, buf, len);
	while ((r = next_line(&it, line, sizeof(line), e)) > 0) {
		if ((skip & SKIP_BLANK) && blank(line))
			continue;
		if ((skip & SKIP_COMMENT) && line[0] == '#')
			continue;
		if (fn(line, it.no, ctx, e))
			return -1;
	}
	if (nlines)
		*nlines = it.no;
	return r;
}

/* The next space-separated token, NUL-terminated in place; NULL at end. */
static char *tok(char **cur)
{
	char *s = skip_space(*cur), *t;

	if (!*s) {
		*cur = s;
		return NULL;
	}
	t = s;
	while (*s && !is_space(*s))
		s++;
	if (*s)
		*s++ = '\0';
	*cur = s;
	return t;
}

static int dec_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (x > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		x = x * 10 + (uint64_t)(*s - '0');
	}
	*v = x;
	return 0;
}

static int dec_i64(const char *s, int64_t *v)
{
	uint64_t x;
	int neg = *s == '-';

	if (dec_u64(s + neg, &x) || x > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int hex_u64(const char *s, uint64_t *v)
{
	uint64_t x = 0;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	if (!*s)
		return -1;
	for (; *s; s++) {
		d = hexval(*s);
		if (d < 0 || x >> 60)
			return -1;
		x = x << 4 | (uint64_t)d;
	}
	*v = x;
	return 0;
}

/* "KEY=VALUE" with KEY of [a-z0-9_]: split in place; -1 if not that. */
static int split_kv(char *t, char **k, char **v)
{
	char *eq = strchr(t, '=');
	char *p;

	if (!eq || eq == t)
		return -1;
	for (p = t; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return -1;
	*eq = '\0';
	*k = t;
	*v = eq + 1;
	return 0;
}

/* Each key of keys[] once: its index, or nk for an unknown key (skipped). */
static int key_index(const char *const *keys, int nk, const char *k)
{
	int i;

	for (i = 0; i < nk && strcmp(k, keys[i]); i++)
		;
	return i;
}

/* A line of key=value words against a table of keys (kv_fields()). */
struct kv_spec {
	const char *const *keys;
	int nkeys;
	unsigned int required;	/* 1 << index: "missing" without it */
	/* keys[i]'s value into ctx; nonzero when it is bad */
	int (*value)(int i, char *v, void *ctx);
};

/*
 * Cuts cur into key=value words and gives each known key's value to
 * s->value: a key at most once, every required one there, unknown keys
 * skipped (a newer module may add some). One place for these rules, so
 * that every key=value format words the same mistake the same way.
 * *seen, when not NULL: the keys that came, 1 << index.
 */
static int kv_fields(char *cur, unsigned int no, const struct kv_spec *s,
		     void *ctx, unsigned int *seen, struct parse_err *e)
{
	unsigned int got = 0;
	char *t, *k, *v;
	int i;

	while ((t = tok(&cur))) {
		if (split_kv(t, &k, &v))
			return perr(e, no, "expected key=value, got '%.40s'", t);
		i = key_index(s->keys, s->nkeys, k);
		if (i == s->nkeys)
			continue;
		if (got & (1u << i))
			return perr(e, no, "%s given twice", k);
		got |= 1u << i;
		if (s->value(i, v, ctx))
			return perr(e, no, "bad value for %s: '%.40s'", k, v);
	}
	for (i = 0; i < s->nkeys; i++)
		if ((s->required & (1u << i)) && !(got & (1u << i)))
			return perr(e, no, "%s missing", s->keys[i]);
	if (seen)
		*seen = got;
	return 0;
}

/* "START-END" in hex, START < END. */
static int parse_range(const char *t, uint64_t *start, uint64_t *end)
{
	char a[24], b[24];
	const char *dash = strchr(t, '-');
	size_t na, nb;

	if (!dash)
		return -1;
	na = (size_t)(dash - t);
	nb = strlen(dash + 1);
	if (!na || !nb || na >= sizeof(a) || nb >= sizeof(b))
		return -1;
	memcpy(a, t, na);
	a[na] = '\0';
	memcpy(b, dash + 1, nb + 1);
	if (hex_u64(a, start) || hex_u64(b, end) || *start >= *end)
		return -1;
	return 0;
}

/* A number a line may give once, by key: where it goes, how it reads. */
struct once_u64 {
	const char *key;
	int *has;
	uint64_t *val;
	int (*parse)(const char *s, uint64_t *v);	/* hex_u64, dec_u64 */
};

/*
 * KEY=VALUE against f[]: 1 when KEY is one of them and VALUE its first,
 * good value; 0 when KEY is none of them; -1 when bad or repeated.
 */
static int once_field(const struct once_u64 *f, int n, const char *k,
		      const char *v)
{
	int i, bad;

	for (i = 0; i < n; i++)
		if (!strcmp(k, f[i].key)) {
			bad = *f[i].has || f[i].parse(v, f[i].val);
			*f[i].has = 1;
			return bad ? -1 : 1;
		}
	return 0;
}

/* Appends " WORD" (or WORD when empty) to a fixed buffer; -1 if full. */
static int append(char *dst, size_t cap, const char *sep, const char *word)
{
	size_t n = strlen(dst), need = strlen(word) + (n ? strlen(sep) : 0);

	if (n + need >= cap)
		return -1;
	if (n)
		strcat(dst, sep);
	strcat(dst, word);
	return 0;
}

/* Same, for a heap string that grows. */
static int append_heap(char **dst, const char *sep, const char *word)
{
	size_t n = *dst ? strlen(*dst) : 0;
	size_t need = n + strlen(sep) + strlen(word) + 1;
	char *p = realloc(*dst, need);

	if (!p)
		return -1;
	if (n)
		strcat(p, sep);
	else
		p[0] = '\0';
	strcat(p, word);
	*dst = p;
	return 0;
}

/* Grows *arr (of *cap elements of size sz) so index n fits. */
static int grow(void **arr, size_t *cap, size_t n, size_t sz, size_t max)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return 0;
	if (n >= max)
		return -1;
	ncap = *cap ? *cap * 2 : 16;
	if (ncap > max)
		ncap = max;
	p = realloc(*arr, ncap * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

/*
 * Index n of *arr, zeroed, the array grown first when it is full; NULL
 * past max elements or when memory runs out. The caller counts it in:
 * before parsing into it when its *_free() must free what a failed parse
 * left there, after when a failed element is not part of the result.
 */
static void *grow_slot(void **arr, size_t *cap, size_t n, size_t sz,
		       size_t max)
{
	char *p;

	if (grow(arr, cap, n, sz, max))
		return NULL;
	p = (char *)*arr + n * sz;
	memset(p, 0, sz);
	return p;
}

/*
 * The state of a parser that fills one growing array: its output and the
 * array's capacity, which the public structs do not keep.
 */
struct array_ctx {
	void *out;
	size_t cap;
};

/*
 * One line, not for_each_line(): a second line is an error before the
 * first is looked at, and 63 bytes are plenty.
 */
int parse_version(const char *buf, size_t len, struct mm_version *v,
		  struct parse_err *e)
{
	char line[64], *s;
	unsigned int part[3] = { 0, 0, 0 };
	struct lines it;
	int i, r, digits;

	lines_init(&it, buf, len);
	r = next_line(&it, line, sizeof(line), e);
	if (r <= 0)
		return r ? -1 : perr(e, 1, "empty version");
	if (it.p < it.end)
		return perr(e, 2, "more than one line");
	s = line;
	for (i = 0; i < 3; i++) {
		for (digits = 0; *s >= '0' && *s <= '9'; s++, digits++) {
			if (digits == 5)
				return perr(e, 1, "version number too long");
			part[i] = part[i] * 10 + (unsigned int)(*s - '0');
		}
		if (!digits)
			return perr(e, 1, "expected MAJOR.MINOR.PATCH");
		if (i < 2 && *s++ != '.')
			return perr(e, 1, "expected MAJOR.MINOR.PATCH");
	}
	if (*s && *s != '-' && *s != '+' && !blank(s))
		return perr(e, 1, "junk after the version");
	v->major = part[0];
	v->minor = part[1];
	v->patch = part[2];
	return 0;
}

/* ---- fraginfo ---- */

enum { FK_NODE, FK_ZONE, FK_ORDER, FK_NR_FREE, FK_FREE_PAGES, FK_TOTAL,
	FK_SUITABLE, FK_EXTFRAG, FK_UNUSABLE, FK_N };
static const char *const frag_keys[FK_N] = {
	"node", "zone", "order", "nr_free", "free_pages", "free_blocks_total",
	"free_blocks_suitable", "extfrag", "unusable",
};

/* One fraginfo line's fields, before they go to their zone. */
struct frag_fields {
	struct frag_order o;
	uint64_t node, order;
	char zname[32];
};

static int frag_value(int i, char *v, void *ctx)
{
	struct frag_fields *f = ctx;

	switch (i) {
	case FK_NODE:
		return dec_u64(v, &f->node) || f->node > 1u << 20;
	case FK_ZONE:
		if (!*v || strlen(v) >= sizeof(f->zname))
			return -1;
		strcpy(f->zname, v);
		return 0;
	case FK_ORDER:
		return dec_u64(v, &f->order) || f->order >= FRAG_MAX_ORDERS;
	case FK_NR_FREE:
		return dec_u64(v, &f->o.nr_free);
	case FK_FREE_PAGES:
		return dec_u64(v, &f->o.free_pages);
	case FK_TOTAL:
		return dec_u64(v, &f->o.free_blocks_total);
	case FK_SUITABLE:
		return dec_u64(v, &f->o.free_blocks_suitable);
	case FK_EXTFRAG:
		return dec_i64(v, &f->o.extfrag);
	default:
		return dec_i64(v, &f->o.unusable);
	}
}

static const struct kv_spec frag_spec = {
	frag_keys, FK_N, (1u << FK_N) - 1, frag_value,
};

/* One order of one zone; a zone's orders come in sequence from 0. */
static int frag_line(char *line, unsigned int no, void *ctx,
		     struct parse_err *e)
{
	struct array_ctx *c = ctx;
	struct frag_info *fi = c->out;
	struct frag_fields f = { .node = 0 };
	struct frag_zone *z;

	if (kv_fields(line, no, &frag_spec, &f, NULL, e))
		return -1;
	z = fi->nzones ? &fi->zones[fi->nzones - 1] : NULL;
	if (!z || z->node != (int)f.node || strcmp(z->name, f.zname)) {
		if (f.order != 0)
			return perr(e, no, "zone %s starts at order %u",
				    f.zname, (unsigned int)f.order);
		z = grow_slot((void **)&fi->zones, &c->cap, fi->nzones,
			      sizeof(*z), FRAG_MAX_ZONES);
		if (!z)
			return perr(e, no, "too many zones");
		fi->nzones++;
		z->node = (int)f.node;
		strcpy(z->name, f.zname);
	} else if (f.order != (uint64_t)z->norders) {
		return perr(e, no, "order %u out of sequence in zone %s",
			    (unsigned int)f.order, f.zname);
	}
	z->o[z->norders++] = f.o;
	return 0;
}

int parse_fraginfo(const char *buf, size_t len, struct frag_info *fi,
		   struct parse_err *e)
{
	struct array_ctx c = { fi, 0 };

	fi->nzones = 0;
	fi->zones = NULL;
	if (for_each_line(buf, len, SKIP_BLANK, frag_line, &c, NULL, e))
		return -1;
	if (!fi->nzones)
		return perr(e, 0, "no zones");
	return 0;
}

void frag_info_free(struct frag_info *fi)
{
	free(fi->zones);
	fi->zones = NULL;
	fi->nzones = 0;
}

/* ---- vmas ---- */

enum { VK_PRESENT, VK_SWAP, VK_PMD, VK_PUD, VK_DIRTY, VK_YOUNG, VK_RUNS,
	VK_PTABLES, VK_N };
static const char *const vma_keys[VK_N] = MMLENS_VMAS_KEYS;

static int good_perms(const char *p)
{
	return strlen(p) == 4 && (p[0] == 'r' || p[0] == '-') &&
	       (p[1] == 'w' || p[1] == '-') && (p[2] == 'x' || p[2] == '-') &&
	       (p[3] == 'p' || p[3] == 's');
}

/*
 * A key=value token ends the counters only when it is not one: names are
 * paths or [brackets], and may contain '=' or spaces, so the name is the
 * rest of the line after the last counter.
 */
static int looks_like_kv(const char *s)
{
	const char *eq = strchr(s, '=');
	const char *p;

	if (!eq || eq == s || !eq[1])
		return 0;
	for (p = s; p < eq; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return 0;
	for (p = eq + 1; *p; p++)
		if (hexval(*p) < 0 && *p != 'x' && *p != '-')
			return 0;
	return 1;
}

/* One VMA into m, which comes zeroed. */
static int vma_line(char *line, unsigned int no, struct vma_info *m,
		    struct parse_err *e)
{
	char *cur = line, *t, *k, *v;
	uint64_t *field[VK_N] = {
		&m->present, &m->swap, &m->pmd, &m->pud, &m->dirty, &m->young,
		&m->runs, &m->ptables,
	};
	unsigned int seen = 0;
	int i;

	t = tok(&cur);
	if (!t || parse_range(t, &m->start, &m->end))
		return perr(e, no, "expected START-END");
	t = tok(&cur);
	if (!t || !good_perms(t))
		return perr(e, no, "expected permissions like r-xp");
	strcpy(m->perms, t);
	t = tok(&cur);
	if (!t || hex_u64(t, &m->pgoff))
		return perr(e, no, "expected a hex page offset");
	for (;;) {
		char *end, save;

		t = skip_space(cur);
		for (end = t; *end && !is_space(*end); end++)
			;
		if (end == t)
			break;
		save = *end;
		*end = '\0';
		if (!looks_like_kv(t)) {
			*end = save;
			break;
		}
		cur = save ? end + 1 : end;
		split_kv(t, &k, &v);
		for (i = 0; i < VK_N && strcmp(k, vma_keys[i]); i++)
			;
		if (i == VK_N)
			continue;
		if (seen & (1u << i))
			return perr(e, no, "%s given twice", k);
		seen |= 1u << i;
		if (dec_u64(v, field[i]))
			return perr(e, no, "bad value for %s: '%.40s'", k, v);
	}
	for (i = 0; i < VK_N; i++)
		if (!(seen & (1u << i)))
			return perr(e, no, "%s missing", vma_keys[i]);
	cur = skip_space(cur);
	m->name = strdup(cur);
	if (!m->name)
		return perr(e, no, "out of memory");
	return 0;
}

/* A VMA counts once it parsed: a failed one has no name to free. */
static int vmas_add(char *line, unsigned int no, void *ctx,
		    struct parse_err *e)
{
	struct array_ctx *c = ctx;
	struct vma_list *vl = c->out;
	struct vma_info *m;

	m = grow_slot((void **)&vl->v, &c->cap, vl->n, sizeof(*m),
		      SIZE_MAX / sizeof(*m));
	if (!m)
		return perr(e, no, "out of memory");
	if (vma_line(line, no, m, e))
		return -1;
	vl->n++;
	return 0;
}

int parse_vmas(const char *buf, size_t len, struct vma_list *vl,
	       struct parse_err *e)
{
	struct array_ctx c = { vl, 0 };

	vl->n = 0;
	vl->v = NULL;
	return for_each_line(buf, len, SKIP_BLANK | SKIP_COMMENT, vmas_add,
			     &c, NULL, e);
}

void vma_list_free(struct vma_list *vl)
{
	size_t i;

	for (i = 0; i < vl->n; i++)
		free(vl->v[i].name);
	free(vl->v);
	vl->v = NULL;
	vl->n = 0;
}

/* ---- pagetable ---- */

static int level_by_name(const char *s)
{
	int l;

	for (l = 0; l < MMLENS_NR_LEVELS; l++)
		if (!strcmp(s, level_names[l]))
			return l;
	return -1;
}

/* The header's key=value fields outside comm; other words are skipped. */
static int pt_header_fields(char *cur, unsigned int no, struct pt_report *pt,
			    struct parse_err *e)
{
	char *t, *k, *v;
	uint64_t x;

	while ((t = tok(&cur))) {
		if (split_kv(t, &k, &v))
			continue;
		if (!strcmp(k, "pid")) {
			if (dec_u64(v, &x) || x > 4194304)
				return perr(e, no, "bad pid '%.40s'", v);
			pt->pid = (int)x;
		} else if (!strcmp(k, "levels")) {
			if (dec_u64(v, &x) || x < 2 || x > 5)
				return perr(e, no, "bad levels '%.40s'", v);
			pt->levels = (int)x;
		}
	}
	return 0;
}

/*
 * "# pid=<pid> comm=<comm> levels=<n>": comm is escaped like a maps name
 * (a newline is \012) and may hold spaces, '=' and even " levels=", so it
 * runs from the first "comm=" word to the last " levels=" after it (to
 * the end of the line without one), byte for byte.
 */
static int pt_header(char *line, unsigned int no, struct pt_report *pt,
		     struct parse_err *e)
{
	char *body = line + 1, *cm = NULL, *val, *lv = NULL, *p;
	size_t n;

	for (p = body; (p = strstr(p, "comm=")); p++)
		if (p == body || is_space(p[-1])) {
			cm = p;
			break;
		}
	if (!cm)
		return pt_header_fields(body, no, pt, e);
	val = cm + 5;
	for (p = val; (p = strstr(p, " levels=")); p++)
		lv = p;
	n = lv ? (size_t)(lv - val) : strlen(val);
	if (n >= sizeof(pt->comm))
		return perr(e, no, "comm too long");
	memcpy(pt->comm, val, n);
	pt->comm[n] = '\0';
	pt->has_comm = 1;
	*cm = '\0';
	if (pt_header_fields(body, no, pt, e))
		return -1;
	return lv ? pt_header_fields(lv, no, pt, e) : 0;
}

static int pt_flags(char *v, struct pt_run *r)
{
	char *f, *next;
	int i;

	for (f = v; f && *f; f = next) {
		next = strchr(f, ',');
		if (next)
			*next++ = '\0';
		if (!*f || !strcmp(f, "-"))
			continue;
		for (i = 0; i < PTF_NFLAGS && strcmp(f, pt_flag_names[i]); i++)
			;
		if (i < PTF_NFLAGS)
			r->flags |= 1u << i;
		else if (append_heap(&r->other_flags, ",", f))
			return -1;
	}
	return 0;
}

/*
 * A run's fields after its kind: pfn=, type=, offset= and flags= once
 * each; other words are kept, as written, in extra.
 */
static int pt_fields(char *cur, unsigned int no, struct pt_run *r,
		     struct parse_err *e)
{
	const struct once_u64 nums[] = {
		{ "pfn", &r->has_pfn, &r->pfn, hex_u64 },
		{ "type", &r->has_type, &r->type, dec_u64 },
		{ "offset", &r->has_offset, &r->offset, hex_u64 },
	};
	char *t, *k, *v;
	int m;

	while ((t = tok(&cur))) {
		if (split_kv(t, &k, &v)) {
			if (append_heap(&r->extra, " ", t))
				return perr(e, no, "out of memory");
			continue;
		}
		m = once_field(nums, 3, k, v);
		if (m > 0)
			continue;
		if (m < 0 || (!strcmp(k, "flags") && r->has_flags))
			return perr(e, no, "bad or repeated %s", k);
		if (!strcmp(k, "flags")) {
			r->has_flags = 1;
			if (pt_flags(v, r))
				return perr(e, no, "out of memory");
			continue;
		}
		v[-1] = '=';
		if (append_heap(&r->extra, " ", k))
			return perr(e, no, "out of memory");
	}
	return 0;
}

/* One run of entries into r, which comes zeroed. */
static int pt_line(char *line, unsigned int no, struct pt_run *r,
		   struct parse_err *e)
{
	char *cur = line, *t, *p;
	int l;

	t = tok(&cur);
	if (!t || parse_range(t, &r->start, &r->end))
		return perr(e, no, "expected START-END");
	t = tok(&cur);
	l = t ? level_by_name(t) : -1;
	if (l < 0)
		return perr(e, no, "expected a level (pte, pmd, pud, ...)");
	r->level = (enum mmlens_level)l;
	t = tok(&cur);
	if (!t || dec_u64(t, &r->entries))
		return perr(e, no, "expected a number of entries");
	t = tok(&cur);
	if (!t || strlen(t) >= sizeof(r->kind))
		return perr(e, no, "expected a kind (present, swap, ...)");
	for (p = t; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '-' || *p == '_'))
			return perr(e, no, "bad kind '%.40s'", t);
	strcpy(r->kind, t);
	return pt_fields(cur, no, r, e);
}

static void pt_run_free(struct pt_run *r)
{
	free(r->other_flags);
	free(r->extra);
}

/*
 * A '#' line is a header, any other a run. A run counts once it parsed;
 * a failed one's flags and extra words are freed here.
 */
static int pt_add(char *line, unsigned int no, void *ctx,
		  struct parse_err *e)
{
	struct array_ctx *c = ctx;
	struct pt_report *pt = c->out;
	struct pt_run *r;

	if (line[0] == '#')
		return pt_header(line, no, pt, e);
	r = grow_slot((void **)&pt->r, &c->cap, pt->n, sizeof(*r),
		      SIZE_MAX / sizeof(*r));
	if (!r)
		return perr(e, no, "out of memory");
	if (pt_line(line, no, r, e)) {
		pt_run_free(r);
		return -1;
	}
	/* docs/walk.md: sorted, not overlapping; runview.c relies on it */
	if (pt->n && r->start < pt->r[pt->n - 1].end) {
		pt_run_free(r);
		return perr(e, no, "run out of order or overlapping the one before");
	}
	pt->n++;
	return 0;
}

int parse_pagetable(const char *buf, size_t len, struct pt_report *pt,
		    struct parse_err *e)
{
	struct array_ctx c = { pt, 0 };

	memset(pt, 0, sizeof(*pt));
	pt->pid = -1;
	return for_each_line(buf, len, SKIP_BLANK, pt_add, &c, NULL, e);
}

void pt_report_free(struct pt_report *pt)
{
	size_t i;

	for (i = 0; i < pt->n; i++)
		pt_run_free(&pt->r[i]);
	free(pt->r);
	pt->r = NULL;
	pt->n = 0;
}

/* ---- vtop ---- */

static int vtop_level(char *cur, const char *name, unsigned int no,
		      struct vtop_report *vt, struct parse_err *e)
{
	struct vtop_level *lv;
	char *t;

	if (vt->kind[0])
		return perr(e, no, "level after the outcome");
	if (vt->nlevels == VTOP_MAX_LEVELS)
		return perr(e, no, "too many levels");
	lv = &vt->lv[vt->nlevels++];
	memset(lv, 0, sizeof(*lv));
	strcpy(lv->level, name);
	while ((t = tok(&cur))) {
		if (!strcmp(t, "folded")) {
			lv->folded = 1;
		} else if (!strncmp(t, "index=", 6)) {
			if (lv->has_index || dec_u64(t + 6, &lv->index))
				return perr(e, no, "bad or repeated index");
			lv->has_index = 1;
		} else if (!strncmp(t, "entry=", 6)) {
			if (lv->has_entry || hex_u64(t + 6, &lv->entry))
				return perr(e, no, "bad or repeated entry");
			lv->has_entry = 1;
		} else if (append(lv->flags, sizeof(lv->flags), " ", t)) {
			return perr(e, no, "flags too long");
		}
	}
	return 0;
}

/*
 * The outcome's fields from t on: pfn=, paddr=, type= and offset= once
 * each; other words are kept, as written, in detail.
 */
static int vtop_fields(char *t, char *cur, unsigned int no,
		       struct vtop_report *vt, struct parse_err *e)
{
	const struct once_u64 nums[] = {
		{ "pfn", &vt->has_pfn, &vt->pfn, hex_u64 },
		{ "paddr", &vt->has_paddr, &vt->paddr, hex_u64 },
		{ "type", &vt->has_type, &vt->type, dec_u64 },
		{ "offset", &vt->has_offset, &vt->offset, hex_u64 },
	};
	char *k, *v;
	int m;

	for (; t; t = tok(&cur)) {
		if (split_kv(t, &k, &v)) {
			if (append(vt->detail, sizeof(vt->detail), " ", t))
				return perr(e, no, "outcome too long");
			continue;
		}
		m = once_field(nums, 4, k, v);
		if (m < 0)
			return perr(e, no, "bad or repeated %s", k);
		if (m > 0)
			continue;
		v[-1] = '=';
		if (append(vt->detail, sizeof(vt->detail), " ", k))
			return perr(e, no, "outcome too long");
	}
	return 0;
}

static int vtop_outcome(char *first, char *cur, unsigned int no,
			struct vtop_report *vt, struct parse_err *e)
{
	char *t = first, *p;

	if (vt->kind[0])
		return perr(e, no, "second outcome line");
	if (!strcmp(first, "not-present")) {
		strcpy(vt->kind, "not-present");
		t = tok(&cur);
		if (t && !strcmp(t, "at"))
			t = tok(&cur);
		if (!t || level_by_name(t) < 0)
			return perr(e, no, "not-present at which level?");
		strcpy(vt->at_level, t);
		return 0;
	}
	if (!strncmp(first, "pfn=", 4) || !strncmp(first, "paddr=", 6)) {
		strcpy(vt->kind, "present");
	} else {
		if (strlen(first) >= sizeof(vt->kind))
			return perr(e, no, "unknown line '%.40s'", first);
		for (p = first; *p; p++)
			if (!((*p >= 'a' && *p <= 'z') || *p == '-'))
				return perr(e, no, "unknown line '%.40s'",
					    first);
		strcpy(vt->kind, first);
		t = tok(&cur);
	}
	return vtop_fields(t, cur, no, vt, e);
}

/* A line named after a level (pgd, ...), or else the outcome. */
static int vtop_line(char *line, unsigned int no, void *ctx,
		     struct parse_err *e)
{
	char *cur = line, *t = tok(&cur);

	if (level_by_name(t) >= 0)
		return vtop_level(cur, t, no, ctx, e);
	return vtop_outcome(t, cur, no, ctx, e);
}

int parse_vtop(const char *buf, size_t len, struct vtop_report *vt,
	       struct parse_err *e)
{
	memset(vt, 0, sizeof(*vt));
	if (for_each_line(buf, len, SKIP_BLANK | SKIP_COMMENT, vtop_line, vt,
			  NULL, e))
		return -1;
	if (!vt->kind[0])
		return perr(e, 0, "no outcome line (truncated?)");
	return 0;
}

/* ---- vbuf ---- */

/* key=value words; a number's -1 says it is not there yet. */
static int vbuf_line(char *line, unsigned int no, void *ctx,
		     struct parse_err *e)
{
	static const char *const keys[] = {
		"size", "pages", "faults", "mappings", "opens", "inserted",
	};
	struct vbuf_stats *vs = ctx;
	int64_t *field[] = {
		&vs->size, &vs->pages, &vs->faults, &vs->mappings, &vs->opens,
		&vs->inserted,
	};
	const int nkeys = sizeof(keys) / sizeof(keys[0]);
	char *cur = line, *t, *k, *v;
	int i;

	while ((t = tok(&cur))) {
		if (split_kv(t, &k, &v))
			return perr(e, no, "expected key=value");
		if (!strcmp(k, "mode")) {
			if (vs->mode[0] || !*v || strlen(v) >= sizeof(vs->mode))
				return perr(e, no, "bad or repeated mode");
			strcpy(vs->mode, v);
			continue;
		}
		i = key_index(keys, nkeys, k);
		if (i == nkeys)
			continue;
		if (*field[i] != -1 || dec_i64(v, field[i]) || *field[i] < 0)
			return perr(e, no, "bad or repeated %s", k);
	}
	return 0;
}

int parse_vbuf_stats(const char *buf, size_t len, struct vbuf_stats *vs,
		     struct parse_err *e)
{
	vs->size = vs->pages = vs->faults = vs->mappings = vs->opens = -1;
	vs->inserted = -1;
	vs->mode[0] = '\0';
	if (for_each_line(buf, len, 0, vbuf_line, vs, NULL, e))
		return -1;
	if (vs->size < 0 || vs->pages < 0)
		return perr(e, 0, "size or pages missing");
	return 0;
}

/* ---- zone headers shared by watermarks, compaction, pageblocks ---- */

/*
 * "Node <n>" at the start of *cur, and with want_zone ", zone <name>"
 * after it. 1: a zone header, 0: a node without a zone (only when
 * want_zone is 0 and no comma follows), -1: not a header.
 */
static int node_zone(char **cur, int *node, char *zname, size_t zcap,
		     int want_zone)
{
	char *t = tok(cur), *comma;
	uint64_t n;

	if (!t || strcmp(t, "Node"))
		return -1;
	t = tok(cur);
	if (!t)
		return -1;
	comma = strchr(t, ',');
	if (comma) {
		if (comma[1])
			return -1;
		*comma = '\0';
	}
	if (dec_u64(t, &n) || n > 1u << 20)
		return -1;
	*node = (int)n;
	if (!comma)
		return want_zone ? -1 : 0;
	t = tok(cur);
	if (!t || strcmp(t, "zone"))
		return -1;
	t = tok(cur);
	if (!t || strlen(t) >= zcap || strchr(t, '='))
		return -1;
	strcpy(zname, t);
	return 1;
}

/* An order 0..FRAG_MAX_ORDERS-1, or '-' (-1). */
static int order_or_dash(const char *v, int *out)
{
	uint64_t x;

	if (!strcmp(v, "-")) {
		*out = -1;
		return 0;
	}
	if (dec_u64(v, &x) || x >= FRAG_MAX_ORDERS)
		return -1;
	*out = (int)x;
	return 0;
}

/* ---- watermarks ---- */

enum { WK_FREE, WK_MIN, WK_LOW, WK_HIGH, WK_BOOST, WK_HIGHATOMIC,
	WK_FREE_CMA, WK_MANAGED, WK_PRESENT, WK_SPANNED, WK_PROTECTION,
	WK_N };
static const char *const wmark_keys[WK_N] = {
	"free", "min", "low", "high", "boost", "highatomic", "free_cma",
	"managed", "present", "spanned", "protection",
};
static const char *const wm_names[WM_N] = { "min", "low", "high" };

static int protection_list(char *v, struct wmark_zone *z)
{
	char *p, *next;

	z->nprot = 0;
	for (p = v; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = '\0';
		if (z->nprot == WMARK_MAX_PROT ||
		    dec_u64(p, &z->protection[z->nprot]))
			return -1;
		z->nprot++;
	}
	return 0;
}

static int wmark_value(int i, char *v, void *ctx)
{
	struct wmark_zone *z = ctx;
	uint64_t *field[WK_PROTECTION] = {
		&z->free, &z->min, &z->low, &z->high, &z->boost,
		&z->highatomic, &z->free_cma, &z->managed, &z->present,
		&z->spanned,
	};

	if (i == WK_PROTECTION)
		return protection_list(v, z);
	return dec_u64(v, field[i]);
}

/* A zone's line of counts: every key there. */
static const struct kv_spec wmark_spec = {
	wmark_keys, WK_N, (1u << WK_N) - 1, wmark_value,
};

/* "order=<k> min=<ok|fail> low=<ok|fail> high=<ok|fail>" of zone z. */
static int wmark_verdict(char *cur, unsigned int no, struct wmark_zone *z,
			 struct parse_err *e)
{
	unsigned int seen = 0;
	unsigned char ok = 0;
	uint64_t order = 0;
	char *t, *k, *v;
	int i, have_order = 0;

	while ((t = tok(&cur))) {
		if (split_kv(t, &k, &v))
			return perr(e, no, "expected key=value, got '%.40s'", t);
		if (!strcmp(k, "order")) {
			if (have_order || dec_u64(v, &order) ||
			    order >= FRAG_MAX_ORDERS)
				return perr(e, no, "bad or repeated order '%.40s'",
					    v);
			have_order = 1;
			continue;
		}
		i = key_index(wm_names, WM_N, k);
		if (i == WM_N)
			continue;
		if (seen & (1u << i))
			return perr(e, no, "%s given twice", k);
		seen |= 1u << i;
		if (!strcmp(v, "ok"))
			ok |= 1u << i;
		else if (strcmp(v, "fail"))
			return perr(e, no, "%s is '%.40s', not ok or fail", k,
				    v);
	}
	if (!have_order)
		return perr(e, no, "order missing");
	for (i = 0; i < WM_N; i++)
		if (!(seen & (1u << i)))
			return perr(e, no, "%s missing", wm_names[i]);
	if (order != (uint64_t)z->norders)
		return perr(e, no, "order %u out of sequence in zone %s (want %d)",
			    (unsigned int)order, z->name, z->norders);
	z->ok[z->norders++] = ok;
	return 0;
}

/* A zone's counts start it, its order lines (from 0) follow. */
static int wmark_line(char *line, unsigned int no, void *ctx,
		      struct parse_err *e)
{
	struct array_ctx *c = ctx;
	struct wmark_info *wi = c->out;
	char *cur = line, zname[32];
	struct wmark_zone *z;
	int node;

	if (node_zone(&cur, &node, zname, sizeof(zname), 1) != 1)
		return perr(e, no, "expected 'Node <n>, zone <name> ...'");
	z = wi->nzones ? &wi->zones[wi->nzones - 1] : NULL;
	if (!strncmp(skip_space(cur), "order=", 6)) {
		if (!z || z->node != node || strcmp(z->name, zname))
			return perr(e, no,
				    "order line for node %d zone %s without its zone line",
				    node, zname);
		return wmark_verdict(cur, no, z, e);
	}
	if (z && !z->norders)
		return perr(e, no, "zone %s has no order lines", z->name);
	z = grow_slot((void **)&wi->zones, &c->cap, wi->nzones, sizeof(*z),
		      FRAG_MAX_ZONES);
	if (!z)
		return perr(e, no, "too many zones");
	wi->nzones++;
	z->node = node;
	strcpy(z->name, zname);
	return kv_fields(cur, no, &wmark_spec, z, NULL, e);
}

int parse_watermarks(const char *buf, size_t len, struct wmark_info *wi,
		     struct parse_err *e)
{
	struct array_ctx c = { wi, 0 };
	unsigned int nlines;

	wi->nzones = 0;
	wi->zones = NULL;
	if (for_each_line(buf, len, SKIP_BLANK, wmark_line, &c, &nlines, e))
		return -1;
	if (!wi->nzones)
		return perr(e, 0, "no zones");
	if (!wi->zones[wi->nzones - 1].norders)
		return perr(e, nlines, "zone %s has no order lines",
			    wi->zones[wi->nzones - 1].name);
	return 0;
}

void wmark_info_free(struct wmark_info *wi)
{
	free(wi->zones);
	wi->zones = NULL;
	wi->nzones = 0;
}

/* ---- compaction ---- */

struct compact_ctx {
	struct compact_info *ci;
	size_t zones, nodes, counters;	/* the arrays' capacities */
	size_t zones_of_node;		/* zone lines since a node line */
};

static const char *const compact_zone_keys[] = {
	"considered", "defer_shift", "order_failed", "deferred",
};

static int compact_zone_value(int i, char *v, void *ctx)
{
	struct compact_zone *z = ctx;
	uint64_t *field[] = { &z->considered, &z->defer_shift,
		&z->order_failed };

	return i == 3 ? order_or_dash(v, &z->deferred) : dec_u64(v, field[i]);
}

static const struct kv_spec compact_zone_spec = {
	compact_zone_keys, 4, (1u << 4) - 1, compact_zone_value,
};

/* "Node <n>, zone <name> considered=... deferred=<order|->". */
static int compact_zone_line(char *cur, unsigned int no, int node,
			     const char *zname, struct compact_ctx *c,
			     struct parse_err *e)
{
	struct compact_info *ci = c->ci;
	struct compact_zone *z;

	z = grow_slot((void **)&ci->zones, &c->zones, ci->nzones, sizeof(*z),
		      FRAG_MAX_ZONES);
	if (!z)
		return perr(e, no, "too many zones");
	z->node = node;
	strcpy(z->name, zname);
	if (kv_fields(cur, no, &compact_zone_spec, z, NULL, e))
		return -1;
	ci->nzones++;
	c->zones_of_node++;
	return 0;
}

/* A number 0..max, or '-' (-1). */
static int small_or_dash(const char *v, int max, int *out)
{
	uint64_t x;

	if (!strcmp(v, "-")) {
		*out = -1;
		return 0;
	}
	if (dec_u64(v, &x) || x > (uint64_t)max)
		return -1;
	*out = (int)x;
	return 0;
}

/*
 * "Node <n> score=<s>". Older modules went on with " low=<n|-> high=<n|->
 * proactive=<yes|no|->", from the sysctl they read for their readers
 * (docs/frag.md says why no more); a snapshot of one still parses (all
 * three or none, each in its old form) but their values are dropped:
 * the tool computes them (compact_proactive()) for old and new alike.
 */
enum { CN_SCORE, CN_LOW, CN_HIGH, CN_PROACTIVE, CN_N };
#define CN_OLD_KEYS (1u << CN_LOW | 1u << CN_HIGH | 1u << CN_PROACTIVE)

static const char *const compact_node_keys[CN_N] = {
	"score", "low", "high", "proactive",
};

static int compact_node_value(int i, char *v, void *ctx)
{
	struct compact_node *n = ctx;
	int dropped;

	if (i == CN_SCORE)
		return small_or_dash(v, 100, &n->score) || n->score < 0;
	if (i == CN_PROACTIVE)
		return strcmp(v, "yes") && strcmp(v, "no") && strcmp(v, "-");
	return small_or_dash(v, 100, &dropped);
}

static const struct kv_spec compact_node_spec = {
	compact_node_keys, CN_N, 1u << CN_SCORE, compact_node_value,
};

static int compact_node_line(char *cur, unsigned int no, int node,
			     struct compact_ctx *c, struct parse_err *e)
{
	struct compact_info *ci = c->ci;
	struct compact_node *n;
	unsigned int seen;

	n = grow_slot((void **)&ci->nodes, &c->nodes, ci->nnodes, sizeof(*n),
		      FRAG_MAX_ZONES);
	if (!n)
		return perr(e, no, "too many nodes");
	n->node = node;
	n->low = n->high = n->proactive = -1;
	if (kv_fields(cur, no, &compact_node_spec, n, &seen, e))
		return -1;
	if ((seen & CN_OLD_KEYS) && (seen & CN_OLD_KEYS) != CN_OLD_KEYS)
		return perr(e, no,
			    "low, high and proactive: all three or none");
	ci->nnodes++;
	c->zones_of_node = 0;
	return 0;
}

/* "compact_<name> <value>", as /proc/vmstat prints it. */
static int compact_counter_line(char *line, unsigned int no,
				struct compact_info *ci, size_t *cap,
				struct parse_err *e)
{
	char *cur = line, *name = tok(&cur), *val = tok(&cur), *p;
	struct compact_counter *c;
	size_t i;

	if (!name || !val || tok(&cur))
		return perr(e, no, "expected 'compact_<name> <value>'");
	if (strncmp(name, "compact_", 8) || strlen(name) >= sizeof(c->name))
		return perr(e, no, "unknown line '%.40s'", name);
	for (p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			return perr(e, no, "bad counter name '%.40s'", name);
	for (i = 0; i < ci->ncounters; i++)
		if (!strcmp(ci->counters[i].name, name))
			return perr(e, no, "%s given twice", name);
	c = grow_slot((void **)&ci->counters, cap, ci->ncounters, sizeof(*c),
		      256);
	if (!c)
		return perr(e, no, "too many counters");
	if (dec_u64(val, &c->value))
		return perr(e, no, "bad value for %s: '%.40s'", name, val);
	strcpy(c->name, name);
	ci->ncounters++;
	return 0;
}

/*
 * The order: node by node its zone lines, then its node line; after all
 * nodes the counters. A zone line must belong to the node line after it.
 */
static int compact_line(char *line, unsigned int no, void *ctx,
			struct parse_err *e)
{
	struct compact_ctx *c = ctx;
	struct compact_info *ci = c->ci;
	char *cur = line, zname[32];
	int node, kind;

	if (!strncmp(line, "compact_", 8))
		return compact_counter_line(line, no, ci, &c->counters, e);
	if (ci->ncounters)
		return perr(e, no, "node or zone line after the counters");
	kind = node_zone(&cur, &node, zname, sizeof(zname), 0);
	if (kind < 0)
		return perr(e, no, "expected 'Node <n>, zone <name> ...', 'Node <n> score=...' or 'compact_<name> <value>'");
	if (c->zones_of_node && ci->zones[ci->nzones - 1].node != node)
		return perr(e, no, "node %d line after zones of node %d", node,
			    ci->zones[ci->nzones - 1].node);
	if (kind == 1)
		return compact_zone_line(cur, no, node, zname, c, e);
	return compact_node_line(cur, no, node, c, e);
}

int parse_compaction(const char *buf, size_t len, struct compact_info *ci,
		     struct parse_err *e)
{
	struct compact_ctx c = { ci, 0, 0, 0, 0 };
	unsigned int nlines;

	memset(ci, 0, sizeof(*ci));
	if (for_each_line(buf, len, SKIP_BLANK, compact_line, &c, &nlines, e))
		return -1;
	if (c.zones_of_node)
		return perr(e, nlines, "zones of node %d without its node line",
			    ci->zones[ci->nzones - 1].node);
	if (!ci->nnodes)
		return perr(e, 0, "no nodes");
	return 0;
}

void compact_info_free(struct compact_info *ci)
{
	free(ci->zones);
	free(ci->nodes);
	free(ci->counters);
	memset(ci, 0, sizeof(*ci));
}

const struct compact_counter *compact_counter(const struct compact_info *ci,
					      const char *name)
{
	size_t i;

	for (i = 0; ci && i < ci->ncounters; i++)
		if (!strcmp(ci->counters[i].name, name))
			return &ci->counters[i];
	return NULL;
}

/* ---- pageblocks ---- */

const char *const mt_names[MT_N] = {
	[MT_UNMOVABLE] = MMLENS_MT_UNMOVABLE, [MT_MOVABLE] = MMLENS_MT_MOVABLE,
	[MT_RECLAIMABLE] = MMLENS_MT_RECLAIMABLE,
	[MT_HIGHATOMIC] = MMLENS_MT_HIGHATOMIC, [MT_CMA] = MMLENS_MT_CMA,
	[MT_ISOLATE] = MMLENS_MT_ISOLATE,
};

static const char *const pb_keys[] = {
	"pfn", "blocks", "type", "free", "largest",
};

static int pb_value(int i, char *v, void *ctx)
{
	struct pb_run *r = ctx;
	uint64_t x = 0;
	int bad;

	switch (i) {
	case 0:
		return strncmp(v, "0x", 2) || hex_u64(v, &r->pfn) ||
		       r->pfn >> 52;
	case 1:
		return dec_u64(v, &r->blocks) || !r->blocks ||
		       r->blocks >> 43;
	case 2:
		r->type = key_index(mt_names, MT_N, v);
		return r->type == MT_N;
	case 3:
		bad = dec_u64(v, &x) || x > PB_PAGES;
		r->free = (unsigned int)x;
		return bad;
	default:
		return order_or_dash(v, &r->largest);
	}
}

static const struct kv_spec pb_spec = {
	pb_keys, 5, (1u << 5) - 1, pb_value,
};

static int pb_fields(char *cur, unsigned int no, struct pb_run *r,
		     struct parse_err *e)
{
	if (kv_fields(cur, no, &pb_spec, r, NULL, e))
		return -1;
	if ((r->free == 0) != (r->largest < 0))
		return perr(e, no, "free=%u with largest=%d: a block has a largest free order exactly when it has free pages",
			    r->free, r->largest);
	return 0;
}

static int pb_run_line(char *line, unsigned int no, struct pb_zone *z,
		       size_t *cap, struct parse_err *e)
{
	struct pb_run r, *p;
	uint64_t prev_end;

	memset(&r, 0, sizeof(r));
	if (pb_fields(line, no, &r, e))
		return -1;
	if (z->nruns) {
		/* the first block may start inside a pageblock (pfn 1) */
		p = &z->runs[z->nruns - 1];
		prev_end = (p->pfn & ~(uint64_t)(PB_PAGES - 1)) +
			   p->blocks * PB_PAGES;
		if (r.pfn < prev_end)
			return perr(e, no, "pfn 0x%llx overlaps or precedes the run before (ends at 0x%llx)",
				    (unsigned long long)r.pfn,
				    (unsigned long long)prev_end);
	}
	p = grow_slot((void **)&z->runs, cap, z->nruns, sizeof(*p),
		      SIZE_MAX / sizeof(*p));
	if (!p)
		return perr(e, no, "out of memory");
	*p = r;
	z->nruns++;
	return 0;
}

struct pb_ctx {
	struct pb_info *pi;
	size_t zcap, rcap;	/* of pi->zones, of the last zone's runs */
};

/* "Node <n>, zone <name>": a zone, once; its runs follow. */
static int pb_zone_line(char *line, unsigned int no, struct pb_ctx *c,
			struct parse_err *e)
{
	struct pb_info *pi = c->pi;
	char *cur = line, zname[32];
	struct pb_zone *z;
	size_t i;
	int node;

	if (node_zone(&cur, &node, zname, sizeof(zname), 1) != 1 ||
	    !blank(cur))
		return perr(e, no, "expected 'Node <n>, zone <name>'");
	for (i = 0; i < pi->nzones; i++)
		if (pi->zones[i].node == node &&
		    !strcmp(pi->zones[i].name, zname))
			return perr(e, no, "node %d zone %s twice", node,
				    zname);
	z = grow_slot((void **)&pi->zones, &c->zcap, pi->nzones, sizeof(*z),
		      FRAG_MAX_ZONES);
	if (!z)
		return perr(e, no, "too many zones");
	pi->nzones++;
	z->node = node;
	strcpy(z->name, zname);
	c->rcap = 0;
	return 0;
}

/* A zone header, or a run of the zone last named. */
static int pb_line(char *line, unsigned int no, void *ctx,
		   struct parse_err *e)
{
	struct pb_ctx *c = ctx;
	struct pb_info *pi = c->pi;

	if (!strncmp(line, "Node", 4))
		return pb_zone_line(line, no, c, e);
	if (!pi->nzones)
		return perr(e, no, "run before the first 'Node <n>, zone <name>' line");
	return pb_run_line(line, no, &pi->zones[pi->nzones - 1], &c->rcap, e);
}

int parse_pageblocks(const char *buf, size_t len, struct pb_info *pi,
		     struct parse_err *e)
{
	struct pb_ctx c = { pi, 0, 0 };

	pi->nzones = 0;
	pi->zones = NULL;
	if (for_each_line(buf, len, SKIP_BLANK, pb_line, &c, NULL, e))
		return -1;
	if (!pi->nzones)
		return perr(e, 0, "no zones");
	return 0;
}

void pb_info_free(struct pb_info *pi)
{
	size_t i;

	for (i = 0; i < pi->nzones; i++)
		free(pi->zones[i].runs);
	free(pi->zones);
	pi->zones = NULL;
	pi->nzones = 0;
}

/* ---- numa ---- */

/* "N<node>=<pages>": a node's count, both decimal, pages > 0. */
static int numa_count_tok(const char *t, struct numa_count *c)
{
	char buf[48];
	const char *eq = strchr(t, '=');
	uint64_t node;
	size_t n;

	if (t[0] != 'N' || !eq || eq == t + 1)
		return -1;
	n = (size_t)(eq - t - 1);
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, t + 1, n);
	buf[n] = '\0';
	if (dec_u64(buf, &node) || node > NUMA_MAX_NODE ||
	    dec_u64(eq + 1, &c->pages) || !c->pages)
		return -1;
	c->node = (int)node;
	return 0;
}

/* A word that begins like "N<digit>" and has a '=': a node count. */
static int numa_count_word(const char *t)
{
	return t[0] == 'N' && t[1] >= '0' && t[1] <= '9' && strchr(t, '=');
}

/*
 * "<start>-<end> <policy>[ N<node>=<pages>...]". The policy may hold
 * spaces ("prefer (many)", "weighted interleave"), never a word like
 * N0=1: the node counts are the N-words at the end of the line. m comes
 * zeroed.
 */
static int numa_line(char *line, unsigned int no, struct numa_vma *m,
		     struct parse_err *e)
{
	char *cur = line, *t, *words[2 + NUMA_POLICY_MAX / 2];
	struct numa_count c, *slot;
	size_t nw = 0, np, i, cap = 0;

	t = tok(&cur);
	if (!t || parse_range(t, &m->start, &m->end))
		return perr(e, no, "expected START-END");
	/* the policy's words first: at most one per two bytes of it */
	while ((t = tok(&cur)) && !numa_count_word(t)) {
		if (nw == sizeof(words) / sizeof(words[0]))
			return perr(e, no, "policy longer than %d bytes",
				    NUMA_POLICY_MAX - 1);
		words[nw++] = t;
	}
	if (!nw)
		return perr(e, no, "expected a policy");
	for (np = 0, i = 0; i < nw; i++)
		if (append(m->policy, sizeof(m->policy), " ", words[i]))
			return perr(e, no, "policy longer than %d bytes",
				    NUMA_POLICY_MAX - 1);
	for (; t; t = tok(&cur)) {
		if (numa_count_tok(t, &c))
			return perr(e, no, "expected N<node>=<pages>: '%.40s'",
				    t);
		if (np && c.node <= m->nodes[np - 1].node)
			return perr(e, no, "nodes not in increasing order");
		if (np == NUMA_MAX_NODE + 1)
			return perr(e, no, "too many nodes");
		slot = grow_slot((void **)&m->nodes, &cap, np, sizeof(c),
				 NUMA_MAX_NODE + 1);
		if (!slot)
			return perr(e, no, "out of memory");
		*slot = c;
		m->nnodes = ++np;
	}
	return 0;
}

/* Counted before parsing: numa_list_free() frees a failed one's nodes. */
static int numa_add(char *line, unsigned int no, void *ctx,
		    struct parse_err *e)
{
	struct array_ctx *c = ctx;
	struct numa_list *nl = c->out;
	struct numa_vma *m;

	m = grow_slot((void **)&nl->v, &c->cap, nl->n, sizeof(*m),
		      SIZE_MAX / sizeof(*m));
	if (!m)
		return perr(e, no, "out of memory");
	nl->n++;
	return numa_line(line, no, m, e);
}

int parse_numa(const char *buf, size_t len, struct numa_list *nl,
	       struct parse_err *e)
{
	struct array_ctx c = { nl, 0 };

	nl->n = 0;
	nl->v = NULL;
	return for_each_line(buf, len, SKIP_BLANK | SKIP_COMMENT, numa_add,
			     &c, NULL, e);
}

void numa_list_free(struct numa_list *nl)
{
	size_t i;

	for (i = 0; i < nl->n; i++)
		free(nl->v[i].nodes);
	free(nl->v);
	nl->v = NULL;
	nl->n = 0;
}

uint64_t numa_vma_pages(const struct numa_vma *v, int node)
{
	size_t i;

	for (i = 0; i < v->nnodes; i++)
		if (v->nodes[i].node == node)
			return v->nodes[i].pages;
	return 0;
}

/* ---- pagetypeinfo ---- */

void pti_info_free(struct pti_info *pi)
{
	free(pi->zones);
	memset(pi, 0, sizeof(*pi));
}

/* The zone NODE/NAME, added when new; NULL when too many. */
static struct pti_zone *pti_zone(struct pti_info *pi, size_t *cap,
				 uint64_t node, const char *name)
{
	struct pti_zone *z;
	size_t i;

	for (i = 0; i < pi->nzones; i++)
		if (pi->zones[i].node == (int)node &&
		    !strcmp(pi->zones[i].name, name))
			return &pi->zones[i];
	z = grow_slot((void **)&pi->zones, cap, pi->nzones, sizeof(*z),
		      FRAG_MAX_ZONES);
	if (!z)
		return NULL;
	pi->nzones++;
	z->node = (int)node;
	strcpy(z->name, name);
	return z;
}

/*
 * "Node N, zone NAME[,]": the node and the zone name, its comma dropped;
 * -1 when the line does not start that way.
 */
static int pti_node_zone(char **cur, uint64_t *node, char *name, size_t cap)
{
	char *t = tok(cur), *n;
	size_t l;

	if (!t || strcmp(t, "Node"))
		return -1;
	n = tok(cur);
	if (!n || (l = strlen(n)) < 2 || n[l - 1] != ',')
		return -1;
	n[l - 1] = '\0';
	if (dec_u64(n, node) || *node > 1u << 20)
		return -1;
	t = tok(cur);
	if (!t || strcmp(t, "zone"))
		return -1;
	t = tok(cur);
	if (!t)
		return -1;
	l = strlen(t);
	if (l && t[l - 1] == ',')
		t[--l] = '\0';
	if (!l || l >= cap)
		return -1;
	strcpy(name, t);
	return 0;
}

enum { PTI_NONE, PTI_FREE, PTI_BLOCKS, PTI_OTHER };

struct pti_ctx {
	struct pti_info *pi;
	size_t cap;		/* of pi->zones */
	int state;		/* PTI_*: the table the lines are in */
	int norders;		/* the free table's columns */
	int ncols, cols[16];	/* the block table's: MT_*, MT_N unknown */
};

/* A free-count row: "Node N, zone NAME, type TYPE  c0 c1 ...". */
static int pti_free_row(char *cur, unsigned int no, struct pti_ctx *c,
			struct parse_err *e)
{
	int norders = c->norders;
	char zname[32], *t;
	struct pti_zone *z;
	uint64_t node, x;
	int mt, o;

	if (pti_node_zone(&cur, &node, zname, sizeof(zname)))
		return perr(e, no, "expected 'Node N, zone NAME, type TYPE'");
	t = tok(&cur);
	if (!t || strcmp(t, "type") || !(t = tok(&cur)))
		return perr(e, no, "expected 'type TYPE'");
	mt = key_index(mt_names, MT_N, t);
	if (mt == MT_N)
		return 0;	/* a migratetype this tool does not know */
	z = pti_zone(c->pi, &c->cap, node, zname);
	if (!z)
		return perr(e, no, "too many zones");
	if (z->types & (1u << mt))
		return perr(e, no, "type %s twice in zone %s", t, zname);
	if (z->types && z->norders != norders)
		return perr(e, no, "zone %s: another number of orders", zname);
	z->types |= 1u << mt;
	z->norders = norders;
	for (o = 0; o < norders; o++) {
		t = tok(&cur);
		if (!t)
			return perr(e, no, "%d counts, expected %d", o, norders);
		if (t[0] == '>') {
			if (dec_u64(t + 1, &x) || x != PTI_CAP)
				return perr(e, no, "bad count '%.40s'", t);
			z->capped[mt] |= 1u << o;
		} else if (dec_u64(t, &x)) {
			return perr(e, no, "bad count '%.40s'", t);
		}
		z->free[mt][o] = x;
	}
	if (tok(&cur))
		return perr(e, no, "more than %d counts", norders);
	return 0;
}

/* A block-count row: "Node N, zone NAME  n0 n1 ..." under the header. */
static int pti_block_row(char *cur, unsigned int no, struct pti_ctx *c,
			 struct parse_err *e)
{
	const int *cols = c->cols;
	char zname[32], *t;
	struct pti_zone *z;
	uint64_t node, x;
	int i;

	if (pti_node_zone(&cur, &node, zname, sizeof(zname)))
		return perr(e, no, "expected 'Node N, zone NAME'");
	z = pti_zone(c->pi, &c->cap, node, zname);
	if (!z)
		return perr(e, no, "too many zones");
	for (i = 0; i < c->ncols; i++) {
		t = tok(&cur);
		if (!t || dec_u64(t, &x))
			return perr(e, no, "bad or missing block count");
		if (cols[i] == MT_N)
			continue;	/* a migratetype this tool does not know */
		if (z->block_types & (1u << cols[i]))
			return perr(e, no, "zone %s: block counts twice", zname);
		z->block_types |= 1u << cols[i];
		z->blocks[cols[i]] = x;
	}
	if (tok(&cur))
		return perr(e, no, "more block counts than types");
	return 0;
}

/* "Free pages count per migrate type at order 0 1 ...": the orders. */
static int pti_free_hdr(char *cur, unsigned int no, struct pti_ctx *c,
			struct parse_err *e)
{
	uint64_t x;
	char *t;

	for (c->norders = 0; (t = tok(&cur)); c->norders++)
		if (dec_u64(t, &x) || x != (uint64_t)c->norders ||
		    c->norders == FRAG_MAX_ORDERS)
			return perr(e, no, "bad order '%.40s'", t);
	if (!c->norders)
		return perr(e, no, "no orders");
	c->state = PTI_FREE;
	return 0;
}

/* "Number of blocks type Unmovable Movable ...": the columns. */
static int pti_block_hdr(char *cur, unsigned int no, struct pti_ctx *c,
			 struct parse_err *e)
{
	const int max = sizeof(c->cols) / sizeof(c->cols[0]);
	char *t;

	for (c->ncols = 0; (t = tok(&cur)); c->ncols++) {
		if (c->ncols == max)
			return perr(e, no, "too many types");
		c->cols[c->ncols] = key_index(mt_names, MT_N, t);
	}
	c->state = PTI_BLOCKS;
	return 0;
}

/*
 * A blank line ends a table; a header starts one, whose rows follow;
 * other lines (Page block order, Pages per block, page_owner's mixed
 * blocks) are skipped, with the rows under them.
 */
static int pti_line(char *line, unsigned int no, void *ctx,
		    struct parse_err *e)
{
	static const char free_hdr[] = "Free pages count per migrate type at order";
	static const char block_hdr[] = "Number of blocks type";
	struct pti_ctx *c = ctx;
	char *cur = skip_space(line);
	int row = !strncmp(cur, "Node", 4);

	if (!*cur)
		c->state = PTI_NONE;
	else if (!strncmp(cur, free_hdr, sizeof(free_hdr) - 1))
		return pti_free_hdr(cur + sizeof(free_hdr) - 1, no, c, e);
	else if (!strncmp(cur, block_hdr, sizeof(block_hdr) - 1))
		return pti_block_hdr(cur + sizeof(block_hdr) - 1, no, c, e);
	else if (!row)
		c->state = PTI_OTHER;
	else if (c->state == PTI_FREE)
		return pti_free_row(cur, no, c, e);
	else if (c->state == PTI_BLOCKS)
		return pti_block_row(cur, no, c, e);
	else if (c->state == PTI_NONE)
		return perr(e, no, "zone line before a header");
	return 0;
}

int parse_pagetypeinfo(const char *buf, size_t len, struct pti_info *pi,
		       struct parse_err *e)
{
	struct pti_ctx c = { .pi = pi, .state = PTI_NONE };

	memset(pi, 0, sizeof(*pi));
	if (for_each_line(buf, len, 0, pti_line, &c, NULL, e))
		return -1;
	if (!pi->nzones)
		return perr(e, 0, "no zones");
	return 0;
}
