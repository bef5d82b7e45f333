// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm-bench: figures, not pass/fail.  `make bench` runs it in the test VM.
 *
 *   vsvm-bench [--json] [--progress] [MiB] [NAME...]
 *   vsvm-bench --list [--json]
 *
 * Runs the benchmarks of benches[] (all, or those named, in the table's
 * order) on vsvm device 0; MiB sizes P1 and FILL (default 256).  Text lines
 * go to stdout, line-buffered; with --json, stdout carries one JSON object
 * per line and per figure instead (see figure()), and the text goes to
 * stderr.  A benchmark is one function taking the shared &struct bench_ctx
 * and one line in benches[].  See vsvm-bench(1).
 *
 * P1: engine COPY of 256 MiB between two objects, on one queue and split
 *     over all queues, against CPU memcpy of the same size in the same guest.
 *     Goals: >= 0.9x memcpy on one queue, >= 1.5x with all queues.  The
 *     parts of one VM run one after the other: each job waits for the VM's
 *     earlier jobs through the objects it maps (implicit sync, EXEC's
 *     rule).  So, beside it (no goal), the same COPY split over all queues
 *     with a VM and a destination object per queue, which run at once.
 * FILL: engine FILL of 256 MiB of an object against CPU memset of the same
 *     memory in the same guest.  Goal: >= 0.8x memset.
 * P2: EXEC of a NOP plus a wait on its out-syncobj, round trip (mean and
 *     median), against a vgem fence attach -> signal -> wait round trip in
 *     one thread: the ratio of the means, then of the medians, which a
 *     busy emulator host disturbs less.  Goal: <= 3x.  Beside it, the ratio to the same vgem round
 *     trip with the signal from another thread (two wake-ups of a sleeping
 *     thread; vsvm's NOP, which an idle engine runs in run_job, needs the
 *     scheduler's worker and the waiter's, both on the submitting CPU).
 *     Then, on one line, the round trip stage by
 *     stage, from the driver's tracepoints (with tracefs): the ioctl up to
 *     the job's submission, the scheduler's dependency check and hand-off
 *     to run_job, the job's start (in run_job, or the engine thread's
 *     wake-up), the run, and the signal up to the waiter's return.
 *     "vsvm-bench <MiB> p2" runs P2 alone, on
 *     every CPU and then with CPU 1 offline (no wake-up crosses CPUs).
 *     "vsvm-bench p2-profile" (only when named) times P2's kernel
 *     functions with function_graph on CPU 0 alone: the two ioctls and
 *     drm_sched's two work items, then their parts (docs/internals.rst,
 *     "P2, stage by stage", has the figures and what they mean).
 * B1: VM_BIND MAP + UNMAP of 64 KiB, synchronous, against the same two ops
 *     in one asynchronous VM_BIND plus a wait on its out-syncobj (no goal:
 *     what queuing a bind costs).
 * P3: userptr create + first VM_BIND of resident anonymous memory, 4 KiB to
 *     1 GiB, in notifier and in registration (PIN_LONGTERM) mode, against
 *     ibv_reg_mr() + ibv_dereg_mr()'s registration alone on the first rxe
 *     (soft-RoCE) device, where there is one.  Goal: >= 2x rxe's MiB/s.
 * P4: munmap of a 1 GiB range bound to an idle GPU mapping, against munmap
 *     of the same range unbound.  Goal: <= 1.5x.
 * D1: COPY of 64 MiB from a buffer shared through a dma-buf by the other
 *     vsvm device, against the same COPY on the exporting device: the ratio
 *     should approach 1.
 * D2: PRIME import + first VM_BIND (which maps the attachment) of 4 KiB to
 *     256 MiB buffers exported by the other vsvm device.
 * P5: GPU first touch (FILL) of 256 MiB of resident anonymous memory through
 *     an SVM VM, by fault with 2 MiB, 64 KiB and 4 KiB chunks and after a
 *     prefetch, with the fault stages; against the CPU's first read of the
 *     same memory, and a notifier-mode userptr of it (create, bind, FILL):
 *     one object, three modes.  (256 MiB rather than 1 GiB keeps the
 *     emulated test VM's run short.)
 * P6: what one operation costs beside N = 1, 1,000 and 10,000 other bound
 *     4 KiB userptrs of the process, private to the VM (uapi 1.9), as
 *     ratios against N = 1: munmap and mprotect of one more bound userptr
 *     (goal ~1x), EXEC of one STORE (goal <= 2x), the process's exit (goal
 *     < 1 s at 10,000), and the kernel's slab growth per userptr; the same
 *     at N = 1 and 10,000 with ordinary userptrs, each with a reservation
 *     of its own that EXEC locks (no goal: the shape before private
 *     objects); and munmap of a range under 1,000 bound 4 KiB userptrs,
 *     against the same munmap with their entries never written (goal <=
 *     2x).
 * F1: fault service: SVM first touch of 256 MiB of fresh memory by one GPU
 *     FILL in 2 MiB chunks (faults resolved by the fault queue) against the
 *     CPU's first-touch write of the same size, with the mean time of each
 *     stage of a fault.  Goal: >= 0.5x the CPU's rate.
 * P7: isolation of invalidations between processes: process B's munmap of
 *     its idle, populated 64 MiB userptr, 50 ms after process A (same
 *     device, its own file) started to munmap its own userptr that a
 *     1-second job is using, against B's munmap alone.  Goal: <= 1.5x.
 * U1: unplug latency: the sysfs unbind of the last vsvm device with a file
 *     open and 0, 10 and 100 jobs in flight (a SPIN and the rest queued
 *     behind it); the device is bound again after each.  No goal.
 * K1: the display's composer: the time to compose a 1920x1080 frame of
 *     three full-frame XRGB8888 planes (plane alphas 1, 1/2, 1/4), with and
 *     without its CRC, timed in the kernel around the composer alone
 *     (debugfs compose_bench), against the same blend and CRC on the CPU
 *     in the same guest, whose CRC must be the kernel's (the composer's
 *     documented arithmetic and byte layout), and against a plain 8-bit
 *     blend.  Then the vblank period over 10 s at 60 Hz on vsvm device 0's
 *     CRTC: the drift of the vblank timestamps from the mode's period, the
 *     longest gap between two vblanks, and how long after its vblank the
 *     waiter woke.  No goals.
 * V1: device memory (uapi 1.9): GPU faults on 32 MiB of resident memory
 *     whose preferred location is the device, each 2 MiB fault moving its
 *     chunk to VRAM: the mean time per fault, with its migration and copy,
 *     against a CPU memcpy of 2 MiB; then SVM_PREFETCH of 256 MiB to VRAM
 *     and back to system memory, in GiB/s, against memcpy of 256 MiB.  No
 *     goal.  Without device memory (no CONFIG_DEVICE_PRIVATE) it prints
 *     "skipped: no CONFIG_DEVICE_PRIVATE".
 */

#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vgem_uapi.h"
#include <xf86drm.h>
#include <xf86drmMode.h>
#ifdef HAVE_IBVERBS
#include <infiniband/verbs.h>
#endif

#include "libvsvm.h"

#define SRC_VA 0x100000000ull
#define DST_VA 0x200000000ull
#define CMD_VA 0x10000000ull
#define CMD_SIZE (64u << 10)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

#define CHECK(expr) do { \
	if ((expr) < 0) { \
		fprintf(stderr, "vsvm-bench: %s: %s\n", #expr, vsvm_last_error()); \
		exit(1); \
	} \
} while (0)

/* With --json: where the figures go (stdout), and the text goes to stderr. */
static FILE *json_out;
/* The benchmark running now, for figure()'s "bench" key. */
static const char *cur_bench = "";

/* A figure's goal: none, value >= goal, value <= goal. */
enum goal { GOAL_NONE, GOAL_GE, GOAL_LE };

/* Prints @s as a JSON string. */
static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

/*
 * One figure of the running benchmark, for --json (the text lines are
 * printed by the benchmark itself):
 *   {"bench": "p1", "figure": "...", "value": 1.2, "unit": "x",
 *    "goal": ">= 0.9", "met": true}
 * with "goal" and "met" null when the figure has no goal.
 */
static void figure(const char *name, double value, const char *unit, enum goal op,
		   double goal)
{
	if (!json_out)
		return;
	fputs("{\"bench\": ", json_out);
	json_str(json_out, cur_bench);
	fputs(", \"figure\": ", json_out);
	json_str(json_out, name);
	/* JSON has no NaN or infinity. */
	if (value == value && value < 1e300 && value > -1e300)
		fprintf(json_out, ", \"value\": %.6g, \"unit\": ", value);
	else
		fputs(", \"value\": null, \"unit\": ", json_out);
	json_str(json_out, unit);
	if (op == GOAL_NONE)
		fputs(", \"goal\": null, \"met\": null}\n", json_out);
	else
		fprintf(json_out, ", \"goal\": \"%s %g\", \"met\": %s}\n",
			op == GOAL_GE ? ">=" : "<=", goal,
			(op == GOAL_GE ? value >= goal : value <= goal) ? "true" : "false");
	fflush(json_out);
}

/* Runs @n jobs (one per queue, each copying a slice) and waits for all. */
static double engine_copy(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd,
			  uint64_t size, uint32_t n)
{
	uint32_t syncs[8], q;
	double t0;

	for (q = 0; q < n; q++) {
		struct vsvm_cs cs;
		uint64_t slice = size / n, off = q * slice;

		vsvm_cs_init(&cs, cmd + q * 256, 256);
		vsvm_cs_copy(&cs, DST_VA + off, SRC_VA + off, q == n - 1 ? size - off : slice);
		vsvm_cs_end(&cs);
		CHECK(vsvm_cs_finish(&cs));
		CHECK(vsvm_syncobj_create(dev, &syncs[q]));
	}
	t0 = now();
	for (q = 0; q < n; q++) {
		struct drm_vsvm_sync out = { .handle = syncs[q] };

		CHECK(vsvm_exec(dev, vm, q, CMD_VA + q * 256, 256, NULL, 0, &out, 1));
	}
	for (q = 0; q < n; q++) {
		CHECK(vsvm_syncobj_wait(dev, syncs[q], 0, 60000000000ull));
		CHECK(vsvm_syncobj_error(dev, syncs[q]));
	}
	t0 = now() - t0;
	for (q = 0; q < n; q++)
		vsvm_syncobj_destroy(dev, syncs[q]);
	return t0;
}

static uint32_t dev_vm(struct vsvm_dev *dev, struct vsvm_bo **cmd_bo, uint8_t **cmd);

/*
 * P1's COPY of @src split over @n queues, each part in a VM of its own with
 * its own resident destination object (@src mapped read-only in each), so
 * that no job waits for another.  Seconds from the first EXEC to the last
 * wait; the copies are checked.
 */
static double engine_copy_vm_each(struct vsvm_dev *dev, struct vsvm_bo *src, uint64_t size,
				  uint32_t n)
{
	struct vsvm_bo *cmd_bo[8], *dst[8];
	uint32_t vm[8], syncs[8], q;
	/*
	 * Whole pages, as VM_BIND maps only those: @size is MiBs, so each
	 * slice has at least a page, and the last one takes the rest.
	 */
	uint64_t slice = (size / n) & ~4095ull, i;
	uint8_t *cmd[8], *d[8];
	double t0;

	for (q = 0; q < n; q++) {
		uint64_t len = q == n - 1 ? size - q * slice : slice;
		struct vsvm_cs cs;

		vm[q] = dev_vm(dev, &cmd_bo[q], &cmd[q]);
		CHECK(vsvm_bo_create(dev, len, &dst[q]));
		CHECK(vsvm_bo_map(dst[q], (void **)&d[q]));
		memset(d[q], 0, len);
		CHECK(vsvm_vm_map(dev, vm[q], src, 0, SRC_VA, size, true));
		CHECK(vsvm_vm_map(dev, vm[q], dst[q], 0, DST_VA, len, false));
		vsvm_cs_init(&cs, cmd[q], 256);
		vsvm_cs_copy(&cs, DST_VA, SRC_VA + q * slice, len);
		vsvm_cs_end(&cs);
		CHECK(vsvm_cs_finish(&cs));
		CHECK(vsvm_syncobj_create(dev, &syncs[q]));
	}
	t0 = now();
	for (q = 0; q < n; q++) {
		struct drm_vsvm_sync out = { .handle = syncs[q] };

		CHECK(vsvm_exec(dev, vm[q], q, CMD_VA, 256, NULL, 0, &out, 1));
	}
	for (q = 0; q < n; q++) {
		CHECK(vsvm_syncobj_wait(dev, syncs[q], 0, 60000000000ull));
		CHECK(vsvm_syncobj_error(dev, syncs[q]));
	}
	t0 = now() - t0;
	for (q = 0; q < n; q++) {
		uint64_t len = q == n - 1 ? size - q * slice : slice;

		for (i = 0; i < len; i += 4096)
			if (d[q][i] != (uint8_t)((q * slice + i) >> 12)) {
				fprintf(stderr, "vsvm-bench: P1 copy wrong in VM %u at %#llx\n", q,
					(unsigned long long)i);
				exit(1);
			}
		vsvm_syncobj_destroy(dev, syncs[q]);
		vsvm_vm_destroy(dev, vm[q]);
		vsvm_bo_destroy(dst[q]);
		vsvm_bo_destroy(cmd_bo[q]);
	}
	return t0;
}

