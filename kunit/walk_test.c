// SPDX-License-Identifier: GPL-2.0
/*
 * walk_test.c - KUnit suites for the page-table walker's pure logic and
 * for the walker itself over a real user mm:
 *
 *   mmlens_entry  decoding raw entries: kind, frame, swap slot, flag names
 *   mmlens_run    the rules that coalesce leaf entries into maximal runs
 *   mmlens_input  pid/address parsers and per-level address indices
 *   mmlens_walk   mmlens_walk()/mmlens_translate() over an mm of our own
 *                 (kunit_vm_mmap), against get_user_pages_remote(); a
 *                 walk paused at every step, a report streamed in chunks
 *
 * Expected values are written out by hand from the x86-64 entry layout
 * (Intel SDM vol. 3, 4.5): bit 0 present, 1 rw, 2 user, 3 pwt, 4 pcd,
 * 5 accessed, 6 dirty, 7 pat (pte) / pse (pmd, pud), 8 global, 9 special
 * (software), 11 soft-dirty (software), 63 nx; frame in bits 12..51.
 */
#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/swapops.h>
#include <linux/uaccess.h>

#include "pt/entry.h"
#include "pt/level.h"
#include "pt/run.h"
#include "pt/walk.h"
#include "reports/input.h"
#include "reports/textbuf.h"
#include "reports/reports.h"

#define BIT_P		0x001ULL
#define BIT_RW		0x002ULL
#define BIT_USER	0x004ULL
#define BIT_A		0x020ULL
#define BIT_D		0x040ULL
#define BIT_PSE		0x080ULL
#define BIT_G		0x100ULL
#define BIT_NX		(1ULL << 63)

static void flags_of(struct kunit *test, u64 raw, enum mmlens_level level,
		     bool zero, const char *want)
{
	char buf[160];

	mmlens_format_flags(buf, sizeof(buf), raw, level, true, zero);
	KUNIT_EXPECT_STREQ_MSG(test, buf, want, "raw %llx level %s", raw,
			       mmlens_level_name(level));
}

static void entry_present_pte(struct kunit *test)
{
	u64 raw = BIT_NX | (0x1234ULL << 12) | BIT_D | BIT_A | BIT_USER |
		  BIT_RW | BIT_P;
	struct mmlens_entry e;

	mmlens_decode_entry(raw, MMLENS_PTE, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_PRESENT);
	KUNIT_EXPECT_EQ(test, e.value, 0x1234ULL);
	flags_of(test, raw, MMLENS_PTE, false, "rw,user,accessed,dirty,nx");
	flags_of(test, BIT_USER | BIT_P, MMLENS_PTE, true, "user,zero");
	flags_of(test, BIT_P, MMLENS_PTE, false, "-");
	/* bit 7 is PAT in a pte, bit 8 global, bit 3/4 pwt/pcd */
	flags_of(test, BIT_P | 0x80 | 0x100 | 0x8 | 0x10, MMLENS_PTE, false,
		 "pwt,pcd,pat,global");
	/* software bits: 9 special, 11 soft-dirty (a bit of its own only
	 * with CONFIG_MEM_SOFT_DIRTY)
	 */
	flags_of(test, BIT_P | (1 << 9) | (1 << 11), MMLENS_PTE, false,
		 IS_ENABLED(CONFIG_MEM_SOFT_DIRTY) ? "special,soft-dirty" :
						     "special");
}

static void entry_huge(struct kunit *test)
{
	/* 2 MiB leaf at frame 0x200 (physical 2 MiB), PAT in bit 12 */
	u64 pmd = (0x200ULL << 12) | BIT_PSE | BIT_A | BIT_USER | BIT_P;
	u64 pud = (0x40000ULL << 12) | BIT_PSE | BIT_RW | BIT_P;
	struct mmlens_entry e;

	mmlens_decode_entry(pmd, MMLENS_PMD, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_PRESENT);
	KUNIT_EXPECT_EQ(test, e.value, 0x200ULL);
	flags_of(test, pmd, MMLENS_PMD, false, "user,accessed,huge");
	flags_of(test, pmd | (1ULL << 12), MMLENS_PMD, false,
		 "user,accessed,huge,pat");
	mmlens_decode_entry(pud, MMLENS_PUD, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_PRESENT);
	KUNIT_EXPECT_EQ(test, e.value, 0x40000ULL);
	flags_of(test, pud, MMLENS_PUD, false, "rw,huge");
	KUNIT_EXPECT_EQ(test, mmlens_level_size(MMLENS_PTE), 4096UL);
	KUNIT_EXPECT_EQ(test, mmlens_level_size(MMLENS_PMD), 2UL << 20);
	KUNIT_EXPECT_EQ(test, mmlens_level_size(MMLENS_PUD), 1UL << 30);
}

