// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "vsvm_dmachk.h"
#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_prime.h"
#include "vsvm_trace.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"

MODULE_IMPORT_NS(DMA_BUF);

/**
 * DOC: dma-buf sharing
 *
 * **Export.**  A vsvm buffer object exports as a *dynamic* dma-buf
 * (vsvm_gem_prime_export()) whose reservation is the object's own, so
 * importers see vsvm's fences and vsvm's jobs see theirs (I9).  An
 * attachment does not pin the object: a dynamic importer maps it under the
 * reservation and must give it back when told (move_notify); an importer
 * that cannot (a static one) pins it (&dma_buf_ops.pin), and a pinned
 * object is never moved.  Each mapping of an attachment holds the
 * object's pages (drm_gem_shmem_pin_locked()) and DMA-maps them for the
 * importer's device.  CPU access through the dma-buf (mmap, vmap) is the
 * shmem helper's.  Notifier-mode userptrs are not exported (-EINVAL): they
 * are invalidated from an MMU notifier, which must not take the reservation
 * that move_notify needs (I2).  Registrations are, with their own dma-buf
 * ops (see the DOC on userptr), but only by the mm that registered them
 * and only when writable: PRIME_HANDLE_TO_FD goes through
 * vsvm_prime_handle_to_fd(), which checks the dma-buf it is about to
 * return, however the core found it (I7, I10).
 *
 * The object keeps its own pointer to its dma-buf (&vsvm_bo.dma_buf, set
 * at export and cleared by the dma-buf's release, both under the
 * reservation), because &drm_gem_object.dma_buf goes with the last GEM
 * handle while importers may still map the buffer: an object whose
 * handles are all closed must still tell its importers that it moves.
 *
 * The shrinker evicts exported objects too (vsvm_bo_evict_locked() calls
 * dma_buf_move_notify() with the reservation held), and debugfs
 * ``prime_evict`` does the same for every exported object no importer
 * pinned, without letting the pages go (vsvm_prime_evict_all()), so that
 * tests can make an exporter "move" at will.
 *
 * All of this needs CONFIG_DMABUF_MOVE_NOTIFY (the debug test kernel has
 * it): without it, which is the case of Debian's stock kernel, the dma-buf
 * core pins the buffer for dynamic importers as for static ones, so an
 * exported object never moves (and debugfs ``vsvm_prime`` says
 * ``move_notify: 0``).
 *
 * **Import.**  vsvm imports every dma-buf dynamically
 * (dma_buf_dynamic_attach() with &vsvm_import_attach_ops); a dma-buf that
 * this device exported imports as the object itself.  The attachment is
 * mapped, under the reservation, when VM_BIND or EXEC first needs it
 * (vsvm_import_vma_bind_locked()), and the page-table entries of each
 * mapping of the object are written then.  On move_notify (I9), which the
 * exporter calls with the reservation held, vsvm waits for its own jobs on
 * the buffer (queued or running: the page tables they were given must stay
 * valid until they end), clears the entries of every mapping of the object
 * and flushes the TLB, and unmaps the attachment.  The next EXEC maps it
 * again and rewrites the entries; the job waits for the reservation's
 * fences, the exporter's included, through implicit sync.
 *
 * Mappings of an imported object are kept on its list (&vsvm_vma.up_link)
 * with &vsvm_vma.ptes_valid, like userptr mappings, but under the
 * reservation instead of the notifier lock; their page tables are
 * preallocated at VM_BIND, so clearing and rewriting entries never
 * allocates.
 */

static const struct drm_gem_object_funcs vsvm_import_funcs;
static const struct dma_buf_ops vsvm_dmabuf_ops;

/**
 * vsvm_gem_is_import() - Whether a GEM object was imported from a dma-buf
 * @obj: The object.
 *
 * Return: true for a &struct vsvm_import.
 */
bool vsvm_gem_is_import(struct drm_gem_object *obj)
{
	return obj->funcs == &vsvm_import_funcs;
}

/**
 * to_vsvm_import() - The import of a GEM object
 * @obj: An imported object.
 *
 * Return: The import.
 */
struct vsvm_import *to_vsvm_import(struct drm_gem_object *obj)
{
	return container_of(obj, struct vsvm_import, base);
}

