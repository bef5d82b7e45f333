// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * An LD_PRELOAD library for upstream IGT programs in the test VM's
 * upstream suite (tools/vm/init.sh): IGT opens KMS devices with
 * DRIVER_ANY, which since IGT 2.2 leaves out vkms by its name, and a
 * device filter (IGT_DEVICE) cannot bring it back.  With
 * VSVM_IGT_ANY_DRIVER=vkms in the environment, DRM_IOCTL_VERSION reports
 * that driver's name in capitals ("VKMS"), a name IGT does not know and
 * so counts as DRIVER_ANY; IGT_DEVICE then picks the card.  Nothing else
 * changes.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <drm.h>

int ioctl(int fd, unsigned long request, ...)
{
	static int (*real_ioctl)(int fd, unsigned long request, void *arg);
	const char *any = getenv("VSVM_IGT_ANY_DRIVER");
	struct drm_version *v;
	va_list ap;
	void *arg;
	size_t i;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!real_ioctl)
		real_ioctl = (int (*)(int, unsigned long, void *))dlsym(RTLD_NEXT, "ioctl");
	ret = real_ioctl(fd, request, arg);
	if (ret || request != DRM_IOCTL_VERSION || !any || !*any)
		return ret;
	v = arg;
	if (v->name && v->name_len == strlen(any) && !strncmp(v->name, any, v->name_len))
		for (i = 0; i < v->name_len; i++)
			v->name[i] = toupper((unsigned char)v->name[i]);
	return ret;
}
