// SPDX-License-Identifier: GPL-2.0
/*
 * walk.c - walk the real page tables of a user mm.
 *
 * walk_page_range() is not exported to modules, pte_offset_map() cannot be
 * used from modules on 6.12 (__pte_offset_map is not exported), and
 * pmd_none_or_clear_bad() calls the unexported pmd_clear_bad(), so this is
 * our own walker. It only reads: it never clears, splits or allocates.
 *
 * Locking, and why it is safe on 6.1 and on 6.12:
 *
 * - mmap_lock is held for read (taken killable) for the whole walk, except
 *   where we drop it on purpose (below). We walk only inside VMAs found
 *   under that lock. Page tables *outside* VMAs can be freed while the lock
 *   is only read-held (munmap detaches the VMAs under the write lock, then
 *   may downgrade to read before free_pgtables()), but free_pgtables()
 *   never frees a table that still translates part of a live VMA, so every
 *   table we reach through a VMA's range stays allocated.
 *
 * - PGD, P4D, PUD and PMD tables inside a VMA are therefore stable. The
 *   entries in them are not: a fault can populate a none entry, a THP split
 *   turns a huge PMD into a table, zap turns a huge PMD into none, and all
 *   of that happens under the read lock. So each entry is read exactly
 *   once (READ_ONCE: every x86-64 entry is one 64-bit word) and decisions
 *   are made on that value, never on a second read.
 *
 * - PTE tables are the exception. On 6.1 they are only freed under the
 *   mmap write lock (munmap, and khugepaged's collapse/retract, which
 *   trylocks it). On 6.12 khugepaged's retract_page_tables() and
 *   collapse_pte_mapped_thp() remove the PTE table of a file/shmem THP
 *   range *without* mmap_lock, clearing the PMD under the PMD lock and
 *   freeing the table after an RCU grace period (pte_free_defer()). So we
 *   read the PMD and then the PTE table inside rcu_read_lock(), the same
 *   protocol as __pte_offset_map(): the table cannot be freed while we
 *   copy it. After copying we read the PMD again; if it changed (collapse,
 *   split or retract raced with us) the copy is thrown away and the step
 *   retried. On 6.1 the RCU section is merely unneeded, not wrong.
 *
 * - We take no page-table spinlock: every entry is copied atomically and
 *   the report is a snapshot in which each entry was true at some instant
 *   during the walk, exactly like the lockless GUP-fast reads. Entries are
 *   copied into a private buffer and handed to the visitor only after
 *   rcu_read_unlock(), so visitors may sleep.
 *
 * - Long walks: the walk checks for fatal signals and, every
 *   MMLENS_WALK_BATCH steps (one step = one PMD's worth of address space),
 *   drops mmap_lock if a writer waits or we should reschedule, then
 *   retakes it (killable) and looks the VMA up again at the address where
 *   it stopped. A VMA that changed meanwhile is reported as it is found.
 *   Empty upper levels are skipped whole, so cost follows the populated
 *   tables, not the size of the address space.
 *
 * We hold a reference on the mm (mm_users, taken by the caller with
 * get_task_mm()), never on the task.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dcache.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/module.h>
#include <linux/pgtable.h>
#include <linux/rcupdate.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "compat.h"
#include "input.h"
#include "walk.h"

#define MMLENS_WALK_BATCH 64
#define MMLENS_STEP_RETRIES 8

static const char * const level_names[MMLENS_NR_LEVELS] = {
	[MMLENS_PGD] = "pgd",
	[MMLENS_P4D] = "p4d",
	[MMLENS_PUD] = "pud",
	[MMLENS_PMD] = "pmd",
	[MMLENS_PTE] = "pte",
};

const char *mmlens_level_name(enum mmlens_level level)
{
	return level < MMLENS_NR_LEVELS ? level_names[level] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_level_name);

struct mmlens_walker {
	struct mm_struct *mm;
	const struct mmlens_walk_ops *ops;
	void *priv;
	/* what one step found, handed to the visitor after the RCU section */
	pte_t *ptes;
	unsigned int nptes;
	struct mmlens_leaf huge;
	bool have_huge;
	unsigned long tables[MMLENS_NR_LEVELS][2];
	unsigned int ntables;
	enum mmlens_level table_level[MMLENS_NR_LEVELS];
	/* last table start reported per level, so each is reported once */
	unsigned long last_table[MMLENS_NR_LEVELS];
	bool anonymous;
};

