// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-resv.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_exec.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_gpuvm.h>

#include "vsvm_bind.h"
#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_mm.h"
#include "vsvm_prime.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"

/**
 * DOC: GPU address spaces
 *
 * A &struct vsvm_vm pairs a drm_gpuvm, which tracks the mappings and the
 * objects they map, with the page table the simulated GPU walks.  Every
 * change to one is made to the other under &vsvm_vm.lock, in this order:
 *
 * - MAP checks with drm_gpuvm that the range is free (-EEXIST otherwise),
 *   writes the page-table entries from the object's sg table, then inserts
 *   the &struct vsvm_vma and links it to the object's &drm_gpuvm_bo, which
 *   holds a reference to the object for as long as it is mapped.
 * - UNMAP checks that mappings cover the range with no hole (-ENOENT
 *   otherwise), splits the 2 MiB leaves the range covers in part (the only
 *   step that can fail, so it comes first: a failed UNMAP changes nothing
 *   the GPU, an MMU notifier or move_notify can see), clears the
 *   page-table entries, takes out the table pages left empty that no other
 *   mapping counts on, flushes the TLB, frees those table pages, and only
 *   then lets drm_gpuvm_sm_unmap() remove the mappings, splitting those the
 *   range covers in part (the &drm_gpuvm_ops.sm_step_remap step).
 *
 * So the page table never maps anything drm_gpuvm does not track, and an
 * object is never released while the GPU can still reach it.
 *
 * What one file can hold is bounded: %DRM_VSVM_MAX_VMS VMs, each with at
 * most %DRM_VSVM_MAX_MAPPINGS mappings (&vsvm_vm.nr_vmas), past which
 * VM_CREATE, and a MAP or an UNMAP that would cut a mapping in two, fail
 * with -ENOSPC.  The memory behind them (VMs, mappings, page-table pages) is
 * charged to the caller's memory cgroup.  Table pages follow the mappings:
 * a synchronous UNMAP frees those it leaves empty, and those of an
 * asynchronous UNMAP's range are freed by the next synchronous VM_BIND,
 * once no bind job is queued (vm_prune_pending()).
 *
 * Removing a mapping can drop the last reference to its object, and freeing
 * a shmem object takes its reservation.  That must not happen while other
 * reservations are held (drm_exec_fini() unlocks and puts objects one by
 * one), so removed mappings are kept on a list with a reference to their
 * object and released by vsvm_vm_free_dead() after drm_exec_fini().
 *
 * An object's pages are got and DMA-mapped at its first MAP
 * (vsvm_bo_map_locked()) and stay until the object is freed or the
 * shrinker evicts it; eviction clears the entries of its mappings, which
 * are on the object's list (&vsvm_vma.up_link, under the reservation),
 * and the next EXEC gets the pages back and rewrites them.
 *
 * Userptr mappings differ in one way: their page-table entries may be
 * cleared at any time by the object's MMU notifier, which cannot take
 * &vsvm_vm.lock nor allocate.  So MAP of a userptr preallocates the page
 * tables of its range, each userptr mapping is on its object's list
 * (&vsvm_vma.up_link) with a flag saying whether its entries are written
 * (&vsvm_vma.ptes_valid), and both change only under the notifier lock of
 * the object's address space (&vsvm_mm.notifier_lock).  EXEC checks and
 * writes the entries of only the userptr mappings on the VM's list
 * (&vsvm_vm.up_invalidated): MAP and the cuts of an UNMAP put mappings on
 * it, and so does an invalidation for every mapping of the pages it drops,
 * at I1 step 1 under the notifier lock, so that EXEC's cost does not grow
 * with the number of userptrs a VM maps (vsvm_vm_userptr_prepare(),
 * vsvm_vm_userptr_commit_locked()).  UNMAP and teardown take
 * a userptr mapping off its object's list, clearing its entries, before
 * removing it; the pieces a partial UNMAP leaves join the list with no
 * entries, and the next EXEC writes them.
 *
 * An asynchronous VM_BIND (see vsvm_bind.c) changes drm_gpuvm in the ioctl
 * as above, but leaves the page-table work to a bind job: the mappings an
 * UNMAP removes keep their entries until the job clears them, and the
 * pieces of a mapping it cuts keep theirs, staying on the object's list so
 * that invalidations and eviction still find them.
 */

