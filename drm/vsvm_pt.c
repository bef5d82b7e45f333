// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>

#include <kunit/visibility.h>

#include "vsvm_dmachk.h"
#include "vsvm_pt.h"
#include "vsvm_trace.h"

/**
 * DOC: GPU page tables and TLB
 *
 * Each GPU address space has a four-level page table, modelled on x86-64's:
 * 48-bit GPU virtual addresses, 512 entries of 64 bits per table page,
 * 4 KiB pages at level 0 and 2 MiB leaves at level 1.  A leaf holds the DMA
 * address of the memory and whether the GPU may write it; there is no other
 * way for the simulated engine to reach memory.
 *
 * vsvm_pt_map_locked() never replaces a valid entry: mapping over an existing
 * mapping fails with -EEXIST and leaves the table as it was.  It uses a 2 MiB
 * leaf wherever the GPU range and the DMA range are both 2 MiB aligned and
 * cover the whole entry.  vsvm_pt_unmap_locked() splits a 2 MiB leaf that is
 * unmapped in part into 512 small entries (the only case in which unmapping
 * allocates); unmapping a range with nothing mapped is not an error here.
 *
 * The engine walks the table without locks (vsvm_pt_walk()), so updates are
 * single 64-bit stores, a new table page is zeroed before the entry pointing
 * to it is published, and a split publishes a complete small table in place
 * of the 2 MiB leaf (both translate every address the same way).
 *
 * Table pages are charged to the memory cgroup of the task that makes them
 * (``__GFP_ACCOUNT``), and empty ones are given back as the CPU's page
 * tables are, in two steps.  vsvm_pt_prune_locked() takes the empty tables
 * of a range out of the tree (the entry pointing to each is cleared) and
 * hands them to its caller, skipping every table whose span the caller says
 * is still in use: tables that a mapping still counts on (a userptr's or an
 * import's, preallocated and written later without allocating, or those of
 * a queued bind job) must stay even when empty.  A walk that began before
 * the entry was cleared may still be reading the table, so the caller frees
 * the tables with vsvm_pt_free_tables() only after a TLB flush, which waits
 * for every engine access in flight, whatever its address: the TLB caches
 * leaves only, never a table.  The root is never freed before
 * vsvm_pt_fini().
 *
 * Translations are cached in a small TLB (&struct vsvm_tlb).  Clearing page
 * table entries does not remove them from the TLB: whoever clears entries
 * must then flush the range, which also waits until no engine access that
 * may have used the old translation is still running.
 */

static unsigned int pt_index(u64 va, unsigned int level)
{
	return (va >> VSVM_PT_SHIFT(level)) & (VSVM_PT_ENTRIES - 1);
}

static u64 *pt_table(u64 entry)
{
	return phys_to_virt(entry & VSVM_PTE_ADDR);
}

static bool pt_is_leaf(u64 entry, unsigned int level)
{
	return level == 0 || (entry & VSVM_PTE_HUGE);
}

static struct page *pt_alloc_table(struct vsvm_pt *pt, u64 bits)
{
	struct page *page;

	/* See vsvm_pt_map_locked(): the caller guaranteed the tables exist. */
	if (WARN_ON_ONCE(bits & VSVM_PT_BIT_NOALLOC))
		return NULL;
	/* Charged to the caller's memory cgroup: userspace decides how many. */
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);

	if (page)
		pt->nr_tables++;
	return page;
}

/* Makes @table[@idx] point to @child, which must be fully written already. */
static void pt_publish(u64 *table, unsigned int idx, struct page *child)
{
	/* Order the child's contents before the entry the engine follows. */
	smp_wmb();
	WRITE_ONCE(table[idx], page_to_phys(child) | VSVM_PTE_VALID);
}

/**
 * vsvm_pt_init() - Initialise an empty page table
 * @pt: The page table.
 *
 * Return: 0 on success, -ENOMEM if the root table cannot be allocated.
 */
int vsvm_pt_init(struct vsvm_pt *pt)
{
	mutex_init(&pt->lock);
	pt->nr_tables = 0;
	pt->chk = NULL;
	pt->root = pt_alloc_table(pt, 0);
	return pt->root ? 0 : -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_init);

