// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/hmm.h>
#include <linux/maple_tree.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>
#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_mm.h"
#include "vsvm_pt.h"
#include "vsvm_svm.h"
#include "vsvm_svm_attr.h"
#include "vsvm_vm.h"

/**
 * DOC: SVM range attributes
 *
 * An SVM VM keeps the attributes userspace gave ranges of its address
 * space (SVM_MADVISE) in a maple tree (&vsvm_svm_attrs), as the kernel
 * keeps VMAs: each entry covers a range with non-default attributes,
 * packed into an xa_mk_value(); an address with no entry has the defaults
 * (system memory preferred, writable, atomics anywhere).  SVM_MADVISE sets
 * one attribute over [start, end): it walks the ranges the interval
 * already has, stores each piece with the new attribute and its old other
 * ones (the maple tree splits the ranges at start and end), then merges
 * every pair of neighbours around and inside the interval that ended up
 * equal, so that adjacent entries always differ and SVM_QUERY can report
 * the largest range with an address's attributes.  Changes are serialised
 * by &vsvm_svm_attrs.lock; readers take only the tree's spinlock
 * (mtree_lock()), so the fault path reads attributes under the notifier
 * lock, which nothing under may allocate or sleep (I2).  Nodes are
 * charged to the caller's memory cgroup (GFP_KERNEL_ACCOUNT); the tree
 * goes with the VM (vsvm_svm_free()).
 *
 * The tree is not in RCU mode (MT_FLAGS_USE_RCU), although lockless
 * readers would be cheaper: in the kernel this driver is built for, the
 * maple tree frees a dead subtree of a non-allocation tree from an RCU
 * callback (mt_free_walk()) that reads a node's metadata, kept in its last
 * slot when the node is not full, as a child, and dereferences it.  A tree
 * three levels deep (some thousands of ranges) with such a node crashes
 * the kernel when it is destroyed, or when a store spans a subtree.  Out
 * of RCU mode, dead nodes are freed at once under the tree's lock by a
 * walk that checks each slot's node type, and readers hold that lock.
 *
 * **The range limit** (I10: no process makes the kernel keep memory
 * without bound).  A VM holds at most %DRM_VSVM_MAX_SVM_RANGES ranges
 * with non-default attributes (&vsvm_svm_attrs.nr_ranges): without one, a
 * process alternating attributes page by page would make the kernel keep
 * a node per page of a 57-bit address space.  Before it changes anything,
 * SVM_MADVISE counts what the ranges around and inside its interval will
 * be once split and merged (attr_count_after_locked()) and fails with
 * -ENOSPC, changing nothing, if the VM would then hold more than the
 * limit; a change that merges ranges, or keeps their number, always
 * succeeds.
 *
 * **Read-only** (I10): a GPU write to a read-only range is an access the
 * process did not allow.  vsvm_svm_fault() computes each entry's rights
 * under the notifier lock from the CPU's and the range's, and refuses a
 * write fault in a read-only range with -EPERM, which the engine records
 * as %DRM_VSVM_FAULT_READ_ONLY.  Setting the attribute first stores it,
 * then clears the range's entries under the notifier lock
 * (vsvm_svm_unmap()): a fault that read the old attribute wrote its entries
 * before, and is cleared; one after reads the new one.
 *
 * **The snapshot** (SVM_QUERY, vsvm_svm_snapshot()), as lib/test_hmm.c's:
 * hmm_range_fault() without faulting anything in, with the device as the
 * owner of device-private pages so that its own VRAM pages are reported as
 * they are rather than migrated back, then again with the other device
 * (vsvm_svm_other_get()) as the owner, so that pages in its VRAM are
 * reported as %VSVM_MEM_DEVICE_OTHER rather than as missing, and, under the
 * notifier lock once mmu_interval_read_retry() says the CPU's answer is
 * current (I3), the VM's own page-table entries.
 */

/* How &struct vsvm_svm_attr is packed in a tree entry's value. */
#define ATTR_PREFERRED	GENMASK(1, 0)
#define ATTR_ATOMIC	GENMASK(3, 2)
#define ATTR_READ_ONLY	BIT(4)

static unsigned long attr_pack(const struct vsvm_svm_attr *a)
{
	return FIELD_PREP(ATTR_PREFERRED, a->preferred) | FIELD_PREP(ATTR_ATOMIC, a->atomic) |
	       (a->read_only ? ATTR_READ_ONLY : 0);
}

