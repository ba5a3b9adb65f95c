/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mmlens.h - what the parts of mmlens.ko share: the directories they put
 * their files in and each part's init entry point.
 */
#ifndef MMLENS_H
#define MMLENS_H

struct dentry;
struct proc_dir_entry;

/* Bumped with every change of a file format; /proc/mmlens/version. */
#define MMLENS_VERSION "0.1.0"

int mmlens_frag_init(struct proc_dir_entry *dir);

/* debugfs target, vmas, pagetable, vtop (report.c). */
void mmlens_walk_files_init(struct dentry *dbg);
void mmlens_walk_files_exit(void);

/* /dev/mmlens and debugfs vbuf (vbuf.c). */
int mmlens_vbuf_init(struct dentry *dbg);
void mmlens_vbuf_exit(void);

#endif /* MMLENS_H */
