// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-direct.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/highmem.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/mm.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include <drm/drm_damage_helper.h>
#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_framebuffer.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_atomic_helper.h>
#include <drm/drm_gem_framebuffer_helper.h>
#include <drm/drm_modeset_helper.h>
#include <drm/drm_plane.h>
#include <drm/drm_print.h>

#include "vsvm_compose.h"
#include "vsvm_dmachk.h"
#include "vsvm_drv.h"
#include "vsvm_fb.h"
#include "vsvm_gem.h"
#include "vsvm_mm.h"
#include "vsvm_prime.h"
#include "vsvm_userptr.h"

/**
 * DOC: framebuffers
 *
 * A vsvm framebuffer (vsvm_fb_create()) is one GEM object of any kind the
 * device holds: a shmem buffer object (GEM_CREATE, a dumb buffer), a
 * dma-buf imported from the other vsvm device, vgem or udmabuf, or a
 * userptr of either mode.  Only packed, single-plane, linear formats that
 * the composer reads or writes back are taken.  A userptr framebuffer can
 * be made only by the address space that owns the userptr (I7, -EPERM),
 * but once made it is a capability of the device, as a dma-buf is: any
 * master may show it, and its memory is always read in its own address
 * space.
 *
 * **The composer is a DMA client like the engine.**  It never keeps a CPU
 * pointer to a framebuffer: each read (and each writeback write) goes
 * through the DMA address of the page, which the DMA checker vets before
 * the page is touched (vsvm_dmachk_access(), as the engine's eng_map()
 * does), then a short kmap_local_page().  The DMA addresses come from the
 * object's current device mapping (&vsvm_bo.sgt, &vsvm_import.sgt,
 * &vsvm_userptr.sgt), captured when the composition starts.
 *
 * **A composition is a job.**  vsvm_fb_begin_access() does for the
 * framebuffers of one frame what EXEC does for a job's objects: first,
 * with no lock held, it gets the pages of the userptrs that an
 * invalidation took (vsvm_userptr_populate(), in the userptr's own address
 * space: the composition runs in a kernel worker, which borrows that
 * address space with kthread_use_mm() for as long as it pins, holding it
 * with mmget_not_zero() only then, I4); then it locks every object's
 * reservation (drm_exec), maps what eviction or move_notify unmapped
 * (vsvm_bo_map_locked(), vsvm_import_map_locked()), checks under each
 * userptr's notifier lock that no invalidation came in between (I3; else
 * it starts over), and publishes one fence for the whole composition in
 * every object's reservation (%DMA_RESV_USAGE_BOOKKEEP for what it reads,
 * %DMA_RESV_USAGE_WRITE for the writeback destination), the userptrs'
 * while their notifier lock is held.  vsvm_fb_end_access() signals it.
 *
 * So every path that takes memory away from the device waits for the
 * composition in flight, exactly as it waits for a job: a userptr
 * invalidation (I1 step 2 waits for every fence of the object's
 * reservation, up_wait_gpu_locked()), a registration's release at the
 * mm's exit, the shrinker (it evicts only idle objects), and an exporter's
 * move_notify (it waits for the importer's fences, I9).  The memory may
 * go between two frames; the next composition gets it back (the pages of
 * a notifier-mode userptr: *revalidation*, counted in debugfs
 * ``vsvm_fb``).  All the allocation happens before the fence is
 * published, and from then on until it is signalled the composition is a
 * fence-signalling section (dma_fence_begin_signalling()), so lockdep
 * reports an allocation or a wait in it: an invalidation waiting for the
 * composition must never wait for memory reclaim that waits for that
 * invalidation (I2).
 *
 * **What a frame shows when the memory is gone.**  If, when a composition
 * starts, a framebuffer's memory cannot be had (a userptr whose range was
 * unmapped, or can no longer be pinned as its mode needs, e.g. made
 * read-only under a writable userptr; a registration whose address space
 * exited; memory that could not be mapped), that plane is transparent in
 * that frame: every read of it fails (&vsvm_fb_access.error), the composer
 * shows the piece as transparent, and the frame shows what is below it
 * (black where nothing is).  debugfs ``vsvm_fb`` counts it (``gone``).  No
 * page is ever read that the device does not map at that moment, and no
 * page of an invalidated range is read after the invalidation has waited:
 * the DMA checker would report it and refuse the read.  A commit whose
 * new framebuffer's memory is already gone fails instead (prepare_fb,
 * -EFAULT), so that the program that made the mistake hears of it.
 *
 * The device's unplug (I8) waits for a composition in flight (it is inside
 * drm_dev_enter()); none begins after it (-ENODEV).
 */

