/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * What vsvm's IGT tests share beyond IGT's own API.
 */
#ifndef VSVM_IGT_TESTS_H
#define VSVM_IGT_TESTS_H

#include "igt.h"

/*
 * An IGT tree whose driver table has no vsvm entry: open any driver (IGT's
 * DRIVER_ANY leaves out vgem and vkms) and let the fixture check the name.
 */
#ifndef DRIVER_VSVM
#define DRIVER_VSVM DRIVER_ANY
#endif

static inline bool vsvm_is_vsvm(int fd)
{
	drmVersionPtr v = drmGetVersion(fd);
	bool ret = v && strcmp(v->name, "vsvm") == 0;

	drmFreeVersion(v);
	return ret;
}

#endif /* VSVM_IGT_TESTS_H */
