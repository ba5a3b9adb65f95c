/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vbuf.h - what the two halves of /dev/mmlens share: the buffer (device.c
 * owns it: allocation, device, read/write, ioctl, debugfs) and the ways
 * of mapping it (map.c: the vm_operations of each mode).
 */
#ifndef MMLENS_VBUF_H
#define MMLENS_VBUF_H

#include <linux/atomic.h>
#include <linux/mm_types.h>

/*
 * Set before /dev/mmlens exists and constant until after it is gone (see
 * device.c), so mappings read mem, page and pages without a lock.
 */
struct mmlens_vbuf {
	void *mem;
	struct page **page;	/* vmalloc_to_page() of each page, at load */
	unsigned long pages;
	atomic_long_t faults;	/* faults satisfied by the module */
	atomic_long_t inserted;	/* pages the module mapped, cumulative */
	atomic_t mappings;	/* live VMAs of the device */
	atomic_t opens;		/* live struct files of the device */
};

extern struct mmlens_vbuf mmlens_vbuf;

/* Sets up @vma, already checked to lie inside the buffer, for @mode. */
int mmlens_vbuf_map(struct vm_area_struct *vma, unsigned int mode);

#endif /* MMLENS_VBUF_H */
