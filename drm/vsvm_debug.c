// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/ratelimit.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <drm/drm_blend.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>

#include "vsvm_compose.h"
#include "vsvm_debug.h"
#include "vsvm_drv.h"

/**
 * DOC: test knobs
 *
 * Some of vsvm's tests need the driver to stall at a given point, to go
 * slower, or to break a rule on purpose so that they see the DMA checker
 * fire.  The knobs that do that live here, are built only with
 * CONFIG_DRM_VSVM_DEBUG (the test kernels have it; a user's build leaves it
 * out), and appear as debugfs files of each device:
 *
 * ``userptr_inject``
 *	Arms a named point (vsvm_inject()) where the driver stalls until the
 *	test writes 0, or 5 seconds.  Point 5 (%VSVM_INJECT_SVM_FAULT) holds
 *	the next SVM GPU fault as its resolution starts (vsvm_svm_fault()),
 *	point 6 (%VSVM_INJECT_SVM_PAGES) once hmm_range_fault() has given it
 *	its pages and before it uses them.
 *
 * ``engine_cmd_delay_us``
 *	The engine sleeps this long after each command (0: not at all).
 *
 * ``engine_signal_delay_us``
 *	The engine thread busy-waits this long (at most 10 ms) between taking
 *	a job off its ring and signalling the job's hardware fence
 *	(vsvm_debug_signal_delay()).
 *
 * ``dmachk_break``
 *	Breaks the I1 order in the next blockable userptr invalidation
 *	(vsvm_debug_i1_broken()).
 *
 * ``migrate_break``
 *	Makes the next SVM migration's copy job read source pages that the
 *	migration did not DMA-map (vsvm_debug_migrate_break()).
 *
 * ``fail_vram_alloc/``
 *	The kernel's fault-injection attributes (see
 *	Documentation/fault-injection/fault-injection.rst) for the device's
 *	VRAM page allocations (vsvm_debug_vram_alloc_fail()): a test sets
 *	``probability`` 100, ``times`` and ``space`` to fail, say, only the
 *	n-th allocation from now.  Needs CONFIG_FAULT_INJECTION_DEBUG_FS.
 *
 * ``dmachk_expect``
 *	While non-zero, the DMA checker counts what it catches without
 *	warning (&vsvm_dmachk.expect).
 *
 * ``compose_bench``
 *	Times the composer alone (compose_bench_write()), for vsvm-bench's
 *	K1: write "width height planes frames crc", read the result back
 *	from the same open file.
 *
 * Without CONFIG_DRM_VSVM_DEBUG, vsvm_debug.h makes every hook an empty
 * inline function and none of these files exists.  The tuning knobs a user
 * may want (``engine_bytes_per_sec``, ``svm_chunk``) and ``prime_evict``,
 * which forces a legal eviction, are in every build.
 */

/**
 * vsvm_debug_init() - Initialise a device's test knobs
 * @vdev: The device being created.
 */
void vsvm_debug_init(struct vsvm_device *vdev)
{
	init_waitqueue_head(&vdev->debug.inject_wq);
#ifdef CONFIG_FAULT_INJECTION
	vdev->debug.fail_vram_alloc = (struct fault_attr)FAULT_ATTR_INITIALIZER;
	/* A lock of its own (the initializer's is for static attributes). */
	ratelimit_state_init(&vdev->debug.fail_vram_alloc.ratelimit_state, 0,
			     DEFAULT_RATELIMIT_BURST);
	/* Quiet unless a test asks: a forced failure is not a kernel problem. */
	vdev->debug.fail_vram_alloc.verbose = 0;
#endif
}

/**
 * vsvm_inject() - Stall at a named point if a test armed it
 * @vdev: The device.
 * @point: VSVM_INJECT_*.
 *
 * If debugfs ``userptr_inject`` armed @point, waits until the test writes
 * 0 there, or 5 seconds.  The caller must hold no lock an MMU notifier or
 * the test's next step needs.
 *
 * Return: true if it stalled (for VSVM_INJECT_NONBLOCK: if it was armed).
 */
bool vsvm_inject(struct vsvm_device *vdev, u32 point)
{
	struct vsvm_debug *dbg = &vdev->debug;

	if (likely(READ_ONCE(dbg->inject_point) != point))
		return false;
	if (cmpxchg(&dbg->inject_state, VSVM_INJECT_ARMED, VSVM_INJECT_STALLED) !=
	    VSVM_INJECT_ARMED)
		return false;
	if (point != VSVM_INJECT_NONBLOCK)
		wait_event_timeout(dbg->inject_wq,
				   READ_ONCE(dbg->inject_state) != VSVM_INJECT_STALLED, 5 * HZ);
	WRITE_ONCE(dbg->inject_point, 0);
	WRITE_ONCE(dbg->inject_state, VSVM_INJECT_IDLE);
	return true;
}

