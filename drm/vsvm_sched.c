// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence-chain.h>
#include <linux/delay.h>
#include <linux/dma-resv.h>
#include <linux/hmm.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>

#include "vsvm_bind.h"
#include "vsvm_drv.h"
#include "vsvm_sched.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"

/**
 * DOC: scheduling and fences
 *
 * Each hardware queue has a drm_gpu_scheduler and beside it the queue's
 * hardware: an engine thread with a ring of jobs (see vsvm_hw.c).  Each pair
 * of a VM and a queue is a submission context with its own scheduler
 * entity, made at the context's first EXEC, so the jobs of a context run in
 * order and contexts share the queue fairly.  run_job only hands the job to
 * the ring and returns its hardware fence; up to %VSVM_HW_RING_JOBS jobs
 * are in the ring at once.
 *
 * A job's out-fence is its scheduler fence: it waits for the job's in-syncs
 * and implicit fences, and signals when the engine thread has signalled the
 * job's hardware fence, with the job's error.  Everything from run_job to
 * that signal is the fence-signalling path, annotated with
 * dma_fence_begin_signalling() (I2), except for an SVM VM's job.
 *
 * **Submission latency.**  The schedulers of a device's hardware queues
 * share one workqueue for their run_job and free_job work
 * (&vsvm_device.submit_wq), per-CPU and high priority rather than
 * drm_sched's default of an unbound ordered workqueue per scheduler: the
 * EXEC ioctl queues run_job on its own CPU, where the worker runs as soon as
 * the submitter leaves the ioctl, with no inter-processor interrupt to wake
 * an idle CPU; and the engine thread queues free_job on its own CPU when it
 * signals.  run_job stays serialised per scheduler, as a workqueue never
 * runs one work item twice at once, and free_job may run beside it as on
 * any driver's shared submit workqueue.  It is WQ_MEM_RECLAIM, since the
 * fence-signalling path (I2) runs on it.  A job of short commands given to
 * an idle engine even ends in run_job, so that its fence is signalled, and
 * its waiter woken, on the submitting CPU (see vsvm_hw.c).
 *
 * **Direct submission.**  A job that needs no scheduling skips drm_sched,
 * as i915 submitted a request to an idle engine from the request's add
 * rather than from a worker: when it has no dependency that has not
 * signalled (in-syncs, the VM's last bind, the implicit-sync fences),
 * its context has no job queued or unsignalled, the queue's engine is
 * idle, the context is not banned, the device not unplugged, and the VM
 * is not an SVM VM, the EXEC ioctl runs the job's short commands itself
 * (exec_direct_ok(), vsvm_hw_direct_run()), inside its drm_dev_enter()
 * section (I8) and a fence-signalling section (I2), with the VM's lock,
 * the reservations and the notifier lock held: the VM's lock orders the
 * EXECs of a context, and the job owns the engine (&vsvm_hw.cur) so that
 * no other context's job runs meanwhile, for the run only (taken after
 * the fence is in the reservations; if another job took the engine by
 * then, the job goes to the scheduler).  Its out-fence is a fence of
 * its own (&struct vsvm_direct_fence), in the reservations (the VM's
 * BOOKKEEP slot included, I1) before the job runs and in the out-syncs,
 * signalled with the job's error before the ioctl returns; a later job
 * of the context needs no dependency on it.  A stream that goes on with
 * a command for the engine thread (COPY, FILL, SPIN, or more than
 * %VSVM_ENGINE_INLINE_CMDS commands) goes to the scheduler at that
 * command, none run twice, and the fence signals with the scheduler's.
 * The module parameter ``direct_submit`` (default on, writable) turns
 * this off.  The job's accounting (queue statistics, fdinfo engine time,
 * fault records, trace events with ``vsvm_job_direct``) is the engine's.
 *
 * When a job runs longer than the device's timeout, the timeout handler
 * resets the queue's engine (vsvm_timedout_job(), see vsvm_hw.c): the job
 * ends with -ETIMEDOUT, its context is banned, and its jobs still queued
 * end with -ECANCELED without running; other contexts' jobs, in the ring
 * or not, run on.  Later EXECs on the banned context fail with -EIO.
 *
 * **Fault-capable jobs run beside, not before, dma-fence jobs.**  Each
 * hardware queue has two rings, each a scheduler feeding an engine thread
 * of its own: &vsvm_queue.sched and &vsvm_queue.hw for the jobs of ordinary
 * VMs, whose fences are dma-fences, and &vsvm_queue.lr_sched and
 * &vsvm_queue.lr_hw for those of SVM VMs, which take recoverable GPU faults
 * as they run (see vsvm_svm.c and vsvm_fault.c).  A fault may wait in
 * mmu_interval_read_begin() for an invalidation of its address space to
 * end, and a userptr invalidation of that same address space waits for the
 * jobs that may reach the userptr.  Were those jobs queued behind the
 * faulting job, neither could go on: so a dma-fence job never waits for a
 * faulting job to leave the hardware, as Xe's engine groups switch a
 * faulting queue out before running a dma-fence job.  (An EXEC may still
 * make a dma-fence job wait for an SVM job's fence through an in-sync;
 * that is userspace's own deadlock to avoid, as with any long-running
 * fence.)
 *
 * **Long-running mode.**  A job of an SVM VM may wait for memory while it
 * resolves a fault, so its fence cannot be promised to signal in bounded
 * time (Documentation/gpu/drm-vm-bind-async.rst, long-running workloads):
 * it never leaves the driver.  EXEC and SVM_PREFETCH on an SVM VM refuse
 * out-syncs, the fence goes into no reservation (the VM's own included;
 * an SVM VM maps no object), and the job's end is told to userspace by
 * its user fence, written by vsvm_job_write_user_fence() when run_job ends
 * the job, which wakes WAIT_USER_FENCE.  Teardown waits for the VM's jobs
 * through &vsvm_vm.lr_jobs, dropped when the scheduler frees a job, instead
 * of through the VM's reservation.  These jobs run outside any
 * dma_fence_begin_signalling() section; every other job runs inside one.
 *
 * Implicit sync: an EXEC waits for, and adds its fence to, the reservation
 * of every object mapped in its VM, as the command stream may reach any of
 * them: objects with a writable mapping are waited on for all their fences
 * and get the job's fence with DMA_RESV_USAGE_WRITE; objects mapped only
 * read-only are waited on for their writers and get DMA_RESV_USAGE_READ.
 * The VM's own reservation gets the fence with DMA_RESV_USAGE_BOOKKEEP,
 * which is what VM_BIND UNMAP and VM teardown wait for.  None of this for
 * an SVM VM's job (long-running mode, above).
 */

