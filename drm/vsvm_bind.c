// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence.h>
#include <linux/slab.h>

#include <drm/drm_file.h>
#include <drm/drm_gem.h>

#include "vsvm_bind.h"
#include "vsvm_drv.h"
#include "vsvm_sched.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"

/**
 * DOC: asynchronous binds
 *
 * VM_BIND with %DRM_VSVM_VM_BIND_ASYNC returns once its ops are checked and
 * queued; each op then runs as a bind job on the VM's bind queue, a
 * scheduler entity of the device's bind scheduler, in order.  A job waits
 * for the VM_BIND's in-syncs and, for an UNMAP, for every job of the VM
 * queued before it (the VM reservation's fences); the last op's job fence
 * goes to the out-syncs.
 *
 * The job's fence may end up anywhere a fence can (an EXEC waiting on the
 * out-sync puts its own fence into reservations that reclaim and MMU
 * notifiers wait for), so the job must signal it without allocating and
 * without a lock that is held around an allocation or a fence wait.  The
 * work is therefore split like Xe's:
 *
 * - The ioctl, under &vsvm_vm.lock and the reservations, does everything
 *   that may fail, allocate or take a lock: it checks the op against the VA
 *   state, gets and DMA-maps the object's pages, allocates the mapping and
 *   the page-table pages of the range (vsvm_pt_prealloc_locked()), splits
 *   the 2 MiB leaves of an UNMAP range (vsvm_pt_split_locked()), and
 *   updates drm_gpuvm.  Only then is the job armed, its fence added to the
 *   reservations of the VM and the objects (%DMA_RESV_USAGE_BOOKKEEP), and
 *   the job pushed, with nothing allocated in between.
 * - The job writes the entries of a buffer object's MAP
 *   (vsvm_pt_map_owned()), or clears an UNMAP range (vsvm_pt_zap()) and
 *   flushes the TLB.  Neither allocates; neither takes &vsvm_pt.lock.
 * - The mappings an UNMAP removed, with the references to their objects,
 *   are freed after the job, from &vsvm_wq: freeing an object takes its
 *   reservation, which the scheduler's own workqueue must never wait for.
 *
 * While a job is queued, nobody else touches the entries of its range:
 * the shrinker skips objects with unsignalled fences, and an MMU notifier
 * (userptr) or move_notify (import) waits for the object's fences before it
 * clears anything, and the job's fence is in the object's reservation
 * before its mapping leaves the object's list.  Synchronous VM_BIND and VM
 * teardown first wait for the VM's queued binds (vsvm_vm_wait_binds()),
 * since they write and free page-table entries themselves.
 *
 * EXEC takes the last bind's fence as a scheduler dependency of its job
 * (&vsvm_vm.last_bind) instead of sleeping in the ioctl, except behind a
 * queued UNMAP, which it still waits for (vsvm_vm_wait_unmaps()).  EXEC
 * writes entries at submission, not when its job runs: those of userptr
 * and imported mappings (and of evicted objects), which are only known
 * valid under the notifier lock or the reservation that EXEC holds.  A
 * queued MAP's job writes only its own new mapping's entries, and only for
 * a buffer object, whose mapping EXEC never writes (its entries count as
 * written, and the object is busy, so not evicted, until the job ran).  A
 * queued UNMAP's job clears its whole range when it runs, so entries that
 * EXEC wrote in that range for a mapping made after the UNMAP would be
 * cleared under the job that needs them.  Moving those writes into the job
 * would need the job to take the notifier lock and to fail on pages
 * invalidated meanwhile, which a fence-signalling job cannot do.  The wait
 * is interruptible and holds only &vsvm_vm.lock.
 *
 * The entries of a userptr or an imported object are not written by the
 * job: like those an invalidation or move_notify cleared, they are written
 * by the next EXEC, under the notifier lock or the reservation, which is
 * where their pages are known to be valid (see the DOCs on userptr and
 * dma-buf).  Userspace cannot tell: every EXEC after the bind sees them.
 */

static struct vsvm_bind_job *to_bind_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vsvm_bind_job, base);
}

