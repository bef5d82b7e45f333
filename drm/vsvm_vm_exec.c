// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-resv.h>
#include <linux/spinlock.h>

#include <drm/drm_exec.h>
#include <drm/drm_gpuvm.h>

#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_mm.h"
#include "vsvm_prime.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"

/*
 * What EXEC does with a VM's objects: lock them, check and write the
 * entries of its userptr mappings (I3, I7) and map again what was evicted
 * or moved (I9).  See the DOC on GPU address spaces in vsvm_vm.c.
 */

/**
 * vsvm_vm_up_invalidated() - List a userptr mapping for the next EXEC
 * @vm: The mapping's VM.
 * @vma: A userptr mapping.
 *
 * Puts a userptr mapping on its VM's list of mappings the next EXEC must
 * check and write (&vsvm_vm.up_invalidated), if not on it already.
 */
void vsvm_vm_up_invalidated(struct vsvm_vm *vm, struct vsvm_vma *vma)
{
	spin_lock(&vm->up_inval_lock);
	if (list_empty(&vma->inval_link))
		list_add_tail(&vma->inval_link, &vm->up_invalidated);
	spin_unlock(&vm->up_inval_lock);
}

/**
 * vsvm_vm_userptr_invalidated() - Tell a mapping's VM its pages are going
 * @vma: A userptr mapping, on its object's list.
 *
 * Called with &vsvm_mm.notifier_lock of the object's address space held,
 * at I1 step 1 (up_drop_pages_locked()): the next EXEC on the mapping's VM
 * must get the pages again and write the entries before a job may use
 * them (I3), and it looks only at the mappings so listed.  Neither sleeps
 * nor allocates (I2).
 */
void vsvm_vm_userptr_invalidated(struct vsvm_vma *vma)
{
	vsvm_vm_up_invalidated(container_of(vma->base.vm, struct vsvm_vm, gpuvm), vma);
}

/**
 * vsvm_vm_up_account() - Count userptr mappings in or out of a VM
 * @vm: The VM, its lock held.
 * @obj: The mapped object.
 * @n: How many mappings come (positive) or go (negative).
 *
 * Counts @n userptr mappings of @obj in or out of @vm (I7 without a walk,
 * see &vsvm_vm.up_vmm); nothing for other objects.  @vm's lock held.
 */
void vsvm_vm_up_account(struct vsvm_vm *vm, struct drm_gem_object *obj, int n)
{
	struct vsvm_mm *vmm;

	if (!vsvm_gem_is_userptr(obj) || vm->up_recount)
		return;
	vmm = to_vsvm_userptr(obj)->vmm;
	if (!vm->up_vmm)
		vm->up_vmm = vmm;
	if (vmm == vm->up_vmm)
		vm->nr_up_vmas += n;
	else
		vm->nr_up_other += n;
	if (!vm->nr_up_vmas) {
		vm->up_vmm = NULL;
		vm->up_recount = vm->nr_up_other;
	}
}

/* Counts the VM's userptr mappings again (see &vsvm_vm.up_recount). */
static void vm_up_recount(struct vsvm_vm *vm)
{
	struct drm_gpuva *va;

	vm->up_vmm = NULL;
	vm->nr_up_vmas = 0;
	vm->nr_up_other = 0;
	vm->up_recount = false;
	drm_gpuvm_for_each_va(va, &vm->gpuvm)
		vsvm_vm_up_account(vm, va->gem.obj, 1);
}

/**
 * vsvm_vm_lock_range() - Lock a VM's reservation and a range's objects
 * @vm: The VM, its lock held.
 * @exec: An initialised drm_exec that ignores duplicates.
 * @extra: Another object to lock, or NULL.
 * @addr: Start of the range.
 * @range: Its length.
 *
 * Locks the VM's reservation, @extra's if given, and those of the objects
 * mapped in [@addr, @addr + @range) (none for @range 0).  Several mappings
 * of one object are common: @exec must ignore duplicates.
 *
 * Return: 0 on success, -EINTR/-ERESTARTSYS if interrupted, -ENOMEM.
 */
int vsvm_vm_lock_range(struct vsvm_vm *vm, struct drm_exec *exec,
		       struct drm_gem_object *extra, u64 addr, u64 range)
{
	struct drm_gpuva *va;
	int ret = 0;

	drm_exec_until_all_locked(exec) {
		ret = drm_exec_lock_obj(exec, drm_gpuvm_resv_obj(&vm->gpuvm));
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;
		if (extra) {
			ret = drm_exec_lock_obj(exec, extra);
			drm_exec_retry_on_contention(exec);
			if (ret)
				break;
		}
		drm_gpuvm_for_each_va_range(va, &vm->gpuvm, addr, addr + range) {
			ret = drm_exec_lock_obj(exec, va->gem.obj);
			drm_exec_retry_on_contention(exec);
			if (ret)
				break;
		}
		if (ret)
			break;
	}
	return ret;
}

