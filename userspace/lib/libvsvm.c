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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>

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
	/* A userptr: @map is the caller's memory, never unmapped here. */
	bool userptr;
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
		find_render(minor, info->render, sizeof(info->render));
		info->index = index;
		fd = open(info->card, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == EACCES && info->render[0])
			fd = open(info->render, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == EACCES) {
			/* Listed all the same; the version is unknown (-1). */
			info->major = info->minor = info->patchlevel = -1;
			n++;
			continue;
		}
		if (fd < 0)
			return fail(errno, "open %s", info->card);
		v = drmGetVersion(fd);
		close(fd);
		if (!v)
			return fail(EIO, "DRM_IOCTL_VERSION on %s", info->card);
		info->major = v->version_major;
		info->minor = v->version_minor;
		info->patchlevel = v->version_patchlevel;
		drmFreeVersion(v);
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

int vsvm_dev_configfs_name(const struct vsvm_dev *dev, char *name, size_t len)
{
	char path[96], buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	if (fstat(dev->fd, &st))
		return fail(errno, "fstat");
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/configfs_name",
		 major(st.st_rdev), minor(st.st_rdev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open %s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0) {
		int err = errno;

		close(fd);
		return fail(err, "read %s", path);
	}
	close(fd);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (strlen(buf) >= len)
		return fail(ENAMETOOLONG, "configfs name %s", buf);
	memcpy(name, buf, strlen(buf) + 1);
	return 0;
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

int vsvm_userptr_create(struct vsvm_dev *dev, void *ptr, uint64_t size, uint32_t flags,
			struct vsvm_bo **out)
{
	struct drm_vsvm_gem_userptr args = {
		.addr = (uintptr_t)ptr, .size = size, .flags = flags,
	};
	struct vsvm_bo *bo;

	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return fail(ENOMEM, "vsvm_userptr_create");
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_GEM_USERPTR, &args)) {
		int err = errno;

		free(bo);
		return fail(err, "GEM_USERPTR of %llu bytes at %p (flags %#x)",
			    (unsigned long long)size, ptr, flags);
	}
	bo->dev = dev;
	bo->handle = args.handle;
	bo->size = size;
	bo->map = ptr;
	bo->userptr = true;
	*out = bo;
	return 0;
}

int vsvm_bo_export(struct vsvm_bo *bo, int *dmabuf_fd)
{
	if (drmPrimeHandleToFD(bo->dev->fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, dmabuf_fd))
		return fail(errno, "PRIME export of handle %u", bo->handle);
	return 0;
}

int vsvm_bo_import(struct vsvm_dev *dev, int dmabuf_fd, struct vsvm_bo **out)
{
	struct vsvm_bo *bo;
	off_t size;

	size = lseek(dmabuf_fd, 0, SEEK_END);
	if (size < 0)
		return fail(errno, "size of dma-buf fd %d", dmabuf_fd);
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return fail(ENOMEM, "vsvm_bo_import");
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &bo->handle)) {
		int err = errno;

		free(bo);
		return fail(err, "PRIME import of dma-buf fd %d", dmabuf_fd);
	}
	bo->dev = dev;
	bo->size = size;
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
	if (bo->map && !bo->userptr)
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

int vsvm_vm_create_svm(struct vsvm_dev *dev, uint32_t *vm_id)
{
	struct drm_vsvm_vm_create args = { .flags = DRM_VSVM_VM_CREATE_SVM };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_CREATE, &args))
		return fail(errno, "VM_CREATE (SVM)");
	*vm_id = args.vm_id;
	return 0;
}

int vsvm_svm_prefetch(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue, const void *addr,
		      uint64_t size, uint64_t *ufence, uint64_t value)
{
	struct drm_vsvm_exec_ext_user_fence ext = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)ufence, .value = value,
	};
	struct drm_vsvm_svm_prefetch args = {
		.extensions = ufence ? (uintptr_t)&ext : 0,
		.vm_id = vm_id, .queue = queue, .addr = (uintptr_t)addr, .size = size,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &args))
		return fail(errno, "SVM_PREFETCH of %llu bytes at %p on VM %u",
			    (unsigned long long)size, addr, vm_id);
	return 0;
}

int vsvm_vm_destroy(struct vsvm_dev *dev, uint32_t vm_id)
{
	struct drm_vsvm_vm_destroy args = { .vm_id = vm_id };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_DESTROY, &args))
		return fail(errno, "VM_DESTROY of VM %u", vm_id);
	return 0;
}

