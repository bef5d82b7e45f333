// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm basic
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: GEM objects
 * Description: The vsvm driver's devices, nodes, version, GEM objects
 *		(create, mmap offset, CPU mmap, close), syncobjs, debugfs and
 *		fdinfo, and every errno of GEM_CREATE and GEM_MMAP_OFFSET.
 *
 * SUBTEST: driver-version
 * Description: The driver is named vsvm and reports version 1.x.
 *
 * SUBTEST: devices-and-nodes
 * Description: num_devices devices exist, each with a primary and a render node.
 *
 * SUBTEST: render-node
 * Description: GEM objects work on the render node.
 *
 * SUBTEST: syncobj
 * Description: Binary and timeline syncobjs are supported.
 *
 * SUBTEST: gem-create-mmap-close
 * Description: A GEM object's size is page-aligned, its pages are shared by all CPU
 *		mappings, and its handle dies with GEM_CLOSE.
 *
 * SUBTEST: gem-create-bad-flags
 * Description: GEM_CREATE refuses every unknown flag with EINVAL.
 *
 * SUBTEST: gem-create-bad-size
 * Description: GEM_CREATE: a zero or overflowing size is EINVAL, one above
 *		DRM_VSVM_GEM_MAX_SIZE is E2BIG.
 *
 * SUBTEST: extensions
 * Description: The extension chain: an unreadable link is EFAULT, an unknown name or
 *		a non-zero pad EINVAL.  (Version 1.0 defines no extension, so every
 *		name is unknown; the E2BIG length limit is covered by the
 *		vsvm_extensions KUnit suite.)
 *
 * SUBTEST: mmap-offset-bad
 * Description: GEM_MMAP_OFFSET: unknown flags are EINVAL, unknown handles ENOENT.
 *
 * SUBTEST: no-leak-on-close
 * Description: Objects are freed when their handle is closed, and when the file is
 *		closed with handles still open (debugfs bo_count).
 *
 * SUBTEST: gem-info
 * Description: GEM_INFO describes an object; refuses pads, extensions and bad
 *		handles.
 *
 * SUBTEST: fdinfo
 * Description: fdinfo names the driver and counts total and resident memory.
 */

#include <fcntl.h>
#include <sys/mman.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull

static int read_param(const char *name)
{
	char path[128], buf[32] = "";
	int fd, n;

	snprintf(path, sizeof(path), "/sys/module/vsvm/parameters/%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 ? atoi(buf) : -1;
}

static int gem_create_ioctl(int fd, struct drm_vsvm_gem_create *c)
{
	return igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, c) ? -errno : 0;
}

