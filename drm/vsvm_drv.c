// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-mapping.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_print.h>

#include "vsvm_bind.h"
#include "vsvm_debugfs.h"
#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_ioctl.h"
#include "vsvm_mm.h"
#include "vsvm_prime.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"

/**
 * DOC: overview
 *
 * vsvm creates ``num_devices`` virtual devices (module parameter, default 2).
 * Each is a platform device ``vsvm.<index>`` carrying a DRM device with a
 * primary and a render node, named ``vsvm``.  As in vkms, no platform driver
 * binds to these devices: the DRM device is allocated in a devres group of
 * the platform device and torn down by releasing that group.
 *
 * Module unload unplugs each device with drm_dev_unplug(): files that are
 * still open keep the &struct vsvm_device alive, and every later ioctl or
 * mmap on them fails with -ENODEV.
 */

static unsigned int num_devices = 2;
module_param(num_devices, uint, 0444);
MODULE_PARM_DESC(num_devices,
		 "Number of virtual devices to create (1-" __stringify(VSVM_MAX_DEVICES) ", default 2)");

static unsigned int num_queues = 2;
module_param(num_queues, uint, 0444);
MODULE_PARM_DESC(num_queues,
		 "Hardware queues per device (1-" __stringify(VSVM_MAX_QUEUES) ", default 2)");

static unsigned int job_timeout_ms = 2000;
module_param(job_timeout_ms, uint, 0444);
MODULE_PARM_DESC(job_timeout_ms, "A job running longer is killed (100-60000 ms, default 2000)");

static bool dmachk = IS_ENABLED(CONFIG_DEBUG_KERNEL);
module_param(dmachk, bool, 0444);
MODULE_PARM_DESC(dmachk, "Run the DMA checker (default: on in CONFIG_DEBUG_KERNEL kernels)");

static struct vsvm_device *vsvm_devices[VSVM_MAX_DEVICES];

/** vsvm_wq - The driver's workqueue, for deferred releases; drained at exit. */
struct workqueue_struct *vsvm_wq;

/* DEFINE_DRM_GEM_FOPS() in 6.12 leaves out fdinfo. */
static const struct file_operations vsvm_drm_fops = {
	.owner = THIS_MODULE,
	DRM_GEM_FOPS,
	.show_fdinfo = drm_show_fdinfo,
};

static int vsvm_open(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile;
	int ret;

	vfile = kzalloc(sizeof(*vfile), GFP_KERNEL);
	if (!vfile)
		return -ENOMEM;
	ret = vsvm_file_init(vfile);
	if (ret) {
		kfree(vfile);
		return ret;
	}
	file->driver_priv = vfile;
	return 0;
}

static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_file *vfile = file->driver_priv;

	vsvm_file_fini(vfile);
	kfree(vfile);
}

static const struct drm_driver vsvm_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE,
	.ioctls = vsvm_ioctls,
	.num_ioctls = VSVM_NUM_IOCTLS,
	.fops = &vsvm_drm_fops,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.gem_create_object = vsvm_gem_create_object,
	DRM_GEM_SHMEM_DRIVER_OPS,
	.prime_handle_to_fd = vsvm_prime_handle_to_fd,
	.gem_prime_import = vsvm_gem_prime_import,
	.show_fdinfo = vsvm_show_fdinfo,

	.name = VSVM_DRIVER_NAME,
	.desc = VSVM_DRIVER_DESC,
	.major = VSVM_DRIVER_MAJOR,
	.minor = VSVM_DRIVER_MINOR,
	.patchlevel = VSVM_DRIVER_PATCHLEVEL,
};

static struct vsvm_device *vsvm_device_create(unsigned int index)
{
	struct platform_device *pdev;
	struct vsvm_device *vdev;
	int ret;

	pdev = platform_device_register_simple(VSVM_DRIVER_NAME, index, NULL, 0);
	if (IS_ERR(pdev))
		return ERR_CAST(pdev);

	if (!devres_open_group(&pdev->dev, NULL, GFP_KERNEL)) {
		ret = -ENOMEM;
		goto err_unregister;
	}

	vdev = devm_drm_dev_alloc(&pdev->dev, &vsvm_drm_driver,
				  struct vsvm_device, drm);
	if (IS_ERR(vdev)) {
		ret = PTR_ERR(vdev);
		goto err_devres;
	}
	vdev->pdev = pdev;
	vdev->index = index;
	vdev->num_queues = num_queues;
	vdev->job_timeout_ms = job_timeout_ms;
	spin_lock_init(&vdev->fault_lock);
	spin_lock_init(&vdev->lru_lock);
	INIT_LIST_HEAD(&vdev->lru);
	vsvm_debug_init(vdev);
	init_waitqueue_head(&vdev->ufence_wq);
	vsvm_mm_ops_init(&vdev->mm_ops);
	vsvm_dmachk_init(&vdev->dmachk, &vdev->drm);

