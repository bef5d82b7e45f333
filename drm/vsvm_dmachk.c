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
 * keeps, for every page it has DMA-mapped, a record of each DMA mapping that
 * includes the page (whose it is, read-only or writable, stale or live) and
 * the count of GPU page-table entries that reach it.  Records are per
 * mapping, not per page, because several objects may map one page
 * (overlapping userptrs, one page mapped at two addresses): the page is
 * writable for the device while any live writable mapping of it exists,
 * whatever else maps it read-only, and a release is checked against the
 * releasing mapping's own record.  The driver reports every change through
 * the hooks in vsvm_dmachk.h, naming the mapping by a pointer of its own
 * (the object, or a userptr's array of pinned pages):
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
 *   reach a page that is DMA-mapped, not only through stale mappings, and,
 *   if it writes, through a live writable mapping (I1, I3, I10);
 * - a DMA unmap must find no page-table entry left (I1, steps 3 then 4);
 * - dirtying and unpinning must find neither the releasing mapping still
 *   recorded nor an entry to a page no mapping maps (I1, step 5 last);
 *   another object's mapping of the page is legal.
 *
 * A violation is counted per kind (debugfs ``dmachk``), reported with
 * drm_WARN_ONCE() so that the test run that caused it fails, and an engine
 * access that violates the rules is not made: the job takes a GPU fault
 * instead of touching memory that may belong to someone else.
 *
 * Tests prove the checker works by breaking the order on purpose (debugfs
 * ``dmachk_break``) with ``dmachk_expect`` set, which turns the warning off
 * and leaves the count; both exist only with CONFIG_DRM_VSVM_DEBUG (see the
 * DOC section on test knobs).
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
 * struct vsvm_dmachk_mapping - One mapping's share of one DMA page
 *
 * A page mapped by several objects (overlapping userptrs, a page shared
 * between two address ranges) has one record per mapping, so that the
 * checker knows which mapping is read-only or stale and which mapping a
 * release belongs to.  Only used under the xarray's lock.
 */
struct vsvm_dmachk_mapping {
	/** @link: In &vsvm_dmachk_page.mappings. */
	struct list_head link;
	/** @owner: The mapping's identity, as given to vsvm_dmachk_map(). */
	const void *owner;
	/** @maps: How many times @owner maps the page. */
	unsigned int maps;
	/** @stale: How many of @maps were marked stale. */
	unsigned int stale;
	/** @read_only: Whether @owner maps it for the device to read only. */
	bool read_only;
};

/**
 * struct vsvm_dmachk_page - What the checker knows of one DMA page
 *
 * The counts sum up @mappings, for the engine's lockless check; they and
 * @mappings change under the xarray's lock only.
 */
struct vsvm_dmachk_page {
	/** @maps: DMA mappings of objects that include the page. */
	unsigned int maps;
	/** @ptes: GPU page-table leaves that reach the page. */
	unsigned int ptes;
	/** @stale: How many of @maps belong to invalidated userptrs. */
	unsigned int stale;
	/** @rw: How many of @maps are writable. */
	unsigned int rw;
	/** @rw_stale: How many of @rw are stale. */
	unsigned int rw_stale;
	/** @mappings: &struct vsvm_dmachk_mapping, one per owner. */
	struct list_head mappings;
	/**
	 * @first: The record of one owner, so that a page mapped once (the
	 * common case) costs one allocation; on @mappings while its maps are
	 * non-zero.
	 */
	struct vsvm_dmachk_mapping first;
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
		struct vsvm_dmachk_mapping *m, *next;

		xa_erase(&chk->pages, idx);
		list_for_each_entry_safe(m, next, &pg->mappings, link)
			if (m != &pg->first)
				kfree(m);
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

/* @owner's record of @pg, or NULL; xa_lock held. */
static struct vsvm_dmachk_mapping *dmachk_find_locked(struct vsvm_dmachk_page *pg,
						      const void *owner)
{
	struct vsvm_dmachk_mapping *m;

	list_for_each_entry(m, &pg->mappings, link)
		if (m->owner == owner)
			return m;
	return NULL;
}

/*
 * Adds one map of page @idx by @owner, taking *@newpg and *@newm if they
 * are needed (then set to NULL); xa_lock held, dropped and taken again if
 * the xarray allocates.  Returns -ENOMEM if the xarray cannot store it.
 */
static int dmachk_add_locked(struct vsvm_dmachk *chk, unsigned long idx, const void *owner,
			     bool read_only, struct vsvm_dmachk_page **newpg,
			     struct vsvm_dmachk_mapping **newm)
{
	struct vsvm_dmachk_page *pg = xa_load(&chk->pages, idx);
	struct vsvm_dmachk_mapping *m;

	if (!pg) {
		pg = __xa_cmpxchg(&chk->pages, idx, NULL, *newpg, GFP_KERNEL);
		if (xa_is_err(pg))
			return -ENOMEM;
		if (!pg) {
			pg = *newpg;
			*newpg = NULL;
		}
	}
	m = dmachk_find_locked(pg, owner);
	if (!m) {
		if (!pg->first.maps) {
			m = &pg->first;
		} else {
			m = *newm;
			*newm = NULL;
		}
		m->owner = owner;
		m->stale = 0;
		m->read_only = read_only;
		list_add_tail(&m->link, &pg->mappings);
	}
	/* An object maps all its pages one way. */
	WARN_ON_ONCE(m->read_only != read_only);
	m->maps++;
	WRITE_ONCE(pg->maps, pg->maps + 1);
	if (!m->read_only)
		WRITE_ONCE(pg->rw, pg->rw + 1);
	return 0;
}

/**
 * __vsvm_dmachk_map() - Record a DMA mapping
 * @chk: The checker.
 * @owner: The mapping's identity: any pointer that stays the same, and
 *	unique to the mapping, from this call to the pages' release.
 * @dma: Start of the mapped range, page aligned.
 * @size: Its length, page aligned.
 * @read_only: Whether the device may only read it.
 *
 * May sleep (GFP_KERNEL): never call it from a notifier.
 *
 * Return: 0, or -ENOMEM (the range is then not recorded at all).
 */
int __vsvm_dmachk_map(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size,
		      bool read_only)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	struct vsvm_dmachk_mapping *newm = NULL;
	struct vsvm_dmachk_page *newpg = NULL;
	int ret = 0;

	for (i = 0; i < n; i++) {
		/* What the page may need, allocated while we may sleep. */
		if (!newpg) {
			newpg = kzalloc(sizeof(*newpg), GFP_KERNEL);
			if (!newpg)
				break;
			INIT_LIST_HEAD(&newpg->mappings);
		}
		if (!newm) {
			newm = kzalloc(sizeof(*newm), GFP_KERNEL);
			if (!newm)
				break;
		}
		xa_lock(&chk->pages);
		ret = dmachk_add_locked(chk, first + i, owner, read_only, &newpg, &newm);
		xa_unlock(&chk->pages);
		if (ret)
			break;
	}
	kfree(newpg);
	kfree(newm);
	if (i == n)
		return 0;
	if (i)
		__vsvm_dmachk_unmap(chk, owner, dma, (u64)i << PAGE_SHIFT, false);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_map);

/**
 * __vsvm_dmachk_unmap() - Record a DMA unmap, after checking it
 * @chk: The checker.
 * @owner: The mapping's identity, as given to vsvm_dmachk_map().
 * @dma: Start of the range, as given to vsvm_dmachk_map().
 * @size: Its length.
 * @stale: Whether the mapping had been marked stale.
 *
 * Reports %VSVM_DMACHK_UNMAP_MAPPED if a GPU page-table entry still
 * reaches a page of the range.  Does not sleep.
 */
void __vsvm_dmachk_unmap(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size,
			 bool stale)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	bool bad = false;

	xa_lock(&chk->pages);
	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);
		struct vsvm_dmachk_mapping *m = pg ? dmachk_find_locked(pg, owner) : NULL;

		if (WARN_ON_ONCE(!m))
			continue;
		/* Only the last mapping's unmap leaves the entry unreachable. */
		if (pg->ptes && pg->maps == 1)
			bad = true;
		/* I10: the page stays writable only through writable mappings. */
		m->maps--;
		WRITE_ONCE(pg->maps, pg->maps - 1);
		if (!m->read_only)
			WRITE_ONCE(pg->rw, pg->rw - 1);
		if (stale && m->stale) {
			m->stale--;
			WRITE_ONCE(pg->stale, pg->stale - 1);
			if (!m->read_only)
				WRITE_ONCE(pg->rw_stale, pg->rw_stale - 1);
		}
		if (!m->maps) {
			list_del(&m->link);
			if (m != &pg->first)
				kfree(m);
		}
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
 * @owner: The mapping's identity, as given to vsvm_dmachk_map().
 * @dma: Start of the range.
 * @size: Its length.
 *
 * Called by a userptr invalidation once it has waited for the GPU.  Does
 * not sleep.
 */
