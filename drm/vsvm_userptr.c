// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/wait.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_dmachk.h"
#include "vsvm_drv.h"
#include "vsvm_mm.h"
#include "vsvm_trace.h"
#include "vsvm_userptr.h"
#include "vsvm_userptr_priv.h"
#include "vsvm_vm.h"

/**
 * DOC: userptr
 *
 * A &struct vsvm_userptr is a GEM object over a range of its creator's
 * address space.  The rules it keeps, and where:
 *
 * **Page source (notifier mode).**  Pages are pinned short-term with
 * pin_user_pages_fast() (FOLL_WRITE unless read-only), as i915 does, and
 * DMA-mapped as one sg table.  Pins, rather than hmm_range_fault(), because
 * they are what makes the full I1 order observable: the invalidation must
 * take the device's mappings down before it may dirty and unpin, and the DMA
 * checker watches exactly that.  The pins keep the pages from being freed
 * under the GPU even if the notifier were wrong; the notifier keeps the GPU
 * from using pages the CPU no longer maps.
 *
 * **The notifier lock.**  Each (device, mm) binding has one,
 * &vsvm_mm.notifier_lock, that covers every userptr of that address space
 * on the device, their mappings' entries and &vsvm_vma.ptes_valid, and the
 * SVM VMs mirroring it.  Per address space rather than per VM: a userptr
 * may be mapped in several VMs, all of its own mm (I7), and one lock then
 * covers the object's pages and every VM's entries of it, where a lock per
 * VM would have the invalidation take each VM's lock in turn and the
 * object's state would need a lock of its own besides.  Two processes
 * never share it, so one process's munmap never waits for another's locks;
 * and it is held only for short sections that never wait for the GPU, so
 * an invalidation waiting for its jobs holds no lock at all.
 *
 * **I3, coherent submission** (vsvm_userptr_populate(), vsvm_exec()).
 * Pages are got with mmu_interval_read_begin(), pinning, then taking the
 * notifier lock and mmu_interval_read_retry(): pages that raced with an
 * invalidation are dropped and got again.  EXEC then locks the
 * reservations, takes the notifier lock, checks again that no invalidation
 * dropped the pages or is dropping them (&vsvm_userptr.dropping), writes
 * the GPU page-table entries (of the mappings on the VM's list of those
 * mapped or invalidated since its last EXEC: an invalidation lists the
 * mappings of the pages it drops at step 1, &vsvm_vm.up_invalidated),
 * adds its fence to the VM's and the object's
 * reservations and queues the job, all before dropping the notifier lock.
 * So an invalidation either comes first, and EXEC starts over, or comes
 * after, and finds the job's fence to wait for.  Starting over is bounded
 * in time (%HMM_RANGE_DEFAULT_TIMEOUT, then -EAGAIN, which drmIoctl()
 * restarts), as hmm_range_fault()'s callers bound theirs: the ioctl runs
 * inside drm_dev_enter(), and a thread invalidating the range without
 * pause must not keep it there, nor the device's unplug waiting.
 *
 * **I1, invalidation order** (up_drop_pages_locked(), called from
 * vsvm_userptr_invalidate() for a blockable range): (1) under the notifier
 * lock, mmu_interval_set_seq() and mark the pages as being dropped, so that
 * no EXEC or MAP uses them any more; (2) with the lock dropped, wait for
 * every fence of every job that may reach the pages: the object's
 * reservation, and every fence of each VM that maps the object
 * (drm_gpuvm_resv(), %DMA_RESV_USAGE_BOOKKEEP), since a job queued before
 * a synchronous MAP reaches the entries that MAP wrote without its fence
 * being in the object's reservation (up_wait_gpu_locked()); then, under the
 * lock again, (3) clear the page-table entries of every mapping of the
 * object and drop them from each VM's TLB; (4) dma_unmap_sgtable(); (5)
 * dirty the pages the GPU could write, mark them accessed, and unpin.  Only
 * then does the CPU's change proceed.  Step (3) waits for no grace period of the TLB
 * (up_vma_zap()): after step (2) no job of a VM that maps the object is
 * pending, and none can be queued while the lock is held, so no engine
 * access is in flight there.  One wait per object made an munmap over
 * many bound userptrs, or the exit of a process holding thousands, take
 * seconds to minutes.  "Could
 * write" is tracked per set of pages: a job queued with a writable mapping
 * of the object, or a synchronous MAP into a VM with jobs pending
 * (vsvm_userptr_vma_used_locked()); pages no job could write
 * are not dirtied, and pages no job could read are not marked accessed,
 * so binding alone costs the CPU's page state nothing.
 *
 * Dirtying: set_page_dirty_lock() takes the folio lock, but reclaim and
 * migration call the notifier with the folio already locked (try_to_unmap()
 * and try_to_migrate() under folio_lock()), so the folio lock is tried, and
 * if it is held the folio is dirtied without it, as RDMA's umem_odp does:
 * our pin keeps the folio from being freed, and the lock holder is the very
 * reclaim or migration that is waiting for us.
 *
 * **I2, notifier locking.**  The notifier takes only the notifier lock, never
 * a reservation, and allocates nothing: page tables for a userptr mapping
 * are allocated at VM_BIND (vsvm_pt_prealloc_locked()) so that entries can
 * be written (vsvm_pt_map_owned()) and cleared (vsvm_pt_zap()) under the
 * notifier lock.  The lock is primed against reclaim when the binding is
 * made (vsvm_mm.c), so lockdep flags any allocation under it at once.  A
 * non-blockable range (the OOM reaper) gets false (-EAGAIN) if the lock is
 * busy, another invalidation is dropping the pages, or a job that may reach
 * them is pending (on the object or on a VM that maps it); an idle object
 * is let go of without sleeping.
 *
 * **I4, I7, the owning mm.**  The object holds its mm with mmgrab() only,
 * and takes mmget_not_zero() just around pinning.  VM_BIND and EXEC from
 * any other mm fail with -EPERM (vsvm_userptr_check_mm()).
 *
 * **Registration mode** (%DRM_VSVM_USERPTR_PIN_LONGTERM, I11).  Pages are
 * pinned with FOLL_LONGTERM at creation, after adding them to the mm's
 * pinned_vm against RLIMIT_MEMLOCK (-ENOMEM past it, as ib_umem_get()
 * does).  There is no interval notifier: the pages stay with the GPU
 * whatever the CPU does.  They are let go of, in the I1 order, when the
 * object is freed or when the mm is torn down (&struct vsvm_mm's release,
 * I6), whichever comes first, and pinned_vm is given back then.
 *
 * **Export.**  A notifier-mode userptr cannot be exported (-EINVAL): its
 * invalidation runs in an MMU notifier, which must not take the
 * reservation that dma_buf_move_notify() needs (I2).  A registration can:
 * its dma-buf is dynamic, maps the pinned pages for each importer, and
 * when the mm is torn down a worker tells importers to give the pages back
 * (move_notify, with the reservation held) and then lets them go; a static
 * importer's pin keeps them until it unpins.
 *
 * Only the registering mm may export it (I7, vsvm_userptr_check_export()):
 * a dma-buf is a capability that works from any process and on any device,
 * so exporting from another mm would hand out what VM_BIND and EXEC refuse
 * it (-EPERM).  The check is made where the dma-buf is created
 * (vsvm_userptr_export()) and again on the dma-buf that PRIME_HANDLE_TO_FD
 * is about to return (vsvm_prime_handle_to_fd()), since the core hands out
 * an object's existing dma-buf without asking the driver.  A read-only
 * registration is never exported (-EACCES, I10): a dma-buf carries no
 * read-only flag, and importers such as vgem or another device's driver
 * map it for writing, so the only way read-only survives every importer is
 * not to export it.  The registration's dma-buf ops refuse a writable
 * mapping of a read-only registration besides (vsvm_up_dmabuf_map()).
 *
 * **VM-private userptrs** (%DRM_VSVM_GEM_EXT_VM_PRIVATE, uapi 1.9).  The
 * object's reservation is its VM's (that of the drm_gpuvm's resv object,
 * &vsvm_userptr.vm_root, which the object holds a reference to), so EXEC
 * locks it and adds its fence once for all of the VM's private objects
 * (vsvm_vm_lock_objects(), vsvm_vm_private_usage()).  The invalidation
 * waits for the fences of every VM that maps the object (step 2), but not
 * for its reservation, the VM's, where the VM's unrelated jobs are (see
 * up_busy_fence_locked()); EXEC still writes entries only under the
 * notifier lock.  A private
 * userptr is mapped in its VM only (VM_BIND: -EINVAL elsewhere, also once
 * the VM is gone), never exported (-EINVAL: no other device may wait on,
 * or add to, the VM's reservation), and never a registration (-EINVAL at
 * creation: a registration is there to be shared).  An SVM VM has none
 * (-EINVAL): its jobs put no fence in its reservation.
 *
 * **Injection** (debugfs ``userptr_inject``, vsvm_inject(), only with
 * CONFIG_DRM_VSVM_DEBUG: see vsvm_debug.c).  Named points where the driver
 * stalls until the test releases it, so that tests can change the mm at
 * exactly that point.
 */