/* How often a composition starts over for an invalidation before it shows a plane as gone. */
#define FB_MAX_TRIES	3

/**
 * struct vsvm_fb_fence - The fence of one composition
 */
struct vsvm_fb_fence {
	/** @base: The fence; &vsvm_fb_fence embeds it. */
	struct dma_fence base;
	/** @lock: The fence's lock. */
	spinlock_t lock;
};

static const char *fb_fence_driver_name(struct dma_fence *fence)
{
	return "vsvm";
}

static const char *fb_fence_timeline_name(struct dma_fence *fence)
{
	return "display";
}

static const struct dma_fence_ops fb_fence_ops = {
	.get_driver_name = fb_fence_driver_name,
	.get_timeline_name = fb_fence_timeline_name,
};

static const struct drm_framebuffer_funcs vsvm_fb_funcs = {
	.destroy = drm_gem_fb_destroy,
	.create_handle = drm_gem_fb_create_handle,
	.dirty = drm_atomic_helper_dirtyfb,
};

static bool fb_obj_is_bo(struct drm_gem_object *obj)
{
	return obj->funcs->export == vsvm_gem_prime_export;
}

/* The kinds of memory the display reads; anything else is refused. */
static bool fb_obj_supported(struct drm_gem_object *obj)
{
	return fb_obj_is_bo(obj) || vsvm_gem_is_import(obj) || vsvm_gem_is_userptr(obj);
}

static bool fb_format_supported(u32 format)
{
	return vsvm_compose_format_supported(format) || vsvm_compose_wb_format_supported(format);
}

/* Bytes from the object's start to the end of the framebuffer's last pixel. */
static u64 fb_end(const struct drm_format_info *info, u32 width, u32 height, u32 pitch,
		  u32 offset)
{
	return (u64)offset + (u64)(height - 1) * pitch + (u64)width * info->cpp[0];
}

/* The checks of vsvm_fb_create() that need no object. */
static int fb_check_cmd(struct drm_device *drm, const struct drm_mode_fb_cmd2 *cmd,
			const struct drm_format_info *info)
{
	if (!fb_format_supported(cmd->pixel_format) || info->num_planes != 1) {
		drm_dbg_kms(drm, "ADDFB2: format %p4cc is not one the display reads or writes\n",
			    &cmd->pixel_format);
		return -EINVAL;
	}
	if ((cmd->flags & DRM_MODE_FB_MODIFIERS) && cmd->modifier[0] != DRM_FORMAT_MOD_LINEAR) {
		drm_dbg_kms(drm, "ADDFB2: modifier %#llx: only linear framebuffers\n",
			    cmd->modifier[0]);
		return -EINVAL;
	}
	if (cmd->handles[1] || cmd->handles[2] || cmd->handles[3]) {
		drm_dbg_kms(drm, "ADDFB2: a handle for an unused plane\n");
		return -EINVAL;
	}
	if (cmd->pitches[0] % info->cpp[0]) {
		drm_dbg_kms(drm, "ADDFB2: pitch %u is not a multiple of the pixel size %u\n",
			    cmd->pitches[0], info->cpp[0]);
		return -EINVAL;
	}
	if (cmd->offsets[0] % info->cpp[0]) {
		drm_dbg_kms(drm, "ADDFB2: offset %u is not a multiple of the pixel size %u\n",
			    cmd->offsets[0], info->cpp[0]);
		return -EINVAL;
	}
	return 0;
}

