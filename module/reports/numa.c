// SPDX-License-Identifier: GPL-2.0
/*
 * numa.c - the numa report: per VMA, its memory policy and its
 * pages per node, as /proc/PID/numa_maps shows them (fs/proc/task_mmu.c
 * show_numa_map, gather_pte_stats, gather_hugetlb_stats; format in
 * docs/walk.md). A visitor of the walker: it counts raw entries, the
 * walker reads them.
 */
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/nodemask.h>
#include <linux/slab.h>

#include "kernel/compat.h"
#include "kernel/kshim.h"
#include "kernel/memmap.h"
#include "pt/walk.h"
#include "reports/reports.h"
#include "reports/visit.h"

/*
 * mpol_to_str()'s buffer in show_numa_map(): a policy whose text would be
 * longer is cut there, and so here.
 */
#define NUMA_POLICY_MAX 64

/*
 * Room kept free before every walk step (the walker grows the buffer
 * with mmap_lock dropped, walk.h): one VMA's line is at most the range,
 * the policy and " N<node>=<count>" for every node.
 */
#define NUMA_LINE_MAX(nodes) (48 + NUMA_POLICY_MAX + (nodes) * 32)

struct numa_state {
	struct mmlens_textbuf *out;
	const struct mmlens_vma_info *vi;	/* from vma_enter to vma_leave */
	struct mmlens_policy task;		/* the target task's policy */
	size_t room;
	/* how this VMA's entries count (numa_vma_kind()) */
	bool skip, hugetlb, mixed;
	unsigned long *pages;			/* per node, nr_node_ids */
};

/*
 * mpol_to_str() (mm/mempolicy.c, the same on 6.1 and 6.12 but for the
 * weighted interleave mode of 6.9) is not exported: the same text from the
 * copied policy. No policy is the default policy, and so is a task
 * without one (get_task_policy()'s default_policy or
 * preferred_node_policy[], which mpol_to_str() prints as "default").
 */
static void numa_policy_text(char *buf, size_t size,
			     const struct mmlens_policy *p)
{
	unsigned short mode = p->set ? p->mode : MPOL_DEFAULT;
	unsigned short flags = p->set ? p->flags & MPOL_MODE_FLAGS : 0;
	bool nodes = false;
	const char *name;
	size_t len;

	switch (mode) {
	case MPOL_DEFAULT:
		name = "default";
		break;
	case MPOL_LOCAL:
		name = "local";
		break;
	case MPOL_PREFERRED:
		name = "prefer";
		nodes = true;
		break;
	case MPOL_PREFERRED_MANY:
		name = "prefer (many)";
		nodes = true;
		break;
	case MPOL_BIND:
		name = "bind";
		nodes = true;
		break;
	case MPOL_INTERLEAVE:
		name = "interleave";
		nodes = true;
		break;
	case MMLENS_MPOL_WEIGHTED_INTERLEAVE:
		name = "weighted interleave";
		nodes = true;
		break;
	default:
		scnprintf(buf, size, "unknown");
		return;
	}
	len = scnprintf(buf, size, "%s", name);
	if (flags) {
		len += scnprintf(buf + len, size - len, "=");
		/* the kernel refuses static and relative together */
		if (flags & MPOL_F_STATIC_NODES)
			len += scnprintf(buf + len, size - len, "static");
		else if (flags & MPOL_F_RELATIVE_NODES)
			len += scnprintf(buf + len, size - len, "relative");
		if (flags & MPOL_F_NUMA_BALANCING) {
			if (!is_power_of_2(flags))
				len += scnprintf(buf + len, size - len, "|");
			len += scnprintf(buf + len, size - len, "balancing");
		}
	}
	if (nodes && !nodes_empty(p->nodes))
		scnprintf(buf + len, size - len, ":%*pbl",
			  nodemask_pr_args(&p->nodes));
}

