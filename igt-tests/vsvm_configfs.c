// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm configfs
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: configfs
 * Description: vsvm devices made and removed at run time through configfs
 *		(/sys/kernel/config/vsvm/<name>): the device appears, runs
 *		jobs and keeps its description's queues and limits; every
 *		errno of the attributes; rmdir and disable with files open and
 *		jobs running; races between writers and rmdir; many cycles.
 *
 * SUBTEST: lifecycle
 * Description: mkdir makes a description and no device; enabled=1 makes a device
 *		with a render node, a platform device past the num_devices ones and its
 *		configfs_name in sysfs, which runs jobs on each queue; enabled=0 removes it;
 *		enabled again, it works again; rmdir removes it.
 *
 * SUBTEST: defaults
 * Description: The num_devices devices are not in configfs, and a new description
 *		starts at the module parameters' values.
 *
 * SUBTEST: attributes-respected
 * Description: A device keeps its description's queues, job timeout, and VM and
 *		mapping limits (EINVAL for queue 1 of 1, ENOSPC past the limits), and QUERY
 *		reports them.
 *
 * SUBTEST: bad-values
 * Description: Values out of range or not numbers are refused with EINVAL and
 *		change nothing; the bounds are accepted.
 *
 * SUBTEST: busy-while-enabled
 * Description: While enabled, every attribute but enabled is refused with EBUSY;
 *		enabled=1 again changes nothing.
 *
 * SUBTEST: too-many-devices
 * Description: Past the device limit, enabled=1 fails with ENOSPC; an id given
 *		back is taken again.
 *
 * SUBTEST: name-too-long
 * Description: mkdir with a name longer than the driver keeps fails with
 *		ENAMETOOLONG.
 *
 * SUBTEST: rmdir-with-job-running
 * Description: I8: rmdir with a file open, a job spinning and one queued behind it
 *		returns at once; both jobs end with -ENODEV, the file gets -ENODEV, the module's
 *		devices keep working.
 *
 * SUBTEST: disable-with-job-running
 * Description: I8: the same with enabled=0 instead of rmdir.
 *
 * SUBTEST: unbind-bind-rmdir
 * Description: Unbinding a configfs device through sysfs keeps its description
 *		enabled; bind brings it back with its settings; rmdir of an unbound device
 *		removes it.
 *
 * SUBTEST: race-enable-writers
 * Description: Two writers toggling enabled at once leave one device or none.
 *
 * SUBTEST: race-rmdir-enable
 * Description: rmdir racing a write of enabled=1 leaves no device behind.
 *
 * SUBTEST: many-cycles
 * Description: Create, enable, run a job, remove, many times
 *		(VSVM_CONFIGFS_CYCLES, default 100).
 *
 * SUBTEST: vsvm-info
 * Description: vsvm-info prints a configfs device's directory name.
 *
 * SUBTEST: unload-while-directory
 * Description: A configfs directory holds a module reference: vsvm cannot be
 *		unloaded while one exists (EWOULDBLOCK).
 */

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define CFS_ROOT	"/sys/kernel/config"
#define CFS		CFS_ROOT "/vsvm"
#define PAGE		4096ull
#define BO_SIZE		(4 * PAGE)
#define CMD_VA		0x100000ull
#define DATA_VA		0x200000ull
#define CMD_WORDS	(BO_SIZE / 4)
#define CS(c)		(c)->cmd, &(c)->n, CMD_WORDS
/* What the driver allows; drm/vsvm_configfs.c's DOC section. */
#define MAX_DEVICES	16
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif
/* Every directory this program makes starts with this. */
#define PFX		"igt-cfs-"

static pid_t main_pid;

/* A job context on one device: a VM with a command and a data buffer. */
struct ctx {
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, data_bo;
	uint32_t *cmd;
	uint32_t *data;
	unsigned int n;
};

static int write_file(const char *path, const char *val)
{
	ssize_t len = strlen(val), n;
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : n == len ? 0 : -EIO;
}

/* Reads @path into @buf without its trailing newline; 0 or -errno. */
static int read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

static int cfs_write(const char *name, const char *attr, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CFS "/%s/%s", name, attr);
	return write_file(path, val);
}

static void cfs_read(const char *name, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CFS "/%s/%s", name, attr);
	igt_assert_eq(read_file(path, buf, len), 0);
}

