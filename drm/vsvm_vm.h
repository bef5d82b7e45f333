/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_VM_H__
#define __VSVM_VM_H__

#include <linux/dma-resv.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include <drm/drm_gpuvm.h>

#include "vsvm_pt.h"
#include "vsvm_sched.h"

struct dma_fence;
struct drm_exec;
struct drm_file;
struct drm_gem_object;
struct drm_vsvm_sync;
struct seq_file;
struct sg_table;
struct vsvm_device;
struct vsvm_svm;

/**
 * struct vsvm_vm - A GPU address space
 *
 * drm_gpuvm tracks the mappings (one &struct vsvm_vma each) and their
 * objects; @pt holds what the simulated GPU sees.  The two are changed
 * together under @lock, so they always agree.
 *
 * Lock order: @lock, then the reservations (VM and objects, with drm_exec),
 * then &vsvm_pt.lock.
 */
struct vsvm_vm {
	/** @gpuvm: VA tracking; &vsvm_vm embeds it and it holds the refcount. */
	struct drm_gpuvm gpuvm;
	/** @vdev: The device. */
	struct vsvm_device *vdev;
	/** @lock: Serialises bind operations and destruction. */
	struct mutex lock;
	/** @pt: The GPU page table. */
	struct vsvm_pt pt;
	/** @tlb: The simulated TLB in front of @pt. */
	struct vsvm_tlb tlb;
	/** @id: The VM's id in its file. */
	u32 id;
	/** @client_id: The DRM client id of the file that owns the VM. */
	u64 client_id;
	/** @ctx: Submission contexts, one per hardware queue, under @lock. */
	struct vsvm_ctx ctx[VSVM_MAX_QUEUES];
	/** @busy_ns: Time the engine ran this VM's jobs, per queue (fdinfo). */
	atomic64_t busy_ns[VSVM_MAX_QUEUES];
	/** @destroyed: Set under @lock once the VM has been torn down. */
	bool destroyed;
	/**
	 * @svm: Shared virtual memory state, for an SVM VM; else NULL.  Set
	 * before the VM is published and freed only with the VM, so a VM
	 * reference keeps it (see &struct vsvm_svm).
	 */
	struct vsvm_svm *svm;
	/** @bind_entity: The bind queue (see vsvm_bind.c), under @lock. */
	struct drm_sched_entity bind_entity;
	/** @bind_ready: Whether @bind_entity is initialised (first async bind). */
	bool bind_ready;
	/** @last_bind: The fence of the last queued bind, or NULL; under @lock. */
	struct dma_fence *last_bind;
	/**
	 * @last_unmap: The fence of the last queued asynchronous UNMAP, or
	 * NULL; under @lock.  EXEC waits for it (see vsvm_bind.c).
	 */
	struct dma_fence *last_unmap;
	/**
	 * @lr_jobs: Jobs of an SVM VM pushed and not yet freed.  They put no
	 * fence in the VM's reservation (long-running mode, see vsvm_sched.c):
	 * teardown waits for this count to drop to zero instead.
	 */
	atomic_t lr_jobs;
	/** @nr_vmas: Number of mappings, at most %DRM_VSVM_MAX_MAPPINGS; under @lock. */
	unsigned int nr_vmas;
	/**
	 * @nr_priv_vmas: Mappings of VM-private objects, which share the VM's
	 * reservation (vsvm_gem_vm_root()); under @lock.  EXEC puts its fence
	 * in that reservation for them, and orders the job after the VM's
	 * earlier jobs, with the usage they say (vsvm_vm_private_usage()).
	 */
	unsigned int nr_priv_vmas;
	/** @nr_priv_writable: Of @nr_priv_vmas, the writable ones; under @lock. */
	unsigned int nr_priv_writable;
	/**
	 * @prune_start: Start of the range asynchronous UNMAPs cleared since
	 * the last synchronous VM_BIND, whose empty tables it frees; under @lock.
	 */
	u64 prune_start;
	/** @prune_end: End of that range; equal to @prune_start if none. */
	u64 prune_end;
	/**
	 * @up_inval_lock: Protects @up_invalidated and &vsvm_vma.inval_link.
	 * Taken inside &vsvm_mm.notifier_lock, by the MMU notifier too: held
	 * only to add or take an entry, never while sleeping.
	 */
	spinlock_t up_inval_lock;
	/**
	 * @up_invalidated: The userptr mappings whose entries EXEC must write
	 * again and whose pages it must check (&vsvm_vma.inval_link): those
	 * mapped, or cut by an UNMAP, since the last EXEC, and those whose
	 * pages an invalidation started to drop (I1 step 1).  EXEC takes an
	 * entry off once it has written its entries under the notifier lock
	 * (vsvm_vm_userptr_commit_locked()), so it touches only these, not
	 * every mapping of the VM.  Entries are added at the tail and removed
	 * only with @lock held.
	 */
	struct list_head up_invalidated;
	/**
	 * @up_vmm: The address-space binding of the VM's userptr mappings
	 * counted in @nr_up_vmas (the first one mapped), or NULL; under @lock.
	 * I7 is checked against it without a walk (vsvm_vm_userptr_prepare()).
	 */
	struct vsvm_mm *up_vmm;
	/** @nr_up_vmas: Userptr mappings of @up_vmm; under @lock. */
	unsigned int nr_up_vmas;
	/**
	 * @nr_up_other: Userptr mappings of another address space than
	 * @up_vmm, which EXEC refuses (I7); under @lock.
	 */
	unsigned int nr_up_other;
	/**
	 * @up_recount: @nr_up_vmas dropped to zero while @nr_up_other did not:
	 * the counts are stale until the next EXEC counts the mappings again.
	 */
	bool up_recount;
};

