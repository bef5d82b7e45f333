/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_DEBUGFS_H__
#define __VSVM_DEBUGFS_H__

struct drm_file;
struct drm_printer;
struct vsvm_device;

void vsvm_debugfs_init(struct vsvm_device *vdev);
void vsvm_debugfs_register(struct vsvm_device *vdev);
void vsvm_show_fdinfo(struct drm_printer *p, struct drm_file *file);

#endif /* __VSVM_DEBUGFS_H__ */