static void vsvm_vm_free(struct drm_gpuvm *gpuvm)
{
	struct vsvm_vm *vm = container_of(gpuvm, struct vsvm_vm, gpuvm);

	dma_fence_put(vm->last_bind);
	dma_fence_put(vm->last_unmap);
	/* Readers holding a VM reference may use the SVM state until now. */
	vsvm_svm_free(vm);
	vsvm_tlb_fini(&vm->tlb);
	vsvm_pt_fini(&vm->pt);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/**
 * struct vsvm_unmap_ctx - State of one UNMAP's drm_gpuvm_sm_unmap() walk
 */
struct vsvm_unmap_ctx {
	/** @spare: Preallocated mappings for what remaps leave of a mapping. */
	struct vsvm_vma *spare[2];
	/** @dead: Removed mappings, see vm_retire(). */
	struct list_head dead;
	/** @fence: An asynchronous UNMAP's job's fence, or NULL. */
	struct dma_fence *fence;
};

static struct vsvm_vma *to_vsvm_vma(struct drm_gpuva *va)
{
	return container_of(va, struct vsvm_vma, base);
}

/* The list of an object's mappings (&vsvm_vma.up_link). */
static struct list_head *vma_list(struct drm_gem_object *obj)
{
	if (vsvm_gem_is_userptr(obj))
		return &to_vsvm_userptr(obj)->vmas;
	if (vsvm_gem_is_import(obj))
		return &to_vsvm_import(obj)->vmas;
	return &to_vsvm_bo(obj)->vmas;
}

/*
 * The lock of that list besides the reservation: for a userptr, the
 * notifier lock of its address space.
 */
static struct mutex *vma_list_lock(struct drm_gem_object *obj)
{
	return vsvm_gem_is_userptr(obj) ? &to_vsvm_userptr(obj)->vmm->notifier_lock : NULL;
}

/*
 * Counts @n mappings of @obj, read-only or not, in or out of @vm's
 * mappings of VM-private objects (&vsvm_vm.nr_priv_vmas); nothing for
 * other objects.  @vm's lock held.
 */
static void vm_priv_account(struct vsvm_vm *vm, struct drm_gem_object *obj, bool read_only,
			    int n)
{
	if (!vsvm_gem_vm_root(obj))
		return;
	vm->nr_priv_vmas += n;
	if (!read_only)
		vm->nr_priv_writable += n;
}

/*
 * Unlinks a removed mapping and queues it on @dead, keeping its object
 * alive until vsvm_vm_free_dead() runs with no reservation held.  @fence:
 * that of the asynchronous UNMAP job that clears its entries, or NULL if
 * they are cleared already.
 */
static void vm_retire(struct drm_gpuva *va, struct list_head *dead, struct dma_fence *fence)
{
	struct vsvm_vm *vm = container_of(va->vm, struct vsvm_vm, gpuvm);
	struct mutex *lock = vma_list_lock(va->gem.obj);
	struct vsvm_vma *vma = to_vsvm_vma(va);

	vm->nr_vmas--;
	vsvm_vm_up_account(vm, va->gem.obj, -1);
	vm_priv_account(vm, va->gem.obj, vma->read_only, -1);
	drm_gem_object_get(va->gem.obj);
	/* Off its object's list, and its VM's, if still on them. */
	if (lock)
		mutex_lock(lock);
	list_del_init(&vma->up_link);
	/* I1: a private userptr's invalidation waits for that job. */
	if (fence && vsvm_gem_vm_root(va->gem.obj))
		vsvm_userptr_unmap_fence_locked(to_vsvm_userptr(va->gem.obj), fence);
	if (lock) {
		spin_lock(&vm->up_inval_lock);
		list_del_init(&vma->inval_link);
		spin_unlock(&vm->up_inval_lock);
		mutex_unlock(lock);
	}
	drm_gpuva_unlink(va);
	list_add(&vma->dead, dead);
}

/**
 * vsvm_vm_free_dead() - Free removed mappings
 * @dead: A list of mappings (&vsvm_vma.dead) that drm_gpuvm no longer
 *        tracks and whose page-table entries are cleared.
 *
 * Drops the object reference each holds.  No reservation may be held: the
 * last reference to a shmem object takes its reservation.
 */
void vsvm_vm_free_dead(struct list_head *dead)
{
	struct vsvm_vma *vma, *next;

	list_for_each_entry_safe(vma, next, dead, dead) {
		drm_gem_object_put(vma->base.gem.obj);
		kfree(vma);
	}
}

static struct vsvm_vma *take_spare(struct vsvm_unmap_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ctx->spare); i++) {
		struct vsvm_vma *vma = ctx->spare[i];

		if (vma) {
			ctx->spare[i] = NULL;
			return vma;
		}
	}
	return NULL;
}

/* VM_BIND maps only free ranges, so drm_gpuvm never asks for a map step. */
static int vsvm_sm_step_map(struct drm_gpuva_op *op, void *priv)
{
	return -EINVAL;
}

static int vsvm_sm_step_remap(struct drm_gpuva_op *op, void *priv)
{
	struct drm_gpuva *old = op->remap.unmap->va;
	struct vsvm_vm *vm = container_of(old->vm, struct vsvm_vm, gpuvm);
	struct vsvm_unmap_ctx *ctx = priv;
	struct vsvm_vma *prev = NULL, *next = NULL;
	bool read_only = to_vsvm_vma(old)->read_only;
	struct mutex *lock = vma_list_lock(old->gem.obj);
	struct list_head *list = vma_list(old->gem.obj);
	bool valid;

	/*
	 * An UNMAP range can cut at most two mappings, each on one side, or one
	 * mapping on both: two spares always suffice.
	 */
	if (op->remap.prev) {
		prev = take_spare(ctx);
		if (WARN_ON(!prev))
			return -EINVAL;
		prev->read_only = read_only;
	}
	if (op->remap.next) {
		next = take_spare(ctx);
		if (WARN_ON(!next))
			return -EINVAL;
		next->read_only = read_only;
	}

	drm_gpuva_remap(prev ? &prev->base : NULL, next ? &next->base : NULL, &op->remap);
	vm->nr_vmas += !!prev + !!next;
	vsvm_vm_up_account(vm, old->gem.obj, !!prev + !!next);
	vm_priv_account(vm, old->gem.obj, read_only, !!prev + !!next);

	/*
	 * The pieces take @old's place on its object's list, in one step under
	 * the list's locks (the reservation, which drm_exec holds, and the
	 * notifier lock for a userptr), and keep the entries UNMAP left them:
	 * a buffer object's, unless evicted; none for a userptr or import
	 * after a synchronous UNMAP, which cleared them (vm_detach_userptrs());
	 * all of them after an asynchronous one, whose job clears only the
	 * range, so that an invalidation still finds them.
	 */
	if (lock)
		mutex_lock(lock);
	valid = to_vsvm_vma(old)->ptes_valid;
	list_del_init(&to_vsvm_vma(old)->up_link);
	if (prev) {
		prev->ptes_valid = valid;
		list_add(&prev->up_link, list);
		/* A userptr's pieces: the next EXEC checks and uses them. */
		if (lock)
			vsvm_vm_up_invalidated(vm, prev);
	}
	if (next) {
		next->ptes_valid = valid;
		list_add(&next->up_link, list);
		if (lock)
			vsvm_vm_up_invalidated(vm, next);
	}
	if (lock)
		mutex_unlock(lock);
	/* Link the pieces before unlinking @old can drop the last vm_bo ref. */
	if (prev)
		drm_gpuva_link(&prev->base, old->vm_bo);
	if (next)
		drm_gpuva_link(&next->base, old->vm_bo);
	vm_retire(old, &ctx->dead, ctx->fence);
	return 0;
}

