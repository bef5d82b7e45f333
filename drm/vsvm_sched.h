/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_SCHED_H__
#define __VSVM_SCHED_H__

#include <linux/types.h>

#include <drm/gpu_scheduler.h>

#include "vsvm_engine.h"
#include "vsvm_fault.h"
#include "vsvm_hw.h"

struct dma_fence;
struct dma_fence_chain;
struct drm_file;
struct drm_syncobj;
struct drm_vsvm_sync;
struct vsvm_device;
struct vsvm_vm;

/** VSVM_MAX_SYNCS - Most in-syncs, and most out-syncs, of one EXEC. */
#define VSVM_MAX_SYNCS		64

/** VSVM_MAX_QUEUES - Upper bound of the num_queues module parameter. */
#define VSVM_MAX_QUEUES		8

/**
 * struct vsvm_queue - One hardware queue of the engine
 */
struct vsvm_queue {
	/** @sched: The queue's scheduler, for the jobs of ordinary VMs. */
	struct drm_gpu_scheduler sched;
	/**
	 * @lr_sched: The queue's second ring, for the long-running jobs of
	 * SVM VMs, which may wait for invalidations while they resolve a
	 * fault: no dma-fence job ever waits behind one (see the DOC on
	 * scheduling).
	 */
	struct drm_gpu_scheduler lr_sched;
	/** @vdev: The device. */
	struct vsvm_device *vdev;
	/** @index: The queue's number. */
	u32 index;
	/** @name: The scheduler's name. */
	char name[24];
	/** @lr_name: @lr_sched's name. */
	char lr_name[24];
	/** @jobs: Jobs the hardware has run, faulted or killed ones included. */
	atomic64_t jobs;
	/** @busy_ns: Time the hardware spent running jobs. */
	atomic64_t busy_ns;
	/** @timeouts: Jobs killed at the timeout. */
	atomic64_t timeouts;
	/**
	 * @direct: Jobs the EXEC ioctl ran to their end itself, without the
	 * scheduler (counted in @jobs too).
	 */
	atomic64_t direct;
	/** @hw: The engine thread and its ring, fed by @sched. */
	struct vsvm_hw hw;
	/** @lr_hw: The engine thread of the second ring, fed by @lr_sched. */
	struct vsvm_hw lr_hw;
};

/**
 * struct vsvm_ctx - A submission context: one VM on one hardware queue
 */
struct vsvm_ctx {
	/** @entity: The scheduler entity; jobs of the context run in order. */
	struct drm_sched_entity entity;
	/** @ready: Whether @entity is initialised (on first EXEC). */
	bool ready;
	/** @banned: Set when a job of the context timed out. */
	bool banned;
	/**
	 * @fence_ctx: The fence context of the context's hardware fences.
	 * Jobs of one context end in order, but a context parked on a fault
	 * lets other contexts' jobs of its ring end before its own: one
	 * fence context per ring would break dma_fence's ordering.
	 */
	u64 fence_ctx;
	/** @hw_seqno: Seqno of its last hardware fence (run_job is serialised). */
	u64 hw_seqno;
};

/**
 * struct vsvm_job - One EXEC: a command stream run on a hardware queue
 */
struct vsvm_job {
	/** @base: The scheduler job; &vsvm_job embeds it. */
	struct drm_sched_job base;
	/** @eng: What the engine runs, with a reference on its VM. */
	struct vsvm_engine_job eng;
	/** @q: The hardware queue. */
	struct vsvm_queue *q;
	/** @ctx: The submission context, in the VM. */
	struct vsvm_ctx *ctx;
	/**
	 * @hw_fence: The hardware fence, allocated at EXEC, initialised by
	 * run_job and signalled by the engine thread.
	 */
	struct dma_fence *hw_fence;
	/** @hw_link: In &vsvm_hw.ring, from run_job until the signal. */
	struct list_head hw_link;
	/**
	 * @parked: Stopped on a GPU fault that the fault queue resolves: the
	 * engine runs other contexts' jobs meanwhile (&vsvm_hw.lock).
	 */
	bool parked;
	/** @fault: The fault the job is parked on, posted to the fault queue. */
	struct vsvm_fault fault;
	/** @submit_ns: When run_job handed the job to the hardware. */
	u64 submit_ns;
	/** @parked_ns: Time spent parked on faults, not counted by the timeout. */
	u64 parked_ns;
	/** @parked_at: When the job last parked. */
	u64 parked_at;
	/** @lr: Counted in &vsvm_vm.lr_jobs (a pushed job of an SVM VM). */
	bool lr;
	/**
	 * @exec_traced: Its vsvm_job_exec event is out: the job began in
	 * run_job (see vsvm_hw.c) and the engine thread goes on with it.
	 */
	bool exec_traced;
};

