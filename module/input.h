/* SPDX-License-Identifier: GPL-2.0 */
/*
 * input.h - parsers for what users write to the debugfs files, and the
 * per-level index of an address. Pure functions (KUnit target).
 */
#ifndef MMLENS_INPUT_H
#define MMLENS_INPUT_H

#include "walk.h"

int mmlens_parse_pid(const char *tok, int *nr);
int mmlens_parse_vtop(char *str, char **pid_tok, unsigned long *addr);
int mmlens_parse_report(char *str, char **pid_tok);
unsigned int mmlens_level_index(unsigned long addr, enum mmlens_level level,
				unsigned int levels);

#endif /* MMLENS_INPUT_H */
