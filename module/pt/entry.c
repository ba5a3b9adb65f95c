// SPDX-License-Identifier: GPL-2.0
/*
 * entry.c - decode raw page-table entries.
 *
 * The flag table is data, one row per named bit, with the kernel's own
 * _PAGE_* macros: bits that moved between versions (_PAGE_DEVMAP is bit 58
 * on 6.1 and 57 on 6.12) or do not exist in a configuration (the macro is
 * then 0) come out right without a version test.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/swap.h>
#include <linux/swapops.h>

#include "kernel/compat.h"
#include "pt/entry.h"

struct flag_name {
	u64 mask;
	enum mmlens_flag_bit bit;	/* its bit, and so its name */
	unsigned int where;		/* FL_* below */
};

#define FL_PTE		BIT(0)	/* leaf at the pte level */
#define FL_HUGE		BIT(1)	/* leaf at the pmd or pud level */
#define FL_TABLE	BIT(2)	/* entry that points to a table */
#define FL_PROTNONE	BIT(3)	/* leaf that is present only as PROT_NONE */
#define FL_ALL		(FL_PTE | FL_HUGE | FL_TABLE)
#define FL_LEAF		(FL_PTE | FL_HUGE)

/* In the order of enum mmlens_flag_bit, which is the order of the text. */
static const struct flag_name flag_names[] = {
	{ _PAGE_RW, MMLENS_FB_RW, FL_ALL },
	{ _PAGE_USER, MMLENS_FB_USER, FL_ALL },
	{ _PAGE_PWT, MMLENS_FB_PWT, FL_ALL },
	{ _PAGE_PCD, MMLENS_FB_PCD, FL_ALL },
	{ _PAGE_ACCESSED, MMLENS_FB_ACCESSED, FL_ALL },
	{ _PAGE_DIRTY, MMLENS_FB_DIRTY, FL_PTE | FL_HUGE },
	{ _PAGE_PSE, MMLENS_FB_HUGE, FL_HUGE },
	{ _PAGE_PAT, MMLENS_FB_PAT, FL_PTE },
	{ _PAGE_PAT_LARGE, MMLENS_FB_PAT, FL_HUGE },
	/* _PAGE_PROTNONE is _PAGE_GLOBAL on a leaf without _PAGE_PRESENT */
	{ _PAGE_GLOBAL, MMLENS_FB_GLOBAL, FL_LEAF },
	{ _PAGE_PROTNONE, MMLENS_FB_PROTNONE, FL_LEAF | FL_PROTNONE },
	{ _PAGE_SPECIAL, MMLENS_FB_SPECIAL, FL_PTE | FL_HUGE },
	{ _PAGE_UFFD_WP, MMLENS_FB_UFFD_WP, FL_PTE | FL_HUGE },
	{ _PAGE_SOFT_DIRTY, MMLENS_FB_SOFT_DIRTY, FL_PTE | FL_HUGE },
	{ _PAGE_DEVMAP, MMLENS_FB_DEVMAP, FL_PTE | FL_HUGE },
#ifdef MMLENS_PAGE_SAVED_DIRTY
	{ MMLENS_PAGE_SAVED_DIRTY, MMLENS_FB_SAVED_DIRTY, FL_PTE | FL_HUGE },
#endif
	{ _PAGE_NX, MMLENS_FB_NX, FL_ALL },
};

static unsigned int flag_where(u64 raw, enum mmlens_level level, bool leaf)
{
	unsigned int where;

	if (!leaf)
		return FL_TABLE;
	where = level == MMLENS_PTE ? FL_PTE : FL_HUGE;
	/* pte_present() is also true for PROT_NONE (NUMA hinting) leaves */
	if (!(raw & _PAGE_PRESENT))
		where |= FL_PROTNONE;
	return where;
}

static bool flag_applies(const struct flag_name *f, u64 raw,
			 unsigned int where)
{
	if (!f->mask || !(raw & f->mask) || !(f->where & where))
		return false;
	/* the protnone row and the rows for the same bit exclude each other */
	return !(f->where & FL_PROTNONE) == !(where & FL_PROTNONE) ||
	       f->mask != _PAGE_PROTNONE;
}

/*
 * The named bits for each combination of FL_* bits, computed once: this
 * runs for every entry of a walk. Racing first users compute the same
 * values, so the benign race needs no lock.
 */
static u64 named_mask(unsigned int where)
{
	static u64 masks[FL_PROTNONE << 1];
	static bool ready;
	unsigned int w;
	size_t i;

	/* acquire: pairs with the release below, masks[] is then complete */
	if (!smp_load_acquire(&ready)) {
		for (w = 0; w < ARRAY_SIZE(masks); w++) {
			u64 mask = 0;

			for (i = 0; i < ARRAY_SIZE(flag_names); i++)
				if (flag_applies(&flag_names[i], ~0ULL, w))
					mask |= flag_names[i].mask;
			WRITE_ONCE(masks[w], mask);
		}
		/* release: masks[] is written before ready is seen */
		smp_store_release(&ready, true);
	}
	return READ_ONCE(masks[where]);
}

