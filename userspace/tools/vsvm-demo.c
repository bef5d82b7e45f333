// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm-demo: what vsvm is for, in four steps (`make demo` runs it in the
 * test VM after vsvm-info):
 *
 *  a) a GPU copy into anonymous process memory (what malloc() returns for
 *     large blocks) through a notifier-mode userptr; then munmap() of that
 *     memory while a GPU job that uses it is pending, with the
 *     invalidation's stages and their times from vsvm's trace events;
 *  b) a registration (PIN_LONGTERM userptr) counted against
 *     RLIMIT_MEMLOCK, and one past the limit refused;
 *  c) an SVM VM in which the GPU fills malloc()'ed memory through GPU
 *     faults: how many, and the chunk sizes they mapped;
 *  d) a dma-buf written by device 0 and read by device 1, whose job waits
 *     for the writer through the shared reservation (implicit sync).
 *
 * Each step says what it proves and ends "ok" or "FAILED"; the exit status
 * is the number of failed steps.  The stages need tracefs (root); without
 * it a step says so and still checks what it can.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/capability.h>

#include "libvsvm.h"

#define CMD_VA 0x10000000ull
#define CMD_SIZE (64u << 10)
#define SRC_VA 0x100000000ull
#define UP_VA 0x200000000ull
#define SEM_VA 0x300000000ull
#define X_VA 0x400000000ull
#define DST_VA 0x500000000ull
#define TRACEFS "/sys/kernel/tracing/"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Ends a step with @what failed: prints why and returns 1. */
static int failed(const char *what, int ret)
{
	printf("    FAILED: %s: %s (%s)\n\n", what, strerror(ret < 0 ? -ret : ret),
	       vsvm_last_error());
	return 1;
}

#define TRY(expr, what) do { \
	int __r = (expr); \
	if (__r < 0) \
		return failed(what, __r); \
} while (0)

static int ok(void)
{
	printf("    ok\n\n");
	return 0;
}

static int tracefs_write(const char *file, const char *val)
{
	char path[128];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), TRACEFS "%s", file);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

/* Empties the trace and enables vsvm's events; false without tracefs. */
static bool trace_on(void)
{
	return !tracefs_write("trace", "") && !tracefs_write("events/vsvm/enable", "1");
}

/* A trace line's timestamp ("... 1234.567890: vsvm_x: ..."), or -1. */
static double trace_ts(const char *line, const char *ev)
{
	const char *p = strstr(line, ev), *q;

	if (!p || p < line + 2)
		return -1;
	for (q = p - 2; q > line && q[-1] != ' '; q--)
		;
	return atof(q);
}

/* A VM of @dev with a command buffer at CMD_VA. */
static int dev_vm(struct vsvm_dev *dev, uint32_t *vm, struct vsvm_bo **cmd_bo, void **cmd)
{
	int ret = vsvm_vm_create(dev, 0, vm);

	if (!ret)
		ret = vsvm_bo_create(dev, CMD_SIZE, cmd_bo);
	if (!ret)
		ret = vsvm_bo_map(*cmd_bo, cmd);
	if (!ret)
		ret = vsvm_vm_map(dev, *vm, *cmd_bo, 0, CMD_VA, CMD_SIZE, true);
	return ret;
}

/* Runs the stream in @cs on @vm and waits up to 10 s: the job's result. */
static int run(struct vsvm_dev *dev, uint32_t vm, struct vsvm_cs *cs, uint32_t *sync_out)
{
	struct drm_vsvm_sync out = { 0 };
	int64_t len = vsvm_cs_finish(cs);
	int ret;

	if (len < 0)
		return len;
	ret = vsvm_syncobj_create(dev, &out.handle);
	if (ret)
		return ret;
	ret = vsvm_exec(dev, vm, 0, CMD_VA, len, NULL, 0, &out, 1);
	if (!ret && sync_out) {
		*sync_out = out.handle;
		return 0;
	}
	if (!ret)
		ret = vsvm_syncobj_wait(dev, out.handle, 0, 10000000000ull);
	if (!ret)
		ret = vsvm_syncobj_error(dev, out.handle);
	vsvm_syncobj_destroy(dev, out.handle);
	return ret;
}

struct release {
	volatile uint32_t *sem;
	unsigned int us;
};

static void *release_later(void *arg)
{
	struct release *r = arg;

	usleep(r->us);
	*r->sem = 1;
	return NULL;
}

