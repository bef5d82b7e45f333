// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/bitops.h>
#include <linux/delay.h>
#include <linux/dma-direct.h>
#include <linux/highmem.h>
#include <linux/math64.h>
#include <linux/minmax.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <drm/drm_drv.h>
#include <drm/vsvm_drm.h>

#include <kunit/visibility.h>

#include "vsvm_drv.h"
#include "vsvm_engine.h"
#include "vsvm_hw.h"
#include "vsvm_svm.h"
#include "vsvm_svm_attr.h"
#include "vsvm_vm.h"

/**
 * DOC: the DMA engine
 *
 * The simulated engine runs a job's command stream (see the uapi's DOC on
 * the command stream) on the CPU, in the engine thread of its hardware queue
 * (see vsvm_hw.c).  It
 * reaches memory the way a device does: every access is translated through
 * the VM's TLB and page table at the moment it happens, one page at a time,
 * and the page is reached through its DMA address (dma_to_phys(), then a
 * short-lived kmap_local_page()).  No CPU pointer to the memory is ever kept
 * from one access to the next, and every access runs inside a TLB access
 * section (vsvm_tlb_access_begin()), so that a TLB flush waits for it.  The
 * command stream itself is read the same way, a command at a time.
 *
 * A missing translation or a write through a read-only one stops the job
 * with -EFAULT and records the fault in the device's fault ring
 * (vsvm_engine_record_fault()); a malformed command stops it with -EINVAL.
 * A job whose timeout fired has &vsvm_engine_job.killed set and stops at
 * its next command or page.  Those checks are the engine's preemption
 * points, where a reset may stop it (vsvm_hw_preempt_point()).
 *
 * FILL writes whole 64-bit words of its pattern, rotated to the pattern's
 * byte phase, through memset64() a page at a time (vsvm_fill_pattern()).
 *
 * For a VM that is not an SVM VM it runs in the fence-signalling path: it
 * never allocates and never waits on a fence.  An SVM VM's job that takes
 * a recoverable fault stops at the faulting command, its state saved in
 * &vsvm_engine_job.resume, and vsvm_engine_run() returns -EAGAIN: the
 * engine thread parks it and the device's fault queue resolves the fault
 * (see vsvm_fault.c); the job then resumes at that command.  COPY and FILL
 * go on from the page that faulted; STORE, TIMESTAMP, SPIN and the reads
 * of the stream itself are replayed whole, as they may be; an ATOMIC is
 * never done twice.  The engine never resolves a fault itself.
 *
 * A migration job of the device's migration queue (see vsvm_migrate.c)
 * has no command stream and no VM: vsvm_engine_migrate() copies its pages
 * by DMA address, each through the DMA checker as above.
 */

/* Expected length in words of each opcode (0: unknown opcode). */
static u16 cmd_len(u8 op, u8 flags)
{
	switch (op) {
	case DRM_VSVM_CMD_NOP:
	case DRM_VSVM_CMD_END:
		return 1;
	case DRM_VSVM_CMD_COPY:
		return 7;
	case DRM_VSVM_CMD_FILL:
		return 6;
	case DRM_VSVM_CMD_STORE:
		return flags & DRM_VSVM_CMD_64BIT ? 5 : 4;
	case DRM_VSVM_CMD_ATOMIC:
		return 9;
	case DRM_VSVM_CMD_TIMESTAMP:
		return 3;
	case DRM_VSVM_CMD_SPIN:
		return 4;
	default:
		return 0;
	}
}

static bool cmd_flags_ok(u8 op, u8 flags)
{
	switch (op) {
	case DRM_VSVM_CMD_STORE:
		return !(flags & ~DRM_VSVM_CMD_64BIT);
	case DRM_VSVM_CMD_ATOMIC:
		return (flags & ~DRM_VSVM_CMD_64BIT) <= DRM_VSVM_ATOMIC_XCHG;
	default:
		return !flags;
	}
}

static u64 qw(const u32 *dw)
{
	return dw[0] | ((u64)dw[1] << 32);
}