void __vsvm_dmachk_stale(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;

	xa_lock(&chk->pages);
	for (i = 0; i < n; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);
		struct vsvm_dmachk_mapping *m = pg ? dmachk_find_locked(pg, owner) : NULL;

		if (!m || m->stale >= m->maps)
			continue;
		m->stale++;
		WRITE_ONCE(pg->stale, pg->stale + 1);
		if (!m->read_only)
			WRITE_ONCE(pg->rw_stale, pg->rw_stale + 1);
	}
	xa_unlock(&chk->pages);
}
EXPORT_SYMBOL_IF_KUNIT(__vsvm_dmachk_stale);

/**
 * __vsvm_dmachk_release() - Check pages about to be dirtied and unpinned
 * @chk: The checker.
 * @owner: The identity of the mapping the pages were got for, as given to
 *	vsvm_dmachk_map().
 * @dma: The DMA address the pages had while mapped.
 * @size: The length.
 *
 * I1 step 5 comes last: reports %VSVM_DMACHK_RELEASE_MAPPED if @owner's
 * own mapping of a page is still recorded (steps 3 and 4 not done), or if a
 * GPU page-table entry reaches a page that no mapping maps any more.
 * Another object's mapping of the same page is legal and, alone, reported
 * neither way.  Does not sleep.
 */
