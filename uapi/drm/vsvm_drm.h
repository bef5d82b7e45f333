/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef _UAPI_VSVM_DRM_H_
#define _UAPI_VSVM_DRM_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

/**
 * DOC: vsvm uapi
 *
 * vsvm is a virtual DRM device with a simulated GPU.  Every ioctl below works
 * on the render node as well as on the primary node.
 *
 * Conventions, shared by every ioctl (Documentation/gpu/drm-uapi.rst):
 *
 * - all fields are fixed-width, every struct is 8-byte aligned and user
 *   pointers are passed as __u64;
 * - every flags field is checked: an unknown flag fails with -EINVAL;
 * - every pad and reserved field must be zero, or the ioctl fails with
 *   -EINVAL;
 * - an ioctl that can grow takes an @extensions chain of
 *   &struct drm_vsvm_user_extension (see there).
 *
 * The driver's version (DRM_IOCTL_VERSION) is bumped with every uapi
 * addition: minor for a new ioctl, flag or extension.
 *
 * - 1.0.0: GEM_CREATE, GEM_MMAP_OFFSET.
 */

#define DRM_VSVM_GEM_CREATE		0x00
#define DRM_VSVM_GEM_MMAP_OFFSET	0x01

#define DRM_IOCTL_VSVM_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_CREATE, struct drm_vsvm_gem_create)
#define DRM_IOCTL_VSVM_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_MMAP_OFFSET, struct drm_vsvm_gem_mmap_offset)

/**
 * struct drm_vsvm_user_extension - Header of one link of an extension chain
 *
 * Structs that can grow have an ``extensions`` field: 0, or the user address
 * of the first extension.  Each extension starts with this header; @name
 * says which extension it is, and so what follows the header.  The chain is
 * walked in order; it may hold at most %DRM_VSVM_MAX_EXTENSIONS links.
 *
 * Walking a chain fails the ioctl with:
 *
 * - -EFAULT: a link could not be read;
 * - -EINVAL: @name is not an extension of this ioctl, or @pad is not zero;
 * - -E2BIG: the chain is longer than %DRM_VSVM_MAX_EXTENSIONS (this also
 *   ends a chain that loops back on itself).
 *
 * No ioctl of version 1.0 defines an extension yet, so any non-zero
 * ``extensions`` is refused with one of the errors above.
 */
struct drm_vsvm_user_extension {
	/** @next_extension: User address of the next link, or 0 at the end. */
	__u64 next_extension;
	/** @name: The extension's identifier, specific to each ioctl. */
	__u32 name;
	/** @pad: Must be zero. */
	__u32 pad;
};

/** DRM_VSVM_MAX_EXTENSIONS - The longest extension chain an ioctl accepts. */
#define DRM_VSVM_MAX_EXTENSIONS 16

/**
 * DRM_VSVM_GEM_MAX_SIZE - Largest buffer object GEM_CREATE accepts, in bytes
 */
#define DRM_VSVM_GEM_MAX_SIZE (1ull << 34)

/**
 * struct drm_vsvm_gem_create - Create a shmem-backed buffer object
 *
 * Used with %DRM_IOCTL_VSVM_GEM_CREATE.  The object's pages are swappable
 * shmem pages, allocated on first use.  Close it with
 * %DRM_IOCTL_GEM_CLOSE.
 *
 * Errors:
 *
 * - -EINVAL: @flags is not zero, @size is zero, or an extension is
 *   refused (see &struct drm_vsvm_user_extension);
 * - -E2BIG: @size is larger than %DRM_VSVM_GEM_MAX_SIZE, or the extension
 *   chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_gem_create {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/**
	 * @size: In: the requested size in bytes.  Out: the object's size,
	 * @size rounded up to a multiple of the page size.
	 */
	__u64 size;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @handle: Out: the new object's GEM handle. */
	__u32 handle;
};

/**
 * struct drm_vsvm_gem_mmap_offset - Get the fake offset to mmap() an object
 *
 * Used with %DRM_IOCTL_VSVM_GEM_MMAP_OFFSET.  Passing @offset to mmap() on
 * the same DRM file maps the object's pages (cached, shared).
 *
 * Errors:
 *
 * - -EINVAL: @flags is not zero, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOENT: @handle is not a GEM handle of this file;
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_gem_mmap_offset {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @handle: The object's GEM handle. */
	__u32 handle;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @offset: Out: the offset to pass to mmap(). */
	__u64 offset;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
