/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_SHRINKER_H__
#define __VSVM_SHRINKER_H__

#include <linux/atomic.h>

struct seq_file;
struct vsvm_device;

/**
 * struct vsvm_shrink_stats - A device's eviction counters (debugfs)
 */
struct vsvm_shrink_stats {
	/** @evictions: Objects evicted. */
	atomic64_t evictions;
	/** @evicted_pages: Pages they gave back. */
	atomic64_t evicted_pages;
	/** @restores: Evicted objects mapped again on use. */
	atomic64_t restores;
	/** @skipped_locked: Objects skipped: their reservation was held. */
	atomic64_t skipped_locked;
	/** @skipped_busy: Objects skipped: in use, pinned or CPU-mapped. */
	atomic64_t skipped_busy;
};

int vsvm_shrinker_init(struct vsvm_device *vdev);
void vsvm_shrinker_fini(struct vsvm_device *vdev);
void vsvm_shrinker_debugfs_show(struct vsvm_device *vdev, struct seq_file *m);

#endif /* __VSVM_SHRINKER_H__ */
