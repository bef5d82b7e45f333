// SPDX-License-Identifier: MIT
/*
 * Copyright © 2026 The vsvm authors
 *
 * vsvm-top: a live per-client view of the vsvm devices, from the DRM fdinfo
 * of every process (/proc/<pid>/fdinfo/<fd> with "drm-driver: vsvm", see
 * the kernel's Documentation/gpu/drm-usage-stats.rst and vsvm-top(1)).
 *
 *   vsvm-top [-d SECONDS] [-n N | --once] [-p PID] [--json]
 *
 * Each refresh samples every client twice, SECONDS apart (default 1), and
 * shows per client (one DRM file, by drm-client-id): its process, device,
 * engine busy per queue (drm-engine-queue<N> deltas over wall time),
 * resident and total memory (drm-resident-memory, drm-total-memory),
 * userptr and pinned pages (vsvm-userptr-pages, vsvm-pinned-pages) and SVM
 * faults per second (vsvm-svm-pagefaults).  -n N stops after N refreshes,
 * --once after one; --json prints each refresh as one JSON document on a
 * line.  Without root it sees the caller's own processes only.
 */

#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256
#define MAX_QUEUES 8

/* One DRM file of vsvm, as its fdinfo shows it. */
struct client {
	unsigned long long id;		/* drm-client-id */
	int pid;
	char comm[32];
	int dev;			/* vsvm.<dev>, -1 if unknown */
	char node[32];			/* /dev/dri/... */
	unsigned int nq;		/* queues seen */
	unsigned long long engine_ns[MAX_QUEUES];
	unsigned long long total, resident;	/* bytes */
	unsigned long long up_pages, pinned_pages;
	unsigned long long faults, fault_ns;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A "<n> [KiB|MiB|GiB]" fdinfo value, in bytes. */
static unsigned long long bytes(const char *v)
{
	char *end;
	unsigned long long n = strtoull(v, &end, 10);

	while (*end == ' ')
		end++;
	if (!strncmp(end, "KiB", 3))
		n <<= 10;
	else if (!strncmp(end, "MiB", 3))
		n <<= 20;
	else if (!strncmp(end, "GiB", 3))
		n <<= 30;
	return n;
}

/* The vsvm index of the DRM node with device number @rdev, or -1; its path in @node. */
static int node_index(dev_t rdev, char *node, size_t len)
{
	char path[128], link[256], *base;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/dev/char/%u:%u", major(rdev), minor(rdev));
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		base = strrchr(link, '/');
		snprintf(node, len, "/dev/dri/%.20s", base ? base + 1 : link);
	}
	strcat(path, "/device");
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return -1;
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	return strncmp(base, "vsvm.", 5) ? -1 : atoi(base + 5);
}

/* Parses one fdinfo file into @c; returns whether it is a vsvm DRM file. */
static bool read_fdinfo(int pid, const char *fd, struct client *c)
{
	char path[96], line[256];
	bool vsvm = false, have_id = false;
	struct stat st;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%s", pid, fd);
	f = fopen(path, "r");
	if (!f)
		return false;
	memset(c, 0, sizeof(*c));
	c->pid = pid;
	c->dev = -1;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');
		unsigned int q;

		if (!v)
			continue;
		*v++ = '\0';
		while (*v == ' ' || *v == '\t')
			v++;
		v[strcspn(v, "\n")] = '\0';
		if (!strcmp(line, "drm-driver"))
			vsvm = !strcmp(v, "vsvm");
		else if (!strcmp(line, "drm-client-id"))
			have_id = (c->id = strtoull(v, NULL, 10), true);
		else if (sscanf(line, "drm-engine-queue%u", &q) == 1 && q < MAX_QUEUES) {
			c->engine_ns[q] = strtoull(v, NULL, 10);
			if (q + 1 > c->nq)
				c->nq = q + 1;
		} else if (!strcmp(line, "drm-total-memory"))
			c->total = bytes(v);
		else if (!strcmp(line, "drm-resident-memory"))
			c->resident = bytes(v);
		else if (!strcmp(line, "vsvm-userptr-pages"))
			c->up_pages = strtoull(v, NULL, 10);
		else if (!strcmp(line, "vsvm-pinned-pages"))
			c->pinned_pages = strtoull(v, NULL, 10);
		else if (!strcmp(line, "vsvm-svm-pagefaults"))
			c->faults = strtoull(v, NULL, 10);
		else if (!strcmp(line, "vsvm-svm-pagefault-time"))
			c->fault_ns = strtoull(v, NULL, 10);
	}
	fclose(f);
	if (!vsvm || !have_id)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%s", pid, fd);
	if (!stat(path, &st) && S_ISCHR(st.st_mode))
		c->dev = node_index(st.st_rdev, c->node, sizeof(c->node));
	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(c->comm, sizeof(c->comm), f))
			c->comm[strcspn(c->comm, "\n")] = '\0';
		fclose(f);
	}
	return true;
}

/* Every vsvm client of every process we may read (of @only, if not 0). */
static int sample(struct client *cl, int max, int only)
{
	struct dirent *p, *fd;
	DIR *proc, *fds;
	int n = 0, i;

	proc = opendir("/proc");
	if (!proc)
		return 0;
	while ((p = readdir(proc)) && n < max) {
		char path[64];
		int pid;

		if (!isdigit((unsigned char)p->d_name[0]))
			continue;
		pid = atoi(p->d_name);
		if (only && pid != only)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
		fds = opendir(path);
		if (!fds)
			continue;
		while ((fd = readdir(fds)) && n < max) {
			if (!isdigit((unsigned char)fd->d_name[0]) ||
			    !read_fdinfo(pid, fd->d_name, &cl[n]))
				continue;
			/* One DRM file may be in several fds and processes. */
			for (i = 0; i < n; i++)
				if (cl[i].id == cl[n].id && cl[i].dev == cl[n].dev)
					break;
			if (i == n)
				n++;
		}
		closedir(fds);
	}
	closedir(proc);
	return n;
}