/* The checks of vsvm_fb_create() on the object. */
static int fb_check_obj(struct drm_device *drm, const struct drm_mode_fb_cmd2 *cmd,
			const struct drm_format_info *info, struct drm_gem_object *obj)
{
	u64 end = fb_end(info, cmd->width, cmd->height, cmd->pitches[0], cmd->offsets[0]);
	int ret;

	if (!fb_obj_supported(obj)) {
		drm_dbg_kms(drm, "ADDFB2: handle %u is not memory the display can read\n",
			    cmd->handles[0]);
		return -EINVAL;
	}
	if (end > obj->size) {
		drm_dbg_kms(drm, "ADDFB2: the framebuffer needs %llu bytes, the object has %zu\n",
			    end, obj->size);
		return -EINVAL;
	}
	/*
	 * A VM-private object belongs to its VM's jobs alone: it shares the
	 * VM's reservation, which its invalidation does not wait on (only its
	 * mappings' VMs), so a composition's fence there would not hold off
	 * an invalidation (I1).  Like an export, a framebuffer is refused.
	 */
	if (vsvm_gem_vm_root(obj)) {
		drm_dbg_kms(drm, "ADDFB2: handle %u is private to a VM\n", cmd->handles[0]);
		return -EINVAL;
	}
	if (vsvm_gem_is_userptr(obj)) {
		/* I7: only the owning address space hands its memory to the display. */
		ret = vsvm_userptr_check_mm(to_vsvm_userptr(obj));
		if (ret) {
			drm_dbg_kms(drm, "ADDFB2: handle %u is a userptr of another address space\n",
				    cmd->handles[0]);
			return ret;
		}
	}
	return 0;
}

/**
 * vsvm_fb_create() - &drm_mode_config_funcs.fb_create for vsvm
 * @drm: The device.
 * @file: The file whose handle names the memory.
 * @mode_cmd: The framebuffer, checked by the core (framebuffer_check()).
 *
 * Return: The new framebuffer, or an ERR_PTR(): -ENOENT for a handle the
 * file does not have; -EINVAL for a format the display neither reads nor
 * writes back, a modifier other than linear, a pitch or an offset that is
 * not a multiple of the pixel size, an object smaller than the
 * framebuffer, an object of another kind than those the display reads,
 * or a VM-private userptr (%DRM_VSVM_GEM_EXT_VM_PRIVATE); -EPERM for a
 * userptr of another address space (I7); -ENOMEM.
 */
struct drm_framebuffer *vsvm_fb_create(struct drm_device *drm, struct drm_file *file,
				       const struct drm_mode_fb_cmd2 *mode_cmd)
{
	const struct drm_format_info *info = drm_get_format_info(drm, mode_cmd);
	struct drm_gem_object *obj;
	struct drm_framebuffer *fb;
	int ret;

	ret = fb_check_cmd(drm, mode_cmd, info);
	if (ret)
		return ERR_PTR(ret);
	obj = drm_gem_object_lookup(file, mode_cmd->handles[0]);
	if (!obj) {
		drm_dbg_kms(drm, "ADDFB2: no object with handle %u in this file\n",
			    mode_cmd->handles[0]);
		return ERR_PTR(-ENOENT);
	}
	ret = fb_check_obj(drm, mode_cmd, info, obj);
	if (ret)
		goto err_put;

	fb = kzalloc(sizeof(*fb), GFP_KERNEL);
	if (!fb) {
		ret = -ENOMEM;
		goto err_put;
	}
	drm_helper_mode_fill_fb_struct(drm, fb, mode_cmd);
	fb->obj[0] = obj;
	ret = drm_framebuffer_init(drm, fb, &vsvm_fb_funcs);
	if (ret) {
		kfree(fb);
		goto err_put;
	}
	return fb;

err_put:
	drm_gem_object_put(obj);
	return ERR_PTR(ret);
}

/**
 * vsvm_fb_check_writeback() - Whether a framebuffer can take a writeback
 * @fb: The writeback job's framebuffer.
 *
 * For the writeback connector's atomic_check: I10, the display never
 * writes memory that its owner mapped read-only for the device.
 *
 * Return: 0, or -EACCES for a read-only userptr.
 */
int vsvm_fb_check_writeback(struct drm_framebuffer *fb)
{
	struct drm_gem_object *obj = fb->obj[0];

	if (vsvm_gem_is_userptr(obj) &&
	    (to_vsvm_userptr(obj)->flags & DRM_VSVM_USERPTR_READ_ONLY)) {
		drm_dbg_kms(fb->dev, "writeback: framebuffer %u is a read-only userptr\n",
			    fb->base.id);
		return -EACCES;
	}
	return 0;
}

