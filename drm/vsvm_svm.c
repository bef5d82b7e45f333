// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/hmm.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/rmap.h>
#include <linux/sched/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_print.h>

#include "vsvm_dmachk.h"
#include "vsvm_drv.h"
#include "vsvm_migrate.h"
#include "vsvm_mm.h"
#include "vsvm_svm.h"
#include "vsvm_trace.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * DOC: shared virtual memory
 *
 * A VM created with %DRM_VSVM_VM_CREATE_SVM mirrors the address space of
 * the process that created it, as RDMA's implicit ODP and lib/test_hmm.c
 * do: a GPU address is a CPU address, and a job may use any pointer of the
 * process (malloc, mmap, the stack) with no registration.  Nothing is
 * bound into such a VM; its page table starts empty.
 *
 * **Faults.**  When the engine reaches an address with no entry (or writes
 * through a read-only one) it stops the job at that command and parks it;
 * a worker of the device's fault queue resolves the fault
 * (vsvm_svm_fault()) and the job resumes at the command (see vsvm_fault.c),
 * while the engine runs other contexts' jobs.  The fault takes mmget_not_zero() on
 * the mm (I4), then loops mmu_interval_read_begin(), hmm_range_fault() on a
 * chunk around the address (the largest of 2 MiB, 64 KiB and 4 KiB whose
 * aligned window lies in the VMA, as drm_gpusvm chooses; debugfs
 * ``svm_chunk`` caps it), DMA mapping, and, under the notifier lock of the
 * address space (&vsvm_mm.notifier_lock), mmu_interval_read_retry() before
 * it writes the entries (I3).  The
 * entries are 4 KiB ones whatever the chunk, so that an invalidation of any
 * part of a chunk clears just that part, without splitting or allocating.
 * Each page's DMA address is tracked in &vsvm_svm.dma, through which
 * invalidation finds the entries to clear: the fault reserves the slots
 * (GFP_KERNEL; the xarray is XA_FLAGS_ACCOUNT, so they are charged to the
 * mirrored process's memory cgroup) before taking the notifier lock, and
 * under it stores each tracking entry before writing its page-table
 * entry, so that no entry is ever written that invalidation cannot find (I1, I10).
 * Rights follow the CPU's: an entry is writable only where the CPU's is,
 * and a write to a read-only VMA, or an access to an unmapped address, is
 * unrecoverable (the job ends with -EFAULT and the fault is recorded).
 *
 * **Invalidation** (svm_invalidate(), I1 without pins): one interval
 * notifier covers the whole address space; under the notifier lock it
 * clears the entries of the range, flushes the TLB (which waits for
 * accesses in flight) and DMA-unmaps the pages before it returns.  It never
 * waits for the VM's jobs: a job that reaches the range again faults and
 * is resolved again.  A non-blockable invalidation of a range with pages
 * mapped gets false.
 *
 * **No deadlock with userptr invalidations.**  A fault holds no lock while
 * it waits in mmu_interval_read_begin() or hmm_range_fault(), and takes the
 * notifier lock only to write entries; an invalidation never holds that
 * lock while it waits for jobs.  The fault may still wait, in
 * mmu_interval_read_begin(), for an invalidation of its mm that waits for a
 * userptr job of the same process; so an SVM VM's jobs run on their own
 * ring of the queue (&vsvm_queue.lr_sched), and no dma-fence job is ever
 * queued behind a faulting one (see vsvm_sched.c).  Nor does any other SVM
 * context's job: the fault waits in a fault worker, not on the engine, and
 * only its own context waits for it (I2).
 *
 * **The mm** (I4 to I7): the VM holds the device's binding to the mm
 * (&struct vsvm_mm, I5), which holds only mm_count.  When the process
 * exits, exit_mmap() invalidates everything before the files are closed
 * (I6); later faults fail quietly, since mmget_not_zero() does.  EXEC on an
 * SVM VM from another address space fails with -EPERM (I7).
 *
 * **Two devices, one address space.**  Each vsvm device that has an SVM
 * VM of a process has its own binding to the mm (I5) and its own interval
 * notifier, so every invalidation reaches both.  "The other device"
 * (%DRM_VSVM_MEM_OTHER_DEVICE) is the one other device with VRAM that has
 * an SVM VM of the same mm (vsvm_svm_other_get(), which refuses with
 * -ENOTUNIQ when there are several and -ENXIO when there is none).  A
 * fault, or a prefetch, placing a chunk there (%VSVM_SVM_LOC_OTHER) enters
 * that device (drm_dev_enter(), so that its removal waits for the fault),
 * moves the chunk's pages in this device's VRAM to system memory, then the
 * chunk into the other device's VRAM with that device's pagemap owner and
 * allocator, and asks hmm_range_fault() for the other device's pages as
 * they are (its dev_private_owner): this device then reaches them in
 * place through their backing pages, as a GPU reaches another's memory
 * through a peer-to-peer BAR, DMA-mapped to this device and seen by its DMA
 * checker like any page.  The other device moving a page (its CPU fault,
 * eviction, removal) invalidates the mm, which clears this device's
 * entries before the backing page is freed (I1).  A range that does not
 * prefer the other device faults its pages there back to system memory
 * (their migrate_to_ram), as before; so does a fault preferring it when
 * there is no such device.
 *
 * **Prefetch** (%DRM_IOCTL_VSVM_SVM_PREFETCH): a job, queued on a context
 * like any EXEC and signalling out-syncs, that faults a range in ahead of
 * use, as ibv_advise_mr(PREFETCH) does; its pages are counted apart from
 * the faults.
 *
 * **Jobs are long-running.**  Resolving a fault may allocate memory, so an
 * SVM VM's jobs do not run in a dma-fence signalling section: their fences
 * must not be waited on by reclaim.  vsvm never does (an SVM VM maps no
 * object, so no reservation but its own carries its fences); userspace
 * waits on them as on any other.
 */

/*
 * A tracking entry's bits (see svm_entry()): whether the GPU may write the
 * page, and whether the page is in the device's VRAM (its backing page is
 * what is mapped), so that fdinfo can count the VRAM a VM maps.
 */
#define SVM_ENTRY_WRITE	BIT(0)
#define SVM_ENTRY_VRAM	BIT(1)
#define SVM_ENTRY_SHIFT	2

/* Fault chunk sizes, largest first (see vsvm_svm_fault()). */
static const unsigned long svm_chunk_sizes[VSVM_SVM_CHUNK_SIZES] = { SZ_2M, SZ_64K, SZ_4K };

/*
 * A tracking entry of &vsvm_svm.dma: the page's DMA page number, whether
 * the GPU may write the page (its DMA direction, undone alike) and whether
 * it is in VRAM.
 */
static void *svm_entry(dma_addr_t dma, bool write, bool vram)
{
	return xa_mk_value((dma >> PAGE_SHIFT) << SVM_ENTRY_SHIFT |
			   (write ? SVM_ENTRY_WRITE : 0) | (vram ? SVM_ENTRY_VRAM : 0));
}

static dma_addr_t svm_entry_dma(void *entry)
{
	return (dma_addr_t)(xa_to_value(entry) >> SVM_ENTRY_SHIFT) << PAGE_SHIFT;
}

static enum dma_data_direction svm_entry_dir(void *entry)
{
	return xa_to_value(entry) & SVM_ENTRY_WRITE ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

static bool svm_entry_vram(void *entry)
{
	return xa_to_value(entry) & SVM_ENTRY_VRAM;
}

/*
 * Clears the entries of the pages mapped in [@start, @end), flushes the
 * TLB and DMA-unmaps them; the notifier lock held.  Never allocates.  With
 * @reserve, each tracking entry goes back to being a reservation rather
 * than being erased, so that its slot needs no allocation when the fault
 * path stores the new one.  Returns whether anything was mapped.
 */
static bool svm_unmap_range_locked(struct vsvm_vm *vm, u64 start, u64 end, bool reserve)
{
	struct vsvm_svm *svm = vm->svm;
	struct device *dev = vm->vdev->drm.dev;
	unsigned long idx;
	bool any = false;
	void *entry;

	lockdep_assert_held(&svm->vmm->notifier_lock);
	end = min_t(u64, end, BIT_ULL(VSVM_VA_BITS));
	if (start >= end)
		return false;
	xa_for_each_range(&svm->dma, idx, entry, start >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1) {
		vsvm_pt_zap(&vm->pt, (u64)idx << PAGE_SHIFT, PAGE_SIZE);
		any = true;
	}
	if (!any)
		return false;
	vsvm_tlb_flush_range(&vm->tlb, start, end - start);
	xa_for_each_range(&svm->dma, idx, entry, start >> PAGE_SHIFT, (end >> PAGE_SHIFT) - 1) {
		dma_addr_t dma = svm_entry_dma(entry);

		if (svm_entry_vram(entry))
			atomic64_dec(&svm->vram_pages);

		vsvm_dmachk_unmap(&vm->vdev->dmachk, vm, dma, PAGE_SIZE, false);
		dma_unmap_page_attrs(dev, dma, PAGE_SIZE, svm_entry_dir(entry),
				     DMA_ATTR_SKIP_CPU_SYNC);
		/* The page is the CPU's again (if it was the device's alone). */
		xa_clear_mark(&svm->dma, idx, VSVM_SVM_EXCLUSIVE);
		if (reserve)
			xa_cmpxchg(&svm->dma, idx, entry, XA_ZERO_ENTRY, GFP_NOWAIT);
		else
			xa_erase(&svm->dma, idx);
	}
	return true;
}

/*
 * Every SVM VM while it mirrors (&vsvm_svm.mirror_link), for
 * vsvm_svm_other_get().  A leaf lock: held only to walk the list and take
 * a device reference.
 */
static DEFINE_MUTEX(svm_mirrors_lock);
static LIST_HEAD(svm_mirrors);

static bool svm_invalidate(struct mmu_interval_notifier *mni,
			   const struct mmu_notifier_range *range, unsigned long cur_seq)
{
	struct vsvm_svm *svm = container_of(mni, struct vsvm_svm, notifier);
	struct vsvm_vm *vm = svm->vm;
	struct mutex *lock = &svm->vmm->notifier_lock;
	unsigned long first = range->start >> PAGE_SHIFT;

	/*
	 * Our own make_device_exclusive_range() replacing the CPU's entries
	 * of a page the device is about to hold exclusive (as nouveau does):
	 * the page stays, and vsvm_svm_fault_exclusive() writes its entry
	 * under the notifier lock.  The CPU's access that takes it back is
	 * another event, with no owner, and clears the entry below.
	 */
	if (range->event == MMU_NOTIFY_EXCLUSIVE && range->owner == vm->vdev)
		return true;

	/*
	 * Never waits for the VM's jobs: a job that reaches the range again
	 * faults and is resolved again.  The TLB flush waits only for engine
	 * accesses in flight, and faults are resolved outside those.
	 */
	if (mmu_notifier_range_blockable(range)) {
		mutex_lock(lock);
	} else if (!mutex_trylock(lock)) {
		return false;
	} else if (range->start < BIT_ULL(VSVM_VA_BITS) &&
		   xa_find(&svm->dma, &first,
			   (min_t(u64, range->end, BIT_ULL(VSVM_VA_BITS)) >> PAGE_SHIFT) - 1,
			   XA_PRESENT)) {
		/* I2: flushing the TLB waits for the engine; we may not. */
		mutex_unlock(lock);
		return false;
	}
	mmu_interval_set_seq(mni, cur_seq);
	if (svm_unmap_range_locked(vm, range->start, range->end, false))
		atomic64_inc(&svm->invalidations);
	mutex_unlock(lock);
	return true;
}

static const struct mmu_interval_notifier_ops svm_notifier_ops = {
	.invalidate = svm_invalidate,
};

/**
 * vsvm_svm_init() - Make a VM mirror its creator's address space
 * @vm: A new VM, created by the caller's process.
 *
 * Return: 0, -ENOMEM, or -EINTR if the mm is going away.
 */
int vsvm_svm_init(struct vsvm_vm *vm)
{
	struct vsvm_svm *svm;
	int ret;

	svm = kzalloc(sizeof(*svm), GFP_KERNEL);
	if (!svm)
		return -ENOMEM;
	svm->vm = vm;
	svm->mm = current->mm;
	/*
	 * Filled on the user's behalf, a slot per page its jobs reach: its
	 * nodes are charged to the memory cgroup that the fault worker makes
	 * active (the mirrored process's, see vsvm_fault.c), as the page
	 * tables are.
	 */
	xa_init_flags(&svm->dma, XA_FLAGS_ACCOUNT);
	vsvm_svm_attr_init(&svm->attrs);
	svm->vmm = vsvm_mm_get(vm->vdev, current->mm);
	if (IS_ERR(svm->vmm)) {
		ret = PTR_ERR(svm->vmm);
		goto err_free;
	}
	ret = mmu_interval_notifier_insert(&svm->notifier, svm->mm, 0, ULONG_MAX & PAGE_MASK,
					   &svm_notifier_ops);
	if (ret)
		goto err_put;
	vm->svm = svm;
	mutex_lock(&svm_mirrors_lock);
	list_add_tail(&svm->mirror_link, &svm_mirrors);
	mutex_unlock(&svm_mirrors_lock);
	return 0;

err_put:
	vsvm_mm_put(svm->vmm);
err_free:
	vsvm_svm_attr_fini(&svm->attrs);
	kfree(svm);
	return ret;
}

/**
 * vsvm_svm_fini() - Stop mirroring, at VM teardown
 * @vm: An SVM VM whose jobs have all ended.
 *
 * Removes the notifier and every entry.  &vsvm_vm.svm itself stays, for
 * whoever still holds a reference to the VM (debugfs, fdinfo, an ioctl that
 * looked the VM up before VM_DESTROY): vsvm_svm_free() frees it with the VM.
 */
void vsvm_svm_fini(struct vsvm_vm *vm)
{
	struct vsvm_svm *svm = vm->svm;

	if (!svm)
		return;
	mutex_lock(&svm_mirrors_lock);
	list_del_init(&svm->mirror_link);
	mutex_unlock(&svm_mirrors_lock);
	mmu_interval_notifier_remove(&svm->notifier);
	mutex_lock(&svm->vmm->notifier_lock);
	svm_unmap_range_locked(vm, 0, BIT_ULL(VSVM_VA_BITS), false);
	mutex_unlock(&svm->vmm->notifier_lock);
}

/**
 * vsvm_svm_free() - Free an SVM VM's state, with the VM
 * @vm: A VM whose last reference is gone; an SVM VM has been through
 *	vsvm_svm_fini().
 *
 * The state, and the binding it holds (whose PASID debugfs prints), live as
 * long as the VM, so that a VM reference is all a reader of &vsvm_vm.svm
 * needs.
 */
void vsvm_svm_free(struct vsvm_vm *vm)
{
	struct vsvm_svm *svm = vm->svm;

	if (!svm)
		return;
	xa_destroy(&svm->dma);
	vsvm_svm_attr_fini(&svm->attrs);
	vsvm_mm_put(svm->vmm);
	vm->svm = NULL;
	kfree(svm);
}

/**
 * vsvm_svm_check_mm() - Check that the caller may run jobs on an SVM VM
 * @vm: The VM.
 *
 * I7: an SVM VM belongs to the address space it mirrors.
 *
 * Return: 0, or -EPERM from any other address space.
 */
int vsvm_svm_check_mm(struct vsvm_vm *vm)
{
	if (!vm->svm || current->mm == vm->svm->mm)
		return 0;
	drm_dbg(&vm->vdev->drm, "EXEC: SVM VM %u mirrors another address space\n", vm->id);
	return -EPERM;
}

/**
 * vsvm_svm_other_get() - Find the other device mirroring an SVM VM's process
 * @vm: The SVM VM.
 *
 * "The other device" (%DRM_VSVM_MEM_OTHER_DEVICE) is the one vsvm device,
 * other than @vm's, that has VRAM and an SVM VM mirroring the same
 * address space (in any file).  Devices are added and removed at run time
 * (configfs), so it is looked up each time it is needed, never kept.
 *
 * Return: the device, with a reference to its DRM device (drop it with
 * drm_dev_put()); the caller enters it (drm_dev_enter()) before it touches
 * its VRAM, as it may be unplugged meanwhile.  ERR_PTR(-ENXIO) if there is
 * no such device, ERR_PTR(-ENOTUNIQ) if there are several.
 */
struct vsvm_device *vsvm_svm_other_get(struct vsvm_vm *vm)
{
	struct vsvm_device *found = NULL;
	struct vsvm_svm *s;

	mutex_lock(&svm_mirrors_lock);
	list_for_each_entry(s, &svm_mirrors, mirror_link) {
		struct vsvm_device *d = s->vm->vdev;

		if (s->mm != vm->svm->mm || d == vm->vdev || d == found || !READ_ONCE(d->vram))
			continue;
		if (found) {
			found = ERR_PTR(-ENOTUNIQ);
			break;
		}
		found = d;
	}
	if (!found)
		found = ERR_PTR(-ENXIO);
	if (!IS_ERR(found))
		drm_dev_get(&found->drm);
	mutex_unlock(&svm_mirrors_lock);
	return found;
}

/*
 * Enters the other device for a fault placing its chunk there; returns
 * it, or NULL (none, several, or unplugged: the chunk goes to system
 * memory instead).
 */
static struct vsvm_device *svm_other_enter(struct vsvm_vm *vm, int *idx)
{
	struct vsvm_device *other = vsvm_svm_other_get(vm);

	if (IS_ERR(other)) {
		drm_dbg(&vm->vdev->drm, "SVM: VM %u: no other device (%ld): system memory\n",
			vm->id, PTR_ERR(other));
		return NULL;
	}
	if (!drm_dev_enter(&other->drm, idx)) {
		drm_dbg(&vm->vdev->drm, "SVM: VM %u: other device %u unplugged: system memory\n",
			vm->id, other->index);
		drm_dev_put(&other->drm);
		return NULL;
	}
	return other;
}

static void svm_other_exit(struct vsvm_device *other, int idx)
{
	if (!other)
		return;
	drm_dev_exit(idx);
	drm_dev_put(&other->drm);
}

/*
 * I10: the DMA direction follows the page-table entry's rights.  A page the
 * GPU may only read (a read-only VMA; the shared zero page, which every
 * read of untouched read-only memory maps) is mapped to the device only:
 * the device never writes it, and the DMA API then allows the many
 * mappings of one page that the zero page takes (a bidirectional mapping
 * of a page mapped more than 7 times is reported by CONFIG_DMA_API_DEBUG).
 */
static enum dma_data_direction svm_pfn_dir(unsigned long pfn)
{
	return pfn & HMM_PFN_WRITE ? DMA_BIDIRECTIONAL : DMA_TO_DEVICE;
}

/* Undoes the DMA mappings of a fault that raced or failed. */
static void svm_unmap_pages(struct vsvm_vm *vm, unsigned long *pfns, dma_addr_t *dmas,
			    unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		vsvm_dmachk_unmap(&vm->vdev->dmachk, vm, dmas[i], PAGE_SIZE, false);
		dma_unmap_page_attrs(vm->vdev->drm.dev, dmas[i], PAGE_SIZE, svm_pfn_dir(pfns[i]),
				     DMA_ATTR_SKIP_CPU_SYNC);
	}
}

/*
 * I1, I3: takes a reference on each page hmm_range_fault() gave, under the
 * notifier lock once mmu_interval_read_retry() has said the answer is
 * current.  The pages come with none: only the CPU's page table holds
 * them, and only the lock keeps an invalidation, after which a page may be
 * freed, from running.  Held, no page (nor, for a VRAM page, its backing
 * page) can be freed while it is DMA-mapped outside the lock, and so be
 * mapped for the device after its release, while it may serve someone
 * else.  The shared zero page is never freed and not counted.
 */
static void svm_hold_pages_locked(struct vsvm_vm *vm, unsigned long *pfns, unsigned long n)
{
	unsigned long i;

	lockdep_assert_held(&vm->svm->vmm->notifier_lock);
	for (i = 0; i < n; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);

		if (!is_zero_page(page))
			folio_get(page_folio(page));
	}
}

