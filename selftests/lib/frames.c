// SPDX-License-Identifier: GPL-2.0
/* Frames for the selftests: crafted, flooded, and talked between two ports. */

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"

const uint8_t BCAST[ETH_ALEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t MCAST[ETH_ALEN] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x42 };
const uint8_t ZERO_MAC[ETH_ALEN];

/* The locally administered unicast address 02:@tag:@n (big-endian). */
void mac_of(uint8_t *mac, uint8_t tag, uint32_t n)
{
	mac[0] = 0x02;
	mac[1] = tag;
	mac[2] = n >> 24;
	mac[3] = n >> 16;
	mac[4] = n >> 8;
	mac[5] = n;
}

/*
 * A frame @dst <- @src of type ETHERTYPE_TEST with @payload bytes, starting
 * with a tag unique in the test, so that a frame can't pass for another.
 */
struct frame *frame_make(struct frame *f, const uint8_t *dst,
			 const uint8_t *src, size_t payload)
{
	static unsigned int seq;
	size_t i;

	memcpy(f->b, dst, ETH_ALEN);
	memcpy(f->b + ETH_ALEN, src, ETH_ALEN);
	f->b[12] = ETHERTYPE_TEST >> 8;
	f->b[13] = ETHERTYPE_TEST & 0xff;
	f->id = ++seq;
	for (i = 0; i < payload; i++)
		f->b[ETH_HLEN + i] = (uint8_t)(i * 7 + seq);
	snprintf((char *)f->b + ETH_HLEN, payload, "intnet frame %u", seq);
	f->len = ETH_HLEN + payload;
	return f;
}

/* Distinct, scattered, locally administered unicast sources: 02:f1:x. */
void flood_source(uint8_t *mac, uint32_t n)
{
	/* Each step is a bijection of 32 bits: distinct n, distinct x. */
	uint32_t x = n * 0x9e3779b1u;

	x ^= x >> 16;
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	mac_of(mac, 0xf1, x);
}

/* Writes @count frames @dst <- flood_source(@first...) on @fd. */
int flood(int fd, const uint8_t *dst, uint32_t first, uint32_t count)
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

/* Waits up to 5 s for @f on the fd @fd; 0 or a message's length. */
static int talk_expect(struct talk *t, int fd, const struct frame *f)
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
static int talk_once(struct talk *t, int from, int to, const struct frame *f)
{
	if (write(t->self->fd[from], f->b, f->len) != (ssize_t)f->len)
		return snprintf(t->failure, sizeof(t->failure),
				"write on t%d: %s", from, strerror(errno));
	return talk_expect(t, t->self->fd[to], f);
}

void *talk_run(void *arg)
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
