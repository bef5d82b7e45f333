// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * KUnit tests of the GPU page tables and the TLB (vsvm_pt.c): insertion,
 * removal and 2 MiB splits at every level boundary, refusals, freeing
 * empty table pages, and TLB invalidation, including a fill that raced
 * with a flush.
 */

#include <linux/sizes.h>

#include <kunit/test.h>

#include "vsvm_pt.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define L1_SPAN	BIT_ULL(VSVM_PT_SHIFT(1))	/* 2 MiB */
#define L2_SPAN	BIT_ULL(VSVM_PT_SHIFT(2))	/* 1 GiB */
#define L3_SPAN	BIT_ULL(VSVM_PT_SHIFT(3))	/* 512 GiB */

/* An arbitrary DMA address, 2 MiB aligned; the table never dereferences it. */
#define DMA0	(0x1234ull * SZ_2M)

static int pt_test_init(struct kunit *test)
{
	struct vsvm_pt *pt = kunit_kzalloc(test, sizeof(*pt), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pt);
	KUNIT_ASSERT_EQ(test, vsvm_pt_init(pt), 0);
	test->priv = pt;
	return 0;
}

static void pt_test_exit(struct kunit *test)
{
	vsvm_pt_fini(test->priv);
}

static int map(struct kunit *test, u64 va, u64 dma, u64 size, u32 flags)
{
	struct vsvm_pt *pt = test->priv;
	int ret;

	mutex_lock(&pt->lock);
	ret = vsvm_pt_map_locked(pt, va, dma, size, flags);
	mutex_unlock(&pt->lock);
	return ret;
}

static int unmap(struct kunit *test, u64 va, u64 size)
{
	struct vsvm_pt *pt = test->priv;
	int ret;

	mutex_lock(&pt->lock);
	ret = vsvm_pt_unmap_locked(pt, va, size);
	mutex_unlock(&pt->lock);
	return ret;
}

/* Expects @va to translate to @dma through a leaf of @level. */
static void expect_at(struct kunit *test, u64 va, u64 dma, unsigned int level)
{
	struct vsvm_pt_walk walk;

	KUNIT_ASSERT_EQ_MSG(test, vsvm_pt_walk(test->priv, va, &walk), 0,
			    "va %#llx not mapped", va);
	KUNIT_EXPECT_EQ_MSG(test, walk.dma, dma, "va %#llx", va);
	KUNIT_EXPECT_EQ_MSG(test, walk.level, level, "va %#llx", va);
}

static void expect_unmapped(struct kunit *test, u64 va)
{
	struct vsvm_pt_walk walk;

	KUNIT_EXPECT_EQ_MSG(test, vsvm_pt_walk(test->priv, va, &walk), -ENOENT,
			    "va %#llx mapped", va);
}

static void vsvm_test_pt_single_page(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	struct vsvm_pt_walk walk;

	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);
	KUNIT_ASSERT_EQ(test, map(test, SZ_64K, DMA0, SZ_4K, VSVM_PT_WRITE), 0);
	/* One table per level below the root. */
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS);
	expect_at(test, SZ_64K, DMA0, 0);
	expect_at(test, SZ_64K + 0x123, DMA0 + 0x123, 0);
	expect_unmapped(test, SZ_64K - SZ_4K);
	expect_unmapped(test, SZ_64K + SZ_4K);

	KUNIT_ASSERT_EQ(test, vsvm_pt_walk(pt, SZ_64K, &walk), 0);
	KUNIT_EXPECT_TRUE(test, walk.pte & VSVM_PTE_WRITE);
	KUNIT_ASSERT_EQ(test, map(test, SZ_128K, DMA0, SZ_4K, 0), 0);
	KUNIT_ASSERT_EQ(test, vsvm_pt_walk(pt, SZ_128K, &walk), 0);
	KUNIT_EXPECT_FALSE(test, walk.pte & VSVM_PTE_WRITE);

	KUNIT_EXPECT_EQ(test, unmap(test, SZ_64K, SZ_4K), 0);
	expect_unmapped(test, SZ_64K);
	expect_at(test, SZ_128K, DMA0, 0);
}

