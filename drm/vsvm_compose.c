// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 */

#include <linux/bits.h>
#include <linux/crc32.h>
#include <linux/kernel.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include <drm/drm_blend.h>
#include <drm/drm_color_mgmt.h>
#include <drm/drm_fourcc.h>
#include <drm/drm_rect.h>

#include <kunit/visibility.h>

#include "vsvm_compose.h"

/**
 * DOC: composer
 *
 * The composer turns the planes of a CRTC into one
 * frame, one line at a time, for the CRC and the writeback connector.  It
 * is pure pixel work: the KMS code describes the frame
 * (&struct vsvm_compose_frame) and the framebuffer code gives it a
 * &struct vsvm_pixel_src per plane, through which it reads memory (a
 * contiguous piece of a line per call, never a pixel), and a
 * &struct vsvm_pixel_dst for the writeback.  It never reaches memory any
 * other way, so that the framebuffer code can check every access (the DMA
 * checker sees the composer's reads as it sees the engine's, I10) and a
 * userptr invalidation can wait for the composition in flight (I1/I3).
 *
 * Each line of the frame is built in a line buffer of ARGB16161616 pixels
 * (16 bits per channel; in a u64, alpha in bits 63:48, then red, green,
 * blue in bits 15:0), starting from opaque black.  Each plane, bottom to
 * top, is read into that format and blended over it:
 *
 * - DRM_MODE_BLEND_PIXEL_NONE: ``out = fg * pa + bg * (1 - pa)``;
 * - DRM_MODE_BLEND_PREMULTI: ``out = fg * pa + bg * (1 - fa * pa)``;
 * - DRM_MODE_BLEND_COVERAGE: ``out = fg * fa * pa + bg * (1 - fa * pa)``,
 *
 * per color channel, where ``pa`` is the plane alpha and ``fa`` the
 * pixel's alpha (0xffff for a format without alpha), as fractions of
 * 0xffff.  Each product ``x * y`` of two 16-bit values is
 * ``(x * y + 0x7fff) / 0xffff`` (integer division), computed in that
 * order (``fg * fa * pa`` is ``(fg * fa) * pa`` and ``fa * pa`` is one
 * product), and the sum saturates at 0xffff.  A plane whose alpha is
 * 0xffff and whose format has no alpha is copied (the formulas give the
 * same); a plane whose alpha is 0 is not read at all.
 *
 * Formats are converted to 16 bits per channel as ``(v * 0xffff +
 * m / 2) / m`` for an n-bit value v with ``m = 2^n - 1`` (8-bit values are
 * exactly ``v * 0x101``), and back for the writeback as ``(c * m +
 * 0x7fff) / 0xffff``; a round trip of an n-bit value is exact.  The alpha
 * of a composed pixel is opaque: a writeback format with alpha gets all
 * ones there.
 *
 * A gamma LUT of n entries maps each channel ``c`` through the two entries
 * around ``c * (n - 1) / 0xffff``, linearly interpolated (``lut[i] +
 * ((lut[i + 1] - lut[i]) * f + 0x7fff) / 0xffff`` rounded toward zero for
 * a negative difference, with ``f`` the remainder of that division); the
 * identity LUT of any size is exact.
 *
 * Planes are unscaled (the KMS code rejects scaling in its atomic check).
 * A plane rotated by 90 or 270 degrees is read a column strip at a time:
 * %VSVM_COMPOSE_STRIP_LINES lines of the frame from one read per source
 * line, so that no read is ever one pixel.  The memory the composer uses
 * is a few line buffers and, per rotated plane, one strip (never a frame),
 * in a &struct vsvm_compose_buf that the caller reserves beforehand
 * (vsvm_compose_buf_reserve()) and keeps from frame to frame: composing
 * allocates nothing, so that it may run inside the fence-signalling
 * section in which the framebuffers' memory is held for it (vsvm_fb.h).
 *
 * A read that fails (the range is gone, or out of bounds) makes that piece
 * of the plane transparent (one line, or one strip of a rotated plane):
 * the frame shows what is below and &vsvm_compose_stats.read_errors counts
 * it.  No pixel of memory the read did not return is ever shown.
 *
 * The CRC of a frame is crc32_le() seeded with 0 (no inversion before or
 * after) over every line of the frame, top to bottom, after the gamma LUT,
 * each pixel as 8 bytes: blue, green, red, then 0xffff, each a
 * little-endian 16-bit value (the memory layout of DRM_FORMAT_XRGB16161616
 * with the X bits set).  Equal frames give equal CRCs whatever their
 * planes' formats, and a change of one bit of any 16-bit channel changes
 * it.
 */

