// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm userptr
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: userptr
 * Description: GEM_USERPTR in both modes (notifier and registration):
 *		every errno of GEM_USERPTR, coherency of GPU and CPU views
 *		byte by byte, invalidation between jobs (munmap, MAP_FIXED,
 *		mprotect, partial munmap, overlapping userptrs, MADV_DONTNEED,
 *		THP split, mremap) and while a job runs (the CPU change waits
 *		for the GPU), read-only userptrs, fork (foreign mm -EPERM, COW,
 *		MADV_DONTFORK), SCM_RIGHTS, process exit with busy jobs,
 *		RLIMIT_MEMLOCK and long-term pins, the mm reference cycle of a
 *		device mmap inside a registered range, deterministic races at
 *		the driver's injection points, and bounded stress.  The DMA
 *		checker (debugfs dmachk) must see no violation in any subtest.
 *
 * SUBTEST: create-invalid
 * Description: GEM_USERPTR refuses unknown flags, misaligned or zero sizes and
 *		addresses, overflowing and too large ranges, NULL and kernel addresses
 *		and extensions, and creates nothing when it does.
 *
 * SUBTEST: create-probe
 * Description: PROBE (and PIN_LONGTERM) refuse unmapped pages, device mappings and
 *		read-only memory for a writable userptr (-EFAULT); READ_ONLY over
 *		PROT_READ memory is accepted.
 *
 * SUBTEST: bind-over-gem-mmap
 * Description: A userptr over a vsvm GEM mmap, made without PROBE, fails at VM_BIND
 *		with -EFAULT and maps nothing.
 *
 * SUBTEST: mmap-offset-refused
 * Description: GEM_MMAP_OFFSET refuses a userptr (-EINVAL), in either mode.
 *
 * SUBTEST: gem-info-flags
 * Description: GEM_INFO reports a userptr's size and USERPTR with its creation flags;
 *		debugfs counts userptrs and long-term pages.
 *
 * SUBTEST: copy-userptr-to-bo
 * Description: The GPU copies a userptr, whole and through a partial binding at an
 *		offset, into a BO: every byte as the CPU wrote it.
 *
 * SUBTEST: copy-bo-to-userptr
 * Description: The GPU copies a BO into a userptr, then fills and stores into it: the
 *		CPU reads every byte.
 *
 * SUBTEST: cpu-writes-seen
 * Description: Rounds of CPU writes and GPU writes to one bound userptr: each job
 *		sees the CPU's latest bytes and the CPU sees the job's.
 *
 * SUBTEST: unaligned-copy
 * Description: Unaligned, page-crossing COPY, FILL and STOREs within a userptr and
 *		out to a BO write exactly their bytes.
 *
 * SUBTEST: munmap-then-exec
 * Description: After munmap of a bound userptr's range, EXEC on its VM fails with
 *		-EFAULT (whatever the job touches) and the pins are dropped; unbinding
 *		it makes the VM usable again.
 *
 * SUBTEST: remap-fixed
 * Description: MAP_FIXED over a bound userptr: the next job reads the new pages and
 *		writes into them, transparently.
 *
 * SUBTEST: mprotect-read-only
 * Description: mprotect(PROT_READ) under a writable and a read-only userptr: EXEC
 *		with the writable one fails -EFAULT, the read-only one still reads;
 *		PROT_WRITE back makes the writable one work again.
 *
 * SUBTEST: partial-munmap
 * Description: munmap of the middle of a bound userptr: EXEC fails -EFAULT even for a
 *		job touching only its first page; mapping the hole again makes the job
 *		see old and new pages.
 *
 * SUBTEST: overlapping-userptrs
 * Description: Two overlapping userptrs share pages; munmap of a page only one covers
 *		stops only VMs mapping that one, a page in the overlap stops both, and
 *		remapping brings both back.
 *
 * SUBTEST: madvise-dontneed
 * Description: madvise(MADV_DONTNEED) on part of a bound userptr: the next job reads
 *		zeros there, and its writes reach the new pages.
 *
 * SUBTEST: thp-partial-munmap
 * Description: A userptr over a 2 MiB transparent huge page; munmap of one 4 KiB page
 *		in it (splitting it) stops EXEC with -EFAULT; mapping the page again,
 *		jobs see the old bytes around it and the new in it.
 *
 * SUBTEST: mremap
 * Description: mremap moves a bound userptr's pages away: EXEC at the old address
 *		fails -EFAULT; a userptr at the new address reads them.
 *
 * SUBTEST: munmap-while-busy
 * Description: munmap of a userptr a spinning job will read blocks until the job is
 *		released and done; the job read the old pages.
 *
 * SUBTEST: mprotect-while-busy
 * Description: mprotect(PROT_READ) of a userptr a spinning job will read and write
 *		blocks until the job is done; the job's writes are in memory, and the
 *		next EXEC fails -EFAULT.
 *
 * SUBTEST: read-only
 * Description: A READ_ONLY userptr is bound read-only even when the bind does not
 *		ask: STORE, FILL and COPY into it fault (READ_ONLY) and change no
 *		byte, reading works, also over PROT_READ memory.
 *
 * SUBTEST: fork-eperm
 * Description: A child using the parent's file: VM_BIND of the parent's userptr and
 *		EXEC on a VM mapping it fail with -EPERM and change nothing; the
 *		parent's jobs still work.
 *
 * SUBTEST: fork-cow
 * Description: fork with a bound userptr, the parent writes a page: the parent's next
 *		job reads the parent's new data, its GPU writes reach the parent (also
 *		on a page still shared copy-on-write), not the child.
 *
 * SUBTEST: fork-dontfork
 * Description: A MADV_DONTFORK userptr range: fork does not invalidate it, the child
 *		does not map it, and the parent's jobs read and write it.
 *
 * SUBTEST: scm-rights-eperm
 * Description: A process that got the file over a unix socket (SCM_RIGHTS) gets
 *		-EPERM for VM_BIND of the sender's userptr and EXEC on a VM mapping
 *		it; nothing ran.
 *
 * SUBTEST: exit-with-busy-job
 * Description: Children exit with a userptr bound and a job spinning (on the userptr
 *		itself, or on a BO and then reading the userptr): every userptr, pin
 *		and BO is released, and the device still works.
 *
 * SUBTEST: close-fd-before-munmap
 * Description: Close the file with bound userptrs (notifier and long-term) over a
 *		range, then munmap it: pins and VmPin are released at close.
 *
 * SUBTEST: munmap-before-close
 * Description: munmap a range under bound userptrs (notifier and long-term), then
 *		close the file: notifier pins go at munmap, long-term at close.
 *
 * SUBTEST: longterm-rlimit
 * Description: Without CAP_IPC_LOCK, PIN_LONGTERM past RLIMIT_MEMLOCK fails with
 *		-ENOMEM (up to the limit works, notifier mode is not counted, closing
 *		gives the room back); with CAP_IPC_LOCK it works.
 *
 * SUBTEST: longterm-survives-munmap
 * Description: PIN_LONGTERM pages stay with the GPU: after MAP_FIXED over the range
 *		and after munmap of it, jobs still read the old data and write without
 *		faulting; VmPin stays counted until the object goes.
 *
 * SUBTEST: longterm-release-gem-close
 * Description: VmPin and debugfs longterm_pages go back at GEM close: at once for an
 *		unbound object, at unbind for one a VM mapping keeps alive.
 *
 * SUBTEST: longterm-release-fd-close
 * Description: VmPin and debugfs longterm_pages go back when the file is closed with
 *		long-term userptrs open, bound or not.
 *
 * SUBTEST: longterm-release-exit
 * Description: A child exits with long-term userptrs open (one bound, after a job):
 *		debugfs longterm_pages and userptrs go back.
 *
 * SUBTEST: mm-exit-before-fd-close
 * Description: A child hands its file to the parent and exits: its address space is
 *		gone, so its long-term and notifier pins are released while the file
 *		stays open; the parent's EXEC on its VM is -EPERM.
 *
 * SUBTEST: device-mmap-in-range-exit
 * Description: A child maps a vsvm BO (MAP_FIXED) inside the range of its bound long-
 *		term and notifier userptrs, then exits with everything open: the mm,
 *		file, userptrs and pins are all released.
 *
 * SUBTEST: inject-populate-retry
 * Description: Inject point 1: VM_BIND (then EXEC) stalls between getting the pages
 *		and the retry check; MAP_FIXED new memory meanwhile; the ioctl retries
 *		and the GPU uses the new pages. With munmap meanwhile, the bind fails
 *		-EFAULT.
 *
 * SUBTEST: inject-job-stall
 * Description: Inject point 2: a job stalls after its PTEs are written, before it
 *		starts; munmap of its userptr blocks until the job is released and
 *		done, and the job read the old pages.
 *
 * SUBTEST: inject-copy-stall
 * Description: Inject point 3: a COPY stalls after its first page; munmap (COPY from
 *		the userptr) or mprotect (COPY into it) blocks until it is released
 *		and done; every page was copied, the writes are in memory.
 *
 * SUBTEST: inject-nonblock
 * Description: Inject point 4: an invalidation also runs the non-blockable (OOM
 *		reaper) check: with no job pending it passes, with a job pending it
 *		counts would_block; the blocking invalidation still waits.
 *
 * SUBTEST: stress-mmap-munmap
 * Description: A thread maps, replaces and unmaps a 2 MiB range for 2 s while
 *		userptrs over it are made, bound and copied from: only -EFAULT is
 *		refused, and each job reads one whole generation of data.
 *
 * SUBTEST: fork-storm
 * Description: 20 forks while userptr jobs run (the first spinning): every job
 *		completes with the right data, the children see their copy, and the
 *		parent's next jobs see its new writes.
 *
 * SUBTEST: signal-interrupt
 * Description: For 2 s under a 1 ms SIGALRM, create userptrs (both modes), bind,
 *		copy, unbind and close: interrupted ioctls restart, data is right, and
 *		no pin or object is left.
 *
 * SUBTEST: memory-pressure
 * Description: Copies through bound userptrs (notifier and registration) stay right
 *		while another process eats memory and compaction runs; counters come
 *		back and the DMA checker stays silent.
 *
 * SUBTEST: fdinfo-counts
 * Description: fdinfo's vsvm-userptr-pages counts the file's userptr pages, and vsvm-
 *		pinned-pages those pinned now: after a bind, and after munmap.
 *
 * SUBTEST: tracepoints
 * Description: vsvm_userptr_populate, _retry and _invalidate are emitted: a bind, a
 *		populate raced by an munmap (injection point 1), an invalidation.
 *
 * SUBTEST: map-after-queued-job
 * Description: A job queued (spinning) before a synchronous MAP of a userptr, whose
 *		commands write the userptr after the spin: munmap of the userptr
 *		returns only after that job ended, the job ends well, and its write is
 *		in the memory (a second mapping of the memfd sees it).
 *
 * SUBTEST: file-dirty
 * Description: The GPU fills a userptr over a tmpfs file (memfd); after munmap the
 *		file holds the GPU's data.
 *
 * SUBTEST: madv-free-dirty
 * Description: MADV_FREE a userptr's memory, have the GPU fill it, release the
 *		object, then MADV_PAGEOUT: the GPU's data is still there (the GPU's
 *		writes dirtied the folios, so reclaim kept them).
 *
 * SUBTEST: oom-reaper-nonblock
 * Description: A process in a 32 MiB memory cgroup has a job queued (behind an
 *		unsignalled fence) before a synchronous MAP of a userptr, and a thread
 *		stalled in the driver so that the process cannot exit; it is OOM-
 *		killed, and the OOM reaper's non-blockable invalidation of the userptr
 *		is refused (would_block) until the job has run.
 *
 * SUBTEST: exec-invalidated-only
 * Description: With 256 bound 4 KiB userptrs, an EXEC checks all of them once
 *		after MAP, none on the next EXEC, and only the one that madvise(MADV_DONTNEED)
 *		invalidated after that; its STORE reaches the new page.
 *
 * SUBTEST: munmap-many-bound
 * Description: munmap of a range under 400 bound 4 KiB userptrs that a job used
 *		costs about what it costs when their entries were never written: no wait per
 *		object for the TLB.
 *
 * SUBTEST: exec-two-address-spaces
 * Description: A VM that maps userptrs of a parent and of its forked child refuses
 *		EXEC to both (-EPERM); once the parent's mapping is unmapped the child's EXEC
 *		runs, and once the child's is, the parent's does.
 *
 * SUBTEST: private-invalid
 * Description: Every errno of a VM-private userptr (uapi 1.9): GEM_USERPTR with
 *		VM id 0 or an unknown VM (-ENOENT), an SVM VM, a non-zero pad, a
 *		registration or the extension twice (-EINVAL), an unreadable extension
 *		(-EFAULT), creating nothing; VM_BIND of it into another VM and its PRIME
 *		export fail with -EINVAL, while it maps and runs in its own VM.
 *
 * SUBTEST: private-exec-dontneed
 * Description: With 64 bound 4 KiB userptrs private to the VM, an EXEC checks all
 *		of them once after MAP, none on the next EXEC, and only the one that
 *		madvise(MADV_DONTNEED) invalidated after that; its STORE reaches the new
 *		page.
 *
 * SUBTEST: private-implicit-sync
 * Description: The fence of a job writing a private userptr is in its VM's
 *		reservation: a job on another queue reading that userptr waits for
 *		it, although the VM maps nothing else writable, and reads what the
 *		first job wrote.
 *
 * SUBTEST: private-outlives-vm
 * Description: A private userptr's VM is destroyed, and a file closed with a VM
 *		whose private userptr was just used: the object stays valid (GEM_INFO,
 *		munmap of its memory, close), maps into no other VM (-EINVAL), and
 *		nothing is left behind.
 *
 * SUBTEST: private-unmapped-busy-vm
 * Description: Private userptrs used by one job and then unmapped are munmapped
 *		and closed promptly while another thread keeps their VM busy with
 *		a chain of jobs: their invalidation waits for none of the VM's
 *		later jobs (I1).
 *
 * SUBTEST: private-async-unmap-busy
 * Description: A private userptr's asynchronous UNMAP is queued behind a job
 *		writing it: munmap of its memory waits for that UNMAP's job, which
 *		waits for the writer, before the pages go (I1, the DMA checker
 *		silent).
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define HUGE_SIZE (2ull << 20)
#define CMD_VA 0x1000000ull
#define BO_VA 0x2000000ull
#define UP_VA 0x10000000ull
#define UP2_VA 0x20000000ull
#define CMD_SIZE (16 * PAGE)
#define BO_SIZE (64 * PAGE)
#define SEM_OFF (BO_SIZE - PAGE)	/* the BO word SPIN waits on */
#define SEM_VA (BO_VA + SEM_OFF)

#define UP_RO DRM_VSVM_USERPTR_READ_ONLY
#define UP_PROBE DRM_VSVM_USERPTR_PROBE
#define UP_LONGTERM DRM_VSVM_USERPTR_PIN_LONGTERM

/* A file of the device that holds nothing: for debugfs and the injector. */
static int dbg_fd = -1;
static long long dmachk_base;

/* --- time ---------------------------------------------------------------- */

/* --- a file with a VM, a command buffer and a data BO --------------------- */

struct ctx {
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, bo;
	uint32_t *cmd;		/* CPU view of the command buffer */
	uint8_t *bo_map;	/* CPU view of the data BO */
	unsigned int n;		/* words emitted */
	uint32_t queue;		/* the hardware queue jobs run on */
};

/* The emitter arguments of vsvm_igt.h for @c's command buffer. */
#define CS(c) (c)->cmd, &(c)->n, CMD_SIZE / 4

/* A further VM of @c's file with the command buffer and the BO mapped. */
static uint32_t ctx_new_vm(struct ctx *c)
{
	uint32_t vm = vsvm_vm_create(c->fd, 0);

	igt_assert_eq(vsvm_vm_map(c->fd, vm, c->cmd_bo, 0, CMD_VA, CMD_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c->fd, vm, c->bo, 0, BO_VA, BO_SIZE, 0), 0);
	return vm;
}

static void ctx_init(struct ctx *c)
{
	c->fd = drm_open_driver(DRIVER_VSVM);
	c->cmd_bo = vsvm_gem_create(c->fd, CMD_SIZE);
	c->bo = vsvm_gem_create(c->fd, BO_SIZE);
	c->cmd = vsvm_gem_mmap(c->fd, c->cmd_bo, CMD_SIZE);
	c->bo_map = vsvm_gem_mmap(c->fd, c->bo, BO_SIZE);
	c->vm = ctx_new_vm(c);
	c->n = 0;
	c->queue = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, CMD_SIZE);
	munmap(c->bo_map, BO_SIZE);
	close(c->fd);
	c->fd = -1;
}

static void sem_set(struct ctx *c, uint32_t v)
{
	*(volatile uint32_t *)(c->bo_map + SEM_OFF) = v;
}

/* Fills @e to run the words from @first on, on @vm, signalling @out. */
static void exec_args(struct ctx *c, uint32_t vm, unsigned int first,
		      struct drm_vsvm_sync *out, struct drm_vsvm_exec *e)
{
	*e = (struct drm_vsvm_exec){
		.vm_id = vm, .queue = c->queue,
		.cs_addr = CMD_VA + first * 4, .cs_size = (c->n - first) * 4,
		.out_syncs = (uintptr_t)out, .num_out_syncs = 1,
	};
}

/*
 * EXEC of the words from @first on, on @vm: 0 and the out-syncobj in @sync,
 * or the ioctl's -errno.
 */
static int __submit(struct ctx *c, uint32_t vm, unsigned int first, uint32_t *sync)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e;
	int ret;

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	exec_args(c, vm, first, &out, &e);
	ret = igt_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0;
	if (ret)
		drmSyncobjDestroy(c->fd, out.handle);
	else
		*sync = out.handle;
	return ret;
}

static uint32_t submit(struct ctx *c, unsigned int first)
{
	uint32_t s = 0;

	igt_assert_eq(__submit(c, c->vm, first, &s), 0);
	return s;
}

/*
 * Runs everything emitted on @vm and resets the emitter: the EXEC's -errno,
 * or 0 once the job is done, with its status (1, or its error) in @status.
 */
static int exec_wait(struct ctx *c, uint32_t vm, int *status)
{
	uint32_t s;
	int ret = __submit(c, vm, 0, &s);

	c->n = 0;
	if (ret)
		return ret;
	igt_assert_eq(vsvm_wait_ms(c->fd, s, 20000), 0);
	*status = vsvm_fence_status(c->fd, s);
	drmSyncobjDestroy(c->fd, s);
	return 0;
}

/* Runs everything emitted on @vm (the EXEC must succeed): the job's status. */
static int run_vm(struct ctx *c, uint32_t vm)
{
	int status = 0;

	igt_assert_eq(exec_wait(c, vm, &status), 0);
	return status;
}

static int run(struct ctx *c)
{
	return run_vm(c, c->vm);
}

/* The EXEC of everything emitted on @vm: its -errno (0 if it ran). */
static int exec_err(struct ctx *c, uint32_t vm)
{
	int status;

	return exec_wait(c, vm, &status);
}

