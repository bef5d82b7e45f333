// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm vm
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: GPU address spaces
 * Description: GPU address spaces: VM_CREATE, VM_DESTROY and VM_BIND, with
 *		what the GPU's page table holds after each (debugfs vsvm_vms),
 *		and every errno of the three ioctls; page-table pages freed
 *		when unmapping leaves them empty, and the limits on VMs per
 *		file and mappings per VM.
 *
 * SUBTEST: create-destroy
 * Description: VMs are created with distinct non-zero ids and destroyed once.
 *
 * SUBTEST: create-destroy-errors
 * Description: VM_CREATE and VM_DESTROY refuse unknown flags, pads, ids and
 *		extensions.
 *
 * SUBTEST: vm-id-zero
 * Description: VM id 0 is never a VM: VM_DESTROY, VM_BIND, EXEC and SVM_PREFETCH of
 *		it fail with -ENOENT, and VM_CREATE never returns it, before or after.
 *
 * SUBTEST: vm-per-file
 * Description: A VM belongs to its file: another file cannot use or destroy it.
 *
 * SUBTEST: map-unmap-page-table
 * Description: MAP writes page-table entries (2 MiB where aligned, read-only when
 *		asked); UNMAP clears them and splits what it cuts.
 *
 * SUBTEST: unmap-across-mappings
 * Description: UNMAP may span several mappings when no hole lies between them.
 *
 * SUBTEST: mapping-holds-object
 * Description: A mapping keeps its object alive after the handle is closed;
 *		unmapping, VM_DESTROY and closing the file all release it.
 *
 * SUBTEST: bind-errors
 * Description: VM_BIND's errnos: flags, pads, counts, ops, handles, ranges, overlaps
 *		and holes; a failed op leaves the ones before it done.
 *
 * SUBTEST: table-pages-bounded
 * Description: Many MAP/UNMAP pairs at distinct 2 MiB slots, next to a mapping that
 *		stays: the table pages go back to their number before each batch, and
 *		to the empty VM's once everything is unmapped.
 *
 * SUBTEST: table-pages-userptr
 * Description: An invalidated userptr's empty tables stay when a neighbour in the
 *		same table is unmapped, and the next job writes through it.
 *
 * SUBTEST: table-pages-memcg
 * Description: The table pages of 1024 mappings at distinct 2 MiB slots are charged
 *		to the memory cgroup of the task that mapped them.
 *
 * SUBTEST: table-pages-memcg-svm
 * Description: The table pages that GPU faults of an SVM VM allocate (a 4 KiB write
 *		in each of 1024 2 MiB slots, 4 KiB chunks) are charged to the memory
 *		cgroup of the process the VM mirrors.
 *
 * SUBTEST: table-pages-async
 * Description: The tables that asynchronous UNMAPs leave empty are freed by the next
 *		synchronous VM_BIND.
 *
 * SUBTEST: vm-limit
 * Description: A file holds at most DRM_VSVM_MAX_VMS VMs: VM_CREATE then fails with
 *		-ENOSPC until one is destroyed.
 *
 * SUBTEST: mapping-limit
 * Description: A VM holds at most DRM_VSVM_MAX_MAPPINGS mappings: a MAP, or an UNMAP
 *		that would cut a mapping in two, then fails with -ENOSPC and changes
 *		nothing; unmapping whole mappings makes room.
 *
 * SUBTEST: concurrent-binds
 * Description: Binds from several processes into their own VMs run side by side.
 */

#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define HUGE_2M (2ull << 20)
#define CMD_VA 0x100000ull
/* MAP/UNMAP pairs at distinct 2 MiB slots in table-pages-bounded. */
#define PT_PAIRS 2048

static int __vm_destroy(int fd, uint32_t vm)
{
	struct drm_vsvm_vm_destroy d = { .vm_id = vm };

	return igt_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d) ? -errno : 0;
}

static struct drm_vsvm_vm_bind_op map_op(uint32_t handle, uint64_t offset,
					 uint64_t addr, uint64_t range, uint32_t flags)
{
	return (struct drm_vsvm_vm_bind_op){
		.op = DRM_VSVM_BIND_OP_MAP, .flags = flags, .handle = handle,
		.bo_offset = offset, .addr = addr, .range = range,
	};
}

static struct drm_vsvm_vm_bind_op unmap_op(uint64_t addr, uint64_t range)
{
	return (struct drm_vsvm_vm_bind_op){
		.op = DRM_VSVM_BIND_OP_UNMAP, .addr = addr, .range = range,
	};
}

/* Runs VM_BIND; returns 0 or -errno, and how many ops were done. */
static int __vm_bind(int fd, uint32_t vm, struct drm_vsvm_vm_bind_op *ops,
		     uint32_t n, uint32_t *done)
{
	struct drm_vsvm_vm_bind b = {
		.vm_id = vm, .num_ops = n, .ops = (uintptr_t)ops,
	};
	int ret = igt_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b) ? -errno : 0;

	if (done)
		*done = b.num_done;
	return ret;
}