/* A range crossing the boundary of each level's entries maps both sides. */
static void vsvm_test_pt_level_boundaries(struct kunit *test)
{
	const u64 bounds[] = { L1_SPAN, L2_SPAN, L3_SPAN, 3 * L3_SPAN };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bounds); i++) {
		u64 va = bounds[i] - SZ_8K;
		u64 dma = DMA0 + i * SZ_1M;

		KUNIT_ASSERT_EQ(test, map(test, va, dma, SZ_16K, 0), 0);
		expect_unmapped(test, va - SZ_4K);
		expect_at(test, va, dma, 0);
		expect_at(test, bounds[i] - SZ_4K, dma + SZ_4K, 0);
		expect_at(test, bounds[i], dma + SZ_8K, 0);
		expect_at(test, bounds[i] + SZ_4K, dma + SZ_8K + SZ_4K, 0);
		expect_unmapped(test, bounds[i] + SZ_8K);

		KUNIT_EXPECT_EQ(test, unmap(test, bounds[i] - SZ_4K, SZ_8K), 0);
		expect_at(test, va, dma, 0);
		expect_unmapped(test, bounds[i] - SZ_4K);
		expect_unmapped(test, bounds[i]);
		expect_at(test, bounds[i] + SZ_4K, dma + SZ_8K + SZ_4K, 0);
	}
	/* The last page of the address space. */
	KUNIT_ASSERT_EQ(test, map(test, BIT_ULL(VSVM_VA_BITS) - SZ_4K, DMA0, SZ_4K, 0), 0);
	expect_at(test, BIT_ULL(VSVM_VA_BITS) - SZ_4K, DMA0, 0);
	expect_unmapped(test, BIT_ULL(VSVM_VA_BITS));
}

