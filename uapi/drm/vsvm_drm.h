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
 *   &struct drm_vsvm_user_extension (see there);
 * - an id or handle is checked before anything is looked up with it: a VM
 *   id is never zero, and 0 is no GEM handle or syncobj;
 * - an ioctl that waits (EXEC, VM_BIND, GEM_USERPTR with
 *   %DRM_VSVM_USERPTR_PIN_LONGTERM) returns -EINTR, or is restarted, when a
 *   signal arrives; libdrm's drmIoctl() restarts it;
 * - an ioctl that pins a notifier-mode userptr's pages again (EXEC,
 *   VM_BIND, an atomic commit showing it) gives up with -EAGAIN when its
 *   range keeps being invalidated for a second, so that no process can keep
 *   it in the driver (and the device's unplug waiting) for as long as it
 *   likes; drmIoctl() restarts it too.
 *
 * Each ioctl's struct lists every errno the ioctl returns, and a test
 * provokes each one (see the table in the documentation's uapi page).
 *
 * The driver's version (DRM_IOCTL_VERSION) is bumped with every uapi
 * addition: minor for a new ioctl, flag or extension.
 *
 * - 1.0.0: GEM_CREATE, GEM_MMAP_OFFSET.
 * - 1.1.0: VM_CREATE, VM_DESTROY, VM_BIND (synchronous MAP and UNMAP).
 * - 1.2.0: QUERY (device, faults), EXEC and the engine's command stream.
 * - 1.3.0: GEM_INFO; VM_BIND's syncs extension (%DRM_VSVM_VM_BIND_EXT_SYNCS).
 * - 1.4.0: GEM_USERPTR (notifier and registration modes); VM_BIND and EXEC
 *   fail with -EPERM and -EFAULT for userptrs (see the DOC on userptr);
 *   dynamic dma-buf export and import (see the DOC on dma-buf sharing).
 * - 1.5.0: shared-virtual-memory VMs (%DRM_VSVM_VM_CREATE_SVM) and
 *   SVM_PREFETCH.
 * - 1.6.0: asynchronous VM_BIND (%DRM_VSVM_VM_BIND_ASYNC).
 * - 1.7.0: long-running mode for SVM VMs: their EXEC and SVM_PREFETCH
 *   refuse out-syncs (-EINVAL); EXEC's and SVM_PREFETCH's user fence
 *   (%DRM_VSVM_EXEC_EXT_USER_FENCE) and WAIT_USER_FENCE.  Also new in
 *   1.7: VM_CREATE and VM_BIND fail with -ENOSPC past the file's VM and
 *   the VM's mapping limits (%DRM_VSVM_MAX_VMS, %DRM_VSVM_MAX_MAPPINGS);
 *   PRIME export of a registration fails with -EPERM from another address
 *   space and with -EACCES for a read-only one.
 * - 1.8.0: %DRM_VSVM_QUERY_CAPS, what the device can do (DRM_VSVM_CAP_*).
 * - 1.9.0: SVM range attributes: SVM_MADVISE and SVM_QUERY (see the DOC on
 *   SVM range attributes).  Device memory for SVM VMs
 *   (%DRM_VSVM_CAP_DEVICE_MEMORY): SVM_PREFETCH to a location
 *   (%DRM_VSVM_SVM_PREFETCH_VRAM, %DRM_VSVM_SVM_PREFETCH_SYSTEM; -EOPNOTSUPP
 *   for VRAM on a device without it) and %DRM_VSVM_QUERY_VRAM.  VM-private
 *   userptrs (%DRM_VSVM_GEM_EXT_VM_PRIVATE); VM_BIND fails with -EINVAL for
 *   a MAP of one into another VM, and PRIME export of one with -EINVAL.  A
 *   display (KMS: CRTC, planes, connector, writeback, dumb buffers) on the
 *   primary node, reported by %DRM_VSVM_CAP_DISPLAY.
 * - 1.10.0: SVM_MADVISE fails with -ENOSPC past the VM's range limit
 *   (%DRM_VSVM_MAX_SVM_RANGES).  SVM_PREFETCH to the other device's VRAM
 *   (%DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE; -ENXIO and -ENOTUNIQ when there
 *   is no other device, or more than one); a GPU fault in a range whose
 *   preferred location is %DRM_VSVM_MEM_OTHER_DEVICE moves it there, and
 *   SVM_QUERY's snapshot reports pages in the other device's VRAM (see the
 *   DOC on device memory).
 * - 1.11.0: EXEC, VM_BIND and atomic commits fail with -EAGAIN when a
 *   userptr's range kept being invalidated for a second while its pages
 *   were pinned again.
 *
 * There is no WAIT_BO ioctl: every job of an ordinary VM, and every bind,
 * signals syncobjs, which
 * userspace waits on (DRM_IOCTL_SYNCOBJ_WAIT, or a sync_file exported from
 * one), and an object's implicit fences are waited on through its dma-buf
 * (poll(), or DMA_BUF_IOCTL_EXPORT_SYNC_FILE).
 */

#define DRM_VSVM_GEM_CREATE		0x00
#define DRM_VSVM_GEM_MMAP_OFFSET	0x01
#define DRM_VSVM_VM_CREATE		0x02
#define DRM_VSVM_VM_DESTROY		0x03
#define DRM_VSVM_VM_BIND		0x04
#define DRM_VSVM_QUERY			0x05
#define DRM_VSVM_EXEC			0x06
#define DRM_VSVM_GEM_INFO		0x07
#define DRM_VSVM_GEM_USERPTR		0x08
#define DRM_VSVM_SVM_PREFETCH		0x09
#define DRM_VSVM_WAIT_USER_FENCE	0x0a
#define DRM_VSVM_SVM_MADVISE		0x0b
#define DRM_VSVM_SVM_QUERY		0x0c

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
#define DRM_IOCTL_VSVM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_QUERY, struct drm_vsvm_query)
#define DRM_IOCTL_VSVM_EXEC \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_EXEC, struct drm_vsvm_exec)
#define DRM_IOCTL_VSVM_GEM_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_INFO, struct drm_vsvm_gem_info)
#define DRM_IOCTL_VSVM_GEM_USERPTR \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_GEM_USERPTR, struct drm_vsvm_gem_userptr)
#define DRM_IOCTL_VSVM_SVM_PREFETCH \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_PREFETCH, struct drm_vsvm_svm_prefetch)
#define DRM_IOCTL_VSVM_WAIT_USER_FENCE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_WAIT_USER_FENCE, struct drm_vsvm_wait_user_fence)
#define DRM_IOCTL_VSVM_SVM_MADVISE \
	DRM_IOW(DRM_COMMAND_BASE + DRM_VSVM_SVM_MADVISE, struct drm_vsvm_svm_madvise)
#define DRM_IOCTL_VSVM_SVM_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_VSVM_SVM_QUERY, struct drm_vsvm_svm_query)

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
 * VM_BIND's %DRM_VSVM_VM_BIND_EXT_SYNCS (version 1.3), EXEC's and
 * SVM_PREFETCH's %DRM_VSVM_EXEC_EXT_USER_FENCE (version 1.7) and
 * GEM_USERPTR's %DRM_VSVM_GEM_EXT_VM_PRIVATE (version 1.9) are the only
 * extensions so far: any other ioctl refuses a non-zero ``extensions`` with one of the
 * errors above.
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
 * - -EINVAL: @handle is a userptr (version 1.4);
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

/** DRM_VSVM_GEM_INFO_USERPTR - &drm_vsvm_gem_info.flags: a userptr object. */
#define DRM_VSVM_GEM_INFO_USERPTR	(1u << 31)

/**
 * struct drm_vsvm_gem_info - Describe a buffer object
 *
 * Used with %DRM_IOCTL_VSVM_GEM_INFO.
 *
 * Errors:
 *
 * - -EINVAL: @pad is not zero, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOENT: @handle is not a GEM handle of this file;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_gem_info {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @handle: The object's GEM handle. */
	__u32 handle;
	/** @pad: Must be zero. */
	__u32 pad;
	/** @size: Out: the object's size in bytes. */
	__u64 size;
	/**
	 * @flags: Out: 0 for an object made by GEM_CREATE; for a userptr,
	 * %DRM_VSVM_GEM_INFO_USERPTR together with the DRM_VSVM_USERPTR_*
	 * flags it was created with.
	 */
	__u32 flags;
	/**
	 * @imported: Out: 1 if the object was imported from a dma-buf of
	 * another device or driver, 0 if it was created on this device.
	 */
	__u32 imported;
};

/**
 * DOC: userptr
 *
 * A userptr is a GEM object whose memory is a range of the calling process's
 * own address space (%DRM_IOCTL_VSVM_GEM_USERPTR).  It is bound into VMs like
 * any object, and the GPU then reads and writes the process's pages.  It has
 * two modes.
 *
 * Notifier mode (the default) follows the CPU's page tables.  Pages are
 * looked up and pinned (short-term) when the object is bound and before each
 * EXEC that may use them.  When the CPU mapping changes (munmap, mprotect,
 * mremap, MAP_FIXED over it, madvise(MADV_DONTNEED), fork's COW, THP splits,
 * migration, reclaim), the driver waits for the GPU work that may use the
 * range, clears the GPU page-table entries and flushes the TLB, unmaps the
 * pages for DMA, and only then marks written pages dirty and unpins them.
 * The CPU's change completes after that, so the GPU never reaches a page the
 * CPU no longer maps at that address.  The next EXEC looks the pages up
 * again, transparently; it fails with -EFAULT only when the range is no
 * longer mapped (or no longer writable, for a writable userptr).
 *
 * Registration mode (%DRM_VSVM_USERPTR_PIN_LONGTERM), like RDMA's
 * ibv_reg_mr(): the pages are pinned long-term at creation, counted against
 * RLIMIT_MEMLOCK (the process's pinned_vm), and stay with the GPU whatever
 * the CPU does to the range afterwards.  They are released when the object
 * is freed (last handle closed, or the file closed) or when the process's
 * address space is torn down (exit or exec), whichever comes first.  A
 * registration can be shared as a dma-buf by the process that made it,
 * unless it is read-only (see the DOC on dma-buf sharing); a
 * notifier-mode userptr cannot.
 *
 * A userptr belongs to the address space (mm) that created it.  VM_BIND of
 * it, and EXEC on a VM that maps it, fail with -EPERM from any other mm:
 * a child after fork() using the inherited file, or a process that received
 * the file over a unix socket.  A userptr has no mmap offset (-EINVAL): the
 * process already maps its memory.
 */

/** DRM_VSVM_USERPTR_READ_ONLY - The GPU may only read the memory. */
#define DRM_VSVM_USERPTR_READ_ONLY	(1u << 0)
/**
 * DRM_VSVM_USERPTR_PROBE - Check at creation that the whole range is mapped
 * by ordinary memory (not a device mapping), and writable unless
 * %DRM_VSVM_USERPTR_READ_ONLY.
 */
#define DRM_VSVM_USERPTR_PROBE		(1u << 1)
/** DRM_VSVM_USERPTR_PIN_LONGTERM - Registration mode: see the DOC above. */
#define DRM_VSVM_USERPTR_PIN_LONGTERM	(1u << 2)

/**
 * struct drm_vsvm_gem_userptr - Make a GEM object of process memory
 *
 * Used with %DRM_IOCTL_VSVM_GEM_USERPTR (version 1.4).  See the DOC on
 * userptr for the two modes.  Close the object with %DRM_IOCTL_GEM_CLOSE.
 *
 * Errors:
 *
 * - -EINVAL: @flags has an unknown flag; @addr or @size is not a multiple
 *   of the page size; @size is zero; [@addr, @addr + @size) overflows; or an
 *   extension is refused;
 * - -E2BIG: @size is larger than %DRM_VSVM_GEM_MAX_SIZE, or the extension
 *   chain is too long;
 * - -EFAULT: @addr is NULL or the range is not in the user address space;
 *   with %DRM_VSVM_USERPTR_PROBE, a page of the range is not mapped, is
 *   mapped from a device file (a vsvm or other DRM mmap, a PFN or I/O
 *   mapping), or is not writable without %DRM_VSVM_USERPTR_READ_ONLY; with
 *   %DRM_VSVM_USERPTR_PIN_LONGTERM, the pages could not be pinned for one of
 *   those reasons; or @extensions cannot be read;
 * - -ENOMEM: out of memory; with %DRM_VSVM_USERPTR_PIN_LONGTERM, pinning
 *   the range would take the process's pinned memory past RLIMIT_MEMLOCK
 *   (unless it has CAP_IPC_LOCK);
 * - -ENODEV: the device was unplugged.
 *
 * With %DRM_VSVM_GEM_EXT_VM_PRIVATE (version 1.9), also:
 *
 * - -ENOENT: &drm_vsvm_gem_ext_vm_private.vm_id is not a VM of this file;
 * - -EINVAL: that VM is an SVM VM (%DRM_VSVM_VM_CREATE_SVM);
 *   &drm_vsvm_gem_ext_vm_private.pad is not zero; @flags has
 *   %DRM_VSVM_USERPTR_PIN_LONGTERM; or the extension is given twice;
 * - -EFAULT: the extension cannot be read.
 */
struct drm_vsvm_gem_userptr {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @addr: Start of the range in the caller's address space, page aligned. */
	__u64 addr;
	/** @size: Length of the range in bytes, page aligned. */
	__u64 size;
	/** @flags: DRM_VSVM_USERPTR_*. */
	__u32 flags;
	/** @handle: Out: the new object's GEM handle. */
	__u32 handle;
};

/**
 * DOC: VM-private objects
 *
 * A userptr made with %DRM_VSVM_GEM_EXT_VM_PRIVATE is private to one VM of
 * the file: it shares that VM's reservation (dma_resv) and may be mapped
 * in that VM only.  An EXEC then locks, and puts its fence in, the VM's
 * reservation once for all of the VM's private objects, however many there
 * are, rather than once per object: use it for the many objects only one
 * VM uses (a VM with thousands of userptrs).
 *
 * What changes for such an object:
 *
 * - VM_BIND of it into another VM fails with -EINVAL, also once its VM is
 *   destroyed (the object stays valid and can still be closed);
 * - PRIME export of it (DRM_IOCTL_PRIME_HANDLE_TO_FD) fails with -EINVAL:
 *   no other device or driver may wait on, or add to, the VM's
 *   reservation;
 * - implicit sync is the VM's: a job of the VM waits for the earlier jobs
 *   of the VM that may write one of its private objects, whichever object
 *   it uses, and binds order against the VM's jobs as for any object.
 *   Since no other VM, device or process can use the object, nothing else
 *   orders against it;
 * - it cannot be a registration (%DRM_VSVM_USERPTR_PIN_LONGTERM, -EINVAL):
 *   a registration exists to be shared, and a private object never is.
 *
 * Everything else is as for any userptr: invalidation, the -EPERM and
 * -EFAULT of VM_BIND and EXEC, the mapping limits.
 */

/** DRM_VSVM_GEM_EXT_VM_PRIVATE - GEM_USERPTR extension: &struct drm_vsvm_gem_ext_vm_private. */
#define DRM_VSVM_GEM_EXT_VM_PRIVATE	1

/**
 * struct drm_vsvm_gem_ext_vm_private - Make a new object private to a VM
 *
 * An extension of &struct drm_vsvm_gem_userptr (version 1.9): see the DOC
 * on VM-private objects, and &struct drm_vsvm_gem_userptr for its errors
 * (-ENOENT for an unknown @vm_id; -EINVAL for an SVM VM, a non-zero @pad,
 * a registration, or a second such extension; -EFAULT if unreadable).
 */
struct drm_vsvm_gem_ext_vm_private {
	/** @base: name = %DRM_VSVM_GEM_EXT_VM_PRIVATE. */
	struct drm_vsvm_user_extension base;
	/** @vm_id: A VM of this file, not an SVM VM (-ENOENT, -EINVAL). */
	__u32 vm_id;
	/** @pad: Must be zero (-EINVAL). */
	__u32 pad;
};

/**
 * DOC: dma-buf sharing
 *
 * Buffer objects are shared with DRM_IOCTL_PRIME_HANDLE_TO_FD and
 * DRM_IOCTL_PRIME_FD_TO_HANDLE.  An exported object's dma-buf shares the
 * object's reservation, so implicit sync holds in both directions: jobs
 * of every device and driver using the buffer wait for each other's
 * writes (DMA_BUF_IOCTL_EXPORT_SYNC_FILE and IMPORT_SYNC_FILE see and
 * feed the same fences).  The dma-buf can be mmap()ed by the CPU
 * (bracket the access with DMA_BUF_IOCTL_SYNC).
 *
 * vsvm imports any dma-buf (of the other vsvm devices, vgem, udmabuf, or
 * any other exporter) as an object that VM_BIND maps like its own; a
 * dma-buf the same device exported imports as the original object.
 * %DRM_VSVM_GEM_INFO reports @imported for the others.  When the exporter
 * moves the buffer, vsvm's mappings of it are taken down once vsvm's jobs
 * on it are done, and the next EXEC maps it again; when vsvm evicts one of
 * its own objects under memory pressure, importers are told the same way.
 *
 * A notifier-mode userptr cannot be exported: PRIME export fails with
 * -EINVAL (its invalidation runs where the buffer's reservation may not be
 * taken).  A registration (%DRM_VSVM_USERPTR_PIN_LONGTERM) can, since its
 * pages are stable; when the registering process's address space goes,
 * importers are told to give the pages back and the pins then go (an
 * importer that pinned the buffer keeps them until it lets go), and mapping
 * it afterwards fails with -EFAULT.  Its dma-buf has no CPU mmap: the
 * process maps the memory already.
 *
 * A registration is exported only by the address space that registered
 * it, and only if it is writable, since a dma-buf works from any process
 * and on any device and cannot carry a read-only flag that every importer
 * (vgem, udmabuf's users, other drivers) would honour.
 * DRM_IOCTL_PRIME_HANDLE_TO_FD of a userptr fails with:
 *
 * - -EINVAL: the userptr is in notifier mode, or VM-private (version 1.9);
 * - -EPERM: the caller's address space is not the one that created the
 *   userptr (a child after fork() using the inherited file, or a process
 *   that received the file over a unix socket), even if the registering
 *   process exported it already;
 * - -EACCES: the registration was created with
 *   %DRM_VSVM_USERPTR_READ_ONLY: it never leaves the device read-only,
 *   so it is not exported at all;
 * - -EFAULT: the registration's address space is gone.
 */

/**
 * DOC: GPU address spaces
 *
 * A GPU address space (VM) is a 48-bit GPU virtual address range with its
 * own page tables, created with %DRM_IOCTL_VSVM_VM_CREATE.  Buffer objects
 * are mapped into it, in whole or in part, with %DRM_IOCTL_VSVM_VM_BIND; the
 * simulated GPU reaches memory only through these mappings.  A VM belongs to
 * the DRM file that created it: its id means nothing in another file, and
 * closing the file destroys it.  A mapping keeps its buffer object alive
 * after the object's handle is closed.  A file holds at most
 * %DRM_VSVM_MAX_VMS VMs, and a VM at most %DRM_VSVM_MAX_MAPPINGS mappings
 * (-ENOSPC past them); the GPU page tables of a VM take memory only for
 * what is mapped.
 */

/**
 * DRM_VSVM_VA_BITS - Width of a GPU virtual address: VMs span [0, 2^48).
 */
#define DRM_VSVM_VA_BITS 48

/**
 * DRM_VSVM_MAX_VMS - The most VMs one DRM file holds at once
 *
 * VM_CREATE fails with -ENOSPC past it; VM_DESTROY makes room again.  A
 * device made at run time through configfs may have a lower limit (its
 * ``max_vms`` attribute).
 */
#define DRM_VSVM_MAX_VMS 64

/**
 * DRM_VSVM_MAX_MAPPINGS - The most mappings one VM holds at once
 *
 * A VM_BIND MAP fails with -ENOSPC past it, and so does an UNMAP that would
 * cut one mapping in two (which leaves one mapping more); an UNMAP of whole
 * mappings, or of either end of one, always makes room.  A device made at
 * run time through configfs may have a lower limit (its ``max_mappings``
 * attribute).  The kernel memory
 * behind a file's VMs, their mappings and their GPU page tables is charged
 * to the memory cgroup of the task that asked for it, and page-table pages
 * that no mapping needs any more are freed.
 */
#define DRM_VSVM_MAX_MAPPINGS 16384

/**
 * DOC: shared virtual memory
 *
 * A VM created with %DRM_VSVM_VM_CREATE_SVM (version 1.5) mirrors the
 * address space of the process that created it: a GPU address is a CPU
 * address, and jobs use the process's pointers (malloc, mmap, the stack)
 * directly, command streams included.  Nothing is bound into it (VM_BIND
 * fails with -EINVAL).  The engine's first access to a page faults, and
 * the driver maps it from the CPU's page tables, with the CPU's rights,
 * then replays the access; when the CPU's mapping changes, the GPU's goes
 * before the change completes.  An access to an unmapped address, or a
 * write to memory the process may not write, ends the job with -EFAULT
 * and is recorded (QUERY faults).  EXEC from another address space fails
 * with -EPERM; after the process exits, its SVM jobs fail quietly.
 *
 * Jobs of SVM VMs may wait for memory while resolving faults, so they
 * cannot promise to signal a dma-fence in bounded time: like Xe's
 * long-running (fault-mode) VMs, an SVM VM exports no fence of its jobs
 * (version 1.7).  EXEC and SVM_PREFETCH on it fail with -EINVAL when given
 * out-syncs, and its jobs' fences go into no reservation.  In-syncs stay
 * allowed.  A job says it is done through a user fence instead
 * (%DRM_VSVM_EXEC_EXT_USER_FENCE): when it ends, the engine writes a 64-bit
 * value to an address of the process, which %DRM_IOCTL_VSVM_WAIT_USER_FENCE
 * (or the CPU polling the memory) waits for.  VM_DESTROY, and closing the
 * file, wait for the VM's queued and running jobs (or cancel the queued
 * ones when the process is exiting) before the VM goes.
 */

/** DRM_VSVM_VM_CREATE_SVM - &drm_vsvm_vm_create.flags: a shared-virtual-memory VM. */
#define DRM_VSVM_VM_CREATE_SVM		(1u << 0)

/**
 * struct drm_vsvm_vm_create - Create a GPU address space
 *
 * Used with %DRM_IOCTL_VSVM_VM_CREATE.
 *
 * Errors:
 *
 * - -EINVAL: @flags has an unknown flag, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @extensions points to memory that cannot be read;
 * - -ENOSPC: the file has %DRM_VSVM_MAX_VMS VMs already (or the device's
 *   lower limit, see %DRM_VSVM_MAX_VMS);
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_vm_create {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @flags: %DRM_VSVM_VM_CREATE_SVM, or 0. */
	__u32 flags;
	/** @vm_id: Out: the new VM's id, never zero. */
	__u32 vm_id;
};

