// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm prime
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: dma-buf
 * Description: dma-buf sharing (I9): vsvm exports its buffer objects as
 *		dynamic dma-bufs sharing the object's reservation, and imports
 *		any dma-buf dynamically.  Checked byte by byte with GPU copies
 *		on both sides: vsvm to vsvm in both directions, self-import,
 *		vgem and udmabuf imports, CPU mmap of the dma-buf with
 *		DMA_BUF_IOCTL_SYNC, implicit sync across devices (SPIN proves
 *		the order), sync_file export and import with the right usage,
 *		move_notify (debugfs prime_evict) on idle and queued jobs,
 *		pinned buffers skipped, userptr export refused (notifier
 *		mode, read-only, from another address space, I7, I10), a
 *		registration let go of when its importer unpins as its
 *		process exits, and the lifetime of imports when the dma-buf
 *		fd or the exporter's file closes first.  The DMA checker (debugfs dmachk) must see
 *		no violation on either device, and every subtest gives back
 *		all its objects and imports.
 *
 * SUBTEST: vsvm-to-vsvm
 * Description: A buffer of one vsvm device imported into the other, both ways: GPU
 *		copies on both sides read and write it, each CPU sees the other GPU's
 *		writes byte by byte; a read-only mapping of the import faults on
 *		write.
 *
 * SUBTEST: self-import
 * Description: Importing a dma-buf of the same device gives the same object: the same
 *		handle in the exporting file, a handle to the same memory in another
 *		file, no import, no attachment mapping.
 *
 * SUBTEST: vgem-to-vsvm
 * Description: A vgem buffer imported into vsvm: GPU copies read and write it, vgem's
 *		CPU mapping agrees; a vsvm job waits for vgem's write fence and sees
 *		what was written before it signalled; a running vsvm job's fence is in
 *		vgem's reservation.
 *
 * SUBTEST: udmabuf-to-vsvm
 * Description: A udmabuf of a memfd range, imported into vsvm: GPU copies read and
 *		write exactly the memfd's pages of that range, before and after the
 *		CPU rewrites them.
 *
 * SUBTEST: dmabuf-cpu-mmap
 * Description: CPU mmap of a vsvm dma-buf with DMA_BUF_IOCTL_SYNC: the CPU sees the
 *		GPU's writes and the GPU the CPU's; SYNC_START waits for a running GPU
 *		writer, which poll() reports.
 *
 * SUBTEST: implicit-sync-cross-device
 * Description: A job on one device that reads the shared buffer waits for a job of
 *		the other device that writes it (held by SPIN), in both directions,
 *		and reads the writer's data.
 *
 * SUBTEST: export-sync-file
 * Description: DMA_BUF_IOCTL_EXPORT_SYNC_FILE on a vsvm dma-buf reflects a running
 *		job of the exporter and of the importing device, with the right usage:
 *		a job mapping the buffer read-only is a reader, not a writer.
 *
 * SUBTEST: import-sync-file
 * Description: DMA_BUF_IOCTL_IMPORT_SYNC_FILE of another device's spinning job: as a
 *		read fence, a read-only job of the buffer runs and a writer waits; as
 *		a write fence, every job of the buffer waits, on the importing and on
 *		the exporting device, and reads what was written before the fence
 *		signalled.
 *
 * SUBTEST: move-notify-idle
 * Description: The exporter evicts (prime_evict) a buffer the other device has bound:
 *		the importer gets move_notify and drops its mapping; its next job maps
 *		it again and reads the current bytes; eviction of an import that is
 *		not mapped is harmless.
 *
 * SUBTEST: move-notify-queued-job
 * Description: The exporter evicts a buffer while the importer's jobs that use it are
 *		queued behind a SPIN: the jobs complete and read and write the right
 *		bytes, and the importer maps the buffer again.
 *
 * SUBTEST: move-notify-map-after-queued-job
 * Description: The importer queues a job (behind a SPIN) that writes an address, then
 *		maps an imported buffer there synchronously; the exporter evicts it:
 *		move_notify waits for that job, which ends well, and its write is in
 *		the buffer.
 *
 * SUBTEST: move-notify-pinned
 * Description: A buffer that vgem (a static importer) imported is pinned: prime_evict
 *		skips it and its dynamic importers get no move_notify; once vgem lets
 *		it go, it is evicted like the others.
 *
 * SUBTEST: userptr-export-refused
 * Description: PRIME export of a userptr is refused with -EINVAL, in notifier and in
 *		registration (PIN_LONGTERM) mode and read-only; the userptr still
 *		works, and nothing was exported.
 *
 * SUBTEST: registration-export
 * Description: A registration-mode userptr exports: the other device imports it,
 *		reads what the CPU wrote there and writes where the CPU sees it;
 *		everything is let go of at the end.
 *
 * SUBTEST: registration-export-mm-exit
 * Description: The registering process exits while another device's VM maps its
 *		exported registration: with move_notify the importer drops it (its
 *		next EXEC fails with EFAULT) and the pins go at once; without, the
 *		importer keeps the pages until it unbinds them.
 *
 * SUBTEST: registration-export-read-only
 * Description: uid 65534 registers (READ_ONLY | PIN_LONGTERM) a read-only MAP_SHARED
 *		mapping of a root-owned 0644 file and tries to export it, import it on
 *		the other device and FILL it there: the export fails with EACCES and
 *		the file is unchanged.  The owner root gets EACCES too.
 *
 * SUBTEST: registration-export-other-mm
 * Description: A registration exported from another address space: a child using the
 *		inherited file, then (after the owner exported it itself) a child that
 *		received the file over a unix socket; both get EPERM, and the
 *		registering process's memory is unchanged.
 *
 * SUBTEST: registration-export-exit-unpin
 * Description: 160 times: a child registers and exports, vgem imports (pins) it, and
 *		the child exits while vgem unpins (vgem's file is the child's, closed
 *		by its exit, or the parent's, closed at varying points of the exit);
 *		every registration and its long-term pins are given back.
 *
 * SUBTEST: sync-file-timeline
 * Description: Timeline syncobj conversion: a vsvm job's timeline point, transferred
 *		to a binary syncobj and imported into the dma-buf, holds the other
 *		device's job; the dma-buf's exported sync_file, imported at a timeline
 *		point, holds a job that waits on that point.
 *
 * SUBTEST: close-dmabuf-fd-while-bound
 * Description: Closing the dma-buf fd, then the importer's handle, while the import
 *		is bound: the importer's jobs still read and write the buffer;
 *		unbinding frees the import.
 *
 * SUBTEST: close-exporter-first
 * Description: Closing the exporter's file while the other device holds the import:
 *		the buffer lives on, the importer's jobs read the exporter's data and
 *		write the buffer; then everything is freed.
 *
 * SUBTEST: gem-info-imported
 * Description: GEM_INFO reports imported=1, the size and no flags for objects
 *		imported from the other vsvm device, vgem and udmabuf; 0 for objects
 *		of the device, self-imports and userptrs; re-importing into a file
 *		gives the same handle and no new import.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <grp.h>
#include <linux/dma-buf.h>
#include <linux/sync_file.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

/*
 * vgem's two ioctls (include/uapi/drm/vgem_drm.h, which libdrm lacks), under
 * names of our own so that they never clash with a vgem_drm.h.
 */
struct prime_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct prime_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define PRIME_VGEM_FENCE_WRITE 0x1
#define PRIME_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct prime_vgem_fence_attach)
#define PRIME_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct prime_vgem_fence_signal)

#define PAGE 4096ull
#define CMD_VA 0x1000000ull
#define BO_VA 0x2000000ull
#define X_VA 0x10000000ull	/* the shared buffer */
#define Y_VA 0x20000000ull	/* a second shared buffer, or a second view */
#define CMD_SIZE (16 * PAGE)
#define X_SIZE (16 * PAGE)	/* 64 KiB */
#define BO_SIZE (64 * PAGE)	/* regions R0, R1, R2 of X_SIZE, the semaphore */
#define R0 0ull
#define R1 X_SIZE
#define R2 (2 * X_SIZE)
#define SEM_OFF (BO_SIZE - PAGE)	/* the BO word SPIN waits on */
#define SEM_VA (BO_VA + SEM_OFF)

/* Debugfs files of device 0 and device 1 (-1: there is no second device). */
static int dbg[2] = { -1, -1 };

/* --- time ---------------------------------------------------------------- */

/* --- devices --------------------------------------------------------------- */

/* A new file of vsvm device @dev (0 or 1). */
static int open_dev(int dev)
{
	int fd = dev ? __drm_open_driver_another(1, DRIVER_VSVM) : drm_open_driver(DRIVER_VSVM);

	igt_assert_fd(fd);
	igt_assert(vsvm_is_vsvm(fd));
	return fd;
}

static void require_two_devices(void)
{
	igt_require_f(dbg[1] >= 0, "needs a second vsvm device\n");
}

/* --- a file with a VM, a command buffer and a data BO ---------------------- */

struct ctx {
	int dev;		/* 0 or 1 */
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, bo;
	uint32_t *cmd;		/* CPU view of the command buffer */
	uint8_t *bo_map;	/* CPU view of the data BO */
	unsigned int n;		/* words emitted */
	unsigned int first;	/* the first word not submitted yet */
};

/* The emitter arguments of vsvm_igt.h for @c's command buffer. */
#define CS(c) (c)->cmd, &(c)->n, CMD_SIZE / 4

/* A further VM of @c's file with the command buffer and the data BO mapped. */
static uint32_t ctx_new_vm(struct ctx *c)
{
	uint32_t vm = vsvm_vm_create(c->fd, 0);

	igt_assert_eq(vsvm_vm_map(c->fd, vm, c->cmd_bo, 0, CMD_VA, CMD_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c->fd, vm, c->bo, 0, BO_VA, BO_SIZE, 0), 0);
	return vm;
}

static void ctx_init(struct ctx *c, int dev)
{
	c->dev = dev;
	c->fd = open_dev(dev);
	c->cmd_bo = vsvm_gem_create(c->fd, CMD_SIZE);
	c->bo = vsvm_gem_create(c->fd, BO_SIZE);
	c->cmd = vsvm_gem_mmap(c->fd, c->cmd_bo, CMD_SIZE);
	c->bo_map = vsvm_gem_mmap(c->fd, c->bo, BO_SIZE);
	/* Fault every page in now: no CPU fault later waits for a reservation. */
	memset(c->bo_map, 0, BO_SIZE);
	c->vm = ctx_new_vm(c);
	c->n = c->first = 0;
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

static int sync_file_status(int sync_fd)
{
	struct sync_file_info info = { 0 };

	igt_assert_eq(ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

/*
 * EXEC of the words emitted since the last submission, on @vm and @queue;
 * returns the out-syncobj.
 */
static uint32_t submit(struct ctx *c, uint32_t vm, uint32_t queue)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = vm, .queue = queue,
		.cs_addr = CMD_VA + c->first * 4ull, .cs_size = (c->n - c->first) * 4ull,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	igt_assert(c->n > c->first);
	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	c->first = c->n;
	return out.handle;
}

/* EXEC of what was emitted, without waiting: 0, or the ioctl's -errno. */
static int exec_errno(struct ctx *c)
{
	struct drm_vsvm_exec e = {
		.vm_id = c->vm,
		.cs_addr = CMD_VA + c->first * 4ull, .cs_size = (c->n - c->first) * 4ull,
	};
	int ret = igt_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0;

	c->first = c->n;
	return ret;
}

/* Runs what was emitted on @vm, queue 0, and returns the job's status. */
static int run_vm(struct ctx *c, uint32_t vm)
{
	return vsvm_job_end(c->fd, submit(c, vm, 0));
}

static int run(struct ctx *c)
{
	return run_vm(c, c->vm);
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

/* --- patterns ------------------------------------------------------------------ */

/* What FILL with @pattern writes over @len bytes at @p. */
static void fill_cmd(void *p, uint32_t pattern, uint64_t len)
{
	uint8_t *b = p;
	uint64_t i;

	for (i = 0; i < len; i++)
		b[i] = pattern >> (8 * (i & 3));
}

static void put32(void *p, uint32_t v)
{
	memcpy(p, &v, 4);
}


/* --- PRIME, dma-buf and sync_file -------------------------------------------- */

/* The dma-buf of @handle of @fd, readable and writable (for mmap). */
static int prime_export(int fd, uint32_t handle)
{
	int dmabuf = -1;

	igt_assert_eq(drmPrimeHandleToFD(fd, handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), 0);
	igt_assert_fd(dmabuf);
	return dmabuf;
}

static uint32_t prime_import(int fd, int dmabuf)
{
	uint32_t handle = 0;

	igt_assert_eq(drmPrimeFDToHandle(fd, dmabuf, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	return handle;
}

static struct drm_vsvm_gem_info gem_info(int fd, uint32_t handle)
{
	struct drm_vsvm_gem_info info = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_VSVM_GEM_INFO, &info);
	return info;
}

static void assert_imported(int fd, uint32_t handle, uint64_t size, uint32_t imported)
{
	struct drm_vsvm_gem_info info = gem_info(fd, handle);

	igt_assert_eq_u64(info.size, size);
	igt_assert_eq_u32(info.flags, 0);
	igt_assert_eq_u32(info.imported, imported);
}

static void dmabuf_sync(int dmabuf, uint64_t flags)
{
	struct dma_buf_sync s = { .flags = flags };

	igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_SYNC, &s), 0);
}

/* DMA_BUF_IOCTL_EXPORT_SYNC_FILE with @flags (DMA_BUF_SYNC_READ or _WRITE). */
static int export_sync_file(int dmabuf, uint32_t flags)
{
	struct dma_buf_export_sync_file e = { .flags = flags, .fd = -1 };

	igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &e), 0);
	igt_assert_fd(e.fd);
	return e.fd;
}

/* DMA_BUF_IOCTL_IMPORT_SYNC_FILE of the fence of @syncobj of @fd. */
static void import_sync_file(int dmabuf, uint32_t flags, int fd, uint32_t syncobj)
{
	struct dma_buf_import_sync_file i = { .flags = flags };

	igt_assert_eq(drmSyncobjExportSyncFile(fd, syncobj, &i.fd), 0);
	igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_IMPORT_SYNC_FILE, &i), 0);
	close(i.fd);
}

