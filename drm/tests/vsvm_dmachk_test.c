// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * KUnit tests of the DMA checker: each rule it keeps is broken on purpose
 * and the checker must count it (I1, I10).  The checker runs with
 * &vsvm_dmachk.expect set, so what it catches is counted, not warned about.
 */

#include <kunit/test.h>

#include <linux/mm.h>

#include "vsvm_dmachk.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define DMA0	0x100000ull

/* Two mappings' identities (two objects over the same pages). */
static const char owner_a, owner_b;
#define A	(&owner_a)
#define B	(&owner_b)

static struct vsvm_dmachk *chk_new(struct kunit *test)
{
	struct vsvm_dmachk *chk = kunit_kzalloc(test, sizeof(*chk), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, chk);
	vsvm_dmachk_init(chk, NULL);
	chk->expect = 1;
	return chk;
}

static u64 count(struct vsvm_dmachk *chk, enum vsvm_dmachk_violation v)
{
	return atomic64_read(&chk->violations[v]);
}

/* The I1 order done right: nothing is reported, nothing is left. */
static void vsvm_test_dmachk_clean(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, 4 * PAGE_SIZE, false), 0);
	__vsvm_dmachk_pte(chk, DMA0, 4 * PAGE_SIZE, true);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0 + PAGE_SIZE, true));
	__vsvm_dmachk_stale(chk, A, DMA0, 4 * PAGE_SIZE);
	__vsvm_dmachk_pte(chk, DMA0, 4 * PAGE_SIZE, false);
	__vsvm_dmachk_unmap(chk, A, DMA0, 4 * PAGE_SIZE, true);
	__vsvm_dmachk_release(chk, A, DMA0, 4 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vsvm_dmachk_count(chk), 0);
	KUNIT_EXPECT_TRUE(test, xa_empty(&chk->pages));
	vsvm_dmachk_fini(chk);
}

/* I1: DMA unmap while a PTE still points at the page (steps 4 before 3). */
static void vsvm_test_dmachk_unmap_mapped(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, false), 0);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, false);
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_UNMAP_MAPPED), 1);
	/* The engine, following the stale PTE, must be stopped. */
	KUNIT_EXPECT_FALSE(test, __vsvm_dmachk_access(chk, DMA0, false));
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_ACCESS_UNMAPPED), 1);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, false);
	vsvm_dmachk_fini(chk);
}

/* I1: unpin (or dirty) while a PTE still reaches the page (5 before 3). */
static void vsvm_test_dmachk_release_mapped(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, false), 0);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_stale(chk, A, DMA0, PAGE_SIZE);
	__vsvm_dmachk_release(chk, A, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_RELEASE_MAPPED), 1);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, false);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, true);
	vsvm_dmachk_fini(chk);
}

/* I3: an access after the invalidation waited for the GPU is a bug. */
static void vsvm_test_dmachk_stale_access(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, false), 0);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, false));
	__vsvm_dmachk_stale(chk, A, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, __vsvm_dmachk_access(chk, DMA0, false));
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_ACCESS_STALE), 1);
	/* A second, live mapping of the same page (overlapping userptrs). */
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, B, DMA0, PAGE_SIZE, false), 0);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, false));
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_unmap(chk, B, DMA0, PAGE_SIZE, false);
	KUNIT_EXPECT_TRUE(test, xa_empty(&chk->pages));
	vsvm_dmachk_fini(chk);
}

/* I10: a write to a page mapped for DMA read-only only. */
static void vsvm_test_dmachk_write_read_only(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, true), 0);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, false));
	KUNIT_EXPECT_FALSE(test, __vsvm_dmachk_access(chk, DMA0, true));
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_WRITE_READ_ONLY), 1);
	/* A PTE to a page nobody mapped is caught when it is written. */
	__vsvm_dmachk_pte(chk, DMA0 + PAGE_SIZE, PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_ACCESS_UNMAPPED), 1);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, false);
	vsvm_dmachk_fini(chk);
}

