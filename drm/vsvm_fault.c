// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/memcontrol.h>
#include <linux/sched/mm.h>
#include <linux/timekeeping.h>
#include <linux/workqueue.h>

#include <drm/drm_drv.h>

#include "vsvm_drv.h"
#include "vsvm_fault.h"
#include "vsvm_sched.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"

/**
 * DOC: the fault queue
 *
 * A GPU with recoverable page faults does not resolve a fault on the
 * engine that took it: the engine saves the faulting context's state,
 * reports the fault, and runs another context until the fault is
 * resolved.  vsvm does the same for the jobs of SVM VMs::
 *
 *   engine ring (one thread)          device fault queue      fault worker
 *   +----+----+----+                  (&vsvm_device.fault_wq)
 *   | A1 | B1 | A2 |   A1 faults:
 *   +----+----+----+   park A1 -----> [ A1: VM, addr, access ] --> vsvm_svm_fault()
 *     |                (state saved                                 hmm_range_fault,
 *     |                 in the job)                                 DMA map, PTEs
 *     v                                                             (notifier lock),
 *   runs B1 (A2 waits: same context                                 TLB flush
 *   as A1, jobs of a context stay in order)                             |
 *     ^                                                                 |
 *     +---------- replay: A1 runnable again <---------------------------+
 *                 (resumes at the faulting command)
 *
 * The engine (vsvm_engine.c) stops a job at the access that faulted and
 * keeps in the job (&vsvm_engine_job.resume) what it needs to go on: the
 * command's offset in the stream, the bytes of a COPY or FILL already done,
 * an ATOMIC's old value once the atomic is done, or that only the user
 * fence is left to write.  The engine thread parks the job (&vsvm_job.parked)
 * and posts the fault with vsvm_fault_post(): the VM, the address and the
 * access go with the job, whose &vsvm_job.fault is the work item, so that
 * posting never allocates.  A worker resolves it with vsvm_svm_fault() and
 * makes the job runnable again (vsvm_hw_replay()); the engine resumes it
 * at the faulting command when it is next between jobs.  A fault that
 * cannot be resolved stands: the replay takes it again and ends the job
 * with -EFAULT and a fault record, as it always did.  An SVM prefetch job
 * parks at once and the worker maps its whole range.
 *
 * I2: no engine thread calls hmm_range_fault(), so a fault waiting for
 * memory, for an invalidation or for the mmap lock holds up its own context
 * only (fault_work() is the one place an SVM job's fault is resolved).
 * The worker holds nothing but the job, which is neither signalled nor
 * freed while parked and holds its VM; VM teardown (which runs at
 * VM_DESTROY, file close and process exit) waits for the VM's jobs
 * (&vsvm_vm.lr_jobs), and so for their faults, before it stops the
 * mirroring; the device's teardown closes its rings to parking, then
 * destroys the queue, then stops the rings (vsvm_queues_fini()), so that no
 * replay reaches a stopped ring.
 * After the process's exit, vsvm_svm_fault() fails (I4, I6): the job ends
 * with -EFAULT.
 *
 * Stage times, per fault resolved through the queue, in debugfs
 * ``vsvm_svm``: delivery (posted to worker start,
 * ``svm_fault_delivery_us``), getting the pages (``svm_get_pages_us``),
 * binding them (page-table entries and TLB flush, ``svm_bind_us``) and
 * replay (resolved to running again, ``svm_fault_replay_us``), over
 * ``svm_fault_queued`` faults.
 */

