// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include <kunit/visibility.h>

#include "vsvm_dmachk.h"

/**
 * DOC: the DMA checker
 *
 * A real device that breaks I1 or I10 corrupts memory quietly, long after
 * the bug; vsvm's simulated one checks itself instead.  When the checker is
 * on (module parameter ``dmachk``, on by default in kernels built with
 * CONFIG_DEBUG_KERNEL, which the test VMs load explicitly), each device
 * keeps, for every page it has DMA-mapped, two counts: how many DMA mappings
 * of objects include the page, and how many GPU page-table entries reach it.
 * The driver reports every change through the hooks in vsvm_dmachk.h:
 *
 * - DMA map and unmap of an object's pages (shmem objects when first bound,
 *   userptrs at populate and invalidation);
 * - every GPU page-table leaf written or cleared (vsvm_pt.c);
 * - the moment a userptr invalidation has waited for the GPU: from then on
 *   no job may reach those pages (they are *stale*);
 * - pages about to be dirtied and unpinned.
 *
 * and checks the rules at each of them:
 *
 * - every engine access (vsvm_engine.c, before it touches the page) must
 *   reach a page that is DMA-mapped, not only through stale mappings, and
 *   not mapped read-only if it writes (I1, I3, I10);
 * - a DMA unmap must find no page-table entry left (I1, steps 3 then 4);
 * - dirtying and unpinning must find neither (I1, step 5 last).
 *
 * A violation is counted per kind (debugfs ``dmachk``), reported with
 * drm_WARN_ONCE() so that the test run that caused it fails, and an engine
 * access that violates the rules is not made: the job takes a GPU fault
 * instead of touching memory that may belong to someone else.
 *
 * Tests prove the checker works by breaking the order on purpose (debugfs
 * ``dmachk_break``) with ``dmachk_expect`` set, which turns the warning off
 * and leaves the count.
 *
 * When the checker is off, each hook costs one static branch.
 */

DEFINE_STATIC_KEY_FALSE(vsvm_dmachk_enabled);

static const char * const vsvm_dmachk_names[VSVM_DMACHK_NR] = {
	[VSVM_DMACHK_ACCESS_UNMAPPED] = "access_unmapped",
	[VSVM_DMACHK_ACCESS_STALE] = "access_stale",
	[VSVM_DMACHK_WRITE_READ_ONLY] = "write_read_only",
	[VSVM_DMACHK_UNMAP_MAPPED] = "unmap_while_mapped",
	[VSVM_DMACHK_RELEASE_MAPPED] = "release_while_mapped",
};

/**
 * struct vsvm_dmachk_page - What the checker knows of one DMA page
 */
struct vsvm_dmachk_page {
	/** @maps: DMA mappings of objects that include the page. */
	unsigned int maps;
	/** @ptes: GPU page-table leaves that reach the page. */
	unsigned int ptes;
	/** @stale: How many of @maps belong to invalidated userptrs. */
	unsigned int stale;
	/** @read_only: How many of @maps are read-only. */
	unsigned int read_only;
	/** @rcu: Freed after a grace period: the engine looks up locklessly. */
	struct rcu_head rcu;
};

/**
 * vsvm_dmachk_init() - Initialise a device's checker
 * @chk: The checker.
 * @drm: The device.
 */
void vsvm_dmachk_init(struct vsvm_dmachk *chk, struct drm_device *drm)
{
	unsigned int i;

	chk->drm = drm;
	xa_init(&chk->pages);
	for (i = 0; i < VSVM_DMACHK_NR; i++)
		atomic64_set(&chk->violations[i], 0);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_dmachk_init);

/**
 * vsvm_dmachk_fini() - Tear down a device's checker
 * @chk: The checker; every object is gone, so every page should be too.
 */
void vsvm_dmachk_fini(struct vsvm_dmachk *chk)
{
	struct vsvm_dmachk_page *pg;
	unsigned long idx;
	unsigned int left = 0;

	xa_for_each(&chk->pages, idx, pg) {
		xa_erase(&chk->pages, idx);
		kfree_rcu(pg, rcu);
		left++;
	}
	/* A page still tracked means an object leaked a DMA mapping. */
	drm_WARN(chk->drm, left, "DMA checker: %u pages still mapped at teardown\n", left);
	xa_destroy(&chk->pages);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_dmachk_fini);

static void dmachk_report(struct vsvm_dmachk *chk, enum vsvm_dmachk_violation v, u64 dma)
{
	atomic64_inc(&chk->violations[v]);
	if (READ_ONCE(chk->expect)) {
		drm_dbg(chk->drm, "DMA checker (expected): %s at dma %#llx\n",
			vsvm_dmachk_names[v], dma);
		return;
	}
	drm_WARN_ONCE(chk->drm, 1, "DMA checker: %s at dma %#llx\n",
		      vsvm_dmachk_names[v], dma);
}

