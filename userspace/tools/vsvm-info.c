// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm-info: a readable report of the vsvm devices on this machine and of
 * what each can do (see vsvm-info(1)).
 *
 *   vsvm-info [--json] [--selftest]
 *
 * It only reads: the device nodes, DRM_IOCTL_VERSION, the capabilities,
 * QUERY, and debugfs vsvm_info where it is readable (root), else it says
 * so.  --selftest also creates a GEM object, fills and reads it back through
 * mmap, and maps it in a new VM and unmaps it in three cuts (no job runs);
 * everything it made is gone when it ends.  With --json the report is one
 * JSON document on stdout.  Works without root: what cannot be opened is
 * reported, not fatal.  Exits 1 if a self-test or an open that was allowed
 * failed.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <xf86drm.h>

#include "libvsvm.h"

static bool json;

/* Prints @s as a JSON string. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static bool cap(int fd, uint64_t c)
{
	uint64_t val = 0;

	return drmGetCap(fd, c, &val) == 0 && val;
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
	if (json)
		printf(", \"vm\": \"%s\"", ret ? "FAILED" : "ok");
	else
		printf("    GPU VM:        created VM %u, mapped the object at %#llx, unmapped it "
		       "in three cuts: %s\n", vm, (unsigned long long)addr, ret ? "FAILED" : "ok");
	if (ret && !json)
		printf("                   %s\n", vsvm_last_error());
	vsvm_vm_destroy(dev, vm);
	return ret;
}

/* --selftest: creates, fills and reads back an object, then vm_smoke(). */
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
	if (json)
		printf("\"gem\": \"%s\"", ret ? "FAILED" : "ok");
	else
		printf("    GEM object:    created %llu KiB (handle %u), filled and read back "
		       "through mmap: %s\n", (unsigned long long)vsvm_bo_size(bo) >> 10,
		       vsvm_bo_handle(bo), ret ? "FAILED" : "ok");
	if (!ret)
		ret = vm_smoke(dev, bo);
	vsvm_bo_destroy(bo);
	return ret;
}

/*
 * debugfs vsvm_info of the device with primary node @card: its lines, or
 * as JSON an object of its "key: value" lines (integers as numbers), or
 * null with a note when it is not readable.
 */
static void debugfs_info(const char *card)
{
	char path[96], line[256];
	struct stat st;
	bool first = true;
	FILE *f = NULL;

	if (!stat(card, &st)) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/dri/%u/vsvm_info",
			 minor(st.st_rdev));
		f = fopen(path, "r");
	} else {
		snprintf(path, sizeof(path), "%s", card);
	}
	if (!f) {
		if (json)
			printf(", \"debugfs\": null, \"debugfs_note\": \"%s not readable "
			       "(debugfs details need root)\"", path);
		else
			printf("    debugfs:       %s not readable (%s): details omitted, "
			       "they need root\n", path, strerror(errno));
		return;
	}
	if (json)
		printf(", \"debugfs\": {");
	else
		printf("    debugfs %s:\n", path);
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *val, *end;

		if (!json) {
			printf("        %s", line);
			continue;
		}
		if (!colon)
			continue;
		*colon = '\0';
		val = colon + 1 + strspn(colon + 1, " \t");
		val[strcspn(val, "\n")] = '\0';
		printf("%s", first ? "" : ", ");
		first = false;
		json_str(line);
		printf(": ");
		strtoll(val, &end, 10);
		if (*val && !*end)
			printf("%s", val);
		else
			json_str(val);
	}
	fclose(f);
	if (json)
		printf("}");
}