/* The software bits that remain: 10 uffd-wp, 57 devmap, 58 saved-dirty. */
static void entry_software_bits(struct kunit *test)
{
	u64 sw = (1ULL << 10) | (1ULL << 57) | (1ULL << 58);
	bool uffd = IS_ENABLED(CONFIG_HAVE_ARCH_USERFAULTFD_WP);

	flags_of(test, BIT_P | sw, MMLENS_PTE, false,
		 uffd ? "uffd-wp,devmap,saved-dirty" : "devmap,saved-dirty");
	flags_of(test, BIT_P | BIT_PSE | sw, MMLENS_PMD, false,
		 uffd ? "huge,uffd-wp,devmap,saved-dirty" :
			"huge,devmap,saved-dirty");
	/* a table entry: only the bits that mean something there */
	{
		char buf[160];

		mmlens_format_flags(buf, sizeof(buf),
				    BIT_P | BIT_RW | BIT_USER | BIT_A | BIT_D |
				    BIT_G | sw, MMLENS_PMD, false, false);
		KUNIT_EXPECT_STREQ(test, buf, "rw,user,accessed");
	}
}

static void entry_protnone(struct kunit *test)
{
	/*
	 * Present bit clear, bit 8 set: a PROT_NONE leaf, not "global". Its
	 * frame is stored inverted (the L1TF mitigation, pte_pfn() undoes it).
	 */
	u64 raw = ((~0x77ULL << 12) & PTE_PFN_MASK) | BIT_G | BIT_A | BIT_USER;
	struct mmlens_entry e;

	mmlens_decode_entry(raw, MMLENS_PTE, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_PRESENT);
	KUNIT_EXPECT_EQ(test, e.value, 0x77ULL);
	flags_of(test, raw, MMLENS_PTE, false, "user,accessed,protnone");

	/*
	 * The same at the pud level (a PROT_NONE 1 GiB hugetlb page): x86's
	 * pud_present() tests the present bit only, pagemap calls it
	 * present, and so must we. A huge leaf inverts only the frame bits
	 * above its size (pfn_pud()): bit 12 stays pat.
	 */
	raw = ((~0x40000ULL << 12) & PTE_PFN_MASK & ~(PUD_SIZE - 1)) |
	      BIT_PSE | BIT_G | BIT_A | BIT_USER;
	mmlens_decode_entry(raw, MMLENS_PUD, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_PRESENT);
	KUNIT_EXPECT_EQ(test, e.value, 0x40000ULL);
	flags_of(test, raw, MMLENS_PUD, false, "user,accessed,huge,protnone");
}

/* Names are escaped as /proc/PID/maps escapes them: "\n" as "\012". */
static void textbuf_escaping(struct kunit *test)
{
	struct mmlens_textbuf tb = {};

	mmlens_textbuf_escaped(&tb, "a\nlevels=9 \\x", "\n");
	KUNIT_ASSERT_EQ(test, tb.err, 0);
	KUNIT_EXPECT_STREQ(test, tb.data, "a\\012levels=9 \\x");
	mmlens_textbuf_escaped(&tb, "\n", "\n");
	KUNIT_EXPECT_STREQ(test, tb.data, "a\\012levels=9 \\x\\012");
	mmlens_textbuf_free(&tb);
}

static void entry_swap_kinds(struct kunit *test)
{
	struct mmlens_entry e;
	pte_t pte;

	pte = swp_entry_to_pte(swp_entry(3, 0x12345));
	mmlens_decode_entry(pte_val(pte), MMLENS_PTE, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_SWAP);
	KUNIT_EXPECT_EQ(test, e.type, 3U);
	KUNIT_EXPECT_EQ(test, e.value, 0x12345ULL);
	KUNIT_EXPECT_STREQ(test, mmlens_kind_name(e.kind), "swap");

	pte = swp_entry_to_pte(make_writable_migration_entry(0x4321));
	mmlens_decode_entry(pte_val(pte), MMLENS_PTE, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_MIGRATION);
	KUNIT_EXPECT_EQ(test, e.value, 0x4321ULL);

	pte = make_pte_marker(PTE_MARKER_UFFD_WP);
	mmlens_decode_entry(pte_val(pte), MMLENS_PTE, false, &e);
	KUNIT_EXPECT_EQ(test, e.kind, MMLENS_MARKER);
	KUNIT_EXPECT_STREQ(test, e.marker, "uffd-wp");
}

