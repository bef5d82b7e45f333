/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_GEM_H__
#define __VSVM_GEM_H__

#include <linux/types.h>

#include <drm/drm_gem_shmem_helper.h>

struct dma_buf;
struct drm_device;
struct drm_file;
struct vsvm_device;

/**
 * struct vsvm_bo - A vsvm buffer object
 *
 * Backed by shmem through drm_gem_shmem_helper: the helper owns the pages,
 * their pinning, sg table, vmap and CPU mmap.
 */
struct vsvm_bo {
	/** @base: The shmem GEM object; &vsvm_bo embeds it. */
	struct drm_gem_shmem_object base;
	/**
	 * @accounted: Whether this object is counted in the device's
	 * &vsvm_device.bo_count and &vsvm_device.bo_bytes.  Set once the
	 * object is fully created, so that an object that failed half-way, or
	 * was imported, is not subtracted from them at free.
	 */
	bool accounted;
	/**
	 * @sgt: The pages' DMA mapping for the device, made when a VM first
	 * needs them (vsvm_bo_map_locked()) and dropped by eviction; while it
	 * is set the object holds a use of its pages.  Under the reservation.
	 */
	struct sg_table *sgt;
	/** @vmas: Mappings of the object (&vsvm_vma.up_link), under the reservation. */
	struct list_head vmas;
	/** @lru: Entry in &vsvm_device.lru while @sgt is set, under its lock. */
	struct list_head lru;
	/**
	 * @dma_buf: The object's dma-buf while it lives (no reference: the
	 * dma-buf holds the object), set at export and cleared by its release,
	 * under the reservation.  Unlike &drm_gem_object.dma_buf it stays when
	 * the last GEM handle goes, so that eviction can still tell importers
	 * (I9).  An object exported again while an earlier dma-buf lives
	 * points at the latest.
	 */
	struct dma_buf *dma_buf;
	/** @export_maps: Mappings of the object's dma-buf attachments. */
	unsigned int export_maps;
	/** @evicted: Evicted, and not mapped again since (for the counters). */
	bool evicted;
	/**
	 * @export_pins: How many static importers pinned the object through
	 * its dma-buf (under the reservation): a pinned object never moves.
	 */
	unsigned int export_pins;
};

static inline struct vsvm_bo *to_vsvm_bo(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct vsvm_bo, base);
}

struct drm_gem_object *vsvm_gem_create_object(struct drm_device *drm, size_t size);
int vsvm_gem_check_size(u64 size, u64 *aligned);
int vsvm_bo_create_with_handle(struct drm_device *drm, struct drm_file *file,
			       u64 size, u32 *handle);
int vsvm_bo_mmap_offset(struct drm_file *file, u32 handle, u64 *offset);
int vsvm_bo_map_locked(struct vsvm_bo *bo);
unsigned long vsvm_bo_evict_locked(struct vsvm_bo *bo);
void vsvm_gem_unplug(struct vsvm_device *vdev);

#endif /* __VSVM_GEM_H__ */
