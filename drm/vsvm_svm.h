/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_SVM_H__
#define __VSVM_SVM_H__

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/mmu_notifier.h>
#include <linux/types.h>
#include <linux/xarray.h>

#include "vsvm_migrate.h"
#include "vsvm_svm_attr.h"

struct mm_struct;
struct seq_file;
struct vsvm_device;
struct vsvm_mm;
struct vsvm_vm;

/** VSVM_SVM_CHUNK_SIZES - Number of fault chunk sizes: 2 MiB, 64 KiB, 4 KiB. */
#define VSVM_SVM_CHUNK_SIZES	3

/**
 * struct vsvm_svm - The shared-virtual-memory state of one SVM VM
 *
 * The VM mirrors the address space of the process that created it: GPU VA
 * is CPU VA.  Its page-table entries, and @dma, change only under
 * &vsvm_mm.notifier_lock of that address space (@vmm).
 *
 * Lifetime: &vsvm_vm.svm is set before the VM gets its id and freed only
 * with the VM (vsvm_svm_free() from the VM's release), never at VM_DESTROY,
 * which only stops the mirroring (vsvm_svm_fini()).  A reference to the VM
 * (vsvm_vm_lookup()) is therefore enough to read this state, as debugfs and
 * fdinfo do while another thread destroys the VM.
 */
struct vsvm_svm {
	/** @vm: The VM. */
	struct vsvm_vm *vm;
	/** @vmm: The device's binding to the mm (I5), referenced. */
	struct vsvm_mm *vmm;
	/** @mm: The mirrored address space (held by @vmm's mmgrab, I4). */
	struct mm_struct *mm;
	/** @notifier: One interval notifier over the whole address space. */
	struct mmu_interval_notifier notifier;
	/**
	 * @dma: DMA address of each mapped page, by GPU page number, and
	 * whether it is mapped for the GPU to write (see svm_entry()).
	 */
	struct xarray dma;
	/** @faults: GPU faults resolved. */
	atomic64_t faults;
	/** @faults_by_size: Of which by chunk size: 2 MiB, 64 KiB, 4 KiB. */
	atomic64_t faults_by_size[VSVM_SVM_CHUNK_SIZES];
	/** @fault_pages: Pages those faults mapped. */
	atomic64_t fault_pages;
	/** @fault_ns: Time spent resolving them (fault to replay). */
	atomic64_t fault_ns;
	/** @get_pages_ns: Of which in hmm_range_fault() and DMA mapping. */
	atomic64_t get_pages_ns;
	/** @bind_ns: Of which writing page-table entries. */
	atomic64_t bind_ns;
	/** @queued_faults: Faults posted to the fault queue and taken by a worker. */
	atomic64_t queued_faults;
	/** @delivery_ns: Their time from posted to a worker starting on them. */
	atomic64_t delivery_ns;
	/** @replay_ns: Their time from resolved to the job running again. */
	atomic64_t replay_ns;
	/** @prefetch_pages: Pages mapped ahead of use by SVM_PREFETCH. */
	atomic64_t prefetch_pages;
	/** @unrecoverable: Faults that could not be resolved. */
	atomic64_t unrecoverable;
	/** @invalidations: Invalidations that cleared entries. */
	atomic64_t invalidations;
	/** @exclusive_faults: Pages taken exclusive for the device's atomics. */
	atomic64_t exclusive_faults;
	/** @busy: Faults given up on after the range kept changing, replayed. */
	atomic64_t busy;
	/** @vram_pages: Pages mapped now from the device's VRAM (fdinfo). */
	atomic64_t vram_pages;
	/** @attrs: The range attributes (SVM_MADVISE), see vsvm_svm_attr.c. */
	struct vsvm_svm_attrs attrs;
	/**
	 * @mirror_link: In the list of every SVM VM of every device, from
	 * vsvm_svm_init() to vsvm_svm_fini(), where vsvm_svm_other_get()
	 * looks for the other device mirroring the same address space.
	 */
	struct list_head mirror_link;
};

int vsvm_svm_init(struct vsvm_vm *vm);
void vsvm_svm_fini(struct vsvm_vm *vm);
void vsvm_svm_free(struct vsvm_vm *vm);
int vsvm_svm_check_mm(struct vsvm_vm *vm);
struct vsvm_device *vsvm_svm_other_get(struct vsvm_vm *vm);
int vsvm_svm_fault(struct vsvm_vm *vm, u64 addr, bool write, bool prefetch, u64 *end_out);
int vsvm_svm_fault_at(struct vsvm_vm *vm, u64 addr, bool write, bool prefetch,
		      enum vsvm_svm_loc loc, u64 *end_out);
bool vsvm_svm_mapped(struct vsvm_vm *vm, u64 addr, bool write);
void vsvm_svm_unmap(struct vsvm_vm *vm, u64 start, u64 end);
int vsvm_svm_fault_exclusive(struct vsvm_vm *vm, u64 addr);
void vsvm_svm_debugfs_show(struct vsvm_vm *vm, struct seq_file *m);

#endif /* __VSVM_SVM_H__ */