/* The formatters of the pagetable report's per-run lines. */
static void textbuf_numbers(struct kunit *test)
{
	static const struct {
		u64 v;
		const char *hex, *dec;
	} cases[] = {
		{ 0, "0", "0" },
		{ 9, "9", "9" },
		{ 0xabc, "abc", "2748" },
		{ 0x7fffffffffffULL, "7fffffffffff", "140737488355327" },
		{ ~0ULL, "ffffffffffffffff", "18446744073709551615" },
	};
	char buf[24];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		*mmlens_fmt_hex(buf, cases[i].v) = '\0';
		KUNIT_EXPECT_STREQ(test, buf, cases[i].hex);
		*mmlens_fmt_dec(buf, cases[i].v) = '\0';
		KUNIT_EXPECT_STREQ(test, buf, cases[i].dec);
	}
	/* %08lx, as /proc/PID/maps pads addresses */
	*mmlens_fmt_hex_pad(buf, 0x1234, 8) = '\0';
	KUNIT_EXPECT_STREQ(test, buf, "00001234");
	*mmlens_fmt_hex_pad(buf, 0, 8) = '\0';
	KUNIT_EXPECT_STREQ(test, buf, "00000000");
	*mmlens_fmt_hex_pad(buf, 0x7f0123456789ULL, 8) = '\0';
	KUNIT_EXPECT_STREQ(test, buf, "7f0123456789");
}

static struct kunit_case entry_cases[] = {
	KUNIT_CASE(entry_present_pte),
	KUNIT_CASE(entry_huge),
	KUNIT_CASE(entry_software_bits),
	KUNIT_CASE(entry_protnone),
	KUNIT_CASE(textbuf_escaping),
	KUNIT_CASE(textbuf_numbers),
	KUNIT_CASE(entry_swap_kinds),
	{}
};

static struct kunit_suite entry_suite = {
	.name = "mmlens_entry",
	.test_cases = entry_cases,
};

/* ---- runs ---- */

static struct mmlens_entry present(u64 pfn, u64 flags)
{
	struct mmlens_entry e = { .kind = MMLENS_PRESENT, .value = pfn,
				  .flags = flags };
	return e;
}

static void run_pte_rules(struct kunit *test)
{
	struct mmlens_entry a = present(100, BIT_RW), e;
	struct mmlens_run r = {};

	mmlens_run_start(&r, 0x1000, MMLENS_PTE, 0, &a);
	e = present(101, BIT_RW);
	KUNIT_EXPECT_TRUE(test, mmlens_run_extend(&r, 0x2000, MMLENS_PTE, &e));
	e = present(102, BIT_RW);
	KUNIT_EXPECT_TRUE(test, mmlens_run_extend(&r, 0x3000, MMLENS_PTE, &e));
	KUNIT_EXPECT_EQ(test, r.entries, 3UL);
	KUNIT_EXPECT_EQ(test, r.end, 0x4000UL);
	/* next address but not the next frame */
	e = present(104, BIT_RW);
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x4000, MMLENS_PTE, &e));
	/* next frame but not the next address (a hole) */
	e = present(103, BIT_RW);
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x5000, MMLENS_PTE, &e));
	/* other flags */
	e = present(103, BIT_RW | BIT_D);
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x4000, MMLENS_PTE, &e));
	/* other level */
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x4000, MMLENS_PMD, &a));
	/* the zero flag */
	e = present(103, BIT_RW);
	e.zero = true;
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x4000, MMLENS_PTE, &e));
	/* still extendable by the right entry; nothing above changed r */
	e = present(103, BIT_RW);
	KUNIT_EXPECT_TRUE(test, mmlens_run_extend(&r, 0x4000, MMLENS_PTE, &e));
	KUNIT_EXPECT_EQ(test, r.entries, 4UL);
}

