// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm fuzz
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: ioctl fuzzing
 * Description: A structured, bounded fuzzer of every vsvm ioctl: random and
 *		boundary values in every field, ioctl sizes, flags, user
 *		pointers (NULL, kernel, unmapped, read-only, wrapping,
 *		non-canonical), extension chains (unknown, looping, too long),
 *		op and sync arrays (huge counts), ids and handles of other files
 *		and of the other device, as root and as an unprivileged user.
 *		Every failure must carry an errno the uapi header documents for
 *		that ioctl; afterwards the device still runs a job and its
 *		object counts are back where they started.
 *
 * Environment (printed at the start, so that a run can be repeated):
 *
 * - VSVM_FUZZ_SEED: the seed (default: from the clock);
 * - VSVM_FUZZ_ITERS: ioctls per subtest (default 30000);
 * - VSVM_FUZZ_SECONDS: stop a subtest's loop after this long, 0 for no
 *   limit (default 25).  A loop cut short prints how many ioctls it made;
 *   that count and the seed repeat it.
 *
 * SUBTEST: documented-errnos
 * Description: Each ioctl's documented extension-chain errnos, on otherwise valid
 *		calls, and -EINVAL for an unknown ioctl number.
 *
 * SUBTEST: root
 * Description: Every vsvm ioctl, fuzzed as root; every failure has a documented
 *		errno, the device still runs a job and its object counts come back.
 *
 * SUBTEST: unprivileged
 * Description: The same as an unprivileged user (uid 65534) on the render nodes, with
 *		a file of root's inherited (I7: its VMs are root's).
 */

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define CMD_VA 0x1000000ull
#define DATA_VA 0x2000000ull
#define FUZZ_VA 0x40000000ull
#define CMD_SIZE (16 * PAGE)
#define DATA_SIZE (16 * PAGE)
#define SCRATCH_SIZE (64 * PAGE)
#define POOL 8
#define MAX_ERRNO 136

/* Errno masks: 128 bits, as EOPNOTSUPP is 95. */
#define BIT_E(e) ((unsigned __int128)1 << (e))
/* Errnos every ioctl may return from the DRM core (copying its argument). */
#define CORE_ERRS (BIT_E(EFAULT) | BIT_E(ENOMEM) | BIT_E(ENODEV))
#define EXT_ERRS (BIT_E(EINVAL) | BIT_E(E2BIG) | BIT_E(EFAULT))

/*
 * The errnos each ioctl's documentation in vsvm_drm.h lists: the fuzzer's
 * source of truth.  Keep in step with the header.
 */
static const struct {
	const char *name;
	unsigned long nr;
	unsigned long cmd;
	unsigned int size;
	unsigned __int128 errs;
} ioctls[] = {
	{ "GEM_CREATE", DRM_VSVM_GEM_CREATE, DRM_IOCTL_VSVM_GEM_CREATE,
	  sizeof(struct drm_vsvm_gem_create), CORE_ERRS | EXT_ERRS },
	{ "GEM_MMAP_OFFSET", DRM_VSVM_GEM_MMAP_OFFSET, DRM_IOCTL_VSVM_GEM_MMAP_OFFSET,
	  sizeof(struct drm_vsvm_gem_mmap_offset), CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) },
	{ "VM_CREATE", DRM_VSVM_VM_CREATE, DRM_IOCTL_VSVM_VM_CREATE,
	  sizeof(struct drm_vsvm_vm_create), CORE_ERRS | EXT_ERRS },
	{ "VM_DESTROY", DRM_VSVM_VM_DESTROY, DRM_IOCTL_VSVM_VM_DESTROY,
	  sizeof(struct drm_vsvm_vm_destroy), CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) },
	{ "VM_BIND", DRM_VSVM_VM_BIND, DRM_IOCTL_VSVM_VM_BIND,
	  sizeof(struct drm_vsvm_vm_bind),
	  /* -EAGAIN: a userptr's range kept being invalidated (uapi 1.11). */
	  CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) | BIT_E(EEXIST) | BIT_E(EPERM) | BIT_E(EAGAIN) },
	{ "QUERY", DRM_VSVM_QUERY, DRM_IOCTL_VSVM_QUERY,
	  sizeof(struct drm_vsvm_query), CORE_ERRS | EXT_ERRS },
	{ "EXEC", DRM_VSVM_EXEC, DRM_IOCTL_VSVM_EXEC, sizeof(struct drm_vsvm_exec),
	  CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) | BIT_E(EIO) | BIT_E(EPERM) | BIT_E(EAGAIN) },
	{ "GEM_INFO", DRM_VSVM_GEM_INFO, DRM_IOCTL_VSVM_GEM_INFO,
	  sizeof(struct drm_vsvm_gem_info), CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) },
	{ "GEM_USERPTR", DRM_VSVM_GEM_USERPTR, DRM_IOCTL_VSVM_GEM_USERPTR,
	  /* -ENOENT: the VM-private extension's VM (uapi 1.9). */
	  sizeof(struct drm_vsvm_gem_userptr), CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) },
	{ "SVM_PREFETCH", DRM_VSVM_SVM_PREFETCH, DRM_IOCTL_VSVM_SVM_PREFETCH,
	  /* -ENXIO, -ENOTUNIQ: to the other device's VRAM (uapi 1.10). */
	  sizeof(struct drm_vsvm_svm_prefetch),
	  CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) | BIT_E(EPERM) | BIT_E(EIO) | BIT_E(EOPNOTSUPP) |
	  BIT_E(ENXIO) | BIT_E(ENOTUNIQ) },
	{ "WAIT_USER_FENCE", DRM_VSVM_WAIT_USER_FENCE, DRM_IOCTL_VSVM_WAIT_USER_FENCE,
	  sizeof(struct drm_vsvm_wait_user_fence),
	  CORE_ERRS | EXT_ERRS | BIT_E(ETIME) | BIT_E(EINTR) },
	{ "SVM_MADVISE", DRM_VSVM_SVM_MADVISE, DRM_IOCTL_VSVM_SVM_MADVISE,
	  sizeof(struct drm_vsvm_svm_madvise),
	  CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) | BIT_E(EPERM) | BIT_E(EOPNOTSUPP) },
	{ "SVM_QUERY", DRM_VSVM_SVM_QUERY, DRM_IOCTL_VSVM_SVM_QUERY,
	  sizeof(struct drm_vsvm_svm_query),
	  CORE_ERRS | EXT_ERRS | BIT_E(ENOENT) | BIT_E(EPERM) | BIT_E(EINTR) },
};

#define NUM_IOCTLS (sizeof(ioctls) / sizeof(ioctls[0]))

