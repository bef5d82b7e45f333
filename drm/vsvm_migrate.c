// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-direct.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/memremap.h>
#include <linux/migrate.h>
#include <linux/mm.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_migrate.h"
#include "vsvm_svm.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * DOC: migration
 *
 * Pages move between system memory and a device's VRAM with the kernel's
 * migrate_vma helpers, as lib/test_hmm.c and nouveau move them:
 * migrate_vma_setup() collects and unmaps the source pages (the MMU
 * notifier clears every GPU mapping of them first: svm_invalidate() in
 * vsvm_svm.c, I1), the driver allocates the destination pages and copies,
 * migrate_vma_pages() installs them, and migrate_vma_finalize() releases
 * the sources.  Four ways:
 *
 * - to VRAM, by SVM_PREFETCH with %DRM_VSVM_SVM_PREFETCH_VRAM, a chunk at a
 *   time, from the fault queue's worker (vsvm_migrate_to_vram()); to the
 *   other device's VRAM likewise, with that device's pagemap owner and
 *   allocator, by %DRM_VSVM_SVM_PREFETCH_OTHER_DEVICE or a fault in a range
 *   preferring it;
 * - to system memory by SVM_PREFETCH with %DRM_VSVM_SVM_PREFETCH_SYSTEM
 *   (vsvm_migrate_range_to_ram());
 * - to system memory on a CPU access to a page in VRAM (the pagemap's
 *   migrate_to_ram, vsvm_migrate_to_ram(), one page), and on a GPU access
 *   of another device (its hmm_range_fault() faults the page, which calls
 *   this device's migrate_to_ram);
 * - to system memory when VRAM is short (vsvm_migrate_evict(), with
 *   migrate_device_range(), which only try-locks the pages) and at the
 *   device's removal.
 *
 * A page for which no VRAM page can be had, even after an eviction, stays
 * in system memory (counted in debugfs ``vsvm_vram`` ``alloc_failures``)
 * and the fault or prefetch maps it there: a chunk may end up partly in
 * VRAM.  Tests make chosen allocations fail with the debug build's
 * ``fail_vram_alloc`` fault-injection attributes (vsvm_debug.c).
 *
 * The copy is an engine job, like any other, on the device's migration
 * queue (&vsvm_vram.migq, made with the VRAM: vsvm_migq_create() in
 * vsvm_sched.c), as Xe's migrate engine copies: a ring of its own, with
 * its own scheduler, engine thread and submission context at kernel
 * priority, which runs nothing but migration copies.  Its jobs thus never
 * queue behind a user's job, and above all not behind one parked on a
 * fault of the address space being migrated, whose resolution may wait
 * for the mmap lock or the page lock that the migrating thread holds.
 * migrate_copy() builds the job from the pages collected: every source
 * and destination page is DMA-mapped (and recorded by the DMA checker,
 * sources read-only) before the job is pushed, and everything else the
 * job needs is allocated then too; the engine copies page by page through
 * the DMA addresses, each access vetted by the DMA checker as a COPY's is
 * (vsvm_engine_migrate(), I10), in the fence-signalling section of its
 * thread (I2); the migrating thread waits for the job's fence, and only
 * then are the pages unmapped.  The wait is bounded by the queue's
 * timeout, after which the scheduler kills the job.  A job that fails
 * (the checker refused a page, or it was killed) leaves the pages it did
 * not copy where they were: their destinations are given back and their
 * entries cleared, so that migrate_vma_pages() does not move them; a CPU
 * fault on such a page faults again.  The copy time counted
 * (``device_copy``) is the job's, from its push to its fence.  The
 * migration queue lives until the VRAM is empty: the removal's evictions
 * run on it after the unplug (I8).
 *
 * Pages the kernel cannot move stay where they are, and are mapped there:
 * pages of file and shared mappings (migrate_vma moves only anonymous
 * memory to device-private memory), pinned pages, and pages for which no
 * VRAM page could be had even after an eviction.
 */

/* A chunk's worth of migrate pfns: 2 MiB in base pages. */
#define MIGRATE_MAX_PAGES	(SZ_2M >> PAGE_SHIFT)

/* DMA-maps one page of a migration job, for the engine and its checker. */
static int migrate_map(struct vsvm_device *vdev, struct vsvm_migrate_pages *mp,
		       struct page *page, enum dma_data_direction dir, u64 *dma)
{
	struct device *dev = vdev->drm.dev;
	dma_addr_t addr;

	addr = dma_map_page(dev, page, 0, PAGE_SIZE, dir);
	if (dma_mapping_error(dev, addr))
		return -EFAULT;
	if (vsvm_dmachk_map(&vdev->dmachk, mp, addr, PAGE_SIZE, dir == DMA_TO_DEVICE)) {
		dma_unmap_page(dev, addr, PAGE_SIZE, dir);
		return -ENOMEM;
	}
	*dma = addr;
	return 0;
}

static void migrate_unmap(struct vsvm_device *vdev, struct vsvm_migrate_pages *mp, u64 dma,
			  enum dma_data_direction dir)
{
	vsvm_dmachk_unmap(&vdev->dmachk, mp, dma, PAGE_SIZE, false);
	dma_unmap_page(vdev->drm.dev, dma, PAGE_SIZE, dir);
}

/* Gives back the destination page of entry @i, which then stays put. */
static void migrate_drop_dst(unsigned long *dst, unsigned long i)
{
	struct page *page = migrate_pfn_to_page(dst[i]);

	unlock_page(page);
	put_page(page);
	dst[i] = 0;
}

/**
 * migrate_copy() - Copy a migration's pages with a job of the migration queue
 * @vram: The device's VRAM, whose migration queue runs the job.
 * @src: The sources' migrate pfns, as migrate_vma_setup() or
 *       migrate_device_range() collected them.
 * @dst: The destinations' migrate pfns, locked pages the caller took, or 0
 *       for entries that do not move.  Entries whose copy was not done
 *       have their page given back and are cleared: migrate_vma_pages()
 *       unsets %MIGRATE_PFN_MIGRATE for them, and they stay where they are.
 * @n: Entries of @src and @dst.
 * @to_vram: The destinations are VRAM pages, whose data is in their
 *           backing pages; else the sources are.
 *
 * Builds one job (see the DOC): every page DMA-mapped before it is pushed,
 * unmapped once its fence has signalled; waits for it.
 *
 * Return: the job's time, from its push to its fence's signal, in ns.
 */
static u64 migrate_copy(struct vsvm_vram *vram, const unsigned long *src, unsigned long *dst,
			unsigned long n, bool to_vram)
{
	struct vsvm_device *vdev = vram->vdev;
	struct vsvm_migrate_pages mp = {};
	unsigned long *idx = NULL, i, k, cnt = 0;
	bool brk;
	u64 ns = 0;
	int ret;

	for (i = 0; i < n; i++)
		cnt += !!dst[i];
	if (!cnt)
		return 0;
	mp.src = kvcalloc(cnt, sizeof(*mp.src), GFP_KERNEL);
	mp.dst = kvcalloc(cnt, sizeof(*mp.dst), GFP_KERNEL);
	idx = kvcalloc(cnt, sizeof(*idx), GFP_KERNEL);
	if (!mp.src || !mp.dst || !idx) {
		for (i = 0; i < n; i++)
			if (dst[i])
				migrate_drop_dst(dst, i);
		goto out;
	}

	/* Test knob: break I10, and watch the DMA checker stop the copy. */
	brk = vsvm_debug_migrate_break(vdev);
	for (i = 0; i < n; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]);
		struct page *dpage = migrate_pfn_to_page(dst[i]);

		if (!dst[i])
			continue;
		if (to_vram)
			dpage = dpage->zone_device_data;
		else
			spage = spage->zone_device_data;
		k = mp.npages;
		if (migrate_map(vdev, &mp, dpage, DMA_FROM_DEVICE, &mp.dst[k])) {
			migrate_drop_dst(dst, i);
			continue;
		}
		if (!spage) {
			mp.src[k] = VSVM_MIGRATE_ZERO;
		} else if (brk) {
			mp.src[k] = phys_to_dma(vdev->drm.dev, page_to_phys(spage));
		} else if (migrate_map(vdev, &mp, spage, DMA_TO_DEVICE, &mp.src[k])) {
			migrate_unmap(vdev, &mp, mp.dst[k], DMA_FROM_DEVICE);
			migrate_drop_dst(dst, i);
			continue;
		}
		idx[k] = i;
		mp.npages++;
	}
	if (!mp.npages)
		goto out;

	ret = vsvm_migq_run(vram->migq, &mp, &ns);
	if (ret)
		drm_dbg(&vdev->drm, "SVM: migration job: %d after %lu of %lu pages: they stay\n",
			ret, mp.done, mp.npages);

	/* The fence has signalled: no access of the job is left. */
	for (k = 0; k < mp.npages; k++) {
		migrate_unmap(vdev, &mp, mp.dst[k], DMA_FROM_DEVICE);
		if (mp.src[k] != VSVM_MIGRATE_ZERO && !brk)
			migrate_unmap(vdev, &mp, mp.src[k], DMA_TO_DEVICE);
		if (k >= mp.done)
			migrate_drop_dst(dst, idx[k]);
	}