static u64 named_flags(u64 raw, unsigned int where)
{
	return raw & named_mask(where);
}

u64 mmlens_pte_named_flags(void)
{
	return named_mask(FL_PTE);
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_pte_named_flags);

static void decode_swap(swp_entry_t swp, struct mmlens_entry *e)
{
	if (!non_swap_entry(swp)) {
		e->kind = MMLENS_SWAP;
		e->type = swp_type(swp);
		e->value = swp_offset(swp);
	} else if (is_migration_entry(swp)) {
		e->kind = MMLENS_MIGRATION;
		e->value = swp_offset_pfn(swp);
	} else if (is_device_private_entry(swp)) {
		e->kind = MMLENS_DEVICE_PRIVATE;
		e->value = swp_offset_pfn(swp);
	} else if (is_device_exclusive_entry(swp)) {
		e->kind = MMLENS_DEVICE_EXCLUSIVE;
		e->value = swp_offset_pfn(swp);
	} else if (is_hwpoison_entry(swp)) {
		e->kind = MMLENS_HWPOISON;
		e->value = swp_offset_pfn(swp);
	} else if (is_pte_marker_entry(swp)) {
		e->kind = MMLENS_MARKER;
		e->mark = (pte_marker_get(swp) & PTE_MARKER_UFFD_WP) ?
			  MMLENS_MARKER_UFFD_WP : MMLENS_MARKER_OTHER;
		e->marker = e->mark == MMLENS_MARKER_UFFD_WP ? "uffd-wp" :
							       "other";
	} else {
		e->kind = MMLENS_OTHER;
		e->type = swp_type(swp);
		e->value = swp_offset(swp);
	}
}

void mmlens_decode_entry(u64 raw, enum mmlens_level level, bool zero,
			 struct mmlens_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->zero = zero;
	if (level == MMLENS_PTE && pte_present(__pte(raw))) {
		e->kind = MMLENS_PRESENT;
		e->value = pte_pfn(__pte(raw));
		e->flags = named_flags(raw, flag_where(raw, level, true));
	} else if (level == MMLENS_PTE) {
		decode_swap(pte_to_swp_entry(__pte(raw)), e);
	} else if (level == MMLENS_PMD && pmd_present(__pmd(raw))) {
		e->kind = MMLENS_PRESENT;
		e->value = pmd_pfn(__pmd(raw));
		e->flags = named_flags(raw, flag_where(raw, level, true));
	} else if (level == MMLENS_PMD) {
		decode_swap(pmd_to_swp_entry(__pmd(raw)), e);
	} else if (level == MMLENS_PUD && pte_present(__pte(raw))) {
		/*
		 * Only hugetlb (and DAX) make pud leaves, and hugetlb reads
		 * them as ptes (huge_ptep_get): present also when PROT_NONE,
		 * which x86's pud_present() (present bit only) would miss;
		 * pud_pfn() undoes the PROT_NONE frame inversion.
		 */
		e->kind = MMLENS_PRESENT;
		e->value = pud_pfn(__pud(raw));
		e->flags = named_flags(raw, flag_where(raw, level, true));
	} else {
		/* hugetlb migration, hwpoison and marker entries */
		decode_swap(pte_to_swp_entry(__pte(raw)), e);
	}
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_decode_entry);

u64 mmlens_flag_bits(u64 raw, enum mmlens_level level, bool leaf, bool zero)
{
	unsigned int where = flag_where(raw, level, leaf);
	u64 bits = zero ? BIT_ULL(MMLENS_FB_ZERO) : 0;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(flag_names); i++)
		if (flag_applies(&flag_names[i], raw, where))
			bits |= BIT_ULL(flag_names[i].bit);
	return bits;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_flag_bits);

/* The text is the names of the bits, so the two encodings agree. */
int mmlens_format_flags(char *buf, size_t size, u64 raw,
			enum mmlens_level level, bool leaf, bool zero)
{
	static const char * const names[MMLENS_NR_FLAG_BITS] =
		MMLENS_FLAG_NAMES;
	u64 bits = mmlens_flag_bits(raw, level, leaf, zero);
	int len = 0;
	unsigned int b;

	buf[0] = '\0';
	for (b = 0; b < MMLENS_NR_FLAG_BITS; b++)
		if (bits & BIT_ULL(b))
			len += scnprintf(buf + len, size - len, "%s%s",
					 len ? "," : "", names[b]);
	if (!len)
		len = scnprintf(buf, size, "-");
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_format_flags);

const char *mmlens_kind_name(enum mmlens_kind kind)
{
	static const char * const names[MMLENS_NR_KINDS] = MMLENS_KIND_NAMES;

	return kind < ARRAY_SIZE(names) ? names[kind] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(mmlens_kind_name);
