// SPDX-License-Identifier: GPL-2.0
/* The switch through TAPs: where frames go; learning, ageing, counters. */

#include <time.h>
#include <arpa/inet.h>
#include <linux/errqueue.h>
#include <linux/if_packet.h>
#include <linux/net_tstamp.h>
#include <sys/socket.h>

#include "switch_lib.h"

/*
 * The harness gives a test 30 s. A namespace that an earlier test left behind
 * holds RTNL while its ports go, and under emulation with KASAN that can take
 * longer than that: allow for it (a hang still ends the test).
 */
#undef TEST_TIMEOUT_DEFAULT
#define TEST_TIMEOUT_DEFAULT 120

static void expect_learned(struct __test_metadata *_metadata, struct sw *self,
			   uint32_t learned, uint32_t statics)
{
	struct net_info ni;

	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(learned, ni.fdb_learned);
	EXPECT_EQ(statics, ni.fdb_static);
}

/* A frame to @dst from each of 4 ports reaches the 3 others, counted as
 * flooded. */
static void floods_from_each_port(struct __test_metadata *_metadata,
				  const uint8_t *dst)
{
	struct sw *self = sw_new(_metadata);
	struct frame f;
	int in;

	add_ports(_metadata, self, 4, "lab");
	for (in = 0; in < 4; in++)
		deliver(_metadata, self, in,
			frame_make(&f, dst, MAC(in + 1), 100),
			all_but(self, in));
	for (in = 0; in < 4; in++) {
		EXPECT_EQ(1u, port_stat(_metadata, self, in,
					INTNET_STATS_RX_FLOODED));
	}
}

TEST(broadcast_floods_to_all_but_ingress)
{
	floods_from_each_port(_metadata, BCAST);
}

TEST(multicast_floods_to_all_but_ingress)
{
	floods_from_each_port(_metadata, MCAST);
}

TEST(unknown_unicast_floods_to_all_but_ingress)
{
	floods_from_each_port(_metadata, NOBODY);
}

TEST_F(sw, learned_unicast_reaches_only_its_port)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	/* B is unknown yet: flooded. */
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100),
		all_but(self, 0));
	/* A was learned from that frame. */
	deliver(_metadata, self, 1, frame_make(&f, A, B, 100), PORT(0));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
	expect_learned(_metadata, self, 2, 0);
	EXPECT_EQ(1u, port_stat(_metadata, self, 0, INTNET_STATS_RX_FORWARDED));
	EXPECT_EQ(1u, port_stat(_metadata, self, 1, INTNET_STATS_RX_FORWARDED));
}

TEST_F(sw, frames_stay_in_their_network)
{
	struct frame f;
	int i;

	/* t0, t1 in "lab"; t2, t3 in "lab2"; the same station B in both. */
	for (i = 0; i < 4; i++) {
		tap_make(_metadata, self, i);
		ASSERT_EQ(0, sw_port_add(self, i < 2 ? "lab" : "lab2",
					 self->ifindex[i], NONE, NONE));
	}
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100), PORT(1));
	deliver(_metadata, self, 2, frame_make(&f, NOBODY, C, 100), PORT(3));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100), PORT(0));
	deliver(_metadata, self, 3, frame_make(&f, BCAST, B, 100), PORT(2));
	/* Each network has its own B. */
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
	deliver(_metadata, self, 2, frame_make(&f, B, C, 100), PORT(3));
}

TEST_F(sw, no_hairpin)
{
	struct frame f;
	uint64_t st[__INTNET_STATS_MAX];

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 0, frame_make(&f, BCAST, B, 100),
		all_but(self, 0));
	/* B is behind t0, where this frame comes from: it goes nowhere. */
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), 0);
	port_stats(_metadata, self, 0, st);
	EXPECT_EQ(2u, st[INTNET_STATS_RX_PACKETS]);
	EXPECT_EQ(1u, st[INTNET_STATS_RX_FLOODED]);
	EXPECT_EQ(1u, st[INTNET_STATS_RX_DROP_LOCAL]);
	EXPECT_EQ(0u, st[INTNET_STATS_RX_FORWARDED]);
}

