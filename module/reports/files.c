// SPDX-License-Identifier: GPL-2.0
/*
 * files.c - the report files vmas, pagetable, vtop and numa, in
 * /proc/mmlens and in /sys/kernel/debug/mmlens: their two homes, the
 * input rules, and one report generated per read from offset 0.
 *
 * Two homes, one set of handlers: under kernel lockdown (Secure Boot)
 * debugfs refuses to open any file with a write bit, so the same files
 * are in /proc/mmlens, which lockdown does not fence; debugfs keeps them
 * where it allows. The proc ones hold no module reference (proc_ops have
 * no owner): rmmod is not refused by an open one, and proc_remove() runs
 * down the open ones (calling our release) before the module goes, after
 * which they read as EIO.
 *
 * Access (core/access.c): CAP_SYS_ADMIN and CAP_SYS_PTRACE at open.
 * Targets: the pid bound on the fd, else the global one (target.c); each
 * read from offset 0 resolves it to a task and takes a reference on its
 * mm (get_task_mm), not on the task, for the walk. A target the reader's
 * pid namespace cannot see is ESRCH for that reader, whichever fd it
 * comes through.
 *
 * Input: one write() carries one whole input (at most MMLENS_INPUT_MAX - 1
 * bytes, no NUL) and must start at file position 0; it moves the position
 * past what it consumed. A write at any other position is the tail of an
 * input split over several writes (dd bs=1, a short write retried): it
 * fails with EINVAL and undoes what this fd's write at position 0 set, so
 * a split input never leaves its first piece applied. An fd's own pid is
 * bound once, like /proc/PID/pagemap's mm at open: writing another pid to
 * it fails with EBUSY, so an fd handed to a less privileged process (it
 * keeps the opener's access) cannot be pointed at other processes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core/access.h"
#include "core/parts.h"
#include "reports/input.h"
#include "reports/reports.h"
#include "reports/target.h"
#include "reports/textbuf.h"

enum report_kind { REPORT_VMAS, REPORT_PAGETABLE, REPORT_VTOP, REPORT_NUMA };

struct report {
	enum report_kind kind;
	struct mutex lock;	/* serialises read and write on this fd */
	struct pid *pid;	/* bound on this fd; else the global target */
	unsigned long addr;	/* vtop */
	bool have_addr;
	bool valid;		/* out holds the report for the current input */
	struct mmlens_input_undo undo;
	struct mmlens_textbuf out;
};

/*
 * After a walk of @mm: has the task of @pid exited, or begun to, since we
 * took its mm? A zombie still has its struct pid (pid_has_task() stays
 * true until it is reaped), so look at the task: gone, exiting
 * (PF_EXITING is set early in do_exit(), before exit_mm()), or without an
 * mm (exit_mm() done). A target that exec'd meanwhile still exists: its
 * report is of the mm it had when the read began.
 */
static bool target_gone(struct pid *pid)
{
	struct task_struct *task = get_pid_task(pid, PIDTYPE_PID);
	bool gone;

	if (!task)
		return true;
	task_lock(task);
	gone = (task->flags & PF_EXITING) || !task->mm;
	task_unlock(task);
	put_task_struct(task);
	return gone;
}

static int report_generate(struct report *r)
{
	struct mmlens_policy task_policy;
	char comm[TASK_COMM_LEN];
	struct task_struct *task;
	struct mm_struct *mm;
	struct pid *pid;
	pid_t nr;
	int ret;

	pid = r->pid ? get_pid(r->pid) : mmlens_target_get();
	if (!pid)
		return -ESRCH;
	nr = pid_vnr(pid);	/* 0: the reader cannot see it */
	if (!nr) {
		ret = -ESRCH;
		goto out_pid;
	}
	if (r->kind == REPORT_VTOP && !r->have_addr) {
		ret = -EINVAL;
		goto out_pid;
	}
	task = get_pid_task(pid, PIDTYPE_PID);
	if (!task) {
		ret = -ESRCH;
		goto out_pid;
	}
	get_task_comm(comm, task);
	if (r->kind == REPORT_NUMA)
		mmlens_numa_task_policy(task, &task_policy);
	mm = get_task_mm(task);	/* NULL once the task has exited */
	put_task_struct(task);
	if (!mm) {
		ret = -ESRCH;
		goto out_pid;
	}

	mmlens_textbuf_reset(&r->out);
	switch (r->kind) {
	case REPORT_VMAS:
		ret = mmlens_report_vmas(mm, &r->out);
		break;
	case REPORT_PAGETABLE:
		ret = mmlens_report_pagetable(mm, nr, comm, &r->out);
		break;
	case REPORT_NUMA:
		ret = mmlens_report_numa(mm, &task_policy, &r->out);
		break;
	default:
		ret = mmlens_report_vtop(mm, r->addr, mmlens_lockdown_hides_tables(), &r->out);
		break;
	}
	/* A target that exited meanwhile gets ESRCH, not a stale report. */
	if (!ret && target_gone(pid))
		ret = -ESRCH;
	mmput(mm);
out_pid:
	put_pid(pid);
	return ret;
}

