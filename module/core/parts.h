/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parts.h - what core/main.c calls of each part of mmlens.ko: the init
 * and exit entry points, given the directories they put their files in.
 */
#ifndef MMLENS_CORE_PARTS_H
#define MMLENS_CORE_PARTS_H

struct dentry;
struct file;
struct proc_dir_entry;

int mmlens_frag_init(struct proc_dir_entry *dir);
/* The files that go beyond what the kernel prints (frag.c calls them). */
int mmlens_watermarks_init(struct proc_dir_entry *dir);
int mmlens_compaction_init(struct proc_dir_entry *dir);
int mmlens_pageblocks_init(struct proc_dir_entry *dir);

/*
 * Who may open a file that shows PFNs (report.c): CAP_SYS_ADMIN in the
 * initial user namespace, checked against the opener's credentials like
 * pagemap's PFN rule. 0 or -EPERM.
 */
int mmlens_pfn_access(struct file *file);

/* target and the report files in /proc/mmlens and debugfs (report.c). */
int mmlens_walk_proc_init(struct proc_dir_entry *dir);
void mmlens_walk_files_init(struct dentry *dbg);
void mmlens_walk_files_exit(void);

/*
 * /dev/mmlens and debugfs vbuf, vbuf_pfns (vbuf/device.c): the buffer, then the
 * device (the last step of init that can fail), then the debugfs files.
 */
int mmlens_vbuf_alloc(void);
int mmlens_vbuf_register(void);
void mmlens_vbuf_files_init(struct dentry *dbg);
void mmlens_vbuf_unregister(void);
void mmlens_vbuf_free(void);

#endif /* MMLENS_CORE_PARTS_H */