/*
 * The first half of I3 for a userptr framebuffer: its pages, got again if
 * an invalidation took them, in its own address space.  From the owning
 * process, directly; from a kernel worker (the composition), by borrowing
 * the address space while pinning (I4: mmget_not_zero() only around it).
 * Another process cannot pin for it: @other says what to return then.
 * Sets *@got when pages had to be got.
 */
static int fb_userptr_populate(struct vsvm_userptr *up, int other, bool *got)
{
	struct mm_struct *mm = up->mm;
	bool valid;
	int ret;

	mutex_lock(&up->vmm->notifier_lock);
	valid = vsvm_userptr_pages_valid_locked(up);
	mutex_unlock(&up->vmm->notifier_lock);
	if (valid)
		return 0;
	/* Registration mode: the address space was torn down (I6). */
	if (up->flags & DRM_VSVM_USERPTR_PIN_LONGTERM)
		return -EFAULT;
	*got = true;
	if (current->mm == mm)
		return vsvm_userptr_populate(up);
	if (current->mm || !(current->flags & PF_KTHREAD))
		return other;
	if (!mmget_not_zero(mm))
		return -EFAULT;
	kthread_use_mm(mm);
	ret = vsvm_userptr_populate(up);
	kthread_unuse_mm(mm);
	mmput(mm);
	return ret;
}

/**
 * vsvm_fb_prepare() - &drm_plane_helper_funcs.prepare_fb for vsvm planes
 * @plane: The plane.
 * @state: Its new state.
 *
 * Collects the framebuffer's implicit fences (drm_gem_plane_helper_prepare_fb():
 * the commit waits for the jobs writing it, on this device or another)
 * and makes its memory resident and mapped for the device, as EXEC does
 * for a job (a userptr's pages only when the committing process owns it;
 * otherwise the first composition gets them).  Nothing is pinned: every
 * composition makes sure of the memory again (vsvm_fb_begin_access()), so
 * there is no cleanup_fb (the atomic helpers drop the collected fence).
 *
 * Return: 0; -EFAULT when a userptr's memory is gone; -EAGAIN when its
 * range kept being invalidated (vsvm_userptr_populate()); -ENODEV after
 * the unplug; -ENOMEM; -EINTR.
 */
int vsvm_fb_prepare(struct drm_plane *plane, struct drm_plane_state *state)
{
	struct drm_gem_object *obj;
	bool got = false;
	int idx, ret;

	if (!state->fb)
		return 0;
	ret = drm_gem_plane_helper_prepare_fb(plane, state);
	if (ret)
		return ret;
	if (!drm_dev_enter(plane->dev, &idx))
		return -ENODEV;
	obj = state->fb->obj[0];
	if (vsvm_gem_is_userptr(obj)) {
		ret = fb_userptr_populate(to_vsvm_userptr(obj), 0, &got);
	} else {
		ret = dma_resv_lock_interruptible(obj->resv, NULL);
		if (!ret) {
			ret = fb_obj_is_bo(obj) ? vsvm_bo_map_locked(to_vsvm_bo(obj)) :
			      vsvm_import_map_locked(to_vsvm_import(obj));
			dma_resv_unlock(obj->resv);
		}
	}
	drm_dev_exit(idx);
	if (ret)
		drm_dbg_kms(plane->dev, "plane %u: framebuffer %u: its memory: %d\n",
			    plane->base.id, state->fb->base.id, ret);
	return ret;
}

/* Bounds of an access: [@off, +@len) inside what the framebuffer covers. */
static bool fb_access_in_range(struct vsvm_fb_access *acc, u64 off, size_t len)
{
	return off >= acc->start && off <= acc->end && len <= acc->end - off;
}

/*
 * Copies between a framebuffer's memory and @buf, page by page, each page
 * vetted by the DMA checker first (I1, I10), as the engine does.
 */
static int fb_copy(struct vsvm_fb_access *acc, u64 off, void *buf, size_t len, bool write)
{
	struct drm_device *drm = acc->obj->dev;
	struct vsvm_dmachk *chk = &to_vsvm_device(drm)->dmachk;

	if (acc->error)
		return acc->error;
	if (!fb_access_in_range(acc, off, len))
		return -ERANGE;
	while (len) {
		unsigned long pg = (off >> PAGE_SHIFT) - acc->first;
		size_t in = offset_in_page(off), n = min_t(size_t, len, PAGE_SIZE - in);
		dma_addr_t dma = acc->dma[pg];
		void *vaddr;

		if (!vsvm_dmachk_access(chk, dma, write))
			return -EFAULT;
		vaddr = kmap_local_page(pfn_to_page(PHYS_PFN(dma_to_phys(drm->dev, dma))));
		if (write)
			memcpy(vaddr + in, buf, n);
		else
			memcpy(buf, vaddr + in, n);
		kunmap_local(vaddr);
		buf += n;
		off += n;
		len -= n;
	}
	return 0;
}

