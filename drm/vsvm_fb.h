/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_FB_H__
#define __VSVM_FB_H__

#include <linux/atomic.h>
#include <linux/types.h>

#include "vsvm_compose.h"

struct dma_fence;
struct drm_device;
struct drm_file;
struct drm_framebuffer;
struct drm_gem_object;
struct drm_mode_fb_cmd2;
struct drm_plane;
struct drm_plane_state;
struct seq_file;
struct vsvm_device;

/**
 * struct vsvm_fb_stats - A device's framebuffer counters (debugfs ``vsvm_fb``)
 */
struct vsvm_fb_stats {
	/** @accesses: Framebuffer accesses begun (one per framebuffer per frame). */
	atomic64_t accesses;
	/**
	 * @gone: Of those, how many found the memory gone (a userptr whose
	 * range is unmapped or not accessible as its mode needs, a device
	 * unplugged, memory that could not be made resident): the frame
	 * shows that plane as transparent, and writes nothing back.
	 */
	atomic64_t gone;
	/**
	 * @revalidations: Notifier-mode userptr framebuffers whose pages a
	 * composition got again after an invalidation.
	 */
	atomic64_t revalidations;
	/** @retries: Compositions that raced with an invalidation and started over. */
	atomic64_t retries;
};

/**
 * struct vsvm_fb_access - One framebuffer's memory during one composition
 *
 * Filled by vsvm_fb_frame_add() and vsvm_fb_begin_access(); the composer
 * uses @src (a plane) or @dst (the writeback destination) until
 * vsvm_fb_end_access().  The fields after @error are private.
 */
struct vsvm_fb_access {
	/**
	 * @src: Reads the framebuffer's memory (the whole GEM object, from
	 * offset 0: &vsvm_compose_plane.offset is the framebuffer's
	 * offsets[0]); pass it as &vsvm_compose_plane.src.  Every page read
	 * is vetted by the DMA checker first.  Fails with -EFAULT when the
	 * memory is gone (@error), -ERANGE outside the framebuffer.
	 */
	struct vsvm_pixel_src src;
	/**
	 * @dst: Writes the framebuffer's memory; set only for an access added
	 * for writing (the writeback destination): &vsvm_compose_frame.wb.
	 */
	struct vsvm_pixel_dst dst;
	/**
	 * @error: 0 when the memory is readable (writable) for this frame;
	 * otherwise why it is not (-EFAULT: the userptr's range is gone;
	 * -EACCES: a read-only userptr as a writeback destination; -ENODEV:
	 * the device is unplugged; -ENOMEM), and every @src read (@dst
	 * write) fails: the frame shows the plane as transparent.
	 */
	int error;

	/* private: */
	struct drm_framebuffer *fb;
	struct drm_gem_object *obj;
	bool write;
	u64 start;
	u64 end;
	unsigned long first;
	unsigned long npages;
	dma_addr_t *dma;
};

/** VSVM_FB_FRAME_MAX - Framebuffers one composition may access. */
#define VSVM_FB_FRAME_MAX	(VSVM_COMPOSE_MAX_PLANES + 1)

/**
 * struct vsvm_fb_frame - The framebuffers one composition reads and writes
 *
 * The composition worker (a kernel thread: a work item) brackets each
 * composition with it::
 *
 *	vsvm_fb_frame_init(&fr, drm);
 *	for each visible plane:
 *		acc = vsvm_fb_frame_add(&fr, plane_state->fb, false);
 *		compose_plane.src = acc->src;
 *	if writeback:
 *		acc = vsvm_fb_frame_add(&fr, wb_fb, true);
 *		compose_frame.wb = &acc->dst;
 *	ret = vsvm_fb_begin_access(&fr);
 *	if (!ret) {
 *		vsvm_compose_frame(...);
 *		vsvm_fb_end_access(&fr);
 *	}
 *
 * vsvm_fb_begin_access() makes every framebuffer's memory resident and
 * DMA-mapped (it may allocate and sleep), then publishes one fence for the
 * whole composition in each object's reservation, after which nothing may
 * allocate memory or wait for another fence until vsvm_fb_end_access()
 * signals it (a fence-signalling section, checked by lockdep): a userptr
 * invalidation, an eviction or a move_notify then waits for the
 * composition (I1, I9), and the next composition gets the memory again.
 *
 * vsvm_fb_frame_add() returns NULL past %VSVM_FB_FRAME_MAX framebuffers;
 * it takes no reference, so a frame given up before vsvm_fb_begin_access()
 * holds nothing.
 * vsvm_fb_begin_access() returns 0, or -ENODEV once the device is unplugged
 * (then there is nothing to end); a framebuffer whose memory is gone does
 * not fail the frame: its access says so in &vsvm_fb_access.error.  The
 * structure is large (put it in the worker's state, not on its stack).
 * The fields after @acc are private.
 */
struct vsvm_fb_frame {
	/** @count: Framebuffers added. */
	unsigned int count;
	/** @acc: Their accesses, in the order added. */
	struct vsvm_fb_access acc[VSVM_FB_FRAME_MAX];

	/* private: */
	struct drm_device *drm;
	struct dma_fence *fence;
	int dev_idx;
	bool entered;
	bool signalling;
};

struct drm_framebuffer *vsvm_fb_create(struct drm_device *drm, struct drm_file *file,
				       const struct drm_mode_fb_cmd2 *mode_cmd);
int vsvm_fb_prepare(struct drm_plane *plane, struct drm_plane_state *state);
int vsvm_fb_check_writeback(struct drm_framebuffer *fb);

void vsvm_fb_frame_init(struct vsvm_fb_frame *frame, struct drm_device *drm);
struct vsvm_fb_access *vsvm_fb_frame_add(struct vsvm_fb_frame *frame,
					 struct drm_framebuffer *fb, bool write);
int vsvm_fb_begin_access(struct vsvm_fb_frame *frame);
void vsvm_fb_end_access(struct vsvm_fb_frame *frame);

void vsvm_fb_debugfs_show(struct vsvm_device *vdev, struct seq_file *m);

#endif /* __VSVM_FB_H__ */