/* Prints the userptr invalidation's stages from the trace. */
static void print_stages(void)
{
	static const char * const evs[] = {
		"vsvm_userptr_stage:", "vsvm_tlb_flush:", "vsvm_userptr_invalidate:",
		"vsvm_job_done:",
	};
	char line[512];
	double t0 = -1, t;
	unsigned int e;
	FILE *f = fopen(TRACEFS "trace", "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		for (e = 0; e < 4; e++) {
			t = trace_ts(line, evs[e]);
			if (t < 0)
				continue;
			if (e == 0 && t0 < 0 && strstr(line, " begin"))
				t0 = t;
			if (t0 < 0)
				break;
			line[strcspn(line, "\n")] = '\0';
			printf("      %+9.1f us  %s\n", (t - t0) * 1e6, strstr(line, evs[e]));
			break;
		}
	}
	fclose(f);
}

static int step_a(struct vsvm_dev *dev, uint32_t vm, void *cmd)
{
	const uint64_t size = 1 << 20;
	struct vsvm_bo *src, *up, *sem_bo;
	struct release rel;
	struct vsvm_cs cs;
	pthread_t thr;
	uint8_t *s, *d;
	uint32_t *sem, sync;
	bool traced;
	double t;
	uint64_t i;

	printf("[a] notifier-mode userptr: a GPU copy into process memory, then munmap\n");
	printf("    proves: the GPU writes the process's own pages, and munmap() waits for\n"
	       "    the job that uses them, then clears the GPU page table and TLB before\n"
	       "    the pages go (I1)\n");
	d = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (d == MAP_FAILED)
		return failed("mmap", errno);
	memset(d, 0, size);
	TRY(vsvm_bo_create(dev, size, &src), "GEM_CREATE");
	TRY(vsvm_bo_map(src, (void **)&s), "mmap of the source");
	for (i = 0; i < size; i++)
		s[i] = i * 7 + 3;
	TRY(vsvm_bo_create(dev, 4096, &sem_bo), "GEM_CREATE");
	TRY(vsvm_bo_map(sem_bo, (void **)&sem), "mmap of the semaphore");
	*sem = 0;
	TRY(vsvm_vm_map(dev, vm, src, 0, SRC_VA, size, true), "VM_BIND of the source");
	TRY(vsvm_vm_map(dev, vm, sem_bo, 0, SEM_VA, 4096, false), "VM_BIND of the semaphore");
	TRY(vsvm_userptr_create(dev, d, size, 0, &up), "GEM_USERPTR");
	TRY(vsvm_vm_map(dev, vm, up, 0, UP_VA, size, false), "VM_BIND of the userptr");

	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_copy(&cs, UP_VA, SRC_VA, size);
	vsvm_cs_end(&cs);
	t = now();
	TRY(run(dev, vm, &cs, NULL), "the COPY job");
	t = now() - t;
	if (memcmp(d, s, size))
		return failed("the copied bytes differ", EIO);
	printf("    GPU COPY of 1 MiB into the userptr's memory: %.1f ms, bytes verified by the CPU\n",
	       t * 1e3);

	/* A job that holds the pages: SPIN until the CPU releases it, then COPY. */
	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_spin(&cs, SEM_VA, 1);
	vsvm_cs_copy(&cs, UP_VA, SRC_VA, size);
	vsvm_cs_end(&cs);
	TRY(run(dev, vm, &cs, &sync), "the SPIN + COPY job");
	traced = trace_on();
	rel = (struct release){ .sem = sem, .us = 100000 };
	if (pthread_create(&thr, NULL, release_later, &rel))
		return failed("pthread_create", EAGAIN);
	t = now();
	munmap(d, size);
	t = now() - t;
	pthread_join(thr, NULL);
	tracefs_write("events/vsvm/enable", "0");
	TRY(vsvm_syncobj_wait(dev, sync, 0, 10000000000ull), "waiting for the job");
	TRY(vsvm_syncobj_error(dev, sync), "the job");
	vsvm_syncobj_destroy(dev, sync);
	printf("    munmap() while a job that uses the pages spins (released after 100 ms):\n"
	       "    %.1f ms; it returned only after the job\n", t * 1e3);
	if (t < 0.09)
		return failed("munmap() did not wait for the job", EINVAL);
	if (traced) {
		printf("    the invalidation's stages (trace events, from its start):\n");
		print_stages();
	} else {
		printf("    (no tracefs here: the stages need root)\n");
	}
	TRY(vsvm_vm_unmap(dev, vm, UP_VA, size), "VM_BIND UNMAP of the userptr");
	TRY(vsvm_vm_unmap(dev, vm, SRC_VA, size), "VM_BIND UNMAP");
	TRY(vsvm_vm_unmap(dev, vm, SEM_VA, 4096), "VM_BIND UNMAP");
	vsvm_bo_destroy(up);
	vsvm_bo_destroy(src);
	vsvm_bo_destroy(sem_bo);
	return ok();
}