static bool direct_submit = true;
module_param(direct_submit, bool, 0644);
MODULE_PARM_DESC(direct_submit,
		 "Run a short job on an idle queue in the EXEC ioctl, without the scheduler (default on)");

/**
 * struct vsvm_direct_fence - The out-fence of a job the EXEC ioctl runs
 *
 * Each has a fence context of its own, never drm_sched's: it signals in
 * the ioctl, or, if the job goes on with the engine thread, when the
 * job's scheduler fence does (@cb).
 */
struct vsvm_direct_fence {
	/** @base: The fence; freed by dma_fence_free() (first member). */
	struct dma_fence base;
	/** @cb: On the scheduler fence of a job left to the engine thread. */
	struct dma_fence_cb cb;
	/** @lock: The fence's lock. */
	spinlock_t lock;
};

static const char *direct_fence_driver_name(struct dma_fence *fence)
{
	return "vsvm";
}

static const char *direct_fence_timeline_name(struct dma_fence *fence)
{
	return "vsvm-direct";
}

static const struct dma_fence_ops vsvm_direct_fence_ops = {
	.get_driver_name = direct_fence_driver_name,
	.get_timeline_name = direct_fence_timeline_name,
};

/* The scheduler fence of a job left to the engine thread has signalled. */
static void direct_fence_cb(struct dma_fence *sched_fence, struct dma_fence_cb *cb)
{
	struct vsvm_direct_fence *df = container_of(cb, struct vsvm_direct_fence, cb);

	if (sched_fence->error)
		dma_fence_set_error(&df->base, sched_fence->error);
	dma_fence_signal(&df->base);
	dma_fence_put(&df->base);
}

static struct vsvm_job *to_vsvm_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct vsvm_job, base);
}

/*
 * Hands the job to the queue's hardware (see vsvm_hw.c), which may run a
 * short job to its end at once, and returns its hardware fence: never
 * sleeps, never allocates.
 */
static struct dma_fence *vsvm_run_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct vsvm_queue *q = job->q;

	/*
	 * A dependency failed, or the entity was killed: don't run.  A job
	 * with a user fence still goes to the engine, which writes the fence
	 * without running the job (see vsvm_job_write_user_fence()).
	 */
	if (unlikely(sched_job->s_fence->finished.error)) {
		if (!job->eng.ufence)
			return NULL;
		job->eng.skip = true;
	}

	trace_vsvm_job_run(q->vdev->index, job->eng.vm ? job->eng.vm->client_id : 0, q->index,
			   sched_job->s_fence->finished.seqno);
	return vsvm_hw_submit(job->eng.hw, job);
}

/*
 * Resets the queue's engine, as a driver resets hardware: see the DOC of
 * vsvm_hw.c.  Never waits for the engine thread beyond VSVM_HW_STOP_MS.
 */
