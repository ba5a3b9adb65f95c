/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textbuf.h - a growable text buffer: a report is generated once, in one
 * pass, and read() is served from it, so output stays linear in size.
 */
#ifndef MMLENS_TEXTBUF_H
#define MMLENS_TEXTBUF_H

#include <linux/compiler.h>
#include <linux/types.h>

struct mmlens_textbuf {
	char *data;
	size_t len, size;
	int err;		/* first error (-ENOMEM, -EFBIG), sticky */
};

__printf(2, 3)
void mmlens_textbuf_printf(struct mmlens_textbuf *tb, const char *fmt, ...);
void mmlens_textbuf_reset(struct mmlens_textbuf *tb);
void mmlens_textbuf_free(struct mmlens_textbuf *tb);

#endif /* MMLENS_TEXTBUF_H */
