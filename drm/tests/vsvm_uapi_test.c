// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * KUnit tests of vsvm's uapi checks: the GEM_CREATE size policy and the
 * extension chain walker, the latter against real user memory
 * (kunit_vm_mmap()).
 */

#include <linux/mman.h>
#include <linux/uaccess.h>

#include <kunit/test.h>

#include <drm/vsvm_drm.h>

#include "vsvm_gem.h"
#include "vsvm_ioctl.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/**
 * struct size_case - One GEM_CREATE size and what vsvm_gem_check_size() does
 */
struct size_case {
	/** @desc: Test case description. */
	const char *desc;
	/** @size: The size userspace asks for. */
	u64 size;
	/** @ret: The expected return value. */
	int ret;
	/** @aligned: The expected size on success. */
	u64 aligned;
};

static const struct size_case size_cases[] = {
	{ "zero", 0, -EINVAL, 0 },
	{ "one byte", 1, 0, PAGE_SIZE },
	{ "one page", PAGE_SIZE, 0, PAGE_SIZE },
	{ "page plus one", PAGE_SIZE + 1, 0, 2 * PAGE_SIZE },
	{ "largest", DRM_VSVM_GEM_MAX_SIZE, 0, DRM_VSVM_GEM_MAX_SIZE },
	{ "largest plus one", DRM_VSVM_GEM_MAX_SIZE + 1, -E2BIG, 0 },
	{ "overflow on round-up", U64_MAX, -EINVAL, 0 },
	{ "last page of u64", U64_MAX & PAGE_MASK, -E2BIG, 0 },
};

static void size_case_desc(const struct size_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(size, size_cases, size_case_desc);

static void vsvm_test_gem_check_size(struct kunit *test)
{
	const struct size_case *c = test->param_value;
	u64 aligned = 0xdead;
	int ret;

	ret = vsvm_gem_check_size(c->size, &aligned);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, aligned, c->aligned);
	else
		KUNIT_EXPECT_EQ(test, aligned, 0xdead);
}

/**
 * struct ext_ctx - State of the extension walker tests
 */
struct ext_ctx {
	/** @umem: A page of user memory holding the chain. */
	u8 __user *umem;
	/** @seen: Names of the extensions the handlers saw, in order. */
	u32 seen[DRM_VSVM_MAX_EXTENSIONS + 1];
	/** @nseen: Number of entries in @seen. */
	unsigned int nseen;
};

static int ext_record(struct drm_device *drm, u64 ext, void *data)
{
	struct drm_vsvm_user_extension hdr;
	struct ext_ctx *ctx = data;

	if (copy_from_user(&hdr, u64_to_user_ptr(ext), sizeof(hdr)))
		return -EFAULT;
	ctx->seen[ctx->nseen++] = hdr.name;
	return 0;
}

static int ext_refuse(struct drm_device *drm, u64 ext, void *data)
{
	return -ENOSPC;
}

/* Name 0 is unknown, 1 and 2 are recorded, 3 fails with its own error. */
static const vsvm_ext_fn ext_fns[] = { NULL, ext_record, ext_record, ext_refuse };

static int ext_init(struct kunit *test)
{
	struct ext_ctx *ctx;
	unsigned long addr;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	addr = kunit_vm_mmap(test, NULL, 0, PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_ANONYMOUS | MAP_PRIVATE, 0);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "no user mm for the test");
	KUNIT_ASSERT_LT(test, addr, (unsigned long)TASK_SIZE);
	ctx->umem = (u8 __user *)addr;
	test->priv = ctx;
	return 0;
}

/* Writes link @i of a chain into the test's user page; returns its address. */
static u64 put_ext(struct kunit *test, unsigned int i, u32 name, u32 pad, u64 next)
{
	struct ext_ctx *ctx = test->priv;
	struct drm_vsvm_user_extension hdr = {
		.next_extension = next, .name = name, .pad = pad,
	};
	u8 __user *at = ctx->umem + i * sizeof(hdr);

	KUNIT_ASSERT_EQ(test, copy_to_user(at, &hdr, sizeof(hdr)), 0);
	return (u64)(uintptr_t)at;
}

static int walk(struct kunit *test, u64 first)
{
	return vsvm_ext_walk(NULL, "KUNIT", first, ext_fns, ARRAY_SIZE(ext_fns),
			     test->priv);
}

