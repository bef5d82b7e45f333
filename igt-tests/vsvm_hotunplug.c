// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm hotunplug
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: hotunplug
 * Description: I8, hot-unplug: the vsvm platform driver is unbound from a
 *		device (sysfs unbind) with nothing open, with an idle file
 *		open, and with work of every kind live on it, and bound again.
 *		After the unplug every ioctl and mmap of an old file fails
 *		with -ENODEV, the rebound device works, and the other device
 *		works throughout.  The subtests of IGT's core_hotunplug that
 *		apply to a platform device are mirrored.
 *
 * SUBTEST: unbind-rebind
 * Description: core_hotunplug's unbind-rebind: unbind with nothing open, rebind.
 *
 * SUBTEST: hotunbind-rebind
 * Description: core_hotunplug's hotunbind-rebind: unbind with an idle file open,
 *		-ENODEV on it, close it, rebind.
 *
 * SUBTEST: hotrebind
 * Description: core_hotunplug's hotrebind: unbind with an idle file open, rebind
 *		while it is open, the new device works, then close the old file.
 *
 * SUBTEST: hotrebind-lateclose
 * Description: core_hotunplug's hotrebind-lateclose: unbind with files open,
 *		rebind, use the new device, close the old files last.
 *
 * SUBTEST: mmap-being-read
 * Description: A BO mapped by the CPU and being read when the device is unbound:
 *		the reader gets SIGBUS, the file -ENODEV; the device works after rebind.
 *
 * SUBTEST: spin-and-queued
 * Description: A SPIN job running and one queued behind it: both fences, and the
 *		syncobjs carrying them, signal with -ENODEV at the unbind; a waiter on the
 *		syncobj wakes.
 *
 * SUBTEST: destroy-waiting-spinner
 * Description: A VM_DESTROY waiting for a SPIN job when the device is unbound: the
 *		unplug stops the job at once, well before its timeout, rather than waiting for
 *		it.
 *
 * SUBTEST: userptr-bound
 * Description: Notifier-mode and registration userptrs mapped and used by a job:
 *		the unbind unpins the registration (VmPin back to its start value) with the file
 *		still open; munmap and close after are quiet.
 *
 * SUBTEST: svm-faulting
 * Description: An SVM VM with a long-running job faulting and spinning on process
 *		memory, and a WAIT_USER_FENCE waiter: the waiter gets -ENODEV at the unbind.
 *
 * SUBTEST: prefetch-destroy-unbind
 * Description: I8: an SVM_PREFETCH of 64 GiB of untouched read-only memory runs
 *		while a VM_DESTROY waits for it and the device is unbound: the unbind
 *		stops the prefetch and returns within 10 s, the VM_DESTROY returns,
 *		and the rebound device works.
 *
 * SUBTEST: prime-exported
 * Description: A BO exported to the other vsvm device and to vgem: the other
 *		device's GPU and the dma-buf's CPU mapping still read it after the exporter is
 *		unbound; an import into the unbound device from the other one is detached
 *		quietly; the other device's counts are back to their start values.
 *
 * SUBTEST: exit-race
 * Description: A process with userptrs, an SVM VM and a job exits while the device
 *		is unbound, many times: no lock inversion (lockdep), nothing left behind.
 *
 * SUBTEST: soak
 * Description: Soak: VSVM_HOTUNPLUG_CYCLES (default 100) unbind/rebind cycles with
 *		an open file and jobs in flight.
 *
 * SUBTEST: unplug-rescan
 * Description: core_hotunplug's unplug-rescan, hotunplug-rescan, hotreplug and
 *		hotreplug-lateclose remove and rescan a PCI device: a platform device has no
 *		such thing.
 */

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#include <linux/sync_file.h>

#define PAGE 4096ull
#define BO_SIZE (16 * PAGE)
#define CMD_VA 0x1000000ull
#define DATA_VA 0x2000000ull

#define DRV_DIR "/sys/bus/platform/drivers/vsvm"

/* The platform device ("vsvm.0") of DRM file @fd, in @name. */
static void dev_name_of(int fd, char *name, size_t len)
{
	char path[128], link[256];
	struct stat st;
	ssize_t n;

	igt_assert_eq(fstat(fd, &st), 0);
	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(path, link, sizeof(link) - 1);
	igt_assert_f(n > 0, "%s: no device link\n", path);
	link[n] = '\0';
	snprintf(name, len, "%s", basename(link));
}

