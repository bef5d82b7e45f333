// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/hrtimer.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/string.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_helper.h>
#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_debugfs.h>
#include <drm/drm_edid.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_managed.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_probe_helper.h>
#include <drm/drm_print.h>
#include <drm/drm_vblank.h>
#include <drm/drm_writeback.h>

#include "vsvm_compose.h"
#include "vsvm_drv.h"
#include "vsvm_fb.h"
#include "vsvm_gem.h"
#include "vsvm_kms.h"

/**
 * DOC: display
 *
 * A device has a display when the module parameter ``display`` (default
 * on) or, for a configfs device, its attribute ``display`` says so.  A
 * device without one keeps DRIVER_MODESET and DRIVER_ATOMIC out of its
 * &drm_device.driver_features: its primary node answers no KMS ioctl
 * (-EOPNOTSUPP) and QUERY_CAPS leaves %DRM_VSVM_CAP_DISPLAY clear.
 *
 * The display is ``crtcs`` CRTCs (the module parameter, or a configfs
 * device's attribute: 1 or 2, default 1), each with its own planes and
 * its own virtual encoder and connector, and a writeback connector on
 * CRTC 0.  Every virtual encoder may be on any CRTC, and every encoder is
 * a clone of every other: one CRTC may drive both connectors (and the
 * writeback) with one frame.  Each connector offers the modes of
 * drm_add_modes_noedid() up to %VSVM_KMS_MAX_WIDTH x %VSVM_KMS_MAX_HEIGHT
 * and prefers %VSVM_KMS_PREF_WIDTH x %VSVM_KMS_PREF_HEIGHT; a mode larger
 * than that, with a pixel clock above %VSVM_KMS_MAX_CLOCK_KHZ or a refresh
 * rate outside %VSVM_KMS_MIN_VREFRESH .. %VSVM_KMS_MAX_VREFRESH Hz is
 * refused (vsvm_kms_mode_valid(); -EINVAL from a modeset).
 *
 * A CRTC has a primary plane, %VSVM_KMS_NUM_OVERLAYS overlay planes and
 * a cursor plane, which no other CRTC may use.  Every plane takes the
 * composer's formats (linear only), and has the properties "alpha",
 * "pixel blend mode", "zpos" (mutable, normalized) and "rotation" (0, 90,
 * 180, 270, reflect-x, reflect-y).
 * Planes are not scaled: a source and destination of different sizes are
 * refused with -ERANGE (drm_atomic_helper_check_plane_state()).  Each CRTC
 * has a 256-entry gamma LUT; a LUT of another size is refused with
 * -EINVAL.  Framebuffers come from vsvm_fb_create() (any vsvm memory, see
 * the DOC section on framebuffers) and dumb buffers
 * (vsvm_kms_dumb_create()).
 *
 * **Vblank.**  An hrtimer runs at the mode's refresh while the vblank
 * interrupt is on (drm_crtc_vblank_get()); each tick is a vblank
 * (drm_crtc_handle_vblank()), timestamped at the tick's nominal time, so
 * events and vblank waits see a regular period.  A commit's event is sent
 * at the first vblank after its planes are in place (atomic_flush() arms
 * it), or at once when the CRTC is off.
 *
 * **Composition.**  When the CRC source "auto" is on, or a writeback job is
 * queued, each vblank queues the composition of the frame (an ordered
 * workqueue per CRTC, one frame of that CRTC at a time, so that a slow
 * composition does not delay the other CRTC's): the composer (vsvm_compose_frame())
 * reads the visible planes bottom to top through vsvm_fb_begin_access(),
 * which brackets the frame's reads of each framebuffer's memory (userptr
 * invalidations wait for it, I1/I3), applies the gamma LUT, writes the
 * writeback buffer and computes the frame's CRC.  Without a CRC reader or
 * a writeback job nothing is composed: a virtual display shows nobody
 * anything.  A plane whose memory cannot be accessed is shown as
 * transparent and counted (``fb_access_errors`` and ``read_errors`` in
 * debugfs ``vsvm_kms``).
 *
 * **CRC.**  ``crtc-N/crc`` (DRM's debugfs CRC interface, source "auto",
 * one per CRTC) gets one entry per vblank of that CRTC, with the vblank's
 * number.  When the composer
 * falls behind (it is a CPU loop, slow under emulation), the vblanks it
 * missed get the CRC of the next frame it composes, so that a reader still
 * sees one entry per vblank; ``frames_late`` counts them.
 *
 * **Writeback.**  A writeback job (a framebuffer of the CRTC's mode size,
 * in one of the composer's writeback formats) gets the next frame
 * composed after its commit, and its out-fence signals when that frame
 * is written.  A job whose CRTC is turned off before that completes with
 * -ECANCELED.
 *
 * **Commits.**  Atomic commits, blocking or not, use the atomic helpers;
 * the commit tail waits for the composition in progress before the old
 * state (and its framebuffers' accesses) goes.  Each framebuffer's
 * implicit fences are waited for before the commit reaches the hardware
 * (vsvm_fb_prepare()).  A commit pulls in the planes it does not change
 * only for a modeset (the helpers do): a flip leaves the cursor alone.
 *
 * **Async cursor.**  A legacy cursor update (the cursor ioctls, or
 * SETPLANE on the cursor plane) that keeps the cursor visible (or hidden)
 * on an active CRTC, whose framebuffer nobody writes any more, is done at
 * once: no vblank wait, no event, even behind a pending flip
 * (vsvm_kms_cursor_async_update(), drm_atomic_helper_async_commit()).
 * An update with a fence not yet signalled is not async
 * (vsvm_kms_cursor_async_check(), -EBUSY): it becomes an ordinary commit,
 * which waits for the fence in its commit work, never under the CRTC's
 * locks.
 * It changes the cursor's current state in place under the output's
 * lock, under which the composer also describes each frame, taking a
 * reference to each plane's framebuffer for the frame: a frame shows the
 * old cursor or the new one, and the framebuffer an update swaps out
 * (freed with the update's state) is not freed while a frame reads it.
 * Any other cursor update is an ordinary commit.
 *
 * **Unplug (I8).**  remove() turns the display off with
 * drm_atomic_helper_shutdown() after drm_dev_unplug(): the vblank timer
 * stops, the composition ends, pending writeback jobs complete and every
 * framebuffer's access is let go; open files then get -ENODEV.  Every
 * CRTC goes off.  At reboot and power-off the platform driver's
 * shutdown() turns the display off the same way (vsvm_kms_shutdown()).
 */