static void attr_unpack(void *entry, struct vsvm_svm_attr *a)
{
	unsigned long v = entry ? xa_to_value(entry) : 0;

	a->preferred = FIELD_GET(ATTR_PREFERRED, v);
	a->atomic = FIELD_GET(ATTR_ATOMIC, v);
	a->read_only = v & ATTR_READ_ONLY;
}

/* The entry that stores @a: NULL for the defaults, which need none. */
static void *attr_entry(const struct vsvm_svm_attr *a)
{
	unsigned long v = attr_pack(a);

	return v ? xa_mk_value(v) : NULL;
}

/**
 * vsvm_svm_attr_init() - Initialise an SVM VM's range attributes
 * @attrs: The attributes, in &struct vsvm_svm.
 */
void vsvm_svm_attr_init(struct vsvm_svm_attrs *attrs)
{
	mutex_init(&attrs->lock);
	attrs->nr_ranges = 0;
	mt_init(&attrs->tree);
}

/**
 * vsvm_svm_attr_fini() - Free an SVM VM's range attributes, with the VM
 * @attrs: The attributes; nobody reads them any more.
 */
void vsvm_svm_attr_fini(struct vsvm_svm_attrs *attrs)
{
	mtree_destroy(&attrs->tree);
	mutex_destroy(&attrs->lock);
}

/* Reads the entry at @addr and the range it (or the gap) covers. */
static void *attr_walk(struct vsvm_svm_attrs *attrs, u64 addr, u64 *first, u64 *last)
{
	MA_STATE(mas, &attrs->tree, addr, addr);
	void *entry;

	mtree_lock(&attrs->tree);
	entry = mas_walk(&mas);
	*first = mas.index;
	*last = mas.last;
	mtree_unlock(&attrs->tree);
	return entry;
}

/**
 * vsvm_svm_attr_get() - Read the attributes of an address of an SVM VM
 * @vm: The SVM VM.
 * @addr: The address.
 * @attr: Out: its attributes.
 * @start: Out, if not NULL: start of the largest range around @addr with
 *	   the same attributes.
 * @end: Out, if not NULL: its end (exclusive), at most 2^%DRM_VSVM_VA_BITS.
 *
 * Any context but interrupts: takes only the tree's spinlock.
 */
void vsvm_svm_attr_get(struct vsvm_vm *vm, u64 addr, struct vsvm_svm_attr *attr,
		       u64 *start, u64 *end)
{
	u64 first, last;

	attr_unpack(attr_walk(&vm->svm->attrs, addr, &first, &last), attr);
	if (start)
		*start = first;
	if (end)
		*end = min_t(u64, last, BIT_ULL(DRM_VSVM_VA_BITS) - 1) + 1;
}

/**
 * vsvm_svm_attr_preferred() - Where an address's pages should live
 * @vm: The SVM VM.
 * @addr: A faulting (or prefetched) address.
 *
 * Any context but interrupts: takes only the tree's spinlock.
 *
 * Return: the preferred location, %VSVM_MEM_SYSTEM by default.
 */
enum vsvm_mem_loc vsvm_svm_attr_preferred(struct vsvm_vm *vm, u64 addr)
{
	struct vsvm_svm_attr a;

	vsvm_svm_attr_get(vm, addr, &a, NULL, NULL);
	return a.preferred;
}

/**
 * vsvm_svm_attr_read_only() - Whether the GPU may only read an address
 * @vm: The SVM VM.
 * @addr: The address.
 *
 * Any context but interrupts: takes only the tree's spinlock.
 *
 * Return: true if @addr is in a read-only range.
 */
bool vsvm_svm_attr_read_only(struct vsvm_vm *vm, u64 addr)
{
	struct vsvm_svm_attr a;

	vsvm_svm_attr_get(vm, addr, &a, NULL, NULL);
	return a.read_only;
}

/**
 * vsvm_svm_attr_atomic_ready() - Whether the engine may run an ATOMIC now
 * @vm: The SVM VM.
 * @addr: The ATOMIC's address, which the VM maps.
 *
 * Called by the engine inside a TLB access section.
 *
 * Return: false if @addr is in a range in device atomic mode and its page
 * is not held exclusive (%VSVM_SVM_EXCLUSIVE): the engine then faults, and
 * the fault queue takes the page (vsvm_svm_fault_exclusive()).
 */