static const struct drm_gem_object_funcs vsvm_userptr_funcs;

/*
 * Userptr objects come from a cache of their own: kmalloc() would round
 * each up to the next power of two, a third of it wasted, and a process
 * may hold thousands of small userptrs.
 */
static struct kmem_cache *vsvm_userptr_cache;

/**
 * vsvm_userptr_module_init() - Create the userptr objects' slab cache
 *
 * Return: 0, or -ENOMEM.
 */
int vsvm_userptr_module_init(void)
{
	vsvm_userptr_cache = KMEM_CACHE(vsvm_userptr, 0);
	return vsvm_userptr_cache ? 0 : -ENOMEM;
}

/**
 * vsvm_userptr_module_exit() - Destroy the userptr objects' slab cache
 *
 * Every userptr must have been freed (module exit, after the devices).
 */
void vsvm_userptr_module_exit(void)
{
	kmem_cache_destroy(vsvm_userptr_cache);
}

/**
 * vsvm_gem_is_userptr() - Whether a GEM object is a vsvm userptr
 * @obj: The object.
 *
 * Return: true for a userptr.
 */
bool vsvm_gem_is_userptr(struct drm_gem_object *obj)
{
	return obj->funcs == &vsvm_userptr_funcs;
}

/**
 * vsvm_gem_vm_root() - The VM a GEM object is private to
 * @obj: The object.
 *
 * A VM-private object shares its VM's reservation (the reservation object
 * of its drm_gpuvm) and may be mapped in that VM only; drm_gpuvm counts it
 * as none of the VM's external objects, so EXEC neither locks nor walks
 * it.  Only userptrs are made private so far.
 *
 * Return: The reservation object of the VM @obj is private to, or NULL if
 * @obj is not private.
 */
struct drm_gem_object *vsvm_gem_vm_root(struct drm_gem_object *obj)
{
	return vsvm_gem_is_userptr(obj) ? to_vsvm_userptr(obj)->vm_root : NULL;
}

/**
 * to_vsvm_userptr() - The userptr of a GEM object
 * @obj: A userptr's GEM object.
 *
 * Return: The userptr.
 */
struct vsvm_userptr *to_vsvm_userptr(struct drm_gem_object *obj)
{
	return container_of(obj, struct vsvm_userptr, base);
}

/* Fires a userptr event (vsvm_trace.h): device, client, range, then @arg. */
#define up_trace(up, event, arg) do { \
	struct vsvm_userptr *__up = (up); \
	\
	event(up_vdev(__up)->index, __up->client_id, __up->addr, __up->base.size, arg); \
} while (0)

/*
 * Whether the installed pages may still be used: there are some, and no
 * invalidation has started to drop them (it may be waiting for the GPU
 * with the lock dropped, see up_wait_gpu_locked()).
 */
static bool up_pages_valid_locked(struct vsvm_userptr *up)
{
	lockdep_assert_held(up_lock(up));
	return up->pages && !up->dropping;
}

static enum dma_data_direction up_dir(struct vsvm_userptr *up)
{
	return up_read_only(up) ? DMA_TO_DEVICE : DMA_BIDIRECTIONAL;
}