static bool display = true;
module_param(display, bool, 0444);
MODULE_PARM_DESC(display, "Give each device a display (KMS), default on");

static uint crtcs = 1;
module_param(crtcs, uint, 0444);
MODULE_PARM_DESC(crtcs, "CRTCs and connectors of each display (1-2, default 1)");

/**
 * vsvm_kms_display_default() - Whether a new device has a display
 *
 * Return: The module parameter ``display``.
 */
bool vsvm_kms_display_default(void)
{
	return display;
}

/**
 * vsvm_kms_crtcs_default() - How many CRTCs a new device's display has
 *
 * Return: The module parameter ``crtcs`` (vsvm_device_config_check()
 * checks its range).
 */
u32 vsvm_kms_crtcs_default(void)
{
	return crtcs;
}

static struct vsvm_kms_output *crtc_to_out(struct drm_crtc *crtc)
{
	return container_of(crtc, struct vsvm_kms_output, crtc);
}

/**
 * vsvm_kms_mode_valid() - Whether the display can run a mode
 * @mode: The mode.
 *
 * Return: MODE_OK, or why the mode is refused.
 */
enum drm_mode_status vsvm_kms_mode_valid(const struct drm_display_mode *mode)
{
	u64 frame;
	int hz;

	if (mode->hdisplay > VSVM_KMS_MAX_WIDTH)
		return MODE_VIRTUAL_X;
	if (mode->vdisplay > VSVM_KMS_MAX_HEIGHT)
		return MODE_VIRTUAL_Y;
	if (mode->clock <= 0)
		return MODE_CLOCK_LOW;
	if (mode->clock > VSVM_KMS_MAX_CLOCK_KHZ)
		return MODE_CLOCK_HIGH;
	if (!mode->htotal || !mode->vtotal)
		return MODE_BAD;
	/* In 64 bits: htotal * vtotal overflows an int. */
	frame = (u64)mode->htotal * mode->vtotal;
	if (frame > (u64)mode->clock * 1000 / VSVM_KMS_MIN_VREFRESH)
		return MODE_CLOCK_LOW;
	hz = DIV_ROUND_CLOSEST_ULL((u64)mode->clock * 1000, frame);
	if (hz > VSVM_KMS_MAX_VREFRESH)
		return MODE_CLOCK_HIGH;
	return MODE_OK;
}

/* Vblank. */

static enum hrtimer_restart vsvm_kms_vblank(struct hrtimer *timer)
{
	struct vsvm_kms_output *out = container_of(timer, struct vsvm_kms_output,
						   vblank_timer);
	struct vsvm_kms *kms = out->kms;
	struct drm_crtc *crtc = &out->crtc;
	u64 frame;

	hrtimer_forward_now(timer, out->period);
	/* The tick that is due now, on the timer's grid. */
	WRITE_ONCE(out->last_vblank, ktime_sub(hrtimer_get_expires(timer), out->period));
	atomic64_inc(&kms->stats.vblanks);
	if (!drm_crtc_handle_vblank(crtc))
		return HRTIMER_RESTART;

	frame = drm_crtc_vblank_count(crtc);
	spin_lock(&out->lock);
	if (out->state && (out->crc_enabled || out->wb_queued)) {
		if (out->compose_pending)
			atomic64_inc(&kms->stats.frames_late);
		else
			out->frame_start = frame;
		out->frame_end = frame;
		out->compose_pending = true;
		queue_work(out->compose_wq, &out->compose_work);
	}
	spin_unlock(&out->lock);
	return HRTIMER_RESTART;
}

static int vsvm_kms_enable_vblank(struct drm_crtc *crtc)
{
	struct vsvm_kms_output *out = crtc_to_out(crtc);
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);

	out->period = ns_to_ktime(vblank->framedur_ns);
	if (!out->period)
		return -EINVAL;
	WRITE_ONCE(out->last_vblank, ktime_get());
	hrtimer_start(&out->vblank_timer, out->period, HRTIMER_MODE_REL);
	return 0;
}

static void vsvm_kms_disable_vblank(struct drm_crtc *crtc)
{
	hrtimer_cancel(&crtc_to_out(crtc)->vblank_timer);
}

static bool vsvm_kms_get_vblank_timestamp(struct drm_crtc *crtc, int *max_error,
					  ktime_t *vblank_time, bool in_vblank_irq)
{
	struct drm_vblank_crtc *vblank = drm_crtc_vblank_crtc(crtc);

	if (!READ_ONCE(vblank->enabled)) {
		*vblank_time = ktime_get();
		return true;
	}
	*vblank_time = READ_ONCE(crtc_to_out(crtc)->last_vblank);
	return true;
}

/* CRC. */

static const char *const vsvm_kms_crc_sources[] = { "auto" };

static const char *const *vsvm_kms_get_crc_sources(struct drm_crtc *crtc, size_t *count)
{
	*count = ARRAY_SIZE(vsvm_kms_crc_sources);
	return vsvm_kms_crc_sources;
}

static int vsvm_kms_parse_crc_source(struct drm_crtc *crtc, const char *source, bool *on)
{
	if (!source) {
		*on = false;
		return 0;
	}
	if (!strcmp(source, "auto")) {
		*on = true;
		return 0;
	}
	drm_dbg_kms(crtc->dev, "unknown CRC source \"%s\"\n", source);
	return -EINVAL;
}

static int vsvm_kms_verify_crc_source(struct drm_crtc *crtc, const char *source,
				      size_t *values_cnt)
{
	bool on;
	int ret;

	ret = vsvm_kms_parse_crc_source(crtc, source, &on);
	if (ret)
		return ret;
	*values_cnt = 1;
	return 0;
}

static int vsvm_kms_set_crc_source(struct drm_crtc *crtc, const char *source)
{
	struct vsvm_kms_output *out = crtc_to_out(crtc);
	bool on, was;
	int ret;

	ret = vsvm_kms_parse_crc_source(crtc, source, &on);
	if (ret)
		return ret;
	/* A CRC per vblank needs the vblank timer running. */
	if (on) {
		ret = drm_crtc_vblank_get(crtc);
		if (ret) {
			drm_dbg_kms(crtc->dev, "CRC source on a CRTC that is off\n");
			return ret;
		}
	}
	spin_lock_irq(&out->lock);
	was = out->crc_enabled;
	out->crc_enabled = on;
	spin_unlock_irq(&out->lock);
	if (was)
		drm_crtc_vblank_put(crtc);
	return 0;
}

