// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright © 2026 The vsvm authors
 *
 * KUnit tests of the engine's command-stream decoder: every command, and
 * truncated and malformed streams; and of FILL's word-wide pattern writer
 * against the byte-by-byte definition, at every alignment and phase.
 */

#include <kunit/test.h>

#include <drm/vsvm_drm.h>

#include "vsvm_engine.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define CMD DRM_VSVM_CMD

static void vsvm_test_decode_each(struct kunit *test)
{
	u32 dw[9] = { 0, 0x1000, 0x2, 0x3000, 0x4, 0x5000, 0x6, 0x7000, 0x8 };
	struct vsvm_cmd cmd;

	dw[0] = CMD(DRM_VSVM_CMD_NOP, 0, 1);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 1);
	KUNIT_EXPECT_EQ(test, cmd.op, DRM_VSVM_CMD_NOP);

	dw[0] = CMD(DRM_VSVM_CMD_COPY, 0, 7);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 7);
	KUNIT_EXPECT_EQ(test, cmd.src, 0x200001000ull);
	KUNIT_EXPECT_EQ(test, cmd.dst, 0x400003000ull);
	KUNIT_EXPECT_EQ(test, cmd.size, 0x600005000ull);

	dw[0] = CMD(DRM_VSVM_CMD_FILL, 0, 6);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 6);
	KUNIT_EXPECT_EQ(test, cmd.dst, 0x200001000ull);
	KUNIT_EXPECT_EQ(test, cmd.value, 0x3000);
	KUNIT_EXPECT_EQ(test, cmd.size, 0x500000000004ull);

	dw[0] = CMD(DRM_VSVM_CMD_STORE, 0, 4);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 4);
	KUNIT_EXPECT_EQ(test, cmd.value, 0x3000);
	dw[0] = CMD(DRM_VSVM_CMD_STORE, DRM_VSVM_CMD_64BIT, 5);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 5);
	KUNIT_EXPECT_EQ(test, cmd.value, 0x400003000ull);

	dw[0] = CMD(DRM_VSVM_CMD_ATOMIC, DRM_VSVM_CMD_64BIT | DRM_VSVM_ATOMIC_CMPXCHG, 9);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 9);
	KUNIT_EXPECT_EQ(test, cmd.dst, 0x200001000ull);
	KUNIT_EXPECT_EQ(test, cmd.value, 0x400003000ull);
	KUNIT_EXPECT_EQ(test, cmd.compare, 0x600005000ull);
	KUNIT_EXPECT_EQ(test, cmd.result, 0x800007000ull);

	dw[0] = CMD(DRM_VSVM_CMD_TIMESTAMP, 0, 3);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 3);
	dw[0] = CMD(DRM_VSVM_CMD_SPIN, 0, 4);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 4);
	KUNIT_EXPECT_EQ(test, cmd.value, 0x3000);
	dw[0] = CMD(DRM_VSVM_CMD_END, 0, 1);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), 1);
}

static void vsvm_test_decode_malformed(struct kunit *test)
{
	u32 dw[9] = {};
	struct vsvm_cmd cmd;

	/* Nothing left, a zero length, an unknown opcode. */
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 0, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_NOP, 0, 0);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(0x08, 0, 1);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(0xff, 0, 1);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	/* Lengths that are not the opcode's. */
	dw[0] = CMD(DRM_VSVM_CMD_COPY, 0, 6);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_STORE, 0, 5);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_STORE, DRM_VSVM_CMD_64BIT, 4);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_NOP, 0, 2);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	/* Unknown flags. */
	dw[0] = CMD(DRM_VSVM_CMD_NOP, 1, 1);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_STORE, 1, 4);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_ATOMIC, 3, 9);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	dw[0] = CMD(DRM_VSVM_CMD_COPY, DRM_VSVM_CMD_64BIT, 7);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 9, &cmd), -EINVAL);
	/* Cut off by the end of the stream, by one word or more. */
	dw[0] = CMD(DRM_VSVM_CMD_COPY, 0, 7);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 6, &cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 1, &cmd), -EINVAL);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 7, &cmd), 7);
	dw[0] = CMD(DRM_VSVM_CMD_ATOMIC, 0, 9);
	KUNIT_EXPECT_EQ(test, vsvm_cmd_decode(dw, 8, &cmd), -EINVAL);
}

/*
 * FILL: byte k of the FILL is byte (k % 4) of the pattern.  Every start
 * alignment (0..15), phase (0..3) and a range of lengths, with guard bytes
 * on both sides that must stay untouched.
 */
static void vsvm_test_fill_pattern(struct kunit *test)
{
	const u32 pattern = 0xa1b2c3d4;
	u8 *buf = kunit_kzalloc(test, 256, GFP_KERNEL);
	u32 align, phase, len, i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (align = 0; align < 16; align++)
		for (phase = 0; phase < 4; phase++)
			for (len = 0; len <= 100; len++) {
				memset(buf, 0xee, 256);
				vsvm_fill_pattern(buf + 16 + align, pattern, phase, len);
				for (i = 0; i < 256; i++) {
					u32 k = i - 16 - align;
					u8 want = i >= 16 + align && k < len ?
						  (u8)(pattern >> (8 * ((phase + k) & 3))) : 0xee;

					KUNIT_ASSERT_EQ_MSG(test, buf[i], want,
							    "align %u phase %u len %u byte %u",
							    align, phase, len, i);
				}
			}
}

static struct kunit_case vsvm_engine_cases[] = {
	KUNIT_CASE(vsvm_test_decode_each),
	KUNIT_CASE(vsvm_test_decode_malformed),
	KUNIT_CASE(vsvm_test_fill_pattern),
	{}
};

static struct kunit_suite vsvm_engine_suite = {
	.name = "vsvm_engine",
	.test_cases = vsvm_engine_cases,
};

kunit_test_suite(vsvm_engine_suite);