static enum drm_gpu_sched_stat vsvm_timedout_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);
	struct drm_gpu_scheduler *sched = sched_job->sched;
	struct vsvm_queue *q = job->q;
	struct vsvm_hw *hw = job->eng.hw;
	u64 timeout_ns = (u64)q->vdev->job_timeout_ms * NSEC_PER_MSEC;
	struct drm_sched_job *s_job;
	bool stopped;
	u32 vm_id;

	/*
	 * The timer runs for the oldest pending job, which may be parked on a
	 * fault while the engine runs other contexts' jobs: time parked is not
	 * time on the engine.  Unless the engine's job has had the timeout,
	 * put the job back (drm_sched_job_timedout() took it off the list)
	 * and let the timer run again.
	 */
	if (!vsvm_hw_hung(hw, timeout_ns, false, NULL)) {
		spin_lock(&sched->job_list_lock);
		list_add(&sched_job->list, &sched->pending_list);
		spin_unlock(&sched->job_list_lock);
		return DRM_GPU_SCHED_STAT_NOMINAL;
	}

	/* Stop the ring's engine at a preemption point (bounded). */
	stopped = vsvm_hw_stop(hw);
	if (!stopped)
		drm_info(&q->vdev->drm, "queue %u: engine did not stop within %u ms\n",
			 q->index, VSVM_HW_STOP_MS);

	/* run_job never blocks: drm_sched_stop() waits for it briefly only. */
	drm_sched_stop(sched, sched_job);

	/*
	 * The guilty job is the engine's, unless it has just finished (not
	 * necessarily @sched_job): the engine ends it with -ETIMEDOUT at its
	 * next preemption point, and its context is banned (the engine
	 * cancels the context's later jobs).  Jobs parked on a fault stay
	 * parked and resume when their fault is resolved.
	 */
	if (vsvm_hw_hung(hw, timeout_ns, true, &vm_id)) {
		if (vm_id)
			drm_info(&q->vdev->drm,
				 "queue %u: job of VM %u timed out, context banned\n",
				 q->index, vm_id);
		else
			drm_info(&q->vdev->drm,
				 "%s: migration job timed out; its pages stay where they were\n",
				 q->name);
		atomic64_inc(&q->timeouts);
	}

	/*
	 * drm_sched_stop() took the hardware fences' callbacks off: the jobs
	 * are still in the ring, in order, so give them their fences back and
	 * drm_sched_start() waits on them again (rather than cancelling them).
	 */
	list_for_each_entry(s_job, &sched->pending_list, list) {
		struct dma_fence *hw_fence = to_vsvm_job(s_job)->hw_fence;

		if (!s_job->s_fence->parent && hw_fence->ops)
			s_job->s_fence->parent = dma_fence_get(hw_fence);
	}
	drm_sched_start(sched);
	vsvm_hw_start(hw);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void vsvm_job_free(struct vsvm_job *job)
{
	struct vsvm_vm *vm = job->eng.vm;

	vsvm_hw_fence_free(job->hw_fence);
	/* Long-running mode: teardown waits for this, not for a fence. */
	if (job->lr && atomic_dec_and_test(&vm->lr_jobs))
		wake_up_var(&vm->lr_jobs);
	/* A migration job has no VM. */
	if (vm)
		vsvm_vm_put(vm);
	kfree(job);
}

static void vsvm_free_job(struct drm_sched_job *sched_job)
{
	struct vsvm_job *job = to_vsvm_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	vsvm_job_free(job);
}

static const struct drm_sched_backend_ops vsvm_sched_ops = {
	.run_job = vsvm_run_job,
	.timedout_job = vsvm_timedout_job,
	.free_job = vsvm_free_job,
};

/* One ring of a queue: its engine thread, and the scheduler feeding it. */
static int ring_init(struct drm_gpu_scheduler *sched, struct vsvm_hw *hw,
		     struct drm_sched_init_args *args, const char *name)
{
	int ret;

	ret = vsvm_hw_init(hw, name);
	if (ret)
		return ret;
	args->name = name;
	ret = drm_sched_init(sched, args);
	if (ret)
		vsvm_hw_fini(hw);
	return ret;
}

static void ring_fini(struct drm_gpu_scheduler *sched, struct vsvm_hw *hw)
{
	drm_sched_fini(sched);
	vsvm_hw_fini(hw);
}

/**
 * vsvm_queues_init() - Set up a device's hardware queues
 * @vdev: The device, with &vsvm_device.num_queues and
 *        &vsvm_device.job_timeout_ms set.
 *
 * Return: 0 on success, a negative errno on failure (nothing is left set up).
 */
int vsvm_queues_init(struct vsvm_device *vdev)
{
	u32 i;
	int ret;

	/* Submission latency: see the DOC above. */
	vdev->submit_wq = alloc_workqueue("vsvm%u-submit", WQ_HIGHPRI | WQ_MEM_RECLAIM, 0,
					  vdev->index);
	if (!vdev->submit_wq)
		return -ENOMEM;
	ret = vsvm_fault_queue_init(vdev);
	if (ret) {
		destroy_workqueue(vdev->submit_wq);
		vdev->submit_wq = NULL;
		return ret;
	}
	for (i = 0; i < vdev->num_queues; i++) {
		struct vsvm_queue *q = &vdev->queues[i];
		struct drm_sched_init_args args = {
			.ops = &vsvm_sched_ops,
			.submit_wq = vdev->submit_wq,
			.num_rqs = DRM_SCHED_PRIORITY_COUNT,
			/* Jobs in the ring at once: see vsvm_hw.c. */
			.credit_limit = VSVM_HW_RING_JOBS,
			.timeout = msecs_to_jiffies(vdev->job_timeout_ms),
			.dev = vdev->drm.dev,
		};

		q->vdev = vdev;
		q->index = i;
		snprintf(q->name, sizeof(q->name), "vsvm%u-q%u", vdev->index, i);
		snprintf(q->lr_name, sizeof(q->lr_name), "vsvm%u-q%u-lr", vdev->index, i);
		ret = ring_init(&q->sched, &q->hw, &args, q->name);
		if (ret)
			goto err;
		ret = ring_init(&q->lr_sched, &q->lr_hw, &args, q->lr_name);
		if (ret) {
			ring_fini(&q->sched, &q->hw);
			goto err;
		}
	}
	return 0;

err:
	while (i--) {
		ring_fini(&vdev->queues[i].lr_sched, &vdev->queues[i].lr_hw);
		ring_fini(&vdev->queues[i].sched, &vdev->queues[i].hw);
	}
	vsvm_fault_queue_fini(vdev);
	destroy_workqueue(vdev->submit_wq);
	vdev->submit_wq = NULL;
	return ret;
}

/**
 * vsvm_queues_fini() - Tear down a device's hardware queues
 * @vdev: The device; no job may be left.
 */
