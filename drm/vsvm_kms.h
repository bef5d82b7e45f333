/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_KMS_H__
#define __VSVM_KMS_H__

#include <linux/hrtimer.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_encoder.h>
#include <drm/drm_plane.h>
#include <drm/drm_writeback.h>

#include "vsvm_compose.h"
#include "vsvm_fb.h"

struct drm_file;
struct drm_mode_create_dumb;
struct vsvm_device;

/** VSVM_KMS_MAX_WIDTH - Widest mode the connector offers and a CRTC takes. */
#define VSVM_KMS_MAX_WIDTH	4096
/** VSVM_KMS_MAX_HEIGHT - Tallest mode the connector offers and a CRTC takes. */
#define VSVM_KMS_MAX_HEIGHT	2160
/** VSVM_KMS_PREF_WIDTH - Width of the connector's preferred mode. */
#define VSVM_KMS_PREF_WIDTH	1024
/** VSVM_KMS_PREF_HEIGHT - Height of the connector's preferred mode. */
#define VSVM_KMS_PREF_HEIGHT	768
/** VSVM_KMS_MAX_CLOCK_KHZ - Highest pixel clock a mode may have. */
#define VSVM_KMS_MAX_CLOCK_KHZ	600000
/** VSVM_KMS_MIN_VREFRESH - Lowest refresh rate a mode may have, in Hz. */
#define VSVM_KMS_MIN_VREFRESH	1
/** VSVM_KMS_MAX_VREFRESH - Highest refresh rate a mode may have, in Hz. */
#define VSVM_KMS_MAX_VREFRESH	240
/** VSVM_KMS_MAX_CRTCS - Most CRTCs (and virtual connectors) a display has. */
#define VSVM_KMS_MAX_CRTCS	2
/** VSVM_KMS_LUT_SIZE - Entries of the CRTC's gamma LUT. */
#define VSVM_KMS_LUT_SIZE	256
/** VSVM_KMS_NUM_OVERLAYS - Overlay planes of the CRTC. */
#define VSVM_KMS_NUM_OVERLAYS	2
/** VSVM_KMS_NUM_PLANES - All planes of the CRTC: primary, overlays, cursor. */
#define VSVM_KMS_NUM_PLANES	(VSVM_KMS_NUM_OVERLAYS + 2)
/** VSVM_KMS_CURSOR_SIZE - Largest cursor the legacy cursor ioctls take. */
#define VSVM_KMS_CURSOR_SIZE	256

/**
 * struct vsvm_crtc_state - The CRTC's atomic state
 */
struct vsvm_crtc_state {
	/** @base: The DRM state; &vsvm_crtc_state embeds it. */
	struct drm_crtc_state base;
	/** @nplanes: Visible planes, the number used in @planes. */
	unsigned int nplanes;
	/**
	 * @planes: The visible planes' states of the same commit, bottom
	 * (lowest normalized zpos) to top, gathered by the CRTC's
	 * atomic_check.  They live as long as this state: a commit that
	 * changes one of them changes the CRTC's state too.
	 */
	struct drm_plane_state *planes[VSVM_KMS_NUM_PLANES];
};

static inline struct vsvm_crtc_state *to_vsvm_crtc_state(struct drm_crtc_state *s)
{
	return container_of(s, struct vsvm_crtc_state, base);
}

/**
 * struct vsvm_kms_frame - The composer's scratch: one frame at a time
 */
struct vsvm_kms_frame {
	/** @f: The frame handed to vsvm_compose_frame(). */
	struct vsvm_compose_frame f;
	/** @fb: Its framebuffers' accesses, planes first, writeback last. */
	struct vsvm_fb_frame fb;
	/** @buf: The composer's memory, reserved before each frame. */
	struct vsvm_compose_buf buf;
	/**
	 * @fbs: The planes' framebuffers, one reference each, taken with the
	 * planes' description under &vsvm_kms_output.lock and dropped after
	 * the frame: an async cursor update may swap the cursor's framebuffer
	 * and drop the old one's state reference while the frame is composed.
	 */
	struct drm_framebuffer *fbs[VSVM_KMS_NUM_PLANES];
};

/**
 * struct vsvm_kms_stats - The display's counters (debugfs ``vsvm_kms``)
 */
struct vsvm_kms_stats {
	/** @vblanks: Vblank timer ticks handled. */
	atomic64_t vblanks;
	/** @frames: Frames composed. */
	atomic64_t frames;
	/**
	 * @frames_late: Vblanks whose frame the composer had not started when
	 * the next one came; their CRC entries repeat the next frame's CRC.
	 */
	atomic64_t frames_late;
	/** @compose_errors: Frames the composer refused (it returned an error). */
	atomic64_t compose_errors;
	/**
	 * @read_errors: Pieces of planes the composer could not read and
	 * showed as transparent (&vsvm_compose_stats.read_errors, summed).
	 */
	atomic64_t read_errors;
	/** @fb_access_errors: Planes whose framebuffer could not be accessed. */
	atomic64_t fb_access_errors;
	/** @writebacks: Writeback jobs completed (with or without an error). */
	atomic64_t writebacks;
	/** @writeback_errors: Writeback jobs completed with an error. */
	atomic64_t writeback_errors;
	/** @async_updates: Cursor updates done at once, without a vblank. */
	atomic64_t async_updates;
};

