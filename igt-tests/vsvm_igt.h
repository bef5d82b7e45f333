/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * What vsvm's IGT tests share beyond IGT's own API.
 */
#ifndef VSVM_IGT_TESTS_H
#define VSVM_IGT_TESTS_H

#include <linux/sync_file.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>

#include "igt.h"

/*
 * An IGT tree whose driver table has no vsvm entry: open any driver (IGT's
 * DRIVER_ANY leaves out vgem and vkms) and let the fixture check the name.
 */
#ifndef DRIVER_VSVM
#define DRIVER_VSVM DRIVER_ANY
#endif

/* CLOCK_MONOTONIC in nanoseconds, for syncobj deadlines and durations. */
static inline uint64_t vsvm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Waits up to @ms for @syncobj; returns 0 or -ETIME. */
static inline int vsvm_wait_ms(int fd, uint32_t syncobj, unsigned int ms)
{
	int ret = drmSyncobjWait(fd, &syncobj, 1, vsvm_now_ns() + ms * 1000000ull, 0, NULL);

	return ret ? -errno : 0;
}

/* The status of the fence in @syncobj: 1 signalled, 0 pending, <0 its error. */
static inline int vsvm_fence_status(int fd, uint32_t syncobj)
{
	struct sync_file_info info = { 0 };
	int sync_fd, ret;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, syncobj, &sync_fd), 0);
	ret = ioctl(sync_fd, SYNC_IOC_FILE_INFO, &info);
	close(sync_fd);
	igt_assert_eq(ret, 0);
	return info.status;
}

/* Waits (up to 20 s) for @s, destroys it and returns 1 or the job's error. */
static inline int vsvm_job_end(int fd, uint32_t s)
{
	int status;

	igt_assert_eq(vsvm_wait_ms(fd, s, 20000), 0);
	status = vsvm_fence_status(fd, s);
	drmSyncobjDestroy(fd, s);
	return status;
}

static inline bool vsvm_is_vsvm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret = v && strcmp(v->name, "vsvm") == 0;

	drmFreeVersion(v);
	return ret;
}

#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "vsvm_drm.h"

/*
 * Command-stream emitters over a CPU-mapped command buffer are libvsvm's
 * (libvsvm_cs.h: vsvm_emit_store32(cmd, &n, max, ...) and the others):
 * @cmd holds the words, *@n counts those emitted (and is advanced), @max
 * is the buffer's size in words.  Tests wrap the first three in a macro of
 * their own, e.g. CS(c) for (c)->cmd, &(c)->n, CMD_WORDS.  libvsvm writes
 * nothing past @max and leaves *@n at @max + 1 instead; the macros below
 * make each call site assert that its command fitted, as a test should
 * (they take the arguments whole, so that a CS() macro expands first).
 */
#include "libvsvm_cs.h"

#define VSVM_EMIT_FITS(call, cmd, n, max, ...) do { \
		call(cmd, n, max, ##__VA_ARGS__); \
		igt_assert_f(*(n) <= (max), "command buffer of %u words too small\n", \
			     (unsigned int)(max)); \
	} while (0)
#define vsvm_emit(...) VSVM_EMIT_FITS(vsvm_emit, __VA_ARGS__)
#define vsvm_emit64(...) VSVM_EMIT_FITS(vsvm_emit64, __VA_ARGS__)
#define vsvm_emit_store32(...) VSVM_EMIT_FITS(vsvm_emit_store32, __VA_ARGS__)
#define vsvm_emit_store64(...) VSVM_EMIT_FITS(vsvm_emit_store64, __VA_ARGS__)
#define vsvm_emit_copy(...) VSVM_EMIT_FITS(vsvm_emit_copy, __VA_ARGS__)
#define vsvm_emit_fill(...) VSVM_EMIT_FITS(vsvm_emit_fill, __VA_ARGS__)
#define vsvm_emit_atomic(...) VSVM_EMIT_FITS(vsvm_emit_atomic, __VA_ARGS__)
#define vsvm_emit_timestamp(...) VSVM_EMIT_FITS(vsvm_emit_timestamp, __VA_ARGS__)
#define vsvm_emit_spin(...) VSVM_EMIT_FITS(vsvm_emit_spin, __VA_ARGS__)
#define vsvm_emit_end(...) VSVM_EMIT_FITS(vsvm_emit_end, __VA_ARGS__)