/* Arms a point, or releases and disarms (debugfs write). */
static void vsvm_inject_set(struct vsvm_device *vdev, u32 point)
{
	struct vsvm_debug *dbg = &vdev->debug;

	WRITE_ONCE(dbg->inject_state, point ? VSVM_INJECT_ARMED : VSVM_INJECT_IDLE);
	WRITE_ONCE(dbg->inject_point, point);
	wake_up_all(&dbg->inject_wq);
}

/**
 * vsvm_debug_cmd_delay() - Sleep after an engine command, if a test asks
 * @vdev: The device.
 */
void vsvm_debug_cmd_delay(struct vsvm_device *vdev)
{
	u32 delay = READ_ONCE(vdev->debug.cmd_delay_us);

	if (delay)
		usleep_range(delay, delay + delay / 4 + 1);
}

/**
 * vsvm_debug_cmd_delay_us() - The engine's delay after each command
 * @vdev: The device.
 *
 * Return: Debugfs ``engine_cmd_delay_us``, in microseconds.
 */
u32 vsvm_debug_cmd_delay_us(struct vsvm_device *vdev)
{
	return READ_ONCE(vdev->debug.cmd_delay_us);
}

/**
 * vsvm_debug_signal_delay() - Delay the signal of a job's hardware fence
 * @vdev: The device.
 *
 * Busy-waits debugfs ``engine_signal_delay_us`` (at most 10 ms): it is
 * called in the fence-signalling path, where nothing may sleep (I2).
 */
void vsvm_debug_signal_delay(struct vsvm_device *vdev)
{
	u32 delay = min(READ_ONCE(vdev->debug.signal_delay_us), 10000u);

	if (delay) {
		mdelay(delay / 1000);
		udelay(delay % 1000);
	}
}

/**
 * vsvm_debug_engine_hooked() - Whether a test knob acts on the engine now
 * @vdev: The device.
 *
 * A job's first commands run in run_job only when no test delays the
 * engine's commands or has armed an injection point (see vsvm_hw.c): the
 * knobs sleep, and the tests that arm them stall the engine thread.
 *
 * Return: true if ``engine_cmd_delay_us`` is set or a point is armed.
 */
bool vsvm_debug_engine_hooked(struct vsvm_device *vdev)
{
	return READ_ONCE(vdev->debug.cmd_delay_us) || READ_ONCE(vdev->debug.inject_point);
}

/**
 * vsvm_debug_i1_broken() - Run an invalidation out of order, if a test asks
 * @vdev: The device.
 * @up: The userptr being invalidated, its pages installed.
 * @block: Whether the invalidation may sleep; only such a one is broken.
 * @steps: The invalidation's steps.
 * @waited: Set to whether it waited for the GPU, if it ran.
 *
 * Takes debugfs ``dmachk_break`` (one-shot) and, if set, runs @steps in
 * the order it says instead of the I1 order, for the DMA checker's test.
 * Called with the object's lock held (which the wait may drop and take
 * again, see up_wait_gpu_locked()).
 *
 * Return: true if it ran the steps; false if the caller must, in order.
 */
bool vsvm_debug_i1_broken(struct vsvm_device *vdev, struct vsvm_userptr *up, bool block,
			  const struct vsvm_i1_steps *steps, bool *waited)
{
	u32 brk = block ? xchg(&vdev->debug.dmachk_break, 0) : 0;

	switch (brk) {
	case 1:
		/* (5) before (3) and (4). */
		*waited = steps->wait(up, block);
		if (!up->pages)
			return true;	/* a concurrent invalidation dropped them */
		steps->stale(up);
		steps->release(up, block);
		steps->zap(up, block);
		steps->unmap(up);
		return true;
	case 2:
		/* (4) before (3). */
		*waited = steps->wait(up, block);
		if (!up->pages)
			return true;	/* a concurrent invalidation dropped them */
		steps->stale(up);
		steps->unmap(up);
		steps->zap(up, block);
		steps->release(up, block);
		return true;
	case 3:
		/* Neither (2) nor (3). */
		*waited = false;
		steps->stale(up);
		steps->unmap(up);
		steps->release(up, block);
		return true;
	default:
		return false;
	}
}

/**
 * vsvm_debug_migrate_break() - Whether a migration skips its source DMA map
 * @vdev: The device.
 *
 * Takes debugfs ``migrate_break`` (one-shot): the migration asking leaves
 * its source pages unmapped and gives the engine their physical addresses,
 * so that a test sees the DMA checker stop the copy (I10).
 *
 * Return: true if the caller must break the rule now.
 */