/**
 * VSVM_COMPOSE_STRIP_LINES - Frame lines one strip of a rotated plane covers
 */
#define VSVM_COMPOSE_STRIP_LINES	16

#define C16_MAX		0xffffull
#define A16_OPAQUE	(C16_MAX << 48)

/*
 * Channel n (0: blue, 1: green, 2: red, 3: alpha) of an ARGB16161616 pixel,
 * and the pixel made of four channels.
 */
#define PX_CH(px, n)		((u32)((px) >> (16 * (n))) & 0xffff)
#define PX_MAKE(a, r, g, b)	(((u64)(a) << 48) | ((u64)(r) << 32) | ((u64)(g) << 16) | (u64)(b))

/* (x * y + 0x7fff) / 0xffff for 16-bit x and y: see the DOC above. */
static inline u32 mul16(u32 x, u32 y)
{
	return (x * y + 0x7fff) / 0xffff;
}

/* An n-bit value (max m) to 16 bits, rounded. */
static inline u32 up16(u32 v, u32 m)
{
	return (v * 0xffff + m / 2) / m;
}

/* A 16-bit value to n bits (max m), rounded. */
static inline u32 down16(u32 c, u32 m)
{
	return (c * m + 0x7fff) / 0xffff;
}

/*
 * The four bytes of a 32-bit pixel, each widened to 16 bits in place: byte n
 * goes to bits 16n..16n+15, times 0x101 (no carry between the lanes, since
 * 0xff * 0x101 = 0xffff).
 */
static inline u64 spread8(u32 px)
{
	u64 x = px;

	x = (x & 0xff) | ((x & 0xff00) << 8) | ((x & 0xff0000) << 16) | ((x & 0xff000000) << 24);
	return x * 0x101;
}

/* Swap the red and blue channels of an ARGB16161616 pixel. */
static inline u64 swap_rb(u64 px)
{
	return (px & 0xffff0000ffff0000ull) | ((px >> 32) & 0xffff) | ((px & 0xffff) << 32);
}

static void read_xrgb8888(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = spread8(get_unaligned_le32(s + 4 * i)) | A16_OPAQUE;
}

static void read_argb8888(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = spread8(get_unaligned_le32(s + 4 * i));
}

static void read_xbgr8888(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = swap_rb(spread8(get_unaligned_le32(s + 4 * i))) | A16_OPAQUE;
}

static void read_abgr8888(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = swap_rb(spread8(get_unaligned_le32(s + 4 * i)));
}

static void read_xrgb16161616(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = get_unaligned_le64(s + 8 * i) | A16_OPAQUE;
}

static void read_argb16161616(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = get_unaligned_le64(s + 8 * i);
}

static void read_rgb565(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 px = get_unaligned_le16(s + 2 * i);

		dst[i] = PX_MAKE(0xffff, up16(px >> 11, 31), up16((px >> 5) & 0x3f, 63),
				 up16(px & 0x1f, 31));
	}
}

static inline u64 read_2101010(u32 px, u32 a)
{
	return PX_MAKE(a, up16((px >> 20) & 0x3ff, 1023), up16((px >> 10) & 0x3ff, 1023),
		       up16(px & 0x3ff, 1023));
}

static void read_xrgb2101010(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = read_2101010(get_unaligned_le32(s + 4 * i), 0xffff);
}

static void read_argb2101010(u64 *dst, const void *src, unsigned int n)
{
	const u8 *s = src;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u32 px = get_unaligned_le32(s + 4 * i);

		dst[i] = read_2101010(px, (px >> 30) * 0x5555);
	}
}

static void write_xrgb8888(void *dst, const u64 *src, unsigned int n)
{
	u8 *d = dst;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 px = src[i];

		put_unaligned_le32(0xff000000 | down16(PX_CH(px, 2), 255) << 16 |
				   down16(PX_CH(px, 1), 255) << 8 | down16(PX_CH(px, 0), 255),
				   d + 4 * i);
	}
}

static void write_xbgr8888(void *dst, const u64 *src, unsigned int n)
{
	u8 *d = dst;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 px = src[i];

		put_unaligned_le32(0xff000000 | down16(PX_CH(px, 0), 255) << 16 |
				   down16(PX_CH(px, 1), 255) << 8 | down16(PX_CH(px, 2), 255),
				   d + 4 * i);
	}
}

static void write_xrgb16161616(void *dst, const u64 *src, unsigned int n)
{
	u8 *d = dst;
	unsigned int i;

	for (i = 0; i < n; i++)
		put_unaligned_le64(src[i] | A16_OPAQUE, d + 8 * i);
}