static long cfs_read_long(const char *name, const char *attr)
{
	char buf[64];

	cfs_read(name, attr, buf, sizeof(buf));
	return strtol(buf, NULL, 0);
}

static void cfs_mkdir(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CFS "/%s", name);
	igt_assert_f(mkdir(path, 0755) == 0, "mkdir %s: %s\n", path, strerror(errno));
}

static int __cfs_rmdir(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), CFS "/%s", name);
	return rmdir(path) ? -errno : 0;
}

static void cfs_rmdir(const char *name)
{
	igt_assert_eq(__cfs_rmdir(name), 0);
}

static void cfs_enable(const char *name)
{
	igt_assert_eq(cfs_write(name, "enabled", "1"), 0);
	igt_assert_eq(cfs_read_long(name, "enabled"), 1);
}

/* Removes every directory this program made (rmdir removes its device). */
static void cfs_cleanup(void)
{
	struct dirent *e;
	DIR *d;

	if (getpid() != main_pid)
		return;
	d = opendir(CFS);
	if (!d)
		return;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, PFX, strlen(PFX)))
			__cfs_rmdir(e->d_name);
	closedir(d);
}

static bool cfs_have_fs(void)
{
	char buf[4096];

	return !read_file("/proc/filesystems", buf, sizeof(buf)) && strstr(buf, "\tconfigfs");
}

/*
 * Mounts configfs if it is not; skips if the kernel has no configfs, fails
 * if it has and vsvm registered no subsystem.
 */
static void cfs_require(void)
{
	struct stat st;

	/* Where configfs is a module vsvm loads it, unless vsvm lacks it. */
	if (!cfs_have_fs() && system("modprobe -q configfs 2>/dev/null"))
		igt_debug("no configfs module\n");
	if (stat(CFS_ROOT, &st) == 0 && stat(CFS, &st) != 0)
		mount("configfs", CFS_ROOT, "configfs", 0, NULL);
	igt_require_f(cfs_have_fs() || stat(CFS_ROOT, &st) == 0,
		      "the kernel has no configfs (CONFIG_CONFIGFS_FS)\n");
	igt_assert_f(stat(CFS, &st) == 0 && S_ISDIR(st.st_mode),
		     "configfs is there but %s is not: vsvm registered no subsystem\n", CFS);
}

/* The platform device of an enabled description, e.g. "vsvm.2". */
static void cfs_device(const char *name, char *pdev, size_t len)
{
	cfs_read(name, "device", pdev, len);
	igt_assert_f(!strncmp(pdev, "vsvm.", 5), "%s/device is \"%s\"\n", name, pdev);
}

static bool pdev_exists(const char *pdev)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s", pdev);
	return stat(path, &st) == 0;
}

/* Opens the render node of platform device @pdev; -errno if it has none. */
static int open_pdev_render(const char *pdev)
{
	char path[PATH_MAX];
	struct dirent *e;
	int fd = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", pdev);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "renderD", 7)) {
			snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				fd = -errno;
			break;
		}
	closedir(d);
	return fd;
}

/* Opens the render node of the enabled description @name. */
static int cfs_open(const char *name)
{
	char pdev[64];
	int fd;

	cfs_device(name, pdev, sizeof(pdev));
	fd = open_pdev_render(pdev);
	igt_assert_f(fd >= 0, "%s (%s) has no render node: %s\n", name, pdev, strerror(-fd));
	igt_assert(vsvm_is_vsvm(fd));
	return fd;
}

/* How many platform devices vsvm.<n> exist. */
static int count_pdevs(void)
{
	struct dirent *e;
	int n = 0;
	DIR *d = opendir("/sys/bus/platform/devices");

	igt_assert(d);
	while ((e = readdir(d)))
		n += !strncmp(e->d_name, "vsvm.", 5);
	closedir(d);
	return n;
}

static int query_device(int fd, struct drm_vsvm_query_device *dev)
{
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(*dev), .data = (uintptr_t)dev,
	};

	memset(dev, 0, sizeof(*dev));
	return igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q) ? -errno : 0;
}

