// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * A libvsvm user as outside programs are: built against an installed
 * libvsvm with nothing but `pkg-config --cflags --libs libvsvm`
 * (tools/check/install-test.sh) and linked to libvsvm.so.1.  It finds a
 * device by enumeration, opens its render node, creates a buffer object,
 * runs a STORE and checks it.  It prints IGT's result lines, so that the
 * VM's IGT suite runs and judges it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libvsvm.h>
#include <vsvm_drm.h>

#define PAGE 4096u
#define CMD_VA 0x100000ull
#define DATA_VA 0x200000ull

#define CHECK(call) do { \
		if ((call) != 0) { \
			printf("%s: %s\n", #call, vsvm_last_error()); \
			return 1; \
		} \
	} while (0)

static int store(void)
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	struct drm_vsvm_sync out = { 0 };
	struct vsvm_bo *cmd_bo, *data_bo;
	uint32_t *cmd, *data, vm;
	struct vsvm_dev *dev;
	unsigned int n = 0;
	int count;

	count = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
	if (count <= 0) {
		printf("vsvm_enumerate: %d %s\n", count, vsvm_last_error());
		return 1;
	}
	printf("%d vsvm devices, the first at %s (version %d.%d.%d)\n", count,
	       infos[0].render, infos[0].major, infos[0].minor, infos[0].patchlevel);
	CHECK(vsvm_dev_open(infos[0].index, true, &dev));
	CHECK(vsvm_bo_create(dev, PAGE, &cmd_bo));
	CHECK(vsvm_bo_create(dev, PAGE, &data_bo));
	CHECK(vsvm_bo_map(cmd_bo, (void **)&cmd));
	CHECK(vsvm_bo_map(data_bo, (void **)&data));
	data[0] = 0;
	CHECK(vsvm_vm_create(dev, 0, &vm));
	CHECK(vsvm_vm_map(dev, vm, cmd_bo, 0, CMD_VA, PAGE, true));
	CHECK(vsvm_vm_map(dev, vm, data_bo, 0, DATA_VA, PAGE, false));
	vsvm_emit_store32(cmd, &n, PAGE / 4, DATA_VA, 0xc0ffee);
	vsvm_emit_end(cmd, &n, PAGE / 4);
	CHECK(vsvm_syncobj_create(dev, &out.handle));
	CHECK(vsvm_exec(dev, vm, 0, CMD_VA, n * 4, NULL, 0, &out, 1));
	CHECK(vsvm_syncobj_wait(dev, out.handle, 0, 20000000000ull));
	CHECK(vsvm_syncobj_error(dev, out.handle));
	if (data[0] != 0xc0ffee) {
		printf("the STORE wrote %#x, not 0xc0ffee\n", data[0]);
		return 1;
	}
	vsvm_syncobj_destroy(dev, out.handle);
	CHECK(vsvm_vm_destroy(dev, vm));
	vsvm_bo_destroy(cmd_bo);
	vsvm_bo_destroy(data_bo);
	vsvm_dev_close(dev);
	return 0;
}

int main(void)
{
	struct timespec a, b;
	int ret;

	printf("Starting subtest: installed-store\n");
	clock_gettime(CLOCK_MONOTONIC, &a);
	ret = store();
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("Subtest installed-store: %s (%.3fs)\n", ret ? "FAIL" : "SUCCESS",
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9);
	return ret ? 98 : 0;
}