/*
 * The simulated device is cache-coherent (the engine reaches memory through
 * the CPU's caches), so no CPU sync is ever needed; saying so also tells
 * DMA-API debugging that overlapping userptrs, which map the same pages
 * twice, are intended.
 */
#define UP_DMA_ATTRS	DMA_ATTR_SKIP_CPU_SYNC

/*
 * I1 step 4: DMA-unmap @sgt, the mapping of @pages (never sleeps).  The
 * pages array names the mapping for the DMA checker, from pinning to unpin.
 */
static void up_dma_unmap(struct vsvm_userptr *up, struct sg_table *sgt, struct page **pages,
			 bool stale)
{
	vsvm_dmachk_unmap_sgt(&up_vdev(up)->dmachk, sgt, pages, stale);
	dma_unmap_sgtable(up->base.dev->dev, sgt, up_dir(up), UP_DMA_ATTRS);
	sg_free_table(sgt);
}

/*
 * I1 step 5: dirty what the GPU could write, mark accessed, unpin.  Sleeps
 * only if @block (for the folio lock, and to free a vmalloc'ed array).
 */
static void up_release_pages(struct vsvm_userptr *up, struct page **pages, bool used,
			     bool dirty, bool block)
{
	struct vsvm_device *vdev = up_vdev(up);
	unsigned long i, n = up_npages(up);
	struct folio *prev = NULL;

	for (i = 0; i < n; i++) {
		struct folio *folio = page_folio(pages[i]);
		u64 dma = phys_to_dma(vdev->drm.dev, page_to_phys(pages[i]));

		vsvm_dmachk_release(&vdev->dmachk, pages, dma, PAGE_SIZE);
		/* A large folio is dirtied and marked once. */
		if (folio == prev)
			continue;
		prev = folio;
		if (dirty && !up_read_only(up) && !folio_test_dirty(folio)) {
			/* See the DOC: the folio lock may be our caller's. */
			if (block && folio_trylock(folio)) {
				folio_mark_dirty(folio);
				folio_unlock(folio);
			} else {
				folio_mark_dirty(folio);
			}
		}
		if (used)
			folio_mark_accessed(folio);
	}
	unpin_user_pages(pages, n);
	kvfree(pages);
	atomic64_sub(n, up_longterm(up) ? &vdev->up_stats.longterm_pages :
		     &vdev->up_stats.pinned_pages);
}

/* Pins the range and maps it for DMA, installing nothing. */
static int up_get_pages(struct vsvm_userptr *up, struct page ***pagesp,
			struct sg_table *sgt)
{
	struct vsvm_device *vdev = up_vdev(up);
	unsigned int gup = up_read_only(up) ? 0 : FOLL_WRITE;
	unsigned long n = up_npages(up), pinned = 0;
	struct page **pages;
	long ret = 0;

	if (up_longterm(up))
		gup |= FOLL_LONGTERM;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return -ENOMEM;

	/*
	 * I4: the mm is held (mm_users) only while pinning.  The caller runs
	 * in the object's own mm (vsvm_userptr_check_mm(), or creation), so
	 * the lockless GUP-fast walk can be used, as ib_umem_get() does; it
	 * falls back to the mmap lock by itself where it must.
	 */
	if (WARN_ON_ONCE(current->mm != up->mm) || !mmget_not_zero(up->mm)) {
		ret = -EFAULT;
		goto err_free;
	}
	while (pinned < n) {
		ret = pin_user_pages_fast(up->addr + (pinned << PAGE_SHIFT),
					  min_t(unsigned long, n - pinned, INT_MAX), gup,
					  pages + pinned);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			break;
		}
		pinned += ret;
		ret = 0;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
	}
	mmput(up->mm);
	if (ret)
		goto err_unpin;

	ret = sg_alloc_table_from_pages_segment(sgt, pages, n, 0, n << PAGE_SHIFT,
						UINT_MAX & PAGE_MASK, GFP_KERNEL);
	if (ret)
		goto err_unpin;
	ret = dma_map_sgtable(vdev->drm.dev, sgt, up_dir(up), UP_DMA_ATTRS);
	if (ret)
		goto err_sgt;
	ret = vsvm_dmachk_map_sgt(&vdev->dmachk, sgt, pages, up_read_only(up));
	if (ret) {
		dma_unmap_sgtable(vdev->drm.dev, sgt, up_dir(up), UP_DMA_ATTRS);
		goto err_sgt;
	}

	atomic64_add(n, up_longterm(up) ? &vdev->up_stats.longterm_pages :
		     &vdev->up_stats.pinned_pages);
	*pagesp = pages;
	return 0;

err_sgt:
	sg_free_table(sgt);
err_unpin:
	unpin_user_pages(pages, pinned);
err_free:
	kvfree(pages);
	drm_dbg(&vdev->drm, "userptr [%#lx, +%#zx): cannot pin its pages: %ld\n",
		up->addr, up->base.size, ret);
	/* gup says -ENOMEM for a range it cannot fault in; so does the uapi. */
	return ret;
}

/*
 * Clears the entries of one mapping of the object and drops their TLB
 * entries, without waiting for engine accesses: every caller knows that no
 * job of the mapping's VM is pending, so none is in flight.  The
 * invalidation (up_drop_pages_locked()) has waited for every fence of each
 * VM that maps the object, holds the lock that EXEC must take to queue a
 * job on such a VM, and EXEC refuses pages that are being dropped; UNMAP
 * and teardown wait for the VM's jobs before they detach the mapping, and
 * flush the range themselves after.  A flush that waits
 * (synchronize_srcu(), a grace period) per mapping made an munmap over
 * many bound userptrs, or a process's exit, cost a grace period per object.
 * A page-table walk that raced with the zap still has its fill dropped
 * (the flush bumps the TLB's generation, see vsvm_tlb_fill()).
 */
static void up_vma_zap(struct vsvm_vma *vma)
{
	struct vsvm_vm *vm = container_of(vma->base.vm, struct vsvm_vm, gpuvm);

	if (!vma->ptes_valid)
		return;
	vsvm_pt_zap(&vm->pt, vma->base.va.addr, vma->base.va.range);
	vma->ptes_valid = false;
	vsvm_tlb_flush_range_idle(&vm->tlb, vma->base.va.addr, vma->base.va.range);
}