static void vsvm_test_ext_empty(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	KUNIT_EXPECT_EQ(test, walk(test, 0), 0);
	KUNIT_EXPECT_EQ(test, ctx->nseen, 0);
	/* No handler table at all, as for the ioctls of version 1.0. */
	KUNIT_EXPECT_EQ(test, vsvm_ext_walk(NULL, "KUNIT", 0, NULL, 0, NULL), 0);
}

static void vsvm_test_ext_chain_in_order(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;
	u64 second = put_ext(test, 1, 1, 0, 0);
	u64 first = put_ext(test, 0, 2, 0, second);

	KUNIT_EXPECT_EQ(test, walk(test, first), 0);
	KUNIT_ASSERT_EQ(test, ctx->nseen, 2);
	KUNIT_EXPECT_EQ(test, ctx->seen[0], 2);
	KUNIT_EXPECT_EQ(test, ctx->seen[1], 1);
}

static void vsvm_test_ext_refusals(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;

	/* Unreadable: an address in the unmapped first page. */
	KUNIT_EXPECT_EQ(test, walk(test, 8), -EFAULT);
	/* A kernel address is not user memory. */
	KUNIT_EXPECT_EQ(test, walk(test, (u64)(uintptr_t)ctx), -EFAULT);
	/* Unknown names: a hole in the table and one past its end. */
	KUNIT_EXPECT_EQ(test, walk(test, put_ext(test, 0, 0, 0, 0)), -EINVAL);
	KUNIT_EXPECT_EQ(test, walk(test, put_ext(test, 0, 4, 0, 0)), -EINVAL);
	/* A non-zero pad. */
	KUNIT_EXPECT_EQ(test, walk(test, put_ext(test, 0, 1, 1, 0)), -EINVAL);
	/* With no handler table every name is unknown. */
	KUNIT_EXPECT_EQ(test, vsvm_ext_walk(NULL, "KUNIT", put_ext(test, 0, 1, 0, 0),
					    NULL, 0, NULL), -EINVAL);
	/* A handler's own error ends the walk with that error. */
	KUNIT_EXPECT_EQ(test, walk(test, put_ext(test, 0, 3, 0, 0)), -ENOSPC);
	/* A bad second link fails after the first was handled. */
	ctx->nseen = 0;
	KUNIT_EXPECT_EQ(test, walk(test, put_ext(test, 0, 1, 0, 16)), -EFAULT);
	KUNIT_EXPECT_EQ(test, ctx->nseen, 1);
}

static void vsvm_test_ext_too_long(struct kunit *test)
{
	struct ext_ctx *ctx = test->priv;
	u64 next = 0;
	unsigned int i;

	/* Exactly DRM_VSVM_MAX_EXTENSIONS links are accepted... */
	for (i = DRM_VSVM_MAX_EXTENSIONS; i-- > 0;)
		next = put_ext(test, i, 1, 0, next);
	KUNIT_EXPECT_EQ(test, walk(test, next), 0);
	KUNIT_EXPECT_EQ(test, ctx->nseen, DRM_VSVM_MAX_EXTENSIONS);

	/* ...one more is not, and neither is a chain that loops. */
	ctx->nseen = 0;
	next = put_ext(test, DRM_VSVM_MAX_EXTENSIONS, 1, 0, next);
	KUNIT_EXPECT_EQ(test, walk(test, next), -E2BIG);
	ctx->nseen = 0;
	next = put_ext(test, 0, 1, 0, (u64)(uintptr_t)ctx->umem);
	KUNIT_EXPECT_EQ(test, walk(test, next), -E2BIG);
	KUNIT_EXPECT_EQ(test, ctx->nseen, DRM_VSVM_MAX_EXTENSIONS);
}

static struct kunit_case vsvm_uapi_cases[] = {
	KUNIT_CASE_PARAM(vsvm_test_gem_check_size, size_gen_params),
	{}
};

static struct kunit_suite vsvm_uapi_suite = {
	.name = "vsvm_uapi",
	.test_cases = vsvm_uapi_cases,
};

static struct kunit_case vsvm_ext_cases[] = {
	KUNIT_CASE(vsvm_test_ext_empty),
	KUNIT_CASE(vsvm_test_ext_chain_in_order),
	KUNIT_CASE(vsvm_test_ext_refusals),
	KUNIT_CASE(vsvm_test_ext_too_long),
	{}
};

static struct kunit_suite vsvm_ext_suite = {
	.name = "vsvm_extensions",
	.init = ext_init,
	.test_cases = vsvm_ext_cases,
};

kunit_test_suites(&vsvm_uapi_suite, &vsvm_ext_suite);

MODULE_DESCRIPTION("KUnit tests for vsvm");
MODULE_LICENSE("GPL");
