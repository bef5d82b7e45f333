// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm fault inject
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: fault injection
 * Description: Every slab and page allocation each vsvm ioctl makes is
 *		failed in turn (failslab and fail_page_alloc, through
 *		/proc/thread-self/fail-nth): the ioctl must fail with
 *		-ENOMEM or succeed, leave no leak (debugfs bo_count, kmemleak
 *		at the end of the run) and no broken state (the device still
 *		runs a job afterwards), and the kernel must not warn.
 *		An SVM fault's non-sleeping xarray allocations are failed
 *		too: the page it maps must stay tracked (I1, I10).
 *		A failed UNMAP must leave its mappings as they were: a
 *		userptr it did not unmap is still invalidated when its
 *		memory goes (the DMA checker stays silent).
 *
 * SUBTEST: gem
 * Description: GEM_CREATE, GEM_MMAP_OFFSET and GEM_INFO under failing allocations.
 *
 * SUBTEST: vm-bind
 * Description: VM_CREATE, VM_BIND (map, and an unmap that splits) and VM_DESTROY
 *		under failing allocations.
 *
 * SUBTEST: unmap-split-userptr
 * Description: A synchronous UNMAP that splits a 2 MiB leaf and covers a userptr
 *		mapping, each allocation failed in turn: a failed UNMAP leaves the
 *		userptr mapped and still invalidated by munmap (the DMA checker stays
 *		silent); a job then faults or cannot be submitted.
 *
 * SUBTEST: vm-bind-async
 * Description: Asynchronous VM_BIND (a map, an unmap that splits, with an out-
 *		syncobj) under failing allocations: each op is queued or fails with
 *		-ENOMEM, and what was queued runs.
 *
 * SUBTEST: exec
 * Description: EXEC with syncobjs and QUERY under failing allocations.
 *
 * SUBTEST: svm-fault-store
 * Description: An SVM prefetch over a mapped page while non-sleeping xarray node
 *		allocations fail; after a munmap of the page, a GPU copy from it
 *		faults (it does not read the freed page) and the DMA checker stays
 *		silent.
 *
 * SUBTEST: gem-mmap-fault
 * Description: GEM_CREATE, GEM_MMAP_OFFSET, mmap() and the first CPU access under
 *		failing allocations; the device runs a job after each.
 *
 * SUBTEST: userptr
 * Description: GEM_USERPTR in notifier mode, with PROBE and with PIN_LONGTERM, and a
 *		synchronous VM_BIND MAP and UNMAP of it, under failing allocations: no
 *		userptr, pin or pinned page is left.
 *
 * SUBTEST: vm-svm-prefetch
 * Description: VM_CREATE, plain and SVM, SVM_PREFETCH and VM_DESTROY under failing
 *		allocations: VM_DESTROY never fails.
 *
 * SUBTEST: prime-bind-import
 * Description: PRIME export on device 0 of an object and of a registration
 *		(GEM_USERPTR with PIN_LONGTERM), import on device 1, and a synchronous
 *		VM_BIND MAP and UNMAP of the import, under failing allocations: no
 *		import, object or pin is left on either device.
 *
 * SUBTEST: exec-import-remap
 * Description: EXEC on device 1 storing into an import whose exporter (device 0)
 *		moved it, so that EXEC maps it again, under failing allocations; the
 *		exporter reads the value back.
 *
 * SUBTEST: vm-bind-ops
 * Description: A VM_BIND of three MAPs (one across a 1 GiB boundary, one of a 2 MiB
 *		object at a 2 MiB boundary), synchronous and asynchronous, under
 *		failing allocations: exactly the num_done first ops are done.
 *
 * SUBTEST: exec-first-userptr
 * Description: The first EXEC on a context, with binary and timeline in- and out-
 *		syncobjs, storing into a userptr whose pages must be faulted in again,
 *		then QUERY, under failing allocations; the job's data is checked.
 *
 * SUBTEST: svm-madvise-query
 * Description: SVM_MADVISE of a page inside a range (a split) and SVM_QUERY of
 *		a snapshot under failing allocations: each succeeds or fails with
 *		-ENOMEM; afterwards the page's attribute is whole (set or not), the
 *		snapshot reports the touched pages, and clearing the attribute gives
 *		back one default range.
 */

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define CMD_VA 0x100000ull
#define DATA_VA 0x200000ull
#define MIB (1ull << 20)

static int fail_nth_fd = -1;

static void failslab_setup(void)
{
	/*
	 * fail-nth alone decides which allocation fails; the probability
	 * stays 0, or every task's allocations would fail.  Sleeping
	 * (GFP_KERNEL) allocations must be eligible.
	 */
	const char *knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		/* Page allocations (page tables, shmem pages) count too. */
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};
	unsigned int i;

	igt_require_f(!access("/sys/kernel/debug/failslab", F_OK),
		      "the kernel has no failslab (FAILSLAB, FAULT_INJECTION_DEBUG_FS)\n");
	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		int f = open(knobs[i][0], O_WRONLY);

		igt_assert_fd(f);
		igt_assert_lt(0, write(f, knobs[i][1], strlen(knobs[i][1])));
		close(f);
	}
	fail_nth_fd = open("/proc/thread-self/fail-nth", O_RDWR);
	igt_assert_fd(fail_nth_fd);
}

/* Arms the @n-th slab allocation of this thread to fail. */
static void fail_nth(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	igt_assert_eq(pwrite(fail_nth_fd, buf, len, 0), len);
}

/* Disarms; returns whether the armed failure was used. */
static bool disarm(void)
{
	char buf[16] = "";

	igt_assert_lt(0, pread(fail_nth_fd, buf, sizeof(buf) - 1, 0));
	fail_nth(0);
	return atoi(buf) == 0;
}

/* @ret (0 or -errno) of a call that may fail only with -ENOMEM; true if it succeeded. */
static bool ok_or_enomem(int ret, const char *what)
{
	igt_assert_f(ret == 0 || ret == -ENOMEM, "%s: %s\n", what, strerror(-ret));
	return ret == 0;
}

static int ioctl_ret(int fd, unsigned long request, void *arg)
{
	return igt_ioctl(fd, request, arg) ? -errno : 0;
}

/*
 * Runs the body with the n-th allocation failing, for n = 1, 2, ... until
 * an armed failure is not used: the body has fewer allocations than n.  The
 * body arms with fail_nth(n), sets @more = disarm() where its armed section
 * ends, then undoes what succeeded.
 */
#define FOR_EACH_ALLOCATION(n, more) \
	for (int n = 1, more = 1; more && n < 1000; n++)

static void write_knob(const char *path, const char *val)
{
	int f = open(path, O_WRONLY);

	igt_assert_f(f >= 0, "cannot open %s\n", path);
	igt_assert_eq(write(f, val, strlen(val)), (int)strlen(val));
	close(f);
}

#define FAILSLAB "/sys/kernel/debug/failslab/"
#define RADIX_FAILSLAB "/sys/kernel/slab/radix_tree_node/failslab"
#define NOWAIT_TIMES "1000000"

