/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_IOCTL_H__
#define __VSVM_IOCTL_H__

#include <linux/types.h>

#include <drm/vsvm_drm.h>

struct drm_device;
struct drm_ioctl_desc;

/**
 * typedef vsvm_ext_fn - Handler of one user extension
 * @drm: The DRM device, for debug messages.
 * @ext: User address of the extension, starting with its
 *       &struct drm_vsvm_user_extension header.
 * @data: The ioctl's own state, passed through by vsvm_ext_walk().
 *
 * Return: 0 on success, a negative errno that fails the ioctl.
 */
typedef int (*vsvm_ext_fn)(struct drm_device *drm, u64 ext, void *data);

int vsvm_ext_walk(struct drm_device *drm, const char *ioctl, u64 ext,
		  const vsvm_ext_fn *fns, unsigned int count, void *data);

/* Number of driver ioctls: the highest DRM_VSVM_* number plus one. */
#define VSVM_NUM_IOCTLS (DRM_VSVM_SVM_QUERY + 1)

extern const struct drm_ioctl_desc vsvm_ioctls[VSVM_NUM_IOCTLS];

#endif /* __VSVM_IOCTL_H__ */
