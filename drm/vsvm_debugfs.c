// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "vsvm_debugfs.h"
#include "vsvm_drv.h"
#include "vsvm_svm.h"
#include "vsvm_vram.h"
#include "vsvm_vm.h"

/**
 * DOC: debugfs and fdinfo
 *
 * Each device's DRM debugfs directory (``/sys/kernel/debug/dri/<minor>/``)
 * holds vsvm's files next to DRM's own:
 *
 * ``vsvm_info``
 *	The device's index, driver version and the number and total size of
 *	live buffer objects (``bo_count``, ``bo_bytes``), one ``key: value``
 *	per line.  Tests read it to check that closing a file leaks nothing.
 *
 * ``vsvm_vms``
 *	Every VM of every open file: its id, its mappings as drm_gpuvm tracks
 *	them (drm_debugfs_gpuva_info()), its page table as the GPU sees it
 *	(one ``pt:`` line per run of alike entries, see vsvm_pt_dump_locked())
 *	and its TLB statistics.
 *
 * ``vsvm_faults``
 *	The device's fault ring, oldest first: seqno, DRM client, VM, queue,
 *	GPU address, access and reason.
 *
 * ``vsvm_engine``
 *	Per hardware queue: jobs run, busy time, jobs killed at the timeout,
 *	engine resets, and resets the engine did not stop for in time.
 *
 * ``engine_bytes_per_sec``
 *	Writable throttle: the engine keeps COPY and FILL to this throughput,
 *	as a device of that bandwidth would.  0 (the default) for full speed.
 *
 * ``vsvm_userptr``, ``dmachk``
 *	Userptr counters and the DMA checker (see the DOC sections on userptr
 *	and the DMA checker).
 *
 * ``engine_cmd_delay_us``, ``userptr_inject``, ``dmachk_expect``, ``dmachk_break``
 *	Test knobs, only with CONFIG_DRM_VSVM_DEBUG (see the DOC section on
 *	test knobs).
 *
 * ``vsvm_prime``, ``prime_evict``, ``vsvm_shrinker``
 *	dma-buf and eviction counters, and the exporter's forced move (see the
 *	DOC sections on dma-buf sharing and the shrinker).
 *
 * ``vsvm_kms``
 *	The display's counters (see the DOC section on the display), on a
 *	device that has one.
 *
 * ``vsvm_svm``, ``svm_chunk``
 *	Each SVM VM's PASID and fault statistics, and the cap on fault chunks
 *	(see the DOC section on shared virtual memory).
 *
 * ``vsvm_vram``
 *	The device's VRAM: size, use, migrations each way, CPU faults,
 *	evictions, and per fault chunk size the migrations to VRAM and their
 *	stage times (see the DOC section on simulated VRAM).
 *
 * Each open DRM file's fdinfo (``/proc/<pid>/fdinfo/<fd>``) follows
 * Documentation/gpu/drm-usage-stats.rst: drm_show_fdinfo() prints
 * ``drm-driver`` and ``drm-client-id``, and vsvm adds the memory keys
 * (``drm-total-memory``, ``drm-resident-memory``, ...) through
 * drm_show_memory_stats(), one ``drm-engine-queue<N>`` key per hardware
 * queue (the engine time, in ns, of the jobs of the file's VMs), and its
 * own keys: ``vsvm-userptr-pages`` and ``vsvm-pinned-pages`` (the file's
 * userptr pages, and how many are pinned now), ``vsvm-svm-pagefaults`` and
 * ``vsvm-svm-pagefault-time`` (its SVM VMs' GPU faults).
 */

static int vsvm_debugfs_info(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);

	seq_printf(m, "index: %u\n", vdev->index);
	seq_printf(m, "version: %d.%d.%d\n", VSVM_DRIVER_MAJOR,
		   VSVM_DRIVER_MINOR, VSVM_DRIVER_PATCHLEVEL);
	seq_printf(m, "bo_count: %d\n", atomic_read(&vdev->bo_count));
	seq_printf(m, "bo_bytes: %lld\n", (long long)atomic64_read(&vdev->bo_bytes));
	return 0;
}

static int vsvm_debugfs_vms(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *drm = entry->dev;
	struct drm_file *file;
	struct vsvm_vm *vm;
	unsigned long id;

	/* Files leave the list before their VMs are destroyed. */
	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct vsvm_file *vfile = file->driver_priv;

		seq_printf(m, "file %llu\n", file->client_id);
		xa_for_each(&vfile->vms, id, vm) {
			/* Hold the VM: VM_DESTROY may run meanwhile. */
			vm = vsvm_vm_lookup(vfile, id);
			if (!vm)
				continue;
			vsvm_vm_debugfs_show(vm, m);
			vsvm_vm_put(vm);
		}
	}
	mutex_unlock(&drm->filelist_mutex);
	return 0;
}