static void p1(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint64_t size,
	       uint32_t queues)
{
	struct vsvm_bo *src, *dst;
	uint8_t *s, *d;
	double cpu, one, all, each;
	uint64_t i;

	CHECK(vsvm_bo_create(dev, size, &src));
	CHECK(vsvm_bo_create(dev, size, &dst));
	CHECK(vsvm_bo_map(src, (void **)&s));
	CHECK(vsvm_bo_map(dst, (void **)&d));
	for (i = 0; i < size; i += 4096)
		s[i] = i >> 12;
	memset(d, 0, size);
	CHECK(vsvm_vm_map(dev, vm, src, 0, SRC_VA, size, true));
	CHECK(vsvm_vm_map(dev, vm, dst, 0, DST_VA, size, false));

	cpu = now();
	memcpy(d, s, size);
	cpu = now() - cpu;
	memset(d, 0, size);

	one = engine_copy(dev, vm, cmd, size, 1);
	for (i = 0; i < size; i += 4096)
		if (d[i] != (uint8_t)(i >> 12)) {
			fprintf(stderr, "vsvm-bench: P1 copy wrong at %#llx\n", (unsigned long long)i);
			exit(1);
		}
	all = engine_copy(dev, vm, cmd, size, queues);
	each = engine_copy_vm_each(dev, src, size, queues);

	printf("P1 copy %llu MiB: cpu memcpy %.1f ms (%.2f GB/s)\n",
	       (unsigned long long)size >> 20, cpu * 1e3, size / cpu / 1e9);
	printf("P1   engine, 1 queue:  %.1f ms (%.2f GB/s), %.2fx memcpy (goal >= 0.9x)\n",
	       one * 1e3, size / one / 1e9, cpu / one);
	printf("P1   engine, %u queues: %.1f ms (%.2f GB/s), %.2fx memcpy (goal >= 1.5x)\n",
	       queues, all * 1e3, size / all / 1e9, cpu / all);
	printf("P1   engine, %u queues, a VM each: %.1f ms (%.2f GB/s), %.2fx memcpy (no goal: one VM's parts wait for each other, these not)\n",
	       queues, each * 1e3, size / each / 1e9, cpu / each);
	figure("memcpy", size / cpu / 1e9, "GB/s", GOAL_NONE, 0);
	figure("engine_1_queue_vs_memcpy", cpu / one, "x", GOAL_GE, 0.9);
	figure("engine_all_queues_vs_memcpy", cpu / all, "x", GOAL_GE, 1.5);
	figure("engine_all_queues_vm_each_vs_memcpy", cpu / each, "x", GOAL_NONE, 0);

	CHECK(vsvm_vm_unmap(dev, vm, SRC_VA, size));
	CHECK(vsvm_vm_unmap(dev, vm, DST_VA, size));
	vsvm_bo_destroy(src);
	vsvm_bo_destroy(dst);
}

static double fill_once(struct vsvm_dev *dev, uint32_t vm, uint32_t *cmd, uint64_t cmd_va,
			void *p, uint64_t gpu_va, uint64_t size);

/* FILL: the engine's FILL of @size against CPU memset of the same pages. */
static void fill_bench(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint64_t size)
{
	double cpu = 1e9, eng = 1e9, t;
	struct vsvm_bo *bo;
	uint64_t i;
	uint8_t *d;
	int r;

	CHECK(vsvm_bo_create(dev, size, &bo));
	CHECK(vsvm_bo_map(bo, (void **)&d));
	memset(d, 0, size);
	CHECK(vsvm_vm_map(dev, vm, bo, 0, DST_VA, size, false));
	/* Best of 3 each, both on resident pages. */
	for (r = 0; r < 3; r++) {
		t = now();
		memset(d, 0x5a, size);
		t = now() - t;
		cpu = t < cpu ? t : cpu;
		t = fill_once(dev, vm, (uint32_t *)cmd, CMD_VA, NULL, DST_VA + 1, size - 1);
		eng = t < eng ? t : eng;
	}
	/* The pattern 0x5a5a5a5a from byte 1 on: byte 0 is CPU's. */
	for (i = 1; i < size; i += 4093)
		if (d[i] != 0x5a) {
			fprintf(stderr, "vsvm-bench: FILL wrong at %#llx\n", (unsigned long long)i);
			exit(1);
		}
	printf("FILL %llu MiB (best of 3): cpu memset %.1f ms (%.2f GB/s), engine FILL %.1f ms (%.2f GB/s): %.2fx memset (goal >= 0.8x)\n",
	       (unsigned long long)size >> 20, cpu * 1e3, size / cpu / 1e9,
	       eng * 1e3, (size - 1) / eng / 1e9, cpu / eng);
	figure("engine_fill_vs_memset", cpu / eng, "x", GOAL_GE, 0.8);
	CHECK(vsvm_vm_unmap(dev, vm, DST_VA, size));
	vsvm_bo_destroy(bo);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of @n values (sorts them). */
static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* Opens the first vgem device, or returns -1. */
static int open_vgem(void)
{
	char path[32];
	int i, fd;

	for (i = 0; i < 16; i++) {
		drmVersionPtr v;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		if (v && !strcmp(v->name, "vgem")) {
			drmFreeVersion(v);
			return fd;
		}
		drmFreeVersion(v);
		close(fd);
	}
	return -1;
}

/* vgem's signaller thread: signals each fence whose id it reads. */
static void *vgem_signaller(void *arg)
{
	int *io = arg;
	struct drm_vgem_fence_signal sig = { 0 };

	while (read(io[0], &sig.fence, sizeof(sig.fence)) == sizeof(sig.fence))
		if (drmIoctl(io[2], DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig))
			break;
	return NULL;
}

/*
 * vgem fence attach -> signal -> wait (POLLOUT on the dma-buf), mean and
 * median per round trip.  @cross: the signal comes from another thread,
 * woken through a pipe: two cross-thread wake-ups per round trip (the
 * signaller's and the waiter's), as against none when one thread does all.
 */
static int vgem_round_trip(int iters, bool cross, double *mean, double *med)
{
	struct drm_mode_create_dumb dumb = { .width = 1024, .height = 1, .bpp = 32 };
	int fd = open_vgem(), dmabuf, i, ret = -1, io[3] = { -1, -1, fd };
	double t0, *each = calloc(iters, sizeof(*each));
	pthread_t thr;

	if (fd < 0 || !each) {
		free(each);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb) ||
	    drmPrimeHandleToFD(fd, dumb.handle, DRM_CLOEXEC, &dmabuf)) {
		free(each);
		close(fd);
		return -1;
	}
	if (cross && (pipe(io) || pthread_create(&thr, NULL, vgem_signaller, io)))
		goto out;
	*mean = now();
	for (i = 0; i < iters; i++) {
		struct drm_vgem_fence_attach attach = { .handle = dumb.handle,
							.flags = VGEM_FENCE_WRITE };
		struct drm_vgem_fence_signal sig;
		struct pollfd pfd = { .fd = dmabuf, .events = POLLOUT };

		t0 = now();
		if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_ATTACH, &attach))
			goto out_thread;
		sig = (struct drm_vgem_fence_signal){ .fence = attach.out_fence };
		if (cross) {
			if (write(io[1], &sig.fence, sizeof(sig.fence)) != sizeof(sig.fence))
				goto out_thread;
		} else if (drmIoctl(fd, DRM_IOCTL_VGEM_FENCE_SIGNAL, &sig)) {
			goto out_thread;
		}
		/* POLLOUT: every fence of the buffer has signalled. */
		if (poll(&pfd, 1, 10000) != 1)
			goto out_thread;
		each[i] = now() - t0;
	}
	*mean = (now() - *mean) / iters;
	*med = median(each, iters);
	ret = 0;
out_thread:
	if (cross) {
		close(io[1]);
		pthread_join(thr, NULL);
		close(io[0]);
	}
out:
	free(each);
	close(dmabuf);
	close(fd);
	return ret;
}

#define TRACEFS "/sys/kernel/tracing/"
#define P2_MAX 64

static int tracefs_write(const char *file, const char *val)
{
	FILE *f = fopen(file, "w");
	int ret;

	if (!f)
		return -1;
	ret = fputs(val, f) < 0 ? -1 : 0;
	return fclose(f) ? -1 : ret;
}

/* The seqno of a job's "queue=0 seqno=N" or "fence=C:N" trace line. */
static long long trace_seqno(const char *line)
{
	const char *p = strstr(line, "fence=");

	if (p) {
		p = strchr(p, ':');
		return p ? atoll(p + 1) : -1;
	}
	p = strstr(line, "seqno=");
	return p ? atoll(p + 6) : -1;
}

/*
 * P2 stage by stage: the job's tracepoints, on the CLOCK_MONOTONIC trace
 * clock, between the user's timestamps around the ioctl and the wait.
 */
static void p2_stages(struct vsvm_dev *dev, uint32_t vm, int iters)
{
	/* A job the EXEC ioctl runs itself: its direct event is run_job and start. */
	static const char * const ev[] = { "vsvm_job_submit:", "vsvm_job_run:",
					   "vsvm_job_exec:", "vsvm_job_done:",
					   "vsvm_job_direct:" };
	double user0[P2_MAX], user1[P2_MAX], t[P2_MAX][4], sum[6] = { 0 };
	long long seq[P2_MAX];
	char line[512];
	int i, e, n = 0, found = 0;
	FILE *f;

	if (iters > P2_MAX)
		iters = P2_MAX;
	if (tracefs_write(TRACEFS "trace_clock", "mono") ||
	    tracefs_write(TRACEFS "trace", "") ||
	    tracefs_write(TRACEFS "events/vsvm/enable", "1")) {
		printf("P2 stages: no tracefs with vsvm's events\n");
		return;
	}
	for (i = 0; i < iters; i++) {
		struct drm_vsvm_sync out = { 0 };

		CHECK(vsvm_syncobj_create(dev, &out.handle));
		user0[i] = now();
		CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 4, NULL, 0, &out, 1));
		CHECK(vsvm_syncobj_wait(dev, out.handle, 0, 10000000000ull));
		user1[i] = now();
		vsvm_syncobj_destroy(dev, out.handle);
	}
	tracefs_write(TRACEFS "events/vsvm/enable", "0");

	/* The i-th submit is the i-th EXEC; the other events follow its seqno. */
	f = fopen(TRACEFS "trace", "r");
	if (!f) {
		printf("P2 stages: trace unreadable\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		for (e = 0; e < 5; e++) {
			char *p = strstr(line, ev[e]), *ts;
			long long sq;

			if (!p || p < line + 2)
				continue;
			/* "... 1234.567890: vsvm_job_x: ..." */
			*(p - 2) = 0;
			ts = strrchr(line, ' ');
			*(p - 2) = ':';
			sq = trace_seqno(p);
			if (!ts || sq < 0)
				break;
			if (e == 0 && n < iters) {
				seq[n] = sq;
				t[n][0] = atof(ts + 1);
				t[n][1] = t[n][2] = t[n][3] = -1;
				n++;
				break;
			}
			for (i = n - 1; i >= 0; i--)
				if (seq[i] == sq) {
					if (e == 4)
						t[i][1] = t[i][2] = atof(ts + 1);
					else
						t[i][e] = atof(ts + 1);
					break;
				}
			break;
		}
	}
	fclose(f);
	tracefs_write(TRACEFS "trace_clock", "local");

	for (i = 0; i < n; i++) {
		if (t[i][1] < 0 || t[i][2] < 0 || t[i][3] < 0)
			continue;
		sum[0] += t[i][0] - user0[i];
		sum[1] += t[i][1] - t[i][0];
		sum[2] += t[i][2] - t[i][1];
		sum[3] += t[i][3] - t[i][2];
		sum[4] += user1[i] - t[i][3];
		sum[5] += user1[i] - user0[i];
		found++;
	}
	if (!found) {
		printf("P2 stages: no complete job in the trace\n");
		return;
	}
	for (e = 0; e < 6; e++)
		sum[e] = sum[e] / found * 1e6;
	printf("P2 stages (us, means of %d NOP jobs, tracing on): ioctl->submit %.1f, ->run_job %.1f, ->engine start %.1f, run %.1f, signal->waiter %.1f; round trip %.1f\n",
	       found, sum[0], sum[1], sum[2], sum[3], sum[4], sum[5]);
}

static void p2(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, int iters, const char *what)
{
	double vsvm, ioctl_s, med, vgem = -1, vgem_med, cross = -1, cross_med, *each;
	struct vsvm_cs cs;
	uint32_t s;
	int i;

	each = calloc(iters, sizeof(*each));
	if (!each)
		exit(1);
	vsvm_cs_init(&cs, cmd, 4);
	vsvm_cs_nop(&cs);
	CHECK(vsvm_cs_finish(&cs));
	CHECK(vsvm_syncobj_create(dev, &s));
	vsvm = now();
	ioctl_s = 0;
	for (i = 0; i < iters; i++) {
		struct drm_vsvm_sync out = { .handle = s };
		double t0 = now();

		CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 4, NULL, 0, &out, 1));
		ioctl_s += now() - t0;
		CHECK(vsvm_syncobj_wait(dev, s, 0, 10000000000ull));
		each[i] = now() - t0;
	}
	vsvm = (now() - vsvm) / iters;
	ioctl_s /= iters;
	med = median(each, iters);
	free(each);
	vsvm_syncobj_destroy(dev, s);

	if (vgem_round_trip(iters, false, &vgem, &vgem_med) ||
	    vgem_round_trip(iters, true, &cross, &cross_med))
		vgem = -1;
	printf("P2%s round trip over %d: vsvm EXEC NOP + wait %.1f us (median %.1f, the EXEC ioctl %.1f us)",
	       what, iters, vsvm * 1e6, med * 1e6, ioctl_s * 1e6);
	if (vgem > 0)
		printf(", vgem attach/signal/wait %.1f us (median %.1f): %.2fx, medians %.2fx (goal <= 3x); vgem signalled from another thread %.1f us (median %.1f): %.2fx\n",
		       vgem * 1e6, vgem_med * 1e6, vsvm / vgem, med / vgem_med,
		       cross * 1e6, cross_med * 1e6, vsvm / cross);
	else
		printf(", vgem not available: no ratio\n");
	figure("exec_nop_round_trip", vsvm * 1e6, "us", GOAL_NONE, 0);
	if (vgem > 0)
		figure("exec_round_trip_vs_vgem", vsvm / vgem, "x", GOAL_LE, 3);
	p2_stages(dev, vm, 50);
}

