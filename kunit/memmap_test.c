// SPDX-License-Identifier: GPL-2.0
/*
 * memmap_test.c - KUnit suite mmlens_memmap: module/kernel/memmap.h, the struct
 * page reads that must not fault when hot-remove frees a memmap.
 *
 * A live page (one we allocate) must read back as the kernel's own
 * accessors see it: the same flags word, zone and node. A memmap that is
 * not mapped must read as gone, not oops. The test reads a section that
 * was never present, whose vmemmap was never populated, which is the
 * state section_deactivate() leaves a removed section in. t_hotremove.sh
 * covers the removal itself, but it cannot aim at the window.
 */
#include <kunit/test.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kernel/memmap.h"

/*
 * The next populated zone after @zone (NULL: the first), in node and
 * zone order. for_each_populated_zone() needs next_zone(), which is not
 * exported.
 */
static struct zone *next_populated(struct zone *zone)
{
	int nid = zone ? zone_to_nid(zone) : first_online_node;
	int zid = zone ? zone_idx(zone) + 1 : 0;

	for (; nid < MAX_NUMNODES; nid = next_online_node(nid), zid = 0) {
		for (; zid < MAX_NR_ZONES; zid++) {
			zone = &NODE_DATA(nid)->node_zones[zid];
			if (populated_zone(zone))
				return zone;
		}
	}
	return NULL;
}

#define each_zone(zone) \
	for (zone = next_populated(NULL); zone; zone = next_populated(zone))

/* page_type through mmlens_memmap_load(), as the pageblocks scan reads it. */
static bool load_type(struct page *page, unsigned int *type)
{
	unsigned int v;

	pagefault_disable();
	mmlens_memmap_load(v, page->page_type, gone);
	pagefault_enable();
	*type = v;
	return true;
gone:
	pagefault_enable();
	return false;
}

static void memmap_live_page(struct kunit *test)
{
	struct page *page = alloc_page(GFP_KERNEL);
	struct zone *zone, *other;
	unsigned long pfn, flags = 0;
	unsigned int type = 0;

	KUNIT_ASSERT_NOT_NULL(test, page);
	pfn = page_to_pfn(page);
	zone = page_zone(page);

	KUNIT_EXPECT_TRUE(test, mmlens_memmap_flags(pfn, &flags));
	KUNIT_EXPECT_EQ(test, flags, READ_ONCE(page->flags));
	KUNIT_EXPECT_EQ(test, mmlens_flags_zonenum(flags), page_zonenum(page));
	KUNIT_EXPECT_EQ(test, mmlens_flags_nid(flags), page_to_nid(page));
	KUNIT_EXPECT_TRUE(test, mmlens_flags_in_zone(flags, zone));
	KUNIT_EXPECT_TRUE(test, mmlens_pfn_in_zone(pfn, zone));

	/* Every other populated zone, of any node, must refuse the page. */
	each_zone(other) {
		if (other == zone)
			continue;
		KUNIT_EXPECT_FALSE_MSG(test, mmlens_flags_in_zone(flags, other),
				       "node %d zone %s", zone_to_nid(other),
				       other->name);
		KUNIT_EXPECT_FALSE(test, mmlens_pfn_in_zone(pfn, other));
	}

	KUNIT_EXPECT_TRUE(test, load_type(page, &type));
	KUNIT_EXPECT_EQ(test, type, READ_ONCE(page->page_type));
	KUNIT_EXPECT_FALSE(test, mmlens_type_is_buddy(type));
	__free_page(page);
}

/*
 * The buddy test on a bare page_type word, against the kernel's own
 * setter and clearer on a page of our own: an allocated page's word
 * (UINT_MAX in both 6.1 and 6.12) is not a buddy; __SetPageBuddy() makes
 * it one, __ClearPageBuddy() undoes it.
 */
static void memmap_buddy_type(struct kunit *test)
{
	struct page probe;

	memset(&probe, 0, sizeof(probe));
	probe.page_type = UINT_MAX;
	KUNIT_EXPECT_FALSE(test, mmlens_type_is_buddy(probe.page_type));
	__SetPageBuddy(&probe);
	KUNIT_EXPECT_TRUE(test, mmlens_type_is_buddy(probe.page_type));
	__ClearPageBuddy(&probe);
	KUNIT_EXPECT_FALSE(test, mmlens_type_is_buddy(probe.page_type));
}

/* The last section of the physical address space: never present here. */
static unsigned long absent_section_pfn(struct kunit *test)
{
	unsigned long nr = NR_MEM_SECTIONS - 1;

	if (present_section_nr(nr))
		kunit_skip(test, "section %lu is present", nr);
	return section_nr_to_pfn(nr);
}

static void memmap_unmapped_reads_gone(struct kunit *test)
{
	unsigned long pfn = absent_section_pfn(test);
	unsigned long flags = 0;
	unsigned int type = 0;
	struct zone *zone;

	KUNIT_EXPECT_FALSE(test, mmlens_memmap_flags(pfn, &flags));
	KUNIT_EXPECT_FALSE(test, load_type(pfn_to_page(pfn), &type));
	each_zone(zone)
		KUNIT_EXPECT_FALSE(test, mmlens_pfn_in_zone(pfn, zone));
}

static struct kunit_case memmap_cases[] = {
	KUNIT_CASE(memmap_live_page),
	KUNIT_CASE(memmap_buddy_type),
	KUNIT_CASE(memmap_unmapped_reads_gone),
	{}
};

static struct kunit_suite memmap_suite = {
	.name = "mmlens_memmap",
	.test_cases = memmap_cases,
};

kunit_test_suite(memmap_suite);
