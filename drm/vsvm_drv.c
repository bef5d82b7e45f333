// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/sched/mm.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_print.h>

#include "vsvm_bind.h"
#include "vsvm_configfs.h"
#include "vsvm_debugfs.h"
#include "vsvm_drv.h"
#include "vsvm_gem.h"
#include "vsvm_ioctl.h"
#include "vsvm_kms.h"
#include "vsvm_mm.h"
#include "vsvm_prime.h"
#include "vsvm_userptr.h"
#include "vsvm_vm.h"
#include "vsvm_vram.h"

/**
 * DOC: overview
 *
 * vsvm creates ``num_devices`` virtual devices (module parameter, default 2).
 * Each is a platform device ``vsvm.<id>`` bound to the ``vsvm`` platform
 * driver, whose probe() creates a DRM device with a primary and a render
 * node, named ``vsvm``, and whose remove() unplugs it.  A device's settings
 * are a &struct vsvm_device_config, passed as platform data by
 * vsvm_device_add(); a device without one takes the module parameters'
 * values.  vsvm_device_del() removes a device again.
 *
 * **Lifecycle (I8).**  The driver can be unbound from a device at any time,
 * files open or not (``/sys/bus/platform/drivers/vsvm/unbind``), and bound
 * again (``bind``), which makes a new DRM device.  remove() calls
 * drm_dev_unplug(): every later ioctl, mmap and CPU fault on an open file
 * of the old device fails (-ENODEV, SIGBUS), and remove() waits for the
 * ioctls that entered the device before (drm_dev_enter()).  Then
 * vsvm_device_unplug() cancels the device's work and lets go of what the
 * open files hold of it: jobs end with -ENODEV, WAIT_USER_FENCE wakes
 * with -ENODEV, every VM of every file is torn down (its jobs, mappings,
 * userptr bindings and pins, SVM binding, imports' mappings), and every
 * object's DMA mapping is dropped.  The queues and schedulers go last,
 * then the VRAM, whose pages still in use move back to system memory.
 * What is left (the &struct vsvm_device, GEM objects, handles and
 * syncobjs) is freed when the last file closes and the last dma-buf of the
 * device is released.  Files that are still open pin neither the module's
 * devices nor the platform driver: module unload waits only for the files
 * themselves (they hold the module).
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

static unsigned int vram_mb = 256;
module_param(vram_mb, uint, 0444);
MODULE_PARM_DESC(vram_mb, "Simulated VRAM of each device in MiB, 0 for none; needs "
		 "CONFIG_DEVICE_PRIVATE (default 256)");

static bool dmachk = IS_ENABLED(CONFIG_DEBUG_KERNEL);
module_param(dmachk, bool, 0444);
MODULE_PARM_DESC(dmachk, "Run the DMA checker (default: on in CONFIG_DEBUG_KERNEL kernels)");

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
	mutex_init(&vfile->fini_lock);
	mutex_lock(&to_vsvm_device(drm)->files_lock);
	list_add_tail(&vfile->link, &to_vsvm_device(drm)->files);
	mutex_unlock(&to_vsvm_device(drm)->files_lock);
	return 0;
}

static void vsvm_postclose(struct drm_device *drm, struct drm_file *file)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);
	struct vsvm_file *vfile = file->driver_priv;

	/* I8: the unplug may be tearing the VMs down (vsvm_device_unplug()). */
	mutex_lock(&vfile->fini_lock);
	vsvm_file_fini(vfile);
	mutex_unlock(&vfile->fini_lock);
	mutex_lock(&vdev->files_lock);
	list_del(&vfile->link);
	mutex_unlock(&vdev->files_lock);
	mutex_destroy(&vfile->fini_lock);
	kfree(vfile);
}