/* Drops the references of svm_hold_pages_locked(). */
static void svm_put_pages(unsigned long *pfns, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);

		if (!is_zero_page(page))
			folio_put(page_folio(page));
	}
}

/*
 * DMA-maps the faulted pages, held (svm_hold_pages_locked()), telling the
 * checker; returns how many.  A page in the device's VRAM, or in the VRAM
 * of @other (the other device, entered, or NULL), is reached through its
 * backing page, which holds its data (see vsvm_vram.c).
 */
static unsigned long svm_map_pages(struct vsvm_vm *vm, struct vsvm_device *other,
				   unsigned long *pfns, dma_addr_t *dmas, unsigned long n)
{
	struct device *dev = vm->vdev->drm.dev;
	unsigned long i;

	for (i = 0; i < n; i++) {
		struct page *page = hmm_pfn_to_page(pfns[i]);
		struct page *backing = vsvm_vram_backing(vm->vdev, page);

		if (!backing && other)
			backing = vsvm_vram_backing(other, page);

		/* Held: it cannot have been freed (the zero page never is). */
		if (WARN_ON_ONCE(!folio_ref_count(page_folio(backing ?: page))))
			break;
		dmas[i] = dma_map_page_attrs(dev, backing ?: page, 0, PAGE_SIZE,
					     svm_pfn_dir(pfns[i]), DMA_ATTR_SKIP_CPU_SYNC);
		if (dma_mapping_error(dev, dmas[i]))
			break;
		if (vsvm_dmachk_map(&vm->vdev->dmachk, vm, dmas[i], PAGE_SIZE, false)) {
			dma_unmap_page_attrs(dev, dmas[i], PAGE_SIZE, svm_pfn_dir(pfns[i]),
					     DMA_ATTR_SKIP_CPU_SYNC);
			break;
		}
	}
	return i;
}