	/* The simulated GPU can address all memory, in segments of any size. */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		goto err_devres;
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);

	ret = vsvm_queues_init(vdev);
	if (ret)
		goto err_devres;
	ret = vsvm_bind_sched_init(vdev);
	if (ret)
		goto err_queues;
	ret = vsvm_shrinker_init(vdev);
	if (ret)
		goto err_bind;

	vsvm_debugfs_init(vdev);

	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_shrinker;
	vsvm_debugfs_register(vdev);

	drm_info(&vdev->drm, "vsvm device %u ready: %u queues\n", index, num_queues);
	return vdev;

err_shrinker:
	vsvm_shrinker_fini(vdev);
err_bind:
	vsvm_bind_sched_fini(vdev);
err_queues:
	vsvm_queues_fini(vdev);
err_devres:
	devres_release_group(&pdev->dev, NULL);
err_unregister:
	platform_device_unregister(pdev);
	return ERR_PTR(ret);
}

static void vsvm_device_destroy(struct vsvm_device *vdev)
{
	struct platform_device *pdev = vdev->pdev;

	drm_dev_unplug(&vdev->drm);
	/* Module exit: every file is closed, so every job has finished. */
	vsvm_queues_fini(vdev);
	vsvm_bind_sched_fini(vdev);
	vsvm_shrinker_fini(vdev);
	vsvm_dmachk_fini(&vdev->dmachk);
	devres_release_group(&pdev->dev, NULL);
	platform_device_unregister(pdev);
}

static void vsvm_destroy_all(void)
{
	unsigned int i;

	for (i = VSVM_MAX_DEVICES; i-- > 0;) {
		if (vsvm_devices[i]) {
			vsvm_device_destroy(vsvm_devices[i]);
			vsvm_devices[i] = NULL;
		}
	}
}

static int __init vsvm_init(void)
{
	unsigned int i;
	int ret;

	if (!num_devices || num_devices > VSVM_MAX_DEVICES) {
		pr_err("vsvm: num_devices=%u is outside 1..%d\n",
		       num_devices, VSVM_MAX_DEVICES);
		return -EINVAL;
	}
	if (!num_queues || num_queues > VSVM_MAX_QUEUES) {
		pr_err("vsvm: num_queues=%u is outside 1..%d\n", num_queues, VSVM_MAX_QUEUES);
		return -EINVAL;
	}
	if (job_timeout_ms < 100 || job_timeout_ms > 60000) {
		pr_err("vsvm: job_timeout_ms=%u is outside 100..60000\n", job_timeout_ms);
		return -EINVAL;
	}

	if (dmachk)
		static_branch_enable(&vsvm_dmachk_enabled);
	ret = vsvm_userptr_module_init();
	if (ret)
		return ret;
	vsvm_wq = alloc_workqueue("vsvm", 0, 0);
	if (!vsvm_wq) {
		ret = -ENOMEM;
		goto err_cache;
	}

	for (i = 0; i < num_devices; i++) {
		struct vsvm_device *vdev = vsvm_device_create(i);

		if (IS_ERR(vdev)) {
			pr_err("vsvm: creating device %u failed: %pe\n", i, vdev);
			vsvm_destroy_all();
			ret = PTR_ERR(vdev);
			goto err_wq;
		}
		vsvm_devices[i] = vdev;
	}
	return 0;

err_wq:
	destroy_workqueue(vsvm_wq);
err_cache:
	vsvm_userptr_module_exit();
	return ret;
}

static void __exit vsvm_exit(void)
{
	unsigned int i;

	/*
	 * Address-space bindings are freed an SRCU grace period after their
	 * last put, through the ops in each device: wait for that first.
	 * Finished bind jobs are freed from vsvm_wq: queue those before.
	 */
	for (i = 0; i < VSVM_MAX_DEVICES; i++)
		if (vsvm_devices[i])
			vsvm_sched_drain(vsvm_devices[i], &vsvm_devices[i]->bind_sched);
	destroy_workqueue(vsvm_wq);
	mmu_notifier_synchronize();
	vsvm_destroy_all();
	/* The last userptrs went with their files, before the devices. */
	vsvm_userptr_module_exit();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_AUTHOR("The vsvm authors");
MODULE_DESCRIPTION("vsvm: " VSVM_DRIVER_DESC);
MODULE_LICENSE("GPL");
