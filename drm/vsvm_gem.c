// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>
#include <drm/vsvm_drm.h>

#include <kunit/visibility.h>

#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_prime.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"

/**
 * DOC: buffer objects
 *
 * vsvm's buffer objects are GEM objects on drm_gem_shmem_helper: the helper
 * allocates the swappable shmem pages, and implements CPU mmap() and vmap.
 * vsvm adds what the helper lacks: the size policy of GEM_CREATE, the
 * per-device accounting shown in debugfs, the fdinfo status and
 * resident-size callbacks (the 6.12 helper has none), and its own DMA
 * mapping of the pages for the device (vsvm_bo_map_locked()), which,
 * unlike the helper's, can be dropped again: the shrinker evicts idle
 * objects (vsvm_bo_evict_locked(), see vsvm_shrinker.c) and the next use
 * maps them back.  Objects export as dynamic dma-bufs (vsvm_prime.c).
 */

/*
 * The simulated device is cache-coherent: no CPU sync is ever needed, and
 * saying so lets DMA-API debugging accept a shared buffer mapped by both
 * its exporter and an importing vsvm device at once.
 */
#define BO_DMA_ATTRS	DMA_ATTR_SKIP_CPU_SYNC

/* Drops the device mapping and the use of the pages; the reservation held. */
static void bo_unmap_locked(struct vsvm_bo *bo)
{
	struct vsvm_device *vdev = to_vsvm_device(bo->base.base.dev);

	dma_resv_assert_held(bo->base.base.resv);
	if (!bo->sgt)
		return;
	spin_lock(&vdev->lru_lock);
	list_del_init(&bo->lru);
	spin_unlock(&vdev->lru_lock);
	atomic64_sub(bo->base.base.size >> PAGE_SHIFT, &vdev->resident_pages);

	vsvm_dmachk_unmap_sgt(&vdev->dmachk, bo->sgt, bo, false);
	dma_unmap_sgtable(vdev->drm.dev, bo->sgt, DMA_BIDIRECTIONAL, BO_DMA_ATTRS);
	sg_free_table(bo->sgt);
	kfree(bo->sgt);
	bo->sgt = NULL;
	drm_gem_shmem_unpin_locked(&bo->base);
}

/**
 * vsvm_bo_map_locked() - Make sure an object's pages are mapped for the device
 * @bo: The object, its reservation held.
 *
 * Gets the pages (back from shmem, after an eviction) and DMA-maps them.
 * Never called from a notifier: it allocates.
 *
 * Return: 0, -ENOMEM, or -ENODEV after the device's unplug.
 */
int vsvm_bo_map_locked(struct vsvm_bo *bo)
{
	struct vsvm_device *vdev = to_vsvm_device(bo->base.base.dev);
	struct sg_table *sgt;
	int ret;

	dma_resv_assert_held(bo->base.base.resv);
	if (bo->sgt)
		return 0;
	/* I8: nothing is mapped for an unplugged device (vsvm_gem_unplug()). */
	if (drm_dev_is_unplugged(&vdev->drm))
		return -ENODEV;
	ret = drm_gem_shmem_pin_locked(&bo->base);
	if (ret)
		return ret == -ENOSPC ? -ENOMEM : ret;
	sgt = drm_gem_shmem_get_sg_table(&bo->base);
	if (IS_ERR(sgt)) {
		ret = PTR_ERR(sgt);
		goto err_unpin;
	}
	ret = dma_map_sgtable(vdev->drm.dev, sgt, DMA_BIDIRECTIONAL, BO_DMA_ATTRS);
	if (ret)
		goto err_free;
	ret = vsvm_dmachk_map_sgt(&vdev->dmachk, sgt, bo, false);
	if (ret) {
		dma_unmap_sgtable(vdev->drm.dev, sgt, DMA_BIDIRECTIONAL, BO_DMA_ATTRS);
		goto err_free;
	}

	bo->sgt = sgt;
	atomic64_add(bo->base.base.size >> PAGE_SHIFT, &vdev->resident_pages);
	spin_lock(&vdev->lru_lock);
	list_add_tail(&bo->lru, &vdev->lru);
	spin_unlock(&vdev->lru_lock);
	if (bo->evicted) {
		bo->evicted = false;
		atomic64_inc(&vdev->shrink_stats.restores);
	}
	return 0;

err_free:
	sg_free_table(sgt);
	kfree(sgt);
err_unpin:
	drm_gem_shmem_unpin_locked(&bo->base);
	return ret;
}

