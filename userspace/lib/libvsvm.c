// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
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

/* Buckets of a device's handle table (a power of two). */
#define BO_BUCKETS 64

struct vsvm_dev {
	int fd;
	int index;
	/* The driver's version, from DRM_IOCTL_VERSION. */
	int major, minor;
	/*
	 * Every object of this device by GEM handle, so that a handle has one
	 * struct vsvm_bo however often it is imported: a second import of a
	 * dma-buf returns the same handle (drmPrimeFDToHandle), and closing
	 * it for one user would close it for the other.
	 */
	pthread_mutex_t lock;
	struct vsvm_bo *bos[BO_BUCKETS];
};

struct vsvm_bo {
	struct vsvm_dev *dev;
	uint32_t handle;
	uint64_t size;
	void *map;
	/* A userptr: @map is the caller's memory, never unmapped here. */
	bool userptr;
	/* Users of this handle (vsvm_bo_destroy() drops one), under dev->lock. */
	unsigned int refs;
	/* Next in the device's bucket. */
	struct vsvm_bo *next;
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

/*
 * The index of the vsvm platform device of character device @rdev (from its
 * name "vsvm.<index>"), or -1; @card gets its primary node's path, if any.
 */
static int node_index(dev_t rdev, char *card, size_t len)
{
	char path[96], link[256], *name;
	struct dirent *e;
	ssize_t n;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(rdev), minor(rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	name = strrchr(link, '/');
	name = name ? name + 1 : link;
	if (strncmp(name, "vsvm.", 5))
		return -1;
	if (card) {
		card[0] = '\0';
		snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device/drm",
			 major(rdev), minor(rdev));
		d = opendir(path);
		while (d && (e = readdir(d)))
			if (!strncmp(e->d_name, "card", 4) && strlen(e->d_name) < 16)
				snprintf(card, len, "/dev/dri/%.15s", e->d_name);
		if (d)
			closedir(d);
	}
	return atoi(name + 5);
}

static int cmp_index(const void *a, const void *b)
{
	return ((const struct vsvm_device_info *)a)->index -
	       ((const struct vsvm_device_info *)b)->index;
}

/*
 * Render nodes only: a user in the render group needs neither root nor the
 * video group that the primary nodes (/dev/dri/card*) belong to.  The list
 * is read from /dev/dri rather than drmGetDevices2(), which folds platform
 * devices of one name (every vsvm device is "vsvm" to libdrm) into one.
 */
int vsvm_enumerate(struct vsvm_device_info *infos, int max)
{
	struct dirent *e;
	int n = 0;
	DIR *d;

	d = opendir("/dev/dri");
	if (!d)
		return errno == ENOENT ? 0 : fail(errno, "opendir /dev/dri");
	while (n < max && (e = readdir(d))) {
		struct vsvm_device_info *info = &infos[n];
		drmVersionPtr v;
		struct stat st;
		int fd, index;

		if (strncmp(e->d_name, "renderD", 7) || strlen(e->d_name) >= 16)
			continue;
		snprintf(info->render, sizeof(info->render), "/dev/dri/%.15s", e->d_name);
		if (stat(info->render, &st) || !S_ISCHR(st.st_mode))
			continue;
		index = node_index(st.st_rdev, info->card, sizeof(info->card));
		if (index < 0)
			continue;
		fd = open(info->render, O_RDWR | O_CLOEXEC);
		if (fd < 0 && errno == EACCES) {
			/* Listed all the same; the version is unknown (-1). */
			info->index = index;
			info->major = info->minor = info->patchlevel = -1;
			n++;
			continue;
		}
		if (fd < 0) {
			int err = errno;

			closedir(d);
			return fail(err, "open %s", info->render);
		}
		v = drmGetVersion(fd);
		close(fd);
		if (!v) {
			closedir(d);
			return fail(EIO, "DRM_IOCTL_VERSION on %s", info->render);
		}
		info->index = index;
		info->major = v->version_major;
		info->minor = v->version_minor;
		info->patchlevel = v->version_patchlevel;
		drmFreeVersion(v);
		n++;
	}
	closedir(d);
	qsort(infos, n, sizeof(*infos), cmp_index);
	return n;
}

/* A device of @fd, which it owns; checks that the driver is vsvm. */
static int dev_new(int fd, int index, struct vsvm_dev **out)
{
	struct vsvm_dev *dev;
	drmVersionPtr v;

	v = drmGetVersion(fd);
	if (!v)
		return fail(ENODEV, "DRM_IOCTL_VERSION on fd %d", fd);
	if (strcmp(v->name, "vsvm")) {
		drmFreeVersion(v);
		return fail(ENODEV, "fd %d is no vsvm device", fd);
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		drmFreeVersion(v);
		return fail(ENOMEM, "vsvm_dev_open");
	}
	dev->fd = fd;
	dev->index = index;
	dev->major = v->version_major;
	dev->minor = v->version_minor;
	drmFreeVersion(v);
	pthread_mutex_init(&dev->lock, NULL);
	*out = dev;
	return 0;
}

int vsvm_dev_open(int index, bool render, struct vsvm_dev **out)
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	const char *node = NULL;
	int i, n, fd, ret;