/* The device's VRAM and its migration statistics (see vsvm_vram.c). */
static int vsvm_debugfs_vram(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_vram_debugfs_show(to_vsvm_device(entry->dev), m);
	return 0;
}

/* The fault statistics of every SVM VM (the page-table dump is in vsvm_vms). */
static int vsvm_debugfs_svm(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *drm = entry->dev;
	struct drm_file *file;
	struct vsvm_vm *vm;
	unsigned long id;

	mutex_lock(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead) {
		struct vsvm_file *vfile = file->driver_priv;

		xa_for_each(&vfile->vms, id, vm) {
			/* The reference keeps vm->svm, whatever VM_DESTROY does. */
			vm = vsvm_vm_lookup(vfile, id);
			if (!vm)
				continue;
			if (vm->svm) {
				seq_printf(m, "file %llu vm %u\n", file->client_id, vm->id);
				vsvm_svm_debugfs_show(vm, m);
			}
			vsvm_vm_put(vm);
		}
	}
	mutex_unlock(&drm->filelist_mutex);
	return 0;
}

static int vsvm_debugfs_faults(struct seq_file *m, void *data)
{
	static const char * const reasons[] = {
		[DRM_VSVM_FAULT_NOT_PRESENT] = "not-present",
		[DRM_VSVM_FAULT_READ_ONLY] = "read-only",
		[DRM_VSVM_FAULT_BAD_COMMAND] = "bad-command",
	};
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);
	struct vsvm_fault_record recs[16];
	u64 seqno, end;
	unsigned int i, n;

	/* Copy out in batches: seq_printf() must not run under the spinlock. */
	spin_lock(&vdev->fault_lock);
	end = vdev->fault_seqno;
	spin_unlock(&vdev->fault_lock);
	seqno = end > DRM_VSVM_MAX_FAULTS ? end - DRM_VSVM_MAX_FAULTS : 0;
	while (seqno < end) {
		spin_lock(&vdev->fault_lock);
		for (n = 0; n < ARRAY_SIZE(recs) && seqno + n < end; n++)
			recs[n] = vdev->faults[(seqno + n) % DRM_VSVM_MAX_FAULTS];
		spin_unlock(&vdev->fault_lock);
		for (i = 0; i < n; i++) {
			const struct drm_vsvm_fault *f = &recs[i].fault;

			seq_printf(m, "%llu client %llu vm %u queue %u addr 0x%llx %s %s\n",
				   f->seqno, recs[i].client_id, f->vm_id, f->queue, f->addr,
				   f->write ? "write" : "read",
				   f->reason < ARRAY_SIZE(reasons) && reasons[f->reason] ?
				   reasons[f->reason] : "?");
		}
		seqno += n;
	}
	return 0;
}

static int vsvm_debugfs_engine(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct vsvm_device *vdev = to_vsvm_device(entry->dev);
	u32 i;

	seq_printf(m, "queues: %u, job timeout: %u ms, command delay: %u us, limit: %u B/s\n",
		   vdev->num_queues, vdev->job_timeout_ms,
		   vsvm_debug_cmd_delay_us(vdev),
		   READ_ONCE(vdev->engine_bytes_per_sec));
	for (i = 0; i < vdev->num_queues; i++) {
		struct vsvm_queue *q = &vdev->queues[i];

		seq_printf(m, "queue %u: jobs %lld busy_ns %lld timeouts %lld resets %lld stop_timeouts %lld direct %lld\n",
			   i, (long long)atomic64_read(&q->jobs),
			   (long long)atomic64_read(&q->busy_ns),
			   (long long)atomic64_read(&q->timeouts),
			   (long long)(atomic64_read(&q->hw.resets) +
				       atomic64_read(&q->lr_hw.resets)),
			   (long long)(atomic64_read(&q->hw.stop_timeouts) +
				       atomic64_read(&q->lr_hw.stop_timeouts)),
			   (long long)atomic64_read(&q->direct));
	}
	return 0;
}

static int vsvm_debugfs_userptr(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_userptr_debugfs_show(to_vsvm_device(entry->dev), m);
	return 0;
}

static int vsvm_debugfs_dmachk(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_dmachk_show(&to_vsvm_device(entry->dev)->dmachk, m);
	return 0;
}

static int vsvm_debugfs_prime(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_prime_debugfs_show(to_vsvm_device(entry->dev), m);
	return 0;
}

static int vsvm_debugfs_fb(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_fb_debugfs_show(to_vsvm_device(entry->dev), m);
	return 0;
}

static int vsvm_debugfs_shrinker(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;

	vsvm_shrinker_debugfs_show(to_vsvm_device(entry->dev), m);
	return 0;
}