TEST_F(sw, station_move_is_relearned_at_once)
{
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 1, frame_make(&f, BCAST, X, 100),
		all_but(self, 1));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	/* X now talks from t2: the very next frame to X follows it. */
	deliver(_metadata, self, 2, frame_make(&f, BCAST, X, 100),
		all_but(self, 2));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(2));
	/* Moved, not duplicated. */
	expect_learned(_metadata, self, 2, 0);
	/* And back, by a unicast frame this time. */
	deliver(_metadata, self, 1, frame_make(&f, A, X, 100), PORT(0));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
}

TEST_F(sw, invalid_source_is_dropped_and_counted)
{
	const uint8_t *bad[] = { BCAST, MCAST, ZERO_MAC };
	uint64_t st[__INTNET_STATS_MAX];
	struct frame f;
	unsigned int i;

	add_ports(_metadata, self, 3, "lab");
	for (i = 0; i < 3; i++)
		deliver(_metadata, self, 0, frame_make(&f, BCAST, bad[i], 100),
			0);
	port_stats(_metadata, self, 0, st);
	EXPECT_EQ(3u, st[INTNET_STATS_RX_PACKETS]);
	EXPECT_EQ(3u, st[INTNET_STATS_RX_DROP_INVALID_SRC]);
	EXPECT_EQ(0u, st[INTNET_STATS_RX_FLOODED]);
	expect_learned(_metadata, self, 0, 0);
	/* Nothing was learned: a frame to one of them is still flooded. */
	deliver(_metadata, self, 1, frame_make(&f, ZERO_MAC, B, 100),
		all_but(self, 1));
}

TEST_F(sw, port_down_is_a_pulled_cable)
{
	struct port_info pi;
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100),
		all_but(self, 1));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], X));

	ASSERT_EQ(0, port_set(self, self->ifindex[1], 0, NONE));
	ASSERT_EQ(0, port_get(self, self->ifindex[1], &pi));
	EXPECT_EQ(0, pi.up);
	/* What was learned behind it is forgotten; the static entry stays. */
	expect_learned(_metadata, self, 0, 1);

	/* Nothing enters through it... */
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100), 0);
	deliver(_metadata, self, 1, frame_make(&f, A, B, 100), 0);
	/* ...nothing leaves through it, flooded or forwarded. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(2));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), 0);
	EXPECT_EQ(2u, port_stat(_metadata, self, 1,
				INTNET_STATS_RX_DROP_PORT_DOWN));
	EXPECT_EQ(1u, port_stat(_metadata, self, 0,
				INTNET_STATS_RX_DROP_DEST_DOWN));
	EXPECT_EQ(0u, port_stat(_metadata, self, 1, INTNET_STATS_TX_PACKETS));

	/* Plugged back in, it switches again. */
	ASSERT_EQ(0, port_set(self, self->ifindex[1], 1, NONE));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100),
		all_but(self, 1));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
	EXPECT_EQ(2u, port_stat(_metadata, self, 1, INTNET_STATS_TX_PACKETS));
}

TEST_F(sw, flood_unknown_off_reaches_only_promiscuous_ports)
{
	struct net_info ni;
	struct frame f;
	int i;

	/* Promiscuous ports get copies only where the policy allows. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_NET_FLOOD_UNKNOWN, 0,
				INTNET_ATTR_NET_PROMISC_POLICY,
				INTNET_PROMISC_ALLOW_ALL, 0));
	for (i = 0; i < 4; i++) {
		tap_make(_metadata, self, i);
		ASSERT_EQ(0, sw_port_add(self, "lab", self->ifindex[i], NONE,
					 i == 3 ? 1 : NONE));
	}
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(0, ni.flood_unknown);

	deliver(_metadata, self, 0, frame_make(&f, NOBODY, A, 100), PORT(3));
	/* Broadcast and multicast are not unknown unicast. */
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 0, frame_make(&f, MCAST, A, 100),
		all_but(self, 0));
	/* Known unicast is forwarded (with the promiscuous port's copy). */
	deliver(_metadata, self, 1, frame_make(&f, A, B, 100),
		PORT(0) | PORT(3));
	EXPECT_EQ(3u, port_stat(_metadata, self, 0, INTNET_STATS_RX_FLOODED));

	/* Flooding again, once the network says so. */
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_SET, "lab", 1, NONE, NONE,
			     NONE));
	deliver(_metadata, self, 0, frame_make(&f, NOBODY, A, 100),
		all_but(self, 0));
}

