/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * libvsvm's command-stream encoder: the one place that knows how the
 * engine's commands (DRM_VSVM_CMD_*, see vsvm_drm.h) are laid out in words.
 * libvsvm.h includes it; the IGT tests include it alone, since their own
 * fd-based helpers share names with libvsvm's device-based ones.
 */
#ifndef LIBVSVM_CS_H
#define LIBVSVM_CS_H

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The emitters write commands into @cmd, a CPU mapping of a command buffer
 * of @max words; *@n counts the words emitted so far and is advanced.  A
 * command that does not fit is not written, nor is anything after it: *@n
 * is then @max + 1, so "*n > max" after the last call says the buffer was
 * too small.  The stream is *@n * 4 bytes long.
 */

/* One raw word. */
void vsvm_emit(uint32_t *cmd, unsigned int *n, unsigned int max, uint32_t w);
/* A 64-bit value as two words, low word first. */
void vsvm_emit64(uint32_t *cmd, unsigned int *n, unsigned int max, uint64_t v);
/* STORE of the 32-bit @v at GPU address @va. */
void vsvm_emit_store32(uint32_t *cmd, unsigned int *n, unsigned int max,
		       uint64_t va, uint32_t v);
/* STORE of the 64-bit @v at GPU address @va. */
void vsvm_emit_store64(uint32_t *cmd, unsigned int *n, unsigned int max,
		       uint64_t va, uint64_t v);
/* COPY of @size bytes from GPU address @src to @dst. */
void vsvm_emit_copy(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t dst, uint64_t src, uint64_t size);
/* FILL of @size bytes at @dst with the 32-bit @pattern. */
void vsvm_emit_fill(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t dst, uint32_t pattern, uint64_t size);
/*
 * ATOMIC at @dst; @flags is the op (DRM_VSVM_ATOMIC_*) ORed with
 * DRM_VSVM_CMD_64BIT for a 64-bit access; the old value goes to @result.
 */
void vsvm_emit_atomic(uint32_t *cmd, unsigned int *n, unsigned int max,
		      uint8_t flags, uint64_t dst, uint64_t operand,
		      uint64_t compare, uint64_t result);
/* TIMESTAMP: the engine's clock, 64 bits, to @dst. */
void vsvm_emit_timestamp(uint32_t *cmd, unsigned int *n, unsigned int max, uint64_t dst);
/* SPIN until the 32-bit word at @sem equals @value. */
void vsvm_emit_spin(uint32_t *cmd, unsigned int *n, unsigned int max,
		    uint64_t sem, uint32_t value);
/* END of the stream. */
void vsvm_emit_end(uint32_t *cmd, unsigned int *n, unsigned int max);

/*
 * The same encoder behind a builder that remembers the buffer: emitting
 * past the end sets an error that vsvm_cs_finish() reports; the words
 * already emitted stay valid.
 */
struct vsvm_cs {
	uint32_t *words;
	uint32_t len, cap;
	int error;
};

void vsvm_cs_init(struct vsvm_cs *cs, void *buf, uint64_t bytes);
void vsvm_cs_nop(struct vsvm_cs *cs);
void vsvm_cs_copy(struct vsvm_cs *cs, uint64_t dst, uint64_t src, uint64_t size);
void vsvm_cs_fill(struct vsvm_cs *cs, uint64_t dst, uint32_t pattern, uint64_t size);
void vsvm_cs_store32(struct vsvm_cs *cs, uint64_t dst, uint32_t value);
void vsvm_cs_store64(struct vsvm_cs *cs, uint64_t dst, uint64_t value);
void vsvm_cs_atomic(struct vsvm_cs *cs, uint8_t op, bool is64, uint64_t dst,
		    uint64_t operand, uint64_t compare, uint64_t result);
void vsvm_cs_timestamp(struct vsvm_cs *cs, uint64_t dst);
void vsvm_cs_spin(struct vsvm_cs *cs, uint64_t sem, uint32_t value);
void vsvm_cs_end(struct vsvm_cs *cs);
/* The stream's size in bytes, or -ENOSPC if it overflowed its buffer. */
int64_t vsvm_cs_finish(struct vsvm_cs *cs);

#ifdef __cplusplus
}
#endif

#endif /* LIBVSVM_CS_H */
