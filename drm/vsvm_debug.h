/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_DEBUG_H__
#define __VSVM_DEBUG_H__

#include <linux/fault-inject.h>
#include <linux/types.h>
#include <linux/wait.h>

struct vsvm_device;
struct vsvm_userptr;

/* Named points of debugfs ``userptr_inject``: see vsvm_inject(). */
#define VSVM_INJECT_POPULATE	1
#define VSVM_INJECT_JOB_START	2
#define VSVM_INJECT_COPY	3
#define VSVM_INJECT_NONBLOCK	4
#define VSVM_INJECT_SVM_FAULT	5
#define VSVM_INJECT_SVM_PAGES	6
#define VSVM_INJECT_MAX		VSVM_INJECT_SVM_PAGES

/* States of an injection point. */
#define VSVM_INJECT_IDLE	0
#define VSVM_INJECT_ARMED	1
#define VSVM_INJECT_STALLED	2

/**
 * struct vsvm_i1_steps - The steps of one userptr invalidation (I1)
 *
 * Given by vsvm_userptr.c to vsvm_debug_i1_broken(), which runs them out of
 * order when a test asks it to.  Each is called with the object's lock held
 * and @block as the invalidation's.
 */
struct vsvm_i1_steps {
	/** @wait: (2) Waits for the GPU; returns whether it had to. */
	bool (*wait)(struct vsvm_userptr *up, bool block);
	/** @stale: Tells the DMA checker the pages are stale. */
	void (*stale)(struct vsvm_userptr *up);
	/** @zap: (3) Clears the page-table entries and flushes the TLBs. */
	void (*zap)(struct vsvm_userptr *up, bool block);
	/** @unmap: (4) DMA-unmaps the pages. */
	void (*unmap)(struct vsvm_userptr *up);
	/** @release: (5) Dirties, marks accessed and unpins the pages. */
	void (*release)(struct vsvm_userptr *up, bool block);
};

#if IS_ENABLED(CONFIG_DRM_VSVM_DEBUG)

/**
 * struct vsvm_debug - A device's test knobs (CONFIG_DRM_VSVM_DEBUG only)
 *
 * Each widens a race window or breaks a rule on purpose, so that tests can
 * reach states that are otherwise rare, and see the DMA checker fire.
 */
struct vsvm_debug {
	/** @inject_point: The armed injection point, VSVM_INJECT_*, or 0. */
	u32 inject_point;
	/** @inject_state: VSVM_INJECT_IDLE, _ARMED or _STALLED. */
	int inject_state;
	/** @inject_wq: Where a stalled point waits to be released. */
	wait_queue_head_t inject_wq;
	/**
	 * @cmd_delay_us: Delay after each engine command, in microseconds
	 * (debugfs ``engine_cmd_delay_us``), to widen race windows.
	 */
	u32 cmd_delay_us;
	/**
	 * @signal_delay_us: Busy-wait of the engine thread, in microseconds
	 * (at most 10000), after it takes a job off the ring and before it
	 * signals the job's hardware fence (debugfs ``engine_signal_delay_us``),
	 * to widen that window (I2: it does not sleep).  Not a hook of
	 * vsvm_debug_engine_hooked(): run_job still runs short jobs meanwhile.
	 */
	u32 signal_delay_us;
	/**
	 * @dmachk_break: Debugfs ``dmachk_break``, one-shot: 1 makes the next
	 * blockable userptr invalidation unpin before clearing the GPU page
	 * table, 2 makes it DMA-unmap before clearing it, 3 makes it neither
	 * wait for the GPU nor clear the page table at all (a running job
	 * then reaches freed pages, and the checker must stop it).
	 */
	u32 dmachk_break;
	/**
	 * @migrate_break: Debugfs ``migrate_break``, one-shot: 1 makes the
	 * next migration job copy from source pages the migration did not
	 * DMA-map (the DMA checker must stop it, and the pages stay).
	 */
	u32 migrate_break;
	/**
	 * @fail_vram_alloc: Debugfs directory ``fail_vram_alloc``, the kernel's
	 * fault-injection attributes (probability, interval, times, space):
	 * which VRAM page allocations fail (vsvm_debug_vram_alloc_fail()).
	 * Never fails unless a test sets it; absent without
	 * CONFIG_FAULT_INJECTION_DEBUG_FS.
	 */
	struct fault_attr fail_vram_alloc;
};

void vsvm_debug_init(struct vsvm_device *vdev);
void vsvm_debug_register(struct vsvm_device *vdev);
bool vsvm_inject(struct vsvm_device *vdev, u32 point);
void vsvm_debug_cmd_delay(struct vsvm_device *vdev);
u32 vsvm_debug_cmd_delay_us(struct vsvm_device *vdev);
void vsvm_debug_signal_delay(struct vsvm_device *vdev);
bool vsvm_debug_engine_hooked(struct vsvm_device *vdev);
bool vsvm_debug_i1_broken(struct vsvm_device *vdev, struct vsvm_userptr *up, bool block,
			  const struct vsvm_i1_steps *steps, bool *waited);
bool vsvm_debug_migrate_break(struct vsvm_device *vdev);
bool vsvm_debug_vram_alloc_fail(struct vsvm_device *vdev);

#else

/* Without CONFIG_DRM_VSVM_DEBUG: no knob, and every hook is a no-op. */
struct vsvm_debug {};

static inline void vsvm_debug_init(struct vsvm_device *vdev) {}
static inline void vsvm_debug_register(struct vsvm_device *vdev) {}

static inline bool vsvm_inject(struct vsvm_device *vdev, u32 point)
{
	return false;
}

static inline void vsvm_debug_cmd_delay(struct vsvm_device *vdev) {}

static inline u32 vsvm_debug_cmd_delay_us(struct vsvm_device *vdev)
{
	return 0;
}

static inline void vsvm_debug_signal_delay(struct vsvm_device *vdev) {}

static inline bool vsvm_debug_engine_hooked(struct vsvm_device *vdev)
{
	return false;
}

static inline bool vsvm_debug_i1_broken(struct vsvm_device *vdev, struct vsvm_userptr *up,
					bool block, const struct vsvm_i1_steps *steps,
					bool *waited)
{
	return false;
}

static inline bool vsvm_debug_migrate_break(struct vsvm_device *vdev)
{
	return false;
}

static inline bool vsvm_debug_vram_alloc_fail(struct vsvm_device *vdev)
{
	return false;
}

#endif /* CONFIG_DRM_VSVM_DEBUG */

#endif /* __VSVM_DEBUG_H__ */
