// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shared virtual memory
 * Description: Shared-virtual-memory VMs (DRM_VSVM_VM_CREATE_SVM): GPU jobs
 *	use the process's own pointers, faults are resolved from the CPU's page
 *	tables with the CPU's rights, and every change of the CPU mapping
 *	reaches the GPU (I1, I3); another address space cannot drive the VM
 *	(I7), and a process exiting with work pending tears down quietly (I6).
 *	A process's SVM VMs on a device share one binding and PASID (I5).
 *
 * SUBTEST: malloc-copy
 * Description: GPU copy between two malloc'd buffers, the command stream itself in
 *		malloc'd memory; faults are counted and resolved.
 *
 * SUBTEST: stack-and-file
 * Description: GPU writes land on the stack and in a shared memfd mapping (read back
 *		with pread), and reads a private file mapping.
 *
 * SUBTEST: thp
 * Description: A copy across a 2 MiB MADV_HUGEPAGE region.
 *
 * SUBTEST: munmap-remap
 * Description: After munmap, a GPU read faults (job -EFAULT, fault NOT_PRESENT at the
 *		address); mapped again with other contents, the GPU reads those.
 *
 * SUBTEST: mremap-partial-private
 * Description: mremap moves the memory (old address faults, new address reads the
 *		data); munmap of 64 KiB inside a faulted 2 MiB chunk faults only
 *		there; a private file mapping is read.
 *
 * SUBTEST: mprotect-and-dontneed
 * Description: After mprotect(PROT_READ) a GPU write faults READ_ONLY and changes
 *		nothing, a read works; MADV_DONTNEED makes the GPU read zeros.
 *
 * SUBTEST: remap-while-running
 * Description: A job spins, then copies a buffer; while it spins the CPU maps other
 *		contents over the buffer; the copy reads the new contents.
 *
 * SUBTEST: prefetch
 * Description: SVM_PREFETCH of the command stream, source and destination; the copy
 *		after it takes no GPU fault; prefetching an unmapped range fails the
 *		job with EFAULT; and every errno of the ioctl.
 *
 * SUBTEST: chunk-sizes
 * Description: A first touch inside a 2 MiB-aligned window of a large mapping maps a
 *		2 MiB chunk, a small mapping 4 KiB ones; debugfs svm_chunk caps the
 *		chunk at 64 KiB or 4 KiB; fdinfo counts the faults.
 *
 * SUBTEST: unmapped-address
 * Description: A GPU access to an address the process never mapped is an
 *		unrecoverable fault, recorded.
 *
 * SUBTEST: bind-refused
 * Description: VM_BIND into an SVM VM fails with EINVAL.
 *
 * SUBTEST: fork-eperm
 * Description: A child after fork() gets EPERM for EXEC on the parent's SVM VM,
 *		through the inherited file.
 *
 * SUBTEST: threads
 * Description: Four threads submit copies to their own buffers on one SVM VM.
 *
 * SUBTEST: two-devices
 * Description: Both vsvm devices mirror this process; each writes half of a buffer; a
 *		munmap invalidates both, and both then fault.
 *
 * SUBTEST: one-binding-per-mm
 * Description: Three SVM VMs of one process on one device, two in one file and one in
 *		another, show one PASID in debugfs vsvm_svm; a child process's SVM VM
 *		shows a different one while both are alive.
 *
 * SUBTEST: destroy-while-reading
 * Description: For 3 s one thread creates and destroys SVM VMs while another reads
 *		debugfs vsvm_svm and the file's fdinfo: no use-after-free (KASAN),
 *		every ioctl succeeds.
 *
 * SUBTEST: exit-with-file-shared
 * Description: A process exits with an SVM job spinning on its own memory while its
 *		file lives on in another process: the job ends with EFAULT, no
 *		warning, the VM's PASID shows its mm gone, and the file still works.
 *
 * SUBTEST: exit-with-job-pending
 * Description: A process exits while its SVM job spins on its own memory: the job
 *		ends, the VM goes, nothing is reported.
 *
 * SUBTEST: munmap-deadlock-cross-process
 * Description: Process A's SVM job faults while process B, whose userptr job is
 *		queued behind it on the same queue, munmaps that userptr: both finish
 *		(the munmap waits for B's job only, without a lock that A's fault
 *		needs), within a bounded time.
 *
 * SUBTEST: munmap-deadlock-single-process
 * Description: One process: its SVM job faults while it munmaps a userptr whose job
 *		(another VM of the same file) was queued behind it on the same queue;
 *		the SVM notifier covers the whole address space, so the fault waits
 *		for that munmap: both jobs end, munmap returns, within a bounded time.
 *
 * SUBTEST: lr-out-sync-refused
 * Description: EXEC on an SVM VM refuses binary and timeline out-syncs with EINVAL;
 *		in-syncs stay allowed; a user fence is refused on an ordinary VM and
 *		for a bad address, a second one, or an unreadable extension.
 *
 * SUBTEST: user-fence-wait
 * Description: A job spinning on a semaphore writes its user fence in malloc'd memory
 *		once released: WAIT_USER_FENCE times out with ETIME before, and
 *		returns once the value lands, woken rather than timed out; every op
 *		and the mask.
 *
 * SUBTEST: user-fence-untouched-memory
 * Description: A job's user fence in fresh memory the GPU never touched: the write
 *		faults, is resolved, and lands; SVM_PREFETCH's user fence too.
 *
 * SUBTEST: read-only-untouched
 * Description: GPU reads of untouched read-only memory (the zero page) through SVM:
 *		64 2 MiB slots, each read once, read zeros within a bound, take one
 *		fault each, and leave the kernel untainted (no DMA-API warning).
 *
 * SUBTEST: wait-user-fence-errors
 * Description: Every errno of WAIT_USER_FENCE: EINVAL for flags, pad, op, address,
 *		negative timeout, zero mask and a refused extension; EFAULT for an
 *		unreadable address or extension; ETIME; EINTR on a signal; and it
 *		works on the render node.
 *
 * SUBTEST: destroy-with-lr-job
 * Description: VM_DESTROY of an SVM VM with a job spinning on it returns only once
 *		the job ended (released by another thread), its user fence written;
 *		closing the file with a job queued is quiet.
 *
 * SUBTEST: tracepoints
 * Description: The SVM fault tracepoints: vsvm_svm_fault_begin and _end, with the
 *		device's index, the file's client id, the address, the chunk mapped and the
 *		result (0, and -EFAULT for an unmapped address).
 *
 * SUBTEST: fault-stall-other-context
 * Description: I2: with context A's GPU fault held in the fault queue, context B's
 *		job on the same queue (the same long-running ring) completes while A stays
 *		parked; then A resumes at its faulting FILL and completes it.
 *
 * SUBTEST: fault-stall-reset
 * Description: A reset while a context is parked on a fault: a SPIN job of another
 *		context on the same queue runs meanwhile and is killed at the timeout (its
 *		context banned: -EIO; its user fence, in fresh memory, written through a fault
 *		resolved after the kill), and the parked context completes once its fault is
 *		resolved, not banned.
 *
 * SUBTEST: fault-queued-teardown
 * Description: VM_DESTROY, the file's close and the process's exit while a context
 *		is parked on a fault in the fault queue: no hang (destroy and close wait for the
 *		job, the exit's job ends with -EFAULT), no leak.
 *
 * SUBTEST: fault-pages-munmap
 * Description: I1, I3: a GPU fault held after hmm_range_fault() gave it its
 *		pages and before it uses them, while the CPU munmaps the page, which is
 *		freed: the freed page is never DMA-mapped (the driver's check that each
 *		page it maps is held, a warning, stays silent), the job faults
 *		not-present, and the device still works.
 *
 * SUBTEST: fault-xarray-memcg
 * Description: The slots that GPU faults fill in the SVM's DMA-address
 *		xarray are charged to the memory cgroup of the process the VM
 *		mirrors: a child in a cgroup v2 group whose jobs fault 64 MiB sees
 *		the group's slab_reclaimable (the xarray's nodes) grow by at least
 *		one node per 64 pages.  Skips without the memory controller.
 */

#define _GNU_SOURCE
#include <linux/sync_file.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define VSVM_SVM_OWN_JOBS
#include "vsvm_svm_igt.h"

#define BUF (64 * PAGE)

static int __svm_vm_create(int fd, uint32_t flags, uint32_t *vm)
{
	struct drm_vsvm_vm_create c = { .flags = flags };

	if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &c))
		return -errno;
	*vm = c.vm_id;
	return 0;
}

/*
 * Long-running mode: an SVM VM's jobs export no fence.  Each job of these
 * tests writes JOB_DONE to its own slot of ufences[] (process memory, so
 * GPU VA == CPU VA) when it ends, and its outcome is read from the fault
 * ring: a fault of the file newer than the job's submission.
 */
#define MAX_JOBS 1024
#define JOB_DONE 0x600df00dcafe0001ull

static uint64_t ufences[MAX_JOBS] __attribute__((aligned(4096)));
static uint64_t job_mark[MAX_JOBS];
static unsigned int next_job;

/* A fresh job slot: its user fence cleared, the fault ring's mark taken. */
static uint32_t job_new(int fd)
{
	uint32_t j = __atomic_add_fetch(&next_job, 1, __ATOMIC_RELAXED) % MAX_JOBS;

	ufences[j] = 0;
	job_mark[j] = newest_fault(fd).seqno;
	return j;
}

/* WAIT_USER_FENCE with every field given: 0 or -errno. */
static int __wait_ufence(int fd, const void *addr, uint16_t op, uint64_t value,
			 uint64_t mask, int64_t timeout_ns)
{
	struct drm_vsvm_wait_user_fence w = {
		.addr = (uintptr_t)addr, .value = value, .mask = mask,
		.timeout = timeout_ns, .op = op,
	};

	return igt_ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w) ? -errno : 0;
}

/* Waits up to @ms for job @j's user fence: 0, or -ETIME. */
static int job_wait_ms(int fd, uint32_t j, unsigned int ms)
{
	return __wait_ufence(fd, &ufences[j], DRM_VSVM_UFENCE_OP_EQ, JOB_DONE, ~0ull,
			     ms * 1000000ll);
}

/* Job @j ended: 1, or -EFAULT / -EINVAL if a fault of the file came since. */
static int job_status(int fd, uint32_t j)
{
	struct drm_vsvm_fault f = newest_fault(fd);

	if (f.seqno <= job_mark[j])
		return 1;
	return f.reason == DRM_VSVM_FAULT_BAD_COMMAND ? -EINVAL : -EFAULT;
}

/* Waits (up to 20 s) for job @j and returns 1 or its error. */
static int job_end(int fd, uint32_t j)
{
	igt_assert_eq(job_wait_ms(fd, j, 20000), 0);
	return job_status(fd, j);
}