/*
 * Fails every xarray node allocation that may not sleep (GFP_NOWAIT,
 * GFP_ATOMIC), in any task, until disarmed: failslab's cache filter on
 * radix_tree_node, sleeping allocations ignored.  An SVM fault runs in the
 * engine's worker, which the per-thread fail-nth cannot reach.
 */
static void fail_nowait_xa_nodes(void)
{
	write_knob(RADIX_FAILSLAB, "1");
	write_knob(FAILSLAB "cache-filter", "Y");
	write_knob(FAILSLAB "ignore-gfp-wait", "Y");
	write_knob(FAILSLAB "task-filter", "N");
	write_knob(FAILSLAB "interval", "1");
	write_knob(FAILSLAB "times", NOWAIT_TIMES);
	write_knob(FAILSLAB "probability", "100");
}

/* Disarms fail_nowait_xa_nodes(); returns how many allocations failed. */
static int disarm_nowait_xa_nodes(void)
{
	char buf[32] = "";
	int f;

	write_knob(FAILSLAB "probability", "0");
	f = open(FAILSLAB "times", O_RDONLY);
	igt_assert_fd(f);
	igt_assert_lt(0, read(f, buf, sizeof(buf) - 1));
	close(f);
	write_knob(FAILSLAB "cache-filter", "N");
	write_knob(FAILSLAB "ignore-gfp-wait", "N");
	write_knob(RADIX_FAILSLAB, "0");
	return atoi(NOWAIT_TIMES) - atoi(buf);
}

/* An SVM_PREFETCH of the page at @addr; the job's status (1, or -errno). */
static int svm_prefetch_page(int fd, uint32_t vm, void *addr, bool inject, int *injected)
{
	static uint64_t done;
	struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(&done, 1);
	struct drm_vsvm_svm_prefetch p = {
		.extensions = (uintptr_t)&uf,
		.vm_id = vm, .addr = (uintptr_t)addr, .size = PAGE,
	};
	uint64_t mark = vsvm_newest_fault(fd, NULL);
	int ret, waited = 0;

	done = 0;
	if (inject)
		fail_nowait_xa_nodes();
	ret = ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p);
	if (!ret)
		waited = vsvm_ufence_wait_ms(fd, &done, 1, 20000);
	/* Disarmed before any assertion can end the subtest. */
	if (inject)
		*injected = disarm_nowait_xa_nodes();
	igt_assert_eq(ret, 0);
	igt_assert_eq(waited, 0);
	/* Long-running mode: a job's error is in the fault ring. */
	return vsvm_newest_fault(fd, NULL) == mark ? 1 : -EFAULT;
}

/*
 * Scans the "pt:" lines of VM @vm of @fd's file in debugfs vsvm_vms: whether
 * a 2 MiB leaf maps @at, and whether any entry reaches [@start, @end).
 */
static void pt_scan(int fd, uint32_t vm, uint64_t at, uint64_t start, uint64_t end,
		    bool *huge, bool *reaches)
{
	static char buf[1 << 16];
	char key[32], file_key[48], *line, *save = NULL;
	bool in_file = false, in_vm = false;
	unsigned long long a, b;
	char rw[4], size[4];
	int dir, f, n;

	*huge = false;
	*reaches = false;
	dir = igt_debugfs_dir(fd);
	igt_assert_fd(dir);
	f = openat(dir, "vsvm_vms", O_RDONLY);
	igt_assert_fd(f);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	close(dir);
	igt_assert_lt(0, n);
	buf[n] = '\0';
	snprintf(key, sizeof(key), "vm %u", vm);
	snprintf(file_key, sizeof(file_key), "file %lld", vsvm_fdinfo_value(fd, "drm-client-id"));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "file ", 5)) {
			in_file = !strcmp(line, file_key);
			in_vm = false;
		} else if (in_file && !strncmp(line, "vm ", 3)) {
			in_vm = !strcmp(line, key);
		} else if (in_vm && sscanf(line, "pt: 0x%llx-0x%llx %3s %3s", &a, &b, rw, size) == 4) {
			*huge |= !strcmp(size, "2M") && a <= at && at < b;
			*reaches |= a < end && start < b;
			igt_debug("%s\n", line);
		}
	}
}

/* Writes @val to sysfs file @path; returns 0 or -errno. */
static int sysfs_write(const char *path, const char *val)
{
	int f = open(path, O_WRONLY), ret = 0;

	if (f < 0)
		return -errno;
	if (write(f, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(f);
	return ret;
}

#define SHMEM_THP "/sys/kernel/mm/transparent_hugepage/shmem_enabled"

/* The device still works: a job stores a value, read back by the CPU. */
static void check_device_works(int fd)
{
	uint32_t vm = vsvm_vm_create(fd, 0), cmd = vsvm_gem_create(fd, PAGE);
	uint32_t data = vsvm_gem_create(fd, PAGE), s;
	uint32_t *c = vsvm_gem_mmap(fd, cmd, PAGE), *d = vsvm_gem_mmap(fd, data, PAGE);
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = { .vm_id = vm, .cs_addr = CMD_VA, .cs_size = 16,
				   .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };

	igt_assert_eq(vsvm_vm_map(fd, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, vm, data, 0, DATA_VA, PAGE, 0), 0);
	c[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4);
	c[1] = (uint32_t)DATA_VA;
	c[2] = 0;
	c[3] = 0x600d;
	igt_assert_eq(drmSyncobjCreate(fd, 0, &s), 0);
	out.handle = s;
	do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
	igt_assert_eq(drmSyncobjWait(fd, &s, 1, INT64_MAX, 0, NULL), 0);
	igt_assert_eq_u32(d[0], 0x600d);
	munmap(c, PAGE);
	munmap(d, PAGE);
	drmSyncobjDestroy(fd, s);
	vsvm_gem_close(fd, cmd);
	vsvm_gem_close(fd, data);
	igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
			    &(struct drm_vsvm_vm_destroy){ .vm_id = vm }), 0);
}

/*
 * --- Every allocating ioctl path -------------------------------------------
 *
 * I2: each unwind of a failed allocation must stay lockdep-clean (the debug
 * kernel judges the log) and leave no object, pin or pinned page behind.
 */

/*
 * Cap on the allocations failed in turn per path.  The debug kernel under
 * TCG is slow, and past the first allocations a path repeats itself (more
 * pages of the same kind); a path that reaches the cap says so.
 */
#define POINTS_MAX 150

/* FOR_EACH_ALLOCATION(), at most POINTS_MAX points. */
#define FOR_EACH_POINT(n, more) \
	for (int n = 1, more = 1; more && n <= POINTS_MAX; n++)

/* Calls of the current subtest that failed with -ENOMEM, see ok_or_enomem_count(). */
static int enomem_calls;

/* ok_or_enomem(), counting the calls that failed in enomem_calls. */
static bool ok_or_enomem_count(int ret, const char *what)
{
	bool ok = ok_or_enomem(ret, what);

	enomem_calls += !ok;
	return ok;
}