/* --- export ----------------------------------------------------------- */

static int vsvm_dmabuf_attach(struct dma_buf *dma_buf, struct dma_buf_attachment *attach)
{
	/* Nothing to do: mapping pins the pages, pinning the object. */
	return 0;
}

static int vsvm_dmabuf_pin(struct dma_buf_attachment *attach)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	int ret;

	dma_resv_assert_held(obj->resv);
	ret = drm_gem_shmem_pin_locked(to_drm_gem_shmem_obj(obj));
	if (!ret)
		to_vsvm_bo(obj)->export_pins++;
	return ret;
}

static void vsvm_dmabuf_unpin(struct dma_buf_attachment *attach)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;

	dma_resv_assert_held(obj->resv);
	to_vsvm_bo(obj)->export_pins--;
	drm_gem_shmem_unpin_locked(to_drm_gem_shmem_obj(obj));
}

static struct sg_table *vsvm_dmabuf_map(struct dma_buf_attachment *attach,
					enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;
	struct drm_gem_shmem_object *shmem = to_drm_gem_shmem_obj(obj);
	struct sg_table *sgt;
	int ret;

	dma_resv_assert_held(obj->resv);
	/* The pages stay for as long as the mapping does. */
	ret = drm_gem_shmem_pin_locked(shmem);
	if (ret)
		return ERR_PTR(ret);
	sgt = drm_gem_shmem_get_sg_table(shmem);
	if (IS_ERR(sgt)) {
		drm_gem_shmem_unpin_locked(shmem);
		return sgt;
	}
	/* As drm_gem_map_dma_buf() does: the exporter does no CPU syncs. */
	ret = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret) {
		sg_free_table(sgt);
		kfree(sgt);
		drm_gem_shmem_unpin_locked(shmem);
		return ERR_PTR(ret);
	}
	to_vsvm_bo(obj)->export_maps++;
	return sgt;
}

static void vsvm_dmabuf_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
			      enum dma_data_direction dir)
{
	struct drm_gem_object *obj = attach->dmabuf->priv;

	dma_resv_assert_held(obj->resv);
	to_vsvm_bo(obj)->export_maps--;
	dma_unmap_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
	drm_gem_shmem_unpin_locked(to_drm_gem_shmem_obj(obj));
}

/*
 * The dma-buf goes: the object no longer has it.  Under the reservation,
 * so that the shrinker, which holds it, may use &vsvm_bo.dma_buf.
 */
static void vsvm_dmabuf_release(struct dma_buf *dma_buf)
{
	struct drm_gem_object *obj = dma_buf->priv;
	struct vsvm_bo *bo = to_vsvm_bo(obj);

	dma_resv_lock(obj->resv, NULL);
	if (bo->dma_buf == dma_buf)
		bo->dma_buf = NULL;
	dma_resv_unlock(obj->resv);
	drm_gem_dmabuf_release(dma_buf);
}

/*
 * drm_gem_prime_export()'s ops, made dynamic: attaching does not pin,
 * mapping needs the reservation, and only static importers pin.
 */
static const struct dma_buf_ops vsvm_dmabuf_ops = {
	.attach = vsvm_dmabuf_attach,
	.pin = vsvm_dmabuf_pin,
	.unpin = vsvm_dmabuf_unpin,
	.map_dma_buf = vsvm_dmabuf_map,
	.unmap_dma_buf = vsvm_dmabuf_unmap,
	.release = vsvm_dmabuf_release,
	.mmap = drm_gem_dmabuf_mmap,
	.vmap = drm_gem_dmabuf_vmap,
	.vunmap = drm_gem_dmabuf_vunmap,
};

/**
 * vsvm_gem_prime_export() - &drm_gem_object_funcs.export for buffer objects
 * @obj: A shmem buffer object.
 * @flags: The dma-buf file's flags.
 *
 * Return: The new dma-buf, sharing @obj's reservation, or an ERR_PTR().
 */
