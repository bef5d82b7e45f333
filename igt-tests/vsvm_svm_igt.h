/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * What vsvm's SVM programs (vsvm_svm, vsvm_svm_vram, vsvm_svm_twodev,
 * vsvm_svm_sysalloc, vsvm_svm_attr) share: a file with an SVM VM and a
 * command stream in process memory (GPU VA == CPU VA), anonymous memory,
 * the device's caps and VRAM numbers, and the held-fault knob.
 *
 * A program that runs its jobs with one user fence per context (the
 * context's uf page) defines JOB_DONE, the value its jobs write there,
 * before including this header, and gets submit(), job_end(), run(),
 * __prefetch() and prefetch().  A program with jobs of its own (vsvm_svm's
 * per-job fences, vsvm_svm_attr's fault reasons) defines VSVM_SVM_OWN_JOBS
 * instead.
 */
#ifndef VSVM_SVM_IGT_H
#define VSVM_SVM_IGT_H

#include <dirent.h>

#include "vsvm_igt.h"

#define PAGE 4096ull
#define MB (1ull << 20)
#define CMD_WORDS 1024

/* A file with an SVM VM and a command stream in ordinary memory. */
struct ctx {
	int fd;
	uint32_t vm;
	uint32_t *cmd;		/* the command stream: process memory */
	unsigned int n;
	uint32_t queue;
	volatile uint64_t *uf;	/* the jobs' user fence, in a page of its own */
};

#define CS(c) (c)->cmd, &(c)->n, CMD_WORDS

static inline void *anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/*
 * 2 MiB-aligned anonymous memory in base pages, so that faults and
 * prefetches move 2 MiB chunks.
 */
static inline void *anon_aligned(uint64_t size)
{
	uint8_t *raw = anon(size + 2 * MB);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + 2 * MB - 1) & ~(2 * MB - 1));

	if (p > raw)
		munmap(raw, p - raw);
	munmap(p + size, raw + size + 2 * MB - p - size);
	igt_assert_eq(madvise(p, size, MADV_NOHUGEPAGE), 0);
	return p;
}

/* @c on @fd (which it now owns): a fresh SVM VM, command stream and fence page. */
static inline void ctx_init_fd(struct ctx *c, int fd)
{
	c->fd = fd;
	c->vm = vsvm_vm_create(fd, DRM_VSVM_VM_CREATE_SVM);
	c->cmd = anon(CMD_WORDS * 4);
	c->uf = anon(PAGE);
	c->n = 0;
	c->queue = 0;
}

static inline void ctx_init(struct ctx *c)
{
	ctx_init_fd(c, drm_open_driver(DRIVER_VSVM));
}

static inline void ctx_fini(struct ctx *c)
{
	close(c->fd);
	munmap(c->cmd, CMD_WORDS * 4);
	munmap((void *)c->uf, PAGE);
}

/* The newest fault of @fd's VMs; .seqno 0 if there is none. */
static inline struct drm_vsvm_fault newest_fault(int fd)
{
	static __thread uint8_t buf[sizeof(struct drm_vsvm_query_faults) +
				    DRM_VSVM_MAX_FAULTS * sizeof(struct drm_vsvm_fault)];
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_FAULTS, .size = sizeof(buf), .data = (uintptr_t)buf,
	};
	struct drm_vsvm_query_faults *f = (void *)buf;
	struct drm_vsvm_fault none = { 0 };

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return f->count ? f->faults[f->count - 1] : none;
}

static inline uint64_t caps(int fd)
{
	struct drm_vsvm_query_caps cp = { 0 };
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_CAPS, .size = sizeof(cp), .data = (uintptr_t)&cp,
	};

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return cp.caps;
}

static inline struct drm_vsvm_query_vram vram(int fd)
{
	struct drm_vsvm_query_vram v = { 0 };
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_VRAM, .size = sizeof(v), .data = (uintptr_t)&v,
	};

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	return v;
}

