// SPDX-License-Identifier: GPL-2.0
/*
 * input.c - parse what is written to target, vmas, pagetable and vtop.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "compat.h"
#include "input.h"

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

/*
 * Index of @addr in the table of @level on x86-64 with @levels (4 or 5)
 * levels of paging: 9 bits per level above the 12-bit page offset. With
 * 4 levels the p4d is folded into the pgd and its index is 0.
 */
unsigned int mmlens_level_index(unsigned long addr, enum mmlens_level level,
				unsigned int levels)
{
	static const unsigned int shift[MMLENS_NR_LEVELS] = {
		[MMLENS_PGD] = 48, [MMLENS_P4D] = 39, [MMLENS_PUD] = 30,
		[MMLENS_PMD] = 21, [MMLENS_PTE] = 12,
	};

	if (level >= MMLENS_NR_LEVELS)
		return 0;
	if (levels == 4 && level == MMLENS_P4D)
		return 0;
	if (levels == 4 && level == MMLENS_PGD)
		return (addr >> 39) & 511;
	return (addr >> shift[level]) & 511;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_level_index);