static void write_rgb565(void *dst, const u64 *src, unsigned int n)
{
	u8 *d = dst;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 px = src[i];

		put_unaligned_le16(down16(PX_CH(px, 2), 31) << 11 | down16(PX_CH(px, 1), 63) << 5 |
				   down16(PX_CH(px, 0), 31), d + 2 * i);
	}
}

static void write_xrgb2101010(void *dst, const u64 *src, unsigned int n)
{
	u8 *d = dst;
	unsigned int i;

	for (i = 0; i < n; i++) {
		u64 px = src[i];

		put_unaligned_le32(3u << 30 | down16(PX_CH(px, 2), 1023) << 20 |
				   down16(PX_CH(px, 1), 1023) << 10 | down16(PX_CH(px, 0), 1023),
				   d + 4 * i);
	}
}

/**
 * struct compose_format - How the composer reads and writes one format
 */
struct compose_format {
	/** @format: DRM_FORMAT_*. */
	u32 format;
	/** @cpp: Bytes per pixel. */
	u8 cpp;
	/** @alpha: The format has per-pixel alpha. */
	bool alpha;
	/** @read: Converts @n pixels to ARGB16161616. */
	void (*read)(u64 *dst, const void *src, unsigned int n);
	/** @write: Converts @n pixels from ARGB16161616, or NULL. */
	void (*write)(void *dst, const u64 *src, unsigned int n);
};

/*
 * The writeback writes every composed pixel opaque, so the formats with and
 * without alpha share their writers (the X bits are written as ones).
 */
static const struct compose_format compose_formats[] = {
	{ DRM_FORMAT_XRGB8888, 4, false, read_xrgb8888, write_xrgb8888 },
	{ DRM_FORMAT_ARGB8888, 4, true, read_argb8888, write_xrgb8888 },
	{ DRM_FORMAT_XBGR8888, 4, false, read_xbgr8888, write_xbgr8888 },
	{ DRM_FORMAT_ABGR8888, 4, true, read_abgr8888, write_xbgr8888 },
	{ DRM_FORMAT_XRGB16161616, 8, false, read_xrgb16161616, write_xrgb16161616 },
	{ DRM_FORMAT_ARGB16161616, 8, true, read_argb16161616, write_xrgb16161616 },
	{ DRM_FORMAT_RGB565, 2, false, read_rgb565, write_rgb565 },
	{ DRM_FORMAT_XRGB2101010, 4, false, read_xrgb2101010, write_xrgb2101010 },
	{ DRM_FORMAT_ARGB2101010, 4, true, read_argb2101010, write_xrgb2101010 },
};

/** vsvm_compose_plane_formats - The formats a plane may scan out */
const u32 vsvm_compose_plane_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_XRGB16161616,
	DRM_FORMAT_ARGB16161616,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
};

/** vsvm_compose_num_plane_formats - Entries in vsvm_compose_plane_formats[] */
const unsigned int vsvm_compose_num_plane_formats = ARRAY_SIZE(vsvm_compose_plane_formats);

/** vsvm_compose_wb_formats - The formats the writeback may write */
const u32 vsvm_compose_wb_formats[] = {
	DRM_FORMAT_XRGB8888,
	DRM_FORMAT_ARGB8888,
	DRM_FORMAT_XBGR8888,
	DRM_FORMAT_ABGR8888,
	DRM_FORMAT_XRGB16161616,
	DRM_FORMAT_ARGB16161616,
	DRM_FORMAT_RGB565,
	DRM_FORMAT_XRGB2101010,
	DRM_FORMAT_ARGB2101010,
};

/** vsvm_compose_num_wb_formats - Entries in vsvm_compose_wb_formats[] */
const unsigned int vsvm_compose_num_wb_formats = ARRAY_SIZE(vsvm_compose_wb_formats);

static const struct compose_format *compose_format(u32 format)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(compose_formats); i++)
		if (compose_formats[i].format == format)
			return &compose_formats[i];
	return NULL;
}

/**
 * vsvm_compose_format_supported() - Whether a plane may scan out a format
 * @format: DRM_FORMAT_*.
 *
 * Return: true if @format is in vsvm_compose_plane_formats[].
 */
bool vsvm_compose_format_supported(u32 format)
{
	return !!compose_format(format);
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_format_supported);

/**
 * vsvm_compose_wb_format_supported() - Whether the writeback writes a format
 * @format: DRM_FORMAT_*.
 *
 * Return: true if @format is in vsvm_compose_wb_formats[].
 */
bool vsvm_compose_wb_format_supported(u32 format)
{
	const struct compose_format *fmt = compose_format(format);

	return fmt && fmt->write;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_wb_format_supported);