out:
	kvfree(idx);
	kvfree(mp.dst);
	kvfree(mp.src);
	return ns;
}

/**
 * vsvm_migrate_evict() - Move VRAM pages in use back to system memory
 * @vram: The device's VRAM.
 * @nr: How many pages to move at most.
 *
 * Scans the VRAM from where the last eviction stopped, a window at a time,
 * at most once around, and moves the pages it can lock (it only
 * try-locks: a page being migrated now is skipped).  Called when a
 * migration to VRAM finds it short and at the device's removal.
 *
 * Return: the number of pages moved.
 */
unsigned long vsvm_migrate_evict(struct vsvm_vram *vram, unsigned long nr)
{
	unsigned long first = PHYS_PFN(vram->res->start), done = 0, scanned = 0;
	unsigned long *src, *dst;

	src = kvcalloc(MIGRATE_MAX_PAGES, sizeof(*src), GFP_KERNEL);
	dst = kvcalloc(MIGRATE_MAX_PAGES, sizeof(*dst), GFP_KERNEL);
	if (!src || !dst)
		goto out;

	while (done < nr && scanned < vram->npages) {
		unsigned long off = READ_ONCE(vram->evict_cursor) % vram->npages;
		unsigned long n = min(MIGRATE_MAX_PAGES, vram->npages - off), i;

		WRITE_ONCE(vram->evict_cursor, off + n);
		scanned += n;
		memset(dst, 0, n * sizeof(*dst));
		migrate_device_range(src, first + off, n);
		for (i = 0; i < n; i++) {
			struct page *spage = migrate_pfn_to_page(src[i]), *dpage;

			if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
				continue;
			dpage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
			if (!dpage)
				continue;
			lock_page(dpage);
			dst[i] = migrate_pfn(page_to_pfn(dpage)) |
				 (src[i] & MIGRATE_PFN_WRITE);
		}
		migrate_copy(vram, src, dst, n, false);
		migrate_device_pages(src, dst, n);
		for (i = 0; i < n; i++) {
			if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
				done++;
		}
		migrate_device_finalize(src, dst, n);
	}
	atomic64_add(done, &vram->evictions);
out:
	kvfree(src);
	kvfree(dst);
	return done;
}

