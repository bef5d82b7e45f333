// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/cleanup.h>
#include <linux/configfs.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <drm/drm_print.h>

#include "vsvm_configfs.h"
#include "vsvm_drv.h"

/**
 * DOC: configfs
 *
 * Besides the ``num_devices`` devices made at module load, vsvm devices can
 * be created and removed at run time through configfs, as vkms does:
 *
 * - ``mkdir /sys/kernel/config/vsvm/<name>`` makes a device description
 *   (no device yet) whose attributes start at the module parameters'
 *   values: ``num_queues`` (1 to %VSVM_MAX_QUEUES), ``job_timeout_ms``
 *   (100 to 60000), ``max_vms`` (VMs per file, 1 to %DRM_VSVM_MAX_VMS),
 *   ``max_mappings`` (mappings per VM, 1 to %DRM_VSVM_MAX_MAPPINGS),
 *   ``vram_mb`` (simulated VRAM in MiB, 0 to %VSVM_MAX_VRAM_MB, 0 for
 *   none; without CONFIG_DEVICE_PRIVATE the device has none whatever it
 *   says), ``display`` (a boolean: whether the device has a display, see
 *   the DOC section on the display) and ``crtcs`` (CRTCs and connectors of
 *   that display, 1 to %VSVM_KMS_MAX_CRTCS);
 * - ``echo 1 > enabled`` registers the platform device ``vsvm.<id>`` with
 *   that description, and the driver binds it: a DRM device appears, whose
 *   platform device's sysfs attribute ``configfs_name`` gives ``<name>``
 *   back; the read-only attribute ``device`` names the platform device
 *   (empty while disabled);
 * - ``echo 0 > enabled`` or ``rmdir`` removes the platform device, which
 *   unplugs the DRM device even with files open (they get -ENODEV).
 *
 * Unbinding the driver from such a device through sysfs leaves its
 * description enabled and its platform device in place; binding it again
 * makes a new DRM device with the same settings.
 *
 * A value outside its range, or a word that is not a number (a boolean for
 * ``enabled``), is refused with -EINVAL; any write to a description whose
 * device is enabled, except to ``enabled``, with -EBUSY; writing the value
 * ``enabled`` already has changes nothing.  The platform device's id comes
 * from the one IDA of every vsvm device (vsvm_device_add()), so that it
 * never collides with a ``num_devices`` device's; it is taken when the
 * device is enabled and given back when it is removed.  There are never
 * more than %VSVM_MAX_DEVICES devices in all: enabling one more fails with
 * -ENOSPC.  The ``num_devices`` devices are not in configfs: they come and
 * go with the module.
 *
 * Each description's mutex (&vsvm_cfs_dev.lock) serialises its writers, so
 * that two writers to ``enabled`` make or remove one device.  ``rmdir``
 * first waits for the attribute writes in progress and refuses later ones
 * (configfs's fragment semaphore), then drops the item
 * (vsvm_cfs_drop_item()), which removes the device if it is enabled.  Each
 * directory holds a reference to the module (configfs takes it at mkdir),
 * so vsvm cannot be unloaded while one exists: ``rmmod`` fails (the module
 * is in use, delete_module() returns -EWOULDBLOCK) until every directory is
 * removed, and module exit never finds a configfs device.  Without configfs in the kernel
 * (CONFIG_CONFIGFS_FS), vsvm loads without it.
 */

/**
 * struct vsvm_cfs_dev - One device description, a directory in configfs
 */
struct vsvm_cfs_dev {
	/** @group: The configfs directory. */
	struct config_group group;
	/** @lock: Serialises the attributes' writers; protects @cfg, @pdev. */
	struct mutex lock;
	/** @cfg: The description; &vsvm_device_config.name is @group's name. */
	struct vsvm_device_config cfg;
	/** @pdev: The platform device while enabled, else NULL. */
	struct platform_device *pdev;
};

/*
 * No DRM device exists yet to name in the message: DRM_DEBUG_DRIVER, which
 * drm.debug enables as it does the driver's drm_dbg() lines.
 */