static void vsvm_test_pt_huge(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	unsigned long tables;

	/* Both ranges 2 MiB aligned: two 2 MiB leaves, no level-0 table. */
	KUNIT_ASSERT_EQ(test, map(test, L2_SPAN, DMA0, 2 * L1_SPAN, VSVM_PT_WRITE), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 3);
	expect_at(test, L2_SPAN, DMA0, 1);
	expect_at(test, L2_SPAN + L1_SPAN + 0x5678, DMA0 + L1_SPAN + 0x5678, 1);

	/* DMA not 2 MiB aligned: small pages only. */
	KUNIT_ASSERT_EQ(test, map(test, 2 * L2_SPAN, DMA0 + SZ_4K, L1_SPAN, 0), 0);
	expect_at(test, 2 * L2_SPAN, DMA0 + SZ_4K, 0);
	expect_at(test, 2 * L2_SPAN + L1_SPAN - SZ_4K, DMA0 + L1_SPAN, 0);

	/* A range that covers one 2 MiB entry whole and parts of two more. */
	KUNIT_ASSERT_EQ(test, map(test, 3 * L2_SPAN - SZ_4K, DMA0 + L1_SPAN - SZ_4K,
				  L1_SPAN + SZ_8K, 0), 0);
	expect_at(test, 3 * L2_SPAN - SZ_4K, DMA0 + L1_SPAN - SZ_4K, 0);
	expect_at(test, 3 * L2_SPAN, DMA0 + L1_SPAN, 1);
	expect_at(test, 3 * L2_SPAN + L1_SPAN, DMA0 + 2 * L1_SPAN, 0);

	/* Unmapping part of a 2 MiB leaf splits it; the rest still translates. */
	tables = pt->nr_tables;
	KUNIT_EXPECT_EQ(test, unmap(test, L2_SPAN + SZ_1M, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 1);
	expect_at(test, L2_SPAN, DMA0, 0);
	expect_at(test, L2_SPAN + SZ_1M - SZ_4K, DMA0 + SZ_1M - SZ_4K, 0);
	expect_unmapped(test, L2_SPAN + SZ_1M);
	expect_at(test, L2_SPAN + SZ_1M + SZ_4K, DMA0 + SZ_1M + SZ_4K, 0);
	expect_at(test, L2_SPAN + L1_SPAN, DMA0 + L1_SPAN, 1);
	{
		struct vsvm_pt_walk walk;

		/* The split keeps the permission. */
		KUNIT_ASSERT_EQ(test, vsvm_pt_walk(pt, L2_SPAN, &walk), 0);
		KUNIT_EXPECT_TRUE(test, walk.pte & VSVM_PTE_WRITE);
	}

	/* Unmapping a whole 2 MiB leaf needs no split. */
	tables = pt->nr_tables;
	KUNIT_EXPECT_EQ(test, unmap(test, L2_SPAN + L1_SPAN, L1_SPAN), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables);
	expect_unmapped(test, L2_SPAN + L1_SPAN);
}

static void vsvm_test_pt_refusals(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	unsigned long tables;

	KUNIT_EXPECT_EQ(test, map(test, 0x800, DMA0, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, DMA0 + 1, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, DMA0, SZ_4K + 1, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, DMA0, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, DMA0, SZ_4K, 0x80), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, BIT_ULL(VSVM_VA_BITS), DMA0, SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, BIT_ULL(VSVM_VA_BITS) - SZ_4K, DMA0, SZ_8K, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, U64_MAX & PAGE_MASK, DMA0, SZ_8K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, BIT_ULL(52), SZ_4K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, map(test, 0, BIT_ULL(52) - SZ_4K, SZ_8K, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x800, SZ_4K), -EINVAL);
	KUNIT_EXPECT_EQ(test, unmap(test, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);

	/* Unmapping a hole is fine. */
	KUNIT_EXPECT_EQ(test, unmap(test, SZ_1G, SZ_2M), 0);

	/* Mapping over a mapping fails and leaves no trace of the new range. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_64K, DMA0, SZ_8K, 0), 0);
	KUNIT_EXPECT_EQ(test, map(test, SZ_64K - SZ_8K, DMA0 + SZ_1M, SZ_16K, 0), -EEXIST);
	expect_unmapped(test, SZ_64K - SZ_8K);
	expect_unmapped(test, SZ_64K - SZ_4K);
	expect_at(test, SZ_64K, DMA0, 0);
	expect_at(test, SZ_64K + SZ_4K, DMA0 + SZ_4K, 0);

	/* Over a 2 MiB leaf, at either end of the new range. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_1G, DMA0, L1_SPAN, 0), 0);
	tables = pt->nr_tables;
	KUNIT_EXPECT_EQ(test, map(test, SZ_1G + SZ_4K, DMA0, SZ_4K, 0), -EEXIST);
	KUNIT_EXPECT_EQ(test, map(test, SZ_1G - SZ_4K, DMA0, SZ_8K, 0), -EEXIST);
	expect_unmapped(test, SZ_1G - SZ_4K);
	KUNIT_EXPECT_EQ(test, map(test, SZ_1G, DMA0, L1_SPAN, 0), -EEXIST);
	expect_at(test, SZ_1G + SZ_4K, DMA0 + SZ_4K, 1);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 1);
}

/*
 * An asynchronous UNMAP: split in the ioctl, cleared without allocating by
 * the bind job, and the range preallocated again for a later MAP.
 */
static void vsvm_test_pt_split(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	u64 tables;

	/* Two 2 MiB leaves; split a range cutting into both. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_1G, DMA0, 2 * L1_SPAN, VSVM_PT_WRITE), 0);
	expect_at(test, SZ_1G, DMA0, 1);
	tables = pt->nr_tables;
	mutex_lock(&pt->lock);
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_locked(pt, SZ_1G + SZ_1M, L1_SPAN), 0);
	/* Splitting again finds only small leaves: nothing to do. */
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_locked(pt, SZ_1G, 2 * L1_SPAN), 0);
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_locked(pt, SZ_1G, 0), -EINVAL);
	mutex_unlock(&pt->lock);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 2);
	/* Every address translates as before, now through small leaves. */
	expect_at(test, SZ_1G, DMA0, 0);
	expect_at(test, SZ_1G + SZ_1M, DMA0 + SZ_1M, 0);
	expect_at(test, SZ_1G + L1_SPAN + SZ_1M - SZ_4K, DMA0 + L1_SPAN + SZ_1M - SZ_4K, 0);

	/* Now a range cutting into both can be cleared without allocating. */
	vsvm_pt_zap(pt, SZ_1G + SZ_1M, L1_SPAN);
	expect_at(test, SZ_1G + SZ_1M - SZ_4K, DMA0 + SZ_1M - SZ_4K, 0);
	expect_unmapped(test, SZ_1G + SZ_1M);
	expect_unmapped(test, SZ_1G + L1_SPAN + SZ_1M - SZ_4K);
	expect_at(test, SZ_1G + L1_SPAN + SZ_1M, DMA0 + L1_SPAN + SZ_1M, 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 2);

	/* And the hole preallocated and mapped again without allocating. */
	mutex_lock(&pt->lock);
	KUNIT_EXPECT_EQ(test, vsvm_pt_prealloc_locked(pt, SZ_1G + SZ_1M, L1_SPAN), 0);
	mutex_unlock(&pt->lock);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 2);
	KUNIT_EXPECT_EQ(test, vsvm_pt_map_owned(pt, SZ_1G + SZ_1M, DMA0 + SZ_1G, L1_SPAN, 0), 0);
	expect_at(test, SZ_1G + SZ_1M, DMA0 + SZ_1G, 0);
}

