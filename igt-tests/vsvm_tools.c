// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 */

/**
 * TEST: vsvm tools
 * Category: Core
 * Mega feature: General Core features
 * Sub-category: vsvm
 * Functionality: tools
 * Description: The tools' machine-readable output.  Runs vsvm-info --json
 *		(as root and as an unprivileged user), vsvm-bench --list --json
 *		and vsvm-bench --json on short benchmarks, and vsvm-top --once
 *		--json on this process, and checks that each is valid JSON (a
 *		small parser here: the test VM has no python) with the keys and
 *		values the man pages promise.  The tools are looked up in
 *		/opt/vsvm/bin (the test VM) or on PATH; without them the
 *		subtests skip.
 *
 * SUBTEST: info-json
 * Description: vsvm-info --json as root: one JSON document listing device 0,
 *		opened, with its driver, QUERY and debugfs details; it changes nothing (no
 *		object is left, none is made without --selftest).
 *
 * SUBTEST: info-json-unprivileged
 * Description: vsvm-info --json as uid 65534 (render node 0600, debugfs root-
 *		only): exit 0, every device listed, the open refusal reported, and debugfs null
 *		with a note saying it needs root.
 *
 * SUBTEST: bench-list-json
 * Description: vsvm-bench --list --json: one JSON object per benchmark and line,
 *		with name and description; p1 among them.
 *
 * SUBTEST: bench-json
 * Description: vsvm-bench --json 16 p1 b1: one JSON object per figure and line,
 *		with bench, figure, value, unit, goal and met; p1's ratios carry goals.
 *
 * SUBTEST: top-json
 * Description: vsvm-top --once --json -p <this process>: one JSON document whose
 *		client is this file (its drm-client-id and device), with the engine time of a
 *		job it ran and its resident memory.
 */

#include <ctype.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "igt.h"
#include "vsvm_drm.h"
#include "vsvm_igt.h"

#define PAGE 4096ull
#define CMD_VA 0x1000000ull
#define DATA_VA 0x2000000ull

static const char *json_value(const char *p, int depth);

static const char *ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p++ != '"')
		return NULL;
	for (; *p && *p != '"'; p++) {
		if ((unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)p[i]))
						return NULL;
				p += 4;
			} else if (!*p || !strchr("\"\\/bfnrt", *p)) {
				return NULL;
			}
		}
	}
	return *p == '"' ? p + 1 : NULL;
}

static const char *json_number(const char *p)
{
	const char *s;

	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if (isdigit((unsigned char)*p))
		while (isdigit((unsigned char)*p))
			p++;
	else
		return NULL;
	if (*p == '.') {
		s = ++p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == s)
			return NULL;
	}
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		s = p;
		while (isdigit((unsigned char)*p))
			p++;
		if (p == s)
			return NULL;
	}
	return p;
}

/* An object or array: @open, members (key: value for objects), @close. */
static const char *json_container(const char *p, int depth, char close, bool keys)
{
	p = ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		p = ws(p);
		if (keys) {
			p = json_string(p);
			if (!p)
				return NULL;
			p = ws(p);
			if (*p++ != ':')
				return NULL;
		}
		p = json_value(p, depth + 1);
		if (!p)
			return NULL;
		p = ws(p);
		if (*p == close)
			return p + 1;
		if (*p++ != ',')
			return NULL;
	}
}

/* Past one JSON value at @p (after white space), or NULL if it is not one. */
static const char *json_value(const char *p, int depth)
{
	p = ws(p);
	if (depth > 32)
		return NULL;
	switch (*p) {
	case '{':
		return json_container(p, depth, '}', true);
	case '[':
		return json_container(p, depth, ']', false);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) ? NULL : p + 4;
	case 'f':
		return strncmp(p, "false", 5) ? NULL : p + 5;
	case 'n':
		return strncmp(p, "null", 4) ? NULL : p + 4;
	default:
		return json_number(p);
	}
}

/* Asserts that @s is exactly one JSON object (white space around it). */
static void assert_json_object(const char *s)
{
	const char *end = json_value(s, 0);

	igt_assert_f(*ws(s) == '{' && end && !*ws(end), "not one JSON object:\n%.2000s\n", s);
}