#define cfs_dbg(item, fmt, ...) \
	DRM_DEBUG_DRIVER("configfs %s: " fmt, config_item_name(item), ##__VA_ARGS__)

static struct vsvm_cfs_dev *to_cfs_dev(struct config_item *item)
{
	return container_of(to_config_group(item), struct vsvm_cfs_dev, group);
}

static ssize_t vsvm_cfs_u32_show(struct config_item *item, char *page, const u32 *val)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	guard(mutex)(&cd->lock);
	return sysfs_emit(page, "%u\n", *val);
}

/**
 * vsvm_cfs_u32_store() - Store a number in a description's field
 * @item: The description's configfs item.
 * @page: What was written.
 * @count: Its length.
 * @val: The field of &vsvm_cfs_dev.cfg the attribute sets.
 * @attr: The attribute's name, for the debug message.
 *
 * The range is vsvm_device_config_check()'s, which probe() checks again.
 *
 * Return: @count; -EBUSY while the device is enabled; -EINVAL for a word
 * that is not a number or a value out of its range.
 */
static ssize_t vsvm_cfs_u32_store(struct config_item *item, const char *page, size_t count,
				  u32 *val, const char *attr)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);
	u32 v, old;

	guard(mutex)(&cd->lock);
	if (cd->pdev) {
		cfs_dbg(item, "%s cannot change while the device is enabled\n", attr);
		return -EBUSY;
	}
	if (kstrtou32(page, 0, &v)) {
		cfs_dbg(item, "%s takes a number\n", attr);
		return -EINVAL;
	}
	old = *val;
	*val = v;
	if (vsvm_device_config_check(&cd->cfg)) {
		*val = old;
		cfs_dbg(item, "%s=%u is out of range\n", attr, v);
		return -EINVAL;
	}
	return count;
}

static ssize_t vsvm_cfs_num_queues_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.num_queues);
}

static ssize_t vsvm_cfs_num_queues_store(struct config_item *item, const char *page,
					 size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.num_queues,
				  "num_queues");
}

static ssize_t vsvm_cfs_job_timeout_ms_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.job_timeout_ms);
}

static ssize_t vsvm_cfs_job_timeout_ms_store(struct config_item *item, const char *page,
					     size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.job_timeout_ms,
				  "job_timeout_ms");
}

static ssize_t vsvm_cfs_max_vms_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.max_vms);
}

static ssize_t vsvm_cfs_max_vms_store(struct config_item *item, const char *page,
				      size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.max_vms,
				  "max_vms");
}

static ssize_t vsvm_cfs_max_mappings_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.max_mappings);
}

static ssize_t vsvm_cfs_max_mappings_store(struct config_item *item, const char *page,
					   size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.max_mappings,
				  "max_mappings");
}

static ssize_t vsvm_cfs_vram_mb_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.vram_mb);
}

static ssize_t vsvm_cfs_vram_mb_store(struct config_item *item, const char *page,
				      size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.vram_mb,
				  "vram_mb");
}

static ssize_t vsvm_cfs_display_show(struct config_item *item, char *page)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	guard(mutex)(&cd->lock);
	return sysfs_emit(page, "%d\n", cd->cfg.display);
}

/**
 * vsvm_cfs_display_store() - Give the described device a display or not
 * @item: The description's configfs item.
 * @page: What was written: a boolean (kstrtobool()).
 * @count: Its length.
 *
 * Return: @count; -EBUSY while the device is enabled; -EINVAL for a word
 * that is not a boolean.
 */
static ssize_t vsvm_cfs_display_store(struct config_item *item, const char *page,
				      size_t count)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);
	bool v;

	guard(mutex)(&cd->lock);
	if (cd->pdev) {
		cfs_dbg(item, "display cannot change while the device is enabled\n");
		return -EBUSY;
	}
	if (kstrtobool(page, &v)) {
		cfs_dbg(item, "display takes 0 or 1\n");
		return -EINVAL;
	}
	cd->cfg.display = v;
	return count;
}

static ssize_t vsvm_cfs_crtcs_show(struct config_item *item, char *page)
{
	return vsvm_cfs_u32_show(item, page, &to_cfs_dev(item)->cfg.crtcs);
}