static void ctx_init(struct ctx *c, int fd)
{
	c->fd = fd;
	c->vm = vsvm_vm_create(fd, 0);
	c->cmd_bo = vsvm_gem_create(fd, BO_SIZE);
	c->data_bo = vsvm_gem_create(fd, BO_SIZE);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->cmd_bo, 0, CMD_VA, BO_SIZE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, c->vm, c->data_bo, 0, DATA_VA, BO_SIZE, 0), 0);
	c->cmd = vsvm_gem_mmap(fd, c->cmd_bo, BO_SIZE);
	c->data = vsvm_gem_mmap(fd, c->data_bo, BO_SIZE);
	c->n = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, BO_SIZE);
	munmap(c->data, BO_SIZE);
	close(c->fd);
	c->fd = -1;
}

/* EXECs what was emitted on @queue; 0 and a syncobj in *@s, or -errno. */
static int __exec(struct ctx *c, uint32_t queue, uint32_t *s)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .queue = queue, .cs_addr = CMD_VA, .cs_size = c->n * 4,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};
	int ret;

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	ret = igt_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0;
	if (ret)
		drmSyncobjDestroy(c->fd, out.handle);
	else
		*s = out.handle;
	return ret;
}

/* EXECs what was emitted on @queue with no syncobj; 0 or -errno. */
static int exec_nosync(struct ctx *c, uint32_t queue)
{
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .queue = queue, .cs_addr = CMD_VA, .cs_size = c->n * 4,
	};

	return igt_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0;
}

/* A STORE of @v on @queue, run and checked. */
static void store_and_check(struct ctx *c, uint32_t queue, uint32_t v)
{
	uint32_t s;

	c->n = 0;
	vsvm_emit_store32(CS(c), DATA_VA + 4 * queue, v);
	vsvm_emit_end(CS(c));
	igt_assert_eq(__exec(c, queue, &s), 0);
	igt_assert_eq(vsvm_job_end(c->fd, s), 1);
	igt_assert_eq_u32(c->data[queue], v);
}

/* Makes, enables and opens a device described by @name with @attrs. */
static int cfs_new(const char *name, const char *const *attrs)
{
	cfs_mkdir(name);
	for (; attrs && attrs[0]; attrs += 2)
		igt_assert_eq(cfs_write(name, attrs[0], attrs[1]), 0);
	cfs_enable(name);
	return cfs_open(name);
}

static void test_lifecycle(void)
{
	const char *name = PFX "life";
	char pdev[64], path[PATH_MAX], buf[256];
	int before = count_pdevs();
	struct ctx c;

	cfs_mkdir(name);
	/* A description is no device until enabled. */
	igt_assert_eq(cfs_read_long(name, "enabled"), 0);
	cfs_read(name, "device", buf, sizeof(buf));
	igt_assert_eq(buf[0], '\0');
	igt_assert_eq(count_pdevs(), before);

	cfs_enable(name);
	cfs_device(name, pdev, sizeof(pdev));
	igt_assert_eq(count_pdevs(), before + 1);
	/* Its id is past those of the num_devices devices. */
	igt_assert_lte(before, atoi(pdev + 5));
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/configfs_name", pdev);
	igt_assert_eq(read_file(path, buf, sizeof(buf)), 0);
	igt_assert_f(!strcmp(buf, name), "configfs_name is \"%s\", want \"%s\"\n", buf, name);

	ctx_init(&c, cfs_open(name));
	igt_assert_eq((int)vsvm_info_get(c.fd, "index"), atoi(pdev + 5));
	store_and_check(&c, 0, 0xc0ffee);
	store_and_check(&c, 1, 0xbeef);
	ctx_fini(&c);

	igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
	igt_assert_eq(cfs_read_long(name, "enabled"), 0);
	igt_assert(!pdev_exists(pdev));
	igt_assert_eq(count_pdevs(), before);

	/* Enabled again, it runs jobs again. */
	cfs_enable(name);
	ctx_init(&c, cfs_open(name));
	store_and_check(&c, 0, 7);
	ctx_fini(&c);
	cfs_rmdir(name);
	igt_assert(!pdev_exists(pdev));
	igt_assert_eq(count_pdevs(), before);
}

static long read_param(const char *param)
{
	char path[PATH_MAX], buf[32];

	snprintf(path, sizeof(path), "/sys/module/vsvm/parameters/%s", param);
	igt_assert_eq(read_file(path, buf, sizeof(buf)), 0);
	return atol(buf);
}

