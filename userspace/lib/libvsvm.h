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
#include <stdint.h>

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
	int major, minor, patchlevel;	/* driver version */
};

struct vsvm_dev;
struct vsvm_bo;

/* The message of the last failure in this thread. */
const char *vsvm_last_error(void);

/* Fills up to @max entries, sorted by index; returns how many or -errno. */
int vsvm_enumerate(struct vsvm_device_info *infos, int max);

int vsvm_dev_open(int index, bool render, struct vsvm_dev **out);
void vsvm_dev_close(struct vsvm_dev *dev);
int vsvm_dev_fd(const struct vsvm_dev *dev);

int vsvm_bo_create(struct vsvm_dev *dev, uint64_t size, struct vsvm_bo **out);
/* CPU-maps the object (once; later calls return the same mapping). */
int vsvm_bo_map(struct vsvm_bo *bo, void **ptr);
uint32_t vsvm_bo_handle(const struct vsvm_bo *bo);
uint64_t vsvm_bo_size(const struct vsvm_bo *bo);
/* Unmaps and closes the object. */
void vsvm_bo_destroy(struct vsvm_bo *bo);

/* GPU address spaces (VMs), identified by their id in the device's file. */
int vsvm_vm_create(struct vsvm_dev *dev, uint32_t *vm_id);
int vsvm_vm_destroy(struct vsvm_dev *dev, uint32_t vm_id);
/* Maps [offset, offset + size) of @bo at GPU address @addr. */
int vsvm_vm_map(struct vsvm_dev *dev, uint32_t vm_id, struct vsvm_bo *bo,
		uint64_t offset, uint64_t addr, uint64_t size, bool read_only);
int vsvm_vm_unmap(struct vsvm_dev *dev, uint32_t vm_id, uint64_t addr, uint64_t size);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSVM_H */
