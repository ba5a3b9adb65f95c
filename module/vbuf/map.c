// SPDX-License-Identifier: GPL-2.0
/*
 * map.c - the three ways /dev/mmlens maps its vmalloc buffer into a
 * process (MMLENS_VBUF_LAZY/AROUND/EAGER in mmlens_uapi.h).
 *
 * Every page we map is a normal, refcounted PTE: .fault hands the core
 * one page with a reference (lazy), and vm_insert_page[s]() installs more
 * (around, eager). We never use vmf_insert_mixed()/vmf_insert_pfn(),
 * which make special PTEs that get_user_pages() refuses, so O_DIRECT,
 * vmsplice and smaps treat the buffer's pages like page-cache pages in
 * every mode. vm_insert_page() outside ->mmap needs VM_MIXEDMAP already
 * set (it would otherwise set it, which needs mmap_lock for write), so
 * around and eager set it at mmap; it changes nothing for a page with a
 * struct page and a non-special PTE (vm_normal_page() still finds it),
 * but fork() then copies the PTEs instead of leaving the child to fault.
 *
 * Locking: .fault and .map_pages run with mmap_lock held for read or, on
 * kernels with per-VMA locks (6.4+), with only the VMA's read lock; the
 * core takes the PTE lock and vm_insert_page[s]() take it themselves, so
 * racing faults of one page are settled there (-EBUSY for the loser of an
 * insert, the core drops the reference of a losing .fault). 6.12 calls
 * .map_pages under rcu_read_lock(), so there it must not sleep: it only
 * inserts into a PTE table that exists (the window never leaves the
 * faulting PMD), and otherwise leaves the work to .fault, which may
 * allocate. On PREEMPT_RT the PTE lock it takes there is a sleeping
 * spinlock_t, which RT allows inside an RCU reader (its readers are
 * preemptible), exactly as the core's own filemap_map_pages() takes it
 * in the same section. 6.12 also retries a fault that arrived under the
 * VMA lock under mmap_lock when the VMA has no .map_pages
 * (vmf_can_call_fault()); lazy mappings take that retry, around and
 * eager ones do not.
 */
#include <linux/mm.h>
#include <linux/sched/signal.h>

#include "kernel/compat.h"
#include "mmlens_uapi.h"
#include "vbuf/vbuf.h"

#define vbuf mmlens_vbuf

/*
 * The core mm calls .open for every VMA copied from one of ours (fork,
 * split by mprotect/munmap, mremap move) and .close for every one that
 * goes away; mmap() itself calls neither, so mmlens_vbuf_map() counts the
 * first. VM_DONTEXPAND is in VM_SPECIAL, so our VMAs are never merged,
 * which would drop one without .close.
 */
static void vbuf_vm_open(struct vm_area_struct *vma)
{
	atomic_inc(&vbuf.mappings);
}

static void vbuf_vm_close(struct vm_area_struct *vma)
{
	atomic_dec(&vbuf.mappings);
}

static unsigned long vbuf_pgoff(struct vm_area_struct *vma,
				unsigned long addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
}

/*
 * Several threads may fault the same page at once: each call takes its
 * own reference and counts, and the core mm drops the reference of every
 * loser of the PTE race. The reference we take is the one the page table
 * keeps; zapping the PTE (munmap, MADV_DONTNEED, exit) puts it. vmalloc
 * pages are order-0 with their own refcount, and vfree() only frees a
 * page whose count drops to zero, so a page still mapped or pinned
 * elsewhere outlives the buffer.
 */
static vm_fault_t vbuf_fault(struct vm_fault *vmf)
{
	struct page *page;

	/* Unreachable while the mmap check and VM_DONTEXPAND hold. */
	if (vmf->pgoff >= vbuf.pages)
		return VM_FAULT_SIGBUS;

	page = vbuf.page[vmf->pgoff];
	get_page(page);
	vmf->page = page;
	atomic_long_inc(&vbuf.faults);
	atomic_long_inc(&vbuf.inserted);
	return 0;
}

/*
 * Inserts the buffer's pages into [addr, addr + n pages) of @vma where no
 * PTE is present yet; returns how many it inserted. vm_insert_pages()
 * takes the PTE lock once per table but stops at the first present PTE,
 * so after a stop we step over that page and go on.
 */
static unsigned long vbuf_insert(struct vm_area_struct *vma,
				 unsigned long addr, unsigned long n)
{
	unsigned long done = 0, left;
	int err;

	while (n) {
		left = n;
		err = vm_insert_pages(vma, addr, &vbuf.page[vbuf_pgoff(vma, addr)],
				      &left);
		done += n - left;
		if (!err || !left)
			break;
		/* The page at the stop is present (-EBUSY) or cannot be. */
		addr += (n - left + 1) << PAGE_SHIFT;
		n = left - 1;
	}
	atomic_long_add(done, &vbuf.inserted);
	return done;
}

/*
 * Maps the neighbours of @addr (not @addr itself) in the window
 * [@start, @end) of @vma.
 */