TEST_F(sw, promiscuous_port_gets_copy_of_unicast_between_others)
{
	struct port_info pi;
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, net_set(self, "lab", INTNET_ATTR_NET_PROMISC_POLICY,
			     INTNET_PROMISC_ALLOW_ALL));
	ASSERT_EQ(0, port_set(self, self->ifindex[3], NONE, 1));
	ASSERT_EQ(0, port_get(self, self->ifindex[3], &pi));
	EXPECT_EQ(1, pi.promisc);
	EXPECT_EQ(1, pi.promisc_active);

	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 1, frame_make(&f, A, B, 100),
		PORT(0) | PORT(3));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100),
		PORT(1) | PORT(3));
	/* Traffic to and from the promiscuous port itself: one copy. */
	deliver(_metadata, self, 3, frame_make(&f, A, D, 100), PORT(0));
	deliver(_metadata, self, 0, frame_make(&f, D, A, 100), PORT(3));
	EXPECT_EQ(4u, port_stat(_metadata, self, 3, INTNET_STATS_TX_PACKETS));

	/* A promiscuous port that is down gets nothing. */
	ASSERT_EQ(0, port_set(self, self->ifindex[3], 0, NONE));
	ASSERT_EQ(0, port_get(self, self->ifindex[3], &pi));
	EXPECT_EQ(1, pi.promisc);
	EXPECT_EQ(0, pi.promisc_active);
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));

	/* Nor does one that is up but no longer promiscuous. */
	ASSERT_EQ(0, port_set(self, self->ifindex[3], 1, 0));
	ASSERT_EQ(0, port_get(self, self->ifindex[3], &pi));
	EXPECT_EQ(0, pi.promisc_active);
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
}

TEST_F(sw, fdb_limit_stops_learning_but_not_switching)
{
	struct net_info ni;
	struct frame f;

	/* The network's limit; its one user (root) may fill it all. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_NET_FDB_MAX, 2,
				INTNET_ATTR_NET_PORT_FDB_MAX, 2, 0));
	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(2u, ni.fdb_max);

	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100),
		all_but(self, 1));
	expect_learned(_metadata, self, 2, 0);
	/* The third source is switched, not learned. */
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 100),
		all_but(self, 2));
	expect_learned(_metadata, self, 2, 0);
	EXPECT_EQ(1u, port_stat(_metadata, self, 2, INTNET_STATS_FDB_FULL));
	EXPECT_EQ(1u, port_stat(_metadata, self, 2, INTNET_STATS_RX_FLOODED));
	deliver(_metadata, self, 0, frame_make(&f, C, A, 100),
		all_but(self, 0));
	/* Known sources still refresh without counting as full. */
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
	EXPECT_EQ(0u, port_stat(_metadata, self, 0, INTNET_STATS_FDB_FULL));

	/* The limit is on entries present: one gone, C is learned. */
	ASSERT_EQ(0, fdb_del(self, "lab", B));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 100),
		all_but(self, 2));
	expect_learned(_metadata, self, 2, 0);
	deliver(_metadata, self, 0, frame_make(&f, C, A, 100), PORT(2));
	EXPECT_EQ(1u, port_stat(_metadata, self, 2, INTNET_STATS_FDB_FULL));
}

TEST_F(sw, static_entry_is_not_overwritten_by_learning)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], X));
	expect_learned(_metadata, self, 0, 1);
	/* No frame from X needed: the entry is there. */
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	/* X shows up behind t2: switched, but the entry stays on t1. */
	deliver(_metadata, self, 2, frame_make(&f, BCAST, X, 100),
		all_but(self, 2));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	expect_learned(_metadata, self, 1, 1);

	/* A second static entry for X is refused, and moves nothing. */
	EXPECT_EQ(-EEXIST, fdb_add(self, self->ifindex[3], X));
	EXPECT_STREQ("intnet: a static entry for this address exists",
		     last.extack);
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
}