/**
 * struct vsvm_vma - One mapping of a buffer object range in a VM
 */
struct vsvm_vma {
	/** @base: The drm_gpuvm mapping; &vsvm_vma embeds it. */
	struct drm_gpuva base;
	/** @read_only: Whether the GPU may only read it. */
	bool read_only;
	/**
	 * @ptes_valid: Userptr and import mappings: whether the page-table
	 * entries are written.  An invalidation (MMU notifier, move_notify)
	 * clears them; the next EXEC writes them again.  Under
	 * &vsvm_mm.notifier_lock of the object's address space for a
	 * userptr, the reservation for an import.
	 */
	bool ptes_valid;
	/**
	 * @up_link: Userptr and import mappings: entry in &vsvm_userptr.vmas
	 * or &vsvm_import.vmas, under the same lock as @ptes_valid.
	 */
	struct list_head up_link;
	/**
	 * @inval_link: Userptr mappings: entry in &vsvm_vm.up_invalidated,
	 * under &vsvm_vm.up_inval_lock; empty when the mapping is not on it.
	 */
	struct list_head inval_link;
	/**
	 * @dead: Entry in a list of removed mappings, freed (with the object
	 * reference they hold) once no reservation is held any more.
	 */
	struct list_head dead;
};

/**
 * struct vsvm_file - vsvm's state of one open DRM file
 */
struct vsvm_file {
	/** @vms: The file's VMs, by id. */
	struct xarray vms;
	/** @retired_ns: Engine time of the file's destroyed VMs, per queue. */
	atomic64_t retired_ns[VSVM_MAX_QUEUES];
	/**
	 * @fini_lock: Serialises the teardown of the file's VMs at its close
	 * and at the device's unplug (I8).
	 */
	struct mutex fini_lock;
	/** @link: Entry in &vsvm_device.files, from open to postclose. */
	struct list_head link;
};

/**
 * struct vsvm_bind_op - One checked bind operation, in kernel types
 */
struct vsvm_bind_op {
	/** @unmap: Unmap rather than map. */
	bool unmap;
	/** @read_only: MAP: map read-only. */
	bool read_only;
	/** @obj: MAP: the object, referenced. */
	struct drm_gem_object *obj;
	/** @offset: MAP: offset in @obj. */
	u64 offset;
	/** @addr: Start of the GPU range. */
	u64 addr;
	/** @range: Length of the range. */
	u64 range;
};

int vsvm_file_init(struct vsvm_file *vfile);
void vsvm_file_fini(struct vsvm_file *vfile);

int vsvm_vm_create(struct vsvm_device *vdev, struct vsvm_file *vfile,
		   u64 client_id, bool svm, u32 *id);
int vsvm_vm_lock_objects(struct vsvm_vm *vm, struct drm_exec *exec);
enum dma_resv_usage vsvm_vm_private_usage(struct vsvm_vm *vm);
int vsvm_vm_lock_range(struct vsvm_vm *vm, struct drm_exec *exec,
		       struct drm_gem_object *extra, u64 addr, u64 range);
void vsvm_vm_up_invalidated(struct vsvm_vm *vm, struct vsvm_vma *vma);
void vsvm_vm_up_account(struct vsvm_vm *vm, struct drm_gem_object *obj, int n);
int vsvm_vm_userptr_prepare(struct vsvm_vm *vm);
struct mutex *vsvm_vm_userptr_lock(struct vsvm_vm *vm);
int vsvm_vm_userptr_commit_locked(struct vsvm_vm *vm);
int vsvm_vm_import_commit_locked(struct vsvm_vm *vm);
void vsvm_vm_userptr_invalidated(struct vsvm_vma *vma);
int vsvm_vm_pt_map_sgt(struct vsvm_vm *vm, struct sg_table *sgt, u64 offset,
		       u64 addr, u64 range, u32 flags);
int vsvm_vm_destroy(struct vsvm_file *vfile, u32 id);
struct vsvm_vm *vsvm_vm_lookup(struct vsvm_file *vfile, u32 id);
void vsvm_vm_put(struct vsvm_vm *vm);
int vsvm_vm_bind(struct vsvm_vm *vm, struct vsvm_bind_op *ops, u32 count, u32 *done);
int vsvm_vm_bind_async(struct vsvm_vm *vm, struct drm_file *file,
		       struct vsvm_bind_op *ops, u32 count,
		       const struct drm_vsvm_sync *in, u32 num_in,
		       u32 *done, struct dma_fence **fence);
void vsvm_vm_free_dead(struct list_head *dead);
void vsvm_vm_debugfs_show(struct vsvm_vm *vm, struct seq_file *m);
u64 vsvm_file_engine_ns(struct vsvm_file *vfile, u32 queue);

#endif /* __VSVM_VM_H__ */