/*
 * The size of a rectangle whose corners may be anywhere in int: 0 if it is
 * empty or wider than the composer takes.
 */
static u32 rect_size(s32 a1, s32 a2, u32 max)
{
	s64 d = (s64)a2 - a1;

	return d > 0 && d <= max ? d : 0;
}

/**
 * vsvm_compose_check_plane() - Check a plane's description
 * @p: The plane.
 *
 * Checks what vsvm_compose_frame() needs of a plane: a supported format, a
 * rotation with exactly one angle, a known blend mode, a source inside the
 * 16.16 coordinate space that is not scaled (its size, rotated, is the
 * size of the destination), and a pitch that holds the source's lines.  The
 * range itself is checked by &vsvm_pixel_src.read.
 *
 * Return: 0, or -EINVAL.
 */
int vsvm_compose_check_plane(const struct vsvm_compose_plane *p)
{
	const struct compose_format *fmt = compose_format(p->format);
	unsigned int rot = p->rotation & DRM_MODE_ROTATE_MASK;
	u32 sw, sh, dw, dh;

	if (!fmt || !p->src.read)
		return -EINVAL;
	if (p->rotation & ~(DRM_MODE_ROTATE_MASK | DRM_MODE_REFLECT_MASK) || hweight32(rot) != 1)
		return -EINVAL;
	if (p->blend_mode != DRM_MODE_BLEND_PIXEL_NONE &&
	    p->blend_mode != DRM_MODE_BLEND_PREMULTI && p->blend_mode != DRM_MODE_BLEND_COVERAGE)
		return -EINVAL;
	if (p->src_rect.x1 < 0 || p->src_rect.y1 < 0)
		return -EINVAL;
	sw = rect_size(p->src_rect.x1 >> 16, p->src_rect.x2 >> 16, VSVM_COMPOSE_MAX_WIDTH);
	sh = rect_size(p->src_rect.y1 >> 16, p->src_rect.y2 >> 16, VSVM_COMPOSE_MAX_HEIGHT);
	dw = rect_size(p->dst_rect.x1, p->dst_rect.x2, VSVM_COMPOSE_MAX_WIDTH);
	dh = rect_size(p->dst_rect.y1, p->dst_rect.y2, VSVM_COMPOSE_MAX_HEIGHT);
	if (!sw || !sh || !dw || !dh)
		return -EINVAL;
	if (rot == DRM_MODE_ROTATE_90 || rot == DRM_MODE_ROTATE_270)
		swap(sw, sh);
	if (sw != dw || sh != dh)
		return -EINVAL;
	if ((u64)p->pitch < ((u64)(p->src_rect.x2 >> 16)) * fmt->cpp)
		return -EINVAL;
	if (p->offset > U64_MAX - (u64)(p->src_rect.y2 >> 16) * p->pitch)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_check_plane);

/**
 * struct compose_plane - A plane while its frame is composed
 */
struct compose_plane {
	/** @p: The plane's description. */
	const struct vsvm_compose_plane *p;
	/** @fmt: Its format. */
	const struct compose_format *fmt;
	/** @clip: Its destination clipped to the frame. */
	struct drm_rect clip;
	/** @sx: Its source's left column, in framebuffer pixels. */
	u32 sx;
	/** @sy: Its source's top line, in framebuffer pixels. */
	u32 sy;
	/** @sw: Its source's width in pixels. */
	u32 sw;
	/** @sh: Its source's height in pixels. */
	u32 sh;
	/** @dw: Its destination's width in pixels, unclipped. */
	u32 dw;
	/** @dh: Its destination's height in pixels, unclipped. */
	u32 dh;
	/** @column: Rotated by 90 or 270: a frame line is a source column. */
	bool column;
	/** @copy: Opaque: its pixels replace what is below. */
	bool copy;
	/** @strip: @column: the converted strip, [k][i] for pixel i of line k. */
	u64 *strip;
	/** @strip_y: @column: the frame line the strip starts at. */
	int strip_y;
	/** @strip_n: @column: the lines the strip holds (0: none). */
	int strip_n;
	/** @strip_ok: @column: the strip was read whole. */
	bool strip_ok;
};

/**
 * struct compose_ctx - The state of one composition
 */
