/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_MM_H__
#define __VSVM_MM_H__

#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>

struct vsvm_device;

/**
 * struct vsvm_mm - The binding of one device to one process address space
 *
 * There is one per (device, mm), shared by everything of that process on
 * that device (I5), obtained with mmu_notifier_get() and released with
 * mmu_notifier_put().  It holds the mm only through the notifier's mmgrab()
 * (I4), and its &mmu_notifier_ops.release runs at the mm's last mmput(),
 * when the address space is torn down, which may be long before the files
 * are closed (I6).
 */
struct vsvm_mm {
	/** @notifier: The mm's notifier; &vsvm_mm embeds it and it counts users. */
	struct mmu_notifier notifier;
	/** @lock: Protects @pinned and @dead. */
	struct mutex lock;
	/**
	 * @notifier_lock: The invalidation lock of this address space on this
	 * device: the MMU notifiers of its userptrs and SVM VMs take it, and
	 * EXEC and VM_BIND take it around checking userptr pages, writing or
	 * clearing their page-table entries and queueing a job (I3).  Held
	 * only for short sections: nothing waits for the GPU or allocates
	 * under it (I2), so that an invalidation never holds it while it waits
	 * for jobs, and other processes never meet it at all (see the DOC on
	 * userptr and docs/internals.rst).  Lock order: &vsvm_vm.lock and
	 * &vsvm_mm.lock, the reservations, then this.
	 */
	struct mutex notifier_lock;
	/** @pinned: Registration-mode userptrs of this mm on this device. */
	struct list_head pinned;
	/** @dead: Set when the mm was torn down: no new registrations. */
	bool dead;
	/**
	 * @pasid: The simulated PASID that tags the device's accesses to this
	 * mm (SVM); freed only with the binding (I6).
	 */
	u32 pasid;
	/**
	 * @pasid_live: The PASID's context entry: cleared at the mm's release,
	 * after which every access through it faults as not present, quietly.
	 */
	bool pasid_live;
};

void vsvm_mm_ops_init(struct mmu_notifier_ops *ops);
struct vsvm_mm *vsvm_mm_get(struct vsvm_device *vdev, struct mm_struct *mm);
void vsvm_mm_put(struct vsvm_mm *vmm);

#endif /* __VSVM_MM_H__ */