/* Prints how many allocations of @path were failed in turn, and how many calls failed. */
static void report_points(const char *path, int points)
{
	igt_info("%s: %d allocations failed in turn%s, %d calls failed with ENOMEM\n",
		 path, points, points >= POINTS_MAX ? " (capped)" : "", enomem_calls);
	enomem_calls = 0;
}

/*
 * Whether page allocations for user memory (GFP_HIGHUSER, which
 * fail_page_alloc skips by default) fail too: the pages a userptr's pinning
 * faults in.
 */
static void fail_user_pages(bool fail)
{
	int f = open("/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", O_WRONLY);

	igt_assert_fd(f);
	igt_assert_eq(write(f, fail ? "N" : "Y", 1), 1);
	close(f);
}

static void vm_destroy(int fd, uint32_t vm)
{
	igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_VM_DESTROY,
				&(struct drm_vsvm_vm_destroy){ .vm_id = vm }), 0);
}

/**
 * struct probe - A context kept for checking the device between points
 * @vm: its VM
 * @cmd: command buffer object, at CMD_VA
 * @data: data buffer object, at DATA_VA
 * @c: CPU mapping of @cmd
 * @d: CPU mapping of @data
 */
struct probe {
	uint32_t vm, cmd, data;
	uint32_t *c, *d;
};

static void probe_init(int fd, struct probe *p)
{
	p->vm = vsvm_vm_create(fd, 0);
	p->cmd = vsvm_gem_create(fd, PAGE);
	p->data = vsvm_gem_create(fd, PAGE);
	p->c = vsvm_gem_mmap(fd, p->cmd, PAGE);
	p->d = vsvm_gem_mmap(fd, p->data, PAGE);
	igt_assert_eq(vsvm_vm_map(fd, p->vm, p->cmd, 0, CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, p->vm, p->data, 0, DATA_VA, PAGE, 0), 0);
}

/* The device still works: a job stores @v, the CPU reads it back (20 s bound). */
static void probe_run(int fd, struct probe *p, uint32_t v)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = { .vm_id = p->vm, .cs_addr = CMD_VA, .cs_size = 16,
				   .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };

	p->c[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4);
	p->c[1] = (uint32_t)DATA_VA;
	p->c[2] = 0;
	p->c[3] = v;
	igt_assert_eq(drmSyncobjCreate(fd, 0, &out.handle), 0);
	do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
	igt_assert_eq(vsvm_job_end(fd, out.handle), 1);
	igt_assert_eq_u32(p->d[0], v);
}

static void probe_fini(int fd, struct probe *p)
{
	munmap(p->c, PAGE);
	munmap(p->d, PAGE);
	vsvm_gem_close(fd, p->cmd);
	vsvm_gem_close(fd, p->data);
	vm_destroy(fd, p->vm);
}

/*
 * Waits (up to 10 s: releases may run from a worker) for "@key: " of debugfs
 * @file of @fd's device to come back to @want.
 */
static void assert_counter(int fd, const char *file, const char *key, long long want)
{
	long long v = 0;
	int i;

	for (i = 0; i < 1000; i++) {
		v = vsvm_debugfs_get(fd, file, key);
		if (v == want)
			return;
		usleep(10000);
	}
	igt_assert_f(v == want, "%s %s: %lld, was %lld before\n", file, key, v, want);
}

/* The VmPin line of /proc/self/status in kB: the pins of this process. */
static long long vm_pin_kb(void)
{
	char line[128];
	long long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			kb = atoll(line + 6);
	fclose(f);
	return kb;
}

/* Anonymous private memory of @size bytes, each page written. */
static void *anon_touched(uint64_t size)
{
	uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			  -1, 0);

	igt_assert(p != MAP_FAILED);
	memset(p, 1, size);
	return p;
}

