// SPDX-License-Identifier: GPL-2.0
/*
 * target.c - the global target: the process the report files look at when
 * their fd has bound none, set through the target file (in /proc/mmlens
 * and debugfs).
 *
 * A pid number is resolved once, in the writer's pid namespace, to a
 * struct pid reference (input.c), so a reused number never redirects a
 * report. The target file keeps the rules of every input file
 * (files.c): one write, one input; the tail of a split input undoes its
 * head. A target the reader's pid namespace cannot see (set from a parent
 * namespace) reads as ESRCH there: its number there would be 0.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core/access.h"
#include "reports/input.h"
#include "reports/target.h"

/* The global target, set through the target file. */
static DEFINE_MUTEX(target_lock);
static struct pid *target_pid;

/* An open target file: only what undoing a split input needs. */
struct target_file {
	struct mutex lock;
	struct pid *set;	/* what this fd's last write made the target */
				/* (a reference: compared, never followed) */
	struct mmlens_input_undo undo;
};

struct pid *mmlens_target_get(void)
{
	struct pid *pid;

	mutex_lock(&target_lock);
	pid = get_pid(target_pid);
	mutex_unlock(&target_lock);
	return pid;
}

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
		mmlens_input_undo_drop(&t->undo);
	}
	mutex_unlock(&t->lock);

	pid = mmlens_target_get();
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
	mmlens_input_undo_drop(&t->undo);
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
	ret = mmlens_input_copy(ubuf, count, buf, &str);
	if (!ret)
		ret = mmlens_input_pid(str, &pid);
	if (ret)
		goto out;
	mmlens_input_undo_drop(&t->undo);
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

	ret = mmlens_report_access(file);
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

	mmlens_input_undo_drop(&t->undo);
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

int mmlens_target_proc_init(struct proc_dir_entry *dir)
{
	if (!proc_create("target", 0600, dir, &target_proc_ops))
		return -ENOMEM;
	return 0;
}

void mmlens_target_debugfs_init(struct dentry *dbg)
{
	debugfs_create_file("target", 0600, dbg, NULL, &target_fops);
}

/* Called after the files are gone: nothing reads target_pid any more. */
void mmlens_target_exit(void)
{
	put_pid(target_pid);
	target_pid = NULL;
}
