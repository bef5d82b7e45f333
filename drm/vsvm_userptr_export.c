// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * A registration's dma-buf export, and the release of a registration's
 * pages when its address space goes (see DOC: userptr in vsvm_userptr.c).
 */

#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_mm.h"
#include "vsvm_userptr.h"
#include "vsvm_userptr_priv.h"

/**
 * up_queue_release() - Queue a registration's release work (I6)
 * @up: The registration.
 *
 * I6: queues @up's release work, with a reference for it.  If the work is
 * still pending, that run holds its own reference and will see the state
 * the caller just changed (it takes the reservation): drop ours, or the
 * object would never be freed.
 */
void up_queue_release(struct vsvm_userptr *up)
{
	drm_gem_object_get(&up->base);
	if (!queue_work(vsvm_wq, &up->release_work))
		drm_gem_object_put(&up->base);
}

/**
 * vsvm_userptr_mm_release_locked() - Let go of an mm's registrations (I6)
 * @vdev: The device.
 * @pinned: &vsvm_mm.pinned, its lock held.
 *
 * The mm is being torn down: stop the GPU's access to each registration's
 * pages and unpin them (I1 order), and give pinned_vm back (I11).  The
 * objects stay, with no pages: EXEC on a VM that maps one fails.
 */
void vsvm_userptr_mm_release_locked(struct vsvm_device *vdev, struct list_head *pinned)
{
	struct vsvm_userptr *up;

	list_for_each_entry(up, pinned, pinned_link) {
		unsigned long n = up->pages ? up_npages(up) : 0;

		/*
		 * Exported: importers must give the pages back first, which
		 * takes the reservation, which a notifier callback must not
		 * (I2): a worker does it, right away.
		 */
		if (up->dma_buf) {
			up->release_pending = true;
			up_queue_release(up);
			continue;
		}
		mutex_lock(up_lock(up));
		up_drop_pages_locked(up, true);
		mutex_unlock(up_lock(up));
		atomic64_sub(n, &up->mm->pinned_vm);
	}
}

/**
 * up_release_work() - Release an exported registration's pages
 * @work: &vsvm_userptr.release_work.
 *
 * An exported registration whose mm was torn down: tell importers
 * (move_notify), and once none maps or pins the pages, let them go.  A
 * static importer's pin keeps them until it unpins (vsvm_up_dmabuf_unpin()
 * queues this again).
 */
void up_release_work(struct work_struct *work)
{
	struct vsvm_userptr *up = container_of(work, struct vsvm_userptr, release_work);
	unsigned long n;

	dma_resv_lock(up->base.resv, NULL);
	if (up->release_pending && up->pages && !up->export_pins) {
		if (up->dma_buf)
			dma_buf_move_notify(up->dma_buf);
		if (!up->export_maps) {
			n = up_npages(up);
			mutex_lock(up_lock(up));
			up_drop_pages_locked(up, true);
			mutex_unlock(up_lock(up));
			atomic64_sub(n, &up->mm->pinned_vm);
			up->release_pending = false;
		}
	}
	dma_resv_unlock(up->base.resv);
	drm_gem_object_put(&up->base);
}

static int vsvm_up_dmabuf_attach(struct dma_buf *dma_buf, struct dma_buf_attachment *attach)
{
	return 0;
}

/* Registration pages never move: a pin only delays their release (I6). */
static int vsvm_up_dmabuf_pin(struct dma_buf_attachment *attach)
{
	struct vsvm_userptr *up = to_vsvm_userptr(attach->dmabuf->priv);

	dma_resv_assert_held(up->base.resv);
	up->export_pins++;
	return 0;
}

static void vsvm_up_dmabuf_unpin(struct dma_buf_attachment *attach)
{
	struct vsvm_userptr *up = to_vsvm_userptr(attach->dmabuf->priv);

	dma_resv_assert_held(up->base.resv);
	if (!--up->export_pins && up->release_pending)
		up_queue_release(up);
}

static struct sg_table *vsvm_up_dmabuf_map(struct dma_buf_attachment *attach,
					   enum dma_data_direction dir)
{
	struct vsvm_userptr *up = to_vsvm_userptr(attach->dmabuf->priv);
	struct sg_table *sgt;
	int ret;

