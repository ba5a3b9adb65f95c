/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * mmlens_uapi.h - what user space may rely on about /dev/mmlens and its
 * debugfs files, and the binary interface of the pagetable files.
 * Included by the module, the tool and the test programs, so they
 * cannot disagree about names, limits, ioctls, records or the initial
 * page contents.
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

/*
 * The pagetable files' binary interface (docs/walk.md, "Binary runs"),
 * in the manner of PAGEMAP_SCAN: on an open pagetable file (either
 * home), MMLENS_PT_RUNS fills @vec with the runs of [@start, @end) of the
 * fd's target, one record each: the runs the text report prints,
 * clipped to the range. It returns how many it wrote and sets
 * @walk_end to the address where it stopped: @end once the range is
 * done, else the start of the first run that did not fit (call again
 * from there).
 *
 * @size is sizeof(struct mmlens_pt_runs) as the caller knows it: a
 * smaller one (an older caller) reads the missing fields as 0, a larger
 * one must have zeros past what the module knows (E2BIG otherwise), as
 * copy_struct_from_user() does. @rec_size must be
 * sizeof(struct mmlens_pt_run) of this version.
 */
struct mmlens_pt_run {
	__u64 start;		/* first address of the run */
	__u64 end;		/* address after its last */
	__u64 entries;		/* entries of @level in it */
	/*
	 * first frame (present, migration, device-*, hwpoison), first swap
	 * offset (swap), the raw entry (other), 0 (marker)
	 */
	__u64 value;
	__u64 flags;		/* 1 << enum mmlens_flag_bit; present only */
	__u8 level;		/* enum mmlens_level */
	__u8 kind;		/* enum mmlens_kind */
	__u8 swap_type;		/* swap: the swap area's index */
	__u8 marker;		/* marker: enum mmlens_marker */
	__u32 reserved;		/* 0 */
};

struct mmlens_pt_runs {
	__u64 size;		/* in: sizeof(struct mmlens_pt_runs) */
	__u64 flags;		/* in: 0, no flag is defined */
	__u64 start;		/* in: first address, page-aligned */
	__u64 end;		/* in: after the last, page-aligned, > @start */
	__u64 vec;		/* in: user address of the records */
	__u64 vec_len;		/* in: records there, 1 .. MMLENS_PT_RUNS_MAX */
	__u64 rec_size;		/* in: sizeof(struct mmlens_pt_run) */
	__u64 walk_end;		/* out: where the walk stopped */
};

#define MMLENS_PT_RUNS_MAX	(1UL << 24)
#define MMLENS_PT_RUNS		_IOWR(MMLENS_VBUF_IOC_MAGIC, 0x10, \
				      struct mmlens_pt_runs)

#endif /* MMLENS_UAPI_H */
