// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-resv.h>
#include <linux/seq_file.h>
#include <linux/shrinker.h>

#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_shrinker.h"

/**
 * DOC: the shrinker
 *
 * Buffer objects hold their pages only while a VM needs them mapped; under
 * memory pressure each device's shrinker gives idle ones back to shmem
 * (vsvm_bo_evict_locked()), from where the kernel can swap them, and the
 * next VM_BIND or EXEC that needs an evicted object gets its pages back and
 * rewrites its page-table entries (vsvm_vm_import_commit_locked()).
 *
 * Objects whose pages are held are on the device's LRU list.  The shrinker
 * walks it oldest first and only *tries* to lock each reservation,
 * skipping what it cannot lock (I2): a reservation may be held by a thread
 * that is itself allocating, and waiting for it from reclaim could
 * deadlock.  The objects' reservations also keep them alive while the
 * shrinker looks at them: freeing an object takes its reservation and
 * takes it off the list first.
 *
 * An object is skipped if a job uses it, a static importer pinned it, or
 * its pages are held by something else too (a CPU mmap, a vmap), since
 * evicting it would free nothing.  ``echo 2 > /proc/sys/vm/drop_caches``
 * runs every shrinker, which is how the tests call it.
 */

static unsigned long vsvm_shrinker_count(struct shrinker *shrinker,
					 struct shrink_control *sc)
{
	struct vsvm_device *vdev = shrinker->private_data;
	long pages = atomic64_read(&vdev->resident_pages);

	return pages > 0 ? pages : SHRINK_EMPTY;
}

static unsigned long vsvm_shrinker_scan(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct vsvm_device *vdev = shrinker->private_data;
	unsigned long freed = 0;
	struct vsvm_bo *bo;
	LIST_HEAD(seen);

	spin_lock(&vdev->lru_lock);
	while (freed < sc->nr_to_scan &&
	       (bo = list_first_entry_or_null(&vdev->lru, struct vsvm_bo, lru))) {
		struct dma_resv *resv = bo->base.base.resv;

		list_move_tail(&bo->lru, &seen);
		/* I2: never wait for a reservation from reclaim. */
		if (!dma_resv_trylock(resv)) {
			atomic64_inc(&vdev->shrink_stats.skipped_locked);
			continue;
		}
		spin_unlock(&vdev->lru_lock);
		freed += vsvm_bo_evict_locked(bo);
		dma_resv_unlock(resv);
		spin_lock(&vdev->lru_lock);
	}
	/* What was looked at and kept goes to the back of the list. */
	list_splice_tail(&seen, &vdev->lru);
	spin_unlock(&vdev->lru_lock);

	return freed ?: SHRINK_STOP;
}

/**
 * vsvm_shrinker_init() - Register a device's shrinker
 * @vdev: The device.
 *
 * Return: 0, or -ENOMEM.
 */
int vsvm_shrinker_init(struct vsvm_device *vdev)
{
	vdev->shrinker = shrinker_alloc(0, "drm-vsvm%u", vdev->index);
	if (!vdev->shrinker)
		return -ENOMEM;
	vdev->shrinker->count_objects = vsvm_shrinker_count;
	vdev->shrinker->scan_objects = vsvm_shrinker_scan;
	vdev->shrinker->private_data = vdev;
	shrinker_register(vdev->shrinker);
	return 0;
}

/**
 * vsvm_shrinker_fini() - Unregister a device's shrinker
 * @vdev: The device.
 */
void vsvm_shrinker_fini(struct vsvm_device *vdev)
{
	shrinker_free(vdev->shrinker);
	vdev->shrinker = NULL;
}

/**
 * vsvm_shrinker_debugfs_show() - Print a device's eviction counters
 * @vdev: The device.
 * @m: Where to print (debugfs ``vsvm_shrinker``).
 */
void vsvm_shrinker_debugfs_show(struct vsvm_device *vdev, struct seq_file *m)
{
	struct vsvm_shrink_stats *s = &vdev->shrink_stats;

	seq_printf(m, "resident_pages: %lld\n", (long long)atomic64_read(&vdev->resident_pages));
	seq_printf(m, "evictions: %lld\n", (long long)atomic64_read(&s->evictions));
	seq_printf(m, "evicted_pages: %lld\n", (long long)atomic64_read(&s->evicted_pages));
	seq_printf(m, "restores: %lld\n", (long long)atomic64_read(&s->restores));
	seq_printf(m, "skipped_locked: %lld\n", (long long)atomic64_read(&s->skipped_locked));
	seq_printf(m, "skipped_busy: %lld\n", (long long)atomic64_read(&s->skipped_busy));
}
