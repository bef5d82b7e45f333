// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm twodev
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shared virtual memory on two devices
 * Description: Two vsvm devices bound to one address space (one binding per
 *	device, I5), each faulting and migrating: "the other device" as a
 *	preferred location (SVM_MADVISE) and a prefetch target
 *	(DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE, uapi 1.10), pages in one device's
 *	VRAM reached in place by the other, SVM_QUERY's snapshot saying where
 *	each page is, and the other device removed with pages in its VRAM (I8).
 *	Every move clears both devices' GPU entries of the page first (I1).  On
 *	a kernel without CONFIG_DEVICE_PRIVATE every subtest skips, saying so.
 *
 * SUBTEST: madvise-other-fault
 * Description: A range of device 0's VM preferring the other device: device 0's
 *		GPU fault moves it into device 1's VRAM, device 0 reads and writes it
 *		there in place (no move back), both snapshots say where it is, device
 *		1's GPU and the CPU read device 0's writes.
 *
 * SUBTEST: other-reads-self-vram
 * Description: Device 1 faults pages in device 0's VRAM: a range preferring device 0
 *		(the other device for device 1) is reached in place, another moves
 *		back to system memory first (device 0's migrate_to_ram).
 *
 * SUBTEST: prefetch-other
 * Description: SVM_PREFETCH to the other device moves the range into device 1's VRAM
 *		(QUERY_VRAM counts it), device 0's jobs after it read it right, a
 *		prefetch to system memory brings it back.
 *
 * SUBTEST: prefetch-other-errors
 * Description: Every new errno of SVM_PREFETCH: EINVAL for two location flags and an
 *		unknown flag, ENXIO with no other device, ENOTUNIQ with two others
 *		(a configfs device), EPERM from another address space; a fault in a
 *		range preferring a missing other device maps system memory.
 *
 * SUBTEST: unplug-other
 * Description: The other device (made through configfs) is removed with its file
 *		open and pages of device 0's range in its VRAM: they move back to
 *		system memory with their data (I8), device 0 reads them right, and a
 *		fault preferring the gone device maps system memory.
 *
 * SUBTEST: unplug-other-racing
 * Description: The other device is removed while device 0's prefetches keep moving
 *		chunks into its VRAM: every prefetch ends (in system memory once the
 *		device is gone), no data is lost, nothing leaks (I8, I1).
 *
 * SUBTEST: hmm2-double-map
 * Description: hmm-tests hmm2 double_map: read-only memory read by both devices'
 *		GPUs, then moved to device 1's VRAM and read again by device 0, which
 *		brings it back; the data is right each time.
 *
 * SUBTEST: unprivileged-other
 * Description: An unprivileged user (uid 65534) with the two render nodes: its
 *		prefetch to the other device moves its own range there and its
 *		jobs read it right; bad flags get EINVAL; another process's VM
 *		gets EPERM (I7).
 *
 * SUBTEST: prefetch-other-unsupported
 * Description: Without device memory: DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE fails
 *		with EOPNOTSUPP on a kernel without CONFIG_DEVICE_PRIVATE, as does
 *		SVM_MADVISE to it (ENXIO, and accepted advice, with vram_mb=0);
 *		a GPU fault there maps system memory.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define JOB_DONE 0x600df00dcafe0003ull
#include "vsvm_svm_igt.h"

#define LOC_OTHER (DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_OTHER_DEVICE)
#define LOC_SELF (DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_DEVICE)
#define LOC_SYS (DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_SYSTEM)
#define LOC_BITS (DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_SVM_PAGE_LOC_MASK)

/* A GPU fill of [@dst, +@size) with @v. */
static void gpu_fill(struct ctx *c, void *dst, uint64_t size, uint8_t v)
{
	vsvm_emit_fill(CS(c), (uintptr_t)dst, v * 0x01010101u, size);
	igt_assert_eq(run(c), 1);
}

static int __madvise(struct ctx *c, const void *addr, uint64_t size, uint32_t value)
{
	struct drm_vsvm_svm_madvise m = {
		.vm_id = c->vm, .attr = DRM_VSVM_SVM_ATTR_PREFERRED_LOC,
		.addr = (uintptr_t)addr, .size = size, .value = value,
	};

	return igt_ioctl(c->fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m) ? -errno : 0;
}

static void prefer(struct ctx *c, const void *addr, uint64_t size, uint32_t value)
{
	igt_assert_eq(__madvise(c, addr, size, value), 0);
}

/*
 * Asserts that every page of [@addr, +@size) has the location bits @want in
 * @c's snapshot (and, with @gpu, that @c's VM maps it).
 */
static void __assert_snapshot(struct ctx *c, const void *addr, uint64_t size, uint8_t want,
			      bool gpu, int line)
{
	uint64_t i, n = size / PAGE;
	uint8_t *pages = malloc(n);
	struct drm_vsvm_svm_query q = {
		.vm_id = c->vm, .addr = (uintptr_t)addr, .size = size,
		.pages = (uintptr_t)pages,
	};

	igt_assert(pages);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_SVM_QUERY, &q);
	for (i = 0; i < n; i++) {
		igt_assert_f((pages[i] & LOC_BITS) == want,
			     "line %d: page %" PRIu64 " of %" PRIu64 ": snapshot %#x, want location %#x\n",
			     line, i, n, pages[i], want);
		if (gpu)
			igt_assert_f(pages[i] & DRM_VSVM_SVM_PAGE_GPU_MAPPED,
				     "line %d: page %" PRIu64 " not GPU-mapped: %#x\n",
				     line, i, pages[i]);
	}
	free(pages);
}