#define CPU1_ONLINE "/sys/devices/system/cpu/cpu1/online"

/*
 * "vsvm-bench <MiB> p2": P2 alone, on every CPU and then, where CPU 1 can
 * go offline, on CPU 0 alone, which tells the cost of the wake-ups between
 * (virtual) CPUs from the rest.
 */
static void p2_only(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd)
{
	p2(dev, vm, cmd, 200, "");
	if (tracefs_write(CPU1_ONLINE, "0")) {
		printf("P2 on one CPU: CPU 1 cannot go offline\n");
		return;
	}
	p2(dev, vm, cmd, 200, " (CPU 1 offline)");
	if (tracefs_write(CPU1_ONLINE, "1"))
		printf("P2: CPU 1 did not come back online\n");
}

/*
 * The functions "vsvm-bench p2-profile" times, in two passes, each
 * printed in this order (those the kernel does not have, inlined or
 * renamed, are skipped).  The first pass times the stages, few calls per
 * round trip: the two ioctls and drm_sched's two work items.  The second
 * times the parts, none nested in another but try_to_wake_up() (in
 * drm_sched_entity_push_job()).  drm_dev_enter(), which does next to
 * nothing, measures the tracer's own time per traced call.
 */
static const char * const p2_prof_stages[] = {
	"drm_ioctl", "vsvm_ioctl_exec_enter", "drm_syncobj_timeline_wait_ioctl",
	"drm_sched_run_job_work", "drm_sched_free_job_work", "drm_dev_enter", NULL,
};

static const char * const p2_prof_parts[] = {
	"vsvm_vm_lookup", "vsvm_hw_fence_alloc", "vsvm_out_syncs_prepare",
	"vsvm_vm_wait_unmaps", "drm_sched_job_init", "vsvm_job_add_in_syncs",
	"vsvm_svm_check_mm", "vsvm_vm_userptr_prepare", "drm_exec_init", "vsvm_vm_lock_objects",
	"vsvm_vm_import_commit_locked", "drm_sched_job_arm", "dma_resv_add_fence",
	"drm_sched_entity_push_job", "try_to_wake_up", "drm_exec_fini",
	"vsvm_out_syncs_signal", "vsvm_out_syncs_release", "drm_sched_entity_pop_job",
	"vsvm_run_job", "vsvm_free_job", "drm_syncobj_array_find",
	"drm_syncobj_array_wait_timeout", "drm_syncobj_array_free", "drm_dev_enter", NULL,
};

#define P2_PROF_MAX 32

/* Appends @val to tracefs file @file (set_ftrace_filter takes one per write). */
static int tracefs_append(const char *file, const char *val)
{
	int fd = open(file, O_WRONLY | O_APPEND), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, val, strlen(val)) == (ssize_t)strlen(val) ? 0 : -1;
	close(fd);
	return ret;
}

/*
 * One line of function_graph output with funcgraph-tail: "  0)   1.234 us
 * |  name();" or "  0) + 12.345 us   |  } /\* name *\/": adds its duration
 * to its function's total.
 */
static void p2_prof_line(const char *line, const char * const *funcs, double *us,
			 unsigned int *calls)
{
	const char *bar = strchr(line, '|'), *p, *name;
	char fn[128];
	double d;
	size_t len;
	unsigned int i;

	if (!bar)
		return;
	p = strstr(line, " us ");
	if (!p || p > bar)
		return;
	/* The duration: the number before " us", after any +!#*@$ mark. */
	while (p > line && p[-1] != ' ')
		p--;
	d = atof(p);
	name = bar + 1;
	while (*name == ' ' || *name == '}' || *name == '/' || *name == '*')
		name++;
	len = strcspn(name, "( */\n");
	if (!len || len >= sizeof(fn))
		return;
	memcpy(fn, name, len);
	fn[len] = 0;
	for (i = 0; funcs[i]; i++)
		if (!strcmp(fn, funcs[i])) {
			us[i] += d;
			calls[i]++;
			return;
		}
}

/*
 * One pass of p2_profile(): @iters round trips with function_graph on
 * @funcs only, then each function's calls per round trip, mean duration
 * and time per round trip.
 */
static void p2_profile_pass(struct vsvm_dev *dev, uint32_t vm, int iters,
			    const char * const *funcs, const char *what)
{
	double us[P2_PROF_MAX] = { 0 }, t0, total;
	unsigned int calls[P2_PROF_MAX] = { 0 }, i, set = 0;
	char line[512];
	uint32_t s;
	FILE *f;

	tracefs_write(TRACEFS "current_tracer", "nop");
	tracefs_write(TRACEFS "set_ftrace_filter", "");
	for (i = 0; funcs[i] && i < P2_PROF_MAX; i++)
		set += !tracefs_append(TRACEFS "set_ftrace_filter", funcs[i]);
	tracefs_write(TRACEFS "trace", "");
	tracefs_write(TRACEFS "tracing_on", "1");
	if (!set || tracefs_write(TRACEFS "current_tracer", "function_graph")) {
		printf("P2 profile: no function_graph tracer\n");
		return;
	}
	CHECK(vsvm_syncobj_create(dev, &s));
	t0 = now();
	for (i = 0; i < (unsigned int)iters; i++) {
		struct drm_vsvm_sync out = { .handle = s };

		CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 4, NULL, 0, &out, 1));
		CHECK(vsvm_syncobj_wait(dev, s, 0, 10000000000ull));
	}
	total = (now() - t0) / iters * 1e6;
	tracefs_write(TRACEFS "tracing_on", "0");
	vsvm_syncobj_destroy(dev, s);
	f = fopen(TRACEFS "trace", "r");
	if (f) {
		while (fgets(line, sizeof(line), f))
			p2_prof_line(line, funcs, us, calls);
		fclose(f);
	}
	printf("P2 profile, %s (CPU 0 alone, function_graph on %u functions, %d round trips of %.1f us): calls per round trip, us per call, us per round trip\n",
	       what, set, iters, total);
	for (i = 0; funcs[i] && i < P2_PROF_MAX; i++)
		if (calls[i])
			printf("  %-36s %5.2f %8.2f %8.2f\n", funcs[i],
			       (double)calls[i] / iters, us[i] / calls[i], us[i] / iters);
	tracefs_write(TRACEFS "current_tracer", "nop");
}

/*
 * "vsvm-bench p2-profile": where P2's round trip goes, with the kernel's
 * function_graph tracer limited to a few functions (so that it patches
 * those only), on CPU 0 alone: code is patched while no other CPU runs it.
 * Each traced call costs the tracer's own time too (drm_dev_enter()'s
 * figure), which its callers' durations include.
 */
static void p2_profile(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, int iters)
{
	struct vsvm_cs cs;
	char line[128];
	FILE *f;

	vsvm_cs_init(&cs, cmd, 4);
	vsvm_cs_nop(&cs);
	CHECK(vsvm_cs_finish(&cs));
	if (tracefs_write(CPU1_ONLINE, "0")) {
		printf("P2 profile: CPU 1 cannot go offline: not patching code on a live CPU\n");
		return;
	}
	if (tracefs_write(TRACEFS "current_tracer", "nop") ||
	    tracefs_write(TRACEFS "set_ftrace_filter", "")) {
		printf("P2 profile: no function tracer\n");
		goto out_cpu;
	}
	f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "r");
	if (f) {
		if (fgets(line, sizeof(line), f))
			printf("P2 profile: clocksource %s", line);
		fclose(f);
	}
	tracefs_write(TRACEFS "options/funcgraph-tail", "1");
	tracefs_write(TRACEFS "options/funcgraph-irqs", "0");
	tracefs_write(TRACEFS "buffer_size_kb", "8192");
	p2_profile_pass(dev, vm, iters, p2_prof_stages, "stages");
	p2_profile_pass(dev, vm, iters, p2_prof_parts, "parts");
	tracefs_write(TRACEFS "tracing_on", "1");
	tracefs_write(TRACEFS "set_ftrace_filter", "");
	tracefs_write(TRACEFS "buffer_size_kb", "1408");
out_cpu:
	if (tracefs_write(CPU1_ONLINE, "1"))
		printf("P2 profile: CPU 1 did not come back online\n");
}

#define BIND_VA 0x600000000ull

static void b1(struct vsvm_dev *dev, uint32_t vm, int iters)
{
	struct drm_vsvm_vm_bind_op ops[2] = {
		{ .op = DRM_VSVM_BIND_OP_MAP, .addr = BIND_VA, .range = 64 << 10 },
		{ .op = DRM_VSVM_BIND_OP_UNMAP, .addr = BIND_VA, .range = 64 << 10 },
	};
	struct drm_vsvm_sync out = { 0 };
	double sync_s, async_s;
	struct vsvm_bo *bo;
	int i;

	CHECK(vsvm_bo_create(dev, 64 << 10, &bo));
	ops[0].handle = vsvm_bo_handle(bo);
	CHECK(vsvm_syncobj_create(dev, &out.handle));
	sync_s = now();
	for (i = 0; i < iters; i++)
		CHECK(vsvm_vm_bind(dev, vm, ops, 2, 0, NULL, 0, NULL, 0, NULL));
	sync_s = (now() - sync_s) / iters;
	async_s = now();
	for (i = 0; i < iters; i++) {
		CHECK(vsvm_vm_bind(dev, vm, ops, 2, DRM_VSVM_VM_BIND_ASYNC, NULL, 0, &out, 1,
				   NULL));
		CHECK(vsvm_syncobj_wait(dev, out.handle, 0, 10000000000ull));
	}
	async_s = (now() - async_s) / iters;
	printf("B1 VM_BIND MAP + UNMAP of 64 KiB over %d: synchronous %.1f us, "
	       "asynchronous + wait %.1f us\n", iters, sync_s * 1e6, async_s * 1e6);
	figure("bind_sync", sync_s * 1e6, "us", GOAL_NONE, 0);
	figure("bind_async_wait", async_s * 1e6, "us", GOAL_NONE, 0);
	vsvm_syncobj_destroy(dev, out.handle);
	vsvm_bo_destroy(bo);
}

#define UP_VA 0x300000000ull

/* Resident anonymous memory of @size bytes. */
static void *anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED) {
		perror("vsvm-bench: mmap");
		exit(1);
	}
	return p;
}

/* Seconds to create a userptr of [@p, +@size) and bind it the first time. */
static double userptr_bind(struct vsvm_dev *dev, uint32_t vm, void *p, uint64_t size,
			   uint32_t flags, struct vsvm_bo **out)
{
	double t0 = now();

	CHECK(vsvm_userptr_create(dev, p, size, flags, out));
	CHECK(vsvm_vm_map(dev, vm, *out, 0, UP_VA, size, false));
	return now() - t0;
}

#ifdef HAVE_IBVERBS
/* A protection domain on the first rxe device, or NULL. */
static struct ibv_pd *rxe_pd(void)
{
	struct ibv_device **list = ibv_get_device_list(NULL);
	struct ibv_context *ctx = NULL;
	int i;

	for (i = 0; list && list[i] && !ctx; i++)
		if (!strncmp(ibv_get_device_name(list[i]), "rxe", 3))
			ctx = ibv_open_device(list[i]);
	if (list)
		ibv_free_device_list(list);
	return ctx ? ibv_alloc_pd(ctx) : NULL;
}

/* Seconds for ibv_reg_mr() of [@p, +@size), or -1. */
static double rxe_reg(struct ibv_pd *pd, void *p, uint64_t size)
{
	struct ibv_mr *mr;
	double t0 = now();

	mr = ibv_reg_mr(pd, p, size, IBV_ACCESS_LOCAL_WRITE | IBV_ACCESS_REMOTE_WRITE);
	t0 = now() - t0;
	if (!mr)
		return -1;
	ibv_dereg_mr(mr);
	return t0;
}
#endif

/* P3's figures for @size: the three times in @t (rxe's < 0 when there is none). */
static void p3_figures(uint64_t size, const double *t)
{
	char name[64];

	snprintf(name, sizeof(name), "notifier_%llu_KiB", (unsigned long long)size >> 10);
	figure(name, size / t[0] / 1048576, "MiB/s", GOAL_NONE, 0);
	snprintf(name, sizeof(name), "registration_%llu_KiB", (unsigned long long)size >> 10);
	figure(name, size / t[1] / 1048576, "MiB/s", GOAL_NONE, 0);
	if (t[2] > 0) {
		snprintf(name, sizeof(name), "registration_vs_rxe_%llu_KiB",
			 (unsigned long long)size >> 10);
		figure(name, t[2] / t[1], "x", GOAL_GE, 2);
	}
}