TEST_F(sw, static_entry_replaces_learned_one)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	deliver(_metadata, self, 2, frame_make(&f, BCAST, X, 100),
		all_but(self, 2));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(2));
	expect_learned(_metadata, self, 2, 0);
	ASSERT_EQ(0, fdb_add(self, self->ifindex[3], X))
	TH_LOG("FDB_ADD: %s", last.extack);
	expect_learned(_metadata, self, 1, 1);
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(3));
}

TEST_F(sw, fdb_flush_forgets_learned_keeps_static)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], X));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 100),
		all_but(self, 2));
	deliver(_metadata, self, 0, frame_make(&f, C, A, 100), PORT(2));
	expect_learned(_metadata, self, 2, 1);

	ASSERT_EQ(0, fdb_flush(self, "lab", NONE));
	expect_learned(_metadata, self, 0, 1);
	deliver(_metadata, self, 3, frame_make(&f, C, D, 100),
		all_but(self, 3));
	deliver(_metadata, self, 3, frame_make(&f, A, D, 100),
		all_but(self, 3));
	deliver(_metadata, self, 3, frame_make(&f, X, D, 100), PORT(1));
}

TEST_F(sw, fdb_flush_of_a_port_forgets_only_its_stations)
{
	struct frame f;

	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[2], X));
	deliver(_metadata, self, 1, frame_make(&f, BCAST, B, 100),
		all_but(self, 1));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 100),
		all_but(self, 2));
	expect_learned(_metadata, self, 2, 1);

	ASSERT_EQ(0, fdb_flush(self, NULL, self->ifindex[2]));
	expect_learned(_metadata, self, 1, 1);
	deliver(_metadata, self, 0, frame_make(&f, C, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 0, frame_make(&f, B, A, 100), PORT(1));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(2));
}

TEST_F(sw, fdb_del_forgets_one_entry)
{
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	ASSERT_EQ(0, fdb_add(self, self->ifindex[1], X));
	deliver(_metadata, self, 2, frame_make(&f, BCAST, C, 100),
		all_but(self, 2));
	expect_learned(_metadata, self, 1, 1);
	/* Port 0's last source (A) and destination (X) entries, which the
	 * packet path keeps at hand, and which must go with the entries.
	 */
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	expect_learned(_metadata, self, 2, 1);

	ASSERT_EQ(0, fdb_del(self, "lab", X));
	expect_learned(_metadata, self, 2, 0);
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100),
		all_but(self, 0));
	ASSERT_EQ(0, fdb_del(self, "lab", A));
	expect_learned(_metadata, self, 1, 0);
	ASSERT_EQ(0, fdb_del(self, "lab", C));
	deliver(_metadata, self, 0, frame_make(&f, C, A, 100),
		all_but(self, 0));
	/* A again: learned anew, not found in what was kept of it. */
	expect_learned(_metadata, self, 1, 0);

	EXPECT_EQ(-ENOENT, fdb_del(self, "lab", C));
	EXPECT_STREQ("no such FDB entry", last.extack);
}

TEST_F(sw, ageing_forgets_idle_stations)
{
	struct timespec t0, t;
	struct net_info ni;
	struct frame f;
	long ms;

	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_NEW, "lab", NONE, 1, NONE,
			     NONE));
	add_ports(_metadata, self, 3, "lab");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	deliver(_metadata, self, 1, frame_make(&f, BCAST, X, 100),
		all_but(self, 1));
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100), PORT(1));
	expect_learned(_metadata, self, 2, 0);

	/* An entry lives 1 s unrefreshed: gone within 1 s and a bit. */
	for (;;) {
		ASSERT_EQ(0, net_get(self, "lab", &ni));
		clock_gettime(CLOCK_MONOTONIC, &t);
		ms = (t.tv_sec - t0.tv_sec) * 1000 +
		     (t.tv_nsec - t0.tv_nsec) / 1000000;
		if (!ni.fdb_learned || ms > 3000)
			break;
		usleep(50 * 1000);
	}
	EXPECT_EQ(0u, ni.fdb_learned);
	EXPECT_LE(950, ms);
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100),
		all_but(self, 0));
}