/* One device's report; returns whether something that was allowed failed. */
static int device(const struct vsvm_device_info *info, bool selftest)
{
	struct drm_vsvm_query_device q;
	struct vsvm_dev *dev;
	char path[256];
	drmVersionPtr v;
	int fd, ret, failed = 0;

	if (json) {
		printf("{\"index\": %d, \"card\": ", info->index);
		json_str(info->card);
		printf(", \"render\": ");
		if (info->render[0])
			json_str(info->render);
		else
			printf("null");
	} else {
		printf("\ndevice %d\n", info->index);
		printf("    primary node:  %s\n", info->card);
		printf("    render node:   %s\n", info->render[0] ? info->render : "(none)");
	}
	ret = vsvm_dev_open(info->index, true, &dev);
	if (ret) {
		/* No permission is a fact to report, not a failure. */
		if (ret != -EACCES)
			failed = 1;
		if (json) {
			printf(", \"open\": ");
			json_str(vsvm_last_error());
		} else {
			printf("    open:          %s\n", vsvm_last_error());
		}
		debugfs_info(info->card);
		if (json)
			printf("}");
		return failed;
	}
	fd = vsvm_dev_fd(dev);
	v = drmGetVersion(fd);
	if (json) {
		printf(", \"open\": \"ok\", \"driver\": ");
		if (v) {
			printf("{\"name\": ");
			json_str(v->name);
			printf(", \"version\": \"%d.%d.%d\", \"description\": ", v->version_major,
			       v->version_minor, v->version_patchlevel);
			json_str(v->desc);
			printf("}");
		} else {
			printf("null");
		}
		printf(", \"caps\": {\"syncobj\": %s, \"syncobj_timeline\": %s, \"prime\": %s}",
		       cap(fd, DRM_CAP_SYNCOBJ) ? "true" : "false",
		       cap(fd, DRM_CAP_SYNCOBJ_TIMELINE) ? "true" : "false",
		       cap(fd, DRM_CAP_PRIME) ? "true" : "false");
	} else {
		if (v)
			printf("    driver:        %s %d.%d.%d \"%s\"\n", v->name,
			       v->version_major, v->version_minor,
			       v->version_patchlevel, v->desc);
		printf("    syncobj:       %s, timeline: %s, PRIME: import/export %s\n",
		       cap(fd, DRM_CAP_SYNCOBJ) ? "yes" : "no",
		       cap(fd, DRM_CAP_SYNCOBJ_TIMELINE) ? "yes" : "no",
		       cap(fd, DRM_CAP_PRIME) ? "yes" : "no");
	}
	if (v)
		drmFreeVersion(v);
	ret = vsvm_dev_configfs_name(dev, path, sizeof(path));
	if (json) {
		printf(", \"configfs\": ");
		if (ret)
			printf("null");
		else
			json_str(path);
	} else if (ret) {
		printf("    configfs:      (%s)\n", vsvm_last_error());
	} else {
		printf("    configfs:      %s\n", path[0] ? path : "(none: a num_devices device)");
	}
	if (!vsvm_query_device(dev, &q)) {
		if (json)
			printf(", \"query\": {\"num_queues\": %u, \"va_bits\": %u, "
			       "\"max_bo_size\": %llu, \"page_sizes\": %u, \"max_bind_ops\": %u, "
			       "\"job_timeout_ms\": %u, \"max_syncs\": %u, \"max_cs_size\": %llu}",
			       q.num_queues, q.va_bits, (unsigned long long)q.max_bo_size,
			       q.page_sizes, q.max_bind_ops, q.job_timeout_ms, q.max_syncs,
			       (unsigned long long)q.max_cs_size);
		else
			printf("    engine:        %u queues, %u-bit GPU addresses, job timeout "
			       "%u ms, objects up to %llu MiB\n", q.num_queues, q.va_bits,
			       q.job_timeout_ms, (unsigned long long)q.max_bo_size >> 20);
	}
	if (selftest) {
		if (json)
			printf(", \"selftest\": {");
		if (smoke(dev)) {
			if (!json)
				printf("    self-test failed: %s\n", vsvm_last_error());
			failed = 1;
		}
		if (json)
			printf("}");
	}
	debugfs_info(info->card);
	if (json)
		printf("}");
	vsvm_dev_close(dev);
	return failed;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vsvm-info [--json] [--selftest]\n"
		"Reports the vsvm devices: nodes, driver version, capabilities, engine\n"
		"limits and (as root) debugfs vsvm_info.  Changes nothing unless asked.\n"
		"  --json      one JSON document on stdout\n"
		"  --selftest  also create, fill and read back a GEM object and map it in a\n"
		"              VM (all undone before exit; no GPU job runs)\n"
		"  -h, --help  this text\n");
}

int main(int argc, char **argv)
{
	struct vsvm_device_info infos[VSVM_MAX_DEVICES];
	bool selftest = false;
	int i, n, failed = 0;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--selftest")) {
			selftest = true;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "vsvm-info: unknown option '%s'\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	n = vsvm_enumerate(infos, VSVM_MAX_DEVICES);
	if (n < 0) {
		if (json) {
			printf("{\"devices\": [], \"error\": ");
			json_str(vsvm_last_error());
			printf("}\n");
		} else {
			fprintf(stderr, "vsvm-info: %s\n", vsvm_last_error());
		}
		return 1;
	}
	if (json)
		printf("{\"uid\": %u, \"devices\": [", (unsigned int)geteuid());
	else
		printf("vsvm devices: %d\n", n);
	for (i = 0; i < n; i++) {
		if (json && i)
			printf(", ");
		failed |= device(&infos[i], selftest);
	}
	if (json)
		printf("]}\n");
	return failed;
}