static void run_huge_and_swap(struct kunit *test)
{
	struct mmlens_entry a = present(0x200, BIT_PSE), e;
	struct mmlens_entry s1 = { .kind = MMLENS_SWAP, .type = 1,
				   .value = 7 };
	struct mmlens_run r = {};

	/* PMD leaves advance by 512 frames */
	mmlens_run_start(&r, 0x200000, MMLENS_PMD, 0, &a);
	e = present(0x201, BIT_PSE);
	KUNIT_EXPECT_FALSE(test,
			   mmlens_run_extend(&r, 0x400000, MMLENS_PMD, &e));
	e = present(0x400, BIT_PSE);
	KUNIT_EXPECT_TRUE(test,
			  mmlens_run_extend(&r, 0x400000, MMLENS_PMD, &e));
	KUNIT_EXPECT_EQ(test, r.end, 0x600000UL);

	/* swap offsets advance by one, within one swap type */
	mmlens_run_start(&r, 0x1000, MMLENS_PTE, 0, &s1);
	e = s1;
	e.value = 8;
	KUNIT_EXPECT_TRUE(test, mmlens_run_extend(&r, 0x2000, MMLENS_PTE, &e));
	e.value = 9;
	e.type = 2;
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x3000, MMLENS_PTE, &e));
	/* a present page after swap: another kind */
	e = present(9, 0);
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x3000, MMLENS_PTE, &e));
}

static void run_markers_never_merge(struct kunit *test)
{
	struct mmlens_entry m = { .kind = MMLENS_MARKER, .marker = "uffd-wp" };
	struct mmlens_run r = {};

	mmlens_run_start(&r, 0x1000, MMLENS_PTE, 0, &m);
	KUNIT_EXPECT_FALSE(test, mmlens_run_extend(&r, 0x2000, MMLENS_PTE, &m));
	KUNIT_EXPECT_EQ(test, r.entries, 1UL);
}

static struct kunit_case run_cases[] = {
	KUNIT_CASE(run_pte_rules),
	KUNIT_CASE(run_huge_and_swap),
	KUNIT_CASE(run_markers_never_merge),
	{}
};

static struct kunit_suite run_suite = {
	.name = "mmlens_run",
	.test_cases = run_cases,
};

/* ---- input ---- */

static void input_pid(struct kunit *test)
{
	int nr = 0;

	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("1", &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 1);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("2147483647", &nr), 0);
	KUNIT_EXPECT_EQ(test, nr, 2147483647);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("0", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("-5", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("2147483648", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("12abc", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("0x10", &nr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_pid("", &nr), -EINVAL);
}

static void input_report_and_vtop(struct kunit *test)
{
	char s1[] = " 42\n", s2[] = "1 2", s3[] = "", s4[] = "0x7fff0000",
	     s5[] = "17  400000 ", s6[] = "1 2 3", s7[] = "zz";
	unsigned long addr = 0;
	char *pid = NULL;

	KUNIT_EXPECT_EQ(test, mmlens_parse_report(s1, &pid), 0);
	KUNIT_EXPECT_STREQ(test, pid, "42");
	KUNIT_EXPECT_EQ(test, mmlens_parse_report(s2, &pid), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_report(s3, &pid), -EINVAL);

	KUNIT_EXPECT_EQ(test, mmlens_parse_vtop(s4, &pid, &addr), 0);
	KUNIT_EXPECT_NULL(test, pid);
	KUNIT_EXPECT_EQ(test, addr, 0x7fff0000UL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_vtop(s5, &pid, &addr), 0);
	KUNIT_EXPECT_STREQ(test, pid, "17");
	KUNIT_EXPECT_EQ(test, addr, 0x400000UL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_vtop(s6, &pid, &addr), -EINVAL);
	KUNIT_EXPECT_EQ(test, mmlens_parse_vtop(s7, &pid, &addr), -EINVAL);
}

static void input_level_index(struct kunit *test)
{
	/* indices 1, 2, 3, 4, 5 from pgd down, offset 0x678 */
	unsigned long a5 = (1UL << 48) | (2UL << 39) | (3UL << 30) |
			   (4UL << 21) | (5UL << 12) | 0x678;
	/* with 4 levels the pgd holds bits 39..47 and p4d is folded */
	unsigned long a4 = (2UL << 39) | (3UL << 30) | (4UL << 21) |
			   (5UL << 12);

	KUNIT_EXPECT_EQ(test, mmlens_level_index(a5, MMLENS_PGD, 5), 1U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a5, MMLENS_P4D, 5), 2U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a5, MMLENS_PUD, 5), 3U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a5, MMLENS_PMD, 5), 4U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a5, MMLENS_PTE, 5), 5U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a4, MMLENS_PGD, 4), 2U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a4, MMLENS_P4D, 4), 0U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a4, MMLENS_PUD, 4), 3U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a4, MMLENS_PMD, 4), 4U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(a4, MMLENS_PTE, 4), 5U);
	KUNIT_EXPECT_EQ(test, mmlens_level_index(~0UL, MMLENS_PTE, 4), 511U);
}