/* Test patterns, and assertions that name the first wrong byte. */

/* Byte @i of pattern @seed: differs between pages and between seeds. */
static inline uint8_t pat(uint64_t i, unsigned int seed)
{
	return (uint8_t)(i * 31 + (i >> 12) * 7 + seed * 53 + 1);
}

/* Writes pattern @seed, from its offset @off on, over @len bytes at @p. */
static inline void fill_pat(void *p, uint64_t off, uint64_t len, unsigned int seed)
{
	uint8_t *b = p;
	uint64_t i;

	for (i = 0; i < len; i++)
		b[i] = pat(off + i, seed);
}

static inline void __assert_pat(const uint8_t *p, uint64_t off, uint64_t len, unsigned int seed,
			 const char *what, int line)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		igt_assert_f(p[i] == pat(off + i, seed),
			     "line %d: %s byte %#" PRIx64 " is %#x, want %#x "
			     "(pattern %u at %#" PRIx64 ")\n",
			     line, what, i, p[i], pat(off + i, seed), seed, off + i);
}

/* @len bytes at @p hold pattern @seed from its offset @off on. */
#define assert_pat(p, off, len, seed) \
	__assert_pat((const uint8_t *)(p), (off), (len), (seed), #p, __LINE__)

static inline void __assert_bytes(const uint8_t *p, uint64_t len, uint8_t v, const char *what, int line)
{
	uint64_t i;

	for (i = 0; i < len; i++)
		igt_assert_f(p[i] == v, "line %d: %s byte %#" PRIx64 " is %#x, want %#x\n",
			     line, what, i, p[i], v);
}

/* @len bytes at @p all equal @v. */
#define assert_bytes(p, len, v) __assert_bytes((const uint8_t *)(p), (len), (v), #p, __LINE__)

static inline void __assert_same(const uint8_t *p, const uint8_t *want, uint64_t len,
			  const char *what, int line)
{
	uint64_t i;

	if (!memcmp(p, want, len))
		return;
	for (i = 0; i < len; i++)
		igt_assert_f(p[i] == want[i], "line %d: %s byte %#" PRIx64 " is %#x, want %#x\n",
			     line, what, i, p[i], want[i]);
}

/* @len bytes at @p equal those at @want. */
#define assert_same(p, want, len) \
	__assert_same((const uint8_t *)(p), (const uint8_t *)(want), (len), #p, __LINE__)

static inline uint32_t vsvm_gem_create(int fd, uint64_t size)
{
	struct drm_vsvm_gem_create c = { .size = size };

	do_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, &c);
	igt_assert_neq_u32(c.handle, 0);
	return c.handle;
}

static inline void vsvm_gem_close(int fd, uint32_t handle)
{
	struct drm_gem_close cl = { .handle = handle };

	do_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
}

static inline void *vsvm_gem_mmap(int fd, uint32_t handle, uint64_t size)
{
	struct drm_vsvm_gem_mmap_offset mo = { .handle = handle };
	void *ptr;

	do_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo);
	ptr = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	igt_assert(ptr != MAP_FAILED);
	return ptr;
}

/*
 * VM_CREATE with @flags (0 or DRM_VSVM_VM_CREATE_SVM): 0 and the id in
 * *@vm_id, or -errno.  The shape of libvsvm's vsvm_vm_create() and of the
 * driver's, on an fd; vsvm_vm_create() below takes the same flags, asserts
 * and returns the id (IGT's pair, as __xe_vm_create() and xe_vm_create()).
 */
static inline int __vsvm_vm_create(int fd, uint32_t flags, uint32_t *vm_id)
{
	struct drm_vsvm_vm_create c = { .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c))
		return -errno;
	*vm_id = c.vm_id;
	return 0;
}

static inline uint32_t vsvm_vm_create(int fd, uint32_t flags)
{
	uint32_t vm_id = 0;

	igt_assert_eq(__vsvm_vm_create(fd, flags, &vm_id), 0);
	igt_assert_neq_u32(vm_id, 0);
	return vm_id;
}