/* I2: resolves a parked job's fault off the engine, then replays the job. */
static void fault_work(struct work_struct *work)
{
	struct vsvm_fault *f = container_of(work, struct vsvm_fault, work);
	struct vsvm_job *job = container_of(f, struct vsvm_job, fault);
	struct vsvm_engine_job *ej = &job->eng;
	struct vsvm_engine_resume *r = &ej->resume;
	struct vsvm_svm *svm = ej->vm->svm;
	struct mem_cgroup *memcg, *old_memcg;

	atomic64_add(ktime_get_ns() - f->posted_ns, &svm->delivery_ns);
	atomic64_inc(&svm->queued_faults);
	/*
	 * What resolving allocates (page tables, GFP_KERNEL_ACCOUNT) is
	 * charged to the memory cgroup of the process whose address space the
	 * VM mirrors, as a VM_BIND's is to its caller's, not to nobody: this
	 * worker has no mm of its own.
	 */
	memcg = get_mem_cgroup_from_mm(svm->mm);
	old_memcg = set_active_memcg(memcg);
	if (ej->prefetch && !r->ended) {
		r->ret = vsvm_engine_prefetch(ej);
		r->prefetched = true;
	} else if (r->ended || (!atomic_read(&ej->killed) && !READ_ONCE(job->ctx->banned) &&
				!drm_dev_is_unplugged(&ej->vdev->drm))) {
		/*
		 * A killed or banned job ends at its replay without running:
		 * only its user fence, written whatever happened, still needs
		 * its fault resolved.  A fault another one resolved meanwhile
		 * is not resolved again, unless it comes back at once (then
		 * something else, such as the DMA checker, refused the access,
		 * and resolving it afresh maps the pages again).
		 */
		if (r->fault_atomic) {
			/* Taking the page exclusive is never spurious. */
			r->spurious_addr = U64_MAX;
			r->fault_ret = vsvm_svm_fault_exclusive(ej->vm, f->addr);
			/* Busy, not failed: the replay faults again. */
			if (r->fault_ret == -EAGAIN)
				r->fault_ret = 0;
		} else if (r->spurious_addr != f->addr &&
			   vsvm_svm_mapped(ej->vm, f->addr, f->write)) {
			r->spurious_addr = f->addr;
			r->fault_ret = 0;
		} else {
			r->spurious_addr = U64_MAX;
			r->fault_ret = vsvm_svm_fault(ej->vm, f->addr, f->write, false, NULL);
			/* Busy, not failed: the replay faults again. */
			if (r->fault_ret == -EAGAIN)
				r->fault_ret = 0;
		}
	}
	set_active_memcg(old_memcg);
	mem_cgroup_put(memcg);
	f->resolved_ns = ktime_get_ns();
	/* The job may end and be freed from here on. */
	vsvm_hw_replay(ej->hw, job);
}

/**
 * vsvm_fault_post() - Post a parked job's fault to the device's fault queue
 * @job: The job, parked on the fault (an SVM VM's job).
 * @addr: The faulting GPU address (a prefetch: its range's start).
 * @write: Whether the access writes.
 *
 * Called by the engine thread; never sleeps nor allocates.
 */
void vsvm_fault_post(struct vsvm_job *job, u64 addr, bool write)
{
	struct vsvm_fault *f = &job->fault;

	f->addr = addr;
	f->write = write;
	f->resolved_ns = 0;
	f->posted_ns = ktime_get_ns();
	queue_work(job->q->vdev->fault_wq, &f->work);
}

/**
 * vsvm_fault_init() - Initialise a job's fault, when the job is made
 * @f: The job's &vsvm_job.fault.
 *
 * Once per job: the work item may still be returning from the job's last
 * fault when the job parks on the next one.
 */
void vsvm_fault_init(struct vsvm_fault *f)
{
	INIT_WORK(&f->work, fault_work);
}

/**
 * vsvm_fault_replayed() - Count a replay, as the engine resumes a job
 * @job: The job, resumed after its fault was dealt with.
 */
void vsvm_fault_replayed(struct vsvm_job *job)
{
	atomic64_add(ktime_get_ns() - job->fault.resolved_ns, &job->eng.vm->svm->replay_ns);
	job->fault.resolved_ns = 0;
}

/**
 * vsvm_fault_queue_init() - Create a device's fault queue
 * @vdev: The device.
 *
 * Return: 0 or -ENOMEM.
 */
int vsvm_fault_queue_init(struct vsvm_device *vdev)
{
	/*
	 * Per CPU and WQ_HIGHPRI: the fault is resolved on the CPU of the
	 * engine thread that posted it, so posting and replaying wake no
	 * other, idle CPU (each such wake-up costs tens of microseconds, more
	 * than a small fault).  A fault sleeps (hmm_range_fault(), the mmap
	 * lock, an invalidation in progress), and the per-CPU pool then runs
	 * the next fault in another worker, so faults of several contexts are
	 * still resolved at once.  Not WQ_MEM_RECLAIM: no reclaim path waits
	 * for a fault (SVM jobs export no dma-fence, I2), and resolving one
	 * allocates with GFP_KERNEL, so a rescuer thread would not make it
	 * progress under memory pressure anyway.
	 */
	vdev->fault_wq = alloc_workqueue("vsvm%u-fault", WQ_HIGHPRI, 0, vdev->index);
	return vdev->fault_wq ? 0 : -ENOMEM;
}

/**
 * vsvm_fault_queue_fini() - Destroy a device's fault queue
 * @vdev: The device, whose rings are closed (vsvm_hw_close()) or stopped:
 *	   no fault is posted any more.
 */
void vsvm_fault_queue_fini(struct vsvm_device *vdev)
{
	if (vdev->fault_wq)
		destroy_workqueue(vdev->fault_wq);
	vdev->fault_wq = NULL;
}
