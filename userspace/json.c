// SPDX-License-Identifier: GPL-2.0
/*
 * json.c - the JSON writer. Output is always valid JSON whatever the input
 * strings hold: control characters are escaped and bytes that are not
 * UTF-8 are written as \u00XX (their Latin-1 reading), because a path may
 * hold any bytes but a JSON text must be UTF-8.
 */
#include <inttypes.h>
#include <string.h>

#include "json.h"
#include "mmlens.h"

#define JSON_SCHEMA 1

void json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

/* Length of the valid UTF-8 sequence at s, or 0. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
						  cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

void json_quote(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	int n;

	fputc('"', f);
	while (*s) {
		if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s == '\t') {
			fputs("\\t", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			n = utf8_len(s);
			if (!n) {
				fprintf(f, "\\u%04x", *s++);
				continue;
			}
			fwrite(s, 1, n, f);
			s += n;
		}
	}
	fputc('"', f);
}

static void indent(struct json *j)
{
	int i;

	fputc('\n', j->f);
	for (i = 0; i < j->depth; i++)
		fputs("  ", j->f);
}

/* Separator, line break and key before a member. */
static void member(struct json *j, const char *key)
{
	int first;

	if (j->depth > 0) {
		first = j->count[j->depth - 1]++ == 0;
		if (!first)
			fputc(',', j->f);
		if (j->inl && j->depth >= j->inl) {
			if (!first)
				fputc(' ', j->f);
		} else {
			indent(j);
		}
	}
	if (key) {
		json_quote(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_container(struct json *j, const char *key, int inl,
			   char c)
{
	member(j, key);
	fputc(c, j->f);
	if (j->depth < JSON_MAX_DEPTH - 1)
		j->depth++;
	j->count[j->depth - 1] = 0;
	if (inl && !j->inl)
		j->inl = j->depth;
}

static void close_container(struct json *j, char c)
{
	int had = j->count[j->depth - 1];

	if (j->depth > 0)
		j->depth--;
	if (had && !(j->inl && j->depth + 1 >= j->inl))
		indent(j);
	if (j->inl && j->depth + 1 == j->inl)
		j->inl = 0;
	fputc(c, j->f);
}

void json_obj(struct json *j, const char *key, int inl)
{
	open_container(j, key, inl, '{');
}

void json_arr(struct json *j, const char *key, int inl)
{
	open_container(j, key, inl, '[');
}

void json_end_obj(struct json *j)
{
	close_container(j, '}');
}

void json_end_arr(struct json *j)
{
	close_container(j, ']');
}

void json_str(struct json *j, const char *key, const char *val)
{
	member(j, key);
	json_quote(j->f, val);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRIu64, val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	member(j, key);
	fprintf(j->f, "%" PRId64, val);
}

/* Addresses and PFNs: strings, since a double cannot hold every u64. */
void json_hex(struct json *j, const char *key, uint64_t val)
{
	member(j, key);
	fprintf(j->f, "\"0x%" PRIx64 "\"", val);
}

void json_bool(struct json *j, const char *key, int val)
{
	member(j, key);
	fputs(val ? "true" : "false", j->f);
}

void json_null(struct json *j, const char *key)
{
	member(j, key);
	fputs("null", j->f);
}

void json_i64_or_null(struct json *j, const char *key, int64_t val)
{
	if (val >= 0)
		json_i64(j, key, val);
	else
		json_null(j, key);
}

void json_str_or_null(struct json *j, const char *key, const char *val)
{
	if (val && *val)
		json_str(j, key, val);
	else
		json_null(j, key);
}

void json_hex_if(struct json *j, const char *key, int have, uint64_t val)
{
	if (have)
		json_hex(j, key, val);
}

void json_u64_if(struct json *j, const char *key, int have, uint64_t val)
{
	if (have)
		json_u64(j, key, val);
}

void json_begin_doc(struct json *j, const char *command,
		    const char *module_version)
{
	json_obj(j, NULL, 0);
	json_u64(j, "schema", JSON_SCHEMA);
	json_str(j, "tool_version", MMLENS_TOOL_VERSION);
	json_str_or_null(j, "module_version", module_version);
	json_str(j, "command", command);
}

void json_end_doc(struct json *j)
{
	json_end_obj(j);
	fputc('\n', j->f);
}