TEST_F(sw, shorter_ageing_applies_to_known_stations)
{
	struct net_info ni;
	struct frame f;
	int tries;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 1, frame_make(&f, BCAST, X, 100),
		all_but(self, 1));
	expect_learned(_metadata, self, 1, 0);
	/* Learned under 300 s; the new 1 s counts from the last frame. */
	ASSERT_EQ(0, net_req(self, INTNET_CMD_NET_SET, "lab", NONE, 1, NONE,
			     NONE));
	for (tries = 0; tries < 60; tries++) {
		ASSERT_EQ(0, net_get(self, "lab", &ni));
		if (!ni.fdb_learned)
			break;
		usleep(50 * 1000);
	}
	EXPECT_EQ(0u, ni.fdb_learned);
	deliver(_metadata, self, 0, frame_make(&f, X, A, 100),
		all_but(self, 0));
}

TEST_F(sw, oversize_frame_is_dropped_and_counted)
{
	struct frame *f = malloc(sizeof(*f));
	uint64_t st[__INTNET_STATS_MAX];

	ASSERT_NE(NULL, f);
	add_ports(_metadata, self, 3, "lab");
	ASSERT_EQ(0, dev_set_mtu("t0", 9000));
	ASSERT_EQ(0, dev_set_mtu("t1", 1500));
	ASSERT_EQ(0, dev_set_mtu("t2", 9000));
	deliver(_metadata, self, 1, frame_make(f, BCAST, B, 100),
		all_but(self, 1));

	deliver(_metadata, self, 0, frame_make(f, B, A, 1501), 0);
	deliver(_metadata, self, 0, frame_make(f, B, A, 1500), PORT(1));
	/* Flooded: each egress port decides by its own MTU. */
	deliver(_metadata, self, 0, frame_make(f, BCAST, A, 1501), PORT(2));

	port_stats(_metadata, self, 1, st);
	EXPECT_EQ(2u, st[INTNET_STATS_TX_DROP_OVERSIZE]);
	EXPECT_EQ(1u, st[INTNET_STATS_TX_PACKETS]);
	EXPECT_EQ(ETH_HLEN + 1500u, st[INTNET_STATS_TX_BYTES]);
	EXPECT_EQ(0u,
		  port_stat(_metadata, self, 2, INTNET_STATS_TX_DROP_OVERSIZE));
	/* The ingress side saw it switched: the drop is the egress port's. */
	EXPECT_EQ(2u, port_stat(_metadata, self, 0, INTNET_STATS_RX_FORWARDED));
	free(f);
}

TEST_F(sw, jumbo_frame_passes_when_mtu_allows)
{
	struct frame *f = malloc(sizeof(*f));

	ASSERT_NE(NULL, f);
	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, dev_set_mtu("t0", 9000));
	ASSERT_EQ(0, dev_set_mtu("t1", 9000));
	deliver(_metadata, self, 1, frame_make(f, BCAST, B, 9000), PORT(0));
	deliver(_metadata, self, 0, frame_make(f, B, A, 9000), PORT(1));
	deliver(_metadata, self, 0, frame_make(f, B, A, 9001), 0);
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 1, INTNET_STATS_TX_DROP_OVERSIZE));
	EXPECT_EQ(ETH_HLEN + 9000u,
		  port_stat(_metadata, self, 1, INTNET_STATS_TX_BYTES));
	free(f);
}

/* @f with an 802.1Q tag (@tpid, @tci) after the source address. */
static struct frame *tag(struct frame *f, uint16_t tpid, uint16_t tci)
{
	memmove(f->b + 16, f->b + 12, f->len - 12);
	f->b[12] = tpid >> 8;
	f->b[13] = tpid & 0xff;
	f->b[14] = tci >> 8;
	f->b[15] = tci & 0xff;
	f->len += 4;
	return f;
}

