// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm lib
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: libvsvm
 * Description: libvsvm as its users call it: enumeration on render nodes
 *		by an unprivileged user, a device from an open fd, one object
 *		per GEM handle however often a dma-buf is imported, the
 *		capability query (QUERY_CAPS, uapi 1.8) with its errnos, and the
 *		command-stream encoder's bounds.
 *
 * SUBTEST: enumerate-unprivileged
 * Description: Enumeration opens render nodes only: an unprivileged user with access
 *		to them finds every device and runs a job.
 *
 * SUBTEST: dev-from-fd
 * Description: vsvm_dev_from_fd() on a render node fd, and on another driver's.
 *
 * SUBTEST: import-twice
 * Description: Importing a dma-buf twice returns one object, refcounted: destroying
 *		it once does not close the handle under the other user.
 *
 * SUBTEST: query-caps
 * Description: QUERY_CAPS (uapi 1.8): what the device can do, and its errnos.
 *
 * SUBTEST: svm-madvise-query
 * Description: vsvm_svm_madvise() and vsvm_svm_query() (libvsvm 1.1): a read-only
 *		page's attributes and range, a snapshot, and an error with its message.
 * SUBTEST: userptr-private
 * Description: vsvm_userptr_create_private() (uapi 1.9): the userptr maps and is
 *		written in its VM; another VM's MAP and its export fail with -EINVAL,
 *		an unknown VM with -ENOENT.
 *
 * SUBTEST: encoder-bounds
 * Description: The encoder writes nothing past its buffer and leaves *n at max + 1. *
 * SUBTEST: svm-prefetch-to
 * Description: vsvm_svm_prefetch_to() (libvsvm 1.2): a prefetch to system memory
 *		runs and writes its user fence; an unknown location fails with
 *		EINVAL and a message, the other device with none mirroring the
 *		process with ENXIO (EOPNOTSUPP without device-private memory).
 */

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "igt.h"
#include "libvsvm.h"

#define PAGE 4096ull
#define CMD_VA 0x100000ull
#define DATA_VA 0x200000ull

static struct vsvm_dev *dev0;

#define CHECK(call) igt_assert_f((call) == 0, "%s: %s\n", #call, vsvm_last_error())

/* A STORE of @value through @dev, checked in the CPU mapping. */
static void run_store(struct vsvm_dev *dev, uint32_t value)
{
	struct vsvm_bo *cmd_bo, *data_bo;
	struct drm_vsvm_sync out = { 0 };
	uint32_t *cmd, *data, vm;
	unsigned int n = 0;

	CHECK(vsvm_bo_create(dev, PAGE, &cmd_bo));
	CHECK(vsvm_bo_create(dev, PAGE, &data_bo));
	CHECK(vsvm_bo_map(cmd_bo, (void **)&cmd));
	CHECK(vsvm_bo_map(data_bo, (void **)&data));
	data[0] = 0;
	CHECK(vsvm_vm_create(dev, 0, &vm));
	CHECK(vsvm_vm_map(dev, vm, cmd_bo, 0, CMD_VA, PAGE, true));
	CHECK(vsvm_vm_map(dev, vm, data_bo, 0, DATA_VA, PAGE, false));
	vsvm_emit_store32(cmd, &n, PAGE / 4, DATA_VA, value);
	vsvm_emit_end(cmd, &n, PAGE / 4);
	igt_assert_lte(n, PAGE / 4);
	CHECK(vsvm_syncobj_create(dev, &out.handle));
	CHECK(vsvm_exec(dev, vm, 0, CMD_VA, n * 4, NULL, 0, &out, 1));
	CHECK(vsvm_syncobj_wait(dev, out.handle, 0, 20000000000ull));
	igt_assert_eq(vsvm_syncobj_error(dev, out.handle), 0);
	igt_assert_eq_u32(data[0], value);
	vsvm_syncobj_destroy(dev, out.handle);
	CHECK(vsvm_vm_destroy(dev, vm));
	vsvm_bo_destroy(cmd_bo);
	vsvm_bo_destroy(data_bo);
}

/* The number of vsvm platform devices, as sysfs lists them. */
static int sysfs_devices(void)
{
	DIR *d = opendir("/sys/bus/platform/devices");
	struct dirent *e;
	int n = 0;

	igt_assert(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "vsvm.", 5);
	closedir(d);
	return n;
}

