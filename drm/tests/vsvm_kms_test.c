// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * KUnit tests of the display: the platform driver's shutdown() (a device
 * made with a display, its CRTC turned on by an atomic commit made here,
 * is shut down as at reboot or power-off; the display must be off after
 * it), and the cursor plane's async update hooks given a fence that is not
 * signalled (refused by the check, never waited for by the update).
 */

#include <linux/completion.h>
#include <linux/dma-fence.h>
#include <linux/jiffies.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <kunit/test.h>

#include <drm/drm_atomic.h>
#include <drm/drm_atomic_uapi.h>
#include <drm/drm_connector.h>
#include <drm/drm_crtc.h>
#include <drm/drm_edid.h>
#include <drm/drm_modes.h>
#include <drm/drm_modeset_helper_vtables.h>
#include <drm/drm_modeset_lock.h>
#include <drm/drm_plane.h>
#include <drm/drm_vblank.h>

#include "vsvm_drv.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Turns @crtc on with a 1024x768 mode, feeding the first connector. */
static int kms_test_crtc_on(struct kunit *test, struct drm_device *drm, struct drm_crtc *crtc)
{
	struct drm_modeset_acquire_ctx ctx;
	struct drm_connector_list_iter iter;
	struct drm_connector_state *conn_state;
	struct drm_crtc_state *crtc_state;
	struct drm_connector *connector;
	struct drm_atomic_state *state;
	struct drm_display_mode *mode;
	int ret;

	mode = drm_cvt_mode(drm, 1024, 768, 60, false, false, false);
	KUNIT_ASSERT_NOT_NULL(test, mode);
	/* The CRTC timings the vblank period is computed from. */
	drm_mode_set_crtcinfo(mode, CRTC_INTERLACE_HALVE_V);
	drm_connector_list_iter_begin(drm, &iter);
	connector = drm_connector_list_iter_next(&iter);
	drm_connector_list_iter_end(&iter);
	KUNIT_ASSERT_NOT_NULL(test, connector);

	drm_modeset_acquire_init(&ctx, 0);
	state = drm_atomic_state_alloc(drm);
	KUNIT_ASSERT_NOT_NULL(test, state);
	state->acquire_ctx = &ctx;
retry:
	crtc_state = drm_atomic_get_crtc_state(state, crtc);
	ret = PTR_ERR_OR_ZERO(crtc_state);
	if (!ret)
		ret = drm_atomic_set_mode_for_crtc(crtc_state, mode);
	if (!ret) {
		crtc_state->active = true;
		conn_state = drm_atomic_get_connector_state(state, connector);
		ret = PTR_ERR_OR_ZERO(conn_state);
	}
	if (!ret)
		ret = drm_atomic_set_crtc_for_connector(conn_state, crtc);
	if (!ret)
		ret = drm_atomic_commit(state);
	if (ret == -EDEADLK) {
		drm_atomic_state_clear(state);
		drm_modeset_backoff(&ctx);
		goto retry;
	}
	drm_atomic_state_put(state);
	drm_modeset_drop_locks(&ctx);
	drm_modeset_acquire_fini(&ctx);
	drm_mode_destroy(drm, mode);
	return ret;
}

static void vsvm_test_shutdown_display_off(struct kunit *test)
{
	struct platform_driver *pdrv;
	struct platform_device *pdev;
	struct vsvm_device *vdev;
	struct drm_crtc *crtc;
	int ret;

	pdev = vsvm_device_add(NULL);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(pdev), "vsvm_device_add(): %ld", PTR_ERR(pdev));
	vdev = platform_get_drvdata(pdev);
	if (!vdev->kms.enabled) {
		vsvm_device_del(pdev);
		kunit_skip(test, "no display (module parameter display=0)");
	}
	crtc = drm_crtc_from_index(&vdev->drm, 0);
	KUNIT_ASSERT_NOT_NULL(test, crtc);
	KUNIT_ASSERT_EQ(test, kms_test_crtc_on(test, &vdev->drm, crtc), 0);
	KUNIT_EXPECT_TRUE(test, crtc->state->active);
	/* The vblank timer runs. */
	ret = drm_crtc_vblank_get(crtc);
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (!ret)
		drm_crtc_vblank_put(crtc);

	/* As device_shutdown() at reboot: the driver's shutdown(), if any. */
	pdrv = to_platform_driver(pdev->dev.driver);
	KUNIT_EXPECT_NOT_NULL_MSG(test, pdrv->shutdown, "the platform driver has no shutdown()");
	if (pdrv->shutdown)
		pdrv->shutdown(pdev);
	KUNIT_EXPECT_FALSE_MSG(test, crtc->state->active, "the CRTC is still on after shutdown()");
	/* No vblank timer: drm_crtc_vblank_get() refuses a CRTC that is off. */
	ret = drm_crtc_vblank_get(crtc);
	KUNIT_EXPECT_NE(test, ret, 0);
	if (!ret)
		drm_crtc_vblank_put(crtc);

	vsvm_device_del(pdev);
}

static const char *kms_test_fence_name(struct dma_fence *fence)
{
	return "vsvm_kms_test";
}

static const struct dma_fence_ops kms_test_fence_ops = {
	.get_driver_name = kms_test_fence_name,
	.get_timeline_name = kms_test_fence_name,
};

