/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_ENGINE_H__
#define __VSVM_ENGINE_H__

#include <linux/atomic.h>
#include <linux/types.h>

#include "vsvm_migrate.h"

struct vsvm_device;
struct vsvm_hw;
struct vsvm_vm;

/** VSVM_MAX_CS_SIZE - Largest command stream one job runs, in bytes. */
#define VSVM_MAX_CS_SIZE	(1u << 20)

/**
 * struct vsvm_cmd - One decoded command of a command stream
 *
 * The operands, named by what they are for the command that uses them; see
 * the uapi's DOC on the command stream.
 */
struct vsvm_cmd {
	/** @op: The opcode, DRM_VSVM_CMD_*. */
	u8 op;
	/** @flags: The header's flags. */
	u8 flags;
	/** @len: The command's length in words, header included. */
	u16 len;
	/** @dst: COPY, FILL, STORE, ATOMIC, TIMESTAMP: destination; SPIN: semaphore. */
	u64 dst;
	/** @src: COPY: source. */
	u64 src;
	/** @size: COPY, FILL: bytes. */
	u64 size;
	/** @value: FILL: pattern; STORE: value; ATOMIC: operand; SPIN: awaited value. */
	u64 value;
	/** @compare: ATOMIC: compare value. */
	u64 compare;
	/** @result: ATOMIC: where the old value goes, or 0. */
	u64 result;
};

int vsvm_cmd_decode(const u32 *dw, u32 avail, struct vsvm_cmd *cmd);

/**
 * struct vsvm_engine_resume - The engine state a job parked on a fault keeps
 *
 * A job of an SVM VM that faults stops at the faulting command; this is
 * what the engine needs to resume it there (see vsvm_fault.c).  Written by
 * the engine thread, and by the fault worker (@fault_ret, @ret and
 * @prefetched) while the job is parked.
 */
struct vsvm_engine_resume {
	/** @pos: Offset in the command stream of the command to run next. */
	u64 pos;
	/** @done: COPY, FILL: bytes of the command at @pos already done. */
	u64 done;
	/** @old: ATOMIC: the old value, once the atomic itself is done. */
	u64 old;
	/** @atomic_done: ATOMIC: done, only its result write is left. */
	bool atomic_done;
	/** @ended: The job has ended with @ret; only its user fence is left. */
	bool ended;
	/** @prefetched: An SVM prefetch, run by the fault worker: @ret is its result. */
	bool prefetched;
	/** @ret: The job's result, once @ended or @prefetched. */
	int ret;
	/** @fault_addr: The address the job is parked on. */
	u64 fault_addr;
	/** @fault_write: Whether that access writes. */
	bool fault_write;
	/** @fault_atomic: An ATOMIC that needs the page exclusive (SVM_MADVISE). */
	bool fault_atomic;
	/**
	 * @fault_ret: 0, or what vsvm_svm_fault() gave for the fault at
	 * @fault_addr: when the replay takes it again, it stands.
	 */
	int fault_ret;
	/**
	 * @spurious_addr: The last fault the fault queue found resolved
	 * already, or %U64_MAX (fault queue only).
	 */
	u64 spurious_addr;
};

/**
 * VSVM_ENGINE_INLINE_CMDS - Commands a job may run in run_job, at most
 * (&vsvm_engine_job.short_only)
 */
#define VSVM_ENGINE_INLINE_CMDS	32

/**
 * VSVM_MIGRATE_ZERO - &vsvm_migrate_pages.src of a page the copy zeroes
 *
 * A page migrated to VRAM that the process never touched has no source:
 * the engine writes zeros to its destination instead.
 */
#define VSVM_MIGRATE_ZERO	(~0ull)

/**
 * struct vsvm_migrate_pages - What a migration job copies (see vsvm_migrate.c)
 *
 * Every address was DMA-mapped before the job was pushed and stays mapped
 * until its fence has signalled; the engine reaches each page through the
 * DMA checker, as a COPY does.
 */
struct vsvm_migrate_pages {
	/** @src: DMA address of each source page, or %VSVM_MIGRATE_ZERO. */
	u64 *src;
	/** @dst: DMA address of each destination page. */
	u64 *dst;
	/** @npages: Entries of @src and @dst. */
	unsigned long npages;
	/** @done: Pages copied so far, in order: the engine's progress. */
	unsigned long done;
};

/**
 * struct vsvm_engine_job - What the engine needs to run one job
 */
struct vsvm_engine_job {
	/** @vdev: The device, for fault records. */
	struct vsvm_device *vdev;
	/** @vm: The VM the job's addresses live in; NULL for a migration job. */
	struct vsvm_vm *vm;
	/** @queue: The hardware queue running it. */
	u32 queue;
	/** @hw: The queue's hardware, for its preemption points; NULL in KUnit. */
	struct vsvm_hw *hw;
	/** @cs_addr: GPU address of the command stream. */
	u64 cs_addr;
	/** @cs_size: Size of the command stream in bytes. */
	u64 cs_size;
	/** @killed: Set when the job timed out: the engine stops it. */
	atomic_t killed;
	/**
	 * @prefetch: An SVM prefetch (SVM_PREFETCH) rather than a command
	 * stream: map [@cs_addr, @cs_addr + @cs_size) of the mirrored mm.
	 */
	bool prefetch;
	/** @prefetch_loc: Where a prefetch puts its range (&enum vsvm_svm_loc). */
	enum vsvm_svm_loc prefetch_loc;
	/**
	 * @skip: The job is not run (a dependency failed, or its entity was
	 * killed) and goes to the engine only to write its user fence.
	 */
	bool skip;
	/**
	 * @migrate: A migration job of the device's migration queue (see
	 * vsvm_migrate.c): the pages to copy, by DMA address; NULL for other
	 * jobs.
	 */
	struct vsvm_migrate_pages *migrate;
	/** @ufence: Whether the job writes a user fence when it ends. */
	bool ufence;
	/**
	 * @short_only: Run by run_job on the submitting CPU, not by the
	 * engine thread (see vsvm_hw.c): the engine runs at most
	 * %VSVM_ENGINE_INLINE_CMDS short commands, none that may take long
	 * (COPY, FILL, SPIN), never stops at a preemption point nor sleeps,
	 * and returns -EINPROGRESS at the first command it leaves for the
	 * engine thread.
	 */
	bool short_only;
	/** @ufence_addr: The user fence's GPU address, 8-byte aligned. */
	u64 ufence_addr;
	/** @ufence_value: The value written there. */
	u64 ufence_value;
	/** @resume: Where the job resumes after a fault parked it. */
	struct vsvm_engine_resume resume;
};

int vsvm_engine_run(struct vsvm_engine_job *job);
int vsvm_engine_migrate(struct vsvm_engine_job *job);
void vsvm_fill_pattern(u8 *d, u32 pattern, u64 off, size_t n);
int vsvm_engine_prefetch(struct vsvm_engine_job *job);
int vsvm_job_write_user_fence(struct vsvm_engine_job *job);
void vsvm_engine_record_fault(struct vsvm_device *vdev, struct vsvm_vm *vm,
			      u32 queue, u64 addr, bool write, u32 reason);

#endif /* __VSVM_ENGINE_H__ */