/*
 * The huge zero page is not identifiable through exported symbols
 * (huge_zero_pfn/huge_zero_folio are private). In an anonymous VMA every
 * present PMD leaf maps either an anonymous THP (PageAnon) or the huge zero
 * page, which has no mapping; the page read is racy but always valid
 * memory, and a leaf that changes under us is reported as it was read.
 */
static bool pmd_maps_huge_zero(bool anonymous, pmd_t pmd)
{
	unsigned long pfn = pmd_pfn(pmd);

	if (!anonymous || !pmd_present(pmd) || !pfn_valid(pfn))
		return false;
	return !PageAnon(pfn_to_page(pfn));
}

static void note_table(struct mmlens_walker *w, enum mmlens_level level,
		       unsigned long addr, unsigned long span)
{
	unsigned long start = addr & ~(span - 1);

	if (w->last_table[level] == start + 1)
		return;
	w->last_table[level] = start + 1;
	w->table_level[w->ntables] = level;
	w->tables[w->ntables][0] = start;
	w->tables[w->ntables][1] = start + span;
	w->ntables++;
}

/*
 * Reads one PMD's worth of [addr, end) under RCU; sets *next to where the
 * next step starts. Returns -EAGAIN when the PMD changed under us.
 */
static int walk_step_read(struct mmlens_walker *w, unsigned long addr,
			  unsigned long end, unsigned long *next)
{
	pgd_t *pgdp, pgd;
	p4d_t *p4dp, p4d;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	pte_t *ptep;
	unsigned int i;

	w->nptes = 0;
	w->have_huge = false;
	w->ntables = 0;

	pgdp = pgd_offset(w->mm, addr);
	pgd = READ_ONCE(*pgdp);
	if (pgd_none(pgd) || unlikely(pgd_bad(pgd))) {
		*next = pgd_addr_end(addr, end);
		return 0;
	}
	if (pgtable_l5_enabled())
		note_table(w, MMLENS_P4D, addr, PGDIR_SIZE);

	p4dp = p4d_offset(pgdp, addr);
	p4d = READ_ONCE(*p4dp);
	if (p4d_none(p4d) || unlikely(p4d_bad(p4d))) {
		*next = p4d_addr_end(addr, end);
		return 0;
	}
	note_table(w, MMLENS_PUD, addr, P4D_SIZE);

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	*next = pud_addr_end(addr, end);
	if (pud_none(pud))
		return 0;
	if (pud_leaf(pud) || !pud_present(pud)) {
		w->huge.addr = addr & PUD_MASK;
		w->huge.level = MMLENS_PUD;
		w->huge.raw = pud_val(pud);
		w->huge.zero = false;
		w->have_huge = true;
		return 0;
	}
	if (unlikely(pud_bad(pud)))
		return 0;
	note_table(w, MMLENS_PMD, addr, PUD_SIZE);

	pmdp = pmd_offset(pudp, addr);
	pmd = READ_ONCE(*pmdp);
	*next = pmd_addr_end(addr, end);
	if (pmd_none(pmd))
		return 0;
	if (pmd_leaf(pmd) || !pmd_present(pmd)) {
		/* THP, hugetlb 2 MiB, or a PMD migration entry */
		w->huge.addr = addr & PMD_MASK;
		w->huge.level = MMLENS_PMD;
		w->huge.raw = pmd_val(pmd);
		w->huge.zero = pmd_maps_huge_zero(w->anonymous, pmd);
		w->have_huge = true;
		return 0;
	}
	if (unlikely(pmd_bad(pmd)))
		return 0;
	note_table(w, MMLENS_PTE, addr, PMD_SIZE);

	/* pmd is a table: read it through the value we hold (see top). */
	ptep = (pte_t *)pmd_page_vaddr(pmd) + pte_index(addr);
	w->nptes = (*next - addr) >> PAGE_SHIFT;
	for (i = 0; i < w->nptes; i++)
		w->ptes[i] = ptep_get(ptep + i);
	if (pmd_val(READ_ONCE(*pmdp)) != pmd_val(pmd))
		return -EAGAIN;
	return 0;
}

static int walk_step(struct mmlens_walker *w, unsigned long addr,
		     unsigned long end, unsigned long *next)
{
	unsigned int i, tries = 0;
	int ret;

	do {
		rcu_read_lock();
		ret = walk_step_read(w, addr, end, next);
		rcu_read_unlock();
	} while (ret == -EAGAIN && ++tries < MMLENS_STEP_RETRIES);
	if (ret)
		return ret;

	for (i = 0; i < w->ntables && w->ops->table; i++) {
		ret = w->ops->table(w->priv, w->table_level[i],
				    w->tables[i][0], w->tables[i][1]);
		if (ret)
			return ret;
	}
	if (w->have_huge)
		return w->ops->leaf(w->priv, &w->huge);

	for (i = 0; i < w->nptes; i++) {
		struct mmlens_leaf leaf;
		pte_t pte = w->ptes[i];

		if (pte_none(pte))
			continue;
		leaf.addr = addr + ((unsigned long)i << PAGE_SHIFT);
		leaf.level = MMLENS_PTE;
		leaf.raw = pte_val(pte);
		leaf.zero = pte_present(pte) && is_zero_pfn(pte_pfn(pte));
		ret = w->ops->leaf(w->priv, &leaf);
		if (ret)
			return ret;
	}
	return 0;
}

