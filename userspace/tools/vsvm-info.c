// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm-info: a readable report of the vsvm devices on this machine and of
 * what each can do.  `make demo` runs it inside the test VM.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"

static void print_file(const char *indent, const char *path)
{
	char line[256];
	FILE *f = fopen(path, "r");

	if (!f) {
		printf("%s(%s: %s)\n", indent, path, strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f))
		printf("%s%s", indent, line);
	fclose(f);
}

static const char *yesno(int fd, uint64_t cap)
{
	uint64_t val = 0;

	return drmGetCap(fd, cap, &val) == 0 && val ? "yes" : "no";
}

/* Maps the object into a new VM, cuts the mapping in two, and unmaps it. */
static int vm_smoke(struct vsvm_dev *dev, struct vsvm_bo *bo)
{
	const uint64_t addr = 0x100000, size = vsvm_bo_size(bo);
	uint32_t vm;
	int ret;

	ret = vsvm_vm_create(dev, 0, &vm);
	if (ret)
		return ret;
	ret = vsvm_vm_map(dev, vm, bo, 0, addr, size, false);
	if (!ret)
		ret = vsvm_vm_unmap(dev, vm, addr + 4096, 4096);
	if (!ret)
		ret = vsvm_vm_unmap(dev, vm, addr, 4096);
	if (!ret)
		ret = vsvm_vm_unmap(dev, vm, addr + 8192, size - 8192);
	printf("    GPU VM:        created VM %u, mapped the object at %#llx, unmapped it "
	       "in three cuts: %s\n", vm, (unsigned long long)addr, ret ? "FAILED" : "ok");
	if (ret)
		printf("                   %s\n", vsvm_last_error());
	vsvm_vm_destroy(dev, vm);
	return ret;
}

/* Creates, fills and reads back an object through its CPU mapping. */
static int smoke(struct vsvm_dev *dev)
{
	const uint64_t size = 64 << 10;
	struct vsvm_bo *bo;
	uint32_t *p;
	uint64_t i;
	int ret;

	ret = vsvm_bo_create(dev, size, &bo);
	if (ret)
		return ret;
	ret = vsvm_bo_map(bo, (void **)&p);
	if (!ret) {
		for (i = 0; i < size / 4; i++)
			p[i] = (uint32_t)(i * 2654435761u);
		for (i = 0; i < size / 4; i++)
			if (p[i] != (uint32_t)(i * 2654435761u))
				ret = -EIO;
	}
	printf("    GEM object:    created %llu KiB (handle %u), filled and read back "
	       "through mmap: %s\n", (unsigned long long)vsvm_bo_size(bo) >> 10,
	       vsvm_bo_handle(bo), ret ? "FAILED" : "ok");
	if (!ret)
		ret = vm_smoke(dev, bo);
	vsvm_bo_destroy(bo);
	return ret;
}

int main(void)
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	int i, n, failed = 0;

	n = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
	if (n < 0) {
		fprintf(stderr, "vsvm-info: %s\n", vsvm_last_error());
		return 1;
	}
	printf("vsvm devices: %d\n", n);
	for (i = 0; i < n; i++) {
		struct vsvm_device_info *info = &infos[i];
		char path[96];
		struct vsvm_dev *dev;
		drmVersionPtr v;
		struct stat st;
		int fd;

		printf("\ndevice %d\n", info->index);
		printf("    primary node:  %s\n", info->card);
		printf("    render node:   %s\n", info->render[0] ? info->render : "(none)");
		if (vsvm_dev_open(info->index, true, &dev)) {
			printf("    open failed: %s\n", vsvm_last_error());
			failed = 1;
			continue;
		}
		fd = vsvm_dev_fd(dev);
		v = drmGetVersion(fd);
		if (v) {
			printf("    driver:        %s %d.%d.%d \"%s\"\n", v->name,
			       v->version_major, v->version_minor,
			       v->version_patchlevel, v->desc);
			drmFreeVersion(v);
		}
		printf("    syncobj:       %s, timeline: %s, PRIME: import/export %s\n",
		       yesno(fd, DRM_CAP_SYNCOBJ), yesno(fd, DRM_CAP_SYNCOBJ_TIMELINE),
		       yesno(fd, DRM_CAP_PRIME));
		if (smoke(dev)) {
			printf("    smoke test failed: %s\n", vsvm_last_error());
			failed = 1;
		}
		if (!stat(info->card, &st)) {
			snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/vsvm_info",
				 minor(st.st_rdev));
			printf("    debugfs %s:\n", path);
			print_file("        ", path);
		}
		vsvm_dev_close(dev);
	}
	return failed;
}
