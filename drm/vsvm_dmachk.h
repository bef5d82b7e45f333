/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_DMACHK_H__
#define __VSVM_DMACHK_H__

#include <linux/atomic.h>
#include <linux/jump_label.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct drm_device;
struct seq_file;
struct sg_table;

/**
 * enum vsvm_dmachk_violation - What the DMA checker caught
 * @VSVM_DMACHK_ACCESS_UNMAPPED: The engine reached a page that no object of
 *	the device has DMA-mapped (I10: access after dma_unmap, or through a
 *	page-table entry that outlived its mapping).
 * @VSVM_DMACHK_ACCESS_STALE: The engine reached a page of a userptr whose
 *	invalidation had already waited for the GPU (I1/I3: a job used pages
 *	the CPU no longer maps there).
 * @VSVM_DMACHK_WRITE_READ_ONLY: The engine wrote a page mapped for DMA
 *	read-only (I10).
 * @VSVM_DMACHK_UNMAP_MAPPED: A page was DMA-unmapped while a GPU page-table
 *	entry still pointed to it (I1 steps 3 and 4 out of order).
 * @VSVM_DMACHK_RELEASE_MAPPED: A page was dirtied or unpinned while still
 *	DMA-mapped or reachable through a GPU page-table entry (I1 step 5 too
 *	early).
 * @VSVM_DMACHK_NR: Number of kinds.
 */
enum vsvm_dmachk_violation {
	VSVM_DMACHK_ACCESS_UNMAPPED,
	VSVM_DMACHK_ACCESS_STALE,
	VSVM_DMACHK_WRITE_READ_ONLY,
	VSVM_DMACHK_UNMAP_MAPPED,
	VSVM_DMACHK_RELEASE_MAPPED,
	VSVM_DMACHK_NR
};

/**
 * struct vsvm_dmachk - The DMA checker of one device
 *
 * Tracks, for every page the device has DMA-mapped, which DMA mappings
 * (each read-only or writable, live or stale) and how many GPU page-table
 * entries reach it.  Entries are indexed by DMA page number and live while
 * a mapping or an entry reaches the page.
 */
struct vsvm_dmachk {
	/** @drm: The device, for reports. */
	struct drm_device *drm;
	/** @pages: &struct vsvm_dmachk_page by DMA page number. */
	struct xarray pages;
	/** @violations: Count of each &enum vsvm_dmachk_violation. */
	atomic64_t violations[VSVM_DMACHK_NR];
	/**
	 * @expect: When non-zero, violations are counted but not warned
	 * about: a test that breaks the rules on purpose sets it (KUnit, or
	 * debugfs ``dmachk_expect`` with CONFIG_DRM_VSVM_DEBUG).
	 */
	u32 expect;
};

DECLARE_STATIC_KEY_FALSE(vsvm_dmachk_enabled);

void vsvm_dmachk_init(struct vsvm_dmachk *chk, struct drm_device *drm);
void vsvm_dmachk_fini(struct vsvm_dmachk *chk);

int __vsvm_dmachk_map(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size,
		      bool read_only);
void __vsvm_dmachk_unmap(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size,
			 bool stale);
void __vsvm_dmachk_pte(struct vsvm_dmachk *chk, u64 dma, u64 size, bool set);
void __vsvm_dmachk_stale(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size);
void __vsvm_dmachk_release(struct vsvm_dmachk *chk, const void *owner, u64 dma, u64 size);
bool __vsvm_dmachk_access(struct vsvm_dmachk *chk, u64 dma, bool write);
int vsvm_dmachk_map_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner,
			bool read_only);
void vsvm_dmachk_unmap_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner,
			   bool stale);
void vsvm_dmachk_stale_sgt(struct vsvm_dmachk *chk, struct sg_table *sgt, const void *owner);
void vsvm_dmachk_show(struct vsvm_dmachk *chk, struct seq_file *m);
u64 vsvm_dmachk_count(struct vsvm_dmachk *chk);

/*
 * The checker's hooks cost one static branch when it is off (module
 * parameter ``dmachk``).  @chk may be NULL (KUnit page tables have none).
 * @owner names one mapping (see __vsvm_dmachk_map()): the same pointer for
 * its map, stale, unmap and release.
 */

/** vsvm_dmachk_map() - Record that [@dma, +@size) was DMA-mapped. */
static inline int vsvm_dmachk_map(struct vsvm_dmachk *chk, const void *owner, u64 dma,
				  u64 size, bool read_only)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		return __vsvm_dmachk_map(chk, owner, dma, size, read_only);
	return 0;
}

/** vsvm_dmachk_unmap() - Record (and check) a DMA unmap. */
static inline void vsvm_dmachk_unmap(struct vsvm_dmachk *chk, const void *owner, u64 dma,
				     u64 size, bool stale)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		__vsvm_dmachk_unmap(chk, owner, dma, size, stale);
}

/** vsvm_dmachk_pte() - Record GPU page-table entries set or cleared. */
static inline void vsvm_dmachk_pte(struct vsvm_dmachk *chk, u64 dma, u64 size, bool set)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		__vsvm_dmachk_pte(chk, dma, size, set);
}

/** vsvm_dmachk_stale() - Mark pages of an invalidated userptr. */
static inline void vsvm_dmachk_stale(struct vsvm_dmachk *chk, const void *owner, u64 dma,
				     u64 size)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		__vsvm_dmachk_stale(chk, owner, dma, size);
}

/** vsvm_dmachk_release() - Check pages about to be dirtied and unpinned. */
static inline void vsvm_dmachk_release(struct vsvm_dmachk *chk, const void *owner, u64 dma,
				       u64 size)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		__vsvm_dmachk_release(chk, owner, dma, size);
}

/** vsvm_dmachk_access() - Check an engine access; false: don't touch it. */
static inline bool vsvm_dmachk_access(struct vsvm_dmachk *chk, u64 dma, bool write)
{
	if (static_branch_unlikely(&vsvm_dmachk_enabled) && chk)
		return __vsvm_dmachk_access(chk, dma, write);
	return true;
}

#endif /* __VSVM_DMACHK_H__ */