/**
 * struct busy_range - A range whose tables a test says are still needed
 */
struct busy_range {
	/** @start: Start of the range. */
	u64 start;
	/** @end: End of the range; equal to @start for none. */
	u64 end;
	/** @calls: How many times the callback was asked. */
	unsigned int calls;
};

static bool busy_range_fn(u64 start, u64 len, void *priv)
{
	struct busy_range *b = priv;

	b->calls++;
	return start < b->end && b->start < start + len;
}

/* Prunes [@va, +@size) with @busy; frees what went; returns how many. */
static unsigned long prune(struct kunit *test, u64 va, u64 size, struct busy_range *busy)
{
	struct vsvm_pt *pt = test->priv;
	struct busy_range none = {};
	unsigned long n, listed = 0;
	struct page *page;
	LIST_HEAD(tables);

	mutex_lock(&pt->lock);
	n = vsvm_pt_prune_locked(pt, va, size, busy_range_fn, busy ?: &none, &tables);
	mutex_unlock(&pt->lock);
	list_for_each_entry(page, &tables, lru)
		listed++;
	KUNIT_EXPECT_EQ(test, listed, n);
	vsvm_pt_free_tables(&tables);
	KUNIT_EXPECT_TRUE(test, list_empty(&tables));
	return n;
}

/* Empty table pages go, as the CPU's page tables do; the root stays. */
static void vsvm_test_pt_prune(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	unsigned int i;

	/* One page: three tables below the root, all empty once it goes. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_64K, DMA0, SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_64K, SZ_4K, NULL), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_64K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_64K, SZ_4K, NULL), VSVM_PT_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);
	expect_unmapped(test, SZ_64K);
	/* Nothing left to prune; the table is usable again. */
	KUNIT_EXPECT_EQ(test, prune(test, 0, BIT_ULL(VSVM_VA_BITS), NULL), 0);
	KUNIT_ASSERT_EQ(test, map(test, SZ_64K, DMA0, SZ_4K, 0), 0);
	expect_at(test, SZ_64K, DMA0, 0);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_64K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_64K, SZ_4K, NULL), VSVM_PT_LEVELS - 1);

	/* A table still holding a leaf stays, and so do the tables above it. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_64K, DMA0, SZ_4K, 0), 0);
	KUNIT_ASSERT_EQ(test, map(test, SZ_128K, DMA0 + SZ_4K, SZ_4K, 0), 0);
	/* In another 2 MiB slot of the same 1 GiB: a level-0 table of its own. */
	KUNIT_ASSERT_EQ(test, map(test, 3 * L1_SPAN, DMA0, SZ_4K, 0), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS + 1);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_64K, SZ_4K), 0);
	KUNIT_ASSERT_EQ(test, unmap(test, 3 * L1_SPAN, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, prune(test, 0, 4 * L1_SPAN, NULL), 1);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS);
	expect_at(test, SZ_128K, DMA0 + SZ_4K, 0);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_128K, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_128K, SZ_4K, NULL), VSVM_PT_LEVELS - 1);

	/* Many 2 MiB slots mapped and unmapped: the count comes back to 1. */
	for (i = 0; i < 64; i++) {
		u64 va = L3_SPAN + i * (L2_SPAN + L1_SPAN);

		KUNIT_ASSERT_EQ(test, map(test, va, DMA0, SZ_8K, 0), 0);
		KUNIT_ASSERT_EQ(test, unmap(test, va, SZ_8K), 0);
		prune(test, va, SZ_8K, NULL);
		KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);
	}
	/* A 2 MiB leaf needs no level-0 table; clearing it frees the rest. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_1G, DMA0, L1_SPAN, 0), 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 3);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_1G, L1_SPAN), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_1G, L1_SPAN, NULL), 2);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);
}

/*
 * Tables a mapping still counts on stay even when empty: a userptr's,
 * preallocated and written later without allocating (I2), with no entry
 * while it is invalidated.
 */