struct compose_ctx {
	/** @f: The frame. */
	const struct vsvm_compose_frame *f;
	/** @stats: What went wrong. */
	struct vsvm_compose_stats stats;
	/** @planes: The visible planes, bottom to top. */
	struct compose_plane planes[VSVM_COMPOSE_MAX_PLANES];
	/** @nplanes: Entries in @planes. */
	unsigned int nplanes;
	/** @line: The frame's line being composed, @f->width pixels. */
	u64 *line;
	/** @tmp: One plane's pixels of the line. */
	u64 *tmp;
	/** @raw: Bytes as read, or as written to the writeback. */
	u8 *raw;
	/** @wb: The writeback's format, or NULL. */
	const struct compose_format *wb;
};

/*
 * Maps the pixel (u, v) of a plane's destination, relative to its unclipped
 * top left corner, to the pixel (a, b) of its source relative to the
 * source's top left corner: the inverse of drm_rect_rotate()'s reflect then
 * rotate.
 */
static void compose_map(const struct compose_plane *cp, int u, int v, int *a, int *b)
{
	unsigned int rotation = cp->p->rotation;
	int x, y;

	switch (rotation & DRM_MODE_ROTATE_MASK) {
	case DRM_MODE_ROTATE_90:
		x = cp->dh - 1 - v;
		y = u;
		break;
	case DRM_MODE_ROTATE_180:
		x = cp->dw - 1 - u;
		y = cp->dh - 1 - v;
		break;
	case DRM_MODE_ROTATE_270:
		x = v;
		y = cp->dw - 1 - u;
		break;
	default:
		x = u;
		y = v;
		break;
	}
	if (rotation & DRM_MODE_REFLECT_X)
		x = cp->sw - 1 - x;
	if (rotation & DRM_MODE_REFLECT_Y)
		y = cp->sh - 1 - y;
	*a = x;
	*b = y;
}

static void reverse_px(u64 *px, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n / 2; i++)
		swap(px[i], px[n - 1 - i]);
}

static int compose_read(struct compose_plane *cp, int a, int b, unsigned int n, u8 *raw)
{
	const struct vsvm_compose_plane *p = cp->p;
	u64 off = p->offset + (u64)(cp->sy + b) * p->pitch + (u64)(cp->sx + a) * cp->fmt->cpp;

	return p->src.read(p->src.ctx, off, raw, (size_t)n * cp->fmt->cpp);
}

/*
 * Reads the strip of a rotated plane that starts at frame line y: for each
 * pixel i of the plane's clipped lines, the pixels of the strip's lines,
 * from one read of the source line that holds them.
 */
static void compose_fill_strip(struct compose_ctx *ctx, struct compose_plane *cp, int y)
{
	int n = drm_rect_width(&cp->clip), lines, i, k;
	int u0 = cp->clip.x1 - cp->p->dst_rect.x1;
	int v0 = y - cp->p->dst_rect.y1;
	int a0, a1, b0, b1, amin;
	u64 *px = ctx->tmp, *s;

	lines = min(VSVM_COMPOSE_STRIP_LINES, cp->clip.y2 - y);
	cp->strip_y = y;
	cp->strip_n = lines;
	cp->strip_ok = false;

	/*
	 * Down the strip the source column changes (a), along a frame line the
	 * source line (b): both by one pixel, in either direction.
	 */
	compose_map(cp, u0, v0, &a0, &b0);
	compose_map(cp, u0, v0 + lines - 1, &a1, &b1);
	amin = min(a0, a1);
	compose_map(cp, u0 + n - 1, v0, &a1, &b1);
	for (i = 0; i < n; i++) {
		int b = b0 <= b1 ? b0 + i : b0 - i;

		if (compose_read(cp, amin, b, lines, ctx->raw)) {
			ctx->stats.read_errors++;
			ctx->stats.failed_planes |= BIT(cp->p - ctx->f->planes);
			return;
		}
		cp->fmt->read(px, ctx->raw, lines);
		s = cp->strip + i;
		if (a0 == amin)
			for (k = 0; k < lines; k++)
				s[k * n] = px[k];
		else
			for (k = 0; k < lines; k++)
				s[k * n] = px[lines - 1 - k];
	}
	cp->strip_ok = true;
}

/*
 * Gets the plane's pixels of frame line y, clipped, into px.  Returns false
 * if they could not be read (the plane is then transparent on this line).
 */
