// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm exec
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: DMA engine
 * Description: The simulated DMA engine: every command checked byte by byte
 *		(unaligned and page-crossing included), GPU faults, bad
 *		commands, SPIN release, job timeout and context ban, syncobj
 *		chains (binary and timeline) across queues, unbind waiting for
 *		jobs, synchronous and asynchronous binds with syncs, QUERY,
 *		every errno of EXEC, asynchronous VM_BIND and QUERY, and the
 *		scheduler's hand-off on the submitting CPU.
 *
 * SUBTEST: store-fill-copy
 * Description: STORE, FILL and COPY write exactly their bytes, at unaligned addresses
 *		and across pages.
 *
 * SUBTEST: atomics
 * Description: ATOMIC add, cmpxchg and xchg, 32- and 64-bit, return the old value.
 *
 * SUBTEST: timestamp
 * Description: TIMESTAMP writes the engine clock, which moves forward.
 *
 * SUBTEST: fault-not-present
 * Description: An access to an unmapped address is a recorded GPU fault (-EFAULT),
 *		and the commands after it do not run.
 *
 * SUBTEST: fault-read-only
 * Description: A write through a read-only mapping faults and changes nothing;
 *		reading it works.
 *
 * SUBTEST: bad-commands
 * Description: Unknown opcodes, wrong lengths and truncated commands end the job with
 *		-EINVAL and a bad-command fault.
 *
 * SUBTEST: spin-release
 * Description: SPIN waits until the CPU writes the semaphore.
 *
 * SUBTEST: hang-timeout-ban
 * Description: A hung job is killed at the timeout (-ETIMEDOUT), its context (VM,
 *		queue) is banned (-EIO), and other contexts still run.
 *
 * SUBTEST: hang-cancels-banned-keeps-innocent
 * Description: A reset bans the hung job's context: its jobs queued behind the hung
 *		one end with -ECANCELED and do not run, while another context's job
 *		queued behind it on the same queue is restarted and runs.
 *
 * SUBTEST: spin-other-queue
 * Description: A SPIN on queue 0 does not delay a job on queue 1: each queue has its
 *		own engine (the two jobs share no object).
 *
 * SUBTEST: hang-timeout-other-queue-busy
 * Description: The reset of queue 0 recovers a hung job while queue 1 keeps running
 *		another file's jobs, each of which completes.
 *
 * SUBTEST: ring-fence-errors
 * Description: Jobs queued together in the ring each end with their own status:
 *		-EFAULT, -EFAULT (read-only), -EINVAL, success.
 *
 * SUBTEST: prefetch-banned
 * Description: SVM_PREFETCH on a context banned after a timeout fails with -EIO.
 *
 * SUBTEST: syncobj-chain
 * Description: A job waits for its in-syncs: binary and timeline, across queues.
 *
 * SUBTEST: in-sync-timeline-64bit
 * Description: An EXEC in-sync at timeline point 2^32 + 5 waits for that point: the
 *		job does not run when point 5 signals, and runs when 2^32 + 5 does.
 *
 * SUBTEST: unmap-waits-for-job
 * Description: VM_BIND UNMAP of a range waits for the VM's running jobs.
 *
 * SUBTEST: concurrent-exec-bind
 * Description: Processes sharing one file and VM exec on two queues while another
 *		binds and unbinds: jobs see memory or fault, never anything else, and
 *		the kernel stays clean.
 *
 * SUBTEST: close-with-job-in-flight
 * Description: Closing the file with a job spinning ends cleanly.
 *
 * SUBTEST: implicit-sync-prime
 * Description: Implicit sync between two files sharing an object through PRIME: the
 *		reader's job waits for the writer's.
 *
 * SUBTEST: dmabuf-sync-file
 * Description: sync_file interop on a vsvm dma-buf: EXPORT_SYNC_FILE reflects a vsvm
 *		job, and a vsvm job waits for an IMPORT_SYNC_FILE fence.
 *
 * SUBTEST: fdinfo-engine
 * Description: fdinfo reports the engine time of the file's jobs per queue.
 *
 * SUBTEST: bind-syncs
 * Description: VM_BIND with the syncs extension waits for its in-syncs and signals
 *		its out-syncs; its refusals.
 *
 * SUBTEST: bind-async
 * Description: An asynchronous VM_BIND returns while its in-sync is pending; its MAP
 *		and UNMAP take effect in order when their jobs run, and an EXEC
 *		waiting on the out-sync sees both.
 *
 * SUBTEST: bind-async-exec-depends
 * Description: EXEC behind an asynchronous MAP that waits for a spinning job returns
 *		at once: the bind is a dependency of its job, not a wait in the ioctl;
 *		the job then writes the newly mapped object.
 *
 * SUBTEST: bind-async-unmap-waits
 * Description: An asynchronous UNMAP of a range a queued job uses returns at once;
 *		its job waits for that job, which completes unharmed.
 *
 * SUBTEST: bind-async-remap
 * Description: One asynchronous VM_BIND of two ops, an UNMAP of the middle of a
 *		mapping and a MAP of another object into the hole, queued behind a
 *		job: both run in order, the pieces keep their pages.
 *
 * SUBTEST: bind-async-userptr
 * Description: Asynchronous binds of a userptr: the MAP's entries are there for the
 *		EXEC after it; the UNMAP's job waits for a job reading the memory, and
 *		munmap of the memory waits for both.
 *
 * SUBTEST: bind-async-in-sync-timeline-64bit
 * Description: An asynchronous VM_BIND in-sync at timeline point 2^32 + 5 waits for
 *		that point: the bind job does not run when point 5 signals, and runs
 *		when 2^32 + 5 does.
 *
 * SUBTEST: bind-async-errors
 * Description: Errors of asynchronous VM_BIND: unknown flags, a taken range, a hole,
 *		bad in-syncs; ops before a failing one stay queued.
 *
 * SUBTEST: bind-async-close
 * Description: Closing the file with asynchronous binds queued behind a spinning job
 *		waits for them and frees everything.
 *
 * SUBTEST: cross-device-syncobj
 * Description: A job on one vsvm device waits for a job on another, through a
 *		sync_file moved between their syncobjs.
 *
 * SUBTEST: throttle
 * Description: debugfs engine_bytes_per_sec slows COPY and FILL to its rate.
 *
 * SUBTEST: tracepoints
 * Description: The tracepoints fire: job submit, run (hand-off), exec (engine start)
 *		and done, bind, bind job, TLB flush.
 *
 * SUBTEST: query
 * Description: QUERY: the size protocol, device information and refusals.
 *
 * SUBTEST: exec-errors
 * Description: EXEC's errnos: flags, pads, queue, command stream, syncs, VM.
 *
 * SUBTEST: unload-with-jobs-in-flight
 * Description: I8: closing files with jobs in flight on both queues (a hung SPIN,
 *		throttled FILLs), then unloading and loading the module, ends cleanly
 *		and the new module runs jobs.
 *
 * SUBTEST: hand-off-on-submit-cpu
 * Description: run_job runs on the CPU that submitted the job (the scheduler's
 *		per-CPU high-priority workqueue), so no idle CPU is woken for it.
 *
 * SUBTEST: short-job-on-submit-cpu
 * Description: A job of short commands given to an idle engine ends in run_job,
 *		on the CPU that submitted it, so its waiter is woken there; a job
 *		that goes on with a COPY is handed to the engine thread where the
 *		short commands stopped, and each job has one exec and one done event.
 *
 * SUBTEST: short-job-signal-order
 * Description: I2: the fences of one context signal in seqno order: a NOP
 *		submitted right after a COPY on the same queue does not end in
 *		run_job before the engine thread has signalled the COPY's fence
 *		(debugfs engine_signal_delay_us widens that window).
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define BO_SIZE (16 * PAGE)
#define CMD_VA 0x1000000ull
#define DATA_VA 0x2000000ull
#define RO_VA 0x3000000ull
#define SHARED_VA 0x4000000ull
#define UNMAPPED_VA 0x7000000ull
#define UP_VA 0x5000000ull

/** A test's setup: a file, a VM, a command buffer and two data buffers. */
struct ctx {
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, data_bo, ro_bo;
	uint32_t *cmd;		/* CPU view of the command buffer */
	uint8_t *data;		/* CPU view of the data buffer */
	uint8_t *ro;		/* CPU view of the read-only mapped buffer */
	unsigned int n;		/* words emitted */
};

/* The emitter arguments of vsvm_igt.h for @c's command buffer. */
#define CS(c) (c)->cmd, &(c)->n, BO_SIZE / 4

static void ctx_init(struct ctx *c)
{
	c->fd = drm_open_driver(DRIVER_VSVM);
	c->vm = vsvm_vm_create(c->fd, 0);
	c->cmd_bo = vsvm_gem_create(c->fd, BO_SIZE);
	c->data_bo = vsvm_gem_create(c->fd, BO_SIZE);
	c->ro_bo = vsvm_gem_create(c->fd, BO_SIZE);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, c->cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, c->data_bo, 0, DATA_VA, BO_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, c->ro_bo, 0, RO_VA, BO_SIZE,
				  DRM_VSVM_BIND_READ_ONLY), 0);
	c->cmd = vsvm_gem_mmap(c->fd, c->cmd_bo, BO_SIZE);
	c->data = vsvm_gem_mmap(c->fd, c->data_bo, BO_SIZE);
	c->ro = vsvm_gem_mmap(c->fd, c->ro_bo, BO_SIZE);
	c->n = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, BO_SIZE);
	munmap(c->data, BO_SIZE);
	munmap(c->ro, BO_SIZE);
	close(c->fd);
}

static int __exec(int fd, struct drm_vsvm_exec *e)
{
	return igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, e) ? -errno : 0;
}

/*
 * Runs the words emitted from @first on, on @queue, signalling a new binary
 * syncobj (returned) and waiting on @in (0 for none).  Resets the emitter.
 */
static uint32_t exec_from(struct ctx *c, unsigned int first, uint32_t queue, uint32_t in)
{
	struct drm_vsvm_sync out_sync = { 0 }, in_sync = { .handle = in };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .queue = queue,
		.cs_addr = CMD_VA + first * 4, .cs_size = (c->n - first) * 4,
		.out_syncs = (uintptr_t)&out_sync, .num_out_syncs = 1,
		.in_syncs = (uintptr_t)&in_sync, .num_in_syncs = in ? 1 : 0,
	};

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out_sync.handle), 0);
	igt_assert_eq(__exec(c->fd, &e), 0);
	return out_sync.handle;
}

/* Runs everything emitted, waits, and returns the job's status. */
static int run(struct ctx *c, uint32_t queue)
{
	uint32_t s = exec_from(c, 0, queue, 0);
	int status;

	igt_assert_eq(vsvm_wait_ms(c->fd, s, 20000), 0);
	status = vsvm_fence_status(c->fd, s);
	drmSyncobjDestroy(c->fd, s);
	c->n = 0;
	return status;
}

static struct drm_vsvm_query_faults *query_faults(int fd)
{
	static uint8_t buf[sizeof(struct drm_vsvm_query_faults) +
			   DRM_VSVM_MAX_FAULTS * sizeof(struct drm_vsvm_fault)];
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_FAULTS, .size = sizeof(buf), .data = (uintptr_t)buf,
	};

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return (struct drm_vsvm_query_faults *)buf;
}

/* The last fault this file saw, or NULL. */
static struct drm_vsvm_fault *last_fault(int fd)
{
	struct drm_vsvm_query_faults *f = query_faults(fd);

	return f->count ? &f->faults[f->count - 1] : NULL;
}

/*
 * Runs three STOREs, the second to an unmapped address: the job ends with
 * -EFAULT after the first, the third never runs.  Returns the fault record.
 */