bool vsvm_debug_migrate_break(struct vsvm_device *vdev)
{
	return READ_ONCE(vdev->debug.migrate_break) && xchg(&vdev->debug.migrate_break, 0);
}

/**
 * vsvm_debug_vram_alloc_fail() - Whether a VRAM page allocation must fail
 * @vdev: The device.
 *
 * The kernel's fault injection (should_fail()) with the device's debugfs
 * ``fail_vram_alloc`` attributes, which never fail unless a test sets them:
 * a test makes the allocator behave as if VRAM were short at a point it
 * chooses, in whatever context the allocation runs (a fault worker, a
 * prefetch job), which the task-bound fail-nth cannot reach.
 *
 * Return: true if the caller must fail the allocation.
 */
bool vsvm_debug_vram_alloc_fail(struct vsvm_device *vdev)
{
	return should_fail(&vdev->debug.fail_vram_alloc, 1);
}

static int userptr_inject_show(struct seq_file *m, void *data)
{
	static const char * const states[] = {
		[VSVM_INJECT_IDLE] = "idle",
		[VSVM_INJECT_ARMED] = "armed",
		[VSVM_INJECT_STALLED] = "stalled",
	};
	struct vsvm_device *vdev = m->private;
	int state = READ_ONCE(vdev->debug.inject_state);

	seq_printf(m, "%u %s\n", READ_ONCE(vdev->debug.inject_point),
		   state < ARRAY_SIZE(states) ? states[state] : "?");
	return 0;
}

static int userptr_inject_open(struct inode *inode, struct file *file)
{
	return single_open(file, userptr_inject_show, inode->i_private);
}

static ssize_t userptr_inject_write(struct file *file, const char __user *buf,
				    size_t len, loff_t *pos)
{
	struct vsvm_device *vdev = ((struct seq_file *)file->private_data)->private;
	u32 point;
	int ret;

	ret = kstrtou32_from_user(buf, len, 0, &point);
	if (ret)
		return ret;
	if (point > VSVM_INJECT_MAX)
		return -EINVAL;
	vsvm_inject_set(vdev, point);
	return len;
}

static const struct file_operations userptr_inject_fops = {
	.owner = THIS_MODULE,
	.open = userptr_inject_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = userptr_inject_write,
};

/**
 * struct compose_bench - One open ``compose_bench`` file
 */
struct compose_bench {
	/** @len: Bytes in @out. */
	size_t len;
	/** @out: The last run's result, a text line. */
	char out[128];
};

/**
 * struct compose_bench_plane - A plane of the benchmark's frame, in vmalloc memory
 */
struct compose_bench_plane {
	/** @mem: The pixels. */
	u8 *mem;
	/** @size: Bytes at @mem. */
	size_t size;
};

static int compose_bench_read(void *ctx, u64 offset, void *dst, size_t len)
{
	struct compose_bench_plane *pl = ctx;

	if (offset > pl->size || len > pl->size - offset)
		return -ERANGE;
	memcpy(dst, pl->mem + offset, len);
	return 0;
}

