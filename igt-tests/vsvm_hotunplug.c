// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm hotunplug
 * Description: I8, hot-unplug: the vsvm platform driver is unbound from a
 *		device (sysfs unbind) with nothing open, with an idle file
 *		open, and with work of every kind live on it, and bound again.
 *		After the unplug every ioctl and mmap of an old file fails
 *		with -ENODEV, the rebound device works, and the other device
 *		works throughout.  The subtests of IGT's core_hotunplug that
 *		apply to a platform device are mirrored.
 */

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define BO_SIZE (16 * PAGE)
#define CMD_VA 0x1000000ull
#define DATA_VA 0x2000000ull

#define DRV_DIR "/sys/bus/platform/drivers/vsvm"

/* The platform device ("vsvm.0") of DRM file @fd, in @name. */
static void dev_name_of(int fd, char *name, size_t len)
{
	char path[128], link[256];
	struct stat st;
	ssize_t n;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	igt_assert_f(n > 0, "%s: no device link\n", path);
	link[n] = '\0';
	snprintf(name, len, "%s", basename(link));
}

/* Writes @name to the driver's sysfs file @what: 0 or -errno. */
static int drv_write(const char *what, const char *name)
{
	char path[128];
	int f, ret = 0;

	snprintf(path, sizeof(path), DRV_DIR "/%s", what);
	f = open(path, O_WRONLY);
	if (f < 0)
		return -errno;
	if (write(f, name, strlen(name)) < 0)
		ret = -errno;
	close(f);
	return ret;
}

static void unbind(const char *name)
{
	igt_assert_f(drv_write("unbind", name) == 0, "unbind %s: %m\n", name);
}

static void bind(const char *name)
{
	igt_assert_f(drv_write("bind", name) == 0, "bind %s: %m\n", name);
}

/* Whether the driver is bound to platform device @name. */
static bool bound(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), DRV_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

/* Opens @name's DRM node ("card" or "renderD"): the fd, or -errno. */
static int open_dev(const char *name, const char *kind)
{
	char path[300];
	struct dirent *e;
	int fd = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", name);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, kind, strlen(kind)) ||
		    !isdigit((unsigned char)e->d_name[strlen(kind)]))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		break;
	}
	closedir(d);
	return fd;
}

/* Every ioctl, and mmap of a new offset, fails with -ENODEV on @fd. */
static void assert_enodev(int fd)
{
	struct drm_vsvm_gem_create c = { .size = PAGE };
	struct drm_vsvm_vm_create v = { 0 };
	struct drm_vsvm_query_device qd;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(qd), .data = (uintptr_t)&qd,
	};
	struct drm_vsvm_gem_mmap_offset mo = { .handle = 1 };
	struct drm_vsvm_exec e = { .vm_id = 1, .cs_addr = CMD_VA, .cs_size = 4 };
	uint32_t s;
	void *p;

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, &c) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &v) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo) ? -errno : 0,
		      -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0, -ENODEV);
	igt_assert_eq(drmSyncobjCreate(fd, 0, &s) ? -errno : 0, -ENODEV);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0x100000000ull);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, ENODEV);
}

/** A file with a VM, a command buffer and a data buffer, both mapped. */
struct ctx {
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, data_bo;
	uint32_t *cmd;
	uint32_t *data;
	unsigned int n;
};

#define CS(c) (c)->cmd, &(c)->n, BO_SIZE / 4

static void ctx_init(struct ctx *c, int fd)
{
	c->fd = fd;
	c->vm = vsvm_vm_create(fd);
	c->cmd_bo = vsvm_gem_create(fd, BO_SIZE);
	c->data_bo = vsvm_gem_create(fd, BO_SIZE);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->data_bo, 0, DATA_VA, BO_SIZE, 0), 0);
	c->cmd = vsvm_gem_mmap(fd, c->cmd_bo, BO_SIZE);
	c->data = vsvm_gem_mmap(fd, c->data_bo, BO_SIZE);
	c->n = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, BO_SIZE);
	munmap(c->data, BO_SIZE);
	close(c->fd);
}

/* Submits the words from @first on, on @queue: the out-syncobj. */
static uint32_t submit(struct ctx *c, unsigned int first, uint32_t queue)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .queue = queue,
		.cs_addr = CMD_VA + first * 4, .cs_size = (c->n - first) * 4,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	return out.handle;
}

/* The device of @fd runs a job: a STORE lands. */
static void healthcheck_fd(int fd)
{
	struct ctx c;

	ctx_init(&c, fd);
	c.data[0] = 0;
	vsvm_emit_store32(CS(&c), DATA_VA, 0xc0ffee);
	vsvm_emit_end(CS(&c));
	igt_assert_eq(vsvm_job_end(fd, submit(&c, 0, 0)), 1);
	igt_assert_eq_u32(c.data[0], 0xc0ffee);
	ctx_fini(&c);
}

/* Device @name, bound, works; so does every other vsvm device. */
static void healthcheck(const char *name)
{
	int i, fd;

	igt_assert(bound(name));
	fd = open_dev(name, "card");
	igt_assert_f(fd >= 0, "%s: no node after bind\n", name);
	igt_assert(vsvm_is_vsvm(fd));
	healthcheck_fd(fd);
	for (i = 0; i < 16; i++) {
		char other[16];
		int ofd;

		snprintf(other, sizeof(other), "vsvm.%d", i);
		if (!strcmp(other, name) || !bound(other))
			continue;
		ofd = open_dev(other, "renderD");
		igt_assert_f(ofd >= 0, "%s: cannot open\n", other);
		healthcheck_fd(ofd);
	}
}

static char name[32];

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require(vsvm_is_vsvm(fd));
		dev_name_of(fd, name, sizeof(name));
		close(fd);
		igt_require_f(access(DRV_DIR "/unbind", W_OK) == 0,
			      "vsvm is not a platform driver with unbind\n");
	}

	igt_describe("core_hotunplug's unbind-rebind: unbind with nothing open, rebind.");
	igt_subtest("unbind-rebind") {
		unbind(name);
		igt_assert(!bound(name));
		bind(name);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotunbind-rebind: unbind with an idle file open, "
		     "-ENODEV on it, close it, rebind.");
	igt_subtest("hotunbind-rebind") {
		int fd = open_dev(name, "card");

		igt_assert_lte(0, fd);
		unbind(name);
		assert_enodev(fd);
		close(fd);
		bind(name);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotrebind: unbind with an idle file open, rebind "
		     "while it is open, the new device works, then close the old file.");
	igt_subtest("hotrebind") {
		int fd = open_dev(name, "renderD");

		igt_assert_lte(0, fd);
		unbind(name);
		bind(name);
		assert_enodev(fd);
		close(fd);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotrebind-lateclose: unbind with files open, "
		     "rebind, use the new device, close the old files last.");
	igt_subtest("hotrebind-lateclose") {
		int fd = open_dev(name, "renderD"), fd2 = open_dev(name, "card");

		igt_assert_lte(0, fd);
		igt_assert_lte(0, fd2);
		unbind(name);
		bind(name);
		healthcheck(name);
		assert_enodev(fd);
		assert_enodev(fd2);
		close(fd2);
		close(fd);
	}

	igt_describe("core_hotunplug's unplug-rescan, hotunplug-rescan, hotreplug and "
		     "hotreplug-lateclose remove and rescan a PCI device: a platform "
		     "device has no such thing.");
	igt_subtest("unplug-rescan")
		igt_skip("PCI remove/rescan: not applicable to a platform device\n");

	igt_fixture {
		/* Leave the device bound whatever failed. */
		if (!bound(name))
			drv_write("bind", name);
	}
}