static int vsvm_sm_step_unmap(struct drm_gpuva_op *op, void *priv)
{
	struct vsvm_unmap_ctx *ctx = priv;
	struct drm_gpuva *va = op->unmap.va;

	drm_gpuva_unmap(&op->unmap);
	vm_retire(va, &ctx->dead, ctx->fence);
	return 0;
}

static const struct drm_gpuvm_ops vsvm_gpuvm_ops = {
	.vm_free = vsvm_vm_free,
	.sm_step_map = vsvm_sm_step_map,
	.sm_step_remap = vsvm_sm_step_remap,
	.sm_step_unmap = vsvm_sm_step_unmap,
};

/**
 * vsvm_file_init() - Initialise a file's vsvm state
 * @vfile: The state.
 *
 * Return: 0.
 */
int vsvm_file_init(struct vsvm_file *vfile)
{
	xa_init_flags(&vfile->vms, XA_FLAGS_ALLOC1);
	return 0;
}

static void vsvm_vm_teardown(struct vsvm_vm *vm);

/**
 * vsvm_file_fini() - Destroy a file's VMs
 * @vfile: The state of a file being closed.
 */
void vsvm_file_fini(struct vsvm_file *vfile)
{
	struct vsvm_vm *vm;
	unsigned long id;

	xa_for_each(&vfile->vms, id, vm) {
		xa_erase(&vfile->vms, id);
		vsvm_vm_teardown(vm);
		drm_gpuvm_put(&vm->gpuvm);
	}
	xa_destroy(&vfile->vms);
}

/**
 * vsvm_vm_create() - Create a VM in a file
 * @vdev: The device.
 * @vfile: The file's state.
 * @client_id: The file's DRM client id, for fault records.
 * @svm: Whether the VM mirrors the caller's address space (see vsvm_svm.c).
 * @id: Out: the new VM's id.
 *
 * Return: 0 on success; -ENOSPC if the file has %DRM_VSVM_MAX_VMS VMs
 * already; -ENOMEM on failure; -EINTR if the caller's mm is going away.
 */
int vsvm_vm_create(struct vsvm_device *vdev, struct vsvm_file *vfile,
		   u64 client_id, bool svm, u32 *id)
{
	struct drm_gem_object *r_obj;
	struct vsvm_vm *vm;
	int ret;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	mutex_init(&vm->lock);
	spin_lock_init(&vm->up_inval_lock);
	INIT_LIST_HEAD(&vm->up_invalidated);
	vm->vdev = vdev;
	vm->client_id = client_id;

	ret = vsvm_pt_init(&vm->pt);
	if (ret)
		goto err_free;
	vm->pt.chk = &vdev->dmachk;
	ret = vsvm_tlb_init(&vm->tlb);
	if (ret)
		goto err_pt;
	vm->tlb.trace_dev = vdev->index;
	vm->tlb.trace_client = client_id;
	r_obj = drm_gpuvm_resv_object_alloc(&vdev->drm);
	if (!r_obj) {
		ret = -ENOMEM;
		goto err_tlb;
	}

	/*
	 * The VM's reservation protects drm_gpuvm's lists (the external
	 * objects'): every mapping comes and goes with it held (MAP, UNMAP,
	 * teardown lock it first, vsvm_vm_lock_range()), and EXEC walks the
	 * list with it held, without a spinlock and a reference per object.
	 */
	drm_gpuvm_init(&vm->gpuvm, "vsvm", DRM_GPUVM_RESV_PROTECTED, &vdev->drm, r_obj, 0,
		       BIT_ULL(VSVM_VA_BITS), 0, 0, &vsvm_gpuvm_ops);
	/* The gpuvm holds its own reference to the resv object. */
	drm_gem_object_put(r_obj);

	/* From here on, drm_gpuvm_put() frees everything (vsvm_vm_free()). */
	if (svm) {
		ret = vsvm_svm_init(vm);
		if (ret) {
			drm_gpuvm_put(&vm->gpuvm);
			return ret;
		}
	}
	/*
	 * Never 0: the uapi says a VM id is not zero (see vm_id_check()).  Ids
	 * are reused lowest first: the id limit bounds the file's VMs.
	 */
	ret = xa_alloc(&vfile->vms, &vm->id, vm, XA_LIMIT(1, vdev->config.max_vms), GFP_KERNEL);
	if (ret) {
		if (ret == -EBUSY) {
			drm_dbg(&vdev->drm, "VM_CREATE: the file has %u VMs already\n",
				vdev->config.max_vms);
			ret = -ENOSPC;
		}
		vsvm_svm_fini(vm);
		drm_gpuvm_put(&vm->gpuvm);
		return ret;
	}
	*id = vm->id;
	return 0;

err_tlb:
	vsvm_tlb_fini(&vm->tlb);
err_pt:
	vsvm_pt_fini(&vm->pt);
err_free:
	mutex_destroy(&vm->lock);
	kfree(vm);
	return ret;
}

/**
 * vsvm_vm_lookup() - Find a file's VM by id
 * @vfile: The file's state.
 * @id: The VM's id.
 *
 * Return: The VM with a reference (drop it with vsvm_vm_put()), or NULL.
 */
struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vfile, u32 id)
{
	struct vsvm_vm *vm;

	xa_lock(&vfile->vms);
	vm = xa_load(&vfile->vms, id);
	if (vm)
		drm_gpuvm_get(&vm->gpuvm);
	xa_unlock(&vfile->vms);
	return vm;
}

/**
 * vsvm_vm_put() - Drop a reference to a VM
 * @vm: The VM.
 */