/**
 * vsvm_cmd_decode() - Decode one command of a command stream
 * @dw: The command's words, from its header on.
 * @avail: How many words @dw holds: the rest of the stream, or more than
 *         any command's length.
 * @cmd: Out: the decoded command.
 *
 * Return: the command's length in words, or -EINVAL for an unknown opcode,
 * unknown flags, a length that is not the opcode's, or a command cut off
 * by the end of the stream.
 */
int vsvm_cmd_decode(const u32 *dw, u32 avail, struct vsvm_cmd *cmd)
{
	u32 hdr;

	if (!avail)
		return -EINVAL;
	hdr = dw[0];
	*cmd = (struct vsvm_cmd){
		.op = hdr >> 24, .flags = (hdr >> 16) & 0xff, .len = hdr & 0xffff,
	};
	if (!cmd_len(cmd->op, cmd->flags) || cmd->len != cmd_len(cmd->op, cmd->flags) ||
	    !cmd_flags_ok(cmd->op, cmd->flags) || cmd->len > avail)
		return -EINVAL;

	switch (cmd->op) {
	case DRM_VSVM_CMD_COPY:
		cmd->src = qw(&dw[1]);
		cmd->dst = qw(&dw[3]);
		cmd->size = qw(&dw[5]);
		break;
	case DRM_VSVM_CMD_FILL:
		cmd->dst = qw(&dw[1]);
		cmd->value = dw[3];
		cmd->size = qw(&dw[4]);
		break;
	case DRM_VSVM_CMD_STORE:
		cmd->dst = qw(&dw[1]);
		cmd->value = cmd->flags & DRM_VSVM_CMD_64BIT ? qw(&dw[3]) : dw[3];
		break;
	case DRM_VSVM_CMD_ATOMIC:
		cmd->dst = qw(&dw[1]);
		cmd->value = qw(&dw[3]);
		cmd->compare = qw(&dw[5]);
		cmd->result = qw(&dw[7]);
		break;
	case DRM_VSVM_CMD_TIMESTAMP:
		cmd->dst = qw(&dw[1]);
		break;
	case DRM_VSVM_CMD_SPIN:
		cmd->dst = qw(&dw[1]);
		cmd->value = dw[3];
		break;
	}
	return cmd->len;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_cmd_decode);

/**
 * struct eng - State of one run of the engine
 */
struct eng {
	/** @job: The job. */
	struct vsvm_engine_job *job;
	/** @vm: The job's VM. */
	struct vsvm_vm *vm;
	/** @fault_addr: Where the fault happened, if @reason is set. */
	u64 fault_addr;
	/** @fault_write: Whether the faulting access was a write. */
	bool fault_write;
	/** @fault_atomic: An ATOMIC that needs the page exclusive. */
	bool fault_atomic;
	/** @reason: DRM_VSVM_FAULT_*, or 0. */
	u32 reason;
	/** @final: Writing the user fence: resolve faults even for a killed job. */
	bool final;
	/** @park: The job stops on a fault that the fault queue resolves. */
	bool park;
};

/*
 * Maps the byte at DMA address @dma of @vdev for an engine access, or
 * returns NULL if the DMA checker refuses it.
 */
static void *eng_map_dma(struct vsvm_device *vdev, u64 dma, bool write)
{
	phys_addr_t phys;

	/* I1, I10: the DMA checker vets the page before it is touched. */
	if (!vsvm_dmachk_access(&vdev->dmachk, dma & PAGE_MASK, write))
		return NULL;
	phys = dma_to_phys(vdev->drm.dev, dma);
	return kmap_local_page(pfn_to_page(PHYS_PFN(phys))) + offset_in_page(phys);
}

/* Maps the byte at @va for an access inside a TLB access section. */
static void *eng_map(struct eng *e, u64 va, bool write)
{
	struct vsvm_vm *vm = e->vm;
	void *p;
	u64 dma;
	int ret;

	e->fault_atomic = false;
	ret = vsvm_tlb_translate(&vm->tlb, &vm->pt, va, write, &dma);
	if (ret) {
		e->fault_addr = va;
		e->fault_write = write;
		e->reason = ret == -EACCES ? DRM_VSVM_FAULT_READ_ONLY : DRM_VSVM_FAULT_NOT_PRESENT;
		return NULL;
	}
	p = eng_map_dma(vm->vdev, dma, write);
	if (!p) {
		e->fault_addr = va;
		e->fault_write = write;
		e->reason = DRM_VSVM_FAULT_NOT_PRESENT;
	}
	return p;
}

