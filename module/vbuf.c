// SPDX-License-Identifier: GPL-2.0
/*
 * vbuf.c - /dev/mmlens: a vmalloc() buffer mapped into user space one page
 * at a time from a .fault handler, plus read/write/llseek on the same bytes.
 *
 * Lifetime and locking: the buffer is allocated before the device exists
 * and freed after it is gone, and the module cannot be unloaded while a
 * struct file of the device lives: .owner pins the module for every open
 * file, and every mapping holds its file through vma->vm_file. So neither
 * the pointer nor the size ever changes under a user and no lock guards
 * them. The counters are atomics. The bytes themselves are shared memory:
 * concurrent read()/write()/stores through mappings race byte by byte,
 * exactly as they would on a shared anonymous mapping.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"
#include "mmlens.h"
#include "mmlens_uapi.h"

static unsigned long vbuf_size = MMLENS_VBUF_DEFAULT_SIZE;
module_param(vbuf_size, ulong, 0444);
MODULE_PARM_DESC(vbuf_size,
		 "Size of the /dev/mmlens buffer in bytes, rounded up to whole pages (1..1073741824, default 4194304)");

static struct {
	void *mem;
	unsigned long pages;
	atomic_long_t faults;	/* pages handed out by vbuf_fault() */
	atomic_t mappings;	/* live VMAs of the device */
	atomic_t opens;		/* live struct files of the device */
} vbuf;

static unsigned long vbuf_bytes(void)
{
	return vbuf.pages << PAGE_SHIFT;
}

/*
 * The core mm calls .open for every VMA copied from one of ours (fork,
 * split by mprotect/munmap, mremap move) and .close for every one that
 * goes away; mmap() itself calls neither, so vbuf_mmap() counts the
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

/*
 * Called with the mmap lock held for read, so several threads may fault
 * the same page at once: each call takes its own reference and counts,
 * and the core mm drops the reference of every loser of the PTE race.
 * The reference we take is the one the page table keeps; zapping the PTE
 * (munmap, MADV_DONTNEED, exit) puts it. vmalloc pages are order-0 with
 * their own refcount, and vfree() only frees a page whose count drops to
 * zero, so a page still mapped or pinned elsewhere outlives the buffer.
 */
static vm_fault_t vbuf_fault(struct vm_fault *vmf)
{
	struct page *page;

	/* Unreachable while vbuf_mmap() and VM_DONTEXPAND hold; kept cheap. */
	if (vmf->pgoff >= vbuf.pages)
		return VM_FAULT_SIGBUS;

	page = vmalloc_to_page(vbuf.mem + (vmf->pgoff << PAGE_SHIFT));
	if (!page)
		return VM_FAULT_SIGBUS;

	get_page(page);
	vmf->page = page;
	atomic_long_inc(&vbuf.faults);
	return 0;
}

static const struct vm_operations_struct vbuf_vm_ops = {
	.open = vbuf_vm_open,
	.close = vbuf_vm_close,
	.fault = vbuf_fault,
};

static int vbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pgoff = vma->vm_pgoff, npages = vma_pages(vma);

	/* In pages and as a subtraction: no sum that could wrap. */
	if (pgoff >= vbuf.pages || npages > vbuf.pages - pgoff)
		return -EINVAL;

	/*
	 * No pages now: every first touch goes through vbuf_fault().
	 * DONTEXPAND makes mremap() refuse to grow the VMA past what we
	 * checked above; DONTDUMP keeps a driver buffer out of core dumps.
	 */
	mmlens_vm_flags_set(vma, VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &vbuf_vm_ops;
	vbuf_vm_open(vma);
	return 0;
}

static int vbuf_open(struct inode *inode, struct file *file)
{
	atomic_inc(&vbuf.opens);
	return 0;
}

/* Last fput: after close() and after the last VMA holding the file. */
static int vbuf_release(struct inode *inode, struct file *file)
{
	atomic_dec(&vbuf.opens);
	return 0;
}

static ssize_t vbuf_read(struct file *file, char __user *buf, size_t count,
			 loff_t *ppos)
{
	/* Returns 0 at and past the end. */
	return simple_read_from_buffer(buf, count, ppos, vbuf.mem,
				       vbuf_bytes());
}

static ssize_t vbuf_write(struct file *file, const char __user *buf,
			  size_t count, loff_t *ppos)
{
	loff_t pos = *ppos;

	if (pos < 0)
		return -EINVAL;
	if (!count)
		return 0;
	/* A fixed-size device is full at its end, not at EOF. */
	if (pos >= vbuf_bytes())
		return -ENOSPC;
	/* Short write when the range crosses the end. */
	return simple_write_to_buffer(vbuf.mem, vbuf_bytes(), ppos, buf,
				      count);
}