/**
 * vsvm_migrate_to_vram() - Move a chunk of an SVM VM's memory to VRAM
 * @vm: The SVM VM.
 * @vdev: The device whose VRAM the pages go to: @vm's own, or the other
 *	 device (vsvm_svm_other_get()), inside drm_dev_enter() then.
 * @vma: The VMA holding [@start, @end), the mmap lock held for reading.
 * @start: Start of the chunk, page aligned.
 * @end: Its end, at most 2 MiB past @start.
 * @copy_ns: Out: the time spent copying.
 *
 * Makes room first if VRAM is short (vsvm_migrate_evict()).  The pages
 * that cannot move stay in system memory (see the DOC); so do pages in
 * another device's VRAM (migrate_vma selects system pages only).
 *
 * Return: the number of pages moved (0 for a shared mapping, whose pages
 * cannot move), or -ENOMEM, or migrate_vma_setup()'s -EINVAL for a VMA it
 * cannot migrate (a special or huge-TLB mapping).
 */
long vsvm_migrate_to_vram(struct vsvm_vm *vm, struct vsvm_device *vdev,
			  struct vm_area_struct *vma, unsigned long start, unsigned long end,
			  u64 *copy_ns)
{
	struct vsvm_vram *vram = vdev->vram;
	unsigned long n = (end - start) >> PAGE_SHIFT, i, free;
	struct migrate_vma args = {};
	unsigned long *src, *dst;
	long moved = 0;
	int ret;

	*copy_ns = 0;
	if (!vram || WARN_ON_ONCE(n > MIGRATE_MAX_PAGES))
		return 0;
	/*
	 * A shared mapping (of a file, or shared anonymous memory, which is
	 * shmem) holds page-cache pages, which the kernel never moves to
	 * device-private memory: migrate_vma_setup() would unmap them from
	 * every process that maps them and the job would copy them, only for
	 * migrate_vma_pages() to refuse them, after other processes' VRAM
	 * pages were evicted to make room.  A private mapping's anonymous
	 * pages move, a private file mapping's copies of the file's too.
	 */
	if (vma->vm_flags & VM_SHARED)
		return 0;
	src = kvcalloc(n, sizeof(*src), GFP_KERNEL);
	dst = kvcalloc(n, sizeof(*dst), GFP_KERNEL);
	if (!src || !dst) {
		ret = -ENOMEM;
		goto out;
	}

	/* VRAM pressure: evict other pages before taking these. */
	spin_lock(&vram->lock);
	free = vram->npages - vram->used;
	spin_unlock(&vram->lock);
	if (free < n)
		vsvm_migrate_evict(vram, n - free);

	args = (struct migrate_vma){
		.vma = vma, .start = start, .end = end, .src = src, .dst = dst,
		.pgmap_owner = vdev, .flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	ret = migrate_vma_setup(&args);
	if (ret) {
		drm_dbg(&vdev->drm, "SVM: migrate_vma_setup of [%#lx, %#lx): %d\n",
			start, end, ret);
		goto out;
	}
	for (i = 0; i < n && args.cpages; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]), *dpage;

		if (!(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = vsvm_vram_alloc_page(vram);
		if (!dpage) {
			atomic64_inc(&vram->alloc_failures);
			continue;
		}
		dst[i] = migrate_pfn(page_to_pfn(dpage));
		if ((src[i] & MIGRATE_PFN_WRITE) || (!spage && (vma->vm_flags & VM_WRITE)))
			dst[i] |= MIGRATE_PFN_WRITE;
	}
	*copy_ns = migrate_copy(vram, src, dst, n, true);
	migrate_vma_pages(&args);
	for (i = 0; i < n; i++) {
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	}
	migrate_vma_finalize(&args);
	atomic64_add(moved, &vram->to_vram);
	ret = 0;
out:
	kvfree(src);
	kvfree(dst);
	return ret ?: moved;
}

/*
 * Moves this device's VRAM pages of [@start, @end) of @vma back to system
 * memory (@fault_page: the page a CPU fault is on, or NULL).  Returns the
 * number moved, or -errno; -ENOMEM too when no page could be had for
 * @fault_page, -EIO when the copy of @fault_page failed.
 */
static long migrate_to_ram(struct vsvm_vram *vram, struct vm_area_struct *vma,
			   unsigned long start, unsigned long end, struct page *fault_page)
{
	unsigned long n = (end - start) >> PAGE_SHIFT, i, fault_i = n;
	unsigned long src_one = 0, dst_one = 0;
	unsigned long *src = &src_one, *dst = &dst_one;
	struct migrate_vma args;
	bool fault_oom = false, fault_io = false;
	long moved = 0;
	int ret;

	if (n > 1) {
		src = kvcalloc(n, sizeof(*src), GFP_KERNEL);
		dst = kvcalloc(n, sizeof(*dst), GFP_KERNEL);
		if (!src || !dst) {
			ret = -ENOMEM;
			goto out;
		}
	}
	args = (struct migrate_vma){
		.vma = vma, .start = start, .end = end, .src = src, .dst = dst,
		.pgmap_owner = vram->vdev, .flags = MIGRATE_VMA_SELECT_DEVICE_PRIVATE,
		.fault_page = fault_page,
	};
	ret = migrate_vma_setup(&args);
	if (ret) {
		/* Rate-limited: a prefetch to system memory comes here per chunk. */
		drm_dbg_ratelimited(&vram->vdev->drm,
				    "SVM: migrate_vma_setup to RAM of [%#lx, %#lx): %d\n",
				    start, end, ret);
		goto out;
	}
	for (i = 0; i < n && args.cpages; i++) {
		struct page *spage = migrate_pfn_to_page(src[i]), *dpage;

		if (!spage || !(src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = alloc_page_vma(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, vma,
				       start + (i << PAGE_SHIFT));
		if (!dpage) {
			fault_oom |= spage == fault_page;
			continue;
		}
		lock_page(dpage);
		dst[i] = migrate_pfn(page_to_pfn(dpage)) | (src[i] & MIGRATE_PFN_WRITE);
		if (spage == fault_page)
			fault_i = i;
	}
	migrate_copy(vram, src, dst, n, false);
	/*
	 * I1: a failed copy drops its destinations, the data stays in VRAM.
	 * The CPU fault on it must not return 0: it would retry the same
	 * failing copy forever.
	 */
	fault_io = fault_i < n && !dst[fault_i];
	migrate_vma_pages(&args);
	for (i = 0; i < n; i++) {
		if (dst[i] && (src[i] & MIGRATE_PFN_MIGRATE))
			moved++;
	}
	migrate_vma_finalize(&args);
	atomic64_add(moved, &vram->to_ram);
	/* A page that did not move for another reason faults again. */
	if (fault_oom)
		ret = -ENOMEM;
	else if (fault_io)
		ret = -EIO;
out:
	if (n > 1) {
		kvfree(src);
		kvfree(dst);
	}
	return ret ?: moved;
}

/**
 * vsvm_migrate_range_to_ram() - Move a range's VRAM pages back to system memory
 * @vm: The SVM VM, whose device's VRAM pages move.
 * @vma: The VMA holding [@start, @end), the mmap lock held for reading.
 * @start: Start of the range, page aligned.
 * @end: Its end, at most 2 MiB past @start.
 *
 * Return: the number of pages moved, or -errno.
 */
long vsvm_migrate_range_to_ram(struct vsvm_vm *vm, struct vm_area_struct *vma,
			       unsigned long start, unsigned long end)
{
	if (!vm->vdev->vram)
		return 0;
	return migrate_to_ram(vm->vdev->vram, vma, start, end, NULL);
}

/**
 * vsvm_migrate_to_ram() - &dev_pagemap_ops.migrate_to_ram of vsvm's VRAM
 * @vmf: The CPU fault on a device-private page of a vsvm device.
 *
 * Moves the one page back (the CPU touches pages one at a time; a GPU
 * prefetch to system memory moves a whole chunk).  The invalidation of
 * migrate_vma_setup() clears the GPU mappings of the page, waiting for the
 * engine's accesses in flight, before the data is copied (I1).
 *
 * Return: 0, VM_FAULT_SIGBUS if the page could not be collected or its
 * copy failed (the page stays in VRAM; retrying the fault would retry the
 * failing copy forever), or VM_FAULT_OOM if no system page could be had.
 */
vm_fault_t vsvm_migrate_to_ram(struct vm_fault *vmf)
{
	struct vsvm_vram *vram = container_of(vmf->page->pgmap, struct vsvm_vram, pagemap);
	unsigned long addr = vmf->address & PAGE_MASK;
	long ret;

	atomic64_inc(&vram->cpu_faults);
	ret = migrate_to_ram(vram, vmf->vma, addr, addr + PAGE_SIZE, vmf->page);
	if (ret == -ENOMEM)
		return VM_FAULT_OOM;
	return ret < 0 ? VM_FAULT_SIGBUS : 0;
}