bool vsvm_svm_attr_atomic_ready(struct vsvm_vm *vm, u64 addr)
{
	struct vsvm_svm_attr a;

	vsvm_svm_attr_get(vm, addr, &a, NULL, NULL);
	return a.atomic != VSVM_ATOMIC_DEVICE ||
	       xa_get_mark(&vm->svm->dma, addr >> PAGE_SHIFT, VSVM_SVM_EXCLUSIVE);
}

/* Sets one attribute of @a; the value was checked. */
static void attr_set(struct vsvm_svm_attr *a, u32 attr, u32 value)
{
	switch (attr) {
	case DRM_VSVM_SVM_ATTR_PREFERRED_LOC:
		a->preferred = value;
		break;
	case DRM_VSVM_SVM_ATTR_READ_ONLY:
		a->read_only = value;
		break;
	default:
		a->atomic = value;
		break;
	}
}

/*
 * Merges the neighbours with equal attributes whose boundary lies in
 * [@start, @end]: those inside the range just changed and those at its
 * two ends.  Equal values are equal entries; the maple tree keeps no two
 * NULL (default) ranges apart itself.
 */
static int attr_merge_locked(struct vsvm_svm_attrs *attrs, u64 start, u64 end)
{
	u64 pos = start ? start - 1 : 0, first, last, first2, last2;
	void *entry, *next;
	int ret;

	lockdep_assert_held(&attrs->lock);
	for (;;) {
		entry = attr_walk(attrs, pos, &first, &last);
		if (last == ULONG_MAX || last + 1 > end)
			return 0;
		next = attr_walk(attrs, last + 1, &first2, &last2);
		if (entry && entry == next) {
			ret = mtree_store_range(&attrs->tree, first, last2, entry,
						GFP_KERNEL_ACCOUNT);
			if (ret)
				return ret;
			continue;	/* pos is still in the merged range */
		}
		pos = last + 1;
	}
}

/* Counts the entries (non-default ranges) that meet [@lo, @hi]. */
static unsigned long attr_count_locked(struct vsvm_svm_attrs *attrs, u64 lo, u64 hi)
{
	MA_STATE(mas, &attrs->tree, lo, lo);
	unsigned long n = 0;
	void *entry;

	lockdep_assert_held(&attrs->lock);
	mtree_lock(&attrs->tree);
	mas_for_each(&mas, entry, hi)
		n++;
	mtree_unlock(&attrs->tree);
	return n;
}

/*
 * Counts the entries that will meet [@lo, @hi] once @attr is set to
 * @value over [@start, @end) and the neighbours merged, without changing
 * anything: the pieces of [@lo, @hi] in order, each with its new value,
 * and a run of equal non-default values is one entry.  @lo is the address
 * below @start (or @start), @hi is @end: every boundary that
 * vsvm_svm_madvise() makes or merges lies in between.
 */
static unsigned long attr_count_after_locked(struct vsvm_svm_attrs *attrs, u64 lo, u64 hi,
					     u64 start, u64 end, u32 attr, u32 value)
{
	u64 pos = lo, first, last, piece_end;
	void *prev = NULL, *entry;
	unsigned long n = 0;
	struct vsvm_svm_attr a;

	lockdep_assert_held(&attrs->lock);
	for (;;) {
		entry = attr_walk(attrs, pos, &first, &last);
		/* Split at @start and @end, as vsvm_svm_madvise() does. */
		if (pos < start)
			piece_end = min_t(u64, last, start - 1);
		else if (pos < end)
			piece_end = min_t(u64, last, end - 1);
		else
			piece_end = last;
		if (pos >= start && pos < end) {
			attr_unpack(entry, &a);
			attr_set(&a, attr, value);
			entry = attr_entry(&a);
		}
		if (entry && entry != prev)
			n++;
		prev = entry;
		if (piece_end >= hi || piece_end == ULONG_MAX)
			return n;
		pos = piece_end + 1;
		cond_resched();
	}
}

/**
 * vsvm_svm_madvise() - Set an attribute of a range of an SVM VM
 * @vm: The SVM VM, of the caller's address space.
 * @start: Start of the range, page aligned.
 * @end: Its end, page aligned, above @start, at most 2^%DRM_VSVM_VA_BITS.
 * @attr: DRM_VSVM_SVM_ATTR_*.
 * @value: Its new value, checked by the caller.
 *
 * The range's other attributes stay; ranges are split and merged so that
 * neighbours differ.  A range made read-only loses its GPU entries, so
 * that the next access faults and gets the new rights (I10).
 *
 * Return: 0, -ENOSPC if the VM would then hold more than
 * %DRM_VSVM_MAX_SVM_RANGES ranges (nothing changed), or -ENOMEM (the
 * attributes set so far stay, each piece whole).
 */