static ssize_t prime_evict_write(struct file *file, const char __user *buf,
				 size_t len, loff_t *pos)
{
	struct vsvm_device *vdev = file->private_data;
	bool evict;
	int ret;

	ret = kstrtobool_from_user(buf, len, &evict);
	if (ret)
		return ret;
	if (evict) {
		ret = vsvm_prime_evict_all(vdev);
		if (ret)
			return ret;
	}
	return len;
}

static const struct file_operations prime_evict_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = prime_evict_write,
	.llseek = noop_llseek,
};

/**
 * vsvm_debugfs_register() - Add the debugfs files DRM's helpers don't make
 * @vdev: The device, just registered.
 */
void vsvm_debugfs_register(struct vsvm_device *vdev)
{
	debugfs_create_u32("engine_bytes_per_sec", 0644, vdev->drm.primary->debugfs_root,
			   &vdev->engine_bytes_per_sec);
	debugfs_create_file("prime_evict", 0200, vdev->drm.primary->debugfs_root, vdev,
			    &prime_evict_fops);
	debugfs_create_u32("svm_chunk", 0644, vdev->drm.primary->debugfs_root,
			   &vdev->svm_chunk);
	vsvm_debug_register(vdev);
}

/**
 * vsvm_debugfs_init() - Add vsvm's debugfs files to a device
 * @vdev: The device, not yet registered.
 *
 * The files are created by DRM when the device is registered and removed
 * with it.
 */
void vsvm_debugfs_init(struct vsvm_device *vdev)
{
	drm_debugfs_add_file(&vdev->drm, "vsvm_info", vsvm_debugfs_info, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_vms", vsvm_debugfs_vms, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_faults", vsvm_debugfs_faults, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_engine", vsvm_debugfs_engine, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_userptr", vsvm_debugfs_userptr, NULL);
	drm_debugfs_add_file(&vdev->drm, "dmachk", vsvm_debugfs_dmachk, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_prime", vsvm_debugfs_prime, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_shrinker", vsvm_debugfs_shrinker, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_svm", vsvm_debugfs_svm, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_vram", vsvm_debugfs_vram, NULL);
	drm_debugfs_add_file(&vdev->drm, "vsvm_fb", vsvm_debugfs_fb, NULL);
}

/**
 * vsvm_show_fdinfo() - &drm_driver.show_fdinfo for vsvm
 * @p: The printer to write fdinfo lines to.
 * @file: The DRM file whose fdinfo is read.
 */
void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(file->minor->dev);
	u32 i;

	struct vsvm_file *vfile = file->driver_priv;
	u64 up_pages = 0, pinned = 0, svm_faults = 0, svm_ns = 0, vram_pages = 0;
	struct drm_gem_object *obj;
	struct vsvm_vm *vm;
	unsigned long id;
	int handle;

	drm_show_memory_stats(p, file);
	for (i = 0; i < vdev->num_queues; i++)
		drm_printf(p, "drm-engine-queue%u:\t%llu ns\n", i,
			   vsvm_file_engine_ns(file->driver_priv, i));

	/* Userptr pages of the file's handles, and how many are pinned now. */
	spin_lock(&file->table_lock);
	idr_for_each_entry(&file->object_idr, obj, handle) {
		if (!vsvm_gem_is_userptr(obj))
			continue;
		up_pages += obj->size >> PAGE_SHIFT;
		if (READ_ONCE(to_vsvm_userptr(obj)->pages))
			pinned += obj->size >> PAGE_SHIFT;
	}
	spin_unlock(&file->table_lock);
	drm_printf(p, "vsvm-userptr-pages:\t%llu\n", up_pages);
	drm_printf(p, "vsvm-pinned-pages:\t%llu\n", pinned);

	/*
	 * SVM: the file's VMs' GPU faults and the time spent on them; the VM
	 * reference keeps vm->svm, whatever VM_DESTROY does.
	 */
	xa_for_each(&vfile->vms, id, vm) {
		vm = vsvm_vm_lookup(vfile, id);
		if (!vm)
			continue;
		if (vm->svm) {
			svm_faults += atomic64_read(&vm->svm->faults);
			svm_ns += atomic64_read(&vm->svm->fault_ns);
			vram_pages += atomic64_read(&vm->svm->vram_pages);
		}
		vsvm_vm_put(vm);
	}
	drm_printf(p, "vsvm-svm-pagefaults:\t%llu\n", svm_faults);
	drm_printf(p, "vsvm-svm-pagefault-time:\t%llu ns\n", svm_ns);
	/*
	 * drm-usage-stats' VRAM region: what the file's SVM VMs map from the
	 * device's VRAM (pages are the process's, not the file's: this is
	 * the VRAM the file's GPU work reaches, all of it resident).
	 */
	if (vdev->vram) {
		struct drm_memory_stats vram = {
			.private = vram_pages << PAGE_SHIFT,
			.resident = vram_pages << PAGE_SHIFT,
		};

		drm_print_memory_stats(p, &vram, DRM_GEM_OBJECT_RESIDENT, "vram");
	}
}
