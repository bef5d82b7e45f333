/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_FAULT_H__
#define __VSVM_FAULT_H__

#include <linux/types.h>
#include <linux/workqueue.h>

struct vsvm_device;
struct vsvm_job;

/**
 * struct vsvm_fault - A recoverable GPU fault, posted to the device's queue
 *
 * One per job, embedded in &vsvm_job: a job parked on a fault has exactly
 * one fault outstanding, so posting one never allocates.  Written by the
 * engine thread before it posts the fault, then by the fault worker until
 * it makes the job runnable again; then by the engine thread again.
 */
struct vsvm_fault {
	/** @work: The fault worker's item, on &vsvm_device.fault_wq. */
	struct work_struct work;
	/** @addr: The faulting GPU address (a prefetch: the range's start). */
	u64 addr;
	/** @write: Whether the faulting access writes. */
	bool write;
	/** @posted_ns: When the engine posted the fault. */
	u64 posted_ns;
	/** @resolved_ns: When the worker made the job runnable again, or 0. */
	u64 resolved_ns;
};

int vsvm_fault_queue_init(struct vsvm_device *vdev);
void vsvm_fault_queue_fini(struct vsvm_device *vdev);
void vsvm_fault_init(struct vsvm_fault *f);
void vsvm_fault_post(struct vsvm_job *job, u64 addr, bool write);
void vsvm_fault_replayed(struct vsvm_job *job);

#endif /* __VSVM_FAULT_H__ */