/**
 * struct drm_vsvm_svm_prefetch - Map a range of an SVM VM ahead of use
 *
 * Used with %DRM_IOCTL_VSVM_SVM_PREFETCH (version 1.5), like
 * ibv_advise_mr(IBV_ADVISE_MR_ADVICE_PREFETCH): a job on the context
 * (@vm_id, @queue), run in order with its EXECs, that faults in and maps
 * [@addr, @addr + @size) of the process's memory, so that the jobs after it
 * take no GPU fault there.  It returns at once.  Since version 1.7 its job
 * exports no fence: @num_out_syncs must be zero, and the job says it is
 * done through a user fence (%DRM_VSVM_EXEC_EXT_USER_FENCE), or through
 * the user fence of a later EXEC of the context.  If part of the range is
 * not mapped, the fault is recorded (before version 1.7, the job's fence
 * went into the out-syncs, with -EFAULT).
 *
 * Since version 1.9 the prefetch may also move the range
 * (%DRM_VSVM_SVM_PREFETCH_VRAM, %DRM_VSVM_SVM_PREFETCH_SYSTEM; see the DOC
 * on device memory), and since version 1.10 to the other device's VRAM
 * (%DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE).  Without a location flag, pages
 * go where the range's preferred location says (SVM_MADVISE), and stay
 * where they are in system memory by default.
 *
 * Errors:
 *
 * - -EINVAL: @flags has an unknown flag, or more than one location flag;
 *   @queue is out of range; @addr or @size is
 *   not page aligned, @size is zero, or the range is past the GPU address
 *   space; the VM is not an SVM VM; @num_out_syncs is not zero (version
 *   1.7); a user-fence extension is refused (see
 *   &struct drm_vsvm_exec_ext_user_fence); or an extension is refused;
 * - -EOPNOTSUPP: %DRM_VSVM_SVM_PREFETCH_VRAM on a device without device
 *   memory (no %DRM_VSVM_CAP_DEVICE_MEMORY); %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE
 *   on a kernel without device-private memory (version 1.10);
 * - -ENXIO: %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE, and no other vsvm device
 *   with device memory has an SVM VM of the caller's address space
 *   (version 1.10);
 * - -ENOTUNIQ: %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE, and more than one
 *   other vsvm device has one: "the other device" names none (version
 *   1.10);
 * - -E2BIG: more out-syncs than &drm_vsvm_query_device.max_syncs, or the
 *   extension chain is too long;
 * - -EFAULT: @out_syncs or @extensions cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file (0 never is);
 * - -EPERM: the VM mirrors another address space;
 * - -EIO: the context was banned after a timeout;
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_svm_prefetch {
	/**
	 * @extensions: Extension chain, see &struct drm_vsvm_user_extension:
	 * %DRM_VSVM_EXEC_EXT_USER_FENCE.
	 */
	__u64 extensions;
	/** @vm_id: The SVM VM. */
	__u32 vm_id;
	/** @queue: The hardware queue. */
	__u32 queue;
	/** @addr: Start of the range, a process address, page aligned. */
	__u64 addr;
	/** @size: Length of the range, page aligned. */
	__u64 size;
	/** @out_syncs: Unused since version 1.7 (@num_out_syncs is zero). */
	__u64 out_syncs;
	/** @num_out_syncs: Must be zero (version 1.7): SVM jobs export no fence. */
	__u32 num_out_syncs;
	/**
	 * @flags: %DRM_VSVM_SVM_PREFETCH_VRAM or %DRM_VSVM_SVM_PREFETCH_SYSTEM
	 * (version 1.9), %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE (since 1.10), or
	 * 0: at most one location.
	 */
	__u32 flags;
};

