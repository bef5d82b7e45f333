/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 *
 * What vsvm_userptr.c (pages, invalidation, creation) and
 * vsvm_userptr_export.c (a registration's dma-buf and its release when the
 * address space goes) share; not for the rest of the driver.
 */
#ifndef __VSVM_USERPTR_PRIV_H__
#define __VSVM_USERPTR_PRIV_H__

#include <linux/mutex.h>

#include <drm/vsvm_drm.h>

#include "vsvm_drv.h"
#include "vsvm_mm.h"
#include "vsvm_userptr.h"

struct dma_buf;
struct work_struct;

static inline struct vsvm_device *up_vdev(struct vsvm_userptr *up)
{
	return to_vsvm_device(up->base.dev);
}

static inline bool up_longterm(struct vsvm_userptr *up)
{
	return up->flags & DRM_VSVM_USERPTR_PIN_LONGTERM;
}

/* The object's invalidation lock: its address space's (&vsvm_mm.notifier_lock). */
static inline struct mutex *up_lock(struct vsvm_userptr *up)
{
	return &up->vmm->notifier_lock;
}

static inline bool up_read_only(struct vsvm_userptr *up)
{
	return up->flags & DRM_VSVM_USERPTR_READ_ONLY;
}

static inline unsigned long up_npages(struct vsvm_userptr *up)
{
	return up->base.size >> PAGE_SHIFT;
}

bool up_drop_pages_locked(struct vsvm_userptr *up, bool block);
void up_queue_release(struct vsvm_userptr *up);
void up_release_work(struct work_struct *work);
struct dma_buf *vsvm_userptr_export(struct drm_gem_object *obj, int flags);

#endif