static struct drm_vsvm_fault *last_fault(int fd)
{
	static uint8_t buf[sizeof(struct drm_vsvm_query_faults) +
			   DRM_VSVM_MAX_FAULTS * sizeof(struct drm_vsvm_fault)];
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_FAULTS, .size = sizeof(buf), .data = (uintptr_t)buf,
	};
	struct drm_vsvm_query_faults *f = (struct drm_vsvm_query_faults *)buf;

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	igt_assert_lt(0, (int)f->count);
	return &f->faults[f->count - 1];
}

static unsigned int job_timeout_ms(int fd)
{
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(dev), .data = (uintptr_t)&dev,
	};

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return dev.job_timeout_ms;
}

/* --- memory and patterns --------------------------------------------------- */

static void *anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * Seconds to munmap a range under @n bound 4 KiB userptrs (each its own
 * object, in a fresh VM of @c's file): with @used, bound synchronously and
 * used by a job, so that the invalidation clears their entries; else bound
 * asynchronously, pinned with no entry ever written.  The best of 3.
 */
static double munmap_bound(struct ctx *c, unsigned int n, bool used)
{
	uint32_t *h = calloc(n, sizeof(*h));
	double best = 1e9, t;
	unsigned int r, i;
	uint32_t vm, s;
	uint8_t *buf;

	igt_assert(h);
	for (r = 0; r < 3; r++) {
		vm = ctx_new_vm(c);
		buf = anon(n * PAGE);
		madvise(buf, n * PAGE, MADV_NOHUGEPAGE);
		memset(buf, 1, n * PAGE);
		igt_assert_eq(drmSyncobjCreate(c->fd, 0, &s), 0);
		for (i = 0; i < n; i++) {
			h[i] = vsvm_gem_userptr(c->fd, buf + i * PAGE, PAGE, 0);
			if (used)
				igt_assert_eq(vsvm_vm_map(c->fd, vm, h[i], 0, UP_VA + i * PAGE,
							  PAGE, 0), 0);
			else
				igt_assert_eq(vsvm_vm_bind_async(c->fd, vm, h[i], 0,
								 UP_VA + i * PAGE, PAGE, 0,
								 i == n - 1 ? s : 0), 0);
		}
		if (used) {
			for (i = 0; i < n; i += n / 4)
				vsvm_emit_store32(CS(c), UP_VA + i * PAGE, i);
			igt_assert_eq(run_vm(c, vm), 1);
		} else {
			igt_assert_eq(vsvm_wait_ms(c->fd, s, 20000), 0);
		}
		t = vsvm_now_ns();
		igt_assert_eq(munmap(buf, n * PAGE), 0);
		t = (vsvm_now_ns() - t) / 1e9;
		best = t < best ? t : best;
		for (i = 0; i < n; i++)
			vsvm_gem_close(c->fd, h[i]);
		drmSyncobjDestroy(c->fd, s);
	}
	free(h);
	return best;
}

/* Fresh anonymous memory over [@addr, @addr + @size) (MAP_FIXED). */
static void anon_at(void *addr, uint64_t size)
{
	void *p = mmap(addr, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	igt_assert(p == addr);
}

/* A CPU mapping of GEM object @handle at @addr (MAP_FIXED). */
static void gem_mmap_at(int fd, uint32_t handle, void *addr, uint64_t size)
{
	struct drm_vsvm_gem_mmap_offset mo = { .handle = handle };
	void *p;

	do_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo);
	p = mmap(addr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, mo.offset);
	igt_assert(p == addr);
}


/* Process pinned memory (pinned_vm), in kB. */
static long long vm_pin_kb(void)
{
	char buf[8192], *p;
	int f = open("/proc/self/status", O_RDONLY), n, total = 0;

	igt_assert_fd(f);
	while ((n = read(f, buf + total, sizeof(buf) - 1 - total)) > 0)
		total += n;
	close(f);
	buf[total] = '\0';
	p = strstr(buf, "\nVmPin:");
	igt_assert_f(p, "no VmPin in /proc/self/status\n");
	return atoll(p + strlen("\nVmPin:"));
}

/* Polls up to @ms until VmPin is @kb. */
static void wait_vm_pin(long long kb, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	long long now;

	while ((now = vm_pin_kb()) != kb && vsvm_now_ns() < end)
		usleep(10000);
	igt_assert_f(now == kb, "VmPin: %lld kB, want %lld kB\n", now, kb);
}

/* --- debugfs ----------------------------------------------------------------- */

/* A counter of debugfs vsvm_userptr. */
static long long up_stat(const char *key)
{
	long long v = vsvm_debugfs_get(dbg_fd, "vsvm_userptr", key);

	igt_assert_f(v >= 0, "debugfs vsvm_userptr has no \"%s\"\n", key);
	return v;
}

struct up_stats {
	long long userptrs, pinned, longterm, bos;
};

static struct up_stats stats_now(void)
{
	return (struct up_stats){
		.userptrs = up_stat("userptrs"),
		.pinned = up_stat("pinned_pages"),
		.longterm = up_stat("longterm_pages"),
		.bos = vsvm_info_get(dbg_fd, "bo_count"),
	};
}

/*
 * Polls up to @ms (file release can be deferred) until userptrs, pinned and
 * long-term pages and the BO count are back at @base.
 */
static void stats_wait(const struct up_stats *base, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	struct up_stats s;

	for (;;) {
		s = stats_now();
		if (s.userptrs == base->userptrs && s.pinned == base->pinned &&
		    s.longterm == base->longterm && s.bos == base->bos)
			return;
		if (vsvm_now_ns() > end)
			break;
		usleep(10000);
	}
	igt_assert_f(false, "after %u ms: userptrs %lld pinned_pages %lld longterm_pages %lld "
		     "bo_count %lld; want %lld %lld %lld %lld\n", ms, s.userptrs, s.pinned,
		     s.longterm, s.bos, base->userptrs, base->pinned, base->longterm, base->bos);
}

/* I1, I10: the DMA checker saw nothing wrong. */
static void check_dmachk(void)
{
	long long v = vsvm_debugfs_get(dbg_fd, "dmachk", "violations");

	igt_assert_f(v == dmachk_base, "DMA checker: %lld violations (%lld before)\n",
		     v, dmachk_base);
}

/* The end of a subtest: nothing left behind, no checker violation. */
static void finish(const struct up_stats *base)
{
	stats_wait(base, 3000);
	check_dmachk();
}

/* --- VM-private userptrs (uapi 1.9) --------------------------------------- */

#define BUSY_JOBS 10

/* A thread keeping a VM busy: a chain of spinning jobs, one pending at least. */
struct busy_chain {
	struct ctx *c;
	pthread_t thread;
	volatile bool done;
	int failed;
	uint64_t end_ns;
};

/* Sets the context's semaphore after 500 ms; the time in @end_ns. */
static void *sem_later_main(void *arg)
{
	struct busy_chain *b = arg;

	usleep(500000);
	b->end_ns = vsvm_now_ns();
	sem_set(b->c, 1);
	return NULL;
}

/*
 * Job i spins on its own word of the BO, which is set 400 ms after job i + 1
 * is queued behind it: each runs well within the job timeout, and the VM
 * stays busy for about 4 s.
 */
static void *busy_chain_main(void *arg)
{
	struct busy_chain *b = arg;
	struct ctx *c = b->c;
	uint32_t s[BUSY_JOBS];
	unsigned int i, first;

	for (i = 0; i < BUSY_JOBS; i++) {
		first = c->n;
		vsvm_emit_spin(CS(c), BO_VA + 4 * i, 1);
		igt_assert_eq(__submit(c, c->vm, first, &s[i]), 0);
		if (i) {
			usleep(400000);
			*(volatile uint32_t *)(c->bo_map + 4 * (i - 1)) = 1;
		}
	}
	usleep(400000);
	*(volatile uint32_t *)(c->bo_map + 4 * (BUSY_JOBS - 1)) = 1;
	for (i = 0; i < BUSY_JOBS; i++) {
		if (vsvm_wait_ms(c->fd, s[i], 20000) || vsvm_fence_status(c->fd, s[i]) != 1)
			b->failed++;
		drmSyncobjDestroy(c->fd, s[i]);
	}
	c->n = 0;
	b->done = true;
	return NULL;
}

/*
 * GEM_USERPTR of [@addr, +@size) private to @vm, the extension's pad set to
 * @pad: 0 and the handle in @handle, or -errno.
 */
static int __up_private(int fd, uint64_t addr, uint64_t size, uint32_t flags, uint32_t vm,
			uint32_t pad, uint32_t *handle)
{
	struct drm_vsvm_gem_ext_vm_private ext = {
		.base.name = DRM_VSVM_GEM_EXT_VM_PRIVATE, .vm_id = vm, .pad = pad,
	};
	struct drm_vsvm_gem_userptr u = {
		.extensions = (uintptr_t)&ext, .addr = addr, .size = size, .flags = flags,
	};

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u))
		return -errno;
	*handle = u.handle;
	return 0;
}

static uint32_t up_private(int fd, void *addr, uint64_t size, uint32_t vm)
{
	uint32_t h = 0;

	igt_assert_eq(__up_private(fd, (uintptr_t)addr, size, 0, vm, 0, &h), 0);
	igt_assert_neq_u32(h, 0);
	return h;
}

/*
 * n userptrs (private to the VM or not) bound page by page: the first EXEC
 * checks all n, the next none, and after MADV_DONTNEED of page k exactly
 * one, whose STORE reaches the new page.
 */
static void exec_checks_invalidated_only(unsigned int n, unsigned int k, bool private)
{
	struct up_stats base = stats_now();
	uint32_t *h = calloc(n, sizeof(*h));
	uint8_t *buf = anon(n * PAGE);
	long long checked;
	struct ctx c;
	unsigned int i;
	uint32_t v;

	igt_assert(h);
	ctx_init(&c);
	madvise(buf, n * PAGE, MADV_NOHUGEPAGE);
	memset(buf, 1, n * PAGE);
	for (i = 0; i < n; i++) {
		h[i] = private ? up_private(c.fd, buf + i * PAGE, PAGE, c.vm) :
				 vsvm_gem_userptr(c.fd, buf + i * PAGE, PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h[i], 0, UP_VA + i * PAGE,
					  PAGE, 0), 0);
	}
	checked = up_stat("exec_checked");
	vsvm_emit_store32(CS(&c), UP_VA, 1);
	igt_assert_eq(run(&c), 1);
	igt_assert_eq_s64(up_stat("exec_checked") - checked, n);

	checked = up_stat("exec_checked");
	vsvm_emit_store32(CS(&c), UP_VA + (n - 1) * PAGE, 2);
	igt_assert_eq(run(&c), 1);
	igt_assert_eq_s64(up_stat("exec_checked") - checked, 0);

	igt_assert_eq(madvise(buf + k * PAGE, PAGE, MADV_DONTNEED), 0);
	checked = up_stat("exec_checked");
	vsvm_emit_store32(CS(&c), UP_VA + k * PAGE + 8, 0xbeef);
	igt_assert_eq(run(&c), 1);
	igt_assert_eq_s64(up_stat("exec_checked") - checked, 1);
	memcpy(&v, buf + k * PAGE + 8, 4);
	igt_assert_eq_u32(v, 0xbeef);
	memcpy(&v, buf, 4);
	igt_assert_eq_u32(v, 1);
	memcpy(&v, buf + (n - 1) * PAGE, 4);
	igt_assert_eq_u32(v, 2);
	assert_bytes(buf + k * PAGE, 8, 0);

	for (i = 0; i < n; i++)
		vsvm_gem_close(c.fd, h[i]);
	free(h);
	ctx_fini(&c);
	munmap(buf, n * PAGE);
	finish(&base);
}

static void inject(const char *point)
{
	vsvm_require_knob(dbg_fd, "userptr_inject");
	igt_assert_eq(vsvm_debugfs_write(dbg_fd, "userptr_inject", point), 0);
}

/* Whether debugfs userptr_inject reads @state (idle, armed, stalled). */
static bool inject_is(const char *state)
{
	char buf[64];

	igt_debugfs_read(dbg_fd, "userptr_inject", buf);
	return strstr(buf, state) != NULL;
}

static bool inject_wait(const char *state, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;

	do {
		if (inject_is(state))
			return true;
		usleep(1000);
	} while (vsvm_now_ns() < end);
	return false;
}

/* --- a call in a thread ------------------------------------------------------ */

/*
 * One blocking call (munmap, mprotect, an ioctl...) run in a thread, to see
 * whether and when it returns.  Threads never assert: the main thread checks
 * @ret and @end_ns after bg_join().
 */
struct bg {
	pthread_t thread;
	int (*fn)(struct bg *b);
	void *addr;
	uint64_t size;
	int prot;
	int fd;
	unsigned long request;
	void *arg;
	int ret;		/* 0 or -errno */
	uint64_t end_ns;	/* when the call returned */
	atomic_bool done;
};

static void *bg_main(void *arg)
{
	struct bg *b = arg;

	b->ret = b->fn(b);
	b->end_ns = vsvm_now_ns();
	atomic_store(&b->done, true);
	return NULL;
}

static int bg_munmap(struct bg *b)
{
	return munmap(b->addr, b->size) ? -errno : 0;
}

static int bg_mprotect(struct bg *b)
{
	return mprotect(b->addr, b->size, b->prot) ? -errno : 0;
}

static int bg_ioctl(struct bg *b)
{
	return igt_ioctl(b->fd, b->request, b->arg) ? -errno : 0;
}

static void bg_start(struct bg *b)
{
	atomic_init(&b->done, false);
	b->ret = -EINPROGRESS;
	igt_assert_eq(pthread_create(&b->thread, NULL, bg_main, b), 0);
}

static void bg_join(struct bg *b)
{
	igt_assert_eq(pthread_join(b->thread, NULL), 0);
}

static bool bg_done(struct bg *b)
{
	return atomic_load(&b->done);
}

/*
 * While a thread's munmap or mprotect waits for a job it may hold the mmap
 * lock (mprotect holds it for writing), and a page fault of the main
 * thread would wait for it, and so for the job that the main thread is to
 * release.  So before starting such a call, the main thread runs once what
 * it runs while the call waits (the semaphore's page included), with @s
 * the pending job's syncobj.
 */
static void warm_up(struct ctx *c, uint32_t s, struct bg *t)
{
	sem_set(c, 0);
	usleep(1);
	igt_assert(!bg_done(t));
	igt_assert(vsvm_now_ns());
	igt_assert_eq(vsvm_fence_status(c->fd, s), 0);
	igt_assert_eq(vsvm_wait_ms(c->fd, s, 0), -ETIME);
}

/* --- processes ---------------------------------------------------------------- */

/* Sends @fd and @len bytes of @data over unix socket @sock. */
static void send_fd(int sock, int fd, const void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	igt_assert_eq((int)sendmsg(sock, &msg, 0), (int)len);
}

/* Receives a file descriptor and @len bytes of @data sent by send_fd(). */
static int recv_fd(int sock, void *data, size_t len)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = data, .iov_len = len };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	int fd;

	igt_assert_eq((int)recvmsg(sock, &msg, MSG_CMSG_CLOEXEC), (int)len);
	cm = CMSG_FIRSTHDR(&msg);
	igt_assert(cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	igt_assert_fd(fd);
	return fd;
}

/* Drops CAP_IPC_LOCK from this process (effective, permitted, inheritable). */
static void drop_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	unsigned int i = CAP_TO_INDEX(CAP_IPC_LOCK);
	uint32_t mask = CAP_TO_MASK(CAP_IPC_LOCK);

	memset(data, 0, sizeof(data));
	igt_assert_eq((int)syscall(SYS_capget, &hdr, data), 0);
	data[i].effective &= ~mask;
	data[i].permitted &= ~mask;
	data[i].inheritable &= ~mask;
	igt_assert_eq((int)syscall(SYS_capset, &hdr, data), 0);
	memset(data, 0, sizeof(data));
	igt_assert_eq((int)syscall(SYS_capget, &hdr, data), 0);
	igt_assert(!(data[i].effective & mask));
}

static bool has_cap_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return data[CAP_TO_INDEX(CAP_IPC_LOCK)].effective & CAP_TO_MASK(CAP_IPC_LOCK);
}

/* A userptr job still works on the device: a fresh file copies through one. */
static void userptr_smoke(void)
{
	struct ctx c;
	uint8_t *buf = anon(4 * PAGE);
	uint32_t h;

	ctx_init(&c);
	fill_pat(buf, 0, 4 * PAGE, 99);
	h = vsvm_gem_userptr(c.fd, buf, 4 * PAGE, 0);
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), 0);
	vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 4 * PAGE);
	igt_assert_eq(run(&c), 1);
	assert_pat(c.bo_map, 0, 4 * PAGE, 99);
	ctx_fini(&c);
	munmap(buf, 4 * PAGE);
}

/* --- THP ------------------------------------------------------------------------ */

static bool thp_available(void)
{
	char buf[128] = "";
	int f = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY), n;

	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	buf[n > 0 ? n : 0] = '\0';
	return n > 0 && !strstr(buf, "[never]");
}

/* AnonHugePages (kB) of the mapping that starts at @addr, from smaps. */
static long long anon_huge_kb(void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char *line = NULL;
	size_t len = 0;
	bool in = false;
	long long kb = -1;

	igt_assert(f);
	while (getline(&line, &len, f) > 0) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			in = start == (uintptr_t)addr;
			continue;
		}
		if (in && !strncmp(line, "AnonHugePages:", 14)) {
			kb = atoll(line + 14);
			break;
		}
	}
	free(line);
	fclose(f);
	return kb;
}

/* --- stress: a range mapped and unmapped in a loop ------------------------------ */

/*
 * A thread that, until @stop or @deadline_ns, maps fresh anonymous memory at
 * @stage, writes generation number g into every 64-bit word, and moves it
 * onto @target with mremap (atomically replacing what was there); every
 * fourth time it then also unmaps @target.  So @target is either unmapped,
 * or holds one whole generation.
 */
struct churn {
	pthread_t thread;
	uint8_t *target, *stage;
	uint64_t deadline_ns;
	atomic_bool stop;
	int err;		/* errno of a failed call */
	uint64_t gens;
};

