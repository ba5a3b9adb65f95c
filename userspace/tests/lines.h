/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lines.h - the lines of a text in memory, one at a time, each cut out
 * in place: strtok_r() over '\n', but an empty line is a line too.
 */
#ifndef MMLENS_TESTS_LINES_H
#define MMLENS_TESTS_LINES_H

#include <string.h>

/* The next line of *p, NUL-terminated in place; NULL at the end. */
static inline char *next_line(char **p)
{
	char *l = *p, *nl;

	if (!l || !*l)
		return NULL;
	nl = strchr(l, '\n');
	if (nl) {
		*nl = 0;
		*p = nl + 1;
	} else {
		*p = l + strlen(l);
	}
	return l;
}

#endif