/* The process's VmPin (kB), or -1. */
static long vm_pin_kb(void)
{
	char line[128];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			kb = atol(line + 6);
	fclose(f);
	return kb;
}

/* Drops CAP_IPC_LOCK, which would let the process pin past its limit. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].effective &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	d[CAP_TO_INDEX(CAP_IPC_LOCK)].permitted &= ~CAP_TO_MASK(CAP_IPC_LOCK);
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Step b in a child process (its own limit and capabilities). */
static int step_b_child(void)
{
	const struct rlimit lim = { 1 << 20, 1 << 20 };
	struct vsvm_bo *a, *b;
	struct vsvm_dev *dev;
	long before, pinned;
	void *p, *q;
	int ret;

	TRY(drop_ipc_lock(), "dropping CAP_IPC_LOCK");
	if (setrlimit(RLIMIT_MEMLOCK, &lim))
		return failed("setrlimit(RLIMIT_MEMLOCK)", errno);
	TRY(vsvm_dev_open(0, true, &dev), "opening device 0");
	p = mmap(NULL, 512 << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	q = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED || q == MAP_FAILED)
		return failed("mmap", errno);
	memset(p, 1, 512 << 10);
	memset(q, 1, 1 << 20);
	before = vm_pin_kb();
	TRY(vsvm_userptr_create(dev, p, 512 << 10, DRM_VSVM_USERPTR_PIN_LONGTERM, &a),
	    "registering 512 KiB");
	pinned = vm_pin_kb();
	printf("    RLIMIT_MEMLOCK 1 MiB, no CAP_IPC_LOCK: registered 512 KiB, VmPin %ld -> %ld kB\n",
	       before, pinned);
	if (pinned - before != 512)
		return failed("VmPin did not count the registration", EINVAL);
	ret = vsvm_userptr_create(dev, q, 1 << 20, DRM_VSVM_USERPTR_PIN_LONGTERM, &b);
	printf("    registering 1 MiB more (1.5 MiB > the limit): %s\n",
	       ret ? strerror(-ret) : "accepted");
	if (ret != -ENOMEM)
		return failed("the registration past the limit was not refused with ENOMEM",
			      ret ? ret : EINVAL);
	vsvm_bo_destroy(a);
	printf("    after closing the first: VmPin %ld kB\n", vm_pin_kb());
	if (vm_pin_kb() != before)
		return failed("closing did not give the pages back", EINVAL);
	vsvm_dev_close(dev);
	return 0;
}

