/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * libvsvm: a small C library on libdrm for vsvm devices, in the style of
 * libdrm_amdgpu.  Every function that can fail returns 0 or a negative errno
 * and leaves a message for vsvm_last_error().
 */
#ifndef LIBVSVM_H
#define LIBVSVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsvm_drm.h"
#include "libvsvm_cs.h"

#ifdef __cplusplus
extern "C" {
#endif

/** The most devices vsvm_enumerate() reports. */
#define VSVM_MAX_DEVICES 16

/** What vsvm_enumerate() reports of one vsvm device. */
struct vsvm_device_info {
	int index;		/* the device's number, from "vsvm.<index>" */
	char card[32];		/* primary node, e.g. /dev/dri/card0 */
	char render[32];	/* render node, e.g. /dev/dri/renderD128 */
	int major, minor, patchlevel;	/* driver version; -1 if no node may be opened */
};

struct vsvm_dev;
struct vsvm_bo;

/* The message of the last failure in this thread. */
const char *vsvm_last_error(void);

/*
 * Fills up to @max entries, sorted by index; returns how many or -errno.  A
 * device whose nodes the caller may not open is listed with version -1.
 */
int vsvm_enumerate(struct vsvm_device_info *infos, int max);

/*
 * Opens device @index's render node (or, with @render false, its primary
 * node, which needs root or the video group).
 */
int vsvm_dev_open(int index, bool render, struct vsvm_dev **out);
/*
 * A device of an open vsvm node @fd (any DRM fd of the vsvm driver, e.g.
 * from drmOpenWithType() or a compositor): the library works on its own
 * duplicate of @fd, which vsvm_dev_close() closes; @fd stays the caller's.
 * -ENODEV if @fd is not vsvm's.
 */
int vsvm_dev_from_fd(int fd, struct vsvm_dev **out);
/* Closes the device; destroy its objects first. */
void vsvm_dev_close(struct vsvm_dev *dev);
int vsvm_dev_fd(const struct vsvm_dev *dev);
/*
 * The name of the configfs directory that made the device
 * (/sys/kernel/config/vsvm/<name>), from its platform device's sysfs
 * attribute configfs_name: "" for a device the module made (num_devices).
 * Returns 0, -ENAMETOOLONG if @len is too small, or -errno.
 */
int vsvm_dev_configfs_name(const struct vsvm_dev *dev, char *name, size_t len);
/* The device's index ("vsvm.<index>"), or -1 if sysfs does not say. */
int vsvm_dev_index(const struct vsvm_dev *dev);

/*
 * What the device can do: DRM_VSVM_CAP_* bits (QUERY_CAPS, uapi 1.8; for
 * an older driver, what its version had, without
 * DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY).
 */
int vsvm_query_caps(struct vsvm_dev *dev, uint64_t *caps);

/*
 * Objects are refcounted per GEM handle: when the kernel returns a handle
 * the device already has an object of (a dma-buf imported twice, or one of
 * the device's own objects imported back), the call returns that object
 * with a reference more, and each vsvm_bo_destroy() drops one; the handle
 * is closed with the last.
 */
int vsvm_bo_create(struct vsvm_dev *dev, uint64_t size, struct vsvm_bo **out);
/*
 * Makes an object of [@ptr, @ptr + @size) of the caller's memory
 * (GEM_USERPTR, DRM_VSVM_USERPTR_* @flags).  vsvm_bo_map() returns @ptr;
 * vsvm_bo_destroy() closes the object and leaves the memory alone.
 */
int vsvm_userptr_create(struct vsvm_dev *dev, void *ptr, uint64_t size, uint32_t flags,
			struct vsvm_bo **out);
/*
 * As vsvm_userptr_create(), but the object is private to the VM @vm_id
 * (DRM_VSVM_GEM_EXT_VM_PRIVATE, uapi 1.9): it shares the VM's reservation,
 * so an EXEC on the VM costs the same however many private objects it
 * maps; it can be mapped in that VM only and cannot be exported, nor be a
 * registration (DRM_VSVM_USERPTR_PIN_LONGTERM).
 */
int vsvm_userptr_create_private(struct vsvm_dev *dev, uint32_t vm_id, void *ptr,
				uint64_t size, uint32_t flags, struct vsvm_bo **out);
/* A dma-buf of the object (PRIME export); close the fd when done. */
int vsvm_bo_export(struct vsvm_bo *bo, int *dmabuf_fd);
/*
 * The object of a dma-buf (PRIME import), from any device or driver; the
 * same object as an earlier import of that dma-buf (see above).
 */
int vsvm_bo_import(struct vsvm_dev *dev, int dmabuf_fd, struct vsvm_bo **out);
/* CPU-maps the object (once; later calls return the same mapping). */
int vsvm_bo_map(struct vsvm_bo *bo, void **ptr);
uint32_t vsvm_bo_handle(const struct vsvm_bo *bo);
uint64_t vsvm_bo_size(const struct vsvm_bo *bo);
/* Drops a reference; the last unmaps and closes the object. */
void vsvm_bo_destroy(struct vsvm_bo *bo);

/*
 * GPU address spaces (VMs), identified by their id in the device's file.
 * @flags are VM_CREATE's: 0, or DRM_VSVM_VM_CREATE_SVM for a VM mirroring
 * this process (GPU VA == CPU VA, see the uapi's DOC on SVM).
 */
int vsvm_vm_create(struct vsvm_dev *dev, uint32_t flags, uint32_t *vm_id);
int vsvm_vm_destroy(struct vsvm_dev *dev, uint32_t vm_id);
/*
 * Maps [@addr, +@size) of an SVM VM ahead of use; a job, like EXEC.  It
 * exports no fence: if @ufence is not NULL, the job writes @value there
 * when it ends (wait with vsvm_wait_user_fence()).
 */
int vsvm_svm_prefetch(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue, const void *addr,
		      uint64_t size, uint64_t *ufence, uint64_t value);
/*
 * vsvm_svm_prefetch() that also moves the range to @loc, a DRM_VSVM_MEM_*
 * location (libvsvm 1.2): system memory, this device's VRAM (uapi 1.9), or
 * the other device's VRAM, that of the other vsvm device mirroring the
 * process (uapi 1.10; ENXIO when there is none, ENOTUNIQ when there are
 * several).  EINVAL for any other @loc, without calling the driver.
 */
int vsvm_svm_prefetch_to(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue, const void *addr,
			 uint64_t size, uint32_t loc, uint64_t *ufence, uint64_t value);
/*
 * Sets attribute @attr (DRM_VSVM_SVM_ATTR_*) of [@addr, +@size) of an SVM
 * VM to @value (uapi 1.9, see the uapi's DOC on SVM range attributes).
 */
int vsvm_svm_madvise(struct vsvm_dev *dev, uint32_t vm_id, const void *addr, uint64_t size,
		     uint32_t attr, uint32_t value);
/*
 * Reads the attributes of @addr into *@out (if not NULL: its range_*,
 * preferred_loc, atomic and read_only fields) and, if @size is not zero,
 * one DRM_VSVM_SVM_PAGE_* byte per page of [@addr, +@size) into @pages.
 */
int vsvm_svm_query(struct vsvm_dev *dev, uint32_t vm_id, const void *addr, uint64_t size,
		   uint8_t *pages, struct drm_vsvm_svm_query *out);
/* Maps [offset, offset + size) of @bo at GPU address @addr. */
int vsvm_vm_map(struct vsvm_dev *dev, uint32_t vm_id, struct vsvm_bo *bo,
		uint64_t offset, uint64_t addr, uint64_t size, bool read_only);
int vsvm_vm_unmap(struct vsvm_dev *dev, uint32_t vm_id, uint64_t addr, uint64_t size);
/*
 * VM_BIND of @num_ops ops; @flags DRM_VSVM_VM_BIND_ASYNC queues them (the
 * out-syncs then signal when they have run).  *@num_done, if not NULL, says
 * how many were done or queued, on failure too.
 */
int vsvm_vm_bind(struct vsvm_dev *dev, uint32_t vm_id, struct drm_vsvm_vm_bind_op *ops,
		 uint32_t num_ops, uint32_t flags,
		 const struct drm_vsvm_sync *in, uint32_t num_in,
		 const struct drm_vsvm_sync *out, uint32_t num_out, uint32_t *num_done);

int vsvm_query_device(struct vsvm_dev *dev, struct drm_vsvm_query_device *info);

/* Syncobjs and waits (timeouts relative, in ns; 0 = poll). */
int vsvm_syncobj_create(struct vsvm_dev *dev, uint32_t *handle);
void vsvm_syncobj_destroy(struct vsvm_dev *dev, uint32_t handle);
/* Returns 0 once the point (0 for a binary syncobj) signalled, or -ETIME. */
int vsvm_syncobj_wait(struct vsvm_dev *dev, uint32_t handle, uint64_t point,
		      uint64_t timeout_ns);
/* The job error a signalled binary syncobj carries: 0 or -errno. */
int vsvm_syncobj_error(struct vsvm_dev *dev, uint32_t handle);

/* Runs [cs_addr, cs_addr + cs_bytes) of the VM on @queue. */
int vsvm_exec(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue,
	      uint64_t cs_addr, uint64_t cs_bytes,
	      const struct drm_vsvm_sync *in, uint32_t num_in,
	      const struct drm_vsvm_sync *out, uint32_t num_out);
/*
 * EXEC on an SVM VM (long-running mode: no out-syncs): the job writes
 * @value to @ufence (8-byte aligned process memory) when it ends.
 */
int vsvm_exec_ufence(struct vsvm_dev *dev, uint32_t vm_id, uint32_t queue,
		     uint64_t cs_addr, uint64_t cs_bytes,
		     const struct drm_vsvm_sync *in, uint32_t num_in,
		     uint64_t *ufence, uint64_t value);
/*
 * WAIT_USER_FENCE: returns 0 once (*@addr & @mask) @op (@value & @mask),
 * @op a DRM_VSVM_UFENCE_OP_*; -ETIME after @timeout_ns (relative, 0 =
 * check once), or -errno.
 */
int vsvm_wait_user_fence(struct vsvm_dev *dev, const uint64_t *addr, uint16_t op,
			 uint64_t value, uint64_t mask, int64_t timeout_ns);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSVM_H */