/* Sets the mode of every render node; returns how many there are. */
static int chmod_render_nodes(mode_t mode)
{
	DIR *d = opendir("/dev/dri");
	struct dirent *e;
	char path[64];
	int n = 0;

	igt_assert(d);
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "renderD", 7))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%.32s", e->d_name);
		igt_assert_eq(chmod(path, mode), 0);
		n++;
	}
	closedir(d);
	return n;
}

/* "key: value" of debugfs file @file of @fd's device, or -1. */
static long long debugfs_value(int fd, const char *file, const char *key)
{
	char buf[4096] = "", *p;
	size_t klen = strlen(key);

	igt_debugfs_read(fd, file, buf);
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return atoll(p + klen + 1);
	return -1;
}

/* The module parameter display (uapi 1.9): whether devices have a display. */
static bool module_display(void)
{
	char c = 0;
	int fd = open("/sys/module/vsvm/parameters/display", O_RDONLY);

	if (fd < 0)
		return false;
	igt_assert_eq(read(fd, &c, 1), 1);
	close(fd);
	return c == 'Y';
}

/* An integer module parameter of vsvm, or -1 without it. */
static int module_param_int(const char *name)
{
	char path[128], buf[32] = { 0 };
	int fd, n;

	snprintf(path, sizeof(path), "/sys/module/vsvm/parameters/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

/* QUERY_CAPS by hand: 0 or -errno. */
static int query_caps(int fd, uint32_t size, void *data)
{
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_CAPS, .size = size, .data = (uintptr_t)data,
	};

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q))
		return -errno;
	return q.size;
}

/* The other user of a GEM handle still has it open. */
static int gem_info(struct vsvm_dev *dev, uint32_t handle)
{
	struct drm_vsvm_gem_info info = { .handle = handle };

	return igt_ioctl(vsvm_dev_fd(dev), DRM_IOCTL_VSVM_GEM_INFO, &info) ? -errno : 0;
}