/**
 * vsvm_svm_fault() - Resolve a GPU fault of an SVM VM
 * @vm: The SVM VM.
 * @addr: The faulting address.
 * @write: Whether the access writes.
 * @prefetch: Mapping ahead of use (SVM_PREFETCH), counted apart.
 * @end_out: Out, if not NULL: the end of the chunk mapped.
 *
 * vsvm_svm_fault_at() with the pages left where they are
 * (%VSVM_SVM_LOC_ANY).
 *
 * Return: as vsvm_svm_fault_at().
 */
int vsvm_svm_fault(struct vsvm_vm *vm, u64 addr, bool write, bool prefetch, u64 *end_out)
{
	return vsvm_svm_fault_at(vm, addr, write, prefetch, VSVM_SVM_LOC_ANY, end_out);
}

/**
 * vsvm_svm_fault_at() - Resolve a GPU fault of an SVM VM, placing its chunk
 * @vm: The SVM VM.
 * @addr: The faulting address.
 * @write: Whether the access writes.
 * @prefetch: Mapping ahead of use (SVM_PREFETCH), counted apart.
 * @loc: Where the chunk's pages go first (&enum vsvm_svm_loc).
 * @end_out: Out, if not NULL: the end of the chunk mapped.
 *
 * Maps a chunk of 2 MiB, 64 KiB or 4 KiB around @addr from the CPU's page
 * tables; see the DOC section.  With %VSVM_SVM_LOC_VRAM its pages move to
 * the device's VRAM first, with %VSVM_SVM_LOC_OTHER to the other device's
 * (which this device then reaches in place; system memory if there is no
 * other device), with %VSVM_SVM_LOC_SYSTEM those in VRAM move
 * back (vsvm_migrate.c); pages in this device's VRAM are mapped there
 * unless @loc is %VSVM_SVM_LOC_SYSTEM or %VSVM_SVM_LOC_OTHER.  %VSVM_SVM_LOC_ANY follows the
 * range's preferred location (vsvm_svm_attr_preferred()).  May sleep and allocate: called by
 * the fault queue's workers (vsvm_fault.c), never by an engine thread.
 *
 * Return: 0 when the chunk is mapped (the caller replays the access);
 * -EAGAIN when the range kept changing under hmm_range_fault() for
 * HMM_RANGE_DEFAULT_TIMEOUT (the caller replays the access, which faults
 * again); -EFAULT for an unmapped address or a gone mm; -EPERM for a write
 * to memory the CPU may not write, or to a read-only range; -ENOMEM.
 */
