// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_print.h>

#include "vsvm_drv.h"
#include "vsvm_migrate.h"
#include "vsvm_vram.h"

/**
 * DOC: simulated VRAM
 *
 * Each device may have VRAM (module parameter and configfs attribute
 * ``vram_mb``, 0 for none), built as lib/test_hmm.c builds device memory
 * with no hardware: a MEMORY_DEVICE_PRIVATE &struct dev_pagemap over a free
 * physical range (request_free_mem_region(), memremap_pages()), whose
 * struct pages are the VRAM's pages.  The CPU cannot map them: the core mm
 * keeps a device-private swap entry in the process's page table, and a CPU
 * access calls &dev_pagemap_ops.migrate_to_ram, which moves the page back
 * (vsvm_migrate.c).  The data of a page in use lives in a system page the
 * driver allocates with it and frees in &dev_pagemap_ops.page_free, its
 * backing page (&page.zone_device_data): the engine reaches it, like any
 * page, through the GPU page table and its DMA address, so that the page
 * tables, the TLB and the DMA checker treat VRAM as they treat system
 * memory.  The backing is allocated as the page is, so only VRAM in use
 * costs memory; the pagemap itself costs its struct pages, over a range
 * rounded up to whole memory sections (128 MiB on x86-64), of which only
 * the first ``vram_mb`` are handed out.
 *
 * The allocator is a free list of device pages (&vsvm_vram.free) under a
 * spinlock: page_free may run wherever the core mm drops a page's last
 * reference.  Pages are 4 KiB: the 6.12 kernel migrates device-private
 * memory a base page at a time (migrate_vma has no compound device pages
 * there; a THP is split when collected), so a 2 MiB chunk is 512 pages.
 *
 * The device's migration queue (&vsvm_vram.migq, see vsvm_migrate.c) is
 * made with the VRAM and goes with it: a device without VRAM has none.
 *
 * The device's removal (and so the module's unload) first evicts every
 * page in use back to system memory (vsvm_migrate_evict(), whose copies
 * the migration queue still runs after the unplug, I8); then
 * memunmap_pages() finds no page left and the range is given back, and
 * the migration queue is torn down.
 *
 * Statistics are in debugfs ``vsvm_vram`` and QUERY (%DRM_VSVM_QUERY_VRAM).
 */

#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)

static struct vsvm_vram *page_to_vram(struct page *page)
{
	return container_of(page->pgmap, struct vsvm_vram, pagemap);
}

/* &dev_pagemap_ops.page_free: the core mm gives a device page back. */
static void vram_page_free(struct page *page)
{
	struct vsvm_vram *vram = page_to_vram(page);
	struct page *backing = page->zone_device_data;

	if (backing)
		__free_page(backing);
	spin_lock(&vram->lock);
	page->zone_device_data = vram->free;
	vram->free = page;
	vram->used--;
	spin_unlock(&vram->lock);
}

static const struct dev_pagemap_ops vram_pagemap_ops = {
	.page_free = vram_page_free,
	.migrate_to_ram = vsvm_migrate_to_ram,
};

/**
 * vsvm_vram_page_device() - The vsvm device whose VRAM a page is
 * @page: Any page.
 *
 * Return: the device (the pagemap's owner), or NULL for a page that is not
 * a vsvm device's VRAM.
 */
struct vsvm_device *vsvm_vram_page_device(struct page *page)
{
	if (!is_device_private_page(page) || page->pgmap->ops != &vram_pagemap_ops)
		return NULL;
	return page->pgmap->owner;
}

/**
 * vsvm_vram_backing() - The system page holding a VRAM page's data
 * @vdev: The device.
 * @page: A page hmm_range_fault() returned for the device.
 *
 * Return: the backing page if @page is in @vdev's VRAM, else NULL.
 */
struct page *vsvm_vram_backing(struct vsvm_device *vdev, struct page *page)
{
	if (vsvm_vram_page_device(page) != vdev)
		return NULL;
	return page->zone_device_data;
}

/**
 * vsvm_vram_alloc_page() - Take a free VRAM page, with its backing
 * @vram: The device's VRAM.
 *
 * The page is locked and referenced (zone_device_page_init()), as a
 * migration's destination must be.
 *
 * Return: the page, or NULL if VRAM or memory for the backing is short,
 * or if a test made this allocation fail (vsvm_debug_vram_alloc_fail()).
 */
