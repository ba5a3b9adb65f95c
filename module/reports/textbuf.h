/* SPDX-License-Identifier: GPL-2.0 */
/*
 * textbuf.h - a growable text buffer, bounded: a report read as a file
 * is produced into it one chunk at a time (files.c), and read() is
 * served from it, so output stays linear in size.
 */
#ifndef MMLENS_TEXTBUF_H
#define MMLENS_TEXTBUF_H

#include <linux/compiler.h>
#include <linux/types.h>

struct mmlens_textbuf {
	char *data;
	size_t len, size;
	/*
	 * A streamed report pauses its walk once @len reaches @chunk
	 * (visit.h); 0: never, the whole report at once.
	 */
	size_t chunk;
	int err;		/* first error (-ENOMEM, -EFBIG), sticky */
};

/* The size no buffer grows beyond: one chunk and a step's room. */
#define MMLENS_TEXTBUF_MAX (1024 * 1024)

__printf(2, 3)
void mmlens_textbuf_printf(struct mmlens_textbuf *tb, const char *fmt, ...);
/*
 * Appends @str with every character of @esc written as a backslash and
 * three octal digits, as seq_path()/mangle_path() escape names in
 * /proc/PID/maps (there @esc is "\n").
 */
void mmlens_textbuf_escaped(struct mmlens_textbuf *tb, const char *str,
			    const char *esc);
/* Appends @len bytes of @str: for lines composed by the caller. */
void mmlens_textbuf_put(struct mmlens_textbuf *tb, const char *str,
			size_t len);

/*
 * For lines written once per run of a large report, composed in a local
 * buffer without parsing a format: each writes at @p (up to 16 and 20
 * bytes) and returns the end.
 */
char *mmlens_fmt_hex(char *p, u64 v);	/* lowercase, no 0x */
/* The same, zero-padded to at least @width digits (%0<width>lx). */
char *mmlens_fmt_hex_pad(char *p, u64 v, int width);
char *mmlens_fmt_dec(char *p, u64 v);
/* Bytes that can be appended without growing the buffer. */
size_t mmlens_textbuf_room(const struct mmlens_textbuf *tb);
/* Grows the buffer so that @room more bytes fit. May sleep. */
int mmlens_textbuf_reserve(struct mmlens_textbuf *tb, size_t room);
void mmlens_textbuf_reset(struct mmlens_textbuf *tb);
void mmlens_textbuf_free(struct mmlens_textbuf *tb);

#endif /* MMLENS_TEXTBUF_H */