static int compose_bench_cmp(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

static int compose_bench_open(struct inode *inode, struct file *file)
{
	struct compose_bench *cb = kzalloc(sizeof(*cb), GFP_KERNEL);

	file->private_data = cb;
	return cb ? 0 : -ENOMEM;
}

static int compose_bench_release(struct inode *inode, struct file *file)
{
	kfree(file->private_data);
	return 0;
}

static ssize_t compose_bench_show(struct file *file, char __user *buf, size_t len,
				  loff_t *pos)
{
	struct compose_bench *cb = file->private_data;

	return simple_read_from_buffer(buf, len, pos, cb->out, cb->len);
}

/**
 * compose_bench_write() - Time the composer (debugfs ``compose_bench``)
 * @file: The open file.
 * @ubuf: "width height planes frames crc": a frame of up to 4096 x 2160
 *	pixels, 1 to 4 planes, 1 to 1000 frames, crc 1 to compute the CRC.
 * @len: Bytes at @ubuf.
 * @pos: Unused.
 *
 * Composes @frames frames of @planes full-frame XRGB8888 planes from
 * kernel memory, plane i showing pixel (x, y) as red (x + 64i) & 0xff,
 * green (y + 32i) & 0xff, blue ((x ^ y) + 16i) & 0xff, with plane alpha
 * 0xffff >> i, and times each vsvm_compose_frame() call alone.  Reading the
 * file then gives "frames N median_ns M min_ns M crc C" (C: the CRC of the
 * last frame, or 0).
 *
 * Return: @len, -EINVAL for bad numbers, or -ENOMEM.
 */
static ssize_t compose_bench_write(struct file *file, const char __user *ubuf, size_t len,
				   loff_t *pos)
{
	struct compose_bench *cb = file->private_data;
	struct compose_bench_plane pl[4] = {};
	struct vsvm_compose_frame *f = NULL;
	struct vsvm_compose_buf cbuf = {};
	u32 w, h, np, frames, crc_on, crc = 0, i, x, y;
	u64 *ns = NULL;
	char in[64];
	int ret;

	if (len >= sizeof(in))
		return -EINVAL;
	if (copy_from_user(in, ubuf, len))
		return -EFAULT;
	in[len] = 0;
	if (sscanf(in, "%u %u %u %u %u", &w, &h, &np, &frames, &crc_on) != 5 ||
	    !w || w > 4096 || !h || h > 2160 || !np || np > ARRAY_SIZE(pl) ||
	    !frames || frames > 1000 || crc_on > 1)
		return -EINVAL;

	ret = -ENOMEM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	ns = kcalloc(frames, sizeof(*ns), GFP_KERNEL);
	if (!f || !ns)
		goto out_free;
	f->width = w;
	f->height = h;
	f->nplanes = np;
	for (i = 0; i < np; i++) {
		struct vsvm_compose_plane *p = &f->planes[i];
		__le32 *px;

		pl[i].size = (size_t)w * h * 4;
		pl[i].mem = vmalloc(pl[i].size);
		if (!pl[i].mem)
			goto out_free;
		px = (__le32 *)pl[i].mem;
		for (y = 0; y < h; y++)
			for (x = 0; x < w; x++)
				px[y * w + x] = cpu_to_le32(((x + 64 * i) & 0xff) << 16 |
							    ((y + 32 * i) & 0xff) << 8 |
							    (((x ^ y) + 16 * i) & 0xff));
		p->src.read = compose_bench_read;
		p->src.ctx = &pl[i];
		p->format = DRM_FORMAT_XRGB8888;
		p->pitch = w * 4;
		p->src_rect = DRM_RECT_INIT(0, 0, w << 16, h << 16);
		p->dst_rect = DRM_RECT_INIT(0, 0, w, h);
		p->rotation = DRM_MODE_ROTATE_0;
		p->alpha = 0xffff >> i;
		p->blend_mode = DRM_MODE_BLEND_PREMULTI;
	}
	ret = vsvm_compose_buf_reserve(&cbuf, f);
	if (ret)
		goto out_free;
	for (i = 0; i < frames; i++) {
		u64 t0 = ktime_get_ns();

		ret = vsvm_compose_frame(f, &cbuf, crc_on ? &crc : NULL, NULL);
		ns[i] = ktime_get_ns() - t0;
		if (ret)
			goto out_free;
		cond_resched();
	}
	sort(ns, frames, sizeof(*ns), compose_bench_cmp, NULL);
	cb->len = scnprintf(cb->out, sizeof(cb->out), "frames %u median_ns %llu min_ns %llu crc %08x\n",
			    frames, ns[frames / 2], ns[0], crc);
	ret = len;
out_free:
	vsvm_compose_buf_fini(&cbuf);
	for (i = 0; i < ARRAY_SIZE(pl); i++)
		vfree(pl[i].mem);
	kfree(ns);
	kfree(f);
	return ret;
}

static const struct file_operations compose_bench_fops = {
	.owner = THIS_MODULE,
	.open = compose_bench_open,
	.release = compose_bench_release,
	.read = compose_bench_show,
	.write = compose_bench_write,
	.llseek = default_llseek,
};

/**
 * vsvm_debug_register() - Add the test knobs' debugfs files
 * @vdev: The device, just registered.
 */
void vsvm_debug_register(struct vsvm_device *vdev)
{
	struct dentry *root = vdev->drm.primary->debugfs_root;

	debugfs_create_u32("engine_cmd_delay_us", 0644, root, &vdev->debug.cmd_delay_us);
	debugfs_create_u32("engine_signal_delay_us", 0644, root, &vdev->debug.signal_delay_us);
	debugfs_create_u32("dmachk_expect", 0644, root, &vdev->dmachk.expect);
	debugfs_create_u32("dmachk_break", 0644, root, &vdev->debug.dmachk_break);
	debugfs_create_u32("migrate_break", 0644, root, &vdev->debug.migrate_break);
	debugfs_create_file("userptr_inject", 0644, root, vdev, &userptr_inject_fops);
	/* An ERR_PTR without CONFIG_FAULT_INJECTION_DEBUG_FS: the test skips. */
	fault_create_debugfs_attr("fail_vram_alloc", root, &vdev->debug.fail_vram_alloc);
	debugfs_create_file("compose_bench", 0600, root, vdev, &compose_bench_fops);
}