struct page *vsvm_vram_alloc_page(struct vsvm_vram *vram)
{
	struct page *backing, *page;

	if (vsvm_debug_vram_alloc_fail(vram->vdev))
		return NULL;
	backing = alloc_page(GFP_HIGHUSER | __GFP_NOWARN);
	if (!backing)
		return NULL;
	spin_lock(&vram->lock);
	page = vram->free;
	if (page) {
		vram->free = page->zone_device_data;
		vram->used++;
	}
	spin_unlock(&vram->lock);
	if (!page) {
		__free_page(backing);
		return NULL;
	}
	zone_device_page_init(page);
	page->zone_device_data = backing;
	return page;
}

/**
 * vsvm_vram_init() - Give a device its VRAM
 * @vdev: The device, being probed.
 * @size_mb: The size in MiB; 0 for none.
 *
 * Return: 0, -ENOMEM, or an error of request_free_mem_region() or
 * memremap_pages().
 */
int vsvm_vram_init(struct vsvm_device *vdev, u32 size_mb)
{
	struct vsvm_vram *vram;
	unsigned long pfn, first;
	void *ptr;
	int ret;

	if (!size_mb)
		return 0;
	vram = kzalloc(sizeof(*vram), GFP_KERNEL);
	if (!vram)
		return -ENOMEM;
	vram->vdev = vdev;
	spin_lock_init(&vram->lock);
	vram->res = request_free_mem_region(&iomem_resource, (unsigned long)size_mb * SZ_1M,
					    "vsvm-vram");
	if (IS_ERR(vram->res)) {
		ret = PTR_ERR(vram->res);
		goto err_free;
	}
	vram->pagemap.type = MEMORY_DEVICE_PRIVATE;
	vram->pagemap.range.start = vram->res->start;
	vram->pagemap.range.end = vram->res->end;
	vram->pagemap.nr_range = 1;
	vram->pagemap.ops = &vram_pagemap_ops;
	vram->pagemap.owner = vdev;
	vram->migq = vsvm_migq_create(vdev);
	if (IS_ERR(vram->migq)) {
		ret = PTR_ERR(vram->migq);
		goto err_release;
	}
	ptr = memremap_pages(&vram->pagemap, dev_to_node(vdev->drm.dev));
	if (IS_ERR(ptr)) {
		ret = PTR_ERR(ptr);
		goto err_migq;
	}
	/*
	 * The range is whole memory sections (128 MiB on x86-64): only its
	 * first @size_mb are VRAM, the rest of its pages are never handed out.
	 */
	first = PHYS_PFN(vram->res->start);
	vram->npages = ((unsigned long)size_mb * SZ_1M) >> PAGE_SHIFT;
	for (pfn = first + vram->npages; pfn-- > first; ) {
		struct page *page = pfn_to_page(pfn);

		page->zone_device_data = vram->free;
		vram->free = page;
	}
	vdev->vram = vram;
	return 0;

err_migq:
	vsvm_migq_destroy(vram->migq);
err_release:
	release_mem_region(vram->res->start, resource_size(vram->res));
err_free:
	kfree(vram);
	return ret;
}

/**
 * vsvm_vram_fini() - Take a device's VRAM away, at its removal
 * @vdev: The device, unplugged: its files' VMs are torn down.
 *
 * Processes may still have pages in the VRAM: they are evicted to system
 * memory first, until none is left, so that memunmap_pages() waits for
 * nothing.  The loop has no bound because nothing else can be done: a
 * device-private page in use must leave before its pagemap goes
 * (memunmap_pages() would wait for it as long).  A page is skipped only
 * while another migration holds its lock, or while memory for its copy is
 * short; if no page moves for 10 seconds, a warning says how many are
 * left, so that a stuck removal is diagnosable rather than silent.
 */
void vsvm_vram_fini(struct vsvm_device *vdev)
{
	struct vsvm_vram *vram = vdev->vram;
	unsigned long last = jiffies;
	bool warned = false;

	if (!vram)
		return;
	while (READ_ONCE(vram->used)) {
		if (vsvm_migrate_evict(vram, vram->npages)) {
			last = jiffies;
			continue;
		}
		if (!warned && time_after(jiffies, last + 10 * HZ)) {
			drm_warn(&vdev->drm, "VRAM removal: %lu pages in use could not move for 10 s, retrying\n",
				 READ_ONCE(vram->used));
			warned = true;
		}
		schedule_timeout_uninterruptible(1);
	}
	memunmap_pages(&vram->pagemap);
	release_mem_region(vram->res->start, resource_size(vram->res));
	vsvm_migq_destroy(vram->migq);
	vdev->vram = NULL;
	kfree(vram);
}