struct vsvm_kms;

/**
 * struct vsvm_kms_output - One CRTC of a display, and the connector in front
 *
 * A CRTC with a primary plane, %VSVM_KMS_NUM_OVERLAYS overlay planes and a
 * cursor plane, its vblank timer and composer, and one virtual encoder and
 * connector (which may show another output's CRTC: clone mode).
 */
struct vsvm_kms_output {
	/** @kms: The display. */
	struct vsvm_kms *kms;
	/** @crtc: The CRTC. */
	struct drm_crtc crtc;
	/** @planes: Primary (0), overlays, cursor (last); on @crtc only. */
	struct drm_plane planes[VSVM_KMS_NUM_PLANES];
	/** @encoder: The virtual encoder in front of @connector; any CRTC. */
	struct drm_encoder encoder;
	/** @connector: The virtual connector. */
	struct drm_connector connector;
	/** @vblank_timer: Simulates the vblank interrupt at the mode's rate. */
	struct hrtimer vblank_timer;
	/** @period: The vblank period of the mode the CRTC runs. */
	ktime_t period;
	/**
	 * @last_vblank: Time of the latest vblank, a multiple of @period
	 * after the timer started: the timestamp of vblank events.
	 */
	ktime_t last_vblank;
	/** @compose_work: Composes the frame of the latest vblank. */
	struct work_struct compose_work;
	/**
	 * @compose_wq: Ordered, this CRTC's own: one composition of it at a
	 * time, and a slow one does not delay another CRTC's.
	 */
	struct workqueue_struct *compose_wq;
	/** @frame: Used by @compose_work only. */
	struct vsvm_kms_frame *frame;
	/**
	 * @lock: Protects @state, @crc_enabled, @wb_queued, @compose_pending,
	 * @frame_start and @frame_end, and the fields of the cursor plane's
	 * current state that an async update changes in place.  Taken in the
	 * vblank timer (hard interrupt context): spin_lock_irq() elsewhere.
	 */
	spinlock_t lock;
	/**
	 * @state: The CRTC state the composer reads: the latest committed
	 * (set by atomic_flush); the commit tail flushes @compose_work before
	 * the older state is freed.
	 */
	struct vsvm_crtc_state *state;
	/** @crc_enabled: CRC source "auto" is on: compose every vblank. */
	bool crc_enabled;
	/** @wb_queued: Writeback jobs queued and not completed yet (CRTC 0). */
	unsigned int wb_queued;
	/** @compose_pending: A vblank asked for a frame not composed yet. */
	bool compose_pending;
	/** @frame_start: First vblank of the pending frame. */
	u64 frame_start;
	/** @frame_end: Last vblank of the pending frame. */
	u64 frame_end;
};

/**
 * struct vsvm_kms - A device's display
 *
 * &vsvm_kms.num_crtcs outputs (CRTC, planes, encoder, connector) and a
 * writeback connector on the first CRTC.  Exists only when
 * &vsvm_kms.enabled (see the DOC section on the display).
 */
struct vsvm_kms {
	/** @enabled: The device has a display (DRIVER_MODESET is on). */
	bool enabled;
	/** @num_crtcs: Outputs in @out, 1 .. %VSVM_KMS_MAX_CRTCS. */
	unsigned int num_crtcs;
	/** @out: The outputs; CRTC i is the &vsvm_kms_output.crtc of output i. */
	struct vsvm_kms_output out[VSVM_KMS_MAX_CRTCS];
	/** @wb: The writeback connector (with its own encoder), on CRTC 0. */
	struct drm_writeback_connector wb;
	/** @stats: Counters, of all CRTCs. */
	struct vsvm_kms_stats stats;
};

bool vsvm_kms_display_default(void);
u32 vsvm_kms_crtcs_default(void);
int vsvm_kms_init(struct vsvm_device *vdev, unsigned int num_crtcs);
void vsvm_kms_unplug(struct vsvm_device *vdev);
void vsvm_kms_shutdown(struct vsvm_device *vdev);
int vsvm_kms_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args);
int vsvm_kms_dumb_map_offset(struct drm_file *file, struct drm_device *drm,
			     u32 handle, u64 *offset);
enum drm_mode_status vsvm_kms_mode_valid(const struct drm_display_mode *mode);

#endif /* __VSVM_KMS_H__ */