static void p3(struct vsvm_dev *dev, uint32_t vm, uint64_t max)
{
	static const uint32_t modes[] = { 0, DRM_VSVM_USERPTR_PIN_LONGTERM };
	void *pd = NULL;
	uint64_t size;
	unsigned int m;

#ifdef HAVE_IBVERBS
	pd = rxe_pd();
#endif
	printf("P3 userptr create + first bind (resident anonymous memory), vs ibv_reg_mr on rxe\n");
	printf("P3 (medians of 7 runs up to 16 MiB, of 3 above):\n");
	printf("P3   %10s %22s %22s %22s %8s\n", "size", "notifier", "registration",
	       "rxe ibv_reg_mr", "reg/rxe");
	for (size = 4096; size <= max; size *= 16) {
		/* The median of several runs: single runs under TCG are noisy. */
		unsigned int r, runs = size <= (16u << 20) ? 7 : 3;
		double t[3] = { 0, 0, -1 }, v[3][7];

		for (r = 0; r < runs; r++) {
			for (m = 0; m < 2; m++) {
				struct vsvm_bo *bo;
				void *p = anon(size);

				v[m][r] = userptr_bind(dev, vm, p, size, modes[m], &bo);
				CHECK(vsvm_vm_unmap(dev, vm, UP_VA, size));
				vsvm_bo_destroy(bo);
				munmap(p, size);
			}
			v[2][r] = -1;
#ifdef HAVE_IBVERBS
			if (pd) {
				void *p = anon(size);

				v[2][r] = rxe_reg(pd, p, size);
				munmap(p, size);
			}
#endif
		}
		for (m = 0; m < 3; m++)
			t[m] = median(v[m], runs);
		printf("P3   %7llu KiB %9.1f us %7.0f MiB/s %9.1f us %7.0f MiB/s",
		       (unsigned long long)size >> 10, t[0] * 1e6, size / t[0] / 1048576,
		       t[1] * 1e6, size / t[1] / 1048576);
		if (t[2] > 0)
			printf(" %9.1f us %7.0f MiB/s %7.2fx\n", t[2] * 1e6,
			       size / t[2] / 1048576, t[2] / t[1]);
		else
			printf(" %22s %8s\n", "-", "-");
		p3_figures(size, t);
		if (size < max && size * 16 > max)
			size = max / 16;
	}
	if (!pd)
		printf("P3   no rxe device (or no libibverbs at build time): no reference\n");
	else
		printf("P3   goal: registration >= 2x rxe's MiB/s (reg/rxe column)\n");
}

static void p4(struct vsvm_dev *dev, uint32_t vm, uint64_t size)
{
	double bound[3], unbound[3], b, u;
	struct vsvm_bo *bo;
	unsigned int r;
	void *p;

	for (r = 0; r < 3; r++) {
		p = anon(size);
		unbound[r] = now();
		munmap(p, size);
		unbound[r] = now() - unbound[r];

		p = anon(size);
		userptr_bind(dev, vm, p, size, 0, &bo);
		bound[r] = now();
		munmap(p, size);
		bound[r] = now() - bound[r];
		/* The invalidation took the pages: the mapping stays, with none. */
		CHECK(vsvm_vm_unmap(dev, vm, UP_VA, size));
		vsvm_bo_destroy(bo);
	}
	u = median(unbound, 3);
	b = median(bound, 3);
	printf("P4 munmap of %llu MiB (medians of 3): unbound %.1f ms, bound to an idle GPU mapping %.1f ms: %.2fx (goal <= 1.5x)\n",
	       (unsigned long long)size >> 20, u * 1e3, b * 1e3, b / u);
	figure("munmap_bound_vs_unbound", b / u, "x", GOAL_LE, 1.5);
}

#define SHARED_VA 0x400000000ull
#define LOCAL_VA 0x500000000ull

/* Seconds for one COPY of @size from SHARED_VA to LOCAL_VA in @vm. */
static double copy_once(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint64_t size)
{
	struct drm_vsvm_sync out;
	struct vsvm_cs cs;
	uint32_t s;
	double t0;

	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_copy(&cs, LOCAL_VA, SHARED_VA, size);
	vsvm_cs_end(&cs);
	CHECK(vsvm_cs_finish(&cs));
	CHECK(vsvm_syncobj_create(dev, &s));
	out = (struct drm_vsvm_sync){ .handle = s };
	t0 = now();
	CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 256, NULL, 0, &out, 1));
	CHECK(vsvm_syncobj_wait(dev, s, 0, 60000000000ull));
	CHECK(vsvm_syncobj_error(dev, s));
	t0 = now() - t0;
	vsvm_syncobj_destroy(dev, s);
	return t0;
}

/* A VM of @dev with a command buffer, for the cross-device figures. */
static uint32_t dev_vm(struct vsvm_dev *dev, struct vsvm_bo **cmd_bo, uint8_t **cmd)
{
	uint32_t vm;

	CHECK(vsvm_vm_create(dev, 0, &vm));
	CHECK(vsvm_bo_create(dev, CMD_SIZE, cmd_bo));
	CHECK(vsvm_bo_map(*cmd_bo, (void **)cmd));
	CHECK(vsvm_vm_map(dev, vm, *cmd_bo, 0, CMD_VA, CMD_SIZE, true));
	return vm;
}

static void d1_d2(struct vsvm_dev *dev0, uint32_t vm0, uint8_t *cmd0)
{
	uint64_t size = 64ull << 20, s2;
	struct vsvm_bo *shared, *local0, *local1, *imported, *cmd1_bo;
	double same[3], cross[3];
	struct vsvm_dev *dev1;
	char name[64];
	uint8_t *cmd1, *p;
	uint32_t vm1;
	unsigned int r;
	int fd;

	if (vsvm_dev_open(1, true, &dev1)) {
		printf("D1/D2: no second vsvm device\n");
		return;
	}
	vm1 = dev_vm(dev1, &cmd1_bo, &cmd1);
	CHECK(vsvm_bo_create(dev0, size, &shared));
	CHECK(vsvm_bo_map(shared, (void **)&p));
	memset(p, 0x5a, size);
	CHECK(vsvm_bo_create(dev0, size, &local0));
	CHECK(vsvm_bo_create(dev1, size, &local1));
	CHECK(vsvm_vm_map(dev0, vm0, shared, 0, SHARED_VA, size, true));
	CHECK(vsvm_vm_map(dev0, vm0, local0, 0, LOCAL_VA, size, false));
	CHECK(vsvm_bo_export(shared, &fd));
	CHECK(vsvm_bo_import(dev1, fd, &imported));
	close(fd);
	CHECK(vsvm_vm_map(dev1, vm1, imported, 0, SHARED_VA, size, true));
	CHECK(vsvm_vm_map(dev1, vm1, local1, 0, LOCAL_VA, size, false));
	for (r = 0; r < 3; r++) {
		same[r] = copy_once(dev0, vm0, cmd0, size);
		cross[r] = copy_once(dev1, vm1, cmd1, size);
	}
	printf("D1 copy %llu MiB (medians of 3): same device %.1f ms, from the other device's dma-buf %.1f ms: %.2fx (should approach 1)\n",
	       (unsigned long long)size >> 20, median(same, 3) * 1e3, median(cross, 3) * 1e3,
	       median(cross, 3) / median(same, 3));
	figure("d1_copy_dmabuf_vs_same_device", median(cross, 3) / median(same, 3), "x",
	       GOAL_NONE, 0);
	CHECK(vsvm_vm_unmap(dev0, vm0, SHARED_VA, size));
	CHECK(vsvm_vm_unmap(dev0, vm0, LOCAL_VA, size));
	CHECK(vsvm_vm_unmap(dev1, vm1, SHARED_VA, size));
	CHECK(vsvm_vm_unmap(dev1, vm1, LOCAL_VA, size));
	vsvm_bo_destroy(imported);
	vsvm_bo_destroy(local1);
	vsvm_bo_destroy(local0);
	vsvm_bo_destroy(shared);

	printf("D2 PRIME import + first bind of the other device's buffer (medians of 5):\n");
	for (s2 = 4096; s2 <= (256ull << 20); s2 *= 16) {
		double t[5];

		for (r = 0; r < 5; r++) {
			CHECK(vsvm_bo_create(dev0, s2, &shared));
			CHECK(vsvm_bo_map(shared, (void **)&p));
			memset(p, 1, s2);
			CHECK(vsvm_bo_export(shared, &fd));
			t[r] = now();
			CHECK(vsvm_bo_import(dev1, fd, &imported));
			CHECK(vsvm_vm_map(dev1, vm1, imported, 0, SHARED_VA, s2, true));
			t[r] = now() - t[r];
			close(fd);
			CHECK(vsvm_vm_unmap(dev1, vm1, SHARED_VA, s2));
			vsvm_bo_destroy(imported);
			vsvm_bo_destroy(shared);
		}
		printf("D2   %9llu KiB %9.1f us\n", (unsigned long long)s2 >> 10,
		       median(t, 5) * 1e6);
		snprintf(name, sizeof(name), "d2_import_bind_%llu_KiB",
			 (unsigned long long)s2 >> 10);
		figure(name, median(t, 5) * 1e6, "us", GOAL_NONE, 0);
		if (s2 < (256ull << 20) && s2 * 16 > (256ull << 20))
			s2 = (256ull << 20) / 16;
	}
	vsvm_vm_destroy(dev1, vm1);
	vsvm_bo_destroy(cmd1_bo);
	vsvm_dev_close(dev1);
}

/* The debugfs directory of vsvm device 0, or NULL. */
static const char *vsvm0_debugfs(void)
{
	static char dir[64];
	char path[96], buf[256];
	int i;

	for (i = 0; i < 16; i++) {
		FILE *f;

		snprintf(dir, sizeof(dir), "/sys/kernel/debug/dri/%d", i);
		snprintf(path, sizeof(path), "%s/name", dir);
		f = fopen(path, "r");
		if (!f)
			continue;
		buf[0] = 0;
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = 0;
		fclose(f);
		if (strstr(buf, "vsvm") && strstr(buf, "vsvm.0"))
			return dir;
	}
	return NULL;
}

static void debugfs_write(const char *dir, const char *file, const char *val)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "w");
	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/* A "key: value" of the first SVM VM in debugfs vsvm_svm, or -1. */
static long long svm_stat(const char *dir, const char *key)
{
	char path[128], line[128];
	long long v = -1;
	size_t klen = strlen(key);
	FILE *f;

	snprintf(path, sizeof(path), "%s/vsvm_svm", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			v = atoll(line + klen + 1);
			break;
		}
	fclose(f);
	return v;
}

/* Runs FILL over [@p, +@size) on @vm, its command stream at @cmd. */
static double fill_once(struct vsvm_dev *dev, uint32_t vm, uint32_t *cmd, uint64_t cmd_va,
			void *p, uint64_t gpu_va, uint64_t size)
{
	struct drm_vsvm_sync out;
	struct vsvm_cs cs;
	uint32_t s;
	double t0;

	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_fill(&cs, gpu_va, 0x5a5a5a5a, size);
	vsvm_cs_end(&cs);
	CHECK(vsvm_cs_finish(&cs));
	CHECK(vsvm_syncobj_create(dev, &s));
	out = (struct drm_vsvm_sync){ .handle = s };
	t0 = now();
	if (p == (void *)(uintptr_t)gpu_va) {
		/* An SVM VM: long-running mode, a user fence (after the stream). */
		uint64_t *uf = (uint64_t *)(cmd + 64);

		*uf = 0;
		CHECK(vsvm_exec_ufence(dev, vm, 0, cmd_va, 256, NULL, 0, uf, 1));
		CHECK(vsvm_wait_user_fence(dev, uf, DRM_VSVM_UFENCE_OP_EQ, 1, ~0ull,
					   120000000000ll));
		t0 = now() - t0;
		vsvm_syncobj_destroy(dev, s);
		return t0;
	}
	CHECK(vsvm_exec(dev, vm, 0, cmd_va, 256, NULL, 0, &out, 1));
	CHECK(vsvm_syncobj_wait(dev, s, 0, 120000000000ull));
	CHECK(vsvm_syncobj_error(dev, s));
	t0 = now() - t0;
	vsvm_syncobj_destroy(dev, s);
	return t0;
}

