/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the only place in mmlens that knows kernel versions.
 *
 * Everything that differs between the kernels we build for (Debian 6.1 and
 * Debian 6.12, plus our 6.12 debug kernel) is wrapped here, so the rest of
 * the module reads as if there were one kernel.
 *
 * What a kernel has is decided by content, never by LINUX_VERSION_CODE:
 * module/kernel/features.sh greps the kernel's headers at build time
 * (Kbuild) and writes mmlens_features.h, one MMLENS_HAVE_* per probe,
 * next to this file; this file alone maps those to code. Kernel config (CONFIG_*) is
 * read directly.
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
 * migratetype_names[] is not exported to modules. The enum itself is in
 * the headers, so name each value by its enumerator: this follows the
 * kernel's own ordering and its CONFIG_CMA / CONFIG_MEMORY_ISOLATION holes.
 */
static inline const char *mmlens_migratetype_name(unsigned int mt)
{
	switch (mt) {
	case MIGRATE_UNMOVABLE:
		return MMLENS_MT_UNMOVABLE;
	case MIGRATE_MOVABLE:
		return MMLENS_MT_MOVABLE;
	case MIGRATE_RECLAIMABLE:
		return MMLENS_MT_RECLAIMABLE;
	case MIGRATE_HIGHATOMIC:
		return MMLENS_MT_HIGHATOMIC;
#ifdef CONFIG_CMA
	case MIGRATE_CMA:
		return MMLENS_MT_CMA;
#endif
#ifdef CONFIG_MEMORY_ISOLATION
	case MIGRATE_ISOLATE:
		return MMLENS_MT_ISOLATE;
#endif
	default:
		return "?";
	}
}

/*
 * get_pageblock_migratetype() ends in get_pfnblock_flags_mask(), which is
 * not exported. With SPARSEMEM (every x86-64 config) the pageblock bits
 * live in the section's usage map, reachable through the exported
 * mem_section: this mirrors mm/page_alloc.c get_pfnblock_flags_mask(),
 * identical in 6.1 and 6.12. The read races with set_pfnblock_flags_mask()
 * exactly as the kernel's own does (READ_ONCE of one word).
 *
 * Memory hot-remove: section_deactivate() clears ms->usage and frees it
 * with kfree_rcu() (both Debian kernels have that fix), so the pointer is
 * read once, inside an RCU read section, and the map is read through that
 * one copy; a section removed meanwhile reads as MIGRATE_TYPES (no type).
 * The root arrays of mem_section are never freed.
 */
#ifndef CONFIG_SPARSEMEM
#error "mmlens reads pageblock flags through mem_section: needs CONFIG_SPARSEMEM"
#endif
static inline unsigned int mmlens_pageblock_migratetype(unsigned long pfn)
{
	struct mem_section *ms = __pfn_to_section(pfn);
	struct mem_section_usage *usage;
	unsigned int mt = MIGRATE_TYPES;
	unsigned long bitidx, word;

	if (!ms)
		return MIGRATE_TYPES;
	bitidx = ((pfn & (PAGES_PER_SECTION - 1)) >> pageblock_order) *
		 NR_PAGEBLOCK_BITS;
	rcu_read_lock();
	usage = READ_ONCE(ms->usage);
	if (usage) {
		word = READ_ONCE(usage->pageblock_flags[bitidx / BITS_PER_LONG]);
		mt = (word >> (bitidx % BITS_PER_LONG)) & MIGRATETYPE_MASK;
	}
	rcu_read_unlock();
	return mt;
}

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
 * struct mempolicy exists only with CONFIG_NUMA; the reports copy what
 * mpol_to_str() prints from it: mode, flags, nodes.
 */
#ifdef CONFIG_NUMA
static inline void mmlens_mpol_copy(const struct mempolicy *pol,
				    unsigned short *mode,
				    unsigned short *flags, nodemask_t *nodes)
{
	*mode = pol->mode;
	*flags = pol->flags;
	*nodes = pol->nodes;
}
#endif

