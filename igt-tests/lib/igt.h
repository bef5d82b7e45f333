/* SPDX-License-Identifier: MIT */
/*
 * Copyright © 2026 The vsvm authors
 *
 * A small implementation of the subset of IGT's API (igt_core.h, drmtest.h,
 * ioctl_wrappers.h, igt_debugfs.h) that vsvm's tests use, with IGT's
 * behaviour: subtests, fixtures, asserts, skips, forked children, exit codes
 * 0 / 77 / 98 (79 for an unknown --run-subtest), --list-subtests and
 * --run-subtest, and a "Subtest <name>: SUCCESS|FAIL|SKIP" line per subtest.
 *
 * The tests include "igt.h" and so build unchanged against a real IGT tree
 * (see igt-tests/README.md); this file is used only when no IGT is given.
 */
#ifndef VSVM_IGT_H
#define VSVM_IGT_H

#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

/* Exit codes, as IGT's. */
#define IGT_EXIT_SUCCESS 0
#define IGT_EXIT_SKIP 77
#define IGT_EXIT_INVALID 79
#define IGT_EXIT_FAILURE 98

/* --- test structure ---------------------------------------------------- */

extern sigjmp_buf igt_subtest_jmpbuf;

void igt_subtest_init(int argc, char **argv);
bool __igt_run_subtest(const char *name);
void __igt_subtest_complete(void) __attribute__((noreturn));
bool __igt_fixture(void);
void __igt_fixture_complete(void);
const char *__igt_subtest_name_f(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
void igt_describe_f(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool igt_only_list_subtests(void);
const char *igt_subtest_name(void);
void igt_exit(void) __attribute__((noreturn));

#define igt_describe(text) igt_describe_f("%s", (text))

#define igt_main \
	static void __igt_main_body(void); \
	int main(int argc, char **argv) \
	{ \
		igt_subtest_init(argc, argv); \
		__igt_main_body(); \
		igt_exit(); \
	} \
	static void __igt_main_body(void)

#define igt_subtest(name) \
	for (; __igt_run_subtest((name)) && \
	       (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     __igt_subtest_complete())

#define igt_subtest_f(...) igt_subtest(__igt_subtest_name_f(__VA_ARGS__))

#define __igt_concat2(a, b) a##b
#define __igt_concat(a, b) __igt_concat2(a, b)
#define igt_unique(name) __igt_concat(name, __LINE__)

#define igt_fixture \
	for (int igt_unique(__fixture) = 0; \
	     igt_unique(__fixture) < 1 && __igt_fixture() && \
	     (sigsetjmp(igt_subtest_jmpbuf, 1) == 0); \
	     igt_unique(__fixture)++, __igt_fixture_complete())

/* --- results ----------------------------------------------------------- */

void igt_fail(int exitcode) __attribute__((noreturn));
void igt_skip(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void igt_success(void);
void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 5, 6)));
void igt_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define igt_info(...) igt_log("info", __VA_ARGS__)
#define igt_debug(...) igt_log("debug", __VA_ARGS__)
#define igt_warn(...) igt_log("warn", __VA_ARGS__)
#define igt_critical(...) igt_log("critical", __VA_ARGS__)

#define igt_assert(expr) \
	do { if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, NULL); \
	} while (0)