struct dma_buf *vsvm_gem_prime_export(struct drm_gem_object *obj, int flags)
{
	struct dma_buf_export_info exp_info = {
		.exp_name = KBUILD_MODNAME,
		.owner = obj->dev->driver->fops->owner,
		.ops = &vsvm_dmabuf_ops,
		.size = obj->size,
		.flags = flags,
		.priv = obj,
		.resv = obj->resv,
	};
	struct dma_buf *dma_buf;

	dma_buf = drm_gem_dmabuf_export(obj->dev, &exp_info);
	if (IS_ERR(dma_buf))
		return dma_buf;
	/* Found by eviction whether or not handles remain (I9). */
	dma_resv_lock(obj->resv, NULL);
	to_vsvm_bo(obj)->dma_buf = dma_buf;
	dma_resv_unlock(obj->resv);
	return dma_buf;
}

/**
 * vsvm_prime_handle_to_fd() - &drm_driver.prime_handle_to_fd for vsvm
 * @drm: The device.
 * @file: The caller's file.
 * @handle: The object's handle.
 * @flags: DRM_CLOEXEC, DRM_RDWR (checked by the core).
 * @prime_fd: Out: the new dma-buf file descriptor.
 *
 * drm_gem_prime_handle_to_fd(), with a check of the dma-buf before it is
 * handed out: the core returns an object's existing dma-buf (exported
 * earlier through the same file, or still held by the object) without
 * calling &drm_gem_object_funcs.export, so a registration's dma-buf is
 * checked here whichever way it was found.  I7: only the registering mm
 * gets it; I10: a read-only registration is never exported.
 *
 * Return: 0; -EPERM for a userptr of another address space; -EACCES for a
 * read-only registration; or the errors of drm_gem_prime_handle_to_fd().
 */
int vsvm_prime_handle_to_fd(struct drm_device *drm, struct drm_file *file, u32 handle,
			    u32 flags, int *prime_fd)
{
	struct dma_buf *dma_buf;
	int fd, ret;

	fd = get_unused_fd_flags(flags);
	if (fd < 0)
		return fd;
	dma_buf = drm_gem_prime_handle_to_dmabuf(drm, file, handle, flags);
	if (IS_ERR(dma_buf)) {
		ret = PTR_ERR(dma_buf);
		goto err_fd;
	}
	if (vsvm_userptr_is_dmabuf(dma_buf)) {
		struct drm_gem_object *obj = dma_buf->priv;

		/* Another device's registration, imported: its owner exported it. */
		ret = obj->dev == drm ? vsvm_userptr_check_export(to_vsvm_userptr(obj)) : 0;
		if (ret)
			goto err_put;
	}
	fd_install(fd, dma_buf->file);
	*prime_fd = fd;
	return 0;

err_put:
	dma_buf_put(dma_buf);
err_fd:
	put_unused_fd(fd);
	return ret;
}

/**
 * vsvm_prime_evict_all() - Tell importers that every exported object moves
 * @vdev: The device (debugfs ``prime_evict``).
 *
 * For each exported buffer object of the device that no importer pinned,
 * calls dma_buf_move_notify() with the reservation held, as an eviction
 * does before it lets the pages go; importers unmap, and map again when
 * they next use it.  Pinned objects are skipped (and counted).
 *
 * Return: 0, or -ENOMEM.
 */
int vsvm_prime_evict_all(struct vsvm_device *vdev)
{
	struct drm_device *drm = &vdev->drm;
	struct drm_gem_object *obj;
	struct drm_file *file;
	unsigned long idx;
	struct xarray objs;
	int id, ret = 0;

	/* Collect the exported objects, referenced; then work unlocked. */
	xa_init(&objs);
	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		spin_lock(&file->table_lock);
		idr_for_each_entry(&file->object_idr, obj, id) {
			if (obj->funcs->export != vsvm_gem_prime_export ||
			    !READ_ONCE(obj->dma_buf) || xa_load(&objs, (unsigned long)obj >> 3))
				continue;
			if (xa_err(xa_store(&objs, (unsigned long)obj >> 3, obj, GFP_ATOMIC))) {
				ret = -ENOMEM;
				break;
			}
			drm_gem_object_get(obj);
		}
		spin_unlock(&file->table_lock);
		if (ret)
			break;
	}
	mutex_unlock(&drm->filelist_mutex);

	xa_for_each(&objs, idx, obj) {
		struct dma_buf *dma_buf;

		/* The dma-buf's release clears it under the reservation. */
		dma_resv_lock(obj->resv, NULL);
		dma_buf = to_vsvm_bo(obj)->dma_buf;
		if (!dma_buf) {
			/* Released since: nothing to tell. */
		} else if (to_vsvm_bo(obj)->export_pins) {
			atomic64_inc(&vdev->prime_stats.skipped_pinned);
		} else {
			dma_buf_move_notify(dma_buf);
			atomic64_inc(&vdev->prime_stats.evictions);
		}
		dma_resv_unlock(obj->resv);
		drm_gem_object_put(obj);
	}
	xa_destroy(&objs);
	return ret;
}

