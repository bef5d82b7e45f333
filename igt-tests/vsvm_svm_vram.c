// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm vram
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shared virtual memory in device memory
 * Description: SVM pages moved to the device's simulated VRAM
 *	(device-private memory) and back: by SVM_PREFETCH to a location, by a
 *	CPU access (migrate_to_ram), by another device's GPU access, by
 *	eviction; the GPU reads and writes them where they are, the data is
 *	never lost, and every page comes back to the VRAM's free list (munmap,
 *	exit, fork).  Each migration clears the GPU's entries of the pages
 *	before they move (I1).  On a kernel without CONFIG_DEVICE_PRIVATE every
 *	subtest skips, saying so.
 *
 * SUBTEST: query
 * Description: QUERY_CAPS and QUERY_VRAM agree: a device with device memory has VRAM
 *		of a size, nothing used at rest; the prefetch flags' errnos.
 *
 * SUBTEST: prefetch-roundtrip
 * Description: A prefetch moves 2 MiB to VRAM (QUERY_VRAM counts it); the GPU copies
 *		between two buffers in VRAM and fills one (fdinfo's drm-total-vram and
 *		drm-resident-vram count what the VM maps); the CPU then reads the data
 *		right, each page moving back at its CPU fault (migrate_to_ram).
 *
 * SUBTEST: prefetch-system
 * Description: A prefetch to system memory moves a range's VRAM pages back, with its
 *		data, and the GPU job after it takes no fault.
 *
 * SUBTEST: gpu-write-cpu-read
 * Description: The GPU writes pages in VRAM that were never touched by the CPU (the
 *		prefetch allocates them zeroed in VRAM); the CPU reads zeros and the
 *		GPU's data.
 *
 * SUBTEST: munmap-release
 * Description: munmap of a range in VRAM gives its pages back (page_free): VRAM use
 *		returns to where it was.
 *
 * SUBTEST: exit-release
 * Description: A process exiting with pages in VRAM gives them back, with its file
 *		still open elsewhere or not.
 *
 * SUBTEST: fork-cow
 * Description: After fork, the child reads the parent's VRAM pages (they move back
 *		for it) and writes its copy; the parent's GPU still reads its own data.
 *
 * SUBTEST: gup-migrates-back
 * Description: A kernel access to a VRAM page through get_user_pages (vmsplice)
 *		and through copy_from_user (write to a pipe) moves it back first, with
 *		its data.
 *
 * SUBTEST: file-backed-stays
 * Description: A shared memfd mapping does not move to VRAM: the prefetch leaves it
 *		in system memory without copying a page or evicting anyone's (a shared
 *		mapping's pages cannot move), and the GPU job on it still works.
 *
 * SUBTEST: file-private-mixed
 * Description: A private file mapping, every other page written by the CPU: only
 *		written pages (anonymous copies) may move to VRAM, the file's own pages
 *		stay; GPU and CPU read the mix right, and VRAM use comes back.
 *
 * SUBTEST: cpu-fault-during-copy
 * Description: The CPU reads the source pages of a GPU copy out of VRAM while the
 *		engine copies them: both see the right data.
 *
 * SUBTEST: munmap-during-migration
 * Description: munmap of a range while a prefetch moves it to VRAM: no leak, no
 *		warning, VRAM use returns to where it was.
 *
 * SUBTEST: two-devices
 * Description: Device 1's GPU reads pages in device 0's VRAM: they move back to
 *		system memory first (device 0's migrate_to_ram), and the data is right.
 *
 * SUBTEST: fault-policy
 * Description: A range whose preferred location is the device (SVM_MADVISE) moves to
 *		VRAM at the GPU's first fault on it; another range stays in system memory;
 *		the data is right on both sides.
 *
 * SUBTEST: eviction
 * Description: A device made with 4 MiB of VRAM (configfs vram_mb) gets 12 MiB
 *		prefetched to it: older pages are evicted to system memory, none is
 *		lost, and all the data reads back right; then the device is removed
 *		with its file open and pages in its VRAM, which move back first (I8).
 *
 * SUBTEST: migrate-engine-counts
 * Description: Migration copies are jobs of the device's migration queue: a prefetch
 *		of 512 pages to VRAM, a prefetch of them back and a CPU fault on one
 *		page move exactly 512, 512 and 1 pages on it (debugfs vsvm_vram
 *		migrate_job_pages), and no job fails.
 *
 * SUBTEST: migrate-engine-dmachk
 * Description: I10: the engine copies a migration through the DMA checker.  With the
 *		test knob migrate_break, the next migration job reads source pages it
 *		did not DMA-map: the checker reports it, the job fails, and every page
 *		stays in system memory with its data; the next prefetch moves them all
 *		with the checker silent.
 *		Skips when the DMA checker is off (debugfs dmachk "enabled" is not 1).
 *
 * SUBTEST: migrate-while-parked
 * Description: I2: a CPU fault on a VRAM page (migrate_to_ram) completes while a
 *		job of the same VM is held parked on a GPU fault in the fault queue:
 *		the migration's copy job does not queue behind user jobs.
 *
 * SUBTEST: migrate-while-spinning-reset
 * Description: I2: CPU faults on VRAM pages complete while a SPIN job of the same
 *		VM keeps its ring busy; the job is then killed at the timeout (a reset of
 *		its queue), and migrations to VRAM and back still work, none failed.
 *
 * SUBTEST: vram-alloc-fail
 * Description: VRAM page allocations made to fail (debugfs fail_vram_alloc, the
 *		kernel's fault injection): a GPU fault in a range preferring VRAM, or a
 *		prefetch to VRAM, moves the pages it can have, maps the others where they
 *		are, and loses no data; alloc_failures counts each page left behind, and
 *		no VRAM page stays allocated after munmap.
 *
 * SUBTEST: fault-pages-migrated
 * Description: I1, I3: a GPU fault held after hmm_range_fault() gave it a chunk of
 *		VRAM pages and before it uses them, while a CPU access moves one of them
 *		back to system memory, which frees that VRAM page and its backing: the
 *		fault maps none of them (the driver's check that each page it maps is
 *		held, a warning, stays silent), resolves the chunk again, and the job's
 *		write lands where the page now is.
 *
 * SUBTEST: mprotect-write
 * Description: I10: a GPU write to VRAM pages the process made read-only with
 *		mprotect() faults READ_ONLY, once (the driver's own VRAM pages come from
 *		hmm_range_fault() without a write check), and the data stays.
 *
 * SUBTEST: fork-gpu-write
 * Description: After fork(), the parent's VRAM pages are shared read-only with
 *		the child: a GPU write of the parent moves them back to system memory,
 *		breaks the copy-on-write and lands, and the child still reads its data.
 *
 * SUBTEST: cpu-fault-copy-fails
 * Description: I1: a CPU fault on a VRAM page whose copy job fails (test knob
 *		migrate_break, the DMA checker stops the job) kills the faulting
 *		process with SIGBUS within a bounded time, rather than returning to
 *		the same failing fault forever; the data stays in VRAM, intact, and
 *		the next fault moves it back.
 *		Skips when the DMA checker is off: without it the copy job does not fail.
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define JOB_DONE 0x600df00dcafe0002ull
#include "vsvm_svm_igt.h"

struct reader {
	volatile uint8_t *p;
	uint64_t size;
	unsigned int seed;
	volatile bool stop;
	int bad;
};

static void *reader_fn(void *arg)
{
	struct reader *r = arg;
	uint64_t i;

	while (!r->stop) {
		for (i = 0; i < r->size; i += PAGE * 7)
			if (r->p[i] != pat(i, r->seed))
				r->bad++;
	}
	return NULL;
}

struct unmapper {
	void *p;
	uint64_t size;
};

static void *unmap_fn(void *arg)
{
	struct unmapper *u = arg;

	usleep(2000);
	munmap(u->p, u->size);
	return NULL;
}

#define CFS_DIR "/sys/kernel/config/vsvm/igt-cfs-vram"

static void cfs_write(const char *attr, const char *val)
{
	cfs_write_dir(CFS_DIR, attr, val);
}

/*
 * Arms debugfs fail_vram_alloc: from now, the @nth VRAM page allocation and
 * the @times - 1 after it fail (@times -1: every one from the @nth on).
 * @times 0 disarms.
 */
static void fail_vram(int fd, int nth, int times)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%d", nth);
	igt_assert_eq(vsvm_debugfs_write(fd, "fail_vram_alloc/space", buf), 0);
	snprintf(buf, sizeof(buf), "%d", times);
	igt_assert_eq(vsvm_debugfs_write(fd, "fail_vram_alloc/times", buf), 0);
	igt_assert_eq(vsvm_debugfs_write(fd, "fail_vram_alloc/probability",
					 times ? "100" : "0"), 0);
}

/* A number from debugfs vsvm_vram, which must be there. */
static long long vram_dbg(int fd, const char *key)
{
	long long v = vsvm_debugfs_get(fd, "vsvm_vram", key);

	igt_assert_f(v >= 0, "debugfs vsvm_vram has no %s: migrations are not engine jobs\n",
		     key);
	return v;
}

/* Reads one page of @p on the CPU (moving it out of VRAM); returns the ns it took. */
static uint64_t cpu_touch(const uint8_t *p, uint64_t off, unsigned int seed)
{
	uint64_t t0 = vsvm_now_ns();

	assert_pat(p + off, off, PAGE, seed);
	return vsvm_now_ns() - t0;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("QUERY_CAPS and QUERY_VRAM agree; the prefetch flags' errnos.");
	igt_subtest("query") {
		struct drm_vsvm_query_vram v;
		struct ctx c;
		void *p;

		require_vram(fd);
		v = vram(fd);
		igt_assert_cmpu64(0, <, >=, v.size);
		igt_assert_eq_u64(v.size % PAGE, 0);
		igt_assert_cmpu64(v.used, <=, >, v.size);
		igt_assert_eq_u64(v.chunks[0].chunk_size, 2 * MB);
		igt_assert_eq_u64(v.chunks[2].chunk_size, PAGE);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		p = anon(PAGE);
		igt_assert_eq(__prefetch(&c, p, PAGE, DRM_VSVM_SVM_PREFETCH_VRAM |
					 DRM_VSVM_SVM_PREFETCH_SYSTEM), -EINVAL);
		igt_assert_eq(__prefetch(&c, p, PAGE, 1u << 3), -EINVAL);
		ctx_fini(&c);
		munmap(p, PAGE);
	}

	igt_describe("A prefetch moves 2 MiB to VRAM; the GPU copies and fills there; the "
		     "CPU reads it back right through migrate_to_ram.");
	igt_subtest("prefetch-roundtrip") {
		uint8_t *a, *b, *out;
		struct drm_vsvm_query_vram v0, v1, v2;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		b = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 11);
		memset(b, 0, 2 * MB);
		v0 = vram(fd);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq(prefetch(&c, b, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		v1 = vram(fd);
		igt_assert_eq_u64(v1.used - v0.used, 4 * MB);
		igt_assert_eq_u64(v1.migrated_to_vram - v0.migrated_to_vram, 1024);
		igt_assert_cmpu64(v0.chunks[0].migrations + 2, <=, >, v1.chunks[0].migrations);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		/* GPU: VRAM to VRAM, a fill in VRAM, VRAM to system memory. */
		vsvm_emit_copy(CS(&c), (uintptr_t)b, (uintptr_t)a, MB);
		vsvm_emit_fill(CS(&c), (uintptr_t)b + MB, 0x5a5a5a5a, MB);
		igt_assert_eq(run(&c), 1);
		gpu_copy(&c, out, b, 2 * MB);
		/* Still in VRAM: no CPU access yet; fdinfo counts what the VM maps. */
		igt_assert_eq_u64(pages_swapped_out(b, 2 * MB), 512);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-total-vram"), 4 * MB);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-resident-vram"), 4 * MB);
		assert_pat(out, 0, MB, 11);
		assert_bytes(out + MB, MB, 0x5a);
		/* The CPU reads: each page moves back. */
		assert_pat(b, 0, MB, 11);
		assert_bytes(b + MB, MB, 0x5a);
		assert_pat(a, 0, 2 * MB, 11);
		v2 = vram(fd);
		igt_assert_eq_u64(v2.used, v0.used);
		igt_assert_cmpu64(v1.cpu_faults + 1024, <=, >, v2.cpu_faults);
		igt_assert_eq_u64(v2.migrated_to_ram - v1.migrated_to_ram, 1024);
		igt_assert_eq_u64(pages_swapped_out(b, 2 * MB), 0);
		igt_assert_eq(vsvm_fdinfo_value(c.fd, "drm-resident-vram"), 0);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap(b, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("A prefetch to system memory moves a range's VRAM pages back.");
	igt_subtest("prefetch-system") {
		struct drm_vsvm_query_vram v0, v1;
		uint8_t *a, *out;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(4 * MB);
		out = anon(4 * MB);
		fill_pat(a, 0, 4 * MB, 12);
		v0 = vram(fd);
		igt_assert_eq(prefetch(&c, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(fd).used - v0.used, 4 * MB);
		igt_assert_eq(prefetch(&c, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_SYSTEM), 1);
		v1 = vram(fd);
		igt_assert_eq_u64(v1.used, v0.used);
		igt_assert_eq_u64(v1.migrated_to_ram - v0.migrated_to_ram, 1024);
		igt_assert_eq_u64(v1.cpu_faults, v0.cpu_faults);
		igt_assert_eq_u64(pages_swapped_out(a, 4 * MB), 0);
		gpu_copy(&c, out, a, 4 * MB);
		assert_pat(out, 0, 4 * MB, 12);
		assert_pat(a, 0, 4 * MB, 12);
		ctx_fini(&c);
		munmap(a, 4 * MB);
		munmap(out, 4 * MB);
	}

	igt_describe("The GPU writes untouched pages that a prefetch put in VRAM.");
	igt_subtest("gpu-write-cpu-read") {
		struct drm_vsvm_query_vram v0;
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		v0 = vram(fd);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(fd).used - v0.used, 2 * MB);
		vsvm_emit_fill(CS(&c), (uintptr_t)a + PAGE, 0x77777777, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_bytes(a, PAGE, 0);
		assert_bytes(a + PAGE, PAGE, 0x77);
		assert_bytes(a + 2 * PAGE, 2 * MB - 2 * PAGE, 0);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		assert_used_back(fd, v0.used);
	}

	igt_describe("munmap of a range in VRAM gives its pages back.");
	igt_subtest("munmap-release") {
		uint64_t used;
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(4 * MB);
		fill_pat(a, 0, 4 * MB, 13);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(fd).used - used, 4 * MB);
		/* Half, then the rest with the file still open. */
		munmap(a, 2 * MB);
		assert_used_back(fd, used + 2 * MB);
		munmap(a + 2 * MB, 2 * MB);
		assert_used_back(fd, used);
		ctx_fini(&c);
	}

	igt_describe("A process exiting with pages in VRAM gives them back.");
	igt_subtest("exit-release") {
		uint64_t used;
		int sv[2];

		require_vram(fd);
		used = vram(fd).used;
		/* The child's file dies with it. */
		igt_fork(child, 1) {
			struct ctx c;
			uint8_t *a = anon_aligned(2 * MB);

			ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
			fill_pat(a, 0, 2 * MB, 14);
			igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			igt_assert_eq_u64(vram(c.fd).used - used, 2 * MB);
			_exit(0);
		}
		igt_waitchildren();
		assert_used_back(fd, used);
		/* The child's file outlives it: held by the parent. */
		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		igt_fork(child, 1) {
			struct ctx c;
			uint8_t *a = anon_aligned(2 * MB);

			ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
			igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			{
				char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
				char byte = 0;
				struct iovec io = { .iov_base = &byte, .iov_len = 1 };
				struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1,
						      .msg_control = cbuf,
						      .msg_controllen = sizeof(cbuf) };
				struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);

				cm->cmsg_level = SOL_SOCKET;
				cm->cmsg_type = SCM_RIGHTS;
				cm->cmsg_len = CMSG_LEN(sizeof(int));
				memcpy(CMSG_DATA(cm), &c.fd, sizeof(int));
				igt_assert_eq(sendmsg(sv[1], &msg, 0), 1);
			}
			_exit(0);
		}
		{
			char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
			char byte;
			int held;
			struct iovec io = { .iov_base = &byte, .iov_len = 1 };
			struct msghdr msg = { .msg_iov = &io, .msg_iovlen = 1,
					      .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };

			igt_assert_eq(recvmsg(sv[0], &msg, 0), 1);
			memcpy(&held, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof(int));
			igt_waitchildren();
			assert_used_back(fd, used);
			close(held);
		}
		close(sv[0]);
		close(sv[1]);
	}

	igt_describe("After fork, the child reads the parent's VRAM pages and writes its "
		     "copy; the parent's GPU still reads its own data.");
	igt_subtest("fork-cow") {
		uint8_t *a, *out;
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 15);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_fork(child, 1) {
			assert_pat(a, 0, 2 * MB, 15);
			fill_pat(a, 0, 2 * MB, 16);
			assert_pat(a, 0, 2 * MB, 16);
		}
		igt_waitchildren();
		gpu_copy(&c, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 15);
		assert_pat(a, 0, 2 * MB, 15);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("get_user_pages and copy_from_user on VRAM pages move them back.");
	igt_subtest("gup-migrates-back") {
		uint8_t *a, *back = malloc(PAGE);
		struct iovec iov;
		int pipefd[2];
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 17);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq(pipe(pipefd), 0);
		/* vmsplice takes references to the pages (get_user_pages). */
		iov = (struct iovec){ .iov_base = a + 5 * PAGE, .iov_len = PAGE };
		igt_assert_eq(vmsplice(pipefd[1], &iov, 1, 0), (ssize_t)PAGE);
		igt_assert_eq(read(pipefd[0], back, PAGE), (ssize_t)PAGE);
		assert_pat(back, 5 * PAGE, PAGE, 17);
		igt_assert_eq(write(pipefd[1], a + 9 * PAGE, PAGE), (ssize_t)PAGE);
		igt_assert_eq(read(pipefd[0], back, PAGE), (ssize_t)PAGE);
		assert_pat(back, 9 * PAGE, PAGE, 17);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 510);
		close(pipefd[0]);
		close(pipefd[1]);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		free(back);
	}

	igt_describe("A shared memfd mapping stays in system memory.");
	igt_subtest("file-backed-stays") {
		int mfd = memfd_create("vsvm-vram", 0);
		long long jobs, evicted;
		uint8_t *s, *out;
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 2 * MB), 0);
		s = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(s != MAP_FAILED);
		out = anon(2 * MB);
		fill_pat(s, 0, 2 * MB, 18);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		used = vram(fd).used;
		jobs = vram_dbg(fd, "migrate_job_pages");
		evicted = vram_dbg(fd, "evictions");
		igt_assert_eq(prefetch(&c, s, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(fd).used, used);
		gpu_copy(&c, out, s, 2 * MB);
		assert_pat(out, 0, 2 * MB, 18);
		/* Not even tried: no page copied, nobody's VRAM evicted for it. */
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages"), jobs);
		igt_assert_eq(vram_dbg(fd, "evictions"), evicted);
		ctx_fini(&c);
		munmap(s, 2 * MB);
		munmap(out, 2 * MB);
		close(mfd);
	}

	igt_describe("A private file mapping: only written pages may move, the file's stay.");
	igt_subtest("file-private-mixed") {
		uint64_t used, i, moved;
		uint8_t *s, *out;
		struct ctx c;
		int mfd;

		require_vram(fd);
		/* Even pages: private copies with new data; odd pages: the file's. */
		s = private_file_mixed("vsvm-vram-private", &mfd);
		out = anon(2 * MB);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, s, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		/*
		 * Only private copies may move (the file's pages never do);
		 * how many of them move is the kernel's best effort.
		 */
		moved = pages_swapped_out(s, 2 * MB);
		igt_info("private copies moved to VRAM: %" PRIu64 " of 256\n", moved);
		igt_assert_cmpu64(moved, <=, >, 256ull);
		igt_assert_eq_u64(vram(fd).used - used, moved * PAGE);
		for (i = PAGE; i < 2 * MB; i += 2 * PAGE)
			igt_assert_eq_u64(pages_swapped_out(s + i, PAGE), 0);
		assert_private_file_mixed(&c, out, s);
		ctx_fini(&c);
		munmap(s, 2 * MB);
		munmap(out, 2 * MB);
		close(mfd);
		assert_used_back(fd, used);
	}

	igt_describe("The CPU reads a GPU copy's source out of VRAM while the engine copies.");
	igt_subtest("cpu-fault-during-copy") {
		struct reader r = { 0 };
		pthread_t t;
		uint8_t *a, *out;
		uint64_t used;
		struct ctx c;
		int i;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(8 * MB);
		out = anon(8 * MB);
		fill_pat(a, 0, 8 * MB, 19);
		used = vram(fd).used;
		for (i = 0; i < 3; i++) {
			igt_assert_eq(prefetch(&c, a, 8 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			memset(out, 0, 8 * MB);
			r = (struct reader){ .p = a, .size = 8 * MB, .seed = 19 };
			igt_assert_eq(pthread_create(&t, NULL, reader_fn, &r), 0);
			gpu_copy(&c, out, a, 8 * MB);
			r.stop = true;
			pthread_join(t, NULL);
			igt_assert_eq(r.bad, 0);
			assert_pat(out, 0, 8 * MB, 19);
		}
		igt_info("faults given up on as busy and replayed: %lld\n",
			 vsvm_debugfs_get(c.fd, "vsvm_svm", "svm_fault_busy"));
		assert_pat(a, 0, 8 * MB, 19);
		ctx_fini(&c);
		munmap(a, 8 * MB);
		munmap(out, 8 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("munmap of a range while a prefetch moves it to VRAM.");
	igt_subtest("munmap-during-migration") {
		struct unmapper u;
		pthread_t t;
		uint64_t used;
		struct ctx c;
		int i, st;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		used = vram(fd).used;
		for (i = 0; i < 5; i++) {
			u.size = 16 * MB;
			u.p = anon_aligned(u.size);
			fill_pat(u.p, 0, u.size, 20);
			igt_assert_eq(pthread_create(&t, NULL, unmap_fn, &u), 0);
			st = prefetch(&c, u.p, u.size, DRM_VSVM_SVM_PREFETCH_VRAM);
			igt_assert(st == 1 || st == -EFAULT);
			pthread_join(t, NULL);
			assert_used_back(fd, used);
		}
		ctx_fini(&c);
	}

	igt_describe("Device 1's GPU reads pages in device 0's VRAM: they move back first.");
	igt_subtest("two-devices") {
		struct drm_vsvm_query_vram v0, v1;
		struct ctx c0, c1;
		uint8_t *a, *out;
		int fd1;

		require_vram(fd);
		fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		igt_require(fd1 >= 0);
		ctx_init_fd(&c0, drm_open_driver(DRIVER_VSVM));
		ctx_init_fd(&c1, fd1);
		a = anon_aligned(2 * MB);
		out = anon(2 * MB);
		fill_pat(a, 0, 2 * MB, 21);
		v0 = vram(c0.fd);
		igt_assert_eq(prefetch(&c0, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(c0.fd).used - v0.used, 2 * MB);
		gpu_copy(&c1, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 21);
		v1 = vram(c0.fd);
		igt_assert_eq_u64(v1.used, v0.used);
		igt_assert_eq_u64(v1.migrated_to_ram - v0.migrated_to_ram, 512);
		/* Device 0 still reads it right, from system memory. */
		memset(out, 0, 2 * MB);
		gpu_copy(&c0, out, a, 2 * MB);
		assert_pat(out, 0, 2 * MB, 21);
		assert_pat(a, 0, 2 * MB, 21);
		ctx_fini(&c0);
		ctx_fini(&c1);
		munmap(a, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("A range preferring the device moves to VRAM at its GPU fault.");
	igt_subtest("fault-policy") {
		struct drm_vsvm_query_vram v0, v1;
		uint8_t *a, *b, *out;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		b = anon_aligned(2 * MB);
		out = anon(4 * MB);
		fill_pat(a, 0, 2 * MB, 23);
		fill_pat(b, 0, 2 * MB, 24);
		{
			struct drm_vsvm_svm_madvise m = {
				.vm_id = c.vm, .attr = DRM_VSVM_SVM_ATTR_PREFERRED_LOC,
				.addr = (uintptr_t)a, .size = 2 * MB, .value = DRM_VSVM_MEM_DEVICE,
			};

			do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m);
		}
		v0 = vram(fd);
		gpu_copy(&c, out, a, 2 * MB);
		gpu_copy(&c, out + 2 * MB, b, 2 * MB);
		v1 = vram(fd);
		igt_assert_eq_u64(v1.used - v0.used, 2 * MB);
		igt_assert_eq_u64(v1.chunks[0].migrations - v0.chunks[0].migrations, 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq_u64(pages_swapped_out(b, 2 * MB), 0);
		assert_pat(out, 0, 2 * MB, 23);
		assert_pat(out + 2 * MB, 0, 2 * MB, 24);
		assert_pat(a, 0, 2 * MB, 23);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap(b, 2 * MB);
		munmap(out, 4 * MB);
		assert_used_back(fd, v0.used);
	}

	igt_describe("12 MiB prefetched to 4 MiB of VRAM: older pages are evicted, none lost.");
	igt_subtest("eviction") {
		struct drm_vsvm_query_vram v;
		uint8_t *a, *out;
		struct ctx c;
		int i;

		require_vram(fd);
		if (access("/sys/kernel/config/vsvm", F_OK))
			mount("none", "/sys/kernel/config", "configfs", 0, NULL);
		igt_require_f(!access("/sys/kernel/config/vsvm", F_OK), "no vsvm configfs\n");
		rmdir(CFS_DIR);
		igt_assert_eq(mkdir(CFS_DIR, 0755), 0);
		cfs_write("vram_mb", "4");
		cfs_write("enabled", "1");
		ctx_init_fd(&c, cfs_open_dir(CFS_DIR));
		igt_assert_eq_u64(vram(c.fd).size, 4 * MB);
		a = anon_aligned(12 * MB);
		out = anon(12 * MB);
		fill_pat(a, 0, 12 * MB, 22);
		for (i = 0; i < 6; i++)
			igt_assert_eq(prefetch(&c, a + i * 2 * MB, 2 * MB,
					       DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		v = vram(c.fd);
		igt_assert_eq_u64(v.used, 4 * MB);
		igt_assert_cmpu64(8 * MB / PAGE, <=, >, v.evictions);
		igt_assert_eq_u64(pages_swapped_out(a, 12 * MB), 1024);
		igt_assert_eq_u64(pages_swapped_out(a + 8 * MB, 4 * MB), 1024);
		gpu_copy(&c, out, a, 12 * MB);
		assert_pat(out, 0, 12 * MB, 22);
		/*
		 * I8: the device goes with its file open and 4 MiB of the
		 * process in its VRAM: the removal moves them back first.
		 */
		igt_assert_eq_u64(pages_swapped_out(a + 8 * MB, 4 * MB), 1024);
		cfs_write("enabled", "0");
		igt_assert_eq_u64(pages_swapped_out(a, 12 * MB), 0);
		assert_pat(a, 0, 12 * MB, 22);
		ctx_fini(&c);
		munmap(a, 12 * MB);
		munmap(out, 12 * MB);
		igt_assert_eq(rmdir(CFS_DIR), 0);
	}

	igt_describe("Migration copies are jobs of the migration queue: prefetches and a CPU "
		     "fault move exactly their pages on it.");
	igt_subtest("migrate-engine-counts") {
		long long pages, jobs, failed;
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 31);
		pages = vram_dbg(fd, "migrate_job_pages");
		jobs = vram_dbg(fd, "migrate_jobs");
		failed = vram_dbg(fd, "migrate_jobs_failed");
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages") - pages, 512);
		igt_assert_f(vram_dbg(fd, "migrate_jobs") > jobs, "no migration job ran\n");
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_SYSTEM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 0);
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages") - pages, 1024);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		pages = vram_dbg(fd, "migrate_job_pages");
		cpu_touch(a, 5 * PAGE, 31);
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages") - pages, 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 511);
		assert_pat(a, 0, 2 * MB, 31);
		igt_assert_eq(vram_dbg(fd, "migrate_jobs_failed"), failed);
		ctx_fini(&c);
		munmap(a, 2 * MB);
	}

	igt_describe("I10: a migration job that reads pages it did not DMA-map is stopped "
		     "by the DMA checker, and the pages stay where they were.");
	igt_subtest("migrate-engine-dmachk") {
		long long viol, failed, pages;
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		vsvm_require_knob(fd, "migrate_break");
		require_dmachk(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 32);
		viol = vsvm_debugfs_get(fd, "dmachk", "violations");
		failed = vram_dbg(fd, "migrate_jobs_failed");
		pages = vram_dbg(fd, "migrate_job_pages");
		igt_assert_eq(vsvm_debugfs_write(fd, "dmachk_expect", "1"), 0);
		igt_assert_eq(vsvm_debugfs_write(fd, "migrate_break", "1"), 0);
		/* The pages stay in system memory, where the prefetch maps them. */
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq(vsvm_debugfs_write(fd, "dmachk_expect", "0"), 0);
		igt_assert_f(vsvm_debugfs_get(fd, "dmachk", "violations") > viol,
			     "the DMA checker did not see the migration's unmapped source\n");
		igt_assert_eq(vram_dbg(fd, "migrate_jobs_failed"), failed + 1);
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages"), pages);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 0);
		assert_pat(a, 0, 2 * MB, 32);
		/* The knob was one-shot: the next migration is whole, the checker silent. */
		viol = vsvm_debugfs_get(fd, "dmachk", "violations");
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages"), pages + 512);
		assert_pat(a, 0, 2 * MB, 32);
		igt_assert_eq(vsvm_debugfs_get(fd, "dmachk", "violations"), viol);
		ctx_fini(&c);
		munmap(a, 2 * MB);
	}

	igt_describe("A CPU fault on a VRAM page completes while a job of the same VM is "
		     "parked on a GPU fault held in the fault queue.");
	igt_subtest("migrate-while-parked") {
		volatile uint32_t *done = anon(PAGE);
		uint8_t *a, *fresh = anon(PAGE);
		uint64_t mark, ns;
		struct ctx c;

		require_vram(fd);
		vsvm_require_knob(fd, "userptr_inject");
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 33);
		/* The stream and the fences mapped: the next job faults on @fresh only. */
		vsvm_emit_store32(CS(&c), (uintptr_t)done, 0);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq(vsvm_debugfs_write(fd, "userptr_inject", "5"), 0);
		vsvm_emit_store32(CS(&c), (uintptr_t)fresh, 7);
		vsvm_emit_store32(CS(&c), (uintptr_t)done, 1);
		mark = submit(&c);
		igt_assert_f(fault_held(fd, 3000), "the job's GPU fault was not held\n");
		ns = cpu_touch(a, 0, 33);
		igt_assert_f(fault_held(fd, 0),
			     "the CPU fault completed only after the held GPU fault (%" PRIu64
			     " ns)\n", ns);
		igt_info("migrate_to_ram beside a parked job: %" PRIu64 " us\n", ns / 1000);
		igt_assert_eq(vsvm_debugfs_write(fd, "userptr_inject", "0"), 0);
		igt_assert_eq(job_end(&c, mark), 1);
		igt_assert_eq(*done, 1);
		igt_assert_eq(fresh[0], 7);
		assert_pat(a, 0, 2 * MB, 33);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap(fresh, PAGE);
		munmap((void *)done, PAGE);
	}

	igt_describe("CPU faults on VRAM pages complete while a SPIN job of the same VM "
		     "runs; after its queue's reset, migrations still work.");
	igt_subtest("migrate-while-spinning-reset") {
		volatile uint32_t *sem = anon(PAGE);
		struct drm_vsvm_query_device dev = { 0 };
		struct drm_vsvm_query q = {
			.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(dev),
			.data = (uintptr_t)&dev,
		};
		long long failed, pages;
		uint64_t ns, max_ns = 0;
		struct ctx c, c2;
		uint8_t *a;
		int i;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		do_ioctl(c.fd, DRM_IOCTL_VSVM_QUERY, &q);
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 34);
		failed = vram_dbg(fd, "migrate_jobs_failed");
		*sem = 0;
		vsvm_emit_store32(CS(&c), (uintptr_t)sem, 0);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		/* Never released: the job runs until its timeout kills it. */
		vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
		submit(&c);
		usleep(100000);
		for (i = 0; i < 16; i++) {
			ns = cpu_touch(a, i * 32 * PAGE, 34);
			max_ns = ns > max_ns ? ns : max_ns;
		}
		igt_info("migrate_to_ram beside a SPIN job: at most %" PRIu64 " us\n",
			 max_ns / 1000);
		igt_assert_f(*c.uf != JOB_DONE, "the SPIN job ended before the CPU faults\n");
		/* Killed at the timeout: it still writes its user fence. */
		igt_assert_eq(vsvm_ufence_wait_ms(c.fd, c.uf, JOB_DONE,
						  dev.job_timeout_ms * 5 + 5000), 0);
		/* After the reset: another VM's migrations, both ways. */
		ctx_init_fd(&c2, drm_open_driver(DRIVER_VSVM));
		pages = vram_dbg(fd, "migrate_job_pages");
		igt_assert_eq(prefetch(&c2, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_SYSTEM), 1);
		igt_assert_eq(prefetch(&c2, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		/* Back: all but the 16 pages the CPU took; then all 512 again. */
		igt_assert_eq(vram_dbg(fd, "migrate_job_pages") - pages, 512 - 16 + 512);
		assert_pat(a, 0, 2 * MB, 34);
		igt_assert_eq(vram_dbg(fd, "migrate_jobs_failed"), failed);
		ctx_fini(&c2);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap((void *)sem, PAGE);
	}

	igt_describe("VRAM allocations made to fail: a fault or a prefetch moves what it can "
		     "and maps the rest where it is; no data lost, no VRAM page leaked.");
	igt_subtest("vram-alloc-fail") {
		/* Which allocations of the chunk's 512 fail, and how many pages move. */
		static const struct { int nth, times; uint64_t moved; } cases[] = {
			{ 1, 1, 511 }, { 512, 1, 511 }, { 100, 8, 504 }, { 1, -1, 0 },
		};
		struct drm_vsvm_svm_madvise m = {
			.attr = DRM_VSVM_SVM_ATTR_PREFERRED_LOC, .size = 2 * MB,
			.value = DRM_VSVM_MEM_DEVICE,
		};
		uint64_t used0;
		uint8_t *a, *b, *out;
		long long fails;
		unsigned int k;
		struct ctx c;

		require_vram(fd);
		vsvm_require_knob(fd, "fail_vram_alloc");
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		b = anon(2 * MB);
		out = anon(2 * MB);
		used0 = vram(fd).used;
		for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
			a = anon_aligned(2 * MB);
			fill_pat(a, 0, 2 * MB, 40 + k);
			fill_pat(b, 0, 2 * MB, 50 + k);
			fails = vram_dbg(fd, "alloc_failures");
			fail_vram(fd, cases[k].nth, cases[k].times);
			if (k % 2) {
				/* A prefetch to VRAM. */
				igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			} else {
				/* A GPU read fault in a range that prefers VRAM. */
				m.vm_id = c.vm;
				m.addr = (uintptr_t)a;
				do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m);
				gpu_copy(&c, out, a, 2 * MB);
				assert_pat(out, 0, 2 * MB, 40 + k);
			}
			fail_vram(fd, 0, 0);
			igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), cases[k].moved);
			igt_assert_eq(vram_dbg(fd, "alloc_failures") - fails, 512 - cases[k].moved);
			igt_assert_eq_u64(vram(fd).used - used0, cases[k].moved * PAGE);
			/* The GPU writes the mixed chunk, the CPU reads it all. */
			gpu_copy(&c, a, b, 2 * MB);
			assert_pat(a, 0, 2 * MB, 50 + k);
			munmap(a, 2 * MB);
			assert_used_back(fd, used0);
		}
		ctx_fini(&c);
		munmap(b, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("I1, I3: a GPU fault held between its VRAM pages and their use while "
		     "the CPU moves one back: the freed page is not mapped, the write lands.");
	igt_subtest("fault-pages-migrated") {
		volatile uint32_t *done = anon(PAGE);
		uint8_t *a;
		uint64_t mark;
		struct ctx c;

		require_vram(fd);
		vsvm_require_knob(fd, "userptr_inject");
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 35);
		/* The stream and the fences mapped: the next job faults on @a only. */
		vsvm_emit_store32(CS(&c), (uintptr_t)done, 0);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		/* The prefetch mapped the chunk: clear the GPU's entries of it. */
		{
			struct drm_vsvm_svm_madvise m = {
				.vm_id = c.vm, .attr = DRM_VSVM_SVM_ATTR_READ_ONLY,
				.addr = (uintptr_t)a, .size = 2 * MB, .value = 1,
			};

			/* Read-only then writable again: the entries are gone. */
			do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m);
			m.value = 0;
			do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m);
		}
		/* Point 6: after hmm_range_fault(), before the pages are used. */
		igt_assert_eq(vsvm_debugfs_write(fd, "userptr_inject", "6"), 0);
		vsvm_emit_store32(CS(&c), (uintptr_t)(a + 8), 0xc0ffee);
		vsvm_emit_store32(CS(&c), (uintptr_t)done, 1);
		mark = submit(&c);
		igt_assert_f(fault_held(fd, 3000), "the job's GPU fault was not held\n");
		/* The CPU takes page 0 back: its VRAM page and backing are freed. */
		cpu_touch(a, 0, 35);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 511);
		igt_assert_eq(vsvm_debugfs_write(fd, "userptr_inject", "0"), 0);
		igt_assert_eq(job_end(&c, mark), 1);
		igt_assert_eq(*done, 1);
		igt_assert_eq(*(volatile uint32_t *)(a + 8), 0xc0ffee);
		assert_pat(a + 12, 12, 2 * MB - 12, 35);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		munmap((void *)done, PAGE);
	}

	igt_describe("I10: a GPU write to VRAM pages made read-only by mprotect() faults "
		     "READ_ONLY, and the data stays.");
	igt_subtest("mprotect-write") {
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 37);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq(mprotect(a, 2 * MB, PROT_READ), 0);
		vsvm_emit_store32(CS(&c), (uintptr_t)(a + 8), 1);
		igt_assert_eq(run(&c), -EFAULT);
		igt_assert_eq_u32(newest_fault(c.fd).reason, DRM_VSVM_FAULT_READ_ONLY);
		assert_pat(a, 0, 2 * MB, 37);
		ctx_fini(&c);
		munmap(a, 2 * MB);
	}

	igt_describe("A GPU write of the parent to VRAM pages it shares with a child after "
		     "fork() lands; the child keeps its data.");
	igt_subtest("fork-gpu-write") {
		int go[2];
		uint8_t *a;
		struct ctx c;

		require_vram(fd);
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 38);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		igt_assert_eq(pipe(go), 0);
		igt_fork(child, 1) {
			char x;

			/* Untouched until the parent's GPU has written. */
			igt_assert_eq(read(go[0], &x, 1), 1);
			assert_pat(a, 0, 2 * MB, 38);
		}
		vsvm_emit_fill(CS(&c), (uintptr_t)a, 0x5a5a5a5a, 2 * MB);
		igt_assert_eq(run(&c), 1);
		assert_bytes(a, 2 * MB, 0x5a);
		igt_assert_eq(write(go[1], "x", 1), 1);
		igt_waitchildren();
		close(go[0]);
		close(go[1]);
		ctx_fini(&c);
		munmap(a, 2 * MB);
	}

	igt_describe("I1: a CPU fault whose migration copy fails gets SIGBUS, not a "
		     "fault retried forever; the data stays intact in VRAM.");
	igt_subtest("cpu-fault-copy-fails") {
		long long failed;
		uint64_t used;
		uint8_t *a;
		struct ctx c;
		int status;
		pid_t pid;

		require_vram(fd);
		vsvm_require_knob(fd, "migrate_break");
		require_dmachk(fd);
		used = vram(fd).used;
		ctx_init_fd(&c, drm_open_driver(DRIVER_VSVM));
		a = anon_aligned(2 * MB);
		fill_pat(a, 0, 2 * MB, 33);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		failed = vram_dbg(fd, "migrate_jobs_failed");
		igt_assert_eq(vsvm_debugfs_write(fd, "dmachk_expect", "1"), 0);
		igt_assert_eq(vsvm_debugfs_write(fd, "migrate_break", "1"), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			/* A fault retried forever is a failure, not a VM timeout. */
			alarm(20);
			(void)*(volatile uint8_t *)a;
			_exit(0);
		}
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert_eq(vsvm_debugfs_write(fd, "dmachk_expect", "0"), 0);
		igt_assert_f(WIFSIGNALED(status) && WTERMSIG(status) == SIGBUS,
			     "CPU fault on a failed copy: child %s %d, not SIGBUS\n",
			     WIFSIGNALED(status) ? "killed by signal" : "exited with",
			     WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		igt_assert_eq(vram_dbg(fd, "migrate_jobs_failed"), failed + 1);
		/* The data stayed in VRAM; the knob was one-shot, the device works. */
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 512);
		assert_pat(a, 0, 2 * MB, 33);
		igt_assert_eq_u64(pages_swapped_out(a, 2 * MB), 0);
		igt_assert_eq(prefetch(&c, a, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		assert_pat(a, 0, 2 * MB, 33);
		ctx_fini(&c);
		munmap(a, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_fixture
		close(fd);
}