static ssize_t vsvm_cfs_crtcs_store(struct config_item *item, const char *page,
				    size_t count)
{
	return vsvm_cfs_u32_store(item, page, count, &to_cfs_dev(item)->cfg.crtcs, "crtcs");
}

static ssize_t vsvm_cfs_device_show(struct config_item *item, char *page)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	guard(mutex)(&cd->lock);
	return sysfs_emit(page, "%s\n", cd->pdev ? dev_name(&cd->pdev->dev) : "");
}

static ssize_t vsvm_cfs_enabled_show(struct config_item *item, char *page)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	guard(mutex)(&cd->lock);
	return sysfs_emit(page, "%d\n", !!cd->pdev);
}

/**
 * vsvm_cfs_enable_locked() - Add the described device
 * @cd: The description, locked, not enabled.
 *
 * The platform driver binds the device before vsvm_device_add() returns.
 *
 * Return: 0, or vsvm_device_add()'s errno (-ENOSPC past %VSVM_MAX_DEVICES
 * devices, -ENODEV if probe() failed).
 */
static int vsvm_cfs_enable_locked(struct vsvm_cfs_dev *cd)
{
	struct platform_device *pdev;

	lockdep_assert_held(&cd->lock);
	pdev = vsvm_device_add(&cd->cfg);
	if (IS_ERR(pdev)) {
		if (PTR_ERR(pdev) == -ENOSPC)
			cfs_dbg(&cd->group.cg_item, "%d devices exist already\n",
				VSVM_MAX_DEVICES);
		return PTR_ERR(pdev);
	}
	cd->pdev = pdev;
	return 0;
}

/**
 * vsvm_cfs_disable_locked() - Remove the described device
 * @cd: The description, locked, enabled.
 *
 * I8: vsvm_device_del() unbinds the driver, whose remove() unplugs the
 * device even with files open, cancels its jobs (-ENODEV) and lets go of
 * the files' state.
 */
static void vsvm_cfs_disable_locked(struct vsvm_cfs_dev *cd)
{
	lockdep_assert_held(&cd->lock);
	vsvm_device_del(cd->pdev);
	cd->pdev = NULL;
}

/**
 * vsvm_cfs_enabled_store() - Add or remove the described device
 * @item: The description's item.
 * @page: What was written: a boolean (kstrtobool()).
 * @count: Its length.
 *
 * Two writers are serialised by &vsvm_cfs_dev.lock; writing the current
 * value does nothing.
 *
 * Return: @count, -EINVAL for a word that is not a boolean, or
 * vsvm_cfs_enable_locked()'s errno.
 */
static ssize_t vsvm_cfs_enabled_store(struct config_item *item, const char *page,
				      size_t count)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);
	bool enable;
	int ret;

	if (kstrtobool(page, &enable)) {
		cfs_dbg(item, "enabled takes 0 or 1\n");
		return -EINVAL;
	}

	guard(mutex)(&cd->lock);
	if (enable == !!cd->pdev)
		return count;
	if (enable) {
		ret = vsvm_cfs_enable_locked(cd);
		if (ret)
			return ret;
	} else {
		vsvm_cfs_disable_locked(cd);
	}
	return count;
}

CONFIGFS_ATTR(vsvm_cfs_, enabled);
CONFIGFS_ATTR_RO(vsvm_cfs_, device);
CONFIGFS_ATTR(vsvm_cfs_, num_queues);
CONFIGFS_ATTR(vsvm_cfs_, job_timeout_ms);
CONFIGFS_ATTR(vsvm_cfs_, max_vms);
CONFIGFS_ATTR(vsvm_cfs_, max_mappings);
CONFIGFS_ATTR(vsvm_cfs_, vram_mb);
CONFIGFS_ATTR(vsvm_cfs_, display);
CONFIGFS_ATTR(vsvm_cfs_, crtcs);