static int bind1(int fd, uint32_t vm, struct drm_vsvm_vm_bind_op op)
{
	return __vm_bind(fd, vm, &op, 1, NULL);
}

/*
 * The "pt:" lines of VM @vm of @fd's file in debugfs vsvm_vms, joined with
 * ';' into @out.  Their DMA addresses are dropped, and runs that follow each
 * other in GPU address with the same permission and page size are merged:
 * what is left does not depend on where the pages happen to be.
 */
static void append_run(char *out, size_t len, unsigned long long start,
		       unsigned long long end, const char *attrs)
{
	size_t used = strlen(out);

	snprintf(out + used, len - used, "%s0x%016llx-0x%016llx %s",
		 used ? ";" : "", start, end, attrs);
}

static void pt_lines(int fd, uint32_t vm, char *out, size_t len)
{
	static char buf[1 << 16];
	char key[32], file_key[48], *p, *line, *save = NULL;
	bool in_file = false;
	unsigned long long start, end, cur_start = 0, cur_end = 0;
	char attrs[16], cur_attrs[16] = "";
	bool in_vm = false;
	int dir, f, n;

	out[0] = '\0';
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
	snprintf(file_key, sizeof(file_key), "file %llu", (unsigned long long)vsvm_fdinfo_value(fd, "drm-client-id"));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "file ", 5)) {
			if (in_vm)
				break;
			in_file = !strcmp(line, file_key);
			continue;
		}
		if (!in_file)
			continue;
		if (!strncmp(line, "vm ", 3)) {
			if (in_vm)
				break;
			in_vm = !strcmp(line, key);
			continue;
		}
		if (!in_vm || strncmp(line, "pt: 0x", 6))
			continue;
		p = strstr(line, " dma ");
		igt_assert(p);
		*p = '\0';
		igt_assert_eq(sscanf(line, "pt: 0x%llx-0x%llx %15[^\n]", &start, &end, attrs), 3);
		if (cur_attrs[0] && cur_end == start && !strcmp(cur_attrs, attrs)) {
			cur_end = end;
			continue;
		}
		if (cur_attrs[0])
			append_run(out, len, cur_start, cur_end, cur_attrs);
		cur_start = start;
		cur_end = end;
		strcpy(cur_attrs, attrs);
	}
	if (cur_attrs[0])
		append_run(out, len, cur_start, cur_end, cur_attrs);
}

/* The "pt: N table pages" of VM @vm of @fd's file in debugfs vsvm_vms. */
static long long table_pages(int fd, uint32_t vm)
{
	static char buf[4 << 20];
	char key[32], file_key[48], *line, *save = NULL;
	bool in_file = false, in_vm = false;
	long long n = -1;
	int dir, f, len = 0, got;

	dir = igt_debugfs_dir(fd);
	igt_assert_fd(dir);
	f = openat(dir, "vsvm_vms", O_RDONLY);
	igt_assert_fd(f);
	/* A VM with many mappings has a long dump: read all of it. */
	while ((got = read(f, buf + len, sizeof(buf) - 1 - len)) > 0)
		len += got;
	close(f);
	close(dir);
	igt_assert_lt(0, len);
	igt_assert_lt(len, (int)sizeof(buf) - 1);
	buf[len] = '\0';
	snprintf(key, sizeof(key), "vm %u", vm);
	snprintf(file_key, sizeof(file_key), "file %lld", vsvm_fdinfo_value(fd, "drm-client-id"));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "file ", 5)) {
			in_file = !strcmp(line, file_key);
			in_vm = false;
		} else if (in_file && !strncmp(line, "vm ", 3)) {
			in_vm = !strcmp(line, key);
		} else if (in_vm && strncmp(line, "pt: 0x", 6) &&
			   sscanf(line, "pt: %lld table pages", &n) == 1) {
			break;
		}
	}
	igt_assert_f(n > 0, "no table pages line for vm %u of %s in %d bytes\n", vm, file_key, len);
	return n;
}

static void expect_tables(int fd, uint32_t vm, long long want, const char *when)
{
	long long got = table_pages(fd, vm);

	igt_assert_f(got == want, "%s: %lld table pages, want %lld\n", when, got, want);
}

#define CGROUP "/sys/fs/cgroup"
#define CGROUP_TEST CGROUP "/vsvm_vm"

/* Writes @val to @path; returns 0 or -errno. */
static int write_file(const char *path, const char *val)
{
	int f = open(path, O_WRONLY), ret = 0;

	if (f < 0)
		return -errno;
	if (write(f, val, strlen(val)) != (ssize_t)strlen(val))
		ret = -errno;
	close(f);
	return ret;
}

/* The number in @path (memory.current), or -1. */
static long long read_number(const char *path)
{
	char buf[64] = "";
	int f = open(path, O_RDONLY), n;

	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	return n > 0 ? atoll(buf) : -1;
}