/* The user-fence extension of job @j. */
static struct drm_vsvm_exec_ext_user_fence job_ufence(uint32_t j)
{
	return (struct drm_vsvm_exec_ext_user_fence){
		.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
		.addr = (uintptr_t)&ufences[j], .value = JOB_DONE,
	};
}

/* EXEC of everything emitted, with a user fence; 0 and the job, or -errno. */
static int __submit(struct ctx *c, uint32_t *job)
{
	uint32_t j = job_new(c->fd);
	struct drm_vsvm_exec_ext_user_fence uf = job_ufence(j);
	struct drm_vsvm_exec e = {
		.extensions = (uintptr_t)&uf,
		.vm_id = c->vm, .queue = c->queue,
		.cs_addr = (uintptr_t)c->cmd, .cs_size = c->n * 4,
	};
	int ret;

	ret = igt_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0;
	if (!ret)
		*job = j;
	return ret;
}

static uint32_t submit(struct ctx *c)
{
	uint32_t j = 0;

	igt_assert_eq(__submit(c, &j), 0);
	return j;
}

/* Runs what was emitted (a fresh stream each time) and returns its status. */
static int run(struct ctx *c)
{
	int status = job_end(c->fd, submit(c));

	c->n = 0;
	return status;
}

static struct drm_vsvm_fault last_fault(int fd)
{
	static uint8_t buf[sizeof(struct drm_vsvm_query_faults) +
			   DRM_VSVM_MAX_FAULTS * sizeof(struct drm_vsvm_fault)];
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_FAULTS, .size = sizeof(buf), .data = (uintptr_t)buf,
	};
	struct drm_vsvm_query_faults *f = (void *)buf;

	do_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q);
	igt_assert(f->count > 0);
	return f->faults[f->count - 1];
}

/* A counter of the (first) SVM VM's statistics (debugfs vsvm_svm). */
static long long svm_stat(int fd, const char *key)
{
	long long v = vsvm_debugfs_get(fd, "vsvm_svm", key);

	igt_assert_f(v >= 0, "debugfs vsvm_svm has no %s\n", key);
	return v;
}

/* The kernel's taint flags (TAINT_WARN: a WARN fired). */
#define TAINT_WARN (1ll << 9)

static long long kernel_tainted(void)
{
	long long v = -1;
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");

	igt_assert(f);
	igt_assert_eq(fscanf(f, "%lld", &v), 1);
	fclose(f);
	return v;
}

/* SVM_PREFETCH of [@addr, +@size) with a user fence; 0 and the job, or -errno. */
static int __prefetch(struct ctx *c, const void *addr, uint64_t size, uint32_t *job)
{
	uint32_t j = job_new(c->fd);
	struct drm_vsvm_exec_ext_user_fence uf = job_ufence(j);
	struct drm_vsvm_svm_prefetch p = {
		.extensions = (uintptr_t)&uf,
		.vm_id = c->vm, .queue = c->queue, .addr = (uintptr_t)addr, .size = size,
	};
	int ret;

	ret = igt_ioctl(c->fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p) ? -errno : 0;
	if (!ret)
		*job = j;
	return ret;
}

static int prefetch(struct ctx *c, const void *addr, uint64_t size)
{
	uint32_t j = 0;

	igt_assert_eq(__prefetch(c, addr, size, &j), 0);
	return job_end(c->fd, j);
}

/* One thread of the "threads" subtest. */
struct targ {
	int fd;
	uint32_t vm;
	unsigned int seed;
	int ret;
};

static void *thread_fn(void *arg)
{
	struct targ *ta = arg;
	uint8_t *src = malloc(BUF), *dst = malloc(BUF);
	struct ctx c = { .fd = ta->fd, .vm = ta->vm, .cmd = anon(CMD_WORDS * 4),
			 .queue = ta->seed & 1 };
	unsigned int r;

	ta->ret = 0;
	for (r = 0; r < 5; r++) {
		fill_pat(src, 0, BUF, ta->seed + r);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)src, BUF);
		if (run(&c) != 1 || memcmp(src, dst, BUF))
			ta->ret = -1;
	}
	munmap(c.cmd, CMD_WORDS * 4);
	free(src);
	free(dst);
	return NULL;
}


/* --- the munmap deadlocks ------------------------------------------------ */

#define UP_CMD_VA 0x1000000ull
#define UP_VA 0x10000000ull
#define UP_PAGES 16
#define LONG_COPY (256 * PAGE)

/* A page shared with the children: the semaphore an SVM job spins on. */
static volatile uint32_t *shared_page(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	memset(p, 0, PAGE);
	return p;
}

/*
 * Queues on queue 0 of @c (an SVM VM) a job that spins until *@sem is 1,
 * then copies LONG_COPY bytes of memory the GPU never touched, in 4 KiB
 * faults (debugfs svm_chunk): a job that faults right after the parent
 * releases it.  Returns the job and the buffers in @src, @dst.
 */
static uint32_t queue_faulting_job(struct ctx *c, volatile uint32_t *sem,
				   uint8_t **src, uint8_t **dst)
{
	*src = anon(LONG_COPY);
	*dst = anon(LONG_COPY);
	fill_pat(*src, 0, LONG_COPY, 77);
	vsvm_emit_spin(CS(c), (uintptr_t)sem, 1);
	vsvm_emit_copy(CS(c), (uintptr_t)*dst, (uintptr_t)*src, LONG_COPY);
	return submit(c);
}

/*
 * In a VM @vm of @fd (not SVM), queues on queue 0 a STORE into a 16-page
 * userptr of fresh memory (returned in @buf): its syncobj.
 */
static uint32_t queue_userptr_job(int fd, uint32_t vm, uint8_t **buf)
{
	uint32_t cmd_bo = vsvm_gem_create(fd, PAGE), h, *cmd;
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = vm, .queue = 0, .cs_addr = UP_CMD_VA,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};
	unsigned int n = 0;

	*buf = anon(UP_PAGES * PAGE);
	memset(*buf, 1, UP_PAGES * PAGE);
	h = vsvm_gem_userptr(fd, *buf, UP_PAGES * PAGE, 0);
	cmd = vsvm_gem_mmap(fd, cmd_bo, PAGE);
	igt_assert_eq(vsvm_vm_map(fd, vm, cmd_bo, 0, UP_CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, vm, h, 0, UP_VA, UP_PAGES * PAGE, 0), 0);
	vsvm_emit_store32(cmd, &n, PAGE / 4, UP_VA + 5 * PAGE, 0xc0ffee);
	e.cs_size = n * 4;
	igt_assert_eq(drmSyncobjCreate(fd, 0, &out.handle), 0);
	do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
	munmap(cmd, PAGE);
	return out.handle;
}

/*
 * A child's end: 0 if job @s ended well, else a distinct status for the
 * parent to print.  @base is added to tell the checks apart.
 */
static int job_ok(int fd, uint32_t s, int base)
{
	if (vsvm_wait_ms(fd, s, 20000))
		return base + 1;
	if (vsvm_fence_status(fd, s) != 1)
		return base + 2;
	return 0;
}

/* The "destroy-while-reading" subtest's destroyer: SVM VMs come and go. */
struct churn {
	int fd;
	uint64_t until;
	unsigned int cycles;
	int err;
};

static void *churn_fn(void *arg)
{
	struct churn *ch = arg;
	uint32_t vm[4];
	unsigned int i;

	while (vsvm_now_ns() < ch->until && !ch->err) {
		for (i = 0; i < 4; i++) {
			ch->err = __svm_vm_create(ch->fd, DRM_VSVM_VM_CREATE_SVM, &vm[i]);
			if (ch->err)
				break;
		}
		while (i--)
			if (ioctl(ch->fd, DRM_IOCTL_VSVM_VM_DESTROY,
				  &(struct drm_vsvm_vm_destroy){ .vm_id = vm[i] }))
				ch->err = -errno;
		ch->cycles++;
	}
	return NULL;
}

/*
 * The PASID debugfs vsvm_svm prints for VM @vm of the file with DRM client
 * id @client, or -1 if it lists no such VM.
 */
static long long svm_pasid(int fd, unsigned long long client, uint32_t vm)
{
	static char buf[32768];
	char head[64], *p;

	igt_debugfs_read(fd, "vsvm_svm", buf);
	snprintf(head, sizeof(head), "file %llu vm %u\npasid: ", client, vm);
	p = strstr(buf, head);
	return p ? atoll(p + strlen(head)) : -1;
}

/* The same for job @j of an SVM VM (a user fence, see job_new()). */
static int lr_job_ok(int fd, uint32_t j, int base)
{
	if (job_wait_ms(fd, j, 20000))
		return base + 1;
	if (job_status(fd, j) != 1)
		return base + 2;
	return 0;
}

static void alarm_noop(int sig)
{
	(void)sig;
}

/* What release_later() releases, and when. */
struct release_arg {
	volatile uint32_t *sem;
	unsigned int us;
};

/* A thread: sets *sem to 1 after a while, releasing a spinning job. */
static void *release_later(void *arg)
{
	struct release_arg *ra = arg;

	usleep(ra->us);
	*ra->sem = 1;
	return NULL;
}

/* --- the fault queue ------------------------------------------------------- */

/* The SVM fault injection point of debugfs userptr_inject: hold, or let go. */
#define XA_CG "/sys/fs/cgroup/vsvm-svm-xa"

/* A cgroup v2 group with the memory controller (mounting cgroup2 if needed). */
static bool xa_cgroup(void)
{
	return vsvm_memcg_group(XA_CG) && !access(XA_CG "/memory.stat", R_OK);
}

/* @key of the group's memory.stat, in bytes. */
static long long xa_cg_stat(const char *key)
{
	char buf[8192], *p;
	size_t len = strlen(key);
	ssize_t n;
	int f = open(XA_CG "/memory.stat", O_RDONLY);

	igt_assert_fd(f);
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	igt_assert(n > 0);
	buf[n] = 0;
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ' ')
			return strtoll(p + len + 1, NULL, 10);
	igt_assert_f(0, "memory.stat has no %s\n", key);
	return -1;
}

#define FAULT_HOLD "5"
#define FAULT_PAGES_HOLD "6"
#define FAULT_LET_GO "0"

static void fault_knob(int fd, const char *point)
{
	vsvm_require_knob(fd, "userptr_inject");
	igt_assert_eq(vsvm_debugfs_write(fd, "userptr_inject", point), 0);
}

/*
 * Maps @c's command stream, the user fences and @extra (a page) into its
 * VM with a job that stores to @extra: later jobs fault on their data only.
 */
static void fault_warm(struct ctx *c, volatile void *extra)
{
	vsvm_emit_store32(CS(c), (uintptr_t)extra, 0);
	igt_assert_eq(run(c), 1);
}

/*
 * Holds context @a on a fault: arms the injection point and queues on @a a
 * FILL of @buf (fresh memory, @size bytes), then a STORE of 1 to @done (a
 * warm page).  Returns the job, once its fault is held in the fault queue.
 */