	/* The pages only go under the reservation (up_release_work()). */
	dma_resv_assert_held(up->base.resv);
	if (!up->pages) {
		drm_dbg(up->base.dev, "exported userptr: its address space is gone\n");
		return ERR_PTR(-EFAULT);
	}
	/* I10: never exported read-only (vsvm_userptr_export()); be sure. */
	if (up_read_only(up) && dir != DMA_TO_DEVICE) {
		drm_dbg(up->base.dev, "exported userptr: read-only, mapping for %d refused\n",
			dir);
		return ERR_PTR(-EACCES);
	}
	sgt = kzalloc(sizeof(*sgt), GFP_KERNEL);
	if (!sgt)
		return ERR_PTR(-ENOMEM);
	ret = sg_alloc_table_from_pages_segment(sgt, up->pages, up_npages(up), 0,
						up->base.size, UINT_MAX & PAGE_MASK, GFP_KERNEL);
	if (ret)
		goto err_free;
	ret = dma_map_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	if (ret)
		goto err_table;
	up->export_maps++;
	return sgt;

err_table:
	sg_free_table(sgt);
err_free:
	kfree(sgt);
	return ERR_PTR(ret);
}

static void vsvm_up_dmabuf_unmap(struct dma_buf_attachment *attach, struct sg_table *sgt,
				 enum dma_data_direction dir)
{
	struct vsvm_userptr *up = to_vsvm_userptr(attach->dmabuf->priv);

	dma_resv_assert_held(up->base.resv);
	up->export_maps--;
	dma_unmap_sgtable(attach->dev, sgt, dir, DMA_ATTR_SKIP_CPU_SYNC);
	sg_free_table(sgt);
	kfree(sgt);
}

static void vsvm_up_dmabuf_release(struct dma_buf *dma_buf)
{
	struct vsvm_userptr *up = to_vsvm_userptr(dma_buf->priv);

	mutex_lock(&up->vmm->lock);
	up->dma_buf = NULL;
	mutex_unlock(&up->vmm->lock);
	drm_gem_dmabuf_release(dma_buf);
}

/*
 * A registration's dma-buf: dynamic, pages stable until the mm goes.  No
 * CPU mmap or vmap: the process maps the memory already.
 */
static const struct dma_buf_ops vsvm_up_dmabuf_ops = {
	.attach = vsvm_up_dmabuf_attach,
	.pin = vsvm_up_dmabuf_pin,
	.unpin = vsvm_up_dmabuf_unpin,
	.map_dma_buf = vsvm_up_dmabuf_map,
	.unmap_dma_buf = vsvm_up_dmabuf_unmap,
	.release = vsvm_up_dmabuf_release,
};

/**
 * vsvm_userptr_is_dmabuf() - Whether a dma-buf is a vsvm registration's
 * @dma_buf: The dma-buf.
 *
 * Return: true if it was exported by vsvm_userptr_export().
 */
bool vsvm_userptr_is_dmabuf(struct dma_buf *dma_buf)
{
	return dma_buf->ops == &vsvm_up_dmabuf_ops;
}

/**
 * vsvm_userptr_export() - &drm_gem_object_funcs.export of a userptr
 * @obj: The userptr.
 * @flags: The dma-buf's file flags.
 *
 * A notifier-mode userptr is invalidated from an MMU notifier, which must
 * not take the reservation that move_notify needs (I2): it is never
 * exported.  A registration's pages are stable: it is, by its own mm only
 * and only if writable (I7, I10: vsvm_userptr_check_export()).
 *
 * Return: the dma-buf, or an ERR_PTR.
 */
struct dma_buf *vsvm_userptr_export(struct drm_gem_object *obj, int flags)
{
	struct vsvm_userptr *up = to_vsvm_userptr(obj);
	struct dma_buf_export_info exp_info = {
		.exp_name = KBUILD_MODNAME,
		.owner = obj->dev->driver->fops->owner,
		.ops = &vsvm_up_dmabuf_ops,
		.size = obj->size,
		.flags = flags,
		.priv = obj,
		.resv = obj->resv,
	};
	struct dma_buf *dma_buf;
	int ret;

	/* Its reservation is its VM's, which no other device may wait on. */
	if (up->vm_root) {
		drm_dbg(obj->dev, "PRIME export: a VM-private object cannot be exported\n");
		return ERR_PTR(-EINVAL);
	}
	if (!up_longterm(up)) {
		drm_dbg(obj->dev, "PRIME export: a notifier-mode userptr cannot be exported\n");
		return ERR_PTR(-EINVAL);
	}
	ret = vsvm_userptr_check_export(up);
	if (ret)
		return ERR_PTR(ret);
	mutex_lock(&up->vmm->lock);
	if (up->vmm->dead || !up->pages) {
		mutex_unlock(&up->vmm->lock);
		drm_dbg(obj->dev, "PRIME export: the userptr's address space is gone\n");
		return ERR_PTR(-EFAULT);
	}
	dma_buf = drm_gem_dmabuf_export(obj->dev, &exp_info);
	if (!IS_ERR(dma_buf))
		up->dma_buf = dma_buf;
	mutex_unlock(&up->vmm->lock);
	return dma_buf;
}