/* Writes @name to the driver's sysfs file @what: 0 or -errno. */
static int drv_write(const char *what, const char *name)
{
	char path[128];
	int f, ret = 0;

	snprintf(path, sizeof(path), DRV_DIR "/%s", what);
	f = open(path, O_WRONLY);
	if (f < 0)
		return -errno;
	if (write(f, name, strlen(name)) < 0)
		ret = -errno;
	close(f);
	return ret;
}

static void unbind(const char *name)
{
	igt_assert_f(drv_write("unbind", name) == 0, "unbind %s: %m\n", name);
}

static void bind(const char *name)
{
	igt_assert_f(drv_write("bind", name) == 0, "bind %s: %m\n", name);
}

/* Whether the driver is bound to platform device @name. */
static bool bound(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), DRV_DIR "/%s", name);
	return access(path, F_OK) == 0;
}

/*
 * Binds @name again if an earlier subtest failed with it unbound, so that one
 * failure does not fail (or hang) every subtest after it.
 */
static void recover(const char *name)
{
	if (!bound(name))
		drv_write("bind", name);
	igt_assert_f(bound(name), "%s: cannot bind it again\n", name);
}

/* Opens @name's DRM node ("card" or "renderD"): the fd, or -errno. */
static int open_dev(const char *name, const char *kind)
{
	char path[300];
	struct dirent *e;
	int fd = -ENOENT;
	DIR *d;

	snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/drm", name);
	d = opendir(path);
	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, kind, strlen(kind)) ||
		    !isdigit((unsigned char)e->d_name[strlen(kind)]))
			continue;
		snprintf(path, sizeof(path), "/dev/dri/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		break;
	}
	closedir(d);
	return fd;
}

/* Every ioctl, and mmap of a new offset, fails with -ENODEV on @fd. */
static void assert_enodev(int fd)
{
	struct drm_vsvm_gem_create c = { .size = PAGE };
	struct drm_vsvm_vm_create v = { 0 };
	struct drm_vsvm_query_device qd;
	struct drm_vsvm_query q = {
		.query = DRM_VSVM_QUERY_DEVICE, .size = sizeof(qd), .data = (uintptr_t)&qd,
	};
	struct drm_vsvm_gem_mmap_offset mo = { .handle = 1 };
	struct drm_vsvm_exec e = { .vm_id = 1, .cs_addr = CMD_VA, .cs_size = 4 };
	uint32_t s;
	void *p;

	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_CREATE, &c) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &v) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_QUERY, &q) ? -errno : 0, -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET, &mo) ? -errno : 0,
		      -ENODEV);
	igt_assert_eq(igt_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e) ? -errno : 0, -ENODEV);
	igt_assert_eq(drmSyncobjCreate(fd, 0, &s) ? -errno : 0, -ENODEV);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0x100000000ull);
	igt_assert(p == MAP_FAILED);
	igt_assert_eq(errno, ENODEV);
}

/** A file with a VM, a command buffer and a data buffer, both mapped. */
struct ctx {
	int fd;
	uint32_t vm;
	uint32_t cmd_bo, data_bo;
	uint32_t *cmd;
	uint32_t *data;
	unsigned int n;
};

#define CS(c) (c)->cmd, &(c)->n, BO_SIZE / 4

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
}

/* Submits the words from @first on, on @queue: the out-syncobj. */
static uint32_t submit(struct ctx *c, unsigned int first, uint32_t queue)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .queue = queue,
		.cs_addr = CMD_VA + first * 4, .cs_size = (c->n - first) * 4,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	return out.handle;
}

/* The device of @fd runs a job: a STORE lands. */
static void healthcheck_fd(int fd)
{
	struct ctx c;

	ctx_init(&c, fd);
	c.data[0] = 0;
	vsvm_emit_store32(CS(&c), DATA_VA, 0xc0ffee);
	vsvm_emit_end(CS(&c));
	igt_assert_eq(vsvm_job_end(fd, submit(&c, 0, 0)), 1);
	igt_assert_eq_u32(c.data[0], 0xc0ffee);
	ctx_fini(&c);
}