/* An unsignalled fence of @resv, any usage, referenced; or NULL. */
static struct dma_fence *up_resv_busy(struct dma_resv *resv)
{
	struct dma_resv_iter cursor;
	struct dma_fence *fence, *busy = NULL;

	dma_resv_iter_begin(&cursor, resv, DMA_RESV_USAGE_BOOKKEEP);
	dma_resv_for_each_fence_unlocked(&cursor, fence) {
		if (!dma_fence_is_signaled(fence)) {
			busy = dma_fence_get(fence);
			break;
		}
	}
	dma_resv_iter_end(&cursor);
	return busy;
}

/*
 * An unsignalled fence of a job that may reach the object's pages,
 * referenced, or NULL: the object's own fences, and every fence of each VM
 * that maps it (DMA_RESV_USAGE_BOOKKEEP of drm_gpuvm_resv()), since a job
 * queued on a VM before a synchronous MAP reaches entries that MAP wrote
 * without having its fence in the object's reservation.  The lock held:
 * the mappings, and so their VMs, stay on @up->vmas.  Never sleeps.
 *
 * I1 for a VM-private object: its reservation is its VM's, where every job
 * of the VM adds its fence, so it is not waited on (an unmapped object
 * would wait for the VM's unrelated jobs, and for ever while they keep
 * coming).  The GPU reaches its pages only through its mappings, and a
 * mapping leaves @up->vmas with its entries cleared and the TLB flushed,
 * the VM idle (synchronous UNMAP and teardown wait for the VM's jobs, then
 * vsvm_userptr_vma_detach_locked() zaps), or before an asynchronous UNMAP's
 * job clears them: that job's fence is kept (@up->unmap_fence), and the job
 * ends only after every earlier job of the VM.
 */
static struct dma_fence *up_busy_fence_locked(struct vsvm_userptr *up)
{
	struct dma_fence *fence = NULL;
	struct vsvm_vma *vma;

	lockdep_assert_held(up_lock(up));
	if (!up->vm_root)
		fence = up_resv_busy(up->base.resv);
	else if (up->unmap_fence && !dma_fence_is_signaled(up->unmap_fence))
		fence = dma_fence_get(up->unmap_fence);
	list_for_each_entry(vma, &up->vmas, up_link) {
		if (fence)
			break;
		fence = up_resv_busy(drm_gpuvm_resv(vma->base.vm));
	}
	return fence;
}

/*
 * I1 step 2, with the lock dropped while waiting: waits until no job that
 * may reach the pages is pending, one fence at a time, and returns with
 * the lock held again.  @up->dropping, set by the caller, keeps EXEC and
 * VM_BIND from writing entries from these pages or queueing a job that
 * uses them meanwhile (up_pages_valid_locked()), so the loop ends.  The
 * pages may have been dropped by a concurrent invalidation when it returns.
 * Returns whether it waited.
 */
static bool up_wait_gpu_locked(struct vsvm_userptr *up)
{
	struct mutex *lock = up_lock(up);
	struct dma_fence *fence;
	bool waited = false;

	lockdep_assert_held(lock);
	while (up->pages) {
		fence = up_busy_fence_locked(up);
		if (!fence)
			break;
		mutex_unlock(lock);
		dma_fence_wait(fence, false);
		dma_fence_put(fence);
		waited = true;
		mutex_lock(lock);
	}
	return waited;
}

/* I1 step 2 (see up_wait_gpu_locked()); returns whether it waited. */
static bool up_i1_wait(struct vsvm_userptr *up, bool block)
{
	return block && up_wait_gpu_locked(up);
}

/* After step 2: from here on, a GPU access to the pages is a bug. */
static void up_i1_stale(struct vsvm_userptr *up)
{
	vsvm_dmachk_stale_sgt(&up_vdev(up)->dmachk, &up->sgt, up->pages);
	up->stale = true;
}

/*
 * I1 step 3: no page-table entry, nor TLB entry, reaches them any more.
 * After step 2 no job that may reach them is pending (see up_vma_zap()).
 */
static void up_i1_zap(struct vsvm_userptr *up, bool block)
{
	struct vsvm_vma *vma;

	list_for_each_entry(vma, &up->vmas, up_link)
		up_vma_zap(vma);
}

/* I1 step 4: nor does a DMA mapping. */
static void up_i1_unmap(struct vsvm_userptr *up)
{
	up_dma_unmap(up, &up->sgt, up->pages, true);
}

/* I1 step 5: only now may the pages be dirtied and let go of. */
static void up_i1_release(struct vsvm_userptr *up, bool block)
{
	up_release_pages(up, up->pages, up->gpu_used, up->gpu_dirty, block);
}

static const struct vsvm_i1_steps up_i1_steps = {
	.wait = up_i1_wait,
	.stale = up_i1_stale,
	.zap = up_i1_zap,
	.unmap = up_i1_unmap,
	.release = up_i1_release,
};

/**
 * up_drop_pages_locked() - Drop a userptr's pages in the I1 order
 * @up: The userptr, its lock (up_lock()) held.
 * @block: Whether it may sleep (it then drops the lock while it waits for
 *	the GPU, see up_wait_gpu_locked()); if not, the caller made sure no
 *	GPU work is pending.
 *
 * Return: whether it had to wait for the GPU.
 */
bool up_drop_pages_locked(struct vsvm_userptr *up, bool block)
{
	struct vsvm_device *vdev = up_vdev(up);
	struct vsvm_vma *vma;
	bool waited = false;

	lockdep_assert_held(up_lock(up));
	if (!up->pages)
		return false;

	/*
	 * (1), with the caller's mmu_interval_set_seq(): no EXEC or MAP uses
	 * the pages any more, and each VM that maps them has the mappings on
	 * its list of those the next EXEC must check and write again.
	 */
	up->dropping = true;
	list_for_each_entry(vma, &up->vmas, up_link)
		vsvm_vm_userptr_invalidated(vma);
	/* A test may have the steps run out of order (debugfs dmachk_break). */
	if (vsvm_debug_i1_broken(vdev, up, block, &up_i1_steps, &waited))
		goto out;

	/* (2) Every job that may reach the pages has finished. */
	up_trace(up, trace_vsvm_userptr_stage, VSVM_UP_STAGE_BEGIN);
	waited = up_i1_wait(up, block);
	if (!up->pages)
		return waited;	/* a concurrent invalidation dropped them */
	up_trace(up, trace_vsvm_userptr_stage, VSVM_UP_STAGE_GPU_IDLE);
	up_i1_stale(up);
	up_i1_zap(up, block);		/* (3) */
	up_trace(up, trace_vsvm_userptr_stage, VSVM_UP_STAGE_ZAPPED);
	up_i1_unmap(up);		/* (4) */
	up_i1_release(up, block);	/* (5) */
	up_trace(up, trace_vsvm_userptr_stage, VSVM_UP_STAGE_RELEASED);
out:
	up->pages = NULL;
	up->stale = false;
	up->dropping = false;
	up->gpu_used = false;
	up->gpu_dirty = false;
	return waited;
}