/**
 * vsvm_vm_lock_objects() - Lock the reservations EXEC on a VM needs
 * @vm: The VM, its lock held.
 * @exec: An initialised drm_exec that ignores duplicates.
 *
 * Locks the VM's reservation, which is also that of every VM-private
 * object it maps (vsvm_gem_vm_root()), and those of its external objects
 * (drm_gpuvm's extobj list, which MAP fills with drm_gpuvm_bo_extobj_add()
 * and which a mapping's removal empties), each with room for one fence.
 * So EXEC's cost does not grow with the number of private objects: it
 * neither locks nor walks them.
 *
 * Return: 0 on success, -EINTR/-ERESTARTSYS if interrupted, -ENOMEM.
 */
int vsvm_vm_lock_objects(struct vsvm_vm *vm, struct drm_exec *exec)
{
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	drm_exec_until_all_locked(exec) {
		ret = drm_gpuvm_prepare_vm(&vm->gpuvm, exec, 1);
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;
		ret = drm_gpuvm_prepare_objects(&vm->gpuvm, exec, 1);
		drm_exec_retry_on_contention(exec);
		if (ret)
			break;
	}
	return ret;
}

/**
 * vsvm_vm_private_usage() - What a job of a VM does to its private objects
 * @vm: The VM, its lock held.
 *
 * I9 for private objects: a VM-private object has the VM's reservation, so
 * a job's fence for it
 * goes there, once for all of them, with the usage of the most a job may
 * do to one: EXEC adds it with this usage and makes the job wait for the
 * reservation's fences as for an object with that usage.  Implicit sync of
 * private objects is thus the VM's own: only the VM's jobs (and binds)
 * order against each other, which is all there is, since no other VM,
 * device or driver uses a private object.
 *
 * Return: %DMA_RESV_USAGE_WRITE if the VM maps a private object writable,
 * %DMA_RESV_USAGE_READ if it maps private objects read-only only, else
 * %DMA_RESV_USAGE_BOOKKEEP (the VM's own fence, which no job waits for).
 */
enum dma_resv_usage vsvm_vm_private_usage(struct vsvm_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	if (vm->nr_priv_writable)
		return DMA_RESV_USAGE_WRITE;
	return vm->nr_priv_vmas ? DMA_RESV_USAGE_READ : DMA_RESV_USAGE_BOOKKEEP;
}

/**
 * vsvm_vm_userptr_prepare() - Check and populate a VM's userptrs for EXEC
 * @vm: The VM, its lock held.
 *
 * I7 and the first half of I3: every userptr the VM maps must belong to
 * the caller's address space, checked against the counts of
 * &vsvm_vm.up_vmm; and the userptrs of the mappings on
 * &vsvm_vm.up_invalidated must have their pages.  Every other userptr
 * mapping has its entries written from pages no invalidation has started
 * to drop, since an invalidation lists the mappings of the pages it drops
 * first (I1 step 1).  No reservation may be held (populating may fault in
 * pages, and reclaim may call notifiers).
 *
 * Return: 0; -EPERM for a userptr of another mm; -EFAULT if a userptr's
 * pages cannot be had; -ENOMEM; -EINTR/-ERESTARTSYS.
 */
int vsvm_vm_userptr_prepare(struct vsvm_vm *vm)
{
	struct drm_gem_object *last = NULL;
	struct vsvm_vma *vma;
	int ret = 0;

	lockdep_assert_held(&vm->lock);
	if (vm->up_recount)
		vm_up_recount(vm);
	/* I7: every userptr mapping must be of the caller's address space. */
	if (vm->nr_up_other ||
	    (vm->up_vmm && vm->up_vmm->notifier.mm != current->mm)) {
		drm_dbg(&vm->vdev->drm,
			"EXEC: VM %u maps a userptr of another address space\n", vm->id);
		return -EPERM;
	}

	/*
	 * Entries are only removed with @vm->lock held, which we hold, and
	 * added at the tail: the walk may drop the spinlock around populating.
	 */
	spin_lock(&vm->up_inval_lock);
	vma = list_first_entry_or_null(&vm->up_invalidated, struct vsvm_vma, inval_link);
	while (vma) {
		struct drm_gem_object *obj = vma->base.gem.obj;

		spin_unlock(&vm->up_inval_lock);
		/* Mappings of one object are often adjacent: skip repeats. */
		if (obj != last) {
			last = obj;
			ret = vsvm_userptr_populate(to_vsvm_userptr(obj));
			if (ret) {
				drm_dbg(&vm->vdev->drm, "EXEC: VM %u: userptr at %#llx: %d\n",
					vm->id, vma->base.va.addr, ret);
				return ret;
			}
		}
		spin_lock(&vm->up_inval_lock);
		vma = list_is_last(&vma->inval_link, &vm->up_invalidated) ? NULL :
		      list_next_entry(vma, inval_link);
	}
	spin_unlock(&vm->up_inval_lock);
	return 0;
}

/* An evicted object's mapping: get the pages back, rewrite the entries. */
static int vm_bo_vma_restore_locked(struct vsvm_vm *vm, struct vsvm_vma *vma)
{
	struct vsvm_bo *bo = to_vsvm_bo(vma->base.gem.obj);
	int ret;

	ret = vsvm_bo_map_locked(bo);
	if (ret)
		return ret;
	ret = vsvm_vm_pt_map_sgt(vm, bo->sgt, vma->base.gem.offset, vma->base.va.addr,
				 vma->base.va.range, vma->read_only ? 0 : VSVM_PT_WRITE);
	if (!ret)
		vma->ptes_valid = true;
	return ret;
}