static void p5(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint64_t size)
{
	static const char * const caps[] = { "2097152", "65536", "4096" };
	static const char * const names[] = { "2 MiB", "64 KiB", "4 KiB" };
	const char *dir = vsvm0_debugfs();
	volatile uint8_t *cpu;
	char name[64];
	struct vsvm_bo *up;
	double t, tp;
	uint32_t svm;
	uint64_t i, sum = 0;
	unsigned int k;
	void *buf;

	if (!dir) {
		printf("P5: no debugfs for vsvm device 0\n");
		return;
	}
	printf("P5 GPU first touch (FILL) of %llu MiB of resident anonymous memory:\n",
	       (unsigned long long)size >> 20);
	for (k = 0; k < 3; k++) {
		uint32_t *svm_cmd = anon(4096);

		debugfs_write(dir, "svm_chunk", caps[k]);
		CHECK(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &svm));
		buf = anon(size);
		t = fill_once(dev, svm, svm_cmd, (uintptr_t)svm_cmd, buf, (uintptr_t)buf, size);
		printf("P5   SVM fault, %6s chunks: %8.1f ms %6.2f GiB/s, %lld faults, %.1f us per fault (get pages %.1f, bind %.1f)\n",
		       names[k], t * 1e3, size / t / (1 << 30), svm_stat(dir, "svm_pagefault_count"),
		       (double)svm_stat(dir, "svm_pagefault_us") /
		       (svm_stat(dir, "svm_pagefault_count") ?: 1),
		       (double)svm_stat(dir, "svm_get_pages_us") /
		       (svm_stat(dir, "svm_pagefault_count") ?: 1),
		       (double)svm_stat(dir, "svm_bind_us") /
		       (svm_stat(dir, "svm_pagefault_count") ?: 1));
		snprintf(name, sizeof(name), "svm_fault_fill_%s_chunks", caps[k]);
		figure(name, size / t / (1 << 30), "GiB/s", GOAL_NONE, 0);
		CHECK(vsvm_vm_destroy(dev, svm));
		munmap(buf, size);
		munmap(svm_cmd, 4096);
	}
	debugfs_write(dir, "svm_chunk", "0");

	/* Prefetch, then the same FILL. */
	{
		uint32_t *svm_cmd = anon(4096);
		uint64_t *uf = (uint64_t *)(svm_cmd + 64);

		CHECK(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &svm));
		buf = anon(size);

		*uf = 0;
		tp = now();
		CHECK(vsvm_svm_prefetch(dev, svm, 0, buf, size, NULL, 0));
		CHECK(vsvm_svm_prefetch(dev, svm, 0, svm_cmd, 4096, uf, 1));
		CHECK(vsvm_wait_user_fence(dev, uf, DRM_VSVM_UFENCE_OP_EQ, 1, ~0ull,
					   120000000000ll));
		tp = now() - tp;
		t = fill_once(dev, svm, svm_cmd, (uintptr_t)svm_cmd, buf, (uintptr_t)buf, size);
		printf("P5   SVM prefetch %8.1f ms, then FILL %8.1f ms %6.2f GiB/s, %lld faults\n",
		       tp * 1e3, t * 1e3, size / t / (1 << 30), svm_stat(dir, "svm_pagefault_count"));
		figure("svm_prefetch", tp * 1e3, "ms", GOAL_NONE, 0);
		figure("svm_fill_after_prefetch", size / t / (1 << 30), "GiB/s", GOAL_NONE, 0);
		CHECK(vsvm_vm_destroy(dev, svm));
		munmap(buf, size);
		munmap(svm_cmd, 4096);
	}

	/* The CPU's first read, and a notifier-mode userptr of the memory. */
	cpu = anon(size);
	t = now();
	for (i = 0; i < size; i += 4096)
		sum += cpu[i];
	t = now() - t;
	printf("P5   CPU first read: %.1f ms %.2f GiB/s (sum %llu)\n", t * 1e3,
	       size / t / (1 << 30), (unsigned long long)sum);
	figure("cpu_first_read", size / t / (1 << 30), "GiB/s", GOAL_NONE, 0);
	tp = now();
	CHECK(vsvm_userptr_create(dev, (void *)cpu, size, 0, &up));
	CHECK(vsvm_vm_map(dev, vm, up, 0, UP_VA, size, false));
	tp = now() - tp;
	t = fill_once(dev, vm, (uint32_t *)cmd, CMD_VA, (void *)cpu, UP_VA, size);
	printf("P5   notifier userptr: create + bind %.1f ms, then FILL %.1f ms %.2f GiB/s\n",
	       tp * 1e3, t * 1e3, size / t / (1 << 30));
	figure("userptr_create_bind", tp * 1e3, "ms", GOAL_NONE, 0);
	figure("userptr_fill", size / t / (1 << 30), "GiB/s", GOAL_NONE, 0);
	CHECK(vsvm_vm_unmap(dev, vm, UP_VA, size));
	vsvm_bo_destroy(up);
	munmap((void *)cpu, size);
}

/* P6: what one operation costs beside N unrelated bound userptrs. */
#define P6_VA 0x1000000000ull	/* the N userptrs, 4 KiB each */
#define P6_X_VA 0x800000000ull	/* the one more */
#define P6_RUNS 5
#define P6_RANGE 1000u		/* userptrs under the range munmap */

/* What a P6 child measured, in a MAP_SHARED page. */
struct p6_res {
	double munmap, mprotect, exec, exit_t0;
	long slab_kib;
};

/* The kernel's slab total, in KiB (/proc/meminfo). */
static long p6_slab_kib(void)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &v) == 1)
			break;
	if (f)
		fclose(f);
	return v;
}

/* Populated private 4 KiB pages, without THP (so munmap splits nothing). */
static uint8_t *p6_pages(unsigned int n)
{
	uint8_t *p = anon((uint64_t)n << 12);

	madvise(p, (size_t)n << 12, MADV_NOHUGEPAGE);
	return p;
}

/* EXEC of one STORE to @va, waited for: seconds. */
static double p6_store(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint64_t va)
{
	struct drm_vsvm_sync out;
	struct vsvm_cs cs;
	uint32_t s;
	double t;

	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_store32(&cs, va, 1);
	vsvm_cs_end(&cs);
	CHECK(vsvm_cs_finish(&cs));
	CHECK(vsvm_syncobj_create(dev, &s));
	out = (struct drm_vsvm_sync){ .handle = s };
	t = now();
	CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 256, NULL, 0, &out, 1));
	CHECK(vsvm_syncobj_wait(dev, s, 0, 60000000000ull));
	t = now() - t;
	CHECK(vsvm_syncobj_error(dev, s));
	vsvm_syncobj_destroy(dev, s);
	return t;
}

/*
 * @n userptrs of 4 KiB over @p, bound at @va on: with @exec, synchronously
 * and then used by a job; else asynchronously (pinned, and no entry is
 * written until an EXEC).  With @priv, private to @vm.  Returns the
 * objects (libvsvm's, to destroy), in an array of @n the caller frees.
 */
static struct vsvm_bo **p6_bind(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, uint8_t *p,
				unsigned int n, uint64_t va, bool exec, bool priv)
{
	struct vsvm_bo **ups = calloc(n, sizeof(*ups));
	struct drm_vsvm_vm_bind_op op;
	unsigned int i;

	if (!ups) {
		fprintf(stderr, "vsvm-bench: P6: out of memory\n");
		exit(1);
	}
	for (i = 0; i < n; i++) {
		if (priv)
			CHECK(vsvm_userptr_create_private(dev, vm, p + ((size_t)i << 12), 4096, 0,
							  &ups[i]));
		else
			CHECK(vsvm_userptr_create(dev, p + ((size_t)i << 12), 4096, 0, &ups[i]));
		op = (struct drm_vsvm_vm_bind_op){
			.op = DRM_VSVM_BIND_OP_MAP, .handle = vsvm_bo_handle(ups[i]),
			.addr = va + ((uint64_t)i << 12), .range = 4096,
		};
		CHECK(vsvm_vm_bind(dev, vm, &op, 1, exec ? 0 : DRM_VSVM_VM_BIND_ASYNC,
				   NULL, 0, NULL, 0, NULL));
	}
	if (exec)
		p6_store(dev, vm, cmd, va);	/* uses every userptr */
	return ups;
}

/* One more bound userptr: seconds to munmap it, or to mprotect it read-only. */
static double p6_one(struct vsvm_dev *dev, uint32_t vm, uint8_t *cmd, bool prot)
{
	uint8_t *x = p6_pages(1);
	struct vsvm_bo *up;
	double t;

	CHECK(vsvm_userptr_create(dev, x, 4096, 0, &up));
	CHECK(vsvm_vm_map(dev, vm, up, 0, P6_X_VA, 4096, false));
	p6_store(dev, vm, cmd, P6_X_VA);
	t = now();
	if (prot)
		mprotect(x, 4096, PROT_READ);
	else
		munmap(x, 4096);
	t = now() - t;
	if (prot)
		munmap(x, 4096);
	CHECK(vsvm_vm_unmap(dev, vm, P6_X_VA, 4096));
	vsvm_bo_destroy(up);
	return t;
}

/*
 * A process with @n bound userptrs (private to the VM with @priv)
 * measures, then exits without cleaning up.
 */
static void p6_child(unsigned int n, bool priv, struct p6_res *res)
{
	double mu[P6_RUNS], mp[P6_RUNS], ex[P6_RUNS];
	struct vsvm_bo *cmd_bo;
	struct vsvm_dev *dev;
	uint8_t *cmd, *p;
	unsigned int r;
	uint32_t vm;
	long slab;

	CHECK(vsvm_dev_open(0, true, &dev));
	vm = dev_vm(dev, &cmd_bo, &cmd);
	p = p6_pages(n);
	slab = p6_slab_kib();
	p6_bind(dev, vm, cmd, p, n, P6_VA, true, priv);	/* kept until the exit */
	res->slab_kib = p6_slab_kib() - slab;
	for (r = 0; r < P6_RUNS; r++) {
		mu[r] = p6_one(dev, vm, cmd, false);
		mp[r] = p6_one(dev, vm, cmd, true);
		ex[r] = p6_store(dev, vm, cmd, P6_VA);
	}
	res->munmap = median(mu, P6_RUNS);
	res->mprotect = median(mp, P6_RUNS);
	res->exec = median(ex, P6_RUNS);
	res->exit_t0 = now();
	exit(0);
}

/* Seconds to munmap a range under %P6_RANGE bound userptrs, entries written or not. */
static double p6_range(bool written)
{
	struct vsvm_bo *cmd_bo, **ups;
	struct vsvm_dev *dev;
	uint8_t *cmd, *p;
	unsigned int i;
	uint32_t vm;
	double t;

	CHECK(vsvm_dev_open(0, true, &dev));
	vm = dev_vm(dev, &cmd_bo, &cmd);
	p = p6_pages(P6_RANGE);
	ups = p6_bind(dev, vm, cmd, p, P6_RANGE, P6_VA, written, false);
	t = now();
	munmap(p, (size_t)P6_RANGE << 12);
	t = now() - t;
	vsvm_vm_destroy(dev, vm);
	for (i = 0; i < P6_RANGE; i++)
		vsvm_bo_destroy(ups[i]);
	free(ups);
	vsvm_bo_destroy(cmd_bo);
	vsvm_dev_close(dev);
	return t;
}

/* One P6 row: a process with @n bound userptrs; @base is N = 1's. */
static void p6_row(unsigned int n, bool priv, struct p6_res *res, struct p6_res *base)
{
	double exit_s;
	pid_t pid;
	int st;

	memset(res, 0, sizeof(*res));
	fflush(stdout);
	pid = fork();
	if (!pid)
		p6_child(n, priv, res);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "vsvm-bench: P6: the process failed\n");
		exit(1);
	}
	exit_s = now() - res->exit_t0;
	if (n == 1)
		*base = *res;
	printf("P6 %-7s %6u %9.2f ms %6.2fx %9.2f ms %6.2fx %9.2f ms %6.2fx %8.1f ms",
	       priv ? "private" : "shared", n, res->munmap * 1e3, res->munmap / base->munmap,
	       res->mprotect * 1e3, res->mprotect / base->mprotect,
	       res->exec * 1e3, res->exec / base->exec, exit_s * 1e3);
	if (n == 10000 && priv) {
		figure("exec_store_n10000_vs_n1", res->exec / base->exec, "x", GOAL_LE, 2);
		figure("exit_n10000", exit_s * 1e3, "ms", GOAL_LE, 1000);
	} else if (n == 10000) {
		figure("exec_store_shared_n10000_vs_n1", res->exec / base->exec, "x",
		       GOAL_NONE, 0);
	}
	/* /proc/meminfo counts KiB: one userptr is below its grain. */
	if (n >= 1000)
		printf(" %7.2f KiB\n", (double)res->slab_kib / n);
	else
		printf(" %11s\n", "-");
}

static void p6(void)
{
	/* 100,000 would need seven VMs and minutes of the emulated guest. */
	static const unsigned int ns[] = { 1, 1000, 10000 };
	struct p6_res *res = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	struct p6_res base = { 0 }, shared_base = { 0 }, priv, shared;
	double on, off, t0 = now();
	unsigned int i;

	if (res == MAP_FAILED) {
		perror("vsvm-bench: mmap");
		exit(1);
	}
	printf("P6 costs beside N other bound 4 KiB userptrs, medians of %u (N = 100,000 not run: it takes minutes in the emulated guest):\n",
	       P6_RUNS);
	printf("P6 %-7s %6s %22s %22s %22s %10s %12s\n", "objects", "N", "munmap one more",
	       "mprotect one more", "EXEC of one STORE", "exit", "slab/userptr");
	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		p6_row(ns[i], true, res, &base);
	priv = *res;
	/* The shape before VM-private objects: EXEC locks every userptr. */
	p6_row(1, false, res, &shared_base);
	p6_row(10000, false, res, &shared_base);
	shared = *res;
	printf("P6   goals (private): munmap and mprotect ~1x, EXEC <= 2x, exit with 10,000 < 1 s\n");
	printf("P6   EXEC at N = 10,000 against N = 1: private %.2fx (goal <= 2x), shared %.2fx\n",
	       priv.exec / base.exec, shared.exec / shared_base.exec);
	munmap(res, 4096);

	on = p6_range(true);
	off = p6_range(false);
	printf("P6 munmap of a range under %u bound 4 KiB userptrs: entries written and used %.1f ms, never written (asynchronous MAP) %.1f ms: %.2fx (goal <= 2x)\n",
	       P6_RANGE, on * 1e3, off * 1e3, on / off);
	figure("munmap_range_written_vs_never", on / off, "x", GOAL_LE, 2);
	printf("P6 took %.1f s\n", now() - t0);
}

