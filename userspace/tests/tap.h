/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tap.h - result lines of the VM test programs: "ok LABEL: NAME",
 * "not ok LABEL: NAME", "skip LABEL: NAME # WHY", "# ..." diagnostics and
 * "#   ..." details under a result. tap_prefix goes in front of each
 * ("TAP " for programs /init runs directly, "" when the shell adds it).
 * The host counts results by name.
 */
#ifndef MMLENS_TESTS_TAP_H
#define MMLENS_TESTS_TAP_H

#include <stddef.h>

#define MAXPRINT 8

extern const char *tap_prefix;
extern int failures;		/* "not ok" lines printed so far */

void result(int ok, const char *label, const char *name);
/* result(), and on failure a detail line from FMT saying what was seen. */
int resultf(int ok, const char *label, const char *name, const char *fmt,
	    ...) __attribute__((format(printf, 4, 5)));
void skip(const char *label, const char *name, const char *why);
void diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A check accumulates a pass/fail and its first few diagnostics. */
struct check {
	const char *name;
	int fails;
	int used;	/* 0: not applicable this time (prints nothing) */
	long n;		/* how many things it looked at */
	char msg[2048];
	size_t len;
};

void cfail(struct check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* The check's result line (if used) and, when it failed, its details. */
void cprint(const struct check *c, const char *label);

#endif