int vsvm_svm_fault_at(struct vsvm_vm *vm, u64 addr, bool write, bool prefetch,
		      enum vsvm_svm_loc loc, u64 *end_out)
{
	struct vsvm_svm *svm = vm->svm;
	struct vsvm_device *vdev = vm->vdev;
	unsigned long start = 0, end = 0, n = 0, i, timeout, mapped = 0, chunk, max;
	unsigned int size_idx;
	u64 t0 = ktime_get_ns(), t1 = t0, t2, tm = 0, copy_ns = 0;
	long migrated = 0;
	struct hmm_range range = {};
	struct vm_area_struct *vma;
	unsigned long *pfns = NULL;
	struct vsvm_device *other = NULL, *dst = vdev;
	struct vsvm_svm_attr attr;
	dma_addr_t *dmas = NULL;
	bool held = false, retried = false, gpu_write = write, vma_write;
	int other_idx = 0;
	u64 ro_end = 0;
	int ret;

	/*
	 * Placement policy: a fault, or a prefetch given no location, puts
	 * the chunk where the range's preferred location says (SVM_MADVISE):
	 * this device's VRAM, the other device's, or else where its pages
	 * are.  Pages in the other device's VRAM are reached in place only
	 * when the range prefers it; otherwise hmm_range_fault() below faults
	 * them back to system memory.
	 */
	if (loc == VSVM_SVM_LOC_ANY) {
		enum vsvm_mem_loc pref = vsvm_svm_attr_preferred(vm, addr);

		if (pref == VSVM_MEM_DEVICE_SELF && vdev->vram)
			loc = VSVM_SVM_LOC_VRAM;
		else if (pref == VSVM_MEM_DEVICE_OTHER)
			loc = VSVM_SVM_LOC_OTHER;
	}