/**
 * vsvm_bo_evict_locked() - Give an idle object's pages back to shmem
 * @bo: The object, its reservation held (the shrinker only try-locks it).
 *
 * Only an object that no job uses (its reservation idle), that no static
 * importer pinned, and whose pages nothing else holds (no CPU mapping, no
 * vmap) is evicted, since only then are its pages freed.  The GPU loses it
 * first: every page-table entry of its mappings is cleared and the TLB
 * flushed; then importers are told (dma_buf_move_notify(), I9) and give
 * their mappings back, whether or not the object still has GEM handles
 * (an object an importer still maps after that is skipped); then the
 * device's DMA mapping goes, and the pages go back to shmem (dirty, so
 * that their contents are kept, in swap if need be).  The next VM_BIND or
 * EXEC that needs the object gets them back.
 *
 * Return: the number of pages freed, 0 if the object was skipped.
 */
unsigned long vsvm_bo_evict_locked(struct vsvm_bo *bo)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct vsvm_device *vdev = to_vsvm_device(obj->dev);
	unsigned long pages = obj->size >> PAGE_SHIFT;
	struct vsvm_vma *vma;

	dma_resv_assert_held(obj->resv);
	if (!bo->sgt)
		return 0;
	if (bo->export_pins || !dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_BOOKKEEP) ||
	    bo->base.pages_use_count != 1 + bo->export_maps) {
		atomic64_inc(&vdev->shrink_stats.skipped_busy);
		return 0;
	}
	/*
	 * I9: importers give their mappings back before the pages go.  The
	 * object's own dma-buf pointer, not obj->dma_buf, which goes with the
	 * last GEM handle while importers still map the buffer; it stays
	 * valid while the reservation is held (vsvm_dmabuf_release()).
	 */
	if (bo->dma_buf)
		dma_buf_move_notify(bo->dma_buf);
	if (bo->export_maps) {
		/*
		 * Still mapped: an importer that unmaps later, or one of an
		 * earlier dma-buf of the object.  Its pages stay.
		 */
		atomic64_inc(&vdev->shrink_stats.skipped_busy);
		return 0;
	}

	list_for_each_entry(vma, &bo->vmas, up_link) {
		struct vsvm_vm *vm = container_of(vma->base.vm, struct vsvm_vm, gpuvm);

		if (!vma->ptes_valid)
			continue;
		vsvm_pt_zap(&vm->pt, vma->base.va.addr, vma->base.va.range);
		vma->ptes_valid = false;
		vsvm_tlb_flush_range(&vm->tlb, vma->base.va.addr, vma->base.va.range);
	}
	bo_unmap_locked(bo);
	bo->evicted = true;
	trace_vsvm_evict(vdev->index, 0, obj->size, pages);
	atomic64_inc(&vdev->shrink_stats.evictions);
	atomic64_add(pages, &vdev->shrink_stats.evicted_pages);
	return pages;
}

/**
 * vsvm_gem_unplug() - Drop every object's DMA mapping, at the unplug
 * @vdev: The device, unplugged and with every VM torn down.
 *
 * I8: the device maps no page after its unplug.  The objects keep their
 * pages for the CPU and for importers (their own mappings); none is mapped
 * for the device again (vsvm_bo_map_locked() refuses).
 */