static void vsvm_test_pt_prune_busy(struct kunit *test)
{
	struct busy_range userptr = { .start = SZ_2M + SZ_64K, .end = SZ_2M + SZ_128K };
	struct vsvm_pt *pt = test->priv;

	mutex_lock(&pt->lock);
	KUNIT_ASSERT_EQ(test, vsvm_pt_prealloc_locked(pt, userptr.start,
						      userptr.end - userptr.start), 0);
	mutex_unlock(&pt->lock);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS);
	/* A neighbour in the same level-0 table comes and goes. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_2M, DMA0, SZ_4K, 0), 0);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_2M, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_2M, SZ_4K, &userptr), 0);
	KUNIT_EXPECT_GT(test, userptr.calls, 0);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, VSVM_PT_LEVELS);
	/* The userptr's entries are still written without allocating. */
	KUNIT_EXPECT_EQ(test, vsvm_pt_map_owned(pt, userptr.start, DMA0, SZ_64K, 0), 0);
	expect_at(test, userptr.start + SZ_4K, DMA0 + SZ_4K, 0);
	vsvm_pt_zap(pt, userptr.start, SZ_64K);
	/* Once the userptr's mapping is gone, its tables go too. */
	KUNIT_EXPECT_EQ(test, prune(test, userptr.start, SZ_64K, NULL), VSVM_PT_LEVELS - 1);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);
}

/*
 * A synchronous UNMAP's split touches only the 2 MiB leaves its range cuts
 * into, not those it covers whole.
 */