	/* Injection: hold a GPU fault as its resolution starts. */
	if (!prefetch)
		vsvm_inject(vdev, VSVM_INJECT_SVM_FAULT);

	trace_vsvm_svm_fault_begin(vdev->index, vm->client_id, vm->id, addr, write, prefetch);
	/*
	 * I6: after the mm's release the PASID has no context entry: a quiet
	 * not-present fault.  I4: the mm only while resolving.
	 */
	if (!READ_ONCE(svm->vmm->pasid_live) || !mmget_not_zero(svm->mm)) {
		atomic64_inc(&svm->unrecoverable);
		trace_vsvm_svm_fault_end(vdev->index, vm->client_id, vm->id, addr, 0, 0, -EFAULT,
					 ktime_get_ns() - t0);
		return -EFAULT;
	}
	/*
	 * The other device, entered until the chunk is mapped: its removal
	 * (I8) waits for this fault, then moves its pages back, which clears
	 * this device's entries of them first (I1).
	 */
	if (loc == VSVM_SVM_LOC_OTHER) {
		other = svm_other_enter(vm, &other_idx);
		if (other)
			dst = other;
		else
			loc = VSVM_SVM_LOC_SYSTEM;
	}
	mmap_read_lock(svm->mm);
	vma = vma_lookup(svm->mm, addr);
	if (!vma) {
		mmap_read_unlock(svm->mm);
		ret = -EFAULT;
		goto out;
	}
	/*
	 * I10: a write to a range the process made read-only for the GPU
	 * (SVM_MADVISE) is refused like a write to a read-only VMA.
	 */
	if (write && vsvm_svm_attr_read_only(vm, addr)) {
		mmap_read_unlock(svm->mm);
		drm_dbg(&vdev->drm, "SVM fault at %#llx: write to a read-only range\n", addr);
		ret = -EPERM;
		goto out;
	}
	/*
	 * Where the CPU may write, map for writing even on a read fault: the
	 * pages are then the process's own, never the shared zero page (which
	 * every read of untouched memory would otherwise DMA-map again and
	 * again), and a later GPU write needs no second fault.
	 */
	vma_write = vma->vm_flags & VM_WRITE;
	if (vma_write && !vsvm_svm_attr_read_only(vm, addr))
		write = true;
	/*
	 * The chunk, as drm_gpusvm chooses it: the largest of 2 MiB, 64 KiB
	 * and 4 KiB whose aligned window around the address lies in the VMA
	 * (at most debugfs svm_chunk, when set).
	 */
	max = READ_ONCE(vdev->svm_chunk) ?: SZ_2M;
	for (size_idx = 0; size_idx < ARRAY_SIZE(svm_chunk_sizes) - 1; size_idx++) {
		chunk = svm_chunk_sizes[size_idx];
		start = ALIGN_DOWN(addr, chunk);
		if (chunk <= max && start >= vma->vm_start && start + chunk <= vma->vm_end &&
		    start + chunk <= BIT_ULL(VSVM_VA_BITS))
			break;
	}
	chunk = svm_chunk_sizes[size_idx];
	start = ALIGN_DOWN(addr, chunk);
	end = start + chunk;
	/*
	 * Placement: the chunk's pages move before they are looked up (the
	 * migration's invalidation clears the GPU's entries of the pages
	 * that move, I1).  A chunk that cannot move is mapped where it is.
	 */
	/*
	 * Only memory the access may reach moves: a PROT_NONE range (or a
	 * write to a read-only one) fails in hmm_range_fault() below, and
	 * must not get VRAM pages first (migrate_vma would fill its holes).
	 */
	if ((loc == VSVM_SVM_LOC_VRAM || loc == VSVM_SVM_LOC_OTHER) &&
	    (!(vma->vm_flags & VM_READ) || (write && !(vma->vm_flags & VM_WRITE)))) {
		drm_dbg(&vdev->drm, "SVM fault at %#llx: no access, nothing moves to VRAM\n",
			addr);
	} else if (loc == VSVM_SVM_LOC_VRAM && vdev->vram) {
		migrated = vsvm_migrate_to_vram(vm, vdev, vma, start, end, &copy_ns);
	} else if (loc == VSVM_SVM_LOC_SYSTEM) {
		vsvm_migrate_range_to_ram(vm, vma, start, end);
	} else if (loc == VSVM_SVM_LOC_OTHER) {
		/* This device's VRAM pages first go back: migrate_vma takes system pages. */
		vsvm_migrate_range_to_ram(vm, vma, start, end);
		migrated = vsvm_migrate_to_vram(vm, other, vma, start, end, &copy_ns);
	}
	tm = ktime_get_ns();
	mmap_read_unlock(svm->mm);

	n = (end - start) >> PAGE_SHIFT;
	pfns = kvcalloc(n, sizeof(*pfns), GFP_KERNEL);
	dmas = kvcalloc(n, sizeof(*dmas), GFP_KERNEL);
	if (!pfns || !dmas) {
		ret = -ENOMEM;
		goto out;
	}
	/* Tables and xarray slots now: nothing is allocated under the lock. */
	mutex_lock(&vm->pt.lock);
	ret = vsvm_pt_prealloc_locked(&vm->pt, start, end - start);
	mutex_unlock(&vm->pt.lock);
	for (i = 0; !ret && i < n; i++)
		ret = xa_reserve(&svm->dma, (start >> PAGE_SHIFT) + i, GFP_KERNEL);
	if (ret)
		goto out;

