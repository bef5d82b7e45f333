// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm kms
 * Category: Display
 * Mega feature: General Display Features
 * Sub-category: vsvm
 * Functionality: kms
 * Description: vsvm's display (uapi 1.9): the connector's modes, modesets
 *		and their refusals, vblank events at the mode's rate, blocking
 *		and non-blocking page flips with events, TEST_ONLY commits, one
 *		CRC per vblank, writeback of the composed frame byte-exact in
 *		each format, the display switch and the unplug of a device
 *		with its display on; framebuffers over every kind of vsvm memory
 *		(buffer objects, imports, userptrs of both modes), with what a
 *		frame shows while a userptr's range changes under it.  Every wait
 *		is bounded.
 *
 *		The anchor: with VSVM_KMS_DRIVER=vkms in the environment the
 *		same program runs against vkms (loaded, if it is not, with its
 *		cursor, overlay and writeback: modprobe vkms enable_cursor=1
 *		enable_overlay=1 enable_writeback=1).  The generic subtests
 *		(modes through bad-input) then run on vkms; where vkms lacks
 *		something vsvm has (plane alpha and zpos, the refusal of modes
 *		the display cannot show, the composer's debugfs counters), that
 *		part is left out and the output says so; the subtests that need
 *		vsvm memory, configfs or vsvm's debugfs skip with the reason.
 *		Unset or VSVM_KMS_DRIVER=vsvm: vsvm's display.
 *
 * SUBTEST: modes
 * Description: The virtual connector is connected and offers modes up to
 *		4096x2160, 1024x768 preferred, each at a refresh the display takes.
 *
 * SUBTEST: modeset-crc
 * Description: A dumb buffer scanned out at 1024x768: one CRC per vblank with
 *		consecutive frame numbers, equal for equal frames in other buffers and
 *		different for another colour.
 *
 * SUBTEST: vblank-timing
 * Description: Vblank events come at the mode's refresh: their timestamps are
 *		one period apart for each count, and they do not come faster.
 *
 * SUBTEST: flip-nonblocking
 * Description: Non-blocking atomic flips, each with its event at a later vblank;
 *		the CRC follows the framebuffer flipped to.
 *
 * SUBTEST: flip-blocking
 * Description: A blocking atomic commit with an event returns after the flip (the
 *		event is there already); the legacy page flip sends its event.
 *
 * SUBTEST: test-only
 * Description: TEST_ONLY checks without changing anything: a valid modeset leaves
 *		the CRTC off, a scaled plane is refused with ERANGE, TEST_ONLY with an
 *		event with EINVAL.
 *
 * SUBTEST: crc-per-vblank
 * Description: A loop of non-blocking flips gets one CRC per vblank, none missing.
 *
 * SUBTEST: planes
 * Description: An overlay (with plane alpha) and a cursor over the primary: the
 *		written-back frame is their blend, pixel for pixel, against a CPU reference.
 *
 * SUBTEST: writeback
 * Description: The writeback connector returns the composed frame, byte-exact,
 *		in each of its formats, and its out-fence signals.
 *
 * SUBTEST: gamma
 * Description: A gamma LUT that inverts changes the written-back frame as the
 *		LUT says; a LUT of another size is refused with EINVAL.
 *
 * SUBTEST: bad-input
 * Description: Clear errnos: modes too large, with an INT_MAX clock or an
 *		impossible refresh (EINVAL), writeback framebuffers of the wrong size or
 *		for a CRTC that is off (EINVAL), an unknown CRC source (EINVAL), dumb
 *		buffers too large (EINVAL) and unknown handles (ENOENT).
 *
 * SUBTEST: display-off
 * Description: A configfs device with display=0 has no KMS (EOPNOTSUPP) and no
 *		DRM_VSVM_CAP_DISPLAY; the attribute's errnos (EINVAL, EBUSY).
 *
 * SUBTEST: unplug
 * Description: I8: a device removed with its display on, a CRC reader, a flip
 *		pending and a writeback queued: the old file gets ENODEV, the kernel
 *		stays clean.
 *
 * SUBTEST: fb-bo-gpu-vs-cpu
 * Description: A buffer object that the engine fills (FILL), then copies a
 *		CPU-drawn picture into (COPY), is shown with the CRC of a dumb buffer
 *		the CPU drew the same way.
 *
 * SUBTEST: fb-prime-device1-waits
 * Description: A buffer of device 1, written by a job that spins on a
 *		semaphore, imported into device 0 and committed without blocking: the
 *		commit waits for device 1's job fence (no flip event while it spins),
 *		then shows what the job wrote.
 *
 * SUBTEST: fb-prime-move-notify
 * Description: I9: device 1 moves (prime_evict) a buffer that device 0 scans
 *		out, again and again: move_notify waits for the composition in
 *		flight, the next frame maps the buffer again and shows it, and the DMA
 *		checker stays silent.
 *
 * SUBTEST: fb-vgem
 * Description: A vgem dumb buffer, imported, is shown with the expected CRC.
 *
 * SUBTEST: fb-udmabuf
 * Description: A udmabuf of a memfd, imported, is shown with the expected CRC.
 *
 * SUBTEST: fb-userptr-registration
 * Description: A registration-mode userptr (long-term pinned) at an offset
 *		and with a padded pitch is shown with the expected CRC.
 *
 * SUBTEST: fb-userptr-munmap-remap
 * Description: A notifier-mode userptr scanned out: shown with the expected
 *		CRC; munmapped, the plane shows as transparent (a black frame, debugfs
 *		vsvm_fb counts it gone) and a commit of it fails with -EFAULT; remapped
 *		with new contents, the next frames show them (revalidation);
 *		mprotected read-only, gone again, writable again, back.  The DMA
 *		checker stays silent (I1, I3, I10).
 *
 * SUBTEST: fb-userptr-munmap-race
 * Description: I1/I3: a notifier-mode userptr is munmapped, remapped and
 *		mprotected again and again while frames are composed from it: the
 *		invalidations wait for the composition in flight (debugfs vsvm_userptr
 *		invalidation_waits grows), no stale page is read (the DMA checker stays
 *		silent) and the last contents are shown.
 *
 * SUBTEST: fb-userptr-writeback
 * Description: The writeback connector writes the frame into a notifier-mode
 *		userptr byte for byte as into a dumb buffer (the writes go through the
 *		DMA checker); a read-only userptr as the writeback framebuffer is
 *		refused with -EACCES (I10).
 *
 * SUBTEST: fb-userptr-exit
 * Description: I4: a child that made a notifier-mode userptr framebuffer and
 *		committed it is killed while frames are composed from it: the
 *		display goes on (vblanks and CRCs keep coming), the frames show
 *		the gone range as transparent (black, debugfs vsvm_fb counts it
 *		gone: the composition's mmget_not_zero() finds the address space
 *		exited), and the framebuffer and its userptr are released when
 *		the last reference goes (debugfs vsvm_userptr userptrs is back).
 *
 * SUBTEST: addfb-other-file-handle
 * Description: ADDFB2 with a handle of another file gets -ENOENT.
 *
 * SUBTEST: addfb-userptr-private
 * Description: I1: ADDFB2 of a VM-private userptr is refused with -EINVAL (its
 *		invalidation does not wait on its VM's reservation).
 *
 * SUBTEST: addfb-userptr-other-mm
 * Description: I7: ADDFB2 of a userptr from a forked child (another address
 *		space) gets -EPERM.
 *
 * SUBTEST: addfb-bad
 * Description: ADDFB2 with a pitch or offset that is not a multiple of the
 *		pixel size, an object too small for the framebuffer, an offset past
 *		it, a tiled modifier, a format the display neither reads nor writes,
 *		a handle for an unused plane: each gets -EINVAL.
 *
 * SUBTEST: crtcs-attr
 * Description: The configfs attribute crtcs starts at 1, refuses 0, 3 and a
 *		word with -EINVAL, and a change while the device is enabled with
 *		-EBUSY; a device made with crtcs=2 has two CRTCs, two virtual
 *		connectors, and a primary, overlay and cursor plane per CRTC.
 *
 * SUBTEST: two-crtcs
 * Description: On a two-CRTC device each connector on its own CRTC: each
 *		CRTC shows its own frame with its own CRC (crtc-0/crc,
 *		crtc-1/crc); a flip on one changes only its CRC; one CRTC off,
 *		the other goes on; I8: the device removed with both on and a CRC
 *		reader on each, the file gets -ENODEV.
 *
 * SUBTEST: clone
 * Description: Clone mode: one CRTC (either) drives both connectors, and its
 *		CRC is the CRC each CRTC gives for the same frame; each
 *		connector may be routed to either CRTC.
 *
 * SUBTEST: cursor-async
 * Description: Legacy cursor moves are done at once: behind a pending flip
 *		they do not wait for its vblank, and 32 moves take at most one
 *		vblank of a 10 Hz mode; the composer sees each async update
 *		whole (a position's CRC comes back with it, and a new cursor
 *		image, whose old framebuffer the update frees, shows).
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <xf86drm.h>
#include <xf86drmMode.h>

#include "vsvm_igt.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* What the driver offers: drm/vsvm_kms.h. */
#define MAX_W		4096
#define MAX_H		2160
#define PREF_W		1024
#define PREF_H		768
#define LUT_SIZE	256
/* Bounded waits: a vblank or a composition under emulation and KASAN. */
#define WAIT_MS		3000

struct kms {
	int fd;
	uint32_t crtc;
	uint32_t conn;
	uint32_t wb;		/* 0 without a writeback connector */
	uint32_t primary;
	uint32_t overlay;
	uint32_t cursor;
	drmModeModeInfo mode;	/* the preferred one */
	/* The writeback and the connector are no clones: one at a time. */
	bool wb_alone;
};

struct fb {
	uint32_t id;
	uint32_t handle;
	uint32_t w, h, pitch, format, cpp;
	uint64_t size;
	void *map;
};

/* The driver under test: vsvm, or vkms as the anchor (VSVM_KMS_DRIVER). */
static bool on_vkms;
/* vkms was loaded by this program, which unloads it at its end. */
static bool vkms_loaded_here;

/* Skips the rest of a subtest on vkms, saying why. */
#define vsvm_only(why) igt_skip_on_f(on_vkms, "vkms (the anchor): %s\n", why)

/* Properties. */

/* The id of @obj's property @name, 0 if it has none. */
static uint32_t prop_find(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	igt_assert(props);
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	return id;
}

static uint32_t prop_id(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = 0;

	igt_assert(props);
	for (uint32_t i = 0; i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(fd, props->props[i]);

		if (p && !strcmp(p->name, name))
			id = p->prop_id;
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	igt_assert_f(id, "object %u has no property %s\n", obj, name);
	return id;
}

static uint64_t prop_get(int fd, uint32_t obj, uint32_t type, const char *name)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(fd, obj, type);
	uint32_t id = prop_id(fd, obj, type, name);
	uint64_t v = 0;

	for (uint32_t i = 0; i < props->count_props; i++)
		if (props->props[i] == id)
			v = props->prop_values[i];
	drmModeFreeObjectProperties(props);
	return v;
}

static void add(int fd, drmModeAtomicReqPtr req, uint32_t obj, uint32_t type,
		const char *name, uint64_t v)
{
	igt_assert_lte(0, drmModeAtomicAddProperty(req, obj, prop_id(fd, obj, type, name), v));
}

#define ADD_CRTC(k, r, n, v) add((k)->fd, r, (k)->crtc, DRM_MODE_OBJECT_CRTC, n, v)
#define ADD_CONN(k, r, c, n, v) add((k)->fd, r, c, DRM_MODE_OBJECT_CONNECTOR, n, v)
#define ADD_PLANE(k, r, p, n, v) add((k)->fd, r, p, DRM_MODE_OBJECT_PLANE, n, v)

/* 0 or -errno. */
static int commit(struct kms *k, drmModeAtomicReqPtr req, uint32_t flags)
{
	int ret = drmModeAtomicCommit(k->fd, req, flags, k);

	return ret ? -errno : 0;
}

/* Opening. */

static uint32_t plane_of_type(int fd, uint64_t type)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(fd);
	uint32_t id = 0;

	igt_assert(res);
	for (uint32_t i = 0; i < res->count_planes && !id; i++)
		if (prop_get(fd, res->planes[i], DRM_MODE_OBJECT_PLANE, "type") == type)
			id = res->planes[i];
	drmModeFreePlaneResources(res);
	igt_assert_f(id, "no plane of type %" PRIu64 "\n", type);
	return id;
}

static void kms_init_fd(struct kms *k, int fd)
{
	drmModeResPtr res;

	memset(k, 0, sizeof(*k));
	k->fd = fd;
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1), 0);
	res = drmModeGetResources(fd);
	igt_assert(res);
	igt_assert_eq(res->count_crtcs, 1);
	k->crtc = res->crtcs[0];
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);

		igt_assert(c);
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			k->wb = c->connector_id;
		} else {
			igt_assert_eq(c->connector_type, DRM_MODE_CONNECTOR_VIRTUAL);
			k->conn = c->connector_id;
			for (int m = 0; m < c->count_modes; m++)
				if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)
					k->mode = c->modes[m];
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	igt_assert(k->conn);
	igt_assert_eq(k->mode.hdisplay, PREF_W);
	igt_assert_eq(k->mode.vdisplay, PREF_H);
	k->primary = plane_of_type(fd, DRM_PLANE_TYPE_PRIMARY);
	k->overlay = plane_of_type(fd, DRM_PLANE_TYPE_OVERLAY);
	k->cursor = plane_of_type(fd, DRM_PLANE_TYPE_CURSOR);
}

/* The first card node whose driver is @name, or -1. */
static int open_card_named(const char *name)
{
	char path[32];

	for (int i = 0; i < 64; i++) {
		drmVersionPtr v;
		bool match;
		int fd;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		match = v && !strcmp(v->name, name);
		drmFreeVersion(v);
		if (match)
			return fd;
		close(fd);
	}
	return -1;
}

/* vkms's boolean module parameter @name is on. */
static bool vkms_param(const char *name)
{
	char path[96], c = 0;
	int fd;

	snprintf(path, sizeof(path), "/sys/module/vkms/parameters/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

/* vkms with its cursor, overlay and writeback; loaded here if it is not. */
static int vkms_open(void)
{
	static const char *const params[] = {
		"enable_cursor", "enable_overlay", "enable_writeback",
	};
	int fd;

	if (access("/sys/module/vkms", F_OK)) {
		igt_require_f(system("modprobe vkms enable_cursor=1 enable_overlay=1 "
				     "enable_writeback=1") == 0,
			      "the vkms anchor is absent: modprobe vkms failed (no CONFIG_DRM_VKMS)\n");
		vkms_loaded_here = true;
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(params); i++)
		igt_require_f(vkms_param(params[i]),
			      "vkms was loaded without %s=1: unload it first\n", params[i]);
	fd = open_card_named("vkms");
	igt_assert_f(fd >= 0, "vkms is loaded but has no card node\n");
	return fd;
}

/* The possible_clones of @conn's first encoder, and that encoder's bit. */
static uint32_t conn_clones(int fd, uint32_t conn, uint32_t *bit)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, conn);
	drmModeResPtr res = drmModeGetResources(fd);
	drmModeEncoderPtr e;
	uint32_t clones;

	igt_assert(c && res && c->count_encoders > 0);
	e = drmModeGetEncoder(fd, c->encoders[0]);
	igt_assert(e);
	clones = e->possible_clones;
	*bit = 0;
	for (int i = 0; i < res->count_encoders; i++)
		if (res->encoders[i] == e->encoder_id)
			*bit = 1u << i;
	drmModeFreeEncoder(e);
	drmModeFreeResources(res);
	drmModeFreeConnector(c);
	return clones;
}

/*
 * vkms (6.12) leaves its encoders' possible_clones unset, so each is a
 * clone of itself only, and the core's clone check refuses the connector
 * and the writeback on one CRTC with -EINVAL.  The writeback then takes
 * the CRTC alone.
 */
static void wb_clones_check(struct kms *k)
{
	uint32_t conn_bit, wb_bit, conn_cl, wb_cl;

	if (!k->wb)
		return;
	conn_cl = conn_clones(k->fd, k->conn, &conn_bit);
	wb_cl = conn_clones(k->fd, k->wb, &wb_bit);
	k->wb_alone = !(conn_cl & wb_bit) || !(wb_cl & conn_bit);
	if (k->wb_alone)
		igt_info("vkms: the writeback's encoder is no clone of the connector's "
			 "(possible_clones 0x%x, 0x%x): writeback with the connector off, "
			 "the connector's frame while writing back is not checked\n",
			 wb_cl, conn_cl);
}

