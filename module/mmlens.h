/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlens.h - what the parts of mmlens.ko share: the directories they put
 * their files in and each part's init entry point.
 */
#ifndef MMLENS_H
#define MMLENS_H

struct dentry;
struct file;
struct proc_dir_entry;

/* Bumped with every change of a file format; /proc/mmlens/version. */
#define MMLENS_VERSION "0.3.0"

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
 * /dev/mmlens and debugfs vbuf, vbuf_pfns (vbuf.c): the buffer, then the
 * device (the last step of init that can fail), then the debugfs files.
 */
int mmlens_vbuf_alloc(void);
int mmlens_vbuf_register(void);
void mmlens_vbuf_files_init(struct dentry *dbg);
void mmlens_vbuf_unregister(void);
void mmlens_vbuf_free(void);

#endif /* MMLENS_H */