void vsvm_vm_put(struct vsvm_vm *vm)
{
	drm_gpuvm_put(&vm->gpuvm);
}

/*
 * Waits until no job of @vm runs or waits to run: every job adds its fence
 * to the VM's reservation (DMA_RESV_USAGE_BOOKKEEP), except an SVM VM's,
 * which are counted in &vsvm_vm.lr_jobs instead (see vsvm_vm_teardown()).
 */
static long vm_wait_idle(struct vsvm_vm *vm, bool intr)
{
	return dma_resv_wait_timeout(drm_gpuvm_resv(&vm->gpuvm), DMA_RESV_USAGE_BOOKKEEP,
				     intr, MAX_SCHEDULE_TIMEOUT);
}

/**
 * vsvm_vm_pt_map_sgt() - Write the entries mapping part of an sg table
 * @vm: The VM.
 * @sgt: The DMA-mapped table.
 * @offset: Offset in @sgt of the first byte to map.
 * @addr: GPU address of the first entry.
 * @range: Length to map.
 * @flags: %VSVM_PT_WRITE; %VSVM_PT_NOALLOC for a range whose entries the
 *         caller owns and whose tables were preallocated (see
 *         vsvm_pt_map_owned()): then &vsvm_pt.lock is not taken, and
 *         nothing is allocated, so that it can run under the notifier lock.
 *
 * On failure nothing of the range stays mapped.
 *
 * Return: 0; -EINVAL if @sgt is shorter than @offset + @range; or the
 * error of vsvm_pt_map_locked() or vsvm_pt_map_owned().
 */
int vsvm_vm_pt_map_sgt(struct vsvm_vm *vm, struct sg_table *sgt, u64 offset,
		       u64 addr, u64 range, u32 flags)
{
	bool owned = flags & VSVM_PT_NOALLOC;
	struct scatterlist *sg;
	u64 mapped = 0;
	unsigned int i;
	int ret = -EINVAL;

	if (!owned)
		mutex_lock(&vm->pt.lock);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		u64 len = sg_dma_len(sg), dma = sg_dma_address(sg);

		if (offset >= len) {
			offset -= len;
			continue;
		}
		dma += offset;
		len = min(len - offset, range - mapped);
		offset = 0;
		ret = owned ? vsvm_pt_map_owned(&vm->pt, addr + mapped, dma, len, flags) :
			      vsvm_pt_map_locked(&vm->pt, addr + mapped, dma, len, flags);
		if (ret)
			break;
		mapped += len;
		if (mapped == range)
			break;
	}
	if (!ret && mapped < range)
		ret = -EINVAL;
	/* Whole leaves only were written: clearing them never splits. */
	if (ret && mapped)
		vsvm_pt_zap(&vm->pt, addr, mapped);
	if (!owned)
		mutex_unlock(&vm->pt.lock);
	return ret;
}

/*
 * MAP of a userptr, @vma inserted: puts it on the object's list and writes
 * its entries if the pages are still there (else the next EXEC does).
 */
static void vm_map_userptr(struct vsvm_vm *vm, struct vsvm_vma *vma)
{
	struct vsvm_userptr *up = to_vsvm_userptr(vma->base.gem.obj);

	/*
	 * Jobs of @vm queued before this MAP may reach these entries: an
	 * invalidation waits for the VM's fences too (I1, see vsvm_userptr.c),
	 * and the pages count as used (and written) by them.
	 */
	mutex_lock(&up->vmm->notifier_lock);
	list_add(&vma->up_link, &up->vmas);
	/* The next EXEC marks the pages used by its job (and checks them). */
	vsvm_vm_up_invalidated(vm, vma);
	if (!vsvm_userptr_vma_bind_locked(up, vm, vma) &&
	    !dma_resv_test_signaled(drm_gpuvm_resv(&vm->gpuvm), DMA_RESV_USAGE_BOOKKEEP))
		vsvm_userptr_vma_used_locked(up, vma);
	mutex_unlock(&up->vmm->notifier_lock);
}

