/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_USERPTR_H__
#define __VSVM_USERPTR_H__

#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/scatterlist.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_gem.h>

struct dma_buf;
struct drm_file;
struct seq_file;
struct vsvm_device;
struct vsvm_mm;
struct vsvm_vm;
struct vsvm_vma;

/**
 * struct vsvm_userptr - A GEM object backed by process memory
 *
 * The fields below @pages, and the entries and &vsvm_vma.ptes_valid of the
 * object's mappings, change only under &vsvm_mm.notifier_lock of the
 * object's address space (@vmm).
 */
struct vsvm_userptr {
	/** @base: The GEM object; &vsvm_userptr embeds it. */
	struct drm_gem_object base;
	/** @mm: The address space the memory is in, held with mmgrab() (I4). */
	struct mm_struct *mm;
	/** @vmm: The device's binding to @mm (I5), referenced. */
	struct vsvm_mm *vmm;
	/** @addr: Start of the range in @mm. */
	unsigned long addr;
	/** @flags: DRM_VSVM_USERPTR_* it was created with. */
	u32 flags;
	/** @client_id: The DRM client id of the file that made it (tracepoints). */
	u64 client_id;
	/** @notifier: Notifier mode: the interval notifier over the range. */
	struct mmu_interval_notifier notifier;
	/** @pinned_link: Registration mode: entry in &vsvm_mm.pinned. */
	struct list_head pinned_link;
	/** @pages: The pinned pages, or NULL when there are none. */
	struct page **pages;
	/** @sgt: The pages' DMA mapping, valid while @pages is set. */
	struct sg_table sgt;
	/** @stale: Whether the DMA checker was told the pages are stale. */
	bool stale;
	/**
	 * @dropping: An invalidation is letting go of @pages: it waits for
	 * the GPU with the lock dropped, and meanwhile no entry may be
	 * written from them nor a job queued that uses them.
	 */
	bool dropping;
	/**
	 * @gpu_used: Whether a job that may read the current pages was
	 * queued; @gpu_dirty: one that may write them.  They decide, at
	 * release, which pages are marked accessed and dirtied.
	 */
	bool gpu_used;
	/** @gpu_dirty: See @gpu_used. */
	bool gpu_dirty;
	/** @populated: Whether pages were ever installed (for revalidations). */
	bool populated;
	/** @counted: Whether the object is in &vsvm_userptr_stats.userptrs. */
	bool counted;
	/** @vmas: Mappings of the object (&vsvm_vma.up_link). */
	struct list_head vmas;
	/**
	 * @dma_buf: Registration mode: the object's dma-buf while it is
	 * exported (no reference: the dma-buf holds the object), set under
	 * &vsvm_mm.lock.
	 */
	struct dma_buf *dma_buf;
	/** @export_pins: Static importers' pins, under the reservation. */
	unsigned int export_pins;
	/** @export_maps: Mapped attachments, under the reservation. */
	unsigned int export_maps;
	/**
	 * @release_pending: The mm was torn down while exported: the pages go
	 * once importers have given them back (@release_work).
	 */
	bool release_pending;
	/** @release_work: Lets an exported registration's pages go (I6). */
	struct work_struct release_work;
	/** @dev_link: Entry in &vsvm_device.userptrs while @counted. */
	struct list_head dev_link;
	/**
	 * @vm_root: A VM-private userptr (%DRM_VSVM_GEM_EXT_VM_PRIVATE): the
	 * reservation object of its VM (drm_gpuvm_resv_obj()), referenced,
	 * whose reservation is the userptr's; else NULL.  The object holds
	 * this, not the VM, so that it outlives the VM safely and keeps no
	 * VM alive.
	 */
	struct drm_gem_object *vm_root;
	/**
	 * @unmap_fence: A VM-private userptr: the fence of the last
	 * asynchronous UNMAP that took a mapping of it off @vmas before the
	 * job cleared its entries, referenced, or NULL; under the notifier
	 * lock.  The invalidation waits for it instead of the object's
	 * reservation, which is the VM's (up_busy_fence_locked()).
	 */
	struct dma_fence *unmap_fence;
};

/**
 * struct vsvm_userptr_stats - A device's userptr counters (debugfs)
 */
struct vsvm_userptr_stats {
	/** @userptrs: Live userptr objects. */
	atomic64_t userptrs;
	/** @pinned_pages: Pages pinned short-term by notifier-mode userptrs. */
	atomic64_t pinned_pages;
	/** @longterm_pages: Pages pinned long-term by registration. */
	atomic64_t longterm_pages;
	/** @invalidations: Invalidations that dropped pages. */
	atomic64_t invalidations;
	/** @invalidation_waits: Of those, how many waited for the GPU. */
	atomic64_t invalidation_waits;
	/** @revalidations: Populates after an invalidation. */
	atomic64_t revalidations;
	/** @retries: Populates that raced with an invalidation and retried. */
	atomic64_t retries;
	/** @would_block: Non-blockable invalidations refused (-EAGAIN). */
	atomic64_t would_block;
	/**
	 * @exec_checked: Userptr mappings EXEC checked and wrote because they
	 * were on their VM's &vsvm_vm.up_invalidated (mapped, cut, or
	 * invalidated since the VM's last EXEC); the others it does not touch.
	 */
	atomic64_t exec_checked;
};

int vsvm_userptr_module_init(void);
void vsvm_userptr_module_exit(void);
bool vsvm_gem_is_userptr(struct drm_gem_object *obj);
struct drm_gem_object *vsvm_gem_vm_root(struct drm_gem_object *obj);
bool vsvm_userptr_is_dmabuf(struct dma_buf *dma_buf);
struct vsvm_userptr *to_vsvm_userptr(struct drm_gem_object *obj);

int vsvm_userptr_create(struct vsvm_device *vdev, struct drm_file *file,
			u64 addr, u64 size, u32 flags, struct vsvm_vm *vm, u32 *handle);
int vsvm_userptr_check_mm(struct vsvm_userptr *up);
int vsvm_userptr_check_export(struct vsvm_userptr *up);
int vsvm_userptr_populate(struct vsvm_userptr *up);
int vsvm_userptr_vma_bind_locked(struct vsvm_userptr *up, struct vsvm_vm *vm,
				 struct vsvm_vma *vma);
void vsvm_userptr_vma_used_locked(struct vsvm_userptr *up, struct vsvm_vma *vma);
bool vsvm_userptr_pages_valid_locked(struct vsvm_userptr *up);
void vsvm_userptr_used_locked(struct vsvm_userptr *up, bool write);
void vsvm_userptr_vma_detach_locked(struct vsvm_vma *vma);
void vsvm_userptr_unmap_fence_locked(struct vsvm_userptr *up, struct dma_fence *fence);
void vsvm_userptr_mm_release_locked(struct vsvm_device *vdev, struct list_head *pinned);
void vsvm_userptr_unplug(struct vsvm_device *vdev);
void vsvm_userptr_debugfs_show(struct vsvm_device *vdev, struct seq_file *m);

#endif /* __VSVM_USERPTR_H__ */
