// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/idr.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "vsvm_drv.h"
#include "vsvm_mm.h"
#include "vsvm_userptr.h"

/**
 * DOC: address-space bindings
 *
 * A device meets a process's address space through one &struct vsvm_mm per
 * (device, mm) pair (I5), as uacce's uacce_mm and the IOMMU's SVA bond do.
 * mmu_notifier_get() finds or makes it; since it matches on the ops, each
 * device has its own &mmu_notifier_ops (in &struct vsvm_device), and the
 * callbacks find their device from the ops with container_of().
 *
 * The binding holds the mm with mmgrab() only, through the notifier (I4):
 * nothing in vsvm ever holds mm_users for longer than one populate.  So an
 * exiting process always reaches exit_mmap(), whatever vsvm files it has
 * open or mapped (no reference cycle through mm_users can form), and
 * exit_mmap() calls the binding's &mmu_notifier_ops.release before the
 * process's files are closed (I6).  Release lets go of everything vsvm
 * holds of that address space: registration-mode userptrs drop their
 * long-term pins there (I11), after stopping the GPU's access to them (I1),
 * and the binding's simulated PASID loses its context entry, so that SVM
 * accesses of any queue of that mm fault as not present, quietly.  The
 * PASID number itself is freed only with the binding.
 *
 * The binding is freed through &mmu_notifier_ops.free_notifier after the
 * last mmu_notifier_put(), an SRCU grace period later; module unload waits
 * for those with mmu_notifier_synchronize() before the devices (which hold
 * the ops) are freed.
 */

/* Simulated PASIDs, 20 bits as on PCIe; 0 is never used. */
static DEFINE_IDA(vsvm_pasid_ida);
#define VSVM_PASID_MAX	((1u << 20) - 1)

static struct vsvm_device *vmm_to_vdev(struct vsvm_mm *vmm)
{
	return container_of(vmm->notifier.ops, struct vsvm_device, mm_ops);
}

static struct mmu_notifier *vsvm_mm_alloc_notifier(struct mm_struct *mm)
{
	struct vsvm_mm *vmm = kzalloc(sizeof(*vmm), GFP_KERNEL);
	int pasid;

	if (!vmm)
		return ERR_PTR(-ENOMEM);
	pasid = ida_alloc_range(&vsvm_pasid_ida, 1, VSVM_PASID_MAX, GFP_KERNEL);
	if (pasid < 0) {
		kfree(vmm);
		return ERR_PTR(pasid == -ENOSPC ? -ENOMEM : pasid);
	}
	vmm->pasid = pasid;
	vmm->pasid_live = true;
	mutex_init(&vmm->lock);
	mutex_init(&vmm->notifier_lock);
	/*
	 * I2: the notifier lock is taken in MMU notifiers, which reclaim may
	 * call.  Teach lockdep so now, so that any allocation that may reclaim
	 * under the lock is reported at once, not only when reclaim happens.
	 */
	fs_reclaim_acquire(GFP_KERNEL);
	might_lock(&vmm->notifier_lock);
	fs_reclaim_release(GFP_KERNEL);
	INIT_LIST_HEAD(&vmm->pinned);
	return &vmm->notifier;
}

static void vsvm_mm_free_notifier(struct mmu_notifier *mn)
{
	struct vsvm_mm *vmm = container_of(mn, struct vsvm_mm, notifier);

	WARN_ON(!list_empty(&vmm->pinned));
	/* I6: the PASID goes only with the binding, never at the mm's exit. */
	ida_free(&vsvm_pasid_ida, vmm->pasid);
	mutex_destroy(&vmm->notifier_lock);
	mutex_destroy(&vmm->lock);
	kfree(vmm);
}

/*
 * The mm's last mmput(): exit or exec.  Open files may outlive this (I6):
 * whatever of the mm they still reference is let go of here, quietly.
 */
static void vsvm_mm_release(struct mmu_notifier *mn, struct mm_struct *mm)
{
	struct vsvm_mm *vmm = container_of(mn, struct vsvm_mm, notifier);

	mutex_lock(&vmm->lock);
	vmm->dead = true;
	/* I6: the PASID's context entry goes; SVM accesses now fault quietly. */
	WRITE_ONCE(vmm->pasid_live, false);
	vsvm_userptr_mm_release_locked(vmm_to_vdev(vmm), &vmm->pinned);
	mutex_unlock(&vmm->lock);
}

/**
 * vsvm_mm_ops_init() - Fill in a device's own address-space notifier ops
 * @ops: &vsvm_device.mm_ops.
 */
void vsvm_mm_ops_init(struct mmu_notifier_ops *ops)
{
	ops->release = vsvm_mm_release;
	ops->alloc_notifier = vsvm_mm_alloc_notifier;
	ops->free_notifier = vsvm_mm_free_notifier;
}

/**
 * vsvm_mm_get() - Get the binding of a device to an address space
 * @vdev: The device.
 * @mm: The address space: the caller's own (current->mm).
 *
 * Return: The binding, referenced (drop it with vsvm_mm_put()), or an
 * ERR_PTR(): -ENOMEM, or -EINTR if the mm is being torn down.
 */
struct vsvm_mm *vsvm_mm_get(struct vsvm_device *vdev, struct mm_struct *mm)
{
	struct mmu_notifier *mn = mmu_notifier_get(&vdev->mm_ops, mm);

	if (IS_ERR(mn))
		return ERR_CAST(mn);
	return container_of(mn, struct vsvm_mm, notifier);
}

/**
 * vsvm_mm_put() - Drop a reference to a binding
 * @vmm: The binding.
 */
void vsvm_mm_put(struct vsvm_mm *vmm)
{
	mmu_notifier_put(&vmm->notifier);
}
