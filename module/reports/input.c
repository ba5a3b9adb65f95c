// SPDX-License-Identifier: GPL-2.0
/*
 * input.c - parse what is written to target, vmas, pagetable and vtop.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "kernel/compat.h"
#include "reports/input.h"

/* A pid number: decimal, > 0, within int. -EINVAL otherwise. */
int mmlens_parse_pid(const char *tok, int *nr)
{
	if (kstrtoint(tok, 10, nr) || *nr <= 0)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_parse_pid);

/* Splits @str at its first run of blanks; returns the second word. */
static char *split_words(char *str, char **first)
{
	char *rest;

	str = strim(str);
	*first = strsep(&str, " \t");
	rest = str ? skip_spaces(str) : NULL;
	return rest && *rest ? rest : NULL;
}

/* vmas, pagetable: "PID". */
int mmlens_parse_report(char *str, char **pid_tok)
{
	if (split_words(str, pid_tok) || !**pid_tok)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_parse_report);

/*
 * vtop: "ADDR" or "PID ADDR", the address in hex with or without 0x.
 * *pid_tok is NULL when no pid was given.
 */
int mmlens_parse_vtop(char *str, char **pid_tok, unsigned long *addr)
{
	char *first, *second;

	second = split_words(str, &first);
	if (second && strpbrk(second, " \t"))
		return -EINVAL;
	*pid_tok = second ? first : NULL;
	if (kstrtoul(second ?: first, 16, addr))
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_parse_vtop);