/*
 * Whether a non-blockable invalidation must be refused (I2): the object has
 * pages, and a job that may reach them is pending (on the object or on a
 * VM that maps it), or another invalidation is waiting for one, or
 * releasing them may sleep (a vmalloc'ed array).
 */
static bool up_nonblock_busy_locked(struct vsvm_userptr *up)
{
	struct dma_fence *fence;

	lockdep_assert_held(up_lock(up));
	if (!up->pages)
		return false;
	if (up->dropping || is_vmalloc_addr(up->pages))
		return true;
	fence = up_busy_fence_locked(up);
	dma_fence_put(fence);
	return fence;
}

static bool vsvm_userptr_invalidate(struct mmu_interval_notifier *mni,
				    const struct mmu_notifier_range *range,
				    unsigned long cur_seq)
{
	struct vsvm_userptr *up = container_of(mni, struct vsvm_userptr, notifier);
	struct vsvm_device *vdev = up_vdev(up);
	bool block = mmu_notifier_range_blockable(range);
	bool busy, waited;
	u64 start = ktime_get_ns();
	unsigned long npages;

	/*
	 * Injection: run the non-blockable checks on a blockable range, and
	 * count what they would have refused; then go on blocking, since
	 * refusing a blockable range is not allowed.
	 */
	if (block && vsvm_inject(vdev, VSVM_INJECT_NONBLOCK)) {
		if (mutex_trylock(up_lock(up))) {
			busy = up_nonblock_busy_locked(up);
			mutex_unlock(up_lock(up));
		} else {
			busy = true;
		}
		if (busy)
			atomic64_inc(&vdev->up_stats.would_block);
	}

	if (block) {
		mutex_lock(up_lock(up));
	} else if (!mutex_trylock(up_lock(up))) {
		atomic64_inc(&vdev->up_stats.would_block);
		return false;
	} else if (up_nonblock_busy_locked(up)) {
		/* I2: we may not wait: -EAGAIN. */
		mutex_unlock(up_lock(up));
		atomic64_inc(&vdev->up_stats.would_block);
		return false;
	}

	/*
	 * (1) Any populate or EXEC racing with us now starts over; the GPU
	 * is waited for with the lock dropped (up_drop_pages_locked()).
	 */
	mmu_interval_set_seq(mni, cur_seq);
	npages = up->pages ? up_npages(up) : 0;
	waited = up_drop_pages_locked(up, block);
	mutex_unlock(up_lock(up));

	if (npages) {
		atomic64_inc(&vdev->up_stats.invalidations);
		if (waited)
			atomic64_inc(&vdev->up_stats.invalidation_waits);
	}
	trace_vsvm_userptr_invalidate(vdev->index, up->client_id, range->start, range->end,
				      range->event, block,
				      ktime_get_ns() - start, up_read_only(up) ? 0 : npages);
	return true;
}

static const struct mmu_interval_notifier_ops vsvm_userptr_notifier_ops = {
	.invalidate = vsvm_userptr_invalidate,
};

/**
 * vsvm_userptr_check_mm() - Check that the caller may drive DMA to a userptr
 * @up: The userptr.
 *
 * I7: a userptr belongs to the address space that made it.
 *
 * Return: 0, or -EPERM from any other address space.
 */
int vsvm_userptr_check_mm(struct vsvm_userptr *up)
{
	if (current->mm == up->mm)
		return 0;
	drm_dbg(up->base.dev, "userptr [%#lx, +%#zx) belongs to another address space\n",
		up->addr, up->base.size);
	return -EPERM;
}

/**
 * vsvm_userptr_check_export() - Check that the caller may export a userptr
 * @up: A registration-mode userptr.
 *
 * I7: only the address space that registered the memory may hand it out as
 * a dma-buf.  I10: a read-only registration is not exported at all, since
 * an importer cannot be told that it must not write.
 *
 * Return: 0; -EPERM from another address space; -EACCES for a read-only
 * registration.
 */
int vsvm_userptr_check_export(struct vsvm_userptr *up)
{
	int ret = vsvm_userptr_check_mm(up);

	if (ret) {
		drm_dbg(up->base.dev, "PRIME export: the userptr belongs to another address space\n");
		return ret;
	}
	if (up_read_only(up)) {
		drm_dbg(up->base.dev, "PRIME export: a read-only userptr cannot be exported\n");
		return -EACCES;
	}
	return 0;
}

/**
 * vsvm_userptr_populate() - Make sure a userptr has its pages (I3)
 * @up: The userptr; the caller checked its mm.
 *
 * The retries after racing invalidations are bounded in time, as
 * hmm_range_fault()'s callers bound theirs: the callers run inside
 * drm_dev_enter(), whose SRCU every DRM device's unplug waits for, and the
 * display's compose worker, a kthread, cannot be stopped by a signal.  An
 * address space that keeps invalidating the range (another thread's
 * madvise(MADV_DONTNEED) in a loop) must not hold either for ever.
 *
 * Return: 0 when the pages were installed (they may be invalidated again
 * at any time: recheck under the notifier lock); -EFAULT if they cannot be
 * had; -EAGAIN if the range kept being invalidated for
 * %HMM_RANGE_DEFAULT_TIMEOUT ms (the ioctl returns it; drmIoctl() restarts
 * it); -ENODEV after the unplug; -ENOMEM; -EINTR/-ERESTARTSYS.
 */