/**
 * DOC: device memory
 *
 * A device with %DRM_VSVM_CAP_DEVICE_MEMORY (version 1.9; a kernel with
 * CONFIG_DEVICE_PRIVATE and a device with a non-zero ``vram_mb``) has
 * simulated VRAM that an SVM VM's pages can move to: the process keeps
 * using the same addresses, and a CPU access to a page in VRAM moves it
 * back to system memory first (the kernel's device-private memory, as
 * lib/test_hmm.c has it).  %DRM_IOCTL_VSVM_SVM_PREFETCH with
 * %DRM_VSVM_SVM_PREFETCH_VRAM moves the anonymous pages of its range to
 * the device's VRAM (pages the kernel cannot move, such as those of a
 * shared or file mapping, a pinned page, or those for which VRAM is short
 * even after evicting other pages, stay in system memory and are mapped
 * there), and %DRM_VSVM_SVM_PREFETCH_SYSTEM moves them back.  A GPU fault
 * maps a page where it is, or where the range's preferred location says.
 * %DRM_VSVM_QUERY_VRAM tells the VRAM's size, use and migration statistics.
 *
 * **The other device** (since 1.10) is the one other vsvm device with
 * device memory that has an SVM VM mirroring the same process, on any
 * file of the process: two devices bound to one address space (one
 * binding each).  %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE, and a GPU fault in
 * a range whose preferred location is %DRM_VSVM_MEM_OTHER_DEVICE, move the
 * range's anonymous pages into that device's VRAM, and the device the VM
 * is on then reaches them in place, as it would another GPU's memory
 * through a peer-to-peer BAR.  A page in the other device's VRAM that a
 * range not preferring it faults moves back to system memory first.
 * SVM_PREFETCH refuses the flag with -ENXIO when there is no such device
 * and with -ENOTUNIQ when there are several (devices may be added at run
 * time through configfs); a fault then maps the pages in system memory.
 * When the other device is removed, its pages move back to system memory
 * first, with their data.
 */