/* Composition. */

static struct drm_writeback_job *vsvm_kms_first_wb_job(struct vsvm_kms *kms)
{
	struct drm_writeback_job *job;
	unsigned long flags;

	spin_lock_irqsave(&kms->wb.job_lock, flags);
	job = list_first_entry_or_null(&kms->wb.job_queue, struct drm_writeback_job,
				       list_entry);
	spin_unlock_irqrestore(&kms->wb.job_lock, flags);
	return job;
}

/* Completes the oldest writeback job and lets go of its vblank reference. */
static void vsvm_kms_wb_done(struct vsvm_kms_output *out, int status)
{
	struct vsvm_kms *kms = out->kms;

	drm_writeback_signal_completion(&kms->wb, status);
	atomic64_inc(&kms->stats.writebacks);
	if (status)
		atomic64_inc(&kms->stats.writeback_errors);
	spin_lock_irq(&out->lock);
	out->wb_queued--;
	spin_unlock_irq(&out->lock);
	drm_crtc_vblank_put(&out->crtc);
}

/**
 * vsvm_kms_describe_locked() - Describe a CRTC state's planes to the composer
 * @out: The output, its lock held.
 * @cs: The CRTC state the composer shows (&vsvm_kms_output.state).
 * @fr: The composer's scratch: the planes go to @fr->f, a reference to
 *      each plane's framebuffer to @fr->fbs.
 *
 * Under &vsvm_kms_output.lock, so that an async cursor update
 * (vsvm_kms_cursor_async_update()) is seen whole or not at all, and the
 * framebuffer it replaces stays until this frame is composed.
 */
static void vsvm_kms_describe_locked(struct vsvm_kms_output *out, struct vsvm_crtc_state *cs,
				     struct vsvm_kms_frame *fr)
{
	struct vsvm_compose_frame *f = &fr->f;
	unsigned int i;

	lockdep_assert_held(&out->lock);
	memset(f, 0, sizeof(*f));
	f->width = cs->base.mode.hdisplay;
	f->height = cs->base.mode.vdisplay;
	for (i = 0; i < cs->nplanes; i++) {
		struct drm_plane_state *ps = cs->planes[i];
		struct vsvm_compose_plane *p = &f->planes[i];
		struct drm_framebuffer *fb = ps->fb;

		drm_framebuffer_get(fb);
		fr->fbs[i] = fb;
		p->format = fb->format->format;
		p->pitch = fb->pitches[0];
		p->offset = fb->offsets[0];
		p->src_rect = ps->src;
		p->dst_rect = ps->dst;
		p->rotation = ps->rotation;
		p->alpha = ps->alpha;
		p->blend_mode = ps->pixel_blend_mode;
	}
	f->nplanes = cs->nplanes;
}

/* Lets go of the framebuffers vsvm_kms_describe_locked() took. */
static void vsvm_kms_describe_put(struct vsvm_kms_frame *fr)
{
	unsigned int i;

	for (i = 0; i < fr->f.nplanes; i++) {
		drm_framebuffer_put(fr->fbs[i]);
		fr->fbs[i] = NULL;
	}
}

/*
 * Composes the planes described in @out's frame: its CRC in *@crc, and the
 * frame written to @job's framebuffer when there is one (*@wb_status: how
 * that went).  Every framebuffer's memory is read or written only between
 * vsvm_fb_begin_access() and vsvm_fb_end_access() (I1/I3: an invalidation
 * of a userptr framebuffer's pages waits for the end of the composition,
 * and the next one gets the pages again).
 */
static int vsvm_kms_compose(struct vsvm_kms_output *out, struct vsvm_crtc_state *cs,
			    struct drm_writeback_job *job, u32 *crc, int *wb_status)
{
	struct vsvm_kms *kms = out->kms;
	struct drm_device *drm = out->crtc.dev;
	struct vsvm_kms_frame *fr = out->frame;
	struct vsvm_compose_frame *f = &fr->f;
	struct vsvm_compose_stats stats = {};
	struct vsvm_fb_access *acc, *wb = NULL;
	unsigned int i;
	int ret;

	vsvm_fb_frame_init(&fr->fb, drm);
	for (i = 0; i < f->nplanes; i++) {
		acc = vsvm_fb_frame_add(&fr->fb, fr->fbs[i], false);
		if (WARN_ON(!acc))
			return -EINVAL;
		f->planes[i].src = acc->src;
	}
	if (cs->base.gamma_lut) {
		f->gamma = cs->base.gamma_lut->data;
		f->gamma_size = drm_color_lut_size(cs->base.gamma_lut);
	}
	if (job) {
		wb = vsvm_fb_frame_add(&fr->fb, job->fb, true);
		if (WARN_ON(!wb))
			return -EINVAL;
		f->wb = &wb->dst;
		f->wb_format = job->fb->format->format;
		f->wb_pitch = job->fb->pitches[0];
		f->wb_offset = job->fb->offsets[0];
	}

	/* Nothing is allocated between begin and end (a fence-signalling section). */
	ret = vsvm_compose_buf_reserve(&fr->buf, f);
	if (ret) {
		drm_dbg_kms(drm, "composition buffers: %d\n", ret);
		atomic64_inc(&kms->stats.compose_errors);
		return ret;
	}
	ret = vsvm_fb_begin_access(&fr->fb);
	if (ret) {
		drm_dbg_kms(drm, "framebuffer access refused: %d\n", ret);
		return ret;
	}
	ret = vsvm_compose_frame(f, &fr->buf, crc, &stats);
	vsvm_fb_end_access(&fr->fb);

	if (ret) {
		drm_dbg_kms(drm, "composition failed: %d\n", ret);
		atomic64_inc(&kms->stats.compose_errors);
		return ret;
	}
	atomic64_inc(&kms->stats.frames);
	atomic64_add(stats.read_errors, &kms->stats.read_errors);
	for (i = 0; i < fr->fb.count; i++)
		if (fr->fb.acc[i].error)
			atomic64_inc(&kms->stats.fb_access_errors);
	if (wb)
		*wb_status = wb->error ?: (stats.write_errors ? -EIO : 0);
	return 0;
}

