/* SPDX-License-Identifier: GPL-2.0 */
/*
 * input.h - parsers for what users write to the debugfs files. Pure
 * functions (KUnit target).
 */
#ifndef MMLENS_INPUT_H
#define MMLENS_INPUT_H

int mmlens_parse_pid(const char *tok, int *nr);
int mmlens_parse_vtop(char *str, char **pid_tok, unsigned long *addr);
int mmlens_parse_report(char *str, char **pid_tok);

#endif /* MMLENS_INPUT_H */