/** DRM_VSVM_SVM_PREFETCH_VRAM - &drm_vsvm_svm_prefetch.flags: move the range to VRAM. */
#define DRM_VSVM_SVM_PREFETCH_VRAM	(1u << 0)
/** DRM_VSVM_SVM_PREFETCH_SYSTEM - &drm_vsvm_svm_prefetch.flags: move it to system memory. */
#define DRM_VSVM_SVM_PREFETCH_SYSTEM	(1u << 1)
/**
 * DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE - &drm_vsvm_svm_prefetch.flags: move
 * the range to the other device's VRAM (since 1.10; see the DOC on device
 * memory).
 */
#define DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE	(1u << 2)

/**
 * DOC: SVM range attributes
 *
 * Since version 1.9, a process advises the driver about ranges of an SVM
 * VM (%DRM_IOCTL_VSVM_SVM_MADVISE), as madvise() does the kernel, and reads
 * the attributes back together with a snapshot of where each page of a
 * range is (%DRM_IOCTL_VSVM_SVM_QUERY), as lib/test_hmm.c's snapshot does.
 * Every address has three attributes; an address nobody advised has the
 * defaults (all zero):
 *
 * - the preferred location (DRM_VSVM_MEM_*): where a GPU fault or a
 *   prefetch puts the pages: system memory (the default), this device's
 *   VRAM, or the VRAM of the other vsvm device mirroring the process;
 * - read-only: the GPU may read the range but not write it, whatever the
 *   CPU may do: a GPU write faults, is recorded with
 *   %DRM_VSVM_FAULT_READ_ONLY and ends the job with -EFAULT, and writable
 *   GPU mappings of the range go when the attribute is set;
 * - the atomic mode (DRM_VSVM_ATOMIC_MODE_*): how the engine's ATOMIC
 *   commands reach the range.
 *
 * Each SVM_MADVISE sets one attribute over a range and keeps the others:
 * the driver splits the ranges it already has at the ends of the new one
 * and merges neighbours that end up with the same attributes, so SVM_QUERY
 * reports the largest range around an address with that address's
 * attributes.  The attributes belong to the VM and go with it; they survive
 * munmap() and mmap() of the memory under them (a GPU address range, not a
 * CPU mapping, has them).
 *
 * The device locations and the device atomic mode need a kernel with
 * device-private memory (CONFIG_DEVICE_PRIVATE, reported by
 * %DRM_VSVM_CAP_DEVICE_MEMORY): without it SVM_MADVISE refuses them with
 * -EOPNOTSUPP.
 */

/** DRM_VSVM_MEM_SYSTEM - A location: system memory. */
#define DRM_VSVM_MEM_SYSTEM		0
/** DRM_VSVM_MEM_DEVICE - A location: the VRAM of the device the VM is on. */
#define DRM_VSVM_MEM_DEVICE		1
/**
 * DRM_VSVM_MEM_OTHER_DEVICE - A location: the VRAM of the other vsvm device
 * that mirrors the same process (see the DOC on device memory).  Before
 * version 1.10 a GPU fault treated it as system memory; SVM_MADVISE accepts
 * it whether or not that device exists now (a fault then uses system
 * memory).
 */
#define DRM_VSVM_MEM_OTHER_DEVICE	2

/** DRM_VSVM_ATOMIC_MODE_ANY - ATOMIC works wherever the page is (default). */
#define DRM_VSVM_ATOMIC_MODE_ANY	0
/**
 * DRM_VSVM_ATOMIC_MODE_DEVICE - ATOMIC first takes the page exclusive to the
 * device (the kernel's make_device_exclusive_range()): the CPU's next
 * access to the page faults it back, and the next ATOMIC takes it again.
 */
#define DRM_VSVM_ATOMIC_MODE_DEVICE	1
/**
 * DRM_VSVM_ATOMIC_MODE_SYSTEM - ATOMIC works on the page in system memory
 * only, coherent with the CPU's atomics: a page in VRAM goes back first.
 */
#define DRM_VSVM_ATOMIC_MODE_SYSTEM	2

/** DRM_VSVM_SVM_ATTR_PREFERRED_LOC - SVM_MADVISE: the preferred location. */
#define DRM_VSVM_SVM_ATTR_PREFERRED_LOC	0
/** DRM_VSVM_SVM_ATTR_READ_ONLY - SVM_MADVISE: 1 read-only, 0 not. */
#define DRM_VSVM_SVM_ATTR_READ_ONLY	1
/** DRM_VSVM_SVM_ATTR_ATOMIC - SVM_MADVISE: the atomic mode. */
#define DRM_VSVM_SVM_ATTR_ATOMIC	2

/**
 * DRM_VSVM_MAX_SVM_RANGES - The most ranges with attributes one SVM VM holds
 *
 * Since 1.10.  Counts the ranges SVM_QUERY would report with non-default
 * attributes, after SVM_MADVISE's split and merge.  An SVM_MADVISE that
 * would leave more fails with -ENOSPC and changes nothing; one that merges
 * ranges, or keeps their number, always succeeds.  The kernel memory
 * behind them is charged to the memory cgroup of the task that advised.
 */
#define DRM_VSVM_MAX_SVM_RANGES 16384