static const struct client *find(const struct client *cl, int n, const struct client *c)
{
	int i;

	for (i = 0; i < n; i++)
		if (cl[i].id == c->id && cl[i].dev == c->dev)
			return &cl[i];
	return NULL;
}

static void show_text(const struct client *cur, int n, const struct client *old, int nold,
		      double dt, bool clear)
{
	int i;
	unsigned int q;

	if (clear)
		printf("\033[H\033[2J");
	printf("vsvm-top: %d client%s, %.1f s interval\n", n, n == 1 ? "" : "s", dt);
	printf("%7s %-15s %3s %6s  %-23s %10s %10s %9s %9s %9s\n", "PID", "COMMAND", "DEV",
	       "CLIENT", "ENGINE BUSY % (queues)", "RESIDENT", "TOTAL", "USERPTR", "PINNED",
	       "FAULTS/s");
	for (i = 0; i < n; i++) {
		const struct client *c = &cur[i], *o = find(old, nold, c);
		char busy[64] = "";
		size_t len = 0;

		for (q = 0; q < c->nq && len < sizeof(busy) - 8; q++) {
			double pct = o ? (c->engine_ns[q] - o->engine_ns[q]) / (dt * 1e7) : 0;

			len += snprintf(busy + len, sizeof(busy) - len, "%s%.1f", q ? " " : "",
					pct);
		}
		printf("%7d %-15.15s %3d %6llu  %-23s %9lluK %9lluK %8lluK %8lluK %9.1f\n",
		       c->pid, c->comm, c->dev, c->id, busy, c->resident >> 10, c->total >> 10,
		       c->up_pages * 4, c->pinned_pages * 4,
		       o ? (c->faults - o->faults) / dt : 0.0);
	}
	fflush(stdout);
}

static void show_json(const struct client *cur, int n, const struct client *old, int nold,
		      double dt)
{
	int i;
	unsigned int q;

	printf("{\"interval_s\": %.3f, \"clients\": [", dt);
	for (i = 0; i < n; i++) {
		const struct client *c = &cur[i], *o = find(old, nold, c);
		const char *s;

		printf("%s{\"pid\": %d, \"comm\": \"", i ? ", " : "", c->pid);
		for (s = c->comm; *s; s++)
			if (*s == '"' || *s == '\\')
				printf("\\%c", *s);
			else if ((unsigned char)*s >= 0x20)
				putchar(*s);
		printf("\", \"client_id\": %llu, \"device\": %d, \"node\": \"%s\", "
		       "\"engine_ns\": [", c->id, c->dev, c->node);
		for (q = 0; q < c->nq; q++)
			printf("%s%llu", q ? ", " : "", c->engine_ns[q]);
		printf("], \"engine_busy_pct\": [");
		for (q = 0; q < c->nq; q++)
			printf("%s%.2f", q ? ", " : "",
			       o ? (c->engine_ns[q] - o->engine_ns[q]) / (dt * 1e7) : 0.0);
		printf("], \"resident_bytes\": %llu, \"total_bytes\": %llu, "
		       "\"userptr_pages\": %llu, \"pinned_pages\": %llu, \"svm_faults\": %llu, "
		       "\"svm_fault_ns\": %llu, \"svm_faults_per_s\": %.2f}",
		       c->resident, c->total, c->up_pages, c->pinned_pages, c->faults,
		       c->fault_ns, o ? (c->faults - o->faults) / dt : 0.0);
	}
	printf("]}\n");
	fflush(stdout);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vsvm-top [-d SECONDS] [-n N | --once] [-p PID] [--json]\n"
		"A live per-client view of the vsvm devices from DRM fdinfo: engine busy\n"
		"per queue, resident/total memory, userptr and pinned pages, SVM faults/s.\n"
		"  -d SECONDS  the sampling interval (default 1)\n"
		"  -n N        stop after N refreshes; --once: after one\n"
		"  -p PID      only that process's clients\n"
		"  --json      each refresh as one JSON document on a line\n"
		"  -h, --help  this text\n");
}

int main(int argc, char **argv)
{
	static struct client a[MAX_CLIENTS], b[MAX_CLIENTS];
	struct client *old = a, *cur = b, *t;
	int i, n = 0, nold, ncur, only = 0;
	bool json = false;
	double dt = 1.0, t0, t1;
	char *end;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--once")) {
			n = 1;
		} else if (!strcmp(argv[i], "-n") && i + 1 < argc) {
			n = strtol(argv[++i], &end, 10);
			if (*end || n < 1)
				goto bad;
		} else if (!strcmp(argv[i], "-d") && i + 1 < argc) {
			dt = strtod(argv[++i], &end);
			if (*end || dt < 0.01 || dt > 3600)
				goto bad;
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			only = strtol(argv[++i], &end, 10);
			if (*end || only < 1)
				goto bad;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else {
			goto bad;
		}
	}

	nold = sample(old, MAX_CLIENTS, only);
	t0 = now();
	for (i = 0; !n || i < n; i++) {
		usleep(dt * 1e6);
		ncur = sample(cur, MAX_CLIENTS, only);
		t1 = now();
		if (json)
			show_json(cur, ncur, old, nold, t1 - t0);
		else
			show_text(cur, ncur, old, nold, t1 - t0, !n && isatty(1));
		t = old;
		old = cur;
		cur = t;
		nold = ncur;
		t0 = t1;
	}
	return 0;
bad:
	fprintf(stderr, "vsvm-top: bad argument '%s'\n", argv[i]);
	usage(stderr);
	return 2;
}
