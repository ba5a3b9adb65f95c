/* SPDX-License-Identifier: GPL-2.0 */
/*
 * target.h - the global target (target.c): read by the report files
 * whose fd has bound no pid.
 */
#ifndef MMLENS_REPORTS_TARGET_H
#define MMLENS_REPORTS_TARGET_H

struct dentry;
struct pid;
struct proc_dir_entry;

/* A reference to the global target, or NULL when none is set. */
struct pid *mmlens_target_get(void);

int mmlens_target_proc_init(struct proc_dir_entry *dir);
void mmlens_target_debugfs_init(struct dentry *dbg);
/* After the target files are gone: drops the target. */
void mmlens_target_exit(void);

#endif /* MMLENS_REPORTS_TARGET_H */