static void pt_free_level(u64 *table, unsigned int level)
{
	unsigned int i;

	for (i = 0; level > 0 && i < VSVM_PT_ENTRIES; i++) {
		u64 e = table[i];

		if ((e & VSVM_PTE_VALID) && !pt_is_leaf(e, level)) {
			pt_free_level(pt_table(e), level - 1);
			__free_page(virt_to_page(pt_table(e)));
		}
	}
}

/**
 * vsvm_pt_fini() - Free a page table and all its table pages
 * @pt: The page table; the engine must no longer use it.
 */
void vsvm_pt_fini(struct vsvm_pt *pt)
{
	if (pt->root) {
		pt_free_level(page_address(pt->root), VSVM_PT_LEVELS - 1);
		__free_page(pt->root);
		pt->root = NULL;
	}
	mutex_destroy(&pt->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_fini);

static bool pt_range_ok(u64 va, u64 size)
{
	u64 end;

	return size && PAGE_ALIGNED(va) && PAGE_ALIGNED(size) &&
	       !check_add_overflow(va, size, &end) && end <= BIT_ULL(VSVM_VA_BITS);
}

/*
 * Maps [va, va + size) to [dma, dma + size) below @table, an entry of @level;
 * adds what it mapped to *@done (leaves only, so *@done is always the length
 * of the mapped prefix of the caller's range).
 */
static int pt_map_level(struct vsvm_pt *pt, u64 *table, unsigned int level,
			u64 va, u64 dma, u64 size, u64 bits, u64 *done)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));

	while (size) {
		unsigned int idx = pt_index(va, level);
		u64 step = min(size, span - (va & (span - 1)));
		u64 e = READ_ONCE(table[idx]);
		int ret;

		if (level == 0) {
			if (e & VSVM_PTE_VALID)
				return -EEXIST;
			vsvm_dmachk_pte(pt->chk, dma, step, true);
			WRITE_ONCE(table[idx], dma | (bits & VSVM_PTE_WRITE) | VSVM_PTE_VALID);
			*done += step;
		} else if (level == 1 && step == span && IS_ALIGNED(dma, span) &&
			   !(e & VSVM_PTE_VALID)) {
			vsvm_dmachk_pte(pt->chk, dma, step, true);
			WRITE_ONCE(table[idx], dma | (bits & VSVM_PTE_WRITE) | VSVM_PTE_HUGE |
				   VSVM_PTE_VALID);
			*done += step;
		} else {
			if (!(e & VSVM_PTE_VALID)) {
				struct page *child = pt_alloc_table(pt, bits);

				if (!child)
					return -ENOMEM;
				pt_publish(table, idx, child);
				e = READ_ONCE(table[idx]);
			} else if (pt_is_leaf(e, level)) {
				return -EEXIST;
			}
			ret = pt_map_level(pt, pt_table(e), level - 1, va, dma,
					   step, bits, done);
			if (ret)
				return ret;
		}
		va += step;
		dma += step;
		size -= step;
	}
	return 0;
}

static int pt_map(struct vsvm_pt *pt, u64 va, u64 dma, u64 size, u32 flags)
{
	u64 bits = (flags & VSVM_PT_WRITE) ? VSVM_PTE_WRITE : 0;
	u64 done = 0;
	int ret;

	/* The DMA range must fit the entries' address field. */
	if (!pt_range_ok(va, size) || !PAGE_ALIGNED(dma) || dma > VSVM_PTE_ADDR ||
	    size - 1 > (VSVM_PTE_ADDR | ~PAGE_MASK) - dma ||
	    (flags & ~(VSVM_PT_WRITE | VSVM_PT_NOALLOC)))
		return -EINVAL;
	if (flags & VSVM_PT_NOALLOC)
		bits |= VSVM_PT_BIT_NOALLOC;

	ret = pt_map_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1,
			   va, dma, size, bits, &done);
	if (ret && done)
		vsvm_pt_zap(pt, va, done);
	return ret;
}