static uint32_t fault_park(struct ctx *a, uint8_t *buf, uint64_t size, volatile uint32_t *done)
{
	uint32_t j;

	fault_knob(a->fd, FAULT_HOLD);
	vsvm_emit_fill(CS(a), (uintptr_t)buf, 0x5a5a5a5a, size);
	vsvm_emit_store32(CS(a), (uintptr_t)done, 1);
	j = submit(a);
	a->n = 0;
	igt_assert_f(fault_held(a->fd, 3000), "the FILL's fault was not held\n");
	return j;
}

/* What fault_teardown() does with a context parked on a fault. */
enum fault_teardown { FT_DESTROY, FT_CLOSE, FT_EXIT };

/* A thread: lets the held fault go after a while. */
static void *fault_let_go_later(void *arg)
{
	usleep(300000);
	fault_knob(*(int *)arg, FAULT_LET_GO);
	return NULL;
}

/*
 * In a child, with a file of its own: parks a context on a fault, then
 * destroys its VM, closes its file or exits while the fault is in the
 * queue.  The child's exit status says which check failed; @fd (the
 * parent's file) works the injection point.
 */
static void fault_teardown(int fd, enum fault_teardown how)
{
	pid_t pid;
	int ret;

	fault_knob(fd, FAULT_LET_GO);
	pid = fork();
	igt_assert(pid >= 0);
	if (!pid) {
		volatile uint32_t *done = anon(PAGE);
		uint8_t *buf = anon(BUF);
		pthread_t thr;
		uint64_t t;
		uint32_t j;
		struct ctx c;

		ctx_init(&c);
		fault_warm(&c, done);
		j = fault_park(&c, buf, BUF, done);
		if (how == FT_EXIT) {
			/* The parent kills us: the job ends with -EFAULT, the mm gone. */
			pause();
			_exit(1);
		}
		if (pthread_create(&thr, NULL, fault_let_go_later, &fd))
			_exit(2);
		t = vsvm_now_ns();
		if (how == FT_DESTROY) {
			struct drm_vsvm_vm_destroy d = { .vm_id = c.vm };

			/* VM_DESTROY waits for the job, so for its fault. */
			if (ioctl(c.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d))
				_exit(3);
		} else {
			/* The last close of the file tears the VM down. */
			close(c.fd);
		}
		if (ufences[j] != JOB_DONE || *done != 1)
			_exit(4);
		if (vsvm_now_ns() - t < 200000000ull)
			_exit(5);
		pthread_join(thr, NULL);
		_exit(0);
	}
	if (how == FT_EXIT) {
		igt_assert(fault_held(fd, 10000));
		kill(pid, SIGKILL);
		usleep(300000);
		fault_knob(fd, FAULT_LET_GO);
		igt_assert_eq(vsvm_wait_child_ms(pid, 20000), 128 + SIGKILL);
	} else {
		ret = vsvm_wait_child_ms(pid, 20000);
		igt_assert_f(ret == 0, "child: %d\n", ret);
	}
	fault_knob(fd, FAULT_LET_GO);
}

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);
		uint32_t vm;

		igt_require(vsvm_is_vsvm(fd));
		igt_require_f(__svm_vm_create(fd, DRM_VSVM_VM_CREATE_SVM, &vm) == 0,
			      "no SVM VMs (vsvm before 1.5)\n");
		close(fd);
	}

	/* I3: the GPU reads and writes malloc'd memory through faults. */
	igt_describe("GPU copy between two malloc'd buffers, the command stream itself in "
		     "malloc'd memory; faults are counted and resolved.");
	igt_subtest("malloc-copy") {
		uint8_t *src = malloc(BUF), *dst = malloc(BUF);
		struct ctx c;

		igt_assert(src && dst);
		ctx_init(&c);
		fill_pat(src, 0, BUF, 5);
		memset(dst, 0, BUF);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst + 3, (uintptr_t)src + 1, BUF - 8);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst + 3, 1, BUF - 8, 5);
		igt_assert_cmps64(svm_stat(c.fd, "svm_pagefault_count"), >, <=, 0);
		ctx_fini(&c);
		free(src);
		free(dst);
	}

	/* The stack and shared file-backed memory are ordinary memory too. */
	igt_describe("GPU writes land on the stack and in a shared memfd mapping (read back "
		     "with pread), and reads a private file mapping.");
	igt_subtest("stack-and-file") {
		volatile uint32_t stack_words[64];
		uint8_t *shared, back[PAGE];
		int mfd = memfd_create("vsvm-svm", 0);
		struct ctx c;

		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 4 * PAGE), 0);
		shared = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(shared != MAP_FAILED);
		memset((void *)stack_words, 0, sizeof(stack_words));
		ctx_init(&c);
		vsvm_emit_store32(CS(&c), (uintptr_t)&stack_words[17], 0x5757);
		vsvm_emit_fill(CS(&c), (uintptr_t)shared + PAGE, 0x13243546, PAGE);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq_u32(stack_words[17], 0x5757);
		igt_assert_eq(pread(mfd, back, PAGE, PAGE), (ssize_t)PAGE);
		igt_assert_eq(back[0], 0x46);
		igt_assert_eq(back[PAGE - 1], 0x13);
		ctx_fini(&c);
		munmap(shared, 4 * PAGE);
		close(mfd);
	}

	/* A huge page is ordinary memory too. */
	igt_describe("A copy across a 2 MiB MADV_HUGEPAGE region.");
	igt_subtest("thp") {
		uint8_t *raw = anon(4 << 20), *huge, *dst = anon(2 << 20);
		struct ctx c;

		huge = (uint8_t *)(((uintptr_t)raw + (2 << 20) - 1) & ~((2ull << 20) - 1));
		madvise(huge, 2 << 20, MADV_HUGEPAGE);
		fill_pat(huge, 0, 2 << 20, 9);
		ctx_init(&c);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge, 2 << 20);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 0, 2 << 20, 9);
		ctx_fini(&c);
		munmap(raw, 4 << 20);
		munmap(dst, 2 << 20);
	}

	/* I1, I3, I10: an unmapped address faults; a remapped one is refaulted. */
	igt_describe("After munmap, a GPU read faults (job -EFAULT, fault NOT_PRESENT at the "
		     "address); mapped again with other contents, the GPU reads those.");
	igt_subtest("munmap-remap") {
		uint8_t *buf = anon(BUF), *dst = anon(BUF);
		struct drm_vsvm_fault f;
		long long inv;
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, BUF, 21);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 0, BUF, 21);

		inv = svm_stat(c.fd, "svm_invalidations");
		igt_assert_eq(munmap(buf, BUF), 0);
		igt_assert_cmps64(svm_stat(c.fd, "svm_invalidations"), >, <=, inv);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf + PAGE, PAGE);
		igt_assert_eq(run(&c), -EFAULT);
		f = last_fault(c.fd);
		igt_assert_eq_u32(f.reason, DRM_VSVM_FAULT_NOT_PRESENT);
		igt_assert_eq_u64(f.addr, (uintptr_t)buf + PAGE);

		igt_assert(mmap(buf, BUF, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == buf);
		fill_pat(buf, 0, BUF, 22);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 0, BUF, 22);
		ctx_fini(&c);
		munmap(buf, BUF);
		munmap(dst, BUF);
	}


	/* I1, I3: mremap, a partial unmap inside a 2 MiB chunk, a private file map. */
	igt_describe("mremap moves the memory (old address faults, new address reads the "
		     "data); munmap of 64 KiB inside a faulted 2 MiB chunk faults only "
		     "there; a private file mapping is read.");
	igt_subtest("mremap-partial-private") {
		uint8_t *raw = anon(6 << 20), *huge, *moved, *dst = anon(PAGE), *fmap;
		int mfd = memfd_create("vsvm-svm-priv", 0);
		struct ctx c;

		ctx_init(&c);
		/* mremap. */
		huge = (uint8_t *)(((uintptr_t)raw + (2 << 20) - 1) & ~((2ull << 20) - 1));
		fill_pat(huge, 0, 2 << 20, 81);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge + 3 * PAGE, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 3 * PAGE, PAGE, 81);

		/* munmap of 64 KiB in the middle of the faulted chunk. */
		igt_assert_eq(munmap(huge + 17 * 64 * 1024, 64 * 1024), 0);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge + 17 * 64 * 1024 + PAGE, 4);
		igt_assert_eq(run(&c), -EFAULT);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge + 16 * 64 * 1024, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 16 * 64 * 1024, PAGE, 81);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge + 18 * 64 * 1024, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 18 * 64 * 1024, PAGE, 81);

		/* mremap the first 64 KiB elsewhere. */
		moved = mremap(huge, 64 * 1024, 64 * 1024, MREMAP_MAYMOVE | MREMAP_FIXED,
			       raw + (5 << 20));
		igt_assert(moved != MAP_FAILED);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)huge, 4);
		igt_assert_eq(run(&c), -EFAULT);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)moved + 2 * PAGE, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 2 * PAGE, PAGE, 81);

		/* A private file mapping. */
		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 2 * PAGE), 0);
		fmap = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(fmap != MAP_FAILED);
		fill_pat(fmap, 0, 2 * PAGE, 83);
		munmap(fmap, 2 * PAGE);
		fmap = mmap(NULL, 2 * PAGE, PROT_READ, MAP_PRIVATE, mfd, 0);
		igt_assert(fmap != MAP_FAILED);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)fmap + PAGE, PAGE);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, PAGE, PAGE, 83);
		ctx_fini(&c);
		munmap(fmap, 2 * PAGE);
		close(mfd);
		munmap(raw, 6 << 20);
		munmap(dst, PAGE);
	}

	/* I10: the GPU's rights are the CPU's. */
	igt_describe("After mprotect(PROT_READ) a GPU write faults READ_ONLY and changes "
		     "nothing, a read works; MADV_DONTNEED makes the GPU read zeros.");
	igt_subtest("mprotect-and-dontneed") {
		uint8_t *buf = anon(BUF), *dst = anon(BUF);
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, BUF, 31);
		/* Fault it in writable first. */
		vsvm_emit_store32(CS(&c), (uintptr_t)buf + BUF - 4, 0x31313131);
		igt_assert_eq(run(&c), 1);
		fill_pat(buf, 0, BUF, 31);
		igt_assert_eq(mprotect(buf, BUF, PROT_READ), 0);
		vsvm_emit_store32(CS(&c), (uintptr_t)buf + 8, 0xbad);
		igt_assert_eq(run(&c), -EFAULT);
		igt_assert_eq_u32(last_fault(c.fd).reason, DRM_VSVM_FAULT_READ_ONLY);
		assert_pat(buf, 0, BUF, 31);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 0, BUF, 31);

		igt_assert_eq(mprotect(buf, BUF, PROT_READ | PROT_WRITE), 0);
		igt_assert_eq(madvise(buf, BUF, MADV_DONTNEED), 0);
		memset(dst, 0xff, BUF);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);
		igt_assert_eq(run(&c), 1);
		assert_bytes(dst, BUF, 0);
		ctx_fini(&c);
		munmap(buf, BUF);
		munmap(dst, BUF);
	}

	/* I1, I3: a remap while a job runs is seen by the rest of the job. */
	igt_describe("A job spins, then copies a buffer; while it spins the CPU maps other "
		     "contents over the buffer; the copy reads the new contents.");
	igt_subtest("remap-while-running") {
		uint8_t *buf = anon(BUF), *dst = anon(BUF);
		volatile uint32_t *sem = anon(PAGE);
		uint32_t s;
		struct ctx c;

		ctx_init(&c);
		fill_pat(buf, 0, BUF, 41);
		*sem = 0;
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);	/* fault in */
		vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)buf, BUF);
		s = submit(&c);
		c.n = 0;
		usleep(100000);
		igt_assert(mmap(buf, BUF, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == buf);
		fill_pat(buf, 0, BUF, 42);
		*sem = 1;
		igt_assert_eq(job_end(c.fd, s), 1);
		assert_pat(dst, 0, BUF, 42);
		ctx_fini(&c);
		munmap(buf, BUF);
		munmap(dst, BUF);
		munmap((void *)sem, PAGE);
	}


	/* Prefetch maps ahead of use: the job after it takes no fault. */
	igt_describe("SVM_PREFETCH of the command stream, source and destination; the copy "
		     "after it takes no GPU fault; prefetching an unmapped range fails the "
		     "job with EFAULT; and every errno of the ioctl.");
	igt_subtest("prefetch") {
		uint8_t *src = anon(BUF), *dst = anon(BUF), *gone = anon(PAGE);
		struct drm_vsvm_svm_prefetch p = { 0 };
		long long faults, pages;
		uint32_t s, vm;
		struct ctx c;

		ctx_init(&c);
		fill_pat(src, 0, BUF, 61);
		memset(dst, 0, BUF);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)src, BUF);
		igt_assert_eq(prefetch(&c, c.cmd, CMD_WORDS * 4), 1);
		igt_assert_eq(prefetch(&c, src, BUF), 1);
		igt_assert_eq(prefetch(&c, dst, BUF), 1);
		faults = svm_stat(c.fd, "svm_pagefault_count");
		pages = svm_stat(c.fd, "svm_prefetch_pages");
		igt_assert_cmps64(pages, >=, <, (long long)(2 * BUF / PAGE + 1));
		igt_assert_eq(run(&c), 1);
		assert_pat(dst, 0, BUF, 61);
		igt_assert_eq(svm_stat(c.fd, "svm_pagefault_count"), faults);

		/* An unmapped range: the prefetch job fails, recorded. */
		munmap(gone, PAGE);
		igt_assert_eq(prefetch(&c, gone, PAGE), -EFAULT);
		igt_assert_eq_u64(last_fault(c.fd).addr, (uintptr_t)gone);

		/* The ioctl's refusals. */
		p = (struct drm_vsvm_svm_prefetch){ .vm_id = c.vm, .addr = (uintptr_t)src,
						    .size = PAGE, .flags = 1u << 3 };
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.flags = DRM_VSVM_SVM_PREFETCH_VRAM | DRM_VSVM_SVM_PREFETCH_SYSTEM;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.flags = 0;
		p.size = 0;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.size = PAGE;
		p.addr = (uintptr_t)src + 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.addr = (1ull << DRM_VSVM_VA_BITS) - PAGE;
		p.size = 2 * PAGE;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.addr = (uintptr_t)src;
		p.size = PAGE;
		p.queue = 64;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		p.queue = 0;
		p.num_out_syncs = 65;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, E2BIG);
		p.num_out_syncs = 1;
		p.out_syncs = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EFAULT);
		/* I2: a valid out-sync is refused: an SVM job exports no fence. */
		{
			struct drm_vsvm_sync out = { 0 };
			struct drm_vsvm_exec_ext_user_fence uf = job_ufence(job_new(c.fd));

			igt_assert_eq(drmSyncobjCreate(c.fd, 0, &out.handle), 0);
			p.out_syncs = (uintptr_t)&out;
			do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
			p.out_syncs = 0;
			p.num_out_syncs = 0;
			uf.addr = 4;
			p.extensions = (uintptr_t)&uf;
			do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
			p.extensions = 0;
			drmSyncobjDestroy(c.fd, out.handle);
		}
		p.out_syncs = 0;
		p.num_out_syncs = 0;
		p.vm_id = 12345;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, ENOENT);
		/* Not an SVM VM. */
		igt_assert_eq(__svm_vm_create(c.fd, 0, &vm), 0);
		p.vm_id = vm;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p, EINVAL);
		/* Another address space. */
		igt_fork(child, 1) {
			struct ctx k = c;

			igt_assert_eq(__prefetch(&k, src, PAGE, &s), -EPERM);
		}
		igt_waitchildren();
		ctx_fini(&c);
		munmap(src, BUF);
		munmap(dst, BUF);
	}


	/* Fault chunks follow the VMA and its alignment, as drm_gpusvm's do. */
	igt_describe("A first touch inside a 2 MiB-aligned window of a large mapping maps a "
		     "2 MiB chunk, a small mapping 4 KiB ones; debugfs svm_chunk caps the "
		     "chunk at 64 KiB or 4 KiB; fdinfo counts the faults.");
	igt_subtest("chunk-sizes") {
		static const struct { const char *cap, *key; uint64_t pages; } c3[] = {
			{ "0", "svm_2M_pagefault_count", 512 },
			{ "65536", "svm_64K_pagefault_count", 16 },
			{ "4096", "svm_4K_pagefault_count", 1 },
		};
		uint8_t *raw = anon(8 << 20), *big, *small = anon(2 * PAGE);
		unsigned int i;
		struct ctx c;

		big = (uint8_t *)(((uintptr_t)raw + (2 << 20) - 1) & ~((2ull << 20) - 1));
		ctx_init(&c);
		for (i = 0; i < 3; i++) {
			long long n = svm_stat(c.fd, c3[i].key), pages;

			igt_assert_eq(vsvm_debugfs_write(c.fd, "svm_chunk", c3[i].cap), 0);
			pages = svm_stat(c.fd, "svm_pagefault_pages");
			vsvm_emit_store32(CS(&c), (uintptr_t)big + (2ull << 20) * i + 5 * PAGE, i);
			igt_assert_eq(run(&c), 1);
			igt_assert_f(svm_stat(c.fd, c3[i].key) > n, "no %s fault\n", c3[i].key);
			/* The command page, then the chunk. */
			igt_assert_cmps64(svm_stat(c.fd, "svm_pagefault_pages") - pages, >=, <,
					  (long long)c3[i].pages);
		}
		igt_assert_eq(vsvm_debugfs_write(c.fd, "svm_chunk", "0"), 0);
		/* A two-page mapping can only take 4 KiB chunks. */
		{
			long long n = svm_stat(c.fd, "svm_4K_pagefault_count");

			vsvm_emit_store32(CS(&c), (uintptr_t)small + PAGE, 7);
			igt_assert_eq(run(&c), 1);
			igt_assert_cmps64(svm_stat(c.fd, "svm_4K_pagefault_count"), >, <=, n);
		}
		igt_assert_cmps64(vsvm_fdinfo_value(c.fd, "vsvm-svm-pagefaults"), >=, <, 4);
		ctx_fini(&c);
		munmap(raw, 8 << 20);
		munmap(small, 2 * PAGE);
	}

	/* I10: an address never mapped. */
	igt_describe("A GPU access to an address the process never mapped is an "
		     "unrecoverable fault, recorded.");
	igt_subtest("unmapped-address") {
		struct ctx c;

		ctx_init(&c);
		vsvm_emit_store32(CS(&c), 0x7ff000000000ull, 1);
		igt_assert_eq(run(&c), -EFAULT);
		igt_assert_eq_u64(last_fault(c.fd).addr, 0x7ff000000000ull);
		igt_assert_cmps64(svm_stat(c.fd, "svm_unrecoverable"), >, <=, 0);
		ctx_fini(&c);
	}

	igt_describe("The SVM fault tracepoints: vsvm_svm_fault_begin and _end, with the "
		     "device's index, the file's client id, the address, the chunk mapped "
		     "and the result (0, and -EFAULT for an unmapped address).");
	igt_subtest("tracepoints") {
		static char buf[1 << 17];
		uint8_t *src = malloc(BUF), *dst = malloc(BUF);
		char has[64];
		long long client;
		struct ctx c;
		int dev;

		igt_assert(src && dst);
		vsvm_trace_start();
		ctx_init(&c);
		client = vsvm_fdinfo_value(c.fd, "drm-client-id");
		dev = vsvm_info_get(c.fd, "index");
		fill_pat(src, 0, BUF, 6);
		vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)src, BUF);
		igt_assert_eq(run(&c), 1);
		vsvm_emit_store32(CS(&c), 0x7ff000000000ull, 1);
		igt_assert_eq(run(&c), -EFAULT);
		vsvm_trace_stop(buf, sizeof(buf));
		ctx_fini(&c);
		assert_pat(dst, 0, BUF, 6);

		snprintf(has, sizeof(has), "addr=0x%llx read", (unsigned long long)(uintptr_t)src);
		vsvm_trace_assert(buf, "vsvm_svm_fault_begin:", dev, client, has);
		snprintf(has, sizeof(has), "addr=0x%llx write", (unsigned long long)(uintptr_t)dst);
		vsvm_trace_assert(buf, "vsvm_svm_fault_begin:", dev, client, has);
		vsvm_trace_assert(buf, "vsvm_svm_fault_end:", dev, client, " ret=0 ");
		vsvm_trace_assert(buf, "vsvm_svm_fault_end:", dev, client,
				  "addr=0x7ff000000000 chunk=0x0+0x0 ret=-14 ");
		free(src);
		free(dst);
	}

	/* uapi: nothing is bound into an SVM VM. */
	igt_describe("VM_BIND into an SVM VM fails with EINVAL.");
	igt_subtest("bind-refused") {
		struct ctx c;
		uint32_t bo;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, PAGE);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, bo, 0, 0x100000, PAGE, 0), -EINVAL);
		ctx_fini(&c);
	}

	/* I7: the child has its own address space and cannot use the parent's VM. */
	igt_describe("A child after fork() gets EPERM for EXEC on the parent's SVM VM, "
		     "through the inherited file.");
	igt_subtest("fork-eperm") {
		struct ctx c;

		ctx_init(&c);
		vsvm_emit_store32(CS(&c), (uintptr_t)c.cmd + 8 * PAGE / 4, 1);
		igt_fork(child, 1) {
			uint32_t s;

			igt_assert_eq(__submit(&c, &s), -EPERM);
		}
		igt_waitchildren();
		igt_assert_eq(run(&c), 1);
		ctx_fini(&c);
	}

	/* Threads of one process submit at once. */
	igt_describe("Four threads submit copies to their own buffers on one SVM VM.");
	igt_subtest("threads") {
		pthread_t t[4];
		struct targ a[4];
		unsigned int i;
		struct ctx c;

		ctx_init(&c);
		for (i = 0; i < 4; i++) {
			a[i] = (struct targ){ .fd = c.fd, .vm = c.vm, .seed = 50 + 10 * i };
			igt_assert_eq(pthread_create(&t[i], NULL, thread_fn, &a[i]), 0);
		}
		for (i = 0; i < 4; i++) {
			igt_assert_eq(pthread_join(t[i], NULL), 0);
			igt_assert_eq(a[i].ret, 0);
		}
		ctx_fini(&c);
	}

	/* I5: two devices, two bindings of one mm; invalidations reach both. */
	igt_describe("Both vsvm devices mirror this process; each writes half of a buffer; "
		     "a munmap invalidates both, and both then fault.");
	igt_subtest("two-devices") {
		uint8_t *buf = anon(BUF);
		struct ctx a, b;
		int fd1;

		fd1 = __drm_open_driver_another(1, DRIVER_VSVM);
		igt_require_f(fd1 >= 0, "one vsvm device only\n");
		ctx_init(&a);
		ctx_init_fd(&b, fd1);
		memset(buf, 0, BUF);
		vsvm_emit_fill(CS(&a), (uintptr_t)buf, 0xaaaaaaaa, BUF / 2);
		vsvm_emit_fill(CS(&b), (uintptr_t)buf + BUF / 2, 0xbbbbbbbb, BUF / 2);
		igt_assert_eq(run(&a), 1);
		igt_assert_eq(run(&b), 1);
		assert_bytes(buf, BUF / 2, 0xaa);
		assert_bytes(buf + BUF / 2, BUF / 2, 0xbb);
		igt_assert_eq(munmap(buf, BUF), 0);
		vsvm_emit_store32(CS(&a), (uintptr_t)buf, 1);
		vsvm_emit_store32(CS(&b), (uintptr_t)buf + BUF / 2, 1);
		igt_assert_eq(run(&a), -EFAULT);
		igt_assert_eq(run(&b), -EFAULT);
		ctx_fini(&b);
		ctx_fini(&a);
	}


	/*
	 * I5: one binding, and so one PASID, per (device, mm): every SVM VM
	 * of a process on a device, whatever its file, shares it; another
	 * process (another mm) has its own.
	 */
	igt_describe("Three SVM VMs of one process on one device, two in one file and one in "
		     "another, show one PASID in debugfs vsvm_svm; a child process's SVM VM "
		     "shows a different one while both are alive.");
	igt_subtest("one-binding-per-mm") {
		int fd = drm_open_driver(DRIVER_VSVM), fd2 = drm_open_driver(DRIVER_VSVM);
		unsigned long long cid = vsvm_fdinfo_value(fd, "drm-client-id");
		unsigned long long cid2 = vsvm_fdinfo_value(fd2, "drm-client-id");
		int to_child[2], to_parent[2];
		uint32_t a, b, c, kvm = 0;
		long long pasid, kpasid;
		char byte = 0;
		pid_t child;

		igt_assert_eq(__svm_vm_create(fd, DRM_VSVM_VM_CREATE_SVM, &a), 0);
		igt_assert_eq(__svm_vm_create(fd, DRM_VSVM_VM_CREATE_SVM, &b), 0);
		igt_assert_eq(__svm_vm_create(fd2, DRM_VSVM_VM_CREATE_SVM, &c), 0);
		pasid = svm_pasid(fd, cid, a);
		igt_assert_f(pasid > 0, "debugfs vsvm_svm has no PASID for VM %u\n", a);
		igt_assert_eq_s64(svm_pasid(fd, cid, b), pasid);
		igt_assert_eq_s64(svm_pasid(fd, cid2, c), pasid);

		igt_assert_eq(pipe(to_child), 0);
		igt_assert_eq(pipe(to_parent), 0);
		child = fork();
		igt_assert(child >= 0);
		if (child == 0) {
			int kfd = drm_open_driver(DRIVER_VSVM);
			unsigned long long kcid = vsvm_fdinfo_value(kfd, "drm-client-id");

			alarm(20);
			if (__svm_vm_create(kfd, DRM_VSVM_VM_CREATE_SVM, &kvm))
				_exit(1);
			if (write(to_parent[1], &kcid, sizeof(kcid)) != sizeof(kcid) ||
			    write(to_parent[1], &kvm, sizeof(kvm)) != sizeof(kvm))
				_exit(2);
			/* Alive, with its VM, until the parent has looked. */
			if (read(to_child[0], &byte, 1) != 1)
				_exit(3);
			_exit(0);
		}
		{
			unsigned long long kcid = 0;
			int status;

			igt_assert_eq(read(to_parent[0], &kcid, sizeof(kcid)), (int)sizeof(kcid));
			igt_assert_eq(read(to_parent[0], &kvm, sizeof(kvm)), (int)sizeof(kvm));
			kpasid = svm_pasid(fd, kcid, kvm);
			/* The parent's VMs still share theirs. */
			igt_assert_eq_s64(svm_pasid(fd, cid, a), pasid);
			igt_assert_eq_s64(svm_pasid(fd, cid2, c), pasid);
			igt_assert_eq(write(to_child[1], &byte, 1), 1);
			igt_assert_eq(waitpid(child, &status, 0), child);
			igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
			igt_assert_f(kpasid > 0, "debugfs vsvm_svm has no PASID for the child\n");
			igt_assert_f(kpasid != pasid, "the child's mm shares PASID %lld\n", pasid);
		}
		close(to_child[0]);
		close(to_child[1]);
		close(to_parent[0]);
		close(to_parent[1]);
		close(fd2);
		close(fd);
	}

	/*
	 * SVM state lifetime: debugfs and fdinfo read an SVM VM's state
	 * through a VM reference while VM_DESTROY tears the VM down; the
	 * state must live as long as the VM (a KASAN use-after-free on the
	 * debug kernel otherwise, which fails the run).
	 */
	igt_describe("For 3 s one thread creates and destroys SVM VMs while another reads "
		     "debugfs vsvm_svm and the file's fdinfo: no use-after-free (KASAN), "
		     "every ioctl succeeds.");
	igt_subtest("destroy-while-reading") {
		struct churn ch = { .until = vsvm_now_ns() + 3000000000ull };
		unsigned int reads = 0;
		static char buf[32768];
		int dir, dbg, fdi;
		char path[64];
		pthread_t t;

		ch.fd = drm_open_driver(DRIVER_VSVM);
		dir = igt_debugfs_dir(ch.fd);
		igt_assert_fd(dir);
		dbg = openat(dir, "vsvm_svm", O_RDONLY);
		close(dir);
		igt_assert_fd(dbg);
		snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", ch.fd);
		fdi = open(path, O_RDONLY);
		igt_assert_fd(fdi);
		igt_assert_eq(pthread_create(&t, NULL, churn_fn, &ch), 0);
		/* Each read from offset 0 runs the seq_file's show again. */
		while (vsvm_now_ns() < ch.until) {
			igt_assert_lte(0, pread(dbg, buf, sizeof(buf), 0));
			igt_assert_lt(0, pread(fdi, buf, sizeof(buf), 0));
			reads++;
		}
		igt_assert_eq(pthread_join(t, NULL), 0);
		igt_info("destroy-while-reading: %u create/destroy rounds, %u reads of each\n",
			 ch.cycles, reads);
		igt_assert_eq(ch.err, 0);
		igt_assert_lt(0, (int)ch.cycles);
		close(dbg);
		close(fdi);
		close(ch.fd);
	}

	/*
	 * I6 in the kernel's real exit order: the process exits (exit_mmap,
	 * then exit_files) with a job spinning on its own memory, while
	 * another process holds the file: the VM and the job outlive the mm,
	 * the job ends with -EFAULT quietly, and the PASID's context entry is
	 * gone.
	 */
	igt_describe("A process exits with an SVM job spinning on its own memory while its "
		     "file lives on in another process: the job ends with EFAULT, no "
		     "warning, the VM's PASID shows its mm gone, and the file still works.");
	igt_subtest("exit-with-file-shared") {
		char ctl[CMSG_SPACE(sizeof(int))], byte = 0;
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = ctl, .msg_controllen = sizeof(ctl) };
		struct cmsghdr *cm;
		int sv[2], fd, status;
		uint32_t sync_vm[2];
		pid_t child;
		char buf[4096];

		igt_assert_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
		child = fork();
		igt_assert(child >= 0);
		if (child == 0) {
			volatile uint32_t *sem = anon(PAGE);
			struct ctx c;
			uint32_t s;

			alarm(20);
			ctx_init(&c);
			*sem = 0;
			vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
			s = submit(&c);
			usleep(100000);	/* spinning now, its PTEs in place */
			/* Its user fence dies with the mm: the fault ring tells. */
			sync_vm[0] = job_mark[s];
			sync_vm[1] = c.vm;
			memset(ctl, 0, sizeof(ctl));
			cm = CMSG_FIRSTHDR(&msg);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int));
			memcpy(CMSG_DATA(cm), &c.fd, sizeof(int));
			iov.iov_base = sync_vm;
			iov.iov_len = sizeof(sync_vm);
			igt_assert_eq(sendmsg(sv[1], &msg, 0), (ssize_t)sizeof(sync_vm));
			_exit(0);	/* mm first, then the files: ours lives on */
		}
		close(sv[1]);
		iov.iov_base = sync_vm;
		iov.iov_len = sizeof(sync_vm);
		igt_assert_eq(recvmsg(sv[0], &msg, 0), (ssize_t)sizeof(sync_vm));
		cm = CMSG_FIRSTHDR(&msg);
		igt_assert(cm && cm->cmsg_type == SCM_RIGHTS);
		memcpy(&fd, CMSG_DATA(cm), sizeof(int));
		igt_assert_eq(waitpid(child, &status, 0), child);
		igt_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);

		/*
		 * The spin's semaphore page is gone: a quiet fault ends it.  Its
		 * user fence was in the dead mm: wait for the fault (bounded).
		 */
		{
			uint64_t end = vsvm_now_ns() + 20000000000ull;
			struct drm_vsvm_fault f;

			do {
				f = newest_fault(fd);
				if (f.seqno > sync_vm[0] && f.vm_id == sync_vm[1])
					break;
				usleep(10000);
			} while (vsvm_now_ns() < end);
			igt_assert_f(f.seqno > sync_vm[0] && f.vm_id == sync_vm[1],
				     "no fault of the dead process's job\n");
		}
		igt_debugfs_read(fd, "vsvm_svm", buf);
		igt_assert_f(strstr(buf, "(mm gone)"), "no PASID without its mm in:\n%s\n", buf);
		/* The file still works; a job on the dead mm's VM is refused. */
		{
			struct ctx k = { .fd = fd, .vm = sync_vm[1], .cmd = anon(CMD_WORDS * 4) };
			uint32_t s;

			vsvm_emit_store32(CS(&k), (uintptr_t)k.cmd + 2048, 1);
			igt_assert_eq(__submit(&k, &s), -EPERM);
			munmap(k.cmd, CMD_WORDS * 4);
		}
		close(fd);
		close(sv[0]);
	}

	/* I6: exit with a job pending on its own memory: quiet teardown. */
	igt_describe("A process exits while its SVM job spins on its own memory: the job "
		     "ends, the VM goes, nothing is reported.");
	igt_subtest("exit-with-job-pending") {
		igt_fork(child, 1) {
			volatile uint32_t *sem = anon(PAGE);
			struct ctx c;

			ctx_init(&c);
			*sem = 0;
			vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
			vsvm_emit_store32(CS(&c), (uintptr_t)sem + 4, 2);
			submit(&c);
			usleep(50000);
			/* Exit with the file, the VM and the spinning job. */
		}
		igt_waitchildren();
	}

	/*
	 * I1, I2: one process's munmap never waits for another process's
	 * locks; a dma-fence job never waits behind a faulting job.
	 */
	igt_describe("Process A's SVM job faults while process B, whose userptr job is "
		     "queued behind it on the same queue, munmaps that userptr: both "
		     "finish (the munmap waits for B's job only, without a lock that "
		     "A's fault needs), within a bounded time.");
	igt_subtest("munmap-deadlock-cross-process") {
		volatile uint32_t *sem = shared_page();
		int dbg = drm_open_driver(DRIVER_VSVM), pa[2], pb[2], ra, rb;
		pid_t a, b;
		char ch;

		igt_assert_eq(vsvm_debugfs_write(dbg, "svm_chunk", "4096"), 0);
		igt_assert_eq(pipe(pa), 0);
		igt_assert_eq(pipe(pb), 0);
		a = fork();
		igt_assert(a >= 0);
		if (a == 0) {
			struct ctx c;
			uint8_t *src, *dst;
			uint32_t s;
			int ret;

			ctx_init(&c);
			s = queue_faulting_job(&c, sem, &src, &dst);
			igt_assert_eq(write(pa[1], "a", 1), 1);
			ret = lr_job_ok(c.fd, s, 10);
			if (!ret && memcmp(src, dst, LONG_COPY))
				ret = 13;
			_exit(ret);
		}
		close(pa[1]);
		igt_assert_eq(read(pa[0], &ch, 1), 1);
		usleep(100000);	/* A's job is on the hardware, spinning */

		b = fork();
		igt_assert(b >= 0);
		if (b == 0) {
			int fd = drm_open_driver(DRIVER_VSVM);
			uint8_t *buf;
			uint32_t s = queue_userptr_job(fd, vsvm_vm_create(fd, 0), &buf);

			igt_assert_eq(write(pb[1], "b", 1), 1);
			if (munmap(buf, UP_PAGES * PAGE))
				_exit(20);
			/* I1: munmap returned once the job that used the pages ended. */
			if (vsvm_wait_ms(fd, s, 0))
				_exit(21);
			_exit(job_ok(fd, s, 22));
		}
		close(pb[1]);
		igt_assert_eq(read(pb[0], &ch, 1), 1);
		usleep(300000);	/* B is in munmap, waiting for its job */
		*sem = 1;	/* A's job goes on, and faults */

		rb = vsvm_wait_child_ms(b, 15000);
		ra = vsvm_wait_child_ms(a, 15000);
		igt_assert_f(rb == 0, "process B (munmap of its busy userptr) %s (%d)\n",
			     rb < 0 ? "is stuck" : "failed", rb);
		igt_assert_f(ra == 0, "process A (faulting SVM job) %s (%d)\n",
			     ra < 0 ? "is stuck" : "failed", ra);
		igt_assert_eq(vsvm_debugfs_write(dbg, "svm_chunk", "0"), 0);
		close(dbg);
		close(pa[0]);
		close(pb[0]);
	}

	/*
	 * I1, I3: a fault's mmu_interval_read_begin() waits for the mm's
	 * invalidation, which waits for a userptr job: that job must not be
	 * queued behind the faulting one.
	 */
	igt_describe("One process: its SVM job faults while it munmaps a userptr whose job "
		     "(another VM of the same file) was queued behind it on the same "
		     "queue; the SVM notifier covers the whole address space, so the "
		     "fault waits for that munmap: both jobs end, munmap returns, within "
		     "a bounded time.");
	igt_subtest("munmap-deadlock-single-process") {
		volatile uint32_t *sem = shared_page();
		int dbg = drm_open_driver(DRIVER_VSVM), p[2], r;
		pid_t pid;
		char ch;

		igt_assert_eq(vsvm_debugfs_write(dbg, "svm_chunk", "4096"), 0);
		igt_assert_eq(pipe(p), 0);
		pid = fork();
		igt_assert(pid >= 0);
		if (pid == 0) {
			uint8_t *src, *dst, *buf;
			struct ctx c;
			uint32_t s, u;
			int ret;

			ctx_init(&c);
			s = queue_faulting_job(&c, sem, &src, &dst);
			usleep(100000);	/* on the hardware, spinning */
			u = queue_userptr_job(c.fd, vsvm_vm_create(c.fd, 0), &buf);
			igt_assert_eq(write(p[1], "p", 1), 1);
			if (munmap(buf, UP_PAGES * PAGE))
				_exit(20);
			if (vsvm_wait_ms(c.fd, u, 0))
				_exit(21);
			ret = job_ok(c.fd, u, 22) ?: lr_job_ok(c.fd, s, 10);
			if (!ret && memcmp(src, dst, LONG_COPY))
				ret = 13;
			_exit(ret);
		}
		close(p[1]);
		igt_assert_eq(read(p[0], &ch, 1), 1);
		usleep(300000);	/* the child is in munmap */
		*sem = 1;	/* its SVM job goes on, and faults */
		r = vsvm_wait_child_ms(pid, 15000);
		igt_assert_f(r == 0, "the process (SVM job faulting, munmap of its busy "
			     "userptr) %s (%d)\n", r < 0 ? "is stuck" : "failed", r);
		igt_assert_eq(vsvm_debugfs_write(dbg, "svm_chunk", "0"), 0);
		close(dbg);
		close(p[0]);
	}

	/*
	 * I2: an SVM VM's job may wait for memory while it resolves a fault,
	 * so it exports no dma-fence (long-running mode).
	 */
	igt_describe("EXEC on an SVM VM refuses binary and timeline out-syncs with EINVAL; "
		     "in-syncs stay allowed; a user fence is refused on an ordinary VM "
		     "and for a bad address, a second one, or an unreadable extension.");
	igt_subtest("lr-out-sync-refused") {
		struct drm_vsvm_sync sync = { 0 };
		struct drm_vsvm_exec_ext_user_fence uf, uf2;
		struct drm_vsvm_exec e;
		uint32_t j, vm;
		struct ctx c;

		ctx_init(&c);
		vsvm_emit_store32(CS(&c), (uintptr_t)c.cmd + 2048, 7);
		igt_assert_eq(drmSyncobjCreate(c.fd, DRM_SYNCOBJ_CREATE_SIGNALED, &sync.handle), 0);
		j = job_new(c.fd);
		uf = job_ufence(j);
		e = (struct drm_vsvm_exec){
			.extensions = (uintptr_t)&uf, .vm_id = c.vm,
			.cs_addr = (uintptr_t)c.cmd, .cs_size = c.n * 4,
			.out_syncs = (uintptr_t)&sync, .num_out_syncs = 1,
		};
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		sync.flags = DRM_VSVM_SYNC_TIMELINE;
		sync.point = 1;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		/* Without a user fence too. */
		e.extensions = 0;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		igt_assert_eq_u64(ufences[j], 0);

		/* In-syncs are allowed: the job waits for them and runs. */
		sync.flags = 0;
		sync.point = 0;
		e.extensions = (uintptr_t)&uf;
		e.out_syncs = 0;
		e.num_out_syncs = 0;
		e.in_syncs = (uintptr_t)&sync;
		e.num_in_syncs = 1;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(job_end(c.fd, j), 1);
		igt_assert_eq(c.cmd[512], 7);
		e.in_syncs = 0;
		e.num_in_syncs = 0;

		/* The user-fence extension's refusals. */
		uf.addr = 0;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		uf.addr = (uintptr_t)&ufences[j] + 4;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		uf.addr = 1ull << 48;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		uf = job_ufence(j);
		uf2 = uf;
		uf.base.next_extension = (uintptr_t)&uf2;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		uf.base.next_extension = 8;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EFAULT);
		uf.base.next_extension = 0;
		/* On an ordinary VM: refused. */
		igt_assert_eq(__svm_vm_create(c.fd, 0, &vm), 0);
		e.vm_id = vm;
		do_ioctl_err(c.fd, DRM_IOCTL_VSVM_EXEC, &e, EINVAL);
		drmSyncobjDestroy(c.fd, sync.handle);
		ctx_fini(&c);
	}

	/* I2: a job's end is told by its user fence, which WAIT_USER_FENCE waits for. */
	igt_describe("A job spinning on a semaphore writes its user fence in malloc'd "
		     "memory once released: WAIT_USER_FENCE times out with ETIME before, "
		     "and returns once the value lands, woken rather than timed out; "
		     "every op and the mask.");
	igt_subtest("user-fence-wait") {
		volatile uint32_t *sem = anon(PAGE);
		uint64_t *uf = malloc(64), t;
		struct drm_vsvm_exec_ext_user_fence ext;
		struct drm_vsvm_exec e;
		struct ctx c;

		ctx_init(&c);
		*sem = 0;
		uf[0] = 0;
		vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
		ext = (struct drm_vsvm_exec_ext_user_fence){
			.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
			.addr = (uintptr_t)uf, .value = 0x1234567800000042ull,
		};
		e = (struct drm_vsvm_exec){
			.extensions = (uintptr_t)&ext, .vm_id = c.vm,
			.cs_addr = (uintptr_t)c.cmd, .cs_size = c.n * 4,
		};
		do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(__wait_ufence(c.fd, uf, DRM_VSVM_UFENCE_OP_EQ, ext.value, ~0ull, 0),
			      -ETIME);
		t = vsvm_now_ns();
		igt_assert_eq(__wait_ufence(c.fd, uf, DRM_VSVM_UFENCE_OP_EQ, ext.value, ~0ull,
					    100000000), -ETIME);
		igt_assert_cmps64(vsvm_now_ns() - t, >=, <, 90000000);
		igt_assert_eq_u64(uf[0], 0);
		*sem = 1;
		t = vsvm_now_ns();
		igt_assert_eq(__wait_ufence(c.fd, uf, DRM_VSVM_UFENCE_OP_EQ, ext.value, ~0ull,
					    20000000000ll), 0);
		t = vsvm_now_ns() - t;
		igt_assert_eq_u64(uf[0], ext.value);
		igt_info("user fence landed %.1f ms after the release\n", t / 1e6);
		igt_assert_f(t < 10000000000ull, "woken only after %llu ns\n",
			     (unsigned long long)t);

		/* Every op, on the value in place (timeout 0: check once). */
#define UFW(op, v, m) __wait_ufence(c.fd, uf, DRM_VSVM_UFENCE_OP_##op, (v), (m), 0)
		igt_assert_eq(UFW(EQ, 0x42, 0xffff), 0);
		igt_assert_eq(UFW(EQ, 0x43, 0xffff), -ETIME);
		igt_assert_eq(UFW(NEQ, 0x43, ~0ull), 0);
		igt_assert_eq(UFW(NEQ, ext.value, ~0ull), -ETIME);
		igt_assert_eq(UFW(GT, ext.value - 1, ~0ull), 0);
		igt_assert_eq(UFW(GT, ext.value, ~0ull), -ETIME);
		igt_assert_eq(UFW(GTE, ext.value, ~0ull), 0);
		igt_assert_eq(UFW(GTE, ext.value + 1, ~0ull), -ETIME);
		igt_assert_eq(UFW(LT, ext.value + 1, ~0ull), 0);
		igt_assert_eq(UFW(LT, ext.value, ~0ull), -ETIME);
		igt_assert_eq(UFW(LTE, ext.value, ~0ull), 0);
		igt_assert_eq(UFW(LTE, ext.value - 1, ~0ull), -ETIME);
		igt_assert_eq(UFW(EQ, 0x12345678ull << 32, 0xffffffffull << 32), 0);
#undef UFW
		ctx_fini(&c);
		free(uf);
		munmap((void *)sem, PAGE);
	}

	/* I2: the user fence is a GPU write like any other: it may fault. */
	igt_describe("A job's user fence in fresh memory the GPU never touched: the write "
		     "faults, is resolved, and lands; SVM_PREFETCH's user fence too.");
	igt_subtest("user-fence-untouched-memory") {
		uint64_t *fresh = anon(2 * PAGE);
		struct drm_vsvm_exec_ext_user_fence ext = {
			.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
			.addr = (uintptr_t)fresh, .value = 99,
		};
		struct drm_vsvm_svm_prefetch p;
		struct drm_vsvm_exec e;
		long long faults;
		uint64_t mark;
		struct ctx c;

		ctx_init(&c);
		vsvm_emit_store32(CS(&c), (uintptr_t)c.cmd + 2048, 1);
		igt_assert_eq(run(&c), 1);	/* the stream's page is mapped now */
		vsvm_emit_store32(CS(&c), (uintptr_t)c.cmd + 2048, 2);
		faults = svm_stat(c.fd, "svm_pagefault_count");
		mark = newest_fault(c.fd).seqno;
		e = (struct drm_vsvm_exec){
			.extensions = (uintptr_t)&ext, .vm_id = c.vm,
			.cs_addr = (uintptr_t)c.cmd, .cs_size = c.n * 4,
		};
		do_ioctl(c.fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(__wait_ufence(c.fd, fresh, DRM_VSVM_UFENCE_OP_EQ, 99, ~0ull,
					    20000000000ll), 0);
		igt_assert_eq_u64(fresh[0], 99);
		igt_assert_cmps64(faults, <, >=, svm_stat(c.fd, "svm_pagefault_count"));
		igt_assert_eq_u64(newest_fault(c.fd).seqno, mark);

		/* SVM_PREFETCH of the other page, its user fence there too. */
		ext.addr = (uintptr_t)&fresh[PAGE / 8];
		ext.value = 100;
		p = (struct drm_vsvm_svm_prefetch){
			.extensions = (uintptr_t)&ext, .vm_id = c.vm,
			.addr = (uintptr_t)&fresh[PAGE / 8], .size = PAGE,
		};
		do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p);
		igt_assert_eq(__wait_ufence(c.fd, &fresh[PAGE / 8], DRM_VSVM_UFENCE_OP_EQ, 100,
					    ~0ull, 20000000000ll), 0);
		ctx_fini(&c);
		munmap(fresh, 2 * PAGE);
	}

	/*
	 * I10: a page the GPU may only read is DMA-mapped to the device only;
	 * the zero page, which every read of untouched read-only memory maps,
	 * is then mapped 512 times per 2 MiB chunk without the DMA API
	 * reporting overlapping writable mappings.
	 */
	igt_describe("GPU reads of untouched read-only memory (the zero page) through SVM: "
		     "64 2 MiB slots, each read once, read zeros within a bound, take one "
		     "fault each, and leave the kernel untainted (no DMA-API warning).");
	igt_subtest("read-only-untouched") {
		const uint64_t slot = 2ull << 20;
		const unsigned int slots = 64, per_job = 32;
		uint8_t *ro, *raw = mmap(NULL, (slots + 1) * slot, PROT_READ,
					 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		uint64_t *dst = anon(slots * 8), t0, t;
		long long faults, fault_us, get_us, tainted = kernel_tainted();
		unsigned int i, j;
		struct ctx c;

		igt_assert(raw != MAP_FAILED);
		ro = (uint8_t *)(((uintptr_t)raw + slot - 1) & ~(slot - 1));
		memset(dst, 0xa5, slots * 8);
		ctx_init(&c);
		vsvm_emit_store32(CS(&c), (uintptr_t)c.cmd + 4000, 1);
		igt_assert_eq(run(&c), 1);	/* the stream's page is mapped now */
		faults = svm_stat(c.fd, "svm_pagefault_count");
		fault_us = svm_stat(c.fd, "svm_pagefault_us");
		get_us = svm_stat(c.fd, "svm_get_pages_us");
		t0 = vsvm_now_ns();
		for (i = 0; i < slots; i += per_job) {
			for (j = i; j < i + per_job; j++)
				vsvm_emit_copy(CS(&c), (uintptr_t)&dst[j],
					       (uintptr_t)ro + j * slot + (j % 512) * PAGE, 8);
			igt_assert_eq(run(&c), 1);
		}
		t = vsvm_now_ns() - t0;
		faults = svm_stat(c.fd, "svm_pagefault_count") - faults;
		igt_info("%u untouched read-only 2 MiB slots read in %.2f s: %lld faults, "
			 "%.2f ms each (getting and DMA-mapping the pages: %.2f ms)\n",
			 slots, t / 1e9, faults,
			 (svm_stat(c.fd, "svm_pagefault_us") - fault_us) / 1e3 / faults,
			 (svm_stat(c.fd, "svm_get_pages_us") - get_us) / 1e3 / faults);
		for (j = 0; j < slots; j++)
			igt_assert_eq_u64(dst[j], 0);
		/* One fault per slot (and maybe one of the stream's page): no loop. */
		igt_assert_cmps64(faults, >=, <, slots);
		igt_assert_cmps64(faults, <=, >, slots + 1);
		igt_assert_f(t < 60e9, "the reads took %.1f s\n", t / 1e9);
		ctx_fini(&c);
		munmap(raw, (slots + 1) * slot);
		munmap(dst, slots * 8);
		igt_assert_f(!(kernel_tainted() & ~tainted & TAINT_WARN),
			     "the kernel warned (taint %lld, was %lld): see its log\n",
			     kernel_tainted(), tainted);
	}

	igt_describe("Every errno of WAIT_USER_FENCE: EINVAL for flags, pad, op, address, "
		     "negative timeout, zero mask and a refused extension; EFAULT for an "
		     "unreadable address or extension; ETIME; EINTR on a signal; and it "
		     "works on the render node.");
	igt_subtest("wait-user-fence-errors") {
		uint64_t *val = anon(PAGE), *gone = anon(PAGE);
		struct drm_vsvm_user_extension ext = { .name = 1 };
		struct drm_vsvm_wait_user_fence w;
		struct sigaction sa = { .sa_handler = alarm_noop };
		struct itimerval it = { .it_value.tv_usec = 200000 };
		int fd = drm_open_driver(DRIVER_VSVM), rfd;
		uint64_t t;

		munmap(gone, PAGE);
		*val = 5;
#define W0 ((struct drm_vsvm_wait_user_fence){ .addr = (uintptr_t)val, .value = 5, \
					      .mask = ~0ull, .op = DRM_VSVM_UFENCE_OP_EQ })
		w = W0;
		do_ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
		w = W0;
		w.flags = 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.pad = 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.op = DRM_VSVM_UFENCE_OP_LTE + 1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.addr = 0;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.addr += 4;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.timeout = -1;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.mask = 0;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w = W0;
		w.extensions = (uintptr_t)&ext;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EINVAL);
		w.extensions = 8;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EFAULT);
		w = W0;
		w.addr = (uintptr_t)gone;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EFAULT);
		w = W0;
		w.value = 6;
		w.timeout = 50000000;
		do_ioctl_err(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, ETIME);

		/* A signal without SA_RESTART ends the wait with EINTR. */
		igt_assert_eq(sigaction(SIGALRM, &sa, NULL), 0);
		w = W0;
		w.value = 6;
		w.timeout = 10000000000ll;
		t = vsvm_now_ns();
		igt_assert_eq(setitimer(ITIMER_REAL, &it, NULL), 0);
		igt_assert_eq(ioctl(fd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w), -1);
		igt_assert_eq(errno, EINTR);
		igt_assert_cmpu64(vsvm_now_ns() - t, <, >=, 5000000000ull);
		signal(SIGALRM, SIG_DFL);

		/* The render node: the caller's own memory only. */
		rfd = drm_open_driver_render(DRIVER_VSVM);
		w = W0;
		do_ioctl(rfd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w);
		w.addr = (uintptr_t)gone;
		do_ioctl_err(rfd, DRM_IOCTL_VSVM_WAIT_USER_FENCE, &w, EFAULT);
