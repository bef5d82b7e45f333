// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * Device opening, ioctl and debugfs helpers of vsvm's IGT API subset.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "igt.h"

static bool driver_matches(int fd, int chipset)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool match;

	if (!v)
		return false;
	if (!strcmp(v->name, "vsvm"))
		match = chipset & DRIVER_VSVM;
	else if (!strcmp(v->name, "vgem"))
		match = chipset & DRIVER_VGEM;
	else
		match = chipset == (int)DRIVER_ANY && strcmp(v->name, "vkms");
	drmFreeVersion(v);
	return match;
}

/* Opens the @idx-th device of @chipset among /dev/dri/<prefix><base + n>. */
static int open_nth(const char *prefix, int base, int idx, int chipset)
{
	char path[64];
	int n, fd, seen = 0;

	for (n = 0; n < 64; n++) {
		snprintf(path, sizeof(path), "/dev/dri/%s%d", prefix, base + n);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		if (driver_matches(fd, chipset) && seen++ == idx)
			return fd;
		close(fd);
	}
	return -1;
}

int __drm_open_driver_another(int idx, int chipset)
{
	return open_nth("card", 0, idx, chipset);
}

int drm_open_driver(int chipset)
{
	int fd = open_nth("card", 0, 0, chipset);

	igt_require_f(fd >= 0, "No known gpu found for chipset flags %#x\n", chipset);
	return fd;
}

int drm_open_driver_render(int chipset)
{
	int fd = open_nth("renderD", 128, 0, chipset);

	igt_require_f(fd >= 0, "No render node found for chipset flags %#x\n", chipset);
	return fd;
}

int drm_close_driver(int fd)
{
	return close(fd);
}

int igt_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg);
}

/* The DRM debugfs directory of the device behind @device's primary minor. */
int igt_debugfs_dir(int device)
{
	char path[128], link[256];
	struct stat st;
	int minor;

	if (fstat(device, &st) || !S_ISCHR(st.st_mode))
		return -1;
	minor = minor(st.st_rdev);
	if (minor >= 128) {
		/* A render node: find its primary minor through sysfs. */
		snprintf(path, sizeof(path), "/sys/dev/char/%d:%d/device/drm",
			 major(st.st_rdev), minor);
		for (minor = 0; minor < 64; minor++) {
			snprintf(link, sizeof(link), "%s/card%d", path, minor);
			if (!access(link, F_OK))
				break;
		}
		if (minor == 64)
			return -1;
	}
	snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%d", minor);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* As in IGT: reads the file into @buf, NUL-terminated; empty if unreadable. */
void __igt_debugfs_read(int fd, const char *filename, char *buf, int size)
{
	int dir = igt_debugfs_dir(fd);
	int f, len;

	buf[0] = '\0';
	if (dir < 0)
		return;
	f = openat(dir, filename, O_RDONLY | O_CLOEXEC);
	if (f >= 0) {
		len = read(f, buf, size - 1);
		buf[len > 0 ? len : 0] = '\0';
		close(f);
	}
	close(dir);
}
