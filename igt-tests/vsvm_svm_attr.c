// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm attr
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shared virtual memory range attributes
 * Description: SVM range attributes (SVM_MADVISE) and the per-page snapshot
 *	(SVM_QUERY): every errno, how ranges split and merge, read-only ranges
 *	the GPU may not write (I10), and the scenarios of the kernel's
 *	hmm-tests with the GPU doing the accesses.
 *
 * SUBTEST: madvise-errors
 * Description: Every errno of SVM_MADVISE: EINVAL for flags, an unknown attribute or
 *		value, a misaligned, empty, overflowing or too high range, an ordinary
 *		VM and a refused extension; EFAULT for an unreadable extension; ENOENT
 *		for VM 0 and an unknown VM; EPERM from a child after fork(); device
 *		values work, or are EOPNOTSUPP without device memory.
 *
 * SUBTEST: query-errors
 * Description: Every errno of SVM_QUERY: EINVAL for flags, pad, a misaligned,
 *		overflowing or too high range, an ordinary VM and a refused extension;
 *		E2BIG past DRM_VSVM_SVM_QUERY_MAX_SIZE; EFAULT for unwritable pages or
 *		an unreadable extension; ENOENT; EPERM from a child after fork().
 *
 * SUBTEST: split-merge
 * Description: Attributes set on overlapping ranges split the ranges at their ends,
 *		keep each range's other attributes, and merge equal neighbours; clearing
 *		them all gives back one default range over the whole address space.
 *
 * SUBTEST: read-only
 * Description: I10: a GPU write to a read-only range faults READ_ONLY and changes
 *		nothing, while reads work and the CPU still writes; a range the GPU
 *		had mapped writable is write-protected at once; cleared, writes work.
 *
 * SUBTEST: read-only-partial-chunk
 * Description: A read-only page inside a 2 MiB chunk: a GPU write of the chunk's
 *		other pages works, the read-only page's faults, and the snapshot shows
 *		only that page read-only.
 *
 * SUBTEST: snapshot
 * Description: The snapshot of never-touched, unmapped, zero, written, mprotect'd and
 *		GPU-mapped pages, of a read-only range, and of a range a munmap took
 *		away from the GPU.
 *
 * SUBTEST: hmm-anon-read
 * Description: hmm-tests anon_read: the GPU reads private anonymous memory the CPU
 *		wrote.
 *
 * SUBTEST: hmm-anon-write
 * Description: hmm-tests anon_write: the GPU writes private anonymous memory, the
 *		CPU reads it.
 *
 * SUBTEST: hmm-anon-read-prot
 * Description: hmm-tests anon_read_prot: PROT_NONE memory is not read by the GPU; once
 *		PROT_READ it is, and a GPU write faults READ_ONLY.
 *
 * SUBTEST: hmm-anon-write-prot
 * Description: hmm-tests anon_write_prot: PROT_READ memory the GPU may not write; once
 *		PROT_WRITE too it may.
 *
 * SUBTEST: hmm-anon-write-child
 * Description: hmm-tests anon_write_child: after fork() the child's GPU writes its
 *		own copy and the parent's memory keeps its values.
 *
 * SUBTEST: hmm-anon-write-child-shared
 * Description: hmm-tests anon_write_child_shared: after fork() the child's GPU writes
 *		a MAP_SHARED mapping and the parent sees the values.
 *
 * SUBTEST: hmm-anon-write-huge
 * Description: hmm-tests anon_write_huge: the GPU writes a transparent huge page.
 *
 * SUBTEST: hmm-file-read
 * Description: hmm-tests file_read: the GPU reads a file mapping written with
 *		pwrite.
 *
 * SUBTEST: hmm-file-write
 * Description: hmm-tests file_write: the GPU writes a shared file mapping, pread
 *		sees the data.
 *
 * SUBTEST: atomic-exclusive
 * Description: hmm-tests exclusive: in device atomic mode a GPU ATOMIC takes the page
 *		exclusive (the snapshot says so), a CPU read takes it back, and GPU
 *		atomic adds interleaved with a CPU thread's atomic increments give the
 *		exact total while the page goes back and forth.
 *
 * SUBTEST: atomic-exclusive-mprotect
 * Description: hmm-tests exclusive_mprotect: after mprotect(PROT_READ) of a page the
 *		device held exclusive, a GPU ATOMIC faults READ_ONLY and changes nothing.
 *
 * SUBTEST: atomic-exclusive-cow
 * Description: hmm-tests exclusive_cow: fork() of a process whose page the device
 *		holds exclusive: the child reads the values, the parent's later CPU and
 *		GPU atomics change only the parent's page.
 *
 * SUBTEST: atomic-read-only-range
 * Description: Device atomic mode in a read-only range: the ATOMIC faults READ_ONLY,
 *		and the page is not taken.
 *
 * SUBTEST: range-limit
 * Description: I10: attributes alternated page by page stop at
 *		DRM_VSVM_MAX_SVM_RANGES ranges with ENOSPC, changing nothing; a change
 *		that keeps the number of ranges or merges them still works at the limit,
 *		and clearing them makes room again.
 *
 * SUBTEST: many-ranges-free
 * Description: A VM holding DRM_VSVM_MAX_SVM_RANGES ranges (a tree several levels
 *		deep) is destroyed with them, and a later one has them all replaced by one
 *		store, then is destroyed: no crash, no leak, and the device still works.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define VSVM_SVM_OWN_JOBS
#include "vsvm_svm_igt.h"

#define VA_END (1ull << DRM_VSVM_VA_BITS)
#define JOB_DONE 0x600df00dcafe0002ull

/*
 * Runs what was emitted with a user fence, waits up to 20 s for it, and
 * returns 1, or the reason (DRM_VSVM_FAULT_*) negated of a fault recorded
 * since.
 */
