/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_CONFIGFS_H__
#define __VSVM_CONFIGFS_H__

#include <linux/kconfig.h>

/*
 * IS_REACHABLE: a vsvm built into the kernel cannot call a configfs built
 * as a module.  drm/Makefile builds vsvm_configfs.o under the same rule.
 */
#if IS_REACHABLE(CONFIG_CONFIGFS_FS)
int vsvm_configfs_init(void);
void vsvm_configfs_fini(void);
#else
static inline int vsvm_configfs_init(void)
{
	return 0;
}

static inline void vsvm_configfs_fini(void)
{
}
#endif

#endif /* __VSVM_CONFIGFS_H__ */