/**
 * struct drm_vsvm_svm_madvise - Set an attribute of a range of an SVM VM
 *
 * Used with %DRM_IOCTL_VSVM_SVM_MADVISE (version 1.9).  Sets attribute
 * @attr of [@addr, @addr + @size) to @value; the range's other attributes
 * stay as they were.  See the DOC on SVM range attributes.
 *
 * Errors:
 *
 * - -EINVAL: @flags is not zero; @attr is unknown; @value is not a value of
 *   @attr; @addr or @size is not page aligned, @size is zero, or
 *   [@addr, @addr + @size) overflows or is past the GPU address space; the
 *   VM is not an SVM VM; or an extension is refused (no extension is
 *   defined, so any is);
 * - -EFAULT: @extensions cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file (0 never is);
 * - -EPERM: the VM mirrors another address space;
 * - -EOPNOTSUPP: @value is a device location or
 *   %DRM_VSVM_ATOMIC_MODE_DEVICE, and the kernel has no device-private
 *   memory (no %DRM_VSVM_CAP_DEVICE_MEMORY);
 * - -ENOSPC (since 1.10): the VM would then hold more than
 *   %DRM_VSVM_MAX_SVM_RANGES ranges with non-default attributes; nothing
 *   changed;
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_svm_madvise {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @vm_id: The SVM VM. */
	__u32 vm_id;
	/** @attr: DRM_VSVM_SVM_ATTR_*: the attribute to set. */
	__u32 attr;
	/** @addr: Start of the range, a process address, page aligned. */
	__u64 addr;
	/** @size: Length of the range, page aligned, not zero. */
	__u64 size;
	/**
	 * @value: For %DRM_VSVM_SVM_ATTR_PREFERRED_LOC a DRM_VSVM_MEM_*; for
	 * %DRM_VSVM_SVM_ATTR_READ_ONLY 0 or 1; for %DRM_VSVM_SVM_ATTR_ATOMIC a
	 * DRM_VSVM_ATOMIC_MODE_*.
	 */
	__u32 value;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
};

/**
 * DRM_VSVM_SVM_PAGE_LOC_MASK - SVM_QUERY page byte: where a present page is
 * (DRM_VSVM_MEM_*).
 */
#define DRM_VSVM_SVM_PAGE_LOC_MASK	0x03
/** DRM_VSVM_SVM_PAGE_PRESENT - SVM_QUERY page byte: the process has the page. */
#define DRM_VSVM_SVM_PAGE_PRESENT	(1u << 2)
/**
 * DRM_VSVM_SVM_PAGE_READ_ONLY - SVM_QUERY page byte: the GPU may only read
 * the page: the CPU maps it read-only, or its range is read-only.
 */
#define DRM_VSVM_SVM_PAGE_READ_ONLY	(1u << 3)
/** DRM_VSVM_SVM_PAGE_ZERO - SVM_QUERY page byte: the shared zero page. */
#define DRM_VSVM_SVM_PAGE_ZERO		(1u << 4)
/** DRM_VSVM_SVM_PAGE_GPU_MAPPED - SVM_QUERY page byte: the VM maps the page. */
#define DRM_VSVM_SVM_PAGE_GPU_MAPPED	(1u << 5)
/**
 * DRM_VSVM_SVM_PAGE_EXCLUSIVE - SVM_QUERY page byte: the device holds the
 * page exclusive for its atomics (%DRM_VSVM_ATOMIC_MODE_DEVICE).
 */
#define DRM_VSVM_SVM_PAGE_EXCLUSIVE	(1u << 6)

/**
 * DRM_VSVM_SVM_QUERY_MAX_SIZE - The largest range one SVM_QUERY snapshots
 */
#define DRM_VSVM_SVM_QUERY_MAX_SIZE	(1ull << 30)

/**
 * struct drm_vsvm_svm_query - Read the attributes and pages of a range
 *
 * Used with %DRM_IOCTL_VSVM_SVM_QUERY (version 1.9).  Reports the
 * attributes of @addr and the largest range around it that has the same
 * attributes, and, if @size is not zero, writes one byte per page of
 * [@addr, @addr + @size) to @pages: 0 for a page the process does not have
 * (never touched, swapped out, unmapped, or, before version 1.10, a page of
 * the other device's VRAM; since 1.10 such a page is reported as
 * %DRM_VSVM_MEM_OTHER_DEVICE, unless "the other device" names no single
 * device), else %DRM_VSVM_SVM_PAGE_PRESENT with
 * the page's location and the other DRM_VSVM_SVM_PAGE_* bits that hold.
 * Nothing is faulted in: the snapshot is what the CPU's and the GPU's page
 * tables hold at one moment.
 *
 * Errors:
 *
 * - -EINVAL: @flags or @pad is not zero; @addr or @size is not page
 *   aligned, or [@addr, @addr + @size) overflows or is past the GPU
 *   address space; the VM is not an SVM VM; or an extension is refused
 *   (no extension is defined, so any is);
 * - -E2BIG: @size is larger than %DRM_VSVM_SVM_QUERY_MAX_SIZE;
 * - -EFAULT: @pages cannot be written, or @extensions cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file (0 never is);
 * - -EPERM: the VM mirrors another address space;
 * - -ENOMEM: out of memory;
 * - -EINTR: a fatal signal arrived while the snapshot retried behind
 *   invalidations;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_svm_query {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @vm_id: The SVM VM. */
	__u32 vm_id;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @addr: The address whose attributes are read, page aligned. */
	__u64 addr;
	/** @size: Length of the range to snapshot from @addr, page aligned, or 0. */
	__u64 size;
	/** @pages: User address of @size / 4096 bytes, written; unused if @size is 0. */
	__u64 pages;
	/** @range_start: Out: start of the largest range with @addr's attributes. */
	__u64 range_start;
	/** @range_end: Out: its end (exclusive). */
	__u64 range_end;
	/** @preferred_loc: Out: @addr's preferred location, DRM_VSVM_MEM_*. */
	__u32 preferred_loc;
	/** @atomic: Out: @addr's atomic mode, DRM_VSVM_ATOMIC_MODE_*. */
	__u32 atomic;
	/** @read_only: Out: 1 if @addr is read-only for the GPU, else 0. */
	__u32 read_only;
	/** @pad: Must be zero. */
	__u32 pad;
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
 * - -ENOENT: @vm_id is not a VM of this file (0 never is);
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

/**
 * DRM_VSVM_VM_BIND_ASYNC - &drm_vsvm_vm_bind.flags: queue the ops (version 1.6)
 *
 * The ioctl checks each op against the VM's mappings, and changes them, at
 * once, exactly as a synchronous VM_BIND does, with the same errors; what
 * the GPU sees changes later, when the op's bind job runs on the VM's bind
 * queue.  The jobs run in order, the first once every in-sync of
 * %DRM_VSVM_VM_BIND_EXT_SYNCS has signalled; an UNMAP's job also waits for
 * every job of the VM queued before it.  The out-syncs get the last queued
 * op's fence (only when every op was queued), and an EXEC that waits on
 * them sees every op done.  In-syncs are checked before any op is queued.
 *
 * VM_BIND without this flag first waits (interruptibly) for the binds
 * queued on the VM, since it writes the GPU page table too.  EXEC's job runs
 * after every bind queued on the VM before it, without the ioctl waiting,
 * except for a queued UNMAP, which EXEC waits for (interruptibly), since it
 * writes entries at submission that the UNMAP's job would clear: a submitter
 * that must not block waits for an UNMAP's out-syncs before it submits.
 */
#define DRM_VSVM_VM_BIND_ASYNC		(1u << 0)

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

/** DRM_VSVM_VM_BIND_EXT_SYNCS - VM_BIND extension: &struct drm_vsvm_vm_bind_ext_syncs. */
#define DRM_VSVM_VM_BIND_EXT_SYNCS	1

/**
 * struct drm_vsvm_vm_bind_ext_syncs - Syncobjs a VM_BIND waits on and signals
 *
 * With this extension, a synchronous VM_BIND first waits (interruptibly)
 * for every in-sync, then runs its ops, then signals every out-sync with a
 * signalled fence: binds order with jobs in syncobj graphs.  An
 * asynchronous one (%DRM_VSVM_VM_BIND_ASYNC) makes its first bind job wait
 * for the in-syncs, and gives the out-syncs its last job's fence.  Syncs
 * are as for EXEC (&struct drm_vsvm_sync); the errors are EXEC's sync
 * errors (an in-sync with no fence at its point is -EINVAL), plus -EINVAL
 * for a second syncs extension.
 */