/*
 * Unloads vkms, after the last subtest, retrying for 5 s.  A vkms that stays
 * loaded is said, not failed: the subtests are done.
 */
static void vkms_unload(void)
{
	for (int i = 0; i < 50; i++) {
		if (!system("modprobe -r vkms 2>/dev/null"))
			return;
		usleep(100 * 1000);
	}
	igt_info("vkms stays loaded: modprobe -r vkms failed for 5 s\n");
}

static void kms_open(struct kms *k)
{
	const char *drv = getenv("VSVM_KMS_DRIVER");
	int fd;

	igt_assert_f(!drv || !strcmp(drv, "vsvm") || !strcmp(drv, "vkms"),
		     "VSVM_KMS_DRIVER=%s: vsvm or vkms\n", drv);
	on_vkms = drv && !strcmp(drv, "vkms");
	if (on_vkms) {
		igt_info("running against vkms, the anchor\n");
		kms_init_fd(k, vkms_open());
		wb_clones_check(k);
		return;
	}
	fd = drm_open_driver(DRIVER_VSVM);
	igt_require(vsvm_is_vsvm(fd));
	igt_require_f(drmModeGetResources(fd), "vsvm has no display (module parameter display=0)\n");
	kms_init_fd(k, fd);
}

/* Framebuffers. */

static uint32_t format_cpp(uint32_t format)
{
	switch (format) {
	case DRM_FORMAT_RGB565:
		return 2;
	case DRM_FORMAT_XRGB16161616:
	case DRM_FORMAT_ARGB16161616:
		return 8;
	default:
		return 4;
	}
}

static void fb_create(struct kms *k, struct fb *fb, uint32_t w, uint32_t h, uint32_t format)
{
	struct drm_mode_create_dumb c = { .width = w, .height = h };
	struct drm_mode_map_dumb m = { 0 };
	uint32_t handles[4] = { 0 }, pitches[4] = { 0 }, offsets[4] = { 0 };

	memset(fb, 0, sizeof(*fb));
	fb->cpp = format_cpp(format);
	c.bpp = fb->cpp * 8;
	igt_assert_eq(igt_ioctl(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c), 0);
	igt_assert_lte(w * fb->cpp, c.pitch);
	igt_assert_lte((uint64_t)c.pitch * h, c.size);
	m.handle = c.handle;
	igt_assert_eq(igt_ioctl(k->fd, DRM_IOCTL_MODE_MAP_DUMB, &m), 0);
	fb->map = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, m.offset);
	igt_assert(fb->map != MAP_FAILED);
	fb->handle = c.handle;
	fb->pitch = c.pitch;
	fb->size = c.size;
	fb->w = w;
	fb->h = h;
	fb->format = format;
	handles[0] = c.handle;
	pitches[0] = c.pitch;
	igt_assert_eq(drmModeAddFB2(k->fd, w, h, format, handles, pitches, offsets, &fb->id, 0), 0);
}

static void fb_destroy(struct kms *k, struct fb *fb)
{
	struct drm_mode_destroy_dumb d = { .handle = fb->handle };

	drmModeRmFB(k->fd, fb->id);
	munmap(fb->map, fb->size);
	igt_assert_eq(igt_ioctl(k->fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d), 0);
}

static uint32_t *px32(struct fb *fb, uint32_t x, uint32_t y)
{
	return (uint32_t *)((char *)fb->map + (uint64_t)y * fb->pitch + x * 4);
}

static void fb_fill(struct fb *fb, uint32_t argb)
{
	for (uint32_t y = 0; y < fb->h; y++)
		for (uint32_t x = 0; x < fb->w; x++)
			*px32(fb, x, y) = argb;
}

/* An XRGB8888 pattern of eight colours whose channels are 0 or 0xff. */
static uint32_t pattern8(uint32_t x, uint32_t y)
{
	unsigned int c = (x / 16 + y / 8) % 8;

	return 0xff000000 | (c & 4 ? 0xff0000 : 0) | (c & 2 ? 0xff00 : 0) | (c & 1 ? 0xff : 0);
}

/* Commits. */

static void set_plane(struct kms *k, drmModeAtomicReqPtr req, uint32_t plane, struct fb *fb,
		      int x, int y)
{
	ADD_PLANE(k, req, plane, "FB_ID", fb ? fb->id : 0);
	ADD_PLANE(k, req, plane, "CRTC_ID", fb ? k->crtc : 0);
	ADD_PLANE(k, req, plane, "SRC_X", 0);
	ADD_PLANE(k, req, plane, "SRC_Y", 0);
	ADD_PLANE(k, req, plane, "SRC_W", fb ? (uint64_t)fb->w << 16 : 0);
	ADD_PLANE(k, req, plane, "SRC_H", fb ? (uint64_t)fb->h << 16 : 0);
	ADD_PLANE(k, req, plane, "CRTC_X", x);
	ADD_PLANE(k, req, plane, "CRTC_Y", y);
	ADD_PLANE(k, req, plane, "CRTC_W", fb ? fb->w : 0);
	ADD_PLANE(k, req, plane, "CRTC_H", fb ? fb->h : 0);
}

/* Adds a modeset to @mode (the preferred one if NULL) with @fb on the primary. */
static uint32_t add_modeset(struct kms *k, drmModeAtomicReqPtr req, const drmModeModeInfo *mode,
			    struct fb *fb)
{
	uint32_t blob;

	igt_assert_eq(drmModeCreatePropertyBlob(k->fd, mode ?: &k->mode, sizeof(*mode), &blob), 0);
	ADD_CONN(k, req, k->conn, "CRTC_ID", k->crtc);
	if (k->wb_alone)
		ADD_CONN(k, req, k->wb, "CRTC_ID", 0);
	ADD_CRTC(k, req, "MODE_ID", blob);
	ADD_CRTC(k, req, "ACTIVE", 1);
	set_plane(k, req, k->primary, fb, 0, 0);
	return blob;
}

/* 0 or -errno. */
static int modeset(struct kms *k, const drmModeModeInfo *mode, struct fb *fb)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	uint32_t blob = add_modeset(k, req, mode, fb);
	int ret;

	ret = commit(k, req, DRM_MODE_ATOMIC_ALLOW_MODESET);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(k->fd, blob);
	return ret;
}

static void kms_off(struct kms *k)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	ADD_CONN(k, req, k->conn, "CRTC_ID", 0);
	if (k->wb)
		ADD_CONN(k, req, k->wb, "CRTC_ID", 0);
	ADD_CRTC(k, req, "MODE_ID", 0);
	ADD_CRTC(k, req, "ACTIVE", 0);
	set_plane(k, req, k->primary, NULL, 0, 0);
	set_plane(k, req, k->overlay, NULL, 0, 0);
	set_plane(k, req, k->cursor, NULL, 0, 0);
	igt_assert_eq(commit(k, req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
}

/* Events. */

struct ev {
	unsigned int count;
	unsigned int seq;
	uint64_t ts_us;
};

static void ev_handler(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
		       unsigned int crtc_id, void *data)
{
	struct ev *ev = data;

	ev->count++;
	ev->seq = seq;
	ev->ts_us = sec * 1000000ull + usec;
}

static void ev_handler1(int fd, unsigned int seq, unsigned int sec, unsigned int usec,
			void *data)
{
	ev_handler(fd, seq, sec, usec, 0, data);
}

/* Waits (bounded) for one event; fails if none comes. */
static void ev_wait(struct kms *k, struct ev *ev)
{
	drmEventContext ctx = {
		.version = 3,
		.vblank_handler = ev_handler1,
		.page_flip_handler2 = ev_handler,
	};
	struct pollfd p = { .fd = k->fd, .events = POLLIN };
	unsigned int before = ev->count;

	while (ev->count == before) {
		igt_assert_f(poll(&p, 1, WAIT_MS) == 1, "no event within %d ms\n", WAIT_MS);
		/* The events carry the struct ev * as user data. */
		igt_assert_eq(drmHandleEvent(k->fd, &ctx), 0);
	}
}

static bool ev_ready(struct kms *k)
{
	struct pollfd p = { .fd = k->fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1;
}

static void vblank_request(struct kms *k, struct ev *ev)
{
	drmVBlank vbl = {
		.request.type = DRM_VBLANK_RELATIVE | DRM_VBLANK_EVENT,
		.request.sequence = 1,
		.request.signal = (unsigned long)ev,
	};

	igt_assert_eq(drmWaitVBlank(k->fd, &vbl), 0);
}

/* A flip to @fb on the primary, with an event carrying @ev. 0 or -errno. */
static int flip(struct kms *k, struct fb *fb, struct ev *ev, uint32_t flags)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();
	int ret;

	ADD_PLANE(k, req, k->primary, "FB_ID", fb->id);
	ret = drmModeAtomicCommit(k->fd, req, flags | DRM_MODE_PAGE_FLIP_EVENT, ev);
	drmModeAtomicFree(req);
	return ret ? -errno : 0;
}

/* CRC: DRM's debugfs interface. */

struct crc {
	int data;
};

/* Opens crtc-0/crc with @source; 0 or -errno (at the data file's open). */
static int __crc_open(struct kms *k, struct crc *c, const char *source)
{
	int dir = igt_debugfs_dir(k->fd), ctl, ret = 0;

	igt_assert_lte(0, dir);
	ctl = openat(dir, "crtc-0/crc/control", O_WRONLY);
	igt_assert_lte(0, ctl);
	/* An unknown source is refused at the write or at the open. */
	if (write(ctl, source, strlen(source)) < 0)
		ret = -errno;
	close(ctl);
	if (!ret) {
		c->data = openat(dir, "crtc-0/crc/data", O_RDONLY | O_NONBLOCK);
		if (c->data < 0)
			ret = -errno;
	}
	close(dir);
	return ret;
}

static void crc_open(struct kms *k, struct crc *c)
{
	igt_assert_eq(__crc_open(k, c, "auto"), 0);
}

/* Reads one entry (bounded wait). */
static void crc_read(struct crc *c, uint32_t *frame, uint32_t *crc)
{
	struct pollfd p = { .fd = c->data, .events = POLLIN };
	char line[64];
	ssize_t n;

	for (;;) {
		n = read(c->data, line, sizeof(line) - 1);
		if (n > 0)
			break;
		igt_assert_f(n < 0 && errno == EAGAIN, "CRC read: %zd, %m\n", n);
		igt_assert_f(poll(&p, 1, WAIT_MS) == 1, "no CRC within %d ms\n", WAIT_MS);
	}
	line[n] = '\0';
	igt_assert_eq(sscanf(line, "%x %x", frame, crc), 2);
}

/* The device's vblank count now. */
static uint32_t vblank_count(struct kms *k)
{
	drmVBlank vbl = { .request.type = DRM_VBLANK_RELATIVE, .request.sequence = 0 };

	igt_assert_eq(drmWaitVBlank(k->fd, &vbl), 0);
	return vbl.reply.sequence;
}

/*
 * The CRC of a frame composed from the state committed before the call:
 * the composition in flight (at most one, of an older state) covers
 * vblanks up to now; the next one reads the new state.
 */
static uint32_t crc_next(struct kms *k, struct crc *c)
{
	uint32_t now = vblank_count(k), frame, crc;

	do
		crc_read(c, &frame, &crc);
	while ((int32_t)(frame - now) < 1);
	return crc;
}

static void crc_close(struct crc *c)
{
	close(c->data);
}

/* Writeback. */

/* Queues a writeback of the CRTC's frame into @out; returns its out-fence. */
static int writeback(struct kms *k, drmModeAtomicReqPtr req, struct fb *out, uint32_t flags)
{
	int32_t fence = -1;
	int ret;

	ADD_CONN(k, req, k->wb, "CRTC_ID", k->crtc);
	if (k->wb_alone)
		ADD_CONN(k, req, k->conn, "CRTC_ID", 0);
	ADD_CONN(k, req, k->wb, "WRITEBACK_FB_ID", out->id);
	ADD_CONN(k, req, k->wb, "WRITEBACK_OUT_FENCE_PTR", (uintptr_t)&fence);
	/* Attaching the connector to the CRTC is a modeset. */
	ret = commit(k, req, flags | DRM_MODE_ATOMIC_ALLOW_MODESET);
	igt_assert_eq(ret, 0);
	igt_assert_lte(0, fence);
	return fence;
}

static void fence_wait(int fence)
{
	struct pollfd p = { .fd = fence, .events = POLLIN };

	igt_assert_f(poll(&p, 1, WAIT_MS * 2) == 1, "writeback fence not signalled\n");
	close(fence);
}

/* A writeback of the current frame into @out (blocking commit, bounded wait). */
static void writeback_now(struct kms *k, struct fb *out)
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	fence_wait(writeback(k, req, out, 0));
	drmModeAtomicFree(req);
}

/* The tests. */

static void test_modes(struct kms *k)
{
	drmModeConnectorPtr c = drmModeGetConnector(k->fd, k->conn);
	bool have_max = false;

	igt_assert(c);
	igt_assert_eq(c->connection, DRM_MODE_CONNECTED);
	igt_assert_lt(1, c->count_modes);
	for (int i = 0; i < c->count_modes; i++) {
		drmModeModeInfo *m = &c->modes[i];
		double hz = m->clock * 1000.0 / (m->htotal * m->vtotal);

		igt_assert_lte(m->hdisplay, MAX_W);
		igt_assert_lte(m->vdisplay, MAX_H);
		igt_assert_f(hz >= 1 && hz <= 240, "mode %s at %.1f Hz\n", m->name, hz);
		have_max |= m->hdisplay == MAX_W && m->vdisplay == MAX_H;
	}
	igt_assert_f(have_max, "no %dx%d mode\n", MAX_W, MAX_H);
	drmModeFreeConnector(c);
	/* The connector's CRTC is ours. */
	if (on_vkms && !prop_find(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "zpos"))
		igt_info("vkms: the primary plane has no zpos property: not checked\n");
	else
		igt_assert_eq(prop_get(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "zpos"), 0);
}

