// SPDX-License-Identifier: MIT
/*
 * Compiled by tools/check/static.sh, as C (-m64 and -m32) and as C++, with
 * nothing but the uapi header and libdrm's drm.h: the header must stand
 * alone, and every struct must have the same size and layout for 32- and
 * 64-bit userspace, a multiple of 8 bytes.  Add every new struct here.
 */
#include <stddef.h>

#include "vsvm_drm.h"

#define CHECK_SIZE(type, size) \
	_Static_assert(sizeof(struct type) == (size), #type " size changed"); \
	_Static_assert(sizeof(struct type) % 8 == 0, #type " is not 8-byte sized")

#define CHECK_AT(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field " moved")

CHECK_SIZE(drm_vsvm_user_extension, 16);
CHECK_AT(drm_vsvm_user_extension, next_extension, 0);
CHECK_AT(drm_vsvm_user_extension, name, 8);
CHECK_AT(drm_vsvm_user_extension, pad, 12);

CHECK_SIZE(drm_vsvm_gem_create, 24);
CHECK_AT(drm_vsvm_gem_create, extensions, 0);
CHECK_AT(drm_vsvm_gem_create, size, 8);
CHECK_AT(drm_vsvm_gem_create, flags, 16);
CHECK_AT(drm_vsvm_gem_create, handle, 20);

CHECK_SIZE(drm_vsvm_gem_mmap_offset, 24);
CHECK_AT(drm_vsvm_gem_mmap_offset, extensions, 0);
CHECK_AT(drm_vsvm_gem_mmap_offset, handle, 8);
CHECK_AT(drm_vsvm_gem_mmap_offset, flags, 12);
CHECK_AT(drm_vsvm_gem_mmap_offset, offset, 16);

CHECK_SIZE(drm_vsvm_vm_create, 16);
CHECK_AT(drm_vsvm_vm_create, extensions, 0);
CHECK_AT(drm_vsvm_vm_create, flags, 8);
CHECK_AT(drm_vsvm_vm_create, vm_id, 12);

CHECK_SIZE(drm_vsvm_vm_destroy, 16);
CHECK_AT(drm_vsvm_vm_destroy, vm_id, 8);
CHECK_AT(drm_vsvm_vm_destroy, pad, 12);

CHECK_SIZE(drm_vsvm_vm_bind_op, 40);
CHECK_AT(drm_vsvm_vm_bind_op, op, 0);
CHECK_AT(drm_vsvm_vm_bind_op, flags, 4);
CHECK_AT(drm_vsvm_vm_bind_op, handle, 8);
CHECK_AT(drm_vsvm_vm_bind_op, pad, 12);
CHECK_AT(drm_vsvm_vm_bind_op, bo_offset, 16);
CHECK_AT(drm_vsvm_vm_bind_op, addr, 24);
CHECK_AT(drm_vsvm_vm_bind_op, range, 32);

CHECK_SIZE(drm_vsvm_vm_bind, 32);
CHECK_AT(drm_vsvm_vm_bind, vm_id, 8);
CHECK_AT(drm_vsvm_vm_bind, num_ops, 12);
CHECK_AT(drm_vsvm_vm_bind, ops, 16);
CHECK_AT(drm_vsvm_vm_bind, flags, 24);
CHECK_AT(drm_vsvm_vm_bind, num_done, 28);

CHECK_SIZE(drm_vsvm_query, 32);
CHECK_AT(drm_vsvm_query, query, 8);
CHECK_AT(drm_vsvm_query, size, 12);
CHECK_AT(drm_vsvm_query, data, 16);
CHECK_AT(drm_vsvm_query, pad, 24);

CHECK_SIZE(drm_vsvm_query_device, 40);
CHECK_AT(drm_vsvm_query_device, max_bo_size, 8);
CHECK_AT(drm_vsvm_query_device, max_cs_size, 32);
CHECK_SIZE(drm_vsvm_query_caps, 8);
CHECK_SIZE(drm_vsvm_vram_chunk_stats, 48);
CHECK_SIZE(drm_vsvm_query_vram, 192);
CHECK_AT(drm_vsvm_query_vram, evictions, 40);
CHECK_AT(drm_vsvm_query_vram, chunks, 48);

CHECK_SIZE(drm_vsvm_fault, 32);
CHECK_AT(drm_vsvm_fault, addr, 8);
CHECK_AT(drm_vsvm_fault, vm_id, 16);
CHECK_AT(drm_vsvm_fault, reason, 28);

CHECK_SIZE(drm_vsvm_query_faults, 8);
CHECK_AT(drm_vsvm_query_faults, faults, 8);

CHECK_SIZE(drm_vsvm_sync, 16);
CHECK_AT(drm_vsvm_sync, point, 8);

CHECK_SIZE(drm_vsvm_exec, 64);
CHECK_AT(drm_vsvm_exec, vm_id, 8);
CHECK_AT(drm_vsvm_exec, queue, 12);
CHECK_AT(drm_vsvm_exec, cs_addr, 16);
CHECK_AT(drm_vsvm_exec, cs_size, 24);
CHECK_AT(drm_vsvm_exec, in_syncs, 32);
CHECK_AT(drm_vsvm_exec, out_syncs, 40);
CHECK_AT(drm_vsvm_exec, num_in_syncs, 48);
CHECK_AT(drm_vsvm_exec, num_out_syncs, 52);
CHECK_AT(drm_vsvm_exec, flags, 56);
CHECK_AT(drm_vsvm_exec, pad, 60);

CHECK_SIZE(drm_vsvm_gem_info, 32);
CHECK_AT(drm_vsvm_gem_info, handle, 8);
CHECK_AT(drm_vsvm_gem_info, pad, 12);
CHECK_AT(drm_vsvm_gem_info, size, 16);
CHECK_AT(drm_vsvm_gem_info, flags, 24);
CHECK_AT(drm_vsvm_gem_info, imported, 28);

CHECK_SIZE(drm_vsvm_vm_bind_ext_syncs, 40);
CHECK_AT(drm_vsvm_vm_bind_ext_syncs, in_syncs, 16);
CHECK_AT(drm_vsvm_vm_bind_ext_syncs, out_syncs, 24);
CHECK_AT(drm_vsvm_vm_bind_ext_syncs, num_in_syncs, 32);
CHECK_AT(drm_vsvm_vm_bind_ext_syncs, num_out_syncs, 36);

CHECK_SIZE(drm_vsvm_gem_userptr, 32);
CHECK_AT(drm_vsvm_gem_userptr, addr, 8);
CHECK_AT(drm_vsvm_gem_userptr, size, 16);
CHECK_AT(drm_vsvm_gem_userptr, flags, 24);
CHECK_AT(drm_vsvm_gem_userptr, handle, 28);

CHECK_SIZE(drm_vsvm_svm_prefetch, 48);
CHECK_AT(drm_vsvm_svm_prefetch, addr, 16);
CHECK_AT(drm_vsvm_svm_prefetch, size, 24);
CHECK_AT(drm_vsvm_svm_prefetch, out_syncs, 32);
CHECK_AT(drm_vsvm_svm_prefetch, num_out_syncs, 40);
CHECK_AT(drm_vsvm_svm_prefetch, flags, 44);

CHECK_SIZE(drm_vsvm_exec_ext_user_fence, 32);
CHECK_AT(drm_vsvm_exec_ext_user_fence, addr, 16);
CHECK_AT(drm_vsvm_exec_ext_user_fence, value, 24);

CHECK_SIZE(drm_vsvm_wait_user_fence, 48);
CHECK_AT(drm_vsvm_wait_user_fence, addr, 8);
CHECK_AT(drm_vsvm_wait_user_fence, value, 16);
CHECK_AT(drm_vsvm_wait_user_fence, mask, 24);
CHECK_AT(drm_vsvm_wait_user_fence, timeout, 32);
CHECK_AT(drm_vsvm_wait_user_fence, op, 40);
CHECK_AT(drm_vsvm_wait_user_fence, flags, 42);
CHECK_AT(drm_vsvm_wait_user_fence, pad, 44);

CHECK_SIZE(drm_vsvm_svm_madvise, 40);
CHECK_AT(drm_vsvm_svm_madvise, vm_id, 8);
CHECK_AT(drm_vsvm_svm_madvise, attr, 12);
CHECK_AT(drm_vsvm_svm_madvise, addr, 16);
CHECK_AT(drm_vsvm_svm_madvise, size, 24);
CHECK_AT(drm_vsvm_svm_madvise, value, 32);
CHECK_AT(drm_vsvm_svm_madvise, flags, 36);

CHECK_SIZE(drm_vsvm_svm_query, 72);
CHECK_AT(drm_vsvm_svm_query, vm_id, 8);
CHECK_AT(drm_vsvm_svm_query, flags, 12);
CHECK_AT(drm_vsvm_svm_query, addr, 16);
CHECK_AT(drm_vsvm_svm_query, size, 24);
CHECK_AT(drm_vsvm_svm_query, pages, 32);
CHECK_AT(drm_vsvm_svm_query, range_start, 40);
CHECK_AT(drm_vsvm_svm_query, range_end, 48);
CHECK_AT(drm_vsvm_svm_query, preferred_loc, 56);
CHECK_AT(drm_vsvm_svm_query, atomic, 60);
CHECK_AT(drm_vsvm_svm_query, read_only, 64);
CHECK_AT(drm_vsvm_svm_query, pad, 68);

/* The ioctl numbers encode the struct sizes; they must not change either. */
_Static_assert(DRM_IOCTL_VSVM_GEM_CREATE == 0xc0186440, "GEM_CREATE number changed");
_Static_assert(DRM_IOCTL_VSVM_GEM_MMAP_OFFSET == 0xc0186441, "GEM_MMAP_OFFSET number changed");
_Static_assert(DRM_IOCTL_VSVM_VM_CREATE == 0xc0106442, "VM_CREATE number changed");
_Static_assert(DRM_IOCTL_VSVM_VM_DESTROY == 0x40106443, "VM_DESTROY number changed");
_Static_assert(DRM_IOCTL_VSVM_VM_BIND == 0xc0206444, "VM_BIND number changed");
_Static_assert(DRM_IOCTL_VSVM_QUERY == 0xc0206445, "QUERY number changed");
_Static_assert(DRM_IOCTL_VSVM_EXEC == 0xc0406446, "EXEC number changed");
_Static_assert(DRM_IOCTL_VSVM_GEM_INFO == 0xc0206447, "GEM_INFO number changed");
_Static_assert(DRM_IOCTL_VSVM_GEM_USERPTR == 0xc0206448, "GEM_USERPTR number changed");
_Static_assert(DRM_IOCTL_VSVM_SVM_PREFETCH == 0x40306449, "SVM_PREFETCH number changed");
_Static_assert(DRM_IOCTL_VSVM_WAIT_USER_FENCE == 0x4030644a, "WAIT_USER_FENCE number changed");
_Static_assert(DRM_IOCTL_VSVM_SVM_MADVISE == 0x4028644b, "SVM_MADVISE number changed");
_Static_assert(DRM_IOCTL_VSVM_SVM_QUERY == 0xc048644c, "SVM_QUERY number changed");

int main(void)
{
	return 0;
}