/** The state of one fuzzing loop. */
struct fuzz {
	uint64_t rng;
	int fd;			/* the file fuzzed: device 0 */
	int other_fd;		/* another file of device 0 */
	int dev1_fd;		/* a file of device 1, or -1 */
	int foreign_fd;		/* a file of another process (another mm), or -1 */
	uint32_t vm_fuzz;	/* VM_BIND's playground */
	uint32_t vm_exec;	/* commands at CMD_VA (read-only), data at DATA_VA */
	uint32_t vm_svm;	/* an SVM VM, or 0 */
	uint32_t vm_other;	/* a VM id of other_fd */
	uint32_t vm_extra[4];	/* VMs VM_CREATE made */
	uint32_t cmd_bo, data_bo, up, import;
	uint32_t pool[POOL];	/* small objects VM_BIND maps */
	uint32_t other_bo, dev1_bo;
	uint32_t sync_bin, sync_tl, other_sync;
	uint8_t *scratch;	/* argument memory, followed by an unmapped page */
	uint8_t *ro_page;	/* a read-only page */
	uint8_t *unmapped;	/* a page with nothing mapped */
	uint32_t *cmd;		/* CPU view of cmd_bo */
	unsigned int rate;	/* this call's chance, in percent, to spoil a field */
	unsigned long calls[NUM_IOCTLS], ok[NUM_IOCTLS];
	unsigned long errs[NUM_IOCTLS][MAX_ERRNO];	/* failures by errno */
	unsigned long unexpected;
};

static uint64_t rnd(struct fuzz *f)
{
	/* xorshift64* */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 0x2545f4914f6cdd1dull;
}

static unsigned int below(struct fuzz *f, unsigned int n)
{
	return rnd(f) % n;
}

static bool chance(struct fuzz *f, unsigned int percent)
{
	return below(f, 100) < percent;
}

/* Whether to spoil the next field of this call (see fuzz_one()). */
static bool spoil(struct fuzz *f)
{
	return chance(f, f->rate);
}

static uint64_t rnd_u64(struct fuzz *f)
{
	static const uint64_t edge[] = {
		0, 1, 2, 3, 4, 7, 8, 0xfff, 0x1000, 0x1001, 0x1ffff, 0x200000,
		0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ull, 0x100001000ull,
		1ull << 34, (1ull << 34) + 1, (1ull << 48) - 0x1000, 1ull << 48,
		(1ull << 48) + 0x1000, 1ull << 63, ~0ull - 0xfff, ~0ull - 3, ~0ull,
	};

	switch (below(f, 5)) {
	case 0:
		return edge[below(f, sizeof(edge) / sizeof(edge[0]))];
	case 1:
		return 1ull << below(f, 64);
	case 2:
		return below(f, 64) * PAGE;
	case 3:
		return below(f, 256);
	default:
		return rnd(f);
	}
}

static uint32_t rnd_u32(struct fuzz *f)
{
	return chance(f, 70) ? (uint32_t)rnd_u64(f) : (uint32_t)(rnd_u64(f) >> 32);
}

/* A flags word: valid ones, or (spoilt) one unknown bit or junk. */
static uint32_t rnd_flags(struct fuzz *f, uint32_t valid)
{
	if (!spoil(f))
		return valid & rnd(f);
	return chance(f, 50) ? 1u << below(f, 32) : rnd_u32(f);
}

/* A pad or unused field: zero unless spoilt. */
static uint64_t rnd_pad(struct fuzz *f)
{
	return spoil(f) ? rnd_u64(f) | 1 : 0;
}

/* A user pointer to nothing readable: NULL, kernel, unmapped, wrapping. */
static uint64_t bad_ptr(struct fuzz *f)
{
	static const uint64_t bad[] = {
		0, 8, 0xfff, 0xffff888000000000ull, 0xffffffff81000000ull,
		0xfffffffffffff000ull, ~0ull - 7, 0x8000000000000000ull,
		0x00007ffffffff000ull,
	};

	if (chance(f, 30))
		return (uintptr_t)f->unmapped;
	return bad[below(f, sizeof(bad) / sizeof(bad[0]))];
}

/*
 * A user pointer for an array of @len bytes that the fuzzer filled: usually
 * good, sometimes cut off by the unmapped page after the scratch memory,
 * read-only (for ioctls that write back) or bad.
 */
static uint64_t arr_ptr(struct fuzz *f, const void *data, size_t len)
{
	uint8_t *p;

	if (len > SCRATCH_SIZE / 2 || (spoil(f) && chance(f, 30)))
		return bad_ptr(f);
	if (spoil(f) && chance(f, 30))
		return (uintptr_t)f->ro_page;
	if (spoil(f) && chance(f, 30) && len > 8) {
		/* Straddles the unmapped page. */
		p = f->scratch + SCRATCH_SIZE - len / 2;
		memcpy(p, data, len / 2);
		return (uintptr_t)p;
	}
	p = f->scratch + SCRATCH_SIZE / 2 + 8 * below(f, 64);
	if (p + len > f->scratch + SCRATCH_SIZE)
		p = f->scratch + SCRATCH_SIZE / 2;
	memcpy(p, data, len);
	return (uintptr_t)p;
}

/* A GEM handle: ours, another file's, the other device's, or junk. */
static uint32_t rnd_handle(struct fuzz *f)
{
	if (!spoil(f))
		return chance(f, 80) ? f->pool[below(f, POOL)] :
		       chance(f, 50) && f->import ? f->import : f->up;
	switch (below(f, 10)) {
	case 0:
		return 0;
	case 1:
		return f->other_bo;
	case 2:
		return f->dev1_bo;
	case 3:
		return f->up;
	case 4:
		return f->import;
	case 5:
		return f->sync_bin;	/* a syncobj handle, not a GEM one */
	case 6:
		return rnd_u32(f);
	default:
		return f->pool[below(f, POOL)];
	}
}

static uint32_t rnd_vm(struct fuzz *f)
{
	if (!spoil(f))
		return f->vm_fuzz;
	switch (below(f, 10)) {
	case 0:
		return 0;
	case 1:
		return f->vm_other + 1000;	/* no such VM */
	case 2:
		return rnd_u32(f);
	case 3:
		return f->vm_extra[below(f, 4)];
	case 4:
		return f->vm_svm;
	default:
		return f->vm_fuzz;
	}
}

static uint32_t rnd_syncobj(struct fuzz *f)
{
	if (!spoil(f))
		return chance(f, 50) ? f->sync_bin : f->sync_tl;
	switch (below(f, 8)) {
	case 0:
		return 0;
	case 1:
		return f->other_sync;
	case 2:
		return rnd_u32(f);
	case 3:
		return f->pool[0];	/* a GEM handle, not a syncobj */
	case 4:
	case 5:
		return f->sync_tl;
	default:
		return f->sync_bin;
	}
}

/* An array of @n syncs in *@syncs (scratch memory), mostly well formed. */
static void rnd_syncs(struct fuzz *f, struct drm_vsvm_sync *syncs, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		syncs[i].handle = rnd_syncobj(f);
		syncs[i].flags = syncs[i].handle == f->sync_tl ? DRM_VSVM_SYNC_TIMELINE : 0;
		syncs[i].point = syncs[i].flags ? 1 + below(f, 3) : 0;
		if (spoil(f))
			syncs[i].flags = rnd_flags(f, DRM_VSVM_SYNC_TIMELINE);
		if (spoil(f))
			syncs[i].point = rnd_u64(f);
	}
}