static void test_defaults(void)
{
	const char *name = PFX "defaults";
	char path[PATH_MAX], buf[256];
	struct dirent *e;
	DIR *d;

	/* The num_devices devices are not in configfs. */
	d = opendir(CFS);
	igt_assert(d);
	while ((e = readdir(d)))
		igt_assert_f(e->d_name[0] == '.' || !strncmp(e->d_name, PFX, strlen(PFX)),
			     "%s/%s exists before the test\n", CFS, e->d_name);
	closedir(d);
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/vsvm.0/configfs_name");
	igt_assert_eq(read_file(path, buf, sizeof(buf)), 0);
	igt_assert_f(!buf[0], "vsvm.0's configfs_name is \"%s\"\n", buf);

	/* A new description starts at the module parameters and the uapi limits. */
	cfs_mkdir(name);
	igt_assert_eq(cfs_read_long(name, "num_queues"), read_param("num_queues"));
	igt_assert_eq(cfs_read_long(name, "job_timeout_ms"), read_param("job_timeout_ms"));
	igt_assert_eq(cfs_read_long(name, "max_vms"), DRM_VSVM_MAX_VMS);
	igt_assert_eq(cfs_read_long(name, "max_mappings"), DRM_VSVM_MAX_MAPPINGS);
	cfs_rmdir(name);
}

static void test_attributes(void)
{
	static const char *const attrs[] = {
		"num_queues", "1", "max_vms", "2", "max_mappings", "2",
		"job_timeout_ms", "1500", NULL,
	};
	const char *name = PFX "attrs";
	struct drm_vsvm_vm_create vc = { 0 };
	struct drm_vsvm_query_device dev;
	struct ctx c;
	uint32_t s;

	/* ctx_init() makes one VM with two mappings: both limits reached. */
	ctx_init(&c, cfs_new(name, attrs));
	igt_assert_eq(cfs_read_long(name, "num_queues"), 1);
	igt_assert_eq(cfs_read_long(name, "max_vms"), 2);
	igt_assert_eq(cfs_read_long(name, "max_mappings"), 2);
	igt_assert_eq(cfs_read_long(name, "job_timeout_ms"), 1500);
	igt_assert_eq(query_device(c.fd, &dev), 0);
	igt_assert_eq_u32(dev.num_queues, 1);
	igt_assert_eq_u32(dev.job_timeout_ms, 1500);
	store_and_check(&c, 0, 0x1234);

	/* Queue 1 does not exist: EXEC's errno for a bad queue. */
	c.n = 0;
	vsvm_emit_store32(CS(&c), DATA_VA, 1);
	vsvm_emit_end(CS(&c));
	igt_assert_eq(__exec(&c, 1, &s), -EINVAL);

	/* A third mapping, or an UNMAP cutting one in two, passes max_mappings. */
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, c.data_bo, 0, DATA_VA + BO_SIZE, PAGE, 0),
		      -ENOSPC);
	igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, DATA_VA + PAGE, PAGE), -ENOSPC);
	/* Trimming one keeps the count; removing one makes room. */
	igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, DATA_VA, PAGE), 0);
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, c.data_bo, 0, DATA_VA + BO_SIZE, PAGE, 0),
		      -ENOSPC);
	igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, DATA_VA + PAGE, BO_SIZE - PAGE), 0);
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, c.data_bo, 0, DATA_VA + BO_SIZE, PAGE, 0), 0);

	/* A second VM is allowed, a third passes max_vms. */
	do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_CREATE, &vc);
	igt_assert_neq_u32(vc.vm_id, 0);
	memset(&vc, 0, sizeof(vc));
	do_ioctl_err(c.fd, DRM_IOCTL_VSVM_VM_CREATE, &vc, ENOSPC);
	ctx_fini(&c);
	cfs_rmdir(name);
}

static const struct {
	const char *attr;
	const char *good;
	const char *bad[8];
} attr_table[] = {
	/* VSVM_MAX_QUEUES is 8. */
	{ "num_queues", "1", { "0", "9", "-1", "abc", "1x", "4294967297", "\n" } },
	{ "job_timeout_ms", "100", { "99", "60001", "0", "-100", "1s", "\n" } },
	{ "max_vms", "64", { "0", "65", "-1", "many", "\n" } },
	{ "max_mappings", "16384", { "0", "16385", "-1", "0x", "\n" } },
};