static void vsvm_kms_compose_work(struct work_struct *work)
{
	struct vsvm_kms_output *out = container_of(work, struct vsvm_kms_output,
						   compose_work);
	struct drm_writeback_job *job = NULL;
	struct vsvm_crtc_state *cs;
	u64 start, end, frame;
	bool crc_on;
	int ret, wb_status = 0;
	u32 crc = 0;

	spin_lock_irq(&out->lock);
	if (!out->compose_pending) {
		spin_unlock_irq(&out->lock);
		return;
	}
	out->compose_pending = false;
	cs = out->state;
	crc_on = out->crc_enabled;
	start = out->frame_start;
	end = out->frame_end;
	if (out->wb_queued)
		job = vsvm_kms_first_wb_job(out->kms);
	vsvm_kms_describe_locked(out, cs, out->frame);
	spin_unlock_irq(&out->lock);

	ret = vsvm_kms_compose(out, cs, job, &crc, &wb_status);
	vsvm_kms_describe_put(out->frame);
	if (job)
		vsvm_kms_wb_done(out, ret ?: wb_status);
	if (ret || !crc_on)
		return;
	for (frame = start; frame <= end; frame++)
		drm_crtc_add_crc_entry(&out->crtc, true, frame, &crc);
}

/* Cancels the writeback jobs the composer will not reach (CRTC off). */
static void vsvm_kms_wb_cancel(struct vsvm_kms_output *out)
{
	for (;;) {
		spin_lock_irq(&out->lock);
		if (!out->wb_queued) {
			spin_unlock_irq(&out->lock);
			return;
		}
		spin_unlock_irq(&out->lock);
		vsvm_kms_wb_done(out, -ECANCELED);
	}
}

/* CRTC. */

static struct drm_crtc_state *vsvm_kms_crtc_duplicate_state(struct drm_crtc *crtc)
{
	struct vsvm_crtc_state *s;

	if (WARN_ON(!crtc->state))
		return NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	/* The plane list is gathered again by atomic_check. */
	__drm_atomic_helper_crtc_duplicate_state(crtc, &s->base);
	return &s->base;
}

static void vsvm_kms_crtc_destroy_state(struct drm_crtc *crtc, struct drm_crtc_state *state)
{
	__drm_atomic_helper_crtc_destroy_state(state);
	kfree(to_vsvm_crtc_state(state));
}

static void vsvm_kms_crtc_reset(struct drm_crtc *crtc)
{
	struct vsvm_crtc_state *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (crtc->state)
		vsvm_kms_crtc_destroy_state(crtc, crtc->state);
	__drm_atomic_helper_crtc_reset(crtc, s ? &s->base : NULL);
}

static const struct drm_crtc_funcs vsvm_kms_crtc_funcs = {
	.set_config = drm_atomic_helper_set_config,
	.page_flip = drm_atomic_helper_page_flip,
	.reset = vsvm_kms_crtc_reset,
	.atomic_duplicate_state = vsvm_kms_crtc_duplicate_state,
	.atomic_destroy_state = vsvm_kms_crtc_destroy_state,
	.enable_vblank = vsvm_kms_enable_vblank,
	.disable_vblank = vsvm_kms_disable_vblank,
	.get_vblank_timestamp = vsvm_kms_get_vblank_timestamp,
	.get_crc_sources = vsvm_kms_get_crc_sources,
	.set_crc_source = vsvm_kms_set_crc_source,
	.verify_crc_source = vsvm_kms_verify_crc_source,
};

static int vsvm_kms_crtc_atomic_check(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct drm_crtc_state *crtc_state = drm_atomic_get_new_crtc_state(state, crtc);
	struct vsvm_crtc_state *cs = to_vsvm_crtc_state(crtc_state);
	struct drm_plane_state *ps;
	struct drm_plane *plane;
	unsigned int i, n = 0;

	if (crtc_state->gamma_lut &&
	    drm_color_lut_size(crtc_state->gamma_lut) != VSVM_KMS_LUT_SIZE) {
		drm_dbg_kms(crtc->dev, "gamma LUT of %u entries, not %u\n",
			    drm_color_lut_size(crtc_state->gamma_lut), VSVM_KMS_LUT_SIZE);
		return -EINVAL;
	}

	/*
	 * The visible planes, bottom to top (zpos is normalized): the new
	 * states of the planes in the commit, the current ones of the others
	 * (stable: changing them needs this CRTC's lock, which the commit
	 * holds).  A modeset has every plane in the commit
	 * (drm_atomic_helper_check_modeset()); a flip or a cursor update does
	 * not pull the other planes in, so that a legacy cursor update stays a
	 * single-plane update that may be done at once (async).
	 */
	drm_for_each_plane_mask(plane, crtc->dev, crtc_state->plane_mask) {
		ps = drm_atomic_get_new_plane_state(state, plane) ?: plane->state;
		if (WARN_ON(!ps) || !ps->visible)
			continue;
		if (WARN_ON(n == ARRAY_SIZE(cs->planes)))
			return -EINVAL;
		for (i = n; i > 0 && cs->planes[i - 1]->normalized_zpos > ps->normalized_zpos; i--)
			cs->planes[i] = cs->planes[i - 1];
		cs->planes[i] = ps;
		n++;
	}
	cs->nplanes = n;
	return 0;
}

static void vsvm_kms_crtc_atomic_enable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	drm_calc_timestamping_constants(crtc, &crtc->state->adjusted_mode);
	drm_crtc_vblank_on(crtc);
}

static void vsvm_kms_crtc_atomic_disable(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct vsvm_kms_output *out = crtc_to_out(crtc);

	drm_crtc_vblank_off(crtc);
	/* No vblank comes any more: the queued frame is the last. */
	flush_work(&out->compose_work);
	vsvm_kms_wb_cancel(out);
}

static void vsvm_kms_crtc_atomic_flush(struct drm_crtc *crtc, struct drm_atomic_state *state)
{
	struct vsvm_kms_output *out = crtc_to_out(crtc);
	struct drm_pending_vblank_event *event = crtc->state->event;

	/* From the next vblank on, the composer shows this state. */
	spin_lock_irq(&out->lock);
	out->state = to_vsvm_crtc_state(crtc->state);
	spin_unlock_irq(&out->lock);

	if (event) {
		crtc->state->event = NULL;
		spin_lock_irq(&crtc->dev->event_lock);
		if (drm_crtc_vblank_get(crtc) == 0)
			drm_crtc_arm_vblank_event(crtc, event);
		else
			drm_crtc_send_vblank_event(crtc, event);
		spin_unlock_irq(&crtc->dev->event_lock);
	}
}