	range = (struct hmm_range){
		.notifier = &svm->notifier,
		.start = start,
		.end = end,
		.hmm_pfns = pfns,
		.default_flags = HMM_PFN_REQ_FAULT | (write ? HMM_PFN_REQ_WRITE : 0),
		/*
		 * The device's own VRAM pages come back as they are, or, for a
		 * chunk placed in the other device's VRAM, that device's; any
		 * other device's, and all of them for a move to system memory,
		 * are faulted, which moves them back (their migrate_to_ram).
		 */
		.dev_private_owner = other ?:
				     (loc != VSVM_SVM_LOC_SYSTEM && vdev->vram ? vdev : NULL),
	};
	timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	for (;; retried = true) {
		/*
		 * Invalidations anywhere in the mm (another thread's munmap or
		 * madvise) bump the sequence: bounded like hmm_range_fault()'s
		 * own -EBUSY, then replayed.
		 */
		if (retried && time_after(jiffies, timeout)) {
			atomic64_inc(&svm->busy);
			ret = -EAGAIN;
			goto out;
		}
		range.notifier_seq = mmu_interval_read_begin(&svm->notifier);
		mmap_read_lock(svm->mm);
		ret = hmm_range_fault(&range);
		mmap_read_unlock(svm->mm);
		if (ret == -EBUSY && time_before(jiffies, timeout))
			continue;
		if (ret == -EBUSY) {
			/*
			 * The range kept changing for the whole timeout (the
			 * CPU moving pages out of VRAM under the GPU, say):
			 * not the GPU's fault.  The caller replays the access,
			 * which faults again.
			 */
			atomic64_inc(&svm->busy);
			ret = -EAGAIN;
		}
		if (ret)
			goto out;

		/*
		 * I10: hmm_range_fault() gives this device's own VRAM pages as
		 * they are, without faulting them for writing, so one the CPU
		 * made read-only (mprotect(), or shared with a child by fork())
		 * comes without HMM_PFN_WRITE: mapped so, the GPU's write would
		 * fault again for ever.  It is refused where the VMA is
		 * read-only; else the chunk's VRAM pages are faulted back to
		 * system memory, where the write breaks the CPU's copy-on-write.
		 */
		if (gpu_write && !(pfns[(addr - start) >> PAGE_SHIFT] & HMM_PFN_WRITE)) {
			if (!vma_write) {
				drm_dbg(&vdev->drm, "SVM fault at %#llx: write to read-only memory\n",
					addr);
				ret = -EPERM;
				goto out;
			}
			range.dev_private_owner = NULL;
			continue;
		}

		/* Injection: hold a GPU fault between its pages and their use. */
		if (!prefetch)
			vsvm_inject(vdev, VSVM_INJECT_SVM_PAGES);

		/* I1, I3: no page is used before it is held (see above). */
		mutex_lock(&svm->vmm->notifier_lock);
		if (mmu_interval_read_retry(&svm->notifier, range.notifier_seq)) {
			mutex_unlock(&svm->vmm->notifier_lock);
			continue;
		}
		svm_hold_pages_locked(vm, pfns, n);
		mutex_unlock(&svm->vmm->notifier_lock);
		held = true;

		mapped = svm_map_pages(vm, other, pfns, dmas, n);
		if (mapped < n) {
			ret = -ENOMEM;
			goto out;
		}
		t1 = ktime_get_ns();

		mutex_lock(&svm->vmm->notifier_lock);
		if (!mmu_interval_read_retry(&svm->notifier, range.notifier_seq))
			break;
		mutex_unlock(&svm->vmm->notifier_lock);
		svm_unmap_pages(vm, pfns, dmas, mapped);
		mapped = 0;
		svm_put_pages(pfns, n);
		held = false;
	}

	/*
	 * I3: still current.  Replace whatever the chunk had (a read-only
	 * map, or a prefetch over mapped pages); its entries become
	 * reservations again, so every slot of the chunk is in place.
	 */
	svm_unmap_range_locked(vm, start, end, true);
	for (i = 0; i < n; i++) {
		u64 va = start + ((u64)i << PAGE_SHIFT);
		u32 flags = pfns[i] & HMM_PFN_WRITE ? VSVM_PT_WRITE : 0;
		bool in_vram = vsvm_vram_backing(vdev, hmm_pfn_to_page(pfns[i]));

		/*
		 * I10: rights are the CPU's and the range's, read under the
		 * notifier lock: SVM_MADVISE stores a read-only attribute
		 * before it clears the range's entries under this lock.
		 */
		if (va >= ro_end)
			vsvm_svm_attr_get(vm, va, &attr, NULL, &ro_end);
		if (attr.read_only)
			flags = 0;

		/*
		 * I1, I10: the tracking entry before the page-table entry, as
		 * invalidation finds the entries to clear through it: a PTE
		 * with no tracking entry would outlive the page.  A slot that
		 * a racing fault released may need a node GFP_NOWAIT cannot
		 * get; then the rest of the chunk stays unmapped and the
		 * fault fails.
		 */
		ret = xa_err(xa_store(&svm->dma, va >> PAGE_SHIFT,
				      svm_entry(dmas[i], pfns[i] & HMM_PFN_WRITE, in_vram),
				      GFP_NOWAIT));
		if (ret) {
			drm_dbg(&vdev->drm, "SVM fault at %#llx: no tracking entry: %d\n",
				va, ret);
			break;
		}
		if (in_vram)
			atomic64_inc(&svm->vram_pages);
		/*
		 * I1: a page the GPU may write is dirty, as a CPU write fault
		 * makes its PTE: MADV_FREE cleaned it but left it writable,
		 * so hmm_range_fault() did not fault, and reclaim would
		 * otherwise drop the GPU's data.  The page cannot go while
		 * the sequence is current: its unmapping waits for this lock.
		 */
		if ((pfns[i] & HMM_PFN_WRITE) && !in_vram)
			folio_mark_dirty(page_folio(hmm_pfn_to_page(pfns[i])));
		ret = vsvm_pt_map_owned(&vm->pt, va, dmas[i], PAGE_SIZE, flags);
		if (WARN_ON(ret)) {
			i++;	/* its tracking entry owns the DMA mapping */
			break;
		}
	}
	mutex_unlock(&svm->vmm->notifier_lock);
	/* Tracking entries own the mappings of [0, i); the rest are undone. */
	mapped = 0;
	if (ret) {
		svm_unmap_pages(vm, pfns + i, dmas + i, n - i);
		goto out;
	}
	t2 = ktime_get_ns();