/* The fence-signalling path: no allocation, no lock but the TLB's. */
static struct dma_fence *vsvm_bind_run_job(struct drm_sched_job *sched_job)
{
	struct vsvm_bind_job *job = to_bind_job(sched_job);
	struct vsvm_vm *vm = job->vm;
	bool cookie = dma_fence_begin_signalling();
	int ret = 0;

	/*
	 * Runs even if a dependency failed: drm_gpuvm already says what the
	 * page table must hold, and an UNMAP's objects go when the job ends.
	 */
	if (job->unmap) {
		vsvm_pt_zap(&vm->pt, job->addr, job->range);
		vsvm_tlb_flush_range(&vm->tlb, job->addr, job->range);
	} else if (job->sgt) {
		ret = vsvm_vm_pt_map_sgt(vm, job->sgt, job->offset, job->addr, job->range,
					 VSVM_PT_NOALLOC | job->pt_flags);
	}
	trace_vsvm_bind_run(vm->vdev->index, vm->client_id, vm->id, job->unmap, job->addr,
			    job->range, ret);
	dma_fence_end_signalling(cookie);
	return ret ? ERR_PTR(ret) : NULL;
}

/* Bind jobs never wait in run_job for long: the timeout is infinite. */
static enum drm_gpu_sched_stat vsvm_bind_timedout_job(struct drm_sched_job *sched_job)
{
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void vsvm_bind_job_free(struct vsvm_bind_job *job)
{
	vsvm_vm_free_dead(&job->dead);
	if (job->obj)
		drm_gem_object_put(job->obj);
	vsvm_vm_put(job->vm);
	kfree(job);
}

static void bind_free_work(struct work_struct *work)
{
	vsvm_bind_job_free(container_of(work, struct vsvm_bind_job, free_work));
}

static void vsvm_bind_free_job(struct drm_sched_job *sched_job)
{
	struct vsvm_bind_job *job = to_bind_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	/* Not here: the next bind job may be waiting for this workqueue. */
	queue_work(vsvm_wq, &job->free_work);
}

static const struct drm_sched_backend_ops vsvm_bind_sched_ops = {
	.run_job = vsvm_bind_run_job,
	.timedout_job = vsvm_bind_timedout_job,
	.free_job = vsvm_bind_free_job,
};

/**
 * vsvm_bind_sched_init() - Set up a device's bind scheduler
 * @vdev: The device.
 *
 * Return: 0 on success, a negative errno on failure.
 */
int vsvm_bind_sched_init(struct vsvm_device *vdev)
{
	struct drm_sched_init_args args = {
		.ops = &vsvm_bind_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		/* run_job does the whole bind: one at a time is all there is. */
		.credit_limit = 1,
		.timeout = MAX_SCHEDULE_TIMEOUT,
		.name = vdev->bind_name,
		.dev = vdev->drm.dev,
	};

	snprintf(vdev->bind_name, sizeof(vdev->bind_name), "vsvm%u-bind", vdev->index);
	return drm_sched_init(&vdev->bind_sched, &args);
}

/**
 * vsvm_bind_sched_fini() - Tear down a device's bind scheduler
 * @vdev: The device; every VM is gone, so every bind job has finished.
 *
 * The jobs are freed from &vsvm_wq, which the caller drains afterwards.
 */
void vsvm_bind_sched_fini(struct vsvm_device *vdev)
{
	vsvm_sched_drain(vdev, &vdev->bind_sched);
	drm_sched_fini(&vdev->bind_sched);
}

/**
 * vsvm_bind_job_create() - Start a bind job on a VM's bind queue
 * @vm: The VM, its lock held.
 * @file: The file, for syncobj handles and the client id.
 * @in: Syncs the job waits for.
 * @num_in: Number of @in.
 *
 * Return: The job, initialised but not armed: arm and push it with
 * vsvm_bind_job_push(), or drop it with vsvm_bind_job_abort().  Or an
 * ERR_PTR(): -ENOMEM; -ENOENT or -EINVAL for an in-sync with no syncobj or
 * no fence.
 */
struct vsvm_bind_job *vsvm_bind_job_create(struct vsvm_vm *vm, struct drm_file *file,
					   const struct drm_vsvm_sync *in, u32 num_in)
{
	struct vsvm_device *vdev = vm->vdev;
	struct drm_gpu_scheduler *sched = &vdev->bind_sched;
	struct vsvm_bind_job *job;
	int ret;

	lockdep_assert_held(&vm->lock);
	if (!vm->bind_ready) {
		ret = drm_sched_entity_init(&vm->bind_entity, DRM_SCHED_PRIORITY_NORMAL,
					    &sched, 1, NULL);
		if (ret)
			return ERR_PTR(ret);
		vm->bind_ready = true;
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&job->dead);
	INIT_WORK(&job->free_work, bind_free_work);
	drm_gpuvm_get(&vm->gpuvm);
	job->vm = vm;

	ret = drm_sched_job_init(&job->base, &vm->bind_entity, 1, vm, file->client_id);
	if (ret) {
		vsvm_bind_job_free(job);
		return ERR_PTR(ret);
	}
	ret = vsvm_job_add_in_syncs(&job->base, file, in, num_in, "VM_BIND");
	if (ret) {
		vsvm_bind_job_abort(job);
		return ERR_PTR(ret);
	}
	return job;
}

/**
 * vsvm_bind_job_push() - Queue an armed bind job
 * @job: The job, armed, its fence in the reservations it needs.
 *
 * Called with &vsvm_vm.lock held; the job becomes the VM's last bind.
 */
void vsvm_bind_job_push(struct vsvm_bind_job *job)
{
	struct vsvm_vm *vm = job->vm;

	lockdep_assert_held(&vm->lock);
	dma_fence_put(vm->last_bind);
	vm->last_bind = dma_fence_get(&job->base.s_fence->finished);
	if (job->unmap) {
		dma_fence_put(vm->last_unmap);
		vm->last_unmap = dma_fence_get(vm->last_bind);
	}
	drm_sched_entity_push_job(&job->base);
}

/**
 * vsvm_bind_job_abort() - Drop a bind job that was not armed
 * @job: The job.
 */
void vsvm_bind_job_abort(struct vsvm_bind_job *job)
{
	drm_sched_job_cleanup(&job->base);
	vsvm_bind_job_free(job);
}

/**
 * vsvm_vm_wait_binds() - Wait for a VM's queued binds
 * @vm: The VM, its lock held.
 * @intr: Whether to wait interruptibly.
 *
 * Return: 0 once every bind queued on @vm has run; -ERESTARTSYS if
 * interrupted.
 */
int vsvm_vm_wait_binds(struct vsvm_vm *vm, bool intr)
{
	long ret;

	lockdep_assert_held(&vm->lock);
	if (!vm->last_bind)
		return 0;
	ret = dma_fence_wait(vm->last_bind, intr);
	if (ret)
		return ret;
	dma_fence_put(vm->last_bind);
	vm->last_bind = NULL;
	/* The bind queue runs in order: every UNMAP has run too. */
	dma_fence_put(vm->last_unmap);
	vm->last_unmap = NULL;
	return 0;
}

/**
 * vsvm_vm_wait_unmaps() - Wait for a VM's queued asynchronous UNMAPs
 * @vm: The VM, its lock held.
 * @intr: Whether to wait interruptibly.
 *
 * Return: 0 once every UNMAP queued on @vm has run (later MAPs may still be
 * queued); -ERESTARTSYS if interrupted.
 */
int vsvm_vm_wait_unmaps(struct vsvm_vm *vm, bool intr)
{
	long ret;

	lockdep_assert_held(&vm->lock);
	if (!vm->last_unmap)
		return 0;
	ret = dma_fence_wait(vm->last_unmap, intr);
	if (ret)
		return ret;
	dma_fence_put(vm->last_unmap);
	vm->last_unmap = NULL;
	return 0;
}

/**
 * vsvm_vm_bind_queue_fini() - Tear down a VM's bind queue
 * @vm: The VM, its lock held, being destroyed.
 *
 * Waits for every queued bind to run (they cannot be dropped: an UNMAP's
 * objects may only go once its entries are cleared), then destroys the
 * entity.
 */
void vsvm_vm_bind_queue_fini(struct vsvm_vm *vm)
{
	vsvm_vm_wait_binds(vm, false);
	if (vm->bind_ready)
		drm_sched_entity_destroy(&vm->bind_entity);
	vm->bind_ready = false;
}