/* A sync count: small, the limit, past it, or huge. */
static uint32_t rnd_count(struct fuzz *f, uint32_t max)
{
	if (!spoil(f))
		return below(f, 3);
	switch (below(f, 8)) {
	case 0:
		return max;
	case 1:
		return max + 1;
	case 2:
		return rnd_u32(f);
	case 3:
	case 4:
		return 0;
	default:
		return 1 + below(f, 3);
	}
}

/*
 * An extension chain: none, a bad pointer, or links in scratch memory with
 * random names and pads, looping back on itself or longer than allowed.
 * @syncs_ok: VM_BIND, whose syncs extension gets a well-formed body.
 */
static uint64_t rnd_ext(struct fuzz *f, bool syncs_ok)
{
	struct drm_vsvm_vm_bind_ext_syncs *links =
		(void *)(f->scratch + SCRATCH_SIZE / 8);
	struct drm_vsvm_sync *syncs = (void *)(f->scratch + SCRATCH_SIZE / 4);
	unsigned int n, i;

	if (syncs_ok ? chance(f, 50) : !spoil(f))
		return 0;
	if (spoil(f) && chance(f, 30))
		return bad_ptr(f);
	n = spoil(f) && chance(f, 30) ? DRM_VSVM_MAX_EXTENSIONS + 1 + below(f, 4) :
	    1 + (spoil(f) ? below(f, 2) : 0);
	for (i = 0; i < n; i++) {
		memset(&links[i], 0, sizeof(links[i]));
		links[i].base.next_extension = i + 1 < n ? (uintptr_t)&links[i + 1] : 0;
		links[i].base.name = syncs_ok && !spoil(f) ? DRM_VSVM_VM_BIND_EXT_SYNCS :
				     rnd_u32(f);
		links[i].base.pad = rnd_pad(f);
		if (links[i].base.name == DRM_VSVM_VM_BIND_EXT_SYNCS) {
			links[i].num_in_syncs = rnd_count(f, 64);
			links[i].num_out_syncs = rnd_count(f, 64);
			rnd_syncs(f, syncs, 4);
			links[i].in_syncs = !spoil(f) ? (uintptr_t)syncs : bad_ptr(f);
			links[i].out_syncs = !spoil(f) ? (uintptr_t)(syncs + 2) : bad_ptr(f);
			if (links[i].num_in_syncs > 2 && links[i].num_in_syncs <= 64)
				links[i].num_in_syncs = 2;
			if (links[i].num_out_syncs > 2 && links[i].num_out_syncs <= 64)
				links[i].num_out_syncs = 2;
		}
	}
	if (spoil(f) && chance(f, 30))	/* a loop */
		links[n - 1].base.next_extension = (uintptr_t)&links[below(f, n)];
	if (spoil(f) && chance(f, 20))	/* the last link unreadable */
		links[n - 1].base.next_extension = bad_ptr(f) | 8;
	return (uintptr_t)links;
}

/* Random commands for the read-only command buffer; never SPIN. */
static void fill_cmds(struct fuzz *f, uint32_t *cmd, unsigned int words)
{
	unsigned int i;

	for (i = 0; i < words; i++) {
		uint32_t w = rnd_u32(f);
		uint8_t op = chance(f, 80) ? below(f, 8) : (uint8_t)(w >> 24);

		if (op == DRM_VSVM_CMD_SPIN)
			op = DRM_VSVM_CMD_STORE;
		if (chance(f, 60)) {
			/* A plausible header, operands near DATA_VA follow. */
			w = DRM_VSVM_CMD(op, chance(f, 20) ? rnd(f) : 0,
					 chance(f, 80) ? 1 + below(f, 9) : w & 0xffff);
		} else if (chance(f, 50)) {
			w = (uint32_t)(DATA_VA + below(f, DATA_SIZE + PAGE));
		} else if (chance(f, 50)) {
			w = 0;
		} else if ((w >> 24) == DRM_VSVM_CMD_SPIN) {
			w ^= 1u << 24;
		}
		cmd[i] = w;
	}
}

static void report(struct fuzz *f, unsigned int i, int err, const char *what)
{
	if (err && !(ioctls[i].errs & BIT_E(err))) {
		f->unexpected++;
		igt_warn("%s: undocumented errno %d (%s)%s%s\n", ioctls[i].name, err,
			 strerror(err), what ? ": " : "", what ? what : "");
	}
}

/*
 * Issues ioctl @i with @arg, the ioctl's struct, sometimes with another
 * size (up to 16 bytes more) or direction in the request, or a bad
 * argument pointer.  The call goes through a buffer larger than any size
 * the request may say, which the kernel copies in and out.
 */
static int do_fuzz_ioctl(struct fuzz *f, int fd, unsigned int i, void *arg)
{
	unsigned long cmd = ioctls[i].cmd;
	uint64_t buf[32];	/* the largest size the request may say, and more */
	void *p = buf;
	int ret;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, arg, ioctls[i].size);
	if (spoil(f) && chance(f, 10)) {
		unsigned int size = below(f, ioctls[i].size + 16);

		cmd = _IOC(chance(f, 80) ? _IOC_READ | _IOC_WRITE : below(f, 4), DRM_IOCTL_BASE,
			   DRM_COMMAND_BASE + ioctls[i].nr, size);
	}
	if (spoil(f) && chance(f, 5))
		p = (void *)(uintptr_t)bad_ptr(f);
	f->calls[i]++;
	ret = ioctl(fd, cmd, p) ? errno : 0;
	/* The kernel wrote back as many bytes as the request says. */
	memcpy(arg, buf, ioctls[i].size);
	if (!ret)
		f->ok[i]++;
	else if (ret < MAX_ERRNO)
		f->errs[i][ret]++;
	report(f, i, ret, NULL);
	return ret;
}

static int pick_fd(struct fuzz *f)
{
	if (!spoil(f) || !chance(f, 20))
		return f->fd;
	return f->foreign_fd >= 0 && chance(f, 50) ? f->foreign_fd : f->other_fd;
}

