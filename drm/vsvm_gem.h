/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_GEM_H__
#define __VSVM_GEM_H__

#include <linux/types.h>

#include <drm/drm_gem_shmem_helper.h>

struct drm_device;
struct drm_file;

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
	 * @dmachk_sgt: The sg table the DMA checker was told of (at the first
	 * VM_BIND, under the object's reservation), or NULL.
	 */
	struct sg_table *dmachk_sgt;
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

#endif /* __VSVM_GEM_H__ */
