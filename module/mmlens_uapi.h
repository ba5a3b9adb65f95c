/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmlens_uapi.h - what user space may rely on about /dev/mmlens and its
 * debugfs files. Included by vbuf.c and by the test programs, so the two
 * cannot disagree about names, limits or the initial page contents.
 */
#ifndef MMLENS_UAPI_H
#define MMLENS_UAPI_H

#define MMLENS_VBUF_DEV		"/dev/mmlens"
#define MMLENS_VBUF_STATS	"/sys/kernel/debug/mmlens/vbuf"
#define MMLENS_VBUF_PFNS	"/sys/kernel/debug/mmlens/vbuf_pfns"

/* vbuf_size module parameter: bytes, rounded up to whole pages. */
#define MMLENS_VBUF_DEFAULT_SIZE	(4UL << 20)
#define MMLENS_VBUF_MAX_SIZE		(1UL << 30)

/*
 * At load, page i of the buffer starts with this line (one %lu: i) and
 * the rest of the page is zero.
 */
#define MMLENS_VBUF_PAGE_FMT	"mmlens vbuf page %lu\n"

#endif /* MMLENS_UAPI_H */