#define igt_assert_f(expr, f...) \
	do { if (!(expr)) \
		__igt_fail_assert(__FILE__, __LINE__, __func__, #expr, f); \
	} while (0)

#define igt_fail_on(expr) igt_assert(!(expr))
#define igt_fail_on_f(expr, f...) igt_assert_f(!(expr), f)

#define __igt_assert_cmp(T, fmt, a, op, b) \
	do { \
		T __a = (a), __b = (b); \
		if (!(__a op __b)) \
			__igt_fail_assert(__FILE__, __LINE__, __func__, \
					  #a " " #op " " #b, \
					  "error: " fmt " " #op " " fmt " is false\n", \
					  __a, __b); \
	} while (0)

/* As in IGT: the comparison, then its negation (for the message only). */
#define igt_assert_cmpint(a, op, nop, b) __igt_assert_cmp(int, "%d", a, op, b)
#define igt_assert_cmpuint(a, op, nop, b) __igt_assert_cmp(unsigned int, "%#x", a, op, b)
#define igt_assert_cmps64(a, op, nop, b) __igt_assert_cmp(int64_t, "%" PRId64, a, op, b)
#define igt_assert_cmpu64(a, op, nop, b) __igt_assert_cmp(uint64_t, "%#" PRIx64, a, op, b)
#define igt_assert_eq(a, b) igt_assert_cmpint(a, ==, !=, b)
#define igt_assert_neq(a, b) igt_assert_cmpint(a, !=, ==, b)
#define igt_assert_lt(a, b) igt_assert_cmpint(a, <, >=, b)
#define igt_assert_lte(a, b) igt_assert_cmpint(a, <=, >, b)
#define igt_assert_eq_u32(a, b) igt_assert_cmpuint(a, ==, !=, b)
#define igt_assert_neq_u32(a, b) igt_assert_cmpuint(a, !=, ==, b)
#define igt_assert_eq_u64(a, b) igt_assert_cmpu64(a, ==, !=, b)
#define igt_assert_neq_u64(a, b) igt_assert_cmpu64(a, !=, ==, b)
#define igt_assert_eq_s64(a, b) igt_assert_cmps64(a, ==, !=, b)
#define igt_assert_fd(fd) igt_assert_f((fd) >= 0, "file descriptor " #fd " failed\n")

#define igt_require(expr) \
	do { if (!(expr)) \
		igt_skip("Test requirement not met in function %s, file %s:%d:\n" \
			 "Test requirement: %s\n", __func__, __FILE__, __LINE__, #expr); \
	} while (0)

#define igt_require_f(expr, f...) \
	do { if (!(expr)) { \
		igt_log("info", "Test requirement not met: %s\n", #expr); \
		igt_skip(f); \
	} } while (0)

#define igt_skip_on(expr) igt_require(!(expr))
#define igt_skip_on_f(expr, f...) igt_require_f(!(expr), f)

/* --- processes --------------------------------------------------------- */

bool __igt_fork(void);
void igt_waitchildren(void);

/*
 * igt_fork - Run the block in @num_children forked children, @child being
 * each one's number.  A failed assert in a child ends that child with
 * IGT_EXIT_FAILURE; igt_waitchildren() then fails the subtest.
 */
#define igt_fork(child, num_children) \
	for (int child = 0; child < (num_children); child++) \
		for (; __igt_fork(); exit(IGT_EXIT_SUCCESS))

/* --- DRM devices --------------------------------------------------------- */

/* As in IGT, DRIVER_ANY leaves out the virtual drivers vgem and vkms. */
#define DRIVER_VSVM (1u << 0)
#define DRIVER_VGEM (1u << 1)
#define DRIVER_ANY (~DRIVER_VGEM)

int drm_open_driver(int chipset);
int drm_open_driver_render(int chipset);
int __drm_open_driver_another(int idx, int chipset);
int drm_close_driver(int fd);

int igt_ioctl(int fd, unsigned long request, void *arg);

#define do_ioctl(fd, ioc, ioc_data) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), 0); \
	errno = 0; \
} while (0)

#define do_ioctl_err(fd, ioc, ioc_data, err) do { \
	igt_assert_eq(igt_ioctl((fd), (ioc), (ioc_data)), -1); \
	igt_assert_eq(errno, err); \
	errno = 0; \
} while (0)

int igt_debugfs_dir(int device);
void __igt_debugfs_read(int fd, const char *filename, char *buf, int size);
#define igt_debugfs_read(fd, filename, buf) \
	__igt_debugfs_read((fd), (filename), (buf), sizeof(buf))

#endif /* VSVM_IGT_H */