/* Whether the sync_file or dma-buf @fd polls readable within @ms. */
static bool poll_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

/* --- debugfs ------------------------------------------------------------------ */

/* A counter of debugfs vsvm_prime of device @dev. */
static long long prime_stat(int dev, const char *key)
{
	long long v = vsvm_debugfs_get(dbg[dev], "vsvm_prime", key);

	igt_assert_f(v >= 0, "device %d: debugfs vsvm_prime has no \"%s\"\n", dev, key);
	return v;
}

/*
 * Whether importers are ever told to move: a kernel without
 * CONFIG_DMABUF_MOVE_NOTIFY (Debian's stock one) pins every imported
 * buffer instead.
 */
static void require_move_notify(void)
{
	igt_require_f(vsvm_debugfs_get(dbg[0], "vsvm_prime", "move_notify") == 1,
		      "no CONFIG_DMABUF_MOVE_NOTIFY: importers pin, nothing moves\n");
}

/* debugfs prime_evict of device @dev: move_notify for its exported objects. */
static void evict(int dev)
{
	igt_assert_eq(vsvm_debugfs_write(dbg[dev], "prime_evict", "1"), 0);
}

struct prime_counts {
	long long maps, move_notifies, evictions, skipped_pinned;
};

static struct prime_counts counts(int dev)
{
	return (struct prime_counts){
		.maps = prime_stat(dev, "maps"),
		.move_notifies = prime_stat(dev, "move_notifies"),
		.evictions = prime_stat(dev, "evictions"),
		.skipped_pinned = prime_stat(dev, "skipped_pinned"),
	};
}

/* What each device holds at the start of a subtest. */
struct base {
	long long bos[2], imports[2], dmachk[2];
};

static struct base base_now(void)
{
	struct base b = { { -1, -1 }, { -1, -1 }, { -1, -1 } };
	int i;

	for (i = 0; i < 2; i++) {
		if (dbg[i] < 0)
			continue;
		b.bos[i] = vsvm_info_get(dbg[i], "bo_count");
		b.imports[i] = prime_stat(i, "imports");
		b.dmachk[i] = vsvm_debugfs_get(dbg[i], "dmachk", "violations");
	}
	return b;
}

/* Polls up to @ms until device @dev has @bos objects and @imports imports. */
static void wait_objects(int dev, long long bos, long long imports, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	long long b, i;

	for (;;) {
		b = vsvm_info_get(dbg[dev], "bo_count");
		i = prime_stat(dev, "imports");
		if (b == bos && i == imports)
			return;
		if (vsvm_now_ns() > end)
			break;
		usleep(10000);
	}
	igt_assert_f(false, "device %d after %u ms: bo_count %lld imports %lld; want %lld %lld\n",
		     dev, ms, b, i, bos, imports);
}

/*
 * The end of a subtest, every file closed: the objects and imports of both
 * devices are back (file release can be deferred), and the DMA checker
 * (I1, I10) saw nothing on either.
 */
static void finish(const struct base *b)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (dbg[i] < 0)
			continue;
		wait_objects(i, b->bos[i], b->imports[i], 3000);
		igt_assert_f(vsvm_debugfs_get(dbg[i], "dmachk", "violations") == b->dmachk[i],
			     "device %d: DMA checker: %lld violations (%lld before)\n", i,
			     vsvm_debugfs_get(dbg[i], "dmachk", "violations"), b->dmachk[i]);
	}
}

/* --- calls in a thread ----------------------------------------------------------- */

/*
 * A blocking call run in a thread: the semaphore release after a delay, or
 * prime_evict (whose move_notify may wait for the importer's jobs).  Threads
 * never assert: the main thread checks @ret after bg_join().
 */
struct bg {
	pthread_t thread;
	int (*fn)(struct bg *b);
	volatile uint32_t *sem;
	unsigned int delay_ms;
	int dev;
	int ret;
	atomic_bool done;
};

static void *bg_main(void *arg)
{
	struct bg *b = arg;

	b->ret = b->fn(b);
	atomic_store(&b->done, true);
	return NULL;
}

static int bg_release(struct bg *b)
{
	usleep(b->delay_ms * 1000);
	*b->sem = 1;
	return 0;
}

static int bg_evict(struct bg *b)
{
	return vsvm_debugfs_write(dbg[b->dev], "prime_evict", "1");
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

/* --- the subtests' bodies --------------------------------------------------------- */

static uint8_t want[BO_SIZE];

/*
 * I9: device @exp exports X, device @imp imports it; each GPU reads what the
 * other's CPU and GPU wrote, and each CPU sees what the other GPU wrote.
 */
static void vsvm_to_vsvm(int exp, int imp)
{
	struct ctx e, i;
	uint32_t x, xi;
	uint8_t *xmap;
	long long maps0;
	int dmabuf;

	ctx_init(&e, exp);
	ctx_init(&i, imp);
	x = vsvm_gem_create(e.fd, X_SIZE);
	xmap = vsvm_gem_mmap(e.fd, x, X_SIZE);
	fill_pat(xmap, 0, X_SIZE, 1);
	dmabuf = prime_export(e.fd, x);
	xi = prime_import(i.fd, dmabuf);
	assert_imported(i.fd, xi, X_SIZE, 1);
	assert_imported(e.fd, x, X_SIZE, 0);
	maps0 = prime_stat(imp, "maps");

	/* A mapping past the end of the import is refused, as for any object. */
	igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, X_VA, X_SIZE + PAGE, 0), -EINVAL);
	igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, X_VA, X_SIZE, 0), 0);

	/* The importer's GPU reads the exporter's CPU data and writes X. */
	vsvm_emit_copy(CS(&i), BO_VA + R0, X_VA, X_SIZE);
	vsvm_emit_fill(CS(&i), X_VA + PAGE + 3, 0x44332211, 2 * PAGE + 5);
	vsvm_emit_store32(CS(&i), X_VA + X_SIZE - 4, 0xdeadbeef);
	vsvm_emit_copy(CS(&i), X_VA + 8 * PAGE + 1, BO_VA + R0 + 12 * PAGE, PAGE);
	igt_assert_eq(run(&i), 1);
	assert_pat(i.bo_map + R0, 0, X_SIZE, 1);
	igt_assert_cmps64(maps0, <, >=, prime_stat(imp, "maps"));

	fill_pat(want, 0, X_SIZE, 1);
	fill_cmd(want + PAGE + 3, 0x44332211, 2 * PAGE + 5);
	put32(want + X_SIZE - 4, 0xdeadbeef);
	fill_pat(want + 8 * PAGE + 1, 12 * PAGE, PAGE, 1);
	assert_same(xmap, want, X_SIZE);	/* the exporter's CPU view */

	/* The exporter's GPU reads what the importer's GPU wrote, and writes X. */
	igt_assert_eq(vsvm_vm_map(e.fd, e.vm, x, 0, X_VA, X_SIZE, 0), 0);
	vsvm_emit_copy(CS(&e), BO_VA + R0, X_VA, X_SIZE);
	fill_pat(e.bo_map + R1, 0, X_SIZE, 2);
	vsvm_emit_copy(CS(&e), X_VA + 5, BO_VA + R1 + 5, X_SIZE - 10);
	igt_assert_eq(run(&e), 1);
	assert_same(e.bo_map + R0, want, X_SIZE);
	memcpy(want + 5, e.bo_map + R1 + 5, X_SIZE - 10);
	assert_same(xmap, want, X_SIZE);

	/* And the importer's GPU reads that back. */
	vsvm_emit_copy(CS(&i), BO_VA + R1, X_VA, X_SIZE);
	igt_assert_eq(run(&i), 1);
	assert_same(i.bo_map + R1, want, X_SIZE);

	/* I10: a read-only mapping of the import: a write faults, X unchanged. */
	igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, Y_VA, X_SIZE, DRM_VSVM_BIND_READ_ONLY), 0);
	vsvm_emit_store32(CS(&i), Y_VA + 64, 0x0badf00d);
	igt_assert_eq(run(&i), -EFAULT);
	igt_assert_eq_u64(last_fault(i.fd)->addr, Y_VA + 64);
	igt_assert_eq_u32(last_fault(i.fd)->reason, DRM_VSVM_FAULT_READ_ONLY);
	assert_same(xmap, want, X_SIZE);

	munmap(xmap, X_SIZE);
	close(dmabuf);
	ctx_fini(&i);
	ctx_fini(&e);
}

/* A vgem dumb buffer of @size bytes: its handle, and its CPU mapping in @map. */
static uint32_t vgem_create(int vg, uint64_t size, uint8_t **map)
{
	struct drm_mode_create_dumb dumb = {
		.width = 1024, .height = size / 4096, .bpp = 32,
	};
	struct drm_mode_map_dumb md = { 0 };
	void *p;

	do_ioctl(vg, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	igt_assert_eq_u64(dumb.size, size);
	md.handle = dumb.handle;
	do_ioctl(vg, DRM_IOCTL_MODE_MAP_DUMB, &md);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vg, md.offset);
	igt_assert(p != MAP_FAILED);
	*map = p;
	return dumb.handle;
}

