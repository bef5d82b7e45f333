// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm kms
 * Category: Display
 * Mega feature: General Display Features
 * Sub-category: vsvm
 * Functionality: framebuffers over vsvm memory
 * Description: The display shows framebuffers of every kind of vsvm memory.
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
 * SUBTEST: addfb-other-file-handle
 * Description: ADDFB2 with a handle of another file gets -ENOENT.
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
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <drm_fourcc.h>
#include <xf86drmMode.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

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

/* The first vgem device, or -1. */
static int km_open_vgem(void)
{
	char path[32];
	int i, fd;

	for (i = 0; i < 64; i++) {
		drmVersionPtr v;
		bool is_vgem;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		is_vgem = v && !strcmp(v->name, "vgem");
		drmFreeVersion(v);
		if (is_vgem)
			return fd;
		close(fd);
	}
	return -1;
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
	int vg = km_open_vgem(), dmabuf;
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

	igt_describe("GPU-rendered and CPU-rendered frames give equal CRCs.");
	igt_subtest("fb-bo-gpu-vs-cpu")
		test_bo_gpu_vs_cpu();

	igt_describe("A commit of device 1's buffer waits for its job fence.");
	igt_subtest("fb-prime-device1-waits")
		test_prime_device1_waits();

	igt_describe("A vgem buffer is scanned out.");
	igt_subtest("fb-vgem")
		test_vgem();

	igt_describe("A udmabuf is scanned out.");
	igt_subtest("fb-udmabuf")
		test_udmabuf();

	igt_describe("A registration-mode userptr is scanned out.");
	igt_subtest("fb-userptr-registration")
		test_userptr_registration();

	igt_describe("A notifier-mode userptr is munmapped, remapped and mprotected while scanned out.");
	igt_subtest("fb-userptr-munmap-remap")
		test_userptr_munmap_remap();

	igt_describe("I1/I3: invalidations wait for the composition in flight.");
	igt_subtest("fb-userptr-munmap-race")
		test_userptr_munmap_race();

	igt_describe("ADDFB2 with another file's handle gets -ENOENT.");
	igt_subtest("addfb-other-file-handle")
		test_addfb_other_file_handle();

	igt_describe("I7: ADDFB2 of another address space's userptr gets -EPERM.");
	igt_subtest("addfb-userptr-other-mm")
		test_addfb_userptr_other_mm();

	igt_describe("ADDFB2 with bad pitches, offsets, sizes, modifiers and formats.");
	igt_subtest("addfb-bad")
		test_addfb_bad();

	igt_fixture {
		km_crc_stop();
		if (km.fd >= 0)
			km_commit(0, 0);
		close(km.dbg);
		close(km.fd);
	}
}

igt_main
{
	kmsmem_subtests();
}