	n = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++)
		if (infos[i].index == index)
			node = render ? infos[i].render : infos[i].card;
	if (!node || !node[0])
		return fail(ENODEV, "no vsvm device %d (%d found)", index, n);

	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail(errno, "open %s", node);
	ret = dev_new(fd, index, out);
	if (ret)
		close(fd);
	return ret;
}

int vsvm_dev_from_fd(int fd, struct vsvm_dev **out)
{
	struct stat st;
	int dup_fd, ret, index = -1;

	if (fstat(fd, &st))
		return fail(errno, "fstat of fd %d", fd);
	if (S_ISCHR(st.st_mode))
		index = node_index(st.st_rdev, NULL, 0);
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return fail(errno, "dup of fd %d", fd);
	ret = dev_new(dup_fd, index, out);
	if (ret)
		close(dup_fd);
	return ret;
}

int vsvm_dev_index(const struct vsvm_dev *dev)
{
	return dev->index;
}

void vsvm_dev_close(struct vsvm_dev *dev)
{
	if (!dev)
		return;
	close(dev->fd);
	pthread_mutex_destroy(&dev->lock);
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

int vsvm_query_caps(struct vsvm_dev *dev, uint64_t *caps)
{
	struct drm_vsvm_query_caps c = { 0 };
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_CAPS, .size = sizeof(c), .data = (uintptr_t)&c,
	};

	if (dev->major > 1 || dev->minor >= 8) {
		if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_QUERY, &q))
			return fail(errno, "QUERY_CAPS");
		*caps = c.caps;
		return 0;
	}
	/* Older drivers: what their version had (move_notify unknown: 0). */
	*caps = 0;
	if (dev->minor >= 4)
		*caps |= DRM_VSVM_CAP_USERPTR_REGISTRATION;
	if (dev->minor >= 5)
		*caps |= DRM_VSVM_CAP_SVM;
	if (dev->minor >= 7)
		*caps |= DRM_VSVM_CAP_LONG_RUNNING;
	return 0;
}

/* The bucket of @handle in @dev's table. */
static struct vsvm_bo **bucket(struct vsvm_dev *dev, uint32_t handle)
{
	return &dev->bos[handle & (BO_BUCKETS - 1)];
}

/* @dev's object of @handle with a reference more, or NULL; dev->lock held. */
static struct vsvm_bo *bo_get_locked(struct vsvm_dev *dev, uint32_t handle)
{
	struct vsvm_bo *bo;

	for (bo = *bucket(dev, handle); bo; bo = bo->next)
		if (bo->handle == handle) {
			bo->refs++;
			return bo;
		}
	return NULL;
}

/*
 * The object of a handle @dev's file just got: the table's, with a
 * reference more, if the handle has one already (the kernel returned the
 * same handle again); else a new one of @size.  NULL when out of memory.
 * dev->lock is held across the ioctl that made the handle and this call,
 * as vsvm_bo_destroy() holds it across GEM_CLOSE: an import never returns
 * a handle that a racing destroy is about to close.
 */
static struct vsvm_bo *bo_add_locked(struct vsvm_dev *dev, uint32_t handle, uint64_t size)
{
	struct vsvm_bo *bo = bo_get_locked(dev, handle);