/**
 * vsvm_pt_map_locked() - Map a GPU range to a contiguous DMA range
 * @pt: The page table, its lock held.
 * @va: Start of the GPU range, page aligned.
 * @dma: Start of the DMA range, page aligned.
 * @size: Length in bytes, page aligned, not zero.
 * @flags: %VSVM_PT_WRITE to let the GPU write the range; %VSVM_PT_NOALLOC
 *         to fail rather than allocate a table page.
 *
 * The range must be free: nothing is replaced.  On failure nothing of the
 * range stays mapped (table pages allocated on the way are kept).
 *
 * Return: 0 on success; -EINVAL for a misaligned, empty or out-of-range
 * request; -EEXIST if part of the range is mapped already; -ENOMEM.
 */
int vsvm_pt_map_locked(struct vsvm_pt *pt, u64 va, u64 dma, u64 size, u32 flags)
{
	lockdep_assert_held(&pt->lock);
	return pt_map(pt, va, dma, size, flags);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_map_locked);

/**
 * vsvm_pt_map_owned() - Map part of a range whose entries the caller owns
 * @pt: The page table; its lock need not be held.
 * @va: Start of the GPU range, page aligned.
 * @dma: Start of the DMA range, page aligned.
 * @size: Length in bytes, page aligned, not zero.
 * @flags: %VSVM_PT_WRITE or 0.
 *
 * For a range whose leaves only the caller writes, under a lock of its own
 * that reclaim may take (a userptr's notifier lock): the table pages must
 * have been made with vsvm_pt_prealloc_locked(), and this never allocates.
 * Other ranges may be changed under &vsvm_pt.lock meanwhile: those changes
 * only publish new table pages in empty entries, which this never writes.
 *
 * Return: 0 on success; -EINVAL, -EEXIST as vsvm_pt_map_locked(); -ENOMEM
 * (with a warning) if a table page is missing.
 */
int vsvm_pt_map_owned(struct vsvm_pt *pt, u64 va, u64 dma, u64 size, u32 flags)
{
	return pt_map(pt, va, dma, size, (flags & VSVM_PT_WRITE) | VSVM_PT_NOALLOC);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_map_owned);

/* Makes sure tables down to level 0 exist below @table for the range. */
static int pt_prealloc_level(struct vsvm_pt *pt, u64 *table, unsigned int level,
			     u64 va, u64 size)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));

	while (size) {
		unsigned int idx = pt_index(va, level);
		u64 step = min(size, span - (va & (span - 1)));
		u64 e = READ_ONCE(table[idx]);
		int ret;

		if (!(e & VSVM_PTE_VALID)) {
			struct page *child = pt_alloc_table(pt, 0);

			if (!child)
				return -ENOMEM;
			pt_publish(table, idx, child);
			e = READ_ONCE(table[idx]);
		} else if (pt_is_leaf(e, level)) {
			return -EEXIST;
		}
		if (level > 1) {
			ret = pt_prealloc_level(pt, pt_table(e), level - 1, va, step);
			if (ret)
				return ret;
		}
		va += step;
		size -= step;
	}
	return 0;
}

/**
 * vsvm_pt_prealloc_locked() - Make every table page a range needs
 * @pt: The page table, its lock held.
 * @va: Start of the range, page aligned.
 * @size: Length, page aligned, not zero.
 *
 * Afterwards vsvm_pt_map_owned() can map any part of the range (with 4 KiB
 * leaves) without allocating.
 *
 * Return: 0 on success; -EINVAL for a bad range; -EEXIST if part of the
 * range is mapped by a 2 MiB leaf; -ENOMEM.
 */
int vsvm_pt_prealloc_locked(struct vsvm_pt *pt, u64 va, u64 size)
{
	lockdep_assert_held(&pt->lock);
	if (!pt_range_ok(va, size))
		return -EINVAL;
	return pt_prealloc_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_prealloc_locked);

