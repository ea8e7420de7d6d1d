// SPDX-License-Identifier: GPL-2.0
/* What the selftests need of the system: files, clocks, slab memory, users. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sys.h"

#define NONE (-1L)

/* Seconds since @t0 (CLOCK_MONOTONIC). */
double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Reads a whole small file (a sysfs attribute) without its trailing newline. */
int read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	if (!f)
		return -errno;
	if (!fgets(buf, size, f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Writes @text to a file (a sysfs or procfs attribute); 0 or a negative errno.
 */
int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		ret = -errno;
	close(fd);
	return ret;
}

double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

/*
 * Shrinks every slab cache: frees empty slabs and, with KASAN, empties the
 * quarantine of the cache's objects, which otherwise keeps every frame's freed
 * buffers in the slab for a while (up to 1/32 of the memory). 0 or -1.
 */
int shrink_slab_caches(void)
{
	char path[PATH_MAX];
	struct dirent *d;
	int fd, rc = 0;
	DIR *dir;

	dir = opendir("/sys/kernel/slab");
	if (!dir)
		return -1;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
			 d->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "1", 1) != 1)
			rc = -1;
		close(fd);
	}
	closedir(dir);
	return rc;
}

/*
 * The kernel's slab memory (/proc/meminfo's Slab), in kB, after every cache
 * was shrunk; -1 if unknown.
 */
long slab_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f;

	if (shrink_slab_caches())
		return -1;
	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Slab: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* Whether the kernel has KASAN (and so bigger objects and a quarantine). */
int kernel_has_kasan(void)
{
	char line[512];
	int found = 0;
	FILE *f;

	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, " kasan_") || strstr(line, " __asan_");
	fclose(f);
	return found;
}

/*
 * In a child: becomes @w->uid (gid the same, with the one supplementary group
 * @w->group unless NONE), as setpriv does; and unless @w->inner is NONE, that
 * user in a user namespace of its own (and a network namespace of its own if
 * @w->netns) where it is @w->inner, as unshare --map-user does. 0 or -errno.
 */
int become(const struct who *w)
{
	gid_t groups[1] = { w->group };
	char map[64];
	int err;

	if (setgroups(w->group == NONE ? 0 : 1, groups) ||
	    setresgid(w->uid, w->uid, w->uid) ||
	    setresuid(w->uid, w->uid, w->uid))
		return -errno;
	if (w->inner == NONE)
		return 0;
	/* A changed euid made the process undumpable, and its /proc files
	 * root's: the maps could not be written.
	 */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) ||
	    unshare(CLONE_NEWUSER | (w->netns ? CLONE_NEWNET : 0)))
		return -errno;
	snprintf(map, sizeof(map), "%ld %ld 1", w->inner, w->uid);
	err = write_file("/proc/self/setgroups", "deny");
	if (!err)
		err = write_file("/proc/self/uid_map", map);
	if (!err)
		err = write_file("/proc/self/gid_map", map);
	return err;
}

/*
 * Runs @fn(@arg) in a child process that has become @w. Returns what @fn
 * returned (0 to 254), or -ECHILD if the child could not change identity or
 * did not exit normally.
 */
int run_as_who(const struct who *w, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (become(w))
			_exit(255);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -ECHILD;
	return WEXITSTATUS(status);
}

/* Runs @fn(@arg) as @uid with group @group, as setpriv does (run_as_who). */
int run_as(long uid, long group, int (*fn)(void *), void *arg)
{
	struct who w = { .uid = uid, .group = group, .inner = NONE };

	return run_as_who(&w, fn, arg);
}

int memcg_make(struct memcg *cg, const char *tag)
{
	char controllers[256] = "";

	memset(cg, 0, sizeof(*cg));
	if (read_line(CGROUP_ROOT "/cgroup.controllers", controllers,
		      sizeof(controllers))) {
		if (mount("cgroup2", CGROUP_ROOT, "cgroup2", 0, NULL)) {
			snprintf(cg->why, sizeof(cg->why),
				 "cannot mount cgroup2 on " CGROUP_ROOT ": %s",
				 strerror(errno));
			return -1;
		}
		cg->mounted = 1;
		read_line(CGROUP_ROOT "/cgroup.controllers", controllers,
			  sizeof(controllers));
	}
	if (!strstr(controllers, "memory")) {
		snprintf(
			cg->why, sizeof(cg->why),
			"the kernel has no memory controller (CONFIG_MEMCG): cgroup.controllers is \"%s\"",
			controllers);
		return -1;
	}
	if (write_file(CGROUP_ROOT "/cgroup.subtree_control", "+memory")) {
		snprintf(cg->why, sizeof(cg->why),
			 "cannot enable the memory controller: %s",
			 strerror(errno));
		return -1;
	}
	snprintf(cg->dir, sizeof(cg->dir), CGROUP_ROOT "/intnet-%s-%d", tag,
		 getpid());
	rmdir(cg->dir);
	if (mkdir(cg->dir, 0755)) {
		snprintf(cg->why, sizeof(cg->why), "mkdir %s: %s", cg->dir,
			 strerror(errno));
		return -1;
	}
	return 0;
}

void memcg_remove(const struct memcg *cg)
{
	rmdir(cg->dir);
	if (cg->mounted)
		umount2(CGROUP_ROOT, MNT_DETACH);
}

int memcg_write(const struct memcg *cg, const char *file, const char *value)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	return write_file(path, value);
}

long memcg_read(const struct memcg *cg, const char *file, const char *key)
{
	char path[256], buf[4096], *line, *save;
	size_t len = key ? strlen(key) : 0;
	long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", cg->dir, file);
	f = fopen(path, "r");
	if (!f)
		return -1;
	buf[fread(buf, 1, sizeof(buf) - 1, f)] = 0;
	fclose(f);
	if (!key)
		return buf[0] ? atol(buf) : -1;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, len) && line[len] == ' ')
			v = atol(line + len + 1);
	return v;
}

int module_loaded(void)
{
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/modules", "r");

	while (f && !found && fgets(line, sizeof(line), f))
		found = !strncmp(line, "intnet ", 7);
	if (f)
		fclose(f);
	return found;
}

int module_unload(void)
{
	return syscall(SYS_delete_module, "intnet", O_NONBLOCK) ? -errno : 0;
}

int module_load(const char *ko)
{
	int fd = open(ko, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = -errno;
	close(fd);
	return err;
}

int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	lseek(fd, 0, SEEK_END);
	return fd;
}

int kmsg_report(int fd, char *line, size_t size)
{
	/* selftests/lib.sh's kernel_report_re, as plain substrings */
	static const char *const reports[] = {
		"BUG:",
		"WARNING:",
		"Oops",
		"KASAN",
		"UBSAN",
		"suspected memory leak",
		"unreferenced object",
		"blocked for more than",
		"circular locking",
		"recursive locking",
		"suspicious RCU usage",
		"general protection fault",
		"Kernel panic",
		"Call Trace",
		"unregister_netdevice: waiting for",
	};
	char rec[2048], *msg;
	unsigned int i;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			return 0;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		for (i = 0; i < sizeof(reports) / sizeof(reports[0]); i++) {
			if (strstr(msg, reports[i])) {
				snprintf(line, size, "%.400s", msg);
				return 1;
			}
		}
	}
}