	if (bo)
		return bo;
	bo = calloc(1, sizeof(*bo));
	if (!bo)
		return NULL;
	bo->dev = dev;
	bo->handle = handle;
	bo->size = size;
	bo->refs = 1;
	bo->next = *bucket(dev, handle);
	*bucket(dev, handle) = bo;
	return bo;
}

static void gem_close(struct vsvm_dev *dev, uint32_t handle)
{
	struct drm_gem_close args = { .handle = handle };

	drmIoctl(dev->fd, DRM_IOCTL_GEM_CLOSE, &args);
}

int vsvm_bo_create(struct vsvm_dev *dev, uint64_t size, struct vsvm_bo **out)
{
	struct drm_vsvm_gem_create args = { .size = size };
	struct vsvm_bo *bo;

	pthread_mutex_lock(&dev->lock);
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_GEM_CREATE, &args)) {
		pthread_mutex_unlock(&dev->lock);
		return fail(errno, "GEM_CREATE of %llu bytes", (unsigned long long)size);
	}
	bo = bo_add_locked(dev, args.handle, args.size);
	if (!bo)
		gem_close(dev, args.handle);
	pthread_mutex_unlock(&dev->lock);
	if (!bo)
		return fail(ENOMEM, "vsvm_bo_create");
	*out = bo;
	return 0;
}

static int userptr_create(struct vsvm_dev *dev, void *ptr, uint64_t size, uint32_t flags,
			  const struct drm_vsvm_gem_ext_vm_private *vm_private,
			  struct vsvm_bo **out)
{
	struct drm_vsvm_gem_userptr args = {
		.extensions = (uintptr_t)vm_private,
		.addr = (uintptr_t)ptr, .size = size, .flags = flags,
	};
	struct vsvm_bo *bo;

	pthread_mutex_lock(&dev->lock);
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_GEM_USERPTR, &args)) {
		pthread_mutex_unlock(&dev->lock);
		if (vm_private)
			return fail(errno, "GEM_USERPTR of %llu bytes at %p (flags %#x), private to VM %u",
				    (unsigned long long)size, ptr, flags, vm_private->vm_id);
		return fail(errno, "GEM_USERPTR of %llu bytes at %p (flags %#x)",
			    (unsigned long long)size, ptr, flags);
	}
	bo = bo_add_locked(dev, args.handle, size);
	if (bo) {
		bo->map = ptr;
		bo->userptr = true;
	} else {
		gem_close(dev, args.handle);
	}
	pthread_mutex_unlock(&dev->lock);
	if (!bo)
		return fail(ENOMEM, "vsvm_userptr_create");
	*out = bo;
	return 0;
}

int vsvm_userptr_create(struct vsvm_dev *dev, void *ptr, uint64_t size, uint32_t flags,
			struct vsvm_bo **out)
{
	return userptr_create(dev, ptr, size, flags, NULL, out);
}

int vsvm_userptr_create_private(struct vsvm_dev *dev, uint32_t vm_id, void *ptr,
				uint64_t size, uint32_t flags, struct vsvm_bo **out)
{
	struct drm_vsvm_gem_ext_vm_private ext = {
		.base.name = DRM_VSVM_GEM_EXT_VM_PRIVATE,
		.vm_id = vm_id,
	};

	return userptr_create(dev, ptr, size, flags, &ext, out);
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
	uint32_t handle;
	off_t size;

	size = lseek(dmabuf_fd, 0, SEEK_END);
	if (size < 0)
		return fail(errno, "size of dma-buf fd %d", dmabuf_fd);
	pthread_mutex_lock(&dev->lock);
	if (drmPrimeFDToHandle(dev->fd, dmabuf_fd, &handle)) {
		pthread_mutex_unlock(&dev->lock);
		return fail(errno, "PRIME import of dma-buf fd %d", dmabuf_fd);
	}
	bo = bo_add_locked(dev, handle, size);
	/* A handle of its own (no other object had it): give it back. */
	if (!bo)
		gem_close(dev, handle);
	pthread_mutex_unlock(&dev->lock);
	if (!bo)
		return fail(ENOMEM, "vsvm_bo_import");
	*out = bo;
	return 0;
}

