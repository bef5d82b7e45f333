// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm shrinker
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shrinker
 * Description: Under memory pressure (drop_caches=2 runs every shrinker)
 *	idle buffer objects give their pages back to shmem and come back on
 *	next use with their contents; busy, pinned and CPU-mapped ones stay;
 *	importers of an evicted object re-map it (I9), also when the
 *	exporter closed its last GEM handle; the shrinker only
 *	try-locks (I2) and the DMA checker stays silent (I10).
 *
 * SUBTEST: evict-and-restore
 * Description: An idle, bound BO is evicted by the shrinker (its pages go back to
 *		shmem) and restored on the next EXEC with its contents, both what the
 *		CPU wrote and what the GPU wrote.
 *
 * SUBTEST: busy-not-evicted
 * Description: A BO a spinning job may use is not evicted; the job then runs to
 *		completion with correct results.
 *
 * SUBTEST: cpu-mapped-not-evicted
 * Description: A bound BO that is also CPU-mapped is not evicted.
 *
 * SUBTEST: evict-exported
 * Description: An evicted BO exported to the other vsvm device: the importer gets
 *		move_notify, drops its mapping and maps it again for its next job,
 *		which reads the right data.
 *
 * SUBTEST: evict-exported-handle-closed
 * Description: A BO bound on both devices whose exporter closed its GEM handle (only
 *		its mapping and the import keep it): the shrinker tells the importer
 *		(move_notify) before the pages go, with no warning, and both GPUs then
 *		read the right data.
 *
 * SUBTEST: unmap-after-evict
 * Description: A mapping evicted, then cut in the middle by UNMAP: the pieces left
 *		are restored by the next EXEC and read right; the hole faults.
 *
 * SUBTEST: pressure-loop
 * Description: Eight BOs bound while the shrinker runs between jobs, 2 s: every copy
 *		right, the checker silent, everything freed at the end.
 *
 * SUBTEST: tracepoints
 * Description: The eviction tracepoints: the shrinker's vsvm_evict on the
 *		exporting device and the importer's vsvm_move_notify on the other, first (I9),
 *		each with its device's index and client 0 (an object's event).
 */

#include <linux/sync_file.h>
#include <sys/ioctl.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define CMD_VA 0x1000000ull
#define SRC_VA 0x2000000ull
#define DST_VA 0x3000000ull
#define SEM_VA 0x4000000ull
#define SIZE (16 * PAGE)

struct ctx {
	int fd;
	uint32_t vm, cmd_bo, dst_bo, sem_bo;
	uint32_t *cmd, *sem;
	uint8_t *dst;
	unsigned int n;
};

/* The emitter arguments of vsvm_igt.h for @c's command buffer. */
#define CS(c) (c)->cmd, &(c)->n, PAGE / 4

static void ctx_init(struct ctx *c, int fd)
{
	c->fd = fd;
	c->vm = vsvm_vm_create(fd, 0);
	c->cmd_bo = vsvm_gem_create(fd, PAGE);
	c->dst_bo = vsvm_gem_create(fd, SIZE);
	c->sem_bo = vsvm_gem_create(fd, PAGE);
	/* These stay CPU-mapped, so the shrinker leaves them alone. */
	c->cmd = vsvm_gem_mmap(fd, c->cmd_bo, PAGE);
	c->dst = vsvm_gem_mmap(fd, c->dst_bo, SIZE);
	c->sem = vsvm_gem_mmap(fd, c->sem_bo, PAGE);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->cmd_bo, 0, CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->dst_bo, 0, DST_VA, SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->sem_bo, 0, SEM_VA, PAGE, 0), 0);
	c->n = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, PAGE);
	munmap(c->dst, SIZE);
	munmap(c->sem, PAGE);
	close(c->fd);
}

static uint32_t submit(struct ctx *c)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .cs_addr = CMD_VA, .cs_size = c->n * 4,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	c->n = 0;
	return out.handle;
}

static int run(struct ctx *c)
{
	return vsvm_job_end(c->fd, submit(c));
}

