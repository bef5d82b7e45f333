// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "vsvm_drv.h"
#include "vsvm_hw.h"
#include "vsvm_sched.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"

/**
 * DOC: the engine thread and its ring
 *
 * Each hardware queue has an engine thread: the queue's "hardware".  It
 * runs beside the queue's drm_gpu_scheduler, not in it::
 *
 *   EXEC ioctl -> entity -> drm_sched -> run_job -> ring -> engine thread
 *                (deps)     (credits)    (hands     (FIFO)  (runs commands,
 *                                         over)              signals fence)
 *
 * run_job() only hands the job over: it initialises the job's hardware
 * fence (allocated at EXEC; one fence context per queue, one seqno per job),
 * puts the job at the tail of the ring and wakes the thread.  It neither
 * sleeps nor allocates.  The scheduler's credit limit is
 * %VSVM_HW_RING_JOBS, so several jobs wait in the ring.
 *
 * The thread runs the ring's jobs in order, command by command
 * (vsvm_engine_run()), and signals each job's hardware fence itself, with
 * the job's error (dma_fence_set_error()): -EFAULT for a GPU fault,
 * -EINVAL for a bad command, -ETIMEDOUT for a job killed at its timeout,
 * -ECANCELED for a job of a banned context.  drm_sched's callback on the
 * hardware fence then signals the job's scheduler fence with that error.
 * SPIN, the throttle and long copies all run here, never on the
 * scheduler's worker.  For a VM that is not an SVM VM, everything from
 * run_job to the signal is a fence-signalling path, annotated with
 * dma_fence_begin_signalling(): the thread neither allocates nor takes the
 * notifier lock for such a job.
 *
 * Stopping: the engine checks for a stop request at its preemption points,
 * the boundaries where the state of the running command is all in the
 * engine: between commands, between the pages of a COPY or FILL, between
 * the polls of a SPIN and between jobs.  There it acknowledges the request
 * (&vsvm_hw.ack_gen) and waits until vsvm_hw_start().
 *
 * Reset (the scheduler's timeout handler, vsvm_timedout_job()): stop the
 * engine (vsvm_hw_stop(): a flag, then a wait of at most %VSVM_HW_STOP_MS
 * for the thread's acknowledgment; never a wait on a worker that may be
 * blocked), take the jobs' callbacks off with drm_sched_stop() (run_job
 * never blocks, so waiting for the submit worker is bounded), mark the
 * guilty job killed and ban its context, give every job still pending its
 * hardware fence back as parent (the innocent jobs stay in the ring, in
 * order) and restart the scheduler and the engine.  The engine ends the
 * guilty job at its next preemption point with -ETIMEDOUT.  If the engine
 * did not stop in time (it is inside an SVM fault, or a test's injection
 * point), the reset goes on all the same and the job ends when the engine
 * comes back to a preemption point.
 */

static const char *hw_fence_driver_name(struct dma_fence *fence)
{
	return "vsvm";
}

static const char *hw_fence_timeline_name(struct dma_fence *fence)
{
	return "vsvm-hw";
}

static const struct dma_fence_ops vsvm_hw_fence_ops = {
	.get_driver_name = hw_fence_driver_name,
	.get_timeline_name = hw_fence_timeline_name,
};

/**
 * vsvm_hw_fence_alloc() - Allocate a job's hardware fence, at EXEC
 *
 * run_job() must not allocate: the fence is allocated with the job and
 * initialised by vsvm_hw_submit().
 *
 * Return: The fence, not initialised, or NULL.
 */
struct dma_fence *vsvm_hw_fence_alloc(void)
{
	return kzalloc(sizeof(struct dma_fence), GFP_KERNEL);
}

/**
 * vsvm_hw_fence_free() - Drop a job's reference to its hardware fence
 * @fence: The fence from vsvm_hw_fence_alloc(), initialised or not, or NULL.
 */
void vsvm_hw_fence_free(struct dma_fence *fence)
{
	if (!fence)
		return;
	if (fence->ops)
		dma_fence_put(fence);
	else
		kfree(fence);
}

/**
 * vsvm_hw_submit() - Hand a job to the hardware (run_job)
 * @hw: The queue's hardware.
 * @job: The job.
 *
 * Neither sleeps nor allocates.  Called from the scheduler's ordered submit
 * worker only, which serialises &vsvm_hw.seqno.
 *
 * Return: A new reference to the job's hardware fence.
 */
struct dma_fence *vsvm_hw_submit(struct vsvm_hw *hw, struct vsvm_job *job)
{
	dma_fence_init(job->hw_fence, &vsvm_hw_fence_ops, &hw->fence_lock,
		       hw->fence_ctx, ++hw->seqno);
	dma_fence_get(job->hw_fence);
	spin_lock(&hw->lock);
	list_add_tail(&job->hw_link, &hw->ring);
	spin_unlock(&hw->lock);
	wake_up(&hw->wq);
	return job->hw_fence;
}

/**
 * vsvm_hw_preempt_point() - A point where the engine may stop
 * @hw: The queue's hardware, or NULL (a job run outside a queue: KUnit).
 *
 * The engine calls this where the running command's state is all in the
 * engine, outside any TLB access section and holding no lock.  If a reset
 * asked the engine to stop, it acknowledges and waits for the restart.
 */
void vsvm_hw_preempt_point(struct vsvm_hw *hw)
{
	u32 gen;

	if (!hw || likely(!READ_ONCE(hw->stop)))
		return;
	for (;;) {
		spin_lock(&hw->lock);
		if (!hw->stop) {
			spin_unlock(&hw->lock);
			return;
		}
		gen = hw->stop_gen;
		hw->ack_gen = gen;
		spin_unlock(&hw->lock);
		wake_up_all(&hw->ack_wq);
		wait_event_idle(hw->wq, !READ_ONCE(hw->stop) || READ_ONCE(hw->stop_gen) != gen);
	}
}