void vsvm_gem_unplug(struct vsvm_device *vdev)
{
	struct vsvm_bo *bo;

	for (;;) {
		spin_lock(&vdev->lru_lock);
		bo = list_first_entry_or_null(&vdev->lru, struct vsvm_bo, lru);
		if (bo && !kref_get_unless_zero(&bo->base.base.refcount)) {
			/* Being freed: vsvm_gem_free() takes it off. */
			spin_unlock(&vdev->lru_lock);
			cond_resched();
			continue;
		}
		spin_unlock(&vdev->lru_lock);
		if (!bo)
			break;
		dma_resv_lock(bo->base.base.resv, NULL);
		bo_unmap_locked(bo);
		dma_resv_unlock(bo->base.base.resv);
		drm_gem_object_put(&bo->base.base);
	}
}

static void vsvm_gem_free(struct drm_gem_object *obj)
{
	struct vsvm_device *vdev = to_vsvm_device(obj->dev);
	struct vsvm_bo *bo = to_vsvm_bo(obj);

	if (bo->accounted) {
		atomic_dec(&vdev->bo_count);
		atomic64_sub(obj->size, &vdev->bo_bytes);
	}
	/* Every mapping held a reference: none is left. */
	WARN_ON(!list_empty(&bo->vmas));
	dma_resv_lock(obj->resv, NULL);
	bo_unmap_locked(bo);
	dma_resv_unlock(obj->resv);
	drm_gem_shmem_free(&bo->base);
}

/*
 * The fdinfo callbacks read the page pointer without the reservation lock,
 * as panfrost and panthor do: fdinfo is a snapshot, and a stale answer only
 * misplaces one object in one report.
 */
static enum drm_gem_object_status vsvm_gem_status(struct drm_gem_object *obj)
{
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	enum drm_gem_object_status status = 0;

	if (READ_ONCE(shmem->pages))
		status |= DRM_GEM_OBJECT_RESIDENT;
	if (READ_ONCE(shmem->madv) > 0)
		status |= DRM_GEM_OBJECT_PURGEABLE;
	return status;
}

static size_t vsvm_gem_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_drm_gem_shmem_obj(obj)->pages) ? obj->size : 0;
}

/*
 * I8: a CPU fault on a mapping made through the device's node after the
 * unplug gets SIGBUS (drm_dev_unplug() zapped the mappings of the node
 * and of the device's dma-bufs, which share its address space).  A
 * mapping of the object's dma-buf faults its pages back in: importers
 * keep the buffer working until they release it.
 */
static vm_fault_t vsvm_gem_fault(struct vm_fault *vmf)
{
	struct drm_gem_object *obj = vmf->vma->vm_private_data;
	vm_fault_t ret;
	int idx;

	if (vmf->vma->vm_file->f_op != obj->dev->driver->fops)
		return drm_gem_shmem_vm_ops.fault(vmf);
	if (!drm_dev_enter(obj->dev, &idx))
		return VM_FAULT_SIGBUS;
	ret = drm_gem_shmem_vm_ops.fault(vmf);
	drm_dev_exit(idx);
	return ret;
}

static void vsvm_gem_vm_open(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.open(vma);
}

static void vsvm_gem_vm_close(struct vm_area_struct *vma)
{
	drm_gem_shmem_vm_ops.close(vma);
}

static const struct vm_operations_struct vsvm_gem_vm_ops = {
	.fault = vsvm_gem_fault,
	.open = vsvm_gem_vm_open,
	.close = vsvm_gem_vm_close,
};

static const struct drm_gem_object_funcs vsvm_gem_funcs = {
	.free = vsvm_gem_free,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.export = vsvm_gem_prime_export,
	.status = vsvm_gem_status,
	.rss = vsvm_gem_rss,
	.vm_ops = &vsvm_gem_vm_ops,
};

/**
 * vsvm_gem_create_object() - &drm_driver.gem_create_object for vsvm
 * @drm: The DRM device.
 * @size: The object's size (unused: the shmem helper initialises it).
 *
 * Allocates a &struct vsvm_bo, so that the shmem helper, which creates every
 * object (GEM_CREATE, dumb buffers, PRIME imports), creates vsvm objects.
 *
 * Return: The embedded GEM object, or an ERR_PTR() on failure.
 */
