// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm dmachk
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: DMA checker
 * Description: The DMA checker catches a broken invalidation order.  Each
 *	subtest has the driver break I1 on purpose (debugfs dmachk_break) with
 *	the checker's warnings turned into counts (dmachk_expect), and checks
 *	that the checker counted the violation, and, where the GPU would have
 *	reached released pages, that the job faulted instead.  Other subtests
 *	check that it does not report what is legal when several objects map
 *	the same page (I1, I10): it keeps its records per mapping.
 *
 * SUBTEST: unpin-before-pte-clear
 * Description: An invalidation that unpins before clearing the GPU page table is
 *		counted as release_while_mapped.
 *
 * SUBTEST: dma-unmap-before-pte-clear
 * Description: An invalidation that DMA-unmaps before clearing the GPU page table is
 *		counted as unmap_while_mapped.
 *
 * SUBTEST: release-while-other-maps
 * Description: A userptr that lets go of a page in the right order is not reported
 *		while another userptr still maps the same page.
 *
 * SUBTEST: unpin-before-pte-clear-other-maps
 * Description: A userptr that unpins a page before clearing its own mappings is
 *		counted as release_while_mapped even though another userptr maps the
 *		same page.
 *
 * SUBTEST: write-after-read-only-closed
 * Description: After the read-only one of two userptrs over a page is closed, a GPU
 *		write through the writable one succeeds and is not counted as
 *		write_read_only.
 *
 * SUBTEST: access-after-release
 * Description: With an invalidation that neither waits for the GPU nor clears the
 *		page table, a COPY that resumes after it faults, and the checker
 *		counts access_unmapped.
 */

#define _GNU_SOURCE
#include <linux/sync_file.h>
#include <pthread.h>
#include <sys/ioctl.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define CMD_VA 0x1000000ull
#define BO_VA 0x2000000ull
#define UP_VA 0x10000000ull
#define UP2_VA 0x20000000ull
#define NPAGES 4

struct ctx {
	int fd;
	uint32_t vm, cmd_bo, bo;
	uint32_t *cmd;
	uint8_t *bo_map;
	unsigned int n;
};

/* The emitter arguments of vsvm_igt.h for @c's command buffer. */
#define CS(c) (c)->cmd, &(c)->n, PAGE / 4

static void ctx_init(struct ctx *c)
{
	c->fd = drm_open_driver(DRIVER_VSVM);
	c->vm = vsvm_vm_create(c->fd, 0);
	c->cmd_bo = vsvm_gem_create(c->fd, PAGE);
	c->bo = vsvm_gem_create(c->fd, NPAGES * PAGE);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, c->cmd_bo, 0, CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c->fd, c->vm, c->bo, 0, BO_VA, NPAGES * PAGE, 0), 0);
	c->cmd = vsvm_gem_mmap(c->fd, c->cmd_bo, PAGE);
	c->bo_map = vsvm_gem_mmap(c->fd, c->bo, NPAGES * PAGE);
	c->n = 0;
}

static void ctx_fini(struct ctx *c)
{
	munmap(c->cmd, PAGE);
	munmap(c->bo_map, NPAGES * PAGE);
	close(c->fd);
}

/* Queues the emitted words; returns the out-syncobj. */
static uint32_t submit(struct ctx *c)
{
	struct drm_vsvm_sync out = { 0 };
	struct drm_vsvm_exec e = {
		.vm_id = c->vm, .cs_addr = CMD_VA, .cs_size = c->n * 4,
		.out_syncs = (uintptr_t)&out, .num_out_syncs = 1,
	};

	igt_assert_eq(drmSyncobjCreate(c->fd, 0, &out.handle), 0);
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	c->n = 0;
	return out.handle;
}

static long long chk(int fd, const char *key)
{
	long long v = vsvm_debugfs_get(fd, "dmachk", key);

	igt_assert_f(v >= 0, "debugfs dmachk has no %s\n", key);
	return v;
}

static void *anon(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	igt_assert(p != MAP_FAILED);
	memset(p, 0x11, size);
	return p;
}

/* Polls debugfs userptr_inject until it says "stalled". */
static void wait_stalled(int fd)
{
	char buf[64];
	int i;

	for (i = 0; i < 500; i++) {
		igt_debugfs_read(fd, "userptr_inject", buf);
		if (strstr(buf, "stalled"))
			return;
		usleep(10000);
	}
	igt_assert_f(0, "the injection point never stalled: %s\n", buf);
}

/*
 * Breaks I1 in the next invalidation as @mode says, munmaps a bound
 * userptr, and checks that @kind was counted.
 */