static ssize_t report_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct report *r = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&r->lock))
		return -EINTR;
	if (*ppos == 0 || !r->valid) {
		/* The first read after a write starts the new report. */
		*ppos = 0;
		r->valid = false;
		ret = report_generate(r);
		if (ret)
			goto out;
		r->valid = true;
	}
	/* The input is complete once read: no tail can follow it now. */
	mmlens_input_undo_drop(&r->undo);
	ret = simple_read_from_buffer(ubuf, count, ppos, r->out.data,
				      r->out.len);
out:
	mutex_unlock(&r->lock);
	return ret;
}

/* The tail of a split input: back to what this fd had before its head. */
static void report_undo(struct report *r)
{
	if (!r->undo.armed)
		return;
	put_pid(r->pid);
	r->pid = r->undo.pid;
	r->addr = r->undo.addr;
	r->have_addr = r->undo.have_addr;
	r->undo.pid = NULL;
	mmlens_input_undo_drop(&r->undo);
	r->valid = false;
}

/*
 * vmas/pagetable/numa take "PID"; vtop takes "ADDR" or "PID ADDR" (pid in
 * decimal, address in hex with or without 0x).
 */
static ssize_t report_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct report *r = file->private_data;
	char buf[MMLENS_INPUT_MAX], *str, *tok;
	struct pid *pid = NULL;
	unsigned long addr = 0;
	int ret;

	if (mutex_lock_interruptible(&r->lock))
		return -EINTR;
	if (*ppos) {
		report_undo(r);
		ret = -EINVAL;
		goto out;
	}
	ret = mmlens_input_copy(ubuf, count, buf, &str);
	if (ret)
		goto out;
	if (r->kind == REPORT_VTOP)
		ret = mmlens_parse_vtop(str, &tok, &addr);
	else
		ret = mmlens_parse_report(str, &tok);
	if (!ret && tok)
		ret = mmlens_input_pid(tok, &pid);
	if (ret)
		goto out;
	/* Bound once: the same process again is fine, another is not. */
	if (pid && r->pid && pid != r->pid) {
		put_pid(pid);
		ret = -EBUSY;
		goto out;
	}

	mmlens_input_undo_drop(&r->undo);
	r->undo.armed = true;
	r->undo.addr = r->addr;
	r->undo.have_addr = r->have_addr;
	if (pid) {
		r->undo.pid = r->pid;	/* NULL, or the same pid */
		r->pid = pid;
	} else {
		r->undo.pid = get_pid(r->pid);
	}
	if (r->kind == REPORT_VTOP) {
		r->addr = addr;
		r->have_addr = true;
	}
	r->valid = false;
	*ppos = count;
	ret = count;
out:
	mutex_unlock(&r->lock);
	return ret;
}

static int report_open(struct inode *inode, struct file *file,
		       enum report_kind kind)
{
	struct report *r;
	int ret;

	ret = mmlens_report_access(file);
	if (ret)
		return ret;
	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->kind = kind;
	mutex_init(&r->lock);
	file->private_data = r;
	return 0;
}

static int report_debugfs_open(struct inode *inode, struct file *file)
{
	return report_open(inode, file,
			   (enum report_kind)(uintptr_t)inode->i_private);
}

static int report_proc_open(struct inode *inode, struct file *file)
{
	return report_open(inode, file,
			   (enum report_kind)(uintptr_t)pde_data(inode));
}

static int report_release(struct inode *inode, struct file *file)
{
	struct report *r = file->private_data;

	put_pid(r->pid);
	mmlens_input_undo_drop(&r->undo);
	mmlens_textbuf_free(&r->out);
	mutex_destroy(&r->lock);
	kfree(r);
	return 0;
}

static const struct file_operations report_fops = {
	.owner = THIS_MODULE,
	.open = report_debugfs_open,
	.release = report_release,
	.read = report_read,
	.write = report_write,
	.llseek = default_llseek,
};

static const struct proc_ops report_proc_ops = {
	.proc_open = report_proc_open,
	.proc_release = report_release,
	.proc_read = report_read,
	.proc_write = report_write,
	.proc_lseek = default_llseek,
};

/* In /proc/mmlens: may fail, so init creates them before the device. */
int mmlens_reports_proc_init(struct proc_dir_entry *dir)
{
	if (mmlens_target_proc_init(dir) ||
	    !proc_create_data("vmas", 0600, dir, &report_proc_ops,
			      (void *)REPORT_VMAS) ||
	    !proc_create_data("pagetable", 0600, dir, &report_proc_ops,
			      (void *)REPORT_PAGETABLE) ||
	    !proc_create_data("vtop", 0600, dir, &report_proc_ops,
			      (void *)REPORT_VTOP) ||
	    !proc_create_data("numa", 0600, dir, &report_proc_ops,
			      (void *)REPORT_NUMA))
		return -ENOMEM;
	return 0;
}

void mmlens_reports_debugfs_init(struct dentry *dbg)
{
	mmlens_target_debugfs_init(dbg);
	debugfs_create_file("vmas", 0600, dbg, (void *)REPORT_VMAS,
			    &report_fops);
	debugfs_create_file("pagetable", 0600, dbg,
			    (void *)REPORT_PAGETABLE, &report_fops);
	debugfs_create_file("vtop", 0600, dbg, (void *)REPORT_VTOP,
			    &report_fops);
	debugfs_create_file("numa", 0600, dbg, (void *)REPORT_NUMA,
			    &report_fops);
}

/* Called after the files are gone. */
void mmlens_reports_exit(void)
{
	mmlens_target_exit();
}