/* The first vgem device (a primary node), or -1. */
static inline int vsvm_open_vgem(void)
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

/* Maps [offset, offset + range) of @bo at @addr; returns 0 or -errno. */
static inline int vsvm_vm_map(int fd, uint32_t vm, uint32_t bo, uint64_t offset,
			      uint64_t addr, uint64_t range, uint32_t flags)
{
	struct drm_vsvm_vm_bind_op op = {
		.op = DRM_VSVM_BIND_OP_MAP, .flags = flags, .handle = bo,
		.bo_offset = offset, .addr = addr, .range = range,
	};
	struct drm_vsvm_vm_bind b = { .vm_id = vm, .num_ops = 1, .ops = (uintptr_t)&op };

	return igt_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b) ? -errno : 0;
}

static inline int vsvm_vm_unmap(int fd, uint32_t vm, uint64_t addr, uint64_t range)
{
	struct drm_vsvm_vm_bind_op op = {
		.op = DRM_VSVM_BIND_OP_UNMAP, .addr = addr, .range = range,
	};
	struct drm_vsvm_vm_bind b = { .vm_id = vm, .num_ops = 1, .ops = (uintptr_t)&op };

	return igt_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b) ? -errno : 0;
}

/*
 * VM_BIND of @n ops with @flags (DRM_VSVM_VM_BIND_ASYNC or 0), waiting on
 * @in and signalling @out (binary syncobjs, 0 for none); returns 0 or
 * -errno, and the ops done in *@done if not NULL.
 */
static inline int vsvm_vm_bind_ops(int fd, uint32_t vm, struct drm_vsvm_vm_bind_op *ops,
				   uint32_t n, uint32_t flags, uint32_t in, uint32_t out,
				   uint32_t *done)
{
	struct drm_vsvm_sync in_sync = { .handle = in }, out_sync = { .handle = out };
	struct drm_vsvm_vm_bind_ext_syncs ext = {
		.base.name = DRM_VSVM_VM_BIND_EXT_SYNCS,
		.in_syncs = (uintptr_t)&in_sync, .num_in_syncs = in ? 1 : 0,
		.out_syncs = (uintptr_t)&out_sync, .num_out_syncs = out ? 1 : 0,
	};
	struct drm_vsvm_vm_bind b = {
		.vm_id = vm, .num_ops = n, .ops = (uintptr_t)ops, .flags = flags,
		.extensions = (in || out) ? (uintptr_t)&ext : 0,
	};
	int ret = igt_ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b) ? -errno : 0;

	if (done)
		*done = b.num_done;
	return ret;
}

/* One asynchronous MAP (@handle != 0) or UNMAP, as vsvm_vm_bind_ops(). */
static inline int vsvm_vm_bind_async(int fd, uint32_t vm, uint32_t handle, uint64_t offset,
				     uint64_t addr, uint64_t range, uint32_t in, uint32_t out)
{
	struct drm_vsvm_vm_bind_op op = {
		.op = handle ? DRM_VSVM_BIND_OP_MAP : DRM_VSVM_BIND_OP_UNMAP,
		.handle = handle, .bo_offset = offset, .addr = addr, .range = range,
	};

	return vsvm_vm_bind_ops(fd, vm, &op, 1, DRM_VSVM_VM_BIND_ASYNC, in, out, NULL);
}

/* A "key: value" from the device's debugfs vsvm_info, or -1. */
static inline long long vsvm_info_get(int fd, const char *key)
{
	char buf[1024], *p;
	size_t klen = strlen(key);

	igt_debugfs_read(fd, "vsvm_info", buf);
	igt_assert_f(buf[0], "debugfs vsvm_info unreadable\n");
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return atoll(p + klen + 1);
	return -1;
}

/*
 * A "key: value" from debugfs file @file of @fd's device, or -1 if the file
 * or the key is absent.
 */
static inline long long vsvm_debugfs_get(int fd, const char *file, const char *key)
{
	char buf[4096], *p;
	size_t klen = strlen(key);

	igt_debugfs_read(fd, file, buf);
	for (p = buf; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, klen) && p[klen] == ':')
			return atoll(p + klen + 1);
	return -1;
}

