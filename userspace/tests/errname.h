/* SPDX-License-Identifier: GPL-2.0 */
/*
 * errname.h - errno values by name in a probe's output: each program
 * names, in a table of its own, the errnos its checks expect; any other
 * prints as "errnoN".
 */
#ifndef MMLENS_TESTS_ERRNAME_H
#define MMLENS_TESTS_ERRNAME_H

#include <stddef.h>
#include <stdio.h>

struct errname {
	int e;
	const char *name;
};

/* The name of e in tab[0..n), else "errnoN" (in a static buffer). */
static inline const char *errname_in(const struct errname *tab, size_t n,
				     int e)
{
	static char buf[32];
	size_t i;

	for (i = 0; i < n; i++)
		if (tab[i].e == e)
			return tab[i].name;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

#endif