#endif /* CONFIG_DEVICE_PRIVATE */

/**
 * vsvm_vram_query() - Fill in %DRM_VSVM_QUERY_VRAM's answer
 * @vdev: The device.
 * @q: The answer, zeroed by the caller; left zero without VRAM.
 */
void vsvm_vram_query(struct vsvm_device *vdev, struct drm_vsvm_query_vram *q)
{
	static const u64 sizes[VSVM_SVM_CHUNK_SIZES] = { SZ_2M, SZ_64K, SZ_4K };
	struct vsvm_vram *vram = vdev->vram;
	unsigned int i;

	if (!vram)
		return;
	q->size = (u64)vram->npages << PAGE_SHIFT;
	q->used = (u64)READ_ONCE(vram->used) << PAGE_SHIFT;
	q->migrated_to_vram = atomic64_read(&vram->to_vram);
	q->migrated_to_ram = atomic64_read(&vram->to_ram);
	q->cpu_faults = atomic64_read(&vram->cpu_faults);
	q->evictions = atomic64_read(&vram->evictions);
	for (i = 0; i < VSVM_SVM_CHUNK_SIZES; i++) {
		struct vsvm_vram_stats *s = &vram->stats[i];

		q->chunks[i] = (struct drm_vsvm_vram_chunk_stats){
			.chunk_size = sizes[i],
			.migrations = atomic64_read(&s->faults),
			.get_pages_us = div_u64(atomic64_read(&s->get_pages_ns), 1000),
			.migrate_us = div_u64(atomic64_read(&s->migrate_ns), 1000),
			.copy_us = div_u64(atomic64_read(&s->copy_ns), 1000),
			.bind_us = div_u64(atomic64_read(&s->bind_ns), 1000),
		};
	}
}

/**
 * vsvm_vram_debugfs_show() - Print a device's VRAM statistics
 * @vdev: The device.
 * @m: Where to print (debugfs ``vsvm_vram``).
 *
 * The per-size names follow Xe's gt_stats (svm_2M_migrate_us and the like).
 */
void vsvm_vram_debugfs_show(struct vsvm_device *vdev, struct seq_file *m)
{
	static const char * const names[VSVM_SVM_CHUNK_SIZES] = { "2M", "64K", "4K" };
	struct drm_vsvm_query_vram q = {};
	unsigned int i;

	vsvm_vram_query(vdev, &q);
	seq_printf(m, "vram_size: %llu\n", q.size);
	seq_printf(m, "vram_used: %llu\n", q.used);
	seq_printf(m, "migrated_to_vram: %llu\n", q.migrated_to_vram);
	seq_printf(m, "migrated_to_ram: %llu\n", q.migrated_to_ram);
	seq_printf(m, "cpu_faults: %llu\n", q.cpu_faults);
	seq_printf(m, "evictions: %llu\n", q.evictions);
	seq_printf(m, "alloc_failures: %lld\n",
		   vdev->vram ? (long long)atomic64_read(&vdev->vram->alloc_failures) : 0);
	if (vdev->vram) {
		struct vsvm_migq *mq = vdev->vram->migq;

		seq_printf(m, "migrate_jobs: %lld\n", (long long)atomic64_read(&mq->jobs));
		seq_printf(m, "migrate_jobs_failed: %lld\n",
			   (long long)atomic64_read(&mq->failed));
		seq_printf(m, "migrate_job_pages: %lld\n",
			   (long long)atomic64_read(&mq->pages));
	}
	for (i = 0; i < VSVM_SVM_CHUNK_SIZES; i++) {
		seq_printf(m, "svm_%s_migrate_count: %llu\n", names[i], q.chunks[i].migrations);
		seq_printf(m, "svm_%s_get_pages_us: %llu\n", names[i], q.chunks[i].get_pages_us);
		seq_printf(m, "svm_%s_migrate_us: %llu\n", names[i], q.chunks[i].migrate_us);
		seq_printf(m, "svm_%s_device_copy_us: %llu\n", names[i], q.chunks[i].copy_us);
		seq_printf(m, "svm_%s_bind_us: %llu\n", names[i], q.chunks[i].bind_us);
	}
}