/* A memfd of @size bytes, sealed against shrinking, for udmabuf. */
static int sealed_memfd(uint64_t size)
{
	int memfd = memfd_create("vsvm-prime", MFD_ALLOW_SEALING | MFD_CLOEXEC);

	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, size), 0);
	igt_assert_eq(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	return memfd;
}

/* A udmabuf of [@offset, @offset + @size) of @memfd. */
static int udmabuf_create(int ud, int memfd, uint64_t offset, uint64_t size)
{
	struct udmabuf_create create = {
		.memfd = memfd, .flags = UDMABUF_FLAGS_CLOEXEC, .offset = offset, .size = size,
	};
	int dmabuf = ioctl(ud, UDMABUF_CREATE, &create);

	igt_assert_f(dmabuf >= 0, "UDMABUF_CREATE: %s\n", strerror(errno));
	return dmabuf;
}

/* A userptr of fresh anonymous memory, exported: refused (-EINVAL). */
static void userptr_export_refused(int fd, uint32_t flags)
{
	struct drm_prime_handle args = { .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1 };
	uint8_t *buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct drm_vsvm_gem_info info;
	uint32_t h;

	igt_assert(buf != MAP_FAILED);
	memset(buf, 0x3c, 4 * PAGE);
	h = vsvm_gem_userptr(fd, buf, 4 * PAGE, flags);
	info = gem_info(fd, h);
	igt_assert_eq_u32(info.flags, DRM_VSVM_GEM_INFO_USERPTR | flags);
	igt_assert_eq_u32(info.imported, 0);
	args.handle = h;
	do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args, EINVAL);
	args.flags = DRM_CLOEXEC;
	do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args, EINVAL);
	args.flags = 0;
	do_ioctl_err(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args, EINVAL);
	vsvm_gem_close(fd, h);
	munmap(buf, 4 * PAGE);
}

/* Exchanges an fd over a unix socket (SCM_RIGHTS). */
static void sock_send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	igt_assert_eq(sendmsg(sock, &msg, 0), 1);
}

static int sock_recv_fd(int sock)
{
	char byte, ctl[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm;
	int fd;

	igt_assert_eq(recvmsg(sock, &msg, 0), 1);
	cm = CMSG_FIRSTHDR(&msg);
	igt_assert(cm && cm->cmsg_type == SCM_RIGHTS);
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

static long long longterm_pages(void)
{
	return vsvm_debugfs_get(dbg[0], "vsvm_userptr", "longterm_pages");
}

/* Polls up to 3 s for device 0's long-term pinned pages to be @want. */
static bool longterm_pages_become(long long want)
{
	int i;

	for (i = 0; i < 300; i++) {
		if (longterm_pages() == want)
			return true;
		usleep(10000);
	}
	return false;
}

static long long userptrs(void)
{
	return vsvm_debugfs_get(dbg[0], "vsvm_userptr", "userptrs");
}

/* PRIME_HANDLE_TO_FD of @handle of @fd: 0 (and the fd in @dmabuf) or -errno. */
static int prime_export_errno(int fd, uint32_t handle, int *dmabuf)
{
	struct drm_prime_handle args = {
		.handle = handle, .flags = DRM_CLOEXEC | DRM_RDWR, .fd = -1,
	};

	*dmabuf = -1;
	if (igt_ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &args))
		return -errno;
	*dmabuf = args.fd;
	return 0;
}

/*
 * What an attacker does with a dma-buf it should never have had: imports
 * it on @fd (device 1), binds it writable and FILLs it with @pattern.
 * Returns the job's status or a -errno; never asserts (it runs in a child
 * that reports to the parent).
 */
static int fill_import(int fd, int dmabuf, uint64_t size, uint32_t pattern)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = { .cs_addr = CMD_VA, .out_syncs = (uintptr_t)&out,
				   .num_out_syncs = 1 };
	uint32_t h, cmd_bo, *cmd;
	unsigned int n = 0;
	int ret;

	if (drmPrimeFDToHandle(fd, dmabuf, &h))
		return -errno;
	e.vm_id = vsvm_vm_create(fd, 0);
	cmd_bo = vsvm_gem_create(fd, CMD_SIZE);
	cmd = vsvm_gem_mmap(fd, cmd_bo, CMD_SIZE);
	ret = vsvm_vm_map(fd, e.vm_id, cmd_bo, 0, CMD_VA, CMD_SIZE, 0);
	if (!ret)
		ret = vsvm_vm_map(fd, e.vm_id, h, 0, X_VA, size, 0);
	if (ret)
		return ret;
	vsvm_emit_fill(cmd, &n, CMD_SIZE / 4, X_VA, pattern, size);
	e.cs_size = n * 4ull;
	if (drmSyncobjCreate(fd, 0, &out.handle))
		return -errno;
	if (igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e))
		return -errno;
	return vsvm_job_end(fd, out.handle);
}

/* The path of the render node of vsvm device @dev (0 or 1). */
static void render_path(int dev, char *path, size_t len)
{
	int n, fd, seen = 0;

	for (n = 0; n < 64; n++) {
		snprintf(path, len, "/dev/dri/renderD%d", 128 + n);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (vsvm_is_vsvm(fd) && seen++ == dev) {
			close(fd);
			return;
		}
		close(fd);
	}
	igt_assert_f(false, "no render node for vsvm device %d\n", dev);
}