static void break_order(int mode, const char *kind)
{
	uint8_t *buf = anon(NPAGES * PAGE);
	long long before;
	struct ctx c;
	char m[4];
	uint32_t h;

	ctx_init(&c);
	igt_require(chk(c.fd, "enabled") == 1);
	vsvm_require_knob(c.fd, "dmachk_break");
	h = vsvm_gem_userptr(c.fd, buf, NPAGES * PAGE, 0);
	/* Bound: its pages are pinned and its page-table entries written. */
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, NPAGES * PAGE, 0), 0);

	before = chk(c.fd, kind);
	igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "1"), 0);
	snprintf(m, sizeof(m), "%d", mode);
	igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_break", m), 0);
	munmap(buf, NPAGES * PAGE);
	igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "0"), 0);

	igt_assert_f(chk(c.fd, kind) > before, "the checker did not see %s\n", kind);
	/* The knob is one-shot: that invalidation consumed it. */
	igt_debugfs_read(c.fd, "dmachk_break", m);
	igt_assert_eq(atoi(m), 0);
	ctx_fini(&c);
}

/*
 * One page of a memfd mapped at two addresses: userptrs over each are two
 * objects over the same page, and an munmap of one address invalidates only
 * the userptr over it.
 */
static void shared_page(uint8_t **a, uint8_t **b)
{
	int mfd = memfd_create("vsvm-dmachk", MFD_CLOEXEC);

	igt_assert(mfd >= 0);
	igt_assert_eq(ftruncate(mfd, PAGE), 0);
	*a = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	*b = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
	igt_assert(*a != MAP_FAILED && *b != MAP_FAILED);
	close(mfd);
	memset(*a, 0x11, PAGE);
}

/*
 * Userptr A over one address of a shared page and B over the other, both
 * bound; then A's address is munmapped, with the I1 order broken as @mode
 * says (0: kept).  B maps the page all along, legitimately.  A release of
 * the page by A is a violation only if A's own mapping is still live
 * (@mode 1): B's mapping must neither hide it nor be reported.  In every
 * case B is then still usable.
 */
static void release_shared(int mode)
{
	long long before, total;
	uint8_t *a, *b;
	struct ctx c;
	uint32_t ha, hb, s;
	char m[4];

	ctx_init(&c);
	igt_require(chk(c.fd, "enabled") == 1);
	if (mode)
		vsvm_require_knob(c.fd, "dmachk_break");
	shared_page(&a, &b);
	ha = vsvm_gem_userptr(c.fd, a, PAGE, 0);
	hb = vsvm_gem_userptr(c.fd, b, PAGE, 0);
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, ha, 0, UP_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(c.fd, c.vm, hb, 0, UP2_VA, PAGE, 0), 0);

	before = chk(c.fd, "release_while_mapped");
	total = chk(c.fd, "violations");
	if (mode) {
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "1"), 0);
		snprintf(m, sizeof(m), "%d", mode);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_break", m), 0);
	}
	munmap(a, PAGE);
	if (mode) {
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "0"), 0);
		igt_assert_f(chk(c.fd, "release_while_mapped") > before,
			     "A released the page while mapping it, unseen: B's mapping hid it\n");
	} else {
		igt_assert_f(chk(c.fd, "release_while_mapped") == before,
			     "A released the page after unmapping it, but B's mapping was reported\n");
	}

	/* B still maps the page, for the GPU too (A's range is gone). */
	igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, PAGE), 0);
	vsvm_emit_store32(CS(&c), UP2_VA, 0xc0ffee);
	s = submit(&c);
	igt_assert_eq(vsvm_job_end(c.fd, s), 1);
	igt_assert_eq(*(uint32_t *)b, 0xc0ffee);
	igt_assert_eq(chk(c.fd, "violations"), total + (mode ? 1 : 0));
	munmap(b, PAGE);
	ctx_fini(&c);
}

