/* SPDX-License-Identifier: GPL-2.0 */
/*
 * MAC floods for the selftests: distinct scattered sources, writing them to a
 * TAP, and the kernel's slab memory before and after.
 */
#ifndef INTNET_FLOOD_LIB_H
#define INTNET_FLOOD_LIB_H

#include <dirent.h>
#include <limits.h>
#include <poll.h>
#include <time.h>

#include "switch_lib.h"

/* Distinct, scattered, locally administered unicast sources: 02:f1:x. */
static inline void flood_source(uint8_t *mac, uint32_t n)
{
	/* Each step is a bijection of 32 bits: distinct n, distinct x. */
	uint32_t x = n * 0x9e3779b1u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	mac_of(mac, 0xf1, x);
}

static inline double now(void)
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
static inline int shrink_slab_caches(void)
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
static inline long slab_kb(void)
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
static inline int kernel_has_kasan(void)
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

/* Writes @count frames @dst <- flood_source(@first...) on @fd. */
static inline int flood(int fd, const uint8_t *dst, uint32_t first,
			uint32_t count)
{
	uint8_t f[60] = { 0 };
	uint32_t n;

	memcpy(f, dst, ETH_ALEN);
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	for (n = first; n < first + count; n++) {
		flood_source(f + ETH_ALEN, n);
		if (write(fd, f, sizeof(f)) != sizeof(f))
			return -errno;
	}
	return 0;
}

/*
 * Ports @a (station @mac_a) and @b (@mac_b) talking, a frame each way a
 * round, while others flood: in a thread of the test.
 */
struct talk {
	struct sw *self;
	int a, b;
	const uint8_t *mac_a, *mac_b;
	volatile int stop;
	unsigned int rounds;
	char failure[128];
};

/* Waits up to 5 s for @f on the fd @fd; 0 or a message's length. */
static inline int talk_expect(struct talk *t, int fd, const struct frame *f)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	static uint8_t buf[FRAME_MAX];
	ssize_t n;

	if (poll(&pfd, 1, 5000) != 1)
		return snprintf(t->failure, sizeof(t->failure),
				"frame %u did not arrive", f->id);
	n = read(fd, buf, sizeof(buf));
	if (n != (ssize_t)f->len || memcmp(buf, f->b, f->len))
		return snprintf(t->failure, sizeof(t->failure),
				"frame %u arrived as %zd other bytes", f->id,
				n);
	return 0;
}

/* Sends @f on port @from, and waits for it on port @to; 0 or not. */
static inline int talk_once(struct talk *t, int from, int to,
			    const struct frame *f)
{
	if (write(t->self->fd[from], f->b, f->len) != (ssize_t)f->len)
		return snprintf(t->failure, sizeof(t->failure),
				"write on t%d: %s", from, strerror(errno));
	return talk_expect(t, t->self->fd[to], f);
}

static inline void *talk_run(void *arg)
{
	struct talk *t = arg;
	static struct frame f;

	while (!t->stop) {
		if (talk_once(t, t->a, t->b,
			      frame_make(&f, t->mac_b, t->mac_a, 100)) ||
		    talk_once(t, t->b, t->a,
			      frame_make(&f, t->mac_a, t->mac_b, 100)))
			break;
		t->rounds++;
	}
	return NULL;
}

#endif