	if (end_out)
		*end_out = end;
	if (migrated > 0) {
		struct vsvm_vram_stats *vs = &dst->vram->stats[size_idx];

		atomic64_inc(&vs->faults);
		atomic64_add(tm - t0, &vs->migrate_ns);
		atomic64_add(copy_ns, &vs->copy_ns);
		atomic64_add(t1 - tm, &vs->get_pages_ns);
		atomic64_add(t2 - t1, &vs->bind_ns);
	}
	if (prefetch) {
		atomic64_add(n, &svm->prefetch_pages);
	} else {
		atomic64_inc(&svm->faults_by_size[size_idx]);
		atomic64_inc(&svm->faults);
		atomic64_add(n, &svm->fault_pages);
		atomic64_add(t1 - t0, &svm->get_pages_ns);
		atomic64_add(t2 - t1, &svm->bind_ns);
		atomic64_add(t2 - t0, &svm->fault_ns);
	}
out:
	if (mapped)
		svm_unmap_pages(vm, pfns, dmas, mapped);
	/* Mapped or not, the pages are the page table's (or nobody's) again. */
	if (held)
		svm_put_pages(pfns, n);
	if (ret && ret != -EAGAIN)
		atomic64_inc(&svm->unrecoverable);
	/* Slots reserved but not used go back (a no-op for stored ones). */
	for (i = 0; pfns && dmas && i < n; i++)
		xa_release(&svm->dma, (start >> PAGE_SHIFT) + i);
	kvfree(pfns);
	kvfree(dmas);
	svm_other_exit(other, other_idx);
	mmput(svm->mm);
	trace_vsvm_svm_fault_end(vdev->index, vm->client_id, vm->id, addr, start,
				 ret ? 0 : end - start, ret, ktime_get_ns() - t0);
	return ret;
}

#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)
/*
 * Takes the page at @va exclusive to the device; returns it locked and
 * referenced, or an error.  make_device_exclusive_range() refuses a page it
 * cannot lock now (retried) and a page of a large or file-backed folio
 * (6.12 makes only small anonymous folios exclusive; retried until the
 * timeout, then -EBUSY).
 */
static int svm_make_exclusive(struct vsvm_vm *vm, u64 va, unsigned long *seq,
			      struct page **page)
{
	struct vsvm_svm *svm = vm->svm;
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	struct vm_area_struct *vma;
	int n;

	for (;;) {
		*seq = mmu_interval_read_begin(&svm->notifier);
		mmap_read_lock(svm->mm);
		vma = vma_lookup(svm->mm, va);
		if (!vma || !(vma->vm_flags & VM_WRITE)) {
			mmap_read_unlock(svm->mm);
			return vma ? -EPERM : -EFAULT;
		}
		*page = NULL;
		n = make_device_exclusive_range(svm->mm, va, va + PAGE_SIZE, page, vm->vdev);
		mmap_read_unlock(svm->mm);
		if (n < 0)
			return n;
		if (n == 1 && *page)
			return 0;
		if (time_after(jiffies, timeout))
			return -EBUSY;
		cond_resched();
	}
}

/**
 * vsvm_svm_fault_exclusive() - Take a page exclusive for the device's atomics
 * @vm: The SVM VM.
 * @addr: The address of an ATOMIC in a range in device atomic mode.
 *
 * Like nouveau's atomic faults: make_device_exclusive_range() replaces the
 * CPU's entries of the page by device-exclusive ones (which our notifier
 * lets through, see svm_invalidate()), and, under the notifier lock once
 * mmu_interval_read_retry() says nothing came between (I3), the page gets
 * a writable entry whose tracking entry is marked %VSVM_SVM_EXCLUSIVE.  The
 * CPU's next access restores its own entry after an invalidation that
 * clears ours, and the next ATOMIC faults here again.  May sleep: called by
 * the fault queue's workers.
 *
 * Return: 0; -EFAULT for an unmapped address or a gone mm; -EPERM for
 * memory the CPU may not write, or a read-only range; -EBUSY if the page
 * cannot be made exclusive (see svm_make_exclusive()); -EAGAIN if the
 * address space kept changing for HMM_RANGE_DEFAULT_TIMEOUT (the caller
 * replays the access); -ENOMEM.
 */
int vsvm_svm_fault_exclusive(struct vsvm_vm *vm, u64 addr)
{
	struct vsvm_svm *svm = vm->svm;
	struct vsvm_device *vdev = vm->vdev;
	struct device *dev = vdev->drm.dev;
	u64 va = addr & PAGE_MASK;
	unsigned long idx = va >> PAGE_SHIFT, seq;
	unsigned long timeout = jiffies + msecs_to_jiffies(HMM_RANGE_DEFAULT_TIMEOUT);
	/* The exclusive page is mapped writable: its direction for the undo. */
	unsigned long pfn = HMM_PFN_WRITE;
	struct page *page;
	dma_addr_t dma;
	int ret;

	if (!READ_ONCE(svm->vmm->pasid_live) || !mmget_not_zero(svm->mm)) {
		atomic64_inc(&svm->unrecoverable);
		return -EFAULT;
	}
	if (vsvm_svm_attr_read_only(vm, va)) {
		drm_dbg(&vdev->drm, "SVM atomic at %#llx: read-only range\n", addr);
		ret = -EPERM;
		goto out_put;
	}
	mutex_lock(&vm->pt.lock);
	ret = vsvm_pt_prealloc_locked(&vm->pt, va, PAGE_SIZE);
	mutex_unlock(&vm->pt.lock);
	if (!ret)
		ret = xa_reserve(&svm->dma, idx, GFP_KERNEL);
	if (ret)
		goto out_put;
again:
	ret = svm_make_exclusive(vm, va, &seq, &page);
	if (ret) {
		drm_dbg(&vdev->drm, "SVM atomic at %#llx: no exclusive access: %d\n", addr, ret);
		goto out;
	}
	dma = dma_map_page_attrs(dev, page, 0, PAGE_SIZE, DMA_BIDIRECTIONAL,
				 DMA_ATTR_SKIP_CPU_SYNC);
	if (dma_mapping_error(dev, dma)) {
		ret = -ENOMEM;
		goto out_page;
	}
	if (vsvm_dmachk_map(&vdev->dmachk, vm, dma, PAGE_SIZE, false)) {
		dma_unmap_page_attrs(dev, dma, PAGE_SIZE, DMA_BIDIRECTIONAL,
				     DMA_ATTR_SKIP_CPU_SYNC);
		ret = -ENOMEM;
		goto out_page;
	}
	mutex_lock(&svm->vmm->notifier_lock);
	if (mmu_interval_read_retry(&svm->notifier, seq)) {
		mutex_unlock(&svm->vmm->notifier_lock);
		svm_unmap_pages(vm, &pfn, &dma, 1);
		folio_unlock(page_folio(page));
		put_page(page);
		/* Bounded as vsvm_svm_fault()'s retries, then replayed. */
		if (time_before(jiffies, timeout))
			goto again;
		atomic64_inc(&svm->busy);
		ret = -EAGAIN;
		goto out;
	}
	/*
	 * I10: the range's attribute read again under the lock: SVM_MADVISE
	 * stores read-only, then clears the range's entries under this lock,
	 * which found nothing if it came after the check above.
	 */
	if (vsvm_svm_attr_read_only(vm, va)) {
		mutex_unlock(&svm->vmm->notifier_lock);
		svm_unmap_pages(vm, &pfn, &dma, 1);
		drm_dbg(&vdev->drm, "SVM atomic at %#llx: read-only range\n", addr);
		ret = -EPERM;
		goto out_page;
	}
	/* I1, I10: as vsvm_svm_fault(), the tracking entry first. */
	svm_unmap_range_locked(vm, va, va + PAGE_SIZE, true);
	ret = xa_err(xa_store(&svm->dma, idx, svm_entry(dma, true, false), GFP_NOWAIT));
	if (!ret) {
		xa_set_mark(&svm->dma, idx, VSVM_SVM_EXCLUSIVE);
		/* Its tracking entry owns the DMA mapping from here on. */
		WARN_ON(vsvm_pt_map_owned(&vm->pt, va, dma, PAGE_SIZE, VSVM_PT_WRITE));
	}
	mutex_unlock(&svm->vmm->notifier_lock);
	if (ret)
		svm_unmap_pages(vm, &pfn, &dma, 1);
	else
		atomic64_inc(&svm->exclusive_faults);
out_page:
	/* The CPU may take the page back from here on. */
	folio_unlock(page_folio(page));
	put_page(page);
out:
	xa_release(&svm->dma, idx);
out_put:
	if (ret && ret != -EAGAIN)
		atomic64_inc(&svm->unrecoverable);
	mmput(svm->mm);
	return ret;
}
#else
int vsvm_svm_fault_exclusive(struct vsvm_vm *vm, u64 addr)
{
	/* SVM_MADVISE refuses the device atomic mode without device memory. */
	return -EFAULT;
}
#endif