static void test_modeset_crc(struct kms *k)
{
	struct fb a, b, c;
	struct crc crc;
	uint32_t f0, f1, v0, v1, va;

	kms_off(k);
	fb_create(k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(k, &b, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(k, &c, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_fill(&a, 0xff204060);
	fb_fill(&b, 0xff204060);
	fb_fill(&c, 0xff604020);
	igt_assert_eq(modeset(k, NULL, &a), 0);
	crc_open(k, &crc);

	/* One entry per vblank, consecutive, equal for an unchanged frame. */
	crc_read(&crc, &f0, &v0);
	for (int i = 0; i < 4; i++) {
		crc_read(&crc, &f1, &v1);
		igt_assert_eq_u32(f1, f0 + 1);
		igt_assert_eq_u32(v1, v0);
		f0 = f1;
	}
	va = v0;

	igt_assert_eq(modeset(k, NULL, &b), 0);
	igt_assert_eq_u32(crc_next(k, &crc), va);
	igt_assert_eq(modeset(k, NULL, &c), 0);
	igt_assert_neq_u32(crc_next(k, &crc), va);
	igt_assert_eq(modeset(k, NULL, &a), 0);
	igt_assert_eq_u32(crc_next(k, &crc), va);

	crc_close(&crc);
	kms_off(k);
	fb_destroy(k, &a);
	fb_destroy(k, &b);
	fb_destroy(k, &c);
}

static void test_vblank_timing(struct kms *k)
{
	const unsigned int n = 30;
	struct ev ev = { 0 };
	uint64_t period_ns, t0, t1, elapsed;
	unsigned int seq0;
	struct fb a;

	kms_off(k);
	fb_create(k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	igt_assert_eq(modeset(k, NULL, &a), 0);
	period_ns = (uint64_t)k->mode.htotal * k->mode.vtotal * 1000000 / k->mode.clock;

	vblank_request(k, &ev);
	ev_wait(k, &ev);
	seq0 = ev.seq;
	t0 = ev.ts_us;
	elapsed = vsvm_now_ns();
	for (unsigned int i = 0; i < n; i++) {
		unsigned int seq = ev.seq;
		uint64_t ts = ev.ts_us;
		int64_t err;

		vblank_request(k, &ev);
		ev_wait(k, &ev);
		igt_assert_lt(seq, ev.seq);
		/* On the timer's grid: one period per count, to the microsecond. */
		err = (int64_t)(ev.ts_us - ts) * 1000 - (int64_t)(ev.seq - seq) * period_ns;
		igt_assert_f(llabs(err) <= 2000,
			     "vblanks %u..%u: %" PRIu64 " us apart, period %" PRIu64 " ns\n",
			     seq, ev.seq, ev.ts_us - ts, period_ns);
	}
	elapsed = vsvm_now_ns() - elapsed;
	t1 = ev.ts_us;
	/* Not faster than the mode's refresh, and (bounded) about at it. */
	igt_assert_lte((uint64_t)(ev.seq - seq0) * period_ns, (t1 - t0) * 1000 + 2000);
	igt_assert_lte((uint64_t)(ev.seq - seq0 - 1) * period_ns, elapsed);
	igt_info("%u vblanks in %" PRIu64 " ms, period %" PRIu64 " us\n",
		 ev.seq - seq0, elapsed / 1000000, period_ns / 1000);

	kms_off(k);
	fb_destroy(k, &a);
}

static void test_flip_nonblocking(struct kms *k)
{
	struct fb fb[2];
	struct ev ev = { 0 };
	struct crc crc;
	uint32_t crcs[2];
	unsigned int seq = 0;

	kms_off(k);
	for (int i = 0; i < 2; i++) {
		fb_create(k, &fb[i], PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
		fb_fill(&fb[i], i ? 0xff00ff00 : 0xffff0000);
	}
	igt_assert_eq(modeset(k, NULL, &fb[0]), 0);
	crc_open(k, &crc);
	crcs[0] = crc_next(k, &crc);

	for (int i = 1; i <= 20; i++) {
		igt_assert_eq(flip(k, &fb[i % 2], &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
		ev_wait(k, &ev);
		igt_assert_lt(seq, ev.seq);
		seq = ev.seq;
	}
	igt_assert_eq(ev.count, 20);
	/* The last flip was to fb[0]. */
	igt_assert_eq_u32(crc_next(k, &crc), crcs[0]);
	igt_assert_eq(flip(k, &fb[1], &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
	ev_wait(k, &ev);
	crcs[1] = crc_next(k, &crc);
	igt_assert_neq_u32(crcs[1], crcs[0]);

	crc_close(&crc);
	kms_off(k);
	fb_destroy(k, &fb[0]);
	fb_destroy(k, &fb[1]);
}

static void test_flip_blocking(struct kms *k)
{
	struct fb fb[2];
	struct ev ev = { 0 };

	kms_off(k);
	for (int i = 0; i < 2; i++) {
		fb_create(k, &fb[i], PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
		fb_fill(&fb[i], i ? 0xff0000ff : 0xffffffff);
	}
	igt_assert_eq(modeset(k, NULL, &fb[0]), 0);
	for (int i = 1; i <= 5; i++) {
		igt_assert_eq(flip(k, &fb[i % 2], &ev, 0), 0);
		/* Blocking: the flip is done, its event is waiting. */
		igt_assert(ev_ready(k));
		ev_wait(k, &ev);
		igt_assert_eq(prop_get(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "FB_ID"),
			      fb[i % 2].id);
	}
	/* The legacy page flip. */
	igt_assert_eq(drmModePageFlip(k->fd, k->crtc, fb[0].id, DRM_MODE_PAGE_FLIP_EVENT, &ev), 0);
	ev_wait(k, &ev);
	igt_assert_eq(ev.count, 6);

	kms_off(k);
	fb_destroy(k, &fb[0]);
	fb_destroy(k, &fb[1]);
}

static void test_test_only(struct kms *k)
{
	drmModeAtomicReqPtr req;
	struct ev ev = { 0 };
	struct fb a, small;
	uint32_t blob;

	kms_off(k);
	fb_create(k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(k, &small, 64, 64, DRM_FORMAT_XRGB8888);

	/* A valid modeset, TEST_ONLY: nothing changes. */
	req = drmModeAtomicAlloc();
	blob = add_modeset(k, req, NULL, &a);
	igt_assert_eq(commit(k, req, DRM_MODE_ATOMIC_TEST_ONLY | DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	igt_assert_eq(prop_get(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);
	igt_assert_eq(prop_get(k->fd, k->primary, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
	/* ... and with an event: EINVAL. */
	igt_assert_neq(drmModeAtomicCommit(k->fd, req, DRM_MODE_ATOMIC_TEST_ONLY |
					   DRM_MODE_ATOMIC_ALLOW_MODESET |
					   DRM_MODE_PAGE_FLIP_EVENT, &ev), 0);
	igt_assert_eq(errno, EINVAL);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(k->fd, blob);

	/* A scaled plane: ERANGE, TEST_ONLY or not. */
	igt_assert_eq(modeset(k, NULL, &a), 0);
	req = drmModeAtomicAlloc();
	set_plane(k, req, k->overlay, &small, 10, 10);
	ADD_PLANE(k, req, k->overlay, "CRTC_W", 128);
	igt_assert_eq(commit(k, req, DRM_MODE_ATOMIC_TEST_ONLY), -ERANGE);
	igt_assert_eq(commit(k, req, 0), -ERANGE);
	drmModeAtomicFree(req);
	igt_assert_eq(prop_get(k->fd, k->overlay, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
	/* Unscaled, TEST_ONLY: accepted, not applied. */
	req = drmModeAtomicAlloc();
	set_plane(k, req, k->overlay, &small, 10, 10);
	igt_assert_eq(commit(k, req, DRM_MODE_ATOMIC_TEST_ONLY), 0);
	igt_assert_eq(prop_get(k->fd, k->overlay, DRM_MODE_OBJECT_PLANE, "FB_ID"), 0);
	drmModeAtomicFree(req);
	igt_assert(!ev_ready(k));

	kms_off(k);
	fb_destroy(k, &a);
	fb_destroy(k, &small);
}

static void test_crc_per_vblank(struct kms *k)
{
	struct fb fb[2];
	struct ev ev = { 0 };
	struct crc crc;
	uint32_t first, frame, prev, v;
	unsigned int entries = 0;
	int i;

	kms_off(k);
	for (i = 0; i < 2; i++) {
		fb_create(k, &fb[i], PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
		fb_fill(&fb[i], i ? 0xff123456 : 0xff654321);
	}
	igt_assert_eq(modeset(k, NULL, &fb[0]), 0);
	crc_open(k, &crc);
	crc_read(&crc, &first, &v);
	prev = first;
	for (i = 1; i <= 30; i++) {
		igt_assert_eq(flip(k, &fb[i % 2], &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
		ev_wait(k, &ev);
		/* Every entry up to the flip's vblank, none missing. */
		do {
			crc_read(&crc, &frame, &v);
			igt_assert_eq_u32(frame, prev + 1);
			prev = frame;
			entries++;
		} while (frame < ev.seq);
	}
	igt_info("%u CRC entries over %u vblanks\n", entries, prev - first);
	igt_assert_lte(30, entries);
	/* How often the composer fell behind (entries then repeat a CRC). */
	if (on_vkms) {
		igt_info("vkms: no debugfs vsvm_kms, the composer's counters are not read\n");
	} else {
		char buf[512], *late;

		__igt_debugfs_read(k->fd, "vsvm_kms", buf, sizeof(buf));
		late = strstr(buf, "frames_late: ");
		igt_assert_f(late && strstr(buf, "frames: "), "debugfs vsvm_kms: \"%s\"\n", buf);
		igt_info("composer: %.*s, %.*s\n", (int)strcspn(strstr(buf, "frames: "), "\n"),
			 strstr(buf, "frames: "), (int)strcspn(late, "\n"), late);
	}

	crc_close(&crc);
	kms_off(k);
	fb_destroy(k, &fb[0]);
	fb_destroy(k, &fb[1]);
}

/* The writeback connector's formats. */
static unsigned int wb_formats(struct kms *k, uint32_t *out, unsigned int max)
{
	uint64_t blob_id = prop_get(k->fd, k->wb, DRM_MODE_OBJECT_CONNECTOR,
				    "WRITEBACK_PIXEL_FORMATS");
	drmModePropertyBlobPtr blob = drmModeGetPropertyBlob(k->fd, blob_id);
	unsigned int n;

	igt_assert(blob);
	n = blob->length / 4;
	igt_assert_lte(n, max);
	memcpy(out, blob->data, n * 4);
	drmModeFreePropertyBlob(blob);
	return n;
}

/* What a pixel of pattern8() is in @format, as bytes; returns its size. */
static unsigned int expect_px(uint32_t format, uint32_t argb, uint8_t *b)
{
	uint8_t r = argb >> 16, g = argb >> 8, bl = argb;
	uint16_t v16;
	uint32_t v;

	switch (format) {
	case DRM_FORMAT_XRGB8888:
	case DRM_FORMAT_ARGB8888:
		v = 0xff000000 | (argb & 0xffffff);
		memcpy(b, &v, 4);
		return 4;
	case DRM_FORMAT_XBGR8888:
	case DRM_FORMAT_ABGR8888:
		v = 0xff000000 | bl << 16 | g << 8 | r;
		memcpy(b, &v, 4);
		return 4;
	case DRM_FORMAT_XRGB16161616:
	case DRM_FORMAT_ARGB16161616: {
		uint16_t w[4] = { bl * 257, g * 257, r * 257, 0xffff };

		memcpy(b, w, 8);
		return 8;
	}
	case DRM_FORMAT_RGB565:
		v16 = (r >> 3) << 11 | (g >> 2) << 5 | bl >> 3;
		memcpy(b, &v16, 2);
		return 2;
	case DRM_FORMAT_XRGB2101010:
	case DRM_FORMAT_ARGB2101010:
		v = 3u << 30 | (r ? 0x3ffu << 20 : 0) | (g ? 0x3ffu << 10 : 0) | (bl ? 0x3ffu : 0);
		memcpy(b, &v, 4);
		return 4;
	}
	igt_assert_f(false, "format %.4s\n", (char *)&format);
	return 0;
}

/* Compares @out (written back) with the pixels @want gives; fails at the first difference. */
static void check_wb(struct fb *out, uint32_t (*want)(uint32_t x, uint32_t y, void *), void *arg)
{
	uint8_t e[8];

	for (uint32_t y = 0; y < out->h; y++)
		for (uint32_t x = 0; x < out->w; x++) {
			unsigned int n = expect_px(out->format, want(x, y, arg), e);
			uint8_t *p = (uint8_t *)out->map + (uint64_t)y * out->pitch + x * n;

			igt_assert_f(!memcmp(p, e, n),
				     "%.4s: pixel (%u, %u) differs: want %02x%02x%02x%02x, got %02x%02x%02x%02x\n",
				     (char *)&out->format, x, y, e[3], e[2], e[1], e[0],
				     p[3], p[2], p[1], p[0]);
		}
}

static uint32_t want_pattern8(uint32_t x, uint32_t y, void *arg)
{
	return pattern8(x, y);
}

static void test_writeback(struct kms *k)
{
	uint32_t formats[32];
	unsigned int n;
	struct fb src;

	kms_off(k);
	igt_require(k->wb);
	n = wb_formats(k, formats, 32);
	igt_assert_lt(0, n);
	if (on_vkms) {
		static const uint32_t vsvm_wb[] = {
			DRM_FORMAT_XBGR8888, DRM_FORMAT_ABGR8888,
			DRM_FORMAT_XRGB2101010, DRM_FORMAT_ARGB2101010,
		};

		for (unsigned int i = 0; i < ARRAY_SIZE(vsvm_wb); i++) {
			bool has = false;

			for (unsigned int j = 0; j < n; j++)
				has |= formats[j] == vsvm_wb[i];
			if (!has)
				igt_info("vkms: no %.4s writeback: that format is not checked\n",
					 (const char *)&vsvm_wb[i]);
		}
	}
	fb_create(k, &src, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	for (uint32_t y = 0; y < src.h; y++)
		for (uint32_t x = 0; x < src.w; x++)
			*px32(&src, x, y) = pattern8(x, y) & 0xffffff;	/* X bits ignored */
	igt_assert_eq(modeset(k, NULL, &src), 0);

	for (unsigned int i = 0; i < n; i++) {
		struct fb out;

		igt_debug("writeback in %.4s\n", (char *)&formats[i]);
		fb_create(k, &out, PREF_W, PREF_H, formats[i]);
		memset(out.map, 0x5a, out.size);
		writeback_now(k, &out);
		check_wb(&out, want_pattern8, NULL);
		fb_destroy(k, &out);
	}

	kms_off(k);
	fb_destroy(k, &src);
}

struct blend {
	uint32_t ov_x, ov_y, ov_w, ov_h, cu_x, cu_y;
	uint16_t alpha;
};

/* The CPU reference: primary pattern, overlay (premultiplied, plane alpha), cursor. */
static uint32_t want_blend(uint32_t x, uint32_t y, void *arg)
{
	const struct blend *b = arg;
	uint32_t px = pattern8(x, y);

	if (x >= b->ov_x && x < b->ov_x + b->ov_w && y >= b->ov_y && y < b->ov_y + b->ov_h) {
		/* Overlay: opaque white at plane alpha 0 or 0xffff only (exact). */
		if (b->alpha == 0xffff)
			px = 0xffffffff;
	}
	if (x >= b->cu_x && x < b->cu_x + 64 && y >= b->cu_y && y < b->cu_y + 64)
		px = 0xff000000;	/* opaque black cursor */
	return px;
}

static void test_planes(struct kms *k)
{
	struct blend b = { .ov_x = 100, .ov_y = 50, .ov_w = 256, .ov_h = 128,
			   .cu_x = 300, .cu_y = 100, .alpha = 0xffff };
	drmModeAtomicReqPtr req;
	struct fb src, ov, cu, out;
	bool has_alpha, has_zpos;

	kms_off(k);
	igt_require(k->wb);
	fb_create(k, &src, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	for (uint32_t y = 0; y < src.h; y++)
		for (uint32_t x = 0; x < src.w; x++)
			*px32(&src, x, y) = pattern8(x, y);
	fb_create(k, &ov, b.ov_w, b.ov_h, DRM_FORMAT_ARGB8888);
	fb_fill(&ov, 0xffffffff);
	fb_create(k, &cu, 64, 64, DRM_FORMAT_ARGB8888);
	fb_fill(&cu, 0xff000000);
	fb_create(k, &out, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	igt_assert_eq(modeset(k, NULL, &src), 0);
	/* vkms has neither plane alpha nor zpos: only the opaque blend there. */
	has_alpha = !on_vkms || prop_find(k->fd, k->overlay, DRM_MODE_OBJECT_PLANE, "alpha");
	has_zpos = !on_vkms || prop_find(k->fd, k->overlay, DRM_MODE_OBJECT_PLANE, "zpos");
	if (!has_alpha)
		igt_info("vkms: the overlay has no alpha property: the alpha 0 pass is not run\n");

	for (int pass = 0; pass < (has_alpha ? 2 : 1); pass++) {
		b.alpha = pass ? 0 : 0xffff;
		req = drmModeAtomicAlloc();
		set_plane(k, req, k->overlay, &ov, b.ov_x, b.ov_y);
		if (has_alpha)
			ADD_PLANE(k, req, k->overlay, "alpha", b.alpha);
		set_plane(k, req, k->cursor, &cu, b.cu_x, b.cu_y);
		fence_wait(writeback(k, req, &out, 0));
		drmModeAtomicFree(req);
		check_wb(&out, want_blend, &b);
	}
	if (!has_zpos) {
		igt_info("vkms: the planes have no zpos property: the cursor is not put below\n");
		kms_off(k);
		goto out;
	}
	/* The cursor below the overlay (zpos): the overlay covers it. */
	b.alpha = 0xffff;
	b.cu_x = b.ov_x + 10;
	b.cu_y = b.ov_y + 10;
	req = drmModeAtomicAlloc();
	set_plane(k, req, k->cursor, &cu, b.cu_x, b.cu_y);
	ADD_PLANE(k, req, k->overlay, "alpha", 0xffff);
	ADD_PLANE(k, req, k->cursor, "zpos", 1);
	ADD_PLANE(k, req, k->overlay, "zpos", 2);
	fence_wait(writeback(k, req, &out, 0));
	drmModeAtomicFree(req);
	for (uint32_t y = b.cu_y; y < b.cu_y + 64; y++)
		for (uint32_t x = b.cu_x; x < b.cu_x + 64; x++)
			igt_assert_eq_u32(*px32(&out, x, y) & 0xffffff, 0xffffff);

	kms_off(k);
	/* Put zpos back (their defaults) for the other subtests. */
	req = drmModeAtomicAlloc();
	ADD_PLANE(k, req, k->cursor, "zpos", 3);
	ADD_PLANE(k, req, k->overlay, "zpos", 1);
	igt_assert_eq(commit(k, req, 0), 0);
	drmModeAtomicFree(req);
out:
	fb_destroy(k, &src);
	fb_destroy(k, &ov);
	fb_destroy(k, &cu);
	fb_destroy(k, &out);
}

static uint32_t want_inverted(uint32_t x, uint32_t y, void *arg)
{
	return 0xff000000 | (~pattern8(x, y) & 0xffffff);
}

static void test_gamma(struct kms *k)
{
	struct drm_color_lut lut[LUT_SIZE + 1];
	drmModeAtomicReqPtr req;
	uint32_t blob;
	struct fb src, out;

	kms_off(k);
	igt_require(k->wb);
	fb_create(k, &src, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	for (uint32_t y = 0; y < src.h; y++)
		for (uint32_t x = 0; x < src.w; x++)
			*px32(&src, x, y) = pattern8(x, y);
	fb_create(k, &out, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	igt_assert_eq(modeset(k, NULL, &src), 0);
	igt_assert_eq(prop_get(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "GAMMA_LUT_SIZE"), LUT_SIZE);

	for (int i = 0; i < LUT_SIZE; i++) {
		uint16_t v = 0xffff - i * 0xffff / (LUT_SIZE - 1);

		lut[i] = (struct drm_color_lut){ .red = v, .green = v, .blue = v };
	}
	/* A LUT of another size: EINVAL. */
	igt_assert_eq(drmModeCreatePropertyBlob(k->fd, lut, sizeof(lut), &blob), 0);
	req = drmModeAtomicAlloc();
	ADD_CRTC(k, req, "GAMMA_LUT", blob);
	igt_assert_eq(commit(k, req, 0), -EINVAL);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(k->fd, blob);

	igt_assert_eq(drmModeCreatePropertyBlob(k->fd, lut, LUT_SIZE * sizeof(lut[0]), &blob), 0);
	req = drmModeAtomicAlloc();
	ADD_CRTC(k, req, "GAMMA_LUT", blob);
	fence_wait(writeback(k, req, &out, 0));
	drmModeAtomicFree(req);
	check_wb(&out, want_inverted, NULL);
	drmModeDestroyPropertyBlob(k->fd, blob);

	req = drmModeAtomicAlloc();
	ADD_CRTC(k, req, "GAMMA_LUT", 0);
	fence_wait(writeback(k, req, &out, 0));
	drmModeAtomicFree(req);
	check_wb(&out, want_pattern8, NULL);

	kms_off(k);
	fb_destroy(k, &src);
	fb_destroy(k, &out);
}

static void test_bad_input(struct kms *k)
{
	struct drm_mode_create_dumb c = { .width = 65536, .height = 16384, .bpp = 32 };
	struct drm_mode_map_dumb m = { .handle = 0xdead };
	drmModeModeInfo mode = k->mode;
	drmModeAtomicReqPtr req;
	struct crc crc;
	struct fb a, small;

	kms_off(k);
	fb_create(k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(k, &small, 64, 64, DRM_FORMAT_XRGB8888);

	/* Modes. */
	if (on_vkms) {
		/* vkms takes them, and then warns in its vblank timestamps. */
		igt_info("vkms: accepts modes it cannot show: their refusal is not checked\n");
		goto crc;
	}
	mode.clock = INT_MAX;
	igt_assert_eq(modeset(k, &mode, &a), -EINVAL);
	mode = k->mode;
	mode.htotal = mode.vtotal = 65535;
	mode.hsync_end = mode.htotal - 1;
	mode.vsync_end = mode.vtotal - 1;
	mode.clock = 1;		/* far below 1 Hz */
	igt_assert_eq(modeset(k, &mode, &a), -EINVAL);
	mode = k->mode;
	mode.clock = mode.clock * 10;	/* 600 Hz */
	igt_assert_eq(modeset(k, &mode, &a), -EINVAL);
	mode = k->mode;
	mode.hdisplay = MAX_W + 8;
	mode.hsync_start = mode.hdisplay + 8;
	mode.hsync_end = mode.hdisplay + 16;
	mode.htotal = mode.hdisplay + 32;
	igt_assert_eq(modeset(k, &mode, &a), -EINVAL);
	igt_assert_eq(prop_get(k->fd, k->crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE"), 0);

	/* A CRC source that does not exist. */
crc:
	igt_assert_eq(modeset(k, NULL, &a), 0);
	igt_assert_eq(__crc_open(k, &crc, "bogus"), -EINVAL);
	crc_open(k, &crc);
	crc_close(&crc);

	/* Writeback into a framebuffer of another size. */
	if (k->wb) {
		req = drmModeAtomicAlloc();
		ADD_CONN(k, req, k->wb, "CRTC_ID", k->crtc);
		ADD_CONN(k, req, k->wb, "WRITEBACK_FB_ID", small.id);
		igt_assert_eq(commit(k, req, 0), -EINVAL);
		drmModeAtomicFree(req);
	}
	kms_off(k);
	/* Writeback for a CRTC that is off. */
	if (k->wb) {
		req = drmModeAtomicAlloc();
		ADD_CONN(k, req, k->wb, "CRTC_ID", k->crtc);
		ADD_CONN(k, req, k->wb, "WRITEBACK_FB_ID", a.id);
		igt_assert_eq(commit(k, req, DRM_MODE_ATOMIC_ALLOW_MODESET), -EINVAL);
		drmModeAtomicFree(req);
	}

	/* A dumb buffer of 4 GiB: past the 32-bit size of the dumb uapi. */
	igt_assert_eq(igt_ioctl(k->fd, DRM_IOCTL_MODE_CREATE_DUMB, &c), -1);
	igt_assert_eq(errno, EINVAL);
	igt_assert_eq(igt_ioctl(k->fd, DRM_IOCTL_MODE_MAP_DUMB, &m), -1);
	igt_assert_eq(errno, ENOENT);

	fb_destroy(k, &a);
	fb_destroy(k, &small);
}

/* configfs. */

#define CFS_ROOT "/sys/kernel/config"
#define CFS CFS_ROOT "/vsvm"

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	igt_assert_f(fd >= 0, "%s: %m\n", path);
	n = read(fd, buf, len - 1);
	igt_assert_lte(0, n);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	close(fd);
}

static void cfs_require(void)
{
	if (access(CFS, F_OK))
		mount("configfs", CFS_ROOT, "configfs", 0, NULL);
	igt_require_f(!access(CFS, F_OK), "no vsvm configfs subsystem\n");
}

/* Makes configfs device @name with display @display; opens its card node. */
static int cfs_device(const char *name, bool display)
{
	char path[256], pdev[64];
	int fd = -1;

	snprintf(path, sizeof(path), CFS "/%s", name);
	rmdir(path);
	igt_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), CFS "/%s/display", name);
	igt_assert_eq(write_file(path, "x"), -EINVAL);
	igt_assert_eq(write_file(path, display ? "1" : "0"), 0);
	snprintf(path, sizeof(path), CFS "/%s/enabled", name);
	igt_assert_eq(write_file(path, "1"), 0);
	snprintf(path, sizeof(path), CFS "/%s/display", name);
	igt_assert_eq(write_file(path, "1"), -EBUSY);
	snprintf(path, sizeof(path), CFS "/%s/device", name);
	read_file(path, pdev, sizeof(pdev));
	for (int i = 0; i < 64 && fd < 0; i++) {
		snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm/card%d", pdev, i);
		if (!access(path, F_OK)) {
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
	}
	igt_assert_f(fd >= 0, "no card node for %s\n", pdev);
	return fd;
}

static void cfs_remove(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), CFS "/%s", name);
	igt_assert_eq(rmdir(path), 0);
}

static uint64_t query_caps(int fd)
{
	struct drm_vsvm_query_caps caps = { 0 };
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_CAPS, .size = sizeof(caps), .data = (uintptr_t)&caps,
	};

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q), 0);
	return caps.caps;
}

static void test_display_off(struct kms *k)
{
	int fd;

	vsvm_only("a vsvm configfs device");
	cfs_require();
	igt_assert(query_caps(k->fd) & DRM_VSVM_CAP_DISPLAY);
	fd = cfs_device("kms-off", false);
	igt_assert(!(query_caps(fd) & DRM_VSVM_CAP_DISPLAY));
	igt_assert(!drmModeGetResources(fd));
	igt_assert_eq(errno, EOPNOTSUPP);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), -1);
	close(fd);
	cfs_remove("kms-off");

	fd = cfs_device("kms-on", true);
	igt_assert(query_caps(fd) & DRM_VSVM_CAP_DISPLAY);
	igt_assert(drmModeGetResources(fd));
	close(fd);
	cfs_remove("kms-on");
}

static void test_unplug(void)
{
	struct kms k;
	struct ev ev = { 0 };
	struct crc crc;
	struct fb a, b, out;
	drmModeAtomicReqPtr req;
	int fence;

	vsvm_only("a vsvm configfs device");
	cfs_require();
	kms_init_fd(&k, cfs_device("kms-unplug", true));
	fb_create(&k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(&k, &b, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(&k, &out, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_fill(&a, 0xff808080);
	igt_assert_eq(modeset(&k, NULL, &a), 0);
	crc_open(&k, &crc);
	req = drmModeAtomicAlloc();
	fence = writeback(&k, req, &out, DRM_MODE_ATOMIC_NONBLOCK);
	drmModeAtomicFree(req);
	/* May find the writeback's commit still pending (EBUSY). */
	(void)flip(&k, &b, &ev, DRM_MODE_ATOMIC_NONBLOCK);
	req = drmModeAtomicAlloc();
	ADD_PLANE(&k, req, k.primary, "FB_ID", a.id);

	cfs_remove("kms-unplug");
	/* The writeback's fence signals (done or cancelled), bounded. */
	fence_wait(fence);
	igt_assert_neq(drmModeAtomicCommit(k.fd, req, DRM_MODE_ATOMIC_NONBLOCK, NULL), 0);
	igt_assert_eq(errno, ENODEV);
	drmModeAtomicFree(req);
	igt_assert(!drmModeGetResources(k.fd));
	igt_assert_eq(errno, ENODEV);
	crc_close(&crc);
	munmap(a.map, a.size);
	munmap(b.map, b.size);
	munmap(out.map, out.size);
	close(k.fd);
}

/* --- framebuffers over every kind of vsvm memory ---------------------------- */

#define KM_PAGE 4096u
#define KM_CMD_SIZE (16 * KM_PAGE)
#define KM_CMD_WORDS (KM_CMD_SIZE / 4)
#define KM_CMD_VA 0x1000000ull
#define KM_FB_VA 0x10000000ull
#define KM_SRC_VA 0x20000000ull
#define KM_SEM_VA 0x30000000ull
#define KM_SOLID 0x00336699u

/* The display of vsvm device 0, as the tests of this section drive it. */
static struct {
	int fd;			/* its primary node, master */
	int dbg;		/* its debugfs directory */
	uint32_t crtc, conn, plane, blob;
	uint32_t w, h;		/* the mode's size: every framebuffer's */
	uint32_t p_conn_crtc, p_mode, p_active;
	uint32_t p_fb, p_crtc, p_sx, p_sy, p_sw, p_sh, p_cx, p_cy, p_cw, p_ch;
	int crc;		/* crtc-0/crc/data, -1 when closed */
	uint32_t ref_black, ref[3], ref_solid;	/* CRCs of dumb buffers */
	long long dmachk;	/* the checker's violations before */
} km = { .fd = -1, .dbg = -1, .crc = -1 };

static uint32_t km_prop(uint32_t obj, uint32_t type, const char *name, uint64_t *value)
{
	drmModeObjectPropertiesPtr props = drmModeObjectGetProperties(km.fd, obj, type);
	uint32_t i, id = 0;

	igt_assert(props);
	for (i = 0; i < props->count_props && !id; i++) {
		drmModePropertyPtr p = drmModeGetProperty(km.fd, props->props[i]);

		if (p && !strcmp(p->name, name)) {
			id = p->prop_id;
			if (value)
				*value = props->prop_values[i];
		}
		drmModeFreeProperty(p);
	}
	drmModeFreeObjectProperties(props);
	igt_assert_f(id, "object %u has no property \"%s\"\n", obj, name);
	return id;
}

/* Finds the CRTC, a connected connector, the primary plane and the smallest mode. */
static void km_open(void)
{
	drmModeModeInfo *mode = NULL;
	drmModePlaneResPtr pres;
	drmModeResPtr res;
	uint32_t i;

	km.fd = drm_open_driver(DRIVER_VSVM);
	igt_require_f(!drmSetClientCap(km.fd, DRM_CLIENT_CAP_ATOMIC, 1),
		      "device 0 has no display\n");
	igt_assert_f(!drmSetMaster(km.fd), "device 0 has another master: %s\n", strerror(errno));
	res = drmModeGetResources(km.fd);
	igt_require(res && res->count_crtcs);
	km.crtc = res->crtcs[0];
	for (i = 0; i < (uint32_t)res->count_connectors && !km.conn; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(km.fd, res->connectors[i]);
		int m;

		if (c && c->connection == DRM_MODE_CONNECTED && c->count_modes) {
			km.conn = c->connector_id;
			for (m = 0; m < c->count_modes; m++)
				if (!mode || c->modes[m].hdisplay * c->modes[m].vdisplay <
					     mode->hdisplay * mode->vdisplay) {
					free(mode);
					mode = malloc(sizeof(*mode));
					*mode = c->modes[m];
				}
		}
		drmModeFreeConnector(c);
	}
	drmModeFreeResources(res);
	igt_require_f(km.conn, "no connected connector\n");
	km.w = mode->hdisplay;
	km.h = mode->vdisplay;
	igt_assert_eq(drmModeCreatePropertyBlob(km.fd, mode, sizeof(*mode), &km.blob), 0);
	free(mode);

	pres = drmModeGetPlaneResources(km.fd);
	igt_assert(pres);
	for (i = 0; i < pres->count_planes && !km.plane; i++) {
		uint64_t type = 0;

		km_prop(pres->planes[i], DRM_MODE_OBJECT_PLANE, "type", &type);
		if (type == DRM_PLANE_TYPE_PRIMARY)
			km.plane = pres->planes[i];
	}
	drmModeFreePlaneResources(pres);
	igt_require(km.plane);

	km.p_conn_crtc = km_prop(km.conn, DRM_MODE_OBJECT_CONNECTOR, "CRTC_ID", NULL);
	km.p_mode = km_prop(km.crtc, DRM_MODE_OBJECT_CRTC, "MODE_ID", NULL);
	km.p_active = km_prop(km.crtc, DRM_MODE_OBJECT_CRTC, "ACTIVE", NULL);
	km.p_fb = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "FB_ID", NULL);
	km.p_crtc = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "CRTC_ID", NULL);
	km.p_sx = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "SRC_X", NULL);
	km.p_sy = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "SRC_Y", NULL);
	km.p_sw = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "SRC_W", NULL);
	km.p_sh = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "SRC_H", NULL);
	km.p_cx = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "CRTC_X", NULL);
	km.p_cy = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "CRTC_Y", NULL);
	km.p_cw = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "CRTC_W", NULL);
	km.p_ch = km_prop(km.plane, DRM_MODE_OBJECT_PLANE, "CRTC_H", NULL);
	km.dbg = igt_debugfs_dir(km.fd);
	igt_assert_f(km.dbg >= 0, "no debugfs for device 0\n");
}

/* Shows @fb full screen on the primary plane (0: none); 0 or -errno. */
static int km_commit(uint32_t fb, uint32_t flags)
{
	drmModeAtomicReqPtr r = drmModeAtomicAlloc();
	int ret;

	igt_assert(r);
	drmModeAtomicAddProperty(r, km.conn, km.p_conn_crtc, km.crtc);
	drmModeAtomicAddProperty(r, km.crtc, km.p_mode, km.blob);
	drmModeAtomicAddProperty(r, km.crtc, km.p_active, 1);
	drmModeAtomicAddProperty(r, km.plane, km.p_fb, fb);
	drmModeAtomicAddProperty(r, km.plane, km.p_crtc, fb ? km.crtc : 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_sx, 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_sy, 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_sw, fb ? (uint64_t)km.w << 16 : 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_sh, fb ? (uint64_t)km.h << 16 : 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_cx, 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_cy, 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_cw, fb ? km.w : 0);
	drmModeAtomicAddProperty(r, km.plane, km.p_ch, fb ? km.h : 0);
	ret = drmModeAtomicCommit(km.fd, r, flags | DRM_MODE_ATOMIC_ALLOW_MODESET, NULL);
	if (ret)
		ret = -errno;
	drmModeAtomicFree(r);
	return ret;
}

/* ADDFB2 of one packed plane on @fd: 0 and the id in *@id, or -errno. */
static int km_addfb(int fd, uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch,
		    uint32_t offset, uint32_t format, uint64_t modifier, uint32_t *id)
{
	struct drm_mode_fb_cmd2 f = {
		.width = w, .height = h, .pixel_format = format,
		.flags = modifier ? DRM_MODE_FB_MODIFIERS : 0,
	};

	f.handles[0] = handle;
	f.pitches[0] = pitch;
	f.offsets[0] = offset;
	f.modifier[0] = modifier;
	if (igt_ioctl(fd, DRM_IOCTL_MODE_ADDFB2, &f))
		return -errno;
	*id = f.fb_id;
	return 0;
}

/* A full-screen XRGB8888 framebuffer of @handle, asserted. */
static uint32_t km_fb(uint32_t handle, uint32_t pitch, uint32_t offset)
{
	uint32_t id = 0;

	igt_assert_eq(km_addfb(km.fd, handle, km.w, km.h, pitch, offset, DRM_FORMAT_XRGB8888,
			       0, &id), 0);
	return id;
}

/* Pixel (@x, @y) of picture @seed (1, 2): never black, different per seed. */
static uint32_t km_pixel(uint32_t x, uint32_t y, unsigned int seed)
{
	return ((x * 3 + seed * 40) & 0xff) << 16 | ((y * 5 + seed * 70) & 0xff) << 8 |
	       ((x + y + seed * 90) & 0x7f) | 0x80;
}

/* Draws picture @seed (0: black, ~0u: KM_SOLID) at @p with @pitch. */
static void km_draw(void *p, uint32_t pitch, unsigned int seed)
{
	uint32_t x, y;

	for (y = 0; y < km.h; y++) {
		uint32_t *line = (uint32_t *)((uint8_t *)p + (size_t)y * pitch);

		for (x = 0; x < km.w; x++)
			line[x] = !seed ? 0 : seed == ~0u ? KM_SOLID : km_pixel(x, y, seed);
	}
}

/* Bytes of a framebuffer with @pitch and @offset, rounded up to pages. */
static uint64_t km_size(uint32_t pitch, uint32_t offset)
{
	uint64_t end = offset + (uint64_t)pitch * km.h;

	return (end + KM_PAGE - 1) & ~(uint64_t)(KM_PAGE - 1);
}

/* --- CRC ---------------------------------------------------------------------- */

static void km_crc_start(void)
{
	int f;

	if (km.crc >= 0)
		return;
	f = openat(km.dbg, "crtc-0/crc/control", O_WRONLY | O_CLOEXEC);
	igt_assert_fd(f);
	igt_assert_eq(write(f, "auto", 4), 4);
	close(f);
	km.crc = openat(km.dbg, "crtc-0/crc/data", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	igt_assert_f(km.crc >= 0, "crtc-0/crc/data: %s\n", strerror(errno));
}

static void km_crc_stop(void)
{
	if (km.crc >= 0)
		close(km.crc);
	km.crc = -1;
}

/* The next CRC entry, waiting up to 10 s. */
static void km_crc_read(uint32_t *frame, uint32_t *crc)
{
	struct pollfd p = { .fd = km.crc, .events = POLLIN };
	char buf[64];
	ssize_t n;

	for (;;) {
		n = read(km.crc, buf, sizeof(buf) - 1);
		if (n > 0)
			break;
		igt_assert_f(n < 0 && errno == EAGAIN, "crtc-0/crc/data: %s\n", strerror(errno));
		igt_assert_f(poll(&p, 1, 10000) == 1, "no CRC entry in 10 s\n");
	}
	buf[n] = '\0';
	igt_assert_eq(sscanf(buf, "%x %x", frame, crc), 2);
}

/* The CRC of a frame composed after now (two vblanks on, to be sure). */
static uint32_t km_crc_now(void)
{
	uint64_t seq, ns;
	uint32_t frame, crc;

	km_crc_start();
	igt_assert_eq(drmCrtcGetSequence(km.fd, km.crtc, &seq, &ns), 0);
	do
		km_crc_read(&frame, &crc);
	while ((int32_t)(frame - (uint32_t)seq) < 2);
	return crc;
}

/* Waits up to 20 s for the frames to show CRC @want; false if they never do. */
static bool km_crc_wait(uint32_t want)
{
	uint64_t end = vsvm_now_ns() + 20000000000ull;

	do {
		if (km_crc_now() == want)
			return true;
	} while (vsvm_now_ns() < end);
	return false;
}

/* A CPU-drawn dumb buffer's framebuffer, picture @seed. */
static uint32_t km_dumb_fb(unsigned int seed, uint32_t *handle)
{
	struct drm_mode_create_dumb c = { .width = km.w, .height = km.h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	void *p;

	do_ioctl(km.fd, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	m.handle = c.handle;
	do_ioctl(km.fd, DRM_IOCTL_MODE_MAP_DUMB, &m);
	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, km.fd, m.offset);
	igt_assert(p != MAP_FAILED);
	km_draw(p, c.pitch, seed);
	munmap(p, c.size);
	*handle = c.handle;
	return km_fb(c.handle, c.pitch, 0);
}

/* The CRC of picture @seed drawn by the CPU into a dumb buffer. */
static uint32_t km_ref(unsigned int seed)
{
	uint32_t handle, fb = km_dumb_fb(seed, &handle), crc;

	igt_assert_eq(km_commit(fb, 0), 0);
	crc = km_crc_now();
	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	return crc;
}

/* Shows @fb and asserts that the frames show picture @want's CRC. */
static void km_show(uint32_t fb, uint32_t want, const char *what)
{
	uint32_t crc;

	igt_assert_eq(km_commit(fb, 0), 0);
	crc = km_crc_now();
	igt_assert_f(crc == want, "%s: CRC %#x, want %#x\n", what, crc, want);
}

static long long km_stat(const char *file, const char *key)
{
	long long v = vsvm_debugfs_get(km.fd, file, key);

	igt_assert_f(v >= 0, "debugfs %s has no %s\n", file, key);
	return v;
}

static void km_check_dmachk(void)
{
	long long v = km_stat("dmachk", "violations");

	igt_assert_f(v == km.dmachk, "DMA checker: %lld violations (%lld before)\n", v, km.dmachk);
}

/* --- GPU jobs ------------------------------------------------------------------ */

struct km_gpu {
	int fd;
	uint32_t vm, cmd_bo;
	uint32_t *cmd;
	unsigned int n;
};

#define KCS(g) (g)->cmd, &(g)->n, KM_CMD_WORDS

static void km_gpu_init(struct km_gpu *g, int fd)
{
	g->fd = fd;
	g->vm = vsvm_vm_create(fd, 0);
	g->cmd_bo = vsvm_gem_create(fd, KM_CMD_SIZE);
	g->cmd = vsvm_gem_mmap(fd, g->cmd_bo, KM_CMD_SIZE);
	g->n = 0;
	igt_assert_eq(vsvm_vm_map(fd, g->vm, g->cmd_bo, 0, KM_CMD_VA, KM_CMD_SIZE, 0), 0);
}

static void km_gpu_fini(struct km_gpu *g)
{
	munmap(g->cmd, KM_CMD_SIZE);
	vsvm_gem_close(g->fd, g->cmd_bo);
}

/* EXEC of what was emitted; returns the out-syncobj. */
static uint32_t km_gpu_submit(struct km_gpu *g)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = g->vm, .cs_addr = KM_CMD_VA, .cs_size = g->n * 4ull,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	vsvm_emit_end(KCS(g));
	e.cs_size = g->n * 4ull;
	igt_assert_eq(drmSyncobjCreate(g->fd, 0, &out.handle), 0);
	do_ioctl(g->fd, DRM_IOCTL_VSVM_EXEC, &e);
	g->n = 0;
	return out.handle;
}

/* --- the subtests ------------------------------------------------------------- */

static void test_bo_gpu_vs_cpu(void)
{
	uint32_t pitch = km.w * 4, fb, bo, src, s;
	uint64_t size = km_size(pitch, 0);
	struct km_gpu g;
	void *p;

	km_gpu_init(&g, km.fd);
	bo = vsvm_gem_create(km.fd, size);
	src = vsvm_gem_create(km.fd, size);
	p = vsvm_gem_mmap(km.fd, src, size);
	km_draw(p, pitch, 1);
	munmap(p, size);
	igt_assert_eq(vsvm_vm_map(km.fd, g.vm, bo, 0, KM_FB_VA, size, 0), 0);
	igt_assert_eq(vsvm_vm_map(km.fd, g.vm, src, 0, KM_SRC_VA, size, 0), 0);
	fb = km_fb(bo, pitch, 0);

	vsvm_emit_fill(KCS(&g), KM_FB_VA, KM_SOLID, size);
	s = km_gpu_submit(&g);
	igt_assert_eq(vsvm_job_end(km.fd, s), 1);
	km_show(fb, km.ref_solid, "engine FILL");

	vsvm_emit_copy(KCS(&g), KM_FB_VA, KM_SRC_VA, size);
	s = km_gpu_submit(&g);
	igt_assert_eq(vsvm_job_end(km.fd, s), 1);
	igt_assert_f(km_crc_wait(km.ref[1]), "engine COPY: the frames never showed it\n");

	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, bo);
	vsvm_gem_close(km.fd, src);
	km_gpu_fini(&g);
	km_check_dmachk();
}

/* Waits up to @ms for a DRM event on the display's fd; true if one came. */
static bool km_event(int ms)
{
	struct pollfd p = { .fd = km.fd, .events = POLLIN };
	drmEventContext ev = { .version = 2 };

	if (poll(&p, 1, ms) != 1)
		return false;
	igt_assert_eq(drmHandleEvent(km.fd, &ev), 0);
	return true;
}

static void test_prime_device1_waits(void)
{
	uint32_t pitch = km.w * 4, bo, sem, handle, fb, s;
	uint64_t size = km_size(pitch, 0);
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	volatile uint32_t *sem_map;
	struct km_gpu g;
	int fd1;

	fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
	igt_require_f(fd1 >= 0, "needs a second vsvm device\n");
	km_gpu_init(&g, fd1);
	bo = vsvm_gem_create(fd1, size);
	sem = vsvm_gem_create(fd1, KM_PAGE);
	sem_map = vsvm_gem_mmap(fd1, sem, KM_PAGE);
	*sem_map = 0;
	igt_assert_eq(vsvm_vm_map(fd1, g.vm, bo, 0, KM_FB_VA, size, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd1, g.vm, sem, 0, KM_SEM_VA, KM_PAGE, 0), 0);

	/* Device 1's job: wait for the semaphore, then fill the buffer. */
	vsvm_emit_spin(KCS(&g), KM_SEM_VA, 1);
	vsvm_emit_fill(KCS(&g), KM_FB_VA, KM_SOLID, size);
	s = km_gpu_submit(&g);

	exp.handle = bo;
	do_ioctl(fd1, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp);
	igt_assert_eq(drmPrimeFDToHandle(km.fd, exp.fd, &handle), 0);
	close(exp.fd);
	fb = km_fb(handle, pitch, 0);

	/* The commit waits for device 1's job fence (implicit sync). */
	igt_assert_eq(km_commit(fb, DRM_MODE_ATOMIC_NONBLOCK | DRM_MODE_PAGE_FLIP_EVENT), 0);
	igt_assert_f(!km_event(500), "the commit completed while device 1's job was pending\n");
	igt_assert_eq(vsvm_fence_status(fd1, s), 0);
	*sem_map = 1;
	igt_assert_f(km_event(20000), "no flip event 20 s after device 1's job was released\n");
	igt_assert_eq(vsvm_job_end(fd1, s), 1);
	igt_assert_f(km_crc_wait(km.ref_solid), "device 1's buffer: not its contents\n");

	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	munmap((void *)sem_map, KM_PAGE);
	km_gpu_fini(&g);
	close(fd1);
	km_check_dmachk();
}

static void test_prime_move_notify(void)
{
	uint32_t pitch = km.w * 4, bo, handle, fb;
	uint64_t size = km_size(pitch, 0);
	struct drm_prime_handle exp = { .flags = DRM_CLOEXEC | DRM_RDWR };
	long long notifies, maps;
	unsigned int i;
	void *p;
	int fd1;

	igt_require_f(km_stat("vsvm_prime", "move_notify") == 1,
		      "no CONFIG_DMABUF_MOVE_NOTIFY: importers pin, nothing moves\n");
	fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
	igt_require_f(fd1 >= 0, "needs a second vsvm device\n");
	bo = vsvm_gem_create(fd1, size);
	p = vsvm_gem_mmap(fd1, bo, size);
	km_draw(p, pitch, 1);
	munmap(p, size);
	exp.handle = bo;
	do_ioctl(fd1, DRM_IOCTL_PRIME_HANDLE_TO_FD, &exp);
	igt_assert_eq(drmPrimeFDToHandle(km.fd, exp.fd, &handle), 0);
	close(exp.fd);
	fb = km_fb(handle, pitch, 0);
	km_show(fb, km.ref[1], "device 1's buffer");

	/* Device 1 moves it again and again while frames are composed from it. */
	notifies = km_stat("vsvm_prime", "move_notifies");
	maps = km_stat("vsvm_prime", "maps");
	for (i = 0; i < 30; i++) {
		igt_assert_eq(vsvm_debugfs_write(fd1, "prime_evict", "1"), 0);
		usleep(random() % 20000);
		km_check_dmachk();
	}
	igt_assert_lt(notifies, km_stat("vsvm_prime", "move_notifies"));
	igt_assert_f(km_crc_wait(km.ref[1]), "moved: the frames never showed it again\n");
	igt_assert_lt(maps, km_stat("vsvm_prime", "maps"));

	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	close(fd1);
	km_check_dmachk();
}

/* Imports @dmabuf into the display's file and shows it with picture 1. */
static void km_show_dmabuf(int dmabuf, uint32_t pitch, const char *what)
{
	uint32_t handle, fb;

	igt_assert_eq(drmPrimeFDToHandle(km.fd, dmabuf, &handle), 0);
	fb = km_fb(handle, pitch, 0);
	km_show(fb, km.ref[1], what);
	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	km_check_dmachk();
}

static void test_vgem(void)
{
	struct drm_mode_create_dumb c = { .width = km.w, .height = km.h, .bpp = 32 };
	struct drm_mode_map_dumb m = { 0 };
	int vg = vsvm_open_vgem(), dmabuf;
	void *p;

	igt_require_f(vg >= 0, "no vgem\n");
	do_ioctl(vg, DRM_IOCTL_MODE_CREATE_DUMB, &c);
	m.handle = c.handle;
	do_ioctl(vg, DRM_IOCTL_MODE_MAP_DUMB, &m);
	p = mmap(NULL, c.size, PROT_READ | PROT_WRITE, MAP_SHARED, vg, m.offset);
	igt_assert(p != MAP_FAILED);
	km_draw(p, c.pitch, 1);
	munmap(p, c.size);
	igt_assert_eq(drmPrimeHandleToFD(vg, c.handle, DRM_CLOEXEC | DRM_RDWR, &dmabuf), 0);
	km_show_dmabuf(dmabuf, c.pitch, "vgem");
	close(dmabuf);
	close(vg);
}

static void test_udmabuf(void)
{
	uint32_t pitch = km.w * 4;
	uint64_t size = km_size(pitch, 0);
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = size };
	int ud = open("/dev/udmabuf", O_RDWR | O_CLOEXEC), memfd, dmabuf;
	void *p;

	igt_require_f(ud >= 0, "no /dev/udmabuf\n");
	memfd = memfd_create("vsvm-kms", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	igt_assert_fd(memfd);
	igt_assert_eq(ftruncate(memfd, size), 0);
	igt_assert_eq(fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0);
	igt_assert(p != MAP_FAILED);
	km_draw(p, pitch, 1);
	munmap(p, size);
	create.memfd = memfd;
	dmabuf = ioctl(ud, UDMABUF_CREATE, &create);
	igt_assert_f(dmabuf >= 0, "UDMABUF_CREATE: %s\n", strerror(errno));
	km_show_dmabuf(dmabuf, pitch, "udmabuf");
	close(dmabuf);
	close(memfd);
	close(ud);
}

static void test_userptr_registration(void)
{
	uint32_t pitch = km.w * 4 + 256, offset = 2 * KM_PAGE + 64, handle, fb;
	uint64_t size = km_size(pitch, offset);
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	igt_assert(mem != MAP_FAILED);
	km_draw(mem + offset, pitch, 1);
	handle = vsvm_gem_userptr(km.fd, mem, size, DRM_VSVM_USERPTR_PIN_LONGTERM);
	fb = km_fb(handle, pitch, offset);
	km_show(fb, km.ref[1], "registration userptr");
	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	munmap(mem, size);
	km_check_dmachk();
}

/* A notifier-mode userptr of fresh memory with picture @seed, and its framebuffer. */
static uint8_t *km_userptr_fb(uint32_t pitch, uint32_t offset, unsigned int seed,
			      uint32_t *handle, uint32_t *fb)
{
	uint64_t size = km_size(pitch, offset);
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	igt_assert(mem != MAP_FAILED);
	km_draw(mem + offset, pitch, seed);
	*handle = vsvm_gem_userptr(km.fd, mem, size, 0);
	*fb = km_fb(*handle, pitch, offset);
	return mem;
}

/* New anonymous memory at @mem (MAP_FIXED) with picture @seed. */
static void km_remap(uint8_t *mem, uint64_t size, uint32_t pitch, uint32_t offset,
		     unsigned int seed)
{
	igt_assert(mmap(mem, size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == mem);
	km_draw(mem + offset, pitch, seed);
}

static void test_userptr_munmap_remap(void)
{
	uint32_t pitch = km.w * 4 + 64, offset = KM_PAGE + 128, handle, fb;
	uint64_t size = km_size(pitch, offset);
	long long gone, reval;
	uint8_t *mem;

	mem = km_userptr_fb(pitch, offset, 1, &handle, &fb);
	km_show(fb, km.ref[1], "notifier userptr");

	/* Gone: the plane is transparent, the commit of it refused. */
	gone = km_stat("vsvm_fb", "gone");
	igt_assert_eq(munmap(mem, size), 0);
	igt_assert_f(km_crc_wait(km.ref_black), "munmapped: the frames never went black\n");
	igt_assert_lt(gone, km_stat("vsvm_fb", "gone"));
	igt_assert_eq(km_commit(fb, 0), -EFAULT);
	km_check_dmachk();

	/* Remapped: the next frames get the new pages (revalidation). */
	reval = km_stat("vsvm_fb", "revalidations");
	km_remap(mem, size, pitch, offset, 2);
	igt_assert_f(km_crc_wait(km.ref[2]), "remapped: the frames never showed it\n");
	igt_assert_lt(reval, km_stat("vsvm_fb", "revalidations"));
	igt_assert_eq(km_commit(fb, 0), 0);

	/* Read-only under a writable userptr: gone; writable again: back. */
	igt_assert_eq(mprotect(mem, size, PROT_READ), 0);
	igt_assert_f(km_crc_wait(km.ref_black), "read-only: the frames never went black\n");
	igt_assert_eq(mprotect(mem, size, PROT_READ | PROT_WRITE), 0);
	igt_assert_f(km_crc_wait(km.ref[2]), "writable again: the frames never showed it\n");

	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	munmap(mem, size);
	km_check_dmachk();
}

static void test_userptr_munmap_race(void)
{
	uint32_t pitch = km.w * 4, offset = 0, handle, fb;
	uint64_t size = km_size(pitch, offset);
	long long waits;
	unsigned int i, seed = 1;
	uint8_t *mem;

	mem = km_userptr_fb(pitch, offset, 1, &handle, &fb);
	km_show(fb, km.ref[1], "notifier userptr");
	waits = km_stat("vsvm_userptr", "invalidation_waits");

	/* Frames are composed all along (the CRC is on): change the memory under them. */
	for (i = 0; i < 60; i++) {
		seed = 1 + (i & 1);
		if (i % 3 == 2) {
			igt_assert_eq(mprotect(mem, size, PROT_READ), 0);
			usleep(random() % 20000);
			igt_assert_eq(mprotect(mem, size, PROT_READ | PROT_WRITE), 0);
		} else {
			igt_assert_eq(munmap(mem, size), 0);
			usleep(random() % 20000);
		}
		km_remap(mem, size, pitch, offset, seed);
		usleep(random() % 20000);
		km_check_dmachk();
		if (i >= 20 && km_stat("vsvm_userptr", "invalidation_waits") > waits)
			break;
	}
	igt_info("%u changes, %lld invalidations waited for a composition\n", i + 1,
		 km_stat("vsvm_userptr", "invalidation_waits") - waits);
	/* I1: some invalidation found a composition in flight and waited for it. */
	igt_assert_lt(waits, km_stat("vsvm_userptr", "invalidation_waits"));
	igt_assert_f(km_crc_wait(km.ref[seed]), "the last contents were never shown\n");

	igt_assert_eq(km_commit(0, 0), 0);
	drmModeRmFB(km.fd, fb);
	vsvm_gem_close(km.fd, handle);
	munmap(mem, size);
	km_check_dmachk();
}

/*
 * The child of test_userptr_exit(): a notifier-mode userptr framebuffer in
 * its own address space, made and committed on the display's file it
 * inherited (the same file, so it may commit; its address space, so the
 * userptr is its own, I7).  Sends the handle and the framebuffer's id, then
 * keeps drawing the same picture until it is killed.  No igt_assert here.
 */
static void __attribute__((noreturn)) km_exit_child(int wr, uint32_t pitch)
{
	uint64_t size = km_size(pitch, 0);
	uint32_t msg[2];
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
			    -1, 0);

	if (mem == MAP_FAILED)
		_exit(1);
	km_draw(mem, pitch, 1);
	if (__vsvm_gem_userptr(km.fd, (uintptr_t)mem, size, 0, &msg[0]) ||
	    km_addfb(km.fd, msg[0], km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0, &msg[1]) ||
	    km_commit(msg[1], 0))
		_exit(2);
	if (write(wr, msg, sizeof(msg)) != sizeof(msg))
		_exit(3);
	for (;;)
		km_draw(mem, pitch, 1);
}

static void test_userptr_exit(void)
{
	uint32_t pitch = km.w * 4, msg[2];
	long long userptrs = km_stat("vsvm_userptr", "userptrs"), gone;
	uint64_t seq0, seq1, ns;
	int round, pfd[2], status;
	pid_t pid;

	km_crc_start();
	for (round = 0; round < 3; round++) {
		igt_assert_eq(pipe(pfd), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (!pid) {
			close(pfd[0]);
			km_exit_child(pfd[1], pitch);
		}
		close(pfd[1]);
		igt_assert_f(read(pfd[0], msg, sizeof(msg)) == sizeof(msg),
			     "the child made no framebuffer\n");
		close(pfd[0]);
		igt_assert_f(km_crc_wait(km.ref[1]), "the child's userptr was never shown\n");
		igt_assert_eq(km_stat("vsvm_userptr", "userptrs"), userptrs + 1);

		/* I4: killed while the frames are composed from its memory. */
		gone = km_stat("vsvm_fb", "gone");
		usleep(random() % 20000);
		igt_assert_eq(kill(pid, SIGKILL), 0);
		igt_assert_eq(waitpid(pid, &status, 0), pid);
		igt_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

		/* The display goes on: the gone range shows as transparent (black). */
		igt_assert_eq(drmCrtcGetSequence(km.fd, km.crtc, &seq0, &ns), 0);
		igt_assert_f(km_crc_wait(km.ref_black),
			     "the owner exited: the frames never went black\n");
		igt_assert_lt(gone, km_stat("vsvm_fb", "gone"));
		igt_assert_eq(drmCrtcGetSequence(km.fd, km.crtc, &seq1, &ns), 0);
		igt_assert_f(seq1 > seq0, "no vblank after the exit: %" PRIu64 ", %" PRIu64 "\n",
			     seq0, seq1);
		km_check_dmachk();

		/* Another framebuffer on the plane; the last references go. */
		igt_assert_eq(km_commit(0, 0), 0);
		igt_assert_eq(drmModeRmFB(km.fd, msg[1]), 0);
		igt_assert_eq(km_stat("vsvm_userptr", "userptrs"), userptrs + 1);
		vsvm_gem_close(km.fd, msg[0]);
		igt_assert_eq(km_stat("vsvm_userptr", "userptrs"), userptrs);
	}
	km_check_dmachk();
}

/* A framebuffer of @handle for kms's helpers (they use its id and size). */
static struct fb km_fb_of(uint32_t handle, uint32_t w, uint32_t h, uint32_t pitch)
{
	struct fb fb = {
		.handle = handle, .w = w, .h = h, .pitch = pitch,
		.format = DRM_FORMAT_XRGB8888, .cpp = 4,
	};

	igt_assert_eq(km_addfb(km.fd, handle, w, h, pitch, 0, DRM_FORMAT_XRGB8888, 0, &fb.id), 0);
	return fb;
}

static void test_userptr_writeback(void)
{
	uint32_t pitch = PREF_W * 4, handle, ro;
	uint64_t size = (uint64_t)pitch * PREF_H;
	drmModeAtomicReqPtr req;
	struct fb src, ref, out, bad;
	struct kms k;
	uint8_t *mem;

	km_crc_stop();
	kms_init_fd(&k, km.fd);
	igt_require(k.wb);
	fb_create(&k, &src, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	for (uint32_t y = 0; y < PREF_H; y++)
		for (uint32_t x = 0; x < PREF_W; x++)
			*px32(&src, x, y) = km_pixel(x, y, 1);
	igt_assert_eq(modeset(&k, NULL, &src), 0);

	/* What the frame is, written back into a dumb buffer. */
	fb_create(&k, &ref, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	writeback_now(&k, &ref);

	/* The same into a notifier-mode userptr: byte for byte. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(mem != MAP_FAILED);
	memset(mem, 0x5a, size);
	handle = vsvm_gem_userptr(km.fd, mem, size, 0);
	out = km_fb_of(handle, PREF_W, PREF_H, pitch);
	writeback_now(&k, &out);
	for (uint32_t y = 0; y < PREF_H; y++)
		assert_same(mem + (uint64_t)y * pitch, (uint8_t *)ref.map + (uint64_t)y * ref.pitch,
			    pitch);

	/* I10: never into a read-only userptr. */
	ro = vsvm_gem_userptr(km.fd, mem, size, DRM_VSVM_USERPTR_READ_ONLY);
	bad = km_fb_of(ro, PREF_W, PREF_H, pitch);
	req = drmModeAtomicAlloc();
	ADD_CONN(&k, req, k.wb, "CRTC_ID", k.crtc);
	ADD_CONN(&k, req, k.wb, "WRITEBACK_FB_ID", bad.id);
	igt_assert_eq(commit(&k, req, DRM_MODE_ATOMIC_ALLOW_MODESET), -EACCES);
	drmModeAtomicFree(req);

	kms_off(&k);
	drmModeRmFB(km.fd, bad.id);
	drmModeRmFB(km.fd, out.id);
	vsvm_gem_close(km.fd, ro);
	vsvm_gem_close(km.fd, handle);
	munmap(mem, size);
	fb_destroy(&k, &ref);
	fb_destroy(&k, &src);
	km_check_dmachk();
}

static void test_addfb_other_file_handle(void)
{
	int a = drm_open_driver(DRIVER_VSVM), b = drm_open_driver(DRIVER_VSVM);
	uint32_t pitch = km.w * 4, bo, id;

	/* @a has no object at all: @b's handle names nothing in it. */
	bo = vsvm_gem_create(b, km_size(pitch, 0));
	igt_assert_eq(km_addfb(a, bo, km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0, &id),
		      -ENOENT);
	igt_assert_eq(km_addfb(b, bo, km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0, &id), 0);
	drmModeRmFB(b, id);
	close(a);
	close(b);
}

static void test_addfb_userptr_other_mm(void)
{
	uint32_t pitch = km.w * 4, handle, id;
	uint64_t size = km_size(pitch, 0);
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t pid;

	igt_assert(mem != MAP_FAILED);
	handle = vsvm_gem_userptr(km.fd, mem, size, 0);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		/* I7: the same file and handle, another address space. */
		_exit(km_addfb(km.fd, handle, km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0,
			       &id) == -EPERM ? 0 : 1);
	}
	igt_assert_eq(vsvm_wait_child_ms(pid, 20000), 0);
	igt_assert_eq(km_addfb(km.fd, handle, km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0,
			       &id), 0);
	drmModeRmFB(km.fd, id);
	vsvm_gem_close(km.fd, handle);
	munmap(mem, size);
}

/* A userptr private to @vm (uapi 1.9): its handle, asserted. */
static uint32_t km_userptr_private(void *mem, uint64_t size, uint32_t vm)
{
	struct drm_vsvm_gem_ext_vm_private ext = {
		.base.name = DRM_VSVM_GEM_EXT_VM_PRIVATE, .vm_id = vm,
	};
	struct drm_vsvm_gem_userptr u = {
		.extensions = (uintptr_t)&ext, .addr = (uintptr_t)mem, .size = size,
	};

	do_ioctl(km.fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u);
	return u.handle;
}

static void test_addfb_userptr_private(void)
{
	uint32_t pitch = km.w * 4, handle, id;
	uint64_t size = km_size(pitch, 0);
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct drm_vsvm_vm_destroy d = { 0 };

	igt_assert(mem != MAP_FAILED);
	d.vm_id = vsvm_vm_create(km.fd, 0);
	handle = km_userptr_private(mem, size, d.vm_id);
	/*
	 * I1: a private userptr's invalidation does not wait on its VM's
	 * reservation, where a composition would publish its fence.
	 */
	igt_assert_eq(km_addfb(km.fd, handle, km.w, km.h, pitch, 0, DRM_FORMAT_XRGB8888, 0,
			       &id), -EINVAL);
	vsvm_gem_close(km.fd, handle);
	do_ioctl(km.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
	munmap(mem, size);
}

static void test_addfb_bad(void)
{
	uint32_t pitch = km.w * 4, w = km.w, h = km.h, bo, small, id;
	uint64_t size = km_size(pitch, 0);
	struct drm_mode_fb_cmd2 f = {
		.width = w, .height = h, .pixel_format = DRM_FORMAT_XRGB8888,
	};
	const uint32_t xrgb = DRM_FORMAT_XRGB8888;

	bo = vsvm_gem_create(km.fd, size);
	small = vsvm_gem_create(km.fd, KM_PAGE);
	/* Pitch, offset: whole pixels only. */
	igt_assert_eq(km_addfb(km.fd, bo, w, h - 1, pitch + 2, 0, xrgb, 0, &id), -EINVAL);
	igt_assert_eq(km_addfb(km.fd, bo, w, h - 1, pitch, 2, xrgb, 0, &id), -EINVAL);
	/* The object must hold the whole framebuffer. */
	igt_assert_eq(km_addfb(km.fd, small, w, h, pitch, 0, xrgb, 0, &id), -EINVAL);
	igt_assert_eq(km_addfb(km.fd, bo, w, h, pitch, size - (uint64_t)pitch * h + 4, xrgb, 0,
			       &id), -EINVAL);
	igt_assert_eq(km_addfb(km.fd, bo, w, h, pitch + 4 * (KM_PAGE / (4 * (h - 1)) + 1), 0,
			       xrgb, 0, &id), -EINVAL);
	/* Linear only. */
	igt_assert_eq(km_addfb(km.fd, bo, w, h, pitch, 0, xrgb, I915_FORMAT_MOD_X_TILED, &id),
		      -EINVAL);
	/* Formats the composer neither reads nor writes back. */
	igt_assert_eq(km_addfb(km.fd, bo, w, h, w, 0, DRM_FORMAT_C8, 0, &id), -EINVAL);
	igt_assert_eq(km_addfb(km.fd, bo, w / 2, h, pitch, 0, DRM_FORMAT_XBGR16161616F, 0, &id),
		      -EINVAL);
	/* A handle for a plane the format does not have. */
	f.handles[0] = bo;
	f.handles[1] = bo;
	f.pitches[0] = pitch;
	igt_assert_eq(igt_ioctl(km.fd, DRM_IOCTL_MODE_ADDFB2, &f), -1);
	igt_assert_eq(errno, EINVAL);
	/* And what is right works. */
	igt_assert_eq(km_addfb(km.fd, bo, w, h, pitch, 0, xrgb, DRM_FORMAT_MOD_LINEAR, &id), 0);
	drmModeRmFB(km.fd, id);
	igt_assert_eq(km_addfb(km.fd, bo, w, h - 1, pitch, pitch, xrgb, 0, &id), 0);
	drmModeRmFB(km.fd, id);
	vsvm_gem_close(km.fd, bo);
	vsvm_gem_close(km.fd, small);
}

/* The subtests of framebuffers over vsvm memory, called from igt_main. */
static void kmsmem_subtests(void)
{
	igt_fixture {
		/* On vkms each subtest skips, saying why (vsvm_only). */
		if (!on_vkms) {
			km_open();
			/* A first modeset, so that the CRTC is on for the CRC. */
			km.ref_black = km_ref(0);
			km.ref[1] = km_ref(1);
			km.ref[2] = km_ref(2);
			km.ref_solid = km_ref(~0u);
			igt_assert_neq_u32(km.ref[1], km.ref_black);
			igt_assert_neq_u32(km.ref[2], km.ref[1]);
			km.dmachk = km_stat("dmachk", "violations");
		}
	}

	igt_describe("GPU-rendered and CPU-rendered frames give equal CRCs.");
	igt_subtest("fb-bo-gpu-vs-cpu") {
		vsvm_only("framebuffers over vsvm memory");
		test_bo_gpu_vs_cpu();
	}

	igt_describe("A commit of device 1's buffer waits for its job fence.");
	igt_subtest("fb-prime-device1-waits") {
		vsvm_only("framebuffers over vsvm memory");
		test_prime_device1_waits();
	}

	igt_describe("I9: device 1 moves a buffer device 0 scans out.");
	igt_subtest("fb-prime-move-notify") {
		vsvm_only("framebuffers over vsvm memory");
		test_prime_move_notify();
	}

	igt_describe("A vgem buffer is scanned out.");
	igt_subtest("fb-vgem") {
		vsvm_only("framebuffers over vsvm memory");
		test_vgem();
	}

	igt_describe("A udmabuf is scanned out.");
	igt_subtest("fb-udmabuf") {
		vsvm_only("framebuffers over vsvm memory");
		test_udmabuf();
	}

	igt_describe("A registration-mode userptr is scanned out.");
	igt_subtest("fb-userptr-registration") {
		vsvm_only("framebuffers over vsvm memory");
		test_userptr_registration();
	}

	igt_describe("A notifier-mode userptr is munmapped, remapped and mprotected while scanned out.");
	igt_subtest("fb-userptr-munmap-remap") {
		vsvm_only("framebuffers over vsvm memory");
		test_userptr_munmap_remap();
	}

	igt_describe("I1/I3: invalidations wait for the composition in flight.");
	igt_subtest("fb-userptr-munmap-race") {
		vsvm_only("framebuffers over vsvm memory");
		test_userptr_munmap_race();
	}

	igt_describe("I4: the owner of a userptr framebuffer is killed while frames are composed.");
	igt_subtest("fb-userptr-exit") {
		vsvm_only("framebuffers over vsvm memory");
		test_userptr_exit();
	}

	igt_describe("Writeback into a userptr, byte-exact; never into a read-only one.");
	igt_subtest("fb-userptr-writeback") {
		vsvm_only("framebuffers over vsvm memory");
		test_userptr_writeback();
	}

	igt_describe("ADDFB2 with another file's handle gets -ENOENT.");
	igt_subtest("addfb-other-file-handle") {
		vsvm_only("framebuffers over vsvm memory");
		test_addfb_other_file_handle();
	}

	igt_describe("I7: ADDFB2 of another address space's userptr gets -EPERM.");
	igt_subtest("addfb-userptr-other-mm") {
		vsvm_only("framebuffers over vsvm memory");
		test_addfb_userptr_other_mm();
	}

	igt_describe("ADDFB2 with bad pitches, offsets, sizes, modifiers and formats.");
	igt_describe("I1: ADDFB2 of a VM-private userptr is refused with -EINVAL.");
	igt_subtest("addfb-userptr-private") {
		vsvm_only("framebuffers over vsvm memory");
		test_addfb_userptr_private();
	}

	igt_subtest("addfb-bad") {
		vsvm_only("framebuffers over vsvm memory");
		test_addfb_bad();
	}

	igt_fixture {
		if (!on_vkms) {
			km_crc_stop();
			if (km.fd >= 0)
				km_commit(0, 0);
			close(km.dbg);
			close(km.fd);
		}
	}
}

/* --- two CRTCs, clone mode and the async cursor ----------------------------- */

#define KO_CURSOR	64
/* A slow mode, so that "within one frame" is plain even under emulation. */
#define KO_HZ		10
#define KO_FLIPS	8
#define KO_MOVES	32

/* Makes configfs device @name with a display of @crtcs CRTCs; opens its card. */
static int ko_cfs_device(const char *name, const char *crtcs)
{
	char path[256], pdev[64];
	int fd = -1;

	snprintf(path, sizeof(path), CFS "/%s", name);
	rmdir(path);
	igt_assert_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), CFS "/%s/crtcs", name);
	igt_assert_f(!access(path, F_OK), "configfs has no attribute crtcs\n");
	igt_assert_eq(write_file(path, crtcs), 0);
	snprintf(path, sizeof(path), CFS "/%s/enabled", name);
	igt_assert_eq(write_file(path, "1"), 0);
	snprintf(path, sizeof(path), CFS "/%s/device", name);
	read_file(path, pdev, sizeof(pdev));
	for (int i = 0; i < 64 && fd < 0; i++) {
		snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm/card%d", pdev, i);
		if (!access(path, F_OK)) {
			snprintf(path, sizeof(path), "/dev/dri/card%d", i);
			fd = open(path, O_RDWR | O_CLOEXEC);
		}
	}
	igt_assert_f(fd >= 0, "no card node for %s\n", pdev);
	return fd;
}

/* The plane of @type that can be on CRTC index @pipe only. */
static uint32_t ko_plane(int fd, unsigned int pipe, uint64_t type)
{
	drmModePlaneResPtr res = drmModeGetPlaneResources(fd);
	uint32_t id = 0;

	igt_assert(res);
	for (uint32_t i = 0; i < res->count_planes && !id; i++) {
		drmModePlanePtr p = drmModeGetPlane(fd, res->planes[i]);

		igt_assert(p);
		if (p->possible_crtcs == (1u << pipe) &&
		    prop_get(fd, p->plane_id, DRM_MODE_OBJECT_PLANE, "type") == type)
			id = p->plane_id;
		drmModeFreePlane(p);
	}
	drmModeFreePlaneResources(res);
	igt_assert_f(id, "no plane of type %" PRIu64 " on CRTC %u\n", type, pipe);
	return id;
}

/*
 * One struct kms per CRTC of a two-CRTC device, on one file: k[i] has CRTC
 * i, connector i, and CRTC i's planes; k[0] has the writeback connector.
 */
static void ko_init(int fd, struct kms k[2])
{
	drmModeResPtr res;
	unsigned int nconn = 0;

	memset(k, 0, 2 * sizeof(*k));
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_UNIVERSAL_PLANES, 1), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_ATOMIC, 1), 0);
	igt_assert_eq(drmSetClientCap(fd, DRM_CLIENT_CAP_WRITEBACK_CONNECTORS, 1), 0);
	res = drmModeGetResources(fd);
	igt_assert(res);
	igt_assert_eq(res->count_crtcs, 2);
	for (int i = 0; i < res->count_connectors; i++) {
		drmModeConnectorPtr c = drmModeGetConnector(fd, res->connectors[i]);

		igt_assert(c);
		if (c->connector_type == DRM_MODE_CONNECTOR_WRITEBACK) {
			k[0].wb = c->connector_id;
		} else {
			igt_assert_eq(c->connector_type, DRM_MODE_CONNECTOR_VIRTUAL);
			igt_assert_lt(nconn, 2);
			k[nconn].conn = c->connector_id;
			for (int m = 0; m < c->count_modes; m++)
				if (c->modes[m].type & DRM_MODE_TYPE_PREFERRED)
					k[nconn].mode = c->modes[m];
			nconn++;
		}
		drmModeFreeConnector(c);
	}
	igt_assert_eq(nconn, 2);
	igt_assert(k[0].wb);
	for (unsigned int i = 0; i < 2; i++) {
		igt_assert_eq(k[i].mode.hdisplay, PREF_W);
		k[i].fd = fd;
		k[i].crtc = res->crtcs[i];
		k[i].primary = ko_plane(fd, i, DRM_PLANE_TYPE_PRIMARY);
		k[i].overlay = ko_plane(fd, i, DRM_PLANE_TYPE_OVERLAY);
		k[i].cursor = ko_plane(fd, i, DRM_PLANE_TYPE_CURSOR);
	}
	drmModeFreeResources(res);
}

/* Everything off on both CRTCs. */
static void ko_off(struct kms k[2])
{
	drmModeAtomicReqPtr req = drmModeAtomicAlloc();

	for (unsigned int i = 0; i < 2; i++) {
		ADD_CONN(&k[i], req, k[i].conn, "CRTC_ID", 0);
		ADD_CRTC(&k[i], req, "MODE_ID", 0);
		ADD_CRTC(&k[i], req, "ACTIVE", 0);
		set_plane(&k[i], req, k[i].primary, NULL, 0, 0);
		set_plane(&k[i], req, k[i].overlay, NULL, 0, 0);
		set_plane(&k[i], req, k[i].cursor, NULL, 0, 0);
	}
	ADD_CONN(&k[0], req, k[0].wb, "CRTC_ID", 0);
	igt_assert_eq(commit(&k[0], req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
}

/* Opens crtc-<pipe>/crc with source "auto". */
static void ko_crc_open(struct kms *k, unsigned int pipe, struct crc *c)
{
	int dir = igt_debugfs_dir(k->fd), ctl;
	char path[64];

	igt_assert_lte(0, dir);
	snprintf(path, sizeof(path), "crtc-%u/crc/control", pipe);
	ctl = openat(dir, path, O_WRONLY);
	igt_assert_f(ctl >= 0, "%s: %m\n", path);
	igt_assert_eq(write(ctl, "auto", 4), 4);
	close(ctl);
	snprintf(path, sizeof(path), "crtc-%u/crc/data", pipe);
	c->data = openat(dir, path, O_RDONLY | O_NONBLOCK);
	igt_assert_f(c->data >= 0, "%s: %m\n", path);
	close(dir);
}

/* @k's CRTC's vblank count now. */
static uint32_t ko_seq(struct kms *k)
{
	uint64_t seq, ns;

	igt_assert_eq(drmCrtcGetSequence(k->fd, k->crtc, &seq, &ns), 0);
	return seq;
}

/* As crc_next(), for any CRTC: the CRC of a frame of the state committed before. */
static uint32_t ko_crc_next(struct kms *k, struct crc *c)
{
	uint32_t now = ko_seq(k), frame, crc;

	do
		crc_read(c, &frame, &crc);
	while ((int32_t)(frame - now) < 1);
	return crc;
}

/* The CRTC id connector @conn is shown on, or 0. */
static uint32_t ko_conn_crtc(int fd, uint32_t conn)
{
	drmModeConnectorPtr c = drmModeGetConnector(fd, conn);
	drmModeEncoderPtr e;
	uint32_t crtc = 0;

	igt_assert(c);
	if (c->encoder_id) {
		e = drmModeGetEncoder(fd, c->encoder_id);
		igt_assert(e);
		crtc = e->crtc_id;
		drmModeFreeEncoder(e);
	}
	drmModeFreeConnector(c);
	return crtc;
}

/* Adds connector @conn on @k's CRTC, @k's mode, @fb on its primary; the mode's blob. */
static uint32_t ko_route(struct kms *k, drmModeAtomicReqPtr req, uint32_t conn, struct fb *fb)
{
	uint32_t blob;

	igt_assert_eq(drmModeCreatePropertyBlob(k->fd, &k->mode, sizeof(k->mode), &blob), 0);
	ADD_CONN(k, req, conn, "CRTC_ID", k->crtc);
	ADD_CRTC(k, req, "MODE_ID", blob);
	ADD_CRTC(k, req, "ACTIVE", 1);
	set_plane(k, req, k->primary, fb, 0, 0);
	return blob;
}

static void test_crtcs_attr(void)
{
	char path[256], buf[32];
	struct kms k[2];
	int fd;

	cfs_require();
	rmdir(CFS "/kms-crtcs");
	igt_assert_eq(mkdir(CFS "/kms-crtcs", 0755), 0);
	snprintf(path, sizeof(path), CFS "/kms-crtcs/crtcs");
	igt_assert_f(!access(path, F_OK), "configfs has no attribute crtcs\n");
	read_file(path, buf, sizeof(buf));
	igt_assert_eq_u32(atoi(buf), 1);
	/* Out of range, or not a number: -EINVAL, and the value stays. */
	igt_assert_eq(write_file(path, "0"), -EINVAL);
	igt_assert_eq(write_file(path, "3"), -EINVAL);
	igt_assert_eq(write_file(path, "x"), -EINVAL);
	read_file(path, buf, sizeof(buf));
	igt_assert_eq_u32(atoi(buf), 1);
	igt_assert_eq(write_file(path, "2"), 0);
	igt_assert_eq(write_file(CFS "/kms-crtcs/enabled", "1"), 0);
	/* A live device keeps its display: -EBUSY. */
	igt_assert_eq(write_file(path, "1"), -EBUSY);
	read_file(path, buf, sizeof(buf));
	igt_assert_eq_u32(atoi(buf), 2);
	igt_assert_eq(write_file(CFS "/kms-crtcs/enabled", "0"), 0);
	cfs_remove("kms-crtcs");

	fd = ko_cfs_device("kms-crtcs", "2");
	ko_init(fd, k);
	close(fd);
	cfs_remove("kms-crtcs");
}

static void test_two_crtcs(void)
{
	struct kms k[2];
	struct fb a, c;
	struct crc c0, c1;
	struct ev ev = { 0 };
	uint32_t va, vc;
	int fd;

	cfs_require();
	fd = ko_cfs_device("kms-two", "2");
	ko_init(fd, k);
	fb_create(&k[0], &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(&k[0], &c, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_fill(&a, 0xff204060);
	fb_fill(&c, 0xff604020);

	/* Each connector on its own CRTC, each CRTC its own frame and CRC. */
	igt_assert_eq(modeset(&k[0], NULL, &a), 0);
	igt_assert_eq(modeset(&k[1], NULL, &c), 0);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[0].conn), k[0].crtc);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[1].conn), k[1].crtc);
	ko_crc_open(&k[0], 0, &c0);
	ko_crc_open(&k[1], 1, &c1);
	va = ko_crc_next(&k[0], &c0);
	vc = ko_crc_next(&k[1], &c1);
	igt_assert_neq_u32(va, vc);

	/* A flip on CRTC 1 changes its frame only. */
	igt_assert_eq(flip(&k[1], &a, &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
	ev_wait(&k[1], &ev);
	igt_assert_eq_u32(ko_crc_next(&k[1], &c1), va);
	igt_assert_eq_u32(ko_crc_next(&k[0], &c0), va);
	igt_assert_eq(flip(&k[0], &c, &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
	ev_wait(&k[0], &ev);
	igt_assert_eq_u32(ko_crc_next(&k[0], &c0), vc);
	igt_assert_eq_u32(ko_crc_next(&k[1], &c1), va);

	/* CRTC 0 off: CRTC 1 goes on with its vblanks and CRCs. */
	crc_close(&c0);
	kms_off(&k[0]);
	igt_assert_eq_u32(ko_crc_next(&k[1], &c1), va);
	igt_assert_eq_u32(ko_crc_next(&k[1], &c1), va);

	/*
	 * I8: removed with both CRTCs on and a CRC reader on each: both
	 * turn off (no vblank timer, composition or framebuffer is left,
	 * which the debug kernel's checkers would report), the file gets
	 * -ENODEV.
	 */
	igt_assert_eq(modeset(&k[0], NULL, &c), 0);
	ko_crc_open(&k[0], 0, &c0);
	igt_assert_eq_u32(ko_crc_next(&k[0], &c0), vc);
	cfs_remove("kms-two");
	igt_assert(!drmModeGetResources(fd));
	igt_assert_eq(errno, ENODEV);
	crc_close(&c0);
	crc_close(&c1);
	munmap(a.map, a.size);
	munmap(c.map, c.size);
	close(fd);
}

static void test_clone(void)
{
	struct kms k[2];
	struct fb a;
	struct crc c0, c1;
	drmModeAtomicReqPtr req;
	uint32_t blob, blob1, vclone;
	int fd;

	cfs_require();
	fd = ko_cfs_device("kms-clone", "2");
	ko_init(fd, k);
	fb_create(&k[0], &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	for (uint32_t y = 0; y < a.h; y++)
		for (uint32_t x = 0; x < a.w; x++)
			*px32(&a, x, y) = pattern8(x, y);

	/* Clone: CRTC 1 drives both connectors, CRTC 0 stays off. */
	req = drmModeAtomicAlloc();
	blob = ko_route(&k[1], req, k[0].conn, &a);
	ADD_CONN(&k[1], req, k[1].conn, "CRTC_ID", k[1].crtc);
	igt_assert_eq(commit(&k[1], req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(fd, blob);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[0].conn), k[1].crtc);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[1].conn), k[1].crtc);
	ko_crc_open(&k[1], 1, &c1);
	vclone = ko_crc_next(&k[1], &c1);
	crc_close(&c1);

	/* Each connector on its own CRTC, the same frame: the same CRC on each. */
	req = drmModeAtomicAlloc();
	blob = ko_route(&k[0], req, k[0].conn, &a);
	blob1 = ko_route(&k[1], req, k[1].conn, &a);
	igt_assert_eq(commit(&k[0], req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(fd, blob);
	drmModeDestroyPropertyBlob(fd, blob1);
	ko_crc_open(&k[0], 0, &c0);
	ko_crc_open(&k[1], 1, &c1);
	igt_assert_eq_u32(ko_crc_next(&k[0], &c0), vclone);
	igt_assert_eq_u32(ko_crc_next(&k[1], &c1), vclone);
	crc_close(&c0);
	crc_close(&c1);

	/* Each connector on the other CRTC; then both on CRTC 0 (clone). */
	req = drmModeAtomicAlloc();
	ADD_CONN(&k[0], req, k[0].conn, "CRTC_ID", k[1].crtc);
	ADD_CONN(&k[0], req, k[1].conn, "CRTC_ID", k[0].crtc);
	igt_assert_eq(commit(&k[0], req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[0].conn), k[1].crtc);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[1].conn), k[0].crtc);
	ko_off(k);
	req = drmModeAtomicAlloc();
	blob = ko_route(&k[0], req, k[0].conn, &a);
	ADD_CONN(&k[0], req, k[1].conn, "CRTC_ID", k[0].crtc);
	igt_assert_eq(commit(&k[0], req, DRM_MODE_ATOMIC_ALLOW_MODESET), 0);
	drmModeAtomicFree(req);
	drmModeDestroyPropertyBlob(fd, blob);
	igt_assert_eq_u32(ko_conn_crtc(fd, k[1].conn), k[0].crtc);
	ko_crc_open(&k[0], 0, &c0);
	igt_assert_eq_u32(ko_crc_next(&k[0], &c0), vclone);
	crc_close(&c0);

	ko_off(k);
	fb_destroy(&k[0], &a);
	close(fd);
	cfs_remove("kms-clone");
}

/* debugfs vsvm_kms's async_updates, or -1 when there is no such line. */
static long long ko_async_updates(int fd)
{
	int dir = igt_debugfs_dir(fd);
	char buf[1024], *p;
	long long v = -1;
	ssize_t n;
	int f;

	igt_assert_lte(0, dir);
	f = openat(dir, "vsvm_kms", O_RDONLY);
	igt_assert_lte(0, f);
	n = read(f, buf, sizeof(buf) - 1);
	igt_assert_lte(0, n);
	buf[n] = '\0';
	p = strstr(buf, "async_updates: ");
	if (p)
		v = atoll(p + strlen("async_updates: "));
	close(f);
	close(dir);
	return v;
}

static void test_cursor_async(void)
{
	struct kms k;
	struct fb a, b, cu[2];
	struct crc c;
	struct ev ev = { 0 };
	drmModeModeInfo m;
	drmModeAtomicReqPtr req;
	uint32_t before, after, v0, v1, vb;
	long long async0;
	uint64_t t0;
	int waited = 0, fd = drm_open_driver(DRIVER_VSVM);

	igt_require(vsvm_is_vsvm(fd));
	kms_init_fd(&k, fd);
	kms_off(&k);
	m = k.mode;
	m.clock = (uint32_t)((uint64_t)m.htotal * m.vtotal * KO_HZ / 1000);
	m.vrefresh = KO_HZ;
	snprintf(m.name, sizeof(m.name), "%ux%u@%u", m.hdisplay, m.vdisplay, KO_HZ);
	fb_create(&k, &a, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_create(&k, &b, PREF_W, PREF_H, DRM_FORMAT_XRGB8888);
	fb_fill(&a, 0xff204060);
	fb_fill(&b, 0xff204060);
	for (int i = 0; i < 2; i++) {
		fb_create(&k, &cu[i], KO_CURSOR, KO_CURSOR, DRM_FORMAT_ARGB8888);
		fb_fill(&cu[i], i ? 0xff00ff00 : 0xffff0000);
	}
	igt_assert_eq(modeset(&k, &m, &a), 0);
	req = drmModeAtomicAlloc();
	set_plane(&k, req, k.cursor, &cu[0], 0, 0);
	igt_assert_eq(commit(&k, req, 0), 0);
	drmModeAtomicFree(req);
	async0 = ko_async_updates(k.fd);

	/*
	 * A cursor move behind a pending flip: done at once, not at the
	 * flip's vblank.  The vblank count before and after each move: at
	 * KO_HZ, a move that waits for nothing rarely straddles a vblank.
	 */
	for (int i = 0; i < KO_FLIPS; i++) {
		igt_assert_eq(flip(&k, i & 1 ? &a : &b, &ev, DRM_MODE_ATOMIC_NONBLOCK), 0);
		before = ko_seq(&k);
		igt_assert_eq(drmModeMoveCursor(k.fd, k.crtc, 8 * i, 8 * i), 0);
		after = ko_seq(&k);
		if (after != before)
			waited++;
		ev_wait(&k, &ev);
	}
	igt_info("%d of %d cursor moves behind a pending flip straddled a vblank\n",
		 waited, KO_FLIPS);
	igt_assert_f(waited <= KO_FLIPS / 2,
		     "%d of %d cursor moves behind a flip waited for a vblank\n",
		     waited, KO_FLIPS);

	/* KO_MOVES moves within about one frame, not KO_MOVES vblanks. */
	before = ko_seq(&k);
	t0 = vsvm_now_ns();
	for (int i = 0; i < KO_MOVES; i++)
		igt_assert_eq(drmModeMoveCursor(k.fd, k.crtc, i, 2 * i), 0);
	t0 = vsvm_now_ns() - t0;
	after = ko_seq(&k);
	igt_info("%d cursor moves: %u vblanks at %d Hz, %" PRIu64 " us per move\n",
		 KO_MOVES, after - before, KO_HZ, t0 / 1000 / KO_MOVES);
	igt_assert_f(after - before <= 1, "%d cursor moves took %u vblanks\n",
		     KO_MOVES, after - before);
	igt_assert_lte(async0 + KO_FLIPS + KO_MOVES, ko_async_updates(k.fd));

	/*
	 * The composer sees each async update whole: a position's CRC comes
	 * back with the position; a new cursor image (a framebuffer the update
	 * swaps in, the old one freed with the update) shows, and the old one
	 * back again, while every vblank is composed.
	 */
	crc_open(&k, &c);
	igt_assert_eq(drmModeMoveCursor(k.fd, k.crtc, 0, 0), 0);
	v0 = crc_next(&k, &c);
	igt_assert_eq(drmModeMoveCursor(k.fd, k.crtc, 100, 50), 0);
	v1 = crc_next(&k, &c);
	igt_assert_neq_u32(v0, v1);
	igt_assert_eq(drmModeMoveCursor(k.fd, k.crtc, 0, 0), 0);
	igt_assert_eq_u32(crc_next(&k, &c), v0);
	igt_assert_eq(drmModeSetCursor(k.fd, k.crtc, cu[1].handle, KO_CURSOR, KO_CURSOR), 0);
	vb = crc_next(&k, &c);
	igt_assert_neq_u32(vb, v0);
	for (int i = 0; i < 64; i++)
		igt_assert_eq(drmModeSetCursor(k.fd, k.crtc, cu[i & 1].handle,
					       KO_CURSOR, KO_CURSOR), 0);
	igt_assert_eq_u32(crc_next(&k, &c), vb);
	igt_assert_eq(drmModeSetCursor(k.fd, k.crtc, cu[0].handle, KO_CURSOR, KO_CURSOR), 0);
	igt_assert_eq_u32(crc_next(&k, &c), v0);
	crc_close(&c);

	kms_off(&k);
	fb_destroy(&k, &a);
	fb_destroy(&k, &b);
	fb_destroy(&k, &cu[0]);
	fb_destroy(&k, &cu[1]);
	close(k.fd);
}

/* What loading vsvm with a bad crtcs did. */
enum crtcs_load {
	CRTCS_NAMED,	/* refused, with an error naming crtcs=<value> */
	CRTCS_UNNAMED,	/* refused, no such error */
	CRTCS_LOADED,	/* loaded (and unloaded again) */
};

/*
 * Loads vsvm with crtcs=@val, which must fail, and looks for the error
 * (a record of level err or higher) naming crtcs=@val in the kernel log.
 * vsvm is not loaded when this is called, nor after.
 */
static enum crtcs_load crtcs_param_load(const char *val)
{
	char cmd[64], want[32], rec[1024];
	enum crtcs_load ret = CRTCS_UNNAMED;
	ssize_t n;
	int kmsg;

	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	igt_assert_f(kmsg >= 0, "/dev/kmsg: %s\n", strerror(errno));
	igt_assert(lseek(kmsg, 0, SEEK_END) >= 0);
	snprintf(cmd, sizeof(cmd), "modprobe vsvm crtcs=%s 2>/dev/null", val);
	if (system(cmd) == 0) {
		igt_assert_eq(system("rmmod vsvm"), 0);
		close(kmsg);
		return CRTCS_LOADED;
	}
	snprintf(want, sizeof(want), "crtcs=%s ", val);
	/* One record per read(); EPIPE when one was overwritten meanwhile. */
	while ((n = read(kmsg, rec, sizeof(rec) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		rec[n] = 0;
		/* "<facility * 8 + level>,<seq>,...;<text>": level 3 is err. */
		if ((atoi(rec) & 7) <= 3 && strstr(rec, "vsvm:") && strstr(rec, want)) {
			igt_info("refused: %s", strchr(rec, ';') ? strchr(rec, ';') + 1 : rec);
			ret = CRTCS_NAMED;
		}
	}
	close(kmsg);
	return ret;
}

/*
 * The module parameter crtcs out of range: loading fails, and the error
 * names crtcs and its value (not only other parameters).  vsvm is loaded
 * again as the test run loads it, whatever happened.
 */
static void test_crtcs_param(void)
{
	enum crtcs_load r0, r3;

	igt_require_f(system("rmmod vsvm 2>/dev/null") == 0,
		      "vsvm cannot be unloaded (in use)\n");
	r0 = crtcs_param_load("0");
	r3 = crtcs_param_load("3");
	igt_assert_eq(system("modprobe vsvm dmachk=1"), 0);
	igt_assert_f(r0 != CRTCS_LOADED, "vsvm loaded with crtcs=0\n");
	igt_assert_f(r3 != CRTCS_LOADED, "vsvm loaded with crtcs=3\n");
	igt_assert_f(r0 == CRTCS_NAMED, "the error for crtcs=0 does not name crtcs=0\n");
	igt_assert_f(r3 == CRTCS_NAMED, "the error for crtcs=3 does not name crtcs=3\n");
}

static void kmsout_subtests(void)
{
	igt_describe("The configfs attribute crtcs: its range (EINVAL) and EBUSY when live.");
	igt_subtest("crtcs-attr") {
		vsvm_only("a vsvm configfs device");
		test_crtcs_attr();
	}

	igt_describe("Two CRTCs light up, flip and turn off independently, each its own CRC.");
	igt_subtest("two-crtcs") {
		vsvm_only("vsvm configfs devices with two CRTCs");
		test_two_crtcs();
	}

	igt_describe("Clone mode: one CRTC drives both connectors; the same frame, the same CRC.");
	igt_subtest("clone") {
		vsvm_only("a vsvm configfs device with two connectors");
		test_clone();
	}

	igt_describe("Legacy cursor updates are async: no vblank wait, even behind a flip.");
	igt_subtest("cursor-async") {
		vsvm_only("a vsvm configfs device with two CRTCs");
		test_cursor_async();
	}

	igt_describe("The module parameter crtcs out of range: the load fails, naming crtcs.");
	igt_subtest("crtcs-param") {
		vsvm_only("vsvm's module parameter crtcs");
		test_crtcs_param();
	}
}

igt_main
{
	struct kms k = { .fd = -1 };

	igt_fixture {
		kms_open(&k);
	}

	igt_describe("The connector's modes: up to 4096x2160, 1024x768 preferred.");
	igt_subtest("modes")
		test_modes(&k);

	igt_describe("A dumb buffer scanned out: one CRC per vblank, equal for equal frames.");
	igt_subtest("modeset-crc")
		test_modeset_crc(&k);

	igt_describe("Vblank events at the mode's refresh, timestamped one period apart.");
	igt_subtest("vblank-timing")
		test_vblank_timing(&k);

	igt_describe("Non-blocking atomic flips with events at later vblanks.");
	igt_subtest("flip-nonblocking")
		test_flip_nonblocking(&k);

	igt_describe("Blocking atomic flips and the legacy page flip with events.");
	igt_subtest("flip-blocking")
		test_flip_blocking(&k);

	igt_describe("TEST_ONLY changes nothing; scaling is refused with ERANGE.");
	igt_subtest("test-only")
		test_test_only(&k);

	igt_describe("A non-blocking flip loop gets one CRC per vblank.");
	igt_subtest("crc-per-vblank")
		test_crc_per_vblank(&k);

	igt_describe("Overlay and cursor blended over the primary, against a CPU reference.");
	igt_subtest("planes")
		test_planes(&k);

	igt_describe("Writeback returns the composed frame byte-exact in each format.");
	igt_subtest("writeback")
		test_writeback(&k);

	igt_describe("The gamma LUT applies to the frame; a LUT of another size is refused.");
	igt_subtest("gamma")
		test_gamma(&k);

	igt_describe("Bad modes, writeback framebuffers, CRC sources and dumb buffers.");
	igt_subtest("bad-input")
		test_bad_input(&k);

	igt_describe("A device without a display has no KMS; the configfs switch.");
	igt_subtest("display-off")
		test_display_off(&k);

	igt_describe("I8: unplug with the display on, a CRC reader, a flip and a writeback.");
	igt_subtest("unplug")
		test_unplug();

	igt_fixture {
		close(k.fd);
	}

	/* Framebuffers over every kind of vsvm memory: a display file of their own. */
	kmsmem_subtests();

	/* Two CRTCs (configfs devices), clone mode, the async cursor. */
	kmsout_subtests();

	igt_fixture {
		/* Unloaded if loaded here, so that other programs see vsvm alone. */
		if (vkms_loaded_here)
			vkms_unload();
	}
}