/* Device @name, bound, works; so does every other vsvm device. */
static void healthcheck(const char *name)
{
	int i, fd;

	igt_assert(bound(name));
	fd = open_dev(name, "card");
	igt_assert_f(fd >= 0, "%s: no node after bind\n", name);
	igt_assert(vsvm_is_vsvm(fd));
	healthcheck_fd(fd);
	for (i = 0; i < 16; i++) {
		char other[16];
		int ofd;

		snprintf(other, sizeof(other), "vsvm.%d", i);
		if (!strcmp(other, name) || !bound(other))
			continue;
		ofd = open_dev(other, "renderD");
		igt_assert_f(ofd >= 0, "%s: cannot open\n", other);
		healthcheck_fd(ofd);
	}
}

/* --- live work at the unplug ---------------------------------------------- */

/* A sync_file of @s's fence, which outlives the file's unplug. */
static int sync_fd_of(int fd, uint32_t s)
{
	int sfd = -1;

	igt_assert_eq(drmSyncobjExportSyncFile(fd, s, &sfd), 0);
	return sfd;
}

/* The status of @sfd's fence after up to @ms: 1, 0 (pending) or its error. */
static int sync_fd_status(int sfd, unsigned int ms)
{
	struct sync_file_info info = { 0 };
	struct pollfd p = { .fd = sfd, .events = POLLIN };

	poll(&p, 1, ms);
	igt_assert_eq(ioctl(sfd, SYNC_IOC_FILE_INFO, &info), 0);
	return info.status;
}

/* Emits a job that marks word @mark and then spins on word @sem. */
static void emit_spinner(struct ctx *c, unsigned int mark, unsigned int sem)
{
	c->data[mark] = 0;
	c->data[sem] = 0;
	vsvm_emit_store32(CS(c), DATA_VA + mark * 4, 1);
	vsvm_emit_spin(CS(c), DATA_VA + sem * 4, 1);
	vsvm_emit_end(CS(c));
}

/* Waits up to 10 s for the engine to have started the spinner. */
static void wait_started(struct ctx *c, unsigned int mark)
{
	uint64_t end = vsvm_now_ns() + 10000000000ull;

	while (!__atomic_load_n(&c->data[mark], __ATOMIC_ACQUIRE)) {
		igt_assert_f(vsvm_now_ns() < end, "the spinner never started\n");
		usleep(1000);
	}
}

/*
 * Queues @n jobs on @c: a spinner on queue 0 and @n - 1 STOREs behind it
 * on the same queue.  Returns sync_files of their fences in @sfd.
 */
static void queue_jobs(struct ctx *c, unsigned int n, int *sfd)
{
	unsigned int i, first;
	uint32_t s;

	c->n = 0;
	emit_spinner(c, 0, 1);
	s = submit(c, 0, 0);
	sfd[0] = sync_fd_of(c->fd, s);
	drmSyncobjDestroy(c->fd, s);
	for (i = 1; i < n; i++) {
		first = c->n;
		vsvm_emit_store32(CS(c), DATA_VA + (8 + i % 64) * 4, i);
		vsvm_emit_end(CS(c));
		s = submit(c, first, 0);
		sfd[i] = sync_fd_of(c->fd, s);
		drmSyncobjDestroy(c->fd, s);
	}
}

static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	siglongjmp(sigbus_jmp, 1);
}

/* Reads @p until a SIGBUS: exits 0 then, 1 after @ms without one. */
static void read_until_sigbus(volatile uint32_t *p, unsigned int ms)
{
	uint64_t end = vsvm_now_ns() + ms * 1000000ull;
	volatile uint32_t sum = 0;

	signal(SIGBUS, on_sigbus);
	if (sigsetjmp(sigbus_jmp, 1))
		_exit(0);
	while (vsvm_now_ns() < end)
		sum += p[(sum & 1023) * 16 % (BO_SIZE / 4)];
	_exit(1);
}