static struct kunit_case input_cases[] = {
	KUNIT_CASE(input_pid),
	KUNIT_CASE(input_report_and_vtop),
	KUNIT_CASE(input_level_index),
	{}
};

static struct kunit_suite input_suite = {
	.name = "mmlens_input",
	.test_cases = input_cases,
};

/* ---- the walker over a real mm ---- */

#define WALK_PAGES 64

struct walk_seen {
	unsigned long start, end;
	u64 pfn[WALK_PAGES];		/* 0: not seen */
	unsigned int leaves, outside, vmas;
};

static int seen_vma(void *priv, const struct mmlens_vma_info *vi)
{
	((struct walk_seen *)priv)->vmas++;
	return 0;
}

static int seen_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct walk_seen *s = priv;
	struct mmlens_entry e;

	s->leaves++;
	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (leaf->level != MMLENS_PTE || e.kind != MMLENS_PRESENT ||
	    leaf->addr < s->start || leaf->addr >= s->end) {
		s->outside++;
		return 0;
	}
	s->pfn[(leaf->addr - s->start) >> PAGE_SHIFT] = e.value;
	return 0;
}

static const struct mmlens_walk_ops seen_ops = {
	.vma_enter = seen_vma,
	.leaf = seen_leaf,
};

/* The frame GUP finds for @addr, or 0 if none is mapped. */
static u64 gup_pfn(struct mm_struct *mm, unsigned long addr)
{
	struct page *page;
	long got;
	u64 pfn;

	mmap_read_lock(mm);
	got = get_user_pages_remote(mm, addr, 1, 0, &page, NULL);
	mmap_read_unlock(mm);
	if (got != 1)
		return 0;
	pfn = page_to_pfn(page);
	put_page(page);
	return pfn;
}

/* The vtop report of @addr contains @want. */
static void expect_vtop(struct kunit *test, struct mm_struct *mm,
			unsigned long addr, const char *want)
{
	struct mmlens_textbuf tb = {};

	KUNIT_ASSERT_EQ(test, mmlens_report_vtop(mm, addr, false, &tb), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strnstr(tb.data, want, tb.len),
				  "vtop %lx: no \"%s\" in:\n%.*s", addr, want,
				  (int)tb.len, tb.data);
	mmlens_textbuf_free(&tb);
}

static void walk_real_mm(struct kunit *test)
{
	static const unsigned int touch[] = { 0, 1, 2, 7, 31, 32, 63 };
	unsigned long len = WALK_PAGES * PAGE_SIZE, base;
	struct walk_seen *s;
	char want[64];
	struct mm_struct *mm;
	unsigned int i, n;
	char byte = 1;

	base = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(base) || !base)
		kunit_skip(test, "kunit_vm_mmap failed: no user mm for the test");
	mm = current->mm;
	KUNIT_ASSERT_NOT_NULL(test, mm);
	s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);

	for (i = 0; i < ARRAY_SIZE(touch); i++)
		KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)base +
						   touch[i] * PAGE_SIZE,
						   &byte, 1), 0UL);

	s->start = base;
	s->end = base + len;
	KUNIT_ASSERT_EQ(test, mmlens_walk(mm, base, base + len, &seen_ops, s),
			0);
	KUNIT_EXPECT_EQ(test, s->vmas, 1U);
	KUNIT_EXPECT_EQ(test, s->outside, 0U);
	/*
	 * GUP only for the touched pages: on an untouched one it would fault
	 * in the zero page, changing what the walks below see.
	 */
	for (i = 0, n = 0; i < WALK_PAGES; i++)
		n += !!s->pfn[i];
	KUNIT_EXPECT_EQ(test, n, (unsigned int)ARRAY_SIZE(touch));
	for (i = 0; i < ARRAY_SIZE(touch); i++) {
		u64 want = gup_pfn(mm, base + touch[i] * PAGE_SIZE);

		KUNIT_EXPECT_NE_MSG(test, want, 0ULL, "page %u", touch[i]);
		KUNIT_EXPECT_EQ_MSG(test, s->pfn[touch[i]], want, "page %u",
				    touch[i]);
	}

	/* one address through the walker, as vtop: leaf, then a pte hole */
	snprintf(want, sizeof(want), "\npfn=%llx paddr=%llx\n", s->pfn[7],
		 (s->pfn[7] << PAGE_SHIFT) | 5);
	expect_vtop(test, mm, base + 7 * PAGE_SIZE + 5, want);
	expect_vtop(test, mm, base + 3 * PAGE_SIZE, "\nnot-present at pte\n");

	/* unmap the upper half: the walk must see only the lower pages */
	KUNIT_ASSERT_EQ(test, vm_munmap(base + len / 2, len / 2), 0);
	memset(s, 0, sizeof(*s));
	s->start = base;
	s->end = base + len;
	KUNIT_ASSERT_EQ(test, mmlens_walk(mm, base, base + len, &seen_ops, s),
			0);
	for (i = 0, n = 0; i < WALK_PAGES; i++)
		n += !!s->pfn[i];
	KUNIT_EXPECT_EQ(test, n, 5U);	/* pages 0, 1, 2, 7, 31 */
	for (i = WALK_PAGES / 2; i < WALK_PAGES; i++)
		KUNIT_EXPECT_EQ_MSG(test, s->pfn[i], 0ULL, "page %u", i);
	expect_vtop(test, mm, base + len - PAGE_SIZE, "not-mapped\n");
}

