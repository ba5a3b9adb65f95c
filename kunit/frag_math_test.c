// SPDX-License-Identifier: GPL-2.0
/*
 * frag_math_test.c - KUnit suite mmlens_frag: the extfrag and unusable
 * indices of module/zone/frag_math.c against tables computed by hand from the
 * formulas of mm/vmstat.c (__fragmentation_index, unusable_free_index).
 *
 * The tables carry their own nr_free[] arrays, so they do not depend on the
 * kernel's NR_PAGE_ORDERS: 11 orders (0..10) is x86-64's default.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "zone/frag_math.h"

#define ORDERS 11
#define TOP (ORDERS - 1)

/* Orders 0, 1, 3 and 10: 3 + 2*2 + 8 + 1024 = 1039 free pages. */
#define MIXED { [0] = 3, [1] = 2, [3] = 1, [10] = 1 }

struct frag_case {
	const char *desc;
	unsigned long nr_free[ORDERS];
	unsigned int order;
	int extfrag;
	int unusable;
};

static const struct frag_case frag_cases[] = {
	{ "no free blocks", {}, 3, 0, 1000 },
	{ "no free blocks, order 0", {}, 0, 0, 1000 },
	{ "order 0, one free page", { [0] = 1 }, 0, -1000, 0 },
	/* The kernel's negative corner: 1000 - (1000 + 1000 * 1 / 2) / 1. */
	{ "one order-0 block at order 1", { [0] = 1 }, 1, -500, 1000 },
	{ "one order-0 block at order 2", { [0] = 1 }, 2, -250, 1000 },
	/* 8 pages in 6 blocks: 2 blocks of order 1 make 4 of the 8 usable. */
	{ "orders 0-1 only, at order 1", { [0] = 4, [1] = 2 }, 1, -1000, 500 },
	{ "orders 0-1 only, at order 2", { [0] = 4, [1] = 2 }, 2, 500, 1000 },
	{ "orders 0-1 only, at order 3", { [0] = 4, [1] = 2 }, 3, 667, 1000 },
	/* 8 * 1000 / 1024 = 7; 1000 - 1007 / 6 = 833. */
	{ "orders 0-1 only, at the top order", { [0] = 4, [1] = 2 }, TOP,
	  833, 1000 },
	/* 5 pages, 4 blocks: 1000 - (1000 + 1250) / 4 = 438. */
	{ "three pages and a pair, at order 2", { [0] = 3, [1] = 1 }, 2,
	  438, 1000 },
	{ "1000 single pages, at order 1", { [0] = 1000 }, 1, 499, 1000 },
	{ "top order, one top block", { [TOP] = 1 }, TOP, -1000, 0 },
	{ "top order, two blocks just below", { [TOP - 1] = 2 }, TOP, 0, 1000 },
	{ "blocks only above the order", { [5] = 2 }, 3, -1000, 0 },
	/* 1039 pages; usable: 518 << 1, 129 << 3, 64 << 4, 1 << 10. */
	{ "mixed, order 1", MIXED, 1, -1000, 2 },
	{ "mixed, order 3", MIXED, 3, -1000, 6 },
	{ "mixed, order 4", MIXED, 4, -1000, 14 },
	{ "mixed, top order", MIXED, TOP, -1000, 14 },
	/* free_pages * 1000 must not overflow: 2^40 * 1000 < 2^50. */
	{ "2^40 single pages, top order", { [0] = 1UL << 40 }, TOP,
	  1000, 1000 },
	/* 2^40 * 1000 / (2^40 + 2^30) = 1024000 / 1025 = 999. */
	{ "2^40 pages and 2^20 top blocks", { [0] = 1UL << 40,
	  [TOP] = 1UL << 20 }, TOP, -1000, 999 },
};

KUNIT_ARRAY_PARAM_DESC(frag_cases, frag_cases, desc);

static void extfrag_index_table(struct kunit *test)
{
	const struct frag_case *c = test->param_value;
	struct mmlens_contig_info info;

	mmlens_contig_info(c->nr_free, ORDERS, c->order, &info);
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_index(c->order, &info),
			c->extfrag);
}

static void unusable_index_table(struct kunit *test)
{
	const struct frag_case *c = test->param_value;
	struct mmlens_contig_info info;

	mmlens_contig_info(c->nr_free, ORDERS, c->order, &info);
	KUNIT_EXPECT_EQ(test, mmlens_unusable_index(c->order, &info),
			c->unusable);
}