static bool hw_acked(struct vsvm_hw *hw, u32 gen)
{
	bool acked;

	spin_lock(&hw->lock);
	acked = hw->ack_gen == gen;
	spin_unlock(&hw->lock);
	return acked;
}

/**
 * vsvm_hw_stop() - Stop the engine at its next preemption point
 * @hw: The queue's hardware.
 *
 * Waits at most %VSVM_HW_STOP_MS for the engine thread to acknowledge; it
 * never waits for a worker that may be blocked.  Restart the engine with
 * vsvm_hw_start() whatever this returns.
 *
 * Return: true if the engine stopped, false if it did not in time.
 */
bool vsvm_hw_stop(struct vsvm_hw *hw)
{
	u32 gen;

	spin_lock(&hw->lock);
	hw->stop = true;
	gen = ++hw->stop_gen;
	spin_unlock(&hw->lock);
	wake_up_all(&hw->wq);
	atomic64_inc(&hw->resets);
	if (wait_event_timeout(hw->ack_wq, hw_acked(hw, gen),
			       msecs_to_jiffies(VSVM_HW_STOP_MS)))
		return true;
	atomic64_inc(&hw->stop_timeouts);
	return false;
}

/**
 * vsvm_hw_start() - Let the engine run again after vsvm_hw_stop()
 * @hw: The queue's hardware.
 */
void vsvm_hw_start(struct vsvm_hw *hw)
{
	spin_lock(&hw->lock);
	hw->stop = false;
	spin_unlock(&hw->lock);
	wake_up_all(&hw->wq);
}

/* Runs @job, the head of the ring, and signals its hardware fence. */
static void hw_run(struct vsvm_hw *hw, struct vsvm_job *job)
{
	struct vsvm_queue *q = job->q;
	struct dma_fence *fence = dma_fence_get(job->hw_fence);
	u64 seqno = job->base.s_fence->finished.seqno;
	bool cookie = false, svm = job->eng.vm->svm;
	u64 start, ns;
	int err;

	/* Injection: the job's entries are written and it has not started. */
	vsvm_inject(q->vdev, VSVM_INJECT_JOB_START);

	/*
	 * An SVM VM's job resolves GPU faults, which allocates: it is a
	 * long-running job, not a fence-signalling path (see vsvm_svm.c).
	 */
	if (!svm)
		cookie = dma_fence_begin_signalling();
	trace_vsvm_job_exec(q->vdev->index, job->eng.vm->client_id, q->index, seqno);
	start = ktime_get_ns();
	if (job->eng.skip)
		err = 0;	/* the scheduler fence has the error already */
	else if (atomic_read(&job->eng.killed))
		err = -ETIMEDOUT;
	else if (READ_ONCE(job->ctx->banned))
		err = -ECANCELED;
	else
		err = vsvm_engine_run(&job->eng);
	ns = ktime_get_ns() - start;
	trace_vsvm_job_done(q->vdev->index, job->eng.vm->client_id, q->index, seqno, err, ns);
	atomic64_inc(&q->jobs);
	atomic64_add(ns, &q->busy_ns);
	atomic64_add(ns, &job->eng.vm->busy_ns[q->index]);
	/* The one place where a job ends: its user fence (SVM VMs only). */
	vsvm_job_write_user_fence(&job->eng);

	/* The job may be freed once its fence signals: off the ring first. */
	spin_lock(&hw->lock);
	list_del(&job->hw_link);
	spin_unlock(&hw->lock);
	if (err)
		dma_fence_set_error(fence, err);
	dma_fence_signal(fence);
	if (!svm)
		dma_fence_end_signalling(cookie);
	dma_fence_put(fence);
}

static bool hw_has_work(struct vsvm_hw *hw)
{
	return READ_ONCE(hw->stop) || !list_empty_careful(&hw->ring) ||
	       kthread_should_stop();
}

static int hw_thread(void *data)
{
	struct vsvm_hw *hw = data;
	struct vsvm_job *job;

	for (;;) {
		wait_event_idle(hw->wq, hw_has_work(hw));
		/* Between jobs: a preemption point too. */
		vsvm_hw_preempt_point(hw);
		spin_lock(&hw->lock);
		job = list_first_entry_or_null(&hw->ring, struct vsvm_job, hw_link);
		spin_unlock(&hw->lock);
		if (job)
			hw_run(hw, job);
		else if (kthread_should_stop())
			break;
	}
	return 0;
}

/**
 * vsvm_hw_init() - Start a queue's engine thread
 * @hw: The queue's hardware.
 * @name: The thread's name.
 *
 * Return: 0 on success, a negative errno on failure.
 */
int vsvm_hw_init(struct vsvm_hw *hw, const char *name)
{
	spin_lock_init(&hw->lock);
	spin_lock_init(&hw->fence_lock);
	INIT_LIST_HEAD(&hw->ring);
	init_waitqueue_head(&hw->wq);
	init_waitqueue_head(&hw->ack_wq);
	hw->fence_ctx = dma_fence_context_alloc(1);
	hw->thread = kthread_run(hw_thread, hw, "%s-hw", name);
	if (IS_ERR(hw->thread)) {
		int ret = PTR_ERR(hw->thread);

		hw->thread = NULL;
		return ret;
	}
	return 0;
}

/**
 * vsvm_hw_fini() - Stop a queue's engine thread
 * @hw: The queue's hardware, its ring empty (every job has finished).
 */
void vsvm_hw_fini(struct vsvm_hw *hw)
{
	if (!hw->thread)
		return;
	WARN_ON(!list_empty_careful(&hw->ring));
	kthread_stop(hw->thread);
	hw->thread = NULL;
}