/* --- import ----------------------------------------------------------- */

/**
 * vsvm_import_map_locked() - Map an imported object's attachment if it is not
 * @imp: The imported object, its reservation held.
 *
 * For EXEC and VM_BIND (vsvm_import_vma_bind_locked()) and for the
 * display's composition (vsvm_fb.c): after a move_notify, the next user
 * maps it again.
 *
 * Return: 0; -ENODEV after the unplug; the error of mapping the attachment.
 */
int vsvm_import_map_locked(struct vsvm_import *imp)
{
	struct vsvm_device *vdev = to_vsvm_device(imp->base.dev);
	struct sg_table *sgt;
	int ret;

	dma_resv_assert_held(imp->base.resv);
	if (imp->sgt)
		return 0;
	/* I8: nothing is mapped for an unplugged device (vsvm_prime_unplug()). */
	if (drm_dev_is_unplugged(imp->base.dev))
		return -ENODEV;
	sgt = dma_buf_map_attachment(imp->base.import_attach, DMA_BIDIRECTIONAL);
	if (IS_ERR(sgt)) {
		drm_dbg(imp->base.dev, "imported dma-buf: mapping failed: %pe\n", sgt);
		return PTR_ERR(sgt);
	}
	ret = vsvm_dmachk_map_sgt(&vdev->dmachk, sgt, imp, false);
	if (ret) {
		dma_buf_unmap_attachment(imp->base.import_attach, sgt, DMA_BIDIRECTIONAL);
		return ret;
	}
	imp->sgt = sgt;
	atomic64_inc(&vdev->prime_stats.maps);
	return 0;
}

static void import_vma_zap(struct vsvm_vma *vma)
{
	struct vsvm_vm *vm = container_of(vma->base.vm, struct vsvm_vm, gpuvm);

	if (!vma->ptes_valid)
		return;
	vsvm_pt_zap(&vm->pt, vma->base.va.addr, vma->base.va.range);
	vma->ptes_valid = false;
	vsvm_tlb_flush_range(&vm->tlb, vma->base.va.addr, vma->base.va.range);
}

/* I9: the exporter moves the buffer; called with the reservation held. */
static void vsvm_import_move_notify(struct dma_buf_attachment *attach)
{
	struct vsvm_import *imp = attach->importer_priv;
	struct vsvm_device *vdev = to_vsvm_device(imp->base.dev);
	struct vsvm_vma *vma;

	dma_resv_assert_held(imp->base.resv);
	atomic64_inc(&vdev->prime_stats.move_notifies);
	trace_vsvm_move_notify(vdev->index, 0, imp->base.size, imp->sgt);
	if (!imp->sgt)
		return;
	/*
	 * Jobs queued or running were given these entries: let them end.
	 * I1: those of each VM that maps the object too, since a job queued
	 * before a synchronous MAP reaches the entries the MAP wrote without
	 * its fence being in the object's reservation.
	 */
	dma_resv_wait_timeout(imp->base.resv, DMA_RESV_USAGE_BOOKKEEP, false,
			      MAX_SCHEDULE_TIMEOUT);
	list_for_each_entry(vma, &imp->vmas, up_link)
		dma_resv_wait_timeout(drm_gpuvm_resv(vma->base.vm), DMA_RESV_USAGE_BOOKKEEP,
				      false, MAX_SCHEDULE_TIMEOUT);
	list_for_each_entry(vma, &imp->vmas, up_link)
		import_vma_zap(vma);
	vsvm_dmachk_unmap_sgt(&to_vsvm_device(imp->base.dev)->dmachk, imp->sgt, imp, false);
	dma_buf_unmap_attachment(attach, imp->sgt, DMA_BIDIRECTIONAL);
	imp->sgt = NULL;
}