/* Writes @val to debugfs file @file of @fd's device; returns 0 or -errno. */
static inline int vsvm_debugfs_write(int fd, const char *file, const char *val)
{
	int dir = igt_debugfs_dir(fd), f, ret = 0;
	ssize_t len = strlen(val);

	if (dir < 0)
		return -ENOENT;
	f = openat(dir, file, O_WRONLY | O_CLOEXEC);
	close(dir);
	if (f < 0)
		return -errno;
	if (write(f, val, len) != len)
		ret = errno ? -errno : -EIO;
	close(f);
	return ret;
}

/* GEM_USERPTR of [@addr, @addr + @size): 0 and the handle in @handle, or -errno. */
static inline int __vsvm_gem_userptr(int fd, uint64_t addr, uint64_t size, uint32_t flags,
				     uint32_t *handle)
{
	struct drm_vsvm_gem_userptr u = { .addr = addr, .size = size, .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_USERPTR, &u))
		return -errno;
	*handle = u.handle;
	return 0;
}

static inline uint32_t vsvm_gem_userptr(int fd, void *addr, uint64_t size, uint32_t flags)
{
	uint32_t handle = 0;

	igt_assert_eq(__vsvm_gem_userptr(fd, (uintptr_t)addr, size, flags, &handle), 0);
	igt_assert_neq_u32(handle, 0);
	return handle;
}

/* Reads the fdinfo of @fd into @buf (NUL-terminated). */
static inline void vsvm_fdinfo(int fd, char *buf, size_t len)
{
	char path[64];
	int f, n;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY);
	igt_assert_fd(f);
	n = read(f, buf, len - 1);
	close(f);
	igt_assert_lt(0, n);
	buf[n] = '\0';
}

/*
 * The value of fdinfo key @key of @fd, scaled to bytes for "KiB"/"MiB"
 * values, or -1 if the key is absent.
 */
static inline long long vsvm_fdinfo_value(int fd, const char *key)
{
	char buf[4096], unit[8] = "", *p;
	long long val = -1;

	vsvm_fdinfo(fd, buf, sizeof(buf));
	p = strstr(buf, key);
	if (!p || p[strlen(key)] != ':')
		return -1;
	if (sscanf(p + strlen(key) + 1, " %lld %7s", &val, unit) < 1)
		return -1;
	if (!strcmp(unit, "KiB"))
		val <<= 10;
	else if (!strcmp(unit, "MiB"))
		val <<= 20;
	return val;
}

/*
 * Long-running mode (SVM VMs, uapi 1.7): a job exports no fence and writes
 * @value to the 64-bit word at @addr when it ends.  The extension to chain
 * into an EXEC or SVM_PREFETCH.
 */
static inline struct drm_vsvm_exec_ext_user_fence
vsvm_ufence_ext(volatile uint64_t *addr, uint64_t value)
{
	return (struct drm_vsvm_exec_ext_user_fence){
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)addr, .value = value,
	};
}

/* Waits up to @ms for *@addr == @value (WAIT_USER_FENCE): 0 or -errno. */
static inline int vsvm_ufence_wait_ms(int fd, volatile uint64_t *addr, uint64_t value,
				      unsigned int ms)
{
	struct drm_vsvm_wait_user_fence w = {
		.addr = (uintptr_t)addr, .value = value, .mask = ~0ull,
		.timeout = ms * 1000000ll, .op = DRM_VSVM_UFENCE_OP_EQ,
	};

	return igt_ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? -errno : 0;
}

/* The seqno of the newest GPU fault of @fd's VMs (0 if none), and its reason. */
static inline uint64_t vsvm_newest_fault(int fd, uint32_t *reason)
{
	static __thread uint8_t buf[sizeof(struct drm_vsvm_query_faults) +
				    DRM_VSVM_MAX_FAULTS * sizeof(struct drm_vsvm_fault)];
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_FAULTS, .size = sizeof(buf), .data = (uintptr_t)buf,
	};
	struct drm_vsvm_query_faults *f = (void *)buf;

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q), 0);
	if (!f->count)
		return 0;
	if (reason)
		*reason = f->faults[f->count - 1].reason;
	return f->faults[f->count - 1].seqno;
}

/*
 * Skips unless @fd's device has the debugfs test knob @name: the knobs are
 * built only with CONFIG_DRM_VSVM_DEBUG, which a user's build leaves out.
 */