static const struct drm_driver vsvm_drm_driver = {
	/* Without a display, a device turns MODESET and ATOMIC off (probe). */
	.driver_features = DRIVER_GEM | DRIVER_RENDER |
			   DRIVER_SYNCOBJ | DRIVER_SYNCOBJ_TIMELINE |
			   DRIVER_MODESET | DRIVER_ATOMIC,
	.ioctls = vsvm_ioctls,
	.num_ioctls = VSVM_NUM_IOCTLS,
	.fops = &vsvm_drm_fops,
	.open = vsvm_open,
	.postclose = vsvm_postclose,
	.gem_create_object = vsvm_gem_create_object,
	.gem_prime_import_sg_table = drm_gem_shmem_prime_import_sg_table,
	.dumb_create = vsvm_kms_dumb_create,
	.dumb_map_offset = vsvm_kms_dumb_map_offset,
	.prime_handle_to_fd = vsvm_prime_handle_to_fd,
	.gem_prime_import = vsvm_gem_prime_import,
	.show_fdinfo = vsvm_show_fdinfo,

	.name = VSVM_DRIVER_NAME,
	.desc = VSVM_DRIVER_DESC,
	.major = VSVM_DRIVER_MAJOR,
	.minor = VSVM_DRIVER_MINOR,
	.patchlevel = VSVM_DRIVER_PATCHLEVEL,
};

/* The module's own devices, added at init and deleted at exit. */
static struct platform_device *vsvm_pdevs[VSVM_MAX_DEVICES];

/* Platform device ids: one per live device, module's or not. */
static DEFINE_IDA(vsvm_dev_ida);

/**
 * vsvm_device_config_default() - Fill in a device configuration's defaults
 * @cfg: The configuration: the module parameters' values, no name.
 */
void vsvm_device_config_default(struct vsvm_device_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->num_queues = num_queues;
	cfg->job_timeout_ms = job_timeout_ms;
	cfg->max_vms = DRM_VSVM_MAX_VMS;
	cfg->max_mappings = DRM_VSVM_MAX_MAPPINGS;
	cfg->vram_mb = vram_mb;
	cfg->display = vsvm_kms_display_default();
	cfg->crtcs = vsvm_kms_crtcs_default();
}

/**
 * vsvm_device_config_check() - Check a device configuration's ranges
 * @cfg: The configuration.
 *
 * Return: 0, or -EINVAL if a field is out of its range.
 */
int vsvm_device_config_check(const struct vsvm_device_config *cfg)
{
	if (!cfg->num_queues || cfg->num_queues > VSVM_MAX_QUEUES) {
		pr_debug("vsvm: num_queues=%u is outside 1..%d\n",
			 cfg->num_queues, VSVM_MAX_QUEUES);
		return -EINVAL;
	}
	if (cfg->job_timeout_ms < 100 || cfg->job_timeout_ms > 60000) {
		pr_debug("vsvm: job_timeout_ms=%u is outside 100..60000\n",
			 cfg->job_timeout_ms);
		return -EINVAL;
	}
	if (!cfg->max_vms || cfg->max_vms > DRM_VSVM_MAX_VMS) {
		pr_debug("vsvm: max_vms=%u is outside 1..%d\n", cfg->max_vms, DRM_VSVM_MAX_VMS);
		return -EINVAL;
	}
	if (!cfg->max_mappings || cfg->max_mappings > DRM_VSVM_MAX_MAPPINGS) {
		pr_debug("vsvm: max_mappings=%u is outside 1..%d\n",
			 cfg->max_mappings, DRM_VSVM_MAX_MAPPINGS);
		return -EINVAL;
	}
	if (cfg->vram_mb > VSVM_MAX_VRAM_MB) {
		pr_debug("vsvm: vram_mb=%u is outside 0..%d\n", cfg->vram_mb, VSVM_MAX_VRAM_MB);
		return -EINVAL;
	}
	if (!cfg->crtcs || cfg->crtcs > VSVM_KMS_MAX_CRTCS) {
		pr_debug("vsvm: crtcs=%u is outside 1..%d\n", cfg->crtcs, VSVM_KMS_MAX_CRTCS);
		return -EINVAL;
	}
	if (strnlen(cfg->name, sizeof(cfg->name)) == sizeof(cfg->name)) {
		pr_debug("vsvm: device name is not terminated\n");
		return -EINVAL;
	}
	return 0;
}

/* At the DRM device's release, after the last reference (drmm action). */
static void vsvm_drm_release(struct drm_device *drm, void *arg)
{
	struct vsvm_device *vdev = to_vsvm_device(drm);

	/*
	 * Address-space bindings are freed an SRCU grace period after their
	 * last put, through the ops in this device (&vsvm_device.mm_ops).
	 */
	mmu_notifier_synchronize();
	vsvm_dmachk_fini(&vdev->dmachk);
}