/*
 * A preemption point (see vsvm_hw.c): may stop here for a reset.  I8: the
 * device's unplug kills the job too, at once, so that an ioctl waiting for
 * it (VM_DESTROY) does not hold up drm_dev_unplug() until its timeout.
 */
static bool job_killed(struct vsvm_engine_job *job)
{
	/* In run_job (@job->short_only), no reset can be waited for. */
	vsvm_hw_preempt_point(job->short_only ? NULL : job->hw);
	return atomic_read(&job->killed) ||
	       (job->vdev && drm_dev_is_unplugged(&job->vdev->drm));
}

static bool eng_killed(struct eng *e)
{
	return job_killed(e->job);
}

/*
 * An SVM VM's missing or read-only translation, outside any TLB access
 * section: the job parks on it (@e->park), to be resolved from the CPU's
 * page tables by the fault queue, unless the fault queue has already
 * failed to resolve it, in which case it stands.  Either way the caller
 * stops with -EFAULT; a parked job resumes at the faulting command.
 */
static void eng_fault(struct eng *e)
{
	struct vsvm_engine_resume *r = &e->job->resume;

	if (!e->vm->svm || (e->reason != DRM_VSVM_FAULT_NOT_PRESENT &&
			    e->reason != DRM_VSVM_FAULT_READ_ONLY) ||
	    (eng_killed(e) && !e->final))
		return;
	if (r->fault_ret && r->fault_addr == e->fault_addr) {
		e->reason = r->fault_ret == -EPERM ? DRM_VSVM_FAULT_READ_ONLY :
						     DRM_VSVM_FAULT_NOT_PRESENT;
		r->fault_ret = 0;
		return;
	}
	/* Without an engine thread (KUnit) nothing resolves faults. */
	if (!e->job->hw)
		return;
	r->fault_addr = e->fault_addr;
	r->fault_write = e->fault_write;
	r->fault_atomic = e->fault_atomic;
	r->fault_ret = 0;
	e->park = true;
}

/* Keeps COPY and FILL to the device's throughput limit, if one is set. */
static void eng_throttle(struct eng *e, u64 bytes)
{
	u32 rate = READ_ONCE(e->job->vdev->engine_bytes_per_sec);

	if (rate)
		fsleep(div_u64(bytes * USEC_PER_SEC, rate));
}

/* Copies between @buf and GPU memory at @va, a page at a time. */
static int eng_rw(struct eng *e, u64 va, void *buf, u64 len, bool write)
{
	struct vsvm_tlb *tlb = &e->vm->tlb;

	while (len) {
		u64 n = min_t(u64, len, PAGE_SIZE - offset_in_page(va));
		void *p;
		int idx;

		idx = vsvm_tlb_access_begin(tlb);
		p = eng_map(e, va, write);
		if (p) {
			if (write)
				memcpy(p, buf, n);
			else
				memcpy(buf, p, n);
			kunmap_local(p);
		}
		vsvm_tlb_access_end(tlb, idx);
		if (!p) {
			eng_fault(e);
			return -EFAULT;
		}
		va += n;
		buf += n;
		len -= n;
	}
	return 0;
}

/* COPY from where it stopped (&vsvm_engine_resume.done). */
static int eng_copy(struct eng *e, u64 dst, u64 src, u64 size)
{
	struct vsvm_tlb *tlb = &e->vm->tlb;
	u64 *done = &e->job->resume.done;

	src += *done;
	dst += *done;
	size -= *done;
	while (size) {
		u64 n = min3(size, PAGE_SIZE - offset_in_page(src),
			     PAGE_SIZE - offset_in_page(dst));
		void *s, *d = NULL;
		int idx;

		idx = vsvm_tlb_access_begin(tlb);
		s = eng_map(e, src, false);
		if (s) {
			d = eng_map(e, dst, true);
			if (d) {
				memcpy(d, s, n);
				kunmap_local(d);
			}
			kunmap_local(s);
		}
		vsvm_tlb_access_end(tlb, idx);
		if (!d) {
			eng_fault(e);
			return -EFAULT;
		}
		src += n;
		dst += n;
		size -= n;
		*done += n;
		/* Injection: stall a copy between its first page and the rest. */
		if (size)
			vsvm_inject(e->job->vdev, VSVM_INJECT_COPY);
		if (eng_killed(e))
			return -ETIMEDOUT;
		eng_throttle(e, n);
		cond_resched();
	}
	return 0;
}