/* Room for a bind job's fence in every reservation @exec holds. */
static int vm_reserve_fences(struct drm_exec *exec)
{
	struct drm_gem_object *obj;
	int ret;

	drm_exec_for_each_locked_object(exec, obj) {
		ret = dma_resv_reserve_fences(obj->resv, 1);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Arms a bind job and puts its fence in every reservation @exec holds, where
 * room was reserved: from here until the job is pushed, nothing may
 * allocate (see the DOC in vsvm_bind.c).
 */
static void vm_bind_job_arm(struct vsvm_bind_job *job, struct drm_exec *exec)
{
	struct drm_gem_object *obj;

	drm_sched_job_arm(&job->base);
	drm_exec_for_each_locked_object(exec, obj)
		dma_resv_add_fence(obj->resv, &job->base.s_fence->finished,
				   DMA_RESV_USAGE_BOOKKEEP);
}

/**
 * struct vm_prune_ctx - What vm_table_busy() checks a table's span against
 */
struct vm_prune_ctx {
	/** @vm: The VM. */
	struct vsvm_vm *vm;
	/** @addr: Start of a range whose mappings are being removed. */
	u64 addr;
	/** @range: Its length; 0 if none is. */
	u64 range;
};

/*
 * The VM's &vsvm_pt_busy_fn: a table stays while a mapping reaches its
 * span, other than those of the range being removed.  Such a mapping may
 * be a userptr's or an import's, whose preallocated tables are written and
 * cleared later without allocating, under the notifier lock or the
 * reservation (I2): it must never find a table gone.
 */
static bool vm_table_busy(u64 start, u64 len, void *priv)
{
	struct vm_prune_ctx *p = priv;
	struct drm_gpuvm *gpuvm = &p->vm->gpuvm;
	u64 end = start + len, gone_end = p->addr + p->range;

	if (!p->range)
		return !drm_gpuvm_interval_empty(gpuvm, start, len);
	if (start < p->addr &&
	    !drm_gpuvm_interval_empty(gpuvm, start, min(end, p->addr) - start))
		return true;
	if (end > gone_end &&
	    !drm_gpuvm_interval_empty(gpuvm, max(start, gone_end), end - max(start, gone_end)))
		return true;
	return false;
}

/*
 * Frees the empty tables of [@addr, +@range) that no mapping reaches; the
 * VM's lock held and its bind jobs all run (so no job writes the table
 * without &vsvm_pt.lock), while the engine may be running.
 */
static void vm_prune_range(struct vsvm_vm *vm, u64 addr, u64 range)
{
	struct vm_prune_ctx prune = { .vm = vm };
	LIST_HEAD(tables);

	lockdep_assert_held(&vm->lock);
	if (WARN_ON(vm->last_bind))
		return;
	mutex_lock(&vm->pt.lock);
	vsvm_pt_prune_locked(&vm->pt, addr, range, vm_table_busy, &prune, &tables);
	mutex_unlock(&vm->pt.lock);
	if (list_empty(&tables))
		return;
	/* I10: a walk that began before the tables went out is over after this. */
	vsvm_tlb_flush_range(&vm->tlb, addr, range);
	vsvm_pt_free_tables(&tables);
}

/* The tables that asynchronous UNMAPs left empty: see vm_prune_range(). */
static void vm_prune_pending(struct vsvm_vm *vm)
{
	u64 start = vm->prune_start, len = vm->prune_end - vm->prune_start;

	if (!len)
		return;
	vm->prune_start = 0;
	vm->prune_end = 0;
	vm_prune_range(vm, start, len);
}

/*
 * MAP; with @jobp, an asynchronous one, whose job *@jobp is pushed (and
 * *@jobp cleared) once the mapping is in, and left to the caller on failure.
 */
static int vm_map_locked(struct vsvm_vm *vm, struct vsvm_bind_op *op,
			 struct vsvm_bind_job **jobp)
{
	struct vsvm_bind_job *job = jobp ? *jobp : NULL;
	struct drm_device *drm = &vm->vdev->drm;
	bool userptr = vsvm_gem_is_userptr(op->obj);
	bool import = vsvm_gem_is_import(op->obj);
	struct drm_gpuvm_bo *vm_bo;
	struct sg_table *sgt = NULL;
	struct vsvm_vma *vma;
	struct drm_exec exec;
	int ret;

	if (userptr) {
		struct vsvm_userptr *up = to_vsvm_userptr(op->obj);

		/* I7, then the pages (I3), before any reservation is held. */
		ret = vsvm_userptr_check_mm(up);
		if (ret)
			return ret;
		ret = vsvm_userptr_populate(up);
		if (ret)
			return ret;
		if (up->flags & DRM_VSVM_USERPTR_READ_ONLY)
			op->read_only = true;
	}

	if (vm->nr_vmas >= vm->vdev->config.max_mappings) {
		drm_dbg(drm, "VM_BIND: VM %u has %u mappings already\n", vm->id,
			vm->vdev->config.max_mappings);
		return -ENOSPC;
	}
	vma = kzalloc(sizeof(*vma), GFP_KERNEL_ACCOUNT);
	if (!vma)
		return -ENOMEM;
	INIT_LIST_HEAD(&vma->up_link);
	INIT_LIST_HEAD(&vma->inval_link);

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT | DRM_EXEC_IGNORE_DUPLICATES, 0);
	ret = vsvm_vm_lock_range(vm, &exec, op->obj, 0, 0);
	if (ret)
		goto out;

	if (!drm_gpuvm_interval_empty(&vm->gpuvm, op->addr, op->range)) {
		drm_dbg(drm, "VM_BIND: [%#llx, +%#llx) overlaps a mapping\n",
			op->addr, op->range);
		ret = -EEXIST;
		goto out;
	}

	if (!userptr && !import) {
		/* Gets the pages (back) and DMA-maps them for the device. */
		ret = vsvm_bo_map_locked(to_vsvm_bo(op->obj));
		if (ret)
			goto out;
		sgt = to_vsvm_bo(op->obj)->sgt;
	}
	if (job) {
		ret = vm_reserve_fences(&exec);
		if (ret)
			goto out;
	}

	vm_bo = drm_gpuvm_bo_obtain(&vm->gpuvm, op->obj);
	if (IS_ERR(vm_bo)) {
		ret = PTR_ERR(vm_bo);
		goto out;
	}
	/*
	 * An object with a reservation of its own goes on drm_gpuvm's list of
	 * external objects, which EXEC locks; a VM-private one does not: the
	 * VM's reservation is its (see vsvm_vm_lock_objects()).  It leaves
	 * the list with its last mapping (drm_gpuvm_bo_put()).
	 */
	drm_gpuvm_bo_extobj_add(vm_bo);

	if (userptr || import || job) {
		/* Entries are written and cleared later without allocating. */
		mutex_lock(&vm->pt.lock);
		ret = vsvm_pt_prealloc_locked(&vm->pt, op->addr, op->range);
		mutex_unlock(&vm->pt.lock);
	} else {
		ret = vsvm_vm_pt_map_sgt(vm, sgt, op->offset, op->addr, op->range,
					 op->read_only ? 0 : VSVM_PT_WRITE);
	}
	if (ret) {
		drm_gpuvm_bo_put(vm_bo);
		/* Synchronous: no bind job is queued, the tables made can go. */
		if (!job)
			vm_prune_range(vm, op->addr, op->range);
		goto out;
	}

	vma->read_only = op->read_only;
	drm_gpuva_init(&vma->base, op->addr, op->range, op->obj, op->offset);
	ret = drm_gpuva_insert(&vm->gpuvm, &vma->base);
	/* The range was checked free, and valid, above. */
	if (WARN_ON(ret)) {
		if (sgt && !job) {
			mutex_lock(&vm->pt.lock);
			vsvm_pt_unmap_locked(&vm->pt, op->addr, op->range);
			mutex_unlock(&vm->pt.lock);
			vsvm_tlb_flush_range(&vm->tlb, op->addr, op->range);
		}
		drm_gpuvm_bo_put(vm_bo);
		goto out;
	}
	drm_gpuva_link(&vma->base, vm_bo);
	drm_gpuvm_bo_put(vm_bo);
	vm->nr_vmas++;
	vsvm_vm_up_account(vm, op->obj, 1);
	vm_priv_account(vm, op->obj, vma->read_only, 1);
	if (job) {
		job->addr = op->addr;
		job->range = op->range;
		if (sgt) {
			/* The job writes the entries: see vsvm_bind.c. */
			job->sgt = sgt;
			job->offset = op->offset;
			job->pt_flags = op->read_only ? 0 : VSVM_PT_WRITE;
			job->obj = op->obj;
			drm_gem_object_get(job->obj);
			vma->ptes_valid = true;
			list_add(&vma->up_link, &to_vsvm_bo(op->obj)->vmas);
		} else {
			/* Userptr, import: the next EXEC writes the entries. */
			struct mutex *lock = vma_list_lock(op->obj);

			if (lock)
				mutex_lock(lock);
			list_add(&vma->up_link, vma_list(op->obj));
			if (lock) {
				vsvm_vm_up_invalidated(vm, vma);
				mutex_unlock(lock);
			}
		}
		vm_bind_job_arm(job, &exec);
		vsvm_bind_job_push(job);
		*jobp = NULL;
	} else if (userptr) {
		vm_map_userptr(vm, vma);
	} else if (sgt) {
		/* The entries are written; eviction clears them (vsvm_gem.c). */
		vma->ptes_valid = true;
		list_add(&vma->up_link, &to_vsvm_bo(op->obj)->vmas);
	} else if (import) {
		/* Maps the attachment; on failure the next EXEC tries again. */
		list_add(&vma->up_link, &to_vsvm_import(op->obj)->vmas);
		vsvm_import_vma_bind_locked(to_vsvm_import(op->obj), vm, vma);
	}
	vma = NULL;
out:
	drm_exec_fini(&exec);
	kfree(vma);
	return ret;
}

/*
 * Takes the userptr and import mappings in [@addr, +@range) off their
 * objects' lists; the objects' reservations held.
 */
static void vm_detach_userptrs(struct vsvm_vm *vm, u64 addr, u64 range)
{
	struct drm_gpuva *va;

	drm_gpuvm_for_each_va_range(va, &vm->gpuvm, addr, addr + range) {
		if (vsvm_gem_is_userptr(va->gem.obj)) {
			/* Each userptr under its own address space's lock. */
			mutex_lock(vma_list_lock(va->gem.obj));
			vsvm_userptr_vma_detach_locked(container_of(va, struct vsvm_vma, base));
			mutex_unlock(vma_list_lock(va->gem.obj));
		} else if (vsvm_gem_is_import(va->gem.obj)) {
			vsvm_import_vma_detach_locked(container_of(va, struct vsvm_vma, base));
		}
	}
}

/* Whether mappings cover [@addr, @addr + @range) with no hole. */
static bool vm_range_covered(struct vsvm_vm *vm, u64 addr, u64 range)
{
	u64 next = addr, end = addr + range;
	struct drm_gpuva *va;

	drm_gpuvm_for_each_va_range(va, &vm->gpuvm, addr, end) {
		if (va->va.addr > next)
			return false;
		next = va->va.addr + va->va.range;
	}
	return next >= end;
}

/*
 * UNMAP; with @jobp, an asynchronous one, as vm_map_locked(): the job
 * waits for the VM's jobs and clears the entries, and the mappings are
 * freed after it.
 */
static int vm_unmap_locked(struct vsvm_vm *vm, struct vsvm_bind_op *op,
			   struct vsvm_bind_job **jobp)
{
	struct vsvm_bind_job *job = jobp ? *jobp : NULL;
	struct drm_device *drm = &vm->vdev->drm;
	struct vsvm_unmap_ctx ctx = { .dead = LIST_HEAD_INIT(ctx.dead) };
	struct drm_gpuva *va;
	struct drm_exec exec;
	unsigned int i;
	long wait;
	int ret;

	if (!vm_range_covered(vm, op->addr, op->range)) {
		drm_dbg(drm, "VM_BIND: UNMAP [%#llx, +%#llx) has a hole\n",
			op->addr, op->range);
		return -ENOENT;
	}
	/* Cutting a mapping in two leaves one mapping more. */
	va = drm_gpuva_find_first(&vm->gpuvm, op->addr, op->range);
	if (va && va->va.addr < op->addr && va->va.addr + va->va.range > op->addr + op->range &&
	    vm->nr_vmas >= vm->vdev->config.max_mappings) {
		drm_dbg(drm, "VM_BIND: UNMAP [%#llx, +%#llx) cuts a mapping in two, and VM %u has %u mappings already\n",
			op->addr, op->range, vm->id, vm->vdev->config.max_mappings);
		return -ENOSPC;
	}

	/*
	 * Jobs queued or running may use the range: wait for them (all of the
	 * VM's, which is simple and, with jobs bounded by the timeout, finite).
	 * Before locking the objects: a job may be waiting for the CPU to
	 * write one of them, and a CPU fault on a shmem object takes its
	 * reservation.  @vm->lock keeps new jobs out meanwhile.  An
	 * asynchronous UNMAP's job waits for them instead.
	 */
	if (!job) {
		wait = vm_wait_idle(vm, true);
		if (wait < 0)
			return wait;
	}

	for (i = 0; i < ARRAY_SIZE(ctx.spare); i++) {
		ctx.spare[i] = kzalloc(sizeof(*ctx.spare[i]), GFP_KERNEL_ACCOUNT);
		if (!ctx.spare[i]) {
			ret = -ENOMEM;
			goto out_free;
		}
		INIT_LIST_HEAD(&ctx.spare[i]->up_link);
		INIT_LIST_HEAD(&ctx.spare[i]->inval_link);
	}

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT | DRM_EXEC_IGNORE_DUPLICATES, 0);
	ret = vsvm_vm_lock_range(vm, &exec, NULL, op->addr, op->range);
	if (ret)
		goto out;

	if (job) {
		ret = vm_reserve_fences(&exec);
		if (ret)
			goto out;
		ret = drm_sched_job_add_resv_dependencies(&job->base, drm_gpuvm_resv(&vm->gpuvm),
							  DMA_RESV_USAGE_BOOKKEEP);
		if (ret)
			goto out;
		/* The job clears the range without allocating: no 2 MiB leaf may straddle it. */
		mutex_lock(&vm->pt.lock);
		ret = vsvm_pt_split_locked(&vm->pt, op->addr, op->range);
		mutex_unlock(&vm->pt.lock);
		if (ret)
			goto out;
		/* Its empty tables go at the next synchronous VM_BIND. */
		if (vm->prune_end == vm->prune_start) {
			vm->prune_start = op->addr;
			vm->prune_end = op->addr + op->range;
		} else {
			vm->prune_start = min(vm->prune_start, op->addr);
			vm->prune_end = max(vm->prune_end, op->addr + op->range);
		}
		job->unmap = true;
		job->addr = op->addr;
		job->range = op->range;
		/*
		 * The job's fence is in the objects' reservations before their
		 * mappings leave the objects' lists: an invalidation that no
		 * longer finds a mapping waits for the job that clears it.
		 */
		vm_bind_job_arm(job, &exec);
		ctx.fence = &job->base.s_fence->finished;
	} else {
		struct vm_prune_ctx prune = { .vm = vm, .addr = op->addr, .range = op->range };
		LIST_HEAD(tables);

		/*
		 * The one step that can fail first, while nothing has changed:
		 * a userptr or import mapping that stays in drm_gpuvm must stay
		 * on its object's list too, where the MMU notifier (I1) and
		 * move_notify (I9) find it, or the next EXEC would map it where
		 * neither can take it back.
		 */
		mutex_lock(&vm->pt.lock);
		ret = vsvm_pt_split_ends_locked(&vm->pt, op->addr, op->range);
		mutex_unlock(&vm->pt.lock);
		if (ret)
			goto out;
		/* The GPU loses the range first; only then do the mappings go. */
		vm_detach_userptrs(vm, op->addr, op->range);
		mutex_lock(&vm->pt.lock);
		/* Split above: clearing the range allocates nothing. */
		WARN_ON(vsvm_pt_unmap_locked(&vm->pt, op->addr, op->range));
		vsvm_pt_prune_locked(&vm->pt, op->addr, op->range, vm_table_busy, &prune,
				     &tables);
		mutex_unlock(&vm->pt.lock);
		/* I10: waits for the engine's walks, which may still see @tables. */
		vsvm_tlb_flush_range(&vm->tlb, op->addr, op->range);
		vsvm_pt_free_tables(&tables);
	}

	ret = drm_gpuvm_sm_unmap(&vm->gpuvm, &ctx, op->addr, op->range);
	if (job) {
		/* Armed: it must run, whatever sm_unmap did. */
		list_splice_init(&ctx.dead, &job->dead);
		vsvm_bind_job_push(job);
		*jobp = NULL;
	}
out:
	drm_exec_fini(&exec);
	vsvm_vm_free_dead(&ctx.dead);
out_free:
	for (i = 0; i < ARRAY_SIZE(ctx.spare); i++)
		kfree(ctx.spare[i]);
	return ret;
}