/* The name /proc/PID/maps gives a VMA (fs/proc/task_mmu.c show_map_vma). */
static void vma_name(struct vm_area_struct *vma, char *buf, size_t size)
{
	struct mm_struct *mm = vma->vm_mm;
	const char *name = NULL;

	buf[0] = '\0';
	if (vma->vm_file) {
		char *p = d_path(&vma->vm_file->f_path, buf, size);

		if (IS_ERR(p))
			strscpy(buf, "?", size);
		else
			memmove(buf, p, strlen(p) + 1);
		return;
	}
	if (vma->vm_ops && vma->vm_ops->name)
		name = vma->vm_ops->name(vma);
	else if (vma->vm_start <= mm->brk && vma->vm_end >= mm->start_brk)
		name = "[heap]";
	else if (vma->vm_start <= mm->start_stack &&
		 vma->vm_end >= mm->start_stack)
		name = "[stack]";
	if (name)
		strscpy(buf, name, size);
}

static void vma_info(struct mm_struct *mm, struct vm_area_struct *vma,
		     unsigned long prev_end, struct mmlens_vma_info *vi)
{
	struct vm_area_struct *next = find_vma(mm, vma->vm_end);

	vi->start = vma->vm_start;
	vi->end = vma->vm_end;
	vi->flags = vma->vm_flags;
	vi->pgoff = vma->vm_pgoff;
	vi->anonymous = vma_is_anonymous(vma);
	vi->file = vma->vm_file;
	vi->prev_end = prev_end;
	vi->next_start = next ? next->vm_start : ~0UL;
	vma_name(vma, vi->name, sizeof(vi->name));
}

/* Drop mmap_lock when a writer waits or the CPU is wanted; retake it. */
static int walk_yield(struct mmlens_walker *w, bool *dropped)
{
	*dropped = false;
	if (fatal_signal_pending(current))
		return -EINTR;
	if (!mmap_lock_is_contended(w->mm) && !need_resched())
		return 0;
	mmap_read_unlock(w->mm);
	cond_resched();
	*dropped = true;
	return mmap_read_lock_killable(w->mm) ? -EINTR : 0;
}

/**
 * mmlens_walk - walk [@start, @end) of @mm, VMA by VMA
 * @mm: a user mm the caller holds a reference on (mm_users)
 * @start: first address
 * @end: address after the last
 * @ops: the visitor
 * @priv: passed to every visitor callback
 *
 * Takes and releases mmap_lock itself. Returns 0, a visitor's error,
 * -EINTR on a fatal signal, or -ENOMEM.
 */
int mmlens_walk(struct mm_struct *mm, unsigned long start, unsigned long end,
		const struct mmlens_walk_ops *ops, void *priv)
{
	struct mmlens_walker w = { .mm = mm, .ops = ops, .priv = priv };
	struct vm_area_struct *vma = NULL;
	struct mmlens_vma_info *vi;
	unsigned long addr = start, entered = 0, prev_end = 0;
	unsigned int steps = 0;
	bool inside = false, dropped;
	int ret = 0;

	w.ptes = kmalloc_array(PTRS_PER_PTE, sizeof(pte_t), GFP_KERNEL);
	vi = kmalloc(sizeof(*vi), GFP_KERNEL);
	if (!w.ptes || !vi) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (mmap_read_lock_killable(mm)) {
		ret = -EINTR;
		goto out_free;
	}

	while (addr < end) {
		if (!vma) {
			vma = find_vma(mm, addr);
			if (!vma || vma->vm_start >= end)
				break;
			addr = max(addr, vma->vm_start);
			/* a VMA is entered once, even if we come back to it */
			if (!inside || vma->vm_start != entered) {
				if (inside && ops->vma_leave) {
					ret = ops->vma_leave(priv);
					if (ret)
						break;
				}
				vma_info(mm, vma, prev_end, vi);
				entered = vma->vm_start;
				inside = true;
				w.anonymous = vi->anonymous;
				memset(w.last_table, 0, sizeof(w.last_table));
				if (ops->vma_enter) {
					ret = ops->vma_enter(priv, vi);
					if (ret)
						break;
				}
			}
		}
		ret = walk_step(&w, addr, min(end, vma->vm_end), &addr);
		if (ret)
			break;
		if (addr >= vma->vm_end) {
			prev_end = vma->vm_end;
			vma = NULL;
		}
		if (++steps % MMLENS_WALK_BATCH)
			continue;
		ret = walk_yield(&w, &dropped);
		if (ret == -EINTR && !dropped)
			break;
		if (ret)
			goto out_free;	/* lock not retaken */
		if (dropped)
			vma = NULL;
	}
	if (!ret && inside && ops->vma_leave)
		ret = ops->vma_leave(priv);
	mmap_read_unlock(mm);
out_free:
	kfree(vi);
	kfree(w.ptes);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_walk);