#define assert_snapshot(c, addr, size, want, gpu) \
	__assert_snapshot(c, addr, size, want, gpu, __LINE__)

static int open_other(void)
{
	int fd1 = __drm_open_driver_another(1, DRIVER_VSVM);

	igt_require_f(fd1 >= 0, "no second vsvm device\n");
	return fd1;
}

#define CFS_DIR "/sys/kernel/config/vsvm/igt-cfs-twodev"

static void cfs_write(const char *attr, const char *val)
{
	cfs_write_dir(CFS_DIR, attr, val);
}

/* Makes a configfs device with @mb MiB of VRAM; returns its render node. */
static int cfs_create(const char *mb)
{
	if (access("/sys/kernel/config/vsvm", F_OK))
		mount("none", "/sys/kernel/config", "configfs", 0, NULL);
	igt_require_f(!access("/sys/kernel/config/vsvm", F_OK), "no vsvm configfs\n");
	/* Left over by a failed subtest. */
	if (!access(CFS_DIR, F_OK)) {
		cfs_write("enabled", "0");
		rmdir(CFS_DIR);
	}
	igt_assert_eq(mkdir(CFS_DIR, 0755), 0);
	cfs_write("vram_mb", mb);
	cfs_write("enabled", "1");
	return cfs_open_dir(CFS_DIR);
}

static void cfs_remove(void)
{
	cfs_write("enabled", "0");
	igt_assert_eq(rmdir(CFS_DIR), 0);
}

struct prefetcher {
	struct ctx *c;
	uint8_t *a;
	uint64_t size;
	bool stop;
	int rounds, refused, bad;
};

/*
 * Prefetches to the other device, 2 MiB at a time, then back to system
 * memory, until told to stop; ENXIO once the other device is gone.
 */
