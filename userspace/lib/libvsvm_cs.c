// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * The command-stream encoder (libvsvm_cs.h).
 */

#include <errno.h>

#include "libvsvm_cs.h"
#include "vsvm_drm.h"

void vsvm_emit(uint32_t *cmd, unsigned int *n, unsigned int max, uint32_t w)
{
	if (*n >= max) {
		/* Too small: mark it, and write nothing from now on. */
		*n = max + 1;
		return;
	}
	cmd[(*n)++] = w;
}

void vsvm_emit64(uint32_t *cmd, unsigned int *n, unsigned int max, uint64_t v)
{
	vsvm_emit(cmd, n, max, (uint32_t)v);
	vsvm_emit(cmd, n, max, v >> 32);
}

/* Room for a command of @words words; marks the overflow if there is none. */
static bool room(unsigned int *n, unsigned int max, unsigned int words)
{
	if (*n <= max && max - *n >= words)
		return true;
	*n = max + 1;
	return false;
}

void vsvm_emit_store32(uint32_t *cmd, unsigned int *n, unsigned int max,
		       uint64_t va, uint32_t v)
{
	if (!room(n, max, 4))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, 0, 4));
	vsvm_emit64(cmd, n, max, va);
	vsvm_emit(cmd, n, max, v);
}

void vsvm_emit_store64(uint32_t *cmd, unsigned int *n, unsigned int max,
		       uint64_t va, uint64_t v)
{
	if (!room(n, max, 5))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_STORE, DRM_VSVM_CMD_64BIT, 5));
	vsvm_emit64(cmd, n, max, va);
	vsvm_emit64(cmd, n, max, v);
}

void vsvm_emit_copy(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t dst, uint64_t src, uint64_t size)
{
	if (!room(n, max, 7))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_COPY, 0, 7));
	vsvm_emit64(cmd, n, max, src);
	vsvm_emit64(cmd, n, max, dst);
	vsvm_emit64(cmd, n, max, size);
}

void vsvm_emit_fill(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t dst, uint32_t pattern, uint64_t size)
{
	if (!room(n, max, 6))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_FILL, 0, 6));
	vsvm_emit64(cmd, n, max, dst);
	vsvm_emit(cmd, n, max, pattern);
	vsvm_emit64(cmd, n, max, size);
}

void vsvm_emit_atomic(uint32_t *cmd, unsigned int *n, unsigned int max,
		      uint8_t flags, uint64_t dst, uint64_t operand,
		      uint64_t compare, uint64_t result)
{
	if (!room(n, max, 9))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_ATOMIC, flags, 9));
	vsvm_emit64(cmd, n, max, dst);
	vsvm_emit64(cmd, n, max, operand);
	vsvm_emit64(cmd, n, max, compare);
	vsvm_emit64(cmd, n, max, result);
}

void vsvm_emit_timestamp(uint32_t *cmd, unsigned int *n, unsigned int max, uint64_t dst)
{
	if (!room(n, max, 3))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_TIMESTAMP, 0, 3));
	vsvm_emit64(cmd, n, max, dst);
}

void vsvm_emit_spin(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t sem, uint32_t value)
{
	if (!room(n, max, 4))
		return;
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_SPIN, 0, 4));
	vsvm_emit64(cmd, n, max, sem);
	vsvm_emit(cmd, n, max, value);
}

void vsvm_emit_end(uint32_t *cmd, unsigned int *n, unsigned int max)
{
	vsvm_emit(cmd, n, max, DRM_VSVM_CMD(DRM_VSVM_CMD_END, 0, 1));
}

void vsvm_cs_init(struct vsvm_cs *cs, void *buf, uint64_t bytes)
{
	cs->words = buf;
	cs->len = 0;
	cs->cap = bytes / 4 > UINT32_MAX - 1 ? UINT32_MAX - 1 : bytes / 4;
	cs->error = 0;
}

/* The builder's overflow, once an emitter found no room. */
static void cs_check(struct vsvm_cs *cs)
{
	if (cs->len > cs->cap)
		cs->error = -ENOSPC;
}

#define CS(cs) (cs)->words, &(cs)->len, (cs)->cap

void vsvm_cs_nop(struct vsvm_cs *cs)
{
	vsvm_emit(CS(cs), DRM_VSVM_CMD(DRM_VSVM_CMD_NOP, 0, 1));
	cs_check(cs);
}

void vsvm_cs_copy(struct vsvm_cs *cs, uint64_t dst, uint64_t src, uint64_t size)
{
	vsvm_emit_copy(CS(cs), dst, src, size);
	cs_check(cs);
}

void vsvm_cs_fill(struct vsvm_cs *cs, uint64_t dst, uint32_t pattern, uint64_t size)
{
	vsvm_emit_fill(CS(cs), dst, pattern, size);
	cs_check(cs);
}

void vsvm_cs_store32(struct vsvm_cs *cs, uint64_t dst, uint32_t value)
{
	vsvm_emit_store32(CS(cs), dst, value);
	cs_check(cs);
}

void vsvm_cs_store64(struct vsvm_cs *cs, uint64_t dst, uint64_t value)
{
	vsvm_emit_store64(CS(cs), dst, value);
	cs_check(cs);
}

void vsvm_cs_atomic(struct vsvm_cs *cs, uint8_t op, bool is64, uint64_t dst,
		    uint64_t operand, uint64_t compare, uint64_t result)
{
	vsvm_emit_atomic(CS(cs), op | (is64 ? DRM_VSVM_CMD_64BIT : 0), dst, operand,
			 compare, result);
	cs_check(cs);
}

void vsvm_cs_timestamp(struct vsvm_cs *cs, uint64_t dst)
{
	vsvm_emit_timestamp(CS(cs), dst);
	cs_check(cs);
}

void vsvm_cs_spin(struct vsvm_cs *cs, uint64_t sem, uint32_t value)
{
	vsvm_emit_spin(CS(cs), sem, value);
	cs_check(cs);
}

void vsvm_cs_end(struct vsvm_cs *cs)
{
	vsvm_emit_end(CS(cs));
	cs_check(cs);
}
