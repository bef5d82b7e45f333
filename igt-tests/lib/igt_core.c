// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * The core of vsvm's IGT API subset: subtest selection and results, fixtures,
 * failure and skip handling, forked children.  See igt.h.
 */

#define _GNU_SOURCE
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

#include "igt.h"

sigjmp_buf igt_subtest_jmpbuf;

static const char *command_str;
static bool list_subtests;
static bool describe_subtests;
static char *run_pattern;	/* --run-subtest, comma-separated globs */
static bool run_matched;
static const char *in_subtest;	/* name of the running subtest, or NULL */
static bool in_fixture;
static char *description;	/* igt_describe() for the next subtest */
static struct timespec subtest_start;

/* Whatever ended a fixture early applies to every later subtest. */
static enum { HENCEFORTH_RUN, HENCEFORTH_SKIP, HENCEFORTH_FAIL } henceforth;

static int n_success, n_fail, n_skip;

static pid_t children[512];
static int n_children;
static bool is_child;

static void usage(FILE *f)
{
	fprintf(f, "Usage: %s [OPTIONS]\n"
		"  --list-subtests\n"
		"  --run-subtest <pattern>[,<pattern>...]\n"
		"  --describe\n"
		"  --help\n", command_str);
}

void igt_subtest_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "list-subtests", no_argument, NULL, 'l' },
		{ "run-subtest", required_argument, NULL, 'r' },
		{ "describe", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	command_str = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			list_subtests = true;
			break;
		case 'r':
			run_pattern = strdup(optarg);
			break;
		case 'd':
			describe_subtests = true;
			list_subtests = true;
			break;
		case 'h':
			usage(stdout);
			exit(IGT_EXIT_SUCCESS);
		default:
			usage(stderr);
			exit(IGT_EXIT_INVALID);
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!list_subtests)
		printf("IGT-Version: vsvm-igt-subset (%s)\n", command_str);
}

bool igt_only_list_subtests(void)
{
	return list_subtests;
}

const char *igt_subtest_name(void)
{
	return in_subtest;
}

