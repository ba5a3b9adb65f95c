/* SPDX-License-Identifier: GPL-2.0 */
/*
 * json.h - a small streaming JSON writer. Containers opened "inline" are
 * written on one line, so that arrays of records read one record a line
 * (handy for grep and awk). Keys are NULL inside arrays.
 */
#ifndef MMLENS_JSON_H
#define MMLENS_JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json {
	FILE *f;
	int depth;
	int count[JSON_MAX_DEPTH];	/* members written at each depth */
	int inl;			/* depth at which inline began, or 0 */
};

void json_init(struct json *j, FILE *f);
void json_obj(struct json *j, const char *key, int inl);
void json_arr(struct json *j, const char *key, int inl);
void json_end_obj(struct json *j);
void json_end_arr(struct json *j);
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_hex(struct json *j, const char *key, uint64_t val);
void json_bool(struct json *j, const char *key, int val);
void json_null(struct json *j, const char *key);
/* What the module's files give as -1 when unknown (orders, counts): null. */
void json_i64_or_null(struct json *j, const char *key, int64_t val);
/* A string that may be empty (a field the module did not give): null. */
void json_str_or_null(struct json *j, const char *key, const char *val);
/* A field of an entry the module may leave out: written when have. */
void json_hex_if(struct json *j, const char *key, int have, uint64_t val);
void json_u64_if(struct json *j, const char *key, int have, uint64_t val);
/* Writes a JSON string of s (invalid UTF-8 bytes become \u00XX). */
void json_quote(FILE *f, const char *s);
/* The envelope every command's output starts with. */
void json_begin_doc(struct json *j, const char *command,
		    const char *module_version);
void json_end_doc(struct json *j);

#endif /* MMLENS_JSON_H */
