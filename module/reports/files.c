// SPDX-License-Identifier: GPL-2.0
/*
 * files.c - the report files vmas, pagetable, vtop and numa, in
 * /proc/mmlens and in /sys/kernel/debug/mmlens: their two homes, the
 * input rules, and a report started by each read at offset 0 and
 * produced chunk by chunk as it is read.
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
 * read from offset 0 resolves it to a task and takes its mm
 * (get_task_mm), not the task. A target the reader's pid namespace
 * cannot see is ESRCH for that reader, whichever fd it comes through.
 *
 * Reading: vmas, pagetable and numa are streamed (stream.c) in bounded
 * memory, as pagemap_read() and the seq_file of /proc/PID/maps read:
 * the fd holds one chunk of text (at most MMLENS_TEXTBUF_MAX bytes) and
 * the paused walk; once a reader has read past the chunk the walk goes
 * on from the address where it paused, with mmap_lock taken again. The
 * mm is held between reads by mm_count (mmgrab: its page tables may go,
 * the struct stays), and each chunk takes mm_users (mmget_not_zero()):
 * a target that exited is ESRCH, as is one found exiting after a chunk.
 * A read at offset 0 starts the report anew; one before the chunk held
 * starts it anew and reads up to there; one past it reads on to it. So
 * any offset reads what a read from 0 would have reached there, and
 * lseek(0) restarts (docs/walk.md: what holds across chunks). vtop, one
 * address, is produced at once.
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
#include "mmlens_uapi.h"
#include "reports/input.h"
#include "reports/reports.h"
#include "reports/target.h"
#include "reports/textbuf.h"
#include "reports/visit.h"

enum report_kind { REPORT_VMAS, REPORT_PAGETABLE, REPORT_VTOP, REPORT_NUMA };

/* A chunk: the walk pauses once this much text is out (visit.h). */
#define REPORT_CHUNK (MMLENS_TEXTBUF_MAX - MMLENS_STEP_ROOM)