/* The path of tool @name, or NULL. */
static const char *tool(const char *name)
{
	static char path[256];
	const char *env = getenv("PATH");
	char dirs[1024], *dir, *save;

	snprintf(path, sizeof(path), "/opt/vsvm/bin/%s", name);
	if (!access(path, X_OK))
		return path;
	snprintf(dirs, sizeof(dirs), "%s", env ?: "");
	for (dir = strtok_r(dirs, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if (!access(path, X_OK))
			return path;
	}
	return NULL;
}

/*
 * Runs "@name @args" (stderr to /dev/null), its stdout into @buf; returns
 * its exit status.  Skips if the tool is not there.
 */
static int run_tool(const char *name, const char *args, char *buf, size_t len)
{
	const char *path = tool(name);
	char cmd[512];
	size_t n = 0, r;
	FILE *f;
	int st;

	igt_require_f(path, "no %s in /opt/vsvm/bin or on PATH\n", name);
	snprintf(cmd, sizeof(cmd), "%s %s 2>/dev/null", path, args);
	f = popen(cmd, "r");
	igt_assert(f);
	while (n < len - 1 && (r = fread(buf + n, 1, len - 1 - n, f)) > 0)
		n += r;
	buf[n] = '\0';
	st = pclose(f);
	igt_assert_f(WIFEXITED(st), "%s did not exit\n", cmd);
	return WEXITSTATUS(st);
}

/* Calls @fn on each line of @buf (NUL-terminating it in place); returns the count. */
static int each_line(char *buf, void (*fn)(char *line))
{
	char *line, *save;
	int n = 0;

	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		fn(line);
		n++;
	}
	return n;
}

static void check_list_line(char *line)
{
	assert_json_object(line);
	igt_assert_f(strstr(line, "\"name\": \"") && strstr(line, "\"description\": \""),
		     "no name or description: %s\n", line);
}

static void check_figure_line(char *line)
{
	assert_json_object(line);
	igt_assert_f(strstr(line, "\"bench\": \"") && strstr(line, "\"figure\": \"") &&
		     strstr(line, "\"value\": ") && strstr(line, "\"unit\": \"") &&
		     strstr(line, "\"goal\": ") && strstr(line, "\"met\": "),
		     "a figure without its keys: %s\n", line);
	/* A goal has a verdict; no goal has none. */
	igt_assert_f(!!strstr(line, "\"goal\": null") == !!strstr(line, "\"met\": null"),
		     "goal and met disagree: %s\n", line);
}