igt_main
{
	igt_fixture {
		struct stat st0, st1;

		dbg[0] = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(dbg[0]));
		dbg[1] = __drm_open_driver_another(1, DRIVER_VSVM);
		if (dbg[1] >= 0 && !vsvm_is_vsvm(dbg[1])) {
			close(dbg[1]);
			dbg[1] = -1;
		}
		if (dbg[1] >= 0) {
			igt_assert_eq(fstat(dbg[0], &st0), 0);
			igt_assert_eq(fstat(dbg[1], &st1), 0);
			igt_assert_f(st0.st_rdev != st1.st_rdev, "device 1 is device 0\n");
		} else {
			igt_info("only one vsvm device: the cross-device subtests skip\n");
		}
		igt_info("DMA checker: device 0: enabled %lld, violations %lld\n",
			 vsvm_debugfs_get(dbg[0], "dmachk", "enabled"),
			 vsvm_debugfs_get(dbg[0], "dmachk", "violations"));
		/* Both devices have the dma-buf counters. */
		base_now();
	}

	/* I9: import from another vsvm device, both ways; I10: read-only. */
	igt_describe("A buffer of one vsvm device imported into the other, both ways: "
		     "GPU copies on both sides read and write it, each CPU sees the other "
		     "GPU's writes byte by byte; a read-only mapping of the import faults "
		     "on write.");
	igt_subtest("vsvm-to-vsvm") {
		struct base b;

		require_two_devices();
		b = base_now();
		vsvm_to_vsvm(0, 1);
		vsvm_to_vsvm(1, 0);
		finish(&b);
	}

	/* I9: a dma-buf of this device imports as the object itself. */
	igt_describe("Importing a dma-buf of the same device gives the same object: the "
		     "same handle in the exporting file, a handle to the same memory in "
		     "another file, no import, no attachment mapping.");
	igt_subtest("self-import") {
		struct base b = base_now();
		struct prime_counts c0;
		struct ctx f, g;
		long long bos;
		uint32_t x, xg;
		uint8_t *xmap;
		int dmabuf, dmabuf2;

		ctx_init(&f, 0);
		ctx_init(&g, 0);
		c0 = counts(0);
		bos = vsvm_info_get(dbg[0], "bo_count");
		x = vsvm_gem_create(f.fd, X_SIZE);
		xmap = vsvm_gem_mmap(f.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 3);
		dmabuf = prime_export(f.fd, x);
		igt_assert_eq_u32(prime_import(f.fd, dmabuf), x);
		assert_imported(f.fd, x, X_SIZE, 0);
		xg = prime_import(g.fd, dmabuf);
		assert_imported(g.fd, xg, X_SIZE, 0);
		igt_assert_eq_s64(vsvm_info_get(dbg[0], "bo_count"), bos + 1);
		igt_assert_eq_s64(prime_stat(0, "imports"), b.imports[0]);

		/* The second file's GPU reads and writes the first file's object. */
		igt_assert_eq(vsvm_vm_map(g.fd, g.vm, xg, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&g), BO_VA, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&g), X_VA + 2 * PAGE - 7, 0x0d0c0b0a, 3 * PAGE);
		igt_assert_eq(run(&g), 1);
		assert_pat(g.bo_map, 0, X_SIZE, 3);
		fill_pat(want, 0, X_SIZE, 3);
		fill_cmd(want + 2 * PAGE - 7, 0x0d0c0b0a, 3 * PAGE);
		assert_same(xmap, want, X_SIZE);

		/* The first file's GPU sees it. */
		igt_assert_eq(vsvm_vm_map(f.fd, f.vm, x, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&f), BO_VA, X_VA, X_SIZE);
		igt_assert_eq(run(&f), 1);
		assert_same(f.bo_map, want, X_SIZE);

		/* Exported again from the second file: still the same object. */
		dmabuf2 = prime_export(g.fd, xg);
		igt_assert_eq_u32(prime_import(f.fd, dmabuf2), x);
		close(dmabuf2);

		/* Nothing of this went through an attachment. */
		igt_assert_eq_s64(prime_stat(0, "imports"), b.imports[0]);
		igt_assert_eq_s64(prime_stat(0, "maps"), c0.maps);
		igt_assert_eq_s64(vsvm_info_get(dbg[0], "bo_count"), bos + 1);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&g);
		ctx_fini(&f);
		finish(&b);
	}

	/* I9: vgem exports, vsvm imports; implicit sync both ways. */
	igt_describe("A vgem buffer imported into vsvm: GPU copies read and write it, "
		     "vgem's CPU mapping agrees; a vsvm job waits for vgem's write fence "
		     "and sees what was written before it signalled; a running vsvm job's "
		     "fence is in vgem's reservation.");
	igt_subtest("vgem-to-vsvm") {
		struct base b = base_now();
		struct prime_vgem_fence_attach attach = { 0 };
		struct prime_vgem_fence_signal sig = { 0 };
		struct ctx c;
		uint32_t vh, xi, s;
		uint8_t *vmap;
		int vg, dmabuf;

		vg = vsvm_open_vgem();
		igt_require_f(vg >= 0, "no vgem device\n");
		ctx_init(&c, 0);
		vh = vgem_create(vg, X_SIZE, &vmap);
		fill_pat(vmap, 0, X_SIZE, 5);
		dmabuf = prime_export(vg, vh);
		xi = prime_import(c.fd, dmabuf);
		assert_imported(c.fd, xi, X_SIZE, 1);
		igt_assert_eq_s64(prime_stat(0, "imports"), b.imports[0] + 1);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xi, 0, X_VA, X_SIZE, 0), 0);

		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA + 3 * PAGE + 1, 0x87654321, PAGE + 2);
		vsvm_emit_store32(CS(&c), X_VA + 11 * PAGE - 2, 0xfeedface);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 5);
		fill_pat(want, 0, X_SIZE, 5);
		fill_cmd(want + 3 * PAGE + 1, 0x87654321, PAGE + 2);
		put32(want + 11 * PAGE - 2, 0xfeedface);
		assert_same(vmap, want, X_SIZE);

		/* A vsvm job waits for vgem's write fence. */
		attach.handle = vh;
		attach.flags = PRIME_VGEM_FENCE_WRITE;
		do_ioctl(vg, PRIME_IOCTL_VGEM_FENCE_ATTACH, &attach);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		s = submit(&c, c.vm, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s, 300), -ETIME);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 0);
		assert_bytes(c.bo_map + R1, X_SIZE, 0);
		/* The "vgem writer" writes, then signals. */
		fill_pat(vmap, 0, X_SIZE, 6);
		sig.fence = attach.out_fence;
		do_ioctl(vg, PRIME_IOCTL_VGEM_FENCE_SIGNAL, &sig);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 6);

		/* A running vsvm job writing X conflicts with a vgem fence. */
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_fill(CS(&c), X_VA, 0x5a5a5a5a, X_SIZE);
		s = submit(&c, c.vm, 0);
		igt_assert(!poll_in(dmabuf, 0));
		attach = (struct prime_vgem_fence_attach){ .handle = vh,
							   .flags = PRIME_VGEM_FENCE_WRITE };
		do_ioctl_err(vg, PRIME_IOCTL_VGEM_FENCE_ATTACH, &attach, EBUSY);
		attach.flags = 0;
		do_ioctl_err(vg, PRIME_IOCTL_VGEM_FENCE_ATTACH, &attach, EBUSY);
		assert_pat(vmap, 0, X_SIZE, 6);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);
		igt_assert(poll_in(dmabuf, 0));
		assert_bytes(vmap, X_SIZE, 0x5a);
		do_ioctl(vg, PRIME_IOCTL_VGEM_FENCE_ATTACH, &attach);
		sig.fence = attach.out_fence;
		do_ioctl(vg, PRIME_IOCTL_VGEM_FENCE_SIGNAL, &sig);

		munmap(vmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		close(vg);
		finish(&b);
	}

	/* I9: udmabuf (memfd pages) imported into vsvm. */
	igt_describe("A udmabuf of a memfd range, imported into vsvm: GPU copies read "
		     "and write exactly the memfd's pages of that range, before and after "
		     "the CPU rewrites them.");
	igt_subtest("udmabuf-to-vsvm") {
		const uint64_t mem_size = X_SIZE + 4 * PAGE, off = 2 * PAGE;
		struct base b = base_now();
		struct ctx c;
		uint8_t *mem;
		uint32_t xi;
		int ud, memfd, dmabuf;

		ud = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
		igt_require_f(ud >= 0, "no /dev/udmabuf\n");
		ctx_init(&c, 0);
		memfd = sealed_memfd(mem_size);
		mem = mmap(NULL, mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
		igt_assert(mem != MAP_FAILED);
		fill_pat(mem, 0, mem_size, 7);
		dmabuf = udmabuf_create(ud, memfd, off, X_SIZE);
		xi = prime_import(c.fd, dmabuf);
		assert_imported(c.fd, xi, X_SIZE, 1);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xi, 0, X_VA, X_SIZE, 0), 0);

		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA + 5 * PAGE - 9, 0x11223344, 2 * PAGE + 17);
		vsvm_emit_store32(CS(&c), X_VA, 0xcafe0001);
		vsvm_emit_store32(CS(&c), X_VA + X_SIZE - 4, 0xcafe0002);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, off, X_SIZE, 7);
		fill_pat(want, 0, mem_size, 7);
		fill_cmd(want + off + 5 * PAGE - 9, 0x11223344, 2 * PAGE + 17);
		put32(want + off, 0xcafe0001);
		put32(want + off + X_SIZE - 4, 0xcafe0002);
		assert_same(mem, want, mem_size);	/* nothing outside the range */

		/* The CPU rewrites the memfd: the GPU reads the new bytes. */
		fill_pat(mem, 0, mem_size, 8);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R1, off, X_SIZE, 8);

		close(dmabuf);
		ctx_fini(&c);
		munmap(mem, mem_size);
		close(memfd);
		close(ud);
		finish(&b);
	}

	/* I9: CPU access through the exported dma-buf, with its implicit sync. */
	igt_describe("CPU mmap of a vsvm dma-buf with DMA_BUF_IOCTL_SYNC: the CPU sees "
		     "the GPU's writes and the GPU the CPU's; SYNC_START waits for a "
		     "running GPU writer, which poll() reports.");
	igt_subtest("dmabuf-cpu-mmap") {
		struct base b = base_now();
		/* Static: a thread left behind by a failed assert must not write a stack. */
		static struct bg rel;
		struct ctx c;
		uint8_t *dm;
		uint32_t x, s;
		uint64_t t0;
		int dmabuf;

		ctx_init(&c, 0);
		x = vsvm_gem_create(c.fd, X_SIZE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, x, 0, X_VA, X_SIZE, 0), 0);
		dmabuf = prime_export(c.fd, x);
		dm = mmap(NULL, X_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
		igt_assert(dm != MAP_FAILED);

		/* The GPU writes, the CPU reads through the dma-buf. */
		fill_pat(c.bo_map + R0, 0, X_SIZE, 9);
		vsvm_emit_copy(CS(&c), X_VA, BO_VA + R0, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA + 100, 0xa1b2c3d4, 1000);
		igt_assert_eq(run(&c), 1);
		fill_pat(want, 0, X_SIZE, 9);
		fill_cmd(want + 100, 0xa1b2c3d4, 1000);
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		assert_same(dm, want, X_SIZE);
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);

		/* The CPU writes through the dma-buf, the GPU reads. */
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE);
		fill_pat(dm, 0, X_SIZE, 10);
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 10);

		/* SYNC_START waits for the GPU job that writes the buffer. */
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_fill(CS(&c), X_VA, 0x5a5a5a5a, X_SIZE);
		s = submit(&c, c.vm, 0);
		igt_assert(!poll_in(dmabuf, 0));
		rel = (struct bg){ .fn = bg_release, .delay_ms = 300,
				   .sem = (volatile uint32_t *)(c.bo_map + SEM_OFF) };
		t0 = vsvm_now_ns();
		bg_start(&rel);
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_START | DMA_BUF_SYNC_READ);
		igt_assert_f(vsvm_now_ns() - t0 > 200000000ull,
			     "SYNC_START returned after %" PRIu64 " ns, with the writer spinning\n",
			     vsvm_now_ns() - t0);
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_bytes(dm, X_SIZE, 0x5a);
		dmabuf_sync(dmabuf, DMA_BUF_SYNC_END | DMA_BUF_SYNC_READ);
		bg_join(&rel);
		igt_assert(poll_in(dmabuf, 0));
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);

		munmap(dm, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		finish(&b);
	}

	/* I9: implicit sync across devices through the shared reservation. */
	igt_describe("A job on one device that reads the shared buffer waits for a job "
		     "of the other device that writes it (held by SPIN), in both "
		     "directions, and reads the writer's data.");
	igt_subtest("implicit-sync-cross-device") {
		struct base b;
		struct ctx a, c;
		uint32_t x, xb, vb2, sa, sb;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 11);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, x, 0, X_VA, X_SIZE, 0), 0);
		/* Read-only on device 1: its job waits for writers only. */
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE,
					  DRM_VSVM_BIND_READ_ONLY), 0);

		/* Device 0 writes X after a SPIN; device 1 copies X. */
		fill_pat(a.bo_map + R0, 0, X_SIZE, 12);
		vsvm_emit_spin(CS(&a), SEM_VA, 1);
		vsvm_emit_fill(CS(&a), X_VA, 0x01020304, X_SIZE / 2);
		vsvm_emit_copy(CS(&a), X_VA + X_SIZE / 2, BO_VA + R0 + X_SIZE / 2, X_SIZE / 2);
		sa = submit(&a, a.vm, 0);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		sb = submit(&c, c.vm, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, sb, 300), -ETIME);
		igt_assert_eq(vsvm_fence_status(c.fd, sb), 0);
		igt_assert_eq(vsvm_fence_status(a.fd, sa), 0);
		assert_bytes(c.bo_map + R0, X_SIZE, 0);
		sem_set(&a, 1);
		igt_assert_eq(vsvm_job_end(c.fd, sb), 1);
		igt_assert_eq(vsvm_fence_status(a.fd, sa), 1);
		fill_cmd(want, 0x01020304, X_SIZE / 2);
		fill_pat(want + X_SIZE / 2, X_SIZE / 2, X_SIZE / 2, 12);
		assert_same(c.bo_map + R0, want, X_SIZE);
		assert_same(xmap, want, X_SIZE);
		igt_assert_eq(vsvm_job_end(a.fd, sa), 1);

		/* Device 1 writes X after a SPIN; device 0, the exporter, copies X. */
		vb2 = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vb2, xb, 0, X_VA, X_SIZE, 0), 0);
		fill_pat(c.bo_map + R1, 0, X_SIZE, 13);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_copy(CS(&c), X_VA, BO_VA + R1, X_SIZE);
		sb = submit(&c, vb2, 0);
		vsvm_emit_copy(CS(&a), BO_VA + R1, X_VA, X_SIZE);
		sa = submit(&a, a.vm, 0);
		igt_assert_eq(vsvm_wait_ms(a.fd, sa, 300), -ETIME);
		igt_assert_eq(vsvm_fence_status(a.fd, sa), 0);
		assert_bytes(a.bo_map + R1, X_SIZE, 0);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_job_end(a.fd, sa), 1);
		igt_assert_eq(vsvm_fence_status(c.fd, sb), 1);
		assert_pat(a.bo_map + R1, 0, X_SIZE, 13);
		assert_pat(xmap, 0, X_SIZE, 13);
		igt_assert_eq(vsvm_job_end(c.fd, sb), 1);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: vsvm's fences, with their usage, seen through the dma-buf. */
	igt_describe("DMA_BUF_IOCTL_EXPORT_SYNC_FILE on a vsvm dma-buf reflects a "
		     "running job of the exporter and of the importing device, with the "
		     "right usage: a job mapping the buffer read-only is a reader, not a "
		     "writer.");
	igt_subtest("export-sync-file") {
		struct base b;
		struct ctx a, c;
		uint32_t x, xb, vro, s;
		uint8_t *xmap;
		int dmabuf, rd, wr;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);

		/* Nothing runs: both sync files are signalled. */
		rd = export_sync_file(dmabuf, DMA_BUF_SYNC_READ);
		wr = export_sync_file(dmabuf, DMA_BUF_SYNC_WRITE);
		igt_assert_eq(sync_file_status(rd), 1);
		igt_assert_eq(sync_file_status(wr), 1);
		close(rd);
		close(wr);

		/* The exporter's job writes X. */
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, x, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_spin(CS(&a), SEM_VA, 1);
		vsvm_emit_fill(CS(&a), X_VA, 0x77665544, X_SIZE);
		s = submit(&a, a.vm, 0);
		rd = export_sync_file(dmabuf, DMA_BUF_SYNC_READ);
		wr = export_sync_file(dmabuf, DMA_BUF_SYNC_WRITE);
		igt_assert_eq(sync_file_status(rd), 0);
		igt_assert_eq(sync_file_status(wr), 0);
		igt_assert(!poll_in(rd, 100));
		assert_bytes(xmap, X_SIZE, 0);
		sem_set(&a, 1);
		igt_assert(poll_in(rd, 20000));
		igt_assert(poll_in(wr, 20000));
		igt_assert_eq(sync_file_status(rd), 1);
		igt_assert_eq(vsvm_fence_status(a.fd, s), 1);
		fill_cmd(want, 0x77665544, X_SIZE);
		assert_same(xmap, want, X_SIZE);
		close(rd);
		close(wr);
		igt_assert_eq(vsvm_job_end(a.fd, s), 1);

		/* The importer's job, X mapped read-only: a reader. */
		vro = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vro, xb, 0, X_VA, X_SIZE,
					  DRM_VSVM_BIND_READ_ONLY), 0);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		s = submit(&c, vro, 0);
		rd = export_sync_file(dmabuf, DMA_BUF_SYNC_READ);
		wr = export_sync_file(dmabuf, DMA_BUF_SYNC_WRITE);
		igt_assert_eq(sync_file_status(rd), 1);	/* no writer */
		igt_assert_eq(sync_file_status(wr), 0);	/* a reader */
		igt_assert_eq(vsvm_fence_status(c.fd, s), 0);
		sem_set(&c, 1);
		igt_assert(poll_in(wr, 20000));
		igt_assert_eq(vsvm_fence_status(c.fd, s), 1);
		assert_same(c.bo_map + R0, want, X_SIZE);
		close(rd);
		close(wr);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);

		/* The importer's job, X mapped writable: a writer. */
		sem_set(&c, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_store32(CS(&c), X_VA + 4 * PAGE + 8, 0x600dcafe);
		s = submit(&c, c.vm, 0);
		rd = export_sync_file(dmabuf, DMA_BUF_SYNC_READ);
		igt_assert_eq(sync_file_status(rd), 0);
		igt_assert(!poll_in(rd, 100));
		igt_assert_eq_u32(*(uint32_t *)(xmap + 4 * PAGE + 8), 0x77665544);
		sem_set(&c, 1);
		igt_assert(poll_in(rd, 20000));
		igt_assert_eq(sync_file_status(rd), 1);
		put32(want + 4 * PAGE + 8, 0x600dcafe);
		assert_same(xmap, want, X_SIZE);
		close(rd);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: a foreign fence put into the reservation is waited on, by usage. */
	igt_describe("DMA_BUF_IOCTL_IMPORT_SYNC_FILE of another device's spinning job: "
		     "as a read fence, a read-only job of the buffer runs and a writer "
		     "waits; as a write fence, every job of the buffer waits, on the "
		     "importing and on the exporting device, and reads what was written "
		     "before the fence signalled.");
	igt_subtest("import-sync-file") {
		struct base b;
		struct ctx a, c, d;
		uint32_t x, xb, vro, vrw, va2, sa, s1, s2;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);	/* not mapped in a.vm */
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 14);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		vro = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vro, xb, 0, X_VA, X_SIZE,
					  DRM_VSVM_BIND_READ_ONLY), 0);
		vrw = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vrw, xb, 0, X_VA, X_SIZE, 0), 0);

		/* Device 0 spins (on its own objects); its fence goes in as a reader. */
		vsvm_emit_spin(CS(&a), SEM_VA, 1);
		sa = submit(&a, a.vm, 0);
		import_sync_file(dmabuf, DMA_BUF_SYNC_READ, a.fd, sa);
		igt_assert(poll_in(dmabuf, 0));	/* POLLIN: no writer */

		/* A read-only job runs while device 0 still spins. */
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		s1 = submit(&c, vro, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s1, 1500), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s1), 1);
		igt_assert_eq(vsvm_fence_status(a.fd, sa), 0);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 14);

		/* A writer waits for it. */
		vsvm_emit_store32(CS(&c), X_VA + 8, 0x00c0ffee);
		s2 = submit(&c, vrw, 1);
		igt_assert_eq(vsvm_wait_ms(c.fd, s2, 300), -ETIME);
		igt_assert_eq(vsvm_fence_status(c.fd, s2), 0);
		assert_pat(xmap, 0, X_SIZE, 14);
		sem_set(&a, 1);
		igt_assert_eq(vsvm_job_end(c.fd, s2), 1);
		igt_assert_eq(vsvm_fence_status(a.fd, sa), 1);
		fill_pat(want, 0, X_SIZE, 14);
		put32(want + 8, 0x00c0ffee);
		assert_same(xmap, want, X_SIZE);
		igt_assert_eq(vsvm_job_end(a.fd, sa), 1);
		drmSyncobjDestroy(c.fd, s1);

		/*
		 * Device 1 spins, in a file of its own that shares no object with
		 * the jobs below; its fence goes in as a writer.
		 */
		ctx_init(&d, 1);
		vsvm_emit_spin(CS(&d), SEM_VA, 1);
		s1 = submit(&d, d.vm, 0);
		import_sync_file(dmabuf, DMA_BUF_SYNC_WRITE, d.fd, s1);
		igt_assert(!poll_in(dmabuf, 0));

		/* The exporter's job and the importer's read-only job both wait. */
		va2 = ctx_new_vm(&a);
		igt_assert_eq(vsvm_vm_map(a.fd, va2, x, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&a), BO_VA + R1, X_VA, X_SIZE);
		sa = submit(&a, va2, 0);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		s2 = submit(&c, vro, 1);	/* queue 0 is busy with the SPIN */
		igt_assert_eq(vsvm_wait_ms(a.fd, sa, 300), -ETIME);
		igt_assert_eq(vsvm_wait_ms(c.fd, s2, 0), -ETIME);
		igt_assert_eq(vsvm_fence_status(d.fd, s1), 0);
		assert_bytes(a.bo_map + R1, X_SIZE, 0);
		assert_bytes(c.bo_map + R1, X_SIZE, 0);
		/* Written after both jobs were submitted: they must read this. */
		fill_pat(xmap, 0, X_SIZE, 15);
		sem_set(&d, 1);
		igt_assert_eq(vsvm_job_end(a.fd, sa), 1);
		igt_assert_eq(vsvm_job_end(c.fd, s2), 1);
		igt_assert_eq(vsvm_job_end(d.fd, s1), 1);
		assert_pat(a.bo_map + R1, 0, X_SIZE, 15);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 15);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&d);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: move_notify on an idle import: unmapped, mapped again on next use. */
	igt_describe("The exporter evicts (prime_evict) a buffer the other device has "
		     "bound: the importer gets move_notify and drops its mapping; its "
		     "next job maps it again and reads the current bytes; eviction of "
		     "an import that is not mapped is harmless.");
	igt_subtest("move-notify-idle") {
		struct base b;
		struct prime_counts a0, c0, a1, c1;
		struct ctx a, c;
		uint32_t x, xb;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		require_move_notify();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 20);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		c0 = counts(1);		/* VM_BIND or the first EXEC maps it */
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 20);
		c1 = counts(1);
		igt_assert_cmps64(c0.maps, <, >=, c1.maps);

		a0 = counts(0);
		evict(0);
		a1 = counts(0);
		igt_assert_eq_s64(a1.evictions, a0.evictions + 1);
		igt_assert_eq_s64(a1.skipped_pinned, a0.skipped_pinned);
		c0 = c1;
		c1 = counts(1);
		igt_assert_eq_s64(c1.move_notifies, c0.move_notifies + 1);
		igt_assert_eq_s64(c1.maps, c0.maps);	/* mapped again on use, not before */

		/* The next job maps it again, and sees the current bytes. */
		fill_pat(xmap, 0, X_SIZE, 21);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA + 6 * PAGE, 0x99aabbcc, 2 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 21);
		fill_pat(want, 0, X_SIZE, 21);
		fill_cmd(want + 6 * PAGE, 0x99aabbcc, 2 * PAGE);
		assert_same(xmap, want, X_SIZE);
		c0 = c1;
		c1 = counts(1);
		igt_assert_cmps64(c0.maps, <, >=, c1.maps);

		/* Twice in a row, with no use in between: the second is a no-op. */
		evict(0);
		evict(0);
		igt_assert_eq_s64(counts(0).evictions, a1.evictions + 2);
		igt_assert_eq_s64(counts(1).move_notifies, c1.move_notifies + 2);
		vsvm_emit_copy(CS(&c), BO_VA + R2, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_same(c.bo_map + R2, want, X_SIZE);
		igt_assert_cmps64(c1.maps, <, >=, counts(1).maps);

		/* The exporter's own GPU use is untouched by its evictions. */
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, x, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&a), BO_VA + R0, X_VA, X_SIZE);
		igt_assert_eq(run(&a), 1);
		assert_same(a.bo_map + R0, want, X_SIZE);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: move_notify while the importer's jobs are queued on the buffer. */
	igt_describe("The exporter evicts a buffer while the importer's jobs that use it "
		     "are queued behind a SPIN: the jobs complete and read and write the "
		     "right bytes, and the importer maps the buffer again.");
	igt_subtest("move-notify-queued-job") {
		struct base b;
		static struct bg ev;	/* static: see dmabuf-cpu-mmap */
		struct prime_counts a0, c0;
		struct ctx a, c;
		uint32_t x, xb, vb2, s0, s1, s2;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		require_move_notify();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 30);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		vb2 = ctx_new_vm(&c);
		igt_assert_eq(vsvm_vm_map(c.fd, vb2, xb, 0, X_VA, X_SIZE, 0), 0);

		/* Mapped by a first job. */
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 30);
		assert_pat(xmap, 0, X_SIZE, 30);	/* no CPU fault while evicting */

		/*
		 * Queue 0 of device 1: a SPIN, then a job of the same context and
		 * a job of another VM, both using X, queued behind it.
		 */
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		s0 = submit(&c, c.vm, 0);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA, 0x13572468, PAGE);
		s1 = submit(&c, c.vm, 0);
		vsvm_emit_copy(CS(&c), BO_VA + R2 + PAGE, X_VA + PAGE, X_SIZE - PAGE);
		vsvm_emit_store32(CS(&c), X_VA + X_SIZE - 8, 0xabad1dea);
		s2 = submit(&c, vb2, 0);

		a0 = counts(0);
		c0 = counts(1);
		/* move_notify may wait for the queued jobs: evict from a thread. */
		ev = (struct bg){ .fn = bg_evict, .dev = 0 };
		bg_start(&ev);
		usleep(300000);
		igt_info("prime_evict %s before the SPIN was released\n",
			 atomic_load(&ev.done) ? "returned" : "had not returned");
		igt_assert_eq(vsvm_fence_status(c.fd, s0), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s1), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s2), 0);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_job_end(c.fd, s0), 1);
		igt_assert_eq(vsvm_job_end(c.fd, s1), 1);
		igt_assert_eq(vsvm_job_end(c.fd, s2), 1);
		bg_join(&ev);
		igt_assert_eq(ev.ret, 0);
		igt_assert_eq_s64(counts(0).evictions, a0.evictions + 1);
		igt_assert_eq_s64(counts(1).move_notifies, c0.move_notifies + 1);

		assert_pat(c.bo_map + R1, 0, X_SIZE, 30);
		assert_pat(c.bo_map + R2 + PAGE, PAGE, X_SIZE - PAGE, 30);
		fill_pat(want, 0, X_SIZE, 30);
		fill_cmd(want, 0x13572468, PAGE);
		put32(want + X_SIZE - 8, 0xabad1dea);
		assert_same(xmap, want, X_SIZE);

		/* A job after the eviction works on a fresh mapping. */
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		igt_assert_eq(run_vm(&c, vb2), 1);
		assert_same(c.bo_map + R0, want, X_SIZE);
		igt_assert_cmps64(c0.maps, <, >=, counts(1).maps);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I1, I9: a job queued before a synchronous MAP reaches what the MAP wrote. */
	igt_describe("The importer queues a job (behind a SPIN) that writes an address, "
		     "then maps an imported buffer there synchronously; the exporter "
		     "evicts it: move_notify waits for that job, which ends well, and its "
		     "write is in the buffer.");
	igt_subtest("move-notify-map-after-queued-job") {
		struct base b;
		static struct bg ev;	/* static: see dmabuf-cpu-mmap */
		struct ctx a, c;
		uint32_t x, xb, s0, v;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		require_move_notify();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 31);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);

		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_store32(CS(&c), X_VA + 3 * PAGE + 8, 0x600dcafe);
		s0 = submit(&c, c.vm, 0);	/* the VM does not map X yet */
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);

		ev = (struct bg){ .fn = bg_evict, .dev = 0 };
		bg_start(&ev);
		usleep(300000);
		igt_assert_f(!atomic_load(&ev.done), "prime_evict returned (%d) while a job "
			     "queued before the MAP could still write the buffer\n", ev.ret);
		sem_set(&c, 1);
		igt_assert_eq(vsvm_job_end(c.fd, s0), 1);
		bg_join(&ev);
		igt_assert_eq(ev.ret, 0);
		memcpy(&v, xmap + 3 * PAGE + 8, 4);
		igt_assert_eq_u32(v, 0x600dcafe);

		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: a static (non-dynamic) importer pins; pinned buffers are not moved. */
	igt_describe("A buffer that vgem (a static importer) imported is pinned: "
		     "prime_evict skips it and its dynamic importers get no move_notify; "
		     "once vgem lets it go, it is evicted like the others.");
	igt_subtest("move-notify-pinned") {
		struct base b;
		struct prime_counts a0, c0, a1, c1;
		struct ctx a, c;
		uint32_t x, y, xb, yb, vh;
		uint8_t *xmap, *ymap;
		int vg, xbuf, ybuf;

		require_two_devices();
		require_move_notify();
		vg = vsvm_open_vgem();
		igt_require_f(vg >= 0, "no vgem device\n");
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		y = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		ymap = vsvm_gem_mmap(a.fd, y, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 40);
		fill_pat(ymap, 0, X_SIZE, 41);
		xbuf = prime_export(a.fd, x);
		ybuf = prime_export(a.fd, y);
		vh = prime_import(vg, ybuf);	/* vgem pins Y */
		xb = prime_import(c.fd, xbuf);
		yb = prime_import(c.fd, ybuf);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, yb, 0, Y_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		vsvm_emit_copy(CS(&c), BO_VA + R1, Y_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 40);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 41);

		a0 = counts(0);
		c0 = counts(1);
		evict(0);
		a1 = counts(0);
		c1 = counts(1);
		igt_assert_eq_s64(a1.evictions, a0.evictions + 1);		/* X */
		igt_assert_eq_s64(a1.skipped_pinned, a0.skipped_pinned + 1);	/* Y */
		igt_assert_eq_s64(c1.move_notifies, c0.move_notifies + 1);

		fill_pat(xmap, 0, X_SIZE, 42);
		fill_pat(ymap, 0, X_SIZE, 43);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		vsvm_emit_copy(CS(&c), BO_VA + R1, Y_VA, X_SIZE);
		vsvm_emit_store32(CS(&c), Y_VA + 16, 0x1badb002);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 42);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 43);
		igt_assert_eq_u32(*(uint32_t *)(ymap + 16), 0x1badb002);
		igt_assert_cmps64(c1.maps, <, >=, counts(1).maps);

		/* vgem lets Y go: Y is evicted too. */
		vsvm_gem_close(vg, vh);
		a0 = counts(0);
		c0 = counts(1);
		evict(0);
		a1 = counts(0);
		igt_assert_eq_s64(a1.evictions, a0.evictions + 2);
		igt_assert_eq_s64(a1.skipped_pinned, a0.skipped_pinned);
		igt_assert_eq_s64(counts(1).move_notifies, c0.move_notifies + 2);
		fill_pat(ymap, 0, X_SIZE, 44);
		vsvm_emit_copy(CS(&c), BO_VA + R2, Y_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R2, 0, X_SIZE, 44);

		munmap(xmap, X_SIZE);
		munmap(ymap, X_SIZE);
		close(xbuf);
		close(ybuf);
		ctx_fini(&c);
		ctx_fini(&a);
		close(vg);
		finish(&b);
	}

	/* I1, I9, I10: a userptr's pages follow the CPU; no other device may map them. */
	igt_describe("PRIME export of a userptr is refused with -EINVAL, in notifier and "
		     "in registration (PIN_LONGTERM) mode and read-only; the userptr "
		     "still works, and nothing was exported.");
	igt_subtest("userptr-export-refused") {
		struct base b = base_now();
		struct prime_counts c0 = counts(0);
		struct ctx c;
		uint8_t *buf;
		uint32_t h;

		ctx_init(&c, 0);
		/* Notifier mode only: a registration exports (below). */
		userptr_export_refused(c.fd, 0);
		userptr_export_refused(c.fd, DRM_VSVM_USERPTR_READ_ONLY);

		/* A refused userptr still works on the GPU. */
		buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(buf != MAP_FAILED);
		fill_pat(buf, 0, 4 * PAGE, 45);
		h = vsvm_gem_userptr(c.fd, buf, 4 * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, X_VA, 4 * PAGE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA, X_VA, 4 * PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map, 0, 4 * PAGE, 45);

		/* Nothing is exported: an eviction finds nothing. */
		evict(0);
		igt_assert_eq_s64(counts(0).evictions, c0.evictions);
		igt_assert_eq_s64(counts(0).skipped_pinned, c0.skipped_pinned);

		ctx_fini(&c);
		munmap(buf, 4 * PAGE);
		finish(&b);
	}


	/* I9, I11: a registration's pages are stable, so it exports. */
	igt_describe("A registration-mode userptr exports: the other device imports it, "
		     "reads what the CPU wrote there and writes where the CPU sees it; "
		     "everything is let go of at the end.");
	igt_subtest("registration-export") {
		struct base b;
		struct ctx e, i;
		long long lt0 = longterm_pages();
		uint32_t h, xi;
		uint8_t *buf;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&e, 0);
		ctx_init(&i, 1);
		buf = mmap(NULL, X_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(buf != MAP_FAILED);
		fill_pat(buf, 0, X_SIZE, 61);
		h = vsvm_gem_userptr(e.fd, buf, X_SIZE, DRM_VSVM_USERPTR_PIN_LONGTERM);
		dmabuf = prime_export(e.fd, h);
		xi = prime_import(i.fd, dmabuf);
		close(dmabuf);
		igt_assert_eq_u32(gem_info(i.fd, xi).imported, 1);
		igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&i), BO_VA, X_VA, X_SIZE);
		igt_assert_eq(run(&i), 1);
		assert_pat(i.bo_map, 0, X_SIZE, 61);
		/* The same pages: CPU writes show, and GPU writes land there. */
		fill_pat(buf, 0, PAGE, 62);
		vsvm_emit_copy(CS(&i), BO_VA, X_VA, PAGE);
		vsvm_emit_fill(CS(&i), X_VA + PAGE, 0x6b6b6b6b, PAGE);
		igt_assert_eq(run(&i), 1);
		assert_pat(i.bo_map, 0, PAGE, 62);
		assert_bytes(buf + PAGE, PAGE, 0x6b);

		igt_assert_eq(vsvm_vm_unmap(i.fd, i.vm, X_VA, X_SIZE), 0);
		ctx_fini(&i);
		ctx_fini(&e);
		igt_assert_f(longterm_pages_become(lt0), "long-term pins not given back\n");
		munmap(buf, X_SIZE);
		finish(&b);
	}

	/*
	 * I6, I9, I11: the registering process exits while the other device
	 * has its pages mapped: the importer is told to give them back and the
	 * pins go; where the kernel pins for dynamic importers (no
	 * CONFIG_DMABUF_MOVE_NOTIFY), the pages stay until the importer lets go.
	 */
	igt_describe("The registering process exits while another device's VM maps its "
		     "exported registration: with move_notify the importer drops it (its "
		     "next EXEC fails with EFAULT) and the pins go at once; without, the "
		     "importer keeps the pages until it unbinds them.");
	igt_subtest("registration-export-mm-exit") {
		struct base b;
		long long lt0 = longterm_pages();
		int sv[2], dmabuf, status;
		bool mn;
		uint32_t xi;
		struct ctx i;
		char go = 1;
		pid_t child;

		require_two_devices();
		b = base_now();
		mn = vsvm_debugfs_get(dbg[0], "vsvm_prime", "move_notify") == 1;
		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		child = fork();
		igt_assert(child >= 0);
		if (child == 0) {
			uint8_t *buf = mmap(NULL, X_SIZE, PROT_READ | PROT_WRITE,
					    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			int fd = open_dev(0);
			uint32_t h;

			alarm(20);
			close(sv[0]);
			fill_pat(buf, 0, X_SIZE, 71);
			h = vsvm_gem_userptr(fd, buf, X_SIZE, DRM_VSVM_USERPTR_PIN_LONGTERM);
			sock_send_fd(sv[1], prime_export(fd, h));
			/* Exit when told, with the vsvm file still open to the end. */
			igt_assert_eq(read(sv[1], &go, 1), 1);
			_exit(0);
		}
		close(sv[1]);
		dmabuf = sock_recv_fd(sv[0]);
		ctx_init(&i, 1);
		xi = prime_import(i.fd, dmabuf);
		close(dmabuf);
		igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&i), BO_VA, X_VA, X_SIZE);
		igt_assert_eq(run(&i), 1);
		assert_pat(i.bo_map, 0, X_SIZE, 71);
		igt_assert_eq(longterm_pages(), lt0 + (long long)(X_SIZE / PAGE));

		igt_assert_eq(write(sv[0], &go, 1), 1);
		igt_assert_eq(waitpid(child, &status, 0), child);
		igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		close(sv[0]);

		if (mn) {
			igt_assert_f(longterm_pages_become(lt0),
				     "pins not given back at the exporter's mm exit\n");
			memset(i.bo_map, 0, PAGE);
			vsvm_emit_copy(CS(&i), BO_VA, X_VA, PAGE);
			igt_assert_eq(exec_errno(&i), -EFAULT);
		} else {
			/* The importer's pin keeps the pages, and the data. */
			usleep(100000);
			igt_assert_eq(longterm_pages(), lt0 + (long long)(X_SIZE / PAGE));
			memset(i.bo_map, 0, X_SIZE);
			vsvm_emit_copy(CS(&i), BO_VA, X_VA, X_SIZE);
			igt_assert_eq(run(&i), 1);
			assert_pat(i.bo_map, 0, X_SIZE, 71);
		}
		igt_assert_eq(vsvm_vm_unmap(i.fd, i.vm, X_VA, X_SIZE), 0);
		vsvm_gem_close(i.fd, xi);
		igt_assert_f(longterm_pages_become(lt0), "pins not given back at the end\n");
		ctx_fini(&i);
		finish(&b);
	}


	/*
	 * I10: a read-only registration never leaves the device: an
	 * unprivileged process that may only read a root-owned file must not
	 * be able to write it through another device's import.
	 */
	igt_describe("uid 65534 registers (READ_ONLY | PIN_LONGTERM) a read-only "
		     "MAP_SHARED mapping of a root-owned 0644 file and tries to export it, "
		     "import it on the other device and FILL it there: the export fails "
		     "with EACCES and the file is unchanged.  The owner root gets EACCES too.");
	igt_subtest("registration-export-read-only") {
		char path[] = "/tmp/vsvm-prime-ro-XXXXXX", node[2][64];
		struct stat st[2];
		struct base b;
		int f, sv[2], status, ret, attack, dmabuf, i;
		uint8_t *map;
		uint32_t h;
		pid_t child;

		require_two_devices();
		b = base_now();
		/* As root: the file, 0644, and the render nodes open to all. */
		f = mkstemp(path);
		igt_assert_fd(f);
		fill_pat(want, 0, X_SIZE, 81);
		igt_assert_eq(write(f, want, X_SIZE), (ssize_t)X_SIZE);
		igt_assert_eq(fchmod(f, 0644), 0);
		close(f);
		for (i = 0; i < 2; i++) {
			render_path(i, node[i], sizeof(node[i]));
			igt_assert_eq(stat(node[i], &st[i]), 0);
			igt_assert_eq(chmod(node[i], 0666), 0);
		}

		f = open(path, O_RDONLY | O_CLOEXEC);
		igt_assert_fd(f);
		map = mmap(NULL, X_SIZE, PROT_READ, MAP_SHARED, f, 0);
		igt_assert(map != MAP_FAILED);
		close(f);

		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		child = fork();
		igt_assert(child >= 0);
		if (child == 0) {
			uint8_t *m;
			int d0, d1;

			alarm(20);
			close(sv[0]);
			if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
				_exit(2);
			/* Unprivileged now: the file can be read, not written. */
			if (open(path, O_RDWR) >= 0 || errno != EACCES)
				_exit(3);
			f = open(path, O_RDONLY | O_CLOEXEC);
			m = f < 0 ? MAP_FAILED : mmap(NULL, X_SIZE, PROT_READ, MAP_SHARED, f, 0);
			d0 = open(node[0], O_RDWR | O_CLOEXEC);
			d1 = open(node[1], O_RDWR | O_CLOEXEC);
			if (m == MAP_FAILED || d0 < 0 || d1 < 0)
				_exit(4);
			if (__vsvm_gem_userptr(d0, (uintptr_t)m, X_SIZE,
					       DRM_VSVM_USERPTR_READ_ONLY |
					       DRM_VSVM_USERPTR_PIN_LONGTERM, &h))
				_exit(5);
			ret = prime_export_errno(d0, h, &dmabuf);
			/* The attack: a writable bind on device 1, and a FILL. */
			attack = ret ? 1 : fill_import(d1, dmabuf, X_SIZE, 0x66666666);
			igt_assert_eq(write(sv[1], &ret, sizeof(ret)), (ssize_t)sizeof(ret));
			igt_assert_eq(write(sv[1], &attack, sizeof(attack)),
				      (ssize_t)sizeof(attack));
			_exit(0);
		}
		close(sv[1]);
		igt_assert_eq(waitpid(child, &status, 0), child);
		for (i = 0; i < 2; i++)
			igt_assert_eq(chmod(node[i], st[i].st_mode & 07777), 0);
		igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
			     "the unprivileged child failed (status %#x)\n", status);
		igt_assert_eq(read(sv[0], &ret, sizeof(ret)), (ssize_t)sizeof(ret));
		igt_assert_eq(read(sv[0], &attack, sizeof(attack)), (ssize_t)sizeof(attack));
		close(sv[0]);
		igt_info("uid 65534: export %d, FILL through the import %d\n", ret, attack);

		/* The file's bytes, through the page cache and as read(2) sees them. */
		assert_same(map, want, X_SIZE);
		{
			static uint8_t got[X_SIZE];

			f = open(path, O_RDONLY | O_CLOEXEC);
			igt_assert_fd(f);
			igt_assert_eq(pread(f, got, X_SIZE, 0), (ssize_t)X_SIZE);
			close(f);
			assert_same(got, want, X_SIZE);
		}
		igt_assert_eq(ret, -EACCES);

		/* Nor may the owner of the memory, root here, export it. */
		{
			int fd = open_dev(0);

			h = vsvm_gem_userptr(fd, map, X_SIZE, DRM_VSVM_USERPTR_READ_ONLY |
					     DRM_VSVM_USERPTR_PIN_LONGTERM);
			igt_assert_eq(prime_export_errno(fd, h, &dmabuf), -EACCES);
			vsvm_gem_close(fd, h);
			close(fd);
		}
		munmap(map, X_SIZE);
		unlink(path);
		finish(&b);
	}

	/*
	 * I7: a registration belongs to its address space; exporting it is a
	 * use of it like VM_BIND and EXEC.
	 */
	igt_describe("A registration exported from another address space: a child "
		     "using the inherited file, then (after the owner exported it "
		     "itself) a child that received the file over a unix socket; both "
		     "get EPERM, and the registering process's memory is unchanged.");
	igt_subtest("registration-export-other-mm") {
		struct base b;
		int fd, sv[2], status, ret, attack, own, round;
		uint32_t h, xi;
		uint8_t *buf;
		struct ctx i;
		pid_t child;

		require_two_devices();
		b = base_now();
		buf = mmap(NULL, X_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(buf != MAP_FAILED);
		fill_pat(buf, 0, X_SIZE, 91);
		fd = open_dev(0);
		h = vsvm_gem_userptr(fd, buf, X_SIZE, DRM_VSVM_USERPTR_PIN_LONGTERM);
		own = -1;
		for (round = 0; round < 2; round++) {
			/* Round 1: the owner's dma-buf exists, and the file caches it. */
			if (round == 1)
				own = prime_export(fd, h);
			igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
			child = fork();
			igt_assert(child >= 0);
			if (child == 0) {
				int f = fd, dmabuf;

				alarm(20);
				close(sv[0]);
				if (round == 1) {
					/* Only the file passed over the socket. */
					close(fd);
					if (own >= 0)
						close(own);
					f = sock_recv_fd(sv[1]);
				}
				ret = prime_export_errno(f, h, &dmabuf);
				attack = ret ? 1 : fill_import(open_dev(1), dmabuf, X_SIZE,
							       0x77777777);
				igt_assert_eq(write(sv[1], &ret, sizeof(ret)),
					      (ssize_t)sizeof(ret));
				igt_assert_eq(write(sv[1], &attack, sizeof(attack)),
					      (ssize_t)sizeof(attack));
				_exit(0);
			}
			close(sv[1]);
			if (round == 1)
				sock_send_fd(sv[0], fd);
			igt_assert_eq(waitpid(child, &status, 0), child);
			igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			igt_assert_eq(read(sv[0], &ret, sizeof(ret)), (ssize_t)sizeof(ret));
			igt_assert_eq(read(sv[0], &attack, sizeof(attack)),
				      (ssize_t)sizeof(attack));
			close(sv[0]);
			igt_info("round %d: export from another mm %d, FILL through it %d\n",
				 round, ret, attack);
			assert_pat(buf, 0, X_SIZE, 91);
			igt_assert_eq(ret, -EPERM);
		}

		/* The owner's own export works, and reaches the memory. */
		ctx_init(&i, 1);
		xi = prime_import(i.fd, own);
		close(own);
		igt_assert_eq(vsvm_vm_map(i.fd, i.vm, xi, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&i), BO_VA, X_VA, X_SIZE);
		igt_assert_eq(run(&i), 1);
		assert_pat(i.bo_map, 0, X_SIZE, 91);
		ctx_fini(&i);
		vsvm_gem_close(fd, h);
		close(fd);
		munmap(buf, X_SIZE);
		finish(&b);
	}

	/*
	 * I6, I11: the registering process exits while a static importer
	 * (vgem) lets go of its pin: both queue the release of the pages, and
	 * the registration must still be freed, every time.
	 */
	igt_describe("160 times: a child registers and exports, vgem imports (pins) it, "
		     "and the child exits while vgem unpins (vgem's file is the child's, "
		     "closed by its exit, or the parent's, closed at varying points of "
		     "the exit); every registration and its long-term pins are given back.");
	igt_subtest("registration-export-exit-unpin") {
		long long u0, lt0, u, lt;
		int vg, sv[2], dmabuf, status, i, j;
		struct base b;
		uint32_t vh;
		char go = 1;
		pid_t child;

		vg = vsvm_open_vgem();
		igt_require_f(vg >= 0, "no vgem device\n");
		b = base_now();
		u0 = userptrs();
		lt0 = longterm_pages();
		for (i = 0; i < 160; i++) {
			/* Even: the child's own vgem file, closed right after its mm goes. */
			bool child_vgem = !(i % 2);

			igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
			child = fork();
			igt_assert(child >= 0);
			if (child == 0) {
				uint8_t *buf = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE,
						    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
				int fd = open_dev(0), cvg;
				uint32_t h;

				alarm(20);
				close(sv[0]);
				memset(buf, i, 4 * PAGE);
				h = vsvm_gem_userptr(fd, buf, 4 * PAGE,
						     DRM_VSVM_USERPTR_PIN_LONGTERM);
				dmabuf = prime_export(fd, h);
				if (child_vgem) {
					cvg = vsvm_open_vgem();
					igt_assert_fd(cvg);
					prime_import(cvg, dmabuf);
				}
				sock_send_fd(sv[1], dmabuf);
				igt_assert_eq(read(sv[1], &go, 1), 1);
				if (child_vgem) {
					struct sched_param sp = { .sched_priority = 1 };

					/*
					 * Real-time, so that the worker the mm's
					 * release queues on this CPU cannot start
					 * before this exit closes vgem's file and
					 * unpins: the unpin then finds it pending.
					 */
					sched_setscheduler(0, SCHED_FIFO, &sp);
				}
				_exit(0);
			}
			close(sv[1]);
			dmabuf = sock_recv_fd(sv[0]);
			/* vgem attaches statically: a pin. */
			vh = child_vgem ? 0 : prime_import(vg, dmabuf);
			close(dmabuf);
			igt_assert_eq(write(sv[0], &go, 1), 1);
			/*
			 * Odd: unpin at a point of the child's exit swept
			 * from 0 to 2 ms after telling it to go; even: the
			 * child's exit closes its own vgem file.
			 */
			if (!child_vgem) {
				uint64_t until = vsvm_now_ns() + (i / 2 % 40) * 50000ull;

				while (vsvm_now_ns() < until)
					;
				vsvm_gem_close(vg, vh);
			}
			igt_assert_eq(waitpid(child, &status, 0), child);
			igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			close(sv[0]);
		}
		for (j = 0; j < 500; j++) {
			u = userptrs();
			lt = longterm_pages();
			if (u == u0 && lt == lt0)
				break;
			usleep(10000);
		}
		igt_assert_f(u == u0, "%lld of 160 registrations leaked (userptrs %lld, was %lld)\n",
			     u - u0, u, u0);
		igt_assert_f(lt == lt0, "long-term pinned pages %lld, was %lld\n", lt, lt0);
		close(vg);
		finish(&b);
	}

	/*
	 * I9 with timelines: a job's fence at a timeline point, converted to a
	 * binary syncobj and a sync_file, goes into the dma-buf as a writer;
	 * the other device's job on the buffer waits for it.  And the other
	 * way: the buffer's fences, exported as a sync_file, become a timeline
	 * point a job waits on.
	 */
	igt_describe("Timeline syncobj conversion: a vsvm job's timeline point, transferred "
		     "to a binary syncobj and imported into the dma-buf, holds the other "
		     "device's job; the dma-buf's exported sync_file, imported at a "
		     "timeline point, holds a job that waits on that point.");
	igt_subtest("sync-file-timeline") {
		struct drm_vsvm_sync tl_out = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 5 };
		struct drm_vsvm_sync tl_in = { .flags = DRM_VSVM_SYNC_TIMELINE, .point = 7 };
		struct dma_buf_export_sync_file ex = { .flags = DMA_BUF_SYNC_WRITE };
		struct drm_vsvm_sync s3 = { 0 };
		struct drm_vsvm_exec e;
		struct base b;
		struct ctx a, c;
		uint32_t x, xb, tl, bin, tmp, s1;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);	/* not mapped in a.vm */
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 17);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);

		/* Device 0 spins and signals timeline point 5. */
		igt_assert_eq(drmSyncobjCreate(a.fd, 0, &tl), 0);
		vsvm_emit_spin(CS(&a), SEM_VA, 1);
		e = (struct drm_vsvm_exec){
			.vm_id = a.vm, .cs_addr = CMD_VA + a.first * 4ull,
			.cs_size = (a.n - a.first) * 4ull,
			.out_syncs = (uintptr_t)&tl_out, .num_out_syncs = 1,
		};
		tl_out.handle = tl;
		do_ioctl(a.fd, DRM_IOCTL_VSVM_EXEC, &e);
		a.first = a.n;
		/* Point 5 -> a binary syncobj -> a sync_file -> the dma-buf. */
		igt_assert_eq(drmSyncobjCreate(a.fd, 0, &bin), 0);
		igt_assert_eq(drmSyncobjTransfer(a.fd, bin, 0, tl, 5, 0), 0);
		import_sync_file(dmabuf, DMA_BUF_SYNC_WRITE, a.fd, bin);

		/* Device 1's job on the buffer waits for the spin. */
		vsvm_emit_copy(CS(&c), BO_VA, X_VA, X_SIZE);
		s1 = submit(&c, c.vm, 0);
		igt_assert_eq(vsvm_wait_ms(c.fd, s1, 300), -ETIME);
		/* The dma-buf's fences, as a sync_file, at point 7 of device 1's timeline. */
		igt_assert_eq(ioctl(dmabuf, DMA_BUF_IOCTL_EXPORT_SYNC_FILE, &ex), 0);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tmp), 0);
		igt_assert_eq(drmSyncobjImportSyncFile(c.fd, tmp, ex.fd), 0);
		close(ex.fd);
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &tl_in.handle), 0);
		igt_assert_eq(drmSyncobjTransfer(c.fd, tl_in.handle, 7, tmp, 0, 0), 0);
		/* A job of device 1 waiting on point 7 waits too. */
		igt_assert_eq(drmSyncobjCreate(c.fd, 0, &s3.handle), 0);
		vsvm_emit_store32(CS(&c), BO_VA + R1, 0x7e7e7e7e);
		e = (struct drm_vsvm_exec){
			.vm_id = c.vm, .queue = 1, .cs_addr = CMD_VA + c.first * 4ull,
			.cs_size = (c.n - c.first) * 4ull,
			.in_syncs = (uintptr_t)&tl_in, .num_in_syncs = 1,
			.out_syncs = (uintptr_t)&s3, .num_out_syncs = 1,
		};
		do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
		c.first = c.n;
		usleep(200000);
		igt_assert_eq(vsvm_fence_status(c.fd, s1), 0);
		igt_assert_eq(vsvm_fence_status(c.fd, s3.handle), 0);
		igt_assert_eq(c.bo_map[R1], 0);

		sem_set(&a, 1);
		igt_assert_eq(vsvm_job_end(c.fd, s1), 1);
		assert_pat(c.bo_map, 0, X_SIZE, 17);
		igt_assert_eq(vsvm_job_end(c.fd, s3.handle), 1);
		igt_assert_eq(c.bo_map[R1], 0x7e);
		drmSyncobjDestroy(c.fd, tmp);
		drmSyncobjDestroy(c.fd, tl_in.handle);

		drmSyncobjDestroy(a.fd, tl);
		drmSyncobjDestroy(a.fd, bin);
		close(dmabuf);
		munmap(xmap, X_SIZE);
		vsvm_gem_close(a.fd, x);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: the import holds its own references. */
	igt_describe("Closing the dma-buf fd, then the importer's handle, while the "
		     "import is bound: the importer's jobs still read and write the "
		     "buffer; unbinding frees the import.");
	igt_subtest("close-dmabuf-fd-while-bound") {
		struct base b;
		struct ctx a, c;
		uint32_t x, xb;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 50);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		close(dmabuf);

		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA, 0x24682468, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 50);
		fill_pat(want, 0, X_SIZE, 50);
		fill_cmd(want, 0x24682468, PAGE);
		assert_same(xmap, want, X_SIZE);

		/* The handle too: the mapping keeps the import. */
		vsvm_gem_close(c.fd, xb);
		igt_assert_eq_s64(prime_stat(1, "imports"), b.imports[1] + 1);
		fill_pat(xmap + PAGE, PAGE, X_SIZE - PAGE, 51);
		fill_pat(want + PAGE, PAGE, X_SIZE - PAGE, 51);
		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		vsvm_emit_store32(CS(&c), X_VA + 2 * PAGE, 0x51515151);
		igt_assert_eq(run(&c), 1);
		assert_same(c.bo_map + R1, want, X_SIZE);
		put32(want + 2 * PAGE, 0x51515151);
		assert_same(xmap, want, X_SIZE);

		/* Also across an eviction. */
		evict(0);
		vsvm_emit_copy(CS(&c), BO_VA + R2, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_same(c.bo_map + R2, want, X_SIZE);

		/* Unbound: the last reference goes, and the import with it. */
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, X_VA, X_SIZE), 0);
		wait_objects(1, vsvm_info_get(dbg[1], "bo_count"), b.imports[1], 3000);
		assert_same(xmap, want, X_SIZE);

		munmap(xmap, X_SIZE);
		ctx_fini(&c);
		ctx_fini(&a);
		finish(&b);
	}

	/* I9: the exporter's file may go first. */
	igt_describe("Closing the exporter's file while the other device holds the "
		     "import: the buffer lives on, the importer's jobs read the "
		     "exporter's data and write the buffer; then everything is freed.");
	igt_subtest("close-exporter-first") {
		struct base b;
		struct ctx a, c;
		uint32_t x, xb;
		uint8_t *xmap;
		int dmabuf;

		require_two_devices();
		b = base_now();
		ctx_init(&a, 0);
		ctx_init(&c, 1);
		x = vsvm_gem_create(a.fd, X_SIZE);
		xmap = vsvm_gem_mmap(a.fd, x, X_SIZE);
		fill_pat(xmap, 0, X_SIZE, 60);
		dmabuf = prime_export(a.fd, x);
		xb = prime_import(c.fd, dmabuf);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, xb, 0, X_VA, X_SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R0, 0, X_SIZE, 60);

		/* The exporter goes: its file, its mapping, the dma-buf fd. */
		munmap(xmap, X_SIZE);
		close(dmabuf);
		ctx_fini(&a);
		wait_objects(0, b.bos[0] + 1, b.imports[0], 3000);	/* X alone lives */

		vsvm_emit_copy(CS(&c), BO_VA + R1, X_VA, X_SIZE);
		vsvm_emit_fill(CS(&c), X_VA + PAGE, 0xc3d2e1f0, 3 * PAGE);
		vsvm_emit_copy(CS(&c), BO_VA + R2, X_VA, X_SIZE);
		igt_assert_eq(run(&c), 1);
		assert_pat(c.bo_map + R1, 0, X_SIZE, 60);
		fill_pat(want, 0, X_SIZE, 60);
		fill_cmd(want + PAGE, 0xc3d2e1f0, 3 * PAGE);
		assert_same(c.bo_map + R2, want, X_SIZE);

		/* Another VM of the importer maps it anew. */
		{
			uint32_t vm2 = ctx_new_vm(&c);

			igt_assert_eq(vsvm_vm_map(c.fd, vm2, xb, 0, X_VA, X_SIZE, 0), 0);
			vsvm_emit_copy(CS(&c), BO_VA + R0, X_VA, X_SIZE);
			igt_assert_eq(run_vm(&c, vm2), 1);
			assert_same(c.bo_map + R0, want, X_SIZE);
		}

		ctx_fini(&c);
		finish(&b);
	}

	/* I9: GEM_INFO tells imports apart. */
	igt_describe("GEM_INFO reports imported=1, the size and no flags for objects "
		     "imported from the other vsvm device, vgem and udmabuf; 0 for "
		     "objects of the device, self-imports and userptrs; re-importing "
		     "into a file gives the same handle and no new import.");
	igt_subtest("gem-info-imported") {
		struct base b;
		struct drm_vsvm_gem_info info;
		uint32_t x, xb, z, za, h;
		uint8_t *buf;
		int f, g, dmabuf, zbuf;

		require_two_devices();
		b = base_now();
		f = open_dev(0);
		g = open_dev(1);
		x = vsvm_gem_create(f, X_SIZE);
		assert_imported(f, x, X_SIZE, 0);
		dmabuf = prime_export(f, x);
		igt_assert_eq_u32(prime_import(f, dmabuf), x);
		assert_imported(f, x, X_SIZE, 0);

		xb = prime_import(g, dmabuf);
		assert_imported(g, xb, X_SIZE, 1);
		igt_assert_eq_s64(prime_stat(1, "imports"), b.imports[1] + 1);
		igt_assert_eq_u32(prime_import(g, dmabuf), xb);
		igt_assert_eq_s64(prime_stat(1, "imports"), b.imports[1] + 1);
		info = (struct drm_vsvm_gem_info){ .handle = xb, .pad = 1 };
		do_ioctl_err(g, DRM_IOCTL_VSVM_GEM_INFO, &info, EINVAL);

		/* The other way. */
		z = vsvm_gem_create(g, 3 * PAGE);
		zbuf = prime_export(g, z);
		za = prime_import(f, zbuf);
		assert_imported(f, za, 3 * PAGE, 1);
		assert_imported(g, z, 3 * PAGE, 0);
		igt_assert_eq_s64(prime_stat(0, "imports"), b.imports[0] + 1);
		close(zbuf);

		/* A userptr is not an import. */
		buf = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(buf != MAP_FAILED);
		h = vsvm_gem_userptr(f, buf, PAGE, 0);
		info = gem_info(f, h);
		igt_assert_eq_u32(info.flags, DRM_VSVM_GEM_INFO_USERPTR);
		igt_assert_eq_u32(info.imported, 0);
		vsvm_gem_close(f, h);
		munmap(buf, PAGE);

		/* vgem and udmabuf, where the system has them. */
		{
			int vg = vsvm_open_vgem();

			if (vg >= 0) {
				uint8_t *vmap;
				uint32_t vh = vgem_create(vg, 8 * PAGE, &vmap);
				int vbuf = prime_export(vg, vh);

				h = prime_import(f, vbuf);
				assert_imported(f, h, 8 * PAGE, 1);
				vsvm_gem_close(f, h);
				close(vbuf);
				munmap(vmap, 8 * PAGE);
				close(vg);
			} else {
				igt_info("no vgem: its import is not checked\n");
			}
		}
		{
			int ud = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);

			if (ud >= 0) {
				int memfd = sealed_memfd(8 * PAGE);
				int ubuf = udmabuf_create(ud, memfd, PAGE, 4 * PAGE);

				h = prime_import(f, ubuf);
				assert_imported(f, h, 4 * PAGE, 1);
				vsvm_gem_close(f, h);
				close(ubuf);
				close(memfd);
				close(ud);
			} else {
				igt_info("no /dev/udmabuf: its import is not checked\n");
			}
		}

		/* Closing the handles frees the imports. */
		vsvm_gem_close(g, xb);
		vsvm_gem_close(f, za);
		wait_objects(1, vsvm_info_get(dbg[1], "bo_count"), b.imports[1], 3000);
		wait_objects(0, vsvm_info_get(dbg[0], "bo_count"), b.imports[0], 3000);

		close(dmabuf);
		close(g);
		close(f);
		finish(&b);
	}

	igt_fixture {
		close(dbg[0]);
		if (dbg[1] >= 0)
			close(dbg[1]);
	}
}