/*
 * Makes CGROUP_TEST, a memory cgroup for a test's child to join (mounting
 * cgroup2 if needed); returns whether it mounted it.
 */
static bool memcg_test_setup(void)
{
	bool mounted = false;

	if (access(CGROUP "/cgroup.controllers", F_OK)) {
		igt_require_f(!mount("cgroup2", CGROUP, "cgroup2", 0, NULL),
			      "cannot mount cgroup2: %s\n", strerror(errno));
		mounted = true;
	}
	igt_require_f(!write_file(CGROUP "/cgroup.subtree_control", "+memory"),
		      "no memory controller\n");
	igt_assert(!mkdir(CGROUP_TEST, 0755) || errno == EEXIST);
	return mounted;
}

/* Undoes memcg_test_setup(), once its children have exited. */
static void memcg_test_cleanup(bool mounted)
{
	rmdir(CGROUP_TEST);
	if (mounted)
		umount(CGROUP);
}

/* Runs a job of @n words at CMD_VA (@cmd's mapping) on @vm: its status. */
static int run_job(int fd, uint32_t vm, unsigned int n)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = { .vm_id = vm, .cs_addr = CMD_VA, .cs_size = n * 4,
				   .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };

	igt_assert_eq(drmSyncobjCreate(fd, 0, &out.handle), 0);
	do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
	return vsvm_job_end(fd, out.handle);
}

