// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include <drm/drm_drv.h>

#include "vsvm_drv.h"
#include "vsvm_fault.h"
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
 *                (deps)     (credits)    (hands     (in     (runs commands,
 *                                         over)      order)  signals fence;
 *                                                            parks a job on
 *                                                            a GPU fault)
 *
 * run_job() hands the job over: it initialises the job's hardware fence
 * (allocated at EXEC; one fence context per submission context, one seqno
 * per job of it), puts the job at the tail of the ring and wakes the
 * thread.  It neither sleeps nor allocates.  The scheduler's credit limit
 * is %VSVM_HW_RING_JOBS, so several jobs wait in the ring.
 *
 * **Short jobs end in run_job** (hw_run_inline()).  When the engine is idle
 * (its ring empty, no job on it, no reset under way, and the hardware fence
 * of the last job it took off the ring signalled: &vsvm_hw.signalling, so
 * that a context's fences signal in seqno order, I2), run_job runs the
 * job's first commands itself, as long as they are short
 * (&vsvm_engine_job.short_only: no COPY, FILL or SPIN, at most
 * %VSVM_ENGINE_INLINE_CMDS), in the same fence-signalling section (I2) and
 * without sleeping or allocating; if the stream ends there, it signals the
 * hardware fence, and drm_sched signals the job's fence from the submit
 * workqueue's per-CPU worker, which wakes the waiter on the submitting CPU.
 * A job that goes on with a long command goes to the ring at that command,
 * where the engine thread resumes it, as after a fault.  Jobs of an SVM VM
 * (which may park on a fault), jobs with a user fence, and any job while
 * a test knob acts on the engine (vsvm_debug_engine_hooked()) always go to
 * the ring.  A NOP's round trip on two CPUs (benchmark P2) otherwise pays
 * two wake-ups of one CPU by the other: run_job's of the engine thread, and
 * the engine thread's of the waiter.
 *
 * The thread runs the ring's jobs command by command (vsvm_engine_run()),
 * in order within each submission context: it takes the first job of the
 * ring that is not parked and has no earlier job of its context in the
 * ring.  A job of an SVM VM that takes a GPU fault parks (&vsvm_job.parked,
 * its engine state saved in the job) and its fault goes to the device's
 * fault queue (see vsvm_fault.c); the engine goes on with other contexts'
 * jobs, a context switch, and resumes the parked job at the faulting
 * command once the fault queue has dealt with the fault (vsvm_hw_replay()).
 * Jobs of different contexts may thus end out of order, which is why each
 * context has its own fence context (&vsvm_ctx.fence_ctx): dma_fence
 * requires the fences of one context to signal in seqno order.  The thread
 * signals each job's hardware fence itself, with
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
 * Reset (the scheduler's timeout handler, vsvm_timedout_job()): the
 * scheduler's timer runs for the oldest pending job, which may be parked;
 * the handler resets only if the job on the engine (&vsvm_hw.cur) has had
 * the timeout, counting its time since run_job less its time parked
 * (vsvm_hw_hung()), and otherwise lets the timer run again.  Then it stops
 * the engine (vsvm_hw_stop(): a flag, then a wait of at most %VSVM_HW_STOP_MS
 * for the thread's acknowledgment; never a wait on a worker that may be
 * blocked), takes the jobs' callbacks off with drm_sched_stop() (run_job
 * never blocks, so waiting for the submit worker is bounded), marks the
 * engine's job killed and bans its context, gives every job still pending its
 * hardware fence back as parent (the innocent jobs stay in the ring, in
 * order) and restarts the scheduler and the engine.  The engine ends the
 * guilty job at its next preemption point with -ETIMEDOUT.  If the engine
 * did not stop in time (it is at a test's injection point), the reset goes
 * on all the same and the job ends when the engine comes back to a
 * preemption point.  A parked job is not on the engine: it stays parked
 * through a reset, and if it was killed or its context banned meanwhile,
 * its replay ends it without running it (its user fence is still written).
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

/*
 * The checks hw_run() and hw_run_inline() make before a job runs, then the
 * run: the job's result, or -EAGAIN (parked) or -EINPROGRESS (left for the
 * engine thread) from vsvm_engine_run().
 */
static int hw_exec(struct vsvm_job *job)
{
	struct vsvm_engine_resume *r = &job->eng.resume;
	struct vsvm_device *vdev = job->q->vdev;
	int err;

	if (r->ended)
		err = r->ret;	/* only the user fence was left */
	else if (job->eng.skip)
		err = 0;	/* the scheduler fence has the error already */
	else if (drm_dev_is_unplugged(&vdev->drm) && !job->eng.migrate)
		err = -ENODEV;	/* I8: nothing runs after the unplug but migrations */
	else if (atomic_read(&job->eng.killed))
		err = -ETIMEDOUT;
	else if (READ_ONCE(job->ctx->banned))
		err = -ECANCELED;
	else
		err = vsvm_engine_run(&job->eng);
	/* I8: a job vsvm_hw_cancel() cut short ends with -ENODEV. */
	if (err == -ETIMEDOUT && drm_dev_is_unplugged(&vdev->drm))
		err = -ENODEV;
	return err;
}

/* Counts a job's time on the hardware. */
static void hw_account(struct vsvm_job *job, u64 ns)
{
	atomic64_add(ns, &job->q->busy_ns);
	/* A migration job has no VM. */
	if (job->eng.vm)
		atomic64_add(ns, &job->eng.vm->busy_ns[job->q->index]);
}

/* The DRM client of a job, for its trace events: 0 for a migration job. */
static u64 hw_client(struct vsvm_job *job)
{
	return job->eng.vm ? job->eng.vm->client_id : 0;
}

/*
 * A job run in run_job (see the DOC): only when the engine is idle (its
 * ring empty, no reset under way, the last job it took off the ring
 * signalled), for a job of a VM that is not an SVM VM with no user fence,
 * and while no test knob acts on the engine.  Its
 * short commands run here, on the submitting CPU; the engine thread gets
 * the job at the first command that may take long.  Returns true if the
 * job ended here, its hardware fence signalled; false if it goes to the
 * ring, to start or to go on there.
 */
static bool hw_run_inline(struct vsvm_hw *hw, struct vsvm_job *job)
{
	struct vsvm_queue *q = job->q;
	u64 seqno = job->base.s_fence->finished.seqno;
	bool cookie, idle;
	u64 start;
	int err;

	if (!job->eng.vm || job->eng.vm->svm || job->eng.ufence || job->eng.skip ||
	    vsvm_debug_engine_hooked(q->vdev))
		return false;
	spin_lock(&hw->lock);
	/*
	 * I2: a context's fences signal in seqno order, so the engine is idle
	 * only once the last job it took off the ring has signalled.
	 */
	idle = !hw->stop && !hw->cur && !hw->signalling && list_empty(&hw->ring);
	if (idle)
		hw->cur = job;
	spin_unlock(&hw->lock);
	if (!idle)
		return false;

	/* I2: the fence-signalling path, as on the engine thread. */
	cookie = dma_fence_begin_signalling();
	trace_vsvm_job_exec(q->vdev->index, hw_client(job), q->index, seqno);
	job->exec_traced = true;
	start = ktime_get_ns();
	job->eng.short_only = true;
	err = hw_exec(job);
	job->eng.short_only = false;
	hw_account(job, ktime_get_ns() - start);
	if (err == -EINPROGRESS) {
		spin_lock(&hw->lock);
		hw->cur = NULL;
		spin_unlock(&hw->lock);
		dma_fence_end_signalling(cookie);
		return false;
	}
	job->eng.resume.ended = true;
	job->eng.resume.ret = err;
	trace_vsvm_job_done(q->vdev->index, hw_client(job), q->index, seqno, err,
			    ktime_get_ns() - start);
	atomic64_inc(&q->jobs);
	spin_lock(&hw->lock);
	hw->cur = NULL;
	spin_unlock(&hw->lock);
	if (err)
		dma_fence_set_error(job->hw_fence, err);
	dma_fence_signal(job->hw_fence);
	dma_fence_end_signalling(cookie);
	return true;
}

/**
 * vsvm_hw_direct_begin() - Take an idle engine for a job of the EXEC ioctl
 * @hw: The queue's hardware (not an SVM VM's ring).
 * @job: The job, not handed to the scheduler.
 *
 * The engine is idle as for hw_run_inline(): no reset under way, the ring
 * not closing, no job on the engine, none in the ring, and the last job it
 * took off the ring signalled (I2: a context's earlier fences first).  The
 * job then owns the engine (&vsvm_hw.cur) until vsvm_hw_direct_run() gives
 * it back: run_job puts other jobs in the ring meanwhile, and the engine
 * thread takes none while &vsvm_hw.cur is another's.
 *
 * Return: true if @job owns the engine now.
 */
bool vsvm_hw_direct_begin(struct vsvm_hw *hw, struct vsvm_job *job)
{
	bool idle;

	spin_lock(&hw->lock);
	idle = !hw->stop && !hw->closing && !hw->cur && !hw->signalling &&
	       list_empty(&hw->ring);
	if (idle) {
		hw->cur = job;
		job->submit_ns = ktime_get_ns();
	}
	spin_unlock(&hw->lock);
	return idle;
}

/**
 * vsvm_hw_direct_run() - Run a job's short commands in the EXEC ioctl
 * @hw: The queue's hardware, owned by @job (vsvm_hw_direct_begin()).
 * @job: The job.
 * @fence: The job's out-fence, initialised, in the reservations already.
 * @seqno: @fence's seqno, for the trace events.
 *
 * Runs the job's commands as hw_run_inline() does in run_job (at most
 * %VSVM_ENGINE_INLINE_CMDS short ones, &vsvm_engine_job.short_only), in a
 * fence-signalling section (I2): neither sleeps nor allocates.  If the
 * stream ends here, @fence is signalled with the job's error; the job is
 * counted as the engine thread counts one (queue statistics, fdinfo
 * engine time).  The device's job timeout does not apply: the run is
 * bounded by the command limit.  The engine is given back either way,
 * and the engine thread woken if run_job put jobs in the ring meanwhile.
 *
 * Return: The job's result, @fence signalled; or -EINPROGRESS, @fence not
 * signalled, at the first command left for the engine thread (nothing of
 * it run: the job resumes there, &vsvm_engine_job.resume).
 */
int vsvm_hw_direct_run(struct vsvm_hw *hw, struct vsvm_job *job, struct dma_fence *fence,
		       u64 seqno)
{
	struct vsvm_queue *q = job->q;
	bool cookie, wake;
	u64 ns;
	int err;

	/* I2: the fence-signalling path, as in run_job. */
	cookie = dma_fence_begin_signalling();
	trace_vsvm_job_direct(q->vdev->index, hw_client(job), q->index, seqno);
	job->eng.short_only = true;
	err = hw_exec(job);
	job->eng.short_only = false;
	ns = ktime_get_ns() - job->submit_ns;
	hw_account(job, ns);
	if (err != -EINPROGRESS) {
		job->eng.resume.ended = true;
		job->eng.resume.ret = err;
		trace_vsvm_job_done(q->vdev->index, hw_client(job), q->index, seqno, err, ns);
		atomic64_inc(&q->jobs);
		atomic64_inc(&q->direct);
		if (err)
			dma_fence_set_error(fence, err);
		dma_fence_signal(fence);
	}
	spin_lock(&hw->lock);
	hw->cur = NULL;
	wake = !list_empty(&hw->ring);
	spin_unlock(&hw->lock);
	if (wake)
		wake_up(&hw->wq);
	dma_fence_end_signalling(cookie);
	return err;
}

/**
 * vsvm_hw_submit() - Hand a job to the hardware (run_job)
 * @hw: The queue's hardware.
 * @job: The job.
 *
 * Neither sleeps nor allocates.  Called from the scheduler's run_job work
 * only, which never runs twice at once for one scheduler and so serialises
 * &vsvm_ctx.hw_seqno (a context's jobs all go to one ring) and the ring's
 * tail.  A job of short commands given to an idle engine ends here
 * (hw_run_inline()).
 *
 * Return: A new reference to the job's hardware fence, signalled if the
 * job ended here.
 */
struct dma_fence *vsvm_hw_submit(struct vsvm_hw *hw, struct vsvm_job *job)
{
	/* A fence context per submission context: see &vsvm_ctx.fence_ctx. */
	dma_fence_init(job->hw_fence, &vsvm_hw_fence_ops, &hw->fence_lock,
		       job->ctx->fence_ctx, ++job->ctx->hw_seqno);
	dma_fence_get(job->hw_fence);
	job->submit_ns = ktime_get_ns();
	if (hw_run_inline(hw, job))
		return job->hw_fence;
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

/**
 * vsvm_hw_replay() - Make a job parked on a fault runnable again
 * @hw: The ring's hardware.
 * @job: The job, parked; the fault worker is done with its fault.
 *
 * The engine resumes the job at the command that faulted, when it is next
 * between jobs.  The caller may not touch @job afterwards: it may end, and
 * be freed, at once.
 */
void vsvm_hw_replay(struct vsvm_hw *hw, struct vsvm_job *job)
{
	spin_lock(&hw->lock);
	job->parked = false;
	spin_unlock(&hw->lock);
	wake_up(&hw->wq);
}

/* A job's time on the hardware since run_job, less its time parked. */
static u64 hw_job_ns(struct vsvm_job *job, u64 now)
{
	return now - job->submit_ns - job->parked_ns;
}

/**
 * vsvm_hw_hung() - Whether the engine's job has run for the timeout
 * @hw: The ring's hardware.
 * @timeout_ns: The device's job timeout.
 * @kill: Also kill the job (the engine ends it with -ETIMEDOUT at its next
 *        preemption point) and ban its context.
 * @vm_id: Out, with @kill: the killed job's VM (0 for a migration job,
 *         whose context, the migration queue's, is never banned).
 *
 * The job the engine runs (&vsvm_hw.cur) is hung when its time on the
 * hardware, less the time it spent parked on faults, reaches the timeout:
 * a context parked on a fault is waiting for memory, not running, and the
 * other contexts' jobs the engine runs meanwhile are timed on their own.
 * Under &vsvm_hw.lock, so that the job is still in the ring, and not freed.
 *
 * Return: true if the engine's job is hung (and, with @kill, was killed
 * now, not earlier).
 */
bool vsvm_hw_hung(struct vsvm_hw *hw, u64 timeout_ns, bool kill, u32 *vm_id)
{
	struct vsvm_job *job;
	bool hung = false;

	/*
	 * The scheduler arms its timer just before run_job, and a timer may
	 * fire up to a jiffy early: allow for both.
	 */
	timeout_ns -= min_t(u64, timeout_ns, jiffies_to_nsecs(2));
	spin_lock(&hw->lock);
	job = hw->cur;
	if (job && hw_job_ns(job, ktime_get_ns()) >= timeout_ns) {
		hung = true;
		if (kill) {
			hung = !atomic_xchg(&job->eng.killed, 1);
			/* The migration queue's context is never banned. */
			if (hung && job->eng.vm) {
				WRITE_ONCE(job->ctx->banned, true);
				*vm_id = job->eng.vm->id;
			} else if (hung) {
				*vm_id = 0;
			}
		}
	}
	spin_unlock(&hw->lock);
	return hung;
}

/*
 * Parks @job on the fault the engine stopped at, and posts the fault: I2,
 * the engine never waits for a fault, it runs other contexts meanwhile.
 * Posted under the lock, so that once vsvm_hw_close() has taken it no
 * fault of this ring is posted any more.  Returns false, parking nothing,
 * on a closing ring: the fault queue is going.
 */
static bool hw_park(struct vsvm_hw *hw, struct vsvm_job *job)
{
	spin_lock(&hw->lock);
	if (hw->closing) {
		spin_unlock(&hw->lock);
		return false;
	}
	job->parked = true;
	job->parked_at = ktime_get_ns();
	hw->cur = NULL;
	vsvm_fault_post(job, job->eng.resume.fault_addr, job->eng.resume.fault_write);
	spin_unlock(&hw->lock);
	return true;
}

/*
 * Runs @job, the first runnable job of the ring, from where it stopped, and
 * either parks it on a fault or signals its hardware fence.
 */
static void hw_run(struct vsvm_hw *hw, struct vsvm_job *job)
{
	struct vsvm_engine_resume *r = &job->eng.resume;
	struct vsvm_queue *q = job->q;
	struct dma_fence *fence;
	u64 seqno = job->base.s_fence->finished.seqno;
	bool cookie = false, svm = job->eng.vm && job->eng.vm->svm;
	u64 start, ns;
	int err;

	/* A replay resumes where the fault stopped the job. */
	if (job->fault.resolved_ns)
		vsvm_fault_replayed(job);
	else if (!job->exec_traced && !job->eng.migrate)
		/*
		 * Injection: the job's entries are written and it has not
		 * started.  A job whose first commands ran in run_job has
		 * started: the point does not stall it, even if a test armed it
		 * after run_job checked vsvm_debug_engine_hooked().  A
		 * migration job never takes a point armed for a user's job.
		 */
		vsvm_inject(q->vdev, VSVM_INJECT_JOB_START);

	/*
	 * An SVM VM's job is a long-running job, not a fence-signalling path
	 * (see vsvm_svm.c); it is also the only kind that parks on a fault.
	 */
	if (!svm)
		cookie = dma_fence_begin_signalling();
	/* A job that began in run_job had its event there. */
	if (!job->exec_traced)
		trace_vsvm_job_exec(q->vdev->index, hw_client(job), q->index, seqno);
	start = ktime_get_ns();
	err = hw_exec(job);
	if (err != -EAGAIN) {
		r->ended = true;
		r->ret = err;
		/* The one place where a job ends: its user fence (SVM VMs only). */
		err = vsvm_job_write_user_fence(&job->eng);
	}
	ns = ktime_get_ns() - start;
	hw_account(job, ns);
	if (err == -EAGAIN) {
		/* Parked on a fault: the engine goes on with other contexts. */
		if (hw_park(hw, job))
			return;
		/*
		 * The ring is closing: the fault would never be resolved, so
		 * the job ends here, without its user fence if that faulted.
		 */
		if (!r->ended || !r->ret)
			r->ret = -ENODEV;
		r->ended = true;
	}
	err = r->ret;
	trace_vsvm_job_done(q->vdev->index, hw_client(job), q->index, seqno, err, ns);
	atomic64_inc(&q->jobs);

	/* The job may be freed once its fence signals: off the ring first. */
	fence = dma_fence_get(job->hw_fence);
	spin_lock(&hw->lock);
	list_del(&job->hw_link);
	hw->cur = NULL;
	/* I2: no job ends in run_job before this one has signalled. */
	hw->signalling = true;
	spin_unlock(&hw->lock);
	/* Test knob: widens the window between the ring and the signal. */
	vsvm_debug_signal_delay(q->vdev);
	if (err)
		dma_fence_set_error(fence, err);
	dma_fence_signal(fence);
	spin_lock(&hw->lock);
	hw->signalling = false;
	spin_unlock(&hw->lock);
	if (!svm)
		dma_fence_end_signalling(cookie);
	dma_fence_put(fence);
}

/*
 * The first runnable job of the ring: not parked, and with no earlier job
 * of its context in the ring, as a context's jobs run in order.
 */
static struct vsvm_job *hw_next_locked(struct vsvm_hw *hw)
{
	struct vsvm_job *job, *prev;

	lockdep_assert_held(&hw->lock);
	list_for_each_entry(job, &hw->ring, hw_link) {
		if (job->parked)
			continue;
		list_for_each_entry(prev, &hw->ring, hw_link) {
			if (prev == job)
				return job;
			if (prev->ctx == job->ctx)
				break;
		}
	}
	return NULL;
}

static bool hw_has_work(struct vsvm_hw *hw)
{
	bool work;

	if (READ_ONCE(hw->stop) || kthread_should_stop())
		return true;
	spin_lock(&hw->lock);
	/* Not while a job of the EXEC ioctl owns the engine (vsvm_hw_direct_begin()). */
	work = !hw->cur && hw_next_locked(hw);
	spin_unlock(&hw->lock);
	return work;
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
		job = hw->cur ? NULL : hw_next_locked(hw);
		if (job) {
			hw->cur = job;
			if (job->fault.resolved_ns)
				job->parked_ns += ktime_get_ns() - job->parked_at;
		}
		spin_unlock(&hw->lock);
		if (job)
			hw_run(hw, job);
		else if (kthread_should_stop())
			break;
	}
	return 0;
}

/**
 * vsvm_hw_cancel() - End every job of the ring, at the device's unplug
 * @hw: The queue's hardware, its device unplugged.
 *
 * I8: the running job stops at its next preemption point, as a job killed
 * at its timeout does, and every job in the ring ends without running;
 * hw_run() gives them -ENODEV since the device is unplugged, and runs no
 * job handed over later.
 */
void vsvm_hw_cancel(struct vsvm_hw *hw)
{
	struct vsvm_job *job;

	spin_lock(&hw->lock);
	list_for_each_entry(job, &hw->ring, hw_link)
		atomic_set(&job->eng.killed, 1);
	spin_unlock(&hw->lock);
	wake_up_all(&hw->wq);
}

/**
 * vsvm_hw_close() - Stop a ring's jobs from parking, before its teardown
 * @hw: The queue's hardware.
 *
 * From now on a job of the ring that takes a fault ends with -ENODEV
 * instead of parking, and the engine posts no fault: the device's fault
 * queue can then be destroyed while the engine thread still runs, and a
 * fault it was resolving replays into a live ring (see vsvm_queues_fini()).
 */
void vsvm_hw_close(struct vsvm_hw *hw)
{
	spin_lock(&hw->lock);
	hw->closing = true;
	spin_unlock(&hw->lock);
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