/**
 * vsvm_fill_pattern() - Write part of a FILL, as memset does
 * @d: Where to write.
 * @pattern: The FILL's 32-bit pattern: byte k of the FILL is byte (k % 4) of
 *           the pattern, little-endian.
 * @off: How many bytes into the FILL @d is: the pattern's byte phase.
 * @n: Bytes to write.
 *
 * A byte at a time up to 8-byte alignment, then 64-bit words of the pattern
 * rotated to its phase (memset64()), then the tail a byte at a time.
 */
void vsvm_fill_pattern(u8 *d, u32 pattern, u64 off, size_t n)
{
	size_t head = min_t(size_t, n, PTR_ALIGN(d, 8) - d);
	size_t i, words;
	u64 w;

	for (i = 0; i < head; i++)
		d[i] = pattern >> (8 * ((off + i) & 3));
	d += head;
	off += head;
	n -= head;

	w = (__force u32)cpu_to_le32(ror32(pattern, 8 * (off & 3)));
	words = n / 8;
	memset64((u64 *)d, w << 32 | w, words);
	d += words * 8;
	off += words * 8;
	n -= words * 8;

	for (i = 0; i < n; i++)
		d[i] = pattern >> (8 * ((off + i) & 3));
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_fill_pattern);

/* FILL from where it stopped (&vsvm_engine_resume.done). */
static int eng_fill(struct eng *e, u64 dst, u32 pattern, u64 size)
{
	struct vsvm_tlb *tlb = &e->vm->tlb;
	u64 *done = &e->job->resume.done;

	while (*done < size) {
		u64 n = min_t(u64, size - *done, PAGE_SIZE - offset_in_page(dst + *done));
		u8 *d;
		int idx;

		idx = vsvm_tlb_access_begin(tlb);
		d = eng_map(e, dst + *done, true);
		if (d) {
			vsvm_fill_pattern(d, pattern, *done, n);
			kunmap_local(d);
		}
		vsvm_tlb_access_end(tlb, idx);
		if (!d) {
			eng_fault(e);
			return -EFAULT;
		}
		*done += n;
		if (eng_killed(e))
			return -ETIMEDOUT;
		eng_throttle(e, n);
		cond_resched();
	}
	return 0;
}

static int eng_atomic(struct eng *e, const struct vsvm_cmd *cmd, u64 *old)
{
	bool is64 = cmd->flags & DRM_VSVM_CMD_64BIT;
	u8 op = cmd->flags & ~DRM_VSVM_CMD_64BIT;
	struct vsvm_tlb *tlb = &e->vm->tlb;
	void *p;
	int idx;

	idx = vsvm_tlb_access_begin(tlb);
	p = eng_map(e, cmd->dst, true);
	/*
	 * An SVM range in device atomic mode: the page must be the device's
	 * alone (make_device_exclusive_range()), else the fault queue takes
	 * it.  Checked inside the access section: the CPU's access that
	 * takes it back waits for this one in the TLB flush.
	 */
	if (p && e->vm->svm && !vsvm_svm_attr_atomic_ready(e->vm, cmd->dst)) {
		kunmap_local(p);
		p = NULL;
		e->fault_addr = cmd->dst;
		e->fault_write = true;
		e->fault_atomic = true;
		e->reason = DRM_VSVM_FAULT_NOT_PRESENT;
	}
	if (p) {
		if (is64) {
			atomic64_t *v = p;

			if (op == DRM_VSVM_ATOMIC_ADD)
				*old = atomic64_fetch_add(cmd->value, v);
			else if (op == DRM_VSVM_ATOMIC_CMPXCHG)
				*old = atomic64_cmpxchg(v, cmd->compare, cmd->value);
			else
				*old = atomic64_xchg(v, cmd->value);
		} else {
			atomic_t *v = p;

			if (op == DRM_VSVM_ATOMIC_ADD)
				*old = (u32)atomic_fetch_add((u32)cmd->value, v);
			else if (op == DRM_VSVM_ATOMIC_CMPXCHG)
				*old = (u32)atomic_cmpxchg(v, (u32)cmd->compare, (u32)cmd->value);
			else
				*old = (u32)atomic_xchg(v, (u32)cmd->value);
		}
		kunmap_local(p);
	}
	vsvm_tlb_access_end(tlb, idx);
	return p ? 0 : -EFAULT;
}