#undef W0
		close(rfd);
		close(fd);
		munmap(val, PAGE);
	}

	/* I2: teardown waits for the VM's long-running jobs without a fence. */
	igt_describe("VM_DESTROY of an SVM VM with a job spinning on it returns only once "
		     "the job ended (released by another thread), its user fence "
		     "written; closing the file with a job queued is quiet.");
	igt_subtest("destroy-with-lr-job") {
		volatile uint32_t *sem = anon(PAGE);
		struct drm_vsvm_vm_destroy d = { 0 };
		struct release_arg ra = { .sem = sem, .us = 300000 };
		pthread_t thr;
		uint64_t t;
		uint32_t j;
		struct ctx c;

		ctx_init(&c);
		*sem = 0;
		vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
		vsvm_emit_store32(CS(&c), (uintptr_t)sem + 4, 2);
		j = submit(&c);
		c.n = 0;
		usleep(50000);
		igt_assert_eq(job_wait_ms(c.fd, j, 0), -ETIME);
		t = vsvm_now_ns();
		igt_assert_eq(pthread_create(&thr, NULL, release_later, &ra), 0);
		d.vm_id = c.vm;
		do_ioctl(c.fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
		t = vsvm_now_ns() - t;
		/* The job ended before VM_DESTROY returned. */
		igt_assert_eq_u64(ufences[j], JOB_DONE);
		igt_assert_eq(sem[1], 2);
		igt_assert_cmpu64(t, >=, <, 250000000ull);
		pthread_join(thr, NULL);

		/* Close with a job queued behind a spinning one: quiet. */
		igt_assert_eq(__svm_vm_create(c.fd, DRM_VSVM_VM_CREATE_SVM, &c.vm), 0);
		sem[0] = 0;
		vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
		submit(&c);
		submit(&c);
		ra.us = 200000;
		igt_assert_eq(pthread_create(&thr, NULL, release_later, &ra), 0);
		ctx_fini(&c);
		pthread_join(thr, NULL);
		munmap((void *)sem, PAGE);
	}

	/* I2: a fault holds up its own context only (see vsvm_fault.c). */
	igt_describe("I2: with context A's GPU fault held in the fault queue, context B's "
		     "job on the same queue (the same long-running ring) completes while A "
		     "stays parked; then A resumes at its faulting FILL and completes it.");
	igt_subtest("fault-stall-other-context") {
		volatile uint32_t *done_a = anon(PAGE), *done_b = anon(PAGE);
		uint8_t *abuf = anon(BUF), *bbuf = anon(BUF);
		uint32_t ja, jb;
		struct ctx a, b;

		ctx_init(&a);
		ctx_init_fd(&b, a.fd);
		fault_knob(a.fd, FAULT_LET_GO);
		fault_warm(&a, done_a);
		fault_warm(&b, done_b);

		ja = fault_park(&a, abuf, BUF, done_a);
		/* B faults too: its faults go to other workers. */
		vsvm_emit_fill(CS(&b), (uintptr_t)bbuf, 0x3c3c3c3c, BUF);
		vsvm_emit_store32(CS(&b), (uintptr_t)done_b, 1);
		jb = submit(&b);
		b.n = 0;
		igt_assert_eq(job_wait_ms(b.fd, jb, 3000), 0);
		igt_assert_eq(job_status(b.fd, jb), 1);
		igt_assert_eq(*done_b, 1);
		assert_bytes(bbuf, BUF, 0x3c);
		/* A was parked all along. */
		igt_assert_eq_u64(ufences[ja], 0);
		igt_assert(fault_held(a.fd, 0));

		fault_knob(a.fd, FAULT_LET_GO);
		igt_assert_eq(job_end(a.fd, ja), 1);
		igt_assert_eq(*done_a, 1);
		assert_bytes(abuf, BUF, 0x5a);
		igt_assert_lt(0, svm_stat(a.fd, "svm_fault_queued"));

		munmap(abuf, BUF);
		munmap(bbuf, BUF);
		munmap((void *)done_a, PAGE);
		munmap((void *)done_b, PAGE);
		munmap(b.cmd, CMD_WORDS * 4);
		ctx_fini(&a);
	}

	igt_describe("A reset while a context is parked on a fault: a SPIN job of another "
		     "context on the same queue runs meanwhile and is killed at the timeout "
		     "(its context banned: -EIO; its user fence, in fresh memory, written "
		     "through a fault resolved after the kill), and the parked context "
		     "completes once its fault is resolved, not banned.");
	igt_subtest("fault-stall-reset") {
		volatile uint32_t *done_a = anon(PAGE), *sem = anon(PAGE);
		uint64_t *s_uf = anon(PAGE);
		uint8_t *abuf = anon(BUF);
		struct drm_vsvm_query_device dev = { 0 };
		struct drm_vsvm_query q = {
			.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(dev),
			.data = (uintptr_t)&dev,
		};
		uint32_t ja, j;
		struct ctx a, s;

		ctx_init(&a);
		ctx_init_fd(&s, a.fd);
		do_ioctl(a.fd, DRM_IOCTL_VSVM_QUERY, &q);
		fault_knob(a.fd, FAULT_LET_GO);
		fault_warm(&a, done_a);
		fault_warm(&s, sem);

		ja = fault_park(&a, abuf, BUF, done_a);
		/*
		 * Its user fence in fresh memory: killed, the job parks on the
		 * fault of that write, which is resolved after the kill.
		 */
		vsvm_emit_spin(CS(&s), (uintptr_t)sem, 1);
		{
			struct drm_vsvm_exec_ext_user_fence uf = {
				.base.name = DRM_VSVM_EXEC_EXT_USER_FENCE,
				.addr = (uintptr_t)s_uf, .value = JOB_DONE,
			};
			struct drm_vsvm_exec e = {
				.extensions = (uintptr_t)&uf, .vm_id = s.vm,
				.cs_addr = (uintptr_t)s.cmd, .cs_size = s.n * 4,
			};

			do_ioctl(s.fd, DRM_IOCTL_VSVM_EXEC, &e);
		}
		s.n = 0;
		/* Killed at the timeout: a killed job still writes its user fence. */
		igt_assert_eq(__wait_ufence(s.fd, s_uf, DRM_VSVM_UFENCE_OP_EQ, JOB_DONE, ~0ull,
					    (dev.job_timeout_ms * 5 + 5000) * 1000000ll), 0);
		igt_assert_f(fault_held(a.fd, 0),
			     "the spinning job ended only after the held fault was let go\n");
		igt_assert_eq_u64(ufences[ja], 0);
		vsvm_emit_store32(CS(&s), (uintptr_t)sem, 1);
		igt_assert_eq(__submit(&s, &j), -EIO);
		s.n = 0;

		fault_knob(a.fd, FAULT_LET_GO);
		igt_assert_eq(job_end(a.fd, ja), 1);
		igt_assert_eq(*done_a, 1);
		assert_bytes(abuf, BUF, 0x5a);
		/* A's context was not banned. */
		vsvm_emit_store32(CS(&a), (uintptr_t)done_a, 2);
		igt_assert_eq(run(&a), 1);
		igt_assert_eq(*done_a, 2);

		munmap(abuf, BUF);
		munmap((void *)done_a, PAGE);
		munmap((void *)sem, PAGE);
		munmap(s_uf, PAGE);
		munmap(s.cmd, CMD_WORDS * 4);
		ctx_fini(&a);
	}

	igt_describe("VM_DESTROY, the file's close and the process's exit while a context "
		     "is parked on a fault in the fault queue: no hang (destroy and close "
		     "wait for the job, the exit's job ends with -EFAULT), no leak.");
	igt_subtest("fault-queued-teardown") {
		int fd = drm_open_driver(DRIVER_VSVM);

		fault_teardown(fd, FT_DESTROY);
		fault_teardown(fd, FT_CLOSE);
		fault_teardown(fd, FT_EXIT);
		close(fd);
	}

	igt_describe("I1, I3: a GPU fault held between its pages and their use while the "
		     "CPU munmaps the page: the freed page is never DMA-mapped, and the job "
		     "faults.");
	igt_subtest("fault-pages-munmap") {
		volatile uint32_t *done = anon(PAGE);
		uint8_t *buf = anon(PAGE), *other = anon(2 * 1024 * PAGE);
		uint32_t j;
		struct ctx c;

		ctx_init(&c);
		fault_knob(c.fd, FAULT_LET_GO);
		fault_warm(&c, done);
		memset(buf, 0x11, PAGE);
		/* Other pages faulted after it: the page leaves the LRU batch. */
		memset(other, 0x33, 2 * 1024 * PAGE);
		fault_knob(c.fd, FAULT_PAGES_HOLD);
		vsvm_emit_store32(CS(&c), (uintptr_t)buf, 0xdeadbeef);
		j = submit(&c);
		c.n = 0;
		igt_assert_f(fault_held(c.fd, 3000), "the fault was not held with its pages\n");
		/* The page goes: nothing holds it for the GPU yet, so it is freed. */
		igt_assert_eq(munmap(buf, PAGE), 0);
		fault_knob(c.fd, FAULT_LET_GO);
		igt_assert_eq(job_end(c.fd, j), -EFAULT);
		igt_assert_eq(last_fault(c.fd).reason, DRM_VSVM_FAULT_NOT_PRESENT);
		/* The device still works. */
		vsvm_emit_store32(CS(&c), (uintptr_t)done, 7);
		igt_assert_eq(run(&c), 1);
		igt_assert_eq(*done, 7);
		ctx_fini(&c);
		munmap(other, 2 * 1024 * PAGE);
		munmap((void *)done, PAGE);
	}

	igt_describe("The SVM's DMA-address xarray is charged to the memory cgroup of the "
		     "process whose faults fill it.");
	igt_subtest("fault-xarray-memcg") {
		igt_require_f(xa_cgroup(), "no cgroup v2 memory controller\n");
		igt_fork(child, 1) {
			const uint64_t size = 64 << 20, piece = 2 << 20;
			/* One xa_node (576 bytes) per 64 pages at least: 512 a floor. */
			const long long want = size / PAGE / 64 * 512;
			uint8_t *src, *dst;
			long long before, grew = 0;
			char pid[16];
			uint64_t off;
			struct ctx c;
			int i;

			alarm(120);
			snprintf(pid, sizeof(pid), "%d", getpid());
			igt_assert(vsvm_write_str(XA_CG "/cgroup.procs", pid));
			ctx_init(&c);
			/* Untouched: the GPU reads it as the zero page, no memory. */
			src = anon(size);
			dst = anon(piece);
			memset(dst, 0, piece);
			vsvm_emit_store32(CS(&c), (uintptr_t)dst, 0);
			igt_assert_eq(run(&c), 1);
			before = xa_cg_stat("slab_reclaimable");
			for (off = 0; off < size; off += piece)
				vsvm_emit_copy(CS(&c), (uintptr_t)dst, (uintptr_t)(src + off), piece);
			igt_assert_eq(run(&c), 1);
			/* The group's statistics are flushed at least every 2 s. */
			for (i = 0; i < 50; i++) {
				grew = xa_cg_stat("slab_reclaimable") - before;
				if (grew >= want)
					break;
				usleep(100000);
			}
			igt_assert_f(grew >= want,
				     "the group's slab_reclaimable grew by %lld bytes over 64 MiB of SVM faults, want >= %lld\n",
				     grew, want);
			ctx_fini(&c);
			munmap(src, size);
			munmap(dst, piece);
		}
		igt_waitchildren();
		rmdir(XA_CG);
	}
}
