/* SPDX-License-Identifier: GPL-2.0 */
/*
 * parts.h - what core/main.c calls of each part of mmlens.ko: the init
 * and exit entry points, given the directories they put their files in.
 */
#ifndef MMLENS_CORE_PARTS_H
#define MMLENS_CORE_PARTS_H

struct dentry;
struct proc_dir_entry;

/*
 * zone/: the files the kernel also prints (frag.c: buddyinfo,
 * pagetypeinfo, extfrag_index, unusable_index, fraginfo), and those that
 * go beyond it (watermarks.c, compaction.c, pageblocks.c).
 */
int mmlens_frag_init(struct proc_dir_entry *dir);
int mmlens_watermarks_init(struct proc_dir_entry *dir);
int mmlens_compaction_init(struct proc_dir_entry *dir);
int mmlens_pageblocks_init(struct proc_dir_entry *dir);

/*
 * reports/: target and the walker's report files, in /proc/mmlens
 * (files.c, target.c) and in debugfs; exit after both are removed.
 */
int mmlens_reports_proc_init(struct proc_dir_entry *dir);
void mmlens_reports_debugfs_init(struct dentry *dbg);
void mmlens_reports_exit(void);

/*
 * vbuf/: /dev/mmlens and debugfs vbuf, vbuf_pfns (device.c): the buffer,
 * then the device (the last step of init that can fail), then the
 * debugfs files.
 */
int mmlens_vbuf_alloc(void);
int mmlens_vbuf_register(void);
void mmlens_vbuf_files_init(struct dentry *dbg);
void mmlens_vbuf_unregister(void);
void mmlens_vbuf_free(void);

#endif /* MMLENS_CORE_PARTS_H */
