/* SPDX-License-Identifier: GPL-2.0 */
/* What the selftests need of the system: files, clocks, slab memory, users. */
#ifndef INTNET_TEST_SYS_H
#define INTNET_TEST_SYS_H

#include <stddef.h>
#include <time.h>

/* Seconds since @t0 (CLOCK_MONOTONIC). */
double seconds_since(const struct timespec *t0);

/* Reads a whole small file (a sysfs attribute) without its trailing newline. */
int read_line(const char *path, char *buf, size_t size);

/* Writes @text to a file (a sysfs or procfs attribute); 0 or a negative errno.
 */
int write_file(const char *path, const char *text);

double now(void);

/*
 * Shrinks every slab cache: frees empty slabs and, with KASAN, empties the
 * quarantine of the cache's objects, which otherwise keeps every frame's freed
 * buffers in the slab for a while (up to 1/32 of the memory). 0 or -1.
 */
int shrink_slab_caches(void);

/*
 * The kernel's slab memory (/proc/meminfo's Slab), in kB, after every cache
 * was shrunk; -1 if unknown.
 */
long slab_kb(void);

/* Whether the kernel has KASAN (and so bigger objects and a quarantine). */
int kernel_has_kasan(void);

/* Who a child becomes to send a request (see become()). */
struct who {
	long uid, group, inner;
	int netns;
};

int become(const struct who *w);
int run_as_who(const struct who *w, int (*fn)(void *), void *arg);
int run_as(long uid, long group, int (*fn)(void *), void *arg);

#define CGROUP_ROOT "/sys/fs/cgroup"

/* A memory cgroup of a test's own, made fresh. */
struct memcg {
	char dir[128];
	int mounted;
	char why[256];
};

/*
 * Makes @cg, CGROUP_ROOT/intnet-@tag-PID under cgroup2 (mounted there if
 * nothing is): 0, or -1 with the reason to skip in cg->why.
 */
int memcg_make(struct memcg *cg, const char *tag);
/* Removes @cg (empty by then) and what memcg_make() mounted. */
void memcg_remove(const struct memcg *cg);
int memcg_write(const struct memcg *cg, const char *file, const char *value);
/*
 * The number in @cg's @file, or on its line "@key N" if @key is not NULL;
 * -1 if unknown.
 */
long memcg_read(const struct memcg *cg, const char *file, const char *key);

/* Whether intnet is in /proc/modules. */
int module_loaded(void);
/* delete_module(2) of intnet, as rmmod does: 0 or -errno. */
int module_unload(void);
/* finit_module(2) of the module file @ko, as insmod does: 0 or -errno. */
int module_load(const char *ko);

/* The kernel log from now on: /dev/kmsg read from its end; or -errno. */
int kmsg_open(void);
/*
 * The first message logged on @fd since kmsg_open() that reports a kernel
 * problem (what check.sh's dmesg check looks for), in @line: 1, or 0 if there
 * is none.
 */
int kmsg_report(int fd, char *line, size_t size);

#endif