static void test_bad_values(void)
{
	static const char *const bad_bool[] = { "2", "maybe", "-1", "\n", NULL };
	const char *name = PFX "bad";
	unsigned int i, j;

	cfs_mkdir(name);
	for (i = 0; i < ARRAY_SIZE(attr_table); i++) {
		long before = cfs_read_long(name, attr_table[i].attr);

		for (j = 0; attr_table[i].bad[j]; j++) {
			igt_assert_f(cfs_write(name, attr_table[i].attr, attr_table[i].bad[j]) ==
				     -EINVAL, "%s=\"%s\" was not refused with EINVAL\n",
				     attr_table[i].attr, attr_table[i].bad[j]);
			igt_assert_eq(cfs_read_long(name, attr_table[i].attr), before);
		}
		/* The bounds themselves are good. */
		igt_assert_eq(cfs_write(name, attr_table[i].attr, attr_table[i].good), 0);
		igt_assert_eq(cfs_read_long(name, attr_table[i].attr),
			      strtol(attr_table[i].good, NULL, 0));
	}
	for (j = 0; bad_bool[j]; j++) {
		igt_assert_eq(cfs_write(name, "enabled", bad_bool[j]), -EINVAL);
		igt_assert_eq(cfs_read_long(name, "enabled"), 0);
	}
	cfs_rmdir(name);
}

static void test_busy(void)
{
	const char *name = PFX "busy";
	char pdev[64], again[64];
	unsigned int i;
	int fd;

	fd = cfs_new(name, NULL);
	cfs_device(name, pdev, sizeof(pdev));
	for (i = 0; i < ARRAY_SIZE(attr_table); i++) {
		long before = cfs_read_long(name, attr_table[i].attr);

		/* Good or bad, a value cannot change while the device exists. */
		igt_assert_eq(cfs_write(name, attr_table[i].attr, attr_table[i].good), -EBUSY);
		igt_assert_eq(cfs_write(name, attr_table[i].attr, attr_table[i].bad[0]), -EBUSY);
		igt_assert_eq(cfs_read_long(name, attr_table[i].attr), before);
	}
	/* Enabling an enabled device changes nothing. */
	igt_assert_eq(cfs_write(name, "enabled", "1"), 0);
	cfs_device(name, again, sizeof(again));
	igt_assert(!strcmp(pdev, again));
	igt_assert(vsvm_is_vsvm(fd));
	close(fd);

	/* Disabled, it takes values again. */
	igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
	igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
	igt_assert_eq(cfs_write(name, "num_queues", "3"), 0);
	cfs_rmdir(name);
}

static void test_too_many(void)
{
	static const char *const one_queue[] = { "num_queues", "1", NULL };
	int before = count_pdevs(), room = MAX_DEVICES - before, i;
	char name[64];
	int fd;

	igt_assert_lt(0, room);
	for (i = 0; i < room; i++) {
		snprintf(name, sizeof(name), PFX "many%d", i);
		close(cfs_new(name, one_queue));
	}
	igt_assert_eq(count_pdevs(), MAX_DEVICES);
	cfs_mkdir(PFX "one-too-many");
	igt_assert_eq(cfs_write(PFX "one-too-many", "num_queues", "1"), 0);
	igt_assert_eq(cfs_write(PFX "one-too-many", "enabled", "1"), -ENOSPC);
	igt_assert_eq(cfs_read_long(PFX "one-too-many", "enabled"), 0);

	/* An id given back is taken again. */
	snprintf(name, sizeof(name), PFX "many%d", room / 2);
	igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
	cfs_enable(PFX "one-too-many");
	fd = cfs_open(PFX "one-too-many");
	close(fd);

	cfs_rmdir(PFX "one-too-many");
	for (i = 0; i < room; i++) {
		snprintf(name, sizeof(name), PFX "many%d", i);
		cfs_rmdir(name);
	}
	igt_assert_eq(count_pdevs(), before);
}

/* The driver keeps names of up to 31 bytes (VSVM_DEVICE_NAME_LEN). */
static void test_name_too_long(void)
{
	char name[33], path[PATH_MAX];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	memcpy(name, PFX, strlen(PFX));
	snprintf(path, sizeof(path), CFS "/%s", name);
	igt_assert_eq(mkdir(path, 0755) ? -errno : 0, -ENAMETOOLONG);
	name[31] = '\0';
	cfs_mkdir(name);
	cfs_rmdir(name);
}

