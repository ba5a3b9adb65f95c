// SPDX-License-Identifier: GPL-2.0
/*
 * vtop.c - the vtop report: one address through every paging level, a
 * visitor of the page-table walker (format in docs/walk.md).
 */
#include <linux/mm.h>
#include <linux/module.h>

#include "kernel/compat.h"
#include "pt/entry.h"
#include "pt/walk.h"
#include "reports/reports.h"

struct vtop_state {
	struct mmlens_textbuf *out;
	unsigned long addr;		/* the address asked about */
	unsigned int levels;		/* 4 or 5 */
	bool mapped;			/* the walk entered a VMA */
	bool hide_tables;		/* mask table addresses (lockdown) */
};

static void vtop_entry(struct vtop_state *s, enum mmlens_level level,
		       u64 raw, bool leaf, bool zero)
{
	char flags[160];

	/* with 4 levels the p4d is the pgd: "p4d folded" follows the pgd */
	if (level == MMLENS_P4D && s->levels == 4)
		return;
	mmlens_format_flags(flags, sizeof(flags), raw, level, leaf,
			    leaf && zero);
	mmlens_textbuf_printf(s->out, "%s index=%u entry=%llx %s\n",
			      mmlens_level_name(level),
			      mmlens_level_index(s->addr, level, s->levels),
			      raw, flags);
	if (level == MMLENS_PGD && s->levels == 4)
		mmlens_textbuf_printf(s->out, "p4d folded\n");
}

static int vtop_enter(void *priv, const struct mmlens_vma_info *vi)
{
	((struct vtop_state *)priv)->mapped = true;
	return 0;
}

static int vtop_upper(void *priv, enum mmlens_level level,
		      unsigned long addr, u64 raw)
{
	struct vtop_state *s = priv;

	/*
	 * The address in an entry that points to a table is the physical
	 * address of a kernel page-table page; leaves keep theirs (user
	 * frames, as pagemap shows them).
	 */
	if (s->hide_tables)
		raw &= ~PTE_PFN_MASK;
	vtop_entry(s, level, raw, false, false);
	return s->out->err;
}

static int vtop_hole(void *priv, enum mmlens_level level,
		     unsigned long start, unsigned long end)
{
	struct vtop_state *s = priv;

	/* a none entry is 0 (x86's *_none() ignore only KNL erratum bits) */
	vtop_entry(s, level, 0, false, false);
	mmlens_textbuf_printf(s->out, "not-present at %s\n",
			      mmlens_level_name(level));
	return s->out->err;
}

static int vtop_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct vtop_state *s = priv;
	unsigned long size = mmlens_level_size(leaf->level);
	struct mmlens_textbuf *out = s->out;
	struct mmlens_entry e;
	u64 pfn;

	vtop_entry(s, leaf->level, leaf->raw, true, leaf->zero);
	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	switch (e.kind) {
	case MMLENS_PRESENT:
		pfn = e.value + ((s->addr & (size - 1)) >> PAGE_SHIFT);
		mmlens_textbuf_printf(out, "pfn=%llx paddr=%llx\n", pfn,
				      (pfn << PAGE_SHIFT) |
				      (s->addr & ~PAGE_MASK));
		break;
	case MMLENS_SWAP:
		mmlens_textbuf_printf(out, "swap type=%u offset=%llx\n",
				      e.type, e.value);
		break;
	case MMLENS_MARKER:
		mmlens_textbuf_printf(out, "marker kind=%s\n", e.marker);
		break;
	case MMLENS_OTHER:
		mmlens_textbuf_printf(out, "other entry=%llx\n", leaf->raw);
		break;
	default:
		mmlens_textbuf_printf(out, "%s pfn=%llx\n",
				      mmlens_kind_name(e.kind), e.value);
		break;
	}
	return out->err;
}

static const struct mmlens_walk_ops vtop_ops = {
	.vma_enter = vtop_enter,
	.upper = vtop_upper,
	.hole = vtop_hole,
	.leaf = vtop_leaf,
};

/*
 * One address through the walker, over [addr, addr + 1): an address
 * outside every VMA is never walked (walk.c) and answers "not-mapped".
 */
int mmlens_report_vtop(struct mm_struct *mm, unsigned long addr,
		       bool hide_tables, struct mmlens_textbuf *out)
{
	struct vtop_state s = {
		.out = out,
		.addr = addr,
		.levels = pgtable_l5_enabled() ? 5 : 4,
		.hide_tables = hide_tables,
	};
	int ret;

	ret = mmlens_walk(mm, addr, addr + 1, &vtop_ops, &s);
	if (ret)
		return ret;
	if (!s.mapped)
		mmlens_textbuf_printf(out, "not-mapped\n");
	return out->err;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_report_vtop);
