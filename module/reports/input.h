/* SPDX-License-Identifier: GPL-2.0 */
/*
 * input.h - what users write to target and the report files: parsed
 * (pure functions, a KUnit target), copied in from one write, resolved to
 * a struct pid, and undone when the write was the head of a split input
 * (files.c's input rules at its top).
 */
#ifndef MMLENS_INPUT_H
#define MMLENS_INPUT_H

#include <linux/types.h>

struct pid;

/* Bytes of one write to target or a report file, plus one. */
#define MMLENS_INPUT_MAX 64

/* What a write set, kept to undo it when the tail of its input comes. */
struct mmlens_input_undo {
	bool armed;		/* the last write on this fd was at 0 */
	struct pid *pid;	/* reference to the value it replaced */
	unsigned long addr;
	bool have_addr;
};

int mmlens_parse_pid(const char *tok, int *nr);
int mmlens_parse_vtop(char *str, char **pid_tok, unsigned long *addr);
int mmlens_parse_report(char *str, char **pid_tok);

/*
 * One write of @count bytes at @ubuf into @buf (MMLENS_INPUT_MAX bytes)
 * as a trimmed C string at *@str: EINVAL when empty, too long or holding
 * a NUL byte (the string would end early and parse as something
 * shorter), EFAULT on a bad pointer.
 */
int mmlens_input_copy(const char __user *ubuf, size_t count, char *buf,
		      char **str);
/*
 * A decimal pid, > 0, of a live user process in the caller's pid
 * namespace, as a reference in *@out: EINVAL for anything else that is
 * not a number or names a kernel thread, ESRCH when no such process
 * exists.
 */
int mmlens_input_pid(const char *tok, struct pid **out);
/* Forgets what @u would undo (and its reference). */
void mmlens_input_undo_drop(struct mmlens_input_undo *u);

#endif /* MMLENS_INPUT_H */