TEST_F(sw, vlan_tag_is_preserved)
{
	struct frame f;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 0,
		tag(frame_make(&f, BCAST, A, 100), 0x8100, 42),
		all_but(self, 0));
	/* Learning ignores the VLAN: B tagged, then reached untagged. */
	deliver(_metadata, self, 1, tag(frame_make(&f, A, B, 100), 0x8100, 42),
		PORT(0));
	deliver(_metadata, self, 0, tag(frame_make(&f, B, A, 100), 0x8100, 42),
		PORT(1));
	/* Priority bits, and a stacked (802.1ad) pair of tags. */
	deliver(_metadata, self, 0,
		tag(frame_make(&f, B, A, 100), 0x8100, (5 << 13) | 42),
		PORT(1));
	deliver(_metadata, self, 0,
		tag(tag(frame_make(&f, B, A, 100), 0x8100, 42), 0x88a8, 7),
		PORT(1));
}

TEST_F(sw, vlan_tag_does_not_count_against_mtu)
{
	struct frame *f = malloc(sizeof(*f));

	ASSERT_NE(NULL, f);
	add_ports(_metadata, self, 2, "lab");
	ASSERT_EQ(0, dev_set_mtu("t0", 9000));
	deliver(_metadata, self, 1, frame_make(f, BCAST, B, 100), PORT(0));
	deliver(_metadata, self, 0, tag(frame_make(f, B, A, 1500), 0x8100, 42),
		PORT(1));
	deliver(_metadata, self, 0, tag(frame_make(f, B, A, 1501), 0x8100, 42),
		0);
	EXPECT_EQ(1u,
		  port_stat(_metadata, self, 1, INTNET_STATS_TX_DROP_OVERSIZE));
	free(f);
}

/*
 * A packet socket on @ifindex that asks for software receive timestamps: it
 * turns stamping on (from a work item, so not at once) and shows whether a
 * frame got one.
 */
static int stamp_watch(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
	int s;

	s = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		   htons(ETH_P_ALL));
	if (s < 0)
		return -errno;
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(s, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof(flags))) {
		close(s);
		return -errno;
	}
	return s;
}

/* 1 if the next frame received on @s was stamped on its way in, 0 if not. */
static int was_stamped(int s)
{
	static char data[FRAME_MAX];
	char ctl[512];
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov,
			      .msg_iovlen = 1,
			      .msg_control = ctl,
			      .msg_controllen = sizeof(ctl) };
	struct scm_timestamping ts;
	struct cmsghdr *cm;

	if (recvmsg(s, &msg, 0) < 0)
		return -errno;
	for (cm = CMSG_FIRSTHDR(&msg); cm; cm = CMSG_NXTHDR(&msg, cm)) {
		if (cm->cmsg_level != SOL_SOCKET ||
		    cm->cmsg_type != SCM_TIMESTAMPING)
			continue;
		memcpy(&ts, CMSG_DATA(cm), sizeof(ts));
		return ts.ts[0].tv_sec || ts.ts[0].tv_nsec;
	}
	return 0;
}

/*
 * A received frame carries its arrival time (wall clock) once anything on the
 * machine asks for receive timestamps; an fq qdisc takes a transmitted frame's
 * timestamp for its departure time (monotonic clock). A switch must clear it,
 * as the bridge does, or fq drops the frame as too far in the future.
 */
TEST_F(sw, forwarded_frame_passes_fq_qdisc_with_rx_timestamps)
{
	int s, err, tries, stamped = 0;
	struct frame f;

	add_ports(_metadata, self, 2, "lab");
	err = qdisc_replace(self->ifindex[1], "fq");
	if (err == -ENOENT || err == -EOPNOTSUPP)
		SKIP(return, "no fq qdisc in this kernel");
	ASSERT_EQ(0, err);
	s = stamp_watch(self->ifindex[0]);
	ASSERT_LE(0, s);

	/* Frames pass until stamping is on; then one must pass too. */
	for (tries = 0; tries < 50 && !stamped; tries++) {
		if (tries)
			usleep(20 * 1000);
		send_frame(_metadata, self, 0, frame_make(&f, BCAST, A, 100));
		stamped = was_stamped(s);
		ASSERT_LE(0, stamped);
		expect_frame(_metadata, self, 1, &f);
	}
	ASSERT_TRUE(stamped)
	TH_LOG("receive timestamps did not come on");
	EXPECT_EQ(0u,
		  port_stat(_metadata, self, 1, INTNET_STATS_TX_DROP_ERROR));
	close(s);
}