static const struct dma_buf_attach_ops vsvm_import_attach_ops = {
	.allow_peer2peer = false,
	.move_notify = vsvm_import_move_notify,
};

/**
 * vsvm_import_vma_bind_locked() - Write the entries of one mapping
 * @imp: The imported object, its reservation held.
 * @vm: The mapping's VM.
 * @vma: The mapping, on @imp's list, its page tables preallocated.
 *
 * Maps the attachment if move_notify unmapped it.
 *
 * Return: 0, or the error of mapping the attachment.
 */
int vsvm_import_vma_bind_locked(struct vsvm_import *imp, struct vsvm_vm *vm,
				struct vsvm_vma *vma)
{
	int ret;

	dma_resv_assert_held(imp->base.resv);
	if (vma->ptes_valid)
		return 0;
	ret = vsvm_import_map_locked(imp);
	if (ret)
		return ret;
	ret = vsvm_vm_pt_map_sgt(vm, imp->sgt, vma->base.gem.offset, vma->base.va.addr,
				 vma->base.va.range,
				 VSVM_PT_NOALLOC | (vma->read_only ? 0 : VSVM_PT_WRITE));
	if (!ret)
		vma->ptes_valid = true;
	return ret;
}

/**
 * vsvm_import_vma_detach_locked() - Take a mapping off its imported object
 * @vma: A mapping of an imported object, on its list; the reservation held.
 *
 * Clears the mapping's entries and flushes the TLB.
 */
void vsvm_import_vma_detach_locked(struct vsvm_vma *vma)
{
	dma_resv_assert_held(vma->base.gem.obj->resv);
	import_vma_zap(vma);
	list_del_init(&vma->up_link);
}

/* Gives the attachment's mapping back, if it has one. */
static void import_unmap(struct vsvm_import *imp)
{
	struct drm_gem_object *obj = &imp->base;

	dma_resv_lock(obj->resv, NULL);
	if (imp->sgt) {
		vsvm_dmachk_unmap_sgt(&to_vsvm_device(obj->dev)->dmachk, imp->sgt, imp, false);
		dma_buf_unmap_attachment(obj->import_attach, imp->sgt, DMA_BIDIRECTIONAL);
		imp->sgt = NULL;
	}
	dma_resv_unlock(obj->resv);
}

/**
 * vsvm_prime_unplug() - Give back every import's mapping, at the unplug
 * @vdev: The device, unplugged and with every VM torn down.
 *
 * I8: the exporter's buffer is no longer mapped for this device; the
 * attachment, which maps nothing now, is detached when the object is
 * freed (its handles closed), and vsvm_import_map_locked() refuses to map it
 * again.
 */
void vsvm_prime_unplug(struct vsvm_device *vdev)
{
	struct vsvm_import *imp, *prev = NULL;

	spin_lock(&vdev->objects_lock);
	list_for_each_entry(imp, &vdev->imports, dev_link) {
		if (!kref_get_unless_zero(&imp->base.refcount))
			continue;	/* being freed: its free unmaps it */
		spin_unlock(&vdev->objects_lock);
		if (prev)
			drm_gem_object_put(&prev->base);
		import_unmap(imp);
		prev = imp;
		spin_lock(&vdev->objects_lock);
	}
	spin_unlock(&vdev->objects_lock);
	if (prev)
		drm_gem_object_put(&prev->base);
}

static void vsvm_import_free(struct drm_gem_object *obj)
{
	struct vsvm_import *imp = to_vsvm_import(obj);
	struct dma_buf_attachment *attach = obj->import_attach;
	struct vsvm_device *vdev = to_vsvm_device(obj->dev);
	struct dma_buf *dma_buf = attach->dmabuf;

	/* Every mapping held a reference: none is left. */
	WARN_ON(!list_empty(&imp->vmas));
	spin_lock(&vdev->objects_lock);
	list_del(&imp->dev_link);
	spin_unlock(&vdev->objects_lock);
	import_unmap(imp);
	dma_buf_detach(dma_buf, attach);
	dma_buf_put(dma_buf);
	atomic64_dec(&vdev->prime_stats.imports);
	drm_gem_object_release(obj);
	kfree(imp);
}