int vsvm_svm_madvise(struct vsvm_vm *vm, u64 start, u64 end, u32 attr, u32 value)
{
	struct vsvm_svm_attrs *attrs = &vm->svm->attrs;
	u64 pos = start, first, last, piece_end;
	u64 lo = start ? start - 1 : 0;
	unsigned long before, after;
	struct vsvm_svm_attr a;
	int ret = 0;

	mutex_lock(&attrs->lock);
	/* I10: the limit, on what the split and merge below will leave. */
	before = attr_count_locked(attrs, lo, end);
	after = attr_count_after_locked(attrs, lo, end, start, end, attr, value);
	if (attrs->nr_ranges - before + after > DRM_VSVM_MAX_SVM_RANGES) {
		mutex_unlock(&attrs->lock);
		drm_dbg(&vm->vdev->drm,
			"SVM_MADVISE: VM %u: %lu ranges would pass DRM_VSVM_MAX_SVM_RANGES\n",
			vm->id, attrs->nr_ranges - before + after);
		return -ENOSPC;
	}
	while (pos < end) {
		attr_unpack(attr_walk(attrs, pos, &first, &last), &a);
		piece_end = min_t(u64, last, end - 1) + 1;
		attr_set(&a, attr, value);
		ret = mtree_store_range(&attrs->tree, pos, piece_end - 1, attr_entry(&a),
					GFP_KERNEL_ACCOUNT);
		if (ret)
			break;
		pos = piece_end;
	}
	/* Merged even after a failure: stored pieces may equal neighbours. */
	if (pos > start) {
		int err = attr_merge_locked(attrs, start, pos);

		ret = ret ?: err;
	}
	/* Exact even after a failure: only [lo, end] changed. */
	attrs->nr_ranges = attrs->nr_ranges - before + attr_count_locked(attrs, lo, end);
	mutex_unlock(&attrs->lock);
	if (ret)
		drm_dbg(&vm->vdev->drm, "SVM_MADVISE: VM %u: storing the range failed: %d\n",
			vm->id, ret);

	/* I10: stored first, then cleared under the notifier lock. */
	if (attr == DRM_VSVM_SVM_ATTR_READ_ONLY && value)
		vsvm_svm_unmap(vm, start, pos);
	return ret;
}

#define SYS_PAGE	(DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_SYSTEM)

/* Where a present page is, as a DRM_VSVM_MEM_* value. */
static u8 snapshot_loc(struct vsvm_vm *vm, struct page *page)
{
	if (!is_device_private_page(page))
		return DRM_VSVM_MEM_SYSTEM;
	return page->pgmap->owner == vm->vdev ? DRM_VSVM_MEM_DEVICE : DRM_VSVM_MEM_OTHER_DEVICE;
}

/*
 * Snapshots at most one table's worth of pages, [@start, @end); @other is
 * the other device or NULL, @other_pfns room for its answer.
 */