/* Drops @pg if nothing reaches the page any more; xa_lock held. */
static void dmachk_put_locked(struct vsvm_dmachk *chk, unsigned long idx,
			      struct vsvm_dmachk_page *pg)
{
	if (pg->maps || pg->ptes)
		return;
	__xa_erase(&chk->pages, idx);
	kfree_rcu(pg, rcu);
}

/**
 * __vsvm_dmachk_map() - Record a DMA mapping
 * @chk: The checker.
 * @dma: Start of the mapped range, page aligned.
 * @size: Its length, page aligned.
 * @read_only: Whether the device may only read it.
 *
 * May sleep (GFP_KERNEL): never call it from a notifier.
 *
 * Return: 0, or -ENOMEM (the range is then not recorded at all).
 */
int __vsvm_dmachk_map(struct vsvm_dmachk *chk, u64 dma, u64 size, bool read_only)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;

	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg, *new = NULL;

		xa_lock(&chk->pages);
		pg = xa_load(&chk->pages, first + i);
		if (!pg) {
			xa_unlock(&chk->pages);
			new = kzalloc(sizeof(*new), GFP_KERNEL);
			if (!new)
				goto err;
			xa_lock(&chk->pages);
			pg = __xa_cmpxchg(&chk->pages, first + i, NULL, new, GFP_KERNEL);
			if (xa_is_err(pg)) {
				xa_unlock(&chk->pages);
				kfree(new);
				goto err;
			}
			if (!pg) {
				pg = new;
				new = NULL;
			}
		}
		pg->maps++;
		if (read_only)
			pg->read_only++;
		xa_unlock(&chk->pages);
		kfree(new);
	}
	return 0;

err:
	if (i)
		__vsvm_dmachk_unmap(chk, dma, (u64)i << PAGE_SHIFT, false);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_map);

/**
 * __vsvm_dmachk_unmap() - Record a DMA unmap, after checking it
 * @chk: The checker.
 * @dma: Start of the range, as given to vsvm_dmachk_map().
 * @size: Its length.
 * @stale: Whether the mapping had been marked stale.
 *
 * Reports %VSVM_DMACHK_UNMAP_MAPPED if a GPU page-table entry still
 * reaches a page of the range.  Does not sleep.
 */
void __vsvm_dmachk_unmap(struct vsvm_dmachk *chk, u64 dma, u64 size, bool stale)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	bool bad = false;

	xa_lock(&chk->pages);
	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);

		if (WARN_ON_ONCE(!pg || !pg->maps))
			continue;
		/* Only the last mapping's unmap leaves the entry unreachable. */
		if (pg->ptes && pg->maps == 1)
			bad = true;
		pg->maps--;
		if (stale && pg->stale)
			pg->stale--;
		if (pg->read_only > pg->maps)
			pg->read_only = pg->maps;
		dmachk_put_locked(chk, first + i, pg);
	}
	xa_unlock(&chk->pages);
	if (bad)
		dmachk_report(chk, VSVM_DMACHK_UNMAP_MAPPED, dma);
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_unmap);

/**
 * __vsvm_dmachk_pte() - Record GPU page-table leaves written or cleared
 * @chk: The checker.
 * @dma: The DMA address the leaves translate to.
 * @size: The span of the leaves (4 KiB or 2 MiB each).
 * @set: Written (true) or cleared (false).
 *
 * A leaf written to a page that is not DMA-mapped is reported as
 * %VSVM_DMACHK_ACCESS_UNMAPPED: the GPU could reach it.  Does not sleep.
 */
void __vsvm_dmachk_pte(struct vsvm_dmachk *chk, u64 dma, u64 size, bool set)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	bool bad = false;

	xa_lock(&chk->pages);
	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);

		if (!pg) {
			bad |= set;
			continue;
		}
		if (set) {
			pg->ptes++;
		} else if (!WARN_ON_ONCE(!pg->ptes)) {
			pg->ptes--;
			dmachk_put_locked(chk, first + i, pg);
		}
	}
	xa_unlock(&chk->pages);
	if (bad)
		dmachk_report(chk, VSVM_DMACHK_ACCESS_UNMAPPED, dma);
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_pte);

/**
 * __vsvm_dmachk_stale() - Mark one mapping of a range stale
 * @chk: The checker.
 * @dma: Start of the range.
 * @size: Its length.
 *
 * Called by a userptr invalidation once it has waited for the GPU.  Does
 * not sleep.
 */
void __vsvm_dmachk_stale(struct vsvm_dmachk *chk, u64 dma, u64 size)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;

	xa_lock(&chk->pages);
	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);

		if (pg && pg->stale < pg->maps)
			pg->stale++;
	}
	xa_unlock(&chk->pages);
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_stale);

/**
 * __vsvm_dmachk_release() - Check pages about to be dirtied and unpinned
 * @chk: The checker.
 * @dma: The DMA address the pages had while mapped.
 * @size: The length.
 *
 * Reports %VSVM_DMACHK_RELEASE_MAPPED if a page is still DMA-mapped by the
 * object releasing it (that is, at all: the caller unmapped its own mapping
 * first) or reachable through a GPU page-table entry.  Does not sleep.
 */
