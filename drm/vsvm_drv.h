/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_DRV_H__
#define __VSVM_DRV_H__

#include <linux/atomic.h>
#include <linux/mmu_notifier.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <drm/drm_device.h>
#include <drm/vsvm_drm.h>

#include "vsvm_debug.h"
#include "vsvm_dmachk.h"
#include "vsvm_fb.h"
#include "vsvm_kms.h"
#include "vsvm_prime.h"
#include "vsvm_sched.h"
#include "vsvm_shrinker.h"
#include "vsvm_userptr.h"

struct vsvm_vram;

#define VSVM_DRIVER_NAME	"vsvm"
#define VSVM_DRIVER_DESC	"Virtual GPU for userptr, SVM and dma-buf"

/*
 * The driver's version, reported by DRM_IOCTL_VERSION.  Bump the minor with
 * every uapi addition and say what it added in uapi/drm/vsvm_drm.h.
 */
#define VSVM_DRIVER_MAJOR	1
#define VSVM_DRIVER_MINOR	11
#define VSVM_DRIVER_PATCHLEVEL	0

/** VSVM_MAX_DEVICES - Upper bound of the num_devices module parameter. */
#define VSVM_MAX_DEVICES	16

/** VSVM_MAX_VRAM_MB - Upper bound of a device's VRAM in MiB (vram_mb). */
#define VSVM_MAX_VRAM_MB	4096

/** VSVM_DEVICE_NAME_LEN - Size of &vsvm_device_config.name, NUL included. */
#define VSVM_DEVICE_NAME_LEN	32

/**
 * struct vsvm_device_config - The settings of one device
 *
 * Passed as platform data to the device's probe() (vsvm_device_add());
 * a device without platform data takes vsvm_device_config_default().
 */
struct vsvm_device_config {
	/** @name: A name given by whoever made the device (configfs), or "". */
	char name[VSVM_DEVICE_NAME_LEN];
	/** @num_queues: Hardware queues, 1 .. %VSVM_MAX_QUEUES. */
	u32 num_queues;
	/** @job_timeout_ms: A job running longer is killed, 100 .. 60000. */
	u32 job_timeout_ms;
	/** @max_vms: VMs one file may hold, 1 .. %DRM_VSVM_MAX_VMS. */
	u32 max_vms;
	/** @max_mappings: Mappings one VM may hold, 1 .. %DRM_VSVM_MAX_MAPPINGS. */
	u32 max_mappings;
	/** @vram_mb: Simulated VRAM in MiB, 0 .. %VSVM_MAX_VRAM_MB; 0 for none. */
	u32 vram_mb;
	/** @display: The device has a display (KMS), see the DOC on the display. */
	bool display;
	/** @crtcs: CRTCs and connectors of the display, 1 .. %VSVM_KMS_MAX_CRTCS. */
	u32 crtcs;
};

/**
 * struct vsvm_fault_record - One entry of a device's fault ring
 */
struct vsvm_fault_record {
	/** @client_id: The DRM client id of the file owning the VM. */
	u64 client_id;
	/** @fault: The fault, as QUERY reports it. */
	struct drm_vsvm_fault fault;
};

/**
 * struct vsvm_device - One virtual vsvm device
 *
 * Each device is a platform device with a DRM device (primary and render
 * node) on top.  It is allocated with devm_drm_dev_alloc() in probe(), so
 * it lives until the last reference to the DRM device is dropped, which
 * may be long after remove() has unplugged it (open files keep it).
 */