static bool compose_fetch(struct compose_ctx *ctx, struct compose_plane *cp, int y, u64 *px)
{
	int n = drm_rect_width(&cp->clip);
	int a0, b0, a1, b1;

	if (cp->column) {
		if (!cp->strip_n || y >= cp->strip_y + cp->strip_n)
			compose_fill_strip(ctx, cp, y);
		if (!cp->strip_ok)
			return false;
		memcpy(px, cp->strip + (size_t)(y - cp->strip_y) * n, n * sizeof(u64));
		return true;
	}

	compose_map(cp, cp->clip.x1 - cp->p->dst_rect.x1, y - cp->p->dst_rect.y1, &a0, &b0);
	compose_map(cp, cp->clip.x2 - 1 - cp->p->dst_rect.x1, y - cp->p->dst_rect.y1, &a1, &b1);
	if (compose_read(cp, min(a0, a1), b0, n, ctx->raw)) {
		ctx->stats.read_errors++;
		ctx->stats.failed_planes |= BIT(cp->p - ctx->f->planes);
		return false;
	}
	cp->fmt->read(px, ctx->raw, n);
	if (a1 < a0)
		reverse_px(px, n);
	return true;
}

/* An opaque pixel: fg * fw + bg * bw per color channel, saturated. */
static inline u64 blend_px(u64 fg, u32 fw, u64 bg, u32 bw)
{
	u64 out = A16_OPAQUE;
	unsigned int c;

	for (c = 0; c < 3; c++)
		out |= (u64)min(mul16(PX_CH(fg, c), fw) + mul16(PX_CH(bg, c), bw), 0xffffu) <<
		       (16 * c);
	return out;
}

static void blend_none(u64 *dst, const u64 *src, unsigned int n, u32 pa)
{
	u32 ba = 0xffff - pa;
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = blend_px(src[i], pa, dst[i], ba);
}

static void blend_premulti(u64 *dst, const u64 *src, unsigned int n, u32 pa)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = blend_px(src[i], pa, dst[i], 0xffff - mul16(PX_CH(src[i], 3), pa));
}

static void blend_coverage(u64 *dst, const u64 *src, unsigned int n, u32 pa)
{
	unsigned int i, c;

	for (i = 0; i < n; i++) {
		u64 fg = src[i], pre = 0;
		u32 fa = PX_CH(fg, 3);

		/* fg * fa first, then as PREMULTI: the DOC's order of products. */
		for (c = 0; c < 3; c++)
			pre |= (u64)mul16(PX_CH(fg, c), fa) << (16 * c);
		dst[i] = blend_px(pre, pa, dst[i], 0xffff - mul16(fa, pa));
	}
}

static void compose_plane_line(struct compose_ctx *ctx, struct compose_plane *cp, int y)
{
	u64 *dst = ctx->line + cp->clip.x1;
	int n = drm_rect_width(&cp->clip);
	u32 pa = cp->p->alpha;

	if (cp->copy) {
		compose_fetch(ctx, cp, y, dst);
		return;
	}
	if (!compose_fetch(ctx, cp, y, ctx->tmp))
		return;
	/* Opaque pixels (fa = 1): the three modes are the same sum. */
	if (!cp->fmt->alpha) {
		blend_none(dst, ctx->tmp, n, pa);
		return;
	}
	switch (cp->p->blend_mode) {
	case DRM_MODE_BLEND_PIXEL_NONE:
		blend_none(dst, ctx->tmp, n, pa);
		break;
	case DRM_MODE_BLEND_PREMULTI:
		blend_premulti(dst, ctx->tmp, n, pa);
		break;
	default:
		blend_coverage(dst, ctx->tmp, n, pa);
		break;
	}
}

static u32 gamma_ch(const struct drm_color_lut *lut, unsigned int size, u32 c, unsigned int ch)
{
	u32 pos = c * (size - 1), i = pos / 0xffff, f = pos % 0xffff;
	const u16 *e0, *e1;
	s32 d;

	e0 = ch == 0 ? &lut[i].blue : ch == 1 ? &lut[i].green : &lut[i].red;
	if (i + 1 >= size || !f)
		return *e0;
	e1 = ch == 0 ? &lut[i + 1].blue : ch == 1 ? &lut[i + 1].green : &lut[i + 1].red;
	d = (s32)*e1 - *e0;
	if (d >= 0)
		return *e0 + ((u32)d * f + 0x7fff) / 0xffff;
	return *e0 - (((u32)-d * f + 0x7fff) / 0xffff);
}

static void compose_gamma(struct compose_ctx *ctx)
{
	const struct drm_color_lut *lut = ctx->f->gamma;
	unsigned int size = ctx->f->gamma_size, i, c;
	u64 *line = ctx->line;

	for (i = 0; i < ctx->f->width; i++) {
		u64 out = A16_OPAQUE;

		for (c = 0; c < 3; c++)
			out |= (u64)gamma_ch(lut, size, PX_CH(line[i], c), c) << (16 * c);
		line[i] = out;
	}
}

