// SPDX-License-Identifier: GPL-2.0
/*
 * stream.c - a walker report produced chunk by chunk: the part vmas,
 * pagetable and numa share (the stream's walk, its end, its state).
 *
 * A chunk ends where the report's visitor pauses the walk: before a
 * step, with mmap_lock dropped, once its output holds out->chunk bytes
 * (visit.h). The walker keeps where it stopped and the line it is in;
 * the visitor keeps its own state (a run not yet printed, a VMA's
 * counts); the next chunk goes on with both, so a target that does not
 * change gives the bytes one walk gives (docs/walk.md says what a
 * reader can rely on when it does).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "reports/reports.h"
#include "reports/visit.h"

static void stream_free_state(const struct mmlens_stream_ops *ops,
			      void *state)
{
	if (ops->free)
		ops->free(state);
	else
		kfree(state);
}

/* On failure nothing is left to free, @state included. */
int mmlens_stream_init(struct mmlens_stream *st,
		       const struct mmlens_stream_ops *ops, void *state,
		       struct mm_struct *mm, struct mmlens_textbuf *out)
{
	int ret = out->err;	/* a header the report printed */

	st->ops = NULL;
	st->walker = ret ? NULL : mmlens_walk_alloc(mm, 0, MMLENS_USER_END,
						    ops->walk, state);
	if (!st->walker) {
		stream_free_state(ops, state);
		return ret ?: -ENOMEM;
	}
	st->ops = ops;
	st->state = state;
	st->out = out;
	st->finished = false;
	return 0;
}

int mmlens_stream_next(struct mmlens_stream *st)
{
	int ret;

	if (st->finished)
		return 0;
	ret = mmlens_walk_run(st->walker);
	if (ret)
		return ret;
	if (st->ops->finish)
		st->ops->finish(st->state);
	st->finished = true;
	return st->out->err;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_stream_next);

void mmlens_stream_free(struct mmlens_stream *st)
{
	if (!st->ops)
		return;
	mmlens_walk_free(st->walker);
	stream_free_state(st->ops, st->state);
	st->ops = NULL;
	st->walker = NULL;
	st->state = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_stream_free);

int mmlens_stream_all(struct mmlens_stream *st)
{
	int ret;

	do {
		ret = mmlens_stream_next(st);
	} while (ret == MMLENS_WALK_PAUSE);
	mmlens_stream_free(st);
	return ret;
}
