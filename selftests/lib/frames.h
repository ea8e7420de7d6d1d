/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames for the selftests: crafted frames, MAC floods from scattered
 * sources, and two ports talking in a thread while others flood.
 */
#ifndef INTNET_TEST_FRAMES_H
#define INTNET_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include <linux/if_ether.h>

#include "intnet.h"

/* Forwarding is synchronous with write(): a frame is there or never comes. */
#define ARRIVAL_MS 100
#define SILENCE_MS 50
#define ETHERTYPE_TEST 0x88b5
#define FRAME_MAX (ETH_HLEN + 4 + 9216)

struct frame {
	unsigned int id;
	size_t len;
	uint8_t b[FRAME_MAX];
};

#define MAC(n) ((const uint8_t[ETH_ALEN]){ 0x02, 0, 0, 0, 0, (n) })
extern const uint8_t BCAST[ETH_ALEN];
extern const uint8_t MCAST[ETH_ALEN];
extern const uint8_t ZERO_MAC[ETH_ALEN];

/* Stations: the locally administered unicast addresses the tests send from. */
static const uint8_t A[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0a };
static const uint8_t B[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0b };
static const uint8_t C[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0c };
static const uint8_t D[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x0d };
static const uint8_t M[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x4d };
static const uint8_t S[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x53 };
static const uint8_t X[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x58 };
static const uint8_t Y[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x59 };
/* Never a source: unknown to every FDB. */
static const uint8_t NOBODY[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 0x77 };

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

/* The locally administered unicast address 02:@tag:@n (big-endian). */
void mac_of(uint8_t *mac, uint8_t tag, uint32_t n);

/*
 * A frame @dst <- @src of type ETHERTYPE_TEST with @payload bytes, starting
 * with a tag unique in the test, so that a frame can't pass for another.
 */
struct frame *frame_make(struct frame *f, const uint8_t *dst,
			 const uint8_t *src, size_t payload);

/* Distinct, scattered, locally administered unicast sources: 02:f1:x. */
void flood_source(uint8_t *mac, uint32_t n);

/* Writes @count frames @dst <- flood_source(@first...) on @fd. */
int flood(int fd, const uint8_t *dst, uint32_t first, uint32_t count);

void *talk_run(void *arg);

#endif
