// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm svm sysalloc
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: shared virtual memory as a system allocator
 * Description: The scenarios of the kernel's hmm-tests and of IGT's
 *	xe_exec_system_allocator that vsvm_svm, vsvm_svm_attr and
 *	vsvm_svm_vram do not already cover (docs/svm.rst maps each one to its
 *	subtest), with the GPU doing the accesses: malloc and free loops,
 *	mremap, partial munmap inside a migrated chunk, madvise, threads and
 *	processes, hugetlbfs and transparent huge pages, races between the CPU
 *	and migrations.  Every job is waited for with a bounded user-fence
 *	wait, every byte is checked, and VRAM use comes back to its start.
 *	Subtests that need device memory skip without it (Debian's kernel has
 *	no CONFIG_DEVICE_PRIVATE), saying so.
 *
 * SUBTEST: anon-read-multiple
 * Description: hmm-tests anon_read_multiple: ten fresh mappings in a row,
 *		each written by the CPU and read by the GPU.
 *
 * SUBTEST: anon-teardown
 * Description: hmm-tests anon_teardown: a thread munmaps half of a buffer
 *		while the GPU copies it: the job completes with the exact data or
 *		faults, nothing else.
 *
 * SUBTEST: anon-write-hugetlbfs
 * Description: hmm-tests anon_write_hugetlbfs: the GPU writes a hugetlbfs
 *		page (skipped when the kernel has no hugetlbfs or no huge page).
 *
 * SUBTEST: compound-thp
 * Description: hmm-tests compound, with a transparent huge page: the GPU reads
 *		it, the CPU writes it, the GPU reads the new data.
 *
 * SUBTEST: mixedmap
 * Description: hmm-tests mixedmap: the GPU reads a vsvm GEM object's CPU
 *		mapping (a PFN map) through SVM: the access faults cleanly.
 *
 * SUBTEST: mremap-dontunmap
 * Description: xe mmap-remap-dontunmap: mremap(MREMAP_DONTUNMAP) of memory
 *		the GPU mapped: the GPU reads the data at the new address and
 *		zeros at the old one.
 *
 * SUBTEST: malloc-free-loop
 * Description: xe free, new: 64 rounds of malloc, GPU fill, check, free;
 *		a new allocation at a freed address never shows the old data.
 *
 * SUBTEST: free-race
 * Description: xe free-race: a buffer is unmapped, and new memory mapped at
 *		its address, while a job that writes it waits to run: the job
 *		writes the new memory, never the freed pages (I1).
 *
 * SUBTEST: madv-dontneed
 * Description: MADV_DONTNEED of half of a buffer the GPU mapped: the GPU then
 *		reads zeros there and the data elsewhere; new CPU data is seen.
 *
 * SUBTEST: madv-free-gpu-write
 * Description: I1: MADV_FREE of a buffer, then a GPU write into it, then
 *		MADV_PAGEOUT: the GPU's data stays, as a CPU write after
 *		MADV_FREE keeps it (a page the GPU may write is dirty).
 *
 * SUBTEST: threads-same-vm
 * Description: xe threads-shared-vm: four threads fault the same buffer on
 *		one SVM VM at once, each writing its own pages.
 *
 * SUBTEST: process-gpu-in-flight
 * Description: xe process-many: a process forks while its GPU job writes its
 *		memory; the child's CPU copy is the parent's memory at fork time
 *		or after, never torn, and the parent sees all the GPU's data.
 *
 * SUBTEST: migrate-file-private
 * Description: hmm-tests migrate_file_private: of a private file mapping the
 *		CPU wrote every page of, every page (a private anonymous copy)
 *		moves to VRAM; the data is right on both sides.
 *
 * SUBTEST: migrate-file-private-mixed
 * Description: A private file mapping, every other page written by the CPU:
 *		the written pages (private anonymous copies) move to VRAM, the
 *		file's pages stay; the data is right on both sides.
 *
 * SUBTEST: migrate-fault
 * Description: hmm-tests migrate_fault: pages in VRAM, half faulted back by
 *		the CPU, then the mix prefetched to VRAM again.
 *
 * SUBTEST: migrate-shared-anon
 * Description: hmm-tests migrate_shared: shared anonymous memory cannot move
 *		to VRAM; the prefetch leaves it, and the GPU still reads it.
 *
 * SUBTEST: migrate-mixed
 * Description: hmm-tests migrate_mixed on one device: a prefetch of a range
 *		with PROT_NONE, a hole, the zero page, read-only and read-write pages;
 *		memory the process cannot reach gets no VRAM page (I10).
 *
 * SUBTEST: migrate-multiple
 * Description: hmm-tests migrate_multiple: ten rounds of prefetch to VRAM, GPU
 *		write, CPU read back.
 *
 * SUBTEST: mremap-vram
 * Description: xe mmap-remap: mremap of a range whose pages are in VRAM: the
 *		GPU and the CPU read the data at the new address.
 *
 * SUBTEST: partial-munmap-vram
 * Description: xe partial-middle-munmap: munmap of the middle of a migrated
 *		2 MiB chunk, with and without a CPU access in between.
 *
 * SUBTEST: madv-dontneed-vram
 * Description: MADV_DONTNEED of pages in VRAM gives them back; the GPU then
 *		reads zeros there.
 *
 * SUBTEST: cpu-fault-threads
 * Description: xe fault-threads-same-page: eight threads read the same VRAM
 *		pages at once, each page moving back once.
 *
 * SUBTEST: fork-vram-gpu-write
 * Description: hmm-tests hmm_cow_in_device: fork with pages in VRAM; the
 *		child writes its copy, the parent's GPU writes the parent's: each
 *		side sees its own data.
 *
 * SUBTEST: exit-with-vram-job
 * Description: A process exits while its job copies between pages in VRAM:
 *		the pages all come back and nothing leaks.
 */

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define JOB_DONE 0x600df00dcafe0003ull
/* Its jobs wait up to 30 s for their user fence (the default is 20 s). */
#define JOB_WAIT_MS 30000
#include "vsvm_svm_igt.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