/* Replaces the 2 MiB leaf @table[@idx] by a table of 512 equal small leaves. */
static int pt_split(struct vsvm_pt *pt, u64 *table, unsigned int idx)
{
	u64 e = READ_ONCE(table[idx]);
	u64 bits = e & VSVM_PTE_WRITE;
	u64 dma = e & VSVM_PTE_ADDR;
	struct page *child = pt_alloc_table(pt, 0);
	u64 *small;
	unsigned int i;

	if (!child)
		return -ENOMEM;
	small = page_address(child);
	for (i = 0; i < VSVM_PT_ENTRIES; i++)
		small[i] = (dma + ((u64)i << PAGE_SHIFT)) | bits | VSVM_PTE_VALID;
	pt_publish(table, idx, child);
	return 0;
}

static int pt_unmap_level(struct vsvm_pt *pt, u64 *table, unsigned int level,
			  u64 va, u64 size, bool split)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));

	while (size) {
		unsigned int idx = pt_index(va, level);
		u64 step = min(size, span - (va & (span - 1)));
		u64 e = READ_ONCE(table[idx]);
		int ret;

		if (!(e & VSVM_PTE_VALID)) {
			/* A hole: nothing to unmap. */
		} else if (pt_is_leaf(e, level) && step == span) {
			WRITE_ONCE(table[idx], 0);
			vsvm_dmachk_pte(pt->chk, e & VSVM_PTE_ADDR & ~(span - 1), span, false);
		} else {
			if (pt_is_leaf(e, level)) {
				if (!split)
					return -EINVAL;
				ret = pt_split(pt, table, idx);
				if (ret)
					return ret;
				e = READ_ONCE(table[idx]);
			}
			ret = pt_unmap_level(pt, pt_table(e), level - 1, va, step, split);
			if (ret)
				return ret;
		}
		va += step;
		size -= step;
	}
	return 0;
}

/*
 * Splits every 2 MiB leaf below @table, an entry of @level, in the range;
 * with @ends, only those the range covers in part.
 */
static int pt_split_level(struct vsvm_pt *pt, u64 *table, unsigned int level,
			  u64 va, u64 size, bool ends)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));

	while (size) {
		unsigned int idx = pt_index(va, level);
		u64 step = min(size, span - (va & (span - 1)));
		u64 e = READ_ONCE(table[idx]);
		int ret = 0;

		if ((e & VSVM_PTE_VALID) && level > 0) {
			if (!pt_is_leaf(e, level)) {
				if (level > 1)
					ret = pt_split_level(pt, pt_table(e), level - 1, va, step,
							     ends);
			} else if (!ends || step != span) {
				ret = pt_split(pt, table, idx);
			}
			if (ret)
				return ret;
		}
		va += step;
		size -= step;
	}
	return 0;
}

/**
 * vsvm_pt_split_locked() - Turn a range's 2 MiB leaves into small ones
 * @pt: The page table, its lock held.
 * @va: Start of the range, page aligned.
 * @size: Length, page aligned, not zero.
 *
 * Every 2 MiB leaf that covers part of the range is replaced by a table of
 * 512 small leaves translating the same way.  Afterwards the range's
 * entries can be cleared with vsvm_pt_zap(), which never allocates, and
 * vsvm_pt_prealloc_locked() no longer fails on them: an asynchronous
 * VM_BIND UNMAP splits in the ioctl what its bind job clears later, and a
 * MAP queued behind it preallocates the range at once.
 *
 * Return: 0 on success; -EINVAL for a bad range; -ENOMEM, in which case some
 * leaves may have been split (which changes no translation).
 */
int vsvm_pt_split_locked(struct vsvm_pt *pt, u64 va, u64 size)
{
	lockdep_assert_held(&pt->lock);
	if (!pt_range_ok(va, size))
		return -EINVAL;
	return pt_split_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size, false);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_split_locked);

/**
 * vsvm_pt_split_ends_locked() - Split the 2 MiB leaves a range cuts into
 * @pt: The page table, its lock held.
 * @va: Start of the range, page aligned.
 * @size: Length, page aligned, not zero.
 *
 * As vsvm_pt_split_locked(), but a 2 MiB leaf the range covers whole stays
 * (at most two leaves are split, one at each end).  Afterwards
 * vsvm_pt_unmap_locked() on the range neither allocates nor fails: a
 * synchronous VM_BIND UNMAP splits before it changes anything else.
 *
 * Return: 0 on success; -EINVAL for a bad range; -ENOMEM, in which case some
 * leaves may have been split (which changes no translation).
 */