static int snapshot_chunk(struct vsvm_vm *vm, struct vsvm_device *other, u64 start, u64 end,
			  unsigned long *pfns, unsigned long *other_pfns, u8 *pages)
{
	struct vsvm_svm *svm = vm->svm;
	unsigned long i, n = (end - start) >> PAGE_SHIFT;
	struct hmm_range range = {
		.notifier = &svm->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		/* Nothing faulted in: only what the CPU's tables hold. */
		.default_flags = 0,
		.pfn_flags_mask = 0,
		/* This device's VRAM pages are reported, not migrated back. */
		.dev_private_owner = vm->vdev,
	};
	/* The same for the other device's: hmm reports one owner's at a time. */
	struct hmm_range other_range = {
		.notifier = &svm->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = other_pfns,
		.dev_private_owner = other,
	};
	struct vsvm_pt_walk walk;
	struct vsvm_svm_attr a;
	u64 attr_end = 0;
	int ret;

	for (;;) {
		range.notifier_seq = mmu_interval_read_begin(&svm->notifier);
		mmap_read_lock(svm->mm);
		ret = hmm_range_fault(&range);
		if (!ret && other) {
			other_range.notifier_seq = range.notifier_seq;
			ret = hmm_range_fault(&other_range);
		}
		mmap_read_unlock(svm->mm);
		if (ret == -EBUSY) {
			if (fatal_signal_pending(current))
				return -EINTR;
			continue;
		}
		if (ret)
			return ret;
		mutex_lock(&svm->vmm->notifier_lock);
		/* I3: what the CPU's tables said is still what they say. */
		if (!mmu_interval_read_retry(&svm->notifier, range.notifier_seq))
			break;
		mutex_unlock(&svm->vmm->notifier_lock);
	}
	for (i = 0; i < n; i++) {
		u64 va = start + ((u64)i << PAGE_SHIFT);
		unsigned long pfn = pfns[i];
		struct page *page;
		u8 b;

		/*
		 * A page the device holds exclusive has no CPU entry (hmm
		 * reports it not present) but is the process's, in system
		 * memory.
		 */
		if (xa_get_mark(&svm->dma, va >> PAGE_SHIFT, VSVM_SVM_EXCLUSIVE)) {
			pages[i] = SYS_PAGE | DRM_VSVM_SVM_PAGE_GPU_MAPPED |
				   DRM_VSVM_SVM_PAGE_EXCLUSIVE;
			continue;
		}
		/* Not this device's: maybe in the other device's VRAM. */
		if (other && !(pfn & HMM_PFN_VALID))
			pfn = other_pfns[i];
		if (!(pfn & HMM_PFN_VALID) || (pfn & HMM_PFN_ERROR)) {
			pages[i] = 0;
			continue;
		}
		page = hmm_pfn_to_page(pfn);
		b = DRM_VSVM_SVM_PAGE_PRESENT | snapshot_loc(vm, page);
		if (va >= attr_end)
			vsvm_svm_attr_get(vm, va, &a, NULL, &attr_end);
		if (!(pfn & HMM_PFN_WRITE) || a.read_only)
			b |= DRM_VSVM_SVM_PAGE_READ_ONLY;
		if (is_zero_pfn(page_to_pfn(page)))
			b |= DRM_VSVM_SVM_PAGE_ZERO;
		if (!vsvm_pt_walk(&vm->pt, va, &walk))
			b |= DRM_VSVM_SVM_PAGE_GPU_MAPPED;
		pages[i] = b;
	}
	mutex_unlock(&svm->vmm->notifier_lock);
	return 0;
}

/**
 * vsvm_svm_snapshot() - Say where each page of a range of an SVM VM is
 * @vm: The SVM VM, of the caller's address space.
 * @start: Start of the range, page aligned.
 * @end: Its end, page aligned, above @start.
 * @pages: Out: one DRM_VSVM_SVM_PAGE_* byte per page.
 *
 * Faults nothing in; see the DOC section.
 *
 * Return: 0, -ENOMEM, -EINTR (a fatal signal), or hmm_range_fault()'s
 * -EFAULT for a page in a state it cannot report (a poisoned page).
 */
int vsvm_svm_snapshot(struct vsvm_vm *vm, u64 start, u64 end, u8 *pages)
{
	struct vsvm_svm *svm = vm->svm;
	struct vsvm_device *other;
	unsigned long *pfns;
	u64 pos, next;
	int ret = 0;

	/*
	 * Only its address, the owner of its pages, is used: the reference
	 * keeps it from naming another device meanwhile.
	 */
	other = vsvm_svm_other_get(vm);
	if (IS_ERR(other))
		other = NULL;
	pfns = kvmalloc_array(VSVM_PT_ENTRIES * 2, sizeof(*pfns), GFP_KERNEL);
	if (!pfns) {
		ret = -ENOMEM;
		goto out_put;
	}
	/* The caller's own address space (I7), so it has not exited. */
	if (!mmget_not_zero(svm->mm)) {
		memset(pages, 0, (end - start) >> PAGE_SHIFT);
		goto out_free;
	}
	for (pos = start; pos < end; pos = next) {
		next = min_t(u64, end, pos + ((u64)VSVM_PT_ENTRIES << PAGE_SHIFT));
		ret = snapshot_chunk(vm, other, pos, next, pfns, pfns + VSVM_PT_ENTRIES,
				     pages + ((pos - start) >> PAGE_SHIFT));
		if (ret)
			break;
		cond_resched();
	}
	mmput(svm->mm);
out_free:
	kvfree(pfns);
out_put:
	if (other)
		drm_dev_put(&other->drm);
	return ret;
}