int vsvm_bo_map(struct vsvm_bo *bo, void **ptr)
{
	struct drm_vsvm_gem_mmap_offset args = { .handle = bo->handle };
	void *map;
	int ret = 0;

	/* Under the lock: two users of one imported object map it once. */
	pthread_mutex_lock(&bo->dev->lock);
	if (!bo->map) {
		if (drmIoctl(bo->dev->fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &args)) {
			ret = fail(errno, "GEM_MMAP_OFFSET of handle %u", bo->handle);
			goto out;
		}
		map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			   bo->dev->fd, args.offset);
		if (map == MAP_FAILED) {
			ret = fail(errno, "mmap of handle %u", bo->handle);
			goto out;
		}
		bo->map = map;
	}
	*ptr = bo->map;
out:
	pthread_mutex_unlock(&bo->dev->lock);
	return ret;
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
	struct vsvm_dev *dev;
	struct vsvm_bo **p;

	if (!bo)
		return;
	dev = bo->dev;
	pthread_mutex_lock(&dev->lock);
	if (--bo->refs) {
		pthread_mutex_unlock(&dev->lock);
		return;
	}
	for (p = bucket(dev, bo->handle); *p != bo; p = &(*p)->next)
		;
	*p = bo->next;
	gem_close(dev, bo->handle);
	pthread_mutex_unlock(&dev->lock);
	if (bo->map && !bo->userptr)
		munmap(bo->map, bo->size);
	free(bo);
}

int vsvm_vm_create(struct vsvm_dev *dev, uint32_t flags, uint32_t *vm_id)
{
	struct drm_vsvm_vm_create args = { .flags = flags };

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_VM_CREATE, &args))
		return fail(errno, "VM_CREATE (flags %#x)", flags);
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

int vsvm_svm_prefetch_to(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue, const void *addr,
			 uint64_t size, uint32_t loc, uint64_t *ufence, uint64_t value)
{
	static const uint32_t flags[] = {
		[DRM_VSVM_MEM_SYSTEM] = DRM_VSVM_SVM_PREFETCH_SYSTEM,
		[DRM_VSVM_MEM_DEVICE] = DRM_VSVM_SVM_PREFETCH_VRAM,
		[DRM_VSVM_MEM_OTHER_DEVICE] = DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE,
	};
	struct drm_vsvm_exec_ext_user_fence ext = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)ufence, .value = value,
	};
	struct drm_vsvm_svm_prefetch args = {
		.extensions = ufence ? (uintptr_t)&ext : 0,
		.vm_id = vm_id, .queue = queue, .addr = (uintptr_t)addr, .size = size,
	};

	if (loc >= sizeof(flags) / sizeof(flags[0]))
		return fail(EINVAL, "SVM_PREFETCH to location %u: no such location", loc);
	args.flags = flags[loc];
	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &args))
		return fail(errno, "SVM_PREFETCH of %llu bytes at %p on VM %u to location %u",
			    (unsigned long long)size, addr, vm_id, loc);
	return 0;
}

int vsvm_svm_madvise(struct vsvm_dev *dev, uint32_t vm_id, const void *addr, uint64_t size,
		     uint32_t attr, uint32_t value)
{
	struct drm_vsvm_svm_madvise args = {
		.vm_id = vm_id, .attr = attr, .addr = (uintptr_t)addr, .size = size,
		.value = value,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_SVM_MADVISE, &args))
		return fail(errno, "SVM_MADVISE of attribute %u to %u over %llu bytes at %p on VM %u",
			    attr, value, (unsigned long long)size, addr, vm_id);
	return 0;
}

int vsvm_svm_query(struct vsvm_dev *dev, uint32_t vm_id, const void *addr, uint64_t size,
		   uint8_t *pages, struct drm_vsvm_svm_query *out)
{
	struct drm_vsvm_svm_query args = {
		.vm_id = vm_id, .addr = (uintptr_t)addr, .size = size, .pages = (uintptr_t)pages,
	};

	if (drmIoctl(dev->fd, DRM_IOCTL_VSVM_SVM_QUERY, &args))
		return fail(errno, "SVM_QUERY of %llu bytes at %p on VM %u",
			    (unsigned long long)size, addr, vm_id);
	if (out)
		*out = args;
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