/**
 * vsvm_vm_bind() - Run checked bind operations on a VM
 * @vm: The VM.
 * @ops: The operations, checked by the ioctl layer.
 * @count: Number of @ops.
 * @done: Out: how many operations were done.
 *
 * First waits for the VM's queued asynchronous binds, which write the page
 * table without its lock, and frees the table pages their UNMAPs left empty.
 *
 * Return: 0 when all were done; else the error of the one that failed:
 * -ENOENT if the VM was destroyed or an UNMAP range has a hole, -EEXIST if a
 * MAP range is in use, -ENOSPC past %DRM_VSVM_MAX_MAPPINGS, -ENOMEM, or
 * -EINTR/-ERESTARTSYS.  A failed op changed nothing.
 */
int vsvm_vm_bind(struct vsvm_vm *vm, struct vsvm_bind_op *ops, u32 count, u32 *done)
{
	int ret = 0;
	u32 i;

	*done = 0;
	mutex_lock(&vm->lock);
	if (vm->destroyed)
		ret = -ENOENT;
	if (!ret)
		ret = vsvm_vm_wait_binds(vm, true);
	if (!ret)
		vm_prune_pending(vm);
	for (i = 0; i < count && !ret; i++) {
		ret = ops[i].unmap ? vm_unmap_locked(vm, &ops[i], NULL) :
				     vm_map_locked(vm, &ops[i], NULL);
		trace_vsvm_bind(vm->vdev->index, vm->client_id, vm->id, ops[i].unmap,
				ops[i].addr, ops[i].range, ret);
		if (!ret)
			(*done)++;
	}
	mutex_unlock(&vm->lock);
	return ret;
}

