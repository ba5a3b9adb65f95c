// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c - walk the real page tables of a user mm. The only code in mmlens
 * that dereferences a page-table pointer: vmas, pagetable and vtop are
 * all visitors of mmlens_walk() (contract in walk.h).
 *
 * walk_page_range() is not exported to modules, pte_offset_map() cannot be
 * used from modules on 6.12 (__pte_offset_map is not exported), and
 * pmd_none_or_clear_bad() calls the unexported pmd_clear_bad(), so this is
 * our own walker. It only reads: it never clears, splits or allocates.
 *
 * Locking, level by level, and why it is safe on 6.1 and on 6.12:
 *
 * - mmap_lock is held for read (taken killable) for the walk, except
 *   where we drop it on purpose (below). We walk only inside VMAs found
 *   under that lock. Page tables *outside* VMAs can be freed while the lock
 *   is only read-held (munmap detaches the VMAs under the write lock, then
 *   may downgrade to read before free_pgtables()), but free_pgtables()
 *   never frees a table that still translates part of a live VMA, so every
 *   pgd/p4d/pud/pmd table we reach through a VMA's range stays allocated.
 *   An address outside every VMA is never walked (vtop answers
 *   "not-mapped" for it).
 *
 * - Shared hugetlb pmd tables are the exception among upper tables. A
 *   MAP_SHARED hugetlbfs VMA covering an aligned 1 GiB shares its pmd table
 *   with other processes mapping the same file range. huge_pmd_unshare()
 *   clears our target's pud without the target's mmap_lock (a hole punch,
 *   truncate or unmap by *another* process), under the file's
 *   i_mmap_rwsem held for write (it asserts that, on 6.1 and 6.12), and
 *   the last sharer then frees the table at once: not RCU-deferred on
 *   x86. So for such VMAs each step also holds i_mmap_rwsem for read,
 *   taken outside RCU (it sleeps), as the kernel's own hugetlb walkers
 *   hold the mapping's locks. Lock order mmap_lock -> i_mmap_rwsem, as
 *   everywhere in mm.
 *
 * - The entries in the tables are not stable: a fault populates a none
 *   entry, a THP split turns a huge pmd into a table, zap turns a huge
 *   pmd into none, khugepaged's collapse turns a table into a huge pmd,
 *   MGLRU aging clears Accessed bits in pmd entries, all under the read
 *   lock or no mmap_lock at all. So each entry is read exactly once
 *   (READ_ONCE: every x86-64 entry is one 64-bit word) and decisions are
 *   made on that value, never on a second read.
 *
 * - A pmd being split: __split_huge_pmd_locked() first invalidates the
 *   pmd (pmdp_invalidate: present and protnone bits cleared, PSE kept),
 *   then installs the new pte table, all under the pmd lock. pagemap
 *   waits for that lock (pmd_trans_huge_lock); we read locklessly, so we
 *   recognise the invalid pmd and read the step again until the split is
 *   done, instead of reporting a huge leaf that no longer exists.
 *
 * - PTE tables. On 6.1 they are only freed under the mmap write lock
 *   (munmap, and khugepaged's collapse/retract, which trylocks it). On 6.12
 *   khugepaged's retract_page_tables() and collapse_pte_mapped_thp() remove
 *   the pte table of a file/shmem THP range *without* mmap_lock, clearing
 *   the pmd under the pmd lock and freeing the table after an RCU grace
 *   period (pte_free_defer()). So we read the pmd and then the pte table
 *   inside rcu_read_lock(), the protocol of __pte_offset_map(): the table
 *   cannot be freed while we copy it. After copying we read the pmd again;
 *   if it no longer points to the same table (collapse, split or retract
 *   raced with us), the copy is thrown away and the step read again. Only
 *   the table's frame is compared: the Accessed bit of the pmd flips under
 *   MGLRU aging without changing what the copy means. On 6.1 the RCU
 *   section is merely unneeded, not wrong.
 *
 * - We take no page-table spinlock: every entry is copied atomically and
 *   the report is a snapshot in which each entry was true at some instant
 *   during the walk, exactly like the lockless GUP-fast reads. Entries are
 *   copied into a private buffer and handed to the visitor only after
 *   rcu_read_unlock(), so visitors may sleep.
 *
 * - Long walks: before every step (one pmd's worth of address space) the
 *   walk checks for fatal signals, drops mmap_lock if a writer waits, the
 *   CPU is wanted or the visitor needs to work unlocked (grow its buffer),
 *   then retakes it (killable) and looks the VMA up again at the address
 *   where it stopped. Nothing read of the VMA before the drop is trusted
 *   after it: the VMA found there is compared with the one entered
 *   (start, end, flags, file, offset), and one that changed ends the
 *   visitor's line at that address and is entered anew
 *   (walk_find_vma(), walk.h). Between drops the VMA tree is iterated,
 *   not searched per VMA: the iterator and the VMA after the current one it returned are
 *   pointers into the tree, used only while the lock has been held since
 *   they were read (the tree and the VMAs' bounds change only under the
 *   write lock, on 6.1 as on 6.12, whose per-VMA locks serve page faults,
 *   not tree changes), and set again from the address after every drop.
 *   A report read in chunks pauses the walk the same way between two
 *   read() calls (mmlens_walk_run()): the lock is dropped before a step,
 *   retaken at the next read, and the VMA there looked up again and
 *   compared as after any drop; the walker keeps no pointer into the
 *   tree across it, and the caller no lock and no mm_users reference.
 *   A step read again after a race goes through the same check, so a
 *   step that keeps changing neither spins with the lock held nor fails
 *   the read. Empty upper levels are skipped whole, so cost follows the
 *   populated tables, not the size of the address space.
 *
 * - A VMA's memory policy (for the numa report) is read when the walk
 *   enters the VMA, under the same mmap_lock: vma->vm_policy is replaced
 *   only under the write lock (mbind). A shmem or SysV shm VMA's policy
 *   lives in the file's shared-policy tree, which another process mapping
 *   the file changes without our target's mmap_lock: vm_ops->get_policy()
 *   looks it up under the tree's own rwlock (a spinning one, held only
 *   for the lookup) and returns it with a reference, which we drop once
 *   the policy is copied.
 *
 * - PREEMPT_RT (Debian's 6.12 rt flavour, and debug6.12-rt): there
 *   rcu_read_lock() no longer disables preemption, so a step's RCU
 *   section can be preempted; a preempted reader still holds off the
 *   grace period pte_free_defer() waits for, so the copied table stays
 *   allocated as on any other kernel. Nothing inside the section takes a
 *   lock or may sleep (it is READ_ONCE copies), so spinlock_t turning
 *   into a sleeping lock changes nothing here. mmap_lock and i_mmap_rwsem
 *   sleep on every kernel and are taken outside RCU; the shared-policy
 *   tree's rwlock_t, a sleeping lock on RT, is taken by get_policy()
 *   under mmap_lock only, never inside RCU or with preemption off. The
 *   walk tests run on the rt flavour and, under lockdep with
 *   DEBUG_ATOMIC_SLEEP and PROVE_RAW_LOCK_NESTING, on debug6.12-rt.
 *
 * We hold a reference on the mm (mm_users, taken by the caller with
 * get_task_mm()), never on the task.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "kernel/kshim.h"
#include "kernel/memmap.h"
#include "pt/walk.h"

/* What one step read, handed to the visitor after the RCU section. */
struct walk_step {
	pte_t *ptes;			/* PTRS_PER_PTE entries */
	unsigned int nptes;
	struct mmlens_leaf huge;
	bool have_huge;
	bool hole;			/* a none upper entry of hole_level */
	enum mmlens_level hole_level;
	struct {
		enum mmlens_level level;
		u64 raw;
	} upper[MMLENS_NR_LEVELS];
	unsigned int nupper;
	struct {
		enum mmlens_level level;
		unsigned long start, end;
	} tables[MMLENS_NR_LEVELS];
	unsigned int ntables;
};

struct mmlens_walker {
	struct mm_struct *mm;
	const struct mmlens_walk_ops *ops;
	void *priv;
	unsigned long addr, end;	/* where the walk goes on, its end */
	bool done;			/* the walk reached @end */
	bool locked;			/* we hold mmap_lock for read */
	/*
	 * The VMA tree is iterated once: vmi stands on next_vma, the VMA
	 * after the current one. Both are valid only while mmap_lock has
	 * been held since they were set (vmi_valid); a drop clears it.
	 */
	struct vma_iterator vmi;
	struct vm_area_struct *next_vma;
	bool vmi_valid;
	bool anonymous;			/* the current VMA is anonymous */
	/* the current VMA's file mapping when its pmd tables may be shared */
	struct address_space *shared_hugetlb;
	/*
	 * The current VMA's own span, [end of the VMA before, start of the
	 * VMA after): only tables inside it are reported (walk.h).
	 */
	unsigned long own_start, own_end;
	/* last table start (+ 1) reported per level, once per VMA */
	unsigned long last_table[MMLENS_NR_LEVELS];
	struct walk_step step;
	/*
	 * The visitor's line: entered (vma_enter) and not yet left, with
	 * what the VMA was when it was entered. cur holds the VMA itself,
	 * unclipped, to recognise it after a lock drop; its file pointer
	 * is compared, never followed (the file may be gone by then).
	 */
	bool in_line;
	struct mmlens_vma_info vi;
	struct {
		unsigned long start, end, flags, pgoff;
		const struct file *file;
	} cur;
	unsigned long line_end;		/* end of the last line left, or 0 */
	unsigned long prev_end;		/* end of the last VMA walked to its end */
};

#ifdef CONFIG_DEBUG_VM
/*
 * Debug kernels only: drop and retake mmap_lock before every step, so
 * that a test can make every resume path run (t_race.sh, vmareplace).
 */
static bool debug_drop_lock;
module_param(debug_drop_lock, bool, 0644);
MODULE_PARM_DESC(debug_drop_lock,
		 "Debug kernels only: drop mmap_lock before every page-table walk step");
#else
#define debug_drop_lock false
#endif

/*
 * The huge zero page is not identifiable through exported symbols
 * (huge_zero_pfn/huge_zero_folio are private). In an anonymous VMA every
 * present PMD leaf maps either an anonymous THP (PageAnon) or the huge zero
 * page, which has no mapping. A pmd leaf's frame is its folio's head, so
 * the head's mapping word is what PageAnon() tests. It is read after the
 * entry, without the pmd lock, so the THP may have been freed, or its
 * memory hot-removed with its memmap, meanwhile: the word is read
 * through memmap.h's fault-safe load, and a leaf that changes under us is
 * reported as it was read.
 */
static bool pmd_maps_huge_zero(bool anonymous, pmd_t pmd)
{
	unsigned long pfn = pmd_pfn(pmd), mapping;

	if (!anonymous || !pmd_present(pmd) || !pfn_valid(pfn) ||
	    !mmlens_memmap_mapping(pfn, &mapping))
		return false;
	return !(mapping & PAGE_MAPPING_ANON);
}

/*
 * The state pmdp_invalidate() leaves during a THP split: PSE still set,
 * present and protnone cleared. x86's pmd_present() is true for it on
 * purpose (the kernel's own walkers then wait on the pmd lock).
 */
static bool pmd_is_splitting(pmd_t pmd)
{
	return (pmd_flags(pmd) & (_PAGE_PSE | _PAGE_PRESENT | _PAGE_PROTNONE)) ==
	       _PAGE_PSE;
}

/* @now still points to the pte table that @then pointed to. */
static bool pmd_same_table(pmd_t now, pmd_t then)
{
	return pmd_present(now) && !pmd_leaf(now) &&
	       pmd_pfn(now) == pmd_pfn(then);
}

static void step_upper(struct walk_step *st, enum mmlens_level level, u64 raw)
{
	st->upper[st->nupper].level = level;
	st->upper[st->nupper].raw = raw;
	st->nupper++;
}

static void step_table(struct walk_step *st, enum mmlens_level level,
		       unsigned long addr, unsigned long span)
{
	st->tables[st->ntables].level = level;
	st->tables[st->ntables].start = addr & ~(span - 1);
	st->tables[st->ntables].end = (addr & ~(span - 1)) + span;
	st->ntables++;
}

static int step_hole(struct walk_step *st, enum mmlens_level level)
{
	st->hole = true;
	st->hole_level = level;
	return 0;
}

static void step_huge(struct walk_step *st, enum mmlens_level level,
		      unsigned long addr, u64 raw, bool zero)
{
	st->huge.addr = addr;
	st->huge.level = level;
	st->huge.raw = raw;
	st->huge.zero = zero;
	st->have_huge = true;
}

/*
 * A none entry covers [addr, next): stretch next over the none entries
 * that follow it in the same table, up to @limit (the end of the table's
 * span, or of the walk), so that a sparse range (a 1 TiB reservation with
 * a few pages) costs one step per run of none entries, not one per entry.
 * Each entry is read once, like every other, in the same RCU section.
 */
static unsigned long skip_none_puds(pud_t *pudp, unsigned long next,
				    unsigned long limit)
{
	while (next < limit && pud_none(READ_ONCE(*++pudp)))
		next = pud_addr_end(next, limit);
	return next;
}

static unsigned long skip_none_pmds(pmd_t *pmdp, unsigned long next,
				    unsigned long limit)
{
	while (next < limit && pmd_none(READ_ONCE(*++pmdp)))
		next = pmd_addr_end(next, limit);
	return next;
}

/*
 * Reads one pmd's worth of [addr, end) under RCU (or a run of none
 * entries); sets *next to where the next step starts. Returns -EAGAIN when the step must be read again: a
 * pmd being split, or a pte table that was replaced while we copied it.
 */
static int walk_step_read(struct mmlens_walker *w, unsigned long addr,
			  unsigned long end, unsigned long *next)
{
	struct walk_step *st = &w->step;
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep;
	unsigned int i;

	st->nptes = 0;
	st->have_huge = false;
	st->hole = false;
	st->nupper = 0;
	st->ntables = 0;

	pgdp = pgd_offset(w->mm, addr);
	pgd = READ_ONCE(*pgdp);
	*next = pgd_addr_end(addr, end);
	/* pgd_none() and pgd_bad() are false for a folded p4d (4 levels) */
	if (pgd_none(pgd) || unlikely(pgd_bad(pgd)))
		return step_hole(st, MMLENS_PGD);
	step_upper(st, MMLENS_PGD, pgd_val(pgd));
	if (pgtable_l5_enabled())
		step_table(st, MMLENS_P4D, addr, PGDIR_SIZE);

	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	*next = p4d_addr_end(addr, end);
	if (p4d_none(p4d) || unlikely(p4d_bad(p4d)))
		return step_hole(st, MMLENS_P4D);
	if (pgtable_l5_enabled())
		step_upper(st, MMLENS_P4D, p4d_val(p4d));
	step_table(st, MMLENS_PUD, addr, P4D_SIZE);

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	*next = pud_addr_end(addr, end);
	if (pud_none(pud)) {
		*next = skip_none_puds(pudp, *next, p4d_addr_end(addr, end));
		return step_hole(st, MMLENS_PUD);
	}
	/*
	 * 6.1's pud_leaf() wants PSE and present, 6.12's PSE alone; a
	 * PROT_NONE 1 GiB hugetlb leaf has PSE and protnone, not present,
	 * and a hugetlb migration entry neither: all of them are leaves.
	 */
	if (pud_leaf(pud) || !pud_present(pud)) {
		step_huge(st, MMLENS_PUD, addr & PUD_MASK, pud_val(pud), false);
		return 0;
	}
	if (unlikely(pud_bad(pud)))
		return step_hole(st, MMLENS_PUD);
	step_upper(st, MMLENS_PUD, pud_val(pud));
	step_table(st, MMLENS_PMD, addr, PUD_SIZE);

	pmdp = pmd_offset(pudp, addr);
	pmd = READ_ONCE(*pmdp);
	*next = pmd_addr_end(addr, end);
	if (pmd_none(pmd)) {
		*next = skip_none_pmds(pmdp, *next, pud_addr_end(addr, end));
		return step_hole(st, MMLENS_PMD);
	}
	if (pmd_is_splitting(pmd))
		return -EAGAIN;
	if (pmd_leaf(pmd) || !pmd_present(pmd)) {
		/* THP, hugetlb 2 MiB, or a PMD migration entry */
		step_huge(st, MMLENS_PMD, addr & PMD_MASK, pmd_val(pmd),
			  pmd_maps_huge_zero(w->anonymous, pmd));
		return 0;
	}
	if (unlikely(pmd_bad(pmd)))
		return step_hole(st, MMLENS_PMD);
	step_upper(st, MMLENS_PMD, pmd_val(pmd));
	step_table(st, MMLENS_PTE, addr, PMD_SIZE);

	/* pmd is a table: read it through the value we hold (see top). */
	ptep = (pte_t *)pmd_page_vaddr(pmd) + pte_index(addr);
	st->nptes = (*next - addr) >> PAGE_SHIFT;
	for (i = 0; i < st->nptes; i++)
		st->ptes[i] = ptep_get(ptep + i);
	if (!pmd_same_table(READ_ONCE(*pmdp), pmd))
		return -EAGAIN;
	return 0;
}

/* Hands the ptes of one table to the visitor: leaves, and none runs. */
static int walk_deliver_ptes(struct mmlens_walker *w, unsigned long addr)
{
	const struct mmlens_walk_ops *ops = w->ops;
	struct walk_step *st = &w->step;
	unsigned int i, hole_from = 0;
	bool in_hole = false;
	int ret = 0;

	for (i = 0; i < st->nptes && !ret; i++) {
		unsigned long a = addr + ((unsigned long)i << PAGE_SHIFT);
		pte_t pte = st->ptes[i];
		struct mmlens_leaf leaf;

		if (pte_none(pte)) {
			if (!in_hole)
				hole_from = i;
			in_hole = true;
			continue;
		}
		if (in_hole && ops->hole)
			ret = ops->hole(w->priv, MMLENS_PTE, addr +
					((unsigned long)hole_from << PAGE_SHIFT),
					a);
		in_hole = false;
		if (ret || !ops->leaf)
			continue;
		leaf.addr = a;
		leaf.level = MMLENS_PTE;
		leaf.raw = pte_val(pte);
		leaf.zero = pte_present(pte) && is_zero_pfn(pte_pfn(pte));
		ret = ops->leaf(w->priv, &leaf);
	}
	if (!ret && in_hole && ops->hole)
		ret = ops->hole(w->priv, MMLENS_PTE, addr +
				((unsigned long)hole_from << PAGE_SHIFT),
				addr + ((unsigned long)st->nptes << PAGE_SHIFT));
	return ret;
}

/* Hands what one step read to the visitor, in the order walk.h gives. */
static int walk_step_deliver(struct mmlens_walker *w, unsigned long addr,
			     unsigned long next)
{
	const struct mmlens_walk_ops *ops = w->ops;
	struct walk_step *st = &w->step;
	unsigned int i;
	int ret = 0;

	/*
	 * Tables shared with another VMA are filtered here, not by the
	 * visitor: a one-page VMA meets four or five tables at its one
	 * step, each of them a call through the ops (a retpoline on
	 * Debian's kernels) whose answer was nearly always "not mine".
	 */
	for (i = 0; i < st->ntables && !ret && ops->table; i++) {
		enum mmlens_level level = st->tables[i].level;

		if (st->tables[i].start < w->own_start ||
		    st->tables[i].end - 1 > w->own_end - 1)
			continue;
		if (w->last_table[level] == st->tables[i].start + 1)
			continue;
		w->last_table[level] = st->tables[i].start + 1;
		ret = ops->table(w->priv, level, st->tables[i].start,
				 st->tables[i].end);
	}
	for (i = 0; i < st->nupper && !ret && ops->upper; i++)
		ret = ops->upper(w->priv, st->upper[i].level, addr,
				 st->upper[i].raw);
	if (ret)
		return ret;
	if (st->hole)
		return ops->hole ? ops->hole(w->priv, st->hole_level, addr,
					     next) : 0;
	if (st->have_huge)
		return ops->leaf ? ops->leaf(w->priv, &st->huge) : 0;
	if (ops->ptes)
		return st->nptes ? ops->ptes(w->priv, addr, st->ptes,
					     st->nptes) : 0;
	return walk_deliver_ptes(w, addr);
}

static int walk_step(struct mmlens_walker *w, unsigned long addr,
		     unsigned long end, unsigned long *next)
{
	int ret;

	if (w->shared_hugetlb)
		i_mmap_lock_read(w->shared_hugetlb);
	rcu_read_lock();
	ret = walk_step_read(w, addr, end, next);
	rcu_read_unlock();
	if (!ret)
		ret = walk_step_deliver(w, addr, *next);
	if (w->shared_hugetlb)
		i_mmap_unlock_read(w->shared_hugetlb);
	return ret;
}

/*
 * The name /proc/PID/maps gives a VMA: fs/proc/task_mmu.c, 6.1
 * show_map_vma(), 6.12 get_vma_name(), in their order: a file (or, 6.2+,
 * a named shmem VMA), then vm_ops->name() unless it has none for this
 * VMA, then heap, stack, a name set by prctl. (arch_vma_name() and the
 * "[vdso]" of a VMA without an mm are nothing on x86 user VMAs.) Not
 * escaped; "?" when d_path() fails.
 */
static void vma_name(struct vm_area_struct *vma, char *buf, size_t size)
{
	const char *anon = mmlens_vma_anon_name(vma);
	const char *name = NULL;

	buf[0] = '\0';
	if (vma->vm_file && anon) {
		scnprintf(buf, size, "[anon_shmem:%s]", anon);
		return;
	}
	if (vma->vm_file) {
		char *p = d_path(mmlens_file_user_path(vma->vm_file), buf, size);

		if (IS_ERR(p))
			strscpy(buf, "?", size);
		else
			memmove(buf, p, strlen(p) + 1);
		return;
	}
	if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	if (name)
		strscpy(buf, name, size);
	else if (mmlens_vma_is_heap(vma))
		strscpy(buf, "[heap]", size);
	else if (mmlens_vma_is_stack(vma))
		strscpy(buf, "[stack]", size);
	else if (anon)
		scnprintf(buf, size, "[anon:%s]", anon);
}

/*
 * The VMA's own policy, at its first address, as numa_maps asks for it
 * (show_numa_map: __get_vma_policy(vma, vma->vm_start)); the walker
 * copies, the numa report formats.
 */
static void vma_copy_policy(struct vm_area_struct *vma,
			    struct mmlens_policy *p)
{
	p->set = mmlens_vma_policy(vma, vma->vm_start, &p->mode, &p->flags,
				   &p->nodes);
}

/*
 * The visitor's copy of @vma, whose line starts at @start: its first
 * address, or later when the line before ended inside it (the VMA
 * changed under a lock drop, walk_find_vma()); the file offset follows
 * the start, as a maps line of the VMA's tail would give it.
 */
static void vma_info(struct vm_area_struct *vma, unsigned long start,
		     const struct mmlens_walker *w, struct mmlens_vma_info *vi)
{
	vi->start = start;
	vi->end = vma->vm_end;
	vi->flags = vma->vm_flags;
	vi->pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	vi->anonymous = vma_is_anonymous(vma);
	vi->file = vma->vm_file;
	vi->prev_end = w->own_start;
	vi->next_start = w->own_end;
	vma_name(vma, vi->name, sizeof(vi->name));
	if (w->ops->want_policy)
		vma_copy_policy(vma, &vi->policy);
}

/*
 * Per-VMA state of the walker itself, set on every lookup of the VMA
 * (walk_vma_at() has just set next_vma): its own span ends where the
 * next VMA starts, which may have changed while the lock was dropped.
 */
static void walk_vma_found(struct mmlens_walker *w, struct vm_area_struct *vma)
{
	w->own_end = w->next_vma ? w->next_vma->vm_start : ~0UL;
	w->anonymous = vma_is_anonymous(vma);
	w->shared_hugetlb = NULL;
	if (is_vm_hugetlb_page(vma) && (vma->vm_flags & VM_MAYSHARE) &&
	    vma->vm_file)
		w->shared_hugetlb = vma->vm_file->f_mapping;
}

/*
 * Before a step: stop on a fatal signal; drop mmap_lock when a writer
 * waits, the CPU is wanted or the visitor needs to work unlocked, and
 * retake it. *dropped tells the caller to look the VMA up again. On
 * return w->locked says whether the lock is held.
 */
static int walk_yield(struct mmlens_walker *w, bool *dropped)
{
	const struct mmlens_walk_ops *ops = w->ops;
	bool unlocked = ops->want_unlocked && ops->want_unlocked(w->priv);
	int ret = 0;

	*dropped = false;
	if (fatal_signal_pending(current))
		return -EINTR;
	if (!unlocked && !mmap_lock_is_contended(w->mm) && !need_resched() &&
	    !debug_drop_lock)
		return 0;
	mmap_read_unlock(w->mm);
	w->locked = false;
	w->vmi_valid = false;
	*dropped = true;
	if (unlocked)
		ret = ops->unlocked(w->priv);
	cond_resched();
	if (ret)
		return ret;
	if (mmap_read_lock_killable(w->mm))
		return -EINTR;
	w->locked = true;
	return 0;
}

/*
 * The first VMA that ends after @addr, as find_vma() gives it, and the one
 * after it. A lookup from the root of the tree for every VMA, and another
 * for its successor, cost about what maps takes for a whole line; one
 * step of the iterator per VMA is what maps does. After mmap_lock was
 * dropped the tree may have changed under a stale iterator, so it is set
 * again at @addr.
 */
static struct vm_area_struct *walk_vma_at(struct mmlens_walker *w,
					  unsigned long addr)
{
	struct vm_area_struct *vma;

	if (w->vmi_valid) {
		/* @addr is the end of the VMA just left */
		vma = w->next_vma;
	} else {
		vma_iter_init(&w->vmi, w->mm, addr);
		vma = vma_next(&w->vmi);
		w->vmi_valid = true;
	}
	w->next_vma = vma ? vma_next(&w->vmi) : NULL;
	return vma;
}

/* @vma is still the VMA the open line was entered with. */
static bool vma_is_current(const struct mmlens_walker *w,
			   const struct vm_area_struct *vma)
{
	return vma->vm_start == w->cur.start && vma->vm_end == w->cur.end &&
	       vma->vm_flags == w->cur.flags && vma->vm_pgoff == w->cur.pgoff &&
	       vma->vm_file == w->cur.file;
}

/* Ends the visitor's open line at @addr if it reaches further. */
static int walk_leave(struct mmlens_walker *w, unsigned long addr)
{
	w->in_line = false;
	w->vi.end = min(w->vi.end, addr);
	w->line_end = w->vi.end;
	return w->ops->vma_leave ? w->ops->vma_leave(w->priv) : 0;
}

/* Opens the visitor's line for @vma, from @start (vma_info()). */
static int walk_enter(struct mmlens_walker *w, struct vm_area_struct *vma,
		      unsigned long start)
{
	w->in_line = true;
	w->cur.start = vma->vm_start;
	w->cur.end = vma->vm_end;
	w->cur.flags = vma->vm_flags;
	w->cur.pgoff = vma->vm_pgoff;
	w->cur.file = vma->vm_file;
	memset(w->last_table, 0, sizeof(w->last_table));
	/* a line that starts inside its VMA owns no table before it */
	w->own_start = start > vma->vm_start ? start : w->prev_end;
	vma_info(vma, start, w, &w->vi);
	return w->ops->vma_enter ? w->ops->vma_enter(w->priv, &w->vi) : 0;
}

/*
 * Finds the VMA at or after @addr, where the walk goes on, and keeps the
 * visitor's line true to it. Returns 0 with *vmap NULL when no VMA
 * starts before @end.
 *
 * Between VMAs this leaves the line of the one before and enters the
 * next. After mmap_lock was dropped inside a VMA, whatever was read of
 * it (bounds, flags, file, name, whether it is hugetlb) may be stale:
 * munmap and mmap may have put another VMA at the same start, mprotect
 * may have split it. So the VMA found at @addr is compared with the one
 * entered (start, end, flags, file and offset), as m_start() in
 * fs/proc/task_mmu.c looks the VMA up again at its last address rather
 * than trust the one it had. The same: the walk goes on in it. Another:
 * the line ends at @addr, where the walk stopped, so it holds nothing
 * read after the change, and the VMA is entered as it now is, its line
 * starting at @addr at the earliest. Lines stay sorted and disjoint.
 */
static int walk_find_vma(struct mmlens_walker *w, unsigned long *addr,
			 unsigned long end, struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma = walk_vma_at(w, *addr);
	int ret;

	*vmap = NULL;
	if (w->in_line && vma && vma_is_current(w, vma)) {
		/* a lock drop inside the VMA, which did not change */
		*vmap = vma;
		walk_vma_found(w, vma);
		return 0;
	}
	if (w->in_line) {
		ret = walk_leave(w, *addr);
		if (ret)
			return ret;
	}
	if (!vma || vma->vm_start >= end)
		return 0;
	*addr = max3(*addr, vma->vm_start, w->line_end);
	walk_vma_found(w, vma);
	*vmap = vma;
	return walk_enter(w, vma, max(vma->vm_start, w->line_end));
}

/**
 * mmlens_walk_alloc - a walk of [@start, @end) of @mm, not yet begun
 * @mm: a user mm; the caller holds a reference on it (mm_users) around
 *	every mmlens_walk_run(), not necessarily between them
 * @start: first address (rounded down to a page)
 * @end: address after the last (rounded up to a page)
 * @ops: the visitor (contract and return values in walk.h)
 * @priv: passed to every visitor callback
 *
 * Returns NULL when out of memory.
 */
struct mmlens_walker *mmlens_walk_alloc(struct mm_struct *mm,
					unsigned long start, unsigned long end,
					const struct mmlens_walk_ops *ops,
					void *priv)
{
	struct mmlens_walker *w = kzalloc(sizeof(*w), GFP_KERNEL_ACCOUNT);

	if (!w)
		return NULL;
	w->step.ptes = kmalloc_array(PTRS_PER_PTE, sizeof(pte_t),
				     GFP_KERNEL_ACCOUNT);
	if (!w->step.ptes) {
		kfree(w);
		return NULL;
	}
	w->mm = mm;
	w->ops = ops;
	w->priv = priv;
	w->addr = start & PAGE_MASK;
	w->end = PAGE_ALIGN(min(end, TASK_SIZE_MAX));
	return w;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_walk_alloc);

void mmlens_walk_free(struct mmlens_walker *w)
{
	if (!w)
		return;
	kfree(w->step.ptes);
	kfree(w);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_walk_free);

/**
 * mmlens_walk_run - walk on from where the walk stopped
 * @w: from mmlens_walk_alloc()
 *
 * Takes mmap_lock and walks until the end, an error, or a pause: the
 * visitor's @unlocked returned MMLENS_WALK_PAUSE, with the lock already
 * dropped before a step (walk_yield()). A pause is a lock drop that
 * lasts until the next call: the VMA at the address where the walk
 * stopped is looked up again and compared with the open line's, as
 * after any drop (walk_find_vma()), so a target that did not change
 * gives the visitor the calls one uninterrupted walk gives.
 *
 * Returns 0 once the walk is done (and again if called after that),
 * MMLENS_WALK_PAUSE, or an error (walk.h); after an error the walk
 * cannot go on.
 */
int mmlens_walk_run(struct mmlens_walker *w)
{
	struct vm_area_struct *vma = NULL;
	unsigned long next;
	bool dropped;
	int ret = 0;

	if (w->done)
		return 0;
	if (mmap_read_lock_killable(w->mm))
		return -EINTR;
	w->locked = true;
	/* the tree may have changed since the last run stopped */
	w->vmi_valid = false;

	while (w->addr < w->end) {
		ret = walk_yield(w, &dropped);
		if (ret)
			break;
		if (dropped)
			vma = NULL;
		if (!vma) {
			ret = walk_find_vma(w, &w->addr, w->end, &vma);
			if (ret || !vma)
				break;
		}
		ret = walk_step(w, w->addr, min(w->end, vma->vm_end), &next);
		if (ret == -EAGAIN) {
			/* read again, after the checks above */
			cpu_relax();
			ret = 0;
			continue;
		}
		if (ret)
			break;
		w->addr = next;
		if (w->addr >= vma->vm_end) {
			w->prev_end = vma->vm_end;
			vma = NULL;
		}
	}
	if (!ret && w->in_line)
		ret = walk_leave(w, ~0UL);
	if (w->locked)
		mmap_read_unlock(w->mm);
	w->locked = false;
	if (!ret)
		w->done = true;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_walk_run);

/**
 * mmlens_walk - walk [@start, @end) of @mm, VMA by VMA, in one call
 * @mm: a user mm the caller holds a reference on (mm_users)
 * @start: first address (rounded down to a page)
 * @end: address after the last (rounded up to a page)
 * @ops: the visitor (contract and return values in walk.h)
 * @priv: passed to every visitor callback
 *
 * Takes and releases mmap_lock itself.
 */
int mmlens_walk(struct mm_struct *mm, unsigned long start, unsigned long end,
		const struct mmlens_walk_ops *ops, void *priv)
{
	struct mmlens_walker *w = mmlens_walk_alloc(mm, start, end, ops, priv);
	int ret;

	if (!w)
		return -ENOMEM;
	ret = mmlens_walk_run(w);
	mmlens_walk_free(w);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_walk);