static enum drm_mode_status vsvm_kms_crtc_mode_valid(struct drm_crtc *crtc,
						     const struct drm_display_mode *mode)
{
	enum drm_mode_status status = vsvm_kms_mode_valid(mode);

	if (status != MODE_OK)
		drm_dbg_kms(crtc->dev, "mode " DRM_MODE_FMT " refused: %d\n",
			    DRM_MODE_ARG(mode), status);
	return status;
}

static const struct drm_crtc_helper_funcs vsvm_kms_crtc_helper_funcs = {
	.mode_valid = vsvm_kms_crtc_mode_valid,
	.atomic_check = vsvm_kms_crtc_atomic_check,
	.atomic_flush = vsvm_kms_crtc_atomic_flush,
	.atomic_enable = vsvm_kms_crtc_atomic_enable,
	.atomic_disable = vsvm_kms_crtc_atomic_disable,
};

/* Planes. */

static const u64 vsvm_kms_modifiers[] = {
	DRM_FORMAT_MOD_LINEAR,
	DRM_FORMAT_MOD_INVALID
};

static const struct drm_plane_funcs vsvm_kms_plane_funcs = {
	.update_plane = drm_atomic_helper_update_plane,
	.disable_plane = drm_atomic_helper_disable_plane,
	.destroy = drm_plane_cleanup,
	.reset = drm_atomic_helper_plane_reset,
	.atomic_duplicate_state = drm_atomic_helper_plane_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_plane_destroy_state,
};

static int vsvm_kms_plane_atomic_check(struct drm_plane *plane, struct drm_atomic_state *state)
{
	struct drm_plane_state *ps = drm_atomic_get_new_plane_state(state, plane);
	struct drm_crtc_state *crtc_state;
	int ret;

	if (!ps->fb || !ps->crtc)
		return 0;
	crtc_state = drm_atomic_get_new_crtc_state(state, ps->crtc);
	if (WARN_ON(!crtc_state))
		return -EINVAL;
	/* Planes are not scaled; any plane may be placed anywhere. */
	ret = drm_atomic_helper_check_plane_state(ps, crtc_state, DRM_PLANE_NO_SCALING,
						  DRM_PLANE_NO_SCALING, true, true);
	if (ret) {
		drm_dbg_kms(plane->dev, "plane %s: scaled or bad rectangles: %d\n",
			    plane->name, ret);
		return ret;
	}
	if (!vsvm_compose_format_supported(ps->fb->format->format)) {
		drm_dbg_kms(plane->dev, "plane %s: format %p4cc cannot be composed\n",
			    plane->name, &ps->fb->format->format);
		return -EINVAL;
	}
	return 0;
}

/* Everything a plane shows is read from its state at composition. */
static void vsvm_kms_plane_atomic_update(struct drm_plane *plane, struct drm_atomic_state *state)
{
}

static const struct drm_plane_helper_funcs vsvm_kms_plane_helper_funcs = {
	.prepare_fb = vsvm_fb_prepare,
	.atomic_check = vsvm_kms_plane_atomic_check,
	.atomic_update = vsvm_kms_plane_atomic_update,
};

/* Whether every object of @fb has no unsignalled write fence left. */
static bool vsvm_kms_fb_idle(struct drm_framebuffer *fb)
{
	unsigned int i;

	for (i = 0; i < fb->format->num_planes; i++) {
		struct drm_gem_object *obj = drm_gem_fb_get_obj(fb, i);

		if (obj && !dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_WRITE))
			return false;
	}
	return true;
}

/**
 * vsvm_kms_cursor_async_check() - Whether a cursor update can be done at once
 * @plane: The cursor plane.
 * @state: A legacy cursor update: this plane only, no modeset, its CRTC
 *         unchanged (drm_atomic_helper_async_check() checked that, and
 *         that no commit on the plane is still reaching the hardware).
 *
 * Done in place (vsvm_kms_cursor_async_update()) only when the CRTC's list
 * of visible planes (&vsvm_crtc_state.planes, which points at this
 * plane's current state) stays right: the CRTC is on, the cursor stays
 * visible or hidden and keeps its place in the stack; and when the update
 * has nothing to wait for: its fence, if any, and the write fences of the
 * new framebuffer (those vsvm_fb_prepare() would collect) are signalled.
 * The update never waits under the CRTC's locks: otherwise it is an
 * ordinary commit, which waits for the fences in its commit work.
 *
 * Return: 0; -EINVAL when the visible planes would change; -EBUSY when a
 * fence is not signalled yet.  Either makes drm_atomic_helper_check() fall
 * back to an ordinary commit.
 */
static int vsvm_kms_cursor_async_check(struct drm_plane *plane, struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *cur = plane->state;
	struct drm_crtc_state *crtc_state;

	crtc_state = drm_atomic_get_new_crtc_state(state, new->crtc);
	if (!crtc_state || !crtc_state->active) {
		drm_dbg_kms(plane->dev, "async cursor: CRTC off\n");
		return -EINVAL;
	}
	if (new->visible != cur->visible || new->normalized_zpos != cur->normalized_zpos) {
		drm_dbg_kms(plane->dev, "async cursor: the visible planes change\n");
		return -EINVAL;
	}
	if (new->fence && !dma_fence_is_signaled(new->fence)) {
		drm_dbg_kms(plane->dev, "async cursor: its fence is not signalled\n");
		return -EBUSY;
	}
	if (new->fb && !vsvm_kms_fb_idle(new->fb)) {
		drm_dbg_kms(plane->dev, "async cursor: framebuffer still being written\n");
		return -EBUSY;
	}
	return 0;
}

/**
 * vsvm_kms_cursor_async_update() - Move the cursor, or change its image, at once
 * @plane: The cursor plane.
 * @state: The update, checked by vsvm_kms_cursor_async_check().
 *
 * Changes the plane's current state in place, under the output's lock, so
 * that the composer describes a frame (vsvm_kms_describe_locked()) with
 * the old cursor or the new one, never half of each; it holds its own
 * reference to each framebuffer for the frame.  The framebuffers are
 * swapped, as drm_atomic_helper_async_commit() expects: the update's state
 * takes the old one, and lets go of it when it is freed.  Nothing is
 * pinned per state (vsvm_fb_prepare(): every frame begins its own
 * framebuffer accesses), so nothing else moves with it.
 *
 * Nothing is waited for here, under the CRTC's locks: the check found
 * every fence signalled.  A write fence vsvm_fb_prepare() collected since
 * then is a job queued after the update: the update is ordered before it,
 * and frames read the framebuffer through their own accesses (I1, I10)
 * whatever the job does.
 */