int vsvm_userptr_populate(struct vsvm_userptr *up)
{
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct vsvm_device *vdev = up_vdev(up);
	struct page **pages;
	struct sg_table sgt;
	unsigned long seq;
	bool valid;
	int ret;

	for (;;) {
		mutex_lock(up_lock(up));
		valid = up_pages_valid_locked(up);
		mutex_unlock(up_lock(up));
		if (valid)
			return 0;
		/* Registration mode: the mm was torn down (I6). */
		if (up_longterm(up))
			return -EFAULT;
		if (signal_pending(current))
			return -ERESTARTSYS;

		seq = mmu_interval_read_begin(&up->notifier);
		ret = up_get_pages(up, &pages, &sgt);
		up_trace(up, trace_vsvm_userptr_populate, ret);
		if (ret)
			return ret;

		vsvm_inject(vdev, VSVM_INJECT_POPULATE);

		mutex_lock(up_lock(up));
		if (!mmu_interval_read_retry(&up->notifier, seq) && !up->pages) {
			up->pages = pages;
			up->sgt = sgt;
			if (up->populated)
				atomic64_inc(&vdev->up_stats.revalidations);
			up->populated = true;
			mutex_unlock(up_lock(up));
			return 0;
		}
		mutex_unlock(up_lock(up));

		/* Raced with an invalidation: these pages were never used. */
		up_dma_unmap(up, &sgt, pages, false);
		up_release_pages(up, pages, false, false, true);
		atomic64_inc(&vdev->up_stats.retries);
		up_trace(up, trace_vsvm_userptr_retry, -EAGAIN);
		if (drm_dev_is_unplugged(&vdev->drm))
			return -ENODEV;
		if (time_after(jiffies, timeout)) {
			drm_dbg(&vdev->drm,
				"userptr at %#lx: its range kept being invalidated for %u ms\n",
				up->addr, HMM_RANGE_DEFAULT_TIMEOUT);
			return -EAGAIN;
		}
	}
}

/**
 * vsvm_userptr_vma_bind_locked() - Write the entries of one mapping
 * @up: The mapped userptr.
 * @vm: The mapping's VM.
 * @vma: The mapping, on @up's list.
 *
 * Called with &vsvm_mm.notifier_lock of the object's address space held,
 * and the page tables of the mapping preallocated: it writes entries
 * without allocating.
 *
 * Return: 0 when the entries are (or already were) written; -EAGAIN if the
 * pages were invalidated since they were got, or an invalidation is
 * dropping them: populate again.
 */
int vsvm_userptr_vma_bind_locked(struct vsvm_userptr *up, struct vsvm_vm *vm,
				 struct vsvm_vma *vma)
{
	int ret;

	lockdep_assert_held(up_lock(up));
	/* I3: even written entries are no use once an invalidation started. */
	if (!up_pages_valid_locked(up))
		return -EAGAIN;
	if (vma->ptes_valid)
		return 0;
	/* Under the notifier lock: tables preallocated, nothing allocated. */
	ret = vsvm_vm_pt_map_sgt(vm, &up->sgt, vma->base.gem.offset, vma->base.va.addr,
				 vma->base.va.range,
				 VSVM_PT_NOALLOC | (vma->read_only ? 0 : VSVM_PT_WRITE));
	if (!ret)
		vma->ptes_valid = true;
	return ret;
}

/**
 * vsvm_userptr_vma_used_locked() - Note that a job may use a mapping
 * @up: The mapped userptr.
 * @vma: The mapping, its entries written.
 *
 * Called with &vsvm_mm.notifier_lock of the object's address space held,
 * for each userptr mapping of a job's VM as the job is queued: the pages it
 * may write are dirtied, and those it may read marked accessed, when they
 * are let go of (I1 step 5).
 */
void vsvm_userptr_vma_used_locked(struct vsvm_userptr *up, struct vsvm_vma *vma)
{
	lockdep_assert_held(up_lock(up));
	up->gpu_used = true;
	if (!vma->read_only)
		up->gpu_dirty = true;
}

/**
 * vsvm_userptr_pages_valid_locked() - Whether a userptr's pages may be used
 * @up: The userptr.
 *
 * For a reader of the pages other than a job (the display's composition,
 * vsvm_fb.c), under &vsvm_mm.notifier_lock of the object's address space.
 *
 * Return: true when pages are installed and no invalidation has started to
 * drop them (I3); false: populate again.
 */
bool vsvm_userptr_pages_valid_locked(struct vsvm_userptr *up)
{
	return up_pages_valid_locked(up);
}

/**
 * vsvm_userptr_used_locked() - Note that the display uses a userptr's pages
 * @up: The userptr, its pages valid (vsvm_userptr_pages_valid_locked()).
 * @write: Whether it writes them (a writeback).
 *
 * As vsvm_userptr_vma_used_locked() for a job, under the same lock: the
 * pages are marked accessed, and dirtied if written, when let go of (I1
 * step 5).
 */
void vsvm_userptr_used_locked(struct vsvm_userptr *up, bool write)
{
	lockdep_assert_held(up_lock(up));
	up->gpu_used = true;
	if (write)
		up->gpu_dirty = true;
}

/**
 * vsvm_userptr_vma_detach_locked() - Take a mapping off its userptr
 * @vma: A mapping of a userptr, on the object's list.
 *
 * Called with &vsvm_mm.notifier_lock of the object's address space held,
 * before the mapping is removed or split: clears its entries and drops
 * their TLB entries.  The mapping's VM must have no job pending (UNMAP and
 * teardown wait for them first), and the caller flushes the range after,
 * waiting for the engine's walks (vsvm_tlb_flush_range()).
 */
void vsvm_userptr_vma_detach_locked(struct vsvm_vma *vma)
{
	lockdep_assert_held(up_lock(to_vsvm_userptr(vma->base.gem.obj)));
	up_vma_zap(vma);
	list_del_init(&vma->up_link);
}

/**
 * vsvm_userptr_unmap_fence_locked() - Note an asynchronous UNMAP's fence
 * @up: A VM-private userptr.
 * @fence: The fence of the UNMAP job that will clear the entries of a
 *         mapping of @up which is leaving @up->vmas now.
 *
 * Called with &vsvm_mm.notifier_lock of the object's address space held.
 * Keeps only the latest: an UNMAP job depends on every earlier job of its
 * VM, bind jobs included (I1, see up_busy_fence_locked()).
 */