static void walk_vmas_report(struct kunit *test)
{
	unsigned long len = 16 * PAGE_SIZE, base;
	struct mmlens_textbuf tb = {};
	char want[64], byte = 1;
	unsigned int i;

	base = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(base) || !base)
		kunit_skip(test, "kunit_vm_mmap failed: no user mm for the test");
	for (i = 0; i < 5; i++)
		KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)base +
						   i * 2 * PAGE_SIZE,
						   &byte, 1), 0UL);
	KUNIT_ASSERT_EQ(test, mmlens_report_vmas(current->mm, &tb), 0);
	snprintf(want, sizeof(want), "%08lx-%08lx rw-p 00000000 present=5 ",
		 base, base + len);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strnstr(tb.data, want, tb.len),
				  "no line starting \"%s\" in:\n%.*s", want,
				  (int)tb.len, tb.data);
	mmlens_textbuf_free(&tb);
}

/* What walk_paused() sees: the VMAs entered, the present ptes. */
struct pause_seen {
	bool pause;			/* pause before every step, once */
	unsigned int asked;		/* want_unlocked calls */
	unsigned int vmas, n;
	unsigned long addr[8];
	u64 pfn[8];
};

static int pause_vma(void *priv, const struct mmlens_vma_info *vi)
{
	((struct pause_seen *)priv)->vmas++;
	return 0;
}

static int pause_leaf(void *priv, const struct mmlens_leaf *leaf)
{
	struct pause_seen *s = priv;
	struct mmlens_entry e;

	mmlens_decode_entry(leaf->raw, leaf->level, leaf->zero, &e);
	if (e.kind == MMLENS_PRESENT && s->n < ARRAY_SIZE(s->addr)) {
		s->addr[s->n] = leaf->addr;
		s->pfn[s->n++] = e.value;
	}
	return 0;
}

/*
 * Asked before every step: yes, then no when the walk runs again at the
 * same step, so that it goes on (a streamed report's visitor pauses only
 * with a full chunk, which the reader has emptied when it runs again).
 */
static bool pause_want(void *priv)
{
	struct pause_seen *s = priv;

	return s->pause && !(s->asked++ & 1);
}

static int pause_now(void *priv)
{
	return MMLENS_WALK_PAUSE;
}

static const struct mmlens_walk_ops pause_ops = {
	.vma_enter = pause_vma,
	.leaf = pause_leaf,
	.want_unlocked = pause_want,
	.unlocked = pause_now,
};

/*
 * A walk paused before every step and run again, as a streamed report's
 * chunks run it, sees what one walk sees: the same entries, the VMA
 * entered once. Three 2 MiB steps with a page touched in each.
 */