/*
 * F1, fault service: the GPU's first touch of fresh memory through SVM
 * faults (one FILL, 2 MiB chunks, each fault resolved by the fault queue)
 * against the CPU's first-touch write of the same size in this process.
 * Prints the GPU's rate over the CPU's (goal >= 0.5x) and the mean time of
 * each stage of a fault: delivery (posted to a worker starting), get pages
 * (hmm_range_fault and DMA mapping), bind (entries and TLB flush), replay
 * (resolved to the job running again).
 */
static void fault_service(struct vsvm_dev *dev, uint64_t size)
{
	const char *dir = vsvm0_debugfs();
	double tg, tc, queued, faults, delivery, get_pages, bind, replay;
	uint32_t *cmd, svm;
	uint8_t *buf;

	if (!dir) {
		printf("F1: no debugfs for vsvm device 0\n");
		return;
	}
	cmd = anon(4096);
	debugfs_write(dir, "svm_chunk", "2097152");
	CHECK(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &svm));
	buf = anon(size);
	tg = fill_once(dev, svm, cmd, (uintptr_t)cmd, buf, (uintptr_t)buf, size);
	queued = svm_stat(dir, "svm_fault_queued");
	faults = svm_stat(dir, "svm_pagefault_count");
	queued = queued > 0 ? queued : 1;
	faults = faults > 0 ? faults : 1;
	delivery = svm_stat(dir, "svm_fault_delivery_us") / queued;
	get_pages = svm_stat(dir, "svm_get_pages_us") / faults;
	bind = svm_stat(dir, "svm_bind_us") / faults;
	replay = svm_stat(dir, "svm_fault_replay_us") / queued;
	CHECK(vsvm_vm_destroy(dev, svm));
	debugfs_write(dir, "svm_chunk", "0");
	munmap(buf, size);
	munmap(cmd, 4096);

	buf = anon(size);
	tc = now();
	memset(buf, 0x5a, size);
	tc = now() - tc;
	munmap(buf, size);
	printf("F1 fault service, first touch of %llu MiB in 2 MiB chunks: GPU (SVM FILL) %.1f ms, CPU (write) %.1f ms: %.2fx (goal >= 0.5x)\n",
	       (unsigned long long)size >> 20, tg * 1e3, tc * 1e3, tc / tg);
	figure("gpu_first_touch_vs_cpu", tc / tg, "x", GOAL_GE, 0.5);
	printf("F1   per fault (%.0f queued): delivery %.1f us, get pages %.1f us, bind %.1f us, replay %.1f us\n",
	       queued, delivery, get_pages, bind, replay);
}

/* V1: QUERY of @what into @buf. */
static void v1_query(struct vsvm_dev *dev, uint32_t what, void *buf, uint32_t size)
{
	struct drm_vsvm_query q = { .query = what, .size = size, .data = (uintptr_t)buf };

	if (drmIoctl(vsvm_dev_fd(dev), DRM_IOCTL_VSVM_QUERY, &q)) {
		fprintf(stderr, "vsvm-bench: QUERY %u: %s\n", what, strerror(errno));
		exit(1);
	}
}

/* V1: SVM_PREFETCH of [@p, +@size) to a location, waited for; seconds. */
static double v1_prefetch(struct vsvm_dev *dev, uint32_t vm, void *p, uint64_t size,
			  uint32_t flags, uint64_t *uf)
{
	struct drm_vsvm_exec_ext_user_fence ext = {
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE, .addr = (uintptr_t)uf, .value = 1,
	};
	struct drm_vsvm_svm_prefetch args = {
		.extensions = (uintptr_t)&ext, .vm_id = vm, .addr = (uintptr_t)p,
		.size = size, .flags = flags,
	};
	double t = now();

	*uf = 0;
	if (drmIoctl(vsvm_dev_fd(dev), DRM_IOCTL_VSVM_SVM_PREFETCH, &args)) {
		fprintf(stderr, "vsvm-bench: SVM_PREFETCH: %s\n", strerror(errno));
		exit(1);
	}
	CHECK(vsvm_wait_user_fence(dev, uf, DRM_VSVM_UFENCE_OP_EQ, 1, ~0ull, 120000000000ll));
	return now() - t;
}

/* V1: 2 MiB-aligned resident anonymous memory. */
static uint8_t *v1_buf(uint64_t size)
{
	uint8_t *raw = anon(size + (2 << 20));
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + (2 << 20) - 1) & ~((uintptr_t)(2 << 20) - 1));

	memset(p, 0x3c, size);
	return p;
}

static void v1(struct vsvm_dev *dev)
{
	const uint64_t fsize = 32ull << 20, psize = 256ull << 20;
	struct drm_vsvm_query_vram v0, v;
	struct drm_vsvm_query_caps caps;
	double t, tc, tto, tback;
	uint8_t *buf, *dst;
	uint32_t *cmd, svm;
	uint64_t n, i;

	v1_query(dev, DRM_VSVM_QUERY_CAPS, &caps, sizeof(caps));
	if (!(caps.caps & DRM_VSVM_CAP_DEVICE_MEMORY)) {
		printf("V1 skipped: no CONFIG_DEVICE_PRIVATE\n");
		return;
	}
	cmd = anon(4096);
	CHECK(vsvm_vm_create(dev, DRM_VSVM_VM_CREATE_SVM, &svm));

	/* Faults moving 2 MiB chunks to VRAM. */
	buf = v1_buf(fsize);
	CHECK(vsvm_svm_madvise(dev, svm, buf, fsize, DRM_VSVM_SVM_ATTR_PREFERRED_LOC,
			       DRM_VSVM_MEM_DEVICE));
	v1_query(dev, DRM_VSVM_QUERY_VRAM, &v0, sizeof(v0));
	t = fill_once(dev, svm, cmd, (uintptr_t)cmd, buf, (uintptr_t)buf, fsize);
	v1_query(dev, DRM_VSVM_QUERY_VRAM, &v, sizeof(v));
	n = v.chunks[0].migrations - v0.chunks[0].migrations;
	n = n ? n : 1;
	/* The CPU's copy of resident memory (not @buf: the CPU would fault it back). */
	dst = anon(4 << 20);
	memset(dst, 1, 4 << 20);
	tc = now();
	for (i = 0; i < 16; i++)
		memcpy(dst + ((i & 1) << 21), dst + (!(i & 1) << 21), 2 << 20);
	tc = (now() - tc) / 16;
	printf("V1 GPU faults moving 2 MiB to VRAM: %llu faults, FILL of %llu MiB in %.1f ms; per fault %.1f us (migrate %.1f, of which copy %.1f; get pages %.1f; bind %.1f); CPU memcpy of 2 MiB %.1f us\n",
	       (unsigned long long)(v.chunks[0].migrations - v0.chunks[0].migrations),
	       (unsigned long long)fsize >> 20, t * 1e3,
	       (double)(v.chunks[0].migrate_us - v0.chunks[0].migrate_us +
			v.chunks[0].get_pages_us - v0.chunks[0].get_pages_us +
			v.chunks[0].bind_us - v0.chunks[0].bind_us) / n,
	       (double)(v.chunks[0].migrate_us - v0.chunks[0].migrate_us) / n,
	       (double)(v.chunks[0].copy_us - v0.chunks[0].copy_us) / n,
	       (double)(v.chunks[0].get_pages_us - v0.chunks[0].get_pages_us) / n,
	       (double)(v.chunks[0].bind_us - v0.chunks[0].bind_us) / n, tc * 1e6);
	figure("fault_migrate_2m_us",
	       (double)(v.chunks[0].migrate_us - v0.chunks[0].migrate_us) / n, "us",
	       GOAL_NONE, 0);
	figure("memcpy_2m_us", tc * 1e6, "us", GOAL_NONE, 0);
	munmap(dst, 4 << 20);

	/* Prefetch throughput, there and back. */
	buf = v1_buf(psize);
	tto = v1_prefetch(dev, svm, buf, psize, DRM_VSVM_SVM_PREFETCH_VRAM, (uint64_t *)(cmd + 512));
	tback = v1_prefetch(dev, svm, buf, psize, DRM_VSVM_SVM_PREFETCH_SYSTEM,
			    (uint64_t *)(cmd + 512));
	dst = anon(psize);
	memset(dst, 1, psize);
	tc = now();
	memcpy(dst, buf, psize);
	tc = now() - tc;
	printf("V1 SVM_PREFETCH of %llu MiB: to VRAM %.2f GiB/s, back %.2f GiB/s; CPU memcpy %.2f GiB/s\n",
	       (unsigned long long)psize >> 20, psize / tto / (1 << 30),
	       psize / tback / (1 << 30), psize / tc / (1 << 30));
	figure("prefetch_to_vram_gibs", psize / tto / (1 << 30), "GiB/s", GOAL_NONE, 0);
	figure("prefetch_to_system_gibs", psize / tback / (1 << 30), "GiB/s", GOAL_NONE, 0);
	figure("memcpy_gibs", psize / tc / (1 << 30), "GiB/s", GOAL_NONE, 0);
	munmap(dst, psize);
	CHECK(vsvm_vm_destroy(dev, svm));
	munmap(cmd, 4096);
}

/* P7: what processes A and B share (a MAP_SHARED page). */
struct p7_shared {
	volatile uint32_t sem;		/* A's job spins until it is 1 */
	volatile int a_ready, b_ready, go;
	volatile double t0;		/* when A starts its munmap */
	volatile double b_secs;		/* B's munmap */
};

#define P7_SEM_VA 0x700000000ull

/* Process A: a job spins on @sh->sem, then writes A's userptr; A munmaps it at t0. */
static void p7_a(struct p7_shared *sh)
{
	struct vsvm_bo *cmd_bo, *sem_up, *up;
	struct drm_vsvm_sync out;
	struct vsvm_dev *dev;
	struct vsvm_cs cs;
	uint8_t *cmd, *p = anon(16 << 12);
	uint32_t vm, s;

	CHECK(vsvm_dev_open(0, true, &dev));
	vm = dev_vm(dev, &cmd_bo, &cmd);
	CHECK(vsvm_userptr_create(dev, (void *)((uintptr_t)&sh->sem & ~4095ul), 4096, 0,
				  &sem_up));
	CHECK(vsvm_vm_map(dev, vm, sem_up, 0, P7_SEM_VA, 4096, false));
	CHECK(vsvm_userptr_create(dev, p, 16 << 12, 0, &up));
	CHECK(vsvm_vm_map(dev, vm, up, 0, UP_VA, 16 << 12, false));
	vsvm_cs_init(&cs, cmd, 256);
	vsvm_cs_spin(&cs, P7_SEM_VA + ((uintptr_t)&sh->sem & 4095), 1);
	vsvm_cs_store32(&cs, UP_VA, 1);
	vsvm_cs_end(&cs);
	CHECK(vsvm_cs_finish(&cs));
	CHECK(vsvm_syncobj_create(dev, &s));
	out = (struct drm_vsvm_sync){ .handle = s };
	CHECK(vsvm_exec(dev, vm, 0, CMD_VA, 256, NULL, 0, &out, 1));
	sh->a_ready = 1;
	while (!sh->go)
		usleep(100);
	munmap(p, 16 << 12);	/* waits for the job */
	CHECK(vsvm_syncobj_wait(dev, s, 0, 60000000000ull));
	exit(0);
}

/* Process B: an idle populated 64 MiB userptr, munmapped at t0 + 50 ms. */
static void p7_b(struct p7_shared *sh)
{
	uint64_t size = 64ull << 20;
	struct vsvm_dev *dev;
	struct vsvm_bo *up;
	uint32_t vm;
	void *p = anon(size);
	double t;

	CHECK(vsvm_dev_open(0, true, &dev));
	CHECK(vsvm_vm_create(dev, 0, &vm));
	userptr_bind(dev, vm, p, size, 0, &up);
	sh->b_ready = 1;
	while (!sh->go)
		usleep(100);
	while (now() < sh->t0 + 0.05)
		usleep(100);
	t = now();
	munmap(p, size);
	sh->b_secs = now() - t;
	exit(0);
}

/* One round: B's munmap time in seconds, with A busy or without A. */
static double p7_round(bool with_a)
{
	struct p7_shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t a = -1, b;
	double t;
	int st;

	if (sh == MAP_FAILED) {
		perror("vsvm-bench: mmap");
		exit(1);
	}
	fflush(stdout);
	if (with_a) {
		a = fork();
		if (!a)
			p7_a(sh);
		while (!sh->a_ready)
			usleep(1000);
	}
	b = fork();
	if (!b)
		p7_b(sh);
	while (!sh->b_ready)
		usleep(1000);
	sh->t0 = now();
	sh->go = 1;
	while (now() < sh->t0 + 1.0)
		usleep(1000);
	sh->sem = 1;	/* A's job ends after 1 s */
	if (waitpid(b, &st, 0) != b || !WIFEXITED(st) || WEXITSTATUS(st) ||
	    (with_a && (waitpid(a, &st, 0) != a || !WIFEXITED(st) || WEXITSTATUS(st)))) {
		fprintf(stderr, "vsvm-bench: P7: a process failed\n");
		exit(1);
	}
	t = sh->b_secs;
	munmap(sh, 4096);
	return t;
}