static void vsvm_kms_cursor_async_update(struct drm_plane *plane,
					 struct drm_atomic_state *state)
{
	struct drm_plane_state *new = drm_atomic_get_new_plane_state(state, plane);
	struct drm_plane_state *cur = plane->state;
	struct vsvm_kms_output *out = crtc_to_out(new->crtc);

	spin_lock_irq(&out->lock);
	cur->crtc_x = new->crtc_x;
	cur->crtc_y = new->crtc_y;
	cur->crtc_w = new->crtc_w;
	cur->crtc_h = new->crtc_h;
	cur->src_x = new->src_x;
	cur->src_y = new->src_y;
	cur->src_w = new->src_w;
	cur->src_h = new->src_h;
	cur->src = new->src;
	cur->dst = new->dst;
	swap(cur->fb, new->fb);
	spin_unlock_irq(&out->lock);
	atomic64_inc(&out->kms->stats.async_updates);
}

static const struct drm_plane_helper_funcs vsvm_kms_cursor_helper_funcs = {
	.prepare_fb = vsvm_fb_prepare,
	.atomic_check = vsvm_kms_plane_atomic_check,
	.atomic_update = vsvm_kms_plane_atomic_update,
	.atomic_async_check = vsvm_kms_cursor_async_check,
	.atomic_async_update = vsvm_kms_cursor_async_update,
};

/* Plane @index of output @out, whose CRTC will be CRTC @pipe. */
static int vsvm_kms_plane_init(struct vsvm_kms_output *out, unsigned int pipe,
			       unsigned int index, enum drm_plane_type type)
{
	struct drm_plane *plane = &out->planes[index];
	struct drm_device *drm = out->crtc.dev;
	int ret;

	/* The CRTC is made after its planes: its index is @pipe. */
	ret = drm_universal_plane_init(drm, plane, BIT(pipe), &vsvm_kms_plane_funcs,
				       vsvm_compose_plane_formats,
				       vsvm_compose_num_plane_formats,
				       vsvm_kms_modifiers, type, NULL);
	if (ret)
		return ret;
	drm_plane_helper_add(plane, type == DRM_PLANE_TYPE_CURSOR ?
			     &vsvm_kms_cursor_helper_funcs : &vsvm_kms_plane_helper_funcs);
	ret = drm_plane_create_alpha_property(plane);
	if (ret)
		return ret;
	ret = drm_plane_create_blend_mode_property(plane,
						   BIT(DRM_MODE_BLEND_PIXEL_NONE) |
						   BIT(DRM_MODE_BLEND_PREMULTI) |
						   BIT(DRM_MODE_BLEND_COVERAGE));
	if (ret)
		return ret;
	ret = drm_plane_create_zpos_property(plane, index, 0, VSVM_KMS_NUM_PLANES - 1);
	if (ret)
		return ret;
	return drm_plane_create_rotation_property(plane, DRM_MODE_ROTATE_0,
						  DRM_MODE_ROTATE_MASK | DRM_MODE_REFLECT_MASK);
}

/* Connector and encoder. */

static int vsvm_kms_connector_get_modes(struct drm_connector *connector)
{
	int count;

	count = drm_add_modes_noedid(connector, VSVM_KMS_MAX_WIDTH, VSVM_KMS_MAX_HEIGHT);
	drm_set_preferred_mode(connector, VSVM_KMS_PREF_WIDTH, VSVM_KMS_PREF_HEIGHT);
	return count;
}

static enum drm_mode_status vsvm_kms_connector_mode_valid(struct drm_connector *connector,
							  struct drm_display_mode *mode)
{
	return vsvm_kms_mode_valid(mode);
}

static const struct drm_connector_helper_funcs vsvm_kms_connector_helper_funcs = {
	.get_modes = vsvm_kms_connector_get_modes,
	.mode_valid = vsvm_kms_connector_mode_valid,
};

static const struct drm_connector_funcs vsvm_kms_connector_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* Writeback. */

static int vsvm_kms_wb_atomic_check(struct drm_connector *connector,
				    struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct drm_crtc_state *crtc_state;
	struct drm_framebuffer *fb;
	int ret;

	if (!conn_state->writeback_job || !conn_state->writeback_job->fb ||
	    !conn_state->crtc)
		return 0;
	crtc_state = drm_atomic_get_new_crtc_state(state, conn_state->crtc);
	if (!crtc_state->active) {
		drm_dbg_kms(connector->dev, "writeback job for a CRTC that is off\n");
		return -EINVAL;
	}
	fb = conn_state->writeback_job->fb;
	if (fb->width != crtc_state->mode.hdisplay ||
	    fb->height != crtc_state->mode.vdisplay) {
		drm_dbg_kms(connector->dev, "writeback framebuffer %ux%u, mode %ux%u\n",
			    fb->width, fb->height, crtc_state->mode.hdisplay,
			    crtc_state->mode.vdisplay);
		return -EINVAL;
	}
	ret = vsvm_fb_check_writeback(fb);
	if (ret) {
		drm_dbg_kms(connector->dev, "writeback framebuffer refused: %d\n", ret);
		return ret;
	}
	return drm_atomic_helper_check_wb_connector_state(connector, state);
}

static void vsvm_kms_wb_atomic_commit(struct drm_connector *connector,
				      struct drm_atomic_state *state)
{
	struct drm_connector_state *conn_state =
		drm_atomic_get_new_connector_state(state, connector);
	struct vsvm_kms *kms = container_of(connector, struct vsvm_kms, wb.base);
	struct vsvm_kms_output *out;

	if (!conn_state->writeback_job)
		return;
	/* The writeback connector is on CRTC 0 only (possible_crtcs). */
	out = crtc_to_out(conn_state->crtc);
	drm_writeback_queue_job(&kms->wb, conn_state);
	/* The job is done at the frame the next vblank composes. */
	if (drm_crtc_vblank_get(&out->crtc)) {
		drm_dbg_kms(connector->dev, "writeback: no vblank on CRTC %u\n",
			    out->crtc.base.id);
		drm_writeback_signal_completion(&kms->wb, -ECANCELED);
		atomic64_inc(&kms->stats.writebacks);
		atomic64_inc(&kms->stats.writeback_errors);
		return;
	}
	spin_lock_irq(&out->lock);
	out->wb_queued++;
	spin_unlock_irq(&out->lock);
}