static int eng_spin(struct eng *e, u64 sem, u32 value)
{
	u32 cur;
	int ret;

	for (;;) {
		ret = eng_rw(e, sem, &cur, sizeof(cur), false);
		if (ret)
			return ret;
		if (cur == value)
			return 0;
		if (eng_killed(e))
			return -ETIMEDOUT;
		usleep_range(20, 100);
	}
}

/* Runs one decoded command; -EINVAL marks a bad command. */
static int eng_exec(struct eng *e, const struct vsvm_cmd *cmd)
{
	struct vsvm_engine_resume *r = &e->job->resume;
	u64 val, old = 0;
	int ret;

	switch (cmd->op) {
	case DRM_VSVM_CMD_COPY:
		return eng_copy(e, cmd->dst, cmd->src, cmd->size);
	case DRM_VSVM_CMD_FILL:
		return eng_fill(e, cmd->dst, cmd->value, cmd->size);
	case DRM_VSVM_CMD_STORE:
		val = cmd->value;
		return eng_rw(e, cmd->dst, &val,
			      cmd->flags & DRM_VSVM_CMD_64BIT ? 8 : 4, true);
	case DRM_VSVM_CMD_ATOMIC:
		/* Atomics need natural alignment, as on real hardware. */
		if (!IS_ALIGNED(cmd->dst, cmd->flags & DRM_VSVM_CMD_64BIT ? 8 : 4))
			return -EINVAL;
		/* Once done, never again: a replay only writes the result. */
		if (!r->atomic_done) {
			ret = eng_atomic(e, cmd, &old);
			if (ret) {
				eng_fault(e);
				return ret;
			}
			r->old = old;
			r->atomic_done = true;
		}
		if (!cmd->result)
			return 0;
		return eng_rw(e, cmd->result, &r->old,
			      cmd->flags & DRM_VSVM_CMD_64BIT ? 8 : 4, true);
	case DRM_VSVM_CMD_TIMESTAMP:
		val = ktime_get_ns();
		return eng_rw(e, cmd->dst, &val, sizeof(val), true);
	case DRM_VSVM_CMD_SPIN:
		return eng_spin(e, cmd->dst, cmd->value);
	default:
		return 0;
	}
}

/*
 * Whether a command is short enough to run in run_job: it touches at most
 * two words of memory, and never waits (see &vsvm_engine_job.short_only).
 */
static bool cmd_short(const struct vsvm_cmd *cmd)
{
	switch (cmd->op) {
	case DRM_VSVM_CMD_COPY:
	case DRM_VSVM_CMD_FILL:
	case DRM_VSVM_CMD_SPIN:
		return false;
	default:
		return true;
	}
}

/**
 * vsvm_engine_record_fault() - Record a GPU fault in the device's fault ring
 * @vdev: The device.
 * @vm: The VM the fault happened in.
 * @queue: The hardware queue.
 * @addr: The faulting GPU address.
 * @write: Whether the access was a write.
 * @reason: DRM_VSVM_FAULT_*.
 */
void vsvm_engine_record_fault(struct vsvm_device *vdev, struct vsvm_vm *vm,
			      u32 queue, u64 addr, bool write, u32 reason)
{
	struct vsvm_fault_record *rec;

	spin_lock(&vdev->fault_lock);
	rec = &vdev->faults[vdev->fault_seqno % DRM_VSVM_MAX_FAULTS];
	rec->client_id = vm->client_id;
	rec->fault = (struct drm_vsvm_fault){
		.seqno = ++vdev->fault_seqno, .addr = addr, .vm_id = vm->id,
		.queue = queue, .write = write, .reason = reason,
	};
	spin_unlock(&vdev->fault_lock);
}