static struct drm_vsvm_fault *run_fault_not_present(struct ctx *c)
{
	struct drm_vsvm_fault *f;

	vsvm_emit_store32(CS(c), DATA_VA, 1);
	vsvm_emit_store32(CS(c), UNMAPPED_VA + 12, 2);
	vsvm_emit_store32(CS(c), DATA_VA + 4, 3);
	igt_assert_eq(run(c, 1), -EFAULT);
	igt_assert_eq_u32(((uint32_t *)c->data)[0], 1);
	igt_assert_eq_u32(((uint32_t *)c->data)[1], 0);
	f = last_fault(c->fd);
	igt_assert(f);
	return f;
}

static struct drm_vsvm_query_device query_device(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(dev), .data = (uintptr_t)&dev,
	};

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return dev;
}

/* Field @key of queue @q's line in debugfs vsvm_engine, or -1. */
static long long engine_stat(int fd, unsigned int q, const char *key)
{
	char buf[4096], line[16], *p;
	long long v = -1;

	igt_debugfs_read(fd, "vsvm_engine", buf);
	snprintf(line, sizeof(line), "queue %u:", q);
	p = strstr(buf, line);
	if (p)
		p = strstr(p, key);
	if (p)
		sscanf(p + strlen(key), " %lld", &v);
	return v;
}

/*
 * Sets the module parameter direct_submit (direct submission from the EXEC
 * ioctl, see vsvm_sched.c); returns its previous value.
 */
static bool set_direct(bool on)
{
	char v = 'N';
	int f = open("/sys/module/vsvm/parameters/direct_submit", O_RDWR);

	igt_require_f(f >= 0, "no direct_submit parameter\n");
	igt_assert_eq(read(f, &v, 1), 1);
	igt_assert_eq(pwrite(f, on ? "1" : "0", 1, 0), 1);
	close(f);
	return v == 'Y';
}

/* A timeline point above 2^32, whose low 32 bits are another point's. */
#define TL_HIGH ((1ull << 32) + 5)

/*
 * Two spinning jobs in a VM of their own, so that no object of the test's
 * VM carries their fences (implicit sync would order the test's jobs after
 * them whatever the in-syncs say).
 */
struct spinner {
	uint32_t vm, bo;
	volatile uint32_t *map;	/* commands, then the two semaphores at SEM_WORD */
};

#define SEM_WORD 256

/*
 * Gives timeline @tl two pending points from two jobs of one context on
 * queue 0: point 5 from a job spinning on semaphore 0, then point TL_HIGH
 * from a job spinning on semaphore 1.
 */
static void tl_two_points(int fd, struct spinner *sp, uint32_t tl)
{
	struct drm_vsvm_sync low = { .handle = tl, .flags = DRM_VSVM_SYNC_TIMELINE, .point = 5 };
	struct drm_vsvm_sync high = { .handle = tl, .flags = DRM_VSVM_SYNC_TIMELINE,
				      .point = TL_HIGH };
	struct drm_vsvm_exec e = { .queue = 0, .cs_addr = CMD_VA, .cs_size = 16,
				   .out_syncs = (uintptr_t)&low, .num_out_syncs = 1 };
	unsigned int n = 0;

	sp->vm = vsvm_vm_create(fd, 0);
	sp->bo = vsvm_gem_create(fd, PAGE);
	sp->map = vsvm_gem_mmap(fd, sp->bo, PAGE);
	igt_assert_eq(vsvm_vm_map(fd, sp->vm, sp->bo, 0, CMD_VA, PAGE, 0), 0);
	vsvm_emit_spin((uint32_t *)sp->map, &n, SEM_WORD, CMD_VA + SEM_WORD * 4, 1);
	vsvm_emit_spin((uint32_t *)sp->map, &n, SEM_WORD, CMD_VA + SEM_WORD * 4 + 4, 1);
	e.vm_id = sp->vm;
	igt_assert_eq(__exec(fd, &e), 0);
	e.cs_addr += 16;
	e.out_syncs = (uintptr_t)&high;
	igt_assert_eq(__exec(fd, &e), 0);
}

/* Releases the job of point 5 and waits (at most 20 s) for the point. */
static void tl_signal_low(int fd, struct spinner *sp, uint32_t tl)
{
	uint64_t point = 5;

	sp->map[SEM_WORD] = 1;
	igt_assert_eq(drmSyncobjTimelineWait(fd, &tl, &point, 1,
					     vsvm_now_ns() + 20000000000ull, 0, NULL), 0);
}

/* Releases the job of point TL_HIGH. */
static void tl_signal_high(struct spinner *sp)
{
	sp->map[SEM_WORD + 1] = 1;
}