static void gpu_fill(struct ctx *c, void *dst, uint8_t v, uint64_t size)
{
	vsvm_emit_fill(CS(c), (uintptr_t)dst, v * 0x01010101u, size);
	igt_assert_eq(run(c), 1);
}

/*
 * One letter per page of [@p, +@n pages) into @map: V in VRAM, - not
 * present, else from /proc/kpageflags: A anonymous, F file, lower case when
 * not on an LRU list, H when part of a compound page.
 */
static void page_flags(const void *p, unsigned int n, char *map)
{
	int pm = open("/proc/self/pagemap", O_RDONLY), kf = open("/proc/kpageflags", O_RDONLY);
	uint64_t e, f;
	unsigned int i;

	igt_assert_fd(pm);
	for (i = 0; i < n; i++) {
		char ch = '-';

		igt_assert_eq(pread(pm, &e, 8, ((uintptr_t)p / PAGE + i) * 8), 8);
		if (!(e >> 63 & 1) && (e >> 62 & 1)) {
			ch = 'V';
		} else if (e >> 63 & 1) {
			ch = e >> 61 & 1 ? 'F' : 'A';
			if (kf >= 0 && pread(kf, &f, 8, (e & ((1ull << 55) - 1)) * 8) == 8) {
				ch = f >> 12 & 1 ? 'A' : 'F';
				if (!(f >> 5 & 1))
					ch += 'a' - 'A';
				if (f >> 15 & 3)
					ch = 'H';
			}
		}
		map[i] = ch;
	}
	map[n] = 0;
	close(pm);
	if (kf >= 0)
		close(kf);
}

/* Pins the caller to CPU 0, so that its per-CPU page lists are the ones drained. */
static void pin_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	igt_assert_eq(sched_setaffinity(0, sizeof(set), &set), 0);
}

struct unmapper {
	uint8_t *p;
	uint64_t size;
	unsigned int delay_us;
};

static void *unmap_half_fn(void *arg)
{
	struct unmapper *u = arg;

	usleep(u->delay_us);
	munmap(u->p + u->size / 2, u->size / 2);
	return NULL;
}

struct worker {
	struct ctx *c;
	pthread_mutex_t *lock;
	uint8_t *buf;
	unsigned int idx, nthreads;
	int status;
};

/* Each thread fills its own pages of the shared buffer, page by page. */
static void *worker_fn(void *arg)
{
	struct worker *w = arg;
	struct ctx c = { .fd = w->c->fd, .vm = w->c->vm };
	uint64_t i, mark;

	c.cmd = anon(CMD_WORDS * 4);
	c.uf = anon(PAGE);
	for (i = w->idx; i < 2 * MB / PAGE; i += w->nthreads)
		vsvm_emit_fill(CS(&c), (uintptr_t)w->buf + i * PAGE,
			       (0x10 + w->idx) * 0x01010101u, PAGE);
	pthread_mutex_lock(w->lock);
	mark = vsvm_newest_fault(c.fd, NULL);
	submit(&c);
	pthread_mutex_unlock(w->lock);
	w->status = vsvm_ufence_wait_ms(c.fd, c.uf, JOB_DONE, 30000) ?:
		    (vsvm_newest_fault(c.fd, NULL) > mark ? -EFAULT : 1);
	munmap(c.cmd, CMD_WORDS * 4);
	munmap((void *)c.uf, PAGE);
	return NULL;
}

struct cpu_reader {
	pthread_barrier_t *go;
	const uint8_t *p;
	uint64_t size;
	int bad;
};