/**
 * vsvm_engine_prefetch() - Run an SVM prefetch job
 * @job: The job: fault in [&vsvm_engine_job.cs_addr, +cs_size) of its
 *       SVM VM ahead of use, a chunk at a time.
 *
 * Run by the fault queue's worker, never by an engine thread (the job parks
 * at once, see vsvm_engine_run()); a chunk that cannot be mapped is
 * recorded as a fault.
 *
 * Return: 0, -EFAULT for a chunk that could not be mapped, or -ETIMEDOUT
 * if the job was killed.
 */
int vsvm_engine_prefetch(struct vsvm_engine_job *job)
{
	u64 va = job->cs_addr, end = job->cs_addr + job->cs_size, next;
	int ret;

	while (va < end) {
		/*
		 * I8: the unplug stops a prefetch at once (hw_run() then ends
		 * it with -ENODEV): an ioctl waiting for the VM's jobs, which
		 * the unplug waits for, must not wait for a long range.
		 */
		if (atomic_read(&job->killed) || drm_dev_is_unplugged(&job->vdev->drm))
			return -ETIMEDOUT;
		ret = vsvm_svm_fault_at(job->vm, va, false, true, job->prefetch_loc, &next);
		/* The range kept changing: the same chunk again. */
		if (ret == -EAGAIN)
			continue;
		if (ret) {
			vsvm_engine_record_fault(job->vdev, job->vm, job->queue, va, false,
						 ret == -EPERM ? DRM_VSVM_FAULT_READ_ONLY :
						 DRM_VSVM_FAULT_NOT_PRESENT);
			return -EFAULT;
		}
		va = next;
	}
	return 0;
}

/**
 * vsvm_job_write_user_fence() - Write a job's user fence, and wake waiters
 * @job: The job, which has ended (run, failed, killed, or skipped).
 *
 * Called from the one place where a job ends (hw_run() in vsvm_hw.c, on
 * the engine thread).
 * The value is written through the VM's page table like any GPU write, so
 * an SVM VM's job parks on a fault there (even a job killed at the
 * timeout), and the write is made again at the replay; a write whose fault
 * stands is recorded.  Then every WAIT_USER_FENCE of the device rechecks
 * its condition.  Does nothing for a job without one.
 *
 * Return: 0, or -EAGAIN when the job parks on a fault.
 */
int vsvm_job_write_user_fence(struct vsvm_engine_job *job)
{
	struct eng e = { .job = job, .vm = job->vm, .final = true };
	u64 value = job->ufence_value;

	if (!job->ufence)
		return 0;
	if (eng_rw(&e, job->ufence_addr, &value, sizeof(value), true)) {
		if (e.park)
			return -EAGAIN;
		vsvm_engine_record_fault(job->vdev, job->vm, job->queue, e.fault_addr,
					 e.fault_write, e.reason);
	}
	job->resume.fault_ret = 0;
	wake_up_all(&job->vdev->ufence_wq);
	return 0;
}

/**
 * vsvm_engine_migrate() - Run a migration job: copy its pages
 * @job: The job, of the device's migration queue (&vsvm_engine_job.migrate).
 *
 * Copies page after page from &vsvm_migrate_pages.src to
 * &vsvm_migrate_pages.dst (or zeroes the destination of a
 * %VSVM_MIGRATE_ZERO source), reaching each page through its DMA address
 * and the DMA checker, as a COPY does (I10): a page the migration did not
 * DMA-map is a checker violation and stops the job.  Counts its progress
 * in &vsvm_migrate_pages.done.  Runs in the fence-signalling section of
 * the engine thread (I2): it neither allocates nor takes a lock of the
 * memory-management core.  Between pages, it is at a preemption point.
 *
 * Return: 0 once every page is copied, -EFAULT if the checker refused a
 * page, -ETIMEDOUT if the job was killed (its timeout).
 */
