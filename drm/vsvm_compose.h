/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright © 2026 The vsvm authors
 */
#ifndef __VSVM_COMPOSE_H__
#define __VSVM_COMPOSE_H__

#include <linux/types.h>

#include <drm/drm_rect.h>

struct drm_color_lut;

/** VSVM_COMPOSE_MAX_PLANES - Most planes one frame composes. */
#define VSVM_COMPOSE_MAX_PLANES	8

/** VSVM_COMPOSE_MAX_WIDTH - Widest frame (and plane) the composer takes. */
#define VSVM_COMPOSE_MAX_WIDTH	8192

/** VSVM_COMPOSE_MAX_HEIGHT - Tallest frame (and plane) the composer takes. */
#define VSVM_COMPOSE_MAX_HEIGHT	8192

/**
 * struct vsvm_pixel_src - Where the composer reads a framebuffer's bytes
 *
 * The composer reads memory only through @read, which checks the range
 * and reaches the memory through live, checked mappings (the framebuffer
 * code provides it: see vsvm_fb.h).  It reads one contiguous piece of a
 * line, or of a column strip, per call, never one pixel per call.
 */
struct vsvm_pixel_src {
	/**
	 * @read: Copy @len bytes at byte @offset of the framebuffer's
	 * memory to @dst.  Returns 0, or a negative errno when the range is
	 * out of bounds or the memory is gone: the composer then shows that
	 * piece of the plane as transparent (see
	 * &vsvm_compose_stats.read_errors).  May sleep.
	 */
	int (*read)(void *ctx, u64 offset, void *dst, size_t len);
	/** @ctx: Passed to @read. */
	void *ctx;
};

/**
 * struct vsvm_pixel_dst - Where the composer writes the composed frame
 *
 * The writeback destination: one call per line of the frame.
 */
struct vsvm_pixel_dst {
	/**
	 * @write: Copy @len bytes from @src to byte @offset of the
	 * destination's memory.  Returns 0 or a negative errno (counted in
	 * &vsvm_compose_stats.write_errors; the frame is still composed and
	 * its CRC computed).  May sleep.
	 */
	int (*write)(void *ctx, u64 offset, const void *src, size_t len);
	/** @ctx: Passed to @write. */
	void *ctx;
};

/**
 * struct vsvm_compose_plane - One plane of a frame
 *
 * The plane is unscaled: the size of @src_rect (in whole pixels), rotated
 * by @rotation, is the size of @dst_rect.  @dst_rect may reach past the
 * frame: the composer clips it (and the source with it).
 */
struct vsvm_compose_plane {
	/** @src: The framebuffer's memory (its first color plane). */
	struct vsvm_pixel_src src;
	/** @format: DRM_FORMAT_*, one of vsvm_compose_plane_formats[]. */
	u32 format;
	/** @pitch: Bytes from one line of the framebuffer to the next. */
	u32 pitch;
	/** @offset: Byte offset of pixel (0, 0) in @src's memory. */
	u64 offset;
	/**
	 * @src_rect: The part of the framebuffer shown, in 16.16 fixed point
	 * framebuffer coordinates (the fractional part is ignored).
	 */
	struct drm_rect src_rect;
	/** @dst_rect: Where it is shown, in frame (CRTC) pixels. */
	struct drm_rect dst_rect;
	/**
	 * @rotation: DRM_MODE_ROTATE_* (exactly one) | DRM_MODE_REFLECT_*,
	 * with the meaning drm_rect_rotate() gives them: the source is
	 * reflected, then rotated counter-clockwise.
	 */
	unsigned int rotation;
	/** @alpha: Plane alpha, 0 (transparent) to 0xffff (opaque). */
	u16 alpha;
	/** @blend_mode: DRM_MODE_BLEND_PREMULTI, _COVERAGE or _PIXEL_NONE. */
	u16 blend_mode;
};

/**
 * struct vsvm_compose_stats - What happened while composing one frame
 */
struct vsvm_compose_stats {
	/**
	 * @read_errors: Pieces of planes whose @read failed, and that the
	 * frame shows as transparent.
	 */
	u32 read_errors;
	/** @failed_planes: Bit n set: plane n had a read error. */
	u32 failed_planes;
	/** @write_errors: Lines of the writeback whose @write failed. */
	u32 write_errors;
};

/**
 * struct vsvm_compose_frame - One frame to compose
 *
 * The planes are blended bottom to top over opaque black.  The result
 * goes through @gamma (when set), then to the CRC and to @wb.
 */
struct vsvm_compose_frame {
	/** @width: Frame width in pixels, 1 to %VSVM_COMPOSE_MAX_WIDTH. */
	u32 width;
	/** @height: Frame height in pixels, 1 to %VSVM_COMPOSE_MAX_HEIGHT. */
	u32 height;
	/** @nplanes: Planes used in @planes. */
	unsigned int nplanes;
	/** @planes: The planes, bottom (index 0) to top. */
	struct vsvm_compose_plane planes[VSVM_COMPOSE_MAX_PLANES];
	/** @gamma: The CRTC's gamma LUT, or NULL for none. */
	const struct drm_color_lut *gamma;
	/** @gamma_size: Entries in @gamma (at least 2 when @gamma is set). */
	unsigned int gamma_size;
	/** @wb: The writeback destination, or NULL for none. */
	struct vsvm_pixel_dst *wb;
	/** @wb_format: DRM_FORMAT_* of @wb, one of vsvm_compose_wb_formats[]. */
	u32 wb_format;
	/** @wb_pitch: Bytes from one line of @wb to the next. */
	u32 wb_pitch;
	/** @wb_offset: Byte offset of pixel (0, 0) in @wb's memory. */
	u64 wb_offset;
};

/**
 * struct vsvm_compose_buf - Memory for composing frames
 *
 * Zero it, reserve it for each frame with vsvm_compose_buf_reserve() before
 * the composition (it only grows), and free it with
 * vsvm_compose_buf_fini().
 */
struct vsvm_compose_buf {
	/** @mem: The memory, or NULL. */
	void *mem;
	/** @size: Bytes at @mem. */
	size_t size;
};

extern const u32 vsvm_compose_plane_formats[];
extern const unsigned int vsvm_compose_num_plane_formats;
extern const u32 vsvm_compose_wb_formats[];
extern const unsigned int vsvm_compose_num_wb_formats;

bool vsvm_compose_format_supported(u32 format);
bool vsvm_compose_wb_format_supported(u32 format);
int vsvm_compose_check_plane(const struct vsvm_compose_plane *p);
int vsvm_compose_buf_reserve(struct vsvm_compose_buf *buf, const struct vsvm_compose_frame *f);
void vsvm_compose_buf_fini(struct vsvm_compose_buf *buf);
int vsvm_compose_frame(const struct vsvm_compose_frame *f, struct vsvm_compose_buf *buf,
		       u32 *crc, struct vsvm_compose_stats *stats);

#endif /* __VSVM_COMPOSE_H__ */