/**
 * vsvm_vm_bind_async() - Queue checked bind operations on a VM
 * @vm: The VM.
 * @file: The file, for the in-syncs' handles.
 * @ops: The operations, checked by the ioctl layer.
 * @count: Number of @ops.
 * @in: Syncs the first operation's job waits for (the others run after it).
 * @num_in: Number of @in.
 * @done: Out: how many operations were queued.
 * @fence: Out: the fence of the last queued operation's job, referenced, or
 *         NULL if none was queued.
 *
 * Each operation is checked against, and changes, the VA state at once, as
 * vsvm_vm_bind() does, and its page-table work is queued as a bind job (see
 * vsvm_bind.c).
 *
 * Return: as vsvm_vm_bind(); also -ENOENT and -EINVAL for an in-sync with
 * no syncobj or no fence, before anything is queued.
 */
int vsvm_vm_bind_async(struct vsvm_vm *vm, struct drm_file *file,
		       struct vsvm_bind_op *ops, u32 count,
		       const struct drm_vsvm_sync *in, u32 num_in,
		       u32 *done, struct dma_fence **fence)
{
	struct vsvm_bind_job *job;
	int ret = 0;
	u32 i;

	*done = 0;
	*fence = NULL;
	mutex_lock(&vm->lock);
	if (vm->destroyed)
		ret = -ENOENT;
	for (i = 0; i < count && !ret; i++) {
		job = vsvm_bind_job_create(vm, file, i ? NULL : in, i ? 0 : num_in);
		if (IS_ERR(job)) {
			ret = PTR_ERR(job);
			break;
		}
		ret = ops[i].unmap ? vm_unmap_locked(vm, &ops[i], &job) :
				     vm_map_locked(vm, &ops[i], &job);
		/* Not pushed: nothing was changed, or armed. */
		if (job)
			vsvm_bind_job_abort(job);
		trace_vsvm_bind(vm->vdev->index, vm->client_id, vm->id, ops[i].unmap,
				ops[i].addr, ops[i].range, ret);
		if (!ret)
			(*done)++;
	}
	if (vm->last_bind && *done)
		*fence = dma_fence_get(vm->last_bind);
	mutex_unlock(&vm->lock);
	return ret;
}

