/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_HW_H__
#define __VSVM_HW_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

struct dma_fence;
struct task_struct;
struct vsvm_job;

/**
 * VSVM_HW_RING_JOBS - Jobs one queue's ring holds: the scheduler's credit
 * limit, each job taking one credit.
 */
#define VSVM_HW_RING_JOBS	8

/**
 * VSVM_HW_STOP_MS - How long a reset waits for the engine to stop.
 */
#define VSVM_HW_STOP_MS		1000

/**
 * struct vsvm_hw - The "hardware" of one queue: an engine thread and its ring
 */
struct vsvm_hw {
	/** @thread: The engine thread, running the jobs of @ring in order. */
	struct task_struct *thread;
	/**
	 * @lock: Protects @ring, @cur, @signalling, @stop, @stop_gen, @ack_gen,
	 * @closing, and &vsvm_job.parked of the jobs in @ring.
	 */
	spinlock_t lock;
	/**
	 * @ring: Jobs handed over by run_job and not yet signalled, in the
	 * order run_job handed them over, linked by &vsvm_job.hw_link: jobs
	 * parked on a fault stay in it.
	 */
	struct list_head ring;
	/** @cur: The job the engine is running, or NULL. */
	struct vsvm_job *cur;
	/**
	 * @signalling: The engine thread has taken a job off @ring and has not
	 * yet signalled its hardware fence.  The engine is not idle for
	 * run_job's short jobs meanwhile, so that a context's fences signal in
	 * seqno order (I2).
	 */
	bool signalling;
	/** @wq: The engine thread waits here for work and for a restart. */
	wait_queue_head_t wq;
	/** @ack_wq: A reset waits here for the engine to stop. */
	wait_queue_head_t ack_wq;
	/** @stop: A reset asks the engine to stop at its next boundary. */
	bool stop;
	/** @stop_gen: Counts stop requests. */
	u32 stop_gen;
	/** @ack_gen: The last stop request the engine has stopped for. */
	u32 ack_gen;
	/**
	 * @closing: The ring is being torn down (vsvm_hw_close()): a job
	 * that would park on a fault ends instead, and no fault is posted.
	 */
	bool closing;
	/**
	 * @fence_lock: The lock of the hardware fences; their fence contexts
	 * are the submission contexts' (&vsvm_ctx.fence_ctx).
	 */
	spinlock_t fence_lock;
	/** @resets: Engine resets done by the timeout handler. */
	atomic64_t resets;
	/** @stop_timeouts: Resets the engine did not stop for in time. */
	atomic64_t stop_timeouts;
};

int vsvm_hw_init(struct vsvm_hw *hw, const char *name);
void vsvm_hw_fini(struct vsvm_hw *hw);
void vsvm_hw_cancel(struct vsvm_hw *hw);
void vsvm_hw_close(struct vsvm_hw *hw);
struct dma_fence *vsvm_hw_fence_alloc(void);
void vsvm_hw_fence_free(struct dma_fence *fence);
struct dma_fence *vsvm_hw_submit(struct vsvm_hw *hw, struct vsvm_job *job);
bool vsvm_hw_direct_begin(struct vsvm_hw *hw, struct vsvm_job *job);
int vsvm_hw_direct_run(struct vsvm_hw *hw, struct vsvm_job *job, struct dma_fence *fence,
		       u64 seqno);
bool vsvm_hw_stop(struct vsvm_hw *hw);
void vsvm_hw_start(struct vsvm_hw *hw);
void vsvm_hw_preempt_point(struct vsvm_hw *hw);
void vsvm_hw_replay(struct vsvm_hw *hw, struct vsvm_job *job);
bool vsvm_hw_hung(struct vsvm_hw *hw, u64 timeout_ns, bool kill, u32 *vm_id);

#endif /* __VSVM_HW_H__ */