/* Runs GEM_CREATE with an extension chain starting at @ext. */
static int create_with_ext(int fd, void *ext)
{
	struct drm_vsvm_gem_create c = {
		.size = PAGE,
		.extensions = (uintptr_t)ext,
	};

	return gem_create_ioctl(fd, &c);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("The driver is named vsvm and reports version 1.x.");
	igt_subtest("driver-version") {
		drmVersionPtr v = drmGetVersion(fd);

		igt_assert(v);
		igt_assert(strcmp(v->name, "vsvm") == 0);
		igt_assert_eq(v->version_major, 1);
		igt_assert_lte(0, v->version_minor);
		drmFreeVersion(v);
	}

	igt_describe("num_devices devices exist, each with a primary and a render node.");
	igt_subtest("devices-and-nodes") {
		int n = read_param("num_devices"), i;

		igt_assert_lte(1, n);
		for (i = 0; i < n; i++) {
			int other = __drm_open_driver_another(i, DRIVER_VSVM);

			igt_assert_f(other >= 0, "vsvm device %d of %d missing\n", i, n);
			igt_assert_eq((int)vsvm_info_get(other, "index"), i);
			close(other);
		}
		igt_assert_eq(__drm_open_driver_another(n, DRIVER_VSVM), -1);
	}

	igt_describe("GEM objects work on the render node.");
	igt_subtest("render-node") {
		int rfd = drm_open_driver_render(DRIVER_VSVM);
		uint32_t *ptr, h = vsvm_gem_create(rfd, PAGE);

		ptr = vsvm_gem_mmap(rfd, h, PAGE);
		ptr[7] = 0xc0ffee;
		igt_assert_eq_u32(ptr[7], 0xc0ffee);
		munmap(ptr, PAGE);
		vsvm_gem_close(rfd, h);
		close(rfd);
	}

	igt_describe("Binary and timeline syncobjs are supported.");
	igt_subtest("syncobj") {
		uint64_t cap = 0, point = 0, pt = 5;
		uint32_t h;

		igt_assert_eq(drmGetCap(fd, DRM_CAP_SYNCOBJ, &cap), 0);
		igt_assert_eq_u64(cap, 1);
		igt_assert_eq(drmGetCap(fd, DRM_CAP_SYNCOBJ_TIMELINE, &cap), 0);
		igt_assert_eq_u64(cap, 1);

		igt_assert_eq(drmSyncobjCreate(fd, 0, &h), 0);
		igt_assert_eq(drmSyncobjTimelineSignal(fd, &h, &pt, 1), 0);
		igt_assert_eq(drmSyncobjQuery(fd, &h, &point, 1), 0);
		igt_assert_eq_u64(point, 5);
		igt_assert_eq(drmSyncobjDestroy(fd, h), 0);
	}

	igt_describe("A GEM object's size is page-aligned, its pages are shared "
		     "by all CPU mappings, and its handle dies with GEM_CLOSE.");
	igt_subtest("gem-create-mmap-close") {
		struct drm_vsvm_gem_create c = { .size = 3 * PAGE + 1 };
		struct drm_vsvm_gem_mmap_offset mo = { 0 };
		uint32_t *a, *b, i, n = 4 * PAGE / 4;

		igt_assert_eq(gem_create_ioctl(fd, &c), 0);
		igt_assert_eq_u64(c.size, 4 * PAGE);

		a = vsvm_gem_mmap(fd, c.handle, c.size);
		b = vsvm_gem_mmap(fd, c.handle, c.size);
		for (i = 0; i < n; i++)
			igt_assert_eq_u32(a[i], 0);
		for (i = 0; i < n; i++)
			a[i] = i ^ 0x5a5a5a5a;
		for (i = 0; i < n; i++)
			igt_assert_eq_u32(b[i], i ^ 0x5a5a5a5a);
		munmap(a, c.size);
		munmap(b, c.size);

		vsvm_gem_close(fd, c.handle);
		mo.handle = c.handle;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, ENOENT);
		{
			struct drm_gem_close cl = { .handle = c.handle };

			do_ioctl_err(fd, DRM_IOCTL_GEM_CLOSE, &cl, EINVAL);
		}
	}

	igt_describe("GEM_CREATE refuses every unknown flag with EINVAL.");
	igt_subtest("gem-create-bad-flags") {
		int bit;

		for (bit = 0; bit < 32; bit++) {
			struct drm_vsvm_gem_create c = { .size = PAGE, .flags = 1u << bit };

			igt_assert_eq(gem_create_ioctl(fd, &c), -EINVAL);
		}
	}

	igt_describe("GEM_CREATE: a zero or overflowing size is EINVAL, "
		     "one above DRM_VSVM_GEM_MAX_SIZE is E2BIG.");
	igt_subtest("gem-create-bad-size") {
		struct drm_vsvm_gem_create c = { .size = 0 };

		igt_assert_eq(gem_create_ioctl(fd, &c), -EINVAL);
		c.size = UINT64_MAX;
		igt_assert_eq(gem_create_ioctl(fd, &c), -EINVAL);
		c.size = DRM_VSVM_GEM_MAX_SIZE + 1;
		igt_assert_eq(gem_create_ioctl(fd, &c), -E2BIG);
		c.size = DRM_VSVM_GEM_MAX_SIZE;
		igt_assert_eq(gem_create_ioctl(fd, &c), 0);
		vsvm_gem_close(fd, c.handle);
	}

	igt_describe("The extension chain: an unreadable link is EFAULT, an unknown "
		     "name or a non-zero pad EINVAL.  (Version 1.0 defines no "
		     "extension, so every name is unknown; the E2BIG length limit "
		     "is covered by the vsvm_extensions KUnit suite.)");
	igt_subtest("extensions") {
		struct drm_vsvm_user_extension ext = { 0 };
		struct drm_vsvm_gem_mmap_offset mo = { 0 };
		const uint32_t names[] = { 0, 1, 0xffffffff };
		unsigned int i;

		igt_assert_eq(create_with_ext(fd, (void *)8), -EFAULT);
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			ext.name = names[i];
			igt_assert_eq(create_with_ext(fd, &ext), -EINVAL);
		}
		ext.name = 0;
		ext.pad = 1;
		igt_assert_eq(create_with_ext(fd, &ext), -EINVAL);

		mo.handle = vsvm_gem_create(fd, PAGE);
		mo.extensions = 8;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, EFAULT);
		ext.pad = 0;
		mo.extensions = (uintptr_t)&ext;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, EINVAL);
		mo.extensions = 0;
		do_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo);
		vsvm_gem_close(fd, mo.handle);
	}

	igt_describe("GEM_MMAP_OFFSET: unknown flags are EINVAL, unknown handles ENOENT.");
	igt_subtest("mmap-offset-bad") {
		struct drm_vsvm_gem_mmap_offset mo = { .handle = vsvm_gem_create(fd, PAGE) };
		int bit;

		for (bit = 0; bit < 32; bit++) {
			mo.flags = 1u << bit;
			do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, EINVAL);
		}
		mo.flags = 0;
		do_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo);
		vsvm_gem_close(fd, mo.handle);
		mo.handle = 0xdead;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, ENOENT);
		mo.handle = 0;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo, ENOENT);
	}

	igt_describe("Objects are freed when their handle is closed, and when "
		     "the file is closed with handles still open (debugfs bo_count).");
	igt_subtest("no-leak-on-close") {
		long long base = vsvm_info_get(fd, "bo_count");
		long long bytes = vsvm_info_get(fd, "bo_bytes");
		int other = drm_open_driver(DRIVER_VSVM);
		uint32_t h[8];
		int i;

		igt_assert_lte(0, base);
		for (i = 0; i < 8; i++)
			h[i] = vsvm_gem_create(other, (i + 1) * PAGE);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base + 8);
		igt_assert_eq_s64(vsvm_info_get(fd, "bo_bytes"), bytes + 36 * PAGE);

		vsvm_gem_close(other, h[0]);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base + 7);
		close(other);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), base);
		igt_assert_eq_s64(vsvm_info_get(fd, "bo_bytes"), bytes);
	}

	igt_describe("GEM_INFO describes an object; refuses pads, extensions and bad handles.");
	igt_subtest("gem-info") {
		struct drm_vsvm_user_extension ext = { .name = 0 };
		struct drm_vsvm_gem_info info = { .handle = vsvm_gem_create(fd, 3 * PAGE) };
		uint32_t imported;
		int dmabuf;

		do_ioctl(fd, DRM_IOCTL_VSVM_GEM_INFO, &info);
		igt_assert_eq_u64(info.size, 3 * PAGE);
		igt_assert_eq_u32(info.flags, 0);
		igt_assert_eq_u32(info.imported, 0);

		/* A self-import is the same object, not an imported one. */
		igt_assert_eq(drmPrimeHandleToFD(fd, info.handle, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(fd, dmabuf, &imported), 0);
		igt_assert_eq_u32(imported, info.handle);
		close(dmabuf);

		info.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_INFO, &info, EINVAL);
		info.pad = 0;
		info.extensions = (uintptr_t)&ext;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_INFO, &info, EINVAL);
		info.extensions = 0;
		vsvm_gem_close(fd, info.handle);
		do_ioctl_err(fd, DRM_IOCTL_VSVM_GEM_INFO, &info, ENOENT);
	}

	igt_describe("fdinfo names the driver and counts total and resident memory.");
	igt_subtest("fdinfo") {
		int other = drm_open_driver(DRIVER_VSVM);
		uint64_t size = 1ull << 20;
		uint32_t h = vsvm_gem_create(other, size);
		char buf[4096];
		uint8_t *ptr;

		vsvm_fdinfo(other, buf, sizeof(buf));
		igt_assert_f(strstr(buf, "drm-driver:\tvsvm\n"), "fdinfo:\n%s", buf);
		igt_assert_f(strstr(buf, "drm-client-id:\t"), "fdinfo:\n%s", buf);

		igt_assert_eq_s64(vsvm_fdinfo_value(other, "drm-total-memory"), size);
		igt_assert_eq_s64(vsvm_fdinfo_value(other, "drm-resident-memory"), 0);

		/* Pages appear when the object is first used. */
		ptr = vsvm_gem_mmap(other, h, size);
		memset(ptr, 1, size);
		igt_assert_eq_s64(vsvm_fdinfo_value(other, "drm-resident-memory"), size);
		munmap(ptr, size);

		vsvm_gem_close(other, h);
		igt_assert_eq_s64(vsvm_fdinfo_value(other, "drm-total-memory"), 0);
		close(other);
	}

	igt_fixture {
		drm_close_driver(fd);
	}
}