static void *cpu_reader_fn(void *arg)
{
	struct cpu_reader *r = arg;
	uint64_t i;

	pthread_barrier_wait(r->go);
	for (i = 0; i < r->size; i++)
		if (r->p[i] != pat(i, 41))
			r->bad++;
	return NULL;
}

igt_main
{
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("hmm-tests anon_read_multiple: ten fresh mappings written by the CPU, "
		     "read by the GPU.");
	igt_subtest("anon-read-multiple") {
		uint8_t *p, *out = anon(MB);
		struct ctx c;
		int i;

		ctx_init(&c);
		for (i = 0; i < 10; i++) {
			p = anon(MB);
			fill_pat(p, 0, MB, 30 + i);
			gpu_copy(&c, out, p, MB);
			assert_pat(out, 0, MB, 30 + i);
			munmap(p, MB);
		}
		ctx_fini(&c);
		munmap(out, MB);
	}

	igt_describe("hmm-tests anon_teardown: munmap of half a buffer while the GPU copies it.");
	igt_subtest("anon-teardown") {
		uint8_t *out = anon(2 * MB);
		struct unmapper u;
		pthread_t t;
		struct ctx c;
		int i, st, ok = 0;

		ctx_init(&c);
		for (i = 0; i < 10; i++) {
			u = (struct unmapper){ .p = anon(2 * MB), .size = 2 * MB,
					       .delay_us = (i * 3779) % 32000 };
			fill_pat(u.p, 0, 2 * MB, 40);
			memset(out, 0, 2 * MB);
			igt_assert_eq(pthread_create(&t, NULL, unmap_half_fn, &u), 0);
			vsvm_emit_copy(CS(&c), (uintptr_t)out, (uintptr_t)u.p, 2 * MB);
			st = run(&c);
			pthread_join(t, NULL);
			igt_assert(st == 1 || st == -EFAULT);
			if (st == 1) {
				assert_pat(out, 0, 2 * MB, 40);
				ok++;
			} else {
				uint64_t o;

				/* Each page copied exactly, or not written at all. */
				for (o = 0; o < 2 * MB; o += PAGE)
					if (out[o] || out[o + PAGE - 1])
						assert_pat(out + o, o, PAGE, 40);
					else
						assert_bytes(out + o, PAGE, 0);
			}
			munmap(u.p, MB);
		}
		igt_info("copies completed before the unmap: %d of 10\n", ok);
		ctx_fini(&c);
		munmap(out, 2 * MB);
	}

	igt_describe("hmm-tests anon_write_hugetlbfs: the GPU writes a hugetlbfs page.");
	igt_subtest("anon-write-hugetlbfs") {
		uint8_t *h, *out;
		struct ctx c;

		h = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB, -1, 0);
		igt_require_f(h != MAP_FAILED,
			      "no 2 MiB hugetlbfs page (kernel without HUGETLBFS, or "
			      "vm.nr_hugepages is 0): %m\n");
		out = anon(2 * MB);
		ctx_init(&c);
		fill_pat(h, 0, 2 * MB, 42);
		vsvm_emit_fill(CS(&c), (uintptr_t)h + MB, 0x6b6b6b6b, PAGE);
		igt_assert_eq(run(&c), 1);
		gpu_copy(&c, out, h, 2 * MB);
		assert_pat(h, 0, MB, 42);
		assert_bytes(h + MB, PAGE, 0x6b);
		assert_pat(h + MB + PAGE, MB + PAGE, MB - PAGE, 42);
		assert_same(out, h, 2 * MB);
		ctx_fini(&c);
		munmap(h, 2 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("hmm-tests compound with a transparent huge page.");
	igt_subtest("compound-thp") {
		uint8_t *raw = anon(4 * MB), *p, *out = anon(2 * MB);
		struct ctx c;

		p = (uint8_t *)(((uintptr_t)raw + 2 * MB - 1) & ~(2 * MB - 1));
		madvise(p, 2 * MB, MADV_HUGEPAGE);
		fill_pat(p, 0, 2 * MB, 43);
		ctx_init(&c);
		gpu_copy(&c, out, p, 2 * MB);
		assert_pat(out, 0, 2 * MB, 43);
		/* The CPU writes one page of the huge page: the GPU sees it. */
		fill_pat(p + 300 * PAGE, 0, PAGE, 44);
		gpu_copy(&c, out, p, 2 * MB);
		assert_pat(out, 0, 300 * PAGE, 43);
		assert_pat(out + 300 * PAGE, 0, PAGE, 44);
		assert_pat(out + 301 * PAGE, 301 * PAGE, 2 * MB - 301 * PAGE, 43);
		ctx_fini(&c);
		munmap(raw, 4 * MB);
		munmap(out, 2 * MB);
	}

	igt_describe("hmm-tests mixedmap: the GPU reads a GEM object's CPU mapping through SVM.");
	igt_subtest("mixedmap") {
		uint32_t bo;
		uint8_t *m, *out = anon(PAGE);
		struct ctx c;

		ctx_init(&c);
		bo = vsvm_gem_create(c.fd, PAGE);
		m = vsvm_gem_mmap(c.fd, bo, PAGE);
		memset(m, 0x3c, PAGE);
		memset(out, 0, PAGE);
		vsvm_emit_copy(CS(&c), (uintptr_t)out, (uintptr_t)m, PAGE);
		/* A PFN map has no pages for hmm_range_fault(): a clean fault. */
		igt_assert_eq(run(&c), -EFAULT);
		assert_bytes(out, PAGE, 0);
		/* The device still works. */
		fill_pat(out, 0, PAGE, 45);
		gpu_fill(&c, out, 0x11, PAGE);
		assert_bytes(out, PAGE, 0x11);
		munmap(m, PAGE);
		vsvm_gem_close(c.fd, bo);
		ctx_fini(&c);
		munmap(out, PAGE);
	}

	igt_describe("xe mmap-remap-dontunmap: mremap(MREMAP_DONTUNMAP) of GPU-mapped memory.");
	igt_subtest("mremap-dontunmap") {
		uint8_t *p = anon(MB), *q, *out = anon(MB);
		struct ctx c;

		ctx_init(&c);
		fill_pat(p, 0, MB, 46);
		gpu_copy(&c, out, p, MB);
		q = mremap(p, MB, MB, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, NULL);
		igt_require_f(q != MAP_FAILED, "no MREMAP_DONTUNMAP: %m\n");
		gpu_copy(&c, out, q, MB);
		assert_pat(out, 0, MB, 46);
		/* The old range is still mapped, and empty now. */
		gpu_copy(&c, out, p, MB);
		assert_bytes(out, MB, 0);
		assert_bytes(p, MB, 0);
		assert_pat(q, 0, MB, 46);
		ctx_fini(&c);
		munmap(p, MB);
		munmap(q, MB);
		munmap(out, MB);
	}

	igt_describe("xe free and new: malloc, GPU fill, check, free, 64 times.");
	igt_subtest("malloc-free-loop") {
		struct ctx c;
		uint8_t *p;
		int i;

		ctx_init(&c);
		for (i = 0; i < 64; i++) {
			uint64_t size = (i % 4 + 1) * 16 * PAGE + (i & 1) * 100;

			p = malloc(size);
			igt_assert(p);
			/* Whatever was here before, the CPU's data now. */
			fill_pat(p, 0, size, 47 + i);
			gpu_copy(&c, p + size / 2, p, size / 2);
			assert_pat(p, 0, size / 2, 47 + i);
			assert_pat(p + size / 2, 0, size / 2, 47 + i);
			gpu_fill(&c, p, (uint8_t)(i + 1), size & ~3ull);
			assert_bytes(p, size & ~3ull, (uint8_t)(i + 1));
			free(p);
		}
		ctx_fini(&c);
	}

	igt_describe("I1: xe free-race: a buffer is replaced while a job that writes it waits.");
	igt_subtest("free-race") {
		volatile uint32_t *sem = anon(PAGE);
		uint8_t *p, *q;
		struct ctx c;
		uint64_t mark;
		int i, st;

		ctx_init(&c);
		for (i = 0; i < 8; i++) {
			p = anon(MB);
			fill_pat(p, 0, MB, 50);
			gpu_fill(&c, p, 0x01, MB);	/* the GPU maps it */
			*sem = 0;
			vsvm_emit_spin(CS(&c), (uintptr_t)sem, 1);
			vsvm_emit_fill(CS(&c), (uintptr_t)p, 0x77777777, MB);
			mark = vsvm_newest_fault(c.fd, NULL);
			submit(&c);
			usleep(20000);
			/* Free, and new memory at the same address (I1). */
			munmap(p, MB);
			q = mmap(p, MB, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
			igt_assert(q == p);
			fill_pat(q, 0, MB, 51);
			*sem = 1;
			st = job_end(&c, mark);
			igt_assert_eq(st, 1);
			/* The write landed in the new memory, as a fresh fault. */
			assert_bytes(q, MB, 0x77);
			munmap(q, MB);
		}
		ctx_fini(&c);
		munmap((void *)sem, PAGE);
	}

	igt_describe("MADV_DONTNEED of half of a GPU-mapped buffer.");
	igt_subtest("madv-dontneed") {
		uint8_t *p = anon(MB), *out = anon(MB);
		struct ctx c;

		ctx_init(&c);
		fill_pat(p, 0, MB, 52);
		gpu_copy(&c, out, p, MB);
		igt_assert_eq(madvise(p + MB / 2, MB / 2, MADV_DONTNEED), 0);
		gpu_copy(&c, out, p, MB);
		assert_pat(out, 0, MB / 2, 52);
		assert_bytes(out + MB / 2, MB / 2, 0);
		fill_pat(p + MB / 2, 0, MB / 2, 53);
		gpu_copy(&c, out, p, MB);
		assert_pat(out + MB / 2, 0, MB / 2, 53);
		ctx_fini(&c);
		munmap(p, MB);
		munmap(out, MB);
	}

	igt_describe("I1: MADV_FREE, a GPU write, MADV_PAGEOUT: the GPU's data stays.");
	igt_subtest("madv-free-gpu-write") {
		uint8_t *p = anon(64 * PAGE), *out = anon(64 * PAGE);
		struct ctx c;

		pin_cpu0();
		ctx_init(&c);
		fill_pat(p, 0, 64 * PAGE, 54);
		gpu_copy(&c, out, p, 64 * PAGE);	/* mapped for writing */
		igt_assert_eq(madvise(p, 64 * PAGE, MADV_FREE), 0);
		/* A write after MADV_FREE cancels it, the GPU's as the CPU's. */
		gpu_fill(&c, p, 0x5e, 64 * PAGE);
		igt_require_f(madvise(p, 64 * PAGE, MADV_PAGEOUT) == 0, "no MADV_PAGEOUT: %m\n");
		assert_bytes(p, 64 * PAGE, 0x5e);
		ctx_fini(&c);
		munmap(p, 64 * PAGE);
		munmap(out, 64 * PAGE);
	}

	igt_describe("xe threads-shared-vm: four threads fault one buffer on one VM.");
	igt_subtest("threads-same-vm") {
		pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
		uint8_t *buf = anon_aligned(2 * MB);
		struct worker w[4];
		pthread_t t[4];
		struct ctx c;
		uint64_t i;
		int k;

		ctx_init(&c);
		for (k = 0; k < 4; k++) {
			w[k] = (struct worker){ .c = &c, .lock = &lock, .buf = buf,
						.idx = k, .nthreads = 4 };
			igt_assert_eq(pthread_create(&t[k], NULL, worker_fn, &w[k]), 0);
		}
		for (k = 0; k < 4; k++) {
			pthread_join(t[k], NULL);
			igt_assert_eq(w[k].status, 1);
		}
		for (i = 0; i < 2 * MB / PAGE; i++)
			assert_bytes(buf + i * PAGE, PAGE, 0x10 + i % 4);
		ctx_fini(&c);
		munmap(buf, 2 * MB);
	}

	igt_describe("xe process-many: fork while a GPU job writes the parent's memory.");
	igt_subtest("process-gpu-in-flight") {
		volatile uint32_t *done = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		uint8_t *p = anon(4 * MB), *snap = anon(4 * MB);
		struct ctx c;
		uint64_t mark, i;
		int r, k;

		igt_assert(done != MAP_FAILED);
		ctx_init(&c);
		for (r = 0; r < 4; r++) {
			memset(p, 0, 4 * MB);
			*done = 0;
			vsvm_emit_fill(CS(&c), (uintptr_t)p, 0xa5a5a5a5, 4 * MB);
			mark = vsvm_newest_fault(c.fd, NULL);
			submit(&c);
			usleep(r * 3000);
			igt_fork(child, 1) {
				memcpy(snap, p, 4 * MB);
				for (i = 0; i < 4 * MB; i++)
					igt_assert(snap[i] == 0 || snap[i] == 0xa5);
				for (k = 0; k < 1000 && !*done; k++)
					usleep(10000);
				igt_assert(*done);
				/*
				 * The GPU's writes after the fork went to the
				 * parent's copies, never into the child's memory.
				 */
				assert_same(p, snap, 4 * MB);
			}
			igt_assert_eq(job_end(&c, mark), 1);
			*done = 1;
			igt_waitchildren();
			assert_bytes(p, 4 * MB, 0xa5);
		}
		ctx_fini(&c);
		munmap(p, 4 * MB);
		munmap(snap, 4 * MB);
		munmap((void *)done, PAGE);
	}

	igt_describe("hmm-tests migrate_file_private: every CPU-written page moves.");
	igt_subtest("migrate-file-private") {
		int mfd = memfd_create("vsvm-sysalloc-private", 0);
		uint8_t *s, *out = anon(2 * MB);
		uint64_t used, moved;
		struct ctx c;

		require_vram(fd);
		igt_assert_fd(mfd);
		igt_assert_eq(ftruncate(mfd, 2 * MB), 0);
		s = mmap(NULL, 2 * MB, PROT_READ | PROT_WRITE, MAP_PRIVATE, mfd, 0);
		igt_assert(s != MAP_FAILED);
		/* Every page a private anonymous copy. */
		fill_pat(s, 0, 2 * MB, 55);
		ctx_init(&c);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, s, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		moved = pages_swapped_out(s, 2 * MB);
		igt_info("private copies moved to VRAM: %" PRIu64 " of 512\n", moved);
		igt_assert_eq_u64(moved, 512);
		igt_assert_eq_u64(vram(fd).used - used, 2 * MB);
		gpu_copy(&c, out, s, 2 * MB);
		assert_pat(out, 0, 2 * MB, 55);
		assert_pat(s, 0, 2 * MB, 55);
		ctx_fini(&c);
		munmap(s, 2 * MB);
		munmap(out, 2 * MB);
		close(mfd);
		assert_used_back(fd, used);
	}

	igt_describe("A private file mapping, every other page written: the CPU's copies move.");
	igt_subtest("migrate-file-private-mixed") {
		uint8_t *s, *out = anon(2 * MB);
		struct drm_vsvm_query_vram v0, v1;
		uint64_t used, moved;
		char map[65] = { 0 };
		struct ctx c;
		int mfd;

		require_vram(fd);
		s = private_file_mixed("vsvm-sysalloc-mixed", &mfd);
		igt_info("mapping at %p (%s2 MiB, %s64 KiB aligned)\n", s,
			 (uintptr_t)s % (2 * MB) ? "not " : "",
			 (uintptr_t)s % (64 * 1024) ? "not " : "");
		page_flags(s, 64, map);
		igt_info("before: %s\n", map);
		ctx_init(&c);
		v0 = vram(fd);
		used = v0.used;
		igt_assert_eq(prefetch(&c, s, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		v1 = vram(fd);
		igt_info("prefetch: %" PRIu64 " pages to VRAM, %" PRIu64 " back, %" PRIu64
			 " CPU faults\n", (uint64_t)(v1.migrated_to_vram - v0.migrated_to_vram),
			 (uint64_t)(v1.migrated_to_ram - v0.migrated_to_ram),
			 (uint64_t)(v1.cpu_faults - v0.cpu_faults));
		moved = pages_swapped_out(s, 2 * MB);
		page_flags(s, 64, map);
		igt_info("after:  %s\n", map);
		igt_info("private copies moved to VRAM: %" PRIu64 " of 256\n", moved);
		igt_assert_eq_u64(vram(fd).used - used, moved * PAGE);
		assert_private_file_mixed(&c, out, s);
		ctx_fini(&c);
		munmap(s, 2 * MB);
		munmap(out, 2 * MB);
		close(mfd);
		assert_used_back(fd, used);
	}

	igt_describe("hmm-tests migrate_fault: a mix of VRAM and system pages moves again.");
	igt_subtest("migrate-fault") {
		uint8_t *p = anon_aligned(2 * MB), *out = anon(2 * MB);
		uint64_t used, i;
		struct ctx c;

		require_vram(fd);
		ctx_init(&c);
		fill_pat(p, 0, 2 * MB, 56);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 512);
		/* The CPU faults every other page back. */
		for (i = 0; i < 2 * MB; i += 2 * PAGE)
			igt_assert_eq(p[i], pat(i, 56));
		igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 256);
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 512);
		igt_assert_eq_u64(vram(fd).used - used, 2 * MB);
		gpu_copy(&c, out, p, 2 * MB);
		assert_pat(out, 0, 2 * MB, 56);
		assert_pat(p, 0, 2 * MB, 56);
		ctx_fini(&c);
		munmap(p, 2 * MB);
		munmap(out, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("hmm-tests migrate_shared: shared anonymous memory stays in system memory.");
	igt_subtest("migrate-shared-anon") {
		uint8_t *s = mmap(NULL, MB, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
				  -1, 0), *out = anon(MB);
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		igt_assert(s != MAP_FAILED);
		ctx_init(&c);
		fill_pat(s, 0, MB, 57);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, s, MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq_u64(vram(fd).used, used);
		igt_assert_eq_u64(pages_swapped_out(s, MB), 0);
		gpu_copy(&c, out, s, MB);
		assert_pat(out, 0, MB, 57);
		ctx_fini(&c);
		munmap(s, MB);
		munmap(out, MB);
	}

	igt_describe("I10: hmm-tests migrate_mixed on one device; PROT_NONE gets no VRAM.");
	igt_subtest("migrate-mixed") {
		uint8_t *p = mmap(NULL, 6 * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		uint8_t *out = anon(4 * PAGE);
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		igt_assert(p != MAP_FAILED);
		ctx_init(&c);
		used = vram(fd).used;
		/* PROT_NONE: the prefetch faults, nothing moves. */
		igt_assert_eq(prefetch(&c, p, 6 * PAGE, DRM_VSVM_SVM_PREFETCH_VRAM), -EFAULT);
		igt_assert_eq_u64(vram(fd).used, used);
		/* A hole after the first page: a prefetch over it faults. */
		igt_assert_eq(munmap(p + PAGE, PAGE), 0);
		igt_assert_eq(prefetch(&c, p, 3 * PAGE, DRM_VSVM_SVM_PREFETCH_VRAM), -EFAULT);
		/* Page 2 the zero page, read-only; 3 written, read-only; 4-5 written. */
		igt_assert_eq(mprotect(p + 2 * PAGE, PAGE, PROT_READ), 0);
		igt_assert_eq(p[2 * PAGE], 0);
		igt_assert_eq(mprotect(p + 3 * PAGE, 3 * PAGE, PROT_READ | PROT_WRITE), 0);
		memset(p + 3 * PAGE, 0x33, 3 * PAGE);
		igt_assert_eq(mprotect(p + 3 * PAGE, PAGE, PROT_READ), 0);
		igt_assert_eq(prefetch(&c, p + 2 * PAGE, 4 * PAGE, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		/* Anonymous private pages may all move; none is lost. */
		igt_info("pages 2-5 in VRAM: %" PRIu64 "\n", pages_swapped_out(p + 2 * PAGE, 4 * PAGE));
		gpu_copy(&c, out, p + 2 * PAGE, 4 * PAGE);
		assert_bytes(out, PAGE, 0);
		assert_bytes(out + PAGE, 3 * PAGE, 0x33);
		assert_bytes(p + 2 * PAGE, PAGE, 0);
		assert_bytes(p + 3 * PAGE, 3 * PAGE, 0x33);
		ctx_fini(&c);
		munmap(p, 6 * PAGE);
		munmap(out, 4 * PAGE);
		assert_used_back(fd, used);
	}

	igt_describe("hmm-tests migrate_multiple: ten rounds to VRAM and back.");
	igt_subtest("migrate-multiple") {
		uint8_t *p = anon_aligned(2 * MB);
		uint64_t used;
		struct ctx c;
		int i;

		require_vram(fd);
		ctx_init(&c);
		used = vram(fd).used;
		for (i = 0; i < 10; i++) {
			fill_pat(p, 0, 2 * MB, 60 + i);
			igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 512);
			gpu_fill(&c, p + MB, (uint8_t)(0x20 + i), MB);
			assert_pat(p, 0, MB, 60 + i);
			assert_bytes(p + MB, MB, (uint8_t)(0x20 + i));
			igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 0);
		}
		ctx_fini(&c);
		munmap(p, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("xe mmap-remap: mremap of a range whose pages are in VRAM.");
	igt_subtest("mremap-vram") {
		uint8_t *p = anon_aligned(2 * MB), *q, *out = anon(2 * MB);
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		ctx_init(&c);
		fill_pat(p, 0, 2 * MB, 61);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		q = anon_aligned(2 * MB);	/* where it moves to */
		igt_assert(mremap(p, 2 * MB, 2 * MB, MREMAP_MAYMOVE | MREMAP_FIXED, q) == q);
		/* The device entries move with the page tables: still in VRAM. */
		igt_info("pages still in VRAM after mremap: %" PRIu64 "\n",
			 pages_swapped_out(q, 2 * MB));
		gpu_copy(&c, out, q, 2 * MB);
		assert_pat(out, 0, 2 * MB, 61);
		/* The old address is gone for the GPU. */
		vsvm_emit_copy(CS(&c), (uintptr_t)out, (uintptr_t)p, PAGE);
		igt_assert_eq(run(&c), -EFAULT);
		assert_pat(q, 0, 2 * MB, 61);
		ctx_fini(&c);
		munmap(q, 2 * MB);
		munmap(out, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("xe partial-middle-munmap: munmap of the middle of a migrated 2 MiB chunk.");
	igt_subtest("partial-munmap-vram") {
		uint8_t *out = anon(2 * MB);
		uint64_t used;
		struct ctx c;
		int cpu;

		require_vram(fd);
		ctx_init(&c);
		used = vram(fd).used;
		for (cpu = 0; cpu < 2; cpu++) {
			uint8_t *p = anon_aligned(2 * MB);

			fill_pat(p, 0, 2 * MB, 62);
			igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
			if (cpu)	/* a CPU access in between */
				igt_assert_eq(p[MB / 2 - PAGE], pat(MB / 2 - PAGE, 62));
			igt_assert_eq(munmap(p + MB / 2, MB), 0);
			assert_used_back(fd, used + MB - cpu * PAGE);
			memset(out, 0, 2 * MB);
			gpu_copy(&c, out, p, MB / 2);
			gpu_copy(&c, out + MB + MB / 2, p + MB + MB / 2, MB / 2);
			assert_pat(out, 0, MB / 2, 62);
			assert_pat(out + MB + MB / 2, MB + MB / 2, MB / 2, 62);
			vsvm_emit_copy(CS(&c), (uintptr_t)out, (uintptr_t)p + MB, PAGE);
			igt_assert_eq(run(&c), -EFAULT);
			/* The hole mapped again is fresh memory. */
			igt_assert(mmap(p + MB / 2, MB, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == p + MB / 2);
			gpu_copy(&c, out, p, 2 * MB);
			assert_pat(out, 0, MB / 2, 62);
			assert_bytes(out + MB / 2, MB, 0);
			assert_pat(out + MB + MB / 2, MB + MB / 2, MB / 2, 62);
			munmap(p, 2 * MB);
			assert_used_back(fd, used);
		}
		ctx_fini(&c);
		munmap(out, 2 * MB);
	}

	igt_describe("MADV_DONTNEED of pages in VRAM gives them back.");
	igt_subtest("madv-dontneed-vram") {
		uint8_t *p = anon_aligned(2 * MB), *out = anon(2 * MB);
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		ctx_init(&c);
		fill_pat(p, 0, 2 * MB, 63);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_assert_eq(madvise(p, MB, MADV_DONTNEED), 0);
		assert_used_back(fd, used + MB);
		gpu_copy(&c, out, p, 2 * MB);
		assert_bytes(out, MB, 0);
		assert_pat(out + MB, MB, MB, 63);
		assert_bytes(p, MB, 0);
		assert_pat(p + MB, MB, MB, 63);
		ctx_fini(&c);
		munmap(p, 2 * MB);
		munmap(out, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("xe fault-threads-same-page: eight threads read the same VRAM pages.");
	igt_subtest("cpu-fault-threads") {
		uint8_t *p = anon_aligned(2 * MB);
		struct cpu_reader r[8];
		pthread_barrier_t go;
		pthread_t t[8];
		uint64_t used;
		struct ctx c;
		int k;

		require_vram(fd);
		ctx_init(&c);
		fill_pat(p, 0, 2 * MB, 41);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		pthread_barrier_init(&go, NULL, 8);
		for (k = 0; k < 8; k++) {
			r[k] = (struct cpu_reader){ .go = &go, .p = p, .size = 2 * MB };
			igt_assert_eq(pthread_create(&t[k], NULL, cpu_reader_fn, &r[k]), 0);
		}
		for (k = 0; k < 8; k++) {
			pthread_join(t[k], NULL);
			igt_assert_eq(r[k].bad, 0);
		}
		igt_assert_eq_u64(pages_swapped_out(p, 2 * MB), 0);
		assert_used_back(fd, used);
		ctx_fini(&c);
		munmap(p, 2 * MB);
	}

	igt_describe("hmm-tests hmm_cow_in_device: fork with pages in VRAM, both sides write.");
	igt_subtest("fork-vram-gpu-write") {
		uint8_t *p = anon_aligned(2 * MB);
		uint64_t used;
		struct ctx c;

		require_vram(fd);
		ctx_init(&c);
		fill_pat(p, 0, 2 * MB, 64);
		used = vram(fd).used;
		igt_assert_eq(prefetch(&c, p, 2 * MB, DRM_VSVM_SVM_PREFETCH_VRAM), 1);
		igt_fork(child, 1) {
			assert_pat(p, 0, 2 * MB, 64);
			memset(p, 0xc1, MB);
			assert_bytes(p, MB, 0xc1);
			assert_pat(p + MB, MB, MB, 64);
		}
		/* The parent's GPU writes while the child writes its copy. */
		gpu_fill(&c, p + MB, 0xd2, MB);
		igt_waitchildren();
		assert_pat(p, 0, MB, 64);
		assert_bytes(p + MB, MB, 0xd2);
		ctx_fini(&c);
		munmap(p, 2 * MB);
		assert_used_back(fd, used);
	}

	igt_describe("A process exits while its job copies between pages in VRAM.");
	igt_subtest("exit-with-vram-job") {
		uint64_t used;
		int i;

		require_vram(fd);
		used = vram(fd).used;
		for (i = 0; i < 4; i++) {
			pid_t pid = fork();

			igt_assert(pid >= 0);
			if (!pid) {
				uint8_t *a = anon_aligned(4 * MB);
				struct ctx c;

				ctx_init(&c);
				fill_pat(a, 0, 4 * MB, 65);
				if (prefetch(&c, a, 4 * MB, DRM_VSVM_SVM_PREFETCH_VRAM) != 1)
					_exit(1);
				vsvm_emit_copy(CS(&c), (uintptr_t)a + 2 * MB, (uintptr_t)a, 2 * MB);
				submit(&c);
				usleep(i * 5000);
				_exit(0);	/* with the job in flight, the file open */
			}
			igt_assert_eq(vsvm_wait_child_ms(pid, 30000), 0);
			assert_used_back(fd, used);
		}
	}

	igt_fixture
		close(fd);
}