igt_main
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	int ndev = 0;

	igt_fixture {
		ndev = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
		igt_assert_f(ndev >= 0, "vsvm_enumerate: %s\n", vsvm_last_error());
		igt_require_f(ndev > 0, "no vsvm device\n");
		CHECK(vsvm_dev_open(infos[0].index, true, &dev0));
	}

	igt_describe("Enumeration opens render nodes only: an unprivileged user with "
		     "access to them finds every device and runs a job.");
	igt_subtest("enumerate-unprivileged") {
		drmDevicePtr devs[32];
		int i, n, folded = 0, modes;

		igt_assert_eq(ndev, sysfs_devices());
		/* What libdrm's own enumeration makes of the devices. */
		n = drmGetDevices2(0, devs, 32);
		for (i = 0; i < n; i++) {
			if (devs[i]->bustype == DRM_BUS_PLATFORM &&
			    !strcmp(devs[i]->businfo.platform->fullname, "vsvm"))
				folded++;
		}
		if (n > 0)
			drmFreeDevices(devs, n);
		igt_info("vsvm devices: %d; drmGetDevices2() lists %d of them\n", ndev, folded);

		/* As root: render nodes 0666 (devtmpfs makes them 0600). */
		modes = chmod_render_nodes(0666);
		igt_assert_lte(ndev, modes);
		igt_fork(child, 1) {
			struct vsvm_device_info mine[VSVM_MAX_DEVICES];
			struct vsvm_dev *dev;
			int k;

			igt_assert_eq(setgid(65534), 0);
			igt_assert_eq(setuid(65534), 0);
			k = vsvm_enumerate(mine, VSVM_MAX_DEVICES);
			igt_assert_f(k == ndev, "uid 65534 enumerated %d of %d devices: %s\n",
				     k, ndev, vsvm_last_error());
			for (i = 0; i < k; i++) {
				igt_assert_eq(mine[i].index, infos[i].index);
				igt_assert(!strcmp(mine[i].render, infos[i].render));
			}
			CHECK(vsvm_dev_open(mine[k - 1].index, true, &dev));
			run_store(dev, 0x65534);
			vsvm_dev_close(dev);
		}
		igt_waitchildren();
		chmod_render_nodes(0600);
	}

	igt_describe("vsvm_dev_from_fd() on a render node fd, and on another driver's.");
	igt_subtest("dev-from-fd") {
		struct vsvm_dev *dev;
		int fd, other;

		fd = open(infos[0].render, O_RDWR | O_CLOEXEC);
		igt_assert_fd(fd);
		CHECK(vsvm_dev_from_fd(fd, &dev));
		igt_assert_neq(vsvm_dev_fd(dev), fd);
		igt_assert_eq(vsvm_dev_index(dev), infos[0].index);
		run_store(dev, 0xf00d);
		vsvm_dev_close(dev);
		/* The caller's fd is still open and still works. */
		CHECK(vsvm_dev_from_fd(fd, &dev));
		vsvm_dev_close(dev);
		close(fd);

		/* vgem, loaded beside vsvm: not a vsvm device. */
		fd = -1;
		for (int i = 128; i < 192 && fd < 0; i++) {
			char path[32];
			drmVersionPtr v;

			snprintf(path, sizeof(path), "/dev/dri/renderD%d", i);
			other = open(path, O_RDWR | O_CLOEXEC);
			if (other < 0)
				continue;
			v = drmGetVersion(other);
			if (v && strcmp(v->name, "vsvm"))
				fd = other;
			else
				close(other);
			drmFreeVersion(v);
		}
		igt_require_f(fd >= 0, "no render node of another driver\n");
		igt_assert_eq(vsvm_dev_from_fd(fd, &dev), -ENODEV);
		igt_assert_eq(vsvm_dev_from_fd(-1, &dev), -EBADF);
		close(fd);
	}

	igt_describe("Importing a dma-buf twice returns one object, refcounted: "
		     "destroying it once does not close the handle under the other user.");
	igt_subtest("import-twice") {
		struct vsvm_bo *bo, *a, *b, *self;
		struct vsvm_dev *dev1 = dev0;
		uint32_t *map, vm;
		int dmabuf;

		if (ndev > 1)
			CHECK(vsvm_dev_open(infos[1].index, true, &dev1));
		CHECK(vsvm_bo_create(dev0, PAGE, &bo));
		CHECK(vsvm_bo_map(bo, (void **)&map));
		map[0] = 0x1234;
		CHECK(vsvm_bo_export(bo, &dmabuf));

		CHECK(vsvm_bo_import(dev1, dmabuf, &a));
		CHECK(vsvm_bo_import(dev1, dmabuf, &b));
		igt_assert_eq_u32(vsvm_bo_handle(a), vsvm_bo_handle(b));
		vsvm_bo_destroy(a);
		/* The second user's handle is still open, and still maps. */
		igt_assert_eq(gem_info(dev1, vsvm_bo_handle(b)), 0);
		igt_assert(a == b);
		CHECK(vsvm_vm_create(dev1, 0, &vm));
		CHECK(vsvm_vm_map(dev1, vm, b, 0, DATA_VA, PAGE, false));
		CHECK(vsvm_vm_destroy(dev1, vm));
		if (dev1 != dev0) {
			uint32_t handle = vsvm_bo_handle(b);

			/* The last reference closes the handle. */
			vsvm_bo_destroy(b);
			igt_assert_eq(gem_info(dev1, handle), -ENOENT);
		} else {
			vsvm_bo_destroy(b);
		}

		/* One's own object imported back is that object. */
		CHECK(vsvm_bo_import(dev0, dmabuf, &self));
		igt_assert(self == bo);
		vsvm_bo_destroy(self);
		igt_assert_eq(gem_info(dev0, vsvm_bo_handle(bo)), 0);
		vsvm_bo_destroy(bo);
		close(dmabuf);
		if (dev1 != dev0)
			vsvm_dev_close(dev1);
	}

	igt_describe("QUERY_CAPS (uapi 1.8): what the device can do, and its errnos.");
	igt_subtest("query-caps") {
		int fd = vsvm_dev_fd(dev0);
		struct drm_vsvm_query_caps c = { 0 };
		uint64_t caps = 0, want;
		long long mn;

		/* Size 0: the size of the answer. */
		igt_assert_eq(query_caps(fd, 0, NULL), (int)sizeof(c));
		igt_assert_eq(query_caps(fd, sizeof(c), &c), (int)sizeof(c));
		/* -EINVAL: a buffer too small; -EFAULT: one that is not there. */
		igt_assert_eq(query_caps(fd, sizeof(c) - 1, &c), -EINVAL);
		igt_assert_eq(query_caps(fd, sizeof(c), (void *)8), -EFAULT);

		CHECK(vsvm_query_caps(dev0, &caps));
		igt_assert_eq_u64(caps, c.caps);
		want = DRM_VSVM_CAP_SVM | DRM_VSVM_CAP_USERPTR_REGISTRATION |
		       DRM_VSVM_CAP_LONG_RUNNING;
		igt_assert_eq_u64(caps & want, want);
		/* A display as the module parameter says (both devices alike). */
		igt_assert_eq_u64(caps & DRM_VSVM_CAP_DISPLAY,
				  module_display() ? DRM_VSVM_CAP_DISPLAY : 0);
		/* move_notify as the kernel has it (debugfs, root only). */
		mn = debugfs_value(fd, "vsvm_prime", "move_notify");
		igt_assert_lte(0, mn);
		igt_assert_eq(!!(caps & DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY), mn);
		/* Device memory as the module parameter and the kernel allow. */
		if (caps & DRM_VSVM_CAP_DEVICE_MEMORY)
			igt_assert_lt(0, module_param_int("vram_mb"));
		igt_assert_eq_u64(caps & ~(want | DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY |
					   DRM_VSVM_CAP_DISPLAY |
					   DRM_VSVM_CAP_DEVICE_MEMORY), 0);
	}

	igt_describe("vsvm_svm_madvise() and vsvm_svm_query() (libvsvm 1.1): a read-only "
		     "page's attributes and range, a snapshot, and an error with its message.");
	igt_subtest("svm-madvise-query") {
		uint8_t *b = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		struct drm_vsvm_svm_query q;
		uint8_t pages[2];
		uint32_t vm;

		igt_assert(b != MAP_FAILED);
		b[0] = 1;
		CHECK(vsvm_vm_create(dev0, DRM_VSVM_VM_CREATE_SVM, &vm));
		CHECK(vsvm_svm_madvise(dev0, vm, b + PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1));
		CHECK(vsvm_svm_query(dev0, vm, b + PAGE, 0, NULL, &q));
		igt_assert_eq_u32(q.read_only, 1);
		igt_assert_eq_u64(q.range_start, (uintptr_t)b + PAGE);
		igt_assert_eq_u64(q.range_end, (uintptr_t)b + 2 * PAGE);
		CHECK(vsvm_svm_query(dev0, vm, b, 2 * PAGE, pages, NULL));
		igt_assert_eq(pages[0], DRM_VSVM_SVM_PAGE_PRESENT);
		igt_assert_eq(pages[1], 0);
		igt_assert_eq(vsvm_svm_madvise(dev0, vm, b, PAGE, 7, 0), -EINVAL);
		igt_assert(strstr(vsvm_last_error(), "SVM_MADVISE"));
		CHECK(vsvm_vm_destroy(dev0, vm));
		munmap(b, 2 * PAGE);
	}

	igt_describe("vsvm_userptr_create_private(): the userptr maps and is written in "
		     "its VM; another VM's MAP and its export fail with -EINVAL, an "
		     "unknown VM with -ENOENT.");
	igt_subtest("userptr-private") {
		struct drm_vsvm_sync out = { 0 };
		struct vsvm_bo *cmd_bo, *up, *none;
		uint32_t *cmd, *mem, vm, vm2;
		unsigned int n = 0;
		int dmabuf;

		mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			   -1, 0);
		igt_assert(mem != MAP_FAILED);
		mem[0] = 0;
		CHECK(vsvm_bo_create(dev0, PAGE, &cmd_bo));
		CHECK(vsvm_bo_map(cmd_bo, (void **)&cmd));
		CHECK(vsvm_vm_create(dev0, 0, &vm));
		CHECK(vsvm_vm_create(dev0, 0, &vm2));
		igt_assert_eq(vsvm_userptr_create_private(dev0, 4000, mem, PAGE, 0, &none),
			      -ENOENT);
		CHECK(vsvm_userptr_create_private(dev0, vm, mem, PAGE, 0, &up));
		igt_assert_eq(vsvm_vm_map(dev0, vm2, up, 0, DATA_VA, PAGE, false), -EINVAL);
		igt_assert_eq(vsvm_bo_export(up, &dmabuf), -EINVAL);
		CHECK(vsvm_vm_map(dev0, vm, cmd_bo, 0, CMD_VA, PAGE, true));
		CHECK(vsvm_vm_map(dev0, vm, up, 0, DATA_VA, PAGE, false));
		vsvm_emit_store32(cmd, &n, PAGE / 4, DATA_VA, 0x5eed);
		vsvm_emit_end(cmd, &n, PAGE / 4);
		CHECK(vsvm_syncobj_create(dev0, &out.handle));
		CHECK(vsvm_exec(dev0, vm, 0, CMD_VA, n * 4, NULL, 0, &out, 1));
		CHECK(vsvm_syncobj_wait(dev0, out.handle, 0, 20000000000ull));
		igt_assert_eq(vsvm_syncobj_error(dev0, out.handle), 0);
		igt_assert_eq_u32(mem[0], 0x5eed);
		vsvm_syncobj_destroy(dev0, out.handle);
		CHECK(vsvm_vm_destroy(dev0, vm2));
		CHECK(vsvm_vm_destroy(dev0, vm));
		vsvm_bo_destroy(up);
		vsvm_bo_destroy(cmd_bo);
		munmap(mem, PAGE);
	}

	igt_describe("vsvm_svm_prefetch_to() (libvsvm 1.2): system memory runs, an unknown "
		     "location and a missing other device fail with their errnos.");
	igt_subtest("svm-prefetch-to") {
		static uint64_t done __attribute__((aligned(8)));
		uint8_t *b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		int other, i;
		uint32_t vm;

		igt_assert(b != MAP_FAILED);
		b[0] = 1;
		done = 0;
		CHECK(vsvm_vm_create(dev0, DRM_VSVM_VM_CREATE_SVM, &vm));
		CHECK(vsvm_svm_prefetch_to(dev0, vm, 0, b, PAGE, DRM_VSVM_MEM_SYSTEM, &done, 7));
		for (i = 0; i < 2000 && __atomic_load_n(&done, __ATOMIC_ACQUIRE) != 7; i++)
			usleep(10000);
		igt_assert_eq_u64(done, 7);
		igt_assert_eq(vsvm_svm_prefetch_to(dev0, vm, 0, b, PAGE, 3, NULL, 0), -EINVAL);
		igt_assert(strstr(vsvm_last_error(), "no such location"));
		/* No other vsvm device has an SVM VM of this process. */
		other = vsvm_svm_prefetch_to(dev0, vm, 0, b, PAGE, DRM_VSVM_MEM_OTHER_DEVICE,
					     NULL, 0);
		igt_info("to the other device: %s\n", strerror(-other));
		igt_assert(other == -ENXIO || other == -EOPNOTSUPP);
		igt_assert(strstr(vsvm_last_error(), "SVM_PREFETCH"));
		CHECK(vsvm_vm_destroy(dev0, vm));
		munmap(b, PAGE);
	}

	igt_describe("The encoder writes nothing past its buffer and leaves *n at max + 1.");
	igt_subtest("encoder-bounds") {
		uint32_t buf[8];
		unsigned int n = 0;
		struct vsvm_cs cs;

		memset(buf, 0xaa, sizeof(buf));
		vsvm_emit_store32(buf, &n, 5, DATA_VA, 1);
		igt_assert_eq(n, 4);
		/* A second STORE needs 4 more words: it is not written at all. */
		vsvm_emit_store32(buf, &n, 5, DATA_VA, 2);
		igt_assert_eq(n, 6);
		igt_assert_eq_u32(buf[4], 0xaaaaaaaa);
		/* Nothing after an overflow is written either. */
		vsvm_emit_end(buf, &n, 5);
		igt_assert_eq(n, 6);
		igt_assert_eq_u32(buf[4], 0xaaaaaaaa);

		vsvm_cs_init(&cs, buf, 4 * 4);
		vsvm_cs_store32(&cs, DATA_VA, 1);
		igt_assert_eq(vsvm_cs_finish(&cs), 16);
		vsvm_cs_end(&cs);
		igt_assert_eq(vsvm_cs_finish(&cs), -ENOSPC);
	}

	igt_fixture {
		vsvm_dev_close(dev0);
	}
}