static int run(struct ctx *c)
{
	struct drm_vsvm_exec_ext_user_fence uf = vsvm_ufence_ext(c->uf, JOB_DONE);
	struct drm_vsvm_exec e = {
		.extensions = (uintptr_t)&uf, .vm_id = c->vm,
		.cs_addr = (uintptr_t)c->cmd, .cs_size = c->n * 4,
	};
	uint64_t mark = vsvm_newest_fault(c->fd, NULL);
	uint32_t reason = 0;

	*c->uf = 0;
	do_ioctl(c->fd, DRM_IOCTL_VSVM_EXEC, &e);
	igt_assert_eq(vsvm_ufence_wait_ms(c->fd, c->uf, JOB_DONE, 20000), 0);
	c->n = 0;
	if (vsvm_newest_fault(c->fd, &reason) == mark)
		return 1;
	return -(int)reason;
}

/* GPU copy of @size bytes; see run(). */
static int gpu_copy(struct ctx *c, void *dst, const void *src, uint64_t size)
{
	vsvm_emit_copy(CS(c), (uintptr_t)dst, (uintptr_t)src, size);
	return run(c);
}

/* GPU fill of @size bytes with @v; see run(). */
static int gpu_fill(struct ctx *c, void *dst, uint32_t v, uint64_t size)
{
	vsvm_emit_fill(CS(c), (uintptr_t)dst, v, size);
	return run(c);
}

static int __madvise(int fd, uint32_t vm, uint64_t addr, uint64_t size, uint32_t attr,
		     uint32_t value)
{
	struct drm_vsvm_svm_madvise m = {
		.vm_id = vm, .attr = attr, .addr = addr, .size = size, .value = value,
	};

	return igt_ioctl(fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m) ? -errno : 0;
}

static void madv(struct ctx *c, const void *addr, uint64_t size, uint32_t attr, uint32_t value)
{
	igt_assert_eq(__madvise(c->fd, c->vm, (uintptr_t)addr, size, attr, value), 0);
}

static int __query(int fd, struct drm_vsvm_svm_query *q)
{
	return igt_ioctl(fd, DRM_IOCTL_VSVM_SVM_QUERY, q) ? -errno : 0;
}

/* The attributes of @addr, and a snapshot of @npages pages into @pages. */
static struct drm_vsvm_svm_query query(struct ctx *c, const void *addr, uint64_t npages,
				       uint8_t *pages)
{
	struct drm_vsvm_svm_query q = {
		.vm_id = c->vm, .addr = (uintptr_t)addr, .size = npages * PAGE,
		.pages = (uintptr_t)pages,
	};

	igt_assert_eq(__query(c->fd, &q), 0);
	return q;
}

/* Asserts the range around @addr and its attributes. */
#define assert_range(c, addr, start, end, loc, ro, atom) do {			\
	struct drm_vsvm_svm_query q_ = query(c, addr, 0, NULL);			\
	igt_assert_eq_u64(q_.range_start, (uint64_t)(start));			\
	igt_assert_eq_u64(q_.range_end, (uint64_t)(end));			\
	igt_assert_eq_u32(q_.preferred_loc, loc);				\
	igt_assert_eq_u32(q_.read_only, ro);					\
	igt_assert_eq_u32(q_.atomic, atom);					\
} while (0)

/* The snapshot byte of the page of @addr. */
static uint8_t snap1(struct ctx *c, const void *addr)
{
	uint8_t b = 0xff;

	query(c, (void *)((uintptr_t)addr & ~(PAGE - 1)), 1, &b);
	return b;
}

#define SYS_PRESENT (DRM_VSVM_SVM_PAGE_PRESENT | DRM_VSVM_MEM_SYSTEM)

/* Emits @n 64-bit ATOMIC adds of 1 to @dst. */
static void emit_adds(struct ctx *c, uint64_t *dst, unsigned int n)
{
	while (n--)
		vsvm_emit_atomic(CS(c), DRM_VSVM_ATOMIC_ADD | DRM_VSVM_CMD_64BIT,
				 (uintptr_t)dst, 1, 0, 0);
}

/*
 * Puts [@addr, +@size) in device atomic mode; skips where the kernel has
 * no device-private memory (no make_device_exclusive_range()).
 */
static void require_device_atomics(struct ctx *c, const void *addr, uint64_t size)
{
	int ret = __madvise(c->fd, c->vm, (uintptr_t)addr, size, DRM_VSVM_SVM_ATTR_ATOMIC,
			    DRM_VSVM_ATOMIC_MODE_DEVICE);

	igt_require_f(ret != -EOPNOTSUPP,
		      "no device atomic mode: the kernel has no CONFIG_DEVICE_PRIVATE\n");
	igt_assert_eq(ret, 0);
}

/* A CPU thread's atomic increments (atomic-exclusive). */
struct incr {
	uint64_t *word;
	unsigned int n;
};

static void *incr_fn(void *arg)
{
	struct incr *in = arg;
	unsigned int i;

	for (i = 0; i < in->n; i++) {
		__atomic_fetch_add(in->word, 1, __ATOMIC_SEQ_CST);
		usleep(100);
	}
	return NULL;
}

/* Runs @body in a child process (igt_fork()) and waits for it. */
#define in_child(body) do {						\
	igt_fork(child_, 1) {						\
		body;							\
	}								\
	igt_waitchildren();						\
} while (0)

/*
 * A subtest on a fresh file and SVM VM in @c, closed after it (or, when it
 * fails, at the next subtest's start).
 */
#define attr_subtest(name)						\
	igt_subtest(name)						\
		for (int once_ = (ctx_init(&c), 1); once_; once_ = (ctx_fini(&c), 0))

static void ext_errors(int fd, unsigned long cmd, void *arg, __u64 *extensions)
{
	struct drm_vsvm_user_extension ext = { .name = 0 };

	*extensions = (uintptr_t)&ext;
	igt_assert(igt_ioctl(fd, cmd, arg) && errno == EINVAL);
	*extensions = 8;
	igt_assert(igt_ioctl(fd, cmd, arg) && errno == EFAULT);
	*extensions = 0;
}