/* The expected counters of one port; unnamed ones are 0. */
struct counts {
	uint64_t rx_packets, rx_bytes, forwarded, flooded, port_down,
		invalid_src, local, dest_down, fdb_full, tx_packets, tx_bytes,
		oversize, mac_locked;
};

static void expect_counts(struct __test_metadata *_metadata, struct sw *self,
			  int i, const struct counts *c, uint64_t *total)
{
	const uint64_t want[__INTNET_STATS_MAX] = {
		[INTNET_STATS_RX_PACKETS] = c->rx_packets,
		[INTNET_STATS_RX_BYTES] = c->rx_bytes,
		[INTNET_STATS_RX_FORWARDED] = c->forwarded,
		[INTNET_STATS_RX_FLOODED] = c->flooded,
		[INTNET_STATS_RX_DROP_PORT_DOWN] = c->port_down,
		[INTNET_STATS_RX_DROP_INVALID_SRC] = c->invalid_src,
		[INTNET_STATS_RX_DROP_LOCAL] = c->local,
		[INTNET_STATS_RX_DROP_DEST_DOWN] = c->dest_down,
		[INTNET_STATS_FDB_FULL] = c->fdb_full,
		[INTNET_STATS_TX_PACKETS] = c->tx_packets,
		[INTNET_STATS_TX_BYTES] = c->tx_bytes,
		[INTNET_STATS_TX_DROP_OVERSIZE] = c->oversize,
		[INTNET_STATS_RX_DROP_MAC_LOCKED] = c->mac_locked,
	};
	struct port_info pi;
	int s;

	ASSERT_EQ(0, port_get(self, self->ifindex[i], &pi));
	/* Every counter is in the reply. */
	EXPECT_EQ((1u << __INTNET_STATS_MAX) - (1u << INTNET_STATS_RX_PACKETS),
		  pi.st_seen);
	for (s = INTNET_STATS_RX_PACKETS; s < __INTNET_STATS_MAX; s++) {
		EXPECT_EQ(want[s], pi.st[s])
		TH_LOG("t%d: counter %d", i, s);
		total[s] += pi.st[s];
	}
	/* Each frame received is accounted for exactly once. */
	EXPECT_EQ(pi.st[INTNET_STATS_RX_PACKETS], rx_outcomes(pi.st))
	TH_LOG("t%d: rx_packets is not the sum of its outcomes", i);
}