static u32 compose_crc_line(struct compose_ctx *ctx, u32 crc)
{
	unsigned int width = ctx->f->width;

	if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN)) {
		unsigned int i;

		for (i = 0; i < width; i++)
			put_unaligned_le64(ctx->line[i], ctx->raw + 8 * i);
		return crc32_le(crc, ctx->raw, (size_t)width * 8);
	}
	return crc32_le(crc, (const u8 *)ctx->line, (size_t)width * 8);
}

static int compose_check(const struct vsvm_compose_frame *f)
{
	const struct compose_format *wb;
	unsigned int i;

	if (!f->width || f->width > VSVM_COMPOSE_MAX_WIDTH || !f->height ||
	    f->height > VSVM_COMPOSE_MAX_HEIGHT || f->nplanes > VSVM_COMPOSE_MAX_PLANES)
		return -EINVAL;
	if (f->gamma && (f->gamma_size < 2 || f->gamma_size > 0x10000))
		return -EINVAL;
	if (f->wb) {
		wb = compose_format(f->wb_format);
		if (!wb || !wb->write || !f->wb->write ||
		    f->wb_pitch < (u64)f->width * wb->cpp)
			return -EINVAL;
	}
	for (i = 0; i < f->nplanes; i++)
		if (vsvm_compose_check_plane(&f->planes[i]))
			return -EINVAL;
	return 0;
}

/*
 * Where the plane's strip goes if it is rotated by 90 or 270 degrees: its
 * destination clipped to the frame, or false if it is not visible.
 */
static bool compose_clip(const struct vsvm_compose_frame *f, const struct vsvm_compose_plane *p,
			 struct drm_rect *clip)
{
	struct drm_rect frame = DRM_RECT_INIT(0, 0, f->width, f->height);

	*clip = p->dst_rect;
	return drm_rect_intersect(clip, &frame);
}

static bool compose_column(const struct vsvm_compose_plane *p)
{
	unsigned int rot = p->rotation & DRM_MODE_ROTATE_MASK;

	return rot == DRM_MODE_ROTATE_90 || rot == DRM_MODE_ROTATE_270;
}

/* The line buffers' length in pixels: a frame line, or a strip's. */
static size_t compose_line_len(const struct vsvm_compose_frame *f)
{
	return max_t(size_t, f->width, VSVM_COMPOSE_STRIP_LINES);
}

/* The bytes of &vsvm_compose_buf that composing @f needs. */
static size_t compose_buf_need(const struct vsvm_compose_frame *f)
{
	size_t need = ALIGN(sizeof(struct compose_ctx), sizeof(u64));
	struct drm_rect clip;
	unsigned int i;

	/* line (frame width), tmp and raw (the longer of a line and a strip). */
	need += (f->width + 2 * compose_line_len(f)) * sizeof(u64);
	for (i = 0; i < f->nplanes; i++)
		if (compose_column(&f->planes[i]) && compose_clip(f, &f->planes[i], &clip))
			need += (size_t)drm_rect_width(&clip) * VSVM_COMPOSE_STRIP_LINES *
				sizeof(u64);
	return need;
}

/**
 * vsvm_compose_buf_reserve() - Make a composition buffer big enough for a frame
 * @buf: The buffer: zeroed at first, then kept from frame to frame.
 * @f: The frame about to be composed; only its size and its planes'
 *	rectangles and rotations count.
 *
 * Grows @buf to what vsvm_compose_frame() needs for @f: a few lines of the
 * frame, and a strip of 16 lines per plane rotated by 90 or 270 degrees.
 * It allocates, so call it before the composition's fence-signalling
 * section (see vsvm_fb.h); vsvm_compose_frame() itself never allocates.
 *
 * Return: 0, -EINVAL if @f's size or plane count is out of range, or
 * -ENOMEM (@buf is then as it was).
 */
int vsvm_compose_buf_reserve(struct vsvm_compose_buf *buf, const struct vsvm_compose_frame *f)
{
	size_t need;
	void *mem;

	if (!f->width || f->width > VSVM_COMPOSE_MAX_WIDTH || !f->height ||
	    f->height > VSVM_COMPOSE_MAX_HEIGHT || f->nplanes > VSVM_COMPOSE_MAX_PLANES)
		return -EINVAL;
	need = compose_buf_need(f);
	if (need <= buf->size)
		return 0;
	mem = kvmalloc(need, GFP_KERNEL);
	if (!mem)
		return -ENOMEM;
	kvfree(buf->mem);
	buf->mem = mem;
	buf->size = need;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_buf_reserve);

/**
 * vsvm_compose_buf_fini() - Free a composition buffer
 * @buf: The buffer; it is left empty, ready for another reserve.
 */