void vsvm_queues_fini(struct vsvm_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_queues; i++) {
		vsvm_sched_drain(vdev, &vdev->queues[i].lr_sched);
		vsvm_sched_drain(vdev, &vdev->queues[i].sched);
	}
	/*
	 * The engine threads post faults to the fault queue, whose workers
	 * replay the jobs into the rings: neither may outlive the other while
	 * a job is parked.  Every job has normally ended by now, but if a
	 * drain above timed out, a job may still be parked, its fault queued
	 * or being resolved.  So: first no ring parks a job or posts a fault
	 * any more (a job that faults ends with -ENODEV), then the fault queue
	 * is destroyed, which waits for the faults in flight, whose replays
	 * reach engine threads that still run and end the jobs; only then do
	 * the rings stop.  A replay never reaches a stopped ring, and no fault
	 * is posted to a destroyed queue.
	 */
	for (i = 0; i < vdev->num_queues; i++) {
		vsvm_hw_close(&vdev->queues[i].lr_hw);
		vsvm_hw_close(&vdev->queues[i].hw);
	}
	vsvm_fault_queue_fini(vdev);
	for (i = 0; i < vdev->num_queues; i++) {
		ring_fini(&vdev->queues[i].lr_sched, &vdev->queues[i].lr_hw);
		ring_fini(&vdev->queues[i].sched, &vdev->queues[i].hw);
	}
	/* drm_sched_fini() leaves a workqueue it did not allocate alone. */
	destroy_workqueue(vdev->submit_wq);
	vdev->submit_wq = NULL;
}

/**
 * vsvm_queues_drain() - Let a device's schedulers free their finished jobs
 * @vdev: The device; every job has finished.
 */
void vsvm_queues_drain(struct vsvm_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_queues; i++) {
		vsvm_sched_drain(vdev, &vdev->queues[i].lr_sched);
		vsvm_sched_drain(vdev, &vdev->queues[i].sched);
	}
}

/**
 * vsvm_queues_cancel() - End every job on a device's rings, at its unplug
 * @vdev: The device, unplugged (drm_dev_unplug()).
 *
 * I8: the jobs in the rings end with -ENODEV (vsvm_hw_cancel()), and so
 * does every job handed to a ring later: hw_run() runs none after the
 * unplug.  They still go through the ring, so that their fences signal
 * in order: a VM's reservation keeps only the last fence of a context,
 * and teardown must not see it signalled while an earlier job runs.
 * Their fences, and the syncobjs carrying them, signal with -ENODEV.
 */
void vsvm_queues_cancel(struct vsvm_device *vdev)
{
	u32 i;

	for (i = 0; i < vdev->num_queues; i++) {
		vsvm_hw_cancel(&vdev->queues[i].hw);
		vsvm_hw_cancel(&vdev->queues[i].lr_hw);
	}
}

/**
 * vsvm_sched_drain() - Let a scheduler free its finished jobs
 * @vdev: The device.
 * @sched: One of its schedulers, every job of which has finished.
 *
 * Every job has finished (a VM waits for its jobs when torn down), but the
 * scheduler frees them from its workqueue, and drm_sched_fini() only cancels
 * that work: let it run first.
 */
void vsvm_sched_drain(struct vsvm_device *vdev, struct drm_gpu_scheduler *sched)
{
	u32 tries;

	for (tries = 0; tries < 500; tries++) {
		flush_workqueue(sched->submit_wq);
		if (list_empty_careful(&sched->pending_list))
			break;
		msleep(20);
	}
	drm_WARN_ON(&vdev->drm, !list_empty_careful(&sched->pending_list));
}

/**
 * vsvm_ctx_fini() - Tear down a submission context
 * @ctx: The context; no EXEC may use it any more.
 *
 * Waits for the context's queued jobs to reach the hardware (or drops them
 * if the process is exiting); jobs already there run on.
 */
void vsvm_ctx_fini(struct vsvm_ctx *ctx)
{
	if (ctx->ready)
		drm_sched_entity_destroy(&ctx->entity);
	ctx->ready = false;
}

/* What the job does to @obj: write it if any mapping in @vm is writable. */
static bool vm_writes(struct vsvm_vm *vm, struct drm_gem_object *obj)
{
	struct drm_gpuvm_bo *vm_bo;
	struct drm_gpuva *va;

	drm_gem_for_each_gpuvm_bo(vm_bo, obj) {
		if (vm_bo->vm != &vm->gpuvm)
			continue;
		drm_gpuvm_bo_for_each_va(va, vm_bo)
			if (!container_of(va, struct vsvm_vma, base)->read_only)
				return true;
	}
	return false;
}

/*
 * The usage of a job's fence in a reservation EXEC locked: for an external
 * object, by its mappings; for the VM's own, by its private objects
 * (vsvm_vm_private_usage(), %DMA_RESV_USAGE_BOOKKEEP if it maps none).
 */
static enum dma_resv_usage exec_usage(struct vsvm_vm *vm, struct drm_gem_object *obj)
{
	if (obj == drm_gpuvm_resv_obj(&vm->gpuvm))
		return vsvm_vm_private_usage(vm);
	return vm_writes(vm, obj) ? DMA_RESV_USAGE_WRITE : DMA_RESV_USAGE_READ;
}

/*
 * Whether the EXEC ioctl may run @job itself (see the DOC on direct
 * submission): with @vm->lock held, which orders the EXECs of @ctx, and
 * the reservations and notifier lock EXEC takes, after every dependency
 * was added.  It has no dependency that has not signalled,
 * the context has no job queued in its entity, and the last job the
 * scheduler took of it has signalled: every earlier job of the context
 * has ended, and none can be queued before this EXEC ends.
 */