static int fb_read(void *ctx, u64 offset, void *dst, size_t len)
{
	return fb_copy(ctx, offset, dst, len, false);
}

static int fb_write(void *ctx, u64 offset, const void *src, size_t len)
{
	return fb_copy(ctx, offset, (void *)src, len, true);
}

/**
 * vsvm_fb_frame_init() - Start describing one composition
 * @frame: The frame, owned by the caller.
 * @drm: The device.
 */
void vsvm_fb_frame_init(struct vsvm_fb_frame *frame, struct drm_device *drm)
{
	memset(frame, 0, sizeof(*frame));
	frame->drm = drm;
}

/**
 * vsvm_fb_frame_add() - Add a framebuffer that the composition uses
 * @frame: The frame, not begun.
 * @fb: A vsvm framebuffer, which the caller keeps until
 *      vsvm_fb_begin_access(); from there to vsvm_fb_end_access() the frame
 *      holds a reference of its own.
 * @write: The writeback destination (written), else a plane (read).
 *
 * The same framebuffer may be added more than once (two planes showing
 * it); each gets its own access.  Adding takes nothing: a frame that is
 * never begun needs no release.
 *
 * Return: The access whose &vsvm_fb_access.src (or .dst) the composer is
 * to use, or NULL past %VSVM_FB_FRAME_MAX framebuffers.
 */
struct vsvm_fb_access *vsvm_fb_frame_add(struct vsvm_fb_frame *frame,
					 struct drm_framebuffer *fb, bool write)
{
	struct vsvm_fb_access *acc;
	u64 start, end;

	if (WARN_ON_ONCE(frame->count >= VSVM_FB_FRAME_MAX))
		return NULL;
	acc = &frame->acc[frame->count++];
	acc->fb = fb;
	acc->obj = fb->obj[0];
	acc->write = write;
	start = fb->offsets[0];
	end = fb_end(fb->format, fb->width, fb->height, fb->pitches[0], fb->offsets[0]);
	acc->start = start;
	acc->end = end;
	acc->first = start >> PAGE_SHIFT;
	acc->npages = (PAGE_ALIGN(end) >> PAGE_SHIFT) - acc->first;
	acc->src.read = fb_read;
	acc->src.ctx = acc;
	if (write) {
		acc->dst.write = fb_write;
		acc->dst.ctx = acc;
	}
	return acc;
}

/* The device mapping of an access's object; its reservation (and notifier lock) held. */
static struct sg_table *fb_access_sgt_locked(struct vsvm_fb_access *acc)
{
	struct drm_gem_object *obj = acc->obj;

	if (vsvm_gem_is_userptr(obj))
		return &to_vsvm_userptr(obj)->sgt;
	if (vsvm_gem_is_import(obj))
		return to_vsvm_import(obj)->sgt;
	return to_vsvm_bo(obj)->sgt;
}

/* Captures the DMA address of each page the framebuffer covers; allocates nothing. */
static void fb_access_capture_locked(struct vsvm_fb_access *acc)
{
	struct sg_dma_page_iter iter;
	unsigned long i = 0;

	dma_resv_assert_held(acc->obj->resv);
	for_each_sgtable_dma_page(fb_access_sgt_locked(acc), &iter, acc->first) {
		if (i == acc->npages)
			break;
		acc->dma[i++] = sg_page_iter_dma_address(&iter);
	}
	if (i < acc->npages)
		acc->error = -EFAULT;	/* a shorter mapping than the object: never */
}