static void vsvm_vm_teardown(struct vsvm_vm *vm)
{
	struct drm_gpuva *va, *next;
	struct drm_exec exec;
	unsigned int i;
	LIST_HEAD(dead);

	mutex_lock(&vm->lock);
	vm->destroyed = true;
	for (i = 0; i < VSVM_MAX_QUEUES; i++)
		vsvm_ctx_fini(&vm->ctx[i]);
	vsvm_vm_bind_queue_fini(vm);
	vm_wait_idle(vm, false);
	/* Long-running mode: an SVM VM's jobs are counted, not fenced. */
	wait_var_event(&vm->lr_jobs, !atomic_read(&vm->lr_jobs));
	vsvm_svm_fini(vm);

	/* Uninterruptible: teardown also runs when a file is closed. */
	drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, 0);
	WARN_ON(vsvm_vm_lock_range(vm, &exec, NULL, 0, BIT_ULL(VSVM_VA_BITS)));

	vm_detach_userptrs(vm, 0, BIT_ULL(VSVM_VA_BITS));
	drm_gpuvm_for_each_va_safe(va, next, &vm->gpuvm) {
		mutex_lock(&vm->pt.lock);
		WARN_ON(vsvm_pt_unmap_locked(&vm->pt, va->va.addr, va->va.range));
		mutex_unlock(&vm->pt.lock);
	}
	vsvm_tlb_flush_all(&vm->tlb);
	drm_gpuvm_for_each_va_safe(va, next, &vm->gpuvm) {
		drm_gpuva_remove(va);
		vm_retire(va, &dead, NULL);
	}

	drm_exec_fini(&exec);
	vsvm_vm_free_dead(&dead);
	mutex_unlock(&vm->lock);
}

/**
 * vsvm_vm_destroy() - Destroy a file's VM
 * @vfile: The file's state.
 * @id: The VM's id.
 *
 * Return: 0 on success, -ENOENT if the file has no such VM.
 */
int vsvm_vm_destroy(struct vsvm_file *vfile, u32 id)
{
	struct vsvm_vm *vm = xa_erase(&vfile->vms, id);
	unsigned int i;

	if (!vm)
		return -ENOENT;
	vsvm_vm_teardown(vm);
	/* Idle now: its engine time is final and stays with the file. */
	for (i = 0; i < VSVM_MAX_QUEUES; i++)
		atomic64_add(atomic64_read(&vm->busy_ns[i]), &vfile->retired_ns[i]);
	drm_gpuvm_put(&vm->gpuvm);
	return 0;
}

/**
 * vsvm_file_engine_ns() - Engine time of a file's jobs on one queue
 * @vfile: The file's state.
 * @queue: The hardware queue.
 *
 * Return: Nanoseconds the engine spent on the jobs of the file's VMs, those
 * destroyed included.
 */
u64 vsvm_file_engine_ns(struct vsvm_file *vfile, u32 queue)
{
	u64 ns = atomic64_read(&vfile->retired_ns[queue]);
	struct vsvm_vm *vm;
	unsigned long id;

	xa_for_each(&vfile->vms, id, vm) {
		vm = vsvm_vm_lookup(vfile, id);
		if (vm) {
			ns += atomic64_read(&vm->busy_ns[queue]);
			vsvm_vm_put(vm);
		}
	}
	return ns;
}

/**
 * vsvm_vm_debugfs_show() - Print a VM's mappings and page table
 * @vm: The VM.
 * @m: The debugfs file.
 */
void vsvm_vm_debugfs_show(struct vsvm_vm *vm, struct seq_file *m)
{
	mutex_lock(&vm->lock);
	seq_printf(m, "vm %u\n", vm->id);
	drm_debugfs_gpuva_info(m, &vm->gpuvm);
	mutex_lock(&vm->pt.lock);
	vsvm_pt_dump_locked(&vm->pt, m);
	mutex_unlock(&vm->pt.lock);
	seq_printf(m, "tlb: hits %llu misses %llu flushes %llu\n\n",
		   vm->tlb.hits, vm->tlb.misses, vm->tlb.flushes);
	mutex_unlock(&vm->lock);
}