static int vsvm_probe(struct platform_device *pdev)
{
	const struct vsvm_device_config *pdata = dev_get_platdata(&pdev->dev);
	struct vsvm_device_config cfg;
	struct vsvm_device *vdev;
	int ret;

	if (pdata)
		cfg = *pdata;
	else
		vsvm_device_config_default(&cfg);
	ret = vsvm_device_config_check(&cfg);
	if (ret) {
		dev_err(&pdev->dev, "bad device configuration\n");
		return ret;
	}

	vdev = devm_drm_dev_alloc(&pdev->dev, &vsvm_drm_driver,
				  struct vsvm_device, drm);
	if (IS_ERR(vdev))
		return PTR_ERR(vdev);
	vdev->pdev = pdev;
	vdev->index = pdev->id;
	vdev->config = cfg;
	vdev->num_queues = cfg.num_queues;
	vdev->job_timeout_ms = cfg.job_timeout_ms;
	spin_lock_init(&vdev->fault_lock);
	spin_lock_init(&vdev->lru_lock);
	INIT_LIST_HEAD(&vdev->lru);
	ret = drmm_mutex_init(&vdev->drm, &vdev->files_lock);
	if (ret)
		return ret;
	INIT_LIST_HEAD(&vdev->files);
	spin_lock_init(&vdev->objects_lock);
	INIT_LIST_HEAD(&vdev->userptrs);
	INIT_LIST_HEAD(&vdev->imports);
	vsvm_debug_init(vdev);
	init_waitqueue_head(&vdev->ufence_wq);
	vsvm_mm_ops_init(&vdev->mm_ops);
	vsvm_dmachk_init(&vdev->dmachk, &vdev->drm);
	ret = drmm_add_action_or_reset(&vdev->drm, vsvm_drm_release, NULL);
	if (ret)
		return ret;

	/* The simulated GPU can address all memory, in segments of any size. */
	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;
	dma_set_max_seg_size(&pdev->dev, UINT_MAX);

	ret = vsvm_queues_init(vdev);
	if (ret)
		return ret;
	ret = vsvm_bind_sched_init(vdev);
	if (ret)
		goto err_queues;
	ret = vsvm_shrinker_init(vdev);
	if (ret)
		goto err_bind;
	ret = vsvm_vram_init(vdev, cfg.vram_mb);
	if (ret) {
		dev_err(&pdev->dev, "no %u MiB of VRAM: %d\n", cfg.vram_mb, ret);
		goto err_shrinker_only;
	}

	vsvm_debugfs_init(vdev);

	vdev->kms.enabled = cfg.display;
	if (cfg.display)
		ret = vsvm_kms_init(vdev, cfg.crtcs);
	else
		vdev->drm.driver_features &= ~(DRIVER_MODESET | DRIVER_ATOMIC);
	if (ret)
		goto err_shrinker;

	ret = drm_dev_register(&vdev->drm, 0);
	if (ret)
		goto err_shrinker;
	vsvm_debugfs_register(vdev);
	platform_set_drvdata(pdev, vdev);

	drm_info(&vdev->drm, "vsvm device %u ready: %u queues, %s display\n",
		 vdev->index, vdev->num_queues, cfg.display ? "a" : "no");
	return 0;

err_shrinker:
	vsvm_vram_fini(vdev);
err_shrinker_only:
	vsvm_shrinker_fini(vdev);
err_bind:
	vsvm_bind_sched_fini(vdev);
err_queues:
	vsvm_queues_fini(vdev);
	return ret;
}

/**
 * vsvm_device_unplug() - Cancel a device's work and let go of its files' state
 * @vdev: The device, just unplugged (drm_dev_unplug()): no ioctl of it runs.
 *
 * I8: jobs end with -ENODEV, user-fence waiters wake and get -ENODEV, and
 * every VM of every open file is torn down now rather than at the file's
 * close (postclose then finds none): their jobs, mappings and SVM
 * bindings go with them.  Then every userptr lets go of its notifier,
 * pages, pins and address-space binding, every import gives its mapping
 * back, and every object's DMA mapping goes.
 */
