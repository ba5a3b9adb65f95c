/* SPDX-License-Identifier: GPL-2.0 */
/*
 * visit.h - what the walker's report visitors (vmas.c, pagetable.c,
 * vtop.c, numa.c) share: the range they walk and the room they keep in
 * their output.
 */
#ifndef MMLENS_REPORTS_VISIT_H
#define MMLENS_REPORTS_VISIT_H

#include <linux/sched.h>

#include "pt/walk.h"
#include "reports/textbuf.h"

/* Every user address: the walker itself only visits VMAs. */
#define MMLENS_USER_END TASK_SIZE_MAX

/*
 * Room kept free in the output before each walk step, so that a step's
 * lines (at most 512 runs of ~210 bytes, or a VMA line with a PATH_MAX
 * name escaped to 4x) are appended without allocating under mmap_lock:
 * the walker grows the buffer with the lock dropped (walk.h).
 */
#define MMLENS_STEP_ROOM (256 * 1024)

/* As /proc/PID/maps escapes names (seq_file_path(m, file, "\n")). */
#define MMLENS_NAME_ESCAPE "\n"

/* A streamed report's chunk is full: the walk pauses for the reader. */
static inline bool mmlens_out_full(const struct mmlens_textbuf *out)
{
	return out->chunk && out->len >= out->chunk;
}

/*
 * A visitor's @want_unlocked and @unlocked (walk.h), for @room bytes
 * kept free before each step: with the lock dropped, either pause the
 * walk for the reader or grow the buffer.
 */
static inline bool mmlens_out_want_unlocked(struct mmlens_textbuf *out,
					    size_t room)
{
	return !out->err &&
	       (mmlens_out_full(out) || mmlens_textbuf_room(out) < room);
}

static inline int mmlens_out_unlocked(struct mmlens_textbuf *out, size_t room)
{
	if (mmlens_out_full(out))
		return MMLENS_WALK_PAUSE;
	return mmlens_textbuf_reserve(out, room);
}

#endif /* MMLENS_REPORTS_VISIT_H */