/**
 * VSVM_MIGQ_INDEX - The queue number of a device's migration queue, after
 * the hardware queues' (in trace events and log lines).
 */
#define VSVM_MIGQ_INDEX		VSVM_MAX_QUEUES

/**
 * struct vsvm_migq - A device's kernel migration queue (see vsvm_migrate.c)
 *
 * A ring of its own, with its own scheduler, engine thread and submission
 * context at kernel priority, running only the copies of SVM migrations:
 * no user job is ever queued on it, so a copy never waits behind a job
 * parked on a fault.
 */
struct vsvm_migq {
	/**
	 * @q: The queue: only its &vsvm_queue.sched and &vsvm_queue.hw are
	 * set up.
	 */
	struct vsvm_queue q;
	/** @ctx: The one submission context, at kernel priority. */
	struct vsvm_ctx ctx;
	/** @wq: The scheduler's run_job and free_job work. */
	struct workqueue_struct *wq;
	/** @lock: Serialises arming and pushing jobs (their order on @ctx). */
	struct mutex lock;
	/** @jobs: Migration jobs that copied all their pages. */
	atomic64_t jobs;
	/** @failed: Migration jobs that ended with an error. */
	atomic64_t failed;
	/** @pages: Pages the migration jobs copied. */
	atomic64_t pages;
};

/**
 * struct vsvm_ufence - A user fence a job writes when it ends
 */
struct vsvm_ufence {
	/** @addr: GPU address of the 64-bit value, 8-byte aligned. */
	u64 addr;
	/** @value: The value. */
	u64 value;
};

/**
 * struct vsvm_out_syncs - Out-syncobjs of a job or bind, looked up ahead
 */
struct vsvm_out_syncs {
	/** @syncs: The syncs, as userspace gave them. */
	const struct drm_vsvm_sync *syncs;
	/** @count: Number of @syncs. */
	u32 count;
	/** @objs: The syncobjs, referenced. */
	struct drm_syncobj **objs;
	/** @chains: Preallocated chain links for timeline syncs. */
	struct dma_fence_chain **chains;
};

int vsvm_out_syncs_prepare(struct vsvm_out_syncs *out, struct drm_file *file,
			   const struct drm_vsvm_sync *syncs, u32 count);
void vsvm_out_syncs_signal(struct vsvm_out_syncs *out, struct dma_fence *fence);
void vsvm_out_syncs_release(struct vsvm_out_syncs *out);

int vsvm_job_add_in_syncs(struct drm_sched_job *job, struct drm_file *file,
			  const struct drm_vsvm_sync *in, u32 num_in, const char *ioctl);

int vsvm_queues_init(struct vsvm_device *vdev);
void vsvm_queues_fini(struct vsvm_device *vdev);
void vsvm_queues_cancel(struct vsvm_device *vdev);
void vsvm_queues_drain(struct vsvm_device *vdev);
void vsvm_sched_drain(struct vsvm_device *vdev, struct drm_gpu_scheduler *sched);
void vsvm_ctx_fini(struct vsvm_ctx *ctx);
struct vsvm_migq *vsvm_migq_create(struct vsvm_device *vdev);
void vsvm_migq_destroy(struct vsvm_migq *mq);
int vsvm_migq_run(struct vsvm_migq *mq, struct vsvm_migrate_pages *mp, u64 *ns);
int vsvm_exec(struct vsvm_device *vdev, struct drm_file *file, struct vsvm_vm *vm,
	      u32 queue, u64 cs_addr, u64 cs_size, const enum vsvm_svm_loc *prefetch,
	      const struct drm_vsvm_sync *in, u32 num_in,
	      const struct drm_vsvm_sync *out, u32 num_out,
	      const struct vsvm_ufence *ufence);

#endif /* __VSVM_SCHED_H__ */