struct drm_vsvm_vm_bind_ext_syncs {
	/** @base: name = %DRM_VSVM_VM_BIND_EXT_SYNCS. */
	struct drm_vsvm_user_extension base;
	/** @in_syncs: User address of &struct drm_vsvm_sync entries to wait on. */
	__u64 in_syncs;
	/** @out_syncs: User address of &struct drm_vsvm_sync entries to signal. */
	__u64 out_syncs;
	/** @num_in_syncs: Number of entries at @in_syncs. */
	__u32 num_in_syncs;
	/** @num_out_syncs: Number of entries at @out_syncs. */
	__u32 num_out_syncs;
};

/**
 * struct drm_vsvm_vm_bind - Map and unmap ranges of a GPU address space
 *
 * Used with %DRM_IOCTL_VSVM_VM_BIND.  The ops run in order and are done
 * when the ioctl returns, or, with %DRM_VSVM_VM_BIND_ASYNC, are queued.
 * Each op's arguments are checked before any op runs; an op that then fails
 * (-EEXIST, -ENOENT, -ENOSPC, -ENOMEM) ends the ioctl, the ops before it
 * staying done (or queued): @num_done says how many.  The op that failed
 * left the VM's mappings as they were.
 *
 * Errors:
 *
 * - -EINVAL: @flags has a bit other than %DRM_VSVM_VM_BIND_ASYNC (before
 *   version 1.6: is not zero); @num_ops is zero; an op has an
 *   unknown @op or flag, a non-zero pad or unused field, a misaligned or
 *   zero-length range, a range past the end of the GPU address space
 *   (or overflowing), or a MAP range past the end of its object; or an
 *   extension is refused;
 * - -E2BIG: @num_ops is larger than %DRM_VSVM_MAX_BIND_OPS, or the extension
 *   chain is too long;
 * - -EFAULT: @ops or @extensions points to memory that cannot be read;
 * - -ENOENT: @vm_id is not a VM of this file (0 never is), a MAP @handle
 *   is not a GEM handle of this file, or an UNMAP range is not fully mapped;
 * - -EEXIST: a MAP range overlaps an existing mapping;
 * - -ENOSPC: the VM has %DRM_VSVM_MAX_MAPPINGS mappings already (or the
 *   device's lower limit, see %DRM_VSVM_MAX_MAPPINGS), and the op is a MAP
 *   or an UNMAP that would cut one mapping in two;
 * - -EINVAL: the VM is an SVM VM, which mirrors its process and has
 *   nothing bound (version 1.5);
 * - -EINVAL: a MAP object is private to another VM (version 1.9; see the
 *   DOC on VM-private objects), checked before any op is done;
 * - -EPERM: a MAP object is a userptr of another process's address space
 *   (version 1.4; see the DOC on userptr);
 * - -EFAULT: the pages of a MAP userptr cannot be had: part of its range is
 *   no longer mapped, is a device mapping, or is not writable for a
 *   writable userptr (version 1.4);
 * - -EAGAIN: the range of a MAP userptr kept being invalidated while its
 *   pages were pinned, for a second; the ops before it stay done (version
 *   1.11; drmIoctl() restarts the call);
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 *
 * A userptr created with %DRM_VSVM_USERPTR_READ_ONLY is always mapped
 * read-only, whether or not the op asks for %DRM_VSVM_BIND_READ_ONLY.  It
 * cannot be exported (PRIME export fails with -EACCES, see the DOC on
 * dma-buf sharing), so no other device, and no import, ever maps it.
 */
struct drm_vsvm_vm_bind {
	/**
	 * @extensions: Extension chain, see &struct drm_vsvm_user_extension:
	 * %DRM_VSVM_VM_BIND_EXT_SYNCS.
	 */
	__u64 extensions;
	/** @vm_id: The VM. */
	__u32 vm_id;
	/** @num_ops: Number of entries at @ops, 1 to %DRM_VSVM_MAX_BIND_OPS. */
	__u32 num_ops;
	/** @ops: User address of an array of &struct drm_vsvm_vm_bind_op. */
	__u64 ops;
	/** @flags: %DRM_VSVM_VM_BIND_ASYNC or 0. */
	__u32 flags;
	/** @num_done: Out: how many ops were done (or queued), all of them on success. */
	__u32 num_done;
};

/** DRM_VSVM_QUERY_DEVICE - Query &struct drm_vsvm_query_device. */
#define DRM_VSVM_QUERY_DEVICE		0
/** DRM_VSVM_QUERY_FAULTS - Query &struct drm_vsvm_query_faults. */
#define DRM_VSVM_QUERY_FAULTS		1
/** DRM_VSVM_QUERY_CAPS - Query &struct drm_vsvm_query_caps (uapi 1.8). */
#define DRM_VSVM_QUERY_CAPS		2
/** DRM_VSVM_QUERY_VRAM - Query &struct drm_vsvm_query_vram (uapi 1.9). */
#define DRM_VSVM_QUERY_VRAM		3

/**
 * struct drm_vsvm_query - Read information from the device
 *
 * Used with %DRM_IOCTL_VSVM_QUERY.  With @size zero, the ioctl only sets
 * @size to the number of bytes the answer needs; call it again with a buffer
 * that large at @data.
 *
 * Errors:
 *
 * - -EINVAL: @query is unknown, @pad is not zero, @size is neither zero nor
 *   large enough, or an extension is refused;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @data or @extensions points to memory that cannot be used;
 * - -ENOMEM: out of memory (%DRM_VSVM_QUERY_FAULTS gathers the faults in a
 *   kernel buffer before copying them out, even when @size is zero);
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_query {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/**
	 * @query: %DRM_VSVM_QUERY_DEVICE, %DRM_VSVM_QUERY_FAULTS,
	 * %DRM_VSVM_QUERY_CAPS or %DRM_VSVM_QUERY_VRAM.
	 */
	__u32 query;
	/** @size: In: size of the buffer at @data, or 0.  Out: bytes needed/written. */
	__u32 size;
	/** @data: User address of the buffer for the answer. */
	__u64 data;
	/** @pad: Must be zero. */
	__u64 pad;
};

/** DRM_VSVM_PAGE_4K - &drm_vsvm_query_device.page_sizes: 4 KiB pages. */
#define DRM_VSVM_PAGE_4K		(1u << 12)
/** DRM_VSVM_PAGE_2M - &drm_vsvm_query_device.page_sizes: 2 MiB pages. */
#define DRM_VSVM_PAGE_2M		(1u << 21)

/**
 * struct drm_vsvm_query_device - What %DRM_VSVM_QUERY_DEVICE answers
 */
struct drm_vsvm_query_device {
	/** @num_queues: Number of hardware queues (EXEC's @queue). */
	__u32 num_queues;
	/** @va_bits: Width of a GPU virtual address. */
	__u32 va_bits;
	/** @max_bo_size: Largest object GEM_CREATE accepts, in bytes. */
	__u64 max_bo_size;
	/** @page_sizes: Page sizes of the GPU page tables (DRM_VSVM_PAGE_*). */
	__u32 page_sizes;
	/** @max_bind_ops: Most ops in one VM_BIND. */
	__u32 max_bind_ops;
	/** @job_timeout_ms: A job running longer is killed (-ETIMEDOUT). */
	__u32 job_timeout_ms;
	/** @max_syncs: Most in- and out-syncs each in one EXEC. */
	__u32 max_syncs;
	/** @max_cs_size: Largest command stream one EXEC runs, in bytes. */
	__u64 max_cs_size;
};

/** DRM_VSVM_CAP_SVM - Shared-virtual-memory VMs (%DRM_VSVM_VM_CREATE_SVM). */
#define DRM_VSVM_CAP_SVM			(1ull << 0)
/** DRM_VSVM_CAP_USERPTR_REGISTRATION - GEM_USERPTR's registration mode. */
#define DRM_VSVM_CAP_USERPTR_REGISTRATION	(1ull << 1)
/**
 * DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY - Imports are dynamic: the exporter may
 * move a buffer and tell its importers (the kernel's
 * CONFIG_DMABUF_MOVE_NOTIFY).  Without it an import pins the buffer.
 */
#define DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY		(1ull << 2)
/**
 * DRM_VSVM_CAP_LONG_RUNNING - Long-running mode for SVM VMs: user fences
 * and WAIT_USER_FENCE instead of dma-fences.
 */