static int step_b(void)
{
	pid_t pid;
	int st;

	printf("[b] registration (PIN_LONGTERM userptr) against RLIMIT_MEMLOCK\n");
	printf("    proves: long-term pins are charged to the process like mlock()\n"
	       "    (VmPin) and refused past the limit; closing the object uncharges them\n");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return failed("fork", errno);
	if (!pid) {
		fflush(stdout);
		_exit(step_b_child());
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return failed("the child process", ECHILD);
	return WEXITSTATUS(st) ? 1 : ok();
}

/* An fdinfo value of @dev's file, or -1. */
static long long fdinfo(struct vsvm_dev *dev, const char *key)
{
	char path[64], line[256];
	long long v = -1;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", vsvm_dev_fd(dev));
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = atoll(line + klen + 1);
	fclose(f);
	return v;
}

static int step_c(struct vsvm_dev *dev)
{
	const uint64_t size = 8 << 20;
	unsigned long long sizes[3] = { 2 << 20, 64 << 10, 4 << 10 };
	unsigned long n[3] = { 0 }, other = 0;
	long long faults0, faults;
	char line[512], want[64];
	uint32_t vm, *buf, *cmd;
	struct vsvm_cs cs;
	uint64_t *uf, i;
	bool traced;
	unsigned int k;
	double t;
	FILE *f;

	printf("[c] SVM: the GPU fills malloc()'ed memory through GPU faults\n");
	printf("    proves: an SVM VM mirrors the process; the GPU's first touch faults,\n"
	       "    the driver maps the chunk from the CPU's page tables (hmm_range_fault)\n"
	       "    and the job goes on, with no bind and no pin\n");
	buf = malloc(size);
	cmd = malloc(4096);
	if (!buf || !cmd)
		return failed("malloc", ENOMEM);
	memset(buf, 0, size);
	memset(cmd, 0, 4096);
	TRY(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &vm), "VM_CREATE with SVM");
	faults0 = fdinfo(dev, "vsvm-svm-pagefaults");
	uf = (uint64_t *)(cmd + 512);
	*uf = 0;
	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_fill(&cs, (uintptr_t)buf, 0xc0ffee00, size);
	vsvm_cs_end(&cs);
	traced = trace_on();
	t = now();
	TRY(vsvm_exec_ufence(dev, vm, 0, (uintptr_t)cmd, vsvm_cs_finish(&cs), NULL, 0, uf, 1),
	    "EXEC on the SVM VM");
	TRY(vsvm_wait_user_fence(dev, uf, DRM_VSVM_UFENCE_OP_EQ, 1, ~0ull, 20000000000ll),
	    "waiting for the user fence");
	t = now() - t;
	tracefs_write("events/vsvm/enable", "0");
	for (i = 0; i < size / 4; i++)
		if (buf[i] != 0xc0ffee00)
			return failed("the GPU's FILL is not in the memory", EIO);
	faults = fdinfo(dev, "vsvm-svm-pagefaults") - faults0;
	printf("    GPU FILL of 8 MiB of malloc()'ed memory at %p: %.1f ms, verified by the CPU\n",
	       (void *)buf, t * 1e3);
	printf("    GPU faults (fdinfo vsvm-svm-pagefaults): %lld\n", faults);
	if (faults < 1)
		return failed("no GPU fault was counted", EINVAL);
	f = traced ? fopen(TRACEFS "trace", "r") : NULL;
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			char *c = strstr(line, "vsvm_svm_fault_end:");

			if (!c || !strstr(c, " ret=0 ") || !(c = strstr(c, "chunk=")))
				continue;
			c = strchr(c, '+');
			for (k = 0; c && k < 3; k++)
				if (strtoull(c + 1, NULL, 16) == sizes[k])
					break;
			if (k < 3)
				n[k]++;
			else
				other++;
		}
		fclose(f);
		snprintf(want, sizeof(want), "%lu x 2 MiB, %lu x 64 KiB, %lu x 4 KiB", n[0], n[1],
			 n[2]);
		printf("    chunks mapped (vsvm_svm_fault_end events): %s\n"
		       "    (the command stream's page included; 2 MiB chunks where an aligned\n"
		       "    2 MiB window lies inside the VMA)\n", want);
	} else {
		printf("    (no tracefs here: the chunk sizes need root)\n");
	}
	TRY(vsvm_vm_destroy(dev, vm), "VM_DESTROY");
	free(buf);
	free(cmd);
	return ok();
}