static loff_t vbuf_llseek(struct file *file, loff_t offset, int whence)
{
	return fixed_size_llseek(file, offset, whence, vbuf_bytes());
}

static const struct file_operations vbuf_fops = {
	.owner = THIS_MODULE,
	.open = vbuf_open,
	.release = vbuf_release,
	.read = vbuf_read,
	.write = vbuf_write,
	.llseek = vbuf_llseek,
	.mmap = vbuf_mmap,
};

static struct miscdevice vbuf_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mmlens",
	.fops = &vbuf_fops,
	.mode = 0600,
};

static int vbuf_stats_show(struct seq_file *m, void *v)
{
	seq_printf(m, "size=%lu\n", vbuf_bytes());
	seq_printf(m, "pages=%lu\n", vbuf.pages);
	seq_printf(m, "faults=%lu\n", atomic_long_read(&vbuf.faults));
	seq_printf(m, "mappings=%d\n", atomic_read(&vbuf.mappings));
	seq_printf(m, "opens=%d\n", atomic_read(&vbuf.opens));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vbuf_stats);

/* vbuf_pfns: "<page-index> <pfn-hex>" per page, iterated by index. */
static void *vbuf_pfns_start(struct seq_file *m, loff_t *pos)
{
	return *pos >= 0 && (unsigned long)*pos < vbuf.pages ? pos : NULL;
}

static void *vbuf_pfns_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return vbuf_pfns_start(m, pos);
}

static void vbuf_pfns_stop(struct seq_file *m, void *v)
{
}

static int vbuf_pfns_show(struct seq_file *m, void *v)
{
	unsigned long i = *(loff_t *)v;

	seq_printf(m, "%lu %#lx\n", i,
		   vmalloc_to_pfn(vbuf.mem + (i << PAGE_SHIFT)));
	return 0;
}

static const struct seq_operations vbuf_pfns_sops = {
	.start = vbuf_pfns_start,
	.next = vbuf_pfns_next,
	.stop = vbuf_pfns_stop,
	.show = vbuf_pfns_show,
};
DEFINE_SEQ_ATTRIBUTE(vbuf_pfns);

static void vbuf_fill(void)
{
	unsigned long i;

	for (i = 0; i < vbuf.pages; i++) {
		scnprintf(vbuf.mem + (i << PAGE_SHIFT), PAGE_SIZE,
			  MMLENS_VBUF_PAGE_FMT, i);
		/* Up to 2^18 pages at insmod time. */
		cond_resched();
	}
}

int mmlens_vbuf_init(struct dentry *dbg)
{
	int err;

	/* Checked before rounding, so PAGE_ALIGN() cannot wrap. */
	if (!vbuf_size || vbuf_size > MMLENS_VBUF_MAX_SIZE) {
		pr_err("vbuf_size=%lu is out of range: must be 1..%lu bytes\n",
		       vbuf_size, MMLENS_VBUF_MAX_SIZE);
		return -EINVAL;
	}
	vbuf.pages = PAGE_ALIGN(vbuf_size) >> PAGE_SHIFT;

	/*
	 * Zeroed, and allowed to fail rather than OOM-kill or splat a stack
	 * trace when someone asks for more than the machine can spare.
	 */
	vbuf.mem = __vmalloc(vbuf_bytes(), GFP_KERNEL | __GFP_ZERO |
			     __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
	if (!vbuf.mem) {
		pr_err("cannot vmalloc %lu bytes for vbuf_size=%lu\n",
		       vbuf_bytes(), vbuf_size);
		return -ENOMEM;
	}
	vbuf_fill();

	err = misc_register(&vbuf_misc);
	if (err) {
		pr_err("cannot register /dev/%s: %d\n", vbuf_misc.name, err);
		goto err_free;
	}

	/*
	 * Last, and debugfs return values are deliberately not checked: on
	 * failure main.c removes the directory only after we return, so no
	 * file may exist that reads a buffer we already freed.
	 */
	debugfs_create_file("vbuf", 0400, dbg, NULL, &vbuf_stats_fops);
	debugfs_create_file("vbuf_pfns", 0400, dbg, NULL, &vbuf_pfns_fops);
	return 0;

err_free:
	vfree(vbuf.mem);
	vbuf.mem = NULL;
	return err;
}

/* main.c has removed the debugfs files; no file of ours is open. */
void mmlens_vbuf_exit(void)
{
	misc_deregister(&vbuf_misc);
	vfree(vbuf.mem);
	vbuf.mem = NULL;
}