/* Phase 2: the objects' memory mapped for the device; reservations held. */
static void fb_frame_map_locked(struct vsvm_fb_frame *frame)
{
	unsigned int i;
	int ret;

	for (i = 0; i < frame->count; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];
		struct drm_gem_object *obj = acc->obj;

		if (acc->error || vsvm_gem_is_userptr(obj))
			continue;
		dma_resv_assert_held(obj->resv);
		ret = fb_obj_is_bo(obj) ? vsvm_bo_map_locked(to_vsvm_bo(obj)) :
		      vsvm_import_map_locked(to_vsvm_import(obj));
		if (ret)
			acc->error = ret;
	}
}

/* Whether every userptr still has the pages got in phase 1 (I3). */
static bool fb_frame_userptrs_valid_locked(struct vsvm_fb_frame *frame)
{
	unsigned int i;
	bool valid = true;

	for (i = 0; i < frame->count && valid; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];
		struct vsvm_userptr *up;

		if (acc->error || !vsvm_gem_is_userptr(acc->obj))
			continue;
		up = to_vsvm_userptr(acc->obj);
		mutex_lock(&up->vmm->notifier_lock);
		valid = vsvm_userptr_pages_valid_locked(up);
		mutex_unlock(&up->vmm->notifier_lock);
	}
	return valid;
}

/*
 * Phase 3: capture each object's DMA addresses and publish the fence in
 * its reservation.  Allocates nothing: the reservations have their slot,
 * the arrays were allocated in phase 1.  For a userptr both happen under
 * its notifier lock with its pages checked again (I3): an invalidation
 * either came first (the plane is gone for this frame) or finds the fence
 * and waits for the composition (I1 step 2).
 */
static void fb_frame_publish_locked(struct vsvm_fb_frame *frame)
{
	struct dma_fence *fence = frame->fence;
	unsigned int i;

	for (i = 0; i < frame->count; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];
		enum dma_resv_usage usage = acc->write ? DMA_RESV_USAGE_WRITE :
						DMA_RESV_USAGE_BOOKKEEP;
		struct vsvm_userptr *up;

		if (acc->error)
			continue;
		if (!vsvm_gem_is_userptr(acc->obj)) {
			fb_access_capture_locked(acc);
			dma_resv_add_fence(acc->obj->resv, fence, usage);
			continue;
		}
		up = to_vsvm_userptr(acc->obj);
		mutex_lock(&up->vmm->notifier_lock);
		if (vsvm_userptr_pages_valid_locked(up)) {
			vsvm_userptr_used_locked(up, acc->write);
			fb_access_capture_locked(acc);
			dma_resv_add_fence(acc->obj->resv, fence, usage);
		} else {
			acc->error = -EFAULT;
		}
		mutex_unlock(&up->vmm->notifier_lock);
	}
}

/* Phase 1: what may allocate and fault, with no lock held. */
static void fb_frame_prepare(struct vsvm_fb_frame *frame)
{
	struct vsvm_device *vdev = to_vsvm_device(frame->drm);
	unsigned int i;

	for (i = 0; i < frame->count; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];
		bool got = false;

		if (acc->error || !vsvm_gem_is_userptr(acc->obj))
			continue;
		acc->error = fb_userptr_populate(to_vsvm_userptr(acc->obj), -EFAULT, &got);
		if (got && !acc->error)
			atomic64_inc(&vdev->fb_stats.revalidations);
	}
}

static void fb_frame_release(struct vsvm_fb_frame *frame)
{
	unsigned int i;

	for (i = 0; i < frame->count; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];

		kvfree(acc->dma);
		acc->dma = NULL;
		drm_framebuffer_put(acc->fb);
		acc->fb = NULL;
	}
	frame->count = 0;
	if (frame->entered)
		drm_dev_exit(frame->dev_idx);
	frame->entered = false;
}

/**
 * vsvm_fb_begin_access() - Make a frame's memory ready and start its composition
 * @frame: The frame, with its framebuffers added (vsvm_fb_frame_add()).
 *
 * Called by the composition worker (a kernel thread) before it composes:
 * see the DOC on framebuffers for what it does.  May allocate and sleep.
 * On success the caller composes, allocating nothing and waiting for no
 * fence, then calls vsvm_fb_end_access().  A framebuffer whose memory is
 * gone does not fail the frame: its &vsvm_fb_access.error says why, and
 * its reads fail (the plane is transparent in this frame).
 *
 * Return: 0; -ENODEV after the device's unplug, -ENOMEM: the frame is
 * released then, and there is nothing to end.
 */
