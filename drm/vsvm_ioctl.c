// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-fence.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>
#include <drm/drm_syncobj.h>
#include <drm/vsvm_drm.h>

#include <kunit/visibility.h>

#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_ioctl.h"
#include "vsvm_svm.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * DOC: ioctl layer
 *
 * vsvm_ioctl.c is the only place that sees uapi structs.  Each handler
 * checks every field of its argument (flags, pads, reserved fields, the
 * extension chain), says with drm_dbg() which check failed, and only then
 * calls into the driver's core with plain kernel types.  The core never
 * trusts, and never re-checks, what this layer passed on.
 *
 * Every ioctl is allowed on the render node (DRM_RENDER_ALLOW): nothing in
 * vsvm's uapi reaches beyond the caller's own objects and address spaces.
 */

/**
 * vsvm_ext_walk() - Walk an ioctl's user extension chain
 * @drm: The DRM device, for debug messages (may be NULL).
 * @ioctl: The ioctl's name, for debug messages.
 * @ext: User address of the first link, or 0 for no chain.
 * @fns: The ioctl's extension handlers, indexed by
 *       &drm_vsvm_user_extension.name; NULL entries are unknown names.
 * @count: Number of entries in @fns.
 * @data: Passed to each handler.
 *
 * Return: 0 when every link was accepted; -EFAULT when a link cannot be
 * read; -EINVAL for an unknown name or a non-zero pad; -E2BIG when the chain
 * is longer than %DRM_VSVM_MAX_EXTENSIONS; or a handler's error.
 */
