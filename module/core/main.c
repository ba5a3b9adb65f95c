// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - mmlens.ko: live memory-management introspection.
 *
 * Creates /proc/mmlens and /sys/kernel/debug/mmlens and lets each part
 * put its files there. Teardown removes the files before anything they
 * read goes away: proc_remove() waits for readers in progress.
 *
 * Init order: a failed init frees the module at once, whatever module
 * references open files hold, so no file whose operations live in the
 * module (a debugfs file or /dev/mmlens: their ->release would run freed
 * code at the opener's close()) may exist before the last step that can
 * fail. So: allocations first; then /proc, which is safe to unwind
 * (proc_remove() runs down open files itself and proc_ops carry no module
 * reference); then misc_register(), the last step that can fail; then
 * debugfs, whose failures init ignores.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#include "core/parts.h"
#include "mmlens_vocab.h"

static struct proc_dir_entry *mmlens_proc;
static struct dentry *mmlens_debugfs;

static int version_show(struct seq_file *m, void *v)
{
	seq_puts(m, MMLENS_VERSION "\n");
	return 0;
}

/* The parts' files in /proc/mmlens, in the order they are created. */
static int (*const proc_parts[])(struct proc_dir_entry *dir) = {
	mmlens_frag_init,
	mmlens_watermarks_init,
	mmlens_compaction_init,
	mmlens_pageblocks_init,
	mmlens_reports_proc_init,
};

static int __init mmlens_init(void)
{
	unsigned int i;
	int err;

	err = mmlens_vbuf_alloc();
	if (err)
		return err;

	mmlens_proc = proc_mkdir("mmlens", NULL);
	if (!mmlens_proc) {
		err = -ENOMEM;
		goto err_vbuf;
	}
	if (!proc_create_single("version", 0444, mmlens_proc, version_show)) {
		err = -ENOMEM;
		goto err_proc;
	}
	for (i = 0; i < ARRAY_SIZE(proc_parts); i++) {
		err = proc_parts[i](mmlens_proc);
		if (err)
			goto err_proc;
	}

	err = mmlens_vbuf_register();
	if (err)
		goto err_proc;

	/* debugfs return values are deliberately not checked. */
	mmlens_debugfs = debugfs_create_dir("mmlens", NULL);
	mmlens_reports_debugfs_init(mmlens_debugfs);
	mmlens_vbuf_files_init(mmlens_debugfs);

	pr_info("loaded, version " MMLENS_VERSION "\n");
	return 0;

err_proc:
	proc_remove(mmlens_proc);
	/* A target may have been set through /proc meanwhile. */
	mmlens_reports_exit();
err_vbuf:
	mmlens_vbuf_free();
	return err;
}

static void __exit mmlens_exit(void)
{
	/* Files first: nothing may read state that is being freed. */
	debugfs_remove(mmlens_debugfs);
	proc_remove(mmlens_proc);
	mmlens_reports_exit();
	mmlens_vbuf_unregister();
	mmlens_vbuf_free();
}

module_init(mmlens_init);
module_exit(mmlens_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Live memory-management introspection: page tables, buddy fragmentation, a vmalloc buffer mapped by a fault handler");
MODULE_VERSION(MMLENS_VERSION);
