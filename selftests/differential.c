// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test: the same seeded random sequence of frames through intnet
 * and through a Linux bridge (STP off, vlan_filtering 0, same ageing) must
 * reach the same ports, with all ports alike and with some isolated (intnet's
 * PORT_ISOLATED, the bridge's "isolated on"). Set INTNET_SEED to replay a
 * failure; the seed is always printed.
 */

#include <stdlib.h>
#include <time.h>

#include "switch_lib.h"

#define PORTS 8
#define STATIONS 24
/* Frames a variant: 10,000 in all. */
#define FRAMES 5000
#define FLEN 64

/* Which of @fds hold a copy of @frame now: a bitmask; -1 on a wrong frame. */
static int delivered(const int *fds, const unsigned char *frame)
{
	unsigned char buf[2048];
	int mask = 0, i;
	ssize_t n;

	for (i = 0; i < PORTS; i++) {
		while ((n = read(fds[i], buf, sizeof(buf))) > 0) {
			if (n != FLEN || memcmp(buf, frame, FLEN))
				return -1;
			mask |= 1 << i;
		}
	}
	return mask;
}

static void mac(unsigned char *m, int kind, int n)
{
	static const unsigned char bcast[6] = { 0xff, 0xff, 0xff,
						0xff, 0xff, 0xff };
	static const unsigned char mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };

	if (kind == 0) {
		memcpy(m, bcast, 6);
		return;
	}
	if (kind == 1) {
		memcpy(m, mcast, 6);
		return;
	}
	/* Stations (kind 2) and never-seen addresses (kind 3). */
	m[0] = 0x02;
	m[1] = 0x10;
	m[2] = kind;
	m[3] = 0;
	m[4] = n >> 8;
	m[5] = n;
}

/* 10,000 writes and 80,000 reads a variant: minutes under KASAN and TCG. */
FIXTURE(diff){};
FIXTURE_SETUP(diff)
{
}
FIXTURE_TEARDOWN(diff)
{
}

/* Ports 0 to isolated - 1 are isolated on both switches. */
FIXTURE_VARIANT(diff)
{
	int isolated;
};

FIXTURE_VARIANT_ADD(diff, alike){
	.isolated = 0,
};

FIXTURE_VARIANT_ADD(diff, three_isolated){
	.isolated = 3,
};

TEST_F_TIMEOUT(diff, same_deliveries_as_linux_bridge, 300)
{
	int ifds[PORTS], bfds[PORTS], home[STATIONS];
	unsigned char frame[FLEN];
	char name[IFNAMSIZ];
	unsigned int seed;
	int i, n, p, st, seen[PORTS + 1] = { 0 };
	struct sw *sw;
	const char *env = getenv("INTNET_SEED");

	seed = env ? strtoul(env, NULL, 0) : (unsigned int)time(NULL);
	printf("# seed %u (replay with INTNET_SEED=%u)\n", seed, seed);
	srandom(seed);

	sw = sw_new(_metadata);
	ASSERT_EQ(
		0,
		system("ip link add br0 type bridge stp_state 0 ageing_time 30000"));
	/* Off by default, or not built in: either is fine. Before br0 is up, so
	 * that the bridge sends nothing of its own out of the ports.
	 */
	system("ip link set br0 type bridge vlan_filtering 0 2>/dev/null");
	system("ip link set br0 type bridge mcast_snooping 0 2>/dev/null");
	ASSERT_EQ(0, system("ip link set br0 up"));

	for (i = 0; i < PORTS; i++) {
		char cmd[64];

		snprintf(name, sizeof(name), "i%d", i);
		ifds[i] = tun_open(name, IFF_TAP);
		ASSERT_LE(0, ifds[i]);
		ASSERT_EQ(0, dev_set_up(name, 1));
		ASSERT_EQ(0,
			  intnet_req(sw, INTNET_CMD_PORT_ADD,
				     INTNET_ATTR_NET_NAME, "diff",
				     INTNET_ATTR_IFINDEX, if_nametoindex(name),
				     INTNET_ATTR_PORT_ISOLATED,
				     i < variant->isolated, 0));
		snprintf(name, sizeof(name), "b%d", i);
		bfds[i] = tun_open(name, IFF_TAP);
		ASSERT_LE(0, bfds[i]);
		ASSERT_EQ(0, dev_set_up(name, 1));
		snprintf(cmd, sizeof(cmd), "ip link set b%d master br0", i);
		ASSERT_EQ(0, system(cmd));
		snprintf(cmd, sizeof(cmd),
			 "ip link set b%d type bridge_slave isolated %s", i,
			 i < variant->isolated ? "on" : "off");
		ASSERT_EQ(0, system(cmd));
	}
	for (st = 0; st < STATIONS; st++)
		home[st] = st % PORTS;

	for (n = 0; n < FRAMES; n++) {
		int kind = random() % 10, got_i, got_b;

		st = random() % STATIONS;
		/* Now and then a station moves to another port. */
		if (random() % 20 == 0)
			home[st] = random() % PORTS;
		p = home[st];
		memset(frame, 0, sizeof(frame));
		/* Destination: broadcast, multicast, a station or an unknown
		 * MAC. */
		mac(frame,
		    kind == 0 ? 0 :
		    kind == 1 ? 1 :
		    kind == 2 ? 3 :
				2,
		    random() % STATIONS);
		mac(frame + 6, 2, st);
		frame[12] = 0x88;
		frame[13] = 0xb5;
		memcpy(frame + 14, &n, sizeof(n));

		ASSERT_EQ(FLEN, write(ifds[p], frame, FLEN));
		ASSERT_EQ(FLEN, write(bfds[p], frame, FLEN));
		got_i = delivered(ifds, frame);
		got_b = delivered(bfds, frame);
		ASSERT_GE(got_i, 0);
		ASSERT_GE(got_b, 0);
		if (got_i != got_b) {
			TH_LOG("frame %d from port %d: intnet 0x%02x, bridge 0x%02x",
			       n, p, got_i, got_b);
			ASSERT_EQ(got_b, got_i);
		}
		seen[__builtin_popcount(got_i)]++;
	}
	/* The sequence must have exercised every kind of decision. */
	TH_LOG("to one port %d, flooded %d, dropped %d", seen[1],
	       seen[PORTS - 1], seen[0]);
	EXPECT_GT(seen[1], FRAMES / 4);
	EXPECT_GT(seen[PORTS - 1], FRAMES / 10);
	EXPECT_GT(seen[0], 10);
}

TEST_HARNESS_MAIN