static void vsvm_test_pt_split_whole(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	unsigned long tables;

	KUNIT_ASSERT_EQ(test, map(test, SZ_1G, DMA0, 3 * L1_SPAN, 0), 0);
	tables = pt->nr_tables;
	mutex_lock(&pt->lock);
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_ends_locked(pt, SZ_1G + L1_SPAN, L1_SPAN), 0);
	mutex_unlock(&pt->lock);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables);
	expect_at(test, SZ_1G + L1_SPAN, DMA0 + L1_SPAN, 1);
	mutex_lock(&pt->lock);
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_ends_locked(pt, SZ_1G + L1_SPAN, L1_SPAN + SZ_4K), 0);
	mutex_unlock(&pt->lock);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, tables + 1);
	expect_at(test, SZ_1G + L1_SPAN, DMA0 + L1_SPAN, 1);
	expect_at(test, SZ_1G + 2 * L1_SPAN, DMA0 + 2 * L1_SPAN, 0);
	/* The range clears without allocating, and its tables then go. */
	vsvm_pt_zap(pt, SZ_1G + L1_SPAN, L1_SPAN + SZ_4K);
	expect_unmapped(test, SZ_1G + L1_SPAN);
	expect_at(test, SZ_1G + 2 * L1_SPAN + SZ_4K, DMA0 + 2 * L1_SPAN + SZ_4K, 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_1G + L1_SPAN, L1_SPAN + SZ_4K, NULL), 0);
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_1G, 3 * L1_SPAN), 0);
	KUNIT_EXPECT_EQ(test, prune(test, SZ_1G, 3 * L1_SPAN, NULL), 3);
	KUNIT_EXPECT_EQ(test, pt->nr_tables, 1);

	/* An asynchronous UNMAP splits whole leaves too: a MAP behind it preallocates. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_1G, DMA0, L1_SPAN, 0), 0);
	mutex_lock(&pt->lock);
	KUNIT_EXPECT_EQ(test, vsvm_pt_split_locked(pt, SZ_1G, L1_SPAN), 0);
	KUNIT_EXPECT_EQ(test, vsvm_pt_prealloc_locked(pt, SZ_1G, L1_SPAN), 0);
	mutex_unlock(&pt->lock);
	expect_at(test, SZ_1G, DMA0, 0);
}

static void vsvm_test_tlb(struct kunit *test)
{
	struct vsvm_pt *pt = test->priv;
	/* A read-only page in another TLB slot than SZ_1M (vpn 256, slot 0). */
	const u64 ro = SZ_2M + 5 * SZ_4K;
	struct vsvm_tlb *tlb;
	u64 dma = 0, gen, count;
	int idx;

	tlb = kunit_kzalloc(test, sizeof(*tlb), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tlb);
	KUNIT_ASSERT_EQ(test, vsvm_tlb_init(tlb), 0);

	KUNIT_ASSERT_EQ(test, map(test, SZ_1M, DMA0, SZ_8K, VSVM_PT_WRITE), 0);
	KUNIT_ASSERT_EQ(test, map(test, ro, DMA0 + SZ_8K, SZ_4K, 0), 0);

	idx = vsvm_tlb_access_begin(tlb);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M + 8, true, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, DMA0 + 8);
	KUNIT_EXPECT_EQ(test, tlb->misses, 1);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M + 16, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, DMA0 + 16);
	KUNIT_EXPECT_EQ(test, tlb->hits, 1);
	/* Read-only and unmapped addresses. */
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, ro, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, ro, true, &dma), -EACCES);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_4M, false, &dma), -EFAULT);
	vsvm_tlb_access_end(tlb, idx);

	/* A cleared entry is still cached until the range is flushed. */
	KUNIT_ASSERT_EQ(test, unmap(test, SZ_1M, SZ_4K), 0);
	idx = vsvm_tlb_access_begin(tlb);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M, false, &dma), 0);
	vsvm_tlb_access_end(tlb, idx);
	vsvm_tlb_flush_range(tlb, SZ_1M, SZ_4K);
	idx = vsvm_tlb_access_begin(tlb);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M, false, &dma), -EFAULT);
	/* The flush dropped only its range: ro is still a hit. */
	count = tlb->hits;
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, ro, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, tlb->hits, count + 1);
	vsvm_tlb_access_end(tlb, idx);
	KUNIT_EXPECT_EQ(test, tlb->flushes, 1);

	/* Direct-mapped: SZ_1M + SZ_4K and SZ_2M + SZ_4K share a slot. */
	KUNIT_ASSERT_EQ(test, map(test, SZ_2M + SZ_4K, DMA0 + SZ_16K, SZ_4K, 0), 0);
	idx = vsvm_tlb_access_begin(tlb);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M + SZ_4K, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_2M + SZ_4K, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, DMA0 + SZ_16K);
	count = tlb->misses;
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M + SZ_4K, false, &dma), 0);
	KUNIT_EXPECT_EQ(test, dma, DMA0 + SZ_4K);
	KUNIT_EXPECT_EQ(test, tlb->misses, count + 1);
	vsvm_tlb_access_end(tlb, idx);

	/*
	 * A walk that started before a flush must not fill the TLB after it:
	 * it may have read an entry the flusher had just cleared.
	 */
	spin_lock(&tlb->lock);
	gen = tlb->gen;
	spin_unlock(&tlb->lock);
	vsvm_tlb_flush_all(tlb);
	KUNIT_EXPECT_FALSE(test, vsvm_tlb_fill(tlb, SZ_1M >> PAGE_SHIFT,
					       DMA0 | VSVM_PTE_VALID, gen));
	idx = vsvm_tlb_access_begin(tlb);
	KUNIT_EXPECT_EQ(test, vsvm_tlb_translate(tlb, pt, SZ_1M, false, &dma), -EFAULT);
	vsvm_tlb_access_end(tlb, idx);
	KUNIT_EXPECT_TRUE(test, vsvm_tlb_fill(tlb, SZ_1M >> PAGE_SHIFT,
					      DMA0 | VSVM_PTE_VALID, gen + 1));

	vsvm_tlb_fini(tlb);
}

static struct kunit_case vsvm_pt_cases[] = {
	KUNIT_CASE(vsvm_test_pt_single_page),
	KUNIT_CASE(vsvm_test_pt_level_boundaries),
	KUNIT_CASE(vsvm_test_pt_huge),
	KUNIT_CASE(vsvm_test_pt_refusals),
	KUNIT_CASE(vsvm_test_pt_split),
	KUNIT_CASE(vsvm_test_pt_prune),
	KUNIT_CASE(vsvm_test_pt_prune_busy),
	KUNIT_CASE(vsvm_test_pt_split_whole),
	KUNIT_CASE(vsvm_test_tlb),
	{}
};

static struct kunit_suite vsvm_pt_suite = {
	.name = "vsvm_pt",
	.init = pt_test_init,
	.exit = pt_test_exit,
	.test_cases = vsvm_pt_cases,
};

kunit_test_suite(vsvm_pt_suite);