struct report {
	enum report_kind kind;
	struct mutex lock;	/* serialises read and write on this fd */
	struct pid *pid;	/* bound on this fd; else the global target */
	unsigned long addr;	/* vtop */
	bool have_addr;
	struct mmlens_input_undo undo;
	/*
	 * The report being read, for the current input (valid): out holds
	 * its bytes [out_pos, out_pos + out.len); done once the last chunk
	 * is in out. Its target (target, mm) and, until done, the paused
	 * walk (stream) are held from the read that started it.
	 */
	bool valid, done;
	bool written;		/* the last call was a write */
	int pending;		/* an error for the next read */
	loff_t out_pos;
	struct pid *target;
	struct mm_struct *mm;	/* mmgrab()bed */
	struct mmlens_stream stream;
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

/* Ends the report being read (its stream, its target), if any. */
static void report_stop(struct report *r)
{
	mmlens_stream_free(&r->stream);
	if (r->mm)
		mmdrop(r->mm);
	r->mm = NULL;
	put_pid(r->target);
	r->target = NULL;
	mmlens_textbuf_reset(&r->out);
	r->out_pos = 0;
	r->valid = false;
	r->done = false;
}

/* The first chunk, or all of vtop, with mm_users held on @mm. */
static int report_first(struct report *r, struct mm_struct *mm, pid_t nr,
			const char *comm, const struct mmlens_policy *policy)
{
	int ret;

	switch (r->kind) {
	case REPORT_VMAS:
		ret = mmlens_stream_vmas(&r->stream, mm, &r->out);
		break;
	case REPORT_PAGETABLE:
		ret = mmlens_stream_pagetable(&r->stream, mm, nr, comm,
					      &r->out);
		break;
	case REPORT_NUMA:
		ret = mmlens_stream_numa(&r->stream, mm, policy, &r->out);
		break;
	default:
		r->done = true;
		return mmlens_report_vtop(mm, r->addr,
					  mmlens_lockdown_hides_tables(),
					  &r->out);
	}
	if (ret)
		return ret;
	ret = mmlens_stream_next(&r->stream);
	r->done = !ret;
	return ret == MMLENS_WALK_PAUSE ? 0 : ret;
}

/* What a report needs of its target, read when it starts. */
struct report_target {
	struct pid *pid;		/* referenced */
	pid_t nr;			/* in the reader's namespace */
	struct mm_struct *mm;		/* mm_users held (get_task_mm) */
	char comm[TASK_COMM_LEN];
	struct mmlens_policy policy;	/* numa */
};

/*
 * The target of the current input, as this reader sees it: the pid
 * bound on the fd or else the global one, its task's name and (numa)
 * policy, and its mm. On error nothing is held.
 */
static int report_target(struct report *r, struct report_target *t)
{
	struct task_struct *task;
	int ret = -ESRCH;

	t->pid = r->pid ? get_pid(r->pid) : mmlens_target_get();
	if (!t->pid)
		return -ESRCH;
	t->nr = pid_vnr(t->pid);	/* 0: the reader cannot see it */
	if (!t->nr)
		goto out_pid;
	task = get_pid_task(t->pid, PIDTYPE_PID);
	if (!task)
		goto out_pid;
	get_task_comm(t->comm, task);
	if (r->kind == REPORT_NUMA)
		mmlens_numa_task_policy(task, &t->policy);
	t->mm = get_task_mm(task);	/* NULL once the task has exited */
	put_task_struct(task);
	if (t->mm)
		return 0;
out_pid:
	put_pid(t->pid);
	return ret;
}

/*
 * Starts the report of the current input: resolves the target, takes
 * its mm, produces the first chunk. On error nothing is held.
 */
static int report_start(struct report *r)
{
	struct report_target t;
	int ret;

	if (r->kind == REPORT_VTOP && !r->have_addr)
		return -EINVAL;
	ret = report_target(r, &t);
	if (ret)
		return ret;
	mmgrab(t.mm);
	r->mm = t.mm;
	r->target = t.pid;
	r->valid = true;
	ret = report_first(r, t.mm, t.nr, t.comm, &t.policy);
	/* A target that exited meanwhile gets ESRCH, not a stale report. */
	if (!ret && target_gone(t.pid))
		ret = -ESRCH;
	mmput(t.mm);
	if (ret)
		report_stop(r);
	return ret;
}

/* The next chunk into out, which the reader has read to its end. */
static int report_next(struct report *r)
{
	int ret;

	r->out_pos += r->out.len;
	mmlens_textbuf_reset(&r->out);
	if (!mmget_not_zero(r->mm))
		return -ESRCH;
	ret = mmlens_stream_next(&r->stream);
	if (ret == MMLENS_WALK_PAUSE)
		ret = 0;
	else if (!ret)
		r->done = true;
	if (!ret && target_gone(r->target))
		ret = -ESRCH;
	mmput(r->mm);
	return ret;
}

/*
 * Copies from the chunks at *ppos on, walking on as each is read, until
 * @count bytes or the report's end: a read is short only at the end, as
 * a regular file's. An error after some bytes were copied is returned
 * by the next read (pending), after them.
 */
static ssize_t report_copy(struct report *r, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	size_t copied = 0;
	ssize_t n;
	loff_t pos;
	int ret;

	while (copied < count) {
		while (*ppos >= r->out_pos + (loff_t)r->out.len && !r->done) {
			ret = report_next(r);
			if (ret) {
				report_stop(r);
				if (!copied)
					return ret;
				r->pending = ret;
				return copied;
			}
		}
		pos = *ppos - r->out_pos;
		n = simple_read_from_buffer(ubuf + copied, count - copied, &pos,
					    r->out.data, r->out.len);
		if (n <= 0)
			return copied ?: n;	/* the end, or EFAULT */
		copied += n;
		*ppos += n;
	}
	return copied;
}

static ssize_t report_read(struct file *file, char __user *ubuf,
			   size_t count, loff_t *ppos)
{
	struct report *r = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&r->lock))
		return -EINTR;
	if (r->written) {
		/* The first read after a write starts the new report. */
		*ppos = 0;
		r->written = false;
		r->pending = 0;
	}
	if (r->pending && *ppos) {
		ret = r->pending;
		r->pending = 0;
		goto out;
	}
	r->pending = 0;
	if (*ppos == 0 || *ppos < r->out_pos || !r->valid) {
		report_stop(r);
		ret = report_start(r);
		if (ret)
			goto out;
	}
	/* The input is complete once read: no tail can follow it now. */
	mmlens_input_undo_drop(&r->undo);
	ret = report_copy(r, ubuf, count, ppos);
	if (r->done) {
		/* nothing more to walk: let the stream go at once */
		mmlens_stream_free(&r->stream);
	}
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
	report_stop(r);
	r->written = true;
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
	report_stop(r);
	r->written = true;
	*ppos = count;
	ret = count;
out:
	mutex_unlock(&r->lock);
	return ret;
}

/*
 * The pagetable files' binary interface (MMLENS_PT_RUNS, mmlens_uapi.h):
 * the same target and access as the text report, which it leaves
 * alone; any other command or file is ENOTTY.
 */
static long report_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct report *r = file->private_data;
	struct report_target t;
	long ret;

	if (r->kind != REPORT_PAGETABLE || cmd != MMLENS_PT_RUNS)
		return -ENOTTY;
	if (mutex_lock_interruptible(&r->lock))
		return -EINTR;
	ret = report_target(r, &t);
	if (ret)
		goto out;
	ret = mmlens_pt_runs(t.mm, (struct mmlens_pt_runs __user *)arg);
	if (ret >= 0 && target_gone(t.pid))
		ret = -ESRCH;
	mmput(t.mm);
	put_pid(t.pid);
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
	r->out.chunk = REPORT_CHUNK;
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

	report_stop(r);
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
	.unlocked_ioctl = report_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = default_llseek,
};

static const struct proc_ops report_proc_ops = {
	.proc_open = report_proc_open,
	.proc_release = report_release,
	.proc_read = report_read,
	.proc_write = report_write,
	.proc_ioctl = report_ioctl,
#ifdef CONFIG_COMPAT
	.proc_compat_ioctl = compat_ptr_ioctl,
#endif
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