int vsvm_engine_migrate(struct vsvm_engine_job *job)
{
	struct vsvm_migrate_pages *mp = job->migrate;
	struct vsvm_device *vdev = job->vdev;

	while (mp->done < mp->npages) {
		unsigned long i = mp->done;
		void *d, *s;

		d = eng_map_dma(vdev, mp->dst[i], true);
		if (!d)
			return -EFAULT;
		if (mp->src[i] == VSVM_MIGRATE_ZERO) {
			memset(d, 0, PAGE_SIZE);
		} else {
			s = eng_map_dma(vdev, mp->src[i], false);
			if (!s) {
				kunmap_local(d);
				return -EFAULT;
			}
			memcpy(d, s, PAGE_SIZE);
			kunmap_local(s);
		}
		kunmap_local(d);
		mp->done++;
		/* Not job_killed(): the removal's evictions run after the unplug. */
		vsvm_hw_preempt_point(job->hw);
		if (atomic_read(&job->killed))
			return -ETIMEDOUT;
		cond_resched();
	}
	return 0;
}

/**
 * vsvm_engine_run() - Run a job's command stream, or go on with it
 * @job: The job, resumed at &vsvm_engine_job.resume if a fault parked it.
 *
 * Runs an SVM prefetch instead, for a &vsvm_engine_job.prefetch job: on an
 * engine thread that parks the job at once, for the fault queue to run
 * (vsvm_engine_prefetch()).
 *
 * Return: 0 when the stream ran to its end; -EAGAIN when the job parks on
 * a fault (an SVM VM's job on an engine thread); -EINPROGRESS, with
 * &vsvm_engine_job.short_only, at the first command left for the engine
 * thread (the job resumes there); -EFAULT for a GPU fault
 * that stands, -EINVAL for a bad command (both recorded), -ETIMEDOUT if
 * the job was killed.
 */
int vsvm_engine_run(struct vsvm_engine_job *job)
{
	struct vsvm_engine_resume *r = &job->resume;
	struct eng e = { .job = job, .vm = job->vm };
	unsigned int ran = 0;
	int ret = 0;

	if (job->migrate)
		return vsvm_engine_migrate(job);
	if (job->prefetch) {
		if (r->prefetched)
			return r->ret;
		if (!job->hw)
			return vsvm_engine_prefetch(job);
		r->fault_addr = job->cs_addr;
		r->fault_write = false;
		return -EAGAIN;
	}

	while (r->pos < job->cs_size) {
		u64 at = job->cs_addr + r->pos;
		u32 dw[9], n = 0, remaining = (job->cs_size - r->pos) / 4;
		struct vsvm_cmd cmd;

		/* The header, then as much of the command as the stream holds. */
		ret = eng_rw(&e, at, dw, 4, false);
		if (!ret) {
			n = min3(dw[0] & 0xffff, remaining, (u32)ARRAY_SIZE(dw));
			if (n > 1)
				ret = eng_rw(&e, at + 4, &dw[1], (n - 1) * 4, false);
		}
		if (ret)
			break;
		ret = vsvm_cmd_decode(dw, n, &cmd);
		if (ret < 0) {
			e.fault_addr = at;
			e.reason = DRM_VSVM_FAULT_BAD_COMMAND;
			break;
		}
		/* run_job leaves the rest of the stream to the engine thread. */
		if (job->short_only && (!cmd_short(&cmd) || ++ran > VSVM_ENGINE_INLINE_CMDS)) {
			ret = -EINPROGRESS;
			break;
		}
		ret = eng_exec(&e, &cmd);
		if (ret == -EINVAL) {
			e.fault_addr = at;
			e.reason = DRM_VSVM_FAULT_BAD_COMMAND;
		}
		if (ret || cmd.op == DRM_VSVM_CMD_END)
			break;
		/* The command is done: the next one starts afresh. */
		r->done = 0;
		r->atomic_done = false;
		r->fault_ret = 0;
		if (eng_killed(&e)) {
			ret = -ETIMEDOUT;
			break;
		}
		if (!job->short_only)
			vsvm_debug_cmd_delay(job->vdev);
		r->pos += cmd.len * 4;
	}

	/* Left for the engine thread, at the command @r->pos: nothing done of it. */
	if (ret == -EINPROGRESS)
		return ret;
	/* Parked: stopped at the faulting command, nothing recorded. */
	if (e.park)
		return -EAGAIN;
	if (e.reason)
		vsvm_engine_record_fault(job->vdev, job->vm, job->queue, e.fault_addr,
					 e.fault_write, e.reason);
	return ret;
}