igt_main
{
	struct ctx c = { .fd = -1 };

		igt_fixture {
		int fd = drm_open_driver(DRIVER_VSVM);
		struct drm_vsvm_svm_query q = { 0 };

		igt_require(vsvm_is_vsvm(fd));
		igt_require_f(igt_ioctl(fd, DRM_IOCTL_VSVM_SVM_QUERY, &q) == -1 &&
			      errno != ENOTTY && errno != EINVAL,
			      "no SVM_QUERY (vsvm before 1.9)\n");
		close(fd);
	}

	igt_describe("Every errno of SVM_MADVISE: EINVAL for flags, an unknown attribute or "
		     "value, a misaligned, empty, overflowing or too high range, an ordinary "
		     "VM and a refused extension; EFAULT for an unreadable extension; ENOENT "
		     "for VM 0 and an unknown VM; EPERM from a child after fork(); device "
		     "values work, or are EOPNOTSUPP without device memory.");
	attr_subtest("madvise-errors") {
		uint8_t *buf = anon(4 * PAGE);
		uint64_t a = (uintptr_t)buf;
		struct drm_vsvm_svm_madvise m = {
			.vm_id = c.vm, .attr = DRM_VSVM_SVM_ATTR_READ_ONLY, .addr = a,
			.size = PAGE, .value = 1,
		};
		uint32_t plain = vsvm_vm_create(c.fd, 0);
		int dev;

		do_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m);
		m.flags = 1;
		igt_assert(igt_ioctl(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m) && errno == EINVAL);
		m.flags = 0;
		ext_errors(c.fd, DRM_IOCTL_VSVM_SVM_MADVISE, &m, &m.extensions);

		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, 3, 0), -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 2),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_PREFERRED_LOC, 3),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_ATOMIC, 3),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a + 1, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE + 1, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, a, 0, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, -PAGE, 2 * PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY,
					1), -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, VA_END - PAGE, 2 * PAGE,
					DRM_VSVM_SVM_ATTR_READ_ONLY, 1), -EINVAL);
		igt_assert_eq(__madvise(c.fd, c.vm, VA_END, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -EINVAL);
		/* The last page of the address space is a range like any. */
		igt_assert_eq(__madvise(c.fd, c.vm, VA_END - PAGE, PAGE,
					DRM_VSVM_SVM_ATTR_READ_ONLY, 1), 0);
		igt_assert_eq(__madvise(c.fd, plain, a, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -EINVAL);
		igt_assert_eq(__madvise(c.fd, 0, a, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -ENOENT);
		igt_assert_eq(__madvise(c.fd, 1000, a, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -ENOENT);
		/* I7: the range's attributes are its address space's. */
		in_child(igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE,
						 DRM_VSVM_SVM_ATTR_READ_ONLY, 0), -EPERM));
		assert_range(&c, buf, a, a + PAGE, DRM_VSVM_MEM_SYSTEM, 1, 0);

		/*
		 * Device values need device-private memory: refused with
		 * EOPNOTSUPP without it, accepted where the device has VRAM
		 * (DRM_VSVM_CAP_DEVICE_MEMORY), and all three alike.
		 */
		dev = __madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_PREFERRED_LOC,
				DRM_VSVM_MEM_DEVICE);
		igt_info("device values: %s\n", dev ? "EOPNOTSUPP" : "accepted");
		igt_assert(dev == 0 || dev == -EOPNOTSUPP);
		if (caps(c.fd) & DRM_VSVM_CAP_DEVICE_MEMORY)
			igt_assert_eq(dev, 0);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_PREFERRED_LOC,
					DRM_VSVM_MEM_OTHER_DEVICE), dev);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_ATOMIC,
					DRM_VSVM_ATOMIC_MODE_DEVICE), dev);
		igt_assert_eq(__madvise(c.fd, c.vm, a, PAGE, DRM_VSVM_SVM_ATTR_ATOMIC,
					DRM_VSVM_ATOMIC_MODE_SYSTEM), 0);
		/* Back to the defaults. */
		madv(&c, buf, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		madv(&c, buf, PAGE, DRM_VSVM_SVM_ATTR_ATOMIC, 0);
		madv(&c, buf, PAGE, DRM_VSVM_SVM_ATTR_PREFERRED_LOC, 0);
		madv(&c, (void *)(uintptr_t)(VA_END - PAGE), PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		assert_range(&c, buf, 0, VA_END, DRM_VSVM_MEM_SYSTEM, 0, 0);
		munmap(buf, 4 * PAGE);
	}

	igt_describe("Every errno of SVM_QUERY: EINVAL for flags, pad, a misaligned, "
		     "overflowing or too high range, an ordinary VM and a refused extension; "
		     "E2BIG past DRM_VSVM_SVM_QUERY_MAX_SIZE; EFAULT for unwritable pages or "
		     "an unreadable extension; ENOENT; EPERM from a child after fork().");
	attr_subtest("query-errors") {
		uint8_t *buf = anon(4 * PAGE), pages[4];
		uint8_t *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint32_t plain = vsvm_vm_create(c.fd, 0);
		struct drm_vsvm_svm_query q0 = {
			.vm_id = c.vm, .addr = (uintptr_t)buf, .size = 4 * PAGE,
			.pages = (uintptr_t)pages,
		}, q;

		igt_assert(ro != MAP_FAILED);
		q = q0;
		igt_assert_eq(__query(c.fd, &q), 0);
		q = q0;
		q.flags = 1;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.pad = 1;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		ext_errors(c.fd, DRM_IOCTL_VSVM_SVM_QUERY, &q, &q.extensions);
		q = q0;
		q.addr += 1;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.size = 1;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.addr = -PAGE;
		q.size = 2 * PAGE;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.addr = VA_END;
		q.size = 0;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.addr = VA_END - PAGE;
		q.size = 2 * PAGE;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.addr = 0;
		q.size = DRM_VSVM_SVM_QUERY_MAX_SIZE + PAGE;
		igt_assert_eq(__query(c.fd, &q), -E2BIG);
		q = q0;
		q.pages = (uintptr_t)ro;
		igt_assert_eq(__query(c.fd, &q), -EFAULT);
		q = q0;
		q.pages = 8;
		igt_assert_eq(__query(c.fd, &q), -EFAULT);
		q = q0;
		q.vm_id = plain;
		igt_assert_eq(__query(c.fd, &q), -EINVAL);
		q = q0;
		q.vm_id = 0;
		igt_assert_eq(__query(c.fd, &q), -ENOENT);
		q = q0;
		q.vm_id = 1000;
		igt_assert_eq(__query(c.fd, &q), -ENOENT);
		q = q0;
		in_child(igt_assert_eq(__query(c.fd, &q), -EPERM));
		/* Size 0: the attributes only, @pages unused. */
		q = q0;
		q.size = 0;
		q.pages = 8;
		igt_assert_eq(__query(c.fd, &q), 0);
		/* The last page, and a range of holes: all not present. */
		q = q0;
		q.addr = VA_END - 4 * PAGE;
		igt_assert_eq(__query(c.fd, &q), 0);
		igt_assert(!pages[0] && !pages[1] && !pages[2] && !pages[3]);
		munmap(buf, 4 * PAGE);
		munmap(ro, PAGE);
	}

	igt_describe("Attributes set on overlapping ranges split the ranges at their ends, "
		     "keep each range's other attributes, and merge equal neighbours; clearing "
		     "them all gives back one default range over the whole address space.");
	attr_subtest("split-merge") {
		uint8_t *b = anon(16 * PAGE);
		uint64_t a = (uintptr_t)b;
		int i;

		assert_range(&c, b, 0, VA_END, 0, 0, 0);
		madv(&c, b + 4 * PAGE, 4 * PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, b, 0, a + 4 * PAGE, 0, 0, 0);
		assert_range(&c, b + 5 * PAGE, a + 4 * PAGE, a + 8 * PAGE, 0, 1, 0);
		assert_range(&c, b + 8 * PAGE, a + 8 * PAGE, VA_END, 0, 0, 0);

		/* Overlapping the end: [4,6) RO, [6,8) RO+atomic, [8,12) atomic. */
		madv(&c, b + 6 * PAGE, 6 * PAGE, DRM_VSVM_SVM_ATTR_ATOMIC,
		     DRM_VSVM_ATOMIC_MODE_SYSTEM);
		assert_range(&c, b + 4 * PAGE, a + 4 * PAGE, a + 6 * PAGE, 0, 1, 0);
		assert_range(&c, b + 7 * PAGE, a + 6 * PAGE, a + 8 * PAGE, 0, 1, 2);
		assert_range(&c, b + 11 * PAGE, a + 8 * PAGE, a + 12 * PAGE, 0, 0, 2);
		assert_range(&c, b + 12 * PAGE, a + 12 * PAGE, VA_END, 0, 0, 0);

		/* Inside one range: [8,9) atomic, [9,10) atomic+RO, [10,12) atomic. */
		madv(&c, b + 9 * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, b + 8 * PAGE, a + 8 * PAGE, a + 9 * PAGE, 0, 0, 2);
		assert_range(&c, b + 9 * PAGE, a + 9 * PAGE, a + 10 * PAGE, 0, 1, 2);
		assert_range(&c, b + 10 * PAGE, a + 10 * PAGE, a + 12 * PAGE, 0, 0, 2);

		/* Equal again: merged with both neighbours, [6,12) RO+atomic. */
		madv(&c, b + 8 * PAGE, 4 * PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, b + 8 * PAGE, a + 6 * PAGE, a + 12 * PAGE, 0, 1, 2);
		/* And [4,6) too: [4,12) RO+atomic, one range. */
		madv(&c, b + 4 * PAGE, 2 * PAGE, DRM_VSVM_SVM_ATTR_ATOMIC,
		     DRM_VSVM_ATOMIC_MODE_SYSTEM);
		assert_range(&c, b + 11 * PAGE, a + 4 * PAGE, a + 12 * PAGE, 0, 1, 2);

		/* Page by page, alternating, then all equal: one range. */
		for (i = 0; i < 16; i += 2)
			madv(&c, b + i * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		assert_range(&c, b + 5 * PAGE, a + 5 * PAGE, a + 6 * PAGE, 0, 1, 2);
		for (i = 1; i < 16; i += 2)
			madv(&c, b + i * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		assert_range(&c, b + 5 * PAGE, a + 4 * PAGE, a + 12 * PAGE, 0, 0, 2);

		/* The attributes are the VM's: munmap leaves them. */
		munmap(b, 16 * PAGE);
		assert_range(&c, b + 5 * PAGE, a + 4 * PAGE, a + 12 * PAGE, 0, 0, 2);
		madv(&c, b, 16 * PAGE, DRM_VSVM_SVM_ATTR_ATOMIC, 0);
		assert_range(&c, b + 5 * PAGE, 0, VA_END, 0, 0, 0);
	}

	igt_describe("I10: a GPU write to a read-only range faults READ_ONLY and changes "
		     "nothing, while reads work and the CPU still writes; a range the GPU "
		     "had mapped writable is write-protected at once; cleared, writes work.");
	attr_subtest("read-only") {
		uint32_t *b = anon(8 * PAGE), *dst = anon(PAGE);
		uint32_t reason = 0;

		memset(b, 0x11, 8 * PAGE);
		/* Mapped writable by a first GPU write. */
		igt_assert_eq(gpu_fill(&c, b, 0x22222222, 8 * PAGE), 1);
		igt_assert_eq_u32(b[1024], 0x22222222);
		igt_assert(snap1(&c, b + 1024) & DRM_VSVM_SVM_PAGE_GPU_MAPPED);

		madv(&c, b + 1024, 2 * PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		/* The writable entries went with the attribute. */
		igt_assert_eq(snap1(&c, b + 1024), SYS_PRESENT | DRM_VSVM_SVM_PAGE_READ_ONLY);
		igt_assert_eq(gpu_fill(&c, b + 1024, 0x33333333, PAGE), -DRM_VSVM_FAULT_READ_ONLY);
		vsvm_newest_fault(c.fd, &reason);
		igt_assert_eq_u32(reason, DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u32(b[1024], 0x22222222);
		igt_assert_eq_u32(b[2047], 0x22222222);
		/* A write ending in the range faults there, after its start. */
		igt_assert_eq(gpu_fill(&c, b + 1000, 0x44444444, 100 * 4),
			      -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u32(b[1023], 0x44444444);
		igt_assert_eq_u32(b[1024], 0x22222222);
		/* Reads work, and the CPU writes as before. */
		b[1500] = 0x55555555;
		igt_assert_eq(gpu_copy(&c, dst, b + 1500, 4), 1);
		igt_assert_eq_u32(dst[0], 0x55555555);
		igt_assert_eq(snap1(&c, b + 1500),
			      SYS_PRESENT | DRM_VSVM_SVM_PAGE_READ_ONLY |
			      DRM_VSVM_SVM_PAGE_GPU_MAPPED);
		/* Outside the range, writes work. */
		igt_assert_eq(gpu_fill(&c, b + 3 * 1024, 0x66666666, PAGE), 1);
		igt_assert_eq_u32(b[3 * 1024], 0x66666666);
		/* Cleared: writes work again. */
		madv(&c, b + 1024, 2 * PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		igt_assert_eq(gpu_fill(&c, b + 1024, 0x77777777, 2 * PAGE), 1);
		igt_assert_eq_u32(b[2047], 0x77777777);
		munmap(b, 8 * PAGE);
		munmap(dst, PAGE);
	}

	igt_describe("A read-only page inside a 2 MiB chunk: a GPU write of the chunk's "
		     "other pages works, the read-only page's faults, and the snapshot shows "
		     "only that page read-only.");
	attr_subtest("read-only-partial-chunk") {
		uint64_t sz = 4ull << 20;
		uint8_t *m = anon(sz), *b = (uint8_t *)(((uintptr_t)m + (2 << 20) - 1) &
						      ~((2ull << 20) - 1));
		uint8_t pages[512];
		int i;

		memset(b, 1, 2 << 20);
		madv(&c, b + 100 * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		igt_assert_eq(gpu_fill(&c, b, 0x02020202, 100 * PAGE), 1);
		igt_assert_eq(gpu_fill(&c, b + 101 * PAGE, 0x03030303, 411 * PAGE), 1);
		igt_assert_eq(gpu_fill(&c, b + 100 * PAGE, 0x04040404, PAGE),
			      -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq(b[100 * PAGE], 1);
		igt_assert_eq(b[99 * PAGE], 2);
		igt_assert_eq(b[101 * PAGE], 3);
		query(&c, b, 512, pages);
		for (i = 0; i < 512; i++)
			igt_assert_f((pages[i] & DRM_VSVM_SVM_PAGE_READ_ONLY) == (i == 100 ?
				     DRM_VSVM_SVM_PAGE_READ_ONLY : 0), "page %d: %#x\n", i, pages[i]);
		madv(&c, b + 100 * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		munmap(m, sz);
	}

	igt_describe("The snapshot of never-touched, unmapped, zero, written, mprotect'd and "
		     "GPU-mapped pages, of a read-only range, and of a range a munmap took "
		     "away from the GPU.");
	attr_subtest("snapshot") {
		uint8_t *b = anon(8 * PAGE), pages[8];
		volatile uint8_t v;

		munmap(b + 7 * PAGE, PAGE);
		v = b[PAGE];			/* page 1: the zero page */
		(void)v;
		b[2 * PAGE] = 1;		/* page 2: written */
		b[3 * PAGE] = 1;		/* page 3: written, then read-only */
		mprotect(b + 3 * PAGE, PAGE, PROT_READ);
		b[4 * PAGE] = 1;		/* page 4: read-only range */
		madv(&c, b + 4 * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		b[5 * PAGE] = 1;		/* page 5: the GPU maps it */
		igt_assert_eq(gpu_fill(&c, b + 5 * PAGE, 7, 4), 1);
		query(&c, b, 8, pages);
		igt_info("snapshot: %02x %02x %02x %02x %02x %02x %02x %02x\n", pages[0],
			 pages[1], pages[2], pages[3], pages[4], pages[5], pages[6], pages[7]);
		/*
		 * Page 0 was never touched.  The GPU's fault maps a whole
		 * chunk, here the VMA's pages around page 5 (4 KiB chunks:
		 * the VMA is smaller than 64 KiB), only page 5.
		 */
		igt_assert_eq(pages[0], 0);
		igt_assert_eq(pages[1], SYS_PRESENT | DRM_VSVM_SVM_PAGE_ZERO |
			      DRM_VSVM_SVM_PAGE_READ_ONLY);
		igt_assert_eq(pages[2], SYS_PRESENT);
		igt_assert_eq(pages[3], SYS_PRESENT | DRM_VSVM_SVM_PAGE_READ_ONLY);
		igt_assert_eq(pages[4], SYS_PRESENT | DRM_VSVM_SVM_PAGE_READ_ONLY);
		igt_assert_eq(pages[5], SYS_PRESENT | DRM_VSVM_SVM_PAGE_GPU_MAPPED);
		igt_assert_eq(pages[6], 0);
		igt_assert_eq(pages[7], 0);	/* unmapped */
		/* munmap took the GPU's entry and the page. */
		munmap(b + 5 * PAGE, PAGE);
		igt_assert_eq(snap1(&c, b + 5 * PAGE), 0);
		madv(&c, b + 4 * PAGE, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		munmap(b, 5 * PAGE);
	}

	igt_describe("hmm-tests anon_read: the GPU reads private anonymous memory the CPU "
		     "wrote.");
	attr_subtest("hmm-anon-read") {
		uint64_t sz = 1 << 20;
		uint32_t *b = anon(sz), *d = anon(sz);
		uint64_t i;

		for (i = 0; i < sz / 4; i++)
			b[i] = i;
		igt_assert_eq(gpu_copy(&c, d, b, sz), 1);
		for (i = 0; i < sz / 4; i++)
			igt_assert_eq_u32(d[i], i);
		igt_assert(snap1(&c, b) & DRM_VSVM_SVM_PAGE_GPU_MAPPED);
		munmap(b, sz);
		munmap(d, sz);
	}

	igt_describe("hmm-tests anon_write: the GPU writes private anonymous memory, the "
		     "CPU reads it.");
	attr_subtest("hmm-anon-write") {
		uint64_t sz = 1 << 20;
		uint32_t *b = anon(sz), *s = anon(sz);
		uint64_t i;

		for (i = 0; i < sz / 4; i++)
			s[i] = i;
		igt_assert_eq(gpu_copy(&c, b, s, sz), 1);
		for (i = 0; i < sz / 4; i++)
			igt_assert_eq_u32(b[i], i);
		munmap(b, sz);
		munmap(s, sz);
	}

	igt_describe("hmm-tests anon_read_prot: PROT_NONE memory is not read by the GPU; "
		     "once PROT_READ it is, and a GPU write faults READ_ONLY.");
	attr_subtest("hmm-anon-read-prot") {
		uint32_t *b = anon(4 * PAGE), *d = anon(4 * PAGE);
		int i;

		for (i = 0; i < 4096; i++)
			b[i] = i;
		igt_assert_eq(mprotect(b, 4 * PAGE, PROT_NONE), 0);
		igt_assert_eq(gpu_copy(&c, d, b, 4 * PAGE), -DRM_VSVM_FAULT_NOT_PRESENT);
		igt_assert_eq_u32(d[0], 0);
		igt_assert_eq(mprotect(b, 4 * PAGE, PROT_READ), 0);
		igt_assert_eq(gpu_copy(&c, d, b, 4 * PAGE), 1);
		for (i = 0; i < 4096; i++)
			igt_assert_eq_u32(d[i], i);
		igt_assert_eq(gpu_fill(&c, b, 0, 4), -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u32(b[0], 0);
		igt_assert_eq_u32(b[1], 1);
		munmap(b, 4 * PAGE);
		munmap(d, 4 * PAGE);
	}

	igt_describe("hmm-tests anon_write_prot: PROT_READ memory the GPU may not write; "
		     "once PROT_WRITE too it may.");
	attr_subtest("hmm-anon-write-prot") {
		uint32_t *b = anon(4 * PAGE);
		volatile uint32_t v;

		v = b[0];	/* the zero page, read-only for the CPU too */
		(void)v;
		igt_assert_eq(mprotect(b, 4 * PAGE, PROT_READ), 0);
		igt_assert_eq(gpu_fill(&c, b, 0x12345678, 4 * PAGE), -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u32(b[0], 0);
		igt_assert_eq(mprotect(b, 4 * PAGE, PROT_READ | PROT_WRITE), 0);
		igt_assert_eq(gpu_fill(&c, b, 0x12345678, 4 * PAGE), 1);
		igt_assert_eq_u32(b[4095], 0x12345678);
		munmap(b, 4 * PAGE);
	}

	igt_describe("hmm-tests anon_write_child: after fork() the child's GPU writes its "
		     "own copy and the parent's memory keeps its values.");
	attr_subtest("hmm-anon-write-child") {
		uint32_t *b = anon(16 * PAGE);
		int i;

		for (i = 0; i < 16 * 1024; i++)
			b[i] = i;
		/* The parent's GPU has it mapped too: fork() write-protects it. */
		igt_assert_eq(gpu_fill(&c, b + 16 * 1024 - 1, 16 * 1024 - 1, 4), 1);
		in_child({
			struct ctx cc;

			ctx_init(&cc);
			for (i = 0; i < 16 * 1024; i++)
				igt_assert_eq_u32(b[i], i);
			igt_assert_eq(gpu_fill(&cc, b, 0xc0c0c0c0, 16 * PAGE), 1);
			for (i = 0; i < 16 * 1024; i++)
				igt_assert_eq_u32(b[i], 0xc0c0c0c0);
			ctx_fini(&cc);
		});
		for (i = 0; i < 16 * 1024; i++)
			igt_assert_eq_u32(b[i], i);
		/* And the parent's GPU writes its own copy still. */
		igt_assert_eq(gpu_fill(&c, b, 0xaaaaaaaa, PAGE), 1);
		igt_assert_eq_u32(b[0], 0xaaaaaaaa);
		munmap(b, 16 * PAGE);
	}

	igt_describe("hmm-tests anon_write_child_shared: after fork() the child's GPU "
		     "writes a MAP_SHARED mapping and the parent sees the values.");
	attr_subtest("hmm-anon-write-child-shared") {
		uint32_t *b = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		int i;

		igt_assert(b != MAP_FAILED);
		for (i = 0; i < 16 * 1024; i++)
			b[i] = i;
		in_child({
			struct ctx cc;

			ctx_init(&cc);
			igt_assert_eq(gpu_fill(&cc, b, 0xc0c0c0c0, 16 * PAGE), 1);
			ctx_fini(&cc);
		});
		for (i = 0; i < 16 * 1024; i++)
			igt_assert_eq_u32(b[i], 0xc0c0c0c0);
		igt_assert_eq(gpu_fill(&c, b, 0xaaaaaaaa, PAGE), 1);
		igt_assert_eq_u32(b[0], 0xaaaaaaaa);
		munmap(b, 16 * PAGE);
	}

	igt_describe("hmm-tests anon_write_huge: the GPU writes a transparent huge page.");
	attr_subtest("hmm-anon-write-huge") {
		uint64_t sz = 4ull << 20;
		uint8_t *m = anon(sz), *b = (uint8_t *)(((uintptr_t)m + (2 << 20) - 1) &
						      ~((2ull << 20) - 1));
		uint32_t *w = (uint32_t *)b;
		uint8_t pages[512];
		int i;

		madvise(b, 2 << 20, MADV_HUGEPAGE);
		b[0] = 1;
		igt_assert_eq(gpu_fill(&c, b, 0x5a5a5a5a, 2 << 20), 1);
		for (i = 0; i < (2 << 20) / 4; i++)
			igt_assert_eq_u32(w[i], 0x5a5a5a5a);
		query(&c, b, 512, pages);
		for (i = 0; i < 512; i++)
			igt_assert_eq(pages[i], SYS_PRESENT | DRM_VSVM_SVM_PAGE_GPU_MAPPED);
		munmap(m, sz);
	}

	igt_describe("hmm-tests exclusive: in device atomic mode a GPU ATOMIC takes the page "
		     "exclusive (the snapshot says so), a CPU read takes it back, and GPU "
		     "atomic adds interleaved with a CPU thread's atomic increments give the "
		     "exact total while the page goes back and forth.");
	attr_subtest("atomic-exclusive") {
		uint64_t *w = anon(2 * PAGE), old = 0;
		struct incr in = { .word = w, .n = 400 };
		long long ex0, ex1;
		pthread_t thr;
		int i;

		require_device_atomics(&c, w, PAGE);
		w[0] = 0;
		w[512] = 5;	/* the next page: ATOMIC mode ANY */
		ex0 = vsvm_debugfs_get(c.fd, "vsvm_svm", "svm_exclusive_count");
		vsvm_emit_atomic(CS(&c), DRM_VSVM_ATOMIC_ADD | DRM_VSVM_CMD_64BIT, (uintptr_t)w,
				 1, 0, (uintptr_t)&w[1]);
		igt_assert_eq(run(&c), 1);
		/* The device holds it: the CPU has no entry, the GPU has. */
		igt_assert_eq(snap1(&c, w), SYS_PRESENT | DRM_VSVM_SVM_PAGE_GPU_MAPPED |
			      DRM_VSVM_SVM_PAGE_EXCLUSIVE);
		ex1 = vsvm_debugfs_get(c.fd, "vsvm_svm", "svm_exclusive_count");
		igt_assert_eq(ex1, ex0 + 1);
		/* The CPU's read faults it back; the GPU's entry went. */
		old = w[0];
		igt_assert_eq_u64(old, 1);
		igt_assert_eq(snap1(&c, w), SYS_PRESENT);
		/* Outside the range, ATOMIC takes nothing. */
		emit_adds(&c, &w[512], 1);
		igt_assert_eq(run(&c), 1);
		igt_assert(!(snap1(&c, &w[512]) & DRM_VSVM_SVM_PAGE_EXCLUSIVE));
		igt_assert_eq_u64(w[512], 6);

		/* GPU adds and CPU increments at once: none lost. */
		pthread_create(&thr, NULL, incr_fn, &in);
		for (i = 0; i < 20; i++) {
			emit_adds(&c, w, 50);
			igt_assert_eq(run(&c), 1);
		}
		pthread_join(thr, NULL);
		igt_assert_eq_u64(w[0], 1 + 20 * 50 + in.n);
		ex1 = vsvm_debugfs_get(c.fd, "vsvm_svm", "svm_exclusive_count");
		igt_info("pages taken exclusive: %lld\n", ex1 - ex0);
		igt_assert_lt(ex0 + 2, ex1);
		munmap(w, 2 * PAGE);
	}

	igt_describe("hmm-tests exclusive_mprotect: after mprotect(PROT_READ) of a page the "
		     "device held exclusive, a GPU ATOMIC faults READ_ONLY and changes nothing.");
	attr_subtest("atomic-exclusive-mprotect") {
		uint64_t *w = anon(PAGE);

		require_device_atomics(&c, w, PAGE);
		w[0] = 10;
		emit_adds(&c, w, 1);
		igt_assert_eq(run(&c), 1);
		igt_assert(snap1(&c, w) & DRM_VSVM_SVM_PAGE_EXCLUSIVE);
		igt_assert_eq(mprotect(w, PAGE, PROT_READ), 0);
		igt_assert(!(snap1(&c, w) & DRM_VSVM_SVM_PAGE_EXCLUSIVE));
		emit_adds(&c, w, 1);
		igt_assert_eq(run(&c), -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u64(w[0], 11);
		munmap(w, PAGE);
	}

	igt_describe("hmm-tests exclusive_cow: fork() of a process whose page the device "
		     "holds exclusive: the child reads the values, the parent's later CPU and "
		     "GPU atomics change only the parent's page.");
	attr_subtest("atomic-exclusive-cow") {
		uint64_t *w = anon(PAGE);

		require_device_atomics(&c, w, PAGE);
		w[0] = 100;
		w[1] = 7;
		emit_adds(&c, w, 1);
		igt_assert_eq(run(&c), 1);
		igt_assert(snap1(&c, w) & DRM_VSVM_SVM_PAGE_EXCLUSIVE);
		igt_fork(child, 1) {
			igt_assert_eq_u64(w[0], 101);
			igt_assert_eq_u64(w[1], 7);
			usleep(200000);
			/* The parent's changes after fork() are not the child's. */
			igt_assert_eq_u64(w[0], 101);
			igt_assert_eq_u64(w[1], 7);
		}
		w[1] = 8;
		emit_adds(&c, w, 3);
		igt_assert_eq(run(&c), 1);
		igt_waitchildren();
		igt_assert_eq_u64(w[0], 104);
		igt_assert_eq_u64(w[1], 8);
		munmap(w, PAGE);
	}

	igt_describe("Device atomic mode in a read-only range: the ATOMIC faults READ_ONLY, "
		     "and the page is not taken.");
	attr_subtest("atomic-read-only-range") {
		uint64_t *w = anon(PAGE);

		require_device_atomics(&c, w, PAGE);
		w[0] = 1;
		madv(&c, w, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		emit_adds(&c, w, 1);
		igt_assert_eq(run(&c), -DRM_VSVM_FAULT_READ_ONLY);
		igt_assert_eq_u64(w[0], 1);
		igt_assert(!(snap1(&c, w) & DRM_VSVM_SVM_PAGE_EXCLUSIVE));
		munmap(w, PAGE);
	}

	igt_describe("hmm-tests file_read: the GPU reads a file mapping written with "
		     "pwrite.");
	attr_subtest("hmm-file-read") {
		int mfd = memfd_create("vsvm-attr", 0);
		uint32_t buf[4096], *d = anon(4 * PAGE), *f;
		int i;

		igt_assert(mfd >= 0);
		for (i = 0; i < 4096; i++)
			buf[i] = i * 3;
		igt_assert_eq(pwrite(mfd, buf, sizeof(buf), 0), sizeof(buf));
		f = mmap(NULL, 4 * PAGE, PROT_READ, MAP_SHARED, mfd, 0);
		igt_assert(f != MAP_FAILED);
		igt_assert_eq(gpu_copy(&c, d, f, 4 * PAGE), 1);
		igt_assert(!memcmp(d, buf, sizeof(buf)));
		munmap(f, 4 * PAGE);
		munmap(d, 4 * PAGE);
		close(mfd);
	}

	igt_describe("hmm-tests file_write: the GPU writes a shared file mapping, pread sees "
		     "the data.");
	attr_subtest("hmm-file-write") {
		int mfd = memfd_create("vsvm-attr", 0);
		uint32_t buf[4096], *f;
		int i;

		igt_assert(mfd >= 0);
		igt_assert_eq(ftruncate(mfd, 4 * PAGE), 0);
		f = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		igt_assert(f != MAP_FAILED);
		igt_assert_eq(gpu_fill(&c, f, 0x0f0f0f0f, 4 * PAGE), 1);
		igt_assert_eq(pread(mfd, buf, sizeof(buf), 0), sizeof(buf));
		for (i = 0; i < 4096; i++)
			igt_assert_eq_u32(buf[i], 0x0f0f0f0f);
		munmap(f, 4 * PAGE);
		close(mfd);
	}

	igt_describe("I10: attributes alternated page by page stop at DRM_VSVM_MAX_SVM_RANGES "
		     "ranges with ENOSPC, changing nothing; a change that keeps the number of "
		     "ranges or merges them still works at the limit, and clearing them makes "
		     "room again.");
	attr_subtest("range-limit") {
		/* Attributes are the VM's: the pages need not be mapped. */
		uint64_t n = DRM_VSVM_MAX_SVM_RANGES, a = 1ull << 40, i;
		uint64_t over = a + 2 * n * PAGE;

		/* I10: one range per call, every other page read-only. */
		for (i = 0; i < n; i++)
			igt_assert_eq(__madvise(c.fd, c.vm, a + 2 * i * PAGE, PAGE,
						DRM_VSVM_SVM_ATTR_READ_ONLY, 1), 0);
		igt_assert_eq(__madvise(c.fd, c.vm, over, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1),
			      -ENOSPC);
		/* Nothing changed: still one default range there. */
		assert_range(&c, (void *)(uintptr_t)over, a + (2 * n - 1) * PAGE, VA_END, 0, 0, 0);
		/* Another attribute on one whole range: as many ranges, fine. */
		madv(&c, (void *)(uintptr_t)(a + 10 * PAGE), PAGE, DRM_VSVM_SVM_ATTR_ATOMIC,
		     DRM_VSVM_ATOMIC_MODE_SYSTEM);
		assert_range(&c, (void *)(uintptr_t)(a + 10 * PAGE), a + 10 * PAGE,
			     a + 11 * PAGE, 0, 1, 2);
		/* Over two ranges and two gaps: two more, refused, nothing changed. */
		igt_assert_eq(__madvise(c.fd, c.vm, a + 4 * PAGE, 4 * PAGE,
					DRM_VSVM_SVM_ATTR_ATOMIC, DRM_VSVM_ATOMIC_MODE_SYSTEM),
			      -ENOSPC);
		assert_range(&c, (void *)(uintptr_t)(a + 5 * PAGE), a + 5 * PAGE, a + 6 * PAGE,
			     0, 0, 0);
		/* Merging: the gap between ranges 0 and 1 joins them. */
		madv(&c, (void *)(uintptr_t)(a + PAGE), PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, (void *)(uintptr_t)a, a, a + 3 * PAGE, 0, 1, 0);
		/* That made room for exactly one more. */
		madv(&c, (void *)(uintptr_t)over, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, (void *)(uintptr_t)over, over, over + PAGE, 0, 1, 0);
		igt_assert_eq(__madvise(c.fd, c.vm, over + 2 * PAGE, PAGE,
					DRM_VSVM_SVM_ATTR_READ_ONLY, 1), -ENOSPC);
		/* Clearing them all: one default range, and room again. */
		madv(&c, (void *)(uintptr_t)a, over + PAGE - a, DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
		madv(&c, (void *)(uintptr_t)a, over + PAGE - a, DRM_VSVM_SVM_ATTR_ATOMIC, 0);
		assert_range(&c, (void *)(uintptr_t)a, 0, VA_END, 0, 0, 0);
		madv(&c, (void *)(uintptr_t)over, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
	}

	attr_subtest("many-ranges-free") {
		uint64_t n = DRM_VSVM_MAX_SVM_RANGES, a = 1ull << 40, i;
		struct ctx d;

		for (int round = 0; round < 2; round++) {
			ctx_init(&d);
			for (i = 0; i < n; i++)
				igt_assert_eq(__madvise(d.fd, d.vm, a + 2 * i * PAGE, PAGE,
							DRM_VSVM_SVM_ATTR_READ_ONLY, 1), 0);
			assert_range(&d, (void *)(uintptr_t)(a + 2 * (n - 1) * PAGE),
				     a + 2 * (n - 1) * PAGE, a + (2 * n - 1) * PAGE, 0, 1, 0);
			/* The second time, one store replaces every range. */
			if (round) {
				madv(&d, (void *)(uintptr_t)a, 2 * n * PAGE,
				     DRM_VSVM_SVM_ATTR_READ_ONLY, 0);
				assert_range(&d, (void *)(uintptr_t)a, 0, VA_END, 0, 0, 0);
			}
			ctx_fini(&d);
		}
		/* The device still answers (the tree went with the VM). */
		madv(&c, (void *)(uintptr_t)a, PAGE, DRM_VSVM_SVM_ATTR_READ_ONLY, 1);
		assert_range(&c, (void *)(uintptr_t)a, a, a + PAGE, 0, 1, 0);
	}

}