/*
 * A VMA's own memory policy, as __get_vma_policy() finds it for
 * /proc/PID/numa_maps (that function is not exported): vm_ops->get_policy
 * when the VMA has one (shmem, SysV shm: the file's shared policy at
 * @addr), else vma->vm_policy. 6.7 added the interleave-index argument to
 * get_policy (features.sh probes its declaration). Called with mmap_lock
 * held (read), which keeps vm_policy alive: mbind replaces it under the
 * write lock. A policy with MPOL_F_SHARED comes with a reference of its
 * own, dropped here once copied; mpol_cond_put() cannot be used,
 * __mpol_put() is not exported:
 * when ours is the last reference (the shared range was replaced meanwhile
 * by another process mapping the file: the tree lives in the inode, not
 * under our mmap_lock) the policy is freed with kfree(), which with SLUB,
 * the only allocator of Debian's 6.1 and of 6.12, returns an object to
 * its own cache (6.12 documents kfree() for kmem_cache_alloc() objects).
 * Returns false when the VMA has no policy of its own.
 */
#if defined(CONFIG_NUMA) && !defined(CONFIG_SLUB)
#error "mmlens_vma_policy() frees a last shared-policy reference with kfree(): needs SLUB"
#endif
static inline bool mmlens_vma_policy(struct vm_area_struct *vma,
				     unsigned long addr, unsigned short *mode,
				     unsigned short *flags, nodemask_t *nodes)
{
#ifdef CONFIG_NUMA
	struct mempolicy *pol;

	if (vma->vm_ops && vma->vm_ops->get_policy) {
#ifdef MMLENS_HAVE_GET_POLICY_ILX
		pgoff_t ilx;

		pol = vma->vm_ops->get_policy(vma, addr, &ilx);
#else
		pol = vma->vm_ops->get_policy(vma, addr);
#endif
	} else {
		pol = vma->vm_policy;
	}
	if (!pol)
		return false;
	mmlens_mpol_copy(pol, mode, flags, nodes);
	if ((pol->flags & MPOL_F_SHARED) && atomic_dec_and_test(&pol->refcnt))
		kfree(pol);
	return true;
#else
	return false;
#endif
}

/*
 * The policy of a task, as numa_maps prints it for VMAs without one of
 * their own: task->mempolicy, read under task_lock() as
 * hold_task_mempolicy() does (set_mempolicy replaces it under that lock).
 * None (false) is what get_task_policy() then returns, the default or a
 * per-node preferred_node_policy, both of which mpol_to_str() prints as
 * "default".
 */
static inline bool mmlens_task_policy(struct task_struct *task,
				      unsigned short *mode,
				      unsigned short *flags, nodemask_t *nodes)
{
	bool set = false;

#ifdef CONFIG_NUMA
	task_lock(task);
	if (task->mempolicy) {
		mmlens_mpol_copy(task->mempolicy, mode, flags, nodes);
		set = true;
	}
	task_unlock(task);
#endif
	return set;
}

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

static inline bool mmlens_vma_is_stack(const struct vm_area_struct *vma)
{
	return vma->vm_start <= vma->vm_mm->start_stack &&
	       vma->vm_end >= vma->vm_mm->start_stack;
}

/*
 * The name prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME) gave the VMA, or NULL
 * (CONFIG_ANON_VMA_NAME; Debian's kernels lack it, the debug kernels
 * have it). anon_vma_name() is not exported; it reads vma->anon_name
 * under mmap_lock, which the walker holds. Up to 6.1 the field shares a
 * union with the file's interval-tree node (shared.rb) and means
 * something only without a file, where anon_vma_name() looks; 6.2 gave
 * it a field of its own, and shmem VMAs may be named too
 * ([anon_shmem:NAME]). The offsets tell the two layouts apart.
 */
static inline const char *mmlens_vma_anon_name(struct vm_area_struct *vma)
{
#ifdef CONFIG_ANON_VMA_NAME
	bool in_union = offsetof(struct vm_area_struct, anon_name) ==
			offsetof(struct vm_area_struct, shared);

	if (in_union && vma->vm_file)
		return NULL;
	return vma->anon_name ? vma->anon_name->name : NULL;
#else
	return NULL;
#endif
}

#endif /* MMLENS_COMPAT_H */