int vsvm_pt_split_ends_locked(struct vsvm_pt *pt, u64 va, u64 size)
{
	lockdep_assert_held(&pt->lock);
	if (!pt_range_ok(va, size))
		return -EINVAL;
	return pt_split_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size, true);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_split_ends_locked);

/**
 * vsvm_pt_unmap_locked() - Clear the entries of a GPU range
 * @pt: The page table, its lock held.
 * @va: Start of the range, page aligned.
 * @size: Length in bytes, page aligned, not zero.
 *
 * Parts of the range that are not mapped are skipped.  The TLB still holds
 * the old translations: flush the range afterwards.  Allocates only to split
 * a 2 MiB leaf that the range covers in part.
 *
 * Return: 0 on success; -EINVAL for a misaligned, empty or out-of-range
 * request; -ENOMEM if a split failed, in which case a prefix of the range
 * may have been unmapped.
 */
int vsvm_pt_unmap_locked(struct vsvm_pt *pt, u64 va, u64 size)
{
	lockdep_assert_held(&pt->lock);
	if (!pt_range_ok(va, size))
		return -EINVAL;
	return pt_unmap_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size, true);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_unmap_locked);

/**
 * vsvm_pt_zap() - Clear the entries of a range whose entries the caller owns
 * @pt: The page table; its lock need not be held (see vsvm_pt_map_owned()).
 * @va: Start of the range, page aligned.
 * @size: Length, page aligned, not zero.
 *
 * Never allocates and never sleeps, so it can run in an MMU notifier: it
 * never splits a 2 MiB leaf, and the caller's range must cover whole leaves
 * (a range mapped with vsvm_pt_map_owned() always does).  Flush the TLB
 * afterwards.
 */
void vsvm_pt_zap(struct vsvm_pt *pt, u64 va, u64 size)
{
	if (WARN_ON(!pt_range_ok(va, size)))
		return;
	WARN_ON(pt_unmap_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size,
			       false));
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_zap);

/* Whether every entry of @table is invalid. */
static bool pt_table_empty(const u64 *table)
{
	unsigned int i;

	for (i = 0; i < VSVM_PT_ENTRIES; i++)
		if (READ_ONCE(table[i]) & VSVM_PTE_VALID)
			return false;
	return true;
}

/*
 * Takes out of the tree, below @table (an entry of @level, which maps
 * @base), every table that the range reaches, that is empty once its own
 * empty tables are out, and whose span @busy does not claim.
 */
static unsigned long pt_prune_level(struct vsvm_pt *pt, u64 *table, unsigned int level,
				    u64 va, u64 size, vsvm_pt_busy_fn busy, void *priv,
				    struct list_head *tables)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));
	unsigned long pruned = 0;

	while (size) {
		unsigned int idx = pt_index(va, level);
		u64 step = min(size, span - (va & (span - 1)));
		u64 e = READ_ONCE(table[idx]);

		if ((e & VSVM_PTE_VALID) && !pt_is_leaf(e, level)) {
			u64 *child = pt_table(e);

			if (level > 1)
				pruned += pt_prune_level(pt, child, level - 1, va, step, busy,
							 priv, tables);
			if (pt_table_empty(child) && !busy(va & ~(span - 1), span, priv)) {
				WRITE_ONCE(table[idx], 0);
				list_add(&virt_to_page(child)->lru, tables);
				pt->nr_tables--;
				pruned++;
			}
		}
		va += step;
		size -= step;
	}
	return pruned;
}

/**
 * vsvm_pt_prune_locked() - Take the empty table pages of a range out
 * @pt: The page table, its lock held.
 * @va: Start of the range, page aligned.
 * @size: Length, page aligned, not zero.
 * @busy: Says whether the span [@start, @start + @len) of a table must keep
 *        its table, empty or not: a mapping there still counts on it.
 * @priv: Passed to @busy.
 * @tables: Where the table pages taken out are put (&page.lru).
 *
 * Every table below the root that the range reaches is taken out of the
 * tree if all its entries are invalid (after its own empty tables were
 * taken out) and @busy does not claim its span; &vsvm_pt.nr_tables drops
 * at once.  The root stays.  Nobody may write the range's entries without
 * &vsvm_pt.lock meanwhile (no bind job queued, no userptr or import mapping
 * there but those @busy claims).  The engine may still be walking a table
 * taken out: free them with vsvm_pt_free_tables() only after a TLB flush
 * that waits (vsvm_tlb_flush_range()).
 *
 * Return: How many table pages were taken out.
 */