int vsvm_vm_bind(struct vsvm_dev *dev, uint32_t vm_id, struct drm_vsvm_vm_bind_op *ops,
		 uint32_t num_ops, uint32_t flags,
		 const struct drm_vsvm_sync *in, uint32_t num_in,
		 const struct drm_vsvm_sync *out, uint32_t num_out, uint32_t *num_done)
{
	struct drm_vsvm_vm_bind_ext_syncs ext = {
		.base.name = DRM_VSVM_VM_BIND_EXT_SYNCS,
		.in_syncs = (uintptr_t)in, .num_in_syncs = num_in,
		.out_syncs = (uintptr_t)out, .num_out_syncs = num_out,
	};
	struct drm_vsvm_vm_bind args = {
		.vm_id = vm_id, .num_ops = num_ops, .ops = (uintptr_t)ops, .flags = flags,
		.extensions = (num_in || num_out) ? (uintptr_t)&ext : 0,
	};
	int ret = 0;

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_BIND, &args)) {
		const struct drm_vsvm_vm_bind_op *op = &ops[args.num_done < num_ops ?
							     args.num_done : 0];

		ret = fail(errno, "VM_BIND%s op %u (%s of [%#llx, +%#llx)) in VM %u",
			   flags & DRM_VSVM_VM_BIND_ASYNC ? " async" : "", args.num_done,
			   op->op == DRM_VSVM_BIND_OP_MAP ? "MAP" : "UNMAP",
			   (unsigned long long)op->addr, (unsigned long long)op->range, vm_id);
	}
	if (num_done)
		*num_done = args.num_done;
	return ret;
}

static int vm_bind1(struct vsvm_dev *dev, uint32_t vm_id, struct drm_vsvm_vm_bind_op *op)
{
	return vsvm_vm_bind(dev, vm_id, op, 1, 0, NULL, 0, NULL, 0, NULL);
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

int vsvm_query_device(struct vsvm_dev *dev, struct drm_vsvm_query_device *info)
{
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(*info), .data = (uintptr_t)info,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_QUERY, &q))
		return fail(errno, "QUERY_DEVICE");
	return 0;
}

void vsvm_cs_init(struct vsvm_cs *cs, void *buf, uint64_t bytes)
{
	cs->words = buf;
	cs->len = 0;
	cs->cap = bytes / 4;
	cs->error = 0;
}

static void cs_emit(struct vsvm_cs *cs, const uint32_t *w, uint32_t n)
{
	if (cs->error || cs->len + n > cs->cap) {
		cs->error = -ENOSPC;
		return;
	}
	memcpy(&cs->words[cs->len], w, n * 4);
	cs->len += n;
}

#define LO(v) ((uint32_t)(v))
#define HI(v) ((uint32_t)((uint64_t)(v) >> 32))

void vsvm_cs_nop(struct vsvm_cs *cs)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1) };

	cs_emit(cs, w, 1);
}

void vsvm_cs_copy(struct vsvm_cs *cs, uint64_t dst, uint64_t src, uint64_t size)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_COPY, 0, 7), LO(src), HI(src),
			       LO(dst), HI(dst), LO(size), HI(size) };

	cs_emit(cs, w, 7);
}

void vsvm_cs_fill(struct vsvm_cs *cs, uint64_t dst, uint32_t pattern, uint64_t size)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_FILL, 0, 6), LO(dst), HI(dst),
			       pattern, LO(size), HI(size) };

	cs_emit(cs, w, 6);
}

void vsvm_cs_store32(struct vsvm_cs *cs, uint64_t dst, uint32_t value)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4), LO(dst), HI(dst), value };

	cs_emit(cs, w, 4);
}

void vsvm_cs_store64(struct vsvm_cs *cs, uint64_t dst, uint64_t value)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, DRM_VSVM_CMD_64BIT, 5),
			       LO(dst), HI(dst), LO(value), HI(value) };

	cs_emit(cs, w, 5);
}

void vsvm_cs_atomic(struct vsvm_cs *cs, uint8_t op, bool is64, uint64_t dst,
		    uint64_t operand, uint64_t compare, uint64_t result)
{
	const uint32_t w[] = {
		DRM_VSVM_CMD(DRM_VSVM_CMD_ATOMIC, op | (is64 ? DRM_VSVM_CMD_64BIT : 0), 9),
		LO(dst), HI(dst), LO(operand), HI(operand), LO(compare), HI(compare),
		LO(result), HI(result),
	};

	cs_emit(cs, w, 9);
}