static void walk_paused(struct kunit *test)
{
	static const unsigned long touch[] = { 0, 517, 1033 };	/* pages */
	unsigned long len = 4 * PMD_SIZE, base, start;
	struct pause_seen *one, *paused;
	struct mmlens_walker *w;
	unsigned int i, runs = 0;
	char byte = 1;
	int ret;

	base = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(base) || !base)
		kunit_skip(test, "kunit_vm_mmap failed: no user mm for the test");
	start = ALIGN(base, PMD_SIZE);
	for (i = 0; i < ARRAY_SIZE(touch); i++)
		KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)start +
						   touch[i] * PAGE_SIZE,
						   &byte, 1), 0UL);
	one = kunit_kzalloc(test, sizeof(*one), GFP_KERNEL);
	paused = kunit_kzalloc(test, sizeof(*paused), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, one);
	KUNIT_ASSERT_NOT_NULL(test, paused);
	paused->pause = true;

	KUNIT_ASSERT_EQ(test, mmlens_walk(current->mm, start,
					  start + 3 * PMD_SIZE, &pause_ops,
					  one), 0);
	w = mmlens_walk_alloc(current->mm, start, start + 3 * PMD_SIZE,
			      &pause_ops, paused);
	KUNIT_ASSERT_NOT_NULL(test, w);
	do {
		ret = mmlens_walk_run(w);
	} while (ret == MMLENS_WALK_PAUSE && ++runs < 100);
	mmlens_walk_free(w);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GE(test, runs, 3U);	/* before each step */
	KUNIT_EXPECT_EQ(test, one->vmas, 1U);
	KUNIT_EXPECT_EQ(test, paused->vmas, 1U);
	KUNIT_EXPECT_EQ(test, one->n, (unsigned int)ARRAY_SIZE(touch));
	KUNIT_EXPECT_EQ(test, paused->n, one->n);
	KUNIT_EXPECT_EQ(test, memcmp(paused->addr, one->addr,
				     sizeof(one->addr)), 0);
	KUNIT_EXPECT_EQ(test, memcmp(paused->pfn, one->pfn, sizeof(one->pfn)),
			0);
}

/*
 * The vmas report streamed with a chunk of one byte (a pause before
 * every step once a line is out) is byte for byte the report made at
 * once: two VMAs of 2 MiB (a page unmapped between them), each touched.
 */
static void walk_vmas_streamed(struct kunit *test)
{
	struct mmlens_textbuf whole = {}, part = { .chunk = 1 };
	unsigned long base, len = 3 * PMD_SIZE;
	struct mmlens_stream st;
	unsigned int runs = 0;
	size_t got = 0;
	char *cat, byte = 1;
	int ret;

	base = kunit_vm_mmap(test, NULL, 0, len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(base) || !base)
		kunit_skip(test, "kunit_vm_mmap failed: no user mm for the test");
	KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)base, &byte, 1), 0UL);
	KUNIT_ASSERT_EQ(test, copy_to_user((char __user *)base + len - 1,
					   &byte, 1), 0UL);
	KUNIT_ASSERT_EQ(test, vm_munmap(base + PMD_SIZE, PAGE_SIZE), 0);

	KUNIT_ASSERT_EQ(test, mmlens_report_vmas(current->mm, &whole), 0);
	cat = kunit_kzalloc(test, whole.len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, cat);
	KUNIT_ASSERT_EQ(test, mmlens_stream_vmas(&st, current->mm, &part), 0);
	do {
		ret = mmlens_stream_next(&st);
		if (ret < 0 || got + part.len > whole.len)
			break;
		memcpy(cat + got, part.data, part.len);
		got += part.len;
		part.len = 0;
	} while (ret == MMLENS_WALK_PAUSE && ++runs < 1000);
	mmlens_stream_free(&st);
	mmlens_textbuf_free(&part);

	KUNIT_EXPECT_EQ(test, ret, 0);
	KUNIT_EXPECT_GE(test, runs, 1U);
	KUNIT_EXPECT_EQ(test, got, whole.len);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(cat, whole.data, whole.len), 0,
			    "streamed:\n%.*s\nat once:\n%.*s", (int)got, cat,
			    (int)whole.len, whole.data);
	mmlens_textbuf_free(&whole);
}

static struct kunit_case walk_cases[] = {
	KUNIT_CASE(walk_real_mm),
	KUNIT_CASE(walk_vmas_report),
	KUNIT_CASE(walk_paused),
	KUNIT_CASE(walk_vmas_streamed),
	{}
};

static struct kunit_suite walk_suite = {
	.name = "mmlens_walk",
	.test_cases = walk_cases,
};

kunit_test_suites(&entry_suite, &run_suite, &input_suite, &walk_suite);