void __vsvm_dmachk_release(struct vsvm_dmachk *chk, u64 dma, u64 size)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	bool bad = false;

	rcu_read_lock();
	for (i = 0; i < n && !bad; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);

		/* Another object may map the page too: only PTEs are wrong. */
		if (pg && READ_ONCE(pg->ptes) && READ_ONCE(pg->maps) <= READ_ONCE(pg->stale))
			bad = true;
	}
	rcu_read_unlock();
	if (bad)
		dmachk_report(chk, VSVM_DMACHK_RELEASE_MAPPED, dma);
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_release);

/**
 * __vsvm_dmachk_access() - Check one engine access
 * @chk: The checker.
 * @dma: The DMA address the access translated to.
 * @write: Whether it writes.
 *
 * Return: true if the access may be made; false after reporting a
 * violation, in which case the engine faults instead.
 */
bool __vsvm_dmachk_access(struct vsvm_dmachk *chk, u64 dma, bool write)
{
	enum vsvm_dmachk_violation v = VSVM_DMACHK_NR;
	struct vsvm_dmachk_page *pg;

	rcu_read_lock();
	pg = xa_load(&chk->pages, dma >> PAGE_SHIFT);
	if (!pg || !READ_ONCE(pg->maps))
		v = VSVM_DMACHK_ACCESS_UNMAPPED;
	else if (READ_ONCE(pg->stale) >= READ_ONCE(pg->maps))
		v = VSVM_DMACHK_ACCESS_STALE;
	else if (write && READ_ONCE(pg->read_only) >= READ_ONCE(pg->maps))
		v = VSVM_DMACHK_WRITE_READ_ONLY;
	rcu_read_unlock();

	if (v == VSVM_DMACHK_NR)
		return true;
	dmachk_report(chk, v, dma);
	return false;
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_access);

/**
 * vsvm_dmachk_map_sgt() - Record the DMA mapping of a whole sg table
 * @chk: The checker.
 * @sgt: The DMA-mapped table.
 * @read_only: Whether the device may only read it.
 *
 * Return: 0, or -ENOMEM (then nothing of @sgt is recorded).
 */
int vsvm_dmachk_map_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, bool read_only)
{
	struct scatterlist *sg, *s2;
	unsigned int i, j;
	int ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		ret = vsvm_dmachk_map(chk, sg_dma_address(sg), sg_dma_len(sg), read_only);
		if (!ret)
			continue;
		for_each_sgtable_dma_sg(sgt, s2, j) {
			if (j == i)
				break;
			vsvm_dmachk_unmap(chk, sg_dma_address(s2), sg_dma_len(s2), false);
		}
		return ret;
	}
	return 0;
}

/**
 * vsvm_dmachk_unmap_sgt() - Record (and check) the DMA unmap of an sg table
 * @chk: The checker.
 * @sgt: The table, about to be unmapped.
 * @stale: Whether the mapping had been marked stale.
 */
void vsvm_dmachk_unmap_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, bool stale)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		vsvm_dmachk_unmap(chk, sg_dma_address(sg), sg_dma_len(sg), stale);
}

/**
 * vsvm_dmachk_stale_sgt() - Mark one mapping of a whole sg table stale
 * @chk: The checker.
 * @sgt: The DMA-mapped table of an invalidated userptr.
 */
void vsvm_dmachk_stale_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		vsvm_dmachk_stale(chk, sg_dma_address(sg), sg_dma_len(sg));
}

/**
 * vsvm_dmachk_count() - Total number of violations seen
 * @chk: The checker.
 *
 * Return: The sum over all kinds.
 */
u64 vsvm_dmachk_count(struct vsvm_dmachk *chk)
{
	u64 sum = 0;
	unsigned int i;

	for (i = 0; i < VSVM_DMACHK_NR; i++)
		sum += atomic64_read(&chk->violations[i]);
	return sum;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_dmachk_count);

/**
 * vsvm_dmachk_show() - Print the checker's state (debugfs ``dmachk``)
 * @chk: The checker.
 * @m: Where to print.
 */
void vsvm_dmachk_show(struct vsvm_dmachk *chk, struct seq_file *m)
{
	struct vsvm_dmachk_page *pg;
	unsigned long idx, pages = 0;
	unsigned int i;

	xa_lock(&chk->pages);
	xa_for_each(&chk->pages, idx, pg)
		pages++;
	xa_unlock(&chk->pages);

	seq_printf(m, "enabled: %d\n", static_branch_unlikely(&vsvm_dmachk_enabled) ? 1 : 0);
	seq_printf(m, "violations: %llu\n", vsvm_dmachk_count(chk));
	for (i = 0; i < VSVM_DMACHK_NR; i++)
		seq_printf(m, "%s: %lld\n", vsvm_dmachk_names[i],
			   (long long)atomic64_read(&chk->violations[i]));
	seq_printf(m, "tracked_pages: %lu\n", pages);
}
