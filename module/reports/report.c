// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - target, vmas, pagetable, vtop, numa, in /proc/mmlens and in
 * /sys/kernel/debug/mmlens: who is looked at, who may look, and the file
 * plumbing of the walk reports.
 *
 * Two homes, one set of handlers: under kernel lockdown (Secure Boot)
 * debugfs refuses to open any file with a write bit, so the same files
 * are in /proc/mmlens, which lockdown does not fence; debugfs keeps them
 * where it allows. The proc ones hold no module reference (proc_ops have
 * no owner): rmmod is not refused by an open one, and proc_remove() runs
 * down the open ones (calling our release) before the module goes, after
 * which they read as EIO.
 *
 * Access: every file here shows PFNs and another process's address
 * space, so open requires CAP_SYS_ADMIN (the PFN rule of
 * /proc/PID/pagemap) and CAP_SYS_PTRACE, both in the initial user
 * namespace, checked once against the opener's credentials
 * (file_ns_capable); an fd opened with them keeps working wherever it is
 * passed. pagemap asks ptrace_may_access() instead of CAP_SYS_PTRACE,
 * which applies Yama and the LSMs' ptrace policy; it is not exported, so
 * the capability it lets through is required outright: a container
 * runtime that drops ptrace drops these files too (docs/security.md).
 *
 * Targets: a pid number is resolved once, in the writer's pid namespace,
 * to a struct pid reference; a reused number never redirects a report.
 * Each read from offset 0 resolves that pid to a task and takes a
 * reference on its mm (get_task_mm), not on the task, for the walk. A
 * target the reader's pid namespace cannot see (the global target set
 * from a parent namespace, an fd bound there and passed in) is ESRCH for
 * that reader, as if it did not exist: its number there would be 0.
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

#include <linux/capability.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/task.h>
#include <linux/security.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "core/parts.h"
#include "reports/input.h"
#include "reports/numa.h"
#include "reports/textbuf.h"
#include "reports/walk_report.h"

enum report_kind { REPORT_VMAS, REPORT_PAGETABLE, REPORT_VTOP, REPORT_NUMA };

/* Bytes of one write to target or a report file, plus one. */
#define MMLENS_INPUT_MAX 64

/* The global target, set through the target file. */
static DEFINE_MUTEX(target_lock);
static struct pid *target_pid;

/* What a write set, kept to undo it when the tail of its input comes. */
struct input_undo {
	bool armed;		/* the last write on this fd was at 0 */
	struct pid *pid;	/* reference to the value it replaced */
	unsigned long addr;
	bool have_addr;
};

struct report {
	enum report_kind kind;
	struct mutex lock;	/* serialises read and write on this fd */
	struct pid *pid;	/* bound on this fd; else the global target */
	unsigned long addr;	/* vtop */
	bool have_addr;
	bool valid;		/* out holds the report for the current input */
	struct input_undo undo;
	struct mmlens_textbuf out;
};

/* An open target file: only what undoing a split input needs. */
struct target_file {
	struct mutex lock;
	struct pid *set;	/* what this fd's last write made the target */
				/* (a reference: compared, never followed) */
	struct input_undo undo;
};

/*
 * Copies one write as a trimmed C string: EINVAL when empty, too long or
 * holding a NUL byte (the string would end early and parse as something
 * shorter).
 */
static int copy_input(const char __user *ubuf, size_t count, char *buf,
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

/*
 * A decimal pid, > 0, of a live user process in the caller's pid
 * namespace: EINVAL for anything else that is not a number or names a
 * kernel thread, ESRCH when no such process exists.
 */
static int resolve_pid(const char *tok, struct pid **out)
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

static struct pid *get_target(void)
{
	struct pid *pid;

	mutex_lock(&target_lock);
	pid = get_pid(target_pid);
	mutex_unlock(&target_lock);
	return pid;
}

/* The PFN rule (core/parts.h). */
int mmlens_pfn_access(struct file *file)
{
	if (!file_ns_capable(file, &init_user_ns, CAP_SYS_ADMIN))
		return -EPERM;
	return 0;
}

/* The rule of every file here (top of file): PFNs, and ptrace's right. */
static int report_access(struct file *file)
{
	if (mmlens_pfn_access(file) ||
	    !file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE))
		return -EPERM;
	return 0;
}

static void undo_drop(struct input_undo *u)
{
	put_pid(u->pid);
	memset(u, 0, sizeof(*u));
}

/* ---- target ---- */

static ssize_t target_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct target_file *t = file->private_data;
	struct task_struct *task = NULL;
	char comm[TASK_COMM_LEN];
	struct pid *pid;
	char buf[64];
	pid_t nr;
	int len;

	/* The first read after a write starts at 0 and ends its input. */
	if (mutex_lock_interruptible(&t->lock))
		return -EINTR;
	if (t->undo.armed) {
		*ppos = 0;
		undo_drop(&t->undo);
	}
	mutex_unlock(&t->lock);

	pid = get_target();
	/* 0: not in the reader's pid namespace (top of file) */
	nr = pid ? pid_vnr(pid) : 0;
	if (pid && !nr) {
		put_pid(pid);
		return -ESRCH;
	}
	if (pid)
		task = get_pid_task(pid, PIDTYPE_PID);
	if (task) {
		get_task_comm(comm, task);
		len = scnprintf(buf, sizeof(buf), "%d %s\n", nr, comm);
		put_task_struct(task);
	} else {
		len = scnprintf(buf, sizeof(buf), "none\n");
	}
	put_pid(pid);
	return simple_read_from_buffer(ubuf, count, ppos, buf, len);
}