static const struct drm_connector_helper_funcs vsvm_kms_wb_helper_funcs = {
	.get_modes = vsvm_kms_connector_get_modes,
	.mode_valid = vsvm_kms_connector_mode_valid,
	.atomic_check = vsvm_kms_wb_atomic_check,
	.atomic_commit = vsvm_kms_wb_atomic_commit,
};

static const struct drm_connector_funcs vsvm_kms_wb_funcs = {
	.fill_modes = drm_helper_probe_single_connector_modes,
	.destroy = drm_connector_cleanup,
	.reset = drm_atomic_helper_connector_reset,
	.atomic_duplicate_state = drm_atomic_helper_connector_duplicate_state,
	.atomic_destroy_state = drm_atomic_helper_connector_destroy_state,
};

/* Mode configuration. */

/*
 * The helpers' commit tail, and then: the composer may still be reading
 * the old state's planes; wait for it before they are cleaned up.
 */
static void vsvm_kms_commit_tail(struct drm_atomic_state *old_state)
{
	struct drm_device *drm = old_state->dev;
	struct vsvm_kms *kms = &to_vsvm_device(drm)->kms;
	unsigned int i;

	drm_atomic_helper_commit_modeset_disables(drm, old_state);
	drm_atomic_helper_commit_planes(drm, old_state, 0);
	drm_atomic_helper_commit_modeset_enables(drm, old_state);
	drm_atomic_helper_commit_hw_done(old_state);
	drm_atomic_helper_wait_for_flip_done(drm, old_state);
	for (i = 0; i < kms->num_crtcs; i++)
		flush_work(&kms->out[i].compose_work);
	drm_atomic_helper_cleanup_planes(drm, old_state);
}

static const struct drm_mode_config_helper_funcs vsvm_kms_mode_config_helpers = {
	.atomic_commit_tail = vsvm_kms_commit_tail,
};

static const struct drm_mode_config_funcs vsvm_kms_mode_config_funcs = {
	.fb_create = vsvm_fb_create,
	.atomic_check = drm_atomic_helper_check,
	.atomic_commit = drm_atomic_helper_commit,
};

/**
 * vsvm_kms_dumb_create() - &drm_driver.dumb_create: a dumb buffer
 * @file: The DRM file that gets the handle.
 * @drm: The DRM device.
 * @args: In: width, height, bpp (checked by drm_mode_create_dumb() against
 *        32-bit overflow).  Out: handle, pitch, size.
 *
 * A dumb buffer is an ordinary vsvm buffer object (counted, mappable,
 * exportable), with lines of width * bpp / 8 bytes rounded up.
 *
 * Return: 0, -E2BIG for a buffer larger than %DRM_VSVM_GEM_MAX_SIZE,
 * -EINVAL for an impossible size, -ENOMEM.
 */
int vsvm_kms_dumb_create(struct drm_file *file, struct drm_device *drm,
			 struct drm_mode_create_dumb *args)
{
	u64 pitch, size;
	int ret;

	pitch = DIV_ROUND_UP((u64)args->width * args->bpp, 8);
	if (pitch > U32_MAX) {
		drm_dbg(drm, "dumb buffer: pitch of %llu bytes\n", pitch);
		return -EINVAL;
	}
	ret = vsvm_gem_check_size(pitch * args->height, &size);
	if (ret) {
		drm_dbg(drm, "dumb buffer: bad size %llu\n", pitch * args->height);
		return ret;
	}
	ret = vsvm_bo_create_with_handle(drm, file, size, &args->handle);
	if (ret)
		return ret;
	args->pitch = pitch;
	args->size = size;
	return 0;
}

/**
 * vsvm_kms_dumb_map_offset() - &drm_driver.dumb_map_offset
 * @file: The DRM file that owns @handle.
 * @drm: The DRM device.
 * @handle: A dumb buffer's handle (or any vsvm buffer object's).
 * @offset: Out: the offset to mmap() on the same file.
 *
 * As GEM_MMAP_OFFSET: a userptr has none.
 *
 * Return: 0, -ENOENT for an unknown handle, -EINVAL for a userptr, -ENOMEM.
 */
int vsvm_kms_dumb_map_offset(struct drm_file *file, struct drm_device *drm,
			     u32 handle, u64 *offset)
{
	return vsvm_bo_mmap_offset(file, handle, offset);
}

static int vsvm_kms_debugfs(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_kms_stats *s = &to_vsvm_device(entry->dev)->kms.stats;

	seq_printf(m, "vblanks: %lld\n", atomic64_read(&s->vblanks));
	seq_printf(m, "frames: %lld\n", atomic64_read(&s->frames));
	seq_printf(m, "frames_late: %lld\n", atomic64_read(&s->frames_late));
	seq_printf(m, "compose_errors: %lld\n", atomic64_read(&s->compose_errors));
	seq_printf(m, "read_errors: %lld\n", atomic64_read(&s->read_errors));
	seq_printf(m, "fb_access_errors: %lld\n", atomic64_read(&s->fb_access_errors));
	seq_printf(m, "writebacks: %lld\n", atomic64_read(&s->writebacks));
	seq_printf(m, "writeback_errors: %lld\n", atomic64_read(&s->writeback_errors));
	seq_printf(m, "async_updates: %lld\n", atomic64_read(&s->async_updates));
	return 0;
}

static void vsvm_kms_output_release(struct drm_device *drm, void *arg)
{
	struct vsvm_kms_output *out = arg;

	destroy_workqueue(out->compose_wq);
	vsvm_compose_buf_fini(&out->frame->buf);
}

/* The CRTC of output @out (CRTC @pipe), its planes, encoder and connector. */
static int vsvm_kms_output_init(struct vsvm_kms_output *out, unsigned int pipe)
{
	struct drm_device *drm = out->crtc.dev;
	unsigned int i;
	int ret;

	ret = vsvm_kms_plane_init(out, pipe, 0, DRM_PLANE_TYPE_PRIMARY);
	for (i = 1; !ret && i <= VSVM_KMS_NUM_OVERLAYS; i++)
		ret = vsvm_kms_plane_init(out, pipe, i, DRM_PLANE_TYPE_OVERLAY);
	if (!ret)
		ret = vsvm_kms_plane_init(out, pipe, VSVM_KMS_NUM_PLANES - 1,
					  DRM_PLANE_TYPE_CURSOR);
	if (ret)
		return ret;

	ret = drmm_crtc_init_with_planes(drm, &out->crtc, &out->planes[0],
					 &out->planes[VSVM_KMS_NUM_PLANES - 1],
					 &vsvm_kms_crtc_funcs, NULL);
	if (ret)
		return ret;
	if (WARN_ON(drm_crtc_index(&out->crtc) != pipe))
		return -EINVAL;
	drm_crtc_helper_add(&out->crtc, &vsvm_kms_crtc_helper_funcs);
	ret = drm_mode_crtc_set_gamma_size(&out->crtc, VSVM_KMS_LUT_SIZE);
	if (ret)
		return ret;
	drm_crtc_enable_color_mgmt(&out->crtc, 0, false, VSVM_KMS_LUT_SIZE);

	ret = drmm_encoder_init(drm, &out->encoder, NULL, DRM_MODE_ENCODER_VIRTUAL, NULL);
	if (ret)
		return ret;
	ret = drmm_connector_init(drm, &out->connector, &vsvm_kms_connector_funcs,
				  DRM_MODE_CONNECTOR_VIRTUAL, NULL);
	if (ret)
		return ret;
	drm_connector_helper_add(&out->connector, &vsvm_kms_connector_helper_funcs);
	return drm_connector_attach_encoder(&out->connector, &out->encoder);
}

