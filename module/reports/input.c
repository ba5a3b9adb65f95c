// SPDX-License-Identifier: GPL-2.0
/*
 * input.c - what is written to target, vmas, pagetable, vtop and numa:
 * parsed, copied in, resolved to a struct pid, undone.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/uaccess.h>

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

/* ---- copied, resolved, undone: not pure ---- */

int mmlens_input_copy(const char __user *ubuf, size_t count, char *buf,
		      char **str)
{
	if (!count || count >= MMLENS_INPUT_MAX)
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	if (memchr(buf, '\0', count))
		return -EINVAL;
	buf[count] = '\0';
	*str = strim(buf);
	return 0;
}

int mmlens_input_pid(const char *tok, struct pid **out)
{
	struct task_struct *task;
	struct pid *pid;
	bool kthread;
	int nr;

	if (mmlens_parse_pid(tok, &nr))
		return -EINVAL;
	pid = find_get_pid(nr);
	if (!pid)
		return -ESRCH;
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		put_pid(pid);
		return -ESRCH;
	}
	kthread = task->flags & PF_KTHREAD;
	put_task_struct(task);
	if (kthread) {
		put_pid(pid);
		return -EINVAL;
	}
	*out = pid;
	return 0;
}

void mmlens_input_undo_drop(struct mmlens_input_undo *u)
{
	put_pid(u->pid);
	memset(u, 0, sizeof(*u));
}
