/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the only place in mmlens that knows kernel versions: shims
 * over what differs between them (kernel code copied because it is not
 * exported is in kshim.h).
 *
 * Everything that differs between the kernels we build for (Debian 6.1 and
 * Debian 6.12, plus our 6.12 debug kernel) is wrapped here, so the rest of
 * the module reads as if there were one kernel.
 *
 * What a kernel has is decided by content, never by LINUX_VERSION_CODE:
 * module/kernel/features.sh compiles a few lines per probe against the
 * kernel's headers at build time (Kbuild) and writes mmlens_features.h,
 * one MMLENS_HAVE_* per probe, next to this file; this file alone maps
 * those to code. Kernel config (CONFIG_*) is read directly.
 */
#ifndef MMLENS_COMPAT_H
#define MMLENS_COMPAT_H

#include "kernel/mmlens_features.h"
#include "mmlens_vocab.h"

#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/pageblock-flags.h>
#include <linux/rcupdate.h>

/*
 * Number of buddy orders, i.e. the length of zone->free_area[]. 6.8 added
 * NR_PAGE_ORDERS; before 6.4 MAX_ORDER was that count. 6.4..6.7 redefined
 * MAX_ORDER as the largest order: refuse those rather than be off by one.
 */
#ifdef MMLENS_HAVE_NR_PAGE_ORDERS
#define MMLENS_NR_ORDERS NR_PAGE_ORDERS
#elif MAX_ORDER_NR_PAGES == (1 << (MAX_ORDER - 1))
#define MMLENS_NR_ORDERS MAX_ORDER
#else
#error "kernels 6.4..6.7 (inclusive MAX_ORDER) are not supported"
#endif



/*
 * The highatomic pages __zone_watermark_ok() withholds from a caller
 * without reserve rights: 6.1 withholds the whole reserve
 * (nr_reserved_highatomic), 6.12 only the reserve's free pages
 * (nr_free_highatomic, a field 6.1 lacks): features.sh probes struct zone
 * for the field.
 */
static inline unsigned long mmlens_zone_highatomic(const struct zone *zone)
{
#ifdef MMLENS_HAVE_NR_FREE_HIGHATOMIC
	return READ_ONCE(zone->nr_free_highatomic);
#else
	return READ_ONCE(zone->nr_reserved_highatomic);
#endif
}

/*
 * 6.3 made vma->vm_flags read-only and added vm_flags_set(), which also
 * write-locks the VMA for the per-VMA-lock page fault path; before it,
 * drivers set the bits directly (mmap_lock held for write in ->mmap).
 * features.sh probes <linux/mm.h> for the static inline itself.
 */
static inline void mmlens_vm_flags_set(struct vm_area_struct *vma,
				       vm_flags_t flags)
{
#ifdef MMLENS_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * mmlens_kunit.ko reaches the pure logic (index math, entry decoding,
 * parsers) through EXPORT_SYMBOL_IF_KUNIT: an export into the
 * EXPORTED_FOR_KUNIT_TESTING namespace when the kernel has CONFIG_KUNIT
 * (our debug kernel), nothing otherwise (the Debian kernels). Both Debian
 * 6.1 and 6.12 ship <kunit/visibility.h>.
 */
#include <kunit/visibility.h>

/*
 * The namespace mmlens_kunit.ko imports, as MODULE_IMPORT_NS() takes it:
 * up to 6.12 a bare token it stringifies, from 6.13 a string literal.
 * __stringify() expands its argument first, so the macro name works in
 * both spellings: MODULE_IMPORT_NS(MMLENS_KUNIT_NS).
 */
#ifdef MMLENS_HAVE_IMPORT_NS_STRINGIFY
#define MMLENS_KUNIT_NS EXPORTED_FOR_KUNIT_TESTING
#else
#define MMLENS_KUNIT_NS "EXPORTED_FOR_KUNIT_TESTING"
#endif

/* ---- NUMA memory policies and page nodes (numa report, walk.c) ---- */

#include <linux/mempolicy.h>
#include <linux/sched/task.h>


/*
 * MPOL_WEIGHTED_INTERLEAVE (6.9) is an enumerator, the one after
 * MPOL_PREFERRED_MANY; there is no macro to probe. A kernel without it
 * never has a policy of that mode (mbind and set_mempolicy refuse it), so
 * its number is named on every kernel.
 */
#define MMLENS_MPOL_WEIGHTED_INTERLEAVE (MPOL_PREFERRED_MANY + 1)

/*
 * vm_normal_page_pmd() refuses pmd_special() leaves first on 6.12 (huge
 * pfnmaps, with CONFIG_ARCH_SUPPORTS_PMD_PFNMAP); 6.1 has no special pmds.
 */
static inline bool mmlens_pmd_special(u64 raw)
{
#ifdef CONFIG_ARCH_SUPPORTS_PMD_PFNMAP
	return raw & _PAGE_SPECIAL;
#else
	return false;
#endif
}

/*
 * _PAGE_SAVED_DIRTY (6.6, x86 shadow stacks): the software bit that holds
 * a read-only PTE's dirtiness in place of _PAGE_DIRTY. entry.c names it
 * when MMLENS_PAGE_SAVED_DIRTY is defined.
 */
#ifdef MMLENS_HAVE_PAGE_SAVED_DIRTY
#define MMLENS_PAGE_SAVED_DIRTY _PAGE_SAVED_DIRTY
#endif

/* ---- VMA names, as /proc/PID/maps gives them (walk.c vma_name()) ---- */

#include <linux/fs.h>

/*
 * The path maps prints for a mapped file: 6.8 made a backing file
 * (overlayfs, fuse passthrough) hold the real path in f_path and the
 * user's in backing_file_user_path(), which maps shows through
 * file_user_path(); before, f_path was the user's path already
 * (open_with_fake_path()).
 */
static inline const struct path *mmlens_file_user_path(struct file *file)
{
#ifdef MMLENS_HAVE_FILE_USER_PATH
	return file_user_path(file);
#else
	return &file->f_path;
#endif
}

/*
 * maps' [heap]: 6.1 (show_map_vma()) takes a VMA that touches
 * [start_brk, brk] at either end, 6.4+ (vma_is_initial_heap()) only one
 * that overlaps it. [stack] is the same rule on both (is_stack(),
 * vma_is_initial_stack()).
 */
static inline bool mmlens_vma_is_heap(const struct vm_area_struct *vma)
{
#ifdef MMLENS_HAVE_VMA_IS_INITIAL_HEAP
	return vma_is_initial_heap(vma);
#else
	return vma->vm_start <= vma->vm_mm->brk &&
	       vma->vm_end >= vma->vm_mm->start_brk;
#endif
}



#endif /* MMLENS_COMPAT_H */