/**
 * vsvm_vm_import_commit_locked() - Map a VM's evicted and moved objects
 * @vm: The VM, its lock and its objects' reservations held.
 *
 * I9: an imported object whose exporter moved it (move_notify) is mapped
 * again, and an object the shrinker evicted gets its pages back; the
 * entries of their mappings are rewritten, and the job then waits for the
 * reservation's fences, the exporter's included.
 *
 * Only the external objects are walked (drm_gpuvm's extobj list): the
 * VM-private ones are userptrs, which are neither evicted nor moved.  The
 * list is protected by the VM's reservation (%DRM_GPUVM_RESV_PROTECTED),
 * which EXEC holds.
 *
 * Return: 0, or the error of mapping an attachment.
 */
int vsvm_vm_import_commit_locked(struct vsvm_vm *vm)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;
	int ret;

	lockdep_assert_held(&vm->lock);
	drm_gpuvm_resv_assert_held(&vm->gpuvm);
	list_for_each_entry(vm_bo, &vm->gpuvm.extobj.list, list.entry.extobj) {
		if (vsvm_gem_is_userptr(vm_bo->obj))
			continue;
		drm_gpuvm_bo_for_each_va(va, vm_bo) {
			struct vsvm_vma *vma = container_of(va, struct vsvm_vma, base);

			if (vma->ptes_valid)
				continue;
			if (vsvm_gem_is_import(va->gem.obj))
				ret = vsvm_import_vma_bind_locked(to_vsvm_import(va->gem.obj),
								  vm, vma);
			else
				ret = vm_bo_vma_restore_locked(vm, vma);
			if (ret) {
				drm_dbg(&vm->vdev->drm, "EXEC: VM %u: imported object at %#llx: %d\n",
					vm->id, va->va.addr, ret);
				return ret;
			}
		}
	}
	return 0;
}

/**
 * vsvm_vm_userptr_lock() - The notifier lock that EXEC on a VM takes
 * @vm: The VM, its lock held, its userptrs prepared
 *      (vsvm_vm_userptr_prepare()).
 *
 * Every userptr the VM maps belongs to the caller's address space (I7,
 * checked by vsvm_vm_userptr_prepare()), so one lock, that address space's
 * &vsvm_mm.notifier_lock, covers them all.
 *
 * Return: That lock, or NULL if the VM maps no userptr.
 */
struct mutex *vsvm_vm_userptr_lock(struct vsvm_vm *vm)
{
	lockdep_assert_held(&vm->lock);
	return vm->up_vmm ? &vm->up_vmm->notifier_lock : NULL;
}

/**
 * vsvm_vm_userptr_commit_locked() - Write the entries of a VM's userptrs
 * @vm: The VM, its lock and reservations held, and the notifier lock of
 *      its userptrs' address space (vsvm_vm_userptr_lock()).
 *
 * The second half of I3: the pages got by vsvm_vm_userptr_prepare() must
 * still be there, and no invalidation be dropping them, now that the
 * notifier lock is held; then the entries of every userptr mapping on
 * &vsvm_vm.up_invalidated are (re)written, their pages marked as used by
 * the job, and the mapping taken off the list; and the job may be queued
 * before the notifier lock is dropped, so that an invalidation that comes
 * later finds its fence in the VM's reservation.  A mapping not on the
 * list has its entries written from pages that no invalidation has
 * started to drop (it would have listed the mapping, under the notifier
 * lock held here), and already marked as used.
 *
 * Return: 0; -EAGAIN if a userptr was invalidated since it was prepared:
 * drop every lock but @vm's and prepare again.
 */
int vsvm_vm_userptr_commit_locked(struct vsvm_vm *vm)
{
	struct vsvm_vma *vma;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (!vm->up_vmm)
		return 0;
	lockdep_assert_held(&vm->up_vmm->notifier_lock);
	/*
	 * Only the notifier lock held here and @vm->lock add entries (all the
	 * VM's userptrs are of one address space, I7), and only @vm->lock
	 * removes them: the list stays as it is while the entries are written.
	 */
	spin_lock(&vm->up_inval_lock);
	while ((vma = list_first_entry_or_null(&vm->up_invalidated, struct vsvm_vma,
					       inval_link))) {
		struct vsvm_userptr *up = to_vsvm_userptr(vma->base.gem.obj);

		spin_unlock(&vm->up_inval_lock);
		ret = vsvm_userptr_vma_bind_locked(up, vm, vma);
		if (ret)
			return ret;
		vsvm_userptr_vma_used_locked(up, vma);
		atomic64_inc(&vm->vdev->up_stats.exec_checked);
		spin_lock(&vm->up_inval_lock);
		list_del_init(&vma->inval_link);
	}
	spin_unlock(&vm->up_inval_lock);
	return 0;
}
