/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kshim.h - kernel code copied because it is not exported, in one place.
 *
 * Each entry names the function it follows, the lines of Debian's 6.1
 * and 6.12 sources it follows, and the export that would delete it. What
 * only differs between kernel versions is in compat.h, not here.
 */
#ifndef MMLENS_KSHIM_H
#define MMLENS_KSHIM_H

#include "kernel/compat.h"

#include <linux/fs.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/page-flags.h>
#include <linux/pageblock-flags.h>
#include <linux/rcupdate.h>
#include <linux/sched/task.h>

/* ---- pageblocks: their migratetype and its name ---- */

/*
 * migratetype_names[] is not exported to modules. The enum itself is in
 * the headers, so name each value by its enumerator: this follows the
 * kernel's own ordering and its CONFIG_CMA / CONFIG_MEMORY_ISOLATION holes.
 *
 * Copy of: migratetype_names[] (mm/page_alloc.c, 6.1 lines 405-416,
 * 6.12 lines 287-298), names from mmlens_vocab.h. Deleted by: an export
 * of migratetype_names.
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
 *
 * Copy of: get_pfnblock_flags_mask() (mm/page_alloc.c, 6.1 lines 561-580
 * __get_pfnblock_flags_mask() and 583-594, 6.12 lines 387-405), reading
 * the migratetype bits only. Deleted by: an export of
 * get_pfnblock_flags_mask().
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
 * PageBuddy() of a page_type word read with memmap.h's fault-safe load
 * (the kernel's test takes a struct page, which we do not dereference).
 *
 * Copy of: PageBuddy() (include/linux/page-flags.h): 6.1 PageType()
 * with PG_buddy, a bit cleared under PAGE_TYPE_BASE (lines 943-952);
 * 6.12 PAGE_TYPE_OPS(Buddy, buddy, buddy), the top byte equal to
 * PGTY_buddy (lines 942 and 991-995; PAGE_TYPE_BASE is gone there).
 * Deleted by: a test of a page_type value the kernel exports
 * (page_type_has_type() is one, for "any type", in 6.12).
 */
static inline bool mmlens_type_is_buddy(unsigned int page_type)
{
#ifdef PAGE_TYPE_BASE
	return (page_type & (PAGE_TYPE_BASE | PG_buddy)) == PAGE_TYPE_BASE;
#else
	return (page_type >> 24) == PGTY_buddy;
#endif
}

/* ---- NUMA memory policies (the numa report) ---- */

/*
 * struct mempolicy exists only with CONFIG_NUMA; the reports copy what
 * mpol_to_str() prints from it: mode, flags, nodes.
 *
 * Copy of: the fields mpol_to_str() (mm/mempolicy.c) reads. Deleted by:
 * nothing; it is a copy of data, not of code.
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
 *
 * Copy of: __get_vma_policy() (mm/mempolicy.c, 6.1 lines 1750-1773,
 * 6.12 lines 1798-1804) and, for the last shared reference, __mpol_put()
 * (6.1 lines 308-313, 6.12 lines 344-349). Deleted by: an export of
 * __get_vma_policy() and __mpol_put() (or of get_vma_policy()).
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
 *
 * Copy of: hold_task_mempolicy() (fs/proc/task_mmu.c, 6.1 lines 104-112,
 * 6.12 lines 108-116). Deleted by: nothing exported does this; numa_maps
 * is the only user.
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

/* ---- VMA names, as /proc/PID/maps gives them (walk.c vma_name()) ---- */

/*
 * maps' [stack]: the VMA that holds mm->start_stack.
 *
 * Copy of: is_stack() (fs/proc/task_mmu.c, 6.1 line 243) and
 * vma_is_initial_stack() (include/linux/mm.h, 6.12 line 943: a static
 * inline there, which a probe could use; the rule is the same). Deleted
 * by: a probe for vma_is_initial_stack() once 6.1 is no longer built for.
 */
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
 *
 * Copy of: anon_vma_name() (mm/madvise.c, 6.1 lines 94-102, 6.12 lines
 * 94-99). Deleted by: an export of anon_vma_name().
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

#endif /* MMLENS_KSHIM_H */