static void contig_info_no_free_blocks(struct kunit *test)
{
	static const unsigned long nr_free[ORDERS];
	struct mmlens_contig_info info;
	unsigned int order;

	for (order = 0; order < ORDERS; order++) {
		memset(&info, 0xff, sizeof(info));
		mmlens_contig_info(nr_free, ORDERS, order, &info);
		KUNIT_EXPECT_EQ(test, info.free_pages, 0UL);
		KUNIT_EXPECT_EQ(test, info.free_blocks_total, 0UL);
		KUNIT_EXPECT_EQ(test, info.free_blocks_suitable, 0UL);
	}
}

static void contig_info_counts(struct kunit *test)
{
	static const unsigned long nr_free[ORDERS] = MIXED;
	/* Blocks of each order the free memory could be cut into. */
	static const unsigned long suitable[ORDERS] = {
		1039, 518, 258, 129, 64, 32, 16, 8, 4, 2, 1
	};
	struct mmlens_contig_info info;
	unsigned int order;

	for (order = 0; order < ORDERS; order++) {
		mmlens_contig_info(nr_free, ORDERS, order, &info);
		KUNIT_EXPECT_EQ_MSG(test, info.free_pages, 1039UL,
				    "order %u", order);
		KUNIT_EXPECT_EQ_MSG(test, info.free_blocks_total, 7UL,
				    "order %u", order);
		KUNIT_EXPECT_EQ_MSG(test, info.free_blocks_suitable,
				    suitable[order], "order %u", order);
	}
}

/* Entries past nr_orders are not the zone's: they must not be read. */
static void contig_info_reads_nr_orders_only(struct kunit *test)
{
	static const unsigned long nr_free[ORDERS] = {
		[0] = 2, [1] = 1, [4] = 99, [TOP] = 99
	};
	struct mmlens_contig_info info;

	mmlens_contig_info(nr_free, 4, 1, &info);
	KUNIT_EXPECT_EQ(test, info.free_pages, 4UL);
	KUNIT_EXPECT_EQ(test, info.free_blocks_total, 3UL);
	KUNIT_EXPECT_EQ(test, info.free_blocks_suitable, 1UL);
}

/* xorshift64: the same "random" zones on every run. */
static u64 frag_rand(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

static void frag_random_zone(u64 *state, unsigned long *nr_free)
{
	unsigned int order;

	for (order = 0; order < ORDERS; order++) {
		u64 r = frag_rand(state);

		/* Mostly empty or small orders, sometimes huge counts. */
		switch (r % 4) {
		case 0:
			nr_free[order] = 0;
			break;
		case 1:
		case 2:
			nr_free[order] = (r >> 8) % 16;
			break;
		default:
			nr_free[order] = (r >> 8) % (1UL << 32);
			break;
		}
	}
}

/*
 * Invariants over many zones: suitable blocks halve from order to order,
 * the unusable index never falls as the order grows and stays in
 * 0..1000, and -1000 is the extfrag index exactly when a block of the
 * order is free (otherwise it lies in (-1000, 1000]).
 */
static void indices_invariants(struct kunit *test)
{
	unsigned long nr_free[ORDERS];
	u64 state = 0x6d6d6c656e73ULL;	/* "mmlens" */
	unsigned int zone, order;

	for (zone = 0; zone < 500; zone++) {
		struct mmlens_contig_info info[ORDERS];
		int prev_unusable = 0;

		frag_random_zone(&state, nr_free);
		for (order = 0; order < ORDERS; order++)
			mmlens_contig_info(nr_free, ORDERS, order, &info[order]);

		for (order = 0; order < ORDERS; order++) {
			const struct mmlens_contig_info *i = &info[order];
			int ext = mmlens_extfrag_index(order, i);
			int unu = mmlens_unusable_index(order, i);

			KUNIT_ASSERT_EQ(test, i->free_pages, info[0].free_pages);
			KUNIT_ASSERT_EQ(test, i->free_blocks_total,
					info[0].free_blocks_total);
			if (order < TOP)
				KUNIT_ASSERT_EQ(test, i->free_blocks_suitable,
						nr_free[order] + 2 *
						info[order + 1].free_blocks_suitable);

			KUNIT_ASSERT_GE(test, unu, prev_unusable);
			KUNIT_ASSERT_LE(test, unu, 1000);
			prev_unusable = unu;

			if (!i->free_blocks_total) {
				KUNIT_ASSERT_EQ(test, ext, 0);
			} else if (i->free_blocks_suitable) {
				KUNIT_ASSERT_EQ(test, ext, -1000);
			} else {
				KUNIT_ASSERT_GT(test, ext, -1000);
				KUNIT_ASSERT_LE(test, ext, 1000);
			}
		}
	}
}

/* extfrag_for_order(): MIXED has 1039 free pages, 1024 of them at order 10. */
static void extfrag_percent_values(struct kunit *test)
{
	static const unsigned long nr_free[ORDERS] = MIXED;
	static const unsigned long none[ORDERS];
	static const unsigned long singles[ORDERS] = { [0] = 7 };
	struct mmlens_contig_info info;

	mmlens_contig_info(nr_free, ORDERS, 9, &info);
	/* (1039 - 2 * 512) * 100 / 1039 = 1 */
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_percent(9, &info), 1U);
	mmlens_contig_info(nr_free, ORDERS, 4, &info);
	/* (1039 - 64 * 16) * 100 / 1039 = 1; at order 1: (1039-1036)/1039 */
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_percent(4, &info), 1U);
	mmlens_contig_info(nr_free, ORDERS, 1, &info);
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_percent(1, &info), 0U);
	/* only order-0 pages: all of them unusable at order 9 */
	mmlens_contig_info(singles, ORDERS, 9, &info);
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_percent(9, &info), 100U);
	mmlens_contig_info(none, ORDERS, 9, &info);
	KUNIT_EXPECT_EQ(test, mmlens_extfrag_percent(9, &info), 0U);
}

