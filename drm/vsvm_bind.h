/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_BIND_H__
#define __VSVM_BIND_H__

#include <linux/list.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/gpu_scheduler.h>

struct drm_file;
struct drm_vsvm_sync;
struct sg_table;
struct vsvm_device;
struct vsvm_vm;

/**
 * struct vsvm_bind_job - One asynchronous VM_BIND op, queued on its VM
 *
 * Everything that allocates or takes a lock was done by the ioctl; the job
 * only writes or clears page-table entries whose tables exist, and flushes
 * the TLB, so that it can signal its fence (see the DOC in vsvm_bind.c).
 */
struct vsvm_bind_job {
	/** @base: The scheduler job; &vsvm_bind_job embeds it. */
	struct drm_sched_job base;
	/** @vm: The VM, referenced. */
	struct vsvm_vm *vm;
	/** @unmap: Clear [@addr, +@range) rather than map it. */
	bool unmap;
	/**
	 * @sgt: MAP of a buffer object: the object's DMA-mapped table, which
	 * stays while the job's fence is unsignalled in its reservation.
	 * NULL when the entries are written at EXEC (userptrs, imports).
	 */
	struct sg_table *sgt;
	/** @obj: MAP: the object, referenced until the job is freed. */
	struct drm_gem_object *obj;
	/** @offset: MAP: offset in @sgt of the first byte mapped. */
	u64 offset;
	/** @addr: Start of the GPU range. */
	u64 addr;
	/** @range: Length of the GPU range. */
	u64 range;
	/** @pt_flags: MAP: %VSVM_PT_WRITE or 0. */
	u32 pt_flags;
	/** @dead: UNMAP: the removed mappings (&vsvm_vma.dead), freed after the job. */
	struct list_head dead;
	/** @free_work: Frees the job from &vsvm_wq: see vsvm_bind_free_job(). */
	struct work_struct free_work;
};

int vsvm_bind_sched_init(struct vsvm_device *vdev);
void vsvm_bind_sched_fini(struct vsvm_device *vdev);
struct vsvm_bind_job *vsvm_bind_job_create(struct vsvm_vm *vm, struct drm_file *file,
					   const struct drm_vsvm_sync *in, u32 num_in);
void vsvm_bind_job_push(struct vsvm_bind_job *job);
void vsvm_bind_job_abort(struct vsvm_bind_job *job);
int vsvm_vm_wait_binds(struct vsvm_vm *vm, bool intr);
int vsvm_vm_wait_unmaps(struct vsvm_vm *vm, bool intr);
void vsvm_vm_bind_queue_fini(struct vsvm_vm *vm);

#endif /* __VSVM_BIND_H__ */