#define DRM_VSVM_CAP_LONG_RUNNING		(1ull << 3)
/**
 * DRM_VSVM_CAP_DISPLAY - The device has a display (KMS) on its primary node
 * (since 1.9; set by the module parameter ``display`` or the configfs
 * attribute of the same name).  Before 1.9 never set.
 */
#define DRM_VSVM_CAP_DISPLAY			(1ull << 4)
/**
 * DRM_VSVM_CAP_DEVICE_MEMORY - Simulated VRAM for SVM VMs (see the DOC on
 * device memory); needs the kernel's CONFIG_DEVICE_PRIVATE (uapi 1.9).
 */
#define DRM_VSVM_CAP_DEVICE_MEMORY		(1ull << 5)

/**
 * struct drm_vsvm_query_caps - What %DRM_VSVM_QUERY_CAPS answers
 */
struct drm_vsvm_query_caps {
	/** @caps: DRM_VSVM_CAP_* bits; bits not defined here are zero. */
	__u64 caps;
};

/** DRM_VSVM_VRAM_CHUNK_SIZES - Chunk sizes of &drm_vsvm_query_vram.chunks. */
#define DRM_VSVM_VRAM_CHUNK_SIZES	3

/**
 * struct drm_vsvm_vram_chunk_stats - Migrations to VRAM of one chunk size
 *
 * Times are sums over @migrations, in microseconds.
 */
struct drm_vsvm_vram_chunk_stats {
	/** @chunk_size: The chunk size in bytes: 2 MiB, 64 KiB, then 4 KiB. */
	__u64 chunk_size;
	/** @migrations: Chunks a GPU fault or a prefetch moved to VRAM. */
	__u64 migrations;
	/** @get_pages_us: Time getting and DMA-mapping their pages. */
	__u64 get_pages_us;
	/** @migrate_us: Time migrating them, the copy included. */
	__u64 migrate_us;
	/** @copy_us: Of which copying the data. */
	__u64 copy_us;
	/** @bind_us: Time writing their page-table entries. */
	__u64 bind_us;
};

/**
 * struct drm_vsvm_query_vram - What %DRM_VSVM_QUERY_VRAM answers
 *
 * The device's VRAM, all zero on a device without
 * %DRM_VSVM_CAP_DEVICE_MEMORY.  Counts are of 4 KiB pages, since the
 * device was made.
 */
struct drm_vsvm_query_vram {
	/** @size: VRAM size in bytes. */
	__u64 size;
	/** @used: Bytes of it holding pages now. */
	__u64 used;
	/** @migrated_to_vram: Pages moved to VRAM. */
	__u64 migrated_to_vram;
	/** @migrated_to_ram: Pages moved back by CPU faults and prefetches. */
	__u64 migrated_to_ram;
	/** @cpu_faults: CPU faults on pages in VRAM. */
	__u64 cpu_faults;
	/** @evictions: Pages moved back to make room in VRAM. */
	__u64 evictions;
	/** @chunks: Per chunk size, largest first. */
	struct drm_vsvm_vram_chunk_stats chunks[DRM_VSVM_VRAM_CHUNK_SIZES];
};

/** DRM_VSVM_FAULT_NOT_PRESENT - The address had no valid page-table entry. */
#define DRM_VSVM_FAULT_NOT_PRESENT	1
/** DRM_VSVM_FAULT_READ_ONLY - A write to a read-only mapping. */
#define DRM_VSVM_FAULT_READ_ONLY	2
/** DRM_VSVM_FAULT_BAD_COMMAND - The command stream held an invalid command. */
#define DRM_VSVM_FAULT_BAD_COMMAND	3

/**
 * struct drm_vsvm_fault - One GPU fault the engine recorded
 */
struct drm_vsvm_fault {
	/** @seqno: Number of the fault on this device, from 1, in order. */
	__u64 seqno;
	/** @addr: The GPU address (of the command, for a bad command). */
	__u64 addr;
	/** @vm_id: The VM, as its file knows it. */
	__u32 vm_id;
	/** @queue: The hardware queue. */
	__u32 queue;
	/** @write: 1 for a write access, 0 for a read. */
	__u32 write;
	/** @reason: DRM_VSVM_FAULT_*. */
	__u32 reason;
};

/** DRM_VSVM_MAX_FAULTS - How many of its latest faults a device keeps. */
#define DRM_VSVM_MAX_FAULTS		64

/**
 * struct drm_vsvm_query_faults - What %DRM_VSVM_QUERY_FAULTS answers
 *
 * The device's latest faults (at most %DRM_VSVM_MAX_FAULTS), oldest first.
 * Faults are device-wide, as a GPU's fault registers are: the answer holds
 * those of this file's VMs only.
 */
struct drm_vsvm_query_faults {
	/** @count: Number of entries in @faults. */
	__u32 count;
	/** @pad: Zero. */
	__u32 pad;
	/** @faults: The faults. */
	struct drm_vsvm_fault faults[];
};

/** DRM_VSVM_SYNC_TIMELINE - The syncobj is a timeline; use @point. */
#define DRM_VSVM_SYNC_TIMELINE		(1u << 0)

/**
 * struct drm_vsvm_sync - A syncobj an EXEC waits on or signals
 */
struct drm_vsvm_sync {
	/** @handle: The syncobj. */
	__u32 handle;
	/** @flags: %DRM_VSVM_SYNC_TIMELINE or 0. */
	__u32 flags;
	/** @point: The timeline point; must be zero for a binary syncobj. */
	__u64 point;
};

/**
 * DOC: the engine's command stream
 *
 * A command stream is an array of 32-bit little-endian words in GPU memory,
 * read by the engine through the VM like any other memory.  Each command
 * starts with a header word: the opcode in bits 31:24, flags in bits 23:16,
 * and the command's length in words, header included, in bits 15:0.  64-bit
 * values take two words, low word first.  Addresses are GPU virtual
 * addresses; any of them may be unaligned and any range may cross pages.
 *
 * ==========  ====  ======================================================
 * opcode      len   operands
 * ==========  ====  ======================================================
 * NOP         1     none
 * COPY        7     src (2), dst (2), size (2): copy size bytes
 * FILL        6     dst (2), pattern (1), size (2): repeat the 32-bit
 *                   pattern, byte-wise from dst, over size bytes
 * STORE       4, 5  dst (2), value (1, or 2 with %DRM_VSVM_CMD_64BIT)
 * ATOMIC      9     dst (2), operand (2), compare (2), result (2): the
 *                   operation in the flags, 32- or 64-bit; the old value
 *                   goes to result unless result is 0
 * TIMESTAMP   3     dst (2): the engine's clock in ns, 64-bit
 * SPIN        4     sem (2), value (1): wait until the 32-bit word at sem
 *                   equals value (a CPU write releases it) or the job times
 *                   out
 * END         1     end of the stream
 * ==========  ====  ======================================================
 *
 * A stream ends at END or after its last word.  An access through a missing
 * mapping, or a write through a read-only one, is a GPU fault: the job ends
 * with -EFAULT and the fault is recorded (%DRM_VSVM_QUERY_FAULTS).  An
 * unknown opcode, a wrong length, or a command cut off by the end of the
 * stream ends the job with -EINVAL, recorded as a bad command.  A job's
 * error is its out-fence's error (e.g. the status of a sync_file exported
 * from an out-syncobj).
 */
#define DRM_VSVM_CMD_NOP		0x00
#define DRM_VSVM_CMD_COPY		0x01
#define DRM_VSVM_CMD_FILL		0x02
#define DRM_VSVM_CMD_STORE		0x03
#define DRM_VSVM_CMD_ATOMIC		0x04
#define DRM_VSVM_CMD_TIMESTAMP		0x05
#define DRM_VSVM_CMD_SPIN		0x06
#define DRM_VSVM_CMD_END		0x07

/* Header flags. */
#define DRM_VSVM_CMD_64BIT		0x80	/* STORE, ATOMIC: 64-bit */
#define DRM_VSVM_ATOMIC_ADD		0x00	/* ATOMIC: *dst += operand */
#define DRM_VSVM_ATOMIC_CMPXCHG		0x01	/* *dst = operand if *dst == compare */
#define DRM_VSVM_ATOMIC_XCHG		0x02	/* *dst = operand */

/** DRM_VSVM_CMD - Build a command header word. */
#define DRM_VSVM_CMD(op, flags, len) \
	(((__u32)(op) << 24) | ((__u32)(flags) << 16) | (__u32)(len))

/** DRM_VSVM_EXEC_EXT_USER_FENCE - EXEC extension: &struct drm_vsvm_exec_ext_user_fence. */
#define DRM_VSVM_EXEC_EXT_USER_FENCE	1