/* The status of a sync_file once it signals (2 s at most): 1 or its error. */
static int sync_file_end(int sf)
{
	struct sync_file_info info = { 0 };
	struct pollfd p = { .fd = sf, .events = POLLIN };

	igt_assert_eq(poll(&p, 1, 2000), 1);
	igt_assert_eq(ioctl(sf, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

/*
 * I8: removing a device (rmdir, or enabled=0) with a file open, a job
 * spinning on a queue and another queued behind it: the removal returns
 * at once (not at the job timeout), both jobs end with -ENODEV, the file
 * gets -ENODEV, and the module's devices keep working.
 */
static void test_remove_busy(int fd0, bool by_rmdir)
{
	static const char *const attrs[] = { "job_timeout_ms", "60000", NULL };
	const char *name = PFX "remove-busy";
	struct drm_vsvm_gem_create gc = { .size = PAGE };
	int before = count_pdevs(), sf_spin, sf_behind;
	uint32_t spin, behind;
	struct ctx c, c0;
	char pdev[64];
	uint64_t t0;

	ctx_init(&c, cfs_new(name, attrs));
	cfs_device(name, pdev, sizeof(pdev));
	c.n = 0;
	vsvm_emit_spin(CS(&c), DATA_VA + 64, 1);
	vsvm_emit_end(CS(&c));
	igt_assert_eq(__exec(&c, 0, &spin), 0);
	igt_assert_eq(__exec(&c, 0, &behind), 0);
	igt_assert_eq(drmSyncobjExportSyncFile(c.fd, spin, &sf_spin), 0);
	igt_assert_eq(drmSyncobjExportSyncFile(c.fd, behind, &sf_behind), 0);
	usleep(50000);
	igt_assert_eq(vsvm_fence_status(c.fd, spin), 0);

	t0 = vsvm_now_ns();
	if (by_rmdir)
		cfs_rmdir(name);
	else
		igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
	igt_assert_f(vsvm_now_ns() - t0 < 10000000000ull, "the removal took %.1f s\n",
		     (vsvm_now_ns() - t0) / 1e9);
	igt_assert(!pdev_exists(pdev));
	igt_assert_eq(count_pdevs(), before);

	igt_assert_eq(sync_file_end(sf_spin), -ENODEV);
	igt_assert_eq(sync_file_end(sf_behind), -ENODEV);
	close(sf_spin);
	close(sf_behind);
	igt_assert_eq(igt_ioctl(c.fd, DRM_IOCTL_VSVM_GEM_CREATE, &gc) ? -errno : 0, -ENODEV);
	igt_assert_eq(drmSyncobjCreate(c.fd, 0, &spin) ? -errno : 0, -ENODEV);
	/* The command buffer's CPU mapping now faults (SIGBUS): not touched. */
	igt_assert_eq(exec_nosync(&c, 0), -ENODEV);
	ctx_fini(&c);
	if (!by_rmdir)
		cfs_rmdir(name);

	/* The module's devices are untouched. */
	ctx_init(&c0, dup(fd0));
	store_and_check(&c0, 0, 0x600d);
	ctx_fini(&c0);
}

/*
 * Unbinding a configfs device through sysfs leaves its description enabled
 * and its platform device in place; bind brings the DRM device back, with
 * the description's settings; rmdir of an unbound device works.
 */
static void test_unbind(void)
{
	static const char *const attrs[] = { "num_queues", "1", NULL };
	const char *name = PFX "unbind";
	struct drm_vsvm_query_device dev;
	char pdev[64], path[PATH_MAX];
	int before = count_pdevs(), fd;
	struct ctx c;

	fd = cfs_new(name, attrs);
	cfs_device(name, pdev, sizeof(pdev));
	igt_assert_eq(write_file("/sys/bus/platform/drivers/vsvm/unbind", pdev), 0);
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", pdev);
	igt_assert(access(path, F_OK) != 0);
	igt_assert_eq(cfs_read_long(name, "enabled"), 1);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &dev) ? -errno : 0, -ENODEV);
	close(fd);

	igt_assert_eq(write_file("/sys/bus/platform/drivers/vsvm/bind", pdev), 0);
	ctx_init(&c, cfs_open(name));
	igt_assert_eq(query_device(c.fd, &dev), 0);
	igt_assert_eq_u32(dev.num_queues, 1);
	store_and_check(&c, 0, 0x5eed);
	ctx_fini(&c);

	igt_assert_eq(write_file("/sys/bus/platform/drivers/vsvm/unbind", pdev), 0);
	cfs_rmdir(name);
	igt_assert(!pdev_exists(pdev));
	igt_assert_eq(count_pdevs(), before);
}

/* Two writers toggle enabled at once: the state stays whole. */
static void test_race_writers(void)
{
	const char *name = PFX "writers";
	int before = count_pdevs(), enabled;

	cfs_mkdir(name);
	igt_assert_eq(cfs_write(name, "num_queues", "1"), 0);
	igt_fork(child, 2) {
		int i;

		srand(child + 1);
		for (i = 0; i < 20; i++)
			igt_assert_eq(cfs_write(name, "enabled", rand() & 1 ? "1" : "0"), 0);
	}
	igt_waitchildren();
	enabled = cfs_read_long(name, "enabled");
	igt_assert_eq(count_pdevs(), before + enabled);
	if (enabled)
		close(cfs_open(name));
	cfs_rmdir(name);
	igt_assert_eq(count_pdevs(), before);
}

/* rmdir while another process enables: no device is left behind. */
static void test_race_rmdir(void)
{
	const char *name = PFX "rmdir-race";
	int before = count_pdevs(), i;

	for (i = 0; i < 10; i++) {
		char path[PATH_MAX];
		int afd;

		cfs_mkdir(name);
		igt_assert_eq(cfs_write(name, "num_queues", "1"), 0);
		snprintf(path, sizeof(path), CFS "/%s/enabled", name);
		afd = open(path, O_WRONLY | O_CLOEXEC);
		igt_assert_fd(afd);
		igt_fork(child, 1) {
			ssize_t n;

			usleep(rand() % 2000);
			n = write(afd, "1", 1);
			/* After the rmdir, the attribute is dead: ENOENT. */
			igt_assert_f(n == 1 || errno == ENOENT, "write: %s\n", strerror(errno));
		}
		usleep(i * 200);
		cfs_rmdir(name);
		igt_waitchildren();
		close(afd);
		igt_assert_eq(count_pdevs(), before);
	}
}

/* Many create, enable, use, remove cycles. */
static void test_cycles(void)
{
	const char *env = getenv("VSVM_CONFIGFS_CYCLES");
	int n = env ? atoi(env) : 100, before = count_pdevs(), i;
	const char *name = PFX "cycle";

	igt_info("%d cycles\n", n);
	for (i = 0; i < n; i++) {
		struct ctx c;

		ctx_init(&c, cfs_new(name, NULL));
		store_and_check(&c, i % 2, i);
		ctx_fini(&c);
		if (i % 2)
			igt_assert_eq(cfs_write(name, "enabled", "0"), 0);
		cfs_rmdir(name);
		igt_assert_eq(count_pdevs(), before);
	}
}

/*
 * vsvm-info (libvsvm's vsvm_dev_configfs_name()) names the directory of a
 * configfs device.  Skips where the tool is not installed.
 */
static void test_vsvm_info(void)
{
	const char *name = PFX "info";
	char line[512];
	bool seen = false;
	FILE *p;
	int fd, status;

	igt_require_f(system("command -v vsvm-info > /dev/null 2>&1") == 0,
		      "vsvm-info is not in PATH\n");
	fd = cfs_new(name, NULL);
	p = popen("vsvm-info 2>&1", "r");
	igt_assert(p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "configfs:") && strstr(line, name))
			seen = true;
	status = pclose(p);
	close(fd);
	cfs_rmdir(name);
	igt_assert_f(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		     "vsvm-info failed: status %#x\n", status);
	igt_assert_f(seen, "vsvm-info does not name %s\n", name);
}