static void expect_pt(int fd, uint32_t vm, const char *want)
{
	char got[4096];

	pt_lines(fd, vm, got, sizeof(got));
	igt_assert_f(!strcmp(got, want), "page table:\n  got  \"%s\"\n  want \"%s\"\n",
		     got, want);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("VMs are created with distinct non-zero ids and destroyed once.");
	igt_subtest("create-destroy") {
		uint32_t a = vsvm_vm_create(fd, 0), b = vsvm_vm_create(fd, 0);

		igt_assert_neq_u32(a, b);
		igt_assert_eq(__vm_destroy(fd, a), 0);
		igt_assert_eq(__vm_destroy(fd, a), -ENOENT);
		igt_assert_eq(__vm_destroy(fd, b), 0);
	}

	igt_describe("VM_CREATE and VM_DESTROY refuse unknown flags, pads, ids and extensions.");
	igt_subtest("create-destroy-errors") {
		struct drm_vsvm_user_extension ext = { .name = 1 };
		struct drm_vsvm_vm_destroy d = { 0 };
		struct drm_vsvm_vm_create c = { 0 };
		int bit;

		/* Every flag but DRM_VSVM_VM_CREATE_SVM (bit 0, vsvm_svm.c's tests). */
		for (bit = 1; bit < 32; bit++) {
			c.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &c, EINVAL);
		}
		c.flags = 0;
		c.extensions = (uintptr_t)&ext;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &c, EINVAL);
		c.extensions = 8;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_CREATE, &c, EFAULT);

		d.vm_id = vsvm_vm_create(fd, 0);
		d.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d, EINVAL);
		d.pad = 0;
		d.extensions = (uintptr_t)&ext;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d, EINVAL);
		d.extensions = 0;
		do_ioctl(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		d.vm_id = 0;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d, ENOENT);
		d.vm_id = 0xdeadbeef;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_VM_DESTROY, &d, ENOENT);
	}

	/*
	 * The uapi's word (struct drm_vsvm_vm_create.vm_id): a VM id is never
	 * zero.  VM_DESTROY(0) used to erase index 0 of the file's VM xarray,
	 * which made 0 the next id VM_CREATE handed out.
	 */
	igt_describe("VM id 0 is never a VM: VM_DESTROY, VM_BIND, EXEC and SVM_PREFETCH "
		     "of it fail with -ENOENT, and VM_CREATE never returns it, "
		     "before or after.");
	igt_subtest("vm-id-zero") {
		int f = drm_open_driver(DRIVER_VSVM);
		struct drm_vsvm_exec e = { .vm_id = 0, .cs_addr = 0x10000, .cs_size = 4 };
		struct drm_vsvm_svm_prefetch pf = { .vm_id = 0, .addr = 0x10000, .size = PAGE };
		struct drm_vsvm_vm_create c = { 0 };
		uint32_t ids[4];
		int round, i;

		for (round = 0; round < 2; round++) {
			/* Round 0 on a file with no VM, round 1 with one. */
			igt_assert_eq(__vm_destroy(f, 0), -ENOENT);
			igt_assert_eq(__vm_destroy(f, 0), -ENOENT);
			igt_assert_eq(bind1(f, 0, unmap_op(0x10000, PAGE)), -ENOENT);
			do_ioctl_err(f, DRM_IOCTL_VSVM_EXEC, &e, ENOENT);
			do_ioctl_err(f, DRM_IOCTL_VSVM_SVM_PREFETCH, &pf, ENOENT);
			for (i = 0; i < 4; i++) {
				c.vm_id = 0;
				do_ioctl(f, DRM_IOCTL_VSVM_VM_CREATE, &c);
				igt_assert_f(c.vm_id != 0,
					     "VM_CREATE returned VM id 0 after VM_DESTROY(0)\n");
				ids[i] = c.vm_id;
			}
			for (i = 0; i < 4; i++)
				igt_assert_eq(__vm_destroy(f, ids[i]), 0);
			if (!round)
				vsvm_vm_create(f, 0);
		}
		close(f);
	}

	igt_describe("A VM belongs to its file: another file cannot use or destroy it.");
	igt_subtest("vm-per-file") {
		int other = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(fd, 0);
		uint32_t bo = vsvm_gem_create(other, PAGE);

		igt_assert_eq(bind1(other, vm, map_op(bo, 0, 0, PAGE, 0)), -ENOENT);
		igt_assert_eq(__vm_destroy(other, vm), -ENOENT);
		igt_assert_eq(__vm_destroy(fd, vm), 0);
		close(other);
	}

	igt_describe("MAP writes page-table entries (2 MiB where aligned, read-only "
		     "when asked); UNMAP clears them and splits what it cuts.");
	igt_subtest("map-unmap-page-table") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0);
		uint32_t bo = vsvm_gem_create(f, 4 * HUGE_2M);
		struct drm_vsvm_vm_bind_op ops[2];
		uint32_t done;

		expect_pt(f, vm, "");
		igt_assert_eq(bind1(f, vm, map_op(bo, PAGE, 0x100000, 2 * PAGE, 0)), 0);
		expect_pt(f, vm, "0x0000000000100000-0x0000000000102000 rw 4K");

		ops[0] = map_op(bo, 0, 0x200000, PAGE, DRM_VSVM_BIND_READ_ONLY);
		ops[1] = unmap_op(0x101000, PAGE);
		igt_assert_eq(__vm_bind(f, vm, ops, 2, &done), 0);
		igt_assert_eq(done, 2);
		expect_pt(f, vm, "0x0000000000100000-0x0000000000101000 rw 4K;"
				 "0x0000000000200000-0x0000000000201000 ro 4K");

		/* Cut a mapping in the middle: two pieces stay. */
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x400000, 16 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0x404000, 4 * PAGE)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0x100000, PAGE)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0x200000, PAGE)), 0);
		expect_pt(f, vm, "0x0000000000400000-0x0000000000404000 rw 4K;"
				 "0x0000000000408000-0x0000000000410000 rw 4K");
		igt_assert_eq(bind1(f, vm, unmap_op(0x400000, 4 * PAGE)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0x408000, 8 * PAGE)), 0);
		expect_pt(f, vm, "");
		close(f);
	}

	igt_describe("UNMAP may span several mappings when no hole lies between them.");
	igt_subtest("unmap-across-mappings") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0);
		uint32_t bo = vsvm_gem_create(f, 16 * PAGE);

		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x10000, 4 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x14000, 4 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x18000, 4 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0x12000, 8 * PAGE)), 0);
		expect_pt(f, vm, "0x0000000000010000-0x0000000000012000 rw 4K;"
				 "0x000000000001a000-0x000000000001c000 rw 4K");
		close(f);
	}

	igt_describe("A mapping keeps its object alive after the handle is closed; "
		     "unmapping, VM_DESTROY and closing the file all release it.");
	igt_subtest("mapping-holds-object") {
		long long base = vsvm_info_get(fd, "bo_count");
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, 2 * PAGE);

		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, 2 * PAGE, 0)), 0);
		vsvm_gem_close(f, bo);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base + 1);
		igt_assert_eq(bind1(f, vm, unmap_op(0, PAGE)), 0);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base + 1);
		igt_assert_eq(bind1(f, vm, unmap_op(PAGE, PAGE)), 0);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);

		bo = vsvm_gem_create(f, PAGE);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, PAGE, 0)), 0);
		vsvm_gem_close(f, bo);
		igt_assert_eq(__vm_destroy(f, vm), 0);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);

		vm = vsvm_vm_create(f, 0);
		bo = vsvm_gem_create(f, HUGE_2M);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, HUGE_2M, HUGE_2M, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, HUGE_2M, 0)), 0);
		close(f);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
	}

	igt_describe("VM_BIND's errnos: flags, pads, counts, ops, handles, ranges, "
		     "overlaps and holes; a failed op leaves the ones before it done.");
	igt_subtest("bind-errors") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, 4 * PAGE), done = 99;
		struct drm_vsvm_vm_bind_op ops[DRM_VSVM_MAX_BIND_OPS + 1];
		/* Name 2 is no VM_BIND extension (1 is the syncs extension). */
		struct drm_vsvm_user_extension ext = { .name = 2 };
		struct drm_vsvm_vm_bind b = { .vm_id = vm, .num_ops = 1,
					      .ops = (uintptr_t)ops };
		struct drm_vsvm_vm_bind_op op;
		int bit;

		ops[0] = map_op(bo, 0, 0, PAGE, 0);
		/* Bit 0 is DRM_VSVM_VM_BIND_ASYNC; every other bit is refused. */
		b.flags = 2;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		b.flags = ~DRM_VSVM_VM_BIND_ASYNC;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		b.flags = 0;
		b.extensions = (uintptr_t)&ext;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		b.extensions = 0;
		b.num_ops = 0;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, EINVAL);
		b.num_ops = DRM_VSVM_MAX_BIND_OPS + 1;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, E2BIG);
		b.num_ops = 1;
		b.ops = 8;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, EFAULT);
		b.ops = (uintptr_t)ops;
		b.vm_id = vm + 100;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_BIND, &b, ENOENT);

		/* Bad ops. */
		op = map_op(bo, 0, 0, PAGE, 0);
		op.op = 2;
		igt_assert_eq(bind1(f, vm, op), -EINVAL);
		for (bit = 1; bit < 32; bit++)
			igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, PAGE, 1u << bit)), -EINVAL);
		op = map_op(bo, 0, 0, PAGE, 0);
		op.pad = 1;
		igt_assert_eq(bind1(f, vm, op), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo + 100, 0, 0, PAGE, 0)), -ENOENT);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x800, PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0x800, 0, PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, 0x800, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, 0, 0)), -EINVAL);
		/* Past the object, past the address space, overflowing. */
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, 5 * PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 4 * PAGE, 0, PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, -PAGE, 0, 2 * PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, (1ull << 48) - PAGE, 2 * PAGE, 0)),
			      -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, -PAGE, 2 * PAGE, 0)), -EINVAL);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, (1ull << 48) - PAGE, PAGE, 0)), 0);
		/* UNMAP takes no handle, offset or flags. */
		op = unmap_op(0, PAGE);
		op.handle = bo;
		igt_assert_eq(bind1(f, vm, op), -EINVAL);
		op = unmap_op(0, PAGE);
		op.bo_offset = PAGE;
		igt_assert_eq(bind1(f, vm, op), -EINVAL);
		op = unmap_op(0, PAGE);
		op.flags = DRM_VSVM_BIND_READ_ONLY;
		igt_assert_eq(bind1(f, vm, op), -EINVAL);
		expect_pt(f, vm, "0x0000fffffffff000-0x0001000000000000 rw 4K");

		/* Overlaps and holes. */
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x10000, 2 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0x11000, PAGE, 0)), -EEXIST);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0xf000, 2 * PAGE, 0)), -EEXIST);
		igt_assert_eq(bind1(f, vm, unmap_op(0x20000, PAGE)), -ENOENT);
		igt_assert_eq(bind1(f, vm, unmap_op(0xf000, 2 * PAGE)), -ENOENT);
		igt_assert_eq(bind1(f, vm, unmap_op(0x11000, 2 * PAGE)), -ENOENT);

		/* Ops before a failing one stay done, and num_done says so. */
		ops[0] = map_op(bo, 0, 0x30000, PAGE, 0);
		ops[1] = map_op(bo, 0, 0x31000, PAGE, 0);
		ops[2] = map_op(bo, 0, 0x10000, PAGE, 0);
		ops[3] = map_op(bo, 0, 0x32000, PAGE, 0);
		igt_assert_eq(__vm_bind(f, vm, ops, 4, &done), -EEXIST);
		igt_assert_eq(done, 2);
		/* A bad op anywhere fails the whole call before anything runs. */
		ops[0] = map_op(bo, 0, 0x40000, PAGE, 0);
		ops[1] = map_op(bo, 0, 0x800, PAGE, 0);
		igt_assert_eq(__vm_bind(f, vm, ops, 2, &done), -EINVAL);
		igt_assert_eq(done, 0);
		expect_pt(f, vm, "0x0000000000010000-0x0000000000012000 rw 4K;"
				 "0x0000000000030000-0x0000000000032000 rw 4K;"
				 "0x0000fffffffff000-0x0001000000000000 rw 4K");
		close(f);
	}

	/*
	 * Page-table pages follow the mappings: an UNMAP frees the tables it
	 * leaves empty (after the TLB flush that waits for the engine, I10),
	 * so many MAP/UNMAP pairs leave the VM's page table as it was.
	 */
	igt_describe("Many MAP/UNMAP pairs at distinct 2 MiB slots, next to a mapping "
		     "that stays: the table pages go back to their number before "
		     "each batch, and to the empty VM's once everything is unmapped.");
	igt_subtest("table-pages-bounded") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, PAGE), done;
		struct drm_vsvm_vm_bind_op ops[DRM_VSVM_MAX_BIND_OPS];
		long long empty = table_pages(f, vm), kept;
		uint64_t t0 = vsvm_now_ns();
		unsigned int i, k = 0;

		igt_assert_eq(empty, 1);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, PAGE, 0)), 0);
		kept = table_pages(f, vm);
		igt_assert_eq(kept, 4);
		while (k < PT_PAIRS) {
			for (i = 0; i < DRM_VSVM_MAX_BIND_OPS && k < PT_PAIRS; i += 2, k++) {
				/* Slots 1-511 share a level-1 table with the kept mapping. */
				uint64_t addr = (uint64_t)(k + 1) << 21;

				ops[i] = map_op(bo, 0, addr, PAGE, 0);
				ops[i + 1] = unmap_op(addr, PAGE);
			}
			igt_assert_eq(__vm_bind(f, vm, ops, i, &done), 0);
			igt_assert_eq(done, i);
			igt_assert_f(table_pages(f, vm) == kept,
				     "after %u pairs: %lld table pages, want %lld\n",
				     k, table_pages(f, vm), kept);
		}
		igt_info("%d MAP/UNMAP pairs in %.1f s: %lld table pages\n", PT_PAIRS,
			 (vsvm_now_ns() - t0) / 1e9, table_pages(f, vm));
		igt_assert_eq(bind1(f, vm, unmap_op(0, PAGE)), 0);
		expect_tables(f, vm, empty, "everything unmapped");
		close(f);
	}

	/*
	 * I2: a userptr mapping's tables are preallocated and its entries
	 * written later under the notifier lock without allocating.  After an
	 * invalidation its tables are empty, and must stay.
	 */
	igt_describe("An invalidated userptr's empty tables stay when a neighbour in "
		     "the same table is unmapped, and the next job writes through it.");
	igt_subtest("table-pages-userptr") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, PAGE);
		uint32_t cmd = vsvm_gem_create(f, PAGE), *c = vsvm_gem_mmap(f, cmd, PAGE), up;
		const uint64_t slot = 4 * HUGE_2M, up_va = slot + 16 * PAGE;
		uint32_t *mem = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
				     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		unsigned int n = 0;
		long long tables;

		igt_assert(mem != MAP_FAILED);
		mem[2] = 1;
		up = vsvm_gem_userptr(f, mem, 16 * PAGE, 0);
		igt_assert_eq(bind1(f, vm, map_op(cmd, 0, CMD_VA, PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(up, 0, up_va, 16 * PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, slot, PAGE, 0)), 0);
		tables = table_pages(f, vm);
		/* The notifier clears the userptr's entries: its table holds bo's only. */
		igt_assert_eq(madvise(mem, 16 * PAGE, MADV_DONTNEED), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(slot, PAGE)), 0);
		expect_tables(f, vm, tables, "neighbour unmapped");
		vsvm_emit_store32(c, &n, PAGE / 4, up_va + 8, 0xc0ffee);
		vsvm_emit_end(c, &n, PAGE / 4);
		igt_assert_eq(run_job(f, vm, n), 1);
		igt_assert_eq_u32(mem[2], 0xc0ffee);
		/* Gone with the userptr's mapping: the level-0 table of the slot. */
		igt_assert_eq(bind1(f, vm, unmap_op(up_va, 16 * PAGE)), 0);
		expect_tables(f, vm, tables - 1, "userptr unmapped");
		munmap(c, PAGE);
		munmap(mem, 16 * PAGE);
		close(f);
	}

	/*
	 * Userspace decides how much page-table memory a VM takes, so it is
	 * charged to the caller's memory cgroup (__GFP_ACCOUNT).
	 */
	igt_describe("The table pages of 1024 mappings at distinct 2 MiB slots are "
		     "charged to the memory cgroup of the task that mapped them.");
	igt_subtest("table-pages-memcg") {
		bool mounted = memcg_test_setup();

		igt_fork(child, 1) {
			struct drm_vsvm_vm_bind_op ops[DRM_VSVM_MAX_BIND_OPS];
			long long before, after, tables;
			uint32_t vm, bo;
			unsigned int i, k;
			int f;

			igt_assert_eq(write_file(CGROUP_TEST "/cgroup.procs", "0"), 0);
			f = drm_open_driver(DRIVER_VSVM);
			vm = vsvm_vm_create(f, 0);
			bo = vsvm_gem_create(f, PAGE);
			igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, PAGE, 0)), 0);
			tables = table_pages(f, vm);
			before = read_number(CGROUP_TEST "/memory.current");
			for (k = 1; k <= 1024; k += DRM_VSVM_MAX_BIND_OPS) {
				for (i = 0; i < DRM_VSVM_MAX_BIND_OPS; i++)
					ops[i] = map_op(bo, 0, (uint64_t)(k + i) << 21, PAGE, 0);
				igt_assert_eq(__vm_bind(f, vm, ops, i, NULL), 0);
			}
			after = read_number(CGROUP_TEST "/memory.current");
			tables = table_pages(f, vm) - tables;
			igt_info("%lld table pages more; memory.current %lld -> %lld\n", tables,
				 before, after);
			igt_assert_lte(1024, tables);
			/* Charges are batched per CPU: allow for a stock taken before. */
			igt_assert_f(after - before >= tables * (long long)PAGE * 9 / 10,
				     "memory.current grew by %lld bytes for %lld table pages\n",
				     after - before, tables);
			close(f);
		}
		igt_waitchildren();
		memcg_test_cleanup(mounted);
	}

	/*
	 * An SVM VM's tables are allocated by the fault queue's workers, which
	 * have no mm: they are charged to the mirrored process's memory cgroup.
	 */
	igt_describe("The table pages that GPU faults of an SVM VM allocate (a 4 KiB write "
		     "in each of 1024 2 MiB slots, 4 KiB chunks) are charged to the memory "
		     "cgroup of the process the VM mirrors.");
	igt_subtest("table-pages-memcg-svm") {
		bool mounted = memcg_test_setup();

		igt_fork(child, 1) {
			const unsigned int slots = 1024, max = slots * 8 + 16;
			long long before, after, tables;
			volatile uint64_t *fence;
			uint32_t *cmd, vm;
			uint8_t *src, *dst;
			unsigned int i, n = 0;
			struct drm_vsvm_exec_ext_user_fence uf;
			struct drm_vsvm_exec e = { 0 };
			int f;

			igt_assert_eq(write_file(CGROUP_TEST "/cgroup.procs", "0"), 0);
			f = drm_open_driver(DRIVER_VSVM);
			vm = vsvm_vm_create(f, DRM_VSVM_VM_CREATE_SVM);
			src = mmap(NULL, (size_t)slots << 21, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			cmd = mmap(NULL, max * 4 + 8192, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
			igt_assert(src != MAP_FAILED && cmd != MAP_FAILED);
			/* 4 KiB data pages, not a 2 MiB THP per slot. */
			igt_assert_eq(madvise(src, (size_t)slots << 21, MADV_NOHUGEPAGE), 0);
			dst = (uint8_t *)cmd + max * 4;
			fence = (volatile uint64_t *)(dst + 4096);
			/* One 4 KiB page per fault: 4 MiB of memory, 1024 tables. */
			igt_assert_eq(vsvm_debugfs_write(f, "svm_chunk", "4096"), 0);
			for (i = 0; i < slots; i++)
				vsvm_emit_store32(cmd, &n, max, (uintptr_t)src +
						  ((uint64_t)i << 21), i);
			vsvm_emit_end(cmd, &n, max);
			/* The command stream's own tables first: then only src's count. */
			tables = table_pages(f, vm);
			before = read_number(CGROUP_TEST "/memory.current");
			uf = vsvm_ufence_ext(fence, 1);
			e.extensions = (uintptr_t)&uf;
			e.vm_id = vm;
			e.cs_addr = (uintptr_t)cmd;
			e.cs_size = n * 4;
			igt_assert_eq(igt_ioctl(f, DRM_IOCTL_VSVM_EXEC, &e), 0);
			igt_assert_eq(vsvm_ufence_wait_ms(f, fence, 1, 60000), 0);
			igt_assert_eq(vsvm_debugfs_write(f, "svm_chunk", "0"), 0);
			igt_assert_eq_u32(((uint32_t *)src)[1023u << 19], 1023);
			after = read_number(CGROUP_TEST "/memory.current");
			tables = table_pages(f, vm) - tables;
			igt_info("%lld table pages more; memory.current %lld -> %lld\n", tables,
				 before, after);
			igt_assert_lte(slots, tables);
			/*
			 * The 1024 data pages are the process's own faults'; the
			 * tables must come on top.  Charges are batched per CPU:
			 * allow for a stock taken before.
			 */
			igt_assert_f(after - before >= (slots + tables * 9 / 10) * (long long)PAGE,
				     "memory.current grew by %lld bytes for %u pages and %lld table pages\n",
				     after - before, slots, tables);
			close(f);
		}
		igt_waitchildren();
		memcg_test_cleanup(mounted);
	}

	igt_describe("The tables that asynchronous UNMAPs leave empty are freed by the "
		     "next synchronous VM_BIND.");
	igt_subtest("table-pages-async") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, PAGE), s;
		struct drm_vsvm_vm_bind_op ops[DRM_VSVM_MAX_BIND_OPS];
		long long empty = table_pages(f, vm);
		unsigned int i;

		igt_assert_eq(drmSyncobjCreate(f, 0, &s), 0);
		for (i = 0; i < DRM_VSVM_MAX_BIND_OPS; i += 2) {
			ops[i] = map_op(bo, 0, (uint64_t)(i + 1) << 30, PAGE, 0);
			ops[i + 1] = unmap_op((uint64_t)(i + 1) << 30, PAGE);
		}
		igt_assert_eq(vsvm_vm_bind_ops(f, vm, ops, DRM_VSVM_MAX_BIND_OPS,
					       DRM_VSVM_VM_BIND_ASYNC, 0, s, NULL), 0);
		igt_assert_eq(vsvm_wait_ms(f, s, 20000), 0);
		igt_assert_lt(empty, table_pages(f, vm));
		/* Any synchronous bind: here a MAP and an UNMAP elsewhere. */
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, unmap_op(0, PAGE)), 0);
		expect_tables(f, vm, empty, "after a synchronous VM_BIND");
		drmSyncobjDestroy(f, s);
		close(f);
	}

	igt_describe("A file holds at most DRM_VSVM_MAX_VMS VMs: VM_CREATE then fails "
		     "with -ENOSPC until one is destroyed.");
	igt_subtest("vm-limit") {
		int f = drm_open_driver(DRIVER_VSVM);
		struct drm_vsvm_vm_create c = { 0 };
		uint32_t ids[DRM_VSVM_MAX_VMS];
		unsigned int i;

		for (i = 0; i < DRM_VSVM_MAX_VMS; i++)
			ids[i] = vsvm_vm_create(f, 0);
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_CREATE, &c, ENOSPC);
		c.flags = DRM_VSVM_VM_CREATE_SVM;
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_CREATE, &c, ENOSPC);
		igt_assert_eq(__vm_destroy(f, ids[7]), 0);
		ids[7] = vsvm_vm_create(f, 0);
		do_ioctl_err(f, DRM_IOCTL_VSVM_VM_CREATE, &c, ENOSPC);
		/* Per file: another file still creates VMs. */
		igt_assert_eq(__vm_destroy(fd, vsvm_vm_create(fd, 0)), 0);
		close(f);
	}

	igt_describe("A VM holds at most DRM_VSVM_MAX_MAPPINGS mappings: a MAP, or an "
		     "UNMAP that would cut a mapping in two, then fails with -ENOSPC "
		     "and changes nothing; unmapping whole mappings makes room.");
	igt_subtest("mapping-limit") {
		int f = drm_open_driver(DRIVER_VSVM);
		uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, 3 * PAGE), done;
		struct drm_vsvm_vm_bind_op ops[DRM_VSVM_MAX_BIND_OPS];
		unsigned int i, k = 1;

		/* One mapping of three pages, then one-page mappings up to the limit. */
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 0, 3 * PAGE, 0)), 0);
		while (k < DRM_VSVM_MAX_MAPPINGS) {
			for (i = 0; i < DRM_VSVM_MAX_BIND_OPS && k < DRM_VSVM_MAX_MAPPINGS; i++, k++)
				ops[i] = map_op(bo, 0, (1ull << 20) + k * PAGE, PAGE, 0);
			igt_assert_eq(__vm_bind(f, vm, ops, i, &done), 0);
		}
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 4 * PAGE, PAGE, 0)), -ENOSPC);
		igt_assert_eq(vsvm_vm_bind_async(f, vm, bo, 0, 4 * PAGE, PAGE, 0, 0), -ENOSPC);
		igt_assert_eq(bind1(f, vm, unmap_op(PAGE, PAGE)), -ENOSPC);
		/* Either end of a mapping, or a whole one, can go. */
		igt_assert_eq(bind1(f, vm, unmap_op(2 * PAGE, PAGE)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 4 * PAGE, PAGE, 0)), -ENOSPC);
		igt_assert_eq(bind1(f, vm, unmap_op((1ull << 20) + PAGE, PAGE)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 4 * PAGE, PAGE, 0)), 0);
		igt_assert_eq(bind1(f, vm, map_op(bo, 0, 5 * PAGE, PAGE, 0)), -ENOSPC);
		close(f);
	}

	igt_describe("Binds from several processes into their own VMs run side by side.");
	igt_subtest("concurrent-binds") {
		igt_fork(child, 4) {
			int f = drm_open_driver(DRIVER_VSVM);
			uint32_t vm = vsvm_vm_create(f, 0), bo = vsvm_gem_create(f, 64 * PAGE);
			int i;

			for (i = 0; i < 200; i++) {
				uint64_t addr = (uint64_t)(i % 7) << 21;

				igt_assert_eq(bind1(f, vm, map_op(bo, 0, addr, 64 * PAGE, 0)), 0);
				igt_assert_eq(bind1(f, vm, unmap_op(addr + 8 * PAGE, 8 * PAGE)), 0);
				igt_assert_eq(bind1(f, vm, unmap_op(addr, 8 * PAGE)), 0);
				igt_assert_eq(bind1(f, vm, unmap_op(addr + 16 * PAGE, 48 * PAGE)), 0);
			}
			expect_pt(f, vm, "");
			close(f);
		}
		igt_waitchildren();
	}

	igt_fixture {
		drm_close_driver(fd);
	}
}