igt_main
{
	struct ctx c = { .fd = -1 };

	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require(vsvm_is_vsvm(fd));
		close(fd);
	}

	igt_describe("STORE, FILL and COPY write exactly their bytes, at unaligned "
		     "addresses and across pages.");
	igt_subtest("store-fill-copy") {
		uint64_t i;

		ctx_init(&c);
		for (i = 0; i < BO_SIZE; i++)
			c.data[i] = i * 7;
		vsvm_emit_store32(CS(&c), DATA_VA + 1, 0xdeadbeef);
		vsvm_emit_store64(CS(&c), DATA_VA + PAGE - 3, 0x0123456789abcdefull);
		vsvm_emit_fill(CS(&c), DATA_VA + 2 * PAGE + 5, 0x44332211, 2 * PAGE + 3);
		vsvm_emit_copy(CS(&c), DATA_VA + 8 * PAGE + 4093, DATA_VA + 5 * PAGE - 5, 2 * PAGE + 11);
		vsvm_emit_end(CS(&c));
		vsvm_emit_store32(CS(&c), DATA_VA, 0xbad);	/* after END: never runs */
		igt_assert_eq(run(&c, 0), 1);

		/* Compute what memory must hold now, and compare every byte. */
		{
			static uint8_t want[BO_SIZE];
			uint32_t v32 = 0xdeadbeef;
			uint64_t v64 = 0x0123456789abcdefull;

			for (i = 0; i < BO_SIZE; i++)
				want[i] = i * 7;
			memcpy(&want[1], &v32, 4);
			memcpy(&want[PAGE - 3], &v64, 8);
			for (i = 0; i < 2 * PAGE + 3; i++)
				want[2 * PAGE + 5 + i] = 0x11 + (i & 3) * 0x11;
			memmove(&want[8 * PAGE + 4093], &want[5 * PAGE - 5], 2 * PAGE + 11);
			for (i = 0; i < BO_SIZE; i++)
				igt_assert_f(c.data[i] == want[i], "byte %#" PRIx64 ": %#x, want %#x\n",
					     i, c.data[i], want[i]);
		}
		ctx_fini(&c);
	}

	igt_describe("ATOMIC add, cmpxchg and xchg, 32- and 64-bit, return the old value.");
	igt_subtest("atomics") {
		uint32_t *d32;
		uint64_t *d64;

		ctx_init(&c);
		d32 = (uint32_t *)c.data;
		d64 = (uint64_t *)(c.data + 64);
		d32[0] = 40;
		d32[1] = 7;
		d32[2] = 9;
		d64[0] = 1ull << 40;
		d64[1] = 5;
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA, 2, 0, DATA_VA + 256);
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_CMPXCHG, DATA_VA + 4, 70, 7, DATA_VA + 260);
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_CMPXCHG, DATA_VA + 8, 90, 8, DATA_VA + 264);
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD | DRM_VSVM_CMD_64BIT, DATA_VA + 64,
			  1ull << 33, 0, DATA_VA + 272);
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_XCHG | DRM_VSVM_CMD_64BIT, DATA_VA + 72,
			  ~0ull, 0, DATA_VA + 280);
		igt_assert_eq(run(&c, 1), 1);
		igt_assert_eq_u32(d32[0], 42);
		igt_assert_eq_u32(d32[1], 70);
		igt_assert_eq_u32(d32[2], 9);	/* compare failed */
		igt_assert_eq_u64(d64[0], (1ull << 40) + (1ull << 33));
		igt_assert_eq_u64(d64[1], ~0ull);
		igt_assert_eq_u32(*(uint32_t *)(c.data + 256), 40);
		igt_assert_eq_u32(*(uint32_t *)(c.data + 260), 7);
		igt_assert_eq_u32(*(uint32_t *)(c.data + 264), 9);
		igt_assert_eq_u64(*(uint64_t *)(c.data + 272), 1ull << 40);
		igt_assert_eq_u64(*(uint64_t *)(c.data + 280), 5);

		/* A misaligned atomic is a bad command. */
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA + 2, 1, 0, 0);
		igt_assert_eq(run(&c, 0), -EINVAL);
		ctx_fini(&c);
	}

	igt_describe("TIMESTAMP writes the engine clock, which moves forward.");
	igt_subtest("timestamp") {
		uint64_t before = vsvm_now_ns(), *ts;

		ctx_init(&c);
		ts = (uint64_t *)c.data;
		vsvm_emit_timestamp(CS(&c), DATA_VA);
		vsvm_emit_fill(CS(&c), DATA_VA + PAGE, 0, 4 * PAGE);
		vsvm_emit_timestamp(CS(&c), DATA_VA + 8);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert(ts[0] >= before);
		igt_assert(ts[1] >= ts[0]);
		igt_assert(ts[1] <= vsvm_now_ns());
		ctx_fini(&c);
	}

	igt_describe("An access to an unmapped address is a recorded GPU fault "
		     "(-EFAULT), and the commands after it do not run.");
	igt_subtest("fault-not-present") {
		struct drm_vsvm_fault *f;

		ctx_init(&c);
		f = run_fault_not_present(&c);
		igt_assert_eq_u64(f->addr, UNMAPPED_VA + 12);
		igt_assert_eq_u32(f->vm_id, c.vm);
		igt_assert_eq_u32(f->queue, 1);
		igt_assert_eq_u32(f->write, 1);
		igt_assert_eq_u32(f->reason, DRM_VSVM_FAULT_NOT_PRESENT);

		/* A read: the source of a copy. */
		vsvm_emit_copy(CS(&c), DATA_VA, UNMAPPED_VA - 8, 16);
		igt_assert_eq(run(&c, 0), -EFAULT);
		f = last_fault(c.fd);
		igt_assert_eq_u64(f->addr, UNMAPPED_VA - 8);
		igt_assert_eq_u32(f->write, 0);

		/* An unmapped command stream faults too. */
		{
			uint32_t s;
			struct drm_vsvm_sync out = { 0 };
			struct drm_vsvm_exec e = {
				.vm_id = c.vm, .cs_addr = UNMAPPED_VA, .cs_size = 64,
				.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
			};

			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &s), 0);
			out.handle = s;
			igt_assert_eq(__exec(c.fd, &e), 0);
			igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
			igt_assert_eq(vsvm_fence_status(c.fd, s), -EFAULT);
		}
		ctx_fini(&c);
	}

	igt_describe("A write through a read-only mapping faults and changes nothing; "
		     "reading it works.");
	igt_subtest("fault-read-only") {
		struct drm_vsvm_fault *f;

		ctx_init(&c);
		memset(c.ro, 0x5a, PAGE);
		vsvm_emit_copy(CS(&c), DATA_VA, RO_VA, 64);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq(c.data[63], 0x5a);
		vsvm_emit_store32(CS(&c), RO_VA + 8, 0);
		igt_assert_eq(run(&c, 0), -EFAULT);
		igt_assert_eq(c.ro[8], 0x5a);
		f = last_fault(c.fd);
		igt_assert_eq_u64(f->addr, RO_VA + 8);
		igt_assert_eq_u32(f->reason, DRM_VSVM_FAULT_READ_ONLY);
		ctx_fini(&c);
	}

	igt_describe("Unknown opcodes, wrong lengths and truncated commands end the "
		     "job with -EINVAL and a bad-command fault.");
	igt_subtest("bad-commands") {
		const uint32_t bad[] = {
			DRM_VSVM_CMD(0x42, 0, 1),
			DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 3),
			DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 0),
			DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0x10, 1),
		};
		unsigned int i;

		ctx_init(&c);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			vsvm_emit(CS(&c), DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1));
			vsvm_emit(CS(&c), bad[i]);
			igt_assert_eq(run(&c, 0), -EINVAL);
			igt_assert_eq_u64(last_fault(c.fd)->addr, CMD_VA + 4);
			igt_assert_eq_u32(last_fault(c.fd)->reason, DRM_VSVM_FAULT_BAD_COMMAND);
		}
		/* A COPY cut off by the end of the stream. */
		vsvm_emit_copy(CS(&c), DATA_VA, DATA_VA + 64, 8);
		c.n -= 2;
		igt_assert_eq(run(&c, 0), -EINVAL);
		ctx_fini(&c);
	}

	igt_describe("SPIN waits until the CPU writes the semaphore.");
	igt_subtest("spin-release") {
		uint32_t s;

		ctx_init(&c);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), DATA_VA, 7);
		s = exec_from(&c, 0, 0, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 100), -ETIME);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 0);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 7);
		ctx_fini(&c);
	}

	igt_describe("A hung job is killed at the timeout (-ETIMEDOUT), its context "
		     "(VM, queue) is banned (-EIO), and other contexts still run.");
	igt_subtest("hang-timeout-ban") {
		struct drm_vsvm_query_device dev;
		uint32_t s, other_vm;
		struct drm_vsvm_exec e;

		ctx_init(&c);
		dev = query_device(c.fd);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		s = exec_from(&c, 0, 0, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, dev.job_timeout_ms * 5 + 5000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), -ETIMEDOUT);

		e = (struct drm_vsvm_exec){ .vm_id = c.vm, .queue = 0,
					    .cs_addr = CMD_VA, .cs_size = 4 };
		c.cmd[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1);
		igt_assert_eq(__exec(c.fd, &e), -EIO);

		/* The same VM on another queue, and another VM on the same queue. */
		c.n = 0;
		vsvm_emit_store32(CS(&c), DATA_VA, 11);
		igt_assert_eq(run(&c, 1), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 11);
		other_vm = vsvm_vm_create(c.fd, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.data_bo, 0, DATA_VA, BO_SIZE, 0), 0);
		c.vm = other_vm;
		vsvm_emit_store32(CS(&c), DATA_VA + 4, 12);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[1], 12);
		ctx_fini(&c);
	}

	igt_describe("A reset bans the hung job's context: its jobs queued behind the "
		     "hung one end with -ECANCELED and do not run, while another "
		     "context's job queued behind it on the same queue is restarted "
		     "and runs.");
	igt_subtest("hang-cancels-banned-keeps-innocent") {
		struct drm_vsvm_query_device dev;
		uint32_t s1, s2, s3, other_vm;
		long long resets, stop_timeouts;
		unsigned int first;

		ctx_init(&c);
		dev = query_device(c.fd);
		resets = engine_stat(c.fd, 0, "resets");
		stop_timeouts = engine_stat(c.fd, 0, "stop_timeouts");
		other_vm = vsvm_vm_create(c.fd, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.data_bo, 0, DATA_VA, BO_SIZE, 0), 0);

		/* The guilty context: a SPIN nobody releases, then a STORE. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		s1 = exec_from(&c, 0, 0, 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA, 5);
		s2 = exec_from(&c, first, 0, 0);
		/* The innocent context, on the same queue, behind them. */
		c.vm = other_vm;
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA + 4, 6);
		s3 = exec_from(&c, first, 0, 0);

		igt_assert_eq(vsvm_wait_ms(c.fd, s3, dev.job_timeout_ms * 5 + 5000), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s1, 1000), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s2, 1000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s1), -ETIMEDOUT);
		igt_assert_eq(vsvm_fence_status(c.fd, s2), -ECANCELED);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s3), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[1], 6);
		/* The reset stopped the engine at a preemption point, in time. */
		igt_assert_lte(0, resets);
		igt_assert_lte(0, stop_timeouts);
		igt_assert_lte(resets + 1, engine_stat(c.fd, 0, "resets"));
		igt_assert_eq(engine_stat(c.fd, 0, "stop_timeouts"), stop_timeouts);
		ctx_fini(&c);
	}

	igt_describe("A SPIN on queue 0 does not delay a job on queue 1: each queue "
		     "has its own engine (the two jobs share no object).");
	igt_subtest("spin-other-queue") {
		struct ctx b = { .fd = -1 };
		uint32_t s0, s1;

		ctx_init(&c);
		ctx_init(&b);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		s0 = exec_from(&c, 0, 0, 0);
		vsvm_emit_store32(CS(&b), DATA_VA, 9);
		s1 = exec_from(&b, 0, 1, 0);
		igt_assert_eq(vsvm_wait_ms(b.fd, s1, 1000), 0);
		igt_assert_eq(vsvm_fence_status(b.fd, s1), 1);
		igt_assert_eq_u32(((uint32_t *)b.data)[0], 9);
		igt_assert_eq(vsvm_fence_status(c.fd, s0), 0);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, s0, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s0), 1);
		ctx_fini(&b);
		ctx_fini(&c);
	}

	igt_describe("The reset of queue 0 recovers a hung job while queue 1 keeps "
		     "running another file's jobs, each of which completes.");
	igt_subtest("hang-timeout-other-queue-busy") {
		struct drm_vsvm_query_device dev;
		struct ctx b = { .fd = -1 };
		uint64_t deadline;
		unsigned int done = 0;
		uint32_t s0;

		ctx_init(&c);
		ctx_init(&b);
		dev = query_device(c.fd);
		/* 16 KiB at 250 KB/s: about 65 ms a job on queue 1. */
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_bytes_per_sec", "250000"), 0);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		s0 = exec_from(&c, 0, 0, 0);
		deadline = vsvm_now_ns() + (dev.job_timeout_ms * 5 + 5000) * 1000000ull;
		while (!vsvm_fence_status(c.fd, s0)) {
			igt_assert_f(vsvm_now_ns() < deadline, "the hung job was not reset\n");
			vsvm_emit_fill(CS(&b), DATA_VA + PAGE, 0x01020304, 4 * PAGE);
			igt_assert_eq(run(&b, 1), 1);
			igt_assert_eq(b.data[PAGE + 4 * PAGE - 1], 0x01);
			done++;
		}
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_bytes_per_sec", "0"), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s0), -ETIMEDOUT);
		igt_assert_f(done >= 2, "queue 1 ran %u jobs during the hang\n", done);
		ctx_fini(&b);
		ctx_fini(&c);
	}

	igt_describe("Jobs queued together in the ring each end with their own "
		     "status: -EFAULT, -EFAULT (read-only), -EINVAL, success.");
	igt_subtest("ring-fence-errors") {
		uint32_t s[4];
		unsigned int first = 0, i;

		ctx_init(&c);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_cmd_delay_us", "2000"), 0);
		vsvm_emit_store32(CS(&c), UNMAPPED_VA, 1);
		s[0] = exec_from(&c, first, 0, 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), RO_VA, 2);
		s[1] = exec_from(&c, first, 0, 0);
		first = c.n;
		vsvm_emit(CS(&c), DRM_VSVM_CMD(0x7f, 0, 1));
		s[2] = exec_from(&c, first, 0, 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA, 3);
		s[3] = exec_from(&c, first, 0, 0);
		for (i = 0; i < 4; i++)
			igt_assert_eq(vsvm_wait_ms(c.fd, s[i], 20000), 0);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_cmd_delay_us", "0"), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s[0]), -EFAULT);
		igt_assert_eq(vsvm_fence_status(c.fd, s[1]), -EFAULT);
		igt_assert_eq(vsvm_fence_status(c.fd, s[2]), -EINVAL);
		igt_assert_eq(vsvm_fence_status(c.fd, s[3]), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 3);
		igt_assert_eq_u32(((uint32_t *)c.ro)[0], 0);
		ctx_fini(&c);
	}

	igt_describe("SVM_PREFETCH on a context banned after a timeout fails with -EIO.");
	igt_subtest("prefetch-banned") {
		struct drm_vsvm_vm_create vc = { .flags = DRM_VSVM_VM_CREATE_SVM };
		struct drm_vsvm_query_device dev;
		struct drm_vsvm_svm_prefetch pf = { .queue = 0, .size = PAGE };
		struct drm_vsvm_exec e = { .queue = 0, .cs_size = 16 };
		struct drm_vsvm_exec_ext_user_fence uf;
		long long timeouts;
		uint32_t *mem;
		unsigned int n = 0;
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require_f(igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc) == 0,
			      "no SVM VMs on this kernel\n");
		dev = query_device(fd);
		mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(mem != MAP_FAILED);
		memset(mem, 0, PAGE);
		/* In an SVM VM the command stream is the process's own memory. */
		vsvm_emit_spin(mem, &n, 64, (uintptr_t)(mem + 64), 1);
		e.vm_id = pf.vm_id = vc.vm_id;
		e.cs_addr = (uintptr_t)mem;
		pf.addr = (uintptr_t)mem;
		/* Long-running mode: the job ends through a user fence. */
		uf = vsvm_ufence_ext((uint64_t *)(mem + 128), 1);
		e.extensions = (uintptr_t)&uf;
		timeouts = engine_stat(fd, 0, "timeouts");
		igt_assert_eq(__exec(fd, &e), 0);
		igt_assert_eq(vsvm_ufence_wait_ms(fd, (uint64_t *)(mem + 128), 1,
						  dev.job_timeout_ms * 5 + 5000), 0);
		igt_assert_eq(engine_stat(fd, 0, "timeouts"), timeouts + 1);
		do_ioctl_err(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &pf, EIO);
		/* The other queue is another context. */
		pf.queue = 1;
		do_ioctl(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &pf);
		munmap(mem, PAGE);
		close(fd);
	}

	igt_describe("A job waits for its in-syncs: binary and timeline, across queues.");
	igt_subtest("syncobj-chain") {
		struct drm_vsvm_sync tl_out = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 1 };
		struct drm_vsvm_sync tl_in = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 1 };
		struct drm_vsvm_sync tl_out2 = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 2 };
		uint32_t a, b, tl;
		uint64_t point = 0;
		unsigned int first;
		struct drm_vsvm_exec e;

		ctx_init(&c);
		/* A spins on queue 0; B on queue 1 waits for A. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_timestamp(CS(&c), DATA_VA);
		a = exec_from(&c, 0, 0, 0);
		first = c.n;
		vsvm_emit_timestamp(CS(&c), DATA_VA + 8);
		b = exec_from(&c, first, 1, a);
		igt_assert_eq(vsvm_wait_ms(c.fd, b, 200), -ETIME);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, b, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, a), 1);
		igt_assert(((uint64_t *)c.data)[1] >= ((uint64_t *)c.data)[0]);

		/* The same through a timeline: A signals point 1, B waits on it
		 * and signals point 2. */
		c.n = 0;
		((volatile uint32_t *)c.data)[32] = 0;
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl), 0);
		tl_out.handle = tl_in.handle = tl_out2.handle = tl;
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		e = (struct drm_vsvm_exec){ .vm_id = c.vm, .queue = 0, .cs_addr = CMD_VA,
					    .cs_size = c.n * 4, .out_syncs = (uintptr_t)&tl_out,
					    .num_out_syncs = 1 };
		igt_assert_eq(__exec(c.fd, &e), 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA + 16, 99);
		e = (struct drm_vsvm_exec){ .vm_id = c.vm, .queue = 1,
					    .cs_addr = CMD_VA + first * 4, .cs_size = 16,
					    .in_syncs = (uintptr_t)&tl_in, .num_in_syncs = 1,
					    .out_syncs = (uintptr_t)&tl_out2, .num_out_syncs = 1 };
		igt_assert_eq(__exec(c.fd, &e), 0);
		usleep(200000);
		igt_assert_eq(drmSyncobjQuery(c.fd, &tl, &point, 1), 0);
		igt_assert_eq_u64(point, 0);
		igt_assert_eq_u32(((uint32_t *)c.data)[4], 0);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(drmSyncobjTimelineWait(c.fd, &tl, &point, 1,
						     vsvm_now_ns() + 20000000000ull, 0, NULL), 0);
		point = 2;
		igt_assert_eq(drmSyncobjTimelineWait(c.fd, &tl, &point, 1,
						     vsvm_now_ns() + 20000000000ull, 0, NULL), 0);
		igt_assert_eq_u32(((uint32_t *)c.data)[4], 99);
		ctx_fini(&c);
	}

	/*
	 * struct drm_vsvm_sync.point is 64-bit: the driver used to pass it to
	 * drm_sched_job_add_syncobj_dependency(), which takes a u32, so the job
	 * waited for point 5 and ran too early.
	 */
	igt_describe("An EXEC in-sync at timeline point 2^32 + 5 waits for that point: "
		     "the job does not run when point 5 signals, and runs when "
		     "2^32 + 5 does.");
	igt_subtest("in-sync-timeline-64bit") {
		struct drm_vsvm_sync in = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = TL_HIGH };
		struct drm_vsvm_sync out = { 0 };
		struct spinner sp;
		struct drm_vsvm_exec e;
		unsigned int first;
		uint32_t tl, early;
		int ret;

		ctx_init(&c);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl), 0);
		tl_two_points(c.fd, &sp, tl);
		in.handle = tl;
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA, 0x64);
		e = (struct drm_vsvm_exec){ .vm_id = c.vm, .queue = 1,
					    .cs_addr = CMD_VA + first * 4, .cs_size = 16,
					    .in_syncs = (uintptr_t)&in, .num_in_syncs = 1,
					    .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };
		igt_assert_eq(__exec(c.fd, &e), 0);

		tl_signal_low(c.fd, &sp, tl);
		/* Queue 1 is idle: the job would have run by now. */
		ret = vsvm_wait_ms(c.fd, out.handle, 300);
		early = ((volatile uint32_t *)c.data)[0];
		/* Released before asserting: a failure leaves no job spinning. */
		tl_signal_high(&sp);
		igt_assert_f(ret == -ETIME && early == 0,
			     "the job waiting for point 2^32 + 5 ran once point 5 signalled "
			     "(wait %d, word %#x)\n", ret, early);
		igt_assert_eq(vsvm_job_end(c.fd, out.handle), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 0x64);
		munmap((void *)sp.map, PAGE);
		ctx_fini(&c);
	}

	igt_describe("VM_BIND UNMAP of a range waits for the VM's running jobs.");
	igt_subtest("unmap-waits-for-job") {
		uint32_t s;
		uint64_t t0;

		ctx_init(&c);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), DATA_VA + 256, 5);
		s = exec_from(&c, 0, 0, 0);
		igt_fork(child, 1) {
			usleep(300000);
			((volatile uint32_t *)c.data)[32] = 1;
		}
		t0 = vsvm_now_ns();
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, DATA_VA + 8 * PAGE, PAGE), 0);
		igt_assert(vsvm_now_ns() - t0 > 200000000ull);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[64], 5);
		igt_waitchildren();
		ctx_fini(&c);
	}

	igt_describe("Processes sharing one file and VM exec on two queues while "
		     "another binds and unbinds: jobs see memory or fault, never "
		     "anything else, and the kernel stays clean.");
	igt_subtest("concurrent-exec-bind") {
		const uint64_t scratch = 0x5000000ull;

		ctx_init(&c);
		igt_fork(child, 3) {
			int i;

			c.n = child * 1024;	/* each child its own command area */
			for (i = 0; i < 200; i++) {
				unsigned int first = c.n;
				uint32_t s;
				int status;

				if (child == 1) {
					igt_assert_eq(vsvm_vm_map(c.fd, c.vm, c.ro_bo, 0, scratch,
								  BO_SIZE, 0), 0);
					igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, scratch + PAGE,
								    2 * PAGE), 0);
					igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, scratch, PAGE), 0);
					igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, scratch + 3 * PAGE,
								    BO_SIZE - 3 * PAGE), 0);
					continue;
				}
				if (child == 0)
					vsvm_emit_fill(CS(&c), DATA_VA + (i % 8) * PAGE, 0x0a0b0c0d, PAGE);
				else
					vsvm_emit_copy(CS(&c), DATA_VA + 8 * PAGE, scratch + 4 * PAGE, 2 * PAGE);
				s = exec_from(&c, first, child == 0 ? 0 : 1, 0);
				igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
				status = vsvm_fence_status(c.fd, s);
				/* The copy races with the binds: done, or a fault. */
				igt_assert_f(status == 1 || (child == 2 && status == -EFAULT),
					     "child %d job %d: status %d\n", child, i, status);
				drmSyncobjDestroy(c.fd, s);
				c.n = child * 1024;
			}
		}
		igt_waitchildren();
		{
			uint32_t *d = (uint32_t *)c.data;
			unsigned int i;

			for (i = 0; i < 8 * PAGE / 4; i++)
				igt_assert_eq_u32(d[i], 0x0a0b0c0d);
		}
		ctx_fini(&c);
	}

	igt_describe("Closing the file with a job spinning ends cleanly.");
	igt_subtest("close-with-job-in-flight") {
		ctx_init(&c);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		exec_from(&c, 0, 0, 0);
		vsvm_emit_store32(CS(&c), DATA_VA, 1);
		exec_from(&c, 0, 1, 0);
		ctx_fini(&c);
	}

	igt_describe("Implicit sync between two files sharing an object through PRIME: "
		     "the reader's job waits for the writer's.");
	igt_subtest("implicit-sync-prime") {
		struct ctx b = { .fd = -1 };
		uint32_t a_sync, b_sync, shared;
		int dmabuf;

		ctx_init(&c);
		ctx_init(&b);
		igt_assert_eq(drmPrimeHandleToFD(c.fd, c.data_bo, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(b.fd, dmabuf, &shared), 0);
		igt_assert_eq(vsvm_vm_map(b.fd, b.vm, shared, 0, SHARED_VA, BO_SIZE, 0), 0);

		/* A: wait for the CPU, then write the shared object. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), DATA_VA + 256, 0x1234);
		a_sync = exec_from(&c, 0, 0, 0);
		/* B: copy from the shared object, with no explicit sync. */
		vsvm_emit_copy(CS(&b), DATA_VA, SHARED_VA + 256, 4);
		b_sync = exec_from(&b, 0, 1, 0);

		igt_assert_eq(vsvm_wait_ms(b.fd, b_sync, 200), -ETIME);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(b.fd, b_sync, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, a_sync), 1);
		igt_assert_eq_u32(*(uint32_t *)b.data, 0x1234);
		close(dmabuf);
		ctx_fini(&b);
		ctx_fini(&c);
	}

	igt_describe("sync_file interop on a vsvm dma-buf: EXPORT_SYNC_FILE reflects "
		     "a vsvm job, and a vsvm job waits for an IMPORT_SYNC_FILE fence.");
	igt_subtest("dmabuf-sync-file") {
		struct dma_buf_export_sync_file exp = { .flags = DMA_BUF_SYNC_WRITE };
		struct dma_buf_import_sync_file imp = { .flags = DMA_BUF_SYNC_WRITE };
		struct sync_file_info info = { 0 };
		uint32_t spin, other_vm, waiter, first, vm;
		int dmabuf;

		ctx_init(&c);
		vm = c.vm;
		igt_assert_eq(drmPrimeHandleToFD(c.fd, c.data_bo, DRM_CLOEXEC, &dmabuf), 0);

		/* Export: the fence of a job that writes the object. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &exp), 0);
		igt_assert_eq(ioctl(exp.fd, SYNC_IOC_FILE_INFO, &info), 0);
		igt_assert_eq(info.status, 0);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, spin, 20000), 0);
		info = (struct sync_file_info){ 0 };
		igt_assert_eq(ioctl(exp.fd, SYNC_IOC_FILE_INFO, &info), 0);
		igt_assert_eq(info.status, 1);
		close(exp.fd);

		/*
		 * Import: a job of another VM that does not map the object is
		 * made a writer of it; a job writing the object waits for it.
		 */
		((volatile uint32_t *)c.data)[32] = 0;
		other_vm = vsvm_vm_create(c.fd, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, other_vm, c.ro_bo, 0, DATA_VA, BO_SIZE, 0), 0);
		c.n = 0;
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);	/* on the ro object, through other_vm */
		c.vm = other_vm;
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjExportSyncFile(c.fd, spin, &imp.fd), 0);
		igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &imp), 0);
		close(imp.fd);

		c.vm = vm;
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA + 512, 77);
		waiter = exec_from(&c, first, 1, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, waiter, 200), -ETIME);
		((volatile uint32_t *)c.ro)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, waiter, 20000), 0);
		igt_assert_eq_u32(((uint32_t *)c.data)[128], 77);
		close(dmabuf);
		ctx_fini(&c);
	}

	igt_describe("fdinfo reports the engine time of the file's jobs per queue.");
	igt_subtest("fdinfo-engine") {
		int other;

		ctx_init(&c);
		other = drm_open_driver(DRIVER_VSVM);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-engine-queue0"), 0);
		vsvm_emit_fill(CS(&c), DATA_VA, 0x01020304, BO_SIZE);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_lt(0, vsvm_fdinfo_value(c.fd, "drm-engine-queue0"));
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-engine-queue1"), 0);
		igt_assert_eq(vsvm_fdinfo_value(other, "drm-engine-queue0"), 0);
		close(other);
		ctx_fini(&c);
	}

	igt_describe("VM_BIND with the syncs extension waits for its in-syncs and "
		     "signals its out-syncs; its refusals.");
	igt_subtest("bind-syncs") {
		struct drm_vsvm_sync in = { 0 }, out = { 0 }, tl = { .flags = DRM_VSVM_SYNC_TIMELINE,
								     .point = 5 };
		struct drm_vsvm_vm_bind_ext_syncs ext = {
			.base.name = DRM_VSVM_VM_BIND_EXT_SYNCS,
			.in_syncs = (uintptr_t)&in, .num_in_syncs = 1,
			.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
		};
		struct drm_vsvm_vm_bind_op op = {
			.op = DRM_VSVM_BIND_OP_MAP, .addr = SHARED_VA, .range = PAGE,
		};
		struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op,
					      .extensions = (uintptr_t)&ext };
		uint64_t t0, point = 5;

		ctx_init(&c);
		b.vm_id = c.vm;
		op.handle = c.data_bo;
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		in.handle = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		igt_fork(child, 1) {
			usleep(300000);
			((volatile uint32_t *)c.data)[32] = 1;
		}
		t0 = vsvm_now_ns();
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b);
		igt_assert(vsvm_now_ns() - t0 > 200000000ull);
		igt_assert_eq(vsvm_fence_status(c.fd, in.handle), 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, out.handle, 0), 0);
		igt_waitchildren();

		/* A timeline out-sync gets its point. */
		ext.num_in_syncs = 0;
		ext.out_syncs = (uintptr_t)&tl;
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl.handle), 0);
		op.op = DRM_VSVM_BIND_OP_UNMAP;
		op.handle = 0;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b);
		igt_assert_eq(drmSyncobjTimelineWait(c.fd, &tl.handle, &point, 1, vsvm_now_ns(), 0, NULL),
			      0);

		/* Refusals: a second syncs extension, too many syncs, bad ones. */
		op.op = DRM_VSVM_BIND_OP_MAP;
		op.handle = c.data_bo;
		ext.out_syncs = (uintptr_t)&out;
		ext.base.next_extension = (uintptr_t)&ext;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		ext.base.next_extension = 0;
		ext.num_out_syncs = 65;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, E2BIG);
		ext.num_out_syncs = 1;
		out.handle += 100;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, ENOENT);
		out.handle -= 100;
		out.point = 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		out.point = 0;
		/* An in-sync with no fence: -EINVAL, as for EXEC. */
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &in.handle), 0);
		ext.num_in_syncs = 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		ext.num_in_syncs = 0;
		ext.out_syncs = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, EFAULT);
		ext.out_syncs = (uintptr_t)&out;
		b.extensions = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, EFAULT);
		/* Nothing of the refused binds was mapped. */
		b.extensions = 0;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b);
		ctx_fini(&c);
	}

	igt_describe("An asynchronous VM_BIND returns while its in-sync is pending; "
		     "its MAP and UNMAP take effect in order when their jobs run, and "
		     "an EXEC waiting on the out-sync sees both.");
	igt_subtest("bind-async") {
		uint32_t spin, mapped, unmapped, bo, s, i;
		unsigned int first;
		uint32_t *shared;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, BO_SIZE);
		shared = vsvm_gem_mmap(c.fd, bo, BO_SIZE);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &mapped), 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &unmapped), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, bo, 0, SHARED_VA, BO_SIZE, spin,
						 mapped), 0);
		/* The VA is taken at once, though the job waits. */
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, bo, 0, SHARED_VA + PAGE, PAGE, 0, 0),
			      -EEXIST);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, SHARED_VA + BO_SIZE / 2,
						 BO_SIZE / 2, 0, unmapped), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, spin), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, mapped, 100), -ETIME);
		igt_assert_eq(vsvm_wait_ms(c.fd, unmapped, 0), -ETIME);

		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, unmapped, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, spin), 1);
		igt_assert_eq(vsvm_fence_status(c.fd, mapped), 1);

		/* The first half is mapped; the second half is not any more. */
		first = c.n;
		vsvm_emit_fill(CS(&c), SHARED_VA, 0x5a5a5a5a, BO_SIZE / 2);
		s = exec_from(&c, first, 1, unmapped);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		for (i = 0; i < BO_SIZE / 4; i++)
			igt_assert_eq_u32(shared[i], i < BO_SIZE / 8 ? 0x5a5a5a5a : 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), SHARED_VA + BO_SIZE / 2, 1);
		s = exec_from(&c, first, 1, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), -EFAULT);
		igt_assert_eq_u32(shared[BO_SIZE / 8], 0);
		munmap(shared, BO_SIZE);
		ctx_fini(&c);
	}

	igt_describe("EXEC behind an asynchronous MAP that waits for a spinning job "
		     "returns at once: the bind is a dependency of its job, not a wait "
		     "in the ioctl; the job then writes the newly mapped object.");
	igt_subtest("bind-async-exec-depends") {
		uint32_t spin, mapped, bo, s;
		unsigned int first;
		uint32_t *shared;
		uint64_t t0, t;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, BO_SIZE);
		shared = vsvm_gem_mmap(c.fd, bo, BO_SIZE);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &mapped), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, bo, 0, SHARED_VA, BO_SIZE, spin,
						 mapped), 0);
		first = c.n;
		vsvm_emit_store32(CS(&c), SHARED_VA + 8, 0xbeef);
		t0 = vsvm_now_ns();
		s = exec_from(&c, first, 1, 0);
		t = vsvm_now_ns() - t0;
		igt_assert_f(t < 500000000ull, "EXEC waited %" PRIu64 " ms for a queued bind\n",
			     t / 1000000);
		igt_assert_eq(vsvm_fence_status(c.fd, spin), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 100), -ETIME);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		igt_assert_eq(vsvm_fence_status(c.fd, mapped), 1);
		igt_assert_eq_u32(shared[2], 0xbeef);
		munmap(shared, BO_SIZE);
		ctx_fini(&c);
	}

	igt_describe("An asynchronous UNMAP of a range a queued job uses returns at "
		     "once; its job waits for that job, which completes unharmed.");
	igt_subtest("bind-async-unmap-waits") {
		uint32_t s, out;
		unsigned int first;

		ctx_init(&c);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), DATA_VA + 256, 5);
		s = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, DATA_VA, BO_SIZE, 0, out), 0);
		/* Returned with the job still spinning on the range. */
		igt_assert_eq(vsvm_fence_status(c.fd, s), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, out, 100), -ETIME);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, out, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[64], 5);

		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA, 1);
		s = exec_from(&c, first, 0, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), -EFAULT);
		ctx_fini(&c);
	}

	igt_describe("One asynchronous VM_BIND of two ops, an UNMAP of the middle of "
		     "a mapping and a MAP of another object into the hole, queued "
		     "behind a job: both run in order, the pieces keep their pages.");
	igt_subtest("bind-async-remap") {
		struct drm_vsvm_vm_bind_op ops[2] = {
			{ .op = DRM_VSVM_BIND_OP_UNMAP, .addr = SHARED_VA + 4 * PAGE,
			  .range = 4 * PAGE },
			{ .op = DRM_VSVM_BIND_OP_MAP, .addr = SHARED_VA + 4 * PAGE,
			  .range = 4 * PAGE },
		};
		uint32_t a, b, spin, out, s, done, i;
		uint32_t *a_map, *b_map;
		unsigned int first;

		ctx_init(&c);
		a = vsvm_gem_create(c.fd, BO_SIZE);
		b = vsvm_gem_create(c.fd, BO_SIZE);
		a_map = vsvm_gem_mmap(c.fd, a, BO_SIZE);
		b_map = vsvm_gem_mmap(c.fd, b, BO_SIZE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, a, 0, SHARED_VA, BO_SIZE, 0), 0);
		ops[1].handle = b;

		/* The spinning job writes the middle after its release. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), SHARED_VA + 5 * PAGE, 7);
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out), 0);
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 2, DRM_VSVM_VM_BIND_ASYNC, 0, out,
					       &done), 0);
		igt_assert_eq_u32(done, 2);
		igt_assert_eq(vsvm_wait_ms(c.fd, out, 100), -ETIME);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(c.fd, out, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, spin), 1);
		igt_assert_eq_u32(a_map[5 * PAGE / 4], 7);

		first = c.n;
		vsvm_emit_fill(CS(&c), SHARED_VA, 0x11223344, BO_SIZE);
		s = exec_from(&c, first, 1, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		for (i = 0; i < BO_SIZE / 4; i++) {
			bool middle = i >= PAGE && i < 2 * PAGE;	/* words of pages 4..7 */

			igt_assert_eq_u32(a_map[i], middle ? (i == 5 * PAGE / 4 ? 7 : 0) :
							     0x11223344);
			igt_assert_eq_u32(b_map[i], i < PAGE ? 0x11223344 : 0);
		}
		munmap(a_map, BO_SIZE);
		munmap(b_map, BO_SIZE);
		ctx_fini(&c);
	}

	igt_describe("Asynchronous binds of a userptr: the MAP's entries are there "
		     "for the EXEC after it; the UNMAP's job waits for a job reading "
		     "the memory, and munmap of the memory waits for both.");
	igt_subtest("bind-async-userptr") {
		uint32_t up, mapped, unmapped, s;
		unsigned int first;
		uint8_t *mem;

		ctx_init(&c);
		/*
		 * Shared: fork() write-protects private memory, which would
		 * invalidate the userptr, and wait for the spinning job, before
		 * the child that releases it exists.
		 */
		mem = mmap(NULL, BO_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(mem != MAP_FAILED);
		fill_pat(mem, 0, BO_SIZE, 3);
		up = vsvm_gem_userptr(c.fd, mem, BO_SIZE, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &mapped), 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &unmapped), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, up, 0, SHARED_VA, BO_SIZE, 0, mapped),
			      0);
		vsvm_emit_copy(CS(&c), DATA_VA, SHARED_VA, BO_SIZE / 2);
		s = exec_from(&c, 0, 0, mapped);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_pat(c.data, 0, BO_SIZE / 2, 3);

		/* A job reads the userptr once released; the UNMAP is queued behind it. */
		((uint32_t *)c.data)[32] = 0;
		first = c.n;
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_copy(CS(&c), DATA_VA + BO_SIZE / 2, SHARED_VA + BO_SIZE / 2, PAGE);
		s = exec_from(&c, first, 0, 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, SHARED_VA, BO_SIZE, 0,
						 unmapped), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, unmapped, 100), -ETIME);
		igt_fork(child, 1) {
			usleep(300000);
			((volatile uint32_t *)c.data)[32] = 1;
		}
		/* The invalidation waits for the job, then the UNMAP's job ran. */
		munmap(mem, BO_SIZE);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, unmapped, 20000), 0);
		assert_pat(c.data + BO_SIZE / 2, BO_SIZE / 2, PAGE, 3);
		igt_waitchildren();
		vsvm_gem_close(c.fd, up);
		ctx_fini(&c);
	}

	/* As in-sync-timeline-64bit, for the bind job's in-syncs. */
	igt_describe("An asynchronous VM_BIND in-sync at timeline point 2^32 + 5 "
		     "waits for that point: the bind job does not run when point 5 "
		     "signals, and runs when 2^32 + 5 does.");
	igt_subtest("bind-async-in-sync-timeline-64bit") {
		struct drm_vsvm_sync in = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = TL_HIGH };
		struct drm_vsvm_sync out = { 0 };
		struct drm_vsvm_vm_bind_ext_syncs ext = {
			.base.name = DRM_VSVM_VM_BIND_EXT_SYNCS,
			.in_syncs = (uintptr_t)&in, .num_in_syncs = 1,
			.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
		};
		struct drm_vsvm_vm_bind_op op = {
			.op = DRM_VSVM_BIND_OP_MAP, .addr = SHARED_VA, .range = BO_SIZE,
		};
		struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op,
					      .flags = DRM_VSVM_VM_BIND_ASYNC,
					      .extensions = (uintptr_t)&ext };
		struct spinner sp;
		unsigned int first;
		uint32_t tl, bo, s;
		uint32_t *shared;
		int ret;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, BO_SIZE);
		shared = vsvm_gem_mmap(c.fd, bo, BO_SIZE);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl), 0);
		tl_two_points(c.fd, &sp, tl);
		in.handle = tl;
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		b.vm_id = c.vm;
		op.handle = bo;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b);
		igt_assert_eq_u32(b.num_done, 1);

		tl_signal_low(c.fd, &sp, tl);
		/* The bind queue is idle: the job would have run by now. */
		ret = vsvm_wait_ms(c.fd, out.handle, 300);
		/* Released before asserting: a failure leaves no job spinning. */
		tl_signal_high(&sp);
		igt_assert_f(ret == -ETIME,
			     "the bind waiting for point 2^32 + 5 ran once point 5 signalled "
			     "(wait %d)\n", ret);
		igt_assert_eq(vsvm_wait_ms(c.fd, out.handle, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, out.handle), 1);
		/* The MAP took effect: a job writes through it. */
		first = c.n;
		vsvm_emit_store32(CS(&c), SHARED_VA + 8, 0x65);
		s = exec_from(&c, first, 1, 0);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);
		igt_assert_eq_u32(shared[2], 0x65);
		munmap(shared, BO_SIZE);
		munmap((void *)sp.map, PAGE);
		ctx_fini(&c);
	}

	igt_describe("Errors of asynchronous VM_BIND: unknown flags, a taken range, a "
		     "hole, bad in-syncs; ops before a failing one stay queued.");
	igt_subtest("bind-async-errors") {
		struct drm_vsvm_vm_bind_op ops[2] = {
			{ .op = DRM_VSVM_BIND_OP_MAP, .addr = SHARED_VA, .range = PAGE },
			{ .op = DRM_VSVM_BIND_OP_MAP, .addr = DATA_VA, .range = PAGE },
		};
		uint32_t done, empty;

		ctx_init(&c);
		ops[0].handle = ops[1].handle = c.data_bo;
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 1, 2, 0, 0, &done), -EINVAL);
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 1,
					       DRM_VSVM_VM_BIND_ASYNC | (1u << 31), 0, 0, &done),
			      -EINVAL);
		/* A bad in-sync fails before anything is queued. */
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 1, DRM_VSVM_VM_BIND_ASYNC, 9999, 0,
					       &done), -ENOENT);
		igt_assert_eq_u32(done, 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &empty), 0);
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 1, DRM_VSVM_VM_BIND_ASYNC, empty, 0,
					       &done), -EINVAL);
		igt_assert_eq_u32(done, 0);
		/* The second op overlaps DATA_VA: the first stays queued. */
		igt_assert_eq(vsvm_vm_bind_ops(c.fd, c.vm, ops, 2, DRM_VSVM_VM_BIND_ASYNC, 0, 0,
					       &done), -EEXIST);
		igt_assert_eq_u32(done, 1);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, SHARED_VA + PAGE, PAGE, 0, 0),
			      -ENOENT);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, SHARED_VA, PAGE, 0, 0), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, SHARED_VA, PAGE, 0, 0), -ENOENT);
		/* Misaligned, past the object: checked as for a synchronous bind. */
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, c.data_bo, 0, SHARED_VA + 1, PAGE, 0, 0),
			      -EINVAL);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, c.data_bo, PAGE, SHARED_VA, BO_SIZE, 0,
						 0), -EINVAL);
		ctx_fini(&c);
	}

	igt_describe("Closing the file with asynchronous binds queued behind a "
		     "spinning job waits for them and frees everything.");
	igt_subtest("bind-async-close") {
		uint32_t bo, spin;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, BO_SIZE);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		spin = exec_from(&c, 0, 0, 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, bo, 0, SHARED_VA, BO_SIZE, spin, 0), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, DATA_VA, BO_SIZE, 0, 0), 0);
		vsvm_gem_close(c.fd, bo);
		igt_fork(child, 1) {
			usleep(300000);
			((volatile uint32_t *)c.data)[32] = 1;
		}
		ctx_fini(&c);
		igt_waitchildren();
	}

	igt_describe("A job on one vsvm device waits for a job on another, through a "
		     "sync_file moved between their syncobjs.");
	igt_subtest("cross-device-syncobj") {
		int fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		uint32_t vm1, cmd1, data1, s1, s0;
		uint32_t *cmd1_map, *data1_map;
		struct drm_vsvm_sync in = { 0 };
		struct drm_vsvm_exec e;
		int sync_fd;

		igt_require(fd1 >= 0);
		ctx_init(&c);
		/* Device 0: spin. */
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		s0 = exec_from(&c, 0, 0, 0);
		igt_assert_eq(drmSyncobjExportSyncFile(c.fd, s0, &sync_fd), 0);

		/* Device 1: store, after device 0's job. */
		vm1 = vsvm_vm_create(fd1, 0);
		cmd1 = vsvm_gem_create(fd1, PAGE);
		data1 = vsvm_gem_create(fd1, PAGE);
		igt_assert_eq(vsvm_vm_map(fd1, vm1, cmd1, 0, CMD_VA, PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(fd1, vm1, data1, 0, DATA_VA, PAGE, 0), 0);
		cmd1_map = vsvm_gem_mmap(fd1, cmd1, PAGE);
		data1_map = vsvm_gem_mmap(fd1, data1, PAGE);
		cmd1_map[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4);
		cmd1_map[1] = (uint32_t)DATA_VA;
		cmd1_map[2] = DATA_VA >> 32;
		cmd1_map[3] = 0xabc;
		igt_assert_eq(drmSyncobjCreate(fd1, 0, &in.handle), 0);
		igt_assert_eq(drmSyncobjImportSyncFile(fd1, in.handle, sync_fd), 0);
		close(sync_fd);
		igt_assert_eq(drmSyncobjCreate(fd1, 0, &s1), 0);
		{
			struct drm_vsvm_sync out = { .handle = s1 };

			e = (struct drm_vsvm_exec){ .vm_id = vm1, .cs_addr = CMD_VA, .cs_size = 16,
						    .in_syncs = (uintptr_t)&in, .num_in_syncs = 1,
						    .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };
			igt_assert_eq(__exec(fd1, &e), 0);
		}
		igt_assert_eq(vsvm_wait_ms(fd1, s1, 200), -ETIME);
		igt_assert_eq_u32(data1_map[0], 0);
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(vsvm_wait_ms(fd1, s1, 20000), 0);
		igt_assert_eq_u32(data1_map[0], 0xabc);
		munmap(cmd1_map, PAGE);
		munmap(data1_map, PAGE);
		close(fd1);
		ctx_fini(&c);
	}

	igt_describe("debugfs engine_bytes_per_sec slows COPY and FILL to its rate.");
	igt_subtest("throttle") {
		uint64_t t0;
		int dir, f;

		ctx_init(&c);
		dir = igt_debugfs_dir(c.fd);
		igt_assert_fd(dir);
		f = openat(dir, "engine_bytes_per_sec", O_WRONLY);
		igt_assert_fd(f);
		igt_assert_eq(write(f, "200000", 6), 6);
		vsvm_emit_fill(CS(&c), DATA_VA, 0x55555555, BO_SIZE);
		t0 = vsvm_now_ns();
		igt_assert_eq(run(&c, 0), 1);
		/* 64 KiB at 200 KB/s: 0.33 s. */
		igt_assert_f(vsvm_now_ns() - t0 > 250000000ull, "64 KiB at 200 KB/s took %" PRIu64 " ns\n",
			     vsvm_now_ns() - t0);
		close(f);
		f = openat(dir, "engine_bytes_per_sec", O_WRONLY);
		igt_assert_fd(f);
		igt_assert_eq(write(f, "0", 1), 1);
		close(f);
		close(dir);
		igt_assert_eq(c.data[BO_SIZE - 1], 0x55);
		ctx_fini(&c);
	}

	igt_describe("The tracepoints fire, each with the device's index and the file's "
		     "client id: job submit, run (hand-off), exec (engine start) and done, "
		     "bind, bind job, TLB flush, and a userptr's invalidation stage by stage, "
		     "in the I1 order.");
	igt_subtest("tracepoints") {
		const char *events[] = { "vsvm_job_submit:", "vsvm_job_run:", "vsvm_job_exec:",
					 "vsvm_job_done:", "vsvm_bind:", "vsvm_bind_run:",
					 "vsvm_tlb_flush:", "vsvm_userptr_populate:",
					 "vsvm_userptr_invalidate:" };
		const char *stages[] = { " begin", " gpu-idle", " zapped", " released" };
		static char buf[1 << 17];
		const char *at, *prev = NULL;
		long long client;
		unsigned int i;
		uint32_t up;
		int dev;
		void *p;

		/* The scheduler's path: jobs run by run_job, not the ioctl. */
		set_direct(false);

		vsvm_trace_start();
		ctx_init(&c);
		client = vsvm_fdinfo_value(c.fd, "drm-client-id");
		dev = vsvm_info_get(c.fd, "index");
		vsvm_emit_store32(CS(&c), DATA_VA, 1);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, DATA_VA, PAGE), 0);
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, DATA_VA + PAGE, PAGE, 0, 0), 0);
		/* A notifier-mode userptr the GPU writes, then munmap'ed. */
		p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(p != MAP_FAILED);
		up = vsvm_gem_userptr(c.fd, p, PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, up, 0, UP_VA, PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 7);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq(*(volatile uint32_t *)p, 7);
		munmap(p, PAGE);
		vsvm_trace_stop(buf, sizeof(buf));
		vsvm_gem_close(c.fd, up);
		ctx_fini(&c);

		for (i = 0; i < sizeof(events) / sizeof(events[0]); i++)
			vsvm_trace_assert(buf, events[i], dev, client, NULL);
		/* I1: the invalidation's steps, in their order. */
		for (i = 0; i < sizeof(stages) / sizeof(stages[0]); i++) {
			at = vsvm_trace_assert(buf, "vsvm_userptr_stage:", dev, client, stages[i]);
			igt_assert_f(at > prev, "I1: stage%s out of order in:\n%.3000s\n",
				     stages[i], buf);
			prev = at;
		}
		set_direct(true);
	}

	igt_describe("Submission latency (benchmark P2): run_job runs on the CPU whose "
		     "EXEC submitted the job, so that the hand-off wakes no other CPU "
		     "(the per-CPU submit workqueue of vsvm_sched.c), for a submitter "
		     "pinned to each CPU in turn.");
	igt_subtest("hand-off-on-submit-cpu") {
		static const char * const ev[] = { "vsvm_job_submit", "vsvm_job_run" };
		static char buf[1 << 17];
		int ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu, i, e, f, n, total = 0;
		int jobs = 0, local = 0, sub_cpu[64];
		long long sub_seq[64];
		char path[128], *line, *save;
		cpu_set_t all, one;

		/* The scheduler's path: jobs run by run_job, not the ioctl. */
		set_direct(false);

		igt_require_f(ncpu > 1, "one CPU online: no other CPU to wake\n");
		igt_require_f(!access("/sys/kernel/tracing/events/vsvm/vsvm_job_run/enable", W_OK),
			      "no tracefs with vsvm's events\n");
		f = open("/sys/kernel/tracing/trace", O_WRONLY | O_TRUNC);
		igt_assert_fd(f);
		close(f);
		for (e = 0; e < 2; e++) {
			snprintf(path, sizeof(path), "/sys/kernel/tracing/events/vsvm/%s/enable",
				 ev[e]);
			f = open(path, O_WRONLY);
			igt_assert_fd(f);
			igt_assert_eq(write(f, "1", 1), 1);
			close(f);
		}

		ctx_init(&c);
		igt_assert_eq(sched_getaffinity(0, sizeof(all), &all), 0);
		for (cpu = 0; cpu < ncpu && cpu < 8; cpu++) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			igt_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
			for (i = 0; i < 8; i++) {
				/* The previous job's scheduler work is over. */
				usleep(5000);
				vsvm_emit_store32(CS(&c), DATA_VA, i);
				igt_assert_eq(run(&c, 0), 1);
			}
		}
		igt_assert_eq(sched_setaffinity(0, sizeof(all), &all), 0);
		ctx_fini(&c);

		for (e = 0; e < 2; e++) {
			snprintf(path, sizeof(path), "/sys/kernel/tracing/events/vsvm/%s/enable",
				 ev[e]);
			f = open(path, O_WRONLY);
			igt_assert_fd(f);
			igt_assert_eq(write(f, "0", 1), 1);
			close(f);
		}
		f = open("/sys/kernel/tracing/trace", O_RDONLY);
		igt_assert_fd(f);
		while ((n = read(f, buf + total, sizeof(buf) - 1 - total)) > 0)
			total += n;
		close(f);
		buf[total] = '\0';

		/* "   <...>-206  [001] ...1.  3.251512: vsvm_job_submit: ... fence=18:251" */
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *sub = strstr(line, "vsvm_job_submit:"), *run_ev = strstr(line, "vsvm_job_run:");
			char *br = strchr(line, '[');
			long long seq;

			if ((!sub && !run_ev) || !br)
				continue;
			if (sub) {
				char *p = strstr(sub, "fence=");

				igt_assert(p && strchr(p, ':'));
				if (jobs < 64) {
					sub_cpu[jobs] = atoi(br + 1);
					sub_seq[jobs++] = atoll(strchr(p, ':') + 1);
				}
				continue;
			}
			igt_assert(strstr(run_ev, "seqno="));
			seq = atoll(strstr(run_ev, "seqno=") + 6);
			for (i = 0; i < jobs; i++) {
				if (sub_seq[i] != seq)
					continue;
				if (atoi(br + 1) == sub_cpu[i])
					local++;
				else
					igt_info("job %lld: submitted on CPU %d, run_job on CPU %d\n",
						 seq, sub_cpu[i], atoi(br + 1));
				break;
			}
		}
		igt_assert_f(jobs == 8 * (ncpu < 8 ? ncpu : 8),
			     "%d submit events for %d jobs\n", jobs, 8 * (ncpu < 8 ? ncpu : 8));
		igt_assert_f(local == jobs, "run_job on the submitting CPU for %d of %d jobs\n",
			     local, jobs);
		set_direct(true);
	}

	igt_describe("Submission latency (benchmark P2): a job of short commands on an idle "
		     "engine ends in run_job on the submitting CPU (I2: the same "
		     "fence-signalling path, neither sleeping nor allocating), and a job "
		     "that goes on with a COPY is handed to the engine thread at the COPY.");
	igt_subtest("short-job-on-submit-cpu") {
		static char buf[1 << 18];
		int ncpu = sysconf(_SC_NPROCESSORS_ONLN), cpu, i, jobs = 0, local = 0;
		int sub_cpu[64], n_exec[64] = { 0 }, n_done[64] = { 0 }, done_cpu[64];
		long long sub_seq[64], client;
		char *line, *save;
		cpu_set_t all, one;
		uint32_t v;

		/* The scheduler's path: jobs run by run_job, not the ioctl. */
		set_direct(false);

		igt_require_f(ncpu > 1, "one CPU online: every job ends on the submitting CPU\n");
		vsvm_trace_start();
		ctx_init(&c);
		client = vsvm_fdinfo_value(c.fd, "drm-client-id");
		igt_assert_eq(sched_getaffinity(0, sizeof(all), &all), 0);
		for (cpu = 0; cpu < ncpu && cpu < 8; cpu++) {
			CPU_ZERO(&one);
			CPU_SET(cpu, &one);
			igt_assert_eq(sched_setaffinity(0, sizeof(one), &one), 0);
			for (i = 0; i < 4; i++) {
				/* The engine is idle: the previous job's work is over. */
				usleep(5000);
				vsvm_emit_store32(CS(&c), DATA_VA + 256, i);
				vsvm_emit_store32(CS(&c), DATA_VA + 4 * i, cpu * 16 + i);
				igt_assert_eq(run(&c, 0), 1);
				memcpy(&v, &c.data[4 * i], 4);
				igt_assert_eq_u32(v, cpu * 16 + i);
			}
		}
		/* Short commands, then a COPY of what they wrote, then more. */
		usleep(5000);
		vsvm_emit_store32(CS(&c), DATA_VA + 64, 0x11223344);
		vsvm_emit_copy(CS(&c), DATA_VA + PAGE, DATA_VA + 64, 4);
		vsvm_emit_store32(CS(&c), DATA_VA + 68, 0x55667788);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq(sched_setaffinity(0, sizeof(all), &all), 0);
		memcpy(&v, &c.data[PAGE], 4);
		igt_assert_eq_u32(v, 0x11223344);
		memcpy(&v, &c.data[68], 4);
		igt_assert_eq_u32(v, 0x55667788);
		vsvm_trace_stop(buf, sizeof(buf));
		ctx_fini(&c);

		/* "   <...>-206  [001] ...1.  3.251512: vsvm_job_submit: ... fence=18:251" */
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *sub = strstr(line, "vsvm_job_submit:"), *br = strchr(line, '[');
			char *ev = strstr(line, "vsvm_job_exec:") ?: strstr(line, "vsvm_job_done:");
			char want[48];
			long long seq;

			snprintf(want, sizeof(want), " client=%lld ", client);
			if ((!sub && !ev) || !br || !strstr(line, want))
				continue;
			if (sub) {
				char *p = strstr(sub, "fence=");

				igt_assert(p && strchr(p, ':'));
				if (jobs < 64) {
					sub_cpu[jobs] = atoi(br + 1);
					sub_seq[jobs++] = atoll(strchr(p, ':') + 1);
				}
				continue;
			}
			igt_assert(strstr(ev, "seqno="));
			seq = atoll(strstr(ev, "seqno=") + 6);
			for (i = 0; i < jobs; i++) {
				if (sub_seq[i] != seq)
					continue;
				if (strstr(ev, "vsvm_job_exec:")) {
					n_exec[i]++;
				} else {
					n_done[i]++;
					done_cpu[i] = atoi(br + 1);
				}
				break;
			}
		}
		igt_assert_f(jobs == 4 * (ncpu < 8 ? ncpu : 8) + 1,
			     "%d submit events for %d jobs\n", jobs, 4 * (ncpu < 8 ? ncpu : 8) + 1);
		for (i = 0; i < jobs; i++) {
			igt_assert_f(n_exec[i] == 1 && n_done[i] == 1,
				     "job %lld: %d exec and %d done events\n", sub_seq[i],
				     n_exec[i], n_done[i]);
			if (i == jobs - 1)
				break;	/* the COPY's: ends on the engine thread */
			if (done_cpu[i] == sub_cpu[i])
				local++;
			else
				igt_info("job %lld: submitted on CPU %d, ended on CPU %d\n",
					 sub_seq[i], sub_cpu[i], done_cpu[i]);
		}
		igt_assert_f(local == jobs - 1,
			     "short jobs ended on the submitting CPU: %d of %d\n", local, jobs - 1);
		set_direct(true);
	}

	igt_describe("I2: one context's fences signal in seqno order: a NOP given to "
		     "run_job while the engine thread is between taking the COPY before it "
		     "off the ring and signalling it does not run in run_job first.");
	igt_subtest("short-job-signal-order") {
		int i, early = 0, rounds = 40;
		uint32_t s1, s2;

		ctx_init(&c);
		vsvm_require_knob(c.fd, "engine_signal_delay_us");
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_signal_delay_us", "3000"), 0);
		for (i = 0; i < rounds; i++) {
			unsigned int nop;

			vsvm_emit_copy(CS(&c), DATA_VA + PAGE, DATA_VA, 64);
			nop = c.n;
			/* Job N (the COPY), then at once job N+1 (a store). */
			s1 = exec_from(&c, 0, 0, 0);
			vsvm_emit_store32(CS(&c), DATA_VA + 2 * PAGE, i);
			s2 = exec_from(&c, nop, 0, 0);
			c.n = 0;
			igt_assert_eq(vsvm_wait_ms(c.fd, s2, 20000), 0);
			/* N+1 signalled: N must have signalled before it. */
			if (vsvm_fence_status(c.fd, s1) == 0)
				early++;
			igt_assert_eq(vsvm_wait_ms(c.fd, s1, 20000), 0);
			igt_assert_eq(vsvm_fence_status(c.fd, s1), 1);
			igt_assert_eq(vsvm_fence_status(c.fd, s2), 1);
			drmSyncobjDestroy(c.fd, s1);
			drmSyncobjDestroy(c.fd, s2);
		}
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_signal_delay_us", "0"), 0);
		ctx_fini(&c);
		igt_assert_f(early == 0,
			     "job N+1 signalled before job N of its context: %d of %d\n",
			     early, rounds);
	}

	igt_describe("QUERY: the size protocol, device information and refusals.");
	igt_subtest("query") {
		struct drm_vsvm_query_device dev;
		struct drm_vsvm_query q = { .query = DRM_VSVM_QUERY_DEVICE };
		int fd = drm_open_driver(DRIVER_VSVM);

		do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
		igt_assert_eq_u32(q.size, sizeof(dev));
		q.size = sizeof(dev) - 1;
		q.data = (uintptr_t)&dev;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_QUERY, &q, EINVAL);
		q.size = sizeof(dev);
		q.data = 8;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_QUERY, &q, EFAULT);
		q.data = (uintptr_t)&dev;
		q.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_QUERY, &q, EINVAL);
		q.pad = 0;
		q.query = DRM_VSVM_QUERY_CAPS + 1;	/* the first unknown query */
		do_ioctl_err(fd, DRM_IOCTL_VSVM_QUERY, &q, EINVAL);
		q.query = DRM_VSVM_QUERY_DEVICE;
		do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
		igt_assert_lte(1, (int)dev.num_queues);
		igt_assert_eq_u32(dev.va_bits, DRM_VSVM_VA_BITS);
		igt_assert_eq_u64(dev.max_bo_size, DRM_VSVM_GEM_MAX_SIZE);
		igt_assert_eq_u32(dev.page_sizes, DRM_VSVM_PAGE_4K | DRM_VSVM_PAGE_2M);
		igt_assert_eq_u32(dev.max_bind_ops, DRM_VSVM_MAX_BIND_OPS);

		/* A fresh file sees none of the device's faults. */
		q = (struct drm_vsvm_query){ .query = DRM_VSVM_QUERY_FAULTS };
		do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
		igt_assert_eq_u32(q.size, sizeof(struct drm_vsvm_query_faults));
		close(fd);
	}

	igt_describe("EXEC's errnos: flags, pads, queue, command stream, syncs, VM.");
	igt_subtest("exec-errors") {
		struct drm_vsvm_query_device dev;
		struct drm_vsvm_sync sync = { 0 };
		struct drm_vsvm_exec e, base;
		uint32_t empty;

		ctx_init(&c);
		dev = query_device(c.fd);
		c.cmd[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1);
		base = (struct drm_vsvm_exec){ .vm_id = c.vm, .cs_addr = CMD_VA, .cs_size = 4 };
		e = base; e.flags = 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.pad = 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.queue = dev.num_queues;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.cs_size = 0;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.cs_size = 6;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.cs_addr = CMD_VA + 2;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.cs_size = dev.max_cs_size + 4;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		e = base; e.num_in_syncs = dev.max_syncs + 1; e.in_syncs = (uintptr_t)&sync;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, E2BIG);
		e = base; e.num_out_syncs = dev.max_syncs + 1; e.out_syncs = (uintptr_t)&sync;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, E2BIG);
		e = base; e.num_in_syncs = 1; e.in_syncs = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EFAULT);
		e = base; e.extensions = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EFAULT);
		e = base; e.vm_id = c.vm + 50;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, ENOENT);

		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &empty), 0);
		sync = (struct drm_vsvm_sync){ .handle = empty, .flags = 2 };
		e = base; e.num_out_syncs = 1; e.out_syncs = (uintptr_t)&sync;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		sync = (struct drm_vsvm_sync){ .handle = empty, .point = 3 };
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		sync = (struct drm_vsvm_sync){ .handle = empty + 100 };
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, ENOENT);
		e = base; e.num_in_syncs = 1; e.in_syncs = (uintptr_t)&sync;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, ENOENT);
		/*
		 * An in-sync with no fence yet, and a timeline point not
		 * submitted yet: -EINVAL, as the header says (what
		 * drm_syncobj_find_fence() returns).
		 */
		sync = (struct drm_vsvm_sync){ .handle = empty };
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		{
			uint64_t one = 1;

			igt_assert_eq(drmSyncobjTimelineSignal(c.fd, &empty, &one, 1), 0);
			sync = (struct drm_vsvm_sync){ .handle = empty,
						       .flags = DRM_VSVM_SYNC_TIMELINE, .point = 2 };
			do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
			sync.point = 1;
			do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
		}
		e = base; e.vm_id = 0;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, ENOENT);
		ctx_fini(&c);
	}

	/* Last: it reloads the module. */
	igt_describe("Direct submission: a stream of short commands (NOP, STORE, ATOMIC, "
		     "TIMESTAMP) on an idle queue ends in the EXEC ioctl with the same "
		     "results, out-syncobj and sync_file status as through the scheduler; "
		     "the queue's statistics and fdinfo count it.");
	igt_subtest("direct-same-results") {
		uint8_t res[2][512];
		long long d0, d1;
		uint64_t before, *ts;
		int pass;

		for (pass = 0; pass < 2; pass++) {
			uint32_t tl, s;
			uint64_t point = 3;
			struct drm_vsvm_sync out = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 3 };
			struct drm_vsvm_exec e = { .queue = 0, .cs_addr = CMD_VA, .cs_size = 4,
						   .out_syncs = (uintptr_t)&out,
						   .num_out_syncs = 1 };

			set_direct(pass == 0);
			ctx_init(&c);
			d0 = engine_stat(c.fd, 0, "direct");
			igt_assert_lte(0, d0);
			igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-engine-queue0"), 0);
			memset(c.data, 0, 512);
			((uint32_t *)c.data)[16] = 40;
			((uint32_t *)c.data)[17] = 7;
			before = vsvm_now_ns();
			vsvm_emit(CS(&c), DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1));
			vsvm_emit_store32(CS(&c), DATA_VA, 0x11223344);
			vsvm_emit_store64(CS(&c), DATA_VA + 8, 0x5566778899aabbccull);
			vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA + 64, 2, 0,
					 DATA_VA + 256);
			vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_CMPXCHG, DATA_VA + 68, 70, 7,
					 DATA_VA + 260);
			vsvm_emit_timestamp(CS(&c), DATA_VA + 128);
			igt_assert_eq(run(&c, 0), 1);
			ts = (uint64_t *)(c.data + 128);
			igt_assert(*ts >= before && *ts <= vsvm_now_ns());
			*ts = 0;
			memcpy(res[pass], c.data, 512);

			/* P2's job: a NOP alone, its out-sync a timeline point. */
			vsvm_emit(CS(&c), DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1));
			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl), 0);
			out.handle = tl;
			e.vm_id = c.vm;
			usleep(5000);
			igt_assert_eq(__exec(c.fd, &e), 0);
			igt_assert_eq(drmSyncobjTimelineWait(c.fd, &tl, &point, 1,
							     vsvm_now_ns() + 20000000000ull,
							     0, NULL), 0);
			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &s), 0);
			igt_assert_eq(drmSyncobjTransfer(c.fd, s, 0, tl, 3, 0), 0);
			igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
			drmSyncobjDestroy(c.fd, s);
			drmSyncobjDestroy(c.fd, tl);
			c.n = 0;

			d1 = engine_stat(c.fd, 0, "direct");
			igt_info("pass %d (direct %s): %lld direct jobs\n", pass,
				 pass ? "off" : "on", d1 - d0);
			/* Both jobs ran in the ioctl, or neither did. */
			igt_assert_eq(d1 - d0, pass ? 0 : 2);
			igt_assert_lt(0, vsvm_fdinfo_value(c.fd, "drm-engine-queue0"));
			ctx_fini(&c);
		}
		set_direct(true);
		igt_assert_eq_u32(*(uint32_t *)res[0], 0x11223344);
		igt_assert_eq_u32(*(uint32_t *)(res[0] + 64), 42);
		igt_assert_eq_u32(*(uint32_t *)(res[0] + 68), 70);
		igt_assert_eq_u32(*(uint32_t *)(res[0] + 256), 40);
		igt_assert_f(!memcmp(res[0], res[1], 512),
			     "results differ with direct submission on and off\n");
	}

	igt_describe("Direct submission: a GPU fault (-EFAULT, its fault record) and a bad "
		     "command (-EINVAL) end a job run in the EXEC ioctl as they end a "
		     "scheduled one, the commands after them not run.");
	igt_subtest("direct-errors") {
		struct drm_vsvm_fault f[2], b[2];
		long long d0;
		int pass;

		for (pass = 0; pass < 2; pass++) {
			set_direct(pass == 0);
			ctx_init(&c);
			d0 = engine_stat(c.fd, 1, "direct");
			f[pass] = *run_fault_not_present(&c);
			igt_assert_eq_u64(f[pass].addr, UNMAPPED_VA + 12);
			igt_assert_eq_u32(f[pass].reason, DRM_VSVM_FAULT_NOT_PRESENT);

			usleep(5000);
			vsvm_emit(CS(&c), DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1));
			vsvm_emit(CS(&c), DRM_VSVM_CMD(0x42, 0, 1));
			vsvm_emit_store32(CS(&c), DATA_VA + 8, 3);
			igt_assert_eq(run(&c, 1), -EINVAL);
			igt_assert_eq_u32(((uint32_t *)c.data)[2], 0);
			b[pass] = *last_fault(c.fd);
			igt_assert_eq_u64(b[pass].addr, CMD_VA + 4);
			igt_assert_eq_u32(b[pass].reason, DRM_VSVM_FAULT_BAD_COMMAND);
			igt_assert_eq(engine_stat(c.fd, 1, "direct") - d0, pass ? 0 : 2);
			ctx_fini(&c);
		}
		set_direct(true);
		igt_assert_eq_u32(f[0].vm_id, f[1].vm_id);
		igt_assert_eq_u32(f[0].queue, 1);
		igt_assert_eq_u32(f[1].queue, 1);
		igt_assert_eq_u32(f[0].write, f[1].write);
		igt_assert_eq_u32(b[0].write, b[1].write);
	}

	igt_describe("Direct submission is refused while the queue is busy: a job behind a "
		     "SPIN of its context, or of another VM's, waits for it and runs after "
		     "it in order; once the queue is idle again the ioctl runs jobs itself.");
	igt_subtest("direct-busy-fallback") {
		struct ctx o = { .fd = -1 };
		uint32_t s1, s2, s3, old;
		int w1, w2, st2;
		unsigned int first;
		long long d0, d1;

		set_direct(true);
		ctx_init(&c);
		ctx_init(&o);
		d0 = engine_stat(c.fd, 0, "direct");
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		vsvm_emit_store32(CS(&c), DATA_VA, 1);
		s1 = exec_from(&c, 0, 0, 0);
		first = c.n;
		/* The spinner is on the engine thread. */
		igt_assert_eq(vsvm_wait_ms(c.fd, s1, 50), -ETIME);
		/* Its context's next job: ordered after the spinner. */
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA, 10, 0, DATA_VA + 8);
		s2 = exec_from(&c, first, 0, 0);
		/* Another VM's job on the busy queue. */
		vsvm_emit_store32(CS(&o), DATA_VA, 5);
		s3 = exec_from(&o, 0, 0, 0);
		w2 = vsvm_wait_ms(c.fd, s2, 200);
		w1 = vsvm_wait_ms(c.fd, s1, 1);
		st2 = vsvm_fence_status(c.fd, s2);
		old = ((volatile uint32_t *)c.data)[2];
		d1 = engine_stat(c.fd, 0, "direct");
		/* Release the spinner before any assertion: no test leaves it spinning. */
		((volatile uint32_t *)c.data)[32] = 1;
		igt_assert_eq(w2, -ETIME);
		igt_assert_eq(w1, -ETIME);
		igt_assert_eq(st2, 0);
		igt_assert_eq_u32(old, 0);
		igt_assert_eq(d1, d0);
		igt_assert_eq(vsvm_job_end(c.fd, s1), 1);
		igt_assert_eq(vsvm_job_end(c.fd, s2), 1);
		igt_assert_eq(vsvm_job_end(o.fd, s3), 1);
		/* The atomic saw the spinner's store: it ran after it. */
		igt_assert_eq_u32(((uint32_t *)c.data)[2], 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 11);
		igt_assert_eq_u32(((uint32_t *)o.data)[0], 5);
		igt_assert_eq(engine_stat(c.fd, 0, "direct"), d0);
		c.n = 0;
		usleep(5000);
		vsvm_emit_store32(CS(&c), DATA_VA + 12, 9);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[3], 9);
		igt_assert_eq(engine_stat(c.fd, 0, "direct"), d0 + 1);
		ctx_fini(&o);
		ctx_fini(&c);
	}

	igt_describe("Direct submission runs a stream's short prefix in the EXEC ioctl "
		     "and leaves the rest to the engine thread from the first long "
		     "command: an ATOMIC ADD, a SPIN, an ATOMIC ADD add exactly twice, "
		     "the first before the EXEC returns, and the out-fence signals "
		     "only once the SPIN is released; the same with direct submission "
		     "off.");
	igt_subtest("direct-prefix-fallback") {
		for (int on = 1; on >= 0; on--) {
			uint32_t s, first_add, before_release;
			int w;

			set_direct(on);
			ctx_init(&c);
			((volatile uint32_t *)c.data)[0] = 0;
			((volatile uint32_t *)c.data)[32] = 0;
			vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA, 1, 0, 0);
			vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
			vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD, DATA_VA, 1, 0, 0);
			s = exec_from(&c, 0, 0, 0);
			first_add = ((volatile uint32_t *)c.data)[0];
			w = vsvm_wait_ms(c.fd, s, 100);
			before_release = ((volatile uint32_t *)c.data)[0];
			/* Release the spinner before any assertion. */
			((volatile uint32_t *)c.data)[32] = 1;
			igt_assert_eq(vsvm_job_end(c.fd, s), 1);
			igt_info("direct %d: after EXEC %u, before the release %u, at the end %u\n",
				 on, first_add, before_release, ((uint32_t *)c.data)[0]);
			/* Run in the ioctl: done when it returns. */
			if (on)
				igt_assert_eq_u32(first_add, 1);
			igt_assert_eq(w, -ETIME);
			igt_assert_eq_u32(before_release, 1);
			/* Each ADD once: the prefix did not run again. */
			igt_assert_eq_u32(((uint32_t *)c.data)[0], 2);
			ctx_fini(&c);
		}
		set_direct(true);
	}

	igt_describe("I8: closing files with jobs in flight on both queues (a hung "
		     "SPIN, throttled FILLs), then unloading and loading the module, "
		     "ends cleanly and the new module runs jobs.");
	igt_subtest("unload-with-jobs-in-flight") {
		struct ctx b = { .fd = -1 };

		ctx_init(&c);
		ctx_init(&b);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "engine_bytes_per_sec", "200000"), 0);
		vsvm_emit_spin(CS(&c), DATA_VA + 128, 1);
		exec_from(&c, 0, 0, 0);
		vsvm_emit_fill(CS(&b), DATA_VA + PAGE, 0x11223344, 8 * PAGE);
		exec_from(&b, 0, 1, 0);
		exec_from(&b, 0, 1, 0);
		ctx_fini(&b);
		ctx_fini(&c);
		igt_assert_eq(system("rmmod vsvm && modprobe vsvm dmachk=1"), 0);
		ctx_init(&c);
		vsvm_emit_store32(CS(&c), DATA_VA, 4);
		igt_assert_eq(run(&c, 0), 1);
		igt_assert_eq_u32(((uint32_t *)c.data)[0], 4);
		ctx_fini(&c);
	}
}