static void p7(void)
{
	double alone[3], busy[3], a, b;
	unsigned int r;

	for (r = 0; r < 3; r++) {
		alone[r] = p7_round(false);
		busy[r] = p7_round(true);
	}
	a = median(alone, 3);
	b = median(busy, 3);
	printf("P7 munmap of B's idle 64 MiB userptr (medians of 3): alone %.1f ms, while process A's munmap waits for its 1 s job %.1f ms: %.2fx (goal <= 1.5x)\n",
	       a * 1e3, b * 1e3, b / a);
	figure("munmap_while_other_waits_vs_alone", b / a, "x", GOAL_LE, 1.5);
}

/*
 * U1, self-contained: raw ioctls on the last vsvm platform device, found
 * through sysfs (which libvsvm's device index does not name), since it
 * is unbound and bound again.
 */
static double u1_unbind(const char *name, unsigned int jobs, unsigned int *queued)
{
	static const char drv[] = "/sys/bus/platform/drivers/vsvm";
	struct drm_vsvm_gem_create bo = { .size = CMD_SIZE };
	struct drm_vsvm_gem_mmap_offset mo = { 0 };
	struct drm_vsvm_vm_create vc = { 0 };
	struct drm_vsvm_vm_bind_op op = { .op = DRM_VSVM_BIND_OP_MAP, .addr = CMD_VA,
					  .range = CMD_SIZE };
	struct drm_vsvm_vm_bind b = { .num_ops = 1, .ops = (uintptr_t)&op };
	struct drm_vsvm_exec e = { .cs_addr = CMD_VA };
	char path[300], node[300] = "";
	struct dirent *d;
	struct vsvm_cs cs;
	unsigned int i;
	double t = -1;
	int fd, f;
	DIR *dir;
	void *p;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", name);
	dir = opendir(path);
	while (dir && (d = readdir(dir)))
		if (!strncmp(d->d_name, "renderD", 7))
			snprintf(node, sizeof(node), "/dev/dri/%s", d->d_name);
	if (dir)
		closedir(dir);
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, &bo) ||
	    ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc))
		goto out;
	mo.handle = bo.handle;
	op.handle = bo.handle;
	b.vm_id = vc.vm_id;
	e.vm_id = vc.vm_id;
	if (ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo) ||
	    ioctl(fd, DRM_IOCTL_VSVM_VM_BIND, &b))
		goto out;
	p = mmap(NULL, CMD_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, mo.offset);
	if (p == MAP_FAILED)
		goto out;
	/* Word 0 is the SPIN's semaphore; the stream starts at 64. */
	vsvm_cs_init(&cs, (uint8_t *)p + 64, CMD_SIZE - 64);
	vsvm_cs_spin(&cs, CMD_VA, 1);
	vsvm_cs_end(&cs);
	e.cs_addr = CMD_VA + 64;
	e.cs_size = vsvm_cs_finish(&cs);
	for (i = 0; i < jobs; i++)
		if (ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e))
			break;
	*queued = i;
	munmap(p, CMD_SIZE);
	snprintf(path, sizeof(path), "%s/unbind", drv);
	f = open(path, O_WRONLY);
	t = now();
	if (f < 0 || write(f, name, strlen(name)) < 0)
		t = -1;
	else
		t = now() - t;
	if (f >= 0)
		close(f);
	snprintf(path, sizeof(path), "%s/bind", drv);
	f = open(path, O_WRONLY);
	if (f < 0 || write(f, name, strlen(name)) < 0)
		t = -1;
	if (f >= 0)
		close(f);
out:
	if (fd >= 0)
		close(fd);
	return t;
}

static void u1(void)
{
	static const unsigned int jobs[] = { 0, 10, 100 };
	char name[32] = "";
	unsigned int i;

	for (i = 0; i < 16; i++) {
		char path[96];

		snprintf(path, sizeof(path), "/sys/bus/platform/drivers/vsvm/vsvm.%u", i);
		if (!access(path, F_OK))
			snprintf(name, sizeof(name), "vsvm.%u", i);
	}
	if (!name[0]) {
		printf("U1 unplug latency: no vsvm platform device bound, skipped\n");
		return;
	}
	printf("U1 unplug latency (sysfs unbind of %s, a file open, medians of 5):", name);
	for (i = 0; i < 3; i++) {
		unsigned int r, queued = 0;
		char fig[32];
		double t[5];

		for (r = 0; r < 5; r++)
			t[r] = u1_unbind(name, jobs[i], &queued);
		printf(" %u jobs in flight %.2f ms%s", queued, median(t, 5) * 1e3,
		       i < 2 ? "," : "\n");
		snprintf(fig, sizeof(fig), "unplug_%u_jobs", jobs[i]);
		figure(fig, median(t, 5) * 1e3, "ms", GOAL_NONE, 0);
	}
}

/* K1's frame: the planes compose_bench_write() in drm/vsvm_debug.c makes. */
#define K1_W 1920
#define K1_H 1080
#define K1_PLANES 3

static uint32_t k1_pixel(unsigned int i, uint32_t x, uint32_t y)
{
	return ((x + 64 * i) & 0xff) << 16 | ((y + 32 * i) & 0xff) << 8 | (((x ^ y) + 16 * i) & 0xff);
}

/* crc32_le() of the kernel: reflected 0xedb88320, no inversions; slice by 8. */
static uint32_t k1_crc_tab[8][256];

