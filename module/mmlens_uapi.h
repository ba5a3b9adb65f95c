/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmlens_uapi.h - what user space may rely on about /dev/mmlens and its
 * debugfs files. Included by vbuf/device.c and by the test programs, so the two
 * cannot disagree about names, limits, ioctls or the initial page
 * contents.
 */
#ifndef MMLENS_UAPI_H
#define MMLENS_UAPI_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define MMLENS_VBUF_DEV		"/dev/mmlens"
#define MMLENS_VBUF_STATS	"/sys/kernel/debug/mmlens/vbuf"
#define MMLENS_VBUF_PFNS	"/sys/kernel/debug/mmlens/vbuf_pfns"
#define MMLENS_VBUF_MODE_PARAM	"/sys/module/mmlens/parameters/vbuf_mode"

/* vbuf_size module parameter: bytes, rounded up to whole pages. */
#define MMLENS_VBUF_DEFAULT_SIZE	(4UL << 20)
#define MMLENS_VBUF_MAX_SIZE		(1UL << 30)

/*
 * At load, page i of the buffer starts with this line (one %lu: i) and
 * the rest of the page is zero.
 */
#define MMLENS_VBUF_PAGE_FMT	"mmlens vbuf page %lu\n"

/*
 * How mmap() of /dev/mmlens maps the buffer (docs/vbuf.md). The
 * vbuf_mode module parameter (by name) is the mode of every new open;
 * MMLENS_VBUF_SET_MODE changes it for one open file, and each mapping
 * keeps the mode its mmap() was made with.
 *  LAZY:   nothing at mmap(); one page per .fault.
 *  AROUND: nothing at mmap(); each fault maps the aligned window of
 *          MMLENS_VBUF_AROUND_PAGES pages around the faulting one (read
 *          faults through .map_pages, whose window the kernel chooses
 *          from its fault_around_bytes, 16 pages by default).
 *  EAGER:  the whole mapping at mmap(); a page dropped later (e.g.
 *          MADV_DONTNEED) comes back as in AROUND.
 */
#define MMLENS_VBUF_LAZY	0
#define MMLENS_VBUF_AROUND	1
#define MMLENS_VBUF_EAGER	2
#define MMLENS_VBUF_NR_MODES	3
#define MMLENS_VBUF_MODE_NAMES	{ "lazy", "around", "eager" }

#define MMLENS_VBUF_AROUND_PAGES	16

/*
 * ioctls on an open /dev/mmlens, argument a pointer to a __u32 mode.
 * SET_MODE: EINVAL for a mode >= MMLENS_VBUF_NR_MODES. Any other
 * command: ENOTTY. (Magic 0xb6 is not registered in the kernel's
 * ioctl-number list; the commands are only ever sent to this device.)
 */
#define MMLENS_VBUF_IOC_MAGIC	0xb6
#define MMLENS_VBUF_SET_MODE	_IOW(MMLENS_VBUF_IOC_MAGIC, 1, __u32)
#define MMLENS_VBUF_GET_MODE	_IOR(MMLENS_VBUF_IOC_MAGIC, 2, __u32)

#endif /* MMLENS_UAPI_H */