static int numa_enter(void *priv, const struct mmlens_vma_info *vi)
{
	struct numa_state *s = priv;

	s->vi = vi;
	memset(s->pages, 0, nr_node_ids * sizeof(*s->pages));
	/*
	 * walk_page_vma() skips VM_PFNMAP VMAs whole (walk_page_test());
	 * hugetlb VMAs go to gather_hugetlb_stats(), the rest to
	 * gather_pte_stats().
	 */
	s->skip = vi->flags & VM_PFNMAP;
	s->hugetlb = vi->flags & VM_HUGETLB;
	s->mixed = vi->flags & VM_MIXEDMAP;
	return 0;
}

/*
 * can_gather_numa_stats() after vm_normal_page() found a page: not
 * ZONE_DEVICE (checked for ptes only, as the kernel does), not
 * PageReserved (the vDSO's pages, for one), on a node with memory.
 * The struct page is read without the page-table lock numa_maps holds,
 * after the walker copied the entries: a page freed and reused meanwhile
 * counts where it is now, and one whose memory was hot-removed meanwhile
 * (its memmap freed) is not counted. Only the flags word is read, through
 * memmap.h, so that window cannot fault.
 */
static void numa_count_page(struct numa_state *s, unsigned long pfn,
			    bool pte, unsigned long nr)
{
	unsigned long flags;
	int nid;

	if (!mmlens_memmap_flags(pfn, &flags))
		return;
#ifdef CONFIG_ZONE_DEVICE
	if (pte && mmlens_flags_zonenum(flags) == ZONE_DEVICE)
		return;
#endif
	if (test_bit(PG_reserved, &flags))
		return;
	nid = mmlens_flags_nid(flags);
	if (!node_state(nid, N_MEMORY))
		return;
	s->pages[nid] += nr;
}

/*
 * A present pte's normal page: vm_normal_page() is not exported. x86 has
 * pte_special (CONFIG_ARCH_HAS_PTE_SPECIAL), so on 6.1 and 6.12 a pte is
 * normal exactly when the special bit is clear; every special pte (the
 * zero page, pfnmap and mixedmap inserts, devmap) has no normal page,
 * except where vm_ops->find_special_page supplies one, which only Xen's
 * gntdev does, and which is not followed here. A frame above the memmap
 * (vm_normal_page compares with highest_memmap_pfn, which is not
 * exported) is one without a valid memmap: pfn_valid().
 */
static void numa_pte(struct numa_state *s, u64 v)
{
	unsigned long pfn;

	if (!pte_present(__pte(v)) || (v & _PAGE_SPECIAL))
		return;
	/*
	 * pte_pfn(), not the raw bits: a PROT_NONE pte (mprotect, NUMA
	 * balancing's hinting faults) holds its frame inverted (L1TF).
	 */
	pfn = pte_pfn(__pte(v));
	if (pfn_valid(pfn))
		numa_count_page(s, pfn, true, 1);
}

/*
 * A pmd leaf outside hugetlb (a THP): can_gather_numa_stats_pmd() and
 * vm_normal_page_pmd(), counted as HPAGE_PMD_NR pages. 6.12 refuses
 * special pmds first; a VM_MIXEDMAP VMA takes any valid frame (before
 * the devmap and huge zero checks); otherwise devmap leaves and the huge
 * zero page (the walker's zero flag: anonymous VMAs are where it is
 * mapped) have no normal page. VM_PFNMAP never gets here (skipped).
 */
static void numa_pmd(struct numa_state *s, const struct mmlens_leaf *leaf)
{
	/*
	 * pmd_pfn(): it leaves out a large leaf's PAT bit (12) and undoes the
	 * PROT_NONE frame inversion.
	 */
	unsigned long pfn = pmd_pfn(__pmd(leaf->raw));
	u64 v = leaf->raw;

	if (!(v & (_PAGE_PRESENT | _PAGE_PROTNONE)))
		return;		/* a pmd migration entry */
	if (mmlens_pmd_special(v) || !pfn_valid(pfn))
		return;
	if (!s->mixed && ((v & _PAGE_DEVMAP) || leaf->zero))
		return;
	numa_count_page(s, pfn, false, HPAGE_PMD_NR);
}

/*
 * gather_hugetlb_stats(): a present (or PROT_NONE) hugetlb entry counts
 * one huge page, of either size, on its page's node; nothing else is
 * checked.
 */