void vsvm_device_unplug(struct vsvm_device *vdev)
{
	struct vsvm_file *vfile;

	vsvm_queues_cancel(vdev);
	wake_up_all(&vdev->ufence_wq);

	/*
	 * Every file until its postclose is done, closing ones included: a
	 * file being closed has left &drm_device.filelist before its VMs go.
	 * Lock order: files_lock, then a file's fini_lock; postclose takes
	 * them one after the other, never nested.
	 */
	mutex_lock(&vdev->files_lock);
	list_for_each_entry(vfile, &vdev->files, link) {
		mutex_lock(&vfile->fini_lock);
		vsvm_file_fini(vfile);
		mutex_unlock(&vfile->fini_lock);
	}
	mutex_unlock(&vdev->files_lock);

	/* The VMs' last references go with their jobs: let those be freed. */
	vsvm_queues_drain(vdev);
	vsvm_sched_drain(vdev, &vdev->bind_sched);
	flush_workqueue(vsvm_wq);

	vsvm_userptr_unplug(vdev);
	vsvm_prime_unplug(vdev);
	vsvm_gem_unplug(vdev);
}

/*
 * I8: unplug with files open.  drm_dev_unplug() refuses every new ioctl
 * and mmap and waits for those inside drm_dev_enter(); then the device's
 * work is cancelled and every file's state that reaches the device goes,
 * here, not at the last close (see the DOC on the device's lifecycle).
 */
static void vsvm_remove(struct platform_device *pdev)
{
	struct vsvm_device *vdev = platform_get_drvdata(pdev);

	drm_dev_unplug(&vdev->drm);
	/* I8: the display goes first, then what it was scanning out. */
	vsvm_kms_unplug(vdev);
	vsvm_device_unplug(vdev);
	vsvm_queues_fini(vdev);
	vsvm_bind_sched_fini(vdev);
	vsvm_vram_fini(vdev);
	vsvm_shrinker_fini(vdev);
	drm_info(&vdev->drm, "vsvm device %u unplugged\n", vdev->index);
}

/*
 * At reboot or power-off: the display is turned off, as a real device's
 * would be, so that no vblank timer, composition or writeback runs while
 * the system goes down.  The rest of the device stays as it is.
 */
static void vsvm_shutdown(struct platform_device *pdev)
{
	struct vsvm_device *vdev = platform_get_drvdata(pdev);

	if (vdev)
		vsvm_kms_shutdown(vdev);
}

/*
 * configfs_name: the configfs directory that made the device (see the DOC
 * on configfs), empty for the module's own devices.
 */
static ssize_t configfs_name_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	const struct vsvm_device_config *cfg = dev_get_platdata(dev);

	return sysfs_emit(buf, "%s\n", cfg ? cfg->name : "");
}
static DEVICE_ATTR_RO(configfs_name);

static struct attribute *vsvm_dev_attrs[] = {
	&dev_attr_configfs_name.attr,
	NULL,
};
ATTRIBUTE_GROUPS(vsvm_dev);

static struct platform_driver vsvm_platform_driver = {
	.probe = vsvm_probe,
	.remove = vsvm_remove,
	.shutdown = vsvm_shutdown,
	.driver = {
		.name = VSVM_DRIVER_NAME,
		.dev_groups = vsvm_dev_groups,
	},
};

/**
 * vsvm_device_add() - Create a vsvm device
 * @cfg: Its configuration, copied; NULL for the module parameters' defaults.
 *
 * Registers a platform device ``vsvm.<id>`` carrying @cfg as platform data;
 * the vsvm platform driver binds to it and creates the DRM device.
 *
 * Return: The platform device, bound; ERR_PTR(-EINVAL) for a bad @cfg,
 * ERR_PTR(-ENOSPC) if %VSVM_MAX_DEVICES devices exist, ERR_PTR(-ENODEV) if
 * the driver did not bind (its probe failed), or another ERR_PTR().
 */
struct platform_device *vsvm_device_add(const struct vsvm_device_config *cfg)
{
	struct vsvm_device_config def;
	struct platform_device *pdev;
	bool bound;
	int id, ret;