static inline void require_vram(int fd)
{
	igt_require_f(caps(fd) & DRM_VSVM_CAP_DEVICE_MEMORY,
		      "no device memory (no CONFIG_DEVICE_PRIVATE, or vram_mb=0)\n");
}

/*
 * Skips unless the DMA checker is on (module parameter dmachk; debugfs
 * dmachk "enabled"), as vsvm_dmachk does: a test that needs the checker to
 * stop a job, or counts its violations, cannot pass without it.
 */
static inline void require_dmachk(int fd)
{
	igt_require_f(vsvm_debugfs_get(fd, "dmachk", "enabled") == 1,
		      "the DMA checker is off (debugfs dmachk enabled is not 1)\n");
}

/* Waits up to 5 s for the device's VRAM use to come back to @used. */
static inline void assert_used_back(int fd, uint64_t used)
{
	uint64_t now = 0;
	int i;

	for (i = 0; i < 500; i++) {
		now = vram(fd).used;
		if (now == used)
			return;
		usleep(10000);
	}
	igt_assert_f(now == used, "VRAM use %" PRIu64 " bytes, was %" PRIu64 " before\n",
		     now, used);
}

/*
 * The pages of [@p, +@size) that are in VRAM now, from /proc/self/pagemap:
 * not present, but an entry (a device-private swap entry).
 */
static inline uint64_t pages_swapped_out(const void *p, uint64_t size)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t i, n = 0, e;

	igt_assert_fd(fd);
	for (i = 0; i < size / PAGE; i++) {
		igt_assert_eq(pread(fd, &e, 8, ((uintptr_t)p / PAGE + i) * 8), 8);
		if (!(e >> 63 & 1) && (e >> 62 & 1))
			n++;
	}
	close(fd);
	return n;
}

/* Whether debugfs userptr_inject holds a GPU fault now (waits up to @ms). */
static inline bool fault_held(int fd, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	char buf[64];

	do {
		igt_debugfs_read(fd, "userptr_inject", buf);
		if (strstr(buf, "stalled"))
			return true;
		usleep(1000);
	} while (vsvm_now_ns() < end);
	return false;
}

/* Writes @val to the configfs attribute @attr of the device directory @dir. */
static inline void cfs_write_dir(const char *dir, const char *attr, const char *val)
{
	char path[256];
	int f;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = open(path, O_WRONLY);
	igt_assert_f(f >= 0, "%s: %m\n", path);
	igt_assert_eq(write(f, val, strlen(val)), (ssize_t)strlen(val));
	close(f);
}

/* Opens the render node of the enabled configfs device in @dir. */
static inline int cfs_open_dir(const char *dir)
{
	char path[512], pdev[64] = { 0 };
	struct dirent *e;
	int f = -1;
	DIR *d;

	snprintf(path, sizeof(path), "%s/device", dir);
	f = open(path, O_RDONLY);
	igt_assert_fd(f);
	igt_assert(read(f, pdev, sizeof(pdev) - 1) > 0);
	close(f);
	pdev[strcspn(pdev, "\n")] = 0;
	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", pdev);
	d = opendir(path);
	igt_assert_f(d, "%s: %m\n", path);
	f = -1;
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "renderD", 7)) {
			snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
			f = open(path, O_RDWR | O_CLOEXEC);
			break;
		}
	closedir(d);
	igt_assert_f(f >= 0, "%s has no render node\n", pdev);
	return f;
}

#ifndef VSVM_SVM_OWN_JOBS

#ifndef JOB_DONE
#error "define JOB_DONE (or VSVM_SVM_OWN_JOBS) before including vsvm_svm_igt.h"
#endif

/* How long job_end() waits for a job's user fence. */
#ifndef JOB_WAIT_MS
#define JOB_WAIT_MS 20000
#endif