/**
 * struct drm_vsvm_exec_ext_user_fence - A value the job writes when it ends
 *
 * For a job of an SVM VM only (version 1.7).  When the job ends, the engine
 * writes the 64-bit @value to @addr through the VM's page table, like any
 * GPU write: memory the GPU has not reached yet faults and is mapped first.
 * The value is written whatever the job's outcome: after the last command,
 * after a GPU fault or a bad command, when the job was killed at the
 * timeout, and when it did not run because an in-sync failed; the job's
 * error itself is recorded with its fault (%DRM_VSVM_QUERY_FAULTS).  A job
 * cancelled because its process is exiting writes nothing.  If the write
 * itself faults (@addr is no longer mapped writable), the fault is
 * recorded.  Then every WAIT_USER_FENCE of the device rechecks its
 * condition.  Jobs of one context run in order, so a fence value also says
 * that the jobs before it are done.
 *
 * Errors (of the EXEC or SVM_PREFETCH):
 *
 * - -EINVAL: a second user-fence extension; @addr is zero, not 8-byte
 *   aligned, or not below 2^%DRM_VSVM_VA_BITS; the VM is not an SVM VM;
 * - -EFAULT: the extension cannot be read.
 */
struct drm_vsvm_exec_ext_user_fence {
	/** @base: name = %DRM_VSVM_EXEC_EXT_USER_FENCE. */
	struct drm_vsvm_user_extension base;
	/** @addr: GPU (and, in an SVM VM, CPU) address of the value, 8-byte aligned. */
	__u64 addr;
	/** @value: The value written. */
	__u64 value;
};

/** DRM_VSVM_UFENCE_OP_EQ - Wait until (*addr & mask) == (value & mask). */
#define DRM_VSVM_UFENCE_OP_EQ		0
/** DRM_VSVM_UFENCE_OP_NEQ - Wait until (*addr & mask) != (value & mask). */
#define DRM_VSVM_UFENCE_OP_NEQ		1
/** DRM_VSVM_UFENCE_OP_GT - Wait until (*addr & mask) > (value & mask), unsigned. */
#define DRM_VSVM_UFENCE_OP_GT		2
/** DRM_VSVM_UFENCE_OP_GTE - Wait until (*addr & mask) >= (value & mask), unsigned. */
#define DRM_VSVM_UFENCE_OP_GTE		3
/** DRM_VSVM_UFENCE_OP_LT - Wait until (*addr & mask) < (value & mask), unsigned. */
#define DRM_VSVM_UFENCE_OP_LT		4
/** DRM_VSVM_UFENCE_OP_LTE - Wait until (*addr & mask) <= (value & mask), unsigned. */
#define DRM_VSVM_UFENCE_OP_LTE		5

/**
 * struct drm_vsvm_wait_user_fence - Wait for a user fence's value
 *
 * Used with %DRM_IOCTL_VSVM_WAIT_USER_FENCE (version 1.7).  Reads the
 * 64-bit word at @addr in the caller's address space and returns 0 as soon
 * as the condition @op holds (at once if it holds already).  Otherwise it
 * sleeps, and reads the word again each time a job of the device writes a
 * user fence (see &struct drm_vsvm_exec_ext_user_fence), until the
 * condition holds or @timeout has passed.  A CPU write to the word does not
 * wake it: the wait then ends at the next user fence of the device, or at
 * the timeout.
 *
 * @timeout is relative, in nanoseconds, counted from each call (a call
 * restarted after a signal waits the whole @timeout again); 0 only checks
 * the condition once.  It is rounded up to the kernel's clock tick.
 *
 * Errors:
 *
 * - -EINVAL: @op is unknown; @flags, @pad or @extensions' chain is refused
 *   (no flag and no extension is defined); @addr is zero or not 8-byte
 *   aligned; @timeout is negative; @mask is zero;
 * - -E2BIG: the extension chain is too long;
 * - -EFAULT: @addr cannot be read in the caller's address space (checked
 *   at every read), or @extensions cannot be read;
 * - -ETIME: @timeout passed and the condition does not hold;
 * - -EINTR, -ERESTARTSYS: a signal arrived first;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_wait_user_fence {
	/** @extensions: Extension chain, see &struct drm_vsvm_user_extension. */
	__u64 extensions;
	/** @addr: User address of the 64-bit word, 8-byte aligned. */
	__u64 addr;
	/** @value: The value the word is compared with, masked with @mask. */
	__u64 value;
	/** @mask: The bits of the word, and of @value, that are compared. */
	__u64 mask;
	/** @timeout: Relative timeout in ns, 0 to not wait, never negative. */
	__s64 timeout;
	/** @op: DRM_VSVM_UFENCE_OP_*. */
	__u16 op;
	/** @flags: Must be zero: no flag is defined yet. */
	__u16 flags;
	/** @pad: Must be zero. */
	__u32 pad;
};

/**
 * struct drm_vsvm_exec - Run a command stream on a hardware queue
 *
 * Used with %DRM_IOCTL_VSVM_EXEC.  The job runs the command stream at
 * [@cs_addr, @cs_addr + @cs_size) of VM @vm_id on hardware queue @queue once
 * every in-sync has signalled and the implicit fences of the VM's objects
 * allow (see the DOC on implicit sync).  Its fence replaces each binary
 * out-sync's fence and is added at the point of each timeline out-sync.
 *
 * The pair (VM, queue) is a submission context: jobs on it run in order.  A
 * job that runs longer than the device's timeout is killed, its fence gets
 * -ETIMEDOUT, and its context is banned: later EXECs on it fail with -EIO.
 * Other contexts are not disturbed.
 *
 * Errors:
 *
 * - -EINVAL: @flags or @pad is not zero; @queue is out of range; @cs_addr or
 *   @cs_size is not a multiple of 4, @cs_size is zero or larger than the
 *   device's &drm_vsvm_query_device.max_cs_size; a sync has unknown flags,
 *   or a point with a binary syncobj; or an extension is refused;
 * - -E2BIG: more syncs than &drm_vsvm_query_device.max_syncs, or the
 *   extension chain is too long;
 * - -EFAULT: @in_syncs, @out_syncs or @extensions points to memory that
 *   cannot be read;
 * - -EINVAL: an in-sync's syncobj has no fence, or a timeline in-sync's
 *   @point was not submitted yet (as drm_syncobj_find_fence(): a job never
 *   waits for a fence that does not exist yet);
 * - -ENOENT: @vm_id is not a VM of this file (0 never is), or a sync handle
 *   is not a syncobj of this file;
 * - -EIO: the context (@vm_id, @queue) was banned after a timeout;
 * - -EPERM: the VM maps a userptr of another process's address space
 *   (version 1.4), or is an SVM VM of another address space (version 1.5);
 * - -EFAULT: the VM maps a notifier-mode userptr whose pages cannot be had
 *   any more: part of its range was unmapped (or made read-only, for a
 *   writable userptr) since it was bound (version 1.4);
 * - -EAGAIN: the range of a userptr the VM maps kept being invalidated
 *   while its pages were pinned again, for a second (version 1.11;
 *   drmIoctl() restarts the call);
 * - -ENOMEM: out of memory;
 * - -ENODEV: the device was unplugged.
 */
struct drm_vsvm_exec {
	/**
	 * @extensions: Extension chain, see &struct drm_vsvm_user_extension:
	 * %DRM_VSVM_EXEC_EXT_USER_FENCE.
	 */
	__u64 extensions;
	/** @vm_id: The VM the command stream and its addresses live in. */
	__u32 vm_id;
	/** @queue: The hardware queue, below &drm_vsvm_query_device.num_queues. */
	__u32 queue;
	/** @cs_addr: GPU address of the command stream. */
	__u64 cs_addr;
	/** @cs_size: Size of the command stream in bytes. */
	__u64 cs_size;
	/** @in_syncs: User address of &struct drm_vsvm_sync entries to wait on. */
	__u64 in_syncs;
	/** @out_syncs: User address of &struct drm_vsvm_sync entries to signal. */
	__u64 out_syncs;
	/** @num_in_syncs: Number of entries at @in_syncs. */
	__u32 num_in_syncs;
	/** @num_out_syncs: Number of entries at @out_syncs. */
	__u32 num_out_syncs;
	/** @flags: Must be zero: no flag is defined yet. */
	__u32 flags;
	/** @pad: Must be zero. */
	__u32 pad;
};

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_VSVM_DRM_H_ */
