// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"
#include "vsvm_drm.h"

struct vsvm_dev {
	int fd;
	int index;
};

struct vsvm_bo {
	struct vsvm_dev *dev;
	uint32_t handle;
	uint64_t size;
	void *map;
};

static __thread char last_error[256];

const char *vsvm_last_error(void)
{
	return last_error;
}

/* Records the message and returns -@err, for "return fail(...)". */
static int __attribute__((format(printf, 2, 3))) fail(int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(last_error))
		snprintf(last_error + n, sizeof(last_error) - n, ": %s", strerror(err));
	return -err;
}

/* The index of the vsvm platform device behind /dev/dri/card<minor>, or -1. */
static int card_index(int minor)
{
	char path[64], link[256], *name;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/class/drm/card%d/device", minor);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	if (strncmp(name, "vsvm.", 5))
		return -1;
	return atoi(name + 5);
}

static void find_render(int minor, char *out, size_t len)
{
	char path[64];
	struct dirent *e;
	DIR *d;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/sys/class/drm/card%d/device/drm", minor);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "renderD", 7) && strlen(e->d_name) < 16)
			snprintf(out, len, "/dev/dri/%.15s", e->d_name);
	closedir(d);
}

static int cmp_index(const void *a, const void *b)
{
	return ((const struct vsvm_device_info *)a)->index -
	       ((const struct vsvm_device_info *)b)->index;
}

int vsvm_enumerate(struct vsvm_device_info *infos, int max)
{
	int minor, n = 0;

	for (minor = 0; minor < 64 && n < max; minor++) {
		struct vsvm_device_info *info = &infos[n];
		drmVersionPtr v;
		int fd, index = card_index(minor);

		if (index < 0)
			continue;
		snprintf(info->card, sizeof(info->card), "/dev/dri/card%d", minor);
		fd = open(info->card, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return fail(errno, "open %s", info->card);
		v = drmGetVersion(fd);
		close(fd);
		if (!v)
			return fail(EIO, "DRM_IOCTL_VERSION on %s", info->card);
		info->index = index;
		info->major = v->version_major;
		info->minor = v->version_minor;
		info->patchlevel = v->version_patchlevel;
		drmFreeVersion(v);
		find_render(minor, info->render, sizeof(info->render));
		n++;
	}
	qsort(infos, n, sizeof(*infos), cmp_index);
	return n;
}

int vsvm_dev_open(int index, bool render, struct vsvm_dev **out)
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	const char *node = NULL;
	struct vsvm_dev *dev;
	int i, n;

	n = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (infos[i].index == index)
			node = render ? infos[i].render : infos[i].card;
	if (!node || !node[0])
		return fail(ENODEV, "no vsvm device %d (%d found)", index, n);

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return fail(ENOMEM, "vsvm_dev_open");
	dev->fd = open(node, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		int err = errno;

		free(dev);
		return fail(err, "open %s", node);
	}
	dev->index = index;
	*out = dev;
	return 0;
}

void vsvm_dev_close(struct vsvm_dev *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	free(dev);
}

int vsvm_dev_fd(const struct vsvm_dev *dev)
{
	return dev->fd;
}

int vsvm_bo_create(struct vsvm_dev *dev, uint64_t size, struct vsvm_bo **out)
{
	struct drm_vsvm_gem_create args = { .size = size };
	struct vsvm_bo *bo;

	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return fail(ENOMEM, "vsvm_bo_create");
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_GEM_CREATE, &args)) {
		int err = errno;

		free(bo);
		return fail(err, "GEM_CREATE of %llu bytes", (unsigned long long)size);
	}
	bo->dev = dev;
	bo->handle = args.handle;
	bo->size = args.size;
	*out = bo;
	return 0;
}

int vsvm_bo_map(struct vsvm_bo *bo, void **ptr)
{
	struct drm_vsvm_gem_mmap_offset args = { .handle = bo->handle };
	void *map;

	if (!bo->map) {
		if (drmIoctl(bo->dev->fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &args))
			return fail(errno, "GEM_MMAP_OFFSET of handle %u", bo->handle);
		map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   bo->dev->fd, args.offset);
		if (map == MAP_FAILED)
			return fail(errno, "mmap of handle %u", bo->handle);
		bo->map = map;
	}
	*ptr = bo->map;
	return 0;
}

uint32_t vsvm_bo_handle(const struct vsvm_bo *bo)
{
	return bo->handle;
}

uint64_t vsvm_bo_size(const struct vsvm_bo *bo)
{
	return bo->size;
}

void vsvm_bo_destroy(struct vsvm_bo *bo)
{
	struct drm_gem_close args;

	if (!bo)
		return;
	if (bo->map)
		munmap(bo->map, bo->size);
	args = (struct drm_gem_close){ .handle = bo->handle };
	drmIoctl(bo->dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
	free(bo);
}

int vsvm_vm_create(struct vsvm_dev *dev, uint32_t *vm_id)
{
	struct drm_vsvm_vm_create args = { 0 };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_CREATE, &args))
		return fail(errno, "VM_CREATE");
	*vm_id = args.vm_id;
	return 0;
}

int vsvm_vm_destroy(struct vsvm_dev *dev, uint32_t vm_id)
{
	struct drm_vsvm_vm_destroy args = { .vm_id = vm_id };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_DESTROY, &args))
		return fail(errno, "VM_DESTROY of VM %u", vm_id);
	return 0;
}

static int vm_bind1(struct vsvm_dev *dev, uint32_t vm_id, struct drm_vsvm_vm_bind_op *op)
{
	struct drm_vsvm_vm_bind args = {
		.vm_id = vm_id, .num_ops = 1, .ops = (uintptr_t)op,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_BIND, &args))
		return fail(errno, "VM_BIND %s of [%#llx, +%#llx) in VM %u",
			    op->op == DRM_VSVM_BIND_OP_MAP ? "MAP" : "UNMAP",
			    (unsigned long long)op->addr, (unsigned long long)op->range, vm_id);
	return 0;
}

int vsvm_vm_map(struct vsvm_dev *dev, uint32_t vm_id, struct vsvm_bo *bo,
		uint64_t offset, uint64_t addr, uint64_t size, bool read_only)
{
	struct drm_vsvm_vm_bind_op op = {
		.op = DRM_VSVM_BIND_OP_MAP, .handle = bo->handle, .bo_offset = offset,
		.addr = addr, .range = size,
		.flags = read_only ? DRM_VSVM_BIND_READ_ONLY : 0,
	};

	return vm_bind1(dev, vm_id, &op);
}

int vsvm_vm_unmap(struct vsvm_dev *dev, uint32_t vm_id, uint64_t addr, uint64_t size)
{
	struct drm_vsvm_vm_bind_op op = {
		.op = DRM_VSVM_BIND_OP_UNMAP, .addr = addr, .range = size,
	};

	return vm_bind1(dev, vm_id, &op);
}