static void *prefetcher_fn(void *arg)
{
	struct prefetcher *pf = arg;
	uint64_t off;
	int ret;

	while (!__atomic_load_n(&pf->stop, __ATOMIC_ACQUIRE)) {
		for (off = 0; off < pf->size; off += 2 * MB) {
			uint64_t mark = newest_fault(pf->c->fd).seqno;

			ret = __prefetch(pf->c, pf->a + off, 2 * MB,
					 DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE);
			if (ret == -ENXIO) {
				pf->refused++;
				continue;
			}
			/* No igt_assert in a thread: counted, checked after. */
			if (ret || vsvm_ufence_wait_ms(pf->c->fd, pf->c->uf, JOB_DONE, 20000) ||
			    newest_fault(pf->c->fd).seqno > mark)
				pf->bad++;
		}
		off = newest_fault(pf->c->fd).seqno;
		if (__prefetch(pf->c, pf->a, pf->size, DRM_VSVM_SVM_PREFETCH_SYSTEM) ||
		    vsvm_ufence_wait_ms(pf->c->fd, pf->c->uf, JOB_DONE, 20000) ||
		    newest_fault(pf->c->fd).seqno > off)
			pf->bad++;
		__atomic_add_fetch(&pf->rounds, 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

/* The path of the render node of @fd's device, for a child that drops root. */
static void render_path(int fd, char *path, size_t len)
{
	char *name = drmGetRenderDeviceNameFromFd(fd);

	igt_assert(name);
	snprintf(path, len, "%s", name);
	free(name);
}

/* vsvm_drv.c's vram_mb module parameter. */
static unsigned int vram_mb_param(void)
{
	unsigned int mb = 0;
	FILE *f = fopen("/sys/module/vsvm/parameters/vram_mb", "r");

	igt_assert(f);
	igt_assert_eq(fscanf(f, "%u", &mb), 1);
	fclose(f);
	return mb;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("A range preferring the other device moves into its VRAM at a GPU "
		     "fault and is reached there in place.");
	igt_subtest("madvise-other-fault") {
		struct drm_vsvm_query_vram v0, v1, w0, w1;
		uint8_t *a, *out;
		struct ctx c0, c1;

		require_vram(fd);
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 31);
		prefer(&c0, a, 2 * MB, DRM_VSVM_MEM_OTHER_DEVICE);
		v0 = vram(c0.fd);
		v1 = vram(c1.fd);

		/* Device 0's GPU fault puts the chunk in device 1's VRAM. */
		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 31);
		w0 = vram(c0.fd);
		w1 = vram(c1.fd);
		igt_assert_eq_u64(w1.used - v1.used, 2 * MB);
		igt_assert_eq_u64(w1.migrated_to_vram - v1.migrated_to_vram, 512);
		igt_assert_eq_u64(w0.used, v0.used);
		assert_snapshot(&c0, a, 2 * MB, LOC_OTHER, true);
		assert_snapshot(&c1, a, 2 * MB, LOC_SELF, false);

		/* Device 0 writes it in place: nothing moves back. */
		gpu_fill(&c0, a, MB, 0x5a);
		w1 = vram(c1.fd);
		igt_assert_eq_u64(w1.used - v1.used, 2 * MB);
		igt_assert_eq_u64(w1.migrated_to_ram, v1.migrated_to_ram);
		assert_snapshot(&c0, a, 2 * MB, LOC_OTHER, true);

		/* Device 1's GPU reads device 0's writes from its own VRAM. */
		memset(out, 0, 2 * MB);
		gpu_copy(&c1, out, a, 2 * MB);
		assert_bytes(out, MB, 0x5a);
		assert_pat(out + MB, MB, MB, 31);
		assert_snapshot(&c1, a, 2 * MB, LOC_SELF, true);

		/* The CPU reads them back (device 1's migrate_to_ram). */
		assert_bytes(a, MB, 0x5a);
		assert_pat(a + MB, MB, MB, 31);
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, false);
		assert_used_back(c1.fd, v1.used);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("Device 1 faults pages in device 0's VRAM: in place if preferred, "
		     "else moved back first.");
	igt_subtest("other-reads-self-vram") {
		struct drm_vsvm_query_vram v0, w0;
		uint8_t *a, *b, *out;
		struct ctx c0, c1;

		require_vram(fd);
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		b = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 32);
		fill_pat(b, 0, 2 * MB, 33);
		v0 = vram(c0.fd);
		igt_assert_eq(prefetch(&c0, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq(prefetch(&c0, b, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(c0.fd).used - v0.used, 4 * MB);
		assert_snapshot(&c1, a, 2 * MB, LOC_OTHER, false);

		/* @a prefers device 0, the other device for device 1: in place. */
		prefer(&c1, a, 2 * MB, DRM_VSVM_MEM_OTHER_DEVICE);
		gpu_copy(&c1, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 32);
		w0 = vram(c0.fd);
		igt_assert_eq_u64(w0.used - v0.used, 4 * MB);
		igt_assert_eq_u64(w0.migrated_to_ram, v0.migrated_to_ram);
		assert_snapshot(&c1, a, 2 * MB, LOC_OTHER, true);
		assert_snapshot(&c0, a, 2 * MB, LOC_SELF, false);

		/* @b does not: device 1's fault moves it back first. */
		memset(out, 0, 2 * MB);
		gpu_copy(&c1, out, b, 2 * MB);
		assert_pat(out, 0, 2 * MB, 33);
		w0 = vram(c0.fd);
		igt_assert_eq_u64(w0.used - v0.used, 2 * MB);
		igt_assert_eq_u64(w0.migrated_to_ram - v0.migrated_to_ram, 512);
		assert_snapshot(&c1, b, 2 * MB, LOC_SYS, true);

		assert_pat(a, 0, 2 * MB, 32);
		assert_pat(b, 0, 2 * MB, 33);
		assert_used_back(c0.fd, v0.used);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
		munmap(b, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("SVM_PREFETCH to the other device, and back to system memory.");
	igt_subtest("prefetch-other") {
		struct drm_vsvm_query_vram v0, v1, w1;
		uint8_t *a, *out;
		struct ctx c0, c1;

		require_vram(fd);
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(4 * MB);
		out = anon(4 * MB);
		fill_pat(a, 0, 4 * MB, 34);
		v0 = vram(c0.fd);
		v1 = vram(c1.fd);
		igt_assert_eq(prefetch(&c0, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), 1);
		w1 = vram(c1.fd);
		igt_assert_eq_u64(w1.used - v1.used, 4 * MB);
		igt_assert_eq_u64(vram(c0.fd).used, v0.used);
		assert_snapshot(&c0, a, 4 * MB, LOC_OTHER, true);
		assert_snapshot(&c1, a, 4 * MB, LOC_SELF, false);

		gpu_copy(&c0, out, a, 4 * MB);
		assert_pat(out, 0, 4 * MB, 34);
		igt_assert_eq_u64(vram(c1.fd).migrated_to_ram, v1.migrated_to_ram);

		/* Back to system memory, by device 0's prefetch. */
		igt_assert_eq(prefetch(&c0, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_SYSTEM), 1);
		assert_snapshot(&c0, a, 4 * MB, LOC_SYS, true);
		assert_used_back(c1.fd, v1.used);
		assert_pat(a, 0, 4 * MB, 34);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 4 * MB);
		munmap(out, 4 * MB);
	}

	igt_describe("Every new errno of SVM_PREFETCH to the other device.");
	igt_subtest("prefetch-other-errors") {
		struct ctx c0, c1, c2;
		uint8_t *a, *out;
		pid_t pid;

		require_vram(fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 35);

		igt_assert_eq(__prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE |
					 DRM_VSVM_SVM_PREFETCH_VRAM), -EINVAL);
		igt_assert_eq(__prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE |
					 DRM_VSVM_SVM_PREFETCH_SYSTEM), -EINVAL);
		igt_assert_eq(__prefetch(&c0, a, PAGE, 1u << 3), -EINVAL);

		/* No other device mirrors this process. */
		igt_assert_eq(__prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE),
			      -ENXIO);
		/* Advice stays accepted; a fault then maps system memory. */
		prefer(&c0, a, 2 * MB, DRM_VSVM_MEM_OTHER_DEVICE);
		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 35);
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, true);

		/* One other device: accepted; two: which one is not said. */
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		igt_assert_eq(prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), 1);
		ctx_init_fd(&c2, cfs_create("4"));
		igt_assert_eq(__prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE),
			      -ENOTUNIQ);
		/* I7: another address space gets EPERM, whatever the devices. */
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			int ret = __prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE);

			_exit(ret == -EPERM ? 0 : 1);
		}
		igt_assert_eq(vsvm_wait_child_ms(pid, 10000), 0);
		ctx_fini(&c2);
		cfs_remove();
		igt_assert_eq(prefetch(&c0, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), 1);
		assert_snapshot(&c0, a, 2 * MB, LOC_OTHER, true);
		assert_pat(a, 0, 2 * MB, 35);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("The other device removed with pages in its VRAM: they come back (I8).");
	igt_subtest("unplug-other") {
		struct ctx c0, c2;
		uint8_t *a, *out;

		require_vram(fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		ctx_init_fd(&c2, cfs_create("16"));
		a = anon_aligned(8 * MB);
		out = anon(8 * MB);
		fill_pat(a, 0, 8 * MB, 36);
		prefer(&c0, a, 8 * MB, DRM_VSVM_MEM_OTHER_DEVICE);
		igt_assert_eq(prefetch(&c0, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), 1);
		gpu_copy(&c0, out + 4 * MB, a + 4 * MB, 4 * MB);
		assert_pat(out + 4 * MB, 4 * MB, 4 * MB, 36);
		igt_assert_eq_u64(vram(c2.fd).used, 8 * MB);
		assert_snapshot(&c0, a, 8 * MB, LOC_OTHER, true);

		/*
		 * I8: the other device goes with its file open and 8 MiB of
		 * device 0's range in its VRAM: they move back first, and
		 * device 0's entries of them are cleared before (I1).
		 */
		cfs_write("enabled", "0");
		assert_snapshot(&c0, a, 8 * MB, LOC_SYS, false);
		igt_assert_eq(__prefetch(&c2, a, PAGE, 0), -ENODEV);
		memset(out, 0, 8 * MB);
		gpu_copy(&c0, out, a, 8 * MB);
		assert_pat(out, 0, 8 * MB, 36);
		assert_snapshot(&c0, a, 8 * MB, LOC_SYS, true);
		assert_pat(a, 0, 8 * MB, 36);
		ctx_fini(&c2);
		igt_assert_eq(rmdir(CFS_DIR), 0);
		ctx_fini(&c0);
		munmap(a, 8 * MB);
		munmap(out, 8 * MB);
	}

	igt_describe("The other device removed while prefetches move chunks into it.");
	igt_subtest("unplug-other-racing") {
		struct prefetcher pf = { 0 };
		struct ctx c0, c2;
		pthread_t t;
		uint8_t *out;

		require_vram(fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		ctx_init_fd(&c2, cfs_create("16"));
		pf.c = &c0;
		pf.size = 8 * MB;
		pf.a = anon_aligned(pf.size);
		out = anon(pf.size);
		fill_pat(pf.a, 0, pf.size, 38);
		igt_assert_eq(pthread_create(&t, NULL, prefetcher_fn, &pf), 0);
		while (!__atomic_load_n(&pf.rounds, __ATOMIC_ACQUIRE))
			usleep(1000);
		/* I8: removed while the prefetches enter it and migrate into it. */
		cfs_write("enabled", "0");
		__atomic_store_n(&pf.stop, true, __ATOMIC_RELEASE);
		igt_assert_eq(pthread_join(t, NULL), 0);
		igt_info("%d prefetch rounds, %d refused (ENXIO)\n", pf.rounds, pf.refused);
		igt_assert_eq(pf.bad, 0);
		assert_snapshot(&c0, pf.a, pf.size, LOC_SYS, false);
		gpu_copy(&c0, out, pf.a, pf.size);
		assert_pat(out, 0, pf.size, 38);
		assert_pat(pf.a, 0, pf.size, 38);
		ctx_fini(&c2);
		igt_assert_eq(rmdir(CFS_DIR), 0);
		ctx_fini(&c0);
		munmap(pf.a, pf.size);
		munmap(out, pf.size);
	}

	igt_describe("hmm-tests double_map: both devices read read-only memory, then "
		     "device 0 reads it from device 1's VRAM.");
	igt_subtest("hmm2-double-map") {
		struct drm_vsvm_query_vram v1;
		uint8_t *a, *out;
		struct ctx c0, c1;

		require_vram(fd);
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 37);
		igt_assert_eq(mprotect(a, 2 * MB, PROT_READ), 0);

		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 37);
		memset(out, 0, 2 * MB);
		gpu_copy(&c1, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 37);
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, true);
		assert_snapshot(&c1, a, 2 * MB, LOC_SYS, true);

		/* Moved to device 1's VRAM by its own prefetch. */
		v1 = vram(c1.fd);
		igt_assert_eq(prefetch(&c1, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(c1.fd).used - v1.used, 2 * MB);
		assert_snapshot(&c0, a, 2 * MB, LOC_OTHER, false);

		/* Device 0 reads it: it comes back (device 0 does not prefer device 1). */
		memset(out, 0, 2 * MB);
		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 37);
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, true);
		assert_used_back(c1.fd, v1.used);
		assert_pat(a, 0, 2 * MB, 37);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("An unprivileged render-node user prefetches to the other device.");
	igt_subtest("unprivileged-other") {
		char path0[64], path1[64];
		struct ctx c0, c1;
		uint8_t *a;

		require_vram(fd);
		ctx_init_fd(&c1, open_other());
		require_vram(c1.fd);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		render_path(c0.fd, path0, sizeof(path0));
		render_path(c1.fd, path1, sizeof(path1));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 39);
		/* As root: devtmpfs makes the render nodes 0600. */
		igt_assert_eq(chmod(path0, 0666), 0);
		igt_assert_eq(chmod(path1, 0666), 0);
		igt_fork(child, 1) {
			struct ctx u0, u1;
			uint8_t *b, *out;

			igt_assert_eq(setgid(65534), 0);
			igt_assert_eq(setuid(65534), 0);
			/* I7: the parent's VM, through the inherited fd. */
			igt_assert_eq(__prefetch(&c0, a, 2 * MB,
						 DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), -EPERM);
			ctx_init_fd(&u0, open(path0, O_RDWR | O_CLOEXEC));
			ctx_init_fd(&u1, open(path1, O_RDWR | O_CLOEXEC));
			b = anon_aligned(2 * MB);
			out = anon(2 * MB);
			fill_pat(b, 0, 2 * MB, 40);
			igt_assert_eq(__prefetch(&u0, b, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE |
						 DRM_VSVM_SVM_PREFETCH_VRAM), -EINVAL);
			igt_assert_eq(__prefetch(&u0, b, PAGE, 1u << 31), -EINVAL);
			igt_assert_eq(prefetch(&u0, b, 2 * MB,
					       DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), 1);
			assert_snapshot(&u0, b, 2 * MB, LOC_OTHER, true);
			assert_snapshot(&u1, b, 2 * MB, LOC_SELF, false);
			gpu_copy(&u0, out, b, 2 * MB);
			assert_pat(out, 0, 2 * MB, 40);
			assert_pat(b, 0, 2 * MB, 40);
			ctx_fini(&u0);
			ctx_fini(&u1);
		}
		igt_waitchildren();
		chmod(path0, 0600);
		chmod(path1, 0600);
		/* The parent's range never moved. */
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, false);
		assert_pat(a, 0, 2 * MB, 39);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
	}

	igt_describe("Without device memory, a prefetch to the other device is refused.");
	igt_subtest("prefetch-other-unsupported") {
		uint8_t *a, *out;
		struct ctx c0;
		int want;

		igt_require_f(!(caps(fd) & DRM_VSVM_CAP_DEVICE_MEMORY),
			      "the device has device memory (see the other subtests)\n");
		want = vram_mb_param() ? -EOPNOTSUPP : -ENXIO;
		igt_info("vram_mb %u: want %s\n", vram_mb_param(),
			 want == -EOPNOTSUPP ? "EOPNOTSUPP (no CONFIG_DEVICE_PRIVATE)" : "ENXIO");
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 41);
		igt_assert_eq(__prefetch(&c0, a, PAGE, DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE), want);
		/* SVM_MADVISE refuses device locations without device-private memory. */
		igt_assert_eq(__madvise(&c0, a, 2 * MB, DRM_VSVM_MEM_OTHER_DEVICE),
			      want == -EOPNOTSUPP ? -EOPNOTSUPP : 0);
		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 41);
		assert_snapshot(&c0, a, 2 * MB, LOC_SYS, true);
		ctx_fini(&c0);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_fixture
		close(fd);
}
