/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_SVM_ATTR_H__
#define __VSVM_SVM_ATTR_H__

#include <linux/maple_tree.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/xarray.h>

struct vsvm_vm;

/**
 * enum vsvm_mem_loc - Where the pages of an SVM range should live
 * @VSVM_MEM_SYSTEM: System memory, the default.
 * @VSVM_MEM_DEVICE_SELF: The VRAM of the device whose VM this is.
 * @VSVM_MEM_DEVICE_OTHER: The VRAM of the other vsvm device that mirrors the
 *	same address space.
 *
 * The values are those of the uapi's DRM_VSVM_MEM_* (range attributes and
 * the page snapshot of SVM_QUERY).  The snapshot (vsvm_svm_snapshot())
 * asks hmm_range_fault() for the device's own device-private pages with
 * the &struct vsvm_device as dev_private_owner, then for the other
 * device's (vsvm_svm_other_get()), and reports a device-private page as
 * %VSVM_MEM_DEVICE_SELF when its pgmap's owner is that device, else as
 * %VSVM_MEM_DEVICE_OTHER.
 */
enum vsvm_mem_loc {
	VSVM_MEM_SYSTEM,
	VSVM_MEM_DEVICE_SELF,
	VSVM_MEM_DEVICE_OTHER,
};

/**
 * enum vsvm_atomic_mode - How the engine's ATOMIC commands reach a range
 * @VSVM_ATOMIC_ANY: Wherever the page is, as any other access: atomic
 *	against the device's other accesses, and against the CPU's atomics
 *	on system memory.  The default.
 * @VSVM_ATOMIC_DEVICE: The device takes the page exclusive first
 *	(make_device_exclusive_range()): the CPU's next access faults the page
 *	back, and the device's next ATOMIC takes it again.
 * @VSVM_ATOMIC_SYSTEM: In system memory only, coherent with the CPU: a
 *	page in VRAM is migrated back before the ATOMIC runs.
 */
enum vsvm_atomic_mode {
	VSVM_ATOMIC_ANY,
	VSVM_ATOMIC_DEVICE,
	VSVM_ATOMIC_SYSTEM,
};

/**
 * struct vsvm_svm_attr - The attributes of one address of an SVM VM
 *
 * All zero is the default, which an address nobody advised has.
 */
struct vsvm_svm_attr {
	/** @preferred: Where the pages should live (&enum vsvm_mem_loc). */
	u8 preferred;
	/** @atomic: How ATOMIC reaches the pages (&enum vsvm_atomic_mode). */
	u8 atomic;
	/** @read_only: The GPU may only read, whatever the CPU may do. */
	bool read_only;
};

/**
 * struct vsvm_svm_attrs - The range attributes of one SVM VM
 *
 * A maple tree of ranges with non-default attributes, each entry an
 * xa_mk_value() of the packed &struct vsvm_svm_attr; an address with no
 * entry has the defaults.  Adjacent ranges always differ: SVM_MADVISE
 * splits ranges at the ends of the range it changes and merges neighbours
 * that end up equal.  Readers (the fault path, under any lock including
 * &vsvm_mm.notifier_lock) only take the tree's spinlock (not RCU mode: see
 * the DOC in vsvm_svm_attr.c); writers hold @lock.
 * Freed with the VM (vsvm_svm_attr_fini()).
 */
struct vsvm_svm_attrs {
	/** @lock: Serialises changes (SVM_MADVISE), which read, then store. */
	struct mutex lock;
	/** @tree: The ranges; its own spinlock guards reads and stores. */
	struct maple_tree tree;
	/**
	 * @nr_ranges: How many entries @tree holds (ranges with non-default
	 * attributes), at most %DRM_VSVM_MAX_SVM_RANGES; under @lock.
	 */
	unsigned int nr_ranges;
};

/**
 * VSVM_SVM_EXCLUSIVE - Mark of a page's tracking entry (&vsvm_svm.dma): the
 * device holds the page exclusive for its atomics (%VSVM_ATOMIC_DEVICE).
 * Set by vsvm_svm_fault_exclusive(), cleared with the entry.
 */
#define VSVM_SVM_EXCLUSIVE	XA_MARK_0

void vsvm_svm_attr_init(struct vsvm_svm_attrs *attrs);
void vsvm_svm_attr_fini(struct vsvm_svm_attrs *attrs);
void vsvm_svm_attr_get(struct vsvm_vm *vm, u64 addr, struct vsvm_svm_attr *attr,
		       u64 *start, u64 *end);
enum vsvm_mem_loc vsvm_svm_attr_preferred(struct vsvm_vm *vm, u64 addr);
bool vsvm_svm_attr_read_only(struct vsvm_vm *vm, u64 addr);
bool vsvm_svm_attr_atomic_ready(struct vsvm_vm *vm, u64 addr);
int vsvm_svm_madvise(struct vsvm_vm *vm, u64 start, u64 end, u32 attr, u32 value);
int vsvm_svm_snapshot(struct vsvm_vm *vm, u64 start, u64 end, u8 *pages);

#endif /* __VSVM_SVM_ATTR_H__ */