static void vbuf_insert_around(struct vm_area_struct *vma, unsigned long addr,
			       unsigned long start, unsigned long end)
{
	if (addr > start)
		vbuf_insert(vma, start, (addr - start) >> PAGE_SHIFT);
	if (end > addr + PAGE_SIZE)
		vbuf_insert(vma, addr + PAGE_SIZE,
			    (end - addr - PAGE_SIZE) >> PAGE_SHIFT);
}

/*
 * Any fault of an around or eager mapping that .map_pages did not
 * satisfy: the faulting page as in lazy (so the core does what it does
 * for a store, a shared store or a private copy), and its neighbours in
 * the aligned MMLENS_VBUF_AROUND_PAGES window inside the VMA, mapped
 * with the VMA's page protection: writable in a shared writable mapping,
 * read-only and copied on the first store in a private one. A window is
 * aligned, so it never leaves the faulting PTE table.
 */
static vm_fault_t vbuf_fault_around(struct vm_fault *vmf)
{
	const unsigned long size = MMLENS_VBUF_AROUND_PAGES << PAGE_SHIFT;
	struct vm_area_struct *vma = vmf->vma;
	unsigned long start = ALIGN_DOWN(vmf->address, size);
	vm_fault_t ret = vbuf_fault(vmf);

	if (ret)
		return ret;
	vbuf_insert_around(vma, vmf->address, max(start, vma->vm_start),
			   min(start + size, vma->vm_end));
	return 0;
}

/*
 * Read faults of an around or eager mapping, before .fault: maps the
 * core's window @first..@last (inclusive page offsets, inside the VMA and
 * one PTE table) and satisfies the fault when the faulting page is mapped
 * then. May run under rcu_read_lock() (6.12), so it never allocates: with
 * no PTE table yet it maps nothing, and .fault does the work.
 */
static vm_fault_t vbuf_map_pages(struct vm_fault *vmf, pgoff_t first,
				 pgoff_t last)
{
	struct vm_area_struct *vma = vmf->vma;
	unsigned long start = vma->vm_start +
			      ((first - vma->vm_pgoff) << PAGE_SHIFT);
	int err;

	if (pmd_none(*vmf->pmd) || last >= vbuf.pages)
		return 0;
	err = vm_insert_page(vma, vmf->address, vbuf.page[vmf->pgoff]);
	/* -EBUSY: a racing fault mapped it; nothing else is expected. */
	if (err && err != -EBUSY)
		return 0;
	if (!err)
		atomic_long_inc(&vbuf.inserted);
	vbuf_insert_around(vma, vmf->address, start,
			   start + ((last - first + 1) << PAGE_SHIFT));
	atomic_long_inc(&vbuf.faults);
	return VM_FAULT_NOPAGE;
}

/*
 * Eager: the whole VMA at mmap(), one PTE table per vm_insert_pages() so
 * that a 1 GiB mapping yields the CPU and a fatal signal stops it. Runs
 * with mmap_lock held for write before the VMA is visible; on error the
 * core unmaps whatever was inserted.
 */
static int vbuf_map_all(struct vm_area_struct *vma)
{
	unsigned long addr = vma->vm_start, next, n, left;
	int err;

	for (; addr < vma->vm_end; addr = next) {
		next = min(pmd_addr_end(addr, vma->vm_end), vma->vm_end);
		n = (next - addr) >> PAGE_SHIFT;
		left = n;
		err = vm_insert_pages(vma, addr,
				      &vbuf.page[vbuf_pgoff(vma, addr)], &left);
		atomic_long_add(n - left, &vbuf.inserted);
		if (err)
			return err;
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static const struct vm_operations_struct vbuf_vm_ops[MMLENS_VBUF_NR_MODES] = {
	[MMLENS_VBUF_LAZY] = {
		.open = vbuf_vm_open,
		.close = vbuf_vm_close,
		.fault = vbuf_fault,
	},
	[MMLENS_VBUF_AROUND] = {
		.open = vbuf_vm_open,
		.close = vbuf_vm_close,
		.fault = vbuf_fault_around,
		.map_pages = vbuf_map_pages,
	},
	[MMLENS_VBUF_EAGER] = {
		.open = vbuf_vm_open,
		.close = vbuf_vm_close,
		.fault = vbuf_fault_around,
		.map_pages = vbuf_map_pages,
	},
};

int mmlens_vbuf_map(struct vm_area_struct *vma, unsigned int mode)
{
	vm_flags_t flags = VM_DONTEXPAND | VM_DONTDUMP;
	int err;

	/*
	 * DONTEXPAND makes mremap() refuse to grow the VMA past what the
	 * caller checked; DONTDUMP keeps a driver buffer out of core dumps.
	 */
	if (mode != MMLENS_VBUF_LAZY)
		flags |= VM_MIXEDMAP;
	mmlens_vm_flags_set(vma, flags);
	vma->vm_ops = &vbuf_vm_ops[mode];
	if (mode == MMLENS_VBUF_EAGER) {
		err = vbuf_map_all(vma);
		if (err)
			return err;
	}
	vbuf_vm_open(vma);
	return 0;
}