igt_main
{
	long long base = 0;
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
		failslab_setup();
		base = vsvm_info_get(fd, "bo_count");
	}

	igt_describe("GEM_CREATE, GEM_MMAP_OFFSET and GEM_INFO under failing allocations.");
	igt_subtest("gem") {
		int injected = 0;

		FOR_EACH_ALLOCATION(n, more) {
			struct drm_vsvm_gem_create c = { .size = 4 * PAGE };
			int created;

			fail_nth(n);
			created = ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_GEM_CREATE, &c),
					       "GEM_CREATE");
			if (created) {
				struct drm_vsvm_gem_mmap_offset mo = { .handle = c.handle };
				struct drm_vsvm_gem_info info = { .handle = c.handle };

				ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo),
					     "GEM_MMAP_OFFSET");
				ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_GEM_INFO, &info), "GEM_INFO");
			}
			more = disarm();
			if (created)
				vsvm_gem_close(fd, c.handle);
			injected += more;
		}
		igt_info("gem: %d allocations failed in turn\n", injected);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	igt_describe("VM_CREATE, VM_BIND (map, and an unmap that splits) and VM_DESTROY "
		     "under failing allocations.");
	igt_subtest("vm-bind") {
		uint32_t bo = vsvm_gem_create(fd, 64 * PAGE);
		int injected = 0;

		FOR_EACH_ALLOCATION(n, more) {
			struct drm_vsvm_vm_create c = { 0 };
			int created, mapped = 0;

			fail_nth(n);
			created = ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_VM_CREATE, &c),
					       "VM_CREATE");
			if (created)
				mapped = ok_or_enomem(vsvm_vm_map(fd, c.vm_id, bo, 0, 0x40000000,
								  64 * PAGE, 0), "VM_BIND MAP");
			if (mapped)
				ok_or_enomem(vsvm_vm_unmap(fd, c.vm_id, 0x40008000, 4 * PAGE),
					     "VM_BIND UNMAP");
			more = disarm();
			if (created)
				igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
						    &(struct drm_vsvm_vm_destroy){ .vm_id = c.vm_id }),
					      0);
			injected += more;
		}
		igt_info("vm-bind: %d allocations failed in turn\n", injected);
		vsvm_gem_close(fd, bo);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	/*
	 * I1, I9: a synchronous UNMAP whose range cuts into a 2 MiB leaf (of
	 * a buffer object on a transparent huge page) and covers a userptr
	 * mapping.  Splitting the leaf allocates; if that fails, the UNMAP
	 * must leave the userptr mapping on its object's list, where the MMU
	 * notifier finds it: the next EXEC writes its entries, and munmap()
	 * of its memory must clear them again before the pages go.
	 */
	igt_describe("A synchronous UNMAP that splits a 2 MiB leaf and covers a userptr "
		     "mapping, each allocation failed in turn: a failed UNMAP leaves "
		     "the userptr mapped and still invalidated by munmap (the DMA "
		     "checker stays silent); a job then faults or cannot be submitted.");
	igt_subtest("unmap-split-userptr") {
		const uint64_t bo_va = 0x40000000, up_va = bo_va + 4 * MIB, up_size = 16 * PAGE;
		const uint64_t cut = bo_va + 3 * MIB, cut_size = up_va + up_size - cut;
		long long chk = vsvm_debugfs_get(fd, "dmachk", "violations");
		uint32_t bo, cmd, dst, vm0 = vsvm_vm_create(fd, 0);
		char thp_old[64] = "";
		int injected = 0, failed = 0, f;
		bool huge, reaches;
		uint32_t *c, *d;

		igt_require_f(chk >= 0, "the DMA checker is off\n");
		f = open(SHMEM_THP, O_RDONLY);
		igt_require_f(f >= 0, "the kernel has no transparent huge pages\n");
		igt_assert_lt(0, read(f, thp_old, sizeof(thp_old) - 1));
		close(f);
		/* "always [never] ..." : keep the bracketed one. */
		if (strchr(thp_old, '['))
			memmove(thp_old, strchr(thp_old, '[') + 1, strlen(strchr(thp_old, '[')));
		if (strchr(thp_old, ']'))
			*strchr(thp_old, ']') = '\0';
		igt_assert_eq(sysfs_write(SHMEM_THP, "force"), 0);
		bo = vsvm_gem_create(fd, 4 * MIB);
		/* The object's pages are got at its first MAP: on huge pages now. */
		igt_assert_eq(vsvm_vm_map(fd, vm0, bo, 0, bo_va, 4 * MIB, 0), 0);
		igt_assert_eq(sysfs_write(SHMEM_THP, thp_old), 0);
		pt_scan(fd, vm0, cut, 0, 0, &huge, &reaches);
		igt_require_f(huge, "no 2 MiB leaf at %#llx: shmem gave no huge page\n",
			      (unsigned long long)cut);

		cmd = vsvm_gem_create(fd, PAGE);
		dst = vsvm_gem_create(fd, up_size);
		c = vsvm_gem_mmap(fd, cmd, PAGE);
		d = vsvm_gem_mmap(fd, dst, up_size);
		FOR_EACH_ALLOCATION(n, more) {
			uint32_t vm = vsvm_vm_create(fd, 0), up, s;
			struct drm_vsvm_sync out = { 0 };
			struct drm_vsvm_exec e = { .vm_id = vm, .cs_addr = CMD_VA,
						   .out_syncs = (uintptr_t)&out,
						   .num_out_syncs = 1 };
			unsigned int w = 0;
			uint8_t *mem;
			int ret;

			mem = mmap(NULL, up_size, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
			igt_assert(mem != MAP_FAILED);
			memset(mem, 0x5a, up_size);
			up = vsvm_gem_userptr(fd, mem, up_size, 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, dst, 0, DATA_VA, up_size, 0), 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, bo, 0, bo_va, 4 * MIB, 0), 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, up, 0, up_va, up_size, 0), 0);
			vsvm_emit_copy(c, &w, PAGE / 4, DATA_VA, up_va, up_size);
			vsvm_emit_end(c, &w, PAGE / 4);
			e.cs_size = w * 4;
			pt_scan(fd, vm, cut, 0, 0, &huge, &reaches);
			igt_assert_f(huge, "n=%d: no 2 MiB leaf at %#llx\n", n,
				     (unsigned long long)cut);

			fail_nth(n);
			ret = vsvm_vm_unmap(fd, vm, cut, cut_size);
			more = disarm();
			igt_assert_f(ret == 0 || ret == -ENOMEM, "UNMAP: %s\n", strerror(-ret));
			if (ret) {
				/* Still mapped: a job reads the userptr. */
				failed++;
				memset(d, 0, up_size);
				igt_assert_eq(drmSyncobjCreate(fd, 0, &s), 0);
				out.handle = s;
				igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_EXEC, &e), 0);
				igt_assert_eq(vsvm_job_end(fd, s), 1);
				igt_assert_eq(d[0], 0x5a5a5a5a);
				igt_assert_eq(d[up_size / 4 - 1], 0x5a5a5a5a);
			}
			/* Its memory goes: nothing may reach its pages any more. */
			igt_assert_eq(munmap(mem, up_size), 0);
			pt_scan(fd, vm, 0, up_va, up_va + up_size, &huge, &reaches);
			igt_assert_f(!reaches, "n=%d: UNMAP %d, and after munmap the GPU page "
				     "table still maps the userptr's range\n", n, ret);
			igt_assert_f(vsvm_debugfs_get(fd, "dmachk", "violations") == chk,
				     "n=%d: UNMAP %d, then munmap: DMA checker: %lld violations "
				     "(%lld before)\n", n, ret,
				     vsvm_debugfs_get(fd, "dmachk", "violations"), chk);
			/* A job using the address faults, or cannot be submitted. */
			igt_assert_eq(drmSyncobjCreate(fd, 0, &s), 0);
			out.handle = s;
			ret = ioctl_ret(fd, DRM_IOCTL_VSVM_EXEC, &e);
			if (ret) {
				igt_assert_eq(ret, -EFAULT);
				drmSyncobjDestroy(fd, s);
			} else {
				igt_assert_eq(vsvm_job_end(fd, s), -EFAULT);
			}
			igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
					    &(struct drm_vsvm_vm_destroy){ .vm_id = vm }), 0);
			vsvm_gem_close(fd, up);
			injected += more;
		}
		igt_info("unmap-split-userptr: %d allocations failed in turn, %d UNMAPs failed\n",
			 injected, failed);
		igt_assert_lt(0, failed);
		munmap(c, PAGE);
		munmap(d, up_size);
		vsvm_gem_close(fd, cmd);
		vsvm_gem_close(fd, dst);
		igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
				    &(struct drm_vsvm_vm_destroy){ .vm_id = vm0 }), 0);
		vsvm_gem_close(fd, bo);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	igt_describe("Asynchronous VM_BIND (a map, an unmap that splits, with an "
		     "out-syncobj) under failing allocations: each op is queued or "
		     "fails with -ENOMEM, and what was queued runs.");
	igt_subtest("vm-bind-async") {
		uint32_t bo = vsvm_gem_create(fd, 64 * PAGE), vm = vsvm_vm_create(fd, 0), s;
		int injected = 0;

		igt_assert_eq(drmSyncobjCreate(fd, 0, &s), 0);
		FOR_EACH_ALLOCATION(n, more) {
			int mapped, unmapped = 0;

			fail_nth(n);
			mapped = ok_or_enomem(vsvm_vm_bind_async(fd, vm, bo, 0, 0x40000000,
								 64 * PAGE, 0, s),
					      "async VM_BIND MAP");
			if (mapped)
				unmapped = ok_or_enomem(vsvm_vm_bind_async(fd, vm, 0, 0, 0x40008000,
									   4 * PAGE, 0, s),
							"async VM_BIND UNMAP");
			more = disarm();
			/* The queued ops run; then the rest of the range goes. */
			if (mapped) {
				igt_assert_eq(drmSyncobjWait(fd, &s, 1, INT64_MAX, 0, NULL), 0);
				igt_assert_eq(vsvm_vm_unmap(fd, vm, 0x40000000, 8 * PAGE), 0);
				igt_assert_eq(vsvm_vm_unmap(fd, vm, 0x4000c000, 52 * PAGE), 0);
				if (!unmapped)
					igt_assert_eq(vsvm_vm_unmap(fd, vm, 0x40008000, 4 * PAGE),
						      0);
			}
			injected += more;
		}
		igt_info("vm-bind-async: %d allocations failed in turn\n", injected);
		drmSyncobjDestroy(fd, s);
		igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
				    &(struct drm_vsvm_vm_destroy){ .vm_id = vm }), 0);
		vsvm_gem_close(fd, bo);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	igt_describe("EXEC with syncobjs and QUERY under failing allocations.");
	igt_subtest("exec") {
		uint32_t vm = vsvm_vm_create(fd, 0), cmd = vsvm_gem_create(fd, PAGE);
		uint32_t *c = vsvm_gem_mmap(fd, cmd, PAGE), bin, tl;
		int injected = 0;

		igt_assert_eq(vsvm_vm_map(fd, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
		c[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &bin), 0);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &tl), 0);
		FOR_EACH_ALLOCATION(n, more) {
			struct drm_vsvm_sync out[2] = {
				{ .handle = bin },
				{ .handle = tl, .flags = DRM_VSVM_SYNC_TIMELINE, .point = n },
			};
			struct drm_vsvm_exec e = { .vm_id = vm, .cs_addr = CMD_VA, .cs_size = 4,
						   .out_syncs = (uintptr_t)out, .num_out_syncs = 2 };
			struct drm_vsvm_query q = { .query = DRM_VSVM_QUERY_FAULTS };

			bool submitted;

			fail_nth(n);
			submitted = ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_EXEC, &e), "EXEC");
			if (submitted)
				ok_or_enomem(ioctl_ret(fd, DRM_IOCTL_VSVM_QUERY, &q), "QUERY");
			more = disarm();
			/* A failed EXEC left the out-syncobjs alone. */
			if (submitted)
				igt_assert_eq(drmSyncobjWait(fd, &bin, 1, INT64_MAX, 0, NULL), 0);
			injected += more;
		}
		igt_info("exec: %d allocations failed in turn\n", injected);
		munmap(c, PAGE);
		vsvm_gem_close(fd, cmd);
		igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
				    &(struct drm_vsvm_vm_destroy){ .vm_id = vm }), 0);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	/*
	 * I1, I10: a fault's tracking entry, through which invalidation finds
	 * the PTEs to clear, cannot be lost.  A second prefetch of a mapped
	 * 4 KiB chunk replaces its entry; with every non-sleeping xarray node
	 * allocation failing meanwhile, the page must still be tracked, so
	 * that a munmap takes it from the GPU.
	 */
	igt_describe("An SVM prefetch over a mapped page while non-sleeping xarray node "
		     "allocations fail; after a munmap of the page, a GPU copy from it "
		     "faults (it does not read the freed page) and the DMA checker stays "
		     "silent.");
	igt_subtest("svm-fault-store") {
		uint8_t *area = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint8_t *data = area + (1 << 20), *dst = area + PAGE;
		uint32_t *cs = (uint32_t *)area;
		struct drm_vsvm_vm_create vc = { .flags = DRM_VSVM_VM_CREATE_SVM };
		uint64_t *done = (uint64_t *)(area + 2 * PAGE), mark;
		struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(done, 1);
		struct drm_vsvm_exec e = { .extensions = (uintptr_t)&uf,
					   .cs_addr = (uintptr_t)cs, .cs_size = 7 * 4 };
		long long violations = vsvm_debugfs_get(fd, "dmachk", "violations");
		int injected = 0, status;
		unsigned int n = 0;

		igt_assert(area != MAP_FAILED);
		igt_require_f(!access(RADIX_FAILSLAB, W_OK),
			      "no failslab attribute on the xarray node cache\n");
		do_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc);
		e.vm_id = vc.vm_id;
		/* 4 KiB chunks: the data page is alone in its xarray node. */
		igt_assert_eq(vsvm_debugfs_write(fd, "svm_chunk", "4096"), 0);
		memset(data, 0x5a, PAGE);
		memset(dst, 0, PAGE);
		igt_assert_eq(svm_prefetch_page(fd, vc.vm_id, data, false, NULL), 1);
		igt_assert_eq(svm_prefetch_page(fd, vc.vm_id, data, true, &injected), 1);
		igt_info("svm-fault-store: %d xarray node allocations failed\n", injected);

		/* The page goes; the GPU must fault on it now. */
		igt_assert_eq(munmap(data, PAGE), 0);
		vsvm_emit_copy(cs, &n, 7, (uintptr_t)dst, (uintptr_t)data, PAGE);
		*done = 0;
		mark = vsvm_newest_fault(fd, NULL);
		do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(vsvm_ufence_wait_ms(fd, done, 1, 20000), 0);
		/* Long-running mode: a job's error is in the fault ring. */
		status = vsvm_newest_fault(fd, NULL) == mark ? 1 : -EFAULT;
		igt_assert_eq(vsvm_debugfs_write(fd, "svm_chunk", "0"), 0);
		igt_assert_f(status == -EFAULT,
			     "a GPU copy from a page munmapped after the prefetch ended with %d, "
			     "not -EFAULT: its PTE outlived the page\n", status);
		igt_assert_eq(vsvm_debugfs_get(fd, "dmachk", "violations"), violations);
		igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY,
				    &(struct drm_vsvm_vm_destroy){ .vm_id = vc.vm_id }), 0);
		munmap(area, 1 << 20);
		munmap(data + PAGE, (1 << 20) - PAGE);
		check_device_works(fd);
	}

	/* --- Every allocating ioctl path ------------------------------------- */

	igt_describe("GEM_CREATE, GEM_MMAP_OFFSET, mmap() and the first CPU access "
		     "under failing allocations; the device runs a job after each.");
	igt_subtest("gem-mmap-fault") {
		struct probe p;
		int points = 0;

		probe_init(fd, &p);
		/* The object's shmem pages, got at mmap(), fail too. */
		fail_user_pages(true);
		FOR_EACH_POINT(n, more) {
			struct drm_vsvm_gem_create c = { .size = 2 * PAGE };
			struct drm_vsvm_gem_mmap_offset mo = { 0 };
			uint32_t *ptr = MAP_FAILED;
			bool created, offset = false;

			fail_nth(n);
			created = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_GEM_CREATE, &c),
						     "GEM_CREATE");
			if (created) {
				mo.handle = c.handle;
				offset = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET,
								      &mo), "GEM_MMAP_OFFSET");
			}
			if (offset) {
				ptr = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED,
					   fd, mo.offset);
				ok_or_enomem_count(ptr == MAP_FAILED ? -errno : 0, "mmap");
			}
			if (ptr != MAP_FAILED) {
				ptr[0] = n;
				ptr[PAGE / 4] = n;
			}
			more = disarm();
			if (ptr != MAP_FAILED) {
				igt_assert_eq_u32(ptr[0], n);
				munmap(ptr, 2 * PAGE);
			}
			if (created)
				vsvm_gem_close(fd, c.handle);
			probe_run(fd, &p, n);
			points += more;
		}
		fail_user_pages(false);
		report_points("gem-mmap-fault", points);
		probe_fini(fd, &p);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_describe("GEM_USERPTR in notifier mode, with PROBE and with PIN_LONGTERM, "
		     "and a synchronous VM_BIND MAP and UNMAP of it, under failing "
		     "allocations: no userptr, pin or pinned page is left.");
	igt_subtest("userptr") {
		static const uint32_t modes[] = {
			0, DRM_VSVM_USERPTR_PROBE, DRM_VSVM_USERPTR_PIN_LONGTERM,
		};
		static const char * const names[] = {
			"userptr-notifier", "userptr-probe", "userptr-pin-longterm",
		};
		long long userptrs = vsvm_debugfs_get(fd, "vsvm_userptr", "userptrs");
		long long pinned = vsvm_debugfs_get(fd, "vsvm_userptr", "pinned_pages");
		long long longterm = vsvm_debugfs_get(fd, "vsvm_userptr", "longterm_pages");
		long long vmpin = vm_pin_kb();
		uint8_t *buf = anon_touched(4 * PAGE);
		struct probe p;
		unsigned int m;

		igt_assert_lte(0, userptrs);
		probe_init(fd, &p);
		fail_user_pages(true);
		for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
			int points = 0;

			FOR_EACH_POINT(n, more) {
				uint32_t h = 0;
				bool created, mapped = false, unmapped = false;

				/* Pinning, and MAP in notifier mode, fault the pages in. */
				igt_assert_eq(madvise(buf, 4 * PAGE, MADV_DONTNEED), 0);
				fail_nth(n);
				created = ok_or_enomem_count(__vsvm_gem_userptr(fd, (uintptr_t)buf,
										4 * PAGE, modes[m], &h),
							     "GEM_USERPTR");
				if (created)
					mapped = ok_or_enomem_count(vsvm_vm_map(fd, p.vm, h, 0, 0x40000000,
										4 * PAGE, 0),
								    "VM_BIND MAP of a userptr");
				if (mapped)
					unmapped = ok_or_enomem_count(vsvm_vm_unmap(fd, p.vm, 0x40000000,
										    4 * PAGE),
								      "VM_BIND UNMAP of a userptr");
				more = disarm();
				if (mapped && !unmapped)
					igt_assert_eq(vsvm_vm_unmap(fd, p.vm, 0x40000000, 4 * PAGE),
						      0);
				if (created)
					vsvm_gem_close(fd, h);
				probe_run(fd, &p, n);
				points += more;
			}
			report_points(names[m], points);
		}
		fail_user_pages(false);
		probe_fini(fd, &p);
		munmap(buf, 4 * PAGE);
		assert_counter(fd, "vsvm_userptr", "userptrs", userptrs);
		assert_counter(fd, "vsvm_userptr", "pinned_pages", pinned);
		assert_counter(fd, "vsvm_userptr", "longterm_pages", longterm);
		igt_assert_eq(vm_pin_kb(), vmpin);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_describe("VM_CREATE, plain and SVM, SVM_PREFETCH and VM_DESTROY under "
		     "failing allocations: VM_DESTROY never fails.");
	igt_subtest("vm-svm-prefetch") {
		uint8_t *buf = anon_touched(4 * PAGE);
		struct probe p;
		int points = 0;

		probe_init(fd, &p);
		FOR_EACH_POINT(n, more) {
			struct drm_vsvm_vm_create plain = { 0 };
			struct drm_vsvm_vm_create svm = { .flags = DRM_VSVM_VM_CREATE_SVM };
			static uint64_t done;
			/* Long-running mode: the prefetch ends through a user fence. */
			struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(&done, 1);
			struct drm_vsvm_svm_prefetch pf = {
				.extensions = (uintptr_t)&uf,
				.addr = (uintptr_t)buf, .size = 4 * PAGE,
			};
			bool has_plain, has_svm, prefetched = false;

			done = 0;
			fail_nth(n);
			has_plain = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_VM_CREATE, &plain),
						       "VM_CREATE");
			if (has_plain)
				vm_destroy(fd, plain.vm_id);
			has_svm = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_VM_CREATE, &svm),
						     "VM_CREATE SVM");
			if (has_svm) {
				pf.vm_id = svm.vm_id;
				prefetched = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_PREFETCH,
									  &pf), "SVM_PREFETCH");
			}
			/* The prefetch job is queued: VM_DESTROY goes with it in flight. */
			if (has_svm)
				vm_destroy(fd, svm.vm_id);
			more = disarm();
			if (prefetched)
				igt_assert_eq(vsvm_ufence_wait_ms(fd, &done, 1, 20000), 0);
			probe_run(fd, &p, n);
			points += more;
		}
		report_points("vm-svm-prefetch", points);
		probe_fini(fd, &p);
		munmap(buf, 4 * PAGE);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_describe("PRIME export on device 0 of an object and of a registration "
		     "(GEM_USERPTR with PIN_LONGTERM), import on device 1, and a "
		     "synchronous VM_BIND MAP and UNMAP of the import, under failing "
		     "allocations: no import, object or pin is left on either device.");
	igt_subtest("prime-bind-import") {
		static const char * const names[] = {
			"prime-bind-import-bo", "prime-bind-import-registration",
		};
		int fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		long long imports, base1, longterm;
		uint8_t *buf = anon_touched(4 * PAGE);
		uint32_t src[2];
		struct probe p;
		unsigned int k;

		igt_require_f(fd1 >= 0 && vsvm_is_vsvm(fd1), "needs a second vsvm device\n");
		imports = vsvm_debugfs_get(fd1, "vsvm_prime", "imports");
		longterm = vsvm_debugfs_get(fd, "vsvm_userptr", "longterm_pages");
		base1 = vsvm_info_get(fd1, "bo_count");
		igt_assert_lte(0, imports);
		src[0] = vsvm_gem_create(fd, 4 * PAGE);
		src[1] = vsvm_gem_userptr(fd, buf, 4 * PAGE, DRM_VSVM_USERPTR_PIN_LONGTERM);
		probe_init(fd1, &p);
		for (k = 0; k < 2; k++) {
			int points = 0;

			FOR_EACH_POINT(n, more) {
				int dmabuf = -1, ret;
				uint32_t h = 0;
				bool exported, imported = false, mapped = false, unmapped = false;

				fail_nth(n);
				ret = drmPrimeHandleToFD(fd, src[k], DRM_CLOEXEC | DRM_RDWR, &dmabuf);
				exported = ok_or_enomem_count(ret ? -errno : 0, "PRIME_HANDLE_TO_FD");
				if (exported) {
					ret = drmPrimeFDToHandle(fd1, dmabuf, &h);
					imported = ok_or_enomem_count(ret ? -errno : 0,
								      "PRIME_FD_TO_HANDLE");
				}
				if (imported)
					mapped = ok_or_enomem_count(vsvm_vm_map(fd1, p.vm, h, 0,
										0x40000000,
										4 * PAGE, 0),
								    "VM_BIND MAP of an import");
				if (mapped)
					unmapped = ok_or_enomem_count(vsvm_vm_unmap(fd1, p.vm,
										    0x40000000,
										    4 * PAGE),
								      "VM_BIND UNMAP of an import");
				more = disarm();
				if (mapped && !unmapped)
					igt_assert_eq(vsvm_vm_unmap(fd1, p.vm, 0x40000000, 4 * PAGE),
						      0);
				if (imported)
					vsvm_gem_close(fd1, h);
				if (exported)
					close(dmabuf);
				probe_run(fd1, &p, n);
				points += more;
			}
			report_points(names[k], points);
		}
		probe_fini(fd1, &p);
		vsvm_gem_close(fd, src[0]);
		vsvm_gem_close(fd, src[1]);
		munmap(buf, 4 * PAGE);
		assert_counter(fd1, "vsvm_prime", "imports", imports);
		assert_counter(fd, "vsvm_userptr", "longterm_pages", longterm);
		igt_assert_eq(vsvm_info_get(fd1, "bo_count"), base1);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
		drm_close_driver(fd1);
	}

	igt_describe("EXEC on device 1 storing into an import whose exporter "
		     "(device 0) moved it, so that EXEC maps it again, under failing "
		     "allocations; the exporter reads the value back.");
	igt_subtest("exec-import-remap") {
		int fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		long long imports, base1;
		uint32_t bo, h, vm, cmd, s, *c, *d;
		int dmabuf, points = 0;

		igt_require_f(fd1 >= 0 && vsvm_is_vsvm(fd1), "needs a second vsvm device\n");
		igt_require_f(vsvm_debugfs_get(fd, "vsvm_prime", "move_notify") == 1,
			      "no CONFIG_DMABUF_MOVE_NOTIFY: importers pin, nothing moves\n");
		imports = vsvm_debugfs_get(fd1, "vsvm_prime", "imports");
		base1 = vsvm_info_get(fd1, "bo_count");
		bo = vsvm_gem_create(fd, PAGE);
		d = vsvm_gem_mmap(fd, bo, PAGE);
		igt_assert_eq(drmPrimeHandleToFD(fd, bo, DRM_CLOEXEC | DRM_RDWR, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(fd1, dmabuf, &h), 0);
		vm = vsvm_vm_create(fd1, 0);
		cmd = vsvm_gem_create(fd1, PAGE);
		c = vsvm_gem_mmap(fd1, cmd, PAGE);
		igt_assert_eq(vsvm_vm_map(fd1, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(fd1, vm, h, 0, DATA_VA, PAGE, 0), 0);
		c[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4);
		c[1] = (uint32_t)DATA_VA;
		c[2] = 0;
		igt_assert_eq(drmSyncobjCreate(fd1, 0, &s), 0);
		FOR_EACH_POINT(n, more) {
			struct drm_vsvm_sync out = { .handle = s };
			struct drm_vsvm_exec e = { .vm_id = vm, .cs_addr = CMD_VA, .cs_size = 16,
						   .out_syncs = (uintptr_t)&out,
						   .num_out_syncs = 1 };
			bool submitted;

			/* The exporter moves the buffer: device 1's mapping goes. */
			igt_assert_eq(vsvm_debugfs_write(fd, "prime_evict", "1"), 0);
			c[3] = n;
			fail_nth(n);
			submitted = ok_or_enomem_count(ioctl_ret(fd1, DRM_IOCTL_VSVM_EXEC, &e),
						       "EXEC remapping an import");
			more = disarm();
			if (submitted) {
				igt_assert_eq(vsvm_wait_ms(fd1, s, 20000), 0);
				igt_assert_eq(vsvm_fence_status(fd1, s), 1);
				igt_assert_eq_u32(((volatile uint32_t *)d)[0], n);
			}
			points += more;
		}
		report_points("exec-import-remap", points);
		drmSyncobjDestroy(fd1, s);
		munmap(c, PAGE);
		vm_destroy(fd1, vm);
		vsvm_gem_close(fd1, cmd);
		vsvm_gem_close(fd1, h);
		close(dmabuf);
		munmap(d, PAGE);
		vsvm_gem_close(fd, bo);
		assert_counter(fd1, "vsvm_prime", "imports", imports);
		igt_assert_eq(vsvm_info_get(fd1, "bo_count"), base1);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd1);
		drm_close_driver(fd1);
	}

	igt_describe("A VM_BIND of three MAPs (one across a 1 GiB boundary, one of a "
		     "2 MiB object at a 2 MiB boundary), synchronous and asynchronous, "
		     "under failing allocations: exactly the num_done first ops are done.");
	igt_subtest("vm-bind-ops") {
		static const char * const names[] = { "vm-bind-ops", "vm-bind-ops-async" };
		uint32_t small = vsvm_gem_create(fd, 16 * PAGE), big = vsvm_gem_create(fd, 512 * PAGE);
		struct drm_vsvm_vm_bind_op ops[3] = {
			{ .op = DRM_VSVM_BIND_OP_MAP, .handle = small, .addr = 0x3fff8000,
			  .range = 16 * PAGE },
			{ .op = DRM_VSVM_BIND_OP_MAP, .handle = big, .addr = 0x80000000,
			  .range = 512 * PAGE },
			{ .op = DRM_VSVM_BIND_OP_MAP, .handle = small, .addr = 0x7fff00000000,
			  .range = 16 * PAGE },
		};
		struct probe p;
		uint32_t s, k;

		igt_assert_eq(drmSyncobjCreate(fd, 0, &s), 0);
		probe_init(fd, &p);
		/* The objects' shmem pages, got at the first MAP, fail too. */
		fail_user_pages(true);
		for (k = 0; k < 2; k++) {
			int points = 0;

			FOR_EACH_POINT(n, more) {
				uint32_t done = 0, i;
				int ret;

				fail_nth(n);
				ret = vsvm_vm_bind_ops(fd, p.vm, ops, 3, k ? DRM_VSVM_VM_BIND_ASYNC : 0,
						       0, k ? s : 0, &done);
				ok_or_enomem_count(ret, names[k]);
				more = disarm();
				igt_assert_lte(done, 3);
				igt_assert(ret || done == 3);
				/* A failed VM_BIND sets no out-sync; what it queued still runs. */
				if (k && !ret)
					igt_assert_eq(vsvm_wait_ms(fd, s, 20000), 0);
				for (i = 0; i < 3; i++)
					igt_assert_eq(vsvm_vm_unmap(fd, p.vm, ops[i].addr, ops[i].range),
						      i < done ? 0 : -ENOENT);
				probe_run(fd, &p, n);
				points += more;
			}
			report_points(names[k], points);
		}
		fail_user_pages(false);
		probe_fini(fd, &p);
		drmSyncobjDestroy(fd, s);
		vsvm_gem_close(fd, small);
		vsvm_gem_close(fd, big);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_describe("The first EXEC on a context, with binary and timeline in- and "
		     "out-syncobjs, storing into a userptr whose pages must be faulted "
		     "in again, then QUERY, under failing allocations; the job's data is "
		     "checked.");
	igt_subtest("exec-first-userptr") {
		long long userptrs = vsvm_debugfs_get(fd, "vsvm_userptr", "userptrs");
		uint32_t cmd = vsvm_gem_create(fd, PAGE), *c = vsvm_gem_mmap(fd, cmd, PAGE);
		uint32_t *buf = anon_touched(PAGE), up = vsvm_gem_userptr(fd, buf, PAGE, 0);
		uint32_t in_bin, in_tl, out_bin, out_tl;
		struct drm_vsvm_query_device dev;
		struct drm_vsvm_fault faults[DRM_VSVM_MAX_FAULTS + 1];
		int points = 0;

		c[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4);
		c[1] = (uint32_t)DATA_VA;
		c[2] = 0;
		igt_assert_eq(drmSyncobjCreate(fd, DRM_SYNCOBJ_CREATE_SIGNALED, &in_bin), 0);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &in_tl), 0);
		igt_assert_eq(drmSyncobjTimelineSignal(fd, &in_tl, &(uint64_t){ 1 }, 1), 0);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &out_bin), 0);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &out_tl), 0);
		fail_user_pages(true);
		FOR_EACH_POINT(n, more) {
			uint32_t vm = vsvm_vm_create(fd, 0);
			struct drm_vsvm_sync in[2] = {
				{ .handle = in_bin },
				{ .handle = in_tl, .flags = DRM_VSVM_SYNC_TIMELINE, .point = 1 },
			};
			struct drm_vsvm_sync out[2] = {
				{ .handle = out_bin },
				{ .handle = out_tl, .flags = DRM_VSVM_SYNC_TIMELINE, .point = n },
			};
			struct drm_vsvm_exec e = {
				.vm_id = vm, .cs_addr = CMD_VA, .cs_size = 16,
				.in_syncs = (uintptr_t)in, .num_in_syncs = 2,
				.out_syncs = (uintptr_t)out, .num_out_syncs = 2,
			};
			struct drm_vsvm_query qd = { .query = DRM_VSVM_QUERY_DEVICE,
						     .size = sizeof(dev), .data = (uintptr_t)&dev };
			struct drm_vsvm_query qf = { .query = DRM_VSVM_QUERY_FAULTS,
						     .size = sizeof(faults),
						     .data = (uintptr_t)faults };
			bool submitted;

			igt_assert_eq(vsvm_vm_map(fd, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
			igt_assert_eq(vsvm_vm_map(fd, vm, up, 0, DATA_VA, PAGE, 0), 0);
			/* The pages go: EXEC must fault them in again. */
			igt_assert_eq(madvise(buf, PAGE, MADV_DONTNEED), 0);
			c[3] = n;
			fail_nth(n);
			submitted = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_EXEC, &e), "EXEC");
			ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_QUERY, &qd), "QUERY DEVICE");
			ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_QUERY, &qf), "QUERY FAULTS");
			more = disarm();
			if (submitted) {
				igt_assert_eq(vsvm_wait_ms(fd, out_bin, 20000), 0);
				igt_assert_eq(vsvm_fence_status(fd, out_bin), 1);
				igt_assert_eq(drmSyncobjTimelineWait(fd, &out_tl, &(uint64_t){ n },
								     1, INT64_MAX, 0, NULL), 0);
				igt_assert_eq_u32(((volatile uint32_t *)buf)[0], n);
			}
			vm_destroy(fd, vm);
			points += more;
		}
		fail_user_pages(false);
		report_points("exec-first-userptr", points);
		drmSyncobjDestroy(fd, in_bin);
		drmSyncobjDestroy(fd, in_tl);
		drmSyncobjDestroy(fd, out_bin);
		drmSyncobjDestroy(fd, out_tl);
		munmap(c, PAGE);
		vsvm_gem_close(fd, cmd);
		vsvm_gem_close(fd, up);
		munmap(buf, PAGE);
		assert_counter(fd, "vsvm_userptr", "userptrs", userptrs);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		check_device_works(fd);
	}

	igt_describe("SVM_MADVISE of a page inside a range (a split) and SVM_QUERY of a "
		     "snapshot under failing allocations: each succeeds or fails with "
		     "-ENOMEM, the attribute is whole and the snapshot right afterwards.");
	igt_subtest("svm-madvise-query") {
		uint32_t vm = vsvm_vm_create(fd, DRM_VSVM_VM_CREATE_SVM);
		uint8_t *buf = anon_touched(4 * PAGE), pages[4];
		uint64_t a = (uintptr_t)buf;
		struct drm_vsvm_svm_madvise m = {
			.vm_id = vm, .attr = DRM_VSVM_SVM_ATTR_ATOMIC, .addr = a,
			.size = 4 * PAGE, .value = DRM_VSVM_ATOMIC_MODE_SYSTEM,
		};
		const uint8_t sys = DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_SYSTEM;
		const uint8_t mask = DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_SVM_PAGE_LOC_MASK;
		struct drm_vsvm_svm_query q;
		int points = 0, i;

		/* One range over the buffer: the next MADVISE splits it. */
		igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m), 0);
		FOR_EACH_POINT(n, more) {
			struct drm_vsvm_svm_madvise ro = {
				.vm_id = vm, .attr = DRM_VSVM_SVM_ATTR_READ_ONLY,
				.addr = a + PAGE, .size = PAGE, .value = 1,
			};
			bool queried;

			memset(pages, 0xff, sizeof(pages));
			q = (struct drm_vsvm_svm_query){
				.vm_id = vm, .addr = a, .size = 4 * PAGE,
				.pages = (uintptr_t)pages,
			};
			fail_nth(n);
			ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_MADVISE, &ro),
					   "SVM_MADVISE");
			queried = ok_or_enomem_count(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_QUERY, &q),
						     "SVM_QUERY");
			more = disarm();
			if (queried)
				for (i = 0; i < 4; i++)
					igt_assert_eq(pages[i] & mask, sys);
			/* Whole: page 1 read-only over exactly [a + PAGE, a + 2 PAGE), or not. */
			q = (struct drm_vsvm_svm_query){ .vm_id = vm, .addr = a + PAGE };
			igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_QUERY, &q), 0);
			igt_assert_eq_u32(q.atomic, DRM_VSVM_ATOMIC_MODE_SYSTEM);
			if (q.read_only) {
				igt_assert_eq_u64(q.range_start, a + PAGE);
				igt_assert_eq_u64(q.range_end, a + 2 * PAGE);
			} else {
				igt_assert_eq_u64(q.range_start, a);
				igt_assert_eq_u64(q.range_end, a + 4 * PAGE);
			}
			ro.value = 0;
			igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_MADVISE, &ro), 0);
			points += more;
		}
		report_points("svm-madvise-query", points);
		/* Cleared: one default range over the whole address space. */
		m.value = DRM_VSVM_ATOMIC_MODE_ANY;
		igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m), 0);
		q = (struct drm_vsvm_svm_query){ .vm_id = vm, .addr = a };
		igt_assert_eq(ioctl_ret(fd, DRM_IOCTL_VSVM_SVM_QUERY, &q), 0);
		igt_assert_eq_u64(q.range_start, 0);
		igt_assert_eq_u64(q.range_end, 1ull << DRM_VSVM_VA_BITS);
		vm_destroy(fd, vm);
		munmap(buf, 4 * PAGE);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_fixture {
		if (fail_nth_fd >= 0)
			close(fail_nth_fd);
		drm_close_driver(fd);
	}
}