struct vsvm_device {
	/** @drm: The DRM device; &vsvm_device embeds it. */
	struct drm_device drm;
	/** @pdev: The platform device the DRM device hangs off. */
	struct platform_device *pdev;
	/** @index: This device's number, the platform device's id. */
	unsigned int index;
	/** @config: The settings the device was made with. */
	struct vsvm_device_config config;
	/**
	 * @bo_count: Number of live buffer objects created on this device,
	 * shown in debugfs so that tests can see leaks.
	 */
	atomic_t bo_count;
	/** @bo_bytes: Total size of the objects counted by @bo_count. */
	atomic64_t bo_bytes;
	/** @num_queues: Number of hardware queues. */
	u32 num_queues;
	/** @job_timeout_ms: A job running longer is killed. */
	u32 job_timeout_ms;
	/**
	 * @submit_wq: The schedulers' run_job and free_job work of all the
	 * hardware queues: per-CPU and high priority (see vsvm_sched.c).
	 */
	struct workqueue_struct *submit_wq;
	/** @queues: The hardware queues. */
	struct vsvm_queue queues[VSVM_MAX_QUEUES];
	/** @bind_sched: Runs asynchronous binds (see vsvm_bind.c). */
	struct drm_gpu_scheduler bind_sched;
	/** @bind_name: The name of @bind_sched. */
	char bind_name[24];
	/** @fault_lock: Protects @faults and @fault_seqno. */
	spinlock_t fault_lock;
	/** @fault_seqno: Number of faults recorded so far. */
	u64 fault_seqno;
	/** @faults: The latest faults, a ring indexed by seqno. */
	struct vsvm_fault_record faults[DRM_VSVM_MAX_FAULTS];
	/**
	 * @engine_bytes_per_sec: Throughput limit of COPY and FILL (debugfs
	 * ``engine_bytes_per_sec``), 0 for none.
	 */
	u32 engine_bytes_per_sec;
	/** @mm_ops: This device's address-space binding ops (see vsvm_mm.c). */
	struct mmu_notifier_ops mm_ops;
	/** @lru_lock: Protects @lru. */
	spinlock_t lru_lock;
	/** @lru: Buffer objects holding pages, oldest first (&vsvm_bo.lru). */
	struct list_head lru;
	/** @resident_pages: Pages of the objects on @lru. */
	atomic64_t resident_pages;
	/** @shrinker: Gives idle objects' pages back under memory pressure. */
	struct shrinker *shrinker;
	/** @shrink_stats: Eviction counters (debugfs ``vsvm_shrinker``). */
	struct vsvm_shrink_stats shrink_stats;
	/** @prime_stats: dma-buf counters (debugfs ``vsvm_prime``). */
	struct vsvm_prime_stats prime_stats;
	/** @up_stats: Userptr counters (debugfs ``vsvm_userptr``). */
	struct vsvm_userptr_stats up_stats;
	/** @fb_stats: Framebuffer counters (debugfs ``vsvm_fb``). */
	struct vsvm_fb_stats fb_stats;
	/** @dmachk: The DMA checker. */
	struct vsvm_dmachk dmachk;
	/**
	 * @svm_chunk: Largest SVM fault chunk in bytes (debugfs ``svm_chunk``:
	 * 4096, 65536 or 2097152), 0 for the largest that fits.
	 */
	u32 svm_chunk;
	/**
	 * @ufence_wq: Where WAIT_USER_FENCE sleeps; woken after each user
	 * fence a job writes (vsvm_job_write_user_fence()).
	 */
	wait_queue_head_t ufence_wq;
	/**
	 * @fault_wq: The fault queue: its workers resolve the GPU faults
	 * that parked jobs (see vsvm_fault.c).
	 */
	struct workqueue_struct *fault_wq;
	/** @files_lock: Protects @files. */
	struct mutex files_lock;
	/**
	 * @files: The open files' state (&vsvm_file.link), until their
	 * postclose has torn their VMs down; unlike &drm_device.filelist,
	 * which a file leaves before that.
	 */
	struct list_head files;
	/** @objects_lock: Protects @userptrs and @imports. */
	spinlock_t objects_lock;
	/** @userptrs: Live userptr objects (&vsvm_userptr.dev_link). */
	struct list_head userptrs;
	/** @imports: Live imported objects (&vsvm_import.dev_link). */
	struct list_head imports;
	/**
	 * @vram: The simulated VRAM (see vsvm_vram.c), or NULL: none
	 * configured, or a kernel without CONFIG_DEVICE_PRIVATE.
	 */
	struct vsvm_vram *vram;
	/** @kms: The display, when &vsvm_device_config.display. */
	struct vsvm_kms kms;
	/** @debug: Test knobs (empty without CONFIG_DRM_VSVM_DEBUG). */
	struct vsvm_debug debug;
};

extern struct workqueue_struct *vsvm_wq;

void vsvm_device_config_default(struct vsvm_device_config *cfg);
int vsvm_device_config_check(const struct vsvm_device_config *cfg);
struct platform_device *vsvm_device_add(const struct vsvm_device_config *cfg);
void vsvm_device_del(struct platform_device *pdev);
void vsvm_device_unplug(struct vsvm_device *vdev);

static inline struct vsvm_device *to_vsvm_device(struct drm_device *drm)
{
	return container_of(drm, struct vsvm_device, drm);
}

#endif /* __VSVM_DRV_H__ */