static void k1_crc_init(void)
{
	unsigned int i, j;

	for (i = 0; i < 256; i++) {
		uint32_t c = i;

		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320 : c >> 1;
		k1_crc_tab[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			k1_crc_tab[j][i] = (k1_crc_tab[j - 1][i] >> 8) ^
					   k1_crc_tab[0][k1_crc_tab[j - 1][i] & 0xff];
}

static uint32_t k1_crc(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len >= 8) {
		uint32_t a = crc ^ (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24);

		crc = k1_crc_tab[7][a & 0xff] ^ k1_crc_tab[6][(a >> 8) & 0xff] ^
		      k1_crc_tab[5][(a >> 16) & 0xff] ^ k1_crc_tab[4][a >> 24] ^
		      k1_crc_tab[3][p[4]] ^ k1_crc_tab[2][p[5]] ^ k1_crc_tab[1][p[6]] ^
		      k1_crc_tab[0][p[7]];
		p += 8;
		len -= 8;
	}
	while (len--)
		crc = k1_crc_tab[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static inline uint32_t k1_mul16(uint32_t x, uint32_t y)
{
	return (x * y + 0x7fff) / 0xffff;
}

/*
 * The composer's work on the CPU: each line in 16 bits per channel, the
 * planes blended over black with their plane alpha (PREMULTI of opaque
 * pixels), and the CRC of the documented layout.  Returns the CRC.
 */
static uint32_t k1_cpu_same(uint32_t *const planes[K1_PLANES], uint16_t *line)
{
	uint32_t crc = 0, x, y, c;
	unsigned int i;

	for (y = 0; y < K1_H; y++) {
		for (x = 0; x < K1_W; x++) {
			line[4 * x] = line[4 * x + 1] = line[4 * x + 2] = 0;
			line[4 * x + 3] = 0xffff;
		}
		for (i = 0; i < K1_PLANES; i++) {
			const uint32_t *row = planes[i] + (size_t)y * K1_W;
			uint32_t pa = 0xffff >> i, ba = 0xffff - pa;

			for (x = 0; x < K1_W; x++) {
				uint32_t px = row[x];

				for (c = 0; c < 3; c++) {
					uint32_t f = ((px >> (8 * c)) & 0xff) * 0x101;
					uint32_t v = k1_mul16(f, pa) + k1_mul16(line[4 * x + c], ba);

					line[4 * x + c] = v > 0xffff ? 0xffff : v;
				}
			}
		}
		/* Little-endian 16-bit channels: this machine's order, checked in k1(). */
		crc = k1_crc(crc, (const uint8_t *)line, K1_W * 8);
	}
	return crc;
}

/* A plain 8-bit blend of the same planes into an XRGB8888 frame. */
static void k1_cpu_blend8(uint32_t *const planes[K1_PLANES], uint32_t *out)
{
	size_t n = (size_t)K1_W * K1_H, j;
	unsigned int i, c;

	memcpy(out, planes[0], n * 4);
	for (i = 1; i < K1_PLANES; i++) {
		uint32_t pa = 0xff >> i, ba = 0xff - pa;

		for (j = 0; j < n; j++) {
			uint32_t f = planes[i][j], b = out[j], v = 0;

			for (c = 0; c < 24; c += 8)
				v |= ((((f >> c) & 0xff) * pa + ((b >> c) & 0xff) * ba + 127) / 255) << c;
			out[j] = v;
		}
	}
}

/* Runs compose_bench; returns the median ns per frame, or -1. */
static double k1_kernel(const char *dir, bool crc_on, unsigned int frames, uint32_t *crc)
{
	char path[128], buf[128];
	unsigned long long med = 0, min = 0;
	unsigned int n = 0;
	int fd, len;

	snprintf(path, sizeof(path), "%s/compose_bench", dir);
	fd = open(path, O_RDWR);
	if (fd < 0)
		return -1;
	len = snprintf(buf, sizeof(buf), "%u %u %u %u %u", K1_W, K1_H, K1_PLANES, frames, crc_on);
	if (write(fd, buf, len) != len) {
		close(fd);
		return -1;
	}
	len = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (len <= 0)
		return -1;
	buf[len] = 0;
	if (sscanf(buf, "frames %u median_ns %llu min_ns %llu crc %x", &n, &med, &min, crc) != 4)
		return -1;
	return med;
}

/*
 * Lights vsvm device 0's first CRTC with a 60 Hz mode and a dumb buffer,
 * and waits for each vblank for 10 s.
 */
static void k1_vblank(void)
{
	struct drm_mode_create_dumb dumb = { 0 };
	struct drm_mode_destroy_dumb destroy = { 0 };
	drmModeConnectorPtr conn = NULL;
	drmModeModeInfoPtr mode = NULL;
	double first_ts = 0, prev_ts = 0, ts = 0, max_gap = 0, period, t0, late = 0, max_late = 0;
	unsigned int first_seq = 0, seq = 0, waits = 0;
	uint32_t fb = 0, crtc;
	struct vsvm_dev *card;
	drmModeResPtr res;
	int fd, i;

	if (vsvm_dev_open(0, false, &card) < 0) {
		printf("K1 vblank: no primary node of vsvm device 0 (%s), skipped\n",
		       vsvm_last_error());
		return;
	}
	fd = vsvm_dev_fd(card);
	res = drmModeGetResources(fd);
	if (!res || !res->count_crtcs || !res->count_connectors) {
		printf("K1 vblank: vsvm device 0 has no display (%s), skipped\n",
		       res ? "no CRTC or connector" : strerror(errno));
		goto out;
	}
	crtc = res->crtcs[0];
	for (i = 0; i < res->count_connectors && !mode; i++) {
		int m;

		conn = drmModeGetConnector(fd, res->connectors[i]);
		if (!conn)
			continue;
		for (m = 0; m < conn->count_modes; m++) {
			drmModeModeInfoPtr mi = &conn->modes[m];

			if (mi->vrefresh == 60 && (!mode || (mi->type & DRM_MODE_TYPE_PREFERRED)))
				mode = mi;
		}
		if (!mode) {
			drmModeFreeConnector(conn);
			conn = NULL;
		}
	}
	if (!mode) {
		printf("K1 vblank: no 60 Hz mode, skipped\n");
		goto out;
	}
	dumb.width = mode->hdisplay;
	dumb.height = mode->vdisplay;
	dumb.bpp = 32;
	if (drmIoctl(fd, DRM_IOCTL_MODE_CREATE_DUMB, &dumb) ||
	    drmModeAddFB(fd, dumb.width, dumb.height, 24, 32, dumb.pitch, dumb.handle, &fb) ||
	    drmModeSetCrtc(fd, crtc, fb, 0, 0, &conn->connector_id, 1, mode)) {
		printf("K1 vblank: modeset failed (%s), skipped\n", strerror(errno));
		goto out;
	}
	period = (double)mode->htotal * mode->vtotal / (mode->clock * 1e3);
	t0 = now();
	while (now() - t0 < 10) {
		drmVBlank vbl = { .request = { .type = DRM_VBLANK_RELATIVE, .sequence = 1 } };

		if (drmWaitVBlank(fd, &vbl)) {
			printf("K1 vblank: wait failed (%s)\n", strerror(errno));
			break;
		}
		ts = vbl.reply.tval_sec + vbl.reply.tval_usec / 1e6;
		seq = vbl.reply.sequence;
		/* Both CLOCK_MONOTONIC: how long after the vblank the waiter woke. */
		late += now() - ts;
		if (now() - ts > max_late)
			max_late = now() - ts;
		if (!waits++) {
			first_ts = ts;
			first_seq = seq;
		} else if (ts - prev_ts > max_gap) {
			max_gap = ts - prev_ts;
		}
		prev_ts = ts;
	}
	if (waits > 1) {
		double drift = (ts - first_ts) - (seq - first_seq) * period;

		printf("K1 vblank %ux%u@%u (period %.3f ms): %u vblanks in %.3f s (%u waited for), "
		       "drift %.1f us over them, longest gap %.3f ms; the waiter woke %.0f us "
		       "after the vblank on average, %.0f us at most\n",
		       mode->hdisplay, mode->vdisplay, mode->vrefresh, period * 1e3, seq - first_seq,
		       ts - first_ts, waits - 1, drift * 1e6, max_gap * 1e3, late / waits * 1e6,
		       max_late * 1e6);
		figure("vblank_drift_10s", drift * 1e6, "us", GOAL_NONE, 0);
		figure("vblank_longest_gap", max_gap * 1e3, "ms", GOAL_NONE, 0);
		figure("vblank_missed", (seq - first_seq) - (waits - 1), "vblanks", GOAL_NONE, 0);
		figure("vblank_wakeup_mean", late / waits * 1e6, "us", GOAL_NONE, 0);
	}
	drmModeSetCrtc(fd, crtc, 0, 0, 0, NULL, 0, NULL);
out:
	if (fb)
		drmModeRmFB(fd, fb);
	if (dumb.handle) {
		destroy.handle = dumb.handle;
		drmIoctl(fd, DRM_IOCTL_MODE_DESTROY_DUMB, &destroy);
	}
	drmModeFreeConnector(conn);
	drmModeFreeResources(res);
	vsvm_dev_close(card);
}

static void k1(void)
{
	const char *dir = vsvm0_debugfs();
	uint32_t *planes[K1_PLANES], *out, crc_k = 0, crc_c = 0, x, y, one = 1;
	double t[3], cpu_same, cpu8, k_crc, k_nocrc;
	uint16_t *line;
	unsigned int i, r;

	k1_crc_init();
	for (i = 0; i < K1_PLANES; i++) {
		planes[i] = malloc((size_t)K1_W * K1_H * 4);
		if (!planes[i])
			exit(1);
		for (y = 0; y < K1_H; y++)
			for (x = 0; x < K1_W; x++)
				planes[i][(size_t)y * K1_W + x] = k1_pixel(i, x, y);
	}
	out = malloc((size_t)K1_W * K1_H * 4);
	line = malloc(K1_W * 8);
	if (!out || !line)
		exit(1);

	for (r = 0; r < 3; r++) {
		t[r] = now();
		crc_c = k1_cpu_same(planes, line);
		t[r] = now() - t[r];
	}
	cpu_same = median(t, 3);
	for (r = 0; r < 3; r++) {
		t[r] = now();
		k1_cpu_blend8(planes, out);
		t[r] = now() - t[r];
	}
	cpu8 = median(t, 3);

	k_crc = dir ? k1_kernel(dir, true, 5, &crc_k) : -1;
	k_nocrc = dir ? k1_kernel(dir, false, 5, &x) : -1;
	if (k_crc < 0 || k_nocrc < 0) {
		printf("K1 compose %ux%u, %u planes: CPU same work %.1f ms, CPU 8-bit blend %.1f ms; "
		       "kernel side skipped (needs debugfs compose_bench: root, test knobs)\n",
		       K1_W, K1_H, K1_PLANES, cpu_same * 1e3, cpu8 * 1e3);
	} else {
		printf("K1 compose %ux%u, %u XRGB8888 planes (medians): kernel %.1f ms with CRC, "
		       "%.1f ms without; CPU same work %.1f ms (%.2fx), 8-bit blend %.1f ms (%.2fx); "
		       "CRC %08x %s\n",
		       K1_W, K1_H, K1_PLANES, k_crc / 1e6, k_nocrc / 1e6, cpu_same * 1e3,
		       k_crc / 1e9 / cpu_same, cpu8 * 1e3, k_crc / 1e9 / cpu8, crc_k,
		       !*(uint8_t *)&one ? "(big-endian CPU: not compared)" :
		       crc_k == crc_c ? "equals the CPU's" : "DIFFERS from the CPU's");
		figure("compose_1080p_3planes_crc", k_crc / 1e6, "ms", GOAL_NONE, 0);
		figure("compose_1080p_3planes_nocrc", k_nocrc / 1e6, "ms", GOAL_NONE, 0);
		figure("compose_vs_cpu_same", k_crc / 1e9 / cpu_same, "x", GOAL_NONE, 0);
		figure("compose_vs_cpu_blend8", k_crc / 1e9 / cpu8, "x", GOAL_NONE, 0);
		figure("compose_crc_matches_cpu", crc_k == crc_c, "bool", GOAL_GE, 1);
	}
	figure("cpu_same_1080p_3planes", cpu_same * 1e3, "ms", GOAL_NONE, 0);
	figure("cpu_blend8_1080p_3planes", cpu8 * 1e3, "ms", GOAL_NONE, 0);
	for (i = 0; i < K1_PLANES; i++)
		free(planes[i]);
	free(out);
	free(line);

	k1_vblank();
}

/**
 * struct bench_ctx - what every benchmark is given
 * @dev: vsvm device 0.
 * @vm: a VM of @dev with @cmd mapped at CMD_VA.
 * @cmd: the command buffer's CPU mapping (CMD_SIZE bytes).
 * @size: the size of P1 and FILL, from the command line (MiB, default 256).
 * @queues: the queues P1 splits its copy over (the device's, at most 8).
 */
struct bench_ctx {
	struct vsvm_dev *dev;
	uint32_t vm;
	uint8_t *cmd;
	uint64_t size;
	uint32_t queues;
};

static void run_p1(struct bench_ctx *c)
{
	p1(c->dev, c->vm, c->cmd, c->size, c->queues);
}

static void run_fill(struct bench_ctx *c)
{
	fill_bench(c->dev, c->vm, c->cmd, c->size);
}

static void run_p2(struct bench_ctx *c)
{
	p2(c->dev, c->vm, c->cmd, 200, "");
}

static void run_p2_cpus(struct bench_ctx *c)
{
	p2_only(c->dev, c->vm, c->cmd);
}

static void run_p2_profile(struct bench_ctx *c)
{
	p2_profile(c->dev, c->vm, c->cmd, 50);
}

static void run_b1(struct bench_ctx *c)
{
	b1(c->dev, c->vm, 100);
}

static void run_p3(struct bench_ctx *c)
{
	p3(c->dev, c->vm, 1ull << 30);
}

static void run_p4(struct bench_ctx *c)
{
	p4(c->dev, c->vm, 1ull << 30);
}

static void run_d1(struct bench_ctx *c)
{
	d1_d2(c->dev, c->vm, c->cmd);
}

static void run_p5(struct bench_ctx *c)
{
	p5(c->dev, c->vm, c->cmd, 256ull << 20);
}

static void run_p6(struct bench_ctx *c)
{
	p6();
}

static void run_f1(struct bench_ctx *c)
{
	fault_service(c->dev, 256ull << 20);
}

static void run_p7(struct bench_ctx *c)
{
	p7();
}

static void run_u1(struct bench_ctx *c)
{
	u1();
}

static void run_k1(struct bench_ctx *c)
{
	k1();
}

static void run_v1(struct bench_ctx *c)
{
	v1(c->dev);
}

/**
 * struct bench - one benchmark of the table
 * @name: what the command line and --json call it (lower case).
 * @desc: one line for --list.
 * @run: runs it and prints its figures (text lines, and figure() for --json).
 * @by_name: runs only when named, never in a full run.
 */
struct bench {
	const char *name;
	const char *desc;
	void (*run)(struct bench_ctx *c);
	bool by_name;
};

/* Every benchmark, in the order a full run runs them: add one line here. */
static const struct bench benches[] = {
	{ "p1", "engine COPY against memcpy, one queue, all queues, all queues with a VM each",
	  run_p1 },
	{ "fill", "engine FILL against memset", run_fill },
	{ "p2", "EXEC NOP round trip against vgem, and its stages", run_p2 },
	{ "b1", "synchronous against asynchronous VM_BIND", run_b1 },
	{ "p3", "userptr create + first bind against ibv_reg_mr on rxe", run_p3 },
	{ "p4", "munmap of a range bound to an idle GPU mapping", run_p4 },
	{ "d1", "dma-buf copy across devices (D1) and PRIME import + bind (D2)", run_d1 },
	{ "p5", "SVM first touch by fault and prefetch against CPU and userptr", run_p5 },
	{ "p6", "munmap, mprotect, EXEC and exit beside N unrelated bound userptrs", run_p6 },
	{ "f1", "SVM fault service against the CPU's first touch, stage by stage", run_f1 },
	{ "p7", "one process's munmap while another's waits for its job", run_p7 },
	{ "u1", "unplug latency with 0, 10 and 100 jobs in flight", run_u1 },
	{ "k1", "display: composing a 1080p frame of 3 planes, and vblank drift", run_k1 },
	{ "v1", "SVM faults and prefetches moving memory to VRAM and back", run_v1 },
	{ "p2-cpus", "P2 on both CPUs, then with CPU 1 offline (only when named)", run_p2_cpus,
	  true },
	{ "p2-profile", "P2's kernel functions timed by function_graph (only when named)",
	  run_p2_profile, true },
};

#define NUM_BENCHES (sizeof(benches) / sizeof(benches[0]))

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vsvm-bench [--json] [--progress] [MiB] [NAME...]\n"
		"       vsvm-bench --list [--json]\n"
		"Runs vsvm's benchmarks (all, or those named) on vsvm device 0 and prints\n"
		"their figures and goals; MiB sizes P1 and FILL (default 256).\n"
		"  --list      the benchmarks' names and what they measure\n"
		"  --json      one JSON object per line and figure on stdout (text on stderr)\n"
		"  --progress  a progress line on stderr (the default when it is a terminal)\n"
		"  -h, --help  this text\n");
}

static void list(bool json)
{
	unsigned int i;

	for (i = 0; i < NUM_BENCHES; i++) {
		if (json) {
			fputs("{\"name\": ", stdout);
			json_str(stdout, benches[i].name);
			fputs(", \"description\": ", stdout);
			json_str(stdout, benches[i].desc);
			fputs("}\n", stdout);
		} else {
			printf("%-6s %s\n", benches[i].name, benches[i].desc);
		}
	}
}

/* The index of benchmark @name in benches[], or -1. */
static int find_bench(const char *name)
{
	unsigned int i;

	for (i = 0; i < NUM_BENCHES; i++)
		if (!strcasecmp(benches[i].name, name))
			return i;
	return -1;
}

int main(int argc, char **argv)
{
	bool json = false, do_list = false, progress = isatty(2), chosen[NUM_BENCHES] = { 0 };
	struct drm_vsvm_query_device info;
	struct bench_ctx c = { .size = 256ull << 20 };
	unsigned int i, n = 0, done = 0;
	struct vsvm_bo *cmd_bo;
	double t0 = now();
	int a, b;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (a = 1; a < argc; a++) {
		char *end;

		if (!strcmp(argv[a], "-h") || !strcmp(argv[a], "--help")) {
			usage(stdout);
			return 0;
		} else if (!strcmp(argv[a], "--list")) {
			do_list = true;
		} else if (!strcmp(argv[a], "--json")) {
			json = true;
		} else if (!strcmp(argv[a], "--progress")) {
			progress = true;
		} else if (argv[a][0] >= '0' && argv[a][0] <= '9') {
			c.size = strtoull(argv[a], &end, 0) << 20;
			if (*end || !c.size) {
				fprintf(stderr, "vsvm-bench: bad size '%s' (MiB)\n", argv[a]);
				return 2;
			}
		} else if (strchr(argv[a], ',')) {
			/* "p2,p2-profile": several names in one argument. */
			for (end = strtok(argv[a], ","); end; end = strtok(NULL, ",")) {
				b = find_bench(end);
				if (b < 0) {
					fprintf(stderr, "vsvm-bench: unknown benchmark '%s'\n", end);
					return 2;
				}
				n += !chosen[b];
				chosen[b] = true;
			}
		} else if ((b = find_bench(argv[a])) >= 0) {
			n += !chosen[b];
			chosen[b] = true;
		} else {
			fprintf(stderr, "vsvm-bench: unknown benchmark or option '%s'\n", argv[a]);
			usage(stderr);
			return 2;
		}
	}
	if (do_list) {
		list(json);
		return 0;
	}
	if (!n) {
		for (i = 0; i < NUM_BENCHES; i++) {
			chosen[i] = !benches[i].by_name;
			n += chosen[i];
		}
	}
	if (json) {
		/* The figures on the real stdout, every text line on stderr. */
		a = dup(1);
		json_out = a < 0 ? NULL : fdopen(a, "w");
		if (!json_out || dup2(2, 1) < 0) {
			perror("vsvm-bench: --json");
			return 1;
		}
	}

	CHECK(vsvm_dev_open(0, true, &c.dev));
	CHECK(vsvm_query_device(c.dev, &info));
	c.queues = info.num_queues < 8 ? info.num_queues : 8;
	CHECK(vsvm_vm_create(c.dev, 0, &c.vm));
	CHECK(vsvm_bo_create(c.dev, CMD_SIZE, &cmd_bo));
	CHECK(vsvm_bo_map(cmd_bo, (void **)&c.cmd));
	CHECK(vsvm_vm_map(c.dev, c.vm, cmd_bo, 0, CMD_VA, CMD_SIZE, true));

	for (i = 0; i < NUM_BENCHES; i++) {
		if (!chosen[i])
			continue;
		if (progress)
			fprintf(stderr, "vsvm-bench: [%u/%u] %s (%.0f s so far)\n", done + 1, n,
				benches[i].name, now() - t0);
		cur_bench = benches[i].name;
		benches[i].run(&c);
		done++;
	}
	if (progress)
		fprintf(stderr, "vsvm-bench: %u benchmarks in %.0f s\n", done, now() - t0);

	vsvm_vm_destroy(c.dev, c.vm);
	vsvm_bo_destroy(cmd_bo);
	vsvm_dev_close(c.dev);
	return 0;
}