static void numa_hugetlb(struct numa_state *s, const struct mmlens_leaf *leaf)
{
	unsigned long pfn = leaf->level == MMLENS_PUD ?
			    pud_pfn(__pud(leaf->raw)) :
			    pmd_pfn(__pmd(leaf->raw));
	unsigned long flags;
	int nid;

	if (!pte_present(__pte(leaf->raw)) || !pfn_valid(pfn) ||
	    !mmlens_memmap_flags(pfn, &flags))
		return;
	/* A memmap freed and reused (memmap.h) may hold any node number. */
	nid = mmlens_flags_nid(flags);
	if (nid < nr_node_ids)
		s->pages[nid]++;
}

static int numa_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct numa_state *s = priv;

	if (s->skip)
		return 0;
	if (s->hugetlb) {
		/* x86 hugetlb entries are pmd or pud leaves */
		if (leaf->level != MMLENS_PTE)
			numa_hugetlb(s, leaf);
		return 0;
	}
	/* pud leaves outside hugetlb (device dax) are not counted */
	if (leaf->level == MMLENS_PMD)
		numa_pmd(s, leaf);
	return 0;
}

/* A whole pte table: raw values, one call per present normal page. */
static int numa_ptes(void *priv, unsigned long addr, const pte_t *ptes,
		     unsigned int n)
{
	struct numa_state *s = priv;
	unsigned int i;

	if (s->skip || s->hugetlb)
		return 0;
	for (i = 0; i < n; i++) {
		u64 v = pte_val(ptes[i]);

		if (v & (_PAGE_PRESENT | _PAGE_PROTNONE))
			numa_pte(s, v);
	}
	return 0;
}

/* "<start>-<end> <policy>[ N<node>=<pages>...]" */
static int numa_leave(void *priv)
{
	struct numa_state *s = priv;
	const struct mmlens_vma_info *vi = s->vi;
	struct mmlens_textbuf *out = s->out;
	char policy[NUMA_POLICY_MAX];
	int nid;

	numa_policy_text(policy, sizeof(policy),
			 vi->policy.set ? &vi->policy : &s->task);
	mmlens_textbuf_printf(out, "%08lx-%08lx %s", vi->start, vi->end,
			      policy);
	/* numa_maps prints the nodes with memory, in node order */
	for_each_node_state(nid, N_MEMORY)
		if (s->pages[nid])
			mmlens_textbuf_printf(out, " N%d=%lu", nid,
					      s->pages[nid]);
	mmlens_textbuf_put(out, "\n", 1);
	return out->err;
}

static bool numa_want_unlocked(void *priv)
{
	struct numa_state *s = priv;

	return mmlens_out_want_unlocked(s->out, s->room);
}

static int numa_unlocked(void *priv)
{
	struct numa_state *s = priv;

	return mmlens_out_unlocked(s->out, s->room);
}

static const struct mmlens_walk_ops numa_ops = {
	.vma_enter = numa_enter,
	.vma_leave = numa_leave,
	.leaf = numa_leaf,
	.ptes = numa_ptes,
	.want_unlocked = numa_want_unlocked,
	.unlocked = numa_unlocked,
	.want_policy = true,
};

void mmlens_numa_task_policy(struct task_struct *task,
			     struct mmlens_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->set = mmlens_task_policy(task, &p->mode, &p->flags, &p->nodes);
}

static void numa_free(void *state)
{
	struct numa_state *s = state;

	kfree(s->pages);
	kfree(s);
}

static const struct mmlens_stream_ops numa_stream_ops = {
	.walk = &numa_ops,
	.free = numa_free,
};

int mmlens_stream_numa(struct mmlens_stream *st, struct mm_struct *mm,
		       const struct mmlens_policy *task,
		       struct mmlens_textbuf *out)
{
	struct numa_state *s;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return -ENOMEM;
	s->pages = kcalloc(nr_node_ids, sizeof(*s->pages), GFP_KERNEL_ACCOUNT);
	if (!s->pages) {
		kfree(s);
		return -ENOMEM;
	}
	s->out = out;
	s->task = *task;
	s->room = NUMA_LINE_MAX(nr_node_ids);
	return mmlens_stream_init(st, &numa_stream_ops, s, mm, out);
}
