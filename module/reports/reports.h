/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reports.h - the walker's reports, one generator each (vmas.c,
 * pagetable.c, vtop.c, numa.c): each walks @mm with its visitor and
 * appends its text to @out (formats in docs/walk.md). files.c streams
 * vmas, pagetable and numa chunk by chunk as they are read, and
 * produces vtop, one address, at once.
 */
#ifndef MMLENS_REPORTS_H
#define MMLENS_REPORTS_H

#include <linux/mm_types.h>
#include <linux/sched.h>

#include "pt/walk.h"
#include "reports/textbuf.h"

/*
 * A report produced as it is read (files.c): its walk pauses, with no
 * lock held, whenever its output holds a chunk (textbuf.h, visit.h),
 * and mmlens_stream_next() goes on from there. stream.c holds the
 * common part; each report its state and visitor.
 */
struct mmlens_stream_ops {
	const struct mmlens_walk_ops *walk;
	/* the walk reached its end: the lines the state still holds */
	void (*finish)(void *state);
	void (*free)(void *state);	/* NULL: kfree() */
};

struct mmlens_stream {
	const struct mmlens_stream_ops *ops;
	void *state;
	struct mmlens_walker *walker;
	struct mmlens_textbuf *out;
	bool finished;
};

/*
 * Every user address of @mm; takes @state. On failure nothing is left to
 * free (@state included) and mmlens_stream_free() is a no-op.
 */
int mmlens_stream_init(struct mmlens_stream *st,
		       const struct mmlens_stream_ops *ops, void *state,
		       struct mm_struct *mm, struct mmlens_textbuf *out);
/*
 * The next chunk, appended to the stream's output: 0 when the report is
 * complete, MMLENS_WALK_PAUSE when more follows, or an error. The caller
 * holds mm_users on the mm for the call.
 */
int mmlens_stream_next(struct mmlens_stream *st);
void mmlens_stream_free(struct mmlens_stream *st);
/* The whole report in one call (an output without a chunk), then free. */
int mmlens_stream_all(struct mmlens_stream *st);

/* Each opens @st on its report of @mm, into @out (docs/walk.md). */
int mmlens_stream_vmas(struct mmlens_stream *st, struct mm_struct *mm,
		       struct mmlens_textbuf *out);
int mmlens_stream_pagetable(struct mmlens_stream *st, struct mm_struct *mm,
			    pid_t pid, const char *comm,
			    struct mmlens_textbuf *out);
/* @task: the policy shown for VMAs without one (mmlens_numa_task_policy) */
int mmlens_stream_numa(struct mmlens_stream *st, struct mm_struct *mm,
		       const struct mmlens_policy *task,
		       struct mmlens_textbuf *out);

struct mmlens_pt_runs;
/*
 * MMLENS_PT_RUNS on a pagetable file, over @mm (the caller holds
 * mm_users): records written, or an error (docs/walk.md).
 */
long mmlens_pt_runs(struct mm_struct *mm, struct mmlens_pt_runs __user *uarg);

/* The vmas report at once (KUnit). */
int mmlens_report_vmas(struct mm_struct *mm, struct mmlens_textbuf *out);
/*
 * @hide_tables: print upper-level entries that point to a table without
 * their address bits (kernel lockdown, confidentiality: docs/security.md).
 */
int mmlens_report_vtop(struct mm_struct *mm, unsigned long addr,
		       bool hide_tables, struct mmlens_textbuf *out);

/*
 * The policy numa_maps prints for VMAs without one of their own: the
 * task's, read when the report starts (the caller holds a task
 * reference).
 */
void mmlens_numa_task_policy(struct task_struct *task,
			     struct mmlens_policy *p);

#endif /* MMLENS_REPORTS_H */