/**
 * vsvm_kms_init() - Create a device's display
 * @vdev: The device, before drm_dev_register(), with &vsvm_kms.enabled set.
 * @num_crtcs: CRTCs (and virtual connectors), 1 .. %VSVM_KMS_MAX_CRTCS
 *             (checked by vsvm_device_config_check()).
 *
 * Return: 0, or a negative errno; what was made is released with the
 * DRM device (drmm).
 */
int vsvm_kms_init(struct vsvm_device *vdev, unsigned int num_crtcs)
{
	struct vsvm_kms *kms = &vdev->kms;
	struct drm_device *drm = &vdev->drm;
	u32 all_crtcs = 0, all_encoders = 0;
	unsigned int i;
	int ret;

	if (WARN_ON(!num_crtcs || num_crtcs > VSVM_KMS_MAX_CRTCS))
		return -EINVAL;
	kms->num_crtcs = num_crtcs;
	for (i = 0; i < num_crtcs; i++) {
		struct vsvm_kms_output *out = &kms->out[i];

		out->kms = kms;
		out->crtc.dev = drm;
		spin_lock_init(&out->lock);
		hrtimer_init(&out->vblank_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		out->vblank_timer.function = vsvm_kms_vblank;
		INIT_WORK(&out->compose_work, vsvm_kms_compose_work);
		out->frame = drmm_kzalloc(drm, sizeof(*out->frame), GFP_KERNEL);
		if (!out->frame)
			return -ENOMEM;
		out->compose_wq = alloc_ordered_workqueue("vsvm-compose-%u.%u", 0,
							  vdev->index, i);
		if (!out->compose_wq)
			return -ENOMEM;
		ret = drmm_add_action_or_reset(drm, vsvm_kms_output_release, out);
		if (ret)
			return ret;
	}

	ret = drmm_mode_config_init(drm);
	if (ret)
		return ret;
	drm->mode_config.min_width = 1;
	drm->mode_config.min_height = 1;
	drm->mode_config.max_width = VSVM_COMPOSE_MAX_WIDTH;
	drm->mode_config.max_height = VSVM_COMPOSE_MAX_HEIGHT;
	drm->mode_config.cursor_width = VSVM_KMS_CURSOR_SIZE;
	drm->mode_config.cursor_height = VSVM_KMS_CURSOR_SIZE;
	drm->mode_config.preferred_depth = 24;
	drm->mode_config.normalize_zpos = true;
	drm->mode_config.funcs = &vsvm_kms_mode_config_funcs;
	drm->mode_config.helper_private = &vsvm_kms_mode_config_helpers;

	for (i = 0; i < num_crtcs; i++) {
		ret = vsvm_kms_output_init(&kms->out[i], i);
		if (ret)
			return ret;
		all_crtcs |= drm_crtc_mask(&kms->out[i].crtc);
	}

	drm_connector_helper_add(&kms->wb.base, &vsvm_kms_wb_helper_funcs);
	ret = drm_writeback_connector_init(drm, &kms->wb, &vsvm_kms_wb_funcs, NULL,
					   vsvm_compose_wb_formats,
					   vsvm_compose_num_wb_formats,
					   drm_crtc_mask(&kms->out[0].crtc));
	if (ret)
		return ret;
	/*
	 * Each connector may show any CRTC, and one CRTC may drive every
	 * connector at once, the writeback included (clone mode: the same
	 * frame on each).
	 */
	all_encoders = drm_encoder_mask(&kms->wb.encoder);
	for (i = 0; i < num_crtcs; i++)
		all_encoders |= drm_encoder_mask(&kms->out[i].encoder);
	for (i = 0; i < num_crtcs; i++) {
		kms->out[i].encoder.possible_crtcs = all_crtcs;
		kms->out[i].encoder.possible_clones = all_encoders;
	}
	kms->wb.encoder.possible_clones = all_encoders;

	ret = drm_vblank_init(drm, num_crtcs);
	if (ret)
		return ret;
	drm_mode_config_reset(drm);
	drm_debugfs_add_file(drm, "vsvm_kms", vsvm_kms_debugfs, NULL);
	return 0;
}

/* Turns every CRTC off and waits for the last compositions. */
static void vsvm_kms_off(struct vsvm_device *vdev)
{
	struct vsvm_kms *kms = &vdev->kms;
	unsigned int i;

	drm_atomic_helper_shutdown(&vdev->drm);
	for (i = 0; i < kms->num_crtcs; i++)
		flush_work(&kms->out[i].compose_work);
}

/**
 * vsvm_kms_unplug() - Turn a device's display off for good
 * @vdev: The device, just unplugged (drm_dev_unplug()).
 *
 * I8: every CRTC's vblank timer stops, the composer finishes, pending
 * writeback jobs complete and every plane lets go of its framebuffer.
 */
void vsvm_kms_unplug(struct vsvm_device *vdev)
{
	if (!vdev->kms.enabled)
		return;
	vsvm_kms_off(vdev);
}

/**
 * vsvm_kms_shutdown() - Turn a device's display off at system shutdown
 * @vdev: The device, still registered (&platform_driver.shutdown).
 *
 * As vsvm_kms_unplug(), for a reboot or power-off: no vblank timer, no
 * composition and no writeback is left running while the system goes
 * down.  The DRM device stays registered.
 */
void vsvm_kms_shutdown(struct vsvm_device *vdev)
{
	if (!vdev->kms.enabled)
		return;
	vsvm_kms_off(vdev);
}
