// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/kernel.h>
#include <linux/uaccess.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include <kunit/visibility.h>

#include "vsvm_gem.h"
#include "vsvm_ioctl.h"

/**
 * DOC: ioctl layer
 *
 * vsvm_ioctl.c is the only place that sees uapi structs.  Each handler
 * checks every field of its argument (flags, pads, reserved fields, the
 * extension chain), says with drm_dbg() which check failed, and only then
 * calls into the driver's core with plain kernel types.  The core never
 * trusts, and never re-checks, what this layer passed on.
 *
 * Every ioctl is allowed on the render node (DRM_RENDER_ALLOW): nothing in
 * vsvm's uapi reaches beyond the caller's own objects and address spaces.
 */

/**
 * vsvm_ext_walk() - Walk an ioctl's user extension chain
 * @drm: The DRM device, for debug messages (may be NULL).
 * @ioctl: The ioctl's name, for debug messages.
 * @ext: User address of the first link, or 0 for no chain.
 * @fns: The ioctl's extension handlers, indexed by
 *       &drm_vsvm_user_extension.name; NULL entries are unknown names.
 * @count: Number of entries in @fns.
 * @data: Passed to each handler.
 *
 * Return: 0 when every link was accepted; -EFAULT when a link cannot be
 * read; -EINVAL for an unknown name or a non-zero pad; -E2BIG when the chain
 * is longer than %DRM_VSVM_MAX_EXTENSIONS; or a handler's error.
 */
int vsvm_ext_walk(struct drm_device *drm, const char *ioctl, u64 ext,
		  const vsvm_ext_fn *fns, unsigned int count, void *data)
{
	struct drm_vsvm_user_extension hdr;
	unsigned int n;
	int ret;

	for (n = 0; ext; n++, ext = hdr.next_extension) {
		if (n == DRM_VSVM_MAX_EXTENSIONS) {
			drm_dbg(drm, "%s: extension chain longer than %d\n",
				ioctl, DRM_VSVM_MAX_EXTENSIONS);
			return -E2BIG;
		}
		if (copy_from_user(&hdr, u64_to_user_ptr(ext), sizeof(hdr))) {
			drm_dbg(drm, "%s: extension %u at %#llx unreadable\n",
				ioctl, n, ext);
			return -EFAULT;
		}
		if (hdr.pad) {
			drm_dbg(drm, "%s: extension %u has a non-zero pad\n",
				ioctl, n);
			return -EINVAL;
		}
		if (hdr.name >= count || !fns[hdr.name]) {
			drm_dbg(drm, "%s: extension %u has unknown name %u\n",
				ioctl, n, hdr.name);
			return -EINVAL;
		}
		ret = fns[hdr.name](drm, ext, data);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_ext_walk);

static int vsvm_ioctl_gem_create(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_vsvm_gem_create *args = data;
	u64 size;
	int ret;

	if (args->flags) {
		drm_dbg(drm, "GEM_CREATE: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_CREATE", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = vsvm_gem_check_size(args->size, &size);
	if (ret) {
		drm_dbg(drm, "GEM_CREATE: size %#llx is zero, overflows or is above %#llx\n",
			args->size, DRM_VSVM_GEM_MAX_SIZE);
		return ret;
	}

	ret = vsvm_bo_create_with_handle(drm, file, size, &args->handle);
	if (ret)
		return ret;
	args->size = size;
	return 0;
}

static int vsvm_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_vsvm_gem_mmap_offset *args = data;
	int ret;

	if (args->flags) {
		drm_dbg(drm, "GEM_MMAP_OFFSET: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_MMAP_OFFSET", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	ret = vsvm_bo_mmap_offset(file, args->handle, &args->offset);
	if (ret == -ENOENT)
		drm_dbg(drm, "GEM_MMAP_OFFSET: no object with handle %u\n", args->handle);
	return ret;
}

#define VSVM_IOCTL(name, func) \
	DRM_IOCTL_DEF_DRV(VSVM_##name, vsvm_ioctl_##func, DRM_RENDER_ALLOW)

/** vsvm_ioctls - vsvm's driver-private ioctls, indexed by DRM_VSVM_* */
const struct drm_ioctl_desc vsvm_ioctls[VSVM_NUM_IOCTLS] = {
	VSVM_IOCTL(GEM_CREATE, gem_create),
	VSVM_IOCTL(GEM_MMAP_OFFSET, gem_mmap_offset),
};