static inline void vsvm_require_knob(int fd, const char *name)
{
	int dir = igt_debugfs_dir(fd);
	bool ok = dir >= 0 && faccessat(dir, name, F_OK, 0) == 0;

	if (dir >= 0)
		close(dir);
	igt_require_f(ok, "no debugfs %s: vsvm built without CONFIG_DRM_VSVM_DEBUG\n", name);
}

/*
 * Waits up to @ms for child @pid: its exit status, 128 + the signal that
 * killed it, or -1 if it is still there then (it is sent SIGKILL and left:
 * a task stuck in the kernel cannot be reaped).  A hang is then a failed
 * subtest rather than a VM timeout.
 */
static inline int vsvm_wait_child_ms(pid_t pid, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	int status;

	do {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	} while (vsvm_now_ns() < end);
	kill(pid, SIGKILL);
	return -1;
}

/* Empties the trace and enables vsvm's events; skips without tracefs. */
static inline void vsvm_trace_start(void)
{
	int f;

	igt_require_f(!access("/sys/kernel/tracing/events/vsvm/enable", W_OK),
		      "no tracefs with vsvm's events\n");
	f = open("/sys/kernel/tracing/trace", O_WRONLY | O_TRUNC);
	igt_assert_fd(f);
	close(f);
	f = open("/sys/kernel/tracing/events/vsvm/enable", O_WRONLY);
	igt_assert_fd(f);
	igt_assert_eq(write(f, "1", 1), 1);
	close(f);
}

/* Disables vsvm's events and reads the trace into @buf (NUL-terminated). */
static inline void vsvm_trace_stop(char *buf, size_t len)
{
	size_t total = 0;
	ssize_t n;
	int f;

	f = open("/sys/kernel/tracing/events/vsvm/enable", O_WRONLY);
	igt_assert_fd(f);
	igt_assert_eq(write(f, "0", 1), 1);
	close(f);
	f = open("/sys/kernel/tracing/trace", O_RDONLY);
	igt_assert_fd(f);
	while (total < len - 1 && (n = read(f, buf + total, len - 1 - total)) > 0)
		total += n;
	close(f);
	buf[total] = '\0';
}

/*
 * Asserts that the trace in @buf has an @event line ("vsvm_x:") whose
 * fields start with "dev=@dev client=@client" and contain @has (if not
 * NULL); every vsvm event carries the device's index and the DRM client id.
 * Returns the first such line, for tests of the events' order.
 */
static inline const char *vsvm_trace_assert(const char *buf, const char *event, int dev,
				     long long client, const char *has)
{
	char want[96], line[512];
	const char *p, *eol;
	size_t n;

	snprintf(want, sizeof(want), "%s dev=%d client=%lld ", event, dev, client);
	for (p = strstr(buf, want); p; p = strstr(eol, want)) {
		eol = strchr(p, '\n') ?: p + strlen(p);
		n = eol - p < (long)sizeof(line) ? (size_t)(eol - p) : sizeof(line) - 1;
		memcpy(line, p, n);
		line[n] = '\0';
		if (!has || strstr(line, has))
			return p;
	}
	igt_assert_f(false, "no \"%s...%s\" event in:\n%.3000s\n", want, has ?: "", buf);
	return NULL;
}

/* Writes @val to the file @path: whether it all went. */
static inline bool vsvm_write_str(const char *path, const char *val)
{
	int f = open(path, O_WRONLY);
	bool ok;

	if (f < 0)
		return false;
	ok = write(f, val, strlen(val)) == (ssize_t)strlen(val);
	close(f);
	return ok;
}

/*
 * Makes the cgroup v2 group @dir (mounting cgroup2 on /sys/fs/cgroup if
 * needed, with the memory controller enabled below the root): whether it
 * is there.
 */
static inline bool vsvm_memcg_group(const char *dir)
{
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK)) {
		mkdir("/sys/fs/cgroup", 0755);
		if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL))
			return false;
	}
	vsvm_write_str("/sys/fs/cgroup/cgroup.subtree_control", "+memory");
	return !mkdir(dir, 0755) || errno == EEXIST;
}

#endif /* VSVM_IGT_TESTS_H */
