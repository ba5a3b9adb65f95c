// SPDX-License-Identifier: GPL-2.0
/*
 * device.c - /dev/mmlens: a vmalloc() buffer that user space maps (in one of
 * three modes, map.c) and reads and writes; the vbuf_mode parameter,
 * the per-open mode ioctls and the debugfs vbuf and vbuf_pfns files.
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
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "core/access.h"
#include "core/parts.h"
#include "kernel/compat.h"
#include "mmlens_uapi.h"
#include "vbuf/vbuf.h"

static unsigned long vbuf_size = MMLENS_VBUF_DEFAULT_SIZE;
module_param(vbuf_size, ulong, 0444);
MODULE_PARM_DESC(vbuf_size,
		 "Size of the /dev/mmlens buffer in bytes, rounded up to whole pages (1..1073741824, default 4194304)");

struct mmlens_vbuf mmlens_vbuf;
#define vbuf mmlens_vbuf

static const char *const vbuf_mode_names[MMLENS_VBUF_NR_MODES] =
	MMLENS_VBUF_MODE_NAMES;

/* The mode of every new open (vbuf_mode=); read once per open. */
static unsigned int vbuf_default_mode = MMLENS_VBUF_LAZY;

static int vbuf_mode_set(const char *val, const struct kernel_param *kp)
{
	int mode = sysfs_match_string(vbuf_mode_names, val);

	if (mode < 0)
		return -EINVAL;
	WRITE_ONCE(vbuf_default_mode, mode);
	return 0;
}

static int vbuf_mode_get(char *buffer, const struct kernel_param *kp)
{
	return scnprintf(buffer, PAGE_SIZE, "%s\n",
			 vbuf_mode_names[READ_ONCE(vbuf_default_mode)]);
}

static const struct kernel_param_ops vbuf_mode_ops = {
	.set = vbuf_mode_set,
	.get = vbuf_mode_get,
};
module_param_cb(vbuf_mode, &vbuf_mode_ops, NULL, 0644);
/* module_param_cb() names no type; modinfo lists one per parameter. */
__MODULE_PARM_TYPE(vbuf_mode, "string");
MODULE_PARM_DESC(vbuf_mode,
		 "How mmap() of /dev/mmlens maps the buffer for new opens: lazy (one page per fault, default), around (16-page windows per fault), eager (all at mmap)");

static unsigned long vbuf_bytes(void)
{
	return vbuf.pages << PAGE_SHIFT;
}

/* An open file's mode lives in private_data (misc_open() set it first). */
static unsigned int vbuf_file_mode(struct file *file)
{
	return (uintptr_t)READ_ONCE(file->private_data);
}

static int vbuf_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long pgoff = vma->vm_pgoff, npages = vma_pages(vma);

	/* In pages and as a subtraction: no sum that could wrap. */
	if (pgoff >= vbuf.pages || npages > vbuf.pages - pgoff)
		return -EINVAL;
	return mmlens_vbuf_map(vma, vbuf_file_mode(file));
}

static int vbuf_open(struct inode *inode, struct file *file)
{
	file->private_data = (void *)(uintptr_t)READ_ONCE(vbuf_default_mode);
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

/* Per open file: the mode its next mmap() calls use. */
static long vbuf_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	u32 __user *uarg = (u32 __user *)arg;
	u32 mode;

	switch (cmd) {
	case MMLENS_VBUF_GET_MODE:
		return put_user(vbuf_file_mode(file), uarg);
	case MMLENS_VBUF_SET_MODE:
		if (get_user(mode, uarg))
			return -EFAULT;
		if (mode >= MMLENS_VBUF_NR_MODES)
			return -EINVAL;
		WRITE_ONCE(file->private_data, (void *)(uintptr_t)mode);
		return 0;
	}
	return -ENOTTY;
}

static const struct file_operations vbuf_fops = {
	.owner = THIS_MODULE,
	.open = vbuf_open,
	.release = vbuf_release,
	.read = vbuf_read,
	.write = vbuf_write,
	.llseek = vbuf_llseek,
	.mmap = vbuf_mmap,
	.unlocked_ioctl = vbuf_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
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
	seq_printf(m, "mode=%s\n",
		   vbuf_mode_names[READ_ONCE(vbuf_default_mode)]);
	seq_printf(m, "inserted=%lu\n", atomic_long_read(&vbuf.inserted));
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

	seq_printf(m, "%lu %#lx\n", i, page_to_pfn(vbuf.page[i]));
	return 0;
}

static const struct seq_operations vbuf_pfns_sops = {
	.start = vbuf_pfns_start,
	.next = vbuf_pfns_next,
	.stop = vbuf_pfns_stop,
	.show = vbuf_pfns_show,
};

/*
 * PFNs of pages user space can write: the walker files' rule, not only
 * the 0400 mode a root without the capability (a container with
 * debugfs) also passes.
 */
static int vbuf_pfns_open(struct inode *inode, struct file *file)
{
	int ret = mmlens_pfn_access(file);

	return ret ?: seq_open(file, &vbuf_pfns_sops);
}

static const struct file_operations vbuf_pfns_fops = {
	.owner = THIS_MODULE,
	.open = vbuf_pfns_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release,
};

/* Writes each page's header line and records its struct page. */
static void vbuf_fill(void)
{
	unsigned long i;

	for (i = 0; i < vbuf.pages; i++) {
		scnprintf(vbuf.mem + (i << PAGE_SHIFT), PAGE_SIZE,
			  MMLENS_VBUF_PAGE_FMT, i);
		vbuf.page[i] = vmalloc_to_page(vbuf.mem + (i << PAGE_SHIFT));
		/* Up to 2^18 pages at insmod time. */
		cond_resched();
	}
}

/* The buffer: nothing user-visible yet, so a failure here is harmless. */
int mmlens_vbuf_alloc(void)
{
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
	/*
	 * The pages once, for the fault handlers and vm_insert_pages(),
	 * instead of a walk of the kernel page tables per fault.
	 */
	vbuf.page = kvmalloc_array(vbuf.pages, sizeof(*vbuf.page),
				   GFP_KERNEL | __GFP_NOWARN |
				   __GFP_RETRY_MAYFAIL);
	if (!vbuf.page) {
		pr_err("cannot allocate the page array for vbuf_size=%lu\n",
		       vbuf_size);
		mmlens_vbuf_free();
		return -ENOMEM;
	}
	vbuf_fill();
	return 0;
}

/* /dev/mmlens: the last step of init that can fail (main.c). */
int mmlens_vbuf_register(void)
{
	int err = misc_register(&vbuf_misc);

	if (err)
		pr_err("cannot register /dev/%s: %d\n", vbuf_misc.name, err);
	return err;
}

/* debugfs return values are deliberately not checked. */
void mmlens_vbuf_files_init(struct dentry *dbg)
{
	debugfs_create_file("vbuf", 0400, dbg, NULL, &vbuf_stats_fops);
	debugfs_create_file("vbuf_pfns", 0400, dbg, NULL, &vbuf_pfns_fops);
}

/* After the debugfs files are gone; no file of the device is open. */
void mmlens_vbuf_unregister(void)
{
	misc_deregister(&vbuf_misc);
}

void mmlens_vbuf_free(void)
{
	kvfree(vbuf.page);
	vbuf.page = NULL;
	vfree(vbuf.mem);
	vbuf.mem = NULL;
}