void vsvm_userptr_unmap_fence_locked(struct vsvm_userptr *up, struct dma_fence *fence)
{
	lockdep_assert_held(up_lock(up));
	dma_fence_put(up->unmap_fence);
	up->unmap_fence = dma_fence_get(fence);
}

/*
 * I8: at the unplug, @up lets go of the device: its interval notifier, its
 * pages (I1 order), its pins and their pinned_vm (I11), and its binding to
 * the address space.  An exported registration that an importer still
 * maps or pins keeps its pages until it gives them back, as at the mm's
 * release (up_release_work()).  No ioctl can use the object afterwards.
 */
static void up_unplug(struct vsvm_userptr *up)
{
	unsigned long n = 0;
	bool keep = false;

	/* Waits for invalidations in progress; takes no lock of ours. */
	if (up->notifier.mm) {
		mmu_interval_notifier_remove(&up->notifier);
		up->notifier.mm = NULL;
	}
	if (!up->vmm)
		return;
	if (up_longterm(up)) {
		mutex_lock(&up->vmm->lock);
		if (up->dma_buf) {
			/*
			 * Exported: importers give the pages back first (I9),
			 * and the dma-buf's release needs the binding.
			 */
			up->release_pending = !!up->pages;
			keep = true;
		} else {
			list_del_init(&up->pinned_link);
		}
		mutex_unlock(&up->vmm->lock);
		if (keep) {
			/* move_notify now: dynamic importers unmap at once. */
			up_queue_release(up);
			flush_work(&up->release_work);
			return;
		}
	}
	mutex_lock(up_lock(up));
	if (up->pages)
		n = up_npages(up);
	up_drop_pages_locked(up, true);
	mutex_unlock(up_lock(up));
	if (up_longterm(up))
		atomic64_sub(n, &up->mm->pinned_vm);
	vsvm_mm_put(up->vmm);
	up->vmm = NULL;
}

/**
 * vsvm_userptr_unplug() - Let every userptr of a device go, at the unplug
 * @vdev: The device, unplugged and with every VM torn down.
 *
 * I8: notifiers, pages, pins and address-space bindings go at the unplug,
 * not when the objects' handles are closed (see up_unplug()).  Lock order:
 * the mm's own locks (mmap_lock, an invalidation in progress) are never
 * held while this runs, and this holds no lock of the device's while it
 * waits for one of them (see the lock order in docs/internals.rst).
 */
void vsvm_userptr_unplug(struct vsvm_device *vdev)
{
	struct vsvm_userptr *up, *prev = NULL;

	spin_lock(&vdev->objects_lock);
	list_for_each_entry(up, &vdev->userptrs, dev_link) {
		if (!kref_get_unless_zero(&up->base.refcount))
			continue;	/* being freed: its free lets go */
		spin_unlock(&vdev->objects_lock);
		if (prev)
			drm_gem_object_put(&prev->base);
		up_unplug(up);
		prev = up;
		spin_lock(&vdev->objects_lock);
	}
	spin_unlock(&vdev->objects_lock);
	if (prev)
		drm_gem_object_put(&prev->base);
}

static void vsvm_userptr_free(struct drm_gem_object *obj)
{
	struct vsvm_userptr *up = to_vsvm_userptr(obj);
	struct vsvm_device *vdev = up_vdev(up);
	unsigned long n = 0;

	/* Every mapping held a reference: none is left. */
	WARN_ON(!list_empty(&up->vmas));
	if (up->notifier.mm)
		mmu_interval_notifier_remove(&up->notifier);
	if (up->vmm && up_longterm(up)) {
		mutex_lock(&up->vmm->lock);
		list_del(&up->pinned_link);
		mutex_unlock(&up->vmm->lock);
	}
	if (up->vmm) {
		mutex_lock(up_lock(up));
		if (up->pages)
			n = up_npages(up);
		up_drop_pages_locked(up, true);
		mutex_unlock(up_lock(up));
	}
	if (up_longterm(up))
		atomic64_sub(n, &up->mm->pinned_vm);
	if (up->vmm)
		vsvm_mm_put(up->vmm);
	if (up->mm)
		mmdrop(up->mm);
	if (up->counted) {
		atomic64_dec(&vdev->up_stats.userptrs);
		spin_lock(&vdev->objects_lock);
		list_del(&up->dev_link);
		spin_unlock(&vdev->objects_lock);
	}
	drm_gem_object_release(obj);
	dma_fence_put(up->unmap_fence);
	/* Last: the reservation was the VM's, which this keeps. */
	if (up->vm_root)
		drm_gem_object_put(up->vm_root);
	kmem_cache_free(vsvm_userptr_cache, up);
}

static enum drm_gem_object_status vsvm_userptr_status(struct drm_gem_object *obj)
{
	return READ_ONCE(to_vsvm_userptr(obj)->pages) ? DRM_GEM_OBJECT_RESIDENT : 0;
}

static size_t vsvm_userptr_rss(struct drm_gem_object *obj)
{
	return READ_ONCE(to_vsvm_userptr(obj)->pages) ? obj->size : 0;
}

static const struct drm_gem_object_funcs vsvm_userptr_funcs = {
	.free = vsvm_userptr_free,
	.export = vsvm_userptr_export,
	.status = vsvm_userptr_status,
	.rss = vsvm_userptr_rss,
};