/*
 * I10 per mapping: a read-only and a writable mapping of one page; when the
 * read-only one goes, the page is writable (it was not while it alone
 * stayed).  A checker that counted read-only per page reported the write.
 */
static void vsvm_test_dmachk_read_only_per_mapping(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, true), 0);
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, B, DMA0, PAGE_SIZE, false), 0);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, true));
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, false);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, true));
	KUNIT_EXPECT_EQ(test, vsvm_dmachk_count(chk), 0);

	/* The other way round: the writable one goes, the read-only stays. */
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, true), 0);
	__vsvm_dmachk_unmap(chk, B, DMA0, PAGE_SIZE, false);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, false));
	KUNIT_EXPECT_FALSE(test, __vsvm_dmachk_access(chk, DMA0, true));
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_WRITE_READ_ONLY), 1);

	/* A writable mapping gone stale lets no write through. */
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, B, DMA0, PAGE_SIZE, false), 0);
	__vsvm_dmachk_stale(chk, B, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, false));
	KUNIT_EXPECT_FALSE(test, __vsvm_dmachk_access(chk, DMA0, true));
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_ACCESS_STALE), 1);
	__vsvm_dmachk_unmap(chk, B, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, false);
	KUNIT_EXPECT_TRUE(test, xa_empty(&chk->pages));
	vsvm_dmachk_fini(chk);
}

/*
 * I1 step 5 per mapping: A releases a page that B maps too.  After A's own
 * entries and mapping are gone that is legal; before, it is reported even
 * though B's mapping (and B's entry) still reach the page.
 */
static void vsvm_test_dmachk_release_other_maps(struct kunit *test)
{
	struct vsvm_dmachk *chk = chk_new(test);

	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, false), 0);
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, B, DMA0, PAGE_SIZE, false), 0);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, true);

	/* A in the I1 order: stale, entry cleared, unmapped, released. */
	__vsvm_dmachk_stale(chk, A, DMA0, PAGE_SIZE);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, false);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_release(chk, A, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vsvm_dmachk_count(chk), 0);
	KUNIT_EXPECT_TRUE(test, __vsvm_dmachk_access(chk, DMA0, true));

	/* A again, releasing while its own mapping is live. */
	KUNIT_ASSERT_EQ(test, __vsvm_dmachk_map(chk, A, DMA0, PAGE_SIZE, false), 0);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, true);
	__vsvm_dmachk_stale(chk, A, DMA0, PAGE_SIZE);
	__vsvm_dmachk_release(chk, A, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_RELEASE_MAPPED), 1);
	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, false);
	__vsvm_dmachk_unmap(chk, A, DMA0, PAGE_SIZE, true);
	KUNIT_EXPECT_EQ(test, count(chk, VSVM_DMACHK_UNMAP_MAPPED), 0);

	__vsvm_dmachk_pte(chk, DMA0, PAGE_SIZE, false);
	__vsvm_dmachk_unmap(chk, B, DMA0, PAGE_SIZE, false);
	__vsvm_dmachk_release(chk, B, DMA0, PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, vsvm_dmachk_count(chk), 1);
	KUNIT_EXPECT_TRUE(test, xa_empty(&chk->pages));
	vsvm_dmachk_fini(chk);
}

static struct kunit_case vsvm_dmachk_cases[] = {
	KUNIT_CASE(vsvm_test_dmachk_clean),
	KUNIT_CASE(vsvm_test_dmachk_unmap_mapped),
	KUNIT_CASE(vsvm_test_dmachk_release_mapped),
	KUNIT_CASE(vsvm_test_dmachk_stale_access),
	KUNIT_CASE(vsvm_test_dmachk_write_read_only),
	KUNIT_CASE(vsvm_test_dmachk_read_only_per_mapping),
	KUNIT_CASE(vsvm_test_dmachk_release_other_maps),
	{}
};

static struct kunit_suite vsvm_dmachk_suite = {
	.name = "vsvm_dmachk",
	.test_cases = vsvm_dmachk_cases,
};

kunit_test_suite(vsvm_dmachk_suite);