void __vsvm_dmachk_release(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size)
{
	unsigned long first = dma >> PAGE_SHIFT, n = size >> PAGE_SHIFT, i;
	bool bad = false;

	xa_lock(&chk->pages);
	for (i = 0; i < n && !bad; i++) {
		struct vsvm_dmachk_page *pg = xa_load(&chk->pages, first + i);

		if (pg && ((pg->ptes && !pg->maps) || dmachk_find_locked(pg, owner)))
			bad = true;
	}
	xa_unlock(&chk->pages);
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
	/* I10: a write needs a writable mapping, whatever else maps the page. */
	else if (write && !READ_ONCE(pg->rw))
		v = VSVM_DMACHK_WRITE_READ_ONLY;
	else if (write && READ_ONCE(pg->rw_stale) >= READ_ONCE(pg->rw))
		v = VSVM_DMACHK_ACCESS_STALE;
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
 * @owner: The mapping's identity (see __vsvm_dmachk_map()).
 * @read_only: Whether the device may only read it.
 *
 * Return: 0, or -ENOMEM (then nothing of @sgt is recorded).
 */
int vsvm_dmachk_map_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner,
			bool read_only)
{
	struct scatterlist *sg, *s2;
	unsigned int i, j;
	int ret;

	for_each_sgtable_dma_sg(sgt, sg, i) {
		ret = vsvm_dmachk_map(chk, owner, sg_dma_address(sg), sg_dma_len(sg), read_only);
		if (!ret)
			continue;
		for_each_sgtable_dma_sg(sgt, s2, j) {
			if (j == i)
				break;
			vsvm_dmachk_unmap(chk, owner, sg_dma_address(s2), sg_dma_len(s2), false);
		}
		return ret;
	}
	return 0;
}

/**
 * vsvm_dmachk_unmap_sgt() - Record (and check) the DMA unmap of an sg table
 * @chk: The checker.
 * @sgt: The table, about to be unmapped.
 * @owner: The mapping's identity, as given to vsvm_dmachk_map_sgt().
 * @stale: Whether the mapping had been marked stale.
 */
void vsvm_dmachk_unmap_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner,
			   bool stale)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		vsvm_dmachk_unmap(chk, owner, sg_dma_address(sg), sg_dma_len(sg), stale);
}

/**
 * vsvm_dmachk_stale_sgt() - Mark one mapping of a whole sg table stale
 * @chk: The checker.
 * @sgt: The DMA-mapped table of an invalidated userptr.
 * @owner: The mapping's identity, as given to vsvm_dmachk_map_sgt().
 */
void vsvm_dmachk_stale_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner)
{
	struct scatterlist *sg;
	unsigned int i;

	for_each_sgtable_dma_sg(sgt, sg, i)
		vsvm_dmachk_stale(chk, owner, sg_dma_address(sg), sg_dma_len(sg));
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