/**
 * mmlens_translate - the entries of every level for one address
 * @mm: a user mm the caller holds a reference on (mm_users)
 * @addr: the user address
 * @t: filled in: entries, indices, where the walk stopped
 *
 * Answers !t->mapped without walking when @addr is outside every VMA:
 * page tables there may be freed under a read-held mmap_lock.
 */
int mmlens_translate(struct mm_struct *mm, unsigned long addr,
		     struct mmlens_translation *t)
{
	struct vm_area_struct *vma;
	pgd_t *pgdp;
	p4d_t *p4dp;
	pud_t *pudp, pud;
	pmd_t *pmdp, pmd;
	unsigned int levels;
	pte_t *ptep;

	memset(t, 0, sizeof(*t));
	levels = pgtable_l5_enabled() ? 5 : 4;
	if (mmap_read_lock_killable(mm))
		return -EINTR;
	vma = find_vma(mm, addr);
	if (!vma || addr < vma->vm_start)
		goto out;
	t->mapped = true;

	rcu_read_lock();
	pgdp = pgd_offset(mm, addr);
	t->entry[MMLENS_PGD] = pgd_val(READ_ONCE(*pgdp));
	t->index[MMLENS_PGD] = mmlens_level_index(addr, MMLENS_PGD, levels);
	t->last = MMLENS_PGD;
	if (pgd_none(__pgd(t->entry[MMLENS_PGD])))
		goto out_rcu;

	p4dp = p4d_offset(pgdp, addr);
	t->folded[MMLENS_P4D] = !pgtable_l5_enabled();
	t->entry[MMLENS_P4D] = p4d_val(READ_ONCE(*p4dp));
	t->index[MMLENS_P4D] = mmlens_level_index(addr, MMLENS_P4D, levels);
	t->last = MMLENS_P4D;
	if (p4d_none(__p4d(t->entry[MMLENS_P4D])))
		goto out_rcu;

	pudp = pud_offset(p4dp, addr);
	pud = READ_ONCE(*pudp);
	t->entry[MMLENS_PUD] = pud_val(pud);
	t->index[MMLENS_PUD] = mmlens_level_index(addr, MMLENS_PUD, levels);
	t->last = MMLENS_PUD;
	if (pud_none(pud))
		goto out_rcu;
	if (pud_leaf(pud) || !pud_present(pud)) {
		t->leaf = true;
		goto out_rcu;
	}

	pmdp = pmd_offset(pudp, addr);
	pmd = READ_ONCE(*pmdp);
	t->entry[MMLENS_PMD] = pmd_val(pmd);
	t->index[MMLENS_PMD] = mmlens_level_index(addr, MMLENS_PMD, levels);
	t->last = MMLENS_PMD;
	if (pmd_none(pmd))
		goto out_rcu;
	if (pmd_leaf(pmd) || !pmd_present(pmd)) {
		t->leaf = true;
		t->zero = pmd_maps_huge_zero(vma_is_anonymous(vma), pmd);
		goto out_rcu;
	}

	ptep = (pte_t *)pmd_page_vaddr(pmd) + pte_index(addr);
	t->entry[MMLENS_PTE] = pte_val(ptep_get(ptep));
	t->index[MMLENS_PTE] = mmlens_level_index(addr, MMLENS_PTE, levels);
	t->last = MMLENS_PTE;
	t->leaf = !pte_none(__pte(t->entry[MMLENS_PTE]));
	t->zero = pte_present(__pte(t->entry[MMLENS_PTE])) &&
		  is_zero_pfn(pte_pfn(__pte(t->entry[MMLENS_PTE])));
out_rcu:
	rcu_read_unlock();
out:
	mmap_read_unlock(mm);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_translate);