unsigned long vsvm_pt_prune_locked(struct vsvm_pt *pt, u64 va, u64 size,
				   vsvm_pt_busy_fn busy, void *priv,
				   struct list_head *tables)
{
	lockdep_assert_held(&pt->lock);
	if (WARN_ON(!pt_range_ok(va, size)))
		return 0;
	return pt_prune_level(pt, page_address(pt->root), VSVM_PT_LEVELS - 1, va, size,
			      busy, priv, tables);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_prune_locked);

/**
 * vsvm_pt_free_tables() - Free table pages taken out of a page table
 * @tables: Table pages from vsvm_pt_prune_locked(), taken out before a TLB
 *          flush that has since waited for the engine's accesses in flight.
 *
 * Empties @tables.  Their memory cgroup charge goes with them.
 */
void vsvm_pt_free_tables(struct list_head *tables)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, tables, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_free_tables);

/**
 * vsvm_pt_walk() - Translate a GPU address through the page table
 * @pt: The page table.  No lock is needed: see the DOC section.
 * @va: The GPU address.
 * @walk: Out: the leaf entry, its level and the translated DMA address.
 *
 * Return: 0 on success, -ENOENT if @va is not mapped or out of range.
 */
int vsvm_pt_walk(struct vsvm_pt *pt, u64 va, struct vsvm_pt_walk *walk)
{
	u64 *table = page_address(pt->root);
	unsigned int level;

	if (va >> VSVM_VA_BITS)
		return -ENOENT;
	for (level = VSVM_PT_LEVELS - 1;; level--) {
		u64 e = READ_ONCE(table[pt_index(va, level)]);

		if (!(e & VSVM_PTE_VALID))
			return -ENOENT;
		if (pt_is_leaf(e, level)) {
			u64 span = BIT_ULL(VSVM_PT_SHIFT(level));

			walk->pte = e;
			walk->level = level;
			walk->dma = (e & VSVM_PTE_ADDR & ~(span - 1)) + (va & (span - 1));
			return 0;
		}
		table = pt_table(e);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_pt_walk);

/**
 * struct pt_dump - State of vsvm_pt_dump_locked(): the run being printed
 */
struct pt_dump {
	/** @m: Where to print. */
	struct seq_file *m;
	/** @open: Whether a run is pending. */
	bool open;
	/** @level: The run's leaf level. */
	unsigned int level;
	/** @bits: The run's permission bits. */
	u64 bits;
	/** @start: The run's first GPU address. */
	u64 start;
	/** @end: The GPU address after the run. */
	u64 end;
	/** @dma: The run's first DMA address. */
	u64 dma;
	/** @dma_end: The DMA address after the run. */
	u64 dma_end;
};

static void pt_dump_flush(struct pt_dump *d)
{
	if (d->open)
		seq_printf(d->m, "pt: 0x%016llx-0x%016llx %s %s dma 0x%llx\n",
			   d->start, d->end, d->bits & VSVM_PTE_WRITE ? "rw" : "ro",
			   d->level ? "2M" : "4K", d->dma);
	d->open = false;
}

static void pt_dump_leaf(struct pt_dump *d, u64 va, u64 e, unsigned int level)
{
	u64 span = BIT_ULL(VSVM_PT_SHIFT(level));
	u64 dma = e & VSVM_PTE_ADDR & ~(span - 1);
	u64 bits = e & VSVM_PTE_WRITE;

	if (d->open && d->end == va && d->dma_end == dma && d->bits == bits &&
	    d->level == level) {
		d->end += span;
		d->dma_end += span;
		return;
	}
	pt_dump_flush(d);
	*d = (struct pt_dump){ .m = d->m, .open = true, .level = level, .bits = bits,
			       .start = va, .end = va + span, .dma = dma, .dma_end = dma + span };
}

static void pt_dump_level(struct pt_dump *d, u64 *table, unsigned int level, u64 base)
{
	unsigned int i;

	for (i = 0; i < VSVM_PT_ENTRIES; i++) {
		u64 e = table[i], va = base + ((u64)i << VSVM_PT_SHIFT(level));

		if (!(e & VSVM_PTE_VALID))
			continue;
		if (pt_is_leaf(e, level))
			pt_dump_leaf(d, va, e, level);
		else
			pt_dump_level(d, pt_table(e), level - 1, va);
	}
}

/**
 * vsvm_pt_dump_locked() - Print a page table's mappings
 * @pt: The page table, its lock held.
 * @m: Where to print.
 *
 * One line per run of leaves that are contiguous in GPU and DMA address and
 * alike in level and permission: GPU range, ``rw`` or ``ro``, ``4K`` or
 * ``2M``, first DMA address.  Then the number of table pages.
 */
void vsvm_pt_dump_locked(struct vsvm_pt *pt, struct seq_file *m)
{
	struct pt_dump d = { .m = m };

	lockdep_assert_held(&pt->lock);
	pt_dump_level(&d, page_address(pt->root), VSVM_PT_LEVELS - 1, 0);
	pt_dump_flush(&d);
	seq_printf(m, "pt: %lu table pages\n", pt->nr_tables);
}

/**
 * vsvm_tlb_init() - Initialise an empty TLB
 * @tlb: The TLB.
 *
 * Return: 0 on success, a negative errno if SRCU cannot be set up.
 */
int vsvm_tlb_init(struct vsvm_tlb *tlb)
{
	unsigned int i;

	spin_lock_init(&tlb->lock);
	tlb->gen = 0;
	tlb->hits = 0;
	tlb->misses = 0;
	tlb->flushes = 0;
	for (i = 0; i < VSVM_TLB_ENTRIES; i++)
		tlb->entries[i].vpn = U64_MAX;
	return init_srcu_struct(&tlb->srcu);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_init);

/**
 * vsvm_tlb_fini() - Release a TLB
 * @tlb: The TLB; no access may be running.
 */
void vsvm_tlb_fini(struct vsvm_tlb *tlb)
{
	cleanup_srcu_struct(&tlb->srcu);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_fini);

/**
 * vsvm_tlb_access_begin() - Start an engine access through the TLB
 * @tlb: The TLB.
 *
 * A flush waits for every access begun before it to end.  Never flush
 * between vsvm_tlb_access_begin() and vsvm_tlb_access_end().
 *
 * Return: A cookie for vsvm_tlb_access_end().
 */
int vsvm_tlb_access_begin(struct vsvm_tlb *tlb) __acquires(&tlb->srcu)
{
	return srcu_read_lock(&tlb->srcu);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_access_begin);

/**
 * vsvm_tlb_access_end() - End an engine access through the TLB
 * @tlb: The TLB.
 * @idx: The cookie from vsvm_tlb_access_begin().
 */
void vsvm_tlb_access_end(struct vsvm_tlb *tlb, int idx) __releases(&tlb->srcu)
{
	srcu_read_unlock(&tlb->srcu, idx);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_access_end);

static struct vsvm_tlb_entry *tlb_slot(struct vsvm_tlb *tlb, u64 vpn)
{
	return &tlb->entries[vpn % VSVM_TLB_ENTRIES];
}

/*
 * Caches a translation found by a walk that started at flush generation
 * @gen; a flush since then makes the walk's result suspect, so it is dropped.
 */
VISIBLE_IF_KUNIT bool vsvm_tlb_fill(struct vsvm_tlb *tlb, u64 vpn, u64 pte, u64 gen)
{
	bool filled = false;

	spin_lock(&tlb->lock);
	if (tlb->gen == gen) {
		tlb_slot(tlb, vpn)->vpn = vpn;
		tlb_slot(tlb, vpn)->pte = pte;
		filled = true;
	}
	spin_unlock(&tlb->lock);
	return filled;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_fill);

/**
 * vsvm_tlb_translate() - Translate one engine access
 * @tlb: The TLB, inside vsvm_tlb_access_begin().
 * @pt: The page table to walk on a miss.
 * @va: The GPU address.
 * @write: Whether the access writes.
 * @dma: Out: the DMA address.
 *
 * Return: 0 on success; -EFAULT if @va is not mapped; -EACCES for a write
 * to a read-only mapping.
 */
int vsvm_tlb_translate(struct vsvm_tlb *tlb, struct vsvm_pt *pt, u64 va,
		       bool write, u64 *dma)
{
	u64 vpn = va >> PAGE_SHIFT;
	struct vsvm_tlb_entry *slot;
	struct vsvm_pt_walk walk;
	u64 pte, gen;

	spin_lock(&tlb->lock);
	slot = tlb_slot(tlb, vpn);
	if (slot->vpn == vpn) {
		pte = slot->pte;
		tlb->hits++;
		spin_unlock(&tlb->lock);
	} else {
		gen = tlb->gen;
		tlb->misses++;
		spin_unlock(&tlb->lock);

		if (vsvm_pt_walk(pt, va, &walk))
			return -EFAULT;
		pte = (walk.dma & PAGE_MASK) | (walk.pte & VSVM_PTE_WRITE) | VSVM_PTE_VALID;
		vsvm_tlb_fill(tlb, vpn, pte, gen);
	}

	if (write && !(pte & VSVM_PTE_WRITE))
		return -EACCES;
	*dma = (pte & VSVM_PTE_ADDR) | (va & ~PAGE_MASK);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_translate);

static void tlb_flush(struct vsvm_tlb *tlb, u64 first, u64 last, bool wait)
{
	unsigned int i;

	spin_lock(&tlb->lock);
	tlb->gen++;
	tlb->flushes++;
	trace_vsvm_tlb_flush(tlb->trace_dev, tlb->trace_client, first, last, tlb->gen);
	for (i = 0; i < VSVM_TLB_ENTRIES; i++)
		if (tlb->entries[i].vpn >= first && tlb->entries[i].vpn <= last)
			tlb->entries[i].vpn = U64_MAX;
	spin_unlock(&tlb->lock);

	/* Wait for accesses that may have used a translation just dropped. */
	if (wait)
		synchronize_srcu(&tlb->srcu);
}

/**
 * vsvm_tlb_flush_range() - Drop a range's translations and wait for users
 * @tlb: The TLB.
 * @va: Start of the GPU range.
 * @size: Length in bytes, not zero.
 *
 * When this returns, no engine access uses a translation of the range that
 * was cached, or walked, before the call.  Sleeps.
 */
void vsvm_tlb_flush_range(struct vsvm_tlb *tlb, u64 va, u64 size)
{
	tlb_flush(tlb, va >> PAGE_SHIFT, (va + size - 1) >> PAGE_SHIFT, true);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_flush_range);

/**
 * vsvm_tlb_flush_range_idle() - Drop a range's translations, without waiting
 * @tlb: The TLB.
 * @va: Start of the GPU range.
 * @size: Length in bytes, not zero.
 *
 * For callers that know no engine access can be using the range (no job
 * that may reach it is queued or running): a userptr invalidation once it
 * has waited for the GPU, or a non-blockable one that found it idle, which
 * must not sleep.  A walk that raced with the flush still has its fill
 * dropped (the generation is bumped).
 */
void vsvm_tlb_flush_range_idle(struct vsvm_tlb *tlb, u64 va, u64 size)
{
	tlb_flush(tlb, va >> PAGE_SHIFT, (va + size - 1) >> PAGE_SHIFT, false);
}

/**
 * vsvm_tlb_flush_all() - Drop every translation and wait for users
 * @tlb: The TLB.
 *
 * As vsvm_tlb_flush_range() for the whole address space.  Sleeps.
 */
void vsvm_tlb_flush_all(struct vsvm_tlb *tlb)
{
	tlb_flush(tlb, 0, U64_MAX - 1, true);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_tlb_flush_all);