/*
 * A description holds a module reference: vsvm cannot be unloaded while
 * one exists, even with no file open.  If it could, it is loaded again so
 * that the programs after this one still run.
 */
static void test_unload_busy(void)
{
	const char *name = PFX "unload";
	int ret;

	cfs_mkdir(name);
	ret = syscall(SYS_delete_module, "vsvm", O_NONBLOCK) ? -errno : 0;
	if (ret == 0) {
		igt_assert_eq(system("modprobe vsvm dmachk=1"), 0);
		igt_assert_f(0, "vsvm was unloaded with a configfs directory\n");
	}
	igt_assert_eq(ret, -EWOULDBLOCK);
	cfs_rmdir(name);
}

igt_main
{
	int fd = -1;

	igt_fixture {
		main_pid = getpid();
		atexit(cfs_cleanup);
		cfs_require();
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
		cfs_cleanup();
	}

	igt_describe("mkdir makes a description and no device; enabled=1 makes a "
		     "device with a render node, a platform device past the "
		     "num_devices ones and its configfs_name in sysfs, which runs "
		     "jobs on each queue; enabled=0 removes it; enabled again, it "
		     "works again; rmdir removes it.");
	igt_subtest("lifecycle") {
		cfs_cleanup();
		test_lifecycle();
	}

	igt_describe("The num_devices devices are not in configfs, and a new "
		     "description starts at the module parameters' values.");
	igt_subtest("defaults") {
		cfs_cleanup();
		test_defaults();
	}

	igt_describe("A device keeps its description's queues, job timeout, and "
		     "VM and mapping limits (EINVAL for queue 1 of 1, ENOSPC past "
		     "the limits), and QUERY reports them.");
	igt_subtest("attributes-respected") {
		cfs_cleanup();
		test_attributes();
	}

	igt_describe("Values out of range or not numbers are refused with EINVAL "
		     "and change nothing; the bounds are accepted.");
	igt_subtest("bad-values") {
		cfs_cleanup();
		test_bad_values();
	}

	igt_describe("While enabled, every attribute but enabled is refused with "
		     "EBUSY; enabled=1 again changes nothing.");
	igt_subtest("busy-while-enabled") {
		cfs_cleanup();
		test_busy();
	}

	igt_describe("Past the device limit, enabled=1 fails with ENOSPC; an id "
		     "given back is taken again.");
	igt_subtest("too-many-devices") {
		cfs_cleanup();
		test_too_many();
	}

	igt_describe("mkdir with a name longer than the driver keeps fails with "
		     "ENAMETOOLONG.");
	igt_subtest("name-too-long") {
		cfs_cleanup();
		test_name_too_long();
	}

	igt_describe("I8: rmdir with a file open, a job spinning and one queued "
		     "behind it returns at once; both jobs end with -ENODEV, the "
		     "file gets -ENODEV, the module's devices keep working.");
	igt_subtest("rmdir-with-job-running") {
		cfs_cleanup();
		test_remove_busy(fd, true);
	}

	igt_describe("I8: the same with enabled=0 instead of rmdir.");
	igt_subtest("disable-with-job-running") {
		cfs_cleanup();
		test_remove_busy(fd, false);
	}

	igt_describe("Unbinding a configfs device through sysfs keeps its "
		     "description enabled; bind brings it back with its settings; "
		     "rmdir of an unbound device removes it.");
	igt_subtest("unbind-bind-rmdir") {
		cfs_cleanup();
		test_unbind();
	}

	igt_describe("Two writers toggling enabled at once leave one device or none.");
	igt_subtest("race-enable-writers") {
		cfs_cleanup();
		test_race_writers();
	}

	igt_describe("rmdir racing a write of enabled=1 leaves no device behind.");
	igt_subtest("race-rmdir-enable") {
		cfs_cleanup();
		test_race_rmdir();
	}

	igt_describe("Create, enable, run a job, remove, many times "
		     "(VSVM_CONFIGFS_CYCLES, default 100).");
	igt_subtest("many-cycles") {
		cfs_cleanup();
		test_cycles();
	}

	igt_describe("vsvm-info prints a configfs device's directory name.");
	igt_subtest("vsvm-info") {
		cfs_cleanup();
		test_vsvm_info();
	}

	igt_fixture {
		close(fd);
		fd = -1;
	}

	igt_describe("A configfs directory holds a module reference: vsvm cannot "
		     "be unloaded while one exists (EWOULDBLOCK).");
	igt_subtest("unload-while-directory") {
		cfs_cleanup();
		test_unload_busy();
	}
}