static enum drm_gem_object_status vsvm_import_status(struct drm_gem_object *obj)
{
	return READ_ONCE(to_vsvm_import(obj)->sgt) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static size_t vsvm_import_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_vsvm_import(obj)->sgt) ? obj->size : 0;
}

static const struct drm_gem_object_funcs vsvm_import_funcs = {
	.free = vsvm_import_free,
	.status = vsvm_import_status,
	.rss = vsvm_import_rss,
};

/**
 * vsvm_gem_prime_import() - &drm_driver.gem_prime_import for vsvm
 * @drm: The importing device.
 * @dma_buf: The dma-buf.
 *
 * Return: The object itself for a dma-buf this device exported, else a new
 * &struct vsvm_import attached dynamically; or an ERR_PTR().
 */
struct drm_gem_object *vsvm_gem_prime_import(struct drm_device *drm, struct dma_buf *dma_buf)
{
	struct dma_buf_attachment *attach;
	struct vsvm_import *imp;

	if (dma_buf->ops == &vsvm_dmabuf_ops || vsvm_userptr_is_dmabuf(dma_buf)) {
		struct drm_gem_object *obj = dma_buf->priv;

		if (obj->dev == drm) {
			drm_gem_object_get(obj);
			return obj;
		}
	}
	if (!PAGE_ALIGNED(dma_buf->size)) {
		drm_dbg(drm, "PRIME import: size %zu is not page aligned\n", dma_buf->size);
		return ERR_PTR(-EINVAL);
	}

	imp = kzalloc(sizeof(*imp), GFP_KERNEL);
	if (!imp)
		return ERR_PTR(-ENOMEM);
	drm_gem_private_object_init(drm, &imp->base, dma_buf->size);
	imp->base.funcs = &vsvm_import_funcs;
	drm_gem_gpuva_init(&imp->base);
	INIT_LIST_HEAD(&imp->vmas);

	get_dma_buf(dma_buf);
	attach = dma_buf_dynamic_attach(dma_buf, drm->dev, &vsvm_import_attach_ops, imp);
	if (IS_ERR(attach)) {
		dma_buf_put(dma_buf);
		drm_gem_object_release(&imp->base);
		kfree(imp);
		return ERR_CAST(attach);
	}
	imp->base.import_attach = attach;
	/* I9: one reservation, the exporter's, so fences go both ways. */
	imp->base.resv = dma_buf->resv;
	atomic64_inc(&to_vsvm_device(drm)->prime_stats.imports);
	spin_lock(&to_vsvm_device(drm)->objects_lock);
	list_add_tail(&imp->dev_link, &to_vsvm_device(drm)->imports);
	spin_unlock(&to_vsvm_device(drm)->objects_lock);
	return &imp->base;
}

/**
 * vsvm_prime_debugfs_show() - Print a device's dma-buf counters
 * @vdev: The device.
 * @m: Where to print (debugfs ``vsvm_prime``).
 */
void vsvm_prime_debugfs_show(struct vsvm_device *vdev, struct seq_file *m)
{
	struct vsvm_prime_stats *s = &vdev->prime_stats;

	/*
	 * Without CONFIG_DMABUF_MOVE_NOTIFY (Debian's stock kernel) the core
	 * pins a buffer for dynamic importers too, so nothing ever moves.
	 */
	seq_printf(m, "move_notify: %d\n", IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY));
	seq_printf(m, "imports: %lld\n", (long long)atomic64_read(&s->imports));
	seq_printf(m, "maps: %lld\n", (long long)atomic64_read(&s->maps));
	seq_printf(m, "move_notifies: %lld\n", (long long)atomic64_read(&s->move_notifies));
	seq_printf(m, "evictions: %lld\n", (long long)atomic64_read(&s->evictions));
	seq_printf(m, "skipped_pinned: %lld\n", (long long)atomic64_read(&s->skipped_pinned));
}