static bool pattern_matches(const char *name)
{
	char *patterns, *save = NULL, *p;
	bool match = false;

	if (!run_pattern)
		return true;
	patterns = strdup(run_pattern);
	for (p = strtok_r(patterns, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (!fnmatch(p, name, 0))
			match = true;
	free(patterns);
	return match;
}

static double elapsed(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - subtest_start.tv_sec) +
	       (now.tv_nsec - subtest_start.tv_nsec) / 1e9;
}

static void end_subtest(const char *result)
{
	printf("Subtest %s: %s (%.3fs)\n", in_subtest, result, elapsed());
	fflush(stdout);
	free((void *)in_subtest);
	in_subtest = NULL;
}

const char *__igt_subtest_name_f(const char *fmt, ...)
{
	static char name[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	return name;
}

void igt_describe_f(const char *fmt, ...)
{
	va_list ap;

	free(description);
	va_start(ap, fmt);
	if (vasprintf(&description, fmt, ap) < 0)
		description = NULL;
	va_end(ap);
}

bool __igt_run_subtest(const char *name)
{
	char *desc = description;

	description = NULL;
	if (list_subtests) {
		if (describe_subtests)
			printf("SUB %s:\n  %s\n\n", name, desc ? desc : "NO DOCUMENTATION!");
		else
			printf("%s\n", name);
		free(desc);
		return false;
	}
	free(desc);
	if (!pattern_matches(name))
		return false;

	run_matched = true;
	in_subtest = strdup(name);
	clock_gettime(CLOCK_MONOTONIC, &subtest_start);
	printf("Starting subtest: %s\n", name);
	fflush(stdout);

	if (henceforth == HENCEFORTH_SKIP) {
		n_skip++;
		end_subtest("SKIP");
		return false;
	}
	if (henceforth == HENCEFORTH_FAIL) {
		n_fail++;
		end_subtest("FAIL");
		return false;
	}
	return true;
}

/*
 * The loop step of igt_subtest: the body ran to its end.  Like a failure or
 * a skip, this jumps back to the sigsetjmp() in the loop condition, which
 * then returns 1 and ends the loop.
 */
void __igt_subtest_complete(void)
{
	n_success++;
	end_subtest("SUCCESS");
	siglongjmp(igt_subtest_jmpbuf, 1);
}

bool __igt_fixture(void)
{
	if (list_subtests || henceforth != HENCEFORTH_RUN)
		return false;
	in_fixture = true;
	return true;
}

void __igt_fixture_complete(void)
{
	in_fixture = false;
}

void igt_log(const char *level, const char *fmt, ...)
{
	va_list ap;
	FILE *f = strcmp(level, "info") && strcmp(level, "debug") ? stderr : stdout;

	if (!strcmp(level, "debug") && !getenv("IGT_LOG_DEBUG"))
		return;
	va_start(ap, fmt);
	if (f == stderr)
		fprintf(f, "(%s:%d) %s: ", command_str, getpid(), level);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fflush(f);
}

void igt_success(void)
{
}

void igt_fail(int exitcode)
{
	if (is_child)
		exit(exitcode);

	if (in_subtest) {
		n_fail++;
		end_subtest("FAIL");
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	if (in_fixture) {
		/* A broken fixture fails every subtest after it. */
		henceforth = HENCEFORTH_FAIL;
		in_fixture = false;
		n_fail++;
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	exit(exitcode);
}

void __igt_fail_assert(const char *file, int line, const char *func,
		       const char *assertion, const char *fmt, ...)
{
	va_list ap;
	int err = errno;

	fprintf(stderr, "(%s:%d) CRITICAL: Test assertion failure function %s, file %s:%d:\n",
		command_str, getpid(), func, file, line);
	fprintf(stderr, "(%s:%d) CRITICAL: Failed assertion: %s\n",
		command_str, getpid(), assertion);
	if (err)
		fprintf(stderr, "(%s:%d) CRITICAL: Last errno: %d, %s\n",
			command_str, getpid(), err, strerror(err));
	if (fmt) {
		fprintf(stderr, "(%s:%d) CRITICAL: ", command_str, getpid());
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fflush(stderr);
	igt_fail(IGT_EXIT_FAILURE);
}

void igt_skip(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fflush(stdout);

	if (is_child) {
		/* As in IGT, a child cannot skip: its parent counts it failed. */
		exit(IGT_EXIT_SKIP);
	}
	if (in_subtest) {
		n_skip++;
		end_subtest("SKIP");
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	if (in_fixture) {
		henceforth = HENCEFORTH_SKIP;
		in_fixture = false;
		siglongjmp(igt_subtest_jmpbuf, 1);
	}
	/* Outside any subtest: the whole test is skipped. */
	exit(IGT_EXIT_SKIP);
}

bool __igt_fork(void)
{
	pid_t pid;

	if (n_children == (int)(sizeof(children) / sizeof(children[0]))) {
		igt_warn("too many children\n");
		igt_fail(IGT_EXIT_FAILURE);
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		igt_warn("fork: %s\n", strerror(errno));
		igt_fail(IGT_EXIT_FAILURE);
	}
	if (pid == 0) {
		is_child = true;
		n_children = 0;
		return true;
	}
	children[n_children++] = pid;
	return false;
}

void igt_waitchildren(void)
{
	bool failed = false;
	int i, status;

	for (i = 0; i < n_children; i++) {
		if (waitpid(children[i], &status, 0) < 0) {
			failed = true;
			continue;
		}
		if (WIFSIGNALED(status)) {
			igt_warn("child %d died with signal %d\n", i, WTERMSIG(status));
			failed = true;
		} else if (WEXITSTATUS(status) != 0) {
			igt_warn("child %d failed with exit status %d\n", i,
				 WEXITSTATUS(status));
			failed = true;
		}
	}
	n_children = 0;
	if (failed)
		igt_fail(IGT_EXIT_FAILURE);
}

void igt_exit(void)
{
	if (list_subtests)
		exit(IGT_EXIT_SUCCESS);
	if (run_pattern && !run_matched) {
		fprintf(stderr, "Unknown subtest: %s\n", run_pattern);
		exit(IGT_EXIT_INVALID);
	}
	if (n_fail)
		exit(IGT_EXIT_FAILURE);
	if (n_success)
		exit(IGT_EXIT_SUCCESS);
	exit(IGT_EXIT_SKIP);
}