TEST_F(sw, counters_account_for_every_frame)
{
	uint64_t total[__INTNET_STATS_MAX] = { 0 };
	struct frame *f = malloc(sizeof(*f));
	const uint8_t *A2 = MAC(0xa2), *E = MAC(0x0e);
	struct net_info ni;
	int s;

	ASSERT_NE(NULL, f);
	/* Five entries in all (static ones count), for any one user. */
	ASSERT_EQ(0, intnet_req(self, INTNET_CMD_NET_NEW, INTNET_ATTR_NET_NAME,
				"lab", INTNET_ATTR_NET_FDB_MAX, 5,
				INTNET_ATTR_NET_PORT_FDB_MAX, 5, 0));
	add_ports(_metadata, self, 4, "lab");
	ASSERT_EQ(0, dev_set_mtu("t0", 9000));
	ASSERT_EQ(0, fdb_add(self, self->ifindex[3], D));

	/* Flooded, forwarded, flooded as unknown. */
	deliver(_metadata, self, 0, frame_make(f, BCAST, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 1, frame_make(f, A, B, 200), PORT(0));
	deliver(_metadata, self, 2, frame_make(f, NOBODY, C, 300),
		all_but(self, 2));
	/* Hairpin (A2, a 4th learned source, fills the FDB). */
	deliver(_metadata, self, 0, frame_make(f, A, A2, 64), 0);
	/* Invalid source; then a source that finds the FDB full. */
	deliver(_metadata, self, 3, frame_make(f, BCAST, MCAST, 80), 0);
	deliver(_metadata, self, 3, frame_make(f, BCAST, E, 90),
		all_but(self, 3));
	/* Port down, and a destination behind it. */
	ASSERT_EQ(0, port_set(self, self->ifindex[3], 0, NONE));
	deliver(_metadata, self, 3, frame_make(f, A, E, 50), 0);
	deliver(_metadata, self, 1, frame_make(f, D, B, 60), 0);
	ASSERT_EQ(0, port_set(self, self->ifindex[3], 1, NONE));
	/* Forwarded but too big for t2; forwarded to a static entry. */
	deliver(_metadata, self, 0, frame_make(f, C, A, 1600), 0);
	deliver(_metadata, self, 1, frame_make(f, D, B, 70), PORT(3));
	/* Locked to C (learned behind t2: now static): other sources from
	 * t2, and C from anywhere else, are dropped. */
	ASSERT_EQ(0, port_lock(self, self->ifindex[2], C));
	deliver(_metadata, self, 2, frame_make(f, BCAST, A, 50), 0);
	deliver(_metadata, self, 1, frame_make(f, BCAST, C, 40), 0);

	expect_counts(_metadata, self, 0,
		      &(struct counts){ .rx_packets = 3,
					.rx_bytes = 114 + 78 + 1614,
					.forwarded = 1,
					.flooded = 1,
					.local = 1,
					.tx_packets = 3,
					.tx_bytes = 214 + 314 + 104 },
		      total);
	expect_counts(_metadata, self, 1,
		      &(struct counts){ .rx_packets = 4,
					.rx_bytes = 214 + 74 + 84 + 54,
					.forwarded = 2,
					.dest_down = 1,
					.mac_locked = 1,
					.tx_packets = 3,
					.tx_bytes = 114 + 314 + 104 },
		      total);
	expect_counts(_metadata, self, 2,
		      &(struct counts){ .rx_packets = 2,
					.rx_bytes = 314 + 64,
					.flooded = 1,
					.mac_locked = 1,
					.tx_packets = 2,
					.tx_bytes = 114 + 104,
					.oversize = 1 },
		      total);
	expect_counts(_metadata, self, 3,
		      &(struct counts){ .rx_packets = 3,
					.rx_bytes = 94 + 104 + 64,
					.flooded = 1,
					.port_down = 1,
					.invalid_src = 1,
					.fdb_full = 1,
					.tx_packets = 3,
					.tx_bytes = 114 + 314 + 84 },
		      total);

	/* The network's counters are the sums of its ports'. */
	ASSERT_EQ(0, net_get(self, "lab", &ni));
	EXPECT_EQ(3u, ni.fdb_learned);
	EXPECT_EQ(2u, ni.fdb_static);
	for (s = INTNET_STATS_RX_PACKETS; s < __INTNET_STATS_MAX; s++) {
		EXPECT_EQ(total[s], ni.st[s])
		TH_LOG("network counter %d", s);
	}
	free(f);
}

TEST_F(sw, network_counters_keep_what_departed_ports_counted)
{
	struct net_info before, after;
	struct frame f;
	int s;

	add_ports(_metadata, self, 3, "lab");
	deliver(_metadata, self, 0, frame_make(&f, BCAST, A, 100),
		all_but(self, 0));
	deliver(_metadata, self, 2, frame_make(&f, A, C, 200), PORT(0));
	ASSERT_EQ(0, net_get(self, "lab", &before));
	EXPECT_EQ(2u, before.st[INTNET_STATS_RX_PACKETS]);
	EXPECT_EQ(3u, before.st[INTNET_STATS_TX_PACKETS]);

	ASSERT_EQ(0, port_del(self, self->ifindex[2]));
	close(self->fd[0]);
	self->fd[0] = -1;
	ASSERT_EQ(0, net_get(self, "lab", &after));
	EXPECT_EQ(1u, after.ports);
	for (s = INTNET_STATS_RX_PACKETS; s < __INTNET_STATS_MAX; s++) {
		EXPECT_EQ(before.st[s], after.st[s])
		TH_LOG("counter %d", s);
	}
}

TEST_HARNESS_MAIN