static struct configfs_attribute *vsvm_cfs_dev_attrs[] = {
	&vsvm_cfs_attr_enabled,
	&vsvm_cfs_attr_device,
	&vsvm_cfs_attr_num_queues,
	&vsvm_cfs_attr_job_timeout_ms,
	&vsvm_cfs_attr_max_vms,
	&vsvm_cfs_attr_max_mappings,
	&vsvm_cfs_attr_vram_mb,
	&vsvm_cfs_attr_display,
	&vsvm_cfs_attr_crtcs,
	NULL,
};

static void vsvm_cfs_dev_release(struct config_item *item)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	mutex_destroy(&cd->lock);
	kfree(cd);
}

static struct configfs_item_operations vsvm_cfs_dev_item_ops = {
	.release = vsvm_cfs_dev_release,
};

static const struct config_item_type vsvm_cfs_dev_type = {
	.ct_item_ops = &vsvm_cfs_dev_item_ops,
	.ct_attrs = vsvm_cfs_dev_attrs,
	.ct_owner = THIS_MODULE,
};

/**
 * vsvm_cfs_make_group() - mkdir of a description
 * @parent: The subsystem's group.
 * @name: The directory's name, kept as &vsvm_device_config.name.
 *
 * Return: The new description, with the module parameters' values;
 * ERR_PTR(-ENAMETOOLONG) past %VSVM_DEVICE_NAME_LEN - 1 bytes, or
 * ERR_PTR(-ENOMEM).
 */
static struct config_group *vsvm_cfs_make_group(struct config_group *parent,
						const char *name)
{
	struct vsvm_cfs_dev *cd;

	cd = kzalloc(sizeof(*cd), GFP_KERNEL);
	if (!cd)
		return ERR_PTR(-ENOMEM);
	vsvm_device_config_default(&cd->cfg);
	if (strscpy(cd->cfg.name, name, sizeof(cd->cfg.name)) < 0) {
		DRM_DEBUG_DRIVER("configfs: the name %s is longer than %zu bytes\n",
				 name, sizeof(cd->cfg.name) - 1);
		kfree(cd);
		return ERR_PTR(-ENAMETOOLONG);
	}
	mutex_init(&cd->lock);
	config_group_init_type_name(&cd->group, name, &vsvm_cfs_dev_type);
	return &cd->group;
}

/**
 * vsvm_cfs_drop_item() - rmdir of a description
 * @parent: The subsystem's group.
 * @item: The description's item.
 *
 * configfs calls this once the attribute writes in progress have ended,
 * and refuses later ones: the device, if enabled, is removed here (I8),
 * and the description freed at its last reference.
 */
static void vsvm_cfs_drop_item(struct config_group *parent, struct config_item *item)
{
	struct vsvm_cfs_dev *cd = to_cfs_dev(item);

	scoped_guard(mutex, &cd->lock) {
		if (cd->pdev)
			vsvm_cfs_disable_locked(cd);
	}
	config_item_put(item);
}

static struct configfs_group_operations vsvm_cfs_root_group_ops = {
	.make_group = vsvm_cfs_make_group,
	.drop_item = vsvm_cfs_drop_item,
};

static const struct config_item_type vsvm_cfs_root_type = {
	.ct_group_ops = &vsvm_cfs_root_group_ops,
	.ct_owner = THIS_MODULE,
};

static struct configfs_subsystem vsvm_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf = VSVM_DRIVER_NAME,
			.ci_type = &vsvm_cfs_root_type,
		},
	},
	.su_mutex = __MUTEX_INITIALIZER(vsvm_cfs_subsys.su_mutex),
};

/**
 * vsvm_configfs_init() - Register the configfs subsystem "vsvm"
 *
 * Return: 0 or a negative errno from configfs_register_subsystem().
 */
int vsvm_configfs_init(void)
{
	config_group_init(&vsvm_cfs_subsys.su_group);
	return configfs_register_subsystem(&vsvm_cfs_subsys);
}

/**
 * vsvm_configfs_fini() - Unregister the configfs subsystem
 *
 * At module exit no description is left: each holds a module reference.
 */
void vsvm_configfs_fini(void)
{
	configfs_unregister_subsystem(&vsvm_cfs_subsys);
}