static bool exec_direct_ok(struct vsvm_vm *vm, struct vsvm_ctx *ctx, struct vsvm_job *job)
{
	struct drm_sched_entity *entity = &ctx->entity;
	struct dma_fence *f;
	unsigned long index;
	bool idle;

	lockdep_assert_held(&vm->lock);
	if (!READ_ONCE(direct_submit) || vm->svm || job->eng.ufence || job->eng.prefetch ||
	    READ_ONCE(ctx->banned) || drm_dev_is_unplugged(&vm->vdev->drm) ||
	    vsvm_debug_engine_hooked(vm->vdev))
		return false;
	/*
	 * In-syncs, the VM's last bind, implicit sync: all signalled.  A
	 * dependency's error is not the job's, as with the scheduler.
	 */
	xa_for_each(&job->base.dependencies, index, f)
		if (!dma_fence_is_signaled(f))
			return false;
	if (spsc_queue_count(&entity->job_queue))
		return false;
	/* Pairs with the smp_wmb() of drm_sched_entity_pop_job(). */
	smp_rmb();
	rcu_read_lock();
	f = rcu_dereference(entity->last_scheduled);
	idle = !f || dma_fence_is_signaled(f);
	rcu_read_unlock();
	return idle;
}

/**
 * vsvm_out_syncs_prepare() - Look up out-syncobjs and preallocate chain links
 * @out: Out: the prepared syncs; release with vsvm_out_syncs_release().
 * @file: The file owning the handles.
 * @syncs: The syncs, checked by the ioctl layer.
 * @count: Number of @syncs.
 *
 * Done before anything is committed, so that signalling cannot fail.
 *
 * Return: 0 on success, -ENOENT for an unknown handle, -ENOMEM.
 */
int vsvm_out_syncs_prepare(struct vsvm_out_syncs *out, struct drm_file *file,
			   const struct drm_vsvm_sync *syncs, u32 count)
{
	u32 i;

	*out = (struct vsvm_out_syncs){ .syncs = syncs, .count = count };
	if (!count)
		return 0;
	out->objs = kcalloc(count, sizeof(*out->objs), GFP_KERNEL);
	out->chains = kcalloc(count, sizeof(*out->chains), GFP_KERNEL);
	if (!out->objs || !out->chains)
		return -ENOMEM;
	for (i = 0; i < count; i++) {
		out->objs[i] = drm_syncobj_find(file, syncs[i].handle);
		if (!out->objs[i])
			return -ENOENT;
		if (syncs[i].flags & DRM_VSVM_SYNC_TIMELINE) {
			out->chains[i] = dma_fence_chain_alloc();
			if (!out->chains[i])
				return -ENOMEM;
		}
	}
	return 0;
}

/**
 * vsvm_out_syncs_signal() - Put a fence in every out-syncobj
 * @out: Prepared syncs.
 * @fence: The fence: a binary syncobj's new fence, or a timeline's point.
 */
void vsvm_out_syncs_signal(struct vsvm_out_syncs *out, struct dma_fence *fence)
{
	u32 i;

	for (i = 0; i < out->count; i++) {
		if (out->syncs[i].flags & DRM_VSVM_SYNC_TIMELINE) {
			drm_syncobj_add_point(out->objs[i], out->chains[i], fence,
					      out->syncs[i].point);
			out->chains[i] = NULL;
		} else {
			drm_syncobj_replace_fence(out->objs[i], fence);
		}
	}
}

/**
 * vsvm_out_syncs_release() - Drop what vsvm_out_syncs_prepare() took
 * @out: The syncs, signalled or not.
 */
void vsvm_out_syncs_release(struct vsvm_out_syncs *out)
{
	u32 i;

	for (i = 0; out->objs && i < out->count; i++) {
		if (out->objs[i])
			drm_syncobj_put(out->objs[i]);
		if (out->chains)
			dma_fence_chain_free(out->chains[i]);
	}
	kfree(out->objs);
	kfree(out->chains);
}

/**
 * vsvm_job_add_in_syncs() - Make a job wait for its in-syncs
 * @job: The scheduler job, initialised and not armed.
 * @file: The file owning the syncobj handles.
 * @in: The in-syncs, checked by the ioctl layer.
 * @num_in: Number of @in.
 * @ioctl: The ioctl's name, for debug messages.
 *
 * drm_sched_job_add_syncobj_dependency() takes the timeline point as a u32:
 * an in-sync at point 2^32 + 5 would wait for point 5 only.  The fence is
 * looked up here with the whole 64-bit point (drm_syncobj_find_fence()).
 *
 * Return: 0 on success; -ENOENT for a handle that is not a syncobj of
 * @file; -EINVAL for a syncobj with no fence, or a timeline point that was
 * not submitted yet (drm_syncobj_find_fence()'s errors); -ENOMEM.
 */