static void *churn_main(void *arg)
{
	struct churn *s = arg;
	uint64_t gen = 1, i;	/* the target starts with generation 1 */

	while (!atomic_load(&s->stop) && vsvm_now_ns() < s->deadline_ns) {
		uint64_t *p;

		gen++;
		p = mmap(s->stage, HUGE_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		if (p == MAP_FAILED) {
			s->err = errno;
			break;
		}
		for (i = 0; i < HUGE_SIZE / 8; i++)
			p[i] = gen;
		if (mremap(p, HUGE_SIZE, HUGE_SIZE, MREMAP_MAYMOVE | MREMAP_FIXED,
			   s->target) == MAP_FAILED) {
			s->err = errno;
			break;
		}
		/*
		 * Let the generation live long enough for a populate of 2 MiB to
		 * finish even on the debug kernel under emulation: invalidating
		 * faster than any populate can finish starves every job (in any
		 * driver), which would test nothing.
		 */
		usleep(gen % 2 ? 200 : 50000);
		if (gen % 4 == 0) {
			if (munmap(s->target, HUGE_SIZE)) {
				s->err = errno;
				break;
			}
			usleep(200);
		}
	}
	s->gens = gen;
	return NULL;
}

/* A thread that invalidates one page in a loop, until told to or for 10 s. */
struct dontneed {
	pthread_t thread;
	uint8_t *page;
	atomic_bool stop;
	uint64_t calls;
};

static void *dontneed_main(void *arg)
{
	struct dontneed *d = arg;
	uint64_t end = vsvm_now_ns() + 10000000000ull;

	while (!atomic_load(&d->stop) && vsvm_now_ns() < end) {
		madvise(d->page, PAGE, MADV_DONTNEED);
		d->calls++;
	}
	return NULL;
}

/*
 * @cmd on @fd while a thread invalidates @page without pause, not restarted
 * on EAGAIN as drmIoctl() does: its -errno, and its time in *@secs.
 */
static int ioctl_under_dontneed(int fd, unsigned long cmd, void *arg, uint8_t *page,
				const char *what, double *secs)
{
	struct dontneed d = { .page = page };
	uint64_t t;
	int ret;

	igt_assert_eq(pthread_create(&d.thread, NULL, dontneed_main, &d), 0);
	usleep(10000);
	t = vsvm_now_ns();
	do {
		ret = ioctl(fd, cmd, arg) ? -errno : 0;
	} while (ret == -EINTR);
	*secs = (vsvm_now_ns() - t) / 1e9;
	atomic_store(&d.stop, true);
	pthread_join(d.thread, NULL);
	igt_info("%s: %d in %.2f s, %" PRIu64 " invalidations meanwhile\n",
		 what, ret, *secs, d.calls);
	return ret;
}

static void on_alarm(int sig)
{
}

/*
 * I1 while busy: a job spins, then copies a 16-page userptr of pattern
 * @seed (and fills its first page, if @writes); @t (munmap or mprotect of
 * it) runs in a thread while the job spins and must not return before the
 * job is released and done; the copy read the old pages.  Returns the
 * userptr's memory; @c is left initialised.
 */
static uint8_t *invalidate_while_busy(struct ctx *c, struct bg *t, unsigned int seed,
				      bool writes)
{
	uint8_t *buf = anon(16 * PAGE);
	long long waits;
	uint64_t released;
	uint32_t h, s;

	ctx_init(c);
	fill_pat(buf, 0, 16 * PAGE, seed);
	h = vsvm_gem_userptr(c->fd, buf, 16 * PAGE, 0);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
	vsvm_emit_spin(CS(c), SEM_VA, 1);
	vsvm_emit_copy(CS(c), BO_VA, UP_VA, 16 * PAGE);
	if (writes)
		vsvm_emit_fill(CS(c), UP_VA, 0x5a5a5a5a, PAGE);
	s = submit(c, 0);
	waits = up_stat("invalidation_waits");

	t->addr = buf;
	warm_up(c, s, t);
	bg_start(t);
	usleep(200000);
	igt_assert_f(!bg_done(t), "the call returned (%d) while the job spun\n", t->ret);
	igt_assert_eq(vsvm_fence_status(c->fd, s), 0);
	released = vsvm_now_ns();
	sem_set(c, 1);
	igt_assert_eq(vsvm_wait_ms(c->fd, s, 20000), 0);
	bg_join(t);
	igt_assert_eq(t->ret, 0);
	igt_assert(t->end_ns > released);
	igt_assert_eq(vsvm_fence_status(c->fd, s), 1);
	assert_pat(c->bo_map, 0, 16 * PAGE, seed);
	igt_assert_cmps64(up_stat("invalidation_waits"), >, <=, waits);
	return buf;
}


/* --- the OOM reaper ------------------------------------------------------------ */

/*
 * vgem's fence ioctls (include/uapi/drm/vgem_drm.h, which libdrm lacks),
 * under names of our own: an unsignalled fence that only the test signals.
 */
struct up_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct up_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define UP_VGEM_FENCE_WRITE 0x1
#define UP_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct up_vgem_fence_attach)
#define UP_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct up_vgem_fence_signal)

#define OOM_CG "/sys/fs/cgroup/vsvm-oom"

/* A cgroup v2 group limited to 32 MiB (mounting cgroup2 if needed). */
static bool oom_cgroup(void)
{
	return vsvm_memcg_group(OOM_CG) && vsvm_write_str(OOM_CG "/memory.max", "32M");
}

/*
 * An unsignalled vgem fence as a sync_file: its fd, and in @vg and @fence
 * what signals it (UP_IOCTL_VGEM_FENCE_SIGNAL; vgem itself signals it
 * after 10 s).
 */
static int vgem_sync_file(int *vg, uint32_t *fence)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1, .bpp = 32 };
	struct up_vgem_fence_attach attach = { .flags = UP_VGEM_FENCE_WRITE };
	struct dma_buf_export_sync_file e = { .flags = DMA_BUF_SYNC_WRITE, .fd = -1 };
	int dmabuf;

	*vg = drm_open_driver(DRIVER_VGEM);
	do_ioctl(*vg, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	attach.handle = dumb.handle;
	do_ioctl(*vg, UP_IOCTL_VGEM_FENCE_ATTACH, &attach);
	*fence = attach.out_fence;
	igt_assert_eq(drmPrimeHandleToFD(*vg, dumb.handle, DRM_CLOEXEC, &dmabuf), 0);
	igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e), 0);
	close(dmabuf);
	return e.fd;
}