static long long shr(int fd, const char *key)
{
	long long v = vsvm_debugfs_get(fd, "vsvm_shrinker", key);

	igt_assert_f(v >= 0, "debugfs vsvm_shrinker has no %s\n", key);
	return v;
}

static long long violations(int fd)
{
	return vsvm_debugfs_get(fd, "dmachk", "violations");
}

/* Runs every shrinker, as memory pressure would. */
static void drop_caches(void)
{
	int f = open("/proc/sys/vm/drop_caches", O_WRONLY);

	igt_require_f(f >= 0, "no /proc/sys/vm/drop_caches\n");
	igt_assert_eq(write(f, "2", 1), 1);
	close(f);
}

/* A BO filled with @seed's pattern through a CPU mapping that is then gone. */
static uint32_t bo_with_pattern(int fd, uint64_t size, uint8_t seed)
{
	uint32_t bo = vsvm_gem_create(fd, size);
	uint8_t *p = vsvm_gem_mmap(fd, bo, size);
	uint64_t i;

	for (i = 0; i < size; i++)
		p[i] = seed + i * 7;
	munmap(p, size);
	return bo;
}

static void check_pattern(const uint8_t *p, uint64_t size, uint8_t seed)
{
	uint64_t i;

	for (i = 0; i < size; i++)
		igt_assert_f(p[i] == (uint8_t)(seed + i * 7), "byte %" PRIu64 ": %#x, want %#x\n",
			     i, p[i], (uint8_t)(seed + i * 7));
}

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require(vsvm_is_vsvm(fd));
		close(fd);
	}

	/* I10: evicted pages are never reached; they come back with their data. */
	igt_describe("An idle, bound BO is evicted by the shrinker (its pages go back to "
		     "shmem) and restored on the next EXEC with its contents, both what the "
		     "CPU wrote and what the GPU wrote.");
	igt_subtest("evict-and-restore") {
		struct ctx c;
		long long ev, res, resident, fdres, v0;
		uint32_t bo;
		uint8_t *p;

		ctx_init(&c, drm_open_driver(DRIVER_VSVM));
		v0 = violations(c.fd);
		bo = bo_with_pattern(c.fd, SIZE, 3);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&c), 1);
		check_pattern(c.dst, SIZE, 3);

		ev = shr(c.fd, "evictions");
		res = shr(c.fd, "restores");
		resident = shr(c.fd, "resident_pages");
		fdres = vsvm_fdinfo_value(c.fd, "drm-resident-memory");
		igt_assert_cmps64(fdres, >=, <, (long long)(2 * SIZE));
		drop_caches();
		igt_assert_f(shr(c.fd, "evictions") > ev, "the idle BO was not evicted\n");
		igt_assert_cmps64(shr(c.fd, "resident_pages"), <=, >, resident - (long long)(SIZE / PAGE));
		/* fdinfo tells the truth: the evicted object is not resident. */
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-resident-memory"), fdres - (long long)SIZE);

		/* The GPU reads it again (restored), and writes into it. */
		memset(c.dst, 0, SIZE);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, SIZE);
		vsvm_emit_fill(CS(&c), SRC_VA, 0x5a5a5a5a, PAGE);
		igt_assert_eq(run(&c), 1);
		check_pattern(c.dst, SIZE, 3);
		igt_assert_f(shr(c.fd, "restores") > res, "no restore was counted\n");

		/* Evicted again: the GPU's write must survive in shmem. */
		ev = shr(c.fd, "evictions");
		drop_caches();
		igt_assert_cmps64(shr(c.fd, "evictions"), >, <=, ev);
		p = vsvm_gem_mmap(c.fd, bo, SIZE);
		igt_assert_eq(p[0], 0x5a);
		igt_assert_eq(p[PAGE - 1], 0x5a);
		check_pattern(p + PAGE, SIZE - PAGE, (uint8_t)(3 + PAGE * 7));
		munmap(p, SIZE);
		igt_assert_eq(violations(c.fd), v0);
		ctx_fini(&c);
	}

	/* I2, I10: the shrinker leaves what a job uses. */
	igt_describe("A BO a spinning job may use is not evicted; the job then runs to "
		     "completion with correct results.");
	igt_subtest("busy-not-evicted") {
		struct ctx c;
		long long ev, busy;
		uint32_t bo, s;

		ctx_init(&c, drm_open_driver(DRIVER_VSVM));
		bo = bo_with_pattern(c.fd, SIZE, 9);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		c.sem[0] = 0;
		vsvm_emit_spin(CS(&c), SEM_VA, 1);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, SIZE);
		s = submit(&c);
		usleep(100000);

		ev = shr(c.fd, "evictions");
		busy = shr(c.fd, "skipped_busy");
		drop_caches();
		igt_assert_eq(shr(c.fd, "evictions"), ev);
		igt_assert_f(shr(c.fd, "skipped_busy") > busy, "the busy BO was not looked at\n");
		c.sem[0] = 1;
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);
		check_pattern(c.dst, SIZE, 9);
		ctx_fini(&c);
	}

	/* A CPU mapping holds the pages: evicting would free nothing. */
	igt_describe("A bound BO that is also CPU-mapped is not evicted.");
	igt_subtest("cpu-mapped-not-evicted") {
		struct ctx c;
		long long ev;
		uint32_t bo;
		uint8_t *p;

		ctx_init(&c, drm_open_driver(DRIVER_VSVM));
		bo = vsvm_gem_create(c.fd, SIZE);
		p = vsvm_gem_mmap(c.fd, bo, SIZE);
		memset(p, 0x33, SIZE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&c), 1);
		/* Only the ctx's own (mapped) BOs and this one are resident. */
		ev = shr(c.fd, "evictions");
		drop_caches();
		igt_assert_eq(shr(c.fd, "evictions"), ev);
		p[0] = 0x44;
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, PAGE);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(c.dst[0], 0x44);
		munmap(p, SIZE);
		ctx_fini(&c);
	}

	/* I9: eviction tells the importer, which re-maps on its next job. */
	igt_describe("An evicted BO exported to the other vsvm device: the importer gets "
		     "move_notify, drops its mapping and maps it again for its next job, "
		     "which reads the right data.");
	igt_subtest("evict-exported") {
		struct ctx a, b;
		long long ev, mn, maps;
		uint32_t bo, imported;
		int dmabuf, fd1;

		fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		igt_require_f(fd1 >= 0, "one vsvm device only\n");
		ctx_init(&a, drm_open_driver(DRIVER_VSVM));
		ctx_init(&b, fd1);
		bo = bo_with_pattern(a.fd, SIZE, 21);
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		igt_assert_eq(drmPrimeHandleToFD(a.fd, bo, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(b.fd, dmabuf, &imported), 0);
		close(dmabuf);
		igt_assert_eq(vsvm_vm_map(b.fd, b.vm, imported, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&b), 1);
		check_pattern(b.dst, SIZE, 21);

		ev = shr(a.fd, "evictions");
		mn = vsvm_debugfs_get(b.fd, "vsvm_prime", "move_notifies");
		maps = vsvm_debugfs_get(b.fd, "vsvm_prime", "maps");
		drop_caches();
		if (vsvm_debugfs_get(a.fd, "vsvm_prime", "move_notify") != 1) {
			/* No CONFIG_DMABUF_MOVE_NOTIFY: the importer pins it. */
			igt_assert_eq(shr(a.fd, "evictions"), ev);
			memset(b.dst, 0, SIZE);
			vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
			igt_assert_eq(run(&b), 1);
			check_pattern(b.dst, SIZE, 21);
			ctx_fini(&b);
			ctx_fini(&a);
			igt_skip("no CONFIG_DMABUF_MOVE_NOTIFY: the pinned buffer stayed\n");
		}
		igt_assert_f(shr(a.fd, "evictions") > ev, "the exported BO was not evicted\n");
		igt_assert_cmps64(vsvm_debugfs_get(b.fd, "vsvm_prime", "move_notifies"), >, <=, mn);

		memset(b.dst, 0, SIZE);
		vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&b), 1);
		check_pattern(b.dst, SIZE, 21);
		igt_assert_cmps64(vsvm_debugfs_get(b.fd, "vsvm_prime", "maps"), >, <=, maps);
		/* The exporter's own GPU use restores it too. */
		vsvm_emit_copy(CS(&a), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&a), 1);
		check_pattern(a.dst, SIZE, 21);
		ctx_fini(&b);
		ctx_fini(&a);
	}

	igt_describe("The eviction tracepoints: the shrinker's vsvm_evict on the exporting "
		     "device and the importer's vsvm_move_notify on the other, first (I9), "
		     "each with its device's index and client 0 (an object's event).");
	igt_subtest("tracepoints") {
		static char buf[1 << 17];
		const char *evict, *move;
		struct ctx a, b;
		uint32_t bo, imported;
		int dmabuf, fd1;

		fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		igt_require_f(fd1 >= 0, "one vsvm device only\n");
		ctx_init(&a, drm_open_driver(DRIVER_VSVM));
		ctx_init(&b, fd1);
		igt_require_f(vsvm_debugfs_get(a.fd, "vsvm_prime", "move_notify") == 1,
			      "no CONFIG_DMABUF_MOVE_NOTIFY: importers pin\n");
		bo = bo_with_pattern(a.fd, SIZE, 23);
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		igt_assert_eq(drmPrimeHandleToFD(a.fd, bo, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(b.fd, dmabuf, &imported), 0);
		close(dmabuf);
		igt_assert_eq(vsvm_vm_map(b.fd, b.vm, imported, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&b), 1);

		vsvm_trace_start();
		drop_caches();
		vsvm_trace_stop(buf, sizeof(buf));
		evict = vsvm_trace_assert(buf, "vsvm_evict:", vsvm_info_get(a.fd, "index"), 0,
					  "size=0x10000 pages=16");
		move = vsvm_trace_assert(buf, "vsvm_move_notify:", vsvm_info_get(b.fd, "index"),
					 0, "size=0x10000 mapped=1");
		/* I9: the importer lets go before the exporter's pages go. */
		igt_assert_f(move < evict, "I9: move_notify after the eviction:\n%.3000s\n", buf);
		ctx_fini(&b);
		ctx_fini(&a);
	}

	/*
	 * I9: an object whose GEM handles are all closed still has its
	 * dma-buf, and an importer that maps it: eviction must tell it.
	 */
	igt_describe("A BO bound on both devices whose exporter closed its GEM handle "
		     "(only its mapping and the import keep it): the shrinker tells the "
		     "importer (move_notify) before the pages go, with no warning, and "
		     "both GPUs then read the right data.");
	igt_subtest("evict-exported-handle-closed") {
		struct ctx a, b;
		long long ev, mn, maps;
		uint32_t bo, imported;
		int dmabuf, fd1;
		bool moves;

		fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		igt_require_f(fd1 >= 0, "one vsvm device only\n");
		ctx_init(&a, drm_open_driver(DRIVER_VSVM));
		ctx_init(&b, fd1);
		moves = vsvm_debugfs_get(a.fd, "vsvm_prime", "move_notify") == 1;
		bo = bo_with_pattern(a.fd, SIZE, 27);
		igt_assert_eq(vsvm_vm_map(a.fd, a.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		igt_assert_eq(drmPrimeHandleToFD(a.fd, bo, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(b.fd, dmabuf, &imported), 0);
		close(dmabuf);
		igt_assert_eq(vsvm_vm_map(b.fd, b.vm, imported, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&b), 1);
		check_pattern(b.dst, SIZE, 27);

		/* The exporter's handle goes; its VM's mapping keeps the object. */
		vsvm_gem_close(a.fd, bo);
		ev = shr(a.fd, "evictions");
		mn = vsvm_debugfs_get(b.fd, "vsvm_prime", "move_notifies");
		maps = vsvm_debugfs_get(b.fd, "vsvm_prime", "maps");
		drop_caches();
		if (moves) {
			igt_assert_f(shr(a.fd, "evictions") > ev,
				     "the exported BO whose handle was closed was not evicted\n");
			igt_assert_f(vsvm_debugfs_get(b.fd, "vsvm_prime", "move_notifies") > mn,
				     "the importer was not told that the BO moved\n");
		} else {
			/* No CONFIG_DMABUF_MOVE_NOTIFY: the importer pins it. */
			igt_assert_eq(shr(a.fd, "evictions"), ev);
		}

		/* The importer maps it again and reads the right data. */
		memset(b.dst, 0, SIZE);
		vsvm_emit_copy(CS(&b), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&b), 1);
		check_pattern(b.dst, SIZE, 27);
		if (moves)
			igt_assert_cmps64(vsvm_debugfs_get(b.fd, "vsvm_prime", "maps"), >, <=,
					  maps);
		/* And so does the exporter's GPU, through its remaining mapping. */
		vsvm_emit_copy(CS(&a), DST_VA, SRC_VA, SIZE);
		igt_assert_eq(run(&a), 1);
		check_pattern(a.dst, SIZE, 27);
		ctx_fini(&b);
		ctx_fini(&a);
	}

	/* Pieces of a mapping cut after eviction are restored on their own. */
	igt_describe("A mapping evicted, then cut in the middle by UNMAP: the pieces left "
		     "are restored by the next EXEC and read right; the hole faults.");
	igt_subtest("unmap-after-evict") {
		struct ctx c;
		uint32_t bo;

		ctx_init(&c, drm_open_driver(DRIVER_VSVM));
		bo = bo_with_pattern(c.fd, SIZE, 41);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo, 0, SRC_VA, SIZE, 0), 0);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, PAGE);
		igt_assert_eq(run(&c), 1);
		drop_caches();
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, SRC_VA + 4 * PAGE, 4 * PAGE), 0);
		memset(c.dst, 0, SIZE);
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA, 4 * PAGE);
		vsvm_emit_copy(CS(&c), DST_VA + 8 * PAGE, SRC_VA + 8 * PAGE, 8 * PAGE);
		igt_assert_eq(run(&c), 1);
		check_pattern(c.dst, 4 * PAGE, 41);
		check_pattern(c.dst + 8 * PAGE, 8 * PAGE, (uint8_t)(41 + 8 * PAGE * 7));
		vsvm_emit_copy(CS(&c), DST_VA, SRC_VA + 4 * PAGE, PAGE);
		igt_assert_eq(run(&c), -EFAULT);
		ctx_fini(&c);
	}

	/* I2, I10: eviction and use interleaved many times. */
	igt_describe("Eight BOs bound while the shrinker runs between jobs, 2 s: every "
		     "copy right, the checker silent, everything freed at the end.");
	igt_subtest("pressure-loop") {
		long long v0, bos0;
		unsigned int i, iter;
		uint32_t bo[8];
		uint64_t end;
		struct ctx c;

		ctx_init(&c, drm_open_driver(DRIVER_VSVM));
		v0 = violations(c.fd);
		bos0 = vsvm_info_get(c.fd, "bo_count");
		for (i = 0; i < 8; i++) {
			bo[i] = bo_with_pattern(c.fd, SIZE, 50 + i);
			igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo[i], 0, SRC_VA + i * SIZE, SIZE,
						  0), 0);
		}
		end = vsvm_now_ns() + 2000000000ull;
		for (iter = 0; iter < 4 || vsvm_now_ns() < end; iter++) {
			i = iter % 8;
			if (iter % 3 == 0)
				drop_caches();
			memset(c.dst, 0, SIZE);
			vsvm_emit_copy(CS(&c), DST_VA, SRC_VA + i * SIZE, SIZE);
			igt_assert_eq(run(&c), 1);
			check_pattern(c.dst, SIZE, 50 + i);
		}
		igt_info("pressure-loop: %u iterations, %lld evictions, %lld restores\n", iter,
			 shr(c.fd, "evictions"), shr(c.fd, "restores"));
		igt_assert_eq(violations(c.fd), v0);
		for (i = 0; i < 8; i++)
			vsvm_gem_close(c.fd, bo[i]);
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, SRC_VA, 8 * SIZE), 0);
		igt_assert_eq(vsvm_info_get(c.fd, "bo_count"), bos0);
		ctx_fini(&c);
	}
}