/**
 * vsvm_svm_mapped() - Whether an SVM VM's address is mapped already
 * @vm: The SVM VM.
 * @addr: A faulting address.
 * @write: Whether the access writes.
 *
 * A fault of the fault queue that another fault resolved meanwhile (jobs
 * of several contexts fault on one chunk) needs nothing more: resolving it
 * again would clear the chunk's entries under the other jobs, which would
 * fault again.  Read under the notifier lock, so that a fault writing the
 * chunk's entries now is waited for.
 *
 * Return: true if @addr has an entry allowing the access.
 */
bool vsvm_svm_mapped(struct vsvm_vm *vm, u64 addr, bool write)
{
	struct vsvm_pt_walk walk;
	bool mapped;

	mutex_lock(&vm->svm->vmm->notifier_lock);
	mapped = !vsvm_pt_walk(&vm->pt, addr, &walk) &&
		 (!write || (walk.pte & VSVM_PTE_WRITE));
	mutex_unlock(&vm->svm->vmm->notifier_lock);
	return mapped;
}

/**
 * vsvm_svm_unmap() - Clear an SVM VM's entries of a range
 * @vm: The SVM VM.
 * @start: Start of the range.
 * @end: Its end.
 *
 * The next GPU access to the range faults and maps it again with what
 * holds then (a range made read-only by SVM_MADVISE, I10).
 */
void vsvm_svm_unmap(struct vsvm_vm *vm, u64 start, u64 end)
{
	mutex_lock(&vm->svm->vmm->notifier_lock);
	svm_unmap_range_locked(vm, start, end, false);
	mutex_unlock(&vm->svm->vmm->notifier_lock);
}

/**
 * vsvm_svm_debugfs_show() - Print an SVM VM's fault statistics
 * @vm: The VM.
 * @m: Where to print (debugfs ``vsvm_svm``).
 *
 * The names follow Xe's gt_stats (svm_pagefault_count and the like), so
 * figures compare.
 */
void vsvm_svm_debugfs_show(struct vsvm_vm *vm, struct seq_file *m)
{
	struct vsvm_svm *svm = vm->svm;

	if (!svm)
		return;
	seq_printf(m, "pasid: %u%s\n", svm->vmm->pasid,
		   READ_ONCE(svm->vmm->pasid_live) ? "" : " (mm gone)");
	seq_printf(m, "svm_pagefault_count: %lld\n", (long long)atomic64_read(&svm->faults));
	seq_printf(m, "svm_pagefault_pages: %lld\n", (long long)atomic64_read(&svm->fault_pages));
	seq_printf(m, "svm_2M_pagefault_count: %lld\n",
		   (long long)atomic64_read(&svm->faults_by_size[0]));
	seq_printf(m, "svm_64K_pagefault_count: %lld\n",
		   (long long)atomic64_read(&svm->faults_by_size[1]));
	seq_printf(m, "svm_4K_pagefault_count: %lld\n",
		   (long long)atomic64_read(&svm->faults_by_size[2]));
	seq_printf(m, "svm_pagefault_us: %lld\n", (long long)atomic64_read(&svm->fault_ns) / 1000);
	seq_printf(m, "svm_get_pages_us: %lld\n",
		   (long long)atomic64_read(&svm->get_pages_ns) / 1000);
	seq_printf(m, "svm_bind_us: %lld\n", (long long)atomic64_read(&svm->bind_ns) / 1000);
	seq_printf(m, "svm_fault_queued: %lld\n", (long long)atomic64_read(&svm->queued_faults));
	seq_printf(m, "svm_fault_delivery_us: %lld\n",
		   (long long)atomic64_read(&svm->delivery_ns) / 1000);
	seq_printf(m, "svm_fault_replay_us: %lld\n",
		   (long long)atomic64_read(&svm->replay_ns) / 1000);
	seq_printf(m, "svm_prefetch_pages: %lld\n",
		   (long long)atomic64_read(&svm->prefetch_pages));
	seq_printf(m, "svm_unrecoverable: %lld\n", (long long)atomic64_read(&svm->unrecoverable));
	seq_printf(m, "svm_fault_busy: %lld\n", (long long)atomic64_read(&svm->busy));
	seq_printf(m, "svm_invalidations: %lld\n", (long long)atomic64_read(&svm->invalidations));
	seq_printf(m, "svm_exclusive_count: %lld\n",
		   (long long)atomic64_read(&svm->exclusive_faults));
}