static int step_d(struct vsvm_dev *dev0, uint32_t vm0, void *cmd0)
{
	const uint64_t size = 1 << 20;
	struct vsvm_bo *x, *imported, *sem_bo, *dst, *cmd1_bo;
	struct vsvm_dev *dev1;
	uint32_t vm1, s0, s1, *sem;
	void *cmd1;
	uint8_t *d;
	struct vsvm_cs cs;
	double t;
	uint64_t i;
	int fd, ret;

	printf("[d] dma-buf: device 0 writes a buffer that device 1 reads, implicit sync\n");
	printf("    proves: the importer's job waits for the exporter's pending write\n"
	       "    through the shared reservation, with no explicit fence, and reads\n"
	       "    the written data (I9)\n");
	if (vsvm_dev_open(1, true, &dev1)) {
		printf("    (no second vsvm device: nothing to show)\n    ok\n\n");
		return 0;
	}
	TRY(dev_vm(dev1, &vm1, &cmd1_bo, &cmd1), "device 1's VM");
	TRY(vsvm_bo_create(dev0, size, &x), "GEM_CREATE");
	TRY(vsvm_bo_create(dev0, 4096, &sem_bo), "GEM_CREATE");
	TRY(vsvm_bo_map(sem_bo, (void **)&sem), "mmap of the semaphore");
	*sem = 0;
	TRY(vsvm_bo_create(dev1, size, &dst), "GEM_CREATE on device 1");
	TRY(vsvm_bo_map(dst, (void **)&d), "mmap on device 1");
	memset(d, 0, size);
	TRY(vsvm_vm_map(dev0, vm0, x, 0, X_VA, size, false), "VM_BIND on device 0");
	TRY(vsvm_vm_map(dev0, vm0, sem_bo, 0, SEM_VA, 4096, false), "VM_BIND on device 0");
	TRY(vsvm_bo_export(x, &fd), "PRIME export");
	TRY(vsvm_bo_import(dev1, fd, &imported), "PRIME import on device 1");
	close(fd);
	TRY(vsvm_vm_map(dev1, vm1, imported, 0, X_VA, size, true), "VM_BIND on device 1");
	TRY(vsvm_vm_map(dev1, vm1, dst, 0, DST_VA, size, false), "VM_BIND on device 1");

	/* Device 0: SPIN until released, then FILL X.  Device 1: COPY X out. */
	vsvm_cs_init(&cs, cmd0, 256);
	vsvm_cs_spin(&cs, SEM_VA, 1);
	vsvm_cs_fill(&cs, X_VA, 0x5eed5eed, size);
	vsvm_cs_end(&cs);
	TRY(run(dev0, vm0, &cs, &s0), "device 0's job");
	vsvm_cs_init(&cs, cmd1, 256);
	vsvm_cs_copy(&cs, DST_VA, X_VA, size);
	vsvm_cs_end(&cs);
	TRY(run(dev1, vm1, &cs, &s1), "device 1's job");
	ret = vsvm_syncobj_wait(dev1, s1, 0, 200000000ull);
	printf("    device 1's COPY, 200 ms after submission, device 0's FILL held: %s\n",
	       ret == -ETIME ? "still waiting" : "done (wrong!)");
	if (ret != -ETIME)
		return failed("device 1's job did not wait for the writer", EINVAL);
	t = now();
	*sem = 1;
	TRY(vsvm_syncobj_wait(dev1, s1, 0, 10000000000ull), "waiting for device 1's job");
	t = now() - t;
	TRY(vsvm_syncobj_error(dev1, s1), "device 1's job");
	TRY(vsvm_syncobj_wait(dev0, s0, 0, 10000000000ull), "waiting for device 0's job");
	for (i = 0; i < size; i += 4)
		if (*(uint32_t *)(d + i) != 0x5eed5eed)
			return failed("device 1 did not read device 0's data", EIO);
	printf("    released device 0's job: device 1's COPY ended %.1f ms later and read\n"
	       "    device 0's FILL (1 MiB verified)\n", t * 1e3);
	vsvm_syncobj_destroy(dev0, s0);
	vsvm_syncobj_destroy(dev1, s1);
	vsvm_vm_unmap(dev1, vm1, X_VA, size);
	vsvm_vm_unmap(dev1, vm1, DST_VA, size);
	vsvm_vm_unmap(dev0, vm0, X_VA, size);
	vsvm_vm_unmap(dev0, vm0, SEM_VA, 4096);
	vsvm_bo_destroy(imported);
	vsvm_bo_destroy(dst);
	vsvm_bo_destroy(x);
	vsvm_bo_destroy(sem_bo);
	vsvm_vm_destroy(dev1, vm1);
	vsvm_bo_destroy(cmd1_bo);
	vsvm_dev_close(dev1);
	return ok();
}

int main(int argc, char **argv)
{
	struct vsvm_bo *cmd_bo;
	struct vsvm_dev *dev;
	int failures = 0;
	uint32_t vm;
	double t = now();
	void *cmd;

	if (argc > 1) {
		printf("usage: vsvm-demo\nRuns the four steps of vsvm-demo on vsvm devices 0 and 1.\n");
		return strcmp(argv[1], "-h") && strcmp(argv[1], "--help") ? 2 : 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (vsvm_dev_open(0, true, &dev) || dev_vm(dev, &vm, &cmd_bo, &cmd)) {
		printf("vsvm-demo: device 0: %s\n", vsvm_last_error());
		return 1;
	}
	printf("vsvm-demo: what vsvm is for, in four steps\n\n");
	failures += step_a(dev, vm, cmd);
	failures += step_b();
	failures += step_c(dev);
	failures += step_d(dev, vm, cmd);
	printf("vsvm-demo: %d of 4 steps ok in %.1f s\n", 4 - failures, now() - t);
	vsvm_vm_destroy(dev, vm);
	vsvm_bo_destroy(cmd_bo);
	vsvm_dev_close(dev);
	return failures;
}