/* Waits for @c's user fence: 1, or -EFAULT if a fault came after @mark. */
static inline int job_end(struct ctx *c, uint64_t mark)
{
	igt_assert_eq(vsvm_ufence_wait_ms(c->fd, c->uf, JOB_DONE, JOB_WAIT_MS), 0);
	return newest_fault(c->fd).seqno > mark ? -EFAULT : 1;
}

/* Submits what was emitted, with @c's user fence; returns the fault mark. */
static inline uint64_t submit(struct ctx *c)
{
	struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(c->uf, JOB_DONE);
	struct drm_vsvm_exec e = {
		.extensions = (uintptr_t)&uf, .vm_id = c->vm,
		.cs_addr = (uintptr_t)c->cmd, .cs_size = c->n * 4,
	};
	uint64_t mark = newest_fault(c->fd).seqno;

	*c->uf = 0;
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	c->n = 0;
	return mark;
}

/* Runs what was emitted; returns the job's status (1 or -EFAULT). */
static inline int run(struct ctx *c)
{
	uint64_t mark = submit(c);

	return job_end(c, mark);
}

/* SVM_PREFETCH with @c's user fence: 0 or -errno. */
static inline int __prefetch(struct ctx *c, const void *addr, uint64_t size, uint32_t flags)
{
	struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(c->uf, JOB_DONE);
	struct drm_vsvm_svm_prefetch p = {
		.extensions = (uintptr_t)&uf, .vm_id = c->vm,
		.addr = (uintptr_t)addr, .size = size, .flags = flags,
	};

	*c->uf = 0;
	return igt_ioctl(c->fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p) ? -errno : 0;
}

/* SVM_PREFETCH to a location; returns the job's status (1 or -EFAULT). */
static inline int prefetch(struct ctx *c, const void *addr, uint64_t size, uint32_t flags)
{
	uint64_t mark = newest_fault(c->fd).seqno;

	igt_assert_eq(__prefetch(c, addr, size, flags), 0);
	return job_end(c, mark);
}

/* A GPU copy reading @src: the job must end without a fault. */
static inline void gpu_copy(struct ctx *c, void *dst, const void *src, uint64_t size)
{
	vsvm_emit_copy(CS(c), (uintptr_t)dst, (uintptr_t)src, size);
	igt_assert_eq(run(c), 1);
}

/*
 * A private mapping of a 2 MiB memfd (@name) filled with pattern 25, whose
 * even pages the CPU then wrote (private copies, pattern 26) and whose odd
 * pages are still the file's.  Returns the mapping, the memfd in *@mfd.
 */
static inline uint8_t *private_file_mixed(const char *name, int *mfd)
{
	uint8_t *s;
	uint64_t i;

	*mfd = memfd_create(name, 0);
	igt_assert_fd(*mfd);
	igt_assert_eq(ftruncate(*mfd, 2 * MB), 0);
	s = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_SHARED, *mfd, 0);
	igt_assert(s != MAP_FAILED);
	fill_pat(s, 0, 2 * MB, 25);
	munmap(s, 2 * MB);
	s = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE, *mfd, 0);
	igt_assert(s != MAP_FAILED);
	for (i = 0; i < 2 * MB; i += 2 * PAGE)
		fill_pat(s + i, i, PAGE, 26);
	for (i = PAGE; i < 2 * MB; i += 2 * PAGE)
		igt_assert_eq(s[i], pat(i, 25));
	return s;
}

/* A GPU copy of private_file_mixed()'s mapping @s into @out reads both patterns. */
static inline void assert_private_file_mixed(struct ctx *c, uint8_t *out, uint8_t *s)
{
	uint64_t i;

	gpu_copy(c, out, s, 2 * MB);
	for (i = 0; i < 2 * MB; i += PAGE) {
		assert_pat(out + i, i, PAGE, (i / PAGE) & 1 ? 25 : 26);
		assert_pat(s + i, i, PAGE, (i / PAGE) & 1 ? 25 : 26);
	}
}

#endif /* VSVM_SVM_OWN_JOBS */

#endif /* VSVM_SVM_IGT_H */
