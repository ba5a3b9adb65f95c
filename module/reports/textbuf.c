// SPDX-License-Identifier: GPL-2.0
/*
 * textbuf.c - growable text buffer for generated reports.
 *
 * Grows by doubling (amortised linear copying) up to MMLENS_TEXTBUF_MAX;
 * a report produced at once (vtop, KUnit's) that needs more fails with
 * -EFBIG, and a streamed one pauses before it gets there (visit.h).
 * Allocation may sleep: never append while holding a spinlock or RCU.
 * The walk reports grow it with mmlens_textbuf_reserve() while the walker
 * has dropped mmap_lock, so appends under the lock rarely allocate.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "kernel/compat.h"
#include "reports/textbuf.h"

#define MMLENS_TEXTBUF_MIN (16 * 1024)

static int textbuf_grow(struct mmlens_textbuf *tb, size_t need)
{
	size_t size = tb->size ? tb->size : MMLENS_TEXTBUF_MIN;
	char *data;

	while (size < need)
		size *= 2;
	if (size > MMLENS_TEXTBUF_MAX)
		return -EFBIG;
	data = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (!data)
		return -ENOMEM;
	if (tb->len)
		memcpy(data, tb->data, tb->len);
	kvfree(tb->data);
	tb->data = data;
	tb->size = size;
	return 0;
}

void mmlens_textbuf_printf(struct mmlens_textbuf *tb, const char *fmt, ...)
{
	va_list args;
	int n;

	if (tb->err)
		return;
	va_start(args, fmt);
	n = vsnprintf(tb->data ? tb->data + tb->len : NULL,
		      tb->data ? tb->size - tb->len : 0, fmt, args);
	va_end(args);
	if (tb->data && tb->len + n < tb->size) {
		tb->len += n;
		return;
	}
	tb->err = textbuf_grow(tb, tb->len + n + 1);
	if (tb->err)
		return;
	va_start(args, fmt);
	tb->len += vsnprintf(tb->data + tb->len, tb->size - tb->len, fmt,
			     args);
	va_end(args);
}

void mmlens_textbuf_escaped(struct mmlens_textbuf *tb, const char *str,
			    const char *esc)
{
	size_t need = strlen(str) * 4 + 1;
	char *p;

	if (tb->err)
		return;
	if (mmlens_textbuf_room(tb) < need) {
		tb->err = textbuf_grow(tb, tb->len + need);
		if (tb->err)
			return;
	}
	p = tb->data + tb->len;
	for (; *str; str++) {
		unsigned char c = *str;

		if (!strchr(esc, c)) {
			*p++ = c;
			continue;
		}
		*p++ = '\\';
		*p++ = '0' + (c >> 6);
		*p++ = '0' + ((c >> 3) & 7);
		*p++ = '0' + (c & 7);
	}
	*p = '\0';
	tb->len = p - tb->data;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_textbuf_escaped);

/* Room for @need more bytes, growing if needed; false on error. */
static bool textbuf_room_for(struct mmlens_textbuf *tb, size_t need)
{
	if (tb->err)
		return false;
	if (likely(mmlens_textbuf_room(tb) >= need))
		return true;
	tb->err = textbuf_grow(tb, tb->len + need);
	return !tb->err;
}

void mmlens_textbuf_put(struct mmlens_textbuf *tb, const char *str,
			size_t len)
{
	if (!textbuf_room_for(tb, len + 1))
		return;
	memcpy(tb->data + tb->len, str, len);
	tb->len += len;
	tb->data[tb->len] = '\0';
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_textbuf_put);

char *mmlens_fmt_hex(char *p, u64 v)
{
	int n = v ? (fls64(v) + 3) / 4 : 1;
	char *end = p + n;

	while (n--) {
		p[n] = hex_asc[v & 15];
		v >>= 4;
	}
	return end;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_fmt_hex);

char *mmlens_fmt_hex_pad(char *p, u64 v, int width)
{
	int n = v ? (fls64(v) + 3) / 4 : 1;

	if (n < width) {
		memset(p, '0', width - n);
		p += width - n;
	}
	return mmlens_fmt_hex(p, v);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_fmt_hex_pad);

char *mmlens_fmt_dec(char *p, u64 v)
{
	char tmp[20], *t = tmp + sizeof(tmp);

	/* most counts of a scattered report: one digit, no copy */
	if (v < 10) {
		*p = '0' + v;
		return p + 1;
	}

	do {
		*--t = '0' + do_div(v, 10);
	} while (v);
	memcpy(p, t, tmp + sizeof(tmp) - t);
	return p + (tmp + sizeof(tmp) - t);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_fmt_dec);

size_t mmlens_textbuf_room(const struct mmlens_textbuf *tb)
{
	return tb->data ? tb->size - tb->len : 0;
}

int mmlens_textbuf_reserve(struct mmlens_textbuf *tb, size_t room)
{
	if (!tb->err && mmlens_textbuf_room(tb) < room)
		tb->err = textbuf_grow(tb, tb->len + room);
	return tb->err;
}

void mmlens_textbuf_reset(struct mmlens_textbuf *tb)
{
	tb->len = 0;
	tb->err = 0;
}

void mmlens_textbuf_free(struct mmlens_textbuf *tb)
{
	kvfree(tb->data);
	tb->data = NULL;
	tb->len = 0;
	tb->size = 0;
	tb->err = 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_textbuf_free);