/*
 * The tail of a split input: put back the target this fd's write at 0
 * replaced, unless someone has set another one since.
 */
static void target_undo(struct target_file *t)
{
	struct pid *drop = NULL;

	if (!t->undo.armed)
		return;
	mutex_lock(&target_lock);
	if (target_pid == t->set) {
		drop = target_pid;
		target_pid = t->undo.pid;
		t->undo.pid = NULL;
	}
	mutex_unlock(&target_lock);
	put_pid(drop);
	undo_drop(&t->undo);
}

static ssize_t target_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct target_file *t = file->private_data;
	char buf[MMLENS_INPUT_MAX], *str;
	struct pid *pid;
	int ret;

	if (mutex_lock_interruptible(&t->lock))
		return -EINTR;
	if (*ppos) {
		target_undo(t);
		ret = -EINVAL;
		goto out;
	}
	ret = copy_input(ubuf, count, buf, &str);
	if (!ret)
		ret = resolve_pid(str, &pid);
	if (ret)
		goto out;
	undo_drop(&t->undo);
	mutex_lock(&target_lock);
	t->undo.pid = target_pid;	/* our reference now */
	target_pid = pid;
	mutex_unlock(&target_lock);
	put_pid(t->set);
	t->set = get_pid(pid);
	t->undo.armed = true;
	*ppos = count;
	ret = count;
out:
	mutex_unlock(&t->lock);
	return ret;
}

static int target_open(struct inode *inode, struct file *file)
{
	struct target_file *t;
	int ret;

	ret = report_access(file);
	if (ret)
		return ret;
	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	mutex_init(&t->lock);
	file->private_data = t;
	return 0;
}

static int target_release(struct inode *inode, struct file *file)
{
	struct target_file *t = file->private_data;

	undo_drop(&t->undo);
	put_pid(t->set);
	mutex_destroy(&t->lock);
	kfree(t);
	return 0;
}

static const struct file_operations target_fops = {
	.owner = THIS_MODULE,
	.open = target_open,
	.release = target_release,
	.read = target_read,
	.write = target_write,
	.llseek = default_llseek,
};

static const struct proc_ops target_proc_ops = {
	.proc_open = target_open,
	.proc_release = target_release,
	.proc_read = target_read,
	.proc_write = target_write,
	.proc_lseek = default_llseek,
};

/* ---- vmas, pagetable, vtop, numa ---- */

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

/*
 * Kernel lockdown at confidentiality: may vtop show the physical
 * addresses of page-table pages? Asked per vtop read with the reason
 * whose rule it follows, reading kernel memory's layout as /proc/kcore
 * would (lockdown logs, rate-limited, "/proc/kcore access is restricted"
 * for it). PFNs of user pages stay visible, as in pagemap.
 */
static bool hide_tables(void)
{
	return security_locked_down(LOCKDOWN_KCORE) != 0;
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

	pid = r->pid ? get_pid(r->pid) : get_target();
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
		ret = mmlens_report_vtop(mm, r->addr, hide_tables(), &r->out);
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
	undo_drop(&r->undo);
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
	undo_drop(&r->undo);
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
	ret = copy_input(ubuf, count, buf, &str);
	if (ret)
		goto out;
	if (r->kind == REPORT_VTOP)
		ret = mmlens_parse_vtop(str, &tok, &addr);
	else
		ret = mmlens_parse_report(str, &tok);
	if (!ret && tok)
		ret = resolve_pid(tok, &pid);
	if (ret)
		goto out;
	/* Bound once: the same process again is fine, another is not. */
	if (pid && r->pid && pid != r->pid) {
		put_pid(pid);
		ret = -EBUSY;
		goto out;
	}

	undo_drop(&r->undo);
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

	ret = report_access(file);
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
	undo_drop(&r->undo);
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
int mmlens_walk_proc_init(struct proc_dir_entry *dir)
{
	if (!proc_create("target", 0600, dir, &target_proc_ops) ||
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

void mmlens_walk_files_init(struct dentry *dbg)
{
	debugfs_create_file("target", 0600, dbg, NULL, &target_fops);
	debugfs_create_file("vmas", 0600, dbg, (void *)REPORT_VMAS,
			    &report_fops);
	debugfs_create_file("pagetable", 0600, dbg,
			    (void *)REPORT_PAGETABLE, &report_fops);
	debugfs_create_file("vtop", 0600, dbg, (void *)REPORT_VTOP,
			    &report_fops);
	debugfs_create_file("numa", 0600, dbg, (void *)REPORT_NUMA,
			    &report_fops);
}

/* Called after the files are gone: nothing reads target_pid any more. */
void mmlens_walk_files_exit(void)
{
	put_pid(target_pid);
	target_pid = NULL;
}