static void fuzz_gem_create(struct fuzz *f)
{
	struct drm_vsvm_gem_create a = {
		.extensions = rnd_ext(f, false),
		.size = !spoil(f) ? 1 + below(f, 4 * PAGE) : rnd_u64(f),
		.flags = rnd_flags(f, 0),
	};
	struct drm_gem_close cl;
	int fd = pick_fd(f);

	if (!do_fuzz_ioctl(f, fd, 0, &a) && a.handle) {
		cl = (struct drm_gem_close){ .handle = a.handle };
		ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
}

static void fuzz_mmap_offset(struct fuzz *f)
{
	struct drm_vsvm_gem_mmap_offset a = {
		.extensions = rnd_ext(f, false), .handle = rnd_handle(f),
		.flags = rnd_flags(f, 0),
	};

	do_fuzz_ioctl(f, pick_fd(f), 1, &a);
}

static void fuzz_vm_create(struct fuzz *f)
{
	struct drm_vsvm_vm_create a = {
		.extensions = rnd_ext(f, false),
		.flags = rnd_flags(f, DRM_VSVM_VM_CREATE_SVM),
	};
	struct drm_vsvm_vm_destroy d = { 0 };
	unsigned int slot = below(f, 4);

	if (do_fuzz_ioctl(f, f->fd, 2, &a) || !a.vm_id)
		return;
	igt_assert_f(a.vm_id, "VM_CREATE returned VM id 0\n");
	if (f->vm_extra[slot]) {
		d.vm_id = f->vm_extra[slot];
		ioctl(f->fd, DRM_IOCTL_VSVM_VM_DESTROY, &d);
	}
	f->vm_extra[slot] = a.vm_id;
}

static void fuzz_vm_destroy(struct fuzz *f)
{
	unsigned int slot = below(f, 4);
	struct drm_vsvm_vm_destroy a = {
		.extensions = rnd_ext(f, false),
		.vm_id = !spoil(f) ? f->vm_extra[slot] : rnd_vm(f),
		.pad = rnd_pad(f),
	};

	/* The fuzzer's own VMs stay. */
	if (a.vm_id == f->vm_fuzz || a.vm_id == f->vm_exec || a.vm_id == f->vm_svm)
		a.vm_id = 0;
	if (!do_fuzz_ioctl(f, f->fd, 3, &a)) {
		for (slot = 0; slot < 4; slot++)
			if (f->vm_extra[slot] == a.vm_id)
				f->vm_extra[slot] = 0;
	}
}

static void fuzz_vm_bind(struct fuzz *f)
{
	struct drm_vsvm_vm_bind_op ops[8];
	struct drm_vsvm_vm_bind a = {
		.extensions = rnd_ext(f, true), .vm_id = rnd_vm(f),
		.num_ops = !spoil(f) ? 1 + below(f, 3) : rnd_count(f, DRM_VSVM_MAX_BIND_OPS),
		.flags = rnd_flags(f, DRM_VSVM_VM_BIND_ASYNC),
	};
	unsigned int i, n = a.num_ops < 8 ? a.num_ops : 8;

	if (a.vm_id == f->vm_exec)
		a.vm_id = f->vm_fuzz;
	for (i = 0; i < 8; i++) {
		bool map = chance(f, 55);

		ops[i] = (struct drm_vsvm_vm_bind_op){
			.op = !spoil(f) ? !map : rnd_u32(f),
			.flags = map && chance(f, 30) ? DRM_VSVM_BIND_READ_ONLY : 0,
			.handle = map ? rnd_handle(f) : 0,
			.bo_offset = map && chance(f, 20) ? PAGE : 0,
			.addr = !spoil(f) ? FUZZ_VA + below(f, 32) * PAGE : rnd_u64(f),
			.range = !spoil(f) ? PAGE << below(f, 2) : rnd_u64(f),
		};
		ops[i].pad = rnd_pad(f);
		if (spoil(f))
			ops[i].flags = rnd_u32(f);
		if (spoil(f))
			ops[i].bo_offset = rnd_u64(f);
		if (!map && spoil(f))
			ops[i].handle = rnd_handle(f);
	}
	a.ops = arr_ptr(f, ops, n * sizeof(ops[0]));
	do_fuzz_ioctl(f, pick_fd(f), 4, &a);
}

static void fuzz_query(struct fuzz *f)
{
	struct drm_vsvm_query a = {
		.extensions = rnd_ext(f, false),
		.query = !spoil(f) ? below(f, DRM_VSVM_QUERY_VRAM + 1) : rnd_u32(f),
		.size = chance(f, 30) ? 0 : !spoil(f) ? 2048 : rnd_u32(f),
		.data = !spoil(f) ? (uintptr_t)f->scratch : bad_ptr(f),
		.pad = rnd_pad(f),
	};

	if (spoil(f) && chance(f, 30))
		a.data = (uintptr_t)f->ro_page;
	do_fuzz_ioctl(f, pick_fd(f), 5, &a);
}

static void fuzz_exec(struct fuzz *f)
{
	struct drm_vsvm_sync syncs[4];
	struct drm_vsvm_exec a = {
		.extensions = rnd_ext(f, false),
		.vm_id = !spoil(f) ? f->vm_exec : rnd_vm(f),
		.queue = !spoil(f) ? below(f, 2) : rnd_u32(f),
		.cs_addr = !spoil(f) ? CMD_VA + 4 * below(f, CMD_SIZE / 4) : rnd_u64(f),
		.cs_size = !spoil(f) ? 4 * (1 + below(f, 64)) : rnd_u64(f),
		.num_in_syncs = rnd_count(f, 64),
		.num_out_syncs = rnd_count(f, 64),
		.flags = rnd_flags(f, 0),
		.pad = rnd_pad(f),
	};

	/*
	 * The fuzzed VM's memory is not a command stream (it may hold SPIN,
	 * which holds a queue until the job timeout), and an SVM VM's is the
	 * process's own: point those at the unmapped page instead.
	 */
	if (a.vm_id != f->vm_exec && a.cs_addr < (1ull << 47))
		a.cs_addr = (uintptr_t)f->unmapped;
	rnd_syncs(f, syncs, 4);
	a.in_syncs = arr_ptr(f, syncs, (a.num_in_syncs < 2 ? a.num_in_syncs : 2) * sizeof(syncs[0]));
	a.out_syncs = arr_ptr(f, syncs + 2,
			      (a.num_out_syncs < 2 ? a.num_out_syncs : 2) * sizeof(syncs[0]));
	if (a.num_in_syncs > 2 && a.num_in_syncs <= 64)
		a.num_in_syncs = 2;
	if (a.num_out_syncs > 2 && a.num_out_syncs <= 64)
		a.num_out_syncs = 2;
	do_fuzz_ioctl(f, pick_fd(f), 6, &a);
}

static void fuzz_gem_info(struct fuzz *f)
{
	struct drm_vsvm_gem_info a = {
		.extensions = rnd_ext(f, false), .handle = rnd_handle(f),
		.pad = rnd_pad(f),
	};

	do_fuzz_ioctl(f, pick_fd(f), 7, &a);
}

static void fuzz_userptr(struct fuzz *f)
{
	struct drm_vsvm_gem_userptr a = {
		.extensions = rnd_ext(f, false),
		.flags = rnd_flags(f, DRM_VSVM_USERPTR_READ_ONLY | DRM_VSVM_USERPTR_PROBE |
				      DRM_VSVM_USERPTR_PIN_LONGTERM),
	};
	struct drm_gem_close cl;
	int fd = pick_fd(f);

	switch (spoil(f) ? 1 + below(f, 3) : 0) {
	case 0:
		a.addr = (uintptr_t)f->scratch + below(f, 8) * PAGE;
		a.size = (1 + below(f, 8)) * PAGE;
		break;
	case 1:
		a.addr = (uintptr_t)f->ro_page;
		a.size = PAGE;
		break;
	case 2:
		a.addr = bad_ptr(f);
		a.size = chance(f, 50) ? PAGE : rnd_u64(f);
		break;
	default:
		a.addr = rnd_u64(f);
		a.size = rnd_u64(f);
		break;
	}
	if (!do_fuzz_ioctl(f, fd, 8, &a) && a.handle) {
		cl = (struct drm_gem_close){ .handle = a.handle };
		ioctl(fd, DRM_IOCTL_GEM_CLOSE, &cl);
	}
}

static void fuzz_prefetch(struct fuzz *f)
{
	struct drm_vsvm_sync syncs[2];
	struct drm_vsvm_svm_prefetch a = {
		.extensions = rnd_ext(f, false),
		.vm_id = !spoil(f) ? f->vm_svm : rnd_vm(f),
		.queue = !spoil(f) ? below(f, 2) : rnd_u32(f),
		.addr = !spoil(f) ? (uintptr_t)f->scratch : rnd_u64(f),
		.size = !spoil(f) ? (1 + below(f, 4)) * PAGE : rnd_u64(f),
		.num_out_syncs = rnd_count(f, 64),
		.flags = rnd_flags(f, 0),
	};

	/* Bounded work: an SVM VM prefetches at most 1 MiB. */
	if (a.vm_id == f->vm_svm && a.size > (1 << 20))
		a.size = 1 << 20;
	rnd_syncs(f, syncs, 2);
	a.out_syncs = arr_ptr(f, syncs, (a.num_out_syncs < 2 ? a.num_out_syncs : 2) *
				       sizeof(syncs[0]));
	if (a.num_out_syncs > 2 && a.num_out_syncs <= 64)
		a.num_out_syncs = 2;
	do_fuzz_ioctl(f, pick_fd(f), 9, &a);
}

/*
 * WAIT_USER_FENCE on a word of the scratch memory: never a wait longer than
 * a millisecond, whatever the spoilt fields say, so the loop stays bounded.
 * The spoilt timeout is INT64_MIN: negative, and whatever prefix of it a
 * spoilt request size lets the kernel copy is 0, where the prefix of a
 * small negative number would be a wait of years.
 */
static void fuzz_wait_ufence(struct fuzz *f)
{
	uint64_t *word = (uint64_t *)f->scratch + below(f, 64);
	struct drm_vsvm_wait_user_fence a = {
		.extensions = rnd_ext(f, false),
		.addr = !spoil(f) ? (uintptr_t)word : rnd_u64(f),
		.value = !spoil(f) ? *word : rnd_u64(f),
		.mask = !spoil(f) ? ~0ull : rnd_u64(f),
		.timeout = !spoil(f) ? below(f, 1000000) : INT64_MIN,
		.op = !spoil(f) ? below(f, DRM_VSVM_UFENCE_OP_LTE + 1) : rnd_u32(f),
		.flags = rnd_flags(f, 0),
		.pad = rnd_pad(f),
	};

	do_fuzz_ioctl(f, pick_fd(f), 10, &a);
}

/*
 * SVM_MADVISE of a few pages of the scratch memory (or anywhere, spoilt):
 * attributes change what later jobs may do there, never whether they end.
 */
static void fuzz_madvise(struct fuzz *f)
{
	struct drm_vsvm_svm_madvise a = {
		.extensions = rnd_ext(f, false),
		.vm_id = !spoil(f) ? f->vm_svm : rnd_vm(f),
		.attr = !spoil(f) ? below(f, DRM_VSVM_SVM_ATTR_ATOMIC + 1) : rnd_u32(f),
		.addr = !spoil(f) ? (uintptr_t)f->scratch : rnd_u64(f),
		.size = !spoil(f) ? (1 + below(f, 4)) * PAGE : rnd_u64(f),
		.value = !spoil(f) ? below(f, 3) : rnd_u32(f),
		.flags = rnd_flags(f, 0),
	};

	do_fuzz_ioctl(f, pick_fd(f), 11, &a);
}

/* SVM_QUERY of a few pages, the snapshot into the scratch memory's end. */
static void fuzz_svm_query(struct fuzz *f)
{
	struct drm_vsvm_svm_query a = {
		.extensions = rnd_ext(f, false),
		.vm_id = !spoil(f) ? f->vm_svm : rnd_vm(f),
		.addr = !spoil(f) ? (uintptr_t)f->scratch : rnd_u64(f),
		.size = !spoil(f) ? below(f, 16) * PAGE : rnd_u64(f),
		.pages = !spoil(f) ? (uintptr_t)f->scratch + SCRATCH_SIZE - 16 : bad_ptr(f),
		.flags = rnd_flags(f, 0),
		.pad = rnd_pad(f),
	};

	/* Bounded work: at most 1 MiB snapshotted. */
	if (a.size > (1 << 20) && a.size <= DRM_VSVM_SVM_QUERY_MAX_SIZE)
		a.size = 1 << 20;
	if (spoil(f) && chance(f, 30))
		a.pages = (uintptr_t)f->ro_page;
	do_fuzz_ioctl(f, pick_fd(f), 12, &a);
}

/* An ioctl number past vsvm's: the DRM core refuses it with -EINVAL. */
static void fuzz_unknown_nr(struct fuzz *f)
{
	uint8_t buf[64] = { 0 };
	unsigned long nr = NUM_IOCTLS + below(f, 0x60 - NUM_IOCTLS);
	int ret;

	ret = ioctl(f->fd, DRM_IOWR(DRM_COMMAND_BASE + nr, buf), buf) ? errno : 0;
	igt_assert_f(ret == EINVAL, "ioctl %#lx: %d, want EINVAL\n", nr, ret);
}

static void fuzz_one(struct fuzz *f)
{
	static const unsigned int rates[] = { 0, 3, 10, 30, 70 };

	/* Some calls are valid, most have one field or a few spoilt. */
	f->rate = rates[below(f, sizeof(rates) / sizeof(rates[0]))];
	switch (below(f, 24)) {
	case 0: fuzz_gem_create(f); break;
	case 1: fuzz_mmap_offset(f); break;
	case 2: fuzz_vm_create(f); break;
	case 3: fuzz_vm_destroy(f); break;
	case 4: case 5: case 6: case 7: fuzz_vm_bind(f); break;
	case 8: fuzz_query(f); break;
	case 9: case 10: case 11: case 12: fuzz_exec(f); break;
	case 13: fuzz_gem_info(f); break;
	case 14: case 15: fuzz_userptr(f); break;
	case 16: case 17: fuzz_prefetch(f); break;
	case 21: fuzz_wait_ufence(f); break;
	case 22: fuzz_madvise(f); break;
	case 23: fuzz_svm_query(f); break;
	case 18:
		/* Rewrite the command buffer now and then. */
		fill_cmds(f, f->cmd, CMD_SIZE / 4);
		break;
	case 19: fuzz_unknown_nr(f); break;
	default: fuzz_exec(f); break;
	}
}

static uint32_t syncobj(int fd, uint32_t flags)
{
	uint32_t h;

	igt_assert_eq(drmSyncobjCreate(fd, flags, &h), 0);
	return h;
}

static int open_render(int idx)
{
	char path[64];

	snprintf(path, sizeof(path), "/dev/dri/renderD%d", 128 + idx);
	return open(path, O_RDWR | O_CLOEXEC);
}

/*
 * @foreign_fd: a file another process set up (-1 for none), whose VM ids
 * collide with this file's: its VM 1 maps a userptr of that process's
 * address space and its VM 2 mirrors that address space (I7: -EPERM).
 */
static void fuzz_setup(struct fuzz *f, uint64_t seed, int foreign_fd)
{
	static const uint64_t points[] = { 1, 2, 3 };
	uint32_t handles[3];
	unsigned int i;
	int dmabuf;

	memset(f, 0, sizeof(*f));
	f->rng = seed ? seed : 1;
	f->foreign_fd = foreign_fd;
	f->fd = open_render(0);
	igt_assert_fd(f->fd);
	igt_require(vsvm_is_vsvm(f->fd));
	f->other_fd = open_render(0);
	igt_assert_fd(f->other_fd);
	f->dev1_fd = open_render(1);
	if (f->dev1_fd >= 0 && !vsvm_is_vsvm(f->dev1_fd)) {
		close(f->dev1_fd);
		f->dev1_fd = -1;
	}

	f->scratch = mmap(NULL, SCRATCH_SIZE + 3 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	igt_assert(f->scratch != MAP_FAILED);
	memset(f->scratch, 0, SCRATCH_SIZE);
	f->unmapped = f->scratch + SCRATCH_SIZE;
	igt_assert_eq(munmap(f->unmapped, PAGE), 0);
	f->ro_page = f->scratch + SCRATCH_SIZE + PAGE;
	igt_assert_eq(mprotect(f->ro_page, PAGE, PROT_READ), 0);

	/* Ids collide across files on purpose: this file's 1 is vm_fuzz. */
	f->vm_fuzz = vsvm_vm_create(f->fd, 0);
	f->vm_exec = vsvm_vm_create(f->fd, 0);
	{
		struct drm_vsvm_vm_create c = { .flags = DRM_VSVM_VM_CREATE_SVM };

		f->vm_svm = igt_ioctl(f->fd, DRM_IOCTL_VSVM_VM_CREATE, &c) ? 0 : c.vm_id;
	}
	f->vm_other = vsvm_vm_create(f->other_fd, 0);
	f->cmd_bo = vsvm_gem_create(f->fd, CMD_SIZE);
	f->data_bo = vsvm_gem_create(f->fd, DATA_SIZE);
	igt_assert_eq(vsvm_vm_map(f->fd, f->vm_exec, f->cmd_bo, 0, CMD_VA, CMD_SIZE,
				  DRM_VSVM_BIND_READ_ONLY), 0);
	igt_assert_eq(vsvm_vm_map(f->fd, f->vm_exec, f->data_bo, 0, DATA_VA, DATA_SIZE, 0), 0);
	f->cmd = vsvm_gem_mmap(f->fd, f->cmd_bo, CMD_SIZE);
	fill_cmds(f, f->cmd, CMD_SIZE / 4);
	for (i = 0; i < POOL; i++)
		f->pool[i] = vsvm_gem_create(f->fd, (1 + i % 4) * PAGE);
	f->up = vsvm_gem_userptr(f->fd, f->scratch, 4 * PAGE, 0);
	f->other_bo = vsvm_gem_create(f->other_fd, PAGE);
	if (f->dev1_fd >= 0) {
		f->dev1_bo = vsvm_gem_create(f->dev1_fd, 2 * PAGE);
		igt_assert_eq(drmPrimeHandleToFD(f->dev1_fd, f->dev1_bo, DRM_CLOEXEC, &dmabuf), 0);
		igt_assert_eq(drmPrimeFDToHandle(f->fd, dmabuf, &f->import), 0);
		close(dmabuf);
	}
	f->sync_bin = syncobj(f->fd, DRM_SYNCOBJ_CREATE_SIGNALED);
	f->sync_tl = syncobj(f->fd, 0);
	handles[0] = handles[1] = handles[2] = f->sync_tl;
	igt_assert_eq(drmSyncobjTimelineSignal(f->fd, handles, (uint64_t *)points, 3), 0);
	f->other_sync = syncobj(f->other_fd, DRM_SYNCOBJ_CREATE_SIGNALED);
}

static void fuzz_teardown(struct fuzz *f)
{
	munmap(f->cmd, CMD_SIZE);
	munmap(f->scratch, SCRATCH_SIZE);
	munmap(f->ro_page, PAGE);
	close(f->fd);
	close(f->other_fd);
	if (f->dev1_fd >= 0)
		close(f->dev1_fd);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *v = getenv(name);

	return v && *v ? strtoull(v, NULL, 0) : def;
}

static const char *errname(int e)
{
	static char buf[16];

	switch (e) {
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EPERM: return "EPERM";
	case EIO: return "EIO";
	case ENOMEM: return "ENOMEM";
	case ENODEV: return "ENODEV";
	default:
		snprintf(buf, sizeof(buf), "errno %d", e);
		return buf;
	}
}

/* Runs the loop; returns the number of undocumented errnos seen. */
static unsigned long fuzz_loop(uint64_t seed, uint64_t iters, uint64_t seconds, const char *who,
			       int foreign_fd)
{
	uint64_t t0 = vsvm_now_ns(), n;
	struct fuzz f;
	unsigned int i;

	fuzz_setup(&f, seed, foreign_fd);
	for (n = 0; n < iters; n++) {
		if (seconds && !(n % 64) && vsvm_now_ns() - t0 > seconds * 1000000000ull) {
			igt_info("%s: stopped by the time limit after %" PRIu64 " ioctls\n",
				 who, n);
			break;
		}
		fuzz_one(&f);
	}
	igt_info("%s: %" PRIu64 " ioctls in %.1f s\n", who, n, (vsvm_now_ns() - t0) / 1e9);
	for (i = 0; i < NUM_IOCTLS; i++) {
		char line[256];
		int e, len = 0;

		line[0] = '\0';
		for (e = 1; e < MAX_ERRNO && len < (int)sizeof(line) - 32; e++)
			if (f.errs[i][e])
				len += snprintf(line + len, sizeof(line) - len, " %s %lu",
						errname(e), f.errs[i][e]);
		igt_info("  %-16s %6lu calls, %6lu succeeded;%s\n", ioctls[i].name,
			 f.calls[i], f.ok[i], line);
	}
	fuzz_teardown(&f);
	return f.unexpected;
}

/** Device object counts that must come back after a run. */
struct counts {
	long long bo_count, userptrs, pinned, longterm, imports;
};

static struct counts read_counts(int fd)
{
	return (struct counts){
		.bo_count = vsvm_info_get(fd, "bo_count"),
		.userptrs = vsvm_debugfs_get(fd, "vsvm_userptr", "userptrs"),
		.pinned = vsvm_debugfs_get(fd, "vsvm_userptr", "pinned_pages"),
		.longterm = vsvm_debugfs_get(fd, "vsvm_userptr", "longterm_pages"),
		.imports = vsvm_debugfs_get(fd, "vsvm_prime", "imports"),
	};
}

/*
 * Objects are freed when their last reference goes, which a queued job or
 * the free work may still hold for a moment after the files are closed.
 */
static void check_counts(int fd, const struct counts *before)
{
	struct counts now;
	int tries;

	for (tries = 0; tries < 200; tries++) {
		now = read_counts(fd);
		if (!memcmp(&now, before, sizeof(now)))
			return;
		usleep(50000);
	}
	igt_assert_f(false, "counts not back: bo_count %lld (was %lld), userptrs %lld (%lld), "
		     "pinned_pages %lld (%lld), longterm_pages %lld (%lld), imports %lld (%lld)\n",
		     now.bo_count, before->bo_count, now.userptrs, before->userptrs,
		     now.pinned, before->pinned, now.longterm, before->longterm,
		     now.imports, before->imports);
}

/* A real job still runs, on both queues, and writes what it should. */
static void check_device_works(void)
{
	int fd = drm_open_driver(DRIVER_VSVM);
	uint32_t vm = vsvm_vm_create(fd, 0), cmd = vsvm_gem_create(fd, PAGE);
	uint32_t data = vsvm_gem_create(fd, PAGE), q;
	uint32_t *c = vsvm_gem_mmap(fd, cmd, PAGE), *d = vsvm_gem_mmap(fd, data, PAGE);

	igt_assert_eq(vsvm_vm_map(fd, vm, cmd, 0, CMD_VA, PAGE, 0), 0);
	igt_assert_eq(vsvm_vm_map(fd, vm, data, 0, DATA_VA, PAGE, 0), 0);
	for (q = 0; q < 2; q++) {
		struct drm_vsvm_sync out = { .handle = syncobj(fd, 0) };
		struct drm_vsvm_exec e = { .vm_id = vm, .queue = q, .cs_addr = CMD_VA,
					   .cs_size = 16, .out_syncs = (uintptr_t)&out,
					   .num_out_syncs = 1 };
		unsigned int n = 0;

		vsvm_emit_store32(c, &n, PAGE / 4, DATA_VA + 4 * q, 0xf00d0000 + q);
		do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(vsvm_job_end(fd, out.handle), 1);
		igt_assert_eq_u32(d[q], 0xf00d0000 + q);
	}
	munmap(c, PAGE);
	munmap(d, PAGE);
	close(fd);
}

/*
 * A valid argument of ioctl @i in @arg (every struct starts with its
 * extensions), using @vm, @svm_vm, @bo and @mem of @fd.
 */
static void valid_arg(unsigned int i, void *arg, uint32_t vm, uint32_t svm_vm, uint32_t bo,
		      void *mem, struct drm_vsvm_vm_bind_op *op)
{
	memset(arg, 0, 64);
	switch (ioctls[i].nr) {
	case DRM_VSVM_GEM_CREATE:
		((struct drm_vsvm_gem_create *)arg)->size = PAGE;
		break;
	case DRM_VSVM_GEM_MMAP_OFFSET:
		((struct drm_vsvm_gem_mmap_offset *)arg)->handle = bo;
		break;
	case DRM_VSVM_VM_DESTROY:
		((struct drm_vsvm_vm_destroy *)arg)->vm_id = vm;
		break;
	case DRM_VSVM_VM_BIND:
		*op = (struct drm_vsvm_vm_bind_op){ .op = DRM_VSVM_BIND_OP_MAP, .handle = bo,
						    .addr = FUZZ_VA, .range = PAGE };
		*(struct drm_vsvm_vm_bind *)arg = (struct drm_vsvm_vm_bind){
			.vm_id = vm, .num_ops = 1, .ops = (uintptr_t)op };
		break;
	case DRM_VSVM_QUERY:
		((struct drm_vsvm_query *)arg)->query = DRM_VSVM_QUERY_DEVICE;
		break;
	case DRM_VSVM_EXEC:
		*(struct drm_vsvm_exec *)arg = (struct drm_vsvm_exec){
			.vm_id = vm, .cs_addr = CMD_VA, .cs_size = 4 };
		break;
	case DRM_VSVM_GEM_INFO:
		((struct drm_vsvm_gem_info *)arg)->handle = bo;
		break;
	case DRM_VSVM_GEM_USERPTR:
		*(struct drm_vsvm_gem_userptr *)arg = (struct drm_vsvm_gem_userptr){
			.addr = (uintptr_t)mem, .size = PAGE };
		break;
	case DRM_VSVM_SVM_PREFETCH:
		*(struct drm_vsvm_svm_prefetch *)arg = (struct drm_vsvm_svm_prefetch){
			.vm_id = svm_vm, .addr = (uintptr_t)mem, .size = PAGE };
		break;
	case DRM_VSVM_SVM_MADVISE:
		*(struct drm_vsvm_svm_madvise *)arg = (struct drm_vsvm_svm_madvise){
			.vm_id = svm_vm, .attr = DRM_VSVM_SVM_ATTR_READ_ONLY,
			.addr = (uintptr_t)mem, .size = PAGE };
		break;
	case DRM_VSVM_SVM_QUERY:
		*(struct drm_vsvm_svm_query *)arg = (struct drm_vsvm_svm_query){
			.vm_id = svm_vm, .addr = (uintptr_t)mem };
		break;
	case DRM_VSVM_WAIT_USER_FENCE:
		/* The word holds what it is compared with: no wait. */
		*(struct drm_vsvm_wait_user_fence *)arg = (struct drm_vsvm_wait_user_fence){
			.addr = (uintptr_t)mem, .value = *(uint64_t *)mem, .mask = ~0ull,
			.op = DRM_VSVM_UFENCE_OP_EQ };
		break;
	}
}

/* Set by the first fixture; static, as subtests longjmp. */
static uint64_t seed, iters, seconds;

igt_main
{
	struct counts before;
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
		seed = env_u64("VSVM_FUZZ_SEED", 0);
		if (!seed)
			seed = vsvm_now_ns() ^ ((uint64_t)getpid() << 32);
		iters = env_u64("VSVM_FUZZ_ITERS", 30000);
		seconds = env_u64("VSVM_FUZZ_SECONDS", 25);
		igt_info("VSVM_FUZZ_SEED=%#" PRIx64 " VSVM_FUZZ_ITERS=%" PRIu64
			 " VSVM_FUZZ_SECONDS=%" PRIu64 "\n", seed, iters, seconds);
	}

	/*
	 * The errnos every ioctl's documentation lists for its extension
	 * chain, each provoked on an otherwise valid call: an unreadable
	 * chain -EFAULT; an unknown name, a non-zero pad, or a chain looping
	 * on itself -EINVAL (every ioctl refuses its first link, VM_BIND its
	 * second syncs link, before the length limit: the KUnit suite
	 * vsvm_extensions covers -E2BIG).  An ioctl number past vsvm's is
	 * -EINVAL.
	 */
	igt_describe("Each ioctl's documented extension-chain errnos, on otherwise valid "
		     "calls, and -EINVAL for an unknown ioctl number.");
	igt_subtest("documented-errnos") {
		struct drm_vsvm_vm_bind_ext_syncs loop = {
			.base.name = DRM_VSVM_VM_BIND_EXT_SYNCS,
		};
		struct drm_vsvm_user_extension ext = { 0 };
		struct drm_vsvm_vm_create svm = { .flags = DRM_VSVM_VM_CREATE_SVM };
		struct drm_vsvm_vm_bind_op op;
		uint64_t arg[8];
		uint32_t vm, bo, *cmd;
		unsigned int i;
		void *mem;

		vm = vsvm_vm_create(fd, 0);
		bo = vsvm_gem_create(fd, PAGE);
		cmd = vsvm_gem_mmap(fd, bo, PAGE);
		cmd[0] = DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1);
		igt_assert_eq(vsvm_vm_map(fd, vm, bo, 0, CMD_VA, PAGE, 0), 0);
		if (igt_ioctl(fd, DRM_IOCTL_VSVM_VM_CREATE, &svm))
			svm.vm_id = 0;
		mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		igt_assert(mem != MAP_FAILED);
		loop.base.next_extension = (uintptr_t)&loop;

		for (i = 0; i < NUM_IOCTLS; i++) {
			if ((ioctls[i].nr == DRM_VSVM_SVM_PREFETCH ||
			     ioctls[i].nr == DRM_VSVM_SVM_MADVISE ||
			     ioctls[i].nr == DRM_VSVM_SVM_QUERY) && !svm.vm_id)
				continue;
			valid_arg(i, arg, vm, svm.vm_id, bo, mem, &op);
			arg[0] = 8;
			igt_assert_f(ioctl(fd, ioctls[i].cmd, arg) && errno == EFAULT,
				     "%s: unreadable extension: %d\n", ioctls[i].name, errno);
			ext = (struct drm_vsvm_user_extension){ .name = 0x1234 };
			valid_arg(i, arg, vm, svm.vm_id, bo, mem, &op);
			arg[0] = (uintptr_t)&ext;
			igt_assert_f(ioctl(fd, ioctls[i].cmd, arg) && errno == EINVAL,
				     "%s: unknown extension: %d\n", ioctls[i].name, errno);
			ext = (struct drm_vsvm_user_extension){ .pad = 1 };
			if (ioctls[i].nr == DRM_VSVM_VM_BIND)
				ext.name = DRM_VSVM_VM_BIND_EXT_SYNCS;
			valid_arg(i, arg, vm, svm.vm_id, bo, mem, &op);
			arg[0] = (uintptr_t)&ext;
			igt_assert_f(ioctl(fd, ioctls[i].cmd, arg) && errno == EINVAL,
				     "%s: extension pad: %d\n", ioctls[i].name, errno);
			valid_arg(i, arg, vm, svm.vm_id, bo, mem, &op);
			arg[0] = (uintptr_t)&loop;
			igt_assert_f(ioctl(fd, ioctls[i].cmd, arg) && errno == EINVAL,
				     "%s: looping chain: %d\n", ioctls[i].name, errno);
			/* And the valid call succeeds, so the errnos above were the chain's. */
			valid_arg(i, arg, vm, svm.vm_id, bo, mem, &op);
			igt_assert_f(!ioctl(fd, ioctls[i].cmd, arg), "%s: valid call: %d\n",
				     ioctls[i].name, errno);
			if (ioctls[i].nr == DRM_VSVM_VM_BIND)
				igt_assert_eq(vsvm_vm_unmap(fd, vm, FUZZ_VA, PAGE), 0);
			if (ioctls[i].nr == DRM_VSVM_VM_DESTROY) {
				vm = vsvm_vm_create(fd, 0);
				igt_assert_eq(vsvm_vm_map(fd, vm, bo, 0, CMD_VA, PAGE, 0), 0);
			}
		}
		for (i = NUM_IOCTLS; i < 0x60; i++)
			igt_assert_f(ioctl(fd, DRM_IOWR(DRM_COMMAND_BASE + i, arg), arg) &&
				     errno == EINVAL, "ioctl nr %#x: %d\n", i, errno);
		munmap(cmd, PAGE);
		munmap(mem, PAGE);
	}

	igt_describe("Every vsvm ioctl, fuzzed as root; every failure has a documented errno, "
		     "the device still runs a job and its object counts come back.");
	igt_subtest("root") {
		unsigned long bad;

		before = read_counts(fd);
		bad = fuzz_loop(seed, iters, seconds, "root", -1);
		igt_assert_f(!bad, "%lu undocumented errnos (seed %#" PRIx64 ")\n", bad, seed);
		check_device_works();
		check_counts(fd, &before);
	}

	igt_describe("The same as an unprivileged user (uid 65534) on the render nodes, "
		     "with a file of root's inherited (I7: its VMs are root's).");
	igt_subtest("unprivileged") {
		void *foreign_mem;
		int i, foreign;
		char path[64];
		uint32_t up;

		/* As root: the nodes are 0600, and debugfs is root's only. */
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/dev/dri/renderD%d", 128 + i);
			if (!access(path, F_OK))
				igt_assert_eq(chmod(path, 0666), 0);
		}
		before = read_counts(fd);
		/* Root's file, inherited: its VMs belong to root's address space. */
		foreign = drm_open_driver(DRIVER_VSVM);
		foreign_mem = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		igt_assert(foreign_mem != MAP_FAILED);
		up = vsvm_gem_userptr(foreign, foreign_mem, PAGE, 0);
		igt_assert_eq(vsvm_vm_map(foreign, vsvm_vm_create(foreign, 0), up, 0, CMD_VA, PAGE, 0),
			      0);
		{
			struct drm_vsvm_vm_create c = { .flags = DRM_VSVM_VM_CREATE_SVM };

			igt_ioctl(foreign, DRM_IOCTL_VSVM_VM_CREATE, &c);
		}
		igt_fork(child, 1) {
			unsigned long bad;

			igt_assert_eq(setgid(65534), 0);
			igt_assert_eq(setuid(65534), 0);
			bad = fuzz_loop(seed ^ 0x5555, iters, seconds, "uid 65534", foreign);
			igt_assert_f(!bad, "%lu undocumented errnos (seed %#" PRIx64 ")\n", bad,
				     seed ^ 0x5555);
		}
		igt_waitchildren();
		close(foreign);
		munmap(foreign_mem, PAGE);
		for (i = 0; i < 2; i++) {
			snprintf(path, sizeof(path), "/dev/dri/renderD%d", 128 + i);
			if (!access(path, F_OK))
				chmod(path, 0600);
		}
		check_device_works();
		check_counts(fd, &before);
	}

	igt_fixture {
		close(fd);
	}
}