igt_main
{
	static char buf[1 << 16];
	int fd = -1;

	igt_fixture {
		fd = drm_open_driver(DRIVER_VSVM);
		igt_require(vsvm_is_vsvm(fd));
	}

	igt_describe("vsvm-info --json as root: one JSON document listing device 0, opened, "
		     "with its driver, QUERY and debugfs details; it changes nothing "
		     "(no object is left, none is made without --selftest).");
	igt_subtest("info-json") {
		long long bos = vsvm_info_get(fd, "bo_count");

		igt_assert_eq(run_tool("vsvm-info", "--json", buf, sizeof(buf)), 0);
		assert_json_object(buf);
		igt_assert_f(strstr(buf, "\"devices\": [{\"index\": 0, ") &&
			     strstr(buf, "\"open\": \"ok\"") &&
			     strstr(buf, "\"driver\": {\"name\": \"vsvm\"") &&
			     strstr(buf, "\"query\": {\"num_queues\": ") &&
			     strstr(buf, "\"debugfs\": {\"index\": 0"),
			     "missing keys:\n%.2000s\n", buf);
		igt_assert_f(!strstr(buf, "\"selftest\""), "a self-test ran unasked\n");
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), bos);

		igt_assert_eq(run_tool("vsvm-info", "--json --selftest", buf, sizeof(buf)), 0);
		assert_json_object(buf);
		igt_assert_f(strstr(buf, "\"selftest\": {\"gem\": \"ok\", \"vm\": \"ok\"}"),
			     "no self-test result:\n%.2000s\n", buf);
		igt_assert_eq(vsvm_info_get(fd, "bo_count"), bos);
	}

	igt_describe("vsvm-info --json as uid 65534 (render node 0600, debugfs root-only): "
		     "exit 0, every device listed, the open refusal reported, and debugfs "
		     "null with a note saying it needs root.");
	igt_subtest("info-json-unprivileged") {
		pid_t pid;

		igt_require(!getuid());
		igt_require_f(tool("vsvm-info"), "no vsvm-info\n");
		pid = fork();
		igt_assert_lte(0, pid);
		if (!pid) {
			const char *end;
			int rc;

			/* No IGT assertion in the child: it reports by its status. */
			if (setgid(65534) || setuid(65534))
				_exit(10);
			rc = run_tool("vsvm-info", "--json", buf, sizeof(buf));
			if (rc) {
				fprintf(stderr, "vsvm-info exited %d:\n%s\n", rc, buf);
				_exit(11);
			}
			end = json_value(buf, 0);
			if (!end || *ws(end) || !strstr(buf, "\"devices\": [{\"index\": 0, ") ||
			    !strstr(buf, "\"debugfs\": null, \"debugfs_note\": \"")) {
				fprintf(stderr, "unexpected:\n%s\n", buf);
				_exit(12);
			}
			_exit(0);
		}
		igt_assert_eq(vsvm_wait_child_ms(pid, 60000), 0);
	}

	igt_describe("vsvm-bench --list --json: one JSON object per benchmark and line, with "
		     "name and description; p1 among them.");
	igt_subtest("bench-list-json") {
		igt_assert_eq(run_tool("vsvm-bench", "--list --json", buf, sizeof(buf)), 0);
		igt_assert_f(strstr(buf, "{\"name\": \"p1\", "), "no p1:\n%s\n", buf);
		igt_assert_lte(5, each_line(buf, check_list_line));
	}

	igt_describe("vsvm-bench --json 16 p1 b1: one JSON object per figure and line, with "
		     "bench, figure, value, unit, goal and met; p1's ratios carry goals.");
	igt_subtest("bench-json") {
		igt_assert_eq(run_tool("vsvm-bench", "--json 16 p1 b1", buf, sizeof(buf)), 0);
		igt_assert_f(strstr(buf, "\"bench\": \"p1\", \"figure\": "
				    "\"engine_1_queue_vs_memcpy\"") &&
			     strstr(buf, "\"goal\": \">= 0.9\"") &&
			     strstr(buf, "\"bench\": \"b1\""), "figures missing:\n%s\n", buf);
		igt_assert_lte(5, each_line(buf, check_figure_line));
	}

	igt_describe("vsvm-top --once --json -p <this process>: one JSON document whose "
		     "client is this file (its drm-client-id and device), with the engine "
		     "time of a job it ran and its resident memory.");
	igt_subtest("top-json") {
		struct drm_vsvm_sync out = { 0 };
		struct drm_vsvm_exec e = { 0 };
		uint32_t vm, cmd_bo, data_bo, *cmd;
		char args[64], want[96];
		unsigned int n = 0;

		vm = vsvm_vm_create(fd, 0);
		cmd_bo = vsvm_gem_create(fd, PAGE);
		data_bo = vsvm_gem_create(fd, 64 * PAGE);
		igt_assert_eq(vsvm_vm_map(fd, vm, cmd_bo, 0, CMD_VA, PAGE, 0), 0);
		igt_assert_eq(vsvm_vm_map(fd, vm, data_bo, 0, DATA_VA, 64 * PAGE, 0), 0);
		cmd = vsvm_gem_mmap(fd, cmd_bo, PAGE);
		vsvm_emit_fill(cmd, &n, PAGE / 4, DATA_VA, 0x1234, 64 * PAGE);
		vsvm_emit_end(cmd, &n, PAGE / 4);
		igt_assert_eq(drmSyncobjCreate(fd, 0, &out.handle), 0);
		e = (struct drm_vsvm_exec){ .vm_id = vm, .cs_addr = CMD_VA, .cs_size = n * 4,
					    .out_syncs = (uintptr_t)&out, .num_out_syncs = 1 };
		do_ioctl(fd, DRM_IOCTL_VSVM_EXEC, &e);
		igt_assert_eq(vsvm_job_end(fd, out.handle), 1);

		snprintf(args, sizeof(args), "--once --json -d 0.2 -p %d", getpid());
		igt_assert_eq(run_tool("vsvm-top", args, buf, sizeof(buf)), 0);
		assert_json_object(buf);
		snprintf(want, sizeof(want), "\"client_id\": %lld, \"device\": %lld, ",
			 vsvm_fdinfo_value(fd, "drm-client-id"), vsvm_info_get(fd, "index"));
		igt_assert_f(strstr(buf, want), "no %s in:\n%s\n", want, buf);
		igt_assert_f(strstr(buf, "\"engine_ns\": [") &&
			     !strstr(buf, "\"engine_ns\": [0, 0") &&
			     strstr(buf, "\"engine_busy_pct\": [") &&
			     strstr(buf, "\"svm_faults_per_s\": "), "keys missing:\n%s\n", buf);
		igt_assert_f(!strstr(buf, "\"resident_bytes\": 0,"),
			     "no resident memory:\n%s\n", buf);
		munmap(cmd, PAGE);
		drmSyncobjDestroy(fd, out.handle);
		vsvm_gem_close(fd, cmd_bo);
		vsvm_gem_close(fd, data_bo);
	}

	igt_fixture {
		close(fd);
	}
}