void vsvm_compose_buf_fini(struct vsvm_compose_buf *buf)
{
	kvfree(buf->mem);
	buf->mem = NULL;
	buf->size = 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_buf_fini);

/* Lays the composition out in @buf, which compose_buf_need() sized. */
static struct compose_ctx *compose_init(const struct vsvm_compose_frame *f,
					struct vsvm_compose_buf *buf)
{
	struct compose_ctx *ctx = buf->mem;
	size_t n = compose_line_len(f);
	unsigned int i;
	u64 *next;

	memset(ctx, 0, sizeof(*ctx));
	ctx->f = f;
	if (f->wb)
		ctx->wb = compose_format(f->wb_format);
	ctx->line = (u64 *)((u8 *)buf->mem + ALIGN(sizeof(*ctx), sizeof(u64)));
	ctx->tmp = ctx->line + f->width;
	ctx->raw = (u8 *)(ctx->tmp + n);
	next = ctx->tmp + 2 * n;

	for (i = 0; i < f->nplanes; i++) {
		const struct vsvm_compose_plane *p = &f->planes[i];
		struct compose_plane *cp = &ctx->planes[ctx->nplanes];

		if (!compose_clip(f, p, &cp->clip))
			continue;
		/* Its strip is reserved even when it is not read. */
		cp->column = compose_column(p);
		if (cp->column) {
			cp->strip = next;
			next += (size_t)drm_rect_width(&cp->clip) * VSVM_COMPOSE_STRIP_LINES;
		}
		/* A transparent plane changes nothing, whatever its blend mode. */
		if (!p->alpha)
			continue;
		cp->p = p;
		cp->fmt = compose_format(p->format);
		cp->sx = p->src_rect.x1 >> 16;
		cp->sy = p->src_rect.y1 >> 16;
		cp->sw = (p->src_rect.x2 >> 16) - cp->sx;
		cp->sh = (p->src_rect.y2 >> 16) - cp->sy;
		cp->dw = drm_rect_width(&p->dst_rect);
		cp->dh = drm_rect_height(&p->dst_rect);
		cp->copy = p->alpha == 0xffff && !cp->fmt->alpha;
		ctx->nplanes++;
	}
	return ctx;
}

/**
 * vsvm_compose_frame() - Compose a frame
 * @f: The frame.
 * @buf: A buffer vsvm_compose_buf_reserve() made big enough for @f.
 * @crc: Where its CRC goes (see the DOC on the composer), or NULL.
 * @stats: Where to count what failed, or NULL.
 *
 * Composes @f line by line, bottom plane to top over opaque black, through
 * the gamma LUT, into its CRC and writeback.  Reads and writes go through
 * the planes' &vsvm_pixel_src and the &vsvm_pixel_dst only; their errors
 * do not stop the frame (see &struct vsvm_compose_stats).  It allocates no
 * memory and waits for nothing but its callbacks, so that it may run in
 * the fence-signalling section that vsvm_fb_begin_access() opens (I2: a
 * userptr invalidation or an eviction may be waiting for that fence).
 *
 * Return: 0, -EINVAL if @f is not a frame the composer takes (see
 * vsvm_compose_check_plane()), or -ENOSPC if @buf was not reserved for it.
 */
int vsvm_compose_frame(const struct vsvm_compose_frame *f, struct vsvm_compose_buf *buf,
		       u32 *crc, struct vsvm_compose_stats *stats)
{
	struct compose_ctx *ctx;
	u32 y, i, c = 0;
	int ret;

	ret = compose_check(f);
	if (ret)
		return ret;
	if (!buf->mem || buf->size < compose_buf_need(f))
		return -ENOSPC;
	ctx = compose_init(f, buf);

	for (y = 0; y < f->height; y++) {
		for (i = 0; i < f->width; i++)
			ctx->line[i] = A16_OPAQUE;
		for (i = 0; i < ctx->nplanes; i++) {
			struct compose_plane *cp = &ctx->planes[i];

			if (y >= cp->clip.y1 && y < cp->clip.y2)
				compose_plane_line(ctx, cp, y);
		}
		if (f->gamma)
			compose_gamma(ctx);
		if (crc)
			c = compose_crc_line(ctx, c);
		if (ctx->wb) {
			ctx->wb->write(ctx->raw, ctx->line, f->width);
			if (f->wb->write(f->wb->ctx, f->wb_offset + (u64)y * f->wb_pitch, ctx->raw,
					 (size_t)f->width * ctx->wb->cpp))
				ctx->stats.write_errors++;
		}
	}
	if (crc)
		*crc = c;
	if (stats)
		*stats = ctx->stats;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vsvm_compose_frame);
