// SPDX-License-Identifier: GPL-2.0
/* What the selftests need of the system: files, clocks, slab memory, users. */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
 * Runs @fn(@arg) in a child process that has become @uid (and gid @uid, with
 * the one supplementary group @group unless NONE, else none): what setpriv
 * does. Returns what @fn returned (0 to 255), or -ECHILD if the child could
 * not change identity or did not exit normally.
 */
int run_as(long uid, long group, int (*fn)(void *), void *arg)
{
	gid_t groups[1] = { group };
	int status;
	pid_t pid;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		if (setgroups(group == NONE ? 0 : 1, groups) ||
		    setresgid(uid, uid, uid) || setresuid(uid, uid, uid))
			_exit(255);
		_exit(fn(arg) & 0xff);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) == 255)
		return -ECHILD;
	return WEXITSTATUS(status);
}