static DEFINE_SPINLOCK(kms_test_fence_lock);

/**
 * struct kms_test_async - The cursor's async update, run by a worker
 */
struct kms_test_async {
	/** @work: Calls the update. */
	struct work_struct work;
	/** @plane: The cursor plane. */
	struct drm_plane *plane;
	/** @state: The update. */
	struct drm_atomic_state *state;
	/** @done: Completed when the update returned. */
	struct completion done;
};

static void kms_test_async_work(struct work_struct *work)
{
	struct kms_test_async *a = container_of(work, struct kms_test_async, work);
	const struct drm_plane_helper_funcs *funcs = a->plane->helper_private;

	funcs->atomic_async_update(a->plane, a->state);
	complete(&a->done);
}

/*
 * The cursor plane's atomic_async_check refuses an update whose fence is
 * not signalled (-EBUSY: drm_atomic_helper_check() then makes it an
 * ordinary commit), and its atomic_async_update, which runs under the
 * CRTC's locks, never waits for a fence.  Here the hooks are called as
 * drm_atomic_helper_async_check() and drm_atomic_helper_async_commit()
 * would, on a cursor update of an active CRTC given a fence nobody
 * signals until the test does.
 */
static void vsvm_test_cursor_async_fence(struct kunit *test)
{
	const struct drm_plane_helper_funcs *funcs;
	struct drm_modeset_acquire_ctx ctx;
	struct drm_plane_state *plane_state;
	struct drm_plane *plane, *cursor = NULL;
	struct drm_atomic_state *state;
	struct platform_device *pdev;
	struct vsvm_device *vdev;
	struct kms_test_async a;
	struct dma_fence *fence;
	struct drm_crtc *crtc;
	bool waited;
	int ret;

	pdev = vsvm_device_add(NULL);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(pdev), "vsvm_device_add(): %ld", PTR_ERR(pdev));
	vdev = platform_get_drvdata(pdev);
	if (!vdev->kms.enabled) {
		vsvm_device_del(pdev);
		kunit_skip(test, "no display (module parameter display=0)");
	}
	crtc = drm_crtc_from_index(&vdev->drm, 0);
	KUNIT_ASSERT_NOT_NULL(test, crtc);
	drm_for_each_plane(plane, &vdev->drm)
		if (plane->type == DRM_PLANE_TYPE_CURSOR &&
		    (plane->possible_crtcs & drm_crtc_mask(crtc)))
			cursor = plane;
	KUNIT_ASSERT_NOT_NULL(test, cursor);
	funcs = cursor->helper_private;
	KUNIT_ASSERT_TRUE(test, funcs && funcs->atomic_async_check && funcs->atomic_async_update);
	KUNIT_ASSERT_EQ(test, kms_test_crtc_on(test, &vdev->drm, crtc), 0);

	fence = kzalloc(sizeof(*fence), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fence);
	dma_fence_init(fence, &kms_test_fence_ops, &kms_test_fence_lock,
		       dma_fence_context_alloc(1), 1);

	drm_modeset_acquire_init(&ctx, 0);
	state = drm_atomic_state_alloc(&vdev->drm);
	KUNIT_ASSERT_NOT_NULL(test, state);
	state->acquire_ctx = &ctx;
	state->legacy_cursor_update = true;
retry:
	plane_state = drm_atomic_get_plane_state(state, cursor);
	ret = PTR_ERR_OR_ZERO(plane_state);
	if (!ret)
		ret = drm_atomic_set_crtc_for_plane(plane_state, crtc);
	if (ret == -EDEADLK) {
		drm_atomic_state_clear(state);
		drm_modeset_backoff(&ctx);
		goto retry;
	}
	KUNIT_EXPECT_EQ(test, ret, 0);
	if (ret)
		goto out;
	/* The state's reference: dropped with the state. */
	plane_state->fence = dma_fence_get(fence);

	ret = funcs->atomic_async_check(cursor, state);
	KUNIT_EXPECT_EQ_MSG(test, ret, -EBUSY,
			    "an update with an unsignalled fence passed the async check");

	/* The update itself must not wait, whatever its check said. */
	INIT_WORK_ONSTACK(&a.work, kms_test_async_work);
	init_completion(&a.done);
	a.plane = cursor;
	a.state = state;
	queue_work(system_unbound_wq, &a.work);
	waited = !wait_for_completion_timeout(&a.done, msecs_to_jiffies(5000));
	dma_fence_signal(fence);
	flush_work(&a.work);
	destroy_work_on_stack(&a.work);
	KUNIT_EXPECT_FALSE_MSG(test, waited,
			       "the async update waited for an unsignalled fence under the CRTC locks");

out:
	drm_atomic_state_put(state);
	drm_modeset_drop_locks(&ctx);
	drm_modeset_acquire_fini(&ctx);
	dma_fence_signal(fence);
	dma_fence_put(fence);
	vsvm_device_del(pdev);
}

static struct kunit_case vsvm_kms_cases[] = {
	KUNIT_CASE(vsvm_test_shutdown_display_off),
	KUNIT_CASE(vsvm_test_cursor_async_fence),
	{}
};

static struct kunit_suite vsvm_kms_suite = {
	.name = "vsvm_kms",
	.test_cases = vsvm_kms_cases,
};

kunit_test_suite(vsvm_kms_suite);
