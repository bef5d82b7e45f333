/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_MIGRATE_H__
#define __VSVM_MIGRATE_H__

#include <linux/mm_types.h>
#include <linux/types.h>

struct vm_area_struct;
struct vsvm_device;
struct vsvm_vm;
struct vsvm_vram;

/**
 * enum vsvm_svm_loc - Where a GPU fault or a prefetch puts its chunk
 * @VSVM_SVM_LOC_ANY: Where its pages are: this device's VRAM pages are
 *	mapped there, other pages in system memory.
 * @VSVM_SVM_LOC_SYSTEM: In system memory: pages in VRAM move back.
 * @VSVM_SVM_LOC_VRAM: In this device's VRAM, as far as pages can move.
 * @VSVM_SVM_LOC_OTHER: In the other device's VRAM (vsvm_svm_other_get()),
 *	as far as pages can move; in system memory when there is no other
 *	device.
 */
enum vsvm_svm_loc {
	VSVM_SVM_LOC_ANY,
	VSVM_SVM_LOC_SYSTEM,
	VSVM_SVM_LOC_VRAM,
	VSVM_SVM_LOC_OTHER,
};

#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)
long vsvm_migrate_to_vram(struct vsvm_vm *vm, struct vsvm_device *vdev,
			  struct vm_area_struct *vma, unsigned long start, unsigned long end,
			  u64 *copy_ns);
long vsvm_migrate_range_to_ram(struct vsvm_vm *vm, struct vm_area_struct *vma,
			       unsigned long start, unsigned long end);
vm_fault_t vsvm_migrate_to_ram(struct vm_fault *vmf);
unsigned long vsvm_migrate_evict(struct vsvm_vram *vram, unsigned long nr);
#else
static inline long vsvm_migrate_to_vram(struct vsvm_vm *vm, struct vsvm_device *vdev,
					struct vm_area_struct *vma, unsigned long start,
					unsigned long end, u64 *copy_ns)
{
	return 0;
}

static inline long vsvm_migrate_range_to_ram(struct vsvm_vm *vm, struct vm_area_struct *vma,
					     unsigned long start, unsigned long end)
{
	return 0;
}
#endif

#endif /* __VSVM_MIGRATE_H__ */
