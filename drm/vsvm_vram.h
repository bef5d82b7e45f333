/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_VRAM_H__
#define __VSVM_VRAM_H__

#include <linux/atomic.h>
#include <linux/memremap.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "vsvm_svm.h"

struct drm_vsvm_query_vram;
struct page;
struct seq_file;
struct vsvm_device;
struct vsvm_migq;

/**
 * struct vsvm_vram_stats - Migration statistics of one fault chunk size
 *
 * Named as Xe's gt_stats are; times in nanoseconds, counted for GPU faults
 * and prefetches that migrated their chunk to VRAM.
 */
struct vsvm_vram_stats {
	/** @faults: Chunks migrated to VRAM by a fault or a prefetch. */
	atomic64_t faults;
	/** @get_pages_ns: Time in hmm_range_fault() and DMA mapping. */
	atomic64_t get_pages_ns;
	/** @migrate_ns: Time migrating (migrate_vma_*), copy included. */
	atomic64_t migrate_ns;
	/**
	 * @copy_ns: Of which copying the data: the migration queue's job,
	 * from its push to its fence's signal.
	 */
	atomic64_t copy_ns;
	/** @bind_ns: Time writing page-table entries. */
	atomic64_t bind_ns;
};

/**
 * struct vsvm_vram - A device's simulated VRAM (device-private memory)
 *
 * A MEMORY_DEVICE_PRIVATE pagemap over a free physical range
 * (request_free_mem_region()), as lib/test_hmm.c makes one: its struct
 * pages stand for VRAM, and each one in use has a system page the driver
 * owns, its backing page (&page.zone_device_data), which holds the data and
 * which the engine reads and writes through the GPU page tables.  A device
 * page is free, on @free, or in use: allocated by a migration and handed
 * to the core mm, until the core gives it back through &dev_pagemap_ops
 * .page_free, which frees its backing page.
 */
struct vsvm_vram {
	/** @pagemap: The device-private pagemap; its owner is the device. */
	struct dev_pagemap pagemap;
	/** @res: The physical range it covers. */
	struct resource *res;
	/** @vdev: The device. */
	struct vsvm_device *vdev;
	/** @lock: Protects @free and @used. */
	spinlock_t lock;
	/** @free: Free device pages, linked through &page.zone_device_data. */
	struct page *free;
	/** @npages: Device pages in all. */
	unsigned long npages;
	/** @used: Device pages in use. */
	unsigned long used;
	/** @evict_cursor: Where the next eviction starts looking, a pfn offset. */
	unsigned long evict_cursor;
	/** @to_vram: Pages migrated to VRAM. */
	atomic64_t to_vram;
	/** @to_ram: Pages migrated back to system memory (CPU faults, prefetch). */
	atomic64_t to_ram;
	/** @cpu_faults: CPU faults on VRAM pages (migrate_to_ram). */
	atomic64_t cpu_faults;
	/** @evictions: Pages evicted to system memory under VRAM pressure. */
	atomic64_t evictions;
	/** @alloc_failures: Pages a migration left in system memory. */
	atomic64_t alloc_failures;
	/**
	 * @migq: The device's migration queue, whose jobs copy the pages
	 * that move (see vsvm_migrate.c); made with the VRAM, and gone with it.
	 */
	struct vsvm_migq *migq;
	/** @stats: Per fault chunk size: 2 MiB, 64 KiB, 4 KiB. */
	struct vsvm_vram_stats stats[VSVM_SVM_CHUNK_SIZES];
};

#if IS_ENABLED(CONFIG_DEVICE_PRIVATE)
int vsvm_vram_init(struct vsvm_device *vdev, u32 size_mb);
void vsvm_vram_fini(struct vsvm_device *vdev);
struct page *vsvm_vram_alloc_page(struct vsvm_vram *vram);
struct page *vsvm_vram_backing(struct vsvm_device *vdev, struct page *page);
struct vsvm_device *vsvm_vram_page_device(struct page *page);
#else
static inline int vsvm_vram_init(struct vsvm_device *vdev, u32 size_mb)
{
	return 0;
}

static inline void vsvm_vram_fini(struct vsvm_device *vdev)
{
}

static inline struct page *vsvm_vram_backing(struct vsvm_device *vdev, struct page *page)
{
	return NULL;
}

static inline struct vsvm_device *vsvm_vram_page_device(struct page *page)
{
	return NULL;
}
#endif

void vsvm_vram_query(struct vsvm_device *vdev, struct drm_vsvm_query_vram *q);
void vsvm_vram_debugfs_show(struct vsvm_device *vdev, struct seq_file *m);

#endif /* __VSVM_VRAM_H__ */
