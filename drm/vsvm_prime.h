/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_PRIME_H__
#define __VSVM_PRIME_H__

#include <linux/atomic.h>
#include <linux/list.h>

#include <drm/drm_gem.h>

struct dma_buf;
struct drm_file;
struct seq_file;
struct sg_table;
struct vsvm_device;
struct vsvm_vm;
struct vsvm_vma;

/**
 * struct vsvm_import - A GEM object imported from a dma-buf
 *
 * vsvm imports every dma-buf dynamically (dma_buf_dynamic_attach()): the
 * attachment is mapped when a VM_BIND or EXEC needs it, and unmapped when
 * the exporter says it moves the buffer (move_notify).  Its fields change
 * only under the reservation, which is the dma-buf's.
 */
struct vsvm_import {
	/** @base: The GEM object; &vsvm_import embeds it. */
	struct drm_gem_object base;
	/** @sgt: The attachment's mapping, or NULL while unmapped. */
	struct sg_table *sgt;
	/** @vmas: Mappings of the object (&vsvm_vma.up_link). */
	struct list_head vmas;
	/** @dev_link: Entry in &vsvm_device.imports. */
	struct list_head dev_link;
};

/**
 * struct vsvm_prime_stats - A device's dma-buf counters (debugfs)
 */
struct vsvm_prime_stats {
	/** @imports: Live imported objects. */
	atomic64_t imports;
	/** @maps: Attachment maps done as an importer. */
	atomic64_t maps;
	/** @move_notifies: move_notify calls received as an importer. */
	atomic64_t move_notifies;
	/** @evictions: move_notify calls made as an exporter. */
	atomic64_t evictions;
	/** @skipped_pinned: Evictions skipped: an importer pinned the buffer. */
	atomic64_t skipped_pinned;
};

bool vsvm_gem_is_import(struct drm_gem_object *obj);
void vsvm_prime_unplug(struct vsvm_device *vdev);
struct vsvm_import *to_vsvm_import(struct drm_gem_object *obj);

struct dma_buf *vsvm_gem_prime_export(struct drm_gem_object *obj, int flags);
struct drm_gem_object *vsvm_gem_prime_import(struct drm_device *drm, struct dma_buf *dma_buf);
int vsvm_prime_handle_to_fd(struct drm_device *drm, struct drm_file *file, u32 handle,
			    u32 flags, int *prime_fd);

int vsvm_import_map_locked(struct vsvm_import *imp);
int vsvm_import_vma_bind_locked(struct vsvm_import *imp, struct vsvm_vm *vm,
				struct vsvm_vma *vma);
void vsvm_import_vma_detach_locked(struct vsvm_vma *vma);

int vsvm_prime_evict_all(struct vsvm_device *vdev);
void vsvm_prime_debugfs_show(struct vsvm_device *vdev, struct seq_file *m);

#endif /* __VSVM_PRIME_H__ */