struct drm_gem_object *vsvm_gem_create_object(struct drm_device *drm, size_t size)
{
	struct vsvm_bo *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->base.base.funcs = &vsvm_gem_funcs;
	/* Objects are mapped into VMs through drm_gpuvm. */
	drm_gem_gpuva_init(&bo->base.base);
	INIT_LIST_HEAD(&bo->vmas);
	INIT_LIST_HEAD(&bo->lru);
	/* Evicted pages go back to shmem with what the GPU wrote in them. */
	bo->base.pages_mark_dirty_on_put = true;
	bo->base.pages_mark_accessed_on_put = true;
	return &bo->base.base;
}

/**
 * vsvm_gem_check_size() - Check and page-align a GEM_CREATE size
 * @size: The size userspace asked for, in bytes.
 * @aligned: Out: @size rounded up to a multiple of PAGE_SIZE.
 *
 * Return: 0 on success, -EINVAL for a zero size or one that overflows when
 * rounded up, -E2BIG for one larger than %DRM_VSVM_GEM_MAX_SIZE.
 */
int vsvm_gem_check_size(u64 size, u64 *aligned)
{
	u64 rounded;

	if (!size)
		return -EINVAL;
	if (check_add_overflow(size, (u64)PAGE_SIZE - 1, &rounded))
		return -EINVAL;
	rounded &= PAGE_MASK;
	if (rounded > DRM_VSVM_GEM_MAX_SIZE)
		return -E2BIG;

	*aligned = rounded;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_gem_check_size);

/**
 * vsvm_bo_create_with_handle() - Create a buffer object and a handle to it
 * @drm: The DRM device.
 * @file: The DRM file that gets the handle.
 * @size: The object's size in bytes, already checked with
 *        vsvm_gem_check_size().
 * @handle: Out: the new handle.
 *
 * The handle holds the only reference to the object when this returns.
 *
 * Return: 0 on success, a negative errno on failure.
 */
int vsvm_bo_create_with_handle(struct drm_device *drm, struct drm_file *file,
			       u64 size, u32 *handle)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_gem_shmem_object *shmem;
	struct vsvm_bo *bo;
	int ret;

	shmem = drm_gem_shmem_create(drm, size);
	/*
	 * shmem reports a failed inode allocation as -ENOSPC; GEM_CREATE's
	 * uapi says -ENOMEM for running out of memory (found by the
	 * vsvm_fault_inject test).
	 */
	if (IS_ERR(shmem))
		return PTR_ERR(shmem) == -ENOSPC ? -ENOMEM : PTR_ERR(shmem);

	bo = container_of(shmem, struct vsvm_bo, base);
	bo->accounted = true;
	atomic_inc(&vdev->bo_count);
	atomic64_add(shmem->base.size, &vdev->bo_bytes);

	ret = drm_gem_handle_create(file, &shmem->base, handle);
	/* On success the handle holds the reference; on failure this frees. */
	drm_gem_object_put(&shmem->base);
	return ret;
}

/**
 * vsvm_bo_mmap_offset() - Get the fake mmap offset of an object
 * @file: The DRM file that owns @handle.
 * @handle: The object's handle.
 * @offset: Out: the offset to pass to mmap() on the same file.
 *
 * Return: 0 on success, -ENOENT for an unknown handle, -EINVAL for a
 * userptr, -ENOMEM when the offset cannot be allocated.
 */
int vsvm_bo_mmap_offset(struct drm_file *file, u32 handle, u64 *offset)
{
	struct drm_gem_object *obj;
	int ret;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj)
		return -ENOENT;
	/* The process maps a userptr's memory already. */
	if (vsvm_gem_is_userptr(obj)) {
		drm_dbg(obj->dev, "GEM_MMAP_OFFSET: handle %u is a userptr\n", handle);
		drm_gem_object_put(obj);
		return -EINVAL;
	}

	ret = drm_gem_create_mmap_offset(obj);
	if (!ret)
		*offset = drm_vma_node_offset_addr(&obj->vma_node);

	drm_gem_object_put(obj);
	return ret;
}