	if (!cfg) {
		vsvm_device_config_default(&def);
		cfg = &def;
	}
	ret = vsvm_device_config_check(cfg);
	if (ret)
		return ERR_PTR(ret);
	id = ida_alloc_max(&vsvm_dev_ida, VSVM_MAX_DEVICES - 1, GFP_KERNEL);
	if (id < 0)
		return ERR_PTR(id);
	pdev = platform_device_register_data(NULL, VSVM_DRIVER_NAME, id, cfg, sizeof(*cfg));
	if (IS_ERR(pdev)) {
		ida_free(&vsvm_dev_ida, id);
		return pdev;
	}
	device_lock(&pdev->dev);
	bound = device_is_bound(&pdev->dev);
	device_unlock(&pdev->dev);
	if (!bound) {
		vsvm_device_del(pdev);
		return ERR_PTR(-ENODEV);
	}
	return pdev;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_device_add);

/**
 * vsvm_device_del() - Remove a device made by vsvm_device_add()
 * @pdev: The platform device.
 *
 * Unbinds the driver (which unplugs the DRM device: files still open get
 * -ENODEV) and unregisters the platform device.
 */
void vsvm_device_del(struct platform_device *pdev)
{
	int id = pdev->id;

	platform_device_unregister(pdev);
	ida_free(&vsvm_dev_ida, id);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_device_del);

static void vsvm_del_all(void)
{
	unsigned int i;

	for (i = VSVM_MAX_DEVICES; i-- > 0;) {
		if (vsvm_pdevs[i]) {
			vsvm_device_del(vsvm_pdevs[i]);
			vsvm_pdevs[i] = NULL;
		}
	}
}

static int __init vsvm_init(void)
{
	struct vsvm_device_config cfg;
	unsigned int i;
	int ret;

	if (!num_devices || num_devices > VSVM_MAX_DEVICES) {
		pr_err("vsvm: num_devices=%u is outside 1..%d\n",
		       num_devices, VSVM_MAX_DEVICES);
		return -EINVAL;
	}
	vsvm_device_config_default(&cfg);
	ret = vsvm_device_config_check(&cfg);
	if (ret) {
		pr_err("vsvm: a module parameter is out of range: num_queues=%u (1..%d), job_timeout_ms=%u (100..60000), vram_mb=%u (0..%d) or crtcs=%u (1..%d)\n",
		       cfg.num_queues, VSVM_MAX_QUEUES, cfg.job_timeout_ms,
		       cfg.vram_mb, VSVM_MAX_VRAM_MB, cfg.crtcs, VSVM_KMS_MAX_CRTCS);
		return ret;
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
	ret = platform_driver_register(&vsvm_platform_driver);
	if (ret)
		goto err_wq;

	for (i = 0; i < num_devices; i++) {
		struct platform_device *pdev = vsvm_device_add(&cfg);

		if (IS_ERR(pdev)) {
			ret = PTR_ERR(pdev);
			pr_err("vsvm: creating device %u failed: %pe\n", i, pdev);
			goto err_devices;
		}
		vsvm_pdevs[i] = pdev;
	}
	/* After the module's devices, which take the lowest ids. */
	ret = vsvm_configfs_init();
	if (ret) {
		pr_err("vsvm: registering the configfs subsystem failed: %d\n", ret);
		goto err_devices;
	}
	return 0;

err_devices:
	vsvm_del_all();
	platform_driver_unregister(&vsvm_platform_driver);
err_wq:
	destroy_workqueue(vsvm_wq);
err_cache:
	vsvm_userptr_module_exit();
	return ret;
}

static void __exit vsvm_exit(void)
{
	/*
	 * Every file is closed: the module is in use while one is open, and
	 * while a configfs directory exists, so no configfs device is left.
	 */
	vsvm_configfs_fini();
	vsvm_del_all();
	platform_driver_unregister(&vsvm_platform_driver);
	destroy_workqueue(vsvm_wq);
	mmu_notifier_synchronize();
	/* The last userptrs went with their files, before the devices. */
	vsvm_userptr_module_exit();
}

module_init(vsvm_init);
module_exit(vsvm_exit);

MODULE_AUTHOR("The vsvm authors");
MODULE_DESCRIPTION("vsvm: " VSVM_DRIVER_DESC);
MODULE_LICENSE("GPL");