/* PROBE: every page mapped, by ordinary memory, writable unless read-only. */
static int up_probe(struct vsvm_userptr *up)
{
	unsigned long addr = up->addr, end = up->addr + up->base.size;
	struct mm_struct *mm = up->mm;
	int ret = 0;

	if (mmap_read_lock_killable(mm))
		return -EINTR;
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr) {
			drm_dbg(up->base.dev, "GEM_USERPTR: PROBE: %#lx is not mapped\n", addr);
			ret = -EFAULT;
			break;
		}
		if ((vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)) ||
		    (vma->vm_file && S_ISCHR(file_inode(vma->vm_file)->i_mode))) {
			drm_dbg(up->base.dev, "GEM_USERPTR: PROBE: %#lx is a device mapping\n",
				addr);
			ret = -EFAULT;
			break;
		}
		if (!up_read_only(up) && !(vma->vm_flags & VM_WRITE)) {
			drm_dbg(up->base.dev, "GEM_USERPTR: PROBE: %#lx is not writable\n",
				addr);
			ret = -EFAULT;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

/* I11: account @n pages in @mm's pinned_vm against RLIMIT_MEMLOCK. */
static int up_account(struct vsvm_userptr *up, unsigned long n)
{
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	u64 pinned = atomic64_add_return(n, &up->mm->pinned_vm);

	if (pinned > limit && !capable(CAP_IPC_LOCK)) {
		atomic64_sub(n, &up->mm->pinned_vm);
		drm_dbg(up->base.dev, "GEM_USERPTR: %lu pinned pages would pass RLIMIT_MEMLOCK (%lu)\n",
			(unsigned long)pinned, limit);
		return -ENOMEM;
	}
	return 0;
}

/**
 * vsvm_userptr_create() - Create a userptr and a handle to it
 * @vdev: The device.
 * @file: The file that gets the handle.
 * @addr: Start of the range in the caller's address space (checked).
 * @size: Its length (checked).
 * @flags: DRM_VSVM_USERPTR_* (checked).
 * @vm: The VM the userptr is private to (checked: an ordinary VM, and
 *      @flags without %DRM_VSVM_USERPTR_PIN_LONGTERM), or NULL.
 * @handle: Out: the new handle.
 *
 * A private userptr takes its VM's reservation before the object is
 * initialised, so that it never has one of its own.
 *
 * Return: 0, or a negative errno as the uapi lists for GEM_USERPTR.
 */
int vsvm_userptr_create(struct vsvm_device *vdev, struct drm_file *file,
			u64 addr, u64 size, u32 flags, struct vsvm_vm *vm, u32 *handle)
{
	struct vsvm_userptr *up;
	struct page **pages;
	struct vsvm_mm *vmm;
	int ret;

	up = kmem_cache_zalloc(vsvm_userptr_cache, GFP_KERNEL);
	if (!up)
		return -ENOMEM;
	if (vm) {
		up->vm_root = drm_gpuvm_resv_obj(&vm->gpuvm);
		drm_gem_object_get(up->vm_root);
		up->base.resv = up->vm_root->resv;
	}
	drm_gem_private_object_init(&vdev->drm, &up->base, size);
	up->base.funcs = &vsvm_userptr_funcs;
	drm_gem_gpuva_init(&up->base);
	up->addr = addr;
	up->flags = flags;
	up->client_id = file->client_id;
	INIT_LIST_HEAD(&up->vmas);
	INIT_LIST_HEAD(&up->pinned_link);
	INIT_WORK(&up->release_work, up_release_work);
	up->mm = current->mm;
	mmgrab(up->mm);
	/* From here on, drm_gem_object_put() undoes what was done. */

	if (flags & DRM_VSVM_USERPTR_PROBE) {
		ret = up_probe(up);
		if (ret)
			goto out_put;
	}

	vmm = vsvm_mm_get(vdev, up->mm);
	if (IS_ERR(vmm)) {
		ret = PTR_ERR(vmm);
		goto out_put;
	}
	up->vmm = vmm;

	if (up_longterm(up)) {
		ret = up_account(up, up_npages(up));
		if (ret)
			goto out_put;
		ret = up_get_pages(up, &pages, &up->sgt);
		up_trace(up, trace_vsvm_userptr_populate, ret);
		if (ret) {
			atomic64_sub(up_npages(up), &up->mm->pinned_vm);
			goto out_put;
		}
		mutex_lock(&vmm->lock);
		if (vmm->dead) {
			/* Cannot happen from the mm's own ioctl; be safe anyway. */
			mutex_unlock(&vmm->lock);
			up_dma_unmap(up, &up->sgt, pages, false);
			up_release_pages(up, pages, false, false, true);
			atomic64_sub(up_npages(up), &up->mm->pinned_vm);
			ret = -EFAULT;
			goto out_put;
		}
		up->pages = pages;
		list_add(&up->pinned_link, &vmm->pinned);
		mutex_unlock(&vmm->lock);
	} else {
		ret = mmu_interval_notifier_insert(&up->notifier, up->mm, addr, size,
						   &vsvm_userptr_notifier_ops);
		if (ret) {
			up->notifier.mm = NULL;
			goto out_put;
		}
	}
	up->counted = true;
	atomic64_inc(&vdev->up_stats.userptrs);
	spin_lock(&vdev->objects_lock);
	list_add_tail(&up->dev_link, &vdev->userptrs);
	spin_unlock(&vdev->objects_lock);

	ret = drm_gem_handle_create(file, &up->base, handle);
out_put:
	/* On success the handle holds the reference; on failure this frees. */
	drm_gem_object_put(&up->base);
	return ret;
}

/**
 * vsvm_userptr_debugfs_show() - Print a device's userptr counters
 * @vdev: The device.
 * @m: Where to print (debugfs ``vsvm_userptr``).
 */
void vsvm_userptr_debugfs_show(struct vsvm_device *vdev, struct seq_file *m)
{
	struct vsvm_userptr_stats *s = &vdev->up_stats;

	seq_printf(m, "userptrs: %lld\n", (long long)atomic64_read(&s->userptrs));
	seq_printf(m, "pinned_pages: %lld\n", (long long)atomic64_read(&s->pinned_pages));
	seq_printf(m, "longterm_pages: %lld\n", (long long)atomic64_read(&s->longterm_pages));
	seq_printf(m, "invalidations: %lld\n", (long long)atomic64_read(&s->invalidations));
	seq_printf(m, "invalidation_waits: %lld\n",
		   (long long)atomic64_read(&s->invalidation_waits));
	seq_printf(m, "revalidations: %lld\n", (long long)atomic64_read(&s->revalidations));
	seq_printf(m, "retries: %lld\n", (long long)atomic64_read(&s->retries));
	seq_printf(m, "would_block: %lld\n", (long long)atomic64_read(&s->would_block));
	seq_printf(m, "exec_checked: %lld\n", (long long)atomic64_read(&s->exec_checked));
}