int vsvm_job_add_in_syncs(struct drm_sched_job *job, struct drm_file *file,
			  const struct drm_vsvm_sync *in, u32 num_in, const char *ioctl)
{
	struct dma_fence *fence;
	u32 i;
	int ret;

	for (i = 0; i < num_in; i++) {
		ret = drm_syncobj_find_fence(file, in[i].handle, in[i].point, 0, &fence);
		if (ret) {
			drm_dbg(file->minor->dev, "%s: in-sync %u (handle %u, point %llu): %s\n",
				ioctl, i, in[i].handle, in[i].point,
				ret == -ENOENT ? "no such syncobj" : "no fence at that point");
			return ret;
		}
		/* Consumes the reference, even on failure. */
		ret = drm_sched_job_add_dependency(job, fence);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * vsvm_exec() - Submit a command stream
 * @vdev: The device.
 * @file: The submitting file, for syncobj handles.
 * @vm: The VM, referenced by the caller; the job takes its own reference.
 * @queue: The hardware queue, checked.
 * @cs_addr: GPU address of the command stream, checked.
 * @cs_size: Its size in bytes, checked.
 * @prefetch: For an SVM prefetch of [@cs_addr, +@cs_size) rather than a
 *            command stream (@vm is an SVM VM): where its pages go
 *            (&enum vsvm_svm_loc); NULL for a command stream.
 * @in: In-syncs, checked.
 * @num_in: Number of @in.
 * @out: Out-syncs, checked (none for an SVM VM).
 * @num_out: Number of @out.
 * @ufence: The user fence the job writes when it ends, checked (an SVM
 *          VM's job only), or NULL.
 *
 * Return: 0 on success; -ENOENT for a destroyed VM or an unknown syncobj;
 * -EINVAL for an in-sync without a fence (at its point); -EIO for a banned
 * context;
 * -EPERM for a userptr of another address space, or an SVM VM of another
 * address space; -EFAULT for a userptr
 * whose pages cannot be had; -EAGAIN when a userptr kept being invalidated
 * for %HMM_RANGE_DEFAULT_TIMEOUT ms; -ENOMEM; -EINTR/-ERESTARTSYS.
 */
int vsvm_exec(struct vsvm_device *vdev, struct drm_file *file, struct vsvm_vm *vm,
	      u32 queue, u64 cs_addr, u64 cs_size, const enum vsvm_svm_loc *prefetch,
	      const struct drm_vsvm_sync *in, u32 num_in,
	      const struct drm_vsvm_sync *out, u32 num_out,
	      const struct vsvm_ufence *ufence)
{
	/* The notifier lock of the VM's userptrs, if it maps any. */
	struct mutex *up_lock;
	unsigned long deadline;
	struct vsvm_out_syncs syncs;
	struct drm_gem_object *obj;
	struct dma_fence *fence;
	struct vsvm_direct_fence *df = NULL;
	struct drm_exec exec;
	struct vsvm_job *job;
	struct vsvm_ctx *ctx;
	bool direct = false;
	int ret;

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	/* Direct submission may apply (exec_direct_ok()): its fence, ahead. */
	if (READ_ONCE(direct_submit) && !vm->svm && !ufence && !prefetch) {
		df = kzalloc(sizeof(*df), GFP_KERNEL);
		if (!df) {
			kfree(job);
			return -ENOMEM;
		}
	}
	drm_gpuvm_get(&vm->gpuvm);
	job->eng = (struct vsvm_engine_job){
		.vdev = vdev, .vm = vm, .queue = queue,
		.cs_addr = cs_addr, .cs_size = cs_size, .prefetch = !!prefetch,
		.prefetch_loc = prefetch ? *prefetch : VSVM_SVM_LOC_ANY,
	};
	job->eng.resume.spurious_addr = U64_MAX;
	vsvm_fault_init(&job->fault);
	if (ufence) {
		job->eng.ufence = true;
		job->eng.ufence_addr = ufence->addr;
		job->eng.ufence_value = ufence->value;
	}
	job->q = &vdev->queues[queue];
	/* An SVM VM's jobs may fault: see the DOC on their ring. */
	job->eng.hw = vm->svm ? &job->q->lr_hw : &job->q->hw;
	job->hw_fence = vsvm_hw_fence_alloc();
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_job;
	}

	ret = vsvm_out_syncs_prepare(&syncs, file, out, num_out);
	if (ret)
		goto err_vm;

	mutex_lock(&vm->lock);
	if (vm->destroyed) {
		ret = -ENOENT;
		goto err_unlock;
	}
	/*
	 * A queued UNMAP clears its range when it runs, where this EXEC may
	 * write entries now: wait for it.  Other queued binds are a dependency
	 * of the job (below, and see vsvm_bind.c).
	 */
	ret = vsvm_vm_wait_unmaps(vm, true);
	if (ret)
		goto err_unlock;
	ctx = &vm->ctx[queue];
	if (READ_ONCE(ctx->banned)) {
		drm_dbg(&vdev->drm, "EXEC: VM %u on queue %u is banned\n", vm->id, queue);
		ret = -EIO;
		goto err_unlock;
	}
	if (!ctx->ready) {
		struct drm_gpu_scheduler *sched = vm->svm ? &job->q->lr_sched :
							    &job->q->sched;

		ret = drm_sched_entity_init(&ctx->entity, DRM_SCHED_PRIORITY_NORMAL,
					    &sched, 1, NULL);
		if (ret)
			goto err_unlock;
		ctx->fence_ctx = dma_fence_context_alloc(1);
		ctx->hw_seqno = 0;
		ctx->ready = true;
	}
	job->ctx = ctx;

	ret = drm_sched_job_init(&job->base, &ctx->entity, 1, vm, file->client_id);
	if (ret)
		goto err_unlock;

	ret = vsvm_job_add_in_syncs(&job->base, file, in, num_in, "EXEC");
	if (ret)
		goto err_cleanup;

	/* The job runs after the VM's queued binds (a MAP's entries). */
	if (vm->last_bind) {
		ret = drm_sched_job_add_dependency(&job->base, dma_fence_get(vm->last_bind));
		if (ret)
			goto err_cleanup;
	}

	/* I7: an SVM VM runs jobs for the address space it mirrors only. */
	ret = vsvm_svm_check_mm(vm);
	if (ret)
		goto err_cleanup;

	deadline = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
retry:
	/* Userptrs: I7, and the first half of I3 (see vsvm_userptr.c). */
	ret = vsvm_vm_userptr_prepare(vm);
	if (ret)
		goto err_cleanup;

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT | DRM_EXEC_IGNORE_DUPLICATES, 0);
	ret = vsvm_vm_lock_objects(vm, &exec);
	if (ret)
		goto err_exec;
	/*
	 * I9: the VM's reservation and the external objects' only, with room
	 * for the job's fence: the VM's covers its private objects.
	 */
	drm_exec_for_each_locked_object(&exec, obj) {
		enum dma_resv_usage usage = exec_usage(vm, obj);

		/* The VM's own fences: binds are ordered by @vm->last_bind. */
		if (usage == DMA_RESV_USAGE_BOOKKEEP)
			continue;
		ret = drm_sched_job_add_resv_dependencies(&job->base, obj->resv,
							  usage == DMA_RESV_USAGE_WRITE ?
							  DMA_RESV_USAGE_READ :
							  DMA_RESV_USAGE_WRITE);
		if (ret)
			goto err_exec;
	}

	/* I9: imported objects that their exporter moved are mapped again. */
	ret = vsvm_vm_import_commit_locked(vm);
	if (ret)
		goto err_exec;

	/*
	 * The second half of I3: under the notifier lock of the userptrs'
	 * address space (the caller's, I7), the userptrs still have the pages
	 * prepared above, their entries are written, and the job's fence is
	 * in the VM's and their reservations before an invalidation can look
	 * for it.
	 */
	up_lock = vsvm_vm_userptr_lock(vm);
	if (up_lock)
		mutex_lock(up_lock);
	ret = vsvm_vm_userptr_commit_locked(vm);
	if (ret == -EAGAIN) {
		if (up_lock)
			mutex_unlock(up_lock);
		drm_exec_fini(&exec);
		/*
		 * Bounded, as vsvm_userptr_populate() is: an address space
		 * that invalidates without pause must not keep EXEC (inside
		 * drm_dev_enter()) here; drmIoctl() restarts -EAGAIN.
		 */
		if (time_after(jiffies, deadline)) {
			drm_dbg(&vdev->drm, "EXEC: VM %u: a userptr kept being invalidated\n",
				vm->id);
			goto err_cleanup;
		}
		goto retry;
	}
	if (ret) {
		if (up_lock)
			mutex_unlock(up_lock);
		goto err_exec;
	}

	if (df && exec_direct_ok(vm, ctx, job)) {
		/*
		 * Direct submission: the job's fence, of a context of its
		 * own, is in the reservations before it runs (implicit sync,
		 * I1 step 2), as a scheduled job's is before run_job.
		 */
		spin_lock_init(&df->lock);
		dma_fence_init(&df->base, &vsvm_direct_fence_ops, &df->lock,
			       dma_fence_context_alloc(1), 1);
		/* The ioctl's reference, dropped below as the scheduler fence's is. */
		fence = &df->base;
		df = NULL;
		trace_vsvm_job_submit(vm->vdev->index, vm->client_id, vm->id, queue, cs_addr,
				      cs_size, fence->context, fence->seqno);
		drm_exec_for_each_locked_object(&exec, obj)
			dma_resv_add_fence(obj->resv, fence, exec_usage(vm, obj));
		/*
		 * The engine is taken only now, for the run alone: the loop
		 * above is as long as the VM has objects, and the engine
		 * thread takes no job while this thread owns the engine.
		 */
		if (vsvm_hw_direct_begin(job->eng.hw, job)) {
			ret = vsvm_hw_direct_run(job->eng.hw, job, fence, fence->seqno);
			direct = ret != -EINPROGRESS;
		}
		if (!direct) {
			/*
			 * A command for the engine thread, or the engine was
			 * busy: the job goes to the scheduler, resuming at
			 * that command (none runs twice), and its fence
			 * signals with the scheduler's.  Its context has
			 * nothing queued, so it is next.
			 */
			struct vsvm_direct_fence *f = container_of(fence, typeof(*f), base);

			drm_sched_job_arm(&job->base);
			dma_fence_get(fence);
			if (dma_fence_add_callback(&job->base.s_fence->finished, &f->cb,
						   direct_fence_cb))
				direct_fence_cb(&job->base.s_fence->finished, &f->cb);
			drm_sched_entity_push_job(&job->base);
		}
		goto out_unlock;
	}

	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	trace_vsvm_job_submit(vm->vdev->index, vm->client_id, vm->id, queue, cs_addr, cs_size,
			      fence->context, fence->seqno);
	if (vm->svm) {
		/* I2, long-running mode: the fence goes nowhere; teardown counts. */
		job->lr = true;
		atomic_inc(&vm->lr_jobs);
	} else {
		drm_exec_for_each_locked_object(&exec, obj)
			dma_resv_add_fence(obj->resv, fence, exec_usage(vm, obj));
	}
	drm_sched_entity_push_job(&job->base);
out_unlock:
	if (up_lock)
		mutex_unlock(up_lock);
	drm_exec_fini(&exec);
	mutex_unlock(&vm->lock);

	vsvm_out_syncs_signal(&syncs, fence);
	vsvm_out_syncs_release(&syncs);
	dma_fence_put(fence);
	/* A job that ended in the ioctl never reached the scheduler. */
	if (direct) {
		drm_sched_job_cleanup(&job->base);
		vsvm_job_free(job);
	}
	kfree(df);
	return 0;

err_exec:
	drm_exec_fini(&exec);
err_cleanup:
	drm_sched_job_cleanup(&job->base);
err_unlock:
	mutex_unlock(&vm->lock);
err_vm:
	vsvm_out_syncs_release(&syncs);
err_job:
	vsvm_job_free(job);
	kfree(df);
	return ret;
}

/**
 * vsvm_migq_create() - Make a device's migration queue
 * @vdev: The device, with VRAM, being probed.
 *
 * Return: the queue, or an ERR_PTR(): -ENOMEM, or an error of the engine
 * thread's or the scheduler's creation.
 */
struct vsvm_migq *vsvm_migq_create(struct vsvm_device *vdev)
{
	struct drm_sched_init_args args = {
		.ops = &vsvm_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		/* A copy never waits: one ring, as a user queue's. */
		.credit_limit = VSVM_HW_RING_JOBS,
		.timeout = msecs_to_jiffies(vdev->job_timeout_ms),
		.dev = vdev->drm.dev,
	};
	struct drm_gpu_scheduler *sched;
	struct vsvm_migq *mq;
	int ret;

	mq = kzalloc(sizeof(*mq), GFP_KERNEL);
	if (!mq)
		return ERR_PTR(-ENOMEM);
	mq->q.vdev = vdev;
	mq->q.index = VSVM_MIGQ_INDEX;
	mutex_init(&mq->lock);
	snprintf(mq->q.name, sizeof(mq->q.name), "vsvm%u-migrate", vdev->index);
	/* I2: the fence-signalling path runs on it, as on the submit queue. */
	mq->wq = alloc_ordered_workqueue("%s", WQ_HIGHPRI | WQ_MEM_RECLAIM, mq->q.name);
	if (!mq->wq) {
		ret = -ENOMEM;
		goto err_free;
	}
	args.submit_wq = mq->wq;
	ret = ring_init(&mq->q.sched, &mq->q.hw, &args, mq->q.name);
	if (ret)
		goto err_wq;
	sched = &mq->q.sched;
	ret = drm_sched_entity_init(&mq->ctx.entity, DRM_SCHED_PRIORITY_KERNEL, &sched, 1, NULL);
	if (ret)
		goto err_ring;
	mq->ctx.fence_ctx = dma_fence_context_alloc(1);
	mq->ctx.ready = true;
	return mq;

err_ring:
	ring_fini(&mq->q.sched, &mq->q.hw);
err_wq:
	destroy_workqueue(mq->wq);
err_free:
	mutex_destroy(&mq->lock);
	kfree(mq);
	return ERR_PTR(ret);
}

/**
 * vsvm_migq_destroy() - Tear a device's migration queue down
 * @mq: The queue, or NULL; no migration may start any more (the device's
 *      VRAM is empty and going).
 */
void vsvm_migq_destroy(struct vsvm_migq *mq)
{
	if (!mq)
		return;
	vsvm_ctx_fini(&mq->ctx);
	vsvm_sched_drain(mq->q.vdev, &mq->q.sched);
	ring_fini(&mq->q.sched, &mq->q.hw);
	destroy_workqueue(mq->wq);
	mutex_destroy(&mq->lock);
	kfree(mq);
}

/**
 * vsvm_migq_run() - Copy pages with a job on the migration queue, and wait
 * @mq: The device's migration queue.
 * @mp: The pages, DMA-mapped, with &vsvm_migrate_pages.done zero; the
 *      caller keeps them mapped until this returns.
 * @ns: Out: the job's time from its push to its fence's signal.
 *
 * Everything the job needs is allocated before it is pushed; its run
 * allocates nothing (vsvm_engine_migrate(), I2).  The wait is bounded by
 * the queue's timeout: a job that runs longer is killed by the
 * scheduler's timeout handler (vsvm_timedout_job()) and ends at its next
 * page.  &vsvm_migrate_pages.done then says which pages were copied.
 *
 * Return: 0 if every page was copied; -ENOMEM before the push; the job's
 * error: -EFAULT (the DMA checker refused a page), -ETIMEDOUT (killed).
 */
int vsvm_migq_run(struct vsvm_migq *mq, struct vsvm_migrate_pages *mp, u64 *ns)
{
	struct vsvm_device *vdev = mq->q.vdev;
	struct dma_fence *fence;
	struct vsvm_job *job;
	u64 t0;
	int ret;

	*ns = 0;
	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job)
		return -ENOMEM;
	job->eng = (struct vsvm_engine_job){
		.vdev = vdev, .queue = mq->q.index, .hw = &mq->q.hw, .migrate = mp,
	};
	job->eng.resume.spurious_addr = U64_MAX;
	vsvm_fault_init(&job->fault);
	job->q = &mq->q;
	job->ctx = &mq->ctx;
	job->hw_fence = vsvm_hw_fence_alloc();
	if (!job->hw_fence) {
		ret = -ENOMEM;
		goto err_job;
	}
	ret = drm_sched_job_init(&job->base, &mq->ctx.entity, 1, NULL, 0);
	if (ret)
		goto err_job;

	mutex_lock(&mq->lock);
	drm_sched_job_arm(&job->base);
	fence = dma_fence_get(&job->base.s_fence->finished);
	t0 = ktime_get_ns();
	drm_sched_entity_push_job(&job->base);
	mutex_unlock(&mq->lock);

	dma_fence_wait(fence, false);
	*ns = ktime_get_ns() - t0;
	ret = fence->error;
	dma_fence_put(fence);
	atomic64_inc(ret ? &mq->failed : &mq->jobs);
	atomic64_add(mp->done, &mq->pages);
	return ret;

err_job:
	vsvm_job_free(job);
	return ret;
}