igt_main
{
	igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);

		igt_require(vsvm_is_vsvm(fd));
		close(fd);
	}

	/* I1 step 5 before step 3: unpinning while a GPU PTE maps the page. */
	igt_describe("An invalidation that unpins before clearing the GPU page table is "
		     "counted as release_while_mapped.");
	igt_subtest("unpin-before-pte-clear")
		break_order(1, "release_while_mapped");

	/* I1 step 4 before step 3: DMA unmap while a GPU PTE maps the page. */
	igt_describe("An invalidation that DMA-unmaps before clearing the GPU page table is "
		     "counted as unmap_while_mapped.");
	igt_subtest("dma-unmap-before-pte-clear")
		break_order(2, "unmap_while_mapped");

	/* I1 step 5 by A while B maps the page too: B's mapping is legal. */
	igt_describe("A userptr that lets go of a page in the right order is not reported "
		     "while another userptr still maps the same page.");
	igt_subtest("release-while-other-maps")
		release_shared(0);

	/* I1 step 5 before step 3 by A: reported although B maps the page. */
	igt_describe("A userptr that unpins a page before clearing its own mappings is "
		     "counted as release_while_mapped even though another userptr maps the "
		     "same page.");
	igt_subtest("unpin-before-pte-clear-other-maps")
		release_shared(1);

	/*
	 * I10 per mapping: a page is writable for the device while any
	 * writable DMA mapping of it exists.  A read-only and a writable
	 * userptr over one page; the read-only one goes away; a write through
	 * the writable one is legal and must not be refused.
	 */
	igt_describe("After the read-only one of two userptrs over a page is closed, a GPU "
		     "write through the writable one succeeds and is not counted as "
		     "write_read_only.");
	igt_subtest("write-after-read-only-closed") {
		uint8_t *buf = anon(PAGE);
		long long before;
		struct ctx c;
		uint32_t ro, rw, s;

		ctx_init(&c);
		igt_require(chk(c.fd, "enabled") == 1);
		before = chk(c.fd, "violations");
		ro = vsvm_gem_userptr(c.fd, buf, PAGE, DRM_VSVM_USERPTR_READ_ONLY);
		rw = vsvm_gem_userptr(c.fd, buf, PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, ro, 0, UP_VA, PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, rw, 0, UP2_VA, PAGE, 0), 0);

		/* While both map it, the page may be written through rw. */
		vsvm_emit_store32(CS(&c), UP2_VA, 0x5a5a5a5a);
		s = submit(&c);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);

		/* Closing the read-only one DMA-unmaps its pages. */
		igt_assert_eq(vsvm_vm_unmap(c.fd, c.vm, UP_VA, PAGE), 0);
		vsvm_gem_close(c.fd, ro);

		vsvm_emit_store32(CS(&c), UP2_VA, 0xc0ffee);
		s = submit(&c);
		igt_assert_eq(vsvm_job_end(c.fd, s), 1);
		igt_assert_eq(*(uint32_t *)buf, 0xc0ffee);
		igt_assert_eq(chk(c.fd, "violations"), before);
		munmap(buf, PAGE);
		ctx_fini(&c);
	}

	/*
	 * I1 steps 2 and 3 skipped, I10: a job stalled in a COPY resumes after
	 * the pages were released under it; the checker must stop the access
	 * (a GPU fault) instead of letting the engine touch freed pages.
	 */
	igt_describe("With an invalidation that neither waits for the GPU nor clears the "
		     "page table, a COPY that resumes after it faults, and the checker "
		     "counts access_unmapped.");
	igt_subtest("access-after-release") {
		uint8_t *buf = anon(NPAGES * PAGE);
		long long before;
		struct ctx c;
		uint32_t h, s;

		ctx_init(&c);
		igt_require(chk(c.fd, "enabled") == 1);
		vsvm_require_knob(c.fd, "dmachk_break");
		vsvm_require_knob(c.fd, "userptr_inject");
		h = vsvm_gem_userptr(c.fd, buf, NPAGES * PAGE, 0);
		igt_assert_eq(vsvm_vm_map(c.fd, c.vm, h, 0, UP_VA, NPAGES * PAGE, 0), 0);
		memset(c.bo_map, 0, NPAGES * PAGE);

		/* The COPY stalls after its first page. */
		igt_assert_eq(vsvm_debugfs_write(c.fd, "userptr_inject", "3"), 0);
		vsvm_emit_copy(CS(&c), BO_VA, UP_VA, NPAGES * PAGE);
		s = submit(&c);
		wait_stalled(c.fd);

		before = chk(c.fd, "access_unmapped");
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "1"), 0);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_break", "3"), 0);
		/* Returns at once: the broken invalidation does not wait. */
		munmap(buf, NPAGES * PAGE);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "userptr_inject", "0"), 0);

		igt_assert_eq(vsvm_job_end(c.fd, s), -EFAULT);
		igt_assert_eq(vsvm_debugfs_write(c.fd, "dmachk_expect", "0"), 0);
		igt_assert_f(chk(c.fd, "access_unmapped") > before,
			     "the engine reached a released page unseen\n");
		/* The first page was copied before the release, the rest never. */
		igt_assert_eq(c.bo_map[0], 0x11);
		igt_assert_eq(c.bo_map[NPAGES * PAGE - 1], 0);
		ctx_fini(&c);
	}
}