igt_main
{
	igt_fixture {
		dbg_fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(dbg_fd));
		dmachk_base = vsvm_debugfs_get(dbg_fd, "dmachk", "violations");
		igt_info("DMA checker: enabled %lld, violations %lld\n",
			 vsvm_debugfs_get(dbg_fd, "dmachk", "enabled"), dmachk_base);
		if (dmachk_base > 0)
			igt_warn("the DMA checker already counts %lld violations\n", dmachk_base);
		/* A stall left armed by an earlier run would catch our ioctls. */
		vsvm_debugfs_write(dbg_fd, "userptr_inject", "0");
	}

	/* ---- input checks ---- */

	/* uapi (DOC: userptr): every errno of GEM_USERPTR's arguments. */
	igt_describe("GEM_USERPTR refuses unknown flags, misaligned or zero sizes and "
		     "addresses, overflowing and too large ranges, NULL and kernel "
		     "addresses and extensions, and creates nothing when it does.");
	igt_subtest("create-invalid") {
		struct up_stats base = stats_now();
		/* 1 is DRM_VSVM_GEM_EXT_VM_PRIVATE since uapi 1.9 (private-invalid). */
		struct drm_vsvm_user_extension ext = { .name = DRM_VSVM_GEM_EXT_VM_PRIVATE + 1 };
		int fd = drm_open_driver(DRIVER_VSVM);
		uint8_t *buf = anon(4 * PAGE);
		uint64_t a = (uintptr_t)buf;
		uint32_t h = 0;
		int bit;

		memset(buf, 0, 4 * PAGE);

		for (bit = 3; bit < 32; bit++)
			igt_assert_eq(__vsvm_gem_userptr(fd, a, PAGE, 1u << bit, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, a + 1, PAGE, 0, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, a + PAGE / 2, PAGE, UP_PROBE, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, a, PAGE + 1, 0, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, a, 100, 0, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, a, 0, 0, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, -PAGE, 2 * PAGE, 0, &h), -EINVAL);
		igt_assert_eq(__vsvm_gem_userptr(fd, 0x10000000, DRM_VSVM_GEM_MAX_SIZE + PAGE,
						 0, &h), -E2BIG);
		igt_assert_eq(__vsvm_gem_userptr(fd, 0, PAGE, 0, &h), -EFAULT);
		igt_assert_eq(__vsvm_gem_userptr(fd, 0, PAGE, UP_PROBE, &h), -EFAULT);
		igt_assert_eq(__vsvm_gem_userptr(fd, 0xffff888000000000ull, PAGE, 0, &h), -EFAULT);
		igt_assert_eq(__vsvm_gem_userptr(fd, 0xffffffffff600000ull, PAGE, UP_RO, &h),
			      -EFAULT);

		/* Extensions: an unknown name, a pad, an unreadable chain. */
		{
			struct drm_vsvm_gem_userptr u = { .addr = a, .size = PAGE };

			u.extensions = (uintptr_t)&ext;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u, EINVAL);
			ext.name = 0;
			ext.pad = 1;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u, EINVAL);
			u.extensions = 8;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u, EFAULT);
		}
		igt_assert_eq_s64(up_stat("userptrs"), base.userptrs);

		/* Every valid flag combination is accepted. */
		for (bit = 0; bit < 8; bit++) {
			igt_assert_eq(__vsvm_gem_userptr(fd, a, 4 * PAGE, bit, &h), 0);
			vsvm_gem_close(fd, h);
		}
		close(fd);
		munmap(buf, 4 * PAGE);
		finish(&base);
	}

	/* I10: the GPU is never given device memory or memory it may not write. */
	igt_describe("PROBE (and PIN_LONGTERM) refuse unmapped pages, device mappings "
		     "and read-only memory for a writable userptr (-EFAULT); READ_ONLY "
		     "over PROT_READ memory is accepted.");
	igt_subtest("create-probe") {
		struct up_stats base = stats_now();
		int fd = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(fd, 0), h, bo;
		uint8_t *hole = anon(4 * PAGE), *gm, *mixed, *rd;
		const uint32_t refused[] = {
			UP_PROBE, UP_PROBE | UP_RO, UP_LONGTERM, UP_LONGTERM | UP_RO,
		};
		unsigned int i;

		/* A hole in the range. */
		igt_assert_eq(munmap(hole + 2 * PAGE, PAGE), 0);
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)hole, 4 * PAGE,
							 refused[i], &h), -EFAULT);
		/* Without PROBE, the hole shows at bind. */
		h = vsvm_gem_userptr(fd, hole, 4 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(fd, vm, h, 0, UP_VA, 4 * PAGE, 0), -EFAULT);
		vsvm_gem_close(fd, h);
		h = vsvm_gem_userptr(fd, hole, 4 * PAGE, UP_RO);
		igt_assert_eq(vsvm_vm_map(fd, vm, h, 0, UP_VA, 4 * PAGE, 0), -EFAULT);
		vsvm_gem_close(fd, h);
		/* The pages around the hole are fine. */
		h = vsvm_gem_userptr(fd, hole, 2 * PAGE, UP_PROBE);
		vsvm_gem_close(fd, h);

		/* A vsvm GEM mmap, whole and as one page of an anonymous range. */
		bo = vsvm_gem_create(fd, 4 * PAGE);
		gm = vsvm_gem_mmap(fd, bo, 4 * PAGE);
		for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
			igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)gm, 4 * PAGE,
							 refused[i], &h), -EFAULT);
		mixed = anon(4 * PAGE);
		gem_mmap_at(fd, bo, mixed + 3 * PAGE, PAGE);
		igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)mixed, 4 * PAGE, UP_PROBE, &h),
			      -EFAULT);
		igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)mixed + 3 * PAGE, PAGE,
						 UP_PROBE | UP_RO, &h), -EFAULT);
		h = vsvm_gem_userptr(fd, mixed, 3 * PAGE, UP_PROBE);
		vsvm_gem_close(fd, h);

		/* PROT_READ memory: only a read-only userptr. */
		rd = anon(4 * PAGE);
		fill_pat(rd, 0, 4 * PAGE, 1);
		igt_assert_eq(mprotect(rd, 4 * PAGE, PROT_READ), 0);
		igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)rd, 4 * PAGE, UP_PROBE, &h),
			      -EFAULT);
		igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)rd, 4 * PAGE, UP_LONGTERM, &h),
			      -EFAULT);
		h = vsvm_gem_userptr(fd, rd, 4 * PAGE, UP_PROBE | UP_RO);
		vsvm_gem_close(fd, h);
		h = vsvm_gem_userptr(fd, rd, 4 * PAGE, UP_LONGTERM | UP_RO);
		vsvm_gem_close(fd, h);
		/* A writable userptr over it without PROBE fails at bind. */
		h = vsvm_gem_userptr(fd, rd, 4 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(fd, vm, h, 0, UP_VA, 4 * PAGE, 0), -EFAULT);
		vsvm_gem_close(fd, h);
		assert_pat(rd, 0, 4 * PAGE, 1);

		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);
		munmap(gm, 4 * PAGE);
		munmap(mixed, 4 * PAGE);
		munmap(hole, 4 * PAGE);
		munmap(rd, 4 * PAGE);
		close(fd);
		finish(&base);
	}

	/* I10: a device mapping never becomes GPU-reachable through a userptr. */
	igt_describe("A userptr over a vsvm GEM mmap, made without PROBE, fails at "
		     "VM_BIND with -EFAULT and maps nothing.");
	igt_subtest("bind-over-gem-mmap") {
		struct up_stats base = stats_now();
		struct drm_vsvm_fault *f;
		struct ctx c;
		uint32_t bo2, h, hr;
		uint8_t *gm;

		ctx_init(&c);
		bo2 = vsvm_gem_create(c.fd, 4 * PAGE);
		gm = vsvm_gem_mmap(c.fd, bo2, 4 * PAGE);
		memset(gm, 0x77, 4 * PAGE);
		h = vsvm_gem_userptr(c.fd, gm, 4 * PAGE, 0);
		hr = vsvm_gem_userptr(c.fd, gm, 4 * PAGE, UP_RO);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), -EFAULT);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hr, 0, UP_VA, 4 * PAGE,
					  DRM_VSVM_BIND_READ_ONLY), -EFAULT);

		/* Nothing is mapped there: the GPU faults and reads nothing. */
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 64);
		igt_assert_eq(run(&c), -EFAULT);
		f = last_fault(c.fd);
		igt_assert_eq_u64(f->addr, UP_VA);
		igt_assert_eq_u32(f->reason, DRM_VSVM_FAULT_NOT_PRESENT);
		assert_bytes(c.bo_map, 64, 0);
		/* And the GPU range is free. */
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo2, 0, UP_VA, 4 * PAGE, 0), 0);
		munmap(gm, 4 * PAGE);
		ctx_fini(&c);
		finish(&base);
	}

	/* uapi (DOC: userptr): a userptr has no mmap offset. */
	igt_describe("GEM_MMAP_OFFSET refuses a userptr (-EINVAL), in either mode.");
	igt_subtest("mmap-offset-refused") {
		struct up_stats base = stats_now();
		int fd = drm_open_driver(DRIVER_VSVM);
		uint8_t *buf = anon(4 * PAGE);
		const uint32_t flags[] = { 0, UP_RO, UP_PROBE, UP_LONGTERM, UP_LONGTERM | UP_RO };
		struct drm_vsvm_gem_mmap_offset mo = { .handle = vsvm_gem_create(fd, PAGE) };
		unsigned int i;

		memset(buf, 0, 4 * PAGE);
		do_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo);
		for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
			mo = (struct drm_vsvm_gem_mmap_offset){
				.handle = vsvm_gem_userptr(fd, buf, 4 * PAGE, flags[i]),
			};
			do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, EINVAL);
			vsvm_gem_close(fd, mo.handle);
		}
		close(fd);
		munmap(buf, 4 * PAGE);
		finish(&base);
	}

	/* uapi (DOC: userptr), I11: GEM_INFO and the counters follow creation. */
	igt_describe("GEM_INFO reports a userptr's size and USERPTR with its creation "
		     "flags; debugfs counts userptrs and long-term pages.");
	igt_subtest("gem-info-flags") {
		struct up_stats base = stats_now();
		int fd = drm_open_driver(DRIVER_VSVM);
		uint8_t *buf = anon(32 * PAGE);
		uint32_t h[8];
		long long longterm = 0;
		drmVersionPtr v = drmGetVersion(fd);
		struct drm_vsvm_gem_info info;
		unsigned int i;

		memset(buf, 0, 32 * PAGE);
		igt_assert(v);
		igt_assert_f(v->version_major == 1 && v->version_minor >= 4,
			     "GEM_USERPTR needs version 1.4, the driver is %d.%d\n",
			     v->version_major, v->version_minor);
		drmFreeVersion(v);
		for (i = 0; i < 8; i++) {
			uint64_t size = (i % 3 + 1) * PAGE;

			h[i] = vsvm_gem_userptr(fd, buf + 4 * i * PAGE, size, i);
			if (i & UP_LONGTERM)
				longterm += size / PAGE;
			info = (struct drm_vsvm_gem_info){ .handle = h[i] };
			do_ioctl(fd, DRM_IOCTL_VSVM_GEM_INFO, &info);
			igt_assert_eq_u64(info.size, size);
			igt_assert_eq_u32(info.flags, DRM_VSVM_GEM_INFO_USERPTR | i);
			igt_assert_eq_u32(info.imported, 0);
		}
		igt_assert_eq_s64(up_stat("userptrs"), base.userptrs + 8);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + longterm);
		info = (struct drm_vsvm_gem_info){ .handle = vsvm_gem_create(fd, PAGE) };
		do_ioctl(fd, DRM_IOCTL_VSVM_GEM_INFO, &info);
		igt_assert_eq_u32(info.flags, 0);
		for (i = 0; i < 8; i++)
			vsvm_gem_close(fd, h[i]);
		igt_assert_eq_s64(up_stat("userptrs"), base.userptrs);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);
		close(fd);
		munmap(buf, 32 * PAGE);
		finish(&base);
	}

	/* ---- coherency ---- */

	/* I3: the GPU reads the process's pages, pinned at bind. */
	igt_describe("The GPU copies a userptr, whole and through a partial binding "
		     "at an offset, into a BO: every byte as the CPU wrote it.");
	igt_subtest("copy-userptr-to-bo") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(16 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 16 * PAGE, 1);
		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
		/* Notifier mode pins (short-term) at bind. */
		igt_assert_eq_s64(up_stat("pinned_pages"), base.pinned + 16);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 4 * PAGE, UP2_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 16 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA + 16 * PAGE, UP2_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 16 * PAGE, 1);
		assert_pat(c.bo_map + 16 * PAGE, 4 * PAGE, 8 * PAGE, 1);
		assert_pat(buf, 0, 16 * PAGE, 1);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* I3: GPU writes land in the process's pages. */
	igt_describe("The GPU copies a BO into a userptr, then fills and stores into "
		     "it: the CPU reads every byte.");
	igt_subtest("copy-bo-to-userptr") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(16 * PAGE);
		struct ctx c;
		uint32_t h, v;

		ctx_init(&c);
		fill_pat(c.bo_map, 0, 16 * PAGE, 2);
		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), UP_VA, BO_VA, 16 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(buf, 0, 16 * PAGE, 2);

		vsvm_emit_fill(CS(&c), UP_VA + 3 * PAGE, 0xa5a5a5a5, 2 * PAGE);
		vsvm_emit_store32(CS(&c), UP_VA + 8 * PAGE + 12, 0xcafef00d);
		igt_assert_eq(run(&c), 1);
		assert_pat(buf, 0, 3 * PAGE, 2);
		assert_bytes(buf + 3 * PAGE, 2 * PAGE, 0xa5);
		assert_pat(buf + 5 * PAGE, 5 * PAGE, 3 * PAGE + 12, 2);
		memcpy(&v, buf + 8 * PAGE + 12, 4);
		igt_assert_eq_u32(v, 0xcafef00d);
		assert_pat(buf + 8 * PAGE + 16, 8 * PAGE + 16, 8 * PAGE - 16, 2);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* I3: no stale view between jobs, in either direction. */
	igt_describe("Rounds of CPU writes and GPU writes to one bound userptr: each "
		     "job sees the CPU's latest bytes and the CPU sees the job's.");
	igt_subtest("cpu-writes-seen") {
		struct up_stats base = stats_now();
		static uint8_t want[8 * PAGE];
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		unsigned int r;
		uint32_t h;

		ctx_init(&c);
		memset(buf, 0, 8 * PAGE);
		memset(want, 0, sizeof(want));
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		for (r = 0; r < 8; r++) {
			uint64_t g = ((r + 3) % 8) * PAGE + 100 * r + 1;

			fill_pat(buf + r * PAGE, r * PAGE, PAGE, 10 + r);
			fill_pat(want + r * PAGE, r * PAGE, PAGE, 10 + r);
			vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
			vsvm_emit_fill(CS(&c), UP_VA + g, 0x01010101 * (r + 1), 37);
			igt_assert_eq(run(&c), 1);
			assert_same(c.bo_map, want, 8 * PAGE);
			memset(want + g, r + 1, 37);
			assert_same(buf, want, 8 * PAGE);
		}
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I3, I10: every access at its exact bytes, across page boundaries. */
	igt_describe("Unaligned, page-crossing COPY, FILL and STOREs within a userptr "
		     "and out to a BO write exactly their bytes.");
	igt_subtest("unaligned-copy") {
		struct up_stats base = stats_now();
		static uint8_t want[8 * PAGE];
		uint8_t *buf = anon(8 * PAGE);
		uint32_t v32 = 0xdeadbeef, h;
		uint64_t v64 = 0x0123456789abcdefull, i;
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 3);
		fill_pat(want, 0, 8 * PAGE, 3);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA + 2 * PAGE - 2, v32);
		vsvm_emit_copy(CS(&c), UP_VA + 3 * PAGE + 4093, UP_VA + PAGE - 5, 2 * PAGE + 11);
		vsvm_emit_fill(CS(&c), UP_VA + 5 * PAGE + 4091, 0x44332211, PAGE + 10);
		vsvm_emit_store64(CS(&c), UP_VA + 7 * PAGE - 3, v64);
		vsvm_emit_copy(CS(&c), BO_VA + 4095, UP_VA + 6 * PAGE - 1, PAGE + 2);
		igt_assert_eq(run(&c), 1);

		memcpy(want + 2 * PAGE - 2, &v32, 4);
		memmove(want + 3 * PAGE + 4093, want + PAGE - 5, 2 * PAGE + 11);
		for (i = 0; i < PAGE + 10; i++)
			want[5 * PAGE + 4091 + i] = 0x11 * ((i & 3) + 1);
		memcpy(want + 7 * PAGE - 3, &v64, 8);
		assert_same(buf, want, 8 * PAGE);
		assert_bytes(c.bo_map, 4095, 0);
		assert_same(c.bo_map + 4095, want + 6 * PAGE - 1, PAGE + 2);
		assert_bytes(c.bo_map + 4095 + PAGE + 2, PAGE, 0);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* ---- invalidation between jobs ---- */

	/* I3, I1: after munmap the pins are gone and the VM no longer runs. */
	igt_describe("After munmap of a bound userptr's range, EXEC on its VM fails "
		     "with -EFAULT (whatever the job touches) and the pins are "
		     "dropped; unbinding it makes the VM usable again.");
	igt_subtest("munmap-then-exec") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		long long inv;
		struct ctx c;
		uint32_t h, v;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 4);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 4);

		inv = up_stat("invalidations");
		igt_assert_eq(munmap(buf, 8 * PAGE), 0);
		igt_assert_cmps64(up_stat("invalidations"), >, <=, inv);
		igt_assert_eq_s64(up_stat("pinned_pages"), base.pinned);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP_VA, 8 * PAGE);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		vsvm_emit_store32(CS(&c), BO_VA, 0x1234);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		assert_pat(c.bo_map, 0, 8 * PAGE, 4);
		assert_bytes(c.bo_map + 8 * PAGE, 8 * PAGE, 0);
		igt_assert_eq_s64(up_stat("pinned_pages"), base.pinned);

		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 8 * PAGE), 0);
		vsvm_emit_store32(CS(&c), BO_VA, 0x1234);
		igt_assert_eq(run(&c), 1);
		memcpy(&v, c.bo_map, 4);
		igt_assert_eq_u32(v, 0x1234);
		ctx_fini(&c);
		finish(&base);
	}

	/* I3: the next job uses the pages mapped at the address now. */
	igt_describe("MAP_FIXED over a bound userptr: the next job reads the new "
		     "pages and writes into them, transparently.");
	igt_subtest("remap-fixed") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		long long inv, reval;
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 5);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 5);

		inv = up_stat("invalidations");
		reval = up_stat("revalidations");
		anon_at(buf, 8 * PAGE);
		igt_assert_cmps64(up_stat("invalidations"), >, <=, inv);
		fill_pat(buf, 0, 8 * PAGE, 6);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + 5 * PAGE, 0x5c5c5c5c, PAGE);
		igt_assert_eq(run(&c), 1);
		igt_assert_cmps64(up_stat("revalidations"), >, <=, reval);
		assert_pat(c.bo_map, 0, 8 * PAGE, 6);
		assert_pat(buf, 0, 5 * PAGE, 6);
		assert_bytes(buf + 5 * PAGE, PAGE, 0x5c);
		assert_pat(buf + 6 * PAGE, 6 * PAGE, 2 * PAGE, 6);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I3, I10: a writable userptr is never used over read-only memory. */
	igt_describe("mprotect(PROT_READ) under a writable and a read-only userptr: "
		     "EXEC with the writable one fails -EFAULT, the read-only one "
		     "still reads; PROT_WRITE back makes the writable one work again.");
	igt_subtest("mprotect-read-only") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		uint32_t hw, hr, vm2, v;
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 7);
		hw = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		hr = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_RO);
		vm2 = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hw, 0, UP_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, hr, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 7);

		igt_assert_eq(mprotect(buf, 8 * PAGE, PROT_READ), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 0);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP_VA, 8 * PAGE);
		igt_assert_eq(run_vm(&c, vm2), 1);
		assert_pat(c.bo_map + 8 * PAGE, 0, 8 * PAGE, 7);
		vsvm_emit_store32(CS(&c), UP_VA + 8, 0);
		igt_assert_eq(run_vm(&c, vm2), -EFAULT);
		igt_assert_eq_u32(last_fault(c.fd)->reason, DRM_VSVM_FAULT_READ_ONLY);
		assert_pat(buf, 0, 8 * PAGE, 7);

		igt_assert_eq(mprotect(buf, 8 * PAGE, PROT_READ | PROT_WRITE), 0);
		fill_pat(buf, 0, 8 * PAGE, 8);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_store32(CS(&c), UP_VA + 4, 0xfeedbeef);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 8);
		memcpy(&v, buf + 4, 4);
		igt_assert_eq_u32(v, 0xfeedbeef);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I3: a hole anywhere in the range stops the whole userptr. */
	igt_describe("munmap of the middle of a bound userptr: EXEC fails -EFAULT even "
		     "for a job touching only its first page; mapping the hole again "
		     "makes the job see old and new pages.");
	igt_subtest("partial-munmap") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 9);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);

		igt_assert_eq(munmap(buf + 3 * PAGE, 2 * PAGE), 0);
		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, PAGE);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		assert_bytes(c.bo_map, 8 * PAGE, 0);

		anon_at(buf + 3 * PAGE, 2 * PAGE);
		fill_pat(buf + 3 * PAGE, 3 * PAGE, 2 * PAGE, 10);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 3 * PAGE, 9);
		assert_pat(c.bo_map + 3 * PAGE, 3 * PAGE, 2 * PAGE, 10);
		assert_pat(c.bo_map + 5 * PAGE, 5 * PAGE, 3 * PAGE, 9);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I3: each userptr is invalidated for exactly the ranges it covers. */
	igt_describe("Two overlapping userptrs share pages; munmap of a page only one "
		     "covers stops only VMs mapping that one, a page in the overlap "
		     "stops both, and remapping brings both back.");
	igt_subtest("overlapping-userptrs") {
		struct up_stats base = stats_now();
		static uint8_t want[12 * PAGE];
		uint8_t *buf = anon(12 * PAGE);
		uint32_t a, b, vm2, v = 0x600dcafe;
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, 12 * PAGE, 11);
		fill_pat(want, 0, 12 * PAGE, 11);
		a = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		b = vsvm_gem_userptr(c.fd, buf + 4 * PAGE, 8 * PAGE, 0);
		vm2 = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, a, 0, UP_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, b, 0, UP2_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, b, 0, UP2_VA, 8 * PAGE, 0), 0);

		/* A write through one is read through the other, in the same job. */
		vsvm_emit_store32(CS(&c), UP_VA + 5 * PAGE + 100, v);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA + PAGE + 96, 16);
		igt_assert_eq(run(&c), 1);
		memcpy(want + 5 * PAGE + 100, &v, 4);
		assert_same(c.bo_map, want + 5 * PAGE + 96, 16);
		assert_same(buf, want, 12 * PAGE);

		/* Page 1: only in a. */
		igt_assert_eq(munmap(buf + PAGE, PAGE), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA, 8 * PAGE);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA, 8 * PAGE);
		igt_assert_eq(run_vm(&c, vm2), 1);
		assert_same(c.bo_map, want + 4 * PAGE, 8 * PAGE);

		/* Page 6: in both. */
		igt_assert_eq(munmap(buf + 6 * PAGE, PAGE), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA, 8 * PAGE);
		igt_assert_eq(exec_err(&c, vm2), -EFAULT);

		anon_at(buf + PAGE, PAGE);
		anon_at(buf + 6 * PAGE, PAGE);
		fill_pat(buf + PAGE, PAGE, PAGE, 12);
		fill_pat(want + PAGE, PAGE, PAGE, 12);
		fill_pat(buf + 6 * PAGE, 6 * PAGE, PAGE, 12);
		fill_pat(want + 6 * PAGE, 6 * PAGE, PAGE, 12);
		memset(c.bo_map, 0, 24 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP2_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		vsvm_emit_copy(CS(&c), BO_VA + 16 * PAGE, UP2_VA, 8 * PAGE);
		igt_assert_eq(run_vm(&c, vm2), 1);
		assert_same(c.bo_map, want, 8 * PAGE);
		assert_same(c.bo_map + 8 * PAGE, want + 4 * PAGE, 8 * PAGE);
		assert_same(c.bo_map + 16 * PAGE, want + 4 * PAGE, 8 * PAGE);
		ctx_fini(&c);
		munmap(buf, 12 * PAGE);
		finish(&base);
	}

	/*
	 * I3, at scale: EXEC checks and writes only the userptr mappings that
	 * were mapped or invalidated since the VM's last EXEC (the VM's
	 * invalidated list, vsvm_vm_userptr_commit_locked()), and a job after
	 * an invalidation of one of many userptrs still reaches the new pages.
	 */
	igt_describe("With 256 bound 4 KiB userptrs, an EXEC checks all of them once "
		     "after MAP, none on the next EXEC, and only the one that "
		     "madvise(MADV_DONTNEED) invalidated after that; its STORE "
		     "reaches the new page.");
	igt_subtest("exec-invalidated-only")
		exec_checks_invalidated_only(256, 100, false);

	/* I3: the GPU follows the CPU to the zero-filled pages. */
	igt_describe("madvise(MADV_DONTNEED) on part of a bound userptr: the next job "
		     "reads zeros there, and its writes reach the new pages.");
	igt_subtest("madvise-dontneed") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 13);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 13);

		igt_assert_eq(madvise(buf + 2 * PAGE, 4 * PAGE, MADV_DONTNEED), 0);
		memset(c.bo_map, 0xee, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + 3 * PAGE + 5, 0x0badf00d, 9);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 2 * PAGE, 13);
		assert_bytes(c.bo_map + 2 * PAGE, 4 * PAGE, 0);
		assert_pat(c.bo_map + 6 * PAGE, 6 * PAGE, 2 * PAGE, 13);
		assert_bytes(buf + 2 * PAGE, PAGE + 5, 0);
		igt_assert(!memcmp(buf + 3 * PAGE + 5, "\x0d\xf0\xad\x0b\x0d\xf0\xad\x0b\x0d", 9));
		assert_bytes(buf + 3 * PAGE + 14, 3 * PAGE - 14, 0);
		assert_pat(buf + 6 * PAGE, 6 * PAGE, 2 * PAGE, 13);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I1, I3: a huge page split under a bound userptr. */
	igt_describe("A userptr over a 2 MiB transparent huge page; munmap of one 4 KiB "
		     "page in it (splitting it) stops EXEC with -EFAULT; mapping the "
		     "page again, jobs see the old bytes around it and the new in it.");
	igt_subtest("thp-partial-munmap") {
		struct up_stats base = stats_now();
		const uint64_t hole = HUGE_SIZE / 2 + 3 * PAGE;
		const uint64_t chunks[] = { 0, hole - 2 * PAGE, HUGE_SIZE - 4 * PAGE };
		uint8_t *raw, *buf;
		uint64_t lead;
		struct ctx c;
		unsigned int i;
		uint32_t h;

		igt_require_f(thp_available(), "transparent huge pages are disabled\n");
		raw = anon(2 * HUGE_SIZE);
		lead = (HUGE_SIZE - ((uintptr_t)raw & (HUGE_SIZE - 1))) & (HUGE_SIZE - 1);
		buf = raw + lead;
		if (lead)
			igt_assert_eq(munmap(raw, lead), 0);
		igt_assert_eq(munmap(buf + HUGE_SIZE, HUGE_SIZE - lead), 0);
		igt_assert_eq(madvise(buf, HUGE_SIZE, MADV_HUGEPAGE), 0);
		fill_pat(buf, 0, HUGE_SIZE, 14);
		igt_require_f(anon_huge_kb(buf) >= 2048, "no huge page was allocated (%lld kB)\n",
			      anon_huge_kb(buf));

		ctx_init(&c);
		h = vsvm_gem_userptr(c.fd, buf, HUGE_SIZE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, HUGE_SIZE, 0), 0);
		for (i = 0; i < 3; i++)
			vsvm_emit_copy(CS(&c), BO_VA + i * 4 * PAGE, UP_VA + chunks[i], 4 * PAGE);
		igt_assert_eq(run(&c), 1);
		for (i = 0; i < 3; i++)
			assert_pat(c.bo_map + i * 4 * PAGE, chunks[i], 4 * PAGE, 14);

		igt_assert_eq(munmap(buf + hole, PAGE), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, PAGE);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);

		anon_at(buf + hole, PAGE);
		fill_pat(buf + hole, hole, PAGE, 15);
		memset(c.bo_map, 0, 12 * PAGE);
		for (i = 0; i < 3; i++)
			vsvm_emit_copy(CS(&c), BO_VA + i * 4 * PAGE, UP_VA + chunks[i], 4 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + hole + PAGE, 0x96969696, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 4 * PAGE, 14);
		assert_pat(c.bo_map + 4 * PAGE, chunks[1], 2 * PAGE, 14);
		assert_pat(c.bo_map + 6 * PAGE, hole, PAGE, 15);
		assert_pat(c.bo_map + 7 * PAGE, hole + PAGE, PAGE, 14);
		assert_pat(c.bo_map + 8 * PAGE, chunks[2], 4 * PAGE, 14);
		assert_pat(buf + hole - PAGE, hole - PAGE, PAGE, 14);
		assert_pat(buf + hole, hole, PAGE, 15);
		assert_bytes(buf + hole + PAGE, PAGE, 0x96);
		assert_pat(buf + hole + 2 * PAGE, hole + 2 * PAGE, PAGE, 14);
		ctx_fini(&c);
		munmap(buf, HUGE_SIZE);
		finish(&base);
	}

	/* I3: the userptr stays at its address; the moved pages are not followed. */
	igt_describe("mremap moves a bound userptr's pages away: EXEC at the old "
		     "address fails -EFAULT; a userptr at the new address reads them.");
	igt_subtest("mremap") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE), *target = anon(8 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 16);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);

		igt_assert(mremap(buf, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED,
				  target) == (void *)target);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP_VA, 8 * PAGE);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		assert_bytes(c.bo_map + 8 * PAGE, 8 * PAGE, 0);
		assert_pat(target, 0, 8 * PAGE, 16);

		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 8 * PAGE), 0);
		vsvm_gem_close(c.fd, h);
		h = vsvm_gem_userptr(c.fd, target, 8 * PAGE, UP_PROBE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + 8 * PAGE, 0, 8 * PAGE, 16);
		ctx_fini(&c);
		munmap(target, 8 * PAGE);
		finish(&base);
	}

	/*
	 * I1 step 3, at scale: an invalidation clears the entries of every
	 * userptr it drops without a TLB flush that waits for a grace period
	 * per object, once it has waited for the GPU (up_vma_zap()).
	 */
	igt_describe("munmap of a range under 400 bound 4 KiB userptrs that a job "
		     "used costs about what it costs when their entries were never "
		     "written: no wait per object for the TLB.");
	igt_subtest("munmap-many-bound") {
		struct up_stats base = stats_now();
		double used, unused;
		struct ctx c;

		ctx_init(&c);
		unused = munmap_bound(&c, 400, false);
		used = munmap_bound(&c, 400, true);
		igt_info("munmap under 400 userptrs: entries written %.1f ms, never written %.1f ms\n",
			 used * 1e3, unused * 1e3);
		igt_assert_f(used < 4 * unused + 0.01,
			     "munmap under 400 used userptrs took %.1f ms, %.1f ms with no entry written\n",
			     used * 1e3, unused * 1e3);
		ctx_fini(&c);
		finish(&base);
	}

	/* ---- invalidation while busy ---- */

	/* I1: munmap returns only after the GPU work on the range is done. */
	igt_describe("munmap of a userptr a spinning job will read blocks until the "
		     "job is released and done; the job read the old pages.");
	igt_subtest("munmap-while-busy") {
		struct up_stats base = stats_now();
		struct bg t = { .fn = bg_munmap, .size = 16 * PAGE };
		struct ctx c;

		invalidate_while_busy(&c, &t, 17, false);
		igt_assert_eq_s64(up_stat("pinned_pages"), base.pinned);
		ctx_fini(&c);
		finish(&base);
	}

	/* I1: mprotect returns only after the GPU's writes to the range are done. */
	igt_describe("mprotect(PROT_READ) of a userptr a spinning job will read and "
		     "write blocks until the job is done; the job's writes are in "
		     "memory, and the next EXEC fails -EFAULT.");
	igt_subtest("mprotect-while-busy") {
		struct up_stats base = stats_now();
		struct bg t = { .fn = bg_mprotect, .size = 16 * PAGE, .prot = PROT_READ };
		struct ctx c;
		uint8_t *buf;
		uint32_t v;

		buf = invalidate_while_busy(&c, &t, 18, true);
		assert_bytes(buf, PAGE, 0x5a);
		assert_pat(buf + PAGE, PAGE, 15 * PAGE, 18);

		c.n = 0;
		vsvm_emit_store32(CS(&c), BO_VA, 1);
		igt_assert_eq(exec_err(&c, c.vm), -EFAULT);
		igt_assert_eq(mprotect(buf, 16 * PAGE, PROT_READ | PROT_WRITE), 0);
		vsvm_emit_store32(CS(&c), UP_VA + 4 * PAGE, 0xfeed);
		igt_assert_eq(run(&c), 1);
		memcpy(&v, buf + 4 * PAGE, 4);
		igt_assert_eq_u32(v, 0xfeed);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* ---- read-only ---- */

	/* I10: read-only userptr pages are never written by the GPU. */
	igt_describe("A READ_ONLY userptr is bound read-only even when the bind does not "
		     "ask: STORE, FILL and COPY into it fault (READ_ONLY) and change no "
		     "byte, reading works, also over PROT_READ memory.");
	igt_subtest("read-only") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE), *rd = anon(4 * PAGE);
		struct drm_vsvm_fault *f;
		struct ctx c;
		uint32_t h, hr;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 19);
		fill_pat(c.bo_map, 0, 16 * PAGE, 20);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_RO);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);

		vsvm_emit_store32(CS(&c), UP_VA + 8, 0);
		igt_assert_eq(run(&c), -EFAULT);
		f = last_fault(c.fd);
		igt_assert_eq_u64(f->addr, UP_VA + 8);
		igt_assert_eq_u32(f->write, 1);
		igt_assert_eq_u32(f->reason, DRM_VSVM_FAULT_READ_ONLY);
		vsvm_emit_fill(CS(&c), UP_VA + PAGE, 0, PAGE);
		igt_assert_eq(run(&c), -EFAULT);
		igt_assert_eq_u32(last_fault(c.fd)->reason, DRM_VSVM_FAULT_READ_ONLY);
		vsvm_emit_copy(CS(&c), UP_VA + 2 * PAGE + 1, BO_VA, 100);
		igt_assert_eq(run(&c), -EFAULT);
		f = last_fault(c.fd);
		igt_assert_eq_u64(f->addr, UP_VA + 2 * PAGE + 1);
		igt_assert_eq_u32(f->reason, DRM_VSVM_FAULT_READ_ONLY);
		assert_pat(buf, 0, 8 * PAGE, 19);

		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 19);

		fill_pat(rd, 0, 4 * PAGE, 21);
		igt_assert_eq(mprotect(rd, 4 * PAGE, PROT_READ), 0);
		hr = vsvm_gem_userptr(c.fd, rd, 4 * PAGE, UP_RO | UP_PROBE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hr, 0, UP2_VA, 4 * PAGE,
					  DRM_VSVM_BIND_READ_ONLY), 0);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP2_VA, 4 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + 8 * PAGE, 0, 4 * PAGE, 21);
		vsvm_emit_store64(CS(&c), UP2_VA + PAGE - 4, 0);
		igt_assert_eq(run(&c), -EFAULT);
		assert_pat(rd, 0, 4 * PAGE, 21);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		munmap(rd, 4 * PAGE);
		finish(&base);
	}

	/* ---- fork ---- */

	/* I7: an inherited file does not let the child drive DMA into the parent. */
	igt_describe("A child using the parent's file: VM_BIND of the parent's userptr "
		     "and EXEC on a VM mapping it fail with -EPERM and change nothing; "
		     "the parent's jobs still work.");
	igt_subtest("fork-eperm") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h, v;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 22);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);

		igt_fork(child, 1) {
			uint32_t vm2;

			igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP2_VA, 8 * PAGE, 0), -EPERM);
			vm2 = ctx_new_vm(&c);
			igt_assert_eq(vsvm_vm_map(c.fd, vm2, h, 0, UP_VA, 8 * PAGE, 0), -EPERM);
			vsvm_emit_fill(CS(&c), UP_VA, 0, 8 * PAGE);
			vsvm_emit_store32(CS(&c), BO_VA + 8 * PAGE, 0xbad);
			igt_assert_eq(exec_err(&c, c.vm), -EPERM);
			/* The child's own VM, without the userptr, runs. */
			vsvm_emit_store32(CS(&c), BO_VA + 8 * PAGE + 4, 0xc0ffee);
			igt_assert_eq(run_vm(&c, vm2), 1);
		}
		igt_waitchildren();

		c.n = 0;
		memcpy(&v, c.bo_map + 8 * PAGE, 4);
		igt_assert_eq_u32(v, 0);
		memcpy(&v, c.bo_map + 8 * PAGE + 4, 4);
		igt_assert_eq_u32(v, 0xc0ffee);
		assert_pat(buf, 0, 8 * PAGE, 22);
		/* The child's refused bind left UP2_VA free. */
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP2_VA, 8 * PAGE, 0), 0);
		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 22);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/*
	 * I7 without a walk: EXEC checks the VM's counts of its userptr
	 * mappings per address space (vsvm_vm.up_vmm), which must follow
	 * mappings of two address spaces in one VM as they come and go.
	 */
	igt_describe("A VM that maps userptrs of a parent and of its forked child "
		     "refuses EXEC to both (-EPERM); once the parent's mapping is "
		     "unmapped the child's EXEC runs, and once the child's is, the "
		     "parent's does.");
	igt_subtest("exec-two-address-spaces") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(PAGE);
		struct ctx c;
		uint32_t h, v;

		ctx_init(&c);
		h = vsvm_gem_userptr(c.fd, buf, PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 1);
		igt_assert_eq(run(&c), 1);

		igt_fork(child, 1) {
			uint8_t *cbuf = anon(PAGE);
			uint32_t hc = vsvm_gem_userptr(c.fd, cbuf, PAGE, 0);

			igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hc, 0, UP2_VA, PAGE, 0), 0);
			vsvm_emit_store32(CS(&c), UP2_VA, 2);
			igt_assert_eq(exec_err(&c, c.vm), -EPERM);
			igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, PAGE), 0);
			vsvm_emit_store32(CS(&c), UP2_VA, 3);
			igt_assert_eq(run(&c), 1);
			memcpy(&v, cbuf, 4);
			igt_assert_eq_u32(v, 3);
		}
		igt_waitchildren();

		c.n = 0;
		vsvm_emit_store32(CS(&c), BO_VA, 4);
		igt_assert_eq(exec_err(&c, c.vm), -EPERM);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP2_VA, PAGE), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 5);
		igt_assert_eq(run(&c), 1);
		memcpy(&v, buf, 4);
		igt_assert_eq_u32(v, 5);
		ctx_fini(&c);
		munmap(buf, PAGE);
		finish(&base);
	}

	/* I3: after fork's COW the GPU uses the parent's pages, never the child's. */
	igt_describe("fork with a bound userptr, the parent writes a page: the parent's "
		     "next job reads the parent's new data, its GPU writes reach the "
		     "parent (also on a page still shared copy-on-write), not the child.");
	igt_subtest("fork-cow") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		int pipefd[2];
		uint32_t h;

		ctx_init(&c);
		igt_assert_eq(pipe(pipefd), 0);
		fill_pat(buf, 0, 8 * PAGE, 23);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);

		igt_fork(child, 1) {
			char x;

			alarm(20);	/* if the parent fails before writing */
			close(pipefd[1]);
			igt_assert_eq((int)read(pipefd[0], &x, 1), 1);
			/* The child's memory is as it was at fork. */
			assert_pat(buf, 0, 8 * PAGE, 23);
		}
		close(pipefd[0]);

		fill_pat(buf, 0, PAGE, 24);
		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + PAGE, 0xc3c3c3c3, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, PAGE, 24);
		assert_pat(c.bo_map + PAGE, PAGE, 7 * PAGE, 23);
		assert_pat(buf, 0, PAGE, 24);
		assert_bytes(buf + PAGE, PAGE, 0xc3);
		assert_pat(buf + 2 * PAGE, 2 * PAGE, 6 * PAGE, 23);
		igt_assert_eq((int)write(pipefd[1], "x", 1), 1);
		close(pipefd[1]);
		igt_waitchildren();
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I3, I7: a MADV_DONTFORK range is not touched by fork at all. */
	igt_describe("A MADV_DONTFORK userptr range: fork does not invalidate it, the "
		     "child does not map it, and the parent's jobs read and write it.");
	igt_subtest("fork-dontfork") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		long long inv, pinned;
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 25);
		igt_assert_eq(madvise(buf, 8 * PAGE, MADV_DONTFORK), 0);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		inv = up_stat("invalidations");
		pinned = up_stat("pinned_pages");

		igt_fork(child, 1) {
			igt_assert_eq(msync(buf, PAGE, MS_ASYNC), -1);
			igt_assert_eq(errno, ENOMEM);
		}
		igt_waitchildren();
		igt_assert_eq_s64(up_stat("invalidations"), inv);
		igt_assert_eq_s64(up_stat("pinned_pages"), pinned);

		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + 2 * PAGE, 0x3c3c3c3c, PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 2 * PAGE, 25);
		assert_bytes(c.bo_map + 2 * PAGE, PAGE, 0x3c);
		assert_pat(c.bo_map + 3 * PAGE, 3 * PAGE, 5 * PAGE, 25);
		assert_bytes(buf + 2 * PAGE, PAGE, 0x3c);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* I7: a file passed over a unix socket does not carry the sender's mm. */
	igt_describe("A process that got the file over a unix socket (SCM_RIGHTS) gets "
		     "-EPERM for VM_BIND of the sender's userptr and EXEC on a VM "
		     "mapping it; nothing ran.");
	igt_subtest("scm-rights-eperm") {
		struct up_stats base = stats_now();
		struct { uint32_t vm, handle; } ids;
		uint8_t *buf;
		struct ctx c;
		int sv[2];
		uint32_t v;

		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		/* The child exists before the file: it can only have it from the socket. */
		igt_fork(child, 1) {
			struct { uint32_t vm, handle; } got;
			struct drm_vsvm_sync out = { 0 };
			struct drm_vsvm_exec e = { .cs_addr = CMD_VA, .cs_size = 16,
						   .out_syncs = (uintptr_t)&out,
						   .num_out_syncs = 1 };
			uint32_t vm2;
			int fd;

			alarm(20);	/* if the parent fails before sending */
			close(sv[0]);
			fd = recv_fd(sv[1], &got, sizeof(got));
			igt_assert_eq(vsvm_vm_map(fd, got.vm, got.handle, 0, UP2_VA, 8 * PAGE, 0),
				      -EPERM);
			vm2 = vsvm_vm_create(fd, 0);
			igt_assert_eq(vsvm_vm_map(fd, vm2, got.handle, 0, UP_VA, 8 * PAGE, 0),
				      -EPERM);
			igt_assert_eq(drmSyncobjCreate(fd, 0, &out.handle), 0);
			e.vm_id = got.vm;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_EXEC, &e, EPERM);
			igt_assert_eq((int)write(sv[1], "x", 1), 1);
			close(fd);
		}
		close(sv[1]);

		ctx_init(&c);
		buf = anon(8 * PAGE);
		fill_pat(buf, 0, 8 * PAGE, 26);
		ids.handle = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		ids.vm = c.vm;
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, ids.handle, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		/* What the child's EXEC would run: a store to the BO. */
		vsvm_emit_store32(CS(&c), BO_VA + 8 * PAGE, 0x1234);
		send_fd(sv[0], c.fd, &ids, sizeof(ids));
		{
			char x;

			igt_assert_eq((int)read(sv[0], &x, 1), 1);
		}
		igt_waitchildren();
		close(sv[0]);
		memcpy(&v, c.bo_map + 8 * PAGE, 4);
		igt_assert_eq_u32(v, 0);
		igt_assert_eq(run(&c), 1);
		memcpy(&v, c.bo_map + 8 * PAGE, 4);
		igt_assert_eq_u32(v, 0x1234);
		assert_pat(c.bo_map, 0, 8 * PAGE, 26);
		ctx_fini(&c);
		munmap(buf, 8 * PAGE);
		finish(&base);
	}

	/* ---- exit ---- */

	/* I6: exit with a busy job tears everything down, whatever the job does. */
	igt_describe("Children exit with a userptr bound and a job spinning (on the "
		     "userptr itself, or on a BO and then reading the userptr): every "
		     "userptr, pin and BO is released, and the device still works.");
	igt_subtest("exit-with-busy-job") {
		struct up_stats base = stats_now();
		unsigned int timeout = job_timeout_ms(dbg_fd);

		igt_fork(child, 2) {
			uint8_t *b = anon(8 * PAGE);
			struct ctx k;
			uint32_t h;

			ctx_init(&k);
			/* Own queues: a spinning job holds its queue. */
			k.queue = child;
			memset(b, 0, PAGE);
			fill_pat(b + PAGE, PAGE, 7 * PAGE, 27);
			h = vsvm_gem_userptr(k.fd, b, 8 * PAGE, 0);
			igt_assert_eq(vsvm_vm_map(k.fd, k.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
			vsvm_emit_spin(CS(&k), child == 0 ? UP_VA : SEM_VA, 1);
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA + PAGE, 7 * PAGE);
			vsvm_emit_fill(CS(&k), UP_VA + PAGE, 0, 7 * PAGE);
			submit(&k, 0);
			usleep(100000);
			igt_assert_cmps64(up_stat("userptrs"), >, <=, base.userptrs);
			igt_assert_cmps64(up_stat("pinned_pages"), >, <=, base.pinned);
			/* Exit with everything open and the job spinning. */
		}
		igt_waitchildren();
		stats_wait(&base, timeout + 3000);
		check_dmachk();
		userptr_smoke();
		finish(&base);
	}

	/* I1, I6: closing the file first releases everything; munmap then works. */
	igt_describe("Close the file with bound userptrs (notifier and long-term) over "
		     "a range, then munmap it: pins and VmPin are released at close.");
	igt_subtest("close-fd-before-munmap") {
		struct up_stats base = stats_now();
		long long pin0 = vm_pin_kb();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h, hl;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 28);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		hl = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_LONGTERM);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 32);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hl, 0, UP2_VA, 8 * PAGE, 0), 0);
		/* Both reach the same pages. */
		vsvm_emit_fill(CS(&c), UP_VA, 0x11111111, 4 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP2_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_bytes(c.bo_map, 4 * PAGE, 0x11);
		assert_pat(c.bo_map + 4 * PAGE, 4 * PAGE, 4 * PAGE, 28);

		ctx_fini(&c);
		stats_wait(&base, 3000);
		wait_vm_pin(pin0, 3000);
		assert_bytes(buf, 4 * PAGE, 0x11);
		assert_pat(buf + 4 * PAGE, 4 * PAGE, 4 * PAGE, 28);
		igt_assert_eq(munmap(buf, 8 * PAGE), 0);
		finish(&base);
	}

	/* I1, I11: munmap first drops the notifier pins; close drops the rest. */
	igt_describe("munmap a range under bound userptrs (notifier and long-term), then "
		     "close the file: notifier pins go at munmap, long-term at close.");
	igt_subtest("munmap-before-close") {
		struct up_stats base = stats_now();
		long long pin0 = vm_pin_kb();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h, hl;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 29);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		hl = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_LONGTERM);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hl, 0, UP2_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 29);

		igt_assert_eq(munmap(buf, 8 * PAGE), 0);
		igt_assert_eq_s64(up_stat("pinned_pages"), base.pinned);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + 8);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 32);
		ctx_fini(&c);
		wait_vm_pin(pin0, 3000);
		finish(&base);
	}

	/* ---- registration mode ---- */

	/* I11: long-term pins count against RLIMIT_MEMLOCK without CAP_IPC_LOCK. */
	igt_describe("Without CAP_IPC_LOCK, PIN_LONGTERM past RLIMIT_MEMLOCK fails with "
		     "-ENOMEM (up to the limit works, notifier mode is not counted, "
		     "closing gives the room back); with CAP_IPC_LOCK it works.");
	igt_subtest("longterm-rlimit") {
		struct up_stats base = stats_now();

		igt_fork(child, 1) {
			int fd = drm_open_driver(DRIVER_VSVM);
			uint8_t *buf = anon(64 * PAGE);
			uint32_t vm = vsvm_vm_create(fd, 0), h1, h2, h3, hn;
			struct rlimit rl;
			long long pin0;

			memset(buf, 1, 64 * PAGE);
			drop_cap_ipc_lock();
			pin0 = vm_pin_kb();
			rl.rlim_cur = rl.rlim_max = pin0 * 1024 + 16 * PAGE;
			igt_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);

			h1 = vsvm_gem_userptr(fd, buf, 12 * PAGE, UP_LONGTERM);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 48);
			igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)buf + 12 * PAGE, 8 * PAGE,
							 UP_LONGTERM, &h2), -ENOMEM);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 48);
			h2 = vsvm_gem_userptr(fd, buf + 12 * PAGE, 4 * PAGE, UP_LONGTERM | UP_RO);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);
			igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)buf + 16 * PAGE, PAGE,
							 UP_LONGTERM, &h3), -ENOMEM);
			/* Notifier mode is not limited nor counted. */
			hn = vsvm_gem_userptr(fd, buf, 64 * PAGE, 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, hn, 0, UP_VA, 64 * PAGE, 0), 0);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);

			vsvm_gem_close(fd, h1);
			wait_vm_pin(pin0 + 16, 3000);
			h3 = vsvm_gem_userptr(fd, buf + 16 * PAGE, 12 * PAGE, UP_LONGTERM);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);
			vsvm_gem_close(fd, h2);
			vsvm_gem_close(fd, h3);
			wait_vm_pin(pin0, 3000);
			close(fd);
		}
		igt_waitchildren();

		/* CAP_IPC_LOCK lifts the limit (the tests run as root). */
		if (has_cap_ipc_lock()) {
			igt_fork(child, 1) {
				int fd = drm_open_driver(DRIVER_VSVM);
				uint8_t *buf = anon(32 * PAGE);
				struct rlimit rl;
				long long pin0 = vm_pin_kb();
				uint32_t h;

				rl.rlim_cur = rl.rlim_max = pin0 * 1024 + 4 * PAGE;
				igt_assert_eq(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
				h = vsvm_gem_userptr(fd, buf, 32 * PAGE, UP_LONGTERM);
				igt_assert_eq_s64(vm_pin_kb(), pin0 + 128);
				vsvm_gem_close(fd, h);
				close(fd);
			}
			igt_waitchildren();
		} else {
			igt_info("no CAP_IPC_LOCK: its exemption is not tested\n");
		}
		finish(&base);
	}

	/* I11: registration mode keeps its pages whatever the CPU does. */
	igt_describe("PIN_LONGTERM pages stay with the GPU: after MAP_FIXED over the range "
		     "and after munmap of it, jobs still read the old data and write "
		     "without faulting; VmPin stays counted until the object goes.");
	igt_subtest("longterm-survives-munmap") {
		struct up_stats base = stats_now();
		long long pin0 = vm_pin_kb();
		uint8_t *buf = anon(8 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 30);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_LONGTERM);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 32);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + 8);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);

		anon_at(buf, 8 * PAGE);
		fill_pat(buf, 0, 8 * PAGE, 31);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 30);

		igt_assert_eq(munmap(buf, 8 * PAGE), 0);
		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA + 3 * PAGE, 0x71717171, PAGE);
		vsvm_emit_copy(CS(&c), BO_VA + 8 * PAGE, UP_VA + 3 * PAGE, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 30);
		assert_bytes(c.bo_map + 8 * PAGE, PAGE, 0x71);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 32);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + 8);

		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 8 * PAGE), 0);
		vsvm_gem_close(c.fd, h);
		wait_vm_pin(pin0, 3000);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);
		ctx_fini(&c);
		finish(&base);
	}

	/* I11: long-term pins go when the object goes. */
	igt_describe("VmPin and debugfs longterm_pages go back at GEM close: at once for "
		     "an unbound object, at unbind for one a VM mapping keeps alive.");
	igt_subtest("longterm-release-gem-close") {
		struct up_stats base = stats_now();
		long long pin0 = vm_pin_kb();
		uint8_t *buf = anon(16 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		fill_pat(buf, 0, 16 * PAGE, 32);
		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, UP_LONGTERM);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);
		vsvm_gem_close(c.fd, h);
		wait_vm_pin(pin0, 3000);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);

		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, UP_LONGTERM);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
		vsvm_gem_close(c.fd, h);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 16 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 16 * PAGE, 32);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 16 * PAGE), 0);
		wait_vm_pin(pin0, 3000);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* I11: long-term pins go when the file goes. */
	igt_describe("VmPin and debugfs longterm_pages go back when the file is closed "
		     "with long-term userptrs open, bound or not.");
	igt_subtest("longterm-release-fd-close") {
		struct up_stats base = stats_now();
		long long pin0 = vm_pin_kb();
		uint8_t *buf = anon(16 * PAGE);
		struct ctx c;
		uint32_t h;

		ctx_init(&c);
		memset(buf, 0, 16 * PAGE);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, UP_LONGTERM);
		vsvm_gem_userptr(c.fd, buf + 8 * PAGE, 8 * PAGE, UP_LONGTERM | UP_RO);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_fill(CS(&c), UP_VA, 0x42424242, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_bytes(buf, 8 * PAGE, 0x42);
		igt_assert_eq_s64(vm_pin_kb(), pin0 + 64);
		igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + 16);
		ctx_fini(&c);
		wait_vm_pin(pin0, 3000);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* I11, I6: long-term pins go when the process goes. */
	igt_describe("A child exits with long-term userptrs open (one bound, after a "
		     "job): debugfs longterm_pages and userptrs go back.");
	igt_subtest("longterm-release-exit") {
		struct up_stats base = stats_now();

		igt_fork(child, 1) {
			long long pin0 = vm_pin_kb();
			uint8_t *b = anon(16 * PAGE);
			struct ctx k;
			uint32_t h;

			ctx_init(&k);
			fill_pat(b, 0, 16 * PAGE, 33);
			h = vsvm_gem_userptr(k.fd, b, 16 * PAGE, UP_LONGTERM);
			vsvm_gem_userptr(k.fd, b, 4 * PAGE, UP_LONGTERM | UP_RO);
			igt_assert_eq_s64(vm_pin_kb(), pin0 + 80);
			igt_assert_eq_s64(up_stat("longterm_pages"), base.longterm + 20);
			igt_assert_eq(vsvm_vm_map(k.fd, k.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA, 16 * PAGE);
			igt_assert_eq(run(&k), 1);
			assert_pat(k.bo_map, 0, 16 * PAGE, 33);
		}
		igt_waitchildren();
		finish(&base);
	}

	/* I6: mm exit before fd close releases the pins, with the file still open. */
	igt_describe("A child hands its file to the parent and exits: its address space "
		     "is gone, so its long-term and notifier pins are released while "
		     "the file stays open; the parent's EXEC on its VM is -EPERM.");
	igt_subtest("mm-exit-before-fd-close") {
		struct up_stats base = stats_now();
		struct { uint32_t vm, handle; } ids;
		struct drm_vsvm_exec e = { .cs_addr = CMD_VA, .cs_size = 4 };
		int sv[2], fd;

		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
		igt_fork(child, 1) {
			uint8_t *b = anon(16 * PAGE);
			struct { uint32_t vm, handle; } out;
			struct ctx k;
			uint32_t hl, hn;

			ctx_init(&k);
			fill_pat(b, 0, 16 * PAGE, 34);
			hl = vsvm_gem_userptr(k.fd, b, 8 * PAGE, UP_LONGTERM);
			hn = vsvm_gem_userptr(k.fd, b + 8 * PAGE, 8 * PAGE, 0);
			igt_assert_eq(vsvm_vm_map(k.fd, k.vm, hl, 0, UP_VA, 8 * PAGE, 0), 0);
			igt_assert_eq(vsvm_vm_map(k.fd, k.vm, hn, 0, UP2_VA, 8 * PAGE, 0), 0);
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA, 8 * PAGE);
			vsvm_emit_copy(CS(&k), BO_VA + 8 * PAGE, UP2_VA, 8 * PAGE);
			igt_assert_eq(run(&k), 1);
			assert_pat(k.bo_map, 0, 16 * PAGE, 34);
			k.cmd[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1);
			out.vm = k.vm;
			out.handle = hn;
			send_fd(sv[1], k.fd, &out, sizeof(out));
		}
		/* If the child fails before sending, recv sees the end of the stream. */
		close(sv[1]);
		fd = recv_fd(sv[0], &ids, sizeof(ids));
		igt_waitchildren();
		close(sv[0]);

		/* The file is open, its userptrs exist, but their pins are gone. */
		{
			struct up_stats want = base;

			want.userptrs += 2;
			want.bos = stats_now().bos;
			stats_wait(&want, 3000);
		}
		e.vm_id = ids.vm;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_EXEC, &e, EPERM);
		igt_assert_eq(vsvm_vm_map(fd, ids.vm, ids.handle, 0, UP_VA + 64 * PAGE,
					  8 * PAGE, 0), -EPERM);
		close(fd);
		finish(&base);
	}

	/* I4: a device mmap inside a registered range makes no reference cycle. */
	igt_describe("A child maps a vsvm BO (MAP_FIXED) inside the range of its bound "
		     "long-term and notifier userptrs, then exits with everything "
		     "open: the mm, file, userptrs and pins are all released.");
	igt_subtest("device-mmap-in-range-exit") {
		struct up_stats base = stats_now();

		igt_fork(child, 1) {
			uint8_t *b = anon(16 * PAGE);
			uint32_t hl, hn, vm2, x;
			struct ctx k;

			ctx_init(&k);
			fill_pat(b, 0, 16 * PAGE, 35);
			hl = vsvm_gem_userptr(k.fd, b, 16 * PAGE, UP_LONGTERM);
			hn = vsvm_gem_userptr(k.fd, b, 16 * PAGE, 0);
			igt_assert_eq(vsvm_vm_map(k.fd, k.vm, hn, 0, UP_VA, 16 * PAGE, 0), 0);
			vm2 = ctx_new_vm(&k);
			igt_assert_eq(vsvm_vm_map(k.fd, vm2, hl, 0, UP_VA, 16 * PAGE, 0), 0);
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA, 16 * PAGE);
			igt_assert_eq(run(&k), 1);

			x = vsvm_gem_create(k.fd, 4 * PAGE);
			gem_mmap_at(k.fd, x, b + 4 * PAGE, 4 * PAGE);
			memset(b + 4 * PAGE, 0x42, 4 * PAGE);
			/* The notifier userptr now covers a device mapping... */
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA, PAGE);
			igt_assert_eq(exec_err(&k, k.vm), -EFAULT);
			/* ...the long-term one keeps the old pages. */
			memset(k.bo_map, 0, 16 * PAGE);
			vsvm_emit_copy(CS(&k), BO_VA, UP_VA, 16 * PAGE);
			igt_assert_eq(run_vm(&k, vm2), 1);
			assert_pat(k.bo_map, 0, 16 * PAGE, 35);
			/* Exit with the file, the mmap and the userptrs open. */
		}
		igt_waitchildren();
		finish(&base);
	}

	/* ---- injection points ---- */

	/* I3: a populate raced by the CPU retries and uses the new pages. */
	igt_describe("Inject point 1: VM_BIND (then EXEC) stalls between getting the "
		     "pages and the retry check; MAP_FIXED new memory meanwhile; the "
		     "ioctl retries and the GPU uses the new pages. With munmap "
		     "meanwhile, the bind fails -EFAULT.");
	igt_subtest("inject-populate-retry") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct drm_vsvm_vm_bind_op op = { .op = DRM_VSVM_BIND_OP_MAP, .addr = UP_VA,
						  .range = 8 * PAGE };
		struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op };
		struct drm_vsvm_sync out = { 0 };
		struct drm_vsvm_exec e;
		struct bg t = { 0 };
		long long retries;
		struct ctx c;
		uint32_t h;

		inject("0");
		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 36);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		b.vm_id = c.vm;
		op.handle = h;

		/* VM_BIND. */
		retries = up_stat("retries");
		inject("1");
		t = (struct bg){ .fn = bg_ioctl, .fd = c.fd, .request = DRM_IOCTL_VSVM_VM_BIND,
				 .arg = &b };
		bg_start(&t);
		igt_assert_f(inject_wait("stalled", 3000), "VM_BIND did not stall at point 1\n");
		anon_at(buf, 8 * PAGE);
		fill_pat(buf, 0, 8 * PAGE, 37);
		igt_assert_f(inject_is("stalled") && !bg_done(&t),
			     "MAP_FIXED waited for the stalled populate\n");
		inject("0");
		bg_join(&t);
		igt_assert_eq(t.ret, 0);
		igt_assert_cmps64(up_stat("retries"), >, <=, retries);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA, 0x17171717, 16);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 37);
		assert_bytes(buf, 16, 0x17);
		assert_pat(buf + 16, 16, 8 * PAGE - 16, 37);

		/* EXEC's revalidation. */
		anon_at(buf, 8 * PAGE);
		fill_pat(buf, 0, 8 * PAGE, 38);
		retries = up_stat("retries");
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		exec_args(&c, c.vm, 0, &out, &e);
		inject("1");
		t = (struct bg){ .fn = bg_ioctl, .fd = c.fd, .request = DRM_IOCTL_VSVM_EXEC,
				 .arg = &e };
		bg_start(&t);
		igt_assert_f(inject_wait("stalled", 3000), "EXEC did not stall at point 1\n");
		anon_at(buf, 8 * PAGE);
		fill_pat(buf, 0, 8 * PAGE, 39);
		igt_assert_f(inject_is("stalled") && !bg_done(&t),
			     "MAP_FIXED waited for the stalled populate\n");
		inject("0");
		bg_join(&t);
		igt_assert_eq(t.ret, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, out.handle, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, out.handle), 1);
		igt_assert_cmps64(up_stat("retries"), >, <=, retries);
		assert_pat(c.bo_map, 0, 8 * PAGE, 39);
		c.n = 0;

		/* munmap while a bind populates: the retry finds nothing. */
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		op.handle = h;
		op.addr = UP2_VA;
		inject("1");
		t = (struct bg){ .fn = bg_ioctl, .fd = c.fd, .request = DRM_IOCTL_VSVM_VM_BIND,
				 .arg = &b };
		bg_start(&t);
		igt_assert_f(inject_wait("stalled", 3000), "VM_BIND did not stall at point 1\n");
		igt_assert_eq(munmap(buf, 8 * PAGE), 0);
		inject("0");
		bg_join(&t);
		igt_assert_eq(t.ret, -EFAULT);
		ctx_fini(&c);
		finish(&base);
	}

	/* I1: an invalidation waits for a job whose PTEs are written. */
	igt_describe("Inject point 2: a job stalls after its PTEs are written, before it "
		     "starts; munmap of its userptr blocks until the job is released "
		     "and done, and the job read the old pages.");
	igt_subtest("inject-job-stall") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct bg t = { 0 }, u = { .fn = bg_munmap, .size = 8 * PAGE };
		struct drm_vsvm_sync out = { 0 };
		struct drm_vsvm_exec e;
		long long waits;
		uint64_t released;
		struct ctx c;
		uint32_t h;
		int i;

		inject("0");
		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 40);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		exec_args(&c, c.vm, 0, &out, &e);
		waits = up_stat("invalidation_waits");

		inject("2");
		/* In a thread, in case the stall is inside the ioctl. */
		t = (struct bg){ .fn = bg_ioctl, .fd = c.fd, .request = DRM_IOCTL_VSVM_EXEC,
				 .arg = &e };
		bg_start(&t);
		igt_assert_f(inject_wait("stalled", 3000), "the job did not stall at point 2\n");
		/*
		 * The EXEC returns while its job stalls in the scheduler (were
		 * the stall inside the ioctl, the out-syncobj would have no
		 * fence yet, and munmap only read-locks the mm: no warm-up).
		 */
		for (i = 0; i < 1000 && !bg_done(&t); i++)
			usleep(1000);
		u.addr = buf;
		if (bg_done(&t))
			warm_up(&c, out.handle, &u);
		bg_start(&u);
		usleep(200000);
		igt_assert_f(!bg_done(&u), "munmap returned (%d) before the stalled job ran\n",
			     u.ret);
		released = vsvm_now_ns();
		inject("0");
		bg_join(&t);
		igt_assert_eq(t.ret, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, out.handle, 20000), 0);
		bg_join(&u);
		igt_assert_eq(u.ret, 0);
		igt_assert(u.end_ns > released);
		igt_assert_eq(vsvm_fence_status(c.fd, out.handle), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 40);
		igt_assert_cmps64(up_stat("invalidation_waits"), >, <=, waits);
		ctx_fini(&c);
		finish(&base);
	}

	/* I1: an invalidation waits for a COPY in progress, reads and writes. */
	igt_describe("Inject point 3: a COPY stalls after its first page; munmap (COPY "
		     "from the userptr) or mprotect (COPY into it) blocks until it is "
		     "released and done; every page was copied, the writes are in memory.");
	igt_subtest("inject-copy-stall") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE), *buf2 = anon(8 * PAGE);
		struct bg u = { .fn = bg_munmap, .size = 8 * PAGE };
		long long waits;
		uint64_t released;
		struct ctx c;
		uint32_t h, h2, s;

		inject("0");
		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 41);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		memset(buf2, 0, 8 * PAGE);
		h2 = vsvm_gem_userptr(c.fd, buf2, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h2, 0, UP2_VA, 8 * PAGE, 0), 0);
		fill_pat(c.bo_map + 16 * PAGE, 0, 8 * PAGE, 42);

		/* Reading the userptr, munmap. */
		waits = up_stat("invalidation_waits");
		inject("3");
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		s = submit(&c, 0);
		igt_assert_f(inject_wait("stalled", 3000), "the COPY did not stall at point 3\n");
		u.addr = buf;
		warm_up(&c, s, &u);
		bg_start(&u);
		usleep(200000);
		igt_assert_f(!bg_done(&u), "munmap returned (%d) during the COPY\n", u.ret);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 0);
		released = vsvm_now_ns();
		inject("0");
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		bg_join(&u);
		igt_assert_eq(u.ret, 0);
		igt_assert(u.end_ns > released);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 41);
		igt_assert_cmps64(up_stat("invalidation_waits"), >, <=, waits);
		c.n = 0;

		/* Writing the userptr, mprotect. */
		waits = up_stat("invalidation_waits");
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 8 * PAGE), 0);
		inject("3");
		vsvm_emit_copy(CS(&c), UP2_VA, BO_VA + 16 * PAGE, 8 * PAGE);
		s = submit(&c, 0);
		igt_assert_f(inject_wait("stalled", 3000), "the COPY did not stall at point 3\n");
		u = (struct bg){ .fn = bg_mprotect, .addr = buf2, .size = 8 * PAGE,
				 .prot = PROT_READ };
		warm_up(&c, s, &u);
		bg_start(&u);
		usleep(200000);
		igt_assert_f(!bg_done(&u), "mprotect returned (%d) during the COPY\n", u.ret);
		released = vsvm_now_ns();
		inject("0");
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		bg_join(&u);
		igt_assert_eq(u.ret, 0);
		igt_assert(u.end_ns > released);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_pat(buf2, 0, 8 * PAGE, 42);
		igt_assert_cmps64(up_stat("invalidation_waits"), >, <=, waits);
		ctx_fini(&c);
		munmap(buf2, 8 * PAGE);
		finish(&base);
	}

	/* I2: a non-blockable invalidation with GPU work pending does not sleep. */
	igt_describe("Inject point 4: an invalidation also runs the non-blockable (OOM "
		     "reaper) check: with no job pending it passes, with a job pending "
		     "it counts would_block; the blocking invalidation still waits.");
	igt_subtest("inject-nonblock") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(8 * PAGE);
		struct bg u = { .fn = bg_munmap, .size = 8 * PAGE };
		long long wb;
		struct ctx c;
		uint32_t h, s;

		inject("0");
		ctx_init(&c);
		fill_pat(buf, 0, 8 * PAGE, 43);
		h = vsvm_gem_userptr(c.fd, buf, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		igt_assert_eq(run(&c), 1);

		/* Nothing pending. */
		wb = up_stat("would_block");
		inject("4");
		igt_assert_eq(munmap(buf + 7 * PAGE, PAGE), 0);
		igt_assert_f(!inject_is("armed"), "the invalidation did not use point 4\n");
		igt_assert_eq_s64(up_stat("would_block"), wb);
		anon_at(buf + 7 * PAGE, PAGE);
		fill_pat(buf + 7 * PAGE, 7 * PAGE, PAGE, 43);

		/* A job pending. */
		memset(c.bo_map, 0, 8 * PAGE);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 8 * PAGE);
		s = submit(&c, 0);
		inject("4");
		u.addr = buf;
		warm_up(&c, s, &u);
		bg_start(&u);
		usleep(200000);
		igt_assert_f(!bg_done(&u), "munmap returned (%d) with the job pending\n", u.ret);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		bg_join(&u);
		igt_assert_eq(u.ret, 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_pat(c.bo_map, 0, 8 * PAGE, 43);
		igt_assert_eq_s64(up_stat("would_block"), wb + 1);
		ctx_fini(&c);
		finish(&base);
	}

	/* ---- stress ---- */

	/* I3, I10: under constant remapping, a job sees one whole generation or none. */
	igt_describe("A thread maps, replaces and unmaps a 2 MiB range for 2 s while "
		     "userptrs over it are made, bound and copied from: only -EFAULT "
		     "is refused, and each job reads one whole generation of data.");
	igt_subtest("stress-mmap-munmap") {
		struct up_stats base = stats_now();
		uint8_t *region = anon(2 * HUGE_SIZE);
		struct churn s = { .target = region, .stage = region + HUGE_SIZE };
		unsigned int iter, ok = 0, faulted = 0;
		uint64_t end;
		struct ctx c;

		ctx_init(&c);
		for (iter = 0; iter < HUGE_SIZE / 8; iter++)
			((uint64_t *)region)[iter] = 1;
		s.deadline_ns = vsvm_now_ns() + 3000000000ull;
		atomic_init(&s.stop, false);
		igt_assert_eq(pthread_create(&s.thread, NULL, churn_main, &s), 0);
		end = vsvm_now_ns() + 2000000000ull;
		for (iter = 0; vsvm_now_ns() < end; iter++) {
			uint64_t off = ((iter * 37) % (HUGE_SIZE / PAGE - 4)) * PAGE, i, g;
			uint64_t *d = (uint64_t *)c.bo_map;
			int ret, status;
			uint32_t h;

			ret = __vsvm_gem_userptr(c.fd, (uintptr_t)region, HUGE_SIZE,
						 iter & 1 ? UP_PROBE : 0, &h);
			igt_assert_f(ret == 0 || ret == -EFAULT, "GEM_USERPTR: %d\n", ret);
			if (ret) {
				faulted++;
				continue;
			}
			ret = vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, HUGE_SIZE, 0);
			igt_assert_f(ret == 0 || ret == -EFAULT, "VM_BIND: %d\n", ret);
			if (!ret) {
				memset(d, 0, 4 * PAGE);
				vsvm_emit_copy(CS(&c), BO_VA, UP_VA + off, 4 * PAGE);
				ret = exec_wait(&c, c.vm, &status);
				igt_assert_f(ret == 0 || ret == -EFAULT, "EXEC: %d\n", ret);
				if (!ret) {
					igt_assert_eq(status, 1);
					g = d[0];
					igt_assert_f(g > 0, "the job read no generation\n");
					for (i = 0; i < 4 * PAGE / 8; i++)
						igt_assert_f(d[i] == g, "word %" PRIu64 " of the "
							     "copy at %#" PRIx64 ": generation %"
							     PRIu64 ", word 0: %" PRIu64 "\n",
							     i, off, d[i], g);
					ok++;
				} else {
					faulted++;
				}
				igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, HUGE_SIZE), 0);
			} else {
				faulted++;
			}
			vsvm_gem_close(c.fd, h);
		}
		atomic_store(&s.stop, true);
		igt_assert_eq(pthread_join(s.thread, NULL), 0);
		igt_info("%u iterations: %u jobs ran, %u -EFAULT; %" PRIu64 " generations\n",
			 iter, ok, faulted, s.gens);
		igt_assert_f(s.err == 0, "the mapping thread failed: %s\n", strerror(s.err));
		igt_assert_f(ok > 0, "no job ran in %u iterations\n", iter);
		ctx_fini(&c);
		munmap(region, 2 * HUGE_SIZE);
		finish(&base);
	}

	/* I1, I3: fork's COW invalidations wait for the jobs and are revalidated. */
	igt_describe("20 forks while userptr jobs run (the first spinning): every job "
		     "completes with the right data, the children see their copy, and "
		     "the parent's next jobs see its new writes.");
	igt_subtest("fork-storm") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(16 * PAGE);
		uint32_t h, s[21];
		long long waits;
		struct ctx c;
		int i;

		ctx_init(&c);
		fill_pat(buf, 0, 16 * PAGE, 44);
		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
		/*
		 * The semaphore is released by another process: fork() holds
		 * this process's mmap lock while it waits for the job.
		 */
		sem_set(&c, 0);
		igt_fork(child, 1) {
			usleep(300000);
			sem_set(&c, 1);
		}
		waits = up_stat("invalidation_waits");
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 16 * PAGE);
		s[0] = submit(&c, 0);
		for (i = 0; i < 20; i++) {
			unsigned int first = c.n;

			vsvm_emit_copy(CS(&c), BO_VA + (16 + i) * PAGE, UP_VA + (i % 16) * PAGE, PAGE);
			s[i + 1] = submit(&c, first);
			igt_fork(child, 1)
				assert_pat(buf, 0, 16 * PAGE, 44);
		}
		igt_waitchildren();
		for (i = 0; i < 21; i++) {
			igt_assert_eq(vsvm_wait_ms(c.fd, s[i], 20000), 0);
			igt_assert_eq(vsvm_fence_status(c.fd, s[i]), 1);
		}
		igt_assert_cmps64(up_stat("invalidation_waits"), >, <=, waits);
		assert_pat(c.bo_map, 0, 16 * PAGE, 44);
		for (i = 0; i < 20; i++)
			assert_pat(c.bo_map + (16 + i) * PAGE, (i % 16) * PAGE, PAGE, 44);

		c.n = 0;
		fill_pat(buf, 0, 16 * PAGE, 45);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, 16 * PAGE);
		vsvm_emit_fill(CS(&c), UP_VA, 0x77777777, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 16 * PAGE, 45);
		assert_bytes(buf, PAGE, 0x77);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/* I3, I11: interrupted ioctls restart without leaking pins or objects. */
	igt_describe("For 2 s under a 1 ms SIGALRM, create userptrs (both modes), bind, "
		     "copy, unbind and close: interrupted ioctls restart, data is "
		     "right, and no pin or object is left.");
	igt_subtest("signal-interrupt") {
		struct up_stats base = stats_now();

		igt_fork(child, 1) {
			struct sigaction sa = { .sa_handler = on_alarm };
			struct itimerval it = { .it_interval = { .tv_usec = 1000 },
						.it_value = { .tv_usec = 1000 } };
			uint8_t *buf = anon(16 * PAGE);
			long long pin0 = vm_pin_kb();
			unsigned int iter;
			uint64_t end;
			struct ctx k;

			ctx_init(&k);
			sigemptyset(&sa.sa_mask);
			igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
			igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
			end = vsvm_now_ns() + 2000000000ull;
			for (iter = 0; vsvm_now_ns() < end; iter++) {
				uint32_t h;

				fill_pat(buf, 0, 16 * PAGE, iter % 200);
				h = vsvm_gem_userptr(k.fd, buf, 16 * PAGE,
						     iter & 1 ? UP_LONGTERM : 0);
				igt_assert_eq(vsvm_vm_map(k.fd, k.vm, h, 0, UP_VA, 16 * PAGE, 0),
					      0);
				vsvm_emit_copy(CS(&k), BO_VA, UP_VA, 16 * PAGE);
				igt_assert_eq(run(&k), 1);
				assert_pat(k.bo_map, 0, 16 * PAGE, iter % 200);
				igt_assert_eq(vsvm_vm_unmap(k.fd, k.vm, UP_VA, 16 * PAGE), 0);
				vsvm_gem_close(k.fd, h);
			}
			it = (struct itimerval){ 0 };
			igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
			igt_info("signal-interrupt: %u iterations\n", iter);
			wait_vm_pin(pin0, 3000);
			ctx_fini(&k);
		}
		igt_waitchildren();
		finish(&base);
	}

	/*
	 * I1, I3 under memory pressure: compaction migrates movable pages, and
	 * try_to_migrate() invalidates a userptr whose pages it wants (with
	 * the folio locked: the notifier must not take the folio lock itself).
	 * A child eats memory meanwhile.  Every job must still see the data
	 * the CPU last wrote at that address.
	 */
	igt_describe("Copies through bound userptrs (notifier and registration) stay right "
		     "while another process eats memory and compaction runs; counters come "
		     "back and the DMA checker stays silent.");
	igt_subtest("memory-pressure") {
		struct up_stats base = stats_now();
		uint64_t size = 64 * PAGE, end;
		uint8_t *a = anon(size), *b = anon(size);
		unsigned int iter;
		struct ctx c;
		pid_t eater;

		ctx_init(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, vsvm_gem_userptr(c.fd, a, size, 0), 0, UP_VA,
					  size, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, vsvm_gem_userptr(c.fd, b, size, UP_LONGTERM),
					  0, UP2_VA, size, 0), 0);

		eater = fork();
		igt_assert(eater >= 0);
		if (eater == 0) {
			/* Touch and free 64 MiB chunks, up to 512 MiB, for 2 s. */
			uint64_t stop = vsvm_now_ns() + 2000000000ull;

			alarm(20);
			while (vsvm_now_ns() < stop) {
				void *m[8];
				int i;

				for (i = 0; i < 8; i++) {
					m[i] = mmap(NULL, 64 << 20, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
					if (m[i] != MAP_FAILED)
						memset(m[i], i, 64 << 20);
				}
				for (i = 0; i < 8; i++)
					if (m[i] != MAP_FAILED)
						munmap(m[i], 64 << 20);
			}
			_exit(0);
		}

		end = vsvm_now_ns() + 2000000000ull;
		for (iter = 0; iter < 4 || vsvm_now_ns() < end; iter++) {
			int f = open("/proc/sys/vm/compact_memory", O_WRONLY);

			if (f >= 0) {
				igt_assert_eq(write(f, "1", 1), 1);
				close(f);
			}
			fill_pat(a, 0, size, iter % 251);
			fill_pat(b, 0, size, (iter + 7) % 251);
			vsvm_emit_copy(CS(&c), BO_VA, UP_VA, size);
			vsvm_emit_copy(CS(&c), UP2_VA, UP_VA, size);
			igt_assert_eq(run(&c), 1);
			assert_pat(c.bo_map, 0, size, iter % 251);
			/* The GPU wrote b through its registration: the CPU sees it. */
			assert_pat(b, 0, size, iter % 251);
		}
		igt_info("memory-pressure: %u iterations, %lld invalidations\n", iter,
			 up_stat("invalidations"));
		igt_assert_eq(waitpid(eater, NULL, 0), eater);
		ctx_fini(&c);
		munmap(a, size);
		munmap(b, size);
		finish(&base);
	}

	/* fdinfo: the file's userptr pages, and how many are pinned now. */
	igt_describe("fdinfo's vsvm-userptr-pages counts the file's userptr pages, and "
		     "vsvm-pinned-pages those pinned now: after a bind, and after munmap.");
	igt_subtest("fdinfo-counts") {
		struct up_stats base = stats_now();
		uint8_t *a = anon(8 * PAGE), *b = anon(4 * PAGE);
		struct ctx c;

		ctx_init(&c);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-userptr-pages"), 0);
		vsvm_gem_userptr(c.fd, a, 8 * PAGE, 0);
		vsvm_gem_userptr(c.fd, b, 4 * PAGE, UP_LONGTERM);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-userptr-pages"), 12);
		/* Registration pins at creation; notifier mode at first bind. */
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-pinned-pages"), 4);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, vsvm_gem_userptr(c.fd, a, 8 * PAGE, 0), 0,
					  UP_VA, 8 * PAGE, 0), 0);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-userptr-pages"), 20);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-pinned-pages"), 12);
		munmap(a, 8 * PAGE);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "vsvm-pinned-pages"), 4);
		ctx_fini(&c);
		munmap(b, 4 * PAGE);
		finish(&base);
	}

	/* The userptr tracepoints fire with what they promise. */
	igt_describe("vsvm_userptr_populate, _retry and _invalidate are emitted: a bind, a "
		     "populate raced by an munmap (injection point 1), an invalidation.");
	igt_subtest("tracepoints") {
		static char tbuf[1 << 16];
		struct up_stats base = stats_now();
		uint8_t *buf = anon(4 * PAGE);
		struct drm_vsvm_vm_bind_op op = { .op = DRM_VSVM_BIND_OP_MAP, .addr = UP2_VA,
						  .range = 4 * PAGE };
		struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op };
		struct bg t = { 0 };
		int f, n, total = 0;
		struct ctx c;
		uint32_t h;

		igt_require_f(!access("/sys/kernel/tracing/events/vsvm/enable", W_OK),
			      "no tracefs with vsvm's events\n");
		f = open("/sys/kernel/tracing/trace", O_WRONLY | O_TRUNC);
		igt_assert_fd(f);
		close(f);
		f = open("/sys/kernel/tracing/events/vsvm/enable", O_WRONLY);
		igt_assert_fd(f);
		igt_assert_eq(write(f, "1", 1), 1);

		ctx_init(&c);
		h = vsvm_gem_userptr(c.fd, buf, 4 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), 0);
		/* An invalidation of populated pages. */
		igt_assert_eq(mprotect(buf, 4 * PAGE, PROT_READ), 0);
		igt_assert_eq(mprotect(buf, 4 * PAGE, PROT_READ | PROT_WRITE), 0);
		/* A populate (a second bind) that an invalidation races: a retry. */
		b.vm_id = c.vm;
		op.handle = vsvm_gem_userptr(c.fd, buf, 4 * PAGE, 0);
		inject("1");
		t = (struct bg){ .fn = bg_ioctl, .fd = c.fd, .request = DRM_IOCTL_VSVM_VM_BIND,
				 .arg = &b };
		bg_start(&t);
		igt_assert(inject_wait("stalled", 5000));
		igt_assert_eq(mprotect(buf, 4 * PAGE, PROT_READ), 0);
		igt_assert_eq(mprotect(buf, 4 * PAGE, PROT_READ | PROT_WRITE), 0);
		inject("0");
		bg_join(&t);
		igt_assert_eq(t.ret, 0);

		igt_assert_eq(write(f, "0", 1), 1);
		close(f);
		f = open("/sys/kernel/tracing/trace", O_RDONLY);
		igt_assert_fd(f);
		while ((n = read(f, tbuf + total, sizeof(tbuf) - 1 - total)) > 0)
			total += n;
		close(f);
		tbuf[total] = '\0';
		igt_assert_f(strstr(tbuf, "vsvm_userptr_populate:"), "no populate in:\n%.2000s\n",
			     tbuf);
		igt_assert_f(strstr(tbuf, "vsvm_userptr_retry:"), "no retry in:\n%.2000s\n", tbuf);
		igt_assert_f(strstr(tbuf, "vsvm_userptr_invalidate:"),
			     "no invalidate in:\n%.2000s\n", tbuf);
		igt_assert_f(strstr(tbuf, "blockable=1"), "no blockable field in:\n%.2000s\n",
			     tbuf);
		ctx_fini(&c);
		munmap(buf, 4 * PAGE);
		finish(&base);
	}

	/* ---- invalidation: every job that may reach the pages ---- */

	/* I1: a job queued before a synchronous MAP can reach what the MAP wrote. */
	igt_describe("A job queued (spinning) before a synchronous MAP of a userptr, whose "
		     "commands write the userptr after the spin: munmap of the userptr "
		     "returns only after that job ended, the job ends well, and its write "
		     "is in the memory (a second mapping of the memfd sees it).");
	igt_subtest("map-after-queued-job") {
		struct up_stats base = stats_now();
		int mfd = memfd_create("vsvm-map-after-queued-job", 0);
		struct bg t = { .fn = bg_munmap, .size = 4 * PAGE };
		uint8_t *m1, *m2;
		uint64_t released;
		struct ctx c;
		uint32_t h, s, v;

		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 4 * PAGE), 0);
		m1 = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		m2 = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(m1 != MAP_FAILED && m2 != MAP_FAILED);
		memset(m1, 0, 4 * PAGE);

		ctx_init(&c);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_store32(CS(&c), UP_VA + 2 * PAGE + 8, 0x600dcafe);
		s = submit(&c, 0);	/* the VM maps no userptr yet */
		h = vsvm_gem_userptr(c.fd, m1, 4 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), 0);

		t.addr = m1;
		warm_up(&c, s, &t);
		bg_start(&t);
		usleep(200000);
		igt_assert_f(!bg_done(&t), "munmap returned (%d) while a job queued before the "
			     "MAP could still write the userptr\n", t.ret);
		released = vsvm_now_ns();
		sem_set(&c, 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		bg_join(&t);
		igt_assert_eq(t.ret, 0);
		igt_assert(t.end_ns > released);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		memcpy(&v, m2 + 2 * PAGE + 8, 4);
		igt_assert_eq_u32(v, 0x600dcafe);
		ctx_fini(&c);
		munmap(m2, 4 * PAGE);
		close(mfd);
		finish(&base);
	}

	/* I1 step 5: pages the GPU wrote are dirtied when let go of. */
	igt_describe("The GPU fills a userptr over a tmpfs file (memfd); after munmap the "
		     "file holds the GPU's data.");
	igt_subtest("file-dirty") {
		struct up_stats base = stats_now();
		int mfd = memfd_create("vsvm-file-dirty", 0);
		uint8_t *m, *back;
		struct ctx c;
		uint32_t h;

		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 8 * PAGE), 0);
		m = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(m != MAP_FAILED);
		ctx_init(&c);
		h = vsvm_gem_userptr(c.fd, m, 8 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 8 * PAGE, 0), 0);
		vsvm_emit_fill(CS(&c), UP_VA, 0x3c3c3c3c, 8 * PAGE);
		vsvm_emit_store32(CS(&c), UP_VA + 5 * PAGE + 4, 0xd1e7d1e7);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(munmap(m, 8 * PAGE), 0);
		ctx_fini(&c);

		back = malloc(8 * PAGE);
		igt_assert_eq(pread(mfd, back, 8 * PAGE, 0), (ssize_t)(8 * PAGE));
		assert_bytes(back + 5 * PAGE + 8, 3 * PAGE - 8, 0x3c);
		assert_bytes(back, 5 * PAGE, 0x3c);
		igt_assert_eq_u32(*(uint32_t *)(back + 5 * PAGE + 4), 0xd1e7d1e7);
		free(back);
		close(mfd);
		finish(&base);
	}

	/*
	 * I1 step 5: the GPU's writes dirty the folio.  On a tmpfs file, the
	 * FOLL_WRITE pin has already dirtied it; lazily freed anonymous memory
	 * is where a missing dirtying loses data: reclaim drops a clean
	 * MADV_FREE folio.
	 */
	igt_describe("MADV_FREE a userptr's memory, have the GPU fill it, release the "
		     "object, then MADV_PAGEOUT: the GPU's data is still there (the GPU's "
		     "writes dirtied the folios, so reclaim kept them).");
	igt_subtest("madv-free-dirty") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(16 * PAGE);
		struct ctx c;
		uint32_t h;

		memset(buf, 0x11, 16 * PAGE);
		ctx_init(&c);
		h = vsvm_gem_userptr(c.fd, buf, 16 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 16 * PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), BO_VA, 1);
		igt_assert_eq(run(&c), 1);
		/* Lazily freed: clean, and the GPU's entries go (an invalidation). */
		igt_require(madvise(buf, 16 * PAGE, MADV_FREE) == 0);
		vsvm_emit_fill(CS(&c), UP_VA, 0x77777777, 16 * PAGE);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 16 * PAGE), 0);
		vsvm_gem_close(c.fd, h);	/* the pages are let go of here */
		igt_require(madvise(buf, 16 * PAGE, MADV_PAGEOUT) == 0);
		assert_bytes(buf, 16 * PAGE, 0x77);
		ctx_fini(&c);
		munmap(buf, 16 * PAGE);
		finish(&base);
	}

	/*
	 * I2: the OOM reaper's invalidation is non-blockable; with a job
	 * pending that may reach the pages it must be refused, not let go of
	 * pages the GPU may still use.
	 */
	igt_describe("A process in a 32 MiB memory cgroup has a job queued (behind an "
		     "unsignalled fence) before a synchronous MAP of a userptr, and a "
		     "thread stalled in the driver so that the process cannot exit; it is "
		     "OOM-killed, and the OOM reaper's non-blockable invalidation of the "
		     "userptr is refused (would_block) until the job has run.");
	igt_subtest("oom-reaper-nonblock") {
		volatile uint32_t *go = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		struct up_vgem_fence_signal sig = { 0 };
		long long wb0, wb = 0;
		int p[2], sf, vg, r;
		bool refused = false;
		uint64_t end;
		pid_t pid;
		char ch;

		igt_require_f(oom_cgroup(), "no cgroup v2 memory controller\n");
		igt_assert(go != MAP_FAILED);
		sf = vgem_sync_file(&vg, &sig.fence);
		igt_assert_eq(pipe(p), 0);
		inject("0");
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			struct bg t = { .fn = bg_ioctl, .request = DRM_IOCTL_VSVM_VM_BIND };
			struct drm_vsvm_vm_bind_op op = { .op = DRM_VSVM_BIND_OP_MAP,
							  .range = 4 * PAGE, .addr = UP2_VA };
			struct drm_vsvm_vm_bind bind = { .num_ops = 1 };
			struct drm_vsvm_sync in = { 0 }, out = { 0 };
			struct drm_vsvm_exec e;
			uint8_t *u = anon(16 * PAGE), *v = anon(4 * PAGE);
			struct ctx c;

			igt_assert(vsvm_write_str(OOM_CG "/cgroup.procs", "0"));
			ctx_init(&c);
			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &in.handle), 0);
			igt_assert_eq(drmSyncobjImportSyncFile(c.fd, in.handle, sf), 0);
			vsvm_emit_store32(CS(&c), UP_VA + PAGE, 0xfeed);
			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
			exec_args(&c, c.vm, 0, &out, &e);
			e.in_syncs = (uintptr_t)&in;
			e.num_in_syncs = 1;
			do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
			/* Mapped after the job was queued: only the VM has its fence. */
			memset(u, 3, 16 * PAGE);
			igt_assert_eq(vsvm_vm_map(c.fd, c.vm, vsvm_gem_userptr(c.fd, u, 16 * PAGE, 0),
						  0, UP_VA, 16 * PAGE, 0), 0);
			/* A thread stalls in VM_BIND (uninterruptibly): no exit. */
			memset(v, 4, 4 * PAGE);
			op.handle = vsvm_gem_userptr(c.fd, v, 4 * PAGE, 0);
			bind.vm_id = c.vm;
			bind.ops = (uintptr_t)&op;
			t.fd = c.fd;
			t.arg = &bind;
			igt_assert_eq(write(p[1], "r", 1), 1);
			while (!*go)
				usleep(1000);
			bg_start(&t);
			igt_assert(inject_wait("stalled", 3000));
			igt_assert_eq(write(p[1], "s", 1), 1);
			/* Eat memory until the memory cgroup's OOM killer comes. */
			for (;;) {
				void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
					       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

				if (m != MAP_FAILED)
					memset(m, 5, 1 << 20);
			}
		}
		close(p[1]);
		close(sf);
		igt_assert_eq(read(p[0], &ch, 1), 1);
		wb0 = up_stat("would_block");
		inject("1");	/* populate: the child's VM_BIND stalls there */
		*go = 1;
		igt_assert_eq(read(p[0], &ch, 1), 1);
		/* The reaper comes 2 s after the kill, and retries 10 times. */
		end = vsvm_now_ns() + 4500000000ull;
		while (!refused && vsvm_now_ns() < end) {
			usleep(10000);
			wb = up_stat("would_block");
			refused = wb > wb0;
		}
		/* Let the job run, then the stalled thread go, then the process die. */
		do_ioctl(vg, UP_IOCTL_VGEM_FENCE_SIGNAL, &sig);
		inject("0");
		r = vsvm_wait_child_ms(pid, 15000);
		igt_assert_f(refused, "the OOM reaper's invalidation was not refused with a "
			     "job pending (would_block %lld, before %lld)\n", wb, wb0);
		igt_assert_f(r == 128 + SIGKILL, "the child was not OOM-killed (%d)\n", r);
		close(vg);
		close(p[0]);
		rmdir(OOM_CG);
		check_dmachk();
	}

	/*
	 * uapi (DOC: VM-private objects): every errno of the extension, of
	 * VM_BIND into another VM, and of PRIME export.
	 */
	igt_describe("Every errno of a VM-private userptr: unknown VM (-ENOENT), SVM VM, "
		     "pad, registration, twice (-EINVAL), unreadable (-EFAULT); VM_BIND "
		     "into another VM and PRIME export fail with -EINVAL.");
	igt_subtest("private-invalid") {
		struct up_stats base = stats_now();
		struct drm_vsvm_gem_ext_vm_private two[2];
		struct drm_vsvm_gem_userptr u = { .size = PAGE };
		uint8_t *buf = anon(4 * PAGE), *pg;
		uint32_t h, h2, svm, vm2;
		struct ctx c;
		int dmabuf = -1;

		ctx_init(&c);
		u.addr = (uintptr_t)buf;
		memset(buf, 0, 4 * PAGE);
		igt_assert_eq(__up_private(c.fd, u.addr, PAGE, 0, 0, 0, &h), -ENOENT);
		igt_assert_eq(__up_private(c.fd, u.addr, PAGE, 0, 4000, 0, &h), -ENOENT);
		igt_assert_eq(__vsvm_vm_create(c.fd, DRM_VSVM_VM_CREATE_SVM, &svm), 0);
		igt_assert_eq(__up_private(c.fd, u.addr, PAGE, 0, svm, 0, &h), -EINVAL);
		igt_assert_eq(__up_private(c.fd, u.addr, PAGE, 0, c.vm, 1, &h), -EINVAL);
		igt_assert_eq(__up_private(c.fd, u.addr, PAGE, UP_LONGTERM, c.vm, 0, &h),
			      -EINVAL);
		/* Twice in one chain. */
		memset(two, 0, sizeof(two));
		two[0].base.name = DRM_VSVM_GEM_EXT_VM_PRIVATE;
		two[0].base.next_extension = (uintptr_t)&two[1];
		two[0].vm_id = c.vm;
		two[1] = two[0];
		two[1].base.next_extension = 0;
		u.extensions = (uintptr_t)&two[0];
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u, EINVAL);
		/* The header readable, the rest of the extension not. */
		pg = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);
		igt_assert(pg != MAP_FAILED);
		igt_assert_eq(mprotect(pg + PAGE, PAGE, PROT_NONE), 0);
		memcpy(pg + PAGE - sizeof(two[1].base), &two[1].base, sizeof(two[1].base));
		u.extensions = (uintptr_t)(pg + PAGE - sizeof(two[1].base));
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u, EFAULT);
		munmap(pg, 2 * PAGE);
		igt_assert_eq_s64(up_stat("userptrs"), base.userptrs);

		/* Its own VM maps and runs it; another VM does not map it. */
		h = up_private(c.fd, buf, 4 * PAGE, c.vm);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), 0);
		vm2 = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, h, 0, UP_VA, 4 * PAGE, 0), -EINVAL);
		h2 = up_private(c.fd, buf, 4 * PAGE, vm2);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h2, 0, UP2_VA, 4 * PAGE, 0), -EINVAL);
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, h2, 0, UP2_VA, 4 * PAGE, 0), 0);
		/* Not exported: its reservation is the VM's. */
		igt_assert_eq(drmPrimeHandleToFD(c.fd, h, DRM_CLOEXEC | DRM_RDWR, &dmabuf), -1);
		igt_assert_eq(errno, EINVAL);
		igt_assert_eq(drmPrimeHandleToFD(c.fd, h2, DRM_CLOEXEC, &dmabuf), -1);
		igt_assert_eq(errno, EINVAL);

		vsvm_emit_store32(CS(&c), UP_VA + PAGE + 4, 0x9e1f);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq_u32(*(uint32_t *)(buf + PAGE + 4), 0x9e1f);
		vsvm_emit_store32(CS(&c), UP2_VA + 2 * PAGE, 0x9e2f);
		igt_assert_eq(run_vm(&c, vm2), 1);
		igt_assert_eq_u32(*(uint32_t *)(buf + 2 * PAGE), 0x9e2f);
		ctx_fini(&c);
		munmap(buf, 4 * PAGE);
		finish(&base);
	}

	/* I1, I3: a private userptr is invalidated and revalidated like any. */
	igt_describe("With 64 bound userptrs private to the VM, EXEC checks them once, "
		     "then none, then only the one MADV_DONTNEED invalidated; its STORE "
		     "reaches the new page.");
	igt_subtest("private-exec-dontneed")
		exec_checks_invalidated_only(64, 40, true);

	/*
	 * I9 for private objects: the job's fence is in the VM's reservation,
	 * with the usage of its writes, so the VM's next job using the object
	 * waits for it.  The VM maps its command buffer and semaphore BO
	 * read-only, so that no other object orders the two jobs.
	 */
	igt_describe("A job on another queue reading a private userptr waits for the "
		     "job that writes it, through the VM's reservation, and reads its write.");
	igt_subtest("private-implicit-sync") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(PAGE);
		struct drm_vsvm_query_device dev;
		struct drm_vsvm_query q = {
			.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(dev),
			.data = (uintptr_t)&dev,
		};
		uint32_t vm, h, s1, s2, first;
		struct ctx c;

		ctx_init(&c);
		do_ioctl(c.fd, DRM_IOCTL_VSVM_QUERY, &q);
		igt_require_f(dev.num_queues >= 2, "one hardware queue\n");
		vm = vsvm_vm_create(c.fd, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, vm, c.cmd_bo, 0, CMD_VA, CMD_SIZE,
					  DRM_VSVM_BIND_READ_ONLY), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, vm, c.bo, 0, BO_VA, BO_SIZE,
					  DRM_VSVM_BIND_READ_ONLY), 0);
		memset(buf, 0, PAGE);
		h = up_private(c.fd, buf, PAGE, vm);
		igt_assert_eq(vsvm_vm_map(c.fd, vm, h, 0, UP_VA, PAGE, 0), 0);

		sem_set(&c, 0);
		c.queue = 0;
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_store32(CS(&c), UP_VA, 0xa11ce);
		igt_assert_eq(__submit(&c, vm, 0, &s1), 0);
		first = c.n;
		c.queue = 1;
		vsvm_emit_copy(CS(&c), UP_VA + 64, UP_VA, 4);
		igt_assert_eq(__submit(&c, vm, first, &s2), 0);
		c.n = 0;

		usleep(300000);
		igt_assert_f(vsvm_wait_ms(c.fd, s2, 0) != 0,
			     "a job reading a private userptr ran before the job writing it (I9: its fence is not in the VM's reservation)\n");
		igt_assert_eq_u32(*(volatile uint32_t *)(buf + 64), 0);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, s1, 20000), 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s2, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s1), 1);
		igt_assert_eq(vsvm_fence_status(c.fd, s2), 1);
		igt_assert_eq_u32(*(uint32_t *)(buf + 64), 0xa11ce);
		drmSyncobjDestroy(c.fd, s1);
		drmSyncobjDestroy(c.fd, s2);
		ctx_fini(&c);
		munmap(buf, PAGE);
		finish(&base);
	}

	/*
	 * The object holds its VM's reservation object, not the VM: the VM
	 * goes with its last reference, and the object keeps working (KASAN on
	 * the debug kernel sees any use after free).
	 */
	igt_describe("A private userptr outlives its destroyed VM, and a file closed with "
		     "both: GEM_INFO, munmap and close work, no other VM maps it.");
	igt_subtest("private-outlives-vm") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(4 * PAGE), *buf2 = anon(4 * PAGE);
		struct drm_vsvm_vm_destroy d = { 0 };
		struct drm_vsvm_gem_info gi = { 0 };
		uint32_t vm2, h, h2, s;
		struct ctx c, k;

		ctx_init(&c);
		memset(buf, 0, 4 * PAGE);
		vm2 = ctx_new_vm(&c);
		h = up_private(c.fd, buf, 4 * PAGE, vm2);
		h2 = up_private(c.fd, buf, PAGE, vm2);	/* never mapped */
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, h, 0, UP_VA, 4 * PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA + 3 * PAGE, 0x0dd);
		igt_assert_eq(run_vm(&c, vm2), 1);
		igt_assert_eq_u32(*(uint32_t *)(buf + 3 * PAGE), 0x0dd);

		d.vm_id = vm2;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		gi.handle = h;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_GEM_INFO, &gi);
		igt_assert_eq_u64(gi.size, 4 * PAGE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, 4 * PAGE, 0), -EINVAL);
		/* A new VM may get the old id: still not the object's VM. */
		vm2 = vsvm_vm_create(c.fd, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, vm2, h, 0, UP_VA, 4 * PAGE, 0), -EINVAL);
		igt_assert_eq(munmap(buf, 4 * PAGE), 0);	/* invalidates, VM gone */
		vsvm_gem_close(c.fd, h);
		vsvm_gem_close(c.fd, h2);

		/* A file closed with a VM, its private userptr and a job just done. */
		ctx_init(&k);
		memset(buf2, 0, 4 * PAGE);
		h = up_private(k.fd, buf2, 4 * PAGE, k.vm);
		igt_assert_eq(vsvm_vm_map(k.fd, k.vm, h, 0, UP_VA, 4 * PAGE, 0), 0);
		vsvm_emit_fill(CS(&k), UP_VA, 0x5a5a5a5a, 4 * PAGE);
		s = submit(&k, 0);
		igt_assert_eq(vsvm_wait_ms(k.fd, s, 20000), 0);
		ctx_fini(&k);
		assert_bytes(buf2, 4 * PAGE, 0x5a);
		ctx_fini(&c);
		munmap(buf2, 4 * PAGE);
		finish(&base);
	}

	/*
	 * I1 for private objects: the GPU reaches their pages only through
	 * their mappings, so an invalidation waits not for the VM's
	 * reservation, which is theirs too, once they are unmapped.
	 */
	igt_describe("Unmapped private userptrs are munmapped and closed at once while "
		     "another thread keeps their VM busy with a chain of jobs.");
	igt_subtest("private-unmapped-busy-vm") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(2 * PAGE);
		struct busy_chain b = { .c = NULL };
		uint32_t h1, h2;
		uint64_t t;
		double dt;
		struct ctx c;

		ctx_init(&c);
		memset(buf, 0, 2 * PAGE);
		h1 = up_private(c.fd, buf, PAGE, c.vm);
		h2 = up_private(c.fd, buf + PAGE, PAGE, c.vm);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h1, 0, UP_VA, PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h2, 0, UP_VA + PAGE, PAGE, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 1);
		vsvm_emit_store32(CS(&c), UP_VA + PAGE, 2);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, 2 * PAGE), 0);

		b.c = &c;
		igt_assert_eq(pthread_create(&b.thread, NULL, busy_chain_main, &b), 0);
		usleep(300000);
		igt_assert(!b.done);

		t = vsvm_now_ns();
		igt_assert_eq(munmap(buf, PAGE), 0);
		dt = (vsvm_now_ns() - t) / 1e9;
		igt_assert_f(dt < 2.0 && !b.done,
			     "munmap of an unmapped private userptr took %.2f s: it waited for the VM's other jobs (I1)\n",
			     dt);
		t = vsvm_now_ns();
		vsvm_gem_close(c.fd, h2);
		dt = (vsvm_now_ns() - t) / 1e9;
		igt_assert_f(dt < 2.0 && !b.done,
			     "GEM_CLOSE of an unmapped private userptr took %.2f s: it waited for the VM's other jobs (I1)\n",
			     dt);
		pthread_join(b.thread, NULL);
		igt_assert_eq(b.failed, 0);
		igt_assert_eq_u32(*(uint32_t *)(buf + PAGE), 2);
		vsvm_gem_close(c.fd, h1);
		ctx_fini(&c);
		munmap(buf + PAGE, PAGE);
		finish(&base);
	}

	/*
	 * I1: the mapping leaves the object at the asynchronous UNMAP, its
	 * entries only when the UNMAP's job runs, after the writer.
	 */
	igt_describe("munmap of a private userptr waits for its asynchronous UNMAP's "
		     "job, queued behind a job writing it.");
	igt_subtest("private-async-unmap-busy") {
		struct up_stats base = stats_now();
		uint8_t *buf = anon(PAGE);
		struct busy_chain b = { .c = NULL };
		uint64_t released;
		uint32_t h, s;
		struct ctx c;

		ctx_init(&c);
		memset(buf, 0, PAGE);
		h = up_private(c.fd, buf, PAGE, c.vm);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, PAGE, 0), 0);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_fill(CS(&c), UP_VA, 0x5a5a5a5a, PAGE);
		s = submit(&c, 0);
		c.n = 0;
		igt_assert_eq(vsvm_vm_bind_async(c.fd, c.vm, 0, 0, UP_VA, PAGE, 0, 0), 0);

		b.c = &c;
		igt_assert_eq(pthread_create(&b.thread, NULL, sem_later_main, &b), 0);
		igt_assert_eq(munmap(buf, PAGE), 0);
		released = vsvm_now_ns();
		pthread_join(b.thread, NULL);
		igt_assert_f(released > b.end_ns,
			     "munmap of a private userptr returned before its asynchronous UNMAP's job ran (I1)\n");
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 20000), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		drmSyncobjDestroy(c.fd, s);
		vsvm_gem_close(c.fd, h);
		ctx_fini(&c);
		finish(&base);
	}

	igt_describe("EXEC and VM_BIND of a userptr whose range another thread keeps "
		     "invalidating (madvise(MADV_DONTNEED) of one page in a loop) return, "
		     "with -EAGAIN, within a bounded time instead of pinning again for as long "
		     "as the thread goes on: the pin runs inside drm_dev_enter(), which the "
		     "unplug of every DRM device waits for (I8).");
	igt_subtest("populate-bounded") {
		const uint64_t size = 4096 * PAGE;
		uint8_t *buf = anon(size), *page = buf + size - PAGE;
		struct drm_vsvm_vm_bind_op op = {
			.op = DRM_VSVM_BIND_OP_MAP, .addr = UP_VA + size, .range = size,
		};
		struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op };
		struct drm_vsvm_sync out = { 0 };
		struct drm_vsvm_exec e;
		double exec_s, bind_s;
		int exec_ret, bind_ret;
		struct ctx c;

		ctx_init(&c);
		memset(buf, 1, size);
		op.handle = vsvm_gem_userptr(c.fd, buf, size, 0);
		b.vm_id = c.vm;
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, op.handle, 0, UP_VA, size, 0), 0);
		vsvm_emit_store32(CS(&c), UP_VA, 7);
		vsvm_emit_end(CS(&c));
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
		exec_args(&c, c.vm, 0, &out, &e);

		exec_ret = ioctl_under_dontneed(c.fd, DRM_IOCTL_VSVM_EXEC, &e, page, "EXEC", &exec_s);
		bind_ret = ioctl_under_dontneed(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b, page, "VM_BIND",
						&bind_s);
		igt_assert_f(exec_s < 5 && bind_s < 5,
			     "EXEC took %.1f s, VM_BIND %.1f s while the range kept being invalidated\n",
			     exec_s, bind_s);
		igt_assert(exec_ret == 0 || exec_ret == -EAGAIN);
		igt_assert(bind_ret == 0 || bind_ret == -EAGAIN);
		/* Left alone, the same calls go through (drmIoctl() restarts -EAGAIN). */
		if (!exec_ret)
			igt_assert_eq(vsvm_wait_ms(c.fd, out.handle, 20000), 0);
		c.n = 0;
		vsvm_emit_store32(CS(&c), UP_VA, 8);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(buf[0], 8);
		if (bind_ret)
			igt_assert_eq(igt_ioctl(c.fd, DRM_IOCTL_VSVM_VM_BIND, &b), 0);
		ctx_fini(&c);
		munmap(buf, size);
	}

	igt_fixture {
		vsvm_debugfs_write(dbg_fd, "userptr_inject", "0");
		drm_close_driver(dbg_fd);
	}
}