int vsvm_ext_walk(struct drm_device *drm, const char *ioctl, u64 ext,
		  const vsvm_ext_fn *fns, unsigned int count, void *data)
{
	struct drm_vsvm_user_extension hdr;
	unsigned int n;
	int ret;

	for (n = 0; ext; n++, ext = hdr.next_extension) {
		if (n == DRM_VSVM_MAX_EXTENSIONS) {
			drm_dbg(drm, "%s: extension chain longer than %d\n",
				ioctl, DRM_VSVM_MAX_EXTENSIONS);
			return -E2BIG;
		}
		if (copy_from_user(&hdr, u64_to_user_ptr(ext), sizeof(hdr))) {
			drm_dbg(drm, "%s: extension %u at %#llx unreadable\n",
				ioctl, n, ext);
			return -EFAULT;
		}
		if (hdr.pad) {
			drm_dbg(drm, "%s: extension %u has a non-zero pad\n",
				ioctl, n);
			return -EINVAL;
		}
		if (hdr.name >= count || !fns[hdr.name]) {
			drm_dbg(drm, "%s: extension %u has unknown name %u\n",
				ioctl, n, hdr.name);
			return -EINVAL;
		}
		ret = fns[hdr.name](drm, ext, data);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_ext_walk);

/*
 * A VM id from userspace, checked before it reaches a lookup or an erase:
 * ids are allocated from 1 (vsvm_vm_create()), and 0 is never a VM.  Erasing
 * index 0 of the allocating xarray would make 0 free to allocate.
 */
static int vm_id_check(struct drm_device *drm, const char *ioctl, u32 vm_id)
{
	if (!vm_id) {
		drm_dbg(drm, "%s: VM id 0 is never a VM\n", ioctl);
		return -ENOENT;
	}
	return 0;
}

static int vsvm_ioctl_gem_create(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_vsvm_gem_create *args = data;
	u64 size;
	int ret;

	if (args->flags) {
		drm_dbg(drm, "GEM_CREATE: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_CREATE", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = vsvm_gem_check_size(args->size, &size);
	if (ret) {
		drm_dbg(drm, "GEM_CREATE: size %#llx is zero, overflows or is above %#llx\n",
			args->size, DRM_VSVM_GEM_MAX_SIZE);
		return ret;
	}

	ret = vsvm_bo_create_with_handle(drm, file, size, &args->handle);
	if (ret)
		return ret;
	args->size = size;
	return 0;
}

#define VSVM_USERPTR_FLAGS (DRM_VSVM_USERPTR_READ_ONLY | DRM_VSVM_USERPTR_PROBE | \
			    DRM_VSVM_USERPTR_PIN_LONGTERM)

/**
 * struct gem_vm_private - A GEM object's %DRM_VSVM_GEM_EXT_VM_PRIVATE
 */
struct gem_vm_private {
	/** @ioctl: The ioctl's name, for debug messages. */
	const char *ioctl;
	/** @seen: Whether the extension was given (once at most). */
	bool seen;
	/** @vm_id: The VM the object is private to. */
	u32 vm_id;
};

static int vsvm_gem_ext_vm_private(struct drm_device *drm, u64 ext, void *data)
{
	struct drm_vsvm_gem_ext_vm_private args;
	struct gem_vm_private *vp = data;

	if (vp->seen) {
		drm_dbg(drm, "%s: a second VM-private extension\n", vp->ioctl);
		return -EINVAL;
	}
	vp->seen = true;
	if (copy_from_user(&args, u64_to_user_ptr(ext), sizeof(args))) {
		drm_dbg(drm, "%s: VM-private extension at %#llx unreadable\n", vp->ioctl, ext);
		return -EFAULT;
	}
	if (args.pad) {
		drm_dbg(drm, "%s: VM-private extension has a non-zero pad\n", vp->ioctl);
		return -EINVAL;
	}
	vp->vm_id = args.vm_id;
	return 0;
}

static const vsvm_ext_fn vsvm_gem_exts[] = {
	[DRM_VSVM_GEM_EXT_VM_PRIVATE] = vsvm_gem_ext_vm_private,
};

/*
 * The VM a new object is to be private to, referenced: one of the file's
 * ordinary VMs.  -ENOENT for an unknown id, -EINVAL for an SVM VM, whose
 * jobs put no fence in its reservation (long-running mode), so that the
 * reservation could not order anything for the object.
 */
static struct vsvm_vm *gem_vm_private_lookup(struct drm_device *drm, struct drm_file *file,
					     const struct gem_vm_private *vp)
{
	struct vsvm_vm *vm;
	int ret;

	ret = vm_id_check(drm, vp->ioctl, vp->vm_id);
	if (ret)
		return ERR_PTR(ret);
	vm = vsvm_vm_lookup(file->driver_priv, vp->vm_id);
	if (!vm) {
		drm_dbg(drm, "%s: VM-private: no VM %u\n", vp->ioctl, vp->vm_id);
		return ERR_PTR(-ENOENT);
	}
	if (vm->svm) {
		drm_dbg(drm, "%s: VM-private: VM %u is an SVM VM\n", vp->ioctl, vp->vm_id);
		vsvm_vm_put(vm);
		return ERR_PTR(-EINVAL);
	}
	return vm;
}

static int vsvm_ioctl_gem_userptr(struct drm_device *drm, void *data,
				  struct drm_file *file)
{
	struct drm_vsvm_gem_userptr *args = data;
	struct gem_vm_private vp = { .ioctl = "GEM_USERPTR" };
	struct vsvm_vm *vm = NULL;
	u64 end;
	int ret;

	if (args->flags & ~VSVM_USERPTR_FLAGS) {
		drm_dbg(drm, "GEM_USERPTR: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_USERPTR", args->extensions, vsvm_gem_exts,
			    ARRAY_SIZE(vsvm_gem_exts), &vp);
	if (ret)
		return ret;
	/*
	 * A registration is there to be shared (exported, like an RDMA memory
	 * region), and a private object never is.
	 */
	if (vp.seen && (args->flags & DRM_VSVM_USERPTR_PIN_LONGTERM)) {
		drm_dbg(drm, "GEM_USERPTR: a registration cannot be VM-private\n");
		return -EINVAL;
	}
	if (!args->size || !PAGE_ALIGNED(args->addr) || !PAGE_ALIGNED(args->size)) {
		drm_dbg(drm, "GEM_USERPTR: [%#llx, +%#llx) is empty or not page aligned\n",
			args->addr, args->size);
		return -EINVAL;
	}
	if (check_add_overflow(args->addr, args->size, &end)) {
		drm_dbg(drm, "GEM_USERPTR: [%#llx, +%#llx) overflows\n", args->addr, args->size);
		return -EINVAL;
	}
	if (args->size > DRM_VSVM_GEM_MAX_SIZE) {
		drm_dbg(drm, "GEM_USERPTR: size %#llx is above %#llx\n", args->size,
			DRM_VSVM_GEM_MAX_SIZE);
		return -E2BIG;
	}
	if (!args->addr || !access_ok(u64_to_user_ptr(args->addr), args->size)) {
		drm_dbg(drm, "GEM_USERPTR: [%#llx, +%#llx) is not user memory\n",
			args->addr, args->size);
		return -EFAULT;
	}

	if (vp.seen) {
		vm = gem_vm_private_lookup(drm, file, &vp);
		if (IS_ERR(vm))
			return PTR_ERR(vm);
	}
	ret = vsvm_userptr_create(to_vsvm_device(drm), file, args->addr, args->size,
				  args->flags, vm, &args->handle);
	if (vm)
		vsvm_vm_put(vm);
	return ret;
}

static int vsvm_ioctl_gem_mmap_offset(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct drm_vsvm_gem_mmap_offset *args = data;
	int ret;

	if (args->flags) {
		drm_dbg(drm, "GEM_MMAP_OFFSET: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_MMAP_OFFSET", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	ret = vsvm_bo_mmap_offset(file, args->handle, &args->offset);
	if (ret == -ENOENT)
		drm_dbg(drm, "GEM_MMAP_OFFSET: no object with handle %u\n", args->handle);
	return ret;
}

static int vsvm_ioctl_vm_create(struct drm_device *drm, void *data,
				struct drm_file *file)
{
	struct drm_vsvm_vm_create *args = data;
	int ret;

	if (args->flags & ~DRM_VSVM_VM_CREATE_SVM) {
		drm_dbg(drm, "VM_CREATE: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "VM_CREATE", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	return vsvm_vm_create(to_vsvm_device(drm), file->driver_priv, file->client_id,
			      args->flags & DRM_VSVM_VM_CREATE_SVM, &args->vm_id);
}

static int vsvm_ioctl_vm_destroy(struct drm_device *drm, void *data,
				 struct drm_file *file)
{
	struct drm_vsvm_vm_destroy *args = data;
	int ret;

	if (args->pad) {
		drm_dbg(drm, "VM_DESTROY: non-zero pad\n");
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "VM_DESTROY", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;
	ret = vm_id_check(drm, "VM_DESTROY", args->vm_id);
	if (ret)
		return ret;

	ret = vsvm_vm_destroy(file->driver_priv, args->vm_id);
	if (ret)
		drm_dbg(drm, "VM_DESTROY: no VM %u\n", args->vm_id);
	return ret;
}

/* Copies in and checks an array of syncs. */
static struct drm_vsvm_sync *syncs_get(struct drm_device *drm, u64 ptr, u32 count,
				       const char *what)
{
	struct drm_vsvm_sync *syncs;
	u32 i;

	if (!count)
		return NULL;
	syncs = memdup_array_user(u64_to_user_ptr(ptr), count, sizeof(*syncs));
	if (IS_ERR(syncs)) {
		drm_dbg(drm, "%s at %#llx unreadable\n", what, ptr);
		return syncs;
	}
	for (i = 0; i < count; i++) {
		if (syncs[i].flags & ~DRM_VSVM_SYNC_TIMELINE ||
		    (!(syncs[i].flags & DRM_VSVM_SYNC_TIMELINE) && syncs[i].point)) {
			drm_dbg(drm, "%s %u: bad flags or point\n", what, i);
			kfree(syncs);
			return ERR_PTR(-EINVAL);
		}
	}
	return syncs;
}

/**
 * struct bind_syncs - VM_BIND's syncs, from its %DRM_VSVM_VM_BIND_EXT_SYNCS
 */
struct bind_syncs {
	/** @seen: Whether the extension was given (once at most). */
	bool seen;
	/** @in: In-syncs, or NULL. */
	struct drm_vsvm_sync *in;
	/** @out: Out-syncs, or NULL. */
	struct drm_vsvm_sync *out;
	/** @num_in: Number of @in. */
	u32 num_in;
	/** @num_out: Number of @out. */
	u32 num_out;
};

static int vsvm_bind_ext_syncs(struct drm_device *drm, u64 ext, void *data)
{
	struct drm_vsvm_vm_bind_ext_syncs args;
	struct bind_syncs *bs = data;

	if (bs->seen) {
		drm_dbg(drm, "VM_BIND: a second syncs extension\n");
		return -EINVAL;
	}
	bs->seen = true;
	if (copy_from_user(&args, u64_to_user_ptr(ext), sizeof(args))) {
		drm_dbg(drm, "VM_BIND: syncs extension at %#llx unreadable\n", ext);
		return -EFAULT;
	}
	if (args.num_in_syncs > VSVM_MAX_SYNCS || args.num_out_syncs > VSVM_MAX_SYNCS) {
		drm_dbg(drm, "VM_BIND: more than %d syncs\n", VSVM_MAX_SYNCS);
		return -E2BIG;
	}
	bs->in = syncs_get(drm, args.in_syncs, args.num_in_syncs, "VM_BIND: in-sync");
	if (IS_ERR(bs->in)) {
		int ret = PTR_ERR(bs->in);

		bs->in = NULL;
		return ret;
	}
	bs->num_in = args.num_in_syncs;
	bs->out = syncs_get(drm, args.out_syncs, args.num_out_syncs, "VM_BIND: out-sync");
	if (IS_ERR(bs->out)) {
		int ret = PTR_ERR(bs->out);

		bs->out = NULL;
		return ret;
	}
	bs->num_out = args.num_out_syncs;
	return 0;
}

static const vsvm_ext_fn vsvm_bind_exts[] = {
	[DRM_VSVM_VM_BIND_EXT_SYNCS] = vsvm_bind_ext_syncs,
};

/* Waits, interruptibly, for every in-sync of a VM_BIND. */
static int bind_wait_in(struct drm_device *drm, struct drm_file *file,
			const struct bind_syncs *bs)
{
	struct dma_fence *fence;
	long ret;
	u32 i;

	for (i = 0; i < bs->num_in; i++) {
		ret = drm_syncobj_find_fence(file, bs->in[i].handle, bs->in[i].point, 0, &fence);
		if (ret) {
			drm_dbg(drm, "VM_BIND: in-sync %u (handle %u): %ld\n", i,
				bs->in[i].handle, ret);
			return ret;
		}
		ret = dma_fence_wait(fence, true);
		dma_fence_put(fence);
		if (ret < 0)
			return ret;
	}
	return 0;
}

/* Checks one uapi bind op and turns it into @op (taking a reference on the object). */
static int vsvm_bind_op_check(struct drm_device *drm, struct drm_file *file,
			      const struct drm_vsvm_vm_bind_op *uop, u32 i,
			      struct vsvm_bind_op *op)
{
	u64 end;

	if (uop->pad) {
		drm_dbg(drm, "VM_BIND: op %u: non-zero pad\n", i);
		return -EINVAL;
	}
	if (!uop->range || !IS_ALIGNED(uop->addr | uop->range | uop->bo_offset, SZ_4K)) {
		drm_dbg(drm, "VM_BIND: op %u: empty or misaligned range\n", i);
		return -EINVAL;
	}
	if (check_add_overflow(uop->addr, uop->range, &end) ||
	    end > BIT_ULL(DRM_VSVM_VA_BITS)) {
		drm_dbg(drm, "VM_BIND: op %u: [%#llx, +%#llx) is past the address space\n",
			i, uop->addr, uop->range);
		return -EINVAL;
	}

	*op = (struct vsvm_bind_op){ .addr = uop->addr, .range = uop->range };
	switch (uop->op) {
	case DRM_VSVM_BIND_OP_MAP:
		if (uop->flags & ~DRM_VSVM_BIND_READ_ONLY) {
			drm_dbg(drm, "VM_BIND: op %u: unknown flags %#x\n", i, uop->flags);
			return -EINVAL;
		}
		op->read_only = uop->flags & DRM_VSVM_BIND_READ_ONLY;
		op->offset = uop->bo_offset;
		op->obj = drm_gem_object_lookup(file, uop->handle);
		if (!op->obj) {
			drm_dbg(drm, "VM_BIND: op %u: no object with handle %u\n",
				i, uop->handle);
			return -ENOENT;
		}
		if (check_add_overflow(uop->bo_offset, uop->range, &end) ||
		    end > op->obj->size) {
			drm_dbg(drm, "VM_BIND: op %u: [%#llx, +%#llx) is past the object's %#zx bytes\n",
				i, uop->bo_offset, uop->range, op->obj->size);
			drm_gem_object_put(op->obj);
			op->obj = NULL;
			return -EINVAL;
		}
		return 0;
	case DRM_VSVM_BIND_OP_UNMAP:
		if (uop->flags || uop->handle || uop->bo_offset) {
			drm_dbg(drm, "VM_BIND: op %u: UNMAP with flags, handle or offset\n", i);
			return -EINVAL;
		}
		op->unmap = true;
		return 0;
	default:
		drm_dbg(drm, "VM_BIND: op %u: unknown op %u\n", i, uop->op);
		return -EINVAL;
	}
}

static int vsvm_ioctl_vm_bind(struct drm_device *drm, void *data,
			      struct drm_file *file)
{
	struct drm_vsvm_vm_bind *args = data;
	struct vsvm_out_syncs out = {};
	struct drm_vsvm_vm_bind_op *uops;
	struct bind_syncs bs = {};
	struct vsvm_bind_op *ops;
	struct dma_fence *fence = NULL;
	struct vsvm_vm *vm;
	u32 i, checked = 0;
	int ret;

	args->num_done = 0;
	if (args->flags & ~DRM_VSVM_VM_BIND_ASYNC) {
		drm_dbg(drm, "VM_BIND: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	if (!args->num_ops) {
		drm_dbg(drm, "VM_BIND: no ops\n");
		return -EINVAL;
	}
	if (args->num_ops > DRM_VSVM_MAX_BIND_OPS) {
		drm_dbg(drm, "VM_BIND: %u ops, more than %d\n", args->num_ops,
			DRM_VSVM_MAX_BIND_OPS);
		return -E2BIG;
	}
	ret = vsvm_ext_walk(drm, "VM_BIND", args->extensions, vsvm_bind_exts,
			    ARRAY_SIZE(vsvm_bind_exts), &bs);
	if (ret)
		goto out_syncs;

	uops = memdup_array_user(u64_to_user_ptr(args->ops), args->num_ops, sizeof(*uops));
	if (IS_ERR(uops)) {
		drm_dbg(drm, "VM_BIND: ops at %#llx unreadable\n", args->ops);
		ret = PTR_ERR(uops);
		goto out_syncs;
	}
	ops = kvcalloc(args->num_ops, sizeof(*ops), GFP_KERNEL);
	if (!ops) {
		ret = -ENOMEM;
		goto out_uops;
	}
	for (checked = 0; checked < args->num_ops; checked++) {
		ret = vsvm_bind_op_check(drm, file, &uops[checked], checked, &ops[checked]);
		if (ret)
			goto out_ops;
	}

	ret = vm_id_check(drm, "VM_BIND", args->vm_id);
	if (ret)
		goto out_ops;
	vm = vsvm_vm_lookup(file->driver_priv, args->vm_id);
	if (!vm) {
		drm_dbg(drm, "VM_BIND: no VM %u\n", args->vm_id);
		ret = -ENOENT;
		goto out_ops;
	}
	if (vm->svm) {
		drm_dbg(drm, "VM_BIND: VM %u is an SVM VM: it mirrors its process\n",
			args->vm_id);
		vsvm_vm_put(vm);
		ret = -EINVAL;
		goto out_ops;
	}
	/* A VM-private object shares its VM's reservation: no other VM maps it. */
	for (i = 0; i < args->num_ops; i++) {
		struct drm_gem_object *root = ops[i].obj ? vsvm_gem_vm_root(ops[i].obj) : NULL;

		if (root && root != drm_gpuvm_resv_obj(&vm->gpuvm)) {
			drm_dbg(drm, "VM_BIND: op %u: the object is private to another VM than %u\n",
				i, args->vm_id);
			vsvm_vm_put(vm);
			ret = -EINVAL;
			goto out_ops;
		}
	}
	/* Out-syncs are looked up first, so that signalling them cannot fail. */
	ret = vsvm_out_syncs_prepare(&out, file, bs.out, bs.num_out);
	if (!ret && (args->flags & DRM_VSVM_VM_BIND_ASYNC)) {
		ret = vsvm_vm_bind_async(vm, file, ops, args->num_ops, bs.in, bs.num_in,
					 &args->num_done, &fence);
	} else if (!ret) {
		ret = bind_wait_in(drm, file, &bs);
		if (!ret)
			ret = vsvm_vm_bind(vm, ops, args->num_ops, &args->num_done);
		/* The bind is done: its fence is one that has signalled. */
		fence = dma_fence_get_stub();
	}
	if (!ret && bs.num_out)
		vsvm_out_syncs_signal(&out, fence);
	dma_fence_put(fence);
	vsvm_out_syncs_release(&out);
	vsvm_vm_put(vm);

out_ops:
	for (i = 0; i < checked; i++)
		if (ops[i].obj)
			drm_gem_object_put(ops[i].obj);
	kvfree(ops);
out_uops:
	kfree(uops);
out_syncs:
	kfree(bs.in);
	kfree(bs.out);
	return ret;
}

static int vsvm_ioctl_gem_info(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_gem_info *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad) {
		drm_dbg(drm, "GEM_INFO: non-zero pad\n");
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "GEM_INFO", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "GEM_INFO: no object with handle %u\n", args->handle);
		return -ENOENT;
	}
	args->size = obj->size;
	args->flags = vsvm_gem_is_userptr(obj) ?
		      DRM_VSVM_GEM_INFO_USERPTR | to_vsvm_userptr(obj)->flags : 0;
	args->imported = !!obj->import_attach;
	drm_gem_object_put(obj);
	return 0;
}

/* Copies a query's answer out, or only its size when @args->size is 0. */
static int query_reply(struct drm_device *drm, struct drm_vsvm_query *args,
		       const void *data, u32 size)
{
	if (!args->size) {
		args->size = size;
		return 0;
	}
	if (args->size < size) {
		drm_dbg(drm, "QUERY: %u bytes given, %u needed\n", args->size, size);
		return -EINVAL;
	}
	if (copy_to_user(u64_to_user_ptr(args->data), data, size)) {
		drm_dbg(drm, "QUERY: data at %#llx not writable\n", args->data);
		return -EFAULT;
	}
	args->size = size;
	return 0;
}

static int query_faults(struct drm_device *drm, struct drm_file *file,
			struct drm_vsvm_query *args)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_query_faults *q;
	u32 size = struct_size(q, faults, DRM_VSVM_MAX_FAULTS);
	u64 seqno, first;
	int ret;

	q = kzalloc(size, GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	spin_lock(&vdev->fault_lock);
	first = vdev->fault_seqno > DRM_VSVM_MAX_FAULTS ?
		vdev->fault_seqno - DRM_VSVM_MAX_FAULTS : 0;
	for (seqno = first; seqno < vdev->fault_seqno; seqno++) {
		struct vsvm_fault_record *rec = &vdev->faults[seqno % DRM_VSVM_MAX_FAULTS];

		if (rec->client_id == file->client_id)
			q->faults[q->count++] = rec->fault;
	}
	spin_unlock(&vdev->fault_lock);

	ret = query_reply(drm, args, q, struct_size(q, faults, q->count));
	kfree(q);
	return ret;
}

static int vsvm_ioctl_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_query *args = data;
	struct drm_vsvm_query_device dev;
	struct drm_vsvm_query_vram vram;
	struct drm_vsvm_query_caps caps;
	int ret;

	if (args->pad) {
		drm_dbg(drm, "QUERY: non-zero pad\n");
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "QUERY", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	switch (args->query) {
	case DRM_VSVM_QUERY_DEVICE:
		dev = (struct drm_vsvm_query_device){
			.num_queues = vdev->num_queues,
			.va_bits = DRM_VSVM_VA_BITS,
			.max_bo_size = DRM_VSVM_GEM_MAX_SIZE,
			.page_sizes = DRM_VSVM_PAGE_4K | DRM_VSVM_PAGE_2M,
			.max_bind_ops = DRM_VSVM_MAX_BIND_OPS,
			.job_timeout_ms = vdev->job_timeout_ms,
			.max_syncs = VSVM_MAX_SYNCS,
			.max_cs_size = VSVM_MAX_CS_SIZE,
		};
		return query_reply(drm, args, &dev, sizeof(dev));
	case DRM_VSVM_QUERY_FAULTS:
		return query_faults(drm, file, args);
	case DRM_VSVM_QUERY_CAPS:
		caps = (struct drm_vsvm_query_caps){
			.caps = DRM_VSVM_CAP_SVM | DRM_VSVM_CAP_USERPTR_REGISTRATION |
				DRM_VSVM_CAP_LONG_RUNNING |
				(vdev->kms.enabled ? DRM_VSVM_CAP_DISPLAY : 0) |
				(IS_ENABLED(CONFIG_DMABUF_MOVE_NOTIFY) ?
				 DRM_VSVM_CAP_DMABUF_MOVE_NOTIFY : 0) |
				(vdev->vram ? DRM_VSVM_CAP_DEVICE_MEMORY : 0),
		};
		return query_reply(drm, args, &caps, sizeof(caps));
	case DRM_VSVM_QUERY_VRAM:
		memset(&vram, 0, sizeof(vram));
		vsvm_vram_query(vdev, &vram);
		return query_reply(drm, args, &vram, sizeof(vram));
	default:
		drm_dbg(drm, "QUERY: unknown query %u\n", args->query);
		return -EINVAL;
	}
}

/**
 * struct exec_ufence - EXEC's or SVM_PREFETCH's %DRM_VSVM_EXEC_EXT_USER_FENCE
 */
struct exec_ufence {
	/** @seen: Whether the extension was given (once at most). */
	bool seen;
	/** @ioctl: The ioctl's name, for debug messages. */
	const char *ioctl;
	/** @uf: The user fence, checked. */
	struct vsvm_ufence uf;
};

static int vsvm_exec_ext_user_fence(struct drm_device *drm, u64 ext, void *data)
{
	struct drm_vsvm_exec_ext_user_fence args;
	struct exec_ufence *eu = data;

	if (eu->seen) {
		drm_dbg(drm, "%s: a second user-fence extension\n", eu->ioctl);
		return -EINVAL;
	}
	eu->seen = true;
	if (copy_from_user(&args, u64_to_user_ptr(ext), sizeof(args))) {
		drm_dbg(drm, "%s: user-fence extension at %#llx unreadable\n", eu->ioctl, ext);
		return -EFAULT;
	}
	if (!args.addr || !IS_ALIGNED(args.addr, sizeof(u64)) ||
	    args.addr >= BIT_ULL(DRM_VSVM_VA_BITS)) {
		drm_dbg(drm, "%s: bad user-fence address %#llx\n", eu->ioctl, args.addr);
		return -EINVAL;
	}
	eu->uf = (struct vsvm_ufence){ .addr = args.addr, .value = args.value };
	return 0;
}

static const vsvm_ext_fn vsvm_exec_exts[] = {
	[DRM_VSVM_EXEC_EXT_USER_FENCE] = vsvm_exec_ext_user_fence,
};

/*
 * I2, long-running mode: an SVM VM's job may allocate and wait while it
 * resolves a fault, so it exports no dma-fence (no out-syncs); a user fence
 * is for such a job only.
 */
static int exec_lr_check(struct drm_device *drm, const char *ioctl, struct vsvm_vm *vm,
			 u32 num_out, const struct exec_ufence *eu)
{
	if (vm->svm && num_out) {
		drm_dbg(drm, "%s: out-syncs on SVM VM %u, which exports no fence\n",
			ioctl, vm->id);
		return -EINVAL;
	}
	if (!vm->svm && eu->seen) {
		drm_dbg(drm, "%s: user fence on VM %u, not an SVM VM\n", ioctl, vm->id);
		return -EINVAL;
	}
	return 0;
}

static int vsvm_ioctl_exec(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct exec_ufence eu = { .ioctl = "EXEC" };
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_sync *in = NULL, *out = NULL;
	struct drm_vsvm_exec *args = data;
	struct vsvm_vm *vm;
	int ret;

	if (args->flags || args->pad) {
		drm_dbg(drm, "EXEC: non-zero flags or pad\n");
		return -EINVAL;
	}
	if (args->queue >= vdev->num_queues) {
		drm_dbg(drm, "EXEC: no queue %u\n", args->queue);
		return -EINVAL;
	}
	if (!args->cs_size || args->cs_size > VSVM_MAX_CS_SIZE ||
	    !IS_ALIGNED(args->cs_addr | args->cs_size, 4)) {
		drm_dbg(drm, "EXEC: bad command stream [%#llx, +%#llx)\n",
			args->cs_addr, args->cs_size);
		return -EINVAL;
	}
	if (args->num_in_syncs > VSVM_MAX_SYNCS || args->num_out_syncs > VSVM_MAX_SYNCS) {
		drm_dbg(drm, "EXEC: more than %d syncs\n", VSVM_MAX_SYNCS);
		return -E2BIG;
	}
	ret = vsvm_ext_walk(drm, "EXEC", args->extensions, vsvm_exec_exts,
			    ARRAY_SIZE(vsvm_exec_exts), &eu);
	if (ret)
		return ret;

	in = syncs_get(drm, args->in_syncs, args->num_in_syncs, "in-sync");
	if (IS_ERR(in))
		return PTR_ERR(in);
	out = syncs_get(drm, args->out_syncs, args->num_out_syncs, "out-sync");
	if (IS_ERR(out)) {
		ret = PTR_ERR(out);
		goto out_in;
	}

	ret = vm_id_check(drm, "EXEC", args->vm_id);
	if (ret)
		goto out_out;
	vm = vsvm_vm_lookup(file->driver_priv, args->vm_id);
	if (!vm) {
		drm_dbg(drm, "EXEC: no VM %u\n", args->vm_id);
		ret = -ENOENT;
		goto out_out;
	}
	ret = exec_lr_check(drm, "EXEC", vm, args->num_out_syncs, &eu);
	if (!ret)
		ret = vsvm_exec(vdev, file, vm, args->queue, args->cs_addr, args->cs_size,
				NULL, in, args->num_in_syncs, out, args->num_out_syncs,
				eu.seen ? &eu.uf : NULL);
	vsvm_vm_put(vm);
out_out:
	kfree(out);
out_in:
	kfree(in);
	return ret;
}

static int vsvm_ioctl_svm_prefetch(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct exec_ufence eu = { .ioctl = "SVM_PREFETCH" };
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_svm_prefetch *args = data;
	enum vsvm_svm_loc loc = VSVM_SVM_LOC_ANY;
	struct drm_vsvm_sync *out;
	struct vsvm_vm *vm;
	u64 end;
	int ret;

	if (args->flags & ~(DRM_VSVM_SVM_PREFETCH_VRAM | DRM_VSVM_SVM_PREFETCH_SYSTEM)) {
		drm_dbg(drm, "SVM_PREFETCH: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	if (args->flags == (DRM_VSVM_SVM_PREFETCH_VRAM | DRM_VSVM_SVM_PREFETCH_SYSTEM)) {
		drm_dbg(drm, "SVM_PREFETCH: both VRAM and SYSTEM\n");
		return -EINVAL;
	}
	if (args->flags & DRM_VSVM_SVM_PREFETCH_VRAM) {
		if (!vdev->vram) {
			drm_dbg(drm, "SVM_PREFETCH: to VRAM, but the device has no device memory\n");
			return -EOPNOTSUPP;
		}
		loc = VSVM_SVM_LOC_VRAM;
	} else if (args->flags & DRM_VSVM_SVM_PREFETCH_SYSTEM) {
		loc = VSVM_SVM_LOC_SYSTEM;
	}
	if (args->queue >= vdev->num_queues) {
		drm_dbg(drm, "SVM_PREFETCH: no queue %u\n", args->queue);
		return -EINVAL;
	}
	if (!args->size || !PAGE_ALIGNED(args->addr | args->size) ||
	    check_add_overflow(args->addr, args->size, &end) || end > BIT_ULL(DRM_VSVM_VA_BITS)) {
		drm_dbg(drm, "SVM_PREFETCH: bad range [%#llx, +%#llx)\n", args->addr, args->size);
		return -EINVAL;
	}
	if (args->num_out_syncs > VSVM_MAX_SYNCS) {
		drm_dbg(drm, "SVM_PREFETCH: more than %d syncs\n", VSVM_MAX_SYNCS);
		return -E2BIG;
	}
	ret = vsvm_ext_walk(drm, "SVM_PREFETCH", args->extensions, vsvm_exec_exts,
			    ARRAY_SIZE(vsvm_exec_exts), &eu);
	if (ret)
		return ret;
	out = syncs_get(drm, args->out_syncs, args->num_out_syncs, "SVM_PREFETCH: out-sync");
	if (IS_ERR(out))
		return PTR_ERR(out);

	ret = vm_id_check(drm, "SVM_PREFETCH", args->vm_id);
	if (ret)
		goto out_free;
	vm = vsvm_vm_lookup(file->driver_priv, args->vm_id);
	if (!vm) {
		drm_dbg(drm, "SVM_PREFETCH: no VM %u\n", args->vm_id);
		ret = -ENOENT;
		goto out_free;
	}
	if (!vm->svm) {
		drm_dbg(drm, "SVM_PREFETCH: VM %u is not an SVM VM\n", args->vm_id);
		ret = -EINVAL;
	} else {
		ret = exec_lr_check(drm, "SVM_PREFETCH", vm, args->num_out_syncs, &eu);
		if (!ret)
			ret = vsvm_exec(vdev, file, vm, args->queue, args->addr, args->size,
					&loc, NULL, 0, out, args->num_out_syncs,
					eu.seen ? &eu.uf : NULL);
	}
	vsvm_vm_put(vm);
out_free:
	kfree(out);
	return ret;
}

/*
 * Looks up the SVM VM of SVM_MADVISE and SVM_QUERY, of the caller's
 * address space (I7: a range's attributes and pages are its process's).
 */
static struct vsvm_vm *svm_vm_get(struct drm_device *drm, struct drm_file *file,
				  const char *ioctl, u32 vm_id)
{
	struct vsvm_vm *vm;
	int ret;

	ret = vm_id_check(drm, ioctl, vm_id);
	if (ret)
		return ERR_PTR(ret);
	vm = vsvm_vm_lookup(file->driver_priv, vm_id);
	if (!vm) {
		drm_dbg(drm, "%s: no VM %u\n", ioctl, vm_id);
		return ERR_PTR(-ENOENT);
	}
	if (!vm->svm) {
		drm_dbg(drm, "%s: VM %u is not an SVM VM\n", ioctl, vm_id);
		ret = -EINVAL;
	} else if (current->mm != vm->svm->mm) {
		drm_dbg(drm, "%s: SVM VM %u mirrors another address space\n", ioctl, vm_id);
		ret = -EPERM;
	}
	if (ret) {
		vsvm_vm_put(vm);
		return ERR_PTR(ret);
	}
	return vm;
}

/* Checks an SVM range of SVM_MADVISE or SVM_QUERY; @size may be zero. */
static int svm_range_check(struct drm_device *drm, const char *ioctl, u64 addr, u64 size,
			   u64 *end)
{
	if (!PAGE_ALIGNED(addr | size) || check_add_overflow(addr, size, end) ||
	    *end > BIT_ULL(DRM_VSVM_VA_BITS) || addr >= BIT_ULL(DRM_VSVM_VA_BITS)) {
		drm_dbg(drm, "%s: bad range [%#llx, +%#llx)\n", ioctl, addr, size);
		return -EINVAL;
	}
	return 0;
}

static int vsvm_ioctl_svm_madvise(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_svm_madvise *args = data;
	bool device = false;
	struct vsvm_vm *vm;
	u32 max;
	u64 end;
	int ret;

	if (args->flags) {
		drm_dbg(drm, "SVM_MADVISE: unknown flags %#x\n", args->flags);
		return -EINVAL;
	}
	switch (args->attr) {
	case DRM_VSVM_SVM_ATTR_PREFERRED_LOC:
		max = DRM_VSVM_MEM_OTHER_DEVICE;
		device = args->value != DRM_VSVM_MEM_SYSTEM;
		break;
	case DRM_VSVM_SVM_ATTR_READ_ONLY:
		max = 1;
		break;
	case DRM_VSVM_SVM_ATTR_ATOMIC:
		max = DRM_VSVM_ATOMIC_MODE_SYSTEM;
		device = args->value == DRM_VSVM_ATOMIC_MODE_DEVICE;
		break;
	default:
		drm_dbg(drm, "SVM_MADVISE: unknown attribute %u\n", args->attr);
		return -EINVAL;
	}
	if (args->value > max) {
		drm_dbg(drm, "SVM_MADVISE: attribute %u has no value %u\n", args->attr,
			args->value);
		return -EINVAL;
	}
	if (!args->size) {
		drm_dbg(drm, "SVM_MADVISE: empty range\n");
		return -EINVAL;
	}
	ret = svm_range_check(drm, "SVM_MADVISE", args->addr, args->size, &end);
	if (ret)
		return ret;
	ret = vsvm_ext_walk(drm, "SVM_MADVISE", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;
	vm = svm_vm_get(drm, file, "SVM_MADVISE", args->vm_id);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	/* Device memory and exclusive access need device-private pages. */
	if (device && !IS_ENABLED(CONFIG_DEVICE_PRIVATE)) {
		drm_dbg(drm, "SVM_MADVISE: attribute %u value %u needs CONFIG_DEVICE_PRIVATE\n",
			args->attr, args->value);
		ret = -EOPNOTSUPP;
	} else {
		ret = vsvm_svm_madvise(vm, args->addr, end, args->attr, args->value);
	}
	vsvm_vm_put(vm);
	return ret;
}

static int vsvm_ioctl_svm_query(struct drm_device *drm, void *data, struct drm_file *file)
{
	struct drm_vsvm_svm_query *args = data;
	struct vsvm_svm_attr attr;
	struct vsvm_vm *vm;
	u8 *pages = NULL;
	u64 end;
	int ret;

	if (args->flags || args->pad) {
		drm_dbg(drm, "SVM_QUERY: non-zero flags or pad\n");
		return -EINVAL;
	}
	ret = svm_range_check(drm, "SVM_QUERY", args->addr, args->size, &end);
	if (ret)
		return ret;
	if (args->size > DRM_VSVM_SVM_QUERY_MAX_SIZE) {
		drm_dbg(drm, "SVM_QUERY: %#llx bytes is more than one query snapshots\n",
			args->size);
		return -E2BIG;
	}
	ret = vsvm_ext_walk(drm, "SVM_QUERY", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;
	vm = svm_vm_get(drm, file, "SVM_QUERY", args->vm_id);
	if (IS_ERR(vm))
		return PTR_ERR(vm);
	if (args->size) {
		pages = kvmalloc(args->size >> PAGE_SHIFT, GFP_KERNEL_ACCOUNT);
		if (!pages) {
			ret = -ENOMEM;
			goto out_put;
		}
		ret = vsvm_svm_snapshot(vm, args->addr, end, pages);
		if (ret) {
			drm_dbg(drm, "SVM_QUERY: snapshot failed: %d\n", ret);
			goto out_free;
		}
		if (copy_to_user(u64_to_user_ptr(args->pages), pages, args->size >> PAGE_SHIFT)) {
			drm_dbg(drm, "SVM_QUERY: pages at %#llx not writable\n", args->pages);
			ret = -EFAULT;
			goto out_free;
		}
	}
	vsvm_svm_attr_get(vm, args->addr, &attr, &args->range_start, &args->range_end);
	args->preferred_loc = attr.preferred;
	args->atomic = attr.atomic;
	args->read_only = attr.read_only;
out_free:
	kvfree(pages);
out_put:
	vsvm_vm_put(vm);
	return ret;
}

/* Whether *@addr, masked, compares with @value as @op says. */
static bool ufence_holds(u64 cur, u64 value, u64 mask, u16 op)
{
	cur &= mask;
	value &= mask;
	switch (op) {
	case DRM_VSVM_UFENCE_OP_EQ:
		return cur == value;
	case DRM_VSVM_UFENCE_OP_NEQ:
		return cur != value;
	case DRM_VSVM_UFENCE_OP_GT:
		return cur > value;
	case DRM_VSVM_UFENCE_OP_GTE:
		return cur >= value;
	case DRM_VSVM_UFENCE_OP_LT:
		return cur < value;
	default:
		return cur <= value;
	}
}

static int vsvm_ioctl_wait_user_fence(struct drm_device *drm, void *data,
				      struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct drm_vsvm_wait_user_fence *args = data;
	u64 __user *addr = u64_to_user_ptr(args->addr);
	DEFINE_WAIT_FUNC(wait, woken_wake_function);
	long timeout;
	u64 cur;
	int ret;

	if (args->flags || args->pad) {
		drm_dbg(drm, "WAIT_USER_FENCE: non-zero flags or pad\n");
		return -EINVAL;
	}
	if (args->op > DRM_VSVM_UFENCE_OP_LTE) {
		drm_dbg(drm, "WAIT_USER_FENCE: unknown op %u\n", args->op);
		return -EINVAL;
	}
	if (!args->addr || !IS_ALIGNED(args->addr, sizeof(u64))) {
		drm_dbg(drm, "WAIT_USER_FENCE: bad address %#llx\n", args->addr);
		return -EINVAL;
	}
	if (args->timeout < 0 || !args->mask) {
		drm_dbg(drm, "WAIT_USER_FENCE: negative timeout or zero mask\n");
		return -EINVAL;
	}
	ret = vsvm_ext_walk(drm, "WAIT_USER_FENCE", args->extensions, NULL, 0, NULL);
	if (ret)
		return ret;

	/* Rounded up: a non-zero timeout waits at least that long. */
	timeout = args->timeout ? max_t(long, nsecs_to_jiffies(args->timeout), 1) : 0;
	/*
	 * Woken after every user fence of the device: recheck the word each
	 * time.  woken_wake_function() keeps a wake-up between the read and
	 * wait_woken() from being lost.
	 */
	add_wait_queue(&vdev->ufence_wq, &wait);
	for (;;) {
		/* I8: woken by the unplug (vsvm_device_unplug()). */
		if (drm_dev_is_unplugged(drm)) {
			drm_dbg(drm, "WAIT_USER_FENCE: device unplugged\n");
			ret = -ENODEV;
			break;
		}
		if (get_user(cur, addr)) {
			drm_dbg(drm, "WAIT_USER_FENCE: %#llx unreadable\n", args->addr);
			ret = -EFAULT;
			break;
		}
		if (ufence_holds(cur, args->value, args->mask, args->op)) {
			ret = 0;
			break;
		}
		if (!timeout) {
			ret = -ETIME;
			break;
		}
		if (signal_pending(current)) {
			ret = -ERESTARTSYS;
			break;
		}
		timeout = wait_woken(&wait, TASK_INTERRUPTIBLE, timeout);
	}
	remove_wait_queue(&vdev->ufence_wq, &wait);
	return ret;
}

/*
 * I8: every ioctl that reaches the device runs inside drm_dev_enter(), so
 * that the unplug (drm_dev_unplug() in remove()) waits for it and it never
 * sees the device torn down; once unplugged, it fails with -ENODEV.
 * WAIT_USER_FENCE, which may sleep for long, checks for the unplug instead.
 */
static int vsvm_ioctl_enter(struct drm_device *drm, void *data, struct drm_file *file,
			    drm_ioctl_t *func)
{
	int idx, ret;

	if (!drm_dev_enter(drm, &idx)) {
		drm_dbg(drm, "ioctl on an unplugged device\n");
		return -ENODEV;
	}
	ret = func(drm, data, file);
	drm_dev_exit(idx);
	return ret;
}

#define VSVM_IOCTL_ENTER(func)						\
static int vsvm_ioctl_##func##_enter(struct drm_device *drm, void *data,	\
				     struct drm_file *file)		\
{									\
	return vsvm_ioctl_enter(drm, data, file, vsvm_ioctl_##func);	\
}

VSVM_IOCTL_ENTER(gem_create)
VSVM_IOCTL_ENTER(gem_mmap_offset)
VSVM_IOCTL_ENTER(vm_create)
VSVM_IOCTL_ENTER(vm_destroy)
VSVM_IOCTL_ENTER(vm_bind)
VSVM_IOCTL_ENTER(query)
VSVM_IOCTL_ENTER(exec)
VSVM_IOCTL_ENTER(gem_info)
VSVM_IOCTL_ENTER(gem_userptr)
VSVM_IOCTL_ENTER(svm_prefetch)
VSVM_IOCTL_ENTER(svm_madvise)
VSVM_IOCTL_ENTER(svm_query)

#define VSVM_IOCTL(name, func) \
	DRM_IOCTL_DEF_DRV(VSVM_##name, vsvm_ioctl_##func##_enter, DRM_RENDER_ALLOW)
#define VSVM_IOCTL_NOENTER(name, func) \
	DRM_IOCTL_DEF_DRV(VSVM_##name, vsvm_ioctl_##func, DRM_RENDER_ALLOW)

/** vsvm_ioctls - vsvm's driver-private ioctls, indexed by DRM_VSVM_* */
const struct drm_ioctl_desc vsvm_ioctls[VSVM_NUM_IOCTLS] = {
	VSVM_IOCTL(GEM_CREATE, gem_create),
	VSVM_IOCTL(GEM_MMAP_OFFSET, gem_mmap_offset),
	VSVM_IOCTL(VM_CREATE, vm_create),
	VSVM_IOCTL(VM_DESTROY, vm_destroy),
	VSVM_IOCTL(VM_BIND, vm_bind),
	VSVM_IOCTL(QUERY, query),
	VSVM_IOCTL(EXEC, exec),
	VSVM_IOCTL(GEM_INFO, gem_info),
	VSVM_IOCTL(GEM_USERPTR, gem_userptr),
	VSVM_IOCTL(SVM_PREFETCH, svm_prefetch),
	VSVM_IOCTL_NOENTER(WAIT_USER_FENCE, wait_user_fence),
	VSVM_IOCTL(SVM_MADVISE, svm_madvise),
	VSVM_IOCTL(SVM_QUERY, svm_query),
};