/*
 * __zone_watermark_ok(): free - (2^order - 1) - unusable must exceed
 * mark + reserve; above order 0 a usable list of that order or higher.
 */
static void watermark_ok_rule(struct kunit *test)
{
	struct mmlens_wmark_zone z = {
		.free_pages = 1000, .unusable = 100, .reserve = 50,
		.usable_orders = BIT(3),
	};

	/* 1000 - 0 - 100 = 900 > 849 + 50, not > 850 + 50 */
	KUNIT_EXPECT_TRUE(test, mmlens_watermark_ok(&z, 0, 849));
	KUNIT_EXPECT_FALSE(test, mmlens_watermark_ok(&z, 0, 850));
	/* order 3: 900 - 7 = 893 > 842 + 50; a block of order 3 is there */
	KUNIT_EXPECT_TRUE(test, mmlens_watermark_ok(&z, 3, 842));
	KUNIT_EXPECT_FALSE(test, mmlens_watermark_ok(&z, 3, 843));
	/* lower orders are served by the order-3 block, higher are not */
	KUNIT_EXPECT_TRUE(test, mmlens_watermark_ok(&z, 1, 0));
	KUNIT_EXPECT_FALSE(test, mmlens_watermark_ok(&z, 4, 0));
	/* free pages below the unusable ones: negative, never ok */
	z.free_pages = 50;
	KUNIT_EXPECT_FALSE(test, mmlens_watermark_ok(&z, 0, 0));
	/* no usable list at all: order 0 still only counts pages */
	z.free_pages = 1000;
	z.usable_orders = 0;
	KUNIT_EXPECT_TRUE(test, mmlens_watermark_ok(&z, 0, 0));
	KUNIT_EXPECT_FALSE(test, mmlens_watermark_ok(&z, 1, 0));
}

/* compaction_deferred(): skipped while ++considered < 1 << shift. */
static void first_deferred_order_rule(struct kunit *test)
{
	/* boot state: shift 0, limit 1: never deferred */
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(0, 0, 0, ORDERS), -1);
	/* after defer_compaction() at order 4: considered 0, shift 1 */
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(0, 1, 4, ORDERS), 4);
	/* the next try is allowed: 1 + 1 >= 2 */
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(1, 1, 4, ORDERS), -1);
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(62, 6, 9, ORDERS), 9);
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(63, 6, 9, ORDERS), -1);
	/* order 0 is never compacted; past the last order nothing is */
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(0, 2, 0, ORDERS), 1);
	KUNIT_EXPECT_EQ(test, mmlens_first_deferred_order(0, 2, ORDERS, ORDERS),
			-1);
}

static struct kunit_case mmlens_frag_cases[] = {
	KUNIT_CASE(contig_info_no_free_blocks),
	KUNIT_CASE(contig_info_counts),
	KUNIT_CASE(contig_info_reads_nr_orders_only),
	KUNIT_CASE_PARAM(extfrag_index_table, frag_cases_gen_params),
	KUNIT_CASE_PARAM(unusable_index_table, frag_cases_gen_params),
	KUNIT_CASE(indices_invariants),
	KUNIT_CASE(extfrag_percent_values),
	KUNIT_CASE(watermark_ok_rule),
	KUNIT_CASE(first_deferred_order_rule),
	{}
};

static struct kunit_suite mmlens_frag_suite = {
	.name = "mmlens_frag",
	.test_cases = mmlens_frag_cases,
};

kunit_test_suite(mmlens_frag_suite);