/* VmPin of this process, in kB. */
static long vm_pin_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	igt_assert(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static void *anon(uint64_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	return p;
}

/** A WAIT_USER_FENCE in a thread, for a value that never comes. */
struct ufence_waiter {
	int fd;
	volatile uint64_t *addr;
	int ret;
};

static void *ufence_wait_thread(void *arg)
{
	struct ufence_waiter *w = arg;

	w->ret = vsvm_ufence_wait_ms(w->fd, w->addr, 0x600df00d, 30000);
	return NULL;
}

/* The other bound vsvm device than @name, in @other; false if none. */
static bool other_dev(const char *name, char *other, size_t len)
{
	int i;

	for (i = 0; i < 16; i++) {
		snprintf(other, len, "vsvm.%d", i);
		if (strcmp(other, name) && bound(other))
			return true;
	}
	return false;
}

/* One unbind-rebind cycle with an open file and @jobs jobs in flight. */
static void cycle_with_jobs(const char *name, unsigned int jobs)
{
	int sfd[16], fd = open_dev(name, "renderD");
	struct ctx c;
	unsigned int i;

	igt_assert_lte(0, fd);
	ctx_init(&c, fd);
	queue_jobs(&c, jobs, sfd);
	unbind(name);
	for (i = 0; i < jobs; i++) {
		int st = sync_fd_status(sfd[i], 10000);

		igt_assert_f(st == -ENODEV, "job %u of %u: status %d, want -ENODEV\n",
			     i, jobs, st);
		close(sfd[i]);
	}
	assert_enodev(fd);
	ctx_fini(&c);
	bind(name);
}

static unsigned int env_uint(const char *var, unsigned int def)
{
	const char *v = getenv(var);

	return v && *v ? (unsigned int)strtoul(v, NULL, 0) : def;
}

/** A VM_DESTROY in a thread, which waits for the VM's jobs. */
struct destroyer {
	int fd;
	uint32_t vm;
	int ret;
};

static void *destroy_thread(void *arg)
{
	struct destroyer *d = arg;
	struct drm_vsvm_vm_destroy vd = { .vm_id = d->vm };

	d->ret = igt_ioctl(d->fd, DRM_IOCTL_VSVM_VM_DESTROY, &vd) ? -errno : 0;
	return NULL;
}

/** A sysfs unbind in a thread, timed, so that the test can bound it. */
struct unbinder {
	const char *name;
	uint64_t ns;
	volatile bool done;
	int ret;
};

static void *unbind_thread(void *arg)
{
	struct unbinder *u = arg;
	uint64_t t = vsvm_now_ns();

	u->ret = drv_write("unbind", u->name);
	u->ns = vsvm_now_ns() - t;
	u->done = true;
	return NULL;
}

static char name[32];

/*
 * A subtest that starts with the device bound (recover()), whatever an
 * earlier one left.
 */
#define subtest_bound(n) igt_subtest(n) if (recover(name), false) {} else

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require(vsvm_is_vsvm(fd));
		dev_name_of(fd, name, sizeof(name));
		close(fd);
		igt_assert_f(access(DRV_DIR "/unbind", W_OK) == 0,
			     "vsvm is not a platform driver with unbind\n");
	}

	igt_describe("core_hotunplug's unbind-rebind: unbind with nothing open, rebind.");
	subtest_bound("unbind-rebind") {
		unbind(name);
		igt_assert(!bound(name));
		bind(name);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotunbind-rebind: unbind with an idle file open, "
		     "-ENODEV on it, close it, rebind.");
	subtest_bound("hotunbind-rebind") {
		int fd = open_dev(name, "card");

		igt_assert_lte(0, fd);
		unbind(name);
		assert_enodev(fd);
		close(fd);
		bind(name);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotrebind: unbind with an idle file open, rebind "
		     "while it is open, the new device works, then close the old file.");
	subtest_bound("hotrebind") {
		int fd = open_dev(name, "renderD");

		igt_assert_lte(0, fd);
		unbind(name);
		bind(name);
		assert_enodev(fd);
		close(fd);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's hotrebind-lateclose: unbind with files open, "
		     "rebind, use the new device, close the old files last.");
	subtest_bound("hotrebind-lateclose") {
		int fd = open_dev(name, "renderD"), fd2 = open_dev(name, "card");

		igt_assert_lte(0, fd);
		igt_assert_lte(0, fd2);
		unbind(name);
		bind(name);
		healthcheck(name);
		assert_enodev(fd);
		assert_enodev(fd2);
		close(fd2);
		close(fd);
	}

	igt_describe("A BO mapped by the CPU and being read when the device is "
		     "unbound: the reader gets SIGBUS, the file -ENODEV; the device "
		     "works after rebind.");
	subtest_bound("mmap-being-read") {
		int fd = open_dev(name, "renderD");
		uint32_t bo;
		uint32_t *p;
		pid_t pid;

		igt_assert_lte(0, fd);
		bo = vsvm_gem_create(fd, BO_SIZE);
		p = vsvm_gem_mmap(fd, bo, BO_SIZE);
		memset(p, 0x5a, BO_SIZE);
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0)
			read_until_sigbus(p, 20000);
		usleep(100000);
		unbind(name);
		igt_assert_f(vsvm_wait_child_ms(pid, 15000) == 0,
			     "the reader got no SIGBUS after the unplug\n");
		assert_enodev(fd);
		munmap(p, BO_SIZE);
		close(fd);
		bind(name);
		healthcheck(name);
	}

	igt_describe("A SPIN job running and one queued behind it: both fences, "
		     "and the syncobjs carrying them, signal with -ENODEV at the "
		     "unbind; a waiter on the syncobj wakes.");
	subtest_bound("spin-and-queued") {
		int fd = open_dev(name, "renderD"), sfd[2];
		unsigned int first;
		struct ctx c;
		uint32_t s;
		pid_t pid;

		igt_assert_lte(0, fd);
		ctx_init(&c, fd);
		emit_spinner(&c, 0, 1);
		s = submit(&c, 0, 0);
		sfd[0] = sync_fd_of(fd, s);
		wait_started(&c, 0);
		/*
		 * After the spinner's words, never over them: the engine may not
		 * have read its SPIN yet (the STORE before it runs in run_job).
		 */
		first = c.n;
		vsvm_emit_store32(CS(&c), DATA_VA + 8 * 4, 7);
		vsvm_emit_end(CS(&c));
		sfd[1] = sync_fd_of(fd, submit(&c, first, 0));
		/* A waiter on the spinner's syncobj, in the kernel at the unbind. */
		pid = fork();
		igt_assert_lte(0, pid);
		if (pid == 0)
			_exit(vsvm_wait_ms(fd, s, 30000) ? 1 : 0);
		usleep(100000);
		unbind(name);
		igt_assert_eq(sync_fd_status(sfd[0], 10000), -ENODEV);
		igt_assert_eq(sync_fd_status(sfd[1], 10000), -ENODEV);
		igt_assert_eq(vsvm_wait_child_ms(pid, 10000), 0);
		close(sfd[0]);
		close(sfd[1]);
		assert_enodev(fd);
		ctx_fini(&c);
		bind(name);
		healthcheck(name);
	}

	igt_describe("A VM_DESTROY waiting for a SPIN job when the device is "
		     "unbound: the unplug stops the job at once, well before its "
		     "timeout, rather than waiting for it.");
	subtest_bound("destroy-waiting-spinner") {
		int fd = open_dev(name, "renderD"), sfd;
		struct destroyer d;
		struct ctx c;
		pthread_t thr;
		uint64_t t;

		igt_assert_lte(0, fd);
		ctx_init(&c, fd);
		emit_spinner(&c, 0, 1);
		sfd = sync_fd_of(fd, submit(&c, 0, 0));
		wait_started(&c, 0);
		d.fd = fd;
		d.vm = c.vm;
		igt_assert_eq(pthread_create(&thr, NULL, destroy_thread, &d), 0);
		usleep(100000);
		t = vsvm_now_ns();
		unbind(name);
		t = vsvm_now_ns() - t;
		pthread_join(thr, NULL);
		igt_assert_eq(d.ret, 0);
		igt_assert_eq(sync_fd_status(sfd, 10000), -ENODEV);
		/* The job timeout is 2 s by default. */
		igt_assert_f(t < 1000000000ull, "unbind took %.3f s\n", t / 1e9);
		close(sfd);
		ctx_fini(&c);
		bind(name);
		healthcheck(name);
	}

	igt_describe("Notifier-mode and registration userptrs mapped and used by a "
		     "job: the unbind unpins the registration (VmPin back to its "
		     "start value) with the file still open; munmap and close after "
		     "are quiet.");
	subtest_bound("userptr-bound") {
		int fd = open_dev(name, "renderD");
		long pin0 = vm_pin_kb();
		uint32_t *a = anon(BO_SIZE), *b = anon(BO_SIZE), ua, ub;
		struct ctx c;

		igt_assert_lte(0, fd);
		ctx_init(&c, fd);
		ua = vsvm_gem_userptr(fd, a, BO_SIZE, 0);
		ub = vsvm_gem_userptr(fd, b, BO_SIZE, DRM_VSVM_USERPTR_PIN_LONGTERM);
		igt_assert_eq(vsvm_vm_map(fd, c.vm, ua, 0, DATA_VA + BO_SIZE, BO_SIZE, 0), 0);
		igt_assert_eq(vsvm_vm_map(fd, c.vm, ub, 0, DATA_VA + 2 * BO_SIZE, BO_SIZE, 0),
			      0);
		vsvm_emit_store32(CS(&c), DATA_VA + BO_SIZE, 0x1111);
		vsvm_emit_store32(CS(&c), DATA_VA + 2 * BO_SIZE, 0x2222);
		vsvm_emit_end(CS(&c));
		igt_assert_eq(vsvm_job_end(fd, submit(&c, 0, 0)), 1);
		igt_assert_eq_u32(a[0], 0x1111);
		igt_assert_eq_u32(b[0], 0x2222);
		igt_assert_lt(pin0, vm_pin_kb());

		unbind(name);
		igt_assert_eq(vm_pin_kb(), pin0);
		assert_enodev(fd);
		/* The memory is the process's own again. */
		a[1] = 3;
		b[1] = 4;
		munmap(a, BO_SIZE);
		munmap(b, BO_SIZE);
		ctx_fini(&c);
		bind(name);
		healthcheck(name);
	}

	igt_describe("An SVM VM with a long-running job faulting and spinning on "
		     "process memory, and a WAIT_USER_FENCE waiter: the waiter gets "
		     "-ENODEV at the unbind.");
	subtest_bound("svm-faulting") {
		int fd = open_dev(name, "renderD");
		struct drm_vsvm_vm_create vc = { .flags = DRM_VSVM_VM_CREATE_SVM };
		volatile uint32_t *mem = anon(BO_SIZE);
		uint32_t *cmd = anon(PAGE);
		volatile uint64_t *uf = anon(PAGE);
		struct drm_vsvm_exec_ext_user_fence ext = vsvm_ufence_ext(uf, 0x600df00d);
		struct ufence_waiter w = { .fd = fd, .addr = uf };
		struct drm_vsvm_exec e = { .extensions = (uintptr_t)&ext };
		unsigned int n = 0;
		pthread_t thr;

		igt_assert_lte(0, fd);
		igt_require(igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc) == 0);
		/* Fault in a page, store, then spin on another. */
		vsvm_emit_store32(cmd, &n, PAGE / 4, (uintptr_t)mem, 1);
		vsvm_emit_spin(cmd, &n, PAGE / 4, (uintptr_t)mem + 2 * PAGE, 1);
		vsvm_emit_end(cmd, &n, PAGE / 4);
		e.vm_id = vc.vm_id;
		e.cs_addr = (uintptr_t)cmd;
		e.cs_size = n * 4;
		*uf = 0;
		do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(pthread_create(&thr, NULL, ufence_wait_thread, &w), 0);
		{
			uint64_t end = vsvm_now_ns() + 10000000000ull;

			while (!mem[0])
				igt_assert_f(vsvm_now_ns() < end, "the SVM job never ran\n");
		}
		usleep(100000);
		unbind(name);
		pthread_join(thr, NULL);
		igt_assert_eq(w.ret, -ENODEV);
		assert_enodev(fd);
		igt_assert_eq(vsvm_ufence_wait_ms(fd, uf, 1, 0), -ENODEV);
		close(fd);
		munmap((void *)mem, BO_SIZE);
		bind(name);
		healthcheck(name);
	}

	/*
	 * I8: a parked SVM_PREFETCH stops at the unplug (vsvm_engine_prefetch()
	 * and fault_work() check drm_dev_is_unplugged()), not only at the
	 * job's kill, which the unplug sets only after drm_dev_unplug() has
	 * waited for the VM_DESTROY that waits for the prefetch.
	 */
	igt_describe("An SVM_PREFETCH of 64 GiB of untouched read-only memory runs while "
		     "a VM_DESTROY waits for it and the device is unbound: the unbind "
		     "stops the prefetch and returns within 10 s, the VM_DESTROY "
		     "returns, and the rebound device works.");
	subtest_bound("prefetch-destroy-unbind") {
		const uint64_t size = 64ull << 30;
		int fd = open_dev(name, "renderD");
		struct drm_vsvm_vm_create vc = { .flags = DRM_VSVM_VM_CREATE_SVM };
		volatile uint64_t *uf = anon(PAGE);
		struct drm_vsvm_exec_ext_user_fence ext = vsvm_ufence_ext(uf, 0x600df00d);
		struct drm_vsvm_svm_prefetch p = { .extensions = (uintptr_t)&ext };
		struct unbinder u = { .name = name };
		struct destroyer d = { .fd = fd };
		pthread_t dthr, uthr;
		uint64_t end;
		void *ro;

		igt_assert_lte(0, fd);
		igt_require(igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc) == 0);
		ro = mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			  -1, 0);
		igt_assert(ro != MAP_FAILED);
		p.vm_id = vc.vm_id;
		p.addr = (uintptr_t)ro;
		p.size = size;
		*uf = 0;
		do_ioctl(fd, DRM_IOCTL_VSVM_SVM_PREFETCH, &p);
		/* The prefetch is under way: it has mapped some of the range. */
		end = vsvm_now_ns() + 10000000000ull;
		while (vsvm_debugfs_get(fd, "vsvm_svm", "svm_prefetch_pages") <= 0)
			igt_assert_f(vsvm_now_ns() < end, "the prefetch never started\n");

		d.vm = vc.vm_id;
		igt_assert_eq(pthread_create(&dthr, NULL, destroy_thread, &d), 0);
		usleep(200000);
		igt_assert_eq(pthread_create(&uthr, NULL, unbind_thread, &u), 0);
		end = vsvm_now_ns() + 10000000000ull;
		while (!u.done && vsvm_now_ns() < end)
			usleep(10000);
		if (!u.done) {
			/* Let the prefetch end (its next chunk faults), then fail. */
			munmap(ro, size);
			ro = NULL;
		}
		pthread_join(uthr, NULL);
		pthread_join(dthr, NULL);
		igt_assert_f(ro, "the unbind waited for the prefetch: it returned only "
			     "%.1f s later, once the range was unmapped\n", u.ns / 1e9);
		igt_assert_eq(u.ret, 0);
		igt_assert_eq(d.ret, 0);
		igt_info("unbind with a 64 GiB prefetch running took %.3f s\n", u.ns / 1e9);
		assert_enodev(fd);
		close(fd);
		munmap(ro, size);
		bind(name);
		healthcheck(name);
	}

	igt_describe("A BO exported to the other vsvm device and to vgem: the other "
		     "device's GPU and the dma-buf's CPU mapping still read it after "
		     "the exporter is unbound; an import into the unbound device from "
		     "the other one is detached quietly; the other device's counts "
		     "are back to their start values.");
	subtest_bound("prime-exported") {
		char other[32];
		int fd, ofd, vg, dbuf, odbuf;
		long long imports0, bos0;
		uint32_t bo, obo, imp, vimp, oimp;
		struct ctx oc;
		uint32_t *p, *dp;

		igt_require_f(other_dev(name, other, sizeof(other)), "one vsvm device\n");
		fd = open_dev(name, "renderD");
		ofd = open_dev(other, "card");
		igt_assert_lte(0, fd);
		igt_assert_lte(0, ofd);
		imports0 = vsvm_debugfs_get(ofd, "vsvm_prime", "imports");
		bos0 = vsvm_info_get(ofd, "bo_count");

		/* Exported from the device to unbind, filled by the CPU. */
		bo = vsvm_gem_create(fd, BO_SIZE);
		p = vsvm_gem_mmap(fd, bo, BO_SIZE);
		fill_pat(p, 0, BO_SIZE, 3);
		munmap(p, BO_SIZE);
		igt_assert_eq(drmPrimeHandleToFD(fd, bo, DRM_CLOEXEC | DRM_RDWR, &dbuf), 0);
		/* ... into the other device, mapped in a VM there ... */
		ctx_init(&oc, ofd);
		igt_assert_eq(drmPrimeFDToHandle(ofd, dbuf, &imp), 0);
		igt_assert_eq(vsvm_vm_map(ofd, oc.vm, imp, 0, DATA_VA + BO_SIZE, BO_SIZE, 0), 0);
		/* ... and into vgem. */
		vg = vsvm_open_vgem();
		vimp = 0;
		if (vg >= 0)
			igt_assert_eq(drmPrimeFDToHandle(vg, dbuf, &vimp), 0);
		/* The other way: the other device's BO imported here. */
		obo = vsvm_gem_create(ofd, BO_SIZE);
		igt_assert_eq(drmPrimeHandleToFD(ofd, obo, DRM_CLOEXEC | DRM_RDWR, &odbuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(fd, odbuf, &oimp), 0);
		{
			uint32_t vm = vsvm_vm_create(fd, 0);

			igt_assert_eq(vsvm_vm_map(fd, vm, oimp, 0, DATA_VA, BO_SIZE, 0), 0);
		}

		unbind(name);
		assert_enodev(fd);

		/* The importer's GPU reads the exporter's pages. */
		vsvm_emit_copy(CS(&oc), DATA_VA, DATA_VA + BO_SIZE, BO_SIZE);
		vsvm_emit_end(CS(&oc));
		igt_assert_eq(vsvm_job_end(ofd, submit(&oc, 0, 0)), 1);
		assert_pat(oc.data, 0, BO_SIZE, 3);
		/* So does the dma-buf's CPU mapping. */
		dp = mmap(NULL, BO_SIZE, PROT_READ, MAP_SHARED, dbuf, 0);
		igt_assert(dp != MAP_FAILED);
		assert_pat(dp, 0, BO_SIZE, 3);
		munmap(dp, BO_SIZE);

		close(fd);
		close(dbuf);
		close(odbuf);
		if (vg >= 0) {
			vsvm_gem_close(vg, vimp);
			close(vg);
		}
		vsvm_gem_close(ofd, obo);
		vsvm_gem_close(ofd, imp);
		ctx_fini(&oc);
		bind(name);
		healthcheck(name);
		ofd = open_dev(other, "card");
		igt_assert_eq(vsvm_debugfs_get(ofd, "vsvm_prime", "imports"), imports0);
		igt_assert_eq(vsvm_info_get(ofd, "bo_count"), bos0);
		close(ofd);
	}

	igt_describe("A process with userptrs, an SVM VM and a job exits while the "
		     "device is unbound, many times: no lock inversion (lockdep), "
		     "nothing left behind.");
	subtest_bound("exit-race") {
		unsigned int i, loops = env_uint("VSVM_HOTUNPLUG_RACES", 20);

		for (i = 0; i < loops; i++) {
			int go[2], ready[2];
			char b = 0;
			pid_t pid;

			igt_assert_eq(pipe(go), 0);
			igt_assert_eq(pipe(ready), 0);
			pid = fork();
			igt_assert_lte(0, pid);
			if (pid == 0) {
				int fd = open_dev(name, "renderD");
				struct drm_vsvm_vm_create vc = {
					.flags = DRM_VSVM_VM_CREATE_SVM,
				};
				uint32_t *a = anon(BO_SIZE), *r = anon(BO_SIZE);
				int sfd[4];
				struct ctx c;

				if (fd < 0)
					_exit(2);
				ctx_init(&c, fd);
				vsvm_gem_userptr(fd, a, BO_SIZE, 0);
				vsvm_gem_userptr(fd, r, BO_SIZE, DRM_VSVM_USERPTR_PIN_LONGTERM);
				igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &vc);
				queue_jobs(&c, 4, sfd);
				igt_assert_eq(write(ready[1], &b, 1), 1);
				igt_assert_eq(read(go[0], &b, 1), 1);
				/* Exit with everything open, with (i & 1) a spin to cut short. */
				_exit(0);
			}
			/* A child that dies early gives EOF here, not a hang. */
			close(ready[1]);
			close(go[0]);
			igt_assert_eq(read(ready[0], &b, 1), 1);
			igt_assert_eq(write(go[1], &b, 1), 1);
			if (i & 1)
				usleep(i * 100 % 3000);
			unbind(name);
			igt_assert_eq(vsvm_wait_child_ms(pid, 20000), 0);
			bind(name);
			close(go[1]);
			close(ready[0]);
		}
		healthcheck(name);
	}

	igt_describe("Soak: VSVM_HOTUNPLUG_CYCLES (default 100) unbind/rebind cycles "
		     "with an open file and jobs in flight.");
	subtest_bound("soak") {
		unsigned int i, cycles = env_uint("VSVM_HOTUNPLUG_CYCLES", 100);
		uint64_t t = vsvm_now_ns();

		for (i = 0; i < cycles; i++)
			cycle_with_jobs(name, 1 + i % 8);
		igt_info("%u cycles in %.1f s\n", cycles, (vsvm_now_ns() - t) / 1e9);
		healthcheck(name);
	}

	igt_describe("core_hotunplug's unplug-rescan, hotunplug-rescan, hotreplug and "
		     "hotreplug-lateclose remove and rescan a PCI device: a platform "
		     "device has no such thing.");
	igt_subtest("unplug-rescan")
		igt_skip("PCI remove/rescan: not applicable to a platform device\n");

	igt_fixture {
		/* Leave the device bound whatever failed. */
		if (!bound(name))
			drv_write("bind", name);
	}
}
