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
 * - 1.1.0: VM_CREATE, VM_DESTROY, VM_BIND (synchronous MAP and UNMAP).
 */

#define DRM_VSVM_GEM_CREATE		0x00
#define DRM_VSVM_GEM_MMAP_OFFSET	0x01
#define DRM_VSVM_VM_CREATE		0x02
#define DRM_VSVM_VM_DESTROY		0x03
#define DRM_VSVM_VM_BIND		0x04

#define DRM_IOCTL_VSVM_GEM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_CREATE, struct drm_vsvm_gem_create)
#define DRM_IOCTL_VSVM_GEM_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_MMAP_OFFSET, struct drm_vsvm_gem_mmap_offset)
#define DRM_IOCTL_VSVM_VM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_CREATE, struct drm_vsvm_vm_create)
#define DRM_IOCTL_VSVM_VM_DESTROY \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_VM_DESTROY, struct drm_vsvm_vm_destroy)
#define DRM_IOCTL_VSVM_VM_BIND \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_VM_BIND, struct drm_vsvm_vm_bind)

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

/**
 * DOC: GPU address spaces
 *
 * A GPU address space (VM) is a 48-bit GPU virtual address range with its
 * own page tables, created with %DRM_IOCTL_VSVM_VM_CREATE.  Buffer objects
 * are mapped into it, in whole or in part, with %DRM_IOCTL_VSVM_VM_BIND; the
 * simulated GPU reaches memory only through these mappings.  A VM belongs to
 * the DRM file that created it: its id means nothing in another file, and
 * closing the file destroys it.  A mapping keeps its buffer object alive
 * after the object's handle is closed.
 */

/**
 * DRM_VSVM_VA_BITS - Width of a GPU virtual address: VMs span [0, 2^48).
 */
#define DRM_VSVM_VA_BITS 48

/**
 * struct drm_vsvm_vm_create - Create a GPU address space
 *
 * Used with %DRM_IOCTL_VSVM_VM_CREATE.
 *
 * Errors:
 *
 * - -EINVAL: @flags is not zero, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOMEM: out of memory, or of VM ids;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_vm_create {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @vm_id: Out: the new VM's id, never zero. */
	__u32 vm_id;
};

/**
 * struct drm_vsvm_vm_destroy - Destroy a GPU address space
 *
 * Used with %DRM_IOCTL_VSVM_VM_DESTROY.  Every mapping of the VM goes with
 * it, and with them the references they held on buffer objects.
 *
 * Errors:
 *
 * - -EINVAL: @pad is not zero, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_vm_destroy {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @vm_id: The VM to destroy. */
	__u32 vm_id;
	/** @pad: Must be zero. */
	__u32 pad;
};

/** DRM_VSVM_BIND_OP_MAP - Map a buffer object range at a GPU address. */
#define DRM_VSVM_BIND_OP_MAP		0
/** DRM_VSVM_BIND_OP_UNMAP - Unmap a GPU address range. */
#define DRM_VSVM_BIND_OP_UNMAP		1

/** DRM_VSVM_BIND_READ_ONLY - MAP: the GPU may read but not write. */
#define DRM_VSVM_BIND_READ_ONLY		(1u << 0)

/** DRM_VSVM_MAX_BIND_OPS - The most ops one VM_BIND takes. */
#define DRM_VSVM_MAX_BIND_OPS		256

/**
 * struct drm_vsvm_vm_bind_op - One operation of a VM_BIND
 *
 * %DRM_VSVM_BIND_OP_MAP maps [@bo_offset, @bo_offset + @range) of the
 * object @handle at [@addr, @addr + @range).  The GPU range must be free:
 * mapping over an existing mapping fails with -EEXIST (unmap it first).
 *
 * %DRM_VSVM_BIND_OP_UNMAP unmaps [@addr, @addr + @range), which must be
 * covered by mappings with no hole (-ENOENT otherwise).  It may cover parts
 * of mappings: what stays of a mapping cut in two becomes two mappings.
 *
 * @addr, @range and @bo_offset must be multiples of 4096.
 */
struct drm_vsvm_vm_bind_op {
	/** @op: %DRM_VSVM_BIND_OP_MAP or %DRM_VSVM_BIND_OP_UNMAP. */
	__u32 op;
	/** @flags: MAP: %DRM_VSVM_BIND_READ_ONLY or 0.  UNMAP: 0. */
	__u32 flags;
	/** @handle: MAP: the buffer object.  UNMAP: must be zero. */
	__u32 handle;
	/** @pad: Must be zero. */
	__u32 pad;
	/** @bo_offset: MAP: offset in the object.  UNMAP: must be zero. */
	__u64 bo_offset;
	/** @addr: Start of the GPU range. */
	__u64 addr;
	/** @range: Length of the range in bytes, not zero. */
	__u64 range;
};

/**
 * struct drm_vsvm_vm_bind - Map and unmap ranges of a GPU address space
 *
 * Used with %DRM_IOCTL_VSVM_VM_BIND.  The ops run in order and are done
 * when the ioctl returns.  Each op's arguments are checked before any op
 * runs; an op that then fails (-EEXIST, -ENOENT, -ENOMEM) ends the ioctl,
 * the ops before it staying done: @num_done says how many.
 *
 * Errors:
 *
 * - -EINVAL: @flags or @pad is not zero; @num_ops is zero; an op has an
 *   unknown @op or flag, a non-zero pad or unused field, a misaligned or
 *   zero-length range, a range past the end of the GPU address space
 *   (or overflowing), or a MAP range past the end of its object; or an
 *   extension is refused;
 * - -E2BIG: @num_ops is larger than %DRM_VSVM_MAX_BIND_OPS, or the extension
 *   chain is too long;
 * - -EFAULT: @ops or @extensions points to memory that cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file, a MAP @handle is not a GEM
 *   handle of this file, or an UNMAP range is not fully mapped;
 * - -EEXIST: a MAP range overlaps an existing mapping;
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_vm_bind {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @vm_id: The VM. */
	__u32 vm_id;
	/** @num_ops: Number of entries at @ops, 1 to %DRM_VSVM_MAX_BIND_OPS. */
	__u32 num_ops;
	/** @ops: User address of an array of &struct drm_vsvm_vm_bind_op. */
	__u64 ops;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @num_done: Out: how many ops were done, all of them on success. */
	__u32 num_done;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