int vsvm_fb_begin_access(struct vsvm_fb_frame *frame)
{
	struct vsvm_device *vdev = to_vsvm_device(frame->drm);
	struct vsvm_fb_fence *ff;
	unsigned int i, tries;
	struct drm_exec exec;
	int ret;

	for (i = 0; i < frame->count; i++)
		drm_framebuffer_get(frame->acc[i].fb);
	if (!drm_dev_enter(frame->drm, &frame->dev_idx)) {
		ret = -ENODEV;
		goto err_release;
	}
	frame->entered = true;

	ff = kzalloc(sizeof(*ff), GFP_KERNEL);
	if (!ff) {
		ret = -ENOMEM;
		goto err_release;
	}
	spin_lock_init(&ff->lock);
	/*
	 * A context per composition: two CRTCs may compose at once, and a
	 * later fence of one context would replace an earlier one still
	 * pending in a reservation (dma_resv_add_fence()).
	 */
	dma_fence_init(&ff->base, &fb_fence_ops, &ff->lock, dma_fence_context_alloc(1), 1);
	frame->fence = &ff->base;

	for (i = 0; i < frame->count; i++) {
		struct vsvm_fb_access *acc = &frame->acc[i];

		acc->dma = kvmalloc_array(acc->npages, sizeof(*acc->dma), GFP_KERNEL);
		if (!acc->dma)
			acc->error = -ENOMEM;
		/* I10: never written back into read-only memory. */
		else if (acc->write)
			acc->error = vsvm_fb_check_writeback(acc->fb);
	}

	for (tries = 1;; tries++) {
		fb_frame_prepare(frame);
		drm_exec_init(&exec, DRM_EXEC_IGNORE_DUPLICATES, frame->count);
		drm_exec_until_all_locked(&exec) {
			for (i = 0; i < frame->count; i++) {
				struct vsvm_fb_access *acc = &frame->acc[i];

				if (acc->error)
					continue;
				/*
				 * A slot per access: one object may be read
				 * and written back (two usages of the fence).
				 */
				ret = drm_exec_prepare_obj(&exec, acc->obj, frame->count);
				drm_exec_retry_on_contention(&exec);
				if (ret)
					acc->error = ret;
			}
		}
		fb_frame_map_locked(frame);
		if (fb_frame_userptrs_valid_locked(frame) || tries == FB_MAX_TRIES)
			break;
		/* An invalidation came in between: start over (I3). */
		drm_exec_fini(&exec);
		atomic64_inc(&vdev->fb_stats.retries);
	}
	fb_frame_publish_locked(frame);
	drm_exec_fini(&exec);

	/* I2: until the fence is signalled, nothing may allocate or wait. */
	frame->signalling = dma_fence_begin_signalling();
	for (i = 0; i < frame->count; i++) {
		atomic64_inc(&vdev->fb_stats.accesses);
		if (frame->acc[i].error)
			atomic64_inc(&vdev->fb_stats.gone);
	}
	return 0;

err_release:
	fb_frame_release(frame);
	return ret;
}

/**
 * vsvm_fb_end_access() - End a frame's composition
 * @frame: The frame, begun with vsvm_fb_begin_access().
 *
 * Signals the composition's fence, so that invalidations, evictions and
 * move_notify waiting for it go on, then drops the framebuffers.
 */
void vsvm_fb_end_access(struct vsvm_fb_frame *frame)
{
	dma_fence_signal(frame->fence);
	dma_fence_end_signalling(frame->signalling);
	dma_fence_put(frame->fence);
	frame->fence = NULL;
	fb_frame_release(frame);
}

/**
 * vsvm_fb_debugfs_show() - Print a device's framebuffer counters
 * @vdev: The device.
 * @m: Where to print (debugfs ``vsvm_fb``).
 */
void vsvm_fb_debugfs_show(struct vsvm_device *vdev, struct seq_file *m)
{
	struct vsvm_fb_stats *s = &vdev->fb_stats;

	seq_printf(m, "accesses: %lld\n", (long long)atomic64_read(&s->accesses));
	seq_printf(m, "gone: %lld\n", (long long)atomic64_read(&s->gone));
	seq_printf(m, "revalidations: %lld\n", (long long)atomic64_read(&s->revalidations));
	seq_printf(m, "retries: %lld\n", (long long)atomic64_read(&s->retries));
}