void vsvm_cs_timestamp(struct vsvm_cs *cs, uint64_t dst)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_TIMESTAMP, 0, 3), LO(dst), HI(dst) };

	cs_emit(cs, w, 3);
}

void vsvm_cs_spin(struct vsvm_cs *cs, uint64_t sem, uint32_t value)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_SPIN, 0, 4), LO(sem), HI(sem), value };

	cs_emit(cs, w, 4);
}

void vsvm_cs_end(struct vsvm_cs *cs)
{
	const uint32_t w[] = { DRM_VSVM_CMD(DRM_VSVM_CMD_END, 0, 1) };

	cs_emit(cs, w, 1);
}

int64_t vsvm_cs_finish(struct vsvm_cs *cs)
{
	if (cs->error)
		return fail(-cs->error, "command stream longer than its %u-word buffer", cs->cap);
	return (int64_t)cs->len * 4;
}

int vsvm_syncobj_create(struct vsvm_dev *dev, uint32_t *handle)
{
	if (drmSyncobjCreate(dev->fd, 0, handle))
		return fail(errno, "SYNCOBJ_CREATE");
	return 0;
}

void vsvm_syncobj_destroy(struct vsvm_dev *dev, uint32_t handle)
{
	drmSyncobjDestroy(dev->fd, handle);
}

int vsvm_syncobj_wait(struct vsvm_dev *dev, uint32_t handle, uint64_t point,
		      uint64_t timeout_ns)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec * 1000000000ll + ts.tv_nsec + (int64_t)timeout_ns;
	if (drmSyncobjTimelineWait(dev->fd, &handle, &point, 1, deadline,
				   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
		return fail(errno, "waiting for syncobj %u point %llu", handle,
			    (unsigned long long)point);
	return 0;
}

int vsvm_syncobj_error(struct vsvm_dev *dev, uint32_t handle)
{
	struct sync_file_info info = { 0 };
	int sync_fd, ret;

	if (drmSyncobjExportSyncFile(dev->fd, handle, &sync_fd))
		return fail(errno, "exporting syncobj %u as a sync_file", handle);
	ret = ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	close(sync_fd);
	if (ret)
		return fail(errno, "SYNC_IOC_FILE_INFO");
	return info.status < 0 ? info.status : 0;
}

int vsvm_exec(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue,
	      uint64_t cs_addr, uint64_t cs_bytes,
	      const struct drm_vsvm_sync *in, uint32_t num_in,
	      const struct drm_vsvm_sync *out, uint32_t num_out)
{
	struct drm_vsvm_exec args = {
		.vm_id = vm_id, .queue = queue, .cs_addr = cs_addr, .cs_size = cs_bytes,
		.in_syncs = (uintptr_t)in, .num_in_syncs = num_in,
		.out_syncs = (uintptr_t)out, .num_out_syncs = num_out,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &args))
		return fail(errno, "EXEC on VM %u queue %u", vm_id, queue);
	return 0;
}

int vsvm_exec_ufence(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue,
		     uint64_t cs_addr, uint64_t cs_bytes,
		     const struct drm_vsvm_sync *in, uint32_t num_in,
		     uint64_t *ufence, uint64_t value)
{
	struct drm_vsvm_exec_ext_user_fence ext = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)ufence, .value = value,
	};
	struct drm_vsvm_exec args = {
		.extensions = (uintptr_t)&ext,
		.vm_id = vm_id, .queue = queue, .cs_addr = cs_addr, .cs_size = cs_bytes,
		.in_syncs = (uintptr_t)in, .num_in_syncs = num_in,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_EXEC, &args))
		return fail(errno, "EXEC with a user fence on VM %u queue %u", vm_id, queue);
	return 0;
}

int vsvm_wait_user_fence(struct vsvm_dev *dev, const uint64_t *addr, uint16_t op,
			 uint64_t value, uint64_t mask, int64_t timeout_ns)
{
	struct drm_vsvm_wait_user_fence args = {
		.addr = (uintptr_t)addr, .value = value, .mask = mask,
		.timeout = timeout_ns, .op = op,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &args))
		return fail(errno, "WAIT_USER_FENCE at %p", (const void *)addr);
	return 0;
}
